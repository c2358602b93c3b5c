//! Every endpoint and fault of the test API server, through a raw HTTP/1.1 client.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::kube_api::{workload, Cluster, Fault, Server};
use serde_json::{json, Value};

const META_LIST: &str = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";
const META: &str = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1";
/// What kube 5 sends for aggregated discovery.
const AGGREGATED: &str = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,\
    application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";
const AGGREGATED_TYPE: &str =
    "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

struct Resp {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Resp {
    fn json(&self) -> Value {
        let text = String::from_utf8_lossy(&self.body);
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{e}: {text}"))
    }
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }
}

fn send(server: &Server, method: &str, path: &str, headers: &[(&str, &str)]) -> Resp {
    let addr = server.url.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    req.push_str("Content-Length: 0\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    // One write: several small ones would meet Nagle and delayed ACKs.
    stream.write_all(format!("{req}\r\n").as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8(raw[..split].to_vec()).unwrap();
    let status = head.split(' ').nth(1).unwrap().parse().unwrap();
    Resp {
        status,
        head,
        body: raw[split + 4..].to_vec(),
    }
}

fn get(server: &Server, path: &str) -> Resp {
    send(server, "GET", path, &[])
}

fn get_as(server: &Server, path: &str, accept: &str) -> Resp {
    send(server, "GET", path, &[("Accept", accept)])
}

/// Asserts that every field of `expected` is in `actual` with the same value (recursively).
#[track_caller]
fn assert_has(actual: &Value, expected: Value) {
    fn has(a: &Value, e: &Value) -> bool {
        match (a, e) {
            (Value::Object(a), Value::Object(e)) => {
                e.iter().all(|(k, e)| a.get(k).is_some_and(|a| has(a, e)))
            }
            _ => a == e,
        }
    }
    assert!(
        has(actual, &expected),
        "{actual:#}\ndoes not have\n{expected:#}"
    );
}

/// A `Status` error with `code` and `reason`, as kube-apiserver sends it.
#[track_caller]
fn status_of(resp: &Resp, code: u16, reason: &str) -> Value {
    assert_eq!(resp.status, code, "{}", String::from_utf8_lossy(&resp.body));
    assert_eq!(resp.header("content-type"), Some("application/json"));
    let s = resp.json();
    let expected = json!({"kind": "Status", "apiVersion": "v1", "metadata": {},
        "status": "Failure", "code": code, "reason": reason});
    assert_has(&s, expected);
    s
}

fn deployment(ns: &str, name: &str) -> Value {
    json!({"apiVersion": "apps/v1", "kind": "Deployment",
           "metadata": {"name": name, "namespace": ns}, "spec": {"replicas": 1}})
}

/// Seven deployments over four namespaces, added out of order.
fn seven() -> Cluster {
    let mut c = Cluster::new();
    for (ns, name) in [
        ("b", "z"),
        ("a", "y"),
        ("b", "x"),
        ("a-b", "w"),
        ("a", "v"),
        ("c", "u"),
        ("b", "t"),
    ] {
        c.add(deployment(ns, name));
    }
    c
}

fn names(list: &Value) -> Vec<String> {
    let name = |i: &Value| {
        let m = &i["metadata"];
        format!(
            "{}/{}",
            m["namespace"].as_str().unwrap_or(""),
            m["name"].as_str().unwrap()
        )
    };
    list["items"].as_array().unwrap().iter().map(name).collect()
}

/// Follows `continue` from `first` to the end; returns the names and each page's metadata.
fn pages(server: &Server, first: &str, accept: &str) -> (Vec<String>, Vec<Value>) {
    let (mut all, mut metas, mut path) = (Vec::new(), Vec::new(), first.to_string());
    loop {
        let page = get_as(server, &path, accept).json();
        all.extend(names(&page));
        metas.push(page["metadata"].clone());
        match page["metadata"]["continue"].as_str() {
            Some(token) => path = format!("{first}&continue={token}"),
            None => return (all, metas),
        }
    }
}

fn find(list: &Value, field: &str, key: &str, name: &str) -> Value {
    let items = list[field].as_array().unwrap();
    items
        .iter()
        .find(|r| r[key] == name)
        .cloned()
        .unwrap_or_else(|| panic!("no {name}"))
}

#[test]
fn discovery_documents() {
    let mut c = Cluster::new();
    c.add_resource("example.com", "v1alpha1", "Widget", "widgets", true);
    c.add_resource("example.com", "v1", "Widget", "widgets", true);
    let server = Server::start(c);
    assert_has(
        &get(&server, "/version").json(),
        json!({"major": "1", "gitVersion": "v1.36.0"}),
    );
    let address = server.url.trim_start_matches("http://");
    let api = get(&server, "/api").json();
    assert_has(&api, json!({"kind": "APIVersions", "versions": ["v1"]}));
    assert_eq!(
        api["serverAddressByClientCIDRs"][0]["serverAddress"],
        address
    );

    let core = get(&server, "/api/v1").json();
    assert_has(
        &core,
        json!({"kind": "APIResourceList", "groupVersion": "v1"}),
    );
    assert!(
        core.get("apiVersion").is_none(),
        "the core list has no apiVersion on a real server"
    );
    let rw = [
        "create",
        "delete",
        "deletecollection",
        "get",
        "list",
        "patch",
        "update",
        "watch",
    ];
    let pods = json!({"namespaced": true, "kind": "Pod", "singularName": "pod", "verbs": rw,
        "shortNames": ["po"], "categories": ["all"]});
    assert_has(&find(&core, "resources", "name", "pods"), pods);
    let status = json!({"kind": "Pod", "singularName": "", "verbs": ["get", "patch", "update"]});
    assert_has(&find(&core, "resources", "name", "pods/status"), status);
    assert_has(
        &find(&core, "resources", "name", "nodes"),
        json!({"namespaced": false}),
    );
    assert_has(
        &find(&core, "resources", "name", "bindings"),
        json!({"verbs": ["create"]}),
    );
    let sorted: Vec<&str> = core["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert!(
        sorted.windows(2).all(|w| w[0] < w[1]),
        "resources are sorted by name"
    );

    let apps = get(&server, "/apis/apps/v1").json();
    assert_has(
        &apps,
        json!({"apiVersion": "v1", "groupVersion": "apps/v1"}),
    );
    assert_has(
        &find(&apps, "resources", "name", "deployments"),
        json!({"shortNames": ["deploy"]}),
    );
    let scale = json!({"group": "autoscaling", "version": "v1", "kind": "Scale"});
    assert_has(
        &find(&apps, "resources", "name", "deployments/scale"),
        scale,
    );

    let groups = get(&server, "/apis").json();
    assert_eq!(groups["kind"], "APIGroupList");
    let autoscaling = find(&groups, "groups", "name", "autoscaling");
    let v2 = json!({"groupVersion": "autoscaling/v2", "version": "v2"});
    assert_has(&autoscaling, json!({"preferredVersion": v2}));
    assert_eq!(autoscaling["versions"][1]["groupVersion"], "autoscaling/v1");
    let widgets = find(&groups, "groups", "name", "example.com");
    assert_eq!(
        widgets["preferredVersion"]["version"], "v1",
        "GA before alpha"
    );
    for name in [
        "apps",
        "batch",
        "networking.k8s.io",
        "policy",
        "rbac.authorization.k8s.io",
        "coordination.k8s.io",
        "discovery.k8s.io",
        "apiextensions.k8s.io",
    ] {
        find(&groups, "groups", "name", name);
    }
    assert_eq!(get(&server, "/apis/autoscaling").json()["kind"], "APIGroup");
    let hpa = find(
        &get(&server, "/apis/autoscaling/v1").json(),
        "resources",
        "name",
        "horizontalpodautoscalers",
    );
    assert_eq!(hpa["shortNames"], json!(["hpa"]));
    let alpha = get(&server, "/apis/example.com/v1alpha1").json();
    assert_eq!(
        find(&alpha, "resources", "name", "widgets")["kind"],
        "Widget"
    );
    let crds = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com";
    assert_eq!(
        get(&server, crds).json()["spec"]["versions"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    for path in ["/apis/nope.io/v1", "/apis/apps/v1/nopes", "/"] {
        status_of(&get(&server, path), 404, "NotFound");
    }
}

#[test]
fn aggregated_discovery_when_asked_for() {
    let server = Server::start(Cluster::new());
    let v2beta1 = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,\
        application/json";
    for (path, plain) in [("/apis", "APIGroupList"), ("/api", "APIVersions")] {
        let resp = get_as(&server, path, AGGREGATED);
        assert_eq!(resp.header("content-type"), Some(AGGREGATED_TYPE));
        let expected =
            json!({"kind": "APIGroupDiscoveryList", "apiVersion": "apidiscovery.k8s.io/v2"});
        assert_has(&resp.json(), expected);
        assert_eq!(
            get_as(&server, path, "application/json").json()["kind"],
            plain
        );
        assert_eq!(
            get_as(&server, path, v2beta1).json()["kind"],
            plain,
            "v2beta1 is not served"
        );
    }
    let apis = get_as(&server, "/apis", AGGREGATED).json();
    let group = |name: &str| {
        let items = apis["items"].as_array().unwrap();
        items
            .iter()
            .find(|g| g["metadata"]["name"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(
        group("autoscaling")["versions"][0]["version"],
        "v2",
        "preferred version first"
    );
    let deployments = find(
        &group("apps")["versions"][0],
        "resources",
        "resource",
        "deployments",
    );
    let expected = json!({
        "responseKind": {"group": "apps", "version": "v1", "kind": "Deployment"},
        "scope": "Namespaced", "singularResource": "deployment", "shortNames": ["deploy"],
    });
    assert_has(&deployments, expected);
    let scale =
        json!({"subresource": "scale", "responseKind": {"group": "autoscaling", "kind": "Scale"}});
    assert_has(&deployments["subresources"][0], scale);
    let core = get_as(&server, "/api", AGGREGATED).json();
    assert_eq!(core["items"].as_array().unwrap().len(), 1);
    let nodes = find(
        &core["items"][0]["versions"][0],
        "resources",
        "resource",
        "nodes",
    );
    assert_eq!(nodes["scope"], "Cluster");
    let protobuf = get_as(&server, "/apis", "application/vnd.kubernetes.protobuf");
    status_of(&protobuf, 406, "NotAcceptable");
}

#[test]
fn lists_page_in_key_order_with_continue_tokens() {
    let server = Server::start(seven());
    let all = get(&server, "/apis/apps/v1/deployments").json();
    assert_has(
        &all,
        json!({"kind": "DeploymentList", "apiVersion": "apps/v1"}),
    );
    // etcd orders by the key string "namespace/name": "a-b/" sorts before "a/".
    assert_eq!(
        names(&all),
        ["a-b/w", "a/v", "a/y", "b/t", "b/x", "b/z", "c/u"]
    );
    assert!(all["metadata"].get("continue").is_none());
    let rv = all["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .to_string();
    let item = &all["items"][0];
    assert!(
        item.get("apiVersion").is_none() && item.get("kind").is_none(),
        "items are untyped"
    );
    assert!(
        item["metadata"]["uid"].is_string() && item["metadata"]["creationTimestamp"].is_string()
    );
    let item_rv: u64 = item["metadata"]["resourceVersion"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(item_rv <= rv.parse().unwrap());

    let (seen, metas) = pages(&server, "/apis/apps/v1/deployments?limit=3", "");
    assert_eq!(seen, names(&all));
    let counts: Vec<_> = metas
        .iter()
        .map(|m| m["remainingItemCount"].as_u64())
        .collect();
    assert_eq!(counts, [Some(4), Some(1), None]);
    assert!(
        metas.iter().all(|m| m["resourceVersion"] == rv.as_str()),
        "one RV for the list"
    );

    let (in_b, metas) = pages(
        &server,
        "/apis/apps/v1/namespaces/b/deployments?limit=2",
        "",
    );
    assert_eq!(
        (in_b, metas[0]["remainingItemCount"].as_u64()),
        (vec!["b/t".into(), "b/x".into(), "b/z".into()], Some(1))
    );
    assert_eq!(
        names(&get(&server, "/apis/apps/v1/namespaces/none/deployments").json()),
        [""; 0]
    );

    // A selector hides the count (a real server cannot know it); the selector is recorded.
    let selected = get(
        &server,
        "/apis/apps/v1/deployments?labelSelector=app%3Dweb&limit=2",
    )
    .json();
    assert!(selected["metadata"]["continue"].is_string());
    assert!(selected["metadata"].get("remainingItemCount").is_none());
    let last = server.requests().pop().unwrap();
    assert_eq!(last.param("labelSelector").as_deref(), Some("app=web"));

    let tokens = [
        "%21%21",
        "bm90LWpzb24",
        "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MCwic3RhcnQiOiJ4In0",
    ];
    for bad in tokens {
        let resp = get(
            &server,
            &format!("/apis/apps/v1/deployments?limit=1&continue={bad}"),
        );
        let message = status_of(&resp, 400, "BadRequest")["message"].to_string();
        assert!(
            message.starts_with("\"continue key is not valid"),
            "{message}"
        );
    }
    status_of(
        &get(&server, "/apis/apps/v1/deployments?limit=x"),
        400,
        "BadRequest",
    );
}

#[test]
fn namespaces_and_cluster_scoped_resources() {
    let mut c = seven();
    c.add(
        json!({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n0", "namespace": "x"}}),
    );
    let server = Server::start(c);
    let nodes = get(&server, "/api/v1/nodes").json();
    assert_eq!(nodes["kind"], "NodeList");
    assert_eq!(
        names(&nodes),
        ["/n0"],
        "a cluster-scoped object has no namespace"
    );
    assert_eq!(get(&server, "/api/v1/nodes/n0").json()["kind"], "Node");
    let namespaces = names(&get(&server, "/api/v1/namespaces").json());
    let expected = [
        "/a",
        "/a-b",
        "/b",
        "/c",
        "/default",
        "/kube-node-lease",
        "/kube-public",
        "/kube-system",
    ];
    assert_eq!(namespaces, expected);
    let a = get(&server, "/api/v1/namespaces/a").json();
    assert_has(
        &a,
        json!({"kind": "Namespace", "status": {"phase": "Active"}}),
    );
    status_of(&get(&server, "/api/v1/namespaces/a/nodes"), 404, "NotFound");
    status_of(
        &get(&server, "/apis/apps/v1/deployments/z"),
        404,
        "NotFound",
    );
}

#[test]
fn metadata_only_lists_and_gets() {
    let mut c = Cluster::new();
    for i in 0..3 {
        workload("shop", &format!("web-{i}"), i)
            .into_iter()
            .for_each(|o| c.add(o));
    }
    let server = Server::start(c);
    let resp = get_as(&server, "/api/v1/namespaces/shop/pods?limit=2", META_LIST);
    assert_eq!(resp.header("content-type"), Some(META_LIST));
    let list = resp.json();
    let expected = json!({"kind": "PartialObjectMetadataList", "apiVersion": "meta.k8s.io/v1",
        "metadata": {"remainingItemCount": 1}});
    assert_has(&list, expected);
    let item = &list["items"][0];
    assert_has(
        item,
        json!({"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1"}),
    );
    assert!(item.get("spec").is_none() && item.get("status").is_none());
    let owner = json!({"kind": "ReplicaSet", "controller": true});
    assert_has(&item["metadata"]["ownerReferences"][0], owner);
    assert_eq!(item["metadata"]["managedFields"][2]["manager"], "kubelet");
    assert!(item["metadata"]["labels"]["pod-template-hash"].is_string());
    let (all, _) = pages(&server, "/api/v1/namespaces/shop/pods?limit=2", META_LIST);
    assert_eq!(all.len(), 3);

    let one = get_as(
        &server,
        "/apis/apps/v1/namespaces/shop/deployments/web-1",
        META,
    );
    assert_eq!(one.header("content-type"), Some(META));
    assert_has(
        &one.json(),
        json!({"kind": "PartialObjectMetadata", "metadata": {"name": "web-1"}}),
    );
    // kubectl's Table request falls back to JSON; Table alone is refused.
    let table = "application/json;as=Table;v=v1;g=meta.k8s.io";
    assert_eq!(
        get_as(
            &server,
            "/api/v1/pods",
            &format!("{table},application/json")
        )
        .json()["kind"],
        "PodList"
    );
    status_of(
        &get_as(&server, "/api/v1/pods", table),
        406,
        "NotAcceptable",
    );
}

#[test]
fn get_by_name() {
    let server = Server::start(seven());
    let d = get(&server, "/apis/apps/v1/namespaces/b/deployments/x").json();
    assert_has(
        &d,
        json!({"kind": "Deployment", "apiVersion": "apps/v1", "spec": {"replicas": 1}}),
    );
    let status = get(&server, "/apis/apps/v1/namespaces/b/deployments/x/status").json();
    assert_eq!(status["metadata"]["name"], "x");
    let missing = get(&server, "/apis/apps/v1/namespaces/b/deployments/nope");
    let expected = json!({"message": "deployments.apps \"nope\" not found",
        "details": {"name": "nope", "group": "apps", "kind": "deployments"}});
    assert_has(&status_of(&missing, 404, "NotFound"), expected);
    let missing = status_of(
        &get(&server, "/api/v1/namespaces/b/pods/nope"),
        404,
        "NotFound",
    );
    assert_eq!(missing["details"], json!({"name": "nope", "kind": "pods"}));
    let scale = get(&server, "/apis/apps/v1/namespaces/b/deployments/x/scale");
    status_of(&scale, 404, "NotFound");
}

#[test]
fn only_get_is_served_and_every_request_is_recorded() {
    let server = Server::start(seven());
    for method in ["POST", "PUT", "PATCH", "DELETE", "HEAD"] {
        let resp = send(
            &server,
            method,
            "/apis/apps/v1/namespaces/b/deployments/x",
            &[],
        );
        assert_eq!(resp.status, 405);
        if method != "HEAD" {
            status_of(&resp, 405, "MethodNotAllowed");
        }
    }
    status_of(
        &get(&server, "/apis/apps/v1/deployments?watch=true"),
        405,
        "MethodNotAllowed",
    );
    status_of(
        &get(&server, "/api/v1/pods?watch=1&resourceVersion=0"),
        405,
        "MethodNotAllowed",
    );
    let headers = [
        ("Accept", "application/json"),
        ("User-Agent", "seaworthy/0.1"),
    ];
    send(&server, "GET", "/api/v1/pods?limit=5", &headers);
    let log = server.requests();
    let methods: Vec<&str> = log.iter().map(|r| r.method.as_str()).collect();
    assert_eq!(
        methods,
        ["POST", "PUT", "PATCH", "DELETE", "HEAD", "GET", "GET", "GET"]
    );
    assert!(log[..7].iter().all(|r| r.status == 405));
    let last = log.last().unwrap();
    assert_eq!(
        (last.path.as_str(), last.query.as_str(), last.status),
        ("/api/v1/pods", "limit=5", 200)
    );
    assert_eq!(
        (last.accept.as_str(), last.user_agent.as_str()),
        ("application/json", "seaworthy/0.1")
    );
    assert!(last.authorized);
    server.clear_requests();
    assert!(server.requests().is_empty());
}

#[test]
fn bearer_token_is_required_when_set() {
    let mut c = seven();
    c.require_token("s3cret");
    let server = Server::start(c);
    status_of(&get(&server, "/api"), 401, "Unauthorized");
    let wrong = send(&server, "GET", "/api", &[("Authorization", "Bearer wrong")]);
    status_of(&wrong, 401, "Unauthorized");
    assert_eq!(
        send(
            &server,
            "GET",
            "/api",
            &[("Authorization", "Bearer s3cret")]
        )
        .status,
        200
    );
    let log: Vec<_> = server
        .requests()
        .iter()
        .map(|r| (r.status, r.authorized))
        .collect();
    assert_eq!(log, [(401, false), (401, false), (200, true)]);
}

#[test]
fn too_many_requests_then_success() {
    let mut c = seven();
    let resource = "deployments".to_string();
    c.fault(Fault::TooManyRequests {
        resource,
        times: Some(2),
        retry_after_secs: 3,
    });
    let server = Server::start(c);
    for _ in 0..2 {
        let resp = get(&server, "/apis/apps/v1/deployments");
        assert_eq!(resp.header("retry-after"), Some("3"));
        let status = status_of(&resp, 429, "TooManyRequests");
        assert_eq!(status["details"], json!({"retryAfterSeconds": 3}));
    }
    assert_eq!(get(&server, "/apis/apps/v1/deployments").status, 200);
    assert_eq!(
        get(&server, "/api/v1/pods").status,
        200,
        "other resources are unaffected"
    );
}

#[test]
fn server_errors() {
    let mut c = seven();
    let error = |resource: &str, status, times| Fault::ServerError {
        resource: resource.into(),
        status,
        times,
    };
    c.fault(error("deployments", 503, Some(1)));
    c.fault(error("pods", 500, None));
    c.fault(error("/apis/apps/v1", 503, Some(1)));
    let server = Server::start(c);
    let unavailable = get(&server, "/apis/apps/v1/namespaces/a/deployments");
    let message = "the server is currently unable to handle the request";
    assert_eq!(
        status_of(&unavailable, 503, "ServiceUnavailable")["message"],
        message
    );
    assert_eq!(
        get(&server, "/apis/apps/v1/namespaces/a/deployments").status,
        200
    );
    for _ in 0..3 {
        let internal = status_of(&get(&server, "/api/v1/pods"), 500, "InternalError");
        assert!(internal["message"]
            .as_str()
            .unwrap()
            .starts_with("Internal error occurred"));
    }
    // A path scope reaches discovery: a group version that is down, as a broken aggregated API.
    status_of(&get(&server, "/apis/apps/v1"), 503, "ServiceUnavailable");
    assert_eq!(get(&server, "/apis/apps/v1").status, 200);
}

#[test]
fn expired_continue_only_hits_continued_requests() {
    let mut c = seven();
    c.fault(Fault::ExpiredContinue {
        resource: "deployments".into(),
        times: Some(1),
    });
    let server = Server::start(c);
    let first = get(&server, "/apis/apps/v1/deployments?limit=3").json();
    let token = first["metadata"]["continue"].as_str().unwrap();
    let next = format!("/apis/apps/v1/deployments?limit=3&continue={token}");
    let expired = status_of(&get(&server, &next), 410, "Expired");
    let message = expired["message"].as_str().unwrap();
    assert!(message.starts_with("The provided continue parameter is too old"));
    assert_eq!(names(&get(&server, &next).json()), ["b/t", "b/x", "b/z"]);
}

#[test]
fn forbidden_and_removed_resources() {
    let mut c = seven();
    c.add_resource("example.com", "v1", "Widget", "widgets", true);
    c.fault(Fault::Forbidden {
        resource: "secrets".into(),
    });
    c.fault(Fault::NotFound {
        resource: "widgets".into(),
    });
    let server = Server::start(c);
    let s = status_of(&get(&server, "/api/v1/secrets"), 403, "Forbidden");
    let message =
        "secrets is forbidden: User \"system:serviceaccount:default:reader\" cannot list \
        resource \"secrets\" in API group \"\" at the cluster scope";
    assert_has(
        &s,
        json!({"message": message, "details": {"kind": "secrets"}}),
    );
    let s = status_of(
        &get(&server, "/api/v1/namespaces/a/secrets/tls"),
        403,
        "Forbidden",
    );
    let message = s["message"].as_str().unwrap();
    assert!(message
        .contains("cannot get resource \"secrets\" in API group \"\" in the namespace \"a\""));
    status_of(&get(&server, "/api/v1/secrets"), 403, "Forbidden");

    let apis = get(&server, "/apis/example.com/v1").json();
    assert_eq!(
        apis["resources"][0]["name"], "widgets",
        "still in discovery"
    );
    let gone = status_of(
        &get(&server, "/apis/example.com/v1/widgets"),
        404,
        "NotFound",
    );
    assert_eq!(
        gone["message"],
        "the server could not find the requested resource"
    );
}

#[test]
fn slow_responses_arrive_after_the_delay() {
    let mut c = seven();
    let delay = Duration::from_millis(400);
    c.fault(Fault::Slow {
        resource: "deployments".into(),
        delay,
        times: Some(1),
    });
    let server = Server::start(c);
    let t = Instant::now();
    assert_eq!(get(&server, "/apis/apps/v1/deployments").status, 200);
    assert!(t.elapsed() >= delay);
    let t = Instant::now();
    assert_eq!(get(&server, "/apis/apps/v1/deployments").status, 200);
    assert!(t.elapsed() < Duration::from_millis(300));

    // A client that gives up is still recorded; the server stays usable and drops quickly.
    let mut c = seven();
    let delay = Duration::from_secs(30);
    c.fault(Fault::Slow {
        resource: "pods".into(),
        delay,
        times: None,
    });
    let server = Server::start(c);
    let mut stream = TcpStream::connect(server.url.trim_start_matches("http://")).unwrap();
    stream
        .write_all(b"GET /api/v1/pods HTTP/1.1\r\nHost: x\r\n\r\n")
        .unwrap();
    stream
        .set_read_timeout(Some(Duration::from_millis(200)))
        .unwrap();
    assert!(
        stream.read(&mut [0; 16]).is_err(),
        "no answer within the client's timeout"
    );
    drop(stream);
    assert_eq!(get(&server, "/version").status, 200);
    assert_eq!(server.requests()[0].path, "/api/v1/pods");
    let t = Instant::now();
    drop(server);
    assert!(
        t.elapsed() < Duration::from_secs(5),
        "drop does not wait for slow responses"
    );
}

#[test]
fn page_size_caps_pages() {
    let mut c = seven();
    c.fault(Fault::PageSize {
        resource: "deployments".into(),
        max: 2,
    });
    let server = Server::start(c);
    let (all, metas) = pages(&server, "/apis/apps/v1/deployments?limit=500", "");
    assert_eq!((all.len(), metas.len()), (7, 4));
}

#[test]
fn workloads_are_consistent_and_varied() {
    let mut c = Cluster::new();
    let (mut no_probes, mut no_limits, mut latest) = (0, 0, 0);
    for i in 0..12 {
        let objects = workload("shop", &format!("app-{i}"), i);
        let kinds: Vec<&str> = objects
            .iter()
            .map(|o| o["kind"].as_str().unwrap())
            .collect();
        assert_eq!(
            kinds,
            ["Deployment", "ReplicaSet", "Pod", "Service", "ConfigMap"]
        );
        let (d, rs, pod) = (&objects[0], &objects[1], &objects[2]);
        assert_eq!(
            rs["metadata"]["ownerReferences"][0]["uid"],
            d["metadata"]["uid"]
        );
        let owner = json!({"uid": rs["metadata"]["uid"], "controller": true});
        assert_has(&pod["metadata"]["ownerReferences"][0], owner);
        let managers: Vec<_> = d["metadata"]["managedFields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| (m["manager"].as_str().unwrap(), m["subresource"].as_str()))
            .collect();
        assert_eq!(
            managers,
            [
                ("kubectl-client-side-apply", None),
                ("kube-controller-manager", Some("status"))
            ]
        );
        let fields =
            &d["metadata"]["managedFields"][0]["fieldsV1"]["f:spec"]["f:template"]["f:spec"];
        let container = &fields["f:containers"][format!("k:{{\"name\":\"app-{i}\"}}")];
        assert_eq!(container["."], json!({}));
        assert!(
            container["f:ports"]["k:{\"containerPort\":8080,\"protocol\":\"TCP\"}"].is_object()
        );
        assert_eq!(pod["spec"]["enableServiceLinks"], true);
        assert!(pod["spec"]["volumes"][1]["name"]
            .as_str()
            .unwrap()
            .starts_with("kube-api-access-"));
        let c0 = &d["spec"]["template"]["spec"]["containers"][0];
        no_probes += c0.get("readinessProbe").is_none() as usize;
        no_limits += c0["resources"].get("limits").is_none() as usize;
        let tag = c0["image"]
            .as_str()
            .unwrap()
            .rsplit('/')
            .next()
            .unwrap()
            .split_once(':');
        latest += matches!(tag, None | Some((_, "latest"))) as usize;
        objects.into_iter().for_each(|o| c.add(o));
    }
    assert!(no_probes > 0 && no_limits > 0 && latest > 0);
    let server = Server::start(c);
    let list = get(&server, "/apis/apps/v1/namespaces/shop/replicasets").json();
    assert_eq!(list["items"].as_array().unwrap().len(), 12);
    let cm = get(&server, "/api/v1/namespaces/shop/configmaps/app-3-config").json();
    assert_eq!(cm["kind"], "ConfigMap");
}

#[test]
#[should_panic(expected = "is not served")]
fn adding_an_unknown_kind_is_a_test_bug() {
    let widget =
        json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}});
    Cluster::new().add(widget);
}
