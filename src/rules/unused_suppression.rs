//! `unused-suppression`: a suppression in a manifest that suppresses nothing.

use crate::finding::{Finding, Location, Severity};
use crate::policy::Rule;

pub const ID: &str = "unused-suppression";

pub fn rule() -> Rule {
    super::native_rule(
        ID,
        "Suppression that matches no finding",
        "A `seaworthy.dev/ignore` annotation or a `# seaworthy:ignore` comment that \
                suppresses nothing: the problem was fixed, or the rule ID is wrong. A stale \
                suppression would silently hide the next real finding of that rule.",
        Severity::Note,
        "Remove the suppression, or correct the rule ID it names.",
        &["suppression"],
    )
}

/// The finding of a suppression of `rules`, written at `location`, that
/// matched no finding.
pub fn finding(rules: &str, location: Location) -> Finding {
    super::finding(
        &rule(),
        None,
        format!("suppression of `{rules}` matches no finding: remove it"),
        Vec::new(),
        location,
    )
}
