package seaworthy.policy.wildcard_ingress_host_test

import data.seaworthy.policy.wildcard_ingress_host
import rego.v1

v1_path := {"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {"number": 80}}}}

beta_path := {"path": "/", "backend": {"serviceName": "web", "servicePort": 80}}

ingress(spec) := {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "web"}, "spec": spec}

test_named_hosts_pass if {
	spec := {"rules": [
		{"host": "shop.example.com", "http": {"paths": [v1_path]}},
		{"host": "api.example.com", "http": {"paths": [v1_path]}},
	]}
	count(wildcard_ingress_host.violation) == 0 with input as ingress(spec)
}

test_subdomain_wildcard_fails_by_default if {
	spec := {"rules": [{"host": "shop.example.com", "http": {"paths": [v1_path]}}, {"host": "*.apps.example.com", "http": {"paths": [v1_path]}}]}
	v := wildcard_ingress_host.violation with input as ingress(spec)
	v == {{
		"msg": "spec.rules[1] has the wildcard host \"*.apps.example.com\": it receives the requests for every name one label below apps.example.com that no other Ingress names, including names other teams add later",
		"path": ["spec", "rules", 1, "host"],
	}}
}

wildcards(hosts) := ingress({"rules": [{"host": h, "http": {"paths": [v1_path]}} | some h in hosts]})

count_with(hosts, params) := n if {
	n := count(wildcard_ingress_host.violation) with input as wildcards(hosts)
		with data.seaworthy.params.wildcard_ingress_host as params
}

# The declared default, `allowed: []`, is what an unset parameter means.
test_the_default_allows_no_wildcard if {
	hosts := ["*.preview.example.com", "*.example.com"]
	count(wildcard_ingress_host.violation) == 2 with input as wildcards(hosts)
	count_with(hosts, {}) == 2
	count_with(hosts, {"allowed": []}) == 2
}

test_allowed_wildcards_pass if {
	count_with(["*.preview.example.com", "*.Tenants.Example.com."], {"allowed": ["*.preview.example.com", "tenants.example.com"]}) == 0
	count_with(["*.preview.example.com"], {"allowed": [".preview.example.com"]}) == 0
}

test_an_allowed_wildcard_allows_exactly_itself if {
	allowed := {"allowed": ["*.preview.example.com"]}
	count_with(["*.example.com"], allowed) == 1
	count_with(["*.pr-1.preview.example.com"], allowed) == 1
	count_with(["*.badpreview.example.com"], allowed) == 1
}

test_allowed_does_not_cover_catch_alls if {
	spec := {"rules": [{"http": {"paths": [v1_path]}}]}
	count(wildcard_ingress_host.violation) == 1 with input as ingress(spec)
		with data.seaworthy.params.wildcard_ingress_host as {"allowed": ["*", ""]}
}

test_rule_without_host_fails_at_host if {
	spec := {"rules": [{"host": "shop.example.com", "http": {"paths": [v1_path]}}, {"http": {"paths": [v1_path]}}]}
	v := wildcard_ingress_host.violation with input as ingress(spec)
	v == {{"msg": "spec.rules[1] has no host: it catches requests for every hostname", "path": ["spec", "rules", 1, "host"]}}
}

test_empty_and_star_hosts_fail if {
	spec := {"rules": [{"host": "", "http": {"paths": [v1_path]}}, {"host": "*", "http": {"paths": [v1_path]}}]}
	v := wildcard_ingress_host.violation with input as ingress(spec)
	v == {
		{"msg": "spec.rules[0] has an empty host: it catches requests for every hostname", "path": ["spec", "rules", 0, "host"]},
		{"msg": "spec.rules[1] has the host \"*\": it catches requests for every hostname", "path": ["spec", "rules", 1, "host"]},
	}
}

test_default_backend_without_rules_fails if {
	spec := {"defaultBackend": {"service": {"name": "web", "port": {"number": 80}}}}
	v := wildcard_ingress_host.violation with input as ingress(spec)
	v == {{"msg": "spec.defaultBackend with no rules catches requests for every hostname", "path": ["spec", "defaultBackend"]}}
}

test_v1beta1_backend_without_rules_fails if {
	inp := {
		"apiVersion": "extensions/v1beta1", "kind": "Ingress", "metadata": {"name": "old"},
		"spec": {"backend": {"serviceName": "web", "servicePort": 80}, "rules": []},
	}
	v := wildcard_ingress_host.violation with input as inp
	v == {{"msg": "spec.backend with no rules catches requests for every hostname", "path": ["spec", "backend"]}}
}

test_default_backend_with_host_rules_passes if {
	spec := {
		"defaultBackend": {"service": {"name": "fallback", "port": {"number": 80}}},
		"rules": [{"host": "shop.example.com", "http": {"paths": [v1_path]}}],
	}
	count(wildcard_ingress_host.violation) == 0 with input as ingress(spec)
}

test_v1beta1_rule_without_host_fails if {
	inp := {
		"apiVersion": "networking.k8s.io/v1beta1", "kind": "Ingress", "metadata": {"name": "old"},
		"spec": {"rules": [{"http": {"paths": [beta_path]}}]},
	}
	count(wildcard_ingress_host.violation) == 1 with input as inp
}

test_ingress_without_spec_is_quiet if {
	count(wildcard_ingress_host.violation) == 0 with input as {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "x"}}
}

test_other_kinds_are_ignored if {
	count(wildcard_ingress_host.violation) == 0 with input as {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}, "spec": {"rules": [{}]}}
}
