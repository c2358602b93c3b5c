//! A generator of realistic live objects: a Deployment applied with `kubectl apply`, its
//! controller-owned ReplicaSet and Pod, a Service and a ConfigMap, with the defaults, status
//! and `managedFields` a real cluster records (modelled on recorded kube-apiserver 1.36
//! responses).

use serde_json::{json, Map, Value};

use super::{fnv, uid};

const REVISION: &str = "deployment.kubernetes.io/revision";
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";
const TIERS: [&str; 3] = ["web", "api", "worker"];

/// The five live objects of workload `name` in `namespace`: Deployment, ReplicaSet, Pod,
/// Service, ConfigMap. `i` varies them: `i % 3 == 1` has no probes, `i % 4 == 2` requests
/// without limits, `i % 8 == 6` no resources at all, `i % 5 == 3` a `:latest` image,
/// `i % 10 == 7` an untagged image, `i % 6 == 0` one replica, odd `i` no security context,
/// `i % 11 == 5` a pod that is not ready and restarting.
pub fn workload(namespace: &str, name: &str, i: usize) -> Vec<Value> {
    let w = Workload::new(namespace, name, i);
    let applied = w.applied_deployment();
    let mut template = applied["spec"]["template"]["spec"].clone();
    default_pod_spec(&mut template, w.always_pull);
    vec![
        w.deployment(&applied, template.clone()),
        w.replica_set(template.clone()),
        w.pod(template),
        w.service(),
        w.config_map(),
    ]
}

struct Workload<'a> {
    ns: &'a str,
    name: &'a str,
    i: usize,
    /// Seconds after the base time at which it was applied.
    t0: u64,
    labels: Value,
    image: String,
    always_pull: bool,
    replicas: u64,
    ready: bool,
    hash: String,
    rs_name: String,
    pod_name: String,
}

impl<'a> Workload<'a> {
    fn new(ns: &'a str, name: &'a str, i: usize) -> Self {
        let image = match (i % 5, i % 10) {
            (3, _) => format!("registry.example.com/shop/{name}:latest"),
            (_, 7) => format!("registry.example.com/shop/{name}"),
            _ => format!("registry.example.com/shop/{name}:1.{}.{}", i % 20, i % 7),
        };
        let tag = image
            .rsplit('/')
            .next()
            .and_then(|last| last.split_once(':'));
        let hash = safe_name(fnv(&format!("{ns}/{name}/{i}")), 10);
        let rs_name = format!("{name}-{hash}");
        let pod_name = format!("{rs_name}-{}", safe_name(fnv(&format!("{rs_name}/{i}")), 5));
        Workload {
            ns,
            name,
            i,
            t0: i as u64 * 7,
            labels: json!({"app": name, "tier": TIERS[i % 3]}),
            always_pull: matches!(tag, None | Some((_, "latest"))),
            image,
            replicas: if i.is_multiple_of(6) { 1 } else { 3 },
            ready: i % 11 != 5,
            hash,
            rs_name,
            pod_name,
        }
    }

    fn available(&self) -> u64 {
        if self.ready {
            self.replicas
        } else {
            self.replicas - 1
        }
    }

    /// The Deployment as written in the manifest.
    fn applied_deployment(&self) -> Value {
        let (name, i) = (self.name, self.i);
        let mut c = json!({
            "name": name, "image": self.image,
            "ports": [{"name": "http", "containerPort": 8080}],
            "env": [{"name": "CONFIG_PATH", "value": "/etc/app/config.yaml"}],
            "volumeMounts": [{"name": "config", "mountPath": "/etc/app", "readOnly": true}],
        });
        if i % 3 != 1 {
            let get = |path: &str| json!({"path": path, "port": "http"});
            c["readinessProbe"] = json!({"httpGet": get("/ready"), "periodSeconds": 5});
            c["livenessProbe"] = json!({"httpGet": get("/healthz"), "initialDelaySeconds": 10});
        }
        let requests = json!({"cpu": "100m", "memory": "128Mi"});
        if i % 4 == 2 {
            c["resources"] = json!({"requests": requests});
        } else if i % 8 != 6 {
            let limits = json!({"cpu": "500m", "memory": "256Mi"});
            c["resources"] = json!({"requests": requests, "limits": limits});
        }
        let config = json!({"name": "config", "configMap": {"name": format!("{name}-config")}});
        let mut spec = json!({"containers": [c], "volumes": [config]});
        if i % 2 == 0 {
            spec["securityContext"] = json!({"runAsNonRoot": true, "runAsUser": 10001});
            spec["containers"][0]["securityContext"] = json!({
                "allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true,
                "capabilities": {"drop": ["ALL"]},
            });
        }
        let meta = json!({"labels": self.labels, "name": name, "namespace": self.ns});
        let mut deployment =
            json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta});
        deployment["spec"] = json!({
            "replicas": self.replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": self.labels}},
        });
        deployment["spec"]["template"]["spec"] = spec;
        deployment
    }

    fn deployment(&self, applied: &Value, template: Value) -> Value {
        let (t0, name) = (self.t0, self.name);
        let mut spec = applied["spec"].clone();
        spec["template"]["spec"] = template;
        spec["strategy"] = json!({"type": "RollingUpdate",
            "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}});
        spec["revisionHistoryLimit"] = json!(10);
        spec["progressDeadlineSeconds"] = json!(600);
        let (available, replicas) = (self.available(), self.replicas);
        let availability = if self.ready {
            condition(
                "Available",
                true,
                t0 + 20,
                "MinimumReplicasAvailable",
                "Deployment has minimum availability.",
            )
        } else {
            condition(
                "Available",
                false,
                t0 + 20,
                "MinimumReplicasUnavailable",
                "Deployment does not have minimum availability.",
            )
        };
        let progressed = format!(
            "ReplicaSet \"{}\" has successfully progressed.",
            self.rs_name
        );
        let status = json!({
            "observedGeneration": 1, "replicas": replicas, "updatedReplicas": replicas,
            "readyReplicas": available, "availableReplicas": available,
            "conditions": [availability,
                condition("Progressing", true, t0 + 1, "NewReplicaSetAvailable", &progressed)],
        });
        let last_applied = format!("{applied}\n");
        let mut meta = json!({
            "name": name, "namespace": self.ns, "generation": 1, "creationTimestamp": ts(t0),
            "uid": uid(&format!("apps/Deployment/{}/{name}", self.ns)), "labels": self.labels,
            "annotations": {REVISION: "1", LAST_APPLIED: last_applied},
        });
        let applied_meta = json!({"labels": self.labels, "annotations": {LAST_APPLIED: ""}});
        let revision = json!({"annotations": {REVISION: "1"}});
        meta["managedFields"] = json!([
            managed(
                "kubectl-client-side-apply",
                "apps/v1",
                t0,
                &[("metadata", &applied_meta), ("spec", &spec)],
                None
            ),
            managed(
                "kube-controller-manager",
                "apps/v1",
                t0 + 20,
                &[("metadata", &revision), ("status", &status)],
                Some("status")
            ),
        ]);
        object(
            "apps/v1",
            "Deployment",
            meta,
            [("spec", spec), ("status", status)],
        )
    }

    fn pod_labels(&self) -> Value {
        let mut labels = self.labels.clone();
        labels["pod-template-hash"] = json!(self.hash);
        labels
    }

    fn replica_set(&self, template: Value) -> Value {
        let (t0, name, replicas) = (self.t0, self.name, self.replicas);
        let dep_uid = uid(&format!("apps/Deployment/{}/{name}", self.ns));
        let owned = json!({
            "labels": self.pod_labels(),
            "annotations": {
                "deployment.kubernetes.io/desired-replicas": replicas.to_string(),
                "deployment.kubernetes.io/max-replicas": (replicas + 1).to_string(),
                REVISION: "1",
            },
            "ownerReferences": [owner("Deployment", name, &dep_uid)],
        });
        let mut spec = json!({
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name, "pod-template-hash": self.hash}},
            "template": {"metadata": {"labels": self.pod_labels()}},
        });
        spec["template"]["spec"] = template;
        let available = self.available();
        let status = json!({"replicas": replicas, "fullyLabeledReplicas": replicas,
            "readyReplicas": available, "availableReplicas": available, "observedGeneration": 1});
        let mut meta = json!({
            "name": self.rs_name, "namespace": self.ns, "generation": 1,
            "uid": uid(&format!("apps/ReplicaSet/{}/{}", self.ns, self.rs_name)),
            "creationTimestamp": ts(t0 + 1),
        });
        merge(&mut meta, &owned);
        meta["managedFields"] = json!([
            managed(
                "kube-controller-manager",
                "apps/v1",
                t0 + 1,
                &[("metadata", &owned), ("spec", &spec)],
                None
            ),
            managed(
                "kube-controller-manager",
                "apps/v1",
                t0 + 20,
                &[("status", &status)],
                Some("status")
            ),
        ]);
        object(
            "apps/v1",
            "ReplicaSet",
            meta,
            [("spec", spec), ("status", status)],
        )
    }

    /// One pod of the ReplicaSet, with what admission, the scheduler and the kubelet add.
    fn pod(&self, template: Value) -> Value {
        let (t0, i, name, pod_name, ns) = (self.t0, self.i, self.name, &self.pod_name, self.ns);
        let rs_uid = uid(&format!("apps/ReplicaSet/{ns}/{}", self.rs_name));
        let mut spec = template;
        spec["enableServiceLinks"] = json!(true);
        let owned = json!({
            "generateName": format!("{}-", self.rs_name), "labels": self.pod_labels(),
            "ownerReferences": [owner("ReplicaSet", &self.rs_name, &rs_uid)],
        });
        let by_controller = managed(
            "kube-controller-manager",
            "v1",
            t0 + 2,
            &[("metadata", &owned), ("spec", &spec)],
            None,
        );

        let token = format!("kube-api-access-{}", safe_name(fnv(pod_name), 5));
        let sources = json!([
            {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
            {"configMap": {"name": "kube-root-ca.crt",
                           "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
            {"downwardAPI": {"items": [{"path": "namespace",
                "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}]}},
        ]);
        let volume = json!({"name": token, "projected": {"defaultMode": 420, "sources": sources}});
        let mount = json!({"name": token, "readOnly": true,
            "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount"});
        push(&mut spec["volumes"], volume);
        push(&mut spec["containers"][0]["volumeMounts"], mount);
        let toleration = |key: &str| {
            json!({"key": key, "operator": "Exists",
            "effect": "NoExecute", "tolerationSeconds": 300})
        };
        let tolerations = json!([
            toleration("node.kubernetes.io/not-ready"),
            toleration("node.kubernetes.io/unreachable")
        ]);
        merge(
            &mut spec,
            &json!({
                "serviceAccountName": "default", "serviceAccount": "default",
                "nodeName": format!("worker-{}", i % 3), "priority": 0,
                "preemptionPolicy": "PreemptLowerPriority", "tolerations": tolerations,
            }),
        );

        let ready = self.ready;
        let pod_ip = format!("10.244.{}.{}", (i / 250) % 256, i % 250 + 2);
        let host_ip = format!("172.18.0.{}", i % 3 + 2);
        let state = if ready {
            json!({"running": {"startedAt": ts(t0 + 15)}})
        } else {
            let message = format!("back-off 40s restarting failed container={name} pod={pod_name}");
            json!({"waiting": {"reason": "CrashLoopBackOff", "message": message}})
        };
        let cond = |kind: &str, ok: bool, at: u64| {
            json!({"type": kind, "status": if ok { "True" } else { "False" },
                   "lastProbeTime": null, "lastTransitionTime": ts(at)})
        };
        let image_id = format!("{}@sha256:{:016x}{:048x}", self.image, fnv(&self.image), i);
        let container = json!({
            "name": name, "state": state, "lastState": {}, "ready": ready, "started": ready,
            "restartCount": if ready { 0 } else { 4 }, "image": self.image, "imageID": image_id,
            "containerID": format!("containerd://{:016x}{:048x}", fnv(pod_name), i),
        });
        let by_kubelet = json!({
            "phase": "Running",
            "conditions": [cond("PodReadyToStartContainers", true, t0 + 14),
                cond("Initialized", true, t0 + 3), cond("Ready", ready, t0 + 18),
                cond("ContainersReady", ready, t0 + 18)],
            "hostIP": host_ip, "hostIPs": [{"ip": host_ip}],
            "podIP": pod_ip, "podIPs": [{"ip": pod_ip}], "startTime": ts(t0 + 3),
            "qosClass": if i % 8 == 6 { "BestEffort" } else { "Burstable" },
            "containerStatuses": [container],
        });
        let by_scheduler = json!({"conditions": [cond("PodScheduled", true, t0 + 2)]});
        let mut status = by_kubelet.clone();
        push(
            &mut status["conditions"],
            by_scheduler["conditions"][0].clone(),
        );

        let mut meta = json!({
            "name": pod_name, "namespace": ns, "uid": uid(&format!("/Pod/{ns}/{pod_name}")),
            "generation": 1, "creationTimestamp": ts(t0 + 2),
        });
        merge(&mut meta, &owned);
        meta["managedFields"] = json!([
            by_controller,
            managed(
                "kube-scheduler",
                "v1",
                t0 + 2,
                &[("status", &by_scheduler)],
                Some("status")
            ),
            managed(
                "kubelet",
                "v1",
                t0 + 18,
                &[("status", &by_kubelet)],
                Some("status")
            ),
        ]);
        object("v1", "Pod", meta, [("spec", spec), ("status", status)])
    }

    fn service(&self) -> Value {
        let (i, name) = (self.i, self.name);
        let meta = json!({"labels": self.labels, "name": name, "namespace": self.ns});
        let ports = json!([{"name": "http", "port": 80, "targetPort": "http"}]);
        let spec = json!({"ports": ports, "selector": {"app": name}});
        let applied =
            json!({"apiVersion": "v1", "kind": "Service", "metadata": meta, "spec": spec});
        let mut spec = applied["spec"].clone();
        spec["ports"][0]["protocol"] = json!("TCP");
        let defaults = json!({
            "type": "ClusterIP", "sessionAffinity": "None", "internalTrafficPolicy": "Cluster",
        });
        merge(&mut spec, &defaults);
        let fields = managed(
            "kubectl-client-side-apply",
            "v1",
            self.t0,
            &[("metadata", &applied_meta(&applied)), ("spec", &spec)],
            None,
        );
        // Allocated by the API server, so owned by no manager.
        let ip = format!("10.96.{}.{}", (i / 250) % 256, i % 250 + 2);
        merge(
            &mut spec,
            &json!({"clusterIP": ip, "clusterIPs": [ip], "ipFamilies": ["IPv4"],
            "ipFamilyPolicy": "SingleStack"}),
        );
        let status = json!({"loadBalancer": {}});
        live(
            &applied,
            self.t0,
            fields,
            [("spec", spec), ("status", status)],
        )
    }

    fn config_map(&self) -> Value {
        let i = self.i;
        let name = format!("{}-config", self.name);
        let level = if i.is_multiple_of(2) { "info" } else { "debug" };
        let config = format!("listen: :8080\nlogLevel: {level}\nworkers: {}\n", 2 + i % 4);
        let meta = json!({"labels": self.labels, "name": name, "namespace": self.ns});
        let data = json!({"config.yaml": config});
        let applied =
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": data});
        let fields = managed(
            "kubectl-client-side-apply",
            "v1",
            self.t0,
            &[("metadata", &applied_meta(&applied)), ("data", &data)],
            None,
        );
        live(&applied, self.t0, fields, [("data", data.clone())])
    }
}

/// A live object created by `kubectl apply` from `applied`, with `rest` (spec/status/data).
fn live<const N: usize>(
    applied: &Value,
    t: u64,
    managed: Value,
    rest: [(&str, Value); N],
) -> Value {
    let (api_version, kind) = (applied["apiVersion"].as_str(), applied["kind"].as_str());
    let (api_version, kind) = (api_version.unwrap_or(""), kind.unwrap_or(""));
    let mut meta = applied["metadata"].clone();
    let (ns, name) = (meta["namespace"].as_str(), meta["name"].as_str());
    let key = format!("/{kind}/{}/{}", ns.unwrap_or(""), name.unwrap_or(""));
    merge(
        &mut meta,
        &json!({
            "uid": uid(&key), "creationTimestamp": ts(t),
            "annotations": {LAST_APPLIED: format!("{applied}\n")},
        }),
    );
    meta["managedFields"] = json!([managed]);
    object(api_version, kind, meta, rest)
}

/// The metadata fields `kubectl apply` sets: labels and the last-applied annotation.
fn applied_meta(applied: &Value) -> Value {
    json!({"labels": applied["metadata"]["labels"], "annotations": {LAST_APPLIED: ""}})
}

/// An object built by moving its parts in (`json!` would copy them through a serializer).
fn object<const N: usize>(
    api_version: &str,
    kind: &str,
    meta: Value,
    rest: [(&str, Value); N],
) -> Value {
    let mut map = Map::new();
    map.insert("apiVersion".into(), api_version.into());
    map.insert("kind".into(), kind.into());
    map.insert("metadata".into(), meta);
    map.extend(rest.into_iter().map(|(k, v)| (k.to_string(), v)));
    Value::Object(map)
}

fn merge(into: &mut Value, from: &Value) {
    if let (Some(into), Some(from)) = (into.as_object_mut(), from.as_object()) {
        into.extend(from.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
}

fn push(list: &mut Value, item: Value) {
    if let Some(list) = list.as_array_mut() {
        list.push(item);
    }
}

fn owner(kind: &str, name: &str, uid: &str) -> Value {
    json!({"apiVersion": "apps/v1", "kind": kind, "name": name, "uid": uid,
           "controller": true, "blockOwnerDeletion": true})
}

fn condition(kind: &str, ok: bool, at: u64, reason: &str, message: &str) -> Value {
    json!({"type": kind, "status": if ok { "True" } else { "False" }, "lastUpdateTime": ts(at),
           "lastTransitionTime": ts(at), "reason": reason, "message": message})
}

/// The defaults the API server fills into a pod spec and its containers.
fn default_pod_spec(spec: &mut Value, always_pull: bool) {
    let pod_defaults = json!({"restartPolicy": "Always", "terminationGracePeriodSeconds": 30,
        "dnsPolicy": "ClusterFirst", "securityContext": {}, "schedulerName": "default-scheduler"});
    fill(spec, &pod_defaults);
    for volume in spec["volumes"].as_array_mut().into_iter().flatten() {
        volume["configMap"]["defaultMode"] = json!(420);
    }
    let pull = if always_pull {
        "Always"
    } else {
        "IfNotPresent"
    };
    let container_defaults = json!({"terminationMessagePath": "/dev/termination-log",
        "terminationMessagePolicy": "File", "imagePullPolicy": pull, "resources": {}});
    let probe_defaults = json!({
        "timeoutSeconds": 1, "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3,
    });
    for c in spec["containers"].as_array_mut().into_iter().flatten() {
        fill(c, &container_defaults);
        for port in c["ports"].as_array_mut().into_iter().flatten() {
            port["protocol"] = json!("TCP");
        }
        for probe in ["readinessProbe", "livenessProbe"] {
            if let Some(p) = c.get_mut(probe) {
                p["httpGet"]["scheme"] = json!("HTTP");
                fill(p, &probe_defaults);
            }
        }
    }
}

/// Sets each field of `defaults` that `into` lacks.
fn fill(into: &mut Value, defaults: &Value) {
    if let (Some(into), Some(defaults)) = (into.as_object_mut(), defaults.as_object()) {
        for (k, v) in defaults {
            into.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
}

/// One `managedFields` entry (operation Update) owning the fields set in `fields`.
fn managed(
    manager: &str,
    api_version: &str,
    t: u64,
    fields: &[(&str, &Value)],
    sub: Option<&str>,
) -> Value {
    let mut set: Vec<(String, Value)> = fields
        .iter()
        .map(|(k, v)| (format!("f:{k}"), field_set(k, v)))
        .collect();
    set.sort_by(|a, b| a.0.cmp(&b.0));
    let mut entry = json!({"manager": manager, "operation": "Update", "apiVersion": api_version,
        "time": ts(t), "fieldsType": "FieldsV1"});
    entry["fieldsV1"] = Value::Object(set.into_iter().collect());
    if let Some(s) = sub {
        entry["subresource"] = json!(s);
    }
    entry
}

/// `fieldsV1` as structured-merge-diff writes it: `f:<field>` per field, `k:{<merge key>}` per
/// keyed list item, `.` where the field itself is owned as well as its children. Atomic
/// fields (selectors, scalar lists, tolerations) are leaves.
fn field_set(name: &str, v: &Value) -> Value {
    const ATOMIC: &[&str] = &[
        "selector",
        "nodeSelector",
        "tolerations",
        "args",
        "command",
        "hostIPs",
        "containerStatuses",
    ];
    const NO_DOT: &[&str] = &[
        "metadata",
        "spec",
        "template",
        "status",
        "strategy",
        "containers",
    ];
    let mut out: Vec<(String, Value)> = Vec::new();
    match v {
        _ if ATOMIC.contains(&name) => {}
        Value::Object(m) => out.extend(m.iter().map(|(k, c)| (format!("f:{k}"), field_set(k, c)))),
        Value::Array(items) if !items.is_empty() && items.iter().all(Value::is_object) => {
            let keys: &[&str] = match name {
                "containers" | "initContainers" | "volumes" | "env" => &["name"],
                "ports" if items[0].get("containerPort").is_some() => {
                    &["containerPort", "protocol"]
                }
                "ports" => &["port", "protocol"],
                "volumeMounts" => &["mountPath"],
                "conditions" => &["type"],
                "ownerReferences" => &["uid"],
                "podIPs" => &["ip"],
                _ => return json!({}),
            };
            for item in items {
                let key: Vec<String> = keys
                    .iter()
                    .filter_map(|k| Some(format!("\"{k}\":{}", item.get(*k)?)))
                    .collect();
                // Owner references are atomic structs: the item is owned whole.
                let fields = if name == "ownerReferences" {
                    json!({})
                } else {
                    field_set("", item)
                };
                out.push((format!("k:{{{}}}", key.join(",")), fields));
            }
        }
        _ => {}
    }
    if !out.is_empty() && !NO_DOT.contains(&name) {
        out.push((".".into(), json!({})));
    }
    // Sorted as the server prints them ("." < "f:" < "k:"), whatever the map's own order.
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Value::Object(out.into_iter().collect())
}

/// RFC 3339 time `secs` after 2026-06-15T00:00:00Z (wrapping after two weeks).
fn ts(secs: u64) -> String {
    let s = secs % (86_400 * 14);
    let (day, hour, min, sec) = (15 + s / 86_400, s / 3600 % 24, s / 60 % 60, s % 60);
    format!("2026-06-{day:02}T{hour:02}:{min:02}:{sec:02}Z")
}

/// The alphabet Kubernetes uses for generated name suffixes (no vowels, no look-alikes).
fn safe_name(mut h: u64, len: usize) -> String {
    const ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
    let base = ALPHABET.len() as u64;
    (0..len)
        .map(|_| {
            let c = ALPHABET[(h % base) as usize] as char;
            h /= base;
            c
        })
        .collect()
}
