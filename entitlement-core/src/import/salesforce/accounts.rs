//! Account context from Salesforce records: ARR, renewal date, executive sponsor, CSM and
//! contacts, read with a configurable mapping ([`AccountMapping`]) into the `account` block of
//! imported entitlements. The guide: `docs/import-salesforce.md`, "Account context".

use std::collections::HashMap;

use chrono::NaiveDate;
use serde_json::{Map, Value, json};

use super::{label, query_records};
use crate::document::{as_object, as_str, check_keys, key_path, type_name};
use crate::error::{Error, Result, excerpt};
use crate::import::read::{boolean, object, optional_date, optional_str, text};
use crate::import::{Import, Warning, unsupported};

/// Where an account's renewal date comes from.
///
/// ```
/// use entitlement_core::import::salesforce::{AccountMapping, RenewalSource};
/// let mapping = AccountMapping::from_value(&serde_json::json!(
///     {"renewal_date": {"from": "opportunity", "type": "Renewal"}}))?;
/// assert_eq!(mapping.renewal_date, Some(RenewalSource::Opportunity { kind: "Renewal".into() }));
/// # Ok::<(), entitlement_core::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RenewalSource {
    /// A date field of the `Account` record (`Renewal_Date__c`).
    AccountField(String),
    /// The latest `EndDate` among the account's activated `Contract` records.
    ContractEndDate,
    /// The earliest `CloseDate` among the account's open `Opportunity` records of this `Type`.
    Opportunity {
        /// The opportunity `Type` (`Renewal`).
        kind: String,
    },
}

/// Where a person of the account (executive sponsor, CSM) comes from.
///
/// ```
/// use entitlement_core::import::salesforce::{AccountMapping, PersonSource};
/// let mapping = AccountMapping::default();
/// assert_eq!(mapping.csm, Some(PersonSource::TeamRole("Customer Success Manager".into())));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PersonSource {
    /// The `User` of the account team member (`AccountTeamMember`) with this `TeamMemberRole`.
    TeamRole(String),
    /// The `Contact` of the contact role (`AccountContactRole` or `OpportunityContactRole`)
    /// with this `Role`, the primary one first.
    ContactRole(String),
}

/// How account context is read from Salesforce records: which `Account` field holds the ARR,
/// where the renewal date comes from, and which roles are the executive sponsor and the CSM.
/// `None` reads nothing for that key.
///
/// As a JSON object (what the bindings take): `arr` (an `Account` field name, default
/// `AnnualRevenue`, `null` for none), `renewal_date` (`{"from": "contract"}`, the default;
/// `{"from": "opportunity", "type": "Renewal"}`; `{"from": "account", "field": "..."}`; or
/// `null`), `executive_sponsor` and `csm` (`{"team_role": "..."}` or `{"contact_role": "..."}`,
/// defaults the team roles `Executive Sponsor` and `Customer Success Manager`, or `null`).
///
/// ```
/// use entitlement_core::import::salesforce::{AccountMapping, PersonSource, RenewalSource};
/// let mapping = AccountMapping::from_value(&serde_json::json!({
///     "arr": "ARR__c",
///     "renewal_date": {"from": "account", "field": "Renewal_Date__c"},
///     "executive_sponsor": {"contact_role": "Executive Sponsor"}}))?;
/// assert_eq!(mapping.arr.as_deref(), Some("ARR__c"));
/// assert_eq!(mapping.renewal_date, Some(RenewalSource::AccountField("Renewal_Date__c".into())));
/// assert_eq!(mapping.executive_sponsor, Some(PersonSource::ContactRole("Executive Sponsor".into())));
/// assert_eq!(mapping.csm, AccountMapping::default().csm);     // what is not given keeps its default
/// # Ok::<(), entitlement_core::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountMapping {
    /// The `Account` field that holds the ARR (`AnnualRevenue`, `ARR__c`).
    pub arr: Option<String>,
    /// Where the renewal date comes from.
    pub renewal_date: Option<RenewalSource>,
    /// Who the executive sponsor is.
    pub executive_sponsor: Option<PersonSource>,
    /// Who the customer success manager is.
    pub csm: Option<PersonSource>,
}

impl Default for AccountMapping {
    fn default() -> Self {
        AccountMapping {
            arr: Some("AnnualRevenue".into()),
            renewal_date: Some(RenewalSource::ContractEndDate),
            executive_sponsor: Some(PersonSource::TeamRole("Executive Sponsor".into())),
            csm: Some(PersonSource::TeamRole("Customer Success Manager".into())),
        }
    }
}

/// The most contact roles of one account that its entitlements list as `contacts` (the
/// first ones, in the order given); more give a warning.
pub const MAX_CONTACTS: usize = 25;

/// The keys of the options object of [`account_context`].
const OPTION_KEYS: [&str; 9] = [
    "accounts",
    "contracts",
    "opportunities",
    "team_members",
    "contact_roles",
    "arr",
    "renewal_date",
    "executive_sponsor",
    "csm",
];

/// The record sets of the options object (queries' results), by key.
const RECORD_KEYS: [(&str, &str); 4] = [
    ("contracts", "Contract"),
    ("opportunities", "Opportunity"),
    ("team_members", "AccountTeamMember"),
    ("contact_roles", "ContactRole"),
];

fn field_name(v: &Value, path: &str) -> Result<String> {
    let name = as_str(v, path, "a Salesforce field name such as \"ARR__c\"")?;
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
    {
        return Err(Error::InvalidValue {
            path: path.to_string(),
            reason: format!(
                "{} is not a field API name (letters, digits, `_`, `.`)",
                excerpt(name)
            ),
        });
    }
    Ok(name.to_string())
}

fn person(v: &Value, path: &str) -> Result<Option<PersonSource>> {
    if v.is_null() {
        return Ok(None);
    }
    let map = as_object(v, path)?;
    check_keys(map, path, &["team_role", "contact_role"])?;
    let role = |k: &str| -> Result<Option<String>> {
        map.get(k)
            .map(|r| {
                let p = key_path(path, k);
                let r = as_str(r, &p, "a role name")?;
                if r.trim().is_empty() {
                    return Err(Error::InvalidValue {
                        path: p,
                        reason: "a role name cannot be empty".into(),
                    });
                }
                Ok(r.to_string())
            })
            .transpose()
    };
    match (role("team_role")?, role("contact_role")?) {
        (Some(r), None) => Ok(Some(PersonSource::TeamRole(r))),
        (None, Some(r)) => Ok(Some(PersonSource::ContactRole(r))),
        _ => Err(Error::InvalidValue {
            path: path.to_string(),
            reason: "give one of `team_role` (AccountTeamMember.TeamMemberRole) or `contact_role` (AccountContactRole / OpportunityContactRole Role)".into(),
        }),
    }
}

fn renewal(v: &Value, path: &str) -> Result<Option<RenewalSource>> {
    if v.is_null() {
        return Ok(None);
    }
    let map = as_object(v, path)?;
    check_keys(map, path, &["from", "field", "type"])?;
    let from_path = key_path(path, "from");
    let from = as_str(
        map.get("from").ok_or_else(|| Error::MissingKey {
            path: path.to_string(),
            key: "from".into(),
        })?,
        &from_path,
        "account, contract or opportunity",
    )?;
    let only = |allowed: &[&str]| -> Result<()> {
        for k in ["field", "type"] {
            if map.contains_key(k) && !allowed.contains(&k) {
                return Err(Error::InvalidValue {
                    path: key_path(path, k),
                    reason: format!("`{k}` does not apply to a renewal date from {from}"),
                });
            }
        }
        Ok(())
    };
    Ok(Some(match from {
        "account" => {
            only(&["field"])?;
            let field = map.get("field").ok_or_else(|| Error::MissingKey {
                path: path.to_string(),
                key: "field".into(),
            })?;
            RenewalSource::AccountField(field_name(field, &key_path(path, "field"))?)
        }
        "contract" => {
            only(&[])?;
            RenewalSource::ContractEndDate
        }
        "opportunity" => {
            only(&["type"])?;
            let kind = match map.get("type") {
                None => "Renewal".to_string(),
                Some(t) => as_str(t, &key_path(path, "type"), "an opportunity Type")?.to_string(),
            };
            RenewalSource::Opportunity { kind }
        }
        other => {
            return Err(Error::InvalidValue {
                path: from_path,
                reason: format!(
                    "unknown source {}; expected account, contract or opportunity",
                    excerpt(other)
                ),
            });
        }
    }))
}

impl AccountMapping {
    /// The mapping of an options object (the keys `arr`, `renewal_date`, `executive_sponsor`
    /// and `csm` of it; other keys are left to the caller). A key that is absent keeps its
    /// default; `null` reads nothing for it. Errors name the key (`renewal_date.from`).
    pub fn from_value(v: &Value) -> Result<AccountMapping> {
        let map = as_object(v, "")?;
        let mut m = AccountMapping::default();
        if let Some(a) = map.get("arr") {
            m.arr = if a.is_null() {
                None
            } else {
                Some(field_name(a, "arr")?)
            };
        }
        if let Some(r) = map.get("renewal_date") {
            m.renewal_date = renewal(r, "renewal_date")?;
        }
        if let Some(p) = map.get("executive_sponsor") {
            m.executive_sponsor = person(p, "executive_sponsor")?;
        }
        if let Some(p) = map.get("csm") {
            m.csm = person(p, "csm")?;
        }
        Ok(m)
    }
}

/// One record of a related object, with the account it belongs to.
struct Row<'a> {
    label: String,
    map: &'a Map<String, Value>,
}

/// The records of one option, by the account they belong to (`AccountId`, or
/// `Opportunity.AccountId` for opportunity contact roles).
fn by_account<'a>(
    input: Option<&'a Value>,
    what: &str,
    warnings: &mut Vec<Warning>,
) -> Result<Option<HashMap<&'a str, Vec<Row<'a>>>>> {
    let Some(input) = input.filter(|v| !v.is_null()) else {
        return Ok(None);
    };
    let mut out: HashMap<&str, Vec<Row<'a>>> = HashMap::new();
    for (i, r) in query_records(input, what, warnings)?
        .into_iter()
        .enumerate()
    {
        let map = object(r, &format!("{what} #{i}"), "(record)")?;
        let record = label(map, what, i);
        let account = match optional_str(map, &record, "AccountId")? {
            Some(a) => a,
            None => map
                .get("Opportunity")
                .and_then(|o| o.get("AccountId"))
                .and_then(Value::as_str)
                .ok_or_else(|| {
                    unsupported(
                        &record,
                        "AccountId",
                        "missing: query AccountId (or Opportunity.AccountId for an OpportunityContactRole)",
                    )
                })?,
        };
        out.entry(account)
            .or_default()
            .push(Row { label: record, map });
    }
    Ok(Some(out))
}

/// A person as the document writes one: `{"name", "email"}` (the email when given).
fn person_value(related: &Value) -> Option<Value> {
    let name = related
        .get("Name")?
        .as_str()
        .filter(|n| !n.trim().is_empty())?;
    let mut p = Map::new();
    p.insert("name".into(), json!(name));
    if let Some(e) = related.get("Email").and_then(Value::as_str) {
        p.insert("email".into(), json!(e));
    }
    Some(Value::Object(p))
}

/// Adds account context to the entitlements of `entitlements` (what
/// [`entitlements`](super::entitlements) returns), matched by `account.id`, from the records
/// and with the mapping of `options`:
///
/// | key | records (a SOQL query result, its pages, or a list of records) |
/// |---|---|
/// | `accounts` | `SELECT Id, Name, AnnualRevenue FROM Account` (and the fields the mapping names) |
/// | `contracts` | `SELECT Id, AccountId, ContractNumber, Status, EndDate FROM Contract` |
/// | `opportunities` | `SELECT Id, AccountId, Name, Type, IsClosed, CloseDate FROM Opportunity` |
/// | `team_members` | `SELECT AccountId, TeamMemberRole, User.Name, User.Email FROM AccountTeamMember` |
/// | `contact_roles` | `SELECT AccountId, Role, IsPrimary, Contact.Name, Contact.Email FROM AccountContactRole` (or `OpportunityContactRole` with `Opportunity.AccountId`) |
///
/// and the mapping keys of [`AccountMapping`]. The account block gains `name` (if absent),
/// `arr`, `renewal_date` (`YYYY-MM-DD`), `executive_sponsor` and `csm` (`{name, email}`) and
/// `contacts` (the account's contact roles, at most [`MAX_CONTACTS`]: `{name, email, role}`). What a mapping asks for and the
/// records do not hold (no Account record, a null field, no team member in the role) is a
/// warning naming the record and the field; a value of the wrong type is an `unsupported`
/// error naming them; a mapping whose records are not given at all is an `invalid_value` error
/// (the defaults read only the records that are given).
///
/// ```
/// use entitlement_core::import::salesforce;
/// use serde_json::json;
///
/// let ents = salesforce::entitlements(&json!([{"Id": "5501", "AccountId": "0011",
///     "Account": {"Name": "Acme"}}]), None, None)?;
/// let with = salesforce::account_context(ents, &json!({
///     "accounts": {"totalSize": 1, "done": true, "records": [
///         {"attributes": {"type": "Account"}, "Id": "0011", "Name": "Acme", "ARR__c": 1200000}]},
///     "team_members": [{"AccountId": "0011", "TeamMemberRole": "Customer Success Manager",
///                       "User": {"Name": "Lee Park", "Email": "lee@example.com"}}],
///     "arr": "ARR__c"}))?;
/// let account = &with.document["entitlements"][0]["account"];
/// assert_eq!(account["arr"], 1200000);
/// assert_eq!(account["csm"], json!({"name": "Lee Park", "email": "lee@example.com"}));
/// # Ok::<(), entitlement_core::Error>(())
/// ```
pub fn account_context(entitlements: Import, options: &Value) -> Result<Import> {
    let opts = as_object(options, "")?;
    check_keys(opts, "", &OPTION_KEYS)?;
    let mut mapping = AccountMapping::from_value(options)?;
    let Import {
        mut document,
        mut warnings,
    } = entitlements;
    let given = |k: &str| opts.get(k).is_some_and(|v| !v.is_null());
    // Defaults read only what is given; an explicit choice needs its records.
    let needs = |key: &str, records: &str| -> Result<()> {
        if given(records) {
            return Ok(());
        }
        Err(Error::InvalidValue {
            path: key.to_string(),
            reason: format!("reading {key} this way needs the `{records}` records"),
        })
    };
    let explicit = |k: &str| opts.get(k).is_some_and(|v| !v.is_null());
    let source_records = |r: &Option<PersonSource>| match r {
        Some(PersonSource::TeamRole(_)) => "team_members",
        Some(PersonSource::ContactRole(_)) | None => "contact_roles",
    };
    if mapping.arr.is_some() && !given("accounts") {
        if explicit("arr") {
            needs("arr", "accounts")?;
        }
        mapping.arr = None;
    }
    let renewal_records = match &mapping.renewal_date {
        Some(RenewalSource::AccountField(_)) => "accounts",
        Some(RenewalSource::ContractEndDate) => "contracts",
        Some(RenewalSource::Opportunity { .. }) => "opportunities",
        None => "",
    };
    if mapping.renewal_date.is_some() && !given(renewal_records) {
        if explicit("renewal_date") {
            needs("renewal_date", renewal_records)?;
        }
        mapping.renewal_date = None;
    }
    for (key, slot) in [
        ("executive_sponsor", &mut mapping.executive_sponsor),
        ("csm", &mut mapping.csm),
    ] {
        let records = source_records(slot);
        if slot.is_some() && !given(records) {
            if explicit(key) {
                needs(key, records)?;
            }
            *slot = None;
        }
    }

    let mut sets: HashMap<&str, HashMap<&str, Vec<Row<'_>>>> = HashMap::new();
    for (key, what) in RECORD_KEYS {
        if let Some(rows) = by_account(opts.get(key), what, &mut warnings)? {
            sets.insert(key, rows);
        }
    }
    // Accounts by their own `Id`.
    let mut accounts: HashMap<&str, Row<'_>> = HashMap::new();
    if let Some(input) = opts.get("accounts").filter(|v| !v.is_null()) {
        for (i, r) in query_records(input, "Account", &mut warnings)?
            .into_iter()
            .enumerate()
        {
            let map = object(r, &format!("Account #{i}"), "(record)")?;
            let record = label(map, "Account", i);
            let id = crate::import::read::required_str(map, &record, "Id")?;
            accounts.insert(id, Row { label: record, map });
        }
    }
    let empty = HashMap::new();
    let rows_of = |key: &str| sets.get(key).unwrap_or(&empty);

    let Some(Value::Array(list)) = document.get_mut("entitlements") else {
        return Err(Error::InvalidType {
            path: "entitlements".into(),
            expected: "the entitlements of an import (a list)".into(),
            found: "no list".into(),
        });
    };
    let mut context: HashMap<String, Map<String, Value>> = HashMap::new();
    for ent in list.iter_mut() {
        let ent_label = crate::import::record_label(
            "Entitlement",
            ent.get("id").and_then(Value::as_str),
            ent.get("name").and_then(Value::as_str),
        );
        let Some(account) = ent
            .get("account")
            .and_then(|a| a.get("id"))
            .and_then(Value::as_str)
            .map(str::to_string)
        else {
            warnings.push(Warning {
                record: ent_label,
                field: "AccountId".into(),
                message: "the entitlement has no account: no account context is imported".into(),
            });
            continue;
        };
        let mut block = ent
            .get("account")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let acc = accounts.get(account.as_str());
        if given("accounts") && acc.is_none() {
            warnings.push(Warning {
                record: ent_label,
                field: "AccountId".into(),
                message: format!(
                    "the account {account} is not among the Account records: its ARR and account fields are not imported"
                ),
            });
        }
        // One account's context is read once, however many entitlements it has (reading it per
        // entitlement made the work entitlements × rows of the account), and its warnings name
        // the account.
        if !context.contains_key(&account) {
            let acc_label = match acc {
                Some(a) => a.label.clone(),
                None => crate::import::record_label(
                    "Account",
                    Some(&account),
                    block.get("name").and_then(Value::as_str),
                ),
            };
            let mut warn = |record: &str, field: &str, message: String| {
                warnings.push(Warning {
                    record: record.to_string(),
                    field: field.to_string(),
                    message,
                })
            };
            let extra = read_account(&mapping, &account, acc, &acc_label, &rows_of, &mut warn)?;
            context.insert(account.clone(), extra);
        }
        for (k, v) in &context[&account] {
            if k != "name" || !block.contains_key("name") {
                block.insert(k.clone(), v.clone());
            }
        }
        ent["account"] = Value::Object(block);
    }
    Ok(Import { document, warnings })
}

/// The context of one account: what the mapping reads from its records.
fn read_account<'a>(
    mapping: &AccountMapping,
    account: &str,
    acc: Option<&Row<'a>>,
    acc_label: &str,
    rows_of: &RowsOf<'_, 'a>,
    warn: &mut dyn FnMut(&str, &str, String),
) -> Result<Map<String, Value>> {
    let mut extra = Map::new();
    if let Some(a) = acc {
        if let Some(n) = text(a.map, "Name") {
            extra.insert("name".into(), json!(n));
        }
        if let Some(field) = &mapping.arr {
            match a.map.get(field.as_str()) {
                None | Some(Value::Null) => warn(
                    &a.label,
                    field,
                    format!(
                        "no ARR: the field is {} (query it, or map `arr` to the field that holds the ARR)",
                        if a.map.contains_key(field.as_str()) {
                            "empty"
                        } else {
                            "not in the record"
                        }
                    ),
                ),
                Some(Value::Number(n)) if n.as_f64().is_some_and(|x| x.is_finite() && x >= 0.0) => {
                    extra.insert("arr".into(), Value::Number(n.clone()));
                }
                Some(v) => {
                    return Err(unsupported(
                        &a.label,
                        field,
                        format!(
                            "expected an amount (a number from 0), found {}",
                            match v {
                                Value::Number(n) => n.to_string(),
                                v => type_name(v),
                            }
                        ),
                    ));
                }
            }
        }
    }
    if let Some(source) = &mapping.renewal_date
        && let Some(date) = renewal_date(source, account, acc, rows_of, acc_label, warn)?
    {
        extra.insert("renewal_date".into(), json!(date.to_string()));
    }
    for (key, source) in [
        ("executive_sponsor", &mapping.executive_sponsor),
        ("csm", &mapping.csm),
    ] {
        let Some(source) = source else { continue };
        if let Some(p) = person_of(source, account, rows_of, acc_label, key, warn)? {
            extra.insert(key.into(), p);
        }
    }
    if let Some(rows) = rows_of("contact_roles").get(account) {
        // Every entitlement of the account carries the list: bounded, so that the output is
        // not entitlements × contact roles.
        if rows.len() > MAX_CONTACTS {
            warn(
                acc_label,
                "contacts",
                format!(
                    "the account has {} contact roles; its entitlements list the first {MAX_CONTACTS} as contacts",
                    rows.len()
                ),
            );
        }
        let contacts: Vec<Value> = rows
            .iter()
            .take(MAX_CONTACTS)
            .filter_map(|r| {
                let mut p = person_value(r.map.get("Contact")?)?;
                if let Some(role) = text(r.map, "Role") {
                    p["role"] = json!(role);
                }
                Some(p)
            })
            .collect();
        if !contacts.is_empty() {
            extra.insert("contacts".into(), Value::Array(contacts));
        }
    }
    Ok(extra)
}

type RowsOf<'r, 'a> = dyn Fn(&str) -> &'r HashMap<&'a str, Vec<Row<'a>>> + 'r;

fn renewal_date<'a>(
    source: &RenewalSource,
    account: &str,
    acc: Option<&Row<'a>>,
    rows_of: &RowsOf<'_, 'a>,
    acc_label: &str,
    warn: &mut dyn FnMut(&str, &str, String),
) -> Result<Option<NaiveDate>> {
    match source {
        RenewalSource::AccountField(field) => {
            let Some(a) = acc else { return Ok(None) };
            let d = optional_date(a.map, &a.label, field)?;
            if d.is_none() {
                warn(
                    &a.label,
                    field,
                    "no renewal date: the field is empty or not in the record".into(),
                );
            }
            Ok(d)
        }
        RenewalSource::ContractEndDate => {
            let mut best: Option<NaiveDate> = None;
            for r in rows_of("contracts").get(account).into_iter().flatten() {
                // Draft and in-approval contracts say nothing about a renewal.
                if text(r.map, "Status").is_some_and(|s| s != "Activated") {
                    continue;
                }
                if let Some(end) = optional_date(r.map, &r.label, "EndDate")? {
                    best = best.max(Some(end));
                }
            }
            if best.is_none() {
                warn(
                    acc_label,
                    "Contract.EndDate",
                    format!(
                        "no renewal date: the account {account} has no activated Contract with an EndDate"
                    ),
                );
            }
            Ok(best)
        }
        RenewalSource::Opportunity { kind } => {
            let mut best: Option<NaiveDate> = None;
            for r in rows_of("opportunities").get(account).into_iter().flatten() {
                if text(r.map, "Type").is_some_and(|t| t != kind)
                    || boolean(r.map, &r.label, "IsClosed")? == Some(true)
                {
                    continue;
                }
                if let Some(d) = optional_date(r.map, &r.label, "CloseDate")? {
                    best = Some(best.map_or(d, |b| b.min(d)));
                }
            }
            if best.is_none() {
                warn(
                    acc_label,
                    "Opportunity.CloseDate",
                    format!(
                        "no renewal date: the account {account} has no open {kind:?} Opportunity with a CloseDate"
                    ),
                );
            }
            Ok(best)
        }
    }
}

fn person_of<'a>(
    source: &PersonSource,
    account: &str,
    rows_of: &RowsOf<'_, 'a>,
    acc_label: &str,
    key: &str,
    warn: &mut dyn FnMut(&str, &str, String),
) -> Result<Option<Value>> {
    let (records, role_field, related, role) = match source {
        PersonSource::TeamRole(r) => ("team_members", "TeamMemberRole", "User", r),
        PersonSource::ContactRole(r) => ("contact_roles", "Role", "Contact", r),
    };
    let mut matching: Vec<&Row<'a>> = rows_of(records)
        .get(account)
        .into_iter()
        .flatten()
        .filter(|r| text(r.map, role_field) == Some(role.as_str()))
        .collect();
    // The primary contact role first (a stable sort keeps the records' order otherwise).
    matching.sort_by_key(|r| r.map.get("IsPrimary") != Some(&Value::Bool(true)));
    let Some(first) = matching.first() else {
        warn(
            acc_label,
            &format!("{key} ({role_field})"),
            format!("no {key}: the account {account} has no {related} in the role {role:?}"),
        );
        return Ok(None);
    };
    let person = first
        .map
        .get(related)
        .and_then(person_value)
        .ok_or_else(|| {
            unsupported(
                &first.label,
                &format!("{related}.Name"),
                format!(
                    "missing: query {related}.Name (and {related}.Email) with the {} rows",
                    if related == "User" {
                        "AccountTeamMember"
                    } else {
                        "contact role"
                    }
                ),
            )
        })?;
    if matching.len() > 1 {
        warn(
            acc_label,
            &format!("{key} ({role_field})"),
            format!(
                "{} people hold the role {role:?} on the account {account}; the first ({}) is the {key}",
                matching.len(),
                first.label
            ),
        );
    }
    Ok(Some(person))
}
