//! `invalid-suppression`: a suppression in a manifest that cannot work: it
//! gives no reason, names no rule or one that does not exist, or its
//! annotation is not a string.

use crate::finding::{Finding, Location, Severity};
use crate::policy::Rule;

pub const ID: &str = "invalid-suppression";

pub fn rule() -> Rule {
    super::native_rule(
        ID,
        "Suppression that cannot work",
        "A `seaworthy.dev/ignore` annotation or a `# seaworthy:ignore RULE` comment that \
                suppresses nothing because it is wrong: it gives no reason (no \
                `seaworthy.dev/ignore-reason`, no `-- reason`), it names no rule or a rule that \
                does not exist (a typo would leave the finding it meant to silence in place), \
                or its annotation value is not a string. Every suppression must say why, so that \
                reviewers can judge it.",
        Severity::Warning,
        "Add the reason: `seaworthy.dev/ignore-reason: \"…\"` beside the annotation, or \
                `# seaworthy:ignore RULE -- why` in the comment; name rules by their ID \
                (`seaworthy rules` lists them), comma-separated in one string.",
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

/// The finding of a suppression that names `id`, which is no rule, at the
/// name; `near` is the rule it likely meant.
pub fn unknown_rule(id: &str, near: Option<&str>, location: Location) -> Finding {
    let hint = match near {
        Some(near) => format!("did you mean `{near}`?"),
        None => "`seaworthy rules` lists every rule".to_string(),
    };
    super::finding(
        &rule(),
        None,
        format!("suppression names `{id}`, which is not a rule, so it suppresses nothing: {hint}"),
        Vec::new(),
        location,
    )
}

/// The finding of a suppression that names no rule.
pub fn no_rule(location: Location) -> Finding {
    super::finding(
        &rule(),
        None,
        "suppression names no rule, so it suppresses nothing: name the rules to ignore".into(),
        Vec::new(),
        location,
    )
}

/// The finding of a suppression that cannot be read, saying why.
pub fn malformed(problem: String, location: Location) -> Finding {
    super::finding(&rule(), None, problem, Vec::new(), location)
}
