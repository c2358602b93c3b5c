//! seaworthy: a policy-as-code production-readiness linter for Kubernetes.

pub mod baseline;
pub mod cli;
pub mod config;
pub mod document;
pub mod engine;
pub mod finding;
pub mod interrupt;
pub mod lint;
pub mod policy;
pub mod redact;
pub mod report;
pub mod schema;
pub mod source;
pub mod suppress;
pub mod timing;
