//! The resource catalogue and the discovery documents built from it.
//!
//! Shapes follow what kube-apiserver 1.36 serves: `/api` (APIVersions), `/api/v1` and
//! `/apis/{g}/{v}` (APIResourceList, sorted by name, subresources as `plural/sub`),
//! `/apis` (APIGroupList) and the aggregated `APIGroupDiscoveryList` (apidiscovery.k8s.io/v2).

use serde_json::{json, Value};

const RW: Verbs = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];
const NO_COLLECTION: Verbs = &[
    "create", "delete", "get", "list", "patch", "update", "watch",
];
const CREATE: Verbs = &["create"];
const GET_LIST: Verbs = &["get", "list"];

/// One served resource (not a subresource) in one group version.
#[derive(Clone, Debug)]
pub(crate) struct Resource {
    pub group: String,
    pub version: String,
    pub kind: String,
    pub plural: String,
    pub singular: String,
    pub namespaced: bool,
    pub verbs: Verbs,
    pub short_names: Vec<String>,
    pub categories: Vec<String>,
    /// Subresource names: `status`, `scale`, `log`, `exec`, `eviction`.
    pub subresources: Vec<String>,
}

impl Resource {
    pub fn group_version(&self) -> String {
        group_version(&self.group, &self.version)
    }
    pub fn listable(&self) -> bool {
        self.verbs.contains(&"list")
    }
    /// `deployments.apps` / `pods`: how the apiserver names a resource in messages.
    pub fn qualified(&self) -> String {
        if self.group.is_empty() {
            self.plural.clone()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }
}

pub(crate) fn group_version(group: &str, version: &str) -> String {
    if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    }
}

pub(crate) fn custom(
    group: &str,
    version: &str,
    kind: &str,
    plural: &str,
    namespaced: bool,
) -> Resource {
    Resource {
        group: group.into(),
        version: version.into(),
        kind: kind.into(),
        plural: plural.into(),
        singular: kind.to_lowercase(),
        namespaced,
        verbs: RW,
        short_names: vec![],
        categories: vec![],
        subresources: vec![],
    }
}

/// The built-in resources, groups in the order a real server registers them. Seven words
/// each: group/version, plural, Kind, scope, short names, categories, subresources (`-`: none).
const BUILTIN: &str = "
    v1 bindings Binding ns - - -
    v1 componentstatuses ComponentStatus cluster cs - -
    v1 configmaps ConfigMap ns cm - -
    v1 endpoints Endpoints ns ep - -
    v1 events Event ns ev - -
    v1 namespaces Namespace cluster ns - status
    v1 nodes Node cluster no - status
    v1 persistentvolumeclaims PersistentVolumeClaim ns pvc - status
    v1 pods Pod ns po all eviction,exec,log,status
    v1 replicationcontrollers ReplicationController ns rc all scale,status
    v1 secrets Secret ns - - -
    v1 serviceaccounts ServiceAccount ns sa - -
    v1 services Service ns svc all status
    apps/v1 daemonsets DaemonSet ns ds all status
    apps/v1 deployments Deployment ns deploy all scale,status
    apps/v1 replicasets ReplicaSet ns rs all scale,status
    apps/v1 statefulsets StatefulSet ns sts all scale,status
    authentication.k8s.io/v1 tokenreviews TokenReview cluster - - -
    autoscaling/v2 horizontalpodautoscalers HorizontalPodAutoscaler ns hpa all status
    autoscaling/v1 horizontalpodautoscalers HorizontalPodAutoscaler ns hpa all status
    batch/v1 cronjobs CronJob ns cj all status
    batch/v1 jobs Job ns - all status
    networking.k8s.io/v1 ingressclasses IngressClass cluster - - -
    networking.k8s.io/v1 ingresses Ingress ns ing - status
    networking.k8s.io/v1 networkpolicies NetworkPolicy ns netpol - -
    policy/v1 poddisruptionbudgets PodDisruptionBudget ns pdb - status
    rbac.authorization.k8s.io/v1 clusterrolebindings ClusterRoleBinding cluster - - -
    rbac.authorization.k8s.io/v1 clusterroles ClusterRole cluster - - -
    rbac.authorization.k8s.io/v1 rolebindings RoleBinding ns - - -
    rbac.authorization.k8s.io/v1 roles Role ns - - -
    apiextensions.k8s.io/v1 customresourcedefinitions CustomResourceDefinition cluster
        crd,crds api-extensions status
    coordination.k8s.io/v1 leases Lease ns - - -
    discovery.k8s.io/v1 endpointslices EndpointSlice ns - - -
";

pub(crate) fn builtin() -> Vec<Resource> {
    let list = |s: &str| -> Vec<String> {
        s.split(',')
            .filter(|s| *s != "-")
            .map(String::from)
            .collect()
    };
    let words: Vec<&str> = BUILTIN.split_whitespace().collect();
    let rows = words.chunks_exact(7);
    rows.map(|row| {
        let [gv, plural, kind, scope, short, categories, subs] = row else {
            unreachable!("chunks of seven")
        };
        let (group, version) = gv.rsplit_once('/').unwrap_or(("", gv));
        let mut r = custom(group, version, kind, plural, *scope == "ns");
        r.verbs = match *plural {
            "bindings" | "tokenreviews" => CREATE,
            "componentstatuses" => GET_LIST,
            "namespaces" => NO_COLLECTION,
            _ => RW,
        };
        (r.short_names, r.categories) = (list(short), list(categories));
        r.subresources = list(subs);
        r
    })
    .collect()
}

type Verbs = &'static [&'static str];

/// What a subresource answers with: a kind of another group (Scale, Eviction) or of its own.
fn subresource(
    parent: &Resource,
    name: &str,
) -> (Option<(&'static str, &'static str)>, String, Verbs) {
    match name {
        "scale" => (
            Some(("autoscaling", "v1")),
            "Scale".into(),
            &["get", "patch", "update"],
        ),
        "eviction" => (Some(("policy", "v1")), "Eviction".into(), CREATE),
        "exec" => (None, "PodExecOptions".into(), &["create", "get"]),
        "log" => (None, parent.kind.clone(), &["get"]),
        _ => (None, parent.kind.clone(), &["get", "patch", "update"]),
    }
}

/// Kubernetes version priority: GA before beta before alpha, higher numbers first.
fn version_rank(v: &str) -> (u8, u32, u32) {
    let Some(rest) = v.strip_prefix('v') else {
        return (0, 0, 0);
    };
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    let Ok(major) = digits.parse::<u32>() else {
        return (0, 0, 0);
    };
    let tail = &rest[digits.len()..];
    let (level, tail) = if tail.is_empty() {
        (3, "")
    } else if let Some(t) = tail.strip_prefix("beta") {
        (2, t)
    } else if let Some(t) = tail.strip_prefix("alpha") {
        (1, t)
    } else {
        return (0, 0, 0);
    };
    (level, major, tail.parse().unwrap_or(0))
}

/// Groups (core excluded) in registration order, each with its versions in preference order.
pub(crate) fn groups(resources: &[Resource]) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for r in resources.iter().filter(|r| !r.group.is_empty()) {
        let at = match out.iter().position(|(g, _)| *g == r.group) {
            Some(at) => at,
            None => {
                out.push((r.group.clone(), vec![]));
                out.len() - 1
            }
        };
        if !out[at].1.contains(&r.version) {
            out[at].1.push(r.version.clone());
        }
    }
    for (_, versions) in &mut out {
        versions.sort_by(|a, b| version_rank(b).cmp(&version_rank(a)).then_with(|| a.cmp(b)));
    }
    out
}

/// A stable stand-in for `storageVersionHash` (8 bytes, base64, as real servers print it).
fn storage_hash(r: &Resource) -> String {
    let h = super::fnv(&format!("{}/{}", r.group, r.plural)).to_be_bytes();
    let mut s = super::base64_encode(&h, false);
    s.push('=');
    s
}

fn in_version<'a>(
    resources: &'a [Resource],
    group: &'a str,
    version: &'a str,
) -> impl Iterator<Item = &'a Resource> {
    resources
        .iter()
        .filter(move |r| r.group == group && r.version == version)
}

/// `GET /api/v1` or `GET /apis/{group}/{version}`.
pub(crate) fn resource_list(resources: &[Resource], group: &str, version: &str) -> Value {
    let mut entries: Vec<Value> = Vec::new();
    for r in in_version(resources, group, version) {
        let mut e = json!({
            "name": r.plural, "singularName": r.singular, "namespaced": r.namespaced,
            "kind": r.kind, "verbs": r.verbs,
        });
        for (key, list) in [
            ("shortNames", &r.short_names),
            ("categories", &r.categories),
        ] {
            if !list.is_empty() {
                e[key] = json!(list);
            }
        }
        if r.listable() {
            e["storageVersionHash"] = json!(storage_hash(r));
        }
        entries.push(e);
        for sub in &r.subresources {
            let (gv, kind, verbs) = subresource(r, sub);
            let mut e = json!({
                "name": format!("{}/{sub}", r.plural), "singularName": "",
                "namespaced": r.namespaced, "kind": kind, "verbs": verbs,
            });
            if let Some((g, v)) = gv {
                e["group"] = json!(g);
                e["version"] = json!(v);
            }
            entries.push(e);
        }
    }
    entries.sort_by(|a, b| a["name"].as_str().cmp(&b["name"].as_str()));
    let mut doc = json!({
        "kind": "APIResourceList",
        "groupVersion": group_version(group, version),
        "resources": entries,
    });
    // The core list carries no apiVersion on a real server; group lists do.
    if !group.is_empty() {
        doc["apiVersion"] = json!("v1");
    }
    doc
}

fn group_entry(name: &str, versions: &[String]) -> Value {
    let gv = |v: &String| json!({"groupVersion": group_version(name, v), "version": v});
    json!({
        "name": name,
        "versions": versions.iter().map(gv).collect::<Vec<_>>(),
        "preferredVersion": versions.first().map(gv),
    })
}

/// `GET /apis`.
pub(crate) fn group_list(resources: &[Resource]) -> Value {
    let groups: Vec<Value> = groups(resources)
        .iter()
        .map(|(g, vs)| group_entry(g, vs))
        .collect();
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
}

/// `GET /apis/{group}`.
pub(crate) fn group(resources: &[Resource], name: &str) -> Option<Value> {
    let groups = groups(resources);
    let (g, vs) = groups.iter().find(|(g, _)| g == name)?;
    let mut doc = group_entry(g, vs);
    doc["kind"] = json!("APIGroup");
    doc["apiVersion"] = json!("v1");
    Some(doc)
}

/// `GET /api`.
pub(crate) fn core_versions(server_address: &str) -> Value {
    json!({
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [
            {"clientCIDR": "0.0.0.0/0", "serverAddress": server_address},
        ],
    })
}

/// One resource of aggregated discovery, its subresources nested in it.
fn aggregated_resource(r: &Resource) -> Value {
    let gvk = |g: &str, v: &str, k: &str| json!({"group": g, "version": v, "kind": k});
    let subs: Vec<Value> = r
        .subresources
        .iter()
        .map(|sub| {
            let (gv, kind, verbs) = subresource(r, sub);
            let (g, v) = gv.unwrap_or((&r.group, &r.version));
            json!({"subresource": sub, "responseKind": gvk(g, v, &kind), "verbs": verbs})
        })
        .collect();
    let mut e = json!({
        "resource": r.plural,
        "responseKind": gvk(&r.group, &r.version, &r.kind),
        "scope": if r.namespaced { "Namespaced" } else { "Cluster" },
        "singularResource": r.singular,
        "verbs": r.verbs,
    });
    for (key, list) in [
        ("shortNames", &r.short_names),
        ("categories", &r.categories),
    ] {
        if !list.is_empty() {
            e[key] = json!(list);
        }
    }
    if !subs.is_empty() {
        e["subresources"] = json!(subs);
    }
    e
}

fn aggregated_group(resources: &[Resource], name: &str, versions: &[String]) -> Value {
    let versions: Vec<Value> = versions
        .iter()
        .map(|v| {
            let mut list: Vec<&Resource> = in_version(resources, name, v).collect();
            list.sort_by(|a, b| a.plural.cmp(&b.plural));
            let resources: Vec<Value> = list.into_iter().map(aggregated_resource).collect();
            json!({"version": v, "resources": resources, "freshness": "Current"})
        })
        .collect();
    // The core group has no name; a real server still prints `creationTimestamp: null`.
    let mut metadata = json!({"creationTimestamp": null});
    if !name.is_empty() {
        metadata["name"] = json!(name);
    }
    json!({"metadata": metadata, "versions": versions})
}

/// Aggregated discovery for `/api` (core = true) or `/apis`.
pub(crate) fn aggregated(resources: &[Resource], core: bool) -> Value {
    let items: Vec<Value> = if core {
        vec![aggregated_group(resources, "", &["v1".to_string()])]
    } else {
        groups(resources)
            .iter()
            .map(|(g, vs)| aggregated_group(resources, g, vs))
            .collect()
    };
    json!({
        "kind": "APIGroupDiscoveryList",
        "apiVersion": "apidiscovery.k8s.io/v2",
        "metadata": {},
        "items": items,
    })
}

/// `GET /version`.
pub(crate) fn version() -> Value {
    json!({
        "major": "1", "minor": "36", "emulationMajor": "1", "emulationMinor": "36",
        "minCompatibilityMajor": "1", "minCompatibilityMinor": "35",
        "gitVersion": "v1.36.0", "gitCommit": "0000000000000000000000000000000000000000",
        "gitTreeState": "clean", "buildDate": "2026-06-01T00:00:00Z", "goVersion": "go1.25.4",
        "compiler": "gc", "platform": "linux/amd64",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_sort_by_kubernetes_priority() {
        let mut v = vec!["v1", "v2beta1", "v2", "v1alpha1", "v10"];
        v.sort_by_key(|v| std::cmp::Reverse(version_rank(v)));
        assert_eq!(v, ["v10", "v2", "v1", "v2beta1", "v1alpha1"]);
    }
}
