//! The one place where errors become JavaScript `Error`s.
//!
//! Every error thrown by this addon is a plain `Error` whose `code` is a stable, machine-readable
//! string and whose `message` says what was wrong and where. Errors from the core keep the core's
//! own `code()` and message unchanged, so Node, Python and Rust report the same thing. The few
//! errors that only a binding can meet (a duration that is not a number, a panic) get codes of
//! their own, listed in [`NodeError`].

use std::panic::{AssertUnwindSafe, catch_unwind};

use entitlement_core::Error as CoreError;

/// The `code` of a thrown error (napi-rs turns the status of a `napi::Error` into `err.code`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Code(pub &'static str);

impl AsRef<str> for Code {
    fn as_ref(&self) -> &str {
        self.0
    }
}

/// The result of every exported function: the error is thrown as an `Error` with a `code`.
pub type Result<T> = napi::Result<T, Code>;

/// Everything that can go wrong in the binding.
#[derive(Debug)]
pub enum NodeError {
    /// An error of the core, passed through with its code and message.
    Core(CoreError),
    /// A duration argument that is not a finite number of milliseconds (`invalid_duration`).
    InvalidDuration {
        /// The argument name, such as `ms`.
        path: &'static str,
        /// What was passed instead.
        found: String,
    },
    /// A failure of Node-API itself (an exception thrown by a getter while a definition was read,
    /// for instance). When a JavaScript exception is pending, napi-rs rethrows that exception.
    Napi(napi::Error),
    /// A bug: a panic caught at the boundary (`internal_error`).
    Internal(String),
    /// An error of the core about one item of a batch argument (`starts[3]`): the core's code,
    /// its message prefixed by the item.
    AtItem {
        /// The item, such as `starts[3]`.
        path: String,
        /// The core's error.
        error: CoreError,
    },
}

impl From<CoreError> for NodeError {
    fn from(err: CoreError) -> Self {
        NodeError::Core(err)
    }
}

impl From<napi::Error> for NodeError {
    fn from(err: napi::Error) -> Self {
        NodeError::Napi(err)
    }
}

impl From<NodeError> for napi::Error<Code> {
    /// The mapping: exhaustive over the binding's own cases; the core's `code()` is itself an
    /// exhaustive match over its variants, so a new core variant cannot reach JavaScript without
    /// a code.
    fn from(err: NodeError) -> Self {
        match err {
            NodeError::Core(err) => napi::Error::new(Code(err.code()), err.to_string()),
            NodeError::InvalidDuration { path, found } => napi::Error::new(
                Code("invalid_duration"),
                format!(
                    "{path}: expected a duration as a finite number of milliseconds, found {found}"
                ),
            ),
            // When a JavaScript exception is pending (a getter threw while a definition was
            // read), napi-rs rethrows that exception instead of this error.
            NodeError::Napi(err) => napi::Error::new(
                Code("internal_error"),
                format!("Node-API call failed ({}): {}", err.status, err.reason),
            ),
            NodeError::AtItem { path, error } => {
                napi::Error::new(Code(error.code()), format!("{path}: {error}"))
            }
            NodeError::Internal(reason) => napi::Error::new(
                Code("internal_error"),
                format!("internal error in the entitlement addon (please report it): {reason}"),
            ),
        }
    }
}

/// Runs the body of an exported function, turning its error into a thrown `Error` and a panic
/// into an `internal_error` error instead of an abort of the Node process.
///
/// The core promises never to panic; this is the belt to that pair of braces, and costs nothing
/// on the path that does not panic.
#[inline]
pub fn guard<T>(body: impl FnOnce() -> std::result::Result<T, NodeError>) -> Result<T> {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(err)) => Err(err.into()),
        Err(payload) => {
            let reason = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic with a non-string payload".to_string());
            Err(NodeError::Internal(reason).into())
        }
    }
}
