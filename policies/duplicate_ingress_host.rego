# METADATA
# title: Two Ingresses claim the same host and path
# description: |-
#   Reports every Ingress rule whose host and path another Ingress also claims,
#   anywhere in the input: across files and across namespaces. A wildcard host
#   (`*.shop.example.com`) overlaps every concrete host one label below it
#   (`api.shop.example.com`), and an Ingress rule without a host catches every host.
#
#   When two Ingresses claim the same route, the ingress controller picks one of
#   them, and which one depends on the controller and on creation order: traffic
#   silently goes to the wrong backend, or flips after a redeploy. Most controllers
#   accept the conflict without an error, so nothing else catches it before
#   production.
#
#   Paths are compared as written: `/api` and `/` on the same host are a normal
#   split, not a conflict. The same Ingress (same namespace and name) declared in
#   two files, as kustomize overlays do, is one claimant, not two.
# custom:
#   severity: error
#   scope: inventory
#   status: stable
#   kinds: [Ingress]
#   tags: [ingress, reliability]
#   remediation: |-
#     Give each route a single owner: merge the two Ingresses, change one host or
#     path, or delete the stale one. Each finding lists the other claimants.
#   equivalents:
#     kube-linter: none
#     polaris: none
#     checkov: none
#     trivy: none
package seaworthy.policy.duplicate_ingress_host

import data.seaworthy.lib.inventory
import rego.v1

# Every (host, path) route an Ingress claims, with where its host is written.
claims contains claim if {
	some i, obj in input.objects
	obj.kind == "Ingress"
	some r, rule in object.get(obj, ["spec", "rules"], [])
	host := normal_host(object.get(rule, "host", ""))
	some route_path in rule_paths(rule)
	claim := {
		"index": i,
		"identity": sprintf("%s/%s", [inventory.namespace(obj), object.get(obj, ["metadata", "name"], "")]),
		"name": display(obj),
		"host": host,
		"path": route_path,
		"at": ["spec", "rules", r, "host"],
	}
}

normal_host(h) := lower(trim_suffix(h, ".")) if is_string(h)

normal_host(h) := "" if not is_string(h)

rule_paths(rule) := {p |
	some entry in object.get(rule, ["http", "paths"], [])
	p := object.get(entry, "path", "/")
} if count(object.get(rule, ["http", "paths"], [])) > 0

rule_paths(rule) := {"/"} if count(object.get(rule, ["http", "paths"], [])) == 0

display(obj) := sprintf("%s/%s", [obj.metadata.namespace, obj.metadata.name]) if {
	is_string(obj.metadata.namespace)
} else := object.get(obj, ["metadata", "name"], "<unnamed>")

# Claims grouped by route, so each claim looks up its rivals directly.
by_route := seaworthy.group([[[c.host, c.path], c] | some c in claims])

# Concrete hosts grouped by their parent domain, for wildcards to look up.
by_parent := seaworthy.group([[[parent(c.host), c.path], c] |
	some c in claims
	c.host != ""
	not startswith(c.host, "*.")
])

# Catch-all rules (no host) grouped by path: they overlap every host.
by_path := seaworthy.group([[c.path, c] | some c in claims])

parent(host) := substring(host, indexof(host, ".") + 1, -1) if contains(host, ".")

parent(host) := "" if not contains(host, ".")

# The claims that overlap `claim`: the same host, a wildcard one label up, the
# concrete hosts under a wildcard, and catch-alls.
rivals(claim) := {other |
	some key in candidate_keys(claim)
	some other in by_route[key]
} | {other |
	startswith(claim.host, "*.")
	some other in by_parent[[trim_prefix(claim.host, "*."), claim.path]]
} | {other |
	claim.host == ""
	some other in by_path[claim.path]
}

candidate_keys(claim) := {[claim.host, claim.path], ["", claim.path], [sprintf("*.%s", [parent(claim.host)]), claim.path]}

violation contains {"msg": msg, "path": claim.at, "object": claim.index, "related": related} if {
	some claim in claims
	others := [other |
		some other in rivals(claim)
		other.identity != claim.identity
	]
	count(others) > 0
	names := sort({sprintf("Ingress %s", [o.name]) | some o in others})
	related := [{"object": o.index, "path": o.at} | some o in others]
	msg := sprintf("host %q path %q is also claimed by %s", [shown(claim.host), claim.path, concat(", ", names)])
}

shown(host) := host if host != ""

shown("") := "*"
