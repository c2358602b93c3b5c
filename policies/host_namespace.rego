# METADATA
# title: Pod shares a namespace of the node
# description: |-
#   `hostNetwork`, `hostPID` and `hostIPC` put the pod in the node's own network,
#   process or IPC namespace instead of one of its own, and remove the isolation
#   that keeps a compromised container from reaching the rest of the node. With
#   `hostNetwork` the pod can bind any port of the node, sniff its traffic and reach
#   services that listen only on the node's localhost (the kubelet's read-only
#   port, cloud metadata proxies); NetworkPolicies no longer apply to it. With
#   `hostPID` it sees every process of the node and, as root, can read their
#   environment and memory (Secrets included) or kill them. With `hostIPC` it can
#   read and write the shared memory of every process on the node. Each field set
#   to true is reported at its own line.
# custom:
#   severity: error
#   scope: object
#   status: stable
#   kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob, ReplicationController, DeploymentConfig]
#   tags: [security, isolation]
#   remediation: |-
#     Remove `hostNetwork`, `hostPID` and `hostIPC` from the pod spec (they default
#     to false). Expose a port through a Service (or a `hostPort` if it really must
#     be on the node), and share data between containers of one pod with a volume
#     or `shareProcessNamespace: true` rather than with the node.
#   equivalents:
#     kube-linter: host-network, host-pid, host-ipc
#     polaris: hostNetworkSet, hostPIDSet, hostIPCSet
#     checkov: CKV_K8S_19, CKV_K8S_17, CKV_K8S_18
#     trivy: KSV009, KSV010, KSV008
package seaworthy.policy.host_namespace

import data.seaworthy.lib.k8s.pod_spec
import data.seaworthy.lib.k8s.pod_spec_path
import rego.v1

namespaces := {
	"hostNetwork": ["network", "it can bind any node port, see the node's traffic and reach services on the node's localhost"],
	"hostPID": ["process", "it can see every process on the node and, as root, read their memory and environment or kill them"],
	"hostIPC": ["IPC", "it can read and write the shared memory of every process on the node"],
}

violation contains {"msg": msg, "path": path} if {
	some field, about in namespaces
	pod_spec[field] == true
	msg := sprintf("pod shares the node's %s namespace (%s: true): %s", [about[0], field, about[1]])
	path := array.concat(pod_spec_path, [field])
}
