//! Inputs and references handled the way a user expects: `# Source:`
//! comments, rendered Helm output in the repository and from stdin,
//! suppressions that name no real rule, files reached twice, empty stdin, the
//! config's policies in every command that lists rules, policy packages that
//! do not match their file, and custom policies with parameters.

use std::path::Path;

use crate::cli::sarif_schema;
use crate::support::{
    json, root, seaworthy, seaworthy_in, seaworthy_with_stdin, stderr, stdout, write_files,
};

/// `rule | file | line:column | template` for each finding of a JSON report.
fn places(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            format!(
                "{} | {} | {}:{} | {}",
                f["rule"].as_str().unwrap_or_default(),
                f["file"].as_str().unwrap_or_default(),
                f["start"]["line"],
                f["start"]["column"],
                f["template"].as_str().unwrap_or("-"),
            )
        })
        .collect()
}

fn schema_errors(sarif: &serde_json::Value) -> Vec<String> {
    sarif_schema()
        .iter_errors(sarif)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect()
}

// ------------------------------------------------------------ # Source:

/// A `# Source:` comment that is not a chart template's path (here a URL)
/// is a comment: the findings stay in the file, in every format.
#[test]
fn a_source_comment_that_is_no_template_is_only_a_comment() {
    let file = "fixtures/inputs/source-comment.yaml";
    let args = ["lint", "--no-config", "--select", "mutable-image-tag", file];
    let report = json(&seaworthy(&[&args[..], &["--format", "json"]].concat()));
    assert_eq!(
        places(&report),
        ["mutable-image-tag | fixtures/inputs/source-comment.yaml | 12:7 | -"]
    );
    let sarif = json(&seaworthy(&[&args[..], &["--format", "sarif"]].concat()));
    let result = &sarif["runs"][0]["results"][0];
    let physical = &result["locations"][0]["physicalLocation"];
    assert_eq!(physical["artifactLocation"]["uri"], file);
    assert_eq!(physical["region"]["startLine"], 12);
    assert!(result.get("relatedLocations").is_none(), "{result}");
    let github = stdout(&seaworthy(&[&args[..], &["--format", "github"]].concat()));
    assert!(
        github.starts_with(&format!("::error file={file},line=12,col=7,")),
        "{github}"
    );
}

/// Rendered Helm output committed to the repository: SARIF and GitHub
/// annotations keep each finding on the file and its region, and name the
/// template it was rendered from (SARIF: a related location).
#[test]
fn rendered_output_in_the_repository_stays_on_its_file() {
    let file = "fixtures/inputs/helm-rendered.yaml";
    let args = ["lint", "--no-config", "--select", "mutable-image-tag", file];
    let sarif = json(&seaworthy(&[&args[..], &["--format", "sarif"]].concat()));
    let errors = schema_errors(&sarif);
    assert!(errors.is_empty(), "{errors:#?}");
    let results = &sarif["runs"][0]["results"];
    insta::assert_json_snapshot!("rendered_in_repository_sarif", results);
    let physical = &results[0]["locations"][0]["physicalLocation"];
    assert_eq!(physical["artifactLocation"]["uri"], file);
    assert_eq!(physical["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert_eq!(physical["region"]["startLine"], 25);
    assert_eq!(
        results[0]["relatedLocations"][0]["message"]["text"],
        "rendered from shop/templates/deployment.yaml"
    );

    let github = seaworthy(&[&args[..], &["--format", "github", "--quiet"]].concat());
    insta::assert_snapshot!("rendered_in_repository_github", stdout(&github));
    assert!(
        stdout(&github).starts_with(&format!("::error file={file},line=25,col=11,")),
        "{}",
        stdout(&github)
    );

    // The fingerprint is the file's: the same chart rendered twice into
    // two files gives two findings, not one (a baseline of one would
    // otherwise silence the other).
    let dir = tempfile::tempdir().expect("tempdir");
    let text = std::fs::read_to_string(root().join(file)).expect("fixture");
    write_files(dir.path(), &[("dev.yaml", &text), ("prod.yaml", &text)]);
    let both = seaworthy_in(
        dir.path(),
        &[
            "lint",
            "--no-config",
            "--select",
            "mutable-image-tag",
            "--format",
            "json",
            ".",
        ],
    );
    let prints: Vec<_> = json(&both)["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(prints.len(), 2);
    assert_ne!(prints[0], prints[1]);
}

/// `helm template … | seaworthy lint -`: stdin has no file, so GitHub
/// annotations go on the template, at no line, and say which line of the
/// rendered output it was (SARIF: see `cli::helm_output_is_mapped_to_its_templates`).
#[test]
fn rendered_output_from_stdin_is_put_on_its_template_without_a_line() {
    let text = std::fs::read_to_string(root().join("fixtures/inputs/helm-rendered.yaml"))
        .expect("fixture");
    let out = seaworthy_with_stdin(
        &root(),
        &[
            "lint",
            "-",
            "--no-config",
            "--select",
            "mutable-image-tag",
            "--format",
            "github",
            "--quiet",
        ],
        &text,
    );
    assert_eq!(
        stdout(&out),
        "::error file=shop/templates/deployment.yaml,title=mutable-image-tag::container \"shop\" image \"registry.example.com/shop:latest\" uses the mutable tag \"latest\" (the template's own line is not known: line 25 of the rendered output)\n"
    );
}

// ---------------------------------------------------------- suppressions

/// A suppression naming a rule that does not exist is an
/// `invalid-suppression` at the name, with the rule it likely meant; the
/// rules it names rightly still suppress.
#[test]
fn suppressions_of_unknown_rules_are_invalid_at_the_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_files(
        dir.path(),
        &[(
            "pod.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  annotations:\n    seaworthy.dev/ignore: \"runs-as-root, misisng-liveness-probe\"\n    seaworthy.dev/ignore-reason: vendor image\nspec:\n  securityContext:\n    runAsUser: 0\n  containers:\n    - name: web\n      # seaworthy:ignore mutable-image-tag,no-such-thing -- rewritten at release\n      image: registry.example.com/web:latest\n",
        )],
    );
    let out = seaworthy_in(
        dir.path(),
        &[
            "lint",
            "--no-config",
            "--select",
            "runs-as-root,mutable-image-tag,invalid-suppression,unused-suppression",
            "--format",
            "json",
            "pod.yaml",
        ],
    );
    let report = json(&out);
    let rows: Vec<String> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            format!(
                "{} {}:{}-{} {}{}",
                f["rule"].as_str().unwrap_or_default(),
                f["start"]["line"],
                f["start"]["column"],
                f["end"]["column"],
                f["message"].as_str().unwrap_or_default(),
                if f["suppressed"].is_null() {
                    ""
                } else {
                    " (suppressed)"
                }
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            "invalid-suppression 6:42-64 suppression names `misisng-liveness-probe`, which is not a rule, so it suppresses nothing: did you mean `missing-liveness-probe`?",
            "runs-as-root 10:5-17 container \"web\" runs as root: runAsUser is 0 (from the pod securityContext) (suppressed)",
            "invalid-suppression 13:44-57 suppression names `no-such-thing`, which is not a rule, so it suppresses nothing: `seaworthy rules` lists every rule",
            "mutable-image-tag 14:7-45 container \"web\" image \"registry.example.com/web:latest\" uses the mutable tag \"latest\" (suppressed)",
        ],
        "{report:#}"
    );
    // Warnings, not errors: the run fails only at `--fail-on warning`.
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// An ignore annotation that is not a string suppresses nothing and says
/// so; under `--strict`, in-source suppressions are not read at all.
#[test]
fn a_suppression_annotation_that_is_not_a_string_is_invalid() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_files(
        dir.path(),
        &[(
            "pod.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  annotations:\n    seaworthy.dev/ignore: [runs-as-root]\n    seaworthy.dev/ignore-reason: vendor image\nspec:\n  securityContext:\n    runAsUser: 0\n  containers:\n    - name: web\n      image: registry.example.com/web:1.0\n",
        )],
    );
    let args = [
        "lint",
        "--no-config",
        "--select",
        "runs-as-root,invalid-suppression",
        "--format",
        "concise",
        "pod.yaml",
    ];
    let out = seaworthy_in(dir.path(), &args);
    let text = stdout(&out);
    assert!(
        text.contains("pod.yaml:6:5: warning[invalid-suppression] `seaworthy.dev/ignore` must be a string (`\"rule-a,rule-b\"`), not a list, so the suppression suppresses nothing"),
        "{text}"
    );
    assert!(text.contains("error[runs-as-root]"), "{text}");
    let strict = seaworthy_in(dir.path(), &[&args[..], &["--strict"]].concat());
    assert!(
        !stdout(&strict).contains("invalid-suppression"),
        "{}",
        stdout(&strict)
    );
}

// ----------------------------------------------------------------- paths

/// A file reached twice is linted once: overlapping paths, `./x` and `x`,
/// a symbolic link.
#[test]
fn a_file_reached_twice_is_linted_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n    - name: web\n      image: registry.example.com/web:latest\n";
    write_files(dir.path(), &[("deploy/app.yaml", pod), ("x.yaml", pod)]);
    #[cfg(unix)]
    std::os::unix::fs::symlink("app.yaml", dir.path().join("deploy/link.yaml")).expect("symlink");
    let run = |paths: &[&str]| {
        let args = [
            &["lint", "--no-config", "--select", "mutable-image-tag"][..],
            &["--format", "json"],
            paths,
        ]
        .concat();
        let report = json(&seaworthy_in(dir.path(), &args));
        let files: Vec<String> = report["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .map(|f| f["file"].as_str().unwrap_or_default().to_string())
            .collect();
        (report["summary"]["files"].as_u64(), files)
    };
    assert_eq!(
        run(&["deploy", "deploy/app.yaml"]),
        (Some(1), vec!["deploy/app.yaml".to_string()])
    );
    assert_eq!(
        run(&["./x.yaml", "x.yaml"]),
        (Some(1), vec!["x.yaml".to_string()])
    );
    assert_eq!(
        run(&["deploy/app.yaml", "deploy"]),
        (Some(1), vec!["deploy/app.yaml".to_string()])
    );
}

/// `seaworthy lint -` with nothing on stdin (a failed `helm template`
/// upstream) is an error, not a clean run.
#[test]
fn empty_stdin_is_an_error() {
    let args = ["lint", "--no-config", "-"];
    for input in ["", "\n\n", "---\n# Source: shop/templates/x.yaml\n---\n"] {
        let out = seaworthy_with_stdin(&root(), &args, input);
        assert_eq!(out.status.code(), Some(2), "{input:?}: {}", stdout(&out));
        assert!(
            stderr(&out).contains("no input on stdin"),
            "{}",
            stderr(&out)
        );
    }
    // In JSON too: the run is incomplete.
    let out = seaworthy_with_stdin(
        &root(),
        &["lint", "--no-config", "-", "--format", "json"],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    let errors = json(&out)["errors"].to_string();
    assert!(errors.contains("no input on stdin"), "{errors}");
    // YAML that holds no Kubernetes object is still input.
    let out = seaworthy_with_stdin(&root(), &args, "replicaCount: 1\n");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

// ------------------------------------------------------ custom policies

/// A custom policy that declares its parameters, with their types and
/// defaults, as the built-in ones do.
const TEAM_LABEL: &str = r#"# METADATA
# title: Object has no team label
# description: Every object names the team that answers for it.
# custom:
#   severity: warning
#   kinds: [Deployment]
#   remediation: Add the label.
#   params:
#     key:
#       type: string
#       default: team
#       description: The label that names the team.
#     teams:
#       type: list
#       items: string
#       description: The teams allowed; empty allows any.
package seaworthy.policy.team_label

import rego.v1

key := object.get(object.get(data.seaworthy.params, "team_label", {}), "key", "team")

teams := object.get(object.get(data.seaworthy.params, "team_label", {}), "teams", [])

violation contains {"msg": sprintf("no %s label", [key]), "path": ["metadata", "labels", key]} if {
	not input.metadata.labels[key]
}

violation contains {"msg": sprintf("team %q is not one of %v", [team, teams]), "path": ["metadata", "labels", key]} if {
	team := input.metadata.labels[key]
	count(teams) > 0
	not team in teams
}
"#;

const TEAM_LABEL_TEST: &str = r#"package seaworthy.policy.team_label_test

import data.seaworthy.policy.team_label
import rego.v1

deployment(labels) := {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x", "labels": labels}}

test_default_key_is_team if {
	v := team_label.violation with input as deployment({})
	v == {{"msg": "no team label", "path": ["metadata", "labels", "team"]}}
}

test_key_from_params if {
	count(team_label.violation) == 0 with input as deployment({"owner": "a"})
		with data.seaworthy.params.team_label as {"key": "owner"}
}

test_teams_from_params if {
	count(team_label.violation) == 1 with input as deployment({"team": "c"})
		with data.seaworthy.params.team_label as {"teams": ["a", "b"]}
}
"#;

const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels:\n    owner: payments\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n        - name: web\n          image: registry.example.com/web:1.0\n";

/// A repository with the custom policy under `policies/` and a config.
fn team_repo(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    write_files(
        dir.path(),
        &[
            ("policies/team_label.rego", TEAM_LABEL),
            ("policies/team_label_test.rego", TEAM_LABEL_TEST),
            ("deploy/web.yaml", DEPLOYMENT),
            (".seaworthy.yaml", config),
        ],
    );
    dir
}

/// `rules`, `explain` and `policy test` read the config's `policies` as
/// `lint` does: the nearest `.seaworthy.yaml`, or `--config`; not with
/// `--no-config`.
#[test]
fn catalog_commands_honour_the_config() {
    let dir = team_repo("policies: [policies]\n");
    let listed = |args: &[&str]| stdout(&seaworthy_in(dir.path(), args)).contains("team-label");
    assert!(listed(&["rules"]));
    assert!(listed(&["rules", "--format", "json"]));
    assert!(!listed(&["rules", "--no-config"]));
    let explain = seaworthy_in(dir.path(), &["explain", "team-label"]);
    assert_eq!(explain.status.code(), Some(0), "{}", stderr(&explain));
    let unknown = seaworthy_in(dir.path(), &["explain", "team-label", "--no-config"]);
    assert_eq!(unknown.status.code(), Some(2));

    // From elsewhere, with --config: the folders are the config's.
    let other = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join(".seaworthy.yaml");
    let config = config.to_str().expect("UTF-8 path");
    let out = seaworthy_in(other.path(), &["rules", "--config", config]);
    assert!(stdout(&out).contains("team-label"), "{}", stderr(&out));
    let tests = seaworthy_in(other.path(), &["policy", "test", "--config", config]);
    assert!(
        stdout(&tests).ends_with("rego: 3 passed, 0 failed\n"),
        "{}",
        stdout(&tests)
    );
    // Without DIR or config: the built-in policies' tests.
    let builtin = seaworthy_in(other.path(), &["policy", "test"]);
    assert!(
        stdout(&builtin).contains("policies/runs_as_root_test.rego"),
        "{}",
        stdout(&builtin)
    );
    // Named with --policy as well as in the config: read once.
    let twice = seaworthy_in(dir.path(), &["rules", "--policy", "policies"]);
    assert_eq!(twice.status.code(), Some(0), "{}", stderr(&twice));
    let twice = seaworthy_in(dir.path(), &["policy", "test", "policies", "./policies"]);
    assert!(
        stdout(&twice).ends_with("rego: 3 passed, 0 failed\n"),
        "{}",
        stdout(&twice)
    );
}

/// A diagnostic as one line: without the frame miette draws, and with its
/// wrapped lines joined.
fn flat(text: &str) -> String {
    text.replace(['│', '×'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A policy's rule ID is its file's stem: a package that says otherwise is
/// refused at the package line.
#[test]
fn a_policy_package_must_match_its_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let policy = TEAM_LABEL.replace(
        "package seaworthy.policy.team_label",
        "package seaworthy.policy.owner_label",
    );
    write_files(dir.path(), &[("p/team_label.rego", &policy)]);
    let out = seaworthy_in(dir.path(), &["lint", "--no-config", "--policy", "p", "."]);
    assert_eq!(out.status.code(), Some(2));
    let err = flat(&stderr(&out));
    assert!(
        err.contains("p/team_label.rego:17:9: package `seaworthy.policy.owner_label` does not match the file name `team_label.rego`: write `package seaworthy.policy.team_label`"),
        "{err}"
    );
}

fn messages(dir: &Path, rule: &str) -> Vec<String> {
    let out = seaworthy_in(
        dir,
        &["lint", "--select", rule, "--format", "json", "deploy"],
    );
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
    json(&out)["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["message"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn custom_policies_declare_typed_params_like_built_in_ones() {
    // Unset: the declared default.
    let dir = team_repo("policies: [policies]\n");
    assert_eq!(messages(dir.path(), "team-label"), ["no team label"]);
    // Set: checked, then used.
    let dir = team_repo(
        "policies: [policies]\nparams:\n  team-label:\n    key: owner\n    teams: [payments, search]\n",
    );
    assert!(messages(dir.path(), "team-label").is_empty());
    let dir = team_repo(
        "policies: [policies]\nparams:\n  team-label:\n    key: owner\n    teams: [search]\n",
    );
    assert_eq!(
        messages(dir.path(), "team-label"),
        ["team \"payments\" is not one of [\"search\"]"]
    );

    // A wrong type or an unknown key stops the run at its config line.
    let dir = team_repo("policies: [policies]\nparams:\n  team-label:\n    teams: search\n");
    let out = seaworthy_in(dir.path(), &["lint", "deploy"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(".seaworthy.yaml:4:12:") && stderr(&out).contains("list"),
        "{}",
        stderr(&out)
    );
    let dir = team_repo("policies: [policies]\nparams:\n  team-label:\n    keys: owner\n");
    let out = seaworthy_in(dir.path(), &["lint", "deploy"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(".seaworthy.yaml:4:5: unknown parameter `keys` of rule `team-label`")
            && err.contains("did you mean `key`?"),
        "{err}"
    );

    // `policy test` runs the config's policies' tests, and `explain`
    // documents the parameters.
    let dir = team_repo("policies: [policies]\n");
    let tests = seaworthy_in(dir.path(), &["policy", "test"]);
    assert_eq!(tests.status.code(), Some(0), "{}", stdout(&tests));
    assert!(
        stdout(&tests).ends_with("rego: 3 passed, 0 failed\n"),
        "{}",
        stdout(&tests)
    );
    let explain = stdout(&seaworthy_in(dir.path(), &["explain", "team-label"]));
    assert!(
        explain.contains("key") && explain.contains("team") && explain.contains("teams"),
        "{explain}"
    );
}

/// A parameter declaration that is wrong is an error in the policy, at its
/// line.
#[test]
fn a_wrong_param_declaration_in_a_custom_policy_is_located() {
    let bad = TEAM_LABEL.replace("type: string", "type: text");
    let dir = tempfile::tempdir().expect("tempdir");
    write_files(dir.path(), &[("p/team_label.rego", &bad)]);
    let out = seaworthy_in(dir.path(), &["rules", "--no-config", "--policy", "p"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("p/team_label.rego:10:") && stderr(&out).contains("text"),
        "{}",
        stderr(&out)
    );
}
