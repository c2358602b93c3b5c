//! The built-in kinds whose schemas come from k8s-openapi.

use k8s_openapi::api::{
    admissionregistration, apps, autoscaling, batch, coordination, core, discovery, networking,
    node, policy, rbac, scheduling, storage,
};
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions;
use k8s_openapi::Resource;

/// `(apiVersion, kind, schema)` of a built-in kind.
pub type Kind = (&'static str, &'static str, fn() -> schemars::Schema);

macro_rules! kinds {
    ($($t:ty),* $(,)?) => {
        &[$((<$t as Resource>::API_VERSION, <$t as Resource>::KIND, || schemars::schema_for!($t))),*]
    };
}

pub const KINDS: &[Kind] = kinds![
    apps::v1::Deployment,
    apps::v1::StatefulSet,
    apps::v1::DaemonSet,
    apps::v1::ReplicaSet,
    apps::v1::ControllerRevision,
    batch::v1::Job,
    batch::v1::CronJob,
    core::v1::Pod,
    core::v1::PodTemplate,
    core::v1::ReplicationController,
    core::v1::Service,
    core::v1::ConfigMap,
    core::v1::Secret,
    core::v1::ServiceAccount,
    core::v1::Namespace,
    core::v1::PersistentVolumeClaim,
    core::v1::PersistentVolume,
    core::v1::Endpoints,
    core::v1::LimitRange,
    core::v1::ResourceQuota,
    networking::v1::Ingress,
    networking::v1::IngressClass,
    networking::v1::NetworkPolicy,
    policy::v1::PodDisruptionBudget,
    autoscaling::v1::HorizontalPodAutoscaler,
    autoscaling::v2::HorizontalPodAutoscaler,
    rbac::v1::Role,
    rbac::v1::RoleBinding,
    rbac::v1::ClusterRole,
    rbac::v1::ClusterRoleBinding,
    storage::v1::StorageClass,
    scheduling::v1::PriorityClass,
    admissionregistration::v1::ValidatingWebhookConfiguration,
    admissionregistration::v1::MutatingWebhookConfiguration,
    coordination::v1::Lease,
    discovery::v1::EndpointSlice,
    node::v1::RuntimeClass,
    apiextensions::v1::CustomResourceDefinition,
];
