// Runs inside a scratch project where the packed tarball is installed (scripts/test_pack.sh):
// what `npm install entitlement` gives a CommonJS user.
const test = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')

test('require resolves to the installed package, not the source tree', () => {
  const resolved = require.resolve('entitlement')
  assert.equal(resolved, path.join(__dirname, 'node_modules', 'entitlement', 'index.js'))
})

test('the addon loads and answers the reference calendar', () => {
  const { Calendar } = require('entitlement')
  const cal = new Calendar({
    time_zone: 'America/New_York',
    hours: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, ['09:00-17:00']])),
    holidays: [{ name: 'Spring closure', date: '2026-03-09' }],
  })
  assert.equal(cal.add('2026-03-06T16:00:00-05:00', 8 * 3600e3).toISOString(), '2026-03-10T20:00:00.000Z')
  assert.equal(cal.elapsed('2026-03-06T10:00-05:00', '2026-03-10T11:00-04:00'), 9 * 3600e3)
})

test('errors carry their code through the installed addon', () => {
  const { Calendar } = require('entitlement')
  assert.throws(() => new Calendar({ time_zone: 'Mars/Olympus', hours: {} }), { code: 'unknown_time_zone' })
})

test('the rules engine and importers are there', () => {
  const { Ruleset, ics, zendesk } = require('entitlement')
  assert.equal(typeof Ruleset.fromObject, 'function')
  assert.equal(typeof ics.holidays, 'function')
  assert.equal(zendesk.railsTimeZone('Eastern Time (US & Canada)'), 'America/New_York')
})
