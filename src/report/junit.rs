//! JUnit XML for the test tabs of CI systems (GitLab, Jenkins, GitHub test
//! reporters): every object × enabled rule that applies to its kind is a test
//! case, and every finding a `<failure>` of its case. A case whose findings
//! are all suppressed or unchanged since the baseline is skipped, so that the
//! failures are what fails the gate.
//!
//! One `<testsuite>` per source file rather than per rule: test tabs list
//! suites as the top level and people fix manifests file by file, so a file's
//! failures stay together under its name; the per-rule view is already the
//! summary of the other reports. The case's `classname` is the object
//! (`Deployment/shop/api`), its `name` the rule and the object, so that tools
//! which show only the name still tell two objects apart.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use crate::document::{display_path, ObjectRef};
use crate::finding::Finding;
use crate::outcome::{Outcome, RunError};
use crate::rules::parse_error::ID as PARSE_ERROR;

/// The suite of failures not tied to a source: unreadable paths, rules that
/// failed on the whole inventory.
const RUN_SUITE: &str = "seaworthy";

#[derive(Default)]
struct Case<'a> {
    /// The rule the case runs; empty for the run's own failures.
    rule: String,
    name: String,
    classname: String,
    file: Option<&'a str>,
    /// The findings that count for the gate.
    failures: Vec<&'a Finding>,
    /// Findings that do not count: suppressed, or unchanged since the
    /// baseline. Alone, they make the case skipped rather than failed.
    waived: Vec<&'a Finding>,
    /// Why the case could not be run (`<error>`): the rule failed to evaluate.
    errors: Vec<String>,
}

struct Suite<'a> {
    name: &'a str,
    /// The file in the repository, for the cases' `file` (not for stdin).
    file: Option<&'a str>,
    cases: Vec<Case<'a>>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Status {
    Passed,
    Skipped,
    Failed,
    Errored,
}

impl Case<'_> {
    /// One status per case, so that tests = passed + failures + errors +
    /// skipped.
    fn status(&self) -> Status {
        if !self.errors.is_empty() {
            Status::Errored
        } else if !self.failures.is_empty() {
            Status::Failed
        } else if !self.waived.is_empty() {
            Status::Skipped
        } else {
            Status::Passed
        }
    }
}

#[derive(Default, Clone, Copy)]
struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

impl Counts {
    fn add(self, other: Counts) -> Counts {
        Counts {
            tests: self.tests + other.tests,
            failures: self.failures + other.failures,
            errors: self.errors + other.errors,
            skipped: self.skipped + other.skipped,
        }
    }
}

impl Suite<'_> {
    fn counts(&self) -> Counts {
        let count = |status| self.cases.iter().filter(|c| c.status() == status).count();
        Counts {
            tests: self.cases.len(),
            failures: count(Status::Failed),
            errors: count(Status::Errored),
            skipped: count(Status::Skipped),
        }
    }
}

fn case_name(rule: &str, object: &ObjectRef) -> String {
    format!("{rule} ({})", object.logical_name())
}

/// The suites in input order: in each, the source's `parse-error` case, then
/// its objects in order, each with the enabled rules in catalog order.
fn suites(outcome: &Outcome) -> Vec<Suite<'_>> {
    let mut suites: Vec<Suite> = outcome
        .sources
        .iter()
        .map(|s| Suite {
            name: &s.name,
            file: s.in_repository().then_some(s.name.as_str()),
            cases: Vec::new(),
        })
        .collect();
    // Where the cases of a (source, rule) and an (object, rule) are.
    let mut file_cases: HashMap<(usize, &str), usize> = HashMap::new();
    let mut object_cases: HashMap<(usize, &ObjectRef, &str), usize> = HashMap::new();
    let parse_enabled = outcome.rule(PARSE_ERROR).is_some();
    let evaluated: Vec<_> = outcome.rules.iter().filter(|r| r.query.is_some()).collect();

    for (index, suite) in suites.iter_mut().enumerate() {
        if parse_enabled {
            file_cases.insert((index, PARSE_ERROR), suite.cases.len());
            suite
                .cases
                .push(file_case(PARSE_ERROR, suite.name, suite.file));
        }
    }
    for (source, object) in &outcome.checked {
        let Some(suite) = suites.get_mut(*source) else {
            continue;
        };
        for rule in evaluated.iter().filter(|r| r.applies_to(&object.kind)) {
            // The same object twice in a file: its findings cannot be told
            // apart by identity, so they all go to the first copy's case.
            object_cases
                .entry((*source, object, rule.id.as_str()))
                .or_insert(suite.cases.len());
            suite.cases.push(Case {
                rule: rule.id.clone(),
                name: case_name(&rule.id, object),
                classname: object.logical_name(),
                file: suite.file,
                ..Case::default()
            });
        }
    }

    for finding in &outcome.findings {
        let source = finding.location.source;
        let Some(suite) = suites.get_mut(source) else {
            continue;
        };
        let index = match &finding.object {
            // Findings on no object (parse errors, misplaced suppression
            // comments) fail a case of their rule for the whole file.
            None => *file_cases
                .entry((source, finding.rule.as_str()))
                .or_insert_with(|| {
                    suite
                        .cases
                        .push(file_case(&finding.rule, suite.name, suite.file));
                    suite.cases.len() - 1
                }),
            // A finding on a case that was not planned (an inventory rule
            // reporting a kind it does not list) still gets its own case, so
            // that every finding fails a test case.
            Some(object) => *object_cases
                .entry((source, object, finding.rule.as_str()))
                .or_insert_with(|| {
                    suite.cases.push(Case {
                        rule: finding.rule.clone(),
                        name: case_name(&finding.rule, object),
                        classname: object.logical_name(),
                        file: suite.file,
                        ..Case::default()
                    });
                    suite.cases.len() - 1
                }),
        };
        let case = &mut suite.cases[index];
        if finding.counts() {
            case.failures.push(finding);
        } else {
            case.waived.push(finding);
        }
    }

    let mut run_suite = Suite {
        name: RUN_SUITE,
        file: None,
        cases: Vec::new(),
    };
    for error in &outcome.errors {
        let message = error.to_string();
        if let RunError::Evaluation { rule, object, .. } = error {
            let mut placed = false;
            for case in suites.iter_mut().flat_map(|s| s.cases.iter_mut()) {
                if case.rule == *rule && case.classname == *object {
                    case.errors.push(message.clone());
                    placed = true;
                }
            }
            if placed {
                continue;
            }
            run_suite.cases.push(Case {
                name: format!("{rule} ({object})"),
                classname: RUN_SUITE.into(),
                errors: vec![message],
                ..Case::default()
            });
        } else {
            run_suite.cases.push(Case {
                name: "input".into(),
                classname: RUN_SUITE.into(),
                errors: vec![message],
                ..Case::default()
            });
        }
    }
    if !run_suite.cases.is_empty() {
        suites.push(run_suite);
    }
    suites
}

fn file_case<'a>(rule: &str, name: &str, file: Option<&'a str>) -> Case<'a> {
    Case {
        rule: rule.into(),
        name: rule.into(),
        classname: name.into(),
        file,
        ..Case::default()
    }
}

/// Whether XML 1.0 can hold the character at all, even as a reference.
fn is_xml_char(c: char) -> bool {
    matches!(c,
        '\t' | '\n' | '\r'
        | '\u{20}'..='\u{D7FF}'
        | '\u{E000}'..='\u{FFFD}'
        | '\u{10000}'..='\u{10FFFF}')
}

/// Escapes text for an attribute value (`attribute`) or element content.
/// Characters XML 1.0 forbids (most C0 controls, U+FFFE, U+FFFF) cannot be
/// written even as `&#…;`, so they become a visible `\u001B`.
fn escape(text: &str, attribute: bool, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            // A parser normalises raw whitespace in attributes to spaces and
            // a raw `\r` anywhere to `\n`: references keep them.
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\r' => out.push_str("&#13;"),
            c if !is_xml_char(c) => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
}

fn attr(out: &mut String, name: &str, value: &str) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    escape(value, true, out);
    out.push('"');
}

fn counts_attrs(out: &mut String, counts: Counts) {
    attr(out, "tests", &counts.tests.to_string());
    attr(out, "failures", &counts.failures.to_string());
    attr(out, "errors", &counts.errors.to_string());
    attr(out, "skipped", &counts.skipped.to_string());
    attr(out, "time", "0");
}

/// The text of a failure: a compiler-style first line that CI logs and
/// editors turn into a link, then the rule, the path and how to fix it.
fn failure_text(finding: &Finding, outcome: &Outcome) -> String {
    let file = outcome
        .sources
        .get(finding.location.source)
        .map_or("", |s| s.name.as_str());
    let start = finding.location.span.start;
    let mut text = format!(
        "{file}:{}:{}: {}: {}\nrule: {}",
        start.line, start.column, finding.severity, finding.message, finding.rule
    );
    if !finding.path.is_empty() {
        let _ = write!(text, "\npath: {}", display_path(&finding.path));
        if let Some(missing) = &finding.location.missing {
            let _ = write!(text, " (missing: {missing})");
        }
    }
    let help = outcome
        .rule(&finding.rule)
        .map(|r| r.meta.remediation.trim())
        .filter(|h| !h.is_empty());
    if let Some(help) = help {
        let _ = write!(text, "\nhelp: {help}");
    }
    text
}

fn write_case(out: &mut String, case: &Case, outcome: &Outcome) {
    out.push_str("    <testcase");
    attr(out, "name", &case.name);
    attr(out, "classname", &case.classname);
    if let Some(file) = case.file {
        attr(out, "file", file);
    }
    // Reporters that annotate a pull request read the line from the case.
    if let (Some(_), Some(first)) = (case.file, case.failures.first()) {
        attr(out, "line", &first.location.span.start.line.to_string());
    }
    attr(out, "time", "0");
    if case.status() == Status::Passed {
        out.push_str("/>\n");
        return;
    }
    out.push_str(">\n");
    for error in &case.errors {
        out.push_str("      <error");
        attr(out, "message", error);
        attr(out, "type", "evaluation");
        out.push('>');
        escape(error, false, out);
        out.push_str("</error>\n");
    }
    for finding in &case.failures {
        out.push_str("      <failure");
        attr(out, "message", &finding.message);
        attr(out, "type", finding.severity.as_str());
        out.push('>');
        escape(&failure_text(finding, outcome), false, out);
        out.push_str("</failure>\n");
    }
    if case.status() == Status::Skipped {
        // A case has one `<skipped>`: it names every waived finding.
        let reasons: Vec<String> = case.waived.iter().map(|f| waiver(f)).collect();
        out.push_str("      <skipped");
        attr(out, "message", &reasons.join("; "));
        out.push_str("/>\n");
    }
    out.push_str("    </testcase>\n");
}

/// Why a finding does not count.
fn waiver(finding: &Finding) -> String {
    match &finding.suppression {
        Some(s) if s.justification.is_empty() => format!("{}: suppressed", finding.message),
        Some(s) => format!("{}: suppressed: {}", finding.message, s.justification),
        None => format!("{}: unchanged since the baseline", finding.message),
    }
}

pub fn write(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    let suites = suites(outcome);
    let total = suites
        .iter()
        .map(Suite::counts)
        .fold(Counts::default(), Counts::add);
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites");
    attr(&mut xml, "name", "seaworthy");
    counts_attrs(&mut xml, total);
    xml.push_str(">\n");
    for suite in &suites {
        xml.push_str("  <testsuite");
        attr(&mut xml, "name", suite.name);
        counts_attrs(&mut xml, suite.counts());
        if suite.cases.is_empty() {
            xml.push_str("/>\n");
            continue;
        }
        xml.push_str(">\n");
        for case in &suite.cases {
            write_case(&mut xml, case, outcome);
        }
        xml.push_str("  </testsuite>\n");
    }
    xml.push_str("</testsuites>\n");
    out.write_all(xml.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(text: &str, attribute: bool) -> String {
        let mut out = String::new();
        escape(text, attribute, &mut out);
        out
    }

    #[test]
    fn markup_and_whitespace_are_escaped() {
        assert_eq!(
            escaped("a<b>&\"c\"\n\t\r", true),
            "a&lt;b&gt;&amp;&quot;c&quot;&#10;&#9;&#13;"
        );
        assert_eq!(
            escaped("a<b>&\"c\"\n\t\r", false),
            "a&lt;b&gt;&amp;\"c\"\n\t&#13;"
        );
    }

    #[test]
    fn characters_xml_forbids_become_visible() {
        assert_eq!(
            escaped("a\u{1b}[0m\u{0}\u{FFFF}", false),
            "a\\u001B[0m\\u0000\\uFFFF"
        );
        assert_eq!(escaped("é 🚢 \u{7f}", false), "é 🚢 \u{7f}");
    }
}
