//! Findings: what a run found, as data, with the rule, severity, object and
//! the exact place in the source.

use std::fmt;

use std::sync::Arc;

use crate::document::{display_path, Document, ObjectRef, PathSeg, Span};

/// How serious a finding is. Ordered: `Note < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        match text {
            "note" => Some(Severity::Note),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The threshold at or above which findings fail the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    At(Severity),
    Never,
}

impl FailOn {
    pub fn parse(text: &str) -> Option<FailOn> {
        match text {
            "never" => Some(FailOn::Never),
            other => Severity::parse(other).map(FailOn::At),
        }
    }

    pub fn fails(self, severity: Severity) -> bool {
        match self {
            FailOn::At(threshold) => severity >= threshold,
            FailOn::Never => false,
        }
    }
}

/// Where a finding is in its source.
#[derive(Debug, Clone, PartialEq)]
pub struct Location {
    /// Index of the source in the run's list of sources.
    pub source: usize,
    /// The text to underline: the field, or its nearest existing parent.
    pub span: Span,
    /// When the field does not exist, the part of its path that is missing
    /// (`resources.requests.cpu`); `span` is then its nearest parent.
    pub missing: Option<String>,
    /// The whole object the finding is about.
    pub context: Option<Span>,
}

impl Location {
    /// The place a policy's path names in a document, or the nearest parent
    /// that exists when the field is missing.
    pub fn at_path(doc: &Document, path: &[PathSeg]) -> Location {
        let resolved = doc.root.resolve(path);
        Location {
            source: doc.source,
            span: resolved.highlight(),
            missing: (!resolved.exact).then(|| doc.root.missing_suffix(path)),
            context: Some(doc.root.span),
        }
    }

    /// A place in a document that a rule written in Rust found itself.
    pub fn at_span(doc: &Document, span: Span) -> Location {
        Location {
            source: doc.source,
            span,
            missing: None,
            context: Some(doc.root.span),
        }
    }
}

/// Another place a finding involves, such as the other claimant of a host.
#[derive(Debug, Clone, PartialEq)]
pub struct Related {
    pub message: String,
    pub location: Location,
}

/// One violation of one rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    pub message: String,
    pub object: Option<ObjectRef>,
    /// The path into the object the policy named (empty for parse errors).
    pub path: Vec<PathSeg>,
    pub location: Location,
    pub related: Vec<Related>,
    /// Set when an annotation, a comment or the config suppresses it.
    pub suppression: Option<Suppression>,
    /// Set when the run compares against a baseline.
    pub baseline: Option<BaselineState>,
    /// See [`Finding::fingerprint`]; set once the run knows the file the
    /// finding is reported in.
    pub fingerprint: String,
    /// The Helm template the object was rendered from, when known: the file
    /// machine-readable reports put the finding in.
    pub template: Option<Arc<str>>,
}

/// Whether a finding was in the baseline report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BaselineState {
    New,
    Unchanged,
}

impl BaselineState {
    /// Its name in SARIF (`baselineState`) and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            BaselineState::New => "new",
            BaselineState::Unchanged => "unchanged",
        }
    }
}

/// Where a suppression was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuppressionKind {
    /// In the manifest: an annotation or a comment.
    InSource,
    /// In the config file.
    External,
}

impl SuppressionKind {
    /// Its name in SARIF (`suppressions[].kind`) and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            SuppressionKind::InSource => "inSource",
            SuppressionKind::External => "external",
        }
    }
}

/// Why a finding does not fail the gate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    pub kind: SuppressionKind,
    pub justification: String,
}

/// The key of the fingerprint in SARIF `partialFingerprints`: bump its
/// version if what [`Finding::fingerprint`] hashes ever changes.
pub const FINGERPRINT_KEY: &str = "seaworthy/v1";

/// Puts findings in report order, by source (in the order the paths were
/// given), position, rule and message, and drops exact repeats.
pub fn sort_for_report(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| {
        let key = |f: &Finding| {
            (
                f.location.source,
                f.location.span.start,
                f.location.span.end,
            )
        };
        key(a)
            .cmp(&key(b))
            .then_with(|| a.rule.cmp(&b.rule))
            .then_with(|| a.message.cmp(&b.message))
    });
    findings.dedup();
}

impl Finding {
    /// Whether the finding counts for the gate: not suppressed, and not
    /// already in the baseline.
    pub fn counts(&self) -> bool {
        self.suppression.is_none() && self.baseline != Some(BaselineState::Unchanged)
    }

    /// A fingerprint that survives edits elsewhere in the file: it hashes the
    /// rule, file, object identity, path and message, never line numbers.
    pub fn compute_fingerprint(&self, source_name: &str) -> String {
        let mut h = Fnv64::default();
        h.write(self.rule.as_bytes());
        h.write(source_name.as_bytes());
        if let Some(o) = &self.object {
            h.write(o.api_version.as_bytes());
            h.write(o.kind.as_bytes());
            h.write(o.namespace.as_deref().unwrap_or("").as_bytes());
            h.write(o.name.as_deref().unwrap_or("").as_bytes());
        }
        h.write(display_path(&self.path).as_bytes());
        h.write(self.message.as_bytes());
        if self.object.is_none() {
            // Parse errors have no object or path: their line is their identity.
            h.write(&self.location.span.start.line.to_le_bytes());
        }
        format!("{:016x}", h.0)
    }
}

/// FNV-1a: tiny, stable across releases and platforms (unlike `DefaultHasher`).
struct Fnv64(u64);

impl Default for Fnv64 {
    fn default() -> Self {
        Fnv64(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv64 {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        // A separator, so ("ab","c") and ("a","bc") differ.
        self.0 ^= 0xff;
        self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
    }
}
