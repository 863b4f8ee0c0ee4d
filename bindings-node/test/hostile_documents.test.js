'use strict'
// Documents and files built to exhaust the host (docs/performance.md, "Bounds on hostile input"),
// through the built addon: YAML aliases that expand to gigabytes, dense documents within the text
// limits, duplicate keys, files that are pipes, devices or sparse giants, megabyte values quoted
// in messages. Where the failure was a crash or a hang, the call runs in a child process with an
// address-space cap (2 GiB, `ulimit -v`) and a timeout, and the test asserts the typed error the
// child reported.

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { spawnSync, execFileSync } = require('node:child_process')

const { Ruleset, Calendar, ics } = require('..')

const CALLS = {
  aliases: () => {
    const big = 'a'.repeat(1 << 20)
    return Ruleset.fromYaml(`a: &a "${big}"\nb: [${Array(6000).fill('*a').join(',')}]\n`)
  },
  denseJson: () => Ruleset.fromJson(`[${Array(4000000).fill('{"a":0}').join(',')}]`),
  denseYaml: () => Ruleset.fromYaml(`x: [0${',0'.repeat(2 * 1024 * 1024)}]`),
  load: (file) => Ruleset.load(file),
  ics: (file) => ics.holidays({ path: file }, { timeZone: 'UTC' })
}

function child (name, arg) {
  try {
    CALLS[name](arg)
    return { code: 'none', message: 'returned' }
  } catch (err) {
    return { code: err.code, message: String(err.message).slice(0, 2000) }
  }
}

if (process.argv[2] === '--child') {
  process.stdout.write(JSON.stringify(child(process.argv[3], process.argv[4])) + '\n')
} else {
  /** The error `CALLS[name](arg)` throws in a capped child process. */
  function inChild (name, arg = '') {
    // Node reserves address space generously: 8 GiB of it still bounds a runaway parse, which
    // would need tens of gigabytes.
    const run = spawnSync('sh', ['-c', 'ulimit -v 8388608 && exec "$0" "$@"', process.execPath, __filename, '--child', name, arg],
      { encoding: 'utf8', timeout: 300e3 })
    assert.equal(run.status, 0, `child ${name} died (${run.status} ${run.signal}): ${run.stderr.slice(-2000)}`)
    return JSON.parse(run.stdout.trim().split('\n').at(-1))
  }

  const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'entitlement-hostile-'))

  test('YAML aliases to a large string are refused by their expanded size', () => {
    const r = inChild('aliases')
    assert.equal(r.code, 'limit_exceeded', r.message)
    assert.ok(r.message.includes(String(64 * 1024 * 1024)), r.message)
  })

  test('dense documents within the text limits are refused with the limit', () => {
    const json = inChild('denseJson')
    assert.equal(json.code, 'limit_exceeded', json.message)
    assert.ok(json.message.includes('bytes of memory'), json.message)
    const yaml = inChild('denseYaml')
    assert.equal(yaml.code, 'limit_exceeded', yaml.message)
    assert.ok(yaml.message.includes(String(4 * 1024 * 1024)), yaml.message)
  })

  test('duplicate keys are refused with their path', () => {
    assert.throws(() => Ruleset.fromJson('{"processes": [], "processes": []}'),
      (err) => err.code === 'duplicate_key' && err.message.startsWith('(top level)'))
    assert.throws(() => Ruleset.fromYaml('calendars:\n  a: {always_open: true, always_open: false}\n'),
      (err) => err.code === 'duplicate_key' && err.message.startsWith('calendars.a'))
  })

  test('a FIFO is refused, not waited on', () => {
    const dir = tmp()
    for (const name of ['rules.yaml', 'feed.ics']) execFileSync('mkfifo', [path.join(dir, name)])
    const load = inChild('load', path.join(dir, 'rules.yaml'))
    assert.equal(load.code, 'invalid_value', load.message)
    assert.ok(load.message.includes('not a regular file'), load.message)
    assert.equal(inChild('ics', path.join(dir, 'feed.ics')).code, 'invalid_value')
    fs.rmSync(dir, { recursive: true })
  })

  test('/dev/zero is refused, not read', () => {
    const dir = tmp()
    for (const name of ['rules.json', 'feed.ics']) fs.symlinkSync('/dev/zero', path.join(dir, name))
    assert.equal(inChild('load', path.join(dir, 'rules.json')).code, 'invalid_value')
    assert.equal(inChild('ics', path.join(dir, 'feed.ics')).code, 'invalid_value')
    fs.rmSync(dir, { recursive: true })
  })

  test('a sparse 2 GiB file is refused before it is read', () => {
    const dir = tmp()
    for (const name of ['rules.json', 'feed.ics']) execFileSync('truncate', ['-s', '2G', path.join(dir, name)])
    const load = inChild('load', path.join(dir, 'rules.json'))
    assert.equal(load.code, 'limit_exceeded', load.message)
    assert.ok(load.message.includes('2147483648'), load.message)
    assert.equal(inChild('ics', path.join(dir, 'feed.ics')).code, 'limit_exceeded')
    fs.rmSync(dir, { recursive: true })
  })

  test('messages quote a bounded excerpt of a value', () => {
    const huge = 'x'.repeat(5000000)
    assert.throws(() => new Calendar({ time_zone: huge, hours: { mon: ['09:00-17:00'] } }),
      (err) => err.message.length < 600 && err.message.includes('(5000000 bytes)'))
    assert.throws(() => Ruleset.fromJson(JSON.stringify({ calendars: { [huge]: { always_open: 5 } } })),
      (err) => err.message.length < 600)
  })

  test('Ruleset.load never echoes the file\'s content', () => {
    const dir = tmp()
    const file = path.join(dir, 'rules.toml')
    fs.writeFileSync(file, 'a = "s3cr3t-token" b = 1\n')
    assert.throws(() => Ruleset.load(file),
      (err) => err.code === 'parse_error' && !err.message.includes('s3cr3t') && err.message.includes('line 1'))
    fs.rmSync(dir, { recursive: true })
  })
}
