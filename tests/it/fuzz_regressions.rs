//! The fuzz targets' checks (`fuzz/src/lib.rs`), run without cargo-fuzz:
//! every input under `fixtures/fuzz/<target>/` (crashes the fuzzers found,
//! kept once fixed, and inputs written by hand) and every YAML fixture of the
//! repository, which are also the fuzzers' seed corpus.

use std::path::PathBuf;

use crate::fuzz_checks as checks;
use crate::support::{files_under, root};

/// Runs `check` on each input, naming the input that fails. No input is a
/// failure too: a replay of nothing proves nothing.
fn replay(inputs: &[PathBuf], check: fn(&[u8])) {
    assert!(!inputs.is_empty(), "no input to replay");
    for path in inputs {
        let bytes = std::fs::read(path).expect("a readable input");
        if std::panic::catch_unwind(|| check(&bytes)).is_err() {
            panic!("{} fails its fuzz checks", path.display());
        }
    }
}

/// The inputs kept for a fuzz target (as `fuzz/run` names it).
fn kept(target: &str) -> Vec<PathBuf> {
    let dir = root().join("fixtures/fuzz").join(target);
    let inputs: Vec<PathBuf> = files_under(&dir)
        .into_iter()
        .filter(|p| p.file_name().is_none_or(|n| n != "README.md"))
        .collect();
    assert!(!inputs.is_empty(), "{} holds no input", dir.display());
    inputs
}

fn yaml_fixtures() -> Vec<PathBuf> {
    let fixtures: Vec<PathBuf> = files_under(&root().join("fixtures"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .collect();
    assert!(fixtures.len() > 50, "the fixtures are found");
    fixtures
}

/// Every fuzz target has a folder of kept inputs, and every such folder
/// belongs to a target (a misspelt one would never be replayed).
#[test]
fn every_fuzz_target_has_kept_inputs() {
    let mut targets: Vec<String> = files_under(&root().join("fuzz/fuzz_targets"))
        .iter()
        .filter_map(|p| Some(p.file_stem()?.to_str()?.to_string()))
        .collect();
    targets.sort();
    assert_eq!(
        targets,
        ["config", "load", "sarif"],
        "a new target needs a `*_regressions` test here"
    );
    let mut folders: Vec<String> = std::fs::read_dir(root().join("fixtures/fuzz"))
        .expect("fixtures/fuzz")
        .map(|e| e.expect("an entry"))
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    folders.sort();
    assert_eq!(folders, targets);
    for target in &targets {
        kept(target);
    }
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
