# METADATA
# title: Ingress host is served without TLS
# description: |-
#   Every host an Ingress routes should be listed under `spec.tls[].hosts`, with
#   the Secret that holds its certificate. A host left out is served over plain
#   HTTP, where passwords, session cookies and API tokens cross the network in
#   clear text, or with the controller's default certificate, which browsers and
#   clients reject. A TLS entry for `*.example.com` covers names exactly one label
#   below it (`shop.example.com`, not `eu.shop.example.com` nor `example.com`).
#   Hosts are compared case-insensitively, ignoring a trailing dot. A TLS entry
#   without `hosts` covers no named host here: what a controller does with it
#   varies. Rules without a host are left to `wildcard-ingress-host`. An NGINX
#   mergeable "minion" Ingress (`nginx.org/mergeable-ingress-type: minion`) is
#   skipped: its master Ingress holds the TLS settings for the host.
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
	some entry in ingress_rule_hosts
	entry.name != "*"
	not covered(entry.name)
	msg := message(entry.host)
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
