//! Entitlements: which process a customer gets, over which dates, with which case quotas and
//! account context.

use std::sync::Arc;

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Map, Value};

use super::criteria::Criteria;
use super::process::ProcessRef;
use super::{opt, serialize_date, string};
use crate::document::{
    as_array, as_date, as_object, as_str, check_keys, index_path, key_path, required, type_name,
};
use crate::error::{Error, Result, excerpt};

/// The period over which a quota counts cases.
///
/// ```
/// # let rules = entitlement_core::doc_fixture::gold_v2();
/// # let process = &rules.processes()[0];
/// # let (diagnosis, next) = (&process.milestones[0], &process.milestones[1]);
/// use entitlement_core::rules::Period;
/// assert_eq!(rules.entitlements()[0].quotas[0].period, Period::Quarter);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// Calendar months.
    Month,
    /// Calendar quarters (January, April, July, October).
    Quarter,
    /// Calendar years.
    Year,
    /// The whole term of the entitlement, `start_date` to `end_date`.
    Term,
}

impl Period {
    /// The period's name as written in documents.
    ///
    /// ```
    /// use entitlement_core::rules::Period;
    /// assert_eq!(Period::Term.as_str(), "term");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Period::Month => "month",
            Period::Quarter => "quarter",
            Period::Year => "year",
            Period::Term => "term",
        }
    }
}

/// A cap on the number of cases per period, optionally only of cases that match a filter.
///
/// ```
/// # let rules = entitlement_core::doc_fixture::gold_v2();
/// # let process = &rules.processes()[0];
/// # let (diagnosis, next) = (&process.milestones[0], &process.milestones[1]);
/// let quota = &rules.entitlements()[0].quotas[0];
/// assert_eq!(quota.max_cases, 20);
/// assert!(quota.filter.is_none());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Quota {
    /// The period.
    pub period: Period,
    /// The most cases allowed per period.
    pub max_cases: u32,
    /// Only cases whose fields match count, from the first moment they match.
    #[serde(rename = "where", default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<Criteria>,
    /// A display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// An entitlement's account context, shared (not copied) by every evaluation, event and
/// alert that carries it: a copy per case was an eighth of an evaluation and a kilobyte of
/// memory (`docs/performance.md`).
pub type Account = Arc<Map<String, Value>>;

fn is_empty_account(account: &Account) -> bool {
    account.is_empty()
}

/// The contract: who it is for, which process applies, when, and how many cases it allows.
///
/// ```
/// # let rules = entitlement_core::doc_fixture::gold_v2();
/// # let process = &rules.processes()[0];
/// # let (diagnosis, next) = (&process.milestones[0], &process.milestones[1]);
/// let acme = rules.entitlement("acme").unwrap();
/// assert_eq!(acme.process.id(), "gold");
/// assert_eq!(acme.start_date, None);        // no dates: active for every case
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Entitlement {
    /// Its id, which cases name.
    pub id: String,
    /// A display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The process it uses.
    pub process: ProcessRef,
    /// Account context (id, name, ARR, renewal date, executive sponsor, CSM, contacts...),
    /// passed through untouched into statuses and alerts.
    #[serde(default, skip_serializing_if = "is_empty_account")]
    pub account: Account,
    /// The first day it covers, in its calendar's zone.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_date"
    )]
    pub start_date: Option<NaiveDate>,
    /// The last day it covers (inclusive), in its calendar's zone.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_date"
    )]
    pub end_date: Option<NaiveDate>,
    /// A calendar for milestones whose process names none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<String>,
    /// Per-incident allowance: how many cases it covers in all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cases_per_entitlement: Option<u32>,
    /// Case quotas per period.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quotas: Vec<Quota>,
}

fn count(v: &Value, path: &str) -> Result<u32> {
    v.as_u64()
        .filter(|n| *n <= u32::MAX as u64)
        .map(|n| n as u32)
        .ok_or_else(|| Error::InvalidType {
            path: path.to_string(),
            expected: "a non-negative integer".into(),
            found: type_name(v),
        })
}

impl Entitlement {
    pub(crate) fn parse(v: &Value, path: &str) -> Result<Entitlement> {
        let map = as_object(v, path)?;
        check_keys(
            map,
            path,
            &[
                "id",
                "name",
                "process",
                "account",
                "start_date",
                "end_date",
                "calendar",
                "cases_per_entitlement",
                "quotas",
            ],
        )?;
        let start_date = opt(map, path, "start_date", as_date)?;
        let end_date = opt(map, path, "end_date", as_date)?;
        if let (Some(s), Some(e)) = (start_date, end_date)
            && e < s
        {
            return Err(Error::InvalidValue {
                path: key_path(path, "end_date"),
                reason: format!("the entitlement ends ({e}) before it starts ({s})"),
            });
        }
        let quotas = match map.get("quotas") {
            None => Vec::new(),
            Some(q) => {
                let qp = key_path(path, "quotas");
                let mut out = Vec::new();
                for (i, item) in as_array(q, &qp)?.iter().enumerate() {
                    let ip = index_path(&qp, i);
                    let m = as_object(item, &ip)?;
                    check_keys(m, &ip, &["period", "max_cases", "where", "name"])?;
                    let pp = key_path(&ip, "period");
                    let period = match as_str(required(m, &ip, "period")?, &pp, "a period")? {
                        "month" => Period::Month,
                        "quarter" => Period::Quarter,
                        "year" => Period::Year,
                        "term" => Period::Term,
                        other => {
                            return Err(Error::InvalidValue {
                                path: pp,
                                reason: format!(
                                    "unknown period {}; expected month, quarter, year or term",
                                    excerpt(other)
                                ),
                            });
                        }
                    };
                    if period == Period::Term && (start_date.is_none() || end_date.is_none()) {
                        return Err(Error::InvalidValue {
                            path: pp,
                            reason:
                                "a `term` quota needs the entitlement's `start_date` and `end_date`"
                                    .into(),
                        });
                    }
                    out.push(Quota {
                        period,
                        max_cases: count(
                            required(m, &ip, "max_cases")?,
                            &key_path(&ip, "max_cases"),
                        )?,
                        filter: opt(m, &ip, "where", Criteria::from_value)?,
                        name: opt(m, &ip, "name", string)?,
                    });
                }
                out
            }
        };
        Ok(Entitlement {
            id: string(required(map, path, "id")?, &key_path(path, "id"))?,
            name: opt(map, path, "name", string)?,
            process: ProcessRef::parse(
                required(map, path, "process")?,
                &key_path(path, "process"),
            )?,
            account: Arc::new(
                opt(map, path, "account", |v, p| Ok(as_object(v, p)?.clone()))?.unwrap_or_default(),
            ),
            start_date,
            end_date,
            calendar: opt(map, path, "calendar", string)?,
            cases_per_entitlement: opt(map, path, "cases_per_entitlement", count)?,
            quotas,
        })
    }
}
