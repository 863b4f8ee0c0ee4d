//! The command line: subcommands, flags, their defaults and the help texts.

use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, Utc};
use clap::{Args, Parser, Subcommand, ValueEnum};
use entitlement_core::rules::Level;

use crate::input::{Since, date, instant, since};

/// The exit codes, as every `--help` shows them (and `docs/cli.md`).
pub const EXIT_CODES: &str = "\
Exit codes:
  0  success (also when the reader of the output went away, as in `entitlement demo | head -1`)
  1  findings: `check` found warnings; `monitor --strict` rejected cases
  2  error: a bad flag, a file that cannot be read or is invalid (the message names the file and
     the place inside it), a window whose --since is not before --now (invalid_window), a
     failed write";

const CASES_SHAPE: &str = "\
Cases file (JSON): {\"now\": \"2026-11-25T20:30:00Z\", \"cases\": [...]} or a bare list of cases;
each case {\"id\", \"entitlement\", \"created_at\", \"fields\": {...}, \"events\": [{\"at\", \"type\", ...}]}
(docs/rules.md, \"Cases\"). A case that cannot be read is reported on the standard error and
left out; the others run.";

#[derive(Parser, Debug)]
#[command(
    name = "entitlement",
    version,
    about = "SLA rules from a shell: the breach monitor, rule checks, evaluation, importers, schemas",
    long_about = "SLA rules from a shell: the breach monitor, rule checks, evaluation, importers and \
                  schemas.\n\nWithout a subcommand, runs `demo`: the monitor over the bundled sample \
                  rules and cases.",
    after_help = EXIT_CODES
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Runs the breach monitor over a rules document and a cases file
    #[command(
        long_about = "Runs the breach monitor over a rules document and a cases file at --now: the \
                      milestones at risk (soonest wall-clock deadline first), the breached ones \
                      (most recent first), the alerts of the window (--since, --now], and \
                      per-account rollups.\n\nA scheduled job passes --state FILE: each run starts \
                      where the previous one ended, so every alert is reported exactly once.",
        after_help = monitor_help()
    )]
    Monitor(MonitorArgs),
    /// Checks a rules document: load errors, and warnings about rules that load but will surprise
    #[command(after_help = EXIT_CODES)]
    Check(CheckArgs),
    /// Evaluates cases at an instant: every milestone's status
    #[command(after_help = evaluate_help())]
    Evaluate(EvaluateArgs),
    /// Imports rules from Salesforce, Zendesk or an iCalendar feed into a rules document
    #[command(subcommand)]
    Import(ImportCommand),
    /// Prints the JSON Schema of the rules document (--results: of the results; --openapi: the
    /// OpenAPI document of `serve`)
    #[command(after_help = EXIT_CODES)]
    Schema(SchemaArgs),
    /// Runs the monitor over the bundled sample (built into the binary) at the sample's `now`
    #[command(
        long_about = "Runs the monitor over the bundled sample: examples/data/rules.yaml and the 285 \
                      cases of examples/data/cases.json, built into the binary, at the sample's own \
                      now (2026-11-25T20:30:00Z) with the window of the day before. The same as \
                      running `entitlement` without a subcommand.",
        after_help = EXIT_CODES
    )]
    Demo(DemoArgs),
    /// Writes the QBR page of one account, or the portfolio page, as self-contained HTML
    #[command(
        long_about = "Writes the quarterly business review page of one account (--account ID), or \
                      the portfolio page of every account (--portfolio), over the days --from to \
                      --to (both included, in each case's reporting zone): one self-contained HTML \
                      file with inline charts, no network needed to open or print it \
                      (docs/qbr.md).\n\nWithout --rules and --cases, the bundled sample \
                      (examples/data/, November 2026) at its own now, as `demo` does.",
        after_help = EXIT_CODES
    )]
    Report(ReportArgs),
    /// Exports tables of a monitor run for a warehouse, or the rules for Salesforce, Zendesk and review
    #[command(subcommand)]
    Export(ExportCommand),
    /// Lists what changed between two rules documents, and which open deadlines move
    #[command(
        long_about = "Lists what changed from the rules document OLD to NEW: calendars (zone, \
                      hours, holidays, overrides), processes (milestones, targets per tier, \
                      triggers, pause rules, versions), entitlements and the monitor settings, each \
                      with its path and a sentence. With --cases, also the open milestones of \
                      those cases whose deadlines move at --now, and by how much (docs/diff.md).",
        after_help = DIFF_EXIT_CODES
    )]
    Diff(DiffArgs),
    /// Serves the engine over HTTP (JSON): evaluation, the monitor and calendar arithmetic
    #[command(
        long_about = "Serves the engine over HTTP/1.1 with JSON bodies, for tools that cannot load \
                      a library (Salesforce Flow through External Services, Workato, MuleSoft): \
                      POST /v1/evaluate, /v1/evaluate-many, /v1/monitor and \
                      /v1/calendars/{name}/add|elapsed|is-open|next-open; GET /v1/rules, /metrics, \
                      /healthz, /readyz and /openapi.json (docs/serve.md).\n\nEvery /v1 route and \
                      /metrics need `Authorization: Bearer TOKEN`, where the SHA-256 of TOKEN is a \
                      line of --tokens. The rules document (and the tokens file) reload when the \
                      file changes and on SIGHUP; a document that does not load is refused and \
                      logged, and the previous one keeps serving. SIGTERM or SIGINT stops accepting \
                      connections and finishes the requests in flight. Logs are JSON lines on the \
                      standard error.",
        after_help = SERVE_NOTES
    )]
    Serve(ServeArgs),
}

const SERVE_NOTES: &str = "\
Token file: one line per token, `sha256:<64 hex digits> [label]`; `#` starts a comment. Make one:
  TOKEN=$(openssl rand -hex 32)
  printf '%s' \"$TOKEN\" | sha256sum | awk '{print \"sha256:\" $1 \" workato\"}' >> tokens.txt

Exit codes:
  0  stopped by SIGTERM or SIGINT after the requests in flight finished
  2  error: a bad flag, a rules document or tokens file that cannot be read or is invalid, an
     address that cannot be bound";

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// The rules document to serve (.yaml, .yml, .json or .toml)
    #[arg(long, value_name = "FILE")]
    pub rules: PathBuf,
    /// The address and port to listen on (port 0: any free port, logged at start)
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: std::net::SocketAddr,
    /// The file of token hashes; without it every /v1 route and /metrics answer 401
    #[arg(long, value_name = "FILE")]
    pub tokens: Option<PathBuf>,
    /// The largest request body, in bytes (413 `limit_exceeded` above)
    #[arg(long, value_name = "BYTES", default_value_t = 8 * 1024 * 1024,
          value_parser = clap::value_parser!(u64).range(1024..=1024 * 1024 * 1024))]
    pub max_body_bytes: u64,
    /// The most cases in one request (413 `limit_exceeded` above)
    #[arg(long, value_name = "N", default_value_t = 10_000,
          value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub max_cases: u64,
    /// The most events in one case (413 `limit_exceeded` above)
    #[arg(long, value_name = "N", default_value_t = 10_000,
          value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub max_events: u64,
    /// The time a request may take, from its headers to its answer, body included (408 while
    /// the body is still arriving, 503 `timeout` after)
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = seconds)]
    pub request_timeout: std::time::Duration,
    /// The time a connection may stay without a complete request header before it is closed
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = seconds)]
    pub idle_timeout: std::time::Duration,
    /// The most requests served at once (503 `overloaded` above, with Retry-After)
    #[arg(long, value_name = "N", default_value_t = 32,
          value_parser = clap::value_parser!(u64).range(1..=4096))]
    pub concurrency: u64,
    /// The most open connections; more wait in the listen queue
    #[arg(long, value_name = "N", default_value_t = 1024,
          value_parser = clap::value_parser!(u64).range(1..=65_536))]
    pub max_connections: u64,
    /// How often the rules document and the tokens file are checked for changes (0s: only on
    /// SIGHUP)
    #[arg(long, value_name = "DURATION", default_value = "2s", value_parser = seconds_or_zero)]
    pub reload_interval: std::time::Duration,
    /// After SIGTERM, how long to go on accepting connections while /readyz answers 503, so
    /// that a load balancer stops sending first (0s: stop accepting at once)
    #[arg(long, value_name = "DURATION", default_value = "0s", value_parser = seconds_or_zero)]
    pub drain_delay: std::time::Duration,
    /// How long SIGTERM waits for the requests in flight before stopping anyway
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = seconds)]
    pub shutdown_timeout: std::time::Duration,
}

/// A positive duration flag in the documents' syntax (`30s`, `0.5s`, `2m`), at most a day.
fn seconds(v: &str) -> Result<std::time::Duration, String> {
    match seconds_or_zero(v)? {
        d if d.is_zero() => Err(format!("{v:?}: expected a duration above zero")),
        d => Ok(d),
    }
}

fn seconds_or_zero(v: &str) -> Result<std::time::Duration, String> {
    let micros = entitlement_core::duration::parse_duration(v, "duration")
        .map_err(|e| format!("{e} [{}]", e.code()))?;
    if !(0..=86_400_000_000).contains(&micros) {
        return Err(format!("{v:?}: expected a duration from 0s to 1d"));
    }
    Ok(std::time::Duration::from_micros(micros as u64))
}

/// `diff`'s exit codes, those of `diff(1)`.
const DIFF_EXIT_CODES: &str = "\
Exit codes:
  0  the documents are the same (in their canonical form)
  1  the documents differ
  2  error: a file that cannot be read or is invalid (the message names the file and the place
     inside it)";

/// What `export` writes.
#[derive(Subcommand, Debug)]
pub enum ExportCommand {
    /// One row per started milestone occurrence (the `outcomes` table), as Parquet, CSV or NDJSON
    #[command(long_about = TABLES_ABOUT, after_help = export_help())]
    Outcomes(ExportArgs),
    /// One row per account over the period (the `account_periods` table), as Parquet, CSV or NDJSON
    #[command(long_about = TABLES_ABOUT, after_help = export_help())]
    Accounts(ExportArgs),
    /// The rules as a Salesforce project: entitlement processes, milestone types, business hours
    #[command(
        long_about = "Writes the rules document as a Salesforce source-format project under --out: \
                      EntitlementProcess and MilestoneType metadata, business hours and holidays \
                      (BusinessHoursSettings, and the same as records under data/), \
                      manifest/package.xml and sfdx-project.json, for `sf project deploy start \
                      --manifest manifest/package.xml`. What Salesforce cannot express is refused \
                      (an `unsupported` error naming every path) and nothing is written. \
                      docs/export.md.",
        after_help = EXIT_CODES
    )]
    Salesforce(RulesExportArgs),
    /// The rules as Zendesk API bodies: schedules, workweeks, holidays, SLA policies
    #[command(
        long_about = "Writes the rules document as Zendesk REST API bodies under --out: per \
                      schedule `schedule.json`, `workweek.json` and `holidays/*.json`, and \
                      `sla_policies/*.json` in the order to create them, with a README of the \
                      requests. What Zendesk cannot express is refused (an `unsupported` error \
                      naming every path) and nothing is written. docs/export.md.",
        after_help = EXIT_CODES
    )]
    Zendesk(ZendeskExportArgs),
    /// A Markdown review of every process, calendar and entitlement, for approving a change
    #[command(
        long_about = "Writes review.md under --out: every process (milestones, what starts and \
                      completes them, criteria, targets per tier, calendars, recurrence, triggers \
                      and actions), every calendar (hours, holidays, overrides, unions) and every \
                      entitlement, for the person who approves a change. docs/export.md.",
        after_help = EXIT_CODES
    )]
    Review(RulesExportArgs),
}

const TABLES_ABOUT: &str = "Writes one table of a monitor run at --now over a rules document and a \
                            cases file, for a warehouse or a BI tool: `outcomes` (one row per \
                            started milestone occurrence: outcome, near miss, margins, month and \
                            quarter) or `accounts` (one row per account over the period: \
                            attainment, breaches, near misses, percentiles, usage, ARR, renewal). \
                            --from and --to keep the occurrences started on those days \
                            (inclusive) in each case's reporting zone. Durations are `X_seconds` \
                            (float64), lists and JSON are JSON text; docs/cli.md, `export`.";

/// `export salesforce|review RULES --out DIR`.
#[derive(Args, Debug)]
pub struct RulesExportArgs {
    /// The rules document (.yaml, .yml, .json or .toml)
    #[arg(value_name = "RULES")]
    pub rules: PathBuf,
    /// The folder to write into (created if missing; files of the export are replaced)
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
}

/// `export zendesk RULES --out DIR [--expand-holidays FIRST..LAST]`.
#[derive(Args, Debug)]
pub struct ZendeskExportArgs {
    #[command(flatten)]
    pub export: RulesExportArgs,
    /// Write recurring holidays as their dates in these years (`2027..2028`, inclusive); the
    /// result does not import back to the rules [default: recurring holidays are refused]
    #[arg(long, value_parser = year_range, value_name = "FIRST..LAST")]
    pub expand_holidays: Option<(i32, i32)>,
}

fn year_range(text: &str) -> Result<(i32, i32), String> {
    let (a, b) = text
        .split_once("..")
        .ok_or_else(|| format!("{text:?}: expected FIRST..LAST, such as 2027..2028"))?;
    let year = |s: &str| {
        s.trim()
            .parse::<i32>()
            .map_err(|_| format!("{s:?} is not a year"))
    };
    Ok((year(a)?, year(b)?))
}

fn export_help() -> String {
    format!("{CASES_SHAPE}\n\n{EXIT_CODES}")
}

/// The tables `export` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportTable {
    /// One row per started milestone occurrence (the `outcomes` table)
    Outcomes,
    /// One row per account over the period (the `account_periods` table)
    Accounts,
}

/// The file formats of `export`.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileFormatArg {
    /// Apache Parquet, Snappy-compressed (needs --out)
    Parquet,
    /// CSV with a header row; an empty cell is a null
    Csv,
    /// One JSON object per line
    Ndjson,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// The rules document (.yaml, .yml, .json or .toml)
    #[arg(long, value_name = "FILE")]
    pub rules: PathBuf,
    /// The cases (JSON; the shape is below)
    #[arg(long, value_name = "FILE")]
    pub cases: PathBuf,
    /// The run's instant, RFC 3339 with an offset [default: the current time]
    #[arg(long, value_parser = instant, value_name = "INSTANT")]
    pub now: Option<DateTime<Utc>>,
    /// The first day of the period, YYYY-MM-DD (inclusive) [default: from the start]
    #[arg(long, value_parser = date, value_name = "DATE")]
    pub from: Option<NaiveDate>,
    /// The last day of the period, YYYY-MM-DD (inclusive) [default: up to --now]
    #[arg(long, value_parser = date, value_name = "DATE")]
    pub to: Option<NaiveDate>,
    /// Only this account (its `account.id` in the rules, else the entitlement id); repeatable
    #[arg(long = "account", value_name = "ID")]
    pub accounts: Vec<String>,
    /// The file format
    #[arg(long, value_enum)]
    pub format: FileFormatArg,
    /// Write the file here instead of the standard output (required for parquet)
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

const MONITOR_NOTES: &str = "\
State file (JSON): {\"now\": \"2026-11-25T20:30:00Z\"}, the `now` of the last run. Missing: the
first run (the window is then the day before --now). Written atomically (a new file renamed over
the old) once the whole output is written; never with an earlier `now` than it holds.

Filters: --account and --level narrow the at-risk and breached lists and the alerts; --limit
caps each of the two lists, never the alerts. In --format json they narrow `at_risk` and
`breached` only: the rest is the monitor's report as it is.

Formats: table (for people); json (the whole report, docs/monitor.md); ndjson (one alert per
line); slack, email, jira, pagerduty (one rendered payload per alert and line, for the vendor's
API).";

fn monitor_help() -> String {
    format!(
        "{CASES_SHAPE} The file's own `now` is not used: --now is.\n\n{MONITOR_NOTES}\n\n{EXIT_CODES}"
    )
}

fn evaluate_help() -> String {
    format!("{CASES_SHAPE} `evaluate` also takes a single case object.\n\n{EXIT_CODES}")
}

/// `--now` and `--since`.
#[derive(Args, Debug, Clone)]
pub struct Window {
    /// The run's instant, RFC 3339 with an offset [default: the current time]
    #[arg(long, value_parser = instant, value_name = "INSTANT")]
    pub now: Option<DateTime<Utc>>,
    /// The start of the window (since, now] whose events are reported, or `none` for everything
    /// up to --now [default: the `now` of --state when given, else --now minus one day]
    #[arg(long, value_parser = since, value_name = "INSTANT|none")]
    pub since: Option<Since>,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// For people: at risk, breached, alerts, accounts
    Table,
    /// The whole report as the monitor gives it
    Json,
    /// One alert per line
    Ndjson,
    /// One Slack Block Kit message per alert and line
    Slack,
    /// One email ({subject, body, ...}) per alert and line
    Email,
    /// One Jira Cloud issue body per alert and line (needs --jira-project)
    Jira,
    /// One PagerDuty Events v2 event per alert and line (needs --routing-key)
    Pagerduty,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum LevelArg {
    Info,
    Warning,
    Critical,
    Violation,
    Escalation,
}

impl LevelArg {
    pub fn level(self) -> Level {
        match self {
            LevelArg::Info => Level::Info,
            LevelArg::Warning => Level::Warning,
            LevelArg::Critical => Level::Critical,
            LevelArg::Violation => Level::Violation,
            LevelArg::Escalation => Level::Escalation,
        }
    }
}

/// The output of a monitor run.
#[derive(Args, Debug, Clone)]
pub struct Output {
    /// What to print
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Show at most N at-risk and N breached milestones [default: 25 in the table, all in json]
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Only this account (its `account.id` in the rules, else the entitlement id); repeatable
    #[arg(long = "account", value_name = "ID")]
    pub accounts: Vec<String>,
    /// Only milestones and alerts at this level or above (a milestone's level: the highest
    /// trigger it crossed, `violation` once breached)
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub level: Option<LevelArg>,
    /// The Jira project key, for --format jira
    #[arg(long, value_name = "KEY")]
    pub jira_project: Option<String>,
    /// The Jira issue type, for --format jira
    #[arg(long, value_name = "TYPE", default_value = "Task")]
    pub jira_issue_type: String,
    /// The PagerDuty Events v2 routing key, for --format pagerduty
    #[arg(long, value_name = "KEY")]
    pub routing_key: Option<String>,
}

#[derive(Args, Debug)]
pub struct MonitorArgs {
    /// The rules document (.yaml, .yml, .json or .toml)
    #[arg(long, value_name = "FILE")]
    pub rules: PathBuf,
    /// The cases (JSON; the shape is below)
    #[arg(long, value_name = "FILE")]
    pub cases: PathBuf,
    /// Where the last run's `now` is kept: read for the default --since, written after a run
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Exit 1 when a case was rejected (the others are still reported)
    #[arg(long)]
    pub strict: bool,
    #[command(flatten)]
    pub window: Window,
    #[command(flatten)]
    pub output: Output,
}

/// `--now` and `--since` of the demo.
#[derive(Args, Debug, Clone)]
pub struct DemoWindow {
    /// The run's instant, RFC 3339 with an offset [default: the sample's 2026-11-25T20:30:00Z]
    #[arg(long, value_parser = instant, value_name = "INSTANT")]
    pub now: Option<DateTime<Utc>>,
    /// The start of the window (since, now] whose events are reported, or `none` for everything
    /// up to --now [default: --now minus one day]
    #[arg(long, value_parser = since, value_name = "INSTANT|none")]
    pub since: Option<Since>,
}

#[derive(Args, Debug)]
pub struct DemoArgs {
    #[command(flatten)]
    pub window: DemoWindow,
    #[command(flatten)]
    pub output: Output,
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// The account (its `account.id` in the rules, else the entitlement id)
    #[arg(
        long,
        value_name = "ID",
        required_unless_present = "portfolio",
        conflicts_with = "portfolio"
    )]
    pub account: Option<String>,
    /// The portfolio page of every account instead of one account's page
    #[arg(long)]
    pub portfolio: bool,
    /// The period's first day (YYYY-MM-DD)
    #[arg(long, value_parser = date, value_name = "DATE")]
    pub from: NaiveDate,
    /// The period's last day, included (YYYY-MM-DD)
    #[arg(long, value_parser = date, value_name = "DATE")]
    pub to: NaiveDate,
    /// Write the page here (atomically) instead of the standard output
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// The rules document [default: the bundled sample]
    #[arg(long, value_name = "FILE", requires = "cases")]
    pub rules: Option<PathBuf>,
    /// The cases (JSON) [default: the bundled sample]
    #[arg(long, value_name = "FILE", requires = "rules")]
    pub cases: Option<PathBuf>,
    /// The report's instant, RFC 3339 with an offset [default: the current time; the sample's
    /// 2026-11-25T20:30:00Z for the bundled sample]
    #[arg(long, value_parser = instant, value_name = "INSTANT")]
    pub now: Option<DateTime<Utc>>,
    /// The attainment goal in percent that the charts and the summary compare with
    #[arg(long, value_name = "PERCENT", default_value_t = 95.0)]
    pub goal: f64,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextOrJson {
    /// One finding per line
    Text,
    /// A JSON list
    Json,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// The rules document (.yaml, .yml, .json or .toml)
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// What to print: one finding per line (`FILE: PATH: message [code]`), or a JSON list of
    /// {code, path, message}
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub format: TextOrJson,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableOrJson {
    /// One line per milestone instance
    Table,
    /// The evaluations, one per case, as the core gives them
    Json,
}

#[derive(Args, Debug)]
pub struct EvaluateArgs {
    /// The rules document (.yaml, .yml, .json or .toml)
    #[arg(long, value_name = "FILE")]
    pub rules: PathBuf,
    /// One case or a cases file (JSON; the shapes are below)
    #[arg(long, visible_alias = "case", value_name = "FILE")]
    pub cases: PathBuf,
    /// The instant to evaluate at, RFC 3339 with an offset [default: the current time]
    #[arg(long, value_parser = instant, value_name = "INSTANT")]
    pub now: Option<DateTime<Utc>>,
    /// What to print
    #[arg(long, value_enum, default_value_t = TableOrJson::Table)]
    pub format: TableOrJson,
}

#[derive(Args, Debug)]
pub struct SchemaArgs {
    /// The schema of the results (statuses, evaluations, events, alerts, reports) instead
    #[arg(long, conflicts_with = "openapi")]
    pub results: bool,
    /// The OpenAPI 3.0 document of `entitlement serve` instead (what it serves at /openapi.json)
    #[arg(long)]
    pub openapi: bool,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DocFormat {
    Yaml,
    Json,
}

/// Where an import writes.
#[derive(Args, Debug)]
pub struct ImportOutput {
    /// Write the document here (atomically) instead of the standard output
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// The document's format [default: from the extension of --out, else yaml]
    #[arg(long, value_enum)]
    pub format: Option<DocFormat>,
}

#[derive(Subcommand, Debug)]
pub enum ImportCommand {
    /// Salesforce: BusinessHours, Holiday, EntitlementProcess metadata, Entitlement records
    #[command(
        long_about = "Salesforce Service Cloud: business hours and holidays (REST / SOQL JSON), \
                      entitlement processes and milestone types (Metadata API XML, a retrieved \
                      folder or files), entitlements (SOQL JSON) into one rules document. The \
                      field-by-field mapping: docs/import-salesforce.md; sample inputs: \
                      examples/data/import/salesforce/. Warnings go to the standard error.",
        after_help = EXIT_CODES
    )]
    Salesforce(SalesforceArgs),
    /// Zendesk: schedules with their holidays, and SLA policies
    #[command(
        long_about = "Zendesk: schedules (GET /api/v2/business_hours/schedules) with their holidays, \
                      and SLA policies (GET /api/v2/slas/policies) into one rules document. The \
                      mapping: docs/import-zendesk.md; sample inputs: examples/data/import/zendesk/. \
                      Warnings go to the standard error.",
        after_help = EXIT_CODES
    )]
    Zendesk(ZendeskArgs),
    /// ServiceNow: schedules with their entries and child schedules, and SLA definitions
    #[command(
        long_about = "ServiceNow: schedules (cmn_schedule) with their entries (cmn_schedule_span) \
                      and child schedules (cmn_other_schedule), and SLA definitions \
                      (contract_sla), as the REST Table API returns them, into one rules \
                      document. The mapping: docs/import-servicenow.md; sample inputs: \
                      examples/data/import/servicenow/. Warnings go to the standard error.",
        after_help = EXIT_CODES
    )]
    Servicenow(ServicenowArgs),
    /// Dynamics 365 Customer Service: calendars, SLAs with items and KPIs, entitlements
    #[command(
        long_about = "Dynamics 365 Customer Service: calendars (GET /api/data/v9.2/calendars?$expand=calendar_calendar_rules), \
                      SLAs with their items and KPIs (slas, slaitems, msdyn_slakpis) and entitlements \
                      with their channels (entitlements, entitlementchannels) into one rules \
                      document. The mapping: docs/import-dynamics.md; sample inputs: \
                      examples/data/import/dynamics/. Warnings go to the standard error.",
        after_help = EXIT_CODES
    )]
    Dynamics(DynamicsArgs),
    /// iCalendar (.ics) holiday feed: its holidays, or a calendar with them
    #[command(
        long_about = "An iCalendar (.ics) holiday feed: with --time-zone, the fragment {holidays: \
                      [...]}; with --calendar NAME --base FILE, a calendar document {calendars: \
                      {NAME: ...}} whose definition is the base's (time_zone, hours, ...) with the \
                      feed's holidays added. docs/import-ics.md. Warnings go to the standard error.",
        after_help = EXIT_CODES
    )]
    Ics(IcsArgs),
}

#[derive(Args, Debug)]
pub struct SalesforceArgs {
    /// BusinessHours query result (JSON)
    #[arg(long, value_name = "FILE")]
    pub business_hours: Option<PathBuf>,
    /// Holiday query result (JSON), or a mapping from business-hours Id or Name to one
    #[arg(long, value_name = "FILE", requires = "business_hours")]
    pub holidays: Option<PathBuf>,
    /// EntitlementProcess / MilestoneType metadata: a retrieved folder or XML files; repeatable
    #[arg(long, value_name = "PATH")]
    pub metadata: Vec<PathBuf>,
    /// Entitlement query result (JSON)
    #[arg(long, value_name = "FILE")]
    pub entitlements: Option<PathBuf>,
    /// SlaProcess query result (JSON), for entitlements that name their process by id
    #[arg(long, value_name = "FILE", requires = "entitlements")]
    pub sla_processes: Option<PathBuf>,
    #[command(flatten)]
    pub output: ImportOutput,
}

#[derive(Args, Debug)]
pub struct ZendeskArgs {
    /// Schedules response (JSON)
    #[arg(long, value_name = "FILE")]
    pub schedules: Option<PathBuf>,
    /// Holidays: one schedule's holidays response, or {"<schedule id>": response, ...}
    #[arg(long, value_name = "FILE", requires = "schedules")]
    pub holidays: Option<PathBuf>,
    /// SLA policies response (JSON)
    #[arg(long, value_name = "FILE")]
    pub sla_policies: Option<PathBuf>,
    /// The calendar (schedule name) business-hours targets run on
    #[arg(long, value_name = "NAME", requires = "sla_policies")]
    pub schedule: Option<String>,
    #[command(flatten)]
    pub output: ImportOutput,
}

#[derive(Args, Debug)]
pub struct ServicenowArgs {
    /// cmn_schedule rows (JSON: the Table API body or a list of rows)
    #[arg(long, value_name = "FILE", requires = "spans")]
    pub schedules: Option<PathBuf>,
    /// cmn_schedule_span rows (JSON)
    #[arg(long, value_name = "FILE", requires = "schedules")]
    pub spans: Option<PathBuf>,
    /// cmn_other_schedule rows (JSON): child schedules
    #[arg(long, value_name = "FILE", requires = "schedules")]
    pub other_schedules: Option<PathBuf>,
    /// contract_sla rows (JSON); their schedules are named from --schedules
    #[arg(long, value_name = "FILE")]
    pub sla_definitions: Option<PathBuf>,
    /// The zone of floating schedules: ZONE for all, or NAME=ZONE (schedule name or sys_id); repeatable
    #[arg(long, value_name = "ZONE")]
    pub time_zone: Vec<String>,
    #[command(flatten)]
    pub output: ImportOutput,
}

#[derive(Args, Debug)]
pub struct DynamicsArgs {
    /// Calendars response (JSON): the schedules, their inner calendars and holiday schedules
    #[arg(long, value_name = "FILE")]
    pub calendars: Option<PathBuf>,
    /// SLAs response (JSON)
    #[arg(long, value_name = "FILE")]
    pub slas: Option<PathBuf>,
    /// SLA items response (JSON)
    #[arg(long, value_name = "FILE", requires = "slas")]
    pub sla_items: Option<PathBuf>,
    /// SLA KPIs response (msdyn_slakpis, JSON)
    #[arg(long, value_name = "FILE", requires = "slas")]
    pub kpis: Option<PathBuf>,
    /// An incident status reason (statuscode) that pauses SLAs allowing pause (repeatable)
    #[arg(long, value_name = "CODE", requires = "slas")]
    pub pause_status: Vec<i64>,
    /// Entitlements response (JSON)
    #[arg(long, value_name = "FILE")]
    pub entitlements: Option<PathBuf>,
    /// Entitlement channels response (JSON)
    #[arg(long, value_name = "FILE", requires = "entitlements")]
    pub channels: Option<PathBuf>,
    #[command(flatten)]
    pub output: ImportOutput,
}

#[derive(Args, Debug)]
pub struct IcsArgs {
    /// The feed (.ics)
    #[arg(value_name = "FEED")]
    pub feed: PathBuf,
    /// The calendar's time zone (IANA), for the holidays alone
    #[arg(
        long,
        value_name = "ZONE",
        required_unless_present = "calendar",
        conflicts_with = "calendar"
    )]
    pub time_zone: Option<String>,
    /// The name of the calendar to write
    #[arg(long, value_name = "NAME", requires = "base")]
    pub calendar: Option<String>,
    /// The calendar's definition without the feed (YAML or JSON: time_zone, hours, ...)
    #[arg(long, value_name = "FILE", requires = "calendar")]
    pub base: Option<PathBuf>,
    #[command(flatten)]
    pub output: ImportOutput,
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_command_is_well_formed() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}

#[derive(Args, Debug)]
pub struct DiffArgs {
    /// The old rules document (.yaml, .yml, .json or .toml)
    #[arg(value_name = "OLD")]
    pub old: PathBuf,
    /// The new rules document
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
    /// Cases (JSON, as `evaluate` reads them) whose open deadlines to compare
    #[arg(long, value_name = "FILE")]
    pub cases: Option<PathBuf>,
    /// The instant to evaluate the cases at, RFC 3339 with an offset [default: the `now` of
    /// the cases file, else the current time]
    #[arg(long, value_parser = instant, value_name = "INSTANT", requires = "cases")]
    pub now: Option<DateTime<Utc>>,
    /// What to print: one change per line (`+` added, `-` removed, `~` changed), or JSON
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub format: TextOrJson,
    /// The same as --format json
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
}
