//! `seaworthy export --live DIR` against the Kubernetes API test server:
//! clean files, idempotent, objects gone removed, Secret values absent.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Output, Stdio};

use serde_json::{json, Value};

use crate::kube_api::{workload, Cluster, Server};
use crate::support::{command, files_under, stderr};

const TOKEN: &str = "export-test-token";
const CANARY: &str = "EXPORT-CANARY-93c1a7";

fn cluster(workloads: usize) -> Cluster {
    let mut cluster = Cluster::new();
    for i in 0..workloads {
        for object in workload("shop", &format!("svc-{i}"), i) {
            cluster.add(object);
        }
    }
    cluster.add(json!({
        "apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "db", "namespace": "shop"},
        "type": "Opaque",
        "data": {"password": "RVhQT1JULUNBTkFSWS05M2MxYTc="},
        "stringData": {"token": CANARY}
    }));
    cluster.add(json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "kube-root-ca.crt", "namespace": "shop"},
        "data": {"ca.crt": "-----BEGIN CERTIFICATE-----"}
    }));
    cluster.add(json!({
        "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
        "metadata": {"name": "system:reader", "namespace": "shop"},
        "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}]
    }));
    cluster.require_token(TOKEN);
    cluster
}

fn export(server: &Server, work: &Path, out: &Path, args: &[&str]) -> Output {
    let kubeconfig = work.join("kubeconfig");
    server.write_kubeconfig(&kubeconfig, "test", Some("shop"), TOKEN);
    command(work)
        .env_remove("KUBECONFIG")
        .args(["export", "--live", "--kubeconfig"])
        .arg(&kubeconfig)
        .args(args)
        .arg(out)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// Every file under `dir`, relative, with its text.
fn contents(dir: &Path) -> BTreeMap<String, String> {
    files_under(dir)
        .into_iter()
        .map(|p| {
            let name = p.strip_prefix(dir).unwrap().display().to_string();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect()
}

#[test]
fn export_writes_one_clean_file_per_top_level_object() {
    let server = Server::start(cluster(3));
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("state");
    let run = export(&server, work.path(), &out, &[]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let files = contents(&out);
    let names: Vec<&str> = files.keys().map(String::as_str).collect();
    for expected in [
        "shop/Deployment/svc-0.yaml",
        "shop/Service/svc-2.yaml",
        "shop/ConfigMap/svc-1-config.yaml",
        "shop/Role/system%3Areader.yaml",
        "_cluster/Namespace/shop.yaml",
    ] {
        assert!(names.contains(&expected), "{expected} not in {names:?}");
    }
    // Owned objects are their owner's; what the system makes is not state.
    assert!(
        !names
            .iter()
            .any(|n| n.contains("ReplicaSet/") || n.contains("Pod/")),
        "{names:?}"
    );
    assert!(
        !names.iter().any(|n| n.contains("kube-root-ca.crt")),
        "{names:?}"
    );
    // Secrets are not read without the flag.
    assert!(!names.iter().any(|n| n.contains("Secret/")), "{names:?}");
    assert!(server.requests().iter().all(|r| r.method == "GET"));
    assert!(server
        .requests()
        .iter()
        .all(|r| !r.path.contains("secrets")));

    for (name, text) in &files {
        let object: Value = serde_yaml::from_str(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(object.get("status").is_none(), "{name}");
        let metadata = &object["metadata"];
        for server_field in [
            "uid",
            "resourceVersion",
            "managedFields",
            "creationTimestamp",
            "generation",
        ] {
            assert!(
                metadata.get(server_field).is_none(),
                "{name}: {server_field}"
            );
        }
        assert!(!text.contains("last-applied-configuration"), "{name}");
        assert!(!text.contains("clusterIP"), "{name}");
        assert!(!text.contains("terminationMessagePath"), "{name}");
        assert!(text.starts_with("apiVersion: "), "{name}");
    }
    // The object reloads as what the server holds, less what was stripped.
    let deployment: Value = serde_yaml::from_str(&files["shop/Deployment/svc-0.yaml"]).unwrap();
    assert_eq!(deployment["kind"], "Deployment");
    assert_eq!(deployment["metadata"]["name"], "svc-0");
    assert!(deployment["spec"]["template"]["spec"]["containers"][0]["image"].is_string());
}

#[test]
fn exporting_twice_changes_nothing_and_objects_gone_are_removed() {
    let server = Server::start(cluster(3));
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("state");
    let first = export(&server, work.path(), &out, &[]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let before = contents(&out);
    let mtimes: Vec<_> = files_under(&out)
        .iter()
        .map(|p| std::fs::metadata(p).unwrap().modified().unwrap())
        .collect();

    let second = export(&server, work.path(), &out, &[]);
    assert_eq!(second.status.code(), Some(0));
    assert!(stderr(&second).contains("0 written"), "{}", stderr(&second));
    assert_eq!(contents(&out), before);
    let again: Vec<_> = files_under(&out)
        .iter()
        .map(|p| std::fs::metadata(p).unwrap().modified().unwrap())
        .collect();
    assert_eq!(mtimes, again, "unchanged files were rewritten");

    // One workload fewer in the cluster: its files go, nothing else moves.
    let smaller = Server::start(cluster(2));
    let third = export(&smaller, work.path(), &out, &[]);
    assert_eq!(third.status.code(), Some(0), "{}", stderr(&third));
    let after = contents(&out);
    let gone: Vec<&String> = before.keys().filter(|k| !after.contains_key(*k)).collect();
    assert_eq!(
        gone,
        [
            "shop/ConfigMap/svc-2-config.yaml",
            "shop/Deployment/svc-2.yaml",
            "shop/Service/svc-2.yaml"
        ]
    );
    for (name, text) in &after {
        assert_eq!(Some(text), before.get(name), "{name} changed");
    }
}

#[test]
fn exported_secrets_keep_their_keys_and_never_their_values() {
    let server = Server::start(cluster(1));
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("state");
    let run = export(
        &server,
        work.path(),
        &out,
        &["--include-secrets", "--verbose"],
    );
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let files = contents(&out);
    let secret: Value = serde_yaml::from_str(&files["shop/Secret/db.yaml"]).unwrap();
    assert_eq!(secret["data"]["password"], seaworthy::live::MASK);
    assert_eq!(secret["stringData"]["token"], seaworthy::live::MASK);
    for (name, text) in &files {
        assert!(!text.contains(CANARY), "{name} holds the canary");
        assert!(
            !text.contains("RVhQT1JULUNBTkFSWS05M2MxYTc="),
            "{name} holds its base64"
        );
    }
    assert!(!stderr(&run).contains(CANARY));
}
