'use strict'
// Alerts people act on, through the built addon (docs/alerts.md): one alert per milestone
// instance and instant, titles in words, links and fields from `monitor:`, the action
// catalogue, the renderers within the vendors' limits with 10 KB of CRM text, and the
// per-account digest. The core's tests/alerts.rs holds the same scenarios.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')

const { Ruleset } = require('..')

const SAMPLE = require(path.join(__dirname, '..', '..', 'examples', 'data', 'cases.json'))
const RULES = Ruleset.load(path.join(__dirname, '..', '..', 'examples', 'data', 'rules.yaml'))
const DAY = 24 * 3600e3

function sampleReport() {
  const now = Date.parse(SAMPLE.now)
  return RULES.monitor(SAMPLE.cases, now, now - DAY)
}

const WEEK = Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, ['09:00-17:00']]))

function oneMilestone(monitor, triggers) {
  return Ruleset.fromObject({
    calendars: { ny: { time_zone: 'America/New_York', hours: WEEK } },
    processes: [{
      id: 'gold',
      calendar: 'ny',
      milestones: [{
        name: 'First Response',
        kind: 'first_response',
        target: { by: 'tier', values: { Gold: '1h' }, default: '2h' },
        triggers
      }]
    }],
    entitlements: [{ id: 'acme', process: 'gold', account: { id: 'A/1 x', name: 'Acme Corp', arr: 850000 } }],
    monitor
  })
}

const oneCase = (id) => ({
  id,
  entitlement: 'acme',
  created_at: '2026-11-25T19:00:00Z',
  fields: { tier: 'Gold', subject: 'Login <fails>', owner: 'Pat' }
})

test('the sample breach + 100% pairs are one alert each', () => {
  const r = sampleReport()
  // 25 crossings and breaches beside the completions, which raise no alert (the sample's
  // milestones name no on_complete actions).
  const alarms = r.events.filter((e) => e.kind !== 'milestone_completed')
  assert.equal(alarms.length, 25)
  assert.equal(r.alerts.length, 20) // 24 before the merge
  const covered = r.alerts.flatMap((a) => a.keys).sort()
  const unsuppressed = alarms.filter((e) => !e.suppressed).map((e) => e.key).sort()
  assert.deepEqual(covered, unsuppressed)
  const pair = r.alerts.find((a) => a.key === 'C-4001/Resolution/2/breach')
  assert.deepEqual(pair.keys, ['C-4001/Resolution/2/breach', 'C-4001/Resolution/2/trigger/1/100%'])
  assert.deepEqual(pair.actionItems.map((i) => i.id), pair.actions)
  assert.equal(pair.arrText, '$2.5M')
})

test('titles are in words with the desk zone', () => {
  const rules = oneMilestone({}, [{ at: '75%', level: 'warning', actions: ['notify_owner'] }])
  const [a] = rules.monitor([oneCase('500-17')], '2026-11-25T19:45:00Z').alerts
  assert.equal(a.title, 'First Response on case 500-17 (Acme Corp, Gold) due in 15 min of business time (15:00 EST)')
  const breach = rules.monitor([oneCase('500-17')], '2026-11-25T20:00:00Z').alerts.find((x) => x.kind === 'breach')
  assert.match(breach.title, /breached at 15:00 EST, just now$/)
})

test('links are percent-encoded; an unknown placeholder or action is a load error', () => {
  const rules = oneMilestone(
    { links: { case: 'https://crm.example/c/{case_id}/view' }, alert_fields: ['subject', 'owner'] },
    [{ at: '50%', level: 'warning' }]
  )
  const [a] = rules.monitor([oneCase('C 1/é?&')], '2026-11-25T19:45:00Z').alerts
  assert.deepEqual(a.links, [{ label: 'Open case', url: 'https://crm.example/c/C%201%2F%C3%A9%3F%26/view' }])
  assert.deepEqual(a.fields, [{ label: 'Subject', value: 'Login <fails>' }, { label: 'Owner', value: 'Pat' }])
  assert.throws(() => oneMilestone({ links: { case: 'https://x/{id}' } }, []),
    (e) => e.code === 'invalid_value' && e.message.startsWith('monitor.links.case'))
  assert.throws(() => oneMilestone({}, [{ at: '50%', level: 'warning', actions: ['page_on_call'] }]),
    (e) => e.code === 'unknown_action' && /page_oncall/.test(e.message))
})

const BIG = 'x<script>alert(1)</script>&'.repeat(400) // about 10 KB
const FIELDS = ['subject', 'owner', 'priority', 'severity', 'a', 'b', 'c', 'd', 'e', 'f', 'g']

function hostileAlerts() {
  const rules = Ruleset.fromObject({
    processes: [{
      id: 'p',
      milestones: [{
        name: BIG,
        kind: 'first_response',
        target: '1h',
        triggers: [{ at: '50%', level: 'warning', actions: ['x'] }, { at: '100%', level: 'violation' }]
      }]
    }],
    entitlements: [{ id: 'e', process: 'p', account: { id: BIG, name: BIG, arr: 1e7, csm: BIG } }],
    monitor: {
      links: { case: 'https://crm.example/{case_id}', account: 'https://x.example/a' },
      alert_fields: FIELDS,
      actions: { x: { label: BIG.slice(0, 900), details: BIG.slice(0, 3000) } }
    }
  })
  const c = { id: BIG, entitlement: 'e', created_at: '2026-11-25T10:00:00Z', fields: Object.fromEntries(FIELDS.map((f) => [f, BIG])) }
  const alerts = rules.monitor([c], '2026-11-25T12:00:00Z').alerts
  assert.equal(alerts.length, 2)
  return alerts
}

function checkBlockKit(m) {
  assert.ok(m.text.length > 0 && m.text.length <= 3000)
  assert.ok(m.blocks.length > 0 && m.blocks.length <= 50)
  for (const b of m.blocks) {
    switch (b.type) {
      case 'header':
        assert.ok(b.text.text.length <= 150)
        break
      case 'section':
        if (b.text) {
          assert.ok(b.text.text.length > 0 && b.text.text.length <= 3000)
          if (b.text.type === 'mrkdwn') assert.ok(!b.text.text.includes('<script>'))
        }
        assert.ok((b.fields ?? []).length <= 10)
        for (const f of b.fields ?? []) assert.ok(f.text.length <= 2000 && !f.text.includes('<script>'))
        if (b.accessory) assert.ok(b.accessory.text.text.length <= 75 && b.accessory.url.length <= 3000)
        break
      case 'actions':
        assert.ok(b.elements.length > 0 && b.elements.length <= 25)
        for (const e of b.elements) assert.ok(e.text.text.length <= 75 && e.url.length <= 3000)
        break
      case 'context':
        assert.ok(b.elements.length > 0 && b.elements.length <= 10)
        for (const e of b.elements) assert.ok(e.text.length <= 3000)
        break
      default:
        assert.fail(`unexpected block ${b.type}`)
    }
  }
}

test('Slack payloads with 10 KB of CRM text stay within Block Kit limits', () => {
  for (const a of hostileAlerts()) {
    assert.ok(a.title.length > 10000)
    const m = a.slackBlocks()
    checkBlockKit(m)
    const urls = m.blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements.map((e) => e.url))
    assert.deepEqual(urls, ['https://x.example/a'])
  }
})

test('email HTML escapes CRM text; PagerDuty keeps its limits and carries links', () => {
  for (const a of hostileAlerts()) {
    const e = a.email()
    assert.ok(!e.html.includes('<script>') && e.html.includes('&lt;script&gt;'))
    const pd = a.pagerdutyEvent('k')
    assert.ok(pd.payload.summary.length <= 1024)
    assert.deepEqual(pd.links, [{ href: 'https://x.example/a', text: 'Open account' }])
    const d = a.jiraIssue('SUP').fields.description
    assert.equal(d.type, 'doc')
  }
})

test('digests count breaches and risks per account', () => {
  const r = sampleReport()
  const digests = r.digests()
  assert.equal(digests.reduce((n, d) => n + d.keys.length, 0), r.alerts.length)
  for (const d of digests) {
    assert.equal(d.breached + d.atRisk, d.keys.length)
    assert.equal(d.headline, `${d.accountName}: ${d.breached} breached, ${d.atRisk} at risk`)
    checkBlockKit(d.slack)
  }
  const umbrella = digests.find((d) => d.accountName === 'Umbrella')
  assert.deepEqual([umbrella.breached, umbrella.atRisk], [2, 4])
})
