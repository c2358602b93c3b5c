//! `invalid-suppression`: a suppression in a manifest that gives no reason.

use crate::finding::{Finding, Location, Severity};
use crate::policy::Rule;

pub const ID: &str = "invalid-suppression";

pub fn rule() -> Rule {
    super::native_rule(
        ID,
        "Suppression without a reason",
        "A `seaworthy.dev/ignore` annotation without `seaworthy.dev/ignore-reason`, or a \
                `# seaworthy:ignore RULE` comment without `-- reason`. Every suppression must \
                say why, so that reviewers can judge it; one without a reason suppresses nothing.",
        Severity::Warning,
        "Add the reason: `seaworthy.dev/ignore-reason: \"…\"` beside the annotation, or \
                `# seaworthy:ignore RULE -- why` in the comment.",
        &["suppression"],
    )
}

/// The finding of a suppression of `rules`, written at `location`, that
/// gives no reason.
pub fn finding(rules: &str, location: Location) -> Finding {
    super::finding(
        &rule(),
        None,
        format!("suppression of `{rules}` has no reason, so it suppresses nothing: say why"),
        Vec::new(),
        location,
    )
}
