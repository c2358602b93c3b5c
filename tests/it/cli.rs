//! End-to-end tests: the real binary on bundled fixtures, and the catalog
//! checked rule by rule through the library.

use std::path::Path;
use std::process::Output;

use seaworthy::config::Config;
use seaworthy::document::Node;
use seaworthy::engine::Engine;
use seaworthy::lint;
use seaworthy::rules::{self, parse_error::ID as PARSE_ERROR};
use seaworthy::settings::{Choices, Settings, DEFAULT_POLICY_TIMEOUT};

use crate::support::{
    json, read_json, root, seaworthy, seaworthy_in, seaworthy_with_stdin, stderr, stdout,
    write_files,
};

/// Each finding of a JSON report as one row `a | b | c` of the fields named
/// (dotted paths such as `start.line`).
fn columns(report: &serde_json::Value, fields: &[&str]) -> Vec<String> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let cells: Vec<String> = fields
                .iter()
                .map(|field| {
                    let value = field.split('.').fold(f, |v, key| &v[key]);
                    match value {
                        serde_json::Value::String(text) => text.clone(),
                        other => other.to_string(),
                    }
                })
                .collect();
            cells.join(" | ")
        })
        .collect()
}

// ---------------------------------------------------------------- catalog

/// Settings that run one rule, with the parameters of the fixture folder's
/// `config.yaml` (a `.seaworthy.yaml`) when it has one; the rules its
/// `select` names run too (the rules a suppression fixture suppresses).
fn settings_for(rule: &str, fixture_dir: &Path) -> Settings {
    let config_path = fixture_dir.join("config.yaml");
    let config = if config_path.exists() {
        seaworthy::config::load(&config_path).expect("fixture config")
    } else {
        Config::default()
    };
    let mut select = vec![rule.to_string()];
    select.extend(config.select.iter().flatten().map(|s| s.value.clone()));
    let choices = Choices {
        select: Some(select),
        preview: true,
        ..Choices::default()
    };
    Settings::resolve(&config, &choices, &[]).expect("settings")
}

/// Every built-in rule, Rego or Rust, has docs, tests (Rego unit tests when
/// written in Rego; Rust ones beside its code otherwise) and pass/fail
/// fixtures; its pass fixture gives no finding, and its fail fixture
/// findings at the places recorded in its snapshot: for a rule about
/// objects, at least one on every object.
#[test]
fn every_rule_has_docs_tests_and_fixtures_that_hold() {
    let catalog = rules::catalog(&[]).expect("built-in catalog");
    let mut checked = 0;
    // The drift rules compare a cluster with manifests: their scenarios
    // against the test server are in `drift.rs`.
    let drift: Vec<_> = catalog
        .rules
        .iter()
        .filter(|r| r.meta.tags.iter().any(|t| t == "drift"))
        .collect();
    assert_eq!(drift.len(), rules::DRIFT.len());
    for rule in catalog
        .rules
        .iter()
        .filter(|r| !drift.iter().any(|d| d.id == r.id))
    {
        let stem = rule.stem();
        assert!(
            !rule.meta.description.is_empty(),
            "{}: no description",
            rule.id
        );
        assert!(
            !rule.meta.remediation.is_empty(),
            "{}: no remediation",
            rule.id
        );
        if rule.query.is_some() {
            let test_file = root().join(format!("policies/{stem}_test.rego"));
            let test_text = std::fs::read_to_string(&test_file)
                .unwrap_or_else(|_| panic!("{}: missing {}", rule.id, test_file.display()));
            assert!(test_text.contains("\ntest_"), "{}: no test_ rules", rule.id);
        }
        let dir = root().join("fixtures/policies").join(&stem);
        let settings = settings_for(&rule.id, &dir);

        let (pass, _) = lint::run(&settings, &[dir.join("pass.yaml")]).expect("lint");
        assert!(pass.errors.is_empty(), "{}: {:?}", rule.id, pass.errors);
        // Findings about the input and about suppressions are on no object.
        let about_objects =
            rule.id != PARSE_ERROR && !rule.meta.tags.iter().any(|t| t == "suppression");
        assert!(pass.objects() > 0, "{}: pass.yaml holds no object", rule.id);
        let wrong: Vec<_> = pass.findings.iter().filter(|f| f.rule == rule.id).collect();
        assert!(
            wrong.is_empty(),
            "{}: pass.yaml has findings: {wrong:#?}",
            rule.id
        );

        let (fail, _) = lint::run(&settings, &[dir.join("fail.yaml")]).expect("lint");
        assert!(fail.errors.is_empty(), "{}: {:?}", rule.id, fail.errors);
        let found: Vec<_> = fail.findings.iter().filter(|f| f.rule == rule.id).collect();
        assert!(!found.is_empty(), "{}: fail.yaml gives no finding", rule.id);
        if rule.meta.scope == seaworthy::policy::Scope::Object && about_objects {
            assert!(fail.objects() > 0, "{}: fail.yaml holds no object", rule.id);
            let mut flagged: Vec<String> = found
                .iter()
                .filter_map(|f| f.object.as_ref().map(|o| o.logical_name()))
                .collect();
            flagged.dedup();
            assert_eq!(
                flagged.len(),
                fail.objects(),
                "{}: every object of fail.yaml must be flagged, got {flagged:?}",
                rule.id
            );
        }
        let listing: String = found
            .iter()
            .map(|f| {
                let s = f.location.span;
                format!(
                    "{}:{}-{}:{} {} | {}\n",
                    s.start.line,
                    s.start.column,
                    s.end.line,
                    s.end.column,
                    f.message,
                    f.location
                        .missing
                        .as_deref()
                        .map_or(String::new(), |m| format!("missing {m}"))
                )
            })
            .collect();
        insta::assert_snapshot!(format!("fail_{stem}"), listing);
        checked += 1;
    }
    assert_eq!(
        checked + drift.len(),
        catalog.rules.len(),
        "every rule is checked"
    );
    assert!(checked >= 30, "only {checked} rules checked");
}

#[test]
fn every_fixture_folder_belongs_to_a_rule() {
    let catalog = rules::catalog(&[]).expect("catalog");
    let mut folders = 0;
    for entry in std::fs::read_dir(root().join("fixtures/policies")).expect("fixtures") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .into_owned();
        assert!(
            catalog.rule(&name.replace('_', "-")).is_some(),
            "fixtures/policies/{name} has no rule"
        );
        folders += 1;
    }
    assert!(folders >= 9, "only {folders} fixture folders");
}

#[test]
fn the_rego_unit_tests_pass() {
    let catalog = rules::catalog(&[]).expect("catalog");
    let params = Node {
        value: seaworthy::document::Value::Map(Vec::new()),
        span: Default::default(),
    };
    let mut engine = Engine::new(&catalog, &params, true, DEFAULT_POLICY_TIMEOUT).expect("engine");
    let outcomes = engine.run_tests(&catalog.modules);
    assert!(outcomes.len() >= 50, "only {} Rego tests", outcomes.len());
    let failed: Vec<_> = outcomes.iter().filter(|o| o.result != Ok(true)).collect();
    assert!(failed.is_empty(), "{failed:#?}");
}

#[test]
fn policy_test_command_reports_and_fails_on_a_failing_test() {
    let ok = seaworthy(&["policy", "test"]);
    assert_eq!(ok.status.code(), Some(0), "{}", stdout(&ok));
    assert!(stdout(&ok).contains(" passed, 0 failed"));

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("broken_test.rego"),
        "package custom.broken_test\n\nimport rego.v1\n\ntest_two_is_three if {\n\t2 == 3\n}\n\ntest_one_is_one if {\n\t1 == 1\n}\n",
    )
    .unwrap();
    let out = seaworthy(&["policy", "test", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("FAIL"), "{text}");
    assert!(text.contains("test_two_is_three"), "{text}");
    assert!(text.contains("1 passed, 1 failed"), "{text}");
}

// ---------------------------------------------------------------- inputs

#[test]
fn multi_document_list_and_json_inputs_are_located() {
    let out = seaworthy(&[
        "lint",
        "--no-config",
        "--format",
        "json",
        "--select",
        "mutable-image-tag",
        "fixtures/inputs/multi-doc.yaml",
        "fixtures/inputs/list.yaml",
        "fixtures/inputs/job.json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(
        columns(
            &report,
            &[
                "file",
                "object.name",
                "start.line",
                "start.column",
                "end.column"
            ]
        ),
        [
            "fixtures/inputs/multi-doc.yaml | frontend | 15 | 11 | 54",
            "fixtures/inputs/multi-doc.yaml | debug | 25 | 7 | 42",
            "fixtures/inputs/list.yaml | db | 19 | 15 | 58",
            "fixtures/inputs/job.json | migrate | 10 | 26 | 65",
        ]
    );
    assert_eq!(
        report["summary"]["objects"], 5,
        "the values document is not an object"
    );
}

#[test]
fn crlf_bom_and_anchors_are_read() {
    let out = seaworthy(&[
        "lint",
        "--no-config",
        "--format",
        "json",
        "--select",
        "mutable-image-tag,missing-memory-limit",
        "fixtures/inputs/crlf.yaml",
        "fixtures/inputs/bom.yaml",
        "fixtures/inputs/anchors.yaml",
    ]);
    let report = json(&out);
    assert_eq!(
        columns(&report, &["rule", "start.line", "start.column"]),
        [
            // Reports follow the order of the paths given.
            "missing-memory-limit | 7 | 7",
            "mutable-image-tag | 8 | 7",
            // The BOM is not counted as a column.
            "missing-memory-limit | 7 | 7",
            "mutable-image-tag | 8 | 7",
            // worker-a, and worker-b whose image comes through the merge key:
            // a merged field is reported where it is written. The shared
            // memory limit satisfies missing-memory-limit for both.
            "mutable-image-tag | 12 | 11",
            "mutable-image-tag | 12 | 11",
        ]
    );
    let names = columns(&report, &["message"]);
    assert!(names[5].contains("worker-b"), "{names:?}");
    let files = columns(&report, &["file"]);
    assert_eq!(files[0], "fixtures/inputs/crlf.yaml");
    assert_eq!(files[2], "fixtures/inputs/bom.yaml");
}

#[test]
fn a_broken_file_does_not_hide_the_others() {
    let out = seaworthy(&[
        "lint",
        "--no-config",
        "--format",
        "json",
        "--select",
        "parse-error,mutable-image-tag",
        "fixtures/broken",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    assert_eq!(
        columns(&report, &["file", "rule", "start.line"]),
        [
            "fixtures/broken/good.yaml | mutable-image-tag | 8".to_string(),
            format!("fixtures/broken/unclosed.yaml | {PARSE_ERROR} | 6"),
            // The document after the broken one in the same file is still linted.
            "fixtures/broken/unclosed.yaml | mutable-image-tag | 15".to_string(),
        ]
    );
}

#[test]
fn stdin_is_read_with_dash() {
    let manifest = std::fs::read_to_string(root().join("fixtures/inputs/crlf.yaml")).unwrap();
    let out = seaworthy_with_stdin(
        &root(),
        &[
            "lint",
            "--no-config",
            "--format",
            "json",
            "--select",
            "mutable-image-tag",
            "-",
        ],
        &manifest,
    );
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    assert_eq!(report["findings"][0]["file"], "<stdin>");
    assert_eq!(report["findings"][0]["start"]["line"], 8);
}

#[test]
fn folders_skip_hidden_directories_and_other_extensions() {
    let dir = tempfile::tempdir().unwrap();
    let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: x}]\n";
    write_files(
        dir.path(),
        &[
            (".git/config.yaml", pod),
            ("app/pod.yml", pod),
            ("app/notes.txt", pod),
            ("chart.yaml", "name: not-k8s\nversion: 1.0.0\n"),
        ],
    );
    let out = seaworthy_in(
        dir.path(),
        &[
            "lint",
            "--no-config",
            "--format",
            "json",
            "--select",
            "mutable-image-tag",
            ".",
        ],
    );
    let report = json(&out);
    assert_eq!(report["summary"]["files"], 2);
    assert_eq!(report["summary"]["objects"], 1);
    assert_eq!(report["findings"][0]["file"], "app/pod.yml");
}

// ---------------------------------------------------------------- exit codes

#[test]
fn exit_codes_follow_the_contract() {
    let clean = seaworthy(&[
        "lint",
        "--no-config",
        "fixtures/policies/missing_cpu_request/pass.yaml",
        "--select",
        "missing-cpu-request",
    ]);
    assert_eq!(clean.status.code(), Some(0), "{}", stdout(&clean));
    assert!(stdout(&clean).contains("No findings in 1 file (4 objects checked)."));

    let findings = seaworthy(&[
        "lint",
        "--no-config",
        "fixtures/policies/missing_cpu_request/fail.yaml",
        "--select",
        "missing-cpu-request",
        "--fail-on",
        "warning",
    ]);
    assert_eq!(findings.status.code(), Some(1));

    // Warnings only: by default (`--fail-on error`) they do not fail the run.
    let below = seaworthy(&[
        "lint",
        "--no-config",
        "fixtures/policies/missing_cpu_request/fail.yaml",
        "--select",
        "missing-cpu-request",
    ]);
    assert_eq!(below.status.code(), Some(0));
    let never = seaworthy(&["lint", "--no-config", "examples/shop", "--fail-on", "never"]);
    assert_eq!(never.status.code(), Some(0));

    let missing = seaworthy(&[
        "lint",
        "--no-config",
        "no/such/path.yaml",
        "fixtures/policies/missing_cpu_request/pass.yaml",
    ]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("no/such/path.yaml: no such file or directory"),
        "{}",
        stderr(&missing)
    );
    assert!(
        stdout(&missing).contains("1 file"),
        "the other path is still linted"
    );

    let bad_flag = seaworthy(&["lint", "--fail-on", "sometimes"]);
    assert_eq!(bad_flag.status.code(), Some(2));
    let bad_rule = seaworthy(&[
        "lint",
        "--no-config",
        "--select",
        "missing-cpu-requests",
        "examples",
    ]);
    assert_eq!(bad_rule.status.code(), Some(2));
    assert!(
        stderr(&bad_rule).contains("did you mean `missing-cpu-request`?"),
        "{}",
        stderr(&bad_rule)
    );
}

// ---------------------------------------------------------------- config and policies

#[test]
fn config_selects_overrides_and_passes_params() {
    let dir = tempfile::tempdir().unwrap();
    write_files(
        dir.path(),
        &[
            (
                "policies/required_team.rego",
                "# METADATA\n# title: Object has no team label\n# description: Every object names its team.\n# custom:\n#   severity: note\n#   remediation: Add a team label.\npackage seaworthy.policy.required_team\n\nimport rego.v1\n\nviolation contains {\"msg\": msg, \"path\": [\"metadata\", \"labels\", key]} if {\n\tkey := data.seaworthy.params.required_team.key\n\tnot input.metadata.labels[key]\n\tmsg := sprintf(\"no %s label\", [key])\n}\n",
            ),
            (
                ".seaworthy.yaml",
                "select: [required-team, mutable-image-tag]\nseverity:\n  mutable-image-tag: warning\nfail-on: warning\nparams:\n  required-team:\n    key: team\npolicies: [policies]\n",
            ),
            (
                "pod.yaml",
                "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n    app: p\nspec:\n  containers:\n    - name: a\n      image: nginx\n",
            ),
        ],
    );
    let out = seaworthy_in(dir.path(), &["lint", "--format", "json", "pod.yaml"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(
        columns(&report, &["rule", "severity", "message", "start.line"]),
        [
            "required-team | note | no team label | 5",
            "mutable-image-tag | warning | container \"a\" image \"nginx\" has no tag (resolves to :latest) | 10",
        ]
    );
    // The flag overrides the config's threshold.
    let lenient = seaworthy_in(dir.path(), &["lint", "--fail-on", "error", "pod.yaml"]);
    assert_eq!(lenient.status.code(), Some(0));
}

/// A rule's `params` are checked against what its METADATA declares: a typo
/// must not leave an error-level rule silently unconfigured.
#[test]
fn rule_parameters_are_checked_against_their_declaration() {
    let dir = tempfile::tempdir().unwrap();
    let run = |config: &str| {
        std::fs::write(dir.path().join(".seaworthy.yaml"), config).unwrap();
        std::fs::write(
            dir.path().join("ok.yaml"),
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
        )
        .unwrap();
        let out = seaworthy_in(dir.path(), &["lint", "ok.yaml"]);
        (out.status.code(), stderr(&out))
    };
    let (code, err) = run("params:\n  untrusted-registry:\n    registry: [r.example.com/]\n");
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains(
            ".seaworthy.yaml:3:5: unknown parameter `registry` of rule `untrusted-registry`"
        ),
        "{err}"
    );
    assert!(err.contains("did you mean `registries`?"), "{err}");

    let (code, err) = run("params:\n  missing-required-label:\n    labels: owner\n");
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains(
            ".seaworthy.yaml:3:13: `labels` must be a list of mappings or strings, not a string"
        ),
        "{err}"
    );

    let (code, err) = run("params:\n  missing-required-label:\n    labels: [{key: a}, 3]\n");
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains(":3:24: each item of `labels`"), "{err}");

    let (code, err) = run("params:\n  missing-cpu-limit:\n    x: 1\n");
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains(":2:3: rule `missing-cpu-limit` takes no parameters"),
        "{err}"
    );

    let (code, err) = run("params:\n  untrusted-registry: [r.example.com/]\n");
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("must be a mapping of its parameters (registries)"),
        "{err}"
    );

    let (code, err) = run("params:\n  untrusted-registry:\n    registries: [r.example.com/]\n");
    assert_eq!(
        code,
        Some(0),
        "a declared parameter of the right type passes: {err}"
    );
}

#[test]
fn config_mistakes_exit_2_pointing_into_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".seaworthy.yaml"),
        "select: [all]\nignore:\n  - missing-cpu-limits\n",
    )
    .unwrap();
    let out = seaworthy_in(dir.path(), &["lint", "."]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(".seaworthy.yaml:3:5: unknown rule `missing-cpu-limits`"),
        "{err}"
    );
    assert!(err.contains("did you mean `missing-cpu-limit`?"), "{err}");
    assert!(
        err.contains("3 │   - missing-cpu-limits"),
        "the line is shown: {err}"
    );
}

#[test]
fn a_policy_with_a_syntax_error_exits_2_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.rego"),
        "# METADATA\n# title: Bad\n# custom:\n#   severity: error\npackage seaworthy.policy.bad\n\nimport rego.v1\n\nviolation contains {\"msg\": \"x\"} if {\n\tinput.kind ==\n}\n",
    )
    .unwrap();
    let policy = dir.path().to_str().unwrap();
    let out = seaworthy(&["lint", "--no-config", "--policy", policy, "examples/shop"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("bad.rego:11:1"), "{err}");
    assert!(err.contains("11 │ }"), "the line is shown: {err}");
}

#[test]
fn rules_and_explain_describe_the_catalog() {
    let table = seaworthy(&["rules"]);
    assert_eq!(table.status.code(), Some(0));
    let table_text = stdout(&table);
    let row = table_text
        .lines()
        .find(|l| l.starts_with("missing-cpu-limit "))
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>())
        .expect("missing-cpu-limit is listed");
    assert_eq!(row, ["missing-cpu-limit", "note", "preview"]);
    let listing = seaworthy(&["rules", "--format", "json"]);
    let rules = json(&listing);
    assert!(rules
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["id"] == "runs-as-root" && r["severity"] == "error"));
    let explain = seaworthy(&["explain", "runs-as-root"]);
    assert!(stdout(&explain).contains("How to fix:"));
    let unknown = seaworthy(&["explain", "runs-as-rot"]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("did you mean `runs-as-root`?"));
}

// ---------------------------------------------------------------- reports

#[test]
fn human_report_snapshot() {
    let out = seaworthy(&["lint", "--no-config", "examples/shop"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    // Each object named once, each rule's help once.
    for heading in [
        "Deployment shop/api  examples/shop/api.yaml:3\n",
        "CronJob shop/nightly-report  examples/shop/nightly-report.yaml:2\n",
        "Deployment shop/worker  examples/shop/worker.yaml:3\n",
    ] {
        assert_eq!(text.matches(heading).count(), 1, "{heading}{text}");
    }
    assert_eq!(text.matches("\n  runs-as-root\n").count(), 1, "{text}");
    assert_eq!(text.matches("  error[runs-as-root]: ").count(), 2, "{text}");
    insta::assert_snapshot!("human_shop", text);
}

/// The README opens with this run's output, whole.
#[test]
fn the_readme_shows_a_real_lint_run() {
    const ARGS: [&str; 4] = [
        "lint",
        "--select",
        "runs-as-root,missing-liveness-probe,missing-memory-limit,mutable-image-tag",
        "examples/shop",
    ];
    let out = seaworthy(&[&ARGS[..], &["--no-config"]].concat());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let block = format!("```\n$ seaworthy {}\n{}```\n", ARGS.join(" "), stdout(&out));
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    assert!(
        readme.contains(&block),
        "the README's first example is not this run's output:\n{block}"
    );
}

#[test]
fn preview_rules_need_preview() {
    let without = seaworthy(&[
        "lint",
        "--no-config",
        "--format",
        "json",
        "--select",
        "missing-cpu-limit",
        "examples/shop",
    ]);
    assert_eq!(json(&without)["summary"]["findings"], 0);
    assert!(stderr(&without).contains("rule `missing-cpu-limit` is in preview"));
    let with = seaworthy(&[
        "lint",
        "--no-config",
        "--format",
        "json",
        "--select",
        "missing-cpu-limit",
        "--preview",
        "examples/shop",
    ]);
    assert!(json(&with)["summary"]["findings"].as_u64().unwrap() > 0);
}

pub fn sarif_schema() -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("tests/data/sarif-schema-2.1.0.json")).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).expect("the SARIF schema compiles")
}

#[test]
fn sarif_is_valid_against_the_official_schema_and_precise() {
    let out = seaworthy(&[
        "lint",
        "--no-config",
        "--format",
        "sarif",
        "examples/shop",
        "fixtures/broken",
    ]);
    let sarif = json(&out);
    let validator = sarif_schema();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");

    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    for result in run["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        let loc = &result["locations"][0]["physicalLocation"];
        assert!(
            loc["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .starts_with("examples/")
                || loc["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap()
                    .starts_with("fixtures/")
        );
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
        assert!(
            result["partialFingerprints"]["seaworthy/v1"]
                .as_str()
                .unwrap()
                .len()
                == 16
        );
    }
    // A parse error has no object, and no logical location.
    assert!(run["results"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["ruleId"] == PARSE_ERROR));
    // The whole document, with its version stripped so a release needs no new snapshot.
    let mut stable = sarif.clone();
    stable["runs"][0]["tool"]["driver"]["version"] = "VERSION".into();
    stable["runs"][0]["tool"]["driver"]["semanticVersion"] = "VERSION".into();
    insta::assert_json_snapshot!("sarif_shop", stable);
}

#[test]
fn sarif_fingerprints_survive_inserted_lines() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = std::fs::read_to_string(root().join("examples/shop/worker.yaml")).unwrap();
    std::fs::write(dir.path().join("w.yaml"), &manifest).unwrap();
    let before = json(&seaworthy_in(
        dir.path(),
        &["lint", "--no-config", "--format", "sarif", "w.yaml"],
    ));
    std::fs::write(
        dir.path().join("w.yaml"),
        format!("# a new comment\n# and another\n{manifest}"),
    )
    .unwrap();
    let after = json(&seaworthy_in(
        dir.path(),
        &["lint", "--no-config", "--format", "sarif", "w.yaml"],
    ));
    let prints = |s: &serde_json::Value| -> Vec<(String, u64)> {
        s["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["partialFingerprints"]["seaworthy/v1"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                    r["locations"][0]["physicalLocation"]["region"]["startLine"]
                        .as_u64()
                        .unwrap(),
                )
            })
            .collect()
    };
    let (b, a) = (prints(&before), prints(&after));
    assert!(!b.is_empty(), "the manifest gives findings to compare");
    assert_eq!(b.len(), a.len());
    for ((fb, lb), (fa, la)) in b.iter().zip(&a) {
        assert_eq!(fb, fa, "fingerprint changed");
        assert_eq!(lb + 2, *la, "the lines did move");
    }
}

#[test]
fn several_formats_in_one_run_write_files() {
    let dir = tempfile::tempdir().unwrap();
    let sarif_path = dir.path().join("out.sarif");
    let json_path = dir.path().join("out.json");
    let out = seaworthy(&[
        "lint",
        "--no-config",
        "examples/shop",
        "--format",
        &format!("sarif={}", sarif_path.display()),
        "--format",
        &format!("json={}", json_path.display()),
        "--format",
        "human",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let sarif = read_json(&sarif_path);
    let report = read_json(&json_path);
    let count = report["summary"]["findings"].as_u64().unwrap();
    assert!(count > 0);
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len() as u64, count, "SARIF and JSON agree");
    let human = stdout(&out);
    assert!(
        human.contains(&format!("Found {count} findings")),
        "{human}"
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .filter(|n| n.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

#[test]
fn docs_rules_md_is_generated_from_the_metadata() {
    let out = seaworthy(&["rules", "--format", "markdown"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let generated = stdout(&out);
    assert!(generated.contains("runs-as-root"), "{generated}");
    let committed = std::fs::read_to_string(root().join("docs/rules.md")).unwrap_or_default();
    assert!(
        generated == committed,
        "docs/rules.md is stale: run `cargo run -- rules --format markdown > docs/rules.md`"
    );
}

fn suppressions(args: &[&str]) -> Output {
    let mut all = vec![
        "lint",
        "fixtures/suppressions",
        "--config",
        "fixtures/suppressions/seaworthy.yaml",
    ];
    all.extend_from_slice(args);
    seaworthy(&all)
}

/// Annotations, comments and config entries suppress with their reason;
/// one without a reason, an unused one and an expired one are reported.
#[test]
fn suppressions_leave_a_trace() {
    let out = suppressions(&["--format", "json"]);
    let report = json(&out);
    let suppressed: Vec<String> = columns(
        &report,
        &[
            "rule",
            "object.name",
            "start.line",
            "suppressed.kind",
            "suppressed.justification",
        ],
    )
    .into_iter()
    .filter(|row| !row.ends_with("null | null"))
    .collect();
    assert_eq!(
        suppressed,
        [
            "runs-as-root | converter | 22 | inSource | vendor image needs root until v3 (ticket MEDIA-112)",
            "missing-liveness-probe | converter | 24 | inSource | vendor image needs root until v3 (ticket MEDIA-112)",
            "missing-memory-limit | report | 14 | external | batch jobs are capped by the namespace LimitRange",
            "mutable-image-tag | report | 16 | inSource | the tag is rewritten to a digest at release",
            "runs-as-root | report | 18 | inSource | legacy NFS share owned by root",
        ]
    );
    let about_suppressions: Vec<String> = columns(&report, &["rule", "file", "start.line"])
        .into_iter()
        .filter(|row| {
            row.split(" | ")
                .next()
                .is_some_and(|r| r.ends_with("-suppression"))
        })
        .collect();
    assert_eq!(
        about_suppressions,
        [
            "invalid-suppression | fixtures/suppressions/annotated.yaml | 38",
            "unused-suppression | fixtures/suppressions/comments.yaml | 19",
        ]
    );
    // The reasonless annotation suppresses nothing.
    assert!(columns(&report, &["rule", "object.name", "suppressed"])
        .contains(&"runs-as-root | thumbnailer | null".to_string()));
    // The expired entry no longer suppresses, and says so.
    assert!(
        stderr(&out).contains("expired on 2020-01-31"),
        "{}",
        stderr(&out)
    );
    assert_eq!(report["summary"]["suppressed"], 5);
    let total = report["findings"].as_array().map_or(0, Vec::len);
    assert_eq!(report["summary"]["findings"], total - 5);

    // The human report does not show them but counts them.
    let human = stdout(&suppressions(&[]));
    assert!(human.contains("Not shown: 5 suppressed."), "{human}");
    // Of the three runs-as-root findings, only the unsuppressed one is shown.
    let shown = human
        .lines()
        .filter(|l| l.starts_with("  error[runs-as-root]: "))
        .count();
    assert_eq!(shown, 1, "{human}");
}

#[test]
fn strict_ignores_suppressions_written_in_manifests_only() {
    let report = json(&suppressions(&["--strict", "--format", "json"]));
    let kinds: Vec<String> = columns(&report, &["rule", "object.name", "suppressed.kind"])
        .into_iter()
        .filter(|row| !row.ends_with("null"))
        .collect();
    assert_eq!(kinds, ["missing-memory-limit | report | external"]);
}

#[test]
fn suppressed_findings_do_not_fail_the_gate() {
    let args = |strict: bool| {
        let mut a = vec![
            "lint",
            "fixtures/suppressions/comments.yaml",
            "--no-config",
            "--select",
            "runs-as-root,mutable-image-tag",
        ];
        if strict {
            a.push("--strict");
        }
        a
    };
    assert_eq!(seaworthy(&args(false)).status.code(), Some(0));
    assert_eq!(seaworthy(&args(true)).status.code(), Some(1));
}

#[test]
fn sarif_records_suppressions_with_their_kind_and_justification() {
    let out = suppressions(&["--format", "sarif"]);
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).expect("SARIF");
    let errors: Vec<String> = sarif_schema()
        .iter_errors(&sarif)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let results = sarif["runs"][0]["results"].as_array().expect("results");
    let mut kinds: Vec<String> = results
        .iter()
        .filter_map(|r| r["suppressions"][0]["kind"].as_str().map(str::to_string))
        .collect();
    kinds.sort();
    assert_eq!(
        kinds,
        ["external", "inSource", "inSource", "inSource", "inSource"]
    );
    assert!(results
        .iter()
        .any(|r| r["suppressions"][0]["justification"] == "legacy NFS share owned by root"));
}

/// Adopting seaworthy on a repository with old findings: the baseline
/// holds them, only new findings fail, and edits above old findings do not
/// make them new.
#[test]
fn a_baseline_fails_only_on_new_findings() {
    let dir = tempfile::tempdir().expect("tempdir");
    let shop = dir.path().join("shop");
    std::fs::create_dir(&shop).expect("mkdir");
    for name in ["api.yaml", "worker.yaml", "nightly-report.yaml"] {
        std::fs::copy(root().join("examples/shop").join(name), shop.join(name)).expect("copy");
    }
    let first = seaworthy_in(
        dir.path(),
        &["lint", "shop", "--no-config", "--format", "sarif=old.sarif"],
    );
    assert_eq!(first.status.code(), Some(1));

    let worker = shop.join("worker.yaml");
    let text = std::fs::read_to_string(&worker).expect("read");
    std::fs::write(&worker, format!("# moved down by a comment\n\n{text}")).expect("write");
    std::fs::write(
        shop.join("new.yaml"),
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: debug\nspec:\n  containers:\n    - name: shell\n      image: busybox:latest\n      securityContext:\n        runAsUser: 0\n",
    )
    .expect("write");

    let again = seaworthy_in(
        dir.path(),
        &[
            "lint",
            "shop",
            "--no-config",
            "--baseline",
            "old.sarif",
            "--format",
            "json",
        ],
    );
    assert_eq!(again.status.code(), Some(1), "the new Pod has errors");
    let report = json(&again);
    let rows = columns(&report, &["file", "baseline"]);
    assert!(
        rows.iter()
            .all(|r| r.starts_with("shop/new.yaml | new") || r.ends_with("| unchanged")),
        "{rows:#?}"
    );
    assert!(rows.iter().any(|r| r.starts_with("shop/new.yaml | new")));
    assert!(rows.iter().any(|r| r == "shop/worker.yaml | unchanged"));

    std::fs::remove_file(shop.join("new.yaml")).expect("rm");
    let clean = seaworthy_in(
        dir.path(),
        &["lint", "shop", "--no-config", "--baseline", "old.sarif"],
    );
    assert_eq!(clean.status.code(), Some(0), "{}", stdout(&clean));
    assert!(stdout(&clean).contains("unchanged from the baseline"));

    let missing = seaworthy_in(dir.path(), &["lint", "shop", "--baseline", "nope.sarif"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("nope.sarif"));
}

/// `helm template | seaworthy lint -`: findings go on the chart's template
/// file, honestly without a line, since only the rendered line is known.
#[test]
fn helm_output_is_mapped_to_its_templates() {
    let text = std::fs::read_to_string(root().join("fixtures/inputs/helm-rendered.yaml"))
        .expect("fixture");
    let args = ["lint", "-", "--no-config", "--select", "mutable-image-tag"];
    let json_out =
        seaworthy_with_stdin(&root(), &[&args[..], &["--format", "json"]].concat(), &text);
    assert_eq!(
        columns(
            &json(&json_out),
            &["rule", "file", "template", "start.line"]
        ),
        ["mutable-image-tag | <stdin> | shop/templates/deployment.yaml | 25"]
    );
    let sarif_out = seaworthy_with_stdin(
        &root(),
        &[&args[..], &["--format", "sarif"]].concat(),
        &text,
    );
    let sarif: serde_json::Value = serde_json::from_slice(&sarif_out.stdout).expect("SARIF");
    let errors: Vec<String> = sarif_schema()
        .iter_errors(&sarif)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let result = &sarif["runs"][0]["results"][0];
    let physical = &result["locations"][0]["physicalLocation"];
    assert_eq!(
        physical["artifactLocation"]["uri"],
        "shop/templates/deployment.yaml"
    );
    assert!(physical.get("region").is_none(), "{physical}");
    let message = result["message"]["text"].as_str().unwrap_or_default();
    assert!(
        message.contains("line 25 of the rendered output"),
        "{message}"
    );
}

/// GitHub code scanning rejects a run of more than 25,000 results: the
/// SARIF report keeps the most important ones and says how many it left out.
#[test]
fn sarif_respects_github_result_limit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut text = String::new();
    for i in 0..1300 {
        text.push_str(&format!(
            "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p{i}\nspec:\n  containers:\n    - name: a\n      image: busybox:latest\n    - name: b\n      image: busybox:latest\n"
        ));
    }
    std::fs::write(dir.path().join("many.yaml"), text).expect("write");
    let out = seaworthy_in(
        dir.path(),
        &[
            "lint",
            "many.yaml",
            "--no-config",
            "--select",
            "all",
            "--preview",
            "--format",
            "sarif=out.sarif",
            "--format",
            "json=out.json",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let all = read_json(&dir.path().join("out.json"));
    let total = all["findings"].as_array().map_or(0, Vec::len);
    assert!(
        total > 25_000,
        "only {total} findings: the input is too small"
    );
    let sarif = read_json(&dir.path().join("out.sarif"));
    let run = &sarif["runs"][0];
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), 25_000);
    let errors_kept = results.iter().filter(|r| r["level"] == "error").count();
    let errors_all = all["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["severity"] == "error")
        .count();
    assert_eq!(errors_kept, errors_all, "every error is kept");
    let note = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .and_then(|n| n.last())
        .and_then(|n| n["message"]["text"].as_str())
        .unwrap_or_default()
        .to_string();
    assert!(
        note.starts_with(&format!("{} results left out", total - 25_000)),
        "{note}"
    );
}

#[test]
fn inventory_rules_see_their_kinds_whole_and_the_rest_by_identity() {
    let dir = tempfile::tempdir().unwrap();
    // One rule names Service: a ConfigMap reaches it without its data. A
    // rule that names no kind sees every object whole.
    let policy = |stem: &str, kinds: &str| {
        format!(
            "# METADATA\n# title: T\n# custom:\n#   severity: error\n#   scope: inventory\n{kinds}package seaworthy.policy.{stem}\n\nimport rego.v1\n\nviolation contains {{\"msg\": msg, \"path\": [], \"object\": i}} if {{\n\tsome i, obj in input.objects\n\tobj.kind == \"ConfigMap\"\n\tmsg := sprintf(\"%s labels=%v data=%v annotations=%v\", [obj.metadata.name, object.get(obj.metadata, \"labels\", {{}}), object.get(obj, \"data\", \"absent\"), object.get(obj.metadata, \"annotations\", \"absent\")])\n}}\n"
        )
    };
    write_files(
        dir.path(),
        &[
            ("named.rego", &policy("named", "#   kinds: [Service]\n")),
            ("every.rego", &policy("every", "")),
            (
                "cm.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  labels: {app: shop}\n  annotations: {note: big}\ndata:\n  key: value\n",
            ),
        ],
    );
    let message = |rule: &str| {
        let out = seaworthy_in(
            dir.path(),
            &[
                "lint",
                "--no-config",
                "--policy",
                ".",
                "--select",
                rule,
                "--format",
                "json",
                "cm.yaml",
            ],
        );
        columns(&json(&out), &["message"]).join("\n")
    };
    assert_eq!(
        message("named"),
        r#"settings labels={"app": "shop"} data=absent annotations=absent"#
    );
    assert_eq!(
        message("every"),
        r#"settings labels={"app": "shop"} data={"key": "value"} annotations={"note": "big"}"#
    );
    // Run together, the rules share one input: the one that names no kind
    // makes every object whole.
    assert_eq!(message("named,every").lines().count(), 2);
}

/// A report file that cannot be written is named, and the other reports
/// are still written.
#[test]
fn a_report_that_cannot_be_written_spares_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let json_file = dir.path().join("out.json");
    let out = seaworthy(&[
        "lint",
        "--no-config",
        "--format",
        "sarif=/no/such/dir/x.sarif",
        "--format",
        &format!("json={}", json_file.display()),
        "--format",
        "concise",
        "examples/shop",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("/no/such/dir/x.sarif"), "{err}");
    assert!(read_json(&json_file)["findings"].as_array().unwrap().len() > 10);
    assert!(
        stdout(&out).contains("examples/shop/worker.yaml:"),
        "{}",
        stdout(&out)
    );
}

/// A reader that stops early (`seaworthy lint | head`) is not an error: no
/// complaint on stderr, and the exit code still gives the verdict.
#[test]
fn a_closed_stdout_is_not_an_error() {
    let mut child = crate::support::command(&root())
        .args(["lint", "--no-config", "examples/shop"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(!err.contains("cannot write"), "{err}");
}

/// A Helm chart found in a folder is not parsed (its templates are not
/// YAML): one note says how to lint it, and the run is not incomplete. A
/// template named directly is a parse error with the same hint.
#[test]
fn helm_charts_are_skipped_with_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    write_files(
        dir.path(),
        &[
            ("chart/Chart.yaml", "apiVersion: v2\nname: shop\nversion: 0.1.0\n"),
            ("chart/values.yaml", "replicas: 1\n"),
            (
                "chart/templates/deploy.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n  labels: {{- include \"labels\" . | nindent 4 }}\n",
            ),
            (
                "plain/cm.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n",
            ),
        ],
    );
    let out = seaworthy_in(dir.path(), &["lint", "--no-config", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert_eq!(err.matches("a Helm chart").count(), 1, "{err}");
    assert!(
        err.contains("chart: a Helm chart") && err.contains("helm template CHART"),
        "{err}"
    );
    assert!(
        stdout(&out).contains("1 object checked"),
        "{}",
        stdout(&out)
    );

    let direct = seaworthy_in(
        dir.path(),
        &[
            "lint",
            "--no-config",
            "--format",
            "concise",
            "chart/templates/deploy.yaml",
        ],
    );
    assert_eq!(direct.status.code(), Some(1));
    let line = stdout(&direct);
    assert!(
        line.contains("error[parse-error]") && line.contains("helm template CHART"),
        "{line}"
    );
}
