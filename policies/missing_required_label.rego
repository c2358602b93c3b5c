# METADATA
# title: Object lacks a required label
# description: |-
#   Labels are how people and tools find who owns an object and what it belongs
#   to: cost reports, alert routing, on-call lookups, network policies and cleanup
#   jobs all select on them. An object without its `owner`, `team` or `env` label
#   is invisible to those tools, and an incident on it starts with a search for
#   whoever deployed it. The rule checks the labels your organisation requires, as
#   configured; it is silent until `labels` is set. Each entry names a label `key`
#   and, optionally, a `pattern`, a regular expression the value must match
#   (matched anywhere in the value unless anchored with `^` and `$`). Without a
#   pattern, the label must be present with a non-empty value. Without `kinds`,
#   every object is checked; with it, only objects of those kinds.
#
#   Many teams need the labels on pods, where metrics, logs and traffic are
#   routed by them, rather than on the controller. `workloads` says where a
#   workload must carry them: on the object itself (`object`, the default), on
#   its pod template (`pod-template`: `spec.template.metadata.labels`, and
#   `spec.jobTemplate.spec.template.metadata.labels` for a CronJob), or on both
#   (`both`). A Pod is its own template; objects that make no pods are checked on
#   their own labels whatever `workloads` says. For example:
#
#   ```yaml
#   params:
#     missing-required-label:
#       kinds: [Deployment, StatefulSet, Namespace]
#       workloads: both
#       labels:
#         - key: owner
#         - key: env
#           pattern: "^(dev|staging|prod)$"
#   ```
# custom:
#   severity: warning
#   scope: object
#   status: stable
#   tags: [metadata, ownership]
#   remediation: |-
#     Add the label under `metadata.labels` (or the pod template's, as the
#     finding says), with a value that matches the configured pattern, for example
#     `owner: payments-team` or `env: prod`.
#   equivalents:
#     kube-linter: required-label-owner
#     gatekeeper: k8srequiredlabels
#   params:
#     labels:
#       type: list
#       items: [mapping, string]
#       description: >-
#         The labels every checked object must carry: a list of `{key, pattern}`
#         entries (`pattern` optional, a regular expression for the value; a bare
#         string is taken as a key). The rule is silent when this is not set.
#     kinds:
#       type: [list, string]
#       items: string
#       description: >-
#         Optional list of kinds to check, for example `[Deployment, Namespace]`.
#         Default: every object.
#     workloads:
#       type: string
#       values: [object, pod-template, both]
#       default: object
#       description: >-
#         Where a workload (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job,
#         CronJob, ReplicationController, DeploymentConfig) must carry the labels:
#         its own `metadata.labels`, its pod template's, or both.
package seaworthy.policy.missing_required_label

import data.seaworthy.lib.k8s
import data.seaworthy.lib.k8s.template_kinds
import rego.v1

default params := {}

params := p if {
	p := data.seaworthy.params.missing_required_label
	is_object(p)
}

# The configured labels as {key, pattern} objects; pattern is null when unset.
required contains {"key": item, "pattern": null} if {
	some item in k8s.as_array(object.get(params, "labels", []))
	is_string(item)
}

required contains {"key": item.key, "pattern": pattern} if {
	some item in k8s.as_array(object.get(params, "labels", []))
	is_object(item)
	is_string(item.key)
	pattern := pattern_of(item)
}

pattern_of(item) := item.pattern if is_string(item.pattern)

pattern_of(item) := null if not is_string(object.get(item, "pattern", null))

# The kinds to check, from the `kinds` parameter (a list, or a single kind).
checked_kinds := {k | some k in params.kinds; is_string(k)} if is_array(params.kinds)

checked_kinds := {params.kinds} if is_string(params.kinds)

# No `kinds` (or an empty list): every object is checked.
applies if not checked_kinds

applies if count(checked_kinds) == 0

applies if input.kind in checked_kinds

# Where labels are required, from the `workloads` parameter.
workloads := m if {
	m := params.workloads
	m in {"object", "pod-template", "both"}
} else := "object"

# The labels of the pods a workload makes; undefined for a Pod (its own
# template) and for objects that make none.
template_labels_path := ["spec", "template", "metadata", "labels"] if input.kind in template_kinds

template_labels_path := ["spec", "jobTemplate", "spec", "template", "metadata", "labels"] if input.kind == "CronJob"

object_place := {"path": ["metadata", "labels"], "from": "", "on": ""}

# The label maps checked, with the words that tell them apart in messages.
places contains object_place if not template_labels_path

places contains object_place if {
	template_labels_path
	workloads in {"object", "both"}
}

places contains {"path": template_labels_path, "from": " from the pod template", "on": " on the pod template"} if {
	workloads in {"pod-template", "both"}
}

labels_at(path) := l if {
	l := object.get(input, path, null)
	is_object(l)
} else := {}

violation contains {"msg": msg, "path": array.concat(place.path, [req.key])} if {
	applies
	some place in places
	some req in required
	object.get(labels_at(place.path), req.key, null) == null
	msg := sprintf("required label %q is missing%s", [req.key, place.from])
}

violation contains {"msg": msg, "path": array.concat(place.path, [req.key])} if {
	applies
	some place in places
	some req in required
	req.pattern == null
	value := object.get(labels_at(place.path), req.key, null)
	value != null
	is_string(value)
	trim_space(value) == ""
	msg := sprintf("required label %q is empty%s", [req.key, place.on])
}

violation contains {"msg": msg, "path": array.concat(place.path, [req.key])} if {
	applies
	some place in places
	some req in required
	is_string(req.pattern)
	regex.is_valid(req.pattern)
	value := object.get(labels_at(place.path), req.key, null)
	value != null
	not matches(req.pattern, value)
	msg := sprintf("label %q%s is %s, which does not match the required pattern %q", [req.key, place.on, shown(value), req.pattern])
}

violation contains {"msg": msg, "path": array.concat(place.path, [req.key])} if {
	applies
	some place in places
	some req in required
	is_string(req.pattern)
	not regex.is_valid(req.pattern)
	value := object.get(labels_at(place.path), req.key, null)
	value != null
	msg := sprintf("label %q%s cannot be checked: the configured pattern %q is not a valid regular expression", [req.key, place.on, req.pattern])
}

matches(pattern, value) if {
	is_string(value)
	regex.match(pattern, value)
}

shown(value) := sprintf("%q", [value]) if is_string(value)

shown(value) := sprintf("%v (not a string)", [value]) if not is_string(value)
