//! `invalid-manifest`: objects checked against the Kubernetes schema
//! ([`crate::schema`]), and keys written twice.

use crate::document::{Document, Problem};
use crate::finding::{Finding, Location, Severity};
use crate::policy::Rule;
use crate::schema::Schemas;

pub const ID: &str = "invalid-manifest";

pub fn rule() -> Rule {
    let mut rule = super::native_rule(
        ID,
        "Object does not match the Kubernetes schema",
        "A field the kind does not have (`livenesProbe` for `livenessProbe`), a \
                value of the wrong type (`replicas: \"3\"`, an unquoted `true` or `1.10` as a \
                label or env value), or a key written twice in one mapping. The API server \
                refuses such an object, or silently drops the unknown field, so the setting \
                the author meant never takes effect: a misspelled probe is no probe at all.\n\n\
                Built-in kinds are checked against the schemas of Kubernetes 1.37 (from \
                k8s-openapi). A custom resource is checked when a CustomResourceDefinition \
                in the same input gives its schema, and skipped otherwise. Fields under \
                `x-kubernetes-preserve-unknown-fields` are not checked. Required fields are \
                not checked, because partial manifests such as Kustomize bases leave them out.",
        Severity::Error,
        "Fix the field name or the value's type at the place shown; quote \
                numbers and booleans that must be strings (`\"true\"`, `\"1.10\"`).",
        &["correctness"],
    );
    rule.meta.equivalents = vec![
        (
            "kubeconform".into(),
            "schema validation (strict mode)".into(),
        ),
        ("kubectl".into(), "apply --validate=strict".into()),
    ];
    rule
}

/// The schema findings of one object.
pub fn object_findings(rule: &Rule, schemas: &Schemas, doc: &Document) -> Vec<Finding> {
    schemas
        .check(doc)
        .into_iter()
        .map(|p| {
            super::finding(
                rule,
                Some(&doc.object),
                p.message,
                p.path,
                Location::at_span(doc, p.span),
            )
        })
        .collect()
}

/// Keys written twice, reported on the object they are in; YAML that is
/// not an object may repeat keys as it likes.
pub fn duplicate_key_findings(
    rule: &Rule,
    duplicates: Vec<Problem>,
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
                super::finding(
                    rule,
                    Some(&doc.object),
                    message,
                    Vec::new(),
                    Location::at_span(doc, p.span),
                )
            })
        })
        .collect()
}
