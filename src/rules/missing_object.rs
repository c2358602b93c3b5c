//! `missing-object`: an object the IaC declares that the cluster does not have.

use crate::finding::Severity;
use crate::policy::Rule;

pub const ID: &str = "missing-object";

pub fn rule() -> Rule {
    super::drift_rule(
        ID,
        "Declared object is missing from the cluster",
        "A manifest of the IaC declares an object that the live cluster does not have: it \
                was deleted by hand, the last deploy failed, or the manifest was never applied. \
                Whatever depends on it (a Service's clients, a ConfigMap's pods) is broken or \
                about to be. Kinds that could not be read are never reported missing.\n\n\
                Only reported by `seaworthy lint --live --iac PATH`.",
        Severity::Error,
        "Apply the manifest again (or let the GitOps controller sync it), or remove it from \
                the IaC if the object is gone on purpose.",
    )
}
