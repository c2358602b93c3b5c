package seaworthy.policy.missing_cpu_request_test

import data.seaworthy.policy.missing_cpu_request
import rego.v1

deployment(containers) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "web"},
	"spec": {"template": {"spec": {"containers": containers}}},
}

test_request_set_passes if {
	count(missing_cpu_request.violation) == 0 with input as deployment([{"name": "app", "resources": {"requests": {"cpu": "100m"}}}])
}

test_limit_only_passes_because_kubernetes_copies_it if {
	count(missing_cpu_request.violation) == 0 with input as deployment([{"name": "app", "resources": {"limits": {"cpu": "1"}}}])
}

test_no_resources_fails_at_the_request_path if {
	v := missing_cpu_request.violation with input as deployment([{"name": "app"}])
	v == {{
		"msg": "container \"app\" has no CPU request",
		"path": ["spec", "template", "spec", "containers", 0, "resources", "requests", "cpu"],
	}}
}

test_init_container_is_checked if {
	inp := {
		"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
		"spec": {
			"initContainers": [{"name": "setup"}],
			"containers": [{"name": "app", "resources": {"requests": {"cpu": "1"}}}],
		},
	}
	v := missing_cpu_request.violation with input as inp
	[x | some x in v][0].path == ["spec", "initContainers", 0, "resources", "requests", "cpu"]
	count(v) == 1
}

test_cronjob_template_is_found if {
	inp := {
		"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "run"}]}}}}},
	}
	count(missing_cpu_request.violation) == 1 with input as inp
}

test_nameless_container_is_reported_by_index if {
	v := missing_cpu_request.violation with input as deployment([{"image": "x"}])
	[x | some x in v][0].msg == "container \"#0\" has no CPU request"
}

test_non_workload_is_ignored if {
	count(missing_cpu_request.violation) == 0 with input as {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}
}

# Ephemeral containers may not declare resources; native sidecars run beside
# the app and need them like any container.
test_ephemeral_containers_are_skipped_and_sidecars_checked if {
	inp := {
		"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
		"spec": {
			"initContainers": [{"name": "proxy", "restartPolicy": "Always"}],
			"ephemeralContainers": [{"name": "debug"}],
			"containers": [{"name": "app", "resources": {"requests": {"cpu": "100m"}}}],
		},
	}
	v := missing_cpu_request.violation with input as inp
	v == {{"msg": "sidecar container \"proxy\" has no CPU request", "path": ["spec", "initContainers", 0, "resources", "requests", "cpu"]}}
}
