//! `invalid-manifest`: objects checked against the schema the API server
//! holds them to. Built-in kinds use k8s-openapi's schemas; a custom
//! resource is checked when a CustomResourceDefinition in the input gives
//! its schema, and skipped otherwise.
//!
//! Reported: fields the kind does not have (`livenesProbe`), values of the
//! wrong type (`replicas: "3"`, a label value `true`), and keys written
//! twice in one mapping. Required fields are not checked: partial manifests
//! (Kustomize bases, patches) legitimately leave them out.

mod kinds;
mod shape;

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use crate::config::suggest;
use crate::document::{display_path, Document, Node, PathSeg, Span, Value};
use shape::{Rest, Scalar, Shape, ShapeId, Shapes};

/// What is wrong at one place of an object.
#[derive(Debug, Clone, PartialEq)]
pub struct SchemaProblem {
    pub path: Vec<PathSeg>,
    pub span: Span,
    pub message: String,
}

/// The schemas a run checks against: built-in kinds, and the custom
/// resources that CRDs in the input define.
#[derive(Default)]
pub struct Schemas<'a> {
    custom: HashMap<(String, String), CustomSchema<'a>>,
}

/// A CRD version's schema, turned into shapes when an object first needs
/// it: most CRDs of an input have no object of their kind beside them.
struct CustomSchema<'a> {
    schema: &'a Node,
    shapes: OnceLock<Arc<Shapes>>,
}

impl CustomSchema<'_> {
    fn shapes(&self) -> Arc<Shapes> {
        self.shapes
            .get_or_init(|| {
                let mut shapes = Node::to_json(self.schema);
                // apiVersion, kind and metadata are the API server's, not
                // the CRD's to describe.
                if let Some(props) = shapes
                    .as_object_mut()
                    .and_then(|o| o.get_mut("properties"))
                    .and_then(|p| p.as_object_mut())
                {
                    for key in ["apiVersion", "kind", "metadata"] {
                        props.insert(key.into(), serde_json::json!({}));
                    }
                }
                Arc::new(Shapes::from_json(&shapes))
            })
            .clone()
    }
}

impl<'a> Schemas<'a> {
    /// Collects the schemas of every CRD among `documents`.
    pub fn new(documents: impl Iterator<Item = &'a Document>) -> Schemas<'a> {
        let mut custom = HashMap::new();
        for doc in documents {
            if doc.object.kind != "CustomResourceDefinition"
                || !doc.object.api_version.starts_with("apiextensions.k8s.io/")
            {
                continue;
            }
            let spec = doc.root.get("spec");
            let text = |node: Option<&Node>, key: &str| {
                node.and_then(|n| n.get(key))
                    .and_then(Node::as_str)
                    .map(str::to_string)
            };
            let (Some(group), Some(kind)) = (
                text(spec, "group"),
                text(spec.and_then(|s| s.get("names")), "kind"),
            ) else {
                continue;
            };
            for version in spec
                .and_then(|s| s.get("versions"))
                .and_then(Node::as_seq)
                .into_iter()
                .flatten()
            {
                let (Some(name), Some(schema)) = (
                    text(Some(version), "name"),
                    version.get("schema").and_then(|s| s.get("openAPIV3Schema")),
                ) else {
                    continue;
                };
                custom.insert(
                    (format!("{group}/{name}"), kind.clone()),
                    CustomSchema {
                        schema,
                        shapes: OnceLock::new(),
                    },
                );
            }
        }
        Schemas { custom }
    }

    /// The schema of an object's kind, if seaworthy knows it, and what to
    /// call an object type the schema does not name.
    fn shapes(&self, api_version: &str, kind: &str) -> Option<(Arc<Shapes>, String)> {
        if let Some(s) = self
            .custom
            .get(&(api_version.to_string(), kind.to_string()))
        {
            return Some((
                s.shapes(),
                format!("the CustomResourceDefinition of {kind}"),
            ));
        }
        builtin(api_version, kind).map(|s| (s, kind.to_string()))
    }

    /// Checks one object.
    pub fn check(&self, doc: &Document) -> Vec<SchemaProblem> {
        let Some((shapes, owner)) = self.shapes(&doc.object.api_version, &doc.object.kind) else {
            return Vec::new();
        };
        let mut checker = Checker {
            shapes: &shapes,
            owner: &owner,
            secret: doc.object.kind == "Secret",
            problems: Vec::new(),
            path: Vec::new(),
        };
        checker.check(shapes.root, &doc.root, doc.root.span);
        checker.problems
    }
}

/// The schema of a built-in kind, built on first use and shared.
fn builtin(api_version: &str, kind: &str) -> Option<Arc<Shapes>> {
    static CACHE: OnceLock<Vec<OnceLock<Arc<Shapes>>>> = OnceLock::new();
    let index = kinds::KINDS
        .iter()
        .position(|(a, k, _)| *a == api_version && *k == kind)?;
    let cache = CACHE.get_or_init(|| kinds::KINDS.iter().map(|_| OnceLock::new()).collect());
    let slot = cache.get(index)?;
    Some(
        slot.get_or_init(|| {
            let schema = (kinds::KINDS[index].2)().to_value();
            Arc::new(Shapes::from_json(&schema))
        })
        .clone(),
    )
}

struct Checker<'a> {
    shapes: &'a Shapes,
    /// What to call an object type that has no name of its own.
    owner: &'a str,
    /// Whether the object is a Secret, whose values are never shown.
    secret: bool,
    problems: Vec<SchemaProblem>,
    path: Vec<PathSeg>,
}

impl Checker<'_> {
    fn report(&mut self, span: Span, message: String) {
        self.problems.push(SchemaProblem {
            path: self.path.clone(),
            span,
            message,
        });
    }

    /// `key_span` is where the field is named: the place to point at for a
    /// whole block of the wrong type.
    fn check(&mut self, id: ShapeId, node: &Node, key_span: Span) {
        if matches!(node.value, Value::Null) {
            // null means unset, for every field.
            return;
        }
        match self.shapes.get(id) {
            Shape::Any => {}
            Shape::Scalar(scalar) => self.scalar(*scalar, node),
            Shape::Array(items) => match &node.value {
                Value::Seq(values) => {
                    let items = *items;
                    for (i, item) in values.iter().enumerate() {
                        self.path.push(PathSeg::Index(i));
                        self.check(items, item, item.span);
                        self.path.pop();
                    }
                }
                _ => self.wrong_type(node, key_span, "a list"),
            },
            Shape::Object(object) => {
                let Value::Map(entries) = &node.value else {
                    self.wrong_type(node, key_span, "a mapping");
                    return;
                };
                let object = object.clone();
                for entry in entries {
                    self.path.push(PathSeg::Key(entry.key.clone()));
                    match (object.fields.get(&entry.key), object.rest) {
                        (Some(&field), _) => self.check(field, &entry.value, entry.key_span),
                        (None, Rest::Values(values)) => {
                            self.check(values, &entry.value, entry.key_span)
                        }
                        (None, Rest::Open) => {}
                        (None, Rest::Closed) => {
                            let owner = object.name.as_deref().unwrap_or(self.owner);
                            let hint =
                                suggest(&entry.key, object.fields.keys().map(String::as_str))
                                    .map_or(String::new(), |s| format!("; did you mean `{s}`?"));
                            self.report(
                                entry.key_span,
                                format!(
                                    "unknown field `{}`: {owner} has no such field, so the API server drops it or refuses the object{hint}",
                                    display_path(&self.path)
                                ),
                            );
                        }
                    }
                    self.path.pop();
                }
            }
        }
    }

    fn scalar(&mut self, scalar: Scalar, node: &Node) {
        let fits = matches!(
            (&node.value, scalar),
            (
                Value::String(_),
                Scalar::String | Scalar::IntOrString | Scalar::Quantity
            ) | (
                Value::Int(_),
                Scalar::Integer | Scalar::Number | Scalar::IntOrString
            ) | (
                Value::Int(_) | Value::Float(_),
                Scalar::Quantity | Scalar::Number
            ) | (Value::Bool(_), Scalar::Boolean)
        );
        if fits {
            return;
        }
        let wanted = match scalar {
            Scalar::String => "a string",
            Scalar::Integer => "an integer",
            Scalar::Number => "a number",
            Scalar::Boolean => "a boolean",
            Scalar::IntOrString => "an integer or a string",
            Scalar::Quantity => "a quantity (a number or a string such as `500m`)",
        };
        let found = self.describe(node);
        let hint = match (scalar, &node.value) {
            (_, Value::String(s)) if is_placeholder(s) => {
                "; it looks like an unrendered template placeholder: lint the rendered output"
            }
            (Scalar::String, Value::Int(_) | Value::Float(_) | Value::Bool(_)) => {
                "; quote it to make it a string"
            }
            (Scalar::Integer | Scalar::Number | Scalar::Boolean, Value::String(_)) => {
                "; remove the quotes"
            }
            _ => "",
        };
        self.report(
            node.span,
            format!(
                "`{}` must be {wanted}, not {found}{hint}",
                display_path(&self.path)
            ),
        );
    }

    fn wrong_type(&mut self, node: &Node, key_span: Span, wanted: &str) {
        let found = self.describe(node);
        let span = if matches!(node.value, Value::Map(_) | Value::Seq(_)) {
            key_span
        } else {
            node.span
        };
        self.report(
            span,
            format!(
                "`{}` must be {wanted}, not {found}",
                display_path(&self.path)
            ),
        );
    }
}

/// `${PORT}`, `{{ .Values.port }}`, `$(REPLICAS)`: text a template engine
/// was meant to replace.
fn is_placeholder(s: &str) -> bool {
    s.contains("${") || s.contains("{{") || s.contains("$(")
}

impl Checker<'_> {
    /// The value at the current path as a message shows it: only its type
    /// where it may be a secret (an env value, an annotation, a Secret's data).
    fn describe(&self, node: &Node) -> String {
        if !crate::redact::hides_value(self.secret, &self.path) {
            return describe(node);
        }
        match &node.value {
            Value::Bool(_) => "a boolean".into(),
            Value::Int(_) => "an integer".into(),
            Value::Float(_) => "a number".into(),
            Value::String(_) => "a string".into(),
            _ => describe(node),
        }
    }
}

/// "the integer 3", "the string \"3\"", "a mapping".
fn describe(node: &Node) -> String {
    match &node.value {
        Value::Null => "null".into(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Int(i) => format!("the integer {i}"),
        Value::Float(f) => format!("the number {f}"),
        Value::String(s) => {
            let shown: String = s.chars().take(40).collect();
            let cut = if shown.len() < s.len() { "…" } else { "" };
            format!("the string {shown:?}{cut}")
        }
        Value::Seq(_) => "a list".into(),
        Value::Map(_) => "a mapping".into(),
    }
}
