//! The shared host writer (`host::write`): a toy host that builds JSON values, with marked
//! instants, durations and dates as `{"$instant": µs}`-style objects, agrees with
//! `serde_json::to_value` once those are formatted back to text (the law every binding's writer
//! and the `--json` output rely on); nesting is bounded; `write_field` writes one field.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use entitlement_core::host::MAX_NESTING;
use entitlement_core::host::write::{HostWriter, write, write_field};
use entitlement_core::rules::{Case, Ruleset};
use entitlement_core::{Error, time};
use proptest::prelude::*;
use serde::Serialize;
use serde_json::{Map, Value, json};

use crate::common::at;

/// Builds JSON; marked values as one-key objects holding their integer.
struct Toy;

impl HostWriter for Toy {
    type Value = Value;
    type List = Vec<Value>;
    type Object = Map<String, Value>;
    type Error = Error;
    fn null(&self) -> Result<Value, Error> {
        Ok(Value::Null)
    }
    fn bool(&self, v: bool) -> Result<Value, Error> {
        Ok(v.into())
    }
    fn i64(&self, v: i64) -> Result<Value, Error> {
        Ok(v.into())
    }
    fn u64(&self, v: u64) -> Result<Value, Error> {
        Ok(v.into())
    }
    fn f64(&self, v: f64) -> Result<Value, Error> {
        Ok(v.into())
    }
    fn str(&self, v: &str) -> Result<Value, Error> {
        Ok(v.into())
    }
    fn instant(&self, us: i64) -> Result<Value, Error> {
        Ok(json!({ "$instant": us }))
    }
    fn duration(&self, us: i64) -> Result<Value, Error> {
        Ok(json!({ "$duration": us }))
    }
    fn date(&self, days: i64) -> Result<Value, Error> {
        Ok(json!({ "$date": days }))
    }
    fn list_begin(&self, _: Option<usize>) -> Result<Vec<Value>, Error> {
        Ok(Vec::new())
    }
    fn list_push(&self, list: &mut Vec<Value>, v: Value) -> Result<(), Error> {
        list.push(v);
        Ok(())
    }
    fn list_end(&self, list: Vec<Value>) -> Result<Value, Error> {
        Ok(list.into())
    }
    fn object_begin(&self, _: Option<usize>) -> Result<Map<String, Value>, Error> {
        Ok(Map::new())
    }
    fn object_set(&self, o: &mut Map<String, Value>, k: &str, v: Value) -> Result<(), Error> {
        o.insert(k.to_owned(), v);
        Ok(())
    }
    fn object_end(&self, o: Map<String, Value>) -> Result<Value, Error> {
        Ok(o.into())
    }
}

/// The toy's output with every marked value formatted as the text formats show it.
fn as_text(v: Value) -> Value {
    match v {
        Value::Array(items) => items.into_iter().map(as_text).collect(),
        Value::Object(o) if o.len() == 1 => {
            let (k, inner) = o.iter().next().expect("one key");
            match (k.as_str(), inner.as_i64()) {
                ("$instant", Some(us)) => {
                    time::rfc3339(DateTime::from_timestamp_micros(us).expect("in range")).into()
                }
                ("$duration", Some(us)) => json!(us as f64 / 1e6),
                ("$date", Some(days)) => (NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch")
                    + TimeDelta::days(days))
                .to_string()
                .into(),
                _ => Value::Object(o.into_iter().map(|(k, v)| (k, as_text(v))).collect()),
            }
        }
        Value::Object(o) => Value::Object(o.into_iter().map(|(k, v)| (k, as_text(v))).collect()),
        other => other,
    }
}

fn agrees<T: Serialize>(value: &T) {
    let written = write(&Toy, value).expect("written");
    assert_eq!(as_text(written), serde_json::to_value(value).expect("JSON"));
}

fn sample() -> (Ruleset, Vec<Case>) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples/data");
    let rules = Ruleset::load(root.join("rules.yaml")).expect("the sample rules load");
    let text = std::fs::read_to_string(root.join("cases.json")).expect("the sample cases");
    let doc: Value = serde_json::from_str(&text).expect("JSON");
    let cases = doc["cases"]
        .as_array()
        .expect("a cases list")
        .iter()
        .map(|c| Case::from_value(c).expect("a sample case"))
        .collect();
    (rules, cases)
}

#[test]
fn every_sample_result_written_as_host_values_agrees_with_its_json() {
    let (rules, cases) = sample();
    let now = at("2026-11-25T20:30:00Z");
    let report = rules
        .monitor(&cases, now, Some(at("2026-11-24T20:30:00Z")))
        .expect("monitor");
    agrees(&report);
    for alert in &report.alerts {
        agrees(&alert.slack_blocks());
        agrees(&alert.email());
    }
    agrees(&rules.breach_risk(&cases, now).expect("risk"));
    agrees(&rules.what_if(&rules, &cases, now).expect("what-if"));
    agrees(
        &rules
            .entitlement_usage("acme-gold", &cases, now)
            .expect("usage"),
    );
    // The sample does hold marked values of every kind the report carries.
    let text = write(&Toy, &report).expect("written").to_string();
    assert!(text.contains("$instant"));
}

#[derive(Debug, Clone, Serialize)]
enum Kind {
    Plain,
    With(u32),
    Pair(i64, String),
    Shaped { label: String, flag: bool },
}

#[derive(Debug, Clone, Serialize)]
struct Leaf {
    #[serde(with = "entitlement_core::time::serde_instant")]
    at: DateTime<Utc>,
    #[serde(with = "entitlement_core::time::serde_opt_duration")]
    took: Option<TimeDelta>,
    #[serde(with = "entitlement_core::time::serde_date")]
    day: NaiveDate,
    kind: Kind,
    score: f64,
    tags: BTreeMap<String, Option<i64>>,
    unit: (),
    letter: char,
}

#[derive(Debug, Clone, Serialize)]
struct Tree {
    leaves: Vec<Leaf>,
    children: Vec<Tree>,
    name: Option<String>,
}

fn leaf() -> impl Strategy<Value = Leaf> {
    let instant = -62_135_596_800_000_000i64..253_402_300_799_999_999;
    let kind = prop_oneof![
        Just(Kind::Plain),
        any::<u32>().prop_map(Kind::With),
        (any::<i64>(), ".*").prop_map(|(n, s)| Kind::Pair(n, s)),
        (".*", any::<bool>()).prop_map(|(label, flag)| Kind::Shaped { label, flag }),
    ];
    (
        instant,
        proptest::option::of(-(1i64 << 50)..(1i64 << 50)),
        -719_162i64..2_932_896,
        kind,
        -1e12f64..1e12,
        proptest::collection::btree_map("[a-z]{0,6}", proptest::option::of(any::<i64>()), 0..4),
        any::<char>(),
    )
        .prop_map(|(us, took, days, kind, score, tags, letter)| Leaf {
            at: DateTime::from_timestamp_micros(us).expect("in range"),
            took: took.map(TimeDelta::microseconds),
            day: NaiveDate::from_ymd_opt(1970, 1, 1).expect("epoch") + TimeDelta::days(days),
            kind,
            score,
            tags,
            unit: (),
            letter,
        })
}

fn tree() -> impl Strategy<Value = Tree> {
    let base = (
        proptest::collection::vec(leaf(), 0..3),
        proptest::option::of(".*"),
    )
        .prop_map(|(leaves, name)| Tree {
            leaves,
            children: vec![],
            name,
        });
    base.prop_recursive(4, 24, 3, |inner| {
        (
            proptest::collection::vec(leaf(), 0..3),
            proptest::collection::vec(inner, 0..3),
            proptest::option::of(".*"),
        )
            .prop_map(|(leaves, children, name)| Tree {
                leaves,
                children,
                name,
            })
    })
}

proptest! {
    #[test]
    fn any_value_written_as_host_values_agrees_with_its_json(value in tree()) {
        let written = write(&Toy, &value).expect("written");
        prop_assert_eq!(as_text(written), serde_json::to_value(&value).expect("JSON"));
    }

    #[test]
    fn write_field_writes_exactly_that_field_of_the_whole(value in leaf()) {
        let whole = write(&Toy, &value).expect("written");
        for field in ["at", "took", "day", "kind", "score", "tags", "unit", "letter"] {
            let one = write_field(&Toy, &value, field).expect("written");
            prop_assert_eq!(one.as_ref(), whole.get(field));
        }
        prop_assert_eq!(write_field(&Toy, &value, "nope").expect("written"), None);
    }
}

fn nested(depth: usize) -> Value {
    (0..depth).fold(json!(1), |inner, _| json!([inner]))
}

#[test]
fn values_nested_up_to_the_host_limit_are_written_and_deeper_ones_refused() {
    let ok = nested(MAX_NESTING);
    assert_eq!(write(&Toy, &ok).expect("within the limit"), ok);
    let err = write(&Toy, &nested(MAX_NESTING + 1)).expect_err("too deep");
    assert_eq!(err.code(), "limit_exceeded");
    assert!(err.to_string().contains("nested more than 128"), "{err}");
}

#[test]
fn write_field_refuses_a_value_that_is_not_a_struct() {
    let err = write_field(&Toy, &vec![1, 2], "len").expect_err("not a struct");
    assert_eq!(err.code(), "internal_error");
}

#[test]
fn a_duration_beyond_microseconds_is_out_of_range() {
    #[derive(Serialize)]
    struct Long {
        #[serde(with = "entitlement_core::time::serde_duration")]
        took: TimeDelta,
    }
    let err = write(
        &Toy,
        &Long {
            took: TimeDelta::MAX,
        },
    )
    .expect_err("beyond i64 µs");
    assert_eq!(err.code(), "out_of_range");
}

/// A host that shows lists as their lengths and marked values as text (Python's `repr`).
struct Summary;

impl HostWriter for Summary {
    type Value = Value;
    type List = Vec<Value>;
    type Object = Map<String, Value>;
    type Error = Error;
    fn human_readable(&self) -> bool {
        true
    }
    fn lists_as_lengths(&self) -> bool {
        true
    }
    fn field_key(&self, field: &'static str) -> &'static str {
        if field == "leaves" { "Leaves" } else { field }
    }
    fn null(&self) -> Result<Value, Error> {
        Toy.null()
    }
    fn bool(&self, v: bool) -> Result<Value, Error> {
        Toy.bool(v)
    }
    fn i64(&self, v: i64) -> Result<Value, Error> {
        Toy.i64(v)
    }
    fn u64(&self, v: u64) -> Result<Value, Error> {
        Toy.u64(v)
    }
    fn f64(&self, v: f64) -> Result<Value, Error> {
        Toy.f64(v)
    }
    fn str(&self, v: &str) -> Result<Value, Error> {
        Toy.str(v)
    }
    fn instant(&self, _: i64) -> Result<Value, Error> {
        panic!("a human-readable host never gets an integer instant")
    }
    fn duration(&self, _: i64) -> Result<Value, Error> {
        panic!("a human-readable host never gets an integer duration")
    }
    fn date(&self, _: i64) -> Result<Value, Error> {
        panic!("a human-readable host never gets an integer date")
    }
    fn list_begin(&self, _: Option<usize>) -> Result<Vec<Value>, Error> {
        panic!("lists are only counted")
    }
    fn list_push(&self, _: &mut Vec<Value>, _: Value) -> Result<(), Error> {
        panic!("lists are only counted")
    }
    fn list_end(&self, _: Vec<Value>) -> Result<Value, Error> {
        panic!("lists are only counted")
    }
    fn object_begin(&self, n: Option<usize>) -> Result<Map<String, Value>, Error> {
        Toy.object_begin(n)
    }
    fn object_set(&self, o: &mut Map<String, Value>, k: &str, v: Value) -> Result<(), Error> {
        Toy.object_set(o, k, v)
    }
    fn object_end(&self, o: Map<String, Value>) -> Result<Value, Error> {
        Toy.object_end(o)
    }
}

#[test]
fn a_summary_host_gets_text_instants_list_lengths_and_its_own_keys() {
    let leaf = Leaf {
        at: at("2026-11-25T20:30:00Z"),
        took: Some(TimeDelta::seconds(90)),
        day: NaiveDate::from_ymd_opt(2026, 11, 25).expect("date"),
        kind: Kind::Plain,
        score: 0.5,
        tags: BTreeMap::new(),
        unit: (),
        letter: 'x',
    };
    let tree = Tree {
        leaves: vec![leaf.clone(), leaf.clone(), leaf.clone()],
        children: vec![],
        name: None,
    };
    let summary = write(&Summary, &tree).expect("written");
    assert_eq!(summary, json!({"Leaves": 3, "children": 0, "name": null}));
    let one = write(&Summary, &leaf).expect("written");
    assert_eq!(one["at"], json!("2026-11-25T20:30:00Z"));
    assert_eq!(one["took"], json!(90.0));
    assert_eq!(one["day"], json!("2026-11-25"));
}
