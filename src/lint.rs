//! The lint pipeline, one pass in named steps: read the sources, load their
//! documents, evaluate the rules, suppress, resolve each finding's file and
//! fingerprint, compare with the baseline, sort. Drift findings join after
//! evaluation.

use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use crate::config;
use crate::document::{self, Document, PathSeg};
use crate::drift;
use crate::engine::{self, Batch, BatchRunner, Engine, EvalError, Violation};
use crate::finding::{sort_for_report, BaselineState, Finding, Location, Related};
use crate::live::{self, KindWanted, LiveError};
use crate::outcome::{
    IacCoverage, KindAudit, LiveAudit, NamespaceCoverage, Outcome, RunError, Tally,
};
use crate::policy::{PolicyError, Rule, Scope};
use crate::rules::{self, invalid_manifest, parse_error};
use crate::schema::Schemas;
use crate::settings::Settings;
use crate::source::{self, SourceFile};
use crate::suppress;

/// What a run built that its outcome does not hold: document trees and
/// Rego values. Kept apart so that freeing them is the caller's choice: a
/// process about to exit need not walk hundreds of megabytes to free them
/// piece by piece.
#[derive(Default)]
pub struct Retained {
    // Held, never read: dropping them is what costs.
    _documents: Vec<Document>,
    _runner: Option<BatchRunner>,
}

/// Why a run could not be made at all.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum LintError {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Policy(#[from] PolicyError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Live(#[from] LiveError),
}

/// Lints what runs in a cluster: reads exactly the kinds the enabled rules
/// need (`options.kinds` is set here), each object becoming a source as its
/// list arrives, then lints them as files are linted. `trace` sees every
/// step of the reading as it happens.
pub fn run_live(
    settings: &Settings,
    options: &live::Options,
    iac: &[PathBuf],
    trace: &mut dyn FnMut(&live::Trace),
) -> Result<(Outcome, Retained), LintError> {
    // Objects read from a cluster carry their namespace: one without is
    // cluster-scoped, whatever `--namespace` says.
    let settings = &Settings {
        namespace: String::new(),
        ..settings.clone()
    };
    let mut options = options.clone();
    let linted_kinds = kinds_for_live(settings, options.include_secrets);
    options.kinds = linted_kinds.clone();
    // With `--iac`: the IaC is read first, to know which kinds and
    // namespaces to compare.
    let drift_on = !iac.is_empty();
    let (iac_sources, mut errors, iac_notes) = match drift_on {
        true => read_sources(iac),
        false => (Vec::new(), Vec::new(), Vec::new()),
    };
    if drift_on {
        let declared = declared_kinds_and_namespaces(&iac_sources);
        options
            .kinds
            .extend(kinds_for_drift(&declared.0, options.include_secrets));
        options.also_namespaces = declared.1;
    }
    let reading = live::start(&options)?;
    let default_namespace = options
        .namespace
        .clone()
        .unwrap_or_else(|| reading.default_namespace().to_string());
    let context = reading.context().to_string();
    let mut audit = LiveAudit {
        context: context.clone(),
        server: reading.cluster_server().to_string(),
        scope: match (&options.all_namespaces, &options.namespace) {
            (true, _) => "all namespaces".to_string(),
            (false, Some(ns)) => format!("namespace {ns}"),
            (false, None) => format!("namespace {}", reading.default_namespace()),
        },
        kinds: Vec::new(),
        skipped_owned: 0,
    };
    let mut objects_read: std::collections::HashMap<String, usize> = Default::default();
    // Objects of the kinds the rules read are linted; the others were read
    // for drift only. With drift, every raw object is kept beside its text.
    let mut sources = Vec::new();
    let mut drift_only_sources = Vec::new();
    let mut raw: Vec<(bool, usize, drift::Live)> = Vec::new();
    let mut summary = None;
    for event in reading {
        match event {
            live::Event::Trace(t) => {
                if let live::Trace::Listed {
                    group,
                    kind,
                    kept,
                    skipped_owned,
                    ..
                } = &t
                {
                    *objects_read.entry(live::subject(group, kind)).or_default() +=
                        kept + skipped_owned;
                }
                trace(&t);
            }
            // Each object becomes its text at once; without drift the raw
            // object is dropped.
            live::Event::Objects(objects) => {
                for object in objects {
                    let linted = linted_kinds.iter().any(|k| {
                        k.kind == object.kind && api_group(&object.api_version) == k.group
                    });
                    let source = live::source_of(&context, &object);
                    let index = match linted {
                        true => sources.len(),
                        false => drift_only_sources.len(),
                    };
                    match linted {
                        true => sources.push(source),
                        false => drift_only_sources.push(source),
                    }
                    if drift_on {
                        // A metadata-only list gives apiVersion, kind, metadata.
                        let full = object.raw.as_object().is_some_and(|o| {
                            o.keys()
                                .any(|k| !matches!(k.as_str(), "apiVersion" | "kind" | "metadata"))
                        });
                        raw.push((
                            linted,
                            index,
                            drift::Live {
                                object: object.raw,
                                full,
                            },
                        ));
                    }
                }
            }
            live::Event::Finished(result) => summary = Some(result?),
        }
    }
    let summary = summary.ok_or_else(|| LiveError::Internal {
        reason: "the reading ended without a result".into(),
    })?;
    crate::timing::mark("read the cluster");

    audit.kinds = audit_kinds(&options.kinds, &summary, &objects_read);
    audit.skipped_owned = summary.skipped_owned;

    // What could not be read makes the results incomplete; a kind the
    // cluster does not serve is only in the audit.
    errors.extend(
        summary
            .notes
            .iter()
            .filter(|n| n.incomplete)
            .map(cluster_error),
    );
    // Sources: the linted objects, then the IaC, then objects read for drift.
    let linted = sources.len();
    let iac = linted..linted + iac_sources.len();
    let drift_only = iac.end;
    sources.extend(iac_sources);
    sources.extend(drift_only_sources);
    let drift = drift_on.then(|| {
        let unread: Vec<(String, String)> = summary
            .notes
            .iter()
            .map(|n| (n.group.clone(), n.kind.clone()))
            .collect();
        DriftInput {
            iac,
            live: raw
                .into_iter()
                .map(|(linted, i, object)| (if linted { i } else { drift_only + i }, object))
                .collect(),
            // A kind not served or not read cannot tell what is missing.
            listed: options
                .kinds
                .iter()
                .filter(|k| !unread.contains(&(k.group.clone(), k.kind.clone())))
                .map(|k| drift::GroupKind::new(&k.group, &k.kind))
                .collect(),
            config: drift_config(&settings.drift, &default_namespace),
            min_coverage: settings.drift.min_coverage,
        }
    });
    let (mut outcome, retained) = lint_with(settings, sources, linted, errors, drift)?;
    outcome.notes.extend(iac_notes);
    outcome.live = Some(audit);
    Ok((outcome, retained))
}

/// The audit of a reading: per kind asked for, in that order, after
/// discovery and before kinds found in a group only the cluster knew; each
/// kind once, since drift may ask again for a kind the rules read.
fn audit_kinds(
    asked: &[KindWanted],
    summary: &live::Summary,
    objects_read: &std::collections::HashMap<String, usize>,
) -> Vec<KindAudit> {
    let mut subjects: Vec<String> = vec!["discovery".to_string()];
    let asked = asked
        .iter()
        .filter(|k| k.group != live::ANY_GROUP)
        .map(|k| live::subject(&k.group, &k.kind));
    let found = summary.requests.iter().map(|r| r.subject.clone());
    for subject in asked.chain(found) {
        if !subjects.contains(&subject) {
            subjects.push(subject);
        }
    }
    subjects
        .into_iter()
        .map(|subject| {
            let mut kind = KindAudit {
                objects: objects_read.get(&subject).copied().unwrap_or(0),
                ..KindAudit::default()
            };
            for r in summary.requests.iter().filter(|r| r.subject == subject) {
                kind.requests += 1;
                if r.attempt > 1 {
                    kind.retries += 1;
                }
                match (r.status, &r.error) {
                    (Some(200), _) => {}
                    (Some(status), _) => kind.faults.push(format!("{status} on GET {}", r.path)),
                    (None, Some(error)) => kind.faults.push(format!("{error} on GET {}", r.path)),
                    (None, None) => kind.faults.push(format!("no answer to GET {}", r.path)),
                }
            }
            let notes = summary
                .notes
                .iter()
                .filter(|n| live::subject(&n.group, &n.kind) == subject);
            kind.faults.extend(notes.map(|n| n.message.clone()));
            kind.kind = subject;
            kind
        })
        .collect()
}

/// What could not be read, as an error of the run.
fn cluster_error(note: &live::Note) -> RunError {
    let subject = live::subject(&note.group, &note.kind);
    RunError::Cluster {
        what: match &note.namespace {
            Some(ns) => format!("{subject} in namespace {ns}"),
            None => subject,
        },
        message: note.message.clone(),
    }
}

/// The group of an `apiVersion`: `apps` for `apps/v1`, `` for `v1`.
fn api_group(api_version: &str) -> &str {
    api_version.rsplit_once('/').map_or("", |(group, _)| group)
}

/// The kinds and the namespaces the IaC declares.
fn declared_kinds_and_namespaces(sources: &[SourceFile]) -> (Vec<(String, String)>, Vec<String>) {
    let mut kinds: Vec<(String, String)> = Vec::new();
    let mut namespaces: Vec<String> = Vec::new();
    for (i, source) in sources.iter().enumerate() {
        for doc in document::load(i, source).documents {
            let kind = (
                api_group(&doc.object.api_version).to_string(),
                doc.object.kind.clone(),
            );
            if !kinds.contains(&kind) {
                kinds.push(kind);
            }
            if let Some(ns) = doc.object.namespace {
                if !namespaces.contains(&ns) {
                    namespaces.push(ns);
                }
            }
        }
    }
    (kinds, namespaces)
}

/// What drift reads besides the rules' kinds: every kind the IaC declares,
/// whole (its fields are compared), and the kinds people make by hand,
/// metadata only. Secrets only with `--include-secrets`, and then by name.
fn kinds_for_drift(declared: &[(String, String)], include_secrets: bool) -> Vec<KindWanted> {
    let is_secret = |group: &str, kind: &str| group.is_empty() && kind == "Secret";
    let mut kinds: Vec<KindWanted> = declared
        .iter()
        .filter(|(g, k)| !is_secret(g, k) || include_secrets)
        .map(|(g, k)| KindWanted::new(g, k))
        .collect();
    for (group, kind) in live::HAND_MADE_KINDS {
        if is_secret(group, kind) && !include_secrets {
            continue;
        }
        let mut wanted = KindWanted::new(group, kind);
        wanted.metadata_only = true;
        kinds.push(wanted);
    }
    kinds
}

/// The `drift:` settings as the comparison takes them.
fn drift_config(settings: &crate::config::DriftSettings, default_namespace: &str) -> drift::Config {
    let mut config = drift::Config {
        default_namespace: default_namespace.to_string(),
        // Secret values arrive masked: a masked value is not a drift.
        masked_value: Some(live::MASK.to_string()),
        ..drift::Config::default()
    };
    if let Some(managers) = &settings.iac_managers {
        config.iac_managers = managers.clone();
    }
    config.ignore = settings
        .ignore
        .iter()
        .map(|i| drift::Ignore {
            kinds: i.kinds.clone(),
            namespaces: i.namespaces.clone(),
            names: i.names.clone(),
            fields: i.paths.clone(),
        })
        .collect();
    config
}

/// The workload kinds and the others teams deploy, with their API groups:
/// what a rule that names no kinds is run on in a cluster.
const DEPLOYED_KINDS: [(&str, &str); 15] = [
    ("", "Pod"),
    ("apps", "Deployment"),
    ("apps", "StatefulSet"),
    ("apps", "DaemonSet"),
    ("apps", "ReplicaSet"),
    ("batch", "Job"),
    ("batch", "CronJob"),
    ("", "ReplicationController"),
    ("", "Service"),
    ("networking.k8s.io", "Ingress"),
    ("networking.k8s.io", "NetworkPolicy"),
    ("policy", "PodDisruptionBudget"),
    ("autoscaling", "HorizontalPodAutoscaler"),
    ("", "PersistentVolumeClaim"),
    ("", "Namespace"),
];

/// The API group of the kinds rules name that are neither deployed
/// ([`DEPLOYED_KINDS`]) nor made by hand ([`live::HAND_MADE_KINDS`]).
const OTHER_KINDS: [(&str, &str); 2] = [
    ("apps.openshift.io", "DeploymentConfig"),
    ("networking.k8s.io", "IngressClass"),
];

/// Exactly the kinds the enabled Rego rules read: those they name, and the
/// deployed kinds for a rule that names none. Secrets only with
/// `--include-secrets`.
pub fn kinds_for_live(settings: &Settings, include_secrets: bool) -> Vec<KindWanted> {
    let group_of = |kind: &str| {
        DEPLOYED_KINDS
            .iter()
            .chain(&live::HAND_MADE_KINDS)
            .chain(&OTHER_KINDS)
            .find(|(_, k)| *k == kind)
            .map(|(g, _)| *g)
    };
    let mut wanted: Vec<KindWanted> = Vec::new();
    let mut add = |group: &str, kind: &str| {
        let k = KindWanted::new(group, kind);
        if !wanted.contains(&k) && (include_secrets || !(group.is_empty() && kind == "Secret")) {
            wanted.push(k);
        }
    };
    for rule in settings.rules.iter().filter(|r| r.query.is_some()) {
        match &rule.meta.kinds {
            Some(kinds) if !kinds.iter().any(|k| k == "*") => {
                for kind in kinds {
                    // A kind of no known group (a custom resource) is looked
                    // for in every group the cluster serves.
                    add(group_of(kind).unwrap_or(live::ANY_GROUP), kind);
                }
            }
            _ => {
                for (group, kind) in DEPLOYED_KINDS {
                    add(group, kind);
                }
            }
        }
    }
    wanted
}

/// Lints the given paths (`-` for stdin).
pub fn run(settings: &Settings, paths: &[PathBuf]) -> Result<(Outcome, Retained), PolicyError> {
    let (sources, errors, notes) = read_sources(paths);
    let (mut outcome, retained) = lint_sources(settings, sources, errors)?;
    outcome.notes.extend(notes);
    Ok((outcome, retained))
}

/// Reads the files under `paths` (and stdin for `-`); a path that cannot be
/// read is an error for that path only. Notes say which Helm charts and
/// kustomize patches were not read, and how to lint them.
pub fn read_sources(paths: &[PathBuf]) -> (Vec<SourceFile>, Vec<RunError>, Vec<String>) {
    let mut inputs = source::discover(paths);
    let mut notes: Vec<String> = inputs
        .charts
        .iter()
        .map(|chart| {
            format!(
                "{}: a Helm chart, whose templates are not YAML until rendered, was not read; {}",
                source::display_name(chart),
                source::RENDER_HINT
            )
        })
        .collect();
    notes.extend(crate::kustomize::set_aside(&mut inputs.files));
    let mut errors: Vec<RunError> = inputs.errors.into_iter().map(RunError::from).collect();
    let mut sources = Vec::new();
    if inputs.stdin {
        match source::read_stdin() {
            Ok(s) => sources.push(s),
            Err(e) => errors.push(e.into()),
        }
    }
    let read: Vec<_> = inputs
        .files
        .par_iter()
        .map(|p| source::read_file(p))
        .collect();
    for r in read {
        match r {
            Ok(s) => sources.push(s),
            Err(e) => errors.push(e.into()),
        }
    }
    crate::timing::mark("read files");
    (sources, errors, notes)
}

/// Lints sources already read.
pub fn lint_sources(
    settings: &Settings,
    sources: Vec<SourceFile>,
    errors: Vec<RunError>,
) -> Result<(Outcome, Retained), PolicyError> {
    let linted = sources.len();
    lint_with(settings, sources, linted, errors, None)
}

/// What a drift run compares, beside what it lints.
struct DriftInput {
    /// The sources of the IaC: the range of `sources` they are.
    iac: std::ops::Range<usize>,
    /// The live objects as served (managedFields included), each with the
    /// index of its source.
    live: Vec<(usize, drift::Live)>,
    /// The kinds that were read in full or in part: only their objects can
    /// be missing.
    listed: Vec<drift::GroupKind>,
    config: drift::Config,
    /// `drift.min-coverage`, a percentage.
    min_coverage: Option<f64>,
}

/// The pipeline. The first `linted` sources are linted; the others (the IaC
/// of a drift run, objects read for drift only) are loaded so that findings
/// and suppressions can point into them, and are not evaluated.
fn lint_with(
    settings: &Settings,
    sources: Vec<SourceFile>,
    linted: usize,
    mut errors: Vec<RunError>,
    drift: Option<DriftInput>,
) -> Result<(Outcome, Retained), PolicyError> {
    let rules = RulesByScope::of(settings);
    // Compiling the policies and parsing the files do not depend on each
    // other: one core compiles while the other parses.
    let (compiled, loaded) = rayon::join(|| compile(settings, &rules), || load_documents(&sources));
    let (batch, inventory_batch, compile_note) = compiled?;
    let mut notes = settings.notes.clone();
    notes.extend(compile_note);

    let mut findings = Vec::new();
    let documents = collect_documents(settings, &sources, loaded, &mut findings, &mut errors);
    // Documents are in source order: the linted ones come first.
    let evaluated_count = documents.partition_point(|d| d.source < linted);
    let (evaluated, runner) = evaluate(
        settings,
        &rules,
        &batch,
        &inventory_batch,
        &sources,
        &documents[..evaluated_count],
        &mut errors,
    );
    findings.extend(evaluated);
    let coverage = drift.map(|input| {
        let (drift_findings, coverage) = compare_with_iac(settings, &documents, input);
        findings.extend(drift_findings);
        coverage
    });

    notes.extend(suppress_findings(
        settings,
        &sources,
        &documents,
        &mut findings,
    ));
    resolve_files(&mut findings, &sources, &documents);
    compare_with_baseline(settings, &mut findings);
    sort_for_report(&mut findings);
    crate::timing::mark("sort");

    let redactions = match settings.quotes_sources {
        true => redactions(&sources, &documents),
        false => Vec::new(),
    };
    let outcome = Outcome {
        checked: documents[..evaluated_count]
            .iter()
            .map(|d| (d.source, d.object.clone()))
            .collect(),
        tally: Tally::of(&findings),
        sources,
        findings,
        errors,
        notes,
        redactions,
        rules: settings.rules.clone(),
        live: None,
        coverage: coverage.flatten(),
    };
    Ok((
        outcome,
        Retained {
            _documents: documents,
            _runner: runner,
        },
    ))
}

/// Step (drift runs): the IaC's objects against the live ones; the drift
/// findings, each in the manifest (a declared field, a missing object) or
/// in the live object's text (an object or field made by hand), and the
/// IaC's coverage of the cluster.
fn compare_with_iac(
    settings: &Settings,
    documents: &[Document],
    input: DriftInput,
) -> (Vec<Finding>, Option<IacCoverage>) {
    let declared_docs: Vec<&Document> = documents
        .iter()
        .filter(|d| input.iac.contains(&d.source))
        .collect();
    let declared: Vec<serde_json::Value> = declared_docs.iter().map(|d| d.root.to_json()).collect();
    let first_doc_of = |source: usize| {
        let i = documents.partition_point(|d| d.source < source);
        documents.get(i).filter(|d| d.source == source)
    };
    let live_docs: Vec<Option<&Document>> = input
        .live
        .iter()
        .map(|(source, _)| first_doc_of(*source))
        .collect();
    let live: Vec<drift::Live> = input.live.into_iter().map(|(_, l)| l).collect();
    let report = drift::compare(&declared, &live, &input.listed, &input.config);
    crate::timing::mark("drift");

    let mut findings = Vec::new();
    for d in report.drifts {
        let Some(rule) = settings.rules.iter().find(|r| r.id == d.rule.id()) else {
            continue;
        };
        let path: Vec<PathSeg> = d
            .path
            .iter()
            .map(|step| match step {
                drift::PathStep::Key(k) => PathSeg::Key(k.clone()),
                drift::PathStep::Index(i) => PathSeg::Index(*i),
            })
            .collect();
        // Declared-side drift points into the manifest; the rest into the
        // live object's text.
        let doc = match d.rule {
            drift::Rule::MissingObject | drift::Rule::DriftedField => {
                d.declared.and_then(|i| declared_docs.get(i).copied())
            }
            drift::Rule::UnmanagedObject | drift::Rule::ManualChange => {
                d.live.and_then(|i| live_docs.get(i).copied().flatten())
            }
        };
        let Some(doc) = doc else { continue };
        // A whole object is shown at its name.
        let location = match path.is_empty() {
            true => Location::at_path(
                doc,
                &[PathSeg::Key("metadata".into()), PathSeg::Key("name".into())],
            ),
            false => Location::at_path(doc, &path),
        };
        findings.push(rules::finding(
            rule,
            Some(&doc.object),
            d.message,
            path,
            location,
        ));
    }
    let coverage = IacCoverage {
        considered: report.coverage.considered,
        declared: report.coverage.declared,
        by_namespace: report
            .coverage
            .by_namespace
            .iter()
            .map(|(ns, c)| {
                let counts = NamespaceCoverage {
                    considered: c.considered,
                    declared: c.declared,
                };
                (ns.clone(), counts)
            })
            .collect(),
        minimum: input.min_coverage,
    };
    (findings, Some(coverage))
}

/// The enabled rules that Rego evaluates, by scope.
struct RulesByScope<'a> {
    object: Vec<&'a Rule>,
    inventory: Vec<&'a Rule>,
}

impl RulesByScope<'_> {
    fn of(settings: &Settings) -> RulesByScope<'_> {
        let scoped = |scope| {
            settings
                .rules
                .iter()
                .filter(|r| r.query.is_some() && r.meta.scope == scope)
                .collect()
        };
        RulesByScope {
            object: scoped(Scope::Object),
            inventory: scoped(Scope::Inventory),
        }
    }
}

/// Step: compile the policies into a batch of object rules and one of
/// inventory rules, and a note when they run on the slower interpreter.
fn compile(
    settings: &Settings,
    rules: &RulesByScope,
) -> Result<(Batch, Batch, Option<String>), PolicyError> {
    let mut engine = Engine::new(
        &settings.catalog,
        &settings.params,
        false,
        settings.policy_timeout,
    )?;
    engine.set_namespace(&settings.namespace)?;
    let (mut batches, note) = engine.batches(&[&rules.object, &rules.inventory])?;
    crate::timing::mark("compile policies");
    match (batches.pop(), batches.pop()) {
        (Some(inventory), Some(object)) => Ok((object, inventory, note)),
        _ => Err(PolicyError::Unreadable {
            path: "policies".into(),
            reason: "the policies were not compiled into one batch per scope".into(),
        }),
    }
}

/// Step: parse every source into documents.
fn load_documents(sources: &[SourceFile]) -> Vec<document::Loaded> {
    let loaded = sources
        .par_iter()
        .enumerate()
        .map(|(i, s)| document::load(i, s))
        .collect();
    crate::timing::mark("parse");
    loaded
}

/// Step: gather the documents of every source; what could not be parsed is
/// a `parse-error` finding, or an error when that rule is off, and keys
/// written twice are `invalid-manifest` findings.
fn collect_documents(
    settings: &Settings,
    sources: &[SourceFile],
    loaded: Vec<document::Loaded>,
    findings: &mut Vec<Finding>,
    errors: &mut Vec<RunError>,
) -> Vec<Document> {
    let mut documents = Vec::new();
    let mut duplicate_keys = Vec::new();
    let parse_rule = settings.rules.iter().find(|r| r.id == parse_error::ID);
    for mut l in loaded {
        duplicate_keys.extend(l.duplicate_keys);
        // Text with Helm template syntax is not YAML until rendered.
        for p in &mut l.problems {
            if sources[p.source].text().contains("{{") {
                p.message = format!("{} ({})", p.message, source::RENDER_HINT);
            }
        }
        match parse_rule {
            Some(rule) => findings.extend(
                l.problems
                    .into_iter()
                    .map(|p| parse_error::finding(rule, p)),
            ),
            None => errors.extend(l.problems.into_iter().map(|p| RunError::Unparsed {
                file: sources[p.source].name.clone(),
                line: p.span.start.line,
                column: p.span.start.column,
                message: p.message,
            })),
        }
        documents.extend(l.documents);
    }
    if let Some(rule) = settings.rules.iter().find(|r| r.id == invalid_manifest::ID) {
        findings.extend(invalid_manifest::duplicate_key_findings(
            rule,
            duplicate_keys,
            &documents,
        ));
    }
    crate::timing::mark("collect documents");
    documents
}

/// Step: every rule on every document — the object rules and the schema
/// check in parallel, the inventory rules on one core beside them.
fn evaluate(
    settings: &Settings,
    rules: &RulesByScope,
    batch: &Batch,
    inventory_batch: &Batch,
    sources: &[SourceFile],
    documents: &[Document],
    errors: &mut Vec<RunError>,
) -> (Vec<Finding>, Option<BatchRunner>) {
    let schema_rule = settings.rules.iter().find(|r| r.id == invalid_manifest::ID);
    let schemas = schema_rule.map(|rule| (rule, Schemas::new(documents.iter())));
    let view = InventoryView::of(&rules.inventory);
    let (inventory_outcome, evaluated) = rayon::join(
        || run_inventory(inventory_batch, &view, documents, sources),
        || {
            documents
                .par_iter()
                .map_init(
                    || batch.runner(),
                    |runner, doc| {
                        let mut result = evaluate_document(runner, &rules.object, doc);
                        if let Some((rule, schemas)) = &schemas {
                            result
                                .0
                                .extend(invalid_manifest::object_findings(rule, schemas, doc));
                        }
                        result
                    },
                )
                .collect::<Vec<_>>()
        },
    );
    let mut findings = Vec::new();
    for (doc, (f, e)) in documents.iter().zip(evaluated) {
        findings.extend(f);
        errors.extend(e.into_iter().map(|e| RunError::Evaluation {
            rule: e.rule,
            object: doc.object.logical_name(),
            message: e.message,
        }));
    }
    crate::timing::mark("evaluate objects and inventory");
    let Some((results, runner)) = inventory_outcome else {
        return (findings, None);
    };
    for (rule, result) in rules.inventory.iter().zip(results) {
        let outcome = result
            .map_err(|message| EvalError {
                rule: rule.id.clone(),
                message,
            })
            .and_then(|violations| inventory_findings(rule, violations, documents));
        match outcome {
            Ok(f) => findings.extend(f),
            Err(e) => errors.push(RunError::Evaluation {
                rule: e.rule,
                object: "the inventory".into(),
                message: e.message,
            }),
        }
    }
    crate::timing::mark("inventory findings");
    (findings, Some(runner))
}

/// Step: mark the findings that annotations, comments and the config's
/// `exclude` suppress; add the findings about suppressions themselves.
/// Returns notes about the config's entries.
fn suppress_findings(
    settings: &Settings,
    sources: &[SourceFile],
    documents: &[Document],
    findings: &mut Vec<Finding>,
) -> Vec<String> {
    let applied = suppress::apply(
        findings,
        sources,
        documents,
        &settings.excludes,
        settings.strict,
        config::today(),
        &suppress::RuleNames {
            known: settings.catalog.ids().collect(),
            enabled: &|id: &str| settings.enabled(id),
        },
    );
    for mut f in applied.findings {
        if let Some(rule) = settings.rules.iter().find(|r| r.id == f.rule) {
            f.severity = rule.meta.severity;
            findings.push(f);
        }
    }
    applied.notes
}

/// Step: the template each finding's object was rendered from, if any, and
/// its fingerprint on the file it is reported in: its source, or its Helm
/// template when the source is stdin (see [`Outcome::template_first`]).
fn resolve_files(findings: &mut [Finding], sources: &[SourceFile], documents: &[Document]) {
    let templates: Templates = documents
        .iter()
        .filter_map(|d| {
            let range = d.root.span.start.offset..d.root.span.end.offset;
            d.template
                .as_ref()
                .map(|t| (d.source, range, Arc::from(t.as_str())))
        })
        .collect();
    for f in findings {
        f.template = template_at(&templates, &f.location).cloned();
        let source = &sources[f.location.source];
        let file = match (&f.template, source.in_repository()) {
            (Some(template), false) => &**template,
            _ => source.name.as_str(),
        };
        f.fingerprint = f.compute_fingerprint(file);
    }
    crate::timing::mark("resolve files");
}

/// Step: with `--baseline`, findings already in it are `unchanged`.
fn compare_with_baseline(settings: &Settings, findings: &mut [Finding]) {
    let Some(baseline) = &settings.baseline else {
        return;
    };
    for f in findings {
        f.baseline = Some(match baseline.contains(&f.fingerprint) {
            true => BaselineState::Unchanged,
            false => BaselineState::New,
        });
    }
}

/// Byte ranges of values never to print, per source.
fn redactions(sources: &[SourceFile], documents: &[Document]) -> Vec<Vec<std::ops::Range<usize>>> {
    let mut redactions = vec![Vec::new(); sources.len()];
    for doc in documents {
        if let (Some(r), Ok(text)) = (redactions.get_mut(doc.source), &sources[doc.source].text) {
            r.extend(crate::redact::sensitive_ranges(doc, text));
        }
    }
    crate::timing::mark("redactions");
    redactions
}

/// A document's findings and errors.
type Evaluated = (Vec<Finding>, Vec<EvalError>);

fn evaluate_document(runner: &mut BatchRunner, rules: &[&Rule], doc: &Document) -> Evaluated {
    let mut findings = Vec::new();
    let mut errors = Vec::new();
    let kind = doc.object.kind.as_str();
    if !runner.has_rules_for(kind) {
        return (findings, errors);
    }
    let results = runner.evaluate(engine::to_value(&doc.root), Some(kind));
    for (rule, result) in rules.iter().zip(results) {
        match result {
            Ok(violations) => findings.extend(violations.into_iter().map(|v| {
                let location = Location::at_path(doc, &v.path);
                rules::finding(rule, Some(&doc.object), v.msg, v.path, location)
            })),
            Err(message) => errors.push(EvalError {
                rule: rule.id.clone(),
                message,
            }),
        }
    }
    (findings, errors)
}

/// Runs the inventory rules on every document at once: each rule's
/// violations, and the runner, which holds the input until it is freed.
/// The input is converted here, although the object rules convert the same
/// documents: sharing their values would make the inventory wait for the
/// object rules instead of running beside them.
#[allow(clippy::type_complexity)]
fn run_inventory(
    batch: &Batch,
    view: &InventoryView,
    documents: &[Document],
    sources: &[SourceFile],
) -> Option<(Vec<Result<Vec<Violation>, String>>, BatchRunner)> {
    if matches!(view, InventoryView::Nothing) {
        return None;
    }
    let values = documents
        .par_iter()
        .map(|doc| match view.whole(&doc.object.kind) {
            true => engine::to_value(&doc.root),
            false => engine::identity_value(&doc.root),
        })
        .collect();
    let names: Vec<&str> = sources.iter().map(|s| s.name.as_str()).collect();
    let files: Vec<usize> = documents.iter().map(|doc| doc.source).collect();
    let mut runner = batch.runner();
    let results = runner.evaluate(engine::inventory(values, &names, &files), None);
    Some((results, runner))
}

/// How much of each object the inventory rules see. Rules that name their
/// kinds get objects of those kinds whole and every other object as its
/// identity ([`engine::identity_value`]): enough to know what else is
/// there, without holding every ConfigMap and CRD of the input in memory.
enum InventoryView {
    /// No inventory rules run.
    Nothing,
    /// A rule names no kinds: every object whole.
    Whole,
    /// Objects of these kinds whole, the others as their identity.
    Kinds(std::collections::HashSet<String>),
}

impl InventoryView {
    fn of(rules: &[&Rule]) -> InventoryView {
        if rules.is_empty() {
            return InventoryView::Nothing;
        }
        let mut kinds = std::collections::HashSet::new();
        for rule in rules {
            match &rule.meta.kinds {
                Some(named) if !named.iter().any(|k| k == "*") => {
                    kinds.extend(named.iter().cloned())
                }
                _ => return InventoryView::Whole,
            }
        }
        InventoryView::Kinds(kinds)
    }

    fn whole(&self, kind: &str) -> bool {
        match self {
            InventoryView::Nothing => false,
            InventoryView::Whole => true,
            InventoryView::Kinds(kinds) => kinds.contains(kind),
        }
    }
}

/// Objects rendered from Helm templates, with their byte ranges, in source
/// and offset order.
type Templates = Vec<(usize, std::ops::Range<usize>, Arc<str>)>;

/// The Helm template of the object a location is in, by binary search.
fn template_at<'a>(templates: &'a Templates, location: &Location) -> Option<&'a Arc<str>> {
    let key = (location.source, location.span.start.offset);
    let i = templates.partition_point(|(source, range, _)| (*source, range.start) <= key);
    let (source, range, path) = templates.get(i.checked_sub(1)?)?;
    (*source == key.0 && range.contains(&key.1)).then_some(path)
}

/// Turns the violations of a rule that saw every object at once into
/// findings, each on the object it names.
fn inventory_findings(
    rule: &Rule,
    violations: Vec<Violation>,
    documents: &[Document],
) -> Result<Vec<Finding>, EvalError> {
    let fail = |message: String| EvalError {
        rule: rule.id.clone(),
        message,
    };
    let document = |index: Option<usize>| -> Result<&Document, EvalError> {
        let index = index.ok_or_else(|| {
            fail(
                "an inventory violation needs `object`: the index of its object in input.objects"
                    .into(),
            )
        })?;
        documents.get(index).ok_or_else(|| {
            fail(format!(
                "a violation names object {index}, but the run has {}",
                documents.len()
            ))
        })
    };
    let mut findings = Vec::new();
    for v in violations {
        let doc = document(v.object)?;
        let mut related = Vec::new();
        for place in &v.related {
            let other = document(Some(place.object))?;
            related.push(Related {
                message: other.object.logical_name(),
                location: Location::at_path(other, &place.path),
            });
        }
        let location = Location::at_path(doc, &v.path);
        let mut finding = rules::finding(rule, Some(&doc.object), v.msg, v.path, location);
        finding.related = related;
        findings.push(finding);
    }
    Ok(findings)
}
