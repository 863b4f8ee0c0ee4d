//! ServiceNow encoded queries (`priority=1^active=true^ORstate=2`) into the engine's criteria.

use serde_json::{Value, json};

use super::field_name;
use crate::error::Result;
use crate::import::unsupported;

/// The most terms an encoded query may hold: a condition longer than this is refused rather
/// than turned into criteria nested past the engine's limits.
const MAX_TERMS: usize = 256;

/// One comparison of an encoded query.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Term {
    pub field: String,
    pub op: &'static str,
    pub values: Vec<String>,
}

/// An encoded query: an OR (`^NQ`) of groups, each an AND (`^`) of ORs (`^OR`) of terms.
pub(crate) type Query = Vec<Vec<Vec<Term>>>;

/// The operators, longest first so that `!=` is not read as `=` and `NOT IN` not as `IN`.
const OPERATORS: [(&str, Option<&str>); 28] = [
    ("ISNOTEMPTY", Some("exists")),
    ("ISEMPTY", Some("not_exists")),
    ("NOT IN", Some("not_in")),
    ("NOT LIKE", None),
    ("NOTLIKE", None),
    ("STARTSWITH", None),
    ("ENDSWITH", None),
    ("VALCHANGES", None),
    ("CHANGESFROM", None),
    ("CHANGESTO", None),
    ("ANYTHING", None),
    ("NSAMEAS", None),
    ("SAMEAS", None),
    ("BETWEEN", None),
    ("DATEPART", None),
    ("RELATIVE", None),
    ("DYNAMIC", None),
    ("EMPTYSTRING", None),
    ("LIKE", None),
    ("ON", None),
    ("NOTON", None),
    ("IN", Some("in")),
    ("!=", Some("ne")),
    ("<=", None),
    (">=", None),
    ("<", None),
    (">", None),
    ("=", Some("eq")),
];

/// Why an operator is refused.
fn refusal(op: &str) -> String {
    match op {
        "<" | "<=" | ">" | ">=" | "BETWEEN" => format!(
            "the operator {op} compares ServiceNow values by their type (numbers, dates), and task fields are strings in the Table API; list the values with IN instead"
        ),
        "VALCHANGES" | "CHANGESFROM" | "CHANGESTO" => format!(
            "the operator {op} reads a change, not a value; the engine's criteria read values"
        ),
        "LIKE" | "NOT LIKE" | "NOTLIKE" | "STARTSWITH" | "ENDSWITH" => format!(
            "the operator {op} matches part of a text; the engine's criteria compare whole values (eq, in)"
        ),
        _ => format!("the operator {op} has no counterpart in the engine's criteria"),
    }
}

/// Parses an encoded query, refusing (at `record: key`) what the engine cannot express.
pub(crate) fn parse(text: &str, record: &str, key: &str) -> Result<Query> {
    let mut groups: Query = Vec::new();
    let mut count = 0usize;
    for group_text in text.split("^NQ") {
        let mut group: Vec<Vec<Term>> = Vec::new();
        for (i, part) in group_text.split('^').enumerate() {
            let part = part.trim();
            if part.is_empty() || part == "EQ" {
                continue;
            }
            count += 1;
            if count > MAX_TERMS {
                return Err(unsupported(
                    record,
                    key,
                    format!("more than {MAX_TERMS} terms; the importer reads at most {MAX_TERMS}"),
                ));
            }
            if part.starts_with("ORDERBY") || part.starts_with("GROUPBY") {
                return Err(unsupported(
                    record,
                    key,
                    format!("{part:?} orders or groups rows; a condition cannot"),
                ));
            }
            let (or, body) = match part.strip_prefix("OR") {
                Some(rest) if i > 0 => (true, rest),
                _ => (false, part),
            };
            let term = term(body, record, key)?;
            match group.last_mut() {
                Some(last) if or => last.push(term),
                _ if or => {
                    return Err(unsupported(
                        record,
                        key,
                        format!("{part:?}: an OR term needs a term before it"),
                    ));
                }
                _ => group.push(vec![term]),
            }
        }
        if !group.is_empty() {
            groups.push(group);
        }
    }
    Ok(groups)
}

fn term(text: &str, record: &str, key: &str) -> Result<Term> {
    let end = text
        .find(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.'))
        .unwrap_or(text.len());
    let (field, rest) = text.split_at(end);
    if field.is_empty() {
        return Err(unsupported(
            record,
            key,
            format!(
                "{text:?} does not start with a field name (lower-case letters, digits, `_`, `.`)"
            ),
        ));
    }
    let Some(&(op, engine)) = OPERATORS.iter().find(|(op, _)| rest.starts_with(op)) else {
        return Err(unsupported(
            record,
            key,
            format!("{text:?}: no operator the importer knows follows the field {field:?}"),
        ));
    };
    let Some(engine) = engine else {
        return Err(unsupported(
            record,
            key,
            format!("{text:?}: {}", refusal(op)),
        ));
    };
    let value = &rest[op.len()..];
    if field.contains('.') {
        return Err(unsupported(
            record,
            key,
            format!(
                "{text:?} reads the field {field:?} of a referenced record; the imported cases hold the task's own fields"
            ),
        ));
    }
    if value.starts_with("javascript:") {
        return Err(unsupported(
            record,
            key,
            format!("{text:?}: a javascript: value is a script, not a value"),
        ));
    }
    let values: Vec<String> = match engine {
        "exists" | "not_exists" => {
            if !value.is_empty() {
                return Err(unsupported(
                    record,
                    key,
                    format!("{text:?}: {op} takes no value"),
                ));
            }
            Vec::new()
        }
        "in" | "not_in" => value.split(',').map(str::to_string).collect(),
        _ => vec![value.to_string()],
    };
    Ok(Term {
        field: field.to_string(),
        op: engine,
        values,
    })
}

fn criterion(t: &Term) -> Value {
    let field = field_name(&t.field);
    match t.op {
        "exists" => json!({"field": field, "op": "exists"}),
        "not_exists" => json!({"field": field, "op": "exists", "value": false}),
        "in" | "not_in" => json!({"field": field, "op": t.op, "value": t.values}),
        op => json!({"field": field, "op": op, "value": t.values[0]}),
    }
}

/// The criteria of a parsed query, or `None` for an empty one (always true).
pub(crate) fn criteria(q: &Query) -> Option<Value> {
    let one = |list: Vec<Value>, key: &str| -> Value {
        if list.len() == 1 {
            list.into_iter().next().expect("one")
        } else {
            json!({ key: list })
        }
    };
    let groups: Vec<Value> = q
        .iter()
        .map(|group| {
            one(
                group
                    .iter()
                    .map(|ors| one(ors.iter().map(criterion).collect(), "any"))
                    .collect(),
                "all",
            )
        })
        .collect();
    (!groups.is_empty()).then(|| one(groups, "any"))
}

/// The engine's criteria for a ServiceNow encoded query: `^` is AND, `^OR` OR with the term
/// before, `^NQ` OR of whole queries; `=`, `!=`, `IN`, `NOT IN`, `ISEMPTY` and `ISNOTEMPTY`
/// map to `eq`, `ne`, `in`, `not_in` and `exists`; any other operator is an `unsupported`
/// error at `record: field` with the reason. An empty query is `None` (it always matches).
/// Fields keep their names, except `state`, which is the engine's `status`.
///
/// ```
/// use entitlement_core::import::servicenow::encoded_query;
/// use serde_json::json;
///
/// let c = encoded_query("priority=1^active=true^ORstate=2", "contract_sla x", "start_condition")?;
/// assert_eq!(c, Some(json!({"all": [
///     {"field": "priority", "op": "eq", "value": "1"},
///     {"any": [{"field": "active", "op": "eq", "value": "true"},
///              {"field": "status", "op": "eq", "value": "2"}]}]})));
/// let err = encoded_query("short_descriptionLIKEvpn", "contract_sla x", "start_condition").unwrap_err();
/// assert!(err.to_string().starts_with("contract_sla x: start_condition:"));
/// # Ok::<(), entitlement_core::Error>(())
/// ```
pub fn encoded_query(text: &str, record: &str, field: &str) -> Result<Option<Value>> {
    Ok(criteria(&parse(text, record, field)?))
}

/// The `state` values a query matches when it is only `state=a`, `state=a^ORstate=b` or
/// `stateINa,b` (what pause statuses can say); anything else is refused with `why`.
pub(crate) fn states(q: &Query, record: &str, key: &str, why: &str) -> Result<Vec<String>> {
    let bad = || unsupported(record, key, why.to_string());
    let [group] = q.as_slice() else {
        return Err(bad());
    };
    let [ors] = group.as_slice() else {
        return Err(bad());
    };
    let mut out = Vec::new();
    for t in ors {
        if t.field != "state" || !(t.op == "eq" || t.op == "in") {
            return Err(bad());
        }
        out.extend(t.values.iter().cloned());
    }
    Ok(out)
}
