//! The YAML renderer: a JSON value as block-style YAML text in a stable key order.
//!
//! Objects start with `apiVersion`, `kind`, `metadata`, `spec`, `data`, `stringData`, then the other
//! keys alphabetically; `metadata` starts with `name`, `namespace`, `labels`, `annotations`; every
//! other mapping is alphabetical. Two-space indentation, with sequence items at their key's
//! indentation. The same value always gives the same text.

use serde_json::{Map, Value};

use super::scalar::{self, Text};

/// Implicit keys longer than this are written as explicit `? key` entries (YAML allows at most
/// 1024 characters in an implicit key, quotes included).
const LONG_KEY: usize = 1000;

const TOP_FIRST: &[&str] = &[
    "apiVersion",
    "kind",
    "metadata",
    "spec",
    "data",
    "stringData",
];
const METADATA_FIRST: &[&str] = &["name", "namespace", "labels", "annotations"];

/// Which keys of a mapping come first.
#[derive(Clone, Copy)]
enum Order {
    /// The object itself.
    Top,
    /// The object's `metadata`.
    Metadata,
    /// Everything else.
    Alphabetical,
}

impl Order {
    fn first(self) -> &'static [&'static str] {
        match self {
            Order::Top => TOP_FIRST,
            Order::Metadata => METADATA_FIRST,
            Order::Alphabetical => &[],
        }
    }

    fn of_child(self, key: &str) -> Order {
        match (self, key) {
            (Order::Top, "metadata") => Order::Metadata,
            _ => Order::Alphabetical,
        }
    }
}

/// `value` as YAML text, ending with a line break.
pub fn to_yaml(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Object(map) if !map.is_empty() => write_map(&mut out, map, 0, Order::Top, false),
        Value::Array(items) if !items.is_empty() => write_seq(&mut out, items, 0, false),
        Value::String(s) if s.contains('\n') => {
            // A document that is one multi-line string: quoted, so no line starts at column 0.
            out.push_str(&scalar::double_quoted(s));
            out.push('\n');
        }
        other => {
            write_after_indicator(&mut out, other, 0, Order::Alphabetical);
            // Drop the space that separates a value from its key or dash.
            out.remove(0);
        }
    }
    out
}

fn ordered(map: &Map<String, Value>, order: Order) -> Vec<(&String, &Value)> {
    let first = order.first();
    let mut entries: Vec<(&String, &Value)> = map.iter().collect();
    entries.sort_by(|(a, _), (b, _)| {
        let rank = |k: &str| first.iter().position(|f| *f == k).unwrap_or(first.len());
        rank(a)
            .cmp(&rank(b))
            .then_with(|| a.as_bytes().cmp(b.as_bytes()))
    });
    entries
}

fn pad(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

/// A mapping whose keys sit at `indent`; with `continued`, its first key goes on the current line
/// (after a sequence dash).
fn write_map(
    out: &mut String,
    map: &Map<String, Value>,
    indent: usize,
    order: Order,
    continued: bool,
) {
    for (i, (key, value)) in ordered(map, order).into_iter().enumerate() {
        if i > 0 || !continued {
            pad(out, indent);
        }
        let key_text = scalar::key(key);
        if key_text.chars().count() > LONG_KEY {
            out.push_str("? ");
            out.push_str(&key_text);
            out.push('\n');
            pad(out, indent);
        } else {
            out.push_str(&key_text);
        }
        out.push(':');
        write_after_indicator(out, value, indent, order.of_child(key));
    }
}

/// The value of a key or of an explicit `:` at `indent`. Nested mappings go two spaces deeper;
/// nested sequences stay at `indent`, as `kubectl` writes them.
fn write_after_indicator(out: &mut String, value: &Value, indent: usize, order: Order) {
    match value {
        Value::Object(map) if map.is_empty() => out.push_str(" {}\n"),
        Value::Array(items) if items.is_empty() => out.push_str(" []\n"),
        Value::Object(map) => {
            out.push('\n');
            write_map(out, map, indent + 2, order, false);
        }
        Value::Array(items) => {
            out.push('\n');
            write_seq(out, items, indent, false);
        }
        scalar => write_scalar(out, scalar, indent + 2),
    }
}

/// A sequence whose dashes sit at `indent`; with `continued`, its first dash goes on the current
/// line (after an outer dash).
fn write_seq(out: &mut String, items: &[Value], indent: usize, continued: bool) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 || !continued {
            pad(out, indent);
        }
        out.push('-');
        match item {
            Value::Object(map) if map.is_empty() => out.push_str(" {}\n"),
            Value::Array(inner) if inner.is_empty() => out.push_str(" []\n"),
            Value::Object(map) => {
                out.push(' ');
                write_map(out, map, indent + 2, Order::Alphabetical, true);
            }
            Value::Array(inner) => {
                out.push(' ');
                write_seq(out, inner, indent + 2, true);
            }
            scalar => write_scalar(out, scalar, indent + 2),
        }
    }
}

/// A scalar after its key or dash: ` value` and a line break, or a block header and the block's
/// lines at `content_indent`.
fn write_scalar(out: &mut String, value: &Value, content_indent: usize) {
    out.push(' ');
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&scalar::number(n)),
        Value::String(s) => match scalar::text(s) {
            Text::Inline(text) => out.push_str(&text),
            Text::Block { header, lines } => {
                out.push_str(header);
                for line in lines {
                    out.push('\n');
                    if !line.is_empty() {
                        pad(out, content_indent);
                        out.push_str(line);
                    }
                }
            }
        },
        // Collections are written by the callers.
        Value::Object(_) | Value::Array(_) => out.push_str("null"),
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn object_keys_in_kubectl_order() {
        let object = json!({
            "status": {"b": 1, "a": 2},
            "spec": {"replicas": 2},
            "metadata": {"uid": "u", "labels": {"z": "1", "a": "2"}, "name": "web", "namespace": "prod"},
            "kind": "Deployment",
            "apiVersion": "apps/v1",
            "data": {"k": "v"},
        });
        let expected = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: prod
  labels:
    a: '2'
    z: '1'
  uid: u
spec:
  replicas: 2
data:
  k: v
status:
  a: 2
  b: 1
";
        assert_eq!(to_yaml(&object), expected);
    }

    #[test]
    fn sequences_at_their_keys_indentation() {
        let object = json!({
            "spec": {"containers": [
                {"name": "a", "ports": [{"containerPort": 80}], "args": ["x", ["y", "z"], [], {}]},
            ], "empty": {}, "none": [], "n": null, "t": true, "script": "#!/bin/sh\necho hi\n"},
        });
        let expected = "\
spec:
  containers:
  - args:
    - x
    - - 'y'
      - z
    - []
    - {}
    name: a
    ports:
    - containerPort: 80
  empty: {}
  'n': null
  none: []
  script: |
    #!/bin/sh
    echo hi
  t: true
";
        assert_eq!(to_yaml(&object), expected);
    }

    #[test]
    fn scalars_and_empty_documents() {
        assert_eq!(to_yaml(&json!({})), "{}\n");
        assert_eq!(to_yaml(&json!([])), "[]\n");
        assert_eq!(to_yaml(&json!("yes")), "'yes'\n");
        assert_eq!(to_yaml(&json!(3)), "3\n");
        assert_eq!(to_yaml(&json!("a\nb")), "\"a\\nb\"\n");
    }

    #[test]
    fn long_keys_are_explicit() {
        let key = "k".repeat(1200);
        let text = to_yaml(&json!({ key.clone(): {"a": 1} }));
        assert!(text.starts_with(&format!("? {key}\n:\n  a: 1\n")), "{text}");
    }
}
