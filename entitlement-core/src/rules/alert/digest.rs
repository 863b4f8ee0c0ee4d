//! The digest: one message per account for a run's alerts ("Acme Corp: 2 breached, 5 at
//! risk"), for channels that should not get one post per event.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::{Value, json};

use super::Alert;
use super::email::html_escape;
use super::slack::{SLACK_MAX_BLOCKS, slack_escape};
use super::text::{one_line, truncate};
use crate::rules::model::Level;
use crate::rules::monitor::MonitorEventKind;

/// The alerts of one account in a run, with their counts.
///
/// ```
/// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
/// # let report = rules.monitor(std::slice::from_ref(&case), now, None)?;
/// let digests = report.digests();
/// assert_eq!(digests.len(), 1);                       // one account
/// assert_eq!((digests[0].breached, digests[0].at_risk), (1, 1));
/// assert_eq!(digests[0].headline, "Acme: 1 breached, 1 at risk");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Digest {
    /// The account's id (`None` when the entitlement has no account context).
    pub account_id: Option<String>,
    /// The account's name, else its id, else the entitlement.
    pub account_name: String,
    /// Alerts that are breaches (level `violation` or above).
    pub breached: usize,
    /// The other alerts: triggers before the deadline, quota crossings.
    pub at_risk: usize,
    /// `Acme Corp: 2 breached, 5 at risk`.
    pub headline: String,
    /// The account's alerts, breaches first, then by level (highest first), then by instant.
    pub alerts: Vec<Alert>,
}

fn breached(a: &Alert) -> bool {
    a.kind == MonitorEventKind::Breach || a.level >= Level::Violation
}

/// One [`Digest`] per account of `alerts` (by account id, else name, else entitlement), in the
/// order of each account's first alert.
///
/// ```
/// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
/// # let report = rules.monitor(std::slice::from_ref(&case), now, None)?;
/// let digests = entitlement_core::rules::alert::digest(&report.alerts);
/// assert_eq!(digests[0].alerts.len(), 2);
/// assert_eq!(digests[0].slack_blocks()["blocks"][0]["type"], "header");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn digest(alerts: &[Alert]) -> Vec<Digest> {
    let mut out: Vec<Digest> = Vec::new();
    let mut index: HashMap<(Option<&str>, String), usize> = HashMap::new();
    for a in alerts {
        let name = a
            .account_name
            .clone()
            .or_else(|| a.account_id.clone())
            .or_else(|| a.entitlement.clone())
            .unwrap_or_else(|| "(no account)".into());
        // By id when there is one: two accounts may share a name.
        let group = (
            a.account_id.as_deref(),
            if a.account_id.is_some() {
                String::new()
            } else {
                name.clone()
            },
        );
        let i = *index.entry(group).or_insert_with(|| {
            out.push(Digest {
                account_id: a.account_id.clone(),
                account_name: name,
                breached: 0,
                at_risk: 0,
                headline: String::new(),
                alerts: Vec::new(),
            });
            out.len() - 1
        });
        let d = &mut out[i];
        if breached(a) {
            d.breached += 1;
        } else {
            d.at_risk += 1;
        }
        d.alerts.push(a.clone());
    }
    for d in &mut out {
        d.alerts.sort_by(|a, b| {
            breached(b)
                .cmp(&breached(a))
                .then(b.level.cmp(&a.level))
                .then(a.at.cmp(&b.at))
        });
        d.headline = one_line(&format!(
            "{}: {} breached, {} at risk",
            d.account_name, d.breached, d.at_risk
        ));
    }
    out
}

impl Digest {
    /// The digest as the bindings give it: `account_id`, `account_name`, `breached`,
    /// `at_risk`, `headline`, `keys` (its alerts' keys, in its order), `slack`
    /// ([`Digest::slack_blocks`]) and `email` ([`Digest::email`]).
    ///
    /// ```
    /// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
    /// # let report = rules.monitor(std::slice::from_ref(&case), now, None)?;
    /// let v = report.digests()[0].to_value();
    /// assert_eq!(v["breached"], 1);
    /// assert_eq!(v["email"]["subject"], "Acme: 1 breached, 1 at risk");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_value(&self) -> Value {
        json!({
            "account_id": self.account_id,
            "account_name": self.account_name,
            "breached": self.breached,
            "at_risk": self.at_risk,
            "headline": self.headline,
            "keys": self.alerts.iter().map(|a| a.key.as_str()).collect::<Vec<_>>(),
            "slack": self.slack_blocks(),
            "email": self.email(),
        })
    }

    /// A Slack message: a header with the headline, then one section per alert (its title,
    /// with the case link as a button), within Block Kit's 50 blocks: past 48 alerts a last
    /// context block says how many more there are.
    ///
    /// ```
    /// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
    /// # let report = rules.monitor(std::slice::from_ref(&case), now, None)?;
    /// let message = report.digests()[0].slack_blocks();
    /// assert_eq!(message["blocks"].as_array().unwrap().len(), 3);   // header + 2 alerts
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn slack_blocks(&self) -> Value {
        let mut blocks = vec![json!({"type": "header", "text": {"type": "plain_text",
            "text": truncate(&self.headline, 150), "emoji": true}})];
        let room = SLACK_MAX_BLOCKS - 2;
        for a in self.alerts.iter().take(room) {
            let mut section = json!({"type": "section", "text": {"type": "mrkdwn",
                "text": truncate(&format!("*{}* {}", a.level.as_str(), slack_escape(&one_line(&a.title))), 3000)}});
            if let Some(button) = a.links.iter().find_map(super::slack::button) {
                section["accessory"] = button;
            }
            blocks.push(section);
        }
        if self.alerts.len() > room {
            blocks.push(json!({"type": "context", "elements": [{"type": "mrkdwn",
                "text": format!("… and {} more", self.alerts.len() - room)}]}));
        }
        json!({"text": truncate(&slack_escape(&self.headline), 3000), "blocks": blocks})
    }

    /// An email: `{"subject", "text", "html"}` (a `multipart/alternative` message's parts),
    /// one line per alert, every CRM value HTML-escaped in the HTML part.
    ///
    /// ```
    /// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
    /// # let report = rules.monitor(std::slice::from_ref(&case), now, None)?;
    /// let email = report.digests()[0].email();
    /// assert!(email["text"].as_str().unwrap().contains("C-1"));
    /// assert!(email["html"].as_str().unwrap().starts_with("<!DOCTYPE html>"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn email(&self) -> Value {
        let mut text = format!("{}\n\n", self.headline);
        let mut items = String::new();
        for a in &self.alerts {
            let title = one_line(&a.title);
            text.push_str(&format!("- [{}] {title}\n", a.level.as_str()));
            for l in &a.links {
                text.push_str(&format!("  {}: {}\n", one_line(&l.label), one_line(&l.url)));
            }
            let link = a
                .links
                .first()
                .map(|l| {
                    format!(
                        " <a href=\"{}\">{}</a>",
                        html_escape(&one_line(&l.url)),
                        html_escape(&one_line(&l.label))
                    )
                })
                .unwrap_or_default();
            items.push_str(&format!(
                "<li><strong>{}</strong> {}{link}</li>\n",
                a.level.as_str(),
                html_escape(&title)
            ));
        }
        let html = format!(
            "<!DOCTYPE html>\n<html><body>\n<h2>{}</h2>\n<ul>\n{items}</ul>\n</body></html>\n",
            html_escape(&self.headline)
        );
        json!({"subject": one_line(&self.headline), "text": text, "html": html})
    }
}
