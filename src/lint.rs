//! The lint pipeline: sources → documents → evaluation → findings, with the
//! rule selection that config and flags make.

use std::path::PathBuf;

use rayon::prelude::*;

use crate::baseline::{Baseline, BaselineError};
use crate::config::{suggest, Config, ConfigError, Spanned};
use crate::document::{self, display_path, Document, Node, ObjectRef, PathSeg, Span, Value};
use crate::engine::{to_value, Batch, BatchRunner, Engine, EvalError, Violation};
use crate::finding::BaselineState;
use crate::finding::{sort_for_report, FailOn, Finding, Location, Related, Severity};
use crate::policy::{Catalog, PolicyError, Rule, Scope, Status, INVALID_MANIFEST, PARSE_ERROR};
use crate::schema::Schemas;
use crate::source::{self, SourceError, SourceFile};
use crate::suppress::{self, Date, Exclude};

/// Rule choices given on the command line; they override the config file.
#[derive(Debug, Clone, Default)]
pub struct Choices {
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
    pub preview: bool,
    pub fail_on: Option<FailOn>,
    /// Ignore annotations and comments (config `exclude` still applies).
    pub strict: bool,
    /// A previous SARIF report: findings already in it do not fail the gate.
    pub baseline: Option<PathBuf>,
}

/// What to run: the enabled rules (severity overrides applied), the gate
/// threshold, and the parameters for the policies.
#[derive(Debug, Clone)]
pub struct Settings {
    pub catalog: Catalog,
    pub rules: Vec<Rule>,
    pub fail_on: FailOn,
    pub params: Node,
    /// Notes for the user about the selection (a preview rule not enabled…).
    pub notes: Vec<String>,
    pub excludes: Vec<Exclude>,
    pub strict: bool,
    pub baseline: Option<Baseline>,
}

/// A reason the run could not do all it was asked.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum SettingsError {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Policy(#[from] PolicyError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Baseline(#[from] BaselineError),
    #[error("unknown rule `{id}` in {flag}")]
    #[diagnostic(code(seaworthy::usage), help("{help}"))]
    UnknownRule {
        id: String,
        flag: String,
        help: String,
    },
}

impl Settings {
    /// Combines the config file, the flags and the catalog into the rules to run.
    pub fn resolve(
        config: &Config,
        choices: &Choices,
        extra_policy_dirs: &[PathBuf],
    ) -> Result<Settings, SettingsError> {
        let mut dirs = config.policies.clone();
        dirs.extend_from_slice(extra_policy_dirs);
        let catalog = Catalog::load(&dirs)?;

        let check_config =
            |ids: &[Spanned<String>], allow_all: bool| -> Result<(), SettingsError> {
                for id in ids {
                    if (allow_all && id.value == "all") || catalog.rule(&id.value).is_some() {
                        continue;
                    }
                    let help = suggest(&id.value, catalog.ids())
                        .map(|s| format!("did you mean `{s}`? (`seaworthy rules` lists them all)"))
                        .or_else(|| Some("`seaworthy rules` lists every rule".to_string()));
                    let message = format!("unknown rule `{}`", id.value);
                    return Err(match &config.source {
                        Some(src) => src.error(id.span, message, help).into(),
                        None => SettingsError::UnknownRule {
                            id: id.value.clone(),
                            flag: "the config".into(),
                            help: help.unwrap_or_default(),
                        },
                    });
                }
                Ok(())
            };
        if let Some(select) = &config.select {
            check_config(select, true)?;
        }
        check_config(&config.ignore, false)?;
        let severity_ids: Vec<_> = config.severity.iter().map(|(id, _)| id.clone()).collect();
        check_config(&severity_ids, false)?;
        let param_ids: Vec<_> = config.params.iter().map(|(id, _)| id.clone()).collect();
        check_config(&param_ids, false)?;

        let check_flag =
            |ids: &[String], flag: &str, allow_all: bool| -> Result<(), SettingsError> {
                for id in ids {
                    if (allow_all && id == "all") || catalog.rule(id).is_some() {
                        continue;
                    }
                    let help = suggest(id, catalog.ids())
                        .map(|s| format!("did you mean `{s}`?"))
                        .unwrap_or_else(|| "`seaworthy rules` lists every rule".to_string());
                    return Err(SettingsError::UnknownRule {
                        id: id.clone(),
                        flag: flag.to_string(),
                        help,
                    });
                }
                Ok(())
            };
        if let Some(select) = &choices.select {
            check_flag(select, "--select", true)?;
        }
        check_flag(&choices.ignore, "--ignore", false)?;

        let select: Option<Vec<String>> = choices.select.clone().or_else(|| {
            config
                .select
                .as_ref()
                .map(|s| s.iter().map(|i| i.value.clone()).collect())
        });
        let mut ignore: Vec<String> = config.ignore.iter().map(|i| i.value.clone()).collect();
        ignore.extend(choices.ignore.iter().cloned());
        let preview = choices.preview || config.preview.unwrap_or(false);

        let mut notes = Vec::new();
        let mut rules = Vec::new();
        for rule in &catalog.rules {
            let named = select
                .as_ref()
                .is_some_and(|s| s.iter().any(|id| id == &rule.id));
            let selected = match &select {
                None => true,
                Some(ids) => named || ids.iter().any(|id| id == "all"),
            };
            if !selected || ignore.contains(&rule.id) {
                continue;
            }
            if rule.meta.status == Status::Preview && !preview {
                if named {
                    notes.push(format!(
                        "rule `{}` is in preview: enable it with --preview or `preview: true`",
                        rule.id
                    ));
                }
                continue;
            }
            let mut rule = rule.clone();
            if let Some((_, level)) = config.severity.iter().find(|(id, _)| id.value == rule.id) {
                rule.meta.severity = *level;
            }
            rules.push(rule);
        }

        let params = params_node(config);
        let exclude_rules: Vec<_> = config
            .exclude
            .iter()
            .flat_map(|e| e.rules.iter().cloned())
            .collect();
        check_config(&exclude_rules, false)?;
        let baseline = choices
            .baseline
            .as_deref()
            .map(Baseline::load)
            .transpose()?;
        Ok(Settings {
            excludes: config.exclude.clone(),
            strict: choices.strict,
            baseline,
            catalog,
            rules,
            fail_on: choices
                .fail_on
                .or(config.fail_on)
                .unwrap_or(FailOn::At(Severity::Error)),
            params,
            notes,
        })
    }

    pub fn enabled(&self, id: &str) -> bool {
        self.rules.iter().any(|r| r.id == id)
    }
}

/// The `params` of the config, keyed by Rego stem (`missing_required_label`).
fn params_node(config: &Config) -> Node {
    let entries = config
        .params
        .iter()
        .map(|(id, value)| document::Entry {
            key: id.value.replace('-', "_"),
            key_span: id.span,
            value: value.clone(),
        })
        .collect();
    Node {
        value: Value::Map(entries),
        span: Default::default(),
    }
}

/// Everything a lint run produced.
#[derive(Debug)]
pub struct Outcome {
    pub sources: Vec<SourceFile>,
    pub findings: Vec<Finding>,
    /// Failures that make the results incomplete (exit code 2).
    pub errors: Vec<RunError>,
    pub objects: usize,
    /// Every object checked: its source index and identity, in input order.
    pub checked: Vec<(usize, ObjectRef)>,
    /// Things the user should know about how the run went.
    pub notes: Vec<String>,
    /// The objects rendered from Helm templates: (source, byte range of the
    /// object, template path), in source and offset order.
    pub templates: Templates,
    /// Byte ranges of values never to print (Secret data, env values,
    /// annotations), per source: see [`Outcome::redactions`].
    pub redactions: std::sync::OnceLock<Vec<Vec<std::ops::Range<usize>>>>,
    /// What the run built and the reports do not need.
    pub scratch: Scratch,
}

/// The document trees and Rego values of a run, kept with its outcome so
/// that freeing them is the caller's choice: a process about to exit need
/// not walk hundreds of megabytes to free them piece by piece.
#[derive(Default)]
pub struct Scratch {
    documents: Vec<Document>,
    runner: Option<BatchRunner>,
}

impl std::fmt::Debug for Scratch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Scratch({} documents)", self.documents.len())
    }
}

/// A failure during the run that did not stop it.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum RunError {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Source(#[from] SourceError),
    #[error("rule `{rule}` failed on {object}: {message}")]
    #[diagnostic(code(seaworthy::evaluation))]
    Evaluation {
        rule: String,
        object: String,
        message: String,
    },
    /// A document that does not parse while `parse-error` is not enabled:
    /// it was not checked, so the results are incomplete.
    #[error("{file}:{line}:{column}: {message}; this document was not checked")]
    #[diagnostic(
        code(seaworthy::parse),
        help("enable the `parse-error` rule to report it as a finding")
    )]
    Unparsed {
        file: String,
        line: u32,
        column: u32,
        message: String,
    },
}

impl Outcome {
    /// Byte ranges of values never to print, per source, worked out on
    /// first use: only reports that quote the sources need them.
    pub fn redactions(&self) -> &[Vec<std::ops::Range<usize>>] {
        self.redactions.get_or_init(|| {
            let mut redactions = vec![Vec::new(); self.sources.len()];
            for doc in &self.scratch.documents {
                if let (Some(r), Ok(text)) = (
                    redactions.get_mut(doc.source),
                    &self.sources[doc.source].text,
                ) {
                    r.extend(crate::redact::sensitive_ranges(doc, text));
                }
            }
            redactions
        })
    }

    /// The Helm template a location was rendered from, if any.
    pub fn template_of(&self, location: &Location) -> Option<&str> {
        template_at(&self.templates, location)
    }

    /// The file a location is reported in: its Helm template when it has
    /// one, else its source.
    pub fn file_of(&self, location: &Location) -> &str {
        self.template_of(location)
            .unwrap_or(&self.sources[location.source].name)
    }

    /// 0: nothing at or above the threshold; 1: findings; 2: incomplete run.
    pub fn exit_code(&self, fail_on: FailOn) -> u8 {
        if !self.errors.is_empty() {
            2
        } else if self
            .findings
            .iter()
            .any(|f| f.counts() && fail_on.fails(f.severity))
        {
            1
        } else {
            0
        }
    }
}

/// Lints the given paths (`-` for stdin).
pub fn run(settings: &Settings, paths: &[PathBuf]) -> Result<Outcome, PolicyError> {
    let inputs = source::discover(paths);
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
    lint_sources(settings, sources, errors)
}

/// Lints sources already read.
pub fn lint_sources(
    settings: &Settings,
    sources: Vec<SourceFile>,
    mut errors: Vec<RunError>,
) -> Result<Outcome, PolicyError> {
    let object_rules: Vec<&Rule> = settings
        .rules
        .iter()
        .filter(|r| r.query.is_some() && r.meta.scope == Scope::Object)
        .collect();
    let inventory_rules: Vec<&Rule> = settings
        .rules
        .iter()
        .filter(|r| r.query.is_some() && r.meta.scope == Scope::Inventory)
        .collect();
    // Compiling the policies and parsing the files do not depend on each
    // other: one core compiles while the other parses.
    let (compiled, loaded) = rayon::join(
        || {
            let engine = Engine::new(&settings.catalog, &settings.params, false)?;
            let compiled = engine.batches(&[&object_rules, &inventory_rules]);
            crate::timing::mark("compile policies");
            compiled
        },
        || {
            let loaded: Vec<_> = sources
                .par_iter()
                .enumerate()
                .map(|(i, s)| document::load(i, s))
                .collect();
            crate::timing::mark("parse");
            loaded
        },
    );
    let (mut batches, note) = compiled?;
    let mut notes: Vec<String> = note.into_iter().collect();
    let (Some(inventory_batch), Some(batch)) = (batches.pop(), batches.pop()) else {
        unreachable!("one batch per set of rules");
    };

    let mut findings = Vec::new();
    let mut documents: Vec<Document> = Vec::new();
    let mut duplicate_keys = Vec::new();
    let parse_rule = settings.rules.iter().find(|r| r.id == PARSE_ERROR);
    for mut l in loaded {
        duplicate_keys.extend(l.duplicate_keys);
        if parse_rule.is_none() {
            errors.extend(l.problems.drain(..).map(|p| RunError::Unparsed {
                file: sources[p.source].name.clone(),
                line: p.span.start.line,
                column: p.span.start.column,
                message: p.message,
            }));
        }
        if let Some(rule) = parse_rule {
            findings.extend(l.problems.into_iter().map(|p| Finding {
                rule: PARSE_ERROR.to_string(),
                severity: rule.meta.severity,
                message: p.message,
                object: None,
                path: Vec::new(),
                location: Location {
                    source: p.source,
                    span: p.span,
                    missing: None,
                    context: None,
                },
                related: Vec::new(),
                suppression: None,
                baseline: None,
            }));
        }
        documents.extend(l.documents);
    }

    let inventory_view = InventoryView::of(&inventory_rules);

    let schema_rule = settings.rules.iter().find(|r| r.id == INVALID_MANIFEST);
    let schemas = schema_rule.map(|rule| (rule, Schemas::new(documents.iter())));
    if let Some((rule, _)) = &schemas {
        findings.extend(duplicate_key_findings(rule, duplicate_keys, &documents));
    }

    crate::timing::mark("collect documents, schemas");
    // The inventory rules run on one core, beside the object rules.
    let (inventory_outcome, evaluated) = rayon::join(
        || run_inventory(&inventory_batch, &inventory_view, &documents),
        || {
            documents
                .par_iter()
                .map_init(
                    || batch.runner(),
                    |runner, doc| {
                        let mut result = evaluate_document(runner, &object_rules, doc);
                        if let Some((rule, schemas)) = &schemas {
                            result.0.extend(schema_findings(rule, schemas, doc));
                        }
                        result
                    },
                )
                .collect::<Vec<_>>()
        },
    );
    for (doc, (f, e)) in documents.iter().zip(evaluated) {
        findings.extend(f);
        errors.extend(e.into_iter().map(|e| RunError::Evaluation {
            rule: e.rule,
            object: doc.object.logical_name(),
            message: e.message,
        }));
    }

    crate::timing::mark("evaluate objects and inventory");
    let mut scratch = Scratch::default();
    if let Some((results, runner)) = inventory_outcome {
        scratch.runner = Some(runner);
        for (rule, result) in inventory_rules.into_iter().zip(results) {
            let outcome = result
                .map_err(|message| EvalError {
                    rule: rule.id.clone(),
                    message,
                })
                .and_then(|violations| inventory_findings(rule, violations, &documents));
            match outcome {
                Ok(f) => findings.extend(f),
                Err(e) => errors.push(RunError::Evaluation {
                    rule: e.rule,
                    object: "the inventory".into(),
                    message: e.message,
                }),
            }
        }
    }

    crate::timing::mark("inventory findings");
    let applied = suppress::apply(
        &mut findings,
        &sources,
        &documents,
        &settings.excludes,
        settings.strict,
        Date::today(),
        &|id: &str| settings.enabled(id),
    );
    let enabled = |id: &str| settings.rules.iter().find(|r| r.id == id);
    for mut f in applied.findings {
        if let Some(rule) = enabled(&f.rule) {
            f.severity = rule.meta.severity;
            findings.push(f);
        }
    }
    notes.extend(applied.notes);
    let templates: Templates = documents
        .iter()
        .filter_map(|d| {
            let range = d.root.span.start.offset..d.root.span.end.offset;
            d.template.clone().map(|t| (d.source, range, t))
        })
        .collect();
    if let Some(baseline) = &settings.baseline {
        for f in &mut findings {
            let name =
                template_at(&templates, &f.location).unwrap_or(&sources[f.location.source].name);
            f.baseline = Some(if baseline.contains(&f.fingerprint(name)) {
                BaselineState::Unchanged
            } else {
                BaselineState::New
            });
        }
    }

    crate::timing::mark("suppress, redact, baseline");
    sort_for_report(&mut findings);
    crate::timing::mark("sort");
    Ok(Outcome {
        objects: documents.len(),
        checked: documents
            .iter()
            .map(|d| (d.source, d.object.clone()))
            .collect(),
        templates,
        redactions: Default::default(),
        sources,
        findings,
        errors,
        notes,
        scratch: Scratch {
            documents,
            ..scratch
        },
    })
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
    let results = runner.evaluate(to_value(&doc.root), Some(kind));
    for (rule, result) in rules.iter().zip(results) {
        match result {
            Ok(violations) => findings.extend(violations.into_iter().map(|v| {
                let location = locate(doc, &v.path);
                finding(rule, doc, v.msg, v.path, location, Vec::new())
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
) -> Option<(Vec<Result<Vec<Violation>, String>>, BatchRunner)> {
    if matches!(view, InventoryView::Nothing) {
        return None;
    }
    let values = documents
        .par_iter()
        .map(|doc| match view.whole(&doc.object.kind) {
            true => to_value(&doc.root),
            false => identity_value(&doc.root),
        })
        .collect();
    let mut runner = batch.runner();
    let results = runner.evaluate(inventory(values), None);
    Some((results, runner))
}

/// How much of each object the inventory rules see. Rules that name their
/// kinds get objects of those kinds whole and every other object as its
/// identity ([`identity_value`]): enough to know what else is there,
/// without holding every ConfigMap and CRD of the input in memory.
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

/// An object as inventory rules see it when they did not name its kind:
/// `apiVersion`, `kind` and `metadata` `name`, `namespace` and `labels`.
fn identity_value(root: &Node) -> regorus::Value {
    let mut identity = picked(root, &["apiVersion", "kind"]);
    if let Some(metadata) = root.get("metadata") {
        // Annotations are left out: they can be large.
        let value = match metadata.as_map() {
            Some(_) => regorus::Value::from(picked(metadata, &["name", "namespace", "labels"])),
            None => to_value(metadata),
        };
        identity.insert(regorus::Value::from("metadata"), value);
    }
    // Built whole, as `to_value` builds objects, so that regorus freezes it.
    regorus::Value::from(identity)
}

/// The entries of a mapping under `keys`, as Rego values.
fn picked(
    node: &Node,
    keys: &[&str],
) -> std::collections::BTreeMap<regorus::Value, regorus::Value> {
    keys.iter()
        .filter_map(|key| Some((regorus::Value::from(*key), to_value(node.get(key)?))))
        .collect()
}

/// Objects rendered from Helm templates, with their byte ranges.
type Templates = Vec<(usize, std::ops::Range<usize>, String)>;

/// The Helm template of the object a location is in, by binary search over
/// objects sorted by source and offset.
fn template_at<'a>(templates: &'a Templates, location: &Location) -> Option<&'a str> {
    let key = (location.source, location.span.start.offset);
    let i = templates.partition_point(|(source, range, _)| (*source, range.start) <= key);
    let (source, range, path) = templates.get(i.checked_sub(1)?)?;
    (*source == key.0 && range.contains(&key.1)).then_some(path.as_str())
}

/// `invalid-manifest` findings of one object.
fn schema_findings(rule: &Rule, schemas: &Schemas, doc: &Document) -> Vec<Finding> {
    schemas
        .check(doc)
        .into_iter()
        .map(|p| {
            finding(
                rule,
                doc,
                p.message,
                p.path,
                at_span(doc, p.span),
                Vec::new(),
            )
        })
        .collect()
}

/// Keys written twice, reported on the object they are in; YAML that is
/// not an object may repeat keys as it likes.
fn duplicate_key_findings(
    rule: &Rule,
    duplicates: Vec<document::Problem>,
    documents: &[Document],
) -> Vec<Finding> {
    duplicates
        .into_iter()
        .filter_map(|p| {
            // Documents are in source and offset order.
            let key = (p.source, p.span.start.offset);
            let i = documents.partition_point(|d| (d.source, d.root.span.start.offset) <= key);
            let doc = documents.get(i.checked_sub(1)?)?;
            (doc.source == p.source && key.1 < doc.root.span.end.offset).then(|| {
                let message = format!(
                    "{}: the later value wins here, and `kubectl apply --validate=strict` refuses the object",
                    p.message
                );
                finding(rule, doc, message, Vec::new(), at_span(doc, p.span), Vec::new())
            })
        })
        .collect()
}

/// The input of inventory rules: `{"objects": [...]}`.
pub(crate) fn inventory(values: Vec<regorus::Value>) -> regorus::Value {
    let mut input = regorus::Value::new_object();
    if let Ok(map) = input.as_object_mut() {
        map.insert(
            regorus::Value::from("objects"),
            regorus::Value::from(values),
        );
    }
    input
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
                location: locate(other, &place.path),
            });
        }
        let location = locate(doc, &v.path);
        findings.push(finding(rule, doc, v.msg, v.path, location, related));
    }
    Ok(findings)
}

/// A rule's finding on a document, at `location`.
fn finding(
    rule: &Rule,
    doc: &Document,
    message: String,
    path: Vec<PathSeg>,
    location: Location,
    related: Vec<Related>,
) -> Finding {
    Finding {
        rule: rule.id.clone(),
        severity: rule.meta.severity,
        message,
        object: Some(doc.object.clone()),
        location,
        path,
        related,
        suppression: None,
        baseline: None,
    }
}

/// A place a rule written in Rust found itself, in a document.
fn at_span(doc: &Document, span: Span) -> Location {
    Location {
        source: doc.source,
        span,
        missing: None,
        context: Some(doc.root.span),
    }
}

/// Maps a policy's path to the text it names, or to the nearest parent that
/// exists when the field is missing.
pub fn locate(doc: &Document, path: &[PathSeg]) -> Location {
    let resolved = doc.root.resolve(path);
    Location {
        source: doc.source,
        span: resolved.highlight(),
        missing: (!resolved.exact).then(|| missing_suffix(&doc.root, path)),
        context: Some(doc.root.span),
    }
}

/// The part of `path` that does not exist in the document, for messages
/// such as "missing `resources.requests.cpu`".
pub fn missing_suffix(doc_root: &Node, path: &[PathSeg]) -> String {
    let mut node = doc_root;
    for (i, seg) in path.iter().enumerate() {
        let next = match (seg, &node.value) {
            (PathSeg::Key(k), Value::Map(_)) => node.get(k),
            (PathSeg::Index(n), Value::Seq(items)) => items.get(*n),
            _ => None,
        };
        match next {
            Some(n) => node = n,
            None => return display_path(&path[i..]),
        }
    }
    String::new()
}
