//! Normalisation: when a manifest's value and the cluster's are the same although written
//! differently (quantities, numbers as strings, label values, omitted zero values), and how
//! the items of a list are identified.

use serde_json::Value;

use super::path::PathStep;

/// How two scalars at a place are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Numbers and numeric strings are one (`"8080"` = `8080`); nothing else converts.
    Plain,
    /// Resource quantities: `0.5` = `500m`, `1Gi` = `1024Mi`, `"2"` = `2`.
    Quantity,
    /// String maps (labels, annotations, selectors): `true` = `"true"`.
    Text,
}

/// Keys under which values are resource quantities.
const QUANTITY_KEYS: &[&str] = &[
    "requests",
    "limits",
    "hard",
    "sizeLimit",
    "overhead",
    "capacity",
    "allocatable",
];

/// Maps whose values are strings.
const TEXT_MAPS: &[&str] = &["labels", "annotations", "nodeSelector", "matchLabels"];

/// How the scalar at `steps` is compared.
pub(crate) fn kind_at(steps: &[PathStep]) -> Kind {
    fn key(step: &PathStep) -> Option<&str> {
        match step {
            PathStep::Key(key) => Some(key.as_str()),
            PathStep::Index(_) => None,
        }
    }
    let parent = steps.len().checked_sub(2).and_then(|at| key(&steps[at]));
    if parent.is_some_and(|p| TEXT_MAPS.contains(&p)) {
        Kind::Text
    } else if steps
        .iter()
        .filter_map(key)
        .any(|k| QUANTITY_KEYS.contains(&k))
    {
        Kind::Quantity
    } else {
        Kind::Plain
    }
}

/// Whether two scalars are the same value as Kubernetes understands them.
pub(crate) fn same(declared: &Value, live: &Value, kind: Kind) -> bool {
    if declared == live || numbers_equal(declared, live) {
        return true;
    }
    match kind {
        Kind::Quantity => quantity(declared).is_some() && quantity(declared) == quantity(live),
        Kind::Text => text(declared).is_some() && text(declared) == text(live),
        Kind::Plain => match (declared, live) {
            (Value::String(s), n @ Value::Number(_)) | (n @ Value::Number(_), Value::String(s)) => {
                s.parse::<f64>()
                    .is_ok_and(|parsed| n.as_f64() == Some(parsed))
            }
            _ => false,
        },
    }
}

fn numbers_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x == y,
            _ => x.as_f64() == y.as_f64(),
        },
        _ => false,
    }
}

/// A scalar as the string Kubernetes stores in a string map.
fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Bool(_) | Value::Number(_) => Some(value.to_string()),
        _ => None,
    }
}

/// Null, `false`, `0`, `""`, `{}` and `[]`: what the server omits, so the same as absent.
pub(crate) fn is_zero(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.is_empty(),
    }
}

/// A resource quantity as an exact `mantissa × 10^exponent`, trailing zeros moved into the
/// exponent so that equal quantities have equal forms. `None` when it is not one (or too big).
pub(crate) fn quantity(value: &Value) -> Option<(i128, i32)> {
    let text = match value {
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(&text)),
    };
    let end = unsigned
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(unsigned.len());
    let (number, suffix) = unsigned.split_at(end);
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if whole.is_empty() && fraction.is_empty() || whole.len() + fraction.len() > 30 {
        return None;
    }
    let mut mantissa: i128 = format!("{whole}{fraction}").parse().ok()?;
    let mut exponent = -i32::try_from(fraction.len()).ok()?;
    let binary = |power: u32| mantissa.checked_mul(1i128 << power);
    match suffix {
        "" => {}
        "n" => exponent -= 9,
        "u" => exponent -= 6,
        "m" => exponent -= 3,
        "k" => exponent += 3,
        "M" => exponent += 6,
        "G" => exponent += 9,
        "T" => exponent += 12,
        "P" => exponent += 15,
        "E" => exponent += 18,
        "Ki" => mantissa = binary(10)?,
        "Mi" => mantissa = binary(20)?,
        "Gi" => mantissa = binary(30)?,
        "Ti" => mantissa = binary(40)?,
        "Pi" => mantissa = binary(50)?,
        "Ei" => mantissa = binary(60)?,
        other => {
            let power = other.strip_prefix(['e', 'E'])?;
            exponent += power.parse::<i32>().ok().filter(|p| p.abs() < 100)?;
        }
    }
    if mantissa == 0 {
        return Some((0, 0));
    }
    while mantissa % 10 == 0 {
        mantissa /= 10;
        exponent += 1;
    }
    Some((if negative { -mantissa } else { mantissa }, exponent))
}

/// The fields that identify an item of the list named `list`, as Kubernetes merges it
/// (containers by `name`, container ports by `containerPort` and `protocol`, Service ports by
/// `port` and `protocol`, volume mounts by `mountPath`…), with their values as text; a missing
/// `protocol` is `TCP`, its default. `None` for lists compared by position (tolerations, args…)
/// and for items without their key.
pub(crate) fn item_key(list: &str, item: &Value) -> Option<Vec<(&'static str, String)>> {
    let fields: &[&'static str] = match list {
        "containers"
        | "initContainers"
        | "ephemeralContainers"
        | "env"
        | "volumes"
        | "imagePullSecrets"
        | "resourceClaims"
        | "schedulingGates" => &["name"],
        "ports" if item.get("containerPort").is_some() => &["containerPort", "protocol"],
        "ports" => &["port", "protocol"],
        "volumeMounts" => &["mountPath"],
        "volumeDevices" => &["devicePath"],
        "hostAliases" => &["ip"],
        "topologySpreadConstraints" => &["topologyKey", "whenUnsatisfiable"],
        _ => return None,
    };
    fields
        .iter()
        .map(|&field| {
            let value = match (item.get(field), field) {
                (None | Some(Value::Null), "protocol") => "TCP".to_string(),
                (Some(Value::String(s)), _) => s.clone(),
                (Some(value @ Value::Number(_)), _) => value.to_string(),
                _ => return None,
            };
            Some((field, value))
        })
        .collect()
}

/// An item key as shown in a path: `[name=app]`, `[containerPort=80,protocol=TCP]`.
pub(crate) fn show_key<'a>(pairs: impl IntoIterator<Item = (&'a str, String)>) -> String {
    let inner: Vec<String> = pairs.into_iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("[{}]", inner.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn q(value: Value) -> Option<(i128, i32)> {
        quantity(&value)
    }

    #[test]
    fn quantities() {
        assert_eq!(q(json!(0.5)), q(json!("500m")));
        assert_eq!(q(json!("1Gi")), q(json!("1024Mi")));
        assert_eq!(q(json!("1000m")), q(json!("1")));
        assert_eq!(q(json!("2")), q(json!(2)));
        assert_eq!(q(json!("1k")), q(json!("1e3")));
        assert_eq!(q(json!("1E")), q(json!("1e18")));
        assert_eq!(q(json!("0")), q(json!("0Mi")));
        assert_eq!(q(json!("+1.50")), q(json!("1500m")));
        assert_eq!(q(json!("128974848")), q(json!("123Mi")));
        assert_ne!(q(json!("1G")), q(json!("1Gi")));
        assert_ne!(q(json!("100m")), q(json!("100Mi")));
        assert_eq!(q(json!("-1")), Some((-1, 0)));
        for bad in [
            json!("1.2.3"),
            json!("Gi"),
            json!("1Xi"),
            json!(true),
            json!("1e999"),
        ] {
            assert_eq!(q(bad.clone()), None, "{bad}");
        }
    }

    #[test]
    fn sameness_depends_on_the_place() {
        assert!(same(&json!(0.5), &json!("500m"), Kind::Quantity));
        assert!(same(&json!("1024Mi"), &json!("1Gi"), Kind::Quantity));
        assert!(!same(&json!("1Gi"), &json!("1024Mi"), Kind::Plain));
        assert!(same(&json!("8080"), &json!(8080), Kind::Plain));
        assert!(same(&json!(8080), &json!("8080"), Kind::Plain));
        assert!(same(&json!(1), &json!(1.0), Kind::Plain));
        assert!(!same(&json!("8080x"), &json!(8080), Kind::Plain));
        assert!(!same(&json!("true"), &json!(true), Kind::Plain));
        assert!(same(&json!(true), &json!("true"), Kind::Text));
        assert!(same(&json!(3), &json!("3"), Kind::Text));
        assert!(!same(&json!("1.0"), &json!("1"), Kind::Text));
    }

    #[test]
    fn places() {
        let path = |keys: &[&str]| -> Vec<PathStep> {
            keys.iter().map(|k| PathStep::Key(k.to_string())).collect()
        };
        assert_eq!(kind_at(&path(&["metadata", "labels", "on"])), Kind::Text);
        assert_eq!(
            kind_at(&path(&["spec", "resources", "limits", "cpu"])),
            Kind::Quantity
        );
        assert_eq!(kind_at(&path(&["spec", "replicas"])), Kind::Plain);
        assert_eq!(kind_at(&path(&["labels"])), Kind::Plain);
    }

    #[test]
    fn zero_values_are_absent() {
        for zero in [
            json!(null),
            json!(false),
            json!(0),
            json!(""),
            json!({}),
            json!([]),
        ] {
            assert!(is_zero(&zero));
        }
        assert!(!is_zero(&json!({"a": 1})) && !is_zero(&json!("x")) && !is_zero(&json!(1)));
    }

    #[test]
    fn list_items_are_identified_as_kubernetes_merges_them() {
        let port = json!({"containerPort": 8080, "name": "http"});
        assert_eq!(
            item_key("ports", &port),
            Some(vec![
                ("containerPort", "8080".into()),
                ("protocol", "TCP".into())
            ])
        );
        assert_eq!(
            item_key(
                "ports",
                &json!({"containerPort": "8080", "protocol": "TCP"})
            ),
            item_key("ports", &port)
        );
        assert_eq!(
            item_key("ports", &json!({"port": 443, "protocol": "UDP"})),
            Some(vec![("port", "443".into()), ("protocol", "UDP".into())])
        );
        assert_eq!(
            item_key("volumeMounts", &json!({"name": "d", "mountPath": "/d"})),
            Some(vec![("mountPath", "/d".into())])
        );
        assert_eq!(item_key("tolerations", &json!({"key": "k"})), None);
        assert_eq!(item_key("env", &json!({"value": "no name"})), None);
        assert_eq!(
            show_key(item_key("ports", &port).unwrap()),
            "[containerPort=8080,protocol=TCP]"
        );
    }
}
