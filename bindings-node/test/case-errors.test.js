'use strict'
// Bad records: a bad case never stops the others (docs/monitor.md, "Bad records"). One bad case
// among a thousand good ones in every call over many cases, each kind of bad case,
// `{onError: 'raise'}` as before, the window rule, and, over seeded random plans, the law that
// collecting errors changes nothing for the good cases.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const { tableFromIPC } = require('apache-arrow')

const { Ruleset, MilestoneStatus } = require('..')
const { random } = require('./random')

const NOW = '2026-11-25T12:00:00Z'
const rules = Ruleset.fromObject({
  processes: [{
    id: 'p',
    milestones: [
      { name: 'FR', kind: 'first_response', target: '1h', triggers: [{ at: '50%', level: 'warning' }] },
      { name: 'Res', kind: 'resolution', target: '8h' },
    ],
  }],
  entitlements: [{ id: 'e', process: 'p', account: { id: 'A', name: 'Acme' } }],
})
const BASE = Date.parse('2026-11-25T09:00:00Z')
const MINUTE = 60e3

function good(i) {
  const created = BASE + (i % 120) * MINUTE
  const events = i % 3 === 0 ? [{ at: new Date(created + 20 * MINUTE), type: 'agent_reply' }] : []
  return { id: `C-${i}`, entitlement: 'e', created_at: new Date(created), events }
}

// Each kind of bad case: [the case, its code, its path after `cases[i]`].
function bad(kind, i) {
  const id = `B-${i}`
  switch (kind) {
    case 0: return [{ id, entitlement: 'new-contract', created_at: BASE }, 'unknown_entitlement', '.entitlement']
    case 1: return [{ id, entitlement: 'e', created_at: BASE, events: [{ at: BASE + 10 * MINUTE, type: 'escalated_to_mars' }] }, 'unknown_event_type', '.events[0].type']
    case 2: return [{ id, entitlement: 'e', created_at: BASE, events: [{ at: '25/11/2026 09:10', type: 'agent_reply' }] }, 'invalid_instant', '.events[0].at']
    case 3: return [42, 'invalid_type', '']
    default: return [{ id, entitlement: 'e', created_at: '2026-11-25T09:00:00' }, 'naive_datetime', '.created_at']
  }
}
const KINDS = [0, 1, 2, 3, 4]

function thousand(kind) {
  const cases = Array.from({ length: 1000 }, (_, i) => good(i))
  const [value, code, path] = bad(kind, 437)
  cases[437] = value
  return { cases, code, path: `cases[437]${path}`, alone: cases.filter((_, i) => i !== 437) }
}

const plain = (x) => JSON.parse(JSON.stringify(x))

test('one bad case among a thousand: monitor leaves it out, with an error entry and a data_error event', () => {
  for (const kind of KINDS) {
    const { cases, code, path, alone } = thousand(kind)
    const report = rules.monitor(cases, NOW)
    assert.equal(report.cases.length, 999)
    assert.equal(report.errors.length, 1)
    const [error] = report.errors
    assert.deepEqual(Object.keys(error).sort(), ['caseId', 'code', 'index', 'message', 'path'])
    assert.deepEqual([error.index, error.code, error.path], [437, code, path])
    assert.equal(error.caseId, kind === 3 ? null : 'B-437')
    const data = report.events.filter((e) => e.kind === 'data_error')
    assert.equal(data.length, 1)
    assert.equal(data[0].point, code)
    const alert = report.alerts.find((a) => a.key === data[0].key)
    assert.match(alert.title, /could not be checked/)
    const expected = rules.monitor(alone, NOW)
    assert.deepEqual(plain(report.cases), plain(expected.cases))
    assert.deepEqual(plain(report.events.filter((e) => e.kind !== 'data_error')), plain(expected.events))
    const { caseId, ...rest } = error
    assert.deepEqual(report.toJSON().errors, [{ case_id: caseId, ...rest }])
  }
})

test('one bad case among a thousand in evaluateMany, breachRisk, whatIf and the Arrow calls', () => {
  const { cases, code, path, alone } = thousand(0)

  const entries = rules.evaluateMany(cases, NOW)
  assert.equal(entries.length, 1000)
  assert.ok(!Array.isArray(entries[437]))
  assert.deepEqual([entries[437].code, entries[437].path], [code, path])
  const lists = entries.filter((e) => Array.isArray(e))
  assert.equal(lists.length, 999)
  assert.ok(lists.every((l) => l.every((s) => s instanceof MilestoneStatus)))
  assert.deepEqual(plain(lists), plain(rules.evaluateMany(alone, NOW)))

  const risks = rules.breachRisk(cases, NOW)
  const errors = risks.filter((r) => 'code' in r)
  assert.deepEqual(errors.map((e) => [e.index, e.code]), [[437, code]])
  assert.deepEqual(risks.filter((r) => !('code' in r)), rules.breachRisk(alone, NOW))

  const w = rules.whatIf(rules, cases, NOW)
  assert.deepEqual(w.errors.map((e) => [e.index, e.code, e.path]), [[437, code, path]])
  const expected = rules.whatIf(rules, alone, NOW)
  assert.deepEqual([w.rows, w.changes], [expected.rows, expected.changes])

  const events = tableFromIPC(rules.monitorArrow(cases, NOW))
  assert.equal(events.getChild('kind').toArray().filter((k) => k === 'data_error').length, 1)
  const meta = JSON.parse(events.schema.metadata.get('entitlement.errors'))
  assert.deepEqual(meta.map((e) => [e.index, e.code, e.path]), [[437, code, path]])
  const statuses = tableFromIPC(rules.evaluateArrow(cases, NOW))
  assert.equal(new Set(statuses.getChild('case_id').toArray()).size, 999)
  assert.equal(JSON.parse(statuses.schema.metadata.get('entitlement.errors'))[0].index, 437)
  assert.equal(tableFromIPC(rules.evaluateArrow(alone, NOW)).schema.metadata.get('entitlement.errors'), undefined)
})

test("{onError: 'raise'} throws the first bad case's error, as before", () => {
  for (const kind of KINDS) {
    const { cases, code } = thousand(kind)
    const raise = { onError: 'raise' }
    for (const call of [
      () => rules.monitor(cases, NOW, null, raise),
      () => rules.evaluateMany(cases, NOW, raise),
      () => rules.breachRisk(cases, NOW, raise),
      () => rules.whatIf(rules, cases, NOW, raise),
      () => rules.monitorArrow(cases, NOW, undefined, raise),
      () => rules.evaluateArrow(cases, NOW, raise),
    ]) {
      assert.throws(call, (e) => e.code === code && Array.isArray(e.path))
    }
  }
})

test('every copy of a duplicated id is left out with duplicate_case', () => {
  const cases = [...Array.from({ length: 10 }, (_, i) => good(i)), good(3), good(3)]
  const report = rules.monitor(cases, NOW)
  assert.equal(report.cases.length, 9)
  assert.deepEqual(report.errors.map((e) => [e.index, e.code, e.path]), [
    [3, 'duplicate_case', 'cases[3].id'],
    [10, 'duplicate_case', 'cases[10].id'],
    [11, 'duplicate_case', 'cases[11].id'],
  ])
  assert.equal(report.events.filter((e) => e.kind === 'data_error').length, 3)
  assert.throws(() => rules.evaluateMany(cases, NOW, { onError: 'raise' }),
    (e) => e.code === 'duplicate_case' && e.path.join('.') === 'id')
})

test('a window whose since is not before now is refused with invalid_window', () => {
  for (const since of [NOW, '2026-11-25T12:05:00Z']) {
    for (const options of [undefined, { onError: 'collect' }, { onError: 'raise' }]) {
      for (const call of [
        () => rules.monitor([good(1)], NOW, since, options),
        () => rules.monitorArrow([good(1)], NOW, since, options),
      ]) {
        assert.throws(call, (e) => e.code === 'invalid_window' && e.path.join('.') === 'since' &&
          e.message.includes('2026-11-25T12:00:00Z'))
      }
    }
  }
})

test('an unknown onError or option names it', () => {
  assert.throws(() => rules.monitor([good(1)], NOW, null, { onError: 'ignore' }),
    (e) => e.code === 'invalid_value' && e.path.join('.') === 'options.onError')
  assert.throws(() => rules.evaluateMany([good(1)], NOW, { onError: 5 }),
    (e) => e.code === 'invalid_type' && e.path.join('.') === 'options.onError')
  assert.throws(() => rules.breachRisk([good(1)], NOW, { on_error: 'raise' }),
    (e) => e.code === 'unknown_key')
})

// A small seeded generator (mulberry32), so that a failure names its seed.

test('law: for any bad positions, the good cases give what they give alone, and errors name exactly the bad positions', () => {
  for (let seed = 1; seed <= 40; seed++) {
    const next = random(seed)
    const n = 1 + Math.floor(next() * 30)
    const cases = []
    const alone = []
    const badAt = []
    for (let i = 0; i < n; i++) {
      if (next() < 0.3) {
        cases.push(bad(Math.floor(next() * 5), i)[0])
        badAt.push(i)
      } else {
        cases.push(good(i))
        alone.push(good(i))
      }
    }
    const report = rules.monitor(cases, NOW)
    const reference = rules.monitor(alone, NOW)
    assert.deepEqual(plain(report.cases), plain(reference.cases), `seed ${seed}`)
    assert.deepEqual(plain(report.accounts), plain(reference.accounts), `seed ${seed}`)
    assert.deepEqual(report.errors.map((e) => e.index), badAt, `seed ${seed}`)
    const entries = rules.evaluateMany(cases, NOW)
    assert.deepEqual(entries.flatMap((e, i) => (Array.isArray(e) ? [] : [i])), badAt, `seed ${seed}`)
  }
})
