'use strict'
// The Calendar class through the built addon: the reference calendar's answers (the calendar
// of the getting-started guides), DST, unions,
// always-open calendars, the three forms of instants, and the laws of business time as
// properties over seeded random inputs.

const { describe, test } = require('node:test')
const assert = require('node:assert/strict')

const { Calendar } = require('..')
const { random } = require('./random')

const MINUTE = 60e3
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

const at = (iso) => {
  const ms = Date.parse(iso)
  assert.ok(Number.isFinite(ms), `test bug: ${iso} does not parse`)
  return ms
}

/** The reference calendar: Mon–Fri 09–17 in New York, holiday Mon 2026-03-09. */
const REFERENCE = {
  time_zone: 'America/New_York',
  hours: {
    mon: ['09:00-17:00'],
    tue: ['09:00-17:00'],
    wed: ['09:00-17:00'],
    thu: ['09:00-17:00'],
    fri: ['09:00-17:00'],
  },
  holidays: [{ name: 'Spring closure', date: '2026-03-09' }],
}

/** The three forms an instant may take: ISO string, Date, epoch milliseconds. */
const FORMS = {
  iso: (iso) => iso,
  date: (iso) => new Date(at(iso)),
  epochMs: (iso) => at(iso),
}

describe('reference answers', () => {
  const cal = new Calendar(REFERENCE)

  for (const [form, input] of Object.entries(FORMS)) {
    test(`add over a weekend, a holiday and the DST change (${form})`, () => {
      const result = cal.add(input('2026-03-06T16:00:00-05:00'), 8 * HOUR)
      assert.ok(result instanceof Date)
      assert.equal(result.getTime(), at('2026-03-10T16:00:00-04:00'))
    })

    test(`elapsed is 9 h, and -9 h reversed (${form})`, () => {
      const a = input('2026-03-06T10:00:00-05:00')
      const b = input('2026-03-10T11:00:00-04:00')
      assert.equal(cal.elapsed(a, b), 9 * HOUR)
      assert.equal(cal.elapsed(b, a), -9 * HOUR)
    })

    test(`a result that lands at closing stays at closing (${form})`, () => {
      const result = cal.add(input('2026-03-06T16:00:00-05:00'), 1 * HOUR)
      assert.equal(result.getTime(), at('2026-03-06T17:00:00-05:00'))
    })

    test(`add(t, 0) is t even when closed, and nextOpen skips the holiday (${form})`, () => {
      const saturday = input('2026-03-07T12:00:00-05:00')
      assert.equal(cal.add(saturday, 0).getTime(), at('2026-03-07T12:00:00-05:00'))
      assert.equal(cal.nextOpen(saturday).getTime(), at('2026-03-10T09:00:00-04:00'))
    })
  }

  test('the ISO spellings of the reference instants without seconds are accepted', () => {
    assert.equal(cal.add('2026-03-06T16:00-05:00', 8 * HOUR).getTime(), at('2026-03-10T16:00:00-04:00'))
    assert.equal(cal.elapsed('2026-03-06T10:00-05:00', '2026-03-10T11:00-04:00'), 9 * HOUR)
  })

  test('sub is add with the opposite sign', () => {
    const t = '2026-03-10T16:00:00-04:00'
    assert.equal(cal.sub(t, 8 * HOUR).getTime(), at('2026-03-06T16:00:00-05:00'))
    assert.equal(cal.add(t, -8 * HOUR).getTime(), at('2026-03-06T16:00:00-05:00'))
  })

  test('isOpen is half-open: open at 09:00, closed at 17:00', () => {
    assert.equal(cal.isOpen('2026-03-06T09:00:00-05:00'), true)
    assert.equal(cal.isOpen('2026-03-06T16:59:59.999-05:00'), true)
    assert.equal(cal.isOpen('2026-03-06T17:00:00-05:00'), false)
    assert.equal(cal.isOpen('2026-03-09T12:00:00-04:00'), false, 'the holiday is closed')
  })

  test('nextOpen of an open instant is itself; nextClose is the end of its interval', () => {
    const t = '2026-03-06T10:30:00-05:00'
    assert.equal(cal.nextOpen(t).getTime(), at(t))
    assert.equal(cal.nextClose(t).getTime(), at('2026-03-06T17:00:00-05:00'))
    assert.equal(cal.nextClose('2026-03-07T12:00:00-05:00').getTime(), at('2026-03-10T17:00:00-04:00'))
  })

  test('openIntervals lists the clipped opening intervals as pairs of Dates', () => {
    const intervals = cal.openIntervals('2026-03-06T12:00:00-05:00', '2026-03-11T10:00:00-04:00')
    assert.deepEqual(
      intervals.map(([start, end]) => [start.toISOString(), end.toISOString()]),
      [
        ['2026-03-06T17:00:00.000Z', '2026-03-06T22:00:00.000Z'],
        ['2026-03-10T13:00:00.000Z', '2026-03-10T21:00:00.000Z'],
        ['2026-03-11T13:00:00.000Z', '2026-03-11T14:00:00.000Z'],
      ],
    )
    for (const [start, end] of intervals) {
      assert.ok(start instanceof Date && end instanceof Date)
    }
  })

  test('timeZone, toJSON and a round trip through the definition', () => {
    assert.equal(cal.timeZone, 'America/New_York')
    const copy = new Calendar(cal.toJSON())
    assert.deepEqual(copy.toJSON(), cal.toJSON())
    assert.equal(copy.add('2026-03-06T16:00:00-05:00', 8 * HOUR).getTime(), at('2026-03-10T16:00:00-04:00'))
    assert.deepEqual(JSON.parse(JSON.stringify(cal)), cal.toJSON())
  })

  test('a Calendar passed as a definition is copied', () => {
    assert.deepEqual(new Calendar(cal).toJSON(), cal.toJSON())
  })

  test('Calendar.fromObject and the timeZone alias build the same calendar', () => {
    const fromObject = Calendar.fromObject(REFERENCE)
    const { time_zone, ...rest } = REFERENCE
    const aliased = new Calendar({ timeZone: time_zone, ...rest })
    for (const other of [fromObject, aliased]) {
      assert.ok(other instanceof Calendar)
      assert.equal(other.timeZone, 'America/New_York')
      assert.deepEqual(other.toJSON(), cal.toJSON())
    }
  })
})

describe('instants and durations', () => {
  const cal = Calendar.alwaysOpen()
  const base = at('2026-03-06T21:00:00Z')

  test('every ISO 8601 offset spelling names the same instant', () => {
    for (const text of [
      '2026-03-06T21:00:00Z',
      '2026-03-06t21:00:00z',
      '2026-03-06 21:00:00Z',
      '2026-03-06T21:00Z',
      '2026-03-06T16:00:00-05:00',
      '2026-03-06T16:00:00-0500',
      '2026-03-06T16:00:00-05',
      '2026-03-06T21:00:00+00:00',
      '2026-03-06T21:00:00.000Z',
      '2026-03-06T21:00:00,000Z',
      '2026-03-07T06:00:00+09:00',
    ]) {
      assert.equal(cal.add(text, 0).getTime(), base, text)
    }
  })

  test('fractions of a millisecond survive as microseconds', () => {
    assert.equal(cal.elapsed('2026-03-06T21:00:00Z', '2026-03-06T21:00:00.000250Z'), 0.25)
    assert.equal(cal.elapsed('2026-03-06T21:00:00Z', '2026-03-06T21:00:00.0012345678Z'), 1.234)
    assert.equal(cal.elapsed(base, base + 1.5), 1.5)
    // Epoch milliseconds with a fraction are read to the microsecond; a Date result is floored
    // to the millisecond.
    assert.equal(cal.add(base + 0.25, 0.75).getTime(), base + 1)
    assert.equal(cal.add(base, 1.5).getTime(), base + 1)
    assert.equal(cal.add(base, -0.5).getTime(), base - 1)
  })

  test('dates before 1970 and near the ends of the supported range', () => {
    assert.equal(cal.add('1969-12-31T23:59:59.999Z', 0).getTime(), -1)
    assert.equal(cal.add('0001-01-01T00:00:00Z', 0).toISOString(), '0001-01-01T00:00:00.000Z')
    assert.equal(cal.add('9999-12-31T23:59:59.999Z', 0).toISOString(), '9999-12-31T23:59:59.999Z')
    assert.equal(cal.elapsed('0001-01-01T00:00:00Z', '0001-01-02T00:00:00Z'), DAY)
  })

  test('a long elapsed costs no more than a short one and is exact', () => {
    const ny = new Calendar(REFERENCE)
    const tenYears = ny.elapsed('2020-01-01T00:00:00Z', '2030-01-01T00:00:00Z')
    assert.ok(Number.isInteger(tenYears) && tenYears > 0)
    assert.equal(ny.add('2020-01-01T00:00:00Z', tenYears).getTime() <= at('2030-01-01T00:00:00Z'), true)
  })
})

describe('DST: business time is real elapsed time', () => {
  const sunday = (hours) => new Calendar({ time_zone: 'America/New_York', hours: { sun: [hours] } })

  test('Sunday 00:00–05:00 is 4 h on the spring-forward day and 6 h on the fall-back day', () => {
    const cal = sunday('00:00-05:00')
    assert.equal(cal.elapsed('2026-03-08T00:00:00-05:00', '2026-03-09T00:00:00-04:00'), 4 * HOUR)
    assert.equal(cal.elapsed('2026-11-01T00:00:00-04:00', '2026-11-02T00:00:00-05:00'), 6 * HOUR)
    assert.equal(cal.elapsed('2026-03-01T00:00:00-05:00', '2026-03-02T00:00:00-05:00'), 5 * HOUR)
  })

  test('a start in the spring-forward gap moves forward by the gap: 02:30–04:00 is 30 min', () => {
    const cal = sunday('02:30-04:00')
    assert.equal(cal.elapsed('2026-03-08T00:00:00-05:00', '2026-03-09T00:00:00-04:00'), 30 * MINUTE)
    assert.equal(cal.nextOpen('2026-03-08T00:00:00-05:00').getTime(), at('2026-03-08T03:30:00-04:00'))
  })

  test('a start in the fall-back fold takes the earlier occurrence: 01:30–03:00 is 2 h 30', () => {
    const cal = sunday('01:30-03:00')
    assert.equal(cal.elapsed('2026-11-01T00:00:00-04:00', '2026-11-02T00:00:00-05:00'), 150 * MINUTE)
    assert.equal(cal.nextOpen('2026-11-01T00:00:00-04:00').getTime(), at('2026-11-01T01:30:00-04:00'))
    assert.equal(cal.nextClose('2026-11-01T00:00:00-04:00').getTime(), at('2026-11-01T03:00:00-05:00'))
  })

  test('a 24-hour day is 23 h and 25 h long on the change days', () => {
    const cal = new Calendar({ time_zone: 'America/New_York', hours: { sun: ['00:00-24:00'] } })
    assert.equal(cal.elapsed('2026-03-08T00:00:00-05:00', '2026-03-09T00:00:00-04:00'), 23 * HOUR)
    assert.equal(cal.elapsed('2026-11-01T00:00:00-04:00', '2026-11-02T00:00:00-05:00'), 25 * HOUR)
  })
})

describe('always open, unions', () => {
  test('alwaysOpen: business time is real time', () => {
    const cal = Calendar.alwaysOpen()
    assert.equal(cal.timeZone, null)
    assert.equal(cal.elapsed('2026-03-08T00:00:00-05:00', '2026-03-09T00:00:00-04:00'), 23 * HOUR)
    assert.equal(cal.add('2026-03-06T16:00:00-05:00', 8 * HOUR).getTime(), at('2026-03-07T00:00:00-05:00'))
    assert.equal(cal.isOpen('2026-03-07T12:00:00Z'), true)
    assert.deepEqual(cal.toJSON(), { always_open: true })
    assert.deepEqual(new Calendar({ always_open: true }).toJSON(), cal.toJSON())
  })

  const london = { time_zone: 'Europe/London', hours: { mon: ['09:00-17:00'] } }
  const newYork = { time_zone: 'America/New_York', hours: { mon: ['09:00-17:00'] } }
  const monday = ['2026-01-05T00:00:00Z', '2026-01-06T00:00:00Z']

  test('a union is open when any member is open (follow the sun)', () => {
    const forms = {
      'Calendar.union of Calendars': Calendar.union([new Calendar(london), new Calendar(newYork)]),
      'Calendar.union of definitions': Calendar.union([london, newYork]),
      'Calendar.union of both': Calendar.union([new Calendar(london), newYork]),
      'a {union} document': new Calendar({ union: [london, newYork] }),
      'a {union} document with a Calendar': new Calendar({ union: [new Calendar(london), newYork] }),
    }
    for (const [name, cal] of Object.entries(forms)) {
      // London 09:00Z–17:00Z and New York 14:00Z–22:00Z overlap: 09:00Z–22:00Z is 13 h.
      assert.equal(cal.elapsed(...monday), 13 * HOUR, name)
      assert.equal(cal.timeZone, null, name)
      assert.equal(cal.isOpen('2026-01-05T20:00:00Z'), true, name)
      assert.equal(cal.isOpen('2026-01-05T22:00:00Z'), false, name)
      assert.deepEqual(
        cal.openIntervals(...monday).map(([s, e]) => [s.toISOString(), e.toISOString()]),
        [['2026-01-05T09:00:00.000Z', '2026-01-05T22:00:00.000Z']],
        name,
      )
      assert.equal(new Calendar(cal.toJSON()).elapsed(...monday), 13 * HOUR, `${name} round trip`)
    }
  })

  test('a union with an always-open member is always open', () => {
    const cal = Calendar.union([Calendar.alwaysOpen(), new Calendar(london)])
    assert.equal(cal.elapsed(...monday), DAY)
  })
})

// ----------------------------------------------------------------------------------------------
// Laws, over seeded random inputs.
// ----------------------------------------------------------------------------------------------

const LAW_CALENDARS = {
  reference: REFERENCE,
  'lunch breaks, overnight shifts, holidays, overrides (London)': {
    time_zone: 'Europe/London',
    hours: {
      mon: ['09:00-12:00', '13:00-17:30'],
      tue: ['08:00-20:00'],
      wed: ['22:00-06:00'],
      fri: ['09:00-17:00', '22:00-02:00'],
      sun: ['00:00-00:00'],
    },
    holidays: [
      { name: 'Christmas', yearly: '12-25', observed: 'next_weekday' },
      { name: 'Boxing Day', yearly: '12-26', observed: 'next_weekday' },
      { name: 'Good Friday', yearly: { easter: -2 } },
      { name: 'Half day', date: '2026-12-24', hours: '12:00-24:00' },
    ],
    overrides: [{ date: '2026-12-19', hours: ['10:00-14:00'] }],
  },
  'DST on every Sunday early morning (Sydney)': {
    time_zone: 'Australia/Sydney',
    hours: { sun: ['01:00-04:00'], sat: ['00:00-24:00'], wed: ['02:15-02:45'] },
  },
  'union of New York and Tokyo': {
    union: [
      REFERENCE,
      { time_zone: 'Asia/Tokyo', hours: { mon: ['09:00-18:00'], thu: ['09:00-18:00'] } },
    ],
  },
}

describe('laws of business time (seeded random)', () => {
  const FROM = at('2025-06-01T00:00:00Z')
  const SPAN = 2 * 365 * DAY
  const CASES = 300

  for (const [name, definition] of Object.entries(LAW_CALENDARS)) {
    describe(name, () => {
      const cal = new Calendar(definition)
      const seed = 0x5eed + name.length
      const next = random(seed)
      // Instants on a 1-second grid and durations on a 1-minute grid hit interval edges often.
      const instant = () => FROM + Math.floor(next() * (SPAN / 1000)) * 1000
      const duration = () => Math.floor(next() * 60 * 60) * MINUTE

      test('inverse: elapsed(t, add(t, d)) = d and elapsed(sub(t, d), t) = d', () => {
        for (let i = 0; i < CASES; i++) {
          const t = instant()
          const d = duration()
          const later = cal.add(t, d)
          assert.equal(cal.elapsed(t, later), d, `seed ${seed} case ${i}: t=${t} d=${d}`)
          const earlier = cal.sub(t, d)
          assert.equal(cal.elapsed(earlier, t), d, `seed ${seed} case ${i}: t=${t} d=${d}`)
          assert.equal(cal.add(t, -d).getTime(), earlier.getTime())
        }
      })

      test('earliest: add(t, d) for d > 0 is open just before it', () => {
        for (let i = 0; i < CASES; i++) {
          const t = instant()
          const d = duration() + MINUTE
          const u = cal.add(t, d).getTime()
          assert.equal(cal.isOpen(u - 1), true, `seed ${seed} case ${i}: t=${t} d=${d}`)
        }
      })

      test('monotonic: a longer duration never gives an earlier instant', () => {
        for (let i = 0; i < CASES; i++) {
          const t = instant()
          const [d1, d2] = [duration(), duration()].sort((x, y) => x - y)
          assert.ok(cal.add(t, d1) <= cal.add(t, d2), `seed ${seed} case ${i}`)
          const [u1, u2] = [instant(), instant()].sort((x, y) => x - y)
          assert.ok(cal.elapsed(t, u1) <= cal.elapsed(t, u2), `seed ${seed} case ${i}`)
        }
      })

      test('additive: add(add(t, a), b) = add(t, a + b) and elapsed splits at any point', () => {
        for (let i = 0; i < CASES; i++) {
          const t = instant()
          const a = duration()
          const b = duration()
          assert.equal(
            cal.add(cal.add(t, a), b).getTime(),
            cal.add(t, a + b).getTime(),
            `seed ${seed} case ${i}: t=${t} a=${a} b=${b}`,
          )
          const [x, y, z] = [instant(), instant(), instant()]
          assert.equal(cal.elapsed(x, y) + cal.elapsed(y, z), cal.elapsed(x, z), `seed ${seed} case ${i}`)
        }
      })

      test('isOpen agrees with openIntervals, and the intervals sum to elapsed', () => {
        const a = instant()
        const b = a + 30 * DAY
        const intervals = cal.openIntervals(a, b).map(([s, e]) => [s.getTime(), e.getTime()])
        let total = 0
        let previousEnd = -Infinity
        for (const [s, e] of intervals) {
          assert.ok(s < e && s >= a && e <= b && s > previousEnd, `seed ${seed}: ordered, disjoint, clipped`)
          assert.equal(cal.isOpen(s), true)
          assert.equal(cal.isOpen(e - 1), true)
          if (e < b) assert.equal(cal.isOpen(e), false)
          total += e - s
          previousEnd = e
        }
        assert.equal(total, cal.elapsed(a, b))
        const inside = (t) => intervals.some(([s, e]) => s <= t && t < e)
        for (let i = 0; i < CASES; i++) {
          const t = a + Math.floor(next() * (b - a))
          assert.equal(cal.isOpen(t), inside(t), `seed ${seed} case ${i}: t=${t}`)
        }
      })

      test('nextOpen is open and nothing before it is; nextClose is closed', () => {
        for (let i = 0; i < CASES / 3; i++) {
          const t = instant()
          const open = cal.nextOpen(t).getTime()
          assert.ok(open >= t)
          assert.equal(cal.isOpen(open), true)
          assert.equal(cal.elapsed(t, open), 0)
          const close = cal.nextClose(t).getTime()
          assert.ok(close > open)
          assert.equal(cal.isOpen(close), false)
        }
      })
    })
  }
})

describe('addBusinessDays', () => {
  // The example of entitlement-core/tests/business_days.rs: Mon–Fri 09–17 in New York,
  // Thanksgiving (Thu 2026-11-26) closed, the Friday after it a half day.
  const cal = new Calendar({
    time_zone: 'America/New_York',
    hours: REFERENCE.hours,
    holidays: [{ name: 'Thanksgiving', date: '2026-11-26' }],
    overrides: [{ date: '2026-11-27', hours: ['09:00-13:00'] }],
  })

  test('keeps the wall-clock time, skips holidays and ends a shorter day at its close', () => {
    const start = '2026-11-16T13:15:00-05:00'
    const due = cal.addBusinessDays(start, 5)
    assert.ok(due instanceof Date)
    assert.equal(due.getTime(), at('2026-11-23T13:15:00-05:00'))
    assert.equal(cal.elapsed(start, due), 40 * HOUR)
    assert.equal(cal.addBusinessDays('2026-11-25T10:00:00-05:00', 1).getTime(), at('2026-11-27T10:00:00-05:00'))
    assert.equal(cal.addBusinessDays('2026-11-25T15:00:00-05:00', 1).getTime(), at('2026-11-27T13:00:00-05:00'))
    // A Saturday start counts from Monday's opening: due at Monday's close.
    assert.equal(cal.addBusinessDays('2026-11-21T10:00:00-05:00', 1).getTime(), at('2026-11-23T17:00:00-05:00'))
    assert.equal(cal.addBusinessDays('2026-11-21T10:00:00-05:00', 0).getTime(), at('2026-11-21T10:00:00-05:00'))
  })

  test('on a 24×7 calendar a business day is a day', () => {
    const t = at('2026-03-07T02:30:00Z')
    assert.equal(Calendar.alwaysOpen().addBusinessDays(t, 3).getTime(), t + 3 * DAY)
  })

  test('refuses a count that is not a whole number from 0 to 10000', () => {
    for (const days of [-1, 1.5, 10001, Number.NaN, '5']) {
      assert.throws(() => cal.addBusinessDays('2026-11-16T13:00:00Z', days), { code: 'invalid_value' }, String(days))
    }
  })
})
