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
# object root, its role ("container", "init container", "sidecar container",
# "ephemeral container"), a display name that falls back to the index when the
# name is missing, and what kind of container it is: `init` (declared under
# initContainers, sidecars included), `sidecar` (a native sidecar: an init
# container with `restartPolicy: Always`, which keeps running beside the app)
# and `ephemeral` (a debugging container added to a running pod).
containers contains entry if {
	some field, _ in container_fields
	some i, c in object.get(pod_spec, field, [])
	entry := {
		"container": c,
		"path": array.concat(pod_spec_path, [field, i]),
		"role": role(field, c),
		"name": display_name(c, i),
		"init": field == "initContainers",
		"sidecar": sidecar(field, c),
		"ephemeral": field == "ephemeralContainers",
	}
}

role(field, c) := "sidecar container" if sidecar(field, c)

role(field, c) := container_fields[field] if not sidecar(field, c)

sidecar(field, c) := true if {
	field == "initContainers"
	c.restartPolicy == "Always"
} else := false

# Only the containers that serve traffic for the workload's whole life.
app_containers contains entry if {
	some entry in containers
	entry.role == "container"
}

# The containers that run for the pod's whole life: the app containers and
# native sidecars. Kubernetes accepts probes on these only (an ordinary init
# container runs to completion, an ephemeral one is for debugging).
long_running_containers contains entry if {
	some entry in containers
	not entry.init
	not entry.ephemeral
}

long_running_containers contains entry if {
	some entry in containers
	entry.sidecar
}

# The containers that may declare resources: every one but ephemeral
# containers, for which the API server forbids them (they use what the pod
# has). Init containers count: the scheduler reserves the largest of their
# requests when it exceeds what the long-running containers ask for.
resource_containers contains entry if {
	some entry in containers
	not entry.ephemeral
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

# True when the image is pinned by a valid digest: `name@sha256:...` or
# `name:tag@sha256:...` (the runtime then pulls by digest and ignores the tag).
image_pinned(img) if {
	digest := image_digest(img)
	is_string(digest)
	not digest_problem(digest)
}

# The digest algorithms the OCI image spec registers, with the number of
# lowercase hex digits of their encoded part.
digest_algorithms := {"sha256": 64, "sha512": 128, "blake3": 64}

# Why `digest` is not a valid digest, as a phrase; undefined when it is one.
# A digest is `algorithm:encoded` by the OCI image spec's grammar, and only a
# registered algorithm with its exact hex length names one image: a runtime
# refuses the rest, or cannot verify what it pulls.
digest_grammar := `^[a-z0-9]+([+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$`

digest_problem(digest) := "it is not of the form algorithm:encoded" if {
	not regex.match(digest_grammar, digest)
}

digest_problem(digest) := msg if {
	regex.match(digest_grammar, digest)
	algorithm := split(digest, ":")[0]
	not digest_algorithms[algorithm]
	msg := sprintf("%q is not a digest algorithm the OCI image spec registers (blake3, sha256, sha512)", [algorithm])
}

digest_problem(digest) := msg if {
	regex.match(digest_grammar, digest)
	parts := split(digest, ":")
	digits := digest_algorithms[parts[0]]
	is_number(digits)
	not regex.match(sprintf("^[a-f0-9]{%d}$", [digits]), parts[1])
	msg := sprintf("a %s digest is %d lowercase hex digits; this one has %s", [parts[0], digits, encoded_shape(parts[1])])
}

encoded_shape(encoded) := sprintf("%d", [count(encoded)]) if regex.match(`^[a-f0-9]*$`, encoded)

encoded_shape(encoded) := "other characters" if not regex.match(`^[a-f0-9]*$`, encoded)

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

# Kinds that run a number of identical pods set by spec.replicas.
replicated_kinds := {"Deployment", "ReplicaSet", "StatefulSet", "ReplicationController", "DeploymentConfig"}

# The number of replicas a replicated workload asks for: spec.replicas, or 1 when
# it is unset or null (the API server's default). Undefined when spec.replicas
# is not a number (an unrendered template, say).
replicas := 1 if {
	input.kind in replicated_kinds
	object.get(input, ["spec", "replicas"], null) == null
}

replicas := n if {
	input.kind in replicated_kinds
	n := input.spec.replicas
	is_number(n)
}

# `x` when it is an array, else an empty array: for iterating fields that may be
# missing, null or malformed.
as_array(x) := x if is_array(x)

as_array(x) := [] if not is_array(x)

# A DNS name compared the way DNS does: lower-cased, without a trailing dot.
normalize_host(h) := trim_suffix(lower(trim_space(h)), ".")

# Every rule host of an Ingress that names one (catch-all rules with an empty or
# missing host are left out): the host as written, the host normalised with
# normalize_host, the rule's index and the path of its `host` field.
ingress_rule_hosts contains entry if {
	input.kind == "Ingress"
	some i, rule in as_array(object.get(input, ["spec", "rules"], []))
	is_string(rule.host)
	trim_space(rule.host) != ""
	entry := {
		"host": rule.host,
		"name": normalize_host(rule.host),
		"index": i,
		"path": ["spec", "rules", i, "host"],
	}
}

# Every host listed under spec.tls[].hosts of an Ingress, with the same fields as
# ingress_rule_hosts (index is the spec.tls index).
ingress_tls_hosts contains entry if {
	input.kind == "Ingress"
	some i, tls in as_array(object.get(input, ["spec", "tls"], []))
	some j, host in as_array(object.get(tls, "hosts", []))
	is_string(host)
	trim_space(host) != ""
	entry := {
		"host": host,
		"name": normalize_host(host),
		"index": i,
		"path": ["spec", "tls", i, "hosts", j],
	}
}

# True when the normalised name `pattern` matches the normalised host `name`: the
# same name, or a wildcard "*.example.com" and a name exactly one label below
# example.com ("a.example.com", not "a.b.example.com" nor "example.com").
host_covers(pattern, name) if pattern == name

host_covers(pattern, name) if {
	startswith(pattern, "*.")
	not startswith(name, "*.")
	suffix := substring(pattern, 1, -1)
	endswith(name, suffix)
	label := trim_suffix(name, suffix)
	label != ""
	not contains(label, ".")
}

# The path of `key` in the container's own securityContext, whether it is set
# or not: `privileged`, `allowPrivilegeEscalation`, `readOnlyRootFilesystem`
# and `capabilities` exist only there (the pod securityContext has no such
# fields), so a finding about them points at the container.
container_security_path(entry, key) := array.concat(entry.path, ["securityContext", key])

# True when the pod-level securityContext carries `key`. For container-only
# fields the API server drops or rejects it, so rules say it has no effect.
pod_security_sets(key) if has_key(pod_security, key)

# True when the pod declares it runs on Windows nodes (`spec.os.name`), where
# Linux-only securityContext fields (privileged, allowPrivilegeEscalation,
# readOnlyRootFilesystem, capabilities...) are forbidden by the API server.
windows_pod if pod_spec.os.name == "windows"

# True when a capability name is `name`, in any case and with or without the
# `CAP_` prefix (`SYS_ADMIN`, `sys_admin`, `CAP_SYS_ADMIN`).
capability_is(cap, name) if {
	is_string(cap)
	upper(trim_prefix(upper(trim_space(cap)), "CAP_")) == upper(name)
}

# The registry host of an image reference, as Docker resolves it: the first
# path segment when it contains "." or ":" or is "localhost", otherwise
# "docker.io" (`nginx`, `bitnami/redis`). `index.docker.io` is docker.io too.
image_registry(img) := "docker.io" if not explicit_registry(img)

image_registry(img) := "docker.io" if {
	explicit_registry(img)
	split(img, "/")[0] == "index.docker.io"
}

image_registry(img) := host if {
	explicit_registry(img)
	host := split(img, "/")[0]
	host != "index.docker.io"
}

explicit_registry(img) if {
	contains(img, "/")
	host := split(img, "/")[0]
	registry_host(host)
}

registry_host(host) if contains(host, ".")

registry_host(host) if contains(host, ":")

registry_host(host) if host == "localhost"

# The fully qualified form of an image reference, with the registry and, on
# Docker Hub, the `library/` namespace of official images spelled out:
# `nginx:1.25` -> `docker.io/library/nginx:1.25`, `bitnami/redis` ->
# `docker.io/bitnami/redis`, `index.docker.io/nginx` -> `docker.io/library/nginx`.
# Other references come back unchanged.
image_full_name(img) := img if {
	explicit_registry(img)
	image_registry(img) != "docker.io"
}

image_full_name(img) := docker_hub_name(img_path) if {
	explicit_registry(img)
	image_registry(img) == "docker.io"
	img_path := substring(img, count(split(img, "/")[0]) + 1, -1)
}

image_full_name(img) := docker_hub_name(img) if not explicit_registry(img)

docker_hub_name(repo) := concat("", ["docker.io/library/", repo]) if not contains(repo, "/")

docker_hub_name(repo) := concat("", ["docker.io/", repo]) if contains(repo, "/")
