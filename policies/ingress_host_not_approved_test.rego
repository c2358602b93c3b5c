package seaworthy.policy.ingress_host_not_approved_test

import data.seaworthy.policy.ingress_host_not_approved
import rego.v1

params := {"domains": ["example.com", "apps.example.net"]}

rule(host) := {"host": host, "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}

ingress(hosts) := {
	"apiVersion": "networking.k8s.io/v1",
	"kind": "Ingress",
	"metadata": {"name": "web"},
	"spec": {"rules": [rule(h) | some h in hosts]},
}

count_for(hosts, p) := n if {
	n := count(ingress_host_not_approved.violation) with input as ingress(hosts)
		with data.seaworthy.params.ingress_host_not_approved as p
}

test_silent_without_domains if {
	count(ingress_host_not_approved.violation) == 0 with input as ingress(["evil.example.org"])
	count_for(["evil.example.org"], {}) == 0
	count_for(["evil.example.org"], {"domains": []}) == 0
}

test_domain_and_subdomains_are_approved if {
	count_for(["example.com", "shop.example.com", "eu.shop.example.com", "api.apps.example.net"], params) == 0
}

test_lookalike_domain_fails if {
	v := ingress_host_not_approved.violation with input as ingress(["shop.example.com", "badexample.com"])
		with data.seaworthy.params.ingress_host_not_approved as params
	v == {{"msg": "host \"badexample.com\" is not in an approved domain (example.com, apps.example.net)", "path": ["spec", "rules", 1, "host"]}}
}

test_parent_of_an_approved_domain_fails if {
	count_for(["example.net"], params) == 1
}

test_wildcard_host_needs_an_approved_suffix if {
	count_for(["*.example.com", "*.shop.example.com", "*.apps.example.net"], params) == 0
	count_for(["*.com"], params) == 1
	count_for(["*.example.net"], params) == 1
}

test_subdomain_only_entry if {
	p := {"domains": ["*.example.com"]}
	count_for(["shop.example.com", "*.example.com"], p) == 0
	count_for(["example.com"], p) == 1
}

test_case_and_trailing_dot_are_ignored if {
	count_for(["Shop.EXAMPLE.com."], {"domains": ["Example.com."]}) == 0
}

test_single_string_domain if {
	count_for(["shop.example.com"], {"domains": "example.com"}) == 0
	count_for(["shop.example.org"], {"domains": "example.com"}) == 1
}

test_catch_all_hosts_are_left_to_wildcard_rule if {
	inp := {
		"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "x"},
		"spec": {"rules": [{"http": {"paths": []}}, {"host": ""}, {"host": "*"}]},
	}
	count(ingress_host_not_approved.violation) == 0 with input as inp
		with data.seaworthy.params.ingress_host_not_approved as params
}

test_tls_hosts_are_checked if {
	inp := {
		"apiVersion": "extensions/v1beta1", "kind": "Ingress", "metadata": {"name": "old"},
		"spec": {
			"tls": [{"hosts": ["shop.example.com", "shop.example.org"], "secretName": "shop-tls"}],
			"rules": [{"host": "shop.example.com", "http": {"paths": [{"backend": {"serviceName": "shop", "servicePort": 80}}]}}],
		},
	}
	v := ingress_host_not_approved.violation with input as inp
		with data.seaworthy.params.ingress_host_not_approved as params
	v == {{"msg": "TLS host \"shop.example.org\" is not in an approved domain (example.com, apps.example.net)", "path": ["spec", "tls", 0, "hosts", 1]}}
}
