#!/usr/bin/env node
// The scheduled SLA monitor job: Salesforce cases in; Slack, war rooms, Jira, PagerDuty and the
// case priority out; every run, event, delivery and milestone outcome in a ledger (SQLite by
// default, PostgreSQL in production), each (event, channel) delivered exactly once across
// crashes and retries. Run it every few minutes from cron, a Kubernetes CronJob or an
// integration platform; one run at a time (docs/deployment.md).
//
//   SALESFORCE_INSTANCE_URL=https://acme.my.salesforce.com SALESFORCE_ACCESS_TOKEN=... \
//   SLACK_BOT_TOKEN=xoxb-... node examples/node/monitor.mjs
//
// Options (each also an environment variable; options win):
//   --rules PATH       ENTITLEMENT_RULES     the rules (.yaml, .json, .toml); default
//                                            examples/data/rules.yaml
//   --ledger LOCATION  ENTITLEMENT_LEDGER    a SQLite file or a postgresql:// URL; default
//                                            entitlement-ledger.sqlite3 in the working directory
//   --now INSTANT      ENTITLEMENT_NOW       the end of the window (ISO 8601 with an offset);
//                                            default the current time
//   --lookback DUR     ENTITLEMENT_LOOKBACK  the first run's window (1h, 90m, 1h30m); default 1h
//   --dry-run                                monitor and print what would be delivered; write
//                                            nothing, send nothing
//   ENTITLEMENT_MAX_ATTEMPTS (8)          attempts of a delivery across runs before it stays failed
//   ENTITLEMENT_RETRY_BASE_SECONDS (1)    the first backoff of a retried call (then doubling)
//   ENTITLEMENT_LEDGER_RETRY_SECONDS (60) how long a lost ledger database is waited for
//
// Services (secrets only from the environment, never logged):
//   SALESFORCE_INSTANCE_URL, SALESFORCE_ACCESS_TOKEN   the org and an OAuth access token
//   SLACK_BOT_TOKEN, SLACK_API_URL (https://slack.com/api/), ENTITLEMENT_SLACK_CHANNEL
//     (#support-sla)
//   JIRA_URL, JIRA_EMAIL, JIRA_API_TOKEN, ENTITLEMENT_JIRA_PROJECT, ENTITLEMENT_JIRA_ISSUE_TYPE
//     (Task): for `create_jira_issue`
//   PAGERDUTY_ROUTING_KEY, PAGERDUTY_EVENTS_URL (https://events.pagerduty.com/v2/enqueue): for
//     `page_oncall`
//
// Only actions listed in the rules' `monitor.automate` are performed; the others are recorded
// as `dry_run` deliveries and logged ("dry run: would open #war-acme-corp-500-1 ...").
//
// Exit codes: 0 the run finished (deliveries that failed are logged, counted in the ledger and
// tried again by the next runs, up to ENTITLEMENT_MAX_ATTEMPTS); 1 the run could not finish
// (the ledger database or Salesforce stayed unreachable, an unexpected error): the next run
// starts from the last finished run and loses nothing; 2 bad configuration or input, with a
// message that says what and where.

import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

import { WebClient, LogLevel } from '@slack/web-api'
import { Ruleset } from 'entitlement'

import { openLedger } from './ledger.mjs'
import { DEFAULTS, describe, makeChannels, parseDuration, runOnce, withRetries } from './pipeline.mjs'
import { CASES_SOQL, casesFromSoql, connect, query } from './salesforce.mjs'

const here = (relative) => fileURLToPath(new URL(relative, import.meta.url))

/** An error whose message is meant for the operator as it is, with the exit code to use. */
class JobError extends Error {
  constructor(message, exitCode) {
    super(message)
    this.exitCode = exitCode
  }
}

const configError = (message) => new JobError(message, 2)

const USAGE = `usage: node monitor.mjs [--rules PATH] [--ledger FILE|postgresql://...] [--now INSTANT] [--lookback 1h] [--dry-run]
Services from the environment: SALESFORCE_INSTANCE_URL, SALESFORCE_ACCESS_TOKEN, SLACK_BOT_TOKEN,
SLACK_API_URL, ENTITLEMENT_SLACK_CHANNEL, JIRA_URL, JIRA_EMAIL, JIRA_API_TOKEN,
ENTITLEMENT_JIRA_PROJECT, PAGERDUTY_ROUTING_KEY, PAGERDUTY_EVENTS_URL (see the header of monitor.mjs).`

/** An instant given as text: ISO 8601 with an offset, as the library requires. */
function instant(text, where) {
  const hasOffset = /T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}(?::?\d{2})?)$/i.test(text)
  const ms = Date.parse(text)
  if (!hasOffset || !Number.isFinite(ms)) {
    throw configError(`${where}: expected an ISO 8601 instant with a UTC offset such as 2026-11-25T20:30:00Z, found ${JSON.stringify(text)}`)
  }
  return new Date(ms)
}

function httpUrl(value, name) {
  let url
  try {
    url = new URL(value)
  } catch {
    throw configError(`${name} is not a URL: ${JSON.stringify(value)}`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw configError(`${name} must be an http(s) URL, not ${url.protocol}`)
  return url.href
}

function positive(value, name, parse = Number) {
  const n = parse(value)
  if (!Number.isFinite(n) || n <= 0) throw configError(`${name} must be a positive number, found ${JSON.stringify(value)}`)
  return n
}

/** The job's configuration from its options and environment, validated. */
function configure(argv, env) {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        rules: { type: 'string' },
        ledger: { type: 'string' },
        now: { type: 'string' },
        lookback: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
      strict: true,
    }).values
  } catch (err) {
    throw configError(`${err.message}\nRun with --help for the options.`)
  }
  const value = (option, variable) => {
    const v = option ?? env[variable]
    return v === undefined || v === '' ? undefined : v
  }
  const lookback = value(parsed.lookback, 'ENTITLEMENT_LOOKBACK')
  const lookbackMs = lookback === undefined ? DEFAULTS.lookbackMs : parseDuration(lookback)
  if (lookbackMs === null || lookbackMs <= 0) throw configError(`the lookback must be a duration such as 1h, 90m or 1h30m, found ${JSON.stringify(lookback)}`)
  const nowText = value(parsed.now, 'ENTITLEMENT_NOW')
  const config = {
    help: parsed.help,
    dryRun: parsed['dry-run'],
    rules: value(parsed.rules, 'ENTITLEMENT_RULES') ?? here('../data/rules.yaml'),
    ledger: value(parsed.ledger, 'ENTITLEMENT_LEDGER') ?? 'entitlement-ledger.sqlite3',
    now: nowText === undefined ? new Date() : instant(nowText, '--now'),
    lookbackMs,
    maxAttempts: env.ENTITLEMENT_MAX_ATTEMPTS ? positive(env.ENTITLEMENT_MAX_ATTEMPTS, 'ENTITLEMENT_MAX_ATTEMPTS', (v) => Number.parseInt(v, 10)) : DEFAULTS.maxAttempts,
    retryBaseMs: env.ENTITLEMENT_RETRY_BASE_SECONDS ? positive(env.ENTITLEMENT_RETRY_BASE_SECONDS, 'ENTITLEMENT_RETRY_BASE_SECONDS') * 1000 : DEFAULTS.retryBaseMs,
    ledgerRetrySeconds: env.ENTITLEMENT_LEDGER_RETRY_SECONDS ? positive(env.ENTITLEMENT_LEDGER_RETRY_SECONDS, 'ENTITLEMENT_LEDGER_RETRY_SECONDS') : 60,
    salesforceUrl: value(undefined, 'SALESFORCE_INSTANCE_URL'),
    salesforceToken: value(undefined, 'SALESFORCE_ACCESS_TOKEN'),
    slackToken: value(undefined, 'SLACK_BOT_TOKEN'),
    slackApiUrl: value(undefined, 'SLACK_API_URL') ?? DEFAULTS.slackApiUrl,
    slackChannel: value(undefined, 'ENTITLEMENT_SLACK_CHANNEL') ?? DEFAULTS.slackChannel,
    jiraUrl: value(undefined, 'JIRA_URL'),
    jiraEmail: value(undefined, 'JIRA_EMAIL'),
    jiraApiToken: value(undefined, 'JIRA_API_TOKEN'),
    jiraProject: value(undefined, 'ENTITLEMENT_JIRA_PROJECT'),
    jiraIssueType: value(undefined, 'ENTITLEMENT_JIRA_ISSUE_TYPE') ?? DEFAULTS.jiraIssueType,
    pagerdutyRoutingKey: value(undefined, 'PAGERDUTY_ROUTING_KEY'),
    pagerdutyEventsUrl: value(undefined, 'PAGERDUTY_EVENTS_URL') ?? DEFAULTS.pagerdutyEventsUrl,
  }
  if (config.help) return config
  if (!config.salesforceUrl || !config.salesforceToken) {
    throw configError('SALESFORCE_INSTANCE_URL and SALESFORCE_ACCESS_TOKEN must be set: the org to read the cases from and an OAuth access token')
  }
  config.salesforceUrl = httpUrl(config.salesforceUrl, 'SALESFORCE_INSTANCE_URL').replace(/\/+$/, '')
  if (!config.dryRun && !config.slackToken) throw configError('SLACK_BOT_TOKEN is not set: every alert is posted to Slack (or run with --dry-run)')
  config.slackApiUrl = httpUrl(config.slackApiUrl, 'SLACK_API_URL')
  config.pagerdutyEventsUrl = httpUrl(config.pagerdutyEventsUrl, 'PAGERDUTY_EVENTS_URL')
  if (config.jiraUrl) config.jiraUrl = httpUrl(config.jiraUrl, 'JIRA_URL')
  return config
}

async function main(argv, env) {
  const config = configure(argv, env)
  if (config.help) {
    console.log(USAGE)
    return
  }
  let rules
  try {
    rules = Ruleset.load(config.rules)
  } catch (err) {
    throw configError(`the rules ${config.rules} are not valid (${err.code}): ${err.message}`)
  }
  const log = (line) => console.log(line)
  const retrying = (what, call) => withRetries(what, call, { retryBaseMs: config.retryBaseMs, log })

  let ledger
  try {
    ledger = await openLedger(config.ledger, { retryBaseMs: config.retryBaseMs, retrySeconds: config.ledgerRetrySeconds, log })
  } catch (err) {
    if (err.code === 'ledger_unreachable') throw new JobError(err.message, 1)
    throw configError(`cannot open the ledger ${redact(config.ledger)}: ${err.message}`)
  }
  try {
    const salesforce = connect({ instanceUrl: config.salesforceUrl, accessToken: config.salesforceToken })
    const slack = config.slackToken
      ? new WebClient(config.slackToken, {
          slackApiUrl: config.slackApiUrl,
          // The job's retry policy (Retry-After, backoff, 5 tries) applies to every service alike.
          retryConfig: { retries: 0 },
          rejectRateLimitedCalls: true,
          timeout: DEFAULTS.requestTimeoutMs,
          logLevel: LogLevel.ERROR,
        })
      : null
    const channels = makeChannels({ slack, salesforce, config, log, retryBaseMs: config.retryBaseMs })
    const fetchCases = async () => {
      try {
        return casesFromSoql(await query(salesforce, CASES_SOQL, retrying))
      } catch (err) {
        throw new JobError(`cannot read the cases from Salesforce: ${describe(err)}`, 1)
      }
    }
    const summary = await runOnce({
      rules,
      ledger,
      fetchCases,
      channels,
      now: config.now,
      dryRun: config.dryRun,
      log,
      config: {
        lookbackMs: config.lookbackMs,
        maxAttempts: config.maxAttempts,
        slackChannel: config.slackChannel,
        jiraProject: config.jiraProject,
        jiraIssueType: config.jiraIssueType,
      },
    })
    return summary
  } catch (err) {
    if (err.code === 'ledger_unreachable') throw new JobError(err.message, 1)
    throw err
  } finally {
    await ledger.close()
  }
}

/** A ledger location for messages: a URL without its password. */
function redact(location) {
  return location.replace(/(postgres(?:ql)?:\/\/[^:/@]+):[^@]*@/i, '$1:***@')
}

try {
  await main(process.argv.slice(2), process.env)
} catch (err) {
  if (err instanceof JobError) {
    console.error(`monitor: ${err.message}`)
    process.exitCode = err.exitCode
  } else {
    console.error('monitor: unexpected error:', err)
    process.exitCode = 1
  }
}
