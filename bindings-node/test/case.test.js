'use strict'
// Cases read straight into the core's Case (src/case.rs through the core's host::case reader,
// which falls back to the JSON walk for anything that is not plainly valid): over seeded random
// cases, valid and broken in one place each, the same cases written with Date instants, with
// ISO strings, with epoch milliseconds and as JSON text parsed back give the same report, and
// a broken case the same error (code, path, message) in every form; a case that only a getter
// makes valid or invalid is read as the getter says.

const { describe, test } = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')

const { Ruleset } = require('..')

const REPO = path.join(__dirname, '..', '..')
const rules = Ruleset.load(path.join(REPO, 'examples', 'data', 'rules.yaml'))
const NOW = new Date('2026-11-25T20:30:00Z')
const MINUTE = 60e3

/** A seeded generator (mulberry32): the same cases at every run. */
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

/** A valid case, its instants as epoch ms (written in each form by `written`). */
function randomCase(next, i) {
  const pick = (xs) => xs[Math.floor(next() * xs.length)]
  // Whole milliseconds, and some with a fraction (microseconds), as the core keeps them.
  const created = Date.parse('2026-11-18T14:00:00Z') + Math.floor(next() * 7 * 24 * 60) * MINUTE + (next() < 0.2 ? 0.123 : 0)
  const events = []
  let t = created
  for (let e = Math.floor(next() * 6); e > 0; e--) {
    t += Math.floor(next() * 300) * MINUTE
    const type = pick(['agent_reply', 'customer_reply', 'status', 'field', 'solved', 'reopened'])
    const event = { at: t, type }
    if (type === 'status') event.to = pick(['Waiting on Customer', 'Open', 'Pending'])
    if (type === 'status' && next() < 0.3) event.from = 'Open'
    if (type === 'field') Object.assign(event, { field: 'severity', to: pick(['Sev1', 'Sev2', 2, true, null]) })
    if (next() < 0.2) event.id = pick([`m-${e}`, e, null])
    events.push(event)
  }
  const c = { id: pick([`C-${i}`, `C-${i}-é`, `C-${i}-日本`]), created_at: created, events }
  if (next() < 0.9) c.entitlement = pick(['acme-gold', 'umbrella-sev1'])
  if (next() < 0.8) c.fields = { severity: pick(['Sev1', 'Sev2', 'Sev3']), tier: pick([1, 2.5, true, null, 'gold']) }
  if (next() < 0.1) c.meta = { source: 'crm', tags: ['a', 'b'] }
  if (next() < 0.1) c.entitlement = undefined
  return c
}

/** One defect, anywhere a case can have one. */
const DEFECTS = [
  (c) => delete c.id,
  (c) => (c.id = ''),
  (c) => (c.id = { nested: true }),
  (c) => (c.extra = 1),
  (c) => (c.entitlement = 7),
  (c) => (c.entitlement = 'no-such-entitlement'),
  (c) => delete c.created_at,
  (c) => (c.created_at = 'yesterday'),
  (c) => (c.created_at = '2026-11-20T10:00:00'),
  (c) => (c.fields = { severity: ['Sev1'] }),
  (c) => (c.fields = 'Sev1'),
  (c) => (c.events = {}),
  (c) => c.events.push({ at: c.created_at - MINUTE, type: 'agent_reply' }),
  (c) => c.events.push({ at: c.created_at + MINUTE, type: '' }),
  (c) => c.events.push({ at: c.created_at + MINUTE, type: 'created' }),
  (c) => c.events.push({ at: c.created_at + MINUTE, type: 'status' }),
  (c) => c.events.push({ at: c.created_at + MINUTE, type: 'agent_reply', to: 'Open' }),
  (c) => c.events.push({ at: c.created_at + MINUTE, type: 'field', to: 1 }),
  (c) => c.events.push({ at: c.created_at + MINUTE, type: 'no_such_type' }),
  (c) => c.events.push({ at: c.created_at + MINUTE, type: 'agent_reply', id: [1] }),
  (c) => c.events.push({ type: 'agent_reply' }),
  (c) => c.events.push({ at: c.created_at + MINUTE, type: 'agent_reply', when: 1 }),
  (c) => c.events.push('agent_reply'),
  (c) => (c.meta = { deep: JSON.parse('['.repeat(200) + ']'.repeat(200)) }),
]

/** The case with its instants in one form: 'date', 'iso', 'ms' or 'json' (JSON text parsed back). */
function written(c, form) {
  const at = (v) => {
    if (typeof v !== 'number') return v
    if (form === 'ms') return v
    // A Date keeps whole milliseconds: a fraction is written as an ISO string with microseconds.
    if (!Number.isInteger(v)) {
      const us = Math.round((v % 1) * 1000)
      return new Date(Math.floor(v)).toISOString().replace('Z', `${String(us).padStart(3, '0')}Z`)
    }
    return form === 'date' ? new Date(v) : new Date(v).toISOString()
  }
  const copy = { ...c }
  if ('created_at' in c) copy.created_at = at(c.created_at)
  if (Array.isArray(c.events)) copy.events = c.events.map((e) => (e && typeof e === 'object' ? { ...e, ...('at' in e ? { at: at(e.at) } : {}) } : e))
  return form === 'json' ? JSON.parse(JSON.stringify(copy)) : copy
}

const FORMS = ['ms', 'date', 'iso', 'json']
const report = (cases) => rules.monitor(cases, NOW, null).toJSON()

describe('cases read straight into the core', () => {
  test('every form of the same valid cases gives the same report', () => {
    for (const seed of [11, 12, 13, 14]) {
      const next = random(seed)
      const cases = Array.from({ length: 80 }, (_, i) => randomCase(next, i))
      const [first, ...rest] = FORMS.map((form) => report(cases.map((c) => written(c, form))))
      assert.equal(first.errors.length, 0, JSON.stringify(first.errors[0]))
      assert.ok(first.cases.length === 80 && first.statuses.length > 0)
      for (const other of rest) assert.deepEqual(other, first)
    }
  })

  test('a case broken in one place gives the same error in every form, in a report and thrown', () => {
    const next = random(21)
    let errors = 0
    for (let round = 0; round < 4; round++) {
      for (const [d, defect] of DEFECTS.entries()) {
        const good = randomCase(next, 2 * d)
        const bad = randomCase(next, 2 * d + 1)
        defect(bad)
        const forms = FORMS.map((form) => [good, bad].map((c) => written(c, form)))
        const reports = forms.map(report)
        for (const r of reports.slice(1)) assert.deepEqual(r, reports[0], `defect ${d}`)
        assert.equal(reports[0].cases.length + reports[0].errors.length, 2, `defect ${d}`)
        errors += reports[0].errors.length
        const thrown = forms.map((cases) => {
          try {
            rules.monitor(cases, NOW, null, { onError: 'raise' })
            return null
          } catch (err) {
            return { code: err.code, message: err.message, path: err.path }
          }
        })
        for (const t of thrown.slice(1)) assert.deepEqual(t, thrown[0], `defect ${d}`)
        const entry = reports[0].errors[0]
        if (entry) assert.deepEqual([thrown[0].code, thrown[0].message], [entry.code, entry.message])
      }
    }
    assert.ok(errors >= 3 * DEFECTS.length, `${errors} of the broken cases were refused`)
  })

  test('what a getter returns is what is read, once valid and once not', () => {
    let reads = 0
    const c = {
      id: 'G-1',
      entitlement: 'acme-gold',
      created_at: '2026-11-25T15:00:00Z',
      get fields() {
        reads++
        return { severity: 'Sev1' }
      },
    }
    const plain = { id: 'G-1', entitlement: 'acme-gold', created_at: '2026-11-25T15:00:00Z', fields: { severity: 'Sev1' } }
    assert.deepEqual(report([c]), report([plain]))
    assert.equal(reads, 1, 'a valid case is read once')
    const broken = {
      id: 'G-2',
      created_at: '2026-11-25T15:00:00Z',
      get events() {
        return [{ at: '2026-11-25T14:00:00Z', type: 'agent_reply' }]
      },
    }
    const r = report([broken])
    assert.equal(r.errors[0].code, 'invalid_value')
    assert.match(r.errors[0].message, /^case "G-2": events\[0\]\.at: the event .* precedes the case's created_at/)
  })

  test('a getter that throws throws out of the call', () => {
    const boom = new Error('boom')
    const c = {
      id: 'T-1',
      created_at: '2026-11-25T15:00:00Z',
      get events() {
        throw boom
      },
    }
    assert.throws(() => rules.monitor([c], NOW), (e) => e === boom)
    assert.throws(() => rules.evaluate(c, NOW), (e) => e === boom)
  })
})
