//! PagerDuty: an Events API v2 `trigger` event.

use serde_json::{Value, json};

use super::Alert;
use super::text::{clean, one_line, truncate};
use crate::rules::model::Level;
use crate::time::rfc3339;

/// A 128-bit SipHash-1-3 of `key` with fixed keys: stable across versions and platforms.
fn key_hash(key: &str) -> u128 {
    use siphasher::sip128::{Hasher128, SipHasher13};
    use std::hash::Hasher;
    let mut h = SipHasher13::new_with_keys(0x656e_7469_746c_656d, 0x656e_742d_6b65_7973);
    h.write(key.as_bytes());
    h.finish128().as_u128()
}

/// A key of at most `max` bytes (and characters) fit to render: the key itself when it is
/// short enough and has no control or bidirectional character, else its cleaned start, the
/// marker `\#` and a 128-bit hash of the whole key in hex. Event keys escape `\` as `\\`, so
/// `\#` occurs in no event key: a cut key never equals a whole one, and two cut keys are equal
/// only if the whole keys are (up to the hash).
pub(super) fn bounded_key(key: &str, max: usize) -> String {
    if key.len() <= max && clean(key, false) == key {
        return key.to_string();
    }
    let hash = format!("\\#{:032x}", key_hash(key));
    let room = max.saturating_sub(hash.len());
    let mut prefix = String::new();
    for c in clean(key, false).chars() {
        if prefix.len() + c.len_utf8() > room {
            break;
        }
        prefix.push(c);
    }
    // Never end the start inside an escape: an odd run of trailing `\` would pair with the
    // marker's.
    let trailing = prefix.chars().rev().take_while(|&c| c == '\\').count();
    if trailing % 2 == 1 {
        prefix.pop();
    }
    prefix + &hash
}

/// `v` with every string (keys too) fit to render on one line and at most `max` UTF-16 code
/// units, arrays and objects cut to `items` entries, and nesting below `depth` replaced by
/// `"…"`: how PagerDuty's `custom_details` stays within the event's size limit.
fn bounded_value(v: &Value, max: usize, items: usize, depth: usize) -> Value {
    let text = |s: &str| truncate(&one_line(s), max);
    match v {
        Value::String(s) => Value::String(text(s)),
        Value::Array(a) if depth > 0 => Value::Array(
            a.iter()
                .take(items)
                .map(|x| bounded_value(x, max, items, depth - 1))
                .collect(),
        ),
        Value::Object(m) if depth > 0 => Value::Object(
            m.iter()
                .take(items)
                .map(|(k, x)| (text(k), bounded_value(x, max, items, depth - 1)))
                .collect(),
        ),
        Value::Array(_) | Value::Object(_) => Value::String("…".into()),
        other => other.clone(),
    }
}

/// The largest PagerDuty event the renderer makes, in bytes of JSON: PagerDuty refuses events
/// over 512 KB; the rest is left for the routing key and the host's own additions.
pub const PAGERDUTY_MAX_EVENT_BYTES: usize = 500 * 1024;

impl Alert {
    /// A PagerDuty Events API v2 `trigger` event: `routing_key`, `event_action`, `dedup_key`
    /// (the event key, at most 255 characters), and `payload` with `summary` (at most 1024),
    /// `source`, `severity` (`critical`, `error`, `warning` or `info`), `timestamp`,
    /// `component`, `group`, `class` and `custom_details`, and `links` (`{href, text}`, the
    /// alert's links of at most 2,000 bytes). A key longer than 255 bytes (or with
    /// a control character) becomes a prefix, `\#` and a 128-bit hash of the whole key, so
    /// distinct events stay distinct incidents; `custom_details` (the whole alert) is cut so
    /// that the event stays under 512 KB (`docs/monitor.md`, "Renderer limits").
    ///
    /// ```
    /// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
    /// # let report = rules.monitor(std::slice::from_ref(&case), now, None)?;
    /// let event = report.alerts[0].pagerduty_event("R0UT1NGKEY");
    /// assert_eq!(event["event_action"], "trigger");
    /// assert_eq!(event["dedup_key"], report.alerts[0].key.as_str());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn pagerduty_event(&self, routing_key: &str) -> Value {
        let severity = match self.level {
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Critical | Level::Escalation => "critical",
            Level::Violation => "error",
        };
        let short = |s: &str| truncate(&one_line(s), 255);
        let details = serde_json::to_value(self).unwrap_or(Value::Null);
        let mut event = json!({
            "routing_key": truncate(&one_line(routing_key), 255),
            "event_action": "trigger",
            "dedup_key": bounded_key(&self.key, 255),
            "payload": {
                "summary": truncate(&one_line(&self.title), 1024),
                "source": short(self.entitlement.as_deref().unwrap_or("entitlement")),
                "severity": severity,
                "timestamp": rfc3339(self.at),
                "component": short(self.milestone.as_deref().unwrap_or(self.kind.as_str())),
                "group": short(self.account_name.as_deref().or(self.account_id.as_deref()).unwrap_or("unknown account")),
                "class": format!("sla_{}", self.kind.as_str()),
                "custom_details": Value::Null,
            },
            "links": self.links.iter().filter(|l| l.url.len() <= 2_000).take(10).map(|l| json!({
                "href": one_line(&l.url), "text": truncate(&one_line(&l.label), 255)
            })).collect::<Vec<_>>(),
        });
        // The details whole when they fit, else with every string, list and map cut harder
        // and harder; at the last, only the facts that identify the alert.
        let size = |e: &Value| serde_json::to_vec(e).map_or(usize::MAX, |b| b.len());
        for (max, items, depth) in [
            (usize::MAX, usize::MAX, 64),
            (4_096, 1_000, 16),
            (1_024, 100, 8),
            (256, 20, 4),
        ] {
            event["payload"]["custom_details"] = bounded_value(&details, max, items, depth);
            if size(&event) <= PAGERDUTY_MAX_EVENT_BYTES {
                return event;
            }
        }
        event["payload"]["custom_details"] = json!({
            "truncated": true,
            "key": truncate(&one_line(&self.key), 1024),
            "kind": self.kind.as_str(),
            "level": self.level.as_str(),
            "case_id": self.case_id.as_deref().map(|c| truncate(&one_line(c), 1024)),
        });
        event
    }
}
