'use strict'
// Cases read straight into the core's Case (src/case.rs through the core's host::case reader,
// which falls back to the JSON walk for anything that is not plainly valid): over seeded random
// cases, valid and broken in one place each, the same cases written with Date instants, with
// ISO strings, with epoch milliseconds and as JSON text parsed back give the same report, and
// a broken case the same error (code, path, message) in every form; a case that only a getter
// makes valid or invalid is read as the getter says. A list of cases is read in bulk where
// its cases are plain data (src/case_tape.rs) and case by case otherwise: the two give the same
// cases and the same errors, whatever a list mixes.

const { describe, test } = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')

const { Ruleset } = require('..')
const { random } = require('./random')

const REPO = path.join(__dirname, '..', '..')
const rules = Ruleset.load(path.join(REPO, 'examples', 'data', 'rules.yaml'))
const NOW = new Date('2026-11-25T20:30:00Z')
const MINUTE = 60e3

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

/** The case as an instance of a class (same own properties, getters kept): never plain data, so
 * read by the exact reader, one case at a time. */
class Exact {}
function exact(c) {
  if (c === null || typeof c !== 'object' || Array.isArray(c) || c instanceof Date) return c
  return Object.setPrototypeOf(Object.defineProperties({}, Object.getOwnPropertyDescriptors(c)), Exact.prototype)
}

/** What monitor gives (a report, or what it throws) for the cases, with onError `onError`. */
function outcome(cases, onError) {
  try {
    return { report: rules.monitor(cases, NOW, null, { onError }).toJSON() }
  } catch (err) {
    return { thrown: { name: err.name, code: err.code, message: err.message, path: err.path } }
  }
}

/** The bulk read and the exact reader give the same report, and throw the same error. */
function sameAsExact(cases, what) {
  for (const onError of ['collect', 'raise']) {
    assert.deepEqual(outcome(cases, onError), outcome(cases.map(exact), onError), `${what} (${onError})`)
  }
}

describe('lists of cases read in bulk', () => {
  test('long lists of valid and broken cases: the same reports and errors as case by case', () => {
    for (const seed of [31, 32]) {
      const next = random(seed)
      // More than two chunks of 1,024 cases, broken ones here and there, in every form.
      const cases = Array.from({ length: 2600 }, (_, i) => randomCase(next, i))
      for (const [k, at] of [5, 1023, 1024, 1500, 2599].entries()) DEFECTS[(seed + 7 * k) % DEFECTS.length](cases[at])
      for (const form of FORMS) {
        const list = cases.map((c) => written(c, form))
        sameAsExact(list, `seed ${seed}, ${form}`)
        const r = outcome(list, 'collect').report
        assert.ok(r.errors.length >= 3 && r.cases.length >= 2590, `seed ${seed}, ${form}`)
      }
      const valid = cases.filter((_, i) => ![5, 1023, 1024, 1500, 2599].includes(i))
      assert.equal(outcome(valid, 'raise').report.errors.length, 0)
      sameAsExact(valid, `seed ${seed}, valid`)
    }
  })

  test('one broken case among valid ones: the error names that case, as case by case', () => {
    const next = random(41)
    for (const [d, defect] of DEFECTS.entries()) {
      const cases = Array.from({ length: 40 }, (_, i) => randomCase(next, i))
      defect(cases[17])
      sameAsExact(cases, `defect ${d}`)
      const thrown = outcome(cases, 'raise').thrown
      if (thrown) assert.match(thrown.message, /case "(C-17[^"]*|#17|)"|cases\[17\]/, `defect ${d}`)
    }
  })

  test('unusual values and objects read as case by case, wherever they sit in a list', () => {
    const iso = (m) => new Date(Date.parse('2026-11-25T15:00:00Z') + m * MINUTE).toISOString()
    const base = (i) => ({ id: `U-${i}`, entitlement: 'acme-gold', created_at: iso(0), fields: { severity: 'Sev1' }, events: [{ at: iso(5), type: 'agent_reply' }] })
    const sym = Symbol('extra')
    class Thing {
      constructor() {
        this.severity = 'Sev2'
      }
    }
    class Moment extends Date {}
    const VARIANTS = {
      'a getter': (c) => Object.defineProperty(c, 'fields', { enumerable: true, get: () => ({ severity: 'Sev2' }) }),
      'a null prototype': (c) => Object.assign(Object.create(null), c),
      'fields with a null prototype': (c) => ({ ...c, fields: Object.assign(Object.create(null), { severity: 'Sev2' }) }),
      'an extra symbol key': (c) => ({ ...c, [sym]: 1, fields: { severity: 'Sev1', [sym]: 2 } }),
      'a non-enumerable extra key': (c) => Object.defineProperty(c, 'extra', { value: 1, enumerable: false }),
      'a lone surrogate in the id': (c) => ({ ...c, id: 'U-\uD800' }),
      'a lone surrogate in a field': (c) => ({ ...c, fields: { severity: 'Sev\uDC00' } }),
      'a lone surrogate in a key': (c) => ({ ...c, fields: { ['sev\uD800']: 'Sev1' } }),
      'a lone surrogate in an event type': (c) => ({ ...c, events: [{ at: iso(5), type: 'x\uD800' }] }),
      'a paired surrogate': (c) => ({ ...c, id: 'U-😀', fields: { ['😀']: '日本' } }),
      'NaN in a field': (c) => ({ ...c, fields: { severity: NaN } }),
      'Infinity in a field': (c) => ({ ...c, fields: { severity: -Infinity } }),
      '-0 in a field and as the id': (c) => ({ ...c, id: -0, fields: { severity: -0 } }),
      'huge integers': (c) => ({ ...c, id: 2 ** 53 + 2, fields: { a: 2 ** 53, b: 1e21, c: 12345678901234567890, d: -(2 ** 60), e: 5e-324 } }),
      'a fraction as the id': (c) => ({ ...c, id: 1.5 }),
      'a BigInt in a field': (c) => ({ ...c, fields: { severity: 10n } }),
      'a Date in a field': (c) => ({ ...c, fields: { severity: new Date(0) } }),
      'a Date as created_at': (c) => ({ ...c, created_at: new Date(iso(0)) }),
      'epoch ms with a fraction': (c) => ({ ...c, created_at: Date.parse(iso(0)) + 0.5, events: [{ at: Date.parse(iso(5)) + 0.0015, type: 'solved' }] }),
      'an invalid Date': (c) => ({ ...c, created_at: new Date(NaN) }),
      'a Date out of range': (c) => ({ ...c, created_at: new Date(8.64e15) }),
      'ms out of range': (c) => ({ ...c, created_at: -1e17 }),
      'a Date subclass': (c) => ({ ...c, created_at: new Moment(iso(0)) }),
      'a fake Date': (c) => ({ ...c, created_at: Object.create(Date.prototype) }),
      'undefined created_at': (c) => ({ ...c, created_at: undefined }),
      'undefined entitlement': (c) => ({ ...c, entitlement: undefined }),
      'an undefined event': (c) => ({ ...c, events: [undefined] }),
      'a hole in the events': (c) => ({ ...c, events: [, { at: iso(5), type: 'agent_reply' }] }), // eslint-disable-line no-sparse-arrays
      'a Map as fields': (c) => ({ ...c, fields: new Map([['severity', 'Sev1']]) }),
      'a class instance as fields': (c) => ({ ...c, fields: new Thing() }),
      'a typed array as fields': (c) => ({ ...c, fields: new Uint8Array(3) }),
      'a function in a field': (c) => ({ ...c, fields: { severity: () => 1 } }),
      'a symbol in a field': (c) => ({ ...c, fields: { severity: sym } }),
      'a proxy case': (c) => new Proxy(c, {}),
      'a proxy as fields': (c) => ({ ...c, fields: new Proxy({ severity: 'Sev2' }, {}) }),
      'a proxy as events': (c) => ({ ...c, events: new Proxy([{ at: iso(5), type: 'agent_reply' }], {}) }),
      'events with extra array properties': (c) => ({ ...c, events: Object.assign([{ at: iso(5), type: 'agent_reply' }], { extra: 1 }) }),
      'meta nested 40 deep': (c) => ({ ...c, meta: JSON.parse('['.repeat(40) + ']'.repeat(40)) }),
      'meta nested 200 deep': (c) => ({ ...c, meta: JSON.parse('{"a":'.repeat(200) + '1' + '}'.repeat(200)) }),
      'a long string': (c) => ({ ...c, fields: { note: 'x'.repeat(3_000_000) } }),
      'many events': (c) => ({ ...c, events: Array.from({ length: 5000 }, (_, k) => ({ at: iso(5 + k), type: 'agent_reply' })) }),
      'a case that is an array': () => [],
      'a case that is a string': () => 'C-1',
      'a case that is null': () => null,
      'a case that is a Date': () => new Date(0),
    }
    for (const [name, variant] of Object.entries(VARIANTS)) {
      for (const at of [0, 3, 6]) {
        const cases = Array.from({ length: 7 }, (_, i) => base(i))
        cases[at] = variant(cases[at])
        sameAsExact(cases, `${name} at ${at}`)
      }
    }
  })

  test('a getter runs once for a valid case in a list, and a getter that throws throws', () => {
    let reads = 0
    const cases = Array.from({ length: 30 }, (_, i) => ({ id: `R-${i}`, entitlement: 'acme-gold', created_at: '2026-11-25T15:00:00Z' }))
    Object.defineProperty(cases[12], 'fields', {
      enumerable: true,
      get() {
        reads++
        return { severity: 'Sev1' }
      },
    })
    rules.monitor(cases, NOW, null)
    assert.equal(reads, 1)
    const boom = new Error('boom')
    Object.defineProperty(cases[20], 'events', {
      enumerable: true,
      get() {
        throw boom
      },
    })
    assert.throws(() => rules.monitor(cases, NOW, null), (e) => e === boom)
    assert.throws(() => rules.monitor(cases, NOW, null, { onError: 'collect' }), (e) => e === boom)
  })
})
