// The ledger layer of the Node job on its own: the schema of `ledgerMigrations()` applied once
// (idempotent) on SQLite and PostgreSQL, and the instant text whose order is time order.

import assert from 'node:assert/strict'
import { describe, test } from 'node:test'

import { ledgerMigrations } from 'entitlement'

import { instantText, openLedger, statements } from '../ledger.mjs'
import { DATABASES, freshLedger, ledgerRows } from './helpers.mjs'

const TABLES = ['deliveries', 'events', 'ledger_migrations', 'milestone_outcomes', 'monitor_runs']

for (const db of DATABASES) {
  describe(`ledger.mjs on ${db}`, () => {
    test('migrate applies the core schema once, then nothing', async (t) => {
      const location = await freshLedger(t, db)
      const ledger = await openLedger(location)
      try {
        const versions = ledgerMigrations().map((m) => m.version)
        assert.deepEqual(await ledger.migrate(), versions)
        assert.deepEqual(await ledger.migrate(), [])
        assert.equal(await ledger.lastFinishedNow(), null)
      } finally {
        await ledger.close()
      }
      const tables =
        db === 'sqlite'
          ? await ledgerRows(location, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
          : await ledgerRows(location, "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY table_name")
      assert.deepEqual(
        tables.map((r) => r.name),
        TABLES,
      )
      const recorded = await ledgerRows(location, 'SELECT version, name FROM ledger_migrations')
      assert.deepEqual(
        recorded.map((r) => [Number(r.version), r.name]),
        ledgerMigrations().map((m) => [m.version, m.name]),
      )
    })
  })
}

describe('ledger instants and statements', () => {
  test('the text of instants sorts as the instants do (2000 random pairs, seeded)', () => {
    let seed = 16
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed / 2 ** 31
    }
    const span = Date.UTC(9999, 11, 31) - Date.UTC(1, 0, 1)
    for (let i = 0; i < 2000; i++) {
      const a = new Date(Date.UTC(1, 0, 1) + Math.floor(random() * span))
      // Half the pairs are close together: the order must hold to the millisecond.
      const b = new Date(random() < 0.5 ? a.getTime() + Math.floor(random() * 2000) - 1000 : Date.UTC(1, 0, 1) + Math.floor(random() * span))
      const [ta, tb] = [instantText(a), instantText(b)]
      assert.match(ta, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/)
      assert.equal(ta < tb, a < b, `${ta} vs ${tb}`)
      assert.equal(new Date(ta).getTime(), a.getTime())
    }
  })

  test('every migration splits into the statements the core wrote', () => {
    for (const m of ledgerMigrations()) {
      const parts = statements(m.sql)
      assert.ok(parts.length >= 5)
      for (const part of parts) assert.match(part, /^CREATE (TABLE|INDEX) /)
      assert.equal(parts.filter((p) => p.startsWith('CREATE TABLE')).length, TABLES.length)
    }
  })
})
