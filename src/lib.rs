//! seaworthy: a policy-as-code production-readiness linter for Kubernetes.
//!
//! Modules depend on each other in one direction:
//! `cli → settings → lint → source / document / engine / policy / rules /
//! suppress / finding → outcome → report`.

pub mod baseline;
pub mod cli;
pub mod config;
pub mod document;
pub mod drift;
pub mod engine;
pub mod export;
pub mod finding;
pub mod interrupt;
pub mod kustomize;
pub mod lint;
pub mod live;
pub mod outcome;
pub mod policy;
pub mod redact;
pub mod report;
pub mod rules;
pub mod schema;
pub mod settings;
pub mod source;
pub mod starter;
pub mod suppress;
pub mod timing;
