//! GitHub Actions workflow commands: each finding an annotation
//! (`::error file=…,line=…::message`) on its file and line in the run and in
//! the pull request's diff.

use std::io::{self, Write};

use crate::finding::{Finding, Severity};
use crate::outcome::Outcome;

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    }
}

/// Escapes a command's message. The runner reads one command per line, so an
/// unescaped newline in a message (which quotes manifest text) could start a
/// command of its own.
fn escape_data(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c => out.push(c),
        }
    }
    out
}

/// Escapes a property value, where `:` ends the properties and `,` the value.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

fn annotation(finding: &Finding, outcome: &Outcome) -> String {
    let mut properties: Vec<(&str, String)> = Vec::new();
    let source = outcome.sources.get(finding.location.source);
    let mut message = finding.message.clone();
    if let Some(template) = outcome.template_first(finding) {
        // Rendered Helm output from stdin: the chart's file, at no line,
        // since the template line is not known.
        properties.push(("file", template.to_string()));
        message.push_str(&format!(
            " (the template's own line is not known: line {} of the rendered output)",
            finding.location.span.start.line
        ));
    } else if let Some(source) = source.filter(|s| s.in_repository()) {
        // Rendered output committed to the repository stays where it is.
        if let Some(template) = &finding.template {
            message.push_str(&format!(" (rendered from {template})"));
        }
        let span = finding.location.span;
        properties.push(("file", source.name.clone()));
        properties.push(("line", span.start.line.to_string()));
        properties.push(("col", span.start.column.to_string()));
        // The runner drops both columns of a range over several lines, so
        // such a range keeps its start column and loses its end instead.
        if span.end.line == span.start.line {
            properties.push(("endLine", span.end.line.to_string()));
            properties.push(("endColumn", span.end.column.to_string()));
        }
    }
    properties.push(("title", finding.rule.clone()));
    let properties: Vec<String> = properties
        .iter()
        .map(|(key, value)| format!("{key}={}", escape_property(value)))
        .collect();
    format!(
        "::{} {}::{}",
        command(finding.severity),
        properties.join(","),
        escape_data(&message)
    )
}

/// The annotations, then (unless `quiet`) the line with the full count.
pub fn write(outcome: &Outcome, quiet: bool, out: &mut dyn Write) -> io::Result<()> {
    // Suppressed findings and those unchanged since the baseline do not fail
    // the gate: on the diff they would only be noise.
    let counted: Vec<&Finding> = outcome.findings.iter().filter(|f| f.counts()).collect();
    for finding in &counted {
        writeln!(out, "{}", annotation(finding, outcome))?;
    }
    for error in &outcome.errors {
        writeln!(
            out,
            "::error title=seaworthy::{}",
            escape_data(&error.to_string())
        )?;
    }
    if quiet {
        return Ok(());
    }
    // GitHub shows only the first annotations of each kind on a step: this
    // line in the log gives the full count.
    let tally = &outcome.tally;
    let waived = tally.suppressed + tally.unchanged;
    writeln!(
        out,
        "seaworthy: {} findings (errors: {}, warnings: {}, notes: {}) in {} files, {} objects checked{}",
        tally.counted,
        tally.at(Severity::Error),
        tally.at(Severity::Warning),
        tally.at(Severity::Note),
        outcome.sources.len(),
        outcome.objects(),
        if waived > 0 {
            format!("; {waived} more suppressed or unchanged since the baseline")
        } else {
            String::new()
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_and_properties_are_escaped_as_the_runner_reads_them() {
        assert_eq!(escape_data("50% a:b,c\r\nd"), "50%25 a:b,c%0D%0Ad");
        assert_eq!(escape_property("50% a:b,c\r\nd"), "50%25 a%3Ab%2Cc%0D%0Ad");
    }
}
