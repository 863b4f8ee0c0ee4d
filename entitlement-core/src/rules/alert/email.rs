//! Email: a plain-text subject and body.

use serde_json::{Value, json};

use super::Alert;
use super::text::{clean, one_line};

impl Alert {
    /// A plain-text email: `{"subject": ..., "body": ...}`.
    ///
    /// ```
    /// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
    /// # let report = rules.monitor(std::slice::from_ref(&case), now, None)?;
    /// let email = report.alerts[0].email();
    /// assert!(email["subject"].as_str().unwrap().contains("C-1"));
    /// assert!(email["body"].as_str().unwrap().contains("Acme"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn email(&self) -> Value {
        // Cleaned but not cut: RFC 5322's 998-character lines bind the encoded message, which
        // the host's mail library makes (folding the subject, quoted-printable for the body).
        let mut body = format!("{}\n\n", one_line(&self.summary));
        for (k, v) in self.facts() {
            body.push_str(&format!("{k}: {v}\n"));
        }
        if !self.actions.is_empty() {
            body.push_str(&format!("\nSuggested actions: {}\n", self.action_list()));
        }
        // The body may hold a newline: the key as it is, so that it can be searched for.
        body.push_str(&format!("\nEvent key: {}\n", clean(&self.key, true)));
        json!({"subject": one_line(&self.title), "body": body})
    }
}
