//! The fuzz targets' checks (`fuzz/src/lib.rs`), run without cargo-fuzz:
//! every input under `fixtures/fuzz/<target>/` (crashes the fuzzers found,
//! kept once fixed) and every YAML fixture of the repository, which are also
//! the fuzzers' seed corpus.

// Test code: a failed unwrap is a failed test, and printing is allowed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::disallowed_macros)]

#[path = "../fuzz/src/lib.rs"]
mod checks;

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The files under `dir`, recursively, in a stable order.
fn files_under(dir: &Path, keep: &dyn Fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return files;
    };
    for entry in entries {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            files.extend(files_under(&path, keep));
        } else if keep(&path) {
            files.push(path);
        }
    }
    files.sort();
    files
}

/// Runs `check` on each input, naming the input that fails.
fn replay(inputs: &[PathBuf], check: fn(&[u8])) {
    for path in inputs {
        let bytes = std::fs::read(path).expect("a readable input");
        if std::panic::catch_unwind(|| check(&bytes)).is_err() {
            panic!("{} fails its fuzz checks", path.display());
        }
    }
}

fn crashes(target: &str) -> Vec<PathBuf> {
    files_under(&root().join("fixtures/fuzz").join(target), &|p| {
        p.file_name().is_none_or(|n| n != "README.md")
    })
}

fn yaml_fixtures() -> Vec<PathBuf> {
    let fixtures = files_under(&root().join("fixtures"), &|p| {
        p.extension().is_some_and(|e| e == "yaml" || e == "yml")
    });
    assert!(fixtures.len() > 50, "the fixtures are found");
    fixtures
}

#[test]
fn load_regressions() {
    replay(&crashes("load"), checks::load);
}

#[test]
fn config_regressions() {
    replay(&crashes("config"), checks::config);
}

#[test]
fn sarif_regressions() {
    replay(&crashes("sarif"), checks::reports);
}

#[test]
fn fixtures_pass_the_load_checks() {
    replay(&yaml_fixtures(), checks::load);
}

#[test]
fn fixtures_pass_the_config_checks() {
    replay(&yaml_fixtures(), checks::config);
}

#[test]
fn fixtures_pass_the_report_checks() {
    replay(&yaml_fixtures(), checks::reports);
}
