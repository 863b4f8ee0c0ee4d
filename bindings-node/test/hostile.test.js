'use strict'
// Hostile arguments (docs/errors.md, "Hostile arguments"): a typed array detached or shrunk by
// the caller's own code during a call, arrays whose `length` lies about what they hold, and
// strings that are not well-formed UTF-16. The calls that used to read freed memory or abort on
// a 137 GB allocation run in a child process under a 2 GiB address-space cap (`ulimit -v`) and
// a time limit; the test asserts that the child exits normally and what it threw.

const { describe, test } = require('node:test')
const assert = require('node:assert/strict')
const { spawnSync } = require('node:child_process')
const path = require('node:path')

const { Calendar, Ruleset, Import, salesforce, zendesk } = require('..')

const ADDON = path.resolve(__dirname, '..')
// Node itself needs about 1 GiB of address space; the allocations these tests guard against
// were tens to hundreds of gigabytes.
const CAP_KB = 2 * 1024 * 1024
const TIMEOUT_MS = 120e3

const DESK = { time_zone: 'UTC', hours: { mon: ['09:00-17:00'], tue: ['09:00-17:00'] } }
const DOCUMENT = {
  calendars: { desk: DESK },
  processes: [
    {
      id: 'gold',
      calendar: 'desk',
      milestones: [{ name: 'First Response', kind: 'first_response', target: '1h' }],
    },
  ],
  entitlements: [{ id: 'acme', process: 'gold' }],
}
const NOW = '2026-11-17T12:00:00Z'
const CASE = { id: 'C-1', entitlement: 'acme', created_at: '2026-11-16T10:00:00Z' }

/**
 * Runs `body` (the source of a function body; `addon`, `rules`, `cal`, `sparse()` and `NOW` are
 * in scope) in a capped child process. The body returns a value or throws; the child prints
 * `{ok, value}` or `{code, message}` as JSON, and the result is parsed here.
 */
function inChild(body) {
  const script = `
    'use strict'
    const addon = require(${JSON.stringify(ADDON)})
    const rules = addon.Ruleset.fromObject(${JSON.stringify(DOCUMENT)})
    const cal = new addon.Calendar(${JSON.stringify(DESK)})
    const NOW = ${JSON.stringify(NOW)}
    const CASE = ${JSON.stringify(CASE)}
    const sparse = (n = 2 ** 32 - 1) => { const a = []; a.length = n; return a }
    let out
    try {
      const value = (() => { ${body} })()
      out = { ok: true, value }
    } catch (err) {
      out = { code: err.code, message: String(err.message) }
    }
    process.stdout.write(JSON.stringify(out, (k, v) => (typeof v === 'bigint' ? String(v) : v)))
  `
  const run = spawnSync('sh', ['-c', `ulimit -v ${CAP_KB} && exec "$0" --expose-gc -e "$1"`, process.execPath, script], {
    encoding: 'utf8',
    timeout: TIMEOUT_MS,
  })
  assert.equal(run.error, undefined, `the child did not finish: ${run.error}`)
  assert.equal(run.signal, null, `the child was killed by ${run.signal}: ${run.stderr}`)
  assert.equal(run.status, 0, `the child exited with ${run.status}: ${run.stderr}`)
  return JSON.parse(run.stdout)
}

function assertCode(result, code, where) {
  assert.equal(result.ok, undefined, `expected ${code}, the call returned ${JSON.stringify(result.value)}`)
  assert.equal(result.code, code, result.message)
  if (where) assert.match(result.message, where)
}

// ------------------------------------------------------------------------------------------------

describe('a typed array detached during a call', () => {
  // A getter on an item of the second argument transfers the buffer of `starts` away and
  // collects it: a borrowed view of `starts` would then read freed memory.
  const DETACH = () => `
    const detach = (buffer) => { structuredClone(buffer, { transfer: [buffer] }); globalThis.gc() }
  `

  test('addMany: BigInt64Array starts keep the values they had when the call began', () => {
    const result = inChild(`${DETACH()}
      const t = BigInt(Date.parse('2026-11-16T09:00:00Z')) * 1000n
      const starts = new BigInt64Array(4096).fill(t)
      const expected = cal.addMany(starts.slice(), 3600n * 1000000n)
      const durations = Array(4096).fill(3600e3)
      Object.defineProperty(durations, 0, { get() { detach(starts.buffer); return 3600e3 } })
      const got = cal.addMany(starts, durations)
      return { detached: starts.length === 0, same: got.every((v, i) => v === expected[i]), n: got.length }
    `)
    // The getter ran (the buffer is gone) and the answer is the one for the original starts.
    assert.deepEqual(result, { ok: true, value: { detached: true, same: true, n: 4096 } })
  })

  test('elapsedMany: BigInt64Array starts detached by a getter in ends', () => {
    const result = inChild(`${DETACH()}
      const a = BigInt(Date.parse('2026-11-16T09:00:00Z')) * 1000n
      const starts = new BigInt64Array(2048).fill(a)
      const ends = Array(2048).fill('2026-11-16T17:00:00Z')
      Object.defineProperty(ends, 5, { get() { detach(starts.buffer); return '2026-11-16T17:00:00Z' } })
      const got = cal.elapsedMany(starts, ends)
      // BigInt64Array starts give microseconds: 8 business hours each.
      return { detached: starts.length === 0, all: got.every((v) => v === 8n * 3600n * 1000000n) }
    `)
    assert.deepEqual(result, { ok: true, value: { detached: true, all: true } })
  })

  test('elapsedMany: ends detached before they are read is an empty column, refused by length', () => {
    const result = inChild(`${DETACH()}
      const b = BigInt(Date.parse('2026-11-16T17:00:00Z')) * 1000n
      const ends = new BigInt64Array(16).fill(b)
      const starts = Array(16).fill('2026-11-16T09:00:00Z')
      Object.defineProperty(starts, 0, { get() { detach(ends.buffer); return '2026-11-16T09:00:00Z' } })
      return cal.elapsedMany(starts, ends)
    `)
    assertCode(result, 'invalid_value', /starts has 16 items but ends has 0/)
  })

  test('addMany: a resizable buffer shrunk to nothing by a getter', () => {
    const result = inChild(`
      const buffer = new ArrayBuffer(8 * 1024, { maxByteLength: 8 * 1024 })
      const starts = new Float64Array(buffer).fill(Date.parse('2026-11-16T09:00:00Z'))
      const durations = Array(1024).fill(3600e3)
      Object.defineProperty(durations, 0, { get() { buffer.resize(0); globalThis.gc(); return 3600e3 } })
      const got = cal.addMany(starts, durations)
      return { shrunk: starts.length === 0, n: got.length, all: got.every((v) => v === Date.parse('2026-11-16T10:00:00Z')) }
    `)
    assert.deepEqual(result, { ok: true, value: { shrunk: true, n: 1024, all: true } })
  })

  test('a detached typed array as an argument reads as an empty column', () => {
    const result = inChild(`
      const starts = new Float64Array(8)
      structuredClone(starts.buffer, { transfer: [starts.buffer] })
      return Array.from(cal.addMany(starts, 1))
    `)
    assert.deepEqual(result, { ok: true, value: [] })
  })
})

// ------------------------------------------------------------------------------------------------

describe('an array whose length is 2 ** 32 - 1 with nothing in it', () => {
  // Each of these used to size a vector by the length (137 GB) and abort the process.
  const CALLS = {
    'rules.evaluate (events)': ['rules.evaluate({ ...CASE, events: sparse() }, NOW)', 'limit_exceeded', /events/],
    'rules.evaluateMany': ['rules.evaluateMany(sparse(), NOW)', 'limit_exceeded', /cases/],
    'rules.monitor': ['rules.monitor(sparse(), NOW)', 'limit_exceeded', /cases/],
    'rules.breachRisk': ['rules.breachRisk(sparse(), NOW)', 'limit_exceeded', /cases/],
    'rules.entitlementUsage': ["rules.entitlementUsage('acme', sparse(), NOW)", 'limit_exceeded', /cases/],
    'rules.whatIf': ['rules.whatIf(rules, sparse(), NOW)', 'limit_exceeded', /cases/],
    'cal.addMany (starts)': ['cal.addMany(sparse(), 0)', 'limit_exceeded', /starts/],
    'cal.addMany (durations)': ['cal.addMany([NOW], sparse())', 'limit_exceeded', /durations/],
    'cal.elapsedMany (ends)': ['cal.elapsedMany([NOW], sparse())', 'limit_exceeded', /ends/],
    'Calendar.union': ['addon.Calendar.union(sparse())', 'limit_exceeded', /calendars/],
    'new Calendar (hours)': ["new addon.Calendar({ time_zone: 'UTC', hours: { mon: sparse() } })", 'limit_exceeded', /hours\.mon/],
    'Ruleset.fromObject (processes)': ['addon.Ruleset.fromObject({ processes: sparse() })', 'limit_exceeded', /processes/],
    'new Import': ['new addon.Import({ cases: sparse() })', 'limit_exceeded', /cases/],
    'salesforce.businessHours': ['addon.salesforce.businessHours(sparse())', 'limit_exceeded', /document/],
    'salesforce.entitlementProcesses': ['addon.salesforce.entitlementProcesses(sparse())', 'limit_exceeded', /source/],
    'salesforce.entitlements': ['addon.salesforce.entitlements(sparse())', 'limit_exceeded', /document/],
    'salesforce.cases (records)': ['addon.salesforce.cases(sparse())', 'limit_exceeded', /document/],
    'salesforce.cases (closedStatuses)': ["addon.salesforce.cases([], { closedStatuses: sparse() })", 'limit_exceeded', /closedStatuses/],
    'zendesk.schedules': ['addon.zendesk.schedules(sparse())', 'limit_exceeded', /document/],
    'zendesk.slaPolicies': ['addon.zendesk.slaPolicies(sparse())', 'limit_exceeded', /document/],
    'ics.calendar (holidays)': [
      "addon.ics.calendar('BEGIN:VCALENDAR\\r\\nEND:VCALENDAR\\r\\n', { name: 'x', timeZone: 'UTC', hours: {}, holidays: sparse() })",
      'limit_exceeded',
      /holidays/,
    ],
  }
  for (const [name, [call, code, where]] of Object.entries(CALLS)) {
    test(`${name} is ${code}, before any item is read`, () => {
      assertCode(inChild(`return ${call}`), code, where)
    })
  }

  test('an array with holes below the limit is refused at its first hole, without walking the rest', () => {
    // 33,554,432 holes: the limit itself. Walking them all would take seconds and this would be
    // a hang at 2 ** 32 - 1; the first hole ends the call.
    assertCode(inChild('return rules.evaluateMany(sparse(2 ** 25), NOW)'), 'invalid_type', /cases\[0\]: .*hole/)
    assertCode(inChild('return cal.addMany(sparse(2 ** 25), 0)'), 'invalid_type', /starts\[0\]: .*hole/)
  })

  test('one more item than the limit is refused by its length', () => {
    assertCode(inChild('return rules.evaluateMany(sparse(2 ** 25 + 1), NOW)'), 'limit_exceeded', /33554433/)
  })

  test('events: the case limit (1,000,000) is checked on the length', () => {
    assertCode(inChild('return rules.evaluate({ ...CASE, events: sparse(1000001) }, NOW)'), 'limit_exceeded', /case "C-1": events: 1000001 events/)
  })
})

describe('holes', () => {
  const rules = Ruleset.fromObject(DOCUMENT)
  const cal = new Calendar(DESK)

  test('a hole is invalid_type naming its index, in every list', () => {
    const withHole = (a, b) => {
      const list = [a, b]
      delete list[0]
      return list
    }
    const cases = [
      [() => rules.evaluateMany(withHole(CASE, CASE), NOW), /cases\[0\]/],
      [() => cal.addMany(withHole(NOW, NOW), 0), /starts\[0\]/],
      [() => cal.addMany([NOW, NOW], withHole(1, 1)), /durations\[0\]/],
      [() => rules.evaluate({ ...CASE, events: withHole({ at: NOW, type: 'agent_reply' }, { at: NOW, type: 'agent_reply' }) }, NOW), /case "C-1": events\[0\]/],
      [() => Calendar.union(withHole(cal, cal)), /calendars\[0\]/],
      [() => new Calendar({ time_zone: 'UTC', hours: { mon: withHole('09:00-17:00', '18:00-19:00') } }), /hours\.mon\[0\]/],
      [() => salesforce.entitlementProcesses(withHole('<a/>', '<a/>')), /source\[0\]/],
    ]
    for (const [call, where] of cases) {
      assert.throws(call, (err) => err.code === 'invalid_type' && where.test(err.message) && /hole/.test(err.message), String(call))
    }
  })

  test('an item that is undefined (not a hole) keeps its own error', () => {
    assert.throws(() => cal.addMany([undefined], 0), (err) => err.code === 'invalid_instant' && /starts\[0\]/.test(err.message))
  })

  test('a hole filled through the prototype is read as the value it holds', () => {
    const starts = [NOW, NOW]
    delete starts[1]
    Object.setPrototypeOf(starts, Object.assign(Object.create(Array.prototype), { 1: NOW }))
    assert.equal(cal.addMany(starts, 0).length, 2)
  })
})

// ------------------------------------------------------------------------------------------------

describe('strings with a lone surrogate', () => {
  const rules = Ruleset.fromObject(DOCUMENT)
  const cal = new Calendar(DESK)
  const LONE = ['C-\uD800', 'C-\uDC00', '\uDBFF', 'a\uDC00b\uD83D\uDE00']

  test('are refused as ids, naming the path, never replaced by U+FFFD', () => {
    for (const id of LONE) {
      assert.equal(id.isWellFormed(), false)
      assert.throws(
        () => rules.evaluate({ ...CASE, id }, NOW),
        (err) => err.code === 'invalid_value' && /\bid: .*lone surrogate/.test(err.message),
        JSON.stringify(id),
      )
    }
  })

  test('two ids that Node-API would both read as "C-\uFFFD" never meet in a monitor', () => {
    const cases = [
      { ...CASE, id: 'C-\uD800' },
      { ...CASE, id: 'C-\uDC00' },
    ]
    assert.throws(
      () => rules.monitor(cases, NOW, null, { onError: 'raise' }),
      (err) => err.code === 'invalid_value' && /\bid: .*lone surrogate \(U\+D800\) at UTF-16 index 2/.test(err.message),
    )
    // By default each is left out with its own entry: neither is taken for the other.
    const errors = rules.monitor(cases, NOW).errors
    assert.deepEqual(errors.map((e) => [e.index, e.code, e.path]), [[0, 'invalid_value', 'cases[0].id'], [1, 'invalid_value', 'cases[1].id']])
  })

  test('are refused everywhere a string enters: values, keys, arguments', () => {
    const refused = [
      [() => rules.evaluate({ ...CASE, fields: { severity: 'Sev\uD800' } }, NOW), /fields\.severity/],
      [() => rules.evaluate({ ...CASE, fields: { ['sev\uD800']: 'Sev1' } }, NOW), /fields: the key/],
      [() => rules.evaluate({ ...CASE, events: [{ at: NOW, type: 'agent_reply\uDC00' }] }, NOW), /events\[0\]\.type/],
      [() => rules.evaluate({ ...CASE, created_at: '2026-11-16T10:00:00Z\uD800' }, NOW), /created_at/],
      [() => rules.evaluate(CASE, '2026-11-17T12:00:00Z\uD800'), /now/],
      [() => rules.entitlementUsage('acme\uD800', [], NOW), /entitlementId/],
      [() => new Calendar({ time_zone: 'UTC\uD800', hours: {} }), /time_zone/],
      [() => Ruleset.fromObject({ ...DOCUMENT, entitlements: [{ id: 'acme\uD800', process: 'gold' }] }), /entitlements\[0\]\.id/],
      [() => Ruleset.fromJson('{"x\uD800": 1}'), /text/],
      [() => cal.add('2026-11-16T10:00:00Z\uDC00', 0), /\bt\b/],
      [() => cal.addMany(['2026-11-16T10:00:00Z\uDC00'], 0), /starts\[0\]/],
      [() => new Import({ calendars: { ['desk\uD800']: DESK } }), /calendars: the key/],
      [() => salesforce.completedEvent('First\uD800'), /milestone/],
      [() => salesforce.startedEvent('First\uD800'), /milestone/],
      [() => salesforce.entitlementProcesses({ ['file\uD800']: '<a/>' }), /source/],
      [() => salesforce.entitlementProcesses(['<a\uD800/>']), /source/],
      [() => zendesk.railsTimeZone('Eastern\uD800'), /name/],
      [() => zendesk.slaPolicies({ sla_policies: [] }, { schedule: 'desk\uD800' }), /schedule/],
      [() => new Import({ calendars: { desk: DESK } }).calendar('desk\uD800'), /name/],
    ]
    for (const [call, where] of refused) {
      assert.throws(call, (err) => err.code === 'invalid_value' && where.test(err.message) && /lone surrogate/.test(err.message), String(call))
    }
  })

  test('a real U+FFFD and surrogate pairs are accepted as they are', () => {
    for (const id of ['C-\uFFFD', 'C-\uD83D\uDE00', '\uFFFD\uFFFD']) {
      assert.equal(id.isWellFormed(), true)
      const [status] = rules.evaluate({ ...CASE, id }, NOW)
      assert.equal(status.caseId, id)
    }
  })
})
