//! Cases in: a plain JavaScript object in the case shape (`docs/cases.md`) becomes the core's
//! `Case`.
//!
//! The object is read straight into a `Case` by the core's host reader
//! (`entitlement_core::host::case`, through [`convert::case`]): its instants (`created_at`,
//! `events[i].at`) may be `Date`s, ISO strings with an offset or epoch milliseconds. A case
//! that is not plainly valid is read again into a JSON value (see [`convert::json`]) for the
//! core to say what is wrong, so every error is that of the JSON path: it names the case, as
//! the core's do (`case "C-1": events[2].at: ...`), and keeps the code of what is wrong.

use entitlement_core::Error as CoreError;
use entitlement_core::host::case_label;
use entitlement_core::rules::{Case, CaseBatch, OnError};
use napi::bindgen_prelude::{JsObjectValue, Object, Unknown};
use napi::{JsValue, ValueType};

use crate::case_tape;
use crate::convert;
use crate::error::NodeError;

/// What a case looks like, for the message when something else is given.
const CASE_EXPECTED: &str = "a case object such as {id: \"C-1\", entitlement: \"acme-gold\", \
     created_at: \"2026-11-20T14:00:00Z\", fields: {severity: \"Sev1\"}, events: [...]}";

/// Reads the case at `path` (`case`, or `cases[3]` in a list); `position` names a case that has
/// no readable id (`#3`), as the core does.
pub fn read(value: &Unknown<'_>, path: &str, position: usize) -> Result<Case, NodeError> {
    read_at(value, &|| path.to_string(), position)
}

/// [`read`], with the path made only for an error (a list of cases reads many).
fn read_at(
    value: &Unknown<'_>,
    path: &dyn Fn() -> String,
    position: usize,
) -> Result<Case, NodeError> {
    if !convert::is_object(value)? {
        return Err(CoreError::InvalidType {
            path: path(),
            expected: CASE_EXPECTED.into(),
            found: convert::describe(value),
        }
        .in_argument()
        .into());
    }
    match convert::case(value, position) {
        Ok(read) => Ok(read?),
        // The error names the case by its id, read once the walk has failed (a getter that
        // throws there throws out of the call, as it would have during the walk).
        Err(NodeError::Core(error)) => Err(NodeError::Core(CoreError::InCase {
            case: label(value, position)?,
            error: Box::new(error),
        })),
        Err(other) => Err(other),
    }
}

/// Reads a list of cases (the argument named `path`, such as `cases`); an error names the item
/// (`cases[3]`) and the case.
pub fn read_list(value: &Unknown<'_>, path: &str) -> Result<Vec<Case>, NodeError> {
    let mut list = Vec::new();
    each(value, path, |read| {
        list.push(read?);
        Ok(())
    })?;
    Ok(list)
}

/// Reads a list of cases for a call that takes `onError`. With `raise` as [`read_list`] (the
/// first case that cannot be read throws); with `collect` a case that cannot be read becomes
/// its error entry and the others go on. An exception thrown by the caller's code while a case
/// is read (a getter) is not a bad record: it is thrown.
pub fn read_batch(
    value: &Unknown<'_>,
    path: &str,
    on_error: OnError,
) -> Result<CaseBatch, NodeError> {
    if on_error == OnError::Raise {
        return Ok(CaseBatch::from(read_list(value, path)?));
    }
    let mut batch = CaseBatch::new();
    each(value, path, |read| {
        match read {
            Ok(case) => batch.push(Ok(case)),
            Err(NodeError::Core(error)) => batch.push(Err(error)),
            Err(other) => return Err(other),
        }
        Ok(())
    })?;
    Ok(batch)
}

/// Reads the cases of the list `value` in order, giving each case, or the error of the exact
/// reader, to `take` (which stops the walk by returning an error).
///
/// Chunks of the list are read in bulk where their cases are plain data ([`case_tape`]); a
/// case that the bulk read does not give is read by [`read_at`], so that what `take` gets is
/// what [`read_at`] gives for every case.
fn each(
    value: &Unknown<'_>,
    path: &str,
    mut take: impl FnMut(Result<Case, NodeError>) -> Result<(), NodeError>,
) -> Result<(), NodeError> {
    if !value.is_array()? {
        return Err(CoreError::InvalidType {
            path: path.to_string(),
            expected: "an array of case objects".into(),
            found: convert::describe(value),
        }
        .in_argument()
        .into());
    }
    let array = convert::bounded_array(value, || path.to_string(), convert::MAX_ARRAY_ITEMS)?;
    let env = value.value().env;
    let len = array.len();
    // One case read by the exact reader, in a handle scope of its own: whatever the item's
    // reading makes in JavaScript is released once it is read. An item that cannot be taken
    // from the list (a hole) throws, in every onError mode, before `take` sees anything.
    let exact = |index: u32| -> Result<Result<Case, NodeError>, NodeError> {
        let _scope = convert::Scope::open(env)?;
        let item_path = || format!("{path}[{index}]");
        let item = convert::element(&array, index, item_path)?;
        Ok(read_at(&item, &item_path, index as usize))
    };
    let mut index = 0;
    while index < len {
        let end = len.min(index.saturating_add(case_tape::CHUNK_CASES));
        let chunk = {
            let _scope = convert::Scope::open(env)?;
            case_tape::read(env, array.raw(), index, end)
        };
        for case in chunk {
            match case {
                Some(case) => take(Ok(case))?,
                None => take(exact(index)?)?,
            }
            index += 1;
        }
        // The case the bulk read stopped before.
        if index < end {
            take(exact(index)?)?;
            index += 1;
        }
    }
    Ok(())
}

/// The case's id as the core names a case: a string or a number, else `#position`.
fn label(value: &Unknown<'_>, position: usize) -> Result<String, NodeError> {
    // SAFETY: `read` checked that the value is an object.
    let object = unsafe { value.cast::<Object<'_>>() }?;
    let id: Unknown<'_> = object.get_named_property_unchecked("id")?;
    let id = match id.get_type()? {
        ValueType::String => Some(unsafe { id.cast::<String>() }?),
        // The same text as the core's, from the number that the walk reads.
        ValueType::Number => convert::number(unsafe { id.cast::<f64>() }?).map(|n| n.to_string()),
        _ => None,
    };
    Ok(case_label(id.as_deref(), position))
}
