//! The Salesforce importer's account context (`salesforce::account_context`) against recorded
//! query results (`examples/data/import/salesforce/accounts.json`, `contracts.json`,
//! `opportunities.json`, `account_team_members.json`, `account_contact_roles.json`), and
//! success actions imported as `on_complete` from the metadata through to the monitor.

use entitlement_core::import::Import;
use entitlement_core::import::salesforce::{self, CLOSED_STATUSES};
use entitlement_core::rules::MonitorEventKind;
use entitlement_core::{Case, Ruleset};
use serde_json::{Value, json};

use crate::common::at;

fn fixture(name: &str) -> Value {
    let path = format!(
        "{}/../examples/data/import/salesforce/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(path).expect("fixture")).expect("json")
}

fn entitlements() -> Import {
    salesforce::entitlements(
        &fixture("entitlements.json"),
        Some(&fixture("sla_processes.json")),
        Some(&fixture("business_hours.json")),
    )
    .expect("entitlements import")
}

/// Every recorded query, plus the mapping keys of `mapping`.
fn options(mapping: Value) -> Value {
    let mut o = json!({
        "accounts": fixture("accounts.json"),
        "contracts": fixture("contracts.json"),
        "opportunities": fixture("opportunities.json"),
        "team_members": fixture("account_team_members.json"),
        "contact_roles": fixture("account_contact_roles.json"),
    });
    for (k, v) in mapping.as_object().unwrap() {
        o[k] = v.clone();
    }
    o
}

fn accounts(imp: &Import) -> Vec<Value> {
    imp.document["entitlements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["account"].clone())
        .collect()
}

fn warned(imp: &Import, record: &str, field: &str) -> bool {
    imp.warnings
        .iter()
        .any(|w| w.record.contains(record) && w.field == field)
}

#[test]
fn the_default_mapping_reads_annual_revenue_contract_end_and_team_roles() {
    let imp = salesforce::account_context(entitlements(), &options(json!({}))).unwrap();
    let a = accounts(&imp);
    // Acme: AnnualRevenue; the latest activated contract (the draft one ending 2028 is not);
    // its team's sponsor and CSM; every contact role as a contact.
    assert_eq!(a[0]["id"], "0015e000000Acme1AA");
    assert_eq!(a[0]["name"], "Acme Corp");
    assert_eq!(a[0]["arr"], 5000000);
    assert_eq!(a[0]["renewal_date"], "2027-12-31");
    assert_eq!(
        a[0]["executive_sponsor"],
        json!({"name": "Dana Ruiz", "email": "dana.ruiz@example.com"})
    );
    assert_eq!(
        a[0]["csm"],
        json!({"name": "Lee Park", "email": "lee@example.com"})
    );
    assert_eq!(a[0]["contacts"].as_array().unwrap().len(), 3);
    assert_eq!(
        a[0]["contacts"][2],
        json!({"name": "Sam Ortiz", "email": "sam@acme.example", "role": "Technical Buyer"})
    );
    // Globex: no executive sponsor on its team: a warning naming the entitlement and role.
    assert_eq!(a[1]["renewal_date"], "2027-05-31");
    assert!(a[1].get("executive_sponsor").is_none());
    assert!(warned(
        &imp,
        "0015e000000Glbx1AA",
        "executive_sponsor (TeamMemberRole)"
    ));
    // Initech: AnnualRevenue is null, no contract: warnings, nothing made up.
    assert!(a[2].get("arr").is_none() && a[2].get("renewal_date").is_none());
    assert!(warned(&imp, "Account 0015e000000Init1AA", "AnnualRevenue"));
    assert!(warned(&imp, "0015e000000Init1AA", "Contract.EndDate"));
    // Umbrella: two CSMs: the first, with a warning.
    assert_eq!(a[3]["csm"]["name"], "Ana Silva");
    assert!(warned(&imp, "0015e000000Umbr1AA", "csm (TeamMemberRole)"));
    // The result is a valid document, and the alerts read it.
    let rules = Ruleset::from_value(
        &salesforce::entitlement_processes(
            &salesforce::read_metadata_folder(
                format!(
                    "{}/../examples/data/import/salesforce/metadata",
                    env!("CARGO_MANIFEST_DIR")
                )
                .as_ref(),
            )
            .unwrap(),
        )
        .unwrap()
        .merge(imp.clone())
        .unwrap()
        .merge(
            salesforce::business_hours(
                &fixture("business_hours.json"),
                Some(&json!({ "Support NY": fixture("holidays.json") })),
            )
            .unwrap(),
        )
        .unwrap()
        .document,
    )
    .expect("valid rules");
    assert_eq!(rules.entitlements().len(), 4);
}

#[test]
fn a_custom_arr_field_and_an_account_renewal_field() {
    let imp = salesforce::account_context(
        entitlements(),
        &options(json!({"arr": "ARR__c",
            "renewal_date": {"from": "account", "field": "Renewal_Date__c"}})),
    )
    .unwrap();
    let a = accounts(&imp);
    assert_eq!(a[0]["arr"], 1200000);
    assert_eq!(a[0]["renewal_date"], "2027-03-31");
    assert_eq!(a[2]["arr"], 90000);
    // Globex's Renewal_Date__c is null: a warning naming the Account record and the field.
    assert!(a[1].get("renewal_date").is_none());
    assert!(warned(
        &imp,
        "Account 0015e000000Glbx1AA",
        "Renewal_Date__c"
    ));
}

#[test]
fn the_renewal_date_of_the_next_open_renewal_opportunity() {
    let imp = salesforce::account_context(
        entitlements(),
        &options(json!({"renewal_date": {"from": "opportunity", "type": "Renewal"}})),
    )
    .unwrap();
    let a = accounts(&imp);
    // Acme: the closed 2026 renewal and the open upgrade do not count; the earliest open
    // renewal does.
    assert_eq!(a[0]["renewal_date"], "2027-03-15");
    assert_eq!(a[1]["renewal_date"], "2027-04-30");
    assert_eq!(a[3]["renewal_date"], "2027-01-15");
    assert!(warned(&imp, "0015e000000Init1AA", "Opportunity.CloseDate"));
}

#[test]
fn a_sponsor_from_contact_roles_prefers_the_primary_one() {
    let imp = salesforce::account_context(
        entitlements(),
        &options(
            json!({"executive_sponsor": {"contact_role": "Executive Sponsor"},
                        "csm": null}),
        ),
    )
    .unwrap();
    let a = accounts(&imp);
    assert_eq!(
        a[0]["executive_sponsor"],
        json!({"name": "Jo Alvarez", "email": "jo.alvarez@acme.example"})
    );
    assert!(a.iter().all(|x| x.get("csm").is_none()));
}

#[test]
fn only_the_records_given_are_read_and_an_explicit_mapping_needs_its_records() {
    // Accounts alone: ARR and names, no renewal, no people, no warnings about them.
    let imp = salesforce::account_context(
        entitlements(),
        &json!({"accounts": fixture("accounts.json")}),
    )
    .unwrap();
    let a = accounts(&imp);
    assert_eq!(a[3]["arr"], 12000000);
    assert!(a.iter().all(|x| x.get("renewal_date").is_none()));
    assert!(
        !imp.warnings
            .iter()
            .any(|w| w.field.contains("TeamMemberRole"))
    );
    // Asking for an opportunity renewal without opportunities is refused, naming the key.
    let err = salesforce::account_context(
        entitlements(),
        &json!({"accounts": fixture("accounts.json"),
                "renewal_date": {"from": "opportunity"}}),
    )
    .unwrap_err();
    assert_eq!(err.code(), "invalid_value");
    assert!(err.to_string().contains("renewal_date"), "{err}");
}

#[test]
fn refusals_name_the_record_and_the_field() {
    // ARR as text: unsupported, naming the Account and the field.
    let mut accounts = fixture("accounts.json");
    accounts["records"][1]["ARR__c"] = json!("480k");
    let err = salesforce::account_context(
        entitlements(),
        &json!({"accounts": accounts, "arr": "ARR__c"}),
    )
    .unwrap_err();
    assert_eq!(err.code(), "unsupported");
    let msg = err.to_string();
    assert!(
        msg.contains("Account 0015e000000Glbx1AA") && msg.contains("ARR__c"),
        "{msg}"
    );
    // A malformed date.
    let mut contracts = fixture("contracts.json");
    contracts["records"][0]["EndDate"] = json!("31/12/2026");
    let err =
        salesforce::account_context(entitlements(), &json!({"contracts": contracts})).unwrap_err();
    assert_eq!(err.code(), "unsupported");
    assert!(err.to_string().contains("EndDate"), "{err}");
    // A team member without the user's name.
    let mut team = fixture("account_team_members.json");
    team["records"][1].as_object_mut().unwrap().remove("User");
    let err =
        salesforce::account_context(entitlements(), &json!({"team_members": team})).unwrap_err();
    assert_eq!(err.code(), "unsupported");
    assert!(err.to_string().contains("User.Name"), "{err}");
    // Mapping mistakes are invalid_value / unknown_key errors with the key's path.
    for (mapping, code, path) in [
        (json!({"arr": "ARR c"}), "invalid_value", "arr"),
        (
            json!({"renewal_date": {"from": "quote"}}),
            "invalid_value",
            "renewal_date.from",
        ),
        (
            json!({"csm": {"team_role": "CSM", "contact_role": "CSM"}}),
            "invalid_value",
            "csm",
        ),
        (
            json!({"sponsor": {"team_role": "x"}}),
            "unknown_key",
            "sponsor",
        ),
    ] {
        let err = salesforce::account_context(entitlements(), &options(mapping)).unwrap_err();
        assert_eq!(err.code(), code, "{err}");
        assert!(err.to_string().contains(path), "{err}");
    }
    // An account that is not among the records: a warning naming the entitlement.
    let mut accounts = fixture("accounts.json");
    accounts["records"].as_array_mut().unwrap().remove(0);
    accounts["totalSize"] = json!(3);
    let imp = salesforce::account_context(entitlements(), &json!({"accounts": accounts})).unwrap();
    assert!(warned(&imp, "5505e000000EnT1AAK", "AccountId"));
}

#[test]
fn success_actions_reach_the_monitor_as_on_complete_actions() {
    // Globex's case 00001002 runs on Gold Support version 1, whose Resolution Time milestone
    // has the success action Thank_Customer; complete it at 2026-11-26 18:00Z.
    let rules = salesforce::business_hours(
        &fixture("business_hours.json"),
        Some(&json!({ "Support NY": fixture("holidays.json") })),
    )
    .unwrap()
    .merge(
        salesforce::entitlement_processes(
            &salesforce::read_metadata_folder(
                format!(
                    "{}/../examples/data/import/salesforce/metadata",
                    env!("CARGO_MANIFEST_DIR")
                )
                .as_ref(),
            )
            .unwrap(),
        )
        .unwrap(),
    )
    .unwrap()
    .merge(entitlements())
    .unwrap()
    .ruleset()
    .unwrap();
    let mut milestones = fixture("case_milestones.json");
    for r in milestones["records"].as_array_mut().unwrap() {
        if r["CaseId"] == "5005e00000Case02AA" && r["MilestoneType"]["Name"] == "Resolution Time" {
            r["CompletionDate"] = json!("2026-11-26T18:00:00.000+0000");
        }
    }
    let imported = salesforce::cases(
        &fixture("cases.json"),
        Some(&fixture("case_history.json")),
        Some(&milestones),
        &CLOSED_STATUSES,
    )
    .unwrap();
    let cases: Vec<Case> = imported.document["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| Case::from_value(c).unwrap())
        .collect();
    let r = rules
        .monitor(
            &cases,
            at("2026-11-26T18:30:00Z"),
            Some(at("2026-11-26T17:00:00Z")),
        )
        .unwrap();
    let e = r
        .events
        .iter()
        .find(|e| e.kind == MonitorEventKind::MilestoneCompleted)
        .expect("the completion is in the window");
    assert_eq!(e.case_id.as_deref(), Some("5005e00000Case02AA"));
    assert_eq!(e.milestone.as_deref(), Some("Resolution Time"));
    assert_eq!(e.actions, ["Thank_Customer"]);
    assert_eq!(e.at, at("2026-11-26T18:00:00Z"));
    assert!(r.alerts.iter().any(|a| a.key == e.key));
}

#[test]
fn an_account_of_many_entitlements_is_read_once() {
    // Three entitlements of Globex: the same context on each, its warnings once.
    let ents = salesforce::entitlements(
        &json!([{"Id": "5501", "AccountId": "0015e000000Glbx1AA"},
                {"Id": "5502", "AccountId": "0015e000000Glbx1AA"},
                {"Id": "5503", "AccountId": "0015e000000Glbx1AA", "Account": {"Name": "Globex EU"}}]),
        None,
        None,
    )
    .unwrap();
    let imp = salesforce::account_context(ents, &options(json!({}))).unwrap();
    let a = accounts(&imp);
    assert_eq!(a[0], a[1]);
    assert_eq!(a[0]["csm"]["name"], "Ana Silva");
    assert_eq!(a[2]["name"], "Globex EU"); // the entitlement's own account name stays
    assert_eq!(a[2]["arr"], a[0]["arr"]);
    let sponsor_warnings = imp
        .warnings
        .iter()
        .filter(|w| w.field == "executive_sponsor (TeamMemberRole)")
        .count();
    assert_eq!(sponsor_warnings, 1);
}

#[test]
fn many_entitlements_of_an_account_with_many_contact_roles_stay_linear() {
    // 2,000 entitlements of one account with 2,000 contact roles and 2,000 team members: the
    // account is read once, and each entitlement lists at most MAX_CONTACTS contacts (the output
    // is not entitlements × contact roles).
    let n = 2_000;
    let ents: Vec<Value> = (0..n)
        .map(|i| json!({"Id": format!("55{i:05}"), "AccountId": "0011"}))
        .collect();
    let roles: Vec<Value> = (0..n)
        .map(|i| {
            json!({"AccountId": "0011", "Role": "Business User",
                        "Contact": {"Name": format!("Contact {i}")}})
        })
        .collect();
    let team: Vec<Value> = (0..n)
        .map(|i| {
            json!({"AccountId": "0011", "TeamMemberRole": "Customer Success Manager",
                        "User": {"Name": format!("User {i}")}})
        })
        .collect();
    let imp = salesforce::account_context(
        salesforce::entitlements(&json!(ents), None, None).unwrap(),
        &json!({"contact_roles": roles, "team_members": team}),
    )
    .unwrap();
    let a = accounts(&imp);
    assert_eq!(a.len(), n);
    assert!(
        a.iter()
            .all(|x| x["contacts"].as_array().unwrap().len() == salesforce::MAX_CONTACTS)
    );
    assert_eq!(a[n - 1]["csm"]["name"], "User 0");
    assert_eq!(
        imp.warnings
            .iter()
            .filter(|w| w.field == "contacts")
            .count(),
        1
    );
    assert_eq!(
        imp.warnings
            .iter()
            .filter(|w| w.field == "csm (TeamMemberRole)")
            .count(),
        1
    );
}
