//! Sources: finding manifest files under the paths given, and reading them
//! (or stdin) as text. Live cluster objects will arrive here as sources too.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use walkdir::WalkDir;

use crate::document::Pos;

/// Where a source's text came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    File(PathBuf),
    Stdin,
}

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
        let walker = WalkDir::new(path)
            .follow_links(true)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()));
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
    }
    inputs.files.dedup();
    inputs
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

/// Reads all of standard input into a source named `<stdin>`.
pub fn read_stdin() -> Result<SourceFile, SourceError> {
    let bytes = read_bounded(std::io::stdin().lock())
        .map_err(|e| SourceError::Stdin {
            reason: e.to_string(),
        })?
        .ok_or_else(|| SourceError::TooLarge {
            path: "standard input".into(),
        })?;
    Ok(SourceFile {
        origin: Origin::Stdin,
        name: "<stdin>".to_string(),
        text: decode(&bytes).map(Arc::from),
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

/// The position of byte `offset` in `text` (which must end at or after it).
fn pos_of(text: &str, offset: usize) -> Pos {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() as u32 + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    Pos {
        line,
        column: before[line_start..].chars().count() as u32 + 1,
        offset,
    }
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
    fn invalid_utf8_is_located() {
        let err = decode(b"a: 1\nb: \xFF\n").unwrap_err();
        assert_eq!((err.pos.line, err.pos.column), (2, 4));
    }
}
