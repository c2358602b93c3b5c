package seaworthy.policy.writable_root_filesystem_test

import data.seaworthy.policy.writable_root_filesystem
import rego.v1

pod(spec) := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": spec}

ro_path := ["spec", "containers", 0, "securityContext", "readOnlyRootFilesystem"]

test_read_only_passes if {
	count(writable_root_filesystem.violation) == 0 with input as pod({"containers": [{"name": "app", "securityContext": {"readOnlyRootFilesystem": true}}]})
}

test_unset_fails_at_the_missing_field if {
	v := writable_root_filesystem.violation with input as pod({"containers": [{"name": "app"}]})
	v == {{"msg": "container \"app\" has a writable root filesystem: readOnlyRootFilesystem is not set", "path": ro_path}}
}

test_false_fails if {
	v := writable_root_filesystem.violation with input as pod({"containers": [{"name": "app", "securityContext": {"readOnlyRootFilesystem": false}}]})
	v == {{"msg": "container \"app\" has a writable root filesystem: readOnlyRootFilesystem is false", "path": ro_path}}
}

test_a_string_is_not_true if {
	v := writable_root_filesystem.violation with input as pod({"containers": [{"name": "app", "securityContext": {"readOnlyRootFilesystem": "true"}}]})
	v == {{"msg": "container \"app\" has a writable root filesystem: readOnlyRootFilesystem is \"true\", not the boolean true", "path": ro_path}}
}

test_pod_level_field_has_no_effect if {
	v := writable_root_filesystem.violation with input as pod({
		"securityContext": {"readOnlyRootFilesystem": true},
		"containers": [{"name": "app"}],
	})
	v == {{
		"msg": "container \"app\" has a writable root filesystem: readOnlyRootFilesystem is not set (readOnlyRootFilesystem in the pod securityContext has no effect: set it on the container)",
		"path": ro_path,
	}}
}

test_every_role_is_checked_and_unnamed_containers_too if {
	v := writable_root_filesystem.violation with input as {
		"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "s"},
		"spec": {"template": {"spec": {
			"initContainers": [{}],
			"ephemeralContainers": [{"name": "debug"}],
			"containers": [{"name": "db", "securityContext": {"readOnlyRootFilesystem": true}}],
		}}},
	}
	{x.path | some x in v} == {
		["spec", "template", "spec", "initContainers", 0, "securityContext", "readOnlyRootFilesystem"],
		["spec", "template", "spec", "ephemeralContainers", 0, "securityContext", "readOnlyRootFilesystem"],
	}
	some x in v
	x.msg == "init container \"#0\" has a writable root filesystem: readOnlyRootFilesystem is not set"
}

test_windows_pods_are_skipped if {
	count(writable_root_filesystem.violation) == 0 with input as pod({"os": {"name": "windows"}, "containers": [{"name": "app"}]})
}

test_non_workload_is_ignored if {
	count(writable_root_filesystem.violation) == 0 with input as {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}}
}
