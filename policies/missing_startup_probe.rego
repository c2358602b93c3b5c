# METADATA
# title: Container has no startup probe
# description: |-
#   A startup probe holds off the liveness and readiness probes until the
#   application has finished starting. Without one, a container that starts slowly
#   (a JVM warming up, a cache being loaded, a migration on boot) must either get a
#   liveness probe so lax that it detects a hung process late, or risk being killed
#   by its liveness probe before it ever comes up, restarting in a loop under load
#   or after a slow image pull. The rule applies to long-running workloads only
#   (not Jobs, CronJobs, or Pods whose restartPolicy is Never or OnFailure), to
#   their containers and native sidecars (init containers with `restartPolicy:
#   Always`), and never to ordinary init containers or ephemeral ones, which
#   Kubernetes does not let have probes. It is in preview: containers that start
#   in well under their liveness probe's initial delay do not need one.
# custom:
#   severity: note
#   scope: object
#   status: preview
#   kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, ReplicationController, DeploymentConfig]
#   tags: [probes, reliability]
#   remediation: |-
#     Add a `startupProbe` that checks the same endpoint as the liveness probe, with
#     `failureThreshold` × `periodSeconds` covering the slowest start you expect, for
#     example `httpGet` on `/healthz` with `periodSeconds: 5` and
#     `failureThreshold: 60` for up to five minutes.
package seaworthy.policy.missing_startup_probe

import data.seaworthy.lib.k8s.long_running_containers
import data.seaworthy.lib.k8s.long_running
import rego.v1

violation contains {"msg": msg, "path": path} if {
	long_running
	some entry in long_running_containers
	not is_object(object.get(entry.container, "startupProbe", null))
	msg := sprintf("%s %q has no startup probe", [entry.role, entry.name])
	path := array.concat(entry.path, ["startupProbe"])
}
