# METADATA
# title: Container does not drop all capabilities
# description: |-
#   Container runtimes grant a default set of Linux capabilities, among them
#   `NET_RAW` (forge packets, spoof ARP and DNS on the pod network), `CHOWN`,
#   `DAC_OVERRIDE`, `SETUID`/`SETGID` and `MKNOD`. An application rarely needs any
#   of them, but an attacker who gets code execution in the container can use them
#   to attack neighbouring pods or to widen a container escape. Dropping `ALL` and
#   adding back only what is needed keeps the blast radius small and makes the
#   remaining privileges visible in the manifest. The rule passes when the
#   container's own `securityContext.capabilities.drop` lists `ALL` (in any case);
#   the pod securityContext has no capabilities field. Init containers (native
#   sidecars too) and ephemeral containers are checked too. Windows pods
#   (`spec.os.name: windows`) are skipped: capabilities do not apply to them.
# custom:
#   severity: warning
#   scope: object
#   status: stable
#   kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob, ReplicationController, DeploymentConfig]
#   tags: [security, identity]
#   remediation: |-
#     Set `capabilities: {drop: [ALL]}` in the `securityContext` of every container,
#     and add back only the capabilities the application needs, for example
#     `add: [NET_BIND_SERVICE]` to listen on a port below 1024.
#   equivalents:
#     kube-linter: drop-net-raw-capability (partial)
#     polaris: dangerousCapabilities, insecureCapabilities
#     checkov: CKV_K8S_28, CKV_K8S_37
#     trivy: KSV003
package seaworthy.policy.capabilities_not_dropped

import data.seaworthy.lib.k8s
import data.seaworthy.lib.k8s.containers
import data.seaworthy.lib.k8s.windows_pod
import rego.v1

violation contains {"msg": msg, "path": path} if {
	not windows_pod
	some entry in containers
	not drops_all(entry.container)
	msg := sprintf("%s %q does not drop all capabilities: %s", [entry.role, entry.name, reason(entry.container)])
	path := array.concat(k8s.container_security_path(entry, "capabilities"), ["drop"])
}

drops_all(c) if {
	some cap in drop_list(c)
	is_string(cap)
	upper(trim_space(cap)) == "ALL"
}

drop_list(c) := c.securityContext.capabilities.drop if is_array(c.securityContext.capabilities.drop)

# The names in capabilities.drop, for the message.
dropped_names(c) := [name |
	some cap in drop_list(c)
	name := sprintf("%v", [cap])
]

has_drop(c) if object.get(c, ["securityContext", "capabilities", "drop"], null) != null

reason(c) := concat("", ["capabilities.drop is not set", unset_note]) if {
	not has_drop(c)
} else := "capabilities.drop is empty, add ALL" if {
	count(drop_list(c)) == 0
} else := sprintf("capabilities.drop lists %s but not ALL", [concat(", ", dropped_names(c))]) if {
	drop_list(c)
} else := "capabilities.drop is not a list of capability names"

unset_note := " (capabilities in the pod securityContext have no effect: set them on the container)" if {
	k8s.pod_security_sets("capabilities")
} else := ", so the runtime's default capabilities (NET_RAW among them) apply"
