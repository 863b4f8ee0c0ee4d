//! The routes: authentication, limits, reading the body, and the engine's calls.
//!
//! Every protected route runs the same steps, in this order, so that an unauthenticated
//! client costs nothing: the token (401), a slot among `--concurrency` (503 `overloaded`), the
//! declared length (413), the body read within the limit and the request's deadline (413,
//! 408), the JSON (400), its shape (422), the limits on cases and events (413), and then the
//! engine on a blocking thread, within the same deadline (503 `timeout`).

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{MatchedPath, Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{DateTime, TimeDelta, Utc};
use entitlement_core::rules::{CaseBatch, OnError};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::error::ApiError;
use super::metrics::Metrics;
use super::state::{Loaded, Shared};
use super::types::*;

/// The limits of `entitlement serve`'s flags.
#[derive(Clone, Debug)]
pub struct Limits {
    pub max_body_bytes: usize,
    pub max_cases: usize,
    pub max_events: usize,
    pub request_timeout: std::time::Duration,
    pub concurrency: usize,
}

/// Everything a route reads.
pub struct App {
    pub shared: Shared,
    pub limits: Limits,
    pub metrics: Metrics,
    pub slots: Arc<Semaphore>,
    pub draining: std::sync::atomic::AtomicBool,
}

/// Which token a request used, for the request's log line (never the token itself).
#[derive(Clone)]
struct Client(String);

/// How many cases a request carried, for the log line.
#[derive(Clone, Copy)]
struct CaseCount(usize);

pub fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/v1/evaluate", post(evaluate))
        .route("/v1/evaluate-many", post(evaluate_many))
        .route("/v1/monitor", post(monitor))
        .route("/v1/calendars/{name}/add", post(calendar_add))
        .route("/v1/calendars/{name}/elapsed", post(calendar_elapsed))
        .route("/v1/calendars/{name}/is-open", post(calendar_is_open))
        .route("/v1/calendars/{name}/next-open", post(calendar_next_open))
        .route("/v1/rules", get(rules_info))
        .route("/metrics", get(metrics))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/openapi.json", get(openapi))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(app.clone(), observe))
        .with_state(app)
}

/// Counts, times and logs every request (route template, method, status, milliseconds, the
/// token's label, the number of cases): never a body, a field or a token.
async fn observe(State(app): State<Arc<App>>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| "unmatched".to_string());
    // A label set per method a client invents would grow without bound: others are `other`.
    let method = match request.method().as_str() {
        m @ ("GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS") => m,
        _ => "other",
    }
    .to_string();
    app.metrics.in_flight.inc();
    let response = next.run(request).await;
    app.metrics.in_flight.dec();
    let seconds = started.elapsed().as_secs_f64();
    let status = response.status().as_u16();
    app.metrics.observe(&route, &method, status, seconds);
    let client = response.extensions().get::<Client>().map(|c| c.0.as_str());
    let cases = response.extensions().get::<CaseCount>().map(|c| c.0);
    if route != "/healthz" && route != "/readyz" && route != "/metrics" {
        tracing::info!(
            event = "request",
            method = %method,
            route = %route,
            status,
            ms = (seconds * 1e6).round() / 1e3,
            client,
            cases,
        );
    }
    response
}

/// A protected request that passed its token and has a slot.
struct Admitted {
    client: String,
    slot: OwnedSemaphorePermit,
    deadline: tokio::time::Instant,
}

fn admit(app: &App, headers: &HeaderMap) -> Result<Admitted, ApiError> {
    let deadline = tokio::time::Instant::now() + app.limits.request_timeout;
    let client = app
        .shared
        .tokens()
        .check(headers)
        .ok_or_else(ApiError::unauthorized)?;
    let slot = app.slots.clone().try_acquire_owned().map_err(|_| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "overloaded",
            format!(
                "the server is serving its limit of {} requests at once; retry shortly",
                app.limits.concurrency
            ),
            "",
        )
    })?;
    Ok(Admitted {
        client,
        slot,
        deadline,
    })
}

/// Reads the body within the size limit and the deadline, and parses it as `T`.
async fn read_json<T: DeserializeOwned>(
    app: &App,
    headers: &HeaderMap,
    body: Body,
    deadline: tokio::time::Instant,
) -> Result<T, ApiError> {
    if let Some(kind) = headers.get(header::CONTENT_TYPE) {
        let kind = kind.to_str().unwrap_or("").to_ascii_lowercase();
        let essence = kind.split(';').next().unwrap_or("").trim();
        if essence != "application/json" {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "the body must be JSON (Content-Type: application/json)",
                "Content-Type",
            ));
        }
    }
    let limit = app.limits.max_body_bytes;
    let too_large = || {
        ApiError::too_large(
            format!("the body is larger than the server's limit of {limit} bytes"),
            "",
        )
    };
    if let Some(length) = headers.get(header::CONTENT_LENGTH) {
        let length = length.to_str().ok().and_then(|v| v.parse::<u64>().ok());
        if length.is_some_and(|n| n > limit as u64) {
            return Err(too_large());
        }
    }
    let collected = tokio::time::timeout_at(deadline, Limited::new(body, limit).collect())
        .await
        .map_err(|_| {
            ApiError::new(
                StatusCode::REQUEST_TIMEOUT,
                "timeout",
                format!(
                    "the body did not arrive within the server's request timeout of {}",
                    seconds_text(app.limits.request_timeout)
                ),
                "",
            )
        })?
        .map_err(|e| {
            if e.downcast_ref::<LengthLimitError>().is_some() {
                too_large()
            } else {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "parse_error",
                    "the body could not be read",
                    "",
                )
            }
        })?;
    let bytes = collected.to_bytes();
    // Every body is an object: say so, rather than what serde makes of a list or a scalar.
    if let Some(first) = bytes.iter().find(|b| !b.is_ascii_whitespace())
        && *first != b'{'
        && serde_json::from_slice::<serde::de::IgnoredAny>(&bytes).is_ok()
    {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_type",
            "the body must be a JSON object",
            "",
        ));
    }
    let mut reader = serde_json::Deserializer::from_slice(&bytes);
    let value: T = serde_path_to_error::deserialize(&mut reader).map_err(json_error)?;
    reader.end().map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "parse_error",
            format!("the body is not one JSON value: {e}"),
            "",
        )
    })?;
    Ok(value)
}

fn json_error(e: serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    // serde_path_to_error writes `.` for the root and `?` for a place it could not name.
    let path = e.path().to_string();
    let path = path
        .split('.')
        .filter(|s| !s.is_empty() && *s != "?")
        .collect::<Vec<_>>()
        .join(".");
    let inner = e.into_inner();
    use serde_json::error::Category;
    match inner.classify() {
        Category::Data => {
            // The path says where; serde's "at line 1 column 96" says it less well.
            let text = inner.to_string();
            let text = match text.rfind(" at line ") {
                Some(i) => text[..i].to_string(),
                None => text,
            };
            let code = if text.starts_with("unknown field") {
                "unknown_key"
            } else if text.starts_with("missing field") {
                "missing_key"
            } else {
                "invalid_type"
            };
            // As the core does: an unknown key's path is the object it was found in (the
            // message names the key).
            let path = if code == "unknown_key" {
                match path.rfind(['.', '[']) {
                    Some(i) if path[i..].starts_with('.') => path[..i].to_string(),
                    Some(_) => path,
                    None => String::new(),
                }
            } else {
                path
            };
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, text, path)
        }
        _ => {
            let text = inner.to_string();
            let code = if text.contains("recursion limit") {
                "limit_exceeded"
            } else {
                "parse_error"
            };
            ApiError::new(
                StatusCode::BAD_REQUEST,
                code,
                format!("the body is not valid JSON: {text}"),
                path,
            )
        }
    }
}

fn seconds_text(d: std::time::Duration) -> String {
    entitlement_core::duration::format_duration(d.as_micros().min(i64::MAX as u128) as i64)
}

/// An instant of the body, named by its field.
fn instant(text: &str, path: &str) -> Result<DateTime<Utc>, ApiError> {
    let micros =
        entitlement_core::time::parse_instant(text, path).map_err(|e| ApiError::core(&e, ""))?;
    DateTime::from_timestamp_micros(micros).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_instant",
            format!("{path}: {text:?} is out of range"),
            path,
        )
    })
}

fn now_or_clock(now: Option<&str>) -> Result<DateTime<Utc>, ApiError> {
    match now {
        Some(t) => instant(t, "now"),
        None => Ok(crate::input::current_time()),
    }
}

/// The cases-per-request and events-per-case limits, before any case is read.
fn check_cases(app: &App, cases: &[Value], prefix: &str) -> Result<(), ApiError> {
    if cases.len() > app.limits.max_cases {
        return Err(ApiError::too_large(
            format!(
                "{} cases; the server takes at most {} per request",
                cases.len(),
                app.limits.max_cases
            ),
            prefix,
        ));
    }
    for (i, case) in cases.iter().enumerate() {
        check_events(app, case, || format!("{prefix}[{i}]"))?;
    }
    Ok(())
}

/// `path` names the case; it is written only for the error.
fn check_events(app: &App, case: &Value, path: impl FnOnce() -> String) -> Result<(), ApiError> {
    if let Some(Value::Array(events)) = case.get("events")
        && events.len() > app.limits.max_events
    {
        return Err(ApiError::too_large(
            format!(
                "{} events; the server takes at most {} per case",
                events.len(),
                app.limits.max_events
            ),
            format!("{}.events", path()),
        ));
    }
    Ok(())
}

/// Runs the engine on a blocking thread within the request's deadline. The slot is held until
/// the work ends, even when the answer has already gone out as a timeout, so that
/// `--concurrency` bounds the work running, not only the requests waiting.
async fn run<T: Send + 'static>(
    admitted: Admitted,
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<(T, String), ApiError> {
    let Admitted {
        client,
        slot,
        deadline,
    } = admitted;
    let task = tokio::task::spawn_blocking(move || {
        let result = work();
        drop(slot);
        result
    });
    match tokio::time::timeout_at(deadline, task).await {
        Err(_) => Err(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "timeout",
            "the answer took longer than the server's request timeout",
            "",
        )),
        Ok(Err(_)) => Err(ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the engine failed on this request; the server logged it",
            "",
        )),
        Ok(Ok(result)) => result.map(|v| (v, client)),
    }
}

fn json_response<T: Serialize>(value: &T, client: String, cases: Option<usize>) -> Response {
    let body = match serde_json::to_vec(value) {
        Ok(body) => body,
        Err(e) => {
            tracing::error!(event = "serialize_failed", message = %e);
            return ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "the answer could not be written",
                "",
            )
            .into_response();
        }
    };
    let mut response = (StatusCode::OK, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response.extensions_mut().insert(Client(client));
    if let Some(n) = cases {
        response.extensions_mut().insert(CaseCount(n));
    }
    response
}

/// An error answer, with the client still named for the log line.
fn error_for(e: ApiError, client: Option<String>) -> Response {
    let mut response = e.into_response();
    if let Some(c) = client {
        response.extensions_mut().insert(Client(c));
    }
    response
}

/// Runs one protected JSON route: admission, the body as `Req`, then `work` on the rules in
/// force.
async fn protected<Req, Resp>(
    app: Arc<App>,
    headers: HeaderMap,
    body: Body,
    work: impl FnOnce(&App, Req, Arc<Loaded>) -> Result<(Resp, Option<usize>), ApiError>
    + Send
    + 'static,
) -> Response
where
    Req: DeserializeOwned + Send + 'static,
    Resp: Serialize + Send + 'static,
{
    let admitted = match admit(&app, &headers) {
        Ok(a) => a,
        Err(e) => return error_for(e, None),
    };
    let client = admitted.client.clone();
    let request: Req = match read_json(&app, &headers, body, admitted.deadline).await {
        Ok(r) => r,
        Err(e) => return error_for(e, Some(client)),
    };
    let rules = app.shared.rules();
    let app2 = app.clone();
    match run(admitted, move || work(&app2, request, rules)).await {
        Ok(((value, cases), client)) => json_response(&value, client, cases),
        Err(e) => error_for(e, Some(client)),
    }
}

async fn evaluate(State(app): State<Arc<App>>, headers: HeaderMap, body: Body) -> Response {
    protected(app, headers, body, |app, r: EvaluateRequest, loaded| {
        let now = now_or_clock(r.now.as_deref())?;
        check_events(app, &r.case, || "case".into())?;
        let case = entitlement_core::rules::Case::from_value_at(&r.case, 0)
            .map_err(|e| ApiError::core(&e, "case"))?;
        app.metrics.cases.inc();
        let evaluation = loaded
            .rules
            .evaluate_case(&case, now)
            .map_err(|e| ApiError::core(&e, "case"))?;
        Ok((evaluation, Some(1)))
    })
    .await
}

fn read_batch(app: &App, cases: Vec<Value>) -> Result<(CaseBatch, usize), ApiError> {
    check_cases(app, &cases, "cases")?;
    let n = cases.len();
    app.metrics.cases.inc_by(n as u64);
    let mut batch = CaseBatch::new();
    batch.read_values(cases.into_iter().map(Ok).collect());
    Ok((batch, n))
}

async fn evaluate_many(State(app): State<Arc<App>>, headers: HeaderMap, body: Body) -> Response {
    protected(app, headers, body, |app, r: EvaluateManyRequest, loaded| {
        let now = now_or_clock(r.now.as_deref())?;
        let (batch, n) = read_batch(app, r.cases)?;
        let all = loaded
            .rules
            .evaluate_batch(&batch, now, OnError::Collect)
            .map_err(|e| ApiError::core(&e, ""))?;
        let mut response = EvaluateManyResponse {
            evaluations: Vec::with_capacity(all.len()),
            errors: Vec::new(),
        };
        for entry in all {
            match entry {
                Ok(e) => response.evaluations.push(e),
                Err(e) => response.errors.push(e),
            }
        }
        Ok((response, Some(n)))
    })
    .await
}

async fn monitor(State(app): State<Arc<App>>, headers: HeaderMap, body: Body) -> Response {
    protected(app, headers, body, |app, r: MonitorRequest, loaded| {
        let now = now_or_clock(r.now.as_deref())?;
        let since = match r.since.as_deref() {
            Some(t) => instant(t, "since")?,
            None => now - TimeDelta::days(1),
        };
        if since >= now {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_window",
                "since must be before now",
                "since",
            ));
        }
        let (batch, n) = read_batch(app, r.cases)?;
        let report = loaded
            .rules
            .monitor_batch(&batch, now, Some(since), OnError::Collect)
            .map_err(|e| ApiError::core(&e, ""))?;
        Ok((report, Some(n)))
    })
    .await
}

/// The calendar a calendar route names, or 404 `unknown_calendar`.
fn calendar<'a>(
    loaded: &'a Loaded,
    name: &str,
) -> Result<&'a entitlement_core::Calendar, ApiError> {
    loaded.rules.calendars().get(name).ok_or_else(|| {
        let mut names = loaded.rules.calendars().names();
        names.truncate(20);
        ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_calendar",
            format!(
                "no calendar {name:?} in the rules document (it has: {})",
                names.join(", ")
            ),
            "name",
        )
    })
}

fn path_name(name: Result<Path<String>, PathRejection>) -> Result<String, ApiError> {
    name.map(|Path(n)| n).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_value",
            format!("the calendar name in the path cannot be read: {e}"),
            "name",
        )
    })
}

/// The core's calendar errors are about an argument: name it.
fn calendar_error(e: entitlement_core::Error, field: &str) -> ApiError {
    let mut error = ApiError::core(&e, "");
    if error.path.is_empty() {
        error.path = field.to_string();
    }
    error
}

async fn calendar_route<Req, Resp>(
    app: Arc<App>,
    name: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Body,
    work: impl FnOnce(&entitlement_core::Calendar, Req) -> Result<Resp, ApiError> + Send + 'static,
) -> Response
where
    Req: DeserializeOwned + Send + 'static,
    Resp: Serialize + Send + 'static,
{
    let name = path_name(name);
    protected(app, headers, body, move |_, r: Req, loaded| {
        let name = name?;
        let cal = calendar(&loaded, &name)?;
        work(cal, r).map(|v| (v, None))
    })
    .await
}

async fn calendar_add(
    State(app): State<Arc<App>>,
    name: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    calendar_route(app, name, headers, body, |cal, r: AddRequest| {
        let start = instant(&r.start, "start")?;
        let micros = entitlement_core::duration::parse_duration(&r.duration, "duration")
            .map_err(|e| ApiError::core(&e, ""))?;
        let at = cal
            .add(start, TimeDelta::microseconds(micros))
            .map_err(|e| calendar_error(e, "duration"))?;
        Ok(InstantResponse {
            at: entitlement_core::time::rfc3339(at),
        })
    })
    .await
}

async fn calendar_elapsed(
    State(app): State<Arc<App>>,
    name: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    calendar_route(app, name, headers, body, |cal, r: ElapsedRequest| {
        let start = instant(&r.start, "start")?;
        let end = instant(&r.end, "end")?;
        let elapsed = cal
            .elapsed(start, end)
            .map_err(|e| calendar_error(e, "end"))?;
        let micros = elapsed.num_microseconds().unwrap_or(i64::MAX);
        Ok(ElapsedResponse {
            seconds: micros as f64 / 1e6,
            duration: entitlement_core::duration::format_duration(micros),
        })
    })
    .await
}

async fn calendar_is_open(
    State(app): State<Arc<App>>,
    name: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    calendar_route(app, name, headers, body, |cal, r: AtRequest| {
        let at = instant(&r.at, "at")?;
        let open = cal.is_open(at).map_err(|e| calendar_error(e, "at"))?;
        Ok(OpenResponse { open })
    })
    .await
}

async fn calendar_next_open(
    State(app): State<Arc<App>>,
    name: Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    calendar_route(app, name, headers, body, |cal, r: AtRequest| {
        let at = instant(&r.at, "at")?;
        let next = cal.next_open(at).map_err(|e| calendar_error(e, "at"))?;
        Ok(InstantResponse {
            at: entitlement_core::time::rfc3339(next),
        })
    })
    .await
}

async fn rules_info(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    let Some(client) = app.shared.tokens().check(&headers) else {
        return ApiError::unauthorized().into_response();
    };
    let loaded = app.shared.rules();
    let info = RulesInfo {
        path: app.shared.rules_path.display().to_string(),
        sha256: loaded.sha256.clone(),
        loaded_at: entitlement_core::time::rfc3339(loaded.loaded_at),
        calendars: loaded
            .rules
            .calendars()
            .names()
            .into_iter()
            .map(str::to_string)
            .collect(),
        last_reload_error: app.shared.last_error(),
    };
    json_response(&info, client, None)
}

async fn metrics(State(app): State<Arc<App>>, headers: HeaderMap) -> Response {
    if app.shared.tokens().check(&headers).is_none() {
        return ApiError::unauthorized().into_response();
    }
    let mut response = (StatusCode::OK, app.metrics.text()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/openmetrics-text; version=1.0.0; charset=utf-8"),
    );
    response
}

async fn healthz() -> Response {
    json_response(
        &Health {
            status: "ok".into(),
        },
        String::new(),
        None,
    )
}

async fn readyz(State(app): State<Arc<App>>) -> Response {
    if app.draining.load(std::sync::atomic::Ordering::SeqCst) {
        let mut response = json_response(
            &Health {
                status: "draining".into(),
            },
            String::new(),
            None,
        );
        *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
        return response;
    }
    json_response(
        &Health {
            status: "ready".into(),
        },
        String::new(),
        None,
    )
}

async fn openapi() -> Response {
    // Built once; each answer shares the bytes.
    static DOCUMENT: std::sync::OnceLock<axum::body::Bytes> = std::sync::OnceLock::new();
    let body = DOCUMENT.get_or_init(|| {
        serde_json::to_vec_pretty(&super::openapi::document())
            .unwrap_or_default()
            .into()
    });
    let mut response = (StatusCode::OK, body.clone()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

async fn not_found() -> Response {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "no such route; GET /openapi.json lists them",
        "",
    )
    .into_response()
}

async fn method_not_allowed() -> Response {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this route does not take that method; GET /openapi.json lists them",
        "",
    )
    .into_response()
}
