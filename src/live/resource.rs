//! A resource to list: the served version and plural of a kind, and the paths to list it.

/// A kind as the server serves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Resource {
    pub(crate) group: String,
    pub(crate) version: String,
    pub(crate) kind: String,
    pub(crate) plural: String,
    pub(crate) namespaced: bool,
}

/// Which objects of a resource one list covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Scope {
    /// All of them: cluster-scoped kinds, or namespaced kinds across all namespaces.
    All,
    /// Those of one namespace.
    Namespace(String),
    /// The one object with this name (the chosen Namespace itself).
    Named(String),
}

impl Scope {
    pub(crate) fn namespace(&self) -> Option<&str> {
        match self {
            Scope::Namespace(ns) => Some(ns),
            Scope::All | Scope::Named(_) => None,
        }
    }
}

impl Resource {
    pub(crate) fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.clone()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// The path and query of one page of the list.
    pub(crate) fn list_path(
        &self,
        scope: &Scope,
        limit: u32,
        continue_token: Option<&str>,
    ) -> String {
        let base = if self.group.is_empty() {
            format!("/api/{}", encode(&self.version))
        } else {
            format!("/apis/{}/{}", encode(&self.group), encode(&self.version))
        };
        let mut path = match scope {
            Scope::Namespace(ns) => {
                format!("{base}/namespaces/{}/{}?", encode(ns), encode(&self.plural))
            }
            Scope::All => format!("{base}/{}?", encode(&self.plural)),
            Scope::Named(name) => {
                format!(
                    "{base}/{}?fieldSelector={}&",
                    encode(&self.plural),
                    encode(&format!("metadata.name={name}"))
                )
            }
        };
        path.push_str(&format!("limit={limit}"));
        if let Some(token) = continue_token {
            path.push_str("&continue=");
            path.push_str(&encode(token));
        }
        path
    }
}

/// Percent-encoding of everything but the unreserved characters.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resource(group: &str, namespaced: bool) -> Resource {
        Resource {
            group: group.into(),
            version: "v1".into(),
            kind: "X".into(),
            plural: "xs".into(),
            namespaced,
        }
    }

    #[test]
    fn list_paths() {
        let core = resource("", true);
        assert_eq!(
            core.list_path(&Scope::Namespace("prod".into()), 500, None),
            "/api/v1/namespaces/prod/xs?limit=500"
        );
        assert_eq!(
            core.list_path(&Scope::All, 2, Some("a+b/c=")),
            "/api/v1/xs?limit=2&continue=a%2Bb%2Fc%3D"
        );
        let apps = resource("apps", false);
        assert_eq!(
            apps.list_path(&Scope::All, 500, None),
            "/apis/apps/v1/xs?limit=500"
        );
        assert_eq!(apps.api_version(), "apps/v1");
        assert_eq!(
            core.list_path(&Scope::Named("prod".into()), 500, None),
            "/api/v1/xs?fieldSelector=metadata.name%3Dprod&limit=500"
        );
    }
}
