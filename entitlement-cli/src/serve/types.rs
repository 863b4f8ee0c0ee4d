//! The request and response bodies of the routes, as Rust types: serde reads and writes them,
//! and schemars describes them in the OpenAPI document, so the two cannot drift. The results
//! inside them (`CaseEvaluation`, `MonitorReport`, `CaseError`) are the core's own types, the
//! ones `entitlement schema --results` describes.

use std::collections::BTreeMap;

use entitlement_core::rules::{CaseError, CaseEvaluation};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::state::ReloadError;

/// An instant: RFC 3339 with a UTC offset (`2026-11-25T20:30:00Z`).
#[derive(JsonSchema)]
#[schemars(inline, extend("format" = "date-time"))]
pub struct Instant(#[allow(dead_code)] String);

/// One event of a case's history (`docs/rules.md`, "Cases").
#[derive(JsonSchema)]
#[allow(dead_code)]
#[schemars(deny_unknown_fields)]
pub struct CaseEvent {
    /// When it happened; not before the case's `created_at`.
    at: Instant,
    /// `agent_reply`, `customer_reply`, `status`, `field`, `solved`, `closed`, or a process's
    /// own event type.
    r#type: String,
    /// The new value: a status name (`status` events) or a field's value (`field` events).
    to: Option<Value>,
    /// The previous value, for the record.
    from: Option<Value>,
    /// The field a `field` event changes.
    field: Option<String>,
    /// The event's id in the source system, for the record.
    id: Option<String>,
    /// Anything else, ignored.
    meta: Option<BTreeMap<String, Value>>,
}

/// A case: its id, entitlement, creation time, fields and event history, the shape of the
/// cases files (`docs/rules.md`, "Cases").
#[derive(JsonSchema)]
#[allow(dead_code)]
#[schemars(deny_unknown_fields)]
pub struct CaseInput {
    /// The case's id (a number is read as its text).
    id: String,
    /// The entitlement the case is covered by.
    entitlement: Option<String>,
    /// A process to apply without an entitlement: its name, or `name@version`.
    process: Option<String>,
    /// When the case was opened.
    created_at: Instant,
    /// The case's fields at creation (`severity`, `priority`...), by name.
    fields: Option<BTreeMap<String, Value>>,
    /// The case's history, oldest first.
    events: Option<Vec<CaseEvent>>,
    /// Anything else, ignored.
    meta: Option<BTreeMap<String, Value>>,
}

/// `POST /v1/evaluate`: one case, and the instant to evaluate it at.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(example = examples::evaluate())]
pub struct EvaluateRequest {
    /// The case.
    #[schemars(with = "CaseInput")]
    pub case: Value,
    /// The instant to evaluate at; the server's clock when absent.
    #[schemars(with = "Option<Instant>")]
    #[serde(default)]
    pub now: Option<String>,
}

/// `POST /v1/evaluate-many`: cases, and the instant to evaluate them at.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(example = examples::many())]
pub struct EvaluateManyRequest {
    /// The cases (at most the server's `--max-cases`).
    #[schemars(with = "Vec<CaseInput>")]
    pub cases: Vec<Value>,
    /// The instant to evaluate at; the server's clock when absent.
    #[schemars(with = "Option<Instant>")]
    #[serde(default)]
    pub now: Option<String>,
}

/// The evaluations of the cases that could be evaluated, and an error for each other one.
#[derive(Serialize, JsonSchema)]
pub struct EvaluateManyResponse {
    /// One evaluation per case evaluated, in input order.
    pub evaluations: Vec<CaseEvaluation>,
    /// One entry per case that could not be read or evaluated, with its position (`index`).
    pub errors: Vec<CaseError>,
}

/// `POST /v1/monitor`: cases, `now`, and the start of the alert window.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(example = examples::monitor())]
pub struct MonitorRequest {
    /// The cases (at most the server's `--max-cases`).
    #[schemars(with = "Vec<CaseInput>")]
    pub cases: Vec<Value>,
    /// The end of the window and the instant of the statuses; the server's clock when absent.
    #[schemars(with = "Option<Instant>")]
    #[serde(default)]
    pub now: Option<String>,
    /// The start of the alert window (exclusive): the events of (since, now] are reported.
    /// A day before `now` when absent.
    #[schemars(with = "Option<Instant>")]
    #[serde(default)]
    pub since: Option<String>,
}

/// `POST /v1/calendars/{name}/add`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(example = serde_json::json!({"start": "2026-11-27T16:00:00Z", "duration": "4h"}))]
pub struct AddRequest {
    /// The instant to count from.
    #[schemars(with = "Instant")]
    pub start: String,
    /// The business time to add: `4h`, `1h30m`, `90s`, `2d` (24 business hours) or ISO 8601
    /// (`PT4H`); negative to go back.
    pub duration: String,
}

/// An instant the calendar computed.
#[derive(Serialize, JsonSchema)]
pub struct InstantResponse {
    /// The instant.
    #[schemars(with = "Instant")]
    pub at: String,
}

/// `POST /v1/calendars/{name}/elapsed`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(example = serde_json::json!({"start": "2026-11-27T16:00:00Z", "end": "2026-11-30T16:00:00Z"}))]
pub struct ElapsedRequest {
    /// The start of the span.
    #[schemars(with = "Instant")]
    pub start: String,
    /// The end of the span (before `start`: a negative result).
    #[schemars(with = "Instant")]
    pub end: String,
}

/// The business time between two instants.
#[derive(Serialize, JsonSchema)]
pub struct ElapsedResponse {
    /// Business seconds (microsecond precision).
    pub seconds: f64,
    /// The same, written as a duration (`1h30m`).
    pub duration: String,
}

/// `POST /v1/calendars/{name}/is-open` and `/next-open`.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(example = serde_json::json!({"at": "2026-11-28T16:00:00Z"}))]
pub struct AtRequest {
    /// The instant to ask about.
    #[schemars(with = "Instant")]
    pub at: String,
}

/// Whether the calendar is open.
#[derive(Serialize, JsonSchema)]
pub struct OpenResponse {
    /// Open at that instant (an opening includes its start, excludes its end).
    pub open: bool,
}

/// `GET /v1/rules`: the document in force.
#[derive(Serialize, JsonSchema)]
pub struct RulesInfo {
    /// The file served, as given to `--rules`.
    pub path: String,
    /// The SHA-256 of the file's bytes, in hex.
    pub sha256: String,
    /// When this document was loaded.
    #[schemars(with = "Instant")]
    pub loaded_at: String,
    /// The calendars' names, for `/v1/calendars/{name}/...`.
    pub calendars: Vec<String>,
    /// Why the last reload was refused (the document above kept serving); null after a
    /// reload that succeeded.
    pub last_reload_error: Option<ReloadError>,
}

/// `GET /healthz` and `GET /readyz`.
#[derive(Serialize, JsonSchema)]
pub struct Health {
    /// `ok` (healthz), `ready` or `draining` (readyz: shutting down, send no more).
    pub status: String,
}

/// The examples of the OpenAPI document: requests the sample rules (`examples/data/rules.yaml`)
/// answer with 200, so that a Flow admin's "test" and schemathesis' example phase exercise
/// the engine rather than its refusals.
mod examples {
    use serde_json::{Value, json};

    fn case() -> Value {
        json!({
            "id": "C-1001",
            "entitlement": "acme-gold",
            "created_at": "2026-11-16T15:00:00Z",
            "fields": {"severity": "Sev2"},
            "events": [
                {"at": "2026-11-16T15:40:00Z", "type": "agent_reply"},
                {"at": "2026-11-16T21:00:00Z", "type": "status", "to": "Waiting on Customer"},
                {"at": "2026-11-17T15:00:00Z", "type": "status", "to": "Open"},
                {"at": "2026-11-17T18:30:00Z", "type": "solved"}
            ]
        })
    }

    pub fn evaluate() -> Value {
        json!({"case": case(), "now": "2026-11-25T20:30:00Z"})
    }

    pub fn many() -> Value {
        json!({"cases": [case()], "now": "2026-11-25T20:30:00Z"})
    }

    pub fn monitor() -> Value {
        json!({"cases": [case()], "now": "2026-11-25T20:30:00Z", "since": "2026-11-16T00:00:00Z"})
    }
}
