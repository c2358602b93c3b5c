package seaworthy.policy.missing_readiness_probe_test

import data.seaworthy.policy.missing_readiness_probe
import rego.v1

probe := {"httpGet": {"path": "/healthz", "port": 8080}}

deployment(containers) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "web"},
	"spec": {"template": {"spec": {"containers": containers}}},
}

pod(spec) := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": spec}

test_probe_set_passes if {
	count(missing_readiness_probe.violation) == 0 with input as deployment([{"name": "app", "readinessProbe": probe}])
}

test_missing_probe_fails_at_the_probe_path if {
	v := missing_readiness_probe.violation with input as deployment([{"name": "app"}])
	v == {{
		"msg": "container \"app\" has no readiness probe",
		"path": ["spec", "template", "spec", "containers", 0, "readinessProbe"],
	}}
}

test_null_probe_fails if {
	count(missing_readiness_probe.violation) == 1 with input as deployment([{"name": "app", "readinessProbe": null}])
}

test_other_probe_does_not_count if {
	count(missing_readiness_probe.violation) == 1 with input as deployment([{"name": "app", "startupProbe": probe}])
}

test_init_and_ephemeral_containers_are_skipped if {
	inp := pod({
		"initContainers": [{"name": "migrate"}],
		"ephemeralContainers": [{"name": "debug"}],
		"containers": [{"name": "app", "readinessProbe": probe}, {"name": "sidecar"}],
	})
	v := missing_readiness_probe.violation with input as inp
	v == {{"msg": "container \"sidecar\" has no readiness probe", "path": ["spec", "containers", 1, "readinessProbe"]}}
}

test_bare_pod_that_always_restarts_is_checked if {
	count(missing_readiness_probe.violation) == 1 with input as pod({"restartPolicy": "Always", "containers": [{"name": "app"}]})
	count(missing_readiness_probe.violation) == 1 with input as pod({"containers": [{"name": "app"}]})
}

test_pod_that_finishes_is_skipped if {
	count(missing_readiness_probe.violation) == 0 with input as pod({"restartPolicy": "Never", "containers": [{"name": "app"}]})
	count(missing_readiness_probe.violation) == 0 with input as pod({"restartPolicy": "OnFailure", "containers": [{"name": "app"}]})
}

test_job_is_skipped if {
	inp := {
		"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j"},
		"spec": {"template": {"spec": {"restartPolicy": "Never", "containers": [{"name": "run"}]}}},
	}
	count(missing_readiness_probe.violation) == 0 with input as inp
}

test_cronjob_is_skipped if {
	inp := {
		"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "run"}]}}}}},
	}
	count(missing_readiness_probe.violation) == 0 with input as inp
}

templated(kind) := {"kind": kind, "metadata": {"name": "w"}, "spec": {"template": {"spec": {"containers": [{"name": "app"}]}}}}

test_replica_set_is_checked if {
	count(missing_readiness_probe.violation) == 1 with input as templated("ReplicaSet")
}

test_stateful_set_is_checked if {
	count(missing_readiness_probe.violation) == 1 with input as templated("StatefulSet")
}

test_daemon_set_is_checked if {
	count(missing_readiness_probe.violation) == 1 with input as templated("DaemonSet")
}

test_replication_controller_is_checked if {
	count(missing_readiness_probe.violation) == 1 with input as templated("ReplicationController")
}

test_deployment_config_is_checked if {
	count(missing_readiness_probe.violation) == 1 with input as templated("DeploymentConfig")
}

test_non_workload_is_ignored if {
	count(missing_readiness_probe.violation) == 0 with input as {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}, "spec": {}}
}

# A native sidecar (an init container that always restarts) runs for the
# pod's whole life and may have probes: it is checked like a container.
test_native_sidecars_are_checked if {
	inp := pod({
		"initContainers": [
			{"name": "migrate"},
			{"name": "proxy", "restartPolicy": "Always"},
			{"name": "agent", "restartPolicy": "Always", "readinessProbe": probe},
		],
		"containers": [{"name": "app", "readinessProbe": probe}],
	})
	v := missing_readiness_probe.violation with input as inp
	v == {{"msg": "sidecar container \"proxy\" has no readiness probe", "path": ["spec", "initContainers", 1, "readinessProbe"]}}
}

test_init_container_that_restarts_on_failure_is_not_a_sidecar if {
	inp := pod({
		"initContainers": [{"name": "migrate", "restartPolicy": "OnFailure"}],
		"containers": [{"name": "app", "readinessProbe": probe}],
	})
	count(missing_readiness_probe.violation) == 0 with input as inp
}
