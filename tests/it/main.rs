//! The integration tests, in one binary: one module per area, and the
//! helpers they share in `support`.

// Test code: a failed unwrap is a failed test, and printing is allowed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::disallowed_macros)]

mod support;

mod architecture;
mod bad_input;
mod cli;
mod concise;
mod drift;
mod export;
mod fuzz_regressions;
mod init;
mod inputs;
mod integrations;
mod inventory;
/// A Kubernetes API server of our own on loopback, for the live tests.
mod kube_api;
mod kube_api_server;
mod kube_client;
mod kustomize;
mod legacy_discovery;
mod live;
mod live_reader;
mod packaging;
mod secrets;
mod workloads;
mod yaml_roundtrip;

/// The fuzz targets' checks, replayed by `fuzz_regressions` without
/// cargo-fuzz.
#[path = "../../fuzz/src/lib.rs"]
mod fuzz_checks;
