package seaworthy.policy.untrusted_registry_test

import data.seaworthy.lib.k8s
import data.seaworthy.policy.untrusted_registry
import rego.v1

pod(images) := {
	"apiVersion": "v1",
	"kind": "Pod",
	"metadata": {"name": "p"},
	"spec": {"containers": [{"name": sprintf("c%d", [i]), "image": img} | some i, img in images]},
}

internal := {"registries": ["registry.example.com/"]}

# The images of `images` that the rule reports with the given params.
flagged(images, params) := {images[x.path[2]] | some x in v} if {
	v := untrusted_registry.violation with input as pod(images)
		with data.seaworthy.params.untrusted_registry as params
}

test_silent_without_params if {
	count(untrusted_registry.violation) == 0 with input as pod(["nginx:1.25", "quay.io/org/app:1.0"])
}

test_silent_with_an_empty_list if {
	count(untrusted_registry.violation) == 0 with input as pod(["nginx:1.25"])
		with data.seaworthy.params.untrusted_registry as {"registries": []}
	count(untrusted_registry.violation) == 0 with input as pod(["nginx:1.25"])
		with data.seaworthy.params.untrusted_registry as {}
}

test_trusted_prefix_passes if {
	count(untrusted_registry.violation) == 0 with input as pod([
		"registry.example.com/shop/api:2.0.0",
		"registry.example.com/shop/api@sha256:9f2c4c9f6f3b6e0b5d8f3a1c2e4d6b8a0c1e3f5a7b9d1f3e5a7c9b1d3f5e7a9c",
	])
		with data.seaworthy.params.untrusted_registry as internal
}

test_other_registry_fails_at_the_image if {
	v := untrusted_registry.violation with input as pod(["quay.io/acme/app:1.0"])
		with data.seaworthy.params.untrusted_registry as internal
	v == {{
		"msg": "container \"c0\" image \"quay.io/acme/app:1.0\" is not from a trusted registry (trusted: registry.example.com/)",
		"path": ["spec", "containers", 0, "image"],
	}}
}

test_docker_hub_image_message_shows_the_full_name if {
	v := untrusted_registry.violation with input as pod(["nginx:1.25"])
		with data.seaworthy.params.untrusted_registry as {"registries": ["registry.example.com/", "ghcr.io/acme/"]}
	v == {{
		"msg": "container \"c0\" image \"nginx:1.25\" (docker.io/library/nginx:1.25) is not from a trusted registry (trusted: ghcr.io/acme/, registry.example.com/)",
		"path": ["spec", "containers", 0, "image"],
	}}
}

test_docker_io_prefix_allows_images_without_a_registry if {
	count(untrusted_registry.violation) == 0 with input as pod(["nginx", "nginx:1.25", "bitnami/redis:7.2", "docker.io/library/nginx", "index.docker.io/nginx"])
		with data.seaworthy.params.untrusted_registry as {"registries": ["docker.io/"]}
}

test_docker_io_library_allows_only_official_images if {
	f := flagged(["nginx:1.25", "bitnami/redis:7.2", "docker.io/nginx"], {"registries": ["docker.io/library/"]})
	f == {"bitnami/redis:7.2"}
}

test_a_prefix_without_slash_matches_whole_segments if {
	f := flagged(
		[
			"registry.example.com/shop/api:1.0",
			"registry.example.com.attacker.net/shop/api:1.0",
			"registry.example.com/team-a:1.0",
			"registry.example.com/team-ab/api:1.0",
		],
		{"registries": ["registry.example.com"]},
	)
	f == {"registry.example.com.attacker.net/shop/api:1.0"}
	g := flagged(
		["registry.example.com/team-a/api:1.0", "registry.example.com/team-ab/api:1.0"],
		{"registries": ["registry.example.com/team-a"]},
	)
	g == {"registry.example.com/team-ab/api:1.0"}
}

test_a_bare_name_prefix_matches_docker_hub_images_as_written if {
	f := flagged(["nginx:1.25", "nginx-unprivileged:1.25"], {"registries": ["nginx"]})
	f == {"nginx-unprivileged:1.25"}
}

test_comparison_ignores_case_and_a_single_string_is_accepted if {
	count(untrusted_registry.violation) == 0 with input as pod(["Registry.Example.com/shop/api:1.0"])
		with data.seaworthy.params.untrusted_registry as {"registries": " REGISTRY.example.com/ "}
}

test_localhost_and_ports_are_registries if {
	f := flagged(["localhost/app:1", "localhost:5000/app:1", "registry.example.com:5000/app:1"], {"registries": ["localhost:5000/", "registry.example.com:5000/"]})
	f == {"localhost/app:1"}
}

test_every_role_is_checked_and_containers_without_image_are_skipped if {
	inp := {
		"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
		"spec": {"template": {"spec": {
			"initContainers": [{"name": "init", "image": "busybox:1.36"}],
			"ephemeralContainers": [{"image": "nicolaka/netshoot"}],
			"containers": [{"name": "noimage"}, {"name": "blank", "image": " "}, {"name": "ok", "image": "registry.example.com/a:1"}],
		}}},
	}
	v := untrusted_registry.violation with input as inp
		with data.seaworthy.params.untrusted_registry as internal
	{x.path | some x in v} == {
		["spec", "template", "spec", "initContainers", 0, "image"],
		["spec", "template", "spec", "ephemeralContainers", 0, "image"],
	}
	some x in v
	x.msg == "ephemeral container \"#0\" image \"nicolaka/netshoot\" (docker.io/nicolaka/netshoot) is not from a trusted registry (trusted: registry.example.com/)"
}

test_image_full_name if {
	k8s.image_full_name("nginx") == "docker.io/library/nginx"
	k8s.image_full_name("nginx:1.25@sha256:abc") == "docker.io/library/nginx:1.25@sha256:abc"
	k8s.image_full_name("bitnami/redis:7") == "docker.io/bitnami/redis:7"
	k8s.image_full_name("docker.io/nginx") == "docker.io/library/nginx"
	k8s.image_full_name("index.docker.io/bitnami/redis") == "docker.io/bitnami/redis"
	k8s.image_full_name("quay.io/org/app") == "quay.io/org/app"
	k8s.image_full_name("localhost/app") == "localhost/app"
	k8s.image_registry("registry.example.com:5000/app:1") == "registry.example.com:5000"
	k8s.image_registry("library/nginx") == "docker.io"
}

test_non_workload_is_ignored if {
	count(untrusted_registry.violation) == 0 with input as {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"image": "nginx"}}
		with data.seaworthy.params.untrusted_registry as internal
}
