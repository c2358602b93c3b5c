package seaworthy.policy.privileged_container_test

import data.seaworthy.policy.privileged_container
import rego.v1

pod(spec) := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": spec}

test_privileged_container_fails_at_its_privileged_field if {
	v := privileged_container.violation with input as pod({"containers": [{"name": "agent", "securityContext": {"privileged": true}}]})
	v == {{
		"msg": "container \"agent\" runs privileged: it has every capability and all host devices, so a compromise of it is a compromise of the node",
		"path": ["spec", "containers", 0, "securityContext", "privileged"],
	}}
}

test_unprivileged_and_unset_pass if {
	count(privileged_container.violation) == 0 with input as pod({"containers": [
		{"name": "a", "securityContext": {"privileged": false}},
		{"name": "b", "securityContext": {}},
		{"name": "c"},
	]})
}

test_pod_level_privileged_is_not_a_field_and_passes if {
	count(privileged_container.violation) == 0 with input as pod({
		"securityContext": {"privileged": true},
		"containers": [{"name": "app"}],
	})
}

test_init_and_ephemeral_containers_and_unnamed_ones_are_checked if {
	v := privileged_container.violation with input as pod({
		"initContainers": [{"name": "sysctl", "securityContext": {"privileged": true}}],
		"ephemeralContainers": [{"securityContext": {"privileged": true}}],
		"containers": [{"name": "app"}],
	})
	{x.path | some x in v} == {
		["spec", "initContainers", 0, "securityContext", "privileged"],
		["spec", "ephemeralContainers", 0, "securityContext", "privileged"],
	}
	some x in v
	startswith(x.msg, "ephemeral container \"#0\" runs privileged")
}

test_cronjob_path if {
	inp := {
		"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [
			{"name": "a"},
			{"name": "b", "securityContext": {"privileged": true}},
		]}}}}},
	}
	v := privileged_container.violation with input as inp
	{x.path | some x in v} == {["spec", "jobTemplate", "spec", "template", "spec", "containers", 1, "securityContext", "privileged"]}
}

test_non_workload_is_ignored if {
	count(privileged_container.violation) == 0 with input as {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "spec": {"containers": [{"securityContext": {"privileged": true}}]}}
}
