package seaworthy.policy.single_replica_test

import data.seaworthy.policy.single_replica
import rego.v1

workload(kind, spec) := {
	"apiVersion": "apps/v1",
	"kind": kind,
	"metadata": {"name": "web"},
	"spec": object.union(spec, {"template": {"spec": {"containers": [{"name": "app"}]}}}),
}

hpa(api_version, ref, spec) := {
	"apiVersion": api_version,
	"kind": "HorizontalPodAutoscaler",
	"metadata": {"name": "web-hpa"},
	"spec": object.union({"scaleTargetRef": ref, "maxReplicas": 10}, spec),
}

deployment_ref := {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}

alone(obj) := {"objects": [obj]}

test_two_replicas_pass if {
	count(single_replica.violation) == 0 with input as alone(workload("Deployment", {"replicas": 2}))
	count(single_replica.violation) == 0 with input as alone(workload("StatefulSet", {"replicas": 5}))
}

test_one_replica_fails_at_replicas if {
	v := single_replica.violation with input as alone(workload("Deployment", {"replicas": 1}))
	v == {{"msg": "Deployment runs a single replica (spec.replicas is 1)", "path": ["spec", "replicas"], "object": 0}}
}

test_unset_replicas_defaults_to_one if {
	v := single_replica.violation with input as alone(workload("StatefulSet", {}))
	v == {{"msg": "StatefulSet sets no spec.replicas and so runs a single replica", "path": ["spec", "replicas"], "object": 0}}
}

test_null_replicas_defaults_to_one if {
	count(single_replica.violation) == 1 with input as alone(workload("Deployment", {"replicas": null}))
}

test_missing_spec_defaults_to_one if {
	inp := alone({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "bare"}})
	v := single_replica.violation with input as inp
	v == {{"msg": "Deployment sets no spec.replicas and so runs a single replica", "path": ["spec", "replicas"], "object": 0}}
}

test_zero_replicas_fails if {
	v := single_replica.violation with input as alone(workload("ReplicaSet", {"replicas": 0}))
	v == {{"msg": "ReplicaSet runs no replica at all (spec.replicas is 0)", "path": ["spec", "replicas"], "object": 0}}
}

test_other_replicated_kinds_are_checked if {
	count(single_replica.violation) == 1 with input as alone(workload("ReplicationController", {"replicas": 1}))
	count(single_replica.violation) == 1 with input as alone(workload("DeploymentConfig", {}))
}

test_non_number_replicas_is_left_to_schema_checks if {
	count(single_replica.violation) == 0 with input as alone(workload("Deployment", {"replicas": "{{ .Values.replicas }}"}))
}

test_other_kinds_are_ignored if {
	count(single_replica.violation) == 0 with input as alone(workload("DaemonSet", {}))
	count(single_replica.violation) == 0 with input as alone({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}})
}

test_autoscaler_with_two_or_more_minimum_replicas_passes if {
	objects := [workload("Deployment", {}), hpa("autoscaling/v2", deployment_ref, {"minReplicas": 2})]
	count(single_replica.violation) == 0 with input as {"objects": objects}
	with_one := [workload("Deployment", {"replicas": 1}), hpa("autoscaling/v1", deployment_ref, {"minReplicas": 3})]
	count(single_replica.violation) == 0 with input as {"objects": with_one}
}

test_autoscaler_that_allows_one_replica_is_reported_with_its_workload if {
	objects := [workload("Deployment", {}), hpa("autoscaling/v2", deployment_ref, {"minReplicas": 1})]
	v := single_replica.violation with input as {"objects": objects}
	v == {{
		"msg": "HorizontalPodAutoscaler \"web-hpa\" scales Deployment \"web\" down to a single replica (spec.minReplicas is 1)",
		"path": ["spec", "minReplicas"],
		"object": 1,
		"related": [{"object": 0, "path": ["metadata", "name"]}],
	}}
}

test_unset_minimum_defaults_to_one if {
	objects := [hpa("autoscaling/v1", deployment_ref, {}), workload("Deployment", {"replicas": 4})]
	v := single_replica.violation with input as {"objects": objects}
	v == {{
		"msg": "HorizontalPodAutoscaler \"web-hpa\" sets no spec.minReplicas, so it scales Deployment \"web\" down to a single replica",
		"path": ["spec", "minReplicas"],
		"object": 0,
		"related": [{"object": 1, "path": ["metadata", "name"]}],
	}}
}

test_scale_to_zero_is_reported if {
	v := single_replica.violation with input as alone(hpa("autoscaling/v2", deployment_ref, {"minReplicas": 0}))
	[x.msg | some x in v] == ["HorizontalPodAutoscaler \"web-hpa\" scales Deployment \"web\" down to no replica at all (spec.minReplicas is 0)"]
	[x.related | some x in v] == [[]]
}

test_autoscaler_must_match_namespace_kind_name_and_group if {
	in_other_ns := object.union(hpa("autoscaling/v2", deployment_ref, {"minReplicas": 3}), {"metadata": {"namespace": "other"}})
	count(single_replica.violation) == 1 with input as {"objects": [workload("Deployment", {}), in_other_ns]}
	other_kind := hpa("autoscaling/v2", {"apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web"}, {"minReplicas": 3})
	count(single_replica.violation) == 1 with input as {"objects": [workload("Deployment", {}), other_kind]}
	other_name := hpa("autoscaling/v2", {"apiVersion": "apps/v1", "kind": "Deployment", "name": "api"}, {"minReplicas": 3})
	count(single_replica.violation) == 1 with input as {"objects": [workload("Deployment", {}), other_name]}
	other_group := hpa("autoscaling/v2", {"apiVersion": "extensions/v1beta1", "kind": "Deployment", "name": "web"}, {"minReplicas": 3})
	count(single_replica.violation) == 1 with input as {"objects": [workload("Deployment", {}), other_group]}
	any_version := hpa("autoscaling/v2", {"apiVersion": "apps/v1beta2", "kind": "Deployment", "name": "web"}, {"minReplicas": 3})
	count(single_replica.violation) == 0 with input as {"objects": [workload("Deployment", {}), any_version]}
	no_version := hpa("autoscaling/v1", {"kind": "Deployment", "name": "web"}, {"minReplicas": 3})
	count(single_replica.violation) == 0 with input as {"objects": [workload("Deployment", {}), no_version]}
}

test_a_minimum_that_is_not_a_number_says_nothing if {
	objects := [workload("Deployment", {}), hpa("autoscaling/v2", deployment_ref, {"minReplicas": "{{ .Values.min }}"})]
	count(single_replica.violation) == 0 with input as {"objects": objects}
}

test_objects_of_other_api_groups_named_hpa_are_not_autoscalers if {
	fake := object.union(hpa("autoscaling/v2", deployment_ref, {"minReplicas": 3}), {"apiVersion": "example.com/v1"})
	count(single_replica.violation) == 1 with input as {"objects": [workload("Deployment", {}), fake]}
}
