//! Slack: a Block Kit message.

use serde_json::{Value, json};

use super::Alert;
use super::text::{one_line, truncate};

/// Text for Slack's `mrkdwn`: `&`, `<` and `>` escaped as Slack documents, so that text from a
/// CRM cannot mention `<!channel>` or hide a link.
fn slack_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Text inside a Slack code span (between backticks): `mrkdwn` has no escape for a backtick,
/// so each becomes U+02CB (ˋ), which looks alike and cannot close the span.
fn slack_code(s: &str) -> String {
    slack_escape(s).replace('`', "\u{02CB}")
}

impl Alert {
    /// A Slack message: `{"text": fallback, "blocks": [...]}` in Block Kit (a header, a section
    /// with up to 10 fields, the suggested actions and the event key as context), within
    /// Slack's documented limits (header 150 characters, section text 3000, fields 2000 each),
    /// with `&`, `<` and `>` escaped in `mrkdwn` text.
    ///
    /// ```
    /// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
    /// # let report = rules.monitor(std::slice::from_ref(&case), now, None)?;
    /// let message = report.alerts[0].slack_blocks();
    /// assert_eq!(message["blocks"][0]["type"], "header");
    /// assert!(message["text"].as_str().unwrap().contains("First Response"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn slack_blocks(&self) -> Value {
        let title = one_line(&self.title);
        let fields: Vec<Value> = self
            .facts()
            .into_iter()
            .take(10)
            .map(|(k, v)| {
                json!({"type": "mrkdwn", "text": truncate(&format!("*{k}*\n{}", slack_escape(&v)), 2000)})
            })
            .collect();
        let mut blocks = vec![
            json!({"type": "header", "text": {"type": "plain_text", "text": truncate(&title, 150), "emoji": true}}),
            json!({"type": "section", "text": {"type": "mrkdwn", "text": truncate(&slack_escape(&one_line(&self.summary)), 3000)}}),
        ];
        if !fields.is_empty() {
            blocks.push(json!({"type": "section", "fields": fields}));
        }
        let mut context = Vec::new();
        if !self.actions.is_empty() {
            context.push(json!({"type": "mrkdwn", "text": truncate(&slack_escape(&format!("Suggested: {}", self.action_list())), 3000)}));
        }
        // The key is cut before it goes into the span, so that the closing backtick stays.
        let key = truncate(&slack_code(&one_line(&self.key)), 2900);
        context.push(json!({"type": "mrkdwn", "text": format!("Event key: `{key}`")}));
        blocks.push(json!({"type": "context", "elements": context}));
        json!({"text": truncate(&slack_escape(&title), 3000), "blocks": blocks})
    }
}
