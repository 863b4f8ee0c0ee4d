#!/usr/bin/env node
// The scheduled breach-monitor job for an integration platform (a Workato or MuleSoft custom
// script, a cron job, a serverless function): load the SLA rules, read the cases, run the
// monitor over the window since the last run, post every alert to a Slack-compatible incoming
// webhook, and remember the window's end for the next run.
//
//   WEBHOOK_URL=https://hooks.slack.com/services/... node examples/node/monitor-webhook.mjs
//
// Options (each also an environment variable; options win):
//   --rules PATH    RULES_PATH    the rules document (.yaml, .json, .toml);
//                                 default examples/data/rules.yaml
//   --cases PATH    CASES_PATH    a JSON file {now, cases} (or a bare array of cases);
//                                 default examples/data/cases.json
//   --state PATH    STATE_PATH    the JSON state file {since}; default
//                                 examples/node/.monitor-state.json
//   --now INSTANT   MONITOR_NOW   the end of the window (ISO 8601 with an offset); default the
//                                 cases file's `now`, else the current time
//   --dry-run                     print the payloads instead of posting; keep the state
//                   WEBHOOK_URL   where to POST each alert (required unless --dry-run)
//
// Exactly once: every monitor event has a stable key and consecutive windows (since, now]
// report each event once, so the state is only the last `now`. It is written only after every
// alert of the window was delivered. If a post fails, the run stops with exit code 1, the
// window's start stays where it was, and the keys already delivered are kept in the state so
// that the next run (a retry over a longer window) does not post them twice.
//
// Exit codes: 0 done; 1 an alert could not be delivered; 2 bad configuration or input.
//
// In a real deployment, replace `readCases` with the call to the CRM (a SOQL query, the
// Zendesk API) that returns the cases in the shape of examples/data/cases.json.

import { readFile, rename, writeFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

import { Ruleset } from 'entitlement'

const here = (relative) => fileURLToPath(new URL(relative, import.meta.url))

const DEFAULTS = {
  rules: here('../data/rules.yaml'),
  cases: here('../data/cases.json'),
  state: here('./.monitor-state.json'),
}

/** How long one POST may take, and how often a rate-limited (429) post is retried. */
const POST_TIMEOUT_MS = 10_000
const MAX_ATTEMPTS = 3
const MAX_RETRY_AFTER_S = 30

/** An error whose message is meant for the operator as it is, with the exit code to use. */
class JobError extends Error {
  constructor(message, exitCode) {
    super(message)
    this.exitCode = exitCode
  }
}

const configError = (message) => new JobError(message, 2)

function options(argv, env) {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        rules: { type: 'string' },
        cases: { type: 'string' },
        state: { type: 'string' },
        now: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }).values
  } catch (err) {
    throw configError(`${err.message}\nRun with --help for the options.`)
  }
  return {
    help: parsed.help,
    dryRun: parsed['dry-run'],
    rules: parsed.rules ?? env.RULES_PATH ?? DEFAULTS.rules,
    cases: parsed.cases ?? env.CASES_PATH ?? DEFAULTS.cases,
    state: parsed.state ?? env.STATE_PATH ?? DEFAULTS.state,
    now: parsed.now ?? env.MONITOR_NOW,
    webhook: env.WEBHOOK_URL,
  }
}

/** An instant given as text: ISO 8601 with an offset, as the library requires. */
function instant(text, where) {
  const hasOffset = /T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)$/i.test(text)
  const ms = Date.parse(text)
  if (!hasOffset || !Number.isFinite(ms)) {
    throw configError(`${where}: expected an ISO 8601 instant with a UTC offset such as 2026-11-25T20:30:00Z, found ${JSON.stringify(text)}`)
  }
  return new Date(ms)
}

async function readJson(path, what) {
  let text
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    throw configError(`cannot read the ${what} ${path}: ${err.message}`)
  }
  try {
    return JSON.parse(text)
  } catch (err) {
    throw configError(`the ${what} ${path} is not valid JSON: ${err.message}`)
  }
}

/** The cases and the `now` the file was exported at (`{now, cases}`, or a bare array). */
async function readCases(path) {
  const doc = await readJson(path, 'cases file')
  const cases = Array.isArray(doc) ? doc : doc?.cases
  if (!Array.isArray(cases)) {
    throw configError(`the cases file ${path} must hold {now, cases: [...]} or an array of cases`)
  }
  const now = !Array.isArray(doc) && typeof doc.now === 'string' ? instant(doc.now, `${path}: now`) : null
  return { cases, now }
}

/** The previous run's state: `{since, delivered}`, or an empty state on the first run. */
async function readState(path) {
  let text
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if (err.code === 'ENOENT') return { since: null, delivered: [] }
    throw configError(`cannot read the state file ${path}: ${err.message}`)
  }
  let state
  try {
    state = JSON.parse(text)
  } catch (err) {
    throw configError(`the state file ${path} is not valid JSON (${err.message}); fix or delete it (deleting it re-sends every alert up to now)`)
  }
  if (state === null || typeof state !== 'object' || Array.isArray(state)) {
    throw configError(`the state file ${path} must hold an object such as {"since": "2026-11-25T20:30:00.000Z"}`)
  }
  const since = state.since == null ? null : instant(String(state.since), `${path}: since`)
  const delivered = Array.isArray(state.delivered) ? state.delivered.filter((k) => typeof k === 'string') : []
  return { since, delivered }
}

/** Replaces the state file in one step, so that a crash never leaves half a file. */
async function writeState(path, state) {
  const temporary = `${path}.${process.pid}.tmp`
  await writeFile(temporary, `${JSON.stringify(state, null, 2)}\n`)
  await rename(temporary, path)
}

/** The webhook body of an alert: its Block Kit message (which carries the event key). */
const payload = (alert) => alert.slackBlocks()

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** POSTs one message; retries a 429 after its Retry-After; any other failure throws. */
async function post(url, alert, body) {
  for (let attempt = 1; ; attempt++) {
    let response
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(POST_TIMEOUT_MS),
      })
    } catch (err) {
      const reason = err.name === 'TimeoutError' ? `no answer within ${POST_TIMEOUT_MS / 1000} s` : (err.cause?.message ?? err.message)
      throw new JobError(`posting alert ${alert.key} failed: ${reason}`, 1)
    }
    const answer = await response.text().catch(() => '')
    if (response.ok) return
    if (response.status === 429 && attempt < MAX_ATTEMPTS) {
      const header = response.headers.get('retry-after')
      const seconds = header === null || header.trim() === '' ? NaN : Number(header)
      const wait = Number.isFinite(seconds) && seconds >= 0 ? Math.min(seconds, MAX_RETRY_AFTER_S) : 1
      console.error(`rate limited; retrying alert ${alert.key} in ${wait} s`)
      await sleep(wait * 1000)
      continue
    }
    throw new JobError(`posting alert ${alert.key} failed: HTTP ${response.status} ${response.statusText} ${answer.slice(0, 200)}`.trim(), 1)
  }
}

async function main(argv, env) {
  const opts = options(argv, env)
  if (opts.help) {
    console.log('usage: WEBHOOK_URL=... node monitor-webhook.mjs [--rules PATH] [--cases PATH] [--state PATH] [--now INSTANT] [--dry-run]')
    return
  }
  let target = null
  if (!opts.dryRun) {
    if (!opts.webhook) throw configError('WEBHOOK_URL is not set: give the incoming-webhook URL to post the alerts to (or --dry-run)')
    try {
      target = new URL(opts.webhook)
    } catch {
      throw configError(`WEBHOOK_URL is not a URL: ${JSON.stringify(opts.webhook)}`)
    }
    if (target.protocol !== 'https:' && target.protocol !== 'http:') {
      throw configError(`WEBHOOK_URL must be an http(s) URL, not ${target.protocol}`)
    }
  }

  let rules
  try {
    rules = Ruleset.load(opts.rules)
  } catch (err) {
    throw configError(`the rules ${opts.rules} are not valid (${err.code}): ${err.message}`)
  }
  const { cases, now: exportedAt } = await readCases(opts.cases)
  const now = opts.now ? instant(opts.now, '--now') : (exportedAt ?? new Date())
  const state = await readState(opts.state)
  if (state.since && state.since > now) {
    throw configError(`the state file ${opts.state} says the last run ended at ${state.since.toISOString()}, after now (${now.toISOString()}): refusing to run a window that ends before it starts`)
  }
  if (state.since && state.since.getTime() === now.getTime()) {
    // The window (since, now] is empty: the library refuses it (invalid_window); nothing to do.
    console.log(`window (${now.toISOString()}, ${now.toISOString()}]: empty, nothing to report`)
    return
  }

  let report
  try {
    report = rules.monitor(cases, now, state.since)
  } catch (err) {
    throw configError(`the monitor rejected the cases (${err.code}): ${err.message}`)
  }
  const { events, alerts } = report
  const window = `(${state.since ? state.since.toISOString() : 'the beginning'}, ${now.toISOString()}]`
  console.log(`window ${window}: ${cases.length} cases, ${events.length} events, ${alerts.length} alerts (${events.length - alerts.length} suppressed)`)

  const delivered = new Set(state.delivered)
  const pending = alerts.filter((a) => !delivered.has(a.key))
  if (pending.length < alerts.length) {
    console.log(`${alerts.length - pending.length} alerts were delivered by an earlier, failed run; not posting them again`)
  }
  if (opts.dryRun) {
    for (const alert of pending) console.log(JSON.stringify(payload(alert)))
    console.log('dry run: nothing posted, state unchanged')
    return
  }
  let sent = 0
  try {
    for (const alert of pending) {
      await post(target, alert, payload(alert))
      delivered.add(alert.key)
      sent += 1
      if (sent % 50 === 0) console.log(`posted ${sent}/${pending.length}`)
    }
  } catch (err) {
    // Keep the window's start; remember what got through so that the retry skips it.
    await writeState(opts.state, { since: state.since?.toISOString() ?? null, delivered: [...delivered] })
    throw new JobError(`${err.message}\n${sent} of ${pending.length} alerts posted; the state still starts the next window at ${state.since?.toISOString() ?? 'the beginning'}`, err.exitCode ?? 1)
  }
  await writeState(opts.state, { since: now.toISOString() })
  console.log(`posted ${sent} alerts to ${target.origin}; next window starts at ${now.toISOString()}`)
}

try {
  await main(process.argv.slice(2), process.env)
} catch (err) {
  if (err instanceof JobError) {
    console.error(`monitor-webhook: ${err.message}`)
    process.exitCode = err.exitCode
  } else {
    console.error('monitor-webhook: unexpected error:', err)
    process.exitCode = 1
  }
}
