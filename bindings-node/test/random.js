'use strict'
// The tests' one seeded generator, so that a failure can be replayed. Not a test file itself
// (`node --test test/` loads it and finds no tests).

/** mulberry32: a tiny seeded generator returning numbers in [0, 1). */
function random(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

module.exports = { random }
