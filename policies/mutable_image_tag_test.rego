package seaworthy.policy.mutable_image_tag_test

import data.seaworthy.policy.mutable_image_tag
import rego.v1

digest := "sha256:3f1c2b7a9d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8"

deployment(containers) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "web"},
	"spec": {"template": {"spec": {"containers": containers}}},
}

deployment_of(img) := deployment([{"name": "app", "image": img}])

test_versioned_tag_passes if {
	count(mutable_image_tag.violation) == 0 with input as deployment_of("registry.example.com/api:1.4.2")
}

test_registry_port_with_tag_passes if {
	count(mutable_image_tag.violation) == 0 with input as deployment_of("registry.example.com:5000/team/api:1.4.2")
}

test_digest_without_tag_passes if {
	count(mutable_image_tag.violation) == 0 with input as deployment_of(concat("@", ["registry.example.com/api", digest]))
}

test_latest_with_digest_passes_because_the_digest_wins if {
	count(mutable_image_tag.violation) == 0 with input as deployment_of(concat("@", ["registry.example.com/api:latest", digest]))
}

test_latest_fails_at_the_image_path if {
	v := mutable_image_tag.violation with input as deployment_of("registry.example.com/api:latest")
	v == {{
		"msg": "container \"app\" image \"registry.example.com/api:latest\" uses the mutable tag \"latest\"",
		"path": ["spec", "template", "spec", "containers", 0, "image"],
	}}
}

test_bare_name_has_no_tag if {
	v := mutable_image_tag.violation with input as deployment_of("nginx")
	v == {{
		"msg": "container \"app\" image \"nginx\" has no tag (resolves to :latest)",
		"path": ["spec", "template", "spec", "containers", 0, "image"],
	}}
}

test_registry_port_is_not_a_tag if {
	v := mutable_image_tag.violation with input as deployment_of("registry.example.com:5000/app")
	[x | some x in v][0].msg == "container \"app\" image \"registry.example.com:5000/app\" has no tag (resolves to :latest)"
	count(v) == 1
}

test_registry_port_with_latest_fails if {
	count(mutable_image_tag.violation) == 1 with input as deployment_of("registry.example.com:5000/app:latest")
}

test_trailing_colon_is_no_tag if {
	count(mutable_image_tag.violation) == 1 with input as deployment_of("registry.example.com/app:")
}

test_tag_containing_latest_passes if {
	count(mutable_image_tag.violation) == 0 with input as deployment_of("registry.example.com/app:latest-2024.05")
}

test_missing_image_is_left_to_other_rules if {
	count(mutable_image_tag.violation) == 0 with input as deployment([{"name": "app"}])
}

test_init_container_message_names_the_role if {
	inp := {
		"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
		"spec": {
			"initContainers": [{"name": "setup", "image": "nginx"}],
			"containers": [{"name": "app", "image": "registry.example.com/api:1.4.2"}],
		},
	}
	v := mutable_image_tag.violation with input as inp
	v == {{
		"msg": "init container \"setup\" image \"nginx\" has no tag (resolves to :latest)",
		"path": ["spec", "initContainers", 0, "image"],
	}}
}

test_ephemeral_container_is_checked if {
	inp := {
		"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
		"spec": {
			"ephemeralContainers": [{"name": "debug", "image": "registry.example.com/toolbox:latest"}],
			"containers": [{"name": "app", "image": "registry.example.com/api:1.4.2"}],
		},
	}
	v := mutable_image_tag.violation with input as inp
	[x | some x in v][0].path == ["spec", "ephemeralContainers", 0, "image"]
}

test_replication_controller_is_checked if {
	inp := {
		"apiVersion": "v1", "kind": "ReplicationController", "metadata": {"name": "rc"},
		"spec": {"template": {"spec": {"containers": [{"name": "app", "image": "registry.example.com/legacy"}]}}},
	}
	count(mutable_image_tag.violation) == 1 with input as inp
}

test_non_workload_is_ignored if {
	count(mutable_image_tag.violation) == 0 with input as {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}, "data": {"image": "nginx"}}
}

# Without params the rule uses its documented default list.
test_default_tags_without_params if {
	mutable_image_tag.tags == [
		"latest", "stable", "edge", "main", "master", "nightly", "dev", "develop", "head", "canary",
		"beta", "next", "unstable", "testing", "mainline", "lts", "current", "alpine", "slim",
	]
	every tag in mutable_image_tag.tags {
		count(mutable_image_tag.violation) == 1 with input as deployment_of(concat(":", ["registry.example.com/api", tag]))
	}
}

test_other_moving_tags_fail_and_name_the_tag if {
	v := mutable_image_tag.violation with input as deployment_of("nginx:stable")
	v == {{
		"msg": "container \"app\" image \"nginx:stable\" uses the mutable tag \"stable\"",
		"path": ["spec", "template", "spec", "containers", 0, "image"],
	}}
}

test_tags_made_only_of_moving_words_fail if {
	count(mutable_image_tag.violation) == 1 with input as deployment_of("nginx:stable-alpine")
	count(mutable_image_tag.violation) == 1 with input as deployment_of("node:lts-slim")
	count(mutable_image_tag.violation) == 1 with input as deployment_of("registry.example.com/app:main_latest")
	count(mutable_image_tag.violation) == 1 with input as deployment_of("registry.example.com/app:Latest")
}

test_versioned_variant_tags_pass if {
	count(mutable_image_tag.violation) == 0 with input as deployment_of("nginx:1.27.3-alpine")
	count(mutable_image_tag.violation) == 0 with input as deployment_of("python:3.12-slim")
	count(mutable_image_tag.violation) == 0 with input as deployment_of("debian:bookworm")
	count(mutable_image_tag.violation) == 0 with input as deployment_of("registry.example.com/app:nightly-2024.06.01")
}

test_configured_tags_replace_the_default if {
	params := {"tags": ["snapshot", "Edge"]}
	count(mutable_image_tag.violation) == 1 with input as deployment_of("registry.example.com/app:snapshot")
		with data.seaworthy.params.mutable_image_tag as params
	count(mutable_image_tag.violation) == 1 with input as deployment_of("alpine:edge")
		with data.seaworthy.params.mutable_image_tag as params
	count(mutable_image_tag.violation) == 0 with input as deployment_of("registry.example.com/app:latest")
		with data.seaworthy.params.mutable_image_tag as params
}

test_no_tag_is_reported_only_while_latest_is_listed if {
	count(mutable_image_tag.violation) == 0 with input as deployment_of("nginx")
		with data.seaworthy.params.mutable_image_tag as {"tags": ["stable"]}
	count(mutable_image_tag.violation) == 1 with input as deployment_of("nginx")
		with data.seaworthy.params.mutable_image_tag as {"tags": ["stable", "latest"]}
}

test_an_invalid_digest_does_not_pin_the_tag if {
	count(mutable_image_tag.violation) == 1 with input as deployment_of("registry.example.com/api:latest@sha256:abc")
	count(mutable_image_tag.violation) == 0 with input as deployment_of(concat("@", ["registry.example.com/api:stable", digest]))
}
