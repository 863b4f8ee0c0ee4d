//! The condition XML of SLA items (`applicablewhenxml`, `successconditionsxml`): a FetchXML
//! `<filter>` of `<condition attribute=".." operator=".." value=".."/>` and nested filters,
//! bare or inside `<fetch><entity name="incident">`.

use serde_json::{Value, json};

use crate::error::Result;
use crate::import::unsupported;

/// The most XML nodes a condition may have, and the deepest nesting of filters (the engine's
/// criteria nest at most 32 deep).
const MAX_NODES: u32 = 10_000;
const MAX_DEPTH: usize = 26;

/// A condition, read.
#[derive(Debug)]
pub(super) enum Cond {
    Leaf {
        attribute: String,
        operator: String,
        values: Vec<String>,
    },
    All(Vec<Cond>),
    Any(Vec<Cond>),
}

/// Parses the XML of `record`'s `field`.
pub(super) fn parse(xml: &str, record: &str, field: &str) -> Result<Cond> {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_NODES,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(xml, opts)
        .map_err(|e| unsupported(record, field, format!("not FetchXML: {e}")))?;
    let mut node = doc.root_element();
    if node.has_tag_name("fetch") {
        node = child(node, "entity", record, field)?;
    }
    if node.has_tag_name("entity") {
        if let Some(name) = node.attribute("name")
            && name != "incident"
        {
            return Err(unsupported(
                record,
                field,
                format!("entity {name:?}: the importer reads conditions on cases (incident)"),
            ));
        }
        if node
            .children()
            .any(|c| c.is_element() && c.has_tag_name("link-entity"))
        {
            return Err(unsupported(
                record,
                field,
                "a condition on a related record (link-entity) has no criterion on the case's fields",
            ));
        }
        node = child(node, "filter", record, field)?;
    }
    if !node.has_tag_name("filter") && !node.has_tag_name("condition") {
        return Err(unsupported(
            record,
            field,
            format!(
                "<{}>: expected a FetchXML <filter> (or <fetch>)",
                node.tag_name().name()
            ),
        ));
    }
    read(node, record, field, 0)
}

fn child<'a, 'i>(
    node: roxmltree::Node<'a, 'i>,
    name: &str,
    record: &str,
    field: &str,
) -> Result<roxmltree::Node<'a, 'i>> {
    let mut found = node
        .children()
        .filter(|c| c.is_element() && c.has_tag_name(name));
    match (found.next(), found.next()) {
        (Some(n), None) => Ok(n),
        (None, _) => Err(unsupported(
            record,
            field,
            format!("<{}> has no <{name}>", node.tag_name().name()),
        )),
        (Some(_), Some(_)) => Err(unsupported(
            record,
            field,
            format!("<{}> has several <{name}>", node.tag_name().name()),
        )),
    }
}

fn read(node: roxmltree::Node, record: &str, field: &str, depth: usize) -> Result<Cond> {
    if depth > MAX_DEPTH {
        return Err(unsupported(
            record,
            field,
            format!("filters nested more than {MAX_DEPTH} deep"),
        ));
    }
    if node.has_tag_name("condition") {
        let attribute = node
            .attribute("attribute")
            .filter(|a| !a.is_empty())
            .ok_or_else(|| unsupported(record, field, "a <condition> without `attribute`"))?;
        if node.attribute("entityname").is_some() {
            return Err(unsupported(
                record,
                field,
                format!("the condition on {attribute:?} reads a related record (entityname)"),
            ));
        }
        let operator = node.attribute("operator").ok_or_else(|| {
            unsupported(
                record,
                field,
                format!("the condition on {attribute:?} has no `operator`"),
            )
        })?;
        let mut values: Vec<String> = node
            .attribute("value")
            .map(|v| vec![v.to_string()])
            .unwrap_or_default();
        for v in node.children().filter(|c| c.is_element()) {
            if !v.has_tag_name("value") {
                return Err(unsupported(
                    record,
                    field,
                    format!("<{}> inside a <condition>", v.tag_name().name()),
                ));
            }
            values.push(v.text().unwrap_or_default().trim().to_string());
        }
        return Ok(Cond::Leaf {
            attribute: attribute.to_string(),
            operator: operator.to_string(),
            values,
        });
    }
    if !node.has_tag_name("filter") {
        return Err(unsupported(
            record,
            field,
            format!(
                "<{}>: expected <filter> or <condition>",
                node.tag_name().name()
            ),
        ));
    }
    let mut parts = Vec::new();
    for c in node.children().filter(|c| c.is_element()) {
        parts.push(read(c, record, field, depth + 1)?);
    }
    match node.attribute("type").unwrap_or("and") {
        "and" => Ok(Cond::All(parts)),
        "or" => Ok(Cond::Any(parts)),
        other => Err(unsupported(
            record,
            field,
            format!("filter type {other:?}: expected and or or"),
        )),
    }
}

impl Cond {
    /// The condition as the engine's criteria (`None` for an empty filter).
    pub(super) fn criteria(&self, record: &str, field: &str) -> Result<Option<Value>> {
        match self {
            Cond::All(list) | Cond::Any(list) => {
                let mut parts = Vec::with_capacity(list.len());
                for c in list {
                    if let Some(v) = c.criteria(record, field)? {
                        parts.push(v);
                    }
                }
                let key = if matches!(self, Cond::All(_)) {
                    "all"
                } else {
                    "any"
                };
                Ok(match parts.len() {
                    0 => None,
                    1 => parts.pop(),
                    _ => Some(json!({ key: parts })),
                })
            }
            Cond::Leaf {
                attribute,
                operator,
                values,
            } => {
                let one = |op: &str| -> Result<Value> {
                    match values.as_slice() {
                        [v] => Ok(json!({"field": attribute, "op": op, "value": typed(v)})),
                        _ => Err(unsupported(
                            record,
                            field,
                            format!(
                                "`{operator}` on {attribute:?} compares with one value; found {}",
                                values.len()
                            ),
                        )),
                    }
                };
                Ok(Some(match operator.as_str() {
                    "eq" => one("eq")?,
                    "ne" | "neq" => one("ne")?,
                    "gt" => one("gt")?,
                    "ge" => one("ge")?,
                    "lt" => one("lt")?,
                    "le" => one("le")?,
                    "in" | "not-in" if !values.is_empty() => {
                        let op = if operator == "in" { "in" } else { "not_in" };
                        json!({"field": attribute, "op": op, "value": values.iter().map(|v| typed(v)).collect::<Vec<_>>()})
                    }
                    "null" => json!({"field": attribute, "op": "exists", "value": false}),
                    "not-null" => json!({"field": attribute, "op": "exists"}),
                    other => {
                        return Err(unsupported(
                            record,
                            field,
                            format!(
                                "the operator {other:?} on {attribute:?} has no exact criterion; the importer maps eq, ne, gt, ge, lt, le, in, not-in, null and not-null"
                            ),
                        ));
                    }
                }))
            }
        }
    }
}

/// The number of conditions of a criteria tree, as the engine counts them (every `all`, `any`,
/// `not` and comparison).
pub(super) fn size(v: &Value) -> usize {
    match v {
        Value::Object(m) => {
            1 + m
                .iter()
                .filter(|(k, _)| matches!(k.as_str(), "all" | "any" | "not"))
                .map(|(_, v)| match v {
                    Value::Array(list) => list.iter().map(size).sum(),
                    other => size(other),
                })
                .sum::<usize>()
        }
        _ => 0,
    }
}

/// A FetchXML value as JSON: a whole number as a number, else the text.
fn typed(v: &str) -> Value {
    match v.parse::<i64>() {
        Ok(n) if n.to_string() == v => json!(n),
        _ => json!(v),
    }
}
