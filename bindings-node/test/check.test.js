'use strict'
// `rules.check()`: every warning code reachable (from the document the core's and Python's tests
// read too), the fields named as documented, `options.now` in every instant form deciding the
// entitlement warnings, bad options refused, and checking never changing the rules.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')

const { Ruleset } = require('..')

const REPO = path.join(__dirname, '..', '..')
const EVERY = path.join(REPO, 'tests', 'check', 'every_warning.yaml')
const NOW = '2026-11-25T20:30:00Z'
const CODES = [
  'calendar_rarely_open',
  'day_duration',
  'default_24x7',
  'entitlement_expired',
  'entitlement_not_started',
  'holiday_on_closed_day',
  'status_case',
  'tier_without_default',
  'trigger_after_target',
  'unknown_status',
  'unproduced_event',
  'unused_calendar',
]

test('every code is reachable, with the documented fields', () => {
  const warnings = Ruleset.load(EVERY).check({ now: NOW })
  assert.deepEqual([...new Set(warnings.map((w) => w.code))].sort(), CODES)
  for (const w of warnings) {
    assert.deepEqual(Object.keys(w).sort(), ['code', 'message', 'path'])
    assert.equal(typeof w.path, 'string')
    assert.ok(w.message.length > 40, w.message)
  }
  const byCode = Object.fromEntries(warnings.map((w) => [w.code, w]))
  assert.equal(byCode.day_duration.path, 'processes[0].milestones[0].target')
  assert.match(byCode.day_duration.message, /5 business days are `40h`/)
  assert.equal(byCode.trigger_after_target.path, 'processes[0].milestones[0].triggers[0].at')
  assert.equal(byCode.default_24x7.path, 'processes[2]')
  assert.equal(byCode.unused_calendar.path, 'calendars.spare')
  // Plain data: JSON round-trips it unchanged.
  assert.deepEqual(JSON.parse(JSON.stringify(warnings)), warnings)
})

test('options.now decides the entitlement warnings, in every instant form', () => {
  const rules = Ruleset.load(EVERY)
  const dated = (options) =>
    rules.check(options).filter((w) => w.code.startsWith('entitlement_')).map((w) => w.path)
  const now = ['entitlements[1].end_date', 'entitlements[2].start_date']
  assert.deepEqual(dated({ now: NOW }), now)
  assert.deepEqual(dated({ now: new Date(NOW) }), now)
  assert.deepEqual(dated({ now: Date.parse(NOW) }), now)
  assert.deepEqual(dated({ now: '2027-01-01T12:00:00-05:00' }), [
    'entitlements[0].end_date',
    'entitlements[1].end_date',
  ])
  // Without `now` (or with null), the current time.
  assert.deepEqual(rules.check(), rules.check({}))
  assert.deepEqual(rules.check(null), rules.check({ now: null }))
  if (new Date().getUTCFullYear() > 2026) assert.ok(dated().includes('entitlements[0].end_date'))
})

test('bad options are refused with a code and the place', () => {
  const rules = Ruleset.load(EVERY)
  for (const [options, code, where] of [
    [{ now: 'yesterday' }, 'invalid_instant', /options\.now/],
    [{ now: '2026-11-25T20:30:00' }, 'naive_datetime', /options\.now/],
    [{ nwo: NOW }, 'unknown_key', /nwo/],
    ['2026-11-25T20:30:00Z', 'invalid_type', /options/],
    [[NOW], 'invalid_type', /options/],
  ]) {
    assert.throws(() => rules.check(options), (e) => {
      assert.equal(e.code, code, `${JSON.stringify(options)}: ${e.message}`)
      assert.match(e.message, where)
      return true
    })
  }
})

test('the sample gives only its deliberate warnings', () => {
  const rules = Ruleset.load(path.join(REPO, 'examples', 'data', 'rules.yaml'))
  assert.deepEqual(rules.check({ now: NOW }).map((w) => [w.code, w.path]), [
    ['unused_calendar', 'calendars.follow-the-sun'],
    ['unused_calendar', 'calendars.night-shift'],
    ['unused_calendar', 'calendars.sydney'],
    ['unknown_status', 'processes[3].pause_statuses[1]'],
    ['unknown_status', 'processes[5].milestones[1].pause_statuses[0]'],
    ['entitlement_expired', 'entitlements[8].end_date'],
  ])
})

test('checking never changes the rules, at any now', () => {
  const rules = Ruleset.load(EVERY)
  const before = JSON.stringify(rules.toObject())
  let seed = 7
  for (let i = 0; i < 50; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    const now = new Date(Date.parse(NOW) + ((seed % 8000) - 4000) * 86400e3)
    const first = rules.check({ now })
    assert.deepEqual(rules.check({ now }), first)
    assert.equal(JSON.stringify(rules.toObject()), before)
  }
  assert.equal(JSON.stringify(Ruleset.fromObject(JSON.parse(before)).toObject()), before)
})
