'use strict'
// `rules.breachRisk`: Kaplan-Meier estimates of the risk that open milestones breach, by hand
// and by laws over seeded random histories.

const { test } = require('node:test')
const assert = require('node:assert/strict')

const { Ruleset } = require('..')

const HOUR = 3600e3
const START = Date.parse('2026-11-02T09:00:00Z')
const rules = Ruleset.fromObject({
  processes: [{ id: 'p', milestones: [{ name: 'Reply', kind: 'first_response', target: '4h' }] }],
})
const caseOf = (id, created, replyAfter) => ({
  id,
  process: 'p',
  created_at: new Date(created),
  events: replyAfter === null ? [] : [{ at: new Date(created + replyAfter), type: 'agent_reply' }],
})

test('by hand', () => {
  // Replies after 1h, 2h, 3h, 5h; one case open 2h30. S(4h) / S(2h30) = (3/10) / (3/5) = 1/2.
  const now = START + 6 * HOUR
  const cases = [1, 2, 3, 5].map((h, i) => caseOf(`c${i}`, START, h * HOUR))
  cases.push(caseOf('open', now - 2.5 * HOUR, null))
  const [risk] = rules.breachRisk(cases, new Date(now))
  assert.equal(risk.caseId, 'open')
  assert.equal(risk.probability, 0.5)
  assert.equal(risk.observations, 5)
  assert.equal(risk.completions, 4)
  assert.equal(risk.elapsed, 2.5 * HOUR)
  assert.equal(risk.target, 4 * HOUR)
  assert.equal(risk.state, 'in_progress')
  // Without completed history there is nothing to learn from; past the target it is certain.
  assert.equal(rules.breachRisk([caseOf('x', now - HOUR, null)], now)[0].probability, null)
  const late = rules.breachRisk([caseOf('y', START, null)], now)[0]
  assert.deepEqual([late.state, late.probability], ['violated', 1])
})

test('laws over random histories: bounds, order of cases, risk grows as a case runs', () => {
  let seed = 7
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648)
  for (let round = 0; round < 50; round++) {
    const now = START + 48 * HOUR
    const cases = []
    for (let i = 0; i < 1 + Math.floor(rand() * 30); i++) cases.push(caseOf(`d${i}`, START, Math.ceil(rand() * 600) * 60e3))
    for (let i = 0; i < 1 + Math.floor(rand() * 10); i++) cases.push(caseOf(`o${i}`, now - Math.floor(rand() * 600) * 60e3, null))
    const risks = rules.breachRisk(cases, now)
    const reversed = rules.breachRisk([...cases].reverse(), now)
    const byId = (list) => [...list].sort((a, b) => (a.caseId < b.caseId ? -1 : 1))
    assert.deepEqual(byId(reversed), byId(risks))
    for (const r of risks) {
      if (r.state === 'violated') assert.equal(r.probability, 1)
      else if (r.probability !== null) assert.ok(r.probability >= 0 && r.probability <= 1)
    }
    const known = [...risks].sort((a, b) => a.elapsed - b.elapsed).filter((r) => r.probability !== null)
    for (let i = 1; i < known.length; i++) assert.ok(known[i - 1].probability <= known[i].probability + 1e-12)
  }
})
