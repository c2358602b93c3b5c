# METADATA
# title: Ingress host is served without TLS
# description: |-
#   Every host an Ingress routes should be listed under `spec.tls[].hosts`, with
#   the Secret that holds its certificate. A host left out is served over plain
#   HTTP, where passwords, session cookies and API tokens cross the network in
#   clear text, or, by some controllers, with a default certificate that does not
#   name it, which browsers and clients reject. A TLS entry for `*.example.com`
#   covers names exactly one label below it (`shop.example.com`, not
#   `eu.shop.example.com` nor `example.com`). Hosts are compared
#   case-insensitively, ignoring a trailing dot.
#
#   A TLS entry without `hosts` (`tls: [{}]`, or one with only a `secretName`)
#   covers every host of the Ingress: the controller serves them over HTTPS, with
#   that Secret's certificate or with its own default one. Whether a certificate
#   is valid for a host is not checked here. An Ingress with rules and no
#   `spec.tls` at all is reported at every rule, rules without a host included;
#   when it has TLS entries, a rule without a host is left to
#   `wildcard-ingress-host`. An NGINX mergeable "minion" Ingress
#   (`nginx.org/mergeable-ingress-type: minion`) is skipped: its master Ingress
#   holds the TLS settings for the host.
# custom:
#   severity: warning
#   scope: object
#   status: stable
#   kinds: [Ingress]
#   tags: [ingress, networking, security]
#   remediation: |-
#     Add the host to a `spec.tls` entry whose `secretName` holds a certificate for
#     it, for example `tls: [{hosts: [shop.example.com], secretName: shop-tls}]`;
#     cert-manager can issue and renew the certificate.
#   equivalents:
#     gatekeeper: k8shttpsonly
package seaworthy.policy.ingress_tls_missing

import data.seaworthy.lib.k8s
import data.seaworthy.lib.k8s.ingress_rule_hosts
import data.seaworthy.lib.k8s.ingress_tls_hosts
import rego.v1

violation contains {"msg": msg, "path": entry.path} if {
	not minion
	not every_host_covered
	some entry in ingress_rule_hosts
	entry.name != "*"
	not covered(entry.name)
	msg := message(entry.host)
}

# A rule without a host in an Ingress without TLS: plain HTTP, whatever the name.
violation contains {"msg": msg, "path": ["spec", "rules", i]} if {
	not minion
	tls_entries == 0
	some i, rule in k8s.as_array(object.get(input, ["spec", "rules"], []))
	hostless(rule)
	msg := sprintf("spec.rules[%d] has no host and is served without TLS: the Ingress has no spec.tls", [i])
}

hostless(rule) if {
	is_object(rule)
	not is_string(rule.host)
}

hostless(rule) if k8s.normalize_host(rule.host) in {"", "*"}

# A TLS entry that names no host covers them all (the API reads a null
# entry as an empty one).
every_host_covered if {
	some tls in k8s.as_array(object.get(input, ["spec", "tls"], []))
	is_null(tls)
}

every_host_covered if {
	some tls in k8s.as_array(object.get(input, ["spec", "tls"], []))
	is_object(tls)
	count(k8s.as_array(object.get(tls, "hosts", []))) == 0
}

# NGINX mergeable Ingresses: minions may not declare TLS; the master does.
minion if object.get(input, ["metadata", "annotations", "nginx.org/mergeable-ingress-type"], "") == "minion"

covered(name) if {
	some tls in ingress_tls_hosts
	k8s.host_covers(tls.name, name)
}

tls_entries := count(k8s.as_array(object.get(input, ["spec", "tls"], [])))

message(host) := sprintf("host %q is served without TLS: the Ingress has no spec.tls", [host]) if tls_entries == 0

message(host) := sprintf("host %q is not covered by any spec.tls hosts entry", [host]) if tls_entries > 0
