//! `entitlement`: the main job.
//!
//! For now it prints the deadlines that the bundled sample calendars give for typical SLA
//! targets, from a fixed `now`; the breach monitor replaces it as the rules engine lands.
//!
//! ```text
//! cargo run --release -p entitlement-cli                # the report
//! cargo run --release -p entitlement-cli -- --json      # the same as JSON
//! cargo run --release -p entitlement-cli -- --now 2026-12-24T15:00:00Z --calendars FILE
//! ```

use std::path::PathBuf;
use std::process::ExitCode;

use chrono::{DateTime, TimeDelta, Utc};
use entitlement_core::document::{Format, parse};
use entitlement_core::{Calendar, Calendars};

const DEFAULT_NOW: &str = "2026-11-25T20:30:00Z";
const TARGETS: [(&str, i64); 5] = [
    ("15m", 15),
    ("1h", 60),
    ("4h", 240),
    ("8h", 480),
    ("40h", 2400),
];

struct Args {
    json: bool,
    now: DateTime<Utc>,
    calendars: PathBuf,
}

fn parse_args() -> Result<Args, String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut args = Args {
        json: false,
        now: DateTime::parse_from_rfc3339(DEFAULT_NOW)
            .map_err(|e| e.to_string())?
            .to_utc(),
        calendars: root.join("examples/data/rules.yaml"),
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--json" => args.json = true,
            "--now" => {
                let v = it
                    .next()
                    .ok_or("--now needs an RFC 3339 instant with an offset")?;
                args.now = DateTime::parse_from_rfc3339(&v)
                    .map_err(|e| format!("--now {v:?}: {e}; write it like 2026-11-25T20:30:00Z"))?
                    .to_utc();
            }
            "--calendars" => args.calendars = it.next().ok_or("--calendars needs a file")?.into(),
            "-h" | "--help" => {
                println!("usage: entitlement [--json] [--now RFC3339] [--calendars FILE]");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other:?}; try --help")),
        }
    }
    Ok(args)
}

fn load(path: &PathBuf) -> Result<Calendars, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let format = Format::from_path(path)
        .ok_or_else(|| format!("{}: use .json, .yaml or .toml", path.display()))?;
    let doc = parse(&text, format).map_err(|e| format!("{}: {e}", path.display()))?;
    Calendars::from_value(&doc["calendars"]).map_err(|e| format!("{}: {e}", path.display()))
}

fn local(cal: &Calendar, t: DateTime<Utc>) -> String {
    match cal
        .time_zone()
        .and_then(|z| z.parse::<chrono_tz::Tz>().ok())
    {
        Some(tz) => t
            .with_timezone(&tz)
            .format("%a %Y-%m-%d %H:%M %Z")
            .to_string(),
        None => t.format("%a %Y-%m-%d %H:%M UTC").to_string(),
    }
}

fn run() -> Result<(), String> {
    let args = parse_args()?;
    let started = std::time::Instant::now();
    let cals = load(&args.calendars)?;
    let mut rows = Vec::new();
    for name in cals.names() {
        let cal = cals.get(name).ok_or("calendar vanished")?;
        let open = cal.is_open(args.now).map_err(|e| e.to_string())?;
        let mut deadlines = Vec::new();
        for (label, minutes) in TARGETS {
            let due = cal
                .add(args.now, TimeDelta::minutes(minutes))
                .map_err(|e| e.to_string())?;
            deadlines.push((label, due));
        }
        rows.push((name, cal, open, deadlines));
    }
    if args.json {
        let out: Vec<_> = rows
            .iter()
            .map(|(name, cal, open, deadlines)| {
                serde_json::json!({
                    "calendar": name,
                    "time_zone": cal.time_zone(),
                    "open_now": open,
                    "deadlines": deadlines.iter().map(|(l, d)| serde_json::json!({"target": l, "due": d.to_rfc3339()})).collect::<Vec<_>>(),
                })
            })
            .collect();
        let doc = serde_json::json!({"now": args.now.to_rfc3339(), "calendars": out});
        println!(
            "{}",
            serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?
        );
        return Ok(());
    }
    println!(
        "Deadlines from {} on the sample calendars ({})",
        args.now.to_rfc3339(),
        args.calendars.display()
    );
    for (name, cal, open, deadlines) in rows {
        println!();
        println!(
            "{name} ({}, {} now)",
            cal.time_zone().unwrap_or("several zones / 24x7"),
            if open { "open" } else { "closed" }
        );
        for (label, due) in deadlines {
            println!(
                "  {label:>4} of business time -> due {}  ({})",
                local(cal, due),
                due.format("%Y-%m-%dT%H:%MZ")
            );
        }
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
