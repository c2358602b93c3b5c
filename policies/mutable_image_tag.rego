# METADATA
# title: Image uses a moving tag or no tag
# description: |-
#   Some tags are moved by every release: `latest`, the channel tags (`stable`,
#   `edge`, `nightly`, `lts`...), the branch tags (`main`, `master`, `dev`) and
#   the distribution-only tags (`alpine`, `slim`: the newest version built on
#   that base). Nodes that pull at different times then run different versions,
#   a restarted pod can silently upgrade across a major version, and a rollback
#   cannot return to the previous release. An image without a tag resolves to
#   `:latest`. A colon that belongs to a registry port
#   (`registry.example.com:5000/app`) is not a tag.
#
#   The `tags` parameter lists the moving tags; a tag is reported when it is one
#   of them or made only of them (`stable-alpine`, `main-latest`), in any case,
#   so `1.27-alpine` and `latest-2024.06` pass. The default list:
#   `latest`, `stable`, `edge`, `main`, `master`, `nightly`, `dev`, `develop`,
#   `head`, `canary`, `beta`, `next`, `unstable`, `testing`, `mainline`, `lts`,
#   `current`, `alpine`, `slim`. An image without a tag is reported while
#   `latest` is on the list. An image pinned by a valid digest
#   (`name:latest@sha256:...`) is never reported: the runtime pulls the digest and
#   ignores the tag; whether the digest is valid is `image-not-pinned`'s concern.
#
#   ```yaml
#   params:
#     mutable-image-tag:
#       tags: [latest, stable, edge, nightly, snapshot]
#   ```
# custom:
#   severity: error
#   scope: object
#   status: stable
#   kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob, ReplicationController, DeploymentConfig]
#   tags: [images, reliability]
#   remediation: |-
#     Use a versioned tag that is never moved, for example
#     `registry.example.com/api:1.4.2`, or pin the image by digest.
#   equivalents:
#     kube-linter: latest-tag
#     polaris: tagNotSpecified
#     checkov: CKV_K8S_14
#     trivy: KSV013
#   params:
#     tags:
#       type: list
#       items: string
#       default: [latest, stable, edge, main, master, nightly, dev, develop, head, canary, beta, next, unstable, testing, mainline, lts, current, alpine, slim]
#       description: >-
#         The tags that move. A tag is reported when it is one of them, or made
#         only of them joined by `-`, `_` or `.`; compared without regard to case.
#         An image without a tag counts as `latest`.
package seaworthy.policy.mutable_image_tag

import data.seaworthy.lib.k8s
import data.seaworthy.lib.k8s.containers
import rego.v1

default_tags := [
	"latest", "stable", "edge", "main", "master", "nightly", "dev", "develop", "head", "canary",
	"beta", "next", "unstable", "testing", "mainline", "lts", "current", "alpine", "slim",
]

# The `tags` parameter, or the default list.
tags := t if {
	t := data.seaworthy.params.mutable_image_tag.tags
	is_array(t)
} else := default_tags

moving := {lower(t) | some t in tags; is_string(t)}

violation contains {"msg": msg, "path": path} if {
	some entry in containers
	img := k8s.image(entry.container)
	not k8s.image_pinned(img)
	tag := k8s.image_tag(img)
	is_string(tag)
	tag != ""
	moves(tag)
	msg := sprintf("%s %q image %q uses the mutable tag %q", [entry.role, entry.name, img, tag])
	path := array.concat(entry.path, ["image"])
}

violation contains {"msg": msg, "path": path} if {
	"latest" in moving
	some entry in containers
	img := k8s.image(entry.container)
	is_string(img)
	not k8s.image_digest(img)
	not has_tag(img)
	msg := sprintf("%s %q image %q has no tag (resolves to :latest)", [entry.role, entry.name, img])
	path := array.concat(entry.path, ["image"])
}

has_tag(img) if k8s.image_tag(img) != ""

# A tag that is a moving one, or made only of moving ones (`stable-alpine`).
moves(tag) if lower(tag) in moving

moves(tag) if {
	words := regex.split(`[-_.]`, lower(tag))
	count(words) > 1
	every word in words {
		word in moving
	}
}
