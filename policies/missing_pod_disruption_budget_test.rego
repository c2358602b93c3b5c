package seaworthy.policy.missing_pod_disruption_budget_test

import data.seaworthy.policy.missing_pod_disruption_budget
import rego.v1

deployment(ns, replicas, labels) := {
	"apiVersion": "apps/v1", "kind": "Deployment",
	"metadata": {"name": "web", "namespace": ns},
	"spec": {"replicas": replicas, "template": {"metadata": {"labels": labels}, "spec": {"containers": [{"name": "web"}]}}},
}

pdb(ns, selector) := {
	"apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
	"metadata": {"name": "web", "namespace": ns},
	"spec": {"maxUnavailable": 1, "selector": selector},
}

test_uncovered_multi_replica_workload_fails if {
	v := missing_pod_disruption_budget.violation with input as {"objects": [deployment("shop", 3, {"app": "web"})]}
	v == {{"msg": "Deployment \"web\" has 3 replicas but no PodDisruptionBudget selects its pods", "path": ["spec", "replicas"], "object": 0}}
}

test_matching_budget_passes if {
	objects := [deployment("shop", 3, {"app": "web", "tier": "front"}), pdb("shop", {"matchLabels": {"app": "web"}})]
	count(missing_pod_disruption_budget.violation) == 0 with input as {"objects": objects}
}

test_budget_in_another_namespace_does_not_count if {
	objects := [deployment("shop", 3, {"app": "web"}), pdb("other", {"matchLabels": {"app": "web"}})]
	count(missing_pod_disruption_budget.violation) == 1 with input as {"objects": objects}
}

test_match_expressions_are_honoured if {
	sel := {"matchExpressions": [{"key": "app", "operator": "In", "values": ["web", "api"]}, {"key": "canary", "operator": "DoesNotExist"}]}
	objects := [deployment("shop", 2, {"app": "web"}), pdb("shop", sel)]
	count(missing_pod_disruption_budget.violation) == 0 with input as {"objects": objects}
	canary := [deployment("shop", 2, {"app": "web", "canary": "true"}), pdb("shop", sel)]
	count(missing_pod_disruption_budget.violation) == 1 with input as {"objects": canary}
}

test_single_replica_is_left_to_its_own_rule if {
	objects := [deployment("shop", 1, {"app": "web"})]
	count(missing_pod_disruption_budget.violation) == 0 with input as {"objects": objects}
	unset := [{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x"}, "spec": {"template": {"spec": {}}}}]
	count(missing_pod_disruption_budget.violation) == 0 with input as {"objects": unset}
}

autoscaler(ns, min) := {
	"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
	"metadata": {"name": "web", "namespace": ns},
	"spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}, "minReplicas": min, "maxReplicas": 10},
}

unscaled_deployment(ns, labels) := {
	"apiVersion": "apps/v1", "kind": "Deployment",
	"metadata": {"name": "web", "namespace": ns},
	"spec": {"template": {"metadata": {"labels": labels}, "spec": {"containers": [{"name": "web"}]}}},
}

# Without spec.replicas, an autoscaler's minReplicas is what the workload runs.
test_autoscaled_workload_counts_its_minimum if {
	objects := [unscaled_deployment("shop", {"app": "web"}), autoscaler("shop", 3)]
	v := missing_pod_disruption_budget.violation with input as {"objects": objects}
	v == {{
		"msg": "Deployment \"web\" runs at least 3 replicas (the minReplicas of HorizontalPodAutoscaler \"web\") but no PodDisruptionBudget selects its pods",
		"path": ["spec", "replicas"],
		"object": 0,
	}}
	covered := array.concat(objects, [pdb("shop", {"matchLabels": {"app": "web"}})])
	count(missing_pod_disruption_budget.violation) == 0 with input as {"objects": covered}
}

test_autoscaler_that_allows_one_replica_is_left_to_single_replica if {
	objects := [deployment("shop", 3, {"app": "web"}), autoscaler("shop", 1)]
	count(missing_pod_disruption_budget.violation) == 0 with input as {"objects": objects}
}

test_a_budget_without_namespace_is_in_the_default_namespace if {
	count(missing_pod_disruption_budget.violation) == 0 with input as {"objects": [deployment("default", 3, {"app": "web"}), pdb("", {"matchLabels": {"app": "web"}})]}
	count(missing_pod_disruption_budget.violation) == 0 with input as {"objects": [deployment("", 3, {"app": "web"}), pdb("default", {"matchLabels": {"app": "web"}})]}
	count(missing_pod_disruption_budget.violation) == 1 with input as {"objects": [deployment("shop", 3, {"app": "web"}), pdb("", {"matchLabels": {"app": "web"}})]}
}

test_the_namespace_flag_places_objects_without_one if {
	objects := [deployment("shop", 3, {"app": "web"}), pdb("", {"matchLabels": {"app": "web"}})]
	count(missing_pod_disruption_budget.violation) == 0 with input as {"objects": objects} with data.seaworthy.namespace as "shop"
	moved := [deployment("default", 3, {"app": "web"}), pdb("", {"matchLabels": {"app": "web"}})]
	count(missing_pod_disruption_budget.violation) == 1 with input as {"objects": moved} with data.seaworthy.namespace as "shop"
}
