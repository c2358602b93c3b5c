package seaworthy.policy.host_namespace_test

import data.seaworthy.policy.host_namespace
import rego.v1

deployment(pod) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "web"},
	"spec": {"template": {"spec": pod}},
}

test_no_host_namespace_passes if {
	count(host_namespace.violation) == 0 with input as deployment({"containers": [{"name": "app"}]})
}

test_false_passes if {
	count(host_namespace.violation) == 0 with input as deployment({
		"hostNetwork": false, "hostPID": false, "hostIPC": false,
		"containers": [{"name": "app"}],
	})
}

test_host_network_fails_at_its_field if {
	v := host_namespace.violation with input as deployment({"hostNetwork": true, "containers": [{"name": "app"}]})
	v == {{
		"msg": "pod shares the node's network namespace (hostNetwork: true): it can bind any node port, see the node's traffic and reach services on the node's localhost",
		"path": ["spec", "template", "spec", "hostNetwork"],
	}}
}

test_one_violation_per_field if {
	v := host_namespace.violation with input as deployment({"hostNetwork": true, "hostPID": true, "hostIPC": true})
	{x.path | some x in v} == {
		["spec", "template", "spec", "hostNetwork"],
		["spec", "template", "spec", "hostPID"],
		["spec", "template", "spec", "hostIPC"],
	}
}

test_host_pid_message if {
	v := host_namespace.violation with input as {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"hostPID": true}}
	v == {{
		"msg": "pod shares the node's process namespace (hostPID: true): it can see every process on the node and, as root, read their memory and environment or kill them",
		"path": ["spec", "hostPID"],
	}}
}

test_cronjob_path if {
	inp := {
		"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {"hostIPC": true, "containers": [{"name": "a"}]}}}}},
	}
	v := host_namespace.violation with input as inp
	{x.path | some x in v} == {["spec", "jobTemplate", "spec", "template", "spec", "hostIPC"]}
}

test_a_string_is_not_true if {
	count(host_namespace.violation) == 0 with input as deployment({"hostNetwork": "true"})
}

test_non_workload_is_ignored if {
	count(host_namespace.violation) == 0 with input as {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}, "spec": {"hostNetwork": true}}
}
