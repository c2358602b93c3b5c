//! seaworthy's own Rego builtins: pure functions, no I/O.

/// seaworthy's own builtins: pure functions, no I/O.
///
/// `seaworthy.group(pairs)` turns an array of `[key, value]` pairs into an
/// object from each key to the array of its values, in order. Rego has no
/// hash grouping, and cross-object rules written as nested loops are
/// quadratic; grouping first keeps them linear.
pub(super) fn add_builtins(engine: &mut regorus::Engine) -> anyhow::Result<()> {
    engine.add_extension(
        GROUP.to_string(),
        1,
        Box::new(|args: Vec<regorus::Value>| group(args.first())),
    )
}

pub(super) const GROUP: &str = "seaworthy.group";

/// `seaworthy.group(pairs)`: see [`add_builtins`].
pub(super) fn group(pairs: Option<&regorus::Value>) -> anyhow::Result<regorus::Value> {
    let pairs: Vec<&regorus::Value> = match pairs {
        Some(regorus::Value::Array(items)) => items.iter().collect(),
        Some(regorus::Value::Set(items)) => items.iter().collect(),
        _ => anyhow::bail!("seaworthy.group expects an array of [key, value] pairs"),
    };
    let mut groups: std::collections::BTreeMap<regorus::Value, Vec<regorus::Value>> =
        std::collections::BTreeMap::new();
    for pair in pairs {
        match pair.as_array().map(|a| a.iter().collect::<Vec<_>>()) {
            Ok(kv) if kv.len() == 2 => groups.entry(kv[0].clone()).or_default().push(kv[1].clone()),
            _ => anyhow::bail!("seaworthy.group expects [key, value] pairs"),
        }
    }
    let mut out = regorus::Value::new_object();
    if let Ok(map) = out.as_object_mut() {
        for (k, v) in groups {
            map.insert(k, regorus::Value::from(v));
        }
    }
    Ok(out)
}
