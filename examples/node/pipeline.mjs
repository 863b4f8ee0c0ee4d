// One run of the monitor job, delivered exactly once across crashes (docs/deployment.md):
//
// 1. migrate the ledger; `since` is the last finished run's `now` (none: `now - lookback`); a run
//    whose `now` is not after it (a manual or backfill run) records itself as `skipped` and only
//    works off the outbox;
// 2. monitor `(since, now]` over the cases;
// 3. in one transaction: the run, every event, a delivery row per (alert, channel) (`pending`, or
//    `dry_run` when the action is not in `monitor.automate`), a PagerDuty `resolve` row per
//    completion of a paged milestone, and every milestone outcome;
// 4. work the outbox, oldest first: count the attempt (committed), ask the channel whether an
//    earlier attempt already got through (only when this is not the first), send, mark `sent`
//    (or `failed`, kept for the next runs up to `maxAttempts`);
// 5. finish the run.
//
// The Python job (`entitlement.pipeline`) runs the same algorithm on the same schema.

import { randomUUID } from 'node:crypto'

import { backoffMs, instantText, parseInstant } from './ledger.mjs'
import { casePriority, setCasePriority } from './salesforce.mjs'

export const DEFAULTS = {
  job: 'entitlement',
  lookbackMs: 3_600_000,
  maxAttempts: 8,
  retryBaseMs: 1000,
  maxTries: 5,
  maxRetryAfterSeconds: 60,
  slackChannel: '#support-sla',
  jiraIssueType: 'Task',
  slackApiUrl: 'https://slack.com/api/',
  pagerdutyEventsUrl: 'https://events.pagerduty.com/v2/enqueue',
  requestTimeoutMs: 30_000,
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** At most this many pages of a listing (Slack history, channel list): a bound on one lookup. */
const MAX_PAGES = 100

// ---------------------------------------------------------------------------------------------
// Errors and retries

/** A failed call to a service: `transient` ones are retried, with `retryAfter` seconds if given. */
export class ServiceError extends Error {
  constructor(message, { transient = false, retryAfter = null, status = null } = {}) {
    super(message)
    this.name = 'ServiceError'
    this.transient = transient
    this.retryAfter = retryAfter
    this.status = status
  }
}

// REQUEST_LIMIT_EXCEEDED is also the concurrent-request limit, which clears in seconds.
const TRANSIENT_SALESFORCE = new Set(['SERVER_UNAVAILABLE', 'UNABLE_TO_LOCK_ROW', 'REQUEST_RUNNING_TOO_LONG', 'REQUEST_LIMIT_EXCEEDED'])

/** Whether an error of a service call is worth another try, and after how long if it says so. */
export function classify(err) {
  if (err instanceof ServiceError) return { transient: err.transient, retryAfter: err.retryAfter }
  // @slack/web-api (configured to reject rate-limited calls instead of waiting by itself).
  switch (err?.code) {
    case 'slack_webapi_rate_limited_error':
      return { transient: true, retryAfter: err.retryAfter ?? null }
    case 'slack_webapi_http_error':
      return { transient: err.statusCode >= 500 || err.statusCode === 429, retryAfter: null }
    case 'slack_webapi_request_error':
      return { transient: true, retryAfter: null }
    case 'slack_webapi_platform_error':
      return { transient: err.data?.error === 'ratelimited' || err.data?.error === 'internal_error' || err.data?.error === 'fatal_error', retryAfter: null }
    default:
  }
  if (typeof err?.message === 'string' && err.message.startsWith('Retry header did not contain a valid timeout')) return { transient: true, retryAfter: null }
  // jsforce: HTTP errors carry the Salesforce errorCode, or ERROR_HTTP_<status> without one.
  if (typeof err?.errorCode === 'string') {
    const http = /^ERROR_HTTP_(\d{3})$/.exec(err.errorCode)
    if (http) return { transient: Number(http[1]) >= 500 || Number(http[1]) === 429, retryAfter: null }
    return { transient: TRANSIENT_SALESFORCE.has(err.errorCode), retryAfter: null }
  }
  // A connection refused or reset, a DNS failure, a timeout (fetch and node-fetch).
  if (err?.name === 'FetchError' || err?.name === 'TimeoutError' || err?.name === 'AbortError') return { transient: true, retryAfter: null }
  if (err instanceof TypeError && /fetch failed/.test(err.message)) return { transient: true, retryAfter: null }
  if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN'].includes(err?.code ?? err?.cause?.code)) return { transient: true, retryAfter: null }
  return { transient: false, retryAfter: null }
}

/** The text of an error for the log and the ledger (never a token: services do not echo them). */
export function describe(err) {
  if (err?.code === 'slack_webapi_platform_error') return `Slack: ${err.data?.error ?? err.message}`
  if (err?.code === 'slack_webapi_http_error') return `Slack: HTTP ${err.statusCode}`
  if (err?.code === 'slack_webapi_rate_limited_error') return `Slack: rate limited (Retry-After ${err.retryAfter} s)`
  const cause = err?.cause?.code ?? err?.cause?.message
  return `${err?.message ?? String(err)}${cause ? ` (${cause})` : ''}`.slice(0, 2000)
}

/**
 * Calls `call` up to `maxTries` times: a 429 waits its Retry-After (capped), a 5xx or a
 * connection error waits `base * 2^(try-1)` with jitter; anything else fails at once.
 */
export async function withRetries(what, call, { retryBaseMs = DEFAULTS.retryBaseMs, maxTries = DEFAULTS.maxTries, log = () => {} } = {}) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call()
    } catch (err) {
      const { transient, retryAfter } = classify(err)
      if (!transient || attempt >= maxTries) throw err
      const wait = retryAfter !== null && Number.isFinite(retryAfter) && retryAfter >= 0 ? Math.min(retryAfter, DEFAULTS.maxRetryAfterSeconds) * 1000 : backoffMs(attempt, retryBaseMs)
      log(`${what}: ${describe(err)}; try ${attempt + 1} of ${maxTries} in ${(wait / 1000).toFixed(2)} s`)
      await sleep(wait)
    }
  }
}

/** `fetch` as the channels use it: JSON in and out, a timeout, HTTP errors as ServiceError. */
export async function fetchJson(service, url, { method = 'GET', headers = {}, body, timeoutMs = DEFAULTS.requestTimeoutMs } = {}) {
  const response = await fetch(url, {
    method,
    headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
    redirect: 'error',
  })
  const text = await response.text()
  if (!response.ok) {
    const header = response.headers.get('retry-after')
    const retryAfter = header !== null && /^\s*\d+(\.\d+)?\s*$/.test(header) ? Number(header) : null
    throw new ServiceError(`${service}: HTTP ${response.status} ${text.slice(0, 300)}`.trim(), {
      transient: response.status === 429 || response.status >= 500,
      retryAfter: response.status === 429 ? retryAfter : null,
      status: response.status,
    })
  }
  if (text === '') return null
  try {
    return JSON.parse(text)
  } catch {
    throw new ServiceError(`${service}: the answer is not JSON: ${text.slice(0, 200)}`)
  }
}

const notConfigured = (what, variables) => new ServiceError(`${what} is not configured: set ${variables}`)

// ---------------------------------------------------------------------------------------------
// Time

let lastMicros = 0

/**
 * The wall clock as a ledger instant, strictly increasing within the process, so that rows
 * written in one transaction keep their order in the outbox (`ORDER BY created_at`).
 */
export function clock() {
  lastMicros = Math.max(Date.now() * 1000, lastMicros + 1)
  const ms = Math.floor(lastMicros / 1000)
  const micros = String(lastMicros % 1000).padStart(3, '0')
  return `${new Date(ms).toISOString().slice(0, -1)}${micros}Z`
}

/** Seconds as the ledger stores durations: whole, truncated toward zero (never -0). */
const seconds = (ms) => (ms === null || ms === undefined ? null : Math.trunc(ms / 1000) || 0)

/** `1h`, `90m`, `1h30m`, `3600s`, `2d`: a duration in milliseconds, else null. */
export function parseDuration(text) {
  const m = /^\s*(?:(\d+)d)?\s*(?:(\d+)h)?\s*(?:(\d+)m)?\s*(?:(\d+)s)?\s*$/i.exec(String(text))
  if (!m || m.slice(1).every((part) => part === undefined)) return null
  const [d, h, min, s] = m.slice(1).map((part) => Number(part ?? 0))
  return (((d * 24 + h) * 60 + min) * 60 + s) * 1000
}

// ---------------------------------------------------------------------------------------------
// Payloads: what each channel is sent, stored in the delivery row before anything is sent.

const metadata = (key, channel) => ({ event_type: 'entitlement_alert', event_payload: { key, channel } })

/** A person of the account context (a name, or `{name, email, ...}`) as a name. */
const person = (value) => {
  if (typeof value === 'string') return value
  if (value !== null && typeof value === 'object' && value.name) return String(value.name)
  return null
}

/** Text for a Slack mrkdwn field: bounded, with `&`, `<` and `>` escaped as Slack wants. */
const mrkdwn = (text) => String(text).slice(0, 500).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** The war room's pinned context: the alert, then the account, its ARR, renewal, sponsor, CSM. */
function warRoomMessage(alert) {
  const slack = alert.slackBlocks()
  const facts = [
    ['Account', alert.accountName ?? alert.accountId],
    ['ARR', alert.arrText],
    ['Renewal', alert.renewalDate],
    ['Executive sponsor', person(alert.executiveSponsor)],
    ['CSM', person(alert.csm)],
  ]
  const text = facts
    .filter(([, value]) => value !== null && value !== undefined && value !== '')
    .map(([label, value]) => `*${label}:* ${mrkdwn(value)}`)
    .join('\n')
  const blocks = [...slack.blocks]
  if (text) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: text.slice(0, 3000) } })
  return { text: slack.text, blocks }
}

/**
 * The payload of one of an alert's deliveries (`alert.deliveries`): what is recorded and later
 * sent, in the same shapes as the Python job's, so either job can work off the other's outbox.
 */
export function payloadOf(alert, delivery, config) {
  switch (delivery.channel) {
    case 'slack':
      // The channel and the metadata carrying the key are added when sending.
      return alert.slackBlocks()
    case 'war_room':
      return { name: delivery.target, invite: delivery.invite ?? [], ...warRoomMessage(alert) }
    case 'jira': {
      const issue = alert.jiraIssue(config.jiraProject ?? 'UNSET', config.jiraIssueType ?? DEFAULTS.jiraIssueType)
      const labels = Array.isArray(issue.fields.labels) ? issue.fields.labels : []
      issue.fields.labels = labels.includes(delivery.dedupe) ? labels : [...labels, delivery.dedupe]
      return issue
    }
    case 'pagerduty': {
      // The routing key is a secret: it is added when sending, never stored.
      const { routing_key: _secret, ...event } = alert.pagerdutyEvent('')
      return delivery.dedupe ? { ...event, dedup_key: delivery.dedupe } : event
    }
    case 'salesforce':
      return { Priority: delivery.target }
    default:
      return {}
  }
}

/** What a dry-run delivery would have done, for the log. */
function wouldDo(row, payload) {
  switch (row.channel) {
    case 'war_room':
      return `would open #${row.target} and invite ${payload.invite?.length ?? 0} people`
    case 'jira':
      return `would create a Jira issue labelled ${row.dedupe}`
    case 'pagerduty':
      return `would page on-call (dedup key ${row.dedupe})`
    case 'salesforce':
      return `would set the priority of case ${row.caseId} to ${row.target}`
    default:
      return `would deliver to ${row.channel}`
  }
}

// ---------------------------------------------------------------------------------------------
// Channels: send(row) → remote id; find(row) → remote id or null (asked when attempts > 1).

/** The channels of the job, from its configuration and clients (each optional). */
export function makeChannels({ slack, salesforce, config, log, retryBaseMs }) {
  const retrying = (what, call) => withRetries(what, call, { retryBaseMs, maxTries: config.maxTries ?? DEFAULTS.maxTries, log })
  const channelIds = new Map()
  const slackChannel = config.slackChannel ?? DEFAULTS.slackChannel

  const needSlack = () => {
    if (!slack) throw notConfigured('Slack', 'SLACK_BOT_TOKEN')
    return slack
  }

  /** A channel's id from `#name`, `name` or an id (conversations.list, cached for the run). */
  async function channelId(nameOrId, { create = false } = {}) {
    const client = needSlack()
    if (/^[CGD][A-Z0-9]{6,}$/.test(nameOrId)) return nameOrId
    const name = nameOrId.replace(/^#/, '')
    if (channelIds.has(name)) return channelIds.get(name)
    if (create) {
      try {
        const created = await retrying(`Slack conversations.create #${name}`, () => client.conversations.create({ name }))
        channelIds.set(name, created.channel.id)
        return created.channel.id
      } catch (err) {
        if (err?.data?.error !== 'name_taken') throw err
      }
    }
    let cursor
    let pages = 0
    do {
      if (++pages > MAX_PAGES) return null
      const page = await retrying('Slack conversations.list', () =>
        client.conversations.list({ types: 'public_channel,private_channel', exclude_archived: true, limit: 200, cursor }),
      )
      const found = (page.channels ?? []).find((c) => c.name === name)
      if (found) {
        channelIds.set(name, found.id)
        return found.id
      }
      cursor = page.response_metadata?.next_cursor || undefined
    } while (cursor)
    return null
  }

  /** The message carrying `key` for `channel` in a Slack channel's history since `oldest` - 1 h. */
  async function findMessage(id, key, channel, oldestText) {
    const client = needSlack()
    const oldest = ((Date.parse(oldestText) - 3_600_000) / 1000).toFixed(6)
    let cursor
    let pages = 0
    do {
      if (++pages > MAX_PAGES) return null
      const page = await retrying('Slack conversations.history', () =>
        client.conversations.history({ channel: id, oldest, include_all_metadata: true, limit: 200, cursor }),
      )
      for (const message of page.messages ?? []) {
        const payload = message.metadata?.event_payload
        if (message.metadata?.event_type === 'entitlement_alert' && payload?.key === key && (payload.channel ?? channel) === channel) return message
      }
      cursor = page.response_metadata?.next_cursor || undefined
    } while (cursor)
    return null
  }

  async function pin(id, ts) {
    try {
      await retrying('Slack pins.add', () => needSlack().pins.add({ channel: id, timestamp: ts }))
    } catch (err) {
      if (err?.data?.error !== 'already_pinned') throw err
    }
  }

  async function invite(id, people) {
    const client = needSlack()
    const users = []
    for (const who of people) {
      if (!who.includes('@')) {
        users.push(who)
        continue
      }
      try {
        const found = await retrying('Slack users.lookupByEmail', () => client.users.lookupByEmail({ email: who }))
        users.push(found.user.id)
      } catch (err) {
        if (classify(err).transient) throw err
        log(`war room: no Slack user for an account-team address (${describe(err)}); not invited`)
      }
    }
    // One call per user: `already_in_channel` for one must not stop the others. A refused
    // invite leaves the room with its context; the people can be added by hand.
    let invited = 0
    for (const user of users) {
      try {
        await retrying('Slack conversations.invite', () => client.conversations.invite({ channel: id, users: user }))
        invited += 1
      } catch (err) {
        if (classify(err).transient) throw err
        if (err?.data?.error !== 'already_in_channel') log(`war room: inviting ${user} failed: ${describe(err)}`)
      }
    }
    return invited
  }

  const jiraAuth = () => {
    if (!config.jiraUrl || !config.jiraEmail || !config.jiraApiToken) throw notConfigured('Jira', 'JIRA_URL, JIRA_EMAIL and JIRA_API_TOKEN')
    return { authorization: `Basic ${Buffer.from(`${config.jiraEmail}:${config.jiraApiToken}`).toString('base64')}` }
  }
  const jiraUrl = (path) => `${config.jiraUrl.replace(/\/+$/, '')}/rest/api/3/${path}`

  const pagerduty = async (event) => {
    if (!config.pagerdutyRoutingKey) throw notConfigured('PagerDuty', 'PAGERDUTY_ROUTING_KEY')
    const body = { routing_key: config.pagerdutyRoutingKey, ...event }
    await retrying(`PagerDuty ${event.event_action}`, () =>
      fetchJson('PagerDuty', config.pagerdutyEventsUrl ?? DEFAULTS.pagerdutyEventsUrl, { method: 'POST', body }),
    )
  }

  const needSalesforce = () => {
    if (!salesforce) throw notConfigured('Salesforce', 'SALESFORCE_INSTANCE_URL and SALESFORCE_ACCESS_TOKEN')
    return salesforce
  }

  return {
    slack: {
      async find(row) {
        const id = await channelId(slackChannel)
        const message = id ? await findMessage(id, row.event_key, 'slack', row.created_at) : null
        return message?.ts ?? null
      },
      async send(row, payload) {
        const channel = channelIds.get(slackChannel.replace(/^#/, '')) ?? slackChannel
        const answer = await retrying(`Slack chat.postMessage ${row.event_key}`, () =>
          needSlack().chat.postMessage({ channel, text: payload.text ?? '', blocks: payload.blocks ?? [], metadata: metadata(row.event_key, 'slack') }),
        )
        if (answer.channel) channelIds.set(slackChannel.replace(/^#/, ''), answer.channel)
        return answer.ts
      },
    },
    war_room: {
      async find(row, payload) {
        const id = await channelId(payload.name)
        if (!id) return null
        const message = await findMessage(id, row.event_key, 'war_room', row.created_at)
        if (!message) return null
        // The pin is the one step that may not have happened.
        if (!(message.pinned_to ?? []).includes(id)) await pin(id, message.ts)
        return `${id}/${message.ts}`
      },
      async send(row, payload) {
        const id = await channelId(payload.name, { create: true })
        if (!id) throw new ServiceError(`Slack: the channel #${payload.name} was taken but cannot be found (is it archived?)`)
        const invited = await invite(id, payload.invite ?? [])
        const posted = await retrying(`Slack chat.postMessage #${payload.name}`, () =>
          needSlack().chat.postMessage({ channel: id, text: payload.text ?? '', blocks: payload.blocks ?? [], metadata: metadata(row.event_key, 'war_room') }),
        )
        await pin(id, posted.ts)
        log(`war room #${payload.name}: ${invited} people invited, context pinned`)
        return `${id}/${posted.ts}`
      },
    },
    jira: {
      async find(row) {
        const headers = jiraAuth()
        const jql = `labels = "${row.dedupe}"`
        const found = await retrying('Jira search', () => fetchJson('Jira', `${jiraUrl('search/jql')}?${new URLSearchParams({ jql, fields: 'key', maxResults: '1' })}`, { headers }))
        return found?.issues?.[0]?.key ?? null
      },
      async send(row, payload) {
        const headers = jiraAuth()
        const created = await retrying('Jira create issue', () => fetchJson('Jira', jiraUrl('issue'), { method: 'POST', headers, body: payload }))
        return created.key
      },
    },
    pagerduty: {
      // Idempotent by design: the dedup key makes a second trigger (or resolve) a no-op.
      find: null,
      async send(row, payload) {
        if (row.action === 'resolve') {
          const keys = Array.isArray(payload.dedup_keys) && payload.dedup_keys.length > 0 ? payload.dedup_keys : [row.dedupe]
          for (const dedup_key of keys) await pagerduty({ event_action: 'resolve', dedup_key })
          return String(keys[0])
        }
        await pagerduty({ ...payload, event_action: 'trigger' })
        return payload.dedup_key ?? row.dedupe
      },
    },
    salesforce: {
      async find(row) {
        const priority = await retrying(`Salesforce GET Case ${row.case_id}`, () => casePriority(needSalesforce(), row.case_id))
        return priority === row.target ? row.case_id : null
      },
      async send(row, payload) {
        const conn = needSalesforce()
        const priority = await retrying(`Salesforce GET Case ${row.case_id}`, () => casePriority(conn, row.case_id))
        if (priority === payload.Priority) return 'unchanged'
        await retrying(`Salesforce PATCH Case ${row.case_id}`, () => setCasePriority(conn, row.case_id, payload.Priority))
        return row.case_id
      },
    },
  }
}

// ---------------------------------------------------------------------------------------------
// The run

/**
 * Runs the monitor once. `rules`: a Ruleset; `ledger`: an open ledger (ledger.mjs); `fetchCases`:
 * an async function returning the cases; `channels`: `makeChannels(...)`; `now`: a Date;
 * `config`: `{lookbackMs, maxAttempts, slackChannel, jiraProject, jiraIssueType, job}`;
 * `dryRun`: monitor and print what would be delivered, write and send nothing.
 * Returns the run's summary.
 */
export async function runOnce({ rules, ledger, fetchCases, channels, now, config = {}, dryRun = false, log = console.log }) {
  const settings = { ...DEFAULTS, ...config }
  // A dry run reads the ledger (when there is one) and writes nothing, not even the schema.
  if (!dryRun) await ledger.migrate()
  const runId = randomUUID()
  const startedAt = clock()
  const nowText = instantText(now)
  const last = dryRun && !(await ledger.hasTable('monitor_runs')) ? null : await ledger.lastFinishedNow()
  const since = last !== null ? parseInstant(last) : new Date(now.getTime() - settings.lookbackMs)
  const sinceText = instantText(since)
  const summary = { runId, since: sinceText, now: nowText, status: 'finished', cases: 0, events: 0, alerts: 0, errors: 0, sent: 0, failed: 0, dryRun: 0, failures: [] }

  if (now.getTime() <= since.getTime()) {
    // A manual or backfill run earlier than the last finished one: its window was reported.
    log(`run ${runId}: now ${nowText} is not after the last finished run's ${last}: nothing new to report; working off the outbox only`)
    summary.status = 'skipped'
    if (dryRun) return summary
    await ledger.insertRun({ runId, job: settings.job, since: sinceText, now: nowText, startedAt, status: 'running' })
  } else {
    const cases = await fetchCases()
    const report = rules.monitor(cases, now, since)
    Object.assign(summary, { cases: cases.length, events: report.events.length, alerts: report.alerts.length, errors: report.errors.length })
    for (const error of report.errors) log(`case ${error.caseId ?? `#${error.index}`} left out (${error.code}): ${error.message}`)
    if (dryRun) {
      for (const alert of report.alerts) {
        for (const delivery of alert.deliveries) {
          const payload = payloadOf(alert, delivery, settings)
          log(`dry run: ${delivery.channel} ${alert.key}${delivery.automated ? '' : ' (not automated)'}: ${JSON.stringify(payload)}`)
        }
      }
      log(`dry run ${sinceText} .. ${nowText}: ${summary.events} events, ${summary.alerts} alerts; nothing written, nothing sent`)
      return summary
    }
    const dryRows = await ledger.transaction(async (tx) => record(tx, { runId, startedAt, sinceText, nowText, report, settings, summary }))
    summary.dryRun = dryRows.length
    for (const row of dryRows) log(`dry run: ${row.channel} ${row.eventKey}: ${wouldDo(row, row.payloadObject)} (not in monitor.automate)`)
  }

  await workOutbox({ ledger, channels, settings, summary, log })
  await ledger.finishRun(runId, summary.status, summary, clock())
  log(
    `run ${runId} (${sinceText}, ${nowText}]: ${summary.events} events, ${summary.alerts} alerts, ${summary.sent} sent, ${summary.failed} failed, ${summary.dryRun} dry run` +
      (summary.status === 'finished' ? '' : ` (${summary.status})`),
  )
  // Every delivery that is failed now, this run's or an earlier one's: reported each run until
  // it goes out or runs out of attempts (then it stays in the ledger for a person to look at).
  summary.failures = await ledger.failedDeliveries()
  for (const f of summary.failures) log(`failed delivery ${f.event_key} to ${f.channel} after ${f.attempts} attempts: ${f.error}`)
  return summary
}

/** Step 3: the run, its events, deliveries and outcomes, in the caller's transaction. */
async function record(tx, { runId, startedAt, sinceText, nowText, report, settings, summary }) {
  await tx.insertRun({ runId, job: settings.job, since: sinceText, now: nowText, startedAt, status: 'running', cases: summary.cases, events: summary.events, alerts: summary.alerts, errors: summary.errors })
  for (const event of report.events) {
    await tx.insertEvent({
      eventKey: event.key,
      kind: event.kind,
      level: event.level,
      at: instantText(event.at),
      caseId: event.caseId,
      milestone: event.milestone,
      instance: event.instance,
      accountId: event.account?.id === undefined || event.account?.id === null ? null : String(event.account.id),
      suppressed: event.suppressed ? (event.suppressedBy ?? 'suppressed') : null,
      runId,
      event: JSON.stringify(event),
    })
  }
  const dryRows = []
  for (const alert of report.alerts) {
    for (const delivery of alert.deliveries) {
      const payloadObject = payloadOf(alert, delivery, settings)
      const row = {
        eventKey: alert.key,
        channel: delivery.channel,
        action: delivery.action,
        status: delivery.automated ? 'pending' : 'dry_run',
        target: delivery.target ?? null,
        dedupe: delivery.dedupe ?? null,
        payload: JSON.stringify(payloadObject),
        runId,
        createdAt: clock(),
        caseId: alert.caseId,
        payloadObject,
      }
      if ((await tx.insertDelivery(row)) && row.status === 'dry_run') dryRows.push(row)
    }
  }
  // A completion resolves the pages its milestone instance raised (sent, or still to be sent).
  for (const event of report.events) {
    if (event.kind !== 'milestone_completed') continue
    const pages = (await tx.pagesOf(event.caseId, event.milestone, event.instance)).map((p) => p.dedupe)
    if (pages.length === 0) continue
    await tx.insertDelivery({
      eventKey: event.key,
      channel: 'pagerduty',
      action: 'resolve',
      status: 'pending',
      target: pages.length > 1 ? JSON.stringify(pages) : null,
      dedupe: pages[0],
      payload: JSON.stringify({ event_action: 'resolve', dedup_keys: pages }),
      runId,
      createdAt: clock(),
    })
  }
  const updatedAt = clock()
  for (const o of report.outcomes()) await tx.upsertOutcome({ ...outcomeRow(o), updated_at: updatedAt, run_id: runId })
  return dryRows
}

/**
 * One of `report.outcomes()` as a row of `milestone_outcomes` (without `updated_at` and
 * `run_id`): instants as ledger text, durations in whole seconds truncated toward zero.
 */
export function outcomeRow(o) {
  return {
    case_id: o.caseId,
    milestone: o.milestone,
    instance: o.instance,
    kind: o.kind,
    outcome: o.outcome,
    account_id: o.accountId ?? null,
    account_name: o.accountName ?? null,
    entitlement: o.entitlement ?? null,
    process: o.process ?? null,
    process_version: o.processVersion ?? null,
    tier: o.tier ?? null,
    calendar: o.calendar ?? null,
    started_at: instantText(o.startedAt),
    target_seconds: seconds(o.target),
    target_at: instantText(o.targetAt),
    completed_at: instantText(o.completedAt),
    margin_seconds: seconds(o.margin),
    margin_wall_seconds: seconds(o.marginWall),
    breached_at: instantText(o.breachedAt),
  }
}

/** Step 4: every pending row, and failed rows with attempts left, oldest first. */
async function workOutbox({ ledger, channels, settings, summary, log }) {
  for (const row of await ledger.outbox(settings.maxAttempts)) {
    const channel = channels[row.channel]
    const attempts = await ledger.claim(row.event_key, row.channel, clock())
    let remoteId = null
    let error = null
    try {
      if (!channel) throw new ServiceError(`no channel named ${row.channel} in this job`)
      const payload = JSON.parse(row.payload)
      if (attempts > 1 && channel.find) {
        remoteId = await channel.find(row, payload)
        if (remoteId) log(`${row.channel} ${row.event_key}: already delivered by an earlier attempt (${remoteId})`)
      }
      if (!remoteId) remoteId = await channel.send(row, payload)
    } catch (err) {
      error = describe(err)
    }
    if (error === null) {
      await ledger.markSent(row.event_key, row.channel, remoteId === null ? null : String(remoteId), clock())
      summary.sent += 1
      log(`sent ${row.channel} ${row.action} ${row.event_key}: ${remoteId}`)
    } else {
      await ledger.markFailed(row.event_key, row.channel, error, clock())
      summary.failed += 1
      const left = attempts < settings.maxAttempts ? `; the next run tries again (attempt ${attempts} of ${settings.maxAttempts})` : '; no attempts left'
      log(`FAILED ${row.channel} ${row.action} ${row.event_key}: ${error}${left}`)
    }
  }
}
