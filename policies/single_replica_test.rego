package seaworthy.policy.single_replica_test

import data.seaworthy.policy.single_replica
import rego.v1

workload(kind, spec) := {
	"apiVersion": "apps/v1",
	"kind": kind,
	"metadata": {"name": "web"},
	"spec": object.union(spec, {"template": {"spec": {"containers": [{"name": "app"}]}}}),
}

test_two_replicas_pass if {
	count(single_replica.violation) == 0 with input as workload("Deployment", {"replicas": 2})
	count(single_replica.violation) == 0 with input as workload("StatefulSet", {"replicas": 5})
}

test_one_replica_fails_at_replicas if {
	v := single_replica.violation with input as workload("Deployment", {"replicas": 1})
	v == {{"msg": "Deployment runs a single replica (spec.replicas is 1)", "path": ["spec", "replicas"]}}
}

test_unset_replicas_defaults_to_one if {
	v := single_replica.violation with input as workload("StatefulSet", {})
	v == {{"msg": "StatefulSet sets no spec.replicas and so runs a single replica", "path": ["spec", "replicas"]}}
}

test_null_replicas_defaults_to_one if {
	count(single_replica.violation) == 1 with input as workload("Deployment", {"replicas": null})
}

test_missing_spec_defaults_to_one if {
	inp := {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "bare"}}
	v := single_replica.violation with input as inp
	v == {{"msg": "Deployment sets no spec.replicas and so runs a single replica", "path": ["spec", "replicas"]}}
}

test_zero_replicas_fails if {
	v := single_replica.violation with input as workload("ReplicaSet", {"replicas": 0})
	v == {{"msg": "ReplicaSet runs no replica at all (spec.replicas is 0)", "path": ["spec", "replicas"]}}
}

test_other_replicated_kinds_are_checked if {
	count(single_replica.violation) == 1 with input as workload("ReplicationController", {"replicas": 1})
	count(single_replica.violation) == 1 with input as workload("DeploymentConfig", {})
}

test_non_number_replicas_is_left_to_schema_checks if {
	count(single_replica.violation) == 0 with input as workload("Deployment", {"replicas": "{{ .Values.replicas }}"})
}

test_daemon_sets_and_pods_are_ignored if {
	count(single_replica.violation) == 0 with input as workload("DaemonSet", {})
	count(single_replica.violation) == 0 with input as {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {}}
}
