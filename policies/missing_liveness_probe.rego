# METADATA
# title: Container has no liveness probe
# description: |-
#   A liveness probe lets the kubelet restart a container that is still running but
#   no longer working: deadlocked, stuck in a loop, or out of a resource it cannot
#   recover. Without one, such a container stays broken until someone notices. The
#   rule applies to long-running workloads only (not Jobs, CronJobs, or Pods whose
#   restartPolicy is Never or OnFailure), to their containers and native sidecars
#   (init containers with `restartPolicy: Always`, which run beside the app), and
#   never to ordinary init containers or ephemeral ones, which Kubernetes does not
#   let have probes.
# custom:
#   severity: warning
#   scope: object
#   status: stable
#   kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, ReplicationController, DeploymentConfig]
#   tags: [probes, reliability]
#   remediation: |-
#     Add a `livenessProbe` to the container that fails only when a restart would
#     help, for example an `httpGet` on a `/healthz` endpoint that does not depend on
#     downstream services. Give slow starters a `startupProbe` rather than a long
#     `initialDelaySeconds`.
#   equivalents:
#     kube-linter: no-liveness-probe
#     polaris: livenessProbeMissing
#     checkov: CKV_K8S_8
package seaworthy.policy.missing_liveness_probe

import data.seaworthy.lib.k8s.long_running_containers
import data.seaworthy.lib.k8s.long_running
import rego.v1

violation contains {"msg": msg, "path": path} if {
	long_running
	some entry in long_running_containers
	not is_object(object.get(entry.container, "livenessProbe", null))
	msg := sprintf("%s %q has no liveness probe", [entry.role, entry.name])
	path := array.concat(entry.path, ["livenessProbe"])
}
