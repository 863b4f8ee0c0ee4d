//! `entitlement`: the main job.
//!
//! Runs the breach monitor over the bundled sample rules and a month of sample cases at a fixed
//! `now`, and prints what a support lead needs: the open milestones by time left, the alerts a
//! scheduled run would send for the window `(since, now]`, and per-account rollups.
//!
//! ```text
//! cargo run --release -p entitlement-cli                # the report
//! cargo run --release -p entitlement-cli -- --json      # the same as JSON
//! cargo run --release -p entitlement-cli -- --now 2026-11-26T15:00:00Z --since 2026-11-26T14:45:00Z
//! cargo run --release -p entitlement-cli -- --rules FILE --cases FILE --since none
//! cargo run --release -p entitlement-cli -- --schema    # the document's JSON Schema
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, TimeDelta, Utc};
use entitlement_core::rules::{Case, MonitorReport, Ruleset, hours_minutes};
use entitlement_core::time::parse_instant;
use serde_json::Value;

struct Args {
    json: bool,
    schema: bool,
    now: Option<DateTime<Utc>>,
    /// `None`: the default (a day before `now`); `Some(None)`: everything up to `now`.
    since: Option<Option<DateTime<Utc>>>,
    rules: PathBuf,
    cases: PathBuf,
}

const USAGE: &str = "usage: entitlement [--json] [--now RFC3339] [--since RFC3339|none] [--rules FILE] [--cases FILE] [--schema]";

/// An instant as the core reads it everywhere (ISO 8601 with a UTC offset).
fn instant(flag: &str, v: &str) -> Result<DateTime<Utc>, String> {
    let micros = parse_instant(v, flag).map_err(|e| e.to_string())?;
    DateTime::from_timestamp_micros(micros).ok_or_else(|| format!("{flag} {v:?} is out of range"))
}

fn parse_args() -> Result<Args, String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut args = Args {
        json: false,
        schema: false,
        now: None,
        since: None,
        rules: root.join("examples/data/rules.yaml"),
        cases: root.join("examples/data/cases.json"),
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = |what: &str| it.next().ok_or(format!("{a} needs {what}"));
        match a.as_str() {
            "--json" => args.json = true,
            "--schema" => args.schema = true,
            "--now" => args.now = Some(instant("--now", &value("an RFC 3339 instant")?)?),
            "--since" => {
                let v = value("an RFC 3339 instant or `none`")?;
                args.since = Some(if v == "none" {
                    None
                } else {
                    Some(instant("--since", &v)?)
                });
            }
            "--rules" => args.rules = value("a file")?.into(),
            "--cases" => args.cases = value("a file")?.into(),
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
                Some(s) => Some(instant("now", s).map_err(|e| format!("{shown}: {e}"))?),
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
    let progress = list.len() >= 50_000;
    let mut cases = Vec::with_capacity(list.len());
    for (i, c) in list.iter().enumerate() {
        cases.push(Case::from_value_at(c, i).map_err(|e| format!("{shown}: {e}"))?);
        if progress && (i + 1) % 100_000 == 0 {
            eprintln!("read {} of {} cases", i + 1, list.len());
        }
    }
    Ok((now, cases))
}

fn text(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => "-".into(),
    }
}

fn money(v: Option<&Value>) -> String {
    match v.and_then(Value::as_f64) {
        Some(x) if x >= 1e6 => format!("${:.1}M", x / 1e6),
        Some(x) if x >= 1e3 => format!("${:.0}k", x / 1e3),
        Some(x) => format!("${x:.0}"),
        None => "-".into(),
    }
}

fn print_report(r: &MonitorReport, rules: &Ruleset, args: &Args, elapsed: f64) {
    let since = r.since.map_or_else(
        || "the beginning".to_string(),
        entitlement_core::time::rfc3339,
    );
    println!(
        "Entitlement breach monitor at {} over {} cases ({} entitlements)",
        r.now.format("%a %Y-%m-%d %H:%M UTC"),
        r.cases.len(),
        rules.entitlements().len()
    );
    println!(
        "rules {}\ncases {}\n",
        args.rules.display(),
        args.cases.display()
    );

    let account = |case_id: &str| {
        r.cases
            .iter()
            .find(|c| c.case_id == case_id)
            .map(|c| text(c.account.get("name")))
            .unwrap_or_default()
    };
    const SHOWN: usize = 25;
    println!(
        "At-risk and breached milestones, least time left first ({} open)",
        r.open.len()
    );
    println!(
        "  {:<7} {:<18} {:<17} {:<11} {:<22} {:>8} {:>6}  crossed",
        "case", "account", "milestone", "state", "due (desk time)", "left", "used"
    );
    for m in r.statuses().into_iter().take(SHOWN) {
        let due = m
            .target_at
            .map(|t| {
                let tz = m
                    .calendar
                    .as_deref()
                    .and_then(|n| rules.calendars().get(n))
                    .and_then(|c| c.time_zone())
                    .and_then(|z| z.parse::<chrono_tz::Tz>().ok());
                match tz {
                    Some(tz) => t.with_timezone(&tz).format("%a %d %b %H:%M %Z").to_string(),
                    None => t.format("%a %d %b %H:%M UTC").to_string(),
                }
            })
            .unwrap_or_default();
        let crossed: Vec<&str> = m.crossed.iter().map(|l| l.as_str()).collect();
        println!(
            "  {:<7} {:<18} {:<17} {:<11} {:<22} {:>8} {:>6}  {}",
            m.case_id,
            account(&m.case_id),
            format!("{} #{}", m.milestone, m.instance),
            m.state.as_str(),
            due,
            m.remaining.map(hours_minutes).unwrap_or_default(),
            m.consumed
                .map(|c| format!("{:.0}%", c * 100.0))
                .unwrap_or_default(),
            crossed.join(", ")
        );
    }
    if r.open.len() > SHOWN {
        println!(
            "  ... and {} more (--json lists them all)",
            r.open.len() - SHOWN
        );
    }

    let suppressed = r.events.iter().filter(|e| e.suppressed).count();
    println!(
        "\nAlerts for ({since}, now]: {} events, {} alerts, {} suppressed",
        r.events.len(),
        r.alerts.len(),
        suppressed
    );
    for a in &r.alerts {
        println!(
            "  {} {:<10} {}",
            a.at.format("%d %b %H:%M"),
            a.level.as_str(),
            a.title
        );
        if !a.actions.is_empty() {
            println!("  {:>24}-> {}", "", a.actions.join(", "));
        }
    }
    let mut by_rule: Vec<(String, usize)> = Vec::new();
    for e in r.events.iter().filter(|e| e.suppressed) {
        let rule = e.suppressed_by.clone().unwrap_or_default();
        match by_rule.iter_mut().find(|(r, _)| *r == rule) {
            Some((_, n)) => *n += 1,
            None => by_rule.push((rule, 1)),
        }
    }
    for (rule, n) in by_rule {
        println!("  suppressed by {rule}: {n}");
    }

    println!("\nAccounts");
    for a in &r.accounts {
        println!(
            "  {} ({}), ARR {}, renews {}: {} case{}, {} breaches, {} near misses, {} at risk{}{}",
            a.name.as_deref().unwrap_or("-"),
            a.account_id,
            money(a.arr.as_ref()),
            text(a.renewal_date.as_ref()),
            a.cases,
            if a.cases == 1 { "" } else { "s" },
            a.breaches,
            a.near_misses,
            a.at_risk,
            if a.projected_over {
                ", projected over quota"
            } else {
                ""
            },
            if a.chronic_over_consumer {
                ", CHRONIC over-consumer"
            } else {
                ""
            }
        );
        for p in a.processes.iter().filter(|p| !p.milestones.is_empty()) {
            let cells: Vec<String> = p
                .milestones
                .iter()
                .map(|m| match m.attainment {
                    Some(pct) => format!("{} {pct:.0}%", m.milestone),
                    None => format!("{} -", m.milestone),
                })
                .collect();
            println!("      {:<10} {}", p.process, cells.join(" | "));
        }
        for u in &a.usage {
            let mut parts = Vec::new();
            if let (Some(max), Some(left)) = (u.cases_per_entitlement, u.cases_remaining) {
                parts.push(format!("allowance {}/{max} ({left} left)", u.cases_used));
            }
            for q in &u.quotas {
                parts.push(format!(
                    "{} {}/{} (projected {:.0})",
                    q.name.as_deref().unwrap_or(q.period.as_str()),
                    q.used,
                    q.max_cases,
                    q.projected
                ));
            }
            if !parts.is_empty() {
                println!("      {:<10} {}", u.entitlement, parts.join(", "));
            }
        }
    }
    let uncovered: Vec<_> = r.cases.iter().filter(|c| !c.covered).collect();
    if !uncovered.is_empty() {
        println!("\nNot covered");
        for c in uncovered {
            println!(
                "  {:<7} {}",
                c.case_id,
                c.reason.as_deref().unwrap_or("not covered")
            );
        }
    }
    eprintln!("\nmonitor ran in {elapsed:.1} ms");
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
    let rules = Ruleset::load(&args.rules).map_err(|e| e.to_string())?;
    let (file_now, cases) = load_cases(&args.cases)?;
    let now = args
        .now
        .or(file_now)
        .ok_or("no `now`: give --now or a `now` in the cases file")?;
    let since = match args.since {
        Some(s) => s,
        None => Some(now - TimeDelta::days(1)),
    };
    let started = std::time::Instant::now();
    let report = rules
        .monitor(&cases, now, since)
        .map_err(|e| e.to_string())?;
    let elapsed = started.elapsed().as_secs_f64() * 1e3;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?
        );
        return Ok(());
    }
    print_report(&report, &rules, &args, elapsed);
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
