//! A canary value placed in a Secret's data, an env value and annotations
//! must never appear in any output: any format, on stdout, stderr or in a
//! report file.

use crate::support::{command, root, seaworthy, stderr, stdout};

const CANARY: &str = "SEAWORTHY-CANARY-7f3a9c";
/// The canary as it sits in the Secret's `data` (base64).
const CANARY_BASE64: &str = "U0VBV09SVEhZLUNBTkFSWS03ZjNhOWM=";

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
        let out = seaworthy(&[
            "lint",
            "fixtures/secrets",
            "--no-config",
            "--select",
            "all",
            "--preview",
            "--format",
            format,
        ]);
        assert_eq!(out.status.code(), Some(1), "{format}");
        let text = stdout(&out);
        assert!(
            text.len() > 200,
            "{format}: too little output to mean anything"
        );
        assert_clean(&format!("{format} on stdout"), &text);
        assert_clean(&format!("{format} on stderr"), &stderr(&out));
    }
    // Every format to a file in one run.
    let mut cmd = command(&root());
    cmd.args([
        "lint",
        "fixtures/secrets",
        "--no-config",
        "--select",
        "all",
        "--preview",
    ]);
    for format in formats {
        cmd.arg("--format")
            .arg(format!("{format}={}", dir.path().join(format).display()));
    }
    let out = cmd.output().expect("runs");
    assert_eq!(out.status.code(), Some(1));
    for format in formats {
        let text = std::fs::read_to_string(dir.path().join(format)).expect("report written");
        assert!(
            text.len() > 200,
            "{format} file: too little output to mean anything"
        );
        assert_clean(&format!("{format} file"), &text);
    }
}

/// The human report still shows the lines around a finding, with the
/// sensitive values masked rather than the lines dropped.
#[test]
fn the_human_report_masks_values_but_keeps_the_keys() {
    let out = seaworthy(&[
        "lint",
        "fixtures/secrets",
        "--no-config",
        "--select",
        "invalid-manifest",
    ]);
    let text = stdout(&out);
    assert!(
        text.contains("vault.example.com/token: ***********************"),
        "{text}"
    );
    assert_clean("human", &text);
}

/// A password written into a manifest as an env value is reported, and its
/// value is masked in every format: the human report's code frame shows
/// the line with the value hidden, and no message quotes it, even one about
/// its type.
#[test]
fn a_secret_written_into_an_env_value_is_reported_and_never_shown() {
    const PASSWORD: &str = "8675309";
    let dir = tempfile::tempdir().expect("tempdir");
    crate::support::write_files(
        dir.path(),
        &[(
            "pod.yaml",
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: db-client\nspec:\n  containers:\n    - name: client\n      image: registry.example.com/db/client:2.0.0\n      env:\n        - name: DB_PASSWORD\n          value: 8675309\n        - name: API_TOKEN\n          value: tok-8675309-live\n",
        )],
    );
    for format in ["human", "concise", "json", "sarif", "junit", "github"] {
        let out = crate::support::seaworthy_in(
            dir.path(),
            &[
                "lint",
                "--no-config",
                "--select",
                "hardcoded-secret-env,invalid-manifest",
                "--format",
                format,
                "pod.yaml",
            ],
        );
        assert_eq!(out.status.code(), Some(1), "{format}: {}", stderr(&out));
        let text = stdout(&out);
        assert!(
            text.contains("hardcoded-secret-env"),
            "{format}: the rule fires:\n{text}"
        );
        assert!(
            text.contains("invalid-manifest"),
            "{format}: the unquoted number is reported:\n{text}"
        );
        assert!(
            !text.contains(PASSWORD),
            "{format} prints the value:\n{text}"
        );
        assert!(!stderr(&out).contains(PASSWORD), "{format} on stderr");
        if format == "human" {
            assert!(text.contains("value: *******"), "{text}");
            assert!(text.contains("name: DB_PASSWORD"), "{text}");
        }
    }
}

/// The canary's env var is named like a token: the rule about secrets
/// written into manifests reports it, without the value.
#[test]
fn the_canary_env_value_is_reported_as_a_hardcoded_secret() {
    let out = seaworthy(&[
        "lint",
        "fixtures/secrets",
        "--no-config",
        "--select",
        "hardcoded-secret-env",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(
        text.contains("\"API_TOKEN\\\" to a literal value"),
        "{text}"
    );
    assert_clean("json", &text);
}
