//! The starter `.seaworthy.yaml` that `seaworthy init` writes: every setting
//! at its default, and every parameter of the rules that take one, each
//! explained and commented out, so that the file changes nothing until a
//! setting is uncommented. The rules' parameters come from the catalog's
//! metadata: a rule that declares one appears here without more code.

use std::time::Duration;

use crate::document::{Node, Value};
use crate::policy::params::{to_yaml, ParamSpec, ParamType};
use crate::policy::{Catalog, Rule};

/// The width prose is wrapped at.
const WIDTH: usize = 88;

/// The file's text for the rules of `catalog`.
pub fn text(catalog: &Catalog) -> String {
    let mut out = Text::default();
    out.prose(
        0,
        &format!(
            "seaworthy's settings, written by `seaworthy init`. `seaworthy lint` reads the \
             nearest {} walking up from the current directory (or the file given with \
             --config); its flags override these settings.",
            crate::config::FILE_NAME
        ),
    );
    out.line("#", "");
    out.prose(
        0,
        "Every setting is at its default, commented out by a `#` at the start of its \
         line with no space after it but the setting's own indentation: remove that `#` \
         (and the one of the line it is nested in) to change it. A rule parameter \
         without a default holds an empty placeholder: set it when you uncomment it.",
    );

    out.section(
        "The rules to run: rule IDs, or `all`. Default: every stable rule (preview rules \
         need `preview` too). `seaworthy rules` lists them.",
        &["select: [all]"],
    );
    out.section("Rules not to run.", &["ignore: []"]);
    out.section("Run the rules in preview too.", &["preview: false"]);
    out.section(
        "The lowest severity of a finding that fails the run (exit code 1): error, \
         warning, note, or never.",
        &["fail-on: error"],
    );
    out.section(
        "Each rule's severity in place of its own: error, warning or note. For example: \
         `{mutable-image-tag: error}`.",
        &["severity: {}"],
    );
    out.section(
        "Folders of your own Rego policies, relative to this file.",
        &["policies: []"],
    );
    out.section(
        "How long one rule may run on one object before it is stopped: 500ms, 5s, 1m \
         (at most 1h).",
        &[&format!(
            "policy-timeout: {}",
            duration(crate::settings::DEFAULT_POLICY_TIMEOUT)
        )],
    );
    out.section(
        "Findings to suppress. Each entry needs a `reason`, may expire (`until: \
         YYYY-MM-DD`), and selects by rules, paths (globs), kinds, namespaces and names: \
         every criterion it gives must match. For example: `{rules: \
         [missing-memory-limit], kinds: [CronJob], reason: capped by the LimitRange}`.",
        &["exclude: []"],
    );

    out.blank();
    out.prose(
        0,
        "How `seaworthy lint --live --iac` compares the cluster with the manifests.",
    );
    out.setting(0, "drift:");
    out.prose(
        2,
        "The field managers that are the IaC's own hands: what they write is never drift.",
    );
    out.list(
        2,
        "iac-managers",
        &crate::drift::Config::default().iac_managers,
    );
    out.prose(
        2,
        "Fail the run when the manifests declare less than this percentage of the live \
         objects. Not set by default: no minimum.",
    );
    out.setting(2, "min-coverage: 0");
    out.prose(
        2,
        "What drift never reports. Each entry selects by kinds, namespaces, names (`*` \
         matches any run of characters) and paths (dotted field paths); every criterion \
         it gives must match. For example: `{kinds: [ConfigMap], namespaces: \
         [monitoring], names: [\"grafana-dashboard-*\"]}`.",
    );
    out.setting(2, "ignore: []");

    let mut rules: Vec<&Rule> = catalog
        .rules
        .iter()
        .filter(|r| !r.meta.params.is_empty())
        .collect();
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    if !rules.is_empty() {
        out.blank();
        out.prose(
            0,
            "The parameters of the rules that take them, by rule ID; they reach Rego as \
             `data.seaworthy.params.<rule_stem>`. `seaworthy explain RULE` tells more.",
        );
        out.setting(0, "params:");
        for rule in rules {
            out.setting(2, &format!("{}:", rule.id));
            for param in &rule.meta.params {
                out.prose(4, &param.description);
                let default = match &param.default {
                    Some(_) => "Default: as below.",
                    None => "Not set by default.",
                };
                out.prose(4, &format!("Type: {}. {default}", param.type_text()));
                let value = param.default.clone().unwrap_or_else(|| placeholder(param));
                out.setting(4, &format!("{}: {value}", param.name));
            }
        }
    }
    out.0
}

/// The empty value of a parameter's first type (or its first allowed
/// value): a placeholder that the declaration accepts.
fn placeholder(param: &ParamSpec) -> String {
    let value = match param.types.first() {
        Some(ParamType::String) => Value::String(param.values.first().cloned().unwrap_or_default()),
        Some(ParamType::Boolean) => Value::Bool(false),
        Some(ParamType::Integer | ParamType::Number) => Value::Int(0),
        Some(ParamType::Mapping) => Value::Map(Vec::new()),
        Some(ParamType::List) | None => Value::Seq(Vec::new()),
    };
    to_yaml(&Node {
        value,
        span: Default::default(),
    })
}

/// A duration the way the config reads it: `5s`, `1m`, `500ms`.
fn duration(d: Duration) -> String {
    let ms = d.as_millis();
    match ms {
        _ if ms.is_multiple_of(60_000) => format!("{}m", ms / 60_000),
        _ if ms.is_multiple_of(1_000) => format!("{}s", ms / 1_000),
        _ => format!("{ms}ms"),
    }
}

/// The file being written.
#[derive(Default)]
struct Text(String);

impl Text {
    fn blank(&mut self) {
        self.0.push('\n');
    }

    /// Explanations: `# text` at the top level; inside a commented-out
    /// mapping, a comment of that mapping (`#    # text`), which stays a
    /// comment once the setting is uncommented.
    fn prose(&mut self, indent: usize, text: &str) {
        let prefix = match indent {
            0 => "# ".to_string(),
            n => format!("#{}# ", " ".repeat(n)),
        };
        for (i, paragraph) in paragraphs(text).iter().enumerate() {
            if i > 0 {
                self.0.push_str(prefix.trim_end());
                self.0.push('\n');
            }
            match paragraph {
                Paragraph::Flowing(words) => {
                    let mut line = String::new();
                    for word in words {
                        if !line.is_empty() && prefix.len() + line.len() + 1 + word.len() > WIDTH {
                            self.line(&prefix, &line);
                            line.clear();
                        }
                        if !line.is_empty() {
                            line.push(' ');
                        }
                        line.push_str(word);
                    }
                    self.line(&prefix, &line);
                }
                Paragraph::Verbatim(lines) => {
                    for l in lines {
                        self.line(&prefix, l);
                    }
                }
            }
        }
    }

    fn line(&mut self, prefix: &str, text: &str) {
        self.0.push_str(prefix);
        self.0.push_str(text);
        self.0.push('\n');
    }

    /// A commented-out setting: `#` then the YAML line, indentation kept.
    fn setting(&mut self, indent: usize, yaml: &str) {
        self.0.push('#');
        self.0.push_str(&" ".repeat(indent));
        self.0.push_str(yaml);
        self.0.push('\n');
    }

    /// A top-level setting with the prose above it.
    fn section(&mut self, prose: &str, yaml: &[&str]) {
        self.blank();
        self.prose(0, prose);
        for line in yaml {
            self.setting(0, line);
        }
    }

    /// A list of strings, in flow style when it fits on a line.
    fn list(&mut self, indent: usize, key: &str, items: &[String]) {
        let items: Vec<String> = items
            .iter()
            .map(|i| {
                to_yaml(&Node {
                    value: Value::String(i.clone()),
                    span: Default::default(),
                })
            })
            .collect();
        let flow = format!("{key}: [{}]", items.join(", "));
        if 1 + indent + flow.len() <= WIDTH {
            return self.setting(indent, &flow);
        }
        self.setting(indent, &format!("{key}:"));
        for item in items {
            self.setting(indent + 2, &format!("- {item}"));
        }
    }
}

enum Paragraph<'a> {
    /// Words to wrap.
    Flowing(Vec<&'a str>),
    /// Lines kept as written: a code block, a list.
    Verbatim(Vec<&'a str>),
}

/// The paragraphs of a description (blank lines apart). One that holds a
/// code fence or list items keeps its lines; the others are rewrapped.
fn paragraphs(text: &str) -> Vec<Paragraph<'_>> {
    let mut out = Vec::new();
    let mut lines: Vec<&str> = Vec::new();
    for line in text.lines().chain([""]) {
        if !line.trim().is_empty() {
            lines.push(line.trim_end());
            continue;
        }
        if lines.is_empty() {
            continue;
        }
        let verbatim = lines.iter().any(|l| {
            let t = l.trim_start();
            t.starts_with("```") || t.starts_with("- ") || t.starts_with("* ")
        });
        let lines = std::mem::take(&mut lines);
        out.push(match verbatim {
            true => Paragraph::Verbatim(lines),
            false => Paragraph::Flowing(lines.iter().flat_map(|l| l.split_whitespace()).collect()),
        });
    }
    out
}

/// The text with every commented-out setting uncommented, as a person
/// would: the `#` removed from each line where no space follows it, or
/// where the indentation of a nested setting does.
pub fn uncommented(text: &str) -> String {
    text.lines()
        .map(|line| match line.strip_prefix('#') {
            Some(rest) if rest.starts_with("  ") || rest.starts_with(|c: char| c != ' ') => rest,
            _ => line,
        })
        .map(|line| format!("{line}\n"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_written() {
        assert_eq!(duration(Duration::from_secs(5)), "5s");
        assert_eq!(duration(Duration::from_secs(120)), "2m");
        assert_eq!(duration(Duration::from_millis(1500)), "1500ms");
    }

    #[test]
    fn prose_is_wrapped_and_nested_prose_stays_a_comment() {
        let mut t = Text::default();
        t.prose(4, &"word ".repeat(40));
        for line in t.0.lines() {
            assert!(line.starts_with("#    # word"), "{line}");
            assert!(line.len() <= WIDTH, "{line}");
        }
        assert!(t.0.lines().count() > 1);
        for line in uncommented(&t.0).lines() {
            assert!(line.starts_with("    # word"), "{line}");
        }
    }

    fn config(text: &str) -> crate::config::Config {
        crate::config::parse(crate::config::ConfigSource {
            path: "/repo/.seaworthy.yaml".into(),
            name: ".seaworthy.yaml".into(),
            text: text.into(),
        })
        .unwrap_or_else(|e| panic!("{e}"))
    }

    /// As written, the file is no setting at all; uncommented, it holds every
    /// setting and every rule parameter, and resolves to the defaults.
    #[test]
    fn every_setting_is_written_at_its_default() {
        use crate::settings::{Choices, Settings};
        let catalog = crate::rules::catalog(&[]).unwrap();
        let text = text(&catalog);
        let written = config(&text);
        assert!(written.select.is_none() && written.params.is_empty());

        let open = uncommented(&text);
        for key in crate::config::KEYS {
            assert!(
                open.lines().any(|l| l.starts_with(&format!("{key}:"))),
                "{key}"
            );
        }
        let open = config(&open);
        let with = Settings::resolve(&open, &Choices::default(), &[]).unwrap();
        let without =
            Settings::resolve(&crate::config::Config::default(), &Choices::default(), &[]).unwrap();
        let rules = |s: &Settings| -> Vec<(String, &'static str)> {
            s.rules
                .iter()
                .map(|r| (r.id.clone(), r.meta.severity.as_str()))
                .collect()
        };
        assert_eq!(rules(&with), rules(&without));
        assert_eq!(with.fail_on, without.fail_on);
        assert_eq!(with.policy_timeout, without.policy_timeout);
        assert!(with.excludes.is_empty());
        assert_eq!(
            open.drift.iac_managers,
            Some(crate::drift::Config::default().iac_managers)
        );
        assert_eq!(open.drift.min_coverage, Some(0.0));
        assert!(open.drift.ignore.is_empty());
        // Every declared parameter, under its rule.
        for rule in catalog.rules.iter().filter(|r| !r.meta.params.is_empty()) {
            let (_, params) = open
                .params
                .iter()
                .find(|(id, _)| id.value == rule.id)
                .unwrap_or_else(|| panic!("{} is missing", rule.id));
            for param in &rule.meta.params {
                assert!(
                    params.get(&param.name).is_some(),
                    "{}.{}",
                    rule.id,
                    param.name
                );
            }
        }
    }

    #[test]
    fn code_and_lists_keep_their_lines() {
        let mut t = Text::default();
        t.prose(2, "Labels:\n\n- owner\n- env\n\n```yaml\nkey: value\n```");
        assert_eq!(
            t.0,
            "#  # Labels:\n#  #\n#  # - owner\n#  # - env\n#  #\n#  # ```yaml\n#  # key: value\n#  # ```\n"
        );
    }

    #[test]
    fn placeholders_fit_their_declaration() {
        let spec = |yaml: &str| {
            ParamSpec::parse("p", &crate::document::parse_yaml(yaml).unwrap().unwrap()).unwrap()
        };
        for (yaml, expected) in [
            (
                "type: [list, string]\nitems: string\ndescription: d\n",
                "[]",
            ),
            (
                "type: string\nvalues: [strict, lax]\ndescription: d\n",
                "strict",
            ),
            ("type: string\ndescription: d\n", "\"\""),
            ("type: integer\ndescription: d\n", "0"),
            ("type: mapping\ndescription: d\n", "{}"),
            ("type: boolean\ndescription: d\n", "false"),
        ] {
            let s = spec(yaml);
            let text = placeholder(&s);
            assert_eq!(text, expected);
            let node = crate::document::parse_yaml(&text).unwrap().unwrap();
            assert!(s.check(&node).is_ok(), "{yaml}");
        }
    }
}
