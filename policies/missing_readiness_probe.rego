# METADATA
# title: Container has no readiness probe
# description: |-
#   A readiness probe tells Kubernetes when a container can serve traffic. Without
#   one, a pod receives requests from its Services as soon as its containers start,
#   before the application has loaded, and keeps receiving them while it is
#   overloaded or shutting down; a rolling update cannot tell a broken new version
#   from a healthy one. The rule applies to long-running workloads only (not Jobs,
#   CronJobs, or Pods whose restartPolicy is Never or OnFailure), to their
#   containers and native sidecars (init containers with `restartPolicy: Always`,
#   whose readiness counts towards the pod's), and never to ordinary init
#   containers or ephemeral ones, which Kubernetes does not let have probes.
# custom:
#   severity: warning
#   scope: object
#   status: stable
#   kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, ReplicationController, DeploymentConfig]
#   tags: [probes, reliability]
#   remediation: |-
#     Add a `readinessProbe` to the container that checks the application can answer,
#     for example an `httpGet` on a `/ready` endpoint or a `tcpSocket` on the
#     serving port.
#   equivalents:
#     kube-linter: no-readiness-probe
#     polaris: readinessProbeMissing
#     checkov: CKV_K8S_9
package seaworthy.policy.missing_readiness_probe

import data.seaworthy.lib.k8s.long_running_containers
import data.seaworthy.lib.k8s.long_running
import rego.v1

violation contains {"msg": msg, "path": path} if {
	long_running
	some entry in long_running_containers
	not is_object(object.get(entry.container, "readinessProbe", null))
	msg := sprintf("%s %q has no readiness probe", [entry.role, entry.name])
	path := array.concat(entry.path, ["readinessProbe"])
}
