//! The integration tests, in one binary: one module per area, and the
//! helpers they share in `support`.

mod support;

mod bad_input;
mod cli;
mod fuzz_regressions;
mod integrations;
mod secrets;

/// The fuzz targets' checks, replayed by `fuzz_regressions` without
/// cargo-fuzz.
#[path = "../../fuzz/src/lib.rs"]
mod fuzz_checks;
