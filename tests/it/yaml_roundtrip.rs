//! The YAML renderer against independent readers: every value rendered and read back (by
//! serde_yaml, a YAML 1.2 reader, and by PyYAML, a YAML 1.1 reader, when python3 has it) must be
//! the value it was rendered from.

use std::path::Path;

use seaworthy::live::{clean, to_yaml};
use serde_json::{json, Map, Value};

fn tricky_strings() -> Vec<String> {
    let mut out: Vec<String> = [
        "",
        " ",
        "  leading",
        "trailing  ",
        "a: b",
        "a:b",
        "a #b",
        "a#b",
        "#c",
        "- x",
        "-",
        "--",
        "---",
        "...",
        "? x",
        "?",
        ":",
        ": x",
        "x:",
        "{a}",
        "[a]",
        "a,b",
        "a[0]",
        "*ref",
        "&anchor",
        "!tag",
        "!!str",
        "|",
        ">",
        "'",
        "\"",
        "%",
        "@",
        "`",
        "yes",
        "Yes",
        "YES",
        "yEs",
        "no",
        "No",
        "on",
        "On",
        "Off",
        "OFF",
        "y",
        "Y",
        "n",
        "N",
        "true",
        "TRUE",
        "True",
        "false",
        "null",
        "Null",
        "NULL",
        "~",
        "0",
        "00",
        "0644",
        "0o14",
        "0x1F",
        "0xGG",
        "0b1010",
        "0B11",
        "1e3",
        "1E3",
        "1e+3",
        "-1e-3",
        "1.5",
        ".5",
        "5.",
        "+5",
        "-5",
        "1_000",
        "1__0",
        "1:20",
        "1:20:30",
        "190:20:30.15",
        "-1:20",
        ".inf",
        "-.inf",
        "+.INF",
        ".Inf",
        ".nan",
        ".NaN",
        "inf",
        "nan",
        "Infinity",
        "2001-12-14",
        "2001-12-14t21:59:43.10-05:00",
        "2001-12-14 21:59:43.10 -5",
        "2002-1-1",
        "12:30",
        "1.2.3",
        "v1.2.3",
        "<<",
        "=",
        "a\tb",
        "\t",
        "\u{0}",
        "\u{7}",
        "\u{1b}[31mred",
        "\u{7f}",
        "x\u{85}y",
        "\u{a0}",
        "a\u{2028}b",
        "a\u{2029}b",
        "\u{feff}bom",
        "\u{fffe}",
        "é",
        "日本語",
        "emoji 🎉",
        "line1\nline2",
        "line1\nline2\n",
        "line1\n\n",
        "line1\n\n\n",
        "\nlead",
        "\n\nlead2",
        "  indented\nx",
        "x\n  indented",
        "x\n\tindented",
        "trailing \nx",
        "a\r\nb",
        "\n",
        "\n\n",
        "# not comment\n- not list\n",
        "key: value\n",
        "---\n...\n",
        "a\n\n\nb",
        "{\"a\":1}",
        "[1,2]",
        "nginx:1.25",
        "registry.example.com:5000/app@sha256:abc",
        "100m",
        "1Gi",
        "0.5",
        "1e",
        "e1",
        "0x",
        "+",
        ".",
        "..",
        "=x",
        "<<x",
        "~x",
        "a'b",
        "'a'",
        "\\",
        "\\n",
        "@x",
        "%x",
        "a\u{0}b",
        "tab\tend\t",
        "   ",
        "\u{2028}",
        "multi\nline with: colon\nand # hash",
        "ends with colon:\nx",
        "-\n-",
        "|\n>",
        "apps/v1",
        "/var/run",
        "C:\\path",
        "http://x:80/y?z=1#frag",
        "*",
        "&",
        "!",
        "--- x",
        "... x",
        "? ",
        "- ",
        "key:\n  nested: x\n",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    out.push("x".repeat(2000));
    out.push(format!("{}\n{}", "y".repeat(300), "z".repeat(300)));
    out
}

fn tricky_numbers() -> Vec<Value> {
    [
        "0",
        "-1",
        "1",
        "9223372036854775807",
        "-9223372036854775808",
        "18446744073709551615",
        "1.5",
        "-2.25",
        "1e20",
        "1e-7",
        "0.1",
        "1.0",
        "123456789.123",
        "5e300",
        "-0.5",
        "2.5e-300",
    ]
    .iter()
    .filter_map(|s| serde_json::from_str(s).ok())
    .collect()
}

fn tricky_document() -> Value {
    let strings = tricky_strings();
    let mut values = Map::new();
    let mut keys = Map::new();
    for (i, s) in strings.iter().enumerate() {
        values.insert(format!("s{i:03}"), Value::String(s.clone()));
        keys.insert(s.clone(), json!(i));
    }
    let numbers = tricky_numbers();
    json!({
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "tricky", "annotations": {"yes": "no", "on": "off", "1.0": "1.0"}, "labels": {}},
        "data": values,
        "keys": keys,
        "list": strings,
        "numbers": numbers,
        "nested": [[[]], [{}], [[1, [2, {"a": [3]}]]], {"a": {"b": {"c": []}}}, null, true, false, "", [""], [null]],
        "emptyMap": {},
        "emptyList": [],
        "mixed": [{"multi": "a\nb\n", "k": [{"deep": "x\ny"}]}, "c\n"],
        "longKey": {"k".repeat(1100): {"v": 1}, "l".repeat(1100): ["a"], "m".repeat(1100): "s"},
    })
}

fn fixtures() -> Vec<(String, Value)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut out = Vec::new();
    let Ok(dirs) = std::fs::read_dir(&root) else {
        return out;
    };
    let mut files: Vec<_> = dirs
        .flatten()
        .flat_map(|d| std::fs::read_dir(d.path()).into_iter().flatten().flatten())
        .map(|e| e.path())
        .collect();
    files.sort();
    for path in files {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let name = path.display().to_string();
        let parsed: Option<Value> = match path.extension().and_then(|e| e.to_str()) {
            Some("json") => serde_json::from_str(&text).ok(),
            Some("yaml") => serde_yaml::from_str(&text).ok(),
            _ => None,
        };
        let Some(value) = parsed else { continue };
        // Recorded exchanges: the JSON bodies are the real objects.
        if let Some(entries) = value
            .as_array()
            .filter(|a| a.iter().all(|e| e.get("response_body").is_some()))
        {
            for (i, entry) in entries.iter().enumerate() {
                for field in ["response_body", "request_body"] {
                    if let Some(body) = entry[field]
                        .as_str()
                        .and_then(|b| serde_json::from_str::<Value>(b).ok())
                    {
                        if let Some(items) = body.get("items").and_then(Value::as_array) {
                            for (j, item) in items.iter().enumerate() {
                                out.push((format!("{name}[{i}].{field}.items[{j}]"), item.clone()));
                            }
                        }
                        out.push((format!("{name}[{i}].{field}"), body));
                    }
                }
            }
        }
        out.push((name, value));
    }
    out
}

fn all_documents() -> Vec<(String, Value)> {
    let mut docs = vec![("tricky".to_string(), tricky_document())];
    let fixtures = fixtures();
    assert!(
        fixtures.len() >= 5,
        "only {} fixture objects",
        fixtures.len()
    );
    for (name, value) in fixtures {
        docs.push((format!("{name} (cleaned)"), clean(&value)));
        docs.push((name, value));
    }
    docs
}

/// serde_yaml gives -0 and 0 alike, and floats through f64: compare numbers by value.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            x == y
                || (x.as_f64().is_some() && x.as_f64() == y.as_f64() && (x.is_f64() || y.is_f64()))
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

fn first_difference(path: &str, a: &Value, b: &Value) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                match y.get(k) {
                    Some(w) => {
                        if let Some(d) = first_difference(&format!("{path}.{k:?}"), v, w) {
                            return Some(d);
                        }
                    }
                    None => return Some(format!("{path}: key {k:?} missing")),
                }
            }
            (x.len() != y.len()).then(|| format!("{path}: extra keys"))
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (v, w))| first_difference(&format!("{path}[{i}]"), v, w)),
        _ => (!same(a, b)).then(|| format!("{path}: {a:?} became {b:?}")),
    }
}

#[test]
fn serde_yaml_reads_back_every_value() {
    let docs = all_documents();
    assert!(docs.len() > 10, "fixtures missing? {}", docs.len());
    for (name, value) in &docs {
        let text = to_yaml(value);
        let back: Value =
            serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}\n{text}"));
        if let Some(d) = first_difference("", value, &back) {
            panic!("{name}: {d}");
        }
    }
}

#[test]
fn rendering_is_deterministic() {
    for (name, value) in all_documents() {
        let once = to_yaml(&value);
        // The same value built with its keys in another order renders the same.
        let reordered: Value =
            serde_json::from_str(&sorted_reverse(&value).to_string()).unwrap_or(Value::Null);
        assert_eq!(once, to_yaml(&value), "{name}");
        assert_eq!(once, to_yaml(&reordered), "{name}");
    }
}

fn sorted_reverse(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by(|a, b| b.0.cmp(a.0));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.clone(), sorted_reverse(v)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.iter().map(sorted_reverse).collect()),
        other => other.clone(),
    }
}

/// PyYAML is a YAML 1.1 reader: what it reads back shows the quoting is 1.1-safe (`on`, `y`,
/// `0644`, `1:20`, timestamps...).
#[test]
#[ignore = "needs PyYAML from PyPI (.ci/run installs it)"]
fn yaml_1_1_reader_reads_back_every_value() {
    let probe = std::process::Command::new("python3")
        .args(["-c", "import yaml"])
        .output();
    assert!(
        probe.is_ok_and(|o| o.status.success()),
        "python3 with PyYAML is needed: pip install pyyaml"
    );
    let dir = std::env::temp_dir().join(format!("live-yaml11-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let docs = all_documents();
    for (i, (_, value)) in docs.iter().enumerate() {
        let _ = std::fs::write(dir.join(format!("{i}.yaml")), to_yaml(value));
        let _ = std::fs::write(
            dir.join(format!("{i}.json")),
            serde_json::to_string(value).unwrap_or_default(),
        );
    }
    let script = r#"
import json, math, sys, yaml
d, n = sys.argv[1], int(sys.argv[2])
def same(a, b):
    if isinstance(a, bool) or isinstance(b, bool): return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)): return a == b or (math.isclose(a, b, rel_tol=1e-15))
    if isinstance(a, dict) and isinstance(b, dict): return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list): return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return type(a) is type(b) and a == b
def diff(p, a, b):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in a:
            if k not in b: return f"{p}: key {k!r} missing"
            r = diff(f"{p}.{k!r}", a[k], b[k])
            if r: return r
        return None if a.keys() == b.keys() else f"{p}: keys differ"
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b)):
            r = diff(f"{p}[{i}]", x, y)
            if r: return r
        return None
    return None if same(a, b) else f"{p}: {a!r} became {b!r}"
bad = 0
for i in range(n):
    want = json.load(open(f"{d}/{i}.json"))
    got = yaml.safe_load(open(f"{d}/{i}.yaml", encoding="utf-8"))
    r = diff("", want, got)
    if r:
        bad += 1
        print(i, r)
sys.exit(1 if bad else 0)
"#;
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            script,
            &dir.display().to_string(),
            &docs.len().to_string(),
        ])
        .output()
        .unwrap_or_else(|e| panic!("python3: {e}"));
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        out.status.success(),
        "PyYAML read back different values:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
