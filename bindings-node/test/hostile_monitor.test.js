'use strict'
// The monitor, its event keys and the alert renderers on hostile input (issue 13), through the
// built addon: a case of 8,000 events with 64 triggers is monitored in a child process with a
// timeout and its peak memory (VmHWM) held under 1 GiB, a `/` in a case id or milestone name
// keeps keys (and PagerDuty dedup keys) apart, and every rendered payload stays within its
// vendor's limits with no control or bidirectional character, over seeded random hostile text.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const { spawnSync } = require('node:child_process')
const { Ruleset } = require('..')

const MINUTE = 60e3

function recurring (events, triggers) {
  const points = Array.from({ length: triggers }, (_, i) => ({ at: `${1 + i}%`, level: 'warning' }))
  const rules = Ruleset.fromObject({
    processes: [{
      id: 'p',
      milestones: [{ name: 'Next Response', kind: 'next_response', target: '1h', recurrence: 'independent', triggers: points }]
    }],
    entitlements: [{ id: 'e', process: 'p' }]
  })
  const start = Date.parse('2020-01-01T00:00:00Z')
  const log = Array.from({ length: events }, (_, i) => ({
    at: new Date(start + (90 * i + 1) * MINUTE).toISOString(),
    type: i % 2 === 0 ? 'customer_reply' : 'agent_reply'
  }))
  const kase = { id: 'C-1', entitlement: 'e', created_at: new Date(start).toISOString(), events: log }
  return { rules, kase, now: new Date(start + (90 * events + 120) * MINUTE) }
}

function child () {
  const { rules, kase, now } = recurring(8000, 64)
  const report = rules.monitor([kase], now)
  const hwm = fs.readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'))
  console.log(JSON.stringify({ events: report.events.length, peakKib: Number(hwm.split(/\s+/)[1]) }))
}

const BIDI = /[\u202A-\u202E\u2066-\u2069]/
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F]/

function checkStrings (v, path, multiline = false) {
  if (typeof v === 'string') {
    assert.ok(!BIDI.test(v) && !CONTROL.test(v), `${path}: ${JSON.stringify(v)}`)
    assert.ok(multiline || !v.includes('\n'), `newline in ${path}`)
  } else if (Array.isArray(v)) {
    v.forEach((x, i) => checkStrings(x, `${path}[${i}]`, multiline))
  } else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      checkStrings(k, path)
      checkStrings(x, `${path}.${k}`, multiline)
    }
  }
}

function checkPayloads (a) {
  const slack = a.slackBlocks()
  const [header, section, ...rest] = slack.blocks
  assert.ok(header.text.text.length <= 150)
  assert.ok(section.text.text.length <= 3000)
  assert.ok(slack.text.length <= 3000)
  checkStrings([slack.text, header, section], 'slack')
  for (const block of rest) {
    for (const f of block.fields ?? []) {
      assert.ok(f.text.length <= 2000)
      checkStrings(f, 'slack.field', true)
    }
    for (const e of block.elements ?? []) {
      assert.ok(e.text.length <= 3000)
      checkStrings(e, 'slack.context')
    }
  }
  const key = rest.at(-1).elements.at(-1).text
  assert.ok(key.startsWith('Event key: `') && key.endsWith('`') && key.split('`').length === 3, key)
  const email = a.email()
  checkStrings(email.subject, 'email.subject')
  checkStrings(email.body, 'email.body', true)
  const jira = a.jiraIssue('SUP')
  checkStrings(jira, 'jira')
  assert.ok(jira.fields.summary.length <= 255)
  for (const l of jira.fields.labels) assert.ok(l.length > 0 && l.length <= 255 && !/\s/.test(l), l)
  const pd = a.pagerdutyEvent('R0UT1NGKEY')
  checkStrings(pd, 'pagerduty')
  assert.ok(Buffer.byteLength(JSON.stringify(pd)) <= 512 * 1024)
  assert.ok(pd.payload.summary.length <= 1024)
  assert.ok(Buffer.byteLength(pd.dedup_key) <= 255)
}

// A seeded generator (mulberry32), so that a failure replays.
function rng (seed) {
  return () => {
    seed = (seed + 0x6D2B79F5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
const PIECES = ['\u001b[31m', '\r\n', '\u202E', '\u2066', '`', '<!channel>&', '/\\', '😀', ' ', '\t', '\u0085', 'ü']
function hostile (r) {
  let s = ''
  const n = Math.floor(r() * 10)
  for (let i = 0; i < n; i++) {
    s += r() < 0.6 ? PIECES[Math.floor(r() * PIECES.length)] : String.fromCodePoint(Math.floor(r() * 0xD7FF))
  }
  return r() < 0.2 ? (s || 'x').repeat(1 + Math.floor(r() * 3000)) : s
}

if (process.argv[2] === '--child') {
  child()
} else {
  test('8,000 events with 64 triggers are monitored in a child within 1 GiB and a timeout', () => {
    // Before: a replay of the case per event and a status copy per event, over 4 GB.
    const run = spawnSync(process.execPath, [__filename, '--child'], { encoding: 'utf8', timeout: 600e3 })
    assert.equal(run.status, 0, `the child died (${run.status} ${run.signal}): ${run.stderr.slice(-2000)}`)
    const report = JSON.parse(run.stdout.trim().split('\n').at(-1))
    // 4,000 instances × (64 triggers + breach + completion)
    assert.equal(report.events, 264000)
    assert.ok(report.peakKib < 1024 * 1024, `peak ${report.peakKib} KiB`)
  })

  test('a slash in a case id or a milestone name keeps keys and dedup keys apart', () => {
    const rules = Ruleset.fromObject({
      processes: [{
        id: 'p',
        milestones: [
          { name: 'First Response', kind: 'first_response', target: '1h' },
          { name: 'Resp/First Response', kind: 'resolution', target: '1h' }
        ]
      }],
      entitlements: [{ id: 'e', process: 'p' }]
    })
    const cases = ['X/Resp', 'X'].map((id) => ({ id, entitlement: 'e', created_at: '2026-11-25T10:00:00Z' }))
    const report = rules.monitor(cases, new Date('2026-11-25T12:00:00Z'))
    const keys = new Set(report.events.map((e) => e.key))
    assert.ok(keys.has('X\\/Resp/First Response/1/breach'), [...keys].join(' | '))
    assert.ok(keys.has('X/Resp\\/First Response/1/breach'))
    assert.ok(keys.has('X/First Response/1/breach')) // no separator: as before
    assert.equal(keys.size, 4)
    assert.equal(new Set(report.alerts.map((a) => a.pagerdutyEvent('K').dedup_key)).size, 4)
  })

  test('every rendered payload is within limits and clean for hostile text (seeded)', () => {
    const r = rng(13)
    for (let round = 0; round < 40; round++) {
      const extra = hostile(r)
      const rules = Ruleset.fromObject({
        processes: [{
          id: 'p',
          milestones: [{
            name: 'M' + hostile(r),
            kind: 'first_response',
            target: '1h',
            triggers: [{ at: '50%', level: 'critical', actions: ['a' + extra] }]
          }]
        }],
        entitlements: [{ id: 'e', process: 'p', account: { id: extra, name: hostile(r), csm: extra, [extra]: [extra] } }],
        // The hostile action is catalogued (an uncatalogued one is a load error), with a hostile label.
        monitor: { actions: { ['a' + extra]: { label: 'Act on ' + Array.from(hostile(r)).slice(0, 100).join('') } } }
      })
      const report = rules.monitor([{ id: hostile(r) || 'c', entitlement: 'e', created_at: '2026-11-25T10:00:00Z' }], new Date('2026-11-25T12:00:00Z'))
      assert.ok(report.alerts.length > 0)
      for (const a of report.alerts) checkPayloads(a)
    }
  })
}
