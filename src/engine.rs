//! The Rego engine: compiles the catalog once, evaluates objects, runs Rego
//! unit tests. The only user of the regorus crate.

use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use regorus::rvm::vm::ExecutionMode;
use regorus::utils::limits::ExecutionTimerConfig;

use crate::document::{Node, PathSeg, Value as YamlValue};
use crate::policy::{Catalog, Module, PolicyError, Rule};

/// How long one rule may run on one object before it is stopped, unless the
/// config's `policy-timeout` says otherwise; a policy that loops must not
/// hang a commit hook.
pub const EVALUATION_LIMIT: Duration = Duration::from_secs(5);

/// The limit in force, in milliseconds; 0 until set. Process-wide, as it is
/// read by every engine and every worker's VM.
static LIMIT_MILLIS: AtomicU64 = AtomicU64::new(0);

/// Sets the time limit of every evaluation from now on (`policy-timeout`).
pub fn set_evaluation_limit(limit: Duration) {
    let millis = u64::try_from(limit.as_millis()).unwrap_or(u64::MAX).max(1);
    LIMIT_MILLIS.store(millis, Ordering::Relaxed);
}

/// The time limit of one evaluation.
pub fn evaluation_limit() -> Duration {
    match LIMIT_MILLIS.load(Ordering::Relaxed) {
        0 => EVALUATION_LIMIT,
        millis => Duration::from_millis(millis),
    }
}

/// Whether a regorus error (interpreter or VM) is the time limit.
fn hit_time_limit(message: &str) -> bool {
    message.to_ascii_lowercase().contains("exceeded time limit")
}

/// A regorus error as the message of an evaluation error: the time limit in
/// words, anything else as regorus puts it.
fn evaluation_message(message: String) -> String {
    if !hit_time_limit(&message) {
        return message;
    }
    format!(
        "stopped at the time limit of {:?} per evaluation: the policy may loop, or is too slow for this object (raise `policy-timeout` in .seaworthy.yaml if it is only slow)",
        evaluation_limit()
    )
}

/// The most instructions the virtual machine runs for one object. The time
/// limit is what stops a looping policy; this only has to stay out of its way.
const INSTRUCTION_LIMIT: usize = 500_000_000;

/// The generated module that gathers the rules of a batch into one rule per
/// group of kinds.
const BATCH_MODULE: &str = "seaworthy-batch.rego";
const BATCH_PACKAGE: &str = "data.seaworthy.batch";

/// A compiled set of policies. Cheap to clone: clone one per worker thread.
#[derive(Clone)]
pub struct Engine {
    inner: regorus::Engine,
    /// The policy and library modules, to see which rules may reach
    /// `seaworthy.group`.
    modules: Arc<[Module]>,
}

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
    engine: Engine,
    queries: Vec<Option<String>>,
    /// Each rule's key in the generated rules' objects, made once rather
    /// than for every rule of every object.
    keys: Vec<regorus::Value>,
    groups: Vec<Group>,
    /// The group of each kind some rule names.
    by_kind: std::collections::HashMap<String, usize>,
    /// The group of the kinds no rule names (the rules without `kinds`).
    other_kinds: Option<usize>,
    /// The group of every rule, for inputs that are not one object.
    every_rule: Option<usize>,
    program: Option<Program>,
    /// How its VMs run: to completion, the faster way, unless a rule may
    /// call `seaworthy.group`, which needs a VM that suspends.
    mode: ExecutionMode,
}

/// Rules of a batch that run together, through one generated rule.
#[derive(Clone)]
struct Group {
    /// The generated rule's name and its full path.
    name: String,
    query: String,
    /// Indexes of the rules, in the batch's order.
    members: Vec<usize>,
}

/// A policy compiled for the VM, shared by the workers.
#[derive(Clone)]
struct Program {
    policy: regorus::CompiledPolicy,
    code: Arc<regorus::rvm::Program>,
    data: regorus::Value,
}

/// A [`Batch`] ready to run on one worker thread.
pub struct BatchRunner {
    batch: Batch,
    vm: Option<regorus::rvm::RegoVM>,
}

/// What a policy reported for one object.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    pub msg: String,
    pub path: Vec<PathSeg>,
    /// For inventory-scoped rules: the index of the object in `input.objects`.
    pub object: Option<usize>,
    /// Other places the finding involves (the other Ingress claiming a host).
    pub related: Vec<RelatedPlace>,
}

/// A place in another object that a violation refers to.
#[derive(Debug, Clone, PartialEq)]
pub struct RelatedPlace {
    pub object: usize,
    pub path: Vec<PathSeg>,
}

/// A rule that failed to evaluate. The run goes on, but its results are
/// incomplete and it exits 2.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalError {
    pub rule: String,
    pub message: String,
}

/// The outcome of one Rego unit test.
#[derive(Debug, Clone, PartialEq)]
pub struct TestOutcome {
    pub module: String,
    pub name: String,
    pub result: Result<bool, String>,
}

impl Engine {
    /// Compiles the catalog's modules (and its tests when `with_tests`), with
    /// `params` visible as `data.seaworthy.params`.
    pub fn new(catalog: &Catalog, params: &Node, with_tests: bool) -> Result<Engine, PolicyError> {
        let mut inner = regorus::Engine::new();
        inner.set_rego_v0(false);
        // One malformed quantity must not abort the evaluation of a whole object.
        inner.set_strict_builtin_errors(false);
        inner.set_execution_timer_config(timer());
        add_builtins(&mut inner).map_err(|e| PolicyError::Unreadable {
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
        let mut engine = Engine { inner, modules };
        engine.check_recursion(catalog)?;
        crate::timing::mark("engine: recursion");
        engine.check_rules(catalog)?;
        crate::timing::mark("engine: check rules");
        Ok(engine)
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
                let e = evaluation_message(e.to_string());
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

    /// Gathers `rules` into one [`Batch`]. `None` in the note means the fast
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

    /// Runs every `test_*` rule of the test modules.
    pub fn run_tests(&mut self, modules: &[Module]) -> Vec<TestOutcome> {
        let mut outcomes = Vec::new();
        for m in modules.iter().filter(|m| m.is_test) {
            for name in test_rule_names(&m.text) {
                self.inner.set_input(regorus::Value::Undefined);
                let result = match self.inner.eval_rule(format!("data.{}.{name}", m.package)) {
                    Ok(regorus::Value::Bool(true)) => Ok(true),
                    Ok(_) => Ok(false),
                    Err(e) => Err(e.to_string()),
                };
                outcomes.push(TestOutcome {
                    module: m.name.clone(),
                    name,
                    result,
                });
            }
        }
        outcomes
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
    fn group_for(&self, kind: Option<&str>) -> Option<usize> {
        match kind {
            None => self.every_rule,
            Some(kind) => self.by_kind.get(kind).copied().or(self.other_kinds),
        }
    }

    /// No violation for any rule: the answer when none of them runs.
    fn no_violations(&self) -> Vec<Result<Vec<Violation>, String>> {
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
            vm.set_execution_timer_config(Some(timer()));
            vm.set_execution_mode(self.mode);
            Some(vm)
        });
        BatchRunner {
            batch: self.clone(),
            vm,
        }
    }
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
                    .map_err(|e| evaluation_message(e.to_string()))
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
    fn evaluate_interpreted(
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

fn timer() -> ExecutionTimerConfig {
    ExecutionTimerConfig {
        limit: evaluation_limit(),
        check_interval: NonZeroU32::new(64).unwrap_or(NonZeroU32::MIN),
    }
}

/// The violations a rule's `violation` set holds.
fn violations(value: &regorus::Value) -> Result<Vec<Violation>, String> {
    let items: Vec<&regorus::Value> = match value {
        regorus::Value::Undefined | regorus::Value::Null => Vec::new(),
        regorus::Value::Set(set) => set.iter().collect(),
        regorus::Value::Array(items) => items.iter().collect(),
        other => {
            return Err(format!(
                "`violation` must be a set of {{msg, path}} objects, not {}",
                short(other)
            ))
        }
    };
    items.into_iter().map(parse_violation).collect()
}

/// seaworthy's own builtins: pure functions, no I/O.
///
/// `seaworthy.group(pairs)` turns an array of `[key, value]` pairs into an
/// object from each key to the array of its values, in order. Rego has no
/// hash grouping, and cross-object rules written as nested loops are
/// quadratic; grouping first keeps them linear.
fn add_builtins(engine: &mut regorus::Engine) -> anyhow::Result<()> {
    engine.add_extension(
        GROUP.to_string(),
        1,
        Box::new(|args: Vec<regorus::Value>| group(args.first())),
    )
}

const GROUP: &str = "seaworthy.group";

/// `seaworthy.group(pairs)`: see [`add_builtins`].
fn group(pairs: Option<&regorus::Value>) -> anyhow::Result<regorus::Value> {
    let pairs: Vec<&regorus::Value> = match pairs {
        Some(regorus::Value::Array(items)) => items.iter().collect(),
        Some(regorus::Value::Set(items)) => items.iter().collect(),
        _ => anyhow::bail!("seaworthy.group expects an array of [key, value] pairs"),
    };
    let mut groups: std::collections::BTreeMap<regorus::Value, Vec<regorus::Value>> =
        std::collections::BTreeMap::new();
    for pair in pairs {
        match pair.as_array().map(|a| a.iter().collect::<Vec<_>>()) {
            Ok(kv) if kv.len() == 2 => groups.entry(kv[0].clone()).or_default().push(kv[1].clone()),
            _ => anyhow::bail!("seaworthy.group expects [key, value] pairs"),
        }
    }
    let mut out = regorus::Value::new_object();
    if let Ok(map) = out.as_object_mut() {
        for (k, v) in groups {
            map.insert(k, regorus::Value::from(v));
        }
    }
    Ok(out)
}

/// The names of the `test_*` rules a test module defines, in order.
fn test_rule_names(text: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for line in text.lines() {
        let Some(rest) = line.strip_prefix("test_") else {
            continue;
        };
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        let full = format!("test_{name}");
        if !names.contains(&full) {
            names.push(full);
        }
    }
    names
}

fn short(v: &regorus::Value) -> String {
    let text = v.to_json_str().unwrap_or_else(|_| "a value".into());
    match text.char_indices().nth(80) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

fn key(name: &str) -> regorus::Value {
    regorus::Value::from(name)
}

fn parse_path(
    p: &regorus::Value,
    malformed: &dyn Fn(&str) -> String,
) -> Result<Vec<PathSeg>, String> {
    let items = p
        .as_array()
        .map_err(|_| malformed("needs `path` as an array of keys and indexes"))?;
    items
        .iter()
        .map(|seg| match seg {
            regorus::Value::String(s) => Ok(PathSeg::Key(s.to_string())),
            regorus::Value::Number(_) => seg
                .as_u64()
                .map(|i| PathSeg::Index(i as usize))
                .map_err(|_| malformed("has a path index that is not a whole number")),
            _ => Err(malformed(
                "has a path step that is neither a key nor an index",
            )),
        })
        .collect()
}

fn parse_index(v: &regorus::Value, malformed: &dyn Fn(&str) -> String) -> Result<usize, String> {
    v.as_u64()
        .map(|i| i as usize)
        .map_err(|_| malformed("needs `object` as the index of an object in input.objects"))
}

fn parse_violation(v: &regorus::Value) -> Result<Violation, String> {
    let malformed = |why: &str| format!("a violation {why}: {}", short(v));
    let obj = v
        .as_object()
        .map_err(|_| malformed("must be an object with `msg` and `path`"))?;
    let msg = obj
        .get(&key("msg"))
        .and_then(|m| m.as_string().ok())
        .ok_or_else(|| malformed("needs a string `msg`"))?
        .to_string();
    let path = match obj.get(&key("path")) {
        None => Vec::new(),
        Some(p) => parse_path(p, &malformed)?,
    };
    let object = obj
        .get(&key("object"))
        .map(|o| parse_index(o, &malformed))
        .transpose()?;
    let mut related = Vec::new();
    if let Some(list) = obj.get(&key("related")) {
        let items: Vec<&regorus::Value> = match list {
            regorus::Value::Array(items) => items.iter().collect(),
            regorus::Value::Set(items) => items.iter().collect(),
            _ => return Err(malformed("needs `related` as a list of {object, path}")),
        };
        for item in items {
            let place = item
                .as_object()
                .map_err(|_| malformed("needs `related` as a list of {object, path}"))?;
            let object = place
                .get(&key("object"))
                .ok_or_else(|| malformed("has a related place without `object`"))
                .and_then(|o| parse_index(o, &malformed))?;
            let path = match place.get(&key("path")) {
                None => Vec::new(),
                Some(p) => parse_path(p, &malformed)?,
            };
            related.push(RelatedPlace { object, path });
        }
    }
    Ok(Violation {
        msg,
        path,
        object,
        related,
    })
}

/// Turns a regorus error into a diagnostic at the policy line it names.
fn located_error(catalog: &Catalog, fallback: &Module, message: &str) -> PolicyError {
    // regorus formats errors as "\n--> file:line:col\n...\nerror: message".
    let location = message.lines().find_map(|l| l.trim().strip_prefix("--> "));
    let summary = message
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(message)
        .trim()
        .trim_start_matches("error: ")
        .to_string();
    if let Some(loc) = location {
        let mut parts = loc.rsplitn(3, ':');
        let col = parts.next().and_then(|c| c.parse::<u32>().ok());
        let line = parts.next().and_then(|l| l.parse::<u32>().ok());
        let file = parts.next().unwrap_or_default();
        if let (Some(line), Some(col)) = (line, col) {
            let module = catalog
                .modules
                .iter()
                .find(|m| m.name == file)
                .unwrap_or(fallback);
            return PolicyError::at(module, line, col, summary);
        }
    }
    PolicyError::at(fallback, 1, 1, summary)
}

/// A mapping key as a Rego string, shared with every earlier use of the
/// same key on this thread: manifests repeat a few hundred keys
/// (`metadata`, `name`, `image`…) over and over.
fn key_value(key: &str) -> regorus::Value {
    use std::cell::RefCell;
    use std::collections::HashMap;
    /// Enough for the keys of the Kubernetes API; unusual keys (data keys of
    /// ConfigMaps) are not worth keeping.
    const MOST_KEYS: usize = 4096;
    thread_local! {
        static KEYS: RefCell<HashMap<Box<str>, regorus::Value>> = RefCell::new(HashMap::new());
    }
    KEYS.with(|keys| {
        let mut keys = keys.borrow_mut();
        if let Some(value) = keys.get(key) {
            return value.clone();
        }
        let value = regorus::Value::from(key);
        if keys.len() < MOST_KEYS && key.len() <= 64 {
            keys.insert(key.into(), value.clone());
        }
        value
    })
}

/// Converts a document tree into a Rego value.
pub fn to_value(node: &Node) -> regorus::Value {
    match &node.value {
        YamlValue::Null => regorus::Value::Null,
        YamlValue::Bool(b) => regorus::Value::from(*b),
        YamlValue::Int(i) => regorus::Value::from(*i),
        YamlValue::Float(f) if f.is_finite() => regorus::Value::from(*f),
        YamlValue::Float(_) => regorus::Value::Null,
        YamlValue::String(s) => regorus::Value::from(s.as_str()),
        YamlValue::Seq(items) => {
            regorus::Value::from(items.iter().map(to_value).collect::<Vec<_>>())
        }
        // Built whole and then frozen by regorus into a sorted slice: a
        // third of the memory of an object filled key by key, which stays a
        // B-tree. A key written twice keeps its last value, as in YAML.
        YamlValue::Map(entries) => regorus::Value::from(
            entries
                .iter()
                .map(|e| (key_value(&e.key), to_value(&e.value)))
                .collect::<std::collections::BTreeMap<_, _>>(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document;
    use crate::policy::Scope;
    use crate::source;

    /// Every document of every policy fixture and bundled example.
    fn fixture_objects() -> Vec<Node> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let found = source::discover(&[root.join("fixtures"), root.join("examples")]);
        let mut objects = Vec::new();
        for (i, path) in found.files.iter().enumerate() {
            if let Ok(file) = source::read_file(path) {
                objects.extend(
                    document::load(i, &file)
                        .documents
                        .into_iter()
                        .map(|d| d.root),
                );
            }
        }
        objects
    }

    fn batch_for(scope: Scope) -> (Batch, usize) {
        let catalog = Catalog::load(&[]).expect("built-in policies compile");
        let params = Node {
            value: YamlValue::Map(Vec::new()),
            span: Default::default(),
        };
        let engine = Engine::new(&catalog, &params, false).expect("engine");
        let rules: Vec<&Rule> = catalog
            .rules
            .iter()
            .filter(|r| r.query.is_some() && r.meta.scope == scope)
            .collect();
        let (batch, note) = engine.batch(&rules).expect("batch");
        assert_eq!(note, None, "the built-in policies must compile for the VM");
        assert!(batch.compiled());
        (batch, rules.len())
    }

    /// The VM is what lint runs; the interpreter is what `policy test` runs.
    /// They must agree on every object the fixtures hold.
    #[test]
    fn vm_and_interpreter_agree_on_every_fixture_object() {
        let objects = fixture_objects();
        assert!(
            objects.len() > 100,
            "only {} fixture objects",
            objects.len()
        );
        let (batch, rules) = batch_for(Scope::Object);
        let mut runner = batch.runner();
        let mut violations = 0;
        for object in &objects {
            let value = to_value(object);
            let kind = object.get("kind").and_then(|k| match &k.value {
                YamlValue::String(s) => Some(s.as_str()),
                _ => None,
            });
            let kind = Some(kind.unwrap_or(""));
            let fast = runner.evaluate(value.clone(), kind);
            let reference = runner.evaluate_interpreted(value, kind);
            assert_eq!(fast.len(), rules);
            assert_eq!(fast, reference, "on {object:?}");
            violations += fast.iter().flatten().map(Vec::len).sum::<usize>();
        }
        assert!(
            violations > 100,
            "only {violations} violations: the batch is not running"
        );
    }

    #[test]
    fn only_rules_that_may_group_run_on_a_suspendable_vm() {
        assert_eq!(
            batch_for(Scope::Object).0.mode,
            ExecutionMode::RunToCompletion
        );
        assert_eq!(
            batch_for(Scope::Inventory).0.mode,
            ExecutionMode::Suspendable
        );

        // An object rule that groups, through a module of its own.
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(
            dir.path().join("helper.rego"),
            "package custom.helper\n\nimport rego.v1\n\nby_name(pairs) := seaworthy.group(pairs)\n",
        )
        .expect("write");
        std::fs::write(
            dir.path().join("grouped.rego"),
            "# METADATA\n# title: T\n# custom:\n#   severity: error\npackage seaworthy.policy.grouped\n\nimport rego.v1\n\nviolation contains {\"msg\": sprintf(\"%v\", [data.custom.helper.by_name([[input.kind, 1]])]), \"path\": []} if input.kind\n",
        )
        .expect("write");
        let catalog = Catalog::load(&[dir.path().to_path_buf()]).expect("policies load");
        let params = Node {
            value: YamlValue::Map(Vec::new()),
            span: Default::default(),
        };
        let engine = Engine::new(&catalog, &params, false).expect("engine");
        let rules: Vec<&Rule> = catalog.rules.iter().filter(|r| r.id == "grouped").collect();
        let (batch, _) = engine.batch(&rules).expect("batch");
        assert_eq!(batch.mode, ExecutionMode::Suspendable);
        let mut input = regorus::Value::new_object();
        input
            .as_object_mut()
            .expect("object")
            .insert("kind".into(), "Pod".into());
        let found = batch.runner().evaluate(input, Some("Pod"));
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0]
                .as_ref()
                .map(|v| v.iter().map(|v| v.msg.clone()).collect::<Vec<_>>()),
            Ok(vec![r#"{"Pod": [1]}"#.to_string()])
        );
    }

    #[test]
    fn vm_and_interpreter_agree_on_the_inventory_rules() {
        let objects = fixture_objects();
        let (batch, _) = batch_for(Scope::Inventory);
        let mut runner = batch.runner();
        let input = crate::lint::inventory(objects.iter().map(to_value).collect());
        let fast = runner.evaluate(input.clone(), None);
        let reference = runner.evaluate_interpreted(input, None);
        assert_eq!(fast, reference);
        let found: usize = fast.iter().flatten().map(Vec::len).sum();
        assert!(found > 5, "only {found} inventory violations");
    }
}
