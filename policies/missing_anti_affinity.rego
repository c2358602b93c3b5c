# METADATA
# title: Replicas are not spread across nodes or zones
# description: |-
#   Several replicas only protect a service when they do not fail together. The
#   scheduler is free to put every replica of a workload on the same node or in
#   the same zone, so one node drain, kernel panic or zone outage takes all of
#   them down at once. A workload that runs two or more replicas should declare
#   `podAntiAffinity` (required or preferred terms) or `topologySpreadConstraints`
#   in its pod template. A `podAntiAffinity` without any term spreads nothing and
#   does not count. Workloads with a single replica are left to `single-replica`.
# custom:
#   severity: note
#   scope: object
#   status: stable
#   kinds: [Deployment, StatefulSet, ReplicaSet, ReplicationController, DeploymentConfig]
#   tags: [availability, reliability]
#   remediation: |-
#     Add `topologySpreadConstraints` to the pod template, for example
#     `maxSkew: 1`, `topologyKey: topology.kubernetes.io/zone`,
#     `whenUnsatisfiable: ScheduleAnyway` with a `labelSelector` on the pod's labels,
#     or a preferred `podAntiAffinity` term on `kubernetes.io/hostname`.
#   equivalents:
#     kube-linter: no-anti-affinity
#     polaris: topologySpreadConstraint
package seaworthy.policy.missing_anti_affinity

import data.seaworthy.lib.k8s
import data.seaworthy.lib.k8s.pod_spec
import data.seaworthy.lib.k8s.pod_spec_path
import data.seaworthy.lib.k8s.replicas
import rego.v1

violation contains {"msg": msg, "path": path} if {
	n := replicas
	n >= 2
	not spreads
	msg := sprintf("%s runs %v replicas with neither podAntiAffinity nor topologySpreadConstraints to spread them", [input.kind, n])
	path := array.concat(pod_spec_path, ["affinity", "podAntiAffinity"])
}

spreads if count(k8s.as_array(object.get(pod_spec, "topologySpreadConstraints", []))) > 0

spreads if {
	anti := object.get(pod_spec, ["affinity", "podAntiAffinity"], {})
	some field in ["requiredDuringSchedulingIgnoredDuringExecution", "preferredDuringSchedulingIgnoredDuringExecution"]
	count(k8s.as_array(object.get(anti, field, []))) > 0
}
