'use strict'
// `err.path` on every thrown error (docs/errors.md, "err.path (Node)"): keys and indices from the
// core's `Error::path()`, prefixed by the item for a batch argument and naming the argument for
// an argument. And the document rules every layer shares: `timeZone` is an alias of `time_zone`
// in any calendar definition, inside a rules document too.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')

const { Calendar, Ruleset, ics } = require('..')

const thrown = (f) => {
  try {
    f()
  } catch (e) {
    return e
  }
  assert.fail('did not throw')
}

const NY = { time_zone: 'America/New_York', hours: { mon: ['09:00-17:00'] } }

test('a document error has the path of the value in the document', () => {
  const err = thrown(() => new Calendar({ time_zone: 'UTC', hours: { mon: ['9am'] } }))
  assert.equal(err.code, 'invalid_time')
  assert.deepEqual(err.path, ['hours', 'mon', 0])
  const doc = thrown(() => Ruleset.fromObject({ calendars: { ny: { time_zone: 'Mars/Olympus', hours: {} } } }))
  assert.equal(doc.code, 'unknown_time_zone')
  assert.deepEqual(doc.path, ['calendars', 'ny', 'time_zone'])
  const dotted = thrown(() => Ruleset.fromObject({ calendars: { 'a.b': { time_zone: 'Mars/Olympus', hours: {} } } }))
  assert.deepEqual(dotted.path, ['calendars', 'a.b', 'time_zone'])
})

test('an argument error names the argument; a batch item error the item', () => {
  const cal = new Calendar(NY)
  assert.deepEqual(thrown(() => cal.add('2026-03-06T16:00:00Z', 'soon')).path, ['ms'])
  assert.deepEqual(thrown(() => cal.add('2026-03-06T16:00:00', 1)).path, ['t'])
  assert.deepEqual(thrown(() => cal.elapsed(0, NaN)).path, ['b'])
  const item = thrown(() => Calendar.alwaysOpen().addMany([0, 253402300799000], 86400e3))
  assert.equal(item.code, 'out_of_range')
  assert.deepEqual(item.path, ['starts', 1])
  assert.match(item.message, /^starts\[1\]: /)
  assert.deepEqual(thrown(() => cal.addMany(['2026-03-06T16:00:00Z', null], 1)).path, ['starts', 1])
  const option = thrown(() => ics.holidays('', { timeZone: 'UTC', zone: 'x' }))
  assert.equal(option.code, 'unknown_key')
  assert.deepEqual(option.path, ['options'])
})

test('a case error has the path inside the case; the message names the case', () => {
  const rules = Ruleset.load(path.join(__dirname, '..', '..', 'examples', 'data', 'rules.yaml'))
  const c = { id: 'C-1', entitlement: 'acme-gold', created_at: '2026-11-16T15:00:00Z', events: [{ at: 'noon', type: 'agent_reply' }] }
  const err = thrown(() => rules.evaluate(c, new Date()))
  assert.deepEqual(err.path, ['events', 0, 'at'])
  assert.match(err.message, /C-1/)
  const many = thrown(() => rules.monitor([c], new Date(), null, { onError: 'raise' }))
  assert.deepEqual(many.path, ['events', 0, 'at'])
  // Collected (the default), the entry's path is relative to the list.
  assert.equal(rules.monitor([c], new Date()).errors[0].path, 'cases[0].events[0].at')
})

test('an error without a place has an empty path, and every error has one', () => {
  assert.deepEqual(thrown(() => Ruleset.fromJson('{')).path, [])
  for (const f of [() => new Calendar(5), () => Ruleset.fromYaml(': :'), () => Calendar.union([])]) {
    assert.ok(Array.isArray(thrown(f).path))
  }
})

test('timeZone is an alias of time_zone in a calendar inside a rules document too', () => {
  const doc = (calendar) => ({
    calendars: { ny: calendar },
    processes: [{ id: 'p', calendar: 'ny', milestones: [{ name: 'First Response', kind: 'first_response', target: '1h' }] }],
    entitlements: [{ id: 'e', process: 'p' }],
  })
  const rules = Ruleset.fromObject(doc({ timeZone: 'America/New_York', hours: { mon: ['09:00-17:00'] } }))
  const [status] = rules.evaluate({ id: 'C-1', entitlement: 'e', created_at: '2026-03-09T13:30:00Z' }, '2026-03-09T15:00:00Z')
  assert.equal(status.targetAt.toISOString(), '2026-03-09T14:30:00.000Z')
  assert.equal(Ruleset.fromObject(rules.toObject()).evaluate({ id: 'C-1', entitlement: 'e', created_at: '2026-03-09T13:30:00Z' }, '2026-03-09T15:00:00Z')[0].targetAt.getTime(), status.targetAt.getTime())
  const both = thrown(() => Ruleset.fromObject(doc({ timeZone: 'UTC', time_zone: 'UTC', hours: {} })))
  assert.equal(both.code, 'invalid_value')
  const text = thrown(() => Ruleset.fromYaml('calendars: { ny: { timeZone: Mars/Olympus, hours: {} } }'))
  assert.equal(text.code, 'unknown_time_zone')
})
