//! Live mode: reading what really runs in a cluster, for `lint --live` and `export --live`.
//!
//! Read-only and gentle, because it is pointed at production: only GET requests, lists in pages,
//! a few at a time, each request and the whole reading under a time limit, 429 and 5xx answers
//! retried with backoff, and a note for everything that could not be seen. Secrets are read only
//! when asked for, and their values are masked as they arrive.
//!
//! The API is synchronous: [`read`] returns the whole [`Snapshot`]; [`start`] returns a
//! [`Reading`] that hands over each kind's objects as soon as they are read. Nothing here prints:
//! traces go to the caller, who reports.

mod backoff;
mod discovery;
mod engine;
mod error;
#[cfg(test)]
mod fixtures;
mod kinds;
mod lister;
mod manifest;
mod options;
mod owners;
mod progress;
mod reading;
mod redactor;
mod resource;
mod scalar;
mod secrets;
mod session;
mod snapshot;
mod target;
mod trace;
mod transport;
mod yaml;

pub use discovery::ANY_GROUP;
pub use error::LiveError;
pub use kinds::HAND_MADE_KINDS;
pub use lister::subject;
pub use manifest::clean;
pub use options::{KindWanted, Options};
pub use reading::{start, Event, Reading};
pub use secrets::MASK;
pub use snapshot::{LiveObject, Note, RequestRecord, Snapshot, Summary};
pub use trace::Trace;
pub use yaml::to_yaml;

/// Reads the cluster `options` chooses, whole: every top-level object in a stable order (kind,
/// namespace, name), with notes on what could not be seen and a log of every request. `trace`
/// sees each step as it happens.
pub fn read(options: &Options, trace: &mut dyn FnMut(&Trace)) -> Result<Snapshot, LiveError> {
    let reading = start(options)?;
    let context = reading.context().to_string();
    let cluster_server = reading.cluster_server().to_string();
    let default_namespace = reading.default_namespace().to_string();
    let mut objects: Vec<LiveObject> = Vec::new();
    for event in reading {
        match event {
            Event::Trace(t) => trace(&t),
            Event::Objects(batch) => objects.extend(batch),
            Event::Finished(result) => {
                let summary = result?;
                objects.sort_by(|a, b| a.order_key().cmp(&b.order_key()));
                return Ok(Snapshot {
                    context,
                    cluster_server,
                    default_namespace,
                    objects,
                    skipped_owned: summary.skipped_owned,
                    notes: summary.notes,
                    requests: summary.requests,
                    incomplete: summary.incomplete,
                });
            }
        }
    }
    Err(LiveError::Internal {
        reason: "the reading ended without a result".to_string(),
    })
}

/// A live object as a source to lint: its text is the object cleaned and
/// rendered as `export` writes it, so findings have a line and a column.
pub fn source_of(context: &str, object: &LiveObject) -> crate::source::SourceFile {
    let origin = crate::source::ClusterObject {
        context: context.to_string(),
        kind: object.kind.clone(),
        namespace: object.namespace.clone(),
        name: object.name.clone(),
    };
    crate::source::SourceFile::from_cluster(origin, to_yaml(&object.manifest()))
}
