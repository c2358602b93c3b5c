# METADATA
# title: Ingress host is outside the approved domains
# description: |-
#   An Ingress can claim any hostname, and on a shared ingress controller the
#   first object to claim a name receives its traffic. A host outside the domains
#   your organisation owns is either a mistake (a typo, a copy from another
#   environment) that will never resolve to this cluster, or an attempt to capture
#   traffic meant for someone else's service, and a certificate issued for it by
#   cert-manager is a certificate for a domain you do not control. The rule checks
#   every rule host and every `spec.tls[].hosts` entry against the configured
#   `domains`; it is silent until `domains` is set.
#
#   An entry `example.com` approves `example.com` and every name below it
#   (`shop.example.com`, `eu.shop.example.com`), but not `badexample.com`. An entry
#   written `*.example.com` approves the names below `example.com` only. A wildcard
#   host such as `*.apps.example.com` is approved when every name it matches is,
#   that is when `apps.example.com` lies in an approved domain. Names are compared
#   case-insensitively, ignoring a trailing dot. Rules without a host (and the host
#   `*`) are left to `wildcard-ingress-host`. For example:
#
#   ```yaml
#   params:
#     ingress-host-not-approved:
#       domains: [example.com, apps.example.net]
#   ```
# custom:
#   severity: error
#   scope: object
#   status: stable
#   kinds: [Ingress]
#   tags: [ingress, networking, security]
#   remediation: |-
#     Use a hostname under one of the approved domains, for example
#     `shop.example.com`, or have the domain added to the approved list if your
#     organisation owns it.
#   params:
#     domains:
#       type: [list, string]
#       items: string
#       description: >-
#         The approved DNS domains, for example `[example.com, apps.example.net]`. Each
#         approves itself and its subdomains; `*.example.com` approves the
#         subdomains only. The rule is silent when this is not set.
package seaworthy.policy.ingress_host_not_approved

import data.seaworthy.lib.k8s
import data.seaworthy.lib.k8s.ingress_rule_hosts
import data.seaworthy.lib.k8s.ingress_tls_hosts
import rego.v1

default params := {}

params := p if {
	p := data.seaworthy.params.ingress_host_not_approved
	is_object(p)
}

configured := [d | some d in k8s.as_array(params.domains); is_string(d); trim_space(d) != ""] if is_array(params.domains)

configured := [params.domains] if is_string(params.domains)

# The approved domains, normalised: {"name": "example.com", "apex": true} for
# `example.com`, "apex": false for `*.example.com` (subdomains only).
domains contains {"name": k8s.normalize_host(d), "apex": true} if {
	some d in configured
	not startswith(trim_space(d), "*.")
	not startswith(trim_space(d), ".")
}

domains contains {"name": trim_prefix(k8s.normalize_host(d), "*."), "apex": false} if {
	some d in configured
	startswith(trim_space(d), "*.")
}

domains contains {"name": trim_prefix(k8s.normalize_host(d), "."), "apex": false} if {
	some d in configured
	startswith(trim_space(d), ".")
}

violation contains {"msg": msg, "path": entry.path} if {
	count(domains) > 0
	some entry in ingress_rule_hosts
	not approved(entry.name)
	msg := sprintf("host %q is not in an approved domain (%s)", [entry.host, concat(", ", configured)])
}

violation contains {"msg": msg, "path": entry.path} if {
	count(domains) > 0
	some entry in ingress_tls_hosts
	not approved(entry.name)
	msg := sprintf("TLS host %q is not in an approved domain (%s)", [entry.host, concat(", ", configured)])
}

# The catch-all host is the business of wildcard-ingress-host.
approved("*") := true

# A wildcard host: every name it matches lies below its suffix.
approved(name) if {
	startswith(name, "*.")
	suffix := substring(name, 2, -1)
	some d in domains
	within(suffix, d.name)
}

approved(name) if {
	not startswith(name, "*")
	some d in domains
	d.apex
	within(name, d.name)
}

approved(name) if {
	not startswith(name, "*")
	some d in domains
	not d.apex
	endswith(name, concat("", [".", d.name]))
}

# True when `name` is `domain` or a name below it.
within(name, domain) if name == domain

within(name, domain) if endswith(name, concat("", [".", domain]))
