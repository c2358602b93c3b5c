//! The parameters a rule declares in its METADATA (`custom.params`), and the
//! check of a config's values against them, so that a typo in
//! `.seaworthy.yaml` is an error rather than a rule silently left unconfigured.
//!
//! ```yaml
//! params:
//!   tags:
//!     type: list           # string, boolean, integer, number, list, mapping, or a list of them
//!     items: string        # lists only: the type (or types) of each item
//!     values: [a, b]       # optional: the strings allowed (for a list: in each item)
//!     default: [latest]    # optional: what the rule uses when the key is not set
//!     description: What the parameter means.
//! ```

use crate::document::{Node, Value};

/// The YAML types a parameter may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    String,
    Boolean,
    Integer,
    Number,
    List,
    Mapping,
}

impl ParamType {
    pub const ALL: [ParamType; 6] = [
        ParamType::String,
        ParamType::Boolean,
        ParamType::Integer,
        ParamType::Number,
        ParamType::List,
        ParamType::Mapping,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ParamType::String => "string",
            ParamType::Boolean => "boolean",
            ParamType::Integer => "integer",
            ParamType::Number => "number",
            ParamType::List => "list",
            ParamType::Mapping => "mapping",
        }
    }

    fn parse(name: &str) -> Option<ParamType> {
        ParamType::ALL.into_iter().find(|t| t.as_str() == name)
    }

    fn accepts(self, node: &Node) -> bool {
        matches!(
            (self, &node.value),
            (ParamType::String, Value::String(_))
                | (ParamType::Boolean, Value::Bool(_))
                | (ParamType::Integer, Value::Int(_))
                | (ParamType::Number, Value::Int(_) | Value::Float(_))
                | (ParamType::List, Value::Seq(_))
                | (ParamType::Mapping, Value::Map(_))
        )
    }
}

/// One declared parameter.
#[derive(Debug, Clone)]
pub struct ParamSpec {
    pub name: String,
    pub description: String,
    pub types: Vec<ParamType>,
    /// For lists: the types each item may take (empty: any).
    pub items: Vec<ParamType>,
    /// The strings allowed (for a list, in each item); empty: any.
    pub values: Vec<String>,
    /// What the rule uses when the parameter is not set, as YAML text.
    pub default: Option<String>,
}

/// A value that does not fit its declaration, at `node`.
#[derive(Debug)]
pub struct Mismatch<'a> {
    pub message: String,
    pub node: &'a Node,
}

impl ParamSpec {
    /// Reads one `custom.params.NAME` entry; the error names the offending node.
    pub fn parse(name: &str, node: &Node) -> Result<ParamSpec, (String, Node)> {
        let fail = |message: String, at: &Node| Err((message, at.clone()));
        let Some(entries) = node.as_map() else {
            return fail(
                format!("`params.{name}` must be a mapping with `type` and `description`"),
                node,
            );
        };
        const KNOWN: [&str; 5] = ["type", "items", "values", "default", "description"];
        if let Some(e) = entries.iter().find(|e| !KNOWN.contains(&e.key.as_str())) {
            return fail(
                format!(
                    "unknown key `params.{name}.{}` (expected one of: {})",
                    e.key,
                    KNOWN.join(", ")
                ),
                &e.value,
            );
        }
        let types = |key: &str| -> Result<Vec<ParamType>, (String, Node)> {
            let Some(v) = node.get(key) else {
                return Ok(Vec::new());
            };
            let names: Vec<&Node> = match &v.value {
                Value::Seq(items) => items.iter().collect(),
                _ => vec![v],
            };
            names
                .into_iter()
                .map(|n| {
                    n.as_str().and_then(ParamType::parse).ok_or_else(|| {
                        let all: Vec<_> = ParamType::ALL.iter().map(|t| t.as_str()).collect();
                        (
                            format!(
                                "`params.{name}.{key}` must be one of {} (or a list of them)",
                                all.join(", ")
                            ),
                            n.clone(),
                        )
                    })
                })
                .collect()
        };
        let types_ = types("type")?;
        if types_.is_empty() {
            return fail(format!("`params.{name}` needs a `type`"), node);
        }
        let items = types("items")?;
        let values = match node.get("values") {
            None => Vec::new(),
            Some(v) => match &v.value {
                Value::Seq(items) => items
                    .iter()
                    .map(|i| {
                        i.as_str().map(str::to_string).ok_or_else(|| {
                            (
                                format!("`params.{name}.values` must list strings"),
                                i.clone(),
                            )
                        })
                    })
                    .collect::<Result<_, _>>()?,
                _ => return fail(format!("`params.{name}.values` must be a list"), v),
            },
        };
        let description = match node.get("description") {
            Some(Node {
                value: Value::String(s),
                ..
            }) => s.clone(),
            Some(other) => {
                return fail(
                    format!("`params.{name}.description` must be a string"),
                    other,
                )
            }
            None => return fail(format!("`params.{name}` needs a `description`"), node),
        };
        let spec = ParamSpec {
            name: name.to_string(),
            description,
            types: types_,
            items,
            values,
            default: None,
        };
        let default = match node.get("default") {
            None => None,
            Some(d) => {
                if let Err(m) = spec.check(d) {
                    return fail(format!("`params.{name}.default`: {}", m.message), m.node);
                }
                Some(to_yaml(d))
            }
        };
        Ok(ParamSpec { default, ..spec })
    }

    /// The declared type, as it reads in docs: `a list of strings or a string`.
    pub fn type_text(&self) -> String {
        let mut text = self
            .types
            .iter()
            .map(|t| match t {
                ParamType::List if !self.items.is_empty() => format!(
                    "a list of {}",
                    self.items
                        .iter()
                        .map(|i| format!("{}s", i.as_str()))
                        .collect::<Vec<_>>()
                        .join(" or ")
                ),
                t => article(t.as_str()),
            })
            .collect::<Vec<_>>()
            .join(" or ");
        if !self.values.is_empty() {
            let values: Vec<_> = self.values.iter().map(|v| format!("`{v}`")).collect();
            text.push_str(&format!(", one of {}", values.join(", ")));
        }
        text
    }

    /// Checks a configured value against the declaration.
    pub fn check<'a>(&self, value: &'a Node) -> Result<(), Mismatch<'a>> {
        if !self.types.iter().any(|t| t.accepts(value)) {
            return Err(Mismatch {
                message: format!(
                    "`{}` must be {}, not {}",
                    self.name,
                    self.type_text(),
                    value.type_name()
                ),
                node: value,
            });
        }
        let each: Vec<&Node> = match &value.value {
            Value::Seq(items) => items.iter().collect(),
            _ => vec![value],
        };
        if let Value::Seq(items) = &value.value {
            if !self.items.is_empty() {
                if let Some(bad) = items
                    .iter()
                    .find(|i| !self.items.iter().any(|t| t.accepts(i)))
                {
                    return Err(Mismatch {
                        message: format!(
                            "each item of `{}` must be {}, not {}",
                            self.name,
                            article(
                                &self
                                    .items
                                    .iter()
                                    .map(|t| t.as_str())
                                    .collect::<Vec<_>>()
                                    .join(" or ")
                            ),
                            bad.type_name()
                        ),
                        node: bad,
                    });
                }
            }
        }
        if !self.values.is_empty() {
            for node in each {
                let Some(text) = node.as_str() else { continue };
                if !self.values.iter().any(|v| v == text) {
                    let allowed: Vec<_> = self.values.iter().map(|v| format!("`{v}`")).collect();
                    return Err(Mismatch {
                        message: format!(
                            "`{}` cannot be `{text}`: expected one of {}",
                            self.name,
                            allowed.join(", ")
                        ),
                        node,
                    });
                }
            }
        }
        Ok(())
    }
}

/// "a list", "an integer".
fn article(text: &str) -> String {
    let an = text.starts_with(['a', 'e', 'i', 'o', 'u']);
    format!("{} {text}", if an { "an" } else { "a" })
}

/// A node as flow-style YAML, for docs and the config `init` writes.
pub fn to_yaml(node: &Node) -> String {
    match &node.value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::String(s) => {
            let plain = !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
                && !s.starts_with(['-', '.'])
                && !matches!(
                    s.to_ascii_lowercase().as_str(),
                    "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n" | "~"
                )
                && s.parse::<f64>().is_err();
            if plain {
                s.clone()
            } else {
                serde_json::to_string(s).unwrap_or_default()
            }
        }
        Value::Seq(items) => format!(
            "[{}]",
            items.iter().map(to_yaml).collect::<Vec<_>>().join(", ")
        ),
        Value::Map(entries) => format!(
            "{{{}}}",
            entries
                .iter()
                .map(|e| format!(
                    "{}: {}",
                    to_yaml(&Node {
                        value: Value::String(e.key.clone()),
                        span: e.key_span
                    }),
                    to_yaml(&e.value)
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::parse_yaml;

    fn node(yaml: &str) -> Node {
        parse_yaml(yaml).unwrap().unwrap()
    }

    fn spec(yaml: &str) -> ParamSpec {
        ParamSpec::parse("p", &node(yaml)).unwrap()
    }

    #[test]
    fn types_items_and_values_are_checked() {
        let s = spec("type: list\nitems: string\nvalues: [a, b]\ndescription: d\n");
        assert!(s.check(&node("[a, b]")).is_ok());
        let v = node("a");
        assert!(s.check(&v).unwrap_err().message.contains("must be a list"));
        let v = node("[a, 1]");
        let e = s.check(&v).unwrap_err();
        assert!(e.message.contains("each item"), "{}", e.message);
        assert_eq!(e.node.span.start.column, 5);
        let v = node("[a, c]");
        assert!(s.check(&v).unwrap_err().message.contains("cannot be `c`"));
    }

    #[test]
    fn unions_and_numbers() {
        let s = spec("type: [string, list]\ndescription: d\n");
        assert!(s.check(&node("x")).is_ok());
        assert!(s.check(&node("[x]")).is_ok());
        assert!(s
            .check(&node("{a: 1}"))
            .unwrap_err()
            .message
            .contains("a string or a list"));
        let n = spec("type: number\ndescription: d\n");
        assert!(n.check(&node("2")).is_ok());
        assert!(n.check(&node("2.5")).is_ok());
        let i = spec("type: integer\ndescription: d\n");
        assert!(i.check(&node("2.5")).is_err());
    }

    #[test]
    fn declarations_are_checked_too() {
        let bad = |yaml: &str| ParamSpec::parse("p", &node(yaml)).unwrap_err().0;
        assert!(bad("description: d\n").contains("needs a `type`"));
        assert!(bad("type: text\ndescription: d\n").contains("must be one of"));
        assert!(bad("type: list\n").contains("needs a `description`"));
        assert!(bad("type: list\ndescription: d\ndefualt: []\n").contains("unknown key"));
        assert!(bad("type: list\ndescription: d\ndefault: x\n").contains("default"));
    }

    #[test]
    fn defaults_render_as_yaml() {
        let s = spec("type: list\ndescription: d\ndefault: [latest, \"1.0\", \"yes\", a b]\n");
        assert_eq!(
            s.default.as_deref(),
            Some(r#"[latest, "1.0", "yes", "a b"]"#)
        );
        assert_eq!(s.type_text(), "a list");
        let s = spec("type: [list, string]\nitems: string\ndescription: d\n");
        assert_eq!(s.type_text(), "a list of strings or a string");
    }
}
