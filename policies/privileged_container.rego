# METADATA
# title: Container runs privileged
# description: |-
#   A privileged container (`securityContext.privileged: true`) runs with every Linux
#   capability, without the seccomp and AppArmor/SELinux confinement of other
#   containers, and with access to all of the node's devices. It can mount the
#   host's disks, load kernel modules and change the node's network: whoever gets
#   code execution in it owns the node, and from there every pod and Secret on it.
#   Almost nothing needs this outside of node agents (CNI, storage and device
#   plugins), and those belong in dedicated, tightly controlled namespaces. Only the
#   container's own securityContext can make it privileged (the pod securityContext
#   has no such field). Init containers (native sidecars too)
#   and ephemeral containers are checked too.
# custom:
#   severity: error
#   scope: object
#   status: stable
#   kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob, ReplicationController, DeploymentConfig]
#   tags: [security, identity]
#   remediation: |-
#     Remove `privileged: true`. If the container needs one specific kernel
#     permission, drop all capabilities and add back only that one, for example
#     `capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}`. Node agents that truly
#     need privileges should run in a separate namespace with an exception recorded
#     (`seaworthy.dev/ignore: privileged-container` with a reason).
#   equivalents:
#     kube-linter: privileged-container
#     polaris: runAsPrivileged
#     checkov: CKV_K8S_16
#     trivy: KSV017
package seaworthy.policy.privileged_container

import data.seaworthy.lib.k8s
import data.seaworthy.lib.k8s.containers
import rego.v1

violation contains {"msg": msg, "path": path} if {
	some entry in containers
	entry.container.securityContext.privileged == true
	msg := sprintf(
		"%s %q runs privileged: it has every capability and all host devices, so a compromise of it is a compromise of the node",
		[entry.role, entry.name],
	)
	path := k8s.container_security_path(entry, "privileged")
}
