# Helpers for inventory-scoped policies about HorizontalPodAutoscalers: which
# workload each one scales, and the fewest replicas it lets that workload run.
package seaworthy.lib.autoscaling

import data.seaworthy.lib.inventory
import rego.v1

# Every HorizontalPodAutoscaler of input.objects (autoscaling/v1, v2 and the
# old v2beta1/v2beta2 share these fields): its index, the object, its
# namespace, the kind, name and API group of its spec.scaleTargetRef (group
# null when the reference names no apiVersion), and `min`, its minReplicas:
# 1 when unset or null, as the API server defaults it, and null when it is not
# a number (an unrendered template), which says nothing about the replicas.
autoscalers contains hpa if {
	some i, obj in input.objects
	obj.kind == "HorizontalPodAutoscaler"
	startswith(object.get(obj, "apiVersion", ""), "autoscaling/")
	ref := obj.spec.scaleTargetRef
	is_string(ref.kind)
	is_string(ref.name)
	hpa := {
		"index": i,
		"object": obj,
		"namespace": inventory.namespace(obj),
		"kind": ref.kind,
		"name": ref.name,
		"group": target_group(ref),
		"min": min_replicas(obj),
	}
}

target_group(ref) := api_group(ref.apiVersion) if is_string(ref.apiVersion)

target_group(ref) := null if not is_string(object.get(ref, "apiVersion", null))

min_replicas(obj) := 1 if object.get(obj, ["spec", "minReplicas"], null) == null

min_replicas(obj) := n if {
	n := obj.spec.minReplicas
	is_number(n)
}

min_replicas(obj) := null if {
	n := object.get(obj, ["spec", "minReplicas"], null)
	n != null
	not is_number(n)
}

# The API group of an apiVersion: "apps" for "apps/v1", "" for the core "v1".
api_group(api_version) := split(api_version, "/")[0] if contains(api_version, "/")

api_group(api_version) := "" if not contains(api_version, "/")

# Autoscalers by the [namespace, kind, name] of their target.
by_target := seaworthy.group([[[hpa.namespace, hpa.kind, hpa.name], hpa] | some hpa in autoscalers])

# The autoscalers that scale `obj`: same namespace, kind and name, and the
# same API group when the reference names one (`apps/v1` and `apps/v1beta2`
# are one Deployment; `extensions/v1beta1` is not the `apps` one).
scaling(obj) := [hpa |
	name := object.get(obj, ["metadata", "name"], "")
	some hpa in by_target[[inventory.namespace(obj), obj.kind, name]]
	same_group(hpa.group, object.get(obj, "apiVersion", ""))
]

same_group(null, _) := true

same_group(group, api_version) if {
	group != null
	group == api_group(api_version)
}

# The indexes in input.objects of the objects `hpa` scales.
targets(hpa) := [i |
	some i in objects_by_ref[[hpa.namespace, hpa.kind, hpa.name]]
	same_group(hpa.group, object.get(input.objects[i], "apiVersion", ""))
]

# Object indexes by [namespace, kind, name], for the kinds autoscalers name.
objects_by_ref := seaworthy.group([[[inventory.namespace(obj), obj.kind, name], i] |
	some i, obj in input.objects
	obj.kind in target_kinds
	name := object.get(obj, ["metadata", "name"], "")
])

target_kinds := {hpa.kind | some hpa in autoscalers}

# True when an autoscaler in the inputs scales `obj`.
scaled(obj) if count(scaling(obj)) > 0

# The name of an object for messages.
name_of(obj) := name if {
	name := obj.metadata.name
	is_string(name)
} else := "<unnamed>"
