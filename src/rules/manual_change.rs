//! `manual-change`: a field no manifest declares, written by hand.

use crate::finding::Severity;
use crate::policy::Rule;

pub const ID: &str = "manual-change";

pub fn rule() -> Rule {
    super::drift_rule(
        ID,
        "Field set by hand in the cluster",
        "A field of a live object that the manifest does not declare, written by an \
                interactive field manager according to `metadata.managedFields`: `kubectl edit`, \
                `kubectl patch`, `kubectl set`, `kubectl label`, `kubectl annotate`, `kubectl \
                scale`, the Kubernetes Dashboard, a browser console, a client with no name \
                (`unknown`), or a `kubectl apply` of another manifest than the IaC's. The finding \
                names the manager, its operation and time; managedFields keeps the time of the \
                manager's last write to the object, which is not always the write of this field. \
                Fields of controllers (the HPA, admission webhooks, defaulting) and of the IaC's \
                own tools (`drift.iac-managers`: Helm, Argo CD, Flux...) are never reported.\n\n\
                Only reported by `seaworthy lint --live --iac PATH`.",
        Severity::Warning,
        "Add the field to the manifest if it is meant to stay, or deploy the manifest again \
                to remove it; list field paths that others own on purpose under \
                `drift.ignore`.",
    )
}
