'use strict'
// `ics`: iCalendar holiday feeds from examples/data/import/ics/ through the built addon. Expected
// openings and deadlines are worked out by hand (the comments say how), not by the engine.

const { describe, test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const { Import, ics } = require('..')

const DATA = path.join(__dirname, '..', '..', 'examples', 'data', 'import', 'ics')
const NY = 'America/New_York'
const day = ['09:00-17:00']
const WEEKDAYS = { mon: day, tue: day, wed: day, thu: day, fri: day }
const TABLE = JSON.parse(fs.readFileSync(path.join(DATA, 'unsupported.json'), 'utf8'))

describe('feeds', () => {
  test('US federal yearly rules give Thanksgiving every year', () => {
    const imp = ics.calendar({ path: path.join(DATA, 'us-federal.ics') }, { name: 'support', timeZone: NY, hours: WEEKDAYS })
    assert.ok(imp instanceof Import)
    assert.deepEqual(imp.document.calendars.support.holidays[9].yearly, { month: 11, weekday: 'thu', nth: 4 })
    const cal = imp.calendar()
    // The 4th Thursday of November: Nov 1 is a Sun, Mon, Wed, Thu, Fri in 2026-2030.
    for (const [y, d] of [[2026, 26], [2027, 25], [2028, 23], [2029, 22], [2030, 28]]) {
      const thu = `${y}-11-${d}`
      const wed = `${y}-11-${d - 1}`
      const fri = `${y}-11-${d + 1}`
      assert.equal(cal.isOpen(`${thu}T12:00:00-05:00`), false, thu)
      assert.equal(cal.isOpen(`${wed}T12:00:00-05:00`), true, wed)
      // Wednesday 16:00 + 2 h: 1 h on Wednesday, Thursday closed, Friday 09:00 + 1 h.
      assert.equal(cal.add(`${wed}T16:00:00-05:00`, 2 * 3600e3).getTime(), Date.parse(`${fri}T10:00:00-05:00`))
    }
  })

  test('UK bank holidays from a Buffer', () => {
    const buffer = fs.readFileSync(path.join(DATA, 'uk-bank-holidays.ics'))
    const cal = ics.calendar(buffer, { name: 'london', timeZone: 'Europe/London', hours: WEEKDAYS, sourceName: 'uk.ics' }).calendar('london')
    // Thu 2026-04-02 16:00 BST + 2 h: Good Friday, the weekend and Easter Monday closed.
    assert.equal(cal.add('2026-04-02T16:00:00+01:00', 2 * 3600e3).getTime(), Date.parse('2026-04-07T10:00:00+01:00'))
    assert.equal(cal.isOpen('2026-12-28T10:00:00Z'), false)
  })

  test('office closures: timed events in another zone, UTC and several days', () => {
    const text = fs.readFileSync(path.join(DATA, 'office-closures.ics'), 'utf8')
    const imp = ics.calendar(text, {
      name: 'support', timeZone: NY, hours: WEEKDAYS,
      holidays: [{ name: 'Own', date: '2026-02-02' }], overrides: [{ date: '2026-12-26', hours: ['10:00-14:00'] }],
    })
    const cal = imp.calendar('support')
    // Christmas Eve closed from noon: Thu 10:00 + 3 h = 2 h, then Fri 09:00 + 1 h.
    assert.equal(cal.add('2026-12-24T10:00:00-05:00', 3 * 3600e3).getTime(), Date.parse('2026-12-25T10:00:00-05:00'))
    // Shutdown Wed Dec 30 13:00 to Mon Jan 4 10:00.
    assert.equal(cal.add('2026-12-30T12:00:00-05:00', 2 * 3600e3).getTime(), Date.parse('2027-01-04T11:00:00-05:00'))
    // London offsite 14:00-18:00 BST = 09:00-13:00 EDT.
    assert.equal(cal.isOpen('2026-10-15T12:59:00-04:00'), false)
    assert.equal(cal.isOpen('2026-10-15T13:00:00-04:00'), true)
    assert.equal(cal.isOpen('2026-02-02T10:00:00-05:00'), false)
  })

  test('the holidays fragment saves as JSON', () => {
    const imp = ics.holidays({ path: path.join(DATA, 'google-us-holidays.ics') }, { timeZone: NY })
    const saved = JSON.parse(JSON.stringify(imp))
    assert.deepEqual(saved.holidays[4], { name: 'New Year, observed shutdown', from: '2026-12-31', to: '2027-01-01' })
  })

  test('a cancelled event is a warning', () => {
    const feed = 'BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:c1\nSUMMARY:Picnic\nSTATUS:CANCELLED\nDTSTART;VALUE=DATE:20260601\nEND:VEVENT\nEND:VCALENDAR\n'
    const imp = ics.holidays(feed, { timeZone: 'UTC' })
    assert.deepEqual(imp.document, { holidays: [] })
    assert.equal(imp.warnings[0].field, 'STATUS')
    assert.match(imp.warnings[0].record, /VEVENT c1 \(Picnic\)/)
  })
})

describe('unsupported constructs', () => {
  for (const c of TABLE.cases) {
    test(c.case, () => {
      assert.throws(() => ics.holidays(c.ics, { timeZone: NY, sourceName: TABLE.source }), (err) => {
        assert.equal(err.code, 'unsupported', err.message)
        assert.ok(err.message.includes(TABLE.source), err.message)
        assert.ok(err.message.includes(c.record), err.message)
        assert.ok(err.message.includes(`${c.field}:`), err.message)
        return true
      })
    })
  }
})

describe('bad input', () => {
  const garbage = {
    empty: '',
    unterminated: 'BEGIN:VCALENDAR\nBEGIN:VEVENT\n',
    'huge line': 'X'.repeat(2_000_000),
    'deep nesting': 'BEGIN:VCALENDAR\n' + 'BEGIN:X\n'.repeat(50_000),
    'end only': 'END:VCALENDAR',
    control: '\x00\x01:\n\x7f',
  }
  for (const [what, text] of Object.entries(garbage)) {
    test(what, () => {
      assert.throws(() => ics.holidays(text, { timeZone: 'UTC', sourceName: 'garbage.ics' }),
        (err) => err.code === 'unsupported' && err.message.includes('garbage.ics'))
    })
  }

  test('invalid UTF-8 names the source, a missing file its path', () => {
    assert.throws(() => ics.holidays(Buffer.from([0x42, 0xff, 0xfe]), { timeZone: 'UTC', sourceName: 'feed.ics' }),
      (err) => err.code === 'unsupported' && err.message.includes('feed.ics'))
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ics-'))
    const file = path.join(dir, 'binary.ics')
    fs.writeFileSync(file, Buffer.from(Array.from({ length: 2048 }, (_, i) => i % 256)))
    assert.throws(() => ics.holidays({ path: file }, { timeZone: 'UTC' }),
      (err) => err.code === 'unsupported' && err.message.includes('binary.ics'))
    assert.throws(() => ics.holidays({ path: path.join(dir, 'missing.ics') }, { timeZone: 'UTC' }),
      (err) => err.code === 'invalid_value' && err.message.includes('missing.ics'))
    fs.rmSync(dir, { recursive: true })
  })

  test('bad arguments', () => {
    assert.throws(() => ics.holidays(42, { timeZone: 'UTC' }), (err) => err.code === 'invalid_type')
    assert.throws(() => ics.holidays('', { timeZone: 'Mars/Olympus' }), (err) => err.code === 'unknown_time_zone')
    assert.throws(() => ics.holidays('', {}), (err) => err.code === 'missing_key')
    // An unknown option is `unknown_key`, as an unknown key of a document is (it was `invalid_value`).
    assert.throws(() => ics.holidays('', { timeZone: 'UTC', zone: 'x' }), (err) => err.code === 'unknown_key' && err.path.join() === 'options')
    assert.throws(() => ics.calendar('', { timeZone: 'UTC', hours: {} }), (err) => err.code === 'missing_key')
  })
})

test('a plain Uint8Array is read like a Buffer', () => {
  const bytes = new TextEncoder().encode('BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:X\nDTSTART;VALUE=DATE:20260101\nEND:VEVENT\nEND:VCALENDAR\n')
  assert.deepEqual(ics.holidays(bytes, { timeZone: 'UTC' }).document, { holidays: [{ name: 'X', date: '2026-01-01' }] })
})
