//! The transport: GET requests to the API server, one attempt each, within a time limit.
//!
//! GET is the only method this module can send: a request can only be made from a [`Get`], whose
//! one conversion to HTTP builds a GET and refuses anything else, and [`Transport::send`] takes
//! nothing but a [`Get`].

use std::time::Duration;

use http::header::{ACCEPT, RETRY_AFTER, USER_AGENT};
use kube::client::{AuthError, RustlsTlsError};

use super::backoff;
use super::error::LiveError;
use super::redactor::Redactor;
use super::target::{display_server, kubeconfig_problem, Target};

/// The method of every request.
pub(crate) const METHOD: &str = "GET";

const AGENT: &str = concat!("seaworthy/", env!("CARGO_PKG_VERSION"), " (read-only)");

/// What to ask the server to answer with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Accept {
    /// Plain JSON.
    Json,
    /// Aggregated discovery (v2, then v2beta1), else the plain discovery documents.
    Discovery,
    /// Only the metadata of each object of a list, else the full list.
    Metadata,
}

impl Accept {
    fn header(self) -> &'static str {
        match self {
            Accept::Json => "application/json",
            Accept::Discovery => {
                "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,\
                 application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json"
            }
            Accept::Metadata => "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json",
        }
    }
}

/// A GET request: path and query under the server URL, and what to accept.
#[derive(Debug, Clone)]
pub(crate) struct Get {
    path: String,
    accept: Accept,
    /// What it reads, for the audit: `Deployment.apps`, `Service`, `discovery`.
    subject: String,
}

impl Get {
    pub(crate) fn new(path: String, accept: Accept) -> Get {
        Get {
            path,
            accept,
            subject: "discovery".to_string(),
        }
    }

    /// The same request, recorded as reading `subject`.
    pub(crate) fn reading(mut self, subject: String) -> Get {
        self.subject = subject;
        self
    }

    pub(crate) fn subject(&self) -> &str {
        &self.subject
    }

    pub(crate) fn path(&self) -> &str {
        &self.path
    }

    /// The HTTP request: the one place where this module builds one.
    fn to_http(&self) -> Result<http::Request<kube::client::Body>, String> {
        let request = http::Request::get(self.path.as_str())
            .header(ACCEPT, self.accept.header())
            .header(USER_AGENT, AGENT)
            .body(kube::client::Body::from(Vec::new()))
            .map_err(|e| format!("invalid request {}: {e}", self.path))?;
        if request.method() != http::Method::GET {
            return Err(format!("refused to send a {} request", request.method()));
        }
        Ok(request)
    }
}

/// An answer, whatever its status.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) retry_after: Option<Duration>,
    pub(crate) body: Vec<u8>,
}

impl Reply {
    pub(crate) fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The status and the server's message, as in `403 Forbidden: pods is forbidden: ...`.
    pub(crate) fn describe(&self) -> String {
        let reason = http::StatusCode::from_u16(self.status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("");
        let message = serde_json::from_slice::<serde_json::Value>(&self.body)
            .ok()
            .and_then(|v| {
                v.get("message")
                    .and_then(|m| m.as_str())
                    .map(str::to_string)
            })
            .filter(|m| !m.is_empty())
            .map(|m| format!(": {}", shorten(&m, 300)))
            .unwrap_or_default();
        format!("{} {reason}{message}", self.status).replace("  ", " ")
    }
}

/// Why no answer came.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Nothing (or not all of the answer) within the time limit.
    TimedOut,
    /// The connection failed or broke.
    Transport(String),
    /// No credentials could be had (exec plugin, token file...).
    Credentials(String),
}

/// The client of one reading.
pub(crate) struct Transport {
    client: kube::Client,
    redactor: Redactor,
    plugin: Option<String>,
}

impl Transport {
    /// A client for `target` with `request_timeout` on connecting, writing and reading, and none
    /// of the client library's own retries (every try is made, and recorded, here). Must run
    /// inside the reading's runtime: the client starts a task.
    pub(crate) fn connect(
        target: &Target,
        request_timeout: Duration,
    ) -> Result<Transport, LiveError> {
        let mut config = target.config.clone();
        config.connect_timeout = Some(request_timeout);
        config.read_timeout = Some(request_timeout);
        config.write_timeout = Some(request_timeout);
        config.reset_reader_on_write = true;
        config.default_retry = false;
        let client = kube::Client::try_from(config).map_err(|e| {
            let bad_context = |problem: String| LiveError::BadContext {
                context: target.context.clone(),
                origin: target.origin.clone(),
                problem: target.redactor.scrub(&problem),
            };
            match e {
                kube::Error::InferKubeconfig(k) => bad_context(kubeconfig_problem(&k)),
                kube::Error::RustlsTls(t) => bad_context(tls_problem(&t)),
                kube::Error::ProxyProtocolUnsupported { proxy_url }
                | kube::Error::ProxyProtocolDisabled { proxy_url, .. } => bad_context(format!(
                    "the proxy {} uses a protocol that is not supported",
                    display_server(&proxy_url)
                )),
                kube::Error::Auth(a) => LiveError::Credentials {
                    context: target.context.clone(),
                    server: target.server.clone(),
                    reason: target
                        .redactor
                        .scrub(&auth_problem(&a, target.plugin.as_deref())),
                },
                other => LiveError::Internal {
                    reason: target.redactor.scrub(&chain(&other)),
                },
            }
        })?;
        Ok(Transport {
            client,
            redactor: target.redactor.clone(),
            plugin: target.plugin.clone(),
        })
    }

    /// One attempt at `get`, answer body included, within `limit`.
    pub(crate) async fn send(&self, get: &Get, limit: Duration) -> Result<Reply, Failure> {
        let request = get.to_http().map_err(Failure::Transport)?;
        let exchange = async {
            let response = self
                .client
                .send(request)
                .await
                .map_err(|e| self.failure(e))?;
            let status = response.status().as_u16();
            let retry_after = response
                .headers()
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(backoff::parse_retry_after);
            let body = response
                .into_body()
                .collect_bytes()
                .await
                .map_err(|e| self.failure(e))?;
            Ok(Reply {
                status,
                retry_after,
                body: Vec::from(body),
            })
        };
        match tokio::time::timeout(limit, exchange).await {
            Ok(result) => result,
            Err(_) => Err(Failure::TimedOut),
        }
    }

    fn failure(&self, e: kube::Error) -> Failure {
        match e {
            kube::Error::Auth(a) => Failure::Credentials(
                self.redactor
                    .scrub(&auth_problem(&a, self.plugin.as_deref())),
            ),
            kube::Error::Service(inner) => Failure::Transport(self.redactor.scrub(&chain(&*inner))),
            kube::Error::HyperError(inner) => {
                Failure::Transport(self.redactor.scrub(&chain(&inner)))
            }
            other => Failure::Transport(self.redactor.scrub(&chain(&other))),
        }
    }
}

/// An error and its sources, as one line, without the HTTP client's generic wrapper
/// (`client error (Connect)`).
fn chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(e);
    while let Some(err) = next {
        if parts.len() >= 8 {
            break;
        }
        let text = err.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        next = err.source();
    }
    if parts.len() > 1 && parts[0].starts_with("client error (") {
        parts.remove(0);
    }
    parts.join(": ")
}

/// Why credentials could not be had, without the plugin's output (it may hold a token).
fn auth_problem(e: &AuthError, plugin: Option<&str>) -> String {
    let plugin = plugin.map(|p| format!(" '{p}'")).unwrap_or_default();
    match e {
        AuthError::AuthExecRun { out, .. } => format!(
            "the credential plugin{plugin} failed ({}); its output is not shown because it may hold credentials: \
             run the plugin by hand to see it",
            out.status
        ),
        AuthError::AuthExecStart(io) => format!("the credential plugin{plugin} cannot be started: {io}"),
        AuthError::AuthExecParse(_) => format!("the credential plugin{plugin} answered with no valid ExecCredential"),
        AuthError::ExecPluginFailed => format!("the credential plugin{plugin} answered with no status"),
        AuthError::ReadTokenFile(io, path) => format!("cannot read the token file {}: {io}", path.display()),
        AuthError::InvalidBearerToken(_) | AuthError::InvalidBasicAuth(_) => {
            "the credentials contain characters not allowed in an HTTP header".to_string()
        }
        AuthError::AuthExec(_) => format!("the credential plugin{plugin} failed"),
        other => chain(other),
    }
}

/// Why the client certificate, key or CA could not be used, quoting none of them.
fn tls_problem(e: &RustlsTlsError) -> String {
    match e {
        RustlsTlsError::InvalidIdentityPem(_) => "the client certificate and key are not valid PEM",
        RustlsTlsError::MissingPrivateKey => "the client key is missing or not PKCS#8 or PKCS#1",
        RustlsTlsError::MissingCertificate => "the client certificate is missing",
        RustlsTlsError::InvalidPrivateKey(_) => "the client key is not valid",
        RustlsTlsError::UnknownPrivateKeyFormat => "the client key's format is unknown",
        RustlsTlsError::AddRootCertificate(_) => {
            "the certificate authority is not a valid certificate"
        }
        RustlsTlsError::NoValidNativeRootCA(_) => {
            "no certificate authority is set and the system has none"
        }
        RustlsTlsError::InvalidServerName(_) => "the server name is not valid for TLS",
    }
    .to_string()
}

/// At most `max` characters of `s`.
pub(crate) fn shorten(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &s[..at]),
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_gets_are_built() {
        let get = Get::new("/api/v1/pods?limit=5".into(), Accept::Json);
        let request = get.to_http().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(request.method(), http::Method::GET);
        assert_eq!(request.uri().to_string(), "/api/v1/pods?limit=5");
    }

    #[test]
    fn describes_a_status_with_the_server_message() {
        let reply = Reply {
            status: 403,
            retry_after: None,
            body: br#"{"kind":"Status","message":"pods is forbidden"}"#.to_vec(),
        };
        assert_eq!(reply.describe(), "403 Forbidden: pods is forbidden");
        let reply = Reply {
            status: 599,
            retry_after: None,
            body: b"<html>".to_vec(),
        };
        assert_eq!(reply.describe(), "599 ");
    }
}
