package seaworthy.policy.dangling_service_test

import data.seaworthy.policy.dangling_service
import rego.v1

service(ns, selector) := {
	"apiVersion": "v1", "kind": "Service",
	"metadata": {"name": "web", "namespace": ns},
	"spec": {"selector": selector, "ports": [{"port": 80}]},
}

deployment(ns, labels) := {
	"apiVersion": "apps/v1", "kind": "Deployment",
	"metadata": {"name": "web", "namespace": ns},
	"spec": {"template": {"metadata": {"labels": labels}, "spec": {"containers": [{"name": "web"}]}}},
}

test_selector_matching_a_template_passes if {
	objects := [service("shop", {"app": "web"}), deployment("shop", {"app": "web", "version": "2"})]
	count(dangling_service.violation) == 0 with input as {"objects": objects}
}

test_renamed_label_fails if {
	objects := [service("shop", {"app": "web"}), deployment("shop", {"app": "frontend"})]
	v := dangling_service.violation with input as {"objects": objects}
	v == {{"msg": "Service \"web\" selects no pods: no pod template in namespace \"shop\" has labels app=web", "path": ["spec", "selector"], "object": 0}}
}

test_other_namespace_does_not_count if {
	objects := [service("shop", {"app": "web"}), deployment("other", {"app": "web"})]
	count(dangling_service.violation) == 1 with input as {"objects": objects}
}

test_no_selector_and_external_name_are_skipped if {
	manual := {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "db"}, "spec": {"ports": [{"port": 5432}]}}
	external := {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "ext"}, "spec": {"type": "ExternalName", "externalName": "db.example.com", "selector": {"app": "x"}}}
	count(dangling_service.violation) == 0 with input as {"objects": [manual, external]}
}

test_pods_and_cronjobs_count_as_targets if {
	pod := {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"app": "web"}}, "spec": {}}
	cron := {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c"}, "spec": {"jobTemplate": {"spec": {"template": {"metadata": {"labels": {"app": "batch"}}, "spec": {}}}}}}
	count(dangling_service.violation) == 0 with input as {"objects": [service("", {"app": "web"}), pod]}
	count(dangling_service.violation) == 0 with input as {"objects": [service("", {"app": "batch"}), cron]}
}

test_controller_labels_of_jobs_and_statefulsets_count if {
	job := {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "train"}, "spec": {"template": {"spec": {}}}}
	count(dangling_service.violation) == 0 with input as {"objects": [service("", {"job-name": "train"}), job]}
	sts := {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "redis-ha", "namespace": "db"}, "spec": {"template": {"metadata": {"labels": {"app": "redis"}}, "spec": {}}}}
	count(dangling_service.violation) == 0 with input as {"objects": [service("db", {"app": "redis", "statefulset.kubernetes.io/pod-name": "redis-ha-2"}), sts]}
	count(dangling_service.violation) == 1 with input as {"objects": [service("db", {"app": "redis", "statefulset.kubernetes.io/pod-name": "other-0"}), sts]}
}

test_a_custom_resource_named_after_a_selector_value_may_serve_it if {
	cr := {"apiVersion": "monitoring.coreos.com/v1", "kind": "Alertmanager", "metadata": {"name": "main", "namespace": "monitoring"}}
	count(dangling_service.violation) == 0 with input as {"objects": [service("monitoring", {"alertmanager": "main"}), cr]}
	builtin := {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "main", "namespace": "monitoring"}}
	count(dangling_service.violation) == 1 with input as {"objects": [service("monitoring", {"alertmanager": "main"}), builtin]}
}

# An object without a namespace is in the one it is applied to: `default`,
# or `lint --namespace`.
test_a_service_without_namespace_is_in_the_default_namespace if {
	count(dangling_service.violation) == 0 with input as {"objects": [service("", {"app": "web"}), deployment("default", {"app": "web"})]}
	v := dangling_service.violation with input as {"objects": [service("", {"app": "web"}), deployment("shop", {"app": "web"})]}
	v == {{"msg": "Service \"web\" selects no pods: no pod template in namespace \"default\" has labels app=web", "path": ["spec", "selector"], "object": 0}}
}

test_the_namespace_flag_places_objects_without_one if {
	objects := [service("", {"app": "web"}), deployment("shop", {"app": "web"})]
	count(dangling_service.violation) == 0 with input as {"objects": objects} with data.seaworthy.namespace as "shop"
	v := dangling_service.violation with input as {"objects": [service("", {"app": "web"}), deployment("default", {"app": "web"})]}
		with data.seaworthy.namespace as "shop"
	v == {{"msg": "Service \"web\" selects no pods: no pod template in namespace \"shop\" has labels app=web", "path": ["spec", "selector"], "object": 0}}
}

test_a_cluster_scoped_object_is_in_no_namespace if {
	# A custom resource is namespaced; a Namespace is not.
	cr := {"apiVersion": "monitoring.coreos.com/v1", "kind": "Alertmanager", "metadata": {"name": "main"}}
	count(dangling_service.violation) == 0 with input as {"objects": [service("", {"alertmanager": "main"}), cr]}
	ns := {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "main"}}
	count(dangling_service.violation) == 1 with input as {"objects": [service("", {"alertmanager": "main"}), ns]}
}
