package seaworthy.policy.hardcoded_secret_env_test

import data.seaworthy.policy.hardcoded_secret_env
import rego.v1

deployment(env) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "web"},
	"spec": {"template": {"spec": {"containers": [{"name": "app", "env": env}]}}},
}

flagged(name, value) if {
	count(hardcoded_secret_env.violation) == 1 with input as deployment([{"name": name, "value": value}])
}

test_literal_password_fails_at_the_value_without_showing_it if {
	v := hardcoded_secret_env.violation with input as deployment([{"name": "DB_PASSWORD", "value": "hunter2"}])
	v == {{
		"msg": "container \"app\" sets env var \"DB_PASSWORD\" to a literal value: a secret written into a manifest is in Git, in every copy of it and in the object itself",
		"path": ["spec", "template", "spec", "containers", 0, "env", 0, "value"],
	}}
	every x in v {
		not contains(x.msg, "hunter2")
	}
}

test_secret_names_by_default if {
	flagged("POSTGRES_PASSWORD", "p")
	flagged("API_TOKEN", "t")
	flagged("STRIPE_SECRET_KEY", "sk_live_x")
	flagged("OAUTH2_PROXY_CLIENT_SECRET", "c")
	flagged("DATA_SOURCE_PASS", "p")
	flagged("NGC_API_KEY", "nvapi-x")
	flagged("ApiKey", "k")
	flagged("dbPassword", "p")
	flagged("db.password", "p")
	flagged("AWS_SECRET_ACCESS_KEY", "k")
	flagged("GOOGLE_APPLICATION_CREDENTIALS", "{\"type\": \"service_account\"}")
	flagged("SSH_PASSPHRASE", "p")
}

test_numbers_are_literal_values_too if {
	flagged("PIN_PASSWORD", 123456)
}

test_names_that_only_contain_a_word_pass if {
	not flagged("TOKENIZER_MODEL", "bert")
	not flagged("PASSWORDLESS_LOGIN", "x")
	not flagged("BYPASS_CACHE", "x")
	not flagged("KEY_PREFIX", "x")
	not flagged("PWD", "/app")
}

test_references_and_settings_pass if {
	not flagged("TOKEN_URL", "https://auth.example.com/token")
	not flagged("PASSWORD_FILE", "secrets/db")
	not flagged("DB_PASSWORD_FILE", "secrets/db")
	not flagged("SECRET_NAME", "db-credentials")
	not flagged("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")
	not flagged("TOKEN_TTL", "3600")
	not flagged("PASSWORD_MIN_LENGTH", "12")
	not flagged("GITHUB_TOKEN_SECRET_NAME", "gh")
}

test_values_that_cannot_be_secrets_pass if {
	not flagged("DB_PASSWORD", "")
	not flagged("DB_PASSWORD", "  ")
	not flagged("MYSQL_ALLOW_EMPTY_PASSWORD", "1")
	not flagged("USE_TOKEN", "true")
	not flagged("USE_TOKEN", "No")
	not flagged("DATA_SOURCE_PASS", "$(POSTGRES_PASSWORD)")
	not flagged("DB_PASSWORD", "${DB_PASSWORD}")
	not flagged("DB_PASSWORD", "{{ .Values.db.password }}")
	not flagged("GOOGLE_APPLICATION_CREDENTIALS", "/var/secrets/google/key.json")
	not flagged("DB_PASSWORD", true)
	not flagged("DB_PASSWORD", null)
}

test_a_reference_inside_a_longer_value_is_still_a_literal if {
	flagged("DB_PASSWORD", "prefix-$(SALT)")
}

test_secret_key_refs_are_left_to_secret_in_env if {
	env := [{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}}]
	count(hardcoded_secret_env.violation) == 0 with input as deployment(env)
}

# Without params the rule uses the documented defaults.
test_defaults_without_params if {
	hardcoded_secret_env.words == [
		"PASSWORD", "PASSWD", "PASS", "PASSPHRASE", "SECRET", "TOKEN", "API_KEY", "APIKEY",
		"ACCESS_KEY", "PRIVATE_KEY", "ENCRYPTION_KEY", "SIGNING_KEY", "CREDENTIAL", "CREDENTIALS",
	]
	hardcoded_secret_env.ignore_words == [
		"FILE", "PATH", "DIR", "URL", "URI", "ENDPOINT", "HOST", "PORT", "NAME", "REF", "ID", "TYPE",
		"LENGTH", "TTL", "EXPIRY", "EXPIRATION", "TIMEOUT", "LIFETIME", "VERSION", "ENABLED",
		"REQUIRED", "POLICY", "HEADER", "ISSUER", "AUDIENCE", "MOUNT",
	]
}

test_configured_words_replace_the_defaults if {
	params := {"words": ["dsn", "license_key"], "ignore-words": ["path"]}
	count(hardcoded_secret_env.violation) == 1 with input as deployment([{"name": "SENTRY_DSN", "value": "https://k@o.example/1"}])
		with data.seaworthy.params.hardcoded_secret_env as params
	count(hardcoded_secret_env.violation) == 1 with input as deployment([{"name": "NEWRELIC_LICENSE_KEY", "value": "x"}])
		with data.seaworthy.params.hardcoded_secret_env as params
	count(hardcoded_secret_env.violation) == 0 with input as deployment([{"name": "DB_PASSWORD", "value": "x"}])
		with data.seaworthy.params.hardcoded_secret_env as params
	count(hardcoded_secret_env.violation) == 0 with input as deployment([{"name": "LICENSE_KEY_PATH", "value": "x"}])
		with data.seaworthy.params.hardcoded_secret_env as params
	count(hardcoded_secret_env.violation) == 1 with input as deployment([{"name": "TOKEN_URL", "value": "x"}])
		with data.seaworthy.params.hardcoded_secret_env as {"ignore-words": []}
}

test_init_and_sidecar_containers_are_checked if {
	inp := {
		"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
		"spec": {
			"initContainers": [
				{"name": "migrate", "env": [{"name": "DB_PASSWORD", "value": "x"}]},
				{"name": "proxy", "restartPolicy": "Always", "env": [{"name": "PROXY_TOKEN", "value": "y"}]},
			],
			"containers": [{"name": "app"}],
		},
	}
	v := hardcoded_secret_env.violation with input as inp
	{x.path | some x in v} == {
		["spec", "initContainers", 0, "env", 0, "value"],
		["spec", "initContainers", 1, "env", 0, "value"],
	}
}

test_malformed_env_is_ignored if {
	count(hardcoded_secret_env.violation) == 0 with input as deployment("DB_PASSWORD=x")
	count(hardcoded_secret_env.violation) == 0 with input as deployment([{"value": "x"}, "DB_PASSWORD"])
}
