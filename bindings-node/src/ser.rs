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
//!   (floored to the millisecond) or, for `toJSON()`, the string `Date.prototype.toISOString`
//!   writes; a duration is milliseconds (a float that keeps the microseconds); a date is
//!   `YYYY-MM-DD`.
//! - Nesting deeper than `entitlement_core::host::MAX_NESTING` is `limit_exceeded`, never a
//!   stack overflow.
//!
//! [`field`] writes one field of a struct without converting the others: the getters of the
//! result classes use it.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Display;

use chrono::DateTime;
use entitlement_core::Error as CoreError;
use entitlement_core::host::MAX_NESTING;
use entitlement_core::time::{DATE, DURATION, INSTANT};
use napi::sys;
use serde::ser::{self, Impossible, Serialize};

use crate::error::NodeError;

/// How instants are written: `Date`s for the getters, ISO strings for `toJSON()`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Instants as `Date`s.
    Native,
    /// Instants as `Date.prototype.toISOString` writes them (`2026-11-16T16:00:00.000Z`).
    Json,
}

/// An error while writing a value: a Node-API failure, or a value nested too deep.
#[derive(Debug)]
pub struct Error(pub NodeError);

impl Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: Display>(msg: T) -> Self {
        Error(NodeError::Core(CoreError::Internal {
            reason: msg.to_string(),
        }))
    }
}

impl From<napi::Error> for Error {
    fn from(e: napi::Error) -> Self {
        Error(NodeError::Napi(e))
    }
}

impl From<Error> for NodeError {
    fn from(e: Error) -> Self {
        e.0
    }
}

type Out = Result<sys::napi_value, Error>;

/// Writes `value` as a JavaScript value.
pub fn to_js<T: Serialize + ?Sized>(
    env: sys::napi_env,
    value: &T,
    mode: Mode,
) -> Result<sys::napi_value, NodeError> {
    Ok(value.serialize(ToJs::new(env, mode))?)
}

/// Writes the field `name` (the core's snake_case name) of the struct `value`, and nothing
/// else of it; `undefined` when it has no such field.
pub fn field<T: Serialize + ?Sized>(
    env: sys::napi_env,
    value: &T,
    name: &'static str,
    mode: Mode,
) -> Result<sys::napi_value, NodeError> {
    Ok(value.serialize(ToJs {
        pick: Some(name),
        ..ToJs::new(env, mode)
    })?)
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

/// The serializer.
#[derive(Clone, Copy)]
struct ToJs {
    env: sys::napi_env,
    mode: Mode,
    depth: usize,
    /// Inside a marked value: the marker, and the integer that follows is its value.
    marker: Option<&'static str>,
    /// Writing only this field of the struct (see [`field`]).
    pick: Option<&'static str>,
}

impl ToJs {
    fn new(env: sys::napi_env, mode: Mode) -> ToJs {
        ToJs {
            env,
            mode,
            depth: 0,
            marker: None,
            pick: None,
        }
    }

    fn string(self, s: &str) -> Out {
        // SAFETY (every `unsafe` Node-API call of this file): `env` is the environment of the
        // current call, the pointers and lengths describe live Rust values, and every
        // out-pointer is a local.
        check(|out| unsafe {
            sys::napi_create_string_utf8(self.env, s.as_ptr().cast(), s.len() as isize, out)
        })
    }

    fn number(self, x: f64) -> Out {
        check(|out| unsafe { sys::napi_create_double(self.env, x, out) })
    }

    fn nested(self) -> Result<ToJs, Error> {
        if self.depth >= MAX_NESTING {
            return Err(Error(NodeError::Core(CoreError::LimitExceeded {
                path: "result".into(),
                reason: format!("nested more than {MAX_NESTING} levels deep"),
            })));
        }
        Ok(ToJs {
            depth: self.depth + 1,
            marker: None,
            pick: None,
            ..self
        })
    }

    /// A marked instant, duration or date (microseconds, microseconds, days).
    fn marked(self, name: &str, n: i64) -> Out {
        match name {
            INSTANT => {
                let ms = n.div_euclid(1000);
                match self.mode {
                    Mode::Native => {
                        check(|out| unsafe { sys::napi_create_date(self.env, ms as f64, out) })
                    }
                    Mode::Json => match DateTime::from_timestamp_millis(ms) {
                        Some(t) => self.string(&t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()),
                        None => Err(ser::Error::custom("an instant out of range")),
                    },
                }
            }
            DURATION => self.number(n as f64 / 1000.0),
            _ => match chrono::NaiveDate::from_num_days_from_ce_opt(
                i32::try_from(n + 719_163).unwrap_or(i32::MAX),
            ) {
                Some(d) => self.string(&d.format("%Y-%m-%d").to_string()),
                None => Err(ser::Error::custom("a date out of range")),
            },
        }
    }
}

/// An object's properties, defined in one call when it ends.
struct Object {
    to: ToJs,
    keys: Vec<sys::napi_value>,
    values: Vec<sys::napi_value>,
    /// The one field written (see [`field`]), and its value once met.
    pick: Option<&'static str>,
    found: Option<sys::napi_value>,
}

impl Object {
    fn new(to: ToJs, len: usize) -> Result<Object, Error> {
        let pick = to.pick;
        let to = to.nested()?;
        let len = if pick.is_some() { 0 } else { len.min(4096) };
        Ok(Object {
            to,
            keys: Vec::with_capacity(len),
            values: Vec::with_capacity(len),
            pick,
            found: None,
        })
    }

    fn push<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), Error> {
        let key = self.to.string(key)?;
        let value = value.serialize(self.to)?;
        self.keys.push(key);
        self.values.push(value);
        Ok(())
    }

    fn finish(self) -> Out {
        let env = self.to.env;
        if self.pick.is_some() {
            return match self.found {
                Some(value) => Ok(value),
                None => check(|out| unsafe { sys::napi_get_undefined(env, out) }),
            };
        }
        let object = check(|out| unsafe { sys::napi_create_object(env, out) })?;
        let descriptors: Vec<sys::napi_property_descriptor> = self
            .keys
            .iter()
            .zip(&self.values)
            .map(|(&name, &value)| sys::napi_property_descriptor {
                utf8name: std::ptr::null(),
                name,
                method: None,
                getter: None,
                setter: None,
                value,
                attributes: sys::PropertyAttributes::writable
                    | sys::PropertyAttributes::enumerable
                    | sys::PropertyAttributes::configurable,
                data: std::ptr::null_mut(),
            })
            .collect();
        if !descriptors.is_empty() {
            check(|_| unsafe {
                sys::napi_define_properties(env, object, descriptors.len(), descriptors.as_ptr())
            })?;
        }
        Ok(object)
    }
}

/// An array's items, made into an array when it ends.
struct List {
    to: ToJs,
    items: Vec<sys::napi_value>,
}

impl List {
    fn new(to: ToJs, len: Option<usize>) -> Result<List, Error> {
        Ok(List {
            to: to.nested()?,
            items: Vec::with_capacity(len.unwrap_or(0).min(4096)),
        })
    }

    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.items.push(value.serialize(self.to)?);
        Ok(())
    }

    fn finish(self) -> Out {
        let env = self.to.env;
        let array =
            check(|out| unsafe { sys::napi_create_array_with_length(env, self.items.len(), out) })?;
        for (index, &item) in self.items.iter().enumerate() {
            check(|_| unsafe { sys::napi_set_element(env, array, index as u32, item) })?;
        }
        Ok(array)
    }
}

/// A map: its keys are kept as they are (an account context is the user's own).
struct Map {
    object: Object,
    key: Option<String>,
}

/// Numbers that a `f64` holds exactly.
macro_rules! number {
    ($($method:ident: $t:ty),*) => {
        $(fn $method(self, v: $t) -> Out {
            self.number(v.into())
        })*
    };
}

impl ser::Serializer for ToJs {
    type Ok = sys::napi_value;
    type Error = Error;
    type SerializeSeq = List;
    type SerializeTuple = List;
    type SerializeTupleStruct = List;
    type SerializeTupleVariant = Impossible<sys::napi_value, Error>;
    type SerializeMap = Map;
    type SerializeStruct = Object;
    type SerializeStructVariant = Impossible<sys::napi_value, Error>;

    fn is_human_readable(&self) -> bool {
        false
    }

    fn serialize_bool(self, v: bool) -> Out {
        check(|out| unsafe { sys::napi_get_boolean(self.env, v, out) })
    }
    number!(serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_u8: u8);
    number!(serialize_u16: u16, serialize_u32: u32, serialize_f32: f32);
    fn serialize_i64(self, v: i64) -> Out {
        match self.marker {
            Some(marker) => self.marked(marker, v),
            None => self.number(v as f64),
        }
    }
    fn serialize_u64(self, v: u64) -> Out {
        self.number(v as f64)
    }
    fn serialize_f64(self, v: f64) -> Out {
        self.number(v)
    }
    fn serialize_char(self, v: char) -> Out {
        self.string(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Out {
        self.string(v)
    }
    fn serialize_bytes(self, v: &[u8]) -> Out {
        let mut list = List::new(self, Some(v.len()))?;
        for b in v {
            list.push(b)?;
        }
        list.finish()
    }
    fn serialize_none(self) -> Out {
        check(|out| unsafe { sys::napi_get_null(self.env, out) })
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Out {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Out {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Out {
        self.serialize_none()
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Out {
        self.string(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, name: &'static str, value: &T) -> Out {
        if matches!(name, INSTANT | DURATION | DATE) {
            return value.serialize(ToJs {
                marker: Some(name),
                ..self
            });
        }
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Out {
        let mut object = Object::new(self, 1)?;
        object.push(variant, value)?;
        object.finish()
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<List, Error> {
        List::new(self, len)
    }
    fn serialize_tuple(self, len: usize) -> Result<List, Error> {
        List::new(self, Some(len))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<List, Error> {
        List::new(self, Some(len))
    }
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(ser::Error::custom(format!("a tuple variant of {name}")))
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Map, Error> {
        Ok(Map {
            object: Object::new(self, len.unwrap_or(0))?,
            key: None,
        })
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Object, Error> {
        Object::new(self, len)
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(ser::Error::custom(format!("a struct variant of {name}")))
    }
}

/// The three kinds of sequence are one array.
macro_rules! list {
    ($($trait:ident::$method:ident),*) => {
        $(impl ser::$trait for List {
            type Ok = sys::napi_value;
            type Error = Error;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
                self.push(value)
            }
            fn end(self) -> Out {
                self.finish()
            }
        })*
    };
}
list!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field
);

impl ser::SerializeStruct for Object {
    type Ok = sys::napi_value;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        match self.pick {
            Some(pick) if key == pick => {
                self.found = Some(value.serialize(self.to)?);
                Ok(())
            }
            Some(_) => Ok(()),
            None => self.push(camel(key), value),
        }
    }
    fn end(self) -> Out {
        self.finish()
    }
}

impl ser::SerializeMap for Map {
    type Ok = sys::napi_value;
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        // Keys are strings in every result (a map of the user's values); anything else is
        // written as its JSON text.
        self.key = Some(
            match serde_json::to_value(key).map_err(<Error as ser::Error>::custom)? {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            },
        );
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let key = self.key.take().unwrap_or_default();
        self.object.push(&key, value)
    }
    fn end(self) -> Out {
        self.object.finish()
    }
}
