'use strict'
// `zendesk` through the built addon, against the fixtures written from the Zendesk API's
// documented shapes (examples/data/import/zendesk/), with answers computed by hand.

const { describe, test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')

const { Calendar, zendesk } = require('..')

const DATA = path.join(__dirname, '..', '..', 'examples', 'data', 'import', 'zendesk')
const load = (name) => JSON.parse(fs.readFileSync(path.join(DATA, name), 'utf8'))
const at = (s) => new Date(s)
const MINUTE = 60_000

const importedSchedules = () => zendesk.schedules(load('schedules.json'), load('holidays.json'))

describe('zendesk schedules', () => {
  test('lunch break, holidays and an interval across midnight, by hand', () => {
    const imp = importedSchedules()
    const ny = imp.calendar('Support NY')
    // Monday 2026-03-02 11:00 EST + 2h: 1h to lunch, 13:00 + 1h = 14:00 EST = 19:00Z.
    assert.deepEqual(ny.add(at('2026-03-02T16:00:00Z'), 120 * MINUTE), at('2026-03-02T19:00:00Z'))
    assert.equal(ny.isOpen(at('2026-03-02T17:30:00Z')), false)
    // Thanksgiving break 26-27 November: Wed 16:00 EST + 2h ends Mon 30th 10:00 EST.
    assert.deepEqual(ny.add(at('2026-11-25T21:00:00Z'), 120 * MINUTE), at('2026-11-30T15:00:00Z'))
    const night = imp.calendar('Night desk')
    // Friday 22:00 to Saturday 06:00 London (UTC in January): 21:00 + 3h = Saturday 01:00.
    assert.deepEqual(night.add(at('2026-01-09T21:00:00Z'), 180 * MINUTE), at('2026-01-10T01:00:00Z'))
    assert.equal(night.elapsed(at('2026-01-09T20:00:00Z'), at('2026-01-10T12:00:00Z')), 480 * MINUTE)
  })

  test('railsTimeZone', () => {
    assert.equal(zendesk.railsTimeZone('Eastern Time (US & Canada)'), 'America/New_York')
    assert.equal(zendesk.railsTimeZone('Europe/Paris'), 'Europe/Paris')
    assert.throws(() => zendesk.railsTimeZone('Gotham'), { code: 'unsupported' })
  })

  test('Eastern Time (US & Canada) equals America/New_York on 200 seeded instants', () => {
    const zd = zendesk.schedules(load('schedules.json').schedules[0]).calendar()
    const day = ['09:00-12:00', '13:00-17:00']
    const native = new Calendar({ time_zone: 'America/New_York', hours: { mon: day, tue: day, wed: day, thu: day, fri: day } })
    let seed = 20261122
    const rand = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return Math.floor((seed / 2147483648) * n) }
    const lo = Date.parse('2024-01-01T00:00:00Z')
    for (let i = 0; i < 200; i++) {
      const t = new Date(lo + rand(5 * 365 * 86400) * 1000)
      const d = rand(200 * 60) * MINUTE
      assert.deepEqual(zd.add(t, d), native.add(t, d))
      assert.equal(zd.isOpen(t), native.isOpen(t))
      assert.deepEqual(zd.nextOpen(t), native.nextOpen(t))
    }
  })
})

describe('zendesk SLA policies', () => {
  test('each metric pauses as Zendesk defines it', () => {
    const sla = zendesk.slaPolicies(load('sla_policies.json'), { schedule: 'Support NY' })
    const rules = importedSchedules().merge(sla).ruleset()
    const got = {}
    for (const s of rules.evaluate(load('case_replay.json'), at('2026-03-02T13:00:00Z'))) {
      got[`${s.milestone} #${s.instance}`] = [s.state, s.elapsed / MINUTE]
    }
    // created 09:00; agent 09:10; pending 09:20; customer + open 10:20; hold 10:30; open 11:00;
    // agent 11:30; solved 11:40; now 13:00 (24x7 targets).
    assert.deepEqual(got['First reply time #1'], ['completed', 10])
    assert.deepEqual(got['Next reply time #1'], ['completed_late', 70])
    assert.deepEqual(got['Pausable update time #1'], ['completed', 80])
    assert.deepEqual(got['Requester wait time #1'], ['paused', 100])
    assert.deepEqual(got['Agent work time #1'], ['paused', 70])
    assert.deepEqual(got['Total resolution time #1'], ['paused', 160])
  })

  test('business hours need a schedule', () => {
    assert.throws(() => zendesk.slaPolicies(load('sla_policies.json')), (err) =>
      err.code === 'invalid_value' && err.message.includes('SLA policy 25 (Enterprise): policy_metrics[1].business_hours'))
  })
})

const S = 'Schedule 7 (Desk)'
const P = 'SLA policy 9 (Gold)'
const sched = (extra) => ({ id: 7, name: 'Desk', time_zone: 'UTC', intervals: [{ start_time: 1980, end_time: 2460 }], ...extra })
const pol = (extra) => ({
  id: 9,
  title: 'Gold',
  filter: { all: [], any: [] },
  policy_metrics: [{ priority: 'high', metric: 'first_reply_time', target: 60, business_hours: false }],
  ...extra
})
const metric = (fields) => pol({ policy_metrics: [{ priority: 'high', metric: 'first_reply_time', target: 60, business_hours: false, ...fields }] })
const cond = (c) => pol({ filter: { all: [c], any: [] } })

/** [call, where the message must point]. */
const UNSUPPORTED = [
  [() => zendesk.schedules(sched({ time_zone: 'Gotham' })), `${S}: time_zone`],
  [() => zendesk.schedules(sched({ intervals: [{ start_time: 600, end_time: 500 }] })), `${S}: intervals[0]`],
  [() => zendesk.schedules(sched({ intervals: [{ start_time: 0, end_time: 600 }, { start_time: 500, end_time: 700 }] })), `${S}: intervals[1]`],
  [() => zendesk.schedules(sched({ intervals: [{ start_time: 0, end_time: 10081 }] })), `${S}: intervals[0]`],
  [() => zendesk.schedules(sched({}), { 8: { holidays: [] } }), 'holidays: 8'],
  [() => zendesk.schedules(sched({}), { 7: { holidays: [{ id: 3, start_date: '2026-12-25', end_date: '2026-12-24' }] } }), `${S}, holiday 3: end_date`],
  [() => zendesk.slaPolicies(metric({ metric: 'first_resolution_time' })), `${P}: policy_metrics[0].metric`],
  [() => zendesk.slaPolicies(metric({ priority: 'critical' })), `${P}: policy_metrics[0].priority`],
  [() => zendesk.slaPolicies(metric({ target_in_seconds: 7200 })), `${P}: policy_metrics[0].target_in_seconds`],
  [() => zendesk.slaPolicies(metric({ business_hours: 'yes' })), `${P}: policy_metrics[0].business_hours`],
  [() => zendesk.slaPolicies(cond({ field: 'current_tags', operator: 'includes', value: 'vip' })), `${P}: filter.all[0].operator`],
  [() => zendesk.slaPolicies(cond({ field: 'priority', operator: 'less_than', value: 'severe' })), `${P}: filter.all[0].value`],
  [() => zendesk.slaPolicies([pol({}), pol({})]), `${P}: id`]
]

describe('zendesk unsupported constructs', () => {
  for (const [call, where] of UNSUPPORTED) {
    test(where, () => {
      assert.throws(call, (err) => err.code === 'unsupported' && err.message.includes(where))
    })
  }
})

describe('zendesk values the engine would refuse, and silent drops', () => {
  const policy = (metric) => ({
    id: 9,
    title: 'Gold',
    filter: { all: [], any: [] },
    policy_metrics: [{ priority: 'high', metric: 'first_reply_time', business_hours: false, ...metric }],
  })
  const desk = (id, name) => ({
    id,
    name: name ?? `Desk ${id}`,
    time_zone: 'UTC',
    intervals: [{ start_time: 1980, end_time: 2460 }],
  })
  const cases = [
    ['a target of 10^12 minutes', () => zendesk.slaPolicies(policy({ target: 1e12 })), 'SLA policy 9 (Gold): policy_metrics[0].target:'],
    [
      'a target of 10^15 seconds',
      () => zendesk.slaPolicies(policy({ target_in_seconds: 1e15 })),
      'SLA policy 9 (Gold): policy_metrics[0].target_in_seconds:',
    ],
    [
      'a holiday in year 0',
      () => zendesk.schedules({ ...desk(7), holidays: [{ id: 1, name: 'Z', start_date: '0000-01-01', end_date: '0000-01-01' }] }),
      'Schedule 7 (Desk 7), holiday 1 (Z): start_date:',
    ],
    ['two schedules with one id', () => zendesk.schedules([desk(7), desk(7, 'Twin')]), 'Schedule 7 (Twin): id:'],
    ['one page of several', () => zendesk.schedules({ schedules: [desk(7)], next_page: 'https://x/p2' }), 'schedules: next_page:'],
    ['a count that is not the list', () => zendesk.schedules({ schedules: [desk(7)], count: 2 }), 'schedules: count:'],
  ]
  for (const [name, make, where] of cases) {
    test(name, () => {
      assert.throws(make, (err) => err.code === 'unsupported' && err.message.startsWith(where))
    })
  }
  test('the longest target loads', () => {
    const imp = zendesk.slaPolicies(policy({ target: 10_000_000 }))
    assert.equal(imp.document.processes[0].milestones[0].target.values.high, '10000000m')
    imp.ruleset()
  })
})
