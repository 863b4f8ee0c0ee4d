'use strict'
// The contract between the core's description of every result (`resultSchema()`, from
// `entitlement_core::host::result_schema`) and what Node gives: for every result type, the fields
// a real result serialises (`toJSON()`, or the plain object's keys) are exactly the schema's
// properties in camelCase and exactly the properties `index.d.ts` declares; each class has a
// getter per field. Adding a field in the core (one edit and its doc line) keeps this true; a
// field written by hand anywhere would break it.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')

const addon = require('..')

const REPO = path.join(__dirname, '..', '..')
const camel = (k) => k.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase())
const sorted = (keys) => [...keys].sort()

/** The properties an interface of index.d.ts declares (aliases and methods left out). */
function declared(name) {
  const text = fs.readFileSync(path.join(__dirname, '..', 'index.d.ts'), 'utf8')
  const start = text.indexOf(`export interface ${name} {`)
  assert.ok(start >= 0, `index.d.ts declares no interface ${name}`)
  const body = text.slice(start, text.indexOf('\n}', start))
  return [...body.matchAll(/^ {2}(?:readonly )?([A-Za-z_]\w*): /gm)].map((m) => m[1]).filter((k) => !k.includes('_'))
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
    const fields = sorted(Object.keys(schema.$defs[type].properties).map(camel))
    const written = sorted(Object.keys(typeof sample.toJSON === 'function' ? sample.toJSON() : sample))
    assert.deepEqual(written, fields, `${type}: what a result serialises vs the schema`)
    assert.deepEqual(sorted(declared(type)), fields, `${type}: index.d.ts vs the schema`)
    if (typeof addon[type] === 'function') {
      assert.ok(sample instanceof addon[type])
      assert.deepEqual(sorted(declared(`${type}JSON`)), fields, `${type}JSON: index.d.ts vs the schema`)
      for (const field of fields) {
        const d = Object.getOwnPropertyDescriptor(addon[type].prototype, field)
        assert.ok(d && typeof d.get === 'function', `${type}.${field} is a getter`)
        // The getter and toJSON() agree (a Date is written as its ISO string).
        const value = sample[field]
        const plain = JSON.parse(JSON.stringify({ v: value })).v
        assert.deepEqual(plain, JSON.parse(JSON.stringify(sample.toJSON()[field] ?? null)), `${type}.${field}`)
      }
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
