//! Distribution: the Python wheel that installs the binary (built with
//! maturin from PyPI, so ignored by default; `cargo test -- --ignored` runs
//! it), the pre-commit mirror's template, and the version written in one
//! place.

// Test code: a failed unwrap is a failed test, and printing is allowed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::disallowed_macros)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use crate::support::{root, seaworthy, stderr, stdout};

const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The one release build of these tests: a target folder kept between runs
/// and shared by the wheel and the pre-commit hook built from source, made
/// quicker than a real release (no LTO, more codegen units).
pub fn release_build_env() -> Vec<(&'static str, std::ffi::OsString)> {
    let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("release-build");
    vec![
        ("CARGO_TARGET_DIR", target.into()),
        ("CARGO_PROFILE_RELEASE_LTO", "false".into()),
        ("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16".into()),
    ]
}

/// A fresh virtual environment at `dir`; its `bin` folder.
pub fn venv(dir: &Path) -> PathBuf {
    let out = Command::new("python3")
        .args(["-m", "venv", "--clear"])
        .arg(dir)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "python3 -m venv failed (install python3-venv): {}",
        stderr(&out)
    );
    dir.join("bin")
}

/// `pip install ARGS...` in the environment of `bin`.
pub fn pip_install(bin: &Path, args: &[&str]) {
    let out = Command::new(bin.join("pip"))
        .args(["install", "--quiet", "--disable-pip-version-check"])
        .args(args)
        .output()
        .expect("pip runs");
    assert!(
        out.status.success(),
        "pip install {args:?} failed: {}{}",
        stdout(&out),
        stderr(&out)
    );
}

/// The requirements of `[build-system]` in a pyproject.toml: the strings of
/// its `requires = [...]` line.
fn build_requires(pyproject: &str) -> Vec<String> {
    let line = pyproject
        .lines()
        .find(|l| l.starts_with("requires = ["))
        .expect("a requires line");
    line.split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect()
}

/// The wheel of this checkout, built once per test run the way a user's pip
/// builds it (the build backend pyproject.toml names, from PyPI) and shared
/// by the tests that need it.
pub fn wheel() -> &'static Path {
    static WHEEL: OnceLock<PathBuf> = OnceLock::new();
    WHEEL.get_or_init(build_wheel)
}

fn build_wheel() -> PathBuf {
    let work = Path::new(env!("CARGO_TARGET_TMPDIR")).join("wheel");
    let out_dir = work.join("out");
    if out_dir.exists() {
        std::fs::remove_dir_all(&out_dir).unwrap();
    }
    let bin = venv(&work.join("maturin"));
    let pyproject = std::fs::read_to_string(root().join("pyproject.toml")).unwrap();
    let requires = build_requires(&pyproject);
    assert!(
        requires.iter().any(|r| r.starts_with("maturin")),
        "{requires:?}"
    );
    let requires: Vec<&str> = requires.iter().map(String::as_str).collect();
    pip_install(&bin, &requires);
    let out = Command::new(bin.join("maturin"))
        .args(["build", "--release", "--out"])
        .arg(&out_dir)
        .current_dir(root())
        .envs(release_build_env())
        .output()
        .expect("maturin runs");
    assert!(
        out.status.success(),
        "maturin build failed:\n{}{}",
        stdout(&out),
        stderr(&out)
    );
    let wheels: Vec<PathBuf> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(wheels.len(), 1, "one wheel: {wheels:?}");
    let name = wheels[0].file_name().unwrap().to_str().unwrap();
    // A binary wheel: for any Python 3, one platform.
    let prefix = format!("seaworthy-{VERSION}-py3-none-");
    assert!(
        name.starts_with(&prefix) && name.ends_with(".whl") && !name.ends_with("-any.whl"),
        "{name}"
    );
    wheels[0].clone()
}

/// The names of the files in a wheel (a zip), read with Python's zipfile.
fn wheel_files(python: &Path, wheel: &Path) -> Vec<String> {
    let out = Command::new(python)
        .args([
            "-c",
            "import sys, zipfile; print('\\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))",
        ])
        .arg(wheel)
        .output()
        .expect("python runs");
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out).lines().map(str::to_string).collect()
}

#[test]
#[ignore = "needs PyPI and a release build: installs maturin, builds the wheel"]
fn wheel_installs_the_binary_and_lints_the_example() {
    let wheel = wheel();
    let dir = tempfile::tempdir().unwrap();
    let bin = venv(&dir.path().join("venv"));

    // The binary and the package's metadata, no Python code.
    let files = wheel_files(&bin.join("python"), wheel);
    let script = format!("seaworthy-{VERSION}.data/scripts/seaworthy");
    assert!(files.contains(&script), "{files:?}");
    let dist_info = format!("seaworthy-{VERSION}.dist-info/");
    let others: Vec<&String> = files
        .iter()
        .filter(|f| **f != script && !f.starts_with(&dist_info))
        .collect();
    assert!(others.is_empty(), "{others:?}");

    // Installed from the file alone: nothing else is fetched.
    pip_install(&bin, &["--no-index", wheel.to_str().unwrap()]);
    let out = Command::new(bin.join("pip"))
        .args(["show", "seaworthy"])
        .output()
        .unwrap();
    let shown = stdout(&out);
    assert!(shown.contains(&format!("Version: {VERSION}\n")), "{shown}");

    let installed = bin.join("seaworthy");
    let version = Command::new(&installed).arg("--version").output().unwrap();
    assert!(version.status.success(), "{}", stderr(&version));
    assert_eq!(stdout(&version).trim(), format!("seaworthy {VERSION}"));
    assert_eq!(stdout(&version), stdout(&seaworthy(&["--version"])));

    // The example, as the README runs it: findings, exit code 1, and the
    // same report as the binary under test.
    let args = [
        "lint",
        "--no-config",
        "--format",
        "concise",
        "examples/shop",
    ];
    let out = Command::new(&installed)
        .args(args)
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = stdout(&out);
    assert!(
        report.contains("examples/shop/worker.yaml:19:9: error[runs-as-root]"),
        "{report}"
    );
    assert_eq!(report, stdout(&seaworthy(&args)));
}

// ------------------------------------------------------------ pre-commit mirror

/// The hooks of a `.pre-commit-hooks.yaml`, by id.
fn hooks(path: &Path) -> Vec<serde_yaml::Mapping> {
    let text = std::fs::read_to_string(path).unwrap();
    let value: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    value
        .as_sequence()
        .expect("a list of hooks")
        .iter()
        .map(|h| h.as_mapping().expect("a hook").clone())
        .collect()
}

/// The mirror's hook (installing the wheel) is the repository's source hook
/// in all but its language: same id, entry, files and options.
#[test]
fn pre_commit_mirror_hook_matches_the_source_hook() {
    let mirror = hooks(&root().join("packaging/pre-commit/template/.pre-commit-hooks.yaml"));
    let source = hooks(&root().join(".pre-commit-hooks.yaml"));
    assert_eq!(mirror.len(), 1);
    let mut mirror = mirror[0].clone();
    let mut source = source
        .into_iter()
        .find(|h| h.get("id") == mirror.get("id"))
        .expect("the source hook of the same id");
    assert_eq!(source.remove("language"), Some("rust".into()));
    assert_eq!(mirror.remove("language"), Some("python".into()));
    assert_eq!(mirror, source);
}

/// The mirror's package depends on exactly the wheel of its own version.
#[test]
fn pre_commit_mirror_renders_one_version() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new("bash")
        .arg(root().join("packaging/pre-commit/render"))
        .args(["1.2.3", dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let pyproject = std::fs::read_to_string(dir.path().join("pyproject.toml")).unwrap();
    assert!(pyproject.contains("\nversion = \"1.2.3\"\n"), "{pyproject}");
    assert!(
        pyproject.contains("dependencies = [\"seaworthy==1.2.3\"]"),
        "{pyproject}"
    );
    let readme = std::fs::read_to_string(dir.path().join("README.md")).unwrap();
    assert!(readme.contains("rev: v1.2.3\n"), "{readme}");
    for name in [".pre-commit-hooks.yaml", "pyproject.toml", "README.md"] {
        let text = std::fs::read_to_string(dir.path().join(name)).unwrap();
        assert!(!text.contains("@VERSION@"), "{name}");
    }

    let bad = Command::new("bash")
        .arg(root().join("packaging/pre-commit/render"))
        .args(["1.2.3; rm -rf /", dir.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2), "{}", stderr(&bad));
}

// ------------------------------------------------------------ one version

/// Each version number written after `marker` in `text`.
fn versions_after<'a>(text: &'a str, marker: &str) -> Vec<&'a str> {
    text.match_indices(marker)
        .map(|(at, _)| {
            let rest = &text[at + marker.len()..];
            let end = rest
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .unwrap_or(rest.len());
            rest[..end].trim_end_matches('.')
        })
        .collect()
}

/// Cargo.toml holds the version; pyproject.toml takes it from there, and
/// every other place that names a release names this one.
#[test]
fn the_version_is_written_in_one_place() {
    let pyproject = std::fs::read_to_string(root().join("pyproject.toml")).unwrap();
    assert!(pyproject.contains("dynamic = [\"version\"]"));
    assert!(
        !pyproject.lines().any(|l| l.starts_with("version")),
        "{pyproject}"
    );

    let places = [
        ("deploy/cronjob.yaml", "ghcr.io/seaworthy-dev/seaworthy:"),
        ("README.md", "ghcr.io/seaworthy-dev/seaworthy:"),
        ("README.md", "pip install seaworthy=="),
        ("README.md", "cargo install seaworthy --locked --version "),
        ("README.md", "rev: v"),
        ("README.md", "seaworthy-dev/seaworthy@v"),
        ("README.md", "releases/download/v"),
        ("README.md", "version: "),
    ];
    let mut seen = 0;
    for (file, marker) in places {
        let text = std::fs::read_to_string(root().join(file)).unwrap();
        let found = versions_after(&text, marker);
        assert!(
            !found.is_empty(),
            "{file} names no version after {marker:?}"
        );
        for version in found {
            assert_eq!(version, VERSION, "{file}: {marker}{version}");
            seen += 1;
        }
    }
    assert!(seen >= places.len());

    // The changelog has a section for this version, or this version is
    // still unreleased.
    let changelog = std::fs::read_to_string(root().join("CHANGELOG.md")).unwrap();
    assert!(changelog.contains("## [Unreleased]"), "Keep a Changelog");
    let released = format!("## [{VERSION}]");
    let heading = changelog
        .lines()
        .find(|l| l.starts_with("## [") && !l.starts_with("## [Unreleased]"));
    if let Some(heading) = heading {
        assert!(heading.starts_with(&released), "newest release: {heading}");
    }
}

// ------------------------------------------------------------ release assets

/// The release workflow builds an archive for every runner the action
/// downloads one for, under the name the action asks for.
#[test]
fn release_archives_are_the_ones_the_action_downloads() {
    let text = std::fs::read_to_string(root().join(".github/workflows/release.yml")).unwrap();
    let workflow: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    let binaries = &workflow["jobs"]["binaries"];
    let built: std::collections::BTreeSet<(String, String)> = binaries["strategy"]["matrix"]
        ["include"]
        .as_sequence()
        .expect("a matrix of targets")
        .iter()
        .map(|entry| {
            let field = |key: &str| entry[key].as_str().expect(key).to_string();
            (field("target"), field("archive"))
        })
        .collect();
    let archive_step = binaries["steps"]
        .as_sequence()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "Archive")
        .and_then(|s| s["run"].as_str())
        .expect("the Archive step");
    assert!(archive_step.contains(r#"name="seaworthy-$VERSION-$TARGET""#));
    assert!(archive_step.contains(r#""$name.$ARCHIVE.sha256""#));

    let action = std::fs::read_to_string(root().join("action.yml")).unwrap();
    assert!(action.contains(r#"archive="seaworthy-$version-$target.$ext""#));
    assert!(action.contains(r#""$url.sha256""#));
    let downloaded: std::collections::BTreeSet<(String, String)> = action
        .lines()
        .filter_map(|line| {
            let (_, rest) = line.split_once(") target=")?;
            let (target, rest) = rest.split_once("; ext=")?;
            let ext = rest.split_whitespace().next()?;
            Some((target.to_string(), ext.to_string()))
        })
        .collect();
    assert_eq!(downloaded.len(), 5, "{downloaded:?}");
    assert_eq!(built, downloaded);
}
