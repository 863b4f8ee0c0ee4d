'use strict'
// Errors through the built addon: every malformed calendar and every bad argument is an `Error`
// with a stable `code` and a message that names where the problem is. Nothing crashes, nothing
// is guessed.

const { describe, test } = require('node:test')
const assert = require('node:assert/strict')

const { Calendar } = require('..')

const NY = 'America/New_York'
const weekdays = (intervals) => ({ time_zone: NY, hours: { mon: intervals } })

/** [what it shows, definition, expected code, text the message must contain]. */
const MALFORMED_CALENDARS = [
  ['an unknown time zone', { time_zone: 'Mars/Olympus', hours: { mon: ['09:00-17:00'] } }, 'unknown_time_zone', 'time_zone'],
  ['a missing time zone', { hours: { mon: ['09:00-17:00'] } }, 'missing_key', 'time_zone'],
  ['a time zone that is not a string', { time_zone: 5, hours: { mon: ['09:00-17:00'] } }, 'invalid_type', 'time_zone'],
  ['overlapping intervals', weekdays(['09:00-12:00', '11:00-17:00']), 'overlapping_intervals', 'mon 11:00-17:00'],
  [
    'an overnight interval that overlaps the next day',
    { time_zone: NY, hours: { mon: ['22:00-06:00'], tue: ['05:00-09:00'] } },
    'overlapping_intervals',
    'tue 05:00-09:00',
  ],
  ['"9:00-17:00" (one-digit hour)', weekdays(['9:00-17:00']), 'invalid_time', 'hours.mon[0]'],
  ['"25:00-26:00"', weekdays(['25:00-26:00']), 'invalid_time', 'hours.mon[0]'],
  ['"09:00" without an end', weekdays(['09:00']), 'invalid_time', 'hours.mon[0]'],
  ['"24:00" as a start', weekdays(['24:00-06:00']), 'invalid_time', 'hours.mon[0]'],
  ['an interval that is not a string', weekdays([900]), 'invalid_type', 'hours.mon[0]'],
  ['an unknown weekday key', { time_zone: NY, hours: { monday: ['09:00-17:00'] } }, 'unknown_key', 'monday'],
  ['an unknown top-level key', { time_zone: NY, hours: {}, holiday: [] }, 'unknown_key', 'holiday'],
  ['hours of a day that are not an array', { time_zone: NY, hours: { mon: '09:00-17:00' } }, 'invalid_type', 'hours.mon'],
  ['hours that are not an object', { time_zone: NY, hours: ['09:00-17:00'] }, 'invalid_type', 'hours'],
  [
    'an impossible holiday date "2026-02-30"',
    { ...weekdays(['09:00-17:00']), holidays: [{ name: 'x', date: '2026-02-30' }] },
    'invalid_date',
    'holidays[0].date',
  ],
  [
    'a holiday with both date and yearly',
    { ...weekdays(['09:00-17:00']), holidays: [{ name: 'x', date: '2026-12-25', yearly: '12-25' }] },
    'invalid_value',
    'holidays[0]',
  ],
  [
    'a holiday with neither date, range nor yearly',
    { ...weekdays(['09:00-17:00']), holidays: [{ name: 'x' }] },
    'invalid_value',
    'holidays[0]',
  ],
  [
    'an unknown observed rule',
    { ...weekdays(['09:00-17:00']), holidays: [{ name: 'x', yearly: '07-04', observed: 'closest' }] },
    'invalid_value',
    'holidays[0].observed',
  ],
  [
    'nth out of range',
    { ...weekdays(['09:00-17:00']), holidays: [{ name: 'x', yearly: { month: 11, weekday: 'thu', nth: 6 } }] },
    'invalid_value',
    'holidays[0].yearly.nth',
  ],
  [
    'an unknown yearly weekday',
    { ...weekdays(['09:00-17:00']), holidays: [{ name: 'x', yearly: { month: 11, weekday: 'thursday', nth: 4 } }] },
    'invalid_value',
    'holidays[0].yearly.weekday',
  ],
  [
    'a yearly day that does not exist "02-30"',
    { ...weekdays(['09:00-17:00']), holidays: [{ name: 'x', yearly: '02-30' }] },
    'invalid_date',
    'holidays[0].yearly',
  ],
  [
    'a holiday range that ends before it starts',
    { ...weekdays(['09:00-17:00']), holidays: [{ name: 'x', from: '2026-12-31', to: '2026-12-28' }] },
    'invalid_value',
    'holidays[0]',
  ],
  [
    'a bad override date',
    { ...weekdays(['09:00-17:00']), overrides: [{ date: '2026-13-01', hours: [] }] },
    'invalid_date',
    'overrides[0].date',
  ],
  [
    'an override with bad hours',
    { ...weekdays(['09:00-17:00']), overrides: [{ date: '2026-12-26', hours: ['10:00-'] }] },
    'invalid_time',
    'overrides[0].hours[0]',
  ],
  ['a calendar that is never open', { time_zone: NY, hours: {} }, 'never_open', ''],
  ['always_open: false', { always_open: false }, 'invalid_value', 'always_open'],
  ['a union of an unknown name', { union: ['london'] }, 'unknown_calendar', 'union[0]'],
  ['an empty union', { union: [] }, 'invalid_value', 'union'],
  ['a union that is not an array', { union: 'london' }, 'invalid_type', 'union'],
  [
    'a bad member of a union',
    { union: [{ time_zone: NY, hours: { mon: ['09:00-17:00'] } }, { time_zone: 'Nowhere/City', hours: {} }] },
    'unknown_time_zone',
    'union[1].time_zone',
  ],
  ['both time_zone and its alias timeZone', { time_zone: NY, timeZone: NY, hours: { mon: ['09:00-17:00'] } }, 'invalid_value', 'timeZone'],
  ['a value that is not JSON (a function)', { time_zone: NY, hours: { mon: () => 1 } }, 'invalid_type', 'hours.mon'],
  ['a Date where a date string belongs', { ...weekdays(['09:00-17:00']), holidays: [{ date: new Date() }] }, 'invalid_type', 'holidays[0].date'],
  ['NaN in a definition', { ...weekdays(['09:00-17:00']), holidays: [{ yearly: { easter: NaN } }] }, 'invalid_value', 'holidays[0].yearly.easter'],
]

const NOT_A_DEFINITION = [
  ['undefined', undefined],
  ['null', null],
  ['a number', 42],
  ['a string', 'America/New_York'],
  ['an array', [{ always_open: true }]],
  ['a Date', new Date()],
]

/** Runs `fn`, which must throw, and returns the error. */
function thrown(fn) {
  try {
    fn()
  } catch (err) {
    return err
  }
  assert.fail('expected an error, but none was thrown')
}

function assertError(err, code, where) {
  assert.ok(err instanceof Error, `not an Error: ${err}`)
  assert.equal(err.code, code, `code of: ${err.message}`)
  assert.equal(typeof err.message, 'string')
  assert.ok(err.message.includes(where), `the message ${JSON.stringify(err.message)} should name ${JSON.stringify(where)}`)
}

describe('malformed calendars', () => {
  test('the table has at least 20 cases', () => {
    assert.ok(MALFORMED_CALENDARS.length >= 20)
  })

  for (const [what, definition, code, where] of MALFORMED_CALENDARS) {
    test(`${what}: ${code}`, () => {
      assertError(thrown(() => new Calendar(definition)), code, where)
      assertError(thrown(() => Calendar.fromObject(definition)), code, where)
    })
  }

  for (const [what, value] of NOT_A_DEFINITION) {
    test(`${what} is not a definition: invalid_type`, () => {
      assertError(thrown(() => new Calendar(value)), 'invalid_type', 'calendar')
      assertError(thrown(() => Calendar.fromObject(value)), 'invalid_type', 'calendar')
    })
  }

  test('Calendar.union: an empty list, a non-list, a bad member', () => {
    const ok = Calendar.alwaysOpen()
    assertError(thrown(() => Calendar.union([])), 'invalid_value', '')
    assertError(thrown(() => Calendar.union(ok)), 'invalid_type', 'calendars')
    assertError(thrown(() => Calendar.union([ok, 5])), 'invalid_type', 'union[1]')
    assertError(thrown(() => Calendar.union([ok, { time_zone: 'Nowhere/City', hours: {} }])), 'unknown_time_zone', 'union[1].time_zone')
  })

  test('an object that only inherits from Calendar.prototype is not a Calendar', () => {
    const fake = Object.create(Calendar.prototype)
    assertError(thrown(() => Calendar.union([fake])), 'invalid_type', 'Calendar')
    assertError(thrown(() => new Calendar({ union: [fake] })), 'invalid_type', 'Calendar')
    assert.throws(() => fake.add(0, 0), Error)
  })

  test('a getter that throws while the definition is read propagates its own exception', () => {
    const definition = {
      time_zone: NY,
      get hours() {
        throw new RangeError('boom')
      },
    }
    assert.throws(() => new Calendar(definition), { name: 'RangeError', message: 'boom' })
  })

  test('a definition nested too deeply is an error, not a crash', () => {
    let definition = { always_open: true }
    for (let i = 0; i < 10000; i++) definition = { union: [definition] }
    const err = thrown(() => new Calendar(definition))
    assert.ok(err instanceof Error)
    assert.equal(err.code, 'limit_exceeded')
  })
})

describe('bad arguments', () => {
  const cal = new Calendar(weekdays(['09:00-17:00']))

  const BAD_INSTANTS = [
    ['a naive ISO string', '2026-03-06T16:00:00', 'naive_datetime'],
    ['a naive ISO string without seconds', '2026-03-06T16:00', 'naive_datetime'],
    ['a bare date', '2026-03-06', 'naive_datetime'],
    ['NaN', NaN, 'invalid_instant'],
    ['Infinity', Infinity, 'invalid_instant'],
    ['-Infinity', -Infinity, 'invalid_instant'],
    ['undefined', undefined, 'invalid_instant'],
    ['null', null, 'invalid_instant'],
    ['an object', {}, 'invalid_instant'],
    ['an array', [2026, 3, 6], 'invalid_instant'],
    ['a boolean', true, 'invalid_instant'],
    ['a BigInt', 10n, 'invalid_instant'],
    ['a symbol', Symbol('t'), 'invalid_instant'],
    ['an invalid Date', new Date(NaN), 'invalid_instant'],
    ['an empty string', '', 'invalid_instant'],
    ['words', 'next tuesday', 'invalid_instant'],
    ['an impossible date', '2026-02-30T10:00:00Z', 'invalid_instant'],
    ['an impossible hour', '2026-03-06T24:00:00Z', 'invalid_instant'],
    ['an impossible offset', '2026-03-06T10:00:00+25:00', 'invalid_instant'],
    ['trailing text', '2026-03-06T10:00:00Z junk', 'invalid_instant'],
    ['a year beyond 9999', 1e15, 'out_of_range'],
    ['a Date beyond 9999', new Date(8.64e15), 'out_of_range'],
    ['an instant before year 1', '0001-01-01T00:00:00+01:00', 'out_of_range'],
  ]

  for (const [what, value, code] of BAD_INSTANTS) {
    test(`instant: ${what} is ${code}`, () => {
      assertError(thrown(() => cal.add(value, 0)), code, 't')
      assertError(thrown(() => cal.isOpen(value)), code, 't')
      assertError(thrown(() => cal.nextOpen(value)), code, 't')
      assertError(thrown(() => cal.elapsed(value, 0)), code, 'a')
      assertError(thrown(() => cal.elapsed(0, value)), code, 'b')
      assertError(thrown(() => cal.openIntervals(0, value)), code, 'b')
    })
  }

  const BAD_DURATIONS = [
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['a string', '4h'],
    ['undefined', undefined],
    ['null', null],
    ['an object', {}],
  ]

  for (const [what, value] of BAD_DURATIONS) {
    test(`duration: ${what} is invalid_duration`, () => {
      assertError(thrown(() => cal.add('2026-03-06T16:00:00Z', value)), 'invalid_duration', 'ms')
      assertError(thrown(() => cal.sub('2026-03-06T16:00:00Z', value)), 'invalid_duration', 'ms')
    })
  }

  test('a result beyond the supported range is out_of_range', () => {
    assertError(thrown(() => cal.add('9999-12-31T00:00:00Z', 24 * 3600e3)), 'out_of_range', '')
    assertError(thrown(() => cal.add('2026-03-06T16:00:00Z', 1e300)), 'out_of_range', '')
    assertError(thrown(() => cal.sub('0001-01-02T00:00:00Z', 24 * 3600e3)), 'out_of_range', '')
  })

  test('a method called on something that is not a Calendar throws, not crashes', () => {
    assert.throws(() => Calendar.prototype.add.call({}, 0, 0), Error)
  })
})
