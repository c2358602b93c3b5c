# METADATA
# title: Container may run as root
# description: |-
#   A process running as root (UID 0) inside a container is root on the host's kernel
#   as well: a container escape, a writable hostPath or a kernel bug then gives full
#   control of the node. The rule reads the effective securityContext, where the
#   container's settings override the pod's. It passes when `runAsNonRoot` is true
#   (the kubelet then refuses to start the container as root) or `runAsUser` is a
#   non-zero UID. It fails when `runAsUser` is 0, even with `runAsNonRoot: true`
#   (that container can never start), and when neither is set, because the image's
#   default user, often root, applies. Init containers (native sidecars too)
#   and ephemeral containers are checked too.
#
#   That is the `prove-non-root` mode, the default. Teams whose policy forbids
#   only an explicit root user, as the Pod Security Standards' "running as
#   non-root user" control and some policy engines do, set the `mode` parameter
#   to `forbid-uid-0`: only an effective `runAsUser: 0` is reported then, and a
#   container that sets neither field passes.
#
#   ```yaml
#   params:
#     runs-as-root:
#       mode: forbid-uid-0
#   ```
# custom:
#   severity: error
#   scope: object
#   status: stable
#   kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob, ReplicationController, DeploymentConfig]
#   tags: [security, identity]
#   remediation: |-
#     Set `runAsNonRoot: true` in the pod's `securityContext` (it applies to every
#     container) and, when the image's default user is root, a non-zero `runAsUser`
#     such as `10001`. Remove any `runAsUser: 0`.
#   equivalents:
#     kube-linter: run-as-non-root
#     polaris: runAsRootAllowed
#     checkov: CKV_K8S_23, CKV_K8S_40
#     trivy: KSV012
#   params:
#     mode:
#       type: string
#       values: [prove-non-root, forbid-uid-0]
#       default: prove-non-root
#       description: >-
#         `prove-non-root` reports every container that is not shown to run as
#         a non-root user (`runAsNonRoot: true` or a non-zero `runAsUser`);
#         `forbid-uid-0` reports only an effective `runAsUser: 0`.
package seaworthy.policy.runs_as_root

import data.seaworthy.lib.k8s
import data.seaworthy.lib.k8s.containers
import data.seaworthy.lib.k8s.pod_spec_path
import rego.v1

# The `mode` parameter; anything but `forbid-uid-0` is the default.
mode := "forbid-uid-0" if data.seaworthy.params.runs_as_root.mode == "forbid-uid-0"

default mode := "prove-non-root"

# Effective runAsUser 0: point at whichever runAsUser field sets it.
violation contains {"msg": msg, "path": path} if {
	some entry in containers
	root_uid(entry.container)
	msg := root_uid_msg(entry)
	path := run_as_user_path(entry)
}

# No root UID, but nothing keeps the container from running as root either.
violation contains {"msg": msg, "path": path} if {
	mode == "prove-non-root"
	some entry in containers
	not root_uid(entry.container)
	not non_root(entry.container)
	msg := unset_msg(entry)
	path := array.concat(entry.path, ["securityContext", "runAsNonRoot"])
}

root_uid(c) if k8s.security_value(c, "runAsUser") == 0

non_root(c) if k8s.security_value(c, "runAsNonRoot") == true

non_root(c) if {
	uid := k8s.security_value(c, "runAsUser")
	is_number(uid)
	uid > 0
}

sets_own_uid(c) if k8s.has_key(object.get(c, "securityContext", {}), "runAsUser")

run_as_user_path(entry) := array.concat(entry.path, ["securityContext", "runAsUser"]) if {
	sets_own_uid(entry.container)
}

run_as_user_path(entry) := array.concat(pod_spec_path, ["securityContext", "runAsUser"]) if {
	not sets_own_uid(entry.container)
}

uid_origin(c) := "" if sets_own_uid(c)

uid_origin(c) := " (from the pod securityContext)" if not sets_own_uid(c)

root_uid_msg(entry) := msg if {
	k8s.security_value(entry.container, "runAsNonRoot") == true
	msg := sprintf(
		"%s %q has runAsUser 0%s while runAsNonRoot is true: the kubelet will refuse to start it",
		[entry.role, entry.name, uid_origin(entry.container)],
	)
}

root_uid_msg(entry) := msg if {
	not k8s.security_value(entry.container, "runAsNonRoot") == true
	msg := sprintf("%s %q runs as root: runAsUser is 0%s", [entry.role, entry.name, uid_origin(entry.container)])
}

unset_msg(entry) := msg if {
	k8s.security_value(entry.container, "runAsNonRoot") == false
	msg := sprintf(
		"%s %q may run as root: runAsNonRoot is false and no non-zero runAsUser is set",
		[entry.role, entry.name],
	)
}

unset_msg(entry) := msg if {
	not k8s.security_value(entry.container, "runAsNonRoot") == false
	msg := sprintf(
		"%s %q may run as root: neither runAsNonRoot: true nor a non-zero runAsUser is set, so the image's user applies",
		[entry.role, entry.name],
	)
}
