//! The engine: one reading from start to end — discovery, then every wanted kind listed, at most
//! `concurrency` lists at once, each list's objects handed over as soon as it is done.

use std::collections::{BTreeMap, BTreeSet};

use futures::StreamExt as _;

use super::discovery::{self, Stop, Unlisted};
use super::error::LiveError;
use super::lister::{self, ListJob};
use super::options::{KindWanted, Options};
use super::reading::Event;
use super::resource::Scope;
use super::session::{seconds, Session};
use super::snapshot::{Note, Summary};
use super::trace::Trace;

/// Reads what `options` asks for; `default_namespace` is the context's. The request log is left
/// in the session.
pub(crate) async fn run(
    session: &Session,
    options: &Options,
    default_namespace: &str,
) -> Result<Summary, LiveError> {
    let mut summary = Summary::default();
    // The namespaces read: the chosen one and the others asked for; `None`
    // for all of them.
    let namespaces: Option<Vec<String>> = if options.all_namespaces {
        None
    } else {
        let chosen = options
            .namespace
            .clone()
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| default_namespace.to_string());
        let mut namespaces = vec![chosen];
        for ns in &options.also_namespaces {
            if !ns.is_empty() && !namespaces.contains(ns) {
                namespaces.push(ns.clone());
            }
        }
        Some(namespaces)
    };

    // Each kind once; metadata only if every rule asking for it needs no more.
    let mut merged: Vec<KindWanted> = Vec::new();
    for kind in &options.kinds {
        match merged
            .iter_mut()
            .find(|k| k.group == kind.group && k.kind == kind.kind)
        {
            Some(known) => known.metadata_only &= kind.metadata_only,
            None => merged.push(kind.clone()),
        }
    }
    let mut kinds: Vec<KindWanted> = Vec::with_capacity(merged.len());
    for kind in merged {
        if kind.is_secret() && !options.include_secrets {
            let message = "not read: Secrets are read only when asked for (--include-secrets)";
            add_note(session, &mut summary, note(&kind, None, message)).await;
        } else {
            kinds.push(kind);
        }
    }
    if kinds.is_empty() {
        return Ok(finish(summary));
    }

    let mut groups: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    for kind in &kinds {
        groups
            .entry(kind.group.clone())
            .or_default()
            .insert(kind.kind.as_str());
    }
    let catalog = match discovery::discover(session, &groups, options.concurrency).await {
        Ok(catalog) => catalog,
        Err(Stop::Fatal(e)) => return Err(e),
        Err(Stop::Deadline) => {
            let message = format!(
                "not read: the overall timeout ({}) came during API discovery",
                seconds(session.overall_timeout)
            );
            for kind in &kinds {
                let mut note = note(kind, None, &message);
                note.incomplete = true;
                add_note(session, &mut summary, note).await;
            }
            summary.incomplete = true;
            return Ok(finish(summary));
        }
    };
    session
        .trace(Trace::Discovery {
            aggregated: catalog.aggregated,
            resources: catalog.len(),
        })
        .await;

    let mut jobs = Vec::new();
    for kind in &kinds {
        match catalog.resolve(&kind.group, &kind.kind) {
            Ok(resource) => {
                let scopes = match &namespaces {
                    None => vec![Scope::All],
                    Some(list) if resource.namespaced => {
                        list.iter().cloned().map(Scope::Namespace).collect()
                    }
                    // With namespaces chosen, of the Namespaces only those.
                    Some(list) if resource.group.is_empty() && resource.kind == "Namespace" => {
                        list.iter().cloned().map(Scope::Named).collect()
                    }
                    Some(_) => vec![Scope::All],
                };
                for scope in scopes {
                    jobs.push(ListJob {
                        resource: resource.clone(),
                        scope,
                        metadata_only: kind.metadata_only,
                    });
                }
            }
            Err(Unlisted::NotServed(message)) => {
                add_note(session, &mut summary, note(kind, None, &message)).await
            }
            Err(Unlisted::Unreadable(message)) => {
                summary.incomplete = true;
                let mut note = note(kind, None, &message);
                note.incomplete = true;
                add_note(session, &mut summary, note).await;
            }
        }
    }

    session.progress.kinds(jobs.len());
    let page_size = match options.page_size {
        0 => Options::default().page_size,
        n => n,
    };
    let lists = jobs
        .iter()
        .map(|job| async move { (job, lister::list(session, job, page_size).await) });
    let mut lists = futures::stream::iter(lists).buffer_unordered(options.concurrency.max(1));
    while let Some((job, listed)) = lists.next().await {
        if let Some(fatal) = listed.fatal {
            return Err(fatal);
        }
        summary.skipped_owned += listed.skipped_owned;
        session
            .trace(Trace::Listed {
                group: job.resource.group.clone(),
                kind: job.resource.kind.clone(),
                namespace: job.scope.namespace().map(str::to_string),
                kept: listed.objects.len(),
                skipped_owned: listed.skipped_owned,
            })
            .await;
        if let Some(mut note) = listed.note {
            note.incomplete = true;
            summary.incomplete = true;
            add_note(session, &mut summary, note).await;
        }
        // Handed over a few at a time, each parsed only then, so that a
        // long list is never held parsed whole.
        for chunk in listed.objects.chunks(HANDOVER) {
            session
                .emit(Event::Objects(lister::expand(chunk, &job.resource)))
                .await;
        }
        session.progress.kind_done();
    }
    Ok(finish(summary))
}

/// Objects handed over in one event.
const HANDOVER: usize = 200;

fn note(kind: &KindWanted, namespace: Option<&str>, message: &str) -> Note {
    Note {
        group: kind.group.clone(),
        kind: kind.kind.clone(),
        namespace: namespace.map(str::to_string),
        message: message.to_string(),
        incomplete: false,
    }
}

async fn add_note(session: &Session, summary: &mut Summary, note: Note) {
    session.trace(Trace::Note(note.clone())).await;
    summary.notes.push(note);
}

/// Notes in a stable order, whatever order the lists finished in.
fn finish(mut summary: Summary) -> Summary {
    summary
        .notes
        .sort_by(|a, b| (&a.kind, &a.group, &a.namespace).cmp(&(&b.kind, &b.group, &b.namespace)));
    summary
}
