//! `entitlement`: the main job.
//!
//! Replays every bundled sample case against the bundled sample rules at a fixed `now` and
//! prints what a support lead needs: open milestones by time left (breached first), what was
//! met and missed, cases not covered, and each entitlement's case counts. The breach monitor
//! (alerts exactly once, account rollups) grows out of this report.
//!
//! ```text
//! cargo run --release -p entitlement-cli                # the report
//! cargo run --release -p entitlement-cli -- --json      # the same as JSON
//! cargo run --release -p entitlement-cli -- --now 2026-11-26T15:00:00Z --rules FILE --cases FILE
//! cargo run --release -p entitlement-cli -- --schema    # the document's JSON Schema
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, Utc};
use entitlement_core::rules::{Case, CaseEvaluation, Ruleset};
use serde_json::{Value, json};

struct Args {
    json: bool,
    schema: bool,
    now: Option<DateTime<Utc>>,
    rules: PathBuf,
    cases: PathBuf,
}

const USAGE: &str =
    "usage: entitlement [--json] [--now RFC3339] [--rules FILE] [--cases FILE] [--schema]";

fn parse_args() -> Result<Args, String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut args = Args {
        json: false,
        schema: false,
        now: None,
        rules: root.join("examples/data/rules.yaml"),
        cases: root.join("examples/data/cases.json"),
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--json" => args.json = true,
            "--schema" => args.schema = true,
            "--now" => {
                let v = it
                    .next()
                    .ok_or("--now needs an RFC 3339 instant with an offset")?;
                args.now = Some(
                    DateTime::parse_from_rfc3339(&v)
                        .map_err(|e| {
                            format!("--now {v:?}: {e}; write it like 2026-11-25T20:30:00Z")
                        })?
                        .to_utc(),
                );
            }
            "--rules" => args.rules = it.next().ok_or("--rules needs a file")?.into(),
            "--cases" => args.cases = it.next().ok_or("--cases needs a file")?.into(),
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other:?}; {USAGE}")),
        }
    }
    Ok(args)
}

/// Reads the cases file: `{"now": ..., "cases": [...]}` or a bare list of cases.
fn load_cases(path: &PathBuf) -> Result<(Option<DateTime<Utc>>, Vec<Case>), String> {
    let shown = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| format!("{shown}: {e}"))?;
    let doc: Value = serde_json::from_str(&text).map_err(|e| format!("{shown}: {e}"))?;
    let (now, list) = match &doc {
        Value::Array(list) => (None, list),
        Value::Object(map) => {
            let now = match map.get("now").and_then(Value::as_str) {
                Some(s) => Some(
                    DateTime::parse_from_rfc3339(s)
                        .map_err(|e| format!("{shown}: now {s:?}: {e}"))?
                        .to_utc(),
                ),
                None => None,
            };
            let list = map
                .get("cases")
                .and_then(Value::as_array)
                .ok_or_else(|| format!("{shown}: expected a `cases` list"))?;
            (now, list)
        }
        _ => {
            return Err(format!(
                "{shown}: expected a list of cases or {{now, cases}}"
            ));
        }
    };
    let cases = list
        .iter()
        .enumerate()
        .map(|(i, c)| Case::from_value_at(c, i).map_err(|e| format!("{shown}: {e}")))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((now, cases))
}

fn local(rules: &Ruleset, calendar: Option<&str>, t: DateTime<Utc>) -> String {
    let tz = calendar
        .and_then(|n| rules.calendars().get(n))
        .and_then(|c| c.time_zone())
        .and_then(|z| z.parse::<chrono_tz::Tz>().ok());
    match tz {
        Some(tz) => t.with_timezone(&tz).format("%a %d %b %H:%M %Z").to_string(),
        None => t.format("%a %d %b %H:%M UTC").to_string(),
    }
}

/// Business time for people: hours and minutes (`26h30m`, `-45m`), never `d`, which would read
/// as calendar days.
fn hours_minutes(d: chrono::TimeDelta) -> String {
    let minutes = d.num_minutes();
    let (sign, m) = if minutes < 0 {
        ("-", -minutes)
    } else {
        ("", minutes)
    };
    match (m / 60, m % 60) {
        (0, m) => format!("{sign}{m}m"),
        (h, 0) => format!("{sign}{h}h"),
        (h, m) => format!("{sign}{h}h{m:02}m"),
    }
}

fn micros(d: chrono::TimeDelta) -> i64 {
    d.num_microseconds().unwrap_or(i64::MAX)
}

fn run() -> Result<(), String> {
    let args = parse_args()?;
    if args.schema {
        let schema = entitlement_core::schema::ruleset_schema();
        println!(
            "{}",
            serde_json::to_string_pretty(&schema).map_err(|e| e.to_string())?
        );
        return Ok(());
    }
    let started = std::time::Instant::now();
    let rules = Ruleset::load(&args.rules).map_err(|e| e.to_string())?;
    let (file_now, cases) = load_cases(&args.cases)?;
    let now = args
        .now
        .or(file_now)
        .ok_or("no `now`: give --now or a `now` in the cases file")?;
    let evaluations: Vec<CaseEvaluation> = cases
        .iter()
        .map(|c| rules.evaluate_case(c, now).map_err(|e| e.to_string()))
        .collect::<Result<_, _>>()?;
    let usage = rules
        .entitlements()
        .iter()
        .map(|e| {
            rules
                .entitlement_usage(&e.id, &cases, now)
                .map_err(|e| e.to_string())
        })
        .collect::<Result<Vec<_>, _>>()?;

    if args.json {
        let doc = json!({
            "now": now.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
            "cases": evaluations,
            "entitlements": usage,
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?
        );
        return Ok(());
    }

    println!(
        "Entitlement: {} cases under {} entitlements at {}",
        cases.len(),
        rules.entitlements().len(),
        now.format("%a %Y-%m-%d %H:%M UTC")
    );
    println!(
        "rules {}, cases {}\n",
        args.rules.display(),
        args.cases.display()
    );

    let account = |e: &CaseEvaluation| {
        e.account
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("-")
            .to_string()
    };
    let mut open: Vec<(&CaseEvaluation, &entitlement_core::MilestoneStatus)> = evaluations
        .iter()
        .flat_map(|e| e.milestones.iter().map(move |m| (e, m)))
        .filter(|(_, m)| m.state.is_open())
        .collect();
    open.sort_by_key(|(_, m)| m.remaining.map(micros).unwrap_or(i64::MAX));
    println!("Open milestones, least time left first");
    println!(
        "  {:<8} {:<10} {:<18} {:<11} {:<24} {:>9} {:>6}  crossed",
        "case", "account", "milestone", "state", "due (desk time)", "left", "used"
    );
    for (e, m) in &open {
        let due = m
            .target_at
            .map(|t| local(&rules, m.calendar.as_deref(), t))
            .unwrap_or_default();
        let left = m.remaining.map(hours_minutes).unwrap_or_default();
        let used = m
            .consumed
            .map(|c| format!("{:.0}%", c * 100.0))
            .unwrap_or_default();
        let crossed: Vec<&str> = m.crossed.iter().map(|l| l.as_str()).collect();
        println!(
            "  {:<8} {:<10} {:<18} {:<11} {:<24} {:>9} {:>6}  {}",
            e.case_id,
            account(e),
            format!("{} #{}", m.milestone, m.instance),
            m.state.as_str(),
            due,
            left,
            used,
            crossed.join(", ")
        );
    }

    let done: Vec<_> = evaluations
        .iter()
        .flat_map(|e| e.milestones.iter())
        .filter(|m| !m.state.is_open() && m.completed_at.is_some())
        .collect();
    let late: Vec<_> = done
        .iter()
        .filter(|m| m.state == entitlement_core::MilestoneState::CompletedLate)
        .collect();
    println!(
        "\nCompleted milestones: {} on time, {} late{}",
        done.len() - late.len(),
        late.len(),
        if late.is_empty() {
            String::new()
        } else {
            format!(
                " ({})",
                late.iter()
                    .map(|m| format!("{} {} #{}", m.case_id, m.milestone, m.instance))
                    .collect::<Vec<_>>()
                    .join("; ")
            )
        }
    );
    let uncovered: Vec<_> = evaluations.iter().filter(|e| !e.covered).collect();
    if !uncovered.is_empty() {
        println!("\nNot covered");
        for e in uncovered {
            println!(
                "  {:<8} {}",
                e.case_id,
                e.reason.as_deref().unwrap_or("not covered")
            );
        }
    }
    println!("\nEntitlements");
    for u in &usage {
        let allowance = match (u.cases_per_entitlement, u.cases_remaining) {
            (Some(a), Some(r)) => format!("{}/{a} cases used, {r} left", u.cases_used),
            _ => format!("{} cases", u.cases_used),
        };
        let quotas: Vec<String> = u
            .quotas
            .iter()
            .map(|q| {
                format!(
                    "{} {}/{}",
                    q.name.as_deref().unwrap_or(q.period.as_str()),
                    q.used,
                    q.max_cases
                )
            })
            .collect();
        println!(
            "  {:<20} {:<8} {}{}",
            u.entitlement,
            u.status.as_str(),
            allowance,
            if quotas.is_empty() {
                String::new()
            } else {
                format!("; this period: {}", quotas.join(", "))
            }
        );
    }
    eprintln!("\ndone in {:.1} ms", started.elapsed().as_secs_f64() * 1e3);
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("entitlement: {e}");
            ExitCode::from(2)
        }
    }
}
