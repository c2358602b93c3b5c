//! The lister: one kind read page by page, gently.
//!
//! Pages of `limit` objects, following `continue` until the server stops setting it (a page may
//! hold fewer objects than asked for). A `410 Gone` on a continue token (the token expired) starts
//! the list again from the first page, dropping what it had read, so nothing is counted twice; at
//! most [`MAX_RESTARTS`] times. Each page is shaped as it arrives: `apiVersion` and `kind` set,
//! Secret values masked, objects controlled by another object counted and dropped.

use serde_json::{Map, Value};

use super::error::LiveError;
use super::owners;
use super::resource::{Resource, Scope};
use super::secrets;
use super::session::{seconds, Fetched, Session};
use super::snapshot::{LiveObject, Note};
use super::trace::Trace;
use super::transport::{Accept, Get};

/// Restarts of one list after its continue token expired.
pub(crate) const MAX_RESTARTS: u32 = 3;

/// One list to make.
#[derive(Debug, Clone)]
pub(crate) struct ListJob {
    pub(crate) resource: Resource,
    pub(crate) scope: Scope,
    pub(crate) metadata_only: bool,
}

/// What one list gave.
#[derive(Debug, Default)]
pub(crate) struct Listed {
    /// The objects kept, as compact JSON until they are handed over: a
    /// parsed object takes several times the memory of its text, and a
    /// list of a large cluster holds tens of thousands.
    pub(crate) objects: Vec<Box<[u8]>>,
    pub(crate) skipped_owned: usize,
    /// Why the list is not complete.
    pub(crate) note: Option<Note>,
    pub(crate) fatal: Option<LiveError>,
}

/// A kind as the audit names it: `Deployment.apps`, or `Service` in the core group.
pub fn subject(group: &str, kind: &str) -> String {
    match group {
        "" => kind.to_string(),
        group => format!("{kind}.{group}"),
    }
}

/// Lists `job`, `page_size` objects a page.
pub(crate) async fn list(session: &Session, job: &ListJob, page_size: u32) -> Listed {
    let resource = &job.resource;
    let secret = resource.group.is_empty() && resource.kind == "Secret";
    let accept = if job.metadata_only {
        Accept::Metadata
    } else {
        Accept::Json
    };
    let mut listed = Listed::default();
    let mut token: Option<String> = None;
    let mut restarts = 0;
    let mut pages = 0;
    let problem = loop {
        let get = Get::new(
            resource.list_path(&job.scope, page_size.max(1), token.as_deref()),
            accept,
        )
        .reading(subject(&resource.group, &resource.kind));
        match session.fetch(&get).await {
            Fetched::Reply(reply) if reply.ok() => {
                let (items, next) = match page(reply.body) {
                    Ok(page) => page,
                    Err(e) => {
                        break format!("the answer to GET {} is not a list ({e})", get.path())
                    }
                };
                let count = items.len();
                for item in items {
                    let Some(object) = shape(item, job, secret) else {
                        continue;
                    };
                    if let Scope::Named(name) = &job.scope {
                        // The field selector asked the server for this one; a server that ignored it
                        // gave all.
                        if object.pointer("/metadata/name").and_then(Value::as_str)
                            != Some(name.as_str())
                        {
                            continue;
                        }
                    }
                    if owners::is_controlled(&object) {
                        listed.skipped_owned += 1;
                    } else if let Ok(json) = serde_json::to_vec(&object) {
                        listed.objects.push(json.into_boxed_slice());
                    }
                }
                pages += 1;
                session.progress.page(count);
                session
                    .trace(Trace::Page {
                        group: resource.group.clone(),
                        kind: resource.kind.clone(),
                        namespace: job.scope.namespace().map(str::to_string),
                        objects: count,
                        more: next.is_some(),
                    })
                    .await;
                match next {
                    // A server that hands back the token it was given would page forever.
                    Some(next) if token.as_deref() == Some(next.as_str()) => {
                        break "the server returned the same continue token again; stopped paging"
                            .to_string()
                    }
                    Some(next) => token = Some(next),
                    None => return listed,
                }
            }
            Fetched::Reply(reply) if reply.status == 410 && token.is_some() => {
                if restarts == MAX_RESTARTS {
                    break format!(
                        "the list's continue token kept expiring (410 Gone) while it was read; gave up after \
                         {MAX_RESTARTS} restarts"
                    );
                }
                restarts += 1;
                listed.objects.clear();
                listed.skipped_owned = 0;
                token = None;
                pages = 0;
                session
                    .trace(Trace::Restart {
                        group: resource.group.clone(),
                        kind: resource.kind.clone(),
                        namespace: job.scope.namespace().map(str::to_string),
                        restart: restarts,
                    })
                    .await;
            }
            Fetched::Reply(reply) => {
                break match reply.status {
                    403 => format!("not allowed to list it ({})", reply.describe()),
                    404 => format!(
                        "not found ({}); the server may have stopped serving it",
                        reply.describe()
                    ),
                    _ => format!("GET {} answered {}", get.path(), reply.describe()),
                }
            }
            Fetched::GaveUp { attempts, reason } => {
                break format!("gave up after {attempts} attempts, the last: {reason}")
            }
            Fetched::Deadline if pages == 0 && restarts == 0 => {
                break format!(
                    "not read: the overall timeout ({}) came first",
                    seconds(session.overall_timeout)
                )
            }
            Fetched::Deadline => {
                break format!(
                    "stopped at the overall timeout ({})",
                    seconds(session.overall_timeout)
                )
            }
            Fetched::Fatal(e) => {
                listed.fatal = Some(e);
                return listed;
            }
        }
    };
    let kept = match listed.objects.len() {
        0 => String::new(),
        n => format!("; the {n} objects read before are kept, the rest is missing"),
    };
    listed.note = Some(Note {
        group: resource.group.clone(),
        kind: resource.kind.clone(),
        namespace: job.scope.namespace().map(str::to_string),
        message: format!("{problem}{kept}"),
        incomplete: true,
    });
    listed
}

/// The items and the continue token of one page. The body is dropped as soon as it is parsed.
fn page(body: Vec<u8>) -> Result<(Vec<Value>, Option<String>), String> {
    let value: Value = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
    drop(body);
    let Value::Object(mut list) = value else {
        return Err("not a JSON object".to_string());
    };
    let next = list
        .get("metadata")
        .and_then(|m| m.get("continue"))
        .and_then(Value::as_str)
        .filter(|t| !t.is_empty())
        .map(str::to_string);
    let items = match list.remove("items") {
        Some(Value::Array(items)) => items,
        None | Some(Value::Null) => Vec::new(),
        Some(_) => return Err("its items are not a list".to_string()),
    };
    Ok((items, next))
}

/// An item with `apiVersion` and `kind` first (list items often lack them), only its metadata when
/// that is all that was asked for, and a Secret's values masked. `None` for an item that is not an
/// object.
fn shape(item: Value, job: &ListJob, secret: bool) -> Option<Value> {
    let Value::Object(fields) = item else {
        return None;
    };
    let resource = &job.resource;
    let mut out = Map::new();
    let own = |key: &str| {
        fields
            .get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let (api_version, kind) = if job.metadata_only {
        // Metadata-only items are typed `meta.k8s.io/v1 PartialObjectMetadata`.
        (resource.api_version(), resource.kind.clone())
    } else {
        (
            own("apiVersion").unwrap_or_else(|| resource.api_version()),
            own("kind").unwrap_or_else(|| resource.kind.clone()),
        )
    };
    out.insert("apiVersion".to_string(), Value::String(api_version));
    out.insert("kind".to_string(), Value::String(kind));
    for (key, value) in fields {
        match key.as_str() {
            "apiVersion" | "kind" => {}
            "metadata" => {
                out.insert(key, value);
            }
            _ if job.metadata_only => {}
            _ => {
                out.insert(key, value);
            }
        }
    }
    let mut out = Value::Object(out);
    if secret {
        secrets::mask(&mut out);
    }
    Some(out)
}

/// The objects of a list, parsed again from their compact JSON.
pub(crate) fn expand(objects: &[Box<[u8]>], resource: &Resource) -> Vec<LiveObject> {
    objects
        .iter()
        .filter_map(|json| serde_json::from_slice(json).ok())
        .map(|raw| live_object(raw, resource))
        .collect()
}

fn live_object(raw: Value, resource: &Resource) -> LiveObject {
    let text = |field: &str| {
        raw.get("metadata")
            .and_then(|m| m.get(field))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let kind = raw
        .get("kind")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| resource.kind.clone());
    let api_version = raw
        .get("apiVersion")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| resource.api_version());
    LiveObject {
        api_version,
        kind,
        namespace: text("namespace"),
        name: text("name").unwrap_or_default(),
        raw,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn job(group: &str, kind: &str, metadata_only: bool) -> ListJob {
        ListJob {
            resource: Resource {
                group: group.into(),
                version: "v1".into(),
                kind: kind.into(),
                plural: "xs".into(),
                namespaced: true,
            },
            scope: Scope::All,
            metadata_only,
        }
    }

    #[test]
    fn items_get_their_type_first() {
        let item = json!({"metadata": {"name": "web", "namespace": "prod"}, "spec": {"a": 1}});
        let shaped = shape(item, &job("apps", "Deployment", false), false).unwrap_or_default();
        let keys: Vec<&String> = shaped
            .as_object()
            .map(|m| m.keys().collect())
            .unwrap_or_default();
        assert_eq!(keys, ["apiVersion", "kind", "metadata", "spec"]);
        assert_eq!(shaped["apiVersion"], "apps/v1");
        let object = live_object(shaped, &job("apps", "Deployment", false).resource);
        assert_eq!(
            (object.namespace.as_deref(), object.name.as_str()),
            (Some("prod"), "web")
        );
    }

    #[test]
    fn metadata_only_items_keep_only_metadata_under_the_real_type() {
        let item = json!({"apiVersion": "meta.k8s.io/v1", "kind": "PartialObjectMetadata",
            "metadata": {"name": "cm"}, "data": {"x": "y"}});
        let shaped = shape(item, &job("", "ConfigMap", true), false).unwrap_or_default();
        assert_eq!(
            shaped,
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm"}})
        );
    }

    #[test]
    fn secrets_are_masked_on_arrival() {
        let item = json!({"metadata": {"name": "s"}, "data": {"k": "Y2FuYXJ5"}});
        let shaped = shape(item, &job("", "Secret", false), true).unwrap_or_default();
        assert_eq!(shaped["data"]["k"], secrets::MASK);
    }

    #[test]
    fn pages_and_their_continue_token() {
        let body = br#"{"kind":"PodList","metadata":{"continue":"abc","remainingItemCount":3},"items":[{"a":1}]}"#;
        let (items, next) = page(body.to_vec()).unwrap_or_default();
        assert_eq!((items.len(), next.as_deref()), (1, Some("abc")));
        let (items, next) =
            page(br#"{"metadata":{"continue":""},"items":null}"#.to_vec()).unwrap_or_default();
        assert_eq!((items.len(), next), (0, None));
        assert!(page(b"[]".to_vec()).is_err());
        assert!(page(b"{\"items\":{}}".to_vec()).is_err());
    }

    #[test]
    fn the_recorded_deployment_list_shapes_cleanly() {
        let list = super::super::fixtures::json("deployment-list.json");
        let Ok((items, None)) = page(list.to_string().into_bytes()) else {
            panic!("not one complete page")
        };
        let job = job("apps", "Deployment", false);
        let objects: Vec<Value> = items
            .into_iter()
            .filter_map(|i| shape(i, &job, false))
            .collect();
        assert_eq!(objects.len(), 1);
        for object in objects {
            assert_eq!(
                (&object["apiVersion"], &object["kind"]),
                (&json!("apps/v1"), &json!("Deployment"))
            );
            assert!(object["metadata"]["managedFields"].is_array());
            assert!(!owners::is_controlled(&object));
        }
    }
}
