//! Sources: finding manifest files under the paths given, reading them (or
//! stdin) as text, and positions in that text ([`Pos`], [`Span`],
//! [`LineIndex`]). Live cluster objects arrive here as sources too.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use walkdir::WalkDir;

/// Where a source's text came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    File(PathBuf),
    Stdin,
    /// An object of a live cluster, its text rendered from the API's answer.
    Cluster(ClusterObject),
}

/// Which object of which cluster a source is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterObject {
    /// The kubeconfig context it was read through.
    pub context: String,
    pub kind: String,
    /// `None` for a cluster-scoped object.
    pub namespace: Option<String>,
    pub name: String,
}

impl ClusterObject {
    /// `k8s://CONTEXT/NAMESPACE/KIND/NAME`, with `_cluster` as the namespace
    /// of a cluster-scoped object: the name reports show for it.
    pub fn uri(&self) -> String {
        let segment = |s: &str| percent_encoding::utf8_percent_encode(s, URI_SEGMENT).to_string();
        format!(
            "k8s://{}/{}/{}/{}",
            segment(&self.context),
            segment(self.namespace.as_deref().unwrap_or("_cluster")),
            segment(&self.kind),
            segment(&self.name)
        )
    }
}

/// What a URI path segment holds as is (RFC 3986 unreserved characters).
const URI_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Text that cannot be read as YAML at all (binary, bad encoding).
#[derive(Debug, Clone, PartialEq)]
pub struct Unreadable {
    pub message: String,
    pub pos: Pos,
}

/// One input to lint.
#[derive(Debug)]
pub struct SourceFile {
    pub origin: Origin,
    /// The name shown to people and written into reports: the path relative
    /// to the current directory with `/` separators, or `<stdin>`.
    pub name: String,
    /// The decoded text (BOM removed), or why it could not be decoded.
    pub text: Result<Arc<str>, Unreadable>,
}

impl SourceFile {
    /// The source's URI in machine-readable reports: a file's path relative
    /// to the repository (percent-encoded), or `stdin`.
    pub fn uri(&self) -> String {
        match &self.origin {
            Origin::File(_) => uri_path(&self.name),
            Origin::Stdin => "stdin".into(),
            Origin::Cluster(object) => object.uri(),
        }
    }

    /// A live object's source: its name is its URI.
    pub fn from_cluster(object: ClusterObject, text: String) -> SourceFile {
        SourceFile {
            name: object.uri(),
            origin: Origin::Cluster(object),
            text: Ok(Arc::from(text)),
        }
    }

    /// Whether the source is a file of the repository, which reports can
    /// point at (SARIF `%SRCROOT%`, GitHub annotations, JUnit `file`).
    pub fn in_repository(&self) -> bool {
        matches!(self.origin, Origin::File(_))
    }

    pub fn from_text(name: &str, text: &str) -> SourceFile {
        SourceFile {
            origin: Origin::File(PathBuf::from(name)),
            name: name.to_string(),
            text: Ok(Arc::from(text)),
        }
    }

    pub fn text(&self) -> &str {
        self.text.as_deref().unwrap_or("")
    }
}

/// A path that could not be linted, and why. The run goes on without it.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum SourceError {
    #[error("{path}: no such file or directory")]
    #[diagnostic(code(seaworthy::missing_path))]
    Missing { path: String },
    #[error("{path}: cannot be read: {reason}")]
    #[diagnostic(code(seaworthy::unreadable))]
    Unreadable { path: String, reason: String },
    #[error("standard input cannot be read: {reason}")]
    #[diagnostic(code(seaworthy::unreadable))]
    Stdin { reason: String },
    /// `-` was given but nothing came: `helm template` or `kustomize build`
    /// failed upstream, and a green run would hide it.
    #[error("no input on stdin: `-` was given, but standard input held no YAML")]
    #[diagnostic(
        code(seaworthy::empty_stdin),
        help("did the command piped in fail? (`helm template CHART | seaworthy lint -`); with `set -o pipefail` the shell reports it too")
    )]
    EmptyStdin,
    #[error("{path}: larger than {} MiB, the most seaworthy reads from one input", MAX_INPUT_BYTES >> 20)]
    #[diagnostic(
        code(seaworthy::too_large),
        help("split it into several files; a Kubernetes object is at most about 1.5 MiB")
    )]
    TooLarge { path: String },
}

/// The largest file (or standard input) read. Reading a manifest takes
/// about fifty times its size in memory and a second or more per megabyte of
/// small objects, so a 200 MB file would take gigabytes and minutes; no real
/// manifest comes near this (etcd stores objects of at most 1.5 MiB), and
/// something that big named `.yaml` is more likely a dump or a log.
pub const MAX_INPUT_BYTES: u64 = 32 << 20;

/// What a request for inputs found.
#[derive(Debug, Default)]
pub struct Inputs {
    pub files: Vec<PathBuf>,
    pub stdin: bool,
    pub errors: Vec<SourceError>,
    /// Helm charts found in a folder: their `templates/` hold template
    /// syntax, which is not YAML, so they are not read.
    pub charts: Vec<PathBuf>,
}

/// The hint for text that holds Helm template syntax.
pub const RENDER_HINT: &str =
    "render the chart first and lint its output: `helm template CHART | seaworthy lint -`";

/// Whether `dir` is the `templates/` folder of a Helm chart whose files hold
/// template syntax.
fn is_chart_templates(dir: &Path) -> bool {
    if dir.file_name().is_none_or(|n| n != "templates") {
        return false;
    }
    let Some(chart) = dir.parent() else {
        return false;
    };
    if !chart.join("Chart.yaml").is_file() {
        return false;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.flatten().any(|e| {
        let path = e.path();
        path.is_file()
            && std::fs::read(&path).is_ok_and(|bytes| bytes.windows(2).any(|w| w == b"{{"))
    })
}

/// Files with these extensions are manifests when found in a folder; a file
/// named on the command line is read whatever its name.
fn is_manifest_name(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml" | "json")
    )
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str()
        .is_some_and(|n| n.starts_with('.') && n != "." && n != "..")
}

/// Expands the paths given (files, folders, `-` for stdin) into the files to
/// read, in a stable order. Hidden folders and files (`.git` among them) are
/// skipped when walking; a path that does not exist is an error for that path
/// only.
pub fn discover(paths: &[PathBuf]) -> Inputs {
    let mut inputs = Inputs::default();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.stdin = true;
            continue;
        }
        let meta = match std::fs::metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                inputs.errors.push(SourceError::Missing {
                    path: path.display().to_string(),
                });
                continue;
            }
            Err(e) => {
                inputs.errors.push(SourceError::Unreadable {
                    path: path.display().to_string(),
                    reason: e.to_string(),
                });
                continue;
            }
        };
        if !meta.is_dir() {
            inputs.files.push(path.clone());
            continue;
        }
        let mut charts = Vec::new();
        let walker = WalkDir::new(path)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| {
                if e.depth() > 0 && is_hidden(e.file_name()) {
                    return false;
                }
                let templates = e.file_type().is_dir() && is_chart_templates(e.path());
                if templates {
                    charts.extend(e.path().parent().map(Path::to_path_buf));
                }
                !templates
            });
        for entry in walker {
            match entry {
                Ok(e) if e.file_type().is_file() && is_manifest_name(e.path()) => {
                    inputs.files.push(e.into_path())
                }
                Ok(_) => {}
                // A symlink loop repeats files we already read: nothing lost.
                Err(e) if e.loop_ancestor().is_some() => {}
                Err(e) => inputs.errors.push(SourceError::Unreadable {
                    path: e
                        .path()
                        .map_or_else(|| path.display().to_string(), |p| p.display().to_string()),
                    reason: e
                        .io_error()
                        .map_or_else(|| e.to_string(), ToString::to_string),
                }),
            }
        }
        inputs.charts.extend(charts);
    }
    inputs.files = once_each(inputs.files);
    inputs
}

/// The files in their order, each once: a file reached twice (by
/// overlapping paths, `./x.yaml` and `x.yaml`, or through a symbolic link)
/// is linted once, under the name it was first reached by.
fn once_each(files: Vec<PathBuf>) -> Vec<PathBuf> {
    let mut seen = std::collections::HashSet::new();
    files
        .into_iter()
        .filter(|path| {
            // A file that cannot be resolved is kept: reading it says why.
            let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
            seen.insert(key)
        })
        .collect()
}

/// Reads a file into a source. Only I/O failures are errors; text that is not
/// valid YAML input (binary, bad UTF-8) is a source whose text is unreadable,
/// so it becomes a finding at its position like any parse error.
pub fn read_file(path: &Path) -> Result<SourceFile, SourceError> {
    let unreadable = |e: std::io::Error| SourceError::Unreadable {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    let file = std::fs::File::open(path).map_err(unreadable)?;
    let too_large = || SourceError::TooLarge {
        path: path.display().to_string(),
    };
    // The size on disk refuses a big file before reading it; the bounded read
    // stops one that grows, or a device such as /dev/zero.
    if file.metadata().map_err(unreadable)?.len() > MAX_INPUT_BYTES {
        return Err(too_large());
    }
    let bytes = read_bounded(file)
        .map_err(unreadable)?
        .ok_or_else(too_large)?;
    Ok(SourceFile {
        origin: Origin::File(path.to_path_buf()),
        name: display_name(path),
        text: decode(&bytes).map(Arc::from),
    })
}

/// Reads all of standard input into a source named `<stdin>`. Input with
/// no YAML in it (nothing, blank lines, comments, document markers) is an
/// error: what was asked to be linted never arrived.
pub fn read_stdin() -> Result<SourceFile, SourceError> {
    read_input(std::io::stdin().lock())
}

fn read_input(reader: impl Read) -> Result<SourceFile, SourceError> {
    let bytes = read_bounded(reader)
        .map_err(|e| SourceError::Stdin {
            reason: e.to_string(),
        })?
        .ok_or_else(|| SourceError::TooLarge {
            path: "standard input".into(),
        })?;
    let text = decode(&bytes).map(Arc::from);
    if text.as_deref().is_ok_and(holds_no_yaml) {
        return Err(SourceError::EmptyStdin);
    }
    Ok(SourceFile {
        origin: Origin::Stdin,
        name: "<stdin>".to_string(),
        text,
    })
}

/// Whether text holds nothing but blank lines, comments and document
/// markers (`---`, `...`).
fn holds_no_yaml(text: &str) -> bool {
    text.lines().all(|line| {
        let line = line.trim();
        let rest = match line
            .strip_prefix("---")
            .or_else(|| line.strip_prefix("..."))
        {
            // After a marker, only a comment (`--- # x`); `---foo` is a scalar.
            Some(rest) if rest.is_empty() || rest.starts_with(char::is_whitespace) => {
                rest.trim_start()
            }
            Some(_) => return false,
            None => line,
        };
        rest.is_empty() || rest.starts_with('#')
    })
}

/// All of `reader`, or `None` when it holds more than [`MAX_INPUT_BYTES`].
fn read_bounded(reader: impl Read) -> std::io::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::new();
    reader.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= MAX_INPUT_BYTES).then_some(bytes))
}

/// The path relative to the current directory, with `/` separators, so that
/// reports are the same on every machine and SARIF URIs are relative.
pub fn display_name(path: &Path) -> String {
    let relative = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(&cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf());
    let mut parts: Vec<String> = Vec::new();
    for c in relative.components() {
        match c {
            std::path::Component::CurDir => {}
            std::path::Component::RootDir => parts.push(String::new()),
            other => parts.push(other.as_os_str().to_string_lossy().into_owned()),
        }
    }
    if parts.len() == 1 && parts[0].is_empty() {
        return "/".into();
    }
    parts.join("/")
}

/// Percent-encodes what a relative URI reference cannot hold as is.
pub fn uri_path(path: &str) -> String {
    const KEPT: &percent_encoding::AsciiSet = &URI_SEGMENT.remove(b'/');
    percent_encoding::utf8_percent_encode(path, KEPT).to_string()
}

/// Decodes UTF-8 (with or without BOM) and UTF-16 with a BOM; anything else
/// is unreadable at the first bad byte.
pub fn decode(bytes: &[u8]) -> Result<String, Unreadable> {
    // YAML's own encoding detection: a NUL beside an ASCII character at the
    // start is UTF-16. Without a BOM, go-yaml (and so kubectl) reads it as
    // UTF-8 and fails, so it is refused here too, by name.
    if let [a, b, ..] = bytes {
        if (*a == 0) != (*b == 0) && (*a | *b).is_ascii() {
            return Err(Unreadable {
                message: "UTF-16 text without a byte order mark: save it as UTF-8".into(),
                pos: Pos {
                    line: 1,
                    column: 1,
                    offset: 0,
                },
            });
        }
    }
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return decode_utf8(rest);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return decode_utf16(rest, u16::from_le_bytes);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return decode_utf16(rest, u16::from_be_bytes);
    }
    decode_utf8(bytes)
}

fn decode_utf8(bytes: &[u8]) -> Result<String, Unreadable> {
    match std::str::from_utf8(bytes) {
        Ok(text) => {
            if let Some(nul) = text.find('\0') {
                return Err(Unreadable {
                    message: "binary data (a NUL byte) in a manifest file".into(),
                    pos: pos_of(text, nul),
                });
            }
            Ok(text.to_string())
        }
        Err(e) => {
            let good = e.valid_up_to();
            let prefix = std::str::from_utf8(&bytes[..good]).unwrap_or_default();
            // A NUL early on says binary (git's test) better than the first
            // byte that is not UTF-8 does.
            if let Some(nul) = bytes.iter().take(8000).position(|&b| b == 0) {
                return Err(Unreadable {
                    message: "binary data (a NUL byte) in a manifest file".into(),
                    pos: if nul < good {
                        pos_of(prefix, nul)
                    } else {
                        pos_of("", 0)
                    },
                });
            }
            Err(Unreadable {
                message: format!("invalid UTF-8 (byte 0x{:02X})", bytes[good]),
                pos: pos_of(prefix, good),
            })
        }
    }
}

fn decode_utf16(bytes: &[u8], word: fn([u8; 2]) -> u16) -> Result<String, Unreadable> {
    let units: Vec<u16> = bytes
        .chunks(2)
        .map(|c| word([c[0], *c.get(1).unwrap_or(&0)]))
        .collect();
    String::from_utf16(&units).map_err(|_| Unreadable {
        message: "invalid UTF-16".into(),
        pos: Pos {
            line: 1,
            column: 1,
            offset: 0,
        },
    })
}

/// The position of byte `offset` in `text`.
fn pos_of(text: &str, offset: usize) -> Pos {
    LineIndex::new(text).pos(offset)
}

/// A position in a source file: 1-based line and column (columns count
/// Unicode code points, as editors and SARIF `unicodeCodePoints` do) and the
/// byte offset, which is what terminal renderers need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pos {
    pub line: u32,
    pub column: u32,
    pub offset: usize,
}

/// A half-open range `[start, end)` in a source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    pub start: Pos,
    pub end: Pos,
}

impl Span {
    pub fn new(start: Pos, end: Pos) -> Self {
        Span { start, end }
    }

    /// The smallest span that covers both.
    pub fn join(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn byte_len(&self) -> usize {
        self.end.offset.saturating_sub(self.start.offset)
    }
}

/// Maps byte offsets to positions and back, and the YAML parser's (line,
/// character column) markers to positions.
///
/// The parser ends a line at `\n` and at a lone `\r` too; our positions
/// count `\n` only, as everywhere else in seaworthy. The two agree unless
/// the text holds a `\r` that is not followed by `\n`.
pub struct LineIndex<'a> {
    text: &'a str,
    /// Byte offset of the start of each of the parser's lines (0-based).
    starts: Vec<usize>,
    /// Where each of the parser's lines starts in our terms: the line, and
    /// the column (0-based) it starts at, which is not 0 after a lone `\r`.
    /// Empty when the text has no lone `\r`: then the lines are the same.
    origins: Vec<(u32, u32)>,
    ascii: bool,
    /// For non-ASCII text: the byte offset of every `CHECKPOINT`th character
    /// of each line, and where each line's checkpoints begin in that list,
    /// so that a column is found without counting from the start of a long
    /// line (a minified JSON file is one line).
    checkpoints: Vec<usize>,
    line_checkpoints: Vec<usize>,
}

/// Characters between two checkpoints of a non-ASCII line.
const CHECKPOINT: usize = 64;

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut lone_cr = false;
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\n' {
                starts.push(i + 1);
            } else if b == b'\r' && bytes.get(i + 1) != Some(&b'\n') {
                starts.push(i + 1);
                lone_cr = true;
            }
        }
        let mut origins = Vec::new();
        if lone_cr {
            let (mut line, mut column) = (1u32, 0u32);
            origins.push((line, column));
            for w in starts.windows(2) {
                if bytes[w[1] - 1] == b'\n' {
                    line += 1;
                    column = 0;
                } else {
                    column += text[w[0]..w[1]].chars().count() as u32;
                }
                origins.push((line, column));
            }
        }
        let ascii = text.is_ascii();
        let (mut checkpoints, mut line_checkpoints) = (Vec::new(), Vec::new());
        if !ascii {
            for (line, &start) in starts.iter().enumerate() {
                let end = starts.get(line + 1).copied().unwrap_or(text.len());
                line_checkpoints.push(checkpoints.len());
                checkpoints.extend(
                    text[start..end]
                        .char_indices()
                        .step_by(CHECKPOINT)
                        .map(|(i, _)| start + i),
                );
            }
        }
        LineIndex {
            text,
            starts,
            origins,
            ascii,
            checkpoints,
            line_checkpoints,
        }
    }

    /// The byte offset of character `col` of line `line0`, or the line's end.
    fn char_offset(&self, line0: usize, col: usize) -> usize {
        let line_end = self
            .starts
            .get(line0 + 1)
            .copied()
            .unwrap_or(self.text.len());
        let first = self.line_checkpoints[line0];
        let last = self
            .line_checkpoints
            .get(line0 + 1)
            .copied()
            .unwrap_or(self.checkpoints.len());
        let Some(&from) = self.checkpoints[first..last].get(col / CHECKPOINT) else {
            return line_end;
        };
        self.text[from..line_end]
            .char_indices()
            .nth(col % CHECKPOINT)
            .map_or(line_end, |(i, _)| from + i)
    }

    /// The position of byte `offset` in the parser's lines, as the base of
    /// a chunk for [`LineIndex::parser_pos`].
    pub fn parser_base(&self, offset: usize) -> Pos {
        let line = self
            .starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1);
        let line_start = self.starts[line];
        let column = if self.ascii {
            offset - line_start
        } else {
            self.text[line_start..offset].chars().count()
        };
        Pos {
            line: line as u32 + 1,
            column: column as u32 + 1,
            offset,
        }
    }

    /// The position of a parser marker: `line` is 1-based and `col` 0-based
    /// in characters, relative to a chunk that starts at `base`.
    pub fn parser_pos(&self, base: Pos, line: usize, col: usize) -> Pos {
        let line0 = (base.line as usize - 1) + (line.max(1) - 1);
        let line0 = line0.min(self.starts.len() - 1);
        let mut col = col;
        if line <= 1 {
            col += base.column as usize - 1;
        }
        let line_start = self.starts[line0];
        let line_end = self
            .starts
            .get(line0 + 1)
            .copied()
            .unwrap_or(self.text.len());
        // The line's last offset: its line break, or the end of the text.
        let last = if line0 + 1 < self.starts.len() {
            line_end - 1
        } else {
            line_end
        };
        let mut offset = if self.ascii {
            line_start + col
        } else {
            self.char_offset(line0, col)
        };
        // A column past the end of its line stops at the line's end (the
        // column is counted again: a character column may overshoot the
        // last line, where the offset cannot).
        if offset >= last {
            offset = last;
            col = if self.ascii {
                last - line_start
            } else {
                self.text[line_start..last].chars().count()
            };
        }
        let (line, column) = match self.origins.get(line0) {
            Some(&(line, start)) => (line, start + col as u32),
            None => (line0 as u32 + 1, col as u32),
        };
        Pos {
            line,
            column: column + 1,
            offset,
        }
    }
}

impl LineIndex<'_> {
    /// The position of byte `offset` (clamped to the text).
    pub fn pos(&self, offset: usize) -> Pos {
        let offset = floor_char_boundary(self.text, offset);
        let parser = self.parser_base(offset);
        match self.origins.get(parser.line as usize - 1) {
            Some(&(line, start)) => Pos {
                line,
                column: start + parser.column,
                offset,
            },
            None => parser,
        }
    }

    /// The byte offset of a 1-based line and character column; a column
    /// past the end of its line is the end of the line's text.
    pub fn offset(&self, line: u32, column: u32) -> usize {
        let first = match self.origins.is_empty() {
            true => Some(line as usize - 1).filter(|&l| l < self.starts.len()),
            false => self.origins.iter().position(|&(l, _)| l == line),
        };
        let Some(start) = first.map(|l| self.starts[l]) else {
            return self.text.len();
        };
        let rest = &self.text[start..];
        let line_text = &rest[..rest.find('\n').map_or(rest.len(), |i| i + 1)];
        line_text
            .char_indices()
            .nth(column.saturating_sub(1) as usize)
            .map_or(start + line_text.trim_end().len(), |(b, _)| start + b)
    }
}

/// The largest char boundary at or below `offset`.
fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_is_removed() {
        assert_eq!(decode(b"\xEF\xBB\xBFa: 1\n").unwrap(), "a: 1\n");
    }

    #[test]
    fn utf16_with_bom_is_decoded() {
        let mut bytes = vec![0xFF, 0xFE];
        for u in "kind: Pod\n".encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&bytes).unwrap(), "kind: Pod\n");
    }

    #[test]
    fn stdin_without_yaml_is_refused() {
        for text in [
            "",
            "\n  \n",
            "# a comment\n---\n# Source: x\n...\n",
            "--- # nothing\n",
        ] {
            assert!(
                matches!(read_input(text.as_bytes()), Err(SourceError::EmptyStdin)),
                "{text:?}"
            );
        }
        for text in ["a: 1\n", "# c\n---\nkind: Pod\n", "---foo\n", "[]"] {
            assert!(read_input(text.as_bytes()).is_ok(), "{text:?}");
        }
    }

    #[test]
    fn invalid_utf8_is_located() {
        let err = decode(b"a: 1\nb: \xFF\n").unwrap_err();
        assert_eq!((err.pos.line, err.pos.column), (2, 4));
    }
}
