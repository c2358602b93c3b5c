//! The bad-input suite: every case is linted together with
//! `fixtures/bad/good.yaml`, and must give its exact expected outcome (a
//! `parse-error` at a line and column, or exit code 2 naming the file)
//! without losing any of the good file's findings.

// Test code: a failed unwrap is a failed test, and printing is allowed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::disallowed_macros)]

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::support::{command, json, root, seaworthy_in, stderr};

const GOOD: &str = "fixtures/bad/good.yaml";

/// `seaworthy lint --no-config --format json ARGS...` from the crate root.
fn lint(args: &[&str]) -> Output {
    lint_in(&root(), args)
}

/// `seaworthy lint --no-config --format json ARGS...` from `dir`.
fn lint_in(dir: &Path, args: &[&str]) -> Output {
    let mut all = vec!["lint", "--no-config", "--format", "json"];
    all.extend_from_slice(args);
    seaworthy_in(dir, &all)
}

/// The findings of one file as `rule line:column message`. The file is
/// named relative to the run's folder, or ends with `file` when it is not
/// under it (the good file, for runs in a temporary folder).
fn findings_in(report: &serde_json::Value, file: &str) -> Vec<String> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| {
            let name = f["file"].as_str().unwrap_or_default();
            name == file || name.ends_with(&format!("/{file}"))
        })
        .map(|f| {
            format!(
                "{} {}:{} {}",
                f["rule"].as_str().unwrap_or_default(),
                f["start"]["line"],
                f["start"]["column"],
                f["message"].as_str().unwrap_or_default()
            )
        })
        .collect()
}

/// The good file's findings when it is linted alone.
fn good_findings() -> &'static [String] {
    static GOOD_FINDINGS: OnceLock<Vec<String>> = OnceLock::new();
    GOOD_FINDINGS.get_or_init(|| {
        let o = lint(&[GOOD]);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        let found = findings_in(&json(&o), GOOD);
        for expected in [
            "single-replica 7:3 ",
            "mutable-image-tag 16:11 ",
            "missing-liveness-probe 15:11 ",
        ] {
            assert!(
                found.iter().any(|f| f.starts_with(expected)),
                "{expected}: {found:#?}"
            );
        }
        found
    })
}

fn assert_good_findings_kept(report: &serde_json::Value) {
    assert_eq!(findings_in(report, GOOD), good_findings());
}

/// Lints `file` with the good file; its findings must be exactly `expected`
/// (`rule line:column` and a fragment of the message) and the exit code 1.
fn expect_findings(file: &str, expected: &[(&str, &str)]) {
    let o = lint(&[file, GOOD]);
    assert_eq!(o.status.code(), Some(1), "{file}: {}", stderr(&o));
    let r = json(&o);
    let found = findings_in(&r, file);
    assert_eq!(found.len(), expected.len(), "{file}: {found:#?}");
    for (f, (at, fragment)) in found.iter().zip(expected) {
        assert!(
            f.starts_with(&format!("{at} ")) && f.contains(fragment),
            "{file}: expected `{at}` with `{fragment}`, got `{f}`"
        );
    }
    assert_good_findings_kept(&r);
}

/// A file the run cannot read: exit 2, the file named on stderr with
/// `reason`, and the good file's findings still in the report.
fn expect_unreadable(dir: &Path, file: &str, reason: &str) {
    let good = root().join(GOOD);
    let good = good.to_str().expect("UTF-8 path");
    let o = lint_in(dir, &[file, good]);
    assert_eq!(o.status.code(), Some(2), "{file}: {}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains(file) && err.contains(reason),
        "{file}: {reason}: {err}"
    );
    assert_good_findings_kept(&json(&o));
}

fn bad(name: &str) -> String {
    format!("fixtures/bad/{name}")
}

// ------------------------------------------------------------ malformed YAML

#[test]
fn tab_indentation() {
    expect_findings(
        &bad("tab-indentation.yaml"),
        &[("parse-error 5:2", "tabs disallowed")],
    );
}

#[test]
fn unclosed_quote() {
    expect_findings(
        &bad("unclosed-quote.yaml"),
        &[("parse-error 5:9", "quoted scalar")],
    );
}

#[test]
fn bad_indentation() {
    expect_findings(
        &bad("bad-indentation.yaml"),
        &[("parse-error 6:3", "did not find expected key")],
    );
}

#[test]
fn unclosed_flow_sequence() {
    // At the end of the text, where the parser gave up looking for `]`.
    expect_findings(
        &bad("unclosed-flow-sequence.yaml"),
        &[("parse-error 8:1", "flow sequence")],
    );
}

#[test]
fn duplicate_keys_keep_the_later_value() {
    let file = bad("duplicate-keys.yaml");
    let o = lint(&[&file, GOOD]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let r = json(&o);
    let found = findings_in(&r, &file);
    assert!(
        found
            .iter()
            .any(|f| f.starts_with("mutable-image-tag 10:7 ") && f.contains("nginx:latest")),
        "the later `image` is the one linted: {found:#?}"
    );
    assert!(!found.iter().any(|f| f.starts_with("parse-error")));
    assert_good_findings_kept(&r);
}

#[test]
fn alias_bomb_is_stopped_in_bounded_time() {
    let started = Instant::now();
    expect_findings(
        &bad("alias-bomb.yaml"),
        &[("parse-error 12:38", "billion laughs")],
    );
    // Expanded, the document holds 10^9 nodes: hours and hundreds of
    // gigabytes. Stopped at a million, it takes about a second in a debug
    // build; the bound only has to tell the two apart.
    assert!(started.elapsed() < Duration::from_secs(60));
}

#[test]
fn ten_thousand_levels_of_nesting() {
    let dir = tempfile::tempdir().expect("tempdir");
    let flow = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\ndata:\n  x: {}{}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    // Compact block sequences (`- - - x`): 10,000 levels in 20 kB.
    let block = format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\nitems:\n{}x\n",
        "- ".repeat(10_000)
    );
    std::fs::write(dir.path().join("flow.yaml"), flow).expect("write");
    std::fs::write(dir.path().join("block.yaml"), block).expect("write");
    let good = root().join(GOOD);
    let o = lint_in(
        dir.path(),
        &[
            "flow.yaml",
            "block.yaml",
            good.to_str().expect("UTF-8 path"),
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let r = json(&o);
    // The parser's own limit stops flow nesting first; ours stops blocks.
    let flow = findings_in(&r, "flow.yaml");
    assert_eq!(flow.len(), 1, "{flow:#?}");
    assert!(flow[0].starts_with("parse-error 6:"), "{flow:#?}");
    let block = findings_in(&r, "block.yaml");
    assert_eq!(
        block,
        ["parse-error 6:1999 nesting deeper than 1000 levels"]
    );
    assert_good_findings_kept(&r);
}

// ------------------------------------------------------------ not YAML text

#[test]
fn binary_file_named_yaml() {
    expect_findings(&bad("binary.yaml"), &[("parse-error 1:1", "binary data")]);
}

#[test]
fn invalid_utf8() {
    expect_findings(
        &bad("invalid-utf8.yaml"),
        &[("parse-error 6:10", "invalid UTF-8 (byte 0xFC)")],
    );
}

/// The same Pod in UTF-16 with a BOM is read and linted like UTF-8.
#[test]
fn utf16_with_a_bom_is_linted() {
    for file in ["utf16le-bom.yaml", "utf16be-bom.yaml"] {
        let file = bad(file);
        let o = lint(&[&file, GOOD]);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        let r = json(&o);
        let found = findings_in(&r, &file);
        assert!(
            found
                .iter()
                .any(|f| f.starts_with("mutable-image-tag 8:7 ")),
            "{file}: {found:#?}"
        );
        assert!(!found.iter().any(|f| f.starts_with("parse-error")));
        assert_good_findings_kept(&r);
    }
}

#[test]
fn utf16_without_a_bom_is_named() {
    for file in ["utf16le-no-bom.yaml", "utf16be-no-bom.yaml"] {
        expect_findings(
            &bad(file),
            &[("parse-error 1:1", "UTF-16 text without a byte order mark")],
        );
    }
}

// --------------------------------------------------- YAML that is no object

#[test]
fn documents_that_are_not_objects_are_skipped_quietly() {
    for file in [
        "empty.yaml",
        "only-comments.yaml",
        "scalar.yaml",
        "list.yaml",
    ] {
        expect_findings(&bad(file), &[]);
    }
}

#[test]
fn api_version_of_the_wrong_type() {
    expect_findings(
        &bad("api-version-number.yaml"),
        &[(
            "parse-error 2:1",
            "apiVersion must be a non-empty string, not a number",
        )],
    );
}

#[test]
fn kind_of_the_wrong_type() {
    expect_findings(
        &bad("kind-map.yaml"),
        &[(
            "parse-error 3:1",
            "kind must be a non-empty string, not a mapping",
        )],
    );
}

#[test]
fn list_with_items_that_are_not_objects() {
    let file = bad("list-non-objects.yaml");
    let o = lint(&[&file, GOOD]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let r = json(&o);
    let found = findings_in(&r, &file);
    let problems: Vec<_> = found
        .iter()
        .filter(|f| f.starts_with("parse-error"))
        .map(|f| f.split(' ').nth(1).unwrap_or_default())
        .collect();
    assert_eq!(problems, ["5:5", "6:5", "7:5"], "{found:#?}");
    assert!(
        found
            .iter()
            .any(|f| f.starts_with("mutable-image-tag 15:11 ")),
        "the good item is linted: {found:#?}"
    );
    assert_good_findings_kept(&r);
}

// ----------------------------------------------------------- big inputs

/// Regression: mapping keys were checked for duplicates one by one, and
/// columns of non-ASCII text were counted from the start of the line, so a
/// big mapping or a minified JSON file took minutes (20,000 keys on one
/// non-ASCII line: over four minutes).
#[test]
fn big_mappings_and_long_lines_are_read_in_linear_time() {
    let dir = tempfile::tempdir().expect("tempdir");
    let keys: String = (0..200_000).map(|i| format!("key{i}: {i}\n")).collect();
    std::fs::write(dir.path().join("keys.yaml"), keys).expect("write");
    let data: Vec<String> = (0..50_000).map(|i| format!("\"k{i}\": \"v\"")).collect();
    let minified = format!(
        "{{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {{\"name\": \"größe\"}}, \"data\": {{{}}}, \"oops\": ]}}\n",
        data.join(", ")
    );
    std::fs::write(dir.path().join("minified.json"), &minified).expect("write");
    let started = Instant::now();
    let o = lint_in(dir.path(), &["keys.yaml", "minified.json"]);
    // Both took far over ten minutes before; a few seconds now.
    assert!(started.elapsed() < Duration::from_secs(120));
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    // The error at the end of the long line is at its exact column.
    let column = minified[..minified.find("]}").expect("the stray bracket")]
        .chars()
        .count()
        + 1;
    let found = findings_in(&json(&o), "minified.json");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].starts_with(&format!("parse-error 1:{column} ")),
        "{found:#?}"
    );
}

/// A 200 MB manifest would take gigabytes of memory and many minutes (20 MB
/// of small objects: 1 GB and 50 s in a release build), so inputs over
/// `MAX_INPUT_BYTES` are refused before they are read.
#[test]
fn a_200_mb_file_is_refused_quickly() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("huge.yaml");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).expect("create"));
    let mut written = 0;
    let mut i = 0;
    while written < 200_000_000 {
        let doc = format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-{i}\ndata:\n  key: value\n---\n"
        );
        out.write_all(doc.as_bytes()).expect("write");
        written += doc.len();
        i += 1;
    }
    out.flush().expect("flush");
    drop(out);
    let started = Instant::now();
    expect_unreadable(dir.path(), "huge.yaml", "larger than 32 MiB");
    // Refused on its size: nothing is read, so even a debug build answers
    // at once; reading it would take minutes.
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[cfg(unix)]
#[test]
fn an_endless_device_is_refused() {
    expect_unreadable(&root(), "/dev/zero", "larger than 32 MiB");
}

#[test]
fn too_much_standard_input_is_refused() {
    let mut child = command(&root())
        .args(["lint", "--no-config", "--format", "json", "-", GOOD])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut stdin = child.stdin.take().expect("stdin");
    let feeder = std::thread::spawn(move || {
        let line = "# padding padding padding padding padding padding padding\n".repeat(1000);
        // Stops when seaworthy closes the pipe after its limit.
        for _ in 0..1000 {
            if stdin.write_all(line.as_bytes()).is_err() {
                break;
            }
        }
    });
    let o = child.wait_with_output().expect("the binary finishes");
    feeder.join().expect("feeder");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("standard input: larger than 32 MiB"));
    assert_good_findings_kept(&json(&o));
}

// ------------------------------------------------------------ files and paths

#[cfg(unix)]
#[test]
fn symlink_loops() {
    let dir = tempfile::tempdir().expect("tempdir");
    let sub = dir.path().join("manifests/sub");
    std::fs::create_dir_all(&sub).expect("mkdir");
    std::fs::copy(root().join(GOOD), sub.join("app.yaml")).expect("copy");
    // A folder that links to its parent: walked once, no file twice.
    std::os::unix::fs::symlink("..", sub.join("up")).expect("symlink");
    let o = lint_in(dir.path(), &["manifests"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let r = json(&o);
    assert_eq!(r["summary"]["files"], 1);
    assert_eq!(
        findings_in(&r, "manifests/sub/app.yaml").len(),
        good_findings().len()
    );

    // A file that links to itself cannot be read: that is said, not skipped.
    std::os::unix::fs::symlink("self.yaml", dir.path().join("self.yaml")).expect("symlink");
    expect_unreadable(dir.path(), "self.yaml", "symbolic links");
}

#[cfg(unix)]
#[test]
fn unreadable_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("secret.yaml");
    std::fs::copy(root().join(GOOD), &path).expect("copy");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    if std::fs::read(&path).is_ok() {
        // As root, permissions do not stop reads: the file is linted.
        let good = root().join(GOOD);
        let o = lint_in(
            dir.path(),
            &["secret.yaml", good.to_str().expect("UTF-8 path")],
        );
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        assert_eq!(
            findings_in(&json(&o), "secret.yaml").len(),
            good_findings().len()
        );
    } else {
        expect_unreadable(dir.path(), "secret.yaml", "Permission denied");
    }
}

#[test]
fn a_directory_named_like_a_manifest_is_walked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let folder = dir.path().join("x.yaml");
    std::fs::create_dir(&folder).expect("mkdir");
    std::fs::copy(root().join(GOOD), folder.join("inner.yaml")).expect("copy");
    let o = lint_in(dir.path(), &["x.yaml"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(findings_in(&json(&o), "x.yaml/inner.yaml"), good_findings());
}

#[test]
fn a_path_that_does_not_exist() {
    expect_unreadable(&root(), "fixtures/bad/no-such-file.yaml", "no such file");
}

// ------------------------------------------------------------ config files

/// A config mistake stops the run before anything is linted: exit 2 and a
/// diagnostic at its line and column.
fn expect_config_error(config: &str, located: &str) {
    let config = bad(config);
    let o = seaworthy_in(
        &root(),
        &["lint", "--config", &config, "--format", "json", GOOD],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        o.stdout.is_empty(),
        "no report from a run that did not start"
    );
    let err = stderr(&o);
    assert!(err.contains(&format!("{config}:{located}")), "{err}");
}

#[test]
fn config_with_an_unknown_key() {
    expect_config_error("config/unknown-key.yaml", "3:1: unknown setting `fail_on`");
}

#[test]
fn config_with_a_wrong_type() {
    expect_config_error(
        "config/wrong-type.yaml",
        "2:10: `preview` must be true or false",
    );
}

#[test]
fn config_with_a_bad_policy_timeout() {
    expect_config_error(
        "config/bad-timeout.yaml",
        "2:17: `policy-timeout` must be a duration",
    );
}

// ---------------------------------------------------------------- policies

fn lint_with_policy(policy: &str, config: Option<&str>) -> Output {
    let policy = bad(&format!("policies/{policy}"));
    let config = config.map(bad);
    let mut args = vec!["lint", "--format", "json", "--policy", &policy];
    match &config {
        Some(c) => args.extend(["--config", c]),
        None => args.push("--no-config"),
    }
    args.push(GOOD);
    seaworthy_in(&root(), &args)
}

/// A policy that cannot be used stops the run: exit 2, at its line.
fn expect_policy_error(policy: &str, located: &str, message: &str) {
    let o = lint_with_policy(policy, None);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains(&format!("fixtures/bad/policies/{policy}/{located}")) && err.contains(message),
        "{err}"
    );
}

#[test]
fn policy_with_a_syntax_error() {
    expect_policy_error(
        "syntax-error",
        "syntax_error.rego:14:1",
        "expecting expression",
    );
}

#[test]
fn policy_with_recursive_rules() {
    expect_policy_error("recursive-rules", "cyclic.rego:12:1", "cyclic evaluation");
}

/// regorus's interpreter would overflow the stack on a function calling
/// itself; the policy is refused before anything runs.
#[test]
fn policy_with_a_recursive_function() {
    expect_policy_error(
        "recursive-function",
        "recursive_function.rego:12:1",
        "recursi",
    );
}

/// An evaluation error: exit 2 naming the rule and the object, and every
/// other rule's findings still reported.
fn expect_evaluation_error(o: &Output, rule: &str, message: &str) {
    assert_eq!(o.status.code(), Some(2), "{}", stderr(o));
    let err = stderr(o);
    assert!(
        err.contains(&format!(
            "rule `{rule}` failed on Deployment/good-neighbour: {message}"
        )),
        "{err}"
    );
    assert_good_findings_kept(&json(o));
}

#[test]
fn policy_that_loops_is_stopped_at_the_time_limit() {
    // 200 ms on the VM and 200 ms to find the rule, not 5 s each.
    let o = lint_with_policy("loop", Some("config/short-timeout.yaml"));
    expect_evaluation_error(&o, "spin", "stopped at the time limit of 200ms");
}

#[test]
fn policy_with_a_violation_that_is_not_an_object() {
    let o = lint_with_policy("malformed-violation", None);
    expect_evaluation_error(
        &o,
        "string-violation",
        "a violation must be an object with `msg` and `path`",
    );
}

#[test]
fn policy_with_a_path_that_is_not_a_list() {
    let o = lint_with_policy("malformed-path", None);
    expect_evaluation_error(&o, "dotted-path", "a violation needs `path` as an array");
}

#[test]
fn policy_with_a_path_that_does_not_exist() {
    let o = lint_with_policy("missing-path", None);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let r = json(&o);
    let found = findings_in(&r, GOOD);
    // At the nearest parent that exists: `spec`, shown by its key.
    assert!(
        found.contains(&"nowhere 6:1 points nowhere".to_string()),
        "{found:#?}"
    );
    let finding = r["findings"]
        .as_array()
        .and_then(|all| all.iter().find(|f| f["rule"] == "nowhere"))
        .expect("the finding");
    assert_eq!(finding["missing"], "strategy[7].deeper");
}

/// Builtin errors make the expression undefined, as OPA does without
/// `--strict-builtin-errors`: the rule finds nothing; the run goes on.
#[test]
fn policy_with_builtin_errors_finds_nothing() {
    for policy in ["divide-by-zero", "builtin-wrong-types"] {
        let o = lint_with_policy(policy, None);
        assert_eq!(o.status.code(), Some(1), "{policy}: {}", stderr(&o));
        // The good file's findings, and none from the policy.
        assert_good_findings_kept(&json(&o));
    }
}

/// Policies cannot reach the network or the environment: the builtins are
/// not compiled in, and the run stops at the call.
#[test]
fn policy_doing_io_is_refused_at_its_line() {
    expect_policy_error(
        "http-send",
        "http.rego:13:19",
        "could not find function http.send",
    );
    expect_policy_error(
        "opa-runtime",
        "runtime.rego:13:16",
        "could not find function opa.runtime",
    );
    expect_policy_error(
        "net-lookup",
        "lookup.rego:13:23",
        "could not find function net.lookup_ip_addr",
    );
}

// ------------------------------------------------------------------ Ctrl-C

/// Ctrl-C during a run: exit 130, the report of the previous run untouched,
/// and no temporary file left. The looping policy keeps the run busy for as
/// long as the test needs, whatever the machine's speed.
#[cfg(unix)]
#[test]
fn ctrl_c_leaves_no_partial_report() {
    interrupt_run(None);
    interrupt_run(Some("{\"previous\": \"run\"}\n"));
}

#[cfg(unix)]
fn interrupt_run(previous: Option<&str>) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut manifests = String::new();
    for i in 0..2_000 {
        manifests.push_str(&format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-{i}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: nginx:latest\n---\n"
        ));
    }
    std::fs::write(dir.path().join("big.yaml"), manifests).expect("write");
    std::fs::write(dir.path().join("config.yaml"), "policy-timeout: 1m\n").expect("write");
    if let Some(previous) = previous {
        std::fs::write(dir.path().join("out.sarif"), previous).expect("write");
    }
    let policy = root().join("fixtures/bad/policies/loop");
    let mut child = command(dir.path())
        .args([
            "lint",
            "--config",
            "config.yaml",
            "--policy",
            policy.to_str().expect("UTF-8 path"),
            "--format",
            "sarif=out.sarif",
            "big.yaml",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary runs");
    std::thread::sleep(Duration::from_millis(1500));
    assert!(
        child.try_wait().expect("status").is_none(),
        "the run ended before the interruption"
    );
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let status = child.wait().expect("the binary finishes");
    assert_eq!(status.code(), Some(130), "{status:?}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("out.sarif"))
            .ok()
            .as_deref(),
        previous
    );
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".out.sarif.") && n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
