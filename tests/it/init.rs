//! `seaworthy init`: the commented `.seaworthy.yaml` it writes, and its
//! refusal to replace a file without `--force`.

use crate::support::{json, root, seaworthy_in, stderr};

const FILE: &str = ".seaworthy.yaml";

/// The text `init` writes: every setting and every rule parameter of the
/// catalog, explained and commented out.
#[test]
fn init_writes_a_commented_config() {
    let dir = tempfile::tempdir().unwrap();
    let out = seaworthy_in(dir.path(), &["init"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with("Wrote .seaworthy.yaml: every setting at its default"),
        "{}",
        stderr(&out)
    );
    assert!(out.stdout.is_empty());
    let text = std::fs::read_to_string(dir.path().join(FILE)).unwrap();
    insta::assert_snapshot!("init", text);

    // A folder gets a .seaworthy.yaml; another name is to be passed with --config.
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    let out = seaworthy_in(dir.path(), &["init", "sub"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("sub").join(FILE)).unwrap(),
        text
    );
    let out = seaworthy_in(dir.path(), &["init", "ci.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("`seaworthy lint --config ci.yaml`"),
        "{}",
        stderr(&out)
    );
    // No temporary file is left beside them.
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, [".seaworthy.yaml", "ci.yaml", "sub"]);
}

/// An existing file is left as it is (exit 2, saying why and what to do);
/// `--force` replaces it.
#[test]
fn init_refuses_to_replace_a_file_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let mine = "fail-on: warning\n";
    std::fs::write(dir.path().join(FILE), mine).unwrap();
    let out = seaworthy_in(dir.path(), &["init"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains(".seaworthy.yaml already exists"), "{err}");
    assert!(err.contains("pass --force to replace it"), "{err}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join(FILE)).unwrap(),
        mine
    );

    let out = seaworthy_in(dir.path(), &["init", "--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = std::fs::read_to_string(dir.path().join(FILE)).unwrap();
    assert!(text.contains("#fail-on: error\n"), "{text}");

    // A folder that does not exist is an error naming the file.
    let out = seaworthy_in(dir.path(), &["init", "missing/config.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot write missing/config.yaml"),
        "{}",
        stderr(&out)
    );
}

/// The bundled example linted with the written config, found from the
/// folder it was written in, gives the findings of a run without config;
/// and the run did read that file (a mistake added to it stops the run).
/// Uncommented, every setting still parses and checks against the catalog.
#[test]
fn the_written_config_lints_clean_and_uncommented_still_parses() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(seaworthy_in(dir.path(), &["init"]).status.code(), Some(0));
    let example = root().join("examples/shop");
    let example = example.to_str().unwrap();
    let lint = |extra: &[&str]| {
        let mut args = vec!["lint", "--format", "json"];
        args.extend_from_slice(extra);
        args.push(example);
        seaworthy_in(dir.path(), &args)
    };
    let with = lint(&[]);
    let without = lint(&["--no-config"]);
    assert_eq!(with.status.code(), Some(1), "{}", stderr(&with));
    assert_eq!(stderr(&with), stderr(&without));
    let (with, without) = (json(&with), json(&without));
    assert!(without["summary"]["findings"].as_u64().unwrap() > 10);
    assert_eq!(with["findings"], without["findings"]);
    assert_eq!(with["summary"], without["summary"]);

    let path = dir.path().join(FILE);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, format!("{text}fail_on: never\n")).unwrap();
    let broken = lint(&[]);
    assert_eq!(broken.status.code(), Some(2));
    assert!(
        stderr(&broken).contains(".seaworthy.yaml:")
            && stderr(&broken).contains("unknown setting `fail_on`"),
        "{}",
        stderr(&broken)
    );

    let open = seaworthy::starter::uncommented(&text);
    assert!(
        open.contains("\nselect: [all]\n") && open.contains("\nparams:\n"),
        "{open}"
    );
    std::fs::write(&path, &open).unwrap();
    let uncommented = lint(&[]);
    assert_eq!(
        uncommented.status.code(),
        Some(1),
        "{}",
        stderr(&uncommented)
    );
    assert!(json(&uncommented)["errors"].as_array().unwrap().is_empty());
}
