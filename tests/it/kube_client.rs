//! The test API server against the real `kube` client: kubeconfig loading, discovery
//! (legacy and aggregated), paged dynamic lists, metadata lists, typed gets, and errors.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use crate::kube_api::{workload, Cluster, Fault, Server};
use k8s_openapi::api::apps::v1::{Deployment, ReplicaSet};
use k8s_openapi::api::core::v1::{ConfigMap, Pod, Service};
use kube::api::{Api, DynamicObject, ListParams, ResourceExt};
use kube::config::{KubeConfigOptions, Kubeconfig};
use kube::discovery::{verbs, ApiResource, Discovery, Scope};
use kube::{Client, Config};
use serde_json::json;

const TOKEN: &str = "t0ken";

fn cluster() -> Cluster {
    let mut c = Cluster::new();
    for (ns, i) in [
        ("shop", 0),
        ("shop", 1),
        ("shop", 2),
        ("web", 3),
        ("web", 4),
    ] {
        for object in workload(ns, &format!("app-{i}"), i) {
            c.add(object);
        }
    }
    c.add_resource("example.com", "v1", "Widget", "widgets", true);
    c.add(json!({"apiVersion": "example.com/v1", "kind": "Widget",
                 "metadata": {"name": "w", "namespace": "shop"}, "spec": {"size": 3}}));
    c.require_token(TOKEN);
    c
}

fn kubeconfig_path(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kube-api-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join("config")
}

async fn config(server: &Server, name: &str, token: &str) -> Config {
    let path = kubeconfig_path(name);
    server.write_kubeconfig(&path, "test-ctx", Some("shop"), token);
    let kubeconfig = Kubeconfig::read_from(&path).unwrap();
    let options = KubeConfigOptions {
        context: Some("test-ctx".into()),
        ..Default::default()
    };
    let config = Config::from_custom_kubeconfig(kubeconfig, &options)
        .await
        .unwrap();
    let _ = std::fs::remove_dir_all(path.parent().unwrap());
    config
}

async fn client(server: &Server, name: &str) -> Client {
    Client::try_from(config(server, name, TOKEN).await).unwrap()
}

/// Lists everything with `limit` pages, following `continue` as a paging client must.
async fn list_all(api: &Api<DynamicObject>, limit: u32) -> (Vec<String>, usize) {
    let (mut names, mut pages, mut token) = (Vec::new(), 0, None::<String>);
    loop {
        let mut lp = ListParams::default().limit(limit);
        if let Some(t) = &token {
            lp = lp.continue_token(t);
        }
        let page = api.list(&lp).await.unwrap();
        pages += 1;
        names.extend(
            page.items
                .iter()
                .map(|o| format!("{}/{}", o.namespace().unwrap_or_default(), o.name_any())),
        );
        match page.metadata.continue_.filter(|t| !t.is_empty()) {
            Some(t) => token = Some(t),
            None => return (names, pages),
        }
    }
}

#[tokio::test]
async fn kube_reads_the_cluster() {
    let server = Server::start(cluster());
    let client = client(&server, "reads").await;
    assert_eq!(client.default_namespace(), "shop");
    assert_eq!(
        client.apiserver_version().await.unwrap().git_version,
        "v1.36.0"
    );

    for discovery in [
        Discovery::new(client.clone()).run().await.unwrap(),
        Discovery::new(client.clone())
            .run_aggregated()
            .await
            .unwrap(),
    ] {
        let apps = discovery.get("apps").unwrap();
        let (ar, caps) = apps.recommended_kind("Deployment").unwrap();
        assert_eq!(
            (ar.plural.as_str(), ar.api_version.as_str()),
            ("deployments", "apps/v1")
        );
        assert!(caps.supports_operation(verbs::LIST) && caps.scope == Scope::Namespaced);
        assert!(caps
            .subresources
            .iter()
            .any(|(sub, _)| sub.plural == "scale"));
        assert_eq!(
            discovery.get("autoscaling").unwrap().preferred_version(),
            Some("v2")
        );
        let (nodes, caps) = discovery.get("").unwrap().recommended_kind("Node").unwrap();
        assert_eq!(
            (nodes.plural.as_str(), caps.scope),
            ("nodes", Scope::Cluster)
        );
        assert!(discovery
            .get("example.com")
            .unwrap()
            .recommended_kind("Widget")
            .is_some());
        let listable = discovery
            .groups()
            .flat_map(|g| g.recommended_resources())
            .filter(|(_, caps)| caps.supports_operation(verbs::LIST))
            .count();
        assert!(listable >= 27, "{listable}");
    }

    // Dynamic, paged, all namespaces.
    let deployments = ApiResource::erase::<Deployment>(&());
    let api: Api<DynamicObject> = Api::all_with(client.clone(), &deployments);
    let (names, pages) = list_all(&api, 2).await;
    assert_eq!(
        names,
        [
            "shop/app-0",
            "shop/app-1",
            "shop/app-2",
            "web/app-3",
            "web/app-4"
        ]
    );
    assert_eq!(pages, 3);
    let page = api.list(&ListParams::default().limit(2)).await.unwrap();
    assert_eq!(page.metadata.remaining_item_count, Some(3));
    assert!(
        page.items[0].types.is_none(),
        "list items carry no apiVersion/kind"
    );
    assert!(page.items[0].data["spec"]["template"].is_object());

    // Metadata only, paged, one namespace.
    let pods = ApiResource::erase::<Pod>(&());
    let api: Api<DynamicObject> = Api::namespaced_with(client.clone(), "shop", &pods);
    let first = api
        .list_metadata(&ListParams::default().limit(2))
        .await
        .unwrap();
    assert_eq!(first.items.len(), 2);
    let meta = &first.items[0].metadata;
    assert_eq!(
        meta.owner_references.as_ref().unwrap()[0].controller,
        Some(true)
    );
    assert_eq!(meta.managed_fields.as_ref().unwrap().len(), 3);
    let token = first.metadata.continue_.clone().unwrap();
    let rest = api
        .list_metadata(&ListParams::default().limit(2).continue_token(&token))
        .await
        .unwrap();
    assert_eq!(rest.items.len(), 1);
    assert!(rest.metadata.continue_.is_none());

    // Custom resources, and typed reads of every generated kind.
    let widgets = ApiResource::from_gvk_with_plural(
        &kube::core::GroupVersionKind::gvk("example.com", "v1", "Widget"),
        "widgets",
    );
    let w = Api::<DynamicObject>::default_namespaced_with(client.clone(), &widgets)
        .get("w")
        .await
        .unwrap();
    assert_eq!(w.data["spec"]["size"], 3);
    let d = Api::<Deployment>::default_namespaced(client.clone())
        .get("app-1")
        .await
        .unwrap();
    assert_eq!(d.spec.replicas, Some(3));
    assert_eq!(
        Api::<Pod>::all(client.clone())
            .list(&Default::default())
            .await
            .unwrap()
            .items
            .len(),
        5
    );
    assert_eq!(
        Api::<ReplicaSet>::all(client.clone())
            .list(&Default::default())
            .await
            .unwrap()
            .items
            .len(),
        5
    );
    assert_eq!(
        Api::<Service>::all(client.clone())
            .list(&Default::default())
            .await
            .unwrap()
            .items
            .len(),
        5
    );
    assert_eq!(
        Api::<ConfigMap>::all(client.clone())
            .list(&Default::default())
            .await
            .unwrap()
            .items
            .len(),
        5
    );

    let log = server.requests();
    // kube sets no Accept for plain requests and no User-Agent unless the config adds one.
    assert_eq!(
        (
            log[0].path.as_str(),
            log[0].accept.as_str(),
            log[0].user_agent.as_str()
        ),
        ("/version", "", "")
    );
    assert!(
        log.iter()
            .all(|r| r.method == "GET" && r.authorized && r.status == 200),
        "{log:?}"
    );
    let metadata_list = log
        .iter()
        .find(|r| r.path == "/api/v1/namespaces/shop/pods")
        .unwrap();
    assert_eq!(
        metadata_list.accept,
        "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1"
    );
    assert!(log.iter().any(|r| r.path == "/apis"
        && r.accept
            .starts_with("application/json;g=apidiscovery.k8s.io;v=v2;")));
    assert!(
        log.iter().any(|r| r.path == "/apis/autoscaling/v1"),
        "legacy discovery reads every version"
    );
}

#[tokio::test]
async fn kube_sees_errors_as_the_apiserver_sends_them() {
    let mut c = cluster();
    c.fault(Fault::Forbidden {
        resource: "secrets".into(),
    });
    c.fault(Fault::ExpiredContinue {
        resource: "pods".into(),
        times: Some(1),
    });
    c.fault(Fault::TooManyRequests {
        resource: "services".into(),
        times: Some(2),
        retry_after_secs: 0,
    });
    c.fault(Fault::ServerError {
        resource: "configmaps".into(),
        status: 503,
        times: Some(1),
    });
    c.fault(Fault::ServerError {
        resource: "replicasets".into(),
        status: 500,
        times: None,
    });
    c.fault(Fault::Slow {
        resource: "leases".into(),
        delay: Duration::from_secs(10),
        times: None,
    });
    let server = Server::start(c);
    let client = client(&server, "errors").await;
    let api_error = |e: kube::Error| match e {
        kube::Error::Api(s) => (s.code, s.reason.clone()),
        other => panic!("not an API error: {other:?}"),
    };

    let missing = Api::<Deployment>::default_namespaced(client.clone())
        .get("nope")
        .await
        .unwrap_err();
    assert_eq!(api_error(missing), (404, "NotFound".into()));
    let forbidden = Api::<k8s_openapi::api::core::v1::Secret>::all(client.clone())
        .list(&Default::default())
        .await
        .unwrap_err();
    assert_eq!(api_error(forbidden), (403, "Forbidden".into()));
    let failing = Api::<ReplicaSet>::all(client.clone())
        .list(&Default::default())
        .await
        .unwrap_err();
    assert_eq!(api_error(failing), (500, "InternalError".into()));

    let pods = Api::<Pod>::all(client.clone());
    let first = pods.list(&ListParams::default().limit(2)).await.unwrap();
    let token = first.metadata.continue_.unwrap();
    let expired = pods
        .list(&ListParams::default().limit(2).continue_token(&token))
        .await
        .unwrap_err();
    assert_eq!(api_error(expired), (410, "Expired".into()));

    // kube's default retry policy retries 429 and 503 by itself.
    assert_eq!(
        Api::<Service>::all(client.clone())
            .list(&Default::default())
            .await
            .unwrap()
            .items
            .len(),
        5
    );
    assert_eq!(
        Api::<ConfigMap>::all(client.clone())
            .list(&Default::default())
            .await
            .unwrap()
            .items
            .len(),
        5
    );
    let statuses = |path: &str| {
        server
            .requests()
            .iter()
            .filter(|r| r.path == path)
            .map(|r| r.status)
            .collect::<Vec<_>>()
    };
    assert_eq!(statuses("/api/v1/services"), [429, 429, 200]);
    assert_eq!(statuses("/api/v1/configmaps"), [503, 200]);

    // A slow server meets the client's read timeout.
    let mut config = config(&server, "slow", TOKEN).await;
    config.read_timeout = Some(Duration::from_millis(300));
    let impatient = Client::try_from(config).unwrap();
    let t = Instant::now();
    let leases = Api::<k8s_openapi::api::coordination::v1::Lease>::all(impatient)
        .list(&Default::default())
        .await;
    // kube reports it as a service error wrapping the I/O timeout, not as an API error.
    let timed_out = format!("{leases:?}");
    assert!(
        matches!(leases, Err(kube::Error::Service(_))),
        "{timed_out}"
    );
    assert!(timed_out.contains("TimedOut") && t.elapsed() < Duration::from_secs(5));

    // A kubeconfig without the token is refused.
    let anonymous = Client::try_from(config_without_token(&server).await).unwrap();
    let refused = anonymous.apiserver_version().await.unwrap_err();
    assert_eq!(api_error(refused), (401, "Unauthorized".into()));
    assert!(server.requests().iter().all(|r| r.method == "GET"));
}

async fn config_without_token(server: &Server) -> Config {
    config(server, "anonymous", "").await
}
