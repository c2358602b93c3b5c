//! Differences: the fields a manifest declares whose live value is not the same after
//! normalisation. Only declared fields are walked, so server defaults never count.

use serde_json::{Map, Value};

use super::normalize::{is_zero, item_key, kind_at, same, show_key};
use super::path::{Path, PathStep};
use super::{show, Scope};

/// A declared field that differs in the cluster.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Difference {
    /// Into the declared object.
    pub path: Path,
    /// Into the live object, when the field is there.
    pub live_path: Option<Vec<PathStep>>,
    /// The declared value as shown (masked where secret).
    pub declared: String,
    /// The live value as shown; `None` when the cluster does not have the field.
    pub live: Option<String>,
}

/// The differences between a declared object and its live counterpart, in the manifest's order.
pub(crate) fn differences(declared: &Value, live: &Value, scope: &Scope) -> Vec<Difference> {
    let mut walker = Walker {
        scope,
        out: Vec::new(),
    };
    walker.value(
        declared,
        Some(live),
        &mut Path::default(),
        &mut Vec::new(),
        false,
    );
    walker.out
}

struct Walker<'a> {
    scope: &'a Scope<'a>,
    out: Vec<Difference>,
}

impl Walker<'_> {
    fn value(
        &mut self,
        declared: &Value,
        live: Option<&Value>,
        path: &mut Path,
        at: &mut Vec<PathStep>,
        hide: bool,
    ) {
        let live = live.filter(|l| !l.is_null());
        match (declared, live) {
            (Value::Null, _) => {}
            (_, None) if is_zero(declared) => {}
            (_, Some(l)) if self.scope.masked.is_some_and(|m| l.as_str() == Some(m)) => {}
            (Value::Object(d), Some(Value::Object(l))) => self.map(d, l, path, at, hide),
            (Value::Array(d), Some(Value::Array(l))) => self.list(d, l, path, at, hide),
            (Value::Object(_) | Value::Array(_), _)
            | (_, Some(Value::Object(_) | Value::Array(_))) => {
                self.report(declared, live, path, at, hide)
            }
            (_, Some(l)) if same(declared, l, kind_at(&path.steps)) => {}
            _ => self.report(declared, live, path, at, hide),
        }
    }

    fn map(
        &mut self,
        declared: &Map<String, Value>,
        live: &Map<String, Value>,
        path: &mut Path,
        at: &mut Vec<PathStep>,
        hide: bool,
    ) {
        for (key, value) in declared {
            path.push_key(key);
            if !self.scope.skips(&path.steps) {
                let hide = hide || self.scope.hides(&path.steps, "", value);
                if self.scope.secret && path.steps.len() == 1 && key == "stringData" {
                    // Written once, stored base64-encoded in `data`.
                    at.push(PathStep::Key("data".into()));
                    let encoded = encode_values(value);
                    self.value(&encoded, live.get("data"), path, at, true);
                } else {
                    at.push(PathStep::Key(key.clone()));
                    self.value(value, live.get(key), path, at, hide);
                }
                at.pop();
            }
            path.pop();
        }
    }

    /// Keyed lists item by item, matched by merge key (items only in the cluster are not the
    /// manifest's business); other lists by position, once as a whole when lengths differ.
    fn list(
        &mut self,
        declared: &[Value],
        live: &[Value],
        path: &mut Path,
        at: &mut Vec<PathStep>,
        hide: bool,
    ) {
        let list = path.last_key().to_string();
        let keys: Option<Vec<_>> = declared.iter().map(|i| item_key(&list, i)).collect();
        if let Some(keys) = keys {
            for (index, (item, key)) in declared.iter().zip(keys).enumerate() {
                let found = live
                    .iter()
                    .position(|l| item_key(&list, l).as_ref() == Some(&key));
                path.push_item(index, show_key(key));
                let hide = hide || self.scope.hides(&path.steps, &list, item);
                at.push(PathStep::Index(found.unwrap_or(index)));
                self.value(item, found.map(|f| &live[f]), path, at, hide);
                at.pop();
                path.pop();
            }
        } else if declared.len() != live.len() {
            self.report(
                &Value::from(declared),
                Some(&Value::from(live)),
                path,
                at,
                hide,
            );
        } else {
            for (index, (item, live_item)) in declared.iter().zip(live).enumerate() {
                path.push_item(index, format!("[{index}]"));
                at.push(PathStep::Index(index));
                self.value(item, Some(live_item), path, at, hide);
                at.pop();
                path.pop();
            }
        }
    }

    fn report(
        &mut self,
        declared: &Value,
        live: Option<&Value>,
        path: &Path,
        at: &[PathStep],
        hide: bool,
    ) {
        self.out.push(Difference {
            path: path.clone(),
            live_path: live.map(|_| at.to_vec()),
            declared: show(declared, hide),
            live: live.map(|l| show(l, hide)),
        });
    }
}

/// A `stringData` map with its values as `data` stores them.
fn encode_values(string_data: &Value) -> Value {
    match string_data {
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| {
                let encoded = match v {
                    Value::String(s) => Value::String(base64(s.as_bytes())),
                    other => other.clone(),
                };
                (k.clone(), encoded)
            })
            .collect::<Map<_, _>>()
            .into(),
        other => other.clone(),
    }
}

/// Standard base64 with padding, as the API server writes a Secret's `data`.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            out.push(if i <= chunk.len() {
                char::from(ALPHABET[(n >> shift) as usize & 63])
            } else {
                '='
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn texts(declared: Value, live: Value) -> Vec<String> {
        let scope = Scope::default();
        differences(&declared, &live, &scope)
            .into_iter()
            .map(|d| match d.live {
                Some(l) => format!("{}: {} -> {}", d.path.text(), d.declared, l),
                None => format!("{}: {} -> absent", d.path.text(), d.declared),
            })
            .collect()
    }

    #[test]
    fn only_declared_fields_count() {
        let declared = json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "labels": {"on": true}},
            "spec": {"replicas": 3, "paused": false, "template": {"spec": {
                "nodeSelector": {},
                "containers": [{"name": "web", "image": "web:1", "args": ["a"],
                    "ports": [{"containerPort": "8080"}],
                    "resources": {"requests": {"cpu": 0.5, "memory": "1024Mi"}}}]}}}});
        let live = json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web", "uid": "u", "labels": {"on": "true", "x": "y"}},
            "spec": {"replicas": 3, "template": {"spec": {"dnsPolicy": "ClusterFirst",
                "containers": [
                    {"name": "sidecar", "image": "s:1"},
                    {"name": "web", "image": "web:1", "args": ["a"], "imagePullPolicy": "IfNotPresent",
                     "ports": [{"containerPort": 8080, "protocol": "TCP"}],
                     "resources": {"requests": {"cpu": "500m", "memory": "1Gi"}}}]}}},
            "status": {"replicas": 1}});
        assert_eq!(texts(declared, live), Vec::<String>::new());
    }

    #[test]
    fn what_differs() {
        let declared = json!({"spec": {"replicas": 3, "template": {"spec": {
            "tolerations": [{"key": "a"}],
            "containers": [{"name": "web", "image": "web:1", "args": ["a", "b"]},
                           {"name": "gone", "image": "g"}],
            "securityContext": {"runAsNonRoot": true}}}}});
        let live = json!({"spec": {"replicas": 5, "template": {"spec": {
            "tolerations": [{"key": "b", "operator": "Exists"}],
            "containers": [{"name": "web", "image": "web:2", "args": ["a"]}],
            "securityContext": "odd"}}}});
        assert_eq!(
            texts(declared, live),
            vec![
                "spec.replicas: 3 -> 5",
                "spec.template.spec.tolerations[0].key: a -> b",
                "spec.template.spec.containers[name=web].image: web:1 -> web:2",
                r#"spec.template.spec.containers[name=web].args: ["a","b"] -> ["a"]"#,
                r#"spec.template.spec.containers[name=gone]: {"name":"gone","image":"g"} -> absent"#,
                r#"spec.template.spec.securityContext: {"runAsNonRoot":true} -> odd"#,
            ]
        );
    }

    #[test]
    fn live_paths_point_into_the_live_object() {
        let declared = json!({"spec": {"containers": [{"name": "b", "image": "1"}]}});
        let live = json!({"spec": {"containers": [{"name": "a"}, {"name": "b", "image": "2"}]}});
        let found = differences(&declared, &live, &Scope::default());
        let key = |k: &str| PathStep::Key(k.into());
        assert_eq!(
            found[0].live_path,
            Some(vec![
                key("spec"),
                key("containers"),
                PathStep::Index(1),
                key("image")
            ])
        );
        assert_eq!(
            found[0].path.steps,
            vec![
                key("spec"),
                key("containers"),
                PathStep::Index(0),
                key("image")
            ]
        );
    }

    #[test]
    fn secrets_compare_string_data_with_data_and_show_nothing() {
        let declared = json!({"kind": "Secret", "stringData": {"password": "canary-1", "user": "app"},
            "data": {"key": "Y2FuYXJ5LTI="}});
        let live = json!({"kind": "Secret", "data": {"password": "Y2FuYXJ5LTM=", "user": "YXBw",
            "key": "Y2FuYXJ5LTI="}});
        let scope = Scope {
            secret: true,
            ..Scope::default()
        };
        let found = differences(&declared, &live, &scope);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].path.text(), "stringData.password");
        assert_eq!(found[0].declared, "(value hidden)");
        assert_eq!(found[0].live.as_deref(), Some("(value hidden)"));
    }

    #[test]
    fn masked_live_values_are_unknown() {
        let scope = Scope {
            secret: true,
            masked: Some("<redacted>"),
            ..Scope::default()
        };
        let declared = json!({"data": {"password": "Y2FuYXJ5"}});
        let live = json!({"data": {"password": "<redacted>"}});
        assert!(differences(&declared, &live, &scope).is_empty());
    }

    #[test]
    fn base64_as_the_server_writes_it() {
        for (text, encoded) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
        ] {
            assert_eq!(base64(text.as_bytes()), encoded);
        }
    }
}
