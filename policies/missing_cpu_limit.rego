# METADATA
# title: Container has no CPU limit
# description: |-
#   A container without a CPU limit can use every idle core of its node, which makes
#   its performance depend on its neighbours and lets a busy loop slow down other
#   workloads that requested less. CPU limits are debated: the CFS quota can throttle
#   latency-sensitive services even when the node is idle, so many teams set only
#   CPU requests. This rule is in preview for that reason. Init containers
#   and native sidecars are checked too; ephemeral containers are not, since the
#   API server forbids resources on them.
# custom:
#   severity: note
#   scope: object
#   status: preview
#   kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob, ReplicationController, DeploymentConfig]
#   tags: [resources]
#   remediation: |-
#     Set `resources.limits.cpu` on the container, for example `cpu: "1"`, or turn
#     this rule off in the configuration if you rely on CPU requests alone.
#   equivalents:
#     polaris: cpuLimitsMissing
#     checkov: CKV_K8S_11
#     trivy: KSV011
package seaworthy.policy.missing_cpu_limit

import data.seaworthy.lib.k8s
import data.seaworthy.lib.k8s.resource_containers
import rego.v1

violation contains {"msg": msg, "path": path} if {
	some entry in resource_containers
	not k8s.has_resource(entry.container, "limits", "cpu")
	msg := sprintf("%s %q has no CPU limit", [entry.role, entry.name])
	path := array.concat(entry.path, ["resources", "limits", "cpu"])
}
