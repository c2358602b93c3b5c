//! The scenarios of `fixtures/drift/`: each asserts the exact drifts, so anything more fails.

use serde_json::{json, Value};

use super::*;

struct Scenario {
    declared: Vec<Value>,
    live: Vec<Live>,
    listed: Vec<GroupKind>,
    config: Config,
}

/// A fixture: `declared`, `live` (read whole), `liveMetadataOnly`, optionally `listed` (the
/// (group, kind) pairs read; by default every kind in the fixture) and `defaultNamespace`.
fn scenario(text: &str) -> Scenario {
    let doc: Value = serde_json::from_str(text).unwrap();
    let array = |key: &str| {
        doc.get(key)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let mut live: Vec<Live> = array("live")
        .into_iter()
        .map(|object| Live { object, full: true })
        .collect();
    live.extend(array("liveMetadataOnly").into_iter().map(|object| Live {
        object,
        full: false,
    }));
    let declared = array("declared");
    let group_kind = |object: &Value| {
        GroupKind::new(
            group_of(object["apiVersion"].as_str().unwrap()),
            object["kind"].as_str().unwrap(),
        )
    };
    let listed = match doc.get("listed") {
        Some(pairs) => pairs
            .as_array()
            .unwrap()
            .iter()
            .map(|p| GroupKind::new(p[0].as_str().unwrap(), p[1].as_str().unwrap()))
            .collect(),
        None => declared
            .iter()
            .chain(live.iter().map(|l| &l.object))
            .map(group_kind)
            .collect(),
    };
    let mut config = Config::default();
    if let Some(namespace) = doc["defaultNamespace"].as_str() {
        config.default_namespace = namespace.into();
    }
    Scenario {
        declared,
        live,
        listed,
        config,
    }
}

macro_rules! fixture {
    ($name:literal) => {
        scenario(include_str!(concat!(
            "../../fixtures/drift/",
            $name,
            ".json"
        )))
    };
}

impl Scenario {
    fn run(&self) -> Report {
        compare(&self.declared, &self.live, &self.listed, &self.config)
    }

    fn lines(&self) -> Vec<String> {
        lines(&self.run())
    }

    fn live_object(&mut self, name: &str) -> &mut Value {
        &mut self
            .live
            .iter_mut()
            .find(|l| l.object["metadata"]["name"] == name)
            .unwrap()
            .object
    }
}

/// Each drift as `rule declared live path | message`.
fn lines(report: &Report) -> Vec<String> {
    let index = |i: Option<usize>| i.map_or("-".to_string(), |i| i.to_string());
    report
        .drifts
        .iter()
        .map(|d| {
            let path: Vec<String> = d
                .path
                .iter()
                .map(|step| match step {
                    PathStep::Key(key) => key.clone(),
                    PathStep::Index(i) => i.to_string(),
                })
                .collect();
            format!(
                "{} {} {} {} | {}",
                d.rule.id(),
                index(d.declared),
                index(d.live),
                if path.is_empty() {
                    "-".into()
                } else {
                    path.join("/")
                },
                d.message
            )
        })
        .collect()
}

fn counts(considered: usize, declared: usize) -> Counts {
    Counts {
        considered,
        declared,
    }
}

#[test]
fn a_dashboard_made_by_hand_is_unmanaged() {
    let mut scenario = fixture!("dashboard-configmap");
    let report = scenario.run();
    assert_eq!(
        lines(&report),
        ["unmanaged-object - 3 - | ConfigMap monitoring/dashboard-orders exists only in the \
          cluster: made by kubectl-create (Update) at 2026-11-20T14:03:11Z; no manifest declares it"]
    );
    let writer = report.drifts[0].writer.as_ref().unwrap();
    assert_eq!(
        (writer.manager.as_str(), writer.subresource.as_deref()),
        ("kubectl-create", None)
    );
    assert_eq!(
        (report.coverage.considered, report.coverage.declared),
        (4, 3)
    );
    assert_eq!(
        report.coverage.by_namespace,
        BTreeMap::from([("monitoring".to_string(), counts(4, 3))])
    );

    scenario.config.ignore = vec![Ignore {
        kinds: vec!["ConfigMap".into()],
        names: vec!["dashboard-*".into()],
        ..Ignore::default()
    }];
    let report = scenario.run();
    assert_eq!(lines(&report), Vec::<String>::new());
    assert_eq!(
        (report.coverage.considered, report.coverage.declared),
        (3, 3)
    );
}

#[test]
fn kubectl_scale_drifts_the_declared_replicas() {
    let mut scenario = fixture!("kubectl-scale");
    assert_eq!(
        scenario.lines(),
        [
            "drifted-field 0 0 spec/replicas | spec.replicas is 5 in the cluster, 3 in the \
          manifest; written by kubectl (Update on /scale) at 2026-11-21T10:02:11Z"
        ]
    );
    scenario.config.ignore = vec![Ignore {
        fields: vec!["spec.replicas".into()],
        ..Ignore::default()
    }];
    assert_eq!(scenario.lines(), Vec::<String>::new());
}

#[test]
fn kubectl_set_image_drifts_the_image() {
    assert_eq!(
        fixture!("kubectl-set-image").lines(),
        ["drifted-field 0 0 spec/template/spec/containers/0/image | \
          spec.template.spec.containers[name=web].image is registry.example/shop/web:1.9 in the \
          cluster, registry.example/shop/web:1.8 in the manifest; written by kubectl-set \
          (Update) at 2026-11-21T11:30:00Z"]
    );
}

#[test]
fn an_env_var_added_with_kubectl_edit_is_a_manual_change() {
    assert_eq!(
        fixture!("kubectl-edit-env").lines(),
        ["manual-change 0 0 spec/template/spec/containers/0/env/1 | \
          spec.template.spec.containers[name=web].env[name=LOG_LEVEL] is in the cluster, not in \
          the manifest; written by kubectl-edit (Update); that manager last wrote to this object \
          at 2026-11-21T12:15:42Z"]
    );
}

#[test]
fn a_label_added_with_kubectl_label_is_a_manual_change() {
    assert_eq!(
        fixture!("kubectl-label").lines(),
        [
            "manual-change 0 0 metadata/labels/team | metadata.labels.team is payments in the \
          cluster, not in the manifest; written by kubectl-label (Update); that manager last \
          wrote to this object at 2026-11-21T13:00:00Z"
        ]
    );
}

#[test]
fn a_deleted_service_is_missing_but_an_unread_kind_is_not() {
    let report = fixture!("deleted-service").run();
    assert_eq!(
        lines(&report),
        [
            "missing-object 1 - - | Service shop/web is declared but not in the cluster: deleted, \
          or never applied"
        ]
    );
    assert_eq!(
        report.coverage.by_namespace,
        BTreeMap::from([("shop".to_string(), counts(1, 1))])
    );
}

#[test]
fn a_container_applied_by_hand_is_a_manual_change() {
    let expected = ["manual-change 0 0 spec/template/spec/containers/1 | \
        spec.template.spec.containers[name=idle] is in the cluster, not in the manifest; applied \
        by kubectl-client-side-apply (Update) from another manifest; that manager last wrote to \
        this object at 2026-11-19T16:45:10Z"];
    let mut scenario = fixture!("manual-apply");
    assert_eq!(scenario.lines(), expected);
    // Without the last-applied annotation the item is still the apply's own.
    let annotations = scenario.live_object("checkout")["metadata"]["annotations"]
        .as_object_mut()
        .unwrap();
    annotations.remove(system::LAST_APPLIED);
    assert_eq!(scenario.lines(), expected);
}

#[test]
fn replicas_an_autoscaler_sets_are_never_drift() {
    let mut scenario = fixture!("hpa-replicas");
    assert_eq!(scenario.lines(), Vec::<String>::new());
    // Even when a person scaled: the HPA will set it again.
    let managers = &mut scenario.live_object("api")["metadata"]["managedFields"];
    managers[1]["manager"] = json!("kubectl");
    assert_eq!(scenario.lines(), Vec::<String>::new());
    // Without the HPA, only a controller wrote it: still not drift.
    let mut scenario = fixture!("hpa-replicas");
    scenario.declared.truncate(1);
    scenario.live.truncate(1);
    assert_eq!(scenario.lines(), Vec::<String>::new());
}

#[test]
fn traps_report_nothing() {
    for (name, scenario) in [
        ("injected-sidecar", fixture!("injected-sidecar")),
        ("defaults", fixture!("defaults")),
        ("quantities", fixture!("quantities")),
        ("owned-and-system", fixture!("owned-and-system")),
        ("hpa-versions", fixture!("hpa-versions")),
    ] {
        let report = scenario.run();
        assert_eq!(lines(&report), Vec::<String>::new(), "{name}");
        let declared = scenario.declared.len();
        assert_eq!(
            (report.coverage.considered, report.coverage.declared),
            (declared, declared),
            "{name}"
        );
    }
}

#[test]
fn secrets_are_named_never_shown() {
    let report = fixture!("secret").run();
    assert_eq!(
        lines(&report),
        [
            "drifted-field 0 0 stringData/password | stringData.password is (value hidden) in \
             the cluster, (value hidden) in the manifest; written by kubectl-edit (Update) at \
             2026-11-21T15:20:00Z",
            "drifted-field 1 1 spec/template/spec/containers/0/env/1/value | \
             spec.template.spec.containers[name=billing].env[name=DB_PASSWORD].value is (value \
             hidden) in the cluster, (value hidden) in the manifest; written by kubectl-set \
             (Update) at 2026-11-21T15:25:00Z",
            "unmanaged-object - 2 - | Secret shop/api-token exists only in the cluster: made by \
             kubectl-create (Update) at 2026-11-21T15:30:00Z; no manifest declares it",
        ]
    );
    let all = lines(&report).join("\n");
    // "canary" and its base64 form.
    assert!(
        !all.contains("canary") && !all.contains("Y2FuYXJ5"),
        "{all}"
    );
}

#[test]
fn metadata_only_objects_compare_their_metadata() {
    let declared = json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "settings", "namespace": "shop", "labels": {"app": "shop", "tier": "web"}},
        "data": {"mode": "fast"}});
    let live = json!({"apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "settings", "namespace": "shop",
            "labels": {"app": "shop", "tier": "api", "owner": "ops"},
            "managedFields": [
                {"manager": "helm", "operation": "Update", "time": "2026-11-01T00:00:00Z",
                 "fieldsV1": {"f:data": {".": {}, "f:mode": {}},
                              "f:metadata": {"f:labels": {".": {}, "f:app": {}}}}},
                {"manager": "kubectl-label", "operation": "Update", "time": "2026-11-02T00:00:00Z",
                 "fieldsV1": {"f:metadata": {"f:labels": {"f:owner": {}, "f:tier": {}}}}}]}});
    let report = compare(
        &[declared],
        &[Live {
            object: live,
            full: false,
        }],
        &[GroupKind::new("", "ConfigMap")],
        &Config::default(),
    );
    assert_eq!(
        lines(&report),
        [
            "drifted-field 0 0 metadata/labels/tier | metadata.labels.tier is api in the \
             cluster, web in the manifest; written by kubectl-label (Update) at \
             2026-11-02T00:00:00Z",
            "manual-change 0 0 metadata/labels/owner | metadata.labels.owner is ops in the \
             cluster, not in the manifest; written by kubectl-label (Update); that manager last \
             wrote to this object at 2026-11-02T00:00:00Z",
        ]
    );
}

#[test]
fn cluster_scoped_and_default_namespaces() {
    let role = json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
        "metadata": {"name": "reader"}, "rules": []});
    let widget =
        json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}});
    let cluster_widget = json!({"apiVersion": "example.com/v1", "kind": "Widget",
        "metadata": {"name": "w"}});
    let report = compare(
        &[role, widget],
        &[Live {
            object: cluster_widget,
            full: true,
        }],
        &[
            GroupKind::new("rbac.authorization.k8s.io", "ClusterRole"),
            GroupKind::new("example.com", "Widget"),
        ],
        &Config::default(),
    );
    // The Widget is learnt to be cluster-scoped from the live list.
    assert_eq!(
        lines(&report),
        [
            "missing-object 0 - - | ClusterRole reader is declared but not in the cluster: \
          deleted, or never applied"
        ]
    );
    assert_eq!(
        report.coverage.by_namespace,
        BTreeMap::from([(CLUSTER_SCOPE.to_string(), counts(1, 1))])
    );
}

#[test]
fn rule_ids() {
    let ids = [
        Rule::UnmanagedObject,
        Rule::MissingObject,
        Rule::DriftedField,
        Rule::ManualChange,
    ]
    .map(Rule::id);
    assert_eq!(
        ids,
        [
            "unmanaged-object",
            "missing-object",
            "drifted-field",
            "manual-change"
        ]
    );
}

#[test]
fn a_rollout_restart_is_a_manual_change_and_long_values_are_cut() {
    let mut scenario = fixture!("kubectl-label");
    let web = scenario.live_object("web");
    web["metadata"]["labels"]
        .as_object_mut()
        .unwrap()
        .remove("team");
    web["spec"]["template"]["metadata"]["annotations"] =
        json!({"kubectl.kubernetes.io/restartedAt": "2026-11-21T04:48:20Z"});
    web["metadata"]["managedFields"][1] = json!({"manager": "kubectl-rollout",
        "operation": "Update", "apiVersion": "apps/v1", "time": "2026-11-21T04:48:20Z",
        "fieldsType": "FieldsV1", "fieldsV1": {"f:spec": {"f:template": {"f:metadata": {
            "f:annotations": {".": {}, "f:kubectl.kubernetes.io/restartedAt": {}}}}}}});
    assert_eq!(
        scenario.lines(),
        ["manual-change 0 0 spec/template/metadata/annotations/kubectl.kubernetes.io/restartedAt \
          | spec.template.metadata.annotations.kubectl.kubernetes.io/restartedAt is \
          2026-11-21T04:48:20Z in the cluster, not in the manifest; written by kubectl-rollout \
          (Update); that manager last wrote to this object at 2026-11-21T04:48:20Z"]
    );
    assert_eq!(
        show(&json!("x".repeat(61)), false),
        format!("{}…", "x".repeat(60))
    );
    assert_eq!(show(&json!("a\nb"), false), r#""a\nb""#);
    assert_eq!(show(&json!(""), false), r#""""#);
}
