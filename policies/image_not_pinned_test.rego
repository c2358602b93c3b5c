package seaworthy.policy.image_not_pinned_test

import data.seaworthy.policy.image_not_pinned
import rego.v1

digest := "sha256:3f1c2b7a9d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8"

deployment(containers) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "web"},
	"spec": {"template": {"spec": {"containers": containers}}},
}

deployment_of(img) := deployment([{"name": "app", "image": img}])

test_digest_passes if {
	count(image_not_pinned.violation) == 0 with input as deployment_of(concat("@", ["registry.example.com/api", digest]))
}

test_tag_and_digest_passes if {
	count(image_not_pinned.violation) == 0 with input as deployment_of(concat("@", ["registry.example.com/api:1.4.2", digest]))
}

test_registry_port_tag_and_digest_passes if {
	count(image_not_pinned.violation) == 0 with input as deployment_of(concat("@", ["registry.example.com:5000/team/api:1.4.2", digest]))
}

test_tag_only_fails_at_the_image_path if {
	v := image_not_pinned.violation with input as deployment_of("registry.example.com/api:1.4.2")
	v == {{
		"msg": "container \"app\" image \"registry.example.com/api:1.4.2\" is not pinned by a sha256 digest",
		"path": ["spec", "template", "spec", "containers", 0, "image"],
	}}
}

test_registry_port_without_digest_fails if {
	count(image_not_pinned.violation) == 1 with input as deployment_of("registry.example.com:5000/api:1.4.2")
}

test_bare_name_fails if {
	count(image_not_pinned.violation) == 1 with input as deployment_of("nginx")
}

test_registered_algorithms_with_their_length_pass if {
	sha512 := concat("", ["sha512:", digest_hex, digest_hex])
	count(image_not_pinned.violation) == 0 with input as deployment_of(concat("@", ["registry.example.com/api", sha512]))
	blake3 := concat("", ["blake3:", digest_hex])
	count(image_not_pinned.violation) == 0 with input as deployment_of(concat("@", ["registry.example.com/api", blake3]))
}

digest_hex := substring(digest, 7, -1)

test_truncated_digest_is_not_pinned_and_says_why if {
	v := image_not_pinned.violation with input as deployment_of("registry.example.com/api@sha256:abc")
	v == {{
		"msg": "container \"app\" image \"registry.example.com/api@sha256:abc\" is not pinned: \"sha256:abc\" is not a valid digest (a sha256 digest is 64 lowercase hex digits; this one has 3)",
		"path": ["spec", "template", "spec", "containers", 0, "image"],
	}}
}

test_short_sha512_is_not_pinned if {
	v := image_not_pinned.violation with input as deployment_of(concat("@", ["registry.example.com/api", digest_hex_as("sha512")]))
	contains([x | some x in v][0].msg, "a sha512 digest is 128 lowercase hex digits; this one has 64")
}

digest_hex_as(algorithm) := concat(":", [algorithm, digest_hex])

test_upper_case_hex_is_not_pinned if {
	v := image_not_pinned.violation with input as deployment_of(concat("@", ["registry.example.com/api", concat(":", ["sha256", upper(digest_hex)])]))
	contains([x | some x in v][0].msg, "this one has other characters")
}

test_unregistered_algorithm_is_not_pinned if {
	v := image_not_pinned.violation with input as deployment_of(concat("@", ["registry.example.com/api", digest_hex_as("md5")]))
	contains([x | some x in v][0].msg, "\"md5\" is not a digest algorithm the OCI image spec registers")
}

test_text_that_is_no_digest_is_not_pinned if {
	v := image_not_pinned.violation with input as deployment_of("registry.example.com/api@latest")
	contains([x | some x in v][0].msg, "it is not of the form algorithm:encoded")
	w := image_not_pinned.violation with input as deployment_of("registry.example.com/api@sha256:ab!cd")
	count(w) == 1
	contains([x | some x in w][0].msg, "it is not of the form algorithm:encoded")
}

test_missing_image_is_reported if {
	v := image_not_pinned.violation with input as deployment([{"name": "app"}])
	v == {{
		"msg": "container \"app\" has no image",
		"path": ["spec", "template", "spec", "containers", 0, "image"],
	}}
}

test_blank_or_non_string_image_is_reported_as_missing if {
	v := image_not_pinned.violation with input as deployment_of(" ")
	[x | some x in v][0].msg == "container \"app\" has no image"
	w := image_not_pinned.violation with input as deployment_of(null)
	[x | some x in w][0].msg == "container \"app\" has no image"
}

test_init_and_ephemeral_containers_are_checked if {
	inp := {
		"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
		"spec": {
			"initContainers": [{"name": "setup", "image": "registry.example.com/setup:2.0"}],
			"ephemeralContainers": [{"name": "debug", "image": "registry.example.com/toolbox"}],
			"containers": [{"name": "app", "image": concat("@", ["registry.example.com/api", digest])}],
		},
	}
	v := image_not_pinned.violation with input as inp
	{x.path | some x in v} == {["spec", "initContainers", 0, "image"], ["spec", "ephemeralContainers", 0, "image"]}
}

test_cronjob_template_is_found if {
	inp := {
		"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "run", "image": "registry.example.com/run:1"}]}}}}},
	}
	v := image_not_pinned.violation with input as inp
	[x | some x in v][0].path == ["spec", "jobTemplate", "spec", "template", "spec", "containers", 0, "image"]
}

test_non_workload_is_ignored if {
	count(image_not_pinned.violation) == 0 with input as {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"image": "nginx"}}
}
