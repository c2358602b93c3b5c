//! The backoff schedule: how long to wait before retrying a request.
//!
//! Exponential with full jitter: before retry `n` (1 for the first) the wait is drawn between zero
//! and `200 ms × 2^(n-1)`, that bound capped at 10 s. A `Retry-After` from the server is honoured
//! (capped at 10 s too), with up to 200 ms of jitter added so that clients told the same second do
//! not come back together.

use std::time::Duration;

/// The first retry's upper bound.
pub(crate) const BASE: Duration = Duration::from_millis(200);
/// No wait is ever longer.
pub(crate) const CAP: Duration = Duration::from_secs(10);
/// The jitter added to a `Retry-After`.
const RETRY_AFTER_JITTER: Duration = Duration::from_millis(200);

/// The wait before retry number `retry` (1-based), given the server's `Retry-After` if any and a
/// random number `unit` in `[0, 1)`.
pub(crate) fn delay(retry: u32, retry_after: Option<Duration>, unit: f64) -> Duration {
    let unit = if unit.is_finite() {
        unit.clamp(0.0, 1.0)
    } else {
        0.0
    };
    match retry_after {
        Some(after) => (after.min(CAP) + RETRY_AFTER_JITTER.mul_f64(unit)).min(CAP),
        None => ceiling(retry).mul_f64(unit),
    }
}

/// The upper bound of the wait before retry number `retry`.
pub(crate) fn ceiling(retry: u32) -> Duration {
    let doublings = retry.saturating_sub(1).min(16);
    BASE.saturating_mul(1 << doublings).min(CAP)
}

/// The value of a `Retry-After` header: whole seconds (an HTTP date is not honoured; the normal
/// schedule applies then).
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_then_caps() {
        let bounds: Vec<u128> = (1..=9).map(|n| ceiling(n).as_millis()).collect();
        assert_eq!(
            bounds,
            [200, 400, 800, 1600, 3200, 6400, 10000, 10000, 10000]
        );
        assert_eq!(ceiling(u32::MAX), CAP);
    }

    #[test]
    fn full_jitter_stays_within_the_bound() {
        assert_eq!(delay(3, None, 0.0), Duration::ZERO);
        assert_eq!(delay(3, None, 0.5), Duration::from_millis(400));
        assert!(delay(3, None, 0.999_999) < Duration::from_millis(800));
        assert_eq!(delay(3, None, f64::NAN), Duration::ZERO);
        for n in 1..20 {
            assert!(delay(n, None, fastrand::f64()) <= CAP);
        }
    }

    #[test]
    fn retry_after_is_honoured_and_capped() {
        assert_eq!(
            delay(1, Some(Duration::from_secs(2)), 0.0),
            Duration::from_secs(2)
        );
        assert_eq!(
            delay(1, Some(Duration::from_secs(2)), 0.5),
            Duration::from_millis(2100)
        );
        assert_eq!(delay(1, Some(Duration::from_secs(3600)), 0.9), CAP);
        assert_eq!(parse_retry_after(" 3 "), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert_eq!(parse_retry_after("-1"), None);
    }
}
