# METADATA
# title: Manifest uses a removed API version
# description: |-
#   Kubernetes stops serving beta API versions a few releases after their
#   replacement ships. The objects already in the cluster are migrated for you, but
#   the manifests are not: once the cluster is upgraded past the removal, applying
#   a manifest that still says `extensions/v1beta1` or `policy/v1beta1` fails
#   with "no matches for kind", so a routine deploy, a Helm upgrade or a disaster
#   recovery from Git breaks on the day it is needed. The rule knows the versions
#   removed in Kubernetes 1.16 to 1.32, following the official deprecated API
#   migration guide (the list pluto checks as well), by apiVersion and kind: some
#   beta versions were reused for newer kinds (`admissionregistration.k8s.io/v1beta1`
#   ValidatingAdmissionPolicy, `networking.k8s.io/v1beta1` ServiceCIDR), and
#   those are not reported. The message names the release that removed the version
#   and its replacement.
# custom:
#   severity: warning
#   scope: object
#   status: stable
#   tags: [hygiene, upgrades]
#   remediation: |-
#     Change `apiVersion` to the replacement named in the message and adapt the
#     fields that changed with it (the migration guide lists them), for example
#     `networking.k8s.io/v1` for an Ingress, whose backends become
#     `service: {name, port: {number}}`. `kubectl convert` can do most of it.
#   equivalents:
#     kube-linter: no-extensions-v1beta
#     pluto: detect-files
package seaworthy.policy.deprecated_api_version

import rego.v1

psa := "use Pod Security Admission (pod-security.kubernetes.io labels on the Namespace)"

# apiVersion -> kind -> {"removed": release, "use": replacement apiVersion} or
# {"removed": release, "advice": what to do when there is no replacement}.
# The kind "*" stands for every kind of that version.
removals := {
	"extensions/v1beta1": {
		"Deployment": {"removed": "1.16", "use": "apps/v1"},
		"DaemonSet": {"removed": "1.16", "use": "apps/v1"},
		"ReplicaSet": {"removed": "1.16", "use": "apps/v1"},
		"NetworkPolicy": {"removed": "1.16", "use": "networking.k8s.io/v1"},
		"PodSecurityPolicy": {"removed": "1.16", "advice": sprintf(", and PodSecurityPolicy itself in 1.25: %s", [psa])},
		"Ingress": {"removed": "1.22", "use": "networking.k8s.io/v1"},
		"*": {"removed": "1.22", "advice": " at the latest: use the kind's current API group"},
	},
	"apps/v1beta1": {"*": {"removed": "1.16", "use": "apps/v1"}},
	"apps/v1beta2": {"*": {"removed": "1.16", "use": "apps/v1"}},
	"networking.k8s.io/v1beta1": {
		"Ingress": {"removed": "1.22", "use": "networking.k8s.io/v1"},
		"IngressClass": {"removed": "1.22", "use": "networking.k8s.io/v1"},
	},
	"admissionregistration.k8s.io/v1beta1": {
		"MutatingWebhookConfiguration": {"removed": "1.22", "use": "admissionregistration.k8s.io/v1"},
		"ValidatingWebhookConfiguration": {"removed": "1.22", "use": "admissionregistration.k8s.io/v1"},
	},
	"apiextensions.k8s.io/v1beta1": {"CustomResourceDefinition": {"removed": "1.22", "use": "apiextensions.k8s.io/v1"}},
	"apiregistration.k8s.io/v1beta1": {"APIService": {"removed": "1.22", "use": "apiregistration.k8s.io/v1"}},
	"authentication.k8s.io/v1beta1": {"TokenReview": {"removed": "1.22", "use": "authentication.k8s.io/v1"}},
	"authorization.k8s.io/v1beta1": {
		"LocalSubjectAccessReview": {"removed": "1.22", "use": "authorization.k8s.io/v1"},
		"SelfSubjectAccessReview": {"removed": "1.22", "use": "authorization.k8s.io/v1"},
		"SubjectAccessReview": {"removed": "1.22", "use": "authorization.k8s.io/v1"},
	},
	"certificates.k8s.io/v1beta1": {"CertificateSigningRequest": {"removed": "1.22", "use": "certificates.k8s.io/v1"}},
	"coordination.k8s.io/v1beta1": {"Lease": {"removed": "1.22", "use": "coordination.k8s.io/v1"}},
	"rbac.authorization.k8s.io/v1beta1": {
		"ClusterRole": {"removed": "1.22", "use": "rbac.authorization.k8s.io/v1"},
		"ClusterRoleBinding": {"removed": "1.22", "use": "rbac.authorization.k8s.io/v1"},
		"Role": {"removed": "1.22", "use": "rbac.authorization.k8s.io/v1"},
		"RoleBinding": {"removed": "1.22", "use": "rbac.authorization.k8s.io/v1"},
	},
	"scheduling.k8s.io/v1beta1": {"PriorityClass": {"removed": "1.22", "use": "scheduling.k8s.io/v1"}},
	"storage.k8s.io/v1beta1": {
		"CSIDriver": {"removed": "1.22", "use": "storage.k8s.io/v1"},
		"CSINode": {"removed": "1.22", "use": "storage.k8s.io/v1"},
		"StorageClass": {"removed": "1.22", "use": "storage.k8s.io/v1"},
		"VolumeAttachment": {"removed": "1.22", "use": "storage.k8s.io/v1"},
		"CSIStorageCapacity": {"removed": "1.27", "use": "storage.k8s.io/v1"},
	},
	"batch/v1beta1": {"CronJob": {"removed": "1.25", "use": "batch/v1"}},
	"discovery.k8s.io/v1beta1": {"EndpointSlice": {"removed": "1.25", "use": "discovery.k8s.io/v1"}},
	"events.k8s.io/v1beta1": {"Event": {"removed": "1.25", "use": "events.k8s.io/v1"}},
	"node.k8s.io/v1beta1": {"RuntimeClass": {"removed": "1.25", "use": "node.k8s.io/v1"}},
	"policy/v1beta1": {
		"PodDisruptionBudget": {"removed": "1.25", "use": "policy/v1"},
		"PodSecurityPolicy": {"removed": "1.25", "advice": sprintf(" with no replacement API: %s", [psa])},
	},
	"autoscaling/v2beta1": {"HorizontalPodAutoscaler": {"removed": "1.25", "use": "autoscaling/v2"}},
	"autoscaling/v2beta2": {"HorizontalPodAutoscaler": {"removed": "1.26", "use": "autoscaling/v2"}},
	"flowcontrol.apiserver.k8s.io/v1beta1": {
		"FlowSchema": {"removed": "1.26", "use": "flowcontrol.apiserver.k8s.io/v1"},
		"PriorityLevelConfiguration": {"removed": "1.26", "use": "flowcontrol.apiserver.k8s.io/v1"},
	},
	"flowcontrol.apiserver.k8s.io/v1beta2": {
		"FlowSchema": {"removed": "1.29", "use": "flowcontrol.apiserver.k8s.io/v1"},
		"PriorityLevelConfiguration": {"removed": "1.29", "use": "flowcontrol.apiserver.k8s.io/v1"},
	},
	"flowcontrol.apiserver.k8s.io/v1beta3": {
		"FlowSchema": {"removed": "1.32", "use": "flowcontrol.apiserver.k8s.io/v1"},
		"PriorityLevelConfiguration": {"removed": "1.32", "use": "flowcontrol.apiserver.k8s.io/v1"},
	},
}

# The removal that applies to this object: its own kind first, then "*".
removal := removals[input.apiVersion][input.kind]

removal := removals[input.apiVersion]["*"] if not removals[input.apiVersion][input.kind]

violation contains {"msg": msg, "path": ["apiVersion"]} if {
	r := removal
	msg := sprintf("%s %s was removed in Kubernetes %s%s", [input.apiVersion, input.kind, r.removed, tail(r)])
}

tail(r) := sprintf(": use %s", [r.use]) if r.use

tail(r) := r.advice if not r.use
