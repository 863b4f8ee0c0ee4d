//! The `table` format: what a support lead reads.

use std::io::Write;

use chrono::{DateTime, Utc};
use entitlement_core::rules::{MilestoneStatus, MonitorReport, Ruleset, StatusRef, hours_minutes};
use serde_json::Value;

use crate::monitor::{Filters, Sources, account_of, level_of};
use crate::output::{Failure, Out};

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

/// An instant in the milestone calendar's zone (UTC for a 24×7 milestone).
pub fn desk_time(rules: &Ruleset, s: &MilestoneStatus, t: DateTime<Utc>) -> String {
    let tz = s
        .calendar
        .as_deref()
        .and_then(|n| rules.calendars().get(n))
        .and_then(|c| c.time_zone())
        .and_then(|z| z.parse::<chrono_tz::Tz>().ok());
    match tz {
        Some(tz) => t.with_timezone(&tz).format("%a %d %b %H:%M %Z").to_string(),
        None => t.format("%a %d %b %H:%M UTC").to_string(),
    }
}

fn cut(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

pub fn monitor(
    r: &MonitorReport,
    rules: &Ruleset,
    filters: &Filters<'_>,
    (limit, on_track): (usize, usize),
    sources: &Sources<'_>,
    out: &mut Out,
) -> Result<(), Failure> {
    let since = r.since.map_or_else(
        || "the beginning".to_string(),
        entitlement_core::time::rfc3339,
    );
    writeln!(
        out,
        "Entitlement breach monitor at {} over {} cases ({} entitlements)",
        r.now.format("%a %Y-%m-%d %H:%M UTC"),
        r.cases.len(),
        rules.entitlements().len()
    )?;
    writeln!(out, "rules {}\ncases {}\n", sources.rules, sources.cases)?;
    let account = |place: StatusRef| {
        let c = &r.cases[place.case as usize];
        let name = text(c.account.get("name"));
        if name == "-" {
            account_of(c).unwrap_or_default()
        } else {
            name
        }
    };

    writeln!(
        out,
        "At risk: {} open milestone{} past a trigger or {:.0}% of the target, soonest deadline first",
        r.at_risk.len(),
        if r.at_risk.len() == 1 { "" } else { "s" },
        rules.monitor_config().at_risk * 100.0
    )?;
    writeln!(
        out,
        "  {:<7} {:<18} {:<17} {:<10} {:<22} {:>8} {:>9} {:>6}",
        "case", "account", "milestone", "level", "due (desk time)", "due in", "biz left", "used"
    )?;
    for &place in r.at_risk.iter().take(limit) {
        let m = r.status(place);
        let due = m
            .target_at
            .map(|t| desk_time(rules, m, t))
            .unwrap_or_default();
        let due_in = m
            .target_at
            .map(|t| hours_minutes(t - r.now))
            .unwrap_or_default();
        writeln!(
            out,
            "  {:<7} {:<18} {:<17} {:<10} {:<22} {:>8} {:>9} {:>6}",
            m.case_id,
            cut(&account(place), 18),
            cut(&format!("{} #{}", m.milestone, m.instance), 17),
            level_of(m).map_or("-", |l| l.as_str()),
            due,
            due_in,
            m.remaining.map(hours_minutes).unwrap_or_default(),
            m.consumed
                .map(|c| format!("{:.0}%", c * 100.0))
                .unwrap_or_default(),
        )?;
    }
    more(out, r.at_risk.len(), limit)?;

    writeln!(
        out,
        "\nBreached: {} open milestone{} past the target, most recent first",
        r.breached.len(),
        if r.breached.len() == 1 { "" } else { "s" }
    )?;
    writeln!(
        out,
        "  {:<7} {:<18} {:<17} {:<22} {:>9} {:>6}",
        "case", "account", "milestone", "breached (desk time)", "ago", "used"
    )?;
    for &place in r.breached.iter().take(limit) {
        let m = r.status(place);
        let at = m.breached_at.or(m.target_at);
        writeln!(
            out,
            "  {:<7} {:<18} {:<17} {:<22} {:>9} {:>6}",
            m.case_id,
            cut(&account(place), 18),
            cut(&format!("{} #{}", m.milestone, m.instance), 17),
            at.map(|t| desk_time(rules, m, t)).unwrap_or_default(),
            at.map(|t| hours_minutes(r.now - t)).unwrap_or_default(),
            m.consumed
                .map(|c| format!("{:.0}%", c * 100.0))
                .unwrap_or_default(),
        )?;
    }
    more(out, r.breached.len(), limit)?;
    writeln!(
        out,
        "  ({on_track} other open milestone{} on track; --format json lists every one)",
        if on_track == 1 { "" } else { "s" }
    )?;

    let alerts: Vec<_> = r.alerts.iter().filter(|a| filters.alert(a)).collect();
    let suppressed = r.events.iter().filter(|e| e.suppressed).count();
    writeln!(
        out,
        "\nAlerts for ({since}, now]: {} events, {} alerts{}, {} suppressed",
        r.events.len(),
        r.alerts.len(),
        if alerts.len() == r.alerts.len() {
            String::new()
        } else {
            format!(" ({} shown)", alerts.len())
        },
        suppressed
    )?;
    for a in alerts {
        writeln!(
            out,
            "  {} {:<10} {}",
            a.at.format("%d %b %H:%M"),
            a.level.as_str(),
            a.title
        )?;
        if !a.actions.is_empty() {
            writeln!(out, "  {:>24}-> {}", "", a.actions.join(", "))?;
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
        writeln!(out, "  suppressed by {rule}: {n}")?;
    }

    writeln!(out, "\nAccounts")?;
    for a in r.accounts.iter().filter(|a| filters.account(&a.account_id)) {
        writeln!(
            out,
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
        )?;
        for p in a.processes.iter().filter(|p| !p.milestones.is_empty()) {
            let cells: Vec<String> = p
                .milestones
                .iter()
                .map(|m| match m.attainment {
                    Some(pct) => format!("{} {pct:.0}%", m.milestone),
                    None => format!("{} -", m.milestone),
                })
                .collect();
            writeln!(out, "      {:<10} {}", p.process, cells.join(" | "))?;
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
                writeln!(out, "      {:<10} {}", u.entitlement, parts.join(", "))?;
            }
        }
    }
    let uncovered: Vec<_> = r.cases.iter().filter(|c| !c.covered).collect();
    if !uncovered.is_empty() {
        writeln!(out, "\nNot covered")?;
        for c in uncovered {
            writeln!(
                out,
                "  {:<7} {}",
                c.case_id,
                c.reason.as_deref().unwrap_or("not covered")
            )?;
        }
    }
    Ok(())
}

fn more(out: &mut Out, n: usize, limit: usize) -> Result<(), Failure> {
    if n > limit {
        writeln!(out, "  ... and {} more (--limit N shows more)", n - limit)?;
    }
    Ok(())
}

/// The `evaluate` table: one line per milestone instance.
pub fn evaluations(
    evaluations: &[entitlement_core::CaseEvaluation],
    rules: &Ruleset,
    out: &mut Out,
) -> Result<(), Failure> {
    writeln!(
        out,
        "{:<9} {:<20} {:<15} {:<22} {:>8} {:>6}  crossed",
        "case", "milestone", "state", "due (desk time)", "left", "used"
    )?;
    for e in evaluations {
        if !e.covered {
            writeln!(
                out,
                "{:<9} not covered: {}",
                e.case_id,
                e.reason.as_deref().unwrap_or("-")
            )?;
            continue;
        }
        for m in &e.milestones {
            let crossed: Vec<&str> = m.crossed.iter().map(|l| l.as_str()).collect();
            writeln!(
                out,
                "{:<9} {:<20} {:<15} {:<22} {:>8} {:>6}  {}",
                e.case_id,
                cut(&format!("{} #{}", m.milestone, m.instance), 20),
                m.state.as_str(),
                m.target_at
                    .map(|t| desk_time(rules, m, t))
                    .unwrap_or_default(),
                m.remaining.map(hours_minutes).unwrap_or_default(),
                m.consumed
                    .map(|c| format!("{:.0}%", c * 100.0))
                    .unwrap_or_default(),
                crossed.join(", ")
            )?;
        }
    }
    Ok(())
}
