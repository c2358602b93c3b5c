//! Rules across objects: where an object without a namespace is
//! (`--namespace`), and what their messages say about the other objects.

use std::process::Stdio;

use serde_json::{json, Value};

use crate::kube_api::{Cluster, Server};
use crate::support::{command, json, seaworthy_in, stderr, stdout, write_files};

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

    // `export` always reads a cluster: there it is only the namespace to read.
    let out = seaworthy_in(std::path::Path::new("."), &["export", "--help"]);
    let help = stdout(&out);
    let (_, live) = help.split_once("Live cluster:").expect("a live section");
    assert!(
        live.contains("-n, --namespace <NAME>           The namespace to read (default: the context's, else `default`)"),
        "{help}"
    );
    assert!(!help.contains("kubectl apply"), "{help}");
}

fn ingress(namespace: &str, name: &str, class: Option<&str>, host: &str, path: &str) -> String {
    let class = class.map_or(String::new(), |c| format!("  ingressClassName: {c}\n"));
    format!(
        "apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {name}
  namespace: {namespace}
spec:
{class}  rules:
    - host: {host}
      http:
        paths:
          - path: {path}
            pathType: Prefix
            backend:
              service:
                name: {name}
                port:
                  number: 80
"
    )
}

#[test]
fn a_duplicate_route_names_the_other_ingress_its_file_and_the_class() {
    let dir = tempfile::tempdir().unwrap();
    let checkout = ingress(
        "payments",
        "checkout",
        Some("nginx"),
        "pay.example.com",
        "/api",
    );
    let next = ingress(
        "payments-next",
        "checkout",
        Some("nginx"),
        "pay.example.com",
        "/api/",
    );
    let internal = ingress(
        "ops",
        "checkout",
        Some("internal"),
        "pay.example.com",
        "/api",
    );
    write_files(
        dir.path(),
        &[
            ("payments/ingress.yaml", &checkout),
            ("next/ingress.yaml", &next),
            ("ops/ingress.yaml", &internal),
        ],
    );
    let out = seaworthy_in(
        dir.path(),
        &[
            "lint",
            "--no-config",
            "--format",
            "concise",
            "--select",
            "duplicate-ingress-host",
            ".",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("next/ingress.yaml:12:13: error[duplicate-ingress-host] host \"pay.example.com\" path \"/api/\" (Prefix) is also claimed by another Ingress of class \"nginx\": payments/checkout (payments/ingress.yaml)"),
        "{text}"
    );
    assert!(
        text.contains("payments/ingress.yaml:12:13: error[duplicate-ingress-host] host \"pay.example.com\" path \"/api\" (Prefix) is also claimed by another Ingress of class \"nginx\": payments-next/checkout (next/ingress.yaml)"),
        "{text}"
    );
    // The Ingress of another class is served by another controller.
    assert!(!text.contains("ops/ingress.yaml:"), "{text}");
}

/// `--namespace` is for objects that name none; objects read from a cluster
/// always carry theirs (or are cluster-scoped), so a live run is the same
/// whatever it says, and an Ingress without a class meets those of the
/// cluster's default IngressClass.
#[test]
fn objects_read_from_a_cluster_keep_their_namespace() {
    let mut cluster = Cluster::new();
    let object = |text: &str| -> Value { serde_yaml::from_str(text).unwrap() };
    cluster.add(object(
        SERVICE_WITHOUT_NAMESPACE
            .replace("name: web", "name: web\n  namespace: shop")
            .as_str(),
    ));
    cluster.add(object(DEPLOYMENT_IN_SHOP));
    cluster.add(object(
        &SERVICE_WITHOUT_NAMESPACE
            .replace("name: web", "name: orphan\n  namespace: shop")
            .replace("app: web", "app: gone"),
    ));
    cluster.add(object(&ingress(
        "shop",
        "web",
        None,
        "shop.example.com",
        "/",
    )));
    cluster.add(object(&ingress(
        "shop-next",
        "web",
        Some("nginx"),
        "shop.example.com",
        "/",
    )));
    cluster.add(json!({
        "apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
        "metadata": {"name": "nginx", "annotations": {"ingressclass.kubernetes.io/is-default-class": "true"}},
        "spec": {"controller": "k8s.io/ingress-nginx"},
    }));
    let server = Server::start(cluster);
    let dir = tempfile::tempdir().unwrap();
    let kubeconfig = dir.path().join("kubeconfig");
    server.write_kubeconfig(&kubeconfig, "test", Some("shop"), "");
    let live = |args: &[&str]| {
        let out = command(dir.path())
            .env_remove("KUBECONFIG")
            .env("HOME", dir.path())
            .args(["lint", "--no-config", "--live", "--kubeconfig"])
            .arg(&kubeconfig)
            .args([
                "--format",
                "json",
                "--fail-on",
                "warning",
                "--select",
                "dangling-service,duplicate-ingress-host",
            ])
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        json(&out)
    };
    let in_shop = live(&["-n", "shop"]);
    assert_eq!(
        messages(&in_shop, "dangling-service"),
        ["Service \"orphan\" selects no pods: no pod template in namespace \"shop\" has labels app=gone"]
    );
    let everywhere = live(&["-A"]);
    assert_eq!(
        messages(&everywhere, "dangling-service"),
        messages(&in_shop, "dangling-service")
    );
    assert_eq!(
        messages(&everywhere, "duplicate-ingress-host"),
        [
            "host \"shop.example.com\" path \"/\" (Prefix) is also claimed by another Ingress of class \"nginx\": shop-next/web (k8s://test/shop-next/Ingress/web)",
            "host \"shop.example.com\" path \"/\" (Prefix) is also claimed by another Ingress of class \"nginx\": shop/web (k8s://test/shop/Ingress/web)",
        ]
    );
}
