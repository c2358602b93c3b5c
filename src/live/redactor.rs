//! The redactor: removes credential material from text built out of another library's error.
//!
//! Messages are written so that they never quote credentials in the first place; this is the
//! second line: every string of the chosen kubeconfig user that could be a credential (token,
//! password, key and certificate data, auth-provider and exec settings) is cut out of any text
//! taken from an error before it goes into a [`super::LiveError`] or a note.

use serde_json::Value;

/// Text that the reader must never repeat.
#[derive(Debug, Clone, Default)]
pub(crate) struct Redactor {
    secrets: Vec<String>,
}

/// Settings of a user that are file paths or plain settings, not credentials.
const NOT_SECRET: &[&str] = &[
    "client-certificate",
    "client-key",
    "tokenFile",
    "command",
    "apiVersion",
    "installHint",
    "interactiveMode",
];

/// Shorter strings are not treated as credentials (they would cut ordinary words).
const SHORTEST: usize = 6;

const CUT: &str = "<redacted>";

impl Redactor {
    /// Everything credential-like in `user` (a kubeconfig user as JSON).
    pub(crate) fn from_user(user: &Value) -> Self {
        let mut secrets = Vec::new();
        collect(user, &mut secrets);
        // Longest first, so that a secret containing another is cut whole.
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets.dedup();
        Redactor { secrets }
    }

    /// Also cuts the user info (`user:password`) of `uri`, and its password alone.
    pub(crate) fn add_userinfo(&mut self, uri: &http::Uri) {
        let Some((userinfo, _)) = uri.authority().and_then(|a| a.as_str().rsplit_once('@')) else {
            return;
        };
        let mut found = vec![userinfo.to_string()];
        if let Some((_, password)) = userinfo.split_once(':') {
            found.push(password.to_string());
        }
        for secret in found.into_iter().filter(|s| !s.is_empty()) {
            self.secrets.push(secret);
        }
        self.secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        self.secrets.dedup();
    }

    /// `text` with every credential cut out.
    pub(crate) fn scrub(&self, text: &str) -> String {
        let mut out = text.to_string();
        for secret in &self.secrets {
            if out.contains(secret.as_str()) {
                out = out.replace(secret.as_str(), CUT);
            }
        }
        out
    }
}

fn collect(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) if s.chars().count() >= SHORTEST => {
            out.push(s.clone());
            // Credentials are often base64 of something that could itself be quoted.
            for line in s
                .lines()
                .map(str::trim)
                .filter(|l| l.chars().count() >= SHORTEST)
            {
                if line != s {
                    out.push(line.to_string());
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect(v, out)),
        Value::Object(map) => {
            for (key, v) in map {
                if !NOT_SECRET.contains(&key.as_str()) {
                    collect(v, out);
                }
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cuts_every_credential_but_not_paths() {
        let user = json!({
            "token": "canary-token-123456",
            "client-key": "/home/u/key.pem",
            "auth-provider": {"config": {"refresh-token": "refresh-canary"}},
            "exec": {"command": "aws", "env": [{"name": "AWS_SECRET", "value": "exec-canary"}]}
        });
        let r = Redactor::from_user(&user);
        let text = "token canary-token-123456 refresh-canary exec-canary in /home/u/key.pem";
        assert_eq!(
            r.scrub(text),
            "token <redacted> <redacted> <redacted> in /home/u/key.pem"
        );
    }

    #[test]
    fn cuts_user_info_of_urls() {
        let mut r = Redactor::default();
        r.add_userinfo(
            &"http://bob:pr0xy-pass@proxy:3128"
                .parse()
                .unwrap_or_default(),
        );
        assert_eq!(
            r.scrub("via bob:pr0xy-pass@proxy, pr0xy-pass"),
            "via <redacted>@proxy, <redacted>"
        );
    }
}
