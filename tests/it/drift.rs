//! `seaworthy lint --live --iac PATH`: the scenarios of `fixtures/drift/`
//! end to end. The live objects are served by the Kubernetes API test
//! server, the declared ones written as manifests, and the real binary
//! reports exactly the drift expected, in the right files.

use std::path::Path;
use std::process::{Output, Stdio};

use serde_json::Value;

use crate::kube_api::{Cluster, Server};
use crate::support::{command, json, root, stderr, without_port};

const TOKEN: &str = "drift-test-token";
const DRIFT_RULES: &str = "unmanaged-object,missing-object,drifted-field,manual-change";

/// A scenario of `fixtures/drift/NAME.json`, served and written out.
struct Scenario {
    server: Server,
    dir: tempfile::TempDir,
    namespace: String,
}

impl Scenario {
    fn new(name: &str) -> Scenario {
        let path = root().join(format!("fixtures/drift/{name}.json"));
        let fixture: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let namespace = fixture["defaultNamespace"]
            .as_str()
            .unwrap_or("default")
            .to_string();
        let mut cluster = Cluster::new();
        for key in ["live", "liveMetadataOnly"] {
            for object in fixture[key].as_array().into_iter().flatten() {
                cluster.add(object.clone());
            }
        }
        cluster.require_token(TOKEN);
        let dir = tempfile::tempdir().unwrap();
        let iac = dir.path().join("iac");
        std::fs::create_dir(&iac).unwrap();
        let manifests: Vec<String> = fixture["declared"]
            .as_array()
            .unwrap()
            .iter()
            .map(|object| serde_yaml::to_string(object).unwrap())
            .collect();
        std::fs::write(iac.join("manifests.yaml"), manifests.join("---\n")).unwrap();
        Scenario {
            server: Server::start(cluster),
            dir,
            namespace,
        }
    }

    fn lint(&self, extra: &[&str]) -> Output {
        let kubeconfig = self.dir.path().join("kubeconfig");
        self.server
            .write_kubeconfig(&kubeconfig, "test", Some(&self.namespace), TOKEN);
        command(self.dir.path())
            .env_remove("KUBECONFIG")
            .args(["lint", "--no-config", "--live", "--kubeconfig"])
            .arg(&kubeconfig)
            .args(["--iac", "iac", "--select", DRIFT_RULES, "--format", "json"])
            .args(extra)
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }

    /// The drift findings as `rule | file | message`, with the file of a
    /// live object shortened to `k8s:`.
    fn findings(&self, extra: &[&str]) -> Vec<String> {
        let out = self.lint(extra);
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "exit {:?}: {}",
            out.status.code(),
            stderr(&out)
        );
        assert!(self.server.requests().iter().all(|r| r.method == "GET"));
        findings(&json(&out))
    }
}

fn findings(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let file = f["file"].as_str().unwrap();
            let file = if file.starts_with("k8s://") {
                "k8s:"
            } else {
                file
            };
            format!(
                "{} | {file} | {}",
                f["rule"].as_str().unwrap(),
                f["message"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn a_dashboard_made_by_hand_is_reported_with_who_made_it_and_when() {
    let scenario = Scenario::new("dashboard-configmap");
    let out = scenario.lint(&[]);
    let report = json(&out);
    assert_eq!(
        findings(&report),
        ["unmanaged-object | k8s: | ConfigMap monitoring/dashboard-orders exists only in the \
          cluster: made by kubectl-create (Update) at 2026-11-20T14:03:11Z; no manifest declares it"]
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "a warning does not fail the default gate"
    );
    // The audit names each kind once, and counts every request once.
    let kinds: Vec<&str> = report["live"]["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kind"].as_str().unwrap())
        .collect();
    let mut unique = kinds.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(kinds.len(), unique.len(), "{kinds:?}");
    let audited: u64 = report["live"]["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["requests"].as_u64().unwrap())
        .sum();
    assert_eq!(audited, scenario.server.requests().len() as u64);
    let coverage = &report["coverage"];
    assert_eq!(
        (
            coverage["considered"].as_u64(),
            coverage["declared"].as_u64()
        ),
        (Some(4), Some(3))
    );
    assert_eq!(coverage["percent"], 75.0);

    // The gate on coverage fails the run below its minimum.
    let config = scenario.dir.path().join("drift.yaml");
    std::fs::write(&config, "drift:\n  min-coverage: 100\n").unwrap();
    let kubeconfig = scenario.dir.path().join("kubeconfig");
    let gated = command(scenario.dir.path())
        .args(["lint", "--config"])
        .arg(&config)
        .args(["--live", "--kubeconfig"])
        .arg(&kubeconfig)
        .args(["--iac", "iac", "--select", DRIFT_RULES])
        .output()
        .unwrap();
    assert_eq!(gated.status.code(), Some(1), "{}", stderr(&gated));
    let human = String::from_utf8_lossy(&gated.stdout);
    assert!(
        human.contains(
            "IaC coverage: 75.0% (3 of 4 live objects are declared); below the minimum of 100%"
        ),
        "{human}"
    );

    // What a team keeps out of the IaC on purpose is ignored, and not counted.
    std::fs::write(
        &config,
        "drift:\n  ignore:\n    - kinds: [ConfigMap]\n      names: [\"dashboard-*\"]\n",
    )
    .unwrap();
    let ignored = command(scenario.dir.path())
        .args(["lint", "--config"])
        .arg(&config)
        .args(["--live", "--kubeconfig"])
        .arg(&kubeconfig)
        .args(["--iac", "iac", "--select", DRIFT_RULES, "--format", "json"])
        .output()
        .unwrap();
    let report = json(&ignored);
    assert_eq!(findings(&report), Vec::<String>::new());
    assert_eq!(report["coverage"]["percent"], 100.0);
}

#[test]
fn kubectl_scale_is_a_drifted_field_at_the_manifests_line() {
    let scenario = Scenario::new("kubectl-scale");
    let out = scenario.lint(&[]);
    assert_eq!(out.status.code(), Some(1), "drifted-field is an error");
    let report = json(&out);
    assert_eq!(
        findings(&report),
        [
            "drifted-field | iac/manifests.yaml | spec.replicas is 5 in the cluster, 3 in the \
          manifest; written by kubectl (Update on /scale) at 2026-11-21T10:02:11Z"
        ]
    );
    // At the line of `replicas:` in the manifest.
    let finding = &report["findings"][0];
    let text = std::fs::read_to_string(scenario.dir.path().join("iac/manifests.yaml")).unwrap();
    let line = finding["start"]["line"].as_u64().unwrap() as usize;
    assert!(
        text.lines()
            .nth(line - 1)
            .unwrap()
            .trim_start()
            .starts_with("replicas: 3"),
        "line {line} of:\n{text}"
    );
    assert_eq!(finding["path"], "spec.replicas");
}

#[test]
fn hand_made_changes_are_reported_with_their_manager() {
    let cases = [
        (
            "kubectl-set-image",
            "drifted-field | iac/manifests.yaml | spec.template.spec.containers[name=web].image is \
             registry.example/shop/web:1.9 in the cluster, registry.example/shop/web:1.8 in the \
             manifest; written by kubectl-set (Update) at 2026-11-21T11:30:00Z",
        ),
        (
            "kubectl-edit-env",
            "manual-change | k8s: | spec.template.spec.containers[name=web].env[name=LOG_LEVEL] \
             is in the cluster, not in the manifest; written by kubectl-edit (Update); that \
             manager last wrote to this object at 2026-11-21T12:15:42Z",
        ),
        (
            "kubectl-label",
            "manual-change | k8s: | metadata.labels.team is payments in the cluster, not in the \
             manifest; written by kubectl-label (Update); that manager last wrote to this object \
             at 2026-11-21T13:00:00Z",
        ),
        (
            "deleted-service",
            "missing-object | iac/manifests.yaml | Service shop/web is declared but not in the \
             cluster: deleted, or never applied",
        ),
        (
            "manual-apply",
            "manual-change | k8s: | spec.template.spec.containers[name=idle] is in the cluster, \
             not in the manifest; applied by kubectl-client-side-apply (Update) from another \
             manifest; that manager last wrote to this object at 2026-11-19T16:45:10Z",
        ),
    ];
    for (name, expected) in cases {
        let expected = expected.split_whitespace().collect::<Vec<_>>().join(" ");
        let found: Vec<String> = Scenario::new(name)
            .findings(&[])
            .into_iter()
            .map(|f| f.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        assert_eq!(found, [expected], "{name}");
    }
}

#[test]
fn the_traps_report_nothing() {
    for name in [
        "hpa-replicas",
        "hpa-versions",
        "injected-sidecar",
        "defaults",
        "quantities",
        "owned-and-system",
    ] {
        assert_eq!(
            Scenario::new(name).findings(&[]),
            Vec::<String>::new(),
            "{name}"
        );
    }
}

#[test]
fn secrets_are_compared_by_name_and_never_shown() {
    let scenario = Scenario::new("secret");
    let out = scenario.lint(&["--include-secrets"]);
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out));
    let fixture = std::fs::read_to_string(root().join("fixtures/drift/secret.json")).unwrap();
    let fixture: Value = serde_json::from_str(&fixture).unwrap();
    // Every Secret value of the live objects stays out of the report.
    for object in fixture["live"].as_array().unwrap() {
        for field in ["data", "stringData"] {
            for value in object[field]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(_, v)| v)
            {
                let value = value.as_str().unwrap();
                assert!(!text.contains(value), "{value} printed:\n{text}");
            }
        }
    }
    assert!(
        findings(&json(&out)).iter().any(|f| f.contains("Secret")),
        "{text}"
    );
}

#[test]
fn policy_findings_and_drift_come_in_one_run() {
    let scenario = Scenario::new("kubectl-set-image");
    let kubeconfig = scenario.dir.path().join("kubeconfig");
    scenario
        .server
        .write_kubeconfig(&kubeconfig, "test", Some(&scenario.namespace), TOKEN);
    let out = command(scenario.dir.path())
        .args(["lint", "--no-config", "--live", "--kubeconfig"])
        .arg(&kubeconfig)
        .args(["--iac", "iac", "--format", "json"])
        .output()
        .unwrap();
    let report = json(&out);
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"drifted-field"), "{rules:?}");
    assert!(rules.contains(&"image-not-pinned"), "{rules:?}");
    // The IaC is compared, not linted: no policy finding points into it.
    for f in report["findings"].as_array().unwrap() {
        if f["file"].as_str().unwrap().starts_with("iac/") {
            assert!(
                ["drifted-field", "missing-object", "parse-error"]
                    .contains(&f["rule"].as_str().unwrap()),
                "{f}"
            );
        }
    }
    assert!(report["coverage"].is_object());
    // The SARIF of a drift run is valid, with the coverage as run properties.
    let sarif_out = command(scenario.dir.path())
        .args(["lint", "--no-config", "--live", "--kubeconfig"])
        .arg(&kubeconfig)
        .args(["--iac", "iac", "--format", "sarif"])
        .output()
        .unwrap();
    let sarif = json(&sarif_out);
    let errors: Vec<String> = crate::cli::sarif_schema()
        .iter_errors(&sarif)
        .map(|e| e.to_string())
        .collect();
    assert!(
        errors.is_empty(),
        "the drift SARIF is not valid: {errors:?}"
    );
    assert!(sarif["runs"][0]["properties"]["iacCoverage"]["percent"].is_number());
    assert!(Path::new(&scenario.dir.path().join("iac")).is_dir());
}

/// The README tells the dashboard story with this run's output.
#[test]
fn the_readme_shows_a_real_drift_run() {
    let scenario = Scenario::new("dashboard-configmap");
    scenario.lint(&[]);
    let kubeconfig = scenario.dir.path().join("kubeconfig");
    let out = command(scenario.dir.path())
        .args(["lint", "--no-config", "--live", "--kubeconfig"])
        .arg(&kubeconfig)
        .args(["-n", "monitoring", "--iac", "iac", "--select", DRIFT_RULES])
        .output()
        .unwrap();
    let shown = without_port(&String::from_utf8_lossy(&out.stdout));
    let readme = without_port(&std::fs::read_to_string(root().join("README.md")).unwrap());
    assert!(
        readme.contains(&shown),
        "the README's drift example is not this run's output:\n{shown}"
    );
}

/// The human report of a drift run with policy findings beside it: the
/// live objects and the manifests, each object named once.
#[test]
fn the_human_report_of_a_drift_run_groups_findings_by_object() {
    let scenario = Scenario::new("kubectl-set-image");
    scenario.lint(&[]);
    let kubeconfig = scenario.dir.path().join("kubeconfig");
    let out = command(scenario.dir.path())
        .args(["lint", "--no-config", "--live", "--kubeconfig"])
        .arg(&kubeconfig)
        .args(["--iac", "iac", "--color", "never"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = without_port(&String::from_utf8_lossy(&out.stdout));
    // The drift in the manifest, the policy findings in the live object.
    assert!(text.contains("\nDeployment "), "{text}");
    assert!(text.contains("  error[drifted-field]: "), "{text}");
    assert!(text.contains("  k8s://test/"), "{text}");
    insta::assert_snapshot!("human_drift", text);
}

/// `--iac -` reads the manifests from stdin, as `helm template | seaworthy
/// lint --live --iac -` does.
#[test]
fn the_iac_can_come_from_stdin() {
    let scenario = Scenario::new("kubectl-scale");
    scenario.lint(&[]);
    let manifests =
        std::fs::read_to_string(scenario.dir.path().join("iac/manifests.yaml")).unwrap();
    let kubeconfig = scenario.dir.path().join("kubeconfig");
    let mut child = command(scenario.dir.path())
        .args(["lint", "--no-config", "--live", "--kubeconfig"])
        .arg(&kubeconfig)
        .args(["--iac", "-", "--select", DRIFT_RULES, "--format", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(manifests.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let found = findings(&json(&out));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("drifted-field | <stdin> | spec.replicas is 5"),
        "{found:?}"
    );
}
