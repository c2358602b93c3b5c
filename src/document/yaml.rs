//! Reads YAML and JSON text into span-carrying [`Node`] trees. The only user
//! of the YAML parser crate.
//!
//! Kubernetes reads YAML 1.1 (through go-yaml), the parser speaks 1.2: plain
//! scalars are resolved here the way the API server would (`yes`/`on` are
//! booleans, `0644` is octal), so policies see what the cluster will see.
//! Merge keys (`<<`) are applied; a duplicate key keeps the later value, as
//! go-yaml does, and is recorded (`kubectl apply --validate=strict` refuses
//! it); alias expansion is bounded so a "billion laughs" document fails fast
//! instead of exhausting memory.

use std::collections::{HashMap, HashSet};

use saphyr_parser::{Event, Parser, ScalarStyle, ScanError};

use super::node::{Entry, Node, Value};
use crate::source::{LineIndex, Pos, Span};

/// The most nodes alias expansion may create in one document.
const MAX_ALIAS_NODES: usize = 1_000_000;
/// The deepest nesting accepted; deeper input is an error, not a stack overflow.
const MAX_DEPTH: usize = 1_000;

/// One YAML document of a stream: its tree (None when the document is empty)
/// and the span of its text.
#[derive(Debug)]
pub struct YamlDoc {
    pub root: Option<Node>,
    pub span: Span,
}

/// A document that could not be read, at the position the problem was found.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    pub message: String,
    pub pos: Pos,
}

/// Everything read from one text: the good documents and the errors, in order.
#[derive(Debug, Default)]
pub struct Stream {
    pub docs: Vec<YamlDoc>,
    pub errors: Vec<YamlError>,
    /// Keys given twice in a mapping, at the second occurrence. The later
    /// value wins, as with go-yaml; the API server's strict field
    /// validation refuses them, so schema checks report them.
    pub duplicate_keys: Vec<YamlError>,
}

/// How many times a text is re-read with its indentation eased.
const MAX_LENIENT_PASSES: usize = 64;

/// Parses every document of `text`. A broken document does not hide the
/// others: parsing resumes at the next `---` line after an error.
///
/// go-yaml, and so `kubectl`, accepts some indentation that YAML 1.2 does
/// not: continuation lines of a quoted scalar at the indentation of their
/// key, a flow collection closed at its key's indentation. Such a text is
/// read again with those lines indented one more space, and every position
/// is mapped back to the original text.
pub fn parse_stream(text: &str) -> Stream {
    let mut stream = parse_strict(text);
    let mut eased = Easing::default();
    for _ in 0..MAX_LENIENT_PASSES {
        let Some(err) = stream
            .errors
            .iter()
            .find(|e| e.message.contains("invalid indentation"))
        else {
            break;
        };
        let current = eased.apply(text);
        let lines = lines_to_ease(&current, err);
        if lines.is_empty() {
            break;
        }
        for line in lines {
            *eased.extra.entry(line).or_default() += 1;
        }
        stream = parse_strict(&eased.apply(text));
    }
    if !eased.extra.is_empty() {
        eased.restore(&mut stream);
    }
    stream
}

/// Spaces added at the start of lines (1-based line → count).
#[derive(Default)]
struct Easing {
    extra: std::collections::BTreeMap<u32, u32>,
}

impl Easing {
    fn apply(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + self.extra.len());
        for (i, line) in text.split_inclusive('\n').enumerate() {
            if let Some(n) = self.extra.get(&(i as u32 + 1)) {
                out.extend(std::iter::repeat_n(' ', *n as usize));
            }
            out.push_str(line);
        }
        out
    }

    fn restore_pos(&self, pos: &mut Pos) {
        let before: u32 = self.extra.range(..pos.line).map(|(_, n)| *n).sum();
        let own = self.extra.get(&pos.line).copied().unwrap_or(0);
        let shift = own.min(pos.column.saturating_sub(1));
        pos.column -= shift;
        pos.offset = pos.offset.saturating_sub((before + shift) as usize);
    }

    fn restore_node(&self, node: &mut Node) {
        self.restore_pos(&mut node.span.start);
        self.restore_pos(&mut node.span.end);
        match &mut node.value {
            Value::Seq(items) => items.iter_mut().for_each(|n| self.restore_node(n)),
            Value::Map(entries) => {
                for e in entries {
                    self.restore_pos(&mut e.key_span.start);
                    self.restore_pos(&mut e.key_span.end);
                    self.restore_node(&mut e.value);
                }
            }
            _ => {}
        }
    }

    fn restore(&self, stream: &mut Stream) {
        for doc in &mut stream.docs {
            self.restore_pos(&mut doc.span.start);
            self.restore_pos(&mut doc.span.end);
            if let Some(root) = &mut doc.root {
                self.restore_node(root);
            }
        }
        for e in stream
            .errors
            .iter_mut()
            .chain(stream.duplicate_keys.iter_mut())
        {
            self.restore_pos(&mut e.pos);
        }
    }
}

/// The lines to indent one more space to get past an indentation error: the
/// continuation lines of a quoted scalar, or the line the error is on.
fn lines_to_ease(text: &str, err: &YamlError) -> Vec<u32> {
    if !err.message.contains("quoted scalar") {
        return vec![err.pos.line];
    }
    let start = err.pos.offset;
    let Some(quote) = text[start..]
        .chars()
        .next()
        .filter(|c| *c == '\'' || *c == '"')
    else {
        return vec![err.pos.line];
    };
    let mut chars = text[start + 1..].char_indices();
    let mut end = text.len();
    while let Some((i, c)) = chars.next() {
        if quote == '"' && c == '\\' {
            chars.next();
        } else if c == quote {
            if quote == '\'' && text[start + 1 + i + 1..].starts_with('\'') {
                chars.next();
                continue;
            }
            end = start + 1 + i;
            break;
        }
    }
    let last = err.pos.line + text[start..end].matches('\n').count() as u32;
    (err.pos.line + 1..=last).collect()
}

fn parse_strict(text: &str) -> Stream {
    let lines = LineIndex::new(text);
    let mut stream = Stream::default();
    let mut start_byte = 0usize;
    while start_byte <= text.len() {
        let chunk = &text[start_byte..];
        let base = lines.parser_base(start_byte);
        match parse_chunk(chunk, base, &lines, &mut stream) {
            Ok(()) => break,
            Err(err) => {
                let resume = next_document_marker(text, err.pos.offset.max(start_byte));
                stream.errors.push(err);
                match resume {
                    Some(next) if next > start_byte => start_byte = next,
                    _ => break,
                }
            }
        }
    }
    stream
}

/// The byte offset of the first `---` line that starts after `from`'s line.
fn next_document_marker(text: &str, from: usize) -> Option<usize> {
    let line_end = text[from.min(text.len())..]
        .find('\n')
        .map(|i| from + i + 1)?;
    let mut offset = line_end;
    for line in text[line_end..].split_inclusive('\n') {
        let bare = line.trim_end_matches(['\r', '\n']);
        if bare == "---" || bare.starts_with("--- ") || bare.starts_with("---\t") {
            return Some(offset);
        }
        offset += line.len();
    }
    None
}

/// A collection under construction.
enum Frame {
    Seq {
        anchor: usize,
        start: Pos,
        items: Vec<Node>,
    },
    Map {
        anchor: usize,
        start: Pos,
        entries: Vec<Entry>,
        /// Entries brought in by merge keys, applied when the mapping ends.
        merged: Vec<Entry>,
        merged_keys: HashSet<String>,
        pending_key: Option<(String, Span)>,
        /// The keys of `entries` once there are many, so that a large
        /// mapping is read in linear time; a small one is searched.
        keys: Option<HashSet<String>>,
    },
}

/// Mappings with more keys than this look keys up in a set.
const SMALL_MAPPING: usize = 16;

struct Builder<'a> {
    lines: &'a LineIndex<'a>,
    base: Pos,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    alias_budget: usize,
    root: Option<Node>,
}

fn parse_chunk(
    chunk: &str,
    base: Pos,
    lines: &LineIndex<'_>,
    stream: &mut Stream,
) -> Result<(), YamlError> {
    let mut parser = Parser::new_from_str(chunk);
    let mut b = Builder {
        lines,
        base,
        stack: Vec::new(),
        anchors: HashMap::new(),
        alias_budget: MAX_ALIAS_NODES,
        root: None,
    };
    let mut doc_start = base;
    loop {
        let (event, span) = match parser.next_event() {
            None => return Ok(()),
            Some(Ok(ev)) => ev,
            Some(Err(e)) => return Err(b.scan_error(&e)),
        };
        let start = lines.parser_pos(base, span.start.line(), span.start.col());
        let end = lines.parser_pos(base, span.end.line(), span.end.col());
        match event {
            Event::StreamEnd => return Ok(()),
            Event::StreamStart | Event::Nothing => {}
            Event::DocumentStart(_) => {
                doc_start = start;
                b.root = None;
                b.anchors.clear();
                b.alias_budget = MAX_ALIAS_NODES;
            }
            Event::DocumentEnd => {
                // An empty document reads as a null scalar: it holds nothing.
                let root = b.root.take().filter(|n| n.value != Value::Null);
                let doc_end = root.as_ref().map_or(start, |n| n.span.end.max(start));
                stream.docs.push(YamlDoc {
                    root,
                    span: Span::new(doc_start, doc_end),
                });
            }
            Event::Scalar(text, style, anchor, tag) => {
                let tag = tag.map(|t| format!("{}{}", t.handle, t.suffix));
                let value = resolve_scalar(&text, style, tag.as_deref());
                let node = Node {
                    value,
                    span: Span::new(start, end),
                };
                if b.is_key_position() {
                    let key = key_text(&text, style, &node.value);
                    b.set_pending_key(key, node.span, &mut stream.duplicate_keys);
                    continue;
                }
                b.remember(anchor, &node);
                b.push_value(node, start)?;
            }
            Event::Alias(id) => {
                let node = match b.anchors.get(&id) {
                    Some(n) => n.clone(),
                    None => return Err(b.error("alias to an unknown anchor", start)),
                };
                let size = count_nodes(&node);
                if size > b.alias_budget {
                    return Err(b.error(
                        "aliases expand to more than a million nodes (a \"billion laughs\" document?)",
                        start,
                    ));
                }
                b.alias_budget -= size;
                if b.is_key_position() {
                    let key = match &node.value {
                        Value::String(s) => s.clone(),
                        other => scalar_display(other),
                    };
                    b.set_pending_key(key, Span::new(start, end), &mut stream.duplicate_keys);
                    continue;
                }
                // The alias stands at its own place in the text.
                let node = Node {
                    value: node.value,
                    span: Span::new(start, end),
                };
                b.push_value(node, start)?;
            }
            Event::SequenceStart(anchor, _) => {
                b.check_depth(start)?;
                if b.is_key_position() {
                    return Err(b.error("a list cannot be a mapping key", start));
                }
                b.stack.push(Frame::Seq {
                    anchor,
                    start,
                    items: Vec::new(),
                });
            }
            Event::MappingStart(anchor, _) => {
                b.check_depth(start)?;
                if b.is_key_position() {
                    return Err(b.error("a mapping cannot be a mapping key", start));
                }
                b.stack.push(Frame::Map {
                    anchor,
                    start,
                    entries: Vec::new(),
                    merged: Vec::new(),
                    merged_keys: HashSet::new(),
                    pending_key: None,
                    keys: None,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let flow = span.end.index() > span.start.index();
                let Some(frame) = b.stack.pop() else {
                    return Err(b.error("unbalanced collection end", start));
                };
                let (anchor, node) = match frame {
                    Frame::Seq {
                        anchor,
                        start: s,
                        items,
                    } => {
                        let e = if flow {
                            end
                        } else {
                            items.last().map_or(s, |n| n.span.end)
                        };
                        (
                            anchor,
                            Node {
                                value: Value::Seq(items),
                                span: Span::new(s, e),
                            },
                        )
                    }
                    Frame::Map {
                        anchor,
                        start: s,
                        mut entries,
                        merged,
                        mut keys,
                        ..
                    } => {
                        let e = if flow {
                            end
                        } else {
                            entries.last().map_or(s, |en| en.value.span.end)
                        };
                        for m in merged {
                            let new = match &mut keys {
                                Some(keys) => keys.insert(m.key.clone()),
                                None => !entries.iter().any(|e| e.key == m.key),
                            };
                            if new {
                                entries.push(m);
                            }
                        }
                        (
                            anchor,
                            Node {
                                value: Value::Map(entries),
                                span: Span::new(s, e.max(s)),
                            },
                        )
                    }
                };
                b.remember(anchor, &node);
                b.push_value(node, start)?;
            }
        }
    }
}

impl Builder<'_> {
    fn error(&self, message: impl Into<String>, pos: Pos) -> YamlError {
        YamlError {
            message: message.into(),
            pos,
        }
    }

    fn scan_error(&self, e: &ScanError) -> YamlError {
        let pos = self
            .lines
            .parser_pos(self.base, e.marker().line(), e.marker().col());
        self.error(e.info().to_string(), pos)
    }

    fn check_depth(&self, pos: Pos) -> Result<(), YamlError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(self.error(format!("nesting deeper than {MAX_DEPTH} levels"), pos));
        }
        Ok(())
    }

    fn is_key_position(&self) -> bool {
        matches!(
            self.stack.last(),
            Some(Frame::Map {
                pending_key: None,
                ..
            })
        )
    }

    fn set_pending_key(&mut self, key: String, span: Span, duplicates: &mut Vec<YamlError>) {
        if let Some(Frame::Map {
            entries,
            pending_key,
            keys,
            ..
        }) = self.stack.last_mut()
        {
            let seen = match keys {
                Some(keys) => !keys.insert(key.clone()),
                None => {
                    let seen = entries.iter().any(|e| e.key == key);
                    if entries.len() >= SMALL_MAPPING {
                        let mut all: HashSet<String> =
                            entries.iter().map(|e| e.key.clone()).collect();
                        all.insert(key.clone());
                        *keys = Some(all);
                    }
                    seen
                }
            };
            if key != "<<" && seen {
                if let Some(i) = entries.iter().position(|e| e.key == key) {
                    // The later value wins, as with go-yaml.
                    entries.remove(i);
                    duplicates.push(YamlError {
                        message: format!("duplicate key {key:?} in a mapping"),
                        pos: span.start,
                    });
                }
            }
            *pending_key = Some((key, span));
        }
    }

    fn remember(&mut self, anchor: usize, node: &Node) {
        if anchor != 0 {
            self.anchors.insert(anchor, node.clone());
        }
    }

    fn push_value(&mut self, node: Node, pos: Pos) -> Result<(), YamlError> {
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries,
                merged,
                merged_keys,
                pending_key,
                ..
            }) => {
                let Some((key, key_span)) = pending_key.take() else {
                    return Err(YamlError {
                        message: "value without a key".into(),
                        pos,
                    });
                };
                if key == "<<" {
                    merge_into(merged, merged_keys, node).map_err(|message| YamlError {
                        message,
                        pos: key_span.start,
                    })?;
                } else {
                    entries.push(Entry {
                        key,
                        key_span,
                        value: node,
                    });
                }
            }
        }
        Ok(())
    }
}

/// Applies a merge key's value: a mapping, or a list of mappings where the
/// earlier ones win.
fn merge_into(
    merged: &mut Vec<Entry>,
    keys: &mut HashSet<String>,
    node: Node,
) -> Result<(), String> {
    let sources = match node.value {
        Value::Map(entries) => vec![entries],
        Value::Seq(items) => {
            let mut maps = Vec::with_capacity(items.len());
            for item in items {
                match item.value {
                    Value::Map(entries) => maps.push(entries),
                    _ => return Err("a merge key (<<) takes mappings only".into()),
                }
            }
            maps
        }
        _ => return Err("a merge key (<<) takes a mapping or a list of mappings".into()),
    };
    for entries in sources {
        for e in entries {
            if keys.insert(e.key.clone()) {
                merged.push(e);
            }
        }
    }
    Ok(())
}

fn count_nodes(node: &Node) -> usize {
    1 + match &node.value {
        Value::Seq(items) => items.iter().map(count_nodes).sum(),
        Value::Map(entries) => entries.iter().map(|e| count_nodes(&e.value)).sum(),
        _ => 0,
    }
}

/// The string a mapping key stands for, as the API server would see it.
fn key_text(text: &str, style: ScalarStyle, value: &Value) -> String {
    if style != ScalarStyle::Plain {
        return text.to_string();
    }
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => scalar_display(other),
    }
}

fn scalar_display(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::String(s) => s.clone(),
        Value::Seq(_) | Value::Map(_) => String::new(),
    }
}

/// Resolves a scalar as YAML 1.1 (go-yaml, which Kubernetes uses) does.
fn resolve_scalar(text: &str, style: ScalarStyle, tag: Option<&str>) -> Value {
    match tag {
        Some("tag:yaml.org,2002:str") | Some("!!str") => return Value::String(text.to_string()),
        Some("tag:yaml.org,2002:int") | Some("!!int") => {
            if let Some(i) = parse_int(text) {
                return Value::Int(i);
            }
        }
        Some("tag:yaml.org,2002:float") | Some("!!float") => {
            if let Some(f) = parse_float(text).or_else(|| parse_int(text).map(|i| i as f64)) {
                return Value::Float(f);
            }
        }
        Some("tag:yaml.org,2002:bool") | Some("!!bool") => {
            if let Some(b) = parse_bool(text) {
                return Value::Bool(b);
            }
        }
        Some("tag:yaml.org,2002:null") | Some("!!null") => return Value::Null,
        _ => {}
    }
    if style != ScalarStyle::Plain {
        return Value::String(text.to_string());
    }
    if matches!(text, "" | "~" | "null" | "Null" | "NULL") {
        return Value::Null;
    }
    if let Some(b) = parse_bool(text) {
        return Value::Bool(b);
    }
    if let Some(i) = parse_int(text) {
        return Value::Int(i);
    }
    if let Some(f) = parse_float(text) {
        return Value::Float(f);
    }
    Value::String(text.to_string())
}

fn parse_bool(text: &str) -> Option<bool> {
    match text {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Some(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Some(false)
        }
        _ => None,
    }
}

fn parse_int(text: &str) -> Option<i64> {
    let (negative, body) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    // Every form (decimal, 0x, 0o, 0b, leading-zero octal) starts with a digit.
    if !body.as_bytes().first()?.is_ascii_digit() {
        return None;
    }
    let clean = without_underscores(body);
    let magnitude = if let Some(hex) = clean.strip_prefix("0x") {
        i64::from_str_radix(hex, 16).ok()?
    } else if let Some(bin) = clean.strip_prefix("0b") {
        i64::from_str_radix(bin, 2).ok()?
    } else if let Some(oct) = clean.strip_prefix("0o") {
        i64::from_str_radix(oct, 8).ok()?
    } else if clean.len() > 1 && clean.starts_with('0') {
        i64::from_str_radix(&clean[1..], 8).ok()?
    } else if clean.bytes().all(|c| c.is_ascii_digit()) {
        clean.parse::<i64>().ok()?
    } else {
        return None;
    };
    Some(if negative { -magnitude } else { magnitude })
}

fn parse_float(text: &str) -> Option<f64> {
    match text {
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Some(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Some(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Some(f64::NAN),
        _ => {}
    }
    let body = text.trim_start_matches(['-', '+']);
    let first = body.chars().next()?;
    // go-yaml 1.1 floats: digits with a dot or an exponent; no hex, no words.
    if !(first.is_ascii_digit() || first == '.') {
        return None;
    }
    if !body.contains(['.', 'e', 'E']) {
        return None;
    }
    if !body
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '-' | '+' | '_'))
    {
        return None;
    }
    without_underscores(text).parse::<f64>().ok()
}

/// YAML 1.1 numbers may group digits with `_`.
fn without_underscores(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains('_') {
        text.chars()
            .filter(|&c| c != '_')
            .collect::<String>()
            .into()
    } else {
        text.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::node::PathSeg;

    fn one(text: &str) -> Node {
        let s = parse_stream(text);
        assert!(s.errors.is_empty(), "{:?}", s.errors);
        s.docs.into_iter().next().unwrap().root.unwrap()
    }

    fn key(k: &str) -> PathSeg {
        PathSeg::Key(k.into())
    }

    #[test]
    fn a_lone_cr_ends_a_line_for_the_parser_but_not_our_positions() {
        // The parser reads `b` on a line of its own; positions count `\n`.
        let n = one("a: 1\rb: \u{e9}\rc: 3\n");
        let b = n.entry("b").unwrap();
        assert_eq!(b.key_span.start.offset, 5);
        assert_eq!((b.key_span.start.line, b.key_span.start.column), (1, 6));
        let c = n.entry("c").unwrap();
        assert_eq!(c.value.span.start.offset, 14);
        assert_eq!(
            (c.value.span.start.line, c.value.span.start.column),
            (1, 14)
        );
        let err = parse_stream("a: 1\rb: [\rc: d: e\n").errors.remove(0);
        assert_eq!(err.pos.line, 1);
        assert_eq!(
            err.pos.column as usize,
            "a: 1\rb: [\rc: d: e\n"[..err.pos.offset].chars().count() + 1
        );
    }

    #[test]
    fn scalars_resolve_like_kubernetes_yaml_1_1() {
        let n = one("a: yes\nb: 'yes'\nc: 0644\nd: \"0644\"\ne: 1_000\nf: ~\ng: 1.5\nh: 0x1F\ni: off\nj: 1e3\nk: v1.2\nl: 08\n");
        let v = |k: &str| n.get(k).unwrap().value.clone();
        assert_eq!(v("a"), Value::Bool(true));
        assert_eq!(v("b"), Value::String("yes".into()));
        assert_eq!(v("c"), Value::Int(420));
        assert_eq!(v("d"), Value::String("0644".into()));
        assert_eq!(v("e"), Value::Int(1000));
        assert_eq!(v("f"), Value::Null);
        assert_eq!(v("g"), Value::Float(1.5));
        assert_eq!(v("h"), Value::Int(31));
        assert_eq!(v("i"), Value::Bool(false));
        assert_eq!(v("j"), Value::Float(1000.0));
        assert_eq!(v("k"), Value::String("v1.2".into()));
        // Not valid octal: stays a string, as go-yaml leaves it.
        assert_eq!(v("l"), Value::String("08".into()));
    }

    #[test]
    fn key_and_value_spans_are_exact() {
        let n = one("spec:\n  containers:\n    - name: web\n      image: nginx:1.25\n");
        let path = [
            key("spec"),
            key("containers"),
            PathSeg::Index(0),
            key("image"),
        ];
        let r = n.resolve(&path);
        assert!(r.exact);
        let h = r.highlight();
        assert_eq!((h.start.line, h.start.column), (4, 7));
        assert_eq!((h.end.line, h.end.column), (4, 24));
        assert_eq!(
            h.start.offset,
            "spec:\n  containers:\n    - name: web\n      ".len()
        );
    }

    #[test]
    fn missing_field_resolves_to_the_nearest_parent() {
        let n = one("spec:\n  containers:\n    - name: web\n      image: nginx\n");
        let path = [
            key("spec"),
            key("containers"),
            PathSeg::Index(0),
            key("resources"),
            key("limits"),
        ];
        let r = n.resolve(&path);
        assert!(!r.exact);
        let h = r.highlight();
        // The container, shown by its first entry: `name: web`.
        assert_eq!((h.start.line, h.start.column, h.end.column), (3, 7, 16));
    }

    #[test]
    fn multi_document_positions_are_absolute() {
        let s = parse_stream("a: 1\n---\nb: 2\n---\n---\nc:\n  d: 3\n");
        assert!(s.errors.is_empty());
        assert_eq!(s.docs.len(), 4);
        assert!(s.docs[2].root.is_none(), "empty document");
        let c = s.docs[3].root.as_ref().unwrap();
        let r = c.resolve(&[key("c"), key("d")]);
        assert_eq!(r.highlight().start.line, 7);
    }

    #[test]
    fn crlf_and_unicode_columns() {
        let n = one("a: \"héllo\"\r\nb: x\r\n");
        let r = n.resolve(&[key("b")]);
        let h = r.highlight();
        assert_eq!((h.start.line, h.start.column), (2, 1));
        assert_eq!(h.start.offset, "a: \"héllo\"\r\n".len());
        let a = n.resolve(&[key("a")]).highlight();
        assert_eq!(a.end.column, 11, "columns count characters");
        assert_eq!(a.end.offset, "a: \"héllo\"".len(), "offsets count bytes");
    }

    #[test]
    fn json_with_tabs_parses_with_spans() {
        let n = one("{\n\t\"kind\": \"Pod\",\n\t\"spec\": {\"x\": [1, 2]}\n}\n");
        assert_eq!(n.get("kind").unwrap().as_str(), Some("Pod"));
        let r = n.resolve(&[key("spec"), key("x"), PathSeg::Index(1)]);
        assert_eq!((r.node.span.start.line, r.node.span.start.column), (3, 20));
    }

    #[test]
    fn anchors_aliases_and_merge_keys() {
        let n = one("base: &b\n  cpu: 1\n  mem: 2\nx:\n  <<: *b\n  mem: 3\nz: *b\n");
        let x = n.get("x").unwrap();
        assert_eq!(x.get("cpu").unwrap().value, Value::Int(1));
        assert_eq!(
            x.get("mem").unwrap().value,
            Value::Int(3),
            "explicit key wins"
        );
        assert_eq!(n.get("z").unwrap().get("mem").unwrap().value, Value::Int(2));
        assert_eq!(
            n.get("z").unwrap().span.start.line,
            7,
            "alias keeps its own place"
        );
    }

    #[test]
    fn plain_keys_resolve_like_values() {
        // To go-yaml, and so to the API server, `y` and `on` are booleans.
        let n = one("y: 1\non: 2\n'n': 3\n");
        assert!(n.get("true").is_some());
        assert_eq!(
            n.as_map().unwrap().len(),
            2,
            "`y` and `on` are the same key"
        );
        assert!(n.get("n").is_some(), "a quoted key stays a string");
    }

    #[test]
    fn duplicate_keys_keep_the_last_value_and_are_recorded() {
        let s = parse_stream("a: 1\nb: 2\na: 3\n");
        assert!(s.errors.is_empty());
        let root = s.docs[0].root.as_ref().unwrap();
        assert_eq!(root.get("a").unwrap().value, Value::Int(3));
        assert_eq!(s.duplicate_keys.len(), 1);
        assert_eq!(
            (s.duplicate_keys[0].pos.line, s.duplicate_keys[0].pos.column),
            (3, 1)
        );
    }

    #[test]
    fn go_yaml_lenient_indentation_is_accepted_with_original_positions() {
        let text = "items:\n  - message: 'first line\n    second line'\n    args: [\n      \"a\",\n    ]\n    after: x\n";
        let s = parse_stream(text);
        assert!(s.errors.is_empty(), "{:?}", s.errors);
        let root = s.docs[0].root.as_ref().unwrap();
        let item = &root.get("items").unwrap().as_seq().unwrap()[0];
        assert_eq!(
            item.get("message").unwrap().as_str(),
            Some("first line second line")
        );
        let after = item.entry("after").unwrap();
        assert_eq!(
            (after.key_span.start.line, after.key_span.start.column),
            (7, 5)
        );
        assert_eq!(after.key_span.start.offset, text.find("after").unwrap());
    }

    #[test]
    fn a_broken_document_does_not_hide_the_next_ones() {
        let s = parse_stream("a: 1\n---\nb: [unclosed\nc: 2\n---\nd: 4\n");
        assert_eq!(s.errors.len(), 1);
        let roots: Vec<_> = s.docs.iter().filter_map(|d| d.root.as_ref()).collect();
        assert_eq!(roots.len(), 2);
        assert_eq!(roots[1].get("d").unwrap().span.start.line, 6);
    }

    #[test]
    fn alias_bombs_are_stopped() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let names = ["b", "c", "d", "e", "f", "g", "h", "i"];
        let mut prev = "a";
        for n in names {
            text.push_str(&format!("{n}: &{n} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
            prev = n;
        }
        let s = parse_stream(&text);
        assert_eq!(s.errors.len(), 1);
        assert!(s.errors[0].message.contains("billion laughs"));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(5000) + &"]".repeat(5000);
        let s = parse_stream(&text);
        assert_eq!(s.errors.len(), 1, "{:?}", s.errors);
    }
}
