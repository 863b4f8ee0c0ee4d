//! The one writer of results into host values: any `Serialize` value of the core (every result
//! type, a JSON value) streamed straight into a host's objects (Python dicts, JavaScript
//! objects), with no tree or text in between.
//!
//! A binding implements [`HostWriter`] (how to make a null, a number, a string, an instant, a
//! list, an object of its host) and calls [`write()`] or [`write_field`]; the serde plumbing is
//! here, once: structs and maps become objects, sequences and tuples lists, unit enum variants
//! their name, a variant with data `{variant: data}`, and the core's marked instants, durations
//! and dates ([`crate::time::marker`]) reach [`HostWriter::instant`], [`HostWriter::duration`]
//! and [`HostWriter::date`] as integers. Nesting deeper than [`MAX_NESTING`] is
//! `limit_exceeded`, never a stack overflow.
//!
//! ```
//! use entitlement_core::host::write::{write, write_field, HostWriter};
//! use entitlement_core::Error;
//! use serde_json::{json, Map, Value};
//!
//! /// Writes JSON values; instants as `{"$instant": µs}`.
//! struct Toy;
//! impl HostWriter for Toy {
//!     type Value = Value;
//!     type List = Vec<Value>;
//!     type Object = Map<String, Value>;
//!     type Error = Error;
//!     fn null(&self) -> Result<Value, Error> { Ok(Value::Null) }
//!     fn bool(&self, v: bool) -> Result<Value, Error> { Ok(v.into()) }
//!     fn i64(&self, v: i64) -> Result<Value, Error> { Ok(v.into()) }
//!     fn u64(&self, v: u64) -> Result<Value, Error> { Ok(v.into()) }
//!     fn f64(&self, v: f64) -> Result<Value, Error> { Ok(v.into()) }
//!     fn str(&self, v: &str) -> Result<Value, Error> { Ok(v.into()) }
//!     fn instant(&self, us: i64) -> Result<Value, Error> { Ok(json!({"$instant": us})) }
//!     fn duration(&self, us: i64) -> Result<Value, Error> { Ok(json!({"$duration": us})) }
//!     fn date(&self, days: i64) -> Result<Value, Error> { Ok(json!({"$date": days})) }
//!     fn list_begin(&self, _: Option<usize>) -> Result<Vec<Value>, Error> { Ok(Vec::new()) }
//!     fn list_push(&self, l: &mut Vec<Value>, v: Value) -> Result<(), Error> { Ok(l.push(v)) }
//!     fn list_end(&self, l: Vec<Value>) -> Result<Value, Error> { Ok(l.into()) }
//!     fn object_begin(&self, _: Option<usize>) -> Result<Map<String, Value>, Error> {
//!         Ok(Map::new())
//!     }
//!     fn object_set(&self, o: &mut Map<String, Value>, k: &str, v: Value) -> Result<(), Error> {
//!         o.insert(k.to_owned(), v);
//!         Ok(())
//!     }
//!     fn object_end(&self, o: Map<String, Value>) -> Result<Value, Error> { Ok(o.into()) }
//! }
//!
//! #[derive(serde::Serialize)]
//! struct Row {
//!     id: &'static str,
//!     #[serde(with = "entitlement_core::time::serde_instant")]
//!     at: chrono::DateTime<chrono::Utc>,
//! }
//! let row = Row { id: "C-1", at: "1970-01-01T00:00:01Z".parse()? };
//! assert_eq!(write(&Toy, &row)?, json!({"id": "C-1", "at": {"$instant": 1_000_000}}));
//! assert_eq!(write_field(&Toy, &row, "id")?, Some(json!("C-1")));
//! assert_eq!(write_field(&Toy, &row, "nope")?, None);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt::{self, Display};

use serde::ser::{self, Impossible, Serialize};

use super::MAX_NESTING;
use crate::error::Error;
use crate::time::{DATE, DURATION, INSTANT};

/// How a host makes its values; [`write()`] drives it. Every method gets what it makes from
/// plain Rust values, so a host holds no serde code of its own.
pub trait HostWriter {
    /// A host value (a Python object, a `napi_value`).
    type Value;
    /// A list being filled.
    type List;
    /// An object (dict) being filled.
    type Object;
    /// The host's error: a host failure, or a core [`Error`] (a value out of the host's range,
    /// nesting deeper than [`MAX_NESTING`]).
    type Error: From<Error>;

    /// The path named by the `limit_exceeded` error of a value nested too deep.
    const ROOT: &'static str = "result";

    /// `true` to get instants, durations and dates as text formats show them (RFC 3339 text,
    /// seconds, `YYYY-MM-DD`) instead of through [`HostWriter::instant`] and its siblings.
    fn human_readable(&self) -> bool {
        false
    }
    /// `true` to write a list as its length (a number), without writing any of its items.
    fn lists_as_lengths(&self) -> bool {
        false
    }
    /// The key under which a struct's field is written (Node: its camelCase form).
    fn field_key(&self, field: &'static str) -> &'static str {
        field
    }

    /// `null` / `None`.
    fn null(&self) -> Result<Self::Value, Self::Error>;
    /// A boolean.
    fn bool(&self, v: bool) -> Result<Self::Value, Self::Error>;
    /// A signed integer.
    fn i64(&self, v: i64) -> Result<Self::Value, Self::Error>;
    /// An unsigned integer.
    fn u64(&self, v: u64) -> Result<Self::Value, Self::Error>;
    /// A float.
    fn f64(&self, v: f64) -> Result<Self::Value, Self::Error>;
    /// A string.
    fn str(&self, v: &str) -> Result<Self::Value, Self::Error>;
    /// Bytes; by default a list of numbers, as JSON writes them.
    fn bytes(&self, v: &[u8]) -> Result<Self::Value, Self::Error> {
        let mut list = self.list_begin(Some(v.len()))?;
        for &b in v {
            let item = self.u64(b.into())?;
            self.list_push(&mut list, item)?;
        }
        self.list_end(list)
    }
    /// A marked instant: microseconds since the Unix epoch.
    fn instant(&self, micros: i64) -> Result<Self::Value, Self::Error>;
    /// A marked duration: microseconds.
    fn duration(&self, micros: i64) -> Result<Self::Value, Self::Error>;
    /// A marked calendar date: days since 1970-01-01.
    fn date(&self, days: i64) -> Result<Self::Value, Self::Error>;

    /// Starts a list (`len`: its length when known; never trust it to allocate).
    fn list_begin(&self, len: Option<usize>) -> Result<Self::List, Self::Error>;
    /// Appends an item.
    fn list_push(&self, list: &mut Self::List, item: Self::Value) -> Result<(), Self::Error>;
    /// The finished list.
    fn list_end(&self, list: Self::List) -> Result<Self::Value, Self::Error>;
    /// Starts an object (`len`: its number of keys when known; never trust it to allocate).
    fn object_begin(&self, len: Option<usize>) -> Result<Self::Object, Self::Error>;
    /// Sets `key` to `value`.
    fn object_set(
        &self,
        object: &mut Self::Object,
        key: &str,
        value: Self::Value,
    ) -> Result<(), Self::Error>;
    /// The finished object.
    fn object_end(&self, object: Self::Object) -> Result<Self::Value, Self::Error>;
}

/// `value` as a host value.
pub fn write<W: HostWriter, T: Serialize + ?Sized>(w: &W, value: &T) -> Result<W::Value, W::Error> {
    value.serialize(Writer { w, depth: 0 }).map_err(|e| e.0)
}

/// The field `field` (its name in the core) of the struct `value` as a host value, and nothing
/// else of it written; `None` when the struct has no such field. A value that is not a struct
/// is the core's `internal_error` (a bug of the caller).
///
/// ```
/// # use entitlement_core::host::write::write_field;
/// # fn f<W: entitlement_core::host::write::HostWriter>(w: &W) -> Result<(), W::Error> {
/// #[derive(serde::Serialize)]
/// struct Status { milestone: String, breached: bool }
/// let status = Status { milestone: "first_response".into(), breached: false };
/// let breached = write_field(w, &status, "breached")?; // only `breached` is written
/// # Ok(()) }
/// ```
pub fn write_field<W: HostWriter, T: Serialize + ?Sized>(
    w: &W,
    value: &T,
    field: &str,
) -> Result<Option<W::Value>, W::Error> {
    let mut out = None;
    value
        .serialize(Pick {
            w,
            field,
            out: &mut out,
        })
        .map_err(|e| e.0)?;
    Ok(out)
}

/// A host error carried through serde's traits.
struct Failed<E>(E);

impl<E> fmt::Debug for Failed<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Failed")
    }
}

impl<E> Display for Failed<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("cannot write the value as host values")
    }
}

impl<E> std::error::Error for Failed<E> {}

impl<E: From<Error>> ser::Error for Failed<E> {
    /// A value that refused to serialise: only a duration beyond ±292,000 years does.
    fn custom<T: Display>(msg: T) -> Self {
        Failed(
            Error::OutOfRange {
                what: msg.to_string(),
            }
            .into(),
        )
    }
}

fn host<E>(e: E) -> Failed<E> {
    Failed(e)
}

/// A serializer used against its contract: a bug of the caller.
fn bug<E: From<Error>>(reason: &str) -> Failed<E> {
    Failed(
        Error::Internal {
            reason: reason.to_owned(),
        }
        .into(),
    )
}

type Out<W> = Result<<W as HostWriter>::Value, Failed<<W as HostWriter>::Error>>;

/// The serializer: a host writer at a depth.
struct Writer<'a, W> {
    w: &'a W,
    depth: usize,
}

impl<W> Clone for Writer<'_, W> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<W> Copy for Writer<'_, W> {}

impl<'a, W: HostWriter> Writer<'a, W> {
    fn deeper(self) -> Result<Self, Failed<W::Error>> {
        if self.depth >= MAX_NESTING {
            return Err(Failed(
                Error::LimitExceeded {
                    path: W::ROOT.into(),
                    reason: format!("nested more than {MAX_NESTING} levels deep"),
                }
                .into(),
            ));
        }
        Ok(Writer {
            w: self.w,
            depth: self.depth + 1,
        })
    }

    fn object(self, len: Option<usize>) -> Result<Object<'a, W>, Failed<W::Error>> {
        let to = self.deeper()?;
        Ok(Object {
            object: self.w.object_begin(len).map_err(host)?,
            to,
            key: None,
        })
    }

    fn list(self, len: Option<usize>) -> Result<List<'a, W>, Failed<W::Error>> {
        let to = self.deeper()?;
        let list = if self.w.lists_as_lengths() {
            None
        } else {
            Some(self.w.list_begin(len).map_err(host)?)
        };
        Ok(List { list, to, count: 0 })
    }
}

/// Serializer methods that refuse what they are given: a bug of the caller if ever called.
macro_rules! refuse {
    ($ok:ty, $msg:literal; $($name:ident($($t:ty),*))*) => {$(
        fn $name(self, $(_: $t),*) -> Result<$ok, Self::Error> { Err(bug($msg)) }
    )*};
}

macro_rules! refuse_compound {
    ($ok:ty, $msg:literal) => {
        type SerializeSeq = Impossible<$ok, Self::Error>;
        type SerializeTuple = Impossible<$ok, Self::Error>;
        type SerializeTupleStruct = Impossible<$ok, Self::Error>;
        type SerializeTupleVariant = Impossible<$ok, Self::Error>;
        type SerializeMap = Impossible<$ok, Self::Error>;
        type SerializeStructVariant = Impossible<$ok, Self::Error>;
        refuse! { $ok, $msg;
            serialize_bool(bool) serialize_i8(i8) serialize_i16(i16) serialize_i32(i32)
            serialize_u8(u8) serialize_u16(u16) serialize_u32(u32) serialize_u64(u64)
            serialize_f32(f32) serialize_f64(f64) serialize_char(char) serialize_str(&str)
            serialize_bytes(&[u8]) serialize_none() serialize_unit()
            serialize_unit_struct(&'static str)
            serialize_unit_variant(&'static str, u32, &'static str)
        }
        refuse! { Self::SerializeSeq, $msg; serialize_seq(Option<usize>) }
        refuse! { Self::SerializeTuple, $msg; serialize_tuple(usize) }
        refuse! { Self::SerializeTupleStruct, $msg; serialize_tuple_struct(&'static str, usize) }
        refuse! { Self::SerializeTupleVariant, $msg;
            serialize_tuple_variant(&'static str, u32, &'static str, usize)
        }
        refuse! { Self::SerializeMap, $msg; serialize_map(Option<usize>) }
        refuse! { Self::SerializeStructVariant, $msg;
            serialize_struct_variant(&'static str, u32, &'static str, usize)
        }
        fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<$ok, Self::Error> {
            Err(bug($msg))
        }
        fn serialize_newtype_variant<T: Serialize + ?Sized>(
            self,
            _: &'static str,
            _: u32,
            _: &'static str,
            _: &T,
        ) -> Result<$ok, Self::Error> {
            Err(bug($msg))
        }
    };
}

/// The one integer inside a marked instant, duration or date.
struct Integer<E>(std::marker::PhantomData<E>);

impl<E: From<Error>> ser::Serializer for Integer<E> {
    type Ok = i64;
    type Error = Failed<E>;
    type SerializeStruct = Impossible<i64, Failed<E>>;
    refuse_compound!(i64, "a marked value that is not an integer");
    fn is_human_readable(&self) -> bool {
        false
    }
    fn serialize_i64(self, v: i64) -> Result<i64, Failed<E>> {
        Ok(v)
    }
    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStruct, Failed<E>> {
        Err(bug("a marked value that is not an integer"))
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<i64, Failed<E>> {
        v.serialize(self)
    }
}

impl<'a, W: HostWriter> ser::Serializer for Writer<'a, W> {
    type Ok = W::Value;
    type Error = Failed<W::Error>;
    type SerializeSeq = List<'a, W>;
    type SerializeTuple = List<'a, W>;
    type SerializeTupleStruct = List<'a, W>;
    type SerializeTupleVariant = Variant<'a, W, List<'a, W>>;
    type SerializeMap = Object<'a, W>;
    type SerializeStruct = Object<'a, W>;
    type SerializeStructVariant = Variant<'a, W, Object<'a, W>>;

    fn is_human_readable(&self) -> bool {
        self.w.human_readable()
    }
    fn serialize_bool(self, v: bool) -> Out<W> {
        self.w.bool(v).map_err(host)
    }
    fn serialize_i8(self, v: i8) -> Out<W> {
        self.serialize_i64(v.into())
    }
    fn serialize_i16(self, v: i16) -> Out<W> {
        self.serialize_i64(v.into())
    }
    fn serialize_i32(self, v: i32) -> Out<W> {
        self.serialize_i64(v.into())
    }
    fn serialize_i64(self, v: i64) -> Out<W> {
        self.w.i64(v).map_err(host)
    }
    fn serialize_u8(self, v: u8) -> Out<W> {
        self.serialize_u64(v.into())
    }
    fn serialize_u16(self, v: u16) -> Out<W> {
        self.serialize_u64(v.into())
    }
    fn serialize_u32(self, v: u32) -> Out<W> {
        self.serialize_u64(v.into())
    }
    fn serialize_u64(self, v: u64) -> Out<W> {
        self.w.u64(v).map_err(host)
    }
    fn serialize_f32(self, v: f32) -> Out<W> {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Out<W> {
        self.w.f64(v).map_err(host)
    }
    fn serialize_char(self, v: char) -> Out<W> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Out<W> {
        self.w.str(v).map_err(host)
    }
    fn serialize_bytes(self, v: &[u8]) -> Out<W> {
        self.w.bytes(v).map_err(host)
    }
    fn serialize_none(self) -> Out<W> {
        self.w.null().map_err(host)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, v: &T) -> Out<W> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Out<W> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _: &'static str) -> Out<W> {
        self.serialize_none()
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Out<W> {
        self.serialize_str(variant)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, name: &'static str, v: &T) -> Out<W> {
        if !self.w.human_readable() && matches!(name, INSTANT | DURATION | DATE) {
            let n = v.serialize(Integer::<W::Error>(std::marker::PhantomData))?;
            return match name {
                INSTANT => self.w.instant(n),
                DURATION => self.w.duration(n),
                _ => self.w.date(n),
            }
            .map_err(host);
        }
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        v: &T,
    ) -> Out<W> {
        let mut object = self.object(Some(1))?;
        object.set(variant, v)?;
        ser::SerializeStruct::end(object)
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<List<'a, W>, Self::Error> {
        self.list(len)
    }
    fn serialize_tuple(self, len: usize) -> Result<List<'a, W>, Self::Error> {
        self.list(Some(len))
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        len: usize,
    ) -> Result<List<'a, W>, Self::Error> {
        self.list(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleVariant, Self::Error> {
        Ok(Variant {
            w: self.w,
            variant,
            inner: self.list(Some(len))?,
        })
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Object<'a, W>, Self::Error> {
        self.object(len)
    }
    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Object<'a, W>, Self::Error> {
        self.object(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStructVariant, Self::Error> {
        Ok(Variant {
            w: self.w,
            variant,
            inner: self.object(Some(len))?,
        })
    }
}

/// A list being written (or only counted, see [`HostWriter::lists_as_lengths`]).
struct List<'a, W: HostWriter> {
    list: Option<W::List>,
    to: Writer<'a, W>,
    count: u64,
}

impl<W: HostWriter> List<'_, W> {
    fn push<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Failed<W::Error>> {
        self.count += 1;
        if let Some(list) = &mut self.list {
            let item = v.serialize(self.to)?;
            self.to.w.list_push(list, item).map_err(host)?;
        }
        Ok(())
    }
    fn finish(self) -> Out<W> {
        match self.list {
            Some(list) => self.to.w.list_end(list),
            None => self.to.w.u64(self.count),
        }
        .map_err(host)
    }
}

/// The three kinds of sequence are one list.
macro_rules! list {
    ($($trait:ident::$method:ident),*) => {
        $(impl<W: HostWriter> ser::$trait for List<'_, W> {
            type Ok = W::Value;
            type Error = Failed<W::Error>;
            fn $method<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Self::Error> {
                self.push(v)
            }
            fn end(self) -> Out<W> {
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

/// An object being written: a struct (keys through [`HostWriter::field_key`]) or a map (keys
/// as they are: strings, anything else as its JSON text).
struct Object<'a, W: HostWriter> {
    object: W::Object,
    to: Writer<'a, W>,
    key: Option<String>,
}

impl<W: HostWriter> Object<'_, W> {
    fn set<T: Serialize + ?Sized>(&mut self, key: &str, v: &T) -> Result<(), Failed<W::Error>> {
        let value = v.serialize(self.to)?;
        self.to
            .w
            .object_set(&mut self.object, key, value)
            .map_err(host)
    }
}

impl<W: HostWriter> ser::SerializeStruct for Object<'_, W> {
    type Ok = W::Value;
    type Error = Failed<W::Error>;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), Self::Error> {
        let key = self.to.w.field_key(key);
        self.set(key, v)
    }
    fn end(self) -> Out<W> {
        self.to.w.object_end(self.object).map_err(host)
    }
}

impl<W: HostWriter> ser::SerializeMap for Object<'_, W> {
    type Ok = W::Value;
    type Error = Failed<W::Error>;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Self::Error> {
        self.key = Some(
            match serde_json::to_value(key).map_err(|e| bug::<W::Error>(&e.to_string()))? {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            },
        );
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Self::Error> {
        let key = self
            .key
            .take()
            .ok_or_else(|| bug::<W::Error>("a map value without a key"))?;
        self.set(&key, v)
    }
    fn end(self) -> Out<W> {
        self.to.w.object_end(self.object).map_err(host)
    }
}

/// An enum variant with data: `{variant: data}`.
struct Variant<'a, W, T> {
    w: &'a W,
    variant: &'static str,
    inner: T,
}

fn wrap<W: HostWriter>(w: &W, variant: &str, value: W::Value) -> Out<W> {
    let mut object = w.object_begin(Some(1)).map_err(host)?;
    w.object_set(&mut object, variant, value).map_err(host)?;
    w.object_end(object).map_err(host)
}

impl<'a, W: HostWriter> ser::SerializeTupleVariant for Variant<'a, W, List<'a, W>> {
    type Ok = W::Value;
    type Error = Failed<W::Error>;
    fn serialize_field<T: Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Self::Error> {
        self.inner.push(v)
    }
    fn end(self) -> Out<W> {
        let value = self.inner.finish()?;
        wrap(self.w, self.variant, value)
    }
}

impl<'a, W: HostWriter> ser::SerializeStructVariant for Variant<'a, W, Object<'a, W>> {
    type Ok = W::Value;
    type Error = Failed<W::Error>;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), Self::Error> {
        ser::SerializeStruct::serialize_field(&mut self.inner, key, v)
    }
    fn end(self) -> Out<W> {
        let value = ser::SerializeStruct::end(self.inner)?;
        wrap(self.w, self.variant, value)
    }
}

/// Writes one field of a struct and skips the others.
struct Pick<'a, 'f, W: HostWriter> {
    w: &'a W,
    field: &'f str,
    out: &'f mut Option<W::Value>,
}

impl<W: HostWriter> ser::SerializeStruct for Pick<'_, '_, W> {
    type Ok = ();
    type Error = Failed<W::Error>;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), Self::Error> {
        if key == self.field {
            *self.out = Some(v.serialize(Writer {
                w: self.w,
                depth: 1,
            })?);
        }
        Ok(())
    }
    fn end(self) -> Result<(), Self::Error> {
        Ok(())
    }
}

impl<W: HostWriter> ser::Serializer for Pick<'_, '_, W> {
    type Ok = ();
    type Error = Failed<W::Error>;
    type SerializeStruct = Self;
    refuse_compound!((), "a result that is not a struct");
    refuse! { (), "a result that is not a struct"; serialize_i64(i64) }
    fn is_human_readable(&self) -> bool {
        self.w.human_readable()
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Self::Error> {
        Ok(self)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<(), Self::Error> {
        v.serialize(self)
    }
}
