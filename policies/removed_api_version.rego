# METADATA
# title: Manifest uses an API version the target Kubernetes no longer serves
# description: |-
#   Kubernetes stops serving beta API versions a few releases after their
#   replacement ships. The objects already in the cluster are migrated for you, but
#   the manifests are not: once the cluster is upgraded past the removal, applying
#   a manifest that still says `extensions/v1beta1` or `policy/v1beta1` fails
#   with "no matches for kind", so a routine deploy, a Helm upgrade or a disaster
#   recovery from Git breaks on the day it is needed.
#
#   The rule reports the versions removed in the target release, the
#   `kubernetes-version` parameter (default: 1.37, the newest release seaworthy
#   knows; set it to the oldest release your manifests must still apply to, or to
#   the next one to see what an upgrade breaks). It knows the removals of the
#   official deprecated API migration guide, from `extensions/v1beta1` in 1.16 to
#   the flow-control `v1beta3` in 1.32, and those the API's own lifecycle markers
#   announce since (the `v1beta1` of ValidatingAdmissionPolicy in 1.34, of
#   ServiceCIDR, IPAddress and VolumeAttributesClass in 1.37), by apiVersion and
#   kind: some beta versions were reused for newer kinds, and those are judged on
#   their own. Versions that are only deprecated in the target release are
#   `deprecated-api-version`'s. The message names the release that removed the
#   version and its replacement.
#
#   ```yaml
#   params:
#     removed-api-version:
#       kubernetes-version: "1.29"
#   ```
# custom:
#   severity: error
#   scope: object
#   status: stable
#   tags: [hygiene, upgrades]
#   remediation: |-
#     Change `apiVersion` to the replacement named in the message and adapt the
#     fields that changed with it (the migration guide lists them), for example
#     `networking.k8s.io/v1` for an Ingress, whose backends become
#     `service: {name, port: {number}}`. `kubectl convert` can do most of it.
#   equivalents:
#     kube-linter: no-extensions-v1beta
#     pluto: detect-files
#   params:
#     kubernetes-version:
#       type: string
#       values: ["1.16", "1.17", "1.18", "1.19", "1.20", "1.21", "1.22", "1.23", "1.24", "1.25", "1.26", "1.27", "1.28", "1.29", "1.30", "1.31", "1.32", "1.33", "1.34", "1.35", "1.36", "1.37", "1.38", "1.39", "1.40"]
#       default: "1.37"
#       description: >-
#         The Kubernetes release the manifests must apply to, quoted (`"1.30"`:
#         unquoted, YAML reads 1.30 as the number 1.3). Releases after 1.37 use
#         the removals already announced for them.
package seaworthy.policy.removed_api_version

import data.seaworthy.lib.apis
import data.seaworthy.lib.apis.entry
import rego.v1

params := p if {
	p := data.seaworthy.params.removed_api_version
	is_object(p)
} else := {}

violation contains {"msg": msg, "path": ["apiVersion"]} if {
	e := entry
	e.removed != null
	e.removed <= apis.target(params)
	msg := sprintf(
		"%s %s was removed in Kubernetes %s%s",
		[input.apiVersion, input.kind, apis.release(e.removed), apis.next_step(e)],
	)
}
