#!/usr/bin/env node
// The scheduled SLA monitor job: Salesforce cases in; Slack, war rooms, Jira, PagerDuty and the
// case priority out; every run, event, delivery and milestone outcome in a ledger (SQLite by
// default, PostgreSQL in production), each (event, channel) delivered exactly once across
// crashes and retries. Run it every few minutes from cron, a Kubernetes CronJob or an
// integration platform; one run at a time (docs/deployment.md).
//
//   SALESFORCE_INSTANCE_URL=https://acme.my.salesforce.com SALESFORCE_ACCESS_TOKEN=... \
//   SLACK_BOT_TOKEN=xoxb-... node examples/node/monitor.mjs --rules rules.yaml \
//     --slack-channel '#support-sla' --ledger postgresql://sla@db.internal/sla
//
// Options (each also an environment variable; options win):
//   --rules PATH       ENTITLEMENT_RULES     the rules (.yaml, .json, .toml); required
//   --ledger LOCATION  ENTITLEMENT_LEDGER    a SQLite file or a postgresql:// URL; default
//                                            entitlement-ledger.db in the working directory
//   --now INSTANT      ENTITLEMENT_NOW       the end of the window (ISO 8601 with an offset);
//                                            default the current time
//   --lookback DUR     ENTITLEMENT_LOOKBACK  the first run's window (1h, 90m, 1h30m); default 1h
//   --dry-run                                monitor and print what would be delivered; write
//                                            nothing, send nothing
//   --slack-channel    ENTITLEMENT_SLACK_CHANNEL     the alerts channel, #name or id; required
//   --jira-project     ENTITLEMENT_JIRA_PROJECT      the project of create_jira_issue
//   --jira-issue-type  ENTITLEMENT_JIRA_ISSUE_TYPE   default Task
//   --max-attempts     ENTITLEMENT_MAX_ATTEMPTS      attempts of a delivery across runs before it
//                                                   stays failed; default 8
//   --retry-base-seconds ENTITLEMENT_RETRY_BASE_SECONDS  the first backoff of a retried call
//                                                   (then doubling, at most 30 s); default 1
//                      ENTITLEMENT_LEDGER_RETRY_SECONDS  how long a lost ledger database is
//                                                   waited for; default 60
//
// Services (secrets only from the environment, never logged):
//   SALESFORCE_INSTANCE_URL, SALESFORCE_ACCESS_TOKEN   the org and an OAuth access token
//   SLACK_BOT_TOKEN, SLACK_API_URL (https://slack.com/api/)
//   JIRA_URL, JIRA_EMAIL, JIRA_API_TOKEN: for `create_jira_issue`
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

import { parseArgs } from 'node:util'

import { WebClient, LogLevel } from '@slack/web-api'
import { Ruleset } from 'entitlement'

import { openLedger } from './ledger.mjs'
import { DEFAULTS, describe, makeChannels, parseDuration, runOnce, withRetries } from './pipeline.mjs'
import { CASES_SOQL, casesFromSoql, connect, query } from './salesforce.mjs'

/** An error whose message is meant for the operator as it is, with the exit code to use. */
class JobError extends Error {
  constructor(message, exitCode) {
    super(message)
    this.exitCode = exitCode
  }
}

const configError = (message) => new JobError(message, 2)

const USAGE = `usage: node monitor.mjs --rules PATH --slack-channel '#name' [--ledger FILE|postgresql://...] [--now INSTANT]
       [--lookback 1h] [--dry-run] [--jira-project KEY] [--jira-issue-type Task] [--max-attempts 8]
       [--retry-base-seconds 1]
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
        'slack-channel': { type: 'string' },
        'jira-project': { type: 'string' },
        'jira-issue-type': { type: 'string' },
        'max-attempts': { type: 'string' },
        'retry-base-seconds': { type: 'string' },
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
  const maxAttempts = value(parsed['max-attempts'], 'ENTITLEMENT_MAX_ATTEMPTS')
  const retryBase = value(parsed['retry-base-seconds'], 'ENTITLEMENT_RETRY_BASE_SECONDS')
  const config = {
    help: parsed.help,
    dryRun: parsed['dry-run'],
    rules: value(parsed.rules, 'ENTITLEMENT_RULES'),
    ledger: value(parsed.ledger, 'ENTITLEMENT_LEDGER') ?? 'entitlement-ledger.db',
    now: nowText === undefined ? new Date() : instant(nowText, '--now'),
    lookbackMs,
    maxAttempts: maxAttempts === undefined ? DEFAULTS.maxAttempts : positive(maxAttempts, 'the maximum of attempts', (v) => (/^\d+$/.test(v) ? Number(v) : NaN)),
    retryBaseMs: retryBase === undefined ? DEFAULTS.retryBaseMs : positive(retryBase, 'the retry base seconds') * 1000,
    ledgerRetrySeconds: env.ENTITLEMENT_LEDGER_RETRY_SECONDS ? positive(env.ENTITLEMENT_LEDGER_RETRY_SECONDS, 'ENTITLEMENT_LEDGER_RETRY_SECONDS') : 60,
    salesforceUrl: value(undefined, 'SALESFORCE_INSTANCE_URL'),
    salesforceToken: value(undefined, 'SALESFORCE_ACCESS_TOKEN'),
    slackToken: value(undefined, 'SLACK_BOT_TOKEN'),
    slackApiUrl: value(undefined, 'SLACK_API_URL') ?? DEFAULTS.slackApiUrl,
    slackChannel: value(parsed['slack-channel'], 'ENTITLEMENT_SLACK_CHANNEL'),
    jiraUrl: value(undefined, 'JIRA_URL'),
    jiraEmail: value(undefined, 'JIRA_EMAIL'),
    jiraApiToken: value(undefined, 'JIRA_API_TOKEN'),
    jiraProject: value(parsed['jira-project'], 'ENTITLEMENT_JIRA_PROJECT'),
    jiraIssueType: value(parsed['jira-issue-type'], 'ENTITLEMENT_JIRA_ISSUE_TYPE') ?? DEFAULTS.jiraIssueType,
    pagerdutyRoutingKey: value(undefined, 'PAGERDUTY_ROUTING_KEY'),
    pagerdutyEventsUrl: value(undefined, 'PAGERDUTY_EVENTS_URL') ?? DEFAULTS.pagerdutyEventsUrl,
  }
  if (config.help) return config
  if (!config.rules) throw configError('the rules are not given: set ENTITLEMENT_RULES (or --rules) to the rules document')
  if (!config.dryRun && !config.slackChannel) throw configError("ENTITLEMENT_SLACK_CHANNEL (or --slack-channel) is not set: the channel every alert is posted to, '#name' or its id")
  config.slackChannel ??= DEFAULTS.slackChannel
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
