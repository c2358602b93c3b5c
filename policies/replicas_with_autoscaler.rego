# METADATA
# title: Workload sets its replicas while an autoscaler scales it
# description: |-
#   Once a HorizontalPodAutoscaler scales a workload, the autoscaler owns
#   `spec.replicas`. A manifest that still sets it puts the count back to that
#   number on every `kubectl apply`, Helm upgrade or GitOps sync: a Deployment the
#   autoscaler had grown to ten pods for the evening peak drops to the manifest's
#   two, and the pods it loses are killed at once, before the autoscaler grows it
#   again. Kubernetes' own advice is to leave `spec.replicas` out of the manifest
#   of an autoscaled workload. The rule reports a Deployment, StatefulSet,
#   ReplicaSet, ReplicationController or DeploymentConfig that sets
#   `spec.replicas` while a HorizontalPodAutoscaler in the same input scales it
#   (same namespace, `spec.scaleTargetRef` kind and name, and API group when the
#   reference names one). Lint the autoscaler with its workload: the rule sees
#   only what is linted together.
# custom:
#   severity: warning
#   scope: inventory
#   status: stable
#   kinds: [Deployment, StatefulSet, ReplicaSet, ReplicationController, DeploymentConfig, HorizontalPodAutoscaler]
#   tags: [availability, reliability]
#   remediation: |-
#     Remove `spec.replicas` from the workload's manifest and let the autoscaler's
#     `minReplicas` decide how many pods run. On a workload that is already
#     running, do it without a drop to one pod (the default the field falls back
#     to): with client-side apply, first delete the field from the last-applied
#     configuration (`kubectl apply edit-last-applied deployment/NAME`), then from
#     the manifest; with server-side apply, transfer the field's ownership as the
#     Kubernetes documentation on server-side apply describes. In a Helm chart,
#     render `replicas` only when autoscaling is off.
#   equivalents:
#     kube-score: deployment-targeted-by-hpa-does-not-have-replicas-configured
package seaworthy.policy.replicas_with_autoscaler

import data.seaworthy.lib.autoscaling
import data.seaworthy.lib.k8s.replicated_kinds
import rego.v1

violation contains {"msg": msg, "path": ["spec", "replicas"], "object": i, "related": related} if {
	some i, obj in input.objects
	obj.kind in replicated_kinds
	n := object.get(obj, ["spec", "replicas"], null)
	n != null
	scalers := autoscaling.scaling(obj)
	count(scalers) > 0
	names := sort({sprintf("%q", [autoscaling.name_of(hpa.object)]) | some hpa in scalers})
	msg := sprintf(
		"%s %q sets spec.replicas (%v) while %s %s it: every apply resets the running replicas to %v",
		[obj.kind, autoscaling.name_of(obj), n, scalers_named(names), verb(names), n],
	)
	related := [{"object": hpa.index, "path": ["spec", "scaleTargetRef"]} | some hpa in scalers]
}

scalers_named(names) := sprintf("HorizontalPodAutoscaler %s", [names[0]]) if count(names) == 1

scalers_named(names) := sprintf("HorizontalPodAutoscalers %s", [concat(" and ", names)]) if count(names) > 1

verb(names) := "scales" if count(names) == 1

verb(names) := "scale" if count(names) > 1
