'use strict'
// rules.monitor over 100,000 open cases from Node, reading every open status's target: what a
// scheduled job pays per run.
//
// The cases are those of the Rust benchmark (benches/benches/monitor.rs, fixture `open_cases`
// in benches/src/lib.rs) and of benches/python/bench_monitor.py, generated here by the same
// xorshift sequence: open cases under `acme-gold` created over the week before now =
// 2026-11-25T20:30Z, a third answered, a fifth waiting on the customer and then replied to;
// three milestones each (a fifth a fourth). Instants are RFC 3339 strings as Rust and Python
// write them (`--dates`: `Date`s instead). The window is the last 15 minutes.
//
// Measured, each the median of --runs runs (performance.now()):
//   - case reading: rules.entitlementUsage for an entitlement none of the cases belongs to,
//     which reads and parses every case and counts none: the binding's part of monitor;
//   - rules.monitor(cases, now, since), all of it; the core's part is monitor - reading;
//   - report.statuses (a MilestoneStatus per open milestone) and reading every status's
//     targetAt; the headline is monitor + statuses + targets, the whole job of reading the
//     deadlines of every open milestone;
//   - report.events + report.alerts, report.toArrow('statuses'), rules.evaluateArrow (bytes of
//     an Arrow IPC stream: no JavaScript object per row);
//   - CPU seconds of the process (process.cpuUsage(), every thread) beside the wall clock: on a
//     shared machine the steadier figure;
//   - peak RSS (process.resourceUsage().maxRSS) after each step, and the load average.
// Run from benches/run.sh, or: node benches/node/bench_monitor.js [--cases 100000] [--runs 5]
// [--dates] [--addon DIR] (DIR: another build of the package to measure, such as a copy of
// bindings-node built at an earlier commit, for a before/after in one session).

const os = require('node:os')
const path = require('node:path')
const args = process.argv.slice(2)
const option = (name, fallback, as = Number) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? as(args[i + 1]) : fallback
}
const ADDON = option('addon', null, String)
const { Ruleset } = require(ADDON ? path.resolve(ADDON) : 'entitlement')
const N = option('cases', 100_000)
const RUNS = option('runs', 5)
const DATES = args.includes('--dates')

const REPO = path.resolve(__dirname, '..', '..')
const NOW = new Date('2026-11-25T20:30:00Z')
const SINCE = new Date(NOW.getTime() - 15 * 60e3)
const BASE = Date.parse('2026-11-18T14:00:00Z')
const MINUTE = 60e3

/** The Rust fixture's cases (the same xorshift sequence, in BigInt). */
function openCases(n) {
  let state = 0x9e3779b97f4a7c15n
  const step = () => {
    state ^= BigInt.asUintN(64, state << 13n)
    state ^= state >> 7n
    state ^= BigInt.asUintN(64, state << 17n)
    return state
  }
  // Rust's to_rfc3339 and Python's isoformat: `2026-11-18T14:00:00+00:00`.
  const instant = DATES ? (ms) => new Date(ms) : (ms) => new Date(ms).toISOString().slice(0, 19) + '+00:00'
  const cases = []
  for (let i = 0; i < n; i++) {
    const created = BASE + Number(step() % BigInt(7 * 24 * 60)) * MINUTE
    const at = (m) => instant(created + m * MINUTE)
    const events = []
    const r = step()
    if (r % 3n === 0n) events.push({ at: at(5 + Number(r % 90n)), type: 'agent_reply' })
    if (r % 5n === 0n) {
      events.push({ at: at(100), type: 'status', to: 'Waiting on Customer' })
      events.push({ at: at(400), type: 'customer_reply' })
      events.push({ at: at(400), type: 'status', to: 'Open' })
    }
    cases.push({
      id: `B-${i}`,
      entitlement: 'acme-gold',
      created_at: instant(created),
      fields: { severity: r % 7n === 0n ? 'Sev1' : 'Sev2' },
      events,
    })
  }
  return cases
}

const peakMiB = () => process.resourceUsage().maxRSS / 1024
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}
/** CPU seconds (user + system, every thread of the process) since `from`. */
const cpu = (from) => {
  const u = process.cpuUsage(from)
  return (u.user + u.system) / 1e6
}
/** Median, min and max seconds of `runs` calls of fn, the median CPU seconds, and its last result. */
function timed(fn, runs = RUNS) {
  const times = []
  const cpus = []
  let result
  for (let i = 0; i < runs; i++) {
    result = undefined
    const start = performance.now()
    const c0 = process.cpuUsage()
    result = fn()
    cpus.push(cpu(c0))
    times.push((performance.now() - start) / 1e3)
  }
  return { med: median(times), lo: Math.min(...times), hi: Math.max(...times), cpu: median(cpus), result }
}

const rows = []
function row(step, seconds, note = '', cpuSeconds = null) {
  const shown = seconds == null ? '' : seconds.toFixed(3)
  const cpuShown = cpuSeconds == null ? '' : cpuSeconds.toFixed(3)
  const perCase = seconds == null ? '' : ((seconds / N) * 1e6).toFixed(2)
  rows.push([step, shown, cpuShown, perCase, note])
  console.log(`  ${step}: ${shown || '-'} s  (peak RSS ${peakMiB().toFixed(0)} MiB)`)
}

const load = () => os.loadavg().map((x) => x.toFixed(2)).join(' ')
console.log(
  `entitlement${ADDON ? ` from ${ADDON}` : ''} (Node ${process.version}, ${os.arch()}, ${os.cpus().length} cores); ${N.toLocaleString('en')} ` +
    `open cases, instants as ${DATES ? 'Dates' : 'ISO strings'}, median of ${RUNS} runs; load average ${load()}`,
)
const rules = Ruleset.load(path.join(REPO, 'examples', 'data', 'rules.yaml'))

let start = performance.now()
const cases = openCases(N)
row('build the case objects (JS)', (performance.now() - start) / 1e3, 'not the library\'s work')

// Reading and parsing every case, counting none (no case is under umbrella-sev1).
const reading = timed(() => rules.entitlementUsage('umbrella-sev1', cases, NOW))
row('case reading (objects -> core cases)', reading.med, `min ${reading.lo.toFixed(3)}, max ${reading.hi.toFixed(3)}`, reading.cpu)

// The whole job: monitor, then the open statuses and every one's deadline. Each run gets a
// fresh report (a report's lists are converted once and kept).
const parts = { monitor: [], statuses: [], targets: [], total: [], cpuMonitor: [], cpuStatuses: [], cpuTargets: [], cpuTotal: [] }
let report
let read = 0
for (let i = 0; i < RUNS; i++) {
  report = undefined
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  report = rules.monitor(cases, NOW, SINCE)
  const t1 = performance.now()
  const c1 = process.cpuUsage()
  const statuses = report.statuses
  const t2 = performance.now()
  const c2 = process.cpuUsage()
  let latest = 0
  for (let j = 0; j < statuses.length; j++) {
    const t = statuses[j].targetAt
    if (t !== null && t.getTime() > latest) latest = t.getTime()
  }
  const t3 = performance.now()
  parts.cpuMonitor.push(cpu(c0) - cpu(c1))
  parts.cpuStatuses.push(cpu(c1) - cpu(c2))
  parts.cpuTargets.push(cpu(c2))
  parts.cpuTotal.push(cpu(c0))
  read = statuses.length
  parts.monitor.push((t1 - t0) / 1e3)
  parts.statuses.push((t2 - t1) / 1e3)
  parts.targets.push((t3 - t2) / 1e3)
  parts.total.push((t3 - t0) / 1e3)
  if (latest === 0) throw new Error('no target read')
}
const monitor = median(parts.monitor)
row('rules.monitor (15-minute window), all', monitor, `min ${Math.min(...parts.monitor).toFixed(3)}, max ${Math.max(...parts.monitor).toFixed(3)}`, median(parts.cpuMonitor))
row('  of which the core: monitor - reading', monitor - reading.med, '', median(parts.cpuMonitor) - reading.cpu)
row('report.statuses (first read)', median(parts.statuses), `${read.toLocaleString('en')} open milestones`, median(parts.cpuStatuses))
row('reading every status\'s targetAt', median(parts.targets), 'a Date each', median(parts.cpuTargets))
row('monitor + statuses + every target', median(parts.total), 'goal: 0.5 s for 100,000 cases', median(parts.cpuTotal))

const lists = []
for (let i = 0; i < RUNS; i++) {
  const r = rules.monitor(cases, NOW, SINCE)
  const t = performance.now()
  if (r.events.length + r.alerts.length === 0) throw new Error('no events')
  lists.push((performance.now() - t) / 1e3)
}
row('report.events + report.alerts (first read)', median(lists), `${report.events.length} events, ${report.alerts.length} alerts`)
const arrow = timed(() => report.toArrow('statuses'))
row('report.toArrow(\'statuses\')', arrow.med, `${(arrow.result.length / 1e6).toFixed(1)} MB of Arrow IPC`, arrow.cpu)
const evaluate = timed(() => rules.evaluateArrow(cases, NOW))
row('rules.evaluateArrow (every status)', evaluate.med, `${(evaluate.result.length / 1e6).toFixed(1)} MB of Arrow IPC`, evaluate.cpu)

console.log()
console.log(`${N.toLocaleString('en')} open cases; peak RSS ${peakMiB().toFixed(0)} MiB; load average ${load()}`)
console.log()
// s: wall-clock seconds; cpu s: CPU seconds of every thread (on a shared machine the steadier
// figure; above s where the core replays on several threads); us/case: wall-clock per case.
const header = ['step', 's', 'cpu s', 'us/case', 'note']
const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => r[i].length)))
for (const r of [header, widths.map((w) => '-'.repeat(w)), ...rows]) {
  const [step, ...numbers] = r.slice(0, 4)
  console.log([step.padEnd(widths[0]), ...numbers.map((x, i) => x.padStart(widths[i + 1])), r[4]].join('  '))
}
