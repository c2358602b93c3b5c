//! `parse-error`: a document that cannot be read as an object.

use crate::document::Problem;
use crate::finding::{Finding, Location, Severity};
use crate::policy::Rule;

pub const ID: &str = "parse-error";

pub fn rule() -> Rule {
    super::native_rule(
        ID,
        "Document cannot be parsed",
        "The file is not valid YAML or JSON, or a document in it is not a \
                well-formed Kubernetes object. Nothing else can be checked in that document, \
                and `kubectl apply` would refuse it.",
        Severity::Error,
        "Fix the syntax at the line and column shown.",
        &["input"],
    )
}

/// The finding of a document that does not parse, at the place it fails.
pub fn finding(rule: &Rule, problem: Problem) -> Finding {
    super::finding(
        rule,
        None,
        problem.message,
        Vec::new(),
        Location {
            source: problem.source,
            span: problem.span,
            missing: None,
            context: None,
        },
    )
}
