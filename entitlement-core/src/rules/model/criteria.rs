//! Criteria: conditions on a case's fields (`field`, `op`, `value`, and `all` / `any` / `not`
//! of them), as `when`, `where` and `page_oncall_when` use them.

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

use super::{string, value_text};
use crate::document::{
    as_array, as_bool, as_object, as_str, check_keys, index_path, key_path, required, type_name,
};
use crate::error::{Error, Result};

/// The deepest nesting of `all` / `any` / `not` accepted in a criteria tree.
pub const MAX_CRITERIA_DEPTH: usize = 32;
/// The most conditions one criteria tree may hold, counting every `all`, `any`, `not` and
/// comparison at every level. Real filters have a handful; a tree at the limit costs about
/// 0.2 ms an evaluation (docs/performance.md, "Bounds on hostile input"), so breadth cannot turn
/// a replay into minutes: an `any` of 200,000 took 7 s at 2,000 field changes.
///
/// ```
/// use entitlement_core::rules::{Criteria, MAX_CRITERIA_CONDITIONS};
/// let any: Vec<_> = (0..MAX_CRITERIA_CONDITIONS)
///     .map(|i| serde_json::json!({"field": "tag", "op": "eq", "value": i}))
///     .collect();
/// let err = Criteria::from_value(&serde_json::json!({"any": any}), "when").unwrap_err();
/// assert_eq!(err.code(), "limit_exceeded");
/// assert!(err.to_string().starts_with("when.any[999]"));
/// ```
pub const MAX_CRITERIA_CONDITIONS: usize = 1_000;

/// A comparison operator of a criterion.
///
/// ```
/// use entitlement_core::rules::{Criteria, Op};
/// let c = Criteria::from_value(&serde_json::json!({"field": "severity", "op": "in", "value": ["Sev1", "Sev2"]}), "when")?;
/// assert!(matches!(c, Criteria::Compare { op: Op::In, .. }));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// Equal (numbers numerically, everything else by its text).
    Eq,
    /// Not equal; true when the field is missing.
    Ne,
    /// Equal to one of a list.
    In,
    /// Equal to none of a list; true when the field is missing.
    NotIn,
    /// The field is present and not null (`value: false` inverts it).
    Exists,
    /// Less than (numbers numerically, strings such as ISO dates by text).
    Lt,
    /// Less than or equal.
    Le,
    /// Greater than.
    Gt,
    /// Greater than or equal.
    Ge,
}

impl Op {
    fn parse(text: &str) -> Option<Op> {
        Some(match text {
            "eq" => Op::Eq,
            "ne" => Op::Ne,
            "in" => Op::In,
            "not_in" => Op::NotIn,
            "exists" => Op::Exists,
            "lt" => Op::Lt,
            "le" => Op::Le,
            "gt" => Op::Gt,
            "ge" => Op::Ge,
            _ => return None,
        })
    }
}

/// A filter on case fields: `{field, op, value}`, or `all` / `any` / `not` of filters.
///
/// ```
/// use entitlement_core::rules::Criteria;
/// let c = Criteria::from_value(
///     &serde_json::json!({"any": [{"field": "severity", "op": "in", "value": ["Sev1", "Sev2"]},
///                                 {"not": {"field": "tier", "op": "exists"}}]}),
///     "when",
/// ).unwrap();
/// let fields = serde_json::json!({"severity": "Sev3", "tier": "gold"});
/// assert!(!c.matches(&|f| fields.get(f)));
/// let fields = serde_json::json!({"severity": "Sev2"});
/// assert!(c.matches(&|f| fields.get(f)));
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
#[serde(untagged, deny_unknown_fields)]
#[schemars(
    description = "A filter on case fields: `{field, op, value}`, or `all` / `any` / `not` of filters."
)]
pub enum Criteria {
    /// Every filter holds (an empty list holds).
    All {
        /// The filters.
        all: Vec<Criteria>,
    },
    /// At least one filter holds (an empty list does not).
    Any {
        /// The filters.
        any: Vec<Criteria>,
    },
    /// The filter does not hold.
    Not {
        /// The filter.
        not: Box<Criteria>,
    },
    /// One comparison of a case field.
    Compare {
        /// The case field (`severity`, `priority`, `status`, or any other).
        field: String,
        /// The operator.
        op: Op,
        /// The value to compare with: a scalar, a list for `in` / `not_in`, optional for `exists`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        value: Option<Value>,
    },
}

impl Criteria {
    /// Validates a criteria tree; `path` names where it was found.
    ///
    /// ```
    /// use entitlement_core::rules::Criteria;
    /// let c = Criteria::from_value(&serde_json::json!({"all": [{"field": "severity", "op": "eq", "value": "Sev1"},
    ///     {"not": {"field": "status", "op": "eq", "value": "Closed"}}]}), "when")?;
    /// assert_eq!(c.fields(), vec!["severity", "status"]);
    /// let err = Criteria::from_value(&serde_json::json!({"field": "x", "op": "like"}), "when").unwrap_err();
    /// assert_eq!(err.code(), "unknown_operator");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_value(v: &Value, path: &str) -> Result<Criteria> {
        Criteria::parse(v, path, 0, &mut 0)
    }

    /// `seen` counts the conditions of the whole tree parsed so far.
    fn parse(v: &Value, path: &str, depth: usize, seen: &mut usize) -> Result<Criteria> {
        if depth > MAX_CRITERIA_DEPTH {
            return Err(Error::LimitExceeded {
                path: path.to_string(),
                reason: format!("criteria nest deeper than {MAX_CRITERIA_DEPTH} levels"),
            });
        }
        *seen += 1;
        if *seen > MAX_CRITERIA_CONDITIONS {
            return Err(Error::LimitExceeded {
                path: path.to_string(),
                reason: format!(
                    "a criteria tree may hold at most {MAX_CRITERIA_CONDITIONS} conditions \
                     (every `all`, `any`, `not` and comparison, at every level)"
                ),
            });
        }
        let map = as_object(v, path)?;
        let mut list = |key: &str| -> Result<Vec<Criteria>> {
            check_keys(map, path, &[key])?;
            let p = key_path(path, key);
            as_array(&map[key], &p)?
                .iter()
                .enumerate()
                .map(|(i, c)| Criteria::parse(c, &index_path(&p, i), depth + 1, seen))
                .collect()
        };
        if map.contains_key("all") {
            return Ok(Criteria::All { all: list("all")? });
        }
        if map.contains_key("any") {
            return Ok(Criteria::Any { any: list("any")? });
        }
        if map.contains_key("not") {
            check_keys(map, path, &["not"])?;
            let not = Criteria::parse(&map["not"], &key_path(path, "not"), depth + 1, seen)?;
            return Ok(Criteria::Not { not: Box::new(not) });
        }
        if !map.contains_key("field") && !map.contains_key("op") {
            return Err(Error::InvalidValue {
                path: path.to_string(),
                reason: "a criterion is `{field, op, value}` or one of `all: [...]`, `any: [...]`, `not: {...}`".into(),
            });
        }
        check_keys(map, path, &["field", "op", "value"])?;
        let field = string(required(map, path, "field")?, &key_path(path, "field"))?;
        let op_path = key_path(path, "op");
        let op_text = as_str(required(map, path, "op")?, &op_path, "an operator string")?;
        let op = Op::parse(op_text).ok_or_else(|| Error::UnknownOperator {
            path: op_path,
            op: op_text.to_string(),
        })?;
        let value = map.get("value").cloned();
        let value_path = key_path(path, "value");
        match (op, &value) {
            (Op::Exists, None) => {}
            (Op::Exists, Some(v)) => {
                as_bool(v, &value_path)?;
            }
            (_, None) => {
                return Err(Error::MissingKey {
                    path: path.to_string(),
                    key: "value".into(),
                });
            }
            (Op::In | Op::NotIn, Some(v)) => {
                let items = as_array(v, &value_path)?;
                for (i, item) in items.iter().enumerate() {
                    scalar(item, &index_path(&value_path, i))?;
                }
            }
            (_, Some(v)) => scalar(v, &value_path)?,
        }
        Ok(Criteria::Compare { field, op, value })
    }

    /// Whether the filter holds for the field values that `lookup` returns.
    ///
    /// ```
    /// use entitlement_core::rules::Criteria;
    /// let c = Criteria::from_value(&serde_json::json!({"field": "arr", "op": "ge", "value": 100000}), "when")?;
    /// let fields = serde_json::json!({"arr": 250000});
    /// assert!(c.matches(&|name| fields.get(name)));
    /// assert!(!c.matches(&|_| None));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn matches<'v>(&self, lookup: &dyn Fn(&str) -> Option<&'v Value>) -> bool {
        match self {
            Criteria::All { all } => all.iter().all(|c| c.matches(lookup)),
            Criteria::Any { any } => any.iter().any(|c| c.matches(lookup)),
            Criteria::Not { not } => !not.matches(lookup),
            Criteria::Compare { field, op, value } => {
                let actual = lookup(field).filter(|v| !v.is_null());
                let want = value.as_ref();
                match op {
                    Op::Exists => actual.is_some() == want.and_then(Value::as_bool).unwrap_or(true),
                    Op::Eq => actual.is_some_and(|a| want.is_some_and(|w| loose_eq(a, w))),
                    Op::Ne => !actual.is_some_and(|a| want.is_some_and(|w| loose_eq(a, w))),
                    Op::In => actual.is_some_and(|a| one_of(a, want)),
                    Op::NotIn => !actual.is_some_and(|a| one_of(a, want)),
                    Op::Lt | Op::Le | Op::Gt | Op::Ge => {
                        let ord = match (actual, want) {
                            (Some(a), Some(w)) => compare(a, w),
                            _ => None,
                        };
                        ord.is_some_and(|o| match op {
                            Op::Lt => o.is_lt(),
                            Op::Le => o.is_le(),
                            Op::Gt => o.is_gt(),
                            _ => o.is_ge(),
                        })
                    }
                }
            }
        }
    }

    /// The field names the criteria read, for documentation and validation of cases.
    ///
    /// ```
    /// use entitlement_core::rules::Criteria;
    /// let c = Criteria::from_value(&serde_json::json!({"any": [{"field": "tier", "op": "exists"}]}), "when")?;
    /// assert_eq!(c.fields(), vec!["tier"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn fields(&self) -> Vec<&str> {
        let mut out = Vec::new();
        self.collect_fields(&mut out);
        out
    }

    fn collect_fields<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Criteria::All { all: list } | Criteria::Any { any: list } => {
                list.iter().for_each(|c| c.collect_fields(out))
            }
            Criteria::Not { not } => not.collect_fields(out),
            Criteria::Compare { field, .. } => out.push(field),
        }
    }
}

fn scalar(v: &Value, path: &str) -> Result<()> {
    match v {
        Value::String(_) | Value::Number(_) | Value::Bool(_) => Ok(()),
        other => Err(Error::InvalidType {
            path: path.to_string(),
            expected: "a string, number or boolean".into(),
            found: type_name(other),
        }),
    }
}

fn loose_eq(a: &Value, b: &Value) -> bool {
    if let (Some(x), Some(y)) = (a.as_f64(), b.as_f64()) {
        return x == y;
    }
    match (value_text(a), value_text(b)) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

fn one_of(a: &Value, list: Option<&Value>) -> bool {
    list.and_then(Value::as_array)
        .is_some_and(|items| items.iter().any(|w| loose_eq(a, w)))
}

fn compare(a: &Value, b: &Value) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64()?.partial_cmp(&y.as_f64()?),
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        _ => None,
    }
}
