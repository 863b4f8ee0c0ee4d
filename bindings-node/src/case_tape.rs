//! A list of cases read in bulk: the plainly valid cases of a chunk cross from JavaScript in a
//! handful of Node-API calls instead of about sixty a case.
//!
//! The script [`SCRIPT`] (compiled once, when the addon loads) walks a chunk of the list in
//! JavaScript, where `Object.keys`, `typeof` and property reads cost a few nanoseconds, and
//! writes each case that is made only of plain data into a tape: one string holding every key
//! and string, and one `Float64Array` of tags, lengths and numbers. It stops before the first
//! case that is not plain data (a proxy, a class instance, a `Map`, a symbol or a BigInt, an
//! `undefined` list item, an invalid `Date`, a value nested deep) or when the tape reaches its
//! budget ([`MAX_UNITS`], [`MAX_NUMS`]). Each case on the tape is then read by the core's direct
//! reader ([`entitlement_core::host::case::read_plain`]) through [`TapeReader`], which tells
//! the core exactly what the addon's exact reader ([`crate::convert::case`]) tells it for the
//! same JavaScript values; a case it does not read (it would be an error, a lone surrogate, an
//! instant out of range, anything unusual) and the case the script stopped before are read
//! again by the exact reader, so every error (code, path, message, the case it names) is the
//! exact reader's.
//!
//! The tape is copied out of JavaScript before any of the caller's code can run again (the
//! exact reader may run a getter), and its size is bounded by the budget, whatever the input.

use std::cell::Cell;
use std::ffi::c_void;

use entitlement_core::Error as CoreError;
use entitlement_core::host::CaseSlot;
use entitlement_core::host::case::read_plain;
use entitlement_core::host::read::{HostKind, HostReader};
use entitlement_core::rules::Case;
use napi::sys;

use crate::convert;

/// The script; it evaluates to `encode(cases, start, end, maxUnits, maxNums)`.
const SCRIPT: &str = include_str!("case_tape.js");

/// The most cases a chunk holds.
pub const CHUNK_CASES: u32 = 1024;
/// The most UTF-16 units of keys and strings a chunk's text holds (2 MiB).
const MAX_UNITS: u32 = 1 << 20;
/// About the most numbers a chunk's tape holds (a few times this at the very most: 8 MiB).
const MAX_NUMS: u32 = 1 << 18;
/// Deeper than the script writes: a tape that nests deeper is not the script's.
const MAX_DEPTH: usize = 40;

// The tags of the tape, as the script writes them.
const NULL: u8 = 0;
const TRUE: u8 = 1;
const FALSE: u8 = 2;
const NUMBER: u8 = 3;
const STRING: u8 = 4;
const INSTANT: u8 = 5;
const UNDEFINED: u8 = 6;
const MAP: u8 = 7;
const LIST: u8 = 8;

thread_local! {
    /// The script's function in the environment of this thread (a worker has its own), kept
    /// alive by a reference that is dropped with the environment.
    static ENCODE: Cell<Option<(sys::napi_env, sys::napi_ref)>> = const { Cell::new(None) };
}

/// Compiles the script, when the addon loads in an environment.
pub fn install(env: sys::napi_env) -> napi::Result<()> {
    let fail = || napi::Error::from_reason("cannot install the reader of lists of cases");
    let mut source = std::ptr::null_mut();
    let mut function = std::ptr::null_mut();
    let mut reference = std::ptr::null_mut();
    // SAFETY: `env` is the module's; every value made here is one of its values.
    unsafe {
        if sys::napi_create_string_utf8(
            env,
            SCRIPT.as_ptr().cast(),
            SCRIPT.len() as isize,
            &mut source,
        ) != sys::Status::napi_ok
            || sys::napi_run_script(env, source, &mut function) != sys::Status::napi_ok
            || sys::napi_create_reference(env, function, 1, &mut reference) != sys::Status::napi_ok
            || sys::napi_add_env_cleanup_hook(env, Some(forget), env.cast()) != sys::Status::napi_ok
        {
            return Err(fail());
        }
    }
    ENCODE.with(|cell| cell.set(Some((env, reference))));
    Ok(())
}

/// Forgets the script's function when its environment is torn down.
unsafe extern "C" fn forget(env: *mut c_void) {
    ENCODE.with(|cell| {
        if matches!(cell.get(), Some((e, _)) if e.cast::<c_void>() == env) {
            cell.set(None);
        }
    });
}

/// What a chunk read through the tape gave: a case for each of the first cases of the chunk
/// (`None` for one to read again with the exact reader). Fewer than the chunk's cases means
/// that the script stopped before the next one: it is read with the exact reader.
pub type Chunk = Vec<Option<Case>>;

/// Reads `array[start..end]` through the tape, as far as the script goes. Any failure of the
/// fast form itself (an exception the script could not catch, a tape that is not the script's)
/// gives an empty chunk: the exact reader then reads the case at `start`, and says what is
/// wrong if anything is. Must be called inside a handle scope of its own.
pub fn read(env: sys::napi_env, array: sys::napi_value, start: u32, end: u32) -> Chunk {
    let Some(encode) = ENCODE.with(Cell::get).filter(|(e, _)| *e == env) else {
        return Vec::new();
    };
    // SAFETY: `env` is the current call's and `array` one of its values; the tape is copied
    // out before any JavaScript runs again.
    unsafe { chunk(env, encode.1, array, start, end) }.unwrap_or_default()
}

/// # Safety
/// As [`read`]'s caller: `env` the current call's, `array` and `reference` of it.
unsafe fn chunk(
    env: sys::napi_env,
    reference: sys::napi_ref,
    array: sys::napi_value,
    start: u32,
    end: u32,
) -> Option<Chunk> {
    let ok = |status: sys::napi_status| (status == sys::Status::napi_ok).then_some(());
    unsafe {
        let mut function = std::ptr::null_mut();
        ok(sys::napi_get_reference_value(env, reference, &mut function))?;
        let mut args = [std::ptr::null_mut(); 5];
        for (arg, n) in args[1..].iter_mut().zip([start, end, MAX_UNITS, MAX_NUMS]) {
            ok(sys::napi_create_uint32(env, n, arg))?;
        }
        args[0] = array;
        let mut undefined = std::ptr::null_mut();
        ok(sys::napi_get_undefined(env, &mut undefined))?;
        let mut out = std::ptr::null_mut();
        let status = sys::napi_call_function(
            env,
            undefined,
            function,
            args.len(),
            args.as_ptr(),
            &mut out,
        );
        if status != sys::Status::napi_ok {
            // The script catches what the caller's code throws; what is left (out of memory)
            // is not the caller's to see: the exact reader goes on.
            let mut exception = std::ptr::null_mut();
            sys::napi_get_and_clear_last_exception(env, &mut exception);
            return None;
        }
        let mut parts = [std::ptr::null_mut(); 3];
        for (index, part) in parts.iter_mut().enumerate() {
            ok(sys::napi_get_element(env, out, index as u32, part))?;
        }
        let mut count = 0u32;
        ok(sys::napi_get_value_uint32(env, parts[0], &mut count))?;
        if count > end.saturating_sub(start) {
            return None;
        }
        // The text, as UTF-16 (lone surrogates kept, so that a case holding one is refused).
        let mut len = 0usize;
        ok(sys::napi_get_value_string_utf16(
            env,
            parts[1],
            std::ptr::null_mut(),
            0,
            &mut len,
        ))?;
        if len > MAX_UNITS as usize {
            return None;
        }
        let mut text: Vec<u16> = Vec::with_capacity(len + 1);
        let mut written = 0usize;
        ok(sys::napi_get_value_string_utf16(
            env,
            parts[1],
            text.as_mut_ptr(),
            len + 1,
            &mut written,
        ))?;
        if written != len {
            return None;
        }
        // Node-API wrote `len` units (and a NUL after them).
        text.set_len(len);
        let mut kind = 0;
        let mut items = 0usize;
        let mut data = std::ptr::null_mut();
        let mut buffer = std::ptr::null_mut();
        let mut offset = 0usize;
        ok(sys::napi_get_typedarray_info(
            env,
            parts[2],
            &mut kind,
            &mut items,
            &mut data,
            &mut buffer,
            &mut offset,
        ))?;
        if kind != sys::TypedarrayType::float64_array
            || items > 4 * MAX_NUMS as usize
            || (items > 0 && (data.is_null() || data.align_offset(8) != 0))
        {
            return None;
        }
        let nums: &[f64] = if items == 0 {
            &[]
        } else {
            std::slice::from_raw_parts(data.cast::<f64>(), items)
        };
        // The tape is read here, before any JavaScript runs; what the cases hold is copied
        // into them.
        let reader = TapeReader { nums, text: &text };
        let mut cases = Vec::with_capacity(count as usize);
        let mut at = At { n: 0, t: 0 };
        for _ in 0..count {
            let next = reader.check(at, 0)?;
            cases.push(read_plain(&reader, &at));
            at = next;
        }
        if at.n != nums.len() || at.t != text.len() {
            return None;
        }
        Some(cases)
    }
}

/// A value of the tape: where its tag is in the numbers, and where its text (if any) begins.
#[derive(Clone, Copy)]
struct At {
    n: usize,
    t: usize,
}

/// The tape's values as the core's direct reader sees them: what [`convert::case`]'s reader
/// says of the same JavaScript values. Any error only means "not plainly valid" (the exact
/// reader then says what is wrong), so it carries nothing.
struct TapeReader<'a> {
    nums: &'a [f64],
    text: &'a [u16],
}

impl TapeReader<'_> {
    /// The tag at `at`.
    fn tag(&self, at: At) -> Option<u8> {
        let x = *self.nums.get(at.n)?;
        let tag = x as u8;
        (tag as f64 == x && tag <= LIST).then_some(tag)
    }

    /// Number `k` after the tag at `at` as a whole number no larger than `most`.
    fn count(&self, at: At, k: usize, most: usize) -> Option<usize> {
        let x = *self.nums.get(at.n + k)?;
        let count = x as usize;
        (count as f64 == x && count <= most).then_some(count)
    }

    /// Where the value after the one at `at` begins. A list or a mapping is written
    /// `tag, count, end of its numbers, end of its text`, then its items; [`TapeReader::check`]
    /// has checked those ends.
    fn skip(&self, at: At) -> Option<At> {
        Some(match self.tag(at)? {
            NULL | TRUE | FALSE | UNDEFINED => At { n: at.n + 1, ..at },
            NUMBER | INSTANT => At { n: at.n + 2, ..at },
            STRING => At {
                n: at.n + 2,
                t: at.t + self.count(at, 1, self.text.len() - at.t)?,
            },
            MAP | LIST => At {
                n: self.count(at, 2, self.nums.len())?,
                t: self.count(at, 3, self.text.len())?,
            },
            _ => return None,
        })
    }

    /// Checks that the tape holds a whole value at `at` (tags, counts, lengths and ends in
    /// bounds and consistent, no deeper than [`MAX_DEPTH`]) and gives where the next begins.
    fn check(&self, at: At, depth: usize) -> Option<At> {
        if depth > MAX_DEPTH {
            return None;
        }
        let next = match self.tag(at)? {
            NULL | TRUE | FALSE | UNDEFINED => At { n: at.n + 1, ..at },
            NUMBER | INSTANT => {
                self.nums.get(at.n + 1)?;
                At { n: at.n + 2, ..at }
            }
            STRING => return self.skip(at),
            tag @ (MAP | LIST) => {
                let len = self.count(at, 1, self.nums.len())?;
                let mut next = At { n: at.n + 4, ..at };
                for _ in 0..len {
                    if tag == MAP {
                        if self.tag(next)? != STRING {
                            return None;
                        }
                        next = self.check(next, depth + 1)?;
                    }
                    next = self.check(next, depth + 1)?;
                }
                let end = self.skip(at)?;
                if end.n != next.n || end.t != next.t {
                    return None;
                }
                next
            }
            _ => return None,
        };
        (next.n <= self.nums.len()).then_some(next)
    }

    /// The string at `at` (a `STRING`), or `None` for one that is not well-formed UTF-16.
    fn string(&self, at: At) -> Option<String> {
        let len = self.count(at, 1, self.text.len() - at.t)?;
        let units = self.text.get(at.t..at.t + len)?;
        let mut ascii = Vec::with_capacity(len);
        for &unit in units {
            if unit >= 0x80 {
                return String::from_utf16(units).ok();
            }
            ascii.push(unit as u8);
        }
        // SAFETY: every byte is ASCII.
        Some(unsafe { String::from_utf8_unchecked(ascii) })
    }
}

fn refused() -> CoreError {
    CoreError::InvalidValue {
        path: String::new(),
        reason: String::new(),
    }
}

impl HostReader for TapeReader<'_> {
    type Value = At;
    type List = Vec<At>;
    type Map = At;
    type Error = CoreError;
    const EXPECTED: &'static str = "";

    fn kind(
        &self,
        at: &At,
        slot: CaseSlot,
        _path: &str,
    ) -> Result<HostKind<Vec<At>, At>, CoreError> {
        let at = *at;
        let tag = self.tag(at).ok_or_else(refused)?;
        let number = || self.nums.get(at.n + 1).copied().ok_or_else(refused);
        // A Date or a number in an instant's place is an instant; anything else there goes to
        // the core as it is, as the exact reader does.
        let instant = |ms: f64| {
            convert::ms_instant_in_range(ms)
                .and_then(chrono::DateTime::from_timestamp_micros)
                .ok_or_else(refused)
        };
        if slot == CaseSlot::Instant {
            match tag {
                NUMBER | INSTANT => return Ok(HostKind::Instant(instant(number()?)?)),
                UNDEFINED => return Err(refused()),
                _ => {}
            }
        }
        Ok(match tag {
            NULL => HostKind::Null,
            UNDEFINED => HostKind::Undefined,
            TRUE => HostKind::Bool(true),
            FALSE => HostKind::Bool(false),
            STRING => HostKind::Text(self.string(at).ok_or_else(refused)?),
            NUMBER => {
                let x = number()?;
                if x.is_finite() && x.fract() == 0.0 && x.abs() <= 9_007_199_254_740_992.0 {
                    HostKind::Int(x as i64)
                } else {
                    HostKind::Float(x)
                }
            }
            // A Date elsewhere in a case is written in RFC 3339.
            INSTANT => HostKind::Text(entitlement_core::time::rfc3339(instant(number()?)?)),
            MAP => HostKind::Map(at),
            LIST => {
                let len = self.count(at, 1, self.nums.len()).ok_or_else(refused)?;
                let mut items = Vec::with_capacity(len);
                let mut next = At { n: at.n + 4, ..at };
                for _ in 0..len {
                    items.push(next);
                    next = self.skip(next).ok_or_else(refused)?;
                }
                HostKind::List(items, len)
            }
            _ => return Err(refused()),
        })
    }

    fn item(&self, list: &Vec<At>, index: usize, _path: &str) -> Result<At, CoreError> {
        list.get(index).copied().ok_or_else(refused)
    }

    fn entries(&self, map: At, _path: &str) -> Result<Vec<(String, At)>, CoreError> {
        let len = self.count(map, 1, self.nums.len()).ok_or_else(refused)?;
        let mut entries = Vec::with_capacity(len);
        let mut next = At {
            n: map.n + 4,
            ..map
        };
        for _ in 0..len {
            let key = self.string(next).ok_or_else(refused)?;
            let value = self.skip(next).ok_or_else(refused)?;
            next = self.skip(value).ok_or_else(refused)?;
            entries.push((key, value));
        }
        Ok(entries)
    }

    fn root(&self) -> &str {
        "case"
    }
}
