package seaworthy.policy.capabilities_not_dropped_test

import data.seaworthy.policy.capabilities_not_dropped
import rego.v1

deployment(pod) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "web"},
	"spec": {"template": {"spec": pod}},
}

app(sc) := {"name": "app", "securityContext": sc}

drop_path := ["spec", "template", "spec", "containers", 0, "securityContext", "capabilities", "drop"]

test_drop_all_passes if {
	count(capabilities_not_dropped.violation) == 0 with input as deployment({"containers": [app({"capabilities": {"drop": ["ALL"]}})]})
}

test_drop_all_in_any_case_passes_even_with_added_capabilities if {
	count(capabilities_not_dropped.violation) == 0 with input as deployment({"containers": [
		app({"capabilities": {"drop": ["all"], "add": ["NET_BIND_SERVICE"]}}),
		app({"capabilities": {"drop": ["NET_RAW", " All "]}}),
	]})
}

test_nothing_set_fails_at_the_missing_drop if {
	v := capabilities_not_dropped.violation with input as deployment({"containers": [{"name": "app"}]})
	v == {{
		"msg": "container \"app\" does not drop all capabilities: capabilities.drop is not set, so the runtime's default capabilities (NET_RAW among them) apply",
		"path": drop_path,
	}}
}

test_partial_drop_fails_and_lists_what_is_dropped if {
	v := capabilities_not_dropped.violation with input as deployment({"containers": [app({"capabilities": {"drop": ["NET_RAW", "MKNOD"]}})]})
	v == {{"msg": "container \"app\" does not drop all capabilities: capabilities.drop lists NET_RAW, MKNOD but not ALL", "path": drop_path}}
}

test_empty_drop_fails if {
	v := capabilities_not_dropped.violation with input as deployment({"containers": [app({"capabilities": {"drop": []}})]})
	v == {{"msg": "container \"app\" does not drop all capabilities: capabilities.drop is empty, add ALL", "path": drop_path}}
}

test_a_string_instead_of_a_list_fails if {
	v := capabilities_not_dropped.violation with input as deployment({"containers": [app({"capabilities": {"drop": "ALL"}})]})
	v == {{"msg": "container \"app\" does not drop all capabilities: capabilities.drop is not a list of capability names", "path": drop_path}}
}

test_only_add_fails if {
	v := capabilities_not_dropped.violation with input as deployment({"containers": [app({"capabilities": {"add": ["NET_ADMIN"]}})]})
	count(v) == 1
}

test_pod_level_capabilities_have_no_effect if {
	v := capabilities_not_dropped.violation with input as deployment({
		"securityContext": {"capabilities": {"drop": ["ALL"]}},
		"containers": [{"name": "app"}],
	})
	v == {{
		"msg": "container \"app\" does not drop all capabilities: capabilities.drop is not set (capabilities in the pod securityContext have no effect: set them on the container)",
		"path": drop_path,
	}}
}

test_every_role_is_checked_and_unnamed_containers_too if {
	v := capabilities_not_dropped.violation with input as {
		"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
		"spec": {
			"initContainers": [{"name": "init"}],
			"ephemeralContainers": [{}],
			"containers": [{"name": "app", "securityContext": {"capabilities": {"drop": ["ALL"]}}}],
		},
	}
	{x.path | some x in v} == {
		["spec", "initContainers", 0, "securityContext", "capabilities", "drop"],
		["spec", "ephemeralContainers", 0, "securityContext", "capabilities", "drop"],
	}
}

test_windows_pods_are_skipped if {
	count(capabilities_not_dropped.violation) == 0 with input as deployment({"os": {"name": "windows"}, "containers": [{"name": "app"}]})
}

test_non_workload_is_ignored if {
	count(capabilities_not_dropped.violation) == 0 with input as {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}
}
