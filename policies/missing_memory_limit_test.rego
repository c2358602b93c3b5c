package seaworthy.policy.missing_memory_limit_test

import data.seaworthy.policy.missing_memory_limit
import rego.v1

deployment(containers) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "web"},
	"spec": {"template": {"spec": {"containers": containers}}},
}

test_limit_set_passes if {
	count(missing_memory_limit.violation) == 0 with input as deployment([{"name": "app", "resources": {"limits": {"memory": "512Mi"}}}])
}

test_no_resources_fails_at_the_limit_path if {
	v := missing_memory_limit.violation with input as deployment([{"name": "app"}])
	v == {{
		"msg": "container \"app\" has no memory limit",
		"path": ["spec", "template", "spec", "containers", 0, "resources", "limits", "memory"],
	}}
}

test_request_alone_is_not_a_limit if {
	count(missing_memory_limit.violation) == 1 with input as deployment([{"name": "app", "resources": {"requests": {"memory": "256Mi"}}}])
}

test_cpu_limit_alone_is_not_a_memory_limit if {
	count(missing_memory_limit.violation) == 1 with input as deployment([{"name": "app", "resources": {"limits": {"cpu": "1"}}}])
}

test_empty_quantity_fails if {
	count(missing_memory_limit.violation) == 1 with input as deployment([{"name": "app", "resources": {"limits": {"memory": ""}}}])
}

test_every_container_is_reported if {
	inp := {
		"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db"},
		"spec": {"template": {"spec": {
			"initContainers": [{"name": "init-perms"}],
			"containers": [
				{"name": "db", "resources": {"limits": {"memory": "2Gi"}}},
				{"name": "exporter"},
			],
		}}},
	}
	v := missing_memory_limit.violation with input as inp
	v == {
		{"msg": "init container \"init-perms\" has no memory limit", "path": ["spec", "template", "spec", "initContainers", 0, "resources", "limits", "memory"]},
		{"msg": "container \"exporter\" has no memory limit", "path": ["spec", "template", "spec", "containers", 1, "resources", "limits", "memory"]},
	}
}

test_bare_pod_is_checked if {
	inp := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "app"}]}}
	v := missing_memory_limit.violation with input as inp
	[x | some x in v][0].path == ["spec", "containers", 0, "resources", "limits", "memory"]
}

test_non_workload_is_ignored if {
	count(missing_memory_limit.violation) == 0 with input as {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}, "spec": {}}
}

# Ephemeral containers may not declare resources; native sidecars run beside
# the app and need them like any container.
test_ephemeral_containers_are_skipped_and_sidecars_checked if {
	inp := {
		"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
		"spec": {
			"initContainers": [{"name": "proxy", "restartPolicy": "Always"}],
			"ephemeralContainers": [{"name": "debug"}],
			"containers": [{"name": "app", "resources": {"limits": {"memory": "128Mi"}}}],
		},
	}
	v := missing_memory_limit.violation with input as inp
	v == {{"msg": "sidecar container \"proxy\" has no memory limit", "path": ["spec", "initContainers", 0, "resources", "limits", "memory"]}}
}
