//! The span-carrying YAML/JSON tree every document is read into.

use std::fmt;

use crate::source::Span;

/// One node of a document, with the span of its text.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub span: Span,
}

/// The data of a node, resolved the way the Kubernetes API server resolves
/// YAML (YAML 1.1 scalars: `yes` is a boolean, `0644` is octal).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
}

/// A mapping entry. Keys are always strings, as in JSON and Kubernetes.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub key_span: Span,
    pub value: Node,
}

/// One step of a path into a document.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PathSeg {
    Key(String),
    Index(usize),
}

impl fmt::Display for PathSeg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathSeg::Key(k) => f.write_str(k),
            PathSeg::Index(i) => write!(f, "{i}"),
        }
    }
}

/// Formats a path the way kubectl's JSONPath users read it:
/// `spec.template.spec.containers[0].image`.
pub fn display_path(path: &[PathSeg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            PathSeg::Key(k) => {
                let plain = !k.is_empty()
                    && k.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                if plain {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(k);
                } else {
                    out.push_str(&format!("[{k:?}]"));
                }
            }
            PathSeg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// Where a path lands in a document: the node it reached and whether that is
/// the field itself or only its nearest existing parent.
#[derive(Debug, Clone, Copy)]
pub struct Resolved<'a> {
    pub node: &'a Node,
    /// The span of the mapping key that leads to `node`, when it has one.
    pub key_span: Option<Span>,
    /// True when every step of the path exists.
    pub exact: bool,
}

impl Node {
    /// The part of `path` that does not exist in this tree, for messages
    /// such as "missing `resources.requests.cpu`".
    pub fn missing_suffix(&self, path: &[PathSeg]) -> String {
        let mut node = self;
        for (i, seg) in path.iter().enumerate() {
            let next = match (seg, &node.value) {
                (PathSeg::Key(k), Value::Map(_)) => node.get(k),
                (PathSeg::Index(n), Value::Seq(items)) => items.get(*n),
                _ => None,
            };
            match next {
                Some(n) => node = n,
                None => return display_path(&path[i..]),
            }
        }
        String::new()
    }

    /// The tree as JSON (a float that JSON cannot hold becomes null).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as Json;
        match &self.value {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Int(i) => Json::from(*i),
            Value::Float(f) => serde_json::Number::from_f64(*f).map_or(Json::Null, Json::Number),
            Value::String(s) => Json::String(s.clone()),
            Value::Seq(items) => Json::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => Json::Object(
                entries
                    .iter()
                    .map(|e| (e.key.clone(), e.value.to_json()))
                    .collect(),
            ),
        }
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }

    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|e| e.key == key),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[Entry]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// A short name of the node's type, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) | Value::Float(_) => "a number",
            Value::String(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    /// Follows `path` as far as it exists.
    pub fn resolve(&self, path: &[PathSeg]) -> Resolved<'_> {
        let mut node = self;
        let mut key_span = None;
        for seg in path {
            let next = match (seg, &node.value) {
                (PathSeg::Key(k), Value::Map(entries)) => entries
                    .iter()
                    .find(|e| &e.key == k)
                    .map(|e| (&e.value, Some(e.key_span))),
                (PathSeg::Index(i), Value::Seq(items)) => items.get(*i).map(|n| (n, None)),
                _ => None,
            };
            match next {
                Some((n, ks)) => {
                    node = n;
                    key_span = ks;
                }
                None => {
                    return Resolved {
                        node,
                        key_span,
                        exact: false,
                    }
                }
            }
        }
        Resolved {
            node,
            key_span,
            exact: true,
        }
    }
}

impl Resolved<'_> {
    /// The span a reader should see underlined for this location.
    ///
    /// A scalar field is underlined from its key to the end of its value
    /// (`image: nginx:latest`); a collection under a key by its key alone
    /// (`securityContext`), because the whole block would hide the point; a
    /// list item that is a mapping by its first entry (`- name: web`).
    pub fn highlight(&self) -> Span {
        let node = self.node;
        let scalar = !matches!(node.value, Value::Seq(_) | Value::Map(_));
        match self.key_span {
            Some(key) if scalar => key.join(node.span),
            Some(key) => key,
            None => match &node.value {
                Value::Map(entries) => match entries.first() {
                    Some(first) => {
                        let v = &first.value;
                        if matches!(v.value, Value::Seq(_) | Value::Map(_)) {
                            first.key_span
                        } else {
                            first.key_span.join(v.span)
                        }
                    }
                    None => node.span,
                },
                Value::Seq(items) if !items.is_empty() => {
                    Span::new(node.span.start, node.span.start)
                }
                _ => node.span,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_path_quotes_keys_that_are_not_plain() {
        let path = vec![
            PathSeg::Key("metadata".into()),
            PathSeg::Key("annotations".into()),
            PathSeg::Key("seaworthy.dev/ignore".into()),
            PathSeg::Index(0),
        ];
        assert_eq!(
            display_path(&path),
            "metadata.annotations[\"seaworthy.dev/ignore\"][0]"
        );
    }
}
