package seaworthy.policy.secret_in_env_test

import data.seaworthy.policy.secret_in_env
import rego.v1

deployment(containers) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "web"},
	"spec": {"template": {"spec": {"containers": containers}}},
}

advice := "mount the Secret as a volume instead (environment variables leak into logs, crash dumps and child processes)"

test_plain_values_config_maps_and_field_refs_pass if {
	count(secret_in_env.violation) == 0 with input as deployment([{
		"name": "app",
		"env": [
			{"name": "LOG_LEVEL", "value": "info"},
			{"name": "REGION", "valueFrom": {"configMapKeyRef": {"name": "settings", "key": "region"}}},
			{"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}},
		],
		"envFrom": [{"configMapRef": {"name": "settings"}}],
	}])
}

test_secret_volume_passes if {
	count(secret_in_env.violation) == 0 with input as {
		"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
		"spec": {
			"containers": [{"name": "app", "volumeMounts": [{"name": "db", "mountPath": "/etc/secrets/db", "readOnly": true}]}],
			"volumes": [{"name": "db", "secret": {"secretName": "db-credentials"}}],
		},
	}
}

test_secret_key_ref_fails_at_its_path if {
	v := secret_in_env.violation with input as deployment([{
		"name": "app",
		"env": [
			{"name": "LOG_LEVEL", "value": "info"},
			{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db-credentials", "key": "password"}}},
		],
	}])
	v == {{
		"msg": concat("", ["container \"app\" reads key \"password\" of Secret \"db-credentials\" into env var \"DB_PASSWORD\": ", advice]),
		"path": ["spec", "template", "spec", "containers", 0, "env", 1, "valueFrom", "secretKeyRef"],
	}}
}

test_env_from_secret_ref_fails_at_its_path if {
	v := secret_in_env.violation with input as deployment([{
		"name": "app",
		"envFrom": [{"configMapRef": {"name": "settings"}}, {"secretRef": {"name": "api-keys"}, "prefix": "API_"}],
	}])
	v == {{
		"msg": concat("", ["container \"app\" loads every key of Secret \"api-keys\" into environment variables (prefixed \"API_\"): ", advice]),
		"path": ["spec", "template", "spec", "containers", 0, "envFrom", 1, "secretRef"],
	}}
}

test_missing_names_do_not_crash if {
	v := secret_in_env.violation with input as deployment([{
		"env": [{"valueFrom": {"secretKeyRef": {}}}],
		"envFrom": [{"secretRef": {}}],
	}])
	{x.msg | some x in v} == {
		concat("", ["container \"#0\" reads key (unnamed) of Secret (unnamed) into env var (unnamed): ", advice]),
		concat("", ["container \"#0\" loads every key of Secret (unnamed) into environment variables: ", advice]),
	}
}

test_init_and_ephemeral_containers_are_checked if {
	v := secret_in_env.violation with input as {
		"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c"},
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {
			"initContainers": [{"name": "migrate", "envFrom": [{"secretRef": {"name": "db"}}]}],
			"ephemeralContainers": [{"name": "debug", "env": [{"name": "TOKEN", "valueFrom": {"secretKeyRef": {"name": "t", "key": "k"}}}]}],
			"containers": [{"name": "run"}],
		}}}}},
	}
	{x.path | some x in v} == {
		["spec", "jobTemplate", "spec", "template", "spec", "initContainers", 0, "envFrom", 0, "secretRef"],
		["spec", "jobTemplate", "spec", "template", "spec", "ephemeralContainers", 0, "env", 0, "valueFrom", "secretKeyRef"],
	}
}

test_non_workload_is_ignored if {
	count(secret_in_env.violation) == 0 with input as {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "data": {"k": "dg=="}}
}
