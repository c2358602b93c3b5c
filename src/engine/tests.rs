//! The VM against the interpreter, on every fixture object.

use super::*;
use crate::document;
use crate::document::Value as YamlValue;
use crate::policy::Rule;
use crate::policy::Scope;
use crate::source;
use regorus::rvm::vm::ExecutionMode;

/// Every document of every policy fixture and bundled example.
fn fixture_objects() -> Vec<Node> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let found = source::discover(&[root.join("fixtures"), root.join("examples")]);
    let mut objects = Vec::new();
    for (i, path) in found.files.iter().enumerate() {
        if let Ok(file) = source::read_file(path) {
            objects.extend(
                document::load(i, &file)
                    .documents
                    .into_iter()
                    .map(|d| d.root),
            );
        }
    }
    objects
}

fn batch_for(scope: Scope) -> (Batch, usize) {
    batch_in(scope, None)
}

/// The batch of a scope's rules, with `data.seaworthy.namespace` when given.
fn batch_in(scope: Scope, namespace: Option<&str>) -> (Batch, usize) {
    let catalog = crate::rules::catalog(&[]).expect("built-in policies compile");
    let params = Node {
        value: YamlValue::Map(Vec::new()),
        span: Default::default(),
    };
    let mut engine =
        Engine::new(&catalog, &params, false, std::time::Duration::from_secs(5)).expect("engine");
    if let Some(namespace) = namespace {
        engine.set_namespace(namespace).expect("namespace");
    }
    let rules: Vec<&Rule> = catalog
        .rules
        .iter()
        .filter(|r| r.query.is_some() && r.meta.scope == scope)
        .collect();
    let (batch, note) = engine.batch(&rules).expect("batch");
    assert_eq!(note, None, "the built-in policies must compile for the VM");
    assert!(batch.compiled());
    (batch, rules.len())
}

/// The VM is what lint runs; the interpreter is what `policy test` runs.
/// They must agree on every object the fixtures hold.
#[test]
fn vm_and_interpreter_agree_on_every_fixture_object() {
    let objects = fixture_objects();
    assert!(
        objects.len() > 100,
        "only {} fixture objects",
        objects.len()
    );
    let (batch, rules) = batch_for(Scope::Object);
    let mut runner = batch.runner();
    let mut violations = 0;
    for object in &objects {
        let value = to_value(object);
        let kind = object.get("kind").and_then(|k| match &k.value {
            YamlValue::String(s) => Some(s.as_str()),
            _ => None,
        });
        let kind = Some(kind.unwrap_or(""));
        let fast = runner.evaluate(value.clone(), kind);
        let reference = runner.evaluate_interpreted(value, kind);
        assert_eq!(fast.len(), rules);
        assert_eq!(fast, reference, "on {object:?}");
        violations += fast.iter().flatten().map(Vec::len).sum::<usize>();
    }
    assert!(
        violations > 100,
        "only {violations} violations: the batch is not running"
    );
}

#[test]
fn only_rules_that_may_group_run_on_a_suspendable_vm() {
    assert_eq!(
        batch_for(Scope::Object).0.mode,
        ExecutionMode::RunToCompletion
    );
    assert_eq!(
        batch_for(Scope::Inventory).0.mode,
        ExecutionMode::Suspendable
    );

    // An object rule that groups, through a module of its own.
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("helper.rego"),
        "package custom.helper\n\nimport rego.v1\n\nby_name(pairs) := seaworthy.group(pairs)\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("grouped.rego"),
        "# METADATA\n# title: T\n# custom:\n#   severity: error\npackage seaworthy.policy.grouped\n\nimport rego.v1\n\nviolation contains {\"msg\": sprintf(\"%v\", [data.custom.helper.by_name([[input.kind, 1]])]), \"path\": []} if input.kind\n",
    )
    .expect("write");
    let catalog = crate::rules::catalog(&[dir.path().to_path_buf()]).expect("policies load");
    let params = Node {
        value: YamlValue::Map(Vec::new()),
        span: Default::default(),
    };
    let engine =
        Engine::new(&catalog, &params, false, std::time::Duration::from_secs(5)).expect("engine");
    let rules: Vec<&Rule> = catalog.rules.iter().filter(|r| r.id == "grouped").collect();
    let (batch, _) = engine.batch(&rules).expect("batch");
    assert_eq!(batch.mode, ExecutionMode::Suspendable);
    let mut input = regorus::Value::new_object();
    input
        .as_object_mut()
        .expect("object")
        .insert("kind".into(), "Pod".into());
    let found = batch.runner().evaluate(input, Some("Pod"));
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0]
            .as_ref()
            .map(|v| v.iter().map(|v| v.msg.clone()).collect::<Vec<_>>()),
        Ok(vec![r#"{"Pod": [1]}"#.to_string()])
    );
}

#[test]
fn vm_and_interpreter_agree_on_the_inventory_rules() {
    let objects = fixture_objects();
    let (batch, _) = batch_for(Scope::Inventory);
    let mut runner = batch.runner();
    let names: Vec<String> = (0..objects.len())
        .map(|i| format!("fixture-{i}.yaml"))
        .collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let files: Vec<usize> = (0..objects.len()).collect();
    let input = inventory(objects.iter().map(to_value).collect(), &names, &files);
    let fast = runner.evaluate(input.clone(), None);
    let reference = runner.evaluate_interpreted(input, None);
    assert_eq!(fast, reference);
    let found: usize = fast.iter().flatten().map(Vec::len).sum();
    assert!(found > 5, "only {found} inventory violations");
}

/// `data.seaworthy.namespace` is where objects without a namespace are: a
/// Service that names none meets the Deployment in that namespace.
#[test]
fn the_namespace_reaches_the_inventory_rules() {
    let text = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {selector: {app: web}}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec: {template: {metadata: {labels: {app: web}}, spec: {containers: [{name: web}]}}}\n";
    let file = source::SourceFile::from_text("ns.yaml", text);
    let objects: Vec<regorus::Value> = document::load(0, &file)
        .documents
        .iter()
        .map(|d| to_value(&d.root))
        .collect();
    let dangling = |namespace: Option<&str>| -> Vec<String> {
        let catalog = crate::rules::catalog(&[]).expect("catalog");
        let index = catalog
            .rules
            .iter()
            .filter(|r| r.query.is_some() && r.meta.scope == Scope::Inventory)
            .position(|r| r.id == "dangling-service")
            .expect("dangling-service is an inventory rule");
        let (batch, _) = batch_in(Scope::Inventory, namespace);
        let mut runner = batch.runner();
        let input = inventory(objects.clone(), &[], &[]);
        let results = runner.evaluate(input.clone(), None);
        assert_eq!(results, runner.evaluate_interpreted(input, None));
        let found = results[index].as_ref().expect("evaluated");
        found.iter().map(|v| v.msg.clone()).collect()
    };
    assert_eq!(dangling(Some("shop")), Vec::<String>::new());
    assert_eq!(
        dangling(None),
        vec![
            "Service \"web\" selects no pods: no pod template in namespace \"default\" has labels app=web"
                .to_string()
        ]
    );
}
