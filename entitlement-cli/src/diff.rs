//! `entitlement diff OLD NEW`: what changed between two rules documents and, with --cases,
//! which open milestones' deadlines move. Exit 0 when the documents are the same, 1 when they
//! differ (as `diff` does), 2 on an error.

use std::io::Write;

use entitlement_core::rules::{ChangeKind, DeadlineChange, DiffSide, RulesDiff, hours_minutes};
use entitlement_core::time::rfc3339;

use crate::args::{DiffArgs, TextOrJson};
use crate::input;
use crate::output::{Failure, Out, Status, json_pretty};

pub fn run(args: DiffArgs, out: &mut Out) -> Result<Status, Failure> {
    let old = input::rules(&args.old)?;
    let new = input::rules(&args.new)?;
    let (diff, now) = match &args.cases {
        None => (old.diff(&new), None),
        Some(path) => {
            let file = input::cases(path, false)?;
            let now = args.now.or(file.now).unwrap_or_else(input::current_time);
            let diff = old
                .diff_cases(&new, &file.batch, now)
                .map_err(|e| Failure::in_file(path, &e))?;
            (diff, Some(now))
        }
    };
    let format = if args.json {
        TextOrJson::Json
    } else {
        args.format
    };
    match format {
        TextOrJson::Json => json_pretty(out, &diff)?,
        TextOrJson::Text => text(&diff, now, out)?,
    }
    Ok(if diff.has_changes {
        Status::Findings
    } else {
        Status::Clean
    })
}

fn text(
    diff: &RulesDiff,
    now: Option<chrono::DateTime<chrono::Utc>>,
    out: &mut Out,
) -> Result<(), Failure> {
    for c in &diff.changes {
        let mark = match c.kind {
            ChangeKind::Added => '+',
            ChangeKind::Removed => '-',
            ChangeKind::Changed => '~',
        };
        writeln!(out, "{mark} {}: {}", c.path, c.message)?;
    }
    writeln!(
        out,
        "{}",
        match diff.changes.len() {
            0 => "no changes".to_string(),
            1 => "1 change".to_string(),
            n => format!("{n} changes"),
        }
    )?;
    let Some(now) = now else {
        return Ok(());
    };
    if !diff.deadlines.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "Open milestones whose deadlines move, at {}:",
            rfc3339(now)
        )?;
    }
    let at =
        |t: Option<chrono::DateTime<chrono::Utc>>| t.map_or_else(|| "none".to_string(), rfc3339);
    for d in &diff.deadlines {
        let what = format!("{} {} #{}", d.case_id, d.milestone, d.instance);
        match d.change {
            DeadlineChange::Moved => {
                let delta = d.delta.map_or_else(String::new, |d| {
                    let sign = if d > chrono::TimeDelta::zero() {
                        "+"
                    } else {
                        ""
                    };
                    format!(" ({sign}{})", hours_minutes(d))
                });
                writeln!(
                    out,
                    "  {what}: {} -> {}{delta}",
                    at(d.old_target_at),
                    at(d.new_target_at)
                )?;
            }
            DeadlineChange::Appeared => {
                writeln!(out, "  {what}: appears, due {}", at(d.new_target_at))?;
            }
            DeadlineChange::Disappeared => {
                writeln!(
                    out,
                    "  {what}: disappears (was due {})",
                    at(d.old_target_at)
                )?;
            }
        }
    }
    writeln!(
        out,
        "{}",
        match diff.deadlines.len() {
            0 => "no deadline moves".to_string(),
            1 => "1 deadline moves".to_string(),
            n => format!("{n} deadlines move"),
        }
    )?;
    if !diff.errors.is_empty() {
        writeln!(out)?;
        writeln!(out, "Cases left out:")?;
    }
    for e in &diff.errors {
        let side = match e.side {
            DiffSide::Old => "old rules",
            DiffSide::New => "new rules",
            DiffSide::Both => "both rules",
        };
        writeln!(out, "  {} ({side}): {} [{}]", e.path, e.message, e.code)?;
    }
    Ok(())
}
