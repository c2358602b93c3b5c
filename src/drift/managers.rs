//! Managers: who wrote what, from `metadata.managedFields`, and whose hand each is — the IaC's,
//! a person's, a hand-run apply, or a controller's.

use std::fmt;

use serde_json::Value;

use super::fields::FieldSet;

/// The managers Kubernetes' own components write as.
pub(crate) const CONTROL_PLANE: &[&str] = &[
    "kube-apiserver",
    "kube-controller-manager",
    "kube-scheduler",
    "kubelet",
    "kube-proxy",
    "kubeadm",
    "cloud-controller-manager",
    "api-priority-and-fairness-config-producer-v1",
];

/// Managers that are people at a keyboard, besides every `kubectl…` (`kubectl`, `kubectl-edit`,
/// `kubectl-patch`, `kubectl-set`, `kubectl-label`, `kubectl-annotate`, `kubectl-create`,
/// `kubectl-replace`, `kubectl-rollout`, `kubectl.exe`…): dashboards and browsers, consoles, and
/// requests without a User-Agent (`unknown`) or from bare HTTP clients.
const PEOPLE: &[&str] = &[
    "dashboard",
    "kubernetes-dashboard",
    "Mozilla",
    "unknown",
    "k9s",
    "lens",
    "Lens",
    "OpenLens",
    "headlamp",
    "curl",
    "Go-http-client",
    "python-requests",
];

/// Whose hand a managedFields entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hand {
    /// One of `Config::iac_managers`: what it wrote is the IaC.
    Iac,
    /// A person: kubectl's imperative commands, dashboards, browsers, `unknown`.
    Person,
    /// An apply run by hand (`kubectl-client-side-apply`, or a person's manager with operation
    /// `Apply`): the IaC's tool, but what it wrote beyond the manifest came from another file.
    Apply,
    /// Anything else: controllers, operators, admission webhooks. Never drift.
    Controller,
}

/// Who wrote a field or made an object: one `managedFields` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Writer {
    pub manager: String,
    /// `Update` or `Apply`.
    pub operation: String,
    /// `scale`, `status`…; `None` for the object itself.
    pub subresource: Option<String>,
    /// When the manager last wrote to the object (RFC 3339), not necessarily to this field.
    pub time: Option<String>,
}

impl Writer {
    /// `kubectl (Update on /scale)`.
    pub fn who(&self) -> String {
        match &self.subresource {
            Some(sub) => format!("{} ({} on /{sub})", self.manager, self.operation),
            None => format!("{} ({})", self.manager, self.operation),
        }
    }

    pub(crate) fn hand(&self, iac: &[String]) -> Hand {
        let manager = self.manager.as_str();
        let person = manager.starts_with("kubectl") || PEOPLE.contains(&manager);
        if iac.iter().any(|m| m == manager) {
            Hand::Iac
        } else if manager == "kubectl-client-side-apply" || person && self.operation == "Apply" {
            Hand::Apply
        } else if person {
            Hand::Person
        } else {
            Hand::Controller
        }
    }
}

/// `kubectl (Update on /scale) at 2026-11-21T10:02:11Z`.
impl fmt::Display for Writer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.who())?;
        match &self.time {
            Some(time) => write!(f, " at {time}"),
            None => Ok(()),
        }
    }
}

/// One `managedFields` entry: its writer and the fields it owns.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub writer: Writer,
    pub fields: FieldSet,
}

/// The `managedFields` of an object; entries without a manager are left out.
pub(crate) fn entries(object: &Value) -> Vec<Entry> {
    let text = |entry: &Value, key: &str| entry.get(key).and_then(Value::as_str).map(String::from);
    object
        .pointer("/metadata/managedFields")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|entry| {
            let writer = Writer {
                manager: text(entry, "manager")?,
                operation: text(entry, "operation").unwrap_or_else(|| "Update".into()),
                subresource: text(entry, "subresource").filter(|s| !s.is_empty()),
                time: text(entry, "time"),
            };
            let fields = FieldSet::parse(entry.get("fieldsV1").unwrap_or(&Value::Null));
            Some(Entry { writer, fields })
        })
        .collect()
}

/// Who made the object: the earliest entry written to the object itself (not to `/status` or
/// `/scale`), or the earliest of all when there is none. RFC 3339 times in UTC compare as text.
pub(crate) fn creator(entries: &[Entry]) -> Option<&Entry> {
    let earliest = |main: bool| {
        entries
            .iter()
            .filter(|e| !main || e.writer.subresource.is_none())
            .min_by(|a, b| a.writer.time.cmp(&b.writer.time))
    };
    earliest(true).or_else(|| earliest(false))
}

/// The latest of several entries (the first one on equal times).
pub(crate) fn latest<'e>(entries: impl IntoIterator<Item = &'e Entry>) -> Option<&'e Entry> {
    entries
        .into_iter()
        .fold(None, |best: Option<&Entry>, e| match best {
            Some(b) if b.writer.time >= e.writer.time => Some(b),
            _ => Some(e),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn writer(manager: &str, operation: &str, sub: Option<&str>) -> Writer {
        Writer {
            manager: manager.into(),
            operation: operation.into(),
            subresource: sub.map(String::from),
            time: None,
        }
    }

    #[test]
    fn hands() {
        let iac = vec!["helm".to_string(), "argocd-controller".to_string()];
        let hand = |m, op| writer(m, op, None).hand(&iac);
        assert_eq!(hand("helm", "Update"), Hand::Iac);
        assert_eq!(hand("argocd-controller", "Apply"), Hand::Iac);
        for person in [
            "kubectl-edit",
            "kubectl-set",
            "kubectl",
            "kubectl-rollout",
            "Mozilla",
            "unknown",
        ] {
            assert_eq!(hand(person, "Update"), Hand::Person, "{person}");
        }
        assert_eq!(hand("kubectl-client-side-apply", "Update"), Hand::Apply);
        assert_eq!(hand("kubectl", "Apply"), Hand::Apply);
        for controller in [
            "kube-controller-manager",
            "istio-sidecar-injector",
            "Terraform",
        ] {
            assert_eq!(hand(controller, "Update"), Hand::Controller, "{controller}");
        }
        assert_eq!(
            writer("kubectl", "Update", Some("scale")).hand(&iac),
            Hand::Person
        );
    }

    #[test]
    fn creator_and_latest() {
        let object = json!({"metadata": {"managedFields": [
            {"manager": "kube-controller-manager", "operation": "Update", "subresource": "status",
             "time": "2026-11-20T14:00:00Z", "fieldsV1": {"f:status": {}}},
            {"manager": "kubectl-edit", "operation": "Update", "time": "2026-11-21T09:00:00Z"},
            {"manager": "kubectl-create", "operation": "Update", "time": "2026-11-20T14:03:11Z",
             "fieldsV1": {"f:data": {".": {}, "f:a": {}}}},
            {"operation": "Update"},
        ]}});
        let entries = entries(&object);
        assert_eq!(entries.len(), 3);
        let made = creator(&entries).unwrap();
        assert_eq!(
            made.writer.to_string(),
            "kubectl-create (Update) at 2026-11-20T14:03:11Z"
        );
        assert_eq!(latest(&entries).unwrap().writer.manager, "kubectl-edit");
        assert_eq!(
            writer("kubectl", "Update", Some("scale")).to_string(),
            "kubectl (Update on /scale)"
        );
        assert!(creator(&[]).is_none());
    }
}
