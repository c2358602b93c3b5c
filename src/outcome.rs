//! The outcome of a run as plain data, everything the reports need already
//! resolved: the sources, the findings (with their file, template and
//! fingerprint), the errors and notes, the enabled rules and the tally.
//! Reports read it and nothing else.

use std::collections::BTreeMap;
use std::ops::Range;

use crate::document::ObjectRef;
use crate::finding::{BaselineState, FailOn, Finding, Severity};
use crate::policy::Rule;
use crate::source::{SourceError, SourceFile};

/// Everything a lint run produced.
#[derive(Debug, Default)]
pub struct Outcome {
    pub sources: Vec<SourceFile>,
    /// In report order.
    pub findings: Vec<Finding>,
    /// Failures that make the results incomplete (exit code 2).
    pub errors: Vec<RunError>,
    /// Every object checked: its source index and identity, in input order.
    pub checked: Vec<(usize, ObjectRef)>,
    /// Things the user should know about how the run went.
    pub notes: Vec<String>,
    /// Byte ranges of values never to print (Secret data, env values,
    /// annotations), per source; empty unless a report quotes sources.
    pub redactions: Vec<Vec<Range<usize>>>,
    /// The rules the run checked, with their severity in force.
    pub rules: Vec<Rule>,
    pub tally: Tally,
    /// What was read from a live cluster, and how.
    pub live: Option<LiveAudit>,
    /// With `--iac`: how much of the cluster the IaC declares.
    pub coverage: Option<IacCoverage>,
}

/// The share of the cluster's top-level objects that the IaC declares: the
/// number that proves (or disproves) "everything is in the IaC".
#[derive(Debug, Default, Clone, PartialEq, serde::Serialize)]
pub struct IacCoverage {
    /// Live objects considered: top-level, not made by the system, not
    /// ignored by `drift.ignore`.
    pub considered: usize,
    /// Of those, the ones a manifest declares.
    pub declared: usize,
    /// The same per namespace (`_cluster` for cluster-scoped objects).
    pub by_namespace: BTreeMap<String, NamespaceCoverage>,
    /// `drift.min-coverage`, a percentage.
    pub minimum: Option<f64>,
}

#[derive(Debug, Default, Clone, PartialEq, serde::Serialize)]
pub struct NamespaceCoverage {
    pub considered: usize,
    pub declared: usize,
}

impl IacCoverage {
    /// The percentage declared; 100 when nothing was considered.
    pub fn percent(&self) -> f64 {
        percent(self.declared, self.considered)
    }

    /// Below `drift.min-coverage`: the run fails.
    pub fn below_minimum(&self) -> bool {
        self.minimum.is_some_and(|min| self.percent() < min)
    }
}

/// `part` of `whole` as a percentage; 100 of nothing.
pub fn percent(part: usize, whole: usize) -> f64 {
    match whole {
        0 => 100.0,
        _ => part as f64 * 100.0 / whole as f64,
    }
}

/// What a run against a live cluster read and every request it made: the
/// audit trail of what seaworthy did against production.
#[derive(Debug, Default, Clone, PartialEq, serde::Serialize)]
pub struct LiveAudit {
    /// The kubeconfig context, or `in-cluster`.
    pub context: String,
    /// The API server's URL.
    pub server: String,
    /// `namespace NAME` or `all namespaces`.
    pub scope: String,
    /// Per kind listed, in the order they were asked for.
    pub kinds: Vec<KindAudit>,
    /// Objects controlled by another object (a Deployment's ReplicaSets and
    /// Pods): linted through their owner, not again.
    pub skipped_owned: usize,
}

/// The requests made for one kind, and what went wrong.
#[derive(Debug, Default, Clone, PartialEq, serde::Serialize)]
pub struct KindAudit {
    /// `Deployment.apps`, `Service`.
    pub kind: String,
    /// Objects read (owned ones included).
    pub objects: usize,
    /// GET requests sent, retries included.
    pub requests: usize,
    pub retries: usize,
    /// Faults met: statuses, timeouts, restarts of an expired list.
    pub faults: Vec<String>,
}

impl LiveAudit {
    pub fn requests(&self) -> usize {
        self.kinds.iter().map(|k| k.requests).sum()
    }

    pub fn retries(&self) -> usize {
        self.kinds.iter().map(|k| k.retries).sum()
    }
}

/// The findings counted once for every report.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Tally {
    /// Findings that count for the gate: not suppressed, not unchanged
    /// since the baseline.
    pub counted: usize,
    pub by_severity: BTreeMap<Severity, usize>,
    /// Counted findings by rule and severity.
    pub by_rule: BTreeMap<(String, Severity), usize>,
    pub suppressed: usize,
    pub unchanged: usize,
}

impl Tally {
    pub fn of(findings: &[Finding]) -> Tally {
        let mut tally = Tally::default();
        for f in findings {
            if f.suppression.is_some() {
                tally.suppressed += 1;
            } else if f.baseline == Some(BaselineState::Unchanged) {
                tally.unchanged += 1;
            } else {
                tally.counted += 1;
                *tally.by_severity.entry(f.severity).or_default() += 1;
                *tally
                    .by_rule
                    .entry((f.rule.clone(), f.severity))
                    .or_default() += 1;
            }
        }
        tally
    }

    /// Counted findings of one severity.
    pub fn at(&self, severity: Severity) -> usize {
        self.by_severity.get(&severity).copied().unwrap_or(0)
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
    /// Something an enabled rule needs could not be read from the cluster.
    #[error("{what} could not be read from the cluster: {message}")]
    #[diagnostic(code(seaworthy::live))]
    Cluster { what: String, message: String },
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
    /// The number of objects checked.
    pub fn objects(&self) -> usize {
        self.checked.len()
    }

    /// The file a finding is reported in: its source, or the Helm template
    /// it was rendered from when the source is not a file of the
    /// repository (`helm template … | seaworthy lint -`).
    pub fn file_of<'a>(&'a self, finding: &'a Finding) -> &'a str {
        self.template_first(finding)
            .unwrap_or(&self.sources[finding.location.source].name)
    }

    /// The Helm template a finding is reported on in place of its source:
    /// only for rendered output read from stdin, which has no file. Rendered
    /// output committed to the repository keeps its findings, at their
    /// lines; the template is then only where it came from.
    pub fn template_first<'a>(&'a self, finding: &'a Finding) -> Option<&'a str> {
        let source = self.sources.get(finding.location.source)?;
        finding
            .template
            .as_deref()
            .filter(|_| !source.in_repository())
    }

    /// An enabled rule, by ID.
    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// 0: nothing at or above the threshold; 1: findings; 2: incomplete run.
    pub fn exit_code(&self, fail_on: FailOn) -> u8 {
        if !self.errors.is_empty() {
            2
        } else if self
            .findings
            .iter()
            .any(|f| f.counts() && fail_on.fails(f.severity))
            || self
                .coverage
                .as_ref()
                .is_some_and(IacCoverage::below_minimum)
        {
            1
        } else {
            0
        }
    }
}
