//! SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.

use std::collections::BTreeMap;
use std::io::{self, Write};

use rayon::prelude::*;

use serde_sarif::sarif::{
    ArtifactLocation, Invocation, Location, LogicalLocation, Message, MultiformatMessageString,
    Notification, PhysicalLocation, PropertyBag, Region, ReportingConfiguration,
    ReportingDescriptor, Result as SarifResult, ResultLevel, Suppression, Tool, ToolComponent,
};

use crate::document::Span;
use crate::finding::{Finding, Severity, FINGERPRINT_KEY};
use crate::outcome::Outcome;
use crate::policy::Rule;
use crate::source::{uri_path, SourceFile};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(severity: Severity) -> ResultLevel {
    match severity {
        Severity::Error => ResultLevel::Error,
        Severity::Warning => ResultLevel::Warning,
        Severity::Note => ResultLevel::Note,
    }
}

/// GitHub ranks security alerts by this score (0–10, as a string).
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "8.0",
        Severity::Warning => "5.5",
        Severity::Note => "3.0",
    }
}

fn docs_uri(rule: &str) -> String {
    format!(
        "{}/blob/main/docs/rules.md#{rule}",
        env!("CARGO_PKG_REPOSITORY")
    )
}

/// Upper camel case of a rule ID, which GitHub shows as the rule's name.
fn rule_name(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn help_markdown(rule: &Rule) -> String {
    let mut md = format!("# {}\n\n{}\n", rule.meta.title, rule.meta.description);
    if !rule.meta.remediation.is_empty() {
        md.push_str(&format!("\n## How to fix\n\n{}\n", rule.meta.remediation));
    }
    md
}

fn descriptor(rule: &Rule) -> ReportingDescriptor {
    let mut tags = rule.meta.tags.clone();
    let mut extra = BTreeMap::new();
    if tags.iter().any(|t| t == "security") {
        extra.insert(
            "security-severity".to_string(),
            serde_json::Value::from(security_severity(rule.meta.severity)),
        );
    }
    tags.push("kubernetes".into());
    let config = ReportingConfiguration::builder()
        .level(serde_json::Value::from(
            level(rule.meta.severity).to_string(),
        ))
        .build();
    ReportingDescriptor::builder()
        .id(rule.id.clone())
        .name(rule_name(&rule.id))
        .short_description(
            MultiformatMessageString::builder()
                .text(rule.meta.title.clone())
                .build(),
        )
        .full_description(
            MultiformatMessageString::builder()
                .text(if rule.meta.description.is_empty() {
                    rule.meta.title.clone()
                } else {
                    rule.meta.description.clone()
                })
                .build(),
        )
        .help(
            MultiformatMessageString::builder()
                .text(if rule.meta.remediation.is_empty() {
                    rule.meta.title.clone()
                } else {
                    rule.meta.remediation.clone()
                })
                .markdown(help_markdown(rule))
                .build(),
        )
        .help_uri(docs_uri(&rule.id))
        .default_configuration(config)
        .properties(
            PropertyBag::builder()
                .tags(tags)
                .additional_properties(extra)
                .build(),
        )
        .build()
}

fn region(span: Span) -> Region {
    Region::builder()
        .start_line(i64::from(span.start.line))
        .start_column(i64::from(span.start.column))
        .end_line(i64::from(span.end.line))
        .end_column(i64::from(span.end.column))
        .build()
}

fn artifact_location(source: &SourceFile) -> ArtifactLocation {
    match source.in_repository() {
        true => ArtifactLocation::builder()
            .uri(source.uri())
            .uri_base_id("%SRCROOT%")
            .build(),
        false => ArtifactLocation::builder().uri(source.uri()).build(),
    }
}

fn result(finding: &Finding, rule_index: Option<usize>, outcome: &Outcome) -> SarifResult {
    let source = &outcome.sources[finding.location.source];
    let template = outcome.template_first(finding);
    let artifact = artifact_location(source);
    let physical = match (template, finding.location.context) {
        // Rendered Helm output from stdin: the finding belongs on the chart's
        // template, but its line there is not known, so no region is claimed.
        (Some(template), _) => PhysicalLocation::builder()
            .artifact_location(
                ArtifactLocation::builder()
                    .uri(uri_path(template))
                    .uri_base_id("%SRCROOT%")
                    .build(),
            )
            .build(),
        (None, Some(context)) => PhysicalLocation::builder()
            .artifact_location(artifact)
            .region(region(finding.location.span))
            .context_region(region(context))
            .build(),
        (None, None) => PhysicalLocation::builder()
            .artifact_location(artifact)
            .region(region(finding.location.span))
            .build(),
    };
    // Rendered Helm output in a file of the repository: the finding stays
    // at its region there; the template is where it came from.
    let rendered_from = finding.template.as_deref().filter(|_| template.is_none());
    let text = match (template, rendered_from) {
        (Some(template), _) => format!(
            "{} (rendered from {template}; the template's own line is not known: line {} of the rendered output)",
            finding.message, finding.location.span.start.line
        ),
        (None, Some(template)) => format!("{} (rendered from {template})", finding.message),
        (None, None) => finding.message.clone(),
    };
    let location = match &finding.object {
        Some(object) => Location::builder()
            .physical_location(physical)
            .logical_locations(vec![LogicalLocation::builder()
                .name(object.name.clone().unwrap_or_else(|| "<unnamed>".into()))
                .fully_qualified_name(object.logical_name())
                .kind("resource")
                .build()])
            .build(),
        None => Location::builder().physical_location(physical).build(),
    };
    let mut fingerprints = BTreeMap::new();
    fingerprints.insert(FINGERPRINT_KEY.to_string(), finding.fingerprint.clone());
    let builder = SarifResult::builder()
        .rule_id(finding.rule.clone())
        .level(level(finding.severity))
        .message(Message::builder().text(text).build())
        .locations(vec![location])
        .partial_fingerprints(fingerprints);
    let mut result = match rule_index {
        Some(i) => builder.rule_index(i as i64).build(),
        None => builder.build(),
    };
    // A suppressed finding stays in the log, with who suppressed it and why:
    // code scanning shows it as dismissed rather than losing it.
    if let Some(s) = &finding.suppression {
        result.suppressions = Some(vec![Suppression::builder()
            .kind(serde_json::Value::from(s.kind.as_str()))
            .justification(s.justification.clone())
            .build()]);
    }
    result.baseline_state = finding
        .baseline
        .map(|b| serde_json::Value::from(b.as_str()));
    if let Some(template) = rendered_from {
        result.related_locations = Some(vec![template_location(template)]);
    }
    result
}

/// The chart template a finding's object was rendered from, as a related
/// location. Its path is relative to the folder the chart was rendered
/// from, which the output does not say: so no `uriBaseId`, and no region,
/// since the template's line is not known either.
fn template_location(template: &str) -> Location {
    Location::builder()
        .id(0)
        .message(
            Message::builder()
                .text(format!("rendered from {template}"))
                .build(),
        )
        .physical_location(
            PhysicalLocation::builder()
                .artifact_location(ArtifactLocation::builder().uri(uri_path(template)).build())
                .build(),
        )
        .build()
}

/// GitHub code scanning rejects a run with more results than this.
pub const MAX_RESULTS: usize = 25_000;

/// Writes the log as compact JSON, streamed: the results are rendered in
/// parallel chunks and written in order, and never held as one document.
pub fn write(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    // Over GitHub's limit, keep what matters most: findings that count
    // before suppressed or baseline ones, errors before warnings and notes.
    let mut kept: Vec<&Finding> = outcome.findings.iter().collect();
    let left_out = kept.len().saturating_sub(MAX_RESULTS);
    if left_out > 0 {
        kept.sort_by_key(|f| (!f.counts(), std::cmp::Reverse(f.severity)));
        kept.truncate(MAX_RESULTS);
    }
    let rule_index: std::collections::HashMap<&str, usize> = outcome
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i))
        .collect();
    let chunks: Vec<io::Result<Vec<u8>>> = kept
        .par_chunks(256)
        .map(|chunk| {
            let mut bytes = Vec::with_capacity(chunk.len() * 700);
            for f in chunk {
                bytes.push(b',');
                let index = rule_index.get(f.rule.as_str()).copied();
                serde_json::to_writer(&mut bytes, &result(f, index, outcome))
                    .map_err(io::Error::other)?;
            }
            Ok(bytes)
        })
        .collect();

    let mut notifications: Vec<Notification> = outcome
        .errors
        .iter()
        .map(|e| {
            Notification::builder()
                .message(Message::builder().text(e.to_string()).build())
                .level(serde_json::Value::from("error"))
                .build()
        })
        .collect();
    if left_out > 0 {
        notifications.push(
            Notification::builder()
                .message(
                    Message::builder()
                        .text(format!(
                            "{left_out} results left out: GitHub code scanning accepts at most {MAX_RESULTS} per run; the JSON report has them all"
                        ))
                        .build(),
                )
                .level(serde_json::Value::from("warning"))
                .build(),
        );
    }
    notifications.extend(outcome.notes.iter().map(|note| {
        Notification::builder()
            .message(Message::builder().text(note.as_str()).build())
            .level(serde_json::Value::from("note"))
            .build()
    }));
    let mut invocation = Invocation::builder()
        .execution_successful(outcome.errors.is_empty())
        .tool_execution_notifications(notifications)
        .build();
    // With `--live`: what was read from the cluster, and every request.
    if let Some(live) = &outcome.live {
        let mut properties = BTreeMap::new();
        properties.insert(
            "live".to_string(),
            serde_json::to_value(live).map_err(io::Error::other)?,
        );
        invocation.properties = Some(
            PropertyBag::builder()
                .additional_properties(properties)
                .build(),
        );
    }
    let driver = ToolComponent::builder()
        .name("seaworthy")
        .version(env!("CARGO_PKG_VERSION"))
        .semantic_version(env!("CARGO_PKG_VERSION"))
        .information_uri(env!("CARGO_PKG_REPOSITORY"))
        .rules(outcome.rules.iter().map(descriptor).collect::<Vec<_>>())
        .build();
    // With `--iac`: the IaC's coverage of the cluster, as run properties.
    let properties = match &outcome.coverage {
        Some(coverage) => format!(
            "\"properties\":{{\"iacCoverage\":{}}},",
            json(&serde_json::json!({
                "percent": (coverage.percent() * 10.0).round() / 10.0,
                "belowMinimum": coverage.below_minimum(),
                "considered": coverage.considered,
                "declared": coverage.declared,
                "byNamespace": coverage.by_namespace,
                "minimum": coverage.minimum,
            }))?
        ),
        None => String::new(),
    };
    // {"$schema", "version", "runs": [{"tool", "invocations", "columnKind", "results": [...]}]}
    write!(
        out,
        "{{\"$schema\":{},\"version\":\"2.1.0\",\"runs\":[{{\"tool\":{},\"invocations\":[{}],{properties}\"columnKind\":\"unicodeCodePoints\",\"results\":[",
        json(&SCHEMA)?,
        json(&Tool::builder().driver(driver).build())?,
        json(&invocation)?,
    )?;
    // Every result is written with a comma before it; the first one's goes.
    for (i, chunk) in chunks.into_iter().enumerate() {
        let chunk = chunk?;
        out.write_all(if i == 0 {
            chunk.get(1..).unwrap_or_default()
        } else {
            &chunk
        })?;
    }
    out.write_all(b"]}]}\n")
}

fn json<T: serde::Serialize>(value: &T) -> io::Result<String> {
    serde_json::to_string(value).map_err(io::Error::other)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(
            uri_path("deploy/my app/ü.yaml"),
            "deploy/my%20app/%C3%BC.yaml"
        );
    }

    #[test]
    fn rule_names_are_camel_case() {
        assert_eq!(rule_name("missing-cpu-request"), "MissingCpuRequest");
    }
}
