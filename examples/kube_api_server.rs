//! The Kubernetes API test server (`tests/it/kube_api`) as a process of its
//! own, serving generated live objects on loopback, for `bench/run` to lint
//! with `seaworthy lint --live`.
//!
//! ```sh
//! cargo run --release --example kube_api_server -- \
//!     [--objects N | --workloads W] [--namespaces K] --kubeconfig PATH
//! ```
//!
//! The cluster holds N objects (default 100,000): workloads of five objects
//! each (Deployment, its controller-owned ReplicaSet and Pod, Service,
//! ConfigMap; `kube_api::workload`) spread round-robin over K namespaces
//! (default 50), the last workload cut short when N is not a multiple of
//! five; or, with `--workloads`, W whole workloads (5 W objects, 3 W of them
//! top-level). The server adds a Namespace object for each namespace, and
//! for `default` and the three `kube-*` namespaces. Requests need
//! a bearer token, which the kubeconfig written to PATH carries (context
//! `bench`).
//!
//! On stdout: one line `ready URL` once the server is listening; then it
//! serves until stdin is closed or reads a line `stop`, prints `requests N
//! (200: n, ...)`, every request served by status, and exits. What it built,
//! and how long that took, goes to stderr.

// A tool for the benchmark: it prints its own results, and a failure to set
// up the server (bind, spawn) ends it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::disallowed_macros)]

#[path = "../tests/it/kube_api/mod.rs"]
mod kube_api;

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use kube_api::{workload, Cluster, Server};

const TOKEN: &str = "bench-token-5d0c2e7a";
const CONTEXT: &str = "bench";

struct Args {
    objects: usize,
    /// Whole workloads, in place of a count of objects.
    workloads: Option<usize>,
    namespaces: usize,
    kubeconfig: PathBuf,
}

fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(e) => {
            eprintln!("kube_api_server: {e}");
            eprintln!(
                "usage: kube_api_server [--objects N | --workloads W] [--namespaces K] \
                 --kubeconfig PATH"
            );
            return ExitCode::from(2);
        }
    };

    let start = Instant::now();
    let mut cluster = Cluster::new();
    let mut added = 0;
    let mut i = 0;
    while args.workloads.map_or(added < args.objects, |w| i < w) {
        let namespace = format!("team-{:02}", i % args.namespaces);
        let objects = workload(&namespace, &format!("app-{i}"), i);
        let room = match args.workloads {
            Some(_) => objects.len(),
            None => args.objects - added,
        };
        for object in objects.into_iter().take(room) {
            cluster.add(object);
            added += 1;
        }
        i += 1;
    }
    cluster.require_token(TOKEN);
    let server = Server::start(cluster);
    server.write_kubeconfig(&args.kubeconfig, CONTEXT, None, TOKEN);
    eprintln!(
        "kube_api_server: {added} objects ({i} workloads in {} namespaces) built in {:.1} s",
        args.namespaces.min(i),
        start.elapsed().as_secs_f64()
    );

    let mut out = std::io::stdout().lock();
    writeln!(out, "ready {}", server.url).unwrap();
    out.flush().unwrap();

    for line in std::io::stdin().lock().lines() {
        match line {
            Ok(line) if line.trim() == "stop" => break,
            Ok(_) => {}
            Err(_) => break,
        }
    }

    let requests = server.requests();
    let mut by_status: BTreeMap<u16, usize> = BTreeMap::new();
    for r in &requests {
        *by_status.entry(r.status).or_default() += 1;
    }
    let breakdown: Vec<String> = by_status.iter().map(|(s, n)| format!("{s}: {n}")).collect();
    let told = writeln!(
        out,
        "requests {} ({})",
        requests.len(),
        breakdown.join(", ")
    );
    match told.and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        // Nobody is reading any more: nothing left to tell.
        Err(_) => ExitCode::FAILURE,
    }
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut objects = None;
    let mut workloads = None;
    let mut namespaces = 50;
    let mut kubeconfig = None;
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--objects" => objects = Some(count(&arg, &value()?)?),
            "--workloads" => workloads = Some(count(&arg, &value()?)?),
            "--namespaces" => namespaces = count(&arg, &value()?)?,
            "--kubeconfig" => kubeconfig = Some(PathBuf::from(value()?)),
            _ => return Err(format!("unknown argument {arg}")),
        }
    }
    if objects.is_some() && workloads.is_some() {
        return Err("--objects and --workloads exclude each other".into());
    }
    Ok(Args {
        objects: objects.unwrap_or(100_000),
        workloads,
        namespaces,
        kubeconfig: kubeconfig.ok_or("--kubeconfig is required")?,
    })
}

fn count(flag: &str, text: &str) -> Result<usize, String> {
    match text.replace('_', "").parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("{flag}: not a positive number: {text}")),
    }
}
