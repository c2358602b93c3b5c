//! Cleaning: a live object turned back into the manifest a person would write.

use serde_json::{Map, Value};

/// Metadata fields the server sets and a manifest never carries.
const SERVER_METADATA: &[&str] = &[
    "managedFields",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "selfLink",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
];

/// Annotations written by tools and controllers, not by the object's author.
pub(crate) const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";
const TOOL_ANNOTATIONS: &[&str] = &[LAST_APPLIED, "deployment.kubernetes.io/revision"];

/// The object as a manifest: without `status`, without the metadata the server sets
/// (`managedFields`, `uid`, `resourceVersion`, `generation`, `creationTimestamp`, `selfLink`,
/// `deletionTimestamp`, `deletionGracePeriodSeconds`), and without the annotations
/// `kubectl.kubernetes.io/last-applied-configuration` and `deployment.kubernetes.io/revision`
/// (`annotations` itself goes when nothing is left in it). `apiVersion` and `kind` come first.
/// Anything that is not an object is returned as it is.
pub fn clean(raw: &Value) -> Value {
    let Value::Object(object) = raw else {
        return raw.clone();
    };
    let mut out = Map::new();
    for key in ["apiVersion", "kind"] {
        if let Some(value) = object.get(key) {
            out.insert(key.to_string(), value.clone());
        }
    }
    for (key, value) in object {
        match key.as_str() {
            "apiVersion" | "kind" | "status" => {}
            "metadata" => {
                out.insert(key.clone(), clean_metadata(value));
            }
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    Value::Object(out)
}

fn clean_metadata(metadata: &Value) -> Value {
    let Value::Object(metadata) = metadata else {
        return metadata.clone();
    };
    let mut out = Map::new();
    for (key, value) in metadata {
        if SERVER_METADATA.contains(&key.as_str()) {
            continue;
        }
        if key == "annotations" {
            if let Value::Object(annotations) = value {
                let kept: Map<String, Value> = annotations
                    .iter()
                    .filter(|(k, _)| !TOOL_ANNOTATIONS.contains(&k.as_str()))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect();
                if !kept.is_empty() {
                    out.insert(key.clone(), Value::Object(kept));
                }
                continue;
            }
        }
        out.insert(key.clone(), value.clone());
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn removes_what_the_server_adds() {
        let raw = json!({
            "metadata": {
                "name": "web", "namespace": "prod", "uid": "1", "resourceVersion": "2", "generation": 3,
                "creationTimestamp": "2024-01-01T00:00:00Z", "selfLink": "/x", "managedFields": [{}],
                "deletionTimestamp": "t", "deletionGracePeriodSeconds": 30,
                "labels": {"app": "web"},
                "annotations": {
                    "kubectl.kubernetes.io/last-applied-configuration": "{}",
                    "deployment.kubernetes.io/revision": "4",
                    "team": "a"
                }
            },
            "spec": {"replicas": 2},
            "status": {"readyReplicas": 2},
            "kind": "Deployment",
            "apiVersion": "apps/v1"
        });
        let cleaned = clean(&raw);
        assert_eq!(
            cleaned,
            json!({
                "apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": "web", "namespace": "prod", "labels": {"app": "web"}, "annotations": {"team": "a"}},
                "spec": {"replicas": 2}
            })
        );
        let keys: Vec<&String> = cleaned
            .as_object()
            .map(|m| m.keys().collect())
            .unwrap_or_default();
        assert_eq!(keys, ["apiVersion", "kind", "metadata", "spec"]);
    }

    #[test]
    fn drops_annotations_left_empty() {
        let raw = json!({"metadata": {"name": "a", "annotations": {"deployment.kubernetes.io/revision": "1"}}});
        assert_eq!(clean(&raw), json!({"metadata": {"name": "a"}}));
    }
}
