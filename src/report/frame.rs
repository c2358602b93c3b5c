//! Code frames: the few lines around a finding, its span underlined and
//! labelled, as `rustc` and miette draw them. A frame reads only the lines
//! it shows: its cost does not grow with the size of the file, and a
//! minified JSON file's one long line is clipped around the span.

use std::fmt::Write as _;
use std::ops::Range;

use crate::source::Span;

use super::concise::one_line;
use super::paint;

/// Bytes looked at on each side of a position for the ends of its line:
/// beyond that the line is clipped (minified JSON holds a whole file on one
/// line).
const SCAN: usize = 2048;
/// The most columns of a line shown; longer lines are cut, keeping the
/// span in view.
const WIDTH: usize = 150;
/// Columns kept before the span when a long line is cut.
const LEAD: usize = 40;
/// A span over more lines than this shows its first and last lines only.
const MOST_LINES: u32 = 3;
const GUTTER: &str = "34";

/// Byte ranges never to print (see `crate::redact`), ordered so that those
/// in a window of the text are found without looking at the others.
pub struct Masks {
    /// By start.
    ranges: Vec<Range<usize>>,
    /// The largest end among `ranges[..=i]`.
    reach: Vec<usize>,
}

impl Masks {
    pub fn new(ranges: &[Range<usize>]) -> Masks {
        let mut ranges = ranges.to_vec();
        ranges.sort_by_key(|r| (r.start, r.end));
        let reach = ranges
            .iter()
            .scan(0, |max, r| {
                *max = r.end.max(*max);
                Some(*max)
            })
            .collect();
        Masks { ranges, reach }
    }

    /// `text[window]` with every byte of a range, line breaks aside,
    /// replaced by `*`, as `crate::redact::mask` does to a whole text.
    fn apply(&self, text: &str, window: Range<usize>) -> String {
        let first = self.reach.partition_point(|end| *end <= window.start);
        let mut bytes: Option<Vec<u8>> = None;
        for range in self.ranges[first..]
            .iter()
            .take_while(|r| r.start < window.end)
        {
            let (from, to) = (range.start.max(window.start), range.end.min(window.end));
            if from >= to {
                continue;
            }
            let bytes = bytes.get_or_insert_with(|| text.as_bytes()[window.clone()].to_vec());
            for b in &mut bytes[from - window.start..to - window.start] {
                if *b != b'\n' && *b != b'\r' {
                    *b = b'*';
                }
            }
        }
        match bytes {
            None => text[window].to_string(),
            // Ranges hold whole characters and `*` is ASCII: still UTF-8;
            // the lossy conversion is a safeguard.
            Some(bytes) => String::from_utf8(bytes)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        }
    }
}

/// What one frame shows: a span of a source, its label, and the colour of
/// the underline.
pub struct Frame<'a> {
    /// The source's name, in the frame's header.
    pub name: &'a str,
    pub text: &'a str,
    pub masks: &'a Masks,
    pub span: Span,
    pub label: &'a str,
    /// SGR code of the underline and label.
    pub sgr: &'a str,
}

/// One line of the text: where it is and whether its ends were found.
#[derive(Clone, Copy)]
struct Line {
    number: u32,
    bytes: (usize, usize),
    /// The line starts before `bytes.0` (too long to look for its start).
    cut_left: bool,
    cut_right: bool,
}

fn floor_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// The line holding byte `at`, its ends looked for at most [`SCAN`] bytes
/// away.
fn line_at(text: &str, at: usize, number: u32) -> Line {
    let at = floor_boundary(text, at.min(text.len()));
    let lo = floor_boundary(text, at.saturating_sub(SCAN));
    let (start, cut_left) = match text[lo..at].rfind('\n') {
        Some(i) => (lo + i + 1, false),
        None => (lo, lo > 0),
    };
    let hi = ceil_boundary(text, (at + SCAN).min(text.len()));
    let (mut end, cut_right) = match text[at..hi].find('\n') {
        Some(i) => (at + i, false),
        None => (hi, hi < text.len()),
    };
    if text[start..end].ends_with('\r') {
        end -= 1;
    }
    Line {
        number,
        bytes: (start, end),
        cut_left,
        cut_right,
    }
}

/// The line after `line`, if the text has one.
fn next_line(text: &str, line: &Line) -> Option<Line> {
    if line.cut_right {
        return None;
    }
    let newline = text[line.bytes.1..].find('\n')? + line.bytes.1;
    (newline + 1 < text.len()).then(|| line_at(text, newline + 1, line.number + 1))
}

/// The line before `line`, if there is one.
fn previous_line(text: &str, line: &Line) -> Option<Line> {
    (line.bytes.0 > 0 && !line.cut_left).then(|| line_at(text, line.bytes.0 - 1, line.number - 1))
}

/// How many columns a character takes in a terminal (2 for East Asian wide
/// characters and emoji, 0 for combining marks); controls are escaped first.
fn width(c: char) -> usize {
    unicode_width::UnicodeWidthChar::width(c).unwrap_or(0)
}

/// A line as shown: each character (escaped when it is a control
/// character) with its byte offset in the text and its columns.
struct Cells {
    cells: Vec<(usize, String, usize)>,
    end: usize,
}

impl Cells {
    fn of(text: &str, masks: &Masks, line: &Line) -> Cells {
        let (start, end) = line.bytes;
        let shown = masks.apply(text, start..end);
        let cells = shown
            .char_indices()
            .map(|(i, c)| {
                let s = match c {
                    '\t' => " ".to_string(),
                    c if c.is_control() => one_line(&c.to_string()),
                    c => c.to_string(),
                };
                let w = s.chars().map(width).sum();
                (start + i, s, w)
            })
            .collect();
        Cells { cells, end }
    }

    /// The column byte `at` starts at.
    fn column(&self, at: usize) -> usize {
        self.cells
            .iter()
            .take_while(|(i, _, _)| *i < at)
            .map(|(_, _, w)| w)
            .sum()
    }

    /// The columns `[from, from + WIDTH)`, with `…` where the line goes on.
    fn clip(&self, from: usize, cut_left: bool, cut_right: bool) -> String {
        let mut out = String::new();
        if from > 0 || cut_left {
            out.push('…');
        }
        let mut col = 0;
        let mut more = cut_right;
        for (_, s, w) in &self.cells {
            if col >= from + WIDTH {
                more = true;
                break;
            }
            if col >= from {
                out.push_str(s);
            }
            col += w;
        }
        if more {
            out.push('…');
        }
        out
    }
}

/// Writes the frame, each line starting with `indent`.
pub fn write(out: &mut String, frame: &Frame, indent: &str, colour: bool) {
    let text = frame.text;
    let span = frame.span;
    let start = span.start.offset.min(text.len());
    // A span that ends with line breaks and indentation (a block scalar's)
    // ends with the text before them.
    let mut end = span.end.offset.clamp(start, text.len());
    let mut end_line = span.end.line.max(span.start.line);
    while end > start && matches!(text.as_bytes()[end - 1], b'\n' | b'\r' | b' ' | b'\t') {
        if text.as_bytes()[end - 1] == b'\n' {
            end_line = end_line.saturating_sub(1).max(span.start.line);
        }
        end -= 1;
    }
    let first = line_at(text, start, span.start.line);
    let last = match end <= first.bytes.1 || first.cut_right {
        true => first,
        false => line_at(text, end, end_line),
    };
    let multi = last.number > first.number;

    // The lines shown, `None` for the `⋮` of lines left out.
    let mut lines: Vec<Option<Line>> = Vec::new();
    lines.extend(previous_line(text, &first).map(Some));
    lines.push(Some(first));
    if multi {
        if last.number - first.number < MOST_LINES {
            let mut line = first;
            while line.number + 1 < last.number {
                match next_line(text, &line) {
                    Some(next) => {
                        lines.push(Some(next));
                        line = next;
                    }
                    None => break,
                }
            }
        } else {
            lines.push(None);
        }
        lines.push(Some(last));
    }
    lines.extend(next_line(text, &last).map(Some));

    let cells: Vec<Option<Cells>> = lines
        .iter()
        .map(|l| l.as_ref().map(|l| Cells::of(text, frame.masks, l)))
        .collect();
    let first_cells = cells.iter().zip(&lines).find_map(|(c, l)| {
        c.as_ref()
            .filter(|_| l.is_some_and(|l| l.number == first.number))
    });
    let from_col = first_cells.map_or(0, |c| c.column(start));
    // Columns before the span kept when the line is too long.
    let window = match from_col >= WIDTH - LEAD {
        true => from_col - LEAD,
        false => 0,
    };

    let digits = lines
        .iter()
        .flatten()
        .map(|l| l.number)
        .max()
        .unwrap_or(1)
        .to_string()
        .len();
    let blank = " ".repeat(digits);
    let gutter = |s: &str| paint(s, GUTTER, colour);
    let paint_mark = |s: &str| paint(s, frame.sgr, colour);
    let _ = writeln!(
        out,
        "{indent} {blank} {}",
        gutter(&format!(
            "╭─[{}:{}:{}]",
            one_line(frame.name),
            span.start.line,
            span.start.column
        ))
    );
    for (line, shown) in lines.iter().zip(&cells) {
        let (Some(line), Some(shown)) = (line, shown) else {
            let _ = writeln!(out, "{indent} {blank} {}", gutter("⋮"));
            continue;
        };
        let cut_left = line.cut_left;
        let body = shown.clip(window, cut_left, line.cut_right);
        // A cut on the left takes a column for its `…`.
        let shift = usize::from(window > 0 || cut_left);
        let bar = match multi {
            false => String::new(),
            true if line.number == first.number => paint_mark("╭─▶ "),
            true if line.number == last.number => paint_mark("├─▶ "),
            true if line.number > first.number && line.number < last.number => paint_mark("│   "),
            true => "    ".to_string(),
        };
        let number = format!("{:>digits$}", line.number);
        let _ = writeln!(
            out,
            "{}",
            format!("{indent} {} {bar}{body}", gutter(&format!("{number} │"))).trim_end()
        );
        if !multi && line.number == first.number {
            let to = shown.column(end.min(shown.end)).max(from_col);
            let wide = (to - from_col).max(1);
            let wide = wide.min((window + WIDTH).saturating_sub(from_col).max(1));
            let at = from_col - window + shift;
            let mut mark = "─".repeat(wide);
            mark.replace_range(
                mark.char_indices()
                    .nth(wide / 2)
                    .map_or(0..0, |(i, c)| i..i + c.len_utf8()),
                "┬",
            );
            let pad = " ".repeat(at);
            let _ = writeln!(
                out,
                "{indent} {blank} {} {pad}{}",
                gutter("·"),
                paint_mark(&mark)
            );
            let _ = writeln!(
                out,
                "{indent} {blank} {} {pad}{}{}",
                gutter("·"),
                " ".repeat(wide / 2),
                paint_mark(&format!("╰── {}", one_line(frame.label)))
            );
        }
        if multi && line.number == last.number {
            let _ = writeln!(
                out,
                "{indent} {blank} {} {}",
                gutter("·"),
                paint_mark(&format!("╰──── {}", one_line(frame.label)))
            );
        }
    }
    let _ = writeln!(out, "{indent} {blank} {}", gutter("╰────"));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Pos;

    #[test]
    fn characters_take_their_terminal_width() {
        assert_eq!(width('a'), 1);
        assert_eq!(width('漢'), 2);
        assert_eq!(width('\u{301}'), 0);
    }

    fn pos(text: &str, at: usize) -> Pos {
        let before = &text[..at];
        Pos {
            line: before.matches('\n').count() as u32 + 1,
            column: before.rsplit('\n').next().unwrap_or("").chars().count() as u32 + 1,
            offset: at,
        }
    }

    fn frame(text: &str, from: &str, to: &str, masks: &[Range<usize>]) -> String {
        let start = text.find(from).unwrap();
        let end = text.find(to).unwrap() + to.len();
        let masks = Masks::new(masks);
        let mut out = String::new();
        write(
            &mut out,
            &Frame {
                name: "f.yaml",
                text,
                masks: &masks,
                span: Span::new(pos(text, start), pos(text, end)),
                label: "here",
                sgr: "31",
            },
            "",
            false,
        );
        out
    }

    #[test]
    fn a_span_on_one_line_is_underlined_between_its_neighbours() {
        let text = "a: 1\nspec:\n  replicas: 1\n  selector: {}\n";
        assert_eq!(
            frame(text, "replicas", "replicas: 1", &[]),
            "   ╭─[f.yaml:3:3]\n 2 │ spec:\n 3 │   replicas: 1\n   ·   ─────┬─────\n   ·        ╰── here\n 4 │   selector: {}\n   ╰────\n"
        );
    }

    #[test]
    fn a_span_over_many_lines_shows_its_first_and_last() {
        let text = "k: |\n  a\n  b\n  c\n  d\nz: 1\n";
        let out = frame(text, "k: |", "d\n", &[]);
        assert_eq!(
            out,
            "   ╭─[f.yaml:1:1]\n 1 │ ╭─▶ k: |\n   ⋮\n 5 │ ├─▶   d\n   · ╰──── here\n 6 │     z: 1\n   ╰────\n"
        );
    }

    #[test]
    fn masked_values_stay_masked_and_long_lines_are_cut_around_the_span() {
        let text = "token: s3cr3t\nx: 1\n";
        let at = text.find("s3cr3t").unwrap();
        let secret = at..at + 6;
        let out = frame(text, "x: 1", "x: 1", std::slice::from_ref(&secret));
        assert!(out.contains("token: ******"), "{out}");
        assert!(!out.contains("s3cr3t"));

        let long = format!(
            "{{\"a\": \"{}\", \"image\": \"nginx\", \"b\": \"{}\"}}",
            "x".repeat(5000),
            "y".repeat(5000)
        );
        let out = frame(&long, "\"image\"", "\"nginx\"", &[]);
        assert!(out.len() < 1000, "{out}");
        let line = out.lines().nth(1).unwrap();
        assert!(
            line.contains("…") && line.contains("\"image\": \"nginx\""),
            "{out}"
        );
        let mark = out.lines().nth(2).unwrap();
        let text_at = line.find("\"image\"").unwrap();
        assert_eq!(
            line[..text_at].chars().count(),
            mark[..mark.find('─').unwrap()].chars().count(),
            "{out}"
        );
    }

    #[test]
    fn control_characters_are_escaped() {
        let text = "a: \u{1b}[31mred\n";
        let out = frame(text, "a:", "red", &[]);
        assert!(!out.contains('\u{1b}'), "{out}");
    }
}
