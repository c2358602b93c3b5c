//! A canary value placed in a Secret's data, an env value and annotations
//! must never appear in any output: any format, on stdout, stderr or in a
//! report file.

// Test code: a failed unwrap is a failed test, and printing is allowed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::disallowed_macros)]

use std::path::PathBuf;
use std::process::Command;

const CANARY: &str = "SEAWORTHY-CANARY-7f3a9c";
/// The canary as it sits in the Secret's `data` (base64).
const CANARY_BASE64: &str = "U0VBV09SVEhZLUNBTkFSWS03ZjNhOWM=";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn assert_clean(what: &str, text: &str) {
    assert!(!text.contains(CANARY), "{what} prints the canary:\n{text}");
    assert!(
        !text.contains(CANARY_BASE64),
        "{what} prints the canary's base64:\n{text}"
    );
}

#[test]
fn the_fixture_holds_the_canary_where_findings_are() {
    let text = std::fs::read_to_string(root().join("fixtures/secrets/canary.yaml")).expect("read");
    assert_eq!(text.matches(CANARY).count(), 5);
    assert!(text.contains(CANARY_BASE64));
}

#[test]
fn no_output_format_prints_the_canary() {
    let dir = tempfile::tempdir().expect("tempdir");
    let formats = ["human", "json", "sarif", "junit", "github"];
    for format in formats {
        let out = Command::new(env!("CARGO_BIN_EXE_seaworthy"))
            .args(["lint", "fixtures/secrets", "--no-config", "--select", "all"])
            .args(["--preview", "--format", format])
            .current_dir(root())
            .env("NO_COLOR", "1")
            .output()
            .expect("runs");
        assert_eq!(out.status.code(), Some(1), "{format}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.len() > 200,
            "{format}: too little output to mean anything"
        );
        assert_clean(&format!("{format} on stdout"), &stdout);
        assert_clean(
            &format!("{format} on stderr"),
            &String::from_utf8_lossy(&out.stderr),
        );
    }
    // Every format to a file in one run.
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_seaworthy"));
    cmd.args([
        "lint",
        "fixtures/secrets",
        "--no-config",
        "--select",
        "all",
        "--preview",
    ])
    .current_dir(root());
    for format in formats {
        cmd.arg("--format")
            .arg(format!("{format}={}", dir.path().join(format).display()));
    }
    let out = cmd.output().expect("runs");
    assert_eq!(out.status.code(), Some(1));
    for format in formats {
        let text = std::fs::read_to_string(dir.path().join(format)).expect("report written");
        assert_clean(&format!("{format} file"), &text);
    }
}

/// The human report still shows the lines around a finding, with the
/// sensitive values masked rather than the lines dropped.
#[test]
fn the_human_report_masks_values_but_keeps_the_keys() {
    let out = Command::new(env!("CARGO_BIN_EXE_seaworthy"))
        .args([
            "lint",
            "fixtures/secrets",
            "--no-config",
            "--select",
            "invalid-manifest",
        ])
        .current_dir(root())
        .env("NO_COLOR", "1")
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("vault.example.com/token: ***********************"),
        "{stdout}"
    );
    assert_clean("human", &stdout);
}
