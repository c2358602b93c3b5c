//! The parse floor of a lint run: finds and reads the files the way
//! `seaworthy lint` does (same discovery, same decoding, rayon), then drains
//! the YAML parser's events and builds nothing. `bench/run` compares a lint
//! run with this.
//!
//! ```sh
//! cargo run --release --example parse_floor -- DIR...
//! ```

// A tool for the benchmark: it prints its own results.
#![allow(clippy::disallowed_macros, clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::process::ExitCode;

use rayon::prelude::*;
use saphyr_parser::Parser;
use seaworthy::source;

// The same allocator as the binary, so the comparison is like for like.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let paths: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if paths.is_empty() {
        eprintln!("usage: parse_floor PATH...");
        return ExitCode::from(2);
    }
    let inputs = source::discover(&paths);
    let sources: Vec<_> = inputs
        .files
        .par_iter()
        .filter_map(|p| source::read_file(p).ok())
        .collect();
    let (events, errors) = sources
        .par_iter()
        .map(|s| drain(s.text()))
        .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    eprintln!(
        "parse_floor: {} files, {events} events, {errors} files with a parse error",
        sources.len()
    );
    ExitCode::SUCCESS
}

/// Pulls every event out of the parser; stops at the first error, as a
/// document that does not parse ends the parser's work on that text.
fn drain(text: &str) -> (usize, usize) {
    let mut parser = Parser::new_from_str(text);
    let mut events = 0;
    loop {
        match parser.next_event() {
            None => return (events, 0),
            Some(Ok(_)) => events += 1,
            Some(Err(_)) => return (events, 1),
        }
    }
}
