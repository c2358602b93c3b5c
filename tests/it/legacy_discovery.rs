//! The reader against a server without aggregated discovery, answering with discovery
//! documents and lists in the shapes a real server sends (fixtures/live): the per-group
//! discovery path, end to end.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use seaworthy::live::{self, KindWanted, Options, Trace};

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/live");

fn file(path: &str) -> String {
    std::fs::read_to_string(format!("{FIXTURES}/{path}"))
        .unwrap_or_else(|e| panic!("fixtures/live/{path}: {e}"))
}

/// Answers GETs from `routes` (path without query → body), 404 otherwise; at most 50 connections.
fn serve(routes: Vec<(&'static str, String)>) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
    let url = format!(
        "http://{}",
        listener.local_addr().unwrap_or_else(|e| panic!("{e}"))
    );
    let log = Arc::new(Mutex::new(Vec::new()));
    let seen = log.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(50).flatten() {
            let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
            let mut reader = BufReader::new(&stream);
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            loop {
                let mut header = String::new();
                match reader.read_line(&mut header) {
                    Ok(n) if n > 2 => {}
                    _ => break,
                }
            }
            let target = line.split_whitespace().nth(1).unwrap_or("").to_string();
            if let Ok(mut log) = seen.lock() {
                log.push(format!(
                    "{} {target}",
                    line.split_whitespace().next().unwrap_or("")
                ));
            }
            let path = target.split('?').next().unwrap_or("");
            let (status, body) = match routes.iter().find(|(p, _)| *p == path) {
                Some((_, body)) => ("200 OK", body.clone()),
                None => (
                    "404 Not Found",
                    r#"{"kind":"Status","code":404,"message":"not found"}"#.to_string(),
                ),
            };
            let response = format!(
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let mut stream = &stream;
            let _ = stream.write_all(response.as_bytes());
        }
    });
    (url, log)
}

#[test]
fn plain_discovery_documents_of_a_real_cluster() {
    let (api, core, apps, groups, deployments, pods) = (
        file("api.json"),
        file("api-v1.json"),
        file("apis-apps-v1.json"),
        file("apis.json"),
        file("deployment-list.json"),
        file("pod-list.json"),
    );
    let (url, log) = serve(vec![
        ("/api", api),
        ("/api/v1", core),
        ("/apis", groups),
        ("/apis/apps/v1", apps),
        ("/apis/apps/v1/namespaces/shop/deployments", deployments),
        ("/api/v1/namespaces/shop/pods", pods),
    ]);
    let dir = std::env::temp_dir().join(format!("live-legacy-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join("config");
    let kubeconfig = format!(
        "apiVersion: v1\nkind: Config\ncurrent-context: kind\nclusters:\n- name: kind\n  cluster:\n    server: {url}\n\
         contexts:\n- name: kind\n  context:\n    cluster: kind\n    user: kind\n    namespace: shop\n\
         users:\n- name: kind\n  user: {{}}\n"
    );
    std::fs::write(&path, kubeconfig).unwrap_or_else(|e| panic!("{e}"));
    let options = Options {
        kubeconfig: Some(path),
        kinds: vec![
            KindWanted::new("apps", "Deployment"),
            KindWanted::new("", "Pod"),
            KindWanted::new("batch", "CronJob"),
        ],
        ..Options::default()
    };
    let mut traces = Vec::new();
    let snap =
        live::read(&options, &mut |t| traces.push(t.clone())).unwrap_or_else(|e| panic!("{e}"));

    assert!(traces.iter().any(|t| matches!(
        t,
        Trace::Discovery {
            aggregated: false,
            ..
        }
    )));
    let objects: Vec<(&str, &str)> = snap
        .objects
        .iter()
        .map(|o| (o.kind.as_str(), o.name.as_str()))
        .collect();
    assert_eq!(objects, [("Deployment", "checkout")]);
    assert_eq!(snap.skipped_owned, 3, "every pod has a controller");
    // The cluster lists the batch group, but this server cannot describe it: the
    // CronJobs may exist and could not be read.
    assert!(snap.incomplete);
    assert_eq!(snap.notes.len(), 1, "{:?}", snap.notes);
    assert_eq!(snap.notes[0].kind, "CronJob");
    assert!(
        snap.notes[0]
            .message
            .contains("/apis/batch/v1 answered 404"),
        "{:?}",
        snap.notes
    );
    let seen = log.lock().map(|l| l.clone()).unwrap_or_default();
    assert!(seen.iter().all(|r| r.starts_with("GET ")), "{seen:?}");
    let mut paths: Vec<&str> = seen
        .iter()
        .map(|r| r.trim_start_matches("GET ").split('?').next().unwrap_or(""))
        .collect();
    assert_eq!(paths[..3], ["/api", "/api/v1", "/apis"]);
    paths.sort_unstable();
    assert_eq!(
        paths,
        [
            "/api",
            "/api/v1",
            "/api/v1/namespaces/shop/pods",
            "/apis",
            "/apis/apps/v1",
            "/apis/apps/v1/namespaces/shop/deployments",
            "/apis/batch/v1"
        ],
        "one version per wanted group, nothing else"
    );
}
