'use strict'
// The SLA rules through the built addon, against the product's own example
// (examples/data/rules.yaml, described in docs/rules.md). Every scenario of the core's
// entitlement-core/tests/rules.rs is here with its deadlines worked out by hand in the comments,
// then the laws of the replay as properties over seeded random logs, malformed input, and
// evaluation from worker threads.
//
// The New York desk (`ny-support`) is open Monday to Friday 09:00–12:00 and 13:00–17:00
// (7 business hours a day), closed on Thanksgiving (the 4th Thursday of November: 2026-11-26)
// and open only 09:00–13:00 on Friday 2026-11-27. New York is UTC−5 in November. London
// (`london`) is open Monday to Friday 09:00–17:30 and is UTC+0 in November.

const { describe, test } = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const fs = require('node:fs')
const { Worker } = require('node:worker_threads')

const { Ruleset, Calendar, MilestoneStatus, CaseEvaluation, EntitlementUsage } = require('..')

const PACKAGE = path.join(__dirname, '..')
const RULES_PATH = path.join(__dirname, '..', '..', 'examples', 'data', 'rules.yaml')
const rules = Ruleset.load(RULES_PATH)

const SECOND = 1e3
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE

/** Wednesday 2026-11-25 15:30 in New York. */
const NOW = '2026-11-25T20:30:00Z'

const at = (iso) => {
  const ms = Date.parse(iso)
  assert.ok(Number.isFinite(ms), `test bug: ${iso} does not parse`)
  return ms
}

/** Asserts that a `Date | null` getter names the instant `iso` (or is null). */
function assertAt(actual, iso, what = '') {
  if (iso === null) {
    assert.equal(actual, null, what)
    return
  }
  assert.ok(actual instanceof Date, `${what}: expected a Date, got ${actual}`)
  assert.equal(actual.toISOString(), new Date(at(iso)).toISOString(), what)
}

const evaluate = (c, now = NOW) => rules.evaluate(c, now)

function find(statuses, name, instance = 1) {
  const s = statuses.find((m) => m.milestone === name && m.instance === instance)
  assert.ok(s, `no status for ${name} #${instance} in ${JSON.stringify(statuses)}`)
  return s
}

/** Runs `fn`, which must throw, and returns the error. */
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
  assert.ok(
    err.message.includes(where),
    `the message ${JSON.stringify(err.message)} should name ${JSON.stringify(where)}`,
  )
}

/** The three forms an instant of a case may take. */
const FORMS = {
  iso: (iso) => iso,
  date: (iso) => new Date(at(iso)),
  epochMs: (iso) => at(iso),
}

/** The case with its instants (`created_at`, `events[i].at`) in another form. */
function inForm(c, form) {
  const convert = FORMS[form]
  return {
    ...c,
    created_at: convert(c.created_at),
    ...(c.events ? { events: c.events.map((e) => ({ ...e, at: convert(e.at) })) } : {}),
  }
}

const json = (statuses) => statuses.map((s) => s.toJSON())

// ---------------------------------------------------------------------------------------------
// The scenarios of entitlement-core/tests/rules.rs

describe('scenarios of the sample rules (hand-computed deadlines)', () => {
  const G1 = {
    id: 'G-1',
    entitlement: 'acme-gold',
    created_at: '2026-11-16T15:00:00Z', // Monday 2026-11-16 10:00 New York
    fields: { severity: 'Sev2' },
    events: [
      { at: '2026-11-16T15:40:00Z', type: 'agent_reply' }, // Mon 10:40
      { at: '2026-11-16T20:00:00Z', type: 'diagnosed' }, // Mon 15:00
      { at: '2026-11-16T21:00:00Z', type: 'status', to: 'Waiting on Customer' }, // Mon 16:00
      { at: '2026-11-17T15:00:00Z', type: 'customer_reply' }, // Tue 10:00
      { at: '2026-11-17T15:00:00Z', type: 'status', to: 'Open' },
      { at: '2026-11-17T16:00:00Z', type: 'agent_reply' }, // Tue 11:00
      { at: '2026-11-17T18:30:00Z', type: 'solved' }, // Tue 13:30
      { at: '2026-11-17T19:00:00Z', type: 'closed' }, // Tue 14:00
    ],
  }

  for (const form of Object.keys(FORMS)) {
    test(`gold: first response, diagnosis, resolution with a pause over a night (${form} instants)`, () => {
      // acme-gold pins gold v1: first response 1h, diagnosis 4h, resolution 8h on ny-support.
      const s = evaluate(inForm(G1, form), FORMS[form](NOW))
      assert.equal(s.length, 4)
      assert.ok(s.every((m) => m instanceof MilestoneStatus))

      // First response: 10:00 + 1h = 11:00 (16:00Z). Replied at 10:40: 40 min used. The 50%
      // warning (10:30) was crossed before the reply; the critical at -10m (10:50) was not.
      const fr = find(s, 'First Response')
      assert.equal(fr.state, 'completed')
      assert.equal(fr.kind, 'first_response')
      assert.equal(fr.caseId, 'G-1')
      assert.equal(fr.calendar, 'ny-support')
      assertAt(fr.startedAt, '2026-11-16T15:00:00Z')
      assertAt(fr.targetAt, '2026-11-16T16:00:00Z')
      assertAt(fr.completedAt, '2026-11-16T15:40:00Z')
      assert.equal(fr.target, 1 * HOUR)
      assert.equal(fr.elapsed, 40 * MINUTE)
      assert.equal(fr.paused, 0)
      assert.equal(fr.remaining, 20 * MINUTE)
      assert.deepEqual(fr.crossed, ['warning'])
      assert.equal(fr.nextTriggerAt, null)
      assert.ok(Math.abs(fr.consumed - 40 / 60) < 1e-12)
      assert.deepEqual(
        fr.triggers.map((t) => [t.point, t.level, t.actions, t.at.toISOString(), t.crossed]),
        [
          ['50%', 'warning', ['notify_owner'], '2026-11-16T15:30:00.000Z', true],
          ['-10m', 'critical', ['notify_manager'], '2026-11-16T15:50:00.000Z', false],
        ],
      )

      // Diagnosis: 10:00–12:00 (2h), lunch, 13:00–15:00 (2h): due 15:00 (20:00Z); diagnosed
      // exactly then, which is compliant.
      const dx = find(s, 'Diagnosis')
      assertAt(dx.targetAt, '2026-11-16T20:00:00Z')
      assert.equal(dx.state, 'completed')
      assert.equal(dx.remaining, 0)

      // Resolution: 5h active on Monday (10–12, 13–16); paused Mon 16:00 → Tue 10:00, which is
      // 1h of business time on Monday and 1h on Tuesday; the remaining 3h run Tue 10–12, 13–14:
      // due Tuesday 14:00 (19:00Z) instead of 11:00. Solved at 13:30: 7.5h used, 2h paused.
      const res = find(s, 'Resolution')
      assertAt(res.targetAt, '2026-11-17T19:00:00Z')
      assertAt(res.completedAt, '2026-11-17T18:30:00Z')
      assert.equal(res.state, 'completed')
      assert.equal(res.elapsed, 7.5 * HOUR)
      assert.equal(res.paused, 2 * HOUR)
      assert.equal(res.remaining, 0.5 * HOUR)
      // 75% = 6h active: Tue 10:00 + 1h = 11:00 (16:00Z), before the solve: crossed. The
      // violation at 100% (the target, 14:00) comes after the solve: not crossed.
      assertAt(res.triggers[0].at, '2026-11-17T16:00:00Z')
      assert.deepEqual(res.crossed, ['warning'])

      // Next response: the customer replied Tue 10:00; due 12:00; answered at 11:00.
      const nr = find(s, 'Next Response')
      assertAt(nr.startedAt, '2026-11-17T15:00:00Z')
      assertAt(nr.targetAt, '2026-11-17T17:00:00Z')
      assert.equal(nr.state, 'completed')
    })
  }

  test('the snake_case aliases read the same values', () => {
    for (const s of evaluate(G1)) {
      assert.equal(s.case_id, s.caseId)
      for (const [snake, camel] of [
        ['started_at', 'startedAt'],
        ['target_at', 'targetAt'],
        ['completed_at', 'completedAt'],
        ['next_trigger_at', 'nextTriggerAt'],
        ['breached_at', 'breachedAt'],
      ]) {
        assert.equal(s[snake]?.getTime() ?? null, s[camel]?.getTime() ?? null, `${s.milestone}.${snake}`)
      }
    }
    const [s] = evaluate(G1)
    assert.throws(() => {
      'use strict'
      s.target_at = new Date()
    }, TypeError)
  })

  test('toJSON: the wire format (snake_case keys, RFC 3339 text, seconds); JSON.stringify uses it', () => {
    const s = find(evaluate(G1), 'First Response')
    assert.deepEqual(s.toJSON(), {
      case_id: 'G-1',
      milestone: 'First Response',
      kind: 'first_response',
      instance: 1,
      state: 'completed',
      calendar: 'ny-support',
      started_at: '2026-11-16T15:00:00Z',
      target_at: '2026-11-16T16:00:00Z',
      completed_at: '2026-11-16T15:40:00Z',
      next_trigger_at: null,
      breached_at: null,
      target: 3600,
      elapsed: 2400,
      paused: 0,
      remaining: 1200,
      consumed: s.consumed,
      crossed: ['warning'],
      triggers: [
        {
          point: '50%', level: 'warning', actions: ['notify_owner'], at: '2026-11-16T15:30:00Z', crossed: true,
          fired_at: '2026-11-16T15:30:00Z',
        },
        {
          point: '-10m', level: 'critical', actions: ['notify_manager'], at: '2026-11-16T15:50:00Z', crossed: false,
          fired_at: null,
        },
      ],
    })
    assert.deepEqual(JSON.parse(JSON.stringify(s)), s.toJSON())
    // The getters stay camelCase, with Dates and milliseconds: the same instants and durations.
    assert.equal(new Date(s.toJSON().target_at).getTime(), s.targetAt.getTime())
    assert.equal(s.toJSON().remaining * 1000, s.remaining)
    assert.equal(s.caseId, 'G-1')
  })

  test('toJSON keeps the microseconds the core counts, as the wire format writes them', () => {
    // A case created at a fractional second: the instants keep their microseconds in the
    // text (the Date of a getter keeps milliseconds).
    const c = { ...G1, created_at: '2026-11-16T15:00:00.123456Z', events: [] }
    const s = find(evaluate(c), 'First Response')
    assert.equal(s.toJSON().started_at, '2026-11-16T15:00:00.123456Z')
    assert.equal(s.startedAt.toISOString(), '2026-11-16T15:00:00.123Z')
  })

  test('bronze: a pause over a weekend, a holiday inside the deadline, and a violation', () => {
    // initech-bronze: first response 48h round the clock; resolution 35h (5 business days) on
    // ny-support; "On Hold" pauses both. Created Friday 2026-11-20 15:00 New York (20:00Z).
    const c = {
      id: 'B-1',
      entitlement: 'initech-bronze',
      created_at: '2026-11-20T20:00:00Z',
      fields: { severity: 'Sev3' },
      events: [
        { at: '2026-11-20T21:00:00Z', type: 'status', to: 'On Hold' }, // Fri 16:00
        { at: '2026-11-23T15:00:00Z', type: 'status', to: 'Open' }, // Mon 10:00
      ],
    }
    const s = evaluate(c)

    // First response, 24x7: 1h active before the hold, on hold Fri 21:00Z → Mon 15:00Z (66h
    // of wall time, all of it business time on 24x7), then 47h more: due Wed 14:00Z. No reply
    // by now (Wed 20:30Z): violated, 1h + 53.5h = 54.5h used, 6.5h over. The warning at -4h
    // (44h active = Wed 10:00Z) is crossed.
    const fr = find(s, 'First Response')
    assert.equal(fr.calendar, '24x7')
    assertAt(fr.targetAt, '2026-11-25T14:00:00Z')
    assert.equal(fr.state, 'violated')
    assert.equal(fr.elapsed, 54.5 * HOUR)
    assert.equal(fr.paused, 66 * HOUR)
    assert.equal(fr.remaining, -6.5 * HOUR)
    assertAt(fr.triggers[0].at, '2026-11-25T10:00:00Z')
    assert.deepEqual(fr.crossed, ['warning'])

    // Resolution, 35h on ny-support: Fri 15–16 (1h) before the hold; the hold covers Fri 16–17
    // and Mon 09–10 of business time (2h; the weekend has none). From Mon 10:00 the other 34h:
    // Mon 6h (28 left), Tue 7h (21), Wed 7h (14), Thu 26 is Thanksgiving (closed), Fri 27 the
    // half day 09–13 (4h, 10 left), Mon 30 7h (3 left), Tue Dec 1 09:00–12:00: due 12:00
    // New York (17:00Z). Without the Thanksgiving rule it would be Mon 30 at 16:00.
    const res = find(s, 'Resolution')
    assertAt(res.targetAt, '2026-12-01T17:00:00Z')
    assert.equal(res.state, 'in_progress')
    assert.equal(res.paused, 2 * HOUR)
    // Used by Wed 15:30: 1h + Mon 6h + Tue 7h + Wed 09–12, 13–15:30 (5.5h) = 19.5h.
    assert.equal(res.elapsed, 19.5 * HOUR)
    assert.equal(res.remaining, 15.5 * HOUR)
    // 80% = 28h active: 1h + 27h from Mon 10:00: Mon 6 (21 left), Tue 7 (14), Wed 7 (7),
    // Thu closed, Fri 4 (3), Mon 30 09:00–12:00: Mon 30 12:00 New York (17:00Z), not crossed.
    assertAt(res.nextTriggerAt, '2026-11-30T17:00:00Z')
    assert.deepEqual(res.crossed, [])
  })

  test('a pause still open at now gives a provisional target that only moves out', () => {
    // acme-gold, created Wed 2026-11-25 09:00 New York (14:00Z); replied 09:30; waiting on the
    // customer since 10:00 and still waiting at now (15:30).
    const c = {
      id: 'G-2',
      entitlement: 'acme-gold',
      created_at: '2026-11-25T14:00:00Z',
      events: [
        { at: '2026-11-25T14:30:00Z', type: 'agent_reply' },
        { at: '2026-11-25T15:00:00Z', type: 'status', to: 'Waiting on Customer' },
      ],
    }
    const s = evaluate(c)
    // Resolution 8h: 1h active (09–10); paused 10–12 and 13–15:30 (4.5h). As if the clock
    // resumed now: 7h from Wed 15:30: Wed 1.5h (5.5 left), Thu closed, Fri 27 09–13 (1.5
    // left), Mon 30 09:00–10:30: provisional target Mon 10:30 New York (15:30Z).
    const res = find(s, 'Resolution')
    assert.equal(res.state, 'paused')
    assert.equal(res.elapsed, 1 * HOUR)
    assert.equal(res.paused, 4.5 * HOUR)
    assertAt(res.targetAt, '2026-11-30T15:30:00Z')
    // An hour later, still paused: the target moves out to Mon 11:30, never in.
    const res2 = find(evaluate(c, '2026-11-25T21:30:00Z'), 'Resolution')
    assertAt(res2.targetAt, '2026-11-30T16:30:00Z')
    assert.equal(res2.elapsed, 1 * HOUR)
    // First response was answered before the pause and is untouched by it.
    assert.equal(find(s, 'First Response').state, 'completed')
  })

  test('severity raised mid-case retargets from the milestone start', () => {
    // globex-gold uses the default version of gold, v2: resolution Sev1 4h / Sev2 8h / else
    // 16h; diagnosis only for Sev1 or Sev2; first response Sev1 30m, else 1h. Created Monday
    // 2026-11-23 09:00 New York (14:00Z) as Sev3; raised to Sev1 at 11:00.
    const c = {
      id: 'S-1',
      entitlement: 'globex-gold',
      created_at: '2026-11-23T14:00:00Z',
      fields: { severity: 'Sev1' },
      events: [
        { at: '2026-11-23T14:45:00Z', type: 'agent_reply' }, // 09:45
        { at: '2026-11-23T16:00:00Z', type: 'field', field: 'severity', from: 'Sev3', to: 'Sev1' },
        { at: '2026-11-23T20:00:00Z', type: 'diagnosed' }, // 15:00
      ],
    }
    const e = rules.evaluateCase(c, NOW)
    assert.ok(e instanceof CaseEvaluation)
    assert.equal(e.process, 'gold')
    assert.equal(e.processVersion, 2)
    assert.equal(e.covered, true)
    assert.equal(e.reason, null)
    assert.equal(e.entitlementStatus, 'active')
    const s = e.milestones
    // First response completed at 09:45 while still Sev3: the 1h default applies: due 10:00.
    const fr = find(s, 'First Response')
    assert.equal(fr.target, 1 * HOUR)
    assertAt(fr.targetAt, '2026-11-23T15:00:00Z')
    assert.equal(fr.state, 'completed')
    // Resolution now follows Sev1 (4h) from its start at 09:00: 09–12 (3h), 13–14 (1h): due
    // Monday 14:00 (19:00Z); unsolved at Wed 15:30: violated.
    const res = find(s, 'Resolution')
    assert.equal(res.target, 4 * HOUR)
    assertAt(res.startedAt, '2026-11-23T14:00:00Z')
    assertAt(res.targetAt, '2026-11-23T19:00:00Z')
    assert.equal(res.state, 'violated')
    // Diagnosis did not apply to a Sev3 case; it starts when the case becomes Sev1 (11:00):
    // 11–12, 13–16: due 16:00 (21:00Z); diagnosed at 15:00.
    const dx = find(s, 'Diagnosis')
    assertAt(dx.startedAt, '2026-11-23T16:00:00Z')
    assertAt(dx.targetAt, '2026-11-23T21:00:00Z')
    assert.equal(dx.state, 'completed')
    // Before the raise the same case was on the 16h default, and diagnosis had not started.
    const before = evaluate(c, '2026-11-23T15:30:00Z')
    assert.equal(find(before, 'Resolution').target, 16 * HOUR)
    const pending = find(before, 'Diagnosis')
    assert.equal(pending.state, 'pending')
    assert.equal(pending.startedAt, null)
    assert.equal(pending.targetAt, null)
  })

  test('independent next responses recur, one open at a time', () => {
    // acme-gold (v1): next response 2h, recurrence independent. Created Mon 2026-11-23 09:00.
    const c = {
      id: 'N-1',
      entitlement: 'acme-gold',
      created_at: '2026-11-23T14:00:00Z',
      events: [
        { at: '2026-11-23T14:10:00Z', type: 'agent_reply' },
        { at: '2026-11-23T15:00:00Z', type: 'customer_reply' }, // Mon 10:00 → #1
        { at: '2026-11-23T16:00:00Z', type: 'agent_reply' }, // Mon 11:00
        { at: '2026-11-23T18:00:00Z', type: 'customer_reply' }, // Mon 13:00 → #2
        { at: '2026-11-23T18:30:00Z', type: 'customer_reply' }, // one is open: ignored
        { at: '2026-11-24T15:00:00Z', type: 'agent_reply' }, // Tue 10:00
        { at: '2026-11-25T19:00:00Z', type: 'customer_reply' }, // Wed 14:00 → #3
      ],
    }
    const s = evaluate(c)
    // #1: Mon 10:00 + 2h = 12:00 (17:00Z); answered at 11:00.
    const n1 = find(s, 'Next Response', 1)
    assertAt(n1.targetAt, '2026-11-23T17:00:00Z')
    assert.equal(n1.state, 'completed')
    // #2: Mon 13:00 + 2h = 15:00 (20:00Z); answered Tuesday: late.
    const n2 = find(s, 'Next Response', 2)
    assertAt(n2.startedAt, '2026-11-23T18:00:00Z')
    assertAt(n2.targetAt, '2026-11-23T20:00:00Z')
    assert.equal(n2.state, 'completed_late')
    // #3: Wed 14:00 + 2h = 16:00 (21:00Z); at 15:30 1.5h used, and the 75% warning falls at
    // exactly 15:30 = now: a trigger is crossed when the clock reaches it.
    const n3 = find(s, 'Next Response', 3)
    assert.equal(n3.state, 'in_progress')
    assertAt(n3.targetAt, '2026-11-25T21:00:00Z')
    assert.equal(n3.elapsed, 1.5 * HOUR)
    assert.deepEqual(n3.crossed, ['warning'])
    assert.equal(n3.nextTriggerAt, null)
    assert.ok(s.every((m) => m.milestone !== 'Next Response' || m.instance <= 3))
  })

  test('sequential next responses start no earlier than the previous target', () => {
    // globex-gold (gold v2): next response 2h, recurrence sequential. Created Mon 09:00.
    const c = {
      id: 'N-2',
      entitlement: 'globex-gold',
      created_at: '2026-11-23T14:00:00Z',
      fields: { severity: 'Sev2' },
      events: [
        { at: '2026-11-23T14:05:00Z', type: 'agent_reply' },
        { at: '2026-11-23T15:00:00Z', type: 'customer_reply' }, // 10:00 → #1 due 12:00
        { at: '2026-11-23T15:30:00Z', type: 'agent_reply' }, // 10:30
        { at: '2026-11-23T16:00:00Z', type: 'customer_reply' }, // 11:00 → #2
        { at: '2026-11-23T19:00:00Z', type: 'agent_reply' }, // 14:00
      ],
    }
    const s = evaluate(c)
    // #2 starts at #1's target, 12:00 (the lunch hour), so its clock runs 13:00–15:00.
    const n2 = find(s, 'Next Response', 2)
    assertAt(n2.startedAt, '2026-11-23T17:00:00Z')
    assertAt(n2.targetAt, '2026-11-23T20:00:00Z')
    assert.equal(n2.elapsed, 1 * HOUR)
    assert.equal(n2.state, 'completed')
  })

  test('sev1: a warning at half time; exactly at the target is compliant, a second later is late', () => {
    // umbrella-sev1: first response 15m, resolution 2h, both 24x7. Created Tue 10:00Z.
    const base = (reply) => ({
      id: 'P-1',
      entitlement: 'umbrella-sev1',
      created_at: '2026-11-24T10:00:00Z',
      events: [{ at: reply, type: 'agent_reply' }],
    })
    // Exactly at the target (10:15): compliant; the warning (10:07:30) was crossed, the
    // violation at the target was not.
    let fr = find(evaluate(base('2026-11-24T10:15:00Z')), 'First Response')
    assertAt(fr.targetAt, '2026-11-24T10:15:00Z')
    assert.equal(fr.state, 'completed')
    assertAt(fr.triggers[0].at, '2026-11-24T10:07:30Z')
    assert.deepEqual(fr.crossed, ['warning'])
    assert.equal(fr.remaining, 0)
    // One second later: late, and the violation (with its actions) was crossed.
    fr = find(evaluate(base('2026-11-24T10:15:01Z')), 'First Response')
    assert.equal(fr.state, 'completed_late')
    assert.deepEqual(fr.crossed, ['warning', 'violation'])
    assert.deepEqual(fr.triggers[1].actions, ['page_oncall', 'open_war_room'])
    assert.equal(fr.triggers[1].crossed, true)
    assert.equal(fr.remaining, -1 * SECOND)
    // While open: at 10:10 the warning is crossed and the next trigger is the target.
    const open = { id: 'P-2', entitlement: 'umbrella-sev1', created_at: '2026-11-24T10:00:00Z', events: [] }
    fr = find(evaluate(open, '2026-11-24T10:10:00Z'), 'First Response')
    assert.equal(fr.state, 'in_progress')
    assert.deepEqual(fr.crossed, ['warning'])
    assertAt(fr.nextTriggerAt, '2026-11-24T10:15:00Z')
    assert.equal(fr.remaining, 5 * MINUTE)
    assert.equal(fr.calendar, '24x7')
  })

  test('a reopened case restarts resolution as a new instance', () => {
    // umbrella-sev1. Solved Tue 11:00Z within its 2h; reopened Wed 09:00Z; still open at now.
    const c = {
      id: 'R-1',
      entitlement: 'umbrella-sev1',
      created_at: '2026-11-24T10:00:00Z',
      events: [
        { at: '2026-11-24T10:05:00Z', type: 'agent_reply' },
        { at: '2026-11-24T11:00:00Z', type: 'solved' },
        { at: '2026-11-24T11:30:00Z', type: 'status', to: 'Closed' },
        { at: '2026-11-25T09:00:00Z', type: 'reopened' },
        { at: '2026-11-25T09:01:00Z', type: 'agent_reply' },
      ],
    }
    const s = evaluate(c)
    const r1 = find(s, 'Resolution', 1)
    assert.equal(r1.state, 'completed')
    assertAt(r1.completedAt, '2026-11-24T11:00:00Z')
    // #2 from 09:00Z, due 11:00Z; at 20:30Z 11.5h used: violated, 9.5h over; the warning
    // (10:00Z), the violation (11:00Z) and the escalation at +1h (12:00Z) are all crossed.
    const r2 = find(s, 'Resolution', 2)
    assertAt(r2.startedAt, '2026-11-25T09:00:00Z')
    assertAt(r2.targetAt, '2026-11-25T11:00:00Z')
    assert.equal(r2.state, 'violated')
    assert.equal(r2.remaining, -9.5 * HOUR)
    assert.deepEqual(r2.crossed, ['warning', 'violation', 'escalation'])
    assert.deepEqual(
      r2.triggers.map((t) => t.at.toISOString()),
      ['2026-11-25T10:00:00.000Z', '2026-11-25T11:00:00.000Z', '2026-11-25T12:00:00.000Z'],
    )
    // First response happens once: the reply after the reopen does not start a second one.
    assert.equal(s.filter((m) => m.milestone === 'First Response').length, 1)
  })

  test('regulated: an acknowledgment round the clock and a milestone-level pause', () => {
    // northbank-regulated: acknowledgment 30m round the clock; resolution 4h on london,
    // paused only by "Pending Regulator". Created Tue 2026-11-24 08:00 London (= UTC).
    const c = {
      id: 'F-1',
      entitlement: 'northbank-regulated',
      created_at: '2026-11-24T08:00:00Z',
      events: [
        { at: '2026-11-24T08:25:00Z', type: 'acknowledged' },
        { at: '2026-11-24T10:00:00Z', type: 'status', to: 'Pending Regulator' },
        { at: '2026-11-25T10:00:00Z', type: 'status', to: 'In Progress' },
        { at: '2026-11-25T12:00:00Z', type: 'solved' },
      ],
    }
    const s = evaluate(c)
    // Acknowledgment due 08:30; done 08:25; its critical at -10m (08:20) was crossed.
    const ack = find(s, 'Acknowledgment')
    assert.equal(ack.kind, 'custom')
    assertAt(ack.targetAt, '2026-11-24T08:30:00Z')
    assert.equal(ack.state, 'completed')
    assert.deepEqual(ack.crossed, ['critical'])
    // Resolution: the desk opens 09:00; 1h active to 10:00; paused Tue 10:00–17:30 (7.5h) and
    // Wed 09:00–10:00 (1h); 3h more from Wed 10:00: due Wed 13:00; solved at 12:00.
    const res = find(s, 'Resolution')
    assert.equal(res.calendar, 'london')
    assertAt(res.targetAt, '2026-11-25T13:00:00Z')
    assert.equal(res.paused, 8.5 * HOUR)
    assert.equal(res.elapsed, 3 * HOUR)
    assert.equal(res.state, 'completed')
  })

  test('explicit stop and resume stop the clock', () => {
    const c = {
      id: 'P-3',
      entitlement: 'umbrella-sev1',
      created_at: '2026-11-24T10:00:00Z',
      events: [
        { at: '2026-11-24T10:05:00Z', type: 'stop' },
        { at: '2026-11-24T10:35:00Z', type: 'resume' },
      ],
    }
    // 5 minutes, 30 stopped, 10 more: due 10:45Z.
    let fr = find(evaluate(c, '2026-11-24T10:40:00Z'), 'First Response')
    assertAt(fr.targetAt, '2026-11-24T10:45:00Z')
    assert.equal(fr.paused, 30 * MINUTE)
    assert.equal(fr.state, 'in_progress')
    // While stopped (10:20): paused, with the target provisional: 10 minutes left from 10:20.
    fr = find(evaluate(c, '2026-11-24T10:20:00Z'), 'First Response')
    assert.equal(fr.state, 'paused')
    assertAt(fr.targetAt, '2026-11-24T10:30:00Z')
  })

  test('cases without a live entitlement get a clear result, not an error', () => {
    const none = { id: 'X-1', created_at: '2026-11-24T10:00:00Z' }
    let e = rules.evaluateCase(none, NOW)
    assert.equal(e.covered, false)
    assert.equal(e.entitlementStatus, 'none')
    assert.equal(e.entitlement, null)
    assert.ok(e.reason.includes('no entitlement'))
    assert.deepEqual(e.account, {})
    assert.deepEqual(e.milestones, [])
    assert.deepEqual(evaluate(none), [])

    // hooli-bronze-2025 ended 2025-12-31: a case raised in 2026 is not covered.
    const expired = { id: 'X-2', entitlement: 'hooli-bronze-2025', created_at: '2026-11-24T10:00:00Z' }
    e = rules.evaluateCase(expired, NOW)
    assert.equal(e.covered, false)
    assert.equal(e.entitlementStatus, 'expired')
    assert.ok(e.reason.includes('expired'))
    assert.deepEqual(e.milestones, [])
    assert.equal(e.account.name, 'Hooli')
    assert.deepEqual(e.toJSON().account, { id: 'A-6', name: 'Hooli', arr: 24000, renewal_date: '2025-12-31' })

    // A case raised while it was active keeps its milestones after it expires.
    const old = { id: 'X-3', entitlement: 'hooli-bronze-2025', created_at: '2025-12-31T15:00:00Z' }
    e = rules.evaluateCase(old, NOW)
    assert.equal(e.covered, true)
    assert.equal(e.entitlementStatus, 'expired')
    assert.equal(e.milestones.length, 2)

    // A case may name a process itself (a pinned version) without an entitlement.
    const direct = { id: 'X-4', process: { id: 'gold', version: 1 }, created_at: '2026-11-24T15:00:00Z' }
    e = rules.evaluateCase(direct, NOW)
    assert.equal(e.covered, true)
    assert.equal(e.process, 'gold')
    assert.equal(e.processVersion, 1)
    assert.equal(e.entitlementStatus, 'none')
  })

  test('CaseEvaluation.toJSON holds the account and the milestones as toJSON gives them', () => {
    const e = rules.evaluateCase(G1, NOW)
    const j = e.toJSON()
    assert.deepEqual(Object.keys(j), [
      'case_id', 'entitlement', 'entitlement_status', 'covered', 'reason', 'process',
      'process_version', 'account', 'milestones',
    ])
    assert.equal(j.case_id, 'G-1')
    assert.equal(j.process_version, 1)
    assert.equal(j.account.csm.email, 'lee@example.com')
    assert.deepEqual(j.milestones, json(e.milestones))
    assert.deepEqual(JSON.parse(JSON.stringify(e)), j)
  })

  test('an unknown event type names the case and events[1].type; an unknown entitlement its id', () => {
    const c = {
      id: 'E-1',
      entitlement: 'acme-gold',
      created_at: '2026-11-24T15:00:00Z',
      events: [
        { at: '2026-11-24T15:10:00Z', type: 'agent_reply' },
        { at: '2026-11-24T15:20:00Z', type: 'escalated_to_mars' },
      ],
    }
    const err = thrown(() => evaluate(c))
    assertError(err, 'unknown_event_type', 'events[1].type')
    assert.ok(err.message.includes('"E-1"'), err.message)
    assert.ok(err.message.includes('escalated_to_mars') && err.message.includes('diagnosed'), err.message)
    assertError(thrown(() => rules.evaluateCase(c, NOW)), 'unknown_event_type', 'events[1].type')

    const unknown = { id: 'E-2', entitlement: 'nobody', created_at: '2026-11-24T15:00:00Z' }
    const err2 = thrown(() => evaluate(unknown))
    assertError(err2, 'unknown_entitlement', 'acme-gold')
    assert.ok(err2.message.startsWith('case "E-2"'), err2.message)
  })

  /** [case, code, path the message must name]: the core's bad-input table. */
  const BAD_CASES = [
    [{ id: 'E-3', created_at: '2026-11-24T15:00:00' }, 'naive_datetime', 'created_at'],
    [{ id: 'E-4', created_at: '2026-11-24T15:00:00Z', events: [{ at: '2026-11-24T16:00:00Z' }] }, 'missing_key', 'events[0]'],
    [
      { id: 'E-5', created_at: '2026-11-24T15:00:00Z', events: [{ at: '2026-11-24T14:00:00Z', type: 'solved' }] },
      'invalid_value',
      'events[0].at',
    ],
    [
      { id: 'E-6', created_at: '2026-11-24T15:00:00Z', events: [{ at: '2026-11-24T16:00:00Z', type: 'status' }] },
      'missing_key',
      'events[0]',
    ],
    [{ id: 'E-7', created_at: '2026-11-24T15:00:00Z', colour: 'red' }, 'unknown_key', 'colour'],
    [{ id: 'E-8', created_at: '2026-11-24T15:00:00Z', fields: { tags: ['a'] } }, 'invalid_type', 'fields.tags'],
  ]
  for (const [c, code, where] of BAD_CASES) {
    test(`bad case ${c.id}: ${code} naming ${where}`, () => {
      const err = thrown(() => evaluate(c))
      assertError(err, code, where)
      assert.ok(err.message.startsWith(`case "${c.id}": `), err.message)
    })
  }
})

// ---------------------------------------------------------------------------------------------
// Documents: errors, versions, round trips

describe('rules documents', () => {
  const base = () => ({
    calendars: { ny: { time_zone: 'America/New_York', hours: { mon: ['09:00-17:00'] } } },
    processes: [
      {
        id: 'gold',
        calendar: 'ny',
        milestones: [
          { name: 'FR', kind: 'first_response', target: '1h' },
          { name: 'NR', kind: 'next_response', target: '2h' },
          { name: 'Res', kind: 'resolution', target: { by: 'severity', values: { Sev1: '8h' }, default: '40h' } },
        ],
      },
    ],
    entitlements: [{ id: 'acme', process: 'gold' }],
  })

  /** [JSON pointer, value put there, expected code]: the core's table. */
  const MUTATIONS = [
    ['/processes/0/milestones/2/target/values/Sev1', '8 hours', 'invalid_duration'],
    ['/processes/0/milestones/2/target/values/Sev1', 8, 'invalid_type'],
    ['/processes/0/milestones/2/target/values/Sev1', '-1h', 'invalid_value'],
    ['/processes/0/calendar', 'mars', 'unknown_calendar'],
    ['/processes/0/milestones/1/kind', 'second_response', 'invalid_value'],
    ['/processes/0/milestones/1/recurrence', 'weekly', 'invalid_value'],
    ['/processes/0/milestones/0/when', { field: 'severity', op: 'like', value: 'x' }, 'unknown_operator'],
    ['/processes/0/milestones/0/when', { field: 'severity', op: 'in', value: 'Sev1' }, 'invalid_type'],
    ['/processes/0/milestones/0/triggers', [{ at: 'fifty', level: 'warning' }], 'invalid_duration'],
    ['/processes/0/milestones/0/triggers', [{ at: '50%', level: 'loud' }], 'invalid_value'],
    ['/processes/0/milestones/0/colour', 'red', 'unknown_key'],
    ['/entitlements/0/process', 'platinum', 'unknown_process'],
    ['/entitlements/0/process', { id: 'gold', version: 3 }, 'unknown_process_version'],
    ['/entitlements/0/start_date', '2026-02-30', 'invalid_date'],
    ['/entitlements/0/quotas', [{ period: 'week', max_cases: 3 }], 'invalid_value'],
    ['/processes/0/milestones/1/name', 'FR', 'duplicate'],
  ]

  const dotted = (pointer) =>
    pointer
      .slice(1)
      .split('/')
      .reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '')

  test('the base document is valid', () => {
    assert.ok(Ruleset.fromObject(base()) instanceof Ruleset)
    assert.ok(new Ruleset(base()) instanceof Ruleset)
  })

  for (const [pointer, value, code] of MUTATIONS) {
    test(`${pointer} = ${JSON.stringify(value)}: ${code}, naming the path`, () => {
      const doc = base()
      const parts = pointer.slice(1).split('/')
      const key = parts.pop()
      let target = doc
      for (const part of parts) target = target[part]
      target[key] = value
      const err = thrown(() => Ruleset.fromObject(doc))
      assert.equal(err.code, code, err.message)
      const full = dotted(pointer)
      const parent = full.replace(/(\.[^.[]+|\[\d+\])$/, '')
      assert.ok(
        err.message.startsWith(full) || err.message.startsWith(parent),
        `${err.message} should name ${full}`,
      )
      // The same document as JSON text gives the same error.
      const again = thrown(() => Ruleset.fromJson(JSON.stringify(doc)))
      assert.equal(again.code, code)
      assert.equal(again.message, err.message)
    })
  }

  test('the path named in the issue: processes[0].milestones[2].target.values.Sev1', () => {
    const doc = base()
    doc.processes[0].milestones[2].target.values.Sev1 = 'soon'
    const err = thrown(() => Ruleset.fromObject(doc))
    assert.equal(err.code, 'invalid_duration')
    assert.ok(
      err.message.startsWith('processes[0].milestones[2].target.values.Sev1: invalid duration "soon"'),
      err.message,
    )
    const yaml = `
calendars: { ny: { time_zone: America/New_York, hours: { mon: ["09:00-17:00"] } } }
processes:
  - id: gold
    calendar: ny
    milestones:
      - { name: FR, kind: first_response, target: 1h }
      - { name: NR, kind: next_response, target: 2h }
      - { name: Res, kind: resolution, target: { by: severity, values: { Sev1: soon }, default: 40h } }
`
    const fromYaml = thrown(() => Ruleset.fromYaml(yaml))
    assert.equal(fromYaml.code, 'invalid_duration')
    assert.equal(fromYaml.message, err.message)
  })

  test('two versions of one id coexist; the same version twice is a duplicate', () => {
    const doc = base()
    const v2 = { ...structuredClone(doc.processes[0]), version: 2 }
    doc.processes.push(v2)
    assert.ok(Ruleset.fromObject(doc))
    doc.processes.push(structuredClone(v2))
    assertError(thrown(() => Ruleset.fromObject(doc)), 'duplicate', 'processes[2].version')
  })

  test('versions: the one marked default, else the highest, unless pinned', () => {
    const doc = (defaultV1) => ({
      processes: [
        { id: 'p', version: 1, default: defaultV1, milestones: [{ name: 'A', kind: 'resolution', target: '1h' }] },
        { id: 'p', version: 3, milestones: [{ name: 'A', kind: 'resolution', target: '3h' }] },
        { id: 'p', version: 2, milestones: [{ name: 'A', kind: 'resolution', target: '2h' }] },
      ],
      entitlements: [
        { id: 'e', process: 'p' },
        { id: 'pinned', process: { id: 'p', version: 2 } },
      ],
    })
    const target = (r, ent) =>
      r.evaluate({ id: 'c', entitlement: ent, created_at: '2026-11-24T10:00:00Z' }, NOW)[0].target
    const highest = Ruleset.fromObject(doc(false))
    assert.equal(target(highest, 'e'), 3 * HOUR)
    assert.equal(target(highest, 'pinned'), 2 * HOUR)
    const marked = Ruleset.fromObject(doc(true))
    assert.equal(target(marked, 'e'), 1 * HOUR)
    assert.equal(marked.evaluateCase({ id: 'c', entitlement: 'e', created_at: '2026-11-24T10:00:00Z' }, NOW).processVersion, 1)
  })

  test('toObject round trip: fromObject(toObject()) is the same rules', () => {
    const doc = rules.toObject()
    assert.equal(Object.getPrototypeOf(doc), Object.prototype)
    assert.deepEqual(Object.keys(doc).sort(), ['calendars', 'entitlements', 'monitor', 'processes'])
    assert.equal(doc.processes.length, 6) // gold v1 and v2, silver, bronze, sev1, regulated
    assert.equal(doc.entitlements.length, 9)
    const again = Ruleset.fromObject(doc)
    assert.deepEqual(again.toObject(), doc)
    assert.deepEqual(JSON.parse(JSON.stringify(rules)), doc)
    assert.deepEqual(Ruleset.fromJson(JSON.stringify(doc)).toObject(), doc)
    // And the same evaluations.
    const c = {
      id: 'RT', entitlement: 'initech-bronze', created_at: '2026-11-20T20:00:00Z',
      events: [{ at: '2026-11-20T21:00:00Z', type: 'status', to: 'On Hold' }],
    }
    assert.deepEqual(json(again.evaluate(c, NOW)), json(rules.evaluate(c, NOW)))
  })

  test('the file, JSON, YAML and TOML forms of a document agree', () => {
    const text = fs.readFileSync(RULES_PATH, 'utf8')
    assert.deepEqual(Ruleset.fromYaml(text).toObject(), rules.toObject())
    const toml = `
[calendars.ny]
time_zone = "America/New_York"
hours = { mon = ["09:00-17:00"] }

[[processes]]
id = "gold"
calendar = "ny"
milestones = [ { name = "FR", kind = "first_response", target = "1h" },
               { name = "NR", kind = "next_response", target = "2h" },
               { name = "Res", kind = "resolution", target = { by = "severity", values = { Sev1 = "8h" }, default = "40h" } } ]

[[entitlements]]
id = "acme"
process = "gold"
`
    assert.deepEqual(Ruleset.fromToml(toml).toObject(), Ruleset.fromObject(base()).toObject())
  })

  test('a Calendar object may stand for a calendar definition', () => {
    const ny = new Calendar(base().calendars.ny)
    const doc = { ...base(), calendars: { ny } }
    assert.deepEqual(Ruleset.fromObject(doc).toObject(), Ruleset.fromObject(base()).toObject())
  })

  test('keys such as __proto__ come back as own properties', () => {
    const doc = JSON.parse(
      '{"calendars": {"__proto__": {"always_open": true}},' +
        '"processes": [{"id": "p", "calendar": "__proto__", "milestones": [{"name": "A", "kind": "resolution", "target": "1h"}]}],' +
        '"entitlements": [{"id": "e", "process": "p", "account": {"__proto__": {"x": 1}}}]}',
    )
    const out = Ruleset.fromObject(doc).toObject()
    assert.deepEqual(Object.keys(out.calendars), ['__proto__'])
    assert.equal(Object.getPrototypeOf(out.calendars), Object.prototype)
    assert.ok(Object.hasOwn(out.entitlements[0].account, '__proto__'))
    const e = Ruleset.fromObject(doc).evaluateCase({ id: 'c', entitlement: 'e', created_at: '2026-11-24T10:00:00Z' }, NOW)
    assert.ok(Object.hasOwn(e.account, '__proto__'))
  })

  test('Ruleset.schema() is the JSON Schema of the document', () => {
    const schema = Ruleset.schema()
    assert.equal(schema.title, 'Entitlement rules document')
    assert.equal(schema.type, 'object')
    for (const key of ['calendars', 'processes', 'entitlements']) assert.ok(schema.properties[key], key)
    for (const key of ['id', 'version', 'pause_statuses', 'exit_statuses', 'milestones']) {
      assert.ok(schema.$defs.Process.properties[key], `Process.${key}`)
    }
    assert.equal(schema.$defs.Process.additionalProperties, false)
    assert.deepEqual(JSON.parse(JSON.stringify(schema)), schema)
    assert.notEqual(Ruleset.schema(), schema) // a fresh object at each call
  })

  test('Ruleset.load reads .json and .yml; other extensions and missing files are errors', (t) => {
    const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'entitlement-rules-'))
    t.after(() => fs.rmSync(dir, { recursive: true, force: true }))
    const jsonPath = path.join(dir, 'rules.json')
    fs.writeFileSync(jsonPath, JSON.stringify(base()))
    assert.deepEqual(Ruleset.load(jsonPath).toObject(), Ruleset.fromObject(base()).toObject())
    const ymlPath = path.join(dir, 'rules.yml')
    fs.copyFileSync(RULES_PATH, ymlPath)
    assert.deepEqual(Ruleset.load(ymlPath).toObject(), rules.toObject())
    assertError(thrown(() => Ruleset.load(path.join(dir, 'rules.txt'))), 'invalid_value', 'extension')
    assertError(thrown(() => Ruleset.load(path.join(dir, 'missing.yaml'))), 'invalid_value', 'missing.yaml')
  })
})

// ---------------------------------------------------------------------------------------------
// Entitlement usage

describe('entitlementUsage', () => {
  const mk = (id, created, severity, entitlement = 'acme-gold') => ({
    id, entitlement, created_at: created, fields: { severity },
  })
  const cases = [
    mk('Q1', '2026-08-03T15:00:00Z', 'Sev1'), // Q3
    mk('Q2', '2026-10-05T15:00:00Z', 'Sev2'), // Q4, October
    mk('Q3', '2026-11-02T15:00:00Z', 'Sev1'), // Q4, November
    mk('Q4', '2026-11-20T15:00:00Z', 'Sev1'),
    mk('Q5', '2026-11-26T15:00:00Z', 'Sev1'), // after now: not counted
    { id: 'other', entitlement: 'globex-gold', created_at: '2026-11-02T15:00:00Z' },
  ]

  test('counts cases against the allowance and the quotas of the period containing now', () => {
    const u = rules.entitlementUsage('acme-gold', cases, NOW)
    assert.ok(u instanceof EntitlementUsage)
    assert.equal(u.entitlement, 'acme-gold')
    assert.equal(u.status, 'active')
    // Q1–Q4 are acme-gold's and created by now: 4 of 50.
    assert.equal(u.casesUsed, 4)
    assert.equal(u.casesPerEntitlement, 50)
    assert.equal(u.casesRemaining, 46)
    // The quarter is Q4 2026 (October–December): Q2, Q3, Q4. In New York it runs from
    // Oct 1 04:00Z to Jan 1 05:00Z (2209 hours), of which 1336.5 have passed at now: 3 cases
    // so far are on course for 3 × 2209 / 1336.5 ≈ 4.96 by its end.
    assert.ok(Math.abs(u.quotas[0].projected - (3 * 2209) / 1336.5) < 1e-9, `${u.quotas[0].projected}`)
    assert.deepEqual(u.quotas[0], {
      name: null, period: 'quarter', periodStart: '2026-10-01', periodEnd: '2026-12-31',
      maxCases: 20, used: 3, remaining: 17, projected: u.quotas[0].projected, projectedOver: false,
    })
    // Sev1 in November: Q3 and Q4 (Q5 is after now); 1 of 3 left. November runs from
    // Nov 1 04:00Z to Dec 1 05:00Z (721 hours), 592.5 of them passed: 2 × 721 / 592.5 ≈ 2.43.
    assert.ok(Math.abs(u.quotas[1].projected - (2 * 721) / 592.5) < 1e-9, `${u.quotas[1].projected}`)
    assert.deepEqual(u.quotas[1], {
      name: null, period: 'month', periodStart: '2026-11-01', periodEnd: '2026-11-30',
      maxCases: 3, used: 2, remaining: 1, projected: u.quotas[1].projected, projectedOver: false,
    })
    const wire = (q) => ({
      name: q.name, period: q.period, period_start: q.periodStart, period_end: q.periodEnd,
      max_cases: q.maxCases, used: q.used, remaining: q.remaining, projected: q.projected, projected_over: q.projectedOver,
    })
    assert.deepEqual(u.toJSON(), {
      entitlement: 'acme-gold',
      status: 'active',
      cases_used: 4,
      cases_per_entitlement: 50,
      cases_remaining: 46,
      quotas: u.quotas.map(wire),
    })
    assert.deepEqual(JSON.parse(JSON.stringify(u)), u.toJSON())
  })

  test('the instants of the cases may be Dates or epoch milliseconds', () => {
    const expected = rules.entitlementUsage('acme-gold', cases, NOW).toJSON()
    for (const form of Object.keys(FORMS)) {
      const u = rules.entitlementUsage('acme-gold', cases.map((c) => inForm(c, form)), FORMS[form](NOW))
      assert.deepEqual(u.toJSON(), expected, form)
    }
  })

  test('no allowance, a term quota, an expired entitlement', () => {
    const globex = rules.entitlementUsage('globex-gold', cases, NOW)
    assert.equal(globex.casesUsed, 1)
    assert.equal(globex.casesPerEntitlement, null)
    assert.equal(globex.casesRemaining, null)
    const term = rules.entitlementUsage('northbank-regulated', [], NOW).quotas[0]
    assert.deepEqual([term.period, term.periodStart, term.periodEnd], ['term', '2026-04-01', '2027-03-31'])
    assert.equal(rules.entitlementUsage('hooli-bronze-2025', [], NOW).status, 'expired')
  })

  test('errors: an unknown entitlement, arguments of the wrong type, a bad case in the list', () => {
    assertError(thrown(() => rules.entitlementUsage('nobody', [], NOW)), 'unknown_entitlement', 'acme-gold')
    assertError(thrown(() => rules.entitlementUsage(5, [], NOW)), 'invalid_type', 'entitlementId')
    assertError(thrown(() => rules.entitlementUsage('acme-gold', 'cases', NOW)), 'invalid_type', 'cases')
    assertError(thrown(() => rules.entitlementUsage('acme-gold', [cases[0], 7], NOW)), 'invalid_type', 'cases[1]')
    // eslint-disable-next-line no-sparse-arrays
    assertError(thrown(() => rules.entitlementUsage('acme-gold', [, cases[0]], NOW)), 'invalid_type', 'cases[0]')
    const bad = [cases[0], { ...cases[1], created_at: '2026-10-05T15:00:00' }]
    const err = thrown(() => rules.entitlementUsage('acme-gold', bad, NOW))
    assertError(err, 'naive_datetime', 'created_at')
    assert.ok(err.message.startsWith('case "Q2"'), err.message)
    const anonymous = [cases[0], { created_at: NaN }]
    assertError(thrown(() => rules.entitlementUsage('acme-gold', anonymous, NOW)), 'invalid_instant', 'case "#1"')
    assertError(thrown(() => rules.entitlementUsage('acme-gold', cases, 'soon')), 'invalid_instant', 'now')
  })
})

// ---------------------------------------------------------------------------------------------
// Laws of the replay, over seeded random logs (the core's proptest strategies)

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

const EVENT_TYPES = [
  'agent_reply', 'customer_reply', 'solved', 'closed', 'reopened', 'stop', 'resume', 'diagnosed',
  'wait', 'open', 'sev1',
]
const STOP = 5
const RESUME = 6
const ENTITLEMENTS = ['acme-gold', 'globex-gold', 'initech-bronze', 'umbrella-sev1']
const T0 = at('2026-11-20T14:00:00Z')

function event(kind, minute) {
  const when = new Date(T0 + minute * MINUTE).toISOString()
  switch (kind) {
    case 'wait':
      return { at: when, type: 'status', to: 'Waiting on Customer' }
    case 'open':
      return { at: when, type: 'status', to: 'Open' }
    case 'sev1':
      return { at: when, type: 'field', field: 'severity', to: 'Sev1' }
    default:
      return { at: when, type: kind }
  }
}

/** A random entitlement and up to 23 events on a grid of 97 minutes, so that ties are common. */
function randomLog(next) {
  const ent = ENTITLEMENTS[Math.floor(next() * ENTITLEMENTS.length)]
  const n = Math.floor(next() * 24)
  const events = []
  for (let i = 0; i < n; i++) {
    events.push([Math.floor(next() * EVENT_TYPES.length), Math.floor(next() * 60) * 97])
  }
  return [ent, events]
}

/** The case of a log, its events sorted stably by minute. */
function makeCase(ent, events) {
  const sorted = [...events].sort((a, b) => a[1] - b[1])
  return {
    id: 'L',
    entitlement: ent,
    created_at: new Date(T0).toISOString(),
    fields: { severity: 'Sev2' },
    events: sorted.map(([k, m]) => {
      // Only gold knows the custom `diagnosed` event.
      const kind = EVENT_TYPES[k] === 'diagnosed' && !ent.endsWith('gold') ? 'agent_reply' : EVENT_TYPES[k]
      return event(kind, m)
    }),
  }
}

const minutesAfterT0 = (next, span) => new Date(T0 + Math.floor(next() * span) * MINUTE)

/** What must not change about a completed instance. */
const outcome = (s) => {
  const j = s.toJSON()
  return [j.state, j.startedAt, j.targetAt, j.completedAt, j.elapsed, j.paused, j.remaining, j.crossed]
}

describe('laws of the replay (seeded random logs)', () => {
  const CASES = 200

  test('a completed milestone never changes at a later now', () => {
    const seed = 0xc0ffee
    const next = random(seed)
    for (let i = 0; i < CASES; i++) {
      const [ent, events] = randomLog(next)
      const c = makeCase(ent, events)
      const [a, b] = [minutesAfterT0(next, 6000), minutesAfterT0(next, 6000)].sort((x, y) => x - y)
      const later = evaluate(c, b)
      for (const s of evaluate(c, a).filter((m) => m.state === 'completed' || m.state === 'completed_late')) {
        const again = later.find((o) => o.milestone === s.milestone && o.instance === s.instance)
        assert.ok(again, `seed ${seed} case ${i}: ${s.milestone} #${s.instance} vanished`)
        assert.deepEqual(outcome(again), outcome(s), `seed ${seed} case ${i}: ${JSON.stringify(c)}`)
      }
    }
  })

  test('a stop/resume pause never makes a target earlier', () => {
    const seed = 0xbeef
    const next = random(seed)
    for (let i = 0; i < CASES; i++) {
      const [ent, all] = randomLog(next)
      // Explicit stops do not nest, so the log under test has none of its own.
      const events = all.filter(([k]) => k !== STOP && k !== RESUME)
      const from = Math.floor(next() * 5000)
      const length = 1 + Math.floor(next() * 2999)
      const now = minutesAfterT0(next, 9000)
      const plain = evaluate(makeCase(ent, events), now)
      const paused = evaluate(makeCase(ent, [...events, [STOP, from], [RESUME, from + length]]), now)
      assert.equal(paused.length, plain.length, `seed ${seed} case ${i}`)
      plain.forEach((x, j) => {
        const y = paused[j]
        assert.deepEqual([y.milestone, y.instance], [x.milestone, x.instance])
        if (x.targetAt && y.targetAt) {
          assert.ok(
            y.targetAt >= x.targetAt,
            `seed ${seed} case ${i}: ${x.milestone} #${x.instance}: ${y.targetAt.toISOString()} with the pause, ${x.targetAt.toISOString()} without`,
          )
        }
      })
    }
  })

  test('shuffling the log, keeping the order of same-time events, changes nothing', () => {
    const seed = 0x5eed
    const next = random(seed)
    for (let i = 0; i < CASES; i++) {
      const [ent, events] = randomLog(next)
      const ordered = makeCase(ent, events)
      // A random permutation, then each timestamp's events put back in their original order
      // into the slots that timestamp occupies.
      const shuffled = [...ordered.events]
      for (let j = shuffled.length - 1; j > 0; j--) {
        const k = Math.floor(next() * (j + 1))
        ;[shuffled[j], shuffled[k]] = [shuffled[k], shuffled[j]]
      }
      const byTime = new Map()
      for (const e of ordered.events) byTime.set(e.at, [...(byTime.get(e.at) ?? []), e])
      const other = { ...ordered, events: shuffled.map((e) => byTime.get(e.at).shift()) }
      const now = minutesAfterT0(next, 9000)
      assert.deepEqual(json(evaluate(other, now)), json(evaluate(ordered, now)), `seed ${seed} case ${i}`)
    }
  })

  test('duplicated events are harmless', () => {
    const seed = 0xd0b1e
    const next = random(seed)
    for (let i = 0; i < CASES; i++) {
      const [ent, events] = randomLog(next)
      const now = minutesAfterT0(next, 9000)
      const once = evaluate(makeCase(ent, events), now)
      const twice = evaluate(makeCase(ent, [...events, ...events]), now)
      assert.deepEqual(json(twice), json(once), `seed ${seed} case ${i}`)
    }
  })

  test('ISO strings, Dates and epoch milliseconds are the same instants', () => {
    const seed = 0xf0f0
    const next = random(seed)
    for (let i = 0; i < CASES / 2; i++) {
      const [ent, events] = randomLog(next)
      const c = makeCase(ent, events)
      const now = minutesAfterT0(next, 9000).toISOString()
      const expected = rules.evaluateCase(c, now).toJSON()
      for (const form of ['date', 'epochMs']) {
        assert.deepEqual(rules.evaluateCase(inForm(c, form), FORMS[form](now)).toJSON(), expected, `seed ${seed} case ${i} (${form})`)
      }
    }
  })
})

// ---------------------------------------------------------------------------------------------
// Malformed input: every mistake is an Error with a code and a path, never a crash

describe('malformed input', () => {
  const good = () => ({
    id: 'M-1',
    entitlement: 'acme-gold',
    created_at: '2026-11-24T15:00:00Z',
    fields: { severity: 'Sev2' },
    events: [
      { at: '2026-11-24T15:10:00Z', type: 'agent_reply' },
      { at: '2026-11-24T15:20:00Z', type: 'customer_reply' },
      { at: '2026-11-24T15:30:00Z', type: 'agent_reply' },
    ],
  })

  test('the good case is good', () => {
    assert.equal(evaluate(good()).length, 4)
  })

  /**
   * [what, value, code, code inside a case when it differs] for an instant of a case or `now`.
   * Inside a case, what is no instant in any form (null, a boolean, an array, a plain object)
   * is the core's `invalid_type`, as the same case read from JSON text or given in Python.
   */
  const BAD_INSTANTS = [
    ['undefined', undefined, 'invalid_instant'],
    ['null', null, 'invalid_instant', 'invalid_type'],
    ['NaN', NaN, 'invalid_instant'],
    ['Infinity', Infinity, 'invalid_instant'],
    ['-Infinity', -Infinity, 'invalid_instant'],
    ['an invalid Date', new Date(NaN), 'invalid_instant'],
    ['a BigInt', 1764000000000n, 'invalid_instant'],
    ['a boolean', true, 'invalid_instant', 'invalid_type'],
    ['an object', {}, 'invalid_instant', 'invalid_type'],
    ['an array', [2026, 11, 24], 'invalid_instant', 'invalid_type'],
    ['a function', () => 0, 'invalid_instant'],
    ['a symbol', Symbol('t'), 'invalid_instant'],
    ['words', 'yesterday', 'invalid_instant'],
    ['a naive ISO string', '2026-11-24T15:00:00', 'naive_datetime'],
    ['epoch milliseconds beyond year 9999', 1e300, 'out_of_range'],
    ['a Date beyond year 9999', new Date(8.64e15), 'out_of_range'],
    ['epoch milliseconds before year 1', -1e17, 'out_of_range'],
  ]

  for (const [what, value, code, inCase = code] of BAD_INSTANTS) {
    test(`instant: ${what} is ${inCase} in a case (created_at, events[2].at), ${code} as now`, () => {
      const c1 = { ...good(), created_at: value }
      const e1 = thrown(() => evaluate(c1))
      assertError(e1, inCase, 'created_at')
      assert.ok(e1.message.startsWith('case "M-1": created_at'), e1.message)

      const c2 = good()
      c2.events[2].at = value
      const e2 = thrown(() => evaluate(c2))
      assertError(e2, inCase, 'events[2].at')
      assert.ok(e2.message.startsWith('case "M-1": events[2].at'), e2.message)

      assertError(thrown(() => rules.evaluate(good(), value)), code, 'now')
      assertError(thrown(() => rules.evaluateCase(good(), value)), code, 'now')
    })
  }

  test('a case with the created_at key missing is missing_key', () => {
    const c = good()
    delete c.created_at
    assertError(thrown(() => evaluate(c)), 'missing_key', 'created_at')
  })

  const NOT_A_CASE = [
    ['undefined', undefined],
    ['null', null],
    ['a number', 42],
    ['a string', 'C-1'],
    ['an array', [good()]],
    ['a Date', new Date()],
    ['a function', () => good()],
  ]
  for (const [what, value] of NOT_A_CASE) {
    test(`${what} is not a case: invalid_type`, () => {
      assertError(thrown(() => evaluate(value)), 'invalid_type', 'case')
      assertError(thrown(() => rules.evaluateCase(value, NOW)), 'invalid_type', 'case')
    })
  }

  /** [what, mutation of a good case, code, path]. */
  const WRONG_VALUES = [
    ['an id that is an object', (c) => { c.id = {} }, 'invalid_type', 'id'],
    ['an empty id', (c) => { c.id = '' }, 'invalid_type', 'id'],
    ['an entitlement that is a number', (c) => { c.entitlement = 5 }, 'invalid_type', 'entitlement'],
    ['events that are a string', (c) => { c.events = 'agent_reply' }, 'invalid_type', 'events'],
    ['an event that is a number', (c) => { c.events[1] = 5 }, 'invalid_type', 'events[1]'],
    ['an undefined event', (c) => { c.events[1] = undefined }, 'invalid_type', 'events[1]'],
    ['a hole in the events', (c) => { delete c.events[1] }, 'invalid_type', 'events[1]'],
    ['an event type that is a number', (c) => { c.events[1].type = 5 }, 'invalid_type', 'events[1].type'],
    ['an empty event type', (c) => { c.events[1].type = '' }, 'invalid_value', 'events[1].type'],
    ['fields that are an array', (c) => { c.fields = ['Sev1'] }, 'invalid_type', 'fields'],
    ['a field that is a function', (c) => { c.fields.severity = () => 'Sev1' }, 'invalid_type', 'fields.severity'],
    ['a field that is a symbol', (c) => { c.fields.severity = Symbol('Sev1') }, 'invalid_type', 'fields.severity'],
    ['a field that is NaN', (c) => { c.fields.score = NaN }, 'invalid_value', 'fields.score'],
    ['a field that is Infinity', (c) => { c.fields.score = Infinity }, 'invalid_value', 'fields.score'],
    ['a field that is a BigInt beyond 64 bits', (c) => { c.fields.score = 2n ** 70n }, 'invalid_type', 'fields.score'],
    ['a field that is an invalid Date', (c) => { c.fields.due = new Date(NaN) }, 'invalid_instant', 'fields.due'],
    ['a field that is an object', (c) => { c.fields.owner = { name: 'x' } }, 'invalid_type', 'fields.owner'],
    ['a field event whose value is a function', (c) => { c.events.push({ at: '2026-11-24T15:40:00Z', type: 'field', field: 'severity', to: () => 1 }) }, 'invalid_type', 'events[3].to'],
    ['a process pinned to a version that is not a number', (c) => { c.process = { id: 'gold', version: 'one' } }, 'invalid_type', 'process.version'],
  ]
  for (const [what, mutate, code, where] of WRONG_VALUES) {
    test(`${what}: ${code} naming ${where}`, () => {
      const c = good()
      mutate(c)
      const err = thrown(() => evaluate(c))
      assertError(err, code, where)
      assert.ok(err.message.startsWith('case "'), err.message)
    })
  }

  test('a field that is a Date is read as its RFC 3339 string; a 64-bit BigInt as an integer', () => {
    const c = good()
    c.fields.due = new Date('2026-12-01T00:00:00Z')
    c.fields.score = 5n
    assert.deepEqual(json(evaluate(c)), json(evaluate(good())))
    // Criteria compare such a field as text: an ISO date string, `lt`.
    const doc = {
      processes: [{
        id: 'p',
        milestones: [{
          name: 'A', kind: 'resolution', target: '1h',
          when: { all: [{ field: 'due', op: 'lt', value: '2026-12-02' }, { field: 'score', op: 'eq', value: 5 }] },
        }],
      }],
      entitlements: [{ id: 'e', process: 'p' }],
    }
    const r = Ruleset.fromObject(doc)
    const base = { id: 'D', entitlement: 'e', created_at: '2026-11-24T15:00:00Z' }
    assert.equal(r.evaluate({ ...base, fields: { due: new Date('2026-12-01T00:00:00Z'), score: 5n } }, NOW)[0].state, 'violated')
    assert.equal(r.evaluate({ ...base, fields: { due: new Date('2026-12-03T00:00:00Z'), score: 5n } }, NOW)[0].state, 'pending')
  })

  test('huge and odd numbers: an id of 1e21, a field of 1e308, -0 are accepted', () => {
    const c = { ...good(), id: 1e21, fields: { severity: 'Sev2', big: 1.7976931348623157e308, zero: -0 } }
    const [s] = evaluate(c)
    assert.equal(s.caseId, String(1e21)) // '1e+21', as JavaScript writes it
    assert.equal(evaluate({ ...good(), id: 42 })[0].caseId, '42')
    // A bad case with such an id is named the same way.
    assertError(thrown(() => evaluate({ ...c, created_at: NaN })), 'invalid_instant', 'case "1e+21"')
  })

  test('properties set to undefined are left out, as JSON.stringify does', () => {
    const c = { ...good(), process: undefined, meta: undefined, fields: { severity: 'Sev2', tier: undefined } }
    assert.deepEqual(json(evaluate(c)), json(evaluate(good())))
  })

  test('a case nested too deeply, or cyclic, is limit_exceeded, not a crash', () => {
    let deep = {}
    for (let i = 0; i < 100000; i++) deep = { deep }
    assertError(thrown(() => evaluate({ ...good(), meta: deep })), 'limit_exceeded', 'meta.deep')
    const cyclic = { a: 1 }
    cyclic.self = cyclic
    assertError(thrown(() => evaluate({ ...good(), meta: cyclic })), 'limit_exceeded', 'meta.self')
    const list = []
    list.push(list)
    assertError(thrown(() => evaluate({ ...good(), meta: { list } })), 'limit_exceeded', 'meta.list[0]')
    // 100 levels are fine (the limit is 128, the JSON parser's).
    let ok = {}
    for (let i = 0; i < 100; i++) ok = { ok }
    assert.equal(evaluate({ ...good(), meta: ok }).length, 4)
  })

  test('a getter that throws while the case is read propagates its own exception', () => {
    const c = good()
    Object.defineProperty(c, 'fields', {
      enumerable: true,
      get() {
        throw new RangeError('boom')
      },
    })
    assert.throws(() => evaluate(c), { name: 'RangeError', message: 'boom' })
    const d = good()
    Object.defineProperty(d, 'id', {
      enumerable: true,
      get() {
        throw new RangeError('no id')
      },
    })
    assert.throws(() => evaluate(d), { name: 'RangeError', message: 'no id' })
  })

  /** [what, document, code, text the message must contain]. */
  const BAD_DOCUMENTS = [
    ['undefined', undefined, 'invalid_type', 'document'],
    ['null', null, 'invalid_type', 'document'],
    ['an array', [], 'invalid_type', 'document'],
    ['a string', 'rules.yaml', 'invalid_type', 'document'],
    ['a Date', new Date(), 'invalid_type', 'document'],
    ['a Date as a start date', { entitlements: [{ id: 'e', process: 'p', start_date: new Date() }] }, 'invalid_type', 'entitlements[0].start_date'],
    ['a function as a target', { processes: [{ id: 'p', milestones: [{ name: 'A', kind: 'resolution', target: () => '1h' }] }] }, 'invalid_type', 'processes[0].milestones[0].target'],
    ['NaN as a version', { processes: [{ id: 'p', version: NaN, milestones: [] }] }, 'invalid_value', 'processes[0].version'],
    ['a huge version', { processes: [{ id: 'p', version: 1e20, milestones: [] }] }, 'invalid_type', 'processes[0].version'],
    ['a fractional version', { processes: [{ id: 'p', version: 1.5, milestones: [] }] }, 'invalid_type', 'processes[0].version'],
    ['a huge allowance', { processes: [{ id: 'p', milestones: [] }], entitlements: [{ id: 'e', process: 'p', cases_per_entitlement: 1e300 }] }, 'invalid_type', 'entitlements[0].cases_per_entitlement'],
    ['an allowance beyond 32 bits', { processes: [{ id: 'p', milestones: [] }], entitlements: [{ id: 'e', process: 'p', cases_per_entitlement: 2 ** 40 }] }, 'invalid_type', 'entitlements[0].cases_per_entitlement'],
    ['a negative quota', { processes: [{ id: 'p', milestones: [] }], entitlements: [{ id: 'e', process: 'p', quotas: [{ period: 'month', max_cases: -1 }] }] }, 'invalid_type', 'entitlements[0].quotas[0].max_cases'],
    ['a symbol as an id', { processes: [{ id: Symbol('p'), milestones: [] }] }, 'invalid_type', 'processes[0].id'],
    ['a BigInt beyond 64 bits', { processes: [{ id: 'p', version: 2n ** 64n, milestones: [] }] }, 'invalid_type', 'processes[0].version'],
    ['an unknown top-level key', { process: [] }, 'unknown_key', 'process'],
  ]
  for (const [what, doc, code, where] of BAD_DOCUMENTS) {
    test(`document: ${what} is ${code}`, () => {
      assertError(thrown(() => Ruleset.fromObject(doc)), code, where)
      assertError(thrown(() => new Ruleset(doc)), code, where)
    })
  }

  test('a document nested too deeply, or cyclic, is limit_exceeded, not a crash', () => {
    let deep = {}
    for (let i = 0; i < 100000; i++) deep = { deep }
    const doc = { processes: [{ id: 'p', milestones: [] }], entitlements: [{ id: 'e', process: 'p', account: deep }] }
    assertError(thrown(() => Ruleset.fromObject(doc)), 'limit_exceeded', 'entitlements[0].account')
    const cyclic = { processes: [] }
    cyclic.processes.push(cyclic)
    assertError(thrown(() => Ruleset.fromObject(cyclic)), 'limit_exceeded', 'processes[0]')
    // Deep criteria are the core's own limit (32 levels).
    let when = { field: 'severity', op: 'eq', value: 'Sev1' }
    for (let i = 0; i < 40; i++) when = { not: when }
    const criteria = { processes: [{ id: 'p', milestones: [{ name: 'A', kind: 'resolution', target: '1h', when }] }] }
    assertError(thrown(() => Ruleset.fromObject(criteria)), 'limit_exceeded', 'processes[0].milestones[0].when')
    // An account nested 100 deep loads, and comes back whole.
    let account = { leaf: true }
    for (let i = 0; i < 100; i++) account = { account }
    const r = Ruleset.fromObject({ processes: [{ id: 'p', milestones: [] }], entitlements: [{ id: 'e', process: 'p', account }] })
    assert.deepEqual(r.toObject().entitlements[0].account, account)
  })

  test('text and path arguments must be strings; bad text is parse_error', () => {
    for (const make of [Ruleset.fromJson, Ruleset.fromYaml, Ruleset.fromToml]) {
      assertError(thrown(() => make(undefined)), 'invalid_type', 'text')
      assertError(thrown(() => make({ processes: [] })), 'invalid_type', 'text')
    }
    assertError(thrown(() => Ruleset.load(undefined)), 'invalid_type', 'path')
    assertError(thrown(() => Ruleset.load(new URL('file:///rules.yaml'))), 'invalid_type', 'path')
    assertError(thrown(() => Ruleset.fromJson('{')), 'parse_error', 'JSON')
    assertError(thrown(() => Ruleset.fromYaml('processes: [')), 'parse_error', 'YAML')
    assertError(thrown(() => Ruleset.fromToml('processes = ')), 'parse_error', 'TOML')
    assertError(thrown(() => Ruleset.fromJson('[]')), 'invalid_type', '')
  })

  test('result classes cannot be made from JavaScript; methods need a real Ruleset', () => {
    assert.throws(() => new MilestoneStatus(), Error)
    assert.throws(() => new CaseEvaluation(), Error)
    assert.throws(() => new EntitlementUsage(), Error)
    assert.throws(() => Ruleset.prototype.evaluate.call({}, good(), NOW), Error)
    const fake = Object.create(Ruleset.prototype)
    assert.throws(() => fake.evaluate(good(), NOW), Error)
  })
})

// ---------------------------------------------------------------------------------------------
// Worker threads

describe('worker threads', () => {
  test('the same rules evaluated from 4 workers give the results of a sequential run', async () => {
    const next = random(0x40c)
    const cases = []
    for (let i = 0; i < 150; i++) {
      const [ent, events] = randomLog(next)
      cases.push({ ...makeCase(ent, events), id: `W-${i}` })
    }
    const now = '2026-11-24T09:00:00Z'
    const expected = cases.map((c) => rules.evaluateCase(c, now).toJSON())
    const usage = rules.entitlementUsage('acme-gold', cases, now).toJSON()

    // Each worker loads the addon and the rules itself (a Ruleset belongs to the thread that
    // made it), gives the instants in a form of its own, and evaluates every case 3 times so
    // that the workers overlap.
    const source = `
      const { parentPort, workerData } = require('node:worker_threads')
      const { Ruleset } = require(workerData.pkg)
      const rules = Ruleset.load(workerData.rules)
      const form = { iso: (s) => s, date: (s) => new Date(s), epochMs: (s) => Date.parse(s) }[workerData.form]
      const cases = workerData.cases.map((c) => ({
        ...c, created_at: form(c.created_at), events: c.events.map((e) => ({ ...e, at: form(e.at) })),
      }))
      let out
      for (let round = 0; round < 3; round++) {
        out = cases.map((c) => rules.evaluateCase(c, form(workerData.now)).toJSON())
      }
      const usage = rules.entitlementUsage('acme-gold', cases, form(workerData.now)).toJSON()
      parentPort.postMessage({ out, usage })
    `
    const forms = ['iso', 'date', 'epochMs', 'iso']
    const results = await Promise.all(
      forms.map(
        (form) =>
          new Promise((resolve, reject) => {
            const worker = new Worker(source, {
              eval: true,
              workerData: { pkg: PACKAGE, rules: RULES_PATH, cases, now, form },
            })
            worker.once('message', resolve)
            worker.once('error', reject)
            worker.once('exit', (code) => {
              if (code !== 0) reject(new Error(`worker exited with code ${code}`))
            })
          }),
      ),
    )
    assert.equal(results.length, 4)
    results.forEach(({ out, usage: u }, i) => {
      assert.deepEqual(out, expected, `worker ${i} (${forms[i]})`)
      assert.deepEqual(u, usage, `worker ${i} (${forms[i]})`)
    })
  })
})
