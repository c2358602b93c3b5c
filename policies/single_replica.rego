# METADATA
# title: Workload runs a single replica
# description: |-
#   A workload with one replica is down whenever its only pod is: during every
#   rolling update of a StatefulSet, on a node drain or upgrade, when the node
#   fails, and while the pod restarts after a crash. Two replicas are the minimum
#   for a service that must stay up; PodDisruptionBudgets and anti-affinity only
#   help once there are several pods to spread and protect. `spec.replicas` left
#   unset defaults to 1 and is reported too. A workload whose replicas an
#   autoscaler manages still needs `spec.replicas` of at least 2 in the manifest
#   (or a suppression), since the rule cannot see the HorizontalPodAutoscaler.
# custom:
#   severity: warning
#   scope: object
#   status: stable
#   kinds: [Deployment, StatefulSet, ReplicaSet, ReplicationController, DeploymentConfig]
#   tags: [availability, reliability]
#   remediation: |-
#     Set `spec.replicas` to 2 or more, and pair it with a PodDisruptionBudget and
#     pod anti-affinity or topology spread constraints so the replicas do not fail
#     together.
#   equivalents:
#     kube-linter: minimum-three-replicas
#     polaris: deploymentMissingReplicas
package seaworthy.policy.single_replica

import data.seaworthy.lib.k8s.replicas
import rego.v1

violation contains {"msg": msg, "path": ["spec", "replicas"]} if {
	replicas < 2
	msg := message(object.get(input, ["spec", "replicas"], null))
}

message(null) := sprintf("%s sets no spec.replicas and so runs a single replica", [input.kind])

message(n) := sprintf("%s runs a single replica (spec.replicas is %v)", [input.kind, n]) if {
	is_number(n)
	n >= 1
}

message(n) := sprintf("%s runs no replica at all (spec.replicas is %v)", [input.kind, n]) if {
	is_number(n)
	n < 1
}
