//! Writes a scaled copy of a corpus of manifests: exactly N objects, for
//! measuring how the cost of a lint run grows with the number of objects.
//!
//! ```sh
//! cargo run --release --example scale_corpus -- CORPUS OUT_DIR N
//! ```
//!
//! Every object of the corpus is read with seaworthy's own loader. Below the
//! corpus size, an evenly spaced sample is taken, so every scale has the mix
//! of kinds of the corpus; above it, the corpus is copied as many times as
//! needed (the last copy sampled the same way). Copy `k` (from 1) renames
//! what the inventory rules match on, consistently, so copies neither collide
//! nor pile up in one group:
//!
//! - `metadata.name` and `generateName` get the suffix `-c<k>`;
//! - label values (`labels`, `matchLabels`, `matchExpressions` values) and a
//!   Service's `spec.selector` values get the same suffix, so a Service still
//!   selects the pods of its copy, and a PodDisruptionBudget still covers its
//!   workload; an Ingress backend names the Service of its copy;
//! - Ingress hosts get a label before their last one (`a.example.com` →
//!   `a.example.c<k>.com`, `*.example.com` → `*.example.c<k>.com`), which
//!   keeps wildcard overlaps inside a copy; a rule without a host gets the
//!   host `c<k>.hostless.invalid`, as a real cluster does not hold
//!   thousands of catch-all Ingresses.
//!
//! Objects are written as block YAML, one file per (copy, corpus file).

// A tool for the benchmark: it prints its own results.
#![allow(clippy::disallowed_macros, clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use rayon::prelude::*;
use seaworthy::document::{self, Node, Value};
use seaworthy::source;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (corpus, out, n) = match args.as_slice() {
        [corpus, out, n] => match n.parse::<usize>() {
            Ok(n) if n > 0 => (PathBuf::from(corpus), PathBuf::from(out), n),
            _ => return usage(),
        },
        _ => return usage(),
    };
    match run(&corpus, &out, n) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("scale_corpus: {e}");
            ExitCode::from(2)
        }
    }
}

fn usage() -> ExitCode {
    eprintln!("usage: scale_corpus CORPUS OUT_DIR N   (N > 0)");
    ExitCode::from(2)
}

/// One object of the corpus and the file it came from.
struct Object {
    file: usize,
    kind: String,
    root: Node,
}

fn run(corpus: &Path, out: &Path, n: usize) -> std::io::Result<()> {
    let inputs = source::discover(&[corpus.to_path_buf()]);
    if !inputs.errors.is_empty() || inputs.files.is_empty() {
        return Err(std::io::Error::other(format!(
            "{}: no manifests found there",
            corpus.display()
        )));
    }
    let names: Vec<String> = inputs
        .files
        .iter()
        .map(|p| {
            let rel = p.strip_prefix(corpus).unwrap_or(p);
            let flat = rel.to_string_lossy().replace(['/', '\\'], "__");
            match flat.rsplit_once('.') {
                Some((stem, _)) => format!("{stem}.yaml"),
                None => format!("{flat}.yaml"),
            }
        })
        .collect();
    let loaded: Vec<Vec<Object>> = inputs
        .files
        .par_iter()
        .enumerate()
        .map(|(i, p)| match source::read_file(p) {
            Ok(s) => document::load(i, &s)
                .documents
                .into_iter()
                .map(|d| Object {
                    file: i,
                    kind: d.object.kind,
                    root: d.root,
                })
                .collect(),
            Err(_) => Vec::new(),
        })
        .collect();
    let objects: Vec<Object> = loaded.into_iter().flatten().collect();
    let m = objects.len();
    if m == 0 {
        return Err(std::io::Error::other("the corpus holds no objects"));
    }
    std::fs::create_dir_all(out)?;
    let copies = n.div_ceil(m);
    let mut written = 0usize;
    let mut files = 0usize;
    let mut bytes = 0usize;
    for k in 0..copies {
        let count = (n - k * m).min(m);
        // Evenly spaced: object i is picked when floor((i+1)·count/m) steps.
        let picked: Vec<&Object> = objects
            .iter()
            .enumerate()
            .filter(|(i, _)| (i + 1) * count / m > i * count / m)
            .map(|(_, o)| o)
            .collect();
        let mut by_file: BTreeMap<usize, String> = BTreeMap::new();
        for o in &picked {
            let mut root = o.root.clone();
            if k > 0 {
                rename(&mut root, &o.kind, k);
            }
            let text = by_file.entry(o.file).or_default();
            text.push_str("---\n");
            write_root(text, &root);
        }
        let dir = out.join(format!("c{k}"));
        std::fs::create_dir_all(&dir)?;
        for (file, text) in &by_file {
            std::fs::write(dir.join(&names[*file]), text)?;
            bytes += text.len();
        }
        files += by_file.len();
        written += picked.len();
    }
    println!(
        "{written} objects in {files} files ({:.1} MB) from {m} corpus objects",
        bytes as f64 / 1e6
    );
    Ok(())
}

// ---------------------------------------------------------------- renaming

fn rename(root: &mut Node, kind: &str, k: usize) {
    let suffix = format!("-c{k}");
    if let Some(meta) = get_mut(root, "metadata") {
        for key in ["name", "generateName"] {
            if let Some(Node {
                value: Value::String(s),
                ..
            }) = get_mut(meta, key)
            {
                s.push_str(&suffix);
            }
        }
    }
    // A CRD's schema has `labels` properties: they are not labels.
    if kind == "CustomResourceDefinition" {
        if let Some(labels) = get_mut(root, "metadata").and_then(|m| get_mut(m, "labels")) {
            suffix_values(labels, &suffix);
        }
        return;
    }
    relabel(root, &suffix);
    if kind == "Service" {
        if let Some(selector) = get_mut(root, "spec").and_then(|s| get_mut(s, "selector")) {
            suffix_values(selector, &suffix);
        }
    }
    if kind == "Ingress" {
        rename_ingress(root, k, &suffix);
    }
}

/// Suffixes label values wherever labels and label selectors appear.
fn relabel(node: &mut Node, suffix: &str) {
    match &mut node.value {
        Value::Map(entries) => {
            for e in entries {
                match e.key.as_str() {
                    "labels" | "matchLabels" if matches!(e.value.value, Value::Map(_)) => {
                        suffix_values(&mut e.value, suffix)
                    }
                    "matchExpressions" => {
                        if let Value::Seq(items) = &mut e.value.value {
                            for item in items {
                                if let Some(Node {
                                    value: Value::Seq(values),
                                    ..
                                }) = get_mut(item, "values")
                                {
                                    for v in values {
                                        if let Value::String(s) = &mut v.value {
                                            s.push_str(suffix);
                                        }
                                    }
                                }
                            }
                        }
                    }
                    _ => relabel(&mut e.value, suffix),
                }
            }
        }
        Value::Seq(items) => items.iter_mut().for_each(|n| relabel(n, suffix)),
        _ => {}
    }
}

/// Suffixes the string values of a map of labels.
fn suffix_values(map: &mut Node, suffix: &str) {
    let Value::Map(entries) = &mut map.value else {
        return;
    };
    for e in entries {
        // An empty value (`node-role.kubernetes.io/worker: ""`) stays empty.
        let Value::String(s) = &mut e.value.value else {
            continue;
        };
        if s.is_empty() {
            continue;
        }
        // A StatefulSet pod name: web-0 → web-c3-0, still a pod of web-c3.
        if e.key == "statefulset.kubernetes.io/pod-name" {
            if let Some((name, ordinal)) = s.rsplit_once('-') {
                if !ordinal.is_empty() && ordinal.bytes().all(|b| b.is_ascii_digit()) {
                    *s = format!("{name}{suffix}-{ordinal}");
                    continue;
                }
            }
        }
        s.push_str(suffix);
    }
}

fn rename_ingress(root: &mut Node, k: usize, suffix: &str) {
    let Some(spec) = get_mut(root, "spec") else {
        return;
    };
    if let Some(Node {
        value: Value::Seq(rules),
        ..
    }) = get_mut(spec, "rules")
    {
        for rule in rules.iter_mut() {
            match get_mut(rule, "host") {
                Some(node) => {
                    if !matches!(node.value, Value::String(_)) {
                        node.value = Value::String(String::new());
                    }
                }
                None => insert(rule, "host", String::new()),
            }
            if let Some(Node {
                value: Value::String(host),
                ..
            }) = get_mut(rule, "host")
            {
                *host = scaled_host(host, k);
            }
            rename_backends(rule, suffix);
        }
    }
    if let Some(Node {
        value: Value::Seq(tls),
        ..
    }) = get_mut(spec, "tls")
    {
        for entry in tls {
            if let Some(Node {
                value: Value::Seq(hosts),
                ..
            }) = get_mut(entry, "hosts")
            {
                for h in hosts {
                    if let Value::String(s) = &mut h.value {
                        *s = scaled_host(s, k);
                    }
                }
            }
        }
    }
    for key in ["defaultBackend", "backend"] {
        if let Some(backend) = get_mut(spec, key) {
            rename_backends(backend, suffix);
        }
    }
}

fn scaled_host(host: &str, k: usize) -> String {
    if host.is_empty() || host == "*" {
        return format!("c{k}.hostless.invalid");
    }
    match host.rsplit_once('.') {
        Some((rest, last)) => format!("{rest}.c{k}.{last}"),
        None => format!("{host}-c{k}"),
    }
}

/// Service names in backends: `service.name` (v1) and `serviceName` (v1beta1).
fn rename_backends(node: &mut Node, suffix: &str) {
    match &mut node.value {
        Value::Map(entries) => {
            for e in entries {
                match (&e.key[..], &mut e.value.value) {
                    ("serviceName", Value::String(s)) => s.push_str(suffix),
                    ("service", Value::Map(_)) => {
                        if let Some(Node {
                            value: Value::String(s),
                            ..
                        }) = get_mut(&mut e.value, "name")
                        {
                            s.push_str(suffix);
                        }
                    }
                    _ => rename_backends(&mut e.value, suffix),
                }
            }
        }
        Value::Seq(items) => items.iter_mut().for_each(|n| rename_backends(n, suffix)),
        _ => {}
    }
}

fn get_mut<'a>(node: &'a mut Node, key: &str) -> Option<&'a mut Node> {
    match &mut node.value {
        Value::Map(entries) => entries
            .iter_mut()
            .find(|e| e.key == key)
            .map(|e| &mut e.value),
        _ => None,
    }
}

fn insert(node: &mut Node, key: &str, value: String) {
    if let Value::Map(entries) = &mut node.value {
        entries.push(document::Entry {
            key: key.to_string(),
            key_span: Default::default(),
            value: Node {
                value: Value::String(value),
                span: Default::default(),
            },
        });
    }
}

// ---------------------------------------------------------------- writing

/// A document's root, in block style.
fn write_root(out: &mut String, root: &Node) {
    match &root.value {
        Value::Map(entries) if !entries.is_empty() => write_map(out, entries, 0, false),
        _ => {
            write_inline(out, root);
            out.push('\n');
        }
    }
}

fn write_map(out: &mut String, entries: &[document::Entry], indent: usize, first_inline: bool) {
    for (i, e) in entries.iter().enumerate() {
        if i > 0 || !first_inline {
            pad(out, indent);
        }
        write_scalar_text(out, &e.key);
        out.push(':');
        write_value(out, &e.value, indent);
    }
}

/// The value of a mapping entry whose key sits at `indent`.
fn write_value(out: &mut String, node: &Node, indent: usize) {
    match &node.value {
        Value::Map(entries) if !entries.is_empty() => {
            out.push('\n');
            write_map(out, entries, indent + 2, false);
        }
        Value::Seq(items) if !items.is_empty() => {
            out.push('\n');
            write_seq(out, items, indent);
        }
        _ => {
            out.push(' ');
            write_inline(out, node);
            out.push('\n');
        }
    }
}

fn write_seq(out: &mut String, items: &[Node], indent: usize) {
    for item in items {
        pad(out, indent);
        out.push('-');
        match &item.value {
            Value::Map(entries) if !entries.is_empty() => {
                out.push(' ');
                write_map(out, entries, indent + 2, true);
            }
            Value::Seq(inner) if !inner.is_empty() => {
                out.push('\n');
                write_seq(out, inner, indent + 2);
            }
            _ => {
                out.push(' ');
                write_inline(out, item);
                out.push('\n');
            }
        }
    }
}

/// Scalars and empty collections.
fn write_inline(out: &mut String, node: &Node) {
    match &node.value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Float(f) if f.is_finite() => {
            let text = format!("{f:?}");
            // YAML 1.1 wants a dot in a float: 1e300 → 1.0e300.
            match text.split_once('e') {
                Some((m, e)) if !m.contains('.') => out.push_str(&format!("{m}.0e{e}")),
                _ => out.push_str(&text),
            }
        }
        Value::Float(f) if f.is_nan() => out.push_str(".nan"),
        Value::Float(f) => out.push_str(if *f > 0.0 { ".inf" } else { "-.inf" }),
        Value::String(s) => write_scalar_text(out, s),
        Value::Seq(_) => out.push_str("[]"),
        Value::Map(_) => out.push_str("{}"),
    }
}

/// A string, plain when it cannot be read as anything else, double-quoted
/// (JSON escapes are YAML escapes) otherwise.
fn write_scalar_text(out: &mut String, s: &str) {
    if is_plain_safe(s) {
        out.push_str(s);
    } else {
        out.push_str(&serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into()));
    }
}

fn is_plain_safe(s: &str) -> bool {
    const WORDS: [&str; 11] = [
        "y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf",
    ];
    let mut bytes = s.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'/'))
        && !WORDS.contains(&s.to_ascii_lowercase().as_str())
}

fn pad(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}
