'use strict'
// Calendars built to make the index expensive (issue 13), each in a child process with a memory
// cap and a time limit: before the fix, `elapsed` from year 1 to 9999 on a calendar of 96
// openings a day ran for 35 s and aborted the host when memory ran out, a union of calendars
// that never open again took seconds per part for every `nextOpen`, and an `any` of 200,000
// conditions took seconds to evaluate. Now each answers or refuses with `limit_exceeded`, and
// the child's peak resident memory (VmHWM) stays under the bound named here
// (docs/performance.md, "Bounds on hostile input").

const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const { spawnSync } = require('node:child_process')

/** The child's virtual memory (ulimit -v, KiB) and wall-clock limit: the bug needed gigabytes. */
const MEMORY_CAP_KIB = 6 * 1024 * 1024
const TIMEOUT_MS = 240e3
/** Peak resident memory (MiB) each child may reach: measured figures about doubled. */
const CEILINGS_MIB = {
  dense: 200,
  loop: 200,
  union: 110,
  criteria: 500,
}
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun']
const FIRST = new Date('0001-01-01T00:00:00Z')
const LAST = new Date('9999-12-31T23:59:59.999Z')
const MINUTE = 60e3

function peakMib() {
  const line = fs.readFileSync('/proc/self/status', 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'))
  return Number(line.split(/\s+/)[1]) / 1024
}

function codeOf(call) {
  try {
    call()
    return 'answered'
  } catch (e) {
    return e.code
  }
}

function dense() {
  const { Calendar } = require('..')
  const pad = (n) => String(n).padStart(2, '0')
  const day = Array.from({ length: 96 }, (_, i) => `${pad(i >> 2)}:${pad((i % 4) * 15)}-${pad(i >> 2)}:${pad((i % 4) * 15 + 10)}`)
  return Calendar.fromObject({ time_zone: 'America/New_York', hours: Object.fromEntries(DAYS.map((d) => [d, day])) })
}

const SCENARIOS = {
  /** The calls: elapsed, add and openIntervals from year 1 to 9999. */
  dense() {
    const cal = dense()
    return {
      elapsed: codeOf(() => cal.elapsed(FIRST, LAST)),
      add: codeOf(() => cal.add(FIRST, 3e6 * 86400e3)),
      openIntervals: codeOf(() => cal.openIntervals(FIRST, LAST)),
      oneDay: cal.elapsed(new Date('2026-03-02T00:00:00Z'), new Date('2026-03-03T00:00:00Z')) / MINUTE,
    }
  },
  /** Queries spread over the years: 10,000 of a weekday calendar and 300 of a dense one. */
  loop() {
    const { Calendar } = require('..')
    const office = Calendar.fromObject({
      time_zone: 'Europe/London',
      hours: Object.fromEntries(DAYS.slice(0, 5).map((d) => [d, ['09:00-12:00', '13:00-17:00']])),
    })
    const at = (y, m, d, h = 0) => {
      const t = new Date(Date.UTC(2000, m - 1, d, h))
      t.setUTCFullYear(y)
      return t
    }
    let opened = 0
    for (let y = 1; y < 10000; y++) opened += office.isOpen(at(y, 3, 3, 10)) ? 1 : 0
    const cal = dense()
    let minutes = 0
    let years = 0
    for (let y = 1; y < 10000; y += 33, years++) minutes += cal.elapsed(at(y, 6, 1), at(y, 6, 2)) / MINUTE
    return { opened, minutes, years }
  },
  /** 256 calendars closed every day from 2026 by a daily holiday, in one union. */
  union() {
    const { Calendar } = require('..')
    const part = { time_zone: 'UTC', hours: { mon: ['09:00-17:00'] }, holidays: [{ recurs: { unit: 'day' }, starts: '2026-01-01' }] }
    const union = Calendar.fromObject({ union: Array(256).fill(part) })
    const t = new Date('2026-02-01T00:00:00Z')
    return { nextOpen: [1, 2, 3].map(() => codeOf(() => union.nextOpen(t))) }
  },
  /** An `any` of 200,000 conditions is refused at load, naming where. */
  criteria() {
    const { Ruleset } = require('..')
    const any = Array.from({ length: 200000 }, (_, i) => ({ field: 'severity', op: 'eq', value: `S${i}` }))
    const doc = { processes: [{ id: 'p', milestones: [{ name: 'm', kind: 'resolution', target: '1h', when: { any } }] }] }
    try {
      Ruleset.fromObject(doc)
      return { code: 'answered' }
    } catch (e) {
      return { code: e.code, message: e.message.slice(0, 80) }
    }
  },
}

function measure(name) {
  const run = spawnSync('bash', ['-c', `ulimit -v ${MEMORY_CAP_KIB} && exec "$0" "$1" --child "$2"`, process.execPath, __filename, name], {
    encoding: 'utf8',
    timeout: TIMEOUT_MS,
  })
  assert.equal(run.status, 0, `the child died (${run.status} ${run.signal}): ${(run.stderr || '').slice(-2000)}`)
  return JSON.parse(run.stdout.trim().split('\n').at(-1))
}

if (process.argv[2] === '--child') {
  const report = SCENARIOS[process.argv[3]]()
  report.peakMib = peakMib()
  console.log(JSON.stringify(report))
} else {
  test('a dense calendar over the whole range refuses instead of aborting', () => {
    const r = measure('dense')
    assert.deepEqual([r.elapsed, r.add, r.openIntervals], ['limit_exceeded', 'limit_exceeded', 'limit_exceeded'], JSON.stringify(r))
    assert.equal(r.oneDay, 96 * 10)
    assert.ok(r.peakMib < CEILINGS_MIB.dense, JSON.stringify(r))
  })

  test('a loop over ten thousand years keeps memory bounded', () => {
    const r = measure('loop')
    // 3 March at 10:00 UTC is a weekday morning in London in about 5 years of 7.
    assert.ok(r.opened > 6500 && r.opened < 7800, JSON.stringify(r))
    assert.equal(r.minutes, r.years * 96 * 10)
    assert.ok(r.peakMib < CEILINGS_MIB.loop, JSON.stringify(r))
  })

  test('a union of calendars that never open again answers at once', () => {
    const r = measure('union')
    assert.deepEqual(r.nextOpen, ['no_opening', 'no_opening', 'no_opening'])
    assert.ok(r.peakMib < CEILINGS_MIB.union, JSON.stringify(r))
  })

  test('criteria breadth is refused at load', () => {
    const r = measure('criteria')
    assert.equal(r.code, 'limit_exceeded', JSON.stringify(r))
    assert.match(r.message, /when\.any\[/)
    assert.ok(r.peakMib < CEILINGS_MIB.criteria, JSON.stringify(r))
  })
}
