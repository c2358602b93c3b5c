package seaworthy.policy.missing_memory_request_test

import data.seaworthy.policy.missing_memory_request
import rego.v1

deployment(containers) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "web"},
	"spec": {"template": {"spec": {"containers": containers}}},
}

test_request_set_passes if {
	count(missing_memory_request.violation) == 0 with input as deployment([{"name": "app", "resources": {"requests": {"memory": "256Mi"}}}])
}

test_limit_only_passes_because_kubernetes_copies_it if {
	count(missing_memory_request.violation) == 0 with input as deployment([{"name": "app", "resources": {"limits": {"memory": "512Mi"}}}])
}

test_no_resources_fails_at_the_request_path if {
	v := missing_memory_request.violation with input as deployment([{"name": "app"}])
	v == {{
		"msg": "container \"app\" has no memory request",
		"path": ["spec", "template", "spec", "containers", 0, "resources", "requests", "memory"],
	}}
}

test_cpu_only_fails if {
	v := missing_memory_request.violation with input as deployment([{"name": "app", "resources": {"requests": {"cpu": "100m"}, "limits": {"cpu": "1"}}}])
	count(v) == 1
}

test_empty_or_null_quantity_fails if {
	count(missing_memory_request.violation) == 1 with input as deployment([{"name": "app", "resources": {"requests": {"memory": ""}}}])
	count(missing_memory_request.violation) == 1 with input as deployment([{"name": "app", "resources": {"requests": {"memory": null}}}])
}

test_init_containers_and_sidecars_are_checked_but_not_ephemeral_ones if {
	inp := {
		"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
		"spec": {
			"initContainers": [{"name": "setup"}, {"name": "proxy", "restartPolicy": "Always"}],
			"ephemeralContainers": [{"name": "debug"}],
			"containers": [{"name": "app", "resources": {"requests": {"memory": "64Mi"}}}],
		},
	}
	v := missing_memory_request.violation with input as inp
	v == {
		{"msg": "init container \"setup\" has no memory request", "path": ["spec", "initContainers", 0, "resources", "requests", "memory"]},
		{"msg": "sidecar container \"proxy\" has no memory request", "path": ["spec", "initContainers", 1, "resources", "requests", "memory"]},
	}
}

test_cronjob_template_is_found if {
	inp := {
		"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "run"}]}}}}},
	}
	v := missing_memory_request.violation with input as inp
	[x | some x in v][0].path == ["spec", "jobTemplate", "spec", "template", "spec", "containers", 0, "resources", "requests", "memory"]
	count(v) == 1
}

test_nameless_container_is_reported_by_index if {
	v := missing_memory_request.violation with input as deployment([{"name": "a", "resources": {"limits": {"memory": "1Gi"}}}, {"image": "x"}])
	[x | some x in v][0].msg == "container \"#1\" has no memory request"
}

test_non_workload_is_ignored if {
	count(missing_memory_request.violation) == 0 with input as {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}
}
