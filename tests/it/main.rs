//! The integration tests, in one binary: one module per area, and the
//! helpers they share in `support`.

// Test code: a failed unwrap is a failed test, and printing is allowed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::disallowed_macros)]

mod support;

mod architecture;
mod bad_input;
mod cli;
mod fuzz_regressions;
mod integrations;
mod secrets;

/// The fuzz targets' checks, replayed by `fuzz_regressions` without
/// cargo-fuzz.
#[path = "../../fuzz/src/lib.rs"]
mod fuzz_checks;
