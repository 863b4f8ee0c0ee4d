// The fast form of a list of cases (see case_tape.rs): evaluated once when the addon loads, with the
// intrinsics it needs taken then, it evaluates to `encode(cases, start, end, maxUnits, maxNums)`.
//
// `encode` walks cases[start..end) in order and writes every case that is plainly made of plain
// data (plain objects, arrays, strings, numbers, booleans, null, undefined as a property value,
// Dates) into a tape: `nums`, a list of tags and numbers, and `text`, the strings and keys one
// after the other (their lengths are on the tape). It stops before the first case that is not
// plainly made of such data, or when the tape would pass its budget, and returns
// [count, text, nums] (a Float64Array): the cases it wrote are cases[start..start+count). It reads
// each value as the addon's exact reader does (own enumerable string keys in order, one [[Get]]
// each, items by index), so a getter runs as often as it does there; it never runs anything else
// of the caller's (no proxy trap: a proxy is left to the exact reader, as is any object that is
// not plain, a Date with a prototype of its own, an array item that is undefined).
(function () {
  'use strict'
  const keysOf = Object.keys
  const protoOf = Object.getPrototypeOf
  const isArray = Array.isArray
  const apply = Reflect.apply
  const getTime = Date.prototype.getTime
  const OBJECT = Object.prototype
  const ARRAY = Array.prototype
  const DATE = Date.prototype
  const F64 = Float64Array
  const util = typeof process === 'object' && process !== null && typeof process.getBuiltinModule === 'function'
    ? process.getBuiltinModule('node:util')
    : null
  const isProxy = util !== null && util.types && typeof util.types.isProxy === 'function' ? util.types.isProxy : null
  // Tags, as case_tape.rs reads them.
  const NULL = 0
  const TRUE = 1
  const FALSE = 2
  const NUMBER = 3
  const STRING = 4
  const INSTANT = 5
  const UNDEFINED = 6
  const MAP = 7
  const LIST = 8
  // Deeper values are left to the exact reader (which has the nesting limit and its message).
  const MAX_DEPTH = 32
  let shared = null
  let busy = false

  return function encode (cases, start, end, maxUnits, maxNums) {
    // Without util.types.isProxy (Node before 20.16) nothing takes the fast form: a proxy's
    // getPrototypeOf trap would run where the exact reader runs none.
    if (isProxy === null) return [0, '', new F64(0)]
    // The numbers, in a Float64Array that doubles when full (up to about 4 * maxNums), kept
    // for the next call (the addon has read the tape before it calls again); a call made from
    // a getter while one is under way uses one of its own.
    let nums = busy || shared === null ? new F64(8192) : shared
    busy = true
    let top = 0
    let text = ''
    let units = 0

    function put (x) {
      if (top === nums.length) {
        const wider = new F64(2 * top)
        wider.set(nums)
        nums = wider
      }
      nums[top++] = x
    }

    function string (s) {
      if (units + s.length > maxUnits) return false
      put(STRING)
      put(s.length)
      text += s
      units += s.length
      return true
    }

    function value (v, depth) {
      switch (typeof v) {
        case 'string':
          return string(v)
        case 'number':
          put(NUMBER)
          put(v)
          return true
        case 'boolean':
          put(v ? TRUE : FALSE)
          return true
        case 'undefined':
          put(UNDEFINED)
          return true
        case 'object': {
          if (v === null) {
            put(NULL)
            return true
          }
          if (depth > MAX_DEPTH || top > maxNums || isProxy(v)) return false
          const proto = protoOf(v)
          if (proto === OBJECT || proto === null) {
            const keys = keysOf(v)
            put(MAP)
            put(keys.length)
            const end = top
            put(0)
            put(0)
            for (let k = 0; k < keys.length; k++) {
              const key = keys[k]
              if (!string(key) || !value(v[key], depth + 1)) return false
            }
            nums[end] = top
            nums[end + 1] = units
            return true
          }
          if (proto === ARRAY && isArray(v)) {
            const n = v.length
            if (n > maxNums) return false
            put(LIST)
            put(n)
            const end = top
            put(0)
            put(0)
            for (let i = 0; i < n; i++) {
              const item = v[i]
              if (item === undefined || !value(item, depth + 1)) return false
            }
            nums[end] = top
            nums[end + 1] = units
            return true
          }
          if (proto === DATE) {
            let t
            try {
              t = apply(getTime, v, [])
            } catch {
              return false
            }
            if (t !== t) return false // an invalid Date: the exact reader says so
            put(INSTANT)
            put(t)
            return true
          }
          return false
        }
        default:
          return false
      }
    }

    let i = start
    for (; i < end; i++) {
      const topMark = top
      const textMark = text
      const unitsMark = units
      let ok
      try {
        ok = value(cases[i], 0) && nums[topMark] === MAP
      } catch {
        ok = false
      }
      if (!ok) {
        top = topMark
        text = textMark
        units = unitsMark
        break
      }
      if (units >= maxUnits || top >= maxNums) {
        i++
        break
      }
    }
    busy = false
    shared = nums
    return [i - start, text, nums.subarray(0, top)]
  }
})()
