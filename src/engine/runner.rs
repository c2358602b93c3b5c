//! Running a batch on one worker thread: the VM first, the interpreter as
//! the fallback and to name the rule behind an error.

use std::num::NonZeroU32;
use std::time::Duration;

use regorus::utils::limits::ExecutionTimerConfig;

use super::batch::Batch;
use super::builtins::{group, GROUP};
use super::violation::{violations, Violation};
use super::{evaluation_message, hit_time_limit};

/// The most instructions the virtual machine runs for one object. The time
/// limit is what stops a looping policy; this only has to stay out of its way.
pub(super) const INSTRUCTION_LIMIT: usize = 500_000_000;

/// A [`Batch`] ready to run on one worker thread.
pub struct BatchRunner {
    pub(super) batch: Batch,
    pub(super) vm: Option<regorus::rvm::RegoVM>,
}

impl BatchRunner {
    /// The violations of every rule of the batch on `input`, in the order
    /// the rules were given; an error says what failed in that rule.
    /// `kind` is the kind of the object `input` is, and only the rules that
    /// apply to it run; `None` runs every rule (the inventory
    /// `{"objects": [...]}`).
    pub fn evaluate(
        &mut self,
        input: regorus::Value,
        kind: Option<&str>,
    ) -> Vec<Result<Vec<Violation>, String>> {
        let batch = &self.batch;
        let Some(group) = batch.group_for(kind) else {
            return batch.no_violations();
        };
        let mut timed_out = false;
        if let Some(vm) = &mut self.vm {
            vm.set_input(input.clone());
            match run_vm(vm, &batch.groups[group].query) {
                Ok(value) => {
                    if let Some(results) = self.split(group, &value) {
                        return results;
                    }
                }
                Err(e) => timed_out = hit_time_limit(&format!("{e:#}")),
            }
        }
        // The interpreter is slower than the VM: after the VM's time limit,
        // only its rule-by-rule run can say which rule is to blame.
        self.interpret(input, group, !timed_out)
    }

    /// Whether `kind` has rules to run in this batch.
    pub fn has_rules_for(&self, kind: &str) -> bool {
        self.batch.group_for(Some(kind)).is_some()
    }

    /// The interpreter's answer: the whole group at once, or rule by rule
    /// when that fails, so that an error names its rule.
    fn interpret(
        &mut self,
        input: regorus::Value,
        group: usize,
        whole_group: bool,
    ) -> Vec<Result<Vec<Violation>, String>> {
        let engine = &mut self.batch.engine.inner;
        engine.set_input(input);
        if whole_group {
            if let Ok(value) = engine.eval_rule(self.batch.groups[group].query.clone()) {
                if let Some(results) = self.split(group, &value) {
                    return results;
                }
            }
        }
        let engine = &mut self.batch.engine.inner;
        let members = &self.batch.groups[group].members;
        self.batch
            .queries
            .iter()
            .enumerate()
            .map(|(i, query)| match query {
                Some(q) if members.contains(&i) => engine
                    .eval_rule(q.clone())
                    .map_err(|e| evaluation_message(e.to_string(), self.batch.engine.limit))
                    .and_then(|v| violations(&v)),
                _ => Ok(Vec::new()),
            })
            .collect()
    }

    /// Splits a group rule's object into each rule's violations.
    fn split(
        &self,
        group: usize,
        value: &regorus::Value,
    ) -> Option<Vec<Result<Vec<Violation>, String>>> {
        let map = value.as_object().ok()?;
        let members = &self.batch.groups[group].members;
        let mut results = self.batch.no_violations();
        for &i in members {
            if let Some(v) = map.get(&self.batch.keys[i]) {
                results[i] = violations(v);
            }
        }
        Some(results)
    }

    /// As [`BatchRunner::evaluate`], on the interpreter only: the reference
    /// the VM's results are tested against.
    #[cfg(test)]
    pub(super) fn evaluate_interpreted(
        &mut self,
        input: regorus::Value,
        kind: Option<&str>,
    ) -> Vec<Result<Vec<Violation>, String>> {
        match self.batch.group_for(kind) {
            Some(group) => self.interpret(input, group, true),
            None => self.batch.no_violations(),
        }
    }
}

/// Runs the batch rule, answering the VM's `seaworthy.group` calls.
fn run_vm(vm: &mut regorus::rvm::RegoVM, entry: &str) -> anyhow::Result<regorus::Value> {
    use regorus::rvm::vm::SuspendReason;
    let mut value = vm.execute_entry_point_by_name(entry)?;
    while let Some(reason) = vm.suspend_reason() {
        let SuspendReason::HostAwait {
            argument,
            identifier,
            ..
        } = reason
        else {
            anyhow::bail!("the policy VM stopped unexpectedly: {reason:?}");
        };
        anyhow::ensure!(
            identifier
                .as_string()
                .is_ok_and(|name| name.as_ref() == GROUP),
            "the policy VM asked for an unknown function"
        );
        let pairs = argument
            .as_array()
            .ok()
            .and_then(|args| args.first().cloned());
        let grouped = group(pairs.as_ref())?;
        value = vm.resume(Some(grouped))?;
    }
    Ok(value)
}

pub(super) fn timer(limit: Duration) -> ExecutionTimerConfig {
    ExecutionTimerConfig {
        limit,
        check_interval: NonZeroU32::new(64).unwrap_or(NonZeroU32::MIN),
    }
}
