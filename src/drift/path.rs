//! Field paths: steps into an object, the text people read (`spec.containers[name=app].image`),
//! and the `*` globs of `drift.ignore` matched against that text.

/// One step into a JSON object: a map key or a list position.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PathStep {
    Key(String),
    Index(usize),
}

/// A path and, step by step, how it is shown: a key as itself, a list item as `[name=app]` when
/// its list is keyed, `[0]` when it is positional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Path {
    pub steps: Vec<PathStep>,
    shown: Vec<String>,
}

impl Path {
    pub fn push_key(&mut self, key: &str) {
        self.steps.push(PathStep::Key(key.to_string()));
        self.shown.push(key.to_string());
    }

    pub fn push_item(&mut self, index: usize, shown: String) {
        self.steps.push(PathStep::Index(index));
        self.shown.push(shown);
    }

    pub fn pop(&mut self) {
        self.steps.pop();
        self.shown.pop();
    }

    /// The key of the last step that is a key: the list's name while at one of its items.
    pub fn last_key(&self) -> &str {
        self.steps
            .iter()
            .rev()
            .find_map(|step| match step {
                PathStep::Key(key) => Some(key.as_str()),
                PathStep::Index(_) => None,
            })
            .unwrap_or("")
    }

    /// The first `len` steps as text.
    fn text_of(&self, len: usize) -> String {
        let mut text = String::new();
        for (step, shown) in self.steps.iter().zip(&self.shown).take(len) {
            if matches!(step, PathStep::Key(_)) && !text.is_empty() {
                text.push('.');
            }
            text.push_str(shown);
        }
        text
    }

    pub fn text(&self) -> String {
        self.text_of(self.steps.len())
    }

    /// Whether `pattern` matches this path or one of its leading parts, so that `metadata.labels`
    /// covers `metadata.labels.team` (and `spec.template.spec.containers[*].image` every image).
    pub fn under(&self, pattern: &str) -> bool {
        (1..=self.steps.len()).any(|len| glob(pattern, &self.text_of(len)))
    }
}

/// `*` matches any run of characters, everything else itself.
pub(crate) fn glob(pattern: &str, text: &str) -> bool {
    let Some((first, rest)) = pattern.split_once('*') else {
        return pattern == text;
    };
    let Some(mut tail) = text.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = rest.split('*').collect();
    let Some((last, middle)) = parts.split_last() else {
        return true;
    };
    for part in middle {
        match tail.find(part) {
            Some(at) => tail = &tail[at + part.len()..],
            None => return false,
        }
    }
    tail.len() >= last.len() && tail.ends_with(last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_prefixes() {
        let mut path = Path::default();
        for key in ["spec", "template", "spec", "containers"] {
            path.push_key(key);
        }
        path.push_item(1, "[name=app]".into());
        path.push_key("image");
        assert_eq!(path.text(), "spec.template.spec.containers[name=app].image");
        assert_eq!(path.last_key(), "image");
        assert!(path.under("spec.template"));
        assert!(path.under("spec.template.spec.containers[*].image"));
        assert!(path.under("spec.template.spec.containers[name=app]"));
        assert!(!path.under("spec.temp"));
        assert!(!path.under("spec.template.spec.containers[name=ap]"));
        path.pop();
        assert_eq!(path.last_key(), "containers");
    }

    #[test]
    fn globs() {
        assert!(glob("dashboard-*", "dashboard-orders"));
        assert!(glob("*", ""));
        assert!(glob("a*b*c", "aXbYc"));
        assert!(glob("*-orders", "dashboard-orders"));
        assert!(!glob("a*b", "ab-c"));
        assert!(!glob("dashboard", "dashboard-orders"));
        assert!(!glob("a*aa", "aa"));
    }
}
