'use strict'
// `salesforce`: REST records and Metadata API XML from examples/data/import/salesforce/ through
// the built addon. Expected openings, deadlines and states are worked out by hand (the comments
// say how), and Salesforce's own CaseMilestone TargetDate values are the targets to meet.

const { describe, test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')

const { Import, salesforce } = require('..')

const DATA = path.join(__dirname, '..', '..', 'examples', 'data', 'import', 'salesforce')
const load = (name) => JSON.parse(fs.readFileSync(path.join(DATA, name), 'utf8'))
const TABLE = load('unsupported.json')
const HOUR = 3600e3
const ms = (iso) => Date.parse(iso)

const hours = () => salesforce.businessHours(load('business_hours.json'), { 'Support NY': load('holidays.json') })
const rules = () =>
  hours()
    .merge(salesforce.entitlementProcesses(path.join(DATA, 'metadata')))
    .merge(salesforce.entitlements(load('entitlements.json'), { slaProcesses: load('sla_processes.json'), businessHours: load('business_hours.json') }))
    .ruleset()
const importedCases = () =>
  salesforce.cases(load('cases.json'), { history: load('case_history.json'), milestones: load('case_milestones.json') }).document.cases
const caseOf = (id) => importedCases().find((c) => c.id === id)

describe('business hours and holidays', () => {
  test('records become weekly hours', () => {
    const imp = hours()
    assert.ok(imp instanceof Import)
    const cals = imp.document.calendars
    assert.deepEqual(cals['Premier 24x7'].hours.sat, ['00:00-24:00'])
    assert.deepEqual(cals['Legacy Tokyo'].hours.fri, ['09:00-24:00'])
    assert.ok(imp.warnings.some((w) => w.field === 'IsActive' && w.record.includes('Legacy Tokyo')))
  })

  test('Support NY answers by hand', () => {
    const cal = hours().calendar('Support NY')
    // Thu 2026-12-24 11:00 EST + 2 h: 1 h to noon, Christmas Friday, Monday 28 10:00 EST.
    assert.equal(cal.add('2026-12-24T16:00:00Z', 2 * HOUR).getTime(), ms('2026-12-28T15:00:00Z'))
    // Thanksgiving (the 4th Thursday) inside a deadline: Wed 16:00 EST + 2 h is Fri 10:00 EST.
    assert.equal(cal.add('2026-11-25T21:00:00Z', 2 * HOUR).getTime(), ms('2026-11-27T15:00:00Z'))
    // Every 10 days from Feb 2, 12:00-13:00 closed: 7 business hours on Wed 2026-03-04.
    assert.equal(cal.elapsed('2026-03-04T14:00:00Z', '2026-03-04T22:00:00Z'), 7 * HOUR)
    // Monthly on the 31st; every 3 months the last weekday; every other Friday afternoon.
    assert.equal(cal.isOpen('2026-03-31T14:00:00Z'), false)
    assert.equal(cal.isOpen('2026-06-30T14:00:00Z'), true)
    assert.equal(cal.isOpen('2026-01-30T15:00:00Z'), false)
    assert.equal(cal.isOpen('2026-01-23T21:00:00Z'), false)
    assert.equal(cal.isOpen('2026-01-16T21:00:00Z'), true)
    // Every weekday 16:00-17:00 in July and August.
    assert.equal(cal.isOpen('2026-07-15T20:30:00Z'), false)
    assert.equal(cal.isOpen('2026-09-01T20:30:00Z'), true)
  })

  test('plain holiday records go to every calendar, with a warning', () => {
    const imp = salesforce.businessHours(load('business_hours.json'), load('us_federal_holidays.json'))
    for (const cal of Object.values(imp.document.calendars)) assert.equal(cal.holidays.length, 11)
    assert.ok(imp.warnings.some((w) => w.field === '(association)'))
  })
})

describe('processes, entitlements and cases', () => {
  test('processes from a folder and from files are the same', () => {
    const folder = salesforce.entitlementProcesses(path.join(DATA, 'metadata'))
    const files = {}
    for (const sub of ['entitlementProcesses', 'milestoneTypes']) {
      for (const name of fs.readdirSync(path.join(DATA, 'metadata', sub))) {
        const bytes = fs.readFileSync(path.join(DATA, 'metadata', sub, name))
        files[name] = sub === 'milestoneTypes' ? new Uint8Array(bytes) : bytes.toString('utf8')
      }
    }
    assert.deepEqual(salesforce.entitlementProcesses(files).document, folder.document)
    const v2 = folder.document.processes.find((p) => p.id === 'Gold Support' && p.version === 2)
    assert.equal(v2.default, true)
    assert.deepEqual(v2.exit_statuses, ['Closed', 'Cancelled'])
    assert.deepEqual(v2.milestones[0].completes_on, [salesforce.completedEvent('First Response')])
    assert.equal(salesforce.startedEvent('Next Response'), 'started.Next_Response')
  })

  test('processes from XML text alone, as a string, a Buffer or a list', () => {
    const v2 = fs.readFileSync(path.join(DATA, 'metadata', 'entitlementProcesses', 'gold_support_v2.entitlementProcess-meta.xml'))
    const one = salesforce.entitlementProcesses(v2.toString('utf8'))
    assert.equal(one.document.processes.length, 1)
    assert.equal(one.document.processes[0].version, 2)
    assert.deepEqual(salesforce.entitlementProcesses(v2).document, one.document)
    const mt = fs.readFileSync(path.join(DATA, 'metadata', 'milestoneTypes', 'Status Update.milestoneType-meta.xml'), 'utf8')
    const named = mt.replace('<description>', '<fullName>Status Update</fullName><description>')
    const both = salesforce.entitlementProcesses([v2, named])
    const update = both.document.processes[0].milestones.find((m) => m.name === 'Status Update')
    assert.equal(update.recurrence, 'sequential')
    assert.equal(one.document.processes[0].milestones.find((m) => m.name === 'Status Update').recurrence, undefined)
  })

  test('entitlements pin versions and calendars', () => {
    const opts = { slaProcesses: load('sla_processes.json'), businessHours: load('business_hours.json') }
    const ents = salesforce.entitlements(load('entitlements.json'), opts).document.entitlements
    assert.deepEqual(ents[0].process, { id: 'Gold Support', version: 2 })
    assert.deepEqual(ents[1].process, { id: 'Gold Support', version: 1 })
    assert.equal(ents[2].process, 'no-entitlement-process')
  })

  test('replayed cases meet the TargetDate Salesforce recorded', () => {
    const r = rules()
    const rows = []
    for (const c of load('cases.json').records) for (const row of (c.CaseMilestones || { records: [] }).records) rows.push([c.Id, row])
    for (const row of load('case_milestones.json').records) rows.push([row.CaseId, row])
    let checked = 0
    for (const [id, row] of rows) {
      if (row.TargetDate === null) continue
      const name = row.MilestoneType.Name
      const s = r
        .evaluate(caseOf(id), '2026-12-01T13:00:00Z')
        .filter((s) => s.startedAt !== null && (s.milestone === name || s.milestone.startsWith(`${name} [`)))
      assert.equal(s.length, 1, `${id} ${name}`)
      assert.equal(s[0].targetAt.getTime(), ms(row.TargetDate.replace('+0000', 'Z')), `${id} ${name}`)
      checked++
    }
    assert.equal(checked, 7)
  })

  test('states by hand', () => {
    const r = rules()
    const by = Object.fromEntries(r.evaluate(caseOf('5005e00000Case01AA'), '2026-03-05T12:00:00Z').map((s) => [s.milestone, s]))
    assert.equal(by['First Response'].state, 'completed')
    assert.equal(by['First Response'].elapsed, 40 * 60e3)
    // Stopped 10:00-12:00 EST on Tuesday: 2 business hours paused.
    assert.equal(by['Resolution Time'].paused, 2 * HOUR)
    assert.equal(by['Status Update'].state, 'pending')
    // Case 5: stopped at 11:00 EST after 2 business hours; provisional target Wed 13:00 EST.
    const r5 = r.evaluate(caseOf('5005e00000Case05AA'), '2026-11-30T20:00:00Z').find((s) => s.milestone === 'Resolution Time')
    assert.equal(r5.state, 'paused')
    assert.equal(r5.targetAt.getTime(), ms('2026-12-02T18:00:00Z'))
    assert.equal(r.evaluateCase(caseOf('5005e00000Case04AA'), '2026-12-01T13:00:00Z').covered, false)
  })

  test('the monitor sees the breach of a case that starts at SlaStartDate', () => {
    const report = rules().monitor(importedCases(), '2026-12-01T13:00:00Z', '2026-12-01T12:00:00Z')
    const breach = report.events.filter((e) => e.caseId === '5005e00000Case06AA' && e.level === 'violation')
    assert.deepEqual(breach.map((e) => e.at.getTime()), [ms('2026-12-01T12:30:00Z')])
  })
})

const call = (c) => {
  const a = c.args
  switch (c.call) {
    case 'business_hours':
      return salesforce.businessHours(a.records, a.holidays)
    case 'entitlement_processes':
      return salesforce.entitlementProcesses(a.files)
    case 'entitlements':
      return salesforce.entitlements(a.records, { slaProcesses: a.sla_processes, businessHours: a.business_hours })
    default:
      return salesforce.cases(a.records, { history: a.history, milestones: a.milestones })
  }
}

describe('what the importer refuses names the record and field', () => {
  assert.ok(TABLE.cases.length >= 50)
  for (const c of TABLE.cases) {
    test(c.case, () => {
      assert.throws(() => call(c), (err) => {
        assert.equal(err.code, 'unsupported', err.message)
        assert.ok(err.message.startsWith(`${c.where}:`), err.message)
        return true
      })
    })
  }

  test('wrong JavaScript types', () => {
    assert.throws(() => salesforce.entitlementProcesses(42), (err) => err.code === 'invalid_type')
    assert.throws(() => salesforce.entitlementProcesses({ 'x.entitlementProcess': 42 }), (err) => err.code === 'invalid_type')
    assert.throws(
      () => salesforce.entitlementProcesses({ 'x.entitlementProcess-meta.xml': Buffer.from([0xff, 0xfe]) }),
      (err) => err.code === 'unsupported' && err.message.includes('x.entitlementProcess-meta.xml: encoding'),
    )
    assert.throws(() => salesforce.cases([], { closedStatuses: 'Closed' }), (err) => err.code === 'invalid_type')
    // An unknown option is `unknown_key`, as an unknown key of a document is (it was `invalid_value`).
    assert.throws(() => salesforce.cases([], { histories: [] }), (err) => err.code === 'unknown_key' && err.message.includes('histories'))
  })
})

describe('salesforce hostile and lossy input', () => {
  test('an element with 70,000 attributes is refused promptly (in a child with a time limit)', () => {
    // Before the cap this input took 11 s: the XML parser checks each attribute against the others.
    const child = `
      const { salesforce } = require(${JSON.stringify(path.join(__dirname, '..'))})
      let attributes = ''
      for (let i = 0; i < 70000; i++) attributes += ' a' + i + '="' + i + '"'
      const xml = '<EntitlementProcess xmlns="http://soap.sforce.com/2006/04/metadata"><milestones' + attributes +
        '><milestoneName>First Response</milestoneName><minutesToComplete>60</minutesToComplete></milestones><name>Wide</name></EntitlementProcess>'
      try {
        salesforce.entitlementProcesses({ 'wide.entitlementProcess-meta.xml': xml })
        console.log('imported')
      } catch (e) {
        console.log(JSON.stringify({ code: e.code, message: e.message }))
      }`
    const { spawnSync } = require('node:child_process')
    const run = spawnSync(process.execPath, ['--max-old-space-size=512', '-e', child], { encoding: 'utf8', timeout: 60e3 })
    assert.equal(run.status, 0, `${run.signal} ${run.stderr}`)
    const out = JSON.parse(run.stdout.trim())
    assert.equal(out.code, 'limit_exceeded')
    assert.ok(
      out.message.startsWith('EntitlementProcess wide.entitlementProcess-meta.xml: <EntitlementProcess/milestones>'),
      out.message,
    )
  })

  test('other subqueries of a case are reported, lists where a value belongs refused', () => {
    const record = { Id: '5001', CreatedDate: '2026-11-20T14:00:00.000+0000', Status: 'New' }
    const imp = salesforce.cases([{ ...record, CaseComments: { totalSize: 0, done: true, records: [] } }])
    assert.deepEqual(
      imp.warnings.map((w) => [w.record, w.field]),
      [['Case 5001', 'CaseComments']],
    )
    assert.throws(
      () => salesforce.cases([{ ...record, Products__c: ['A', 'B'] }]),
      (err) => err.code === 'unsupported' && err.message.startsWith('Case 5001: Products__c:'),
    )
  })
})
