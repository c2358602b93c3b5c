//! Trace events: what the reader is doing, for `--verbose`.

use std::time::Duration;

use super::snapshot::Note;

/// One step of the reading, handed to the caller as it happens.
#[derive(Debug, Clone, PartialEq)]
pub enum Trace {
    /// The kubeconfig (or service account) that was loaded.
    Config {
        origin: String,
        context: String,
        server: String,
    },
    /// A request finished (or got no answer).
    Request {
        method: &'static str,
        path: String,
        status: Option<u16>,
        duration: Duration,
        attempt: u32,
    },
    /// A request will be tried again after `after`.
    Retry {
        path: String,
        after: Duration,
        reason: String,
        retry: u32,
    },
    /// How the API was discovered.
    Discovery { aggregated: bool, resources: usize },
    /// A page of a list arrived.
    Page {
        group: String,
        kind: String,
        namespace: Option<String>,
        objects: usize,
        more: bool,
    },
    /// A list's continue token expired: the list starts again, its pages so far are dropped.
    Restart {
        group: String,
        kind: String,
        namespace: Option<String>,
        restart: u32,
    },
    /// A list is done.
    Listed {
        group: String,
        kind: String,
        namespace: Option<String>,
        kept: usize,
        skipped_owned: usize,
    },
    /// Something could not be seen (it is in the summary's notes too).
    Note(Note),
}
