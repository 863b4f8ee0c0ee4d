//! The one error type of the crate.
//!
//! Every variant carries enough to say *what* was wrong, *where* (the document path, such as
//! `calendars.ny.hours.mon[0]`, or the operation) and *what would be valid*. Each has a stable
//! machine-readable [`Error::code`] that the Python and Node bindings expose unchanged.

/// A `Result` whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The broad family of an error, which the bindings map to their exception classes.
///
/// ```
/// use entitlement_core::{Error, ErrorKind};
/// let e = Error::NeverOpen { path: "calendars.closed".into() };
/// assert_eq!(e.kind(), ErrorKind::Config);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The configuration (a calendar or rules document) is invalid.
    Config,
    /// A calendar cannot answer the question within the supported range.
    Calendar,
    /// An argument of an operation (an instant, a duration, a case) is invalid.
    Input,
    /// A bug in this library (a caught panic): code `internal_error`.
    Internal,
}

/// Everything that can go wrong in this crate.
///
/// ```
/// use entitlement_core::Calendar;
/// let err = Calendar::from_json(r#"{"time_zone": "Mars/Olympus", "hours": {"mon": ["09:00-17:00"]}}"#)
///     .unwrap_err();
/// assert_eq!(err.code(), "unknown_time_zone");
/// assert!(err.to_string().contains("time_zone"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The text is not well-formed JSON, YAML or TOML.
    #[error("cannot parse {format}: {message}")]
    Parse {
        /// `JSON`, `YAML` or `TOML`.
        format: &'static str,
        /// The parser's own message, with its line and column.
        message: String,
    },
    /// A key that the document format does not define.
    #[error("{}: unknown key `{}`; expected one of: {expected}", at(.path), shortened(.key, EXCERPT_CHARS))]
    UnknownKey {
        /// Where the key was found.
        path: String,
        /// The key itself.
        key: String,
        /// The keys that are valid there.
        expected: String,
    },
    /// A required key is missing.
    #[error("{}: missing required key `{key}`", at(.path))]
    MissingKey {
        /// The object that lacks the key.
        path: String,
        /// The key that is required.
        key: String,
    },
    /// A value of the wrong type (a number where a string was expected, ...).
    #[error("{}: expected {expected}, found {found}", at(.path))]
    InvalidType {
        /// Where the value was found.
        path: String,
        /// What would be valid.
        expected: String,
        /// What was found.
        found: String,
    },
    /// A malformed time of day or time interval (`"9am"`, `"25:00"`, `"09:00"` without an end).
    #[error("{}: invalid time {}: {reason}", at(.path), excerpt(.value))]
    InvalidTime {
        /// Where the value was found.
        path: String,
        /// The text as written.
        value: String,
        /// Why it is invalid and what would be valid.
        reason: String,
    },
    /// A malformed or impossible date (`"2026-02-30"`).
    #[error("{}: invalid date {}: {reason}", at(.path), excerpt(.value))]
    InvalidDate {
        /// Where the value was found.
        path: String,
        /// The text as written.
        value: String,
        /// Why it is invalid and what would be valid.
        reason: String,
    },
    /// A malformed duration (`"4 hours"`).
    #[error("{}: invalid duration {}: expected a number with a unit s, m, h or d (`90s`, `15m`, `4h`, `2d`) or ISO 8601 (`PT4H`)", at(.path), excerpt(.value))]
    InvalidDuration {
        /// Where the value was found.
        path: String,
        /// The text as written.
        value: String,
    },
    /// A value of the right type that is not allowed (an unknown weekday, `nth: 7`, ...).
    #[error("{}: {reason}", at(.path))]
    InvalidValue {
        /// Where the value was found.
        path: String,
        /// Why it is invalid and what would be valid.
        reason: String,
    },
    /// A time zone name that is not in the IANA database.
    #[error("{}: unknown time zone {}; expected an IANA name such as \"America/New_York\", \"Europe/London\" or \"UTC\"", at(.path), excerpt(.name))]
    UnknownTimeZone {
        /// Where the value was found.
        path: String,
        /// The name as written.
        name: String,
    },
    /// Two opening intervals overlap.
    #[error("{}: opening intervals {first} and {second} overlap; merge them into one interval", at(.path))]
    OverlappingIntervals {
        /// Where the intervals were found.
        path: String,
        /// The first interval, as written (with its weekday).
        first: String,
        /// The second interval, as written (with its weekday).
        second: String,
    },
    /// A union names a calendar that is not defined.
    #[error("{}: unknown calendar {}; defined calendars: {known}", at(.path), excerpt(.name))]
    UnknownCalendar {
        /// Where the name was found.
        path: String,
        /// The name as written.
        name: String,
        /// The calendars that exist.
        known: String,
    },
    /// Unions that refer to each other in a cycle.
    #[error("{}: calendar {} is part of a cycle of unions", at(.path), excerpt(.name))]
    CalendarCycle {
        /// Where the cycle was detected.
        path: String,
        /// A calendar on the cycle.
        name: String,
    },
    /// A calendar with no opening hours at all: every deadline on it would be infinitely far.
    #[error(
        "{}: the calendar is never open; give it weekly `hours`, a dated override with hours, or use `always_open: true`", at(.path)
    )]
    NeverOpen {
        /// The calendar's path in its document (empty for a calendar built directly).
        path: String,
    },
    /// The calendar does not open (or, for `next_close`, does not close) again within the
    /// supported range, years 1 to 9999.
    #[error("{operation}: the calendar does not {event} between {from} and the end of year 9999")]
    NoOpening {
        /// The operation that was asked, such as `next_open`.
        operation: &'static str,
        /// `open` or `close`.
        event: &'static str,
        /// The instant the search started from (RFC 3339).
        from: String,
    },
    /// An instant or a result outside the supported range, years 1 to 9999 (UTC).
    #[error(
        "{what} is out of range: instants must lie between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z"
    )]
    OutOfRange {
        /// What was out of range, with its value.
        what: String,
    },
    /// A date-time without a UTC offset, which would have to be guessed.
    #[error("{}: date-time {} has no UTC offset; write it with one, such as \"2026-03-06T16:00:00-05:00\" or \"2026-03-06T21:00:00Z\"", at(.path), excerpt(.value))]
    NaiveDateTime {
        /// Where the value was found (an argument name for operations).
        path: String,
        /// The text as written.
        value: String,
    },
    /// A malformed instant.
    #[error("{}: invalid date-time {}: {reason}", at(.path), excerpt(.value))]
    InvalidInstant {
        /// Where the value was found (an argument name for operations).
        path: String,
        /// The value as written.
        value: String,
        /// Why it is invalid and what would be valid.
        reason: String,
    },
    /// A document or input larger than the documented limits.
    #[error("{}: {reason}", at(.path))]
    LimitExceeded {
        /// Where the limit was exceeded.
        path: String,
        /// Which limit, and its value.
        reason: String,
    },
    /// A reference to a process that is not defined.
    #[error("{}: unknown process {}; defined processes: {known}", at(.path), excerpt(.name))]
    UnknownProcess {
        /// Where the reference was found.
        path: String,
        /// The process id as written.
        name: String,
        /// The process ids that exist.
        known: String,
    },
    /// A pinned version of a process that is not defined.
    #[error("{}: process {} has no version {version}; defined versions: {known}", at(.path), excerpt(.process))]
    UnknownProcessVersion {
        /// Where the reference was found.
        path: String,
        /// The process id.
        process: String,
        /// The version asked for.
        version: i64,
        /// The versions that exist.
        known: String,
    },
    /// Two definitions with the same identity (a process id and version, an entitlement id, a
    /// milestone name within a process).
    #[error("{}: duplicate {what} {}; each must be defined once", at(.path), excerpt(.id))]
    Duplicate {
        /// Where the second definition was found.
        path: String,
        /// What is duplicated (`process version`, `entitlement`, `milestone`).
        what: &'static str,
        /// The duplicated identity.
        id: String,
    },
    /// A mapping (a JSON object, a YAML mapping) that gives the same key twice: a format's
    /// parser would keep only the last, silently dropping the first (a second `processes`
    /// would wipe the first). TOML refuses them as a `parse_error`.
    #[error("{}: the key `{}` is given twice; each key may appear once in a mapping", at(.path), shortened(.key, EXCERPT_CHARS))]
    DuplicateKey {
        /// The mapping that holds the key twice.
        path: String,
        /// The key.
        key: String,
    },
    /// A criterion whose operator is not one of the supported operators.
    #[error("{}: unknown operator {}; expected one of: eq, ne, in, not_in, exists, lt, le, gt, ge", at(.path), excerpt(.op))]
    UnknownOperator {
        /// Where the operator was found.
        path: String,
        /// The operator as written.
        op: String,
    },
    /// A case event whose type is neither built in nor named by a milestone of the process.
    #[error("{}: unknown event type {}; expected one of: {expected}", at(.path), excerpt(.event_type))]
    UnknownEventType {
        /// The event's path in the case (`events[3].type`).
        path: String,
        /// The type as written.
        event_type: String,
        /// The event types that are valid for this case's process.
        expected: String,
    },
    /// A case that names an entitlement the rules do not define.
    #[error("{}: unknown entitlement {}; defined entitlements: {known}", at(.path), excerpt(.name))]
    UnknownEntitlement {
        /// Where the reference was found.
        path: String,
        /// The entitlement id as written.
        name: String,
        /// The entitlement ids that exist (at most 20 are listed).
        known: String,
    },
    /// A rule that names an action neither built in nor defined in the action catalogue
    /// (`monitor.actions`).
    #[error("{}: unknown action {}; define it under monitor.actions, or use one of: {known}", at(.path), excerpt(.name))]
    UnknownAction {
        /// Where the action was named (`processes[0].milestones[1].triggers[0].actions[0]`).
        path: String,
        /// The action id as written.
        name: String,
        /// The action ids that exist (at most 20 are listed).
        known: String,
    },
    /// Input from another system (a Salesforce record, a Zendesk policy, an iCalendar feed) that
    /// an importer cannot represent faithfully, or that is malformed: the path names the file or
    /// record and the field (`Holiday 0Cn000000000001 (Payday): RecurrenceType`).
    #[error("{}: {reason}", at(.path))]
    Unsupported {
        /// The record (or file) and the field.
        path: String,
        /// What is not supported, with the offending value, and what would be.
        reason: String,
    },
    /// Two or more cases with the same id in one call: the engine cannot know which copy is
    /// right, so every copy is left out (an error entry each, or, with `OnError::Raise`, the
    /// first copy's error). The path is the case's `id`.
    #[error("{}: the case id {} is given {count} times in one call ({places}); every copy is left out, since which one is right cannot be known: give each case once", at(.path), excerpt(.id))]
    DuplicateCase {
        /// Where the id is (`id`, inside the case).
        path: String,
        /// The id.
        id: String,
        /// How many cases of the call have it.
        count: usize,
        /// Their places in the input (`cases[3], cases[7]`; the first five, then a count).
        places: String,
    },
    /// A monitor window `(since, now]` whose `since` is not before `now`: it holds no instant,
    /// and a job that then writes the earlier time back would report old events again.
    #[error("{}: the window (since, now] is empty: since {since} is not before now {now}; pass a `since` earlier than `now` (the previous run's `now`), or none for everything up to `now`", at(.path))]
    InvalidWindow {
        /// The argument (`since`).
        path: String,
        /// `since`, RFC 3339.
        since: String,
        /// `now`, RFC 3339.
        now: String,
    },
    /// An error in one case: the message starts with the case id, and the code and description
    /// are those of the inner error. Its kind is [`ErrorKind::Input`], or
    /// [`ErrorKind::Calendar`] when a calendar could not answer (`no_opening`).
    #[error("case {}: {error}", excerpt(.case))]
    InCase {
        /// The case's id (or `#n`, its position, when it has no readable id).
        case: String,
        /// What is wrong, with its path inside the case.
        error: Box<Error>,
    },
    /// An error found while reading a document (a calendar or rules definition, an import)
    /// whose own variant belongs to another family, such as an `out_of_range` date inside a
    /// holiday rule: its kind is [`ErrorKind::Config`], because the document is at fault. The
    /// code, message and path are those of the inner error. Made by [`Error::in_document`].
    #[error(transparent)]
    InDocument(Box<Error>),
    /// An error found in an argument of an operation (a batch item, an option, a value a
    /// binding converts) whose own variant belongs to another family, such as an
    /// `invalid_type`: its kind is [`ErrorKind::Input`]. The code, message and path are those of
    /// the inner error. Made by [`Error::in_argument`].
    #[error(transparent)]
    InArgument(Box<Error>),
    /// A bug in this library: a panic caught at a binding's boundary, reported instead of
    /// crashing the host process. Code `internal_error`.
    #[error("internal error in entitlement (please report it): {reason}")]
    Internal {
        /// The panic's message.
        reason: String,
    },
    /// A value a host program gave (a binding's argument, or a host value such as a Python
    /// `datetime` inside a document or a case) that the binding cannot read as the core's:
    /// a naive datetime, a value of the wrong type for an instant or a duration, a duration
    /// beyond the supported range. Its code is the one the same problem has in a document, so
    /// that one problem has one code in every layer.
    ///
    /// ```
    /// use entitlement_core::error::{Error, HostProblem};
    /// let e = Error::HostValue {
    ///     path: "start".into(),
    ///     problem: HostProblem::NaiveDateTime,
    ///     reason: "naive datetime 2026-03-06 16:00:00 has no time zone".into(),
    /// };
    /// assert_eq!(e.code(), "naive_datetime");
    /// assert_eq!(e.to_string(), "start: naive datetime 2026-03-06 16:00:00 has no time zone");
    /// ```
    #[error("{}: {reason}", at(.path))]
    HostValue {
        /// Where: the argument (`start`, `starts[3]`, Node's `ms`) or the path inside the
        /// document or case.
        path: String,
        /// Which problem, which gives the code.
        problem: HostProblem,
        /// What was wrong and what would be valid.
        reason: String,
    },
}

/// The problem of an [`Error::HostValue`], which gives its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HostProblem {
    /// A datetime without a time zone (`naive_datetime`).
    NaiveDateTime,
    /// A value that is not an instant where one is expected (`invalid_instant`).
    InvalidInstant,
    /// A value that is not a duration where one is expected (`invalid_duration`).
    InvalidDuration,
    /// A value outside the supported range (`out_of_range`).
    OutOfRange,
}

impl HostProblem {
    /// The stable code of the problem, the one the same problem has in a document.
    pub fn code(self) -> &'static str {
        match self {
            HostProblem::NaiveDateTime => "naive_datetime",
            HostProblem::InvalidInstant => "invalid_instant",
            HostProblem::InvalidDuration => "invalid_duration",
            HostProblem::OutOfRange => "out_of_range",
        }
    }
}

/// One step of an error's [`Error::path`]: a key of a mapping or an index of a list.
///
/// ```
/// use entitlement_core::error::PathSegment;
/// assert_eq!(PathSegment::Key("hours".into()).to_string(), "hours");
/// assert_eq!(PathSegment::Index(3).to_string(), "[3]");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(untagged)]
pub enum PathSegment {
    /// A key of a mapping (a document key, a record's field, an argument's name).
    Key(String),
    /// A position in a list.
    Index(usize),
}

impl std::fmt::Display for PathSegment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PathSegment::Key(key) => f.write_str(key),
            PathSegment::Index(i) => write!(f, "[{i}]"),
        }
    }
}

/// Splits a path as messages write it (`calendars.ny.hours.mon[0]`, `events[3].at`) into its
/// keys and indices. A key written with brackets and quotes (`calendars["a.b"]`, the form
/// paths use for a key that holds `.`, `[` or `]`) is one key. Text that follows no such shape
/// (an importer's `Holiday 0Cn… (Payday): RecurrenceType`) stays whole in one key.
///
/// ```
/// use entitlement_core::error::{PathSegment, parse_path};
/// assert_eq!(
///     parse_path("calendars.ny.hours.mon[0]"),
///     vec![
///         PathSegment::Key("calendars".into()),
///         PathSegment::Key("ny".into()),
///         PathSegment::Key("hours".into()),
///         PathSegment::Key("mon".into()),
///         PathSegment::Index(0),
///     ]
/// );
/// assert_eq!(parse_path(r#"calendars["a.b"].time_zone"#).len(), 3);
/// assert!(parse_path("").is_empty());
/// ```
pub fn parse_path(path: &str) -> Vec<PathSegment> {
    fn parse(path: &str) -> Option<Vec<PathSegment>> {
        let mut out = Vec::new();
        let mut rest = path;
        let mut first = true;
        while !rest.is_empty() {
            if let Some(after) = rest.strip_prefix('[') {
                if after.starts_with('"') {
                    // A quoted key: a JSON string up to the closing `"]`.
                    let mut de = serde_json::Deserializer::from_str(after).into_iter::<String>();
                    let key = de.next()?.ok()?;
                    let used = de.byte_offset();
                    out.push(PathSegment::Key(key));
                    rest = after[used..].strip_prefix(']')?;
                } else {
                    let close = after.find(']')?;
                    out.push(PathSegment::Index(after[..close].parse().ok()?));
                    rest = &after[close + 1..];
                }
            } else {
                if !first {
                    rest = rest.strip_prefix('.')?;
                }
                let end = rest.find(['.', '[']).unwrap_or(rest.len());
                if end == 0 {
                    return None;
                }
                out.push(PathSegment::Key(rest[..end].to_string()));
                rest = &rest[end..];
            }
            first = false;
        }
        Some(out)
    }
    if path.is_empty() {
        return Vec::new();
    }
    parse(path).unwrap_or_else(|| vec![PathSegment::Key(path.to_string())])
}

/// A quoted value in a message shows at most this many characters.
pub const EXCERPT_CHARS: usize = 64;

/// A value as messages quote it: in double quotes and escaped like Rust's `{:?}`, cut after
/// [`EXCERPT_CHARS`] characters and followed by the value's full length, so that a message
/// stays short whatever the input.
///
/// ```
/// use entitlement_core::error::excerpt;
/// assert_eq!(excerpt("9am"), "\"9am\"");
/// let long = "x".repeat(5_000_000);
/// assert_eq!(excerpt(&long), format!("\"{}\"… (5000000 bytes)", "x".repeat(64)));
/// ```
pub fn excerpt(value: &str) -> String {
    match value.char_indices().nth(EXCERPT_CHARS) {
        None => format!("{value:?}"),
        Some((end, _)) => format!("{:?}… ({} bytes)", &value[..end], value.len()),
    }
}

/// `text` unquoted, or its first `chars` characters followed by `… (N bytes)`: for keys in
/// paths, and for parsers' messages.
pub(crate) fn shortened(text: &str, chars: usize) -> std::borrow::Cow<'_, str> {
    match text.char_indices().nth(chars) {
        None => std::borrow::Cow::Borrowed(text),
        Some((end, _)) => format!("{}… ({} bytes)", &text[..end], text.len()).into(),
    }
}

/// The names a message offers as valid (`known`): sorted, without repeats, at most 20 and a
/// count of the rest, `(none)` when there are none.
pub(crate) fn known_names<'a>(known: impl Iterator<Item = &'a str>) -> String {
    let mut v: Vec<&str> = known.collect();
    v.sort_unstable();
    v.dedup();
    let more = v.len().saturating_sub(20);
    v.truncate(20);
    let mut s = if v.is_empty() {
        "(none)".to_string()
    } else {
        v.join(", ")
    };
    if more > 0 {
        s.push_str(&format!(" and {more} more"));
    }
    s
}

/// A path for messages: the document root has no path of its own.
fn at(path: &str) -> &str {
    if path.is_empty() { "(top level)" } else { path }
}

impl Error {
    /// The stable, machine-readable code of this error, the same in every binding.
    ///
    /// ```
    /// use entitlement_core::Error;
    /// let e = Error::OutOfRange { what: "add".into() };
    /// assert_eq!(e.code(), "out_of_range");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            Error::Parse { .. } => "parse_error",
            Error::UnknownKey { .. } => "unknown_key",
            Error::MissingKey { .. } => "missing_key",
            Error::InvalidType { .. } => "invalid_type",
            Error::InvalidTime { .. } => "invalid_time",
            Error::InvalidDate { .. } => "invalid_date",
            Error::InvalidDuration { .. } => "invalid_duration",
            Error::InvalidValue { .. } => "invalid_value",
            Error::UnknownTimeZone { .. } => "unknown_time_zone",
            Error::OverlappingIntervals { .. } => "overlapping_intervals",
            Error::UnknownCalendar { .. } => "unknown_calendar",
            Error::CalendarCycle { .. } => "calendar_cycle",
            Error::NeverOpen { .. } => "never_open",
            Error::NoOpening { .. } => "no_opening",
            Error::OutOfRange { .. } => "out_of_range",
            Error::NaiveDateTime { .. } => "naive_datetime",
            Error::InvalidInstant { .. } => "invalid_instant",
            Error::LimitExceeded { .. } => "limit_exceeded",
            Error::UnknownProcess { .. } => "unknown_process",
            Error::UnknownProcessVersion { .. } => "unknown_process_version",
            Error::Duplicate { .. } => "duplicate",
            Error::DuplicateKey { .. } => "duplicate_key",
            Error::UnknownOperator { .. } => "unknown_operator",
            Error::UnknownEventType { .. } => "unknown_event_type",
            Error::UnknownEntitlement { .. } => "unknown_entitlement",
            Error::DuplicateCase { .. } => "duplicate_case",
            Error::InvalidWindow { .. } => "invalid_window",
            Error::UnknownAction { .. } => "unknown_action",
            Error::Unsupported { .. } => "unsupported",
            Error::InCase { error, .. } => error.code(),
            Error::InDocument(error) | Error::InArgument(error) => error.code(),
            Error::Internal { .. } => "internal_error",
            Error::HostValue { problem, .. } => problem.code(),
        }
    }

    /// Where the error is, as keys and indices: inside the document (`calendars`, `ny`,
    /// `hours`, `mon`, `0`), inside the case for an error in a case (`events`, `3`, `at`; the
    /// case itself is named by the message), or the argument. Empty when the error has no
    /// place (a parse error, which gives line and column in its message; a calendar that never
    /// opens again; an out-of-range result).
    ///
    /// ```
    /// use entitlement_core::{Calendar, error::PathSegment};
    /// let err = Calendar::from_json(r#"{"time_zone": "UTC", "hours": {"mon": ["9am"]}}"#)
    ///     .unwrap_err();
    /// assert_eq!(
    ///     err.path(),
    ///     vec![
    ///         PathSegment::Key("hours".into()),
    ///         PathSegment::Key("mon".into()),
    ///         PathSegment::Index(0),
    ///     ]
    /// );
    /// ```
    pub fn path(&self) -> Vec<PathSegment> {
        parse_path(self.path_text())
    }

    /// The path as messages write it (`calendars.ny.hours.mon[0]`); empty when the error has
    /// no place. See [`Error::path`].
    pub fn path_text(&self) -> &str {
        match self {
            Error::UnknownKey { path, .. }
            | Error::MissingKey { path, .. }
            | Error::InvalidType { path, .. }
            | Error::InvalidTime { path, .. }
            | Error::InvalidDate { path, .. }
            | Error::InvalidDuration { path, .. }
            | Error::InvalidValue { path, .. }
            | Error::UnknownTimeZone { path, .. }
            | Error::OverlappingIntervals { path, .. }
            | Error::UnknownCalendar { path, .. }
            | Error::CalendarCycle { path, .. }
            | Error::NeverOpen { path }
            | Error::NaiveDateTime { path, .. }
            | Error::InvalidInstant { path, .. }
            | Error::LimitExceeded { path, .. }
            | Error::UnknownProcess { path, .. }
            | Error::UnknownProcessVersion { path, .. }
            | Error::Duplicate { path, .. }
            | Error::DuplicateKey { path, .. }
            | Error::UnknownOperator { path, .. }
            | Error::UnknownEventType { path, .. }
            | Error::UnknownEntitlement { path, .. }
            | Error::DuplicateCase { path, .. }
            | Error::InvalidWindow { path, .. }
            | Error::UnknownAction { path, .. }
            | Error::Unsupported { path, .. }
            | Error::HostValue { path, .. } => path,
            // An out-of-range value names its place first when it has one: `start (…)`,
            // `events[0].at (…)`; a result (`the result (…)`, `add: …`) has none.
            Error::OutOfRange { what } => what
                .split_once(" (")
                .map(|(place, _)| place)
                .filter(|place| !place.is_empty() && !place.contains([' ', ':', '"']))
                .unwrap_or(""),
            Error::Parse { .. } | Error::NoOpening { .. } | Error::Internal { .. } => "",
            Error::InCase { error, .. } | Error::InDocument(error) | Error::InArgument(error) => {
                error.path_text()
            }
        }
    }

    /// This error, found in a document: its kind becomes [`ErrorKind::Config`] (through
    /// [`Error::InDocument`] when its own kind differs); code, message and path are unchanged.
    ///
    /// ```
    /// use entitlement_core::{Error, ErrorKind};
    /// let e = Error::OutOfRange { what: "holidays[0]".into() }.in_document();
    /// assert_eq!((e.kind(), e.code()), (ErrorKind::Config, "out_of_range"));
    /// ```
    pub fn in_document(self) -> Error {
        let error = self.unwrap_place();
        match error.kind() {
            ErrorKind::Config | ErrorKind::Internal => error,
            _ => Error::InDocument(Box::new(error)),
        }
    }

    /// This error, found in an argument of an operation: its kind becomes
    /// [`ErrorKind::Input`] (through [`Error::InArgument`] when its own kind differs); code,
    /// message and path are unchanged. A calendar that cannot answer (`no_opening`) keeps its
    /// kind: it is not the argument's fault.
    ///
    /// ```
    /// use entitlement_core::{Error, ErrorKind};
    /// let e = Error::InvalidType { path: "starts[3]".into(), expected: "a datetime".into(),
    ///     found: "a str".into() }.in_argument();
    /// assert_eq!((e.kind(), e.code()), (ErrorKind::Input, "invalid_type"));
    /// ```
    pub fn in_argument(self) -> Error {
        let error = self.unwrap_place();
        match error.kind() {
            ErrorKind::Input | ErrorKind::Calendar | ErrorKind::Internal => error,
            ErrorKind::Config => Error::InArgument(Box::new(error)),
        }
    }

    /// The error without an `InDocument` / `InArgument` wrapper.
    fn unwrap_place(self) -> Error {
        match self {
            Error::InDocument(e) | Error::InArgument(e) => *e,
            e => e,
        }
    }

    /// The family of this error: configuration, calendar or input.
    ///
    /// ```
    /// use entitlement_core::{Error, ErrorKind};
    /// assert_eq!(Error::OutOfRange { what: "t".into() }.kind(), ErrorKind::Input);
    /// ```
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::Parse { .. }
            | Error::UnknownKey { .. }
            | Error::MissingKey { .. }
            | Error::InvalidType { .. }
            | Error::InvalidTime { .. }
            | Error::InvalidDate { .. }
            | Error::InvalidDuration { .. }
            | Error::InvalidValue { .. }
            | Error::UnknownTimeZone { .. }
            | Error::OverlappingIntervals { .. }
            | Error::UnknownCalendar { .. }
            | Error::CalendarCycle { .. }
            | Error::NeverOpen { .. }
            | Error::LimitExceeded { .. }
            | Error::UnknownProcess { .. }
            | Error::UnknownProcessVersion { .. }
            | Error::Duplicate { .. }
            | Error::DuplicateKey { .. }
            | Error::UnknownOperator { .. }
            | Error::UnknownAction { .. }
            | Error::Unsupported { .. } => ErrorKind::Config,
            Error::NoOpening { .. } => ErrorKind::Calendar,
            Error::OutOfRange { .. }
            | Error::NaiveDateTime { .. }
            | Error::InvalidInstant { .. }
            | Error::UnknownEventType { .. }
            | Error::UnknownEntitlement { .. }
            | Error::DuplicateCase { .. }
            | Error::InvalidWindow { .. } => ErrorKind::Input,
            Error::InCase { error, .. } if error.kind() == ErrorKind::Calendar => {
                ErrorKind::Calendar
            }
            Error::InCase { .. } => ErrorKind::Input,
            Error::InDocument(_) => ErrorKind::Config,
            Error::InArgument(_) => ErrorKind::Input,
            Error::Internal { .. } => ErrorKind::Internal,
            Error::HostValue { .. } => ErrorKind::Input,
        }
    }
}
