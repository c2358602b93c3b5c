// A build script fails the build by panicking and talks to cargo by printing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::disallowed_macros)]

//! Embeds every file under `policies/` into the binary, so the built-in rules
//! travel with it and a new policy file needs no code change.

use std::fmt::Write;
use std::path::Path;

fn collect(dir: &Path, root: &Path, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .expect("policies/ is readable")
        .filter_map(Result::ok)
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, root, out);
        } else if path.extension().is_some_and(|e| e == "rego") {
            let rel = path.strip_prefix(root).expect("under root");
            let rel = rel.to_string_lossy().replace('\\', "/");
            let abs = path.canonicalize().expect("policy path");
            out.push((rel, abs.to_string_lossy().into_owned()));
        }
    }
}

fn main() {
    let root = Path::new("policies");
    println!("cargo:rerun-if-changed=policies");
    let mut files = Vec::new();
    collect(root, root, &mut files);
    let mut code = String::from("pub static BUILTIN_POLICY_FILES: &[(&str, &str)] = &[\n");
    for (rel, abs) in &files {
        writeln!(code, "    ({rel:?}, include_str!({abs:?})),").unwrap();
    }
    code.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).join("builtin_policies.rs");
    std::fs::write(out, code).unwrap();
}
