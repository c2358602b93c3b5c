//! Suppressions that leave a trace: an annotation on the object, a comment
//! on the line, or an `exclude` entry in the config. A suppressed finding is
//! kept (SARIF records it with its justification) but no longer fails the
//! gate; a suppression without a reason does not count, an expired one
//! stops working and says so, and one that suppresses nothing is reported.
//! So is one that names a rule that does not exist: a typo would otherwise
//! leave the finding it meant to silence in place, with no hint why.

use std::collections::HashMap;

use crate::config::{suggest, Date, Exclude};
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
    rules: Vec<Named>,
    reason: Option<String>,
    /// Why it cannot be read at all (an annotation that is not a string),
    /// and where.
    malformed: Option<(String, Span)>,
    /// Where it is written, for reports about it.
    location: Location,
    /// The lines whose findings it covers (comments), or every finding of
    /// the object (annotations: `None`).
    lines: Option<(u32, u32)>,
    used: bool,
}

/// A rule a suppression names, and where the name is written.
#[derive(Debug, Clone, PartialEq)]
struct Named {
    id: String,
    span: Span,
}

/// What applying the suppressions produced besides marking findings.
#[derive(Debug, Default)]
pub struct Applied {
    /// Findings about the suppressions themselves (unused, no reason).
    pub findings: Vec<Finding>,
    /// Notes about config entries (expired, unused).
    pub notes: Vec<String>,
}

/// The rules a run knows: every rule of the catalog (`known`, for telling a
/// typo from a rule this run does not check) and whether one is enabled.
pub struct RuleNames<'a> {
    pub known: Vec<&'a str>,
    pub enabled: &'a dyn Fn(&str) -> bool,
}

/// Marks the findings that a suppression covers.
pub fn apply(
    findings: &mut [Finding],
    sources: &[SourceFile],
    documents: &[Document],
    excludes: &[Exclude],
    strict: bool,
    today: Date,
    names: &RuleNames,
) -> Applied {
    let enabled = names.enabled;
    let mut applied = Applied::default();
    let mut in_source: Vec<InSource> = Vec::new();
    if !strict {
        for doc in documents {
            let text = sources.get(doc.source).map_or("", SourceFile::text);
            in_source.extend(annotation(doc, text));
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
            if s.reason.is_none() || !s.rules.iter().any(|r| r.id == finding.rule) {
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
        if let Some((problem, span)) = s.malformed {
            let location = Location { span, ..s.location };
            applied
                .findings
                .push(invalid_suppression::malformed(problem, location));
            continue;
        }
        if s.rules.is_empty() {
            applied
                .findings
                .push(invalid_suppression::no_rule(s.location));
            continue;
        }
        let (known, unknown): (Vec<Named>, Vec<Named>) = s
            .rules
            .into_iter()
            .partition(|r| names.known.contains(&r.id.as_str()));
        for rule in unknown {
            let location = Location {
                span: rule.span,
                ..s.location.clone()
            };
            let near = suggest(&rule.id, names.known.iter().copied());
            applied
                .findings
                .push(invalid_suppression::unknown_rule(&rule.id, near, location));
        }
        if known.is_empty() {
            continue;
        }
        let rules = known.iter().map(|r| r.id.as_str()).collect::<Vec<_>>();
        let rules = rules.join(",");
        let finding = match (&s.reason, s.used) {
            (None, _) => invalid_suppression::finding(&rules, s.location),
            // A suppression of rules this run does not check is not stale.
            (Some(_), false) if !known.iter().any(|r| enabled(&r.id)) => continue,
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

/// The `seaworthy.dev/ignore` annotation of an object; `text` is its
/// source's, where the rule names are looked for to point at each.
fn annotation(doc: &Document, text: &str) -> Option<InSource> {
    let annotations = doc.root.get("metadata")?.get("annotations")?;
    let entry = annotations.entry(IGNORE_ANNOTATION)?;
    let reason_node = annotations.entry(REASON_ANNOTATION);
    // Annotation values are strings to the API server; a list or a number
    // here is a mistake that must not pass for a suppression.
    let not_a_string = |key: &str, example: &str, node: &Node| {
        format!(
            "`{key}` must be a string (`{example}`), not {}, so the suppression suppresses nothing",
            node.type_name()
        )
    };
    let malformed = match (&entry.value.as_str(), reason_node) {
        (None, _) => Some((
            not_a_string(IGNORE_ANNOTATION, "\"rule-a,rule-b\"", &entry.value),
            entry.key_span.join(entry.value.span),
        )),
        (Some(_), Some(r)) if r.value.as_str().is_none() => Some((
            not_a_string(REASON_ANNOTATION, "\"why\"", &r.value),
            r.key_span.join(r.value.span),
        )),
        _ => None,
    };
    let rules = match entry.value.as_str() {
        Some(value) => named_in_value(value, entry.value.span, text),
        None => Vec::new(),
    };
    let reason = reason_node
        .and_then(|r| r.value.as_str())
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_string);
    let location = Location {
        source: doc.source,
        span: entry.key_span.join(entry.value.span),
        missing: None,
        context: Some(doc.root.span),
    };
    Some(InSource {
        rules,
        reason,
        malformed,
        location,
        lines: None,
        used: false,
    })
}

/// The rules an annotation's value names, each at its place in the source
/// when the value is written on one line (plain or quoted); else at the
/// whole value.
fn named_in_value(value: &str, span: Span, text: &str) -> Vec<Named> {
    let written = text.get(span.start.offset..span.end.offset).unwrap_or("");
    let one_line = span.start.line == span.end.line && !written.contains('\n');
    let mut from = 0;
    split_rules(value)
        .into_iter()
        .map(|id| {
            let found = one_line.then(|| find_token(written, &id, from)).flatten();
            let span = match found {
                Some(at) => {
                    from = at + id.len();
                    name_span(span.start, written, at, &id)
                }
                None => span,
            };
            Named { id, span }
        })
        .collect()
}

/// The span of `name` at byte `at` of `line`, a line's text from `base`.
fn name_span(base: Pos, line: &str, at: usize, name: &str) -> Span {
    let column = base.column + line[..at].chars().count() as u32;
    let start = Pos {
        line: base.line,
        column,
        offset: base.offset + at,
    };
    let end = Pos {
        line: base.line,
        column: column + name.chars().count() as u32,
        offset: start.offset + name.len(),
    };
    Span::new(start, end)
}

/// The byte index of `token` in `text` at or after `from`, as a whole name
/// (not part of a longer one).
fn find_token(text: &str, token: &str, from: usize) -> Option<usize> {
    let is_name = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
    let mut at = from;
    while let Some(i) = text.get(at..)?.find(token) {
        let start = at + i;
        let end = start + token.len();
        let before = text[..start].chars().next_back();
        let after = text[end..].chars().next();
        if !before.is_some_and(is_name) && !after.is_some_and(is_name) {
            return Some(start);
        }
        at = end;
    }
    None
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
                // Where the rule list starts in the line, to point at a name.
                let rules_at =
                    at + line[at..].find(COMMENT_MARKER).unwrap_or(0) + COMMENT_MARKER.len();
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
                let line_start = Pos {
                    line: line_no,
                    column: 1,
                    offset,
                };
                let rules = named_in_comment(rules, line, rules_at, line_start);
                out.push(InSource {
                    rules,
                    reason: reason.filter(|r| !r.is_empty()).map(str::to_string),
                    malformed: None,
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

/// The rules a comment names, each at its place in `line` (which starts at
/// `line_start`); `rules` is the part of the line from byte `rules_at`.
fn named_in_comment(rules: &str, line: &str, rules_at: usize, line_start: Pos) -> Vec<Named> {
    let mut from = rules_at;
    split_rules(rules)
        .into_iter()
        .map(|id| {
            let at = find_token(line, &id, from).unwrap_or(from);
            from = at + id.len();
            let span = name_span(line_start, line, at, &id);
            Named { id, span }
        })
        .collect()
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
        let ids = |s: &InSource| s.rules.iter().map(|r| r.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&found[0]), ["r1", "r2"]);
        // Each name is located: `r2` is at column 28 of line 1.
        assert_eq!(found[0].rules[1].span.start.column, 28);
        assert_eq!(found[0].rules[1].span.end.column, 30);
        assert_eq!(found[0].reason.as_deref(), Some("legacy"));
        assert_eq!(found[0].lines, Some((1, 2)));
        assert_eq!(found[0].location.span.start.column, 6);
        assert_eq!(ids(&found[1]), ["r4"]);
        assert_eq!(found[1].rules[0].span.start.line, 3);
        assert_eq!(found[1].reason, None);
    }

    #[test]
    fn names_in_an_annotation_are_found_in_its_quoted_value() {
        let text = "x: \"runs-as-root, run\"\n";
        let span = Span::new(
            Pos {
                line: 1,
                column: 4,
                offset: 3,
            },
            Pos {
                line: 1,
                column: 23,
                offset: 22,
            },
        );
        let named = named_in_value("runs-as-root, run", span, text);
        let places: Vec<_> = named
            .iter()
            .map(|n| (n.id.as_str(), n.span.start.column, n.span.end.column))
            .collect();
        // `run` is the whole name after the comma, not the start of `runs`.
        assert_eq!(places, [("runs-as-root", 5, 17), ("run", 19, 22)]);
    }
}
