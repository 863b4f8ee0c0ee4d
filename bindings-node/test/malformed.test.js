'use strict'
// The malformed-input corpus (tests/ffi/malformed.json, shared with the Python suite) through the
// built addon: every case throws an Error with the documented `code` (docs/errors.md), never an
// internal_error (a panic caught at the boundary), and the process survives. The cases run in a
// child process, one JSON line per case, so that an abort would name the case that caused it
// instead of killing the test run.

const { test } = require('node:test')
const assert = require('node:assert/strict')
const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { isDeepStrictEqual } = require('node:util')

const REPO = path.resolve(__dirname, '..', '..')
const CORPUS = process.env.ENTITLEMENT_MALFORMED_CORPUS || path.join(REPO, 'tests', 'ffi', 'malformed.json')

// --- The child: builds each case's values, makes the call, reports what it threw -------------

class Opaque {}

function builder(tmp) {
  let files = 0
  const build = (x) => {
    if (Array.isArray(x)) return x.map(build)
    if (x === null || typeof x !== 'object') return x
    if (!('$' in x)) return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, build(v)]))
    switch (x.$) {
      case 'naive':
      case 'date':
        return x.v
      case 'aware':
        return new Date(x.v)
      case 'nan':
        return NaN
      case 'inf':
        return x.sign * Infinity
      case 'none':
        return null
      case 'undefined':
        return undefined
      case 'bigint':
        return BigInt(x.v)
      case 'ms':
        return x.v
      case 'repeat':
        return (x.prefix || '') + x.v.repeat(x.n)
      case 'bytes':
        return Buffer.from(x.hex.replace(/ /g, ''), 'hex')
      case 'file': {
        files += 1
        const dir = path.join(tmp, String(files))
        fs.mkdirSync(dir)
        const file = path.join(dir, x.name)
        if (x.dir) fs.mkdirSync(file)
        else if ('hex' in x) fs.writeFileSync(file, Buffer.from(x.hex.replace(/ /g, ''), 'hex'))
        else fs.writeFileSync(file, x.text)
        return file
      }
      case 'nest': {
        let value = build('leaf' in x ? x.leaf : [])
        for (let i = 0; i < x.depth; i++) {
          const inner = x.wrap === 'list' || !('key' in x) ? [value] : value
          value = 'key' in x ? { [x.key]: inner } : inner
        }
        return value
      }
      case 'many':
        return Array(x.n).fill(build(x.v))
      case 'calendars':
        return Object.fromEntries(Array.from({ length: x.n }, (_, i) => [`c${i}`, { always_open: true }]))
      case 'object':
        return new Opaque()
      case 'cyclic': {
        const d = { a: null }
        d.a = d
        return d
      }
      case 'calendar':
        return require('..').Calendar.alwaysOpen()
      default:
        throw new Error(`unknown value kind ${x.$}`)
    }
  }
  return build
}

function receivers() {
  const { Calendar, Ruleset, zendesk, ics } = require('..')
  const rules = Ruleset.load(path.join(REPO, 'examples', 'data', 'rules.yaml'))
  const cal = new Calendar({ time_zone: 'America/New_York', hours: { mon: ['09:00-17:00'] } })
  const always = Calendar.alwaysOpen()
  const isFile = (s) => typeof s === 'string' && s.endsWith('.ics') && fs.existsSync(s)
  return {
    Calendar: (d) => new Calendar(d),
    'Calendar.union': (l) => Calendar.union(l),
    'cal.add': (t, d) => cal.add(t, d),
    'cal.sub': (t, d) => cal.sub(t, d),
    'cal.elapsed': (a, b) => cal.elapsed(a, b),
    'cal.is_open': (t) => cal.isOpen(t),
    'cal.next_open': (t) => cal.nextOpen(t),
    'cal.next_close': (t) => cal.nextClose(t),
    'cal.open_intervals': (a, b) => cal.openIntervals(a, b),
    'always.next_close': (t) => always.nextClose(t),
    Ruleset: (d) => Ruleset.fromObject(d),
    'Ruleset.from_json': (s) => Ruleset.fromJson(s),
    'Ruleset.from_yaml': (s) => Ruleset.fromYaml(s),
    'Ruleset.from_toml': (s) => Ruleset.fromToml(s),
    'Ruleset.load': (p) => Ruleset.load(p),
    'rules.evaluate': (c, now) => rules.evaluate(c, now),
    'rules.monitor': (cs, now, since) => rules.monitor(cs, now, since),
    'rules.monitor_raise': (cs, now, since) => rules.monitor(cs, now, since, { onError: 'raise' }),
    'rules.monitor_on_error': (cs, now, onError) => rules.monitor(cs, now, null, { onError }),
    'rules.entitlement_usage': (id, cs, now) => rules.entitlementUsage(id, cs, now),
    'rules.what_if': (p, cs, now) => rules.whatIf(p, cs, now),
    'zendesk.schedules': (x) => zendesk.schedules(x),
    'zendesk.sla_policies': (x) => zendesk.slaPolicies(x),
    'zendesk.rails_time_zone': (n) => zendesk.railsTimeZone(n),
    'ics.holidays': (source, zone) => ics.holidays(isFile(source) ? { path: source } : source, { timeZone: zone }),
  }
}

function child(out) {
  const calls = receivers()
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'entitlement-malformed-'))
  const build = builder(tmp)
  // A file, written synchronously line by line: what was written before an abort survives it.
  const fd = fs.openSync(out, 'w')
  const write = (obj) => fs.writeSync(fd, JSON.stringify(obj) + '\n')
  try {
    for (const c of JSON.parse(fs.readFileSync(CORPUS, 'utf8')).cases) {
      if (c.only === 'python') continue
      write({ start: c.id })
      const args = build(c.args)
      let report
      try {
        calls[c.call](...args)
        report = { id: c.id, threw: false }
      } catch (e) {
        report = { id: c.id, threw: true, isError: e instanceof Error, code: e?.code ?? null, path: e?.path, message: String(e?.message).slice(0, 300) }
      }
      write(report)
    }
  } finally {
    fs.closeSync(fd)
    fs.rmSync(tmp, { recursive: true, force: true })
  }
}

// --- The parent: runs the child and checks every report --------------------------------------

function problems(c, report) {
  if (!report) return 'no report (the child stopped before it)'
  if (!report.threw) return 'returned instead of throwing'
  if (!report.isError) return `threw a non-Error: ${report.message}`
  if (report.code === 'internal_error') return `a panic reached JavaScript: ${report.message}`
  const want = 'node_code' in c ? c.node_code : c.code
  if (report.code !== want) return `code ${report.code}, expected ${want}: ${report.message}`
  if (!Array.isArray(report.path)) return `no err.path: ${report.message}`
  // Where the case says where the error is, the same in both languages unless it has `node_path`.
  const where = 'node_path' in c ? c.node_path : c.path
  if (where !== undefined && !isDeepStrictEqual(report.path, where)) {
    return `path ${JSON.stringify(report.path)}, expected ${JSON.stringify(where)}: ${report.message}`
  }
  return null
}

if (process.argv[2] === '--child') {
  child(process.argv[3])
} else {
  test('every malformed input throws an Error with its documented code, in a child process', () => {
    const cases = JSON.parse(fs.readFileSync(CORPUS, 'utf8')).cases.filter((c) => c.only !== 'python')
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'entitlement-reports-')), 'reports.jsonl')
    const run = spawnSync(process.execPath, [__filename, '--child', out], { encoding: 'utf8', timeout: 600e3 })
    const text = fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : ''
    fs.rmSync(path.dirname(out), { recursive: true, force: true })
    const lines = text.split('\n').filter(Boolean).map((l) => JSON.parse(l))
    const reports = new Map(lines.filter((l) => 'id' in l).map((l) => [l.id, l]))
    assert.equal(run.status, 0, `the child died (${run.status} ${run.signal}) at ${JSON.stringify(lines.at(-1))}: ${run.stderr.slice(-2000)}`)
    assert.ok(cases.length >= 200)
    const failed = cases.map((c) => [c.id, problems(c, reports.get(c.id))]).filter(([, p]) => p)
    assert.deepEqual(failed.map(([id, p]) => `${id}: ${p}`), [], `${failed.length} of ${cases.length} cases`)
  })
}
