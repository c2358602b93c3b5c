//! The live reader end to end, against the loopback Kubernetes API test server: paging, retries,
//! expired continue tokens, forbidden and removed kinds, timeouts, owners, Secrets, credentials.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::kube_api::{workload, Cluster, Fault, Server};
use seaworthy::live::{self, Event, KindWanted, LiveError, Options, Snapshot, Trace};
use serde_json::json;

const TOKEN: &str = "e2e-canary-token-7f3a9c";

fn kubeconfig(server: &Server, name: &str, namespace: Option<&str>, token: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("live-e2e-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let path = dir.join("config");
    server.write_kubeconfig(&path, "e2e", namespace, token);
    path
}

fn kinds(list: &[(&str, &str)]) -> Vec<KindWanted> {
    list.iter().map(|(g, k)| KindWanted::new(g, k)).collect()
}

fn options(path: PathBuf, wanted: &[(&str, &str)]) -> Options {
    Options {
        kubeconfig: Some(path),
        kinds: kinds(wanted),
        request_timeout: Duration::from_secs(5),
        overall_timeout: Duration::from_secs(60),
        ..Options::default()
    }
}

fn read(options: &Options) -> (Result<Snapshot, LiveError>, Vec<Trace>) {
    let mut traces = Vec::new();
    let result = live::read(options, &mut |t: &Trace| traces.push(t.clone()));
    (result, traces)
}

fn snapshot(options: &Options) -> (Snapshot, Vec<Trace>) {
    let (result, traces) = read(options);
    match result {
        Ok(s) => (s, traces),
        Err(e) => panic!("read failed: {e}\n{e:?}"),
    }
}

fn shop() -> Cluster {
    let mut c = Cluster::new();
    for (ns, i) in [("shop", 0), ("shop", 1), ("shop", 2), ("web", 3)] {
        for object in workload(ns, &format!("app-{i}"), i) {
            c.add(object);
        }
    }
    c.require_token(TOKEN);
    c
}

fn configmaps(c: &mut Cluster, namespace: &str, n: usize) {
    for i in 0..n {
        c.add(json!({"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": format!("cm-{i:03}"), "namespace": namespace}, "data": {"i": i.to_string()}}));
    }
}

fn lists_of<'a>(
    server_requests: &'a [crate::kube_api::Request],
    plural: &str,
) -> Vec<&'a crate::kube_api::Request> {
    server_requests
        .iter()
        .filter(|r| r.path.ends_with(&format!("/{plural}")))
        .collect()
}

#[test]
fn reads_top_level_objects_with_gets_only() {
    let server = Server::start(shop());
    let path = kubeconfig(&server, "basic", Some("shop"), TOKEN);
    let wanted = [
        ("apps", "Deployment"),
        ("apps", "ReplicaSet"),
        ("", "Pod"),
        ("", "Service"),
        ("", "ConfigMap"),
    ];
    let (snap, traces) = snapshot(&options(path, &wanted));

    assert_eq!(snap.context, "e2e");
    assert_eq!(snap.cluster_server, server.url);
    assert_eq!(snap.default_namespace, "shop");
    assert!(!snap.incomplete, "{:?}", snap.notes);
    assert!(snap.notes.is_empty(), "{:?}", snap.notes);
    // Three workloads in `shop`: their Deployments, Services and ConfigMaps; the ReplicaSets and
    // Pods are controlled by them.
    let kinds: Vec<(&str, &str)> = snap
        .objects
        .iter()
        .map(|o| (o.kind.as_str(), o.name.as_str()))
        .collect();
    assert_eq!(snap.objects.len(), 9, "{kinds:?}");
    assert_eq!(snap.skipped_owned, 6);
    assert!(snap
        .objects
        .iter()
        .all(|o| o.namespace.as_deref() == Some("shop")));
    let mut sorted = snap.objects.clone();
    sorted.sort_by(|a, b| (&a.kind, &a.namespace, &a.name).cmp(&(&b.kind, &b.namespace, &b.name)));
    assert_eq!(sorted, snap.objects, "stable order");
    for o in &snap.objects {
        assert_eq!(o.raw["apiVersion"], o.api_version.as_str());
        assert_eq!(o.raw["kind"], o.kind.as_str());
        assert!(
            o.raw["metadata"]["managedFields"].is_array(),
            "served as is"
        );
    }

    let seen = server.requests();
    assert!(seen.iter().all(|r| r.method == "GET"), "only GETs");
    assert!(seen.iter().all(|r| r.user_agent.starts_with("seaworthy/")));
    assert!(seen.iter().all(|r| r.authorized));
    assert_eq!(seen.len(), snap.requests.len(), "every request recorded");
    assert!(snap
        .requests
        .iter()
        .all(|r| r.method == "GET" && r.status == Some(200) && r.attempt == 1));
    // Discovery is aggregated: two requests, then one list per kind in the namespace.
    assert_eq!(seen[0].path, "/api");
    assert!(
        seen.iter()
            .filter(|r| r.path.starts_with("/apis/apps/v1/namespaces/shop/"))
            .count()
            == 2
    );
    assert!(traces.iter().any(|t| matches!(
        t,
        Trace::Discovery {
            aggregated: true,
            ..
        }
    )));
    assert!(matches!(traces.first(), Some(Trace::Config { .. })));
}

#[test]
fn short_pages_are_followed_to_the_end() {
    let mut c = Cluster::new();
    configmaps(&mut c, "prod", 23);
    c.fault(Fault::PageSize {
        resource: "configmaps".into(),
        max: 4,
    });
    let server = Server::start(c);
    let path = kubeconfig(&server, "pages", Some("prod"), "");
    let mut opts = options(path, &[("", "ConfigMap")]);
    opts.page_size = 10;
    let (snap, traces) = snapshot(&opts);
    assert_eq!(snap.objects.len(), 23);
    let names: Vec<&str> = snap.objects.iter().map(|o| o.name.as_str()).collect();
    let mut unique = names.clone();
    unique.dedup();
    assert_eq!(unique.len(), 23, "no duplicates");
    let seen = server.requests();
    let lists = lists_of(&seen, "configmaps");
    assert_eq!(lists.len(), 6, "ceil(23 / 4) pages");
    assert!(lists
        .iter()
        .all(|r| r.param("limit").as_deref() == Some("10")));
    assert!(lists[0].param("continue").is_none());
    assert!(lists[1..].iter().all(|r| r.param("continue").is_some()));
    let pages = traces
        .iter()
        .filter(|t| matches!(t, Trace::Page { .. }))
        .count();
    assert_eq!(pages, 6);
}

#[test]
fn too_many_requests_waits_as_told() {
    let mut c = shop();
    c.fault(Fault::TooManyRequests {
        resource: "deployments".into(),
        times: Some(2),
        retry_after_secs: 1,
    });
    let server = Server::start(c);
    let path = kubeconfig(&server, "429", Some("shop"), TOKEN);
    let started = Instant::now();
    let (snap, traces) = snapshot(&options(path, &[("apps", "Deployment")]));
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "waited the Retry-After twice"
    );
    assert!(!snap.incomplete);
    assert_eq!(snap.objects.len(), 3);
    let statuses: Vec<(Option<u16>, u32)> = snap
        .requests
        .iter()
        .filter(|r| r.path.contains("deployments"))
        .map(|r| (r.status, r.attempt))
        .collect();
    assert_eq!(statuses, [(Some(429), 1), (Some(429), 2), (Some(200), 3)]);
    let waits: Vec<Duration> = traces
        .iter()
        .filter_map(|t| {
            if let Trace::Retry { after, .. } = t {
                Some(*after)
            } else {
                None
            }
        })
        .collect();
    assert_eq!(waits.len(), 2);
    assert!(
        waits
            .iter()
            .all(|w| *w >= Duration::from_secs(1) && *w <= Duration::from_millis(1200)),
        "{waits:?}"
    );
}

#[test]
fn server_errors_are_retried_then_noted() {
    let mut c = shop();
    c.fault(Fault::ServerError {
        resource: "services".into(),
        status: 503,
        times: Some(2),
    });
    c.fault(Fault::ServerError {
        resource: "configmaps".into(),
        status: 500,
        times: None,
    });
    let server = Server::start(c);
    let path = kubeconfig(&server, "5xx", Some("shop"), TOKEN);
    let mut opts = options(
        path,
        &[("", "Service"), ("", "ConfigMap"), ("apps", "Deployment")],
    );
    opts.max_retries = 2;
    let (snap, _) = snapshot(&opts);
    assert!(snap.incomplete);
    assert_eq!(
        snap.objects.iter().filter(|o| o.kind == "Service").count(),
        3,
        "503 twice, then read"
    );
    assert_eq!(
        snap.objects
            .iter()
            .filter(|o| o.kind == "Deployment")
            .count(),
        3
    );
    assert_eq!(
        snap.objects
            .iter()
            .filter(|o| o.kind == "ConfigMap")
            .count(),
        0
    );
    assert_eq!(snap.notes.len(), 1, "{:?}", snap.notes);
    let note = &snap.notes[0];
    assert_eq!(
        (note.kind.as_str(), note.namespace.as_deref()),
        ("ConfigMap", Some("shop"))
    );
    assert!(
        note.message.contains("gave up after 3 attempts") && note.message.contains("500"),
        "{}",
        note.message
    );
    let attempts = lists_of(&server.requests(), "configmaps").len();
    assert_eq!(attempts, 3, "1 + max_retries");
}

#[test]
fn expired_continue_restarts_the_list_without_duplicates() {
    let mut c = Cluster::new();
    configmaps(&mut c, "prod", 10);
    c.fault(Fault::PageSize {
        resource: "configmaps".into(),
        max: 3,
    });
    c.fault(Fault::ExpiredContinue {
        resource: "configmaps".into(),
        times: Some(1),
    });
    let server = Server::start(c);
    let path = kubeconfig(&server, "410", Some("prod"), "");
    let (snap, traces) = snapshot(&options(path, &[("", "ConfigMap")]));
    assert!(!snap.incomplete, "{:?}", snap.notes);
    assert_eq!(snap.objects.len(), 10);
    assert!(traces
        .iter()
        .any(|t| matches!(t, Trace::Restart { restart: 1, .. })));
    let lists = lists_of(&server.requests(), "configmaps")
        .into_iter()
        .map(|r| r.status)
        .collect::<Vec<_>>();
    // Page 1, page 2 → 410, then four pages from the start.
    assert_eq!(lists, [200, 410, 200, 200, 200, 200]);
}

#[test]
fn a_token_that_keeps_expiring_gives_up() {
    let mut c = Cluster::new();
    configmaps(&mut c, "prod", 10);
    c.fault(Fault::PageSize {
        resource: "configmaps".into(),
        max: 3,
    });
    c.fault(Fault::ExpiredContinue {
        resource: "configmaps".into(),
        times: None,
    });
    let server = Server::start(c);
    let path = kubeconfig(&server, "410-always", Some("prod"), "");
    let (snap, _) = snapshot(&options(path, &[("", "ConfigMap")]));
    assert!(snap.incomplete);
    assert_eq!(
        snap.objects.len(),
        3,
        "only the last attempt's first page, once"
    );
    assert!(snap.notes[0].message.contains("410"), "{:?}", snap.notes);
    assert_eq!(
        lists_of(&server.requests(), "configmaps").len(),
        8,
        "4 tries of 2 requests"
    );
}

#[test]
fn forbidden_and_removed_kinds_become_notes() {
    let mut c = shop();
    c.fault(Fault::Forbidden {
        resource: "services".into(),
    });
    c.fault(Fault::NotFound {
        resource: "configmaps".into(),
    });
    let server = Server::start(c);
    let path = kubeconfig(&server, "403", Some("shop"), TOKEN);
    let wanted = [
        ("", "Service"),
        ("", "ConfigMap"),
        ("apps", "Deployment"),
        ("example.com", "Widget"),
    ];
    let (snap, _) = snapshot(&options(path, &wanted));
    assert!(snap.incomplete);
    assert_eq!(snap.objects.len(), 3);
    let notes: Vec<(&str, &str)> = snap
        .notes
        .iter()
        .map(|n| (n.kind.as_str(), n.message.as_str()))
        .collect();
    assert_eq!(notes.len(), 3, "{notes:?}");
    assert!(
        notes
            .iter()
            .any(|(k, m)| *k == "ConfigMap" && m.contains("404")),
        "{notes:?}"
    );
    assert!(
        notes
            .iter()
            .any(|(k, m)| *k == "Service" && m.contains("403")),
        "{notes:?}"
    );
    assert!(
        notes
            .iter()
            .any(|(k, m)| *k == "Widget" && m.contains("not served")),
        "{notes:?}"
    );
}

#[test]
fn a_kind_the_cluster_does_not_serve_is_not_incomplete() {
    let server = Server::start(shop());
    let path = kubeconfig(&server, "not-served", Some("shop"), TOKEN);
    let (snap, _) = snapshot(&options(
        path,
        &[("example.com", "Widget"), ("apps", "Deployment")],
    ));
    assert!(!snap.incomplete);
    assert_eq!(snap.notes.len(), 1);
}

#[test]
fn a_slow_answer_times_out_and_is_retried() {
    let mut c = shop();
    c.fault(Fault::Slow {
        resource: "services".into(),
        delay: Duration::from_secs(3),
        times: Some(1),
    });
    let server = Server::start(c);
    let path = kubeconfig(&server, "slow", Some("shop"), TOKEN);
    let mut opts = options(path, &[("", "Service")]);
    opts.request_timeout = Duration::from_millis(700);
    let (snap, _) = snapshot(&opts);
    assert!(!snap.incomplete, "{:?}", snap.notes);
    assert_eq!(snap.objects.len(), 3);
    let services: Vec<_> = snap
        .requests
        .iter()
        .filter(|r| r.path.contains("services"))
        .collect();
    assert_eq!(services.len(), 2);
    assert_eq!(services[0].status, None);
    assert!(
        services[0].duration < Duration::from_secs(2),
        "the request timeout cut it"
    );
    assert!(services[0]
        .error
        .as_deref()
        .unwrap_or("")
        .contains("no answer"));
    assert_eq!(services[1].status, Some(200));
}

#[test]
fn the_overall_timeout_keeps_what_was_read() {
    let mut c = shop();
    c.fault(Fault::Slow {
        resource: "services".into(),
        delay: Duration::from_secs(5),
        times: None,
    });
    let server = Server::start(c);
    let path = kubeconfig(&server, "overall", Some("shop"), TOKEN);
    let mut opts = options(path, &[("apps", "Deployment"), ("", "Service")]);
    opts.overall_timeout = Duration::from_millis(1500);
    let started = Instant::now();
    let (snap, _) = snapshot(&opts);
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "{:?}",
        started.elapsed()
    );
    assert!(snap.incomplete);
    assert_eq!(
        snap.objects.len(),
        3,
        "the Deployments read before the timeout are kept"
    );
    assert_eq!(snap.notes.len(), 1);
    assert!(
        snap.notes[0].message.contains("overall timeout"),
        "{:?}",
        snap.notes
    );
}

#[test]
fn lists_in_flight_are_bounded() {
    let mut c = shop();
    let plurals = [
        "deployments",
        "replicasets",
        "pods",
        "services",
        "configmaps",
        "serviceaccounts",
        "statefulsets",
        "daemonsets",
    ];
    for plural in plurals {
        c.fault(Fault::Slow {
            resource: plural.into(),
            delay: Duration::from_millis(400),
            times: None,
        });
    }
    let server = Server::start(c);
    let path = kubeconfig(&server, "bounded", Some("shop"), TOKEN);
    let wanted = [
        ("apps", "Deployment"),
        ("apps", "ReplicaSet"),
        ("", "Pod"),
        ("", "Service"),
        ("", "ConfigMap"),
        ("", "ServiceAccount"),
        ("apps", "StatefulSet"),
        ("apps", "DaemonSet"),
    ];
    let mut opts = options(path, &wanted);
    opts.concurrency = 2;
    let started = Instant::now();
    let (snap, _) = snapshot(&opts);
    assert!(!snap.incomplete, "{:?}", snap.notes);
    // Eight lists of 400 ms, two at a time: at least four rounds.
    assert!(
        started.elapsed() >= Duration::from_millis(1600),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn secrets_are_not_requested_without_the_flag_and_masked_with_it() {
    let mut c = shop();
    c.add(json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db", "namespace": "shop",
        "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{\"data\":{\"password\":\"c2VjcmV0LWNhbmFyeQ==\"}}"}},
        "data": {"password": "c2VjcmV0LWNhbmFyeQ=="}, "stringData": {"x": "secret-canary"}, "type": "Opaque"}));
    let server = Server::start(c);
    let path = kubeconfig(&server, "secrets", Some("shop"), TOKEN);
    let mut opts = options(path, &[("", "Secret"), ("apps", "Deployment")]);

    let (snap, _) = snapshot(&opts);
    assert!(
        server
            .requests()
            .iter()
            .all(|r| !r.path.contains("secrets")),
        "Secrets not requested"
    );
    assert!(!snap.incomplete);
    assert!(
        snap.notes.iter().any(|n| n.kind == "Secret"),
        "{:?}",
        snap.notes
    );
    assert!(snap.objects.iter().all(|o| o.kind != "Secret"));

    opts.include_secrets = true;
    let (snap, traces) = snapshot(&opts);
    let secret = snap
        .objects
        .iter()
        .find(|o| o.kind == "Secret")
        .unwrap_or_else(|| panic!("no Secret read"));
    assert_eq!(secret.raw["data"]["password"], live::MASK);
    let everything = format!("{snap:?} {traces:?} {}", live::to_yaml(&secret.raw));
    assert!(!everything.contains("c2VjcmV0LWNhbmFyeQ") && !everything.contains("secret-canary"));
}

#[test]
fn all_namespaces_lists_cluster_wide() {
    let server = Server::start(shop());
    let path = kubeconfig(&server, "all", Some("shop"), TOKEN);
    let mut opts = options(path, &[("apps", "Deployment"), ("", "Namespace")]);
    opts.all_namespaces = true;
    let (snap, _) = snapshot(&opts);
    let deployments: Vec<&str> = snap
        .objects
        .iter()
        .filter(|o| o.kind == "Deployment")
        .filter_map(|o| o.namespace.as_deref())
        .collect();
    assert_eq!(deployments, ["shop", "shop", "shop", "web"]);
    assert!(
        snap.objects
            .iter()
            .filter(|o| o.kind == "Namespace")
            .count()
            >= 5
    );
    assert!(server
        .requests()
        .iter()
        .any(|r| r.path == "/apis/apps/v1/deployments"));
}

#[test]
fn a_chosen_namespace_reads_only_that_namespace_object() {
    let server = Server::start(shop());
    let path = kubeconfig(&server, "one-ns", Some("shop"), TOKEN);
    let mut opts = options(path, &[("", "Namespace"), ("apps", "Deployment")]);
    opts.namespace = Some("web".into());
    let (snap, _) = snapshot(&opts);
    let names: Vec<(&str, &str)> = snap
        .objects
        .iter()
        .map(|o| (o.kind.as_str(), o.name.as_str()))
        .collect();
    assert_eq!(names, [("Deployment", "app-3"), ("Namespace", "web")]);
}

#[test]
fn metadata_only_kinds_are_asked_as_metadata() {
    let server = Server::start(shop());
    let path = kubeconfig(&server, "meta", Some("shop"), TOKEN);
    let mut opts = options(path, &[]);
    opts.kinds = vec![KindWanted {
        group: "".into(),
        kind: "ConfigMap".into(),
        metadata_only: true,
    }];
    let (snap, _) = snapshot(&opts);
    assert_eq!(snap.objects.len(), 3);
    for o in &snap.objects {
        assert_eq!(
            (o.api_version.as_str(), o.kind.as_str()),
            ("v1", "ConfigMap")
        );
        let keys: Vec<&String> = o
            .raw
            .as_object()
            .map(|m| m.keys().collect())
            .unwrap_or_default();
        assert_eq!(keys, ["apiVersion", "kind", "metadata"]);
    }
    let list = lists_of(&server.requests(), "configmaps")[0].accept.clone();
    assert!(list.contains("as=PartialObjectMetadataList"), "{list}");
}

#[test]
fn a_rejected_token_is_a_clear_error_without_the_token() {
    let server = Server::start(shop());
    let path = kubeconfig(&server, "401", Some("shop"), "wrong-canary-token-1234");
    let (result, traces) = read(&options(path, &[("apps", "Deployment")]));
    let e = result.err().unwrap_or_else(|| panic!("expected 401"));
    assert!(matches!(e, LiveError::Unauthorized { .. }), "{e:?}");
    let shown = format!("{e} {e:?} {traces:?}");
    assert!(
        shown.contains("e2e") && shown.contains(&server.url),
        "{shown}"
    );
    assert!(!shown.contains("canary"), "{shown}");
}

#[test]
fn an_unreachable_server_is_reported_quickly() {
    let server = Server::start(shop());
    let path = kubeconfig(&server, "unreachable", Some("shop"), TOKEN);
    // Point the kubeconfig at a port nothing listens on.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr());
    let dead = dead
        .map(|a| format!("http://{a}"))
        .unwrap_or_else(|_| "http://127.0.0.1:9".into());
    let text = std::fs::read_to_string(&path)
        .unwrap_or_default()
        .replace(&server.url, &dead);
    let _ = std::fs::write(&path, text);
    let started = Instant::now();
    let (result, _) = read(&options(path, &[("apps", "Deployment")]));
    let e = result.err().unwrap_or_else(|| panic!("expected an error"));
    assert!(matches!(e, LiveError::Unreachable { .. }), "{e:?}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    let shown = format!("{e} {e:?}");
    assert!(shown.contains(&dead) && !shown.contains(TOKEN), "{shown}");
}

#[test]
fn the_reading_hands_over_objects_as_lists_finish() {
    let server = Server::start(shop());
    let path = kubeconfig(&server, "stream", Some("shop"), TOKEN);
    let opts = options(path, &[("apps", "Deployment"), ("", "Service")]);
    let reading = live::start(&opts).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(reading.context(), "e2e");
    let mut batches = 0;
    let mut finished = 0;
    for event in reading {
        match event {
            Event::Objects(objects) => {
                batches += 1;
                assert_eq!(objects.len(), 3);
            }
            Event::Finished(result) => {
                finished += 1;
                let summary = result.unwrap_or_else(|e| panic!("{e}"));
                assert!(!summary.incomplete);
            }
            Event::Trace(_) => {}
        }
    }
    assert_eq!((batches, finished), (2, 1));
}

#[test]
fn dropping_the_reading_stops_it() {
    let mut c = shop();
    c.fault(Fault::Slow {
        resource: "services".into(),
        delay: Duration::from_secs(3),
        times: None,
    });
    let server = Server::start(c);
    let path = kubeconfig(&server, "drop", Some("shop"), TOKEN);
    let opts = options(path, &[("", "Service")]);
    let mut reading = live::start(&opts).unwrap_or_else(|e| panic!("{e}"));
    let _ = reading.next();
    let started = Instant::now();
    drop(reading);
    assert!(started.elapsed() < Duration::from_millis(500));
    std::thread::sleep(Duration::from_millis(300));
    // No retry of the abandoned list was started.
    assert!(lists_of(&server.requests(), "services").len() <= 1);
}

#[test]
fn a_kind_asked_twice_is_listed_once_in_full() {
    let server = Server::start(shop());
    let path = kubeconfig(&server, "twice", Some("shop"), TOKEN);
    let mut opts = options(path, &[("", "ConfigMap")]);
    opts.kinds.push(KindWanted {
        group: "".into(),
        kind: "ConfigMap".into(),
        metadata_only: true,
    });
    let (snap, _) = snapshot(&opts);
    assert_eq!(snap.objects.len(), 3);
    assert!(snap.objects.iter().all(|o| o.raw.get("data").is_some()));
    assert_eq!(lists_of(&server.requests(), "configmaps").len(), 1);
}
