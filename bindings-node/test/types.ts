// A usage file for the generated declarations (index.d.ts): `npm run typecheck` compiles it with
// `tsc --noEmit`. Lines marked @ts-expect-error must stay type errors.

import { Calendar, CaseEvaluation, EntitlementUsage, MilestoneStatus, Ruleset } from '..'
import type {
  CalendarDefinition,
  CaseEvaluationJSON,
  CaseEvent,
  CaseInput,
  EntitlementStatus,
  EntitlementUsageJSON,
  Instant,
  JsonSchema,
  MilestoneKind,
  MilestoneState,
  MilestoneStatusJSON,
  QuotaUse,
  RulesDocument,
  TriggerLevel,
  TriggerStatus,
} from '..'

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

// ---------------------------------------------------------------------------------------------
// Rules

const document: RulesDocument = {
  calendars: {
    ny: definition,
    london: { time_zone: 'Europe/London', hours: { mon: ['09:00-17:30'] } },
    sun: { union: ['ny', 'london', { always_open: true }] },
    given: ny,
    '24x7': { always_open: true },
  },
  processes: [
    {
      id: 'gold',
      name: 'Gold Support',
      version: 1,
      default: true,
      calendar: 'ny',
      pause_statuses: ['Waiting on Customer'],
      exit_statuses: ['Closed'],
      milestones: [
        {
          name: 'First Response',
          kind: 'first_response',
          calendar: '24x7',
          target: { by: 'severity', values: { Sev1: '15m', Sev2: '1h' }, default: '4h' },
          triggers: [
            { at: '50%', level: 'warning', actions: ['notify_owner'] },
            { at: '-5m', level: 'critical' },
          ],
        },
        {
          name: 'Diagnosis',
          kind: 'custom',
          starts_on: ['created'],
          completes_on: ['diagnosed'],
          when: { any: [{ field: 'severity', op: 'in', value: ['Sev1'] }, { not: { field: 'tier', op: 'exists' } }] },
          target: '4h',
        },
        { name: 'Next Response', kind: 'next_response', recurrence: 'independent', target: 'PT2H' },
        { name: 'Resolution', kind: 'resolution', target: '40h', pause_statuses: ['On Hold'] },
      ],
    },
  ],
  entitlements: [
    {
      id: 'acme-gold',
      process: { id: 'gold', version: 1 },
      account: { id: 'A-1', name: 'Acme', arr: 1200000, csm: { name: 'Lee Park' } },
      start_date: '2026-01-01',
      end_date: '2026-12-31',
      cases_per_entitlement: 50,
      quotas: [
        { period: 'quarter', max_cases: 20 },
        { period: 'month', max_cases: 3, where: { field: 'severity', op: 'eq', value: 'Sev1' } },
      ],
    },
    { id: 'other', process: 'gold' },
  ],
}

const rules: Ruleset = Ruleset.fromObject(document)
const same: Ruleset = new Ruleset(document)
const loaded: Ruleset = Ruleset.load('examples/data/rules.yaml')
const texts: Ruleset[] = [Ruleset.fromJson('{}'), Ruleset.fromYaml('processes: []'), Ruleset.fromToml('')]
const schema: JsonSchema = Ruleset.schema()
const back: RulesDocument = rules.toObject()
void [same, loaded, texts, schema, back, JSON.stringify(rules)]

const events: CaseEvent[] = [
  { at: '2026-11-20T14:10:00Z', type: 'agent_reply' },
  { at: new Date(), type: 'status', to: 'Waiting on Customer', from: 'New' },
  { at: Date.now(), type: 'field', field: 'severity', from: 'Sev2', to: 'Sev1' },
  { at: '2026-11-21T12:00:00Z', type: 'diagnosed', id: 'evt-7', meta: { source: 'zendesk' } },
]
const supportCase: CaseInput = {
  id: 'C-1',
  entitlement: 'acme-gold',
  created_at: new Date('2026-11-20T14:00:00Z'),
  fields: { severity: 'Sev1', status: 'New', due: new Date(), score: 3, vip: true, owner: null },
  events,
}
const pinned: CaseInput = { id: 7, process: { id: 'gold', version: 1 }, created_at: 1763647200000 }

const statuses: MilestoneStatus[] = rules.evaluate(supportCase, new Date())
for (const s of statuses) {
  const caseId: string = s.caseId
  const alias: string = s.case_id
  const name: string = s.milestone
  const kind: MilestoneKind = s.kind
  const instance: number = s.instance
  const state: MilestoneState = s.state
  const calendar: string | null = s.calendar
  const instants: Array<Date | null> = [
    s.startedAt, s.started_at, s.targetAt, s.target_at, s.completedAt, s.completed_at,
    s.nextTriggerAt, s.next_trigger_at,
  ]
  const target: number | null = s.target
  const elapsed: number = s.elapsed + s.paused
  const remaining: number | null = s.remaining
  const consumed: number | null = s.consumed
  const crossed: TriggerLevel[] = s.crossed
  const triggers: TriggerStatus[] = s.triggers
  for (const t of triggers) {
    const when: Date = t.at
    const level: TriggerLevel = t.level
    const point: string = t.point
    const actions: string[] = t.actions
    void [when, level, point, actions, t.crossed]
  }
  const plain: MilestoneStatusJSON = s.toJSON()
  const iso: string | null = plain.targetAt
  if (state === 'violated' && s.targetAt !== null) {
    s.targetAt.getTime()
  }
  void [caseId, alias, name, kind, instance, calendar, instants, target, elapsed, remaining, consumed, crossed, iso]
}

const evaluation: CaseEvaluation = rules.evaluateCase(pinned, '2026-11-25T20:30:00Z')
const status: EntitlementStatus = evaluation.entitlementStatus
const covered: boolean = evaluation.covered
const reason: string | null = evaluation.reason
const version: number | null = evaluation.processVersion
const account: Record<string, unknown> = evaluation.account
const milestones: MilestoneStatus[] = evaluation.milestones
const evaluationJson: CaseEvaluationJSON = evaluation.toJSON()
void [status, covered, reason, version, account, milestones, evaluationJson, evaluation.process, evaluation.entitlement]

const usage: EntitlementUsage = rules.entitlementUsage('acme-gold', [supportCase, pinned], Date.now())
const used: number = usage.casesUsed
const allowance: number | null = usage.casesPerEntitlement
const left: number | null = usage.casesRemaining
const quotas: QuotaUse[] = usage.quotas
for (const q of quotas) {
  const range: string = `${q.periodStart}..${q.periodEnd}`
  const qName: string | null = q.name
  void [range, qName, q.period, q.maxCases, q.used, q.remaining]
}
const usageJson: EntitlementUsageJSON = usage.toJSON()
void [used, allowance, left, usageJson, usage.status, usage.entitlement]

// @ts-expect-error: a case needs created_at
rules.evaluate({ id: 'C-2' }, new Date())
// @ts-expect-error: an instant is a Date, a string or a number
rules.evaluate({ id: 'C-3', created_at: {} }, new Date())
// @ts-expect-error: now is an instant
rules.evaluate(supportCase, { at: 'now' })
// @ts-expect-error: an unknown milestone kind
Ruleset.fromObject({ processes: [{ id: 'p', milestones: [{ name: 'A', kind: 'second_response', target: '1h' }] }] })
// @ts-expect-error: an unknown trigger level
Ruleset.fromObject({ processes: [{ id: 'p', milestones: [{ name: 'A', kind: 'resolution', target: '1h', triggers: [{ at: '50%', level: 'loud' }] }] }] })
// @ts-expect-error: states are a closed set
const wrongState: MilestoneState = 'breached'
// @ts-expect-error: results are read-only
statuses[0].state = 'completed'
// @ts-expect-error: the alias is read-only too
statuses[0].target_at = new Date()
// @ts-expect-error: entitlementUsage takes a list of cases
rules.entitlementUsage('acme-gold', supportCase, new Date())
void wrongState
