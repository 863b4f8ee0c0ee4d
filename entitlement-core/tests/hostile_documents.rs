//! Documents and files built to exhaust the host (docs/performance.md, "Bounds on hostile
//! input"): YAML aliases that expand to gigabytes, dense documents within the text limit,
//! duplicate keys, files that are pipes, devices or sparse giants, and values of megabytes
//! quoted in messages. Where the failure was a crash or a hang, the call runs in a child process
//! (this test binary again) with an address-space cap and a timeout, and the test asserts the
//! typed error the child saw.

use std::path::PathBuf;
use std::process::Command;

use entitlement_core::document::{
    self, Format, MAX_DOCUMENT_BYTES, MAX_TOML_BYTES, MAX_YAML_BYTES, read_file,
};
use entitlement_core::error::EXCERPT_CHARS;
use entitlement_core::import::{ics, salesforce};
use entitlement_core::{Calendar, Error, Ruleset};
use proptest::prelude::*;
use serde_json::{Value, json};

const CHILD: &str = "ENTITLEMENT_HOSTILE_CHILD";

/// Runs `body` in a child process: this binary, running only the test `name`, under a 2 GiB
/// address-space cap and a 300-second timeout. In the child, `body` runs and its assertions
/// decide; the parent asserts that the child's test passed.
fn in_child(name: &str, body: impl FnOnce()) {
    if std::env::var_os(CHILD).is_some() {
        body();
        return;
    }
    let exe = std::env::current_exe().expect("the test binary");
    let out = Command::new("timeout")
        .args(["300", "sh", "-c", "ulimit -v 2097152 && exec \"$0\" \"$@\""])
        .arg(exe)
        .args([name, "--exact", "--test-threads=1", "--nocapture"])
        .env(CHILD, "1")
        .output()
        .expect("spawn the child");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "child {name}: {:?}\n{stdout}\n{stderr}",
        out.status
    );
}

fn refusal<T: std::fmt::Debug>(result: Result<T, Error>) -> (&'static str, String) {
    let e = result.expect_err("refused");
    (e.code(), e.to_string())
}

/// A fresh directory under the system's temporary directory.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("hostile-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn yaml_aliases_to_a_large_string_are_refused_by_expanded_bytes() {
    in_child(
        "hostile_documents::yaml_aliases_to_a_large_string_are_refused_by_expanded_bytes",
        || {
            // 1 MB of text that expands to 6 GB.
            let big = "a".repeat(1 << 20);
            let text = format!("a: &a \"{big}\"\nb: [{}]\n", vec!["*a"; 6000].join(","));
            let (code, message) = refusal(Ruleset::from_yaml(&text));
            assert_eq!(code, "limit_exceeded", "{message}");
            assert!(
                message.contains(&MAX_DOCUMENT_BYTES.to_string()),
                "{message}"
            );
            assert!(message.starts_with("b["), "names where: {message}");
        },
    );
}

#[test]
fn yaml_aliases_to_a_large_list_are_refused_by_expanded_values() {
    in_child(
        "hostile_documents::yaml_aliases_to_a_large_list_are_refused_by_expanded_values",
        || {
            // 2 MB of text: a list of 500,000 zeros, referenced 100,000 times.
            let zeros = vec!["0"; 500_000].join(",");
            let text = format!("a: &a [{zeros}]\nb: [{}]\n", vec!["*a"; 100_000].join(","));
            let (code, message) = refusal(document::parse(&text, Format::Yaml));
            assert_eq!(code, "limit_exceeded", "{message}");
            assert!(message.contains("bytes of memory"), "{message}");
        },
    );
}

#[test]
fn the_alias_bomb_is_refused() {
    in_child("hostile_documents::the_alias_bomb_is_refused", || {
        let mut text = "a: &a [x,x,x,x,x,x,x,x,x]\n".to_string();
        for i in 0..8u8 {
            let (name, prev) = ((b'b' + i) as char, (b'a' + i) as char);
            text += &format!(
                "{name}: &{name} [{}]\n",
                vec![format!("*{prev}"); 9].join(",")
            );
        }
        let (code, message) = refusal(Ruleset::from_yaml(&text));
        assert!(
            matches!(code, "limit_exceeded" | "parse_error"),
            "{code}: {message}"
        );
    });
}

#[test]
fn dense_documents_within_the_text_limits_are_refused_with_the_limit() {
    in_child(
        "hostile_documents::dense_documents_within_the_text_limits_are_refused_with_the_limit",
        || {
            // 64 MiB of zeros in a JSON list: 33 million values.
            let mut text = "[0".to_string();
            text += &",0".repeat((MAX_DOCUMENT_BYTES - 3) / 2);
            text.push(']');
            assert!(text.len() <= MAX_DOCUMENT_BYTES);
            let (code, message) = refusal(Ruleset::from_json(&text));
            assert_eq!(code, "limit_exceeded", "{message}");
            assert!(message.contains("bytes of memory"), "{message}");
            drop(text);
            // Mappings of one key each: the costliest value per byte of JSON.
            let text = format!("[{}]", vec![r#"{"a":0}"#; 4_000_000].join(","));
            let (code, message) = refusal(Ruleset::from_json(&text));
            assert_eq!(code, "limit_exceeded", "{message}");
            drop(text);
            // YAML and TOML beyond their lower text limits.
            let text = format!("x: [0{}]", ",0".repeat(MAX_YAML_BYTES / 2));
            let (code, message) = refusal(Ruleset::from_yaml(&text));
            assert_eq!(code, "limit_exceeded", "{message}");
            assert!(message.contains(&MAX_YAML_BYTES.to_string()), "{message}");
            let text = format!("x = [0{}]", ",0".repeat(MAX_TOML_BYTES / 2));
            let (code, message) = refusal(Ruleset::from_toml(&text));
            assert_eq!(code, "limit_exceeded", "{message}");
            assert!(message.contains(&MAX_TOML_BYTES.to_string()), "{message}");
        },
    );
}

#[test]
fn dense_yaml_at_its_limit_parses_within_the_cap() {
    in_child(
        "hostile_documents::dense_yaml_at_its_limit_parses_within_the_cap",
        || {
            let mut text = "x: [0".to_string();
            text += &",0".repeat((MAX_YAML_BYTES - 6) / 2);
            text.push(']');
            assert!(text.len() <= MAX_YAML_BYTES);
            let v = document::parse(&text, Format::Yaml).expect("at the limit");
            assert_eq!(
                v["x"].as_array().map(Vec::len),
                Some(MAX_YAML_BYTES / 2 - 2)
            );
        },
    );
}

#[test]
fn duplicate_keys_are_refused_with_their_path() {
    let cases = [
        (
            Format::Json,
            r#"{"processes": [], "processes": []}"#,
            "",
            "processes",
        ),
        (
            Format::Yaml,
            "processes: []\nprocesses: []\n",
            "",
            "processes",
        ),
        (
            Format::Json,
            r#"{"calendars": {"a": {"always_open": true, "always_open": false}}}"#,
            "calendars.a",
            "always_open",
        ),
        (
            Format::Yaml,
            "entitlements:\n  - {id: e, process: p}\n  - {id: f, id: g}\n",
            "entitlements[1]",
            "id",
        ),
    ];
    for (format, text, path, key) in cases {
        let e = document::parse(text, format).expect_err(text);
        assert_eq!(e.code(), "duplicate_key", "{e}");
        assert_eq!(
            e,
            Error::DuplicateKey {
                path: path.into(),
                key: key.into()
            }
        );
        assert!(e.to_string().contains(&format!("`{key}`")), "{e}");
    }
    // Through the public constructors too, for calendars as for rules.
    let e = Calendar::from_json(r#"{"always_open": true, "always_open": true}"#).unwrap_err();
    assert_eq!(e.code(), "duplicate_key");
    let e = Ruleset::from_yaml("calendars: {}\ncalendars: {}\n").unwrap_err();
    assert_eq!(e.code(), "duplicate_key");
    // TOML's own parser refuses them.
    assert_eq!(
        Ruleset::from_toml("[calendars]\n[calendars]\n")
            .unwrap_err()
            .code(),
        "parse_error"
    );
}

fn any_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1e9f64..1e9).prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(".{0,8}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    /// The budgeted reader builds exactly the tree serde's own readers build, for any document
    /// without duplicate keys: the bounds refuse, they never alter.
    #[test]
    fn the_budgeted_reader_builds_the_same_tree(v in any_value()) {
        let json = serde_json::to_string(&v).unwrap();
        prop_assert_eq!(document::parse(&json, Format::Json).unwrap(),
            serde_json::from_str::<Value>(&json).unwrap());
        let yaml = serde_yaml_ng::to_string(&v).unwrap();
        prop_assert_eq!(document::parse(&yaml, Format::Yaml).unwrap(),
            serde_yaml_ng::from_str::<Value>(&yaml).unwrap());
    }
}

#[test]
fn ruleset_load_refuses_a_fifo_without_blocking() {
    in_child(
        "hostile_documents::ruleset_load_refuses_a_fifo_without_blocking",
        || {
            let dir = temp_dir("fifo");
            let fifo = dir.join("rules.yaml");
            let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
            assert!(made.success());
            let (code, message) = refusal(Ruleset::load(&fifo));
            assert_eq!(code, "invalid_value", "{message}");
            assert!(message.contains("rules.yaml") && message.contains("not a regular file"));
            let (code, _) = refusal(ics::read(&fifo));
            assert_eq!(code, "invalid_value");
            std::fs::remove_dir_all(&dir).unwrap();
        },
    );
}

#[test]
fn ruleset_load_refuses_dev_zero() {
    in_child("hostile_documents::ruleset_load_refuses_dev_zero", || {
        let dir = temp_dir("zero");
        let link = dir.join("rules.json");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        let (code, message) = refusal(Ruleset::load(&link));
        assert_eq!(code, "invalid_value", "{message}");
        assert!(message.contains("rules.json"), "{message}");
        let (code, _) = refusal(ics::read(&link));
        assert_eq!(code, "invalid_value");
        assert_eq!(
            read_file("/dev/zero".as_ref(), 10).unwrap_err().code(),
            "invalid_value"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    });
}

#[test]
fn a_sparse_two_gib_file_is_refused_before_it_is_read() {
    in_child(
        "hostile_documents::a_sparse_two_gib_file_is_refused_before_it_is_read",
        || {
            let dir = temp_dir("sparse");
            let big = dir.join("rules.json");
            let made = Command::new("truncate")
                .args(["-s", "2G"])
                .arg(&big)
                .status()
                .expect("truncate");
            assert!(made.success());
            let (code, message) = refusal(Ruleset::load(&big));
            assert_eq!(code, "limit_exceeded", "{message}");
            assert!(message.contains("rules.json") && message.contains("2147483648"));
            let feed = dir.join("feed.ics");
            std::fs::rename(&big, &feed).unwrap();
            assert_eq!(code_of(ics::read(&feed)), "limit_exceeded");
            // The Salesforce folder reader: a metadata file past the limit.
            let processes = dir.join("entitlementProcesses");
            std::fs::create_dir(&processes).unwrap();
            std::fs::rename(&feed, processes.join("big.entitlementProcess-meta.xml")).unwrap();
            assert_eq!(
                code_of(salesforce::read_metadata_folder(&dir)),
                "limit_exceeded"
            );
            std::fs::remove_dir_all(&dir).unwrap();
        },
    );
}

fn code_of<T: std::fmt::Debug>(result: Result<T, Error>) -> &'static str {
    refusal(result).0
}

#[test]
fn a_file_at_the_yaml_limit_loads_and_one_byte_more_is_refused() {
    let dir = temp_dir("yaml-limit");
    let path = dir.join("rules.yaml");
    let mut text = " ".repeat(MAX_YAML_BYTES - 14);
    text.push_str("calendars: {}\n");
    std::fs::write(&path, &text).unwrap();
    Ruleset::load(&path).expect("at the limit");
    text.push(' ');
    std::fs::write(&path, &text).unwrap();
    assert_eq!(code_of(Ruleset::load(&path)), "limit_exceeded");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A 5 MB value, wherever it is quoted, gives a message of a bounded size.
#[test]
fn messages_quote_a_bounded_excerpt_of_a_value() {
    let huge = "x".repeat(5_000_000);
    let bound = 600;
    let documents = [
        json!({"time_zone": huge, "hours": {"mon": ["09:00-17:00"]}}),
        json!({"always_open": huge}),
        json!({"time_zone": "UTC", "hours": {"mon": ["09:00-17:00"]}, "holidays": [{"date": huge}]}),
        json!({"time_zone": "UTC", "hours": {"mon": [huge]}}),
        json!({(huge.clone()): 1}),
    ];
    for doc in &documents {
        let e = Calendar::from_value(doc).unwrap_err();
        let message = e.to_string();
        assert!(
            message.len() < bound,
            "{}: {}",
            e.code(),
            &message[..1000.min(message.len())]
        );
        assert!(message.contains("(5000000 bytes)"), "{message}");
    }
    // A key in a path is shortened the same way.
    let e = Ruleset::from_value(&json!({"calendars": {(huge.clone()): {"always_open": 5}}}))
        .unwrap_err();
    assert!(
        e.to_string()
            .starts_with(&format!("calendars.{}… (5000000 bytes)", "x".repeat(64))),
        "{e}"
    );
    let rules = [
        json!({"processes": [{"id": "p", "calendar": huge, "milestones": []}]}),
        json!({"processes": [{"id": "p", "milestones": [{"name": "m", "kind": "resolution", "target": huge}]}]}),
        json!({"processes": [{"id": "p", "milestones": []}], "entitlements": [{"id": "e", "process": huge}]}),
        json!({"calendars": {(huge.clone()): {"always_open": 5}}}),
    ];
    for doc in &rules {
        let e = Ruleset::from_value(doc).unwrap_err();
        let message = e.to_string();
        assert!(
            message.len() < bound,
            "{}: {}",
            e.code(),
            &message[..1000.min(message.len())]
        );
    }
    let e = Ruleset::from_json(&format!(r#"{{"{huge}": 1, "{huge}": 2}}"#)).unwrap_err();
    assert_eq!(e.code(), "duplicate_key");
    assert!(e.to_string().len() < bound);
    assert!(EXCERPT_CHARS < bound);
}

/// A parse error of a file says where, not what: the file's lines are never quoted.
#[test]
fn load_never_echoes_the_files_content() {
    let dir = temp_dir("echo");
    let secret = "s3cr3t-token-".repeat(1000);
    for (name, text) in [
        ("rules.toml", format!("a = \"{secret}\" b = 1\n")),
        ("rules.json", format!("{{\"a\": \"{secret}\" \"b\": 1}}")),
        ("rules.yaml", format!("a: \"{secret}\"\n b: [\n")),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        let e = Ruleset::load(&path).unwrap_err();
        assert_eq!(e.code(), "parse_error", "{name}: {e}");
        let message = e.to_string();
        assert!(!message.contains("s3cr3t"), "{name}: {message}");
        assert!(message.contains("line"), "{name}: {message}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
