//! The results that Node gets as plain data (`rules.breachRisk()`, `whatIf()`, `diff()`,
//! `check()`, the `CaseError` entries of `evaluateMany()`, `report.outcomes()`,
//! `report.accountPeriods()`, `report.digests()`, `report.accounts`, `report.errors`): plain
//! objects with camelCase keys, `Date`s and milliseconds for property reads, whose
//! `JSON.stringify` writes the core's JSON wire format, as the result classes' `toJSON()` does
//! (`docs/wire-format.md`).
//!
//! [`to_js`] and [`list`] write the value as the host serializer writes it for a getter, and
//! give each object of it, in the same Node-API call that defines its properties, two
//! non-enumerable properties ([`ser::Tag`]): `toJSON`, one function per result, and the
//! object's ordinal under a symbol of the addon (objects are numbered in the order they end,
//! which is the same for every writer of the value). That function's data is a [`Source`]
//! holding the core's value. The `toJSON()` of the result itself writes the whole value in the
//! wire format at once; that of an item of a list result writes that item again in the wire
//! format ([`Recorder`]: what `serde_json` writes in Rust, Python's `to_json()` and the CLI)
//! and gives its object of that ordinal; that of an object inside a result that is not a list
//! (`whatIf.changes[0]`) makes the wire form of every object once, on the first call. The
//! function refuses an object whose own `toJSON` is another result's (`invalid_type`).
//!
//! Why not result classes with getters (as `MilestoneStatus`): a getter calls into the addon
//! on every read and each instance is a wrapped object with a finalizer; `breachRisk` over many
//! cases is a hot path whose items are read field by field. The figures are in
//! `docs/wire-format.md`.

use std::borrow::Cow;
use std::cell::{Cell, OnceCell, RefCell};
use std::ffi::c_void;

use entitlement_core::Error as CoreError;
use entitlement_core::host::write::{HostWriter, write};
use napi::sys;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::error::{NodeError, guard_raw};
use crate::ser::{self, Mode, Tag};

thread_local! {
    /// The symbol under which an object's ordinal is kept, in the environment of this thread
    /// (a worker has its own), kept alive by a reference that is dropped with the environment.
    static KEY: Cell<Option<(sys::napi_env, sys::napi_ref)>> = const { Cell::new(None) };
}

/// A core value kept for the `toJSON()` of the objects written from it.
trait Source {
    /// The weak reference to the result's `toJSON` function.
    fn function(&self) -> &Cell<sys::napi_ref>;
    /// Writes the value as plain data, its objects tagged.
    fn native(&self, env: sys::napi_env, tag: &Tag) -> Result<sys::napi_value, NodeError>;
    /// The whole value in the wire format.
    fn wire(&self, env: sys::napi_env) -> Result<sys::napi_value, NodeError>;
    /// The wire form of the object numbered `ordinal`.
    fn object(&self, ordinal: u32) -> Result<Cow<'_, Value>, NodeError>;
}

/// The ordinal of the result itself (a list or an object), whose `toJSON()` writes the whole
/// value at once, without keeping a copy of each object.
const ROOT: u32 = u32::MAX;

/// The objects of item `i` of a list result, in the wire format, by ordinal from the item's
/// first.
type Item<T> = fn(&Held<T>, usize) -> Result<Vec<Value>, NodeError>;

struct Held<T> {
    /// A weak reference to the result's `toJSON` function: an object of another result (whose
    /// ordinals are another list's) has another function.
    function: Cell<sys::napi_ref>,
    /// What the plain data is written from.
    value: T,
    /// What the wire form is written from, when not `value` (a digest renames keys).
    wire: Option<Value>,
    /// For a list: how to write one item, and where each item's objects end (so that the
    /// `toJSON()` of an item writes that item only).
    item: Option<Item<T>>,
    bounds: OnceCell<Vec<u32>>,
    /// Otherwise: the wire form of every object, made on the first `toJSON()`.
    objects: OnceCell<Vec<Value>>,
}

impl<T> Held<T> {
    fn new(value: T, wire: Option<Value>, item: Option<Item<T>>) -> Self {
        Held {
            function: Cell::new(std::ptr::null_mut()),
            value,
            wire,
            item,
            bounds: OnceCell::new(),
            objects: OnceCell::new(),
        }
    }
}

/// The objects of `value` in the wire format, in the order they end.
fn record<T: Serialize + ?Sized>(value: &T) -> Result<Vec<Value>, NodeError> {
    let recorder = Recorder {
        objects: RefCell::new(Vec::new()),
    };
    write(&recorder, value)?;
    Ok(recorder.objects.into_inner())
}

/// [`Item`] of a list.
fn list_item<E: Serialize>(held: &Held<Vec<E>>, i: usize) -> Result<Vec<Value>, NodeError> {
    let missing = not_this_result;
    match &held.wire {
        Some(Value::Array(items)) => record(items.get(i).ok_or_else(missing)?),
        _ => record(held.value.get(i).ok_or_else(missing)?),
    }
}

impl<T: Serialize> Source for Held<T> {
    fn function(&self) -> &Cell<sys::napi_ref> {
        &self.function
    }

    fn native(&self, env: sys::napi_env, tag: &Tag) -> Result<sys::napi_value, NodeError> {
        let native = ser::to_js_tagged(env, &self.value, tag)?;
        if self.item.is_some() {
            let _ = self.bounds.set(tag.bounds());
        }
        Ok(native)
    }

    fn wire(&self, env: sys::napi_env) -> Result<sys::napi_value, NodeError> {
        match &self.wire {
            Some(wire) => ser::to_js_whole(env, wire, Mode::Wire),
            None => ser::to_js_whole(env, &self.value, Mode::Wire),
        }
    }

    fn object(&self, ordinal: u32) -> Result<Cow<'_, Value>, NodeError> {
        let missing = not_this_result;
        if let (Some(item), Some(bounds)) = (self.item, self.bounds.get()) {
            let i = bounds.partition_point(|&end| end <= ordinal);
            let start = if i == 0 { 0 } else { bounds[i - 1] };
            let objects = item(self, i)?;
            let object = objects.into_iter().nth((ordinal - start) as usize);
            return object.map(Cow::Owned).ok_or_else(missing);
        }
        let objects = match self.objects.get() {
            Some(objects) => objects,
            None => {
                let objects = match &self.wire {
                    Some(wire) => record(wire)?,
                    None => record(&self.value)?,
                };
                self.objects.get_or_init(|| objects)
            }
        };
        objects
            .get(ordinal as usize)
            .map(Cow::Borrowed)
            .ok_or_else(missing)
    }
}

/// Writes a value in the JSON wire format as `serde_json::Value`s (as `serde_json` writes
/// it: the writer is human-readable, so the core's own serializer writes instants, durations
/// and dates), keeping a copy of each object as it ends.
struct Recorder {
    objects: RefCell<Vec<Value>>,
}

impl HostWriter for Recorder {
    type Value = Value;
    type List = Vec<Value>;
    type Object = Map<String, Value>;
    type Error = NodeError;

    fn human_readable(&self) -> bool {
        true
    }
    fn null(&self) -> Result<Value, NodeError> {
        Ok(Value::Null)
    }
    fn bool(&self, v: bool) -> Result<Value, NodeError> {
        Ok(v.into())
    }
    fn i64(&self, v: i64) -> Result<Value, NodeError> {
        Ok(v.into())
    }
    fn u64(&self, v: u64) -> Result<Value, NodeError> {
        Ok(v.into())
    }
    fn f64(&self, v: f64) -> Result<Value, NodeError> {
        // As `serde_json`: a number that is not finite is `null`.
        Ok(v.into())
    }
    fn str(&self, v: &str) -> Result<Value, NodeError> {
        Ok(v.into())
    }
    fn instant(&self, _: i64) -> Result<Value, NodeError> {
        Err(not_wire())
    }
    fn duration(&self, _: i64) -> Result<Value, NodeError> {
        Err(not_wire())
    }
    fn date(&self, _: i64) -> Result<Value, NodeError> {
        Err(not_wire())
    }
    fn list_begin(&self, len: Option<usize>) -> Result<Vec<Value>, NodeError> {
        Ok(Vec::with_capacity(len.unwrap_or(0).min(4096)))
    }
    fn list_push(&self, list: &mut Vec<Value>, item: Value) -> Result<(), NodeError> {
        list.push(item);
        Ok(())
    }
    fn list_end(&self, list: Vec<Value>) -> Result<Value, NodeError> {
        Ok(list.into())
    }
    fn object_begin(&self, _: Option<usize>) -> Result<Map<String, Value>, NodeError> {
        Ok(Map::new())
    }
    fn object_set(
        &self,
        object: &mut Map<String, Value>,
        key: &str,
        value: Value,
    ) -> Result<(), NodeError> {
        object.insert(key.to_owned(), value);
        Ok(())
    }
    fn object_end(&self, object: Map<String, Value>) -> Result<Value, NodeError> {
        let object = Value::Object(object);
        self.objects.borrow_mut().push(object.clone());
        Ok(object)
    }
}

fn not_wire() -> NodeError {
    NodeError::Core(CoreError::Internal {
        reason: "a marked value in the wire format".into(),
    })
}

/// The error of a `toJSON()` called on an object that is not one of its result's: another
/// result's, a copy, or one whose hidden ordinal was redefined to one the result does not have.
fn not_this_result() -> NodeError {
    CoreError::InvalidType {
        path: "this".into(),
        expected: "an object of the result this toJSON belongs to".into(),
        found: "another object".into(),
    }
    .into()
}

fn fail(reason: &str) -> NodeError {
    napi::Error::from_reason(reason.to_owned()).into()
}

/// Writes `value` as plain JavaScript data whose `JSON.stringify` is its wire format.
pub fn to_js<T: Serialize + 'static>(
    env: sys::napi_env,
    value: T,
) -> Result<sys::napi_value, NodeError> {
    written(env, Held::new(value, None, None))
}

/// Writes a list as [`to_js`] does; the `toJSON()` of an item writes only that item.
pub fn list<E: Serialize + 'static>(
    env: sys::napi_env,
    items: Vec<E>,
) -> Result<sys::napi_value, NodeError> {
    written(env, Held::new(items, None, Some(list_item::<E>)))
}

/// Writes `native` as plain JavaScript data whose `JSON.stringify` is the wire format of
/// `wire`: the same list with some keys of its own renamed (a digest's), so that its objects
/// come in the same order.
pub fn renamed(
    env: sys::napi_env,
    native: Vec<Value>,
    wire: Vec<Value>,
) -> Result<sys::napi_value, NodeError> {
    let item: Item<Vec<Value>> = list_item::<Value>;
    written(env, Held::new(native, Some(Value::Array(wire)), Some(item)))
}

fn written<T: Serialize + 'static>(
    env: sys::napi_env,
    held: Held<T>,
) -> Result<sys::napi_value, NodeError> {
    let Some((_, reference)) = KEY.with(Cell::get).filter(|(e, _)| *e == env) else {
        return Err(fail(
            "the wire form of results is not installed in this environment",
        ));
    };
    let ok = |status: sys::napi_status, what: &str| {
        if status == sys::Status::napi_ok {
            Ok(())
        } else {
            Err(fail(what))
        }
    };
    let source: *mut Box<dyn Source> = Box::into_raw(Box::new(Box::new(held)));
    // SAFETY: `env` is the current call's and every value one of its values. The function
    // owns the boxed source from here on: its finalizer frees it once, when the function (and
    // so every object that holds it) is gone; until then `source` is valid.
    unsafe {
        let mut function = std::ptr::null_mut();
        if sys::napi_create_function(
            env,
            c"toJSON".as_ptr(),
            6,
            Some(to_json),
            source.cast(),
            &mut function,
        ) != sys::Status::napi_ok
        {
            drop(Box::from_raw(source));
            return Err(fail("cannot make toJSON"));
        }
        let mut weak = std::ptr::null_mut();
        if sys::napi_create_reference(env, function, 0, &mut weak) != sys::Status::napi_ok {
            drop(Box::from_raw(source));
            return Err(fail("cannot keep a result"));
        }
        (*source).function().set(weak);
        if sys::napi_add_finalizer(
            env,
            function,
            source.cast(),
            Some(drop_source),
            std::ptr::null_mut(),
            std::ptr::null_mut(),
        ) != sys::Status::napi_ok
        {
            sys::napi_delete_reference(env, weak);
            drop(Box::from_raw(source));
            return Err(fail("cannot keep a result"));
        }
        let mut key = std::ptr::null_mut();
        ok(
            sys::napi_get_reference_value(env, reference, &mut key),
            "cannot find the key of results",
        )?;
        let tag = Tag::new(env, function, key)?;
        let native = (*source).native(env, &tag)?;
        let mut kind = 0;
        ok(
            sys::napi_typeof(env, native, &mut kind),
            "cannot tag a result",
        )?;
        if kind == sys::ValueType::napi_object {
            // The result itself (a list, or an object whose ordinal this replaces).
            let mut root = std::ptr::null_mut();
            ok(
                sys::napi_create_uint32(env, ROOT, &mut root),
                "cannot tag a result",
            )?;
            let descriptors = [
                property(tag.name(), function, sys::PropertyAttributes::writable),
                property(key, root, 0),
            ];
            ok(
                sys::napi_define_properties(env, native, 2, descriptors.as_ptr()),
                "cannot tag a result",
            )?;
        }
        Ok(native)
    }
}

/// A non-enumerable, configurable data property.
fn property(
    name: sys::napi_value,
    value: sys::napi_value,
    attributes: sys::napi_property_attributes,
) -> sys::napi_property_descriptor {
    sys::napi_property_descriptor {
        utf8name: std::ptr::null(),
        name,
        method: None,
        getter: None,
        setter: None,
        value,
        attributes: attributes | sys::PropertyAttributes::configurable,
        data: std::ptr::null_mut(),
    }
}

unsafe extern "C" fn drop_source(env: sys::napi_env, data: *mut c_void, _hint: *mut c_void) {
    // SAFETY: `data` is the box `written` leaked for this function; the finalizer runs once,
    // and the weak reference to the function is the box's to delete.
    unsafe {
        let source = Box::from_raw(data.cast::<Box<dyn Source>>());
        sys::napi_delete_reference(env, source.function().get());
    }
}

/// `toJSON()` of a plain result's object: its part of the core's value in the wire format.
unsafe extern "C" fn to_json(env: sys::napi_env, info: sys::napi_callback_info) -> sys::napi_value {
    // SAFETY: `env` and `info` are this callback's.
    let (this, data) = unsafe { crate::results::receiver(env, info) };
    let result = guard_raw(env, || {
        // SAFETY: `data` is the source `written` gave this function, alive while it is.
        let source = unsafe { &**(data as *const Box<dyn Source>) };
        let ordinal = unsafe { ordinal(env, this, source) }.ok_or_else(not_this_result)?;
        if ordinal == ROOT {
            return source.wire(env);
        }
        let value = source.object(ordinal)?;
        ser::to_js(env, &*value, Mode::Native)
    });
    unsafe { crate::results::answer(env, result) }
}

/// The ordinal that `this` holds under the addon's symbol, if it holds one and is an object of
/// the result of `source` (its `toJSON` is that result's function).
///
/// # Safety
/// `env` and `this` must be the callback's.
unsafe fn ordinal(env: sys::napi_env, this: sys::napi_value, source: &dyn Source) -> Option<u32> {
    let (_, reference) = KEY.with(Cell::get).filter(|(e, _)| *e == env)?;
    let ok = |status: sys::napi_status| (status == sys::Status::napi_ok).then_some(());
    // SAFETY: as for the caller; out-pointers are locals.
    unsafe {
        let mut kind = 0;
        ok(sys::napi_typeof(env, this, &mut kind))?;
        if kind != sys::ValueType::napi_object {
            return None;
        }
        let mut key = std::ptr::null_mut();
        ok(sys::napi_get_reference_value(env, reference, &mut key))?;
        let mut own = false;
        ok(sys::napi_has_own_property(env, this, key, &mut own))?;
        if !own {
            return None;
        }
        let mut function = std::ptr::null_mut();
        ok(sys::napi_get_reference_value(
            env,
            source.function().get(),
            &mut function,
        ))?;
        let mut name = std::ptr::null_mut();
        ok(sys::napi_create_string_utf8(
            env,
            c"toJSON".as_ptr(),
            6,
            &mut name,
        ))?;
        let mut own = std::ptr::null_mut();
        ok(sys::napi_get_property(env, this, name, &mut own))?;
        let mut same = false;
        ok(sys::napi_strict_equals(env, own, function, &mut same))?;
        if !same {
            return None;
        }
        let mut value = std::ptr::null_mut();
        ok(sys::napi_get_property(env, this, key, &mut value))?;
        let mut n = 0;
        ok(sys::napi_get_value_uint32(env, value, &mut n))?;
        Some(n)
    }
}

/// Makes the addon's symbol, when the addon loads in an environment.
pub fn install(env: sys::napi_env) -> napi::Result<()> {
    let fail = || napi::Error::from_reason("cannot install the wire form of plain results");
    // SAFETY: `env` is the module's; every value made here is one of its values.
    unsafe {
        let mut description = std::ptr::null_mut();
        let mut symbol = std::ptr::null_mut();
        let mut reference = std::ptr::null_mut();
        let text = "entitlement.result";
        if sys::napi_create_string_utf8(
            env,
            text.as_ptr().cast(),
            text.len() as isize,
            &mut description,
        ) != sys::Status::napi_ok
            || sys::napi_create_symbol(env, description, &mut symbol) != sys::Status::napi_ok
            || sys::napi_create_reference(env, symbol, 1, &mut reference) != sys::Status::napi_ok
            || sys::napi_add_env_cleanup_hook(env, Some(forget), env.cast()) != sys::Status::napi_ok
        {
            return Err(fail());
        }
        KEY.with(|cell| cell.set(Some((env, reference))));
    }
    Ok(())
}

/// Forgets the symbol when its environment is torn down.
unsafe extern "C" fn forget(env: *mut c_void) {
    KEY.with(|cell| {
        if matches!(cell.get(), Some((e, _)) if e.cast::<c_void>() == env) {
            cell.set(None);
        }
    });
}
