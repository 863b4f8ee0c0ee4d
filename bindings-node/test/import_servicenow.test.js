'use strict'
// `servicenow` through the built addon, against the fixtures written from the ServiceNow Table
// API's documented shapes (examples/data/import/servicenow/, hand-computed deadlines in its
// README.md): every task_sla planned_end_time is the engine's deadline, and the refusal table.

const { describe, test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')

const { Import, servicenow } = require('..')

const DATA = path.join(__dirname, '..', '..', 'examples', 'data', 'import', 'servicenow')
const load = (name) => JSON.parse(fs.readFileSync(path.join(DATA, name), 'utf8'))
const TABLE = load('unsupported.json')
const glide = (s) => Date.parse(s.replace(' ', 'T') + 'Z')

const hours = () =>
  servicenow.schedules(load('cmn_schedule.json'), load('cmn_schedule_span.json'), {
    otherSchedules: load('cmn_other_schedule.json'),
    timeZone: { 'Ops floating': 'Asia/Tokyo' },
  })
const rules = () => hours().merge(servicenow.slaDefinitions(load('contract_sla.json'), { schedules: load('cmn_schedule.json') })).ruleset()

describe('servicenow', () => {
  test('every task_sla planned_end_time is the engine deadline', () => {
    const r = rules()
    const imp = servicenow.cases(load('incident.json'), {
      audit: load('sys_audit.json'),
      history: load('sys_history_line.json'),
      slaDefinitions: load('contract_sla.json'),
    })
    assert.ok(imp instanceof Import)
    const numbers = Object.fromEntries(load('incident.json').result.map((t) => [t.sys_id, t.number]))
    const names = Object.fromEntries(load('contract_sla.json').result.map((d) => [d.sys_id, d.name]))
    let checked = 0
    for (const row of load('task_sla.json').result) {
      const c = imp.document.cases.find((c) => c.id === numbers[row.task.value])
      const name = names[row.sla.value]
      const s = r.evaluate(c, '2026-03-10T00:00:00Z').filter((s) => s.milestone === name)
      assert.equal(s.length, 1, `${c.id} ${name}`)
      assert.equal(s[0].startedAt.getTime(), glide(row.start_time), `${c.id} ${name}`)
      assert.equal(s[0].targetAt.getTime(), glide(row.planned_end_time), `${c.id} ${name}`)
      checked++
    }
    assert.equal(checked, 9)
  })

  test('a floating schedule needs a zone; options are checked', () => {
    assert.throws(
      () => servicenow.schedules(load('cmn_schedule.json'), load('cmn_schedule_span.json')),
      (err) => err.code === 'unsupported' && err.message.includes('(Ops floating): time_zone:'),
    )
    assert.throws(() => servicenow.schedules([], [], { timeZone: 3 }), (err) => err.code === 'invalid_type')
    assert.throws(() => servicenow.cases([], { audits: [] }), (err) => err.code === 'unknown_key')
  })
})

const call = (c) => {
  const a = c.args
  switch (c.call) {
    case 'schedules':
      return servicenow.schedules(a.schedules, a.spans, { otherSchedules: a.other_schedules, timeZone: a.time_zone })
    case 'sla_definitions':
      return servicenow.slaDefinitions(a.contract_slas, { schedules: a.schedules })
    default:
      return servicenow.cases(a.tasks, { audit: a.audit, history: a.history, slaDefinitions: a.sla_definitions })
  }
}

describe('what the importer refuses names the record and field', () => {
  assert.ok(TABLE.cases.length >= 30)
  for (const c of TABLE.cases) {
    test(c.case, () => {
      assert.throws(() => call(c), (err) => {
        assert.equal(err.code, 'unsupported', err.message)
        assert.ok(err.message.startsWith(`${c.where}:`), err.message)
        return true
      })
    })
  }
})
