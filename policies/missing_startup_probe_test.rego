package seaworthy.policy.missing_startup_probe_test

import data.seaworthy.policy.missing_startup_probe
import rego.v1

probe := {"httpGet": {"path": "/healthz", "port": 8080}, "failureThreshold": 30, "periodSeconds": 5}

deployment(containers) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "web"},
	"spec": {"template": {"spec": {"containers": containers}}},
}

pod(spec) := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": spec}

test_probe_set_passes if {
	count(missing_startup_probe.violation) == 0 with input as deployment([{"name": "app", "startupProbe": probe}])
}

test_missing_probe_fails_at_the_probe_path if {
	v := missing_startup_probe.violation with input as deployment([{"name": "app", "livenessProbe": probe, "readinessProbe": probe}])
	v == {{
		"msg": "container \"app\" has no startup probe",
		"path": ["spec", "template", "spec", "containers", 0, "startupProbe"],
	}}
}

test_null_probe_fails if {
	count(missing_startup_probe.violation) == 1 with input as deployment([{"name": "app", "startupProbe": null}])
}

test_unnamed_container_is_shown_by_index if {
	v := missing_startup_probe.violation with input as deployment([{"name": "app", "startupProbe": probe}, {"image": "x"}])
	v == {{"msg": "container \"#1\" has no startup probe", "path": ["spec", "template", "spec", "containers", 1, "startupProbe"]}}
}

test_init_and_ephemeral_containers_are_skipped if {
	inp := pod({
		"initContainers": [{"name": "migrate"}],
		"ephemeralContainers": [{"name": "debug"}],
		"containers": [{"name": "app", "startupProbe": probe}],
	})
	count(missing_startup_probe.violation) == 0 with input as inp
}

test_batch_work_is_skipped if {
	count(missing_startup_probe.violation) == 0 with input as pod({"restartPolicy": "Never", "containers": [{"name": "app"}]})
	job := {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"}, "spec": {"template": {"spec": {"containers": [{"name": "run"}]}}}}
	count(missing_startup_probe.violation) == 0 with input as job
}

test_stateful_set_is_checked if {
	inp := {"kind": "StatefulSet", "metadata": {"name": "db"}, "spec": {"template": {"spec": {"containers": [{"name": "db"}]}}}}
	count(missing_startup_probe.violation) == 1 with input as inp
}

test_non_workload_is_ignored if {
	count(missing_startup_probe.violation) == 0 with input as {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}
}

# A native sidecar (an init container that always restarts) runs for the
# pod's whole life and may have probes: it is checked like a container.
test_native_sidecars_are_checked if {
	inp := pod({
		"initContainers": [
			{"name": "migrate"},
			{"name": "proxy", "restartPolicy": "Always"},
			{"name": "agent", "restartPolicy": "Always", "startupProbe": probe},
		],
		"containers": [{"name": "app", "startupProbe": probe}],
	})
	v := missing_startup_probe.violation with input as inp
	v == {{"msg": "sidecar container \"proxy\" has no startup probe", "path": ["spec", "initContainers", 1, "startupProbe"]}}
}

test_init_container_that_restarts_on_failure_is_not_a_sidecar if {
	inp := pod({
		"initContainers": [{"name": "migrate", "restartPolicy": "OnFailure"}],
		"containers": [{"name": "app", "startupProbe": probe}],
	})
	count(missing_startup_probe.violation) == 0 with input as inp
}
