//! Email: a subject and a `multipart/alternative` body, plain text and HTML.

use serde_json::{Value, json};

use super::Alert;
use super::text::{clean, one_line};

/// Text for HTML: `&`, `<`, `>`, `"` and `'` escaped, so CRM text is shown, never run.
pub(super) fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

impl Alert {
    /// An email: `{"subject", "text", "html", "body"}`: the parts of a `multipart/alternative`
    /// message (`body` is `text`, as earlier versions named it). Every value from the CRM or
    /// the rules is HTML-escaped in `html`; links are `<a href>` there and listed in `text`.
    ///
    /// ```
    /// # let (rules, case, now) = entitlement_core::doc_fixture::gold();
    /// # let report = rules.monitor(std::slice::from_ref(&case), now, None)?;
    /// let email = report.alerts[0].email();
    /// assert!(email["subject"].as_str().unwrap().contains("C-1"));
    /// assert!(email["text"].as_str().unwrap().contains("Acme"));
    /// assert!(email["html"].as_str().unwrap().contains("<td>Acme</td>"));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn email(&self) -> Value {
        // Cleaned but not cut: RFC 5322's 998-character lines bind the encoded message, which
        // the host's mail library makes (folding the subject, quoted-printable for the body).
        let summary = one_line(&self.summary);
        let mut text = format!("{summary}\n\n");
        let mut rows = String::new();
        for (k, v) in self.facts() {
            text.push_str(&format!("{k}: {v}\n"));
            rows.push_str(&format!(
                "<tr><th align=\"left\">{}</th><td>{}</td></tr>\n",
                html_escape(&k),
                html_escape(&v)
            ));
        }
        let mut html = format!(
            "<!DOCTYPE html>\n<html><body>\n<p>{}</p>\n<table>\n{rows}</table>\n",
            html_escape(&summary)
        );
        if !self.action_items.is_empty() {
            text.push_str("\nSuggested actions:\n");
            html.push_str("<p><strong>Suggested actions</strong></p>\n<ul>\n");
            for a in &self.action_items {
                let label = one_line(&a.label);
                let details = a.details.as_deref().map(one_line);
                match &details {
                    Some(d) => text.push_str(&format!("- {label}: {d}\n")),
                    None => text.push_str(&format!("- {label}\n")),
                }
                html.push_str(&format!(
                    "<li>{}{}</li>\n",
                    html_escape(&label),
                    details
                        .map(|d| format!(": {}", html_escape(&d)))
                        .unwrap_or_default()
                ));
            }
            html.push_str("</ul>\n");
        }
        if !self.links.is_empty() {
            text.push('\n');
            html.push_str("<p>");
            for (i, l) in self.links.iter().enumerate() {
                let (label, url) = (one_line(&l.label), one_line(&l.url));
                text.push_str(&format!("{label}: {url}\n"));
                if i > 0 {
                    html.push_str(" · ");
                }
                html.push_str(&format!(
                    "<a href=\"{}\">{}</a>",
                    html_escape(&url),
                    html_escape(&label)
                ));
            }
            html.push_str("</p>\n");
        }
        // The text may hold a newline: the key as it is, so that it can be searched for.
        text.push_str(&format!("\nEvent key: {}\n", clean(&self.key, true)));
        html.push_str(&format!(
            "<p><small>Event key: <code>{}</code></small></p>\n</body></html>\n",
            html_escape(&one_line(&self.key))
        ));
        json!({"subject": one_line(&self.title), "text": text, "html": html, "body": text})
    }
}
