// What the Node job's tests share: the loopback services (tests/services/loopback.py), a fresh
// ledger per test on SQLite or on the throwaway PostgreSQL (tests/services/postgres.sh, started
// once by test/run.sh), the scenario's rules, the job run as a child process the way a
// scheduler runs it, and the request log counted per (event key, channel).

import { spawn, spawnSync } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { Ruleset } from 'entitlement'

import { casesFromSoql } from '../salesforce.mjs'

export const EXAMPLE = fileURLToPath(new URL('..', import.meta.url))
export const ROOT = path.resolve(EXAMPLE, '..', '..')
export const JOB = path.join(EXAMPLE, 'monitor.mjs')
export const POSTGRES_SH = path.join(ROOT, 'tests', 'services', 'postgres.sh')
const RECORDED = path.join(ROOT, 'examples', 'airflow', 'recorded')

/** The scenario's windows: first run (lookback 1 h), two more, then a manual earlier run. */
export const RUNS = ['2026-11-25T08:00:00Z', '2026-11-25T12:00:00Z', '2026-11-25T20:00:00Z']
export const MANUAL = '2026-11-25T10:00:00Z'
export const LOOKBACK_MS = 3_600_000

/** A directory removed when the test ends. */
export function temporaryDirectory(t, prefix = 'entitlement-node-') {
  const dir = mkdtempSync(path.join(tmpdir(), prefix))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

// ---------------------------------------------------------------------------------------------
// The loopback services

export class Loopback {
  static async start(t) {
    const dir = temporaryDirectory(t, 'entitlement-loopback-')
    const portFile = path.join(dir, 'port')
    const child = spawn('python3', [path.join(ROOT, 'tests', 'services', 'loopback.py'), '--log', path.join(dir, 'requests.jsonl'), '--port-file', portFile, '--data', RECORDED], {
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (chunk) => {
      stderr += chunk
    })
    const loopback = new Loopback(child)
    t.after(() => loopback.stop())
    for (let i = 0; i < 200; i++) {
      try {
        loopback.base = `http://127.0.0.1:${readFileSync(portFile, 'utf8').trim()}`
        return loopback
      } catch {
        if (child.exitCode !== null) throw new Error(`the loopback services did not start: ${stderr}`)
        await sleep(50)
      }
    }
    throw new Error(`the loopback services did not write their port within 10 s: ${stderr}`)
  }

  constructor(child) {
    this.child = child
    this.base = null
  }

  async call(method, route, body) {
    const response = await fetch(`${this.base}${route}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await response.text()
    if (!response.ok) throw new Error(`loopback ${method} ${route}: HTTP ${response.status} ${text}`)
    return text ? JSON.parse(text) : null
  }

  /** Arms faults (tests/services/loopback.py, "Control API"). */
  fault(...faults) {
    return this.call('POST', '/_control', faults)
  }

  faults() {
    return this.call('GET', '/_control')
  }

  async requests() {
    const log = await this.call('GET', '/_requests')
    return Array.isArray(log) ? log : (log.requests ?? [])
  }

  state() {
    return this.call('GET', '/_state')
  }

  /** Clears the faults, and with `all` every service's state and the log. */
  reset(all = false) {
    return this.call('POST', all ? '/_reset?all=1' : '/_reset')
  }

  stop() {
    if (this.child.exitCode === null) this.child.kill('SIGTERM')
  }
}

// ---------------------------------------------------------------------------------------------
// Ledgers

/** The PostgreSQL server of the test command (test/run.sh), or null. */
export const POSTGRES = process.env.ENTITLEMENT_TEST_POSTGRES || null

/** The databases the tests run on: SQLite always, PostgreSQL when the test command has one. */
export const DATABASES = POSTGRES ? ['sqlite', 'postgresql'] : ['sqlite']

/** A fresh, empty ledger: a SQLite file, or a new database on the PostgreSQL server. */
export async function freshLedger(t, kind) {
  if (kind === 'sqlite') return path.join(temporaryDirectory(t), 'ledger.sqlite3')
  const { default: pg } = await import('pg')
  const name = `t_${randomUUID().replace(/-/g, '')}`
  const admin = new pg.Client({ connectionString: POSTGRES })
  await admin.connect()
  try {
    await admin.query(`CREATE DATABASE ${name}`)
  } finally {
    await admin.end()
  }
  const url = new URL(POSTGRES)
  url.pathname = `/${name}`
  return url.href
}

/** Rows of a ledger query (the tests' own connection, closed at once). */
export async function ledgerRows(location, sql) {
  if (/^postgres/.test(location)) {
    const { default: pg } = await import('pg')
    const client = new pg.Client({ connectionString: location })
    await client.connect()
    try {
      return (await client.query(sql)).rows
    } finally {
      await client.end()
    }
  }
  const { default: Database } = await import('better-sqlite3')
  const db = new Database(location, { readonly: true })
  try {
    return db.prepare(sql).all()
  } finally {
    db.close()
  }
}

// ---------------------------------------------------------------------------------------------
// The scenario

let scenarioBase = null

/**
 * The scenario's rules document (tests/services/scenario.py, its one definition: the sample
 * rules with examples/data/pipeline-overlay.yaml applied), with `monitor` keys replaced by
 * `monitor` (e.g. `{automate: []}`).
 */
export function scenarioDocument(monitor = {}) {
  if (scenarioBase === null) {
    const dir = mkdtempSync(path.join(tmpdir(), 'entitlement-scenario-'))
    try {
      const file = path.join(dir, 'rules.json')
      // The repository's .venv (made by the test command) has PyYAML; a bare python3 may not.
      const venv = path.join(ROOT, '.venv', 'bin', 'python')
      const python = existsSync(venv) ? venv : 'python3'
      const done = spawnSync(python, [path.join(ROOT, 'tests', 'services', 'scenario.py'), file], { encoding: 'utf8' })
      if (done.status !== 0) throw new Error(`tests/services/scenario.py failed: ${done.stderr}`)
      scenarioBase = readFileSync(file, 'utf8')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }
  const document = JSON.parse(scenarioBase)
  Object.assign(document.monitor, monitor)
  return document
}

/** The scenario's rules written to a file for the job (JSON: the job loads it as it is). */
export function writeScenarioRules(dir, monitor = {}) {
  const file = path.join(dir, `rules-${randomUUID().slice(0, 8)}.json`)
  writeFileSync(file, JSON.stringify(scenarioDocument(monitor)))
  return file
}

/** The recorded cases as the job maps them (salesforce.mjs). */
export function scenarioCases() {
  const records = []
  for (const page of ['soql_cases_page1.json', 'soql_cases_page2.json']) {
    records.push(...JSON.parse(readFileSync(path.join(RECORDED, page), 'utf8')).records)
  }
  return casesFromSoql(records)
}

/**
 * What the runs at `nows` must deliver, each once: every automated delivery of every alert of
 * every window, by "key channel"; `salesforce` rows by case (a second raise on one case finds
 * the priority already set and sends nothing).
 */
export function expectedDeliveries(monitor = {}, nows = RUNS) {
  const rules = Ruleset.fromObject(scenarioDocument(monitor))
  const cases = scenarioCases()
  const expected = new Map()
  let since = new Date(Date.parse(nows[0]) - LOOKBACK_MS)
  for (const now of nows) {
    const report = rules.monitor(cases, now, since)
    for (const alert of report.alerts) {
      for (const d of alert.deliveries) {
        if (d.automated) expected.set(`${alert.key} ${d.channel}`, { key: alert.key, channel: d.channel, dedupe: d.dedupe, caseId: alert.caseId, action: d.action })
      }
    }
    since = new Date(now)
  }
  return expected
}

const json = (value) => {
  if (typeof value !== 'string') return value
  try {
    return JSON.parse(value)
  } catch {
    return value
  }
}

/**
 * What the services received, from the loopback's log: Slack messages by the key and channel
 * of their metadata, Jira issues by label, PagerDuty triggers and resolves by dedup key, case
 * PATCHes by case id. Only requests the service performed count (a 429 or 503 fault did not).
 */
export function delivered(requests) {
  const count = (map, key) => map.set(key, (map.get(key) ?? 0) + 1)
  const seen = { slack: new Map(), jiraLabels: new Map(), triggers: new Map(), resolves: new Map(), patches: new Map() }
  for (const r of requests) {
    if (r.ok === false || r.status >= 400 || r.fault === 'status') continue
    const body = json(r.body) ?? {}
    if (r.service === 'slack' && r.path.endsWith('/chat.postMessage')) {
      const meta = json(body.metadata)
      const payload = meta?.event_payload ?? {}
      count(seen.slack, `${payload.key} ${payload.channel}`)
    } else if (r.service === 'jira' && r.method === 'POST' && /\/issue$/.test(r.path)) {
      for (const label of body.fields?.labels ?? []) if (label.startsWith('entitlement-')) count(seen.jiraLabels, label)
    } else if (r.service === 'pagerduty') {
      count(body.event_action === 'resolve' ? seen.resolves : seen.triggers, body.dedup_key)
    } else if (r.service === 'salesforce' && r.method === 'PATCH') {
      count(seen.patches, decodeURIComponent(r.path.split('/').pop()))
    }
  }
  return seen
}

/**
 * Asserts the law of the pipeline: each expected (event key, channel) went out exactly once,
 * and nothing else did. PagerDuty is idempotent by design (no lookup): after a worker was
 * killed between a trigger and its mark, `retriggered` allows the trigger to be repeated with
 * the same dedup key, and `incidents` (the loopback's) must then hold exactly one per key.
 */
export function assertExactlyOnce(assert, expected, seen, { retriggered = false, incidents = null } = {}) {
  const slack = new Map()
  const jira = new Map()
  const pages = new Map()
  const cases = new Set()
  for (const e of expected.values()) {
    if (e.channel === 'slack' || e.channel === 'war_room') slack.set(`${e.key} ${e.channel}`, e)
    else if (e.channel === 'jira') jira.set(e.dedupe, e)
    else if (e.channel === 'pagerduty') pages.set(e.dedupe, e)
    else if (e.channel === 'salesforce') cases.add(e.caseId)
  }
  assert.deepEqual(Object.fromEntries(seen.slack), Object.fromEntries([...slack.keys()].map((k) => [k, 1])), 'Slack messages (alerts and war rooms) by key and channel')
  assert.deepEqual(Object.fromEntries(seen.jiraLabels), Object.fromEntries([...jira.keys()].map((k) => [k, 1])), 'Jira issues by dedupe label')
  if (retriggered) {
    assert.deepEqual([...seen.triggers.keys()].sort(), [...pages.keys()].sort(), 'PagerDuty triggers by dedup key')
    assert.deepEqual(Object.keys(incidents ?? {}).sort(), [...pages.keys()].sort(), 'PagerDuty incidents: one per dedup key')
  } else {
    assert.deepEqual(Object.fromEntries(seen.triggers), Object.fromEntries([...pages.keys()].map((k) => [k, 1])), 'PagerDuty triggers by dedup key')
  }
  for (const [caseId, n] of seen.patches) {
    assert.ok(cases.has(caseId), `case ${caseId} was PATCHed but no alert raises its priority`)
    assert.equal(n, 1, `case ${caseId} PATCHed ${n} times`)
  }
  for (const [key, n] of seen.resolves) assert.equal(n, 1, `PagerDuty resolve of ${key} sent ${n} times`)
}

// ---------------------------------------------------------------------------------------------
// The job as a child process

/** The job's environment against the loopback (no other variable of the test's leaks in). */
export function jobEnv(loopback, ledger, rules, extra = {}) {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ENTITLEMENT_RULES: rules,
    ENTITLEMENT_LEDGER: ledger,
    ENTITLEMENT_LOOKBACK: '1h',
    ENTITLEMENT_RETRY_BASE_SECONDS: '0.05',
    SALESFORCE_INSTANCE_URL: loopback.base,
    SALESFORCE_ACCESS_TOKEN: 'sf-secret-token',
    SLACK_BOT_TOKEN: 'xoxb-secret-token',
    SLACK_API_URL: `${loopback.base}/api/`,
    ENTITLEMENT_SLACK_CHANNEL: '#support-sla',
    JIRA_URL: loopback.base,
    JIRA_EMAIL: 'sla-bot@example.com',
    JIRA_API_TOKEN: 'jira-secret-token',
    ENTITLEMENT_JIRA_PROJECT: 'SUP',
    PAGERDUTY_ROUTING_KEY: 'pd-secret-routing-key',
    PAGERDUTY_EVENTS_URL: `${loopback.base}/v2/enqueue`,
    ...(process.env.NODE_OPTIONS ? { NODE_OPTIONS: process.env.NODE_OPTIONS } : {}),
    ...extra,
  }
}

export const SECRETS = ['sf-secret-token', 'xoxb-secret-token', 'jira-secret-token', 'pd-secret-routing-key']

/**
 * Runs `node monitor.mjs ARGS` with `env`; `onSpawn(child)` runs as soon as it exists (to arm a
 * fault that kills it). Resolves to `{code, signal, stdout, stderr}`; a child still running
 * after `timeoutMs` is killed and the promise rejects.
 */
export function runJob(args, env, { onSpawn, timeoutMs = 120_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [JOB, ...args], { cwd: EXAMPLE, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => {
      stdout += chunk
    })
    child.stderr.on('data', (chunk) => {
      stderr += chunk
    })
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`the job did not finish within ${timeoutMs / 1000} s\n${stdout}\n${stderr}`))
    }, timeoutMs)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr })
    })
    if (onSpawn) Promise.resolve(onSpawn(child)).catch(reject)
  })
}

/** Runs the job and asserts it finished (exit code 0), with its output in the message. */
export async function runOk(assert, args, env) {
  const result = await runJob(args, env)
  assert.equal(result.code, 0, `the job failed (${result.code} ${result.signal ?? ''}):\n${result.stdout}\n${result.stderr}`)
  return result
}
