//! The flags that shape what a lint run prints: `--format concise`,
//! `--statistics`, `--quiet` and `--color`.

use std::process::{Output, Stdio};

use crate::support::{command, root, seaworthy, seaworthy_with_stdin, stderr, stdout};

const ESC: char = '\u{1b}';

/// `seaworthy lint --no-config ARGS... examples/shop`.
fn shop(args: &[&str]) -> Output {
    seaworthy(&[&["lint", "--no-config"], args, &["examples/shop"]].concat())
}

/// `seaworthy ARGS...` in the repository's root with `NO_COLOR` set as
/// given (`None`: not set at all).
fn with_no_color(no_color: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = command(&root());
    cmd.env_remove("NO_COLOR");
    if let Some(value) = no_color {
        cmd.env("NO_COLOR", value);
    }
    cmd.args(args)
        .stdin(Stdio::null())
        .output()
        .expect("the binary runs")
}

#[test]
fn concise_report_snapshot() {
    let out = shop(&["--format", "concise"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    // One line per counted finding, then the human report's summary line.
    assert_eq!(lines.len(), 24, "{text}");
    assert_eq!(
        lines[23],
        "Found 23 findings (4 errors, 18 warnings, 1 note) in 3 files (4 objects checked)."
    );
    for line in &lines[..23] {
        let (place, rest) = line.split_once(": ").expect("path:line:col: ...");
        let mut parts = place.rsplitn(3, ':');
        let column = parts.next().unwrap();
        let row = parts.next().unwrap();
        assert!(
            column.parse::<u32>().is_ok() && row.parse::<u32>().is_ok(),
            "{line}"
        );
        assert!(
            parts.next().unwrap().starts_with("examples/shop/"),
            "{line}"
        );
        assert!(
            ["error[", "warning[", "note["]
                .iter()
                .any(|s| rest.starts_with(s)),
            "{line}"
        );
        assert!(line.ends_with(')'), "every finding is on an object: {line}");
    }
    insta::assert_snapshot!("concise_shop", text);
}

/// The same findings, in the same order, as the human report and the JSON.
#[test]
fn concise_lines_match_the_json_report() {
    let concise = stdout(&shop(&["--format", "concise", "--quiet"]));
    let report = crate::support::json(&shop(&["--format", "json"]));
    let expected: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{}:{}:{}: {}[{}] {}",
                f["file"].as_str().unwrap(),
                f["start"]["line"],
                f["start"]["column"],
                f["severity"].as_str().unwrap(),
                f["rule"].as_str().unwrap(),
                f["message"].as_str().unwrap(),
            )
        })
        .collect();
    let lines: Vec<&str> = concise.lines().collect();
    assert_eq!(lines.len(), expected.len());
    for (line, start) in lines.iter().zip(&expected) {
        assert!(line.starts_with(&format!("{start} (")), "{line}\n{start}");
    }
}

/// Parse errors are on no object; rendered Helm output keeps the rendered
/// file's line and names its template.
#[test]
fn concise_names_no_object_for_parse_errors_and_the_helm_template() {
    let out = seaworthy(&[
        "lint",
        "--no-config",
        "--format",
        "concise",
        "--quiet",
        "--select",
        "parse-error",
        "fixtures/policies/parse_error/fail.yaml",
    ]);
    let text = stdout(&out);
    assert!(!text.is_empty(), "{}", stderr(&out));
    for line in text.lines() {
        assert!(
            line.starts_with("fixtures/policies/parse_error/fail.yaml:")
                && line.contains(": error[parse-error] ")
                && !line.ends_with(')'),
            "{line}"
        );
    }

    let helm = std::fs::read_to_string(root().join("fixtures/inputs/helm-rendered.yaml")).unwrap();
    let out = seaworthy_with_stdin(
        &root(),
        &[
            "lint",
            "-",
            "--no-config",
            "--select",
            "mutable-image-tag",
            "--format",
            "concise",
            "--quiet",
        ],
        &helm,
    );
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(
        text.starts_with("<stdin>:25:")
            && text.contains(": error[mutable-image-tag] ")
            && text
                .ends_with(" (Deployment/shop) (rendered from shop/templates/deployment.yaml)\n"),
        "{text}"
    );
}

#[test]
fn statistics_snapshot() {
    let out = shop(&["--statistics"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    insta::assert_snapshot!("statistics_shop", text);
    // The table the human summary ends with, then the total.
    let human = stdout(&shop(&[]));
    let table: String = human
        .lines()
        .skip_while(|l| !l.starts_with("Found "))
        .skip(1)
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(text.starts_with(&table), "{text}");
    assert_eq!(
        text.lines().last(),
        Some("    23  total                          4 errors, 18 warnings, 1 note")
    );
    // The same in place of a concise report, and under --quiet.
    assert_eq!(
        stdout(&shop(&["--statistics", "--format", "concise"])),
        text
    );
    assert_eq!(stdout(&shop(&["--statistics", "--quiet"])), text);
}

#[test]
fn statistics_leave_report_files_whole_and_refuse_a_machine_format_on_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let sarif = dir.path().join("shop.sarif");
    let human = dir.path().join("shop.txt");
    let out = shop(&[
        "--statistics",
        "--format",
        &format!("sarif={}", sarif.display()),
        "--format",
        &format!("human={}", human.display()),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), stdout(&shop(&["--statistics"])));
    let written = std::fs::read_to_string(&human).unwrap();
    assert_eq!(
        written,
        stdout(&shop(&[])),
        "the human report file is whole"
    );
    assert!(crate::support::read_json(&sarif)["runs"][0]["results"].is_array());

    let refused = shop(&["--statistics", "--format", "json"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(stdout(&refused).is_empty());
    assert!(
        stderr(&refused).contains("--format json=FILE"),
        "{}",
        stderr(&refused)
    );

    let clean = seaworthy(&[
        "lint",
        "--no-config",
        "--statistics",
        "--select",
        "missing-cpu-request",
        "fixtures/policies/missing_cpu_request/pass.yaml",
    ]);
    assert_eq!(clean.status.code(), Some(0));
    assert_eq!(stdout(&clean), "     0  total\n");

    // Findings that do not count are named on the total line.
    let baseline = dir.path().join("baseline.sarif");
    let old = shop(&["--format", &format!("sarif={}", baseline.display())]);
    assert_eq!(old.status.code(), Some(1));
    let again = shop(&["--statistics", "--baseline", baseline.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert_eq!(
        stdout(&again),
        "     0  total  not counted: 23 unchanged from the baseline\n"
    );
}

#[test]
fn quiet_snapshot() {
    let out = shop(&["--quiet"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    insta::assert_snapshot!("quiet_shop", text);
    // The human report without the help of each rule and the summary.
    let full = stdout(&shop(&[]));
    let rest = full.strip_prefix(&text).expect("the findings come first");
    assert!(rest.starts_with("How to fix "), "{rest}");
    assert!(rest.contains("\nFound 23 findings"), "{rest}");
    assert!(!text.contains("Found ") && !text.contains("How to fix"));
}

#[test]
fn quiet_drops_notes_and_summaries_but_not_errors() {
    let args = [
        "lint",
        "--no-config",
        "--select",
        "missing-cpu-limit",
        "examples/shop",
    ];
    let noisy = seaworthy(&args);
    assert!(stderr(&noisy).contains("note: rule `missing-cpu-limit` is in preview"));
    assert!(stdout(&noisy).starts_with("No findings in 3 files"));
    let quiet = seaworthy(&[&args[..], &["--quiet"]].concat());
    assert_eq!(quiet.status.code(), noisy.status.code());
    assert!(stderr(&quiet).is_empty(), "{}", stderr(&quiet));
    assert!(stdout(&quiet).is_empty(), "{}", stdout(&quiet));

    let github = shop(&["--format", "github", "--quiet"]);
    let lines: Vec<String> = stdout(&github).lines().map(String::from).collect();
    assert_eq!(lines.len(), 23);
    assert!(lines.iter().all(|l| l.starts_with("::")), "{lines:?}");

    let missing = seaworthy(&[
        "lint",
        "--no-config",
        "--quiet",
        "no/such/path.yaml",
        "examples/shop",
    ]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("no/such/path.yaml: no such file or directory")
            && stderr(&missing).contains("the results are incomplete"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn color_always_colours_and_never_or_no_color_under_auto_do_not() {
    let lint = ["lint", "--no-config", "examples/shop"];
    let run = |no_color: Option<&str>, extra: &[&str]| {
        let out = with_no_color(no_color, &[&lint[..], extra].concat());
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        stdout(&out)
    };
    // `always` wins over NO_COLOR; NO_COLOR wins only under `auto`.
    for no_color in [None, Some("1")] {
        assert!(run(no_color, &["--color", "always"]).contains(ESC));
        assert!(!run(no_color, &["--color", "never"]).contains(ESC));
        assert!(!run(no_color, &["--color", "auto"]).contains(ESC));
        assert!(!run(no_color, &[]).contains(ESC));
    }
    // Coloured or not, the same text.
    let coloured = run(None, &["--color", "always"]);
    assert_eq!(strip_ansi(&coloured), run(None, &["--color", "never"]));

    let concise = run(None, &["--color", "always", "--format", "concise"]);
    assert!(
        concise.contains("\u{1b}[1;31merror\u{1b}[0m[runs-as-root]"),
        "{concise}"
    );
    assert_eq!(
        strip_ansi(&concise),
        run(None, &["--color", "never", "--format", "concise"])
    );

    // Errors on stderr follow the same choice; report files are never
    // coloured.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.txt");
    let out = with_no_color(
        None,
        &[
            "lint",
            "--no-config",
            "--color",
            "always",
            "--format",
            &format!("human={}", file.display()),
            "no/such/path.yaml",
            "examples/shop",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains(ESC), "{}", stderr(&out));
    assert!(!std::fs::read_to_string(&file).unwrap().contains(ESC));
    let plain = with_no_color(
        None,
        &[
            "lint",
            "--no-config",
            "--color",
            "never",
            "no/such/path.yaml",
        ],
    );
    assert!(!stderr(&plain).contains(ESC), "{}", stderr(&plain));

    let bad = seaworthy(&["lint", "--color", "sometimes"]);
    assert_eq!(bad.status.code(), Some(2));
}

/// Removes ANSI SGR sequences (`ESC [ … m`).
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == ESC {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn exit_codes_are_unchanged_by_these_flags() {
    let cases: [(&[&str], u8); 4] = [
        (
            &[
                "--select",
                "missing-cpu-request",
                "fixtures/policies/missing_cpu_request/pass.yaml",
            ],
            0,
        ),
        (&["examples/shop"], 1),
        (&["examples/shop", "--fail-on", "never"], 0),
        (&["no/such/path.yaml", "examples/shop"], 2),
    ];
    let flags: [&[&str]; 7] = [
        &[],
        &["--quiet"],
        &["--statistics"],
        &["--format", "concise"],
        &["--format", "concise", "--quiet", "--statistics"],
        &["--color", "always"],
        &["--color", "never", "-q"],
    ];
    for (case, code) in cases {
        for extra in flags {
            let out = seaworthy(&[&["lint", "--no-config"], case, extra].concat());
            assert_eq!(
                out.status.code(),
                Some(i32::from(code)),
                "{case:?} {extra:?}: {}",
                stderr(&out)
            );
        }
    }
}
