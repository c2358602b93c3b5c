package seaworthy.policy.runs_as_root_test

import data.seaworthy.policy.runs_as_root
import rego.v1

# A Deployment with the given pod-level securityContext and containers.
deployment(pod_sc, containers) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "web"},
	"spec": {"template": {"spec": {"securityContext": pod_sc, "containers": containers}}},
}

one(v) := [x | some x in v][0]

test_pod_run_as_non_root_passes if {
	count(runs_as_root.violation) == 0 with input as deployment({"runAsNonRoot": true}, [{"name": "app"}])
}

test_container_run_as_non_root_passes if {
	count(runs_as_root.violation) == 0 with input as deployment({}, [{"name": "app", "securityContext": {"runAsNonRoot": true}}])
}

test_non_zero_uid_passes if {
	count(runs_as_root.violation) == 0 with input as deployment({"runAsUser": 10001}, [{"name": "app"}])
	count(runs_as_root.violation) == 0 with input as deployment({}, [{"name": "app", "securityContext": {"runAsUser": 1000}}])
}

test_nothing_set_fails_at_the_container_run_as_non_root_path if {
	v := runs_as_root.violation with input as deployment({}, [{"name": "app"}])
	v == {{
		"msg": "container \"app\" may run as root: neither runAsNonRoot: true nor a non-zero runAsUser is set, so the image's user applies",
		"path": ["spec", "template", "spec", "containers", 0, "securityContext", "runAsNonRoot"],
	}}
}

test_no_pod_security_context_at_all_fails if {
	inp := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "app"}]}}
	v := runs_as_root.violation with input as inp
	one(v).path == ["spec", "containers", 0, "securityContext", "runAsNonRoot"]
	count(v) == 1
}

test_container_uid_zero_fails_at_its_run_as_user if {
	v := runs_as_root.violation with input as deployment({}, [{"name": "app", "securityContext": {"runAsUser": 0}}])
	v == {{
		"msg": "container \"app\" runs as root: runAsUser is 0",
		"path": ["spec", "template", "spec", "containers", 0, "securityContext", "runAsUser"],
	}}
}

test_pod_uid_zero_fails_at_the_pod_run_as_user if {
	v := runs_as_root.violation with input as deployment({"runAsUser": 0}, [{"name": "app"}])
	v == {{
		"msg": "container \"app\" runs as root: runAsUser is 0 (from the pod securityContext)",
		"path": ["spec", "template", "spec", "securityContext", "runAsUser"],
	}}
}

test_uid_zero_with_run_as_non_root_fails_and_says_the_kubelet_refuses if {
	v := runs_as_root.violation with input as deployment({"runAsNonRoot": true}, [{"name": "app", "securityContext": {"runAsUser": 0}}])
	v == {{
		"msg": "container \"app\" has runAsUser 0 while runAsNonRoot is true: the kubelet will refuse to start it",
		"path": ["spec", "template", "spec", "containers", 0, "securityContext", "runAsUser"],
	}}
}

test_container_uid_overrides_pod_uid_zero if {
	count(runs_as_root.violation) == 0 with input as deployment({"runAsUser": 0}, [{"name": "app", "securityContext": {"runAsUser": 1000}}])
}

test_container_uid_zero_overrides_pod_uid if {
	v := runs_as_root.violation with input as deployment({"runAsUser": 1000, "runAsNonRoot": true}, [{"name": "app", "securityContext": {"runAsUser": 0}}])
	one(v).path == ["spec", "template", "spec", "containers", 0, "securityContext", "runAsUser"]
	count(v) == 1
}

test_container_run_as_non_root_false_overrides_pod_true if {
	v := runs_as_root.violation with input as deployment({"runAsNonRoot": true}, [{"name": "app", "securityContext": {"runAsNonRoot": false}}])
	v == {{
		"msg": "container \"app\" may run as root: runAsNonRoot is false and no non-zero runAsUser is set",
		"path": ["spec", "template", "spec", "containers", 0, "securityContext", "runAsNonRoot"],
	}}
}

test_run_as_non_root_false_with_non_zero_uid_passes if {
	count(runs_as_root.violation) == 0 with input as deployment({"runAsNonRoot": false}, [{"name": "app", "securityContext": {"runAsUser": 1000}}])
}

test_string_uid_is_not_trusted if {
	count(runs_as_root.violation) == 1 with input as deployment({}, [{"name": "app", "securityContext": {"runAsUser": "1000"}}])
}

test_init_and_ephemeral_containers_are_checked if {
	inp := {
		"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
		"spec": {
			"securityContext": {"runAsNonRoot": true},
			"initContainers": [{"name": "chown", "securityContext": {"runAsUser": 0}}],
			"ephemeralContainers": [{"name": "debug", "securityContext": {"runAsNonRoot": false}}],
			"containers": [{"name": "app"}],
		},
	}
	v := runs_as_root.violation with input as inp
	{x.path | some x in v} == {
		["spec", "initContainers", 0, "securityContext", "runAsUser"],
		["spec", "ephemeralContainers", 0, "securityContext", "runAsNonRoot"],
	}
	one([x | some x in v; x.path[1] == "initContainers"]).msg == "init container \"chown\" has runAsUser 0 while runAsNonRoot is true: the kubelet will refuse to start it"
}

test_cronjob_pod_security_context_is_found if {
	inp := {
		"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {
			"securityContext": {"runAsUser": 0},
			"containers": [{"name": "run"}],
		}}}}},
	}
	v := runs_as_root.violation with input as inp
	one(v).path == ["spec", "jobTemplate", "spec", "template", "spec", "securityContext", "runAsUser"]
}

test_non_workload_is_ignored if {
	count(runs_as_root.violation) == 0 with input as {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}
}

# Without params the rule asks for proof: the default of the `mode` parameter.
test_default_mode_is_prove_non_root if {
	runs_as_root.mode == "prove-non-root"
	count(runs_as_root.violation) == 1 with input as deployment({}, [{"name": "app"}])
}

test_forbid_uid_0_mode_reports_only_an_explicit_root_uid if {
	params := {"mode": "forbid-uid-0"}
	count(runs_as_root.violation) == 0 with input as deployment({}, [{"name": "app"}])
		with data.seaworthy.params.runs_as_root as params
	count(runs_as_root.violation) == 0 with input as deployment({"runAsNonRoot": false}, [{"name": "app"}])
		with data.seaworthy.params.runs_as_root as params
	v := runs_as_root.violation with input as deployment({"runAsUser": 0}, [{"name": "app"}])
		with data.seaworthy.params.runs_as_root as params
	v == {{
		"msg": "container \"app\" runs as root: runAsUser is 0 (from the pod securityContext)",
		"path": ["spec", "template", "spec", "securityContext", "runAsUser"],
	}}
}

test_prove_non_root_mode_named_explicitly_is_the_default if {
	count(runs_as_root.violation) == 1 with input as deployment({}, [{"name": "app"}])
		with data.seaworthy.params.runs_as_root as {"mode": "prove-non-root"}
}

test_native_sidecar_is_named_as_such if {
	inp := {
		"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
		"spec": {
			"securityContext": {"runAsNonRoot": true},
			"initContainers": [{"name": "proxy", "restartPolicy": "Always", "securityContext": {"runAsUser": 0}}],
			"containers": [{"name": "app"}],
		},
	}
	v := runs_as_root.violation with input as inp
	v == {{
		"msg": "sidecar container \"proxy\" has runAsUser 0 while runAsNonRoot is true: the kubelet will refuse to start it",
		"path": ["spec", "initContainers", 0, "securityContext", "runAsUser"],
	}}
}
