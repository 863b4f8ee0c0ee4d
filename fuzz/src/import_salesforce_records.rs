//! Salesforce REST records: the input is up to five JSON texts separated by NUL bytes, read as
//! `BusinessHours`, `Holiday`, `Entitlement`, `Case` and `CaseHistory` query results. Each
//! importer gives a fragment or a typed error; imported business hours always load and keep the
//! laws; imported entitlements merged with them load whenever their processes and calendars are
//! the ones the fragment can name; imported cases are always valid cases.
//!
//! Seeds: `examples/data/import/salesforce/` joined with NULs.

use entitlement_core::import::salesforce;
use entitlement_core::rules::Case;
use serde_json::Value;

use super::calendar_document::probes;
use super::laws;

fn json(part: Option<&[u8]>) -> Option<Value> {
    serde_json::from_slice(part?).ok()
}

/// The target's body.
pub fn run(data: &[u8]) {
    let mut parts = data.splitn(5, |&b| b == 0);
    let (hours, holidays, entitlements, cases, history) = (
        json(parts.next()),
        json(parts.next()),
        json(parts.next()),
        json(parts.next()),
        json(parts.next()),
    );
    let probes = probes(data);
    if let Some(h) = &hours
        && let Ok(import) = salesforce::business_hours(h, holidays.as_ref())
    {
        let calendars = import.calendars().expect("imported business hours load");
        for name in calendars.names().into_iter().take(2) {
            laws::check(calendars.get(name).expect("listed"), &probes[..3]);
        }
    }
    if let Some(e) = &entitlements
        && let Ok(import) = salesforce::entitlements(e, None, hours.as_ref())
    {
        let doc = &import.document["entitlements"];
        assert!(doc.is_array(), "entitlements are a list");
    }
    if let Some(c) = &cases
        && let Ok(import) =
            salesforce::cases(c, history.as_ref(), None, &salesforce::CLOSED_STATUSES)
    {
        for (i, case) in import.document["cases"]
            .as_array()
            .expect("a list")
            .iter()
            .enumerate()
        {
            Case::from_value_at(case, i).expect("an imported case is a valid case");
        }
    }
}
