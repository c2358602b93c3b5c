package seaworthy.policy.privilege_escalation_allowed_test

import data.seaworthy.policy.privilege_escalation_allowed
import rego.v1

deployment(pod) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "web"},
	"spec": {"template": {"spec": pod}},
}

app(sc) := {"name": "app", "image": "registry.example.com/web:1.0.0", "securityContext": sc}

ape_path := ["spec", "template", "spec", "containers", 0, "securityContext", "allowPrivilegeEscalation"]

test_false_passes if {
	count(privilege_escalation_allowed.violation) == 0 with input as deployment({"containers": [app({"allowPrivilegeEscalation": false})]})
}

test_unset_fails_because_the_default_is_true if {
	v := privilege_escalation_allowed.violation with input as deployment({"containers": [{"name": "app"}]})
	v == {{
		"msg": "container \"app\" allows privilege escalation: allowPrivilegeEscalation is not set and defaults to true",
		"path": ape_path,
	}}
}

test_true_fails if {
	v := privilege_escalation_allowed.violation with input as deployment({"containers": [app({"allowPrivilegeEscalation": true})]})
	v == {{"msg": "container \"app\" allows privilege escalation: allowPrivilegeEscalation is true", "path": ape_path}}
}

test_a_string_is_not_false if {
	v := privilege_escalation_allowed.violation with input as deployment({"containers": [app({"allowPrivilegeEscalation": "false"})]})
	v == {{"msg": "container \"app\" allows privilege escalation: allowPrivilegeEscalation is \"false\", not the boolean false", "path": ape_path}}
}

test_privileged_always_fails if {
	v := privilege_escalation_allowed.violation with input as deployment({"containers": [app({"privileged": true, "allowPrivilegeEscalation": false})]})
	v == {{"msg": "container \"app\" is privileged, so privilege escalation is always allowed", "path": ape_path}}
}

test_sys_admin_always_fails if {
	v := privilege_escalation_allowed.violation with input as deployment({"containers": [app({
		"allowPrivilegeEscalation": false,
		"capabilities": {"add": ["NET_ADMIN", "CAP_SYS_ADMIN"]},
	})]})
	v == {{"msg": "container \"app\" adds the SYS_ADMIN capability, so privilege escalation is always allowed", "path": ape_path}}
}

test_other_added_capabilities_pass if {
	count(privilege_escalation_allowed.violation) == 0 with input as deployment({"containers": [app({
		"allowPrivilegeEscalation": false,
		"capabilities": {"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]},
	})]})
}

test_pod_level_field_is_ignored_and_named_in_the_message if {
	v := privilege_escalation_allowed.violation with input as deployment({
		"securityContext": {"allowPrivilegeEscalation": false},
		"containers": [{"name": "app"}],
	})
	v == {{
		"msg": "container \"app\" allows privilege escalation: allowPrivilegeEscalation is not set and defaults to true (allowPrivilegeEscalation in the pod securityContext has no effect: set it on the container)",
		"path": ape_path,
	}}
}

test_every_container_role_is_checked_even_without_name if {
	v := privilege_escalation_allowed.violation with input as {
		"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
		"spec": {
			"initContainers": [{"name": "init"}],
			"ephemeralContainers": [{"name": "debug", "securityContext": {"allowPrivilegeEscalation": true}}],
			"containers": [{}, {"name": "ok", "securityContext": {"allowPrivilegeEscalation": false}}],
		},
	}
	{x.path | some x in v} == {
		["spec", "initContainers", 0, "securityContext", "allowPrivilegeEscalation"],
		["spec", "ephemeralContainers", 0, "securityContext", "allowPrivilegeEscalation"],
		["spec", "containers", 0, "securityContext", "allowPrivilegeEscalation"],
	}
	some x in v
	x.msg == "container \"#0\" allows privilege escalation: allowPrivilegeEscalation is not set and defaults to true"
}

test_windows_pods_are_skipped if {
	count(privilege_escalation_allowed.violation) == 0 with input as deployment({"os": {"name": "windows"}, "containers": [{"name": "app"}]})
}

test_non_workload_is_ignored if {
	count(privilege_escalation_allowed.violation) == 0 with input as {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}, "spec": {}}
}
