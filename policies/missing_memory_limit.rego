# METADATA
# title: Container has no memory limit
# description: |-
#   Every container should set a memory limit. Memory cannot be throttled: a
#   container without a limit can grow until the node runs out of memory, and the
#   kernel's OOM killer or the kubelet's eviction then takes down other pods on the
#   node too. With a limit, only the offending container is OOM-killed and restarted. Init containers
#   and native sidecars are checked too; ephemeral containers are not, since the
#   API server forbids resources on them.
# custom:
#   severity: error
#   scope: object
#   status: stable
#   kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob, ReplicationController, DeploymentConfig]
#   tags: [resources, reliability]
#   remediation: |-
#     Set `resources.limits.memory` on the container, for example `memory: 512Mi`.
#     Setting it equal to the request gives the most predictable behaviour.
#   equivalents:
#     kube-linter: unset-memory-requirements
#     polaris: memoryLimitsMissing
#     checkov: CKV_K8S_13
#     trivy: KSV018
package seaworthy.policy.missing_memory_limit

import data.seaworthy.lib.k8s
import data.seaworthy.lib.k8s.resource_containers
import rego.v1

violation contains {"msg": msg, "path": path} if {
	some entry in resource_containers
	not k8s.has_resource(entry.container, "limits", "memory")
	msg := sprintf("%s %q has no memory limit", [entry.role, entry.name])
	path := array.concat(entry.path, ["resources", "limits", "memory"])
}
