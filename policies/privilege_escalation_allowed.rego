# METADATA
# title: Container allows privilege escalation
# description: |-
#   `allowPrivilegeEscalation` controls the kernel's `no_new_privs` flag. Unless it
#   is false, a process in the container can gain more privileges than its parent
#   through setuid or setgid binaries (`sudo`, `su`, `ping` in older images) or file
#   capabilities, turning an exploited non-root process into root. Kubernetes
#   defaults the field to true, so the rule passes only when the container's own
#   securityContext sets `allowPrivilegeEscalation: false`; the field does not exist
#   in the pod securityContext and is ignored there. A privileged container, or one
#   that adds the `SYS_ADMIN` capability, can always escalate whatever the field
#   says (the API server rejects `false` together with either), so it fails too.
#   Init containers (native sidecars too)
#   and ephemeral containers are checked as well. Windows pods (`spec.os.name:
#   windows`) are skipped: the field does not apply to them.
# custom:
#   severity: warning
#   scope: object
#   status: stable
#   kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob, ReplicationController, DeploymentConfig]
#   tags: [security, identity]
#   remediation: |-
#     Set `allowPrivilegeEscalation: false` in the `securityContext` of every
#     container (it cannot be set once for the whole pod), and remove `privileged:
#     true` and any added `SYS_ADMIN` capability.
#   equivalents:
#     kube-linter: privilege-escalation-container
#     polaris: privilegeEscalationAllowed
#     checkov: CKV_K8S_20
#     trivy: KSV001
package seaworthy.policy.privilege_escalation_allowed

import data.seaworthy.lib.k8s
import data.seaworthy.lib.k8s.containers
import data.seaworthy.lib.k8s.windows_pod
import rego.v1

violation contains {"msg": msg, "path": path} if {
	not windows_pod
	some entry in containers
	reason := escalation(entry.container)
	msg := sprintf("%s %q %s%s", [entry.role, entry.name, reason, pod_note(entry.container)])
	path := k8s.container_security_path(entry, "allowPrivilegeEscalation")
}

privileged(c) if c.securityContext.privileged == true

adds_sys_admin(c) if {
	some cap in c.securityContext.capabilities.add
	k8s.capability_is(cap, "SYS_ADMIN")
}

# Why the container can escalate; undefined when it cannot.
escalation(c) := "is privileged, so privilege escalation is always allowed" if {
	privileged(c)
} else := "adds the SYS_ADMIN capability, so privilege escalation is always allowed" if {
	adds_sys_admin(c)
} else := "allows privilege escalation: allowPrivilegeEscalation is not set and defaults to true" if {
	not k8s.has_key(object.get(c, "securityContext", {}), "allowPrivilegeEscalation")
} else := "allows privilege escalation: allowPrivilegeEscalation is true" if {
	c.securityContext.allowPrivilegeEscalation == true
} else := msg if {
	value := c.securityContext.allowPrivilegeEscalation
	value != false
	msg := sprintf("allows privilege escalation: allowPrivilegeEscalation is %s, not the boolean false", [json.marshal(value)])
}

# A pod-level allowPrivilegeEscalation is a common mistake: say it does nothing.
pod_note(c) := " (allowPrivilegeEscalation in the pod securityContext has no effect: set it on the container)" if {
	k8s.pod_security_sets("allowPrivilegeEscalation")
	not k8s.has_key(object.get(c, "securityContext", {}), "allowPrivilegeEscalation")
} else := ""
