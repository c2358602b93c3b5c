package seaworthy.policy.missing_required_label_test

import data.seaworthy.policy.missing_required_label
import rego.v1

owner_env := {"labels": [{"key": "owner"}, {"key": "env", "pattern": "^(dev|staging|prod)$"}]}

obj(kind, labels) := {"apiVersion": "v1", "kind": kind, "metadata": {"name": "x", "labels": labels}}

test_silent_without_params if {
	count(missing_required_label.violation) == 0 with input as obj("Deployment", {})
}

test_silent_with_empty_labels if {
	count(missing_required_label.violation) == 0 with input as obj("Deployment", {})
		with data.seaworthy.params.missing_required_label as {"labels": []}
}

test_labels_present_and_matching_pass if {
	count(missing_required_label.violation) == 0 with input as obj("Deployment", {"owner": "payments", "env": "prod"})
		with data.seaworthy.params.missing_required_label as owner_env
}

test_missing_label_fails_at_its_key if {
	v := missing_required_label.violation with input as obj("Service", {"env": "dev"})
		with data.seaworthy.params.missing_required_label as owner_env
	v == {{"msg": "required label \"owner\" is missing", "path": ["metadata", "labels", "owner"]}}
}

test_no_labels_at_all_reports_every_key if {
	inp := {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}
	v := missing_required_label.violation with input as inp
		with data.seaworthy.params.missing_required_label as owner_env
	v == {
		{"msg": "required label \"owner\" is missing", "path": ["metadata", "labels", "owner"]},
		{"msg": "required label \"env\" is missing", "path": ["metadata", "labels", "env"]},
	}
}

test_value_not_matching_the_pattern_fails if {
	v := missing_required_label.violation with input as obj("Deployment", {"owner": "payments", "env": "qa"})
		with data.seaworthy.params.missing_required_label as owner_env
	v == {{
		"msg": "label \"env\" is \"qa\", which does not match the required pattern \"^(dev|staging|prod)$\"",
		"path": ["metadata", "labels", "env"],
	}}
}

test_pattern_is_not_anchored_for_you if {
	params := {"labels": [{"key": "env", "pattern": "prod"}]}
	count(missing_required_label.violation) == 0 with input as obj("Deployment", {"env": "preprod"})
		with data.seaworthy.params.missing_required_label as params
}

test_empty_value_fails_without_a_pattern if {
	v := missing_required_label.violation with input as obj("Deployment", {"owner": ""})
		with data.seaworthy.params.missing_required_label as {"labels": [{"key": "owner"}]}
	v == {{"msg": "required label \"owner\" is empty", "path": ["metadata", "labels", "owner"]}}
}

test_pattern_decides_on_empty_values if {
	params := {"labels": [{"key": "tier", "pattern": "^(|frontend|backend)$"}]}
	count(missing_required_label.violation) == 0 with input as obj("Deployment", {"tier": ""})
		with data.seaworthy.params.missing_required_label as params
}

test_bare_string_entry_is_a_key if {
	count(missing_required_label.violation) == 1 with input as obj("Deployment", {})
		with data.seaworthy.params.missing_required_label as {"labels": ["owner"]}
}

test_kinds_limit_the_objects_checked if {
	params := object.union(owner_env, {"kinds": ["Deployment", "Namespace"]})
	count(missing_required_label.violation) == 2 with input as obj("Namespace", {})
		with data.seaworthy.params.missing_required_label as params
	count(missing_required_label.violation) == 0 with input as obj("ConfigMap", {})
		with data.seaworthy.params.missing_required_label as params
}

test_empty_kinds_means_every_object if {
	params := object.union(owner_env, {"kinds": []})
	count(missing_required_label.violation) == 2 with input as obj("ConfigMap", {})
		with data.seaworthy.params.missing_required_label as params
}

test_invalid_pattern_is_reported if {
	params := {"labels": [{"key": "env", "pattern": "(prod"}]}
	v := missing_required_label.violation with input as obj("Deployment", {"env": "prod"})
		with data.seaworthy.params.missing_required_label as params
	v == {{
		"msg": "label \"env\" cannot be checked: the configured pattern \"(prod\" is not a valid regular expression",
		"path": ["metadata", "labels", "env"],
	}}
}

test_null_labels_count_as_none if {
	inp := {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s", "labels": null}}
	count(missing_required_label.violation) == 1 with input as inp
		with data.seaworthy.params.missing_required_label as {"labels": [{"key": "owner"}]}
}

deployment_labelled(own, pods) := {
	"apiVersion": "apps/v1", "kind": "Deployment",
	"metadata": {"name": "web", "labels": own},
	"spec": {"template": {"metadata": {"labels": pods}, "spec": {"containers": [{"name": "app"}]}}},
}

owner := {"labels": [{"key": "owner"}]}

test_workloads_default_to_the_object if {
	missing_required_label.workloads == "object"
	count(missing_required_label.violation) == 0 with input as deployment_labelled({"owner": "a"}, {})
		with data.seaworthy.params.missing_required_label as owner
}

test_pod_template_mode_checks_the_template_only if {
	params := object.union(owner, {"workloads": "pod-template"})
	v := missing_required_label.violation with input as deployment_labelled({"owner": "a"}, {"app": "web"})
		with data.seaworthy.params.missing_required_label as params
	v == {{
		"msg": "required label \"owner\" is missing from the pod template",
		"path": ["spec", "template", "metadata", "labels", "owner"],
	}}
	count(missing_required_label.violation) == 0 with input as deployment_labelled({}, {"owner": "a"})
		with data.seaworthy.params.missing_required_label as params
}

test_both_mode_checks_object_and_template if {
	params := object.union(owner, {"workloads": "both"})
	v := missing_required_label.violation with input as deployment_labelled({}, {})
		with data.seaworthy.params.missing_required_label as params
	{x.path | some x in v} == {
		["metadata", "labels", "owner"],
		["spec", "template", "metadata", "labels", "owner"],
	}
}

test_template_value_is_checked_against_the_pattern if {
	params := {"workloads": "pod-template", "labels": [{"key": "env", "pattern": "^prod$"}]}
	v := missing_required_label.violation with input as deployment_labelled({}, {"env": "qa"})
		with data.seaworthy.params.missing_required_label as params
	v == {{
		"msg": "label \"env\" on the pod template is \"qa\", which does not match the required pattern \"^prod$\"",
		"path": ["spec", "template", "metadata", "labels", "env"],
	}}
}

test_cronjob_template_is_under_the_job_template if {
	inp := {
		"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c"},
		"spec": {"jobTemplate": {"spec": {"template": {"metadata": {"labels": {}}, "spec": {"containers": []}}}}},
	}
	v := missing_required_label.violation with input as inp
		with data.seaworthy.params.missing_required_label as object.union(owner, {"workloads": "pod-template"})
	{x.path | some x in v} == {["spec", "jobTemplate", "spec", "template", "metadata", "labels", "owner"]}
}

test_a_pod_is_its_own_template_and_is_checked_once if {
	inp := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": []}}
	v := missing_required_label.violation with input as inp
		with data.seaworthy.params.missing_required_label as object.union(owner, {"workloads": "both"})
	v == {{"msg": "required label \"owner\" is missing", "path": ["metadata", "labels", "owner"]}}
}

test_objects_without_pods_keep_their_own_labels_in_pod_template_mode if {
	v := missing_required_label.violation with input as obj("Namespace", {})
		with data.seaworthy.params.missing_required_label as object.union(owner, {"workloads": "pod-template"})
	v == {{"msg": "required label \"owner\" is missing", "path": ["metadata", "labels", "owner"]}}
}
