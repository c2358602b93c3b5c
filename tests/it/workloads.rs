//! The workload, container and image rules through the CLI, as a team meets
//! them: objects spread over several files, parameters set in
//! `.seaworthy.yaml`, and the documentation `explain` prints.

use std::path::Path;

use crate::support::{json, seaworthy, seaworthy_in, stderr, stdout, write_files};

/// `rule | message | file:line` of every finding of a JSON report.
fn findings(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            format!(
                "{} | {} | {}:{}",
                f["rule"].as_str().unwrap_or_default(),
                f["message"].as_str().unwrap_or_default(),
                f["file"].as_str().unwrap_or_default(),
                f["start"]["line"]
            )
        })
        .collect()
}

fn lint_json(dir: &Path, args: &[&str]) -> (Option<i32>, serde_json::Value) {
    let mut all = vec!["lint", "--format", "json"];
    all.extend_from_slice(args);
    let out = seaworthy_in(dir, &all);
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
    (out.status.code(), json(&out))
}

const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: web}\n    spec:\n      containers:\n        - name: web\n          image: registry.example.com/web:1.0.0\n";

fn autoscaler(min: &str) -> String {
    format!("apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  scaleTargetRef:\n    apiVersion: apps/v1\n    kind: Deployment\n    name: web\n{min}  maxReplicas: 10\n")
}

/// The autoscaler decides, even when it is in another file of the run; the
/// finding then moves to the autoscaler's minReplicas, naming the workload.
#[test]
fn single_replica_follows_the_autoscaler_across_files() {
    let dir = tempfile::tempdir().unwrap();
    let hpa = autoscaler("  minReplicas: 3\n");
    write_files(
        dir.path(),
        &[("deploy/web.yaml", DEPLOYMENT), ("deploy/hpa.yaml", &hpa)],
    );
    let select = [
        "--no-config",
        "--select",
        "single-replica,replicas-with-autoscaler",
    ];
    let (code, report) = lint_json(dir.path(), &[&select[..], &["deploy"]].concat());
    assert_eq!(code, Some(0), "{report:#}");

    // Without the autoscaler, the Deployment runs one replica.
    let (code, report) = lint_json(dir.path(), &[&select[..], &["deploy/web.yaml"]].concat());
    assert_eq!(code, Some(0), "warnings do not fail the run");
    assert_eq!(
        findings(&report),
        ["single-replica | Deployment sets no spec.replicas and so runs a single replica | deploy/web.yaml:6"]
    );

    let hpa = autoscaler("");
    write_files(dir.path(), &[("deploy/hpa.yaml", &hpa)]);
    let (_, report) = lint_json(dir.path(), &[&select[..], &["deploy"]].concat());
    assert_eq!(
        findings(&report),
        ["single-replica | HorizontalPodAutoscaler \"web\" sets no spec.minReplicas, so it scales Deployment \"web\" down to a single replica | deploy/hpa.yaml:6"]
    );
    let related = &report["findings"][0]["related"][0];
    assert_eq!(related["file"], "deploy/web.yaml", "{report:#}");
    assert_eq!(related["start"]["line"], 4, "{report:#}");
}

#[test]
fn replicas_set_beside_an_autoscaler_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let deployment = DEPLOYMENT.replace("spec:\n  selector", "spec:\n  replicas: 2\n  selector");
    let hpa = autoscaler("  minReplicas: 2\n");
    write_files(dir.path(), &[("web.yaml", &deployment), ("hpa.yaml", &hpa)]);
    let (_, report) = lint_json(
        dir.path(),
        &["--no-config", "--select", "replicas-with-autoscaler", "."],
    );
    assert_eq!(
        findings(&report),
        ["replicas-with-autoscaler | Deployment \"web\" sets spec.replicas (2) while HorizontalPodAutoscaler \"web\" scales it: every apply resets the running replicas to 2 | web.yaml:7"]
    );
}

#[test]
fn explain_single_replica_tells_what_to_do_with_an_autoscaler() {
    let out = seaworthy(&["explain", "single-replica"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for expected in [
        "HorizontalPodAutoscaler",
        "minReplicas",
        "replicas-with-autoscaler",
    ] {
        assert!(text.contains(expected), "{expected} missing from:\n{text}");
    }
    assert!(
        !text.contains("cannot see the HorizontalPodAutoscaler"),
        "the old advice is gone:\n{text}"
    );
}

const ROOT_UID_PODS: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: unset\nspec:\n  containers:\n    - name: app\n      image: registry.example.com/app:1.0.0\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: root\nspec:\n  securityContext:\n    runAsUser: 0\n  containers:\n    - name: app\n      image: registry.example.com/app:1.0.0\n";

#[test]
fn runs_as_root_mode_is_set_in_the_config() {
    let dir = tempfile::tempdir().unwrap();
    write_files(dir.path(), &[("pods.yaml", ROOT_UID_PODS)]);
    let rules = |report: &serde_json::Value| {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["object"]["name"].as_str().unwrap_or_default().to_string())
            .collect::<Vec<_>>()
    };
    let (_, strict) = lint_json(dir.path(), &["--select", "runs-as-root", "pods.yaml"]);
    assert_eq!(rules(&strict), ["unset", "root"]);

    write_files(
        dir.path(),
        &[(
            ".seaworthy.yaml",
            "params:\n  runs-as-root:\n    mode: forbid-uid-0\n",
        )],
    );
    let (_, lenient) = lint_json(dir.path(), &["--select", "runs-as-root", "pods.yaml"]);
    assert_eq!(rules(&lenient), ["root"]);

    write_files(
        dir.path(),
        &[(
            ".seaworthy.yaml",
            "params:\n  runs-as-root:\n    mode: explicit\n",
        )],
    );
    let out = seaworthy_in(
        dir.path(),
        &["lint", "--select", "runs-as-root", "pods.yaml"],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(".seaworthy.yaml:3:11: `mode` cannot be `explicit`: expected one of `prove-non-root`, `forbid-uid-0`"),
        "{err}"
    );
}

#[test]
fn the_target_kubernetes_version_splits_removed_from_deprecated() {
    let dir = tempfile::tempdir().unwrap();
    write_files(
        dir.path(),
        &[(
            "cron.yaml",
            "apiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: report\nspec:\n  schedule: \"0 1 * * *\"\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          restartPolicy: OnFailure\n          containers:\n            - name: report\n              image: registry.example.com/report:1.0.0\n",
        )],
    );
    let select = [
        "--select",
        "removed-api-version,deprecated-api-version",
        "cron.yaml",
    ];
    let (code, report) = lint_json(dir.path(), &select);
    assert_eq!(code, Some(1), "removed is an error");
    assert_eq!(
        findings(&report),
        ["removed-api-version | batch/v1beta1 CronJob was removed in Kubernetes 1.25: use batch/v1 | cron.yaml:1"]
    );
    assert_eq!(report["findings"][0]["severity"], "error");

    write_files(
        dir.path(),
        &[(
            ".seaworthy.yaml",
            "params:\n  removed-api-version:\n    kubernetes-version: \"1.24\"\n  deprecated-api-version:\n    kubernetes-version: \"1.24\"\n",
        )],
    );
    let (code, report) = lint_json(dir.path(), &select);
    assert_eq!(code, Some(0), "deprecated is a warning");
    assert_eq!(
        findings(&report),
        ["deprecated-api-version | batch/v1beta1 CronJob is deprecated since Kubernetes 1.21 and is removed in 1.25: use batch/v1 | cron.yaml:1"]
    );
    assert_eq!(report["findings"][0]["severity"], "warning");

    // Unquoted, YAML reads 1.30 as the number 1.3: refused, at its line.
    write_files(
        dir.path(),
        &[(
            ".seaworthy.yaml",
            "params:\n  removed-api-version:\n    kubernetes-version: 1.30\n",
        )],
    );
    let out = seaworthy_in(dir.path(), &["lint", "cron.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(".seaworthy.yaml:3:25: `kubernetes-version` must be a string"),
        "{err}"
    );
}

#[test]
fn required_labels_on_pod_templates() {
    let dir = tempfile::tempdir().unwrap();
    write_files(
        dir.path(),
        &[
            ("web.yaml", DEPLOYMENT),
            (
                ".seaworthy.yaml",
                "params:\n  missing-required-label:\n    kinds: [Deployment]\n    workloads: pod-template\n    labels: [team]\n",
            ),
        ],
    );
    let (_, report) = lint_json(
        dir.path(),
        &["--select", "missing-required-label", "web.yaml"],
    );
    assert_eq!(
        findings(&report),
        ["missing-required-label | required label \"team\" is missing from the pod template | web.yaml:11"]
    );
    assert_eq!(
        report["findings"][0]["path"],
        "spec.template.metadata.labels.team"
    );
}
