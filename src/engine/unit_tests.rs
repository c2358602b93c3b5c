//! `seaworthy policy test`: the `test_*` rules of Rego test modules.

use super::Engine;
use crate::policy::Module;

/// The outcome of one Rego unit test.
#[derive(Debug, Clone, PartialEq)]
pub struct TestOutcome {
    pub module: String,
    pub name: String,
    pub result: Result<bool, String>,
}

impl Engine {
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
