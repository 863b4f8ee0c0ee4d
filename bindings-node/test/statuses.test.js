'use strict'
// The lists of open milestones of a MonitorReport (`statuses`, `atRisk`, `breached`), which
// the addon makes without one wrapped object per status (src/statuses.rs): each status of a
// list reads exactly what the addon's own MilestoneStatus instance of the same milestone reads
// (the one in `report.cases[i].milestones`), getter by getter and in toJSON(), over the sample
// and over seeded random case sets; and the objects look like MilestoneStatus instances.

const { describe, test } = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')

const { Ruleset, MonitorReport, MilestoneStatus } = require('..')
const { random } = require('./random')

const REPO = path.join(__dirname, '..', '..')
const rules = Ruleset.load(path.join(REPO, 'examples', 'data', 'rules.yaml'))
const SAMPLE = require(path.join(REPO, 'examples', 'data', 'cases.json'))

const MINUTE = 60e3

/** Every getter of MilestoneStatus.prototype (camelCase names and snake_case aliases). */
const GETTERS = Object.getOwnPropertyNames(MilestoneStatus.prototype).filter(
  (name) => typeof Object.getOwnPropertyDescriptor(MilestoneStatus.prototype, name).get === 'function',
)

/** Random open and closed cases under both entitlements, with pauses, replies and reopenings. */
function randomCases(seed, n) {
  const next = random(seed)
  const pick = (xs) => xs[Math.floor(next() * xs.length)]
  const base = Date.parse('2026-11-18T14:00:00Z')
  const cases = []
  for (let i = 0; i < n; i++) {
    const created = base + Math.floor(next() * 7 * 24 * 60) * MINUTE
    const events = []
    let t = created
    const count = Math.floor(next() * 5)
    for (let e = 0; e < count; e++) {
      t += Math.floor(next() * 600) * MINUTE
      const type = pick(['agent_reply', 'customer_reply', 'status', 'solved', 'reopened'])
      events.push(type === 'status' ? { at: new Date(t), type, to: pick(['Waiting on Customer', 'Open']) } : { at: t, type })
    }
    const when = [new Date(created), new Date(created).toISOString(), created]
    cases.push({
      id: `R-${seed}-${i}`,
      entitlement: pick(['acme-gold', 'umbrella-sev1']),
      created_at: when[i % 3],
      fields: { severity: pick(['Sev1', 'Sev2', 'Sev3']) },
      events,
    })
  }
  return cases
}

/** A getter's value in a comparable form (a Date by its time value; objects as JSON). */
const plain = (v) => (v instanceof Date ? { date: v.getTime() } : JSON.parse(JSON.stringify({ v })).v)

/** Every status of the three lists equals the report's own instance of the same milestone. */
function assertSameAsInstances(report) {
  const own = new Map()
  for (const c of report.cases) {
    for (const m of c.milestones) own.set(`${m.caseId}/${m.milestone}/${m.instance}`, m)
  }
  let read = 0
  for (const name of ['statuses', 'atRisk', 'breached']) {
    for (const s of report[name]) {
      const key = `${s.caseId}/${s.milestone}/${s.instance}`
      const m = own.get(key)
      assert.ok(m, `${name}: ${key} is a milestone of report.cases`)
      assert.ok(s instanceof MilestoneStatus)
      for (const getter of GETTERS) {
        assert.deepEqual(plain(s[getter]), plain(m[getter]), `${name} ${key}.${getter}`)
      }
      assert.deepEqual(s.toJSON(), m.toJSON(), `${name} ${key}.toJSON()`)
      assert.equal(JSON.stringify(s), JSON.stringify(m))
      read++
    }
  }
  return read
}

describe('the lists of open milestones of a report', () => {
  test('read what the MilestoneStatus instances of report.cases read (sample)', () => {
    const report = rules.monitor(SAMPLE.cases, new Date(SAMPLE.now))
    assert.ok(report.statuses.length > 0 && report.atRisk.length > 0 && report.breached.length > 0)
    assert.ok(assertSameAsInstances(report) > 0)
  })

  test('read what the MilestoneStatus instances read (seeded random cases, several instants)', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const cases = randomCases(seed, 60)
      for (const now of ['2026-11-20T12:00:00Z', '2026-11-25T20:30:00Z', '2026-12-10T08:00:00Z']) {
        const report = rules.monitor(cases, new Date(now), null)
        const read = assertSameAsInstances(report)
        assert.equal(read, report.statuses.length + report.atRisk.length + report.breached.length)
      }
    }
  })

  test('a status of a list looks like an instance: class, constructor, no own keys, a new Date at each read', () => {
    const report = rules.monitor(SAMPLE.cases, new Date(SAMPLE.now))
    const s = report.breached[0]
    const m = report.cases.flatMap((c) => c.milestones).find((x) => x.caseId === s.caseId && x.milestone === s.milestone)
    assert.ok(s instanceof MilestoneStatus)
    assert.equal(s.constructor, MilestoneStatus)
    assert.equal(s.constructor, m.constructor)
    assert.deepEqual(Object.keys(s), Object.keys(m))
    assert.deepEqual(Reflect.ownKeys(s), Reflect.ownKeys(m))
    const inherited = []
    for (const k in s) inherited.push(k)
    const own = []
    for (const k in m) own.push(k)
    assert.deepEqual(inherited, own, 'for...in lists the same getters')
    assert.notEqual(s.targetAt, s.targetAt, 'each read makes a Date, as the instance getters do')
    assert.notEqual(m.targetAt, m.targetAt)
    assert.equal(s.targetAt.getTime(), m.targetAt.getTime())
    assert.equal(s.breachedAt.getTime(), s.breached_at.getTime())
  })

  test('the getters refuse other receivers as before', () => {
    const report = rules.monitor(SAMPLE.cases, new Date(SAMPLE.now))
    const s = report.statuses[0]
    const targetAt = Object.getOwnPropertyDescriptor(MilestoneStatus.prototype, 'targetAt').get
    const caseId = Object.getOwnPropertyDescriptor(MilestoneStatus.prototype, 'caseId').get
    const toJSON = MilestoneStatus.prototype.toJSON
    assert.equal(targetAt.call(s).getTime(), s.targetAt.getTime())
    for (const other of [{}, Object.create(MilestoneStatus.prototype), Object.create(s), report.alerts[0], report]) {
      for (const fn of [targetAt, caseId, toJSON]) {
        assert.throws(() => fn.call(other), (e) => e instanceof Error && Array.isArray(e.path), fn.name)
      }
    }
    // The report's list getters: on another object, the same error as the addon's other getters.
    const statuses = Object.getOwnPropertyDescriptor(MonitorReport.prototype, 'statuses').get
    const events = Object.getOwnPropertyDescriptor(MonitorReport.prototype, 'events').get
    for (const other of [{}, Object.create(MonitorReport.prototype), s]) {
      const a = thrown(() => statuses.call(other))
      const b = thrown(() => events.call(other))
      assert.equal(a.code, b.code)
      assert.equal(a.message, b.message)
      assert.deepEqual(a.path, b.path)
    }
  })

  test('each list is made once, kept on the report, and outlives the reference to the report', () => {
    let report = rules.monitor(SAMPLE.cases, new Date(SAMPLE.now))
    const lists = ['statuses', 'atRisk', 'breached'].map((name) => report[name])
    assert.equal(report.statuses, lists[0])
    const d = Object.getOwnPropertyDescriptor(report, 'atRisk')
    assert.deepEqual([d.writable, d.enumerable, d.configurable], [false, false, true])
    const expected = lists.map((l) => l.map((s) => s.toJSON()))
    report = null
    globalThis.gc?.()
    assert.deepEqual(
      lists.map((l) => l.map((s) => s.toJSON())),
      expected,
    )
  })

  test('an empty report has empty lists', () => {
    const report = rules.monitor([], new Date(SAMPLE.now))
    assert.deepEqual([report.statuses, report.atRisk, report.breached], [[], [], []])
  })
})

function thrown(fn) {
  try {
    fn()
  } catch (err) {
    return err
  }
  assert.fail('expected an error, but none was thrown')
}
