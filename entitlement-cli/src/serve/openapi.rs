//! The OpenAPI 3.0 document of `entitlement serve` (`GET /openapi.json`,
//! `entitlement schema --openapi`).
//!
//! The schemas come from the Rust types themselves (schemars, with its OpenAPI 3.0 settings):
//! the request and response bodies of `types.rs` and the core's result types, the ones
//! `entitlement schema --results` describes. A last pass writes the core's instant, duration
//! and date markers as OpenAPI formats, and maps integer formats to `int32` / `int64`.
//!
//! The document stays within what Salesforce External Services imports (docs/serve.md lists
//! the rules; `tests/serve.rs` checks every one), so that a Flow admin registers it as is.

use entitlement_core::rules::{CaseEvaluation, MonitorReport};
use schemars::generate::SchemaSettings;
use serde_json::{Map, Value, json};

use super::error::ApiError;
use super::types::*;

/// The document, built from the types on every call (the server builds it once).
pub fn document() -> Value {
    let mut generator = SchemaSettings::openapi3().into_generator();
    let mut refs = Map::new();
    macro_rules! schema {
        ($($t:ty),*) => {
            $(
                let reference = generator.subschema_for::<$t>();
                refs.insert(stringify!($t).to_string(), reference.to_value());
            )*
        };
    }
    schema!(
        EvaluateRequest,
        EvaluateManyRequest,
        EvaluateManyResponse,
        MonitorRequest,
        CaseEvaluation,
        MonitorReport,
        AddRequest,
        ElapsedRequest,
        ElapsedResponse,
        AtRequest,
        InstantResponse,
        OpenResponse,
        RulesInfo,
        Health,
        ApiError
    );
    let mut schemas: Map<String, Value> = generator
        .take_definitions(true)
        .into_iter()
        .map(|(name, mut schema)| {
            openapi_formats(&mut schema);
            (name, schema)
        })
        .collect();
    schemas.sort_keys();
    let r = |name: &str| refs[name].clone();

    let protected_errors = |extra: &[(&str, &str)]| {
        let mut responses = Map::new();
        let mut all: Vec<(&str, &str)> = vec![
            (
                "400",
                "The body is not JSON, or a value cannot be read (`parse_error`).",
            ),
            ("401", "No valid bearer token (`unauthorized`)."),
            (
                "408",
                "The body did not arrive within the request timeout (`timeout`).",
            ),
            (
                "413",
                "The body, its cases or a case's events are over the server's limits (`limit_exceeded`).",
            ),
            (
                "415",
                "The body is not `application/json` (`unsupported_media_type`).",
            ),
            (
                "422",
                "The body is JSON but not a valid request: its `code` and `path` say what and where.",
            ),
            (
                "503",
                "The server is at its concurrency limit (`overloaded`) or the answer took longer than the request timeout (`timeout`); retry.",
            ),
        ];
        all.extend_from_slice(extra);
        all.sort();
        for (status, description) in all {
            responses.insert(status.into(), error_response(description, &r("ApiError")));
        }
        responses
    };
    let post = |id: &str,
                summary: &str,
                description: &str,
                request: &str,
                response: &str,
                calendar: bool| {
        let mut responses = protected_errors(if calendar {
            &[(
                "404",
                "No calendar of that name in the rules document (`unknown_calendar`).",
            )]
        } else {
            &[]
        });
        responses.insert(
            "200".into(),
            json!({
                "description": "The result.",
                "content": {"application/json": {"schema": r(response)}}
            }),
        );
        let mut op = json!({
            "operationId": id,
            "summary": summary,
            "description": description,
            "security": [{"bearerAuth": []}],
            "requestBody": {
                "required": true,
                "content": {"application/json": {"schema": r(request)}}
            },
            "responses": sorted(responses),
        });
        if calendar {
            op["parameters"] = json!([{
                "name": "name",
                "in": "path",
                "required": true,
                "description": "The calendar's name in the rules document (`GET /v1/rules` lists them).",
                "schema": {"type": "string"},
                "example": "ny-support"
            }]);
        }
        json!({"post": op})
    };

    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Entitlement",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "SLA rules as a service: milestone deadlines, breach risk and alerts of support cases, and business-time arithmetic on the rules document's calendars. Every route but the health checks needs `Authorization: Bearer <token>`. Errors are `{code, message, path}`.",
            "license": {"name": "MIT OR Apache-2.0"}
        },
        "servers": [{"url": "/"}],
        "paths": {
            "/v1/evaluate": post(
                "evaluateCase",
                "Evaluate one case",
                "Replays the case's events up to `now` and returns its coverage and every milestone's status: state, deadline (`target_at`), business time elapsed and remaining.",
                "EvaluateRequest", "CaseEvaluation", false),
            "/v1/evaluate-many": post(
                "evaluateCases",
                "Evaluate many cases",
                "Evaluates every case at `now`. A case that cannot be read or evaluated does not fail the request: it is an entry of `errors` with its position, code and path.",
                "EvaluateManyRequest", "EvaluateManyResponse", false),
            "/v1/monitor": post(
                "runMonitor",
                "Run the breach monitor",
                "One monitor run over the cases at `now`: the milestones at risk and breached, the alerts of the window (since, now], per-account rollups, and an entry in `errors` for each case that could not be checked.",
                "MonitorRequest", "MonitorReport", false),
            "/v1/calendars/{name}/add": post(
                "addBusinessTime",
                "Add business time",
                "The instant `duration` of business time after `start`, counted in the calendar's opening hours, holidays and time zone.",
                "AddRequest", "InstantResponse", true),
            "/v1/calendars/{name}/elapsed": post(
                "elapsedBusinessTime",
                "Business time between two instants",
                "The business time from `start` to `end` in the calendar.",
                "ElapsedRequest", "ElapsedResponse", true),
            "/v1/calendars/{name}/is-open": post(
                "isCalendarOpen",
                "Is the calendar open",
                "Whether the calendar is open at `at`.",
                "AtRequest", "OpenResponse", true),
            "/v1/calendars/{name}/next-open": post(
                "nextCalendarOpening",
                "The next opening",
                "The first instant at or after `at` when the calendar is open.",
                "AtRequest", "InstantResponse", true),
            "/v1/rules": {"get": {
                "operationId": "getRules",
                "summary": "The rules document in force",
                "description": "Which document is loaded (its SHA-256 and load time), its calendars, and why the last reload was refused, if it was.",
                "security": [{"bearerAuth": []}],
                "responses": {
                    "200": {"description": "The document in force.", "content": {"application/json": {"schema": r("RulesInfo")}}},
                    "401": error_response("No valid bearer token (`unauthorized`).", &r("ApiError"))
                }
            }},
            "/healthz": {"get": {
                "operationId": "getHealth",
                "summary": "Liveness",
                "description": "200 while the process serves requests. No token needed.",
                "security": [],
                "responses": {
                    "200": {"description": "Alive.", "content": {"application/json": {"schema": r("Health")}}}
                }
            }},
            "/readyz": {"get": {
                "operationId": "getReadiness",
                "summary": "Readiness",
                "description": "200 while the server takes requests; 503 once it is shutting down. No token needed.",
                "security": [],
                "responses": {
                    "200": {"description": "Ready.", "content": {"application/json": {"schema": r("Health")}}},
                    "503": {"description": "Draining: shutting down.", "content": {"application/json": {"schema": r("Health")}}}
                }
            }}
        },
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token whose SHA-256 is a line of the server's tokens file. External Services ignores this and uses the Named Credential's header."
                }
            },
            "schemas": schemas
        }
    })
}

/// A doc comment as an OpenAPI description: its text before any code example, whitespace
/// folded, cut at a sentence within [`MAX_DESCRIPTION`] characters.
fn description(doc: &str) -> String {
    let text = doc.split("```").next().unwrap_or("");
    // Rustdoc's links (`[`Level`]`) as plain code spans.
    let text = text.replace("[`", "`").replace("`]", "`");
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= MAX_DESCRIPTION {
        return text;
    }
    let cut: String = text.chars().take(MAX_DESCRIPTION).collect();
    match cut.rfind(". ") {
        Some(i) => cut[..=i].to_string(),
        None => cut.chars().take(MAX_DESCRIPTION - 1).collect::<String>() + "…",
    }
}

fn first_paragraph(doc: &str) -> String {
    description(doc.split("\n\n").next().unwrap_or(""))
}

/// The longest description External Services keeps whole.
pub const MAX_DESCRIPTION: usize = 1_333;

fn error_response(description: &str, schema: &Value) -> Value {
    json!({
        "description": description,
        "content": {"application/json": {"schema": schema}}
    })
}

fn sorted(mut map: Map<String, Value>) -> Value {
    map.sort_keys();
    Value::Object(map)
}

/// The core's markers as OpenAPI formats, integer formats as OpenAPI names them, and an
/// optional reference (`anyOf: [X, null]`) as OpenAPI 3.0 writes it (`allOf: [X]`,
/// `nullable: true`).
fn openapi_formats(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::Array(options)) = map.get("anyOf")
                && options.len() == 2
                && options[1].get("nullable") == Some(&Value::Bool(true))
                && options[1].get("enum") == Some(&json!([null]))
            {
                let inner = options[0].clone();
                map.remove("anyOf");
                if inner.get("$ref").is_some() {
                    map.insert("allOf".into(), json!([inner]));
                } else if let Value::Object(fields) = inner {
                    map.extend(fields);
                }
                map.insert("nullable".into(), true.into());
            }
            // An enum whose variants carry doc lines (`oneOf` of one-value enums): one `enum`,
            // which Flow shows as a picklist, with the variants' lines in its description.
            if let Some(Value::Array(options)) = map.get("oneOf")
                && options.iter().all(|o| {
                    o.get("type") == Some(&json!("string"))
                        && o.get("enum")
                            .and_then(Value::as_array)
                            .is_some_and(|e| e.len() == 1)
                })
            {
                let mut values = Vec::new();
                let mut lines = Vec::new();
                for o in options {
                    let value = o["enum"][0].clone();
                    if let (Some(v), Some(d)) =
                        (value.as_str(), o.get("description").and_then(Value::as_str))
                    {
                        lines.push(format!("`{v}`: {}", first_paragraph(d)));
                    }
                    values.push(value);
                }
                map.remove("oneOf");
                map.insert("type".into(), "string".into());
                map.insert("enum".into(), Value::Array(values));
                if !lines.is_empty() {
                    let head = map
                        .get("description")
                        .and_then(Value::as_str)
                        .map(first_paragraph);
                    let text = match head {
                        Some(h) => format!("{h} {}", lines.join(" ")),
                        None => lines.join(" "),
                    };
                    map.insert("description".into(), text.into());
                }
            }
            // The markers have said what they mean as formats; External Services does not
            // document extension keys, so none is left.
            map.remove("x-entitlement");
            // Doc lines without their Rust examples, within External Services' 1,333 characters.
            if let Some(Value::String(d)) = map.get_mut("description") {
                *d = description(d);
            }
            match map.get("x-entitlement").and_then(Value::as_str) {
                Some("instant") => {
                    map.insert("format".into(), "date-time".into());
                }
                Some("date") => {
                    map.insert("format".into(), "date".into());
                }
                Some("duration") => {
                    map.insert("format".into(), "double".into());
                }
                _ => {}
            }
            if let Some(format) = map.get("format").and_then(Value::as_str) {
                let mapped = match format {
                    "int8" | "int16" | "int32" | "uint8" | "uint16" => Some("int32"),
                    "uint32" | "int64" | "uint64" | "uint" | "int" | "int128" | "uint128" => {
                        Some("int64")
                    }
                    _ => None,
                };
                if let Some(m) = mapped {
                    map.insert("format".into(), m.into());
                }
            }
            for value in map.values_mut() {
                openapi_formats(value);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(openapi_formats),
        _ => {}
    }
}
