//! Values that must never be printed: a Secret's `data` and `stringData`,
//! literal env values, and annotations (tokens end up in all three). The
//! human report quotes source lines around each finding; those values are
//! masked there. Other formats quote no source text.

use std::ops::Range;

use crate::document::{Document, Node, PathSeg, Value};

/// The byte ranges of sensitive values in one document of `text`.
pub fn sensitive_ranges(doc: &Document, text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let secret = doc.object.kind == "Secret";
    walk(&doc.root, &mut Vec::new(), secret, &mut out);
    // Whole maps of secrets are masked line by line as well: a key written
    // twice keeps only its last value in the tree, but both are in the text.
    let mut maps = Vec::new();
    sensitive_maps(&doc.root, secret, 0, &mut maps);
    for map in maps {
        out.extend(values_in_lines(text, map));
    }
    // The same for an env entry's `value`, which may be a password written
    // into the manifest: a second `value:` hides the first from the tree.
    let mut entries = Vec::new();
    env_entries(&doc.root, &mut entries);
    for entry in entries {
        out.extend(env_values_in_lines(text, entry));
    }
    out
}

/// Every block mapping in an `env` list: the entries whose `value` is masked.
fn env_entries<'a>(node: &'a Node, out: &mut Vec<&'a Node>) {
    match &node.value {
        Value::Map(entries) => {
            for e in entries {
                if let (true, Value::Seq(items)) = (e.key == "env", &e.value.value) {
                    out.extend(items.iter().filter(|i| matches!(i.value, Value::Map(_))));
                }
                env_entries(&e.value, out);
            }
        }
        Value::Seq(items) => {
            for item in items {
                env_entries(item, out);
            }
        }
        _ => {}
    }
}

/// In the lines an env entry spans, what follows each `value:` key (after an
/// optional `- `): the text of every value written for it.
fn env_values_in_lines(text: &str, entry: &Node) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let (start, end) = (
        entry.span.start.offset,
        entry.span.end.offset.min(text.len()),
    );
    let first_line = text[..start.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let mut offset = first_line;
    for line in text[first_line..end].split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let rest = body.trim_start();
        let rest = rest.strip_prefix("- ").map_or(rest, str::trim_start);
        let keyed = ["value:", "\"value\":", "'value':"]
            .iter()
            .find_map(|key| rest.strip_prefix(key));
        if let Some(after) = keyed.filter(|a| a.is_empty() || a.starts_with([' ', '\t'])) {
            let from = body.len() - after.trim_start().len();
            if from < body.len() {
                out.push(offset + from..offset + body.len());
            }
        }
        offset += line.len();
    }
    out
}

/// The `data`/`stringData` maps of a Secret and every `annotations` map.
fn sensitive_maps<'a>(node: &'a Node, secret: bool, depth: usize, out: &mut Vec<&'a Node>) {
    match &node.value {
        Value::Map(entries) => {
            for e in entries {
                let sensitive = e.key == "annotations"
                    || (secret && depth == 0 && (e.key == "data" || e.key == "stringData"));
                if sensitive && matches!(e.value.value, Value::Map(_)) {
                    out.push(&e.value);
                } else {
                    sensitive_maps(&e.value, secret, depth + 1, out);
                }
            }
        }
        Value::Seq(items) => {
            for item in items {
                sensitive_maps(item, secret, depth + 1, out);
            }
        }
        _ => {}
    }
}

/// In the lines a block map spans, everything after each `key:`; a line
/// without a key (a block scalar's text) entirely, bar its indentation.
fn values_in_lines(text: &str, map: &Node) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let (start, end) = (map.span.start.offset, map.span.end.offset.min(text.len()));
    let first_line = text[..start.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let mut offset = first_line;
    for line in text[first_line..end].split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let indent = body.len() - body.trim_start().len();
        let from = match body.find(": ") {
            Some(colon) if !body.trim_start().starts_with('#') => colon + 2,
            _ if body.trim_end().ends_with(':') => body.len(),
            _ => indent,
        };
        if from < body.len() {
            out.push(offset + from..offset + body.len());
        }
        offset += line.len();
    }
    out
}

fn walk<'a>(node: &'a Node, keys: &mut Vec<&'a str>, secret: bool, out: &mut Vec<Range<usize>>) {
    match &node.value {
        Value::Map(entries) => {
            for e in entries {
                keys.push(&e.key);
                walk(&e.value, keys, secret, out);
                keys.pop();
            }
        }
        Value::Seq(items) => {
            for item in items {
                keys.push("[]");
                walk(item, keys, secret, out);
                keys.pop();
            }
        }
        // A scalar: masked when it sits somewhere sensitive. Keys stay
        // readable, so a finding about them still makes sense.
        _ => {
            if is_sensitive(keys, secret) {
                out.push(node.span.start.offset..node.span.end.offset);
            }
        }
    }
}

/// Whether the value at `path` in an object (a Secret when `secret`) must
/// not be shown: messages about it describe it without quoting it.
pub fn hides_value(secret: bool, path: &[PathSeg]) -> bool {
    let keys: Vec<&str> = path
        .iter()
        .map(|seg| match seg {
            PathSeg::Key(k) => k.as_str(),
            PathSeg::Index(_) => "[]",
        })
        .collect();
    is_sensitive(&keys, secret)
}

/// Whether the value at `keys` (map keys, `[]` for list items) is secret.
fn is_sensitive(keys: &[&str], secret: bool) -> bool {
    let n = keys.len();
    let last = keys.last().copied().unwrap_or_default();
    (secret && n >= 2 && (keys[0] == "data" || keys[0] == "stringData"))
        || (n >= 2 && keys[n - 2] == "annotations")
        || (n >= 3 && last == "value" && keys[n - 2] == "[]" && keys[n - 3] == "env")
}

/// `text` with every byte of `ranges` outside line breaks replaced by `*`:
/// same length, so every offset and line stays where it was.
pub fn mask(text: &str, ranges: &[Range<usize>]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for range in ranges {
        let end = range.end.min(bytes.len());
        for b in bytes
            .get_mut(range.start.min(end)..end)
            .into_iter()
            .flatten()
        {
            if *b != b'\n' && *b != b'\r' {
                *b = b'*';
            }
        }
    }
    // Only whole characters were inside the ranges, and `*` is ASCII, so
    // this is still UTF-8; the lossy conversion is a safeguard.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::load;
    use crate::source::SourceFile;

    #[test]
    fn secret_data_env_values_and_annotations_are_masked() {
        let text = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n  annotations:\n    token: abc\nstringData:\n  password: hunter2\n  multi: |\n    line1\n    line2\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      env:\n        - name: KEY\n          value: s3cr3t\n";
        let masked = masked(text);
        assert_eq!(masked.len(), text.len());
        assert_eq!(masked.lines().count(), text.lines().count());
        for secret in ["abc", "hunter2", "line1", "line2", "s3cr3t"] {
            assert!(!masked.contains(secret), "{secret} in {masked}");
        }
        for kept in ["password:", "name: KEY", "kind: Pod", "token:"] {
            assert!(masked.contains(kept), "{kept} lost in {masked}");
        }
    }

    fn masked(text: &str) -> String {
        let file = SourceFile::from_text("x.yaml", text);
        let loaded = load(0, &file);
        let ranges: Vec<_> = loaded
            .documents
            .iter()
            .flat_map(|d| sensitive_ranges(d, text))
            .collect();
        mask(text, &ranges)
    }

    /// A key written twice keeps only its last value in the tree; the text
    /// holds both, and the human report may quote either line.
    #[test]
    fn every_value_written_for_an_env_entry_is_masked() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      env:\n        - name: DB_PASSWORD\n          value: first-s3cr3t\n          value: second-s3cr3t\n        - value: \"third-s3cr3t\"\n          name: API_TOKEN\n      image: registry.example.com/app:1.0\n";
        let out = masked(text);
        for secret in ["first-s3cr3t", "second-s3cr3t", "third-s3cr3t"] {
            assert!(!out.contains(secret), "{secret} in {out}");
        }
        for kept in [
            "name: DB_PASSWORD",
            "name: API_TOKEN",
            "- value: ",
            "image: registry.example.com/app:1.0",
        ] {
            assert!(out.contains(kept), "{kept} lost in {out}");
        }
    }

    #[test]
    fn paths_of_sensitive_values_are_known() {
        let path = |text: &str| -> Vec<PathSeg> {
            text.split('.')
                .map(|s| match s.parse() {
                    Ok(i) => PathSeg::Index(i),
                    Err(_) => PathSeg::Key(s.to_string()),
                })
                .collect()
        };
        assert!(hides_value(false, &path("spec.containers.0.env.1.value")));
        assert!(hides_value(false, &path("metadata.annotations.token")));
        assert!(hides_value(true, &path("stringData.password")));
        assert!(!hides_value(false, &path("stringData.password")));
        assert!(!hides_value(false, &path("spec.containers.0.env.1.name")));
        assert!(!hides_value(false, &path("spec.replicas")));
    }

    /// JSON manifests and flow mappings are masked through the tree.
    #[test]
    fn env_values_in_json_and_flow_style_are_masked() {
        let json = r#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "env": [{"name": "DB_PASSWORD", "value": "json-s3cr3t"}]}]}}"#;
        assert!(!masked(json).contains("json-s3cr3t"));
        let flow = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      env: [{name: DB_PASSWORD, value: flow-s3cr3t}]\n";
        let out = masked(flow);
        assert!(!out.contains("flow-s3cr3t"), "{out}");
        assert!(out.contains("name: DB_PASSWORD"), "{out}");
    }
}
