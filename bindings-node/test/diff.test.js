'use strict'
// `rules.diff(other, { cases, now })`: the same answer as the core and Python for the shared pair
// of documents (tests/diff), camelCase fields with `Date` instants and millisecond deltas, an
// empty diff for a document against itself, and bad arguments refused naming them.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')

const { Ruleset } = require('..')

const PAIR = path.join(__dirname, '..', '..', 'tests', 'diff')
const data = JSON.parse(fs.readFileSync(path.join(PAIR, 'cases.json'), 'utf8'))
const expected = JSON.parse(fs.readFileSync(path.join(PAIR, 'expected.json'), 'utf8'))

const camel = (k) => k.replace(/_([a-z])/g, (_, c) => c.toUpperCase())

/** A CLI-JSON record with camelCase keys, instants as `Date`s and seconds as milliseconds. */
function native(record) {
  const out = {}
  for (const [k, v] of Object.entries(record)) {
    if (k.endsWith('_at') && typeof v === 'string') out[camel(k)] = new Date(v)
    else if ((k === 'delta' || k === 'target_delta') && typeof v === 'number') out[camel(k)] = v * 1000
    else out[camel(k)] = v
  }
  return out
}

test('the shared pair gives the same diff as the core and Python', () => {
  const old = Ruleset.load(path.join(PAIR, 'old.yaml'))
  const next = Ruleset.load(path.join(PAIR, 'new.yaml'))
  const d = old.diff(next, { cases: data.cases, now: data.now })
  assert.equal(d.hasChanges, true)
  assert.deepEqual(d.changes, expected.changes)
  assert.deepEqual(d.deadlines, expected.deadlines.map(native))
  assert.deepEqual(d.errors, expected.errors.map(native))
})

test('a document against itself has no changes; without cases no deadlines', () => {
  const rules = Ruleset.load(path.join(PAIR, 'old.yaml'))
  assert.deepEqual(rules.diff(rules), { hasChanges: false, changes: [], deadlines: [], errors: [] })
  const next = Ruleset.load(path.join(PAIR, 'new.yaml'))
  assert.deepEqual(rules.diff(next, null).deadlines, [])
  assert.deepEqual(rules.diff(next, { cases: null }).deadlines, [])
})

test('bad arguments are refused naming them', () => {
  const rules = Ruleset.load(path.join(PAIR, 'old.yaml'))
  assert.throws(() => rules.diff({ processes: [] }), (e) => e.code === 'invalid_type' && /other/.test(e.message))
  assert.throws(() => rules.diff(rules, { case: [] }), (e) => e.code === 'unknown_key')
  assert.throws(() => rules.diff(rules, { cases: data.cases, now: 'yesterday' }), (e) => /now/.test(e.message))
  assert.throws(() => rules.diff(rules, 5), (e) => e.code === 'invalid_type')
})
