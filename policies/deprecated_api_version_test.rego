package seaworthy.policy.deprecated_api_version_test

import data.seaworthy.lib.apis
import data.seaworthy.policy.deprecated_api_version
import rego.v1

obj(api, kind) := {"apiVersion": api, "kind": kind, "metadata": {"name": "x"}}

msgs(api, kind) := m if {
	vs := deprecated_api_version.violation with input as obj(api, kind)
	m := {v.msg | some v in vs}
}

at(version, api, kind) := m if {
	vs := deprecated_api_version.violation with input as obj(api, kind)
		with data.seaworthy.params.deprecated_api_version as {"kubernetes-version": version}
	m := {v.msg | some v in vs}
}

test_current_versions_pass if {
	count(deprecated_api_version.violation) == 0 with input as obj("apps/v1", "Deployment")
	count(deprecated_api_version.violation) == 0 with input as obj("resource.k8s.io/v1", "ResourceClaim")
	count(deprecated_api_version.violation) == 0 with input as obj("v1", "Service")
	count(deprecated_api_version.violation) == 0 with input as obj("example.com/v1beta1", "Widget")
}

# Without params the target is 1.37, the declared default.
test_default_target_reports_what_1_37_deprecates if {
	apis.target(deprecated_api_version.params) == 37
	v := deprecated_api_version.violation with input as obj("resource.k8s.io/v1beta1", "ResourceClaim")
	v == {{"msg": "resource.k8s.io/v1beta1 ResourceClaim is deprecated since Kubernetes 1.35 and is removed in 1.38: use resource.k8s.io/v1", "path": ["apiVersion"]}}
	msgs("admissionregistration.k8s.io/v1beta1", "MutatingAdmissionPolicy") == {"admissionregistration.k8s.io/v1beta1 MutatingAdmissionPolicy is deprecated since Kubernetes 1.37 and is removed in 1.40: use admissionregistration.k8s.io/v1"}
}

test_endpoints_are_deprecated_without_a_removal if {
	msgs("v1", "Endpoints") == {"v1 Endpoints is deprecated since Kubernetes 1.33: use discovery.k8s.io/v1 EndpointSlice"}
	at("1.32", "v1", "Endpoints") == set()
}

test_removed_versions_are_left_to_the_other_rule if {
	count(deprecated_api_version.violation) == 0 with input as obj("extensions/v1beta1", "Ingress")
	count(deprecated_api_version.violation) == 0 with input as obj("flowcontrol.apiserver.k8s.io/v1beta3", "FlowSchema")
}

test_a_target_between_deprecation_and_removal_warns if {
	at("1.24", "batch/v1beta1", "CronJob") == {"batch/v1beta1 CronJob is deprecated since Kubernetes 1.21 and is removed in 1.25: use batch/v1"}
	at("1.20", "batch/v1beta1", "CronJob") == set()
	at("1.25", "batch/v1beta1", "CronJob") == set()
	at("1.21", "extensions/v1beta1", "Ingress") == {"extensions/v1beta1 Ingress is deprecated since Kubernetes 1.14 and is removed in 1.22: use networking.k8s.io/v1"}
	at("1.20", "policy/v1beta1", "PodSecurityPolicy") == set()
	at("1.23", "policy/v1beta1", "PodSecurityPolicy") == {"policy/v1beta1 PodSecurityPolicy is deprecated since Kubernetes 1.21 and is removed in 1.25 with no replacement API: use Pod Security Admission (pod-security.kubernetes.io labels on the Namespace)"}
}

test_version_strings if {
	apis.minor("1.30") == 30
	apis.minor("v1.30") == 30
	apis.minor("1.30.2") == 30
	not apis.minor("1.3x")
	not apis.minor(1.3)
	apis.target({"kubernetes-version": "nonsense"}) == 37
}

test_missing_api_version_is_quiet if {
	count(deprecated_api_version.violation) == 0 with input as {"kind": "Deployment", "metadata": {"name": "x"}}
}
