# METADATA
# title: Ingress catches requests for any host or subdomain
# description: |-
#   An Ingress rule without a `host` (or with the host `*`) matches every request
#   that reaches the ingress controller, whatever name it was sent to. Traffic for
#   hostnames nobody meant to serve (a stale DNS record, a typo, a scanner hitting
#   the load balancer's IP) lands on this backend, and two teams' catch-all rules
#   on a shared controller silently fight over the same requests. An Ingress with
#   only a default backend (`spec.defaultBackend`, or `spec.backend` in the
#   v1beta1 APIs) and no rules is a catch-all too: ingress-nginx makes it the
#   controller-wide default.
#
#   A wildcard host such as `*.example.com` receives the requests for every name
#   one label below `example.com` that no other Ingress names exactly: the
#   subdomains other teams create later too, until their own Ingress exists, and
#   again whenever it is deleted. List the wildcard domains a team owns under
#   `allowed` to accept them:
#
#   ```yaml
#   params:
#     wildcard-ingress-host:
#       allowed: ["*.preview.example.com"]
#   ```
#
#   Hosts are compared case-insensitively, ignoring a trailing dot. Whether a
#   wildcard lies in an approved domain is the business of
#   `ingress-host-not-approved`.
# custom:
#   severity: warning
#   scope: object
#   status: stable
#   kinds: [Ingress]
#   tags: [ingress, networking]
#   remediation: |-
#     Give every rule the exact host it serves, for example `host: shop.example.com`,
#     and replace a rule-less default backend by a rule for that host. A wildcard
#     that a team owns on purpose (preview environments, tenants) goes under
#     `params.wildcard-ingress-host.allowed` in `.seaworthy.yaml`.
#   params:
#     allowed:
#       type: list
#       items: string
#       default: []
#       description: >-
#         The wildcard hosts that may be used, for example `["*.preview.example.com"]`
#         (`preview.example.com` means the same). Each allows exactly that wildcard,
#         not wildcards deeper or higher. Rules without a host are reported whatever
#         this holds.
package seaworthy.policy.wildcard_ingress_host

import data.seaworthy.lib.k8s
import rego.v1

violation contains {"msg": msg, "path": ["spec", "rules", i, "host"]} if {
	input.kind == "Ingress"
	some i, rule in k8s.as_array(object.get(input, ["spec", "rules"], []))
	catch_all(object.get(rule, "host", null))
	msg := sprintf("spec.rules[%d] has %s: it catches requests for every hostname", [i, describe(object.get(rule, "host", null))])
}

violation contains {"msg": msg, "path": ["spec", field]} if {
	input.kind == "Ingress"
	count(k8s.as_array(object.get(input, ["spec", "rules"], []))) == 0
	some field in ["defaultBackend", "backend"]
	is_object(input.spec[field])
	msg := sprintf("spec.%s with no rules catches requests for every hostname", [field])
}

# A wildcard host outside the allowed ones.
violation contains {"msg": msg, "path": ["spec", "rules", i, "host"]} if {
	input.kind == "Ingress"
	some i, rule in k8s.as_array(object.get(input, ["spec", "rules"], []))
	is_string(rule.host)
	name := k8s.normalize_host(rule.host)
	startswith(name, "*.")
	domain := substring(name, 2, -1)
	not domain in allowed
	msg := sprintf("spec.rules[%d] has the wildcard host %q: it receives the requests for every name one label below %s that no other Ingress names, including names other teams add later", [i, rule.host, domain])
}

default params := {}

params := p if {
	p := data.seaworthy.params.wildcard_ingress_host
	is_object(p)
}

# The allowed wildcards, by the domain below which they match:
# `*.preview.example.com` and `preview.example.com` both give
# `preview.example.com`.
allowed contains trim_prefix(trim_prefix(k8s.normalize_host(entry), "*"), ".") if {
	some entry in k8s.as_array(object.get(params, "allowed", []))
	is_string(entry)
}

catch_all(null) := true

catch_all(host) if {
	is_string(host)
	trim_space(host) in {"", "*"}
}

describe(null) := "no host"

describe(host) := "an empty host" if {
	is_string(host)
	trim_space(host) == ""
}

describe(host) := "the host \"*\"" if {
	is_string(host)
	trim_space(host) == "*"
}
