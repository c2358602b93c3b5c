# METADATA
# title: Manifest uses an API version deprecated in the target Kubernetes
# description: |-
#   A deprecated API version still works, but the API server answers every
#   request that uses it with a warning and will stop serving it in a later
#   release (for beta versions, three releases after the deprecation): the
#   manifest then fails to apply on the day the cluster is upgraded. Moving to the
#   replacement while both are served costs nothing.
#
#   The rule reports the versions deprecated, and not yet removed, in the target
#   release, the `kubernetes-version` parameter (default: 1.37, the newest release
#   seaworthy knows). It reads the same table as `removed-api-version`, which
#   reports the versions the target no longer serves: with the default target,
#   the `v1beta1` and `v1beta2` versions of the dynamic resource allocation API
#   (`resource.k8s.io`), the `v1beta1` of MutatingAdmissionPolicy,
#   ClusterTrustBundle and StorageVersionMigration, and the core `v1` Endpoints,
#   deprecated since 1.33 in favour of EndpointSlices (no removal is planned).
#   The message names the release that deprecated the version, the one that
#   removes it, and the replacement.
#
#   ```yaml
#   params:
#     deprecated-api-version:
#       kubernetes-version: "1.24"
#   ```
# custom:
#   severity: warning
#   scope: object
#   status: stable
#   tags: [hygiene, upgrades]
#   remediation: |-
#     Change `apiVersion` (or the kind, for Endpoints) to the replacement named in
#     the message and adapt the fields that changed with it, before the upgrade
#     that removes the old version.
#   equivalents:
#     pluto: detect-files
#   params:
#     kubernetes-version:
#       type: string
#       values: ["1.16", "1.17", "1.18", "1.19", "1.20", "1.21", "1.22", "1.23", "1.24", "1.25", "1.26", "1.27", "1.28", "1.29", "1.30", "1.31", "1.32", "1.33", "1.34", "1.35", "1.36", "1.37", "1.38", "1.39", "1.40"]
#       default: "1.37"
#       description: >-
#         The Kubernetes release the manifests must apply to, quoted (`"1.30"`:
#         unquoted, YAML reads 1.30 as the number 1.3). Set it to the same
#         release as `removed-api-version`'s.
package seaworthy.policy.deprecated_api_version

import data.seaworthy.lib.apis
import data.seaworthy.lib.apis.entry
import rego.v1

params := p if {
	p := data.seaworthy.params.deprecated_api_version
	is_object(p)
} else := {}

violation contains {"msg": msg, "path": ["apiVersion"]} if {
	e := entry
	target := apis.target(params)
	e.deprecated <= target
	not removed_by(e, target)
	msg := sprintf(
		"%s %s is deprecated since Kubernetes %s%s%s",
		[input.apiVersion, input.kind, apis.release(e.deprecated), removal(e), apis.next_step(e)],
	)
}

removed_by(e, target) if {
	e.removed != null
	e.removed <= target
}

removal(e) := sprintf(" and is removed in %s", [apis.release(e.removed)]) if e.removed != null

removal(e) := "" if e.removed == null
