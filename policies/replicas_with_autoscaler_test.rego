package seaworthy.policy.replicas_with_autoscaler_test

import data.seaworthy.policy.replicas_with_autoscaler
import rego.v1

workload(kind, spec) := {
	"apiVersion": "apps/v1",
	"kind": kind,
	"metadata": {"name": "web", "namespace": "shop"},
	"spec": object.union(spec, {"template": {"spec": {"containers": [{"name": "app"}]}}}),
}

hpa(name, ref) := {
	"apiVersion": "autoscaling/v2",
	"kind": "HorizontalPodAutoscaler",
	"metadata": {"name": name, "namespace": "shop"},
	"spec": {"scaleTargetRef": ref, "minReplicas": 2, "maxReplicas": 10},
}

deployment_ref := {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}

test_replicas_next_to_an_autoscaler_fail_at_replicas if {
	objects := [workload("Deployment", {"replicas": 3}), hpa("web", deployment_ref)]
	v := replicas_with_autoscaler.violation with input as {"objects": objects}
	v == {{
		"msg": "Deployment \"web\" sets spec.replicas (3) while HorizontalPodAutoscaler \"web\" scales it: every apply resets the running replicas to 3",
		"path": ["spec", "replicas"],
		"object": 0,
		"related": [{"object": 1, "path": ["spec", "scaleTargetRef"]}],
	}}
}

test_no_replicas_passes if {
	objects := [workload("Deployment", {}), hpa("web", deployment_ref)]
	count(replicas_with_autoscaler.violation) == 0 with input as {"objects": objects}
	nulled := [workload("Deployment", {"replicas": null}), hpa("web", deployment_ref)]
	count(replicas_with_autoscaler.violation) == 0 with input as {"objects": nulled}
}

test_replicas_without_an_autoscaler_pass if {
	count(replicas_with_autoscaler.violation) == 0 with input as {"objects": [workload("Deployment", {"replicas": 3})]}
	other := [workload("Deployment", {"replicas": 3}), hpa("api", {"apiVersion": "apps/v1", "kind": "Deployment", "name": "api"})]
	count(replicas_with_autoscaler.violation) == 0 with input as {"objects": other}
}

test_every_autoscaler_is_named if {
	objects := [workload("StatefulSet", {"replicas": 1}), hpa("b", {"kind": "StatefulSet", "name": "web"}), hpa("a", {"kind": "StatefulSet", "name": "web"})]
	v := replicas_with_autoscaler.violation with input as {"objects": objects}
	[x.msg | some x in v] == ["StatefulSet \"web\" sets spec.replicas (1) while HorizontalPodAutoscalers \"a\" and \"b\" scale it: every apply resets the running replicas to 1"]
}

test_an_autoscaler_met_twice_is_named_once if {
	objects := [workload("Deployment", {"replicas": 2}), hpa("web", deployment_ref), hpa("web", deployment_ref)]
	v := replicas_with_autoscaler.violation with input as {"objects": objects}
	[x.msg | some x in v] == ["Deployment \"web\" sets spec.replicas (2) while HorizontalPodAutoscaler \"web\" scales it: every apply resets the running replicas to 2"]
}
