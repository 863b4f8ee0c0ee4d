//! [`Delivery`]: where an alert goes and how each channel recognises it again, so that a job
//! that crashed between sending and recording can ask before sending twice (`docs/alerts.md`,
//! "Deliveries").

use serde::Serialize;
use serde_json::Value;
use sha2::{Digest as _, Sha256};

use super::Alert;
use super::pagerduty::bounded_key;
use crate::rules::monitor_config::MonitorConfig;

/// The longest Slack channel name (Slack's limit), in characters.
pub const MAX_CHANNEL_NAME: usize = 80;
/// The most people a war room invites.
pub const MAX_INVITES: usize = 50;
/// The most entries of the account team (sponsor, CSM, contacts) looked at for invitees, so
/// that a huge contact list costs each alert a bounded amount of work.
pub const MAX_TEAM_SCAN: usize = 1_000;

/// A channel an alert is delivered to.
///
/// ```
/// use entitlement_core::rules::Channel;
/// assert_eq!(Channel::WarRoom.as_str(), "war_room");
/// assert_eq!(serde_json::to_value(Channel::PagerDuty)?, "pagerduty");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// The Slack post every alert gets (which Slack channel is the pipeline's configuration).
    Slack,
    /// A Slack channel of its own for the case (`open_war_room`).
    WarRoom,
    /// A Jira issue (`create_jira_issue`).
    Jira,
    /// A PagerDuty incident (`page_oncall`).
    #[serde(rename = "pagerduty")]
    PagerDuty,
    /// The case's priority in Salesforce (`raise_priority`).
    Salesforce,
}

impl Channel {
    /// The channel's name as it serializes (`slack`, `war_room`, `jira`, `pagerduty`,
    /// `salesforce`).
    ///
    /// ```
    /// assert_eq!(entitlement_core::rules::Channel::Salesforce.as_str(), "salesforce");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Slack => "slack",
            Channel::WarRoom => "war_room",
            Channel::Jira => "jira",
            Channel::PagerDuty => "pagerduty",
            Channel::Salesforce => "salesforce",
        }
    }
}

/// One channel an alert goes to: what to do there, whether to do it for real, and the value
/// the channel is asked about before sending again.
///
/// Every alert has a `slack` delivery first; then, for the actions it names, in this order:
/// `war_room` (`open_war_room`), `jira` (`create_jira_issue`), `pagerduty` (`page_oncall`),
/// `salesforce` (`raise_priority`). Other actions (`notify_*`, `add_coverage`, ...) make no
/// delivery: the Slack post shows them.
///
/// ```
/// use entitlement_core::rules::{Case, Channel, Ruleset};
/// let rules = Ruleset::from_yaml(r#"
/// processes: [ { id: p, milestones: [ { name: FR, kind: first_response, target: 1h,
///   triggers: [ { at: "50%", level: critical, actions: [create_jira_issue] } ] } ] } ]
/// entitlements: [ { id: e, process: p, account: { id: "001A", name: "Acme Corp.", arr: 2000000,
///   csm: { name: Dana, email: dana@acme.example }, executive_sponsor: Pat,
///   contacts: [ { name: Lee, slack: U0LEE }, { email: dana@acme.example } ] } } ]
/// monitor: { automate: [open_war_room, create_jira_issue] }
/// "#)?;
/// let case = Case::from_value(&serde_json::json!({"id": "500-17", "entitlement": "e",
///     "created_at": "2026-11-25T10:00:00Z", "fields": {"severity": "Sev1"}}))?;
/// let report = rules.monitor(&[case], "2026-11-25T10:40:00Z".parse()?, None)?;
/// let d = &report.alerts[0].deliveries;
/// let channels: Vec<_> = d.iter().map(|d| d.channel.as_str()).collect();
/// assert_eq!(channels, ["slack", "war_room", "jira", "pagerduty", "salesforce"]);
/// assert_eq!((d[0].action.as_str(), d[0].automated), ("notify", true));
/// assert_eq!(d[0].dedupe, report.alerts[0].key);
/// assert_eq!(d[1].target.as_deref(), Some("war-acme-corp-500-17"));
/// assert_eq!(d[1].invite, ["dana@acme.example", "U0LEE"]);    // the string sponsor has no address
/// assert!(d[2].dedupe.starts_with("entitlement-") && d[2].dedupe.len() == 28);
/// assert!(d[2].automated && !d[3].automated);                  // page_oncall: a dry run
/// assert_eq!(d[4].target.as_deref(), Some("High"));            // monitor.raise_priority
/// assert_eq!(d[4].channel, Channel::Salesforce);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Delivery {
    /// Where it goes.
    pub channel: Channel,
    /// The action it performs: `notify` for the Slack post, else the action's id
    /// (`open_war_room`, `create_jira_issue`, `page_oncall`, `raise_priority`).
    pub action: String,
    /// Whether the pipeline performs it for real: the action is in `monitor.automate` (always
    /// for the Slack post). Otherwise it is a dry run, logged and recorded.
    pub automated: bool,
    /// The war room's channel name (`war-<account>-<case>`) or the priority to write
    /// (`monitor.raise_priority`); `None` for the other channels.
    pub target: Option<String>,
    /// What the channel is asked about before sending again: the alert's key (carried in the
    /// Slack message's metadata; the Salesforce update is idempotent), the Jira label
    /// (`entitlement-` and 16 hex digits of the key's SHA-256) or PagerDuty's `dedup_key`.
    pub dedupe: String,
    /// The people a war room invites: Slack user ids, else email addresses, of the account's
    /// executive sponsor, CSM and contacts (empty for the other channels).
    pub invite: Vec<String>,
}

/// `s` as Slack names channels: lowercase, each run of characters outside `[a-z0-9_-]` one
/// `-`, no `-` at either end, at most `max` characters.
fn slug(s: &str, max: usize) -> String {
    let mut out = String::new();
    let mut run = false;
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-' {
            // Leading dashes, given or from a run, are trimmed as they come.
            if run && !out.is_empty() {
                out.push('-');
            }
            run = false;
            if !(c == '-' && out.is_empty()) {
                out.push(c);
            }
        } else {
            run = true;
        }
        if out.len() > max {
            break;
        }
    }
    out.truncate(max);
    out.trim_end_matches('-').to_string()
}

/// The war room's name: `war-<account>-<case>`, at most [`MAX_CHANNEL_NAME`] characters.
///
/// ```
/// use entitlement_core::rules::war_room_name;
/// assert_eq!(war_room_name(Some("Acme Corp."), Some("001A"), Some("500-17")), "war-acme-corp-500-17");
/// assert_eq!(war_room_name(Some("  "), Some("001A"), Some("C/9")), "war-001a-c-9");
/// assert_eq!(war_room_name(None, None, None), "war-none-none");
/// assert_eq!(war_room_name(Some(&"x".repeat(200)), None, Some("1")).len(), 80);
/// ```
pub fn war_room_name(
    account_name: Option<&str>,
    account_id: Option<&str>,
    case_id: Option<&str>,
) -> String {
    // The case id is kept whole up to 40 characters; the account's name gets the rest.
    let case = Some(slug(case_id.unwrap_or(""), 40))
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "none".into());
    let room = MAX_CHANNEL_NAME - "war-".len() - 1 - case.len();
    let account = [account_name, account_id]
        .into_iter()
        .flatten()
        .map(|a| slug(a, room))
        .find(|s| !s.is_empty())
        .unwrap_or_else(|| "none".into());
    format!("war-{account}-{case}")
}

/// The Jira label of an alert key: `entitlement-` and the first 16 hex digits of the key's
/// SHA-256 (labels have no spaces and at most 255 characters; the key may have either).
///
/// ```
/// use entitlement_core::rules::jira_label;
/// assert_eq!(jira_label("C-1/First Response/1/breach").len(), 28);
/// assert_eq!(jira_label(""), "entitlement-e3b0c44298fc1c14"); // SHA-256 of nothing
/// ```
pub fn jira_label(key: &str) -> String {
    let digest = Sha256::digest(key.as_bytes());
    let mut out = String::from("entitlement-");
    for b in &digest[..8] {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// The Slack user id (`slack`), else the email address (`email`), of a person of the account
/// context given as an object; `None` for a name alone.
fn address(person: &Value) -> Option<String> {
    let m = person.as_object()?;
    ["slack", "email"]
        .iter()
        .filter_map(|k| m.get(*k).and_then(Value::as_str))
        .map(str::trim)
        .find(|s| !s.is_empty())
        .map(str::to_string)
}

impl Alert {
    /// The war room's guests: the executive sponsor, the CSM, then the contacts, each once,
    /// at most [`MAX_INVITES`], from the first [`MAX_TEAM_SCAN`] entries.
    fn invitees(&self) -> Vec<String> {
        let contacts = match &self.contacts {
            Some(Value::Array(list)) => list.iter().collect(),
            _ => Vec::new(),
        };
        let people = self
            .executive_sponsor
            .iter()
            .chain(self.csm.iter())
            .chain(contacts)
            .take(MAX_TEAM_SCAN);
        let mut out: Vec<String> = Vec::new();
        for person in people {
            if out.len() >= MAX_INVITES {
                break;
            }
            if let Some(a) = address(person)
                && !out.contains(&a)
            {
                out.push(a);
            }
        }
        out
    }

    /// The alert's deliveries under `config` (its `actions` and key as they stand).
    pub(crate) fn deliveries_under(&self, config: &MonitorConfig) -> Vec<Delivery> {
        let mut out = vec![Delivery {
            channel: Channel::Slack,
            action: "notify".into(),
            automated: true,
            target: None,
            dedupe: self.key.clone(),
            invite: Vec::new(),
        }];
        let has = |a: &str| self.actions.iter().any(|x| x == a);
        let mut add = |channel, action: &str, target, dedupe, invite| {
            if has(action) {
                out.push(Delivery {
                    channel,
                    action: action.to_string(),
                    automated: config.automates(action),
                    target,
                    dedupe,
                    invite,
                });
            }
        };
        if has("open_war_room") {
            let name = war_room_name(
                self.account_name.as_deref(),
                self.account_id.as_deref(),
                self.case_id.as_deref(),
            );
            add(
                Channel::WarRoom,
                "open_war_room",
                Some(name),
                self.key.clone(),
                self.invitees(),
            );
        }
        if has("create_jira_issue") {
            add(
                Channel::Jira,
                "create_jira_issue",
                None,
                jira_label(&self.key),
                Vec::new(),
            );
        }
        if has("page_oncall") {
            // What `pagerduty_event` writes as `dedup_key`, so a `resolve` matches its trigger.
            add(
                Channel::PagerDuty,
                "page_oncall",
                None,
                bounded_key(&self.key, 255),
                Vec::new(),
            );
        }
        if has("raise_priority") {
            add(
                Channel::Salesforce,
                "raise_priority",
                Some(config.raise_priority.clone()),
                self.key.clone(),
                Vec::new(),
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn slugs_follow_slack_naming() {
        assert_eq!(slug("--Acme  Corp.--", 80), "acme-corp");
        assert_eq!(slug("Ünïcode_ok-1", 80), "n-code_ok-1");
        assert_eq!(slug("a---b", 80), "a---b"); // dashes are allowed characters
        assert_eq!(slug("a. .b", 80), "a-b"); // a run of others is one dash
        assert_eq!(slug("日本", 80), "");
        assert_eq!(slug("abc-def", 4), "abc");
    }

    proptest! {
        /// Whatever the names, a war room's name is a valid Slack channel name of at most 80
        /// characters that starts with `war-`.
        #[test]
        fn war_room_names_are_slack_names(
            name in prop::option::of(".{0,120}"),
            id in prop::option::of(".{0,40}"),
            case in prop::option::of(".{0,120}"),
        ) {
            let n = war_room_name(name.as_deref(), id.as_deref(), case.as_deref());
            prop_assert!(n.len() <= MAX_CHANNEL_NAME, "{n}");
            prop_assert!(n.starts_with("war-"));
            prop_assert!(!n.ends_with('-') && !n.contains("war--"), "{n}");
            prop_assert!(n.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-'));
        }
    }
}
