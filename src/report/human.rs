//! The report for people: findings grouped by the object they are about,
//! the object named once with its file and line; each finding as
//! `severity[rule]: message`, the findings at one place sharing one code
//! frame; each rule's help once, after the findings; then a summary by rule
//! and severity. Its cost grows with the findings shown, not with the size
//! of the files they are in.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{self, IsTerminal, Write};

use miette::{GraphicalReportHandler, GraphicalTheme};

use crate::finding::{Finding, Severity};
use crate::outcome::{Outcome, Tally};
use crate::source::Origin;

use super::concise::one_line;
use super::frame::{self, Frame, Masks};
use super::{paint, severity_sgr};

/// Under `--color auto`: colour only for a terminal, and never under
/// `NO_COLOR`.
pub fn colour_for(stream: &impl IsTerminal) -> bool {
    stream.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// How errors that are not findings are drawn (bad input, config).
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

/// Help text is wrapped to this many columns.
const HELP_WIDTH: usize = 100;
const BOLD: &str = "1";

/// The first paragraph of a rule's remediation.
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

/// What a frame of one finding says of its span.
fn label(finding: &Finding) -> String {
    match &finding.location.missing {
        Some(missing) if !missing.is_empty() => format!("`{missing}` is missing here"),
        _ if finding.path.is_empty() => "here".to_string(),
        _ => crate::document::display_path(&finding.path),
    }
}

/// The path of what a finding's span shows: its path, less the part that
/// is missing.
fn shown_path(finding: &Finding) -> String {
    let path = &finding.path;
    let missing = finding.location.missing.as_deref().unwrap_or_default();
    let kept = (0..=path.len())
        .find(|&k| crate::document::display_path(&path[k..]) == missing)
        .unwrap_or(path.len());
    crate::document::display_path(&path[..kept])
}

/// The findings about one object of one source (or, for findings on no
/// object, about the source), in report order.
struct Group<'a> {
    findings: Vec<&'a Finding>,
}

/// The counted findings by object, each group where its first finding is.
fn groups(outcome: &Outcome) -> Vec<Group<'_>> {
    type Key<'a> = (usize, Option<(&'a str, &'a str, &'a str)>, usize);
    let mut index: HashMap<Key, usize> = HashMap::new();
    let mut groups: Vec<Group> = Vec::new();
    for finding in outcome.findings.iter().filter(|f| f.counts()) {
        let object = finding.object.as_ref().map(|o| {
            (
                o.kind.as_str(),
                o.namespace.as_deref().unwrap_or_default(),
                o.name.as_deref().unwrap_or_default(),
            )
        });
        // Two objects of one name in one file are two groups.
        let at = match object {
            Some(_) => finding.location.context.map_or(0, |c| c.start.offset),
            None => 0,
        };
        let key = (finding.location.source, object, at);
        let i = *index.entry(key).or_insert_with(|| {
            groups.push(Group {
                findings: Vec::new(),
            });
            groups.len() - 1
        });
        groups[i].findings.push(finding);
    }
    groups
}

/// `Deployment shop/api  examples/shop/api.yaml:1`: the object, where it
/// starts (a live object's name alone: it is the whole source), and the
/// Helm template it was rendered from.
fn heading(outcome: &Outcome, first: &Finding, colour: bool) -> String {
    let source = &outcome.sources[first.location.source];
    let mut place = one_line(&source.name);
    if first.object.is_some() && !matches!(source.origin, Origin::Cluster(_)) {
        let line = first
            .location
            .context
            .map_or(first.location.span.start.line, |c| c.start.line);
        let _ = write!(place, ":{line}");
    }
    let mut heading = match &first.object {
        Some(object) => {
            let name = object.name.as_deref().unwrap_or("<unnamed>");
            let named = match &object.namespace {
                Some(ns) => format!("{} {ns}/{name}", object.kind),
                None => format!("{} {name}", object.kind),
            };
            format!("{}  {place}", paint(&one_line(&named), BOLD, colour))
        }
        None => paint(&place, BOLD, colour),
    };
    if let Some(template) = &first.template {
        let _ = write!(heading, " (rendered from {})", one_line(template));
    }
    heading
}

/// One group: its heading, then each finding, those at one place followed
/// by the frame they share.
fn write_group(
    text: &mut String,
    outcome: &Outcome,
    group: &Group,
    masks: &mut [Option<Masks>],
    colour: bool,
) {
    let Some(first) = group.findings.first() else {
        return;
    };
    let _ = writeln!(text, "{}", heading(outcome, first, colour));
    for place in group
        .findings
        .chunk_by(|a, b| a.location.span == b.location.span)
    {
        for finding in place {
            let _ = writeln!(
                text,
                "  {}[{}]: {}",
                paint(
                    finding.severity.as_str(),
                    severity_sgr(finding.severity),
                    colour
                ),
                one_line(&finding.rule),
                one_line(&finding.message)
            );
            for related in &finding.related {
                let p = related.location.span.start;
                let file = outcome
                    .sources
                    .get(related.location.source)
                    .map_or("<unknown>", |s| s.name.as_str());
                let _ = writeln!(
                    text,
                    "    see also: {} at {}:{}:{}",
                    one_line(&related.message),
                    one_line(file),
                    p.line,
                    p.column
                );
            }
        }
        let finding = place[0];
        let at = finding.location.source;
        let source = &outcome.sources[at];
        let Ok(source_text) = &source.text else {
            let p = finding.location.span.start;
            let _ = writeln!(
                text,
                "    at {}:{}:{}",
                one_line(&source.name),
                p.line,
                p.column
            );
            continue;
        };
        let labels: Vec<String> = place.iter().map(|f| label(f)).collect();
        let label = match labels.iter().all(|l| *l == labels[0]) {
            true => labels[0].clone(),
            false => match shown_path(finding) {
                p if p.is_empty() => "here".to_string(),
                p => p,
            },
        };
        let worst = place
            .iter()
            .map(|f| f.severity)
            .max()
            .unwrap_or(Severity::Note);
        let masks = masks[at].get_or_insert_with(|| {
            Masks::new(outcome.redactions.get(at).map_or(&[][..], Vec::as_slice))
        });
        frame::write(
            text,
            &Frame {
                name: &source.name,
                text: source_text,
                masks,
                span: finding.location.span,
                label: &label,
                sgr: severity_sgr(worst),
            },
            "  ",
            colour,
        );
    }
    text.push('\n');
}

/// Each rule found, once, with the first paragraph of its remediation.
fn write_help(outcome: &Outcome, colour: bool, out: &mut dyn Write) -> io::Result<()> {
    let mut rules: Vec<&str> = outcome
        .tally
        .by_rule
        .keys()
        .map(|(r, _)| r.as_str())
        .collect();
    rules.dedup();
    let helps: Vec<(&str, String)> = rules
        .into_iter()
        .filter_map(|r| short_help(outcome, r).map(|h| (r, h)))
        .collect();
    if helps.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "{}",
        paint(
            "How to fix (`seaworthy explain RULE` tells more):",
            BOLD,
            colour
        )
    )?;
    for (rule, help) in helps {
        writeln!(out, "  {}", paint(&one_line(rule), BOLD, colour))?;
        for line in wrap(&one_line(&help), HELP_WIDTH - 4) {
            writeln!(out, "    {line}")?;
        }
    }
    writeln!(out)
}

/// `text` in lines of at most `width` characters, broken between words.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The report: the counted findings by object, then, unless `quiet`, the
/// help of each rule found and the summary.
pub fn write(outcome: &Outcome, colour: bool, quiet: bool, out: &mut dyn Write) -> io::Result<()> {
    // The masks of a source are sorted once, when a frame first shows it.
    let mut masks: Vec<Option<Masks>> = Vec::new();
    masks.resize_with(outcome.sources.len(), || None);
    let mut text = String::new();
    for group in groups(outcome) {
        write_group(&mut text, outcome, &group, &mut masks, colour);
        out.write_all(text.as_bytes())?;
        text.clear();
    }
    if quiet {
        return Ok(());
    }
    write_help(outcome, colour, out)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{ObjectRef, PathSeg};
    use crate::finding::Location;
    use crate::source::{LineIndex, SourceFile, Span};

    const TEXT: &str = "kind: Deployment\nmetadata:\n  name: a\nspec:\n  replicas: 1\n---\nkind: Deployment\nmetadata:\n  name: b\nspec:\n  replicas: 1\n";

    /// A finding of `rule` on the object named `name`, at the first
    /// `field` after byte `from`.
    fn finding(rule: &str, name: &str, field: &str, from: usize) -> Finding {
        let index = LineIndex::new(TEXT);
        let at = |needle: &str| from + TEXT[from..].find(needle).expect("in the text");
        let span = |from: usize, len: usize| Span::new(index.pos(from), index.pos(from + len));
        let context = "kind: Deployment";
        Finding {
            rule: rule.into(),
            severity: Severity::Warning,
            message: format!("{rule} on {name}"),
            object: Some(ObjectRef {
                api_version: "apps/v1".into(),
                kind: "Deployment".into(),
                namespace: Some("shop".into()),
                name: Some(name.into()),
            }),
            path: vec![PathSeg::Key("spec".into()), PathSeg::Key("replicas".into())],
            location: Location {
                source: 0,
                span: span(at(field), field.len()),
                missing: None,
                context: Some(span(at(context), context.len())),
            },
            related: Vec::new(),
            suppression: None,
            baseline: None,
            fingerprint: String::new(),
            template: None,
        }
    }

    #[test]
    fn findings_are_grouped_by_object_and_share_the_frame_of_their_place() {
        let second = TEXT.find("---").unwrap();
        let outcome = Outcome {
            sources: vec![SourceFile::from_text("x.yaml", TEXT)],
            findings: vec![
                finding("one", "a", "replicas: 1", 0),
                finding("two", "a", "replicas: 1", 0),
                finding("three", "b", "replicas: 1", second),
                // Out of order, still under its object.
                finding("four", "a", "name: a", 0),
            ],
            ..Outcome::default()
        };
        let mut out = Vec::new();
        write(&outcome, false, true, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        let headings: Vec<&str> = text
            .lines()
            .filter(|l| l.starts_with("Deployment"))
            .collect();
        assert_eq!(
            headings,
            ["Deployment shop/a  x.yaml:1", "Deployment shop/b  x.yaml:7"],
            "{text}"
        );
        // `one` and `two` are at one place: one frame, after both.
        let (a, b) = text.split_once("\nDeployment shop/b").unwrap();
        assert!(
            a.contains("  warning[one]: one on a\n  warning[two]: two on a\n     ╭─[x.yaml:5:3]"),
            "{text}"
        );
        assert_eq!(a.matches("╭─[").count(), 2, "{text}");
        assert!(a.contains("warning[four]"), "{text}");
        assert_eq!(b.matches("╭─[").count(), 1, "{text}");
    }

    #[test]
    fn help_is_wrapped_between_words() {
        assert_eq!(
            wrap("Set `a: b` on the container, for example", 16),
            ["Set `a: b` on", "the container,", "for example"]
        );
        assert_eq!(wrap("", 10), Vec::<String>::new());
    }
}
