//! `seaworthy export --live DIR`: the cluster's state as clean YAML, one
//! file per object at `DIR/NAMESPACE/KIND/NAME.yaml` (`_cluster/` for
//! cluster-scoped objects). Server-populated fields and defaults that only
//! restate the server's are stripped and keys come in a stable order, so
//! exporting twice changes nothing and `git diff` between two exports shows
//! only real changes. Secret values never reach a file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use crate::live::{self, KindWanted, LiveError, LiveObject};

/// The kinds exported besides those made by hand
/// ([`live::HAND_MADE_KINDS`]): namespaces and their quotas, and the older
/// workload kinds.
pub const OTHER_EXPORTED_KINDS: [(&str, &str); 5] = [
    ("", "Namespace"),
    ("", "ResourceQuota"),
    ("", "LimitRange"),
    ("", "ReplicationController"),
    ("apps", "ReplicaSet"),
];

/// Every kind exported.
fn exported_kinds() -> impl Iterator<Item = (&'static str, &'static str)> {
    OTHER_EXPORTED_KINDS
        .into_iter()
        .chain(live::HAND_MADE_KINDS)
}

/// What an export wrote.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Exported {
    /// Files whose content changed or that are new.
    pub written: usize,
    /// Files already holding exactly this content.
    pub unchanged: usize,
    /// Files of objects no longer in the cluster, removed.
    pub removed: usize,
    /// What could not be read, and why: those kinds' files are left as
    /// they were.
    pub notes: Vec<String>,
    /// Something asked for could not be read.
    pub incomplete: bool,
}

/// Why an export could not be made.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ExportError {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Live(#[from] LiveError),
    #[error("cannot write {path}: {reason}")]
    #[diagnostic(code(seaworthy::export))]
    Write { path: String, reason: String },
}

/// Reads the cluster (`options.kinds` is set here: the exported kinds,
/// Secrets only with `include_secrets`) and writes one file per top-level
/// object under `dir`.
pub fn export(
    options: &live::Options,
    dir: &Path,
    trace: &mut dyn FnMut(&live::Trace),
) -> Result<Exported, ExportError> {
    let mut options = options.clone();
    options.kinds = exported_kinds()
        .filter(|(group, kind)| options.include_secrets || !(group.is_empty() && *kind == "Secret"))
        .map(|(group, kind)| KindWanted::new(group, kind))
        .collect();
    let snapshot = live::read(&options, trace)?;
    let mut exported = Exported {
        incomplete: snapshot.incomplete,
        ..Exported::default()
    };
    // The kinds (and namespaces) read in full: only their folders are pruned.
    let failed: BTreeSet<(String, Option<String>)> = snapshot
        .notes
        .iter()
        .filter(|n| n.incomplete)
        .map(|n| (n.kind.clone(), n.namespace.clone()))
        .collect();
    for note in &snapshot.notes {
        exported.notes.push(format!(
            "{}: {}",
            live::subject(&note.group, &note.kind),
            note.message
        ));
    }
    let mut wanted: BTreeMap<PathBuf, String> = BTreeMap::new();
    for object in snapshot.objects.iter().filter(|o| !made_by_the_system(o)) {
        wanted.insert(dir.join(file_of(object)), render(object));
    }
    for (path, text) in &wanted {
        match std::fs::read_to_string(path) {
            Ok(existing) if existing == *text => exported.unchanged += 1,
            _ => {
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).map_err(|e| write_error(parent, e))?;
                }
                crate::interrupt::write_atomically(path, text.as_bytes())
                    .map_err(|e| write_error(path, e))?;
                exported.written += 1;
            }
        }
    }
    // The namespaces the export covers: `None` for all of them.
    let scope = match options.all_namespaces {
        true => None,
        false => Some(
            options
                .namespace
                .clone()
                .unwrap_or_else(|| snapshot.default_namespace.clone()),
        ),
    };
    exported.removed = prune(dir, &wanted, &scope, &failed)?;
    Ok(exported)
}

/// Removes the files of objects no longer in the cluster: `*.yaml` files in
/// the folders of exported kinds, in the namespaces exported, that this
/// export did not write, unless that kind could not be read.
fn prune(
    dir: &Path,
    wanted: &BTreeMap<PathBuf, String>,
    namespace: &Option<String>,
    failed: &BTreeSet<(String, Option<String>)>,
) -> Result<usize, ExportError> {
    let Ok(namespaces) = std::fs::read_dir(dir) else {
        return Ok(0);
    };
    let mut removed = 0;
    for ns_dir in namespaces
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
    {
        let ns_name = ns_dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let in_scope = match namespace {
            None => true,
            // With one namespace, its folder only (and Namespace objects).
            Some(ns) => ns_name == segment(ns) || ns_name == CLUSTER_DIR,
        };
        if !in_scope {
            continue;
        }
        for (_, kind) in exported_kinds() {
            let kind_dir = ns_dir.join(kind);
            let skip = failed
                .iter()
                .any(|(k, n)| k == kind && n.as_deref().is_none_or(|n| segment(n) == ns_name));
            let Ok(files) = std::fs::read_dir(&kind_dir) else {
                continue;
            };
            if skip {
                continue;
            }
            for file in files.flatten().map(|e| e.path()) {
                let ours = file.extension().is_some_and(|e| e == "yaml");
                if ours && !wanted.contains_key(&file) {
                    std::fs::remove_file(&file).map_err(|e| write_error(&file, e))?;
                    removed += 1;
                }
            }
        }
    }
    Ok(removed)
}

fn write_error(path: &Path, e: std::io::Error) -> ExportError {
    ExportError::Write {
        path: path.display().to_string(),
        reason: e.to_string(),
    }
}

/// The folder of cluster-scoped objects.
const CLUSTER_DIR: &str = "_cluster";

/// `NAMESPACE/KIND/NAME.yaml`, each part safe as a file name.
pub fn file_of(object: &LiveObject) -> PathBuf {
    let namespace = object
        .namespace
        .as_deref()
        .map_or(CLUSTER_DIR.into(), segment);
    PathBuf::from(namespace)
        .join(segment(&object.kind))
        .join(format!("{}.yaml", segment(&object.name)))
}

/// A name as a file name: characters other than letters, digits, `-`, `_`
/// and `.` percent-encoded (RBAC names hold `:`), and never `.` or `..`.
fn segment(name: &str) -> String {
    const KEPT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.');
    let encoded = percent_encoding::utf8_percent_encode(name, KEPT).to_string();
    match encoded.as_str() {
        "." | ".." | "" => encoded.replace('.', "%2E"),
        _ => encoded,
    }
}

/// Objects every namespace gets from the system: the root CA ConfigMap and
/// the `default` ServiceAccount. Not state anyone wrote.
fn made_by_the_system(object: &LiveObject) -> bool {
    match object.kind.as_str() {
        "ConfigMap" => object.name == "kube-root-ca.crt",
        "ServiceAccount" => object.name == "default",
        _ => false,
    }
}

/// The file's text: the object cleaned, without the defaults the server
/// fills in, rendered with a stable key order.
pub fn render(object: &LiveObject) -> String {
    let mut value = object.manifest();
    strip_defaults(&mut value);
    live::to_yaml(&value)
}

/// Removes fields that only restate what the API server sets by itself, so
/// that an export reads like the manifest that made the object.
pub fn strip_defaults(object: &mut Value) {
    let kind = object
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let Some(spec) = object.get_mut("spec").and_then(Value::as_object_mut) else {
        return;
    };
    match kind.as_str() {
        "Service" => {
            for key in [
                "clusterIP",
                "clusterIPs",
                "ipFamilies",
                "healthCheckNodePort",
            ] {
                spec.remove(key);
            }
            drop_if(spec, "sessionAffinity", "None");
            drop_if(spec, "type", "ClusterIP");
            drop_if(spec, "ipFamilyPolicy", "SingleStack");
            drop_if(spec, "internalTrafficPolicy", "Cluster");
            for port in items_mut(spec, "ports") {
                drop_if(port, "protocol", "TCP");
                if port.get("targetPort") == port.get("port") {
                    port.remove("targetPort");
                }
            }
        }
        "Deployment" => {
            drop_number(spec, "progressDeadlineSeconds", 600);
            drop_number(spec, "revisionHistoryLimit", 10);
            if spec.get("strategy")
                == Some(
                    &serde_json::json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}}),
                )
            {
                spec.remove("strategy");
            }
        }
        "StatefulSet" => {
            drop_if(spec, "podManagementPolicy", "OrderedReady");
            drop_number(spec, "revisionHistoryLimit", 10);
        }
        "DaemonSet" => drop_number(spec, "revisionHistoryLimit", 10),
        _ => {}
    }
    let template = match kind.as_str() {
        "Pod" => Some(spec),
        "CronJob" => spec
            .get_mut("jobTemplate")
            .and_then(|j| j.pointer_mut("/spec/template/spec"))
            .and_then(Value::as_object_mut),
        _ => spec
            .get_mut("template")
            .and_then(|t| t.get_mut("spec"))
            .and_then(Value::as_object_mut),
    };
    if let Some(pod) = template {
        strip_pod_defaults(pod);
    }
}

fn strip_pod_defaults(pod: &mut Map<String, Value>) {
    drop_if(pod, "dnsPolicy", "ClusterFirst");
    drop_if(pod, "restartPolicy", "Always");
    drop_if(pod, "schedulerName", "default-scheduler");
    drop_number(pod, "terminationGracePeriodSeconds", 30);
    if pod.get("securityContext") == Some(&Value::Object(Map::new())) {
        pod.remove("securityContext");
    }
    for list in ["containers", "initContainers"] {
        for container in items_mut(pod, list) {
            drop_if(container, "terminationMessagePath", "/dev/termination-log");
            drop_if(container, "terminationMessagePolicy", "File");
            if container.get("resources") == Some(&Value::Object(Map::new())) {
                container.remove("resources");
            }
            for port in items_mut(container, "ports") {
                drop_if(port, "protocol", "TCP");
            }
        }
    }
}

/// The mappings in the list under `key`.
fn items_mut<'a>(
    map: &'a mut Map<String, Value>,
    key: &str,
) -> impl Iterator<Item = &'a mut Map<String, Value>> {
    map.get_mut(key)
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object_mut)
}

fn drop_if(map: &mut Map<String, Value>, key: &str, default: &str) {
    if map.get(key).and_then(Value::as_str) == Some(default) {
        map.remove(key);
    }
}

fn drop_number(map: &mut Map<String, Value>, key: &str, default: u64) {
    if map.get(key).and_then(Value::as_u64) == Some(default) {
        map.remove(key);
    }
}
