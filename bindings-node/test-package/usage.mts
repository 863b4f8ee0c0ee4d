// Type-checked with module resolution node16: the `import` condition must lead to index.d.mts.
import entitlement, { Calendar, Ruleset, type MilestoneStatus, type RulesDocument } from 'entitlement'

const doc: RulesDocument = {
  calendars: { '24x7': { always_open: true } },
  processes: [{ id: 'p', calendar: '24x7', milestones: [{ name: 'First Response', kind: 'first_response', target: '1h' }] }],
}
const rules: Ruleset = Ruleset.fromObject(doc)
const statuses: MilestoneStatus[] = rules.evaluate({ id: 'C-1', process: 'p', created_at: new Date(), fields: {}, events: [] }, new Date())
const same: typeof Calendar = entitlement.Calendar
// @ts-expect-error there is no such export
import('entitlement').then((m) => m.NoSuchThing)
void [statuses, same]
