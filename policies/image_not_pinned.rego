# METADATA
# title: Image is not pinned by digest
# description: |-
#   An image referenced by tag can change under the same name: a tag can be moved to
#   a new build, deliberately or by a compromised registry account, and nodes that
#   pull at different times then run different code. Only a digest
#   (`@sha256:...`) names exactly one image, so every replica runs what was reviewed
#   and a rollback returns to the same bits. `name:tag@sha256:...` keeps the tag for
#   readers; the runtime pulls by digest and ignores it. A container without an image
#   is reported too.
#
#   The digest must be a valid one by the OCI image spec: `algorithm:encoded`, with a
#   registered algorithm and its exact length in lowercase hex (`sha256` and `blake3`
#   64 digits, `sha512` 128). `@sha256:abc` is not pinned: the kubelet refuses such
#   a reference, and a truncated digest names no image at all; the message says
#   what is wrong with it.
# custom:
#   severity: warning
#   scope: object
#   status: stable
#   kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob, ReplicationController, DeploymentConfig]
#   tags: [images, supply-chain]
#   remediation: |-
#     Reference the image by digest, for example
#     `registry.example.com/api:1.4.2@sha256:<digest>`; `crane digest` or
#     `docker buildx imagetools inspect` prints it. Let a bot such as Renovate keep
#     the digests up to date.
#   equivalents:
#     checkov: CKV_K8S_43
package seaworthy.policy.image_not_pinned

import data.seaworthy.lib.k8s
import data.seaworthy.lib.k8s.containers
import rego.v1

violation contains {"msg": msg, "path": path} if {
	some entry in containers
	img := k8s.image(entry.container)
	not k8s.image_digest(img)
	msg := sprintf("%s %q image %q is not pinned by a sha256 digest", [entry.role, entry.name, img])
	path := array.concat(entry.path, ["image"])
}

violation contains {"msg": msg, "path": path} if {
	some entry in containers
	img := k8s.image(entry.container)
	digest := k8s.image_digest(img)
	is_string(digest)
	problem := k8s.digest_problem(digest)
	msg := sprintf("%s %q image %q is not pinned: %q is not a valid digest (%s)", [entry.role, entry.name, img, digest, problem])
	path := array.concat(entry.path, ["image"])
}

violation contains {"msg": msg, "path": path} if {
	some entry in containers
	not k8s.image(entry.container)
	msg := sprintf("%s %q has no image", [entry.role, entry.name])
	path := array.concat(entry.path, ["image"])
}
