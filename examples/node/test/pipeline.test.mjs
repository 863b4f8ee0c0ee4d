// The Node job (monitor.mjs) run as a scheduler runs it, against the loopback services, on a
// SQLite ledger and (when the test command started one, test/run.sh) on PostgreSQL: each
// (event key, channel) goes out exactly once across consecutive runs, a manual earlier run, a
// worker killed between send and mark, Slack 429 and 5xx answers, a delivery that keeps
// failing, and PostgreSQL restarted mid-run; the breach log equals the monitor's own replay.

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'

import { Ruleset } from 'entitlement'

import { outcomeRow } from '../pipeline.mjs'
import {
  DATABASES,
  Loopback,
  MANUAL,
  POSTGRES_SH,
  RUNS,
  SECRETS,
  assertExactlyOnce,
  delivered,
  expectedDeliveries,
  freshLedger,
  jobEnv,
  ledgerRows,
  runJob,
  runOk,
  scenarioCases,
  scenarioDocument,
  temporaryDirectory,
  writeScenarioRules,
} from './helpers.mjs'

/** Sets up one test: the loopback services, a fresh ledger, the scenario's rules, the env. */
async function setup(t, db, monitor = {}, extraEnv = {}) {
  const loopback = await Loopback.start(t)
  const dir = temporaryDirectory(t)
  const ledger = await freshLedger(t, db)
  const env = jobEnv(loopback, ledger, writeScenarioRules(dir, monitor), extraEnv)
  return { loopback, ledger, env, dir }
}

const SENDS = [
  { service: 'slack', path: 'chat.postMessage' },
  { service: 'slack', path: 'pins.add' },
  { service: 'jira', method: 'POST', path: '/rest/api/3/issue' },
  { service: 'pagerduty', path: '/v2/enqueue' },
  { service: 'salesforce', method: 'PATCH', path: '/sobjects/Case/' },
]

/** The ledger's deliveries by status, and its non-resolve rows as "key channel". */
async function ledgerDeliveries(location) {
  const rows = await ledgerRows(location, 'SELECT event_key, channel, action, status, attempts, payload FROM deliveries')
  const byStatus = {}
  for (const r of rows) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1
  return { rows, byStatus, keys: new Set(rows.filter((r) => r.action !== 'resolve').map((r) => `${r.event_key} ${r.channel}`)) }
}

const numeric = (row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'string' && /_seconds$|^instance$|^process_version$/.test(k) ? Number(v) : v]))

/** `milestone_outcomes` against `report.outcomes()` of the same cases at `now`. */
async function assertOutcomes(location, now) {
  const rules = Ruleset.fromObject(scenarioDocument())
  const expected = rules
    .monitor(scenarioCases(), now, new Date(Date.parse(now) - 1000))
    .outcomes()
    .map(outcomeRow)
  const key = (r) => `${r.case_id} ${r.milestone} ${r.instance}`
  expected.sort((a, b) => key(a).localeCompare(key(b)))
  const columns = Object.keys(expected[0])
  const rows = (await ledgerRows(location, `SELECT ${columns.join(', ')} FROM milestone_outcomes`)).map(numeric)
  rows.sort((a, b) => key(a).localeCompare(key(b)))
  assert.ok(expected.length > 0, 'the scenario has milestone outcomes')
  assert.deepEqual(rows, expected)
}

// The tests where the database matters (the run's transaction, the outbox across a crash, a
// lost connection) run on both; those about the services' answers on SQLite only, to keep the
// test command short.
for (const db of DATABASES) {
  const servicesTest = db === 'sqlite' ? test : () => {}
  describe(`monitor.mjs on ${db}`, () => {
    test('consecutive runs deliver each (event key, channel) once; a manual earlier run delivers nothing', async (t) => {
      const { loopback, ledger, env } = await setup(t, db)
      const outputs = []
      for (const now of RUNS) outputs.push(await runOk(assert, ['--now', now], env))
      const before = (await loopback.requests()).length
      const manual = await runOk(assert, ['--now', MANUAL], env)
      assert.match(manual.stdout, /is not after the last finished run's 2026-11-25T20:00:00\.000000Z/)
      assert.equal((await loopback.requests()).length, before, 'the manual earlier run sent nothing (and read nothing)')
      // Running the last window again reports nothing new either.
      await runOk(assert, ['--now', RUNS.at(-1)], env)

      const expected = expectedDeliveries()
      const channels = new Set([...expected.values()].map((e) => e.channel))
      assert.deepEqual([...channels].sort(), ['jira', 'pagerduty', 'salesforce', 'slack', 'war_room'], 'the scenario exercises every channel')
      assertExactlyOnce(assert, expected, delivered(await loopback.requests()))

      const { byStatus, keys } = await ledgerDeliveries(ledger)
      assert.deepEqual(byStatus, { sent: byStatus.sent }, 'every delivery is sent')
      assert.deepEqual([...keys].sort(), [...expected.keys()].sort())
      const runs = await ledgerRows(ledger, 'SELECT status, now FROM monitor_runs ORDER BY started_at')
      assert.deepEqual(
        runs.map((r) => r.status),
        ['finished', 'finished', 'finished', 'skipped', 'skipped'],
      )
      await assertOutcomes(ledger, RUNS.at(-1))

      const state = await loopback.state()
      // A case already at High is left alone (no PATCH): its recorded priority stands.
      const recorded = new Map(scenarioCases().map((c) => [c.id, c.fields.priority]))
      const patched = new Set(Object.keys(state.salesforce.cases))
      for (const e of expected.values()) {
        if (e.channel !== 'salesforce') continue
        const priority = state.salesforce.cases[e.caseId]?.Priority ?? recorded.get(e.caseId)
        assert.equal(priority, 'High', `case ${e.caseId} priority raised`)
        assert.equal(patched.has(e.caseId), recorded.get(e.caseId) !== 'High', `case ${e.caseId} patched only when not High`)
      }
      const rooms = Object.values(state.slack.channels).filter((c) => c.name.startsWith('war-'))
      assert.ok(rooms.length > 0)
      for (const room of rooms) assert.equal(room.pins.length, 1, `#${room.name} has its context pinned`)
      const text = outputs.map((o) => o.stdout + o.stderr).join('\n') + JSON.stringify(await ledgerRows(ledger, 'SELECT payload FROM deliveries'))
      for (const secret of SECRETS) assert.ok(!text.includes(secret), `the secret ${secret} appears in the output or the ledger`)
    })

    test('a worker killed between send and mark does not deliver twice on any channel', async (t) => {
      const { loopback, ledger, env } = await setup(t, db)
      await runOk(assert, ['--now', RUNS[0]], env)
      // Each kill: the service performs the request, then the job is SIGKILLed before it hears
      // the answer (so before it marks the row sent); the next run looks the delivery up.
      for (const send of SENDS) {
        await loopback.reset()
        const result = await runJob(['--now', RUNS.at(-1)], env, {
          onSpawn: (child) => loopback.fault({ fault: 'kill', nth: send.path === 'chat.postMessage' ? 2 : 1, pid: child.pid, ...send }),
        })
        assert.equal(result.signal, 'SIGKILL', `the kill at ${send.path} fired:\n${result.stdout}\n${result.stderr}`)
      }
      await loopback.reset()
      const last = await runOk(assert, ['--now', RUNS.at(-1)], env)
      assert.match(last.stdout, /already delivered by an earlier attempt/)
      const state = await loopback.state()
      const seen = delivered(await loopback.requests())
      assertExactlyOnce(assert, expectedDeliveries({}, [RUNS[0], RUNS.at(-1)]), seen, { retriggered: true, incidents: state.pagerduty.incidents })
      assert.deepEqual(
        [...seen.triggers.values()].sort(),
        [...Array(seen.triggers.size - 1).fill(1), 2],
        'only the trigger whose mark was lost went out again',
      )
      const { byStatus, rows } = await ledgerDeliveries(ledger)
      assert.deepEqual(byStatus, { sent: byStatus.sent })
      assert.ok(rows.some((r) => Number(r.attempts) > 1), 'some rows were attempted again after a kill')
      for (const room of Object.values(state.slack.channels).filter((c) => c.name.startsWith('war-'))) {
        assert.equal(room.pins.length, 1, `#${room.name}: a kill before the pin is repaired by the lookup`)
      }
    })

    servicesTest('Slack 429 with Retry-After and 5xx answers of every service are retried, nothing twice', async (t) => {
      const { loopback, ledger, env } = await setup(t, db)
      await loopback.fault(
        { fault: 'status', service: 'slack', path: 'chat.postMessage', nth: 1, status: 429, retry_after: 1 },
        { fault: 'status', service: 'slack', path: 'chat.postMessage', nth: 3, times: 2, status: 503 },
        { fault: 'status', service: 'slack', path: 'conversations.create', nth: 1, status: 500 },
        { fault: 'status', service: 'jira', path: '/rest/api/3/issue', nth: 1, status: 503 },
        { fault: 'status', service: 'pagerduty', path: '/v2/enqueue', nth: 1, status: 502 },
        { fault: 'status', service: 'salesforce', method: 'PATCH', path: '/sobjects/Case/', nth: 1, status: 503 },
      )
      const outputs = []
      for (const now of RUNS) outputs.push(await runOk(assert, ['--now', now], env))
      const { pending } = await loopback.faults()
      assert.deepEqual(pending, [], 'every fault fired')
      const log = outputs.map((o) => o.stdout).join('\n')
      assert.match(log, /Slack: rate limited \(Retry-After 1 s\); try 2 of 5 in 1\.00 s/, 'the 429 waited its Retry-After')
      assert.match(log, /Slack: HTTP 503; try 2 of 5/)
      assertExactlyOnce(assert, expectedDeliveries(), delivered(await loopback.requests()))
      const { byStatus } = await ledgerDeliveries(ledger)
      assert.deepEqual(byStatus, { sent: byStatus.sent })
    })

    servicesTest('a delivery that keeps failing is marked failed and reported, then delivered by a later run', async (t) => {
      const { loopback, ledger, env } = await setup(t, db)
      // Every try of the first Jira issue fails: 5 tries, then the row is failed (not dropped).
      await loopback.fault({ fault: 'status', service: 'jira', method: 'POST', path: '/rest/api/3/issue', nth: 1, times: 5, status: 503 })
      for (const now of RUNS) await runOk(assert, ['--now', now], env)
      let { rows } = await ledgerDeliveries(ledger)
      const failed = rows.filter((r) => r.status === 'failed')
      assert.equal(failed.length, 1)
      assert.equal(failed[0].channel, 'jira')
      // The manual earlier run reports nothing new but still works off the outbox.
      const manual = await runOk(assert, ['--now', MANUAL], env)
      assert.match(manual.stdout, new RegExp(`sent jira create_jira_issue ${failed[0].event_key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`))
      ;({ rows } = await ledgerDeliveries(ledger))
      const row = rows.find((r) => r.event_key === failed[0].event_key && r.channel === 'jira')
      assert.equal(row.status, 'sent')
      assert.equal(Number(row.attempts), 2)
      assertExactlyOnce(assert, expectedDeliveries(), delivered(await loopback.requests()))
    })

    servicesTest('non-automated actions are recorded as dry run and logged, never sent; --dry-run writes nothing', async (t) => {
      const { loopback, ledger, env } = await setup(t, db, { automate: [] })
      await runOk(assert, ['--now', RUNS[0]], env)
      const dry = await runOk(assert, ['--now', RUNS.at(-1), '--dry-run'], env)
      assert.match(dry.stdout, /dry run: war_room \S+ \(not automated\): \{"name":"war-/)
      assert.match(dry.stdout, /nothing written, nothing sent/)
      assert.ok((await loopback.requests()).every((r) => r.service === 'salesforce' && r.method === 'GET'), '--dry-run only reads the cases')
      const run = await runOk(assert, ['--now', RUNS.at(-1)], env)
      assert.match(run.stdout, /dry run: war_room \S+: would open #war-\S+ and invite \d+ people \(not in monitor\.automate\)/)
      assert.match(run.stdout, /dry run: salesforce \S+: would set the priority of case \S+ to High/)
      const { byStatus } = await ledgerDeliveries(ledger)
      assert.ok(byStatus.dry_run > 0)
      assert.deepEqual(Object.keys(byStatus).sort(), ['dry_run', 'sent'])
      const sending = (await loopback.requests()).filter((r) => r.service !== 'salesforce' || r.method !== 'GET')
      assert.ok(sending.length > 0)
      for (const r of sending) assert.equal(r.path, '/api/chat.postMessage', `only the Slack alerts go out, not ${r.method} ${r.path}`)
    })

    if (db === 'postgresql') {
      test('PostgreSQL stopped and restarted mid-run: the job reconnects, nothing is lost or sent twice', { skip: process.env.ENTITLEMENT_TEST_POSTGRES_DIR ? false : 'the PostgreSQL server was not started by test/run.sh' }, async (t) => {
        const { loopback, ledger, env } = await setup(t, db)
        await runOk(assert, ['--now', RUNS[0]], env)
        // After the second Slack post, before the job marks it: the server goes down for 1 s.
        await loopback.fault({ fault: 'exec', service: 'slack', path: 'chat.postMessage', nth: 2, argv: ['bash', POSTGRES_SH, 'restart', process.env.ENTITLEMENT_TEST_POSTGRES_DIR, '1'] })
        const result = await runOk(assert, ['--now', RUNS.at(-1)], env)
        const { fired } = await loopback.faults()
        assert.equal(fired.length, 1)
        assert.equal(fired[0].results?.[0]?.returncode, 0, `postgres.sh restart: ${JSON.stringify(fired[0].results)}`)
        assert.match(result.stdout, /ledger: .*(connection lost|failed)/, 'the job saw the connection go')
        assertExactlyOnce(assert, expectedDeliveries({}, [RUNS[0], RUNS.at(-1)]), delivered(await loopback.requests()))
        const { byStatus } = await ledgerDeliveries(ledger)
        assert.deepEqual(byStatus, { sent: byStatus.sent })
      })
    }
  })
}

describe('monitor.mjs configuration', () => {
  test('bad configuration exits 2 with a message that says what', async (t) => {
    const loopback = await Loopback.start(t)
    const dir = temporaryDirectory(t)
    const env = jobEnv(loopback, `${dir}/ledger.sqlite3`, writeScenarioRules(dir))
    const cases = [
      [['--now', 'yesterday'], {}, /--now: expected an ISO 8601 instant/],
      [['--lookback', 'an hour'], {}, /the lookback must be a duration/],
      [[], { SALESFORCE_ACCESS_TOKEN: '' }, /SALESFORCE_INSTANCE_URL and SALESFORCE_ACCESS_TOKEN must be set/],
      [[], { SLACK_BOT_TOKEN: '' }, /SLACK_BOT_TOKEN is not set/],
      [[], { ENTITLEMENT_SLACK_CHANNEL: '' }, /ENTITLEMENT_SLACK_CHANNEL \(or --slack-channel\) is not set/],
      [[], { ENTITLEMENT_RULES: '' }, /the rules are not given/],
      [['--max-attempts', '0'], {}, /the maximum of attempts must be a positive number/],
      [[], { ENTITLEMENT_RULES: `${dir}/missing.yaml` }, /the rules .*missing\.yaml are not valid/],
      [['--bogus'], {}, /Unknown option '--bogus'/],
    ]
    for (const [args, extra, message] of cases) {
      const result = await runJob(args, { ...env, ...extra })
      assert.equal(result.code, 2, `${args.join(' ')} ${JSON.stringify(extra)}: ${result.stdout}${result.stderr}`)
      assert.match(result.stderr, message)
    }
    assert.deepEqual(await loopback.requests(), [], 'nothing was called')
  })

  test('a ledger database that stays unreachable exits 1 after the retry budget', async (t) => {
    const loopback = await Loopback.start(t)
    const dir = temporaryDirectory(t)
    // Port 9 (discard) refuses connections on loopback.
    const env = jobEnv(loopback, 'postgresql://postgres:pw@127.0.0.1:9/entitlement', writeScenarioRules(dir), { ENTITLEMENT_LEDGER_RETRY_SECONDS: '1' })
    const result = await runJob(['--now', RUNS.at(-1)], env)
    assert.equal(result.code, 1, result.stdout + result.stderr)
    assert.match(result.stderr, /stayed unreachable for 1 s/)
    assert.ok(!(result.stdout + result.stderr).includes(':pw@'), 'the password is not printed')
  })
})
