'use strict'
// addMany / elapsedMany over Float64Array, BigInt64Array and arrays, and rules.evaluateMany:
// every batch answer equals the one-at-a-time call (seeded random inputs), missing values stay
// missing, and errors name the failing item.

const { describe, test } = require('node:test')
const assert = require('node:assert/strict')

const { Calendar, Ruleset } = require('..')

const HOUR = 3600e3
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri']
const DESK = {
  time_zone: 'America/New_York',
  hours: Object.fromEntries(WEEKDAYS.map((d) => [d, ['09:00-12:00', '13:00-17:00']])),
  holidays: [
    { name: 'Independence Day', yearly: '07-04', observed: 'nearest_weekday' },
    { name: 'Thanksgiving', yearly: { month: 11, weekday: 'thu', nth: 4 } },
    { name: 'Christmas', yearly: '12-25', observed: 'nearest_weekday' },
  ],
}
const cal = new Calendar(DESK)
// Two years of instants: 2025-01-01 to 2027-01-01, in epoch milliseconds.
const LOW = Date.parse('2025-01-01T00:00:00Z')
const HIGH = Date.parse('2027-01-01T00:00:00Z')

/** A seeded generator (mulberry32): the same inputs in every run. */
function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function instants(n, seed) {
  const next = random(seed)
  // Whole milliseconds plus some with microsecond fractions.
  return Array.from({ length: n }, (_, i) => {
    const ms = Math.floor(LOW + next() * (HIGH - LOW))
    return i % 3 === 0 ? ms + 0.25 : ms
  })
}

describe('addMany', () => {
  test('over a Float64Array equals add per item, in epoch milliseconds', () => {
    for (const seed of [1, 2, 3]) {
      const starts = new Float64Array(instants(500, seed))
      const next = random(seed + 10)
      const durations = Float64Array.from(starts, () => Math.round((next() - 0.3) * 2000) * 0.5 * HOUR)
      const out = cal.addMany(starts, durations)
      assert.ok(out instanceof Float64Array)
      assert.equal(out.length, starts.length)
      for (let i = 0; i < starts.length; i++) {
        // The Date of the single call is floored to the millisecond; the batch keeps µs.
        assert.equal(Math.floor(out[i]), cal.add(starts[i], durations[i]).getTime(), `item ${i}`)
        assert.equal(cal.elapsed(starts[i], out[i]), durations[i] < 0 ? -cal.elapsed(out[i], starts[i]) : durations[i])
      }
    }
  })

  test('over a BigInt64Array of microseconds is exact and equals add', () => {
    const ms = instants(300, 7).map(Math.floor)
    const starts = BigInt64Array.from(ms, (m) => BigInt(m) * 1000n + 123n)
    const durations = BigInt64Array.from(ms, (_, i) => BigInt(i) * 1_234_567_891n)
    const out = cal.addMany(starts, durations)
    assert.ok(out instanceof BigInt64Array)
    const back = cal.elapsedMany(starts, out)
    assert.ok(back instanceof BigInt64Array)
    assert.deepEqual([...back], [...durations])
    for (let i = 0; i < ms.length; i++) {
      const single = cal.add(Number(starts[i]) / 1000, Number(durations[i]) / 1000)
      assert.equal(Number(out[i] / 1000n), single.getTime(), `item ${i}`)
    }
  })

  test('over arrays of Dates, strings and numbers gives Dates equal to add', () => {
    const ms = instants(100, 11).map(Math.floor)
    const starts = ms.map((m, i) => (i % 3 === 0 ? new Date(m) : i % 3 === 1 ? new Date(m).toISOString() : m))
    const durations = ms.map((_, i) => i * 0.75 * HOUR)
    const out = cal.addMany(starts, durations)
    assert.ok(Array.isArray(out))
    assert.deepEqual(out, starts.map((s, i) => cal.add(s, durations[i])))
    const elapsed = cal.elapsedMany(starts, out)
    assert.deepEqual(elapsed, durations)
  })

  test('one number of milliseconds applies to every start', () => {
    const starts = new Float64Array(instants(50, 5))
    const all = cal.addMany(starts, 8 * HOUR)
    assert.deepEqual([...all], [...cal.addMany(starts, new Float64Array(50).fill(8 * HOUR))])
    const micros = BigInt64Array.from(starts, (m) => BigInt(Math.floor(m)) * 1000n)
    assert.deepEqual([...cal.addMany(micros, 8n * 3_600_000_000n)], [...cal.addMany(micros, new BigInt64Array(50).fill(8n * 3_600_000_000n))])
  })

  test('large batches run in parallel chunks with the same answers', () => {
    const starts = new Float64Array(instants(40_000, 9).map(Math.floor))
    const out = cal.addMany(starts, 5 * HOUR)
    for (let i = 0; i < starts.length; i += 397) {
      assert.equal(out[i], cal.add(starts[i], 5 * HOUR).getTime())
    }
  })

  test('NaN and the BigInt64 minimum are missing values, in and out', () => {
    const out = cal.addMany(new Float64Array([LOW, NaN, LOW]), new Float64Array([HOUR, HOUR, NaN]))
    assert.equal(out[0], cal.add(LOW, HOUR).getTime())
    assert.ok(Number.isNaN(out[1]) && Number.isNaN(out[2]))
    const MIN = -(2n ** 63n)
    const micros = cal.elapsedMany(new BigInt64Array([BigInt(LOW) * 1000n, MIN]), new BigInt64Array([BigInt(HIGH) * 1000n, 0n]))
    assert.equal(micros[1], MIN)
    assert.equal(Number(micros[0]) / 1000, cal.elapsed(LOW, HIGH))
  })

  test('errors are typed and name the failing item', () => {
    assert.throws(() => cal.addMany(new Float64Array([LOW, 1e300]), 0), (err) => err.code === 'out_of_range' && /starts\[1\]/.test(err.message))
    assert.throws(() => cal.addMany([new Date(LOW), '2026-03-06T10:00:00'], [0, 0]), (err) => err.code === 'naive_datetime' && /starts\[1\]/.test(err.message))
    assert.throws(() => cal.addMany(new Float64Array([Date.parse('9999-12-31T00:00:00Z')]), 1000 * HOUR), (err) => err.code === 'out_of_range' && /starts\[0\]/.test(err.message))
    assert.throws(() => cal.addMany(new Float64Array(2), new Float64Array(3)), (err) => err.code === 'invalid_value' && /same length/.test(err.message))
    assert.throws(() => cal.addMany(new Int32Array(2), 0), (err) => err.code === 'invalid_type')
    assert.throws(() => cal.addMany('nope', 0), (err) => err.code === 'invalid_type')
    assert.throws(() => cal.addMany([LOW], ['1h']), (err) => err.code === 'invalid_value' && /durations\[0\]/.test(err.message))
  })
})

describe('evaluateMany', () => {
  test('equals evaluate per case, in order, and the first bad case throws', () => {
    const rules = Ruleset.fromObject({
      calendars: { desk: DESK },
      processes: [
        {
          id: 'gold',
          calendar: 'desk',
          milestones: [
            { name: 'First Response', kind: 'first_response', target: '1h' },
            { name: 'Resolution', kind: 'resolution', target: '16h' },
          ],
        },
      ],
      entitlements: [{ id: 'acme', process: 'gold' }],
    })
    const cases = Array.from({ length: 120 }, (_, i) => ({
      id: `C-${i}`,
      entitlement: 'acme',
      created_at: new Date(LOW + i * 7 * HOUR),
      events: [{ at: new Date(LOW + i * 7 * HOUR + i * 60e3), type: 'agent_reply' }],
    }))
    const now = new Date(LOW + 1500 * HOUR)
    const many = rules.evaluateMany(cases, now)
    assert.equal(many.length, cases.length)
    cases.forEach((c, i) => assert.deepEqual(many[i], rules.evaluate(c, now)))
    const bad = [...cases.slice(0, 3), { id: 'X', entitlement: 'nope', created_at: now }, ...cases.slice(3)]
    assert.throws(
      () => rules.evaluateMany(bad, now, { onError: 'raise' }),
      (err) => err.code === 'unknown_entitlement' && /case "X"/.test(err.message),
    )
    // By default the bad case's entry is its error, in its place.
    const entries = rules.evaluateMany(bad, now)
    assert.deepEqual([entries[3].caseId, entries[3].code], ['X', 'unknown_entitlement'])
    assert.deepEqual([...entries.slice(0, 3), ...entries.slice(4)], many)
  })
})
