//! The session: what every request of one reading shares — the transport, the limits, the
//! deadline, the request log and the way out to the caller — and the retry loop around each
//! request.

use std::cell::{Cell, RefCell};
use std::time::Duration;

use tokio::sync::mpsc::Sender;
use tokio::time::Instant;

use super::backoff;
use super::error::LiveError;
use super::progress::Progress;
use super::reading::Event;
use super::snapshot::RequestRecord;
use super::trace::Trace;
use super::transport::{Failure, Get, Reply, Transport, METHOD};

/// Before the server has answered anything, a failed connection is retried at most this often:
/// an unreachable server is reported quickly.
const RETRIES_BEFORE_FIRST_ANSWER: u32 = 1;

/// How a request ended.
#[derive(Debug)]
pub(crate) enum Fetched {
    /// An answer that is not retried: a success, or a 4xx other than 401 and 429.
    Reply(Reply),
    /// 429, 5xx, timeouts or broken connections, more often than allowed.
    GaveUp { attempts: u32, reason: String },
    /// The overall deadline came (before the request, during it, or before its next retry).
    Deadline,
    /// Nothing more can be read (401, or no credentials).
    Fatal(LiveError),
}

pub(crate) struct Session {
    transport: Transport,
    pub(crate) context: String,
    pub(crate) server: String,
    max_retries: u32,
    request_timeout: Duration,
    pub(crate) overall_timeout: Duration,
    deadline: Instant,
    records: RefCell<Vec<RequestRecord>>,
    answered: Cell<bool>,
    events: Sender<Event>,
    pub(crate) progress: Progress,
}

/// The limits of one session.
pub(crate) struct Limits {
    pub(crate) max_retries: u32,
    pub(crate) request_timeout: Duration,
    pub(crate) overall_timeout: Duration,
}

impl Session {
    /// The deadline starts now.
    pub(crate) fn new(
        transport: Transport,
        context: String,
        server: String,
        limits: Limits,
        events: Sender<Event>,
        progress: Progress,
    ) -> Session {
        Session {
            transport,
            context,
            server,
            max_retries: limits.max_retries,
            request_timeout: limits.request_timeout,
            overall_timeout: limits.overall_timeout,
            deadline: Instant::now() + limits.overall_timeout,
            records: RefCell::new(Vec::new()),
            answered: Cell::new(false),
            events,
            progress,
        }
    }

    /// Whether the server has answered anything yet.
    pub(crate) fn answered(&self) -> bool {
        self.answered.get()
    }

    /// Every request made so far, taken out of the session.
    pub(crate) fn take_records(&self) -> Vec<RequestRecord> {
        self.records.take()
    }

    /// Hands `event` to the caller, waiting while the caller is behind.
    pub(crate) async fn emit(&self, event: Event) {
        // A caller that stopped listening also stops the reading (see `reading`).
        let _ = self.events.send(event).await;
    }

    pub(crate) async fn trace(&self, trace: Trace) {
        self.emit(Event::Trace(trace)).await;
    }

    /// `get`, retried after 429, 5xx, timeouts and broken connections with backoff, within the
    /// request timeout and the overall deadline.
    pub(crate) async fn fetch(&self, get: &Get) -> Fetched {
        let mut attempt: u32 = 1;
        loop {
            let now = Instant::now();
            if now >= self.deadline {
                return Fetched::Deadline;
            }
            let limit = self.request_timeout.min(self.deadline - now);
            let started = std::time::Instant::now();
            let result = self.transport.send(get, limit).await;
            let duration = started.elapsed();
            let (status, error) = match &result {
                Ok(reply) => (Some(reply.status), None),
                Err(Failure::TimedOut) => {
                    (None, Some(format!("no answer within {}", seconds(limit))))
                }
                Err(Failure::Transport(reason) | Failure::Credentials(reason)) => {
                    (None, Some(reason.clone()))
                }
            };
            self.record(RequestRecord {
                method: METHOD,
                path: get.path().to_string(),
                subject: get.subject().to_string(),
                status,
                duration,
                attempt,
                error,
            })
            .await;
            let (reason, retry_after) = match result {
                Ok(reply) => {
                    self.answered.set(true);
                    if reply.status == 401 {
                        return Fetched::Fatal(LiveError::Unauthorized {
                            context: self.context.clone(),
                            server: self.server.clone(),
                        });
                    }
                    if reply.status != 429 && !(500..600).contains(&reply.status) {
                        return Fetched::Reply(reply);
                    }
                    (reply.describe(), reply.retry_after)
                }
                Err(Failure::Credentials(reason)) => {
                    return Fetched::Fatal(LiveError::Credentials {
                        context: self.context.clone(),
                        server: self.server.clone(),
                        reason,
                    })
                }
                Err(Failure::TimedOut) if limit < self.request_timeout => return Fetched::Deadline,
                Err(Failure::TimedOut) => (format!("no answer within {}", seconds(limit)), None),
                Err(Failure::Transport(reason)) => (reason, None),
            };
            let allowed = if self.answered.get() {
                self.max_retries
            } else {
                self.max_retries.min(RETRIES_BEFORE_FIRST_ANSWER)
            };
            if attempt > allowed {
                return Fetched::GaveUp {
                    attempts: attempt,
                    reason,
                };
            }
            let after = backoff::delay(attempt, retry_after, fastrand::f64());
            if Instant::now() + after >= self.deadline {
                return Fetched::Deadline;
            }
            self.progress.retry();
            self.trace(Trace::Retry {
                path: get.path().to_string(),
                after,
                reason,
                retry: attempt,
            })
            .await;
            tokio::time::sleep(after).await;
            attempt += 1;
        }
    }

    async fn record(&self, record: RequestRecord) {
        let trace = Trace::Request {
            method: record.method,
            path: record.path.clone(),
            status: record.status,
            duration: record.duration,
            attempt: record.attempt,
        };
        self.records.borrow_mut().push(record);
        self.trace(trace).await;
    }
}

/// A duration as people write it: `30s`, `1.5s`, `5m`.
pub(crate) fn seconds(d: Duration) -> String {
    let secs = d.as_secs();
    let whole = d.subsec_millis() == 0;
    if whole && secs > 0 && secs / 60 * 60 == secs {
        format!("{}m", secs / 60)
    } else if whole {
        format!("{secs}s")
    } else {
        format!("{:.1}s", d.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_well() {
        assert_eq!(seconds(Duration::from_secs(300)), "5m");
        assert_eq!(seconds(Duration::from_secs(30)), "30s");
        assert_eq!(seconds(Duration::from_millis(1500)), "1.5s");
        assert_eq!(seconds(Duration::ZERO), "0s");
    }
}
