package seaworthy.policy.missing_anti_affinity_test

import data.seaworthy.policy.missing_anti_affinity
import rego.v1

workload(kind, replicas, pod_spec) := {
	"apiVersion": "apps/v1",
	"kind": kind,
	"metadata": {"name": "web"},
	"spec": {"replicas": replicas, "template": {"spec": object.union({"containers": [{"name": "app"}]}, pod_spec)}},
}

host_term := {"labelSelector": {"matchLabels": {"app": "web"}}, "topologyKey": "kubernetes.io/hostname"}

test_unspread_replicas_fail_at_pod_anti_affinity if {
	v := missing_anti_affinity.violation with input as workload("Deployment", 3, {})
	v == {{
		"msg": "Deployment runs 3 replicas with neither podAntiAffinity nor topologySpreadConstraints to spread them",
		"path": ["spec", "template", "spec", "affinity", "podAntiAffinity"],
	}}
}

test_required_anti_affinity_passes if {
	spec := {"affinity": {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [host_term]}}}
	count(missing_anti_affinity.violation) == 0 with input as workload("Deployment", 2, spec)
}

test_preferred_anti_affinity_passes if {
	spec := {"affinity": {"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 100, "podAffinityTerm": host_term}]}}}
	count(missing_anti_affinity.violation) == 0 with input as workload("StatefulSet", 3, spec)
}

test_topology_spread_passes if {
	spec := {"topologySpreadConstraints": [{"maxSkew": 1, "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "ScheduleAnyway"}]}
	count(missing_anti_affinity.violation) == 0 with input as workload("Deployment", 4, spec)
}

test_empty_anti_affinity_does_not_count if {
	count(missing_anti_affinity.violation) == 1 with input as workload("Deployment", 2, {"affinity": {"podAntiAffinity": {}}})
	count(missing_anti_affinity.violation) == 1 with input as workload("Deployment", 2, {"topologySpreadConstraints": []})
}

test_pod_affinity_alone_does_not_count if {
	spec := {"affinity": {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [host_term]}}}
	count(missing_anti_affinity.violation) == 1 with input as workload("ReplicaSet", 2, spec)
}

test_single_replica_is_left_to_single_replica if {
	count(missing_anti_affinity.violation) == 0 with input as workload("Deployment", 1, {})
	count(missing_anti_affinity.violation) == 0 with input as workload("Deployment", null, {})
}

test_other_replicated_kinds_are_checked if {
	count(missing_anti_affinity.violation) == 1 with input as workload("DeploymentConfig", 2, {})
	count(missing_anti_affinity.violation) == 1 with input as workload("ReplicationController", 2, {})
}

test_daemon_set_is_ignored if {
	count(missing_anti_affinity.violation) == 0 with input as workload("DaemonSet", 3, {})
}
