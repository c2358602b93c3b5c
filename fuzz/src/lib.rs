//! The checks behind the fuzz targets, one public function per target. Each
//! takes the raw input and panics when an invariant does not hold. The
//! regression tests (`tests/fuzz_regressions.rs`) include this file as a
//! module and replay the inputs under `fixtures/fuzz/` through the same
//! functions, so it uses only what the main crate's tests can use too.

use std::path::PathBuf;
use std::sync::Arc;

use seaworthy::config::{self, ConfigError, ConfigSource};
use seaworthy::document::{self, Node, ObjectRef, PathSeg, Pos, Span, Value};
use seaworthy::finding::{
    BaselineState, Finding, Location, Related, Severity, Suppression, SuppressionKind,
    FINGERPRINT_KEY,
};
use seaworthy::outcome::{Outcome, RunError, Tally};
use seaworthy::report::{self, Format};
use seaworthy::rules::parse_error::ID as PARSE_ERROR;
use seaworthy::settings::{Choices, Settings};
use seaworthy::source::{self, Origin, SourceError, SourceFile, Unreadable};

/// The most nodes of one document whose spans are checked; alias expansion
/// can make a million.
const MAX_CHECKED_NODES: usize = 100_000;

// ---------------------------------------------------------------------------
// Positions

/// The lines of a text as seaworthy counts them: `\n` ends a line, columns
/// count Unicode code points from 1.
struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { text, starts }
    }

    /// The position of byte `offset`, which must be a character boundary.
    fn pos(&self, offset: usize) -> Pos {
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        Pos {
            line: line as u32 + 1,
            column: self.text[start..offset].chars().count() as u32 + 1,
            offset,
        }
    }

    /// Every character boundary of the text, its end included.
    fn boundaries(&self) -> Vec<usize> {
        let mut all: Vec<usize> = self.text.char_indices().map(|(i, _)| i).collect();
        all.push(self.text.len());
        all
    }

    fn check_pos(&self, pos: Pos, what: &dyn std::fmt::Display) {
        assert!(
            pos.offset <= self.text.len(),
            "{what}: offset {} is past the end of the text ({} bytes)",
            pos.offset,
            self.text.len()
        );
        assert!(
            self.text.is_char_boundary(pos.offset),
            "{what}: offset {} is inside a character",
            pos.offset
        );
        let expected = self.pos(pos.offset);
        assert_eq!(
            (pos.line, pos.column),
            (expected.line, expected.column),
            "{what}: line and column do not match byte offset {} in {:?}",
            pos.offset,
            self.text
        );
    }

    fn check_span(&self, span: Span, what: &dyn std::fmt::Display) {
        self.check_pos(span.start, what);
        self.check_pos(span.end, what);
        assert!(
            span.start.offset <= span.end.offset,
            "{what}: span ends before it starts: {span:?}"
        );
    }
}

fn within(inner: Span, outer: Span) -> bool {
    outer.start.offset <= inner.start.offset && inner.end.offset <= outer.end.offset
}

// ---------------------------------------------------------------------------
// Choices drawn from the input

/// Reads the input as a stream of choices; past its end every choice is 0,
/// so that anything built from it stays finite.
struct Picks<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Picks<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Picks { bytes, at: 0 }
    }

    fn byte(&mut self) -> u8 {
        let b = self.bytes.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        b
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        let wide = usize::from(self.byte()) << 8 | usize::from(self.byte());
        wide % n
    }

    fn chance(&mut self, in_256: u8) -> bool {
        self.byte() < in_256
    }

    /// Any character, the awkward ones often: line breaks, controls, the
    /// characters reports escape, non-characters, astral ones.
    fn char(&mut self) -> char {
        const AWKWARD: &[char] = &[
            '\n',
            '\r',
            '\t',
            '\0',
            '%',
            ':',
            ',',
            '<',
            '>',
            '&',
            '"',
            '\'',
            ']',
            '=',
            '#',
            '\\',
            ' ',
            '\u{1b}',
            '\u{7f}',
            '\u{85}',
            '\u{2028}',
            '\u{feff}',
            '\u{fffe}',
            '\u{ffff}',
            '\u{d7ff}',
            '\u{e000}',
            '\u{10ffff}',
            'é',
            '🚢',
            '\u{301}',
        ];
        match self.byte() {
            b @ 0..=94 => char::from(b' ' + b),
            b @ 95..=199 => AWKWARD[usize::from(b - 95) % AWKWARD.len()],
            _ => {
                let code = u32::from(self.byte()) << 16
                    | u32::from(self.byte()) << 8
                    | u32::from(self.byte());
                char::from_u32(code % 0x11_0000).unwrap_or('\u{fffd}')
            }
        }
    }

    fn string(&mut self, max: usize) -> String {
        let len = self.below(max + 1);
        (0..len).map(|_| self.char()).collect()
    }
}

// ---------------------------------------------------------------------------
// load: bytes → SourceFile → documents

/// Decodes the bytes as a manifest file is decoded and loads the documents;
/// bytes that do not decode are loaded as lossy UTF-8 too, so the parser
/// sees every input.
pub fn load(data: &[u8]) {
    match source::decode(data) {
        Ok(text) => load_text(&text, data),
        Err(unreadable) => {
            assert!(
                unreadable.pos.line >= 1 && unreadable.pos.column >= 1,
                "unreadable input at {:?}",
                unreadable.pos
            );
            assert!(unreadable.pos.offset <= data.len());
            let file = SourceFile {
                origin: Origin::File(PathBuf::from("fuzz.yaml")),
                name: "fuzz.yaml".into(),
                text: Err(unreadable.clone()),
            };
            let loaded = document::load(0, &file);
            assert!(loaded.documents.is_empty());
            assert_eq!(loaded.problems.len(), 1, "one problem for unreadable text");
            assert_eq!(loaded.problems[0].span.start, unreadable.pos);
            load_text(&String::from_utf8_lossy(data), data);
        }
    }
}

fn load_text(text: &str, choices: &[u8]) {
    let file = SourceFile::from_text("fuzz.yaml", text);
    let loaded = document::load(0, &file);
    let lines = Lines::new(text);
    for p in loaded.problems.iter().chain(&loaded.duplicate_keys) {
        assert_eq!(p.source, 0);
        lines.check_span(p.span, &format_args!("problem {:?}", p.message));
    }
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || ":{}[],-\"'#&*!|>".contains(c))
        .filter(|w| !w.is_empty())
        .take(64)
        .collect();
    // Paths are drawn from the end of the input, which is its least
    // structured part for the parser.
    let reversed: Vec<u8> = choices.iter().rev().copied().collect();
    let mut picks = Picks::new(&reversed);
    for doc in &loaded.documents {
        assert_eq!(doc.source, 0);
        let root = &doc.root;
        lines.check_span(root.span, &"document");
        let mut budget = MAX_CHECKED_NODES;
        check_tree(&lines, root, &mut budget);
        for _ in 0..4 {
            let path = path_into(root, &words, &mut picks);
            check_resolved(&lines, doc, &path);
        }
    }
}

/// Every span of the tree: within the text, in order, line and column
/// right.
fn check_tree(lines: &Lines, node: &Node, budget: &mut usize) {
    if *budget == 0 {
        return;
    }
    *budget -= 1;
    lines.check_span(node.span, &format_args!("{} node", node.type_name()));
    match &node.value {
        Value::Seq(items) => items.iter().for_each(|n| check_tree(lines, n, budget)),
        Value::Map(entries) => {
            for e in entries {
                lines.check_span(e.key_span, &format_args!("key {:?}", e.key));
                check_tree(lines, &e.value, budget);
            }
        }
        _ => {}
    }
}

fn step<'n>(node: &'n Node, seg: &PathSeg) -> Option<&'n Node> {
    match (seg, &node.value) {
        (PathSeg::Key(k), Value::Map(_)) => node.get(k),
        (PathSeg::Index(i), Value::Seq(items)) => items.get(*i),
        _ => None,
    }
}

/// A path that mostly follows the tree and sometimes leaves it: a key from
/// the text that is not there, an index one past the end.
fn path_into(root: &Node, words: &[&str], picks: &mut Picks) -> Vec<PathSeg> {
    let len = usize::from(picks.byte() % 8);
    let mut node = Some(root);
    let mut path = Vec::with_capacity(len);
    for _ in 0..len {
        let follow = !picks.byte().is_multiple_of(4);
        let seg = match node.map(|n| &n.value) {
            Some(Value::Map(entries)) if follow && !entries.is_empty() => {
                PathSeg::Key(entries[picks.below(entries.len())].key.clone())
            }
            Some(Value::Seq(items)) if follow => PathSeg::Index(picks.below(items.len() + 1)),
            _ if !words.is_empty() && picks.chance(160) => {
                PathSeg::Key(words[picks.below(words.len())].to_string())
            }
            _ => PathSeg::Index(picks.below(3)),
        };
        node = node.and_then(|n| step(n, &seg));
        path.push(seg);
    }
    path
}

fn check_resolved(lines: &Lines, doc: &document::Document, path: &[PathSeg]) {
    let root = &doc.root;
    let resolved = root.resolve(path);
    let mut node = Some(root);
    for seg in path {
        node = node.and_then(|n| step(n, seg));
    }
    assert_eq!(
        resolved.exact,
        node.is_some(),
        "resolve says exact={} for {path:?}",
        resolved.exact
    );
    if let Some(n) = node {
        assert!(std::ptr::eq(n, resolved.node), "resolve found another node");
    }
    let what = format_args!("highlight of {}", document::display_path(path));
    let highlight = resolved.highlight();
    lines.check_span(highlight, &what);
    assert!(
        within(highlight, root.span),
        "{what}: {highlight:?} is outside its document {:?}",
        root.span
    );
    let location = Location::at_path(doc, path);
    assert_eq!(location.span, highlight);
    assert_eq!(location.context, Some(root.span));
    assert_eq!(location.missing.is_none(), resolved.exact);
}

// ---------------------------------------------------------------------------
// config: bytes → config::parse

/// Parses the bytes as `.seaworthy.yaml`: the result is a config or an
/// error located in the text, whose message names the line and column of
/// its span; the error renders as the command line renders it.
pub fn config(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let lines = Lines::new(text);
    let source = ConfigSource {
        path: PathBuf::from("/repo/.seaworthy.yaml"),
        name: ".seaworthy.yaml".into(),
        text: Arc::from(text),
    };
    match config::parse(source) {
        Ok(config) => {
            assert!(config.source.is_some());
            let spans = config
                .select
                .iter()
                .flatten()
                .chain(&config.ignore)
                .map(|s| s.span)
                .chain(config.severity.iter().map(|(id, _)| id.span))
                .chain(config.params.iter().map(|(id, _)| id.span));
            for span in spans {
                lines.check_span(span, &"config value");
            }
            for (_, value) in &config.params {
                let mut budget = MAX_CHECKED_NODES;
                check_tree(&lines, value, &mut budget);
            }
        }
        Err(ConfigError::Invalid(located)) => {
            let (offset, len) = (located.span.offset(), located.span.len());
            assert!(
                offset + len <= text.len(),
                "error span {offset}+{len} past the end ({} bytes): {}",
                text.len(),
                located.message
            );
            assert!(
                text.is_char_boundary(offset) && text.is_char_boundary(offset + len),
                "error span {offset}+{len} inside a character: {}",
                located.message
            );
            let at = lines.pos(offset);
            let prefix = format!(".seaworthy.yaml:{}:{}: ", at.line, at.column);
            assert!(
                located.message.starts_with(&prefix),
                "the message does not name the span's place ({prefix}): {}",
                located.message
            );
            let error = ConfigError::Invalid(located);
            let mut rendered = String::new();
            miette::GraphicalReportHandler::new_themed(miette::GraphicalTheme::unicode_nocolor())
                .with_links(false)
                .with_width(120)
                .with_context_lines(1)
                .render_report(&mut rendered, &error)
                .expect("the diagnostic renders");
        }
        Err(other) => panic!("a config error without a place: {other}"),
    }
}

// ---------------------------------------------------------------------------
// reports: arbitrary outcomes → SARIF, JUnit, GitHub, JSON, human

thread_local! {
    /// Every rule of the catalog, preview ones too.
    static SETTINGS: &'static Settings = Box::leak(Box::new(
        Settings::resolve(
            &config::Config::default(),
            &Choices {
                select: Some(vec!["all".into()]),
                preview: true,
                ..Choices::default()
            },
            &[],
        )
        .expect("the built-in policies load"),
    ));
}

/// Builds an outcome from the input (sources, findings with any text and
/// spans at the edges of their sources, errors, templates, suppressions)
/// and renders every report format: SARIF and JSON must parse back with one
/// result per finding and regions from 1, JUnit must be well-formed XML
/// with a failure per counted finding, GitHub one command line per counted
/// finding that reads back to the finding, concise one line per counted
/// finding.
pub fn reports(data: &[u8]) {
    let settings = SETTINGS.with(|s| *s);
    let outcome = outcome(settings, &mut Picks::new(data));
    check_sarif(&outcome);
    check_json(&outcome);
    check_junit(&outcome);
    check_github(&outcome);
    check_concise(&outcome);
    let mut human = Vec::new();
    report::render(Format::Human, &outcome, &mut human).expect("human report");
}

/// A source for the outcome, with the character boundaries of its text.
struct Made {
    file: SourceFile,
    /// The text positions are drawn from: the source's text, or for an
    /// unreadable source the text up to where decoding failed.
    text: String,
    unreadable_at: Option<Pos>,
}

fn outcome(settings: &Settings, picks: &mut Picks) -> Outcome {
    let made: Vec<Made> = (0..1 + picks.below(3)).map(|_| made(picks)).collect();
    let rules: Vec<&str> = settings.rules.iter().map(|r| r.id.as_str()).collect();
    let mut findings: Vec<Finding> = (0..picks.below(9))
        .map(|_| finding(picks, &made, &rules))
        .collect();
    seaworthy::finding::sort_for_report(&mut findings);
    let mut checked: Vec<(usize, ObjectRef)> = Vec::new();
    for f in &findings {
        if let Some(object) = &f.object {
            if !checked
                .iter()
                .any(|(s, o)| *s == f.location.source && o == object)
            {
                checked.push((f.location.source, object.clone()));
            }
        }
    }
    if picks.chance(64) {
        checked.push((picks.below(made.len()), object(picks)));
    }
    checked.sort_by_key(|(s, _)| *s);
    let errors = (0..picks.below(3))
        .map(|_| run_error(picks, &rules))
        .collect();
    let notes = (0..picks.below(2)).map(|_| picks.string(20)).collect();
    let mut redactions = Vec::new();
    for (i, m) in made.iter().enumerate() {
        let bounds = Lines::new(&m.text).boundaries();
        let mut ranges = Vec::new();
        if m.unreadable_at.is_none() {
            for _ in 0..picks.below(3) {
                let (a, b) = (picks.below(bounds.len()), picks.below(bounds.len()));
                ranges.push(bounds[a.min(b)]..bounds[a.max(b)]);
            }
        }
        ranges.sort_by_key(|r| r.start);
        // Findings in a source's first range were rendered from a template.
        if picks.chance(40) {
            if let Some(r) = ranges.first() {
                let template: std::sync::Arc<str> = picks.string(12).into();
                for f in findings
                    .iter_mut()
                    .filter(|f| f.location.source == i && r.contains(&f.location.span.start.offset))
                {
                    f.template = Some(template.clone());
                }
            }
        }
        redactions.push(if picks.chance(128) {
            ranges
        } else {
            Vec::new()
        });
    }
    let sources: Vec<SourceFile> = made.into_iter().map(|m| m.file).collect();
    for f in &mut findings {
        let file = f
            .template
            .as_deref()
            .unwrap_or(&sources[f.location.source].name)
            .to_string();
        f.fingerprint = f.compute_fingerprint(&file);
    }
    Outcome {
        sources,
        tally: Tally::of(&findings),
        findings,
        errors,
        checked,
        notes,
        redactions,
        rules: settings.rules.clone(),
        live: None,
        coverage: None,
    }
}

fn made(picks: &mut Picks) -> Made {
    let text = picks.string(160);
    let stdin = picks.chance(24);
    let name = if stdin {
        "<stdin>".to_string()
    } else {
        picks.string(12)
    };
    let origin = if stdin {
        Origin::Stdin
    } else {
        Origin::File(PathBuf::from(&name))
    };
    if picks.chance(24) {
        // Decoding stopped somewhere in the text.
        let lines = Lines::new(&text);
        let bounds = lines.boundaries();
        let pos = lines.pos(bounds[picks.below(bounds.len())]);
        let message = picks.string(20);
        return Made {
            file: SourceFile {
                origin,
                name,
                text: Err(Unreadable { message, pos }),
            },
            text,
            unreadable_at: Some(pos),
        };
    }
    Made {
        file: SourceFile {
            origin,
            name,
            text: Ok(Arc::from(text.as_str())),
        },
        text,
        unreadable_at: None,
    }
}

/// A span of the source's text: often at its edges or at line ends.
fn span_in(picks: &mut Picks, made: &Made) -> Span {
    if let Some(pos) = made.unreadable_at {
        return Span::new(pos, pos);
    }
    let lines = Lines::new(&made.text);
    let bounds = lines.boundaries();
    let offset = |picks: &mut Picks| match picks.byte() % 6 {
        0 => 0,
        1 => made.text.len(),
        2 => made
            .text
            .match_indices('\n')
            .map(|(i, _)| i)
            .nth(usize::from(picks.byte() % 4))
            .unwrap_or(0),
        _ => bounds[picks.below(bounds.len())],
    };
    let (a, b) = (offset(picks), offset(picks));
    Span::new(lines.pos(a.min(b)), lines.pos(a.max(b)))
}

fn object(picks: &mut Picks) -> ObjectRef {
    const KINDS: &[&str] = &["Deployment", "Pod", "Service", "Ingress", "CronJob"];
    let maybe = |picks: &mut Picks| picks.chance(200).then(|| picks.string(10));
    ObjectRef {
        api_version: if picks.chance(200) {
            "apps/v1".into()
        } else {
            picks.string(8)
        },
        kind: if picks.chance(200) {
            KINDS[picks.below(KINDS.len())].into()
        } else {
            picks.string(8)
        },
        namespace: maybe(picks),
        name: maybe(picks),
    }
}

fn location_in(picks: &mut Picks, made: &[Made]) -> Location {
    let source = picks.below(made.len());
    let span = span_in(picks, &made[source]);
    Location {
        source,
        span,
        missing: picks.chance(64).then(|| picks.string(16)),
        context: picks
            .chance(160)
            .then(|| span.join(span_in(picks, &made[source]))),
    }
}

fn finding(picks: &mut Picks, made: &[Made], rules: &[&str]) -> Finding {
    let rule = match picks.byte() % 16 {
        0 => PARSE_ERROR.to_string(),
        1 => picks.string(12),
        _ => rules
            .get(picks.below(rules.len()))
            .map_or_else(String::new, |r| (*r).to_string()),
    };
    let severity = [Severity::Note, Severity::Warning, Severity::Error][picks.below(3)];
    let message = picks.string(60);
    let object = (rule != PARSE_ERROR && picks.chance(224)).then(|| object(picks));
    let path = (0..picks.below(4))
        .map(|_| {
            if picks.chance(160) {
                PathSeg::Key(picks.string(8))
            } else {
                PathSeg::Index(usize::from(picks.byte()))
            }
        })
        .collect();
    let location = location_in(picks, made);
    let related = (0..picks.below(3))
        .map(|_| Related {
            message: picks.string(16),
            location: location_in(picks, made),
        })
        .collect();
    let suppression = picks.chance(40).then(|| Suppression {
        kind: if picks.chance(128) {
            SuppressionKind::InSource
        } else {
            SuppressionKind::External
        },
        justification: picks.string(16),
    });
    let baseline = match picks.byte() % 8 {
        0 => Some(BaselineState::New),
        1 => Some(BaselineState::Unchanged),
        _ => None,
    };
    Finding {
        rule,
        severity,
        message,
        object,
        path,
        location,
        related,
        suppression,
        baseline,
        fingerprint: String::new(),
        template: None,
    }
}

fn run_error(picks: &mut Picks, rules: &[&str]) -> RunError {
    match picks.byte() % 4 {
        0 => RunError::Unparsed {
            file: picks.string(12),
            line: u32::from(picks.byte()) + 1,
            column: u32::from(picks.byte()) + 1,
            message: picks.string(30),
        },
        1 => RunError::Evaluation {
            rule: rules
                .get(picks.below(rules.len()))
                .map_or_else(String::new, |r| (*r).to_string()),
            object: picks.string(16),
            message: picks.string(30),
        },
        2 => RunError::Source(SourceError::Missing {
            path: picks.string(16),
        }),
        _ => RunError::Source(SourceError::Unreadable {
            path: picks.string(16),
            reason: picks.string(16),
        }),
    }
}

fn render(format: Format, outcome: &Outcome) -> Vec<u8> {
    let mut out = Vec::new();
    report::render(format, outcome, &mut out).expect("rendering into memory");
    out
}

fn check_region(region: &serde_json::Value, what: &str) {
    let field = |name: &str| region.get(name).map(|v| v.as_i64().expect("an integer"));
    let start_line = field("startLine").unwrap_or_else(|| panic!("{what}: no startLine"));
    for (name, value) in [
        ("startLine", Some(start_line)),
        ("startColumn", field("startColumn")),
        ("endLine", field("endLine")),
        ("endColumn", field("endColumn")),
    ] {
        if let Some(v) = value {
            assert!(v >= 1, "{what}: {name} is {v}: {region}");
        }
    }
    let end_line = field("endLine").unwrap_or(start_line);
    assert!(
        end_line >= start_line,
        "{what}: ends before it starts: {region}"
    );
    if end_line == start_line {
        if let (Some(s), Some(e)) = (field("startColumn"), field("endColumn")) {
            assert!(e >= s, "{what}: ends before it starts: {region}");
        }
    }
}

fn check_sarif(outcome: &Outcome) {
    let out = render(Format::Sarif, outcome);
    let sarif: serde_json::Value = serde_json::from_slice(&out)
        .unwrap_or_else(|e| panic!("SARIF is not JSON: {e}\n{}", String::from_utf8_lossy(&out)));
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"]
        .as_array()
        .expect("SARIF results");
    assert_eq!(
        results.len(),
        outcome.findings.len(),
        "one result per finding"
    );
    for (result, finding) in results.iter().zip(&outcome.findings) {
        assert_eq!(result["ruleId"], finding.rule.as_str());
        let text = result["message"]["text"].as_str().expect("message text");
        match &finding.template {
            None => assert_eq!(text, finding.message),
            Some(_) => assert!(text.starts_with(&finding.message)),
        }
        let physical = &result["locations"][0]["physicalLocation"];
        assert!(physical["artifactLocation"]["uri"].is_string());
        for key in ["region", "contextRegion"] {
            if let Some(region) = physical.get(key) {
                check_region(region, key);
            }
        }
        assert!(result["partialFingerprints"][FINGERPRINT_KEY].is_string());
    }
}

fn check_json(outcome: &Outcome) {
    let out = render(Format::Json, outcome);
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap_or_else(|e| {
        panic!(
            "the JSON report is not JSON: {e}\n{}",
            String::from_utf8_lossy(&out)
        )
    });
    let findings = json["findings"].as_array().expect("findings");
    assert_eq!(
        findings.len(),
        outcome.findings.len(),
        "one entry per finding"
    );
}

/// Whether XML 1.0 allows the character.
fn is_xml_char(c: char) -> bool {
    matches!(c,
        '\t' | '\n' | '\r'
        | '\u{20}'..='\u{D7FF}'
        | '\u{E000}'..='\u{FFFD}'
        | '\u{10000}'..='\u{10FFFF}')
}

fn check_junit(outcome: &Outcome) {
    let out = render(Format::Junit, outcome);
    let xml = String::from_utf8(out).expect("JUnit is UTF-8");
    if let Some(c) = xml.chars().find(|c| !is_xml_char(*c)) {
        panic!("JUnit holds {c:?}, which XML 1.0 forbids:\n{xml}");
    }
    let doc = roxmltree::Document::parse(&xml)
        .unwrap_or_else(|e| panic!("JUnit is not well-formed: {e}\n{xml}"));
    let mut failures: Vec<String> = doc
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .map(|n| n.attribute("message").expect("a message").to_string())
        .collect();
    // Characters XML cannot hold are written as visible escapes.
    let mut expected: Vec<String> = outcome
        .findings
        .iter()
        .filter(|f| f.counts())
        .map(|f| {
            f.message
                .chars()
                .map(|c| {
                    if is_xml_char(c) {
                        c.to_string()
                    } else {
                        format!("\\u{:04X}", u32::from(c))
                    }
                })
                .collect()
        })
        .collect();
    failures.sort();
    expected.sort();
    assert_eq!(failures, expected, "one failure per counted finding");
    let root = doc.root_element();
    let failed_cases = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .filter(|c| {
            c.children().any(|n| n.has_tag_name("failure"))
                && !c.children().any(|n| n.has_tag_name("error"))
        })
        .count();
    assert_eq!(
        root.attribute("failures"),
        Some(failed_cases.to_string().as_str())
    );
}

/// Undoes the runner's escapes of a workflow command.
fn unescape_command(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('%') {
        out.push_str(&rest[..i]);
        let code = rest.get(i..i + 3).unwrap_or(&rest[i..]);
        let c = match code {
            "%25" => '%',
            "%0D" => '\r',
            "%0A" => '\n',
            "%3A" => ':',
            "%2C" => ',',
            other => panic!("unknown escape {other:?} in {text:?}"),
        };
        out.push(c);
        rest = &rest[i + 3..];
    }
    out.push_str(rest);
    out
}

/// One line per counted finding, each `file:line:col: severity[rule] `,
/// then the summary; no control character or Unicode line break but the
/// line ends.
fn check_concise(outcome: &Outcome) {
    let text = String::from_utf8(render(Format::Concise, outcome)).expect("UTF-8");
    assert!(
        !text
            .chars()
            .any(|c| (c.is_control() && c != '\n') || matches!(c, '\u{2028}' | '\u{2029}')),
        "a control character in the concise report: {text:?}"
    );
    let lines: Vec<&str> = text.split_terminator('\n').collect();
    let counted: Vec<&Finding> = outcome.findings.iter().filter(|f| f.counts()).collect();
    assert_eq!(lines.len(), counted.len() + 1, "{text:?}");
    for (line, finding) in lines.iter().zip(&counted) {
        let start = finding.location.span.start;
        let severity = format!(":{}:{}: {}[", start.line, start.column, finding.severity);
        assert!(line.contains(&severity), "{severity:?} not in {line:?}");
    }
}

fn check_github(outcome: &Outcome) {
    let out = render(Format::Github, outcome);
    let text = String::from_utf8(out).expect("UTF-8");
    assert!(!text.contains('\r'), "a raw CR in the commands: {text:?}");
    assert!(text.ends_with('\n'));
    let lines: Vec<&str> = text.split_terminator('\n').collect();
    let counted: Vec<&Finding> = outcome.findings.iter().filter(|f| f.counts()).collect();
    assert_eq!(
        lines.len(),
        counted.len() + outcome.errors.len() + 1,
        "one line per counted finding and per error, and the summary: {text:?}"
    );
    for (line, finding) in lines.iter().zip(&counted) {
        let command = match finding.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let rest = line
            .strip_prefix("::")
            .and_then(|l| l.strip_prefix(command))
            .and_then(|l| l.strip_prefix(' '))
            .unwrap_or_else(|| panic!("not a {command} command: {line:?}"));
        let (properties, message) = rest
            .split_once("::")
            .unwrap_or_else(|| panic!("no message in {line:?}"));
        match &finding.template {
            None => assert_eq!(unescape_command(message), finding.message, "{line:?}"),
            // The template, or the line of the rendered output, follows.
            Some(_) => assert!(
                unescape_command(message).starts_with(&finding.message),
                "{line:?}"
            ),
        }
        let mut title = None;
        for property in properties.split(',') {
            let (key, value) = property
                .split_once('=')
                .unwrap_or_else(|| panic!("property without a value in {line:?}"));
            let value = unescape_command(value);
            match key {
                "file" => assert_eq!(value, outcome.file_of(finding), "{line:?}"),
                "title" => title = Some(value),
                "line" | "col" | "endLine" | "endColumn" => {
                    let n: u32 = value.parse().expect("a number");
                    assert!(n >= 1, "{key}={n} in {line:?}");
                }
                other => panic!("unknown property {other:?} in {line:?}"),
            }
        }
        assert_eq!(title.as_deref(), Some(finding.rule.as_str()), "{line:?}");
    }
    for line in &lines[counted.len()..lines.len() - 1] {
        assert!(line.starts_with("::error title=seaworthy::"), "{line:?}");
    }
}
