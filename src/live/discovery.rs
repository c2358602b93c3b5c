//! Discovery: which kinds the server serves, in which version and under which plural.
//!
//! Aggregated discovery first: `GET /api` and `GET /apis` asking for `APIGroupDiscoveryList` give
//! every group, version and resource in two requests. A server without it answers the same two
//! requests with the plain documents (`APIVersions`, `APIGroupList`); then each wanted group's
//! versions are read one by one (`GET /apis/GROUP/VERSION`), preferred version first, and only
//! until every wanted kind of the group is found. Only groups that hold a wanted kind are read.

use std::collections::{BTreeMap, BTreeSet};

use futures::StreamExt as _;
use serde_json::Value;

use super::error::LiveError;
use super::resource::Resource;
use super::session::{Fetched, Session};
use super::transport::{Accept, Get};

/// What discovery found.
#[derive(Debug, Default)]
pub(crate) struct Catalog {
    /// Group → its versions, preferred first.
    groups: BTreeMap<String, Vec<Version>>,
    /// Groups whose discovery failed, and why.
    failed: BTreeMap<String, String>,
    /// Whether the server offered aggregated discovery.
    pub(crate) aggregated: bool,
}

#[derive(Debug)]
struct Version {
    version: String,
    resources: Vec<Entry>,
}

#[derive(Debug)]
struct Entry {
    plural: String,
    kind: String,
    namespaced: bool,
    verbs: Vec<String>,
}

/// Why discovery stopped.
#[derive(Debug)]
pub(crate) enum Stop {
    Fatal(LiveError),
    Deadline,
}

/// Why a wanted kind cannot be listed.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Unlisted {
    /// The server does not serve it: there is nothing of it to read.
    NotServed(String),
    /// It may exist but cannot be read (discovery of its group failed, or no `list` verb).
    Unreadable(String),
}

impl Catalog {
    /// The preferred version of `kind` in `group` that can be listed.
    pub(crate) fn resolve(&self, group: &str, kind: &str) -> Result<Resource, Unlisted> {
        if group == ANY_GROUP {
            // The first group that serves the kind, in name order.
            let mut first_problem = None;
            for name in self.groups.keys() {
                match self.resolve(name, kind) {
                    Ok(resource) => return Ok(resource),
                    Err(Unlisted::Unreadable(why)) => {
                        first_problem.get_or_insert(why);
                    }
                    Err(Unlisted::NotServed(_)) => {}
                }
            }
            return Err(match first_problem {
                Some(why) => Unlisted::Unreadable(why),
                None => Unlisted::NotServed("not served by this cluster".to_string()),
            });
        }
        let Some(versions) = self.groups.get(group) else {
            return Err(match self.failed.get(group) {
                Some(reason) => Unlisted::Unreadable(format!(
                    "not read: the discovery of its API group failed ({reason})"
                )),
                None => Unlisted::NotServed("not served by this cluster".to_string()),
            });
        };
        let mut unlistable = None;
        for version in versions {
            for entry in version.resources.iter().filter(|e| e.kind == kind) {
                if entry.verbs.iter().any(|v| v == "list") {
                    return Ok(Resource {
                        group: group.to_string(),
                        version: version.version.clone(),
                        kind: kind.to_string(),
                        plural: entry.plural.clone(),
                        namespaced: entry.namespaced,
                    });
                }
                unlistable.get_or_insert_with(|| version.version.clone());
            }
        }
        Err(match (unlistable, self.failed.get(group)) {
            (Some(version), _) => Unlisted::Unreadable(format!(
                "served ({version}) but the server does not allow listing it"
            )),
            (None, Some(reason)) => Unlisted::Unreadable(format!(
                "not read: the discovery of some versions of its API group failed ({reason})"
            )),
            (None, None) => Unlisted::NotServed("not served by this cluster".to_string()),
        })
    }

    /// How many resources are known.
    pub(crate) fn len(&self) -> usize {
        self.groups
            .values()
            .flatten()
            .map(|v| v.resources.len())
            .sum()
    }
}

/// Reads discovery for the groups of `wanted` (group → kinds), at most `concurrency` requests at
/// once.
/// The group of a kind whose group is not known: any group that serves it.
pub const ANY_GROUP: &str = "*";

pub(crate) async fn discover(
    session: &Session,
    wanted: &BTreeMap<String, BTreeSet<&str>>,
    concurrency: usize,
) -> Result<Catalog, Stop> {
    let mut catalog = Catalog::default();
    if wanted.contains_key("") {
        let top = top_document(session, "/api").await?;
        match kind_of(&top) {
            "APIGroupDiscoveryList" => {
                catalog.aggregated = true;
                add_aggregated(&mut catalog, &top, Some(""));
            }
            _ => {
                // APIVersions: the core group's versions, in preference order.
                let versions: Vec<String> = strings(top.get("versions"));
                let jobs = vec![("".to_string(), versions)];
                read_versions(session, &mut catalog, jobs, wanted, concurrency).await?;
            }
        }
    }
    if wanted.keys().any(|g| !g.is_empty()) {
        let top = top_document(session, "/apis").await?;
        match kind_of(&top) {
            "APIGroupDiscoveryList" => {
                catalog.aggregated = true;
                add_aggregated(&mut catalog, &top, None);
            }
            _ => {
                let mut jobs = Vec::new();
                for group in top
                    .get("groups")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    let name = group
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or_default();
                    if name.is_empty()
                        || !(wanted.contains_key(name) || wanted.contains_key(ANY_GROUP))
                    {
                        continue;
                    }
                    let preferred = group
                        .pointer("/preferredVersion/version")
                        .and_then(Value::as_str);
                    let mut versions: Vec<String> =
                        preferred.map(str::to_string).into_iter().collect();
                    for v in group
                        .get("versions")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                    {
                        if let Some(v) = v.get("version").and_then(Value::as_str) {
                            if Some(v) != preferred {
                                versions.push(v.to_string());
                            }
                        }
                    }
                    jobs.push((name.to_string(), versions));
                }
                read_versions(session, &mut catalog, jobs, wanted, concurrency).await?;
            }
        }
    }
    Ok(catalog)
}

/// `GET /api` or `GET /apis`: without them nothing can be read.
async fn top_document(session: &Session, path: &str) -> Result<Value, Stop> {
    let reason = match session
        .fetch(&Get::new(path.to_string(), Accept::Discovery))
        .await
    {
        Fetched::Reply(reply) if reply.ok() => match serde_json::from_slice::<Value>(&reply.body) {
            Ok(value) => return Ok(value),
            Err(e) => format!("the answer to GET {path} is not JSON ({e})"),
        },
        Fetched::Reply(reply) => format!("GET {path} answered {}", reply.describe()),
        Fetched::GaveUp { attempts, reason } if !session.answered() => {
            return Err(Stop::Fatal(LiveError::Unreachable {
                context: session.context.clone(),
                server: session.server.clone(),
                reason: format!("{reason} (after {attempts} attempts)"),
            }))
        }
        Fetched::GaveUp { attempts, reason } => {
            format!("GET {path} failed {attempts} times, last: {reason}")
        }
        Fetched::Deadline => return Err(Stop::Deadline),
        Fetched::Fatal(e) => return Err(Stop::Fatal(e)),
    };
    Err(Stop::Fatal(LiveError::Discovery {
        server: session.server.clone(),
        reason,
    }))
}

/// Reads each group's versions in order until all its wanted kinds are found, several groups at
/// once. A group whose discovery fails is noted in the catalog; the rest go on.
async fn read_versions(
    session: &Session,
    catalog: &mut Catalog,
    jobs: Vec<(String, Vec<String>)>,
    wanted: &BTreeMap<String, BTreeSet<&str>>,
    concurrency: usize,
) -> Result<(), Stop> {
    let empty = BTreeSet::new();
    let reads = jobs.into_iter().map(|(group, versions)| {
        let kinds = wanted.get(&group).unwrap_or(&empty);
        async move {
            let mut found: Vec<Version> = Vec::new();
            let mut failure = None;
            for version in versions {
                let path = if group.is_empty() {
                    format!("/api/{version}")
                } else {
                    format!("/apis/{group}/{version}")
                };
                match session.fetch(&Get::new(path.clone(), Accept::Json)).await {
                    Fetched::Reply(reply) if reply.ok() => {
                        match serde_json::from_slice::<Value>(&reply.body) {
                            Ok(list) => found.push(Version {
                                version,
                                resources: legacy_resources(&list),
                            }),
                            Err(e) => {
                                failure =
                                    Some(format!("the answer to GET {path} is not JSON ({e})"))
                            }
                        }
                    }
                    Fetched::Reply(reply) => {
                        failure = Some(format!("GET {path} answered {}", reply.describe()))
                    }
                    Fetched::GaveUp { attempts, reason } => {
                        failure = Some(format!(
                            "GET {path} failed {attempts} times, last: {reason}"
                        ))
                    }
                    Fetched::Deadline => return Err(Stop::Deadline),
                    Fetched::Fatal(e) => return Err(Stop::Fatal(e)),
                }
                let all_found = kinds.iter().all(|k| {
                    found
                        .iter()
                        .any(|v| v.resources.iter().any(|e| e.kind == *k))
                });
                if all_found {
                    break;
                }
            }
            Ok((group, found, failure))
        }
    });
    let mut reads = futures::stream::iter(reads).buffer_unordered(concurrency.max(1));
    while let Some(read) = reads.next().await {
        let (group, found, failure) = read?;
        if let Some(reason) = failure {
            catalog.failed.insert(group.clone(), reason);
        }
        if !found.is_empty() {
            catalog.groups.entry(group).or_default().extend(found);
        }
    }
    Ok(())
}

fn kind_of(document: &Value) -> &str {
    document
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

fn strings(value: Option<&Value>) -> Vec<String> {
    value
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

/// The groups of an `APIGroupDiscoveryList`; `group` names the group for the core document,
/// whose entry may have no name.
fn add_aggregated(catalog: &mut Catalog, list: &Value, group: Option<&str>) {
    for item in list
        .get("items")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let name = group
            .or_else(|| item.pointer("/metadata/name").and_then(Value::as_str))
            .unwrap_or_default()
            .to_string();
        let mut versions = Vec::new();
        for version in item
            .get("versions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let Some(v) = version.get("version").and_then(Value::as_str) else {
                continue;
            };
            let resources = version
                .get("resources")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|r| {
                    Some(Entry {
                        plural: r.get("resource")?.as_str()?.to_string(),
                        kind: r
                            .pointer("/responseKind/kind")?
                            .as_str()
                            .filter(|k| !k.is_empty())?
                            .to_string(),
                        namespaced: r.get("scope").and_then(Value::as_str) == Some("Namespaced"),
                        verbs: strings(r.get("verbs")),
                    })
                })
                .collect();
            versions.push(Version {
                version: v.to_string(),
                resources,
            });
        }
        catalog.groups.entry(name).or_default().extend(versions);
    }
}

/// The resources of an `APIResourceList`, without subresources.
fn legacy_resources(list: &Value) -> Vec<Entry> {
    list.get("resources")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|r| {
            let plural = r.get("name")?.as_str()?;
            if plural.contains('/') {
                return None;
            }
            Some(Entry {
                plural: plural.to_string(),
                kind: r.get("kind")?.as_str()?.to_string(),
                namespaced: r
                    .get("namespaced")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
                verbs: strings(r.get("verbs")),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fixture(name: &str) -> Value {
        super::super::fixtures::json(name)
    }

    #[test]
    fn resolves_from_the_recorded_plain_documents() {
        let (core, apps) = (fixture("api-v1.json"), fixture("apis-apps-v1.json"));
        let mut catalog = Catalog::default();
        catalog.groups.insert(
            "".into(),
            vec![Version {
                version: "v1".into(),
                resources: legacy_resources(&core),
            }],
        );
        catalog.groups.insert(
            "apps".into(),
            vec![Version {
                version: "v1".into(),
                resources: legacy_resources(&apps),
            }],
        );
        let pods = catalog
            .resolve("", "Pod")
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!((pods.plural.as_str(), pods.namespaced), ("pods", true));
        let namespaces = catalog
            .resolve("", "Namespace")
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert!(!namespaces.namespaced);
        let deployments = catalog
            .resolve("apps", "Deployment")
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(deployments.api_version(), "apps/v1");
        // `bindings` can be created but not listed.
        assert!(matches!(
            catalog.resolve("", "Binding"),
            Err(Unlisted::Unreadable(_))
        ));
        assert!(matches!(
            catalog.resolve("batch", "Job"),
            Err(Unlisted::NotServed(_))
        ));
        assert!(matches!(
            catalog.resolve("apps", "Nope"),
            Err(Unlisted::NotServed(_))
        ));
    }

    #[test]
    fn aggregated_documents_prefer_the_first_version() {
        let list = json!({"kind": "APIGroupDiscoveryList", "items": [{
        "metadata": {"name": "autoscaling"},
        "versions": [
            {"version": "v2", "resources": [{"resource": "horizontalpodautoscalers", "scope": "Namespaced",
                "responseKind": {"group": "", "version": "", "kind": "HorizontalPodAutoscaler"},
                "verbs": ["get", "list"], "subresources": [{"subresource": "status"}]}]},
            {"version": "v1", "resources": [{"resource": "horizontalpodautoscalers", "scope": "Namespaced",
                "responseKind": {"kind": "HorizontalPodAutoscaler"}, "verbs": ["list"]}]}
        ]}]});
        let mut catalog = Catalog::default();
        add_aggregated(&mut catalog, &list, None);
        let hpa = catalog
            .resolve("autoscaling", "HorizontalPodAutoscaler")
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(hpa.version, "v2");
        assert_eq!(catalog.len(), 2);
    }

    #[test]
    fn a_failed_group_is_unreadable_not_absent() {
        let mut catalog = Catalog::default();
        catalog.failed.insert("metrics.k8s.io".into(), "503".into());
        assert!(matches!(
            catalog.resolve("metrics.k8s.io", "PodMetrics"),
            Err(Unlisted::Unreadable(_))
        ));
    }
}
