# METADATA
# title: Image uses the latest tag or no tag
# description: |-
#   An image without a tag resolves to `:latest`, and `latest` is moved by every
#   push: nodes that pull at different times run different versions, a restarted pod
#   can silently upgrade, and a rollback cannot return to the previous release. An
#   image pinned by digest (`name@sha256:...`) is immutable even without a tag. A
#   colon that belongs to a registry port (`registry.example.com:5000/app`) is not
#   a tag.
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
package seaworthy.policy.mutable_image_tag

import data.seaworthy.lib.k8s
import data.seaworthy.lib.k8s.containers
import rego.v1

violation contains {"msg": msg, "path": path} if {
	some entry in containers
	img := k8s.image(entry.container)
	not k8s.image_digest(img)
	k8s.image_tag(img) == "latest"
	msg := sprintf("%s %q image %q uses the mutable tag \"latest\"", [entry.role, entry.name, img])
	path := array.concat(entry.path, ["image"])
}

violation contains {"msg": msg, "path": path} if {
	some entry in containers
	img := k8s.image(entry.container)
	not k8s.image_digest(img)
	not has_tag(img)
	msg := sprintf("%s %q image %q has no tag (resolves to :latest)", [entry.role, entry.name, img])
	path := array.concat(entry.path, ["image"])
}

has_tag(img) if k8s.image_tag(img) != ""
