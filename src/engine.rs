//! The Rego engine: compiles the catalog once, evaluates objects, runs Rego
//! unit tests. The only user of the regorus crate.

use std::num::NonZeroU32;
use std::time::Duration;

use regorus::utils::limits::ExecutionTimerConfig;

use crate::document::{Node, PathSeg, Value as YamlValue};
use crate::policy::{Catalog, Module, PolicyError, Rule};

/// How long one rule may run on one object before it is stopped; a policy
/// that loops must not hang a commit hook.
const EVALUATION_LIMIT: Duration = Duration::from_secs(5);

/// A compiled set of policies. Cheap to clone: clone one per worker thread.
#[derive(Clone)]
pub struct Engine {
    inner: regorus::Engine,
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
        inner.set_execution_timer_config(ExecutionTimerConfig {
            limit: EVALUATION_LIMIT,
            check_interval: NonZeroU32::new(64).unwrap_or(NonZeroU32::MIN),
        });
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
        let mut engine = Engine { inner };
        engine.check_rules(catalog)?;
        Ok(engine)
    }

    /// Evaluates every rule once on an empty object, so that errors which
    /// regorus reports only at evaluation (unknown functions, bad references)
    /// stop the run now, pointing at the policy, instead of once per object.
    fn check_rules(&mut self, catalog: &Catalog) -> Result<(), PolicyError> {
        self.inner.set_input(regorus::Value::new_object());
        for rule in &catalog.rules {
            let Some(query) = &rule.query else { continue };
            if let Err(e) = self.inner.eval_rule(query.clone()) {
                let module = catalog
                    .modules
                    .iter()
                    .find(|m| format!("data.{}.violation", m.package) == *query);
                return Err(match module {
                    Some(m) => located_error(catalog, m, &e.to_string()),
                    None => PolicyError::Unreadable {
                        path: rule.id.clone(),
                        reason: e.to_string(),
                    },
                });
            }
        }
        Ok(())
    }

    /// Sets the object every following evaluation sees as `input`.
    pub fn set_input(&mut self, object: &Node) {
        self.inner.set_input(to_value(object));
    }

    /// Sets `input.objects` to every object of the run, for inventory rules.
    pub fn set_inventory<'a>(&mut self, objects: impl Iterator<Item = &'a Node>) {
        let list = regorus::Value::from(objects.map(to_value).collect::<Vec<_>>());
        let mut input = regorus::Value::new_object();
        if let Ok(map) = input.as_object_mut() {
            map.insert(key("objects"), list);
        }
        self.inner.set_input(input);
    }

    /// Evaluates one rule against the current input.
    pub fn evaluate(&mut self, rule: &Rule) -> Result<Vec<Violation>, EvalError> {
        let Some(query) = &rule.query else {
            return Ok(Vec::new());
        };
        let fail = |message: String| EvalError {
            rule: rule.id.clone(),
            message,
        };
        let value = self
            .inner
            .eval_rule(query.clone())
            .map_err(|e| fail(e.to_string()))?;
        let items: Vec<&regorus::Value> = match &value {
            regorus::Value::Undefined | regorus::Value::Null => Vec::new(),
            regorus::Value::Set(set) => set.iter().collect(),
            regorus::Value::Array(items) => items.iter().collect(),
            other => {
                return Err(fail(format!(
                    "`violation` must be a set of {{msg, path}} objects, not {}",
                    short(other)
                )))
            }
        };
        items
            .into_iter()
            .map(|v| parse_violation(v).map_err(fail))
            .collect()
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

/// seaworthy's own builtins: pure functions, no I/O.
///
/// `seaworthy.group(pairs)` turns an array of `[key, value]` pairs into an
/// object from each key to the array of its values, in order. Rego has no
/// hash grouping, and cross-object rules written as nested loops are
/// quadratic; grouping first keeps them linear.
fn add_builtins(engine: &mut regorus::Engine) -> anyhow::Result<()> {
    engine.add_extension(
        "seaworthy.group".to_string(),
        1,
        Box::new(
            |args: Vec<regorus::Value>| -> anyhow::Result<regorus::Value> {
                let pairs: Vec<&regorus::Value> = match args.first() {
                    Some(regorus::Value::Array(items)) => items.iter().collect(),
                    Some(regorus::Value::Set(items)) => items.iter().collect(),
                    _ => anyhow::bail!("seaworthy.group expects an array of [key, value] pairs"),
                };
                let mut groups: std::collections::BTreeMap<regorus::Value, Vec<regorus::Value>> =
                    std::collections::BTreeMap::new();
                for pair in pairs {
                    match pair.as_array().map(|a| a.iter().collect::<Vec<_>>()) {
                        Ok(kv) if kv.len() == 2 => {
                            groups.entry(kv[0].clone()).or_default().push(kv[1].clone())
                        }
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
            },
        ),
    )
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
        YamlValue::Map(entries) => {
            let mut obj = regorus::Value::new_object();
            if let Ok(map) = obj.as_object_mut() {
                for e in entries {
                    map.insert(regorus::Value::from(e.key.as_str()), to_value(&e.value));
                }
            }
            obj
        }
    }
}
