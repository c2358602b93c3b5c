//! The Rego engine, the only user of the regorus crate: compiles the
//! catalog once ([`Engine`]), gathers rules into batches that run on
//! regorus's VM ([`batch`], [`runner`]), turns what policies report into
//! violations ([`violation`]), converts documents into Rego values
//! ([`value`]), and runs Rego unit tests ([`unit_tests`]).

mod batch;
mod builtins;
mod located;
mod runner;
mod unit_tests;
mod value;
mod violation;

use std::sync::Arc;
use std::time::Duration;

use crate::document::Node;
use crate::policy::{Catalog, Module, PolicyError};

pub use batch::Batch;
pub use runner::BatchRunner;
pub use unit_tests::TestOutcome;
pub use value::{identity_value, inventory, to_value};
pub use violation::{RelatedPlace, Violation};

use located::located_error;

/// Whether a regorus error (interpreter or VM) is the time limit.
fn hit_time_limit(message: &str) -> bool {
    message.to_ascii_lowercase().contains("exceeded time limit")
}

/// A regorus error as the message of an evaluation error: the time limit in
/// words, anything else as regorus puts it.
fn evaluation_message(message: String, limit: Duration) -> String {
    if !hit_time_limit(&message) {
        return message;
    }
    format!(
        "stopped at the time limit of {limit:?} per evaluation: the policy may loop, or is too slow for this object (raise `policy-timeout` in .seaworthy.yaml if it is only slow)"
    )
}

/// A compiled set of policies. Cheap to clone: clone one per worker thread.
#[derive(Clone)]
pub struct Engine {
    inner: regorus::Engine,
    /// The policy and library modules, to see which rules may reach
    /// `seaworthy.group`.
    modules: Arc<[Module]>,
    /// How long one rule may run on one object.
    limit: Duration,
}

/// A rule that failed to evaluate. The run goes on, but its results are
/// incomplete and it exits 2.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalError {
    pub rule: String,
    pub message: String,
}

impl Engine {
    /// Compiles the catalog's modules (and its tests when `with_tests`), with
    /// `params` visible as `data.seaworthy.params`; `limit` is the time one
    /// rule may run on one object.
    pub fn new(
        catalog: &Catalog,
        params: &Node,
        with_tests: bool,
        limit: Duration,
    ) -> Result<Engine, PolicyError> {
        let mut inner = regorus::Engine::new();
        inner.set_rego_v0(false);
        // One malformed quantity must not abort the evaluation of a whole object.
        inner.set_strict_builtin_errors(false);
        inner.set_execution_timer_config(runner::timer(limit));
        builtins::add_builtins(&mut inner).map_err(|e| PolicyError::Unreadable {
            path: "builtins".into(),
            reason: e.to_string(),
        })?;
        for m in catalog.modules.iter().filter(|m| with_tests || !m.is_test) {
            inner
                .add_policy(m.name.clone(), m.text.to_string())
                .map_err(|e| located_error(catalog, m, &e.to_string()))?;
        }
        let mut seaworthy = regorus::Value::new_object();
        if let Ok(obj) = seaworthy.as_object_mut() {
            obj.insert(regorus::Value::from("params"), to_value(params));
        }
        let mut data = regorus::Value::new_object();
        if let Ok(obj) = data.as_object_mut() {
            obj.insert(regorus::Value::from("seaworthy"), seaworthy);
        }
        inner.add_data(data).map_err(|e| PolicyError::Unreadable {
            path: "params".into(),
            reason: e.to_string(),
        })?;
        crate::timing::mark("engine: modules added");
        let modules = catalog
            .modules
            .iter()
            .filter(|m| !m.is_test)
            .cloned()
            .collect();
        let mut engine = Engine {
            inner,
            modules,
            limit,
        };
        engine.check_recursion(catalog)?;
        crate::timing::mark("engine: recursion");
        engine.check_rules(catalog)?;
        crate::timing::mark("engine: check rules");
        Ok(engine)
    }

    /// Makes `namespace` visible as `data.seaworthy.namespace`: where the
    /// objects that name no namespace are applied, for the rules that match
    /// objects by namespace. Before [`Engine::batches`], which copy the data.
    pub fn set_namespace(&mut self, namespace: &str) -> Result<(), PolicyError> {
        let mut seaworthy = regorus::Value::new_object();
        if let Ok(obj) = seaworthy.as_object_mut() {
            obj.insert(
                regorus::Value::from("namespace"),
                regorus::Value::from(namespace),
            );
        }
        let mut data = regorus::Value::new_object();
        if let Ok(obj) = data.as_object_mut() {
            obj.insert(regorus::Value::from("seaworthy"), seaworthy);
        }
        self.inner
            .add_data(data)
            .map_err(|e| PolicyError::Unreadable {
                path: "namespace".into(),
                reason: e.to_string(),
            })
    }

    /// Refuses functions that call themselves: regorus's interpreter
    /// would overflow the stack and abort the process.
    fn check_recursion(&self, catalog: &Catalog) -> Result<(), PolicyError> {
        let Some(cycle) = crate::policy::recursion::find_cycle(&catalog.modules) else {
            return Ok(());
        };
        let message = format!(
            "a function calls itself, which Rego does not allow: {}",
            cycle.chain.join(" -> ")
        );
        Err(match catalog.modules.get(cycle.module) {
            Some(m) => PolicyError::at(m, cycle.line, 1, message),
            None => PolicyError::Unreadable {
                path: "policies".into(),
                reason: message,
            },
        })
    }

    /// Evaluates every custom rule once on an empty object, so that errors which
    /// regorus reports only at evaluation (unknown functions, bad references)
    /// stop the run now, pointing at the policy, instead of once per object.
    fn check_rules(&mut self, catalog: &Catalog) -> Result<(), PolicyError> {
        self.inner.set_input(regorus::Value::new_object());
        // The built-in policies are checked by their own tests.
        for rule in catalog.rules.iter().filter(|r| !r.builtin) {
            let Some(query) = &rule.query else { continue };
            if let Err(e) = self.inner.eval_rule(query.clone()) {
                let e = evaluation_message(e.to_string(), self.limit);
                let module = catalog
                    .modules
                    .iter()
                    .find(|m| format!("data.{}.violation", m.package) == *query);
                return Err(match module {
                    Some(m) => located_error(catalog, m, &e),
                    None => PolicyError::Unreadable {
                        path: rule.id.clone(),
                        reason: e,
                    },
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
