//! Text fit to render: what every renderer does to text from a CRM before it shows it.

/// Whether a character is one of the bidirectional embeddings, overrides and isolates
/// (U+202A–U+202E, U+2066–U+2069), which can make text read differently from what it is.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Text fit to render: bidirectional controls dropped; control characters (ESC, CR, tab,
/// newline, ...) become spaces, except newlines where `multiline`. So CRM text cannot add an
/// email header, break a Jira summary, reorder what a reader sees or drive a terminal.
pub(super) fn clean(s: &str, multiline: bool) -> String {
    s.chars()
        .filter(|&c| !is_bidi_control(c))
        .map(|c| {
            if c.is_control() && !(multiline && c == '\n') {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// One line of text fit to render (see [`clean`]).
pub(super) fn one_line(s: &str) -> String {
    clean(s, false)
}

/// The length vendors count, in UTF-16 code units: what JavaScript's and Java's `length`
/// give, and never less than the number of characters.
pub(super) fn units(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

/// At most `max` UTF-16 code units: `s` itself, or its start and `…`.
pub(super) fn truncate(s: &str, max: usize) -> String {
    if units(s) <= max {
        return s.to_string();
    }
    let mut t = String::new();
    let mut used = 0;
    for c in s.chars() {
        if used + c.len_utf16() > max.saturating_sub(1) {
            break;
        }
        used += c.len_utf16();
        t.push(c);
    }
    t.push('…');
    t
}
