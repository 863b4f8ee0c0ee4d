'use strict'
// The breach monitor through the built addon. Every scenario of the core's
// entitlement-core/tests/monitor.rs is here (a 15-minute job sees each event once, each
// suppression rule, a quota crossing fires once across daily windows, rollups, chronic
// over-consumers, alert context and suggested actions, each renderer against the vendor's
// documented shape, what-if), then the law of windows as a property over seeded random case
// sets, the report's own surface (classes, memoised lists, toJSON) and malformed input.
//
// Rules: examples/data/rules.yaml. `umbrella-sev1` runs round the clock: first response 15m
// (warning at 50%, violation at 100%), resolution 2h (warning at 50%, violation at 100%,
// escalation at +1h). `acme-gold` pins gold v1 on the New York desk (Mon–Fri 09–12 and 13–17,
// UTC−5 in November): first response 1h (warning at 50%, critical at −10m), resolution 8h
// (warning at 75%, violation at 100%); its second quota allows 3 Sev1 cases a month.

const { describe, test } = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')

const { Ruleset, MonitorReport, MonitorEvent, Alert, MilestoneStatus, CaseEvaluation } = require('..')

const RULES_PATH = path.join(__dirname, '..', '..', 'examples', 'data', 'rules.yaml')
const SAMPLE = require(path.join(__dirname, '..', '..', 'examples', 'data', 'cases.json'))
const rules = Ruleset.load(RULES_PATH)

const MINUTE = 60e3
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

const at = (iso) => {
  const ms = Date.parse(iso)
  assert.ok(Number.isFinite(ms), `test bug: ${iso} does not parse`)
  return ms
}

const iso = (ms) => new Date(ms).toISOString()

function assertAt(actual, expected, what = '') {
  assert.ok(actual instanceof Date, `${what}: expected a Date, got ${actual}`)
  assert.equal(actual.toISOString(), iso(at(expected)), what)
}

/** What identifies an event across runs (its status snapshot differs by run). */
// The events that raise an alert: not suppressed, and a completion only with on_complete actions.
const alerted = (e) => !e.suppressed && (e.kind !== 'milestone_completed' || e.actions.length > 0)
const ident = (report) => report.events.map((e) => [e.key, e.kind, e.level, e.at.toISOString(), e.suppressedBy])

const byKey = (list, key) => {
  const found = list.find((x) => x.key === key)
  assert.ok(found, `no ${key} in ${JSON.stringify(list.map((x) => x.key))}`)
  return found
}

function thrown(fn) {
  try {
    fn()
  } catch (err) {
    return err
  }
  assert.fail('expected an error, but none was thrown')
}

function assertError(err, code, where) {
  assert.ok(err instanceof Error, `not an Error: ${err}`)
  assert.equal(err.code, code, `code of: ${err.message}`)
  assert.ok(err.message.includes(where), `the message ${JSON.stringify(err.message)} should name ${JSON.stringify(where)}`)
}

// ---------------------------------------------------------------------------------------------
// The scenarios of entitlement-core/tests/monitor.rs

describe('exactly once', () => {
  test('a fifteen-minute job reports each event once, at the instant it happened', () => {
    // umbrella-sev1, created 10:00Z, never answered: first response warning at 10:07:30,
    // violation trigger and breach at 10:15; resolution warning 11:00, violation and breach
    // 12:00, escalation 13:00.
    const cases = [{ id: 'M-1', entitlement: 'umbrella-sev1', created_at: '2026-11-24T10:00:00Z' }]
    const whole = rules.monitor(cases, '2026-11-24T14:00:00Z')
    assert.deepEqual(
      whole.events.map((e) => e.key),
      [
        'M-1/First Response/1/trigger/0/50%',
        'M-1/First Response/1/breach',
        'M-1/First Response/1/trigger/1/100%',
        'M-1/Resolution/1/trigger/0/50%',
        'M-1/Resolution/1/breach',
        'M-1/Resolution/1/trigger/1/100%',
        'M-1/Resolution/1/trigger/2/+1h',
      ],
    )
    assert.deepEqual(
      whole.events.map((e) => e.at.toISOString()),
      ['10:07:30', '10:15:00', '10:15:00', '11:00:00', '12:00:00', '12:00:00', '13:00:00'].map(
        (t) => `2026-11-24T${t}.000Z`,
      ),
    )
    assert.deepEqual(
      whole.events.map((e) => e.level),
      ['warning', 'violation', 'violation', 'warning', 'violation', 'violation', 'escalation'],
    )

    const seen = []
    let since = null
    let now = at('2026-11-24T09:50:00Z')
    while (now < at('2026-11-24T14:00:00Z')) {
      now += 15 * MINUTE
      const r = rules.monitor(cases, new Date(now), since === null ? null : new Date(since))
      for (const e of r.events) {
        assert.ok(e.at.getTime() <= now && (since === null || e.at.getTime() > since), `${e.key} outside its window`)
      }
      seen.push(...ident(r))
      since = now
    }
    assert.deepEqual(seen, ident(whole))
  })
})

describe('suppression', () => {
  const doc = (suppress) =>
    Ruleset.fromObject({
      calendars: { '24x7': { always_open: true } },
      processes: [
        {
          id: 'p',
          calendar: '24x7',
          pause_statuses: ['Waiting'],
          milestones: [
            {
              name: 'FR',
              kind: 'first_response',
              target: { by: 'severity', values: { Sev1: '30m' }, default: '1h' },
              triggers: [{ at: '50%', level: 'warning' }],
            },
            {
              name: 'Res',
              kind: 'resolution',
              target: '4h',
              triggers: [
                { at: '75%', level: 'warning' },
                { at: '100%', level: 'violation' },
              ],
            },
          ],
        },
      ],
      entitlements: [{ id: 'e', process: 'p' }],
      monitor: { suppress },
    })

  test('while_paused: a warning that fires during a pause is reported, suppressed, without an alert', () => {
    // 20 minutes run, then "Waiting" from 10:20; at 10:40 the case becomes Sev1, whose 30m
    // target puts the 50% point (15m) behind the clock: the warning fires at 10:40, paused.
    const paused = [
      {
        id: 'S-1',
        entitlement: 'e',
        created_at: '2026-11-24T10:00:00Z',
        fields: { severity: 'Sev3' },
        events: [
          { at: '2026-11-24T10:20:00Z', type: 'status', to: 'Waiting' },
          { at: '2026-11-24T10:40:00Z', type: 'field', field: 'severity', from: 'Sev3', to: 'Sev1' },
        ],
      },
    ]
    const r = doc({}).monitor(paused, '2026-11-24T10:50:00Z')
    const fr = byKey(r.events, 'S-1/FR/1/trigger/0/50%')
    assertAt(fr.at, '2026-11-24T10:40:00Z', 'fired at the tier change')
    assert.equal(fr.suppressed, true)
    assert.equal(fr.suppressedBy, 'while_paused')
    assert.ok(r.alerts.every((a) => a.key !== fr.key), 'suppressed events raise no alert')
    assert.equal(r.alerts.length, r.events.filter(alerted).length)

    const off = doc({ while_paused: false }).monitor(paused, '2026-11-24T10:50:00Z')
    const again = byKey(off.events, fr.key)
    assert.equal(again.suppressed, false)
    assert.equal(again.suppressedBy, null)
    byKey(off.alerts, fr.key)
  })

  test('agent_activity: no warning within the window after an agent reply; violations stand', () => {
    // The resolution's 75% warning (13:00) comes 10 minutes after a reply at 12:50.
    const active = [
      {
        id: 'S-2',
        entitlement: 'e',
        created_at: '2026-11-24T10:00:00Z',
        events: [
          { at: '2026-11-24T10:05:00Z', type: 'agent_reply' },
          { at: '2026-11-24T12:50:00Z', type: 'agent_reply' },
        ],
      },
    ]
    const r = doc({ agent_activity: '30m' }).monitor(active, '2026-11-24T14:30:00Z')
    const warn = byKey(r.events, 'S-2/Res/1/trigger/0/75%')
    assert.equal(warn.suppressedBy, 'agent_activity')
    const severe = r.events.filter((e) => e.level === 'violation')
    assert.ok(severe.length >= 2, 'the breach and the 100% trigger')
    assert.ok(severe.every((e) => !e.suppressed), 'violations are never held back by activity')

    const short = doc({ agent_activity: '5m' }).monitor(active, '2026-11-24T14:30:00Z')
    assert.equal(byKey(short.events, warn.key).suppressed, false)
  })

  test('min_level per tier: Sev3 cases raise nothing below critical', () => {
    const min = doc({ min_level: { by: 'severity', values: { Sev3: 'critical' } } })
    const sev3 = [{ id: 'S-3', entitlement: 'e', created_at: '2026-11-24T10:00:00Z', fields: { severity: 'Sev3' } }]
    const r = min.monitor(sev3, '2026-11-24T16:00:00Z')
    const rank = ['info', 'warning', 'critical', 'violation', 'escalation']
    for (const e of r.events) {
      const below = rank.indexOf(e.level) < rank.indexOf('critical')
      assert.equal(e.suppressed, below, e.key)
      assert.equal(e.suppressedBy, below ? 'min_level' : null, e.key)
    }
    assert.ok(r.events.some((e) => e.suppressed) && r.events.some((e) => !e.suppressed))
    // Another tier is not affected.
    const sev2 = min.monitor([{ ...sev3[0], fields: { severity: 'Sev2' } }], '2026-11-24T16:00:00Z')
    assert.ok(sev2.events.every((e) => !e.suppressed))
  })
})

describe('case counts', () => {
  test('a quota crossing fires once, across daily windows', () => {
    // acme-gold: 3 Sev1 cases a month (alerts at 80% = 3 cases rounded up, and 100% = 3). The
    // fourth case starts counting only when it is raised to Sev1, on Nov 20 15:00Z.
    const mk = (id, created, sev) => ({ id, entitlement: 'acme-gold', created_at: created, fields: { severity: sev } })
    const cases = [
      mk('Q-1', '2026-11-02T15:00:00Z', 'Sev1'),
      mk('Q-2', '2026-11-09T15:00:00Z', 'Sev1'),
      mk('Q-3', '2026-11-16T15:00:00Z', 'Sev2'),
      {
        ...mk('Q-4', '2026-11-18T15:00:00Z', 'Sev1'),
        events: [{ at: '2026-11-20T15:00:00Z', type: 'field', field: 'severity', from: 'Sev2', to: 'Sev1' }],
      },
    ]
    const quota = (r) =>
      r.events.filter((e) => e.kind === 'quota' && e.key.includes('/quota/1/')).map((e) => [e.key, e.at.toISOString()])
    const whole = rules.monitor(cases, '2026-11-30T00:00:00Z')
    assert.deepEqual(quota(whole), [
      ['acme-gold/quota/1/2026-11-01/0.8', '2026-11-20T15:00:00.000Z'],
      ['acme-gold/quota/1/2026-11-01/1', '2026-11-20T15:00:00.000Z'],
    ])
    const hit = byKey(whole.events, 'acme-gold/quota/1/2026-11-01/1')
    assert.equal(hit.caseId, 'Q-4')
    assert.equal(hit.level, 'critical')
    assert.equal(hit.milestone, null)
    assert.equal(hit.status, null)
    assert.deepEqual(hit.quota, {
      name: null,
      period: 'month',
      periodStart: '2026-11-01',
      maxCases: 3,
      fraction: 1,
      used: 3,
    })
    assert.equal(byKey(whole.events, 'acme-gold/quota/1/2026-11-01/0.8').level, 'warning')
    const alert = byKey(whole.alerts, hit.key)
    assert.ok(alert.actions.includes('raise_usage_at_renewal'))
    assert.equal(alert.deadlineUtc, null)

    // Daily runs see each crossing once.
    const seen = []
    let since = at('2026-11-01T00:00:00Z')
    while (since < at('2026-11-30T00:00:00Z')) {
      const now = since + DAY
      seen.push(...quota(rules.monitor(cases, now, since)))
      since = now
    }
    assert.deepEqual(seen, quota(whole))
  })

  test('the per-incident allowance is counted the same way, as an allowance event', () => {
    // initech-bronze allows 12 cases: the 10th (80%) and the 12th (100%) cross.
    const cases = Array.from({ length: 13 }, (_, i) => ({
      id: `I-${i + 1}`,
      entitlement: 'initech-bronze',
      created_at: iso(at('2026-11-02T15:00:00Z') + i * DAY),
    }))
    const r = rules.monitor(cases, '2026-11-30T00:00:00Z')
    const allowance = r.events.filter((e) => e.kind === 'allowance')
    assert.deepEqual(
      allowance.map((e) => [e.key, e.caseId, e.level]),
      [
        ['initech-bronze/allowance/0.8', 'I-10', 'warning'],
        ['initech-bronze/allowance/1', 'I-12', 'critical'],
      ],
    )
    assert.equal(allowance[1].quota.period, 'term')
    assert.equal(allowance[1].quota.maxCases, 12)
  })
})

describe('account rollups', () => {
  test('attainment, breaches, near misses, at-risk milestones and usage', () => {
    const cases = [
      // On time with 1 of 15 minutes left, under monitor.near_miss (10%): a near miss.
      {
        id: 'A-1',
        entitlement: 'umbrella-sev1',
        created_at: '2026-11-24T10:00:00Z',
        events: [
          { at: '2026-11-24T10:14:00Z', type: 'agent_reply' },
          { at: '2026-11-24T11:00:00Z', type: 'solved' },
        ],
      },
      // Late first response.
      {
        id: 'A-2',
        entitlement: 'umbrella-sev1',
        created_at: '2026-11-24T12:00:00Z',
        events: [
          { at: '2026-11-24T12:20:00Z', type: 'agent_reply' },
          { at: '2026-11-24T13:00:00Z', type: 'solved' },
        ],
      },
      // On time, early.
      {
        id: 'A-3',
        entitlement: 'umbrella-sev1',
        created_at: '2026-11-24T14:00:00Z',
        events: [{ at: '2026-11-24T14:02:00Z', type: 'agent_reply' }],
      },
    ]
    const r = rules.monitor(cases, '2026-11-24T15:30:00Z')
    assert.equal(r.accounts.length, 1)
    const a = r.accounts[0]
    assert.equal(Object.getPrototypeOf(a), Object.prototype, 'a plain object')
    assert.equal(a.accountId, 'A-4')
    assert.equal(a.name, 'Umbrella')
    assert.equal(a.arr, 2500000)
    assert.equal(a.renewalDate, '2027-06-30')
    assert.equal(a.account.executive_sponsor, 'Kim Lee')
    assert.deepEqual(a.entitlements, ['umbrella-sev1'])
    assert.equal(a.cases, 3)
    assert.equal(a.processes[0].process, 'sev1')
    assert.equal(a.processes[0].cases, 3)
    const fr = a.processes[0].milestones[0]
    assert.equal(fr.milestone, 'First Response')
    assert.deepEqual([fr.met, fr.late, fr.nearMisses, fr.breaches], [2, 1, 1, 1])
    assert.ok(Math.abs(fr.attainment - 200 / 3) < 1e-9)
    // A-3's resolution (14:00 + 2h) is open with 1.5h used: its 50% warning was crossed.
    const res = a.processes[0].milestones[1]
    assert.deepEqual([res.met, res.open, res.atRisk], [2, 1, 1])
    assert.equal(a.breaches, 1)
    assert.equal(a.nearMisses, 1)
    assert.equal(a.atRisk, 1)
    assert.equal(r.statuses.length, 1)
    assert.ok(r.statuses[0] instanceof MilestoneStatus)
    assert.equal(r.statuses[0].caseId, 'A-3')
    assert.equal(a.usage[0].casesUsed, 3)
    assert.equal(a.usage[0].entitlement, 'umbrella-sev1')
    assert.equal(a.projectedOver, false)
    assert.deepEqual(a.overQuotaPeriods, [])
    assert.equal(a.chronicOverConsumer, false)
  })

  test('chronic over-consumers exceeded a quota in N of the last M periods; use is projected', () => {
    // globex-gold allows 10 cases a month; 11 in September and 12 in October.
    const cases = []
    for (const [month, n] of [[9, 11], [10, 12], [11, 2]]) {
      for (let i = 0; i < n; i++) {
        const day = String(i + 1).padStart(2, '0')
        cases.push({
          id: `G-${month}-${i}`,
          entitlement: 'globex-gold',
          created_at: `2026-${String(month).padStart(2, '0')}-${day}T15:00:00Z`,
        })
      }
    }
    const r = rules.monitor(cases, '2026-11-10T00:00:00Z')
    const a = r.accounts.find((x) => x.accountId === 'A-2')
    assert.ok(a)
    assert.deepEqual(
      a.overQuotaPeriods.map((o) => [o.entitlement, o.period, o.periodStart, o.used, o.maxCases]).sort(),
      [
        ['globex-gold', 'month', '2026-09-01', 11, 10],
        ['globex-gold', 'month', '2026-10-01', 12, 10],
      ],
    )
    assert.equal(a.chronicOverConsumer, true)
    // November in New York runs from Nov 1 04:00Z (EDT) to Dec 1 05:00Z (EST): 721 hours, of
    // which 212 have passed at Nov 10 00:00Z. 2 cases so far: on course for 2 × 721 / 212.
    const q = a.usage[0].quotas[0]
    assert.equal(q.used, 2)
    assert.ok(Math.abs(q.projected - (2 * 721) / 212) < 1e-9, `${q.projected}`)
    assert.equal(q.projectedOver, false)
    assert.equal(a.projectedOver, false)
    // The same projection through entitlementUsage.
    const usage = rules.entitlementUsage('globex-gold', cases, '2026-11-10T00:00:00Z')
    assert.equal(usage.quotas[0].projected, q.projected)
    assert.equal(usage.quotas[0].projectedOver, false)
    assert.equal(usage.toJSON().quotas[0].projected, q.projected)
  })
})

describe('alerts', () => {
  test('account context, deadlines and suggested actions for a critical Sev1 of a large account', () => {
    // umbrella-sev1 (ARR 2.5M, sponsor Kim Lee), a Sev1 case unanswered: the violation at the
    // target carries the trigger's own actions, then page on-call (a critical Sev1), raise
    // priority, and a war room (ARR above 1M).
    const cases = [
      { id: 'P-1', entitlement: 'umbrella-sev1', created_at: '2026-11-24T10:00:00Z', fields: { severity: 'Sev1' } },
    ]
    const r = rules.monitor(cases, '2026-11-24T10:20:00Z')
    // The violation trigger at 100% and the breach are one alert, led by the breach.
    const a = r.alerts.find((x) => x.keys.includes('P-1/First Response/1/trigger/1/100%'))
    assert.ok(a instanceof Alert)
    assert.equal(a.key, 'P-1/First Response/1/breach')
    assert.deepEqual(a.actions, ['page_oncall', 'raise_priority', 'add_coverage', 'open_war_room'])
    assert.equal(a.executiveSponsor, 'Kim Lee')
    assert.equal(a.accountId, 'A-4')
    assert.equal(a.accountName, 'Umbrella')
    assert.equal(a.arr, 2500000)
    assert.equal(a.renewalDate, '2027-06-30')
    assert.equal(a.caseId, 'P-1')
    assert.equal(a.entitlement, 'umbrella-sev1')
    assert.equal(a.milestone, 'First Response')
    assert.equal(a.instance, 1)
    assert.equal(a.kind, 'breach')
    assert.equal(a.level, 'violation')
    assertAt(a.at, '2026-11-24T10:15:00Z', 'at')
    assertAt(a.deadlineUtc, '2026-11-24T10:15:00Z', 'deadlineUtc')
    assert.equal(a.wallLeft, -5 * MINUTE)
    assert.equal(a.businessLeft, -5 * MINUTE)
    // 24×7: no zone, the local deadline is in UTC.
    assert.equal(a.timeZone, null)
    assert.equal(a.deadlineLocal, '2026-11-24 10:15 UTC')
    assert.ok(a.title.includes('Umbrella') && a.title.includes('P-1'))
    assert.ok(a.summary.length > 0)
    const breach = r.alerts.find((x) => x.kind === 'breach')
    assert.ok(breach.actions.includes('add_coverage'))
  })

  test('on a business calendar the deadline is shown in the desk zone; business and wall time differ', () => {
    // acme-gold's resolution (8h on ny-support) for a case raised Friday 16:00 New York runs
    // Fri 16–17, Mon 09–12, 13–17: due Monday 17:00 (22:00Z); its 75% warning (6h) fires
    // Monday 15:00 (20:00Z).
    const friday = [
      {
        id: 'P-2',
        entitlement: 'acme-gold',
        created_at: '2026-11-20T21:00:00Z',
        events: [{ at: '2026-11-20T21:05:00Z', type: 'agent_reply' }],
      },
    ]
    const r = rules.monitor(friday, '2026-11-23T20:30:00Z')
    const a = byKey(r.alerts, 'P-2/Resolution/1/trigger/0/75%')
    assertAt(a.at, '2026-11-23T20:00:00Z', 'at')
    assertAt(a.deadlineUtc, '2026-11-23T22:00:00Z', 'deadlineUtc')
    assert.equal(a.deadlineLocal, '2026-11-23 17:00 EST')
    assert.equal(a.timeZone, 'America/New_York')
    assert.equal(a.wallLeft, 90 * MINUTE)
    assert.equal(a.businessLeft, 90 * MINUTE)
    assert.deepEqual(a.csm, { name: 'Lee Park', email: 'lee@example.com' })
    assert.deepEqual(a.contacts, [{ name: 'Sam Ortiz', email: 'sam@acme.example', role: 'IT director' }])
    assert.deepEqual(a.actions, ['notify_owner', 'raise_priority'])
    // From Friday evening the same deadline is 70 wall-clock hours away but 7 business hours.
    const early = rules.monitor(friday, '2026-11-21T00:00:00Z')
    const s = early.statuses.find((x) => x.milestone === 'Resolution')
    assert.equal(s.remaining, 7 * HOUR)
    assert.equal(s.targetAt.getTime() - at('2026-11-21T00:00:00Z'), 70 * HOUR)
  })
})

// ---------------------------------------------------------------------------------------------
// Renderers against the vendors' documented shapes

/** Alerts of every kind: triggers, breaches, an escalation, quota and allowance crossings. */
function sampleAlerts() {
  const cases = [
    { id: 'R-1', entitlement: 'umbrella-sev1', created_at: '2026-11-24T10:00:00Z', fields: { severity: 'Sev1' } },
    { id: 'R-2', entitlement: 'initech-bronze', created_at: '2026-11-20T20:00:00Z' },
  ]
  const alerts = rules.monitor(cases, '2026-11-26T00:00:00Z').alerts
  const quota = rules.monitor(
    Array.from({ length: 13 }, (_, i) => ({
      id: `N-${i}`,
      entitlement: 'initech-bronze',
      created_at: iso(at('2026-11-02T15:00:00Z') + i * DAY),
    })),
    '2026-11-30T00:00:00Z',
  ).alerts.filter((a) => a.kind === 'allowance')
  const all = [...alerts, ...quota]
  for (const kind of ['trigger', 'breach', 'allowance']) {
    assert.ok(all.some((a) => a.kind === kind), `test bug: no ${kind} alert`)
  }
  return all
}

/** An account whose every text is longer than any vendor limit, to check the truncation. */
function longAlerts() {
  const name = 'Very Long Account Name '.repeat(150)
  const long = Ruleset.fromObject({
    processes: [
      {
        id: 'p',
        milestones: [
          {
            name: 'Milestone '.repeat(40),
            kind: 'first_response',
            target: '1h',
            triggers: [{ at: '50%', level: 'critical', actions: Array.from({ length: 400 }, (_, i) => `action_${i}`) }],
          },
        ],
      },
    ],
    entitlements: [
      {
        id: 'long-entitlement',
        process: 'p',
        account: {
          id: 'L-1',
          name,
          arr: 5e6,
          renewal_date: 'x'.repeat(2500),
          executive_sponsor: 'S'.repeat(2500),
          csm: { name: 'C'.repeat(2500) },
        },
      },
    ],
    // 400 actions, each catalogued (a rule may name only built-in or catalogued actions).
    monitor: { actions: Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`action_${i}`, { label: `Action ${i}` }])) },
  })
  const alerts = long.monitor(
    [{ id: 'X'.repeat(300), entitlement: 'long-entitlement', created_at: '2026-11-24T10:00:00Z', fields: { severity: 'Sev1' } }],
    '2026-11-24T12:00:00Z',
  ).alerts
  assert.ok(alerts.length >= 2)
  assert.ok(alerts[0].title.length > 3000, 'test bug: the title should exceed the limits')
  return alerts
}

const chars = (s) => [...s].length

/**
 * A Slack message as Block Kit documents it (api.slack.com/reference/block-kit): `text` (the
 * notification fallback) and at most 50 blocks; a header's text is plain_text of at most 150
 * characters; a section has a text of at most 3000 characters or 1–10 fields of at most 2000;
 * a context has 1–10 text elements; text objects are plain_text or mrkdwn, and `emoji` only on
 * plain_text.
 */
function assertBlockKit(message) {
  assert.equal(typeof message.text, 'string')
  assert.ok(message.text.length > 0 && chars(message.text) <= 40000)
  assert.ok(Array.isArray(message.blocks) && message.blocks.length >= 1 && message.blocks.length <= 50)
  const textObject = (t, types = ['plain_text', 'mrkdwn'], max = 3000) => {
    assert.ok(types.includes(t.type), `text object type ${t.type}`)
    assert.equal(typeof t.text, 'string')
    assert.ok(t.text.length >= 1 && chars(t.text) <= max, `text of ${chars(t.text)} characters (at most ${max})`)
    if ('emoji' in t) {
      assert.equal(t.type, 'plain_text', 'emoji is only for plain_text')
      assert.equal(typeof t.emoji, 'boolean')
    }
    for (const key of Object.keys(t)) assert.ok(['type', 'text', 'emoji', 'verbatim'].includes(key), `unknown key ${key}`)
  }
  for (const block of message.blocks) {
    if ('block_id' in block) assert.ok(chars(block.block_id) <= 255)
    switch (block.type) {
      case 'header':
        textObject(block.text, ['plain_text'], 150)
        break
      case 'section':
        assert.ok(block.text || block.fields, 'a section needs text or fields')
        if (block.text) textObject(block.text)
        if (block.fields) {
          assert.ok(block.fields.length >= 1 && block.fields.length <= 10)
          for (const f of block.fields) textObject(f, ['plain_text', 'mrkdwn'], 2000)
        }
        break
      case 'context':
        assert.ok(block.elements.length >= 1 && block.elements.length <= 10)
        for (const e of block.elements) textObject(e)
        break
      default:
        assert.fail(`unexpected block type ${block.type}`)
    }
  }
}

/** Atlassian Document Format (developer.atlassian.com/cloud/jira/platform/apis/document). */
function assertAdf(doc) {
  assert.equal(doc.type, 'doc')
  assert.equal(doc.version, 1)
  assert.ok(Array.isArray(doc.content))
  const blocks = new Set(['paragraph', 'bulletList', 'orderedList', 'heading', 'codeBlock', 'rule', 'blockquote', 'panel'])
  const check = (node, parent) => {
    switch (node.type) {
      case 'text':
        assert.ok(['paragraph', 'heading'].includes(parent), `text inside ${parent}`)
        assert.equal(typeof node.text, 'string')
        assert.ok(node.text.length > 0, 'ADF text nodes must not be empty')
        for (const m of node.marks ?? []) assert.ok(['strong', 'em', 'code', 'link', 'underline'].includes(m.type))
        return
      case 'paragraph':
        assert.ok(['doc', 'listItem'].includes(parent), `paragraph inside ${parent}`)
        break
      case 'bulletList':
        assert.ok(['doc', 'listItem'].includes(parent))
        assert.ok(node.content.length >= 1 && node.content.every((c) => c.type === 'listItem'))
        break
      case 'listItem':
        assert.equal(parent, 'bulletList')
        assert.ok(node.content.length >= 1)
        break
      default:
        assert.ok(blocks.has(node.type), `unexpected node ${node.type}`)
    }
    assert.ok(Array.isArray(node.content), `${node.type} has content`)
    for (const child of node.content) check(child, node.type)
  }
  for (const node of doc.content) check(node, 'doc')
}

describe('renderers', () => {
  test('Slack: Block Kit within its documented limits, for every kind of alert and very long texts', () => {
    for (const a of [...sampleAlerts(), ...longAlerts()]) {
      const m = a.slackBlocks()
      assertBlockKit(m)
      assert.equal(m.blocks[0].type, 'header')
      assert.ok(m.text.length > 0)
      // A plain object that survives JSON as it is.
      assert.deepEqual(JSON.parse(JSON.stringify(m)), m)
    }
    const header = longAlerts()[0].slackBlocks().blocks[0].text.text
    assert.equal(chars(header), 150)
    assert.ok(header.endsWith('…'))
  })

  test('email: a one-line subject and a plain-text body with the summary, the facts and the key', () => {
    for (const a of sampleAlerts()) {
      const m = a.email()
      assert.deepEqual(Object.keys(m).sort(), ['body', 'html', 'subject', 'text'])
      assert.equal(m.subject, a.title)
      assert.ok(m.subject.length > 0 && !m.subject.includes('\n'))
      assert.ok(m.body.includes(a.summary))
      assert.ok(m.body.includes(a.key))
      assert.ok(!/<[a-z/!]/i.test(m.body), 'plain text, not HTML')
      if (a.caseId) assert.ok(m.body.includes(`Case: ${a.caseId}`))
      // Actions by label, one a line.
      for (const item of a.actionItems) assert.ok(m.body.includes(`- ${item.label}`))
      assert.equal(m.text, m.body)
    }
  })

  test('Jira: a Cloud create-issue body with an Atlassian Document Format description', () => {
    const priorities = { info: 'Low', warning: 'Medium', critical: 'High', violation: 'Highest', escalation: 'Highest' }
    for (const a of [...sampleAlerts(), ...longAlerts()]) {
      for (const [args, type] of [[['SUP'], 'Task'], [['OPS', 'Incident'], 'Incident']]) {
        const p = a.jiraIssue(...args)
        assert.deepEqual(Object.keys(p), ['fields'])
        const f = p.fields
        assert.deepEqual(f.project, { key: args[0] })
        assert.deepEqual(f.issuetype, { name: type })
        assert.equal(typeof f.summary, 'string')
        assert.ok(f.summary.length > 0 && chars(f.summary) <= 255 && !/[\r\n]/.test(f.summary))
        assert.equal(f.priority.name, priorities[a.level])
        assert.ok(Array.isArray(f.labels) && f.labels.length > 0)
        for (const l of f.labels) assert.ok(l.length > 0 && chars(l) <= 255 && !/\s/.test(l), `label ${JSON.stringify(l)}`)
        assertAdf(f.description)
      }
    }
  })

  test('PagerDuty: an Events API v2 trigger with dedup_key, payload and custom details', () => {
    for (const a of [...sampleAlerts(), ...longAlerts()]) {
      const p = a.pagerdutyEvent('R0UTINGKEY0000000000000000000000')
      assert.equal(p.routing_key, 'R0UTINGKEY0000000000000000000000')
      assert.equal(p.event_action, 'trigger')
      assert.equal(typeof p.dedup_key, 'string')
      assert.ok(p.dedup_key.length > 0 && chars(p.dedup_key) <= 255)
      if (chars(a.key) <= 255) assert.equal(p.dedup_key, a.key)
      const payload = p.payload
      assert.ok(payload.summary.length > 0 && chars(payload.summary) <= 1024)
      assert.ok(typeof payload.source === 'string' && payload.source.length > 0)
      assert.ok(['critical', 'error', 'warning', 'info'].includes(payload.severity))
      assert.match(payload.timestamp, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/)
      assert.equal(Date.parse(payload.timestamp), a.at.getTime())
      for (const k of ['component', 'group', 'class']) assert.equal(typeof payload[k], 'string')
      assert.ok(payload.custom_details && typeof payload.custom_details === 'object')
      assert.equal(payload.custom_details.key, a.key)
      for (const key of Object.keys(payload)) {
        assert.ok(['summary', 'source', 'severity', 'timestamp', 'component', 'group', 'class', 'custom_details'].includes(key), key)
      }
    }
    const severity = (level) => sampleAlerts().find((a) => a.level === level)?.pagerdutyEvent('k').payload.severity
    assert.equal(severity('warning'), 'warning')
    assert.equal(severity('violation'), 'error')
  })

  test('renderer arguments must be strings; the issue type defaults to Task', () => {
    const [a] = sampleAlerts()
    assert.equal(a.jiraIssue('SUP', undefined).fields.issuetype.name, 'Task')
    assertError(thrown(() => a.jiraIssue()), 'invalid_type', 'projectKey')
    assertError(thrown(() => a.jiraIssue(7)), 'invalid_type', 'projectKey')
    assertError(thrown(() => a.jiraIssue('SUP', 3)), 'invalid_type', 'issueType')
    assertError(thrown(() => a.pagerdutyEvent()), 'invalid_type', 'routingKey')
    assertError(thrown(() => a.pagerdutyEvent({ key: 'x' })), 'invalid_type', 'routingKey')
  })
})

describe('renderers: CRM text is escaped and empty values skipped', () => {
  // Account context and case ids come from the CRM, not from the people who write the rules.
  const hostile = Ruleset.fromObject({
    processes: [{ id: 'p', milestones: [{ name: 'FR', kind: 'first_response', target: '1h', triggers: [{ at: '50%', level: 'warning' }] }] }],
    entitlements: [
      {
        id: 'e',
        process: 'p',
        account: { id: 'A', name: '<!channel> AT&T <https://evil.example|click>', executive_sponsor: '', csm: { name: '' } },
      },
    ],
  })
  const alert = () =>
    hostile.monitor([{ id: 'C-<b>', entitlement: 'e', created_at: '2026-11-24T10:00:00Z' }], '2026-11-24T10:40:00Z').alerts[0]

  test('Slack mrkdwn escapes &, < and > (else an account name can @channel or hide a link)', () => {
    // api.slack.com/reference/surfaces/formatting#escaping: & < > must be sent as &amp; &lt; &gt;.
    for (const block of alert().slackBlocks().blocks) {
      for (const t of [block.text, ...(block.fields ?? []), ...(block.elements ?? [])].filter((x) => x && x.type === 'mrkdwn')) {
        assert.ok(!/[<>]|&(?!amp;|lt;|gt;)/.test(t.text), JSON.stringify(t.text))
      }
    }
  })

  test('Jira ADF has no empty text nodes when an account field is an empty string', () => {
    assertAdf(alert().jiraIssue('SUP').fields.description)
  })
})

describe('what-if', () => {
  test('replays closed cases under a proposed contract and reports attainment side by side', () => {
    // Tighten Bronze's 48h first response to 24h.
    const doc = rules.toObject()
    for (const p of doc.processes) {
      if (p.id === 'bronze') p.milestones[0].target = '24h'
    }
    const proposed = Ruleset.fromObject(doc)
    const cases = [
      {
        id: 'W-1',
        entitlement: 'initech-bronze',
        created_at: '2026-11-02T15:00:00Z',
        events: [
          { at: '2026-11-03T10:00:00Z', type: 'agent_reply' },
          { at: '2026-11-04T15:00:00Z', type: 'closed' },
        ],
      },
      {
        id: 'W-2',
        entitlement: 'initech-bronze',
        created_at: '2026-11-09T15:00:00Z',
        events: [
          { at: '2026-11-11T10:00:00Z', type: 'agent_reply' },
          { at: '2026-11-12T15:00:00Z', type: 'closed' },
        ],
      },
    ]
    const w = rules.whatIf(proposed, cases, '2026-11-25T00:00:00Z')
    const fr = w.rows.find((r) => r.milestone === 'First Response')
    assert.deepEqual(fr.current, { met: 2, late: 0, violated: 0, open: 0, attainment: 100 })
    // W-2 answered after 43h: within 48h, not within 24h.
    assert.deepEqual(fr.proposed, { met: 1, late: 1, violated: 0, open: 0, attainment: 50 })
    assert.deepEqual(w.changes, [
      { caseId: 'W-2', milestone: 'First Response', instance: 1, current: 'completed', proposed: 'completed_late' },
    ])
    // The same rules change nothing.
    const same = rules.whatIf(rules, cases, '2026-11-25T00:00:00Z')
    assert.deepEqual(same.changes, [])
    for (const r of same.rows) assert.deepEqual(r.current, r.proposed)
  })

  test('proposed must be a Ruleset', () => {
    for (const bad of [undefined, null, {}, rules.toObject(), Object.create(Ruleset.prototype)]) {
      assertError(thrown(() => rules.whatIf(bad, [], '2026-11-25T00:00:00Z')), 'invalid_type', 'proposed')
    }
  })
})

// ---------------------------------------------------------------------------------------------
// The law: windows partition the events of a span (seeded random case sets)

/** xorshift32: a small seeded generator, so that a failure can be replayed from its seed. */
function random(seed) {
  let state = seed >>> 0 || 1
  return () => {
    state ^= state << 13
    state >>>= 0
    state ^= state >>> 17
    state ^= state << 5
    state >>>= 0
    return state / 2 ** 32
  }
}

const TYPES = [
  'agent_reply', 'customer_reply', 'solved', 'closed', 'reopened', 'wait', 'open', 'sev1', 'sev4',
  'stop', 'resume', 'diagnosed',
]
const ENTS = ['acme-gold', 'globex-gold', 'initech-bronze', 'umbrella-sev1', 'northbank-regulated', 'stark-silver']
const T0 = at('2026-11-16T14:00:00Z')
const SPAN = 6000 // minutes

/** A random case: an entitlement, a creation in the first 4000 minutes, up to 12 events on a 53-minute grid. */
function randomCase(next, id) {
  const ent = ENTS[Math.floor(next() * ENTS.length)]
  const created = T0 + Math.floor(next() * 4000) * MINUTE
  const n = Math.floor(next() * 13)
  const events = []
  for (let i = 0; i < n; i++) {
    const kind = TYPES[Math.floor(next() * TYPES.length)]
    const when = iso(created + Math.floor(next() * 40) * 53 * MINUTE)
    switch (kind) {
      case 'wait':
        events.push({ at: when, type: 'status', to: 'Waiting on Customer' })
        break
      case 'open':
        events.push({ at: when, type: 'status', to: 'Open' })
        break
      case 'sev1':
        events.push({ at: when, type: 'field', field: 'severity', to: 'Sev1' })
        break
      case 'sev4':
        events.push({ at: when, type: 'field', field: 'severity', to: 'Sev4' })
        break
      case 'diagnosed':
        // Only gold knows the custom event; regulated knows `acknowledged`.
        events.push({
          at: when,
          type: ent.endsWith('gold') ? 'diagnosed' : ent === 'northbank-regulated' ? 'acknowledged' : 'agent_reply',
        })
        break
      default:
        events.push({ at: when, type: kind })
    }
  }
  events.sort((a, b) => at(a.at) - at(b.at))
  const severity = ['Sev1', 'Sev2', 'Sev3', 'Sev4'][Math.floor(next() * 4)]
  return { id: `K-${id}`, entitlement: ent, created_at: iso(created), fields: { severity }, events }
}

describe('windows partition the events of a span (seeded random case sets)', () => {
  const RUNS = 60

  test('the union of the windows is the whole span, no key twice; since = null is everything', () => {
    const seed = 0x3a1e27
    const next = random(seed)
    let events = 0
    for (let run = 0; run < RUNS; run++) {
      const cases = Array.from({ length: 1 + Math.floor(next() * 10) }, (_, i) => randomCase(next, i))
      const cuts = [...new Set(Array.from({ length: Math.floor(next() * 7) }, () => 1 + Math.floor(next() * (SPAN - 1))))]
      cuts.sort((a, b) => a - b)
      const tn = T0 + SPAN * MINUTE
      const whole = rules.monitor(cases, tn, T0)
      const union = []
      let since = T0
      for (const b of [...cuts.map((m) => T0 + m * MINUTE), tn]) {
        const window = rules.monitor(cases, b, since)
        for (const e of window.events) {
          const t = e.at.getTime()
          assert.ok(t > since && t <= b, `seed ${seed} run ${run}: ${e.key} at ${iso(t)} outside (${iso(since)}, ${iso(b)}]`)
        }
        union.push(...ident(window))
        since = b
      }
      const keys = new Set()
      for (const e of union) {
        assert.ok(!keys.has(e[0]), `seed ${seed} run ${run}: key ${e[0]} twice`)
        keys.add(e[0])
      }
      const sorted = (v) => [...v].sort((a, b) => (a[3] < b[3] ? -1 : a[3] > b[3] ? 1 : a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      assert.deepEqual(sorted(union), sorted(ident(whole)), `seed ${seed} run ${run}: ${JSON.stringify({ cases, cuts })}`)
      // And `since = null` is everything up to now.
      const all = rules.monitor(cases, tn, null)
      const before = rules.monitor(cases, T0)
      assert.equal(all.events.length, before.events.length + whole.events.length, `seed ${seed} run ${run}`)
      events += whole.events.length
    }
    assert.ok(events > RUNS, `test bug: only ${events} events in ${RUNS} runs`)
  })
})

// ---------------------------------------------------------------------------------------------
// The report object

describe('MonitorReport', () => {
  const report = rules.monitor(SAMPLE.cases, SAMPLE.now)

  test('classes, plain objects, and lists converted once', () => {
    assert.ok(report instanceof MonitorReport)
    assertAt(report.now, SAMPLE.now, 'now')
    assert.equal(report.since, null)
    assert.ok(report.events.length > 0 && report.events.every((e) => e instanceof MonitorEvent))
    assert.ok(report.alerts.length > 0 && report.alerts.every((a) => a instanceof Alert))
    assert.ok(report.statuses.every((s) => s instanceof MilestoneStatus))
    assert.ok(report.cases.every((c) => c instanceof CaseEvaluation))
    assert.equal(report.cases.length, SAMPLE.cases.length)
    assert.deepEqual(report.cases.map((c) => c.caseId), SAMPLE.cases.map((c) => c.id))
    for (const name of ['events', 'alerts', 'statuses', 'atRisk', 'breached', 'accounts', 'cases']) {
      assert.equal(report[name], report[name], `${name} is the same array at each read`)
      assert.ok(!Object.keys(report).includes(name), `${name} is not enumerable`)
      assert.throws(() => {
        report[name] = []
      }, TypeError)
    }
    // Open milestones: at risk (soonest deadline first), breached (most recent first), the rest.
    assert.ok(report.statuses.every((s) => ['in_progress', 'paused', 'violated'].includes(s.state)))
    const { atRisk, breached } = report
    assert.ok(atRisk.length > 0 && breached.length > 0)
    assert.equal(report.atRisk, atRisk, 'atRisk is the same array at each read')
    assert.ok([...atRisk, ...breached].every((s) => s instanceof MilestoneStatus))
    const head = report.statuses.slice(0, atRisk.length + breached.length)
    assert.deepEqual(head.map((s) => s.toJSON()), [...atRisk, ...breached].map((s) => s.toJSON()))
    assert.ok(atRisk.every((s) => s.state !== 'violated' && (s.crossed.length > 0 || s.consumed >= 0.75)))
    const due = atRisk.map((s) => s.targetAt.getTime())
    assert.ok(due.every((x, i) => i === 0 || due[i - 1] <= x))
    const when = breached.map((s) => s.breachedAt.getTime())
    assert.ok(breached.every((s) => s.state === 'violated'))
    assert.ok(when.every((x, i) => i === 0 || when[i - 1] >= x))
  })

  test('alerts are the unsuppressed events, in order; every key is unique', () => {
    const unsuppressed = report.events.filter(alerted)
    // One alert per milestone instance and instant: its keys are the alerted events'.
    assert.deepEqual(report.alerts.flatMap((a) => a.keys).sort(), unsuppressed.map((e) => e.key).sort())
    assert.equal(new Set(report.events.map((e) => e.key)).size, report.events.length)
    assert.ok(report.events.some((e) => e.suppressed), 'the sample suppresses some events')
    for (const e of report.events.filter((x) => x.suppressed)) {
      assert.ok(['min_level', 'while_paused', 'agent_activity'].includes(e.suppressedBy), e.key)
    }
    // By instant, then key.
    for (let i = 1; i < report.events.length; i++) {
      const [a, b] = [report.events[i - 1], report.events[i]]
      assert.ok(a.at < b.at || (a.at.getTime() === b.at.getTime() && a.key < b.key), `${a.key} before ${b.key}`)
    }
  })

  test('a milestone event carries its status; fired triggers and breaches say when', () => {
    const e = report.events.find((x) => x.kind === 'breach')
    assert.ok(e.status instanceof MilestoneStatus)
    assert.equal(e.caseId, e.case_id)
    assert.equal(e.status.caseId, e.caseId)
    assert.equal(e.status.milestone, e.milestone)
    assert.equal(e.status.instance, e.instance)
    assert.equal(e.status.breachedAt.getTime(), e.at.getTime())
    assert.equal(e.status.breached_at.getTime(), e.at.getTime())
    assert.equal(e.point, null)
    assert.equal(e.quota, null)
    assert.equal(e.level, 'violation')
    assert.equal(typeof e.account, 'object')
    const t = report.events.find((x) => x.kind === 'trigger' && x.instance === 1)
    const trigger = t.status.triggers.find((x) => x.point === t.point)
    assert.equal(trigger.firedAt.getTime(), t.at.getTime())
    assert.ok(Array.isArray(t.actions))
    const json = t.toJSON()
    const fired = json.status.triggers.find((x) => x.point === t.point).fired_at
    assert.equal(new Date(fired).getTime(), t.at.getTime())
  })

  test('toJSON: the wire format of every layer (snake_case keys, RFC 3339 text, seconds); JSON.stringify uses it', () => {
    const json = report.toJSON()
    assert.deepEqual(Object.keys(json), ['now', 'since', 'events', 'alerts', 'statuses', 'at_risk', 'breached', 'accounts', 'cases', 'errors'])
    assert.equal(new Date(json.now).getTime(), report.now.getTime())
    assert.equal(json.since, null)
    assert.deepEqual(json.events, report.events.map((e) => e.toJSON()))
    assert.deepEqual(json.alerts, report.alerts.map((a) => a.toJSON()))
    assert.deepEqual(json.statuses, report.statuses.map((s) => s.toJSON()))
    assert.deepEqual(json.accounts.map((x) => x.account_id), report.accounts.map((x) => x.accountId))
    assert.deepEqual(json.cases, report.cases.map((c) => c.toJSON()))
    assert.deepEqual(JSON.parse(JSON.stringify(report)), JSON.parse(JSON.stringify(json)))
    const a = report.alerts.find((x) => x.deadlineUtc !== null)
    const aj = a.toJSON()
    assert.equal(new Date(aj.deadline_utc).getTime(), a.deadlineUtc.getTime())
    // Durations: seconds on the wire, milliseconds from the getters.
    const left = report.alerts.find((x) => x.businessLeft !== null)
    assert.equal(left.toJSON().business_left * 1000, left.businessLeft)
    assert.equal(aj.case_id, a.caseId)
    assert.equal(aj.caseId, undefined)
    const e = report.events[0].toJSON()
    assert.deepEqual(Object.keys(e), [
      'key', 'kind', 'level', 'at', 'case_id', 'entitlement', 'process', 'milestone', 'instance', 'point',
      'actions', 'status', 'quota', 'account', 'suppressed', 'suppressed_by',
    ])
    assert.ok(Object.keys(json.statuses[0]).includes('breached_at'))
  })

  test('since takes every form of an instant, or null / undefined for everything', () => {
    const since = '2026-11-25T18:00:00Z'
    const expected = ident(rules.monitor(SAMPLE.cases, SAMPLE.now, since))
    assert.ok(expected.length > 0)
    for (const form of [since, new Date(since), at(since), '2026-11-25T13:00:00-05:00']) {
      const r = rules.monitor(SAMPLE.cases, SAMPLE.now, form)
      assertAt(r.since, since, 'since')
      assert.deepEqual(ident(r), expected)
    }
    assert.deepEqual(ident(rules.monitor(SAMPLE.cases, SAMPLE.now, undefined)), ident(report))
    // A window that ends before it starts is empty.
    // A since after now is an empty window: refused (it silently gave no events).
    assertError(thrown(() => rules.monitor(SAMPLE.cases, since, SAMPLE.now)), 'invalid_window', 'since')
  })

  test('malformed input is an Error with a code and a path', () => {
    assertError(thrown(() => rules.monitor({}, SAMPLE.now)), 'invalid_type', 'cases')
    assertError(thrown(() => rules.monitor(undefined, SAMPLE.now)), 'invalid_type', 'cases')
    assertError(thrown(() => rules.monitor([], undefined)), 'invalid_instant', 'now')
    assertError(thrown(() => rules.monitor([], SAMPLE.now, '2026-11-25T10:00:00')), 'naive_datetime', 'since')
    assertError(thrown(() => rules.monitor([], SAMPLE.now, NaN)), 'invalid_instant', 'since')
    assertError(thrown(() => rules.monitor([], SAMPLE.now, {})), 'invalid_instant', 'since')
    const bad = [SAMPLE.cases[0], { ...SAMPLE.cases[1], events: [{ at: SAMPLE.now, type: 'escalated' }] }]
    const raise = { onError: 'raise' }
    const err = thrown(() => rules.monitor(bad, SAMPLE.now, null, raise))
    assertError(err, 'unknown_event_type', SAMPLE.cases[1].id)
    assert.ok(err.message.includes('events[0].type'), err.message)
    // By default the bad case is left out, with the same code and message in its entry.
    const [entry] = rules.monitor(bad, SAMPLE.now).errors
    assert.deepEqual([entry.index, entry.code, entry.message, entry.path], [1, err.code, err.message, 'cases[1].events[0].type'])
    assertError(thrown(() => rules.monitor([{ ...SAMPLE.cases[0], entitlement: 'nobody' }], SAMPLE.now, undefined, raise)), 'unknown_entitlement', 'nobody')
    // eslint-disable-next-line no-sparse-arrays
    assertError(thrown(() => rules.monitor([, SAMPLE.cases[0]], SAMPLE.now, null, raise)), 'invalid_type', 'cases[0]')
  })

  test('a long list (evaluated on all cores) gives what each case gives alone; the first bad case is named', () => {
    const many = []
    for (let k = 0; many.length < 1200; k++) for (const c of SAMPLE.cases) many.push({ ...c, id: `${c.id}#${k}` })
    const r = rules.monitor(many, SAMPLE.now, '2026-11-25T12:00:00Z')
    assert.equal(r.cases.length, many.length)
    many.forEach((c, i) => {
      if (i % 7 === 0) assert.deepEqual(r.cases[i].toJSON(), rules.evaluateCase(c, SAMPLE.now).toJSON(), c.id)
    })
    // Each copy of the sample raises the same window's events under its own keys.
    const once = rules.monitor(SAMPLE.cases, SAMPLE.now, '2026-11-25T12:00:00Z').events.filter((e) => e.kind === 'trigger' || e.kind === 'breach')
    assert.equal(r.events.filter((e) => e.kind === 'trigger' || e.kind === 'breach').length, (once.length * many.length) / SAMPLE.cases.length)
    const bad = (c) => ({ ...c, events: [{ at: SAMPLE.now, type: 'escalated' }] })
    const broken = many.map((c, i) => (i === 900 || i === 1100 ? bad(c) : c))
    assertError(thrown(() => rules.monitor(broken, SAMPLE.now, null, { onError: 'raise' })), 'unknown_event_type', many[900].id)
    assert.deepEqual(rules.monitor(broken, SAMPLE.now).errors.map((e) => e.index), [900, 1100])
  })

  test('result classes cannot be made from JavaScript', () => {
    assert.throws(() => new MonitorReport(), Error)
    assert.throws(() => new MonitorEvent(), Error)
    assert.throws(() => new Alert(), Error)
  })
})

// Issue 18: the outcome and account-period tables.
describe('outcome and account-period tables', () => {
  const SAMPLE = require(path.join(__dirname, '..', '..', 'examples', 'data', 'cases.json'))
  const report = rules.monitor(SAMPLE.cases, SAMPLE.now)

  test('outcomes carry nearMiss, elapsed, month, quarter and the reporting zone', () => {
    const rows = report.outcomes()
    assert.ok(rows.length > 0)
    for (const r of rows) {
      assert.equal(r.nearMiss, r.outcome === 'met' && r.margin < r.target * 0.1)
      assert.equal(typeof r.elapsed, 'number')
      assert.match(r.month, /^\d{4}-\d{2}$/)
      assert.ok(r.quarter.startsWith(r.month.slice(0, 4) + '-Q'))
      assert.equal(typeof r.reportingTimeZone, 'string')
    }
    assert.ok(rows.some((r) => r.nearMiss))
    const days = report.outcomes('2026-11-24', '2026-11-25')
    assert.ok(days.length > 0 && days.length < rows.length)
    assert.deepEqual(report.outcomes(null, undefined), rows)
  })

  test('account periods equal the rollups without a period', () => {
    const periods = report.accountPeriods()
    assert.deepEqual(periods.map((p) => p.accountId), report.accounts.map((a) => a.accountId))
    periods.forEach((p, i) => {
      const a = report.accounts[i]
      assert.deepEqual([p.breaches, p.nearMisses, p.cases], [a.breaches, a.nearMisses, a.cases])
    })
    const q4 = report.accountPeriods('2026-10-01', '2026-12-31')
    assert.equal(q4.length, periods.length)
    const arrow = require('apache-arrow')
    assert.equal(arrow.tableFromIPC(report.toArrow('outcomes')).numRows, report.outcomes().length)
    assert.equal(arrow.tableFromIPC(report.toArrow('account_periods')).numRows, periods.length)
  })

  test('bad dates are typed errors naming the argument', () => {
    for (const [args, code, where] of [
      [['2026-02-30'], 'invalid_date', 'start'],
      [[null, '2026-7-1'], 'invalid_date', 'end'],
      [[new Date()], 'invalid_type', 'start'],
      [[undefined, 20260701], 'invalid_type', 'end'],
    ]) {
      assertError(thrown(() => report.outcomes(...args)), code, where)
      assertError(thrown(() => report.accountPeriods(...args)), code, where)
    }
  })
})
