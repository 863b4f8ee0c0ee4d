//! The one host serializer: any result of the core (every one derives `Serialize`) written
//! directly as JavaScript values through Node-API.
//!
//! - Structs become plain objects whose keys are the core's field names in camelCase
//!   (`target_at` → `targetAt`, converted once per name and kept); maps (an account context,
//!   a rendered payload) keep their keys as they are. Properties are defined as own data
//!   properties in one call, as `JSON.parse` makes them, so a key `__proto__` is a key.
//! - Sequences become arrays; strings, numbers, booleans, `null` what they are; a unit enum
//!   variant its name (`in_progress`).
//! - The core's marked values (`entitlement_core::time::marker`): an instant is a `Date`
//!   (floored to the millisecond); a duration is milliseconds (a float that keeps the
//!   microseconds); a date is `YYYY-MM-DD`.
//! - For `toJSON()` ([`Mode::Wire`]) the value is the core's JSON wire format instead, exactly
//!   what `serde_json` writes in Rust, Python's `to_json()` and the CLI's `--format json`:
//!   struct keys stay snake_case, instants are RFC 3339 text in UTC, durations seconds
//!   (`docs/wire-format.md`, `docs/schema/results.schema.json`).
//! - Nesting deeper than `entitlement_core::host::MAX_NESTING` is `limit_exceeded`, never a
//!   stack overflow.
//!
//! [`field`] writes one field of a struct without converting the others: the getters of the
//! result classes use it. The serde plumbing (structs, maps, sequences, enums, marked values,
//! the nesting bound, one field of a struct) is the core's `entitlement_core::host::write`;
//! this file only makes the JavaScript values.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use entitlement_core::Error as CoreError;
use entitlement_core::host::write::{HostWriter, write, write_field};
use napi::sys;
use serde::Serialize;

use crate::error::NodeError;

/// What is written: JavaScript values for the getters, the wire format for `toJSON()`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// camelCase keys, instants as `Date`s, durations as milliseconds.
    Native,
    /// The core's JSON wire format, as `serde_json` writes it: snake_case keys, instants as
    /// RFC 3339 text (`2026-11-16T16:00:00Z`), durations as seconds, dates as `YYYY-MM-DD`.
    /// The core's own serializer writes the marked values (the serializer is human-readable),
    /// so no value of this form is decided here.
    Wire,
}

type Out = Result<sys::napi_value, NodeError>;

/// Writes `value` as a JavaScript value.
pub fn to_js<T: Serialize + ?Sized>(env: sys::napi_env, value: &T, mode: Mode) -> Out {
    write(
        &ToJs {
            env,
            mode,
            tag: None,
            keys: None,
        },
        value,
    )
}

/// Writes `value` as [`to_js`] does, making each key once: for a whole result, whose many
/// objects have the same few keys.
pub fn to_js_whole<T: Serialize + ?Sized>(env: sys::napi_env, value: &T, mode: Mode) -> Out {
    write(
        &ToJs {
            env,
            mode,
            tag: None,
            keys: Some(RefCell::default()),
        },
        value,
    )
}

/// What [`to_js_tagged`] gives each object it writes: the function `to_json` as an own,
/// non-enumerable `toJSON`, and under the symbol `key` (non-enumerable too) the object's
/// ordinal: objects are numbered from 0 in the order they end (a nested object before the one
/// holding it), which is the order in which any writer of the same value ends them.
pub struct Tag {
    to_json: sys::napi_value,
    name: sys::napi_value,
    key: sys::napi_value,
    next: Cell<u32>,
    /// How deep the writer is: 1 inside the value's own list or object.
    depth: Cell<u32>,
    /// When the value is a list: for each item, the ordinal after its last object.
    bounds: RefCell<Vec<u32>>,
}

impl Tag {
    pub fn new(
        env: sys::napi_env,
        to_json: sys::napi_value,
        key: sys::napi_value,
    ) -> Result<Self, NodeError> {
        let writer = ToJs {
            env,
            mode: Mode::Native,
            tag: None,
            keys: None,
        };
        Ok(Tag {
            to_json,
            name: writer.string("toJSON")?,
            key,
            next: Cell::new(0),
            depth: Cell::new(0),
            bounds: RefCell::default(),
        })
    }

    /// When the value written is a list: for each item, the ordinal after its last object
    /// (item `i` holds the objects from the bound of item `i - 1`, or 0, to its own).
    pub fn bounds(&self) -> Vec<u32> {
        self.bounds.take()
    }

    fn enter(&self) {
        self.depth.set(self.depth.get() + 1);
    }

    fn leave(&self) {
        self.depth.set(self.depth.get().saturating_sub(1));
    }

    /// The key `toJSON`.
    pub fn name(&self) -> sys::napi_value {
        self.name
    }
}

/// Writes `value` in [`Mode::Native`], each object tagged as [`Tag`] says (an object that has
/// a key `toJSON` of its own, a map's, keeps it and is not tagged).
pub fn to_js_tagged<T: Serialize + ?Sized>(env: sys::napi_env, value: &T, tag: &Tag) -> Out {
    write(
        &ToJs {
            env,
            mode: Mode::Native,
            tag: Some(tag),
            keys: Some(RefCell::default()),
        },
        value,
    )
}

/// Writes the field `name` (the core's snake_case name) of the struct `value`, and nothing
/// else of it; `undefined` when it has no such field.
pub fn field<T: Serialize + ?Sized>(
    env: sys::napi_env,
    value: &T,
    name: &'static str,
    mode: Mode,
) -> Out {
    let writer = ToJs {
        env,
        mode,
        tag: None,
        keys: None,
    };
    match write_field(&writer, value, name)? {
        Some(value) => Ok(value),
        None => check(|out| unsafe { sys::napi_get_undefined(env, out) }),
    }
}

/// Calls a Node-API function that writes a value, and returns the value.
fn check(f: impl FnOnce(*mut sys::napi_value) -> sys::napi_status) -> Out {
    let mut out = std::ptr::null_mut();
    let status = f(&mut out);
    if status == sys::Status::napi_ok {
        Ok(out)
    } else {
        Err(napi::Error::new(napi::Status::from(status), "cannot create a value").into())
    }
}

/// A field name in camelCase (`next_trigger_at` → `nextTriggerAt`), converted once per name.
pub fn camel(name: &'static str) -> &'static str {
    if !name.contains('_') {
        return name;
    }
    thread_local! {
        static CACHE: RefCell<HashMap<&'static str, &'static str>> = RefCell::new(HashMap::new());
    }
    CACHE.with(|cache| {
        *cache.borrow_mut().entry(name).or_insert_with(|| {
            let mut out = String::with_capacity(name.len());
            let mut upper = false;
            for c in name.chars() {
                if c == '_' {
                    upper = true;
                } else if upper {
                    out.extend(c.to_uppercase());
                    upper = false;
                } else {
                    out.push(c);
                }
            }
            // Field names are a fixed, small set: each is converted once per thread and kept.
            Box::leak(out.into_boxed_str())
        })
    })
}

/// An array of these values.
pub fn array(env: sys::napi_env, items: Vec<sys::napi_value>) -> Out {
    let array = check(|out| unsafe { sys::napi_create_array_with_length(env, items.len(), out) })?;
    for (index, &item) in items.iter().enumerate() {
        check(|_| unsafe { sys::napi_set_element(env, array, index as u32, item) })?;
    }
    Ok(array)
}

/// Makes JavaScript values in the environment of the current call.
struct ToJs<'a> {
    env: sys::napi_env,
    mode: Mode,
    tag: Option<&'a Tag>,
    /// The keys made so far in this call, made once each (a list of 100,000 results has the
    /// same few keys): at most [`KEYS`] of them, when the value is a whole result.
    keys: Option<RefCell<HashMap<String, sys::napi_value>>>,
}

/// The most keys [`ToJs`] keeps (maps may have as many keys as they like).
const KEYS: usize = 256;

impl ToJs<'_> {
    fn string(&self, s: &str) -> Out {
        // SAFETY (every `unsafe` Node-API call of this file): `env` is the environment of the
        // current call, the pointers and lengths describe live Rust values, and every
        // out-pointer is a local.
        check(|out| unsafe {
            sys::napi_create_string_utf8(self.env, s.as_ptr().cast(), s.len() as isize, out)
        })
    }

    /// A key: a string made once per call.
    fn key(&self, key: &str) -> Out {
        let Some(keys) = &self.keys else {
            return self.string(key);
        };
        if let Some(&made) = keys.borrow().get(key) {
            return Ok(made);
        }
        let made = self.string(key)?;
        let mut keys = keys.borrow_mut();
        if keys.len() < KEYS {
            keys.insert(key.to_owned(), made);
        }
        Ok(made)
    }

    fn number(&self, x: f64) -> Out {
        check(|out| unsafe { sys::napi_create_double(self.env, x, out) })
    }
}

/// A value the host cannot show (beyond what a `Date` or `YYYY-MM-DD` holds).
fn unshowable(reason: &str) -> NodeError {
    NodeError::Core(CoreError::Internal {
        reason: reason.to_owned(),
    })
}

/// An object's properties, defined in one call when it ends.
struct Object {
    keys: Vec<sys::napi_value>,
    values: Vec<sys::napi_value>,
    /// Whether a key is `toJSON` (then the object is not tagged).
    own_to_json: bool,
}

impl HostWriter for ToJs<'_> {
    type Value = sys::napi_value;
    type List = Vec<sys::napi_value>;
    type Object = Object;
    type Error = NodeError;

    fn human_readable(&self) -> bool {
        self.mode == Mode::Wire
    }
    fn field_key(&self, field: &'static str) -> &'static str {
        match self.mode {
            Mode::Native => camel(field),
            Mode::Wire => field,
        }
    }
    fn null(&self) -> Out {
        check(|out| unsafe { sys::napi_get_null(self.env, out) })
    }
    fn bool(&self, v: bool) -> Out {
        check(|out| unsafe { sys::napi_get_boolean(self.env, v, out) })
    }
    fn i64(&self, v: i64) -> Out {
        self.number(v as f64)
    }
    fn u64(&self, v: u64) -> Out {
        self.number(v as f64)
    }
    fn f64(&self, v: f64) -> Out {
        self.number(v)
    }
    fn str(&self, v: &str) -> Out {
        self.string(v)
    }
    fn instant(&self, micros: i64) -> Out {
        // Only in `Mode::Native`: the wire form is human-readable, and the core writes its text.
        let ms = micros.div_euclid(1000);
        check(|out| unsafe { sys::napi_create_date(self.env, ms as f64, out) })
    }
    fn duration(&self, micros: i64) -> Out {
        self.number(micros as f64 / 1000.0)
    }
    fn date(&self, days: i64) -> Out {
        match chrono::NaiveDate::from_num_days_from_ce_opt(
            i32::try_from(days + 719_163).unwrap_or(i32::MAX),
        ) {
            Some(d) => self.string(&d.format("%Y-%m-%d").to_string()),
            None => Err(unshowable("a date out of range")),
        }
    }
    fn list_begin(&self, len: Option<usize>) -> Result<Self::List, NodeError> {
        if let Some(tag) = self.tag {
            tag.enter();
        }
        Ok(Vec::with_capacity(len.unwrap_or(0).min(4096)))
    }
    fn list_push(&self, list: &mut Self::List, item: sys::napi_value) -> Result<(), NodeError> {
        if let Some(tag) = self.tag.filter(|t| t.depth.get() == 1) {
            tag.bounds.borrow_mut().push(tag.next.get());
        }
        list.push(item);
        Ok(())
    }
    fn list_end(&self, items: Self::List) -> Out {
        if let Some(tag) = self.tag {
            tag.leave();
        }
        array(self.env, items)
    }
    fn object_begin(&self, len: Option<usize>) -> Result<Object, NodeError> {
        if let Some(tag) = self.tag {
            tag.enter();
        }
        let len = len.unwrap_or(0).min(4096) + 2 * usize::from(self.tag.is_some());
        Ok(Object {
            keys: Vec::with_capacity(len),
            values: Vec::with_capacity(len),
            own_to_json: false,
        })
    }
    fn object_set(
        &self,
        object: &mut Object,
        key: &str,
        value: sys::napi_value,
    ) -> Result<(), NodeError> {
        object.own_to_json |= self.tag.is_some() && key == "toJSON";
        object.keys.push(self.key(key)?);
        object.values.push(value);
        Ok(())
    }
    fn object_end(&self, object: Object) -> Out {
        let env = self.env;
        let created = check(|out| unsafe { sys::napi_create_object(env, out) })?;
        let data = sys::PropertyAttributes::writable
            | sys::PropertyAttributes::enumerable
            | sys::PropertyAttributes::configurable;
        let descriptor = |name, value, attributes| sys::napi_property_descriptor {
            utf8name: std::ptr::null(),
            name,
            method: None,
            getter: None,
            setter: None,
            value,
            attributes,
            data: std::ptr::null_mut(),
        };
        let mut descriptors: Vec<sys::napi_property_descriptor> = object
            .keys
            .iter()
            .zip(&object.values)
            .map(|(&name, &value)| descriptor(name, value, data))
            .collect();
        if let Some(tag) = self.tag {
            tag.leave();
            // Numbered whether tagged or not, as every writer of the value numbers it.
            let ordinal = tag.next.get();
            tag.next.set(ordinal.wrapping_add(1));
            if !object.own_to_json {
                let hidden =
                    sys::PropertyAttributes::writable | sys::PropertyAttributes::configurable;
                descriptors.push(descriptor(tag.name, tag.to_json, hidden));
                let ordinal = check(|out| unsafe { sys::napi_create_uint32(env, ordinal, out) })?;
                descriptors.push(descriptor(
                    tag.key,
                    ordinal,
                    sys::PropertyAttributes::configurable,
                ));
            }
        }
        if !descriptors.is_empty() {
            check(|_| unsafe {
                sys::napi_define_properties(env, created, descriptors.len(), descriptors.as_ptr())
            })?;
        }
        Ok(created)
    }
}
