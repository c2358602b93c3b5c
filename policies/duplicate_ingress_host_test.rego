package seaworthy.policy.duplicate_ingress_host_test

import data.seaworthy.policy.duplicate_ingress_host
import rego.v1

ingress(ns, name, host, path) := {
	"apiVersion": "networking.k8s.io/v1",
	"kind": "Ingress",
	"metadata": {"name": name, "namespace": ns},
	"spec": {"rules": [{"host": host, "http": {"paths": [{"path": path, "pathType": "Prefix", "backend": {"service": {"name": "s", "port": {"number": 80}}}}]}}]},
}

test_same_host_and_path_in_two_namespaces_is_reported_on_both if {
	objects := [ingress("a", "shop", "shop.example.com", "/"), ingress("b", "shop-v2", "shop.example.com", "/")]
	v := duplicate_ingress_host.violation with input as {"objects": objects}
	count(v) == 2
	{x.object | some x in v} == {0, 1}
	some x in v
	x.object == 0
	x.related == [{"object": 1, "path": ["spec", "rules", 0, "host"]}]
	x.msg == "host \"shop.example.com\" path \"/\" is also claimed by Ingress b/shop-v2"
}

test_different_paths_on_one_host_are_a_normal_split if {
	objects := [ingress("a", "web", "shop.example.com", "/"), ingress("a", "api", "shop.example.com", "/api")]
	count(duplicate_ingress_host.violation) == 0 with input as {"objects": objects}
}

test_wildcard_overlaps_one_label_deep if {
	objects := [ingress("a", "wild", "*.shop.example.com", "/"), ingress("b", "api", "api.shop.example.com", "/")]
	count(duplicate_ingress_host.violation) == 2 with input as {"objects": objects}
}

test_wildcard_does_not_cover_two_labels_deep if {
	objects := [ingress("a", "wild", "*.shop.example.com", "/"), ingress("b", "deep", "v1.api.shop.example.com", "/")]
	count(duplicate_ingress_host.violation) == 0 with input as {"objects": objects}
}

test_the_same_ingress_in_two_files_is_one_claimant if {
	objects := [ingress("a", "shop", "shop.example.com", "/"), ingress("a", "shop", "shop.example.com", "/")]
	count(duplicate_ingress_host.violation) == 0 with input as {"objects": objects}
}

test_hosts_compare_without_case_and_trailing_dot if {
	objects := [ingress("a", "one", "Shop.Example.com.", "/"), ingress("a", "two", "shop.example.com", "/")]
	count(duplicate_ingress_host.violation) == 2 with input as {"objects": objects}
}

test_legacy_ingress_shape_and_missing_paths if {
	legacy := {
		"apiVersion": "extensions/v1beta1", "kind": "Ingress",
		"metadata": {"name": "old"},
		"spec": {"rules": [{"host": "shop.example.com", "http": {"paths": [{"backend": {"serviceName": "s", "servicePort": 80}}]}}]},
	}
	objects := [legacy, ingress("", "new", "shop.example.com", "/")]
	count(duplicate_ingress_host.violation) == 2 with input as {"objects": objects}
}

test_other_kinds_are_ignored if {
	objects := [{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "x"}}, ingress("a", "one", "shop.example.com", "/")]
	count(duplicate_ingress_host.violation) == 0 with input as {"objects": objects}
}
