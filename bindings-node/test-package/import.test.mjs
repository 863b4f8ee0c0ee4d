// Runs inside the scratch project (scripts/test_pack.sh): what an ES module user gets.
import test from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'

import entitlement, { Calendar, Ruleset } from 'entitlement'
import * as namespace from 'entitlement'

const require = createRequire(import.meta.url)

test('import and require share one instance of the addon', () => {
  const cjs = require('entitlement')
  assert.equal(Calendar, cjs.Calendar)
  assert.equal(Ruleset, cjs.Ruleset)
  assert.equal(entitlement, cjs)
})

test('every CommonJS export is a named ES export', () => {
  const cjs = require('entitlement')
  const named = Object.keys(namespace).filter((k) => k !== 'default').sort()
  assert.deepEqual(named, Object.keys(cjs).sort())
})

test('the ES entry works end to end', () => {
  const cal = Calendar.alwaysOpen()
  assert.equal(cal.elapsed('2026-03-08T00:00:00-05:00', '2026-03-09T00:00:00-04:00'), 23 * 3600e3)
})

test('the package.json is exported for tools that read it', () => {
  assert.equal(require('entitlement/package.json').name, 'entitlement')
})
