'use strict'
// The integration-platform job, examples/node/monitor-webhook.mjs, run as a child process the
// way a scheduler runs it (`node examples/node/monitor-webhook.mjs`), against a webhook server
// on loopback that records what it receives: only the network is replaced, and nothing leaves
// the machine. The script imports the package by name (`import { Ruleset } from 'entitlement'`),
// which resolves through examples/node/node_modules (`npm install` there links this package;
// scripts/test.sh does it).

const { describe, test, before, after } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const http = require('node:http')
const os = require('node:os')
const path = require('node:path')
const { execFile } = require('node:child_process')

const { Ruleset } = require('..')

const ROOT = path.join(__dirname, '..', '..')
const SCRIPT = path.join('examples', 'node', 'monitor-webhook.mjs')
const SAMPLE = require(path.join(ROOT, 'examples', 'data', 'cases.json'))
const rules = Ruleset.load(path.join(ROOT, 'examples', 'data', 'rules.yaml'))

/** A webhook receiver that records every request; `answer(n)` decides the n-th reply (from 1). */
function webhookServer() {
  const requests = []
  let answer = () => ({ status: 200, body: 'ok' })
  const server = http.createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      requests.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') })
      const { status, body, headers } = answer(requests.length)
      res.writeHead(status, { 'content-type': 'text/plain', ...headers })
      res.end(body)
    })
  })
  return {
    requests,
    set answer(fn) {
      answer = fn
    },
    start: () => new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}/services/T000/B000/XXXX`))),
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(resolve)
      }),
    reset() {
      requests.length = 0
      answer = () => ({ status: 200, body: 'ok' })
    },
  }
}

/** Runs the script; resolves with its exit code and output, whatever the code. */
function runScript(args, env) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !['WEBHOOK_URL', 'STATE_PATH', 'RULES_PATH', 'CASES_PATH', 'MONITOR_NOW'].includes(k)),
  )
  return new Promise((resolve) => {
    execFile(process.execPath, [SCRIPT, ...args], { cwd: ROOT, env: { ...clean, ...env }, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (err.code ?? 1) : 0, stdout, stderr })
    })
  })
}

/** The Block Kit shape (api.slack.com/reference/block-kit) of a webhook body, checked strictly. */
function assertBlockKit(message) {
  assert.equal(typeof message.text, 'string')
  assert.ok(message.text.length > 0)
  assert.ok(Array.isArray(message.blocks) && message.blocks.length >= 1 && message.blocks.length <= 50)
  const textObject = (t, types, max) => {
    assert.ok(types.includes(t.type), `text object type ${t.type}`)
    assert.ok(typeof t.text === 'string' && t.text.length >= 1 && [...t.text].length <= max)
  }
  for (const block of message.blocks) {
    if (block.type === 'header') textObject(block.text, ['plain_text'], 150)
    else if (block.type === 'section') {
      assert.ok(block.text || block.fields)
      if (block.text) textObject(block.text, ['plain_text', 'mrkdwn'], 3000)
      for (const f of block.fields ?? []) textObject(f, ['plain_text', 'mrkdwn'], 2000)
      assert.ok((block.fields ?? []).length <= 10)
    } else if (block.type === 'context') {
      assert.ok(block.elements.length >= 1 && block.elements.length <= 10)
      for (const e of block.elements) textObject(e, ['plain_text', 'mrkdwn'], 3000)
    } else assert.fail(`unexpected block type ${block.type}`)
  }
}

const readState = (file) => JSON.parse(fs.readFileSync(file, 'utf8'))

/** Asserts that the recorded posts are the alerts, in order, each as Block Kit with its key. */
function assertPosts(requests, alerts) {
  assert.equal(requests.length, alerts.length, 'one post per alert')
  requests.forEach((req, i) => {
    assert.equal(req.method, 'POST')
    assert.equal(req.url, '/services/T000/B000/XXXX')
    assert.match(req.headers['content-type'], /^application\/json/)
    const body = JSON.parse(req.body)
    assertBlockKit(body)
    assert.ok(req.body.includes(JSON.stringify(alerts[i].key).slice(1, -1)), `post ${i} names ${alerts[i].key}`)
    assert.equal(body.text, alerts[i].slackBlocks().text)
  })
}

describe('examples/node/monitor-webhook.mjs', () => {
  const hook = webhookServer()
  let url
  let dir

  before(async () => {
    url = await hook.start()
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'entitlement-webhook-'))
  })

  after(async () => {
    await hook.stop()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  test('the package resolves by name from examples/node', () => {
    let resolved
    try {
      resolved = require.resolve('entitlement', { paths: [path.join(ROOT, 'examples', 'node')] })
    } catch (err) {
      assert.fail(`'entitlement' does not resolve from examples/node (run \`npm install\` there; scripts/test.sh does): ${err.message}`)
    }
    assert.equal(fs.realpathSync(resolved), fs.realpathSync(path.join(__dirname, '..', 'index.js')))
  })

  test('posts every alert of the window, then only the next window\'s, and saves since = now', async () => {
    hook.reset()
    const state = path.join(dir, 'state.json')
    // First run: no state, `now` from the cases file: everything up to now.
    const first = await runScript([], { WEBHOOK_URL: url, STATE_PATH: state })
    assert.equal(first.code, 0, first.stderr)
    const expected = rules.monitor(SAMPLE.cases, SAMPLE.now, null).alerts
    assert.ok(expected.length > 100, 'test bug: the sample should raise many alerts')
    assertPosts(hook.requests, expected)
    assert.deepEqual(readState(state), { since: new Date(SAMPLE.now).toISOString() })
    assert.match(first.stdout, new RegExp(`${expected.length} alerts`))

    // Second run, 2.5 hours later: only the events of (20:30, 23:00].
    hook.reset()
    const later = '2026-11-25T23:00:00Z'
    const second = await runScript(['--now', later], { WEBHOOK_URL: url, STATE_PATH: state })
    assert.equal(second.code, 0, second.stderr)
    const next = rules.monitor(SAMPLE.cases, later, SAMPLE.now).alerts
    assert.ok(next.length > 0, 'test bug: the second window should raise alerts')
    assertPosts(hook.requests, next)
    const firstKeys = new Set(expected.map((a) => a.key))
    assert.ok(next.every((a) => !firstKeys.has(a.key)), 'no alert twice')
    assert.deepEqual(readState(state), { since: new Date(later).toISOString() })

    // The same `now` again (MONITOR_NOW this time): an empty window posts nothing.
    hook.reset()
    const third = await runScript([], { WEBHOOK_URL: url, STATE_PATH: state, MONITOR_NOW: later })
    assert.equal(third.code, 0, third.stderr)
    assert.equal(hook.requests.length, 0)
  })

  test('a failed post stops the run, keeps the window start, and the retry skips what got through', async () => {
    hook.reset()
    const state = path.join(dir, 'retry.json')
    const since = '2026-11-25T12:00:00.000Z'
    fs.writeFileSync(state, JSON.stringify({ since }))
    const alerts = rules.monitor(SAMPLE.cases, SAMPLE.now, since).alerts
    assert.ok(alerts.length > 3, 'test bug: the window should raise more than 3 alerts')
    hook.answer = (n) => (n === 3 ? { status: 500, body: 'invalid_payload' } : { status: 200, body: 'ok' })

    const failed = await runScript(['--now', SAMPLE.now], { WEBHOOK_URL: url, STATE_PATH: state })
    assert.equal(failed.code, 1)
    assert.match(failed.stderr, /HTTP 500/)
    assert.ok(failed.stderr.includes(alerts[2].key), failed.stderr)
    assert.match(failed.stderr, /2 of \d+ alerts posted/)
    assert.equal(hook.requests.length, 3)
    assert.deepEqual(readState(state), { since, delivered: alerts.slice(0, 2).map((a) => a.key) })

    // The retry, with the receiver healthy again: the two delivered alerts are not re-sent.
    hook.reset()
    const retry = await runScript(['--now', SAMPLE.now], { WEBHOOK_URL: url, STATE_PATH: state })
    assert.equal(retry.code, 0, retry.stderr)
    assertPosts(hook.requests, alerts.slice(2))
    assert.deepEqual(readState(state), { since: new Date(SAMPLE.now).toISOString() })
  })

  test('a 429 is retried after its Retry-After', async () => {
    hook.reset()
    const state = path.join(dir, 'limited.json')
    const since = '2026-11-25T20:00:00Z'
    fs.writeFileSync(state, JSON.stringify({ since }))
    const alerts = rules.monitor(SAMPLE.cases, SAMPLE.now, since).alerts
    assert.ok(alerts.length >= 1)
    hook.answer = (n) => (n === 1 ? { status: 429, body: 'rate_limited', headers: { 'retry-after': '0' } } : { status: 200, body: 'ok' })
    const run = await runScript(['--now', SAMPLE.now], { WEBHOOK_URL: url, STATE_PATH: state })
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stderr, /rate limited/)
    assert.equal(hook.requests.length, alerts.length + 1)
    assertPosts(hook.requests.slice(1), alerts)
  })

  test('configuration errors exit with code 2 and say what is wrong; the state is untouched', async () => {
    hook.reset()
    const state = path.join(dir, 'untouched.json')
    const cases = [
      [{}, /WEBHOOK_URL is not set/],
      [{ WEBHOOK_URL: 'not a url' }, /WEBHOOK_URL is not a URL/],
      [{ WEBHOOK_URL: url, MONITOR_NOW: '2026-11-25T20:30:00' }, /UTC offset/],
      [{ WEBHOOK_URL: url, RULES_PATH: path.join(dir, 'missing.yaml') }, /missing\.yaml/],
      [{ WEBHOOK_URL: url, CASES_PATH: path.join(dir, 'missing.json') }, /cannot read the cases file/],
    ]
    for (const [env, message] of cases) {
      const run = await runScript([], { STATE_PATH: state, ...env })
      assert.equal(run.code, 2, `${JSON.stringify(env)}: ${run.stderr}`)
      assert.match(run.stderr, message)
    }
    // A state from the future: refuse instead of reporting nothing and moving since back.
    fs.writeFileSync(state, JSON.stringify({ since: '2027-01-01T00:00:00Z' }))
    const future = await runScript([], { WEBHOOK_URL: url, STATE_PATH: state })
    assert.equal(future.code, 2)
    assert.match(future.stderr, /after now/)
    assert.deepEqual(readState(state), { since: '2027-01-01T00:00:00Z' })
    // A bad case no longer stops the run (onError 'collect'): its data_error alert is posted,
    // naming the case and what is wrong, and the run succeeds.
    const bad = path.join(dir, 'bad-cases.json')
    fs.writeFileSync(bad, JSON.stringify({ now: SAMPLE.now, cases: [{ id: 'B-1', entitlement: 'nobody', created_at: SAMPLE.now }] }))
    const rejected = await runScript([], { WEBHOOK_URL: url, STATE_PATH: path.join(dir, 'bad.json'), CASES_PATH: bad })
    assert.equal(rejected.code, 0, rejected.stderr)
    assert.equal(hook.requests.length, 1)
    assert.match(hook.requests[0].body, /B-1/)
    assert.match(hook.requests[0].body, /unknown entitlement/)
    hook.requests.length = 0
  })

  test('an unreachable webhook is a delivery failure (exit code 1), not a crash', async () => {
    const closed = webhookServer()
    const deadUrl = await closed.start()
    await closed.stop()
    const state = path.join(dir, 'unreachable.json')
    const run = await runScript(['--now', SAMPLE.now], { WEBHOOK_URL: deadUrl, STATE_PATH: state })
    assert.equal(run.code, 1, run.stderr)
    assert.match(run.stderr, /posting alert .* failed/)
    assert.deepEqual(readState(state), { since: null, delivered: [] })
  })
})
