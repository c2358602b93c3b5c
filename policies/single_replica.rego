# METADATA
# title: Workload runs a single replica
# description: |-
#   A workload with one replica is down whenever its only pod is: during every
#   rolling update of a StatefulSet, on a node drain or upgrade, when the node
#   fails, and while the pod restarts after a crash. Two replicas are the minimum
#   for a service that must stay up; PodDisruptionBudgets and anti-affinity only
#   help once there are several pods to spread and protect. `spec.replicas` left
#   unset defaults to 1 and is reported too.
#
#   A HorizontalPodAutoscaler in the same input decides instead when it scales the
#   workload (same namespace, `spec.scaleTargetRef` kind and name, and API group
#   when the reference names one): with `minReplicas` of 2 or more the workload
#   passes, and with `minReplicas` below 2 (unset, it is 1) the finding is at the
#   autoscaler's `minReplicas`, since that is what lets the workload shrink to one
#   pod. The workload's own `spec.replicas` does not count then; that it is set
#   at all is `replicas-with-autoscaler`'s concern. The rule sees only what is
#   linted together: lint the autoscaler with its workload. Other autoscalers (a
#   KEDA ScaledObject, say) are not read; suppress the finding on the workloads
#   they scale.
# custom:
#   severity: warning
#   scope: inventory
#   status: stable
#   kinds: [Deployment, StatefulSet, ReplicaSet, ReplicationController, DeploymentConfig, HorizontalPodAutoscaler]
#   tags: [availability, reliability]
#   remediation: |-
#     Set `spec.replicas` to 2 or more, and pair it with a PodDisruptionBudget and
#     pod anti-affinity or topology spread constraints so the replicas do not fail
#     together. When a HorizontalPodAutoscaler scales the workload, set its
#     `spec.minReplicas` to 2 or more instead, and leave `spec.replicas` out of the
#     manifest: every apply would reset the running replicas to it.
#   equivalents:
#     kube-linter: minimum-three-replicas
#     polaris: deploymentMissingReplicas
package seaworthy.policy.single_replica

import data.seaworthy.lib.autoscaling
import data.seaworthy.lib.autoscaling.autoscalers
import data.seaworthy.lib.k8s.replicated_kinds
import rego.v1

# A workload that no autoscaler scales, with fewer than two replicas.
violation contains {"msg": msg, "path": ["spec", "replicas"], "object": i} if {
	some i, obj in input.objects
	obj.kind in replicated_kinds
	n := replicas(obj)
	is_number(n)
	n < 2
	not autoscaling.scaled(obj)
	msg := message(obj.kind, object.get(obj, ["spec", "replicas"], null))
}

# An autoscaler that lets its workload shrink below two replicas, with the
# workload as the related place when it is in the input.
violation contains {"msg": msg, "path": ["spec", "minReplicas"], "object": hpa.index, "related": related} if {
	some hpa in autoscalers
	is_number(hpa.min)
	hpa.min < 2
	msg := autoscaler_message(hpa)
	related := [{"object": i, "path": ["metadata", "name"]} | some i in autoscaling.targets(hpa)]
}

# spec.replicas, or 1 when it is unset or null (the API server's default).
# Undefined when it is not a number (an unrendered template, say): that is
# for the schema check to report.
replicas(obj) := 1 if object.get(obj, ["spec", "replicas"], null) == null

replicas(obj) := n if {
	n := obj.spec.replicas
	is_number(n)
}

message(kind, null) := sprintf("%s sets no spec.replicas and so runs a single replica", [kind])

message(kind, n) := sprintf("%s runs a single replica (spec.replicas is %v)", [kind, n]) if {
	is_number(n)
	n >= 1
}

message(kind, n) := sprintf("%s runs no replica at all (spec.replicas is %v)", [kind, n]) if {
	is_number(n)
	n < 1
}

autoscaler_message(hpa) := sprintf(
	"HorizontalPodAutoscaler %q sets no spec.minReplicas, so it scales %s %q down to a single replica",
	[autoscaling.name_of(hpa.object), hpa.kind, hpa.name],
) if object.get(hpa.object, ["spec", "minReplicas"], null) == null

autoscaler_message(hpa) := sprintf(
	"HorizontalPodAutoscaler %q scales %s %q down to a single replica (spec.minReplicas is %v)",
	[autoscaling.name_of(hpa.object), hpa.kind, hpa.name, hpa.min],
) if {
	object.get(hpa.object, ["spec", "minReplicas"], null) != null
	hpa.min >= 1
}

autoscaler_message(hpa) := sprintf(
	"HorizontalPodAutoscaler %q scales %s %q down to no replica at all (spec.minReplicas is %v)",
	[autoscaling.name_of(hpa.object), hpa.kind, hpa.name, hpa.min],
) if hpa.min < 1
