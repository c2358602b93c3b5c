//! The command line: argument parsing and the subcommands' top level.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::{self, Config};
use crate::document::Node;
use crate::engine::Engine;
use crate::finding::FailOn;
use crate::lint;
use crate::live;
use crate::policy;
use crate::report::{self, Format, Output};
use crate::rules;
use crate::settings::{Choices, Settings, DEFAULT_POLICY_TIMEOUT};

#[derive(Debug, Parser)]
#[command(
    name = "seaworthy",
    version,
    about = "Tells whether Kubernetes workloads are fit for production",
    long_about = "Lints Kubernetes manifests against production-readiness policies written in Rego.\n\nExit codes: 0 no finding at or above --fail-on, 1 findings, 2 the run failed or is incomplete."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint manifests (files, folders, or `-` for stdin).
    Lint(Box<LintArgs>),
    /// List the rule catalog.
    Rules {
        #[arg(long, value_enum, default_value_t = CatalogFormat::Table)]
        format: CatalogFormat,
        /// Extra policy folders to include (besides the config's `policies`).
        #[arg(long = "policy", value_name = "DIR")]
        policies: Vec<PathBuf>,
        #[command(flatten)]
        config: ConfigChoice,
    },
    /// Show the documentation of one rule.
    Explain {
        rule: String,
        /// Extra policy folders to include (besides the config's `policies`).
        #[arg(long = "policy", value_name = "DIR")]
        policies: Vec<PathBuf>,
        #[command(flatten)]
        config: ConfigChoice,
    },
    /// Work with Rego policies.
    Policy {
        #[command(subcommand)]
        command: PolicyCommand,
    },
    /// Write a cluster's state as clean YAML, one file per object:
    /// DIR/NAMESPACE/KIND/NAME.yaml (read-only; Secrets only with
    /// --include-secrets, their values redacted).
    Export(Box<ExportArgs>),
    /// Write a commented .seaworthy.yaml: every setting at its default, and
    /// the parameters of the rules that take them, commented out.
    Init(InitArgs),
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The file to write, or a folder to write .seaworthy.yaml in.
    /// Default: .seaworthy.yaml in the current directory.
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,
    /// Replace the file if it exists.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
// Export always reads a cluster: there `--namespace` is only the one to read.
#[command(mut_arg("namespace", |a| a
    .help("The namespace to read (default: the context's, else `default`)")
    .help_heading("Live cluster")))]
pub struct ExportArgs {
    /// The folder to write to; files of objects gone from the cluster are
    /// removed, unchanged files are left untouched.
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    #[command(flatten)]
    pub live: LiveArgs,
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Run the `test_*` rules of `*_test.rego` files: those under each DIR;
    /// without DIR, those of the config's `policies` folders, or the
    /// built-in policies' when it names none.
    Test {
        dirs: Vec<PathBuf>,
        #[command(flatten)]
        config: ConfigChoice,
    },
}

/// Which `.seaworthy.yaml` a command reads (its `policies` folders, for
/// the commands that only need the catalog).
#[derive(Debug, Clone, Default, Args)]
pub struct ConfigChoice {
    /// Config file (default: the nearest .seaworthy.yaml up from the current directory).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore any .seaworthy.yaml.
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum CatalogFormat {
    Table,
    Markdown,
    Json,
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

impl ColorWhen {
    fn colour(self) -> report::Colour {
        match self {
            ColorWhen::Auto => report::Colour::Auto,
            ColorWhen::Always => report::Colour::Always,
            ColorWhen::Never => report::Colour::Never,
        }
    }
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Files and folders to lint; `-` reads standard input. Default: `.`
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format, repeatable; `FORMAT=FILE` writes that format to a file.
    /// Formats: human, concise (one `path:line:col: severity[rule] message`
    /// line per finding), sarif, json, junit, github.
    #[arg(long, value_name = "FORMAT[=FILE]", default_value = "human")]
    pub format: Vec<String>,
    /// Print only the number of findings per rule and severity, with the
    /// totals, in place of the human or concise report on stdout (or there
    /// when every report goes to a file); report files are written in full.
    #[arg(long)]
    pub statistics: bool,
    /// Findings only: no summary lines, no notes on stderr (errors that make
    /// the run incomplete are still printed; exit codes are unchanged).
    #[arg(short, long)]
    pub quiet: bool,
    /// When to colour stdout and stderr (report files never are); `auto`:
    /// on a terminal, unless NO_COLOR is set.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
    /// Config file (default: the nearest .seaworthy.yaml up from the current directory).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Ignore any .seaworthy.yaml.
    #[arg(long, conflicts_with = "config")]
    pub no_config: bool,
    /// Only these rules (comma-separated or repeated; `all` for every rule).
    #[arg(long, value_delimiter = ',', value_name = "ID")]
    pub select: Option<Vec<String>>,
    /// Skip these rules.
    #[arg(long, value_delimiter = ',', value_name = "ID")]
    pub ignore: Vec<String>,
    /// Enable preview rules.
    #[arg(long)]
    pub preview: bool,
    /// Fail (exit 1) on findings at or above this severity.
    #[arg(long, value_name = "LEVEL", value_parser = ["error", "warning", "note", "never"])]
    pub fail_on: Option<String>,
    /// Extra folders of Rego policies (same contract as the built-ins).
    #[arg(long = "policy", value_name = "DIR")]
    pub policies: Vec<PathBuf>,
    /// Ignore suppressions written in manifests (annotations and comments);
    /// the config's `exclude` entries still apply.
    #[arg(long)]
    pub strict: bool,
    /// A previous SARIF report: findings already in it are `unchanged` and
    /// do not fail the run; only new ones do.
    #[arg(long, value_name = "SARIF")]
    pub baseline: Option<PathBuf>,
    #[command(flatten)]
    pub live: LiveArgs,
    /// With --live: the manifests the cluster should match (files, folders,
    /// `-`); drift findings join the policy findings.
    #[arg(long, value_name = "PATH", num_args = 1.., requires = "live", help_heading = "Live cluster")]
    pub iac: Vec<PathBuf>,
}

/// Reading a live cluster (read-only: only GET requests are sent).
#[derive(Debug, Args)]
#[command(next_help_heading = "Live cluster")]
pub struct LiveArgs {
    /// Read a live cluster instead of files (read-only).
    #[arg(long)]
    pub live: bool,
    /// The kubeconfig context (default: the current context).
    #[arg(long, value_name = "NAME", requires = "live")]
    pub context: Option<String>,
    /// The kubeconfig file (default: KUBECONFIG, then ~/.kube/config, then
    /// the service account of the pod seaworthy runs in).
    #[arg(long, value_name = "FILE", requires = "live")]
    pub kubeconfig: Option<PathBuf>,
    /// With --live: the namespace to read (default: the context's, else
    /// `default`). For files: the namespace of the objects that name none,
    /// as with `kubectl apply -n` (default: `default`), which rules that
    /// relate objects by namespace use.
    #[arg(short = 'n', long, value_name = "NAME", value_parser = namespace_name, help_heading = None)]
    pub namespace: Option<String>,
    /// Read every namespace.
    #[arg(short = 'A', long, requires = "live", conflicts_with = "namespace")]
    pub all_namespaces: bool,
    /// Also read Secrets where a rule needs them; their values never reach
    /// any output.
    #[arg(long, requires = "live")]
    pub include_secrets: bool,
    /// The limit on the whole reading, in seconds; what was read before it
    /// is linted, and the run says what was not.
    #[arg(long, value_name = "SECONDS", default_value_t = 300, requires = "live")]
    pub timeout: u64,
    /// The limit on one request, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 30, requires = "live")]
    pub request_timeout: u64,
    /// Lists sent to the API server at once.
    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=32), requires = "live")]
    pub concurrency: u16,
    /// Print every request (method, path, status, duration, attempt) and
    /// retry to stderr.
    #[arg(short, long, requires = "live")]
    pub verbose: bool,
}

/// A namespace name as the API server accepts it: an RFC 1123 label.
fn namespace_name(value: &str) -> Result<String, String> {
    let valid = (1..=63).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !value.starts_with('-')
        && !value.ends_with('-');
    match valid {
        true => Ok(value.to_string()),
        false => Err("a namespace name is 1 to 63 lowercase letters, digits and `-`, and starts and ends with a letter or digit".into()),
    }
}

impl LiveArgs {
    /// The reading these flags ask for; the kinds are the pipeline's to set.
    fn options(&self) -> live::Options {
        live::Options {
            kubeconfig: self.kubeconfig.clone(),
            context: self.context.clone(),
            namespace: self.namespace.clone(),
            all_namespaces: self.all_namespaces,
            include_secrets: self.include_secrets,
            concurrency: usize::from(self.concurrency),
            request_timeout: std::time::Duration::from_secs(self.request_timeout.max(1)),
            overall_timeout: std::time::Duration::from_secs(self.timeout.max(1)),
            // A progress bar only where nobody asked for the requests.
            progress: !self.verbose,
            ..live::Options::default()
        }
    }
}

/// Runs the command line and returns the process exit code.
pub fn run() -> ExitCode {
    // Without the handler, Ctrl-C still stops the run; only the clean-up of
    // report files being written is lost.
    if let Err(e) = crate::interrupt::install() {
        report::warning(&format!("Ctrl-C will not clean up: {e}"));
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    // Errors that stop a lint run are coloured as its reports are.
    let colour = match &cli.command {
        Command::Lint(args) => args.color.colour(),
        _ => report::Colour::Auto,
    };
    let result = match cli.command {
        Command::Lint(args) => lint_command(*args),
        Command::Rules {
            format,
            policies,
            config,
        } => rules_command(format, &policies, &config),
        Command::Explain {
            rule,
            policies,
            config,
        } => explain_command(&rule, &policies, &config),
        Command::Policy {
            command: PolicyCommand::Test { dirs, config },
        } => policy_test_command(&dirs, &config),
        Command::Export(args) => export_command(&args),
        Command::Init(args) => init_command(&args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            report::print_error(error.as_ref(), colour);
            ExitCode::from(2)
        }
    }
}

type CommandResult = Result<u8, Box<dyn miette::Diagnostic + Send + Sync>>;

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{0}")]
#[diagnostic(code(seaworthy::usage))]
struct Usage(String);

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("cannot write the report: {0}")]
#[diagnostic(code(seaworthy::output))]
struct OutputFailed(std::io::Error);

fn boxed(
    e: impl miette::Diagnostic + Send + Sync + 'static,
) -> Box<dyn miette::Diagnostic + Send + Sync> {
    Box::new(e)
}

fn parse_outputs(specs: &[String]) -> Result<Vec<Output>, Usage> {
    let mut outputs = Vec::new();
    for spec in specs {
        let (name, file) = match spec.split_once('=') {
            Some((name, file)) if !file.is_empty() => (name, Some(PathBuf::from(file))),
            Some((name, _)) => return Err(Usage(format!("--format {name}= needs a file name"))),
            None => (spec.as_str(), None),
        };
        let format = Format::parse(name).ok_or_else(|| {
            Usage(format!(
                "unknown format `{name}` (expected one of: {})",
                Format::NAMES.join(", ")
            ))
        })?;
        outputs.push(Output { format, file });
    }
    let to_stdout = outputs.iter().filter(|o| o.file.is_none()).count();
    if to_stdout > 1 {
        return Err(Usage(
            "only one format can go to stdout; write the others to files with FORMAT=FILE".into(),
        ));
    }
    Ok(outputs)
}

fn load_config(args: &ConfigChoice) -> Result<Config, config::ConfigError> {
    if args.no_config {
        return Ok(Config::default());
    }
    let path = match &args.config {
        Some(path) => Some(path.clone()),
        None => std::env::current_dir()
            .ok()
            .and_then(|cwd| config::discover(&cwd)),
    };
    match path {
        Some(path) => config::load(&path),
        None => Ok(Config::default()),
    }
}

fn lint_command(args: LintArgs) -> CommandResult {
    let outputs = parse_outputs(&args.format).map_err(boxed)?;
    if args.statistics {
        if let Some(output) = outputs
            .iter()
            .find(|o| o.file.is_none() && !o.format.is_text())
        {
            let name = output.format.name();
            return Err(boxed(Usage(format!(
                "--statistics prints the counts on stdout in place of a human or concise report, not of {name}: write {name} to a file with --format {name}=FILE"
            ))));
        }
    }
    let style = report::Style {
        colour: args.color.colour(),
        quiet: args.quiet,
        statistics: args.statistics,
    };
    let config = load_config(&ConfigChoice {
        config: args.config.clone(),
        no_config: args.no_config,
    })
    .map_err(boxed)?;
    let choices = Choices {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        preview: args.preview,
        fail_on: args.fail_on.as_deref().and_then(FailOn::parse),
        strict: args.strict,
        baseline: args.baseline.clone(),
        namespace: args.live.namespace.clone(),
    };
    let mut settings = Settings::resolve(&config, &choices, &args.policies).map_err(boxed)?;
    // Only a human report quotes sources (not when the counts replace it).
    settings.quotes_sources = outputs
        .iter()
        .any(|o| o.format == Format::Human && (o.file.is_some() || !args.statistics));
    crate::timing::mark("settings");
    if args.live.live && !args.paths.is_empty() {
        return Err(boxed(Usage(
            "--live reads the cluster, not PATHs: to compare it with manifests, pass them with --iac PATH".into(),
        )));
    }
    let (outcome, retained) = if args.live.live {
        let verbose = args.live.verbose;
        let mut trace = |t: &live::Trace| {
            if verbose {
                report::trace(t);
            }
        };
        let mut options = args.live.options();
        // No progress bar on stderr when asked for findings only.
        options.progress &= !args.quiet;
        lint::run_live(&settings, &options, &args.iac, &mut trace).map_err(boxed)?
    } else {
        let paths = if args.paths.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            args.paths.clone()
        };
        lint::run(&settings, &paths).map_err(boxed)?
    };
    // A cluster can be far larger than a repository: there, the document
    // trees and policy values go before the reports are made, to bound the
    // peak; files keep them, since freeing them costs more than exiting.
    let retained = match args.live.live {
        true => {
            drop(retained);
            crate::timing::mark("free documents");
            None
        }
        false => Some(retained),
    };
    report::emit(&outputs, &outcome, &style).map_err(boxed)?;
    crate::timing::mark("reports");
    let code = outcome.exit_code(settings.fail_on);
    // The process exits now: let it hand the memory back whole.
    std::mem::forget((outcome, retained));
    Ok(code)
}

fn export_command(args: &ExportArgs) -> CommandResult {
    if !args.live.live {
        return Err(boxed(Usage(
            "export reads a cluster: `seaworthy export --live DIR`".into(),
        )));
    }
    let verbose = args.live.verbose;
    let mut trace = |t: &live::Trace| {
        if verbose {
            report::trace(t);
        }
    };
    let exported =
        crate::export::export(&args.live.options(), &args.dir, &mut trace).map_err(boxed)?;
    report::exported(&exported, &args.dir).map_err(|e| boxed(OutputFailed(e)))?;
    Ok(if exported.incomplete { 2 } else { 0 })
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("{path} already exists")]
#[diagnostic(
    code(seaworthy::init),
    help("pass --force to replace it, or give another PATH")
)]
struct ConfigExists {
    path: String,
}

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("cannot write {path}: {source}")]
#[diagnostic(code(seaworthy::output))]
struct NotWritten {
    path: String,
    source: std::io::Error,
}

fn init_command(args: &InitArgs) -> CommandResult {
    let path = match &args.path {
        Some(dir) if dir.is_dir() => dir.join(config::FILE_NAME),
        Some(file) => file.clone(),
        None => PathBuf::from(config::FILE_NAME),
    };
    let name = crate::source::display_name(&path);
    // A broken symbolic link exists too: replacing it needs --force.
    if !args.force && path.symlink_metadata().is_ok() {
        return Err(boxed(ConfigExists { path: name }));
    }
    let catalog = rules::catalog(&[]).map_err(boxed)?;
    let text = crate::starter::text(&catalog);
    crate::interrupt::write_atomically(&path, text.as_bytes()).map_err(|source| {
        boxed(NotWritten {
            path: name.clone(),
            source,
        })
    })?;
    let found = path.file_name().is_some_and(|n| n == config::FILE_NAME);
    report::initialized(&name, found).map_err(|e| boxed(OutputFailed(e)))?;
    Ok(0)
}

/// The catalog with the config's policy folders, then `extra`: what `lint`
/// would run with, so that `rules`, `explain` and `policy test` describe
/// the same rules.
fn catalog_for(
    extra: &[PathBuf],
    choice: &ConfigChoice,
) -> Result<policy::Catalog, Box<dyn miette::Diagnostic + Send + Sync>> {
    let config = load_config(choice).map_err(boxed)?;
    let mut dirs = config.policies;
    dirs.extend_from_slice(extra);
    rules::catalog(&dirs).map_err(boxed)
}

fn rules_command(
    format: CatalogFormat,
    policies: &[PathBuf],
    config: &ConfigChoice,
) -> CommandResult {
    let catalog = catalog_for(policies, config)?;
    let text = match format {
        CatalogFormat::Table => crate::policy::docs::table(&catalog),
        CatalogFormat::Markdown => crate::policy::docs::markdown(&catalog),
        CatalogFormat::Json => crate::policy::docs::json(&catalog),
    };
    report::print(&text).map_err(|e| boxed(OutputFailed(e)))?;
    Ok(0)
}

fn explain_command(id: &str, policies: &[PathBuf], config: &ConfigChoice) -> CommandResult {
    let catalog = catalog_for(policies, config)?;
    let Some(rule) = catalog.rule(id) else {
        let hint = config::suggest(id, catalog.ids())
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default();
        return Err(boxed(Usage(format!("unknown rule `{id}`{hint}"))));
    };
    report::print(&crate::policy::docs::explain(rule)).map_err(|e| boxed(OutputFailed(e)))?;
    Ok(0)
}

fn policy_test_command(dirs: &[PathBuf], choice: &ConfigChoice) -> CommandResult {
    let config = load_config(choice).map_err(boxed)?;
    // The folders whose tests run: those named, else the config's.
    let tested = match dirs.is_empty() {
        true => config.policies.clone(),
        false => dirs.to_vec(),
    };
    let mut all = config.policies;
    all.extend_from_slice(dirs);
    let catalog = rules::catalog(&all).map_err(boxed)?;
    let empty = Node {
        value: crate::document::Value::Map(Vec::new()),
        span: Default::default(),
    };
    let mut engine = Engine::new(&catalog, &empty, true, DEFAULT_POLICY_TIMEOUT).map_err(boxed)?;
    // With folders to test, run only their tests; otherwise the built-ins'.
    let modules: Vec<policy::Module> = if tested.is_empty() {
        catalog
            .modules
            .iter()
            .filter(|m| m.name.starts_with("policies/"))
            .cloned()
            .collect()
    } else {
        let mut ms: Vec<policy::Module> = Vec::new();
        for dir in &tested {
            for m in policy::read_dir(dir).map_err(boxed)? {
                // A folder named twice is tested once.
                if !ms.iter().any(|seen| seen.name == m.name) {
                    ms.push(m);
                }
            }
        }
        ms
    };
    let outcomes = engine.run_tests(&modules);
    let mut text = String::new();
    let (mut passed, mut failed) = (0, 0);
    for o in &outcomes {
        match &o.result {
            Ok(true) => {
                passed += 1;
                text.push_str(&format!("PASS {}: {}\n", o.module, o.name));
            }
            Ok(false) => {
                failed += 1;
                text.push_str(&format!("FAIL {}: {}\n", o.module, o.name));
            }
            Err(e) => {
                failed += 1;
                text.push_str(&format!("ERROR {}: {}: {}\n", o.module, o.name, e.trim()));
            }
        }
    }
    if outcomes.is_empty() {
        text.push_str("no test_* rules found\n");
    }
    text.push_str(&format!("rego: {passed} passed, {failed} failed\n"));
    report::print(&text).map_err(|e| boxed(OutputFailed(e)))?;
    Ok(if failed > 0 || outcomes.is_empty() {
        1
    } else {
        0
    })
}
