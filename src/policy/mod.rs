//! The rule catalog: built-in policies embedded in the binary, custom policy
//! folders and their metadata, and the rules written in Rust
//! ([`crate::rules`]) that the caller brings in.

pub mod docs;
pub mod metadata;
pub mod params;
pub mod recursion;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use miette::{NamedSource, SourceSpan};

pub use metadata::{Metadata, Scope, Status};

include!(concat!(env!("OUT_DIR"), "/builtin_policies.rs"));

/// A Rego source file: a policy, a library or a test module.
#[derive(Debug, Clone)]
pub struct Module {
    /// The name shown in errors: `policies/x.rego` for built-ins, else the path.
    pub name: String,
    pub text: Arc<str>,
    pub package: String,
    pub is_test: bool,
}

/// One rule of the catalog.
#[derive(Debug, Clone)]
pub struct Rule {
    /// The user-facing ID, kebab case: `missing-cpu-request`.
    pub id: String,
    pub meta: Metadata,
    /// The Rego rule that yields its violations, or `None` for a rule
    /// implemented in Rust (`parse-error`).
    pub query: Option<String>,
    pub builtin: bool,
}

impl Rule {
    /// The Rego name of the rule: `missing_cpu_request`.
    pub fn stem(&self) -> String {
        self.id.replace('-', "_")
    }

    pub fn applies_to(&self, kind: &str) -> bool {
        self.meta
            .kinds
            .as_ref()
            .is_none_or(|kinds| kinds.iter().any(|k| k == kind || k == "*"))
    }
}

/// All rules known to a run, and the Rego modules that implement them.
#[derive(Debug, Clone)]
pub struct Catalog {
    pub rules: Vec<Rule>,
    pub modules: Vec<Module>,
}

/// A mistake at a place in a policy file.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{message}")]
#[diagnostic(code(seaworthy::policy))]
pub struct PolicyMistake {
    pub message: String,
    #[source_code]
    pub src: NamedSource<Arc<str>>,
    #[label("here")]
    pub span: SourceSpan,
}

/// A policy file that cannot be used. The run stops: results without a
/// policy the user asked for would be silently incomplete.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum PolicyError {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Invalid(Box<PolicyMistake>),
    #[error("{path}: {reason}")]
    #[diagnostic(code(seaworthy::policy))]
    Unreadable { path: String, reason: String },
}

impl PolicyError {
    /// An error at a 1-based line and column of a policy file.
    pub fn at(module: &Module, line: u32, column: u32, message: String) -> PolicyError {
        let offset = offset_of(&module.text, line, column);
        PolicyError::Invalid(Box::new(PolicyMistake {
            message: format!("{}:{line}:{column}: {message}", module.name),
            src: NamedSource::new(module.name.clone(), module.text.clone()),
            span: SourceSpan::from((offset, 0)),
        }))
    }
}

/// The byte offset of a 1-based line and character column.
pub fn offset_of(text: &str, line: u32, column: u32) -> usize {
    crate::source::LineIndex::new(text).offset(line, column)
}

/// The 1-based line and column of the package name, for errors about it.
fn package_position(text: &str) -> (u32, u32) {
    text.lines()
        .enumerate()
        .find_map(|(i, l)| {
            let indent = l.len() - l.trim_start().len();
            let rest = l.trim_start().strip_prefix("package ")?;
            let column = indent + "package ".len() + (rest.len() - rest.trim_start().len());
            Some((i as u32 + 1, l[..column].chars().count() as u32 + 1))
        })
        .unwrap_or((1, 1))
}

/// Lower-case letters, digits and `_`: what a policy's stem may hold.
fn is_rule_name(stem: &str) -> bool {
    !stem.is_empty()
        && stem
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn package_of(text: &str) -> Option<String> {
    text.lines().find_map(|l| {
        l.trim()
            .strip_prefix("package ")
            .map(|p| p.trim().to_string())
    })
}

fn module(name: String, text: Arc<str>) -> Module {
    let package = package_of(&text).unwrap_or_default();
    let is_test = name.ends_with("_test.rego");
    Module {
        name,
        text,
        package,
        is_test,
    }
}

impl Catalog {
    /// The built-in policies, the rules written in Rust (`native`), and the
    /// policies under each of `dirs`.
    pub fn load(dirs: &[PathBuf], native: Vec<Rule>) -> Result<Catalog, PolicyError> {
        let mut modules: Vec<Module> = BUILTIN_POLICY_FILES
            .iter()
            .map(|(path, text)| module(format!("policies/{path}"), Arc::from(*text)))
            .collect();
        let builtin_count = modules.len();
        // A folder named twice (by the config and by `--policy`) is read once.
        let mut seen = std::collections::HashSet::new();
        for dir in dirs {
            if seen.insert(std::fs::canonicalize(dir).unwrap_or_else(|_| dir.clone())) {
                modules.extend(read_dir(dir)?);
            }
        }
        let mut rules = native;
        for (i, m) in modules.iter().enumerate() {
            if m.is_test {
                continue;
            }
            let Some(stem) = m.package.strip_prefix("seaworthy.policy.") else {
                continue; // a library module
            };
            let meta = match metadata::parse(&m.text) {
                Ok(Some(meta)) => meta,
                Ok(None) => {
                    let (line, _) = package_position(&m.text);
                    return Err(PolicyError::at(
                        m,
                        line,
                        1,
                        "a policy needs a `# METADATA` block with at least a title".into(),
                    ));
                }
                Err(e) => return Err(PolicyError::at(m, e.line, e.column, e.message)),
            };
            let id = stem.replace('_', "-");
            let (line, column) = package_position(&m.text);
            if !is_rule_name(stem) {
                return Err(PolicyError::at(
                    m,
                    line,
                    column,
                    format!(
                        "package `{}`: a rule name is lower-case letters, digits and `_`",
                        m.package
                    ),
                ));
            }
            // The rule ID comes from the package; the file must say the
            // same, or `policies/foo.rego` would define a rule named
            // otherwise and its tests and fixtures would not be found.
            let file_stem = Path::new(&m.name)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            if file_stem != stem {
                let fix = match is_rule_name(&file_stem) {
                    true => format!("write `package seaworthy.policy.{file_stem}`"),
                    false => format!("name the file `{stem}.rego`"),
                };
                return Err(PolicyError::at(
                    m,
                    line,
                    column,
                    format!(
                        "package `{}` does not match the file name `{file_stem}.rego`: {fix} (a policy's rule ID is its file's stem in kebab case)",
                        m.package
                    ),
                ));
            }
            if let Some(existing) = rules.iter().find(|r| r.id == id) {
                let what = if existing.builtin {
                    "a built-in rule"
                } else {
                    "another policy"
                };
                return Err(PolicyError::at(
                    m,
                    line,
                    column,
                    format!("rule `{id}` is already defined by {what}"),
                ));
            }
            rules.push(Rule {
                id,
                meta,
                query: Some(format!("data.{}.violation", m.package)),
                builtin: i < builtin_count,
            });
        }
        Ok(Catalog { rules, modules })
    }

    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// The IDs of every rule, for suggestions in error messages.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.rules.iter().map(|r| r.id.as_str())
    }
}

/// Reads every `.rego` file under a custom policy folder.
pub fn read_dir(dir: &Path) -> Result<Vec<Module>, PolicyError> {
    let unreadable = |reason: String| PolicyError::Unreadable {
        path: dir.display().to_string(),
        reason,
    };
    if !dir.exists() {
        return Err(unreadable("no such policy folder".into()));
    }
    let mut modules = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|e| unreadable(e.to_string()))?;
        let path = entry.path();
        if !entry.file_type().is_file() || path.extension().is_none_or(|e| e != "rego") {
            continue;
        }
        let text = std::fs::read_to_string(path).map_err(|e| PolicyError::Unreadable {
            path: path.display().to_string(),
            reason: e.to_string(),
        })?;
        modules.push(module(crate::source::display_name(path), Arc::from(text)));
    }
    Ok(modules)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;

    #[test]
    fn builtins_load_with_metadata() {
        let catalog = Catalog::load(&[], Vec::new()).unwrap();
        let rule = catalog.rule("missing-cpu-request").expect("built-in rule");
        assert_eq!(rule.meta.severity, Severity::Warning);
        assert_eq!(
            rule.query.as_deref(),
            Some("data.seaworthy.policy.missing_cpu_request.violation")
        );
    }

    #[test]
    fn offsets_count_bytes_from_characters() {
        assert_eq!(offset_of("ab\nçd\n", 2, 2), 5);
    }
}
