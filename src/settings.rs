//! Settings: the config file and the command-line flags resolved against
//! the rule catalog into one value that says what a run does.

use std::path::PathBuf;
use std::time::Duration;

use crate::baseline::{Baseline, BaselineError};
use crate::config::{suggest, Config, ConfigError, Exclude, Spanned};
use crate::document::{self, Node, Value};
use crate::finding::{FailOn, Severity};
use crate::policy::{Catalog, PolicyError, Rule, Status};

/// How long one rule may run on one object before it is stopped, unless the
/// config's `policy-timeout` says otherwise; a policy that loops must not
/// hang a commit hook.
pub const DEFAULT_POLICY_TIMEOUT: Duration = Duration::from_secs(5);

/// Rule choices given on the command line; they override the config file.
#[derive(Debug, Clone, Default)]
pub struct Choices {
    pub select: Option<Vec<String>>,
    pub ignore: Vec<String>,
    pub preview: bool,
    pub fail_on: Option<FailOn>,
    /// Ignore annotations and comments (config `exclude` still applies).
    pub strict: bool,
    /// A previous SARIF report: findings already in it do not fail the gate.
    pub baseline: Option<PathBuf>,
    /// `--namespace`: where objects that name none are applied.
    pub namespace: Option<String>,
}

/// What to run: the enabled rules (severity overrides applied), the gate
/// threshold, and the parameters for the policies.
#[derive(Debug, Clone)]
pub struct Settings {
    pub catalog: Catalog,
    pub rules: Vec<Rule>,
    pub fail_on: FailOn,
    pub params: Node,
    /// Notes for the user about the selection (a preview rule not enabled…).
    pub notes: Vec<String>,
    pub excludes: Vec<Exclude>,
    pub strict: bool,
    pub baseline: Option<Baseline>,
    /// How long one rule may run on one object (`policy-timeout`).
    pub policy_timeout: Duration,
    /// A report that quotes source lines is asked for, so the run works out
    /// which values to mask in them.
    pub quotes_sources: bool,
    /// How `lint --live --iac` compares the cluster with the IaC.
    pub drift: crate::config::DriftSettings,
    /// The namespace of objects that name none, as `kubectl apply -n` would
    /// give them (`default` unless `--namespace`; empty in a live run, where
    /// such an object is cluster-scoped): cross-object rules see it as
    /// `data.seaworthy.namespace`.
    pub namespace: String,
}

/// The namespace `kubectl` applies objects that name none to.
pub const DEFAULT_NAMESPACE: &str = "default";

/// A reason the run could not do all it was asked.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum SettingsError {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Policy(#[from] PolicyError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Baseline(#[from] BaselineError),
    #[error("unknown rule `{id}` in {flag}")]
    #[diagnostic(code(seaworthy::usage), help("{help}"))]
    UnknownRule {
        id: String,
        flag: String,
        help: String,
    },
}

impl Settings {
    /// Combines the config file, the flags and the catalog into the rules to run.
    pub fn resolve(
        config: &Config,
        choices: &Choices,
        extra_policy_dirs: &[PathBuf],
    ) -> Result<Settings, SettingsError> {
        let mut dirs = config.policies.clone();
        dirs.extend_from_slice(extra_policy_dirs);
        let catalog = crate::rules::catalog(&dirs)?;

        let check_config =
            |ids: &[Spanned<String>], allow_all: bool| -> Result<(), SettingsError> {
                for id in ids {
                    if (allow_all && id.value == "all") || catalog.rule(&id.value).is_some() {
                        continue;
                    }
                    let help = suggest(&id.value, catalog.ids())
                        .map(|s| format!("did you mean `{s}`? (`seaworthy rules` lists them all)"))
                        .or_else(|| Some("`seaworthy rules` lists every rule".to_string()));
                    let message = format!("unknown rule `{}`", id.value);
                    return Err(match &config.source {
                        Some(src) => src.error(id.span, message, help).into(),
                        None => SettingsError::UnknownRule {
                            id: id.value.clone(),
                            flag: "the config".into(),
                            help: help.unwrap_or_default(),
                        },
                    });
                }
                Ok(())
            };
        if let Some(select) = &config.select {
            check_config(select, true)?;
        }
        check_config(&config.ignore, false)?;
        let severity_ids: Vec<_> = config.severity.iter().map(|(id, _)| id.clone()).collect();
        check_config(&severity_ids, false)?;
        let param_ids: Vec<_> = config.params.iter().map(|(id, _)| id.clone()).collect();
        check_config(&param_ids, false)?;
        check_params(config, &catalog)?;

        let check_flag =
            |ids: &[String], flag: &str, allow_all: bool| -> Result<(), SettingsError> {
                for id in ids {
                    if (allow_all && id == "all") || catalog.rule(id).is_some() {
                        continue;
                    }
                    let help = suggest(id, catalog.ids())
                        .map(|s| format!("did you mean `{s}`?"))
                        .unwrap_or_else(|| "`seaworthy rules` lists every rule".to_string());
                    return Err(SettingsError::UnknownRule {
                        id: id.clone(),
                        flag: flag.to_string(),
                        help,
                    });
                }
                Ok(())
            };
        if let Some(select) = &choices.select {
            check_flag(select, "--select", true)?;
        }
        check_flag(&choices.ignore, "--ignore", false)?;

        let select: Option<Vec<String>> = choices.select.clone().or_else(|| {
            config
                .select
                .as_ref()
                .map(|s| s.iter().map(|i| i.value.clone()).collect())
        });
        let mut ignore: Vec<String> = config.ignore.iter().map(|i| i.value.clone()).collect();
        ignore.extend(choices.ignore.iter().cloned());
        let preview = choices.preview || config.preview.unwrap_or(false);

        let mut notes = Vec::new();
        let mut rules = Vec::new();
        for rule in &catalog.rules {
            let named = select
                .as_ref()
                .is_some_and(|s| s.iter().any(|id| id == &rule.id));
            let selected = match &select {
                None => true,
                Some(ids) => named || ids.iter().any(|id| id == "all"),
            };
            if !selected || ignore.contains(&rule.id) {
                continue;
            }
            if rule.meta.status == Status::Preview && !preview {
                if named {
                    notes.push(format!(
                        "rule `{}` is in preview: enable it with --preview or `preview: true`",
                        rule.id
                    ));
                }
                continue;
            }
            let mut rule = rule.clone();
            if let Some((_, level)) = config.severity.iter().find(|(id, _)| id.value == rule.id) {
                rule.meta.severity = *level;
            }
            rules.push(rule);
        }

        let params = params_node(config);
        let exclude_rules: Vec<_> = config
            .exclude
            .iter()
            .flat_map(|e| e.rules.iter().cloned())
            .collect();
        check_config(&exclude_rules, false)?;
        let baseline = choices
            .baseline
            .as_deref()
            .map(Baseline::load)
            .transpose()?;
        Ok(Settings {
            excludes: config.exclude.clone(),
            strict: choices.strict,
            baseline,
            catalog,
            rules,
            fail_on: choices
                .fail_on
                .or(config.fail_on)
                .unwrap_or(FailOn::At(Severity::Error)),
            params,
            notes,
            policy_timeout: config.policy_timeout.unwrap_or(DEFAULT_POLICY_TIMEOUT),
            quotes_sources: true,
            drift: config.drift.clone(),
            namespace: choices
                .namespace
                .clone()
                .unwrap_or_else(|| DEFAULT_NAMESPACE.to_string()),
        })
    }

    pub fn enabled(&self, id: &str) -> bool {
        self.rules.iter().any(|r| r.id == id)
    }
}

/// Checks each rule's `params` against what the rule declares: an unknown key
/// or a wrong type is an error at its config line, since a typo would
/// otherwise leave the rule silently unconfigured. A custom rule that
/// declares no parameters takes any.
fn check_params(config: &Config, catalog: &Catalog) -> Result<(), SettingsError> {
    let Some(source) = &config.source else {
        return Ok(());
    };
    for (id, value) in &config.params {
        let Some(rule) = catalog.rule(&id.value) else {
            continue;
        };
        let declared = &rule.meta.params;
        if declared.is_empty() && !rule.builtin {
            continue;
        }
        if declared.is_empty() {
            return Err(source
                .error(
                    id.span,
                    format!("rule `{}` takes no parameters", id.value),
                    Some(format!(
                        "`seaworthy explain {}` describes the rule",
                        id.value
                    )),
                )
                .into());
        }
        let names = || declared.iter().map(|p| p.name.as_str());
        let Some(entries) = value.as_map() else {
            return Err(source
                .error(
                    value.span,
                    format!(
                        "`params.{}` must be a mapping of its parameters ({})",
                        id.value,
                        names().collect::<Vec<_>>().join(", ")
                    ),
                    None,
                )
                .into());
        };
        for entry in entries {
            let Some(spec) = declared.iter().find(|p| p.name == entry.key) else {
                // Parameter names are few and long, so a shared stem
                // (`registry`, `registries`) is a good enough hint too.
                let near = suggest(&entry.key, names()).or_else(|| {
                    names()
                        .map(|n| (strsim::jaro_winkler(&entry.key, n), n))
                        .filter(|(score, _)| *score >= 0.85)
                        .max_by(|a, b| a.0.total_cmp(&b.0))
                        .map(|(_, n)| n)
                });
                let help = match near {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!(
                        "`{}` takes: {}",
                        id.value,
                        names().collect::<Vec<_>>().join(", ")
                    ),
                };
                return Err(source
                    .error(
                        entry.key_span,
                        format!("unknown parameter `{}` of rule `{}`", entry.key, id.value),
                        Some(help),
                    )
                    .into());
            };
            if let Err(mismatch) = spec.check(&entry.value) {
                return Err(source
                    .error(
                        mismatch.node.span,
                        mismatch.message,
                        Some(format!(
                            "`seaworthy explain {}` describes its parameters",
                            id.value
                        )),
                    )
                    .into());
            }
        }
    }
    Ok(())
}

/// The `params` of the config, keyed by Rego stem (`missing_required_label`).
fn params_node(config: &Config) -> Node {
    let entries = config
        .params
        .iter()
        .map(|(id, value)| document::Entry {
            key: id.value.replace('-', "_"),
            key_span: id.span,
            value: value.clone(),
        })
        .collect();
    Node {
        value: Value::Map(entries),
        span: Default::default(),
    }
}
