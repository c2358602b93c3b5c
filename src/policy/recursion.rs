//! Refuses Rego functions that call themselves, directly or through other
//! functions. Rego forbids recursion; regorus's interpreter reports it
//! between rules but, on a function that calls itself, recurses until the
//! process's stack overflows. A call graph of the source text finds such
//! cycles before anything is evaluated.

use std::collections::{BTreeMap, BTreeSet};

use super::Module;

/// A function that can reach itself: the module it is in, the line of its
/// definition, and the cycle of calls.
#[derive(Debug, Clone, PartialEq)]
pub struct Cycle {
    pub module: usize,
    pub line: u32,
    pub chain: Vec<String>,
}

/// A function definition: its module, line and the functions it calls
/// (fully qualified: `package.name`).
struct Function {
    module: usize,
    line: u32,
    calls: BTreeSet<String>,
}

/// Finds a call cycle among the functions of `modules`, if there is one.
pub fn find_cycle(modules: &[Module]) -> Option<Cycle> {
    let mut functions: BTreeMap<String, Function> = BTreeMap::new();
    for (index, module) in modules.iter().enumerate() {
        collect(index, module, &mut functions);
    }
    // Keep only calls to functions that exist: builtins are not defined.
    let names: BTreeSet<String> = functions.keys().cloned().collect();
    for f in functions.values_mut() {
        f.calls.retain(|c| names.contains(c));
    }
    for start in functions.keys() {
        if let Some(chain) = path_back(&functions, start) {
            let f = &functions[start];
            return Some(Cycle {
                module: f.module,
                line: f.line,
                chain,
            });
        }
    }
    None
}

/// A path of calls from `start` back to itself (depth-first).
fn path_back(functions: &BTreeMap<String, Function>, start: &str) -> Option<Vec<String>> {
    let mut stack: Vec<(String, Vec<String>)> = vec![(start.to_string(), vec![start.to_string()])];
    let mut seen = BTreeSet::new();
    while let Some((name, path)) = stack.pop() {
        for next in &functions[&name].calls {
            if next == start {
                let mut chain = path.clone();
                chain.push(start.to_string());
                return Some(chain);
            }
            if seen.insert(next.clone()) {
                let mut p = path.clone();
                p.push(next.clone());
                stack.push((next.clone(), p));
            }
        }
    }
    None
}

fn collect(index: usize, module: &Module, functions: &mut BTreeMap<String, Function>) {
    let text = strip(&module.text);
    // Import aliases: `import data.a.b` is `b`, `import data.a.b as c` is `c`.
    let mut aliases: BTreeMap<String, String> = BTreeMap::new();
    for line in text.lines() {
        let Some(rest) = line.trim().strip_prefix("import data.") else {
            continue;
        };
        let mut parts = rest.split_whitespace();
        let path = parts.next().unwrap_or_default().to_string();
        let alias = match (parts.next(), parts.next()) {
            (Some("as"), Some(a)) => a.to_string(),
            _ => path.rsplit('.').next().unwrap_or_default().to_string(),
        };
        aliases.insert(alias, path);
    }
    let mut current: Option<String> = None;
    for (i, line) in text.lines().enumerate() {
        // A definition starts at column 0: `name(args) := ...` or `name(args) if {`.
        let head: String = line
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !head.is_empty() && !line.starts_with(char::is_whitespace) {
            current = None;
            if line[head.len()..].starts_with('(') && head != "import" && head != "package" {
                let name = format!("{}.{head}", module.package);
                functions.entry(name.clone()).or_insert(Function {
                    module: index,
                    line: i as u32 + 1,
                    calls: BTreeSet::new(),
                });
                current = Some(name);
            }
        }
        let Some(name) = &current else { continue };
        let body = if line.starts_with(char::is_whitespace) {
            line
        } else {
            // Skip the definition's own head: `f(x)` is not a call.
            line.find(')').map_or("", |p| &line[p + 1..])
        };
        let calls = calls_in(body, &module.package, &aliases);
        if let Some(f) = functions.get_mut(name) {
            f.calls.extend(calls);
        }
    }
}

/// The qualified names of the calls in one line of code.
fn calls_in(code: &str, package: &str, aliases: &BTreeMap<String, String>) -> Vec<String> {
    let mut out = Vec::new();
    let chars: Vec<char> = code.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_ascii_alphabetic() || chars[i] == '_' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_alphanumeric() || chars[i] == '_' || chars[i] == '.')
            {
                i += 1;
            }
            let preceded_by_dot = start > 0 && chars[start - 1] == '.';
            if i < chars.len() && chars[i] == '(' && !preceded_by_dot {
                let name: String = chars[start..i].iter().collect();
                out.push(match name.split_once('.') {
                    None => match aliases.get(&name) {
                        Some(path) => path.clone(),
                        None => format!("{package}.{name}"),
                    },
                    Some(("data", rest)) => rest.to_string(),
                    Some((alias, rest)) => match aliases.get(alias) {
                        Some(path) => format!("{path}.{rest}"),
                        None => name.clone(),
                    },
                });
            }
        } else {
            i += 1;
        }
    }
    out
}

/// The text without comments and string literals, same line structure.
fn strip(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let mut quote: Option<char> = None;
        let mut escaped = false;
        for c in line.chars() {
            match quote {
                Some(q) => {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' && q == '"' {
                        escaped = true;
                    } else if c == q {
                        quote = None;
                    }
                    out.push(' ');
                }
                None if c == '#' => break,
                None if c == '"' || c == '`' => {
                    quote = Some(c);
                    out.push(' ');
                }
                None => out.push(c),
            }
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn module(package: &str, text: &str) -> Module {
        Module {
            name: format!("{package}.rego"),
            text: Arc::from(text),
            package: package.to_string(),
            is_test: false,
        }
    }

    #[test]
    fn a_function_calling_itself_is_found() {
        let m = module("p", "package p\n\nf(x) := f(x)\n\nv if f(1)\n");
        let cycle = find_cycle(&[m]).expect("cycle");
        assert_eq!(cycle.line, 3);
        assert_eq!(cycle.chain, ["p.f", "p.f"]);
    }

    #[test]
    fn mutual_recursion_across_modules_through_an_import_is_found() {
        let a = module(
            "a",
            "package a\nimport data.b\n\nf(x) := y if {\n\ty := b.g(x)\n}\n",
        );
        let b = module("b", "package b\nimport data.a.f\n\ng(x) := f(x)\n");
        let cycle = find_cycle(&[a, b]).expect("cycle");
        assert_eq!(cycle.chain, ["a.f", "b.g", "a.f"]);
    }

    #[test]
    fn calls_in_strings_comments_and_builtins_are_not_cycles() {
        let m = module(
            "p",
            "package p\n\n# f(x) calls f(x)\nf(x) := sprintf(\"f(%v)\", [count(x)])\n\ng(x) := f(x)\n",
        );
        assert_eq!(find_cycle(&[m]), None);
    }

    #[test]
    fn the_built_in_policies_have_no_cycle() {
        let catalog = super::super::Catalog::load(&[], Vec::new()).expect("catalog");
        assert_eq!(find_cycle(&catalog.modules), None);
    }
}
