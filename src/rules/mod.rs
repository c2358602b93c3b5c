//! Rules written in Rust, each a unit with its metadata beside its check:
//! `parse-error`, `invalid-manifest`, `invalid-suppression`,
//! `unused-suppression`, and the drift rules (`unmanaged-object`,
//! `missing-object`, `drifted-field`, `manual-change`; their check is
//! [`crate::drift`]). Rego rules live in `policies/`; both kinds meet in the
//! [`Catalog`].

pub mod drifted_field;
pub mod invalid_manifest;
pub mod invalid_suppression;
pub mod manual_change;
pub mod missing_object;
pub mod parse_error;
pub mod unmanaged_object;
pub mod unused_suppression;

use std::path::PathBuf;

use crate::document::{ObjectRef, PathSeg};
use crate::finding::{Finding, Location, Severity};
use crate::policy::{Catalog, Metadata, PolicyError, Rule, Scope, Status};

/// Every rule written in Rust, in catalog order.
pub fn native() -> Vec<Rule> {
    vec![
        parse_error::rule(),
        invalid_manifest::rule(),
        unused_suppression::rule(),
        invalid_suppression::rule(),
        unmanaged_object::rule(),
        missing_object::rule(),
        drifted_field::rule(),
        manual_change::rule(),
    ]
}

/// The drift rules' IDs.
pub const DRIFT: [&str; 4] = [
    unmanaged_object::ID,
    missing_object::ID,
    drifted_field::ID,
    manual_change::ID,
];

/// A drift rule: tagged `drift`, it reports only with `lint --live --iac`.
fn drift_rule(
    id: &str,
    title: &str,
    description: &str,
    severity: Severity,
    remediation: &str,
) -> Rule {
    native_rule(id, title, description, severity, remediation, &["drift"])
}

/// The whole catalog: the built-in policies, the rules written in Rust, and
/// the policies under each of `dirs`.
pub fn catalog(dirs: &[PathBuf]) -> Result<Catalog, PolicyError> {
    Catalog::load(dirs, native())
}

/// A rule written in Rust: object scope, stable, every kind.
fn native_rule(
    id: &str,
    title: &str,
    description: &str,
    severity: Severity,
    remediation: &str,
    tags: &[&str],
) -> Rule {
    Rule {
        id: id.to_string(),
        meta: Metadata {
            title: title.into(),
            description: description.into(),
            severity,
            scope: Scope::Object,
            status: Status::Stable,
            kinds: None,
            remediation: remediation.into(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            equivalents: Vec::new(),
            params: Vec::new(),
        },
        query: None,
        builtin: true,
    }
}

/// A rule's finding, with the rule's severity; on `object` when it is about
/// one.
pub fn finding(
    rule: &Rule,
    object: Option<&ObjectRef>,
    message: String,
    path: Vec<PathSeg>,
    location: Location,
) -> Finding {
    Finding {
        rule: rule.id.clone(),
        severity: rule.meta.severity,
        message,
        object: object.cloned(),
        path,
        location,
        related: Vec::new(),
        suppression: None,
        baseline: None,
        fingerprint: String::new(),
        template: None,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_catalog_holds_every_rule_written_in_rust() {
        let catalog = super::catalog(&[]).expect("catalog");
        for rule in super::native() {
            let found = catalog.rule(&rule.id).expect("in the catalog");
            assert!(found.query.is_none() && found.builtin, "{}", rule.id);
        }
        assert!(catalog.rule("missing-cpu-request").is_some());
    }
}
