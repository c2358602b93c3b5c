//! Micro-benchmarks of the hot paths of a lint run, on the files under
//! `fixtures/` (so they run on a fresh clone): reading YAML into span-carrying
//! trees, evaluating the policies on one object at a time and on the
//! inventory, and writing SARIF. `bench/run` measures whole runs.
//!
//! ```sh
//! cargo bench --bench hot_paths            # all
//! cargo bench --bench hot_paths -- sarif   # one group
//! ```

// Test code: a failed unwrap is a failed test, and printing is allowed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::disallowed_macros)]

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use seaworthy::config::Config;
use seaworthy::document::{self, Document};
use seaworthy::engine::{to_value, Engine};
use seaworthy::lint;
use seaworthy::policy::{Rule, Scope};
use seaworthy::report::{self, Format};
use seaworthy::settings::{Choices, Settings, DEFAULT_POLICY_TIMEOUT};
use seaworthy::source::{self, SourceFile};

// The same allocator as the binary: regorus's cost depends on it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Every manifest under `fixtures/`.
fn fixture_sources() -> Vec<SourceFile> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let found = source::discover(&[root]);
    let sources: Vec<SourceFile> = found
        .files
        .iter()
        .filter_map(|p| source::read_file(p).ok())
        .collect();
    assert!(
        sources.len() > 20,
        "only {} fixture files found",
        sources.len()
    );
    sources
}

fn fixture_documents(sources: &[SourceFile]) -> Vec<Document> {
    sources
        .iter()
        .enumerate()
        .flat_map(|(i, s)| document::load(i, s).documents)
        .collect()
}

/// Every rule, preview ones included: `--select all --preview`.
fn all_rules() -> Settings {
    let choices = Choices {
        select: Some(vec!["all".to_string()]),
        preview: true,
        ..Choices::default()
    };
    Settings::resolve(&Config::default(), &choices, &[]).expect("built-in policies load")
}

fn rules_of(settings: &Settings, scope: Scope) -> Vec<&Rule> {
    settings
        .rules
        .iter()
        .filter(|r| r.query.is_some() && r.meta.scope == scope)
        .collect()
}

fn load(c: &mut Criterion) {
    let sources = fixture_sources();
    let bytes: usize = sources.iter().map(|s| s.text().len()).sum();
    let mut group = c.benchmark_group("load");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("fixtures", |b| {
        b.iter(|| {
            for (i, s) in sources.iter().enumerate() {
                black_box(document::load(i, black_box(s)));
            }
        })
    });
    group.finish();
}

fn evaluate(c: &mut Criterion) {
    let settings = all_rules();
    let sources = fixture_sources();
    let documents = fixture_documents(&sources);
    let engine = Engine::new(
        &settings.catalog,
        &settings.params,
        false,
        DEFAULT_POLICY_TIMEOUT,
    )
    .expect("engine");

    let object_rules = rules_of(&settings, Scope::Object);
    let (batch, note) = engine.batch(&object_rules).expect("batch");
    assert!(note.is_none(), "the policies fell back to the interpreter");
    let values: Vec<regorus::Value> = documents.iter().map(|d| to_value(&d.root)).collect();
    let kinds: Vec<&str> = documents.iter().map(|d| d.object.kind.as_str()).collect();

    let mut group = c.benchmark_group("evaluate");
    group.throughput(Throughput::Elements(documents.len() as u64));
    group.bench_function("to_value", |b| {
        b.iter(|| {
            for d in &documents {
                black_box(to_value(black_box(&d.root)));
            }
        })
    });
    let mut runner = batch.runner();
    group.bench_function("object_rules", |b| {
        b.iter(|| {
            for (v, kind) in values.iter().zip(&kinds) {
                black_box(runner.evaluate(v.clone(), Some(kind)));
            }
        })
    });

    let inventory_rules = rules_of(&settings, Scope::Inventory);
    let (inventory_batch, _) = engine.batch(&inventory_rules).expect("inventory batch");
    let mut input = regorus::Value::new_object();
    input
        .as_object_mut()
        .expect("an object")
        .insert("objects".into(), regorus::Value::from(values.clone()));
    let mut runner = inventory_batch.runner();
    group.bench_function("inventory_rules", |b| {
        b.iter(|| black_box(runner.evaluate(input.clone(), None)))
    });
    group.finish();
}

fn sarif(c: &mut Criterion) {
    let settings = all_rules();
    let (outcome, _retained) =
        lint::lint_sources(&settings, fixture_sources(), Vec::new()).expect("lint the fixtures");
    assert!(!outcome.findings.is_empty());
    let mut size = 0;
    let mut group = c.benchmark_group("sarif");
    group.throughput(Throughput::Elements(outcome.findings.len() as u64));
    group.bench_function("render", |b| {
        b.iter(|| {
            let mut out = Vec::with_capacity(size);
            report::render(Format::Sarif, &outcome, &mut out).expect("render");
            size = out.len();
            black_box(out)
        })
    });
    group.finish();
}

criterion_group!(benches, load, evaluate, sarif);
criterion_main!(benches);
