//! regorus errors as diagnostics at the policy line they name.

use crate::policy::{Catalog, Module, PolicyError};

/// Turns a regorus error into a diagnostic at the policy line it names.
pub(super) fn located_error(catalog: &Catalog, fallback: &Module, message: &str) -> PolicyError {
    // regorus formats errors as "\n--> file:line:col\n...\nerror: message".
    let location = message.lines().find_map(|l| l.trim().strip_prefix("--> "));
    let summary = message
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(message)
        .trim()
        .trim_start_matches("error: ")
        .to_string();
    if let Some(loc) = location {
        let mut parts = loc.rsplitn(3, ':');
        let col = parts.next().and_then(|c| c.parse::<u32>().ok());
        let line = parts.next().and_then(|l| l.parse::<u32>().ok());
        let file = parts.next().unwrap_or_default();
        if let (Some(line), Some(col)) = (line, col) {
            let module = catalog
                .modules
                .iter()
                .find(|m| m.name == file)
                .unwrap_or(fallback);
            return PolicyError::at(module, line, col, summary);
        }
    }
    PolicyError::at(fallback, 1, 1, summary)
}
