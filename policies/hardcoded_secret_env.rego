# METADATA
# title: Secret written into a manifest as an env value
# description: |-
#   An environment variable whose name says it holds a secret (`DB_PASSWORD`,
#   `API_TOKEN`, `STRIPE_SECRET_KEY`) with a literal `value` puts that secret in
#   the manifest: in Git and its whole history, in every rendered copy and CI log
#   of it, in the object's `last-applied-configuration` annotation, and in what
#   anyone who may read the workload (not its Secrets) sees with `kubectl get -o
#   yaml`. Kubernetes cannot rotate it or keep it from view.
#
#   A name is split into words at `_`, `-`, `.` and case changes (`dbPassword` is
#   `DB PASSWORD`); it says it holds a secret when it contains one of the `words`
#   parameter's entries (a multi-word entry such as `API_KEY` as consecutive
#   words), unless a word of `ignore-words` comes after the last such entry: a
#   name like `TOKEN_URL`, `PASSWORD_FILE`, `SECRET_NAME`, `ACCESS_KEY_ID` or
#   `TOKEN_TTL` names where a secret is or how it is used, not the secret. The
#   defaults are listed below. Values that cannot be a secret are not reported:
#   an empty one, a boolean or `0`/`1` (`MYSQL_ALLOW_EMPTY_PASSWORD: "1"`), a
#   reference to another variable (`$(DB_PASSWORD)`), a placeholder a template
#   engine replaces (`${DB_PASSWORD}`, `{{ .Values.password }}`), and an
#   absolute file path (`/var/run/secrets/db/password`).
#
#   The value is never shown: the finding points at it, and every report masks
#   it where it quotes the manifest.
# custom:
#   severity: error
#   scope: object
#   status: stable
#   kinds: [Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob, ReplicationController, DeploymentConfig]
#   tags: [security, secrets]
#   remediation: |-
#     Move the value into a Secret that is not stored in plain text in Git (made by
#     hand, or by Sealed Secrets, SOPS or the External Secrets Operator), mount it
#     as a file and point the application at it (many images read
#     `DB_PASSWORD_FILE`), or at least read it with `valueFrom.secretKeyRef`. Then
#     rotate the secret: it stays in the repository's history.
#   equivalents:
#     kube-linter: env-var-secret
#   params:
#     words:
#       type: list
#       items: string
#       default: [PASSWORD, PASSWD, PASS, PASSPHRASE, SECRET, TOKEN, API_KEY, APIKEY, ACCESS_KEY, PRIVATE_KEY, ENCRYPTION_KEY, SIGNING_KEY, CREDENTIAL, CREDENTIALS]
#       description: >-
#         The words that mark an env var's name as holding a secret, matched as
#         whole words in any case; an entry of several words (`API_KEY`) matches
#         them in a row.
#     ignore-words:
#       type: list
#       items: string
#       default: [FILE, PATH, DIR, URL, URI, ENDPOINT, HOST, PORT, NAME, REF, ID, TYPE, LENGTH, TTL, EXPIRY, EXPIRATION, TIMEOUT, LIFETIME, VERSION, ENABLED, REQUIRED, POLICY, HEADER, ISSUER, AUDIENCE, MOUNT]
#       description: >-
#         Words that, after the last secret word of a name, show that the variable
#         names or configures a secret rather than holding it (`TOKEN_URL`,
#         `PASSWORD_FILE`); such a variable is not reported.
package seaworthy.policy.hardcoded_secret_env

import data.seaworthy.lib.k8s
import data.seaworthy.lib.k8s.containers
import rego.v1

default_words := [
	"PASSWORD", "PASSWD", "PASS", "PASSPHRASE", "SECRET", "TOKEN", "API_KEY", "APIKEY",
	"ACCESS_KEY", "PRIVATE_KEY", "ENCRYPTION_KEY", "SIGNING_KEY", "CREDENTIAL", "CREDENTIALS",
]

default_ignore_words := [
	"FILE", "PATH", "DIR", "URL", "URI", "ENDPOINT", "HOST", "PORT", "NAME", "REF", "ID", "TYPE",
	"LENGTH", "TTL", "EXPIRY", "EXPIRATION", "TIMEOUT", "LIFETIME", "VERSION", "ENABLED",
	"REQUIRED", "POLICY", "HEADER", "ISSUER", "AUDIENCE", "MOUNT",
]

params := p if {
	p := data.seaworthy.params.hardcoded_secret_env
	is_object(p)
} else := {}

words := w if {
	w := params.words
	is_array(w)
} else := default_words

ignore_words := w if {
	w := params["ignore-words"]
	is_array(w)
} else := default_ignore_words

# Each secret word as the list of words it is made of.
secret_terms := {t | some w in words; is_string(w); t := name_words(w); count(t) > 0}

ignored := {upper(w) | some w in ignore_words; is_string(w)}

violation contains {"msg": msg, "path": path} if {
	some entry in containers
	some i, env in k8s.as_array(object.get(entry.container, "env", []))
	is_string(env.name)
	secret_name(env.name)
	literal(env.value)
	msg := sprintf(
		"%s %q sets env var %q to a literal value: a secret written into a manifest is in Git, in every copy of it and in the object itself",
		[entry.role, entry.name, env.name],
	)
	path := array.concat(entry.path, ["env", i, "value"])
}

# The words of a name, upper case: split at `-`, `_`, `.` and where a lower
# case letter or digit meets an upper case one.
name_words(name) := [w |
	some w in regex.split(`[-_.]+`, upper(regex.replace(name, `([a-z0-9])([A-Z])`, "${1}_${2}")))
	w != ""
]

secret_name(name) if {
	parts := name_words(name)
	ends := [end |
		some term in secret_terms
		count(term) <= count(parts)
		some i in numbers.range(0, count(parts) - count(term))
		end := i + count(term)
		array.slice(parts, i, end) == term
	]
	count(ends) > 0
	after := array.slice(parts, max(ends), count(parts))
	not any_ignored(after)
}

any_ignored(after) if {
	some w in after
	w in ignored
}

# A value that may be a secret: a non-empty string or a number that is not
# one of the shapes that cannot be (see the description).
literal(v) if {
	is_string(v)
	not harmless(v)
}

literal(v) if {
	is_number(v)
	not harmless(sprintf("%v", [v]))
}

harmless(s) if trim_space(s) == ""

harmless(s) if lower(trim_space(s)) in {"true", "false", "yes", "no", "on", "off", "0", "1"}

harmless(s) if regex.match(`^\s*\$\([A-Za-z_][A-Za-z0-9_.-]*\)\s*$`, s)

harmless(s) if regex.match(`^\s*\$\{[^}]*\}\s*$`, s)

harmless(s) if regex.match(`^\s*\{\{.*\}\}\s*$`, s)

harmless(s) if regex.match(`^/\S*$`, s)
