//! HTTP handling: routing, content negotiation, paging, faults and `Status` errors.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{
    HeaderValue, ACCEPT, AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE, RETRY_AFTER, USER_AGENT,
};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::StatusCode;
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};

use super::catalog::{self, Resource};
use super::{Cluster, Fault, Request, Stored};

const JSON: &str = "application/json";
const META_LIST: &str = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";
const META: &str = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1";
const AGGREGATED: &str = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
/// The user named in 403 messages, as the apiserver names the caller.
const USER: &str = "system:serviceaccount:default:reader";
// Messages as kube-apiserver words them.
const NOT_FOUND: &str = "the server could not find the requested resource";
const UNAVAILABLE: &str = "the server is currently unable to handle the request";
const TIMEOUT: &str = "the server was unable to return a response in the time allotted, \
    but may still be processing the request";
const ETCD_TIMEOUT: &str = "etcdserver: request timed out";
const MEDIA_TYPES: &str = "only the following media types are accepted: application/json, \
    application/yaml, application/vnd.kubernetes.protobuf";
const EXPIRED: &str = "The provided continue parameter is too old to display a consistent list \
    result. You can start a new list without the continue parameter, or use the continue token \
    in this response to retrieve the remainder of the results. Continuing with the provided \
    token results in an inconsistent list - objects that were created, modified, or deleted \
    between the time the first chunk was returned and now may show up in the list.";
const BAD_KEY: &str = "continue key is not valid";

pub(crate) struct State {
    resources: Vec<Resource>,
    objects: HashMap<(String, String), Vec<Stored>>,
    resource_version: u64,
    /// Discovery documents by path, pre-serialised.
    docs: HashMap<String, Bytes>,
    aggregated_core: Bytes,
    aggregated_groups: Bytes,
    token: Option<String>,
    /// Each fault with how many more times it fires (`None`: always).
    faults: Mutex<Vec<(Fault, Option<u32>)>>,
    pub log: Mutex<Vec<Request>>,
}

struct Reply {
    status: u16,
    content_type: &'static str,
    body: Bytes,
    retry_after: Option<u64>,
    delay: Option<Duration>,
}

fn ok(content_type: &'static str, body: impl Into<Bytes>) -> Reply {
    Reply {
        status: 200,
        content_type,
        body: body.into(),
        retry_after: None,
        delay: None,
    }
}

/// A `Status` error, shaped as kube-apiserver writes it.
fn status(code: u16, reason: &str, message: &str, details: Option<Value>) -> Reply {
    let mut s = json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                       "message": message, "reason": reason, "code": code});
    if let Some(d) = details {
        s["details"] = d;
    }
    let body = serde_json::to_vec(&s).unwrap_or_default();
    Reply {
        status: code,
        content_type: JSON,
        body: body.into(),
        retry_after: None,
        delay: None,
    }
}

fn not_found() -> Reply {
    status(404, "NotFound", NOT_FOUND, Some(json!({})))
}

fn bad_request(message: &str) -> Reply {
    status(400, "BadRequest", message, None)
}

fn not_acceptable() -> Reply {
    status(406, "NotAcceptable", MEDIA_TYPES, None)
}

/// `details` of a resource error: group (omitted for core), kind (the plural), name.
fn details(res: &Resource, name: Option<&str>) -> Value {
    let mut d = json!({"kind": res.plural});
    if !res.group.is_empty() {
        d["group"] = json!(res.group);
    }
    if let Some(n) = name {
        d["name"] = json!(n);
    }
    d
}

/// Which representation the client asked for in `Accept`.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Form {
    Json,
    Meta,
    Aggregated,
}

/// Takes the first media range that can be served: plain JSON, or the one `as=` form that
/// this endpoint offers (`special` = form, as, g, v). Protobuf, YAML and Table are skipped.
fn negotiate(accept: &str, special: Option<(Form, &str, &str, &str)>) -> Option<Form> {
    if accept.trim().is_empty() {
        return Some(Form::Json);
    }
    for range in accept.split(',') {
        let mut parts = range.split(';').map(str::trim);
        let mime = parts.next().unwrap_or("").to_ascii_lowercase();
        if !matches!(mime.as_str(), "application/json" | "application/*" | "*/*") {
            continue;
        }
        let (mut as_, mut g, mut v) = (None, None, None);
        for p in parts {
            match p.split_once('=').map(|(k, v)| (k.trim(), v.trim())) {
                Some(("as", x)) => as_ = Some(x),
                Some(("g", x)) => g = Some(x),
                Some(("v", x)) => v = Some(x),
                _ => {}
            }
        }
        match (as_, special) {
            (None, _) => return Some(Form::Json),
            (Some(a), Some((form, sa, sg, sv))) if a == sa && g == Some(sg) && v == Some(sv) => {
                return Some(form)
            }
            _ => {}
        }
    }
    None
}

/// Decodes `a=b&c=d` (`+` is a space, `%XX` a byte).
pub(crate) fn parse_query(query: &str) -> Vec<(String, String)> {
    fn decode(s: &str) -> String {
        let b = s.as_bytes();
        let mut out = Vec::with_capacity(b.len());
        let mut i = 0;
        while i < b.len() {
            let hex = |c: u8| (c as char).to_digit(16);
            match b[i] {
                b'+' => out.push(b' '),
                b'%' if i + 2 < b.len() => match (hex(b[i + 1]), hex(b[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                },
                c => out.push(c),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn param<'a>(params: &'a [(String, String)], key: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

const CONTINUE_VERSION: &str = "meta.k8s.io/v1";

/// The token real servers issue: unpadded URL-safe base64 of
/// `{"v":"meta.k8s.io/v1","rv":<list resourceVersion>,"start":"<key after the last item>\u0000"}`,
/// the key relative to the listed namespace.
fn encode_continue(rv: u64, last_key: &str) -> String {
    let token = json!({"v": CONTINUE_VERSION, "rv": rv, "start": format!("{last_key}\u{0}")});
    super::base64_encode(token.to_string().as_bytes(), true)
}

/// The start key of a token, or the message of the 400 a real server gives.
fn decode_continue(token: &str) -> Result<String, String> {
    let bytes = super::base64_url_decode(token).ok_or(format!("{BAD_KEY}: illegal base64 data"))?;
    let value: Value = serde_json::from_slice(&bytes).map_err(|e| format!("{BAD_KEY}: {e}"))?;
    let v = value["v"].as_str().unwrap_or("");
    if v != CONTINUE_VERSION {
        let why = format!("server does not recognize this encoded version {v:?}");
        return Err(format!("{BAD_KEY}: {why}"));
    }
    if value["rv"].as_u64().unwrap_or(0) == 0 {
        let why = "incorrect encoded start resourceVersion (version meta.k8s.io/v1)";
        return Err(format!("{BAD_KEY}: {why}"));
    }
    match value["start"].as_str() {
        Some(s) if !s.is_empty() => Ok(s.to_string()),
        _ => Err(format!(
            "{BAD_KEY}: encoded start key empty (version meta.k8s.io/v1)"
        )),
    }
}

/// A resource request: a list (`name` None) or a get.
struct Target<'a> {
    res: &'a Resource,
    ns: Option<&'a str>,
    name: Option<&'a str>,
    sub: Option<&'a str>,
}

/// What the faults add to one request.
#[derive(Default)]
struct Plan {
    error: Option<Reply>,
    delay: Option<Duration>,
    page_max: Option<usize>,
}

impl State {
    pub fn new(cluster: Cluster, address: &str) -> State {
        let res = &cluster.resources;
        let bytes = |v: Value| Bytes::from(serde_json::to_vec(&v).unwrap_or_default());
        let mut docs = HashMap::new();
        docs.insert("/version".into(), bytes(catalog::version()));
        docs.insert("/api".into(), bytes(catalog::core_versions(address)));
        docs.insert(
            "/api/v1".into(),
            bytes(catalog::resource_list(res, "", "v1")),
        );
        docs.insert("/apis".into(), bytes(catalog::group_list(res)));
        for (group, versions) in catalog::groups(res) {
            if let Some(doc) = catalog::group(res, &group) {
                docs.insert(format!("/apis/{group}"), bytes(doc));
            }
            for v in versions {
                docs.insert(
                    format!("/apis/{group}/{v}"),
                    bytes(catalog::resource_list(res, &group, &v)),
                );
            }
        }
        State {
            aggregated_core: bytes(catalog::aggregated(res, true)),
            aggregated_groups: bytes(catalog::aggregated(res, false)),
            docs,
            faults: Mutex::new(
                cluster
                    .faults
                    .iter()
                    .map(|f| (f.clone(), f.times()))
                    .collect(),
            ),
            resources: cluster.resources,
            objects: cluster.objects,
            resource_version: cluster.resource_version,
            token: cluster.token,
            log: Mutex::new(Vec::new()),
        }
    }

    fn reply(
        &self,
        method: &str,
        path: &str,
        query: &str,
        accept: &str,
        authorized: bool,
    ) -> Reply {
        // A real server authenticates first, then authorizes, then routes.
        if !authorized {
            return status(401, "Unauthorized", "Unauthorized", None);
        }
        if method != "GET" {
            return status(
                405,
                "MethodNotAllowed",
                "the server does not allow this method on the requested resource",
                Some(json!({})),
            );
        }
        let params = parse_query(query);
        let param = |k: &str| param(&params, k);
        let path = match path.trim_end_matches('/') {
            "" => "/",
            p => p,
        };
        let target = self.route(path);
        let is_list = target.as_ref().is_some_and(|t| t.name.is_none());
        let has_continue = is_list && param("continue").is_some_and(|c| !c.is_empty());
        let plan = self.plan(target.as_ref(), path, has_continue);
        let mut reply = match plan.error {
            Some(e) => e,
            None => match (&target, param("watch")) {
                (_, Some("1" | "true")) => status(
                    405,
                    "MethodNotAllowed",
                    "watch is not served: list with limit and continue instead",
                    Some(json!({})),
                ),
                (Some(t), _) if t.name.is_none() => self.list(t, &params, accept, plan.page_max),
                (Some(t), _) => self.get(t, accept),
                (None, _) => self.discovery(path, accept),
            },
        };
        reply.delay = plan.delay;
        reply
    }

    fn discovery(&self, path: &str, accept: &str) -> Reply {
        let aggregated = match path {
            "/api" => Some(&self.aggregated_core),
            "/apis" => Some(&self.aggregated_groups),
            _ => None,
        };
        let Some(doc) = self.docs.get(path) else {
            return not_found();
        };
        let special = aggregated.map(|_| {
            (
                Form::Aggregated,
                "APIGroupDiscoveryList",
                "apidiscovery.k8s.io",
                "v2",
            )
        });
        match (negotiate(accept, special), aggregated) {
            (Some(Form::Aggregated), Some(agg)) => ok(AGGREGATED, agg.clone()),
            (Some(_), _) => ok(JSON, doc.clone()),
            (None, _) => not_acceptable(),
        }
    }

    /// `/api/v1/...` or `/apis/{g}/{v}/...`, then `[namespaces/{ns}/]{plural}[/{name}[/{sub}]]`.
    fn route<'a>(&'a self, path: &'a str) -> Option<Target<'a>> {
        let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let (group, version, rest) = match segs.as_slice() {
            ["api", v, rest @ ..] => ("", *v, rest),
            ["apis", g, v, rest @ ..] => (*g, *v, rest),
            _ => return None,
        };
        // `namespaces/x/pods` is a namespaced list, but `namespaces/x/status` is a
        // subresource of a Namespace: try the namespaced reading first.
        let readings = [
            match rest {
                ["namespaces", ns, tail @ ..] if !tail.is_empty() => Some((Some(*ns), tail)),
                _ => None,
            },
            Some((None, rest)),
        ];
        for (ns, tail) in readings.into_iter().flatten() {
            let (plural, name, sub) = match tail {
                [p] => (*p, None, None),
                [p, n] => (*p, Some(*n), None),
                [p, n, s] => (*p, Some(*n), Some(*s)),
                _ => continue,
            };
            let Some(res) = self
                .resources
                .iter()
                .find(|r| r.group == group && r.version == version && r.plural == plural)
            else {
                continue;
            };
            // A namespaced object is only reachable under its namespace; a cluster one never.
            if (ns.is_some() && !res.namespaced)
                || (res.namespaced && name.is_some() && ns.is_none())
            {
                continue;
            }
            return Some(Target { res, ns, name, sub });
        }
        None
    }

    fn plan(&self, target: Option<&Target>, path: &str, has_continue: bool) -> Plan {
        let mut plan = Plan::default();
        let plural = target.map(|t| t.res.plural.as_str());
        let mut faults = self.faults.lock().unwrap_or_else(|e| e.into_inner());
        for (fault, left) in faults.iter_mut() {
            if !(Some(fault.scope()) == plural || fault.scope() == path) || *left == Some(0) {
                continue;
            }
            match fault {
                Fault::PageSize { max, .. } => {
                    plan.page_max = Some(plan.page_max.map_or(*max, |m| m.min(*max)));
                    continue;
                }
                Fault::Slow { delay, .. } if plan.delay.is_none() => plan.delay = Some(*delay),
                Fault::Slow { .. } => continue,
                Fault::ExpiredContinue { .. } if !has_continue => continue,
                _ if plan.error.is_some() => continue,
                _ => plan.error = Some(fault_reply(fault, target, path)),
            }
            if let Some(n) = left {
                *n -= 1;
            }
        }
        plan
    }

    fn store(&self, res: &Resource) -> &[Stored] {
        // Every version of a group reads the same store, as on a real server.
        self.objects
            .get(&(res.group.clone(), res.plural.clone()))
            .map_or(&[], Vec::as_slice)
    }

    fn list(
        &self,
        t: &Target,
        params: &[(String, String)],
        accept: &str,
        page_max: Option<usize>,
    ) -> Reply {
        let param = |k: &str| param(params, k);
        let form = match negotiate(
            accept,
            Some((Form::Meta, "PartialObjectMetadataList", "meta.k8s.io", "v1")),
        ) {
            Some(f) => f,
            None => return not_acceptable(),
        };
        let all = self.store(t.res);
        let prefix = t.ns.map(|ns| format!("{ns}/")).unwrap_or_default();
        let lo = all.partition_point(|o| o.key.as_str() < prefix.as_str());
        let hi = lo + all[lo..].partition_point(|o| o.key.starts_with(&prefix));
        let limit = match param("limit")
            .filter(|l| !l.is_empty())
            .map(str::parse::<usize>)
        {
            None => 0,
            Some(Ok(n)) => n,
            Some(Err(e)) => return bad_request(&format!("limit: {e}")),
        };
        let mut start = lo;
        if let Some(token) = param("continue").filter(|c| !c.is_empty()) {
            match decode_continue(token) {
                Ok(key) => {
                    let from = format!("{prefix}{key}");
                    start = lo + all[lo..hi].partition_point(|o| o.key < from);
                }
                Err(message) => return bad_request(&message),
            }
        }
        let mut page = if limit == 0 { usize::MAX } else { limit };
        if let Some(max) = page_max {
            page = page.min(max.max(1));
        }
        let end = start + (hi - start).min(page);

        let mut meta = format!("{{\"resourceVersion\":\"{}\"", self.resource_version);
        if end < hi {
            meta.push_str(&format!(
                ",\"continue\":\"{}\"",
                encode_continue(self.resource_version, &all[end - 1].key[prefix.len()..])
            ));
            // A real server can only count what remains when nothing is filtered.
            if param("labelSelector").unwrap_or("").is_empty()
                && param("fieldSelector").unwrap_or("").is_empty()
            {
                meta.push_str(&format!(",\"remainingItemCount\":{}", hi - end));
            }
        }
        meta.push('}');

        let items = &all[start..end];
        let (kind, api_version, content_type) = match form {
            Form::Meta => (
                "PartialObjectMetadataList".to_string(),
                "meta.k8s.io/v1".to_string(),
                META_LIST,
            ),
            _ => (format!("{}List", t.res.kind), t.res.group_version(), JSON),
        };
        let size: usize = items.iter().map(|o| o.item.len() + 80).sum();
        let mut body = Vec::with_capacity(size + meta.len() + 100);
        let head = format!("{{\"kind\":\"{kind}\",\"apiVersion\":\"{api_version}\",");
        body.extend_from_slice(head.as_bytes());
        body.extend_from_slice(format!("\"metadata\":{meta},\"items\":[").as_bytes());
        for (i, o) in items.iter().enumerate() {
            if i > 0 {
                body.push(b',');
            }
            match form {
                Form::Meta => partial(&mut body, o),
                _ => body.extend_from_slice(&o.item),
            }
        }
        body.extend_from_slice(b"]}");
        ok(content_type, body)
    }

    fn get(&self, t: &Target, accept: &str) -> Reply {
        let (Some(name), None | Some("status")) = (t.name, t.sub) else {
            return not_found();
        };
        let form = match negotiate(
            accept,
            Some((Form::Meta, "PartialObjectMetadata", "meta.k8s.io", "v1")),
        ) {
            Some(f) => f,
            None => return not_acceptable(),
        };
        let key = match t.ns {
            Some(ns) => format!("{ns}/{name}"),
            None => name.to_string(),
        };
        let all = self.store(t.res);
        let Ok(at) = all.binary_search_by(|o| o.key.as_str().cmp(&key)) else {
            let message = format!("{} {name:?} not found", t.res.qualified());
            return status(404, "NotFound", &message, Some(details(t.res, Some(name))));
        };
        let o = &all[at];
        let mut body = Vec::with_capacity(o.item.len() + 80);
        match form {
            Form::Meta => partial(&mut body, o),
            _ => {
                body.extend_from_slice(
                    format!(
                        "{{\"kind\":\"{}\",\"apiVersion\":\"{}\",",
                        t.res.kind,
                        t.res.group_version()
                    )
                    .as_bytes(),
                );
                body.extend_from_slice(&o.item[1..]);
            }
        }
        ok(if form == Form::Meta { META } else { JSON }, body)
    }
}

/// A `PartialObjectMetadata` item: the stored metadata, spliced without re-serialising.
fn partial(body: &mut Vec<u8>, o: &Stored) {
    body.extend_from_slice(
        b"{\"kind\":\"PartialObjectMetadata\",\"apiVersion\":\"meta.k8s.io/v1\",\"metadata\":",
    );
    body.extend_from_slice(&o.item[o.meta.0..o.meta.1]);
    body.push(b'}');
}

fn fault_reply(fault: &Fault, target: Option<&Target>, path: &str) -> Reply {
    match fault {
        Fault::TooManyRequests {
            retry_after_secs: secs,
            ..
        } => {
            let message = "Too many requests, please try again later.";
            let details = json!({"retryAfterSeconds": secs});
            let mut r = status(429, "TooManyRequests", message, Some(details));
            r.retry_after = Some(*secs);
            r
        }
        Fault::ServerError { status: 503, .. } => {
            status(503, "ServiceUnavailable", UNAVAILABLE, None)
        }
        Fault::ServerError { status: 504, .. } => status(504, "Timeout", TIMEOUT, None),
        Fault::ServerError { status: code, .. } => {
            let message = format!("Internal error occurred: {ETCD_TIMEOUT}");
            let details = json!({"causes": [{"message": ETCD_TIMEOUT}]});
            status(*code, "InternalError", &message, Some(details))
        }
        Fault::ExpiredContinue { .. } => status(410, "Expired", EXPIRED, None),
        Fault::Forbidden { .. } => match target {
            Some(t) => {
                let verb = if t.name.is_some() { "get" } else { "list" };
                let scope = match t.ns {
                    Some(ns) => format!("in the namespace {ns:?}"),
                    None => "at the cluster scope".into(),
                };
                let what = match t.name {
                    Some(n) => format!("{} {n:?}", t.res.qualified()),
                    None => t.res.qualified(),
                };
                let (plural, group) = (&t.res.plural, &t.res.group);
                let message = format!(
                    "{what} is forbidden: User {USER:?} cannot {verb} resource {plural:?} \
                     in API group {group:?} {scope}"
                );
                status(403, "Forbidden", &message, Some(details(t.res, t.name)))
            }
            None => {
                let message = format!("forbidden: User {USER:?} cannot get path {path:?}");
                status(403, "Forbidden", &message, Some(json!({})))
            }
        },
        // Slow and PageSize never produce an error (see `State::plan`).
        Fault::NotFound { .. } | Fault::Slow { .. } | Fault::PageSize { .. } => not_found(),
    }
}

async fn handle(
    state: Arc<State>,
    req: hyper::Request<hyper::body::Incoming>,
) -> Result<hyper::Response<Full<Bytes>>, Infallible> {
    let header = |name| {
        req.headers()
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let (accept, user_agent) = (header(ACCEPT), header(USER_AGENT));
    let authorized = match &state.token {
        None => true,
        Some(token) => {
            header(AUTHORIZATION).strip_prefix("Bearer ").map(str::trim) == Some(token.as_str())
        }
    };
    let method = req.method().as_str().to_string();
    let path = req.uri().path().to_string();
    let query = req.uri().query().unwrap_or("").to_string();
    let reply = state.reply(&method, &path, &query, &accept, authorized);
    // Recorded before any delay, so a request the client gave up on is still seen.
    state
        .log
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(Request {
            method,
            path,
            query,
            status: reply.status,
            accept,
            user_agent,
            authorized,
        });
    if let Some(delay) = reply.delay {
        tokio::time::sleep(delay).await;
    }
    let mut response = hyper::Response::new(Full::new(reply.body));
    *response.status_mut() =
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(reply.content_type));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache, private"));
    if let Some(secs) = reply.retry_after {
        headers.insert(RETRY_AFTER, HeaderValue::from(secs));
    }
    Ok(response)
}

async fn serve_connection(stream: tokio::net::TcpStream, state: Arc<State>) {
    let service = service_fn(move |req| handle(state.clone(), req));
    let connection = http1::Builder::new().serve_connection(TokioIo::new(stream), service);
    // A client that goes away mid-response is not an error of the server.
    let _ = connection.await;
}

/// Accepts connections until `stop` fires; each connection is served on its own task.
pub(crate) async fn run(
    listener: std::net::TcpListener,
    state: Arc<State>,
    mut stop: tokio::sync::oneshot::Receiver<()>,
) {
    let listener =
        tokio::net::TcpListener::from_std(listener).expect("register the listener with tokio");
    loop {
        tokio::select! {
            _ = &mut stop => break,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let _ = stream.set_nodelay(true);
                tokio::spawn(serve_connection(stream, state.clone()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiates_like_the_apiserver() {
        let meta = Some((Form::Meta, "PartialObjectMetadataList", "meta.k8s.io", "v1"));
        assert_eq!(negotiate("", meta), Some(Form::Json));
        assert_eq!(negotiate(META_LIST, meta), Some(Form::Meta));
        assert_eq!(
            negotiate(
                "application/json;v=v1;g=meta.k8s.io;as=PartialObjectMetadataList",
                meta
            ),
            Some(Form::Meta)
        );
        assert_eq!(
            negotiate(
                "application/json;as=Table;v=v1;g=meta.k8s.io,application/json",
                meta
            ),
            Some(Form::Json)
        );
        assert_eq!(negotiate("application/vnd.kubernetes.protobuf", meta), None);
        assert_eq!(negotiate(META_LIST, None), None);
    }

    #[test]
    fn continue_tokens_round_trip_and_reject_garbage() {
        let token = encode_continue(1234, "default/web-1");
        assert!(token
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
        assert_eq!(decode_continue(&token).as_deref(), Ok("default/web-1\u{0}"));
        assert!(decode_continue("!!!").is_err());
        assert!(decode_continue(&super::super::base64_encode(b"{\"v\":\"x\"}", true)).is_err());
    }

    #[test]
    fn decodes_queries() {
        let q = parse_query("a=1&b=x%2By+z&c&d=%zz");
        assert_eq!(q[1], ("b".into(), "x+y z".into()));
        assert_eq!(q[2], ("c".into(), "".into()));
        assert_eq!(q[3], ("d".into(), "%zz".into()));
    }
}
