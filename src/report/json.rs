//! The JSON report: a stable, versioned schema for scripts (documented in
//! `docs/json-format.md`).

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use crate::document::{display_path, Pos};
use crate::finding::Finding;
use crate::outcome::Outcome;

/// Bumped on any change that could break a consumer.
const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    tool: Tool,
    summary: Summary<'a>,
    findings: Vec<JsonFinding<'a>>,
    errors: Vec<String>,
    /// What the user should know about how the run went.
    notes: &'a [String],
    /// With `--live`: what was read from the cluster, and every request.
    #[serde(skip_serializing_if = "Option::is_none")]
    live: Option<&'a crate::outcome::LiveAudit>,
    /// With `--iac`: how much of the cluster the IaC declares.
    #[serde(skip_serializing_if = "Option::is_none")]
    coverage: Option<JsonCoverage<'a>>,
}

#[derive(Serialize)]
struct JsonCoverage<'a> {
    percent: f64,
    below_minimum: bool,
    #[serde(flatten)]
    counts: &'a crate::outcome::IacCoverage,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Summary<'a> {
    files: usize,
    objects: usize,
    /// Findings that count for the gate: not suppressed, not unchanged
    /// from the baseline. `by_severity` and `by_rule` count these too.
    findings: usize,
    by_severity: BTreeMap<&'static str, usize>,
    by_rule: BTreeMap<&'a str, usize>,
    suppressed: usize,
    unchanged: usize,
}

#[derive(Serialize)]
struct JsonSuppression<'a> {
    kind: &'static str,
    justification: &'a str,
}

#[derive(Serialize)]
struct Object<'a> {
    api_version: &'a str,
    kind: &'a str,
    namespace: Option<&'a str>,
    name: Option<&'a str>,
}

#[derive(Serialize)]
struct Point {
    line: u32,
    column: u32,
}

impl From<Pos> for Point {
    fn from(p: Pos) -> Point {
        Point {
            line: p.line,
            column: p.column,
        }
    }
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: &'static str,
    message: &'a str,
    file: &'a str,
    object: Option<Object<'a>>,
    path: String,
    start: Point,
    end: Point,
    /// The part of `path` that is missing when the location is its parent.
    missing: Option<&'a str>,
    fingerprint: String,
    /// The Helm template the object was rendered from (`# Source:`); the
    /// positions are then those of the rendered input.
    template: Option<&'a str>,
    /// Other places the finding involves, such as the other claimant of a host.
    related: Vec<JsonRelated<'a>>,
    /// Why the finding does not count, when it is suppressed.
    suppressed: Option<JsonSuppression<'a>>,
    /// `new` or `unchanged` when the run compares against a baseline.
    baseline: Option<&'static str>,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    message: &'a str,
    file: &'a str,
    start: Point,
    end: Point,
}

fn finding<'a>(f: &'a Finding, outcome: &'a Outcome) -> JsonFinding<'a> {
    let source = &outcome.sources[f.location.source];
    JsonFinding {
        rule: &f.rule,
        severity: f.severity.as_str(),
        message: &f.message,
        file: &source.name,
        object: f.object.as_ref().map(|o| Object {
            api_version: &o.api_version,
            kind: &o.kind,
            namespace: o.namespace.as_deref(),
            name: o.name.as_deref(),
        }),
        path: display_path(&f.path),
        start: f.location.span.start.into(),
        end: f.location.span.end.into(),
        missing: f.location.missing.as_deref(),
        fingerprint: f.fingerprint.clone(),
        template: f.template.as_deref(),
        related: f
            .related
            .iter()
            .map(|r| JsonRelated {
                message: &r.message,
                file: &outcome.sources[r.location.source].name,
                start: r.location.span.start.into(),
                end: r.location.span.end.into(),
            })
            .collect(),
        suppressed: f.suppression.as_ref().map(|s| JsonSuppression {
            kind: s.kind.as_str(),
            justification: &s.justification,
        }),
        baseline: f.baseline.map(|b| b.as_str()),
    }
}

pub fn write(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    let tally = &outcome.tally;
    let mut by_severity = BTreeMap::new();
    for (severity, n) in &tally.by_severity {
        by_severity.insert(severity.as_str(), *n);
    }
    let mut by_rule = BTreeMap::new();
    for ((rule, _), n) in &tally.by_rule {
        *by_rule.entry(rule.as_str()).or_default() += *n;
    }
    let report = Report {
        version: SCHEMA_VERSION,
        tool: Tool {
            name: "seaworthy",
            version: env!("CARGO_PKG_VERSION"),
        },
        summary: Summary {
            files: outcome.sources.len(),
            objects: outcome.objects(),
            findings: tally.counted,
            by_severity,
            by_rule,
            suppressed: tally.suppressed,
            unchanged: tally.unchanged,
        },
        findings: outcome
            .findings
            .iter()
            .map(|f| finding(f, outcome))
            .collect(),
        errors: outcome.errors.iter().map(ToString::to_string).collect(),
        notes: &outcome.notes,
        live: outcome.live.as_ref(),
        coverage: outcome.coverage.as_ref().map(|c| JsonCoverage {
            percent: (c.percent() * 10.0).round() / 10.0,
            below_minimum: c.below_minimum(),
            counts: c,
        }),
    };
    serde_json::to_writer_pretty(&mut *out, &report).map_err(io::Error::other)?;
    writeln!(out)
}
