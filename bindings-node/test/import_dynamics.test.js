'use strict'
// `dynamics` through the built addon, against the fixtures written from the Dataverse Web API's
// documented shapes (examples/data/import/dynamics/, deadlines by hand in its README): every
// failuretime and warningtime Dynamics recorded is the engine's.

const { describe, test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')

const { dynamics } = require('..')

const DATA = path.join(__dirname, '..', '..', 'examples', 'data', 'import', 'dynamics')
const load = (name) => JSON.parse(fs.readFileSync(path.join(DATA, name), 'utf8'))
const TABLE = load('unsupported.json')

function rules () {
  const hours = dynamics.calendars(load('calendars.json'))
  const slas = dynamics.slas(load('slas.json'), load('slaitems.json'), load('slakpis.json'), { pauseStatuses: [2, 3] })
  const terms = dynamics.entitlements(load('entitlements.json'), load('entitlementchannels.json'))
  return hours.merge(slas).merge(terms).ruleset()
}

const importedCases = () => dynamics.cases(load('incidents.json'), { audits: load('audits.json') }).document.cases

describe('dynamics', () => {
  test('calendars by hand', () => {
    const imp = dynamics.calendars(load('calendars.json'))
    const london = imp.document.calendars['London Support']
    assert.equal(london.time_zone, 'Europe/London')
    assert.deepEqual(london.hours.fri, ['09:00-12:00', '13:00-17:00'])
    const cal = imp.calendar('London Support')
    assert.equal(cal.isOpen(new Date('2026-03-06T11:00:00Z')), true)
    assert.equal(cal.isOpen(new Date('2026-03-06T12:30:00Z')), false)
  })

  test('the recorded KPI instances are the engine deadlines', () => {
    const r = rules()
    const kpiName = Object.fromEntries(load('slakpis.json').value.map((k) => [k.msdyn_slakpiid, k.msdyn_name]))
    const kpiOf = Object.fromEntries(load('slaitems.json').value.map((i) => [i.name, kpiName[i._msdyn_slakpiid_value]]))
    const cases = Object.fromEntries(importedCases().map((c) => [c.id, c]))
    const now = new Date('2026-12-02T00:00:00Z')
    let checked = 0
    for (const inst of load('slakpiinstances.json').value) {
      const statuses = r.evaluate(cases[inst._regarding_value], now)
      const started = statuses.filter((s) => s.startedAt !== null && kpiOf[s.milestone] === inst.name)
      assert.equal(started.length, 1, JSON.stringify(inst))
      const s = started[0]
      assert.deepEqual(s.targetAt, new Date(inst.failuretime), JSON.stringify(inst))
      const warning = s.triggers.find((t) => t.level === 'warning')
      assert.deepEqual(warning.at, new Date(inst.warningtime), JSON.stringify(inst))
      if (inst.succeededon !== null) assert.deepEqual(s.completedAt, new Date(inst.succeededon))
      checked++
    }
    assert.equal(checked, 8)
  })

  test('entitlements and cases', () => {
    const imp = dynamics.entitlements(load('entitlements.json'), load('entitlementchannels.json'))
    assert.equal(imp.document.entitlements[0].cases_per_entitlement, 50)
    assert.deepEqual(imp.warnings.map((w) => w.field), ['remainingterms', 'decreaseremainingon', 'remainingterms'])
    assert.deepEqual(importedCases()[0].events.map((e) => e.type), ['agent_reply', 'status', 'status', 'field', 'solved', 'status'])
  })

  test('the time zone table', () => {
    const table = dynamics.timeZoneCodes()
    assert.equal(table.length, 75)
    assert.equal(new Set(table.map(([code]) => code)).size, 75)
    for (const [code, , iana] of table) {
      assert.equal(dynamics.timeZone(code), iana)
      // A zone the platform's Intl knows too.
      assert.doesNotThrow(() => new Intl.DateTimeFormat('en', { timeZone: iana }))
    }
    assert.throws(() => dynamics.timeZone(92), { code: 'unsupported' })
    assert.throws(() => dynamics.timeZone(1.5), { code: 'invalid_type' })
  })

  const call = (c) => {
    const a = c.args
    switch (c.call) {
      case 'calendars': return dynamics.calendars(a.calendars, a.options)
      case 'slas': return dynamics.slas(a.slas, a.sla_items, a.kpis, a.options)
      case 'entitlements': return dynamics.entitlements(a.entitlements, a.channels, a.options)
      case 'cases': return dynamics.cases(a.incidents, a.options)
      default: throw new Error(c.call)
    }
  }
  for (const c of TABLE.cases) {
    test(`refuses ${c.case}`, () => {
      assert.throws(() => call(c), (err) => {
        assert.equal(err.code, 'unsupported', err.message)
        assert.ok(err.message.startsWith(`${c.where}:`), err.message)
        return true
      })
    })
  }
  test('options in camelCase, as the core names them too, and never both at once', () => {
    const args = [load('slas.json'), load('slaitems.json'), load('slakpis.json')]
    const camel = dynamics.slas(...args, { pauseStatuses: [2, 3] })
    const snake = dynamics.slas(...args, { pause_statuses: [2, 3] })
    assert.deepEqual(camel.document, snake.document)
    assert.notDeepEqual(dynamics.slas(...args).document, camel.document)
    assert.throws(() => dynamics.slas(...args, { pauseStatuses: [2], pause_statuses: [3] }),
      (e) => e.code === 'invalid_value' && /options\.pauseStatuses/.test(e.message))
    const desk = [{ calendarid: 'c1', name: 'Desk', type: 1, calendar_calendar_rules: [
      { pattern: 'FREQ=WEEKLY;INTERVAL=1;BYDAY=MO', timezonecode: 92, _innercalendarid_value: 'i1' }] },
    { calendarid: 'i1', type: -1, calendar_calendar_rules: [{ timecode: 0, offset: 540, duration: 480 }] }]
    const imp = dynamics.calendars(desk, { timeZones: { 92: 'Etc/UTC' } })
    assert.equal(imp.document.calendars.Desk.time_zone, 'Etc/UTC')
  })
})
