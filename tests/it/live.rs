//! `seaworthy lint --live`: the real binary against the Kubernetes API test
//! server on loopback, through a kubeconfig that points at it.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Output, Stdio};
use std::time::Duration;

use serde_json::{json, Value};

use crate::kube_api::{workload, Cluster, Fault, Server};
use crate::support::{command, json, root, stderr, stdout, without_port};

const TOKEN: &str = "live-test-token";

/// A value that must never reach any output.
const CANARY: &str = "LIVE-CANARY-5e1d0b";

/// A cluster with the bundled example's objects in `shop`, and some
/// generated workloads (with their controller-owned ReplicaSets and Pods).
fn cluster() -> Cluster {
    let mut cluster = Cluster::new();
    for object in example_objects() {
        cluster.add(object);
    }
    for i in 0..3 {
        for object in workload("shop", &format!("svc-{i}"), i) {
            cluster.add(object);
        }
    }
    cluster.require_token(TOKEN);
    cluster
}

/// The objects of `examples/shop`, as JSON.
fn example_objects() -> Vec<Value> {
    let mut objects = Vec::new();
    for entry in std::fs::read_dir(root().join("examples/shop")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for document in serde_yaml::Deserializer::from_str(&text) {
            let value: Value = serde::Deserialize::deserialize(document).unwrap();
            if value.get("kind").is_some() {
                objects.push(value);
            }
        }
    }
    assert!(objects.len() >= 4, "only {} example objects", objects.len());
    objects
}

/// `seaworthy ARGS...` against `server`, through a kubeconfig in `dir`
/// whose context is `test` (namespace `shop`).
fn live(server: &Server, dir: &Path, args: &[&str]) -> Output {
    let kubeconfig = dir.join("kubeconfig");
    server.write_kubeconfig(&kubeconfig, "test", Some("shop"), TOKEN);
    run(dir, &kubeconfig, args)
}

fn run(dir: &Path, kubeconfig: &Path, args: &[&str]) -> Output {
    command(dir)
        .env_remove("KUBECONFIG")
        .env("HOME", dir)
        .arg("lint")
        .arg("--live")
        .arg("--kubeconfig")
        .arg(kubeconfig)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// Every finding of a JSON report as (rule, object, path, message).
fn findings(report: &Value) -> BTreeSet<(String, String, String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let o = &f["object"];
            (
                f["rule"].as_str().unwrap().to_string(),
                format!("{}/{}/{}", o["kind"], o["namespace"], o["name"]),
                f["path"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn findings_on_live_objects_equal_findings_on_the_same_manifests() {
    let mut cluster = Cluster::new();
    for object in example_objects() {
        cluster.add(object);
    }
    cluster.require_token(TOKEN);
    let server = Server::start(cluster);
    let dir = tempfile::tempdir().unwrap();
    let out = live(&server, dir.path(), &["--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let from_cluster = findings(&json(&out));

    let files = command(&root())
        .args(["lint", "--no-config", "--format", "json", "examples/shop"])
        .output()
        .unwrap();
    let from_files = findings(&json(&files));
    assert!(from_files.len() >= 10, "only {} findings", from_files.len());
    assert_eq!(from_cluster, from_files);

    // Located in the YAML seaworthy renders for the object, named by its URI.
    let report = json(&out);
    for f in report["findings"].as_array().unwrap() {
        let file = f["file"].as_str().unwrap();
        assert!(file.starts_with("k8s://test/shop/"), "{file}");
        assert!(f["start"]["line"].as_u64().unwrap() >= 1);
    }
    assert_eq!(report["live"]["context"], "test");
    assert_eq!(report["live"]["scope"], "namespace shop");
}

/// The human report of live objects: each object named once, by kind,
/// namespace and name, with its `k8s://` URI; the audit in the summary.
#[test]
fn the_human_report_of_live_objects_groups_findings_by_object() {
    let server = Server::start(cluster());
    let dir = tempfile::tempdir().unwrap();
    let out = live(
        &server,
        dir.path(),
        &[
            "--select",
            "runs-as-root,single-replica,mutable-image-tag,missing-liveness-probe",
            "--color",
            "never",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = without_port(&stdout(&out));
    assert!(
        text.starts_with("Deployment shop/") && text.contains("  k8s://test/shop/Deployment/"),
        "{text}"
    );
    assert!(text.contains("\nRead "), "{text}");
    insta::assert_snapshot!("human_live", text);
}

#[test]
fn only_get_requests_are_sent_and_owned_objects_are_linted_through_their_owner() {
    let server = Server::start(cluster());
    let dir = tempfile::tempdir().unwrap();
    let out = live(&server, dir.path(), &["--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let requests = server.requests();
    assert!(requests.len() >= 10, "only {} requests", requests.len());
    for r in &requests {
        assert_eq!(r.method, "GET", "{} {}", r.method, r.path);
        assert!(r.authorized, "{}", r.path);
        assert!(!r.path.contains("secrets"), "{}", r.path);
        assert_ne!(r.param("watch").as_deref(), Some("true"), "{}", r.path);
    }
    let report = json(&out);
    // Generated workloads come with a ReplicaSet and a Pod each.
    assert!(report["live"]["skipped_owned"].as_u64().unwrap() >= 6);
    let kinds: BTreeSet<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["object"]["kind"].as_str())
        .collect();
    assert!(kinds.contains("Deployment"), "{kinds:?}");
    assert!(
        !kinds.contains("ReplicaSet") && !kinds.contains("Pod"),
        "{kinds:?}"
    );
    // The audit counts every request the server saw.
    let audited: u64 = report["live"]["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["requests"].as_u64().unwrap())
        .sum();
    assert_eq!(audited, requests.len() as u64);
}

#[test]
fn every_fault_is_survived_and_no_object_is_lost() {
    let server_clean = Server::start(cluster());
    let dir = tempfile::tempdir().unwrap();
    let clean = live(&server_clean, dir.path(), &["--format", "json"]);
    let expected = json(&clean);

    let mut faulty = cluster();
    // Short pages, so that lists need their continue tokens.
    for resource in ["deployments", "services", "pods", "replicasets"] {
        faulty.fault(Fault::PageSize {
            resource: resource.into(),
            max: 2,
        });
    }
    faulty.fault(Fault::TooManyRequests {
        resource: "deployments".into(),
        times: Some(2),
        retry_after_secs: 1,
    });
    faulty.fault(Fault::ServerError {
        resource: "services".into(),
        status: 503,
        times: Some(2),
    });
    faulty.fault(Fault::ExpiredContinue {
        resource: "pods".into(),
        times: Some(1),
    });
    let server = Server::start(faulty);
    let out = live(&server, dir.path(), &["--format", "json", "--verbose"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(report["summary"]["objects"], expected["summary"]["objects"]);
    assert_eq!(findings(&report), findings(&expected));
    assert_eq!(report["errors"], json!([]));

    let statuses: Vec<u16> = server.requests().iter().map(|r| r.status).collect();
    for status in [429, 503, 410] {
        assert!(statuses.contains(&status), "no {status} in {statuses:?}");
    }
    let continued = server
        .requests()
        .iter()
        .filter(|r| r.param("continue").is_some())
        .count();
    assert!(continued >= 3, "only {continued} continued pages");
    // Each retry is traced on stderr, and the audit records the faults met.
    let trace = stderr(&out);
    assert!(trace.contains("-> 429"), "{trace}");
    assert!(trace.contains("retry 1 of GET"), "{trace}");
    let faults: Vec<String> = report["live"]["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|k| k["faults"].as_array().unwrap().clone())
        .map(|f| f.as_str().unwrap().to_string())
        .collect();
    assert!(faults.iter().any(|f| f.starts_with("429")), "{faults:?}");
    assert!(faults.iter().any(|f| f.starts_with("410")), "{faults:?}");
}

#[test]
fn a_kind_that_cannot_be_read_is_a_note_in_every_report_and_exit_2() {
    let mut cluster = cluster();
    cluster.fault(Fault::Forbidden {
        resource: "statefulsets".into(),
    });
    cluster.fault(Fault::NotFound {
        resource: "cronjobs".into(),
    });
    let server = Server::start(cluster);
    let dir = tempfile::tempdir().unwrap();
    let sarif_file = dir.path().join("out.sarif");
    let json_file = dir.path().join("out.json");
    let out = live(
        &server,
        dir.path(),
        &[
            "--format",
            "human",
            "--format",
            &format!("sarif={}", sarif_file.display()),
            "--format",
            &format!("json={}", json_file.display()),
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    // The rest was linted.
    assert!(stdout(&out).contains("Deployment"), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains("StatefulSet.apps in namespace shop could not be read"),
        "{err}"
    );
    assert!(err.contains("403"), "{err}");
    assert!(err.contains("CronJob.batch"), "{err}");
    let report = crate::support::read_json(&json_file);
    let errors = report["errors"].to_string();
    assert!(
        errors.contains("StatefulSet") && errors.contains("CronJob"),
        "{errors}"
    );
    let sarif = crate::support::read_json(&sarif_file);
    let errors: Vec<String> = crate::cli::sarif_schema()
        .iter_errors(&sarif)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "the live SARIF is not valid: {errors:?}");
    let invocation = &sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notes = invocation["toolExecutionNotifications"].to_string();
    assert!(
        notes.contains("StatefulSet") && notes.contains("CronJob"),
        "{notes}"
    );
    assert!(invocation["properties"]["live"]["kinds"].is_array());
}

#[test]
fn secrets_are_not_read_without_the_flag_and_never_printed_with_it() {
    let mut cluster = cluster();
    let secret = json!({
        "apiVersion": "v1", "kind": "Secret",
        "metadata": {"name": "db", "namespace": "shop", "annotations": {
            "kubectl.kubernetes.io/last-applied-configuration": format!("{{\"data\":{{\"password\":\"{CANARY}\"}}}}")
        }},
        "type": "Opaque",
        "data": {"password": "TElWRS1DQU5BUlktNWUxZDBi"},
        "stringData": {"token": CANARY}
    });
    cluster.add(secret);
    let server = Server::start(cluster);
    let dir = tempfile::tempdir().unwrap();

    // A policy of the team's own that reads Secrets, so they are needed.
    let policies = dir.path().join("policies");
    std::fs::create_dir(&policies).unwrap();
    std::fs::write(
        policies.join("secret_owner.rego"),
        "# METADATA\n# title: Secret without an owner label\n# custom:\n#   severity: warning\n#   kinds: [Secret]\npackage seaworthy.policy.secret_owner\n\nimport rego.v1\n\nviolation contains {\"msg\": sprintf(\"Secret %s has no owner label\", [input.metadata.name]), \"path\": [\"metadata\"]} if not input.metadata.labels.owner\n",
    )
    .unwrap();
    let policy_arg = policies.display().to_string();

    let without = live(&server, dir.path(), &["--policy", &policy_arg]);
    assert!(
        server
            .requests()
            .iter()
            .all(|r| !r.path.contains("secrets")),
        "Secrets were read without --include-secrets"
    );
    assert!(!stdout(&without).contains("secret-owner"));

    server.clear_requests();
    for format in ["human", "json", "sarif", "junit", "github"] {
        let out = live(
            &server,
            dir.path(),
            &[
                "--policy",
                &policy_arg,
                "--include-secrets",
                "--verbose",
                "--format",
                format,
            ],
        );
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let text = format!("{}{}", stdout(&out), stderr(&out));
        assert!(
            text.contains("secret-owner"),
            "{format}: the Secret was not linted"
        );
        assert!(
            !text.contains(CANARY),
            "{format} prints the canary:\n{text}"
        );
        assert!(
            !text.contains("TElWRS1DQU5BUlktNWUxZDBi"),
            "{format} prints the canary's base64"
        );
    }
    assert!(server
        .requests()
        .iter()
        .any(|r| r.path.ends_with("/secrets")));
}

#[test]
fn suppression_annotations_on_live_objects_work_as_in_files() {
    let mut cluster = Cluster::new();
    for mut object in example_objects() {
        if object["kind"] == "Deployment" {
            object["metadata"]["annotations"] = json!({
                "seaworthy.dev/ignore": "runs-as-root,mutable-image-tag",
                "seaworthy.dev/ignore-reason": "vendor image, tracked in OPS-12"
            });
        }
        cluster.add(object);
    }
    cluster.require_token(TOKEN);
    let server = Server::start(cluster);
    let dir = tempfile::tempdir().unwrap();
    let out = live(&server, dir.path(), &["--format", "json"]);
    let report = json(&out);
    let suppressed: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| !f["suppressed"].is_null())
        .collect();
    assert!(!suppressed.is_empty(), "nothing suppressed");
    for f in suppressed {
        assert!(["runs-as-root", "mutable-image-tag"].contains(&f["rule"].as_str().unwrap()));
        assert_eq!(f["suppressed"]["kind"], "inSource");
    }
}

#[test]
fn bad_kubeconfigs_exit_2_with_a_clear_error_and_no_credential() {
    let server = Server::start(cluster());
    let dir = tempfile::tempdir().unwrap();

    let missing = run(dir.path(), &dir.path().join("nope"), &[]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("does not exist"),
        "{}",
        stderr(&missing)
    );

    let kubeconfig = dir.path().join("kubeconfig");
    server.write_kubeconfig(&kubeconfig, "test", Some("shop"), TOKEN);
    let unknown = run(dir.path(), &kubeconfig, &["--context", "prod"]);
    assert_eq!(unknown.status.code(), Some(2));
    let err = stderr(&unknown);
    assert!(err.contains("prod") && err.contains("test"), "{err}");

    // An expired token: the server answers 401.
    let expired = dir.path().join("expired");
    server.write_kubeconfig(&expired, "test", Some("shop"), CANARY);
    let out = run(dir.path(), &expired, &["--verbose"]);
    assert_eq!(out.status.code(), Some(2));
    let text = format!("{}{}", stdout(&out), stderr(&out));
    assert!(
        text.contains("401") || text.to_lowercase().contains("unauthorized"),
        "{text}"
    );
    assert!(!text.contains(CANARY), "the token is printed:\n{text}");

    // Nothing listens on the port any more.
    let url = server.url.clone();
    drop(server);
    let gone = dir.path().join("gone");
    std::fs::write(
        &gone,
        format!(
            "apiVersion: v1\nkind: Config\ncurrent-context: test\nclusters:\n- name: test\n  cluster:\n    server: {url}\ncontexts:\n- name: test\n  context:\n    cluster: test\n    user: test\nusers:\n- name: test\n  user:\n    token: {CANARY}\n"
        ),
    )
    .unwrap();
    let started = std::time::Instant::now();
    let out = run(dir.path(), &gone, &["--request-timeout", "5"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(started.elapsed() < Duration::from_secs(30));
    let text = format!("{}{}", stdout(&out), stderr(&out));
    assert!(text.contains(&url), "{text}");
    assert!(!text.contains(CANARY), "the token is printed:\n{text}");
}

#[test]
fn a_slow_answer_is_cut_by_the_request_timeout_and_noted() {
    let mut cluster = cluster();
    cluster.fault(Fault::Slow {
        resource: "statefulsets".into(),
        delay: Duration::from_secs(30),
        times: None,
    });
    let server = Server::start(cluster);
    let dir = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let out = live(
        &server,
        dir.path(),
        &[
            "--request-timeout",
            "1",
            "--timeout",
            "20",
            "--format",
            "json",
        ],
    );
    assert!(
        started.elapsed() < Duration::from_secs(25),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let report = json(&out);
    assert!(
        report["errors"].to_string().contains("StatefulSet"),
        "{}",
        report["errors"]
    );
    // Everything else was read and linted.
    assert!(report["summary"]["objects"].as_u64().unwrap() >= 5);
}

#[test]
fn the_deploy_manifests_lint_clean() {
    let out = command(&root())
        .args(["lint", "--no-config", "deploy/"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    // The ClusterRole reads, and nothing else: no write verb, no Secrets.
    let rbac = std::fs::read_to_string(root().join("deploy/rbac.yaml")).unwrap();
    let mut rules = 0;
    for document in serde_yaml::Deserializer::from_str(&rbac) {
        let object: Value = serde::Deserialize::deserialize(document).unwrap();
        for rule in object["rules"].as_array().into_iter().flatten() {
            rules += 1;
            for verb in rule["verbs"].as_array().unwrap() {
                assert!(["get", "list"].contains(&verb.as_str().unwrap()), "{rule}");
            }
            for resource in rule["resources"].as_array().into_iter().flatten() {
                assert!(
                    !["secrets", "*"].contains(&resource.as_str().unwrap()),
                    "{rule}"
                );
            }
        }
    }
    assert!(rules >= 5, "only {rules} rules in the ClusterRole");
}
