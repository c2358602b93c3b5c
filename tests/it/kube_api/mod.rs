//! A read-only Kubernetes API server for tests, on loopback, speaking the real REST API.
//!
//! It serves discovery (legacy and aggregated), lists with `limit`/`continue`, metadata-only
//! lists, and get-by-name for the built-in resources and any custom resources added, from
//! objects held as pre-serialised JSON. Faults (429, 5xx, 410 Expired, 403, 404, slow
//! responses, short pages) can be scoped to one resource. Every request is recorded, and any
//! method but GET is refused with 405, so a test can prove that a client only reads.
//!
//! Only std, tokio, hyper, hyper-util, http-body-util, bytes and serde_json are used, so the
//! folder can be included by any test or benchmark crate.
#![allow(dead_code)]

mod catalog;
mod serve;
mod workload;

pub use workload::workload;

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Map, Value};

/// A fault, scoped to `resource`: a resource plural (`"deployments"`, in any group, any
/// namespace, for lists and gets) or an exact request path (`"/apis/metrics.k8s.io/v1beta1"`).
/// `times: None` fires on every matching request; `Some(n)` on the next `n` only.
/// When several match, the first error fault added wins; `Slow` and `PageSize` combine with it.
#[derive(Clone, Debug)]
pub enum Fault {
    /// 429 `TooManyRequests` with a `Retry-After` header.
    TooManyRequests {
        resource: String,
        times: Option<u32>,
        retry_after_secs: u64,
    },
    /// `status` 500 (`InternalError`), 503 (`ServiceUnavailable`) or 504 (`Timeout`).
    ServerError {
        resource: String,
        status: u16,
        times: Option<u32>,
    },
    /// 410 `Expired`, only for requests that present a continue token.
    ExpiredContinue {
        resource: String,
        times: Option<u32>,
    },
    /// 403 `Forbidden`, always.
    Forbidden { resource: String },
    /// 404 `NotFound` for lists and gets while discovery still lists it (a removed CRD).
    NotFound { resource: String },
    /// The response (whatever it is) is sent after `delay`.
    Slow {
        resource: String,
        delay: Duration,
        times: Option<u32>,
    },
    /// At most `max` items per page, whatever `limit` asks (also without `limit`).
    PageSize { resource: String, max: usize },
}

impl Fault {
    fn scope(&self) -> &str {
        match self {
            Fault::TooManyRequests { resource, .. }
            | Fault::ServerError { resource, .. }
            | Fault::ExpiredContinue { resource, .. }
            | Fault::Forbidden { resource }
            | Fault::NotFound { resource }
            | Fault::Slow { resource, .. }
            | Fault::PageSize { resource, .. } => resource,
        }
    }
    fn times(&self) -> Option<u32> {
        match self {
            Fault::TooManyRequests { times, .. }
            | Fault::ServerError { times, .. }
            | Fault::ExpiredContinue { times, .. }
            | Fault::Slow { times, .. } => *times,
            _ => None,
        }
    }
}

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    pub path: String,
    /// The raw query string, still percent-encoded.
    pub query: String,
    pub status: u16,
    pub accept: String,
    pub user_agent: String,
    /// It carried the required bearer token (always true when none is required).
    pub authorized: bool,
}

impl Request {
    /// A decoded query parameter.
    pub fn param(&self, key: &str) -> Option<String> {
        serve::parse_query(&self.query)
            .into_iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
    }
}

/// One stored object: `item` is its JSON as a list item (no apiVersion/kind), starting
/// with `{"metadata":`; `meta` is the byte range of the metadata value inside it.
#[derive(Clone)]
pub(crate) struct Stored {
    /// The storage key real servers order lists by: `namespace/name`, or `name`.
    key: String,
    item: Box<[u8]>,
    meta: (usize, usize),
}

/// The objects, custom resources and faults a [`Server`] will serve. Cloning is cheap next
/// to generating objects, so a benchmark can build one and start several servers.
#[derive(Clone)]
pub struct Cluster {
    resources: Vec<catalog::Resource>,
    /// Keyed by (group, plural): one store per resource, shared by all its versions.
    objects: HashMap<(String, String), Vec<Stored>>,
    namespaces: BTreeSet<String>,
    faults: Vec<Fault>,
    token: Option<String>,
    resource_version: u64,
}

impl Default for Cluster {
    fn default() -> Self {
        Cluster::new()
    }
}

const CREATED: &str = "2026-06-15T04:14:45Z";

impl Cluster {
    /// The built-in resources, no objects. The namespaces `default`, `kube-system`,
    /// `kube-public` and `kube-node-lease`, and every namespace an object is placed in,
    /// get a Namespace object at start unless one was added.
    pub fn new() -> Cluster {
        Cluster {
            resources: catalog::builtin(),
            objects: HashMap::new(),
            namespaces: ["default", "kube-system", "kube-public", "kube-node-lease"]
                .map(String::from)
                .into(),
            faults: Vec::new(),
            token: None,
            resource_version: 1000,
        }
    }

    /// Adds an object, placed by `apiVersion` + `kind`; fills `metadata.uid`,
    /// `resourceVersion` and `creationTimestamp` when absent, and `namespace` (as
    /// `default`) for namespaced kinds. An object with the same key replaces an earlier one.
    /// Panics if the kind is not served (add custom resources first) or `metadata.name` is absent.
    pub fn add(&mut self, object: Value) {
        let Value::Object(mut object) = object else {
            panic!("Cluster::add: not a JSON object")
        };
        let text =
            |o: &Map<String, Value>, k: &str| o.get(k).and_then(Value::as_str).map(String::from);
        let api_version = text(&object, "apiVersion").expect("Cluster::add: no apiVersion");
        let kind = text(&object, "kind").expect("Cluster::add: no kind");
        let (group, version) = api_version.rsplit_once('/').unwrap_or(("", &api_version));
        let resource = self
            .resources
            .iter()
            .find(|r| r.group == group && r.version == version && r.kind == kind)
            .unwrap_or_else(|| {
                panic!("Cluster::add: {api_version} {kind} is not served (add_resource first?)")
            });
        let (group, plural, namespaced) = (
            resource.group.clone(),
            resource.plural.clone(),
            resource.namespaced,
        );
        object.remove("apiVersion");
        object.remove("kind");
        let Some(Value::Object(mut meta)) = object.remove("metadata") else {
            panic!("Cluster::add: no metadata")
        };
        let name = text(&meta, "name").expect("Cluster::add: no metadata.name");
        let key = if namespaced {
            let ns = text(&meta, "namespace").unwrap_or_else(|| "default".into());
            meta.insert("namespace".into(), json!(ns));
            self.namespaces.insert(ns.clone());
            format!("{ns}/{name}")
        } else {
            meta.remove("namespace");
            name
        };
        if !meta.contains_key("uid") {
            meta.insert("uid".into(), json!(uid(&format!("{group}/{kind}/{key}"))));
        }
        match meta
            .get("resourceVersion")
            .and_then(Value::as_str)
            .and_then(|rv| rv.parse::<u64>().ok())
        {
            Some(rv) => self.resource_version = self.resource_version.max(rv),
            None => {
                self.resource_version += 1;
                meta.insert(
                    "resourceVersion".into(),
                    json!(self.resource_version.to_string()),
                );
            }
        }
        meta.entry("creationTimestamp")
            .or_insert_with(|| json!(CREATED));

        let m = serde_json::to_vec(&meta).expect("a JSON map serialises");
        let rest = serde_json::to_vec(&object).expect("a JSON map serialises");
        let mut item = Vec::with_capacity(m.len() + rest.len() + 12);
        item.extend_from_slice(b"{\"metadata\":");
        let start = item.len();
        item.extend_from_slice(&m);
        let end = item.len();
        if rest.len() > 2 {
            item.push(b',');
            item.extend_from_slice(&rest[1..]);
        } else {
            item.push(b'}');
        }
        let stored = Stored {
            key,
            item: item.into(),
            meta: (start, end),
        };
        self.objects
            .entry((group, plural))
            .or_default()
            .push(stored);
    }

    /// Serves a custom resource (as a CRD would) and adds its CustomResourceDefinition
    /// object at start. Call once per version; the highest-priority version is preferred.
    pub fn add_resource(
        &mut self,
        group: &str,
        version: &str,
        kind: &str,
        plural: &str,
        namespaced: bool,
    ) {
        assert!(
            !group.is_empty(),
            "Cluster::add_resource: custom resources need a group"
        );
        if !self
            .resources
            .iter()
            .any(|r| r.group == group && r.version == version && r.plural == plural)
        {
            self.resources
                .push(catalog::custom(group, version, kind, plural, namespaced));
        }
    }

    pub fn fault(&mut self, fault: Fault) {
        self.faults.push(fault);
    }

    /// Requests without `Authorization: Bearer <token>` get 401.
    pub fn require_token(&mut self, token: &str) {
        self.token = Some(token.to_string());
    }

    fn has(&self, group: &str, plural: &str, key: &str) -> bool {
        let store = self.objects.get(&(group.to_string(), plural.to_string()));
        store.is_some_and(|v| v.iter().any(|o| o.key == key))
    }

    /// Namespace and CRD objects that a real cluster would have for what was added.
    fn complete(&mut self) {
        for ns in self.namespaces.clone() {
            if !self.has("", "namespaces", &ns) {
                self.add(json!({
                    "apiVersion": "v1", "kind": "Namespace",
                    "metadata": {"name": ns, "labels": {"kubernetes.io/metadata.name": ns}},
                    "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"},
                }));
            }
        }
        // Custom resources follow the built-in ones; one CRD per group and plural.
        let mut crds: Vec<(String, Vec<catalog::Resource>)> = Vec::new();
        for r in &self.resources[catalog::builtin().len()..] {
            let name = format!("{}.{}", r.plural, r.group);
            match crds.iter_mut().find(|(n, _)| *n == name) {
                Some((_, versions)) => versions.push(r.clone()),
                None => crds.push((name, vec![r.clone()])),
            }
        }
        for (name, versions) in crds {
            if !self.has("apiextensions.k8s.io", "customresourcedefinitions", &name) {
                self.add(crd(&name, &versions));
            }
        }
        // Sort each store by key as etcd does; on duplicate keys the last added wins.
        for list in self.objects.values_mut() {
            list.reverse();
            list.sort_by(|a, b| a.key.cmp(&b.key));
            list.dedup_by(|later, earlier| later.key == earlier.key);
        }
    }
}

const ESTABLISHED: &str = "the initial names have been accepted";

/// The CustomResourceDefinition object of a custom resource served in `versions`.
fn crd(name: &str, versions: &[catalog::Resource]) -> Value {
    let r = &versions[0];
    let names = json!({
        "kind": r.kind, "listKind": format!("{}List", r.kind),
        "plural": r.plural, "singular": r.singular,
    });
    let schema = json!({"openAPIV3Schema": {
        "type": "object", "x-kubernetes-preserve-unknown-fields": true,
    }});
    let versions: Vec<Value> = versions
        .iter()
        .enumerate()
        .map(|(i, v)| {
            json!({"name": v.version, "served": true, "storage": i == 0, "schema": schema})
        })
        .collect();
    let condition = |kind: &str, reason: &str, message: &str| {
        json!({"type": kind, "status": "True", "reason": reason, "message": message,
               "lastTransitionTime": CREATED})
    };
    json!({
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": {"name": name, "generation": 1},
        "spec": {
            "group": r.group, "names": names, "versions": versions,
            "scope": if r.namespaced { "Namespaced" } else { "Cluster" },
            "conversion": {"strategy": "None"},
        },
        "status": {
            "acceptedNames": names, "storedVersions": [r.version],
            "conditions": [
                condition("NamesAccepted", "NoConflicts", "no conflicts found"),
                condition("Established", "InitialNamesAccepted", ESTABLISHED),
            ],
        },
    })
}

/// A running server; it stops when dropped.
pub struct Server {
    /// `http://127.0.0.1:PORT`
    pub url: String,
    state: Arc<serve::State>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    /// Binds 127.0.0.1 on a free port and serves `cluster` from a tokio runtime of its own,
    /// on a background thread, so it works from sync tests and from inside another runtime.
    pub fn start(mut cluster: Cluster) -> Server {
        cluster.complete();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let addr = listener.local_addr().expect("listener address");
        let state = Arc::new(serve::State::new(cluster, &addr.to_string()));
        let (stop, stopped) = tokio::sync::oneshot::channel();
        let shared = state.clone();
        let thread = std::thread::Builder::new()
            .name("kube-api".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .thread_name("kube-api-worker")
                    .enable_all()
                    .build()
                    .expect("tokio runtime");
                runtime.block_on(serve::run(listener, shared, stopped));
                // Connections still open (a slow response, a client's keep-alive) are dropped.
                runtime.shutdown_background();
            })
            .expect("spawn server thread");
        Server {
            url: format!("http://{addr}"),
            state,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    /// Every request so far, in arrival order.
    pub fn requests(&self) -> Vec<Request> {
        self.state
            .log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn clear_requests(&self) {
        self.state
            .log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    /// Writes a kubeconfig whose cluster, user and context are all named `context` and
    /// whose server is `self.url`; an empty `token` writes a user without credentials.
    pub fn write_kubeconfig(
        &self,
        path: &Path,
        context: &str,
        namespace: Option<&str>,
        token: &str,
    ) {
        // JSON strings are valid YAML double-quoted scalars, so quoting is safe for any value.
        let (c, url) = (Value::from(context), Value::from(self.url.as_str()));
        let mut text = String::from("apiVersion: v1\nkind: Config\npreferences: {}\n");
        text += &format!("clusters:\n- name: {c}\n  cluster:\n    server: {url}\n");
        text += &match token {
            "" => format!("users:\n- name: {c}\n  user: {{}}\n"),
            t => format!(
                "users:\n- name: {c}\n  user:\n    token: {}\n",
                Value::from(t)
            ),
        };
        text += &format!("contexts:\n- name: {c}\n  context:\n    cluster: {c}\n    user: {c}\n");
        if let Some(ns) = namespace {
            text += &format!("    namespace: {}\n", Value::from(ns));
        }
        text += &format!("current-context: {c}\n");
        std::fs::write(path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// FNV-1a: a stable hash for generated names and uids.
pub(crate) fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    })
}

/// A deterministic version-4-shaped UUID derived from `seed`.
pub(crate) fn uid(seed: &str) -> String {
    let (a, b) = (fnv(seed), fnv(&format!("{seed}#")));
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xfff,
        0x8000 | ((b >> 48) & 0x3fff),
        b & 0xffff_ffff_ffff
    )
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Base64 without padding; `url` selects the URL-safe alphabet (`-`, `_`).
pub(crate) fn base64_encode(data: &[u8], url: bool) -> String {
    let sym = |i: u32| {
        let c = B64[(i & 63) as usize];
        match (url, c) {
            (true, b'+') => '-',
            (true, b'/') => '_',
            _ => c as char,
        }
    };
    let mut out = String::with_capacity(data.len() * 4 / 3 + 3);
    for chunk in data.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | (b as u32) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(sym(n >> (18 - 6 * i)));
        }
    }
    out
}

/// Decodes unpadded URL-safe base64; `None` on any other character or a bad length.
pub(crate) fn base64_url_decode(text: &str) -> Option<Vec<u8>> {
    let val = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'-' => Some(62),
        b'_' => Some(63),
        _ => None,
    };
    if text.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for chunk in text.as_bytes().chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= (val(c)? as u32) << (18 - 6 * i);
        }
        for i in 0..chunk.len() - 1 {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips() {
        for data in [&b""[..], b"a", b"ab", b"abc", b"\xff\xfe\xfd\x00"] {
            assert_eq!(
                base64_url_decode(&base64_encode(data, true)).as_deref(),
                Some(data)
            );
        }
        assert_eq!(base64_encode(b"\xfb\xff", false), "+/8");
        assert_eq!(base64_url_decode("a"), None);
        assert_eq!(base64_url_decode("ab+c"), None);
    }
}
