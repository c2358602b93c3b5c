//! The target: which cluster to read and how to log in to it, from a kubeconfig or from the pod's
//! service account.
//!
//! Order, as `kubectl`: `--kubeconfig FILE`; else the files listed in `KUBECONFIG`, merged (the
//! first file to set a value wins; files that do not exist are skipped); else `~/.kube/config`;
//! else, when none of those exists, the service account of the pod this runs in.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use kube::config::{KubeConfigOptions, Kubeconfig, KubeconfigError, LoadDataError};

use super::error::LiveError;
use super::options::Options;
use super::redactor::Redactor;

/// The context name reported when running inside a pod.
pub(crate) const IN_CLUSTER: &str = "in-cluster";

/// A cluster ready to be connected to.
pub(crate) struct Target {
    pub(crate) config: kube::Config,
    pub(crate) context: String,
    /// The server URL without credentials, query or fragment.
    pub(crate) server: String,
    pub(crate) default_namespace: String,
    /// Where the settings came from, for messages.
    pub(crate) origin: String,
    pub(crate) redactor: Redactor,
    /// The user's credential plugin command, if it has one.
    pub(crate) plugin: Option<String>,
}

/// The parts of the environment that choose the kubeconfig.
pub(crate) struct Environment {
    pub(crate) kubeconfig: Option<OsString>,
    pub(crate) home: Option<PathBuf>,
}

impl Environment {
    pub(crate) fn current() -> Self {
        let home = std::env::var_os("HOME")
            .or_else(|| std::env::var_os("USERPROFILE"))
            .filter(|h| !h.is_empty())
            .map(PathBuf::from);
        Environment {
            kubeconfig: std::env::var_os("KUBECONFIG"),
            home,
        }
    }
}

/// The target that `options` and `env` choose.
pub(crate) fn load(options: &Options, env: &Environment) -> Result<Target, LiveError> {
    if let Some(path) = &options.kubeconfig {
        let origin = format!("--kubeconfig {}", path.display());
        let kubeconfig = read_file(path, "given with --kubeconfig")?;
        return from_kubeconfig(kubeconfig, origin, options.context.as_deref());
    }
    if let Some(list) = env.kubeconfig.as_ref().filter(|v| !v.is_empty()) {
        let paths: Vec<PathBuf> = std::env::split_paths(list)
            .filter(|p| !p.as_os_str().is_empty())
            .collect();
        if !paths.is_empty() {
            let shown = paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ");
            let origin = format!("KUBECONFIG ({shown})");
            let existing: Vec<&PathBuf> = paths.iter().filter(|p| p.exists()).collect();
            if existing.is_empty() {
                return Err(LiveError::NotConfigured {
                    reason: format!("none of the files listed in KUBECONFIG exists: {shown}"),
                });
            }
            let mut merged: Option<Kubeconfig> = None;
            for path in existing {
                let next = read_file(path, &origin)?;
                merged = Some(match merged {
                    None => next,
                    Some(done) => done.merge(next).map_err(|e| LiveError::KubeconfigMerge {
                        paths: shown.clone(),
                        reason: e.to_string(),
                    })?,
                });
            }
            let kubeconfig = merged.unwrap_or_default();
            return from_kubeconfig(kubeconfig, origin, options.context.as_deref());
        }
    }
    if let Some(home) = &env.home {
        let path = home.join(".kube").join("config");
        if path.exists() {
            let origin = path.display().to_string();
            let kubeconfig = read_file(&path, &origin)?;
            return from_kubeconfig(kubeconfig, origin, options.context.as_deref());
        }
    }
    in_cluster(options.context.as_deref())
}

/// `origin` says where the path came from, for the error when it does not exist.
fn read_file(path: &Path, origin: &str) -> Result<Kubeconfig, LiveError> {
    let shown = path.display().to_string();
    if !path.exists() {
        return Err(LiveError::KubeconfigMissing {
            path: shown,
            origin: origin.to_string(),
        });
    }
    Kubeconfig::read_from(path).map_err(|e| match e {
        KubeconfigError::ReadConfig(io, _) => LiveError::KubeconfigUnreadable {
            path: shown,
            reason: io.to_string(),
        },
        KubeconfigError::Parse(parse) => {
            // The parser's own message may quote the file: only its position is used.
            let position = parse
                .location()
                .map(|at| {
                    format!(
                        " (YAML error at line {}, column {})",
                        at.line(),
                        at.column()
                    )
                })
                .unwrap_or_default();
            LiveError::KubeconfigInvalid {
                path: shown,
                position,
            }
        }
        KubeconfigError::KindMismatch | KubeconfigError::ApiVersionMismatch => {
            LiveError::KubeconfigMerge {
                paths: shown,
                reason: e.to_string(),
            }
        }
        _ => LiveError::KubeconfigInvalid {
            path: shown,
            position: String::new(),
        },
    })
}

fn from_kubeconfig(
    kubeconfig: Kubeconfig,
    origin: String,
    wanted: Option<&str>,
) -> Result<Target, LiveError> {
    let names: Vec<&str> = kubeconfig
        .contexts
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    let known = if names.is_empty() {
        "none".to_string()
    } else {
        names.join(", ")
    };
    let context = match wanted {
        Some(name) => name.to_string(),
        None => match kubeconfig
            .current_context
            .as_deref()
            .filter(|c| !c.is_empty())
        {
            Some(current) => current.to_string(),
            None => return Err(LiveError::NoCurrentContext { origin, known }),
        },
    };
    let Some(entry) = kubeconfig.contexts.iter().find(|c| c.name == context) else {
        return Err(LiveError::UnknownContext {
            context,
            origin,
            known,
        });
    };
    let user_name = entry.context.as_ref().and_then(|c| c.user.clone());
    let user = kubeconfig
        .auth_infos
        .iter()
        .find(|u| Some(&u.name) == user_name.as_ref())
        .and_then(|u| u.auth_info.as_ref())
        .and_then(|a| serde_json::to_value(a).ok())
        .unwrap_or_default();
    let mut redactor = Redactor::from_user(&user);
    let plugin = user
        .pointer("/exec/command")
        .and_then(|c| c.as_str())
        .map(str::to_string);
    let options = KubeConfigOptions {
        context: Some(context.clone()),
        cluster: None,
        user: None,
    };
    // Loading a kubeconfig does no I/O that needs a runtime: files are read synchronously.
    let config =
        futures::executor::block_on(kube::Config::from_custom_kubeconfig(kubeconfig, &options))
            .map_err(|e| LiveError::BadContext {
                context: context.clone(),
                origin: origin.clone(),
                problem: redactor.scrub(&kubeconfig_problem(&e)),
            })?;
    redactor.add_userinfo(&config.cluster_url);
    if let Some(proxy) = &config.proxy_url {
        redactor.add_userinfo(proxy);
    }
    Ok(Target {
        server: display_server(&config.cluster_url),
        default_namespace: config.default_namespace.clone(),
        config,
        context,
        origin,
        redactor,
        plugin,
    })
}

fn in_cluster(wanted: Option<&str>) -> Result<Target, LiveError> {
    if let Some(context) = wanted {
        return Err(LiveError::NotConfigured {
            reason: format!("context '{context}' was asked for, but no kubeconfig file exists"),
        });
    }
    let config = kube::Config::incluster().map_err(|e| LiveError::NotConfigured {
        reason: format!(
            "no kubeconfig file exists (KUBECONFIG is unset and ~/.kube/config is missing) and this is not a pod \
             with a service account ({e})"
        ),
    })?;
    Ok(Target {
        server: display_server(&config.cluster_url),
        default_namespace: config.default_namespace.clone(),
        config,
        context: IN_CLUSTER.to_string(),
        origin: "the pod's service account".to_string(),
        redactor: Redactor::default(),
        plugin: None,
    })
}

/// What is wrong with a context, in words that quote no credential.
pub(crate) fn kubeconfig_problem(e: &KubeconfigError) -> String {
    match e {
        KubeconfigError::LoadContext(name) => format!("context '{name}' is not defined"),
        KubeconfigError::LoadClusterOfContext(name) => {
            format!("its cluster '{name}' is not defined")
        }
        KubeconfigError::MissingClusterUrl => "its cluster has no server URL".to_string(),
        KubeconfigError::ParseClusterUrl(_) => {
            "its cluster's server URL is not a valid URL".to_string()
        }
        KubeconfigError::ParseProxyUrl(_) => "the proxy URL is not a valid URL".to_string(),
        KubeconfigError::LoadCertificateAuthority(d) => {
            format!(
                "the cluster's certificate authority cannot be loaded: {}",
                load_data_problem(d)
            )
        }
        KubeconfigError::LoadClientCertificate(d) => {
            format!(
                "the user's client certificate cannot be loaded: {}",
                load_data_problem(d)
            )
        }
        KubeconfigError::LoadClientKey(d) => format!(
            "the user's client key cannot be loaded: {}",
            load_data_problem(d)
        ),
        KubeconfigError::ParseCertificates(_) => "a certificate is not valid PEM".to_string(),
        KubeconfigError::ReadConfig(io, path) => format!("cannot read {}: {io}", path.display()),
        KubeconfigError::Parse(_) => "the kubeconfig is not valid YAML".to_string(),
        KubeconfigError::CurrentContextNotSet => "no current context is set".to_string(),
        other => other.to_string(),
    }
}

fn load_data_problem(e: &LoadDataError) -> String {
    match e {
        LoadDataError::DecodeBase64(_) => "its data is not valid base64".to_string(),
        LoadDataError::ReadFile(io, path) => format!("cannot read {}: {io}", path.display()),
        LoadDataError::NoBase64DataOrFile => "neither data nor a file is given".to_string(),
    }
}

/// The server URL for display: scheme, host, port and path; never user info or a query.
pub(crate) fn display_server(uri: &http::Uri) -> String {
    let scheme = uri.scheme_str().unwrap_or("https");
    let host = uri.host().unwrap_or("");
    let port = uri.port_u16().map(|p| format!(":{p}")).unwrap_or_default();
    let path = match uri.path() {
        "/" => "",
        path => path,
    };
    format!("{scheme}://{host}{port}{path}")
}

#[cfg(test)]
mod tests {
    use super::*;

    const CANARY: &str = "canary-Zm9vYmFyLXNlY3JldC10b2tlbg";

    fn kubeconfig(server: &str, extra_user: &str) -> String {
        format!(
            "apiVersion: v1
kind: Config
current-context: prod
clusters:
- name: prod-cluster
  cluster:
    server: {server}
contexts:
- name: prod
  context:
    cluster: prod-cluster
    user: admin
    namespace: shop
- name: staging
  context:
    cluster: missing-cluster
    user: admin
users:
- name: admin
  user:
    token: {CANARY}
    password: {CANARY}-pw
{extra_user}"
        )
    }

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("write {name}: {e}"));
        path
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("live-target-{}-{name}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        dir
    }

    fn options(path: Option<PathBuf>, context: Option<&str>) -> Options {
        Options {
            kubeconfig: path,
            context: context.map(str::to_string),
            ..Options::default()
        }
    }

    fn no_env() -> Environment {
        Environment {
            kubeconfig: None,
            home: None,
        }
    }

    fn assert_clean(e: &LiveError) {
        let shown = format!("{e} / {e:?}");
        assert!(!shown.contains("canary"), "credential in message: {shown}");
    }

    fn error_of(result: Result<Target, LiveError>) -> LiveError {
        match result {
            Ok(t) => panic!("expected an error, got context {}", t.context),
            Err(e) => e,
        }
    }

    #[test]
    fn loads_the_current_context() {
        let dir = scratch("current");
        let path = write(
            &dir,
            "config",
            &kubeconfig("https://user:pw@10.0.0.1:6443/k8s/?x=1", ""),
        );
        let target = load(&options(Some(path), None), &no_env()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(target.context, "prod");
        assert_eq!(target.default_namespace, "shop");
        assert_eq!(target.server, "https://10.0.0.1:6443/k8s/");
        assert!(target.redactor.scrub(CANARY).contains("<redacted>"));
    }

    #[test]
    fn unknown_context_lists_the_known_ones_and_no_credential() {
        let dir = scratch("unknown");
        let path = write(&dir, "config", &kubeconfig("https://10.0.0.1:6443", ""));
        let e = error_of(load(&options(Some(path), Some("nope")), &no_env()));
        assert!(
            e.to_string().contains("'nope'") && e.to_string().contains("prod, staging"),
            "{e}"
        );
        assert_clean(&e);
    }

    #[test]
    fn context_with_a_missing_cluster() {
        let dir = scratch("cluster");
        let path = write(&dir, "config", &kubeconfig("https://10.0.0.1:6443", ""));
        let e = error_of(load(&options(Some(path), Some("staging")), &no_env()));
        assert!(e.to_string().contains("missing-cluster"), "{e}");
        assert_clean(&e);
    }

    #[test]
    fn invalid_yaml_gives_a_position_only() {
        let dir = scratch("yaml");
        let text = format!("users:\n- name: a\n  user:\n    token: {CANARY}\n    : [\n");
        let path = write(&dir, "config", &text);
        let e = error_of(load(&options(Some(path), None), &no_env()));
        assert!(matches!(e, LiveError::KubeconfigInvalid { .. }), "{e}");
        assert_clean(&e);
    }

    #[test]
    fn missing_file_is_named() {
        let e = error_of(load(
            &options(Some("/nonexistent/kubeconfig".into()), None),
            &no_env(),
        ));
        assert!(e.to_string().contains("/nonexistent/kubeconfig"), "{e}");
    }

    #[test]
    fn kubeconfig_files_merge_first_wins_and_missing_ones_are_skipped() {
        let dir = scratch("merge");
        let first = write(
            &dir,
            "a",
            "apiVersion: v1\nkind: Config\ncurrent-context: one\n",
        );
        let second = write(&dir, "b", &kubeconfig("https://10.9.9.9:443", ""));
        let missing = dir.join("absent");
        let list = std::env::join_paths([&missing, &first, &second]).unwrap_or_default();
        let env = Environment {
            kubeconfig: Some(list),
            home: None,
        };
        // `one` comes from the first file but is defined nowhere.
        let e = error_of(load(&options(None, None), &env));
        assert!(
            matches!(e, LiveError::UnknownContext { ref context, .. } if context == "one"),
            "{e}"
        );
        let target = load(&options(None, Some("prod")), &env).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(target.server, "https://10.9.9.9:443");
        assert!(target.origin.starts_with("KUBECONFIG"));
    }

    #[test]
    fn nothing_configured_outside_a_pod() {
        let env = Environment {
            kubeconfig: None,
            home: Some(scratch("emptyhome")),
        };
        if std::env::var_os("KUBERNETES_SERVICE_HOST").is_some() {
            return;
        }
        let e = error_of(load(&options(None, None), &env));
        assert!(matches!(e, LiveError::NotConfigured { .. }), "{e}");
        let e = error_of(load(&options(None, Some("x")), &env));
        assert!(e.to_string().contains("'x'"), "{e}");
    }
}
