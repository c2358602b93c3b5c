//! Kustomize: the files a kustomization merges into objects (patches, in
//! each of their forms) or puts into data (generators' files) are not linted
//! as objects; one note per kustomization says so and how to lint the build.

use crate::support::{json, root, seaworthy, seaworthy_in, stderr, stdout, write_files};

/// The files of `fixtures/kustomize` a finding is in.
fn finding_files(report: &serde_json::Value) -> Vec<String> {
    let mut files: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["file"].as_str().unwrap().to_string())
        .collect();
    files.dedup();
    files
}

/// A base, an overlay with a patch of every form (`patches` with a path and
/// inline, `patchesStrategicMerge` with a path and inline,
/// `patchesJson6902`), a component with a patch, and a generator's data
/// file. Patches set only what they change, so each would be a dozen false
/// findings (no probes, no resources...) if linted alone.
#[test]
fn patches_and_generator_data_are_set_aside_with_a_note_per_kustomization() {
    let out = seaworthy(&[
        "lint",
        "--no-config",
        "--format",
        "json",
        "fixtures/kustomize",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json(&out);
    // The base's Deployment and Service and the overlay's own resource;
    // neither the patches, the data file nor the kustomizations.
    assert_eq!(report["summary"]["files"], 3, "{report:#}");
    assert_eq!(report["summary"]["objects"], 3, "{report:#}");
    assert_eq!(
        finding_files(&report),
        ["fixtures/kustomize/base/deployment.yaml"]
    );
    let notes: Vec<&str> = report["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert_eq!(notes.len(), 2, "{notes:#?}");
    assert_eq!(
        notes[0],
        "fixtures/kustomize/components/probes/kustomization.yaml: a patch (probes.yaml) was not \
         linted alone, as kustomize merges patches into the objects of `resources`; lint the \
         build of a kustomization that uses this component: `kustomize build DIR | seaworthy lint -`"
    );
    assert_eq!(
        notes[1],
        "fixtures/kustomize/overlays/prod/kustomization.yaml: 3 patches (patches/image.yaml, \
         patches/replicas.yaml, patches/resources.yaml) and a generator's data file \
         (config.yaml) were not linted alone, as kustomize merges patches into the objects of \
         `resources` and puts generators' files into ConfigMaps and Secrets; lint the merged \
         result: `kustomize build fixtures/kustomize/overlays/prod | seaworthy lint -`"
    );
    // The notes are on stderr in the other formats.
    let human = seaworthy(&["lint", "--no-config", "fixtures/kustomize"]);
    assert_eq!(
        stderr(&human).matches("note: ").count(),
        2,
        "{}",
        stderr(&human)
    );
}

/// A patch named on the command line, as a pre-commit hook names every
/// staged file, is set aside too: it is never a whole object. Linting the
/// same file without its kustomization shows what that avoids.
#[test]
fn a_patch_named_on_the_command_line_is_set_aside() {
    let patch = "fixtures/kustomize/overlays/prod/patches/resources.yaml";
    let out = seaworthy(&[
        "lint",
        "--no-config",
        "--format",
        "json",
        patch,
        "fixtures/kustomize/overlays/prod/pdb.yaml",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let report = json(&out);
    assert_eq!(report["summary"]["files"], 1);
    assert_eq!(report["findings"].as_array().unwrap().len(), 0);
    let notes = report["notes"].as_array().unwrap();
    assert_eq!(notes.len(), 1);
    assert!(
        notes[0]
            .as_str()
            .unwrap()
            .contains("kustomization.yaml: a patch (patches/resources.yaml) was not linted alone"),
        "{notes:?}"
    );

    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join(patch)).unwrap();
    write_files(dir.path(), &[("resources.yaml", &text)]);
    let alone = seaworthy_in(
        dir.path(),
        &["lint", "--no-config", "--format", "json", "resources.yaml"],
    );
    assert_eq!(alone.status.code(), Some(1), "{}", stdout(&alone));
    assert!(json(&alone)["summary"]["findings"].as_u64().unwrap() >= 5);
}

/// A file that one kustomization patches with and another lists under
/// `resources` is an object, and is linted; a patch path outside the files
/// linted, or that does not exist, changes nothing; a kustomization is not
/// an object of the cluster, so a rule for every kind does not see it.
#[test]
fn resources_win_and_kustomizations_are_not_objects() {
    let dir = tempfile::tempdir().unwrap();
    let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels: {owner: shop}\nspec:\n  replicas: 2\n";
    write_files(
        dir.path(),
        &[
            (
                "app/kustomization.yaml",
                "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [web.yaml]\n",
            ),
            ("app/web.yaml", deployment),
            (
                "app/overlay/Kustomization",
                "resources: [..]\npatches:\n  - path: ../web.yaml\n  - path: ../../elsewhere/p.yaml\n  - path: gone.yaml\n",
            ),
            (".seaworthy.yaml", "select: [missing-required-label]\nparams:\n  missing-required-label:\n    labels: [owner]\n"),
        ],
    );
    let out = seaworthy_in(dir.path(), &["lint", "--format", "json", "app"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let report = json(&out);
    assert_eq!(report["summary"]["files"], 1, "{report:#}");
    assert_eq!(report["summary"]["objects"], 1, "{report:#}");
    assert_eq!(report["notes"].as_array().unwrap().len(), 0, "{report:#}");
}
