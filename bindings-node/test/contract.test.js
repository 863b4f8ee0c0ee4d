'use strict'
// The contract between the core's description of every result (`resultSchema()`, from
// `entitlement_core::host::result_schema`) and what Node gives: for every result type, the
// getters (or the plain object's keys) are exactly the schema's properties in camelCase and
// exactly the properties `index.d.ts` declares; a class's `toJSON()` writes exactly the schema's
// properties as they are (snake_case: the wire format of docs/wire-format.md) and `<Name>JSON`
// declares those. Adding a field in the core (one edit and its doc line) keeps this true; a
// field written by hand anywhere would break it.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')

const addon = require('..')

const REPO = path.join(__dirname, '..', '..')
const camel = (k) => k.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase())
const sorted = (keys) => [...keys].sort()

/** The properties an interface of index.d.ts declares (methods left out; snake_case aliases
 * too, unless `wire`: the wire form's keys are snake_case). */
function declared(name, wire = false) {
  const text = fs.readFileSync(path.join(__dirname, '..', 'index.d.ts'), 'utf8')
  const start = text.indexOf(`export interface ${name} {`)
  assert.ok(start >= 0, `index.d.ts declares no interface ${name}`)
  const body = text.slice(start, text.indexOf('\n}', start))
  const keys = [...body.matchAll(/^ {2}(?:readonly )?([A-Za-z_]\w*): /gm)].map((m) => m[1])
  return wire ? keys : keys.filter((k) => !k.includes('_'))
}

/** The getter's value and the wire value of one field agree: instants (a `Date`, RFC 3339
 * text), durations (milliseconds, seconds), scalars, a result class by its toJSON(); lists by
 * length, objects by their keys. */
function agree(native, wire, kind, what) {
  if (native === null || native === undefined) return assert.equal(wire, null, what)
  if (kind === 'instant') return assert.equal(Date.parse(wire), native.getTime(), what)
  if (kind === 'duration') return assert.ok(Math.abs(wire * 1000 - native) < 1e-6, what)
  if (typeof native.toJSON === 'function') return assert.deepEqual(native.toJSON(), wire, what)
  if (Array.isArray(native)) return assert.equal(wire.length, native.length, what)
  if (typeof native === 'object') return assert.equal(Object.keys(wire).length, Object.keys(native).length, what)
  assert.equal(wire, native, what)
}

/** A real result of every type, from the example rules and cases. */
function samples() {
  const rules = addon.Ruleset.load(path.join(REPO, 'examples', 'data', 'rules.yaml'))
  const data = JSON.parse(fs.readFileSync(path.join(REPO, 'examples', 'data', 'cases.json'), 'utf8'))
  const now = new Date(data.now)
  const report = rules.monitor(data.cases, now)
  const status = report.cases.flatMap((c) => c.milestones).find((s) => s.triggers.length > 0)
  return {
    MilestoneStatus: status,
    CaseEvaluation: rules.evaluateCase(data.cases[0], now),
    EntitlementUsage: rules.entitlementUsage(data.cases[0].entitlement, data.cases, now),
    BreachRisk: rules.breachRisk(data.cases, now)[0],
    MonitorEvent: report.events[0],
    Alert: report.alerts[0],
    AccountRollup: report.accounts[0],
    MonitorReport: report,
    WhatIf: rules.whatIf(rules, data.cases, now),
    TriggerStatus: status.triggers[0],
    CaseError: rules.monitor([...data.cases, { id: 'new', entitlement: 'not-in-the-rules', created_at: data.now }], now).errors[0],
    CheckWarning: rules.check({ now })[0],
    MilestoneOutcome: report.outcomes()[0],
    AccountPeriod: report.accountPeriods()[0],
    RulesDiff: rules.diff(rules, { cases: data.cases, now }),
  }
}

test('every result type: serialised fields = schema properties = index.d.ts properties', () => {
  const schema = addon.resultSchema()
  const types = schema['x-result-types']
  assert.ok(types.length >= 10)
  const all = samples()
  for (const type of types) {
    const sample = all[type]
    assert.ok(sample, `no sample of ${type}: Node exposes every result type`)
    const properties = schema.$defs[type].properties
    const wire = sorted(Object.keys(properties))
    const fields = sorted(wire.map(camel))
    assert.deepEqual(sorted(declared(type)), fields, `${type}: index.d.ts vs the schema`)
    if (typeof addon[type] === 'function') {
      assert.ok(sample instanceof addon[type])
      const json = sample.toJSON()
      assert.deepEqual(sorted(Object.keys(json)), wire, `${type}: what toJSON() writes vs the schema`)
      assert.deepEqual(JSON.parse(JSON.stringify(sample)), JSON.parse(JSON.stringify(json)), `${type}: JSON.stringify uses toJSON()`)
      assert.deepEqual(sorted(declared(`${type}JSON`, true)), wire, `${type}JSON: index.d.ts vs the schema`)
      for (const key of wire) {
        const field = camel(key)
        const d = Object.getOwnPropertyDescriptor(addon[type].prototype, field)
        assert.ok(d && typeof d.get === 'function', `${type}.${field} is a getter`)
        agree(sample[field], json[key], properties[key]['x-entitlement'], `${type}.${field}`)
      }
    } else {
      assert.deepEqual(sorted(Object.keys(sample)), fields, `${type}: the plain object's keys vs the schema`)
    }
  }
})

test('a getter of one class is refused on an object of another', () => {
  const { report } = (() => {
    const rules = addon.Ruleset.load(path.join(REPO, 'examples', 'data', 'rules.yaml'))
    const data = JSON.parse(fs.readFileSync(path.join(REPO, 'examples', 'data', 'cases.json'), 'utf8'))
    return { report: rules.monitor(data.cases, new Date(data.now)) }
  })()
  const getter = Object.getOwnPropertyDescriptor(addon.MilestoneStatus.prototype, 'targetAt').get
  assert.throws(() => getter.call(report.alerts[0]), (e) => e instanceof Error && Array.isArray(e.path))
  assert.throws(() => getter.call({}), (e) => e instanceof Error)
  assert.throws(() => addon.Alert.prototype.toJSON.call(Object.create(addon.Alert.prototype)), Error)
})

test("version: the package's version, as package.json and the Cargo workspace say", () => {
  assert.equal(typeof addon.version, 'string')
  assert.equal(addon.version, require('../package.json').version)
  const cargo = fs.readFileSync(path.join(REPO, 'Cargo.toml'), 'utf8')
  assert.equal(addon.version, /^version = "([^"]+)"$/m.exec(cargo)[1])
})
