//! What a policy's `violation` set holds, read into [`Violation`]s.

use crate::document::PathSeg;

/// What a policy reported for one object.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    pub msg: String,
    pub path: Vec<PathSeg>,
    /// For inventory-scoped rules: the index of the object in `input.objects`.
    pub object: Option<usize>,
    /// Other places the finding involves (the other Ingress claiming a host).
    pub related: Vec<RelatedPlace>,
}

/// A place in another object that a violation refers to.
#[derive(Debug, Clone, PartialEq)]
pub struct RelatedPlace {
    pub object: usize,
    pub path: Vec<PathSeg>,
}

/// The violations a rule's `violation` set holds.
pub(super) fn violations(value: &regorus::Value) -> Result<Vec<Violation>, String> {
    let items: Vec<&regorus::Value> = match value {
        regorus::Value::Undefined | regorus::Value::Null => Vec::new(),
        regorus::Value::Set(set) => set.iter().collect(),
        regorus::Value::Array(items) => items.iter().collect(),
        other => {
            return Err(format!(
                "`violation` must be a set of {{msg, path}} objects, not {}",
                short(other)
            ))
        }
    };
    items.into_iter().map(parse_violation).collect()
}

fn short(v: &regorus::Value) -> String {
    let text = v.to_json_str().unwrap_or_else(|_| "a value".into());
    match text.char_indices().nth(80) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

fn key(name: &str) -> regorus::Value {
    regorus::Value::from(name)
}

fn parse_path(
    p: &regorus::Value,
    malformed: &dyn Fn(&str) -> String,
) -> Result<Vec<PathSeg>, String> {
    let items = p
        .as_array()
        .map_err(|_| malformed("needs `path` as an array of keys and indexes"))?;
    items
        .iter()
        .map(|seg| match seg {
            regorus::Value::String(s) => Ok(PathSeg::Key(s.to_string())),
            regorus::Value::Number(_) => seg
                .as_u64()
                .map(|i| PathSeg::Index(i as usize))
                .map_err(|_| malformed("has a path index that is not a whole number")),
            _ => Err(malformed(
                "has a path step that is neither a key nor an index",
            )),
        })
        .collect()
}

fn parse_index(v: &regorus::Value, malformed: &dyn Fn(&str) -> String) -> Result<usize, String> {
    v.as_u64()
        .map(|i| i as usize)
        .map_err(|_| malformed("needs `object` as the index of an object in input.objects"))
}

fn parse_violation(v: &regorus::Value) -> Result<Violation, String> {
    let malformed = |why: &str| format!("a violation {why}: {}", short(v));
    let obj = v
        .as_object()
        .map_err(|_| malformed("must be an object with `msg` and `path`"))?;
    let msg = obj
        .get(&key("msg"))
        .and_then(|m| m.as_string().ok())
        .ok_or_else(|| malformed("needs a string `msg`"))?
        .to_string();
    let path = match obj.get(&key("path")) {
        None => Vec::new(),
        Some(p) => parse_path(p, &malformed)?,
    };
    let object = obj
        .get(&key("object"))
        .map(|o| parse_index(o, &malformed))
        .transpose()?;
    let mut related = Vec::new();
    if let Some(list) = obj.get(&key("related")) {
        let items: Vec<&regorus::Value> = match list {
            regorus::Value::Array(items) => items.iter().collect(),
            regorus::Value::Set(items) => items.iter().collect(),
            _ => return Err(malformed("needs `related` as a list of {object, path}")),
        };
        for item in items {
            let place = item
                .as_object()
                .map_err(|_| malformed("needs `related` as a list of {object, path}"))?;
            let object = place
                .get(&key("object"))
                .ok_or_else(|| malformed("has a related place without `object`"))
                .and_then(|o| parse_index(o, &malformed))?;
            let path = match place.get(&key("path")) {
                None => Vec::new(),
                Some(p) => parse_path(p, &malformed)?,
            };
            related.push(RelatedPlace { object, path });
        }
    }
    Ok(Violation {
        msg,
        path,
        object,
        related,
    })
}
