// The ledger: the monitor's runs, events, deliveries (the outbox) and milestone outcomes, in
// SQLite (a file, the embedded default) or PostgreSQL (a `postgresql://` URL), through the same
// SQL. The schema is the one the core embeds (`ledgerMigrations()` of the binding), so the Python
// job (`entitlement.ledger`) and this one share a database layout and can read each other's
// ledgers.
//
//   const ledger = await openLedger('ledger.sqlite3')           // or 'postgresql://...'
//   await ledger.migrate()
//   await ledger.transaction(async (tx) => { await tx.run('INSERT ...', [a, b]) })
//
// Statements are written once with `?` placeholders; PostgreSQL gets them as `$1, $2, ...`.
// Instants are TEXT in one fixed form, `YYYY-MM-DDTHH:MM:SS.ffffffZ`, so that text order is time
// order on both databases (`instantText`).
//
// A lost PostgreSQL connection (the server restarting, a failover, a network cut) is not an error
// of the run: the statement or the whole transaction is retried on a new connection, with
// exponential backoff, for up to `retrySeconds` (60 s) in all. Every transaction the pipeline runs
// is safe to run twice (inserts are `ON CONFLICT DO NOTHING`, outcomes are upserts), which covers
// the one ambiguous case: a COMMIT that reached the server whose answer was lost.

import { createRequire } from 'node:module'

import * as entitlement from 'entitlement'

const require = createRequire(import.meta.url)

/** `2026-11-25T08:00:00.000000Z`: an instant as the ledger stores it (UTC, six fractional digits). */
export function instantText(date) {
  if (date === null || date === undefined) return null
  const d = date instanceof Date ? date : new Date(date)
  if (!Number.isFinite(d.getTime())) throw new TypeError(`not an instant: ${String(date)}`)
  const iso = d.toISOString() // 2026-11-25T08:00:00.000Z: millisecond precision, as JS dates have
  return `${iso.slice(0, -1)}000Z`
}

/** The instant of a ledger text (`instantText`'s inverse, to the millisecond). */
export function parseInstant(text) {
  return text === null || text === undefined ? null : new Date(text)
}

/** The statements of a migration: the SQL split at each `;` that ends a line (and at the end). */
export function statements(sql) {
  return sql
    .split(/;[ \t]*(?:\r?\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** `base * 2^(try-1)` with ±25 % jitter, capped: the backoff every retry of the job uses. */
export function backoffMs(attempt, baseMs, capMs = 30_000) {
  const plain = Math.min(capMs, baseMs * 2 ** (attempt - 1))
  return Math.round(plain * (0.75 + Math.random() * 0.5))
}

// SQLSTATE classes and Node socket codes that mean "the connection is gone, try again on a new
// one": 08 connection exception, 57P01-57P03 admin/crash shutdown and "cannot connect now"
// (starting up), 53300 too many connections.
const PG_TRANSIENT_STATES = new Set(['57P01', '57P02', '57P03', '53300', '40001', '40P01'])
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN'])

/** Whether a PostgreSQL error means the connection (not the statement) failed. */
export function isConnectionError(err) {
  if (!err) return false
  const code = typeof err.code === 'string' ? err.code : ''
  if (code.startsWith('08') || PG_TRANSIENT_STATES.has(code) || SOCKET_CODES.has(code)) return true
  const message = String(err.message ?? '')
  return /Connection terminated|connection error and is not queryable|Client was closed|terminating connection|the database system is (starting up|shutting down)|timeout exceeded when trying to connect/i.test(message)
}

/**
 * Opens the ledger at `location`: a `postgresql://` (or `postgres://`) URL, else a SQLite file
 * path (created when missing). Options: `migrations` (default: the binding's
 * `ledgerMigrations()`), `retrySeconds` (60), `retryBaseMs` (1000), `log` (a function of one
 * line).
 */
export async function openLedger(location, options = {}) {
  if (typeof location !== 'string' || location.trim() === '') {
    throw new TypeError('the ledger location must be a SQLite file path or a postgresql:// URL')
  }
  const settings = {
    migrations: options.migrations ?? entitlement.ledgerMigrations(),
    retrySeconds: options.retrySeconds ?? 60,
    retryBaseMs: options.retryBaseMs ?? 1000,
    log: options.log ?? (() => {}),
  }
  const ledger = /^postgres(ql)?:\/\//i.test(location) ? new PostgresLedger(location, settings) : new SqliteLedger(location, settings)
  await ledger.connect()
  return ledger
}

/** The columns of `milestone_outcomes`, in the order of the DDL. */
export const OUTCOME_COLUMNS = [
  'case_id',
  'milestone',
  'instance',
  'kind',
  'outcome',
  'account_id',
  'account_name',
  'entitlement',
  'process',
  'process_version',
  'tier',
  'calendar',
  'started_at',
  'target_seconds',
  'target_at',
  'completed_at',
  'margin_seconds',
  'margin_wall_seconds',
  'breached_at',
  'updated_at',
  'run_id',
]

class Ledger {
  constructor(settings) {
    this.settings = settings
  }

  /** Applies the migrations not yet recorded, each in one transaction with its record. */
  async migrate() {
    const applied = []
    for (const migration of [...this.settings.migrations].sort((a, b) => a.version - b.version)) {
      if (await this.hasMigration(migration.version)) continue
      try {
        await this.transaction(async (tx) => {
          for (const sql of statements(migration.sql)) await tx.run(sql)
          await tx.run('INSERT INTO ledger_migrations (version, name, applied_at) VALUES (?, ?, ?)', [migration.version, migration.name, instantText(new Date())])
        })
        applied.push(migration.version)
      } catch (err) {
        // Another job migrating the same database at the same time wins the race: fine.
        if (await this.hasMigration(migration.version)) continue
        throw err
      }
    }
    return applied
  }

  // The statements of a run (plan: docs/deployment.md, "The ledger"). Each is portable SQL.

  /** The `now` of the last finished run: the next run's `since` (null on the first run). */
  async lastFinishedNow() {
    const row = await this.get("SELECT MAX(now) AS now FROM monitor_runs WHERE status = 'finished'")
    return row?.now ?? null
  }

  async insertRun(run) {
    await this.run(
      'INSERT INTO monitor_runs (run_id, job, since, now, started_at, status, cases, events, alerts, errors) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (run_id) DO NOTHING',
      [run.runId, run.job, run.since, run.now, run.startedAt, run.status, run.cases ?? 0, run.events ?? 0, run.alerts ?? 0, run.errors ?? 0],
    )
  }

  async finishRun(runId, status, counts, finishedAt) {
    await this.run('UPDATE monitor_runs SET status = ?, finished_at = ?, sent = ?, failed = ?, dry_run = ? WHERE run_id = ?', [
      status,
      finishedAt,
      counts.sent,
      counts.failed,
      counts.dryRun,
      runId,
    ])
  }

  async insertEvent(row) {
    const result = await this.run(
      'INSERT INTO events (event_key, kind, level, at, case_id, milestone, instance, account_id, suppressed, run_id, event) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_key) DO NOTHING',
      [row.eventKey, row.kind, row.level, row.at, row.caseId, row.milestone, row.instance, row.accountId, row.suppressed, row.runId, row.event],
    )
    return result.changes > 0
  }

  /** Inserts a delivery unless (event key, channel) has one already; says whether it did. */
  async insertDelivery(row) {
    const result = await this.run(
      'INSERT INTO deliveries (event_key, channel, action, status, attempts, target, dedupe, payload, run_id, created_at, updated_at) VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_key, channel) DO NOTHING',
      [row.eventKey, row.channel, row.action, row.status, row.target, row.dedupe, row.payload, row.runId, row.createdAt, row.createdAt],
    )
    return result.changes > 0
  }

  /** The PagerDuty pages (sent or still pending) of one milestone instance, oldest first. */
  async pagesOf(caseId, milestone, instance) {
    return this.all(
      "SELECT d.dedupe AS dedupe FROM deliveries d JOIN events e ON e.event_key = d.event_key WHERE d.channel = 'pagerduty' AND d.action = 'page_oncall' AND d.status IN ('sent', 'pending') AND e.case_id = ? AND e.milestone = ? AND e.instance = ? ORDER BY d.created_at, d.event_key",
      [caseId, milestone, instance],
    )
  }

  async upsertOutcome(row) {
    await this.run(
      `INSERT INTO milestone_outcomes (${OUTCOME_COLUMNS.join(', ')}) VALUES (${OUTCOME_COLUMNS.map(() => '?').join(', ')}) ON CONFLICT (case_id, milestone, instance) DO UPDATE SET ${OUTCOME_COLUMNS.filter(
        (c) => !['case_id', 'milestone', 'instance'].includes(c),
      )
        .map((c) => `${c} = excluded.${c}`)
        .join(', ')}`,
      OUTCOME_COLUMNS.map((c) => row[c]),
    )
  }

  /** The outbox: pending rows and failed rows with attempts left, oldest first. */
  async outbox(maxAttempts) {
    return this.all(
      "SELECT d.event_key, d.channel, d.action, d.status, d.attempts, d.target, d.dedupe, d.payload, d.created_at, e.case_id FROM deliveries d LEFT JOIN events e ON e.event_key = d.event_key WHERE d.status = 'pending' OR (d.status = 'failed' AND d.attempts < ?) ORDER BY d.created_at, d.event_key, d.channel",
      [maxAttempts],
    )
  }

  /** Counts one more attempt, committed before anything is sent; returns the new count. */
  async claim(eventKey, channel, at) {
    const row = await this.get('UPDATE deliveries SET attempts = attempts + 1, updated_at = ? WHERE event_key = ? AND channel = ? RETURNING attempts', [at, eventKey, channel])
    return Number(row.attempts)
  }

  async markSent(eventKey, channel, remoteId, at) {
    await this.run("UPDATE deliveries SET status = 'sent', remote_id = ?, error = NULL, sent_at = ?, updated_at = ? WHERE event_key = ? AND channel = ?", [remoteId, at, at, eventKey, channel])
  }

  /** Every delivery that is `failed` now, oldest first. */
  async failedDeliveries() {
    return this.all("SELECT event_key, channel, action, attempts, error FROM deliveries WHERE status = 'failed' ORDER BY created_at, event_key, channel")
  }

  async markFailed(eventKey, channel, error, at) {
    await this.run("UPDATE deliveries SET status = 'failed', error = ?, updated_at = ? WHERE event_key = ? AND channel = ?", [error, at, eventKey, channel])
  }

  async hasMigration(version) {
    if (!(await this.hasTable('ledger_migrations'))) return false
    const row = await this.get('SELECT version FROM ledger_migrations WHERE version = ?', [version])
    return row !== undefined
  }
}

class SqliteLedger extends Ledger {
  constructor(path, settings) {
    super(settings)
    this.path = path
    this.kind = 'sqlite'
  }

  async connect() {
    const Database = require('better-sqlite3')
    this.db = new Database(this.path)
    // Another process (a job started while one still runs, a reader) waits instead of failing.
    this.db.pragma('busy_timeout = 10000')
    this.db.pragma('journal_mode = WAL')
    this.db.pragma('synchronous = NORMAL')
    this.statements = new Map()
  }

  prepare(sql) {
    let statement = this.statements.get(sql)
    if (!statement) {
      statement = this.db.prepare(sql)
      this.statements.set(sql, statement)
    }
    return statement
  }

  async hasTable(name) {
    return this.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined
  }

  async run(sql, params = []) {
    return { changes: this.prepare(sql).run(...params.map(bindable)).changes }
  }

  async all(sql, params = []) {
    return this.prepare(sql).all(...params.map(bindable))
  }

  async get(sql, params = []) {
    return this.prepare(sql).get(...params.map(bindable))
  }

  /** Runs `body(tx)` in one transaction (BEGIN IMMEDIATE: the write lock is taken up front). */
  async transaction(body) {
    this.db.exec('BEGIN IMMEDIATE')
    try {
      const result = await body(this)
      this.db.exec('COMMIT')
      return result
    } catch (err) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK')
      throw err
    }
  }

  async close() {
    this.db?.close()
  }
}

/** better-sqlite3 binds numbers, strings, bigints, buffers and null; booleans as 0/1. */
function bindable(value) {
  if (value === undefined) return null
  if (typeof value === 'boolean') return value ? 1 : 0
  return value
}

/** `?` placeholders as PostgreSQL's `$1, $2, ...` (the job's SQL has no `?` inside literals). */
function numbered(sql) {
  let n = 0
  return sql.replace(/\?/g, () => `$${++n}`)
}

class PostgresLedger extends Ledger {
  constructor(url, settings) {
    super(settings)
    this.url = url
    this.kind = 'postgresql'
    this.client = null
    this.inTransaction = false
  }

  async connect() {
    await this.withRetry('connect', async () => {
      await this.client_()
    })
  }

  async client_() {
    if (this.client) return this.client
    const { Client } = require('pg')
    const client = new Client({ connectionString: this.url, connectionTimeoutMillis: 10_000 })
    // A server that goes away emits 'error' on an idle client: without a listener Node would
    // crash the job. The next statement sees the broken client and reconnects.
    client.on('error', (err) => {
      this.settings.log(`ledger: PostgreSQL connection lost (${err.code ?? ''} ${err.message}); reconnecting on the next statement`)
      if (this.client === client) this.client = null
    })
    try {
      await client.connect()
    } catch (err) {
      client.end().catch(() => {})
      throw err
    }
    this.client = client
    return client
  }

  async drop() {
    const client = this.client
    this.client = null
    if (client) await client.end().catch(() => {})
  }

  /**
   * Runs `work` and, when the connection fails, drops it and runs `work` again on a new one,
   * with backoff, until `retrySeconds` have passed since the first failure.
   */
  async withRetry(what, work) {
    const deadline = Date.now() + this.settings.retrySeconds * 1000
    for (let attempt = 1; ; attempt++) {
      try {
        return await work()
      } catch (err) {
        if (!isConnectionError(err)) throw err
        await this.drop()
        const wait = backoffMs(attempt, this.settings.retryBaseMs)
        if (Date.now() + wait > deadline) {
          const lost = new Error(`the ledger database stayed unreachable for ${this.settings.retrySeconds} s (${what}): ${err.message}`)
          lost.code = 'ledger_unreachable'
          lost.cause = err
          throw lost
        }
        this.settings.log(`ledger: ${what} failed (${err.code ?? ''} ${err.message}); retrying in ${(wait / 1000).toFixed(2)} s`)
        await sleep(wait)
      }
    }
  }

  async query(sql, params) {
    const client = await this.client_()
    return client.query(numbered(sql), params.map((v) => (v === undefined ? null : v)))
  }

  async hasTable(name) {
    const row = await this.get('SELECT to_regclass(?) AS name', [name])
    return row !== undefined && row.name !== null
  }

  // Outside a transaction each statement retries by itself; inside one, the transaction does.
  async run(sql, params = []) {
    const exec = async () => ({ changes: (await this.query(sql, params)).rowCount })
    return this.inTransaction ? exec() : this.withRetry('statement', exec)
  }

  async all(sql, params = []) {
    const exec = async () => (await this.query(sql, params)).rows
    return this.inTransaction ? exec() : this.withRetry('statement', exec)
  }

  async get(sql, params = []) {
    return (await this.all(sql, params))[0]
  }

  /** Runs `body(tx)` in one transaction; a lost connection reruns the whole transaction. */
  async transaction(body) {
    return this.withRetry('transaction', async () => {
      const client = await this.client_()
      await client.query('BEGIN')
      this.inTransaction = true
      try {
        const result = await body(this)
        await client.query('COMMIT')
        return result
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {})
        throw err
      } finally {
        this.inTransaction = false
      }
    })
  }

  async close() {
    await this.drop()
  }
}
