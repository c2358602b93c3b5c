//! Ctrl-C and files written whole: a run interrupted while it writes a
//! report or an export leaves neither a half-written file nor a temporary
//! file behind, and exits 130 (128 + SIGINT), as shells expect. A file from
//! an earlier run stays as it was: files are written beside it and renamed
//! into place ([`write_atomically`]).

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};

/// The exit code of a run stopped by Ctrl-C.
pub const EXIT_CODE: i32 = 130;

#[derive(Default)]
struct State {
    interrupted: bool,
    /// Temporary files being written, removed if the run is interrupted.
    pending: Vec<PathBuf>,
}

static STATE: Mutex<State> = Mutex::new(State {
    interrupted: false,
    pending: Vec::new(),
});

fn state() -> MutexGuard<'static, State> {
    // A panic elsewhere while holding the lock leaves the list intact.
    STATE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Installs the Ctrl-C handler. It runs on a thread of its own, not in the
/// signal handler, so it may take the lock and remove files.
pub fn install() -> Result<(), ctrlc::Error> {
    ctrlc::set_handler(|| {
        // Held until the process ends: no temporary file is created after
        // this point, and none created before escapes removal.
        let mut state = state();
        state.interrupted = true;
        for path in state.pending.drain(..) {
            let _ = std::fs::remove_file(path);
        }
        std::process::exit(EXIT_CODE);
    })
}

/// Creates a temporary file that is removed if the run is interrupted before
/// [`finished`] is called for it. Creating and registering happen under one
/// lock, so an interruption sees either both or neither.
pub fn create_temporary(path: &Path) -> io::Result<File> {
    let mut state = state();
    if state.interrupted {
        return Err(io::Error::new(io::ErrorKind::Interrupted, "interrupted"));
    }
    let file = File::create(path)?;
    state.pending.push(path.to_path_buf());
    Ok(file)
}

/// Forgets a temporary file: renamed into place, or removed.
pub fn finished(path: &Path) {
    state().pending.retain(|p| p != path);
}

/// Writes to a temporary file beside `path` and renames it into place, so a
/// reader never sees a half-written report.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        // Registered, so that Ctrl-C removes it rather than leave it behind.
        let mut f = create_temporary(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    finished(&tmp);
    result
}
