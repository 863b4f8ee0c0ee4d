'use strict'
// Calendar.add and elapsed from Node, per call and in batch (addMany / elapsedMany over a
// Float64Array of epoch ms), against moment-business-time with moment-timezone, on the calendar
// of the Python benchmark: Mon-Fri 09:00-12:00 and 13:00-17:00 in America/New_York with the US
// public holidays of date-holidays (the same dates for both libraries), and --n random instants
// (whole seconds, seeded) over 2025-2026; adds of 1 to 40 whole business hours, elapsed to an
// end up to 30 days later.
//
// Before timing, every answer of moment-business-time on the instants it is timed on is
// compared with ours (and every batch answer with the per-call one); a difference the
// libraries' documented semantics do not explain stops the run:
//   - a result that lands exactly at a closing time: ours stays at the close, and a peer that
//     moves it to the next opening is counted as such (moment-business-time 2.0.0 stays too);
//   - moment-business-time's workingDiff bug, modelled exactly by laterOpenings() below.
// Then a table of operations per second and our ratio against the peer, measured in the same
// run. Run from benches/run.sh, or: node benches/node/bench_calendar.js [--n 100000] [--runs 5]
// (--smoke: checks on a few hundred instants, no timing).

const os = require('node:os')
const moment = require('moment-timezone')
require('moment-business-time')
const Holidays = require('date-holidays')
const { Calendar } = require('entitlement')

const args = process.argv.slice(2)
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`)
  return i >= 0 ? Number(args[i + 1]) : fallback
}
const smoke = args.includes('--smoke')
const N = smoke ? 300 : option('n', 100_000)
const PEER_N = Math.min(N, smoke ? 300 : option('peer-n', 5_000))
const RUNS = option('runs', 5)
const ZONE = 'America/New_York'
const HOUR = 3600e3

const holidays = []
const hd = new Holidays('US')
for (let year = 2024; year <= 2032; year++) {
  for (const h of hd.getHolidays(year)) {
    if (h.type === 'public') holidays.push(h.date.slice(0, 10))
  }
}
const days = [...new Set(holidays)].sort()

moment.updateLocale('en', {
  workinghours: {
    0: null,
    1: ['09:00:00', '12:00:00', '13:00:00', '17:00:00'],
    2: ['09:00:00', '12:00:00', '13:00:00', '17:00:00'],
    3: ['09:00:00', '12:00:00', '13:00:00', '17:00:00'],
    4: ['09:00:00', '12:00:00', '13:00:00', '17:00:00'],
    5: ['09:00:00', '12:00:00', '13:00:00', '17:00:00'],
    6: null,
  },
  holidays: days,
})

const cal = new Calendar({
  time_zone: ZONE,
  hours: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => [d, ['09:00-12:00', '13:00-17:00']])),
  holidays: days.map((date) => ({ name: 'US holiday', date })),
})

// A seeded generator (mulberry32).
let seed = 6
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
const LOW = Date.parse('2025-01-01T00:00:00Z')
const SPAN_S = (Date.parse('2027-01-01T00:00:00Z') - LOW) / 1000
const starts = new Float64Array(N)
const ends = new Float64Array(N)
const hours = new Float64Array(N)
const durations = new Float64Array(N)
for (let i = 0; i < N; i++) {
  starts[i] = LOW + Math.floor(random() * SPAN_S) * 1000
  ends[i] = starts[i] + Math.floor(random() * 30 * 86400) * 1000
  hours[i] = 1 + Math.floor(random() * 40)
  durations[i] = hours[i] * HOUR
}

const peerAdd = (t, h) => moment.tz(t, ZONE).addWorkingTime(h, 'hours').valueOf()
const peerElapsed = (a, b) => moment.tz(b, ZONE).workingDiff(moment.tz(a, ZONE), 'milliseconds', true)

class Mismatch extends Error {}

// moment-business-time 2.0.0's workingDiff sums, over every opening of the end's day, the
// signed difference between the opening's start and the end, so each opening that starts after
// the end adds (start - end) with the wrong sign. It keeps the end as it is when the end lies
// between the day's first opening and its last close (breaks included), and otherwise moves it
// to the previous close, where no later opening follows. This is that error, from our calendar.
function laterOpenings(end) {
  const day = moment.tz(end, ZONE).startOf('day')
  const intervals = cal.openIntervals(day.valueOf(), day.clone().add(1, 'day').valueOf())
  if (intervals.length === 0) return 0
  const first = intervals[0][0].getTime()
  const last = intervals[intervals.length - 1][1].getTime()
  if (end < first || end >= last) return 0
  return intervals.reduce((sum, [open]) => sum + (open.getTime() > end ? open.getTime() - end : 0), 0)
}

function check() {
  const lines = []
  const perCall = Array.from(starts, (t, i) => cal.add(t, durations[i]).getTime())
  const batch = cal.addMany(starts, durations)
  perCall.forEach((v, i) => {
    if (v !== batch[i]) throw new Mismatch(`addMany differs from add at ${new Date(starts[i]).toISOString()}`)
  })
  lines.push(`  entitlement addMany vs add: agrees on ${N.toLocaleString()} of ${N.toLocaleString()} instants`)
  const elapsedBatch = cal.elapsedMany(starts, ends)
  for (let i = 0; i < N; i++) {
    if (cal.elapsed(starts[i], ends[i]) !== elapsedBatch[i]) throw new Mismatch(`elapsedMany differs at ${i}`)
  }
  lines.push(`  entitlement elapsedMany vs elapsed: agrees on ${N.toLocaleString()} of ${N.toLocaleString()} instants`)

  let agree = 0
  let atClose = 0
  for (let i = 0; i < PEER_N; i++) {
    const theirs = peerAdd(starts[i], hours[i])
    const ours = perCall[i]
    if (theirs === ours) agree++
    else if (!cal.isOpen(ours) && cal.nextOpen(ours).getTime() === theirs) atClose++
    else throw new Mismatch(`moment-business-time add differs at ${new Date(starts[i]).toISOString()} + ${hours[i]} h: ${new Date(theirs).toISOString()} vs ${new Date(ours).toISOString()}`)
  }
  lines.push(`  moment-business-time add: agrees on ${agree.toLocaleString()} of ${PEER_N.toLocaleString()} instants${atClose ? `; ${atClose.toLocaleString()} differ where ours lands on a closing time and moment-business-time moves to the next opening` : ''}`)
  agree = 0
  let laterOpening = 0
  for (let i = 0; i < PEER_N; i++) {
    const theirs = peerElapsed(starts[i], ends[i])
    const ours = cal.elapsed(starts[i], ends[i])
    if (theirs === ours) agree++
    else if (theirs === ours - laterOpenings(ends[i])) laterOpening++
    else throw new Mismatch(`moment-business-time elapsed differs at ${new Date(starts[i]).toISOString()}..${new Date(ends[i]).toISOString()}: ${theirs} vs ${ours} ms`)
  }
  lines.push(`  moment-business-time elapsed: agrees on ${agree.toLocaleString()} of ${PEER_N.toLocaleString()} instants; ${laterOpening.toLocaleString()} differ where the end falls inside its day's hours before a later opening of that day (moment-business-time's workingDiff adds (opening - end) for each such opening, a bug of 2.0.0, modelled exactly here)`)
  return lines
}

function median(fn, runs) {
  const times = []
  for (let r = 0; r < runs; r++) {
    const start = process.hrtime.bigint()
    fn()
    times.push(Number(process.hrtime.bigint() - start) / 1e9)
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)]
}

function main() {
  console.log(`entitlement (Node ${process.version}), moment ${moment.version}, moment-timezone ${moment.tz.version}; ${N.toLocaleString()} instants over 2025-2026 (moment-business-time on ${PEER_N.toLocaleString()}); load average ${os.loadavg()[0].toFixed(2)}`)
  console.log('Agreement, checked before timing:')
  for (const line of check()) console.log(line)
  if (smoke) {
    console.log('smoke run: checks passed, nothing timed')
    return
  }
  const rows = []
  const timed = (op, library, count, fn, runs = RUNS) => {
    const rate = count / median(fn, runs)
    rows.push([op, library, rate])
    console.log(`  ${op.padEnd(18)} ${library.padEnd(22)} ${Math.round(rate).toLocaleString().padStart(14)} ops/s`)
  }
  const slowRuns = Math.max(1, Math.floor(RUNS / 2))
  let sink = 0
  console.log('Timing (median of runs):')
  timed('add per call', 'entitlement', N, () => { for (let i = 0; i < N; i++) sink += cal.add(starts[i], durations[i]).getTime() })
  timed('add per call', 'moment-business-time', PEER_N, () => { for (let i = 0; i < PEER_N; i++) sink += peerAdd(starts[i], hours[i]) }, slowRuns)
  timed('add batch', 'entitlement', N, () => { sink += cal.addMany(starts, durations)[0] })
  timed('add batch', 'moment-business-time', PEER_N, () => { const out = new Float64Array(PEER_N); for (let i = 0; i < PEER_N; i++) out[i] = peerAdd(starts[i], hours[i]); sink += out[0] }, slowRuns)
  timed('elapsed per call', 'entitlement', N, () => { for (let i = 0; i < N; i++) sink += cal.elapsed(starts[i], ends[i]) })
  timed('elapsed per call', 'moment-business-time', PEER_N, () => { for (let i = 0; i < PEER_N; i++) sink += peerElapsed(starts[i], ends[i]) }, slowRuns)
  timed('elapsed batch', 'entitlement', N, () => { sink += cal.elapsedMany(starts, ends)[0] })
  console.log()
  console.log('| operation | library | ops/s | entitlement is × faster |')
  console.log('|---|---|---:|---:|')
  const ours = Object.fromEntries(rows.filter((r) => r[1] === 'entitlement').map((r) => [r[0], r[2]]))
  for (const [op, library, rate] of rows) {
    const ratio = library === 'entitlement' ? '' : `${(ours[op] / rate).toFixed(1)}×`
    console.log(`| ${op} | ${library} | ${Math.round(rate).toLocaleString()} | ${ratio} |`)
  }
  console.log(`\n(moment-business-time has no batch call: its "batch" row is a loop into a Float64Array.) load average after the run: ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}${sink === 0.5 ? '' : ''}`)
}

try {
  main()
} catch (err) {
  if (err instanceof Mismatch) {
    console.error(`DISAGREEMENT (not explained by documented semantics): ${err.message}`)
    process.exit(1)
  }
  throw err
}
