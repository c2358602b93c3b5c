package seaworthy.policy.ingress_tls_missing_test

import data.seaworthy.policy.ingress_tls_missing
import rego.v1

backend := {"service": {"name": "web", "port": {"number": 80}}}

rule(host) := {"host": host, "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": backend}]}}

ingress(hosts, tls) := {
	"apiVersion": "networking.k8s.io/v1",
	"kind": "Ingress",
	"metadata": {"name": "web"},
	"spec": {"rules": [rule(h) | some h in hosts], "tls": tls},
}

test_covered_hosts_pass if {
	inp := ingress(["shop.example.com", "api.example.com"], [{"hosts": ["shop.example.com", "api.example.com"], "secretName": "web-tls"}])
	count(ingress_tls_missing.violation) == 0 with input as inp
}

test_no_tls_fails_every_host if {
	inp := ingress(["shop.example.com", "api.example.com"], null)
	v := ingress_tls_missing.violation with input as inp
	v == {
		{"msg": "host \"shop.example.com\" is served without TLS: the Ingress has no spec.tls", "path": ["spec", "rules", 0, "host"]},
		{"msg": "host \"api.example.com\" is served without TLS: the Ingress has no spec.tls", "path": ["spec", "rules", 1, "host"]},
	}
}

test_uncovered_host_fails_at_its_rule if {
	inp := ingress(["shop.example.com", "admin.example.com"], [{"hosts": ["shop.example.com"], "secretName": "shop-tls"}])
	v := ingress_tls_missing.violation with input as inp
	v == {{"msg": "host \"admin.example.com\" is not covered by any spec.tls hosts entry", "path": ["spec", "rules", 1, "host"]}}
}

test_wildcard_tls_covers_one_label if {
	tls := [{"hosts": ["*.example.com"], "secretName": "wildcard-tls"}]
	count(ingress_tls_missing.violation) == 0 with input as ingress(["shop.example.com"], tls)
	count(ingress_tls_missing.violation) == 1 with input as ingress(["eu.shop.example.com"], tls)
	count(ingress_tls_missing.violation) == 1 with input as ingress(["example.com"], tls)
	count(ingress_tls_missing.violation) == 1 with input as ingress(["badexample.com"], tls)
}

test_wildcard_rule_needs_the_same_wildcard if {
	count(ingress_tls_missing.violation) == 0 with input as ingress(["*.apps.example.com"], [{"hosts": ["*.apps.example.com"]}])
	count(ingress_tls_missing.violation) == 1 with input as ingress(["*.apps.example.com"], [{"hosts": ["*.example.com"]}])
	count(ingress_tls_missing.violation) == 1 with input as ingress(["*.apps.example.com"], [{"hosts": ["x.apps.example.com"]}])
}

test_case_and_trailing_dot_are_ignored if {
	count(ingress_tls_missing.violation) == 0 with input as ingress(["Shop.Example.com."], [{"hosts": ["shop.example.com"]}])
}

test_tls_entry_without_hosts_covers_every_host if {
	hosts := ["shop.example.com", "api.example.com", "*.apps.example.com"]
	count(ingress_tls_missing.violation) == 0 with input as ingress(hosts, [{"secretName": "shop-tls"}])
	count(ingress_tls_missing.violation) == 0 with input as ingress(hosts, [{}])
	count(ingress_tls_missing.violation) == 0 with input as ingress(hosts, [{"hosts": []}])
	count(ingress_tls_missing.violation) == 0 with input as ingress(hosts, [{"hosts": null}])
	count(ingress_tls_missing.violation) == 0 with input as ingress(hosts, [null])
	count(ingress_tls_missing.violation) == 0 with input as ingress(hosts, [{"hosts": ["other.example.com"]}, {}])
}

hostless := {
	"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "x"},
	"spec": {"rules": [{"http": {"paths": []}}, {"host": "", "http": {"paths": []}}, {"host": "*"}]},
}

test_rules_without_host_fail_when_the_ingress_has_no_tls if {
	v := ingress_tls_missing.violation with input as hostless
	v == {
		{"msg": "spec.rules[0] has no host and is served without TLS: the Ingress has no spec.tls", "path": ["spec", "rules", 0]},
		{"msg": "spec.rules[1] has no host and is served without TLS: the Ingress has no spec.tls", "path": ["spec", "rules", 1]},
		{"msg": "spec.rules[2] has no host and is served without TLS: the Ingress has no spec.tls", "path": ["spec", "rules", 2]},
	}
	count(ingress_tls_missing.violation) == 3 with input as object.union(hostless, {"spec": {"tls": []}})
}

test_rules_without_host_are_left_to_wildcard_rule_beside_tls if {
	inp := object.union(hostless, {"spec": {"tls": [{"hosts": ["shop.example.com"], "secretName": "shop-tls"}]}})
	count(ingress_tls_missing.violation) == 0 with input as inp
}

test_a_default_backend_without_rules_is_not_checked if {
	inp := {
		"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "fallback"},
		"spec": {"defaultBackend": backend},
	}
	count(ingress_tls_missing.violation) == 0 with input as inp
}

test_v1beta1_ingress_is_checked if {
	inp := {
		"apiVersion": "extensions/v1beta1", "kind": "Ingress", "metadata": {"name": "old"},
		"spec": {
			"tls": [{"hosts": ["shop.example.com"], "secretName": "shop-tls"}],
			"rules": [
				{"host": "shop.example.com", "http": {"paths": [{"backend": {"serviceName": "shop", "servicePort": 80}}]}},
				{"host": "legacy.example.com", "http": {"paths": [{"backend": {"serviceName": "legacy", "servicePort": 80}}]}},
			],
		},
	}
	v := ingress_tls_missing.violation with input as inp
	v == {{"msg": "host \"legacy.example.com\" is not covered by any spec.tls hosts entry", "path": ["spec", "rules", 1, "host"]}}
}

test_other_kinds_are_ignored if {
	count(ingress_tls_missing.violation) == 0 with input as {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}, "spec": {"rules": [{"host": "a.example.com"}]}}
}

test_nginx_mergeable_minion_is_left_to_its_master if {
	inp := object.union(ingress(["cafe.example.com"], null), {"metadata": {"name": "coffee", "annotations": {"nginx.org/mergeable-ingress-type": "minion"}}})
	count(ingress_tls_missing.violation) == 0 with input as inp
}

test_nginx_mergeable_master_is_checked if {
	inp := object.union(ingress(["cafe.example.com"], null), {"metadata": {"name": "cafe", "annotations": {"nginx.org/mergeable-ingress-type": "master"}}})
	count(ingress_tls_missing.violation) == 1 with input as inp
}
