'use strict'
// `milestone_completed` events through the built addon: a met and a late completion with the
// milestone's `on_complete` actions, the window's bounds, reopened and recurring instances, no
// suppression, exactly once across consecutive windows (entitlement-core/tests/completed.rs),
// and Salesforce `successActions` imported as `on_complete`.

const { describe, test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')

const { Ruleset, salesforce } = require('..')

const MINUTE = 60e3
const T0 = Date.parse('2026-11-24T10:00:00Z')
const at = (m) => new Date(T0 + m * MINUTE)

const ACTIONS = {
  resolve_page: { label: 'Resolve the page' },
  log_reply: { label: 'Log the reply' },
  thank_customer: { label: 'Thank the customer' },
}

const doc = (monitor = {}) => ({
  processes: [
    {
      id: 'p',
      pause_statuses: ['Waiting'],
      milestones: [
        {
          name: 'First Response',
          kind: 'first_response',
          target: '1h',
          triggers: [{ at: '50%', level: 'warning' }],
          on_complete: ['resolve_page'],
        },
        {
          name: 'Next Response',
          kind: 'next_response',
          recurrence: 'independent',
          target: '40m',
          on_complete: ['resolve_page', 'log_reply'],
        },
        { name: 'Resolution', kind: 'resolution', target: '4h', on_complete: ['thank_customer'] },
        { name: 'Diagnosis', kind: 'custom', starts_on: ['created'], completes_on: ['diagnosed'], target: '2h' },
      ],
    },
  ],
  entitlements: [{ id: 'e', process: 'p', account: { id: 'A-1', name: 'Acme' } }],
  // The actions named on completion are catalogued (else a load error).
  monitor: { actions: ACTIONS, ...monitor },
})
const rules = Ruleset.fromObject(doc())

const makeCase = (events, id = 'C-1') => ({
  id,
  entitlement: 'e',
  created_at: at(0),
  events: events.map(([m, type, extra]) => ({ at: at(m), type, ...extra })),
})
const completions = (report) =>
  report.events
    .filter((e) => e.kind === 'milestone_completed')
    .map((e) => [e.key, e.point, e.at.toISOString()])
    .sort()

describe('milestone_completed', () => {
  test('a met and a late completion carry the on_complete actions', () => {
    const r = rules.monitor([makeCase([[40, 'agent_reply'], [300, 'solved']])], at(360))
    const done = r.events.filter((e) => e.kind === 'milestone_completed')
    assert.deepEqual(
      done.map((e) => [e.key, e.point, e.actions]),
      [
        ['C-1/First Response/1/completed', 'met', ['resolve_page']],
        ['C-1/Resolution/1/completed', 'late', ['thank_customer']],
      ],
    )
    assert.equal(done[0].at.getTime(), at(40).getTime())
    assert.equal(done[0].level, 'info')
    assert.equal(done[0].suppressed, false)
    assert.equal(done[0].status.state, 'completed')
    const met = r.alerts.find((a) => a.key === done[0].key)
    assert.equal(met.kind, 'milestone_completed')
    assert.match(met.title, /was met/)
    assert.match(met.summary, /20m before its deadline/)
    assert.deepEqual(met.actions, ['resolve_page'])
    assert.equal(met.businessLeft, null)
    const late = r.alerts.find((a) => a.key === done[1].key)
    assert.match(late.title, /completed late/)
    assert.match(late.summary, /1h after its deadline/)
  })

  test('a completion without actions is an event but no alert', () => {
    const r = rules.monitor([makeCase([[30, 'diagnosed']])], at(45))
    assert.ok(completions(r).some(([k]) => k === 'C-1/Diagnosis/1/completed'))
    assert.ok(r.alerts.every((a) => a.key !== 'C-1/Diagnosis/1/completed'))
  })

  test('the window holds a completion at now but not at since', () => {
    const c = [makeCase([[40, 'agent_reply']])]
    const has = (since, now) =>
      completions(rules.monitor(c, at(now), at(since))).some(([k]) => k === 'C-1/First Response/1/completed')
    assert.equal(has(39, 40), true)
    assert.equal(has(40, 50), false)
    assert.equal(has(0, 39), false)
  })

  test('reopened and recurring instances complete once each', () => {
    const r = rules.monitor(
      [
        makeCase([
          [5, 'agent_reply'],
          [60, 'customer_reply'],
          [60, 'solved'],
          [70, 'agent_reply'],
          [120, 'reopened'],
          [120, 'customer_reply'],
          [210, 'agent_reply'],
          [450, 'closed'],
        ]),
      ],
      at(480),
    )
    assert.deepEqual(
      completions(r).map(([k, p]) => [k, p]),
      [
        ['C-1/Diagnosis/1/completed', 'late'],
        ['C-1/First Response/1/completed', 'met'],
        ['C-1/Next Response/1/completed', 'met'],
        ['C-1/Next Response/2/completed', 'late'],
        ['C-1/Resolution/1/completed', 'met'],
        ['C-1/Resolution/2/completed', 'late'],
      ],
    )
  })

  test('no suppression rule holds a completion back', () => {
    const strict = Ruleset.fromObject(
      doc({ suppress: { min_level: 'critical', while_paused: true, agent_activity: '30m', activity_events: ['agent_reply'] } }),
    )
    const r = strict.monitor(
      [makeCase([[20, 'status', { to: 'Waiting' }], [30, 'agent_reply'], [35, 'solved']])],
      at(60),
    )
    const done = r.events.filter((e) => e.kind === 'milestone_completed')
    assert.equal(done.length, 2)
    assert.ok(done.every((e) => !e.suppressed && e.suppressedBy === null))
    assert.equal(r.alerts.filter((a) => a.kind === 'milestone_completed').length, 2)
  })

  test('on_complete must be a list', () => {
    const bad = doc()
    bad.processes[0].milestones[0].on_complete = 'resolve_page'
    assert.throws(() => Ruleset.fromObject(bad), (e) => e.code === 'invalid_type' && /on_complete/.test(e.message))
  })

  test('each completion is reported once across windows (random logs and cuts)', () => {
    // A seeded generator: every run checks the same 60 logs, and a failure names its seed.
    let seed = 15
    const rand = (n) => {
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed % n
    }
    const TYPES = ['agent_reply', 'customer_reply', 'solved', 'reopened', 'diagnosed', 'closed']
    for (let run = 0; run < 60; run++) {
      const cases = Array.from({ length: 1 + rand(3) }, (_, i) =>
        makeCase(
          Array.from({ length: rand(10) }, () => [rand(900), TYPES[rand(TYPES.length)]]).sort((a, b) => a[0] - b[0]),
          `K-${i}`,
        ),
      )
      const cuts = [...new Set(Array.from({ length: rand(5) }, () => 1 + rand(999)))].sort((a, b) => a - b)
      const seen = []
      let since = 0
      for (const b of [...cuts, 1000]) {
        const part = completions(rules.monitor(cases, at(b), at(since)))
        for (const [, , t] of part) {
          assert.ok(Date.parse(t) > at(since).getTime() && Date.parse(t) <= at(b).getTime(), `run ${run}`)
        }
        seen.push(...part)
        since = b
      }
      assert.equal(new Set(seen.map(([k]) => k)).size, seen.length, `run ${run}: a key twice`)
      assert.deepEqual(seen.sort(), completions(rules.monitor(cases, at(1000), at(0))), `run ${run}`)
    }
  })
})

describe('successActions', () => {
  test('are imported as on_complete and named by the monitor', () => {
    const DATA = path.join(__dirname, '..', '..', 'examples', 'data', 'import', 'salesforce')
    const load = (name) => JSON.parse(fs.readFileSync(path.join(DATA, name), 'utf8'))
    const processes = salesforce.entitlementProcesses(path.join(DATA, 'metadata'))
    const gold1 = processes.document.processes.find((p) => p.id === 'Gold Support' && p.version === 1)
    assert.deepEqual(gold1.milestones[2].on_complete, ['Thank_Customer'])
    assert.ok(!processes.warnings.some((w) => w.field.endsWith('successActions')))
    const imported = salesforce
      .businessHours(load('business_hours.json'), { 'Support NY': load('holidays.json') })
      .merge(processes)
      .merge(salesforce.entitlements(load('entitlements.json'), { slaProcesses: load('sla_processes.json'), businessHours: load('business_hours.json') }))
      .ruleset()
    const milestones = load('case_milestones.json')
    for (const r of milestones.records) {
      if (r.CaseId === '5005e00000Case02AA' && r.MilestoneType.Name === 'Resolution Time') {
        r.CompletionDate = '2026-11-26T18:00:00.000+0000'
      }
    }
    const cases = salesforce.cases(load('cases.json'), { history: load('case_history.json'), milestones }).document.cases
    const r = imported.monitor(cases, '2026-11-26T18:30:00Z', '2026-11-26T17:00:00Z')
    const done = r.events.filter((e) => e.kind === 'milestone_completed')
    assert.deepEqual(
      done.map((e) => [e.caseId, e.milestone, e.actions]),
      [['5005e00000Case02AA', 'Resolution Time', ['Thank_Customer']]],
    )
  })
})
