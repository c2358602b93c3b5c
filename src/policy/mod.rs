//! The rule catalog: built-in policies embedded in the binary, custom policy
//! folders, their metadata, and the rules implemented in Rust.

pub mod docs;
pub mod metadata;
pub mod recursion;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use miette::{NamedSource, SourceSpan};

pub use metadata::{Metadata, Scope, Status};

use crate::finding::Severity;

include!(concat!(env!("OUT_DIR"), "/builtin_policies.rs"));

/// The rule every unreadable document is reported under.
pub const PARSE_ERROR: &str = "parse-error";
pub const INVALID_MANIFEST: &str = "invalid-manifest";

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
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line as usize {
            let col = l
                .char_indices()
                .nth(column.saturating_sub(1) as usize)
                .map_or(l.trim_end().len(), |(b, _)| b);
            return offset + col;
        }
        offset += l.len();
    }
    text.len()
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

/// The rules implemented in Rust rather than Rego.
fn native_rules() -> Vec<Rule> {
    vec![
        Rule {
            id: PARSE_ERROR.to_string(),
            meta: Metadata {
                title: "Document cannot be parsed".into(),
                description: "The file is not valid YAML or JSON, or a document in it is not a \
                well-formed Kubernetes object. Nothing else can be checked in that document, \
                and `kubectl apply` would refuse it."
                    .into(),
                severity: Severity::Error,
                scope: Scope::Object,
                status: Status::Stable,
                kinds: None,
                remediation: "Fix the syntax at the line and column shown.".into(),
                tags: vec!["input".into()],
                equivalents: Vec::new(),
                params: Vec::new(),
            },
            query: None,
            builtin: true,
        },
        Rule {
            id: INVALID_MANIFEST.to_string(),
            meta: Metadata {
                title: "Object does not match the Kubernetes schema".into(),
                description:
                    "A field the kind does not have (`livenesProbe` for `livenessProbe`), a \
                value of the wrong type (`replicas: \"3\"`, an unquoted `true` or `1.10` as a \
                label or env value), or a key written twice in one mapping. The API server \
                refuses such an object, or silently drops the unknown field, so the setting \
                the author meant never takes effect: a misspelled probe is no probe at all.\n\n\
                Built-in kinds are checked against the schemas of Kubernetes 1.37 (from \
                k8s-openapi). A custom resource is checked when a CustomResourceDefinition \
                in the same input gives its schema, and skipped otherwise. Fields under \
                `x-kubernetes-preserve-unknown-fields` are not checked. Required fields are \
                not checked, because partial manifests such as Kustomize bases leave them out."
                        .into(),
                severity: Severity::Error,
                scope: Scope::Object,
                status: Status::Stable,
                kinds: None,
                remediation: "Fix the field name or the value's type at the place shown; quote \
                numbers and booleans that must be strings (`\"true\"`, `\"1.10\"`)."
                    .into(),
                tags: vec!["correctness".into()],
                equivalents: vec![
                    (
                        "kubeconform".into(),
                        "schema validation (strict mode)".into(),
                    ),
                    ("kubectl".into(), "apply --validate=strict".into()),
                ],
                params: Vec::new(),
            },
            query: None,
            builtin: true,
        },
        suppression_rule(
            crate::suppress::UNUSED_SUPPRESSION,
            "Suppression that matches no finding",
            "A `seaworthy.dev/ignore` annotation or a `# seaworthy:ignore` comment that \
                suppresses nothing: the problem was fixed, or the rule ID is wrong. A stale \
                suppression would silently hide the next real finding of that rule.",
            Severity::Note,
            "Remove the suppression, or correct the rule ID it names.",
        ),
        suppression_rule(
            crate::suppress::INVALID_SUPPRESSION,
            "Suppression without a reason",
            "A `seaworthy.dev/ignore` annotation without `seaworthy.dev/ignore-reason`, or a \
                `# seaworthy:ignore RULE` comment without `-- reason`. Every suppression must \
                say why, so that reviewers can judge it; one without a reason suppresses nothing.",
            Severity::Warning,
            "Add the reason: `seaworthy.dev/ignore-reason: \"…\"` beside the annotation, or \
                `# seaworthy:ignore RULE -- why` in the comment.",
        ),
    ]
}

/// A native rule about suppressions themselves.
fn suppression_rule(
    id: &str,
    title: &str,
    description: &str,
    severity: Severity,
    remediation: &str,
) -> Rule {
    Rule {
        id: id.to_string(),
        meta: Metadata {
            title: title.into(),
            description: description.into(),
            severity,
            scope: Scope::Object,
            status: Status::Stable,
            kinds: None,
            remediation: remediation.into(),
            tags: vec!["suppression".into()],
            equivalents: Vec::new(),
            params: Vec::new(),
        },
        query: None,
        builtin: true,
    }
}

impl Catalog {
    /// The built-in catalog, plus the policies under each of `dirs`.
    pub fn load(dirs: &[PathBuf]) -> Result<Catalog, PolicyError> {
        let mut modules: Vec<Module> = BUILTIN_POLICY_FILES
            .iter()
            .map(|(path, text)| module(format!("policies/{path}"), Arc::from(*text)))
            .collect();
        let builtin_count = modules.len();
        for dir in dirs {
            modules.extend(read_dir(dir)?);
        }
        let mut rules = native_rules();
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
                    let line = m
                        .text
                        .lines()
                        .position(|l| l.trim_start().starts_with("package "))
                        .map_or(1, |i| i as u32 + 1);
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
            if !stem
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            {
                return Err(PolicyError::at(
                    m,
                    1,
                    1,
                    format!(
                        "package `{}`: a rule name is lower-case letters, digits and `_`",
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
                    1,
                    1,
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

    #[test]
    fn builtins_load_with_metadata() {
        let catalog = Catalog::load(&[]).unwrap();
        let rule = catalog.rule("missing-cpu-request").expect("built-in rule");
        assert_eq!(rule.meta.severity, Severity::Warning);
        assert_eq!(
            rule.query.as_deref(),
            Some("data.seaworthy.policy.missing_cpu_request.violation")
        );
        assert!(catalog.rule(PARSE_ERROR).is_some());
    }

    #[test]
    fn offsets_count_bytes_from_characters() {
        assert_eq!(offset_of("ab\nçd\n", 2, 2), 5);
    }
}
