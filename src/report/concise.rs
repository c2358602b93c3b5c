//! One line per finding, `path:line:col: severity[rule] message (object)`:
//! the shape editors' problem matchers, grep and `sort` expect.

use std::io::{self, Write};

use crate::finding::{Finding, Severity};
use crate::outcome::Outcome;

/// The line of one finding. The place is always the text that was read
/// (for rendered Helm output, the rendered file and its line), so that an
/// editor jumps to it; the template follows when it is known.
pub fn line(finding: &Finding, outcome: &Outcome, colour: bool) -> String {
    let start = finding.location.span.start;
    let file = outcome
        .sources
        .get(finding.location.source)
        .map_or("<unknown>", |s| s.name.as_str());
    let mut line = format!(
        "{}:{}:{}: {}[{}] {}",
        one_line(file),
        start.line,
        start.column,
        severity(finding.severity, colour),
        one_line(&finding.rule),
        one_line(&finding.message),
    );
    if let Some(object) = &finding.object {
        line.push_str(&format!(" ({})", one_line(&object.logical_name())));
    }
    if let Some(template) = &finding.template {
        line.push_str(&format!(" (rendered from {})", one_line(template)));
    }
    line
}

/// The severity word, in the colours of the human report when asked.
fn severity(severity: Severity, colour: bool) -> String {
    super::paint(severity.as_str(), super::severity_sgr(severity), colour)
}

/// Text on one line and free of control characters: line breaks (Unicode's
/// too) and tabs become spaces, any other control character is escaped
/// (`\u{1b}`), so that no text read from a manifest can start a line or
/// drive a terminal.
pub(super) fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\r' | '\n' | '\t' | '\u{2028}' | '\u{2029}' => out.push(' '),
            c if c.is_control() => out.extend(c.escape_unicode()),
            c => out.push(c),
        }
    }
    out
}

pub fn write(outcome: &Outcome, colour: bool, quiet: bool, out: &mut dyn Write) -> io::Result<()> {
    for finding in outcome.findings.iter().filter(|f| f.counts()) {
        writeln!(out, "{}", line(finding, outcome, colour))?;
    }
    if !quiet {
        writeln!(out, "{}", super::human::summary_line(outcome))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_kept_on_one_line_without_control_characters() {
        assert_eq!(
            one_line("a\r\nb\tc\u{2028}d\u{1b}[31m\u{85}"),
            "a  b c d\\u{1b}[31m\\u{85}"
        );
    }

    #[test]
    fn the_severity_is_coloured_only_when_asked() {
        assert_eq!(severity(Severity::Warning, false), "warning");
        assert_eq!(
            severity(Severity::Error, true),
            "\u{1b}[1;31merror\u{1b}[0m"
        );
    }
}
