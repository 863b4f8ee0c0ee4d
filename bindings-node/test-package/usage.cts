// Type-checked in the scratch project with module resolution node16 (scripts/test_pack.sh):
// the `require` condition of `exports` must lead to index.d.ts.
import entitlement = require('entitlement')

const cal: entitlement.Calendar = new entitlement.Calendar({ time_zone: 'Europe/London', hours: { mon: ['09:00-17:00'] } })
const due: Date = cal.add(new Date(), 3600e3)
const ms: number = cal.elapsed(due, '2026-01-01T00:00:00Z')
// @ts-expect-error durations are numbers of milliseconds
cal.add(new Date(), '1h')
void ms
