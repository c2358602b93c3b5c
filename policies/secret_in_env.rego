# METADATA
# title: Secret exposed through environment variables
# description: |-
#   A Secret passed as an environment variable (`env[].valueFrom.secretKeyRef`) or
#   loaded whole into the environment (`envFrom[].secretRef`) leaks far more easily
#   than one mounted as a file: the environment is inherited by every child process,
#   printed by debug endpoints, error reporters and crash dumps, shown by `docker
#   inspect` and `/proc/<pid>/environ` on the node, and often ends up in logs. It is
#   also read once at start-up, so a rotated Secret needs a restart, while a mounted
#   Secret is updated in place. Every env entry and envFrom source that reads a
#   Secret is reported, in init and ephemeral containers too.
# custom:
#   severity: warning
#   scope: object
#   status: stable
#   kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob, ReplicationController, DeploymentConfig]
#   tags: [security, secrets]
#   remediation: |-
#     Mount the Secret as a volume (`volumes[].secret` with a `volumeMounts` entry,
#     ideally `readOnly: true`) and have the application read the file, for
#     example `/etc/secrets/db/password`. Many libraries accept a `*_FILE` variable
#     naming that file instead of the value itself.
#   equivalents:
#     kube-linter: env-var-secret (partial)
#     checkov: CKV_K8S_35
package seaworthy.policy.secret_in_env

import data.seaworthy.lib.k8s.containers
import rego.v1

advice := "mount the Secret as a volume instead (environment variables leak into logs, crash dumps and child processes)"

violation contains {"msg": msg, "path": path} if {
	some entry in containers
	some i, env in object.get(entry.container, "env", [])
	ref := env.valueFrom.secretKeyRef
	ref != null
	msg := sprintf(
		"%s %q reads key %s of Secret %s into env var %s: %s",
		[entry.role, entry.name, quoted(ref, "key"), quoted(ref, "name"), quoted(env, "name"), advice],
	)
	path := array.concat(entry.path, ["env", i, "valueFrom", "secretKeyRef"])
}

violation contains {"msg": msg, "path": path} if {
	some entry in containers
	some i, source in object.get(entry.container, "envFrom", [])
	ref := source.secretRef
	ref != null
	msg := sprintf(
		"%s %q loads every key of Secret %s into environment variables%s: %s",
		[entry.role, entry.name, quoted(ref, "name"), prefix_note(source), advice],
	)
	path := array.concat(entry.path, ["envFrom", i, "secretRef"])
}

# The string at obj[key], quoted, or "(unnamed)" when it is missing.
quoted(obj, key) := sprintf("%q", [obj[key]]) if is_string(obj[key])

quoted(obj, key) := "(unnamed)" if not is_string(obj[key])

prefix_note(source) := sprintf(" (prefixed %q)", [source.prefix]) if {
	is_string(source.prefix)
	source.prefix != ""
} else := ""
