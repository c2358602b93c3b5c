//! The `.seaworthy.yaml` config file: found walking up from the current
//! directory (or given with `--config`), read with positions so that every
//! mistake is reported at its line and column.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::{Glob, GlobMatcher};
use miette::{NamedSource, SourceSpan};

use crate::document::{parse_yaml, Node, Span, Value};
use crate::finding::{FailOn, Finding, Severity};

pub const FILE_NAME: &str = ".seaworthy.yaml";

/// A value from the config file with the span it was written at.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

/// The config file as written, validated for shape. Rule IDs are checked
/// against the catalog later, once custom policies are loaded.
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// The file and its text, for diagnostics; `None` when there is no file.
    pub source: Option<ConfigSource>,
    pub select: Option<Vec<Spanned<String>>>,
    pub ignore: Vec<Spanned<String>>,
    pub preview: Option<bool>,
    pub fail_on: Option<FailOn>,
    pub severity: Vec<(Spanned<String>, Severity)>,
    pub params: Vec<(Spanned<String>, Node)>,
    /// Custom policy folders, resolved against the config file's folder.
    pub policies: Vec<PathBuf>,
    /// Findings to suppress, with the reason and an optional expiry.
    pub exclude: Vec<Exclude>,
    /// How long one rule may run on one object (`policy-timeout`).
    pub policy_timeout: Option<std::time::Duration>,
    /// `drift:` — how `lint --live --iac` compares the cluster with the IaC.
    pub drift: DriftSettings,
}

/// The `drift:` section.
#[derive(Debug, Clone, Default)]
pub struct DriftSettings {
    /// Field managers that are the IaC's own hands (`iac-managers`); `None`
    /// keeps the default list.
    pub iac_managers: Option<Vec<String>>,
    /// What drift never reports (`ignore`): every criterion given must match.
    pub ignore: Vec<DriftIgnore>,
    /// The share of live objects the IaC must declare (`min-coverage`, a
    /// percentage); below it the run fails.
    pub min_coverage: Option<f64>,
}

/// One `drift.ignore` entry.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DriftIgnore {
    pub kinds: Vec<String>,
    pub namespaces: Vec<String>,
    /// Object names; `*` matches any run of characters.
    pub names: Vec<String>,
    /// Dotted field paths (`spec.replicas`, `metadata.annotations`): the
    /// field and everything under it.
    pub paths: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct ConfigSource {
    pub path: PathBuf,
    pub name: String,
    pub text: Arc<str>,
}

/// A mistake at a place in the config file.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{message}")]
#[diagnostic(code(seaworthy::config))]
pub struct Located {
    pub message: String,
    #[source_code]
    pub src: NamedSource<Arc<str>>,
    #[label("{label}")]
    pub span: SourceSpan,
    pub label: String,
    #[help]
    pub help: Option<String>,
}

/// A config file that cannot be used; the run stops with exit code 2.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum ConfigError {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Invalid(Box<Located>),
    #[error("{path}: {reason}")]
    #[diagnostic(code(seaworthy::config))]
    Unreadable { path: String, reason: String },
}

impl ConfigSource {
    /// An error pointing at `span` of this config file.
    pub fn error(
        &self,
        span: Span,
        message: impl Into<String>,
        help: Option<String>,
    ) -> ConfigError {
        let message = message.into();
        ConfigError::Invalid(Box::new(Located {
            message: format!(
                "{}:{}:{}: {message}",
                self.name, span.start.line, span.start.column
            ),
            src: NamedSource::new(self.name.clone(), self.text.clone()),
            span: SourceSpan::from((span.start.offset, span.byte_len())),
            label: message,
            help,
        }))
    }
}

/// The nearest `.seaworthy.yaml` in `start` or one of its parents.
pub fn discover(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .map(|dir| dir.join(FILE_NAME))
        .find(|candidate| candidate.is_file())
}

/// The top-level settings.
pub const KEYS: [&str; 10] = [
    "drift",
    "select",
    "ignore",
    "preview",
    "fail-on",
    "severity",
    "params",
    "policies",
    "exclude",
    "policy-timeout",
];

/// Reads and validates a config file.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|e| ConfigError::Unreadable {
        path: path.display().to_string(),
        reason: e.to_string(),
    })?;
    let source = ConfigSource {
        path: path.to_path_buf(),
        name: crate::source::display_name(path),
        text: Arc::from(text.strip_prefix('\u{feff}').unwrap_or(&text)),
    };
    parse(source)
}

/// Validates config text already read.
pub fn parse(source: ConfigSource) -> Result<Config, ConfigError> {
    let root = match parse_yaml(&source.text) {
        Ok(Some(root)) => root,
        Ok(None) => {
            return Ok(Config {
                source: Some(source),
                ..Config::default()
            })
        }
        Err(e) => {
            return Err(source.error(Span::new(e.pos, e.pos), e.message, None));
        }
    };
    let Some(entries) = root.as_map() else {
        return Err(source.error(root.span, "the config must be a mapping of settings", None));
    };
    let base = source
        .path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let mut config = Config::default();
    for entry in entries {
        let value = &entry.value;
        match entry.key.as_str() {
            "select" => config.select = Some(string_list(&source, value, "select")?),
            "ignore" => config.ignore = string_list(&source, value, "ignore")?,
            "preview" => match value.value {
                Value::Bool(b) => config.preview = Some(b),
                _ => return Err(expected(&source, value, "`preview` must be true or false")),
            },
            "fail-on" => {
                let text = value.as_str().unwrap_or_default();
                config.fail_on = Some(FailOn::parse(text).ok_or_else(|| {
                    expected(
                        &source,
                        value,
                        "`fail-on` must be one of error, warning, note, never",
                    )
                })?);
            }
            "severity" => {
                let Some(rules) = value.as_map() else {
                    return Err(expected(
                        &source,
                        value,
                        "`severity` maps rule IDs to error, warning or note",
                    ));
                };
                for rule in rules {
                    let level = rule
                        .value
                        .as_str()
                        .and_then(Severity::parse)
                        .ok_or_else(|| {
                            expected(
                                &source,
                                &rule.value,
                                "a severity is one of error, warning, note",
                            )
                        })?;
                    config.severity.push((
                        Spanned {
                            value: rule.key.clone(),
                            span: rule.key_span,
                        },
                        level,
                    ));
                }
            }
            "params" => {
                let Some(rules) = value.as_map() else {
                    return Err(expected(
                        &source,
                        value,
                        "`params` maps rule IDs to their parameters",
                    ));
                };
                for rule in rules {
                    config.params.push((
                        Spanned {
                            value: rule.key.clone(),
                            span: rule.key_span,
                        },
                        rule.value.clone(),
                    ));
                }
            }
            "exclude" => config.exclude = parse_excludes(&source, value)?,
            "drift" => config.drift = parse_drift(&source, value)?,
            "policy-timeout" => {
                config.policy_timeout = Some(duration(value).ok_or_else(|| {
                    expected(
                        &source,
                        value,
                        "`policy-timeout` must be a duration such as 500ms, 5s or 1m, above zero and at most 1h",
                    )
                })?);
            }
            "policies" => {
                for dir in string_list(&source, value, "policies")? {
                    config.policies.push(base.join(dir.value));
                }
            }
            other => {
                let help = suggest(other, KEYS.iter().copied())
                    .map(|s| format!("did you mean `{s}`?"))
                    .or_else(|| Some(format!("known settings: {}", KEYS.join(", "))));
                return Err(source.error(
                    entry.key_span,
                    format!("unknown setting `{other}`"),
                    help,
                ));
            }
        }
    }
    config.source = Some(source);
    Ok(config)
}

/// A duration written `500ms`, `5s`, `1m` or as a number of seconds,
/// within (0, 1h].
fn duration(node: &Node) -> Option<std::time::Duration> {
    let seconds = match &node.value {
        Value::Int(i) => *i as f64,
        Value::Float(f) => *f,
        Value::String(text) => {
            let text = text.trim();
            let (number, unit) = text
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .map_or((text, ""), |i| text.split_at(i));
            let number: f64 = number.parse().ok()?;
            number
                * match unit.trim() {
                    "ms" => 0.001,
                    "" | "s" => 1.0,
                    "m" => 60.0,
                    _ => return None,
                }
        }
        _ => return None,
    };
    (seconds > 0.0 && seconds <= 3600.0).then(|| std::time::Duration::from_secs_f64(seconds))
}

fn expected(source: &ConfigSource, node: &Node, message: &str) -> ConfigError {
    source.error(node.span, message.to_string(), None)
}

/// A list of strings; a single string or a comma-separated one is accepted
/// too, as on the command line.
fn string_list(
    source: &ConfigSource,
    node: &Node,
    key: &str,
) -> Result<Vec<Spanned<String>>, ConfigError> {
    let items: Vec<&Node> = match &node.value {
        Value::Seq(items) => items.iter().collect(),
        Value::String(_) => vec![node],
        _ => {
            return Err(expected(
                source,
                node,
                &format!("`{key}` must be a list of strings"),
            ))
        }
    };
    let mut out = Vec::new();
    for item in items {
        let Some(text) = item.as_str() else {
            return Err(expected(
                source,
                item,
                &format!("`{key}` must list strings"),
            ));
        };
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            out.push(Spanned {
                value: part.to_string(),
                span: item.span,
            });
        }
    }
    Ok(out)
}

/// Reads the `drift:` section.
fn parse_drift(source: &ConfigSource, node: &Node) -> Result<DriftSettings, ConfigError> {
    const DRIFT_KEYS: [&str; 3] = ["iac-managers", "ignore", "min-coverage"];
    const IGNORE_KEYS: [&str; 4] = ["kinds", "namespaces", "names", "paths"];
    let Some(entries) = node.as_map() else {
        return Err(expected(
            source,
            node,
            "`drift` is a mapping: iac-managers, ignore, min-coverage",
        ));
    };
    let mut drift = DriftSettings::default();
    let unknown = |key: &str, span: Span, known: &[&str]| {
        let help = suggest(key, known.iter().copied())
            .map(|s| format!("did you mean `{s}`?"))
            .or_else(|| Some(format!("known settings: {}", known.join(", "))));
        source.error(span, format!("unknown setting `{key}`"), help)
    };
    let values = |list: Vec<Spanned<String>>| list.into_iter().map(|s| s.value).collect();
    for entry in entries {
        let value = &entry.value;
        match entry.key.as_str() {
            "iac-managers" => {
                drift.iac_managers = Some(values(string_list(source, value, "iac-managers")?))
            }
            "min-coverage" => {
                let percent = match value.value {
                    Value::Int(i) => i as f64,
                    Value::Float(f) => f,
                    _ => f64::NAN,
                };
                if !(0.0..=100.0).contains(&percent) {
                    return Err(expected(
                        source,
                        value,
                        "`min-coverage` is a percentage from 0 to 100",
                    ));
                }
                drift.min_coverage = Some(percent);
            }
            "ignore" => {
                let Some(items) = value.as_seq() else {
                    return Err(expected(
                        source,
                        value,
                        "`drift.ignore` is a list of entries",
                    ));
                };
                for item in items {
                    let Some(fields) = item.as_map() else {
                        return Err(expected(
                            source,
                            item,
                            "a `drift.ignore` entry is a mapping: kinds, namespaces, names, paths",
                        ));
                    };
                    let mut ignore = DriftIgnore::default();
                    for field in fields {
                        let key = field.key.trim_end_matches('s');
                        let list = values(string_list(source, &field.value, &field.key)?);
                        match key {
                            "kind" => ignore.kinds = list,
                            "namespace" => ignore.namespaces = list,
                            "name" => ignore.names = list,
                            "path" => ignore.paths = list,
                            _ => return Err(unknown(&field.key, field.key_span, &IGNORE_KEYS)),
                        }
                    }
                    if ignore == DriftIgnore::default() {
                        return Err(expected(
                            source,
                            item,
                            "a `drift.ignore` entry names what it ignores: kinds, namespaces, names or paths",
                        ));
                    }
                    drift.ignore.push(ignore);
                }
            }
            other => return Err(unknown(other, entry.key_span, &DRIFT_KEYS)),
        }
    }
    Ok(drift)
}

/// The closest candidate to a misspelt name, if one is close enough.
pub fn suggest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| (strsim::levenshtein(name, c), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// A calendar date, for `until:`.
pub type Date = jiff::civil::Date;

/// Today in UTC.
pub fn today() -> Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
}

/// A date written `YYYY-MM-DD`.
fn parse_date(text: &str) -> Option<Date> {
    text.trim().parse().ok()
}

/// One `exclude` entry of the config: every criterion given must match.
#[derive(Debug, Clone)]
pub struct Exclude {
    pub rules: Vec<Spanned<String>>,
    paths: Vec<GlobMatcher>,
    kinds: Vec<String>,
    namespaces: Vec<String>,
    names: Vec<String>,
    pub reason: String,
    pub until: Option<Date>,
    /// Where the entry is written in the config file, for notes.
    pub line: u32,
}

impl Exclude {
    pub fn matches(&self, finding: &Finding, source_name: &str) -> bool {
        let any = |list: &[String], value: Option<&str>| {
            list.is_empty() || value.is_some_and(|v| list.iter().any(|x| x == v))
        };
        let object = finding.object.as_ref();
        (self.rules.is_empty() || self.rules.iter().any(|r| r.value == finding.rule))
            && (self.paths.is_empty() || self.paths.iter().any(|g| g.is_match(source_name)))
            && any(&self.kinds, object.map(|o| o.kind.as_str()))
            && any(
                &self.namespaces,
                object.and_then(|o| o.namespace.as_deref()),
            )
            && any(&self.names, object.and_then(|o| o.name.as_deref()))
    }
}

/// Reads the `exclude` list of the config.
pub fn parse_excludes(source: &ConfigSource, node: &Node) -> Result<Vec<Exclude>, ConfigError> {
    let fail = |node: &Node, message: &str| source.error(node.span, message.to_string(), None);
    let Some(items) = node.as_seq() else {
        return Err(fail(node, "`exclude` must be a list of entries"));
    };
    let mut out = Vec::new();
    for item in items {
        let Some(entries) = item.as_map() else {
            return Err(fail(
                item,
                "an `exclude` entry is a mapping: rules, paths, kinds, namespaces, names, reason, until",
            ));
        };
        let mut exclude = Exclude {
            rules: Vec::new(),
            paths: Vec::new(),
            kinds: Vec::new(),
            namespaces: Vec::new(),
            names: Vec::new(),
            reason: String::new(),
            until: None,
            line: item.span.start.line,
        };
        for entry in entries {
            let value = &entry.value;
            let list = |key: &str| -> Result<Vec<Spanned<String>>, ConfigError> {
                let items: Vec<&Node> = match &value.value {
                    Value::Seq(items) => items.iter().collect(),
                    _ => vec![value],
                };
                items
                    .into_iter()
                    .map(|n| {
                        n.as_str()
                            .map(|s| Spanned {
                                value: s.to_string(),
                                span: n.span,
                            })
                            .ok_or_else(|| fail(n, &format!("`{key}` lists strings")))
                    })
                    .collect()
            };
            let strings = |key: &str| -> Result<Vec<String>, ConfigError> {
                Ok(list(key)?.into_iter().map(|s| s.value).collect())
            };
            match entry.key.as_str() {
                "rules" | "rule" => exclude.rules = list("rules")?,
                "paths" | "path" => {
                    for glob in list("paths")? {
                        let matcher = Glob::new(&glob.value)
                            .map_err(|e| source.error(glob.span, format!("bad glob: {e}"), None))?
                            .compile_matcher();
                        exclude.paths.push(matcher);
                    }
                }
                "kinds" | "kind" => exclude.kinds = strings("kinds")?,
                "namespaces" | "namespace" => exclude.namespaces = strings("namespaces")?,
                "names" | "name" => exclude.names = strings("names")?,
                "reason" => {
                    exclude.reason = value
                        .as_str()
                        .map(str::to_string)
                        .ok_or_else(|| fail(value, "`reason` is a sentence saying why"))?
                }
                "until" => {
                    let text = match &value.value {
                        Value::String(s) => s.clone(),
                        _ => String::new(),
                    };
                    exclude.until = Some(
                        parse_date(&text)
                            .ok_or_else(|| fail(value, "`until` is a date written YYYY-MM-DD"))?,
                    );
                }
                other => {
                    return Err(source.error(
                        entry.key_span,
                        format!("unknown `exclude` setting `{other}`"),
                        Some(
                            "an entry has rules, paths, kinds, namespaces, names, reason, until"
                                .into(),
                        ),
                    ))
                }
            }
        }
        if exclude.reason.trim().is_empty() {
            return Err(fail(
                item,
                "an `exclude` entry needs a `reason`: suppressions must say why",
            ));
        }
        out.push(exclude);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_and_compare() {
        let d = parse_date("2026-12-31").unwrap();
        assert!(parse_date("2027-01-01").unwrap() > d);
        assert_eq!(parse_date("2026-13-01"), None);
        assert_eq!(parse_date("2026-02-30"), None);
        assert_eq!(d.to_string(), "2026-12-31");
    }

    fn parse_text(text: &str) -> Result<Config, ConfigError> {
        parse(ConfigSource {
            path: PathBuf::from("/repo/.seaworthy.yaml"),
            name: ".seaworthy.yaml".into(),
            text: Arc::from(text),
        })
    }

    #[test]
    fn reads_every_setting() {
        let c = parse_text(
            "select: [all]\nignore: a,b\npreview: true\nfail-on: warning\nseverity:\n  x: note\nparams:\n  x:\n    k: 1\npolicies: [custom]\n",
        )
        .unwrap();
        assert_eq!(c.select.unwrap()[0].value, "all");
        assert_eq!(c.ignore.len(), 2);
        assert_eq!(c.preview, Some(true));
        assert_eq!(c.fail_on, Some(FailOn::At(Severity::Warning)));
        assert_eq!(c.severity[0].1, Severity::Note);
        assert_eq!(c.params[0].0.value, "x");
        assert_eq!(c.policies, vec![PathBuf::from("/repo/custom")]);
    }

    #[test]
    fn reads_the_drift_section() {
        let c = parse_text(
            "drift:\n  iac-managers: [helm, argocd-controller]\n  min-coverage: 95\n  ignore:\n    - kinds: [ConfigMap]\n      namespace: kube-system\n    - paths: [spec.replicas]\n",
        )
        .unwrap();
        assert_eq!(
            c.drift.iac_managers,
            Some(vec!["helm".to_string(), "argocd-controller".to_string()])
        );
        assert_eq!(c.drift.min_coverage, Some(95.0));
        assert_eq!(c.drift.ignore.len(), 2);
        assert_eq!(c.drift.ignore[0].kinds, ["ConfigMap"]);
        assert_eq!(c.drift.ignore[0].namespaces, ["kube-system"]);
        assert_eq!(c.drift.ignore[1].paths, ["spec.replicas"]);
    }

    #[test]
    fn drift_mistakes_are_located() {
        let message = |text: &str| parse_text(text).unwrap_err().to_string();
        assert!(message("drift:\n  iac-manager: [helm]\n")
            .contains("2:3: unknown setting `iac-manager`"));
        assert!(message("drift:\n  min-coverage: 120\n")
            .contains("2:17: `min-coverage` is a percentage"));
        assert!(
            message("drift:\n  ignore:\n    - kind: [A]\n      fields: [x]\n")
                .contains("4:7: unknown setting `fields`")
        );
        assert!(message("drift:\n  ignore:\n    - {}\n").contains("names what it ignores"));
    }

    #[test]
    fn unknown_keys_are_located_with_a_suggestion() {
        let err = parse_text("select: [all]\nfail_on: error\n").unwrap_err();
        let ConfigError::Invalid(located) = err else {
            panic!("expected a located error")
        };
        let Located {
            message,
            help,
            span,
            ..
        } = *located;
        assert!(message.starts_with(".seaworthy.yaml:2:1: unknown setting `fail_on`"));
        assert_eq!(help.as_deref(), Some("did you mean `fail-on`?"));
        assert_eq!(span.offset(), 14);
    }

    #[test]
    fn policy_timeout_takes_a_duration() {
        let ms = |text: &str| {
            parse_text(text)
                .map(|c| c.policy_timeout.map(|d| d.as_millis()))
                .map_err(|e| e.to_string())
        };
        assert_eq!(ms("policy-timeout: 250ms\n"), Ok(Some(250)));
        assert_eq!(ms("policy-timeout: 2s\n"), Ok(Some(2000)));
        assert_eq!(ms("policy-timeout: 1m\n"), Ok(Some(60_000)));
        assert_eq!(ms("policy-timeout: 0.5\n"), Ok(Some(500)));
        for bad in ["0s", "-1", "2h", "soon", "[5]", "5 fortnights"] {
            let err = ms(&format!("policy-timeout: {bad}\n")).unwrap_err();
            assert!(
                err.contains(":1:17: `policy-timeout` must be a duration"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn wrong_types_are_located() {
        let err = parse_text("preview: maybe\n").unwrap_err();
        assert!(err
            .to_string()
            .contains(":1:10: `preview` must be true or false"));
    }
}
