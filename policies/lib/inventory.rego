# Helpers for inventory-scoped policies, which see every object of a run as
# input.objects instead of one object as input.
package seaworthy.lib.inventory

import data.seaworthy.lib.k8s.template_kinds
import data.seaworthy.lib.k8s.workload_kinds
import rego.v1

# The namespace that objects without one are applied to: `lint --namespace`
# (data.seaworthy.namespace), else "default", as `kubectl apply` does. A
# live run sets "": what the cluster serves without a namespace has none.
default_namespace := ns if {
	ns := data.seaworthy.namespace
	is_string(ns)
} else := "default"

# The namespace an object lives in: its own, else the one it is applied to,
# so that a Service without a namespace and a Deployment in `default` meet.
# Cluster-scoped kinds have none (""): the API server drops one written there.
namespace(obj) := "" if {
	cluster_scoped(obj)
} else := ns if {
	ns := obj.metadata.namespace
	is_string(ns)
	ns != ""
} else := default_namespace

# The built-in kinds that have no namespace, by API group (the list drift
# matching uses too: CLUSTER_SCOPED in src/drift/system.rs). Custom resources
# are taken as namespaced, as most are.
cluster_scoped_kinds := {
	"": {"Namespace", "Node", "PersistentVolume", "ComponentStatus"},
	"storage.k8s.io": {"StorageClass", "CSIDriver", "CSINode", "VolumeAttachment", "VolumeAttributesClass"},
	"apiextensions.k8s.io": {"CustomResourceDefinition"},
	"apiregistration.k8s.io": {"APIService"},
	"networking.k8s.io": {"IngressClass", "IPAddress", "ServiceCIDR"},
	"rbac.authorization.k8s.io": {"ClusterRole", "ClusterRoleBinding"},
	"scheduling.k8s.io": {"PriorityClass"},
	"node.k8s.io": {"RuntimeClass"},
	"admissionregistration.k8s.io": {
		"MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
		"ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
		"MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding",
	},
	"certificates.k8s.io": {"CertificateSigningRequest", "ClusterTrustBundle"},
	"flowcontrol.apiserver.k8s.io": {"FlowSchema", "PriorityLevelConfiguration"},
	"resource.k8s.io": {"DeviceClass"},
}

cluster_scoped(obj) if obj.kind in cluster_scoped_kinds[api_group(object.get(obj, "apiVersion", ""))]

# The group of an apiVersion: "apps" for "apps/v1", "" for "v1".
api_group(api_version) := split(api_version, "/")[0] if contains(api_version, "/")

api_group(api_version) := "" if {
	is_string(api_version)
	not contains(api_version, "/")
}

# The labels of the pods a workload creates, including those its controller
# adds (the Job controller labels pods with the Job's name).
pod_labels(obj) := object.get(obj, ["spec", "template", "metadata", "labels"], {}) if {
	obj.kind in template_kinds
	obj.kind != "Job"
}

pod_labels(obj) := object.union(
	object.get(obj, ["spec", "template", "metadata", "labels"], {}),
	{"job-name": name, "batch.kubernetes.io/job-name": name},
) if {
	obj.kind == "Job"
	name := object.get(obj, ["metadata", "name"], "")
}

pod_labels(obj) := object.get(obj, ["metadata", "labels"], {}) if obj.kind == "Pod"

pod_labels(obj) := object.get(obj, ["spec", "jobTemplate", "spec", "template", "metadata", "labels"], {}) if {
	obj.kind == "CronJob"
}

# Every object that creates pods, with its index in input.objects, its
# namespace and its pods' labels.
workloads contains {"index": i, "object": obj, "namespace": namespace(obj), "labels": pod_labels(obj)} if {
	some i, obj in input.objects
	obj.kind in workload_kinds
}

# Workloads by [namespace, label key, label value], for every label of their
# pods: a selector's candidates are the workloads under any one of its pairs.
# Grouping (a builtin of seaworthy's) keeps cross-object rules linear.
workloads_by_label := seaworthy.group([[[w.namespace, k, v], w] |
	some w in workloads
	some k, v in w.labels
])

# Whether a label selector (matchLabels and matchExpressions) selects pods
# with `labels`. An empty selector selects every pod.
selector_matches(selector, labels) if {
	every key, value in object.get(selector, "matchLabels", {}) {
		labels[key] == value
	}
	every expr in object.get(selector, "matchExpressions", []) {
		expression_matches(expr, labels)
	}
}

expression_matches(expr, labels) if {
	expr.operator == "In"
	labels[expr.key] in expr.values
}

expression_matches(expr, labels) if {
	expr.operator == "NotIn"
	not labels[expr.key] in expr.values
}

expression_matches(expr, labels) if {
	expr.operator == "Exists"
	_ = labels[expr.key]
}

expression_matches(expr, labels) if {
	expr.operator == "DoesNotExist"
	not has_label(labels, expr.key)
}

has_label(labels, key) if _ = labels[key]

# A Service selector is a plain map: every pair must match.
map_selector_matches(selector, labels) if {
	every key, value in selector {
		labels[key] == value
	}
}

# The replica count a workload asks for (1 when unset, as Kubernetes defaults).
replicas(obj) := n if {
	n := obj.spec.replicas
	is_number(n)
} else := 1

# Whether an apiVersion belongs to a custom resource rather than to
# Kubernetes itself (core, `apps`, `*.k8s.io`).
custom_api(api_version) if {
	contains(api_version, "/")
	group := split(api_version, "/")[0]
	contains(group, ".")
	not endswith(group, ".k8s.io")
}
