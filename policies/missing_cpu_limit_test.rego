package seaworthy.policy.missing_cpu_limit_test

import data.seaworthy.policy.missing_cpu_limit
import rego.v1

deployment(containers) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "web"},
	"spec": {"template": {"spec": {"containers": containers}}},
}

test_limit_set_passes if {
	count(missing_cpu_limit.violation) == 0 with input as deployment([{"name": "app", "resources": {"limits": {"cpu": "500m"}}}])
}

test_numeric_limit_passes if {
	count(missing_cpu_limit.violation) == 0 with input as deployment([{"name": "app", "resources": {"limits": {"cpu": 2}}}])
}

test_no_resources_fails_at_the_limit_path if {
	v := missing_cpu_limit.violation with input as deployment([{"name": "app"}])
	v == {{
		"msg": "container \"app\" has no CPU limit",
		"path": ["spec", "template", "spec", "containers", 0, "resources", "limits", "cpu"],
	}}
}

test_request_alone_is_not_a_limit if {
	count(missing_cpu_limit.violation) == 1 with input as deployment([{"name": "app", "resources": {"requests": {"cpu": "250m"}}}])
}

test_init_container_is_checked if {
	inp := {
		"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"},
		"spec": {"template": {"spec": {
			"restartPolicy": "Never",
			"initContainers": [{"name": "fetch"}],
			"containers": [{"name": "run", "resources": {"limits": {"cpu": "1"}}}],
		}}},
	}
	v := missing_cpu_limit.violation with input as inp
	v == {{"msg": "init container \"fetch\" has no CPU limit", "path": ["spec", "template", "spec", "initContainers", 0, "resources", "limits", "cpu"]}}
}

test_deployment_config_is_checked if {
	inp := {
		"apiVersion": "apps.openshift.io/v1", "kind": "DeploymentConfig", "metadata": {"name": "dc"},
		"spec": {"template": {"spec": {"containers": [{"name": "app"}]}}},
	}
	count(missing_cpu_limit.violation) == 1 with input as inp
}

test_non_workload_is_ignored if {
	count(missing_cpu_limit.violation) == 0 with input as {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}
}

# Ephemeral containers may not declare resources; native sidecars run beside
# the app and need them like any container.
test_ephemeral_containers_are_skipped_and_sidecars_checked if {
	inp := {
		"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
		"spec": {
			"initContainers": [{"name": "proxy", "restartPolicy": "Always"}],
			"ephemeralContainers": [{"name": "debug"}],
			"containers": [{"name": "app", "resources": {"limits": {"cpu": "1"}}}],
		},
	}
	v := missing_cpu_limit.violation with input as inp
	v == {{"msg": "sidecar container \"proxy\" has no CPU limit", "path": ["spec", "initContainers", 0, "resources", "limits", "cpu"]}}
}
