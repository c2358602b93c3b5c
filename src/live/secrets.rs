//! Secret masking: a Secret's values replaced as soon as its page arrives, so no value can reach
//! any output.

use serde_json::Value;

use super::manifest::LAST_APPLIED;

/// What every Secret value is replaced with (the keys are kept).
pub const MASK: &str = "<redacted>";

/// Replaces every value of `data` and `stringData`, and the last-applied annotation (which holds
/// them too), with [`MASK`].
pub(crate) fn mask(secret: &mut Value) {
    for field in ["data", "stringData"] {
        match secret.get_mut(field) {
            Some(Value::Object(values)) => {
                for value in values.values_mut() {
                    *value = Value::String(MASK.to_string());
                }
            }
            // Not a map: nothing of it is kept.
            Some(other) if !other.is_null() => *other = Value::String(MASK.to_string()),
            _ => {}
        }
    }
    if let Some(Value::Object(annotations)) = secret.pointer_mut("/metadata/annotations") {
        if let Some(value) = annotations.get_mut(LAST_APPLIED) {
            *value = Value::String(MASK.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn no_value_survives() {
        let canary = "c2VjcmV0LWNhbmFyeS12YWx1ZQ==";
        let mut secret = json!({
            "apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": "db", "annotations": {
                LAST_APPLIED: format!("{{\"data\":{{\"password\":\"{canary}\"}}}}"), "team": "a"}},
            "data": {"password": canary, "user": canary},
            "stringData": {"token": "secret-canary-value"},
            "type": "Opaque"
        });
        mask(&mut secret);
        let text = secret.to_string();
        assert!(
            !text.contains(canary) && !text.contains("secret-canary-value"),
            "{text}"
        );
        assert_eq!(secret["data"], json!({"password": MASK, "user": MASK}));
        assert_eq!(secret["stringData"], json!({"token": MASK}));
        assert_eq!(secret["metadata"]["annotations"]["team"], "a");
        assert_eq!(secret["metadata"]["annotations"][LAST_APPLIED], MASK);
    }

    #[test]
    fn odd_shapes_are_masked_whole() {
        let mut secret = json!({"data": "not-a-map", "stringData": null});
        mask(&mut secret);
        assert_eq!(secret, json!({"data": MASK, "stringData": null}));
    }
}
