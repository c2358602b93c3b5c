//! Drift: what the cluster holds that the IaC does not say — objects that exist only in the
//! cluster, declared objects that are gone, declared fields with other values, and fields
//! changed by hand — and how much of the cluster the IaC covers.
//!
//! Pure: the manifests and the live objects come in as JSON, the drifts go out as data. Who
//! wrote a field is read from `metadata.managedFields` (see [`managers`] for whose hand each
//! manager is). Where Kubernetes leaves a choice open, the comparison does what Argo CD's diff
//! does: only declared fields are compared, list items are matched by their merge keys,
//! quantities and numbers are compared by value, server defaults and status never count.

mod changes;
mod differences;
mod fields;
mod managers;
mod normalize;
mod path;
mod system;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap, HashSet};

use serde_json::Value;

use changes::changes;
use differences::differences;
use managers::{creator, entries, latest, Entry, Hand};
use path::{glob, Path};

pub use managers::Writer;
pub use path::PathStep;

/// What the comparison is told (`drift.*` in the config).
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// The managers that are the IaC: what they wrote is never a manual change.
    pub iac_managers: Vec<String>,
    /// What is left out (`drift.ignore`).
    pub ignore: Vec<Ignore>,
    /// Where a manifest without a namespace goes (namespaced kinds only).
    pub default_namespace: String,
    /// The text a live value is replaced with when the reader masked it (a Secret's values):
    /// such a value is unknown, never compared.
    pub masked_value: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            iac_managers: [
                "helm",
                "argocd-controller",
                "argocd-application-controller",
                "kustomize-controller",
                "helm-controller",
            ]
            .map(String::from)
            .to_vec(),
            ignore: Vec::new(),
            default_namespace: "default".into(),
            masked_value: None,
        }
    }
}

/// One `drift.ignore` entry. It selects the objects whose kind, namespace and name each match
/// one of its patterns (exact, or with `*`; an empty list matches all; cluster-scoped objects
/// have the namespace `""`). Without `fields` the selected objects are left out entirely (no
/// drift, not counted in the coverage); with `fields`, only the field drifts at or under those
/// dotted paths (`spec.replicas`, `metadata.annotations.x`, `spec.template.spec.containers[*]`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ignore {
    pub kinds: Vec<String>,
    pub namespaces: Vec<String>,
    pub names: Vec<String>,
    pub fields: Vec<String>,
}

impl Ignore {
    fn selects(&self, id: &Id) -> bool {
        let any = |patterns: &[String], text: &str| {
            patterns.is_empty() || patterns.iter().any(|p| glob(p, text))
        };
        any(&self.kinds, &id.kind)
            && any(&self.namespaces, &id.namespace)
            && any(&self.names, &id.name)
    }
}

/// A live object as served, `managedFields` included. `apiVersion` and `kind` must be the
/// object's own (not `PartialObjectMetadata`).
#[derive(Debug, Clone, PartialEq)]
pub struct Live {
    pub object: Value,
    /// `false` when only `apiVersion`, `kind` and `metadata` were read: then only the metadata
    /// is compared.
    pub full: bool,
}

/// An API group and kind the caller listed: only their declared objects can be missing.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GroupKind {
    /// `""` for the core group, `apps`, `autoscaling`…
    pub group: String,
    pub kind: String,
}

impl GroupKind {
    pub fn new(group: &str, kind: &str) -> Self {
        GroupKind {
            group: group.into(),
            kind: kind.into(),
        }
    }
}

/// The four drift rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    UnmanagedObject,
    MissingObject,
    DriftedField,
    ManualChange,
}

impl Rule {
    pub fn id(self) -> &'static str {
        match self {
            Rule::UnmanagedObject => "unmanaged-object",
            Rule::MissingObject => "missing-object",
            Rule::DriftedField => "drifted-field",
            Rule::ManualChange => "manual-change",
        }
    }
}

/// One difference between the IaC and the cluster.
#[derive(Debug, Clone, PartialEq)]
pub struct Drift {
    pub rule: Rule,
    /// The manifest it is about (index into `declared`): all but `unmanaged-object`.
    pub declared: Option<usize>,
    /// The live object it is about (index into `live`): all but `missing-object`.
    pub live: Option<usize>,
    /// Into the declared object for `drifted-field`, into the live object for `manual-change`;
    /// empty for the object rules.
    pub path: Vec<PathStep>,
    /// Complete, for people; never a Secret's value.
    pub message: String,
    /// Who made the object (`unmanaged-object`) or wrote the field.
    pub writer: Option<Writer>,
}

/// The coverage entry of cluster-scoped objects, named as export names
/// their folder and `k8s://` addresses their namespace segment.
pub const CLUSTER_SCOPE: &str = "_cluster";

/// How many live objects the IaC declares, among those people could have made: top-level (no
/// owner), not made by the system, not ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage {
    pub considered: usize,
    pub declared: usize,
    /// By namespace; [`CLUSTER_SCOPE`] for cluster-scoped objects.
    pub by_namespace: BTreeMap<String, Counts>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub considered: usize,
    pub declared: usize,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    pub drifts: Vec<Drift>,
    pub coverage: Coverage,
}

/// An object's identity: API group (not version), kind, namespace (`""` when cluster-scoped),
/// name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Id {
    group: String,
    kind: String,
    namespace: String,
    name: String,
}

impl Id {
    /// `ConfigMap monitoring/dashboard-orders`, `ClusterRole reader`.
    fn shown(&self) -> String {
        match self.namespace.as_str() {
            "" => format!("{} {}", self.kind, self.name),
            ns => format!("{} {ns}/{}", self.kind, self.name),
        }
    }

    fn group_kind(&self) -> GroupKind {
        GroupKind::new(&self.group, &self.kind)
    }
}

/// The group of an `apiVersion`: `apps` for `apps/v1`, `""` for `v1`.
fn group_of(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(group, _)| group)
}

fn text<'v>(object: &'v Value, pointer: &str) -> Option<&'v str> {
    object.pointer(pointer).and_then(Value::as_str)
}

/// What the walks over one object need to know about it.
#[derive(Debug, Default)]
pub(crate) struct Scope<'a> {
    /// A Secret: `data` and `stringData` values are never shown.
    pub secret: bool,
    /// An autoscaler (HPA, KEDA) sets `spec.replicas`.
    pub scaled: bool,
    /// Only `metadata` is compared: the live object is metadata-only, or served at another
    /// version than the manifest's (fields may be named otherwise there).
    pub metadata_only: bool,
    pub masked: Option<&'a str>,
}

impl Scope<'_> {
    fn skips(&self, steps: &[PathStep]) -> bool {
        let is =
            |step: Option<&PathStep>, key: &str| matches!(step, Some(PathStep::Key(k)) if k == key);
        system::server_owned(steps)
            || self.scaled
                && steps.len() == 2
                && is(steps.first(), "spec")
                && is(steps.get(1), "replicas")
            || self.metadata_only && !is(steps.first(), "metadata")
    }

    /// Whether values at `steps` (and under) are hidden: a Secret's `data` and `stringData`, an
    /// env var whose name looks secret (`item` is the list item just stepped into).
    fn hides(&self, steps: &[PathStep], list: &str, item: &Value) -> bool {
        match steps {
            [PathStep::Key(key)] => self.secret && (key == "data" || key == "stringData"),
            [.., PathStep::Index(_)] => {
                list == "env"
                    && item
                        .get("name")
                        .and_then(Value::as_str)
                        .is_some_and(secret_name)
            }
            _ => false,
        }
    }
}

fn secret_name(name: &str) -> bool {
    const WORDS: &[&str] = &[
        "PASS",
        "PWD",
        "TOKEN",
        "SECRET",
        "KEY",
        "CREDENTIAL",
        "PRIVATE",
        "AUTH",
        "CERT",
        "DSN",
        "SALT",
        "COOKIE",
    ];
    let upper = name.to_ascii_uppercase();
    WORDS.iter().any(|w| upper.contains(w))
}

/// A value as shown in a message: strings bare, the rest as compact JSON, at most 60
/// characters; `(value hidden)` when secret.
pub(crate) fn show(value: &Value, hide: bool) -> String {
    if hide {
        return "(value hidden)".into();
    }
    let text = match value {
        Value::String(s) if !s.is_empty() && !s.contains('\n') => s.clone(),
        other => other.to_string(),
    };
    if text.chars().count() > 60 {
        format!("{}…", text.chars().take(60).collect::<String>())
    } else {
        text
    }
}

/// Compares the manifests (`declared`, each an object as JSON) with the live objects.
/// `listed` names the kinds the caller read: a declared object of another kind is not missing.
///
/// Matching is by API group, kind, namespace and name. A manifest without a namespace is in
/// `config.default_namespace` unless its kind is cluster-scoped (built-in list, plus every kind
/// listed live without a namespace). A second manifest of the same object is not compared again.
/// Drifts come in the manifests' order, then the unmanaged objects in the live order.
pub fn compare(declared: &[Value], live: &[Live], listed: &[GroupKind], config: &Config) -> Report {
    let kind_of = |object: &Value| {
        let group = group_of(text(object, "/apiVersion")?);
        Some((group.to_string(), text(object, "/kind")?.to_string()))
    };
    let scoped: HashSet<(String, String)> = live
        .iter()
        .filter(|l| text(&l.object, "/metadata/namespace").is_none_or(str::is_empty))
        .filter_map(|l| kind_of(&l.object))
        .chain(
            system::CLUSTER_SCOPED
                .iter()
                .map(|(g, k)| (g.to_string(), k.to_string())),
        )
        .collect();
    let id_of = |object: &Value, default_namespace: &str| {
        let (group, kind) = kind_of(object)?;
        let namespace = match text(object, "/metadata/namespace").filter(|n| !n.is_empty()) {
            _ if scoped.contains(&(group.clone(), kind.clone())) => "",
            Some(namespace) => namespace,
            None => default_namespace,
        };
        Some(Id {
            namespace: namespace.to_string(),
            name: text(object, "/metadata/name")?.to_string(),
            group,
            kind,
        })
    };
    let live_ids: Vec<Option<Id>> = live.iter().map(|l| id_of(&l.object, "")).collect();
    let declared_ids: Vec<Option<Id>> = declared
        .iter()
        .map(|d| id_of(d, &config.default_namespace))
        .collect();
    let mut by_id: HashMap<&Id, usize> = HashMap::new();
    for (j, id) in live_ids.iter().enumerate() {
        if let Some(id) = id {
            by_id.entry(id).or_insert(j);
        }
    }
    let scaled = scale_targets(
        declared
            .iter()
            .zip(&declared_ids)
            .chain(live.iter().map(|l| &l.object).zip(&live_ids)),
    );
    let object_ignored = |id: &Id| {
        config
            .ignore
            .iter()
            .any(|i| i.fields.is_empty() && i.selects(id))
    };

    let mut report = Report::default();
    let mut compared: HashSet<&Id> = HashSet::new();
    for (i, (object, id)) in declared.iter().zip(&declared_ids).enumerate() {
        let Some(id) = id else { continue };
        if !compared.insert(id) || object_ignored(id) {
            continue;
        }
        match by_id.get(id) {
            Some(&j) => {
                let scaled =
                    scaled.contains(&(id.kind.as_str(), id.namespace.as_str(), id.name.as_str()));
                report
                    .drifts
                    .extend(fields_of(object, i, &live[j], j, id, scaled, config));
            }
            None if listed.contains(&id.group_kind()) => report.drifts.push(Drift {
                rule: Rule::MissingObject,
                declared: Some(i),
                live: None,
                path: Vec::new(),
                message: format!(
                    "{} is declared but not in the cluster: deleted, or never applied",
                    id.shown()
                ),
                writer: None,
            }),
            None => {}
        }
    }

    for (j, (object, id)) in live.iter().map(|l| &l.object).zip(&live_ids).enumerate() {
        let Some(id) = id else { continue };
        let owned = object
            .pointer("/metadata/ownerReferences")
            .and_then(Value::as_array)
            .is_some_and(|refs| !refs.is_empty());
        let entries = entries(object);
        let made_by = creator(&entries);
        let by_platform =
            made_by.is_some_and(|e| managers::CONTROL_PLANE.contains(&e.writer.manager.as_str()));
        if owned
            || by_platform
            || system::made_by_system(object, &id.group, &id.kind, &id.namespace)
            || object_ignored(id)
        {
            continue;
        }
        let is_declared = compared.contains(id);
        let counts = report
            .coverage
            .by_namespace
            .entry(match id.namespace.as_str() {
                "" => CLUSTER_SCOPE.to_string(),
                ns => ns.to_string(),
            })
            .or_default();
        counts.considered += 1;
        report.coverage.considered += 1;
        if is_declared {
            counts.declared += 1;
            report.coverage.declared += 1;
            continue;
        }
        let how = match (made_by, text(object, "/metadata/creationTimestamp")) {
            (Some(entry), _) => format!("made by {}", entry.writer),
            (None, Some(time)) => format!("made at {time} by an unknown manager"),
            (None, None) => "made by an unknown manager".to_string(),
        };
        report.drifts.push(Drift {
            rule: Rule::UnmanagedObject,
            declared: None,
            live: Some(j),
            path: Vec::new(),
            message: format!(
                "{} exists only in the cluster: {how}; no manifest declares it",
                id.shown()
            ),
            writer: made_by.map(|e| e.writer.clone()),
        });
    }
    report
}

/// The (kind, namespace, name) of every workload an HPA or a KEDA ScaledObject scales.
fn scale_targets<'v>(
    objects: impl Iterator<Item = (&'v Value, &'v Option<Id>)>,
) -> HashSet<(&'v str, &'v str, &'v str)> {
    objects
        .filter_map(|(object, id)| {
            let id = id.as_ref()?;
            let default_kind = match (id.group.as_str(), id.kind.as_str()) {
                ("autoscaling", "HorizontalPodAutoscaler") => None,
                ("keda.sh", "ScaledObject") => Some("Deployment"),
                _ => return None,
            };
            let target = object.pointer("/spec/scaleTargetRef")?;
            let kind = target
                .get("kind")
                .and_then(Value::as_str)
                .or(default_kind)?;
            let name = target.get("name").and_then(Value::as_str)?;
            Some((kind, id.namespace.as_str(), name))
        })
        .collect()
}

/// `drifted-field` and `manual-change` between a manifest and its live object.
fn fields_of(
    declared: &Value,
    i: usize,
    live: &Live,
    j: usize,
    id: &Id,
    scaled: bool,
    config: &Config,
) -> Vec<Drift> {
    let object = &live.object;
    let scope = Scope {
        secret: id.group.is_empty() && id.kind == "Secret",
        scaled,
        metadata_only: !live.full || text(declared, "/apiVersion") != text(object, "/apiVersion"),
        masked: config.masked_value.as_deref(),
    };
    let entries = entries(object);
    let hands: Vec<Hand> = entries
        .iter()
        .map(|e| e.writer.hand(&config.iac_managers))
        .collect();
    let field_ignored = |path: &Path| {
        config
            .ignore
            .iter()
            .any(|ig| ig.selects(id) && ig.fields.iter().any(|f| path.under(f)))
    };
    let mut drifts = Vec::new();
    for difference in differences(declared, object, &scope) {
        if field_ignored(&difference.path) {
            continue;
        }
        let owners = difference
            .live_path
            .as_ref()
            .map(|at| owners(&entries, object, at))
            .unwrap_or_default();
        // Controllers own what they reconcile (an HPA's replicas, an injected caBundle).
        if !owners.is_empty() && owners.iter().all(|&n| hands[n] == Hand::Controller) {
            continue;
        }
        let writer = latest(owners.iter().map(|&n| &entries[n])).map(|e| e.writer.clone());
        let path = difference.path.text();
        let mut message = match &difference.live {
            Some(value) => format!(
                "{path} is {value} in the cluster, {} in the manifest",
                difference.declared
            ),
            None => format!(
                "{path} is absent in the cluster, {} in the manifest",
                difference.declared
            ),
        };
        if let Some(writer) = &writer {
            message.push_str(&format!("; written by {writer}"));
        }
        drifts.push(Drift {
            rule: Rule::DriftedField,
            declared: Some(i),
            live: Some(j),
            path: difference.path.steps,
            message,
            writer,
        });
    }
    for change in changes(declared, object, &entries, &hands, &scope) {
        if field_ignored(&change.path) {
            continue;
        }
        let writer = entries[change.entry].writer.clone();
        let path = change.path.text();
        let what = match &change.value {
            Some(value) => format!("{path} is {value} in the cluster, not in the manifest"),
            None => format!("{path} is in the cluster, not in the manifest"),
        };
        let how = match hands[change.entry] {
            Hand::Apply => format!("applied by {} from another manifest", writer.who()),
            _ => format!("written by {}", writer.who()),
        };
        let when = match &writer.time {
            Some(time) => format!("; that manager last wrote to this object at {time}"),
            None => String::new(),
        };
        drifts.push(Drift {
            rule: Rule::ManualChange,
            declared: Some(i),
            live: Some(j),
            path: change.path.steps,
            message: format!("{what}; {how}{when}"),
            writer: Some(writer),
        });
    }
    drifts
}

/// The entries that own the field at `at` most specifically: exactly, or else through the
/// deepest ancestor owned as a whole.
fn owners(entries: &[Entry], object: &Value, at: &[PathStep]) -> Vec<usize> {
    let depths: Vec<Option<usize>> = entries.iter().map(|e| e.fields.owns(object, at)).collect();
    let deepest = depths.iter().flatten().max();
    (0..entries.len())
        .filter(|&n| deepest.is_some() && depths[n].as_ref() == deepest)
        .collect()
}
