// A usage file for the generated declarations (index.d.ts): `npm run typecheck` compiles it with
// `tsc --noEmit`. Lines marked @ts-expect-error must stay type errors.

import { Alert, BreachRisk, Calendar, CaseEvaluation, EntitlementUsage, Import, MilestoneStatus, MonitorEvent, MonitorReport, Ruleset, holidays, ics, ledgerMigrations, review, salesforce, servicenow, zendesk } from '..'
import type {
  Channel,
  Delivery,
  LedgerMigration,
  MilestoneOutcome,
  AccountRollup,
  CaseError,
  CasesOptions,
  CheckCode,
  CheckWarning,
  AlertJSON,
  CalendarDefinition,
  CaseEvaluationJSON,
  CaseEvent,
  CaseInput,
  EntitlementStatus,
  EntitlementUsageJSON,
  EmailMessage,
  ImportWarning,
  Instant,
  JiraIssue,
  JsonSchema,
  MilestoneKind,
  MilestoneState,
  MilestoneStatusJSON,
  MonitorEventJSON,
  MonitorEventKind,
  MonitorReportJSON,
  MonitorSettings,
  PagerDutyEvent,
  QuotaCrossing,
  QuotaUse,
  ResultTable,
  RulesDocument,
  SlackBlock,
  SlackMessage,
  SuppressionRule,
  TriggerLevel,
  TriggerStatus,
  WhatIf,
  RulesDiff,
  DeadlineMove,
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
  const dueInDays: Date = ny.addBusinessDays(t, 5)
  void dueInDays
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
  monitor: {
    suppress: {
      while_paused: true,
      agent_activity: '30m',
      activity_events: ['agent_reply', 'status'],
      min_level: { by: 'severity', values: { Sev4: 'critical' }, default: 'info' },
    },
    quota_alerts: [0.8, 1],
    chronic: { exceeded: 2, of_last: 3 },
    war_room_arr: 1_000_000,
    page_oncall_when: { field: 'severity', op: 'in', value: ['Sev1'] },
    at_risk: 0.75,
  },
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
    s.nextTriggerAt, s.next_trigger_at, s.breachedAt, s.breached_at,
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
    const fired: Date | null = t.firedAt
    void [when, level, point, actions, t.crossed, fired]
  }
  const plain: MilestoneStatusJSON = s.toJSON()
  const iso: string | null = plain.target_at
  // @ts-expect-error the wire form is snake_case
  void plain.targetAt
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
  const projected: number = q.projected
  const over: boolean = q.projectedOver
  void [range, qName, q.period, q.maxCases, q.used, q.remaining, projected, over]
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

// ---------------------------------------------------------------------------------------------
// The monitor

const settings: MonitorSettings = { suppress: { min_level: 'warning' }, quota_alerts: [0.5] }
void settings

const report: MonitorReport = rules.monitor([supportCase, pinned], new Date(), '2026-11-25T20:15:00Z')
const firstRun: MonitorReport = rules.monitor([supportCase], Date.now())
const explicitNull: MonitorReport = rules.monitor([supportCase], Date.now(), null)
const runAt: Date = report.now
const since: Date | null = report.since
// One Arrow layout per result, as IPC bytes.
const statusTable: Uint8Array = report.toArrow('statuses')
const eventTable: Uint8Array = report.toArrow()
const tableName: ResultTable = 'accounts'
const arrowStatuses: Uint8Array = rules.evaluateArrow([supportCase], new Date())
const arrowEvents: Uint8Array = rules.monitorArrow([supportCase], new Date(), null)
// @ts-expect-error: not a table of the report
report.toArrow('cases')
void [firstRun, explicitNull, runAt, since]

const monitorEvents: MonitorEvent[] = report.events
for (const e of monitorEvents) {
  const key: string = e.key
  const kind: MonitorEventKind = e.kind
  const level: TriggerLevel = e.level
  const when: Date = e.at
  const caseIds: Array<string | null> = [e.caseId, e.case_id]
  const names: Array<string | null> = [e.entitlement, e.process, e.milestone, e.point]
  const instance: number | null = e.instance
  const actions: string[] = e.actions
  const status: MilestoneStatus | null = e.status
  const quota: QuotaCrossing | null = e.quota
  if (quota !== null) {
    const crossing: [number, number, number, string | null] = [quota.fraction, quota.used, quota.maxCases, quota.periodStart]
    void crossing
  }
  const account: Record<string, unknown> = e.account
  const held: boolean = e.suppressed
  const rule: SuppressionRule | null = e.suppressedBy
  const plain: MonitorEventJSON = e.toJSON()
  void [key, kind, level, when, caseIds, names, instance, actions, status?.targetAt, account, held, rule, plain]
}

const alerts: Alert[] = report.alerts
for (const a of alerts) {
  const text: string[] = [a.key, a.title, a.summary]
  const kind: MonitorEventKind = a.kind
  const level: TriggerLevel = a.level
  const when: Date = a.at
  const ids: Array<string | null> = [a.caseId, a.entitlement, a.milestone, a.accountId, a.accountName]
  const passedThrough: unknown[] = [a.arr, a.renewalDate, a.executiveSponsor, a.csm, a.contacts]
  const account: Record<string, unknown> = a.account
  const deadline: Date | null = a.deadlineUtc
  const local: string | null = a.deadlineLocal
  const zone: string | null = a.timeZone
  const left: Array<number | null> = [a.businessLeft, a.wallLeft]
  const actions: string[] = a.actions
  const slack: SlackMessage = a.slackBlocks()
  const blocks: SlackBlock[] = slack.blocks
  for (const b of blocks) {
    if (b.type === 'header') {
      const title: string = b.text.text
      void title
    }
  }
  const email: EmailMessage = a.email()
  const subject: string = email.subject
  const jira: JiraIssue = a.jiraIssue('SUP')
  const incident: JiraIssue = a.jiraIssue('OPS', 'Incident')
  const summary: string = jira.fields.summary
  const adf: 'doc' = jira.fields.description.type
  const page: PagerDutyEvent = a.pagerdutyEvent('R0UTINGKEY')
  const severity: 'critical' | 'error' | 'warning' | 'info' = page.payload.severity
  const plain: AlertJSON = a.toJSON()
  void [text, kind, level, when, ids, passedThrough, account, deadline, local, zone, left, actions, subject, incident, summary, adf, severity, plain]
}

const open: MilestoneStatus[] = report.statuses
const evaluations: CaseEvaluation[] = report.cases
const accounts: AccountRollup[] = report.accounts
for (const a of accounts) {
  const id: string = a.accountId
  const attainment: Array<number | null> = a.processes.flatMap((p) => p.milestones.map((m) => m.attainment))
  const counts: number[] = [a.cases, a.breaches, a.nearMisses, a.atRisk]
  const usage: Array<Omit<EntitlementUsage, 'toJSON'>> = a.usage
  const used: number[] = usage.map((u) => u.casesUsed)
  void used
  const flags: boolean[] = [a.projectedOver, a.chronicOverConsumer]
  const periods: string[] = a.overQuotaPeriods.map((o) => o.periodStart)
  void [id, attainment, counts, usage, flags, periods, a.arr, a.renewalDate, a.name]
}
const reportJson: MonitorReportJSON = report.toJSON()
const wireUsage: EntitlementUsageJSON[] = reportJson.accounts.flatMap((x) => x.usage)
const wireUsed: number[] = wireUsage.map((u) => u.cases_used)
const atRiskJson: MilestoneStatusJSON[] = reportJson.at_risk
void [wireUsed, atRiskJson]
void [open, evaluations, reportJson, JSON.stringify(report)]

const whatIf: WhatIf = rules.whatIf(loaded, [supportCase, pinned], new Date())
for (const row of whatIf.rows) {
  const delta: number | null = row.proposed.attainment
  void [row.milestone, row.current.met, delta]
}
for (const change of whatIf.changes) {
  const states: Array<MilestoneState | null> = [change.current, change.proposed]
  void [change.caseId, change.instance, states]
}

const diff: RulesDiff = rules.diff(loaded, { cases: [supportCase], now: new Date() })
const changed: boolean = diff.hasChanges
for (const c of diff.changes) void [c.kind, c.path, c.before, c.after, c.message]
const moves: DeadlineMove[] = diff.deadlines
for (const m of moves) {
  const at: Date | null = m.newTargetAt
  const ms: number | null = m.delta
  void [m.caseId, m.milestone, m.change, at, ms]
}
void [changed, rules.diff(loaded), diff.errors.map((e) => e.side)]

// @ts-expect-error: monitor takes a list of cases
rules.monitor(supportCase, new Date())
// @ts-expect-error: since is an instant
rules.monitor([supportCase], new Date(), { since: 'yesterday' })
// @ts-expect-error: the proposed rules are a Ruleset, not a document
rules.whatIf(document, [supportCase], new Date())
// @ts-expect-error: the lists are read-only
report.events = []
// @ts-expect-error: a Jira project key is a string
alerts[0].jiraIssue(7)
// Deliveries, outcomes and the ledger's schema.
const delivery: Delivery = alerts[0].deliveries[0]
const channel: Channel = delivery.channel
const automated: boolean = delivery.automated
const invite: string[] = delivery.invite
const outcome: MilestoneOutcome = report.outcomes()[0]
const outcomeName: 'met' | 'late' | 'violated' | 'open' = outcome.outcome
const marginMs: number | null = outcome.marginWall
const startedAt: Date | null = outcome.startedAt
const migrations: LedgerMigration[] = ledgerMigrations()
const sql: string = migrations[0].sql
void [channel, automated, invite, outcomeName, marginMs, startedAt, sql]
Ruleset.fromObject({ monitor: { automate: ['raise_priority'], raise_priority: 'Urgent', currency: 'EUR' } })
// @ts-expect-error: the channels are a closed set
const wrongChannel: Channel = 'email'
void wrongChannel
// @ts-expect-error: event kinds are a closed set
const wrongKind: MonitorEventKind = 'sla'
// @ts-expect-error: an unknown suppression rule
Ruleset.fromObject({ monitor: { suppress: { when_quiet: true } } })
// @ts-expect-error: renderers return the vendors' keys, not camelCase
void alerts[0].pagerdutyEvent('k').routingKey
void wrongKind

// The zendesk importer namespace.
const zdHours: Import = zendesk.schedules({ schedules: [] }, { '1': { holidays: [] } })
const zdRules: Import = zendesk.slaPolicies({ sla_policies: [] }, { schedule: 'Support' })
const zdZone: string = zendesk.railsTimeZone('Eastern Time (US & Canada)')
void zdHours.merge(zdRules).ruleset()
void zdZone
// iCalendar feeds: the source is text, a Buffer or {path}.
const feedImport: Import = ics.holidays('BEGIN:VCALENDAR\nEND:VCALENDAR\n', { timeZone: 'UTC' })
void ics.calendar({ path: 'feed.ics' }, { name: 'support', timeZone: 'UTC', hours: { mon: ['09:00-17:00'] } })
void ics.calendar(new Uint8Array(0), { name: 'x', timeZone: 'UTC', hours: {}, holidays: [{ name: 'H', date: '2026-01-01' }] })
void feedImport
// @ts-expect-error: the time zone is required
ics.holidays('', {})

// The servicenow importer namespace: Table API bodies (or lists of rows) in.
const snHours: Import = servicenow.schedules({ result: [] }, [], { otherSchedules: [], timeZone: { 'Ops floating': 'Asia/Tokyo' } })
const snSlas: Import = servicenow.slaDefinitions({ result: [] }, { schedules: [] })
const snCases: Import = servicenow.cases([], { audit: { result: [] }, history: [], slaDefinitions: [], table: 'incident' })
void [snHours, snSlas, snCases, servicenow.schedules([], [], { timeZone: 'UTC' })]

// The salesforce importer namespace: SOQL results in, a folder or files of metadata XML.
const sfHours: Import = salesforce.businessHours({ records: [] }, { 'Support NY': { records: [] } })
const sfProcesses: Import = salesforce.entitlementProcesses('force-app/main/default')
void salesforce.entitlementProcesses({ 'gold.entitlementProcess-meta.xml': '<EntitlementProcess/>', 'First Response.milestoneType': new Uint8Array(0) })
const sfContracts: Import = salesforce.entitlements([], { slaProcesses: [], businessHours: null })
const sfCases: Import = salesforce.cases({ records: [] }, { history: [], milestones: [], closedStatuses: ['Closed', 'Cancelled'] })
const completion: string = salesforce.completedEvent('First Response')
void sfHours.merge(sfProcesses).merge(sfContracts).ruleset()
void sfCases.document.cases
void completion
void salesforce.startedEvent('Next Response')
// @ts-expect-error: closed statuses are a list
salesforce.cases([], { closedStatuses: 'Closed' })

// Checks: plain objects with a code of the documented names.
const checkWarnings: CheckWarning[] = new Ruleset({}).check({ now: new Date() })
const checkCode: CheckCode | undefined = checkWarnings[0]?.code
void checkCode
void new Ruleset({}).check()
void checkWarnings.map((w) => `${w.path}: ${w.message}`)
// @ts-expect-error: not a check code
const notACode: CheckCode = 'typo'
void notACode
// @ts-expect-error: options are an object
new Ruleset({}).check('2026-11-25T20:30:00Z')
// Breach risk: plain objects.
// A CaseError per case left out follows the risks: narrowed by `'code' in r`.
const risksAndErrors: Array<BreachRisk | CaseError> = new Ruleset({}).breachRisk([], new Date())
const risks: BreachRisk[] = risksAndErrors.filter((r): r is BreachRisk => !('code' in r))
const leftOut: CaseError[] = risksAndErrors.filter((r): r is CaseError => 'code' in r)
const why: string[] = leftOut.map((e) => `${e.caseId ?? `#${e.index}`} ${e.path}: ${e.code} ${e.message}`)
void why
const firstRisk: number | null | undefined = risks[0]?.probability
void firstRisk
// Every import reports what it could represent but must still tell: record, field, message.
const importWarnings: ImportWarning[] = zdRules.warnings
for (const w of importWarnings) {
  const where: string = `${w.record}: ${w.field}: ${w.message}`
  void where
}
// @ts-expect-error: warnings are read-only
zdRules.warnings = []
// Batches: the result has the kind of the starts.
const batchCal = new Calendar({ time_zone: 'UTC', hours: { mon: ['09:00-17:00'] } })
const dueMs: Float64Array = batchCal.addMany(new Float64Array([0]), 3600e3)
const dueUs: BigInt64Array = batchCal.addMany(new BigInt64Array([0n]), new BigInt64Array([1n]))
const dueDates: Date[] = batchCal.addMany([new Date(), '2026-03-06T16:00:00Z', 0], [3600e3, 0, 1])
const spentMs: Float64Array = batchCal.elapsedMany(new Float64Array([0]), new Float64Array([1]))
const spent: number[] = batchCal.elapsedMany([new Date()], [new Date()])
// One entry per case: its statuses, or its CaseError (narrowed by Array.isArray).
const options: CasesOptions = { onError: 'collect' }
const entries: Array<MilestoneStatus[] | CaseError> = Ruleset.fromObject({}).evaluateMany([], new Date(), options)
const perCase: MilestoneStatus[][] = entries.filter((e): e is MilestoneStatus[] => Array.isArray(e))
const reportErrors: CaseError[] = Ruleset.fromObject({}).monitor([], new Date(), null, { onError: 'raise' }).errors
void reportErrors
// @ts-expect-error: onError is 'collect' or 'raise'
Ruleset.fromObject({}).monitor([], new Date(), null, { onError: 'ignore' })
void [dueMs, dueUs, dueDates, spentMs, spent, perCase]
// @ts-expect-error: a Float64Array in gives a Float64Array out, not Dates
const wrongBatch: Date[] = batchCal.addMany(new Float64Array([0]), 0)
void wrongBatch

// The exports (docs/export.md): each returns its files as path to text.
const exportRules = Ruleset.fromObject({ calendars: { '24x7': { always_open: true } } })
const sfFiles: Record<string, string> = salesforce.exportRules(exportRules)
const zdFiles: Record<string, string> = zendesk.exportRules(exportRules, { expandHolidays: [2027, 2028] })
const reviewPage: string | undefined = review.exportRules(exportRules)['review.md']
void [sfFiles, zdFiles, reviewPage]
// @ts-expect-error: the years are numbers
zendesk.exportRules(exportRules, { expandHolidays: ['2027'] })

// Built-in public holidays: lookups, the document entry, and the list of countries.
const bavaria: holidays.CountryHolidays = holidays.country('DE', 'BY')
const isHoliday: boolean = bavaria.has('2026-01-06')
const holidayName: string | null = bavaria.get('2026-01-06')
const december: holidays.HolidayDay[] = bavaria.between('2026-12-01', '2026-12-31')
const entry: { country: string; subdivision?: string } = bavaria.toJSON()
const withCountry = Calendar.fromObject({ timeZone: 'Europe/Berlin', hours: { mon: ['09:00-17:00'] }, holidays: [entry] })
const countryCodes: string[] = holidays.available().map((c: holidays.CountryInfo) => c.code)
void [isHoliday, holidayName, december, withCountry, countryCodes, bavaria.year(2026), bavaria.names('2026-01-06')]
// @ts-expect-error: dates are 'YYYY-MM-DD' strings
bavaria.has(new Date())
