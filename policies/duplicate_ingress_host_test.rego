package seaworthy.policy.duplicate_ingress_host_test

import data.seaworthy.policy.duplicate_ingress_host
import rego.v1

backend := {"service": {"name": "s", "port": {"number": 80}}}

path_entry(type, path) := {"path": path, "pathType": type, "backend": backend}

# An Ingress of one rule with one path; `class` "" sets none.
ingress(ns, name, class, host, type, path) := object.union(
	{
		"apiVersion": "networking.k8s.io/v1",
		"kind": "Ingress",
		"metadata": {"name": name, "namespace": ns},
		"spec": {"rules": [{"host": host, "http": {"paths": [path_entry(type, path)]}}]},
	},
	class_field(class),
)

class_field("") := {}

class_field(class) := {"spec": {"ingressClassName": class}} if class != ""

route(ns, name, host, path) := ingress(ns, name, "nginx", host, "Prefix", path)

conflicts(objects) := n if {
	n := count(duplicate_ingress_host.violation) with input as {"objects": objects}
}

test_same_host_and_path_in_two_namespaces_is_reported_on_both if {
	objects := [route("a", "shop", "shop.example.com", "/"), route("b", "shop-v2", "shop.example.com", "/")]
	v := duplicate_ingress_host.violation with input as {"objects": objects, "files": ["a.yaml", "b.yaml"]}
	count(v) == 2
	{x.object | some x in v} == {0, 1}
	some x in v
	x.object == 0
	x.path == ["spec", "rules", 0, "http", "paths", 0, "path"]
	x.related == [{"object": 1, "path": ["spec", "rules", 0, "http", "paths", 0, "path"]}]
	x.msg == "host \"shop.example.com\" path \"/\" (Prefix) is also claimed by another Ingress of class \"nginx\": b/shop-v2 (b.yaml)"
}

test_every_other_claimant_is_named if {
	objects := [route("a", "one", "shop.example.com", "/"), route("b", "two", "shop.example.com", "/"), route("c", "three", "shop.example.com", "/")]
	v := duplicate_ingress_host.violation with input as {"objects": objects, "files": ["1.yaml", "2.yaml", "3.yaml"]}
	some x in v
	x.object == 0
	x.msg == "host \"shop.example.com\" path \"/\" (Prefix) is also claimed by 2 other Ingresses of class \"nginx\": b/two (2.yaml); c/three (3.yaml)"
}

test_without_files_the_message_names_the_ingress_only if {
	objects := [route("a", "shop", "shop.example.com", "/"), route("b", "shop-v2", "shop.example.com", "/")]
	v := duplicate_ingress_host.violation with input as {"objects": objects}
	some x in v
	x.object == 1
	x.msg == "host \"shop.example.com\" path \"/\" (Prefix) is also claimed by another Ingress of class \"nginx\": a/shop"
}

test_different_classes_do_not_conflict if {
	conflicts([ingress("a", "web", "nginx", "shop.example.com", "Prefix", "/"), ingress("a", "web-internal", "internal", "shop.example.com", "Prefix", "/")]) == 0
}

test_legacy_class_annotation_is_a_class if {
	legacy := object.union(ingress("a", "old", "", "shop.example.com", "Prefix", "/"), {"metadata": {"annotations": {"kubernetes.io/ingress.class": "nginx"}}})
	conflicts([legacy, route("b", "new", "shop.example.com", "/")]) == 2
	conflicts([legacy, ingress("b", "other", "traefik", "shop.example.com", "Prefix", "/")]) == 0
}

test_no_class_is_the_default_class if {
	v := duplicate_ingress_host.violation with input as {"objects": [
		ingress("a", "one", "", "shop.example.com", "Prefix", "/"),
		ingress("b", "two", "", "shop.example.com", "Prefix", "/"),
	]}
	some x in v
	x.object == 0
	x.msg == "host \"shop.example.com\" path \"/\" (Prefix) is also claimed by another Ingress of the default class: b/two"

	# Without an IngressClass marked as the default, a named class is another one.
	conflicts([ingress("a", "one", "", "shop.example.com", "Prefix", "/"), route("b", "two", "shop.example.com", "/")]) == 0
}

ingress_class(name, is_default) := {
	"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
	"metadata": {"name": name, "annotations": {"ingressclass.kubernetes.io/is-default-class": is_default}},
	"spec": {"controller": "k8s.io/ingress-nginx"},
}

test_the_default_ingress_class_serves_ingresses_without_one if {
	objects := [ingress_class("nginx", "true"), ingress("a", "one", "", "shop.example.com", "Prefix", "/"), route("b", "two", "shop.example.com", "/")]
	v := duplicate_ingress_host.violation with input as {"objects": objects}
	{x.object | some x in v} == {1, 2}
	some x in v
	x.object == 1
	x.msg == "host \"shop.example.com\" path \"/\" (Prefix) is also claimed by another Ingress of class \"nginx\": b/two"

	# Not marked as the default, or two marked: no class is known.
	conflicts([ingress_class("nginx", "false"), ingress("a", "one", "", "shop.example.com", "Prefix", "/"), route("b", "two", "shop.example.com", "/")]) == 0
	two_defaults := [ingress_class("nginx", "true"), ingress_class("traefik", "true")]
	conflicts(array.concat(two_defaults, [ingress("a", "one", "", "shop.example.com", "Prefix", "/"), route("b", "two", "shop.example.com", "/")])) == 0
}

test_classes_with_a_load_balancer_per_ingress_never_meet if {
	conflicts([ingress("a", "one", "gce", "shop.example.com", "Prefix", "/"), ingress("b", "two", "gce", "shop.example.com", "Prefix", "/")]) == 0
	conflicts([default_backend_only("a", "one", "gce-internal", "defaultBackend"), default_backend_only("b", "two", "gce-internal", "defaultBackend")]) == 0
	legacy_gce := object.union(default_backend_only("a", "one", "", "defaultBackend"), {"metadata": {"annotations": {"kubernetes.io/ingress.class": "gce"}}})
	conflicts([legacy_gce, object.union(legacy_gce, {"metadata": {"name": "two"}})]) == 0
	conflicts([ingress("a", "one", "alb", "shop.example.com", "Prefix", "/"), ingress("b", "two", "alb", "shop.example.com", "Prefix", "/")]) == 0
}

grouped(ing, group) := object.union(ing, {"metadata": {"annotations": {"alb.ingress.kubernetes.io/group.name": group}}})

test_an_ingress_without_class_written_for_gke_has_its_own_load_balancer if {
	static_ip := object.union(default_backend_only("a", "one", "", "defaultBackend"), {"metadata": {"annotations": {"kubernetes.io/ingress.global-static-ip-name": "web-ip"}}})
	plain := default_backend_only("b", "two", "", "defaultBackend")
	conflicts([static_ip, plain]) == 0
	certs := object.union(plain, {"metadata": {"annotations": {"networking.gke.io/managed-certificates": "web"}}})
	conflicts([certs, object.union(certs, {"metadata": {"name": "three"}})]) == 0

	# Other annotations say nothing about the controller; a class wins over them.
	other := object.union(plain, {"metadata": {"name": "three", "annotations": {"example.com/team": "web"}}})
	conflicts([plain, other]) == 2
	nginx := object.union(static_ip, {"spec": {"ingressClassName": "nginx"}})
	conflicts([nginx, object.union(nginx, {"metadata": {"name": "four"}})]) == 2
}

test_alb_ingresses_of_one_group_share_a_load_balancer if {
	one := grouped(ingress("a", "one", "alb", "shop.example.com", "Prefix", "/"), "shop")
	two := grouped(ingress("b", "two", "alb", "shop.example.com", "Prefix", "/"), "shop")
	v := duplicate_ingress_host.violation with input as {"objects": [one, two]}
	some x in v
	x.object == 0
	x.msg == "host \"shop.example.com\" path \"/\" (Prefix) is also claimed by another Ingress of class \"alb\": b/two"
	conflicts([one, grouped(two, "other")]) == 0
}

test_different_paths_on_one_host_are_a_normal_split if {
	conflicts([route("a", "web", "shop.example.com", "/"), route("a", "api", "shop.example.com", "/api")]) == 0
	conflicts([route("a", "api", "shop.example.com", "/api"), route("a", "api-v1", "shop.example.com", "/api/v1")]) == 0
}

test_prefix_paths_compare_by_elements if {
	conflicts([route("a", "one", "shop.example.com", "/api"), route("b", "two", "shop.example.com", "/api/")]) == 2
	conflicts([route("a", "one", "shop.example.com", "/api"), route("b", "two", "shop.example.com", "/apiv2")]) == 0
	conflicts([route("a", "one", "shop.example.com", "/API"), route("b", "two", "shop.example.com", "/api")]) == 0
}

test_exact_beats_prefix_for_its_path if {
	exact := ingress("a", "health", "nginx", "shop.example.com", "Exact", "/api")
	conflicts([exact, route("b", "api", "shop.example.com", "/api")]) == 0
	conflicts([exact, ingress("b", "health-2", "nginx", "shop.example.com", "Exact", "/api")]) == 2

	# Exact paths match as written: a trailing slash is another path.
	conflicts([exact, ingress("b", "health-2", "nginx", "shop.example.com", "Exact", "/api/")]) == 0
}

test_implementation_specific_and_missing_path_type_are_prefix if {
	conflicts([ingress("a", "one", "nginx", "shop.example.com", "ImplementationSpecific", "/api"), route("b", "two", "shop.example.com", "/api/")]) == 2
	legacy := {
		"apiVersion": "extensions/v1beta1", "kind": "Ingress",
		"metadata": {"name": "old", "namespace": "b", "annotations": {"kubernetes.io/ingress.class": "nginx"}},
		"spec": {"rules": [{"host": "shop.example.com", "http": {"paths": [{"backend": {"serviceName": "s", "servicePort": 80}}]}}]},
	}
	v := duplicate_ingress_host.violation with input as {"objects": [legacy, route("a", "new", "shop.example.com", "/")]}
	some x in v
	x.object == 0
	x.msg == "host \"shop.example.com\" path \"/\" (no pathType) is also claimed by another Ingress of class \"nginx\": a/new"
	conflicts([legacy, ingress("a", "exact", "nginx", "shop.example.com", "Exact", "/")]) == 0
}

test_an_exact_host_wins_over_a_wildcard if {
	conflicts([route("a", "wild", "*.example.com", "/"), route("b", "api", "api.example.com", "/")]) == 0
}

test_identical_wildcards_conflict if {
	conflicts([route("a", "wild", "*.example.com", "/"), route("b", "wild-2", "*.Example.com", "/")]) == 2
}

test_hosts_compare_without_case_and_trailing_dot if {
	conflicts([route("a", "one", "Shop.Example.com.", "/"), route("a", "two", "shop.example.com", "/")]) == 2
}

test_a_rule_without_host_meets_only_rules_without_host if {
	conflicts([route("a", "catch-all", "", "/"), route("b", "shop", "shop.example.com", "/")]) == 0
	conflicts([route("a", "catch-all", "", "/"), route("b", "star", "*", "/")]) == 2
	v := duplicate_ingress_host.violation with input as {"objects": [route("a", "one", "", "/"), route("b", "two", "", "/")]}
	some x in v
	x.object == 0
	x.msg == "path \"/\" (Prefix) without a host is also claimed by another Ingress of class \"nginx\": b/two"
}

default_backend_only(ns, name, class, field) := {
	"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
	"metadata": {"name": name, "namespace": ns},
	"spec": object.union({field: backend}, {"ingressClassName": class}),
}

test_a_default_backend_without_rules_takes_unmatched_requests if {
	fallback := default_backend_only("a", "fallback", "nginx", "defaultBackend")
	v := duplicate_ingress_host.violation with input as {"objects": [fallback, route("b", "catch-all", "", "/")], "files": ["f.yaml", "c.yaml"]}
	v == {
		{
			"msg": "every request no rule matches (spec.defaultBackend) is also claimed by another Ingress of class \"nginx\": b/catch-all (c.yaml)",
			"path": ["spec", "defaultBackend"], "object": 0,
			"related": [{"object": 1, "path": ["spec", "rules", 0, "http", "paths", 0, "path"]}],
		},
		{
			"msg": "path \"/\" (Prefix) without a host is also claimed by another Ingress of class \"nginx\": a/fallback (f.yaml, spec.defaultBackend)",
			"path": ["spec", "rules", 0, "http", "paths", 0, "path"], "object": 1,
			"related": [{"object": 0, "path": ["spec", "defaultBackend"]}],
		},
	}

	# Two default backends in one class, one in the v1beta1 shape.
	conflicts([fallback, default_backend_only("b", "legacy", "nginx", "backend")]) == 2
	both := object.union(fallback, {"spec": {"backend": backend}})
	conflicts([both, default_backend_only("b", "legacy", "nginx", "backend")]) == 2

	# Another class, or a hostless rule on a narrower path: no conflict.
	conflicts([fallback, default_backend_only("b", "other", "traefik", "defaultBackend")]) == 0
	conflicts([fallback, route("b", "api", "", "/api")]) == 0
	conflicts([fallback, route("b", "shop", "shop.example.com", "/")]) == 0
}

test_a_default_backend_beside_rules_serves_only_their_hosts if {
	mixed := object.union(route("a", "shop", "shop.example.com", "/api"), {"spec": {"defaultBackend": backend}})
	conflicts([mixed, default_backend_only("b", "fallback", "nginx", "defaultBackend")]) == 0
}

test_a_rule_without_paths_routes_its_host_to_the_default_backend if {
	host_only := {
		"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
		"metadata": {"name": "whole", "namespace": "a"},
		"spec": {"ingressClassName": "nginx", "defaultBackend": backend, "rules": [{"host": "shop.example.com"}]},
	}
	v := duplicate_ingress_host.violation with input as {"objects": [host_only, route("b", "shop", "shop.example.com", "/")]}
	some x in v
	x.object == 0
	x.path == ["spec", "rules", 0, "host"]
	x.msg == "host \"shop.example.com\" with no paths (every path goes to spec.defaultBackend) is also claimed by another Ingress of class \"nginx\": b/shop"
	conflicts([host_only, route("b", "api", "shop.example.com", "/api")]) == 0

	# Without a default backend, such a rule routes nothing.
	bare := object.union(host_only, {"spec": {"defaultBackend": null}})
	conflicts([bare, route("b", "shop", "shop.example.com", "/")]) == 0
}

test_the_same_ingress_in_two_files_is_one_claimant if {
	conflicts([route("a", "shop", "shop.example.com", "/"), route("a", "shop", "shop.example.com", "/")]) == 0
}

test_an_ingress_without_namespace_is_in_the_default_namespace if {
	conflicts([route("", "shop", "shop.example.com", "/"), route("default", "shop", "shop.example.com", "/")]) == 0
	conflicts([route("", "shop", "shop.example.com", "/"), route("web", "shop", "shop.example.com", "/")]) == 2
	v := duplicate_ingress_host.violation with input as {"objects": [route("", "shop", "shop.example.com", "/"), route("web", "shop", "shop.example.com", "/")]}
	some x in v
	x.object == 1
	x.msg == "host \"shop.example.com\" path \"/\" (Prefix) is also claimed by another Ingress of class \"nginx\": default/shop"
}

test_the_namespace_flag_is_where_ingresses_without_one_go if {
	objects := [route("", "shop", "shop.example.com", "/"), route("web", "shop", "shop.example.com", "/")]
	count(duplicate_ingress_host.violation) == 0 with input as {"objects": objects} with data.seaworthy.namespace as "web"
}

test_a_canary_shares_its_main_route if {
	canary := object.union(route("a", "shop-canary", "shop.example.com", "/"), {"metadata": {"annotations": {"nginx.ingress.kubernetes.io/canary": "true", "nginx.ingress.kubernetes.io/canary-weight": "10"}}})
	conflicts([route("a", "shop", "shop.example.com", "/"), canary]) == 0
	not_canary := object.union(canary, {"metadata": {"annotations": {"nginx.ingress.kubernetes.io/canary": "false"}}})
	conflicts([route("a", "shop", "shop.example.com", "/"), not_canary]) == 2
}

test_other_kinds_and_malformed_rules_are_ignored if {
	service := {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "x"}}
	conflicts([service, route("a", "one", "shop.example.com", "/")]) == 0
	odd := {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "odd"}, "spec": {"rules": ["x", {"host": 7, "http": {"paths": [1, null]}}]}}
	conflicts([odd, object.union(odd, {"metadata": {"name": "odd-2"}})]) == 0
}
