//! Rules across objects: where an object without a namespace is
//! (`--namespace`).

use serde_json::{json, Value};

use crate::support::{json, seaworthy_in, stderr, stdout, write_files};

/// The messages of a JSON report's findings of `rule`, sorted.
fn messages(report: &Value, rule: &str) -> Vec<String> {
    let mut found: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect();
    found.sort();
    found
}

const SERVICE_WITHOUT_NAMESPACE: &str = "apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - port: 80
";

const DEPLOYMENT_IN_SHOP: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 2
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: registry.example.com/web:1.0.0
";

const BUDGET_WITHOUT_NAMESPACE: &str = "apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      app: web
";

#[test]
fn objects_without_a_namespace_are_in_the_namespace_flag_else_default() {
    let dir = tempfile::tempdir().unwrap();
    write_files(
        dir.path(),
        &[
            ("service.yaml", SERVICE_WITHOUT_NAMESPACE),
            ("deployment.yaml", DEPLOYMENT_IN_SHOP),
            ("budget.yaml", BUDGET_WITHOUT_NAMESPACE),
        ],
    );
    let lint = |extra: &[&str]| {
        let mut args = vec![
            "lint",
            "--no-config",
            "--format",
            "json",
            "--select",
            "dangling-service,missing-pod-disruption-budget",
        ];
        args.extend_from_slice(extra);
        args.push(".");
        json(&seaworthy_in(dir.path(), &args))
    };

    // Without the flag, the Service and the budget are in `default`, away
    // from the Deployment in `shop`; the message says which namespace.
    let by_default = lint(&[]);
    assert_eq!(
        messages(&by_default, "dangling-service"),
        ["Service \"web\" selects no pods: no pod template in namespace \"default\" has labels app=web"]
    );
    assert_eq!(
        messages(&by_default, "missing-pod-disruption-budget"),
        ["Deployment \"web\" has 2 replicas but no PodDisruptionBudget selects its pods"]
    );

    // `--namespace shop` applies them to `shop`, as `kubectl apply -n shop`.
    for flag in ["--namespace", "-n"] {
        let in_shop = lint(&[flag, "shop"]);
        assert_eq!(in_shop["findings"], json!([]), "{flag}");
    }

    // The flag does not move an object that names its namespace.
    let elsewhere = lint(&["-n", "web"]);
    assert_eq!(messages(&elsewhere, "dangling-service").len(), 1);
    assert!(messages(&elsewhere, "dangling-service")[0].contains("namespace \"web\""));
}

#[test]
fn a_namespace_that_kubernetes_would_refuse_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    write_files(dir.path(), &[("service.yaml", SERVICE_WITHOUT_NAMESPACE)]);
    for bad in ["Shop", "shop_web", "-shop", "shop-", "", &"a".repeat(64)] {
        let flag = format!("--namespace={bad}");
        let out = seaworthy_in(dir.path(), &["lint", "--no-config", &flag, "."]);
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {}", stdout(&out));
        assert!(
            stderr(&out).contains("a namespace name is 1 to 63 lowercase letters"),
            "{bad:?}: {}",
            stderr(&out)
        );
    }
    // Reading every namespace stays a live flag.
    let all = seaworthy_in(dir.path(), &["lint", "--no-config", "-A", "."]);
    assert_eq!(all.status.code(), Some(2));
    assert!(stderr(&all).contains("--live"), "{}", stderr(&all));
}

#[test]
fn lint_help_describes_the_namespace_flag_for_files_and_clusters() {
    let out = seaworthy_in(std::path::Path::new("."), &["lint", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    let help = stdout(&out);
    assert!(help.contains("-n, --namespace <NAME>"), "{help}");
    assert!(help.contains("kubectl apply -n"), "{help}");
    // It is listed with the general options, before the live ones.
    let (general, live) = help.split_once("Live cluster:").expect("a live section");
    assert!(general.contains("--namespace"), "{help}");
    assert!(!live.contains("--namespace"), "{help}");
}
