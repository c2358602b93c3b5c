//! A reading in progress: the thread that reads the cluster, and the events it hands over.
//!
//! The reading runs on its own thread with its own single-threaded tokio runtime, so the rest of
//! the program stays synchronous and pays nothing for tokio unless it reads a cluster. Events go
//! through a bounded channel: when the caller is behind, the reading waits (no more requests are
//! made), and each object exists once — in the reading until its list is done, then with the
//! caller. Dropping the [`Reading`] stops the reading at once.

use std::pin::pin;
use std::thread::JoinHandle;

use tokio::sync::mpsc;

use super::engine;
use super::error::LiveError;
use super::options::Options;
use super::progress::Progress;
use super::session::{Limits, Session};
use super::snapshot::{LiveObject, Summary};
use super::target::{self, Environment};
use super::trace::Trace;
use super::transport::Transport;

/// Events waiting for the caller at most.
const BACKLOG: usize = 64;

/// What a reading hands over, in order: traces and objects as they come, then one `Finished`.
#[derive(Debug)]
pub enum Event {
    Trace(Trace),
    /// The top-level objects of one list (one kind, in one namespace or all), in the server's order.
    Objects(Vec<LiveObject>),
    /// The end: how it went, or why nothing more can be read.
    Finished(Result<Summary, LiveError>),
}

/// A reading in progress; iterate over it for its [`Event`]s. It must be iterated from outside any
/// async runtime.
pub struct Reading {
    context: String,
    cluster_server: String,
    default_namespace: String,
    events: mpsc::Receiver<Event>,
    thread: Option<JoinHandle<()>>,
    finished: bool,
}

impl Reading {
    /// The context used (`in-cluster` inside a pod).
    pub fn context(&self) -> &str {
        &self.context
    }

    /// The API server's URL, without credentials.
    pub fn cluster_server(&self) -> &str {
        &self.cluster_server
    }

    /// The context's namespace (or the pod's).
    pub fn default_namespace(&self) -> &str {
        &self.default_namespace
    }
}

impl Iterator for Reading {
    type Item = Event;

    fn next(&mut self) -> Option<Event> {
        if self.finished {
            return None;
        }
        let event = self.events.blocking_recv().unwrap_or_else(|| {
            Event::Finished(Err(LiveError::Internal {
                reason: "the reading stopped without a result".to_string(),
            }))
        });
        if matches!(event, Event::Finished(_)) {
            self.finished = true;
            if let Some(thread) = self.thread.take() {
                // It has sent its last event and is only tidying up.
                let _ = thread.join();
            }
        }
        Some(event)
    }
}

/// Starts reading the cluster `options` chooses. Configuration errors (kubeconfig, context,
/// credentials settings) come back here; everything else comes as events.
pub fn start(options: &Options) -> Result<Reading, LiveError> {
    let target = target::load(options, &Environment::current())?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| LiveError::Internal {
            reason: format!("cannot start the network runtime: {e}"),
        })?;
    let transport = {
        // The client starts its worker task on the runtime.
        let _inside = runtime.enter();
        Transport::connect(&target, options.request_timeout)?
    };
    let (sender, events) = mpsc::channel(BACKLOG);
    let closed = sender.clone();
    let config_trace = Trace::Config {
        origin: target.origin.clone(),
        context: target.context.clone(),
        server: target.server.clone(),
    };
    let session = Session::new(
        transport,
        target.context.clone(),
        target.server.clone(),
        Limits {
            max_retries: options.max_retries,
            request_timeout: options.request_timeout,
            overall_timeout: options.overall_timeout,
        },
        sender,
        Progress::new(options.progress),
    );
    let options = options.clone();
    let default_namespace = target.default_namespace.clone();
    let thread = std::thread::Builder::new()
        .name("live-reader".to_string())
        .spawn(move || {
            let result = runtime.block_on(async {
                session.trace(config_trace).await;
                let work = pin!(engine::run(&session, &options, &default_namespace));
                let abandoned = pin!(closed.closed());
                match futures::future::select(work, abandoned).await {
                    futures::future::Either::Left((result, _)) => Some(result),
                    futures::future::Either::Right(_) => None,
                }
            });
            session.progress.finish();
            if let Some(result) = result {
                let result = result.map(|mut summary| {
                    summary.requests = session.take_records();
                    summary
                });
                let _ = closed.blocking_send(Event::Finished(result));
            }
        })
        .map_err(|e| LiveError::Internal {
            reason: format!("cannot start the reading thread: {e}"),
        })?;
    Ok(Reading {
        context: target.context,
        cluster_server: target.server,
        default_namespace: target.default_namespace,
        events,
        thread: Some(thread),
        finished: false,
    })
}
