'use strict'
// The results returned as plain data (breachRisk, whatIf, diff, check, evaluateMany's case
// errors, report.outcomes(), accountPeriods(), digests(), accounts, errors): camelCase data for
// property reads, and an own, non-enumerable toJSON() on every object of them that writes the
// core's JSON wire format (tests/wire compares those bytes with the CLI's and Python's).

const { test } = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const fs = require('node:fs')

const { Ruleset } = require('..')

const DATA = path.join(__dirname, '..', '..', 'examples', 'data')
const sample = JSON.parse(fs.readFileSync(path.join(DATA, 'cases.json'), 'utf8'))
const rules = Ruleset.load(path.join(DATA, 'rules.yaml'))
const wire = (value) => JSON.parse(JSON.stringify(value))
const hidden = (object) => {
  const d = Object.getOwnPropertyDescriptor(object, 'toJSON')
  assert.equal(typeof d.value, 'function')
  assert.equal(d.enumerable, false)
}

test('breachRisk: camelCase data, wire JSON (seconds, microseconds kept), whole and one item', () => {
  const rules = Ruleset.fromObject({
    processes: [{ id: 'p', milestones: [{ name: 'Reply', kind: 'first_response', target: '4h' }] }],
  })
  const cases = [
    { id: 'a', process: 'p', created_at: '2026-11-02T09:00:00Z', events: [] },
    { id: 'b', process: 'nope', created_at: '2026-11-02T09:00:00Z' },
  ]
  const risks = rules.breachRisk(cases, '2026-11-02T10:00:00.000123Z')
  assert.deepEqual(Object.keys(risks[0]), [
    'caseId', 'process', 'milestone', 'instance', 'state', 'target', 'elapsed', 'probability',
    'observations', 'completions',
  ])
  assert.equal(risks[0].elapsed, 3600000.123)
  hidden(risks[0])
  hidden(risks[1])
  const one = wire(risks[0])
  assert.deepEqual(one, {
    case_id: 'a', process: 'p', milestone: 'Reply', instance: 1, state: 'in_progress',
    target: 14400, elapsed: 3600.000123, probability: null, observations: 1, completions: 0,
  })
  assert.deepEqual(wire(risks[1]), {
    case_id: 'b', index: 1, code: 'unknown_process', path: 'cases[1].process', message: risks[1].message,
  })
  assert.deepEqual(wire(risks), [one, wire(risks[1])])
  // A filtered list (a new array) still writes each item's wire form.
  assert.deepEqual(wire(risks.filter((r) => 'code' in r)), [wire(risks[1])])
  // Spreads, deepEqual and structuredClone see only the data.
  assert.deepEqual({ ...risks[0] }, risks[0])
  assert.deepEqual(structuredClone(risks[0]), { ...risks[0] })
  assert.equal(JSON.parse(JSON.stringify({ ...risks[0] })).caseId, 'a')
})

test('outcomes: instants as RFC 3339 text with their microseconds, Dates in the data', () => {
  const rules = Ruleset.fromObject({
    processes: [{ id: 'p', milestones: [{ name: 'Reply', kind: 'first_response', target: '1h' }] }],
  })
  const report = rules.monitor(
    [{ id: 'a', process: 'p', created_at: '2026-11-02T09:00:00.000123Z', events: [] }],
    '2026-11-02T09:30:00Z',
  )
  const [row] = report.outcomes()
  assert.ok(row.startedAt instanceof Date)
  assert.equal(row.startedAt.getTime(), Date.parse('2026-11-02T09:00:00.000Z'))
  const json = wire(row)
  assert.equal(json.started_at, '2026-11-02T09:00:00.000123Z')
  assert.equal(json.target_at, '2026-11-02T10:00:00.000123Z')
  assert.equal(json.target, 3600)
  assert.equal(json.startedAt, undefined)
  assert.deepEqual(wire(report.outcomes()), [json])
})

test('whatIf, diff, check: the result, a list in it and one item of it', () => {
  const document = rules.toObject()
  document.processes[0].milestones[0].target = '30m'
  const proposed = Ruleset.fromObject(document)
  const w = rules.whatIf(proposed, sample.cases, sample.now)
  assert.ok(w.changes.length > 0 && 'caseId' in w.changes[0])
  const whole = wire(w)
  assert.deepEqual(Object.keys(whole).sort(), ['changes', 'errors', 'rows'])
  assert.deepEqual(wire(w.changes), whole.changes)
  assert.deepEqual(wire(w.changes[0]), whole.changes[0])
  assert.deepEqual(wire(w.rows[0].current), whole.rows[0].current)
  assert.equal(whole.changes[0].case_id, w.changes[0].caseId)

  const d = rules.diff(proposed, { cases: sample.cases, now: sample.now })
  assert.ok(d.hasChanges && d.deadlines.length > 0)
  const dj = wire(d)
  assert.equal(dj.has_changes, true)
  const move = dj.deadlines[0]
  assert.equal(typeof move.new_target_at, 'string')
  assert.equal(Date.parse(move.new_target_at), d.deadlines[0].newTargetAt.getTime())
  assert.equal(move.delta * 1000, d.deadlines[0].delta)
  assert.deepEqual(wire(d.deadlines[0]), move)

  const checks = rules.check({ now: sample.now })
  assert.ok(checks.length > 0)
  hidden(checks[0])
  assert.deepEqual(wire(checks), checks.map((c) => ({ code: c.code, path: c.path, message: c.message })))
})

test('the report: accounts, errors, account periods and digests stringify as the report does', () => {
  const cases = sample.cases.concat([{ id: 'BAD', process: 'nope', created_at: sample.now }])
  const report = rules.monitor(cases, sample.now)
  const whole = wire(report)
  assert.deepEqual(wire(report.accounts), whole.accounts)
  assert.deepEqual(wire(report.accounts[0]), whole.accounts[0])
  assert.ok('accountId' in report.accounts[0])
  assert.deepEqual(wire(report.errors), whole.errors)
  assert.equal(wire(report.errors[0]).case_id, 'BAD')
  const periods = report.accountPeriods()
  const period = wire(periods[0])
  assert.equal(period.account_id, periods[0].accountId)
  assert.equal(period.first_response_p50 ?? null, periods[0].firstResponseP50 === null ? null : periods[0].firstResponseP50 / 1000)
  const digest = report.digests()[0]
  assert.ok('accountId' in digest)
  const dj = wire(digest)
  assert.equal(dj.account_id, digest.accountId)
  assert.equal(dj.accountId, undefined)
  // A vendor payload keeps its keys.
  assert.deepEqual(dj.slack, wire(digest.slack))
  // evaluateMany's case errors.
  const many = rules.evaluateMany(cases.slice(-2), sample.now)
  assert.equal(wire(many[1]).case_id, 'BAD')
})

test("toJSON() of a plain result called on another object is an invalid_type error", () => {
  const [risk] = rules.breachRisk(sample.cases.slice(0, 20), sample.now)
  assert.throws(() => risk.toJSON.call({}), { code: 'invalid_type' })
  assert.throws(() => risk.toJSON.call(null), { code: 'invalid_type' })
  const [other] = rules.check({ now: sample.now })
  // Another result's object: its ordinal is not this result's.
  assert.throws(() => other.toJSON.call(risk), { code: "invalid_type" })
  // An object whose hidden ordinal was redefined past the result's objects (the symbol is
  // reachable with Object.getOwnPropertySymbols): the same typed error, never an internal one.
  const risks = rules.breachRisk(sample.cases.slice(0, 20), sample.now)
  const [key] = Object.getOwnPropertySymbols(risks[0])
  for (const ordinal of [1e6, 4294967294]) {
    const copy = risks[1]
    Object.defineProperty(copy, key, { value: ordinal })
    assert.throws(() => JSON.stringify(copy), { code: 'invalid_type' })
  }
})

test('a context key toJSON is data, kept as it is', () => {
  const rules = Ruleset.fromObject({
    processes: [{ id: 'p', milestones: [{ name: 'Reply', kind: 'first_response', target: '1h' }] }],
    entitlements: [{ id: 'e', process: 'p', account: { id: 'A', toJSON: 'kept', nested: { a_b: 1 } } }],
  })
  const report = rules.monitor([{ id: 'a', process: 'p', entitlement: 'e', created_at: '2026-11-02T09:00:00Z', events: [] }], '2026-11-02T09:30:00Z')
  const [account] = report.accounts
  assert.equal(account.account.toJSON, 'kept')
  assert.deepEqual(wire(account).account, { id: 'A', toJSON: 'kept', nested: { a_b: 1 } })
})
