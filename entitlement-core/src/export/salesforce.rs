//! Salesforce: the document's processes as `EntitlementProcess` and `MilestoneType` metadata
//! and its calendars as `BusinessHoursSettings` (business hours and holidays), in the
//! source-format project layout that `sf project deploy start` takes (`docs/export.md`,
//! "Salesforce").
//!
//! | file | what it holds |
//! |---|---|
//! | `sfdx-project.json` | the project: one package directory, `force-app` |
//! | `manifest/package.xml` | every component, for `sf project deploy start --manifest` |
//! | `force-app/main/default/entitlementProcesses/<name>.entitlementProcess-meta.xml` | one version of a process |
//! | `force-app/main/default/milestoneTypes/<name>.milestoneType-meta.xml` | one milestone (its recurrence) |
//! | `force-app/main/default/settings/BusinessHours.settings-meta.xml` | business hours and holidays |
//! | `data/business_hours.json`, `data/holidays.json` | the same calendars as `BusinessHours` and `Holiday` records, as the REST API returns them (what `entitlement import salesforce` reads back) |
//! | `README.md` | how to deploy, and what was not exported |

use std::collections::{BTreeMap, BTreeSet};

use chrono::Weekday;
use serde_json::{Map, Value, json};

use super::{ExportFile, Refusals, file_name, numbers_as_floats, same_calendar, xml_text};
use crate::calendar::Shape;
use crate::calendar::holiday::{Holiday, Observed, Pick, Rule, Unit};
use crate::calendar::hours::DAY_S;
use crate::error::Result;
use crate::import::salesforce::{MetadataFile, completed_event, field_name, started_event};
use crate::rules::{
    Criteria, Level, Milestone, MilestoneKind, Op, Process, Recurrence, Target, TargetSpan,
    TriggerPoint,
};
use crate::{Calendar, Ruleset};

/// The Metadata API version written in `package.xml` and `sfdx-project.json`.
pub const API_VERSION: &str = "62.0";

const NAMESPACE: &str = "http://soap.sforce.com/2006/04/metadata";
const DEFAULT: &str = "force-app/main/default";
const DAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];
use crate::import::salesforce::hours::MONTHS;
/// The longest target or offset written, in minutes (the importer's bound).
const MAX_MINUTES: i64 = crate::import::MAX_TARGET_MINUTES;

/// The document as a Salesforce source-format project; see the module documentation for
/// the files.
///
/// A process becomes one `EntitlementProcess` file per version (its `name` is the process id,
/// `versionNumber` its version, `isVersionDefault` its `default`). Its milestones must have
/// the shape the Salesforce importer gives, since Salesforce milestones are completed by the
/// org's automation, not by built-in events: `kind: custom`, `completes_on:
/// [completed.<name>]`, `starts_on: [created, started.<name>]` (without `created` for a
/// process that starts at `SlaStartDate`). Each milestone name is also a `MilestoneType` with
/// its recurrence. A calendar becomes a `BusinessHoursEntry` (one interval a day at most) and
/// its holidays `Holiday` entries.
///
/// ```
/// use entitlement_core::{Ruleset, export::salesforce};
///
/// let rules = Ruleset::from_yaml(r#"
/// calendars:
///   Support: { time_zone: America/New_York, hours: { mon: ["09:00-17:00"] } }
/// processes:
///   - id: Gold Support
///     calendar: Support
///     exit_statuses: [Closed]
///     milestones:
///       - { name: First Response, kind: custom, starts_on: [created, started.First_Response],
///           completes_on: [completed.First_Response], target: 60m,
///           when: { field: priority, op: eq, value: High },
///           triggers: [ { at: "-15m", level: warning, actions: [Notify_Owner] } ] }
/// monitor: { actions: { Notify_Owner: { label: Notify the owner } } }
/// "#)?;
/// let files = salesforce::export(&rules)?;
/// let process = files.iter()
///     .find(|f| f.path == "force-app/main/default/entitlementProcesses/gold support.entitlementProcess-meta.xml")
///     .unwrap();
/// assert!(process.contents.contains("<minutesToComplete>60</minutesToComplete>"));
/// assert!(process.contents.contains("<field>Case.Priority</field>"));
/// assert!(files.iter().any(|f| f.path == "manifest/package.xml"));
/// # Ok::<(), entitlement_core::Error>(())
/// ```
pub fn export(rules: &Ruleset) -> Result<Vec<ExportFile>> {
    let mut refusals = Refusals::default();
    let mut files = Vec::new();

    // Calendars: business hours and holidays.
    let mut entries = Vec::new();
    let mut records = Vec::new();
    let mut holiday_records: Map<String, Value> = Map::new();
    // One holiday entry per distinct holiday, listing the business hours that use it.
    let mut holiday_entries: Vec<(Map<String, Value>, Vec<String>)> = Vec::new();
    for (name, cal) in super::calendars(rules) {
        let path = format!("calendars.{name}");
        let before = refusals.is_empty();
        let Some((record, holidays)) = business_hours(name, cal, &path, &mut refusals) else {
            continue;
        };
        if before && refusals.is_empty() {
            verify_calendar(name, cal, &record, &holidays, &path, &mut refusals);
        }
        entries.push(entry_xml(&record));
        for h in &holidays {
            match holiday_entries.iter_mut().find(|(r, _)| r == h) {
                Some((_, users)) => users.push(name.to_string()),
                None => holiday_entries.push((h.clone(), vec![name.to_string()])),
            }
        }
        let hols: Vec<Value> = holidays.iter().cloned().map(Value::Object).collect();
        if !hols.is_empty() {
            holiday_records.insert(
                name.to_string(),
                json!({"totalSize": hols.len(), "done": true, "records": hols}),
            );
        }
        records.push(Value::Object(record));
    }
    let has_settings = !entries.is_empty();
    if has_settings {
        let mut xml = header("BusinessHoursSettings");
        for e in &entries {
            xml.push_str(e);
        }
        for (h, users) in &holiday_entries {
            xml.push_str(&holiday_xml(h, users));
        }
        xml.push_str("</BusinessHoursSettings>\n");
        files.push(ExportFile::new(
            format!("{DEFAULT}/settings/BusinessHours.settings-meta.xml"),
            xml,
        ));
        files.push(ExportFile::new(
            "data/business_hours.json",
            pretty(&json!({"totalSize": records.len(), "done": true, "records": records})),
        ));
        files.push(ExportFile::new(
            "data/holidays.json",
            pretty(&Value::Object(holiday_records)),
        ));
    }

    // Processes and milestone types.
    let mut types: BTreeMap<String, (Recurrence, String)> = BTreeMap::new();
    let mut process_files: Vec<(String, MetadataFile, &Process, String)> = Vec::new();
    let mut stems: BTreeSet<String> = BTreeSet::new();
    for (i, p) in rules.processes().iter().enumerate() {
        let path = format!("processes[{i}]");
        let Some(xml) = process_xml(p, &path, &mut types, &mut refusals) else {
            continue;
        };
        let mut stem = file_name(&p.id.to_lowercase());
        if p.version > 1 {
            stem.push_str(&format!("_v{}", p.version));
        }
        if !stems.insert(stem.clone()) {
            refusals.refuse(
                format!("{path}.id"),
                format!("another process is written to the file name {stem:?}: process ids must differ by more than case"),
            );
            continue;
        }
        let name = format!("{stem}.entitlementProcess-meta.xml");
        let file = MetadataFile {
            name: name.clone(),
            text: xml,
        };
        process_files.push((stem, file, p, path));
    }
    let type_files: Vec<MetadataFile> = types
        .iter()
        .map(|(name, (r, _))| MetadataFile {
            name: format!("{}.milestoneType-meta.xml", file_name(name)),
            text: milestone_type_xml(*r),
        })
        .collect();
    if refusals.is_empty() {
        for (_, file, p, path) in &process_files {
            verify_process(p, file, &type_files, path, &mut refusals);
        }
    }
    refusals.finish("Salesforce")?;

    let mut readme = String::from(
        "# Salesforce export\n\nGenerated by `entitlement export salesforce` from the rules \
         document: edit the document, not these files (docs/export.md).\n\nDeploy with \
         `sf project deploy start --manifest manifest/package.xml` from this folder (business \
         hours first if the processes name them: they deploy together in one request).\n\n",
    );
    for (stem, file, _, _) in &process_files {
        files.push(ExportFile::new(
            format!("{DEFAULT}/entitlementProcesses/{}", file.name),
            file.text.clone(),
        ));
        readme.push_str(&format!("- entitlement process `{stem}`\n"));
    }
    for f in &type_files {
        files.push(ExportFile::new(
            format!("{DEFAULT}/milestoneTypes/{}", f.name),
            f.text.clone(),
        ));
    }
    readme.push_str(&format!(
        "- {} milestone type{}\n",
        type_files.len(),
        if type_files.len() == 1 { "" } else { "s" }
    ));
    if has_settings {
        readme.push_str(&format!(
            "- business hours settings: {} business hours, {} holiday{}\n",
            entries.len(),
            holiday_entries.len(),
            if holiday_entries.len() == 1 { "" } else { "s" }
        ));
    }
    readme.push_str(
        "\nTrigger and success actions are written as workflow actions of type `Alert` named \
         after the document's action labels: they must exist in the org under those names \
         (change the `<type>` where an action is a field update, a task or an outbound \
         message). Business hours are written with `default` false: choose the org's default in \
         Setup.\n\n## Not exported\n\n",
    );
    let n = rules.entitlements().len();
    readme.push_str(&format!(
        "- {n} entitlement{}: `Entitlement` records belong to accounts of the org; the review \
         (`entitlement export review`) lists them.\n",
        if n == 1 { "" } else { "s" }
    ));
    files.push(ExportFile::new("README.md", readme));

    let mut members: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    members.insert(
        "EntitlementProcess",
        process_files.iter().map(|(s, ..)| s.clone()).collect(),
    );
    members.insert("MilestoneType", types.keys().cloned().collect());
    if has_settings {
        members.insert("Settings", vec!["BusinessHours".into()]);
    }
    let mut package = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Package xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n",
    );
    for (kind, list) in &members {
        if list.is_empty() {
            continue;
        }
        package.push_str("    <types>\n");
        for m in list {
            package.push_str(&format!("        <members>{}</members>\n", xml_text(m)));
        }
        package.push_str(&format!("        <name>{kind}</name>\n    </types>\n"));
    }
    package.push_str(&format!(
        "    <version>{API_VERSION}</version>\n</Package>\n"
    ));
    files.push(ExportFile::new("manifest/package.xml", package));
    files.push(ExportFile::new(
        "sfdx-project.json",
        pretty(&json!({
            "packageDirectories": [{"path": "force-app", "default": true}],
            "name": "entitlement-export",
            "namespace": "",
            "sfdcLoginUrl": "https://login.salesforce.com",
            "sourceApiVersion": API_VERSION
        })),
    ));
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

fn pretty(v: &Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

fn header(root: &str) -> String {
    format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<{root} xmlns=\"{NAMESPACE}\">\n")
}

/// A wall time as Salesforce writes business hours: `HH:mm:ss.SSSZ`; the end of the day
/// (24:00) is `00:00:00.000Z`.
fn wall(seconds: u32) -> String {
    let s = seconds % DAY_S;
    format!("{:02}:{:02}:{:02}.000Z", s / 3600, s / 60 % 60, s % 60)
}

/// Salesforce's weekday mask bit (Sunday 1 … Saturday 64) of a weekday.
fn mask_bit(w: Weekday) -> i64 {
    match w {
        Weekday::Sun => 1,
        Weekday::Mon => 2,
        Weekday::Tue => 4,
        Weekday::Wed => 8,
        Weekday::Thu => 16,
        Weekday::Fri => 32,
        Weekday::Sat => 64,
    }
}

/// Salesforce's mask of the document's (Monday bit 0 … Sunday bit 6).
fn mask_of(weekdays: u8) -> i64 {
    let order = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];
    (0..7)
        .filter(|i| weekdays & (1 << i) != 0)
        .map(|i| mask_bit(order[i]))
        .sum()
}

fn instance(nth: i32) -> Option<&'static str> {
    Some(match nth {
        1 => "First",
        2 => "Second",
        3 => "Third",
        4 => "Fourth",
        -1 => "Last",
        _ => return None,
    })
}

type Hours = (Map<String, Value>, Vec<Map<String, Value>>);

/// The `BusinessHours` record and `Holiday` records of a calendar (REST field names).
fn business_hours(
    name: &str,
    cal: &Calendar,
    path: &str,
    refusals: &mut Refusals,
) -> Option<Hours> {
    let z = match cal.shape() {
        Shape::Zoned(z) => z,
        Shape::AlwaysOpen => {
            refusals.refuse(
                path,
                "an always-open calendar has no time zone, and Salesforce business hours have one: write `time_zone` and `00:00-00:00` on every day",
            );
            return None;
        }
        Shape::Union => {
            refusals.refuse(
                path,
                "a union of calendars: Salesforce business hours are one set of hours in one time zone",
            );
            return None;
        }
    };
    let mut r = Map::new();
    r.insert("attributes".into(), json!({"type": "BusinessHours"}));
    r.insert("Name".into(), json!(name));
    r.insert("IsActive".into(), json!(true));
    r.insert("IsDefault".into(), json!(false));
    r.insert("TimeZoneSidKey".into(), json!(z.tz.name()));
    let keys = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    for (day, spans) in z.weekly.iter().enumerate() {
        let field = |suffix: &str| {
            let mut d = DAYS[day].to_string();
            d[..1].make_ascii_uppercase();
            format!("{d}{suffix}")
        };
        match spans.as_slice() {
            [] => {
                r.insert(field("StartTime"), Value::Null);
                r.insert(field("EndTime"), Value::Null);
            }
            [s] if s.end <= DAY_S => {
                r.insert(field("StartTime"), json!(wall(s.start)));
                r.insert(field("EndTime"), json!(wall(s.end)));
            }
            [s] => refusals.refuse(
                format!("{path}.hours.{}[0]", keys[day]),
                format!(
                    "{} runs overnight: Salesforce business hours end on the day they start (or at 00:00)",
                    s.describe()
                ),
            ),
            _ => refusals.refuse(
                format!("{path}.hours.{}", keys[day]),
                "Salesforce business hours have one interval a day (no lunch break)",
            ),
        }
    }
    if !z.overrides.is_empty() {
        refusals.refuse(
            format!("{path}.overrides"),
            "Salesforce business hours have no dated hours (overrides); a closure can be a holiday",
        );
    }
    let defs = super::holiday_definitions(cal);
    for (k, def) in defs.iter().enumerate() {
        if def.get("country").is_some() {
            refusals.refuse(
                format!("{path}.holidays[{k}]"),
                "a country's built-in public holidays: Salesforce holidays are the org's own records; write the dates the org observes as holidays",
            );
        }
    }
    let mut holidays = Vec::new();
    for (h, &k) in z.holidays.iter().zip(&z.document_index) {
        let hp = format!("{path}.holidays[{k}]");
        let hname = defs
            .get(k)
            .and_then(|d| d.get("name"))
            .and_then(Value::as_str);
        if let Some(rec) = holiday(h, hname, &hp, refusals) {
            holidays.push(rec);
        }
    }
    Some((r, holidays))
}

fn holiday(
    h: &Holiday,
    name: Option<&str>,
    hp: &str,
    refusals: &mut Refusals,
) -> Option<Map<String, Value>> {
    let Some(name) = name.filter(|n| !n.trim().is_empty()) else {
        refusals.refuse(
            format!("{hp}.name"),
            "a Salesforce holiday has a name: give the holiday one",
        );
        return None;
    };
    let mut rec = Map::new();
    rec.insert("attributes".into(), json!({"type": "Holiday"}));
    rec.insert("Name".into(), json!(name));
    match h.observed {
        Observed::Actual => {}
        Observed::NearestWeekday
        | Observed::NextWeekday
        | Observed::PreviousFriday
        | Observed::NextMonday
        | Observed::NextMondayOrTuesday
        | Observed::NearestWorkday
        | Observed::PreviousWorkday => {
            refusals.refuse(
                format!("{hp}.observed"),
                "an observed-day shift: Salesforce holidays have no weekend rule",
            );
            return None;
        }
    }
    if !h.except.is_empty() {
        refusals.refuse(
            format!("{hp}.except"),
            "Salesforce recurring holidays have no exceptions",
        );
        return None;
    }
    match &h.hours {
        None => {
            rec.insert("IsAllDay".into(), json!(true));
        }
        Some(spans) => match spans.as_slice() {
            [s] if s.end <= DAY_S && s.start % 60 == 0 && s.end % 60 == 0 => {
                rec.insert("IsAllDay".into(), json!(false));
                rec.insert("StartTimeInMinutes".into(), json!(s.start / 60));
                rec.insert("EndTimeInMinutes".into(), json!(s.end / 60));
            }
            _ => {
                refusals.refuse(
                    format!("{hp}.hours"),
                    "a Salesforce holiday closes the whole day or one interval of whole minutes within it",
                );
                return None;
            }
        },
    }
    let recurring = |rec: &mut Map<String, Value>, kind: &str, refusals: &mut Refusals| -> bool {
        let Some(starts) = h.starts else {
            refusals.refuse(
                format!("{hp}.starts"),
                "a Salesforce recurring holiday has a start date (RecurrenceStartDate): add `starts`",
            );
            return false;
        };
        rec.insert("IsRecurrence".into(), json!(true));
        rec.insert("RecurrenceType".into(), json!(kind));
        rec.insert("RecurrenceStartDate".into(), json!(starts.to_string()));
        if let Some(u) = h.until {
            rec.insert("RecurrenceEndDateOnly".into(), json!(u.to_string()));
        }
        true
    };
    let ok = match &h.rule {
        Rule::Date(d) => {
            rec.insert("IsRecurrence".into(), json!(false));
            rec.insert("ActivityDate".into(), json!(d.to_string()));
            true
        }
        Rule::Range(..) => {
            refusals.refuse(
                hp,
                "a range of dates: a Salesforce holiday is one day (or a recurrence); write one holiday per day",
            );
            false
        }
        Rule::MonthDay { month, day } => {
            rec.insert(
                "RecurrenceMonthOfYear".into(),
                json!(MONTHS[*month as usize - 1]),
            );
            rec.insert("RecurrenceDayOfMonth".into(), json!(day));
            recurring(&mut rec, "RecursYearly", refusals)
        }
        Rule::NthWeekday {
            month,
            weekday,
            nth,
        } => match instance(*nth) {
            Some(inst) => {
                rec.insert(
                    "RecurrenceMonthOfYear".into(),
                    json!(MONTHS[*month as usize - 1]),
                );
                rec.insert("RecurrenceInstance".into(), json!(inst));
                rec.insert("RecurrenceDayOfWeekMask".into(), json!(mask_bit(*weekday)));
                recurring(&mut rec, "RecursYearlyNth", refusals)
            }
            None => {
                refusals.refuse(
                    format!("{hp}.yearly.nth"),
                    "Salesforce picks the first to fourth or the last weekday of a month",
                );
                false
            }
        },
        Rule::Dates(_) => {
            refusals.refuse(
                hp,
                "a table of dates: a Salesforce holiday is one day (or a recurrence); write one holiday per day",
            );
            false
        }
        Rule::Easter { .. } => {
            refusals.refuse(
                hp,
                "a holiday counted from Easter: Salesforce has no Easter rule; write its dates as one-off holidays",
            );
            false
        }
        Rule::Recurs(r) => {
            let interval = |rec: &mut Map<String, Value>| {
                rec.insert("RecurrenceInterval".into(), json!(r.every));
            };
            match (r.unit, r.pick) {
                (Unit::Day, _) => {
                    interval(&mut rec);
                    recurring(&mut rec, "RecursDaily", refusals)
                }
                (Unit::Week, _) if r.week_start == Weekday::Sun => {
                    interval(&mut rec);
                    rec.insert("RecurrenceDayOfWeekMask".into(), json!(mask_of(r.weekdays)));
                    recurring(&mut rec, "RecursWeekly", refusals)
                }
                (Unit::Week, _) if r.every == 1 && r.weekdays == 0b1_1111 => {
                    rec.insert("RecurrenceDayOfWeekMask".into(), json!(62));
                    recurring(&mut rec, "RecursEveryWeekday", refusals)
                }
                (Unit::Month, Some(Pick::Day(d))) => {
                    interval(&mut rec);
                    rec.insert("RecurrenceDayOfMonth".into(), json!(d));
                    recurring(&mut rec, "RecursMonthly", refusals)
                }
                (Unit::Month, Some(Pick::Nth { nth, weekdays })) if instance(nth).is_some() => {
                    interval(&mut rec);
                    rec.insert("RecurrenceInstance".into(), json!(instance(nth)));
                    rec.insert("RecurrenceDayOfWeekMask".into(), json!(mask_of(weekdays)));
                    recurring(&mut rec, "RecursMonthlyNth", refusals)
                }
                (Unit::Year, Some(Pick::Nth { nth, weekdays }))
                    if r.every == 1 && instance(nth).is_some() =>
                {
                    rec.insert(
                        "RecurrenceMonthOfYear".into(),
                        json!(MONTHS[r.month.clamp(1, 12) as usize - 1]),
                    );
                    rec.insert("RecurrenceInstance".into(), json!(instance(nth)));
                    rec.insert("RecurrenceDayOfWeekMask".into(), json!(mask_of(weekdays)));
                    recurring(&mut rec, "RecursYearlyNth", refusals)
                }
                (Unit::Week | Unit::Month | Unit::Year, _) => {
                    refusals.refuse(
                        format!("{hp}.recurs"),
                        "this recurrence has no Salesforce RecurrenceType (RecursDaily, RecursEveryWeekday, RecursWeekly with weeks from Sunday, RecursMonthly, RecursMonthlyNth, RecursYearly, RecursYearlyNth)",
                    );
                    false
                }
            }
        }
    };
    ok.then_some(rec)
}

/// Imports the records back and refuses the calendar when it differs.
fn verify_calendar(
    name: &str,
    cal: &Calendar,
    record: &Map<String, Value>,
    holidays: &[Map<String, Value>],
    path: &str,
    refusals: &mut Refusals,
) {
    let hols: Vec<Value> = holidays.iter().cloned().map(Value::Object).collect();
    let back = crate::import::salesforce::business_hours(
        &json!({"records": [record]}),
        Some(&json!({ name: hols })),
    )
    .and_then(|i| i.calendar(Some(name)));
    match back {
        Ok(b) if same_calendar(cal, &b) => {}
        Ok(b) => refusals.refuse(
            path,
            format!(
                "the business hours would import back as {}, not as the calendar",
                crate::error::shortened(&b.to_value().to_string(), 400)
            ),
        ),
        Err(e) => refusals.refuse(
            path,
            format!("the business hours would not import back: {e}"),
        ),
    }
}

fn entry_xml(r: &Map<String, Value>) -> String {
    let text = |k: &str| r.get(k).and_then(Value::as_str).map(xml_text);
    let mut out = String::from(
        "    <businessHours>\n        <active>true</active>\n        <default>false</default>\n",
    );
    // Salesforce writes the elements in alphabetical order.
    let mut fields: Vec<(String, String)> = Vec::new();
    for day in DAYS {
        let mut d = day.to_string();
        d[..1].make_ascii_uppercase();
        for suffix in ["StartTime", "EndTime"] {
            if let Some(v) = text(&format!("{d}{suffix}")) {
                fields.push((format!("{day}{suffix}"), v));
            }
        }
    }
    fields.push(("name".into(), text("Name").unwrap_or_default()));
    fields.push((
        "timeZoneId".into(),
        text("TimeZoneSidKey").unwrap_or_default(),
    ));
    fields.sort();
    for (k, v) in fields {
        out.push_str(&format!("        <{k}>{v}</{k}>\n"));
    }
    out.push_str("    </businessHours>\n");
    out
}

fn holiday_xml(h: &Map<String, Value>, users: &[String]) -> String {
    let mut fields: Vec<(String, String)> = Vec::new();
    let scalar = |v: &Value| match v {
        Value::String(s) => xml_text(s),
        other => other.to_string(),
    };
    for (rest, meta) in [
        ("ActivityDate", "activityDate"),
        ("IsRecurrence", "isRecurring"),
        ("Name", "name"),
        ("RecurrenceDayOfMonth", "recurrenceDayOfMonth"),
        ("RecurrenceDayOfWeekMask", "recurrenceDayOfWeekMask"),
        ("RecurrenceEndDateOnly", "recurrenceEndDate"),
        ("RecurrenceInstance", "recurrenceInstance"),
        ("RecurrenceInterval", "recurrenceInterval"),
        ("RecurrenceMonthOfYear", "recurrenceMonthOfYear"),
        ("RecurrenceStartDate", "recurrenceStartDate"),
        ("RecurrenceType", "recurrenceType"),
    ] {
        if let Some(v) = h.get(rest).filter(|v| !v.is_null()) {
            fields.push((meta.into(), scalar(v)));
        }
    }
    for (rest, meta) in [
        ("StartTimeInMinutes", "startTime"),
        ("EndTimeInMinutes", "endTime"),
    ] {
        if let Some(m) = h.get(rest).and_then(Value::as_u64) {
            fields.push((meta.into(), wall((m * 60) as u32)));
        }
    }
    fields.sort();
    let mut out = String::from("    <holidays>\n");
    let mut business = false;
    for (k, v) in fields {
        if !business && k.as_str() > "businessHours" {
            for u in users {
                out.push_str(&format!(
                    "        <businessHours>{}</businessHours>\n",
                    xml_text(u)
                ));
            }
            business = true;
        }
        out.push_str(&format!("        <{k}>{v}</{k}>\n"));
    }
    if !business {
        for u in users {
            out.push_str(&format!(
                "        <businessHours>{}</businessHours>\n",
                xml_text(u)
            ));
        }
    }
    out.push_str("    </holidays>\n");
    out
}

fn milestone_type_xml(r: Recurrence) -> String {
    let kind = match r {
        Recurrence::None => "none",
        Recurrence::Independent => "recursIndependently",
        Recurrence::Sequential => "recursChained",
    };
    format!(
        "{}    <recurrenceType>{kind}</recurrenceType>\n</MilestoneType>\n",
        header("MilestoneType")
    )
}

/// The Salesforce field (`Case.Severity__c`) of an engine field, when the importer reads it back
/// as the same field.
fn api_field(field: &str) -> Option<String> {
    let api = match field {
        "status" => "Case.Status".to_string(),
        "priority" => "Case.Priority".to_string(),
        f if f.contains('.') => f.to_string(),
        f => format!("Case.{f}"),
    };
    (field_name(&api, "Case") == field).then_some(api)
}

fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

struct Item {
    field: String,
    operation: &'static str,
    value: Option<String>,
}

/// One filter item of a comparison (or of `not exists`).
fn item(c: &Criteria, path: &str, refusals: &mut Refusals) -> Option<Item> {
    let (field, op, value, negated) = match c {
        Criteria::Compare { field, op, value } => (field, *op, value, false),
        Criteria::Not { not } => match not.as_ref() {
            Criteria::Compare {
                field,
                op: Op::Exists,
                value: None,
            } => (field, Op::Exists, &None, true),
            _ => return None,
        },
        Criteria::All { .. } | Criteria::Any { .. } => return None,
    };
    let Some(api) = api_field(field) else {
        refusals.refuse(
            format!("{path}.field"),
            format!("{field:?} does not name a Salesforce field the importer reads back as itself"),
        );
        return None;
    };
    let one = |refusals: &mut Refusals| -> Option<String> {
        let text = value.as_ref().and_then(value_text);
        match text {
            Some(t) if !t.is_empty() && !t.contains(',') && t.trim() == t => Some(t),
            _ => {
                refusals.refuse(
                    format!("{path}.value"),
                    "a Salesforce filter value is one non-empty text without commas or edge spaces",
                );
                None
            }
        }
    };
    let list = |refusals: &mut Refusals| -> Option<String> {
        let items: Vec<String> = value
            .as_ref()
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(value_text).collect())
            .unwrap_or_default();
        if items.len() < 2
            || items
                .iter()
                .any(|t| t.is_empty() || t.contains(',') || t.trim() != t)
        {
            refusals.refuse(
                format!("{path}.value"),
                "Salesforce lists two or more values separated by commas: give at least two, without commas (one value is `eq` / `ne`)",
            );
            return None;
        }
        Some(items.join(","))
    };
    let (operation, value) = match op {
        Op::Exists if negated => ("equals", None),
        Op::Exists => match value {
            None => ("notEqual", None),
            Some(_) => {
                refusals.refuse(
                    format!("{path}.value"),
                    "write `exists` without a value (or `not: {field, op: exists}`)",
                );
                return None;
            }
        },
        Op::Eq => ("equals", Some(one(refusals)?)),
        Op::Ne => ("notEqual", Some(one(refusals)?)),
        Op::In => ("equals", Some(list(refusals)?)),
        Op::NotIn => ("notEqual", Some(list(refusals)?)),
        Op::Lt | Op::Le | Op::Gt | Op::Ge => {
            let Some(n) = value.as_ref().and_then(Value::as_f64) else {
                refusals.refuse(
                    format!("{path}.value"),
                    "the importer compares numbers only by order",
                );
                return None;
            };
            let operation = match op {
                Op::Lt => "lessThan",
                Op::Le => "lessOrEqual",
                Op::Gt => "greaterThan",
                _ => "greaterOrEqual",
            };
            (operation, Some(n.to_string()))
        }
    };
    Some(Item {
        field: api,
        operation,
        value,
    })
}

/// A criteria tree as filter items and a boolean filter (`1 AND (2 OR NOT 3)`).
fn criteria(
    c: &Criteria,
    path: &str,
    refusals: &mut Refusals,
) -> Option<(Vec<Item>, Option<String>)> {
    let mut items = Vec::new();
    // A flat `all` of comparisons needs no boolean filter.
    if let Criteria::All { all } = c
        && all.len() > 1
        && all
            .iter()
            .all(|x| !matches!(x, Criteria::All { .. } | Criteria::Any { .. }))
    {
        let mut ok = true;
        for (i, x) in all.iter().enumerate() {
            match item(x, &format!("{path}.all[{i}]"), refusals) {
                Some(it) => items.push(it),
                None => ok = false,
            }
        }
        if all
            .iter()
            .all(|x| !matches!(x, Criteria::Not { .. }) || leaf_not(x))
        {
            return ok.then_some((items, None));
        }
        items.clear();
    }
    let mut ok = true;
    let logic = render(c, path, &mut items, refusals, &mut ok);
    if !ok {
        return None;
    }
    if items.len() == 1 && logic == "1" {
        return Some((items, None));
    }
    Some((items, Some(logic)))
}

fn leaf_not(c: &Criteria) -> bool {
    matches!(c, Criteria::Not { not } if matches!(not.as_ref(), Criteria::Compare { op: Op::Exists, value: None, .. }))
}

fn render(
    c: &Criteria,
    path: &str,
    items: &mut Vec<Item>,
    refusals: &mut Refusals,
    ok: &mut bool,
) -> String {
    match c {
        Criteria::Compare { .. } => match item(c, path, refusals) {
            Some(it) => {
                items.push(it);
                items.len().to_string()
            }
            None => {
                *ok = false;
                String::new()
            }
        },
        Criteria::Not { not } if leaf_not(c) => {
            let _ = not;
            match item(c, path, refusals) {
                Some(it) => {
                    items.push(it);
                    items.len().to_string()
                }
                None => {
                    *ok = false;
                    String::new()
                }
            }
        }
        Criteria::Not { not } => format!(
            "NOT {}",
            render(not, &format!("{path}.not"), items, refusals, ok)
        ),
        Criteria::All { all: list } | Criteria::Any { any: list } => {
            let (word, key) = if matches!(c, Criteria::All { .. }) {
                (" AND ", "all")
            } else {
                (" OR ", "any")
            };
            if list.len() < 2 {
                refusals.refuse(
                    format!("{path}.{key}"),
                    "a group of fewer than two criteria: Salesforce's filter logic reads it as the criterion itself; write the criterion",
                );
                *ok = false;
                return String::new();
            }
            let parts: Vec<String> = list
                .iter()
                .enumerate()
                .map(|(i, x)| render(x, &format!("{path}.{key}[{i}]"), items, refusals, ok))
                .collect();
            format!("({})", parts.join(word))
        }
    }
}

fn items_xml(tag: &str, items: &[Item], indent: &str) -> String {
    let mut out = String::new();
    for it in items {
        out.push_str(&format!("{indent}<{tag}>\n"));
        out.push_str(&format!(
            "{indent}    <field>{}</field>\n",
            xml_text(&it.field)
        ));
        out.push_str(&format!(
            "{indent}    <operation>{}</operation>\n",
            it.operation
        ));
        if let Some(v) = &it.value {
            out.push_str(&format!("{indent}    <value>{}</value>\n", xml_text(v)));
        }
        out.push_str(&format!("{indent}</{tag}>\n"));
    }
    out
}

/// The milestone name Salesforce knows: the name without the ` [k]` the importer adds to a
/// name that a process uses more than once.
fn base_name(m: &Milestone) -> String {
    if let Some(open) = m.name.rfind(" [")
        && m.name.ends_with(']')
        && m.name[open + 2..m.name.len() - 1]
            .bytes()
            .all(|b| b.is_ascii_digit())
        && m.completes_on == [completed_event(&m.name[..open])]
    {
        return m.name[..open].to_string();
    }
    m.name.clone()
}

fn actions_xml(tag: &str, names: &[String], indent: &str) -> String {
    names
        .iter()
        .map(|a| {
            format!(
                "{indent}<{tag}>\n{indent}    <name>{}</name>\n{indent}    <type>Alert</type>\n{indent}</{tag}>\n",
                xml_text(a)
            )
        })
        .collect()
}

fn process_xml(
    p: &Process,
    path: &str,
    types: &mut BTreeMap<String, (Recurrence, String)>,
    refusals: &mut Refusals,
) -> Option<String> {
    let mut ok = true;
    if p.name.as_deref().is_some_and(|n| n != p.id) {
        refusals.refuse(
            format!("{path}.name"),
            "Salesforce identifies an entitlement process by its name: the name must be the id (or be left out)",
        );
        ok = false;
    }
    if !p.pause_statuses.is_empty() {
        refusals.refuse(
            format!("{path}.pause_statuses"),
            "Salesforce pauses milestones when a case is stopped (Case.IsStopped, or statuses in the org's Support Settings), not by process",
        );
        ok = false;
    }
    for (k, s) in p.exit_statuses.iter().enumerate() {
        if s.contains(',') || s.trim() != s || s.is_empty() {
            refusals.refuse(
                format!("{path}.exit_statuses[{k}]"),
                "Salesforce lists statuses separated by commas: a status cannot hold one",
            );
            ok = false;
        }
    }
    let created = |m: &Milestone| m.starts_on.first().is_some_and(|s| s == "created");
    let entry_created = p.milestones.is_empty() || created(&p.milestones[0]);
    let mut body = String::new();
    for (j, m) in p.milestones.iter().enumerate() {
        let mp = format!("{path}.milestones[{j}]");
        let name = base_name(m);
        let mut starts = Vec::new();
        if entry_created {
            starts.push("created".to_string());
        }
        starts.push(started_event(&name));
        if m.kind != MilestoneKind::Custom
            || m.completes_on != [completed_event(&name)]
            || m.starts_on != starts
        {
            refusals.refuse(
                &mp,
                format!(
                    "Salesforce milestones are completed by the org's automation, not by built-in events: write it as `kind: custom`, `starts_on: [{}]`, `completes_on: [{}]` (the case import turns CaseMilestone rows into those events)",
                    starts.join(", "),
                    completed_event(&name)
                ),
            );
            ok = false;
            continue;
        }
        if m.pause_statuses.is_some() {
            refusals.refuse(
                format!("{mp}.pause_statuses"),
                "Salesforce has no pause statuses per milestone",
            );
            ok = false;
        }
        match types.get(&name) {
            Some((r, first)) if *r != m.recurrence => {
                refusals.refuse(
                    format!("{mp}.recurrence"),
                    format!(
                        "the milestone type {name:?} is one per org, and {first} gives it another recurrence"
                    ),
                );
                ok = false;
            }
            Some(_) => {}
            None => {
                types.insert(name.clone(), (m.recurrence, mp.clone()));
            }
        }
        let minutes = match &m.target {
            Target::Fixed(TargetSpan::Time(s))
                if s.0 % 60_000_000 == 0 && (1..=MAX_MINUTES).contains(&(s.0 / 60_000_000)) =>
            {
                s.0 / 60_000_000
            }
            Target::Fixed(TargetSpan::BusinessDays(_)) => {
                refusals.refuse(
                    format!("{mp}.target"),
                    "a target in business days (`bd`): Salesforce counts a milestone in minutes of business hours",
                );
                ok = false;
                continue;
            }
            Target::Fixed(_) => {
                refusals.refuse(
                    format!("{mp}.target"),
                    format!("Salesforce's minutesToComplete is whole minutes, 1 to {MAX_MINUTES}"),
                );
                ok = false;
                continue;
            }
            Target::ByTier { .. } => {
                refusals.refuse(
                    format!("{mp}.target"),
                    "a target by tier: Salesforce gives a milestone one minutesToComplete; write one milestone per tier with `when` criteria (Salesforce repeats the milestone name; the importer numbers them `Name [1]`, `Name [2]`)",
                );
                ok = false;
                continue;
            }
        };
        let mut ms = String::from("    <milestones>\n");
        if let Some(cal) = &m.calendar {
            ms.push_str(&format!(
                "        <businessHours>{}</businessHours>\n",
                xml_text(cal)
            ));
        }
        if let Some(when) = &m.when {
            match criteria(when, &format!("{mp}.when"), refusals) {
                Some((items, logic)) => {
                    if let Some(l) = logic {
                        ms.push_str(&format!(
                            "        <criteriaBooleanFilter>{l}</criteriaBooleanFilter>\n"
                        ));
                    }
                    ms.push_str(&items_xml(
                        "milestoneCriteriaFilterItems",
                        &items,
                        "        ",
                    ));
                }
                None => ok = false,
            }
        }
        ms.push_str(&format!(
            "        <milestoneName>{}</milestoneName>\n",
            xml_text(&name)
        ));
        ms.push_str(&format!(
            "        <minutesToComplete>{minutes}</minutesToComplete>\n"
        ));
        ms.push_str(&actions_xml("successActions", &m.on_complete, "        "));
        for (t, trig) in m.triggers.iter().enumerate() {
            let tp = format!("{mp}.triggers[{t}]");
            let length = match (trig.at, trig.level) {
                (TriggerPoint::Percent(100.0), Level::Violation) => 0,
                (TriggerPoint::Offset(o), Level::Warning) if o < 0 && o % 60_000_000 == 0 => {
                    o / 60_000_000
                }
                (TriggerPoint::Offset(o), Level::Violation) if o > 0 && o % 60_000_000 == 0 => {
                    o / 60_000_000
                }
                (TriggerPoint::Percent(_) | TriggerPoint::Offset(_), _) => {
                    refusals.refuse(
                        &tp,
                        "a Salesforce time trigger is whole minutes before the target (read back as a warning), at it (`100%`) or after it (read back as a violation); percentages other than 100% and other levels have no time trigger",
                    );
                    ok = false;
                    continue;
                }
            };
            let (n, unit) = if length != 0 && length % 1440 == 0 {
                (length / 1440, "Days")
            } else if length != 0 && length % 60 == 0 {
                (length / 60, "Hours")
            } else {
                (length, "Minutes")
            };
            if length.abs() > MAX_MINUTES {
                refusals.refuse(&tp, "the offset is too long");
                ok = false;
                continue;
            }
            ms.push_str("        <timeTriggers>\n");
            ms.push_str(&actions_xml("actions", &trig.actions, "            "));
            ms.push_str(&format!("            <timeLength>{n}</timeLength>\n"));
            ms.push_str(&format!(
                "            <workflowTimeTriggerUnit>{unit}</workflowTimeTriggerUnit>\n"
            ));
            ms.push_str("        </timeTriggers>\n");
        }
        ms.push_str(&format!(
            "        <useCriteriaStartTime>{}</useCriteriaStartTime>\n",
            m.when.is_some()
        ));
        ms.push_str("    </milestones>\n");
        body.push_str(&ms);
    }
    if !ok {
        return None;
    }
    let mut xml = header("EntitlementProcess");
    xml.push_str("    <SObjectType>Case</SObjectType>\n    <active>true</active>\n");
    if let Some(c) = &p.calendar {
        xml.push_str(&format!(
            "    <businessHours>{}</businessHours>\n",
            xml_text(c)
        ));
    }
    xml.push_str(&format!(
        "    <entryStartDateField>{}</entryStartDateField>\n",
        if entry_created {
            "Case.CreatedDate"
        } else {
            "Case.SlaStartDate"
        }
    ));
    let mut exit = vec![Item {
        field: "Case.IsClosed".into(),
        operation: "equals",
        value: Some("true".into()),
    }];
    if !p.exit_statuses.is_empty() {
        exit.push(Item {
            field: "Case.Status".into(),
            operation: "equals",
            value: Some(p.exit_statuses.join(",")),
        });
        xml.push_str("    <exitCriteriaBooleanFilter>1 OR 2</exitCriteriaBooleanFilter>\n");
    }
    xml.push_str(&items_xml("exitCriteriaFilterItems", &exit, "    "));
    xml.push_str(&format!(
        "    <isVersionDefault>{}</isVersionDefault>\n",
        p.default
    ));
    xml.push_str(&body);
    xml.push_str(&format!("    <name>{}</name>\n", xml_text(&p.id)));
    xml.push_str(&format!(
        "    <versionNumber>{}</versionNumber>\n",
        p.version
    ));
    xml.push_str("</EntitlementProcess>\n");
    Some(xml)
}

/// Imports the process back (with the milestone types) and refuses it when it differs.
fn verify_process(
    p: &Process,
    file: &MetadataFile,
    types: &[MetadataFile],
    path: &str,
    refusals: &mut Refusals,
) {
    let mut files = vec![file.clone()];
    files.extend(types.iter().cloned());
    let back = crate::import::salesforce::entitlement_processes(&files)
        .and_then(|i| Process::parse(&i.document["processes"][0], path));
    let mut original = p.clone();
    if original.name.is_none() {
        original.name = Some(original.id.clone());
    }
    match back {
        Ok(b) => {
            let a = serde_json::to_value(&original).map(numbers_as_floats).ok();
            let bv = serde_json::to_value(&b).map(numbers_as_floats).ok();
            if a != bv {
                refusals.refuse(
                    path,
                    format!(
                        "the entitlement process would import back as a different process ({})",
                        crate::error::shortened(&bv.unwrap_or_default().to_string(), 400)
                    ),
                );
            }
        }
        Err(e) => refusals.refuse(
            path,
            format!("the entitlement process would not import back: {e}"),
        ),
    }
}
