//! A compact form of an OpenAPI schema: just what a manifest check needs
//! (field names, types, item and map value schemas), in an arena so that
//! recursive schemas (a CRD's `JSONSchemaProps`) are fine.

use std::collections::HashMap;

use serde_json::{Map, Value as Json};

/// Index of a shape in its [`Shapes`] arena.
pub type ShapeId = usize;

#[derive(Debug, Clone)]
pub enum Shape {
    /// Anything goes (no type, `allOf`/`oneOf`, raw extensions).
    Any,
    Scalar(Scalar),
    Array(ShapeId),
    Object(ObjectShape),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scalar {
    String,
    Integer,
    Number,
    Boolean,
    /// `x-kubernetes-int-or-string`: a port name or number, a percentage.
    IntOrString,
    /// A resource quantity: `500m`, `1Gi`, or a bare number such as `0.5`.
    Quantity,
}

#[derive(Debug, Clone)]
pub struct ObjectShape {
    /// The type's short name (`Container`), for messages.
    pub name: Option<String>,
    pub fields: HashMap<String, ShapeId>,
    pub rest: Rest,
}

/// What an object allows beyond its named fields.
#[derive(Debug, Clone, Copy)]
pub enum Rest {
    /// Nothing: an unknown field is a mistake (the API server drops or
    /// refuses it).
    Closed,
    /// Anything (`x-kubernetes-preserve-unknown-fields`, free-form objects).
    Open,
    /// A map: every value has this shape (`labels`, `data`).
    Values(ShapeId),
}

/// An arena of shapes with a root.
#[derive(Debug, Clone)]
pub struct Shapes {
    nodes: Vec<Shape>,
    pub root: ShapeId,
}

impl Shapes {
    pub fn get(&self, id: ShapeId) -> &Shape {
        self.nodes.get(id).unwrap_or(&Shape::Any)
    }

    /// Builds shapes from a JSON schema whose `$ref`s point into `$defs`
    /// (schemars) or from an OpenAPI v3 schema without references (a CRD).
    pub fn from_json(schema: &Json) -> Shapes {
        let empty = Map::new();
        let defs = schema
            .get("$defs")
            .or_else(|| schema.get("definitions"))
            .and_then(Json::as_object)
            .unwrap_or(&empty);
        let mut builder = Builder {
            defs,
            nodes: Vec::new(),
            by_ref: HashMap::new(),
        };
        let root = builder.build(schema, 0);
        Shapes {
            nodes: builder.nodes,
            root,
        }
    }
}

/// Schemas nest deeper than this only when something is wrong with them.
const MAX_SCHEMA_DEPTH: usize = 200;

struct Builder<'a> {
    defs: &'a Map<String, Json>,
    nodes: Vec<Shape>,
    by_ref: HashMap<String, ShapeId>,
}

impl Builder<'_> {
    fn push(&mut self, shape: Shape) -> ShapeId {
        self.nodes.push(shape);
        self.nodes.len() - 1
    }

    fn build(&mut self, schema: &Json, depth: usize) -> ShapeId {
        if depth > MAX_SCHEMA_DEPTH {
            return self.push(Shape::Any);
        }
        if let Some(reference) = schema.get("$ref").and_then(Json::as_str) {
            return self.reference(reference, depth);
        }
        let shape = self.shape(schema, None, depth);
        self.push(shape)
    }

    /// A `$ref`: built once, and reserved before it is built so that a
    /// type that contains itself refers back to its own slot.
    fn reference(&mut self, reference: &str, depth: usize) -> ShapeId {
        if let Some(&id) = self.by_ref.get(reference) {
            return id;
        }
        let name = reference.rsplit('/').next().unwrap_or(reference);
        let Some(target) = self.defs.get(name) else {
            return self.push(Shape::Any);
        };
        let id = self.push(Shape::Any);
        self.by_ref.insert(reference.to_string(), id);
        // Definitions carry their name in the reference, not in a title.
        let shape = self.shape(target, Some(name), depth + 1);
        self.nodes[id] = shape;
        id
    }

    fn shape(&mut self, schema: &Json, name: Option<&str>, depth: usize) -> Shape {
        let flag = |name: &str| schema.get(name).and_then(Json::as_bool) == Some(true);
        let title = schema.get("title").and_then(Json::as_str).or(name);
        if flag("x-kubernetes-int-or-string") {
            return Shape::Scalar(match title {
                Some(t) if t.ends_with(".Quantity") => Scalar::Quantity,
                _ => Scalar::IntOrString,
            });
        }
        if ["allOf", "anyOf", "oneOf", "not"]
            .iter()
            .any(|k| schema.get(*k).is_some())
        {
            return Shape::Any;
        }
        let kind = match schema.get("type") {
            Some(Json::String(t)) => Some(t.as_str()),
            // ["string", "null"]: take the non-null one.
            Some(Json::Array(types)) => {
                types.iter().filter_map(Json::as_str).find(|t| *t != "null")
            }
            _ => None,
        };
        match kind {
            Some("string") => Shape::Scalar(Scalar::String),
            Some("integer") => Shape::Scalar(Scalar::Integer),
            Some("number") => Shape::Scalar(Scalar::Number),
            Some("boolean") => Shape::Scalar(Scalar::Boolean),
            Some("array") => match schema.get("items") {
                Some(items) if items.is_object() => Shape::Array(self.build(items, depth + 1)),
                _ => {
                    let any = self.push(Shape::Any);
                    Shape::Array(any)
                }
            },
            Some("object") | None => self.object(schema, title, depth),
            Some(_) => Shape::Any,
        }
    }

    fn object(&mut self, schema: &Json, title: Option<&str>, depth: usize) -> Shape {
        let properties = schema.get("properties").and_then(Json::as_object);
        let additional = schema.get("additionalProperties");
        let preserve = schema
            .get("x-kubernetes-preserve-unknown-fields")
            .and_then(Json::as_bool)
            == Some(true);
        if properties.is_none() && additional.is_none() {
            // A free-form object (RawExtension, FieldsV1) or no type at all.
            return Shape::Any;
        }
        let mut fields = HashMap::new();
        for (name, field) in properties.into_iter().flatten() {
            let id = self.build(field, depth + 1);
            fields.insert(name.clone(), id);
        }
        let rest = if preserve {
            Rest::Open
        } else {
            match additional {
                Some(Json::Bool(true)) => Rest::Open,
                Some(Json::Bool(false)) | None => Rest::Closed,
                Some(values) => Rest::Values(self.build(values, depth + 1)),
            }
        };
        Shape::Object(ObjectShape {
            name: title.map(|t| t.rsplit('.').next().unwrap_or(t).to_string()),
            fields,
            rest,
        })
    }
}
