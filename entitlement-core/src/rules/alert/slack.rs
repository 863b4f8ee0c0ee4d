//! Slack: a Block Kit message.

use serde_json::{Value, json};

use super::Alert;
use super::text::{one_line, truncate};

/// The most blocks Slack takes in one message (Block Kit reference: "up to 50 blocks in each
/// message").
pub const SLACK_MAX_BLOCKS: usize = 50;
/// The longest URL a Slack button takes (button element: "Maximum length for this field is
/// 3000 characters"); a longer link gets no button.
pub(super) const SLACK_MAX_URL: usize = 3000;

/// Text for Slack's `mrkdwn`: `&`, `<` and `>` escaped as Slack documents, so that text from a
/// CRM cannot mention `<!channel>` or hide a link.
pub(super) fn slack_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Text inside a Slack code span (between backticks): `mrkdwn` has no escape for a backtick,
/// so each becomes U+02CB (ˋ), which looks alike and cannot close the span.
fn slack_code(s: &str) -> String {
    slack_escape(s).replace('`', "\u{02CB}")
}

/// A link as a button (label at most 75 characters), or `None` when its URL is longer than a
/// button takes.
pub(super) fn button(link: &super::AlertLink) -> Option<Value> {
    let url = one_line(&link.url);
    (super::text::units(&url) <= SLACK_MAX_URL).then(|| {
        json!({"type": "button", "text": {"type": "plain_text", "text": truncate(&one_line(&link.label), 75)},
               "url": url})
    })
}

impl Alert {
    /// A Slack message: `{"text": fallback, "blocks": [...]}` in Block Kit: a header (the
    /// title), a section with the summary, a section of up to 10 fields, the suggested actions
    /// by label, the links as buttons, and the event keys as context; at most 6 blocks, within
    /// Slack's documented limits (header 150 characters, section text 3000, fields 2000 each,
    /// button label 75, button URL 3000: a longer URL gets no button), with `&`, `<` and `>`
    /// escaped in `mrkdwn` text.
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
                json!({"type": "mrkdwn", "text": truncate(&format!("*{}*\n{}", slack_escape(&k), slack_escape(&v)), 2000)})
            })
            .collect();
        let mut blocks = vec![
            json!({"type": "header", "text": {"type": "plain_text", "text": truncate(&title, 150), "emoji": true}}),
            json!({"type": "section", "text": {"type": "mrkdwn", "text": truncate(&slack_escape(&one_line(&self.summary)), 3000)}}),
        ];
        if !fields.is_empty() {
            blocks.push(json!({"type": "section", "fields": fields}));
        }
        if !self.action_items.is_empty() {
            // One line: a newline would come from the catalogue, never from the CRM.
            let list: Vec<String> = self
                .action_items
                .iter()
                .map(|a| match &a.details {
                    Some(d) => format!("{} ({})", one_line(&a.label), one_line(d)),
                    None => one_line(&a.label),
                })
                .collect();
            let list = format!("*Suggested actions:* {}", slack_escape(&list.join("; ")));
            blocks.push(json!({"type": "section", "text": {"type": "mrkdwn", "text": truncate(&list, 3000)}}));
        }
        let buttons: Vec<Value> = self.links.iter().filter_map(button).take(25).collect();
        if !buttons.is_empty() {
            blocks.push(json!({"type": "actions", "elements": buttons}));
        }
        // Each key is cut before it goes into the span, so that the closing backtick stays;
        // at most 10 context elements.
        let mut context = Vec::new();
        let others = self.keys.iter().filter(|k| **k != self.key);
        for (i, key) in std::iter::once(&self.key)
            .chain(others)
            .enumerate()
            .take(10)
        {
            let key = truncate(&slack_code(&one_line(key)), 2900);
            let label = if i == 0 { "Event key" } else { "Also" };
            context.push(json!({"type": "mrkdwn", "text": format!("{label}: `{key}`")}));
        }
        blocks.push(json!({"type": "context", "elements": context}));
        json!({"text": truncate(&slack_escape(&title), 3000), "blocks": blocks})
    }
}
