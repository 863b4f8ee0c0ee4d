//! Times and spans in words, as a support desk reads them: `16:00 EST`, `Thu 26 Nov 09:30 EST`,
//! `15 min`, `1h05m`, `2d 3h`.

use chrono::{DateTime, TimeDelta, Utc};
use chrono_tz::Tz;

/// An instant on the desk's clock, with its zone: the time alone on the day of `now` there,
/// else with the weekday and date, and the year when it is not `now`'s (`16:00 EST`,
/// `Thu 26 Nov 09:30 EST`, `Mon 4 Jan 2027 09:00 EST`). Without a zone, UTC.
pub(super) fn local_time(t: DateTime<Utc>, zone: Option<Tz>, now: DateTime<Utc>) -> String {
    let tz = zone.unwrap_or(Tz::UTC);
    let (lt, ln) = (t.with_timezone(&tz), now.with_timezone(&tz));
    let format = if lt.date_naive() == ln.date_naive() {
        "%H:%M %Z"
    } else if lt.format("%Y").to_string() == ln.format("%Y").to_string() {
        "%a %-d %b %H:%M %Z"
    } else {
        "%a %-d %b %Y %H:%M %Z"
    };
    lt.format(format).to_string()
}

/// A span of business time: `15 min`, `2h`, `1h05m` (never days: business days differ from
/// calendar days). Negative spans are written as their size.
pub(super) fn business_span(d: TimeDelta) -> String {
    let m = d.num_minutes().unsigned_abs();
    match (m / 60, m % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h}h"),
        (h, m) => format!("{h}h{m:02}m"),
    }
}

/// A span of wall-clock time: as [`business_span`] below two days, then days and hours
/// (`2d 3h`).
pub(super) fn wall_span(d: TimeDelta) -> String {
    let m = d.num_minutes().unsigned_abs();
    if m < 48 * 60 {
        return business_span(d);
    }
    let (days, hours) = (m / 1440, (m % 1440) / 60);
    if hours == 0 {
        format!("{days}d")
    } else {
        format!("{days}d {hours}h")
    }
}

/// How long ago `t` was at `now`: `just now` under a minute, else `1h05m ago`.
pub(super) fn ago(t: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let d = now - t;
    if d < TimeDelta::minutes(1) {
        "just now".into()
    } else {
        format!("{} ago", wall_span(d))
    }
}

/// A milestone's name as people read it: Salesforce-style `First_Response` with spaces, and
/// the instance after the first (`Next Response #3`).
pub(super) fn milestone_words(name: &str, instance: Option<u32>) -> String {
    let mut s = if !name.contains(' ') && name.contains('_') {
        name.replace('_', " ")
    } else {
        name.to_string()
    };
    if let Some(n) = instance.filter(|&n| n > 1) {
        s.push_str(&format!(" #{n}"));
    }
    s
}

/// A trigger's point in words: `50%` → `50% of its target`, `-10m` → `10 min before its
/// deadline`, `+1h` → `1h past its deadline` (never "reached -10m").
pub(super) fn point_words(point: &str) -> String {
    let span = |x: &str| -> String {
        let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
        match x.char_indices().last() {
            Some((i, 'm')) if digits(&x[..i]) => format!("{} min", &x[..i]),
            _ => x.to_string(),
        }
    };
    if point == "100%" {
        "its target".into()
    } else if point.ends_with('%') {
        format!("{point} of its target")
    } else if let Some(x) = point.strip_prefix('-') {
        format!("{} before its deadline", span(x))
    } else if let Some(x) = point.strip_prefix('+') {
        format!("{} past its deadline", span(x))
    } else {
        point.to_string()
    }
}

/// A quota's period as an adjective: `monthly`, `quarterly`, ...
pub(super) fn period_words(period: &str) -> &str {
    match period {
        "day" => "daily",
        "week" => "weekly",
        "month" => "monthly",
        "quarter" => "quarterly",
        "year" => "yearly",
        "term" => "contract-term",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans() {
        assert_eq!(business_span(TimeDelta::minutes(15)), "15 min");
        assert_eq!(business_span(TimeDelta::minutes(65)), "1h05m");
        assert_eq!(business_span(TimeDelta::minutes(-120)), "2h");
        assert_eq!(wall_span(TimeDelta::minutes(3 * 1440 + 125)), "3d 2h");
        let now: DateTime<Utc> = "2026-11-25T21:05:00Z".parse().unwrap();
        assert_eq!(ago(now - TimeDelta::seconds(30), now), "just now");
        assert_eq!(ago(now - TimeDelta::minutes(65), now), "1h05m ago");
    }

    #[test]
    fn points_in_words() {
        assert_eq!(point_words("50%"), "50% of its target");
        assert_eq!(point_words("100%"), "its target");
        assert_eq!(point_words("-10m"), "10 min before its deadline");
        assert_eq!(point_words("-4h"), "4h before its deadline");
        assert_eq!(point_words("+1h"), "1h past its deadline");
    }

    #[test]
    fn times_carry_their_zone() {
        let ny: Tz = "America/New_York".parse().unwrap();
        let now: DateTime<Utc> = "2026-11-25T20:30:00Z".parse().unwrap();
        let t: DateTime<Utc> = "2026-11-25T21:00:00Z".parse().unwrap();
        assert_eq!(local_time(t, Some(ny), now), "16:00 EST");
        let t: DateTime<Utc> = "2026-11-26T14:30:00Z".parse().unwrap();
        assert_eq!(local_time(t, Some(ny), now), "Thu 26 Nov 09:30 EST");
        let t: DateTime<Utc> = "2027-01-04T14:00:00Z".parse().unwrap();
        assert_eq!(local_time(t, Some(ny), now), "Mon 4 Jan 2027 09:00 EST");
        assert_eq!(local_time(now, None, now), "20:30 UTC");
    }
}
