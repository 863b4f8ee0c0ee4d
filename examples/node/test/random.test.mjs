// The law of the pipeline under random faults: whatever happens to the workers and the
// services (a SIGKILL at any request that sends something, 429 and 5xx answers on any call),
// re-running the job until each window finishes delivers every (event key, channel) exactly
// once, and leaves every delivery sent. Seeded: a failure names its seed; replay it with
// ENTITLEMENT_TEST_SEED=<seed> npm test.

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'

import { DATABASES, Loopback, MANUAL, RUNS, assertExactlyOnce, delivered, expectedDeliveries, freshLedger, jobEnv, ledgerRows, runJob, temporaryDirectory, writeScenarioRules } from './helpers.mjs'

/** mulberry32: a small, seedable generator, so that a failing schedule can be replayed. */
function generator(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

// Requests that send something (a kill there is the crash between send and mark) and requests
// that only look (a 5xx there must be retried like any other).
const SENDS = [
  { service: 'slack', path: 'chat.postMessage' },
  { service: 'slack', path: 'conversations.create' },
  { service: 'slack', path: 'conversations.invite' },
  { service: 'slack', path: 'pins.add' },
  { service: 'jira', method: 'POST', path: '/rest/api/3/issue' },
  { service: 'pagerduty', path: '/v2/enqueue' },
  { service: 'salesforce', method: 'PATCH', path: '/sobjects/Case/' },
]
const LOOKS = [
  { service: 'slack', path: 'conversations.history' },
  { service: 'slack', path: 'conversations.list' },
  { service: 'jira', method: 'GET', path: '/rest/api/3/search' },
  { service: 'salesforce', method: 'GET', path: '/sobjects/Case/' },
]

const seeds = process.env.ENTITLEMENT_TEST_SEED ? [Number(process.env.ENTITLEMENT_TEST_SEED)] : [20261125, 16]

/** The windows: the scenario's, then two more days with pages, war rooms and completions. */
const WINDOWS = [RUNS[0], RUNS.at(-1), '2026-11-26T16:00:00Z', '2026-11-27T16:00:00Z']

/**
 * The faults of one job attempt: a kill (always on a window's first attempt, then one time in
 * two) and a few 429/5xx answers (never more than the 5 tries of one call can absorb).
 */
function schedule(random, pid, attempt) {
  const pick = (list) => list[Math.floor(random() * list.length)]
  const faults = []
  if (attempt > 6) return faults
  if (attempt === 1 || random() < 0.5) faults.push({ fault: 'kill', nth: 1 + Math.floor(random() * 4), pid, ...pick(SENDS) })
  // Every window with alerts posts to Slack: on its first attempt the worker dies somewhere.
  if (attempt === 1) faults.push({ fault: 'kill', nth: 1 + Math.floor(random() * 8), pid, service: 'slack', path: 'chat.postMessage' })
  for (let i = Math.floor(random() * 3); i > 0; i--) {
    const where = random() < 0.7 ? pick(SENDS) : pick(LOOKS)
    const status = pick([429, 500, 502, 503])
    faults.push({ fault: 'status', nth: 1 + Math.floor(random() * 4), times: 1 + Math.floor(random() * 2), status, ...(status === 429 ? { retry_after: 0 } : {}), ...where })
  }
  return faults
}

for (const db of DATABASES) {
  describe(`random faults on ${db}`, () => {
    // PostgreSQL runs one schedule: the others differ only in the database under the same code.
    for (const seed of db === 'sqlite' ? seeds : seeds.slice(0, 1)) {
      test(`seed ${seed}: every (event key, channel) exactly once, every delivery sent`, async (t) => {
        const random = generator(seed)
        const loopback = await Loopback.start(t)
        const dir = temporaryDirectory(t)
        const ledger = await freshLedger(t, db)
        const env = jobEnv(loopback, ledger, writeScenarioRules(dir))
        const story = []
        let kills = 0
        for (const now of [...WINDOWS, MANUAL]) {
          for (let attempt = 1; ; attempt++) {
            assert.ok(attempt <= 12, `seed ${seed}: the window ending ${now} never finished:\n${story.join('\n')}`)
            await loopback.reset()
            let faults = []
            const result = await runJob(['--now', now], env, {
              onSpawn: async (child) => {
                faults = schedule(random, child.pid, attempt)
                if (faults.length > 0) await loopback.fault(...faults)
              },
            })
            story.push(`${now} #${attempt}: ${JSON.stringify(faults)} -> ${result.signal ?? result.code}`)
            if (result.signal === 'SIGKILL') {
              kills += 1
              continue
            }
            assert.equal(result.code, 0, `seed ${seed}:\n${story.join('\n')}\n${result.stdout}\n${result.stderr}`)
            break
          }
        }
        if (process.env.ENTITLEMENT_TEST_VERBOSE) for (const line of story) t.diagnostic(line)
        assert.ok(kills > 0, `seed ${seed}: no worker was killed, the schedule tested little`)
        const state = await loopback.state()
        const message = `seed ${seed}:\n${story.join('\n')}`
        try {
          assertExactlyOnce(assert, expectedDeliveries({}, WINDOWS), delivered(await loopback.requests()), { retriggered: true, incidents: state.pagerduty.incidents })
        } catch (err) {
          err.message = `${message}\n${err.message}`
          throw err
        }
        const statuses = await ledgerRows(ledger, 'SELECT status, COUNT(*) AS n FROM deliveries GROUP BY status')
        assert.deepEqual(
          statuses.map((r) => r.status),
          ['sent'],
          message,
        )
      })
    }
  })
}
