# METADATA
# title: Container has no CPU request
# description: |-
#   Every container should request the CPU it needs. The scheduler places pods by
#   their requests: without one, a pod can land on a node that is already busy and
#   be starved of CPU under load, and the Horizontal Pod Autoscaler cannot compute
#   CPU utilisation for it. Kubernetes copies a CPU limit into the request when the
#   request is missing, so a container with a CPU limit passes. Init containers
#   and native sidecars are checked too; ephemeral containers are not, since the
#   API server forbids resources on them.
# custom:
#   severity: warning
#   scope: object
#   status: stable
#   kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob, ReplicationController, DeploymentConfig]
#   tags: [resources, reliability]
#   remediation: |-
#     Set `resources.requests.cpu` on the container to what it uses in steady state,
#     for example `cpu: 250m`.
#   equivalents:
#     kube-linter: unset-cpu-requirements
#     polaris: cpuRequestsMissing
#     checkov: CKV_K8S_10
#     trivy: KSV015
package seaworthy.policy.missing_cpu_request

import data.seaworthy.lib.k8s
import data.seaworthy.lib.k8s.resource_containers
import rego.v1

violation contains {"msg": msg, "path": path} if {
	some entry in resource_containers
	not k8s.has_resource(entry.container, "requests", "cpu")
	not k8s.has_resource(entry.container, "limits", "cpu")
	msg := sprintf("%s %q has no CPU request", [entry.role, entry.name])
	path := array.concat(entry.path, ["resources", "requests", "cpu"])
}
