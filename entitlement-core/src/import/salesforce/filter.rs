//! Salesforce filter criteria (`FilterItem`s of `field`, `operation`, `value`, joined by a
//! boolean filter such as `1 AND (2 OR 3)`) as the document's criteria.

use serde_json::{Value, json};

use super::field_name;
use crate::error::Result;
use crate::import::unsupported;

/// One `FilterItem` of a metadata file, read.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct FilterItem {
    /// Its path in the file, as `milestones[1].milestoneCriteriaFilterItems[0]`.
    pub path: String,
    pub field: String,
    pub operation: String,
    pub value: Option<String>,
    pub value_field: Option<String>,
}

/// The criterion of one filter item. `object` is the process's object (`Case`).
pub(super) fn criterion(item: &FilterItem, record: &str, object: &str) -> Result<Value> {
    if let Some(other) = &item.value_field {
        return Err(unsupported(
            record,
            &format!("{}.valueField", item.path),
            format!(
                "comparing {} with another field ({other}) is not supported; compare it with a value",
                item.field
            ),
        ));
    }
    if item.field.trim().is_empty() {
        return Err(unsupported(
            record,
            &format!("{}.field", item.path),
            "missing",
        ));
    }
    let field = field_name(&item.field, object);
    let raw = item.value.clone().unwrap_or_default();
    // Salesforce lists several values of an equality with commas ("High,Urgent").
    let values: Vec<Value> = raw.split(',').map(|v| scalar(v.trim())).collect();
    let op_path = format!("{}.operation", item.path);
    Ok(match item.operation.as_str() {
        "equals" if raw.is_empty() => json!({"not": {"field": field, "op": "exists"}}),
        "notEqual" if raw.is_empty() => json!({"field": field, "op": "exists"}),
        "equals" if values.len() > 1 => json!({"field": field, "op": "in", "value": values}),
        "notEqual" if values.len() > 1 => json!({"field": field, "op": "not_in", "value": values}),
        "equals" => json!({"field": field, "op": "eq", "value": values[0]}),
        "notEqual" => json!({"field": field, "op": "ne", "value": values[0]}),
        op @ ("lessThan" | "greaterThan" | "lessOrEqual" | "greaterOrEqual") => {
            let engine = match op {
                "lessThan" => "lt",
                "greaterThan" => "gt",
                "lessOrEqual" => "le",
                _ => "ge",
            };
            let Ok(n) = raw.trim().parse::<f64>() else {
                return Err(unsupported(
                    record,
                    &format!("{}.value", item.path),
                    format!(
                        "{op} compares numbers here, and {raw:?} is not a number (dates and texts are not compared by order)"
                    ),
                ));
            };
            json!({"field": field, "op": engine, "value": n})
        }
        other => {
            return Err(unsupported(
                record,
                &op_path,
                format!(
                    "the operation {other:?} is not supported; supported: equals, notEqual, lessThan, greaterThan, lessOrEqual, greaterOrEqual"
                ),
            ));
        }
    })
}

/// A filter value as the document compares it: `true` / `false` as booleans (checkbox
/// fields), numbers as numbers, everything else as text.
fn scalar(text: &str) -> Value {
    match text {
        "true" | "TRUE" | "True" => Value::Bool(true),
        "false" | "FALSE" | "False" => Value::Bool(false),
        _ => match text.parse::<i64>() {
            Ok(n) => json!(n),
            Err(_) => Value::String(text.to_string()),
        },
    }
}

/// The criteria of `items` joined by `logic` (a boolean filter such as `1 AND (2 OR NOT 3)`),
/// or by AND when there is none, as Salesforce joins them. `None` when there are no items.
pub(super) fn criteria(
    items: &[FilterItem],
    logic: Option<&str>,
    record: &str,
    logic_field: &str,
    object: &str,
) -> Result<Option<Value>> {
    if items.is_empty() {
        if let Some(l) = logic {
            return Err(unsupported(
                record,
                logic_field,
                format!("{l:?} joins filter items, and there are none"),
            ));
        }
        return Ok(None);
    }
    let single: Vec<Value> = items
        .iter()
        .map(|item| criterion(item, record, object))
        .collect::<Result<_>>()?;
    let Some(logic) = logic else {
        return Ok(Some(if single.len() == 1 {
            single.into_iter().next().expect("one item")
        } else {
            json!({ "all": single })
        }));
    };
    let tokens = tokenize(logic)
        .map_err(|why| unsupported(record, logic_field, format!("{logic:?}: {why}")))?;
    let mut parser = Parser {
        tokens: &tokens,
        at: 0,
        items: &single,
        used: vec![false; single.len()],
    };
    let tree = parser
        .expr()
        .and_then(|t| {
            if parser.at == tokens.len() {
                Ok(t)
            } else {
                Err(format!("unexpected {:?}", tokens[parser.at]))
            }
        })
        .map_err(|why| unsupported(record, logic_field, format!("{logic:?}: {why}")))?;
    if let Some(unused) = parser.used.iter().position(|u| !u) {
        return Err(unsupported(
            record,
            logic_field,
            format!(
                "{logic:?} does not use filter item {} ({}); every item must appear",
                unused + 1,
                items[unused].path
            ),
        ));
    }
    Ok(Some(tree))
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Item(usize),
    And,
    Or,
    Not,
    Open,
    Close,
}

fn tokenize(text: &str) -> std::result::Result<Vec<Token>, String> {
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(i, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '(' {
            out.push(Token::Open);
            chars.next();
        } else if c == ')' {
            out.push(Token::Close);
            chars.next();
        } else if c.is_ascii_digit() {
            let mut n = 0usize;
            while let Some(&(_, d)) = chars.peek().filter(|(_, d)| d.is_ascii_digit()) {
                n = n
                    .saturating_mul(10)
                    .saturating_add(d as usize - '0' as usize);
                chars.next();
            }
            out.push(Token::Item(n));
        } else if c.is_ascii_alphabetic() {
            let mut word = String::new();
            while let Some(&(_, d)) = chars.peek().filter(|(_, d)| d.is_ascii_alphabetic()) {
                word.push(d.to_ascii_uppercase());
                chars.next();
            }
            out.push(match word.as_str() {
                "AND" => Token::And,
                "OR" => Token::Or,
                "NOT" => Token::Not,
                _ => return Err(format!("unknown word {word:?} at {i}; the logic uses item numbers, AND, OR, NOT and parentheses")),
            });
        } else {
            return Err(format!("unexpected {c:?} at {i}"));
        }
    }
    Ok(out)
}

struct Parser<'a> {
    tokens: &'a [Token],
    at: usize,
    items: &'a [Value],
    used: Vec<bool>,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    /// `term (OR term)*`
    fn expr(&mut self) -> std::result::Result<Value, String> {
        let mut any = vec![self.term()?];
        while self.peek() == Some(&Token::Or) {
            self.at += 1;
            any.push(self.term()?);
        }
        if any.len() == 1 {
            return Ok(any.pop().expect("one").0);
        }
        if any.iter().any(|(_, ands)| *ands) {
            // Salesforce asks for parentheses where AND and OR meet; so does the import.
            return Err("AND and OR are mixed without parentheses".into());
        }
        Ok(json!({ "any": any.into_iter().map(|(v, _)| v).collect::<Vec<_>>() }))
    }

    /// `factor (AND factor)*`, and whether it joined several factors.
    fn term(&mut self) -> std::result::Result<(Value, bool), String> {
        let mut all = vec![self.factor()?];
        while self.peek() == Some(&Token::And) {
            self.at += 1;
            all.push(self.factor()?);
        }
        Ok(if all.len() == 1 {
            (all.pop().expect("one"), false)
        } else {
            (json!({ "all": all }), true)
        })
    }

    /// `NOT factor | ( expr ) | item`
    fn factor(&mut self) -> std::result::Result<Value, String> {
        match self.peek().cloned() {
            Some(Token::Not) => {
                self.at += 1;
                Ok(json!({ "not": self.factor()? }))
            }
            Some(Token::Open) => {
                self.at += 1;
                let inner = self.expr()?;
                if self.peek() != Some(&Token::Close) {
                    return Err("a parenthesis is not closed".into());
                }
                self.at += 1;
                Ok(inner)
            }
            Some(Token::Item(n)) => {
                self.at += 1;
                if n == 0 || n > self.items.len() {
                    return Err(format!(
                        "there is no filter item {n} (items are numbered 1 to {})",
                        self.items.len()
                    ));
                }
                self.used[n - 1] = true;
                Ok(self.items[n - 1].clone())
            }
            Some(t) => Err(format!("unexpected {t:?}")),
            None => Err("the logic ends too early".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(n: usize, field: &str, op: &str, value: &str) -> FilterItem {
        FilterItem {
            path: format!("items[{n}]"),
            field: field.into(),
            operation: op.into(),
            value: Some(value.into()),
            value_field: None,
        }
    }

    #[test]
    fn boolean_filters_become_nested_criteria() {
        let items = [
            item(0, "Case.Priority", "equals", "High,Urgent"),
            item(1, "Case.Origin", "notEqual", "Web"),
            item(2, "Case.IsEscalated", "equals", "true"),
        ];
        let tree = criteria(&items, Some("1 AND (2 OR NOT 3)"), "r", "logic", "Case")
            .unwrap()
            .unwrap();
        assert_eq!(
            tree,
            json!({"all": [
                {"field": "priority", "op": "in", "value": ["High", "Urgent"]},
                {"any": [{"field": "Origin", "op": "ne", "value": "Web"},
                         {"not": {"field": "IsEscalated", "op": "eq", "value": true}}]}]})
        );
        let and = criteria(&items[..2], None, "r", "logic", "Case")
            .unwrap()
            .unwrap();
        assert_eq!(and["all"].as_array().unwrap().len(), 2);
    }

    #[test]
    fn bad_logic_names_the_field() {
        let items = [
            item(0, "Case.Priority", "equals", "High"),
            item(1, "Case.Origin", "equals", "Web"),
        ];
        for logic in [
            "1 AND",
            "1 AND 3",
            "1 OR 2 AND 1",
            "1 XOR 2",
            "(1 AND 2",
            "1",
        ] {
            let err = criteria(
                &items,
                Some(logic),
                "EntitlementProcess x",
                "criteriaBooleanFilter",
                "Case",
            )
            .unwrap_err();
            assert_eq!(err.code(), "unsupported", "{logic}");
            assert!(
                err.to_string().contains("criteriaBooleanFilter"),
                "{logic}: {err}"
            );
        }
    }
}
