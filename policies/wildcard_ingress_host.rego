# METADATA
# title: Ingress catches requests for any host
# description: |-
#   An Ingress rule without a `host` (or with the host `*`) matches every request
#   that reaches the ingress controller, whatever name it was sent to. Traffic for
#   hostnames nobody meant to serve (a stale DNS record, a typo, a scanner hitting
#   the load balancer's IP) lands on this backend, and two teams' catch-all rules
#   on a shared controller silently fight over the same requests. An Ingress with
#   only a default backend (`spec.defaultBackend`, or `spec.backend` in the
#   v1beta1 APIs) and no rules is a catch-all too: ingress-nginx makes it the
#   controller-wide default. A subdomain wildcard such as `*.apps.example.com` is
#   not a catch-all and is left to `ingress-host-not-approved`.
# custom:
#   severity: warning
#   scope: object
#   status: stable
#   kinds: [Ingress]
#   tags: [ingress, networking]
#   remediation: |-
#     Give every rule the host it serves, for example `host: shop.example.com`, and
#     replace a rule-less default backend by a rule for that host.
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
