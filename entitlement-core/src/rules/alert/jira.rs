//! Jira Cloud: a create-issue request body.

use serde_json::{Value, json};

use super::Alert;
use super::text::{one_line, truncate};
use crate::rules::model::Level;

impl Alert {
    /// A Jira Cloud create-issue request body (`POST /rest/api/3/issue`): `fields` with
    /// `project.key`, `issuetype.name`, `summary` (at most 255 characters), `priority.name`,
    /// `labels` (no spaces) and `description` as an Atlassian Document Format document.
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
        // characters for a text field: the summary and the suggested actions get 8,000 each,
        // each of the (at most nine) facts 1,500.
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
            .map(|(k, v)| {
                json!({"type": "listItem", "content": [{"type": "paragraph", "content": [
                    {"type": "text", "text": format!("{k}: "), "marks": [{"type": "strong"}]},
                    {"type": "text", "text": truncate(&v, 1_500)}
                ]}]})
            })
            .collect();
        if !items.is_empty() {
            paragraphs.push(json!({"type": "bulletList", "content": items}));
        }
        if !self.actions.is_empty() {
            paragraphs.push(json!({"type": "paragraph", "content": [
                {"type": "text", "text": truncate(&format!("Suggested actions: {}", self.action_list()), 8_000)}
            ]}));
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
