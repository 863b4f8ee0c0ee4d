'use strict'
// `salesforce.exportRules`, `zendesk.exportRules` and `review.exportRules` through the built
// addon: an export of the importers' fixtures imports back to the same document, and what a
// vendor cannot express throws `unsupported` naming every path.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')

const { Ruleset, review, salesforce, zendesk } = require('..')

const DATA = path.join(__dirname, '..', '..', 'examples', 'data', 'import')
const load = (vendor, name) => JSON.parse(fs.readFileSync(path.join(DATA, vendor, name), 'utf8'))

test('a Zendesk export of the fixtures imports back unchanged', () => {
  const first = zendesk
    .schedules(load('zendesk', 'schedules.json'), load('zendesk', 'holidays.json'))
    .merge(zendesk.slaPolicies(load('zendesk', 'sla_policies.json'), { schedule: 'Support NY' }))
  const files = zendesk.exportRules(first.ruleset())
  const schedules = new Map()
  const policies = []
  for (const p of Object.keys(files).sort()) {
    const parts = p.split('/')
    if (parts[0] === 'schedules') {
      const s = schedules.get(parts[1]) ?? {}
      schedules.set(parts[1], s)
      const body = JSON.parse(files[p])
      if (parts[2] === 'schedule.json') Object.assign(s, body.schedule)
      else if (parts[2] === 'workweek.json') s.intervals = body.workweek.intervals
      else (s.holidays ??= []).push(body.holiday)
    } else if (parts[0] === 'sla_policies') {
      policies.push(JSON.parse(files[p]).sla_policy)
    }
  }
  const again = zendesk
    .schedules({ schedules: [...schedules.values()] })
    .merge(zendesk.slaPolicies({ sla_policies: policies }, { schedule: 'Support NY' }))
  assert.deepEqual(again.document.calendars, first.document.calendars)
  assert.deepEqual(again.document.processes, first.document.processes)
})

test('a Salesforce export writes the project files', () => {
  const hours = salesforce.businessHours(load('salesforce', 'business_hours.json'), {
    'Support NY': load('salesforce', 'holidays.json'),
  })
  const first = hours.merge(salesforce.entitlementProcesses(path.join(DATA, 'salesforce', 'metadata')))
  const files = salesforce.exportRules(first.ruleset())
  assert.ok(files['manifest/package.xml'].includes('<name>EntitlementProcess</name>'))
  const again = salesforce.businessHours(
    JSON.parse(files['data/business_hours.json']),
    JSON.parse(files['data/holidays.json']),
  )
  assert.deepEqual(again.document.calendars, hours.document.calendars)
})

test('what a vendor cannot express throws unsupported naming every path', () => {
  const rules = Ruleset.fromObject({
    calendars: {
      ny: { time_zone: 'America/New_York', hours: { mon: ['09:00-17:00'] },
        holidays: [{ name: 'Christmas', yearly: '12-25' }] },
      both: { union: ['ny'] },
    },
  })
  assert.throws(() => zendesk.exportRules(rules), (e) => {
    assert.equal(e.code, 'unsupported')
    assert.match(e.message, /^calendars\.both/)
    assert.match(e.message, /calendars\.ny\.holidays\[0\]/)
    return true
  })
  assert.throws(() => salesforce.exportRules(rules), { code: 'unsupported' })
  assert.throws(() => zendesk.exportRules(rules, { expandHolidays: [2027] }), { code: 'invalid_value' })
  const single = Ruleset.fromObject({ calendars: { ny: rules.toObject().calendars.ny } })
  const files = zendesk.exportRules(single, { expandHolidays: [2027, 2028] })
  const dates = Object.keys(files).filter((k) => k.includes('/holidays/'))
    .map((k) => JSON.parse(files[k]).holiday.start_date).sort()
  assert.deepEqual(dates, ['2027-12-25', '2028-12-25'])
})

test('the review page', () => {
  const rules = Ruleset.fromObject({ calendars: { '24x7': { always_open: true } } })
  const page = review.exportRules(rules)
  assert.deepEqual(Object.keys(page), ['review.md'])
  assert.match(page['review.md'], /^# Review of the SLA rules/)
})
