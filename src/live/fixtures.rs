//! Test data: API answers written in the shapes a real server sends, under `fixtures/live/`.

use serde_json::Value;

/// The JSON of `fixtures/live/NAME`.
pub(crate) fn json(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/live")
        .join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}
