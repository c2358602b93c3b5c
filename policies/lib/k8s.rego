# Shared helpers for seaworthy policies: where the pod spec of every workload
# kind lives, every container with its path, and the effective securityContext.
package seaworthy.lib.k8s

import rego.v1

# Kinds whose pod template sits at spec.template.spec.
template_kinds := {
	"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job",
	"ReplicationController", "DeploymentConfig",
}

# Every kind that runs containers.
workload_kinds := template_kinds | {"Pod", "CronJob"}

# Kinds that run to completion: probes make no sense for them.
batch_kinds := {"Job", "CronJob"}

pod_spec_path := ["spec"] if input.kind == "Pod"

pod_spec_path := ["spec", "template", "spec"] if input.kind in template_kinds

pod_spec_path := ["spec", "jobTemplate", "spec", "template", "spec"] if input.kind == "CronJob"

# The pod spec, or an empty object when the workload declares none.
pod_spec := object.get(input, pod_spec_path, {})

# The pod-level securityContext, or an empty object.
pod_security := object.get(pod_spec, "securityContext", {})

# A bare Pod whose restartPolicy lets it finish is batch work too.
long_running if {
	input.kind in workload_kinds
	not input.kind in batch_kinds
	not finishes
}

finishes if {
	input.kind == "Pod"
	pod_spec.restartPolicy in {"Never", "OnFailure"}
}

container_fields := {
	"containers": "container",
	"initContainers": "init container",
	"ephemeralContainers": "ephemeral container",
}

# Every container of the workload: the container object, its path from the
# object root, its role ("container", "init container", "ephemeral container")
# and a display name that falls back to the index when the name is missing.
containers contains entry if {
	some field, role in container_fields
	some i, c in object.get(pod_spec, field, [])
	entry := {
		"container": c,
		"path": array.concat(pod_spec_path, [field, i]),
		"role": role,
		"name": display_name(c, i),
		"init": field == "initContainers",
	}
}

# Only the containers that serve traffic for the workload's whole life.
app_containers contains entry if {
	some entry in containers
	entry.role == "container"
}

display_name(c, _) := c.name if is_string(c.name)

display_name(c, i) := sprintf("#%d", [i]) if not is_string(c.name)

# The effective securityContext value of `key` for container `c`: the
# container's own setting wins over the pod's. Undefined when neither sets it.
security_value(c, key) := c.securityContext[key]

security_value(c, key) := pod_security[key] if {
	not has_key(object.get(c, "securityContext", {}), key)
}

has_key(obj, key) if {
	is_object(obj)
	_ = obj[key]
}

# True when the container sets the resource under resources.<section>.<name>.
has_resource(c, section, name) if {
	q := c.resources[section][name]
	q != null
	q != ""
}

# The image reference of container `c`; undefined when the container names no
# image (missing, not a string, or blank).
image(c) := c.image if {
	is_string(c.image)
	trim_space(c.image) != ""
}

# The digest of an image reference (the part after "@", e.g. "sha256:...");
# undefined when the reference carries none.
image_digest(img) := digest if {
	contains(img, "@")
	parts := split(img, "@")
	digest := parts[count(parts) - 1]
	digest != ""
}

# True when the image is pinned by a sha256 digest: `name@sha256:...` or
# `name:tag@sha256:...` (the runtime then pulls by digest and ignores the tag).
image_pinned(img) if startswith(image_digest(img), "sha256:")

# The tag of an image reference, "" for a trailing colon; undefined when it has
# none. The tag is what follows the last ":" of the name (the reference minus any
# digest) only when that colon comes after the last "/": in
# `registry.example.com:5000/app` the colon belongs to the registry's port.
image_tag(img) := tag if {
	name := split(img, "@")[0]
	segments := split(name, "/")
	last := segments[count(segments) - 1]
	contains(last, ":")
	parts := split(last, ":")
	tag := parts[count(parts) - 1]
}
