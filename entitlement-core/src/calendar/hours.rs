//! Times of day and local opening intervals: `"09:00-17:00"`, `"22:00-06:00"` (overnight),
//! `"00:00-00:00"` and `"00:00-24:00"` (a whole day).

use crate::error::{Error, Result};

/// Seconds in a day.
pub(crate) const DAY_S: u32 = 86_400;

/// A local interval in seconds after the midnight that starts its day. `end` may exceed one
/// day: the interval then runs overnight into the next day (it belongs to its start day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct LocalSpan {
    pub start: u32,
    pub end: u32,
}

impl LocalSpan {
    pub(crate) fn describe(&self) -> String {
        let fmt = |s: u32| {
            let s = s % DAY_S;
            if s.is_multiple_of(60) {
                format!("{:02}:{:02}", s / 3600, s / 60 % 60)
            } else {
                format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
            }
        };
        let end = if self.end == DAY_S {
            "24:00".to_string()
        } else {
            fmt(self.end)
        };
        format!("{}-{}", fmt(self.start), end)
    }
}

/// Parses `HH:MM` or `HH:MM:SS`; `24:00` only when `allow_24` (an interval's end).
pub(crate) fn parse_time_of_day(
    text: &str,
    allow_24: bool,
    path: &str,
    whole: &str,
) -> Result<u32> {
    let bad = |reason: &str| Error::InvalidTime {
        path: path.to_string(),
        value: whole.to_string(),
        reason: reason.to_string(),
    };
    let parts: Vec<&str> = text.trim().split(':').collect();
    if !(2..=3).contains(&parts.len())
        || parts
            .iter()
            .any(|p| p.len() != 2 || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(bad(
            "expected a time of day as HH:MM or HH:MM:SS with two digits each, such as \"09:00\" or \"17:30:00\"",
        ));
    }
    let n: Vec<u32> = parts.iter().map(|p| p.parse().unwrap_or(99)).collect();
    let (h, m, s) = (n[0], n[1], n.get(2).copied().unwrap_or(0));
    if h == 24 && m == 0 && s == 0 {
        return if allow_24 {
            Ok(DAY_S)
        } else {
            Err(bad("24:00 may only end an interval; a day starts at 00:00"))
        };
    }
    if h > 23 || m > 59 || s > 59 {
        return Err(bad(
            "hours run 00-23 (24:00 only as an end), minutes and seconds 00-59",
        ));
    }
    Ok(h * 3600 + m * 60 + s)
}

/// Parses `"HH:MM-HH:MM"`. An end that is not after the start runs overnight into the next day.
pub(crate) fn parse_span(text: &str, path: &str) -> Result<LocalSpan> {
    let Some((a, b)) = text.split_once('-') else {
        return Err(Error::InvalidTime {
            path: path.to_string(),
            value: text.to_string(),
            reason: "expected an interval \"HH:MM-HH:MM\", such as \"09:00-17:00\" or \"22:00-06:00\" (overnight)"
                .to_string(),
        });
    };
    let start = parse_time_of_day(a, false, path, text)?;
    let mut end = parse_time_of_day(b, true, path, text)?;
    if end <= start {
        end += DAY_S;
    }
    Ok(LocalSpan { start, end })
}

/// One opening interval to check for overlaps: its day offset, the span, how to show it, and
/// its path in the document.
pub(crate) struct Placed {
    pub day: u32,
    pub span: LocalSpan,
    pub label: String,
    pub path: String,
}

/// Checks that no two spans overlap. Spans on different days are compared on one timeline, with
/// `period` (a week, or `None`) wrapping; the error names the path of the later-written one.
pub(crate) fn check_overlaps(spans: &[Placed], period: Option<u32>) -> Result<()> {
    let flat: Vec<(i64, i64)> = spans
        .iter()
        .map(|p| {
            let base = i64::from(p.day) * i64::from(DAY_S);
            (base + i64::from(p.span.start), base + i64::from(p.span.end))
        })
        .collect();
    let shifts: Vec<i64> = match period {
        Some(p) => vec![-i64::from(p), 0, i64::from(p)],
        None => vec![0],
    };
    for (i, a) in flat.iter().enumerate() {
        for (j, b) in flat.iter().enumerate().skip(i + 1) {
            for shift in &shifts {
                let (bs, be) = (b.0 + shift, b.1 + shift);
                if a.0 < be && bs < a.1 {
                    return Err(Error::OverlappingIntervals {
                        path: spans[j].path.clone(),
                        first: spans[i].label.clone(),
                        second: spans[j].label.clone(),
                    });
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_parse_with_overnight_and_whole_days() {
        assert_eq!(
            parse_span("09:00-17:00", "p").unwrap(),
            LocalSpan {
                start: 32400,
                end: 61200
            }
        );
        assert_eq!(
            parse_span("22:00-06:00", "p").unwrap().end,
            DAY_S + 6 * 3600
        );
        assert_eq!(parse_span("00:00-00:00", "p").unwrap().end, DAY_S);
        assert_eq!(parse_span("00:00-24:00", "p").unwrap().end, DAY_S);
        assert_eq!(parse_span("09:00:30-10:00", "p").unwrap().start, 32430);
        for bad in [
            "9:00-17:00",
            "25:00-26:00",
            "09:00",
            "24:00-02:00",
            "09:60-10:00",
            "a-b",
            "",
        ] {
            assert_eq!(
                parse_span(bad, "p").unwrap_err().code(),
                "invalid_time",
                "{bad}"
            );
        }
    }
}
