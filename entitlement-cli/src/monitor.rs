//! `entitlement monitor` and `entitlement demo`: one monitor run, its filters and its formats.

use std::io::Write;
use std::path::Path;

use chrono::{DateTime, TimeDelta, Utc};
use entitlement_core::MilestoneState;
use entitlement_core::rules::{
    Alert, CaseError, CaseEvaluation, Level, MilestoneStatus, MonitorReport, OnError, Ruleset,
    StatusRef,
};
use serde_json::Value;

use crate::args::{DemoArgs, Format, MonitorArgs, Output};
use crate::input::{self, Since};
use crate::output::{Failure, Out, Status, json_line, json_pretty, note};
use crate::state::{self, Written};
use crate::table;

/// The bundled sample, built into the binary so that `demo` runs anywhere. `sample/` holds
/// symbolic links to `examples/data/`, inside the crate so that its published package (which
/// copies what a link points to) carries the files.
pub const SAMPLE_RULES: &str = include_str!("../sample/rules.yaml");
pub const SAMPLE_CASES: &str = include_str!("../sample/cases.json");
pub const SAMPLE_RULES_NAME: &str = "examples/data/rules.yaml (bundled)";
pub const SAMPLE_CASES_NAME: &str = "examples/data/cases.json (bundled)";

/// Rows of each list the table shows without `--limit`.
const TABLE_ROWS: usize = 25;

/// What the table's heading names.
pub struct Sources<'a> {
    pub rules: &'a str,
    pub cases: &'a str,
}

pub fn monitor(args: MonitorArgs, out: &mut Out) -> Result<Status, Failure> {
    check_format(&args.output)?;
    let rules = input::rules(&args.rules)?;
    let file = input::cases(&args.cases, false)?;
    report_rejected(&args.cases, &file.rejected);
    let now = args.window.now.unwrap_or_else(input::current_time);
    let kept = match &args.state {
        Some(path) => state::read(path)?,
        None => None,
    };
    let since = match args.window.since {
        Some(Since::Beginning) => None,
        Some(Since::At(t)) => Some(t),
        None => Some(kept.unwrap_or(now - TimeDelta::days(1))),
    };
    let from_state = args.window.since.is_none() && kept.is_some();
    check_window(since, now, args.state.as_deref().filter(|_| from_state))?;
    let mut report = rules
        .monitor_batch(&file.batch, now, since, OnError::Collect)
        .map_err(|e| Failure::in_file(&args.cases, &e))?;
    report_errors(&args.cases, &report, &file.rejected);
    let sources = Sources {
        rules: &args.rules.display().to_string(),
        cases: &args.cases.display().to_string(),
    };
    render(&mut report, &rules, &args.output, &sources, out)?;
    // The state moves on only once every alert reached the reader.
    out.finish()?;
    if let Some(path) = &args.state
        && let Written::KeptLater(later) = state::write(path, now)?
    {
        note(format!(
            "{}: kept {}: this run's now ({}) is earlier, and writing it back would report \
             alerts again",
            path.display(),
            entitlement_core::time::rfc3339(later),
            entitlement_core::time::rfc3339(now)
        ));
    }
    // `errors` holds the cases the file could not give (also in `file.rejected`) and those the
    // rules could not check.
    Ok(if args.strict && !report.errors.is_empty() {
        Status::Findings
    } else {
        Status::Clean
    })
}

pub fn demo(args: DemoArgs, out: &mut Out) -> Result<Status, Failure> {
    check_format(&args.output)?;
    let internal = |e: &entitlement_core::Error| {
        Failure::Error(format!("the bundled sample: {e} [{}]", e.code()))
    };
    let rules = Ruleset::from_yaml(SAMPLE_RULES).map_err(|e| internal(&e))?;
    let file = input::cases_text(SAMPLE_CASES, Path::new(SAMPLE_CASES_NAME), false)?;
    let sample_now = file
        .now
        .ok_or_else(|| Failure::Error("the bundled sample has no `now`".into()))?;
    let now = args.window.now.unwrap_or(sample_now);
    let since = match args.window.since {
        Some(Since::Beginning) => None,
        Some(Since::At(t)) => Some(t),
        None => Some(now - TimeDelta::days(1)),
    };
    check_window(since, now, None)?;
    let mut report = rules
        .monitor_batch(&file.batch, now, since, OnError::Collect)
        .map_err(|e| internal(&e))?;
    let sources = Sources {
        rules: SAMPLE_RULES_NAME,
        cases: SAMPLE_CASES_NAME,
    };
    render(&mut report, &rules, &args.output, &sources, out)?;
    Ok(Status::Clean)
}

fn check_format(o: &Output) -> Result<(), Failure> {
    match o.format {
        Format::Jira if o.jira_project.is_none() => Err(Failure::Error(
            "--format jira needs --jira-project KEY".into(),
        )),
        Format::Pagerduty if o.routing_key.is_none() => Err(Failure::Error(
            "--format pagerduty needs --routing-key KEY".into(),
        )),
        _ => Ok(()),
    }
}

/// A window whose `since` is not before `now` is refused: it would report nothing, and a job
/// that then wrote the earlier time back would report old alerts again.
/// `state`: the state file, when `since` is the `now` it holds.
fn check_window(
    since: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    state: Option<&Path>,
) -> Result<(), Failure> {
    let Some(since) = since.filter(|s| *s >= now) else {
        return Ok(());
    };
    let from = match state {
        Some(path) => format!("the `now` of {}", path.display()),
        None => "--since".to_string(),
    };
    Err(Failure::Error(format!(
        "{from} ({}) is not before --now ({}): the window (since, now] is empty \
         [invalid_window]",
        entitlement_core::time::rfc3339(since),
        entitlement_core::time::rfc3339(now)
    )))
}

/// Notes (on stderr) the cases the rules could not check; those the file could not give were
/// noted as they were read.
pub fn report_errors(file: &Path, report: &MonitorReport, read: &[CaseError]) {
    let read: std::collections::HashSet<usize> = read.iter().map(|r| r.index).collect();
    for e in report.errors.iter().filter(|e| !read.contains(&e.index)) {
        note(format!(
            "{}: {} left out: {} [{}]",
            file.display(),
            e.path,
            e.message,
            e.code
        ));
    }
}

pub fn report_rejected(file: &Path, rejected: &[CaseError]) {
    for r in rejected {
        note(format!(
            "{}: {} left out: {} [{}]",
            file.display(),
            r.path,
            r.message,
            r.code
        ));
    }
    if !rejected.is_empty() {
        note(format!(
            "{}: {} case{} could not be read; the others ran",
            file.display(),
            rejected.len(),
            if rejected.len() == 1 { "" } else { "s" }
        ));
    }
}

/// The account a case belongs to, as rollups name it: the entitlement's `account.id`, else the
/// entitlement id.
pub fn account_of(eval: &CaseEvaluation) -> Option<String> {
    eval.account
        .get("id")
        .and_then(text)
        .or_else(|| eval.entitlement.clone())
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A milestone's level: the highest trigger it crossed, `violation` once breached.
pub fn level_of(s: &MilestoneStatus) -> Option<Level> {
    let crossed = s.crossed.iter().max().copied();
    if s.state == MilestoneState::Violated {
        Some(crossed.map_or(Level::Violation, |l| l.max(Level::Violation)))
    } else {
        crossed
    }
}

/// The filters of `--account` and `--level`.
pub struct Filters<'a> {
    accounts: &'a [String],
    level: Option<Level>,
}

impl<'a> Filters<'a> {
    pub fn new(o: &'a Output) -> Filters<'a> {
        Filters {
            accounts: &o.accounts,
            level: o.level.map(|l| l.level()),
        }
    }

    fn account_ok(&self, account: Option<&str>) -> bool {
        self.accounts.is_empty() || account.is_some_and(|a| self.accounts.iter().any(|x| x == a))
    }

    pub fn status(&self, report: &MonitorReport, place: StatusRef) -> bool {
        let eval = &report.cases[place.case as usize];
        let s = report.status(place);
        self.account_ok(account_of(eval).as_deref())
            && self
                .level
                .is_none_or(|min| level_of(s).is_some_and(|l| l >= min))
    }

    pub fn alert(&self, a: &Alert) -> bool {
        let account = a.account_id.as_deref().or(a.entitlement.as_deref());
        self.account_ok(account) && self.level.is_none_or(|min| a.level >= min)
    }

    pub fn account(&self, id: &str) -> bool {
        self.account_ok(Some(id))
    }
}

fn render(
    report: &mut MonitorReport,
    rules: &Ruleset,
    o: &Output,
    sources: &Sources<'_>,
    out: &mut Out,
) -> Result<(), Failure> {
    let filters = Filters::new(o);
    // The open milestones of neither list that pass the filters, counted before the filters
    // narrow the two lists (`open` starts with them).
    let listed = report.at_risk.len() + report.breached.len();
    let on_track = report.open[listed..]
        .iter()
        .filter(|&&p| filters.status(report, p))
        .count();
    let keep = |r: &MonitorReport, list: &[StatusRef]| -> Vec<StatusRef> {
        list.iter()
            .copied()
            .filter(|&p| filters.status(r, p))
            .collect()
    };
    report.at_risk = keep(report, &report.at_risk);
    report.breached = keep(report, &report.breached);
    let alerts = || report_alerts(report, &filters);
    match o.format {
        Format::Table => {
            let limit = o.limit.unwrap_or(TABLE_ROWS);
            table::monitor(report, rules, &filters, (limit, on_track), sources, out)?;
        }
        Format::Json => {
            if let Some(n) = o.limit {
                report.at_risk.truncate(n);
                report.breached.truncate(n);
            }
            json_pretty(out, &*report)?;
        }
        Format::Ndjson => {
            for a in alerts() {
                json_line(out, a)?;
            }
        }
        Format::Slack => {
            for a in alerts() {
                json_line(out, &a.slack_blocks())?;
            }
        }
        Format::Email => {
            for a in alerts() {
                json_line(out, &a.email())?;
            }
        }
        Format::Jira => {
            let project = o.jira_project.as_deref().unwrap_or_default();
            for a in alerts() {
                json_line(out, &a.jira_issue(project, &o.jira_issue_type))?;
            }
        }
        Format::Pagerduty => {
            let key = o.routing_key.as_deref().unwrap_or_default();
            for a in alerts() {
                json_line(out, &a.pagerduty_event(key))?;
            }
        }
    }
    out.flush()?;
    Ok(())
}

fn report_alerts<'r>(report: &'r MonitorReport, filters: &Filters<'_>) -> Vec<&'r Alert> {
    report.alerts.iter().filter(|a| filters.alert(a)).collect()
}
