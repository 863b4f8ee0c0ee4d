//! The one error body every route answers with: `{"code", "message", "path"}` and a status.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use schemars::JsonSchema;
use serde::Serialize;

/// An error answer: what went wrong (`code`, the core's codes where the core found it), in
/// words (`message`), and where (`path`: the body field such as `cases[3].events[2].at`, a
/// header, or `""` for the request as a whole).
#[derive(Debug, Serialize, JsonSchema)]
pub struct ApiError {
    /// `unauthorized`, `parse_error`, `invalid_type`, `limit_exceeded`, `timeout`,
    /// `overloaded`, `unknown_calendar`, `not_found`, `method_not_allowed`,
    /// `unsupported_media_type`, or a core code (`invalid_instant`, `unknown_entitlement`...).
    pub code: String,
    /// What is wrong, in words. Never quotes a case's field values beyond the offending one.
    pub message: String,
    /// Where: a body path (`case.events[2].at`), a header (`Authorization`), or empty.
    pub path: String,
    #[serde(skip)]
    #[schemars(skip)]
    pub status: StatusCode,
}

impl ApiError {
    pub fn new(
        status: StatusCode,
        code: impl Into<String>,
        message: impl Into<String>,
        path: impl Into<String>,
    ) -> ApiError {
        ApiError {
            status,
            code: code.into(),
            message: message.into(),
            path: path.into(),
        }
    }

    /// 401, the same answer for a missing, malformed, unknown or revoked token.
    pub fn unauthorized() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "this route needs a valid bearer token",
            "Authorization",
        )
    }

    /// 413 for a limit of the request's size.
    pub fn too_large(message: impl Into<String>, path: impl Into<String>) -> ApiError {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "limit_exceeded",
            message,
            path,
        )
    }

    /// An error the core found in the body: 422, with the path under `prefix`.
    pub fn core(e: &entitlement_core::Error, prefix: &str) -> ApiError {
        let inner = e.path_text();
        let path = match (prefix.is_empty(), inner.is_empty()) {
            (true, _) => inner.to_string(),
            (false, true) => prefix.to_string(),
            (false, false) if inner.starts_with('[') => format!("{prefix}{inner}"),
            (false, false) => format!("{prefix}.{inner}"),
        };
        let status = match e.code() {
            "limit_exceeded" => StatusCode::PAYLOAD_TOO_LARGE,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        };
        ApiError::new(status, e.code(), e.to_string(), path)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status;
        let body = serde_json::to_vec(&self).unwrap_or_else(|_| b"{}".to_vec());
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        match status {
            StatusCode::UNAUTHORIZED => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            StatusCode::SERVICE_UNAVAILABLE => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            }
            _ => {}
        }
        response
    }
}
