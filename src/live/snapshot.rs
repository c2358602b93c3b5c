//! The snapshot: what was read from the cluster, what could not be, and every request made.

use std::time::Duration;

use serde_json::Value;

use super::manifest;

/// Everything read from the cluster in one run.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The context used (`in-cluster` inside a pod).
    pub context: String,
    /// The API server's URL, for display (never credentials).
    pub cluster_server: String,
    /// The namespace the context points to (or the pod's own).
    pub default_namespace: String,
    /// Top-level objects, ordered by kind, namespace, name (then apiVersion).
    pub objects: Vec<LiveObject>,
    /// Objects not kept because another object controls them (that one is linted).
    pub skipped_owned: usize,
    /// Everything that could not be seen, and why.
    pub notes: Vec<Note>,
    /// Every request made, in the order they finished.
    pub requests: Vec<RequestRecord>,
    /// Something asked for could not be read (fully).
    pub incomplete: bool,
}

/// How the reading ended, without the objects (they were handed over as they came).
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Objects not kept because another object controls them.
    pub skipped_owned: usize,
    /// Everything that could not be seen, and why.
    pub notes: Vec<Note>,
    /// Every request made, in the order they finished.
    pub requests: Vec<RequestRecord>,
    /// Something asked for could not be read (fully).
    pub incomplete: bool,
}

/// One object as the cluster serves it.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveObject {
    /// As in `apps/v1`.
    pub api_version: String,
    pub kind: String,
    /// `None` for cluster-scoped objects.
    pub namespace: Option<String>,
    pub name: String,
    /// The object as served, `managedFields` included, with `apiVersion` and `kind` set; a Secret's
    /// values are already masked. For kinds read metadata-only: `apiVersion`, `kind`, `metadata`.
    pub raw: Value,
}

impl LiveObject {
    /// The object as a manifest (see [`super::clean`]).
    pub fn manifest(&self) -> Value {
        manifest::clean(&self.raw)
    }

    pub(crate) fn order_key(&self) -> (&str, Option<&str>, &str, &str) {
        (
            &self.kind,
            self.namespace.as_deref(),
            &self.name,
            &self.api_version,
        )
    }
}

/// Something that could not be seen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The API group of the kind (`""` for core).
    pub group: String,
    pub kind: String,
    /// The namespace it was listed in, if any.
    pub namespace: Option<String>,
    pub message: String,
    /// Something asked for could not be read, so the results are
    /// incomplete; `false` for a kind the cluster does not serve at all.
    pub incomplete: bool,
}

/// One HTTP request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestRecord {
    /// Always `GET`.
    pub method: &'static str,
    /// Path and query.
    pub path: String,
    /// What it read: `Deployment.apps`, `Service`, or `discovery`.
    pub subject: String,
    /// `None` when no answer came (timeout, connection failure).
    pub status: Option<u16>,
    pub duration: Duration,
    /// 1 for the first try of this request, 2 for its first retry...
    pub attempt: u32,
    /// Why no answer came, when none did.
    pub error: Option<String>,
}
