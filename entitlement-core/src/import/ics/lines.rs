//! Content lines (RFC 5545 §3.1): unfolding, properties with their parameters, TEXT escapes,
//! and the components they nest in.

use crate::error::Result;
use crate::import::unsupported;

/// Components may nest this deep (VCALENDAR > VEVENT > VALARM needs 3); deeper input is refused.
pub(super) const MAX_DEPTH: usize = 16;

/// One property: its name (upper case), parameters (names upper case), value, and line number.
#[derive(Debug)]
pub(super) struct Property {
    pub(super) name: String,
    pub(super) params: Vec<(String, Vec<String>)>,
    pub(super) value: String,
    pub(super) line: usize,
}

impl Property {
    pub(super) fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.first())
            .map(String::as_str)
    }
}

/// A component (`VCALENDAR`, `VEVENT`, …) with its properties and sub-components.
#[derive(Debug)]
pub(super) struct Component {
    pub(super) name: String,
    pub(super) line: usize,
    pub(super) properties: Vec<Property>,
    pub(super) children: Vec<Component>,
}

impl Component {
    pub(super) fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Property> + 'a {
        self.properties.iter().filter(move |p| p.name == name)
    }
    pub(super) fn first(&self, name: &str) -> Option<&Property> {
        self.properties.iter().find(|p| p.name == name)
    }
}

pub(super) fn at_line(source: &str, line: usize) -> String {
    format!("{source}, line {line}")
}

/// Unfolds the text into logical lines, each with the number of its first physical line.
pub(super) fn unfold(text: &str) -> Vec<(usize, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines: Vec<(usize, String)> = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some(rest) = raw.strip_prefix([' ', '\t'])
            && let Some(last) = lines.last_mut()
        {
            last.1.push_str(rest);
            continue;
        }
        if raw.is_empty() {
            continue;
        }
        lines.push((i + 1, raw.to_string()));
    }
    lines
}

pub(super) fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-'
}

/// Parses one logical line: `NAME *(";" param) ":" value`.
pub(super) fn parse_line(line: &str, number: usize, source: &str) -> Result<Property> {
    let bad = |field: &str, reason: String| unsupported(&at_line(source, number), field, reason);
    let end = line.find(|c: char| !is_name_char(c)).unwrap_or(line.len());
    let name = line[..end].to_ascii_uppercase();
    if name.is_empty() {
        return Err(bad(
            "content line",
            format!(
                "expected a property name (letters, digits, '-') at the start of {}",
                preview(line)
            ),
        ));
    }
    // A name for messages: a garbage "name" may be megabytes long.
    let shown: String = name.chars().take(40).collect();
    let bad = |field: &str, reason: String| {
        let field = if field == name { shown.as_str() } else { field };
        unsupported(&at_line(source, number), field, reason)
    };
    let mut rest = &line[end..];
    let mut params = Vec::new();
    loop {
        match rest.chars().next() {
            Some(':') => {
                rest = &rest[1..];
                break;
            }
            Some(';') => {
                rest = &rest[1..];
                let pend = rest.find(|c: char| !is_name_char(c)).unwrap_or(rest.len());
                let pname = rest[..pend].to_ascii_uppercase();
                rest = &rest[pend..];
                if pname.is_empty() || !rest.starts_with('=') {
                    return Err(bad(
                        &name,
                        "expected a parameter NAME=value after ';'".to_string(),
                    ));
                }
                rest = &rest[1..];
                let mut values = Vec::new();
                loop {
                    if let Some(quoted) = rest.strip_prefix('"') {
                        let Some(close) = quoted.find('"') else {
                            return Err(bad(
                                &name,
                                format!("parameter {pname} has an unterminated quoted value"),
                            ));
                        };
                        values.push(quoted[..close].to_string());
                        rest = &quoted[close + 1..];
                    } else {
                        let vend = rest.find([';', ':', ',']).unwrap_or(rest.len());
                        values.push(rest[..vend].to_string());
                        rest = &rest[vend..];
                    }
                    match rest.strip_prefix(',') {
                        Some(r) => rest = r,
                        None => break,
                    }
                }
                params.push((pname, values));
            }
            _ => {
                return Err(bad(
                    &name,
                    "expected ':' and a value after the property name (a content line is NAME:value)"
                        .to_string(),
                ));
            }
        }
    }
    Ok(Property {
        name,
        params,
        value: rest.to_string(),
        line: number,
    })
}

/// The start of a long or odd text, for messages.
pub(super) fn preview(text: &str) -> String {
    let short: String = text.chars().take(40).collect();
    if short.len() < text.len() {
        format!("{short:?}…")
    } else {
        format!("{short:?}")
    }
}

/// Parses the text into its top-level components (`VCALENDAR`s).
pub(super) fn parse_components(text: &str, source: &str) -> Result<Vec<Component>> {
    let mut stack: Vec<Component> = Vec::new();
    let mut done: Vec<Component> = Vec::new();
    let mut last_line = 0;
    for (number, line) in unfold(text) {
        last_line = number;
        let prop = parse_line(&line, number, source)?;
        match prop.name.as_str() {
            "BEGIN" => {
                let name = prop.value.trim().to_ascii_uppercase();
                if name.is_empty() || !name.chars().all(is_name_char) {
                    return Err(unsupported(
                        &at_line(source, number),
                        "BEGIN",
                        format!("{} is not a component name", preview(&prop.value)),
                    ));
                }
                if stack.is_empty() && name != "VCALENDAR" {
                    return Err(unsupported(
                        &at_line(source, number),
                        "BEGIN",
                        format!("a feed starts with BEGIN:VCALENDAR, not BEGIN:{name}"),
                    ));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(unsupported(
                        &at_line(source, number),
                        "BEGIN",
                        format!("components nest more than {MAX_DEPTH} deep"),
                    ));
                }
                stack.push(Component {
                    name,
                    line: number,
                    properties: Vec::new(),
                    children: Vec::new(),
                });
            }
            "END" => {
                let name = prop.value.trim().to_ascii_uppercase();
                let Some(open) = stack.pop() else {
                    return Err(unsupported(
                        &at_line(source, number),
                        "END",
                        format!("END:{name} without a BEGIN"),
                    ));
                };
                if open.name != name {
                    return Err(unsupported(
                        &at_line(source, number),
                        "END",
                        format!(
                            "END:{name} closes BEGIN:{} of line {}",
                            open.name, open.line
                        ),
                    ));
                }
                match stack.last_mut() {
                    Some(parent) => parent.children.push(open),
                    None => done.push(open),
                }
            }
            _ => match stack.last_mut() {
                Some(c) => c.properties.push(prop),
                None => {
                    return Err(unsupported(
                        &at_line(source, number),
                        &prop.name,
                        "a property outside BEGIN:VCALENDAR … END:VCALENDAR; is this an iCalendar feed?",
                    ));
                }
            },
        }
    }
    if let Some(open) = stack.last() {
        return Err(unsupported(
            &at_line(source, last_line.max(open.line)),
            "END",
            format!(
                "the feed ends inside BEGIN:{} of line {} (no END:{}); is the file truncated?",
                open.name, open.line, open.name
            ),
        ));
    }
    if done.is_empty() {
        return Err(unsupported(
            source,
            "VCALENDAR",
            "no BEGIN:VCALENDAR … END:VCALENDAR found; the input is empty or not an iCalendar feed",
        ));
    }
    Ok(done)
}

/// TEXT value escapes (RFC 5545 §3.3.11).
pub(super) fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push('\n'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}
