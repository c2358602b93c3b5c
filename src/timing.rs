//! Phase timings on stderr when `SEAWORTHY_TIMINGS` is set: where a run's
//! wall time goes, without a profiler (see docs/benchmarks.md).

use std::sync::OnceLock;
use std::time::Instant;

static START: OnceLock<Option<Instant>> = OnceLock::new();

fn start() -> Option<Instant> {
    *START.get_or_init(|| std::env::var_os("SEAWORTHY_TIMINGS").map(|_| Instant::now()))
}

/// Starts the clock (when timings are on); call first thing in `main`.
pub fn init() {
    start();
}

/// Prints the time since the start at the end of a phase: a developer's
/// profile on stderr, outside every report, so it prints itself.
#[allow(clippy::disallowed_macros)]
pub fn mark(phase: &str) {
    if let Some(start) = start() {
        eprintln!(
            "seaworthy timing: {:>8.1} ms  {phase}",
            start.elapsed().as_secs_f64() * 1000.0
        );
    }
}
