# METADATA
# title: Container root filesystem is writable
# description: |-
#   With a writable root filesystem, an attacker who gets code execution in the
#   container can drop tools and binaries, replace the application's own files or
#   plant a backdoor that survives until the pod is deleted; bugs can also fill the
#   container's writable layer and, through it, the node's disk. With
#   `readOnlyRootFilesystem: true` the image stays exactly what was built and
#   scanned, and the places the application may write become explicit `emptyDir`
#   or persistent volumes. The rule passes only when the container's own
#   securityContext sets `readOnlyRootFilesystem: true`; the field does not exist in
#   the pod securityContext and is ignored there. Init containers (native sidecars
#   too) and ephemeral containers are checked too. Windows pods (`spec.os.name:
#   windows`) are skipped: the field does not apply to them.
# custom:
#   severity: warning
#   scope: object
#   status: stable
#   kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob, ReplicationController, DeploymentConfig]
#   tags: [security, identity]
#   remediation: |-
#     Set `readOnlyRootFilesystem: true` in the `securityContext` of every
#     container, and mount an `emptyDir` volume on each directory the application
#     writes to (for example `/tmp` or a cache directory).
#   equivalents:
#     kube-linter: no-read-only-root-fs
#     polaris: notReadOnlyRootFilesystem
#     checkov: CKV_K8S_22
#     trivy: KSV014
package seaworthy.policy.writable_root_filesystem

import data.seaworthy.lib.k8s
import data.seaworthy.lib.k8s.containers
import data.seaworthy.lib.k8s.windows_pod
import rego.v1

violation contains {"msg": msg, "path": path} if {
	not windows_pod
	some entry in containers
	not read_only(entry.container)
	msg := sprintf("%s %q has a writable root filesystem: %s%s", [entry.role, entry.name, reason(entry.container), pod_note(entry.container)])
	path := k8s.container_security_path(entry, "readOnlyRootFilesystem")
}

read_only(c) if c.securityContext.readOnlyRootFilesystem == true

sets_it(c) if k8s.has_key(object.get(c, "securityContext", {}), "readOnlyRootFilesystem")

reason(c) := "readOnlyRootFilesystem is not set" if {
	not sets_it(c)
} else := "readOnlyRootFilesystem is false" if {
	c.securityContext.readOnlyRootFilesystem == false
} else := sprintf("readOnlyRootFilesystem is %s, not the boolean true", [json.marshal(c.securityContext.readOnlyRootFilesystem)])

pod_note(c) := " (readOnlyRootFilesystem in the pod securityContext has no effect: set it on the container)" if {
	k8s.pod_security_sets("readOnlyRootFilesystem")
	not sets_it(c)
} else := ""
