package seaworthy.policy.host_path_volume_test

import data.seaworthy.policy.host_path_volume
import rego.v1

daemonset(pod) := {
	"apiVersion": "apps/v1",
	"kind": "DaemonSet",
	"metadata": {"name": "agent"},
	"spec": {"template": {"spec": pod}},
}

test_other_volumes_pass if {
	count(host_path_volume.violation) == 0 with input as daemonset({"volumes": [
		{"name": "tmp", "emptyDir": {}},
		{"name": "config", "configMap": {"name": "agent"}},
		{"name": "data", "persistentVolumeClaim": {"claimName": "data"}},
	]})
}

test_no_volumes_pass if {
	count(host_path_volume.violation) == 0 with input as daemonset({"containers": [{"name": "a"}]})
}

test_host_path_fails_and_names_volume_and_path if {
	v := host_path_volume.violation with input as daemonset({"volumes": [
		{"name": "tmp", "emptyDir": {}},
		{"name": "logs", "hostPath": {"path": "/var/log/app", "type": "Directory"}},
	]})
	v == {{
		"msg": "volume \"logs\" mounts the host path \"/var/log/app\"",
		"path": ["spec", "template", "spec", "volumes", 1, "hostPath"],
	}}
}

test_sensitive_paths_say_why if {
	v := host_path_volume.violation with input as daemonset({"volumes": [
		{"name": "docker", "hostPath": {"path": "/var/run/docker.sock", "type": "Socket"}},
		{"name": "rootfs", "hostPath": {"path": "/"}},
		{"name": "etc", "hostPath": {"path": "/etc/"}},
	]})
	{x.msg | some x in v} == {
		"volume \"docker\" mounts the host path \"/var/run/docker.sock\" (the Docker socket: full control of the node)",
		"volume \"rootfs\" mounts the host path \"/\" (the node's whole filesystem)",
		"volume \"etc\" mounts the host path \"/etc/\" (the node's configuration and credentials)",
	}
}

test_volume_without_name_or_path_is_reported if {
	v := host_path_volume.violation with input as {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"volumes": [{"hostPath": {}}]}}
	v == {{"msg": "volume \"#0\" mounts a host path (hostPath has no path)", "path": ["spec", "volumes", 0, "hostPath"]}}
}

test_cronjob_path if {
	inp := {
		"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {"volumes": [{"name": "h", "hostPath": {"path": "/data"}}]}}}}},
	}
	v := host_path_volume.violation with input as inp
	{x.path | some x in v} == {["spec", "jobTemplate", "spec", "template", "spec", "volumes", 0, "hostPath"]}
}

test_non_workload_is_ignored if {
	count(host_path_volume.violation) == 0 with input as {"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "pv"}, "spec": {"hostPath": {"path": "/mnt/data"}}}
}
