//! Field sets: the `fieldsV1` of a `managedFields` entry, parsed into the tree of the field paths
//! a manager owns, and looked up in the live object.

use serde_json::{Map, Value};

use super::normalize::{item_key, show_key};
use super::path::PathStep;

/// One step of a FieldsV1 path.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Step {
    /// `f:<name>`: a field of a map.
    Field(String),
    /// `k:<json>`: the item of a keyed list whose fields have these values.
    Key(Map<String, Value>),
    /// `v:<json>`: the item of a set equal to this value.
    Value(Value),
    /// `i:<index>`: the item at this position of an atomic-items list.
    Index(usize),
}

impl Step {
    fn parse(text: &str) -> Option<Step> {
        let (tag, rest) = text.split_at_checked(2)?;
        match tag {
            "f:" => Some(Step::Field(rest.to_string())),
            "k:" => serde_json::from_str(rest).ok().map(Step::Key),
            "v:" => serde_json::from_str(rest).ok().map(Step::Value),
            "i:" => rest.parse().ok().map(Step::Index),
            _ => None,
        }
    }

    /// The step's place in `live`: the path step, how it is shown, and the value there.
    pub fn find<'v>(&self, live: &'v Value) -> Option<(PathStep, String, &'v Value)> {
        if let Step::Field(name) = self {
            let value = live.as_object()?.get(name)?;
            return Some((PathStep::Key(name.clone()), name.clone(), value));
        }
        let items = live.as_array()?;
        let index = match self {
            Step::Index(at) => Some(*at).filter(|at| *at < items.len()),
            Step::Key(map) => items
                .iter()
                .position(|item| map.iter().all(|(k, v)| item.get(k) == Some(v))),
            Step::Value(value) => items.iter().position(|item| item == value),
            Step::Field(_) => None,
        }?;
        let shown = match self {
            Step::Key(map) => show_key(map.iter().map(|(k, v)| (k.as_str(), scalar(v)))),
            Step::Value(value) => format!("[{}]", scalar(value)),
            _ => format!("[{index}]"),
        };
        Some((PathStep::Index(index), shown, &items[index]))
    }

    /// The item of `list` (in the manifest or another copy of the object) that is the same as
    /// the live `item` this step found: by the list's merge key when Kubernetes has one (so a
    /// manifest port without `protocol` is the live `TCP` one), else by the step itself.
    pub fn counterpart<'v>(
        &self,
        parent: &'v Value,
        list: &str,
        item: &Value,
    ) -> Option<&'v Value> {
        if let Step::Field(name) = self {
            return parent.get(name);
        }
        let items = parent.as_array()?;
        if let Some(key) = item_key(list, item) {
            return items
                .iter()
                .find(|i| item_key(list, i).as_ref() == Some(&key));
        }
        match self {
            Step::Key(map) => items.iter().find(|i| {
                map.iter()
                    .all(|(k, v)| i.get(k).map(scalar) == Some(scalar(v)))
            }),
            Step::Value(value) => items.iter().find(|i| *i == value),
            Step::Index(at) => items.get(*at),
            Step::Field(_) => None,
        }
    }
}

fn scalar(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The fields one manager owns, as a tree. A node is owned itself when its FieldsV1 map has the
/// key `.` or is empty (a leaf); its children are the fields under it.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct FieldSet {
    pub owned: bool,
    pub children: Vec<(Step, FieldSet)>,
}

impl FieldSet {
    /// Parses `fieldsV1`; keys that are not FieldsV1 steps are left out.
    pub fn parse(fields: &Value) -> FieldSet {
        let mut set = FieldSet::default();
        if let Some(map) = fields.as_object() {
            for (key, child) in map {
                if key == "." {
                    set.owned = true;
                } else if let Some(step) = Step::parse(key) {
                    set.children.push((step, FieldSet::parse(child)));
                }
            }
            set.owned |= set.children.is_empty();
        }
        set
    }

    /// Whether the set holds the field at `path` of `live`, and how deep the match is: the whole
    /// path, or (for a field owned as a whole, like an atomic `selector`) the owned ancestor.
    pub fn owns(&self, live: &Value, path: &[PathStep]) -> Option<usize> {
        let mut node = self;
        let mut here = live;
        for (depth, step) in path.iter().enumerate() {
            if depth > 0 && node.children.is_empty() {
                return node.owned.then_some(depth);
            }
            let (next_node, next_value) = node.children.iter().find_map(|(s, child)| {
                let (found, _, value) = s.find(here)?;
                (found == *step).then_some((child, value))
            })?;
            node = next_node;
            here = next_value;
        }
        Some(path.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn key(k: &str) -> PathStep {
        PathStep::Key(k.to_string())
    }

    #[test]
    fn parses_every_kind_of_step() {
        let set = FieldSet::parse(&json!({
            "f:metadata": {"f:labels": {".": {}, "f:app": {}}},
            "f:spec": {"f:containers": {
                "k:{\"name\":\"web\"}": {".": {}, "f:image": {}},
            }},
            "f:finalizers": {"v:\"example.com/keep\"": {}},
            "f:args": {"i:1": {}},
            "x:ignored": {},
        }));
        assert!(!set.owned);
        assert_eq!(set.children.len(), 4);
        let (step, metadata) = &set.children[0];
        assert_eq!(*step, Step::Field("metadata".into()));
        let labels = &metadata.children[0].1;
        assert!(labels.owned);
        assert_eq!(labels.children[0].0, Step::Field("app".into()));
        assert!(labels.children[0].1.owned);
        let containers = &set.children[1].1.children[0].1;
        let Step::Key(map) = &containers.children[0].0 else {
            panic!("not a key step")
        };
        assert_eq!(map.get("name"), Some(&json!("web")));
        assert_eq!(
            set.children[2].1.children[0].0,
            Step::Value(json!("example.com/keep"))
        );
        assert_eq!(set.children[3].1.children[0].0, Step::Index(1));
        assert_eq!(Step::parse("k:{bad json"), None);
        assert_eq!(Step::parse("f"), None);
    }

    #[test]
    fn finds_steps_in_the_live_object() {
        let live = json!({
            "ports": [{"containerPort": 80, "protocol": "TCP"}, {"containerPort": 53, "protocol": "UDP"}],
            "finalizers": ["a", "b"],
        });
        let step = Step::parse("k:{\"containerPort\":53,\"protocol\":\"UDP\"}").unwrap();
        let (path, shown, value) = step.find(&live["ports"]).unwrap();
        assert_eq!(path, PathStep::Index(1));
        assert_eq!(shown, "[containerPort=53,protocol=UDP]");
        assert_eq!(value["containerPort"], 53);
        let (path, shown, _) = Step::parse("v:\"b\"")
            .unwrap()
            .find(&live["finalizers"])
            .unwrap();
        assert_eq!((path, shown.as_str()), (PathStep::Index(1), "[b]"));
        assert!(Step::Index(2).find(&live["finalizers"]).is_none());
        assert!(Step::Index(0).find(&live["finalizers"]).is_some());
        assert!(Step::parse("f:ports").unwrap().find(&live).is_some());
        assert!(Step::parse("f:nope").unwrap().find(&live).is_none());
    }

    #[test]
    fn ownership_of_paths() {
        let live = json!({"spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "containers": [{"name": "web", "image": "x"}, {"name": "idle", "image": "y"}],
        }});
        let set = FieldSet::parse(&json!({"f:spec": {
            "f:selector": {},
            "f:containers": {"k:{\"name\":\"idle\"}": {".": {}, "f:image": {}}},
        }}));
        let idle_image = [
            key("spec"),
            key("containers"),
            PathStep::Index(1),
            key("image"),
        ];
        assert_eq!(set.owns(&live, &idle_image), Some(4));
        let web_image = [
            key("spec"),
            key("containers"),
            PathStep::Index(0),
            key("image"),
        ];
        assert_eq!(set.owns(&live, &web_image), None);
        let label = [key("spec"), key("selector"), key("matchLabels"), key("app")];
        assert_eq!(set.owns(&live, &label), Some(2));
        assert_eq!(set.owns(&live, &[key("metadata")]), None);
    }

    #[test]
    fn counterparts_follow_merge_keys() {
        let declared = json!([{"containerPort": 80}, {"containerPort": 53, "protocol": "UDP"}]);
        let live_item = json!({"containerPort": 80, "protocol": "TCP"});
        let step = Step::parse("k:{\"containerPort\":80,\"protocol\":\"TCP\"}").unwrap();
        assert_eq!(
            step.counterpart(&declared, "ports", &live_item),
            Some(&declared[0])
        );
        let conditions = json!([{"type": "Ready", "status": "True"}]);
        let step = Step::parse("k:{\"type\":\"Ready\"}").unwrap();
        assert_eq!(
            step.counterpart(&conditions, "conditions", &conditions[0]),
            Some(&conditions[0])
        );
        assert_eq!(
            Step::Field("a".into()).counterpart(&json!({"a": 1}), "", &json!(null)),
            Some(&json!(1))
        );
    }
}
