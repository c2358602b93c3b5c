# METADATA
# title: Two Ingresses claim the same route
# description: |-
#   Reports every route (host and path) that two Ingresses served by the same
#   ingress controller both claim, anywhere in the input: across files and across
#   namespaces. When two Ingresses claim one route, the controller picks one of
#   them, and which one depends on the controller and on creation order: traffic
#   silently goes to the wrong backend, or flips after a redeploy. Most
#   controllers accept the conflict without an error, so nothing else catches it
#   before production.
#
#   Routes are compared the way controllers resolve them:
#
#   - **Class.** Only Ingresses of the same class meet: the legacy
#     `kubernetes.io/ingress.class` annotation (which controllers read first),
#     else `spec.ingressClassName`. An Ingress with neither is served by the
#     default class: the IngressClass marked
#     `ingressclass.kubernetes.io/is-default-class: "true"` when the input holds
#     exactly one, else a class of its own that only other Ingresses without a
#     class share. The classes `gce` and `gce-internal` (GKE) and `alb` (the AWS
#     Load Balancer Controller) give each Ingress a load balancer of its own, so
#     their Ingresses never meet, except `alb` Ingresses of one
#     `alb.ingress.kubernetes.io/group.name`, which share one. An Ingress
#     without a class that carries an annotation only GKE reads (a static IP
#     name, `kubernetes.io/ingress.allow-http`, `networking.gke.io/…`) is taken
#     as GKE's.
#   - **Host.** The same host, compared case-insensitively without a trailing
#     dot. An exact host always wins over a wildcard (`api.example.com` over
#     `*.example.com`), so that is precedence, not a conflict; two identical
#     wildcards do conflict. A rule without a host (or with the host `*`) only
#     receives requests that no host matched: it meets only other rules without a
#     host. An Ingress with a default backend (`spec.defaultBackend`, or
#     `spec.backend` in the v1beta1 APIs) and no rules takes every request that
#     no rule matches, which is the route `Prefix /` without a host.
#   - **Path.** `Prefix` paths match by path elements: `/api` and `/api/` are one
#     route, and `/api` does not match `/apiv2`; a longer prefix is a split, not a
#     conflict. `Exact` paths conflict only with the same `Exact` path: an `Exact
#     /api` beside a `Prefix /api` wins for that one path. `ImplementationSpecific`
#     paths, and paths without a `pathType` (the v1beta1 APIs), are compared as
#     `Prefix`, as ingress-nginx treats them; a missing path is `/`. A rule with
#     a host and no paths routes the whole host to the Ingress's default backend,
#     if it has one.
#
#   The same Ingress (same namespace and name) declared in two files, as
#   kustomize overlays do, is one claimant, not two. An ingress-nginx canary
#   Ingress (`nginx.ingress.kubernetes.io/canary: "true"`) shares its main
#   Ingress's route on purpose and is not a claimant. An Ingress without a
#   namespace is in the one it is applied to (`--namespace`, default `default`).
# custom:
#   severity: error
#   scope: inventory
#   status: stable
#   kinds: [Ingress, IngressClass]
#   tags: [ingress, reliability]
#   remediation: |-
#     Give each route a single owner: merge the two Ingresses, change one host or
#     path, give one of them another ingress class, or delete the stale one. Each
#     finding names the other claimants and their files.
#   equivalents:
#     kube-linter: none
#     polaris: none
#     checkov: none
#     trivy: none
package seaworthy.policy.duplicate_ingress_host

import data.seaworthy.lib.inventory
import data.seaworthy.lib.k8s
import rego.v1

# Routes on a rule's paths.
claims contains claim if {
	some i, obj in ingresses
	some r, rule in k8s.as_array(object.get(obj, ["spec", "rules"], []))
	is_object(rule)
	host := rule_host(rule)
	some p, entry in k8s.as_array(object.get(rule, ["http", "paths"], []))
	is_object(entry)
	path := entry_path(entry)
	match := path_match(entry, path)
	claim := {
		"index": i,
		"identity": identity(obj),
		"class": class(obj),
		"table": table(obj),
		"key": [host, match],
		"route": rule_route(host, sprintf("path %q (%s)", [path, written_type(entry)])),
		"via": [],
		"at": ["spec", "rules", r, "http", "paths", p, "path"],
	}
}

# A rule with a host and no paths: the whole host goes to the Ingress's
# default backend.
claims contains claim if {
	some i, obj in ingresses
	field := default_backend(obj)
	some r, rule in k8s.as_array(object.get(obj, ["spec", "rules"], []))
	is_object(rule)
	count(k8s.as_array(object.get(rule, ["http", "paths"], []))) == 0
	host := rule_host(rule)
	claim := {
		"index": i,
		"identity": identity(obj),
		"class": class(obj),
		"table": table(obj),
		"key": [host, ["prefix", "/"]],
		"route": pathless_route(host, field),
		"via": [sprintf("spec.%s", [field])],
		"at": ["spec", "rules", r, "host"],
	}
}

# A default backend without rules: every request no rule matches.
claims contains claim if {
	some i, obj in ingresses
	field := default_backend(obj)
	count(k8s.as_array(object.get(obj, ["spec", "rules"], []))) == 0
	claim := {
		"index": i,
		"identity": identity(obj),
		"class": class(obj),
		"table": table(obj),
		"key": ["", ["prefix", "/"]],
		"route": sprintf("every request no rule matches (spec.%s)", [field]),
		"via": [sprintf("spec.%s", [field])],
		"at": ["spec", field],
	}
}

# The Ingresses that claim routes, by index: a canary shares its main
# Ingress's route by design.
ingresses[i] := obj if {
	some i, obj in input.objects
	obj.kind == "Ingress"
	not canary(obj)
}

canary(obj) if object.get(obj, ["metadata", "annotations", "nginx.ingress.kubernetes.io/canary"], "") == "true"

identity(obj) := [inventory.namespace(obj), object.get(obj, ["metadata", "name"], "")]

default_backend(obj) := "defaultBackend" if {
	is_object(object.get(obj, ["spec", "defaultBackend"], null))
} else := "backend" if {
	is_object(object.get(obj, ["spec", "backend"], null))
}

# The class as written: the legacy annotation first, as controllers read it
# (the API server refuses an Ingress that sets both).
written_class(obj) := c if {
	c := trim_space(object.get(obj, ["metadata", "annotations", "kubernetes.io/ingress.class"], ""))
	c != ""
} else := c if {
	c := trim_space(object.get(obj, ["spec", "ingressClassName"], ""))
	c != ""
} else := ""

# The IngressClasses marked as the default. With two or more, the API server
# admits no Ingress without a class, so none is taken as the default.
default_classes contains name if {
	some obj in input.objects
	obj.kind == "IngressClass"
	object.get(obj, ["metadata", "annotations", "ingressclass.kubernetes.io/is-default-class"], "") == "true"
	name := object.get(obj, ["metadata", "name"], "")
	is_string(name)
	name != ""
}

class(obj) := c if {
	c := written_class(obj)
	c != ""
} else := c if {
	count(default_classes) == 1
	some c in default_classes
} else := ""

# The routing table an Ingress joins: its class's, except where the
# controller gives each Ingress a load balancer of its own (GKE's `gce` and
# `gce-internal`, the AWS Load Balancer Controller's `alb` unless Ingresses
# share one through `alb.ingress.kubernetes.io/group.name`): there two
# Ingresses only compete in DNS.
table(obj) := ["alb group", group] if {
	class(obj) == "alb"
	group := trim_space(object.get(obj, ["metadata", "annotations", "alb.ingress.kubernetes.io/group.name"], ""))
	group != ""
} else := ["own load balancer", identity(obj)] if {
	class(obj) in {"gce", "gce-internal", "alb"}
} else := ["own load balancer", identity(obj)] if {
	class(obj) == ""
	gke_annotated(obj)
} else := ["class", class(obj)]

# An annotation only GKE's Ingress controller reads: an Ingress without a
# class that carries one is written for that controller.
gke_annotated(obj) if {
	some key, _ in object.get(obj, ["metadata", "annotations"], {})
	gke_annotation(key)
}

gke_annotation(key) if key in {
	"kubernetes.io/ingress.global-static-ip-name",
	"kubernetes.io/ingress.regional-static-ip-name",
	"kubernetes.io/ingress.allow-http",
}

gke_annotation(key) if startswith(key, "ingress.gcp.kubernetes.io/")

gke_annotation(key) if startswith(key, "networking.gke.io/")

shown_class("") := "the default class"

shown_class(c) := sprintf("class %q", [c]) if c != ""

other_ingresses(1) := "another Ingress"

other_ingresses(n) := sprintf("%d other Ingresses", [n]) if n > 1

# The host of a rule, normalised; "" for a rule that names none (or `*`).
rule_host(rule) := "" if {
	not is_string(rule.host)
} else := "" if {
	k8s.normalize_host(rule.host) in {"", "*"}
} else := k8s.normalize_host(rule.host)

rule_route(host, path) := sprintf("host %q %s", [host, path]) if host != ""

rule_route("", path) := sprintf("%s without a host", [path])

pathless_route(host, field) := sprintf("host %q with no paths (every path goes to spec.%s)", [host, field]) if host != ""

pathless_route("", field) := sprintf("a rule with no host and no paths (every request goes to spec.%s)", [field])

entry_path(entry) := p if {
	p := entry.path
	is_string(p)
	p != ""
} else := "/"

written_type(entry) := t if {
	t := entry.pathType
	is_string(t)
} else := "no pathType"

# What a path matches: an Exact path as written; any other by its path
# elements, so `/api/` is `/api` and `/` is every path.
path_match(entry, path) := ["exact", path] if entry.pathType == "Exact"

path_match(entry, path) := ["prefix", elements(path)] if object.get(entry, "pathType", null) != "Exact"

elements(path) := concat("/", ["", concat("/", [e | some e in split(path, "/"); e != ""])])

# Claims grouped by routing table and route, so each claim looks up its
# rivals directly.
by_route := seaworthy.group([[[c.table, c.key], c] | some c in claims])

violation contains {"msg": msg, "path": claim.at, "object": claim.index, "related": related} if {
	some claim in claims
	others := [other |
		some other in by_route[[claim.table, claim.key]]
		other.identity != claim.identity
	]
	count(others) > 0
	names := sort({claimant(o) | some o in others})
	related := [{"object": o.index, "path": o.at} | some o in others]
	msg := sprintf("%s is also claimed by %s of %s: %s", [
		claim.route, other_ingresses(count(names)),
		shown_class(claim.class), concat("; ", names),
	])
}

# Another claimant as `namespace/name (file, how)`: the file it is read from
# (input.files, beside input.objects) and how it claims the route when not by
# a path.
claimant(o) := sprintf("%s/%s (%s)", [o.identity[0], o.identity[1], concat(", ", notes)]) if {
	notes := array.concat(file_of(o.index), o.via)
	count(notes) > 0
} else := sprintf("%s/%s", o.identity)

file_of(i) := [input.files[i]] if is_string(input.files[i])

file_of(i) := [] if not is_string(input.files[i])
