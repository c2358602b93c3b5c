//! The system's part: cluster-scoped kinds, objects Kubernetes makes by itself, fields the
//! server owns, and the defaults it fills in.

use serde_json::Value;

use super::path::PathStep;

/// The built-in kinds that have no namespace, by API group. Kinds learnt from the live objects
/// (any listed without a namespace) are added to these.
pub(crate) const CLUSTER_SCOPED: &[(&str, &str)] = &[
    ("", "Namespace"),
    ("", "Node"),
    ("", "PersistentVolume"),
    ("", "ComponentStatus"),
    ("storage.k8s.io", "StorageClass"),
    ("storage.k8s.io", "CSIDriver"),
    ("storage.k8s.io", "CSINode"),
    ("storage.k8s.io", "VolumeAttachment"),
    ("storage.k8s.io", "VolumeAttributesClass"),
    ("apiextensions.k8s.io", "CustomResourceDefinition"),
    ("apiregistration.k8s.io", "APIService"),
    ("networking.k8s.io", "IngressClass"),
    ("networking.k8s.io", "IPAddress"),
    ("networking.k8s.io", "ServiceCIDR"),
    ("rbac.authorization.k8s.io", "ClusterRole"),
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
    ("scheduling.k8s.io", "PriorityClass"),
    ("node.k8s.io", "RuntimeClass"),
    (
        "admissionregistration.k8s.io",
        "MutatingWebhookConfiguration",
    ),
    (
        "admissionregistration.k8s.io",
        "ValidatingWebhookConfiguration",
    ),
    ("admissionregistration.k8s.io", "ValidatingAdmissionPolicy"),
    (
        "admissionregistration.k8s.io",
        "ValidatingAdmissionPolicyBinding",
    ),
    ("admissionregistration.k8s.io", "MutatingAdmissionPolicy"),
    (
        "admissionregistration.k8s.io",
        "MutatingAdmissionPolicyBinding",
    ),
    ("certificates.k8s.io", "CertificateSigningRequest"),
    ("certificates.k8s.io", "ClusterTrustBundle"),
    ("flowcontrol.apiserver.k8s.io", "FlowSchema"),
    ("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration"),
    ("resource.k8s.io", "DeviceClass"),
];

/// Kinds whose objects only the system makes.
const SYSTEM_KINDS: &[(&str, &str)] = &[
    ("", "Endpoints"),
    ("", "Event"),
    ("events.k8s.io", "Event"),
    ("discovery.k8s.io", "EndpointSlice"),
    ("coordination.k8s.io", "Lease"),
    ("", "Node"),
    ("", "ComponentStatus"),
    ("storage.k8s.io", "CSINode"),
    ("apps", "ControllerRevision"),
];

/// Labels and annotations the system puts on what it makes.
const SYSTEM_MARKS: &[&str] = &[
    "kubernetes.io/bootstrapping",
    "kube-aggregator.kubernetes.io/automanaged",
    "addonmanager.kubernetes.io/mode",
    "apf.kubernetes.io/autoupdate-spec",
];

/// The annotation client-side apply keeps its last manifest in.
pub(crate) const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";

/// Metadata fields the server sets (and `name`/`namespace`, which matching already used).
const SERVER_METADATA: &[&str] = &[
    "name",
    "namespace",
    "uid",
    "resourceVersion",
    "generation",
    "creationTimestamp",
    "managedFields",
    "selfLink",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
    "ownerReferences",
];

/// Whether Kubernetes made this object itself (or keeps it for a tool, as Helm's release
/// records): anything in a `kube-*` namespace, Endpoints, EndpointSlices, Leases, Events, Nodes,
/// the `default` ServiceAccount, the `kube-root-ca.crt` ConfigMap, the `kubernetes` Service,
/// ServiceAccount token Secrets, Helm release Secrets and ConfigMaps, bootstrap RBAC
/// (`system:*`), system PriorityClasses, and objects marked by the aggregator, the add-on
/// manager or API priority and fairness. Works on metadata alone.
pub(crate) fn made_by_system(object: &Value, group: &str, kind: &str, namespace: &str) -> bool {
    let meta = |key: &str| object.pointer(&format!("/metadata/{key}"));
    let name = meta("name").and_then(Value::as_str).unwrap_or("");
    let label = |key: &str| {
        meta("labels")
            .and_then(|l| l.get(key))
            .and_then(Value::as_str)
    };
    let annotated = |key: &str| meta("annotations").and_then(|a| a.get(key)).is_some();
    let core = group.is_empty();
    let helm_release = label("owner") == Some("helm")
        && (name.starts_with("sh.helm.release.v1.")
            || object.get("type").and_then(Value::as_str) == Some("helm.sh/release.v1"));
    namespace.starts_with("kube-")
        || SYSTEM_KINDS.contains(&(group, kind))
        || SYSTEM_MARKS
            .iter()
            .any(|m| label(m).is_some() || annotated(m))
        || match (core, kind) {
            (true, "Namespace") => name == "default" || name.starts_with("kube-"),
            (true, "ServiceAccount") => name == "default",
            (true, "ConfigMap") => name == "kube-root-ca.crt" || helm_release,
            (true, "Service") => name == "kubernetes" && namespace == "default",
            (true, "Secret") => {
                helm_release
                    || annotated("kubernetes.io/service-account.name")
                    || object.get("type").and_then(Value::as_str)
                        == Some("kubernetes.io/service-account-token")
            }
            (_, "ClusterRole" | "ClusterRoleBinding" | "Role" | "RoleBinding") => {
                group == "rbac.authorization.k8s.io" && name.starts_with("system:")
            }
            (_, "PriorityClass") => name.starts_with("system-"),
            _ => false,
        }
}

/// Whether the field at `path` is never compared: `apiVersion`, `kind`, `status`, the metadata
/// the server sets, and the last-applied annotation (bookkeeping of `kubectl apply`).
pub(crate) fn server_owned(path: &[PathStep]) -> bool {
    let key = |at: usize| match path.get(at) {
        Some(PathStep::Key(key)) => key.as_str(),
        _ => "",
    };
    match (path.len(), key(0)) {
        (1, "apiVersion" | "kind") => true,
        (_, "status") => true,
        (2, "metadata") => SERVER_METADATA.contains(&key(1)),
        (3, "metadata") => key(1) == "annotations" && key(2) == LAST_APPLIED,
        _ => false,
    }
}

/// Whether `value`, under `key` in `parent`, is what the API server fills in when a manifest
/// leaves the field out (or allocates itself, as a Service's `clusterIP`). An Update that creates
/// an object owns these defaults in `managedFields`, so they cannot tell a hand-set field from a
/// default; a value equal to the default changes nothing either way.
pub(crate) fn is_default(key: &str, value: &Value, parent: &Value) -> bool {
    let text = value.as_str();
    let int = value.as_i64();
    match key {
        "clusterIP" | "clusterIPs" | "ipFamilies" => true,
        "imagePullPolicy" => {
            let image = parent.get("image").and_then(Value::as_str).unwrap_or("");
            let name = image.rsplit('/').next().unwrap_or(image);
            let latest = !image.contains('@')
                && name.rsplit_once(':').is_none_or(|(_, tag)| tag == "latest");
            text == Some(if latest { "Always" } else { "IfNotPresent" })
        }
        "targetPort" => parent.get("port") == Some(value),
        "serviceAccount" => parent.get("serviceAccountName") == Some(value),
        "terminationMessagePath" => text == Some("/dev/termination-log"),
        "terminationMessagePolicy" => text == Some("File"),
        "dnsPolicy" => text == Some("ClusterFirst"),
        "restartPolicy" => text == Some("Always"),
        "schedulerName" => text == Some("default-scheduler"),
        "terminationGracePeriodSeconds" => int == Some(30),
        "progressDeadlineSeconds" => int == Some(600),
        "revisionHistoryLimit" => int == Some(10),
        "maxSurge" | "maxUnavailable" => text == Some("25%"),
        "type" => matches!(text, Some("RollingUpdate" | "ClusterIP" | "Opaque")),
        "protocol" => text == Some("TCP"),
        "sessionAffinity" => text == Some("None"),
        "internalTrafficPolicy" => text == Some("Cluster"),
        "ipFamilyPolicy" => text == Some("SingleStack"),
        "defaultMode" => int == Some(420),
        "scheme" => text == Some("HTTP"),
        "successThreshold" | "parallelism" | "completions" => int == Some(1),
        "failureThreshold" | "successfulJobsHistoryLimit" => int == Some(3),
        "periodSeconds" => int == Some(10),
        "timeoutSeconds" => int == Some(1),
        "failedJobsHistoryLimit" => int == Some(1),
        "backoffLimit" => int == Some(6),
        "podManagementPolicy" => text == Some("OrderedReady"),
        "partition" | "priority" => int == Some(0),
        "concurrencyPolicy" => text == Some("Allow"),
        "completionMode" => text == Some("NonIndexed"),
        "volumeMode" => text == Some("Filesystem"),
        "preemptionPolicy" => text == Some("PreemptLowerPriority"),
        "suspend" => value.as_bool() == Some(false),
        "enableServiceLinks" => value.as_bool() == Some(true),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn system_objects() {
        let system = |object: Value, group: &str, kind: &str, ns: &str| {
            made_by_system(&object, group, kind, ns)
        };
        let named = |name: &str| json!({"metadata": {"name": name}});
        assert!(system(
            named("coredns"),
            "apps",
            "Deployment",
            "kube-system"
        ));
        assert!(system(named("default"), "", "ServiceAccount", "shop"));
        assert!(system(named("kube-root-ca.crt"), "", "ConfigMap", "shop"));
        assert!(system(named("web"), "", "Endpoints", "shop"));
        assert!(system(
            named("web-x1"),
            "discovery.k8s.io",
            "EndpointSlice",
            "shop"
        ));
        assert!(system(
            named("system:node"),
            "rbac.authorization.k8s.io",
            "ClusterRole",
            ""
        ));
        let token = json!({"metadata": {"name": "builder-token", "annotations": {
            "kubernetes.io/service-account.name": "builder"}}});
        assert!(system(token, "", "Secret", "shop"));
        let release = json!({"metadata": {"name": "sh.helm.release.v1.shop.v3",
            "labels": {"owner": "helm", "name": "shop"}}});
        assert!(system(release, "", "Secret", "shop"));
        assert!(!system(named("robot"), "", "ServiceAccount", "shop"));
        assert!(!system(
            named("dashboard-orders"),
            "",
            "ConfigMap",
            "monitoring"
        ));
        assert!(!system(named("db"), "", "Secret", "shop"));
        assert!(!system(named("kubernetes"), "", "Service", "shop"));
    }

    #[test]
    fn server_owned_fields() {
        let path = |keys: &[&str]| -> Vec<PathStep> {
            keys.iter().map(|k| PathStep::Key(k.to_string())).collect()
        };
        assert!(server_owned(&path(&["status", "replicas"])));
        assert!(server_owned(&path(&["metadata", "resourceVersion"])));
        assert!(server_owned(&path(&[
            "metadata",
            "annotations",
            LAST_APPLIED
        ])));
        assert!(server_owned(&path(&["kind"])));
        assert!(!server_owned(&path(&["metadata", "labels"])));
        assert!(!server_owned(&path(&["spec", "status"])));
    }

    #[test]
    fn defaults() {
        let container = json!({"image": "registry.example/shop/web:1.4"});
        assert!(is_default(
            "imagePullPolicy",
            &json!("IfNotPresent"),
            &container
        ));
        assert!(!is_default("imagePullPolicy", &json!("Always"), &container));
        let latest = json!({"image": "registry.example:5000/web"});
        assert!(is_default("imagePullPolicy", &json!("Always"), &latest));
        assert!(is_default("targetPort", &json!(80), &json!({"port": 80})));
        assert!(!is_default(
            "targetPort",
            &json!(8080),
            &json!({"port": 80})
        ));
        assert!(is_default("dnsPolicy", &json!("ClusterFirst"), &json!({})));
        assert!(!is_default("dnsPolicy", &json!("None"), &json!({})));
        assert!(!is_default("replicas", &json!(1), &json!({})));
    }
}
