# METADATA
# title: Image comes from a registry that is not trusted
# description: |-
#   Every image a cluster runs should come from registries the organisation
#   controls or has vetted: an internal registry or pull-through mirror that scans
#   images, keeps them available when the public registry is down or rate-limits
#   pulls, and cannot be changed by an outside publisher. An image pulled straight
#   from a public registry can be replaced, deleted or typo-squatted, bypasses the
#   scanning and signing of the internal pipeline, and breaks the cluster's
#   availability when that registry has an outage. The rule does nothing until
#   `registries` is configured.
#
#   An image is trusted when it starts with one of the configured prefixes. A
#   prefix that does not end in `/` must match whole path segments:
#   `registry.example.com` allows `registry.example.com/shop/api:1.0` but not
#   `registry.example.com.attacker.net/api`, and `registry.example.com/team-a`
#   does not allow `registry.example.com/team-ab/api`. The comparison ignores
#   case. An image without a registry host is pulled from Docker Hub: `nginx` is
#   `docker.io/library/nginx` and `bitnami/redis` is `docker.io/bitnami/redis`.
#   Both the image as written and this fully qualified form are compared, so the
#   prefix `docker.io/` allows every Docker Hub image, and `docker.io/library/`
#   only the official ones. Containers without an image are not reported here.
#   For example:
#
#   ```yaml
#   params:
#     untrusted-registry:
#       registries: [registry.example.com/, docker.io/library/]
#   ```
# custom:
#   severity: error
#   scope: object
#   status: stable
#   kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob, ReplicationController, DeploymentConfig]
#   tags: [security, images, supply-chain]
#   remediation: |-
#     Mirror or rebuild the image into a trusted registry and reference it from
#     there, for example `registry.example.com/mirror/nginx:1.25.3` instead of
#     `nginx:1.25.3`. If the registry itself should be trusted, add its prefix to
#     `params.untrusted-registry.registries` in `.seaworthy.yaml`.
#   equivalents:
#     gatekeeper: k8sallowedrepos
#   params:
#     registries:
#       type: [list, string]
#       items: string
#       description: |-
#         Image prefixes that are trusted, for example `[registry.example.com/,
#         docker.io/library/]`. A prefix without a trailing `/` matches whole path
#         segments only. Images without a registry host are compared as
#         `docker.io/library/<name>` or `docker.io/<org>/<name>` as well, so
#         `docker.io/` trusts all of Docker Hub. When unset or empty, the rule
#         reports nothing.
package seaworthy.policy.untrusted_registry

import data.seaworthy.lib.k8s
import data.seaworthy.lib.k8s.containers
import rego.v1

configured := data.seaworthy.params.untrusted_registry.registries

# The configured prefixes: a list of strings, or a single string.
prefixes contains lower(trim_space(p)) if {
	is_array(configured)
	some p in configured
	is_string(p)
	trim_space(p) != ""
}

prefixes contains lower(trim_space(configured)) if {
	is_string(configured)
	trim_space(configured) != ""
}

violation contains {"msg": msg, "path": path} if {
	count(prefixes) > 0
	some entry in containers
	img := trim_space(k8s.image(entry.container))
	not trusted(img)
	msg := sprintf(
		"%s %q image %q%s is not from a trusted registry (trusted: %s)",
		[entry.role, entry.name, img, full_name_note(img), concat(", ", sort(prefixes))],
	)
	path := array.concat(entry.path, ["image"])
}

trusted(img) if {
	some name in {img, k8s.image_full_name(img)}
	some prefix in prefixes
	matches(lower(name), prefix)
}

matches(name, prefix) if {
	endswith(prefix, "/")
	startswith(name, prefix)
}

matches(name, prefix) if {
	not endswith(prefix, "/")
	startswith(name, prefix)
	rest := substring(name, count(prefix), -1)
	segment_boundary(rest)
}

segment_boundary(rest) if rest == ""

segment_boundary(rest) if substring(rest, 0, 1) in {"/", ":", "@"}

full_name_note(img) := sprintf(" (%s)", [k8s.image_full_name(img)]) if {
	k8s.image_full_name(img) != img
} else := ""
