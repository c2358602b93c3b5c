//! Documents: the Kubernetes objects found in a source, each with its
//! span-carrying tree so any path into it maps back to a line and column.

pub mod node;
mod yaml;

pub use crate::source::{Pos, Span};
pub use node::{display_path, Entry, Node, PathSeg, Resolved, Value};

pub use yaml::YamlError;

use crate::source::SourceFile;

/// Parses text that holds one YAML document (a config file, a metadata
/// block). `Ok(None)` for an empty document; the first problem otherwise.
pub fn parse_yaml(text: &str) -> Result<Option<Node>, YamlError> {
    let stream = yaml::parse_stream(text);
    if let Some(err) = stream.errors.into_iter().next() {
        return Err(err);
    }
    let mut docs = stream.docs.into_iter();
    let root = docs.next().and_then(|d| d.root);
    if let Some(extra) = docs.next() {
        return Err(YamlError {
            message: "expected one YAML document, found several".into(),
            pos: extra.span.start,
        });
    }
    Ok(root)
}

/// Which object a document is: what `kubectl get` would call it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectRef {
    pub api_version: String,
    pub kind: String,
    pub namespace: Option<String>,
    pub name: Option<String>,
}

impl ObjectRef {
    /// `kind/namespace/name`, the logical location of the object.
    pub fn logical_name(&self) -> String {
        let name = self.name.as_deref().unwrap_or("<unnamed>");
        match &self.namespace {
            Some(ns) => format!("{}/{}/{}", self.kind, ns, name),
            None => format!("{}/{}", self.kind, name),
        }
    }
}

/// One Kubernetes object and where it came from.
#[derive(Debug)]
pub struct Document {
    /// Index of the source in the run's list of sources.
    pub source: usize,
    pub object: ObjectRef,
    /// The object itself (a `List` item is its own document).
    pub root: Node,
    /// The chart template this object was rendered from, when the input is
    /// `helm template` output (`# Source: chart/templates/x.yaml`).
    pub template: Option<String>,
}

/// A document that cannot be read as an object, at a line and column.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub source: usize,
    pub message: String,
    pub span: Span,
}

/// What one source holds: its objects and the problems found reading it.
#[derive(Debug, Default)]
pub struct Loaded {
    pub documents: Vec<Document>,
    pub problems: Vec<Problem>,
    /// Keys written twice in one mapping (the last value wins); whether
    /// that matters is the schema check's call.
    pub duplicate_keys: Vec<Problem>,
}

/// Splits a source into objects: every YAML document, every item of a `List`
/// kind. YAML that is not a Kubernetes object (no `apiVersion`/`kind`) is
/// skipped quietly, because hooks hand every YAML file of a repo to us.
pub fn load(source_index: usize, source: &SourceFile) -> Loaded {
    let mut loaded = Loaded::default();
    let text = match &source.text {
        Ok(text) => text,
        Err(problem) => {
            loaded.problems.push(Problem {
                source: source_index,
                message: problem.message.clone(),
                span: Span::new(problem.pos, problem.pos),
            });
            return loaded;
        }
    };
    let stream = yaml::parse_stream(text);
    for err in stream.errors {
        loaded.problems.push(Problem {
            source: source_index,
            message: err.message,
            span: Span::new(err.pos, err.pos),
        });
    }
    loaded.duplicate_keys = stream
        .duplicate_keys
        .into_iter()
        .map(|err| Problem {
            source: source_index,
            message: err.message,
            span: Span::new(err.pos, err.pos),
        })
        .collect();
    for doc in stream.docs {
        if let Some(root) = doc.root {
            let template = helm_source(text, root.span.start.offset);
            let first = loaded.documents.len();
            collect_objects(source_index, root, &mut loaded);
            for d in &mut loaded.documents[first..] {
                d.template.clone_from(&template);
            }
        }
    }
    loaded
        .problems
        .sort_by_key(|p| (p.span.start.line, p.span.start.column));
    loaded
}

fn collect_objects(source: usize, root: Node, loaded: &mut Loaded) {
    let object = match identify(&root) {
        Identity::NotAnObject => return,
        Identity::Broken(message, span) => {
            loaded.problems.push(Problem {
                source,
                message,
                span,
            });
            return;
        }
        Identity::Object(object) => object,
    };
    if is_list_kind(&object.kind) {
        if let Some(items) = root.get("items").and_then(Node::as_seq) {
            for item in items {
                match identify(item) {
                    Identity::Object(_) => collect_objects(source, item.clone(), loaded),
                    Identity::Broken(message, span) => loaded.problems.push(Problem {
                        source,
                        message,
                        span,
                    }),
                    Identity::NotAnObject => loaded.problems.push(Problem {
                        source,
                        message: format!(
                            "an item of this {} is not a Kubernetes object (it has no apiVersion and kind)",
                            object.kind
                        ),
                        span: item.span,
                    }),
                }
            }
            return;
        }
    }
    loaded.documents.push(Document {
        source,
        object,
        root,
        template: None,
    });
}

/// The `# Source: chart/templates/x.yaml` comment Helm writes above each
/// document it renders: looked for in the comment lines just above `start`.
fn helm_source(text: &str, start: usize) -> Option<String> {
    let before = text.get(..start)?;
    // The document's first line may hold content before `start` (a key).
    let head = &before[..before.rfind('\n').map_or(0, |i| i + 1)];
    for line in head.lines().rev() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let comment = line.strip_prefix('#')?.trim();
        if let Some(path) = comment.strip_prefix("Source:") {
            let path = path.trim();
            return is_chart_template(path).then(|| path.to_string());
        }
    }
    None
}

/// Whether a `# Source:` path is one Helm writes: a chart's template,
/// `CHART/templates/…` or a subchart's `CHART/charts/SUB/templates/…`,
/// ending in `.yaml`, `.yml`, `.tpl` or `.json`. Anything else (a URL, a
/// note in prose) is an ordinary comment, and findings stay in the file.
fn is_chart_template(path: &str) -> bool {
    if path.contains(|c: char| c.is_whitespace() || c == '\\' || c == ':') {
        return false;
    }
    let mut segments = path.split('/');
    let is_name = |s: Option<&str>| s.is_some_and(|s| !matches!(s, "" | "." | ".."));
    // The chart, then any chain of subcharts, then `templates`.
    if !is_name(segments.next()) {
        return false;
    }
    loop {
        match segments.next() {
            Some("charts") if is_name(segments.next()) => {}
            Some("templates") => break,
            _ => return false,
        }
    }
    let rest: Vec<&str> = segments.collect();
    let Some(file) = rest.last() else {
        return false;
    };
    rest.iter().all(|s| is_name(Some(s)))
        && [".yaml", ".yml", ".tpl", ".json"]
            .iter()
            .any(|ext| file.len() > ext.len() && file.ends_with(ext))
}

/// `v1.List` and every `*List` kind (`ConfigMapList`, `DeploymentList`…)
/// wrap objects in `items`.
fn is_list_kind(kind: &str) -> bool {
    kind.ends_with("List")
}

enum Identity {
    NotAnObject,
    Broken(String, Span),
    Object(ObjectRef),
}

fn identify(node: &Node) -> Identity {
    let (Some(api_version), Some(kind)) = (node.entry("apiVersion"), node.entry("kind")) else {
        return Identity::NotAnObject;
    };
    for (name, entry) in [("apiVersion", api_version), ("kind", kind)] {
        if entry.value.as_str().is_none_or(str::is_empty) {
            let what = match entry.value.as_str() {
                Some(_) => "an empty string".to_string(),
                None => entry.value.type_name().to_string(),
            };
            return Identity::Broken(
                format!("{name} must be a non-empty string, not {what}"),
                entry.key_span.join(entry.value.span),
            );
        }
    }
    let metadata = node.get("metadata");
    let text = |key: &str| {
        metadata
            .and_then(|m| m.get(key))
            .and_then(Node::as_str)
            .map(str::to_string)
    };
    Identity::Object(ObjectRef {
        api_version: api_version.value.as_str().unwrap_or_default().to_string(),
        kind: kind.value.as_str().unwrap_or_default().to_string(),
        namespace: text("namespace"),
        name: text("name").or_else(|| text("generateName")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    fn load_text(text: &str) -> Loaded {
        load(0, &SourceFile::from_text("test.yaml", text))
    }

    #[test]
    fn lists_expand_into_their_items_with_absolute_spans() {
        let loaded = load_text(
            "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: a\n  - apiVersion: v1\n    kind: ConfigMap\n    metadata:\n      name: b\n",
        );
        assert!(loaded.problems.is_empty());
        let names: Vec<_> = loaded
            .documents
            .iter()
            .map(|d| d.object.name.clone().unwrap())
            .collect();
        assert_eq!(names, ["a", "b"]);
        let b = &loaded.documents[1].root;
        let r = b.resolve(&[PathSeg::Key("metadata".into()), PathSeg::Key("name".into())]);
        assert_eq!(r.highlight().start.line, 11);
    }

    #[test]
    fn non_objects_are_skipped_quietly() {
        let loaded = load_text("name: my-chart\nversion: 1.0.0\n---\n- a\n- b\n---\njust text\n");
        assert!(loaded.documents.is_empty());
        assert!(loaded.problems.is_empty());
    }

    #[test]
    fn wrong_typed_kind_is_a_problem_at_its_line() {
        let loaded = load_text("apiVersion: v1\nkind: [Pod]\n");
        assert_eq!(loaded.problems.len(), 1);
        assert_eq!(loaded.problems[0].span.start.line, 2);
        assert!(loaded.problems[0]
            .message
            .contains("kind must be a non-empty string"));
    }

    #[test]
    fn only_chart_template_paths_are_helm_sources() {
        for path in [
            "shop/templates/deployment.yaml",
            "shop/templates/hooks/migrate.yml",
            "shop/templates/_config.tpl",
            "shop/templates/crd.json",
            "shop/charts/redis/templates/master/statefulset.yaml",
            "shop/charts/redis/charts/common/templates/cm.yaml",
        ] {
            assert!(is_chart_template(path), "{path}");
        }
        for path in [
            "https://github.com/org/repo/blob/main/deploy.yaml",
            "github.com/org/repo/deploy.yaml",
            "/abs/shop/templates/deployment.yaml",
            "shop/templates/deployment.yaml (modified)",
            "the upstream install guide",
            "shop/deployment.yaml",
            "templates/deployment.yaml",
            "shop/templates/",
            "shop/templates/.yaml",
            "shop/templates/NOTES.txt",
            "shop/charts/templates/x.yaml",
            "shop/templates/../../etc/x.yaml",
            "shop//templates/x.yaml",
            "C:\\shop\\templates\\x.yaml",
        ] {
            assert!(!is_chart_template(path), "{path}");
        }
    }

    #[test]
    fn a_source_comment_that_is_not_a_template_leaves_the_object_in_its_file() {
        let loaded = load_text(
            "# Source: https://github.com/org/repo/blob/main/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n# Source: shop/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n",
        );
        let templates: Vec<_> = loaded
            .documents
            .iter()
            .map(|d| d.template.as_deref())
            .collect();
        assert_eq!(templates, [None, Some("shop/templates/cm.yaml")]);
    }

    #[test]
    fn list_items_that_are_not_objects_are_reported() {
        let loaded = load_text("apiVersion: v1\nkind: List\nitems:\n  - 42\n  - apiVersion: v1\n    kind: Namespace\n    metadata: {name: ok}\n");
        assert_eq!(loaded.documents.len(), 1);
        assert_eq!(loaded.problems.len(), 1);
        assert_eq!(loaded.problems[0].span.start.line, 4);
    }
}
