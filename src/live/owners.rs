//! Ownership: whether another object controls this one (its owner is linted instead).

use serde_json::Value;

/// Whether `object` has an owner reference with `controller: true`, as a Deployment's ReplicaSets
/// and Pods, or a CronJob's Jobs, have.
pub(crate) fn is_controlled(object: &Value) -> bool {
    object
        .pointer("/metadata/ownerReferences")
        .and_then(Value::as_array)
        .is_some_and(|refs| {
            refs.iter()
                .any(|r| r.get("controller").and_then(Value::as_bool) == Some(true))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_controller_references_count() {
        let owned = json!({"metadata": {"ownerReferences": [
            {"kind": "ReplicaSet", "name": "web-1", "controller": true}]}});
        let referenced =
            json!({"metadata": {"ownerReferences": [{"kind": "ConfigMap", "name": "x"}]}});
        let not_controller =
            json!({"metadata": {"ownerReferences": [{"kind": "X", "controller": false}]}});
        assert!(is_controlled(&owned));
        assert!(!is_controlled(&referenced));
        assert!(!is_controlled(&not_controller));
        assert!(!is_controlled(&json!({"metadata": {}})));
        assert!(!is_controlled(
            &json!({"metadata": {"ownerReferences": "bad"}})
        ));
    }

    #[test]
    fn recorded_pods_are_all_controlled() {
        let list = super::super::fixtures::json("pod-list.json");
        let items = list["items"].as_array().cloned().unwrap_or_default();
        assert_eq!(items.len(), 3);
        // Pods of a ReplicaSet and a DaemonSet, and a static pod controlled by its Node.
        for pod in &items {
            assert!(is_controlled(pod), "{}", pod["metadata"]["name"]);
        }
    }
}
