//! `unmanaged-object`: a live object that no manifest of the IaC declares.

use crate::finding::Severity;
use crate::policy::Rule;

pub const ID: &str = "unmanaged-object";

pub fn rule() -> Rule {
    super::drift_rule(
        ID,
        "Object exists only in the cluster",
        "An object of the live cluster that no manifest of the IaC (`--iac PATH`) declares, \
                that no other object owns and that the system did not make (the `default` \
                ServiceAccount, `kube-root-ca.crt`, `kube-*` namespaces, Endpoints, Leases, \
                Events...). Someone made it by hand, and the next redeploy from the IaC will \
                not recreate it: a week of Grafana dashboards made in the cluster is gone after \
                one `helm upgrade` that replaces their namespace. The finding names the field \
                manager that created the object and when.\n\n\
                Only reported by `seaworthy lint --live --iac PATH`.",
        Severity::Warning,
        "Add the object to the IaC (`seaworthy export --live DIR` writes it as a clean \
                manifest to start from), or delete it from the cluster; if it is meant to live \
                outside the IaC, list it under `drift.ignore` in `.seaworthy.yaml`.",
    )
}
