//! Jira Cloud: a create-issue request body.

use serde_json::{Value, json};

use super::Alert;
use super::text::{one_line, truncate};
use crate::rules::model::Level;

impl Alert {
    /// A Jira Cloud create-issue request body (`POST /rest/api/3/issue`): `fields` with
    /// `project.key`, `issuetype.name`, `summary` (at most 255 characters), `priority.name`,
    /// `labels` (no spaces) and `description` as an Atlassian Document Format document: the
    /// summary, the facts and case fields as a bullet list, the suggested actions by label,
    /// and the links (`monitor.links`) as text with a `link` mark.
    ///
    /// ```
    /// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
    /// # let report = rules.monitor(std::slice::from_ref(&case), now, None)?;
    /// let issue = report.alerts[0].jira_issue("SUP", "Task");
    /// assert_eq!(issue["fields"]["project"]["key"], "SUP");
    /// assert_eq!(issue["fields"]["description"]["type"], "doc");   // Atlassian Document Format
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn jira_issue(&self, project_key: &str, issue_type: &str) -> Value {
        let priority = match self.level {
            Level::Info => "Low",
            Level::Warning => "Medium",
            Level::Critical => "High",
            Level::Violation | Level::Escalation => "Highest",
        };
        // Each text node cut so that the whole description stays within Jira's 32,767
        // characters for a text field: the summary gets 8,000, each of the facts 1,000 (at
        // most 12), each suggested action 150 (at most 50), each link 2,000 and its label 255.
        let summary = truncate(&one_line(&self.summary), 8_000);
        let summary = if summary.trim().is_empty() {
            "-".to_string()
        } else {
            summary
        };
        let mut paragraphs =
            vec![json!({"type": "paragraph", "content": [{"type": "text", "text": summary}]})];
        let items: Vec<Value> = self
            .facts()
            .into_iter()
            .take(12)
            .map(|(k, v)| {
                json!({"type": "listItem", "content": [{"type": "paragraph", "content": [
                    {"type": "text", "text": truncate(&format!("{k}: "), 100), "marks": [{"type": "strong"}]},
                    {"type": "text", "text": truncate(&v, 1_000)}
                ]}]})
            })
            .collect();
        if !items.is_empty() {
            paragraphs.push(json!({"type": "bulletList", "content": items}));
        }
        if !self.action_items.is_empty() {
            paragraphs.push(json!({"type": "paragraph", "content": [
                {"type": "text", "text": "Suggested actions", "marks": [{"type": "strong"}]}
            ]}));
            let items: Vec<Value> = self
                .action_items
                .iter()
                .take(50)
                .map(|a| {
                    let mut t = one_line(&a.label);
                    if let Some(d) = &a.details {
                        t.push_str(": ");
                        t.push_str(&one_line(d));
                    }
                    let t = truncate(&t, 150);
                    let t = if t.trim().is_empty() { a.id.clone() } else { t };
                    json!({"type": "listItem", "content": [{"type": "paragraph", "content": [
                        {"type": "text", "text": truncate(&one_line(&t), 150)}
                    ]}]})
                })
                .collect();
            paragraphs.push(json!({"type": "bulletList", "content": items}));
        }
        let links: Vec<Value> = self
            .links
            .iter()
            .filter(|l| l.url.len() <= 2_000)
            .map(|l| {
                let label = truncate(&one_line(&l.label), 255);
                let label = if label.trim().is_empty() {
                    "Link".to_string()
                } else {
                    label
                };
                json!({"type": "text", "text": label,
                       "marks": [{"type": "link", "attrs": {"href": one_line(&l.url)}}]})
            })
            .collect();
        if !links.is_empty() {
            let mut content = Vec::new();
            for (i, l) in links.into_iter().enumerate() {
                if i > 0 {
                    content.push(json!({"type": "text", "text": " · "}));
                }
                content.push(l);
            }
            paragraphs.push(json!({"type": "paragraph", "content": content}));
        }
        let mut labels = vec![
            "entitlement".to_string(),
            format!("sla-{}", self.level.as_str()),
            format!("sla-{}", self.kind.as_str()),
        ];
        if let Some(e) = &self.entitlement {
            let label = one_line(e).replace(char::is_whitespace, "-");
            if !label.is_empty() {
                labels.push(truncate(&label, 255));
            }
        }
        json!({"fields": {
            "project": {"key": truncate(&one_line(project_key), 255)},
            "issuetype": {"name": truncate(&one_line(issue_type), 255)},
            "summary": truncate(&one_line(&self.title), 255),
            "priority": {"name": priority},
            "labels": labels,
            "description": {"type": "doc", "version": 1, "content": paragraphs},
        }})
    }
}
