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
#   every object is checked; with it, only objects of those kinds. For example:
#
#   ```yaml
#   params:
#     missing-required-label:
#       kinds: [Deployment, StatefulSet, Namespace]
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
#     Add the label under `metadata.labels`, with a value that matches the
#     configured pattern, for example `owner: payments-team` or `env: prod`.
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
package seaworthy.policy.missing_required_label

import data.seaworthy.lib.k8s
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

labels := l if {
	l := input.metadata.labels
	is_object(l)
}

labels := {} if not is_object(object.get(input, ["metadata", "labels"], null))

violation contains {"msg": msg, "path": ["metadata", "labels", req.key]} if {
	applies
	some req in required
	object.get(labels, req.key, null) == null
	msg := sprintf("required label %q is missing", [req.key])
}

violation contains {"msg": msg, "path": ["metadata", "labels", req.key]} if {
	applies
	some req in required
	req.pattern == null
	value := labels[req.key]
	value != null
	is_string(value)
	trim_space(value) == ""
	msg := sprintf("required label %q is empty", [req.key])
}

violation contains {"msg": msg, "path": ["metadata", "labels", req.key]} if {
	applies
	some req in required
	is_string(req.pattern)
	regex.is_valid(req.pattern)
	value := labels[req.key]
	value != null
	not matches(req.pattern, value)
	msg := sprintf("label %q is %s, which does not match the required pattern %q", [req.key, shown(value), req.pattern])
}

violation contains {"msg": msg, "path": ["metadata", "labels", req.key]} if {
	applies
	some req in required
	is_string(req.pattern)
	not regex.is_valid(req.pattern)
	value := labels[req.key]
	value != null
	msg := sprintf("label %q cannot be checked: the configured pattern %q is not a valid regular expression", [req.key, req.pattern])
}

matches(pattern, value) if {
	is_string(value)
	regex.match(pattern, value)
}

shown(value) := sprintf("%q", [value]) if is_string(value)

shown(value) := sprintf("%v (not a string)", [value]) if not is_string(value)
