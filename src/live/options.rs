//! What to read and how gently: the caller's choices for one snapshot.

use std::path::PathBuf;
use std::time::Duration;

/// What to read from the cluster, and the limits that keep the reading gentle on it.
#[derive(Debug, Clone)]
pub struct Options {
    /// `--kubeconfig`; without it `KUBECONFIG` (several files, merged), else `~/.kube/config`,
    /// else the pod's service account.
    pub kubeconfig: Option<PathBuf>,
    /// `--context`; without it the kubeconfig's current context.
    pub context: Option<String>,
    /// `--namespace`; without it the context's namespace, else `default`. Ignored with
    /// `all_namespaces`.
    pub namespace: Option<String>,
    /// Namespaces read besides `namespace` (the ones the IaC uses, for
    /// drift). Ignored with `all_namespaces`.
    pub also_namespaces: Vec<String>,
    /// Namespaced kinds are listed across all namespaces.
    pub all_namespaces: bool,
    /// Secrets are never listed without it.
    pub include_secrets: bool,
    /// Exactly the kinds the enabled rules need.
    pub kinds: Vec<KindWanted>,
    /// Lists in flight at once.
    pub concurrency: usize,
    /// The limit on one request: connecting, sending, and reading the whole answer.
    pub request_timeout: Duration,
    /// The limit on the whole snapshot; what was read before it is kept.
    pub overall_timeout: Duration,
    /// Objects asked for per page.
    pub page_size: u32,
    /// Retries of one request after a 429, a 5xx, a timeout or a broken connection.
    pub max_retries: u32,
    /// Draw a progress bar on stderr when stderr is a terminal.
    pub progress: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            kubeconfig: None,
            context: None,
            namespace: None,
            also_namespaces: Vec::new(),
            all_namespaces: false,
            include_secrets: false,
            kinds: Vec::new(),
            concurrency: 4,
            request_timeout: Duration::from_secs(30),
            overall_timeout: Duration::from_secs(300),
            page_size: 500,
            max_retries: 5,
            progress: false,
        }
    }
}

/// A kind to read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct KindWanted {
    /// The API group; `""` for the core group.
    pub group: String,
    /// The kind, as in `Deployment`.
    pub kind: String,
    /// Only `apiVersion`, `kind` and `metadata` are needed: the server sends just those.
    pub metadata_only: bool,
}

impl KindWanted {
    /// The whole object of `kind` in `group`.
    pub fn new(group: &str, kind: &str) -> Self {
        KindWanted {
            group: group.to_string(),
            kind: kind.to_string(),
            metadata_only: false,
        }
    }

    /// Whether this is the core group's Secret.
    pub(crate) fn is_secret(&self) -> bool {
        self.group.is_empty() && self.kind == "Secret"
    }
}
