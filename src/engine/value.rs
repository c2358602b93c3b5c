//! Documents as Rego values.

use crate::document::{Node, Value as YamlValue};

/// A mapping key as a Rego string, shared with every earlier use of the
/// same key on this thread: manifests repeat a few hundred keys
/// (`metadata`, `name`, `image`…) over and over.
fn key_value(key: &str) -> regorus::Value {
    use std::cell::RefCell;
    use std::collections::HashMap;
    /// Enough for the keys of the Kubernetes API; unusual keys (data keys of
    /// ConfigMaps) are not worth keeping.
    const MOST_KEYS: usize = 4096;
    thread_local! {
        static KEYS: RefCell<HashMap<Box<str>, regorus::Value>> = RefCell::new(HashMap::new());
    }
    KEYS.with(|keys| {
        let mut keys = keys.borrow_mut();
        if let Some(value) = keys.get(key) {
            return value.clone();
        }
        let value = regorus::Value::from(key);
        if keys.len() < MOST_KEYS && key.len() <= 64 {
            keys.insert(key.into(), value.clone());
        }
        value
    })
}

/// Converts a document tree into a Rego value.
pub fn to_value(node: &Node) -> regorus::Value {
    match &node.value {
        YamlValue::Null => regorus::Value::Null,
        YamlValue::Bool(b) => regorus::Value::from(*b),
        YamlValue::Int(i) => regorus::Value::from(*i),
        YamlValue::Float(f) if f.is_finite() => regorus::Value::from(*f),
        YamlValue::Float(_) => regorus::Value::Null,
        YamlValue::String(s) => regorus::Value::from(s.as_str()),
        YamlValue::Seq(items) => {
            regorus::Value::from(items.iter().map(to_value).collect::<Vec<_>>())
        }
        // Built whole and then frozen by regorus into a sorted slice: a
        // third of the memory of an object filled key by key, which stays a
        // B-tree. A key written twice keeps its last value, as in YAML.
        YamlValue::Map(entries) => regorus::Value::from(
            entries
                .iter()
                .map(|e| (key_value(&e.key), to_value(&e.value)))
                .collect::<std::collections::BTreeMap<_, _>>(),
        ),
    }
}

/// An object as inventory rules see it when they did not name its kind:
/// `apiVersion`, `kind` and `metadata` `name`, `namespace` and `labels`.
pub fn identity_value(root: &Node) -> regorus::Value {
    let mut identity = picked(root, &["apiVersion", "kind"]);
    if let Some(metadata) = root.get("metadata") {
        // Annotations are left out: they can be large.
        let value = match metadata.as_map() {
            Some(_) => regorus::Value::from(picked(metadata, &["name", "namespace", "labels"])),
            None => to_value(metadata),
        };
        identity.insert(regorus::Value::from("metadata"), value);
    }
    // Built whole, as `to_value` builds objects, so that regorus freezes it.
    regorus::Value::from(identity)
}

/// The entries of a mapping under `keys`, as Rego values.
fn picked(
    node: &Node,
    keys: &[&str],
) -> std::collections::BTreeMap<regorus::Value, regorus::Value> {
    keys.iter()
        .filter_map(|key| Some((regorus::Value::from(*key), to_value(node.get(key)?))))
        .collect()
}

/// The input of inventory rules: `{"objects": [...], "files": [...]}`, where
/// `files[i]` names the file `objects[i]` was read from, so that a message
/// can say where another object is. `object_files[i]` is the index in `names`
/// of that file (or none when out of range).
pub fn inventory(
    values: Vec<regorus::Value>,
    names: &[&str],
    object_files: &[usize],
) -> regorus::Value {
    // One string per file, shared by its objects.
    let names: Vec<regorus::Value> = names.iter().map(|n| regorus::Value::from(*n)).collect();
    let files: Vec<regorus::Value> = object_files
        .iter()
        .map(|&i| names.get(i).cloned().unwrap_or(regorus::Value::Null))
        .collect();
    let mut input = regorus::Value::new_object();
    if let Ok(map) = input.as_object_mut() {
        map.insert(
            regorus::Value::from("objects"),
            regorus::Value::from(values),
        );
        map.insert(regorus::Value::from("files"), regorus::Value::from(files));
    }
    input
}
