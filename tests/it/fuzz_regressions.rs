//! The fuzz targets' checks (`fuzz/src/lib.rs`), run without cargo-fuzz:
//! every input under `fixtures/fuzz/<target>/` (crashes the fuzzers found,
//! kept once fixed, and inputs written by hand) and every YAML fixture of the
//! repository, which are also the fuzzers' seed corpus.

use std::path::PathBuf;

use crate::fuzz_checks as checks;
use crate::support::{files_under, root};

/// Runs `check` on each input, naming the input that fails.
fn replay(inputs: &[PathBuf], check: fn(&[u8])) {
    for path in inputs {
        let bytes = std::fs::read(path).expect("a readable input");
        if std::panic::catch_unwind(|| check(&bytes)).is_err() {
            panic!("{} fails its fuzz checks", path.display());
        }
    }
}

/// The inputs kept for a fuzz target (as `fuzz/run` names it).
fn kept(target: &str) -> Vec<PathBuf> {
    files_under(&root().join("fixtures/fuzz").join(target))
        .into_iter()
        .filter(|p| p.file_name().is_none_or(|n| n != "README.md"))
        .collect()
}

fn yaml_fixtures() -> Vec<PathBuf> {
    let fixtures: Vec<PathBuf> = files_under(&root().join("fixtures"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .collect();
    assert!(fixtures.len() > 50, "the fixtures are found");
    fixtures
}

#[test]
fn load_regressions() {
    replay(&kept("load"), checks::load);
}

#[test]
fn config_regressions() {
    replay(&kept("config"), checks::config);
}

#[test]
fn sarif_regressions() {
    replay(&kept("sarif"), checks::reports);
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
