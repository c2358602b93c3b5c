//! CI integrations end to end: the junit and github reports, the pre-commit
//! hooks under the real pre-commit from PyPI (ignored by default: they need
//! the network; `cargo test -- --ignored` runs them), and the GitHub Action's
//! steps run the way the runner runs them.

// Test code: a failed unwrap is a failed test, and printing is allowed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::disallowed_macros)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Instant;

use seaworthy::document::{parse_yaml, Node, Value};

use crate::support::{
    binary, files_under, read_json, root, seaworthy_in, stderr, stdout, write_files,
};

/// A manifest with no finding of severity error: two warnings
/// (`single-replica`, `image-not-pinned`).
const GOOD: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
      containers:
        - name: web
          image: registry.example.com/shop/web:1.4.2
          resources:
            requests:
              cpu: 100m
              memory: 128Mi
            limits:
              memory: 256Mi
          readinessProbe:
            httpGet:
              path: /ready
              port: 8080
          livenessProbe:
            httpGet:
              path: /healthz
              port: 8080
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: [ALL]
";

/// A manifest with errors: it runs as root from a mutable tag.
const BAD: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: bad
spec:
  securityContext:
    runAsUser: 0
  containers:
    - name: app
      image: nginx:latest
";

/// YAML and JSON a repository holds that are not Kubernetes objects.
const NOT_KUBERNETES: [(&str, &str); 3] = [
    (
        "chart/values.yaml",
        "replicaCount: 1\nimage:\n  tag: latest\n",
    ),
    (
        ".github/workflows/ci.yml",
        "on: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n",
    ),
    ("package.json", "{\"name\": \"site\", \"private\": true}\n"),
];

// ------------------------------------------------------------ the reports

#[test]
fn junit_shop() {
    let out = seaworthy_in(
        &root(),
        &["lint", "--no-config", "--format", "junit", "examples/shop"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    insta::assert_snapshot!("junit_shop", stdout(&out));
}

#[test]
fn github_shop() {
    let out = seaworthy_in(
        &root(),
        &["lint", "--no-config", "--format", "github", "examples/shop"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    insta::assert_snapshot!("github_shop", stdout(&out));
}

fn attr<T: std::str::FromStr>(node: roxmltree::Node, name: &str) -> T {
    node.attribute(name)
        .unwrap_or_else(|| panic!("<{}> has no {name}", node.tag_name().name()))
        .parse()
        .unwrap_or_else(|_| panic!("{name} is not a number"))
}

fn children<'a, 'i>(
    node: roxmltree::Node<'a, 'i>,
    tag: &'static str,
) -> impl Iterator<Item = roxmltree::Node<'a, 'i>> {
    node.children().filter(move |n| n.has_tag_name(tag))
}

/// One `<failure>` read back, with the names of its suite and case.
struct Failure {
    suite: String,
    case: String,
    message: String,
    kind: String,
    body: String,
}

/// Checks that every count attribute is the number of cases it counts, and
/// returns the failures.
fn check_junit(xml: &str) -> Vec<Failure> {
    let doc = roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    let top = doc.root_element();
    assert_eq!(top.tag_name().name(), "testsuites");
    let mut sums = [0usize; 4];
    let mut failures = Vec::new();
    for suite in children(top, "testsuite") {
        let cases: Vec<_> = children(suite, "testcase").collect();
        let errored = cases
            .iter()
            .filter(|c| children(**c, "error").next().is_some())
            .count();
        let failed = cases
            .iter()
            .filter(|c| children(**c, "error").next().is_none())
            .filter(|c| children(**c, "failure").next().is_some())
            .count();
        let skipped = cases
            .iter()
            .filter(|c| children(**c, "skipped").next().is_some())
            .inspect(|c| assert!(children(**c, "failure").next().is_none()))
            .count();
        let suite_name: String = attr(suite, "name");
        assert_eq!(attr::<usize>(suite, "tests"), cases.len(), "{suite_name}");
        assert_eq!(attr::<usize>(suite, "failures"), failed, "{suite_name}");
        assert_eq!(attr::<usize>(suite, "errors"), errored, "{suite_name}");
        assert_eq!(attr::<usize>(suite, "skipped"), skipped, "{suite_name}");
        sums[0] += cases.len();
        sums[1] += failed;
        sums[2] += errored;
        sums[3] += skipped;
        for case in cases {
            for failure in children(case, "failure") {
                failures.push(Failure {
                    suite: suite_name.clone(),
                    case: attr(case, "name"),
                    message: attr(failure, "message"),
                    kind: attr(failure, "type"),
                    body: failure.text().unwrap_or_default().to_string(),
                });
            }
        }
    }
    assert_eq!(attr::<usize>(top, "tests"), sums[0]);
    assert_eq!(attr::<usize>(top, "failures"), sums[1]);
    assert_eq!(attr::<usize>(top, "errors"), sums[2]);
    assert_eq!(attr::<usize>(top, "skipped"), sums[3]);
    failures
}

/// The JUnit report read back: the counts add up, there is one case per
/// object × applicable rule (plus a parse case per file), every finding of
/// the JSON report that counts is a failure of the case of its rule and
/// object, and suppressed ones make their case skipped.
#[test]
fn junit_counts_add_up_and_every_finding_fails_its_case() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("fixtures/broken/unclosed.yaml"),
        dir.path().join("unclosed.yaml"),
    )
    .unwrap();
    let fixtures = [
        "examples/shop/api.yaml",
        "examples/shop/worker.yaml",
        "examples/shop/nightly-report.yaml",
        "fixtures/suppressions/annotated.yaml",
        "fixtures/suppressions/comments.yaml",
    ];
    for name in fixtures {
        let to = dir.path().join(Path::new(name).file_name().unwrap());
        std::fs::copy(root().join(name), to).unwrap();
    }
    let report_dir = tempfile::tempdir().unwrap();
    let report_file = report_dir.path().join("r.json");
    let out = seaworthy_in(
        dir.path(),
        &[
            "lint",
            "--no-config",
            "--format",
            "junit",
            "--format",
            &format!("json={}", report_file.display()),
            ".",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let xml = stdout(&out);
    let failures = check_junit(&xml);

    // One case per object × enabled rule that applies to its kind, and one
    // parse case per file, counted independently through the library.
    let settings = seaworthy::settings::Settings::resolve(
        &seaworthy::config::Config::default(),
        &seaworthy::settings::Choices::default(),
        &[],
    )
    .unwrap();
    let (outcome, _) = seaworthy::lint::run(&settings, &[dir.path().to_path_buf()]).unwrap();
    let per_object: usize = outcome
        .checked
        .iter()
        .map(|(_, object)| {
            settings
                .rules
                .iter()
                .filter(|r| r.query.is_some() && r.applies_to(&object.kind))
                .count()
        })
        .sum();
    // Findings on no object other than parse errors get a case per file.
    let mut per_file: Vec<(usize, &str)> = outcome
        .findings
        .iter()
        .filter(|f| f.object.is_none() && f.rule != "parse-error")
        .map(|f| (f.location.source, f.rule.as_str()))
        .collect();
    per_file.sort();
    per_file.dedup();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    assert_eq!(
        attr::<usize>(doc.root_element(), "tests"),
        per_object + outcome.sources.len() + per_file.len()
    );

    let report = read_json(&report_file);
    let all = report["findings"].as_array().unwrap();
    let (findings, waived): (Vec<_>, Vec<_>) = all
        .iter()
        .partition(|f| f["suppressed"].is_null() && f["baseline"] != "unchanged");
    assert_eq!(failures.len(), findings.len());
    assert!(findings.iter().any(|f| f["rule"] == "parse-error"));
    assert!(!waived.is_empty(), "the fixtures hold suppressed findings");
    let skipped = attr::<usize>(doc.root_element(), "skipped");
    assert!(skipped > 0 && skipped <= waived.len(), "{xml}");
    for f in findings {
        let file = f["file"].as_str().unwrap();
        let rule = f["rule"].as_str().unwrap();
        let case = match f["object"]["kind"].as_str() {
            None => rule.to_string(),
            Some(kind) => format!(
                "{rule} ({kind}/{}{})",
                f["object"]["namespace"]
                    .as_str()
                    .map(|n| format!("{n}/"))
                    .unwrap_or_default(),
                f["object"]["name"].as_str().unwrap()
            ),
        };
        let place = format!("{file}:{}:{}:", f["start"]["line"], f["start"]["column"]);
        let matched = failures.iter().any(|x| {
            x.suite == file
                && x.case == case
                && x.message == f["message"].as_str().unwrap()
                && x.kind == f["severity"].as_str().unwrap()
                && x.body.starts_with(&place)
        });
        assert!(matched, "no failure for {f:#}\n{xml}");
    }
}

/// A policy whose message holds what each format must escape: `%`, `,`, `:`,
/// a newline, markup and a control character XML 1.0 cannot hold at all.
const ODD_POLICY: &str = r#"# METADATA
# title: Odd message
# description: A message full of characters that reports escape.
# custom:
#   severity: warning
#   kinds: [ConfigMap]
#   remediation: Nothing to fix.
package seaworthy.policy.odd_message

import rego.v1

violation contains {"msg": msg, "path": ["data", "k"]} if {
	msg := "100% sure: a,b <c> & \"d\"\r\n::error::injected \u001b[0m"
}
"#;

const ODD_MESSAGE: &str = "100% sure: a,b <c> & \"d\"\r\n::error::injected \u{1b}[0m";

/// Reads a workflow command back by GitHub's rules.
fn unescape(value: &str) -> String {
    value
        .replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
}

fn odd_run(format: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    write_files(
        dir.path(),
        &[
            ("policies/odd_message.rego", ODD_POLICY),
            (
                "odd, name: 100%.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: odd\ndata:\n  k: v\n",
            ),
        ],
    );
    let out = seaworthy_in(
        dir.path(),
        &[
            "lint",
            "--no-config",
            "--policy",
            "policies",
            "--select",
            "odd-message",
            "--format",
            format,
            "odd, name: 100%.yaml",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out)
}

#[test]
fn github_annotations_escape_data_and_properties() {
    let out = odd_run("github");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "one annotation and the summary:\n{out}");
    // Nothing the message holds can start a command of its own.
    assert!(lines[1].starts_with("seaworthy: 1 findings"), "{out}");
    let rest = lines[0]
        .strip_prefix("::warning ")
        .unwrap_or_else(|| panic!("not a warning command: {out}"));
    let (properties, message) = rest.split_once("::").expect("properties::message");
    assert_eq!(
        message,
        "100%25 sure: a,b <c> & \"d\"%0D%0A::error::injected \u{1b}[0m"
    );
    assert_eq!(unescape(message), ODD_MESSAGE);
    let properties: BTreeMap<&str, String> = properties
        .split(',')
        .map(|p| {
            let (key, value) = p.split_once('=').expect("key=value");
            (key, unescape(value))
        })
        .collect();
    let expected: BTreeMap<&str, String> = [
        ("file", "odd, name: 100%.yaml"),
        ("line", "6"),
        ("col", "3"),
        ("endLine", "6"),
        ("endColumn", "7"),
        ("title", "odd-message"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_string()))
    .collect();
    assert_eq!(properties, expected);
}

#[test]
fn junit_escapes_markup_and_characters_xml_cannot_hold() {
    let xml = odd_run("junit");
    let failures = check_junit(&xml);
    assert_eq!(failures.len(), 1, "{xml}");
    let failure = &failures[0];
    assert_eq!(failure.suite, "odd, name: 100%.yaml");
    assert_eq!(failure.case, "odd-message (ConfigMap/odd)");
    assert_eq!(failure.kind, "warning");
    // The escape character becomes visible text; everything else survives.
    let readable = ODD_MESSAGE.replace('\u{1b}', "\\u001B");
    assert_eq!(failure.message, readable);
    assert!(failure.body.contains(&readable), "{:?}", failure.body);
}

// ------------------------------------------------------------ pre-commit

fn git(dir: &Path, args: &[&str]) -> Output {
    git_with(dir, args, &[])
}

/// git isolated from the machine's configuration (signing, hooks paths).
fn git_with(dir: &Path, args: &[&str], env: &[(&str, &std::ffi::OsStr)]) -> Output {
    let mut cmd = Command::new("git");
    cmd.args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "seaworthy tests")
        .env("GIT_AUTHOR_EMAIL", "tests@seaworthy.invalid")
        .env("GIT_COMMITTER_NAME", "seaworthy tests")
        .env("GIT_COMMITTER_EMAIL", "tests@seaworthy.invalid")
        .stdin(Stdio::null());
    for (key, value) in env {
        cmd.env(key, value);
    }
    cmd.output().expect("git runs")
}

fn git_ok(dir: &Path, args: &[&str]) -> String {
    let out = git(dir, args);
    assert!(
        out.status.success(),
        "git {args:?} failed: {}{}",
        stdout(&out),
        stderr(&out)
    );
    stdout(&out)
}

/// pre-commit from PyPI in a fresh virtual environment; its `bin` folder.
fn install_pre_commit(dir: &Path) -> PathBuf {
    let bin = crate::packaging::venv(&dir.join("venv"));
    crate::packaging::pip_install(&bin, &["pre-commit"]);
    bin
}

/// A commit of the current working tree (tracked and untracked files, not
/// ignored ones) in a repository of its own: pre-commit clones a hook
/// repository at a committed revision, so this is how uncommitted changes
/// get tested. Returns the revision.
fn snapshot_of_working_tree(into: &Path) -> String {
    let listing = git_ok(
        &root(),
        &[
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ],
    );
    std::fs::create_dir_all(into).unwrap();
    for name in listing.split('\0').filter(|n| !n.is_empty()) {
        let from = root().join(name);
        // Deleted in the working tree but still in the index.
        if !from.is_file() {
            continue;
        }
        let to = into.join(name);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&from, &to).unwrap();
    }
    git_ok(into, &["init", "--quiet"]);
    git_ok(into, &["add", "--all"]);
    git_ok(into, &["commit", "--quiet", "--message", "working tree"]);
    git_ok(into, &["rev-parse", "HEAD"]).trim().to_string()
}

struct Project {
    dir: PathBuf,
    env: Vec<(&'static str, std::ffi::OsString)>,
}

impl Project {
    /// A git repository whose pre-commit config runs `hook` from `hooks`
    /// at `rev`, with the hook installed.
    fn new(
        dir: &Path,
        pre_commit_bin: &Path,
        hooks: &Path,
        rev: &str,
        hook: &str,
        env: Vec<(&'static str, std::ffi::OsString)>,
    ) -> Project {
        std::fs::create_dir_all(dir).unwrap();
        git_ok(dir, &["init", "--quiet"]);
        let config = format!(
            "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: {hook}\n",
            hooks.display()
        );
        write_files(dir, &[(".pre-commit-config.yaml", &config)]);
        let project = Project {
            dir: dir.to_path_buf(),
            env,
        };
        git_ok(dir, &["add", ".pre-commit-config.yaml"]);
        git_ok(
            dir,
            &["commit", "--quiet", "--message", "pre-commit config"],
        );
        let out = project.run(&pre_commit_bin.join("pre-commit"), &["install"]);
        assert!(out.status.success(), "pre-commit install: {}", stderr(&out));
        project
    }

    fn run(&self, program: &Path, args: &[&str]) -> Output {
        let mut cmd = Command::new(program);
        cmd.args(args).current_dir(&self.dir).stdin(Stdio::null());
        cmd.env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1");
        for (key, value) in &self.env {
            cmd.env(key, value);
        }
        cmd.output().expect("runs")
    }

    fn commits(&self) -> usize {
        git_ok(&self.dir, &["rev-list", "--count", "HEAD"])
            .trim()
            .parse()
            .unwrap()
    }

    /// Stages the files and commits through the hook; the commit's output.
    fn commit(&self, files: &[(&str, &str)], message: &str) -> (bool, String) {
        write_files(&self.dir, files);
        for (name, _) in files {
            git_ok(&self.dir, &["add", name]);
        }
        let env: Vec<(&str, &std::ffi::OsStr)> =
            self.env.iter().map(|(k, v)| (*k, v.as_os_str())).collect();
        let out = git_with(&self.dir, &["commit", "--message", message], &env);
        let output = format!("{}{}", stdout(&out), stderr(&out));
        (out.status.success(), output)
    }

    /// Takes staged files back out of the index (after a blocked commit).
    fn unstage(&self, names: &[&str]) {
        let mut args = vec!["rm", "--cached", "--quiet", "--"];
        args.extend_from_slice(names);
        git_ok(&self.dir, &args);
    }
}

/// The hook blocks a commit with a bad manifest, lets a good one through, and
/// passes YAML and JSON that are not Kubernetes objects.
fn exercise_hook(project: &Project, hook_name: &str) {
    let before = project.commits();
    let (ok, output) = project.commit(&[("deploy/web.yaml", GOOD)], "a good manifest");
    assert!(ok, "the good manifest was blocked:\n{output}");
    assert!(
        output.contains(hook_name) && output.contains("Passed"),
        "{output}"
    );
    assert_eq!(project.commits(), before + 1);

    let (ok, output) = project.commit(&NOT_KUBERNETES, "files that are not manifests");
    assert!(ok, "YAML that is not Kubernetes was blocked:\n{output}");
    // The hook ran on them (rather than being skipped for want of files).
    assert!(output.contains("Passed"), "{output}");
    assert_eq!(project.commits(), before + 2);

    let (ok, output) = project.commit(&[("deploy/bad.yaml", BAD)], "a bad manifest");
    assert!(!ok, "the bad manifest was not blocked:\n{output}");
    assert!(output.contains("Failed"), "{output}");
    assert!(output.contains("runs-as-root"), "{output}");
    assert!(output.contains("deploy/bad.yaml:7:5"), "{output}");
    assert_eq!(project.commits(), before + 2);
    project.unstage(&["deploy/bad.yaml"]);

    let bad_json = r#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "j"},
 "spec": {"containers": [{"name": "app", "image": "nginx:latest"}]}}
"#;
    let (ok, output) = project.commit(&[("deploy/bad.json", bad_json)], "a bad JSON manifest");
    assert!(!ok, "the bad JSON manifest was not blocked:\n{output}");
    assert!(output.contains("mutable-image-tag"), "{output}");
    assert_eq!(project.commits(), before + 2);
}

/// `seaworthy-system`: the binary just built, on PATH.
#[test]
#[ignore = "needs PyPI: installs pre-commit"]
fn pre_commit_system_hook_blocks_bad_manifests() {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let bin = install_pre_commit(dir.path());
    let rev = snapshot_of_working_tree(&dir.path().join("hooks"));
    let path = std::env::join_paths(
        std::iter::once(binary().parent().unwrap().to_path_buf()).chain(std::env::split_paths(
            &std::env::var_os("PATH").unwrap_or_default(),
        )),
    )
    .unwrap();
    let project = Project::new(
        &dir.path().join("project"),
        &bin,
        &dir.path().join("hooks"),
        &rev,
        "seaworthy-system",
        vec![
            ("PATH", path),
            ("PRE_COMMIT_HOME", dir.path().join("cache").into()),
            ("NO_COLOR", "1".into()),
        ],
    );
    exercise_hook(&project, "seaworthy (system)");
    eprintln!("pre-commit system hook: {:.0?}", started.elapsed());
}

/// `seaworthy`: pre-commit builds the repository with `cargo install`.
/// The release build is the one the wheel's test shares (quicker than a
/// real release, its target folder kept between runs); CARGO_HOME is the
/// usual one, so no crate is downloaded twice.
#[test]
#[ignore = "needs PyPI and a release build: installs pre-commit, which builds the hook with cargo install"]
fn pre_commit_rust_hook_builds_and_blocks_bad_manifests() {
    let started = Instant::now();
    let dir = tempfile::tempdir().unwrap();
    let bin = install_pre_commit(dir.path());
    let rev = snapshot_of_working_tree(&dir.path().join("hooks"));
    let cache = dir.path().join("cache");
    // Not the binary under test: the hook must bring its own.
    let path = std::env::join_paths(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
            .filter(|p| p.join("seaworthy").metadata().is_err()),
    )
    .unwrap();
    let mut env = vec![
        ("PATH", path),
        ("PRE_COMMIT_HOME", cache.clone().into()),
        ("NO_COLOR", "1".into()),
    ];
    env.extend(crate::packaging::release_build_env());
    let project = Project::new(
        &dir.path().join("project"),
        &bin,
        &dir.path().join("hooks"),
        &rev,
        "seaworthy",
        env,
    );
    let out = project.run(&bin.join("pre-commit"), &["install-hooks"]);
    assert!(
        out.status.success(),
        "pre-commit could not build the hook:\n{}{}",
        stdout(&out),
        stderr(&out)
    );
    let built = Instant::now();
    // pre-commit installs the binary into its environment for the hook.
    let installed: Vec<PathBuf> = files_under(&cache)
        .into_iter()
        .filter(|p| p.ends_with("bin/seaworthy"))
        .collect();
    assert_eq!(installed.len(), 1, "{installed:?}");
    exercise_hook(&project, "seaworthy");
    eprintln!(
        "pre-commit rust hook: {:.0?} to install, {:.0?} in all",
        built - started,
        started.elapsed()
    );
}

/// `seaworthy` of the pre-commit mirror (`packaging/pre-commit`), rendered
/// for this version as the release workflow renders it: pre-commit installs
/// the wheel, here from a local wheelhouse with no index and no Rust on
/// PATH, so nothing can be fetched from elsewhere or built from source.
#[test]
#[ignore = "needs PyPI and a release build: installs pre-commit and maturin, builds the wheel"]
fn pre_commit_wheel_hook_installs_the_wheel_and_blocks_bad_manifests() {
    let wheel = crate::packaging::wheel();
    let dir = tempfile::tempdir().unwrap();
    let bin = install_pre_commit(dir.path());

    // The wheelhouse: the wheel, and the mirror's build backend.
    let wheelhouse = dir.path().join("wheelhouse");
    std::fs::create_dir_all(&wheelhouse).unwrap();
    std::fs::copy(wheel, wheelhouse.join(wheel.file_name().unwrap())).unwrap();
    let template = root().join("packaging/pre-commit/template");
    let backend = std::fs::read_to_string(template.join("pyproject.toml")).unwrap();
    let backend = backend
        .lines()
        .find_map(|l| l.strip_prefix("requires = [\""))
        .and_then(|l| l.strip_suffix("\"]"))
        .expect("one build requirement");
    let out = Command::new(bin.join("pip"))
        .args(["download", "--quiet", "--disable-pip-version-check"])
        .args(["--only-binary", ":all:", "--dest"])
        .arg(&wheelhouse)
        .arg(backend)
        .output()
        .expect("pip runs");
    assert!(
        out.status.success(),
        "pip download {backend}: {}",
        stderr(&out)
    );

    let hooks = dir.path().join("hooks");
    let out = Command::new("bash")
        .arg(root().join("packaging/pre-commit/render"))
        .arg(env!("CARGO_PKG_VERSION"))
        .arg(&hooks)
        .output()
        .expect("bash runs");
    assert!(out.status.success(), "render: {}", stderr(&out));
    git_ok(&hooks, &["init", "--quiet"]);
    git_ok(&hooks, &["add", "--all"]);
    git_ok(&hooks, &["commit", "--quiet", "--message", "mirror"]);
    let rev = git_ok(&hooks, &["rev-parse", "HEAD"]).trim().to_string();

    let cache = dir.path().join("cache");
    // Neither the binary under test nor a Rust toolchain.
    let path = std::env::join_paths(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()).filter(|p| {
            ["seaworthy", "cargo", "rustc"]
                .iter()
                .all(|tool| p.join(tool).metadata().is_err())
        }),
    )
    .unwrap();
    let project = Project::new(
        &dir.path().join("project"),
        &bin,
        &hooks,
        &rev,
        "seaworthy",
        vec![
            ("PATH", path),
            ("PRE_COMMIT_HOME", cache.clone().into()),
            ("NO_COLOR", "1".into()),
            ("PIP_FIND_LINKS", wheelhouse.into()),
            ("PIP_NO_INDEX", "1".into()),
            ("PIP_DISABLE_PIP_VERSION_CHECK", "1".into()),
        ],
    );
    let started = Instant::now();
    let out = project.run(&bin.join("pre-commit"), &["install-hooks"]);
    assert!(
        out.status.success(),
        "pre-commit could not install the hook:\n{}{}",
        stdout(&out),
        stderr(&out)
    );
    let installed_in = started.elapsed();
    let installed: Vec<PathBuf> = files_under(&cache)
        .into_iter()
        .filter(|p| p.ends_with("bin/seaworthy"))
        .collect();
    assert_eq!(installed.len(), 1, "{installed:?}");
    let version = Command::new(&installed[0])
        .arg("--version")
        .output()
        .unwrap();
    assert_eq!(
        stdout(&version).trim(),
        format!("seaworthy {}", env!("CARGO_PKG_VERSION"))
    );
    exercise_hook(&project, "seaworthy");
    eprintln!(
        "pre-commit wheel hook: {installed_in:.1?} to install, {:.1?} in all",
        started.elapsed()
    );
}

// ------------------------------------------------------------ the Action

fn get<'a>(node: &'a Node, key: &str) -> Option<&'a Node> {
    node.get(key)
}

fn string(node: &Node) -> String {
    match &node.value {
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Null => String::new(),
        other => panic!("not a scalar: {other:?}"),
    }
}

/// What GitHub would put in place of each `${{ … }}` the action uses; any
/// other expression fails the test, so the action cannot outgrow this model.
struct Context {
    inputs: BTreeMap<String, String>,
    outputs: BTreeMap<String, BTreeMap<String, String>>,
}

impl Context {
    fn evaluate(&self, expression: &str) -> String {
        let parts: Vec<&str> = expression.trim().split('.').collect();
        match parts.as_slice() {
            ["inputs", name] => self
                .inputs
                .get(*name)
                .unwrap_or_else(|| panic!("unknown input {name}"))
                .clone(),
            ["github", "action_path"] => root().display().to_string(),
            // Empty for an action used from a local path.
            ["github", "action_repository"] => String::new(),
            ["steps", step, "outputs", name] => self
                .outputs
                .get(*step)
                .and_then(|o| o.get(*name))
                .cloned()
                .unwrap_or_default(),
            _ => panic!("the test does not model `{expression}`"),
        }
    }

    fn substitute(&self, text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${{") {
            out.push_str(&rest[..start]);
            let end = rest[start..].find("}}").expect("a closed expression") + start;
            out.push_str(&self.evaluate(&rest[start + 3..end]));
            rest = &rest[end + 2..];
        }
        out.push_str(rest);
        out
    }
}

/// Reads a file command file (`GITHUB_OUTPUT`, `GITHUB_ENV`): `name=value`
/// lines and `name<<DELIMITER` blocks.
fn file_command(path: &Path) -> BTreeMap<String, String> {
    let content = std::fs::read_to_string(path).unwrap_or_default();
    let mut values = BTreeMap::new();
    let mut lines = content.lines();
    while let Some(line) = lines.next() {
        if let Some((name, delimiter)) = line.split_once("<<") {
            let mut value = Vec::new();
            for l in lines.by_ref() {
                if l == delimiter {
                    break;
                }
                value.push(l);
            }
            values.insert(name.to_string(), value.join("\n"));
        } else if let Some((name, value)) = line.split_once('=') {
            values.insert(name.to_string(), value.to_string());
        } else if !line.is_empty() {
            panic!("not a file command line: {line:?}");
        }
    }
    values
}

struct ActionRun {
    /// Each step run: its id and exit status.
    steps: Vec<(String, i32)>,
    outputs: BTreeMap<String, String>,
    stdout: String,
    runner_temp: tempfile::TempDir,
}

/// Runs action.yml's steps in `workspace` as the runner would: expressions
/// substituted, `bash --noprofile --norc -eo pipefail`, fresh file-command
/// files per step, GITHUB_ENV and GITHUB_PATH carried to the later steps.
/// The install steps are skipped: the binary under test is put on PATH
/// instead (building it again would only test cargo).
fn run_action(workspace: &Path, inputs: &[(&str, &str)]) -> ActionRun {
    let text_of_action = std::fs::read_to_string(root().join("action.yml")).unwrap();
    let action = parse_yaml(&text_of_action)
        .expect("action.yml parses")
        .expect("action.yml is not empty");
    let mut context = Context {
        inputs: BTreeMap::new(),
        outputs: BTreeMap::new(),
    };
    for entry in get(&action, "inputs")
        .and_then(Node::as_map)
        .expect("inputs")
    {
        let default = get(&entry.value, "default").map(string).unwrap_or_default();
        context.inputs.insert(entry.key.clone(), default);
    }
    for (name, value) in inputs {
        assert!(context.inputs.contains_key(*name), "no input {name}");
        context.inputs.insert(name.to_string(), value.to_string());
    }
    let runs = get(&action, "runs").expect("runs");
    assert_eq!(get(runs, "using").map(string).as_deref(), Some("composite"));

    let runner_temp = tempfile::tempdir().unwrap();
    let mut path_entries = vec![binary().parent().unwrap().to_path_buf()];
    path_entries.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    let mut env: BTreeMap<String, String> = BTreeMap::new();
    let mut run = ActionRun {
        steps: Vec::new(),
        outputs: BTreeMap::new(),
        stdout: String::new(),
        runner_temp,
    };
    let steps = get(runs, "steps").and_then(Node::as_seq).expect("steps");
    for (index, step) in steps.iter().enumerate() {
        let id = get(step, "id").map(string).expect("every step has an id");
        if id.starts_with("install") {
            assert!(get(step, "if").is_some(), "{id} runs only when asked");
            continue;
        }
        assert!(
            get(step, "if").is_none(),
            "the test does not model `if` on {id}"
        );
        assert!(
            get(step, "uses").is_none(),
            "the test runs only `run` steps"
        );
        assert_eq!(get(step, "shell").map(string).as_deref(), Some("bash"));
        let script = context.substitute(&string(get(step, "run").expect("run")));
        let files = run.runner_temp.path().join(format!("step-{index}"));
        std::fs::create_dir_all(&files).unwrap();
        let script_path = files.join("script.sh");
        std::fs::write(&script_path, &script).unwrap();
        for name in ["output", "env", "path"] {
            std::fs::write(files.join(name), "").unwrap();
        }
        let mut cmd = Command::new("bash");
        cmd.args(["--noprofile", "--norc", "-eo", "pipefail"])
            .arg(&script_path)
            .current_dir(workspace)
            .stdin(Stdio::null())
            .env("PATH", std::env::join_paths(&path_entries).unwrap())
            .env("GITHUB_ACTIONS", "true")
            .env("CI", "true")
            .env("GITHUB_WORKSPACE", workspace)
            .env("GITHUB_OUTPUT", files.join("output"))
            .env("GITHUB_ENV", files.join("env"))
            .env("GITHUB_PATH", files.join("path"))
            .env("RUNNER_TEMP", run.runner_temp.path())
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64")
            .envs(&env);
        if let Some(vars) = get(step, "env").and_then(Node::as_map) {
            for var in vars {
                cmd.env(&var.key, context.substitute(&string(&var.value)));
            }
        }
        let out = cmd.output().expect("bash runs");
        run.stdout.push_str(&stdout(&out));
        eprint!("{}", stderr(&out));
        let status = out.status.code().expect("an exit code");
        run.steps.push((id.clone(), status));
        context
            .outputs
            .insert(id, file_command(&files.join("output")));
        env.extend(file_command(&files.join("env")));
        let added = std::fs::read_to_string(files.join("path")).unwrap();
        for line in added.lines().rev().filter(|l| !l.is_empty()) {
            path_entries.insert(0, PathBuf::from(line));
        }
        if status != 0 {
            break;
        }
    }
    for entry in get(&action, "outputs")
        .and_then(Node::as_map)
        .expect("outputs")
    {
        let value = string(get(&entry.value, "value").expect("value"));
        run.outputs
            .insert(entry.key.clone(), context.substitute(&value));
    }
    run
}

impl ActionRun {
    fn status(&self, step: &str) -> Option<i32> {
        self.steps.iter().find(|(id, _)| id == step).map(|s| s.1)
    }

    /// The outputs match the JSON report the action wrote, and the SARIF
    /// file holds as many results.
    fn check_counts(&self, workspace: &Path, expected_total: u64) {
        let report = read_json(&self.runner_temp.path().join("seaworthy-report.json"));
        let summary = &report["summary"];
        assert_eq!(summary["findings"], expected_total);
        let count = |key: &str| {
            summary["by_severity"][key]
                .as_u64()
                .unwrap_or(0)
                .to_string()
        };
        assert_eq!(self.outputs["errors"], count("error"));
        assert_eq!(self.outputs["warnings"], count("warning"));
        assert_eq!(self.outputs["notes"], count("note"));
        assert_eq!(self.outputs["total"], expected_total.to_string());
        let sarif = read_json(&workspace.join(&self.outputs["sarif-file"]));
        assert_eq!(sarif["version"], "2.1.0");
        assert_eq!(
            sarif["runs"][0]["results"].as_array().map(Vec::len),
            Some(expected_total as usize)
        );
    }
}

#[test]
fn action_fails_on_errors_and_reports_counts() {
    let workspace = tempfile::tempdir().unwrap();
    for name in ["api.yaml", "worker.yaml", "nightly-report.yaml"] {
        let from = root().join("examples/shop").join(name);
        let to = workspace.path().join("deploy").join(name);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(from, to).unwrap();
    }
    write_files(workspace.path(), &NOT_KUBERNETES);

    let run = run_action(
        workspace.path(),
        &[
            ("annotations", "true"),
            ("sarif-file", "reports/seaworthy.sarif"),
        ],
    );
    assert_eq!(run.status("lint"), Some(0));
    assert_eq!(run.status("gate"), Some(1), "errors fail the default gate");
    run.check_counts(workspace.path(), 23);
    assert_eq!(
        (
            run.outputs["errors"].as_str(),
            run.outputs["warnings"].as_str()
        ),
        ("4", "18")
    );
    assert_eq!(run.outputs["sarif-file"], "reports/seaworthy.sarif");
    assert!(
        run.stdout
            .contains("::error file=deploy/worker.yaml,line=19,col=9,"),
        "{}",
        run.stdout
    );

    let run = run_action(
        workspace.path(),
        &[
            ("fail-on", "never"),
            ("paths", "deploy/api.yaml\n deploy/worker.yaml"),
        ],
    );
    assert_eq!(run.status("gate"), Some(0), "never fails");
    run.check_counts(workspace.path(), 19);
    assert!(run.stdout.contains("runs-as-root"), "the human report");

    let run = run_action(workspace.path(), &[("paths", "no/such/folder")]);
    assert_eq!(run.status("gate"), Some(2), "an incomplete run fails");
}

#[test]
fn action_passes_below_the_threshold() {
    let workspace = tempfile::tempdir().unwrap();
    write_files(workspace.path(), &[("deploy/web.yaml", GOOD)]);
    write_files(workspace.path(), &NOT_KUBERNETES);

    let run = run_action(workspace.path(), &[]);
    assert_eq!(
        run.status("gate"),
        Some(0),
        "warnings pass the default gate"
    );
    run.check_counts(workspace.path(), 2);
    assert_eq!(run.outputs["warnings"], "2");
    assert_eq!(run.outputs["sarif-file"], "seaworthy.sarif");

    let run = run_action(
        workspace.path(),
        &[("fail-on", "warning"), ("args", "--ignore single-replica")],
    );
    assert_eq!(
        run.status("gate"),
        Some(1),
        "warnings fail at fail-on warning"
    );
    run.check_counts(workspace.path(), 1);
}
