//! `ics` namespace: iCalendar (`.ics`) holiday feeds, over `entitlement_core::import::ics`.
//!
//! ```js
//! const { ics } = require('entitlement')
//! const imp = ics.calendar({ path: 'us-federal.ics' }, {
//!   name: 'support', timeZone: 'America/New_York', hours: { mon: ['09:00-17:00'] } })
//! imp.calendar().isOpen('2026-11-26T15:00:00Z') // false: Thanksgiving
//! ```

use entitlement_core::Error as CoreError;
use entitlement_core::import::ics as core;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use serde_json::{Map, Value};

use crate::convert;
use crate::error::{NodeError, Result, guard};
use crate::import::{self, Import, check_keys, text_option};

/// The feed's text and its name for messages: a string is the text itself, a `Buffer` (or any
/// `Uint8Array`) its UTF-8 bytes, `{path}` a file to read.
fn feed(
    source: &Unknown<'_>,
    name: Option<&str>,
) -> std::result::Result<(String, String), NodeError> {
    let label = |default: &str| name.unwrap_or(default).to_string();
    match source.get_type()? {
        ValueType::String => Ok((convert::text(source, || "source".into())?, label("<ics>"))),
        ValueType::Object if source.is_buffer()? => {
            let buffer = unsafe { source.cast::<BufferSlice<'_>>() }?;
            let label = label("<ics>");
            let text = core::decode(&buffer, &label)?.to_string();
            Ok((text, label))
        }
        ValueType::Object if source.is_typedarray()? => {
            let bytes = unsafe { source.cast::<Uint8ArraySlice<'_>>() }?;
            let label = label("<ics>");
            let text = core::decode(&bytes, &label)?.to_string();
            Ok((text, label))
        }
        ValueType::Object if convert::is_object(source)? => {
            let object = unsafe { source.cast::<Object<'_>>() }?;
            let path: Unknown<'_> = object.get_named_property_unchecked("path")?;
            let path = convert::string(&path, "source.path", "a file path (a string)")?;
            // Bounded, and only a regular file (a FIFO or `/dev/zero` is refused).
            let text = core::read(std::path::Path::new(&path))?;
            Ok((text, label(&path)))
        }
        _ => Err(CoreError::InvalidType {
            path: "source".into(),
            expected: "the feed's text (a string), a Buffer or Uint8Array, or {path}".into(),
            found: convert::describe(source),
        }
        .into()),
    }
}

/// The feed's holidays for a calendar in `timeZone` (IANA), as an `Import` whose `document` is
/// `{holidays: [...]}` (entries in the calendar document's holiday format). Timed events are
/// converted into `timeZone`; floating times are read in it. `sourceName` names the feed in
/// messages (default: the path, or `<ics>`).
#[napi(
    namespace = "ics",
    ts_args_type = "source: string | Uint8Array | { path: string }, options: { timeZone: string; sourceName?: string }"
)]
pub fn holidays(env: Env, source: Unknown<'_>, options: Unknown<'_>) -> Result<Import> {
    guard(&env, || {
        let map = import::options(&options)?;
        check_keys(&map, &["timeZone", "sourceName"])?;
        let time_zone = text_option(&map, "timeZone", true)?.unwrap_or_default();
        let (text, label) = feed(&source, text_option(&map, "sourceName", false)?.as_deref())?;
        Ok(Import::wrap(core::holidays(&text, &label, &time_zone)?))
    })
}

/// A calendar `name` in `timeZone` with weekly `hours`, your own `holidays` and `overrides`, and
/// the feed's holidays after yours, as an `Import` whose document is `{calendars: {[name]: ...}}`.
#[napi(
    namespace = "ics",
    ts_args_type = "source: string | Uint8Array | { path: string }, options: { name: string; timeZone: string; hours: Record<string, string[]>; holidays?: HolidayDefinition[]; overrides?: OverrideDefinition[]; sourceName?: string }"
)]
pub fn calendar(env: Env, source: Unknown<'_>, options: Unknown<'_>) -> Result<Import> {
    guard(&env, || {
        let map = import::options(&options)?;
        check_keys(
            &map,
            &[
                "name",
                "timeZone",
                "hours",
                "holidays",
                "overrides",
                "sourceName",
            ],
        )?;
        let name = text_option(&map, "name", true)?.unwrap_or_default();
        let time_zone = text_option(&map, "timeZone", true)?.unwrap_or_default();
        let mut base = Map::new();
        base.insert("time_zone".into(), Value::String(time_zone));
        for key in ["hours", "holidays", "overrides"] {
            if let Some(v) = map.get(key).filter(|v| !v.is_null()) {
                base.insert(key.into(), v.clone());
            }
        }
        let (text, label) = feed(&source, text_option(&map, "sourceName", false)?.as_deref())?;
        Ok(Import::wrap(core::calendar(
            &text,
            &label,
            &name,
            &Value::Object(base),
        )?))
    })
}
