//! Suppressions that leave a trace: an annotation on the object, a comment
//! on the line, or an `exclude` entry in the config. A suppressed finding is
//! kept (SARIF records it with its justification) but no longer fails the
//! gate; a suppression without a reason does not count, an expired one
//! stops working and says so, and one that suppresses nothing is reported.

use std::collections::HashMap;

use crate::config::{Date, Exclude};
use crate::document::{Document, Node, Pos, Span};
use crate::finding::{Finding, Location, Suppression, SuppressionKind};
use crate::rules::{invalid_suppression, unused_suppression};
use crate::source::SourceFile;

/// The annotation that lists the rules to ignore on an object.
pub const IGNORE_ANNOTATION: &str = "seaworthy.dev/ignore";
/// The annotation that says why; required.
pub const REASON_ANNOTATION: &str = "seaworthy.dev/ignore-reason";
/// The comment marker: `# seaworthy:ignore rule-a,rule-b -- reason`.
const COMMENT_MARKER: &str = "seaworthy:ignore";

/// An in-source suppression: an annotation or a comment.
#[derive(Debug)]
struct InSource {
    rules: Vec<String>,
    reason: Option<String>,
    /// Where it is written, for reports about it.
    location: Location,
    /// The lines whose findings it covers (comments), or every finding of
    /// the object (annotations: `None`).
    lines: Option<(u32, u32)>,
    used: bool,
}

/// What applying the suppressions produced besides marking findings.
#[derive(Debug, Default)]
pub struct Applied {
    /// Findings about the suppressions themselves (unused, no reason).
    pub findings: Vec<Finding>,
    /// Notes about config entries (expired, unused).
    pub notes: Vec<String>,
}

/// Marks the findings that a suppression covers.
pub fn apply(
    findings: &mut [Finding],
    sources: &[SourceFile],
    documents: &[Document],
    excludes: &[Exclude],
    strict: bool,
    today: Date,
    enabled: &dyn Fn(&str) -> bool,
) -> Applied {
    let mut applied = Applied::default();
    let mut in_source: Vec<InSource> = Vec::new();
    if !strict {
        for doc in documents {
            in_source.extend(annotation(doc));
        }
        for (index, source) in sources.iter().enumerate() {
            if let Ok(text) = &source.text {
                if text.contains(COMMENT_MARKER) {
                    in_source.extend(comments(index, text));
                }
            }
        }
    }
    // Annotations by the object they sit on: the object's whole span.
    let mut by_source: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, s) in in_source.iter().enumerate() {
        by_source.entry(s.location.source).or_default().push(i);
    }
    let live: Vec<bool> = excludes
        .iter()
        .map(|e| e.until.is_none_or(|until| today <= until))
        .collect();
    let mut exclude_used = vec![false; excludes.len()];

    for finding in findings.iter_mut() {
        let source = finding.location.source;
        let line = finding.location.span.start.line;
        let context = finding.location.context;
        let candidates = by_source.get(&source).map(Vec::as_slice).unwrap_or(&[]);
        for &i in candidates {
            let s = &mut in_source[i];
            if s.reason.is_none() || !s.rules.contains(&finding.rule) {
                continue;
            }
            let covers = match s.lines {
                Some((from, to)) => (from..=to).contains(&line),
                None => context.is_some_and(|c| {
                    c.start.offset <= s.location.span.start.offset
                        && s.location.span.start.offset < c.end.offset
                }),
            };
            if covers {
                s.used = true;
                finding.suppression = Some(Suppression {
                    kind: SuppressionKind::InSource,
                    justification: s.reason.clone().unwrap_or_default(),
                });
                break;
            }
        }
        if finding.suppression.is_some() {
            continue;
        }
        let name = sources.get(source).map_or("", |s| s.name.as_str());
        for (i, exclude) in excludes.iter().enumerate() {
            if exclude.matches(finding, name) {
                exclude_used[i] = true;
                if live[i] {
                    finding.suppression = Some(Suppression {
                        kind: SuppressionKind::External,
                        justification: exclude.reason.clone(),
                    });
                    break;
                }
            }
        }
    }

    for s in in_source {
        let rules = s.rules.join(",");
        let finding = match (&s.reason, s.used) {
            (None, _) => invalid_suppression::finding(&rules, s.location),
            // A suppression of rules this run does not check is not stale.
            (Some(_), false) if !s.rules.iter().any(|r| enabled(r)) => continue,
            (Some(_), false) => unused_suppression::finding(&rules, s.location),
            (Some(_), true) => continue,
        };
        applied.findings.push(finding);
    }
    for (i, exclude) in excludes.iter().enumerate() {
        match (live[i], exclude_used[i]) {
            (false, used) => applied.notes.push(format!(
                "the `exclude` entry at line {} of the config expired on {}: it no longer suppresses anything{}",
                exclude.line,
                exclude.until.map(|d| d.to_string()).unwrap_or_default(),
                if used { ", and the findings it covered count again" } else { "" },
            )),
            (true, false) if exclude.rules.iter().any(|r| enabled(&r.value)) || exclude.rules.is_empty() => applied.notes.push(format!(
                "the `exclude` entry at line {} of the config matches no finding: remove it",
                exclude.line
            )),
            (true, _) => {}
        }
    }
    applied
}

/// The `seaworthy.dev/ignore` annotation of an object.
fn annotation(doc: &Document) -> Option<InSource> {
    let annotations = doc.root.get("metadata")?.get("annotations")?;
    let entry = annotations.entry(IGNORE_ANNOTATION)?;
    let rules = split_rules(entry.value.as_str().unwrap_or_default());
    let reason = annotations
        .get(REASON_ANNOTATION)
        .and_then(Node::as_str)
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_string);
    Some(InSource {
        rules,
        reason,
        location: Location {
            source: doc.source,
            span: entry.key_span.join(entry.value.span),
            missing: None,
            context: Some(doc.root.span),
        },
        lines: None,
        used: false,
    })
}

/// Every `# seaworthy:ignore` comment of a text. A comment covers its own
/// line (a trailing comment) and the line below (a comment on its own line).
fn comments(source: usize, text: &str) -> Vec<InSource> {
    let mut out = Vec::new();
    let mut offset = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let line_no = i as u32 + 1;
        if let Some(at) = comment_start(line) {
            let comment = line[at + 1..].trim();
            if let Some(rest) = comment.strip_prefix(COMMENT_MARKER) {
                let (rules, reason) = match rest.split_once("--") {
                    Some((rules, reason)) => (rules, Some(reason.trim())),
                    None => (rest, None),
                };
                let column = line[..at].chars().count() as u32 + 1;
                let end_column = line.trim_end().chars().count() as u32 + 1;
                let start = Pos {
                    line: line_no,
                    column,
                    offset: offset + at,
                };
                let end = Pos {
                    line: line_no,
                    column: end_column,
                    offset: offset + line.trim_end().len(),
                };
                out.push(InSource {
                    rules: split_rules(rules),
                    reason: reason.filter(|r| !r.is_empty()).map(str::to_string),
                    location: Location {
                        source,
                        span: Span::new(start, end),
                        missing: None,
                        context: None,
                    },
                    lines: Some((line_no, line_no + 1)),
                    used: false,
                });
            }
        }
        offset += line.len();
    }
    out
}

/// The byte index of a line's comment `#`: at the start of the line or
/// after whitespace, outside quotes (a `#` inside a value is not a comment).
fn comment_start(line: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut previous = ' ';
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '#' && previous.is_whitespace() => return Some(i),
            None => {}
        }
        previous = c;
    }
    None
}

fn split_rules(text: &str) -> Vec<String> {
    text.split([',', ' '])
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_found_outside_quotes_only() {
        let text = "a: 1 # seaworthy:ignore r1,r2 -- legacy\nb: \"# seaworthy:ignore r3 -- x\"\n  # seaworthy:ignore r4\n";
        let found = comments(0, text);
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].rules, ["r1", "r2"]);
        assert_eq!(found[0].reason.as_deref(), Some("legacy"));
        assert_eq!(found[0].lines, Some((1, 2)));
        assert_eq!(found[0].location.span.start.column, 6);
        assert_eq!(found[1].rules, ["r4"]);
        assert_eq!(found[1].reason, None);
    }
}
