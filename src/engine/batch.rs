//! Batches: the rules of one scope gathered into one generated rule per
//! group of kinds, compiled together for regorus's VM.

use std::sync::Arc;

use regorus::rvm::vm::ExecutionMode;

use super::builtins::GROUP;
use super::runner::{timer, BatchRunner, INSTRUCTION_LIMIT};
use super::violation::Violation;
use super::Engine;
use crate::policy::{Module, PolicyError, Rule};

/// The generated module that gathers the rules of a batch into one rule per
/// group of kinds.
const BATCH_MODULE: &str = "seaworthy-batch.rego";
const BATCH_PACKAGE: &str = "data.seaworthy.batch";

/// Evaluates all the rules of one scope on one input at a time.
///
/// The rules that apply to a kind are gathered into one generated rule, so
/// the helpers they share (every container, the pod spec…) are computed once
/// per object and a ConfigMap does not pay for the container rules. Every
/// generated rule is an entry point of one program for regorus's bytecode VM,
/// several times faster than its tree-walking interpreter. The interpreter
/// stays as the fallback: for policies the compiler does not support, and to
/// name the rule behind an evaluation error.
#[derive(Clone)]
pub struct Batch {
    pub(super) engine: Engine,
    pub(super) queries: Vec<Option<String>>,
    /// Each rule's key in the generated rules' objects, made once rather
    /// than for every rule of every object.
    pub(super) keys: Vec<regorus::Value>,
    pub(super) groups: Vec<Group>,
    /// The group of each kind some rule names.
    pub(super) by_kind: std::collections::HashMap<String, usize>,
    /// The group of the kinds no rule names (the rules without `kinds`).
    pub(super) other_kinds: Option<usize>,
    /// The group of every rule, for inputs that are not one object.
    pub(super) every_rule: Option<usize>,
    pub(super) program: Option<Program>,
    /// How its VMs run: to completion, the faster way, unless a rule may
    /// call `seaworthy.group`, which needs a VM that suspends.
    pub(super) mode: ExecutionMode,
}

/// Rules of a batch that run together, through one generated rule.
#[derive(Clone)]
pub(super) struct Group {
    /// The generated rule's name and its full path.
    pub(super) name: String,
    pub(super) query: String,
    /// Indexes of the rules, in the batch's order.
    pub(super) members: Vec<usize>,
}

/// A policy compiled for the VM, shared by the workers.
#[derive(Clone)]
pub(super) struct Program {
    pub(super) policy: regorus::CompiledPolicy,
    pub(super) code: Arc<regorus::rvm::Program>,
    pub(super) data: regorus::Value,
}

impl Engine {
    /// path is on; otherwise it says why not.
    pub fn batch(&self, rules: &[&Rule]) -> Result<(Batch, Option<String>), PolicyError> {
        let (mut batches, note) = self.batches(&[rules])?;
        let batch = batches.pop().ok_or_else(|| PolicyError::Unreadable {
            path: BATCH_MODULE.into(),
            reason: "no batch was made".into(),
        })?;
        Ok((batch, note))
    }

    /// One [`Batch`] for each set of rules (object rules, inventory rules),
    /// compiled together: analysing the policies is the larger part of
    /// compiling them, and is done once.
    pub fn batches(&self, sets: &[&[&Rule]]) -> Result<(Vec<Batch>, Option<String>), PolicyError> {
        let plans: Vec<GroupPlan> = sets
            .iter()
            .enumerate()
            .map(|(s, rules)| GroupPlan::new(s, rules))
            .collect();
        let mut text = String::from("package seaworthy.batch\n");
        for (plan, rules) in plans.iter().zip(sets) {
            for group in &plan.groups {
                text.push_str(&format!("\n{} := {{\n", group.name));
                for &i in &group.members {
                    if let Some(query) = &rules[i].query {
                        text.push_str(&format!("  \"{i}\": {query},\n"));
                    }
                }
                text.push_str("}\n");
            }
        }
        let mut engine = self.clone();
        engine
            .inner
            .add_policy(BATCH_MODULE.into(), text)
            .map_err(|e| PolicyError::Unreadable {
                path: BATCH_MODULE.into(),
                reason: e.to_string(),
            })?;
        let entries: Vec<&str> = plans
            .iter()
            .flat_map(|p| p.groups.iter().map(|g| g.query.as_str()))
            .collect();
        let (program, note) = if entries.is_empty() {
            (None, None)
        } else {
            match engine.compile_program(&entries) {
                Ok(p) => (Some(p), None),
                Err(e) => (
                    None,
                    Some(format!(
                        "policies evaluated by the interpreter, which is slower: {}",
                        e.lines().next().unwrap_or_default()
                    )),
                ),
            }
        };
        let batches = plans
            .into_iter()
            .zip(sets)
            .map(|(plan, rules)| Batch {
                engine: engine.clone(),
                queries: rules.iter().map(|r| r.query.clone()).collect(),
                keys: (0..rules.len())
                    .map(|i| regorus::Value::from(i.to_string().as_str()))
                    .collect(),
                groups: plan.groups,
                by_kind: plan.by_kind,
                other_kinds: plan.other_kinds,
                every_rule: plan.every_rule,
                program: program.clone(),
                mode: if engine.may_call_group(rules) {
                    ExecutionMode::Suspendable
                } else {
                    ExecutionMode::RunToCompletion
                },
            })
            .collect();
        Ok((batches, note))
    }

    /// Whether a rule may reach `seaworthy.group`, which only a suspendable
    /// VM can answer: the rules' modules and every module they name, and the
    /// modules those name, in turn. Errs towards yes: a dynamic `data[…]`
    /// reference could reach any module.
    fn may_call_group(&self, rules: &[&Rule]) -> bool {
        let mut reached: Vec<&Module> = self
            .modules
            .iter()
            .filter(|m| {
                rules
                    .iter()
                    .any(|r| r.query.as_deref() == Some(&format!("data.{}.violation", m.package)))
            })
            .collect();
        let mut next = 0;
        while let Some(module) = reached.get(next) {
            next += 1;
            if module.text.contains(GROUP) || module.text.contains("data[") {
                return true;
            }
            let named: Vec<&Module> = self
                .modules
                .iter()
                .filter(|m| module.text.contains(&format!("data.{}", m.package)))
                .filter(|m| !reached.iter().any(|r| r.name == m.name))
                .collect();
            reached.extend(named);
        }
        false
    }

    fn compile_program(&mut self, entries: &[&str]) -> Result<Program, String> {
        // The compiled policy holds every module; its entry point is only
        // the interpreter's default.
        let first: regorus::Rc<str> = (*entries.first().ok_or("no rules to compile")?).into();
        let policy = self
            .inner
            .compile_with_entrypoint(&first)
            .map_err(|e| e.to_string())?;
        let code =
            regorus::languages::rego::compiler::Compiler::compile_from_policy_with_host_await(
                &policy,
                entries,
                &[(GROUP, 1)],
            )
            .map_err(|e| e.to_string())?;
        Ok(Program {
            policy,
            code,
            data: self.inner.get_data(),
        })
    }
}

/// How the rules of a batch are grouped: one group per distinct set of
/// rules that apply to a kind, so each object runs only its kind's rules.
struct GroupPlan {
    /// Which set of the batches this is: groups are named after it.
    set: usize,
    groups: Vec<Group>,
    by_kind: std::collections::HashMap<String, usize>,
    other_kinds: Option<usize>,
    every_rule: Option<usize>,
}

impl GroupPlan {
    fn new(set: usize, rules: &[&Rule]) -> GroupPlan {
        let mut plan = GroupPlan {
            set,
            groups: Vec::new(),
            by_kind: Default::default(),
            other_kinds: None,
            every_rule: None,
        };
        let runnable = |i: &usize| rules[*i].query.is_some();
        let all: Vec<usize> = (0..rules.len()).filter(runnable).collect();
        plan.every_rule = plan.group_of(all);
        let mut named: Vec<&str> = rules
            .iter()
            .flat_map(|r| r.meta.kinds.iter().flatten())
            .map(String::as_str)
            .filter(|k| *k != "*")
            .collect();
        named.sort_unstable();
        named.dedup();
        for kind in named {
            let members = (0..rules.len())
                .filter(runnable)
                .filter(|&i| rules[i].applies_to(kind))
                .collect();
            if let Some(g) = plan.group_of(members) {
                plan.by_kind.insert(kind.to_string(), g);
            }
        }
        // A kind no rule names gets the rules without a kind list.
        let other = (0..rules.len())
            .filter(runnable)
            .filter(|&i| {
                rules[i]
                    .meta
                    .kinds
                    .as_ref()
                    .is_none_or(|k| k.iter().any(|k| k == "*"))
            })
            .collect();
        plan.other_kinds = plan.group_of(other);
        plan
    }

    /// The group of exactly these rules, made if new; `None` when empty.
    fn group_of(&mut self, members: Vec<usize>) -> Option<usize> {
        if members.is_empty() {
            return None;
        }
        if let Some(g) = self.groups.iter().position(|g| g.members == members) {
            return Some(g);
        }
        let g = self.groups.len();
        let name = format!("s{}g{g}", self.set);
        self.groups.push(Group {
            query: format!("{BATCH_PACKAGE}.{name}"),
            name,
            members,
        });
        Some(g)
    }
}

impl Batch {
    /// The group of rules to run on an object of `kind`, or on an input
    /// that is not one object (`None`); `None` when no rule applies.
    pub(super) fn group_for(&self, kind: Option<&str>) -> Option<usize> {
        match kind {
            None => self.every_rule,
            Some(kind) => self.by_kind.get(kind).copied().or(self.other_kinds),
        }
    }

    /// No violation for any rule: the answer when none of them runs.
    pub(super) fn no_violations(&self) -> Vec<Result<Vec<Violation>, String>> {
        self.queries.iter().map(|_| Ok(Vec::new())).collect()
    }

    /// Whether objects run on the VM rather than the interpreter.
    pub fn compiled(&self) -> bool {
        self.program.is_some()
    }

    /// A runner for one worker thread.
    pub fn runner(&self) -> BatchRunner {
        let vm = self.program.as_ref().and_then(|p| {
            let mut vm = regorus::rvm::RegoVM::new_with_policy(p.policy.clone());
            vm.load_program(p.code.clone());
            vm.set_data(p.data.clone()).ok()?;
            vm.set_max_instructions(INSTRUCTION_LIMIT);
            vm.set_execution_timer_config(Some(timer(self.engine.limit)));
            vm.set_execution_mode(self.mode);
            Some(vm)
        });
        BatchRunner {
            batch: self.clone(),
            vm,
        }
    }
}
