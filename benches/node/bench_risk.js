'use strict'
// rules.breachRisk over many cases from Node: the call (cases read, the estimates, the entries
// written as plain objects with their toJSON()), reading three properties of every entry, and
// JSON.stringify of the whole list (the wire format, written again by the addon) and of single
// entries. Half the cases are open (one estimate per open milestone), half closed within ten
// hours (the history the estimates learn from); two milestones each.
//
// Each figure is the median of --runs runs (process.hrtime). Run from benches/run.sh, or:
// node benches/node/bench_risk.js [--cases 100000] [--runs 7] [--addon FILE_OR_DIR] (another
// build to measure, such as a copy of the .node file built at an earlier commit, for a
// before/after in one session: docs/wire-format.md has the figures).

const path = require('node:path')
const os = require('node:os')
const args = process.argv.slice(2)
const option = (name, fallback, as = Number) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? as(args[i + 1]) : fallback
}
const ADDON = option('addon', null, String)
const { Ruleset } = require(ADDON ? path.resolve(ADDON) : 'entitlement')
const N = option('cases', 100_000)
const RUNS = option('runs', 7)

const HOUR = 3600e3
const START = Date.parse('2026-11-02T09:00:00Z')
const NOW = START + 48 * HOUR
const rules = Ruleset.fromObject({
  processes: [{
    id: 'p',
    milestones: [
      { name: 'Reply', kind: 'first_response', target: '4h' },
      { name: 'Fix', kind: 'resolution', target: '2d' },
    ],
  }],
})
let seed = 7
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648)
const cases = []
for (let i = 0; i < N; i++) {
  const open = i % 2 === 0
  const created = open ? NOW - Math.floor(rand() * 600) * 60e3 : START + Math.floor(rand() * 600) * 60e3
  const reply = new Date(created + Math.ceil(rand() * 600) * 60e3).toISOString()
  cases.push({
    id: `c${i}`,
    process: 'p',
    created_at: new Date(created).toISOString(),
    events: open ? [] : [{ at: reply, type: 'agent_reply' }],
  })
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1]
const ms = (t) => Number(process.hrtime.bigint() - t) / 1e6
const call = []
const reads = []
const whole = []
const single = []
let entries = 0
for (let r = 0; r < RUNS; r++) {
  let t = process.hrtime.bigint()
  const risks = rules.breachRisk(cases, NOW)
  call.push(ms(t))
  entries = risks.length
  t = process.hrtime.bigint()
  let sum = 0
  for (const x of risks) sum += x.elapsed + (x.probability ?? 0) + x.caseId.length
  reads.push(ms(t))
  if (!(sum > 0)) throw new Error('nothing read')
  t = process.hrtime.bigint()
  JSON.stringify(risks)
  whole.push(ms(t))
  t = process.hrtime.bigint()
  for (let i = 0; i < 1000; i++) JSON.stringify(risks[(i * 97) % risks.length])
  single.push(ms(t) * 1000 / 1000)
}
const f = (x) => x.toFixed(1)
console.log(
  `breachRisk over ${N} cases (${entries} entries), median of ${RUNS}: call ${f(median(call))} ms, ` +
  `3 properties of every entry ${f(median(reads))} ms, JSON.stringify(list) ${f(median(whole))} ms, ` +
  `JSON.stringify(entry) ${f(median(single))} µs each; load ${os.loadavg()[0].toFixed(2)}`,
)
