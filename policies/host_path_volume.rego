# METADATA
# title: Pod mounts a directory of the node
# description: |-
#   A `hostPath` volume mounts a file or directory of the node into the pod. It
#   ties the pod to whatever is on that particular node, breaks when the pod is
#   rescheduled elsewhere, and bypasses storage quotas. Above all it is the most
#   common path from a compromised container to the node: a writable hostPath
#   lets the container plant files the node will execute, and mounts of the
#   container runtime socket (`/var/run/docker.sock`, containerd's or CRI-O's),
#   `/`, `/etc`, `/proc` or `/var/lib/kubelet` hand over the node and every Secret
#   on it outright. The message names the volume and the host path, and says why
#   the well-known sensitive paths are dangerous. Every hostPath volume is
#   reported, read-only mounts included: they still expose the node's files.
# custom:
#   severity: warning
#   scope: object
#   status: stable
#   kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob, ReplicationController, DeploymentConfig]
#   tags: [security, isolation, storage]
#   remediation: |-
#     Use an `emptyDir` for scratch space, a ConfigMap or Secret volume for
#     configuration, and a PersistentVolumeClaim for data that must outlive the pod.
#     Node agents that really need a host directory should mount the narrowest path
#     possible with `readOnly: true` in the `volumeMounts`, and record the exception
#     (`seaworthy.dev/ignore: host-path-volume` with a reason).
#   equivalents:
#     kube-linter: sensitive-host-mounts (partial)
#     checkov: CKV_K8S_27 (Docker socket)
#     trivy: KSV023
package seaworthy.policy.host_path_volume

import data.seaworthy.lib.k8s
import data.seaworthy.lib.k8s.pod_spec
import data.seaworthy.lib.k8s.pod_spec_path
import rego.v1

violation contains {"msg": msg, "path": path} if {
	some i, volume in object.get(pod_spec, "volumes", [])
	host_path := volume.hostPath
	host_path != null
	msg := sprintf("volume %q mounts %s", [k8s.display_name(volume, i), what(host_path)])
	path := array.concat(pod_spec_path, ["volumes", i, "hostPath"])
}

what(host_path) := sprintf("the host path %q%s", [host_path.path, sensitivity(host_path.path)]) if {
	is_string(host_path.path)
	host_path.path != ""
} else := "a host path (hostPath has no path)"

# Well-known paths whose exposure gives the node away.
sensitive := {
	"/": "the node's whole filesystem",
	"/etc": "the node's configuration and credentials",
	"/etc/kubernetes": "the node's Kubernetes credentials",
	"/root": "root's home directory on the node",
	"/boot": "the node's kernel and boot files",
	"/dev": "every device of the node",
	"/proc": "every process of the node",
	"/sys": "the node's kernel settings",
	"/var/lib/kubelet": "the kubelet's data, with the Secrets of every pod on the node",
	"/var/run/docker.sock": "the Docker socket: full control of the node",
	"/run/docker.sock": "the Docker socket: full control of the node",
	"/var/run/containerd/containerd.sock": "the containerd socket: full control of the node",
	"/run/containerd/containerd.sock": "the containerd socket: full control of the node",
	"/var/run/crio/crio.sock": "the CRI-O socket: full control of the node",
	"/run/crio/crio.sock": "the CRI-O socket: full control of the node",
}

clean(p) := "/" if trim_right(p, "/") == ""

clean(p) := trim_right(p, "/") if trim_right(p, "/") != ""

sensitivity(p) := sprintf(" (%s)", [sensitive[clean(p)]]) if {
	sensitive[clean(p)]
} else := ""
