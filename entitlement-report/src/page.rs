//! The HTML: maud templates, so every value from the data (account and case names come from a
//! CRM) is escaped unless the code says otherwise (`PreEscaped`, used only for the CSS, the
//! charts' SVG that plotters wrote and escaped, and the JSON block made safe by `json_block`).

use chrono::NaiveDate;
use maud::{DOCTYPE, Markup, PreEscaped, html};
use serde::Serialize;

use crate::charts;
use crate::figures::{PortfolioFigures, QbrFigures, TimeFigure};

const CSS: &str = r#"
:root { --ink: #222; --muted: #666; --line: #ddd; --red: #c82828; --amber: #b57a00; --green: #00785a; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--ink); margin: 0 auto; max-width: 1180px; padding: 20px 28px; line-height: 1.4; font-size: 14px; }
header { border-bottom: 3px solid #0072b2; padding-bottom: 10px; margin-bottom: 14px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 22px 0 8px; break-after: avoid; page-break-after: avoid; }
.sub { color: var(--muted); margin: 0; }
dl.facts { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 6px 18px; margin: 10px 0 0; }
dl.facts div { border-left: 3px solid var(--line); padding-left: 8px; }
dt { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
dd { margin: 0; font-weight: 600; }
.kpis { display: grid; grid-template-columns: repeat(5, minmax(0, 1fr)); gap: 10px; margin: 10px 0; }
.kpi { border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; }
.kpi .v { font-size: 22px; font-weight: 700; }
.bad { color: var(--red); }
.warn { color: var(--amber); }
.good { color: var(--green); }
.summary { background: #f4f8fb; border-left: 4px solid #0072b2; padding: 8px 14px; margin: 10px 0; }
.summary p { margin: 4px 0; }
.grid2 { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 18px; }
figure { margin: 8px 0 14px; break-inside: avoid; page-break-inside: avoid; }
figure svg { width: 100%; height: auto; display: block; }
figcaption { font-weight: 600; margin-bottom: 4px; }
.legend { font-size: 12px; color: var(--muted); margin: 2px 0 6px; }
.legend span { display: inline-block; margin-right: 12px; }
.legend i { display: inline-block; width: 10px; height: 10px; margin-right: 4px; vertical-align: -1px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; font-size: 13px; break-inside: avoid; page-break-inside: avoid; }
table.long { break-inside: auto; page-break-inside: auto; }
thead { display: table-header-group; }
tr { break-inside: avoid; page-break-inside: avoid; }
th, td { border-bottom: 1px solid var(--line); padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
details.data summary { cursor: pointer; color: var(--muted); font-size: 12px; }
.note { color: var(--muted); font-size: 12px; }
footer { margin-top: 24px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--line); padding-top: 6px; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 11px; }
  details.data { display: block; }
  details.data > summary { display: none; }
  .grid2 { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); }
  a { color: inherit; }
}
"#;

/// A duration in business time for people: `45 min`, `3 h 05 min`, `−20 min`.
pub fn duration(seconds: f64) -> String {
    let sign = if seconds < 0.0 { "−" } else { "" };
    let minutes = (seconds.abs() / 60.0).round() as i64;
    if minutes < 60 {
        format!("{sign}{minutes} min")
    } else {
        format!("{sign}{} h {:02} min", minutes / 60, minutes % 60)
    }
}

fn opt_duration(s: Option<f64>) -> String {
    s.map_or_else(|| "–".into(), duration)
}

fn percent(a: Option<f64>) -> String {
    a.map_or_else(|| "–".into(), |a| format!("{a:.1}%"))
}

/// `1,200,000`.
fn grouped(v: f64) -> String {
    let whole = format!("{:.0}", v.abs());
    let mut out = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0.0 { format!("-{out}") } else { out }
}

fn money(currency: &str, v: Option<f64>) -> String {
    v.map_or_else(|| "–".into(), |v| format!("{currency} {}", grouped(v)))
}

fn date(d: Option<NaiveDate>) -> String {
    d.map_or_else(|| "–".into(), |d| d.to_string())
}

fn opt_text(s: Option<&str>) -> String {
    s.unwrap_or("–").to_string()
}

/// A JSON value for a `data-value` attribute: `null`, a number or a string as JSON.
fn dv<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

/// The figures as a JSON block. `<`, `>` and `&` are written as `\u003c`… so that no value can
/// end the block (`</script>`) or open a comment; the JSON means the same.
fn json_block<T: Serialize>(figures: &T) -> Markup {
    let json = serde_json::to_string(figures).unwrap_or_else(|_| "null".into());
    let safe = json
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026");
    html! { script type="application/json" id="figures" { (PreEscaped(safe)) } }
}

fn head(title: &str) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            // Nothing is fetched: no script, font, image or style from anywhere.
            meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:";
            meta name="generator" content="entitlement report";
            title { (title) }
            style { (PreEscaped(CSS)) }
        }
    }
}

fn legend(items: &[(String, String)]) -> Markup {
    html! {
        p.legend aria-hidden="true" {
            @for (color, label) in items {
                span { i style=(format!("background:{color}")) {} (label) }
            }
        }
    }
}

fn figure(
    id: &str,
    caption: &str,
    svg: String,
    legend_items: &[(String, String)],
    table: Markup,
) -> Markup {
    html! {
        figure id=(id) {
            figcaption { (caption) }
            @if !legend_items.is_empty() { (legend(legend_items)) }
            (PreEscaped(svg))
            details.data open {
                summary { "The chart's data" }
                (table)
            }
        }
    }
}

fn kpi(label: &str, value: String, class: &str) -> Markup {
    html! { div.kpi { dt { (label) } div class=(format!("v {class}")) { (value) } } }
}

/// The text summary a CSM can read aloud: short sentences, the worst first.
pub fn summary(f: &QbrFigures) -> Vec<String> {
    let name = f
        .account_name
        .clone()
        .unwrap_or_else(|| f.account_id.clone());
    let mut out = Vec::new();
    if f.cases == 0 {
        out.push(format!(
            "{name} raised no case with a milestone between {} and {}.",
            f.period_start, f.period_end
        ));
    } else {
        let verdict = match f.attainment {
            Some(a) if a >= f.goal => format!(
                "{a:.1}% of decided milestones were met, at or above the {}% goal",
                f.goal
            ),
            Some(a) => format!(
                "{a:.1}% of decided milestones were met, below the {}% goal",
                f.goal
            ),
            None => "no milestone has been decided yet".into(),
        };
        out.push(format!(
            "Between {} and {}, {name} raised {} case{} and {verdict}.",
            f.period_start,
            f.period_end,
            f.cases,
            if f.cases == 1 { "" } else { "s" }
        ));
        out.push(format!(
            "There {} {} breach{} ({} completed late, {} still open past the target) and {} near miss{}.",
            if f.breaches == 1 { "was" } else { "were" },
            f.breaches,
            if f.breaches == 1 { "" } else { "es" },
            f.late,
            f.violated,
            f.near_misses,
            if f.near_misses == 1 { "" } else { "es" },
        ));
        let below: Vec<String> = f
            .attainment_by_milestone
            .iter()
            .filter(|m| m.below_goal)
            .map(|m| format!("{} ({})", m.milestone, percent(m.attainment)))
            .collect();
        if !below.is_empty() {
            out.push(format!("Below the goal: {}.", below.join(", ")));
        }
        if let (Some(p50), Some(p90)) = (f.first_response.p50_seconds, f.first_response.p90_seconds)
        {
            out.push(format!(
                "First responses took {} of business time at the median and {} at the 90th percentile.",
                duration(p50),
                duration(p90)
            ));
        }
        if let (Some(p50), Some(p90)) = (f.resolution.p50_seconds, f.resolution.p90_seconds) {
            out.push(format!(
                "Resolutions took {} at the median and {} at the 90th percentile.",
                duration(p50),
                duration(p90)
            ));
        }
    }
    let plural = if f.cases_used == 1 { "" } else { "s" };
    out.push(match f.cases_allowed {
        Some(allowed) => format!(
            "{} case{plural} raised so far against an allowance of {allowed}.",
            f.cases_used
        ),
        None => format!("{} case{plural} raised so far.", f.cases_used),
    });
    if f.chronic_over_consumer {
        out.push(format!(
            "The account is a chronic over-consumer: over its quota in {} recent period{}.",
            f.over_quota_periods,
            if f.over_quota_periods == 1 { "" } else { "s" }
        ));
    } else if f.projected_over {
        out.push("At the current rate it will exceed a quota by the end of the period.".into());
    }
    if let (Some(d), Some(days)) = (f.renewal_date, f.days_to_renewal) {
        out.push(if days >= 0 {
            format!(
                "The renewal is on {d}, in {days} day{}.",
                if days == 1 { "" } else { "s" }
            )
        } else {
            format!("The renewal date {d} passed {} days ago.", -days)
        });
    }
    out
}

fn time_section(t: &TimeFigure, name: &str, id: &str) -> Markup {
    let labels: Vec<String> = t.buckets.iter().map(|b| b.label.to_string()).collect();
    let counts: Vec<u32> = t.buckets.iter().map(|b| b.count).collect();
    let over_from = t
        .buckets
        .iter()
        .position(|b| b.from_percent >= 100)
        .unwrap_or(labels.len());
    let desc = format!(
        "{} completed {name}s with a target, {} of them after it. Median {}, 90th percentile {}. Bands: {}.",
        t.completed,
        t.over_target,
        opt_duration(t.p50_seconds),
        opt_duration(t.p90_seconds),
        t.buckets
            .iter()
            .map(|b| format!("{} {}", b.label, b.count))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let title = format!("Business time to {name} as a share of the target");
    let svg = charts::distribution(&labels, &counts, over_from, &title, &desc);
    let table = html! {
        table data-table=(format!("{id}-buckets")) {
            thead { tr { th { "Business time used, of the target" } th.n { "Occurrences" } } }
            tbody {
                @for b in &t.buckets {
                    tr data-label=(b.label) { td { (b.label) } td.n data-value=(b.count) { (b.count) } }
                }
            }
            tfoot {
                tr { td { "Median business time" } td.n data-key="p50_seconds" data-value=(dv(&t.p50_seconds)) { (opt_duration(t.p50_seconds)) } }
                tr { td { "90th percentile" } td.n data-key="p90_seconds" data-value=(dv(&t.p90_seconds)) { (opt_duration(t.p90_seconds)) } }
            }
        }
    };
    figure(
        id,
        &title,
        svg,
        &[
            (charts::css(charts::PALETTE[0]), "within the target".into()),
            (charts::css(charts::RED), "over the target".into()),
        ],
        table,
    )
}

/// The QBR page.
pub fn qbr(f: &QbrFigures) -> String {
    let name = f
        .account_name
        .clone()
        .unwrap_or_else(|| f.account_id.clone());
    let title = format!("QBR: {name}, {} to {}", f.period_start, f.period_end);

    // Attainment per month and milestone.
    let keys: Vec<(String, String)> = f
        .attainment_by_milestone
        .iter()
        .map(|m| (m.process.clone(), m.milestone.clone()))
        .collect();
    let series: Vec<(String, Vec<Option<f64>>)> = keys
        .iter()
        .map(|(p, m)| {
            let values = f
                .months
                .iter()
                .map(|month| {
                    f.monthly
                        .iter()
                        .find(|r| &r.month == month && &r.process == p && &r.milestone == m)
                        .and_then(|r| r.attainment)
                })
                .collect();
            (format!("{m} ({p})"), values)
        })
        .collect();
    let att_desc = format!(
        "Attainment per month and milestone against the {}% goal. {}",
        f.goal,
        series
            .iter()
            .map(|(label, v)| format!(
                "{label}: {}",
                f.months
                    .iter()
                    .zip(v)
                    .map(|(m, a)| format!("{m} {}", percent(*a)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
            .collect::<Vec<_>>()
            .join("; ")
    );
    let att_title = format!(
        "Attainment per milestone per month against the {}% goal",
        f.goal
    );
    let att_svg = charts::attainment(&f.months, &series, f.goal, &att_title, &att_desc);
    let att_legend: Vec<(String, String)> = series
        .iter()
        .enumerate()
        .map(|(i, (l, _))| {
            (
                charts::css(charts::PALETTE[i % charts::PALETTE.len()]),
                l.clone(),
            )
        })
        .chain(std::iter::once((
            charts::css(charts::GOAL),
            format!("goal {}%", f.goal),
        )))
        .collect();
    let att_table = html! {
        table data-table="monthly" {
            thead { tr { th { "Month" } th { "Process" } th { "Milestone" } th.n { "Met" } th.n { "Late" } th.n { "Violated" } th.n { "Open" } th.n { "Near misses" } th.n { "Attainment" } } }
            tbody {
                @for r in &f.monthly {
                    tr {
                        td data-key="month" data-value=(dv(&r.month)) { (r.month) }
                        td data-key="process" data-value=(dv(&r.process)) { (r.process) }
                        td data-key="milestone" data-value=(dv(&r.milestone)) { (r.milestone) }
                        td.n data-key="met" data-value=(r.met) { (r.met) }
                        td.n data-key="late" data-value=(r.late) { (r.late) }
                        td.n data-key="violated" data-value=(r.violated) { (r.violated) }
                        td.n data-key="open" data-value=(r.open) { (r.open) }
                        td.n data-key="near_misses" data-value=(r.near_misses) { (r.near_misses) }
                        td.n data-key="attainment" data-value=(dv(&r.attainment)) { (percent(r.attainment)) }
                    }
                }
            }
        }
    };

    // Breaches and near misses per week.
    let week_labels: Vec<String> = f
        .weekly
        .iter()
        .map(|w| w.week_start.format("%b %-d").to_string())
        .collect();
    let breaches: Vec<u32> = f.weekly.iter().map(|w| w.breaches).collect();
    let misses: Vec<u32> = f.weekly.iter().map(|w| w.near_misses).collect();
    let weekly_title = "Breaches and near misses per week (by the week the clock started)";
    let weekly_desc = format!(
        "{} breaches and {} near misses over {} weeks. {}",
        f.breaches,
        f.near_misses,
        f.weekly.len(),
        f.weekly
            .iter()
            .filter(|w| w.breaches + w.near_misses > 0)
            .map(|w| format!(
                "week of {}: {} breaches, {} near misses",
                w.week_start, w.breaches, w.near_misses
            ))
            .collect::<Vec<_>>()
            .join("; ")
    );
    let weekly_svg = charts::weekly(&week_labels, &breaches, &misses, weekly_title, &weekly_desc);
    let weekly_table = html! {
        table data-table="weekly" {
            thead { tr { th { "Week of" } th.n { "Breaches" } th.n { "Near misses" } } }
            tbody {
                @for w in &f.weekly {
                    tr {
                        td data-key="week_start" data-value=(dv(&w.week_start)) { (w.week_start) }
                        td.n data-key="breaches" data-value=(w.breaches) { (w.breaches) }
                        td.n data-key="near_misses" data-value=(w.near_misses) { (w.near_misses) }
                    }
                }
            }
        }
    };

    // Usage.
    let mut u_labels = Vec::new();
    let mut u_used = Vec::new();
    let mut u_proj = Vec::new();
    let mut u_caps = Vec::new();
    for u in &f.usage {
        if let Some(cap) = u.cases_per_entitlement {
            u_labels.push(format!("{}: allowance", u.entitlement));
            u_used.push(f64::from(u.cases_used));
            u_proj.push(None);
            u_caps.push(Some(f64::from(cap)));
        }
        for q in &u.quotas {
            u_labels.push(format!(
                "{}: {}",
                u.entitlement,
                q.name
                    .clone()
                    .unwrap_or_else(|| q.period.as_str().to_string())
            ));
            u_used.push(f64::from(q.used));
            u_proj.push(Some(q.projected));
            u_caps.push(Some(f64::from(q.max_cases)));
        }
    }
    let usage_title = "Cases against the allowance and quotas, with the projection";
    let usage_desc = format!(
        "{} Projected over a quota: {}. Chronic over-consumer: {}.",
        u_labels
            .iter()
            .zip(&u_used)
            .zip(&u_proj)
            .zip(&u_caps)
            .map(|(((l, u), p), c)| format!(
                "{l}: {u} used{}{}",
                p.map(|p| format!(", {p:.1} projected")).unwrap_or_default(),
                c.map(|c| format!(" of {c}")).unwrap_or_default()
            ))
            .collect::<Vec<_>>()
            .join("; "),
        if f.projected_over { "yes" } else { "no" },
        if f.chronic_over_consumer { "yes" } else { "no" },
    );

    let markup = html! {
        (DOCTYPE)
        html lang="en" {
            (head(&title))
            body data-page="qbr" {
                header {
                    h1 { (name) }
                    p.sub { "Quarterly business review · " (f.period_start) " to " (f.period_end) " · as of " (f.now.format("%Y-%m-%d %H:%M UTC")) }
                    dl.facts {
                        div { dt { "Account" } dd data-key="account_id" data-value=(dv(&f.account_id)) { (f.account_id) } }
                        div { dt { "ARR" } dd data-key="arr" data-value=(dv(&f.arr)) { (money(&f.currency, f.arr)) } }
                        div { dt { "Renewal" } dd data-key="renewal_date" data-value=(dv(&f.renewal_date)) { (date(f.renewal_date)) } }
                        div { dt { "Days to renewal" } dd data-key="days_to_renewal" data-value=(dv(&f.days_to_renewal)) { (f.days_to_renewal.map_or_else(|| "–".to_string(), |d| d.to_string())) } }
                        div { dt { "Executive sponsor" } dd data-key="executive_sponsor" data-value=(dv(&f.executive_sponsor)) { (opt_text(f.executive_sponsor.as_deref())) } }
                        div { dt { "CSM" } dd data-key="csm" data-value=(dv(&f.csm)) { (opt_text(f.csm.as_deref())) } }
                        div style="grid-column: span 2" { dt { "Entitlements" } dd data-key="entitlements" data-value=(dv(&f.entitlements)) { (f.entitlements.join(", ")) } }
                    }
                }
                section aria-labelledby="summary-h" {
                    h2 id="summary-h" { "Summary" }
                    div.summary data-key="summary" {
                        @for s in &f.summary { p { (s) } }
                    }
                    dl.kpis {
                        (kpi("Cases", f.cases.to_string(), ""))
                        (kpi("Attainment", percent(f.attainment), if f.attainment.is_some_and(|a| a < f.goal) { "bad" } else { "good" }))
                        (kpi("Breaches", f.breaches.to_string(), if f.breaches > 0 { "bad" } else { "" }))
                        (kpi("Near misses", f.near_misses.to_string(), if f.near_misses > 0 { "warn" } else { "" }))
                        (kpi("Open", f.open.to_string(), ""))
                    }
                    table data-table="totals" {
                        caption.note { "Cases, and milestone occurrences by outcome, whose clock started in the period." }
                        thead { tr { th.n { "Cases" } th.n { "Met" } th.n { "Late" } th.n { "Violated" } th.n { "Open" } th.n { "Breaches" } th.n { "Near misses" } th.n { "Attainment" } } }
                        tbody { tr {
                            td.n data-key="cases" data-value=(f.cases) { (f.cases) }
                            td.n data-key="met" data-value=(f.met) { (f.met) }
                            td.n data-key="late" data-value=(f.late) { (f.late) }
                            td.n data-key="violated" data-value=(f.violated) { (f.violated) }
                            td.n data-key="open" data-value=(f.open) { (f.open) }
                            td.n data-key="breaches" data-value=(f.breaches) { (f.breaches) }
                            td.n data-key="near_misses" data-value=(f.near_misses) { (f.near_misses) }
                            td.n data-key="attainment" data-value=(dv(&f.attainment)) { (percent(f.attainment)) }
                        } }
                    }
                }
                section aria-labelledby="attainment-h" {
                    h2 id="attainment-h" { "Attainment against the goal" }
                    (figure("attainment-chart", &att_title, att_svg, &att_legend, att_table))
                    table data-table="attainment_by_milestone" {
                        caption.note { "Over the whole period. Attainment: met over decided (met, late, violated)." }
                        thead { tr { th { "Process" } th { "Milestone" } th.n { "Met" } th.n { "Late" } th.n { "Violated" } th.n { "Open" } th.n { "Near misses" } th.n { "Attainment" } } }
                        tbody {
                            @for m in &f.attainment_by_milestone {
                                tr {
                                    td data-key="process" data-value=(dv(&m.process)) { (m.process) }
                                    td data-key="milestone" data-value=(dv(&m.milestone)) { (m.milestone) }
                                    td.n data-key="met" data-value=(m.met) { (m.met) }
                                    td.n data-key="late" data-value=(m.late) { (m.late) }
                                    td.n data-key="violated" data-value=(m.violated) { (m.violated) }
                                    td.n data-key="open" data-value=(m.open) { (m.open) }
                                    td.n data-key="near_misses" data-value=(m.near_misses) { (m.near_misses) }
                                    td.n.bad[m.below_goal] data-key="attainment" data-value=(dv(&m.attainment)) { (percent(m.attainment)) }
                                }
                            }
                        }
                    }
                }
                section aria-labelledby="breaches-h" {
                    h2 id="breaches-h" { "Breaches and near misses" }
                    (figure("weekly-chart", weekly_title, weekly_svg, &[(charts::css(charts::RED), "breaches".into()), (charts::css(charts::AMBER), "near misses".into())], weekly_table))
                    @if f.log.is_empty() {
                        p.note { "No breach and no near miss in the period." }
                    } @else {
                        table.long data-table="log" {
                            caption.note { "Every breach (late or violated) and near miss (met with less than the near-miss share of the target left), by start." }
                            thead { tr { th { "Case" } th { "Milestone" } th { "Started" } th { "Outcome" } th.n { "Target" } th.n { "Margin" } } }
                            tbody {
                                @for r in &f.log {
                                    tr {
                                        td data-key="case_id" data-value=(dv(&r.case_id)) {
                                            @if let Some(href) = &r.link { a href=(href) rel="noopener noreferrer" { (r.case_id) } } @else { (r.case_id) }
                                        }
                                        td data-key="milestone" data-value=(dv(&r.milestone)) data-instance=(r.instance) { (r.milestone) @if r.instance > 1 { " #" (r.instance) } }
                                        td data-key="started_at" data-value=(dv(&r.started_at)) { (r.started_at.map_or_else(|| "–".to_string(), |t| t.format("%Y-%m-%d %H:%M UTC").to_string())) }
                                        td data-key="outcome" data-value=(dv(&r.outcome)) class=(if r.near_miss { "warn" } else { "bad" }) { (if r.near_miss { "near miss" } else { r.outcome }) }
                                        td.n data-key="target_seconds" data-value=(dv(&r.target_seconds)) { (opt_duration(r.target_seconds)) }
                                        td.n data-key="margin_seconds" data-value=(dv(&r.margin_seconds)) { (opt_duration(r.margin_seconds)) }
                                    }
                                }
                            }
                        }
                    }
                }
                section aria-labelledby="times-h" {
                    h2 id="times-h" { "Business time to first response and to resolution" }
                    div.grid2 {
                        (time_section(&f.first_response, "first response", "first-response"))
                        (time_section(&f.resolution, "resolution", "resolution"))
                    }
                }
                section aria-labelledby="usage-h" {
                    h2 id="usage-h" { "Usage against the allowance and quotas" }
                    p {
                        "Over-consumption: "
                        @if f.chronic_over_consumer { strong.bad data-key="chronic_over_consumer" data-value="true" { "chronic over-consumer" } }
                        @else if f.projected_over { strong.warn data-key="projected_over" data-value="true" { "projected over a quota" } }
                        @else { strong.good data-key="projected_over" data-value="false" { "none" } }
                        " · recent periods over a quota: " span data-key="over_quota_periods" data-value=(f.over_quota_periods) { (f.over_quota_periods) }
                        " · cases raised: " span data-key="cases_used" data-value=(f.cases_used) { (f.cases_used) }
                        @if let Some(a) = f.cases_allowed { " of " span data-key="cases_allowed" data-value=(a) { (a) } " allowed" }
                    }
                    @if u_labels.is_empty() {
                        p.note { "No allowance or quota applies to this account's entitlements." }
                    } @else {
                        (figure("usage-chart", usage_title, charts::usage(&u_labels, &u_used, &u_proj, &u_caps, usage_title, &usage_desc),
                            &[(charts::css(charts::PALETTE[0]), "used".into()), (charts::css(charts::PALETTE[4]), "projected at the period's end".into()), (charts::css(charts::RED), "cap".into())],
                            html! {
                                table data-table="usage" {
                                    thead { tr { th { "Entitlement" } th { "Cap" } th { "Period" } th.n { "Used" } th.n { "Projected" } th.n { "Cap" } th { "Projected over" } } }
                                    tbody {
                                        @for u in &f.usage {
                                            @if let Some(cap) = u.cases_per_entitlement {
                                                tr { td { (u.entitlement) } td { "allowance" } td { "contract" } td.n data-key="used" data-value=(u.cases_used) { (u.cases_used) } td.n { "–" } td.n data-key="max_cases" data-value=(cap) { (cap) } td { "–" } }
                                            }
                                            @for q in &u.quotas {
                                                tr {
                                                    td { (u.entitlement) } td { (q.name.clone().unwrap_or_else(|| "quota".into())) }
                                                    td { (q.period.as_str()) " " (q.period_start) " to " (q.period_end) }
                                                    td.n data-key="used" data-value=(q.used) { (q.used) }
                                                    td.n data-key="projected" data-value=(dv(&q.projected)) { (format!("{:.1}", q.projected)) }
                                                    td.n data-key="max_cases" data-value=(q.max_cases) { (q.max_cases) }
                                                    td.bad[q.projected_over] data-key="projected_over" data-value=(q.projected_over) { (if q.projected_over { "yes" } else { "no" }) }
                                                }
                                            }
                                        }
                                    }
                                }
                            }))
                    }
                }
                footer {
                    "Generated by the entitlement report from the rules and the cases at " (f.now.format("%Y-%m-%d %H:%M UTC"))
                    ". Periods and months are those of each case's reporting zone (its entitlement's calendar). The goal ("
                    (f.goal) "%) is the report's option, not a term of the rules."
                }
                (json_block(f))
            }
        }
    };
    markup.into_string()
}

/// The portfolio page.
pub fn portfolio(f: &PortfolioFigures) -> String {
    let title = format!("Portfolio: {} to {}", f.period_start, f.period_end);
    let name = |id: &str| {
        f.accounts
            .iter()
            .find(|a| a.account_id == id)
            .and_then(|a| a.account_name.clone())
            .unwrap_or_else(|| id.to_string())
    };
    let points: Vec<(String, f64, f64, bool)> = f
        .accounts
        .iter()
        .filter_map(|a| {
            Some((
                a.account_name
                    .clone()
                    .unwrap_or_else(|| a.account_id.clone()),
                a.arr.filter(|v| *v > 0.0)?,
                a.attainment?,
                a.renewal_at_risk() || a.over_consuming(),
            ))
        })
        .collect();
    let missing = f.accounts.len() - points.len();
    let scatter_title = format!("Accounts by ARR against attainment ({}% goal)", f.goal);
    let scatter_desc = format!(
        "{} accounts plotted{}. {}",
        points.len(),
        if missing > 0 {
            format!(", {missing} without ARR or attainment left out")
        } else {
            String::new()
        },
        points
            .iter()
            .map(|(n, arr, a, _)| format!("{n}: ARR {}, attainment {a:.1}%", grouped(*arr)))
            .collect::<Vec<_>>()
            .join("; ")
    );
    let svg = charts::scatter(&points, f.goal, &scatter_title, &scatter_desc);
    let rows = html! {
        table data-table="accounts" {
            thead { tr { th { "Account" } th { "Name" } th.n { "ARR" } th.n { "Attainment" } th.n { "Cases" } th.n { "Breaches" } th.n { "Near misses" } th { "Renewal" } th.n { "Days" } th { "Over-consuming" } } }
            tbody {
                @for a in &f.accounts {
                    tr data-account=(a.account_id) {
                        td data-key="account_id" data-value=(dv(&a.account_id)) { (a.account_id) }
                        td data-key="account_name" data-value=(dv(&a.account_name)) { (opt_text(a.account_name.as_deref())) }
                        td.n data-key="arr" data-value=(dv(&a.arr)) { (money(&f.currency, a.arr)) }
                        td.n.bad[a.attainment.is_some_and(|x| x < f.goal)] data-key="attainment" data-value=(dv(&a.attainment)) { (percent(a.attainment)) }
                        td.n data-key="cases" data-value=(a.cases) { (a.cases) }
                        td.n data-key="breaches" data-value=(a.breaches) { (a.breaches) }
                        td.n data-key="near_misses" data-value=(a.near_misses) { (a.near_misses) }
                        td data-key="renewal_date" data-value=(dv(&a.renewal_date)) { (date(a.renewal_date)) }
                        td.n data-key="days_to_renewal" data-value=(dv(&a.days_to_renewal)) { (a.days_to_renewal.map_or_else(|| "–".to_string(), |d| d.to_string())) }
                        td data-key="over_consuming" data-value=(a.over_consuming()) { (if a.over_consuming() { "yes" } else { "no" }) }
                    }
                }
            }
        }
    };
    let markup = html! {
        (DOCTYPE)
        html lang="en" {
            (head(&title))
            body data-page="portfolio" {
                header {
                    h1 { "Portfolio" }
                    p.sub { (f.accounts.len()) " accounts · " (f.period_start) " to " (f.period_end) " · as of " (f.now.format("%Y-%m-%d %H:%M UTC")) }
                }
                section aria-labelledby="scatter-h" {
                    h2 id="scatter-h" { "ARR against attainment" }
                    (figure("portfolio-chart", &scatter_title, svg,
                        &[(charts::css(charts::PALETTE[0]), "account".into()), (charts::css(charts::RED), "renewal at risk or over-consuming".into()), (charts::css(charts::GOAL), format!("goal {}%", f.goal))],
                        rows))
                }
                div.grid2 {
                    section aria-labelledby="renewals-h" {
                        h2 id="renewals-h" { "Renewals within 90 days that had breaches" }
                        @if f.renewals_at_risk.is_empty() { p.note { "None." } } @else {
                            table data-table="renewals_at_risk" {
                                thead { tr { th { "Account" } th { "Renewal" } th.n { "Days" } th.n { "Breaches" } th.n { "Attainment" } th.n { "ARR" } } }
                                tbody {
                                    @for id in &f.renewals_at_risk {
                                        @if let Some(a) = f.accounts.iter().find(|a| &a.account_id == id) {
                                            tr data-account=(a.account_id) {
                                                td { (name(id)) }
                                                td { (date(a.renewal_date)) }
                                                td.n data-key="days_to_renewal" data-value=(dv(&a.days_to_renewal)) { (a.days_to_renewal.unwrap_or_default()) }
                                                td.n.bad data-key="breaches" data-value=(a.breaches) { (a.breaches) }
                                                td.n data-key="attainment" data-value=(dv(&a.attainment)) { (percent(a.attainment)) }
                                                td.n { (money(&f.currency, a.arr)) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    section aria-labelledby="over-h" {
                        h2 id="over-h" { "Over-consuming accounts" }
                        @if f.over_consuming.is_empty() { p.note { "None." } } @else {
                            table data-table="over_consuming" {
                                thead { tr { th { "Account" } th.n { "Cases" } th.n { "Allowed" } th { "Projected over" } th { "Chronic" } th.n { "Periods over" } } }
                                tbody {
                                    @for id in &f.over_consuming {
                                        @if let Some(a) = f.accounts.iter().find(|a| &a.account_id == id) {
                                            tr data-account=(a.account_id) {
                                                td { (name(id)) }
                                                td.n data-key="cases_used" data-value=(a.cases_used) { (a.cases_used) }
                                                td.n data-key="cases_allowed" data-value=(dv(&a.cases_allowed)) { (a.cases_allowed.map_or_else(|| "–".to_string(), |c| c.to_string())) }
                                                td data-key="projected_over" data-value=(a.projected_over) { (if a.projected_over { "yes" } else { "no" }) }
                                                td.bad[a.chronic_over_consumer] data-key="chronic_over_consumer" data-value=(a.chronic_over_consumer) { (if a.chronic_over_consumer { "yes" } else { "no" }) }
                                                td.n data-key="over_quota_periods" data-value=(a.over_quota_periods) { (a.over_quota_periods) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                footer { "Generated by the entitlement report at " (f.now.format("%Y-%m-%d %H:%M UTC")) ". Attainment, breaches and near misses: milestones whose clock started in the period; usage: at the report's now." }
                (json_block(f))
            }
        }
    };
    markup.into_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_aloud() {
        assert_eq!(duration(45.0 * 60.0), "45 min");
        assert_eq!(duration(3.0 * 3600.0 + 300.0), "3 h 05 min");
        assert_eq!(duration(-1200.0), "−20 min");
        assert_eq!(grouped(1_200_000.0), "1,200,000");
        assert_eq!(grouped(999.0), "999");
    }

    #[test]
    fn the_json_block_cannot_be_closed_by_a_value() {
        let block = json_block(&serde_json::json!({"name": "</script><script>alert(1)</script>&"}))
            .into_string();
        assert_eq!(block.matches("</script>").count(), 1);
        assert!(block.contains("\\u003c/script\\u003e"));
        let inner = block
            .trim_start_matches("<script type=\"application/json\" id=\"figures\">")
            .trim_end_matches("</script>");
        let back: serde_json::Value = serde_json::from_str(inner).unwrap();
        assert_eq!(back["name"], "</script><script>alert(1)</script>&");
    }
}
