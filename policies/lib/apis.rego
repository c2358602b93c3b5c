# The lifecycle of Kubernetes API versions, for the rules about deprecated
# and removed ones: when each version of a kind was deprecated and when the
# API server stopped serving it, from the deprecated API migration guide and
# the API's own lifecycle markers (`+k8s:prerelease-lifecycle-gen`), which the
# API server follows to warn about and stop serving a version.
package seaworthy.lib.apis

import rego.v1

# The newest Kubernetes release this table and the schema know: the default
# target of the rules.
newest_known := "1.37"

psa := "use Pod Security Admission (pod-security.kubernetes.io labels on the Namespace)"

# apiVersion -> kind -> lifecycle. `deprecated` and `removed` are the minor
# releases of Kubernetes 1.x (null: no removal is planned); `use` names the
# replacement, or `advice` says what to do when there is none. The kind "*"
# stands for every other kind of that version. Only versions that were served
# by default or that manifests use are listed: alpha versions may go in any
# release and are off unless a cluster turns them on.
lifecycle := {
	"v1": {"Endpoints": {"deprecated": 33, "removed": null, "use": "discovery.k8s.io/v1 EndpointSlice"}},
	"extensions/v1beta1": {
		"Deployment": {"deprecated": 8, "removed": 16, "use": "apps/v1"},
		"DaemonSet": {"deprecated": 8, "removed": 16, "use": "apps/v1"},
		"ReplicaSet": {"deprecated": 8, "removed": 16, "use": "apps/v1"},
		"NetworkPolicy": {"deprecated": 9, "removed": 16, "use": "networking.k8s.io/v1"},
		"PodSecurityPolicy": {"deprecated": 10, "removed": 16, "advice": sprintf(", and PodSecurityPolicy itself in 1.25: %s", [psa])},
		"Ingress": {"deprecated": 14, "removed": 22, "use": "networking.k8s.io/v1"},
		"*": {"deprecated": 16, "removed": 22, "advice": " at the latest: use the kind's current API group"},
	},
	"apps/v1beta1": {"*": {"deprecated": 8, "removed": 16, "use": "apps/v1"}},
	"apps/v1beta2": {"*": {"deprecated": 9, "removed": 16, "use": "apps/v1"}},
	"networking.k8s.io/v1beta1": {
		"Ingress": {"deprecated": 19, "removed": 22, "use": "networking.k8s.io/v1"},
		"IngressClass": {"deprecated": 19, "removed": 22, "use": "networking.k8s.io/v1"},
		"IPAddress": {"deprecated": 34, "removed": 37, "use": "networking.k8s.io/v1"},
		"ServiceCIDR": {"deprecated": 34, "removed": 37, "use": "networking.k8s.io/v1"},
	},
	"admissionregistration.k8s.io/v1beta1": {
		"MutatingWebhookConfiguration": {"deprecated": 16, "removed": 22, "use": "admissionregistration.k8s.io/v1"},
		"ValidatingWebhookConfiguration": {"deprecated": 16, "removed": 22, "use": "admissionregistration.k8s.io/v1"},
		"ValidatingAdmissionPolicy": {"deprecated": 31, "removed": 34, "use": "admissionregistration.k8s.io/v1"},
		"ValidatingAdmissionPolicyBinding": {"deprecated": 31, "removed": 34, "use": "admissionregistration.k8s.io/v1"},
		"MutatingAdmissionPolicy": {"deprecated": 37, "removed": 40, "use": "admissionregistration.k8s.io/v1"},
		"MutatingAdmissionPolicyBinding": {"deprecated": 37, "removed": 40, "use": "admissionregistration.k8s.io/v1"},
	},
	"apiextensions.k8s.io/v1beta1": {"CustomResourceDefinition": {"deprecated": 16, "removed": 22, "use": "apiextensions.k8s.io/v1"}},
	"apiregistration.k8s.io/v1beta1": {"APIService": {"deprecated": 19, "removed": 22, "use": "apiregistration.k8s.io/v1"}},
	"authentication.k8s.io/v1beta1": {"TokenReview": {"deprecated": 19, "removed": 22, "use": "authentication.k8s.io/v1"}},
	"authorization.k8s.io/v1beta1": {
		"LocalSubjectAccessReview": {"deprecated": 19, "removed": 22, "use": "authorization.k8s.io/v1"},
		"SelfSubjectAccessReview": {"deprecated": 19, "removed": 22, "use": "authorization.k8s.io/v1"},
		"SelfSubjectRulesReview": {"deprecated": 19, "removed": 22, "use": "authorization.k8s.io/v1"},
		"SubjectAccessReview": {"deprecated": 19, "removed": 22, "use": "authorization.k8s.io/v1"},
	},
	"certificates.k8s.io/v1beta1": {
		"CertificateSigningRequest": {"deprecated": 19, "removed": 22, "use": "certificates.k8s.io/v1"},
		"ClusterTrustBundle": {"deprecated": 37, "removed": 40, "use": "certificates.k8s.io/v1"},
	},
	"coordination.k8s.io/v1beta1": {"Lease": {"deprecated": 19, "removed": 22, "use": "coordination.k8s.io/v1"}},
	"rbac.authorization.k8s.io/v1beta1": {
		"ClusterRole": {"deprecated": 17, "removed": 22, "use": "rbac.authorization.k8s.io/v1"},
		"ClusterRoleBinding": {"deprecated": 17, "removed": 22, "use": "rbac.authorization.k8s.io/v1"},
		"Role": {"deprecated": 17, "removed": 22, "use": "rbac.authorization.k8s.io/v1"},
		"RoleBinding": {"deprecated": 17, "removed": 22, "use": "rbac.authorization.k8s.io/v1"},
	},
	"scheduling.k8s.io/v1beta1": {"PriorityClass": {"deprecated": 14, "removed": 22, "use": "scheduling.k8s.io/v1"}},
	"storage.k8s.io/v1beta1": {
		"CSIDriver": {"deprecated": 19, "removed": 22, "use": "storage.k8s.io/v1"},
		"CSINode": {"deprecated": 17, "removed": 22, "use": "storage.k8s.io/v1"},
		"StorageClass": {"deprecated": 19, "removed": 22, "use": "storage.k8s.io/v1"},
		"VolumeAttachment": {"deprecated": 19, "removed": 22, "use": "storage.k8s.io/v1"},
		"CSIStorageCapacity": {"deprecated": 24, "removed": 27, "use": "storage.k8s.io/v1"},
		"VolumeAttributesClass": {"deprecated": 34, "removed": 37, "use": "storage.k8s.io/v1"},
	},
	"batch/v1beta1": {"CronJob": {"deprecated": 21, "removed": 25, "use": "batch/v1"}},
	"discovery.k8s.io/v1beta1": {"EndpointSlice": {"deprecated": 21, "removed": 25, "use": "discovery.k8s.io/v1"}},
	"events.k8s.io/v1beta1": {"Event": {"deprecated": 22, "removed": 25, "use": "events.k8s.io/v1"}},
	"node.k8s.io/v1beta1": {"RuntimeClass": {"deprecated": 22, "removed": 25, "use": "node.k8s.io/v1"}},
	"policy/v1beta1": {
		"PodDisruptionBudget": {"deprecated": 21, "removed": 25, "use": "policy/v1"},
		"PodSecurityPolicy": {"deprecated": 21, "removed": 25, "advice": sprintf(" with no replacement API: %s", [psa])},
	},
	"autoscaling/v2beta1": {"HorizontalPodAutoscaler": {"deprecated": 22, "removed": 25, "use": "autoscaling/v2"}},
	"autoscaling/v2beta2": {"HorizontalPodAutoscaler": {"deprecated": 23, "removed": 26, "use": "autoscaling/v2"}},
	"flowcontrol.apiserver.k8s.io/v1beta1": {
		"FlowSchema": {"deprecated": 23, "removed": 26, "use": "flowcontrol.apiserver.k8s.io/v1"},
		"PriorityLevelConfiguration": {"deprecated": 23, "removed": 26, "use": "flowcontrol.apiserver.k8s.io/v1"},
	},
	"flowcontrol.apiserver.k8s.io/v1beta2": {
		"FlowSchema": {"deprecated": 26, "removed": 29, "use": "flowcontrol.apiserver.k8s.io/v1"},
		"PriorityLevelConfiguration": {"deprecated": 26, "removed": 29, "use": "flowcontrol.apiserver.k8s.io/v1"},
	},
	"flowcontrol.apiserver.k8s.io/v1beta3": {
		"FlowSchema": {"deprecated": 29, "removed": 32, "use": "flowcontrol.apiserver.k8s.io/v1"},
		"PriorityLevelConfiguration": {"deprecated": 29, "removed": 32, "use": "flowcontrol.apiserver.k8s.io/v1"},
	},
	"resource.k8s.io/v1beta1": {
		"DeviceClass": {"deprecated": 35, "removed": 38, "use": "resource.k8s.io/v1"},
		"ResourceClaim": {"deprecated": 35, "removed": 38, "use": "resource.k8s.io/v1"},
		"ResourceClaimTemplate": {"deprecated": 35, "removed": 38, "use": "resource.k8s.io/v1"},
		"ResourceSlice": {"deprecated": 35, "removed": 38, "use": "resource.k8s.io/v1"},
	},
	"resource.k8s.io/v1beta2": {
		"DeviceClass": {"deprecated": 36, "removed": 39, "use": "resource.k8s.io/v1"},
		"ResourceClaim": {"deprecated": 36, "removed": 39, "use": "resource.k8s.io/v1"},
		"ResourceClaimTemplate": {"deprecated": 36, "removed": 39, "use": "resource.k8s.io/v1"},
		"ResourceSlice": {"deprecated": 36, "removed": 39, "use": "resource.k8s.io/v1"},
	},
	"storagemigration.k8s.io/v1beta1": {"StorageVersionMigration": {"deprecated": 37, "removed": 40, "use": "storagemigration.k8s.io/v1"}},
}

# The lifecycle of this object's apiVersion and kind: its own kind first,
# then "*". Undefined for versions the table does not list.
entry := lifecycle[input.apiVersion][input.kind]

entry := lifecycle[input.apiVersion]["*"] if not lifecycle[input.apiVersion][input.kind]

# The minor release of a version string: 30 for "1.30", "v1.30" or "1.30.2".
# Undefined for anything else.
minor(version) := to_number(parts[1]) if {
	is_string(version)
	regex.match(`^v?1\.[0-9]+(\.[0-9]+)?$`, version)
	parts := split(trim_prefix(version, "v"), ".")
}

# The target release of a rule given its `kubernetes-version` parameter:
# the parameter's minor release, or the newest known one.
target(params) := minor(params["kubernetes-version"])

target(params) := minor(newest_known) if not minor(object.get(params, "kubernetes-version", null))

# How a release is written in messages.
release(n) := sprintf("1.%d", [n])

# What to do, after a colon or as a clause: ": use X" or the advice.
next_step(e) := sprintf(": use %s", [e.use]) if e.use

next_step(e) := e.advice if not e.use
