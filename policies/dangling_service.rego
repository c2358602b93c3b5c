# METADATA
# title: Service selects no pods
# description: |-
#   Reports a Service whose selector matches the pod template of no workload in the
#   input in the same namespace. Such a Service has no endpoints: every request to
#   it fails, usually because a label was renamed on one side only. An object
#   without a namespace is in the one it is applied to: `--namespace`, else
#   `default`.
#
#   Services without a selector (endpoints managed by hand or by another
#   controller) and `ExternalName` Services are not checked. Labels that
#   controllers add count: `job-name` on a Job's pods,
#   `statefulset.kubernetes.io/pod-name` on a StatefulSet's. Pods made by an
#   operator cannot be seen in manifests, so a Service is not reported when a
#   custom resource in its namespace is named after one of its selector's
#   values (a Prometheus `main` for `alertmanager: main`). The rule sees only
#   what is linted together: lint a whole application at once, or it will report
#   Services whose pods are declared elsewhere.
# custom:
#   severity: warning
#   scope: inventory
#   status: stable
#   kinds: [Service, Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob, ReplicationController, DeploymentConfig]
#   tags: [networking, reliability]
#   remediation: |-
#     Make `spec.selector` match the labels of the pod template
#     (`spec.template.metadata.labels`) of the workload that serves it.
#   equivalents:
#     kube-linter: dangling-service
#     polaris: none
#     checkov: none
#     trivy: none
package seaworthy.policy.dangling_service

import data.seaworthy.lib.inventory
import data.seaworthy.lib.inventory.workloads
import data.seaworthy.lib.inventory.workloads_by_label
import rego.v1

violation contains {"msg": msg, "path": ["spec", "selector"], "object": i} if {
	some i, svc in input.objects
	svc.kind == "Service"
	object.get(svc, ["spec", "type"], "ClusterIP") != "ExternalName"
	selector := object.get(svc, ["spec", "selector"], {})
	is_object(selector)
	count(selector) > 0
	not selects_something(svc, selector)
	not operator_may_serve(svc, selector)
	pairs := sort([sprintf("%s=%v", [k, v]) | some k, v in selector])
	msg := sprintf("Service %q selects no pods: no pod template in namespace %q has labels %s", [object.get(svc, ["metadata", "name"], "<unnamed>"), inventory.namespace(svc), concat(",", pairs)])
}

pod_name_label := "statefulset.kubernetes.io/pod-name"

# Only the workloads that carry one pair of the selector can match it.
selects_something(svc, selector) if {
	not selector[pod_name_label]
	first := sort(object.keys(selector))[0]
	some w in workloads_by_label[[inventory.namespace(svc), first, selector[first]]]
	inventory.map_selector_matches(selector, w.labels)
}

# A selector on one StatefulSet pod: `<statefulset name>-<ordinal>`.
selects_something(svc, selector) if {
	pod := selector[pod_name_label]
	rest := object.remove(selector, [pod_name_label])
	some w in statefulsets[[inventory.namespace(svc), statefulset_of(pod)]]
	inventory.map_selector_matches(rest, w.labels)
}

statefulsets := seaworthy.group([[[w.namespace, object.get(w.object, ["metadata", "name"], "")], w] |
	some w in workloads
	w.object.kind == "StatefulSet"
])

statefulset_of(pod) := name if {
	regex.match(`^.+-[0-9]+$`, pod)
	parts := split(pod, "-")
	name := concat("-", array.slice(parts, 0, count(parts) - 1))
}

custom_resources := seaworthy.group([[[inventory.namespace(obj), name], obj.kind] |
	some obj in input.objects
	inventory.custom_api(object.get(obj, "apiVersion", ""))
	name := object.get(obj, ["metadata", "name"], "")
])

operator_may_serve(svc, selector) if {
	some value in selector
	custom_resources[[inventory.namespace(svc), value]]
}
