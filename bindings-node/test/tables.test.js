// One table layout per result: `report.toArrow(table)`, `rules.evaluateArrow` and
// `rules.monitorArrow` return Arrow IPC bytes that apache-arrow reads back, with the columns,
// types and values of the Python binding's tables for the same run (`tests/tables/sample.json`,
// written and checked by bindings-python/tests/test_tables.py).

'use strict'

const { test } = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')

const arrow = require('apache-arrow')
const { Ruleset } = require('..')

const REPO = path.join(__dirname, '..', '..')
const FIXTURE = require(path.join(REPO, 'tests', 'tables', 'sample.json'))
const SAMPLE = require(path.join(REPO, 'examples', 'data', 'cases.json'))
const rules = Ruleset.load(path.join(REPO, 'examples', 'data', 'rules.yaml'))
const NOW = new Date(FIXTURE.now)
const SINCE = new Date(FIXTURE.since)
const TABLES = ['statuses', 'events', 'alerts', 'accounts', 'outcomes', 'account_periods']

/** A column type as the fixture spells it: pyarrow's names, JSON text as `json`. */
function typeName(field) {
  const t = field.type
  const { DataType, TimeUnit } = arrow
  if (field.metadata.get('ARROW:extension:name') === 'arrow.json') return 'json'
  if (DataType.isUtf8(t)) return 'string'
  if (DataType.isBool(t)) return 'bool'
  if (DataType.isInt(t)) return `${t.isSigned ? 'int' : 'uint'}${t.bitWidth}`
  if (DataType.isFloat(t) && t.precision === arrow.Precision.DOUBLE) return 'double'
  if (DataType.isTimestamp(t) && t.unit === TimeUnit.MICROSECOND) return `timestamp[us, tz=${t.timezone}]`
  if (DataType.isDuration(t) && t.unit === TimeUnit.MICROSECOND) return 'duration[us]'
  if (DataType.isDate(t) && t.unit === arrow.DateUnit.DAY) return 'date32[day]'
  if (DataType.isList(t) && DataType.isUtf8(t.children[0].type)) return `list<item: string>`
  throw new Error(`unexpected type ${t} of ${field.name}`)
}

/** A cell as plain JSON: instants and durations as integer microseconds, dates as days. */
function cell(vector, i) {
  if (!vector.isValid(i)) return null
  const t = vector.type
  const { DataType } = arrow
  if (DataType.isTimestamp(t) || DataType.isDuration(t) || DataType.isDate(t)) {
    const [data] = vector.data
    return Number(data.values[data.offset + i])
  }
  if (DataType.isList(t)) return [...vector.get(i)]
  // int64 (`days_to_renewal`) reads as a BigInt; the fixture holds plain numbers.
  if (DataType.isInt(t) && t.bitWidth === 64) return Number(vector.get(i))
  return vector.get(i)
}

function describe(bytes, rows = 4) {
  assert.ok(Buffer.isBuffer(bytes))
  const table = arrow.tableFromIPC(bytes)
  const fields = table.schema.fields
  return {
    columns: fields.map((f) => [f.name, typeName(f), f.nullable]),
    num_rows: table.numRows,
    rows: Array.from({ length: Math.min(rows, table.numRows) }, (_, i) =>
      Object.fromEntries(fields.map((f) => [f.name, cell(table.getChild(f.name), i)])),
    ),
  }
}

const report = rules.monitor(SAMPLE.cases, NOW, SINCE)

test('every table equals the Python table of the same run', () => {
  for (const name of TABLES) {
    assert.deepStrictEqual(describe(report.toArrow(name)), FIXTURE.tables[name], name)
  }
  assert.deepStrictEqual(describe(report.toArrow()), FIXTURE.tables.events)
})

test('the tables hold what the report objects hold', () => {
  const statuses = arrow.tableFromIPC(report.toArrow('statuses'))
  assert.equal(statuses.numRows, report.statuses.length)
  assert.deepStrictEqual(
    [...statuses.getChild('case_id')],
    report.statuses.map((s) => s.caseId),
  )
  const alerts = arrow.tableFromIPC(report.toArrow('alerts'))
  assert.deepStrictEqual(
    [...alerts.getChild('title')],
    report.alerts.map((a) => a.title),
  )
  // A value passed through from the account context is its JSON text.
  const accounts = arrow.tableFromIPC(report.toArrow('accounts'))
  assert.deepStrictEqual(
    [...accounts.getChild('arr')].map((t) => (t === null ? null : JSON.parse(t))),
    report.accounts.map((a) => a.arr ?? null),
  )
})

test('evaluateArrow and monitorArrow return the report layouts', () => {
  const statuses = arrow.tableFromIPC(rules.evaluateArrow(SAMPLE.cases, NOW))
  const all = rules.evaluateMany(SAMPLE.cases, NOW).flat()
  assert.equal(statuses.numRows, all.length)
  assert.deepStrictEqual([...statuses.getChild('milestone')], all.map((s) => s.milestone))
  assert.deepStrictEqual(
    statuses.schema.fields.map((f) => [f.name, typeName(f), f.nullable]),
    FIXTURE.tables.statuses.columns,
  )
  const events = describe(rules.monitorArrow(SAMPLE.cases, NOW, SINCE), Infinity)
  const milestone = describe(report.toArrow('events'), Infinity)
  assert.deepStrictEqual(events.columns, FIXTURE.tables.events.columns)
  const kept = milestone.rows.filter((r) => ['trigger', 'breach', 'milestone_completed'].includes(r.kind))
  assert.ok(kept.length > 0)
  assert.deepStrictEqual(events.rows, kept)
})

test('a table name that is not one throws with a code', () => {
  assert.throws(() => report.toArrow('breaches'), { code: 'invalid_value' })
  assert.throws(() => report.toArrow(1), { code: 'invalid_type' })
  assert.throws(() => rules.evaluateArrow(SAMPLE.cases, new Date(Number.NaN)), (err) => typeof err.code === 'string')
})
