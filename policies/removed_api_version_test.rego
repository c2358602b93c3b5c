package seaworthy.policy.removed_api_version_test

import data.seaworthy.lib.apis
import data.seaworthy.policy.removed_api_version
import rego.v1

obj(api, kind) := {"apiVersion": api, "kind": kind, "metadata": {"name": "x"}}

msgs(api, kind) := m if {
	vs := removed_api_version.violation with input as obj(api, kind)
	m := {v.msg | some v in vs}
}

test_current_versions_pass if {
	count(removed_api_version.violation) == 0 with input as obj("apps/v1", "Deployment")
	count(removed_api_version.violation) == 0 with input as obj("networking.k8s.io/v1", "Ingress")
	count(removed_api_version.violation) == 0 with input as obj("policy/v1", "PodDisruptionBudget")
	count(removed_api_version.violation) == 0 with input as obj("v1", "Service")
	count(removed_api_version.violation) == 0 with input as obj("example.com/v1beta1", "Widget")
}

test_extensions_ingress_fails_at_api_version if {
	v := removed_api_version.violation with input as obj("extensions/v1beta1", "Ingress")
	v == {{"msg": "extensions/v1beta1 Ingress was removed in Kubernetes 1.22: use networking.k8s.io/v1", "path": ["apiVersion"]}}
}

test_extensions_workloads_went_in_1_16 if {
	msgs("extensions/v1beta1", "Deployment") == {"extensions/v1beta1 Deployment was removed in Kubernetes 1.16: use apps/v1"}
	msgs("extensions/v1beta1", "NetworkPolicy") == {"extensions/v1beta1 NetworkPolicy was removed in Kubernetes 1.16: use networking.k8s.io/v1"}
}

test_other_extensions_kinds_fall_back if {
	msgs("extensions/v1beta1", "ReplicationControllerDummy") == {"extensions/v1beta1 ReplicationControllerDummy was removed in Kubernetes 1.22 at the latest: use the kind's current API group"}
}

test_every_apps_beta_kind_fails if {
	msgs("apps/v1beta1", "StatefulSet") == {"apps/v1beta1 StatefulSet was removed in Kubernetes 1.16: use apps/v1"}
	msgs("apps/v1beta2", "ControllerRevision") == {"apps/v1beta2 ControllerRevision was removed in Kubernetes 1.16: use apps/v1"}
}

test_pod_security_policy_has_no_replacement if {
	msgs("policy/v1beta1", "PodSecurityPolicy") == {"policy/v1beta1 PodSecurityPolicy was removed in Kubernetes 1.25 with no replacement API: use Pod Security Admission (pod-security.kubernetes.io labels on the Namespace)"}
	msgs("extensions/v1beta1", "PodSecurityPolicy") == {"extensions/v1beta1 PodSecurityPolicy was removed in Kubernetes 1.16, and PodSecurityPolicy itself in 1.25: use Pod Security Admission (pod-security.kubernetes.io labels on the Namespace)"}
}

test_releases if {
	msgs("policy/v1beta1", "PodDisruptionBudget") == {"policy/v1beta1 PodDisruptionBudget was removed in Kubernetes 1.25: use policy/v1"}
	msgs("batch/v1beta1", "CronJob") == {"batch/v1beta1 CronJob was removed in Kubernetes 1.25: use batch/v1"}
	msgs("autoscaling/v2beta1", "HorizontalPodAutoscaler") == {"autoscaling/v2beta1 HorizontalPodAutoscaler was removed in Kubernetes 1.25: use autoscaling/v2"}
	msgs("autoscaling/v2beta2", "HorizontalPodAutoscaler") == {"autoscaling/v2beta2 HorizontalPodAutoscaler was removed in Kubernetes 1.26: use autoscaling/v2"}
	msgs("storage.k8s.io/v1beta1", "CSIStorageCapacity") == {"storage.k8s.io/v1beta1 CSIStorageCapacity was removed in Kubernetes 1.27: use storage.k8s.io/v1"}
	msgs("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema") == {"flowcontrol.apiserver.k8s.io/v1beta1 FlowSchema was removed in Kubernetes 1.26: use flowcontrol.apiserver.k8s.io/v1"}
	msgs("flowcontrol.apiserver.k8s.io/v1beta2", "FlowSchema") == {"flowcontrol.apiserver.k8s.io/v1beta2 FlowSchema was removed in Kubernetes 1.29: use flowcontrol.apiserver.k8s.io/v1"}
	msgs("flowcontrol.apiserver.k8s.io/v1beta3", "PriorityLevelConfiguration") == {"flowcontrol.apiserver.k8s.io/v1beta3 PriorityLevelConfiguration was removed in Kubernetes 1.32: use flowcontrol.apiserver.k8s.io/v1"}
	msgs("rbac.authorization.k8s.io/v1beta1", "ClusterRoleBinding") == {"rbac.authorization.k8s.io/v1beta1 ClusterRoleBinding was removed in Kubernetes 1.22: use rbac.authorization.k8s.io/v1"}
	msgs("apiextensions.k8s.io/v1beta1", "CustomResourceDefinition") == {"apiextensions.k8s.io/v1beta1 CustomResourceDefinition was removed in Kubernetes 1.22: use apiextensions.k8s.io/v1"}
	msgs("discovery.k8s.io/v1beta1", "EndpointSlice") == {"discovery.k8s.io/v1beta1 EndpointSlice was removed in Kubernetes 1.25: use discovery.k8s.io/v1"}
	msgs("node.k8s.io/v1beta1", "RuntimeClass") == {"node.k8s.io/v1beta1 RuntimeClass was removed in Kubernetes 1.25: use node.k8s.io/v1"}
	msgs("events.k8s.io/v1beta1", "Event") == {"events.k8s.io/v1beta1 Event was removed in Kubernetes 1.25: use events.k8s.io/v1"}
}

test_reused_beta_versions_are_judged_on_their_own if {
	count(removed_api_version.violation) == 0 with input as obj("admissionregistration.k8s.io/v1beta1", "MutatingAdmissionPolicy")
	count(removed_api_version.violation) == 0 with input as obj("resource.k8s.io/v1beta2", "ResourceClaim")
	count(removed_api_version.violation) == 1 with input as obj("admissionregistration.k8s.io/v1beta1", "ValidatingWebhookConfiguration")
}

test_removals_announced_since_the_guide if {
	msgs("admissionregistration.k8s.io/v1beta1", "ValidatingAdmissionPolicy") == {"admissionregistration.k8s.io/v1beta1 ValidatingAdmissionPolicy was removed in Kubernetes 1.34: use admissionregistration.k8s.io/v1"}
	msgs("networking.k8s.io/v1beta1", "ServiceCIDR") == {"networking.k8s.io/v1beta1 ServiceCIDR was removed in Kubernetes 1.37: use networking.k8s.io/v1"}
	msgs("storage.k8s.io/v1beta1", "VolumeAttributesClass") == {"storage.k8s.io/v1beta1 VolumeAttributesClass was removed in Kubernetes 1.37: use storage.k8s.io/v1"}
}

# Without params the target is the newest known release, the declared default.
test_default_target_is_1_37 if {
	removed_api_version.params == {}
	apis.target(removed_api_version.params) == 37
	count(removed_api_version.violation) == 1 with input as obj("networking.k8s.io/v1beta1", "IPAddress")
	count(removed_api_version.violation) == 0 with input as obj("resource.k8s.io/v1beta1", "DeviceClass")
}

test_an_older_target_only_reports_what_it_no_longer_serves if {
	params := {"kubernetes-version": "1.24"}
	count(removed_api_version.violation) == 0 with input as obj("batch/v1beta1", "CronJob")
		with data.seaworthy.params.removed_api_version as params
	count(removed_api_version.violation) == 1 with input as obj("extensions/v1beta1", "Ingress")
		with data.seaworthy.params.removed_api_version as params
	count(removed_api_version.violation) == 1 with input as obj("batch/v1beta1", "CronJob")
		with data.seaworthy.params.removed_api_version as {"kubernetes-version": "1.25"}
}

test_a_later_target_reports_announced_removals if {
	v := removed_api_version.violation with input as obj("resource.k8s.io/v1beta1", "ResourceClaim")
		with data.seaworthy.params.removed_api_version as {"kubernetes-version": "1.38"}
	v == {{"msg": "resource.k8s.io/v1beta1 ResourceClaim was removed in Kubernetes 1.38: use resource.k8s.io/v1", "path": ["apiVersion"]}}
}

test_endpoints_are_never_removed if {
	count(removed_api_version.violation) == 0 with input as obj("v1", "Endpoints")
		with data.seaworthy.params.removed_api_version as {"kubernetes-version": "1.40"}
}

test_missing_api_version_is_quiet if {
	count(removed_api_version.violation) == 0 with input as {"kind": "Deployment", "metadata": {"name": "x"}}
}
