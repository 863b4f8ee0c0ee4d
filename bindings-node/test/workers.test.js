'use strict'
// Worker threads: 8 workers at once, each loading the addon, the sample rules and one calendar
// definition itself (a Ruleset or Calendar belongs to the thread that made it), run the monitor,
// evaluations, usage and calendar calls over the sample month, and get exactly what the main
// thread gets running the same work alone. A worker terminated in the middle of a monitor run
// leaves the process and the addon working.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const fs = require('node:fs')
const { Worker } = require('node:worker_threads')

const PACKAGE = path.join(__dirname, '..')
const DATA = path.join(__dirname, '..', '..', 'examples', 'data')

// The work, as the source of a function both the main thread and the workers run.
const WORK = `
  function work({ pkg, data, part }) {
    const path = require('node:path')
    const fs = require('node:fs')
    const { Ruleset, Calendar } = require(pkg)
    const rules = Ruleset.load(path.join(data, 'rules.yaml'))
    const sample = JSON.parse(fs.readFileSync(path.join(data, 'cases.json'), 'utf8'))
    const now = Date.parse(sample.now)
    const hour = 3600e3
    const cal = new Calendar({
      time_zone: 'America/New_York',
      hours: { mon: ['09:00-12:00', '13:00-17:00'], tue: ['09:00-17:00'], fri: ['22:00-06:00'] },
      holidays: [{ yearly: '12-25', observed: 'nearest_weekday' }, { from: '2031-12-27', to: '2032-01-02' }],
    })
    const out = {}
    if (part === 'all' || part === 0) out.monitor = rules.monitor(sample.cases, now, now - 6 * hour).toJSON()
    if (part === 'all' || part === 1) out.monitorLate = rules.monitor(sample.cases, now - 48 * hour).toJSON()
    if (part === 'all' || part === 2) out.cases = sample.cases.map((c) => rules.evaluateCase(c, now).toJSON())
    if (part === 'all' || part === 3) out.usage = rules.entitlementUsage('acme-gold', sample.cases, now).toJSON()
    if (part === 'all' || part === 4 || part === 5) {
      // 40 years of instants no call has touched: the workers build the same years at once.
      const start = Date.UTC(1995, 0, 1)
      const ts = Array.from({ length: 3000 }, (_, i) => start + ((i * 7919 * 60e3 * 97) % (40 * 8760 * hour)))
      out.calendar = ts.map((t, i) => [cal.add(t, (i % 200) * hour).getTime(), cal.elapsed(t, t + (i % 900) * hour), cal.isOpen(t)])
    }
    if (part === 'all' || part === 6) out.whatIf = rules.whatIf(rules, sample.cases, now)
    if (part === 'all' || part === 7) out.intervals = cal.openIntervals(Date.UTC(2026, 0, 1), Date.UTC(2027, 0, 1)).map(([s, e]) => [s.getTime(), e.getTime()])
    return out
  }
`

function inWorker(source, workerData) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(source, { eval: true, workerData })
    worker.once('message', resolve)
    worker.once('error', reject)
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`worker exited with code ${code}`))
    })
  })
}

test('8 workers at once give what the main thread gives alone', async () => {
  const work = new Function('require', `${WORK}; return work`)(require)
  const expected = work({ pkg: PACKAGE, data: DATA, part: 'all' })
  const source = `
    const { parentPort, workerData } = require('node:worker_threads')
    ${WORK}
    parentPort.postMessage(work(workerData))
  `
  // Each worker does part of the work and all of it, so that different calls overlap.
  const results = await Promise.all(
    Array.from({ length: 8 }, (_, part) =>
      Promise.all([inWorker(source, { pkg: PACKAGE, data: DATA, part }), inWorker(source, { pkg: PACKAGE, data: DATA, part: 'all' })]),
    ),
  )
  results.forEach(([mine, all], part) => {
    for (const [key, value] of Object.entries(mine)) assert.deepEqual(value, expected[key], `worker ${part}: ${key}`)
    assert.deepEqual(all, expected, `worker ${part}: all`)
  })
  assert.ok(expected.monitor.events.length > 0 && expected.cases.length > 100)
})

test('a worker terminated in the middle of a monitor run leaves the addon working', async () => {
  const source = `
    const { parentPort, workerData } = require('node:worker_threads')
    const path = require('node:path')
    const fs = require('node:fs')
    const { Ruleset } = require(workerData.pkg)
    const rules = Ruleset.load(path.join(workerData.data, 'rules.yaml'))
    const sample = JSON.parse(fs.readFileSync(path.join(workerData.data, 'cases.json'), 'utf8'))
    const many = []
    for (let k = 0; k < 20; k++) for (const c of sample.cases) many.push({ ...c, id: c.id + '-' + k })
    parentPort.postMessage('running')
    for (;;) rules.monitor(many, Date.parse(sample.now))
  `
  for (let round = 0; round < 4; round++) {
    const worker = new Worker(source, { eval: true, workerData: { pkg: PACKAGE, data: DATA } })
    await new Promise((resolve, reject) => {
      worker.once('message', resolve)
      worker.once('error', reject)
    })
    await new Promise((resolve) => setTimeout(resolve, 150))
    const code = await worker.terminate()
    assert.equal(code, 1)
  }
  // The main thread's addon is untouched.
  const { Ruleset } = require(PACKAGE)
  const rules = Ruleset.load(path.join(DATA, 'rules.yaml'))
  const sample = JSON.parse(fs.readFileSync(path.join(DATA, 'cases.json'), 'utf8'))
  assert.ok(rules.monitor(sample.cases, Date.parse(sample.now)).toJSON().statuses.length > 0)
})
