//! One YAML scalar, written so that YAML 1.1 and YAML 1.2 readers both read back the same value.
//!
//! A string is written plain only when no reader could take it for anything else (a bool, a null,
//! a number, a timestamp, a merge key) and it holds no character with a meaning in YAML; otherwise
//! it is single-quoted, or double-quoted with escapes when it holds characters that cannot be
//! written as they are. Multi-line strings become literal blocks when that reads back exactly.

use serde_json::Number;

/// How a string is written.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Text<'a> {
    /// On the line of its key or dash.
    Inline(String),
    /// A literal block: the header (`|`, `|-` or `|+`) goes on the key's line, the lines below it.
    Block {
        header: &'static str,
        lines: Vec<&'a str>,
    },
}

/// A number as YAML: integers as they are, floats always with a dot and a signed exponent,
/// the one form that YAML 1.1 (which wants the dot) and 1.2 both read as a float.
pub(crate) fn number(n: &Number) -> String {
    let text = n.to_string();
    if !n.is_f64() {
        return text;
    }
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(at) => (&text[..at], Some(&text[at + 1..])),
        None => (text.as_str(), None),
    };
    let mut out = String::with_capacity(text.len() + 3);
    out.push_str(mantissa);
    if !mantissa.contains('.') {
        out.push_str(".0");
    }
    if let Some(exponent) = exponent {
        out.push('e');
        if !exponent.starts_with(['+', '-']) {
            out.push('+');
        }
        out.push_str(exponent);
    }
    out
}

/// A mapping key: always on one line.
pub(crate) fn key(s: &str) -> String {
    inline(s)
}

/// A string value: a literal block when it spans lines and one reads back exactly, else inline.
pub(crate) fn text(s: &str) -> Text<'_> {
    if s.contains('\n') {
        if let Some(block) = literal_block(s) {
            return block;
        }
    }
    Text::Inline(inline(s))
}

/// The one-line form: plain, single-quoted or double-quoted.
fn inline(s: &str) -> String {
    if s.chars().any(needs_escape) {
        double_quoted(s)
    } else if plain_is_safe(s) {
        s.to_string()
    } else {
        single_quoted(s)
    }
}

/// Characters that cannot appear as they are inside a one-line scalar.
fn needs_escape(c: char) -> bool {
    !printable(c)
        || matches!(
            c,
            '\t' | '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}'
        )
}

/// YAML 1.1's printable set (the 1.2 set is the same); line breaks are handled by the caller.
fn printable(c: char) -> bool {
    matches!(c,
        '\t' | '\n' | '\r' | '\u{20}'..='\u{7e}' | '\u{85}' | '\u{a0}'..='\u{d7ff}'
        | '\u{e000}'..='\u{fffd}' | '\u{10000}'..='\u{10ffff}')
}

/// Characters that open a YAML construct when they start a plain scalar.
const INDICATORS: &[char] = &[
    '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '\'', '"', '%', '@', '`',
    '.', ' ',
];

/// Whether `s` can be written without quotes and read back as this same string by any reader.
fn plain_is_safe(s: &str) -> bool {
    let (Some(first), Some(last)) = (s.chars().next(), s.chars().last()) else {
        return false; // the empty string reads as null
    };
    if INDICATORS.contains(&first) || last == ' ' || last == ':' {
        return false;
    }
    if s.contains(": ") || s.contains(" #") {
        return false;
    }
    !resolves_to_non_string(s)
}

/// Whether a plain scalar `s` would be read by some YAML 1.1 or 1.2 reader as a value other than
/// a string. Errs towards yes: a quoted string is always read back right.
pub(crate) fn resolves_to_non_string(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    let word = matches!(
        lower.as_str(),
        "" | "~" | "null" | "y" | "yes" | "n" | "no" | "true" | "false" | "on" | "off" | "<<" | "="
    );
    word || looks_numeric(&lower) || looks_like_date(s)
}

/// Any integer or float form of YAML 1.1 or 1.2, or of go-yaml's resolver (which also reads
/// underscores and `0b`/`0o`/`0x` prefixes): decimal, octal, hex, binary, sexagesimal,
/// exponents, `.inf`, `.nan`. Takes the string lower-cased.
fn looks_numeric(lower: &str) -> bool {
    let t = lower.strip_prefix(['+', '-']).unwrap_or(lower);
    if matches!(
        t,
        ".inf" | ".nan" | "inf" | "nan" | "infinity" | ".infinity"
    ) {
        return true;
    }
    let prefixed = |prefix: &str, digit: fn(char) -> bool| {
        t.strip_prefix(prefix)
            .is_some_and(|rest| !rest.is_empty() && rest.chars().all(|c| digit(c) || c == '_'))
    };
    if prefixed("0x", |c| c.is_ascii_hexdigit())
        || prefixed("0o", |c| matches!(c, '0'..='7'))
        || prefixed("0b", |c| matches!(c, '0' | '1'))
    {
        return true;
    }
    let (mantissa, exponent) = match t.find('e') {
        Some(at) => (&t[..at], Some(&t[at + 1..])),
        None => (t, None),
    };
    let mantissa_ok = mantissa.chars().any(|c| c.is_ascii_digit())
        && mantissa
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '_' | '.' | ':'));
    let exponent_ok = match exponent {
        None => true,
        Some(e) => {
            let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
            !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
        }
    };
    mantissa_ok && exponent_ok
}

/// YAML 1.1 timestamps start with a four-digit year and a dash.
fn looks_like_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 5 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-'
}

fn single_quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        if c == '\'' {
            out.push('\'');
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// `s` double-quoted, with every character that needs it escaped.
pub(crate) fn double_quoted(s: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\0' => out.push_str("\\0"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{b}' => out.push_str("\\v"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            '\u{1b}' => out.push_str("\\e"),
            '\u{85}' => out.push_str("\\N"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            c if needs_escape(c) => {
                let code = u32::from(c);
                // Writing to a String cannot fail.
                let _ = if code <= 0xff {
                    write!(out, "\\x{code:02X}")
                } else if code <= 0xffff {
                    write!(out, "\\u{code:04X}")
                } else {
                    write!(out, "\\U{code:08X}")
                };
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A literal block for `s`, when one reads back exactly: only printable characters and no tab,
/// no carriage return or other line break than `\n`, no line ending in a space, some text on a
/// line, and no indentation on the first line with text (a reader takes the block's indentation
/// from it).
fn literal_block(s: &str) -> Option<Text<'_>> {
    if s.chars().any(|c| c != '\n' && needs_escape(c)) {
        return None;
    }
    let body = s.trim_end_matches('\n');
    let trailing = s.len() - body.len();
    let lines: Vec<&str> = body.split('\n').collect();
    let first_text = lines.iter().find(|l| !l.is_empty())?;
    if first_text.starts_with(' ') || lines.iter().any(|l| l.ends_with(' ')) {
        return None;
    }
    let header = match trailing {
        0 => "|-",
        1 => "|",
        _ => "|+",
    };
    let mut lines = lines;
    // Kept trailing line breaks beyond the last line's own become empty lines.
    lines.extend(std::iter::repeat_n("", trailing.saturating_sub(1)));
    Some(Text::Block { header, lines })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_when_nothing_could_misread_it() {
        for s in [
            "nginx",
            "nginx:1.25",
            "app.kubernetes.io/name",
            "a b",
            "3f2a9c1x",
            "deadbeef",
            "a#b",
            "a:b",
            "100m",
            "1Gi",
            "RollingUpdate",
            "ä-ü",
            "x[0]",
            "foo-",
        ] {
            assert_eq!(inline(s), s, "{s}");
        }
    }

    #[test]
    fn quotes_what_yaml_1_1_or_1_2_would_read_as_another_type() {
        for s in [
            "yes",
            "No",
            "ON",
            "off",
            "y",
            "N",
            "true",
            "False",
            "null",
            "NULL",
            "~",
            "",
            "0644",
            "0o14",
            "0x1F",
            "0b101",
            "1e3",
            "1E3",
            "-1.5",
            ".5",
            "1.",
            "+1",
            "1_000",
            "1:20",
            "1:20.5",
            ".inf",
            "-.Inf",
            ".NaN",
            "2001-12-14",
            "2001-12-14t21:59:43.10-05:00",
            "1.2.3",
            "<<",
            "=",
            "123",
            "-",
            "---",
            "...",
        ] {
            assert_ne!(inline(s), s, "{s:?} must be quoted");
        }
    }

    #[test]
    fn quotes_indicators_and_spaces() {
        assert_eq!(inline(" a"), "' a'");
        assert_eq!(inline("a "), "'a '");
        assert_eq!(inline("a: b"), "'a: b'");
        assert_eq!(inline("a #b"), "'a #b'");
        assert_eq!(inline("*x"), "'*x'");
        assert_eq!(inline("it's"), "it's");
        assert_eq!(inline("'q'"), "'''q'''");
        assert_eq!(inline("end:"), "'end:'");
    }

    #[test]
    fn escapes_control_characters() {
        assert_eq!(inline("a\tb"), "\"a\\tb\"");
        assert_eq!(inline("\u{1}"), "\"\\x01\"");
        assert_eq!(inline("a\u{2028}b"), "\"a\\Lb\"");
        assert_eq!(inline("\u{feff}x"), "\"\\uFEFFx\"");
        assert_eq!(inline("q\"\\"), "q\"\\");
        assert_eq!(inline("\"\t"), "\"\\\"\\t\"");
    }

    #[test]
    fn literal_blocks_with_the_right_chomping() {
        assert_eq!(
            text("a\nb"),
            Text::Block {
                header: "|-",
                lines: vec!["a", "b"]
            }
        );
        assert_eq!(
            text("a\nb\n"),
            Text::Block {
                header: "|",
                lines: vec!["a", "b"]
            }
        );
        assert_eq!(
            text("a\n\n"),
            Text::Block {
                header: "|+",
                lines: vec!["a", ""]
            }
        );
        assert_eq!(
            text("\na"),
            Text::Block {
                header: "|-",
                lines: vec!["", "a"]
            }
        );
        assert_eq!(text(" a\nb"), Text::Inline("\" a\\nb\"".into()));
        assert_eq!(text("a \nb"), Text::Inline("\"a \\nb\"".into()));
        assert_eq!(text("\n\n"), Text::Inline("\"\\n\\n\"".into()));
        assert_eq!(text("a\r\nb"), Text::Inline("\"a\\r\\nb\"".into()));
    }

    #[test]
    fn floats_carry_a_dot_and_a_signed_exponent() {
        let n = |s: &str| {
            number(&serde_json::from_str::<Number>(s).unwrap_or_else(|_| Number::from(0)))
        };
        assert_eq!(n("1e20"), "1.0e+20");
        assert_eq!(n("1.5e-7"), "1.5e-7");
        assert_eq!(n("2.5"), "2.5");
        assert_eq!(n("1.0"), "1.0");
        assert_eq!(n("-3"), "-3");
        assert_eq!(n("18446744073709551615"), "18446744073709551615");
    }
}
