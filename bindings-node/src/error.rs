//! The one place where errors become JavaScript `Error`s.
//!
//! Every error thrown by this addon is a plain `Error` with the core's `code` (a stable,
//! machine-readable string), its `message` (what was wrong and where) and its `path` (where,
//! as an array of keys and indices: `['hours', 'mon', 0]`; for an item of a batch argument
//! `['starts', 3]`; for another argument its name). The binding decides no code of its own:
//! its argument errors are core `Error` values made with `in_argument()`, and a caught panic
//! is the core's `Error::Internal`.

use std::panic::{AssertUnwindSafe, catch_unwind};

use entitlement_core::Error as CoreError;
use entitlement_core::error::PathSegment;
use napi::sys;

/// The result of every exported function: the error is thrown as an `Error` with a `code` and
/// a `path`.
pub type Result<T> = napi::Result<T>;

/// Everything that can go wrong in the binding.
#[derive(Debug)]
pub enum NodeError {
    /// An error of the core (or one the binding made of the core's variants).
    Core(CoreError),
    /// A failure of Node-API itself (an exception thrown by a getter while a definition was read,
    /// for instance). When a JavaScript exception is pending, that exception is thrown as it is.
    Napi(napi::Error),
    /// An error of the core about one item of a batch argument (`starts[3]`): the core's code,
    /// its message prefixed by the item, its path under the item.
    AtItem {
        /// The argument, such as `starts`.
        argument: &'static str,
        /// The item's index.
        index: usize,
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

impl NodeError {
    /// The code, the message and the path of the error to throw.
    fn parts(self) -> (&'static str, String, Vec<PathSegment>) {
        match self {
            NodeError::Core(err) => (err.code(), err.to_string(), err.path()),
            NodeError::Napi(err) => {
                let err = CoreError::Internal {
                    reason: format!("Node-API call failed ({}): {}", err.status, err.reason),
                };
                (err.code(), err.to_string(), err.path())
            }
            NodeError::AtItem {
                argument,
                index,
                error,
            } => {
                let mut path = vec![PathSegment::Key(argument.into()), PathSegment::Index(index)];
                path.extend(error.path());
                (error.code(), format!("{argument}[{index}]: {error}"), path)
            }
        }
    }
}

/// Runs the body of an exported function, throwing its error as an `Error` with `code` and
/// `path`, and a panic as the core's `internal_error` instead of an abort of the Node process.
///
/// The core promises never to panic; this is the belt to that pair of braces, and costs nothing
/// on the path that does not panic.
#[inline]
pub fn guard<T>(
    env: &napi::Env,
    body: impl FnOnce() -> std::result::Result<T, NodeError>,
) -> Result<T> {
    guard_raw(env.raw(), body)
}

/// [`guard`] for a callback that has only the raw environment.
#[inline]
pub fn guard_raw<T>(
    env: sys::napi_env,
    body: impl FnOnce() -> std::result::Result<T, NodeError>,
) -> Result<T> {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(err)) => Err(throw(env, err)),
        Err(payload) => {
            let reason = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic with a non-string payload".to_string());
            Err(throw(env, CoreError::Internal { reason }.into()))
        }
    }
}

/// Throws `err` in `env` and returns the error that tells napi-rs an exception is pending.
#[cold]
fn throw(env: sys::napi_env, err: NodeError) -> napi::Error {
    let mut pending = false;
    // SAFETY: `env` is the environment of the current call.
    unsafe { sys::napi_is_exception_pending(env, &mut pending) };
    if pending {
        // A getter of the caller's threw while a value was read: napi-rs rethrows that
        // exception as it is.
        return match err {
            NodeError::Napi(err) => err,
            _ => napi::Error::new(napi::Status::PendingException, String::new()),
        };
    }
    let (code, message, path) = err.parts();
    match make(env, code, &message, &path) {
        // SAFETY: `env` is the environment of the current call and `error` one of its values.
        Ok(error) if unsafe { sys::napi_throw(env, error) } == sys::Status::napi_ok => {
            napi::Error::new(napi::Status::PendingException, String::new())
        }
        _ => napi::Error::new(napi::Status::GenericFailure, message),
    }
}

/// An `Error` with `code`, `message` and `path`.
fn make(
    env: sys::napi_env,
    code: &str,
    message: &str,
    path: &[PathSegment],
) -> std::result::Result<sys::napi_value, NodeError> {
    let code = crate::ser::to_js(env, code, crate::ser::Mode::Native)?;
    let text = crate::ser::to_js(env, message, crate::ser::Mode::Native)?;
    let path = crate::ser::to_js(env, path, crate::ser::Mode::Native)?;
    let mut error = std::ptr::null_mut();
    // SAFETY: `env` is the environment of the current call, the values are of it, and the
    // out-pointer is a local.
    unsafe {
        if sys::napi_create_error(env, code, text, &mut error) != sys::Status::napi_ok
            || sys::napi_set_named_property(env, error, c"path".as_ptr(), path)
                != sys::Status::napi_ok
        {
            return Err(napi::Error::from_reason("cannot create an Error").into());
        }
    }
    Ok(error)
}
