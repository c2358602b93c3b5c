//! The `# METADATA` block at the top of a policy file: title, description and
//! seaworthy's `custom` keys, read with positions so mistakes are pointed at.

use crate::document::{parse_yaml, Node, Value};
use crate::finding::Severity;
use crate::policy::params::ParamSpec;

/// Whether a rule sees one object at a time or the whole inventory of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Object,
    Inventory,
}

/// Preview rules are off unless preview is enabled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Stable,
    Preview,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Stable => "stable",
            Status::Preview => "preview",
        }
    }
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Object => "object",
            Scope::Inventory => "inventory",
        }
    }
}

/// The parsed metadata of one rule.
#[derive(Debug, Clone)]
pub struct Metadata {
    pub title: String,
    pub description: String,
    pub severity: Severity,
    pub scope: Scope,
    pub status: Status,
    /// Kinds the rule applies to; `None` means every kind.
    pub kinds: Option<Vec<String>>,
    pub remediation: String,
    pub tags: Vec<String>,
    /// Equivalent checks in other tools, as (tool, check id).
    pub equivalents: Vec<(String, String)>,
    /// The parameters the rule takes, in their declared order.
    pub params: Vec<ParamSpec>,
}

/// A mistake in a metadata block, at a line (1-based) of the policy file.
#[derive(Debug, Clone, PartialEq)]
pub struct MetadataError {
    pub message: String,
    pub line: u32,
    pub column: u32,
}

/// Finds and parses the `# METADATA` block. Returns `Ok(None)` when the file
/// has none.
pub fn parse(rego: &str) -> Result<Option<Metadata>, MetadataError> {
    let mut lines = rego.lines().enumerate();
    let Some((start, _)) = lines.find(|(_, l)| l.trim() == "# METADATA") else {
        return Ok(None);
    };
    // The block: the comment lines that follow, with "# " removed.
    let mut yaml = String::new();
    for line in rego.lines().skip(start + 1) {
        let Some(rest) = line.trim_start().strip_prefix('#') else {
            break;
        };
        yaml.push_str(rest.strip_prefix(' ').unwrap_or(rest));
        yaml.push('\n');
    }
    let first_line = start as u32 + 2;
    let at = |message: String, node: Option<&Node>| MetadataError {
        message,
        line: first_line + node.map_or(0, |n| n.span.start.line - 1),
        column: node.map_or(1, |n| n.span.start.column + 2),
    };
    let root = match parse_yaml(&yaml) {
        Ok(Some(root)) => root,
        Ok(None) => return Err(at("the METADATA block is empty".into(), None)),
        Err(e) => {
            return Err(MetadataError {
                message: format!("the METADATA block is not valid YAML: {}", e.message),
                line: first_line + e.pos.line - 1,
                column: e.pos.column + 2,
            })
        }
    };
    let text = |node: &Node, key: &str| -> Result<Option<String>, MetadataError> {
        match node.get(key) {
            None => Ok(None),
            Some(v) => match &v.value {
                Value::String(s) => Ok(Some(s.clone())),
                _ => Err(at(format!("`{key}` must be a string"), Some(v))),
            },
        }
    };
    let list = |node: &Node, key: &str| -> Result<Option<Vec<String>>, MetadataError> {
        match node.get(key) {
            None => Ok(None),
            Some(v) => match &v.value {
                Value::Seq(items) => items
                    .iter()
                    .map(|i| {
                        i.as_str()
                            .map(str::to_string)
                            .ok_or_else(|| at(format!("`{key}` must list strings"), Some(i)))
                    })
                    .collect::<Result<Vec<_>, _>>()
                    .map(Some),
                _ => Err(at(format!("`{key}` must be a list"), Some(v))),
            },
        }
    };
    let pairs = |node: &Node, key: &str| -> Result<Vec<(String, String)>, MetadataError> {
        match node.get(key) {
            None => Ok(Vec::new()),
            Some(v) => match v.as_map() {
                Some(entries) => entries
                    .iter()
                    .map(|e| match &e.value.value {
                        Value::String(s) => Ok((e.key.clone(), s.clone())),
                        _ => Err(at(
                            format!("`{key}.{}` must be a string", e.key),
                            Some(&e.value),
                        )),
                    })
                    .collect(),
                None => Err(at(format!("`{key}` must be a mapping"), Some(v))),
            },
        }
    };

    let title = text(&root, "title")?
        .ok_or_else(|| at("the METADATA block needs a `title`".into(), Some(&root)))?;
    let description = text(&root, "description")?.unwrap_or_default();
    let empty = Node {
        value: Value::Map(Vec::new()),
        span: root.span,
    };
    let custom = root.get("custom").unwrap_or(&empty);
    if custom.as_map().is_none() {
        return Err(at("`custom` must be a mapping".into(), Some(custom)));
    }
    const KNOWN: [&str; 8] = [
        "severity",
        "scope",
        "status",
        "kinds",
        "remediation",
        "tags",
        "equivalents",
        "params",
    ];
    for e in custom.as_map().unwrap_or_default() {
        if !KNOWN.contains(&e.key.as_str()) {
            return Err(MetadataError {
                message: format!(
                    "unknown key `custom.{}` (expected one of: {})",
                    e.key,
                    KNOWN.join(", ")
                ),
                line: first_line + e.key_span.start.line - 1,
                column: e.key_span.start.column + 2,
            });
        }
    }
    let severity = match text(custom, "severity")? {
        None => Severity::Warning,
        Some(s) => Severity::parse(&s).ok_or_else(|| {
            at(
                format!("severity `{s}` is not one of error, warning, note"),
                custom.get("severity"),
            )
        })?,
    };
    let scope = match text(custom, "scope")?.as_deref() {
        None | Some("object") => Scope::Object,
        Some("inventory") => Scope::Inventory,
        Some(s) => {
            return Err(at(
                format!("scope `{s}` is not one of object, inventory"),
                custom.get("scope"),
            ))
        }
    };
    let status = match text(custom, "status")?.as_deref() {
        None | Some("stable") => Status::Stable,
        Some("preview") => Status::Preview,
        Some(s) => {
            return Err(at(
                format!("status `{s}` is not one of stable, preview"),
                custom.get("status"),
            ))
        }
    };
    Ok(Some(Metadata {
        title,
        description,
        severity,
        scope,
        status,
        kinds: list(custom, "kinds")?,
        remediation: text(custom, "remediation")?.unwrap_or_default(),
        tags: list(custom, "tags")?.unwrap_or_default(),
        equivalents: pairs(custom, "equivalents")?,
        params: match custom.get("params") {
            None => Vec::new(),
            Some(v) => match v.as_map() {
                Some(entries) => entries
                    .iter()
                    .map(|e| {
                        ParamSpec::parse(&e.key, &e.value)
                            .map_err(|(message, node)| at(message, Some(&node)))
                    })
                    .collect::<Result<_, _>>()?,
                None => return Err(at("`params` must be a mapping".into(), Some(v))),
            },
        },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_full_block() {
        let rego = "# METADATA\n# title: T\n# description: D\n# custom:\n#   severity: error\n#   kinds: [Pod]\n#   status: preview\npackage x\n";
        let m = parse(rego).unwrap().unwrap();
        assert_eq!(m.title, "T");
        assert_eq!(m.severity, Severity::Error);
        assert_eq!(m.status, Status::Preview);
        assert_eq!(m.kinds, Some(vec!["Pod".to_string()]));
    }

    #[test]
    fn errors_point_at_the_policy_line() {
        let rego = "# METADATA\n# title: T\n# custom:\n#   severity: fatal\npackage x\n";
        let e = parse(rego).unwrap_err();
        assert_eq!(e.line, 4);
        assert!(e.message.contains("fatal"));
        assert_eq!(e.column, 15);
    }

    #[test]
    fn unknown_custom_keys_are_refused() {
        let rego = "# METADATA\n# title: T\n# custom:\n#   severty: error\npackage x\n";
        let e = parse(rego).unwrap_err();
        assert_eq!(e.line, 4);
        assert!(e.message.contains("severty"));
    }
}
