//! Reports: the only place that writes to stdout or to report files. One
//! `match` on the format.

// The one module that may print.
#![allow(clippy::disallowed_macros)]

mod concise;
mod frame;
mod github;
mod human;
mod json;
mod junit;
mod sarif;

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use crate::finding::Severity;
use crate::outcome::Outcome;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Concise,
    Sarif,
    Json,
    Junit,
    Github,
}

impl Format {
    pub const NAMES: [&'static str; 6] = ["human", "concise", "sarif", "json", "junit", "github"];

    pub fn parse(name: &str) -> Option<Format> {
        match name {
            "human" => Some(Format::Human),
            "concise" => Some(Format::Concise),
            "sarif" => Some(Format::Sarif),
            "json" => Some(Format::Json),
            "junit" => Some(Format::Junit),
            "github" => Some(Format::Github),
            _ => None,
        }
    }

    /// Its name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Concise => "concise",
            Format::Sarif => "sarif",
            Format::Json => "json",
            Format::Junit => "junit",
            Format::Github => "github",
        }
    }

    /// A report for people to read, which `--statistics` replaces on stdout.
    pub fn is_text(self) -> bool {
        matches!(self, Format::Human | Format::Concise)
    }
}

/// Where one format goes: stdout, or a file written atomically.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub format: Format,
    pub file: Option<PathBuf>,
}

/// When text is coloured (`--color`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Colour {
    /// Only on a terminal, and never under `NO_COLOR`.
    #[default]
    Auto,
    Always,
    Never,
}

impl Colour {
    /// Whether what is written to `stream` is coloured.
    pub fn on(self, stream: &impl IsTerminal) -> bool {
        match self {
            Colour::Auto => human::colour_for(stream),
            Colour::Always => true,
            Colour::Never => false,
        }
    }
}

/// How a lint run's reports are written: `--color`, `--quiet`,
/// `--statistics`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Style {
    /// Colour on stdout and stderr; report files are never coloured.
    pub colour: Colour,
    /// Findings only: no summary lines in the human, concise and github
    /// reports, no notes on stderr. Errors still go to stderr.
    pub quiet: bool,
    /// Only the counts per rule and severity on stdout, in place of a
    /// human or concise report there; report files are written as usual.
    pub statistics: bool,
}

/// `text` in the colour of an SGR code (`1;31`: bold red) when `colour`.
fn paint(text: &str, sgr: &str, colour: bool) -> String {
    match colour {
        true => format!("\u{1b}[{sgr}m{text}\u{1b}[0m"),
        false => text.to_string(),
    }
}

/// The colour of a severity, in every report that colours.
fn severity_sgr(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "1;31",
        Severity::Warning => "1;33",
        Severity::Note => "1;36",
    }
}

/// Renders one format into a writer, without colour, summary lines in full.
pub fn render(format: Format, outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    render_with(format, outcome, &Style::default(), false, out)
}

/// Renders one format into a writer, coloured or not, and quiet as `style`
/// says.
pub fn render_with(
    format: Format,
    outcome: &Outcome,
    style: &Style,
    colour: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    let quiet = style.quiet;
    match format {
        Format::Human => human::write(outcome, colour, quiet, out),
        Format::Concise => concise::write(outcome, colour, quiet, out),
        Format::Sarif => sarif::write(outcome, out),
        Format::Json => json::write(outcome, out),
        Format::Junit => junit::write(outcome, out),
        Format::Github => github::write(outcome, quiet, out),
    }
}

/// Writes every requested output. Errors and notes about the run go to
/// stderr, findings to stdout or the files named; with `--statistics`, the
/// counts take the place of a human or concise report on stdout, or go
/// there when no report does.
pub fn emit(outputs: &[Output], outcome: &Outcome, style: &Style) -> Result<(), NotWritten> {
    let mut failures = Vec::new();
    let mut file_failed = false;
    if !style.quiet {
        for note in &outcome.notes {
            eprintln!("note: {note}");
        }
    }
    let stderr = io::stderr();
    if let Err(e) = human::write_errors(outcome, style.colour.on(&stderr), &mut stderr.lock()) {
        failures.push(format!("standard error: {e}"));
    }
    // A report that cannot be written does not keep the others from being
    // written: each failure is named, and the run fails once all are done.
    for output in outputs {
        let written = match &output.file {
            None => {
                let stdout = io::stdout();
                let colour = style.colour.on(&stdout);
                let mut out = io::BufWriter::new(stdout.lock());
                let result = if style.statistics && output.format.is_text() {
                    human::write_statistics(outcome, &mut out)
                } else {
                    render_with(output.format, outcome, style, colour, &mut out)
                };
                // A reader that stopped early (`| head`) has what it wanted:
                // not a failure, and the exit code still tells the verdict.
                match result.and_then(|()| out.flush()) {
                    Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
                    other => other.map_err(|e| format!("standard output: {e}")),
                }
            }
            Some(path) => {
                let mut buffer = Vec::new();
                render_with(output.format, outcome, style, false, &mut buffer)
                    .and_then(|()| crate::interrupt::write_atomically(path, &buffer))
                    .map_err(|e| {
                        file_failed = true;
                        format!("{}: {e}", path.display())
                    })
            }
        };
        if let Err(failure) = written {
            failures.push(failure);
        }
    }
    if style.statistics && outputs.iter().all(|o| o.file.is_some()) {
        let stdout = io::stdout();
        let mut out = io::BufWriter::new(stdout.lock());
        if let Err(e) = human::write_statistics(outcome, &mut out).and_then(|()| out.flush()) {
            failures.push(format!("standard output: {e}"));
        }
    }
    match failures.is_empty() {
        true => Ok(()),
        false => Err(NotWritten {
            failures,
            help: file_failed.then_some(
                "the other reports were written; check that the folder of each report file exists and is writable",
            ),
        }),
    }
}

/// Reports that could not be written, each with its file and why; the
/// others were written.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
#[error("cannot write {}", .failures.join("; "))]
#[diagnostic(code(seaworthy::output))]
pub struct NotWritten {
    pub failures: Vec<String>,
    #[help]
    pub help: Option<&'static str>,
}

/// One step of reading a cluster, on stderr (`lint --live --verbose`).
pub fn trace(step: &crate::live::Trace) {
    use crate::live::Trace;
    let line = match step {
        Trace::Config {
            origin,
            context,
            server,
        } => format!("context {context} ({server}) from {origin}"),
        Trace::Request {
            method,
            path,
            status,
            duration,
            attempt,
        } => {
            let status = status.map_or_else(|| "no answer".to_string(), |s| s.to_string());
            let retry = match attempt {
                1 => String::new(),
                n => format!(" (attempt {n})"),
            };
            format!(
                "{method} {path} -> {status} in {} ms{retry}",
                duration.as_millis()
            )
        }
        Trace::Retry {
            path,
            after,
            reason,
            retry,
        } => format!(
            "retry {retry} of GET {path} in {} ms: {reason}",
            after.as_millis()
        ),
        Trace::Discovery {
            aggregated,
            resources,
        } => format!(
            "discovered {resources} resources ({})",
            if *aggregated {
                "aggregated"
            } else {
                "per group"
            }
        ),
        Trace::Restart {
            group,
            kind,
            namespace,
            restart,
        } => format!(
            "list of {} restarted ({restart}): its continue token expired",
            where_(group, kind, namespace.as_deref())
        ),
        Trace::Note(note) => format!(
            "{}: {}",
            where_(&note.group, &note.kind, note.namespace.as_deref()),
            note.message
        ),
        Trace::Page { .. } | Trace::Listed { .. } => return,
    };
    eprintln!("seaworthy: {line}");
}

fn where_(group: &str, kind: &str, namespace: Option<&str>) -> String {
    let subject = crate::live::subject(group, kind);
    match namespace {
        Some(ns) => format!("{subject} in namespace {ns}"),
        None => subject,
    }
}

/// What `export` wrote, on stderr; what could not be read as notes.
pub fn exported(exported: &crate::export::Exported, dir: &Path) -> io::Result<()> {
    let mut err = io::stderr().lock();
    for note in &exported.notes {
        writeln!(err, "note: {note}")?;
    }
    writeln!(
        err,
        "Exported to {}: {} written, {} unchanged, {} removed.",
        dir.display(),
        exported.written,
        exported.unchanged,
        exported.removed
    )?;
    if exported.incomplete {
        writeln!(
            err,
            "error: the export is incomplete: the kinds above could not be read, and their files were left as they were (exit code 2)"
        )?;
    }
    Ok(())
}

/// What `init` wrote, on stderr. `found`: lint finds the file by its name.
pub fn initialized(name: &str, found: bool) -> io::Result<()> {
    let how = match found {
        true => "`seaworthy lint` finds it when run in its folder or one below".to_string(),
        false => format!("use it with `seaworthy lint --config {name}`"),
    };
    writeln!(
        io::stderr().lock(),
        "Wrote {name}: every setting at its default, commented out (remove a setting's `#` to change it); {how}."
    )
}

/// A warning about the run itself, on stderr.
pub fn warning(text: &str) {
    eprintln!("warning: {text}");
}

/// Prints to stdout for the subcommands that are not lint runs.
pub fn print(text: &str) -> io::Result<()> {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// Renders a miette diagnostic the way the human report does, for errors
/// that stop a run.
pub fn print_error(error: &dyn miette::Diagnostic, colour: Colour) {
    let mut text = String::new();
    let handler = human::handler(colour.on(&io::stderr()));
    if handler.render_report(&mut text, error).is_err() {
        text = format!("error: {error}");
    }
    eprintln!("{text}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_format_name_parses_back_to_it() {
        for name in Format::NAMES {
            assert_eq!(Format::parse(name).map(Format::name), Some(name));
        }
    }

    #[test]
    fn always_and_never_do_not_ask_the_stream() {
        assert!(Colour::Always.on(&io::stdout()));
        assert!(!Colour::Never.on(&io::stdout()));
    }
}
