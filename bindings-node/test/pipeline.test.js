'use strict'
// What a delivering job needs from the core, through the built addon (the core's
// entitlement-core/tests/pipeline.rs and bindings-python/tests/test_pipeline.py hold the same
// scenarios): `monitor.automate`, `monitor.raise_priority`, `alert.deliveries`,
// `report.outcomes()` and `ledgerMigrations()`.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const crypto = require('node:crypto')
const path = require('node:path')

const { Ruleset, ledgerMigrations } = require('..')

const REPO = path.join(__dirname, '..', '..')
const SAMPLE = require(path.join(REPO, 'examples', 'data', 'cases.json'))
const CHANNELS = { open_war_room: 'war_room', create_jira_issue: 'jira', page_oncall: 'pagerduty', raise_priority: 'salesforce' }
const ORDER = ['slack', 'war_room', 'jira', 'pagerduty', 'salesforce']

function sampleRules(monitor) {
  const doc = Ruleset.load(path.join(REPO, 'examples', 'data', 'rules.yaml')).toJSON()
  doc.monitor = { ...(doc.monitor ?? {}), ...monitor }
  return Ruleset.fromObject(doc)
}

test('monitor.automate names known actions only', () => {
  assert.throws(() => sampleRules({ automate: ['raise_priority', 'reboot'] }), (err) => {
    assert.equal(err.code, 'unknown_action')
    assert.deepEqual(err.path, ['monitor', 'automate', 1])
    return true
  })
  assert.throws(() => sampleRules({ raise_priority: 'x'.repeat(256) }), { code: 'limit_exceeded' })
})

test('every alert delivers to Slack, then to the channels of its actions, in order', () => {
  const rules = sampleRules({ automate: ['open_war_room'], raise_priority: 'Urgent', war_room_arr: 0 })
  const report = rules.monitor(SAMPLE.cases, new Date(SAMPLE.now))
  const seen = new Set()
  assert.ok(report.alerts.length > 0)
  for (const alert of report.alerts) {
    const d = alert.deliveries
    assert.deepEqual(d, alert.toJSON().deliveries)
    assert.deepEqual(d[0], { channel: 'slack', action: 'notify', automated: true, target: null, dedupe: alert.key, invite: [] })
    const wanted = new Set(alert.actions.map((a) => CHANNELS[a]))
    assert.deepEqual(d.map((x) => x.channel), ORDER.filter((c) => c === 'slack' || wanted.has(c)))
    for (const x of d.slice(1)) {
      seen.add(x.channel)
      assert.equal(CHANNELS[x.action], x.channel)
      assert.equal(x.automated, x.action === 'open_war_room')
      if (x.channel === 'war_room') {
        assert.match(x.target, /^war-[a-z0-9_-]+$/)
        assert.ok(x.target.length <= 80 && !x.target.endsWith('-'))
        assert.ok(Array.isArray(x.invite) && x.invite.length <= 50)
      }
      if (x.channel === 'salesforce') assert.equal(x.target, 'Urgent')
      if (x.channel === 'pagerduty') assert.equal(x.dedupe, alert.pagerdutyEvent('R').dedup_key)
      if (x.channel === 'jira') {
        const hex = crypto.createHash('sha256').update(alert.key).digest('hex')
        assert.equal(x.dedupe, `entitlement-${hex.slice(0, 16)}`)
      }
    }
  }
  for (const c of ['war_room', 'pagerduty', 'salesforce']) assert.ok(seen.has(c), c)
  // JSON.stringify writes the same objects.
  assert.deepEqual(JSON.parse(JSON.stringify(report.alerts[0])).deliveries, report.alerts[0].deliveries)
})

test('outcomes: one row per started milestone, the outcome of its state, margins in ms', () => {
  const rules = Ruleset.load(path.join(REPO, 'examples', 'data', 'rules.yaml'))
  const now = new Date(SAMPLE.now)
  const report = rules.monitor(SAMPLE.cases, now)
  const rows = report.outcomes()
  const started = report.cases.flatMap((c) => c.milestones.map((s) => [c, s])).filter(([, s]) => s.state !== 'pending')
  assert.equal(rows.length, started.length)
  assert.ok(rows.length > 0)
  const outcome = { completed: 'met', completed_late: 'late', violated: 'violated', in_progress: 'open', paused: 'open' }
  rows.forEach((row, i) => {
    const [c, s] = started[i]
    assert.deepEqual([row.caseId, row.milestone, row.instance], [c.caseId, s.milestone, s.instance])
    assert.equal(row.outcome, outcome[s.state])
    assert.equal(row.margin, s.remaining)
    assert.equal(row.target, s.target)
    const end = s.completedAt ?? now
    assert.equal(row.marginWall, s.targetAt === null ? null : s.targetAt.getTime() - end.getTime())
    if (row.startedAt !== null) assert.ok(row.startedAt instanceof Date)
    assert.equal(row.processVersion, c.processVersion)
  })
  const kinds = new Set(rows.map((r) => r.outcome))
  assert.ok(kinds.has('met') && kinds.has('violated'))
  assert.ok(rows.some((r) => r.tier !== null))
})

test('ledgerMigrations: the schema the Python job uses, statement by statement', () => {
  const migrations = ledgerMigrations()
  assert.deepEqual(migrations.map((m) => [m.version, m.name]), [[1, 'init']])
  const sql = migrations[0].sql
  assert.ok(sql.endsWith(';\n'))
  const tables = [...sql.matchAll(/^CREATE TABLE (\w+) \(/gm)].map((m) => m[1])
  assert.deepEqual(tables, ['ledger_migrations', 'monitor_runs', 'events', 'deliveries', 'milestone_outcomes'])
  assert.equal(sql.split(';\n').filter((s) => s.trim()).length, 8)
  assert.ok(sql.includes('PRIMARY KEY (event_key, channel)'))
})
