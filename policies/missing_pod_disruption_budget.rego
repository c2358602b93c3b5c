# METADATA
# title: Multi-replica workload without a PodDisruptionBudget
# description: |-
#   Reports a Deployment, StatefulSet, ReplicaSet or DeploymentConfig with two or
#   more replicas whose pods no PodDisruptionBudget in the input selects (same
#   namespace, matching selector). An object without a namespace is in the one
#   it is applied to: `--namespace`, else `default`.
#
#   Node drains — cluster upgrades, autoscaler scale-downs, node repairs — evict
#   pods through the eviction API, which respects PodDisruptionBudgets and nothing
#   else. Without one, a drain may evict every replica at once and the service goes
#   down during routine maintenance, even though it runs several replicas.
#   Single-replica workloads are left to `single-replica`. A workload that a
#   HorizontalPodAutoscaler in the input scales runs at least the autoscaler's
#   `minReplicas`, whatever its own `spec.replicas` says: that is the count used.
# custom:
#   severity: warning
#   scope: inventory
#   status: stable
#   kinds: [Deployment, StatefulSet, ReplicaSet, DeploymentConfig, PodDisruptionBudget, HorizontalPodAutoscaler]
#   tags: [availability, reliability]
#   remediation: |-
#     Add a PodDisruptionBudget in the same namespace whose selector matches the pod
#     template's labels, for example `maxUnavailable: 1`.
#   equivalents:
#     kube-linter: none (pdb-max-unavailable checks existing PDBs)
#     polaris: missingPodDisruptionBudget
#     checkov: none
#     trivy: none
package seaworthy.policy.missing_pod_disruption_budget

import data.seaworthy.lib.autoscaling
import data.seaworthy.lib.inventory
import data.seaworthy.lib.inventory.workloads
import rego.v1

scaled_kinds := {"Deployment", "StatefulSet", "ReplicaSet", "DeploymentConfig"}

# Budget selectors by namespace.
budgets := seaworthy.group([[inventory.namespace(obj), object.get(obj, ["spec", "selector"], {})] |
	some obj in input.objects
	obj.kind == "PodDisruptionBudget"
])

covered(w) if {
	some selector in budgets[w.namespace]
	inventory.selector_matches(selector, w.labels)
}

violation contains {"msg": msg, "path": ["spec", "replicas"], "object": w.index} if {
	some w in workloads
	w.object.kind in scaled_kinds
	not covered(w)
	msg := message(w)
}

message(w) := sprintf("%s %q has %d replicas but no PodDisruptionBudget selects its pods", [w.object.kind, object.get(w.object, ["metadata", "name"], "<unnamed>"), n]) if {
	not autoscaling.scaled(w.object)
	n := inventory.replicas(w.object)
	n >= 2
}

# Scaled by an autoscaler: it never runs fewer pods than its minReplicas.
message(w) := msg if {
	scalers := autoscaling.scaling(w.object)
	mins := [hpa.min | some hpa in scalers; is_number(hpa.min)]
	count(mins) > 0
	n := max(mins)
	n >= 2
	names := sort({sprintf("%q", [autoscaling.name_of(hpa.object)]) | some hpa in scalers})
	msg := sprintf(
		"%s %q runs at least %d replicas (the minReplicas of HorizontalPodAutoscaler %s) but no PodDisruptionBudget selects its pods",
		[w.object.kind, object.get(w.object, ["metadata", "name"], "<unnamed>"), n, concat(", ", names)],
	)
}
