//! The result classes: `MilestoneStatus`, `CaseEvaluation`, `EntitlementUsage`, `MonitorEvent`,
//! `MonitorReport` (and `Alert`, whose renderers live in [`crate::alert`]).
//!
//! Each wraps the core's value of the same name and writes no field by hand: when the module
//! loads, [`define`] gives each prototype one getter per field of the core's description of the
//! type (`entitlement_core::host::result_schema()`), under its camelCase name, and a `toJSON()`.
//! A getter writes its field through the host serializer ([`crate::ser`]) when read: instants
//! as `Date`s, durations as milliseconds, names of states and levels as the core's strings.
//! `toJSON()` writes the whole value in the core's JSON wire format (snake_case keys, instants as
//! RFC 3339 text, durations as seconds: `docs/wire-format.md`), so that `JSON.stringify` of a
//! result gives the bytes Rust, Python's `to_json()` and the CLI give (keys aside, which may come
//! in another order), and plain data crosses a `postMessage` to a worker intact.
//!
//! Three small tables say what the description cannot: the fields that are instances of a
//! result class ([`Wrapped::typed`]), the snake_case aliases kept from earlier releases, and the
//! lists of a report kept on the object once read ([`Wrapped::MEMOIZED`]).

use std::collections::HashMap;
use std::sync::OnceLock;

use entitlement_core::rules::{
    CaseEvaluation as CoreCaseEvaluation, EntitlementUsage as CoreEntitlementUsage,
    MilestoneStatus as CoreMilestoneStatus, MonitorEvent as CoreMonitorEvent,
    MonitorReport as CoreMonitorReport,
};
use napi::bindgen_prelude::{Object, ToNapiValue, TypeName, TypeTag};
use napi::{Env, JsError, JsValue, ValueType, sys};
use napi_derive::napi;
use serde::Serialize;

use crate::alert::Alert;
use crate::error::{NodeError, guard_raw};
use crate::ser::{self, Mode, camel};

/// A JavaScript value made already, returned as it is.
pub struct Js(pub sys::napi_value);

impl TypeName for Js {
    fn type_name() -> &'static str {
        "unknown"
    }

    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

impl ToNapiValue for Js {
    unsafe fn to_napi_value(_env: sys::napi_env, val: Self) -> napi::Result<sys::napi_value> {
        Ok(val.0)
    }
}

/// A wrapper of a core result: its class's name (the type's name in the result schema) and the
/// core's value.
pub trait Inner {
    /// The core's type.
    type Core: Serialize;
    /// The class's name.
    const NAME: &'static str;
    /// The core's value.
    fn core(&self) -> &Self::Core;
}

/// `From` the core's value and [`Inner`], for each result class.
macro_rules! wraps {
    ($($class:ident: $core:ty),*) => {$(
        impl From<$core> for $class {
            fn from(inner: $core) -> Self {
                $class { inner }
            }
        }
        impl Inner for $class {
            type Core = $core;
            const NAME: &'static str = stringify!($class);
            fn core(&self) -> &$core {
                &self.inner
            }
        }
    )*};
}

wraps!(
    MilestoneStatus: CoreMilestoneStatus,
    CaseEvaluation: CoreCaseEvaluation,
    EntitlementUsage: CoreEntitlementUsage,
    MonitorEvent: CoreMonitorEvent,
    MonitorReport: CoreMonitorReport,
    Alert: entitlement_core::rules::Alert
);

/// A result class: a wrapper of a core value whose fields its getters write.
pub trait Wrapped: Inner + TypeTag + 'static {
    /// Fields that also have a snake_case getter (kept from earlier releases).
    const ALIASES: &'static [&'static str] = &[];
    /// Fields whose value is kept on the object once read (a report's lists): the first read
    /// converts, later reads get the same array without calling into the addon.
    const MEMOIZED: &'static [&'static str] = &[];
    /// A field whose value is an instance of a result class, or `None` for a field the
    /// serializer writes.
    fn typed(&self, _env: sys::napi_env, _field: &str) -> Option<Result<Js, NodeError>> {
        None
    }
}

/// An instance of a result class, type-tagged so that its getters can tell it from an object of
/// another class (`getter.call(other)`, `Object.setPrototypeOf`) before reading it.
pub fn instance<T: Wrapped + ToNapiValue>(env: sys::napi_env, value: T) -> Result<Js, NodeError> {
    // SAFETY: `env` is the environment of the current call and the object one of its values.
    unsafe {
        let object = T::to_napi_value(env, value)?;
        let status = napi_sys::napi_type_tag_object(env, object, &T::type_tag());
        if status != sys::Status::napi_ok {
            return Err(napi::Error::from_reason("cannot tag a result").into());
        }
        Ok(Js(object))
    }
}

/// An array of instances of a result class.
pub fn instances<T: Wrapped + ToNapiValue>(
    env: sys::napi_env,
    values: Vec<T>,
) -> Result<Js, NodeError> {
    let items = values
        .into_iter()
        .map(|v| instance(env, v).map(|js| js.0))
        .collect::<Result<Vec<_>, _>>()?;
    array(env, items)
}

/// An array of these values.
pub fn array(env: sys::napi_env, items: Vec<sys::napi_value>) -> Result<Js, NodeError> {
    Ok(Js(ser::array(env, items)?))
}

/// Where one instance of one milestone of one case stands at `now`.
///
/// Instants are `Date`s (or `null`), durations are milliseconds (`number`, possibly fractional:
/// the core counts microseconds).
#[napi]
pub struct MilestoneStatus {
    inner: CoreMilestoneStatus,
}

impl Wrapped for MilestoneStatus {
    const ALIASES: &'static [&'static str] = &[
        "case_id",
        "started_at",
        "target_at",
        "completed_at",
        "next_trigger_at",
        "breached_at",
    ];
}

/// The whole result of evaluating one case: whether a process covers it, which one, the
/// account context, and its milestones.
#[napi]
pub struct CaseEvaluation {
    inner: CoreCaseEvaluation,
}

impl Wrapped for CaseEvaluation {
    fn typed(&self, env: sys::napi_env, field: &str) -> Option<Result<Js, NodeError>> {
        (field == "milestones").then(|| {
            let list = self.inner.milestones.iter().cloned();
            instances(env, list.map(MilestoneStatus::from).collect())
        })
    }
}

/// An entitlement's status and case counts at `now`.
#[napi]
pub struct EntitlementUsage {
    inner: CoreEntitlementUsage,
}

impl Wrapped for EntitlementUsage {}

/// One thing that happened in a monitor's window: a trigger crossing, a breach, or a quota or
/// allowance crossing.
#[napi]
pub struct MonitorEvent {
    inner: CoreMonitorEvent,
}

impl Wrapped for MonitorEvent {
    const ALIASES: &'static [&'static str] = &["case_id"];
    fn typed(&self, env: sys::napi_env, field: &str) -> Option<Result<Js, NodeError>> {
        (field == "status").then(|| match self.inner.status.as_deref() {
            Some(status) => instance(env, MilestoneStatus::from(status.clone())),
            None => Ok(Js(ser::to_js(env, &(), Mode::Native)?)),
        })
    }
}

/// The result of one monitor run. Each list is converted on its first read and kept:
/// `report.events === report.events`, and reading only `alerts` costs nothing for the others.
#[napi]
pub struct MonitorReport {
    pub(crate) inner: CoreMonitorReport,
}

impl Wrapped for MonitorReport {
    const MEMOIZED: &'static [&'static str] = &[
        "events", "alerts", "statuses", "at_risk", "breached", "accounts", "cases", "errors",
    ];
    fn typed(&self, env: sys::napi_env, field: &str) -> Option<Result<Js, NodeError>> {
        let r = &self.inner;
        Some(match field {
            "events" => instances(
                env,
                r.events.iter().cloned().map(MonitorEvent::from).collect(),
            ),
            "alerts" => instances(env, r.alerts.iter().cloned().map(Alert::from).collect()),
            "statuses" => statuses(env, r.statuses()),
            "at_risk" => statuses(env, r.at_risk_statuses()),
            "breached" => statuses(env, r.breached_statuses()),
            "cases" => instances(
                env,
                r.cases.iter().cloned().map(CaseEvaluation::from).collect(),
            ),
            "accounts" => crate::plain::list(env, r.accounts.clone()).map(Js),
            "errors" => crate::plain::list(env, r.errors.clone()).map(Js),
            _ => return None,
        })
    }
}

/// An array of `MilestoneStatus` instances of a report's statuses.
fn statuses(env: sys::napi_env, list: Vec<&CoreMilestoneStatus>) -> Result<Js, NodeError> {
    instances(
        env,
        list.into_iter()
            .cloned()
            .map(MilestoneStatus::from)
            .collect(),
    )
}

/// The fields of each result type, by the core's snake_case names, from the result schema.
pub(crate) fn fields(name: &str) -> &'static [&'static str] {
    static FIELDS: OnceLock<HashMap<String, &'static [&'static str]>> = OnceLock::new();
    let all = FIELDS.get_or_init(|| {
        let schema = entitlement_core::host::result_schema();
        let mut all = HashMap::new();
        if let Some(defs) = schema["$defs"].as_object() {
            for (type_name, def) in defs {
                let names: Vec<&'static str> = def["properties"]
                    .as_object()
                    .into_iter()
                    .flat_map(|p| p.keys())
                    .map(|k| &*Box::leak(k.clone().into_boxed_str()))
                    .collect();
                all.insert(type_name.clone(), &*Box::leak(names.into_boxed_slice()));
            }
        }
        all
    });
    all.get(name).copied().unwrap_or(&[])
}

/// The value of one field of a result: the getter on every prototype.
unsafe extern "C" fn get<T: Wrapped>(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    let (this, data) = unsafe { receiver(env, info) };
    // SAFETY: `define` set `data` to an entry of the `'static` list of `fields`.
    let field: &'static str = unsafe { *(data as *const &'static str) };
    let result = guard_raw(env, || {
        let object = unsafe { unwrap::<T>(env, this) }?;
        let value = match object.typed(env, field) {
            Some(value) => value?.0,
            None => ser::field(env, object.core(), field, Mode::Native)?,
        };
        if T::MEMOIZED.contains(&field) {
            memoize(env, this, camel(field), value)?;
        }
        Ok(value)
    });
    unsafe { answer(env, result) }
}

/// `toJSON()` on every prototype.
unsafe extern "C" fn to_json<T: Wrapped>(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    let (this, _) = unsafe { receiver(env, info) };
    let result = guard_raw(env, || {
        let object = unsafe { unwrap::<T>(env, this) }?;
        ser::to_js(env, object.core(), Mode::Wire)
    });
    unsafe { answer(env, result) }
}

/// The `T` that `this` wraps: checked by its type tag, so that a getter of one class called on
/// an object of another (through `Object.setPrototypeOf`) is an error, never a misread.
///
/// # Safety
/// `env` and `this` must be the callback's; the reference must not outlive the callback.
pub(crate) unsafe fn unwrap<T: Wrapped>(
    env: sys::napi_env,
    this: sys::napi_value,
) -> napi::Result<&'static T> {
    let mut wrapped = std::ptr::null_mut();
    // SAFETY: as for the caller; `wrapped` is an out-pointer.
    unsafe {
        let status = sys::napi_unwrap(env, this, &mut wrapped);
        if status != sys::Status::napi_ok || wrapped.is_null() {
            return Err(napi::Error::new(
                napi::Status::InvalidArg,
                format!("this is not a {}", T::NAME),
            ));
        }
        let mut tagged = false;
        let status = napi_sys::napi_check_object_type_tag(env, this, &T::type_tag(), &mut tagged);
        if status != sys::Status::napi_ok || !tagged {
            return Err(napi::Error::new(
                napi::Status::InvalidArg,
                format!("this is not a {}", T::NAME),
            ));
        }
        Ok(&*(wrapped as *const T))
    }
}

/// The `this` and the data of a callback (also of the plain results' `toJSON`).
///
/// # Safety
/// `env` and `info` must be the callback's.
pub(crate) unsafe fn receiver(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> (sys::napi_value, *mut std::ffi::c_void) {
    let mut this = std::ptr::null_mut();
    let mut data = std::ptr::null_mut();
    let mut argc = 0;
    // SAFETY: `env` and `info` are this callback's; no arguments are read.
    unsafe {
        sys::napi_get_cb_info(
            env,
            info,
            &mut argc,
            std::ptr::null_mut(),
            &mut this,
            &mut data,
        );
    }
    (this, data)
}

/// The callback's value, or its error thrown.
pub(crate) unsafe fn answer(
    env: sys::napi_env,
    result: napi::Result<sys::napi_value>,
) -> sys::napi_value {
    match result {
        Ok(value) => value,
        Err(err) => {
            // SAFETY: `env` is this callback's; a pending exception is left as it is.
            unsafe { JsError::from(err).throw_into(env) };
            std::ptr::null_mut()
        }
    }
}

/// Defines `value` on `this` as an own, read-only, non-enumerable property `name`, which
/// shadows the prototype's getter: `report.events === report.events`.
fn memoize(
    env: sys::napi_env,
    this: sys::napi_value,
    name: &str,
    value: sys::napi_value,
) -> Result<(), NodeError> {
    let key = ser::to_js(env, name, Mode::Native)?;
    let descriptor = property(
        key,
        None,
        None,
        value,
        sys::PropertyAttributes::configurable,
    );
    // SAFETY: `env`, `this`, the key and the value are of this call.
    let status = unsafe { sys::napi_define_properties(env, this, 1, &descriptor) };
    if status != sys::Status::napi_ok {
        return Err(napi::Error::from_reason("cannot keep a result's list").into());
    }
    Ok(())
}

type Callback = unsafe extern "C" fn(sys::napi_env, sys::napi_callback_info) -> sys::napi_value;

fn property(
    name: sys::napi_value,
    method: Option<Callback>,
    getter: Option<Callback>,
    value: sys::napi_value,
    attributes: sys::napi_property_attributes,
) -> sys::napi_property_descriptor {
    sys::napi_property_descriptor {
        utf8name: std::ptr::null(),
        name,
        method,
        getter,
        setter: None,
        value,
        attributes,
        data: std::ptr::null_mut(),
    }
}

/// Gives the prototype of `T` its getters and `toJSON()`.
fn define_class<T: Wrapped>(env: sys::napi_env, exports: &Object<'_>) -> napi::Result<()> {
    let class = named(env, exports.raw(), T::NAME)?;
    let prototype = named(env, class, "prototype")?;
    let fields = fields(T::NAME);
    let shown = sys::PropertyAttributes::enumerable | sys::PropertyAttributes::configurable;
    let mut descriptors = Vec::new();
    for entry in fields {
        let names = std::iter::once(camel(entry)).chain(
            T::ALIASES
                .contains(entry)
                .then_some(*entry)
                .filter(|a| *a != camel(entry)),
        );
        for name in names {
            let key = ser::to_js(env, name, Mode::Native).map_err(napi_error)?;
            let mut d = property(key, None, Some(get::<T>), std::ptr::null_mut(), shown);
            d.data = entry as *const &'static str as *mut std::ffi::c_void;
            descriptors.push(d);
        }
    }
    let key = ser::to_js(env, "toJSON", Mode::Native).map_err(napi_error)?;
    descriptors.push(property(
        key,
        Some(to_json::<T>),
        None,
        std::ptr::null_mut(),
        shown | sys::PropertyAttributes::writable,
    ));
    // SAFETY: `env` is the module's, the prototype and every key are its values, and each
    // descriptor's data is `'static`.
    let status = unsafe {
        sys::napi_define_properties(env, prototype, descriptors.len(), descriptors.as_ptr())
    };
    if status != sys::Status::napi_ok {
        return Err(napi::Error::from_reason(format!(
            "cannot define the fields of {}",
            T::NAME
        )));
    }
    Ok(())
}

/// The property `name` of `object` (a class of the module, its prototype).
pub(crate) fn named(
    env: sys::napi_env,
    object: sys::napi_value,
    name: &str,
) -> napi::Result<sys::napi_value> {
    let key = std::ffi::CString::new(name).map_err(|e| napi::Error::from_reason(e.to_string()))?;
    let mut out = std::ptr::null_mut();
    // SAFETY: `env` is the module's and `object` one of its values; `out` is a local.
    let status = unsafe { sys::napi_get_named_property(env, object, key.as_ptr(), &mut out) };
    if status != sys::Status::napi_ok {
        return Err(napi::Error::from_reason(format!("cannot read {name}")));
    }
    Ok(out)
}

fn napi_error(err: NodeError) -> napi::Error {
    napi::Error::from_reason(format!("{err:?}"))
}

/// Gives every result class its getters and `toJSON()`, when the module loads.
#[napi(module_exports)]
pub fn define(exports: Object<'_>, env: Env) -> napi::Result<()> {
    let env = env.raw();
    define_class::<MilestoneStatus>(env, &exports)?;
    define_class::<CaseEvaluation>(env, &exports)?;
    define_class::<EntitlementUsage>(env, &exports)?;
    define_class::<MonitorEvent>(env, &exports)?;
    define_class::<Alert>(env, &exports)?;
    define_class::<MonitorReport>(env, &exports)?;
    // The report's lists of statuses are made without one call into the addon per status.
    crate::statuses::install(env, &exports)?;
    // Lists of cases are read in bulk where they are plain data.
    crate::case_tape::install(env)?;
    // The plain results' `toJSON()`.
    crate::plain::install(env)?;
    Ok(())
}

/// The description of every result type that the declarations are generated from: a JSON
/// schema whose `$defs` hold each type's fields (snake_case, as the core names them; the
/// classes and `toJSON()` use their camelCase form), with `x-result-types` listing the
/// top-level result types.
#[napi(ts_return_type = "JsonSchema")]
pub fn result_schema(env: Env) -> crate::error::Result<Js> {
    crate::error::guard(&env, || {
        let mut schema = entitlement_core::host::result_schema();
        schema["x-result-types"] = entitlement_core::host::RESULT_TYPES.to_vec().into();
        Ok(Js(ser::to_js(env.raw(), &schema, Mode::Native)?))
    })
}
