//! Kustomize: the kustomizations in the folders of the files to lint, and
//! the files they name that are not whole objects. A patch is part of an
//! object, merged by `kustomize build` into one of its `resources`: linted
//! alone, it lacks everything the patch leaves to the base (probes,
//! resources…). A generator's files are data put into a ConfigMap or Secret.
//! Such files are set aside, and one note per kustomization says so and how
//! to lint the merged result.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::document::{self, Node};
use crate::source;

/// The names kustomize reads a kustomization from, in its order.
pub const FILE_NAMES: [&str; 3] = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// Why a file named by a kustomization is not linted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Role {
    /// `patches`, `patchesStrategicMerge` or `patchesJson6902`.
    Patch,
    /// `files`, `envs` or `env` of a `configMapGenerator` or `secretGenerator`.
    GeneratorData,
}

/// One kustomization file and the files it names, by their canonical paths.
#[derive(Debug)]
struct Kustomization {
    /// Its folder, which the paths it names are relative to (canonical).
    dir: PathBuf,
    /// Its file name there.
    name: &'static str,
    /// The file, canonical (a symbolic link resolved).
    canonical: PathBuf,
    /// `kind: Component`: it cannot be built alone.
    component: bool,
    /// The files it merges into objects or puts into data.
    named: HashMap<PathBuf, Role>,
    /// The files of its `resources`: whole objects, whatever else names them.
    resources: HashSet<PathBuf>,
}

/// Takes out of `files` those that a kustomization in their folder, or in a
/// folder above it, names as a patch or as a generator's data (a file that
/// a kustomization also lists under `resources` stays), and the
/// kustomizations themselves. Kustomize reads such files only from under the
/// kustomization's folder by default, so the folders above a file are where
/// its kustomization can be. Returns one note per kustomization whose
/// patches or data were set aside.
pub fn set_aside(files: &mut Vec<PathBuf>) -> Vec<String> {
    let canonical: Vec<Option<PathBuf>> = files
        .iter()
        .map(|f| std::fs::canonicalize(f).ok())
        .collect();
    let mut found: Vec<Kustomization> = Vec::new();
    let mut seen: HashSet<PathBuf> = HashSet::new();
    for path in canonical.iter().flatten() {
        for dir in path.ancestors().skip(1) {
            if !seen.insert(dir.to_path_buf()) {
                // Its ancestors were looked at with it.
                break;
            }
            found.extend(read_kustomization(dir));
        }
    }
    if found.is_empty() {
        return Vec::new();
    }
    let resources: HashSet<&PathBuf> = found.iter().flat_map(|k| &k.resources).collect();
    // Kustomize's own files are not objects of a cluster: left out quietly,
    // as other YAML that is not an object is.
    let own: HashSet<&PathBuf> = found.iter().map(|k| &k.canonical).collect();
    // For each kustomization (by index), the files set aside.
    let mut skipped: BTreeMap<usize, Vec<(PathBuf, Role)>> = BTreeMap::new();
    let mut keep = Vec::with_capacity(files.len());
    for (file, canonical) in files.drain(..).zip(&canonical) {
        if canonical.as_ref().is_some_and(|c| own.contains(c)) {
            continue;
        }
        let owner = canonical
            .as_ref()
            .filter(|c| !resources.contains(c))
            .and_then(|c| {
                found
                    .iter()
                    .enumerate()
                    .find_map(|(i, k)| k.named.get(c).map(|role| (i, c, *role)))
            });
        match owner {
            Some((i, c, role)) => skipped.entry(i).or_default().push((c.clone(), role)),
            None => keep.push(file),
        }
    }
    *files = keep;
    skipped
        .into_iter()
        .map(|(i, set)| note(&found[i], set))
        .collect()
}

/// The kustomization in `dir`, if there is one kustomize would read. One
/// that cannot be read or parsed names nothing here (kustomize reports it,
/// and a `kustomization.yaml` among the inputs is a parse error there).
fn read_kustomization(dir: &Path) -> Option<Kustomization> {
    let name = FILE_NAMES
        .into_iter()
        .find(|name| dir.join(name).is_file())?;
    let canonical = std::fs::canonicalize(dir.join(name)).ok()?;
    let text = source::read_file(&canonical).ok()?;
    let root = document::parse_yaml(text.text()).ok()??;
    // A Flux `kustomize.toolkit.fluxcd.io` Kustomization is an object of
    // the cluster, not kustomize's file.
    if root
        .get("apiVersion")
        .and_then(Node::as_str)
        .is_some_and(|v| !v.starts_with("kustomize.config.k8s.io/"))
    {
        return None;
    }
    let component = root.get("kind").and_then(Node::as_str) == Some("Component");
    let mut named = HashMap::new();
    let mut add = |relative: &str, role: Role| {
        // An inline patch is YAML, not a path; it names no file.
        if relative.contains('\n') || relative.trim().is_empty() {
            return;
        }
        if let Ok(file) = std::fs::canonicalize(dir.join(relative.trim())) {
            named.entry(file).or_insert(role);
        }
    };
    let items = |key: &str| root.get(key).and_then(Node::as_seq).unwrap_or_default();
    for key in ["patches", "patchesJson6902"] {
        for entry in items(key) {
            if let Some(p) = entry.get("path").and_then(Node::as_str) {
                add(p, Role::Patch);
            }
        }
    }
    for entry in items("patchesStrategicMerge") {
        if let Some(p) = entry.as_str() {
            add(p, Role::Patch);
        }
    }
    for key in ["configMapGenerator", "secretGenerator"] {
        for generator in items(key) {
            for list in ["files", "envs"] {
                let entries = generator.get(list).and_then(Node::as_seq);
                for file in entries.unwrap_or_default().iter().filter_map(Node::as_str) {
                    // `key=path` names the data key.
                    let path = file.split_once('=').map_or(file, |(_, p)| p);
                    add(path, Role::GeneratorData);
                }
            }
            if let Some(file) = generator.get("env").and_then(Node::as_str) {
                add(file, Role::GeneratorData);
            }
        }
    }
    let resources = items("resources")
        .iter()
        .filter_map(Node::as_str)
        .filter_map(|r| std::fs::canonicalize(dir.join(r)).ok())
        .filter(|r| r.is_file())
        .collect();
    Some(Kustomization {
        dir: dir.to_path_buf(),
        name,
        canonical,
        component,
        named,
        resources,
    })
}

/// The note for one kustomization: what was set aside, and how to lint it.
fn note(kustomization: &Kustomization, mut set: Vec<(PathBuf, Role)>) -> String {
    set.sort_by(|a, b| (a.1, &a.0).cmp(&(b.1, &b.0)));
    let dir = &kustomization.dir;
    // Files are named as the kustomization names them: from its folder.
    let names = |role: Role| -> Vec<String> {
        set.iter()
            .filter(|(_, r)| *r == role)
            .map(|(file, _)| match file.strip_prefix(dir) {
                Ok(relative) => relative.to_string_lossy().replace('\\', "/"),
                Err(_) => source::display_name(file),
            })
            .collect()
    };
    let counted = |names: &[String], one: &str, many: &str| match names.len() {
        0 => None,
        1 => Some(format!("{one} ({})", names[0])),
        n => Some(format!("{n} {many} ({})", names.join(", "))),
    };
    let has = |role: Role| set.iter().any(|(_, r)| *r == role);
    let what: Vec<String> = [
        counted(&names(Role::Patch), "a patch", "patches"),
        counted(
            &names(Role::GeneratorData),
            "a generator's data file",
            "generators' data files",
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    let folder = match source::display_name(dir) {
        name if name.is_empty() => ".".to_string(),
        name => name,
    };
    let how = match kustomization.component {
        true => "lint the build of a kustomization that uses this component: `kustomize build DIR | seaworthy lint -`".to_string(),
        false => format!("lint the merged result: `kustomize build {folder} | seaworthy lint -`"),
    };
    let why = match (has(Role::Patch), has(Role::GeneratorData)) {
        (true, true) => "kustomize merges patches into the objects of `resources` and puts generators' files into ConfigMaps and Secrets",
        (true, false) => "kustomize merges patches into the objects of `resources`",
        _ => "kustomize puts generators' files into ConfigMaps and Secrets",
    };
    let verb = if set.len() == 1 { "was" } else { "were" };
    format!(
        "{}: {} {verb} not linted alone, as {why}; {how}",
        source::display_name(&dir.join(kustomization.name)),
        what.join(" and "),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, files: &[(&str, &str)]) {
        for (name, text) in files {
            let path = dir.join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
    }

    const PATCH: &str =
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n";

    #[test]
    fn every_file_name_kustomize_reads_is_found() {
        for name in FILE_NAMES {
            let dir = tempfile::tempdir().unwrap();
            write(
                dir.path(),
                &[
                    (name, "patches:\n  - path: p.yaml\n"),
                    ("p.yaml", PATCH),
                    ("d.yaml", PATCH),
                ],
            );
            let mut files = vec![
                dir.path().join("d.yaml"),
                dir.path().join(name),
                dir.path().join("p.yaml"),
            ];
            let notes = set_aside(&mut files);
            assert_eq!(files, [dir.path().join("d.yaml")], "{name}");
            assert_eq!(notes.len(), 1, "{name}");
            assert!(
                notes[0].contains(&format!("{name}: a patch (p.yaml) was not linted alone")),
                "{notes:?}"
            );
        }
    }

    #[test]
    fn only_kustomize_files_name_patches() {
        let dir = tempfile::tempdir().unwrap();
        // A Flux Kustomization is a cluster object; `patches` means nothing here.
        write(
            dir.path(),
            &[
                (
                    "kustomization.yaml",
                    "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\nspec:\n  patches:\n    - path: p.yaml\npatches:\n  - path: p.yaml\n",
                ),
                ("p.yaml", PATCH),
            ],
        );
        let mut files = vec![dir.path().join("p.yaml")];
        assert!(set_aside(&mut files).is_empty());
        assert_eq!(files.len(), 1);
    }

    #[test]
    fn a_kustomization_above_the_file_names_it_and_resources_stay() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            &[
                (
                    "app/kustomization.yaml",
                    "resources: [shared/both.yaml]\npatchesStrategicMerge:\n  - shared/both.yaml\n  - deep/down/p.yaml\n  - missing.yaml\nconfigMapGenerator:\n  - name: c\n    files: [conf=data.json]\n    envs: [app.env]\n",
                ),
                ("app/shared/both.yaml", PATCH),
                ("app/deep/down/p.yaml", PATCH),
                ("app/data.json", "{}"),
            ],
        );
        let mut files = vec![
            dir.path().join("app/deep/down/p.yaml"),
            dir.path().join("app/shared/both.yaml"),
            dir.path().join("app/data.json"),
        ];
        let notes = set_aside(&mut files);
        assert_eq!(files, [dir.path().join("app/shared/both.yaml")]);
        assert_eq!(notes.len(), 1);
        assert!(
            notes[0].contains(
                "a patch (deep/down/p.yaml) and a generator's data file (data.json) were not linted alone"
            ),
            "{notes:?}"
        );
    }
}
