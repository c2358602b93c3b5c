//! The report for people: each finding as a miette diagnostic that shows the
//! source line with the field underlined, then a summary by rule and severity.

use std::fmt;
use std::io::{self, IsTerminal, Write};

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode,
};

use crate::finding::{Finding, Severity};
use crate::outcome::{Outcome, Tally};

/// Under `--color auto`: colour only for a terminal, and never under
/// `NO_COLOR`.
pub fn colour_for(stream: &impl IsTerminal) -> bool {
    stream.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

pub fn handler(colour: bool) -> GraphicalReportHandler {
    let theme = if colour {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    // No OSC-8 hyperlinks: they end up as escape codes in CI logs.
    GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_width(120)
        .with_context_lines(1)
}

struct FindingDiagnostic<'a> {
    finding: &'a Finding,
    source: Option<NamedSource<std::sync::Arc<str>>>,
    help: Option<String>,
    label: String,
}

impl fmt::Debug for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl fmt::Display for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.finding.message)
    }
}

impl std::error::Error for FindingDiagnostic<'_> {}

impl Diagnostic for FindingDiagnostic<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.finding.rule))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        let span = self.finding.location.span;
        let label = LabeledSpan::new(Some(self.label.clone()), span.start.offset, span.byte_len());
        Some(Box::new(std::iter::once(label)))
    }
}

/// The first paragraph of a rule's remediation, as the diagnostic's help.
fn short_help(outcome: &Outcome, rule: &str) -> Option<String> {
    let rule = outcome.rule(rule)?;
    let paragraph: Vec<&str> = rule
        .meta
        .remediation
        .lines()
        .map(str::trim)
        .take_while(|l| !l.is_empty())
        .collect();
    (!paragraph.is_empty()).then(|| paragraph.join(" "))
}

/// The help line, with the other places a cross-object finding involves.
fn help_text(finding: &Finding, outcome: &Outcome) -> Option<String> {
    let mut help = short_help(outcome, &finding.rule);
    if let Some(template) = &finding.template {
        let from = format!("rendered from {template} (lines are those of the rendered output)");
        help = Some(match help {
            Some(h) => format!("{from}\n{h}"),
            None => from,
        });
    }
    if !finding.related.is_empty() {
        let places: Vec<String> = finding
            .related
            .iter()
            .map(|r| {
                let p = r.location.span.start;
                let file = &outcome.sources[r.location.source].name;
                format!("{} at {file}:{}:{}", r.message, p.line, p.column)
            })
            .collect();
        let also = format!("see also: {}", places.join("; "));
        help = Some(match help {
            Some(h) => format!("{h}\n{also}"),
            None => also,
        });
    }
    help
}

fn label(finding: &Finding) -> String {
    match &finding.location.missing {
        Some(missing) if !missing.is_empty() => format!("`{missing}` is missing here"),
        _ if finding.path.is_empty() => "here".to_string(),
        _ => crate::document::display_path(&finding.path),
    }
}

/// The report: each counted finding, then the summary unless `quiet`.
pub fn write(outcome: &Outcome, colour: bool, quiet: bool, out: &mut dyn Write) -> io::Result<()> {
    let handler = handler(colour);
    // Each source's text with its sensitive values masked, made once.
    let mut masked: Vec<Option<std::sync::Arc<str>>> = vec![None; outcome.sources.len()];
    for finding in outcome.findings.iter().filter(|f| f.counts()) {
        let source = &outcome.sources[finding.location.source];
        let text = source.text.as_ref().ok();
        let diagnostic = FindingDiagnostic {
            finding,
            source: text.map(|t| {
                let shown = masked[finding.location.source]
                    .get_or_insert_with(|| match outcome.redactions.get(finding.location.source) {
                        Some(ranges) if !ranges.is_empty() => {
                            std::sync::Arc::from(crate::redact::mask(t, ranges))
                        }
                        _ => t.clone(),
                    })
                    .clone();
                NamedSource::new(&source.name, shown).with_language("yaml")
            }),
            help: help_text(finding, outcome),
            label: label(finding),
        };
        let mut rendered = String::new();
        if handler.render_report(&mut rendered, &diagnostic).is_err() {
            rendered = format!(
                "{}[{}]: {}\n",
                finding.severity, finding.rule, finding.message
            );
        }
        writeln!(out, "{rendered}")?;
    }
    if quiet {
        return Ok(());
    }
    write_summary(outcome, out)
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn write_summary(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    if let Some(live) = &outcome.live {
        let retried = match live.retries() {
            0 => String::new(),
            n => format!(", {} retried", plural(n, "request")),
        };
        writeln!(
            out,
            "Read {} from {} of {} with {}{retried}; {} controlled by another object checked through their owner.",
            plural(live.kinds.iter().map(|k| k.objects).sum(), "object"),
            live.scope,
            live.server,
            plural(live.requests(), "GET request"),
            live.skipped_owned,
        )?;
    }
    if let Some(coverage) = &outcome.coverage {
        write_coverage(coverage, out)?;
    }
    writeln!(out, "{}", summary_line(outcome))?;
    write_rows(&outcome.tally, "", out)
}

/// Severities counted, most serious first: `4 errors, 18 warnings, 1 note`.
fn levels(tally: &Tally) -> String {
    let levels: Vec<String> = tally
        .by_severity
        .iter()
        .rev()
        .map(|(s, n)| plural(*n, s.as_str()))
        .collect();
    levels.join(", ")
}

/// What was found where, in one line: `Found 23 findings (4 errors, 18
/// warnings, 1 note) in 3 files (4 objects checked).`, or `No findings in
/// …`, with the findings not shown.
pub fn summary_line(outcome: &Outcome) -> String {
    let tally = &outcome.tally;
    // Where the objects came from: files, or a cluster.
    let place = match &outcome.live {
        Some(live) => format!("context {}", live.context),
        None => plural(outcome.sources.len(), "file"),
    };
    let checked = plural(outcome.objects(), "object");
    let hidden = match not_counted(tally) {
        Some(hidden) => format!(" Not shown: {hidden}."),
        None => String::new(),
    };
    if tally.counted == 0 {
        return format!("No findings in {place} ({checked} checked).{hidden}");
    }
    format!(
        "Found {} ({}) in {place} ({checked} checked).{hidden}",
        plural(tally.counted, "finding"),
        levels(tally),
    )
}

/// The findings that do not count: `2 suppressed, 1 unchanged from the
/// baseline`; `None` when there are none.
fn not_counted(tally: &Tally) -> Option<String> {
    let mut hidden = Vec::new();
    if tally.suppressed > 0 {
        hidden.push(format!("{} suppressed", tally.suppressed));
    }
    if tally.unchanged > 0 {
        hidden.push(format!("{} unchanged from the baseline", tally.unchanged));
    }
    (!hidden.is_empty()).then(|| hidden.join(", "))
}

/// The counted findings per rule and severity, most first, each rule
/// padded to the widest of them and of `wide`.
fn write_rows(tally: &Tally, wide: &str, out: &mut dyn Write) -> io::Result<()> {
    let mut rows: Vec<((&str, Severity), usize)> = tally
        .by_rule
        .iter()
        .map(|((rule, severity), n)| ((rule.as_str(), *severity), *n))
        .collect();
    rows.sort_by(|a, b| {
        b.1.cmp(&a.1)
            .then(b.0 .1.cmp(&a.0 .1))
            .then(a.0 .0.cmp(b.0 .0))
    });
    let width = rows
        .iter()
        .map(|((r, _), _)| r.len())
        .max()
        .unwrap_or(0)
        .max(wide.len());
    for ((rule, severity), n) in rows {
        writeln!(out, "{n:>6}  {rule:<width$}  {severity}")?;
    }
    Ok(())
}

/// `--statistics`: only the table of counted findings per rule and
/// severity, then their total by severity and the findings not counted.
pub fn write_statistics(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    let tally = &outcome.tally;
    const TOTAL: &str = "total";
    write_rows(tally, TOTAL, out)?;
    let width = tally
        .by_rule
        .keys()
        .map(|(r, _)| r.len())
        .max()
        .unwrap_or(0)
        .max(TOTAL.len());
    let mut detail = levels(tally);
    if let Some(hidden) = not_counted(tally) {
        if !detail.is_empty() {
            detail.push_str("; ");
        }
        detail.push_str(&format!("not counted: {hidden}"));
    }
    let line = format!("{:>6}  {TOTAL:<width$}  {detail}", tally.counted);
    writeln!(out, "{}", line.trim_end())
}

/// The IaC's coverage of the cluster: overall, then per namespace.
fn write_coverage(coverage: &crate::outcome::IacCoverage, out: &mut dyn Write) -> io::Result<()> {
    use crate::outcome::percent;
    let minimum = match coverage.minimum {
        Some(min) if coverage.below_minimum() => {
            format!("; below the minimum of {min}% (drift.min-coverage): the run fails")
        }
        Some(min) => format!("; the minimum is {min}%"),
        None => String::new(),
    };
    writeln!(
        out,
        "IaC coverage: {:.1}% ({} of {} live objects are declared){minimum}.",
        coverage.percent(),
        coverage.declared,
        coverage.considered,
    )?;
    if coverage.by_namespace.len() > 1 {
        let parts: Vec<String> = coverage
            .by_namespace
            .iter()
            .map(|(ns, c)| {
                format!(
                    "{ns} {:.1}% ({}/{})",
                    percent(c.declared, c.considered),
                    c.declared,
                    c.considered
                )
            })
            .collect();
        writeln!(out, "  by namespace: {}", parts.join(", "))?;
    }
    Ok(())
}

/// Errors that made the run incomplete, for stderr.
pub fn write_errors(outcome: &Outcome, colour: bool, out: &mut dyn Write) -> io::Result<()> {
    if outcome.errors.is_empty() {
        return Ok(());
    }
    let handler = handler(colour);
    for error in &outcome.errors {
        let mut text = String::new();
        if handler.render_report(&mut text, error).is_err() {
            text = format!("error: {error}");
        }
        writeln!(out, "{text}")?;
    }
    writeln!(
        out,
        "error: the results are incomplete: {} (exit code 2)",
        plural(outcome.errors.len(), "problem")
    )
}
