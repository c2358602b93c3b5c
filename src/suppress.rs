//! Suppressions that leave a trace: an annotation on the object, a comment
//! on the line, or an `exclude` entry in the config. A suppressed finding is
//! kept (SARIF records it with its justification) but no longer fails the
//! gate; a suppression without a reason does not count, an expired one
//! stops working and says so, and one that suppresses nothing is reported.

use std::collections::HashMap;

use globset::{Glob, GlobMatcher};

use crate::config::{ConfigError, ConfigSource, Spanned};
use crate::document::{Document, Node, Pos, Span, Value};
use crate::finding::{Finding, Location, Severity};
use crate::source::SourceFile;

/// The annotation that lists the rules to ignore on an object.
pub const IGNORE_ANNOTATION: &str = "seaworthy.dev/ignore";
/// The annotation that says why; required.
pub const REASON_ANNOTATION: &str = "seaworthy.dev/ignore-reason";
/// The comment marker: `# seaworthy:ignore rule-a,rule-b -- reason`.
const COMMENT_MARKER: &str = "seaworthy:ignore";

pub const UNUSED_SUPPRESSION: &str = "unused-suppression";
pub const INVALID_SUPPRESSION: &str = "invalid-suppression";

/// Where a suppression was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuppressionKind {
    /// In the manifest: an annotation or a comment.
    InSource,
    /// In the config file.
    External,
}

/// Why a finding does not fail the gate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    pub kind: SuppressionKind,
    pub justification: String,
}

/// A calendar date, for `until:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    pub fn parse(text: &str) -> Option<Date> {
        let mut parts = text.trim().splitn(3, '-');
        let year = parts.next()?.parse().ok()?;
        let month = parts.next()?.parse().ok()?;
        let day = parts.next()?.parse().ok()?;
        ((1..=12).contains(&month) && (1..=31).contains(&day)).then_some(Date { year, month, day })
    }

    /// Today in UTC.
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Date::from_days((secs / 86_400) as i64)
    }

    /// The civil date of a day count since 1970-01-01.
    fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// One `exclude` entry of the config: every criterion given must match.
#[derive(Debug, Clone)]
pub struct Exclude {
    pub rules: Vec<Spanned<String>>,
    paths: Vec<GlobMatcher>,
    kinds: Vec<String>,
    namespaces: Vec<String>,
    names: Vec<String>,
    pub reason: String,
    pub until: Option<Date>,
    /// Where the entry is written in the config file, for notes.
    pub line: u32,
}

impl Exclude {
    fn matches(&self, finding: &Finding, source_name: &str) -> bool {
        let any = |list: &[String], value: Option<&str>| {
            list.is_empty() || value.is_some_and(|v| list.iter().any(|x| x == v))
        };
        let object = finding.object.as_ref();
        (self.rules.is_empty() || self.rules.iter().any(|r| r.value == finding.rule))
            && (self.paths.is_empty() || self.paths.iter().any(|g| g.is_match(source_name)))
            && any(&self.kinds, object.map(|o| o.kind.as_str()))
            && any(
                &self.namespaces,
                object.and_then(|o| o.namespace.as_deref()),
            )
            && any(&self.names, object.and_then(|o| o.name.as_deref()))
    }
}

/// Reads the `exclude` list of the config.
pub fn parse_excludes(source: &ConfigSource, node: &Node) -> Result<Vec<Exclude>, ConfigError> {
    let fail = |node: &Node, message: &str| source.error(node.span, message.to_string(), None);
    let Some(items) = node.as_seq() else {
        return Err(fail(node, "`exclude` must be a list of entries"));
    };
    let mut out = Vec::new();
    for item in items {
        let Some(entries) = item.as_map() else {
            return Err(fail(
                item,
                "an `exclude` entry is a mapping: rules, paths, kinds, namespaces, names, reason, until",
            ));
        };
        let mut exclude = Exclude {
            rules: Vec::new(),
            paths: Vec::new(),
            kinds: Vec::new(),
            namespaces: Vec::new(),
            names: Vec::new(),
            reason: String::new(),
            until: None,
            line: item.span.start.line,
        };
        for entry in entries {
            let value = &entry.value;
            let list = |key: &str| -> Result<Vec<Spanned<String>>, ConfigError> {
                let items: Vec<&Node> = match &value.value {
                    Value::Seq(items) => items.iter().collect(),
                    _ => vec![value],
                };
                items
                    .into_iter()
                    .map(|n| {
                        n.as_str()
                            .map(|s| Spanned {
                                value: s.to_string(),
                                span: n.span,
                            })
                            .ok_or_else(|| fail(n, &format!("`{key}` lists strings")))
                    })
                    .collect()
            };
            let strings = |key: &str| -> Result<Vec<String>, ConfigError> {
                Ok(list(key)?.into_iter().map(|s| s.value).collect())
            };
            match entry.key.as_str() {
                "rules" | "rule" => exclude.rules = list("rules")?,
                "paths" | "path" => {
                    for glob in list("paths")? {
                        let matcher = Glob::new(&glob.value)
                            .map_err(|e| source.error(glob.span, format!("bad glob: {e}"), None))?
                            .compile_matcher();
                        exclude.paths.push(matcher);
                    }
                }
                "kinds" | "kind" => exclude.kinds = strings("kinds")?,
                "namespaces" | "namespace" => exclude.namespaces = strings("namespaces")?,
                "names" | "name" => exclude.names = strings("names")?,
                "reason" => {
                    exclude.reason = value
                        .as_str()
                        .map(str::to_string)
                        .ok_or_else(|| fail(value, "`reason` is a sentence saying why"))?
                }
                "until" => {
                    let text = match &value.value {
                        Value::String(s) => s.clone(),
                        _ => String::new(),
                    };
                    exclude.until = Some(
                        Date::parse(&text)
                            .ok_or_else(|| fail(value, "`until` is a date written YYYY-MM-DD"))?,
                    );
                }
                other => {
                    return Err(source.error(
                        entry.key_span,
                        format!("unknown `exclude` setting `{other}`"),
                        Some(
                            "an entry has rules, paths, kinds, namespaces, names, reason, until"
                                .into(),
                        ),
                    ))
                }
            }
        }
        if exclude.reason.trim().is_empty() {
            return Err(fail(
                item,
                "an `exclude` entry needs a `reason`: suppressions must say why",
            ));
        }
        out.push(exclude);
    }
    Ok(out)
}

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
        let (rule, severity, message) = match (&s.reason, s.used) {
            (None, _) => (
                INVALID_SUPPRESSION,
                Severity::Warning,
                format!(
                    "suppression of `{rules}` has no reason, so it suppresses nothing: say why"
                ),
            ),
            // A suppression of rules this run does not check is not stale.
            (Some(_), false) if !s.rules.iter().any(|r| enabled(r)) => continue,
            (Some(_), false) => (
                UNUSED_SUPPRESSION,
                Severity::Note,
                format!("suppression of `{rules}` matches no finding: remove it"),
            ),
            (Some(_), true) => continue,
        };
        applied.findings.push(Finding {
            rule: rule.to_string(),
            severity,
            message,
            object: None,
            path: Vec::new(),
            location: s.location,
            related: Vec::new(),
            suppression: None,
            baseline: None,
        });
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
    fn dates_parse_and_compare() {
        let d = Date::parse("2026-12-31").unwrap();
        assert!(Date::parse("2027-01-01").unwrap() > d);
        assert_eq!(Date::parse("2026-13-01"), None);
        assert_eq!(Date::from_days(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_days(20_819).to_string(), "2027-01-01");
    }

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
