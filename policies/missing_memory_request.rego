# METADATA
# title: Container has no memory request
# description: |-
#   Every container should request the memory it needs. The scheduler places pods by
#   their requests: without one, a pod can land on a node that has no memory to
#   spare, and under memory pressure the kubelet evicts pods that use more than they
#   requested first. Kubernetes copies a memory limit into the request when the
#   request is missing, so a container with a memory limit passes. Init containers
#   and native sidecars are checked too; ephemeral containers are not, since the
#   API server forbids resources on them.
# custom:
#   severity: warning
#   scope: object
#   status: stable
#   kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob, ReplicationController, DeploymentConfig]
#   tags: [resources, reliability]
#   remediation: |-
#     Set `resources.requests.memory` on the container to its steady-state working
#     set plus some headroom, for example `memory: 256Mi`.
#   equivalents:
#     kube-linter: unset-memory-requirements
#     polaris: memoryRequestsMissing
#     checkov: CKV_K8S_12
#     trivy: KSV016
package seaworthy.policy.missing_memory_request

import data.seaworthy.lib.k8s
import data.seaworthy.lib.k8s.resource_containers
import rego.v1

violation contains {"msg": msg, "path": path} if {
	some entry in resource_containers
	not k8s.has_resource(entry.container, "requests", "memory")
	not k8s.has_resource(entry.container, "limits", "memory")
	msg := sprintf("%s %q has no memory request", [entry.role, entry.name])
	path := array.concat(entry.path, ["resources", "requests", "memory"])
}
