// A usage file for the generated declarations (index.d.ts): `npm run typecheck` compiles it with
// `tsc --noEmit`. Lines marked @ts-expect-error must stay type errors.

import { Calendar } from '..'
import type { CalendarDefinition, Instant } from '..'

const definition: CalendarDefinition = {
  time_zone: 'America/New_York',
  hours: { mon: ['09:00-17:00'], fri: ['09:00-17:00', '22:00-06:00'] },
  holidays: [
    { name: 'Spring closure', date: '2026-03-09' },
    { name: 'Shutdown', from: '2026-12-28', to: '2026-12-31' },
    { name: 'Christmas Eve', date: '2026-12-24', hours: '12:00-24:00' },
    { name: 'Independence Day', yearly: '07-04', observed: 'nearest_weekday' },
    { name: 'Thanksgiving', yearly: { month: 11, weekday: 'thu', nth: 4 } },
    { name: 'Good Friday', yearly: { easter: -2 } },
    { name: 'Boxing Day', yearly: { month: 12, day: 26 }, observed: 'next_weekday' },
  ],
  overrides: [{ date: '2026-12-26', hours: ['10:00-14:00'] }],
}

const ny: Calendar = new Calendar(definition)
const london: Calendar = Calendar.fromObject({ timeZone: 'Europe/London', hours: { mon: ['09:00-17:00'] } })
const always: Calendar = Calendar.alwaysOpen()
const sun: Calendar = Calendar.union([ny, london, { always_open: true }])
const documentUnion = new Calendar({ union: [ny, { time_zone: 'Asia/Tokyo', hours: {} }] })

const inputs: Instant[] = [new Date(), '2026-03-06T16:00:00-05:00', Date.now()]
for (const t of inputs) {
  const due: Date = ny.add(t, 8 * 3600e3)
  const before: Date = ny.sub(t, 0.5)
  const ms: number = ny.elapsed(t, due)
  const open: boolean = ny.isOpen(before)
  const next: Date = sun.nextOpen(t)
  const close: Date = always.nextClose(t)
  const intervals: Array<[Date, Date]> = documentUnion.openIntervals(t, due)
  for (const [start, end] of intervals) {
    start.getTime() < end.getTime()
  }
  void [ms, open, next, close]
}

const zone: string | null = ny.timeZone
const json: CalendarDefinition = ny.toJSON()
void [zone, json, JSON.stringify(london)]

let message = ''
try {
  ny.add('2026-03-06T16:00:00', 1)
} catch (err) {
  if (err instanceof Error && 'code' in err && err.code === 'naive_datetime') {
    message = err.message
  }
}
void message

// @ts-expect-error: durations are milliseconds, not strings
ny.add(new Date(), '4h')
// @ts-expect-error: an instant is a Date, a string or a number
ny.isOpen({})
// @ts-expect-error: unknown weekday key
new Calendar({ time_zone: 'UTC', hours: { monday: ['09:00-17:00'] } })
// @ts-expect-error: the time zone is read-only
ny.timeZone = 'UTC'
// @ts-expect-error: union takes a list
Calendar.union(ny)
