//! `drifted-field`: a field the IaC declares whose live value differs.

use crate::finding::Severity;
use crate::policy::Rule;

pub const ID: &str = "drifted-field";

pub fn rule() -> Rule {
    super::drift_rule(
        ID,
        "Declared field has another value in the cluster",
        "A field a manifest declares has another value in the live object, after \
                normalisation: quantities are compared by value (`0.5` = `500m`, `1Gi` = \
                `1024Mi`), ports as numbers, null as absent, lists of named items (containers, \
                env, ports, volumes) by name, maps in any order, and fields the manifest leaves \
                out are not compared, so server defaults are not drift. The finding is at the \
                manifest's line for the field, shows both values (masked where secret) and \
                names the field manager that wrote the live value: `kubectl scale`, `kubectl \
                set image`, `kubectl edit`... The next deploy will silently undo that change, or \
                the manifest no longer says what runs. A HorizontalPodAutoscaler's replicas and \
                other controllers' fields are never drift.\n\n\
                Only reported by `seaworthy lint --live --iac PATH`.",
        Severity::Error,
        "Decide which value is right: put it in the manifest and deploy it, or deploy the \
                manifest again to undo the change made by hand.",
    )
}
