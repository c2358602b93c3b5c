//! `--baseline previous.sarif`: findings already present in an earlier
//! SARIF report are `unchanged` and do not fail the gate; the rest are
//! `new`. Findings are matched by their fingerprint, which survives edits
//! elsewhere in the file.

use std::collections::HashSet;
use std::path::Path;

use crate::finding::FINGERPRINT_KEY;

/// The fingerprints of a previous report.
#[derive(Debug, Clone, Default)]
pub struct Baseline {
    fingerprints: HashSet<String>,
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("cannot use {path} as a baseline: {reason}")]
#[diagnostic(
    code(seaworthy::baseline),
    help("a baseline is a SARIF report written by `seaworthy lint --format sarif=FILE`")
)]
pub struct BaselineError {
    pub path: String,
    pub reason: String,
}

impl Baseline {
    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let fail = |reason: String| BaselineError {
            path: path.display().to_string(),
            reason,
        };
        let text = std::fs::read_to_string(path).map_err(|e| fail(e.to_string()))?;
        let sarif: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| fail(format!("not JSON: {e}")))?;
        let runs = sarif
            .get("runs")
            .and_then(|r| r.as_array())
            .ok_or_else(|| fail("not a SARIF log: it has no `runs`".into()))?;
        let fingerprints = runs
            .iter()
            .filter_map(|run| run.get("results").and_then(|r| r.as_array()))
            .flatten()
            .filter_map(|result| {
                result
                    .get("partialFingerprints")
                    .and_then(|f| f.get(FINGERPRINT_KEY))
                    .and_then(|f| f.as_str())
                    .map(str::to_string)
            })
            .collect();
        Ok(Baseline { fingerprints })
    }

    pub fn contains(&self, fingerprint: &str) -> bool {
        self.fingerprints.contains(fingerprint)
    }

    pub fn len(&self) -> usize {
        self.fingerprints.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fingerprints.is_empty()
    }
}
