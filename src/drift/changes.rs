//! Manual changes: fields that a person (or an apply run by hand) wrote, according to
//! `managedFields`, and that the manifest does not declare.

use std::borrow::Cow;

use serde_json::Value;

use super::fields::{FieldSet, Step};
use super::managers::{Entry, Hand};
use super::path::{Path, PathStep};
use super::system::{is_default, LAST_APPLIED};
use super::{show, Scope};

/// A field a person wrote that the manifest does not declare.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Change {
    /// Into the live object.
    pub path: Path,
    /// The `managedFields` entry that wrote it (the latest, if several did).
    pub entry: usize,
    /// The live value as shown, for a scalar.
    pub value: Option<String>,
}

/// The manual changes of a live object, sorted by path. Each person's entry is walked along
/// the fields it owns: where the manifest declares a field, only what is under it can be a
/// change; where it does not, the change is the most specific field, or a list item as a whole
/// when the entry made the item. Left out: empty values, values equal to the server's default
/// (an Update that creates an object owns its defaults), fields an IaC manager owns too, and,
/// for `kubectl-client-side-apply`, fields absent from the last-applied annotation (what the
/// apply did not send, the server filled in).
pub(crate) fn changes(
    declared: &Value,
    live: &Value,
    entries: &[Entry],
    hands: &[Hand],
    scope: &Scope,
) -> Vec<Change> {
    let declared = declared_fields(declared, scope.secret);
    let applied: Option<Value> = live
        .get("metadata")
        .and_then(|m| m.get("annotations"))
        .and_then(|a| a.get(LAST_APPLIED))
        .and_then(Value::as_str)
        .and_then(|text| serde_json::from_str(text).ok());
    let mut found: Vec<Change> = Vec::new();
    for (n, entry) in entries.iter().enumerate() {
        if !matches!(hands[n], Hand::Person | Hand::Apply) {
            continue;
        }
        let applied = applied
            .as_ref()
            .filter(|_| entry.writer.manager == "kubectl-client-side-apply");
        let mut visitor = Visitor {
            scope,
            entry: n,
            check_applied: applied.is_some(),
            out: Vec::new(),
        };
        visitor.visit(
            &entry.fields,
            live,
            Some(&declared),
            applied,
            &mut Path::default(),
            false,
        );
        for change in visitor.out {
            let steps = &change.path.steps;
            let iac_too = entries.iter().zip(hands).any(|(e, hand)| {
                *hand == Hand::Iac && e.fields.owns(live, steps) == Some(steps.len())
            });
            if iac_too {
                continue;
            }
            match found.iter_mut().find(|c| c.path.steps == *steps) {
                Some(known) if entries[known.entry].writer.time < entry.writer.time => {
                    *known = change
                }
                Some(_) => {}
                None => found.push(change),
            }
        }
    }
    // An item reported as a whole covers the fields inside it.
    let whole: Vec<Vec<PathStep>> = found.iter().map(|c| c.path.steps.clone()).collect();
    found.retain(|c| {
        !whole
            .iter()
            .any(|w| w.len() < c.path.steps.len() && c.path.steps.starts_with(w))
    });
    found.sort_by_key(|c| c.path.text());
    found
}

/// The manifest as far as which fields it declares: a Secret's `stringData` keys are `data`
/// keys in the cluster.
fn declared_fields(declared: &Value, secret: bool) -> Cow<'_, Value> {
    let Some(string_data) = declared
        .get("stringData")
        .and_then(Value::as_object)
        .filter(|_| secret)
    else {
        return Cow::Borrowed(declared);
    };
    let mut view = declared.clone();
    if let Some(object) = view.as_object_mut() {
        let data = object
            .entry("data")
            .or_insert_with(|| Value::Object(Default::default()));
        if let Some(data) = data.as_object_mut() {
            for key in string_data.keys() {
                data.entry(key.clone()).or_insert(Value::Bool(true));
            }
        }
    }
    Cow::Owned(view)
}

struct Visitor<'a> {
    scope: &'a Scope<'a>,
    entry: usize,
    check_applied: bool,
    out: Vec<Change>,
}

impl Visitor<'_> {
    /// Walks the fields of `set` in `live`, with their counterparts in the manifest (`declared`)
    /// and in the last applied manifest (`applied`).
    fn visit(
        &mut self,
        set: &FieldSet,
        live: &Value,
        declared: Option<&Value>,
        applied: Option<&Value>,
        path: &mut Path,
        hide: bool,
    ) {
        for (step, child) in &set.children {
            let Some((at, shown, value)) = step.find(live) else {
                continue;
            };
            let list = path.last_key().to_string();
            match at {
                PathStep::Key(key) => path.push_key(&key),
                PathStep::Index(index) => path.push_item(index, shown),
            }
            if !self.scope.skips(&path.steps) {
                let hide = hide || self.scope.hides(&path.steps, &list, value);
                let declared = declared
                    .and_then(|d| step.counterpart(d, &list, value))
                    .filter(|d| !d.is_null());
                let applied = applied.and_then(|a| step.counterpart(a, &list, value));
                let item = !matches!(step, Step::Field(_));
                if declared.is_some() {
                    if !child.children.is_empty() {
                        self.visit(child, value, declared, applied, path, hide);
                    }
                } else if child.children.is_empty() || item && child.owned {
                    self.candidate(value, live, applied, path, hide);
                } else {
                    self.visit(child, value, None, applied, path, hide);
                }
            }
            path.pop();
        }
    }

    fn candidate(
        &mut self,
        value: &Value,
        parent: &Value,
        applied: Option<&Value>,
        path: &Path,
        hide: bool,
    ) {
        let empty = match value {
            Value::Null => true,
            Value::Object(map) => map.is_empty(),
            Value::Array(items) => items.is_empty(),
            _ => false,
        };
        let defaulted =
            matches!(path.steps.last(), Some(PathStep::Key(key)) if is_default(key, value, parent));
        if empty || defaulted || self.check_applied && applied.is_none() {
            return;
        }
        let scalar = !value.is_object() && !value.is_array();
        let hide = hide || self.scope.masked.is_some_and(|m| value.as_str() == Some(m));
        self.out.push(Change {
            path: path.clone(),
            entry: self.entry,
            value: scalar.then(|| show(value, hide)),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::drift::managers::entries;
    use serde_json::json;

    fn found(declared: Value, live: Value) -> Vec<(String, String, Option<String>)> {
        let entries = entries(&live);
        let iac = vec!["helm".to_string()];
        let hands: Vec<Hand> = entries.iter().map(|e| e.writer.hand(&iac)).collect();
        changes(&declared, &live, &entries, &hands, &Scope::default())
            .into_iter()
            .map(|c| {
                (
                    c.path.text(),
                    entries[c.entry].writer.manager.clone(),
                    c.value,
                )
            })
            .collect()
    }

    fn entry(manager: &str, time: &str, fields: Value) -> Value {
        json!({"manager": manager, "operation": "Update", "time": time, "fieldsV1": fields})
    }

    #[test]
    fn leaves_and_whole_items() {
        let live = json!({
        "metadata": {"name": "web", "labels": {"app": "web", "team": "payments"},
            "managedFields": [
                entry("helm", "2026-11-01T00:00:00Z", json!({"f:metadata": {"f:labels": {".": {}, "f:app": {}}},
                    "f:spec": {"f:containers": {"k:{\"name\":\"web\"}": {".": {}, "f:name": {}, "f:image": {}}}}})),
                entry("kubectl-label", "2026-11-02T00:00:00Z", json!({"f:metadata": {"f:labels": {"f:team": {}}}})),
                entry("kubectl-edit", "2026-11-03T00:00:00Z", json!({"f:spec": {
                    "f:containers": {"k:{\"name\":\"debug\"}": {".": {}, "f:name": {}, "f:image": {},
                        "f:imagePullPolicy": {}}},
                    "f:resources": {".": {}, "f:limits": {".": {}, "f:memory": {}}, "f:requests": {}}}})),
                entry("kubectl-set", "2026-11-04T00:00:00Z", json!({"f:spec": {"f:containers": {
                    "k:{\"name\":\"debug\"}": {"f:image": {}}, "k:{\"name\":\"web\"}": {"f:image": {}}}}})),
            ]},
        "spec": {
            "containers": [{"name": "web", "image": "web:2"}, {"name": "debug", "image": "busybox:1"}],
            "resources": {"limits": {"memory": "1Gi"}, "requests": {}},
        }});
        let declared = json!({"metadata": {"name": "web", "labels": {"app": "web"}},
            "spec": {"containers": [{"name": "web", "image": "web:1"}]}});
        assert_eq!(
            found(declared, live),
            vec![
                (
                    "metadata.labels.team".into(),
                    "kubectl-label".into(),
                    Some("payments".into())
                ),
                (
                    "spec.containers[name=debug]".into(),
                    "kubectl-edit".into(),
                    None
                ),
                (
                    "spec.resources.limits.memory".into(),
                    "kubectl-edit".into(),
                    Some("1Gi".into())
                ),
            ]
        );
    }

    #[test]
    fn client_side_apply_is_judged_by_what_it_sent() {
        let applied = json!({"metadata": {"name": "web"}, "spec": {"replicas": 2, "paused": true}});
        let live = json!({
            "metadata": {"name": "web", "annotations": {LAST_APPLIED: applied.to_string()},
                "managedFields": [entry("kubectl-client-side-apply", "2026-11-01T00:00:00Z", json!({
                    "f:metadata": {"f:annotations": {".": {}, format!("f:{LAST_APPLIED}"): {}}},
                    "f:spec": {"f:replicas": {}, "f:paused": {}, "f:minReadySeconds": {}}}))]},
            "spec": {"replicas": 2, "paused": true, "minReadySeconds": 5}});
        let declared = json!({"metadata": {"name": "web"}, "spec": {"replicas": 2}});
        assert_eq!(
            found(declared, live),
            vec![(
                "spec.paused".into(),
                "kubectl-client-side-apply".into(),
                Some("true".into())
            )]
        );
    }

    #[test]
    fn nothing_for_declared_equal_values_defaults_and_iac_co_owners() {
        let live = json!({
            "metadata": {"name": "web", "labels": {"app": "web", "tier": "front"}, "managedFields": [
                entry("kubectl-create", "2026-11-01T00:00:00Z", json!({
                    "f:metadata": {"f:labels": {".": {}, "f:app": {}, "f:tier": {}}},
                    "f:spec": {"f:dnsPolicy": {}, "f:securityContext": {}, "f:replicas": {}}})),
                entry("helm", "2026-11-02T00:00:00Z", json!({"f:metadata": {"f:labels": {"f:tier": {}}}})),
            ]},
            "spec": {"dnsPolicy": "ClusterFirst", "securityContext": {}, "replicas": 3}});
        let declared =
            json!({"metadata": {"name": "web", "labels": {"app": "web"}}, "spec": {"replicas": 3}});
        assert_eq!(found(declared, live), vec![]);
    }
}
