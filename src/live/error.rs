//! Errors that stop the reading. None of them ever holds a token, password, key or certificate.

/// Why the cluster could not be read at all. What only keeps some kinds from being read is a
/// [`super::Note`] instead.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum LiveError {
    #[error("kubeconfig file {path} does not exist ({origin})")]
    #[diagnostic(
        code(seaworthy::live::kubeconfig),
        help("check the path, or pass --kubeconfig FILE")
    )]
    KubeconfigMissing { path: String, origin: String },

    #[error("cannot read kubeconfig file {path}: {reason}")]
    #[diagnostic(code(seaworthy::live::kubeconfig))]
    KubeconfigUnreadable { path: String, reason: String },

    #[error("kubeconfig file {path} is not a valid kubeconfig{position}")]
    #[diagnostic(code(seaworthy::live::kubeconfig))]
    KubeconfigInvalid { path: String, position: String },

    #[error("the kubeconfig files {paths} cannot be merged: {reason}")]
    #[diagnostic(code(seaworthy::live::kubeconfig))]
    KubeconfigMerge { paths: String, reason: String },

    #[error("context '{context}' is not in {origin}; known contexts: {known}")]
    #[diagnostic(
        code(seaworthy::live::context),
        help("pass one of the known contexts with --context")
    )]
    UnknownContext {
        context: String,
        origin: String,
        known: String,
    },

    #[error("{origin} sets no current context; known contexts: {known}")]
    #[diagnostic(
        code(seaworthy::live::context),
        help("pass one of the known contexts with --context")
    )]
    NoCurrentContext { origin: String, known: String },

    #[error("context '{context}' in {origin} cannot be used: {problem}")]
    #[diagnostic(code(seaworthy::live::context))]
    BadContext {
        context: String,
        origin: String,
        problem: String,
    },

    #[error("no cluster to read: {reason}")]
    #[diagnostic(
        code(seaworthy::live::kubeconfig),
        help("pass --kubeconfig FILE, set KUBECONFIG, or create ~/.kube/config")
    )]
    NotConfigured { reason: String },

    #[error("cannot get credentials for context '{context}' ({server}): {reason}")]
    #[diagnostic(code(seaworthy::live::credentials))]
    Credentials {
        context: String,
        server: String,
        reason: String,
    },

    #[error("the API server {server} rejected the credentials of context '{context}' (401 Unauthorized)")]
    #[diagnostic(
        code(seaworthy::live::unauthorized),
        help(
            "the token may have expired or been revoked: log in to the cluster again, then retry"
        )
    )]
    Unauthorized { context: String, server: String },

    #[error("cannot reach the API server {server} of context '{context}': {reason}")]
    #[diagnostic(
        code(seaworthy::live::unreachable),
        help("check the network path to the cluster (VPN, proxy, firewall)")
    )]
    Unreachable {
        context: String,
        server: String,
        reason: String,
    },

    #[error("cannot read the API discovery of {server}: {reason}")]
    #[diagnostic(code(seaworthy::live::discovery))]
    Discovery { server: String, reason: String },

    #[error("cannot start reading the cluster: {reason}")]
    #[diagnostic(code(seaworthy::live::internal))]
    Internal { reason: String },
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::time::Duration;

    use super::super::{read, KindWanted, Options};
    use super::LiveError;

    const CANARY: &str = "canary-c2VjcmV0LXRva2VuLXZhbHVl";

    /// A kubeconfig whose server is a loopback port nothing listens on, and whose user is `user`.
    fn kubeconfig(name: &str, user: &str) -> PathBuf {
        kubeconfig_with(name, "", user)
    }

    fn kubeconfig_with(name: &str, cluster_extra: &str, user: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("live-error-{}-{name}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let path = dir.join("config");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap_or(9);
        let text = format!(
            "apiVersion: v1\nkind: Config\ncurrent-context: ctx\nclusters:\n- name: c\n  cluster:\n    server: \
             http://127.0.0.1:{port}\n{cluster_extra}contexts:\n- name: ctx\n  context:\n    cluster: c\n    user: u\nusers:\n- name: u\n  \
             user:\n{user}"
        );
        let _ = std::fs::write(&path, text);
        path
    }

    fn error(path: PathBuf) -> LiveError {
        let options = Options {
            kubeconfig: Some(path),
            kinds: vec![KindWanted::new("apps", "Deployment")],
            request_timeout: Duration::from_secs(2),
            ..Options::default()
        };
        let mut traces = Vec::new();
        let result = read(&options, &mut |t| traces.push(format!("{t:?}")));
        let e = match result {
            Ok(_) => panic!("expected an error"),
            Err(e) => e,
        };
        let shown = format!("{e} / {e:?} / {traces:?}");
        assert!(!shown.contains("canary"), "a credential leaked: {shown}");
        e
    }

    #[test]
    fn unreachable_server_with_a_token() {
        let e = error(kubeconfig("token", &format!("    token: {CANARY}\n")));
        assert!(matches!(e, LiveError::Unreachable { .. }), "{e:?}");
        assert!(e.to_string().contains("'ctx'"), "{e}");
    }

    #[test]
    fn unreachable_server_with_a_password() {
        let e = error(kubeconfig(
            "basic",
            &format!("    username: admin\n    password: {CANARY}\n"),
        ));
        assert!(matches!(e, LiveError::Unreachable { .. }), "{e:?}");
    }

    #[test]
    fn unreachable_proxy_with_a_password() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap_or(9);
        let proxy = format!("    proxy-url: http://bob:{CANARY}@127.0.0.1:{port}\n");
        let e = error(kubeconfig_with(
            "proxy",
            &proxy,
            &format!("    token: {CANARY}\n"),
        ));
        assert!(matches!(e, LiveError::Unreachable { .. }), "{e:?}");
    }

    #[test]
    fn failing_credential_plugin_output_is_not_shown() {
        let user = format!(
            "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: /bin/sh\n      args:\n      - -c\n      \
             - echo {CANARY}-out; echo {CANARY}-err >&2; exit 3\n      interactiveMode: Never\n"
        );
        let e = error(kubeconfig("exec", &user));
        assert!(matches!(e, LiveError::Credentials { .. }), "{e:?}");
        assert!(e.to_string().contains("credential plugin"), "{e}");
    }

    #[test]
    fn plugin_answer_that_is_not_a_credential() {
        let user = format!(
            "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: /bin/sh\n      args:\n      - -c\n      \
             - 'echo \"{{token: {CANARY}\"'\n      interactiveMode: Never\n"
        );
        let e = error(kubeconfig("exec-garbage", &user));
        assert!(matches!(e, LiveError::Credentials { .. }), "{e:?}");
    }

    #[test]
    fn bad_client_key_data() {
        let user =
            format!("    client-certificate-data: {CANARY}\n    client-key-data: {CANARY}\n");
        let e = error(kubeconfig("key", &user));
        assert!(matches!(e, LiveError::BadContext { .. }), "{e:?}");
    }

    #[test]
    fn client_key_that_is_not_a_key() {
        // Valid base64 of PEM-looking text holding the canary.
        let pem = format!("-----BEGIN PRIVATE KEY-----\n{CANARY}\n-----END PRIVATE KEY-----\n");
        let b64 = encode(pem.as_bytes());
        let user = format!("    client-certificate-data: {b64}\n    client-key-data: {b64}\n");
        let e = error(kubeconfig("key-pem", &user));
        assert!(matches!(e, LiveError::BadContext { .. }), "{e:?}");
    }

    fn encode(data: &[u8]) -> String {
        const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in data.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
            for i in 0..4 {
                out.push(if i <= chunk.len() {
                    char::from(A[((n >> (18 - 6 * i)) & 63) as usize])
                } else {
                    '='
                });
            }
        }
        out
    }
}
