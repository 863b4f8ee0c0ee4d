//! `monitor --state FILE`: the `now` of the last run, so that each run's window starts where the
//! previous one ended and every alert is reported exactly once.
//!
//! The file is `{"now": "<RFC 3339>"}`. It is replaced atomically (a new file in the same folder,
//! synced, then renamed over the old one), so a crash leaves the old time or the new one, never
//! half a file; and never with a time earlier than the one it holds, which would make the next
//! run report again alerts that were already sent.

use std::io::Write;
use std::path::Path;

use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::input::instant;
use crate::output::Failure;

/// The `now` kept in `path`; `None` when there is no such file yet (the first run).
pub fn read(path: &Path) -> Result<Option<DateTime<Utc>>, Failure> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Failure::file(path, e)),
    };
    if text.len() > 64 * 1024 {
        return Err(Failure::file(path, "not a state file (more than 64 KiB)"));
    }
    let doc: Value = serde_json::from_str(&text)
        .map_err(|e| Failure::file(path, format!("not a state file: {e}")))?;
    match doc.get("now").and_then(Value::as_str) {
        Some(s) => instant(s)
            .map(Some)
            .map_err(|e| Failure::file(path, format!("now: {e}"))),
        None => Err(Failure::file(
            path,
            "not a state file: expected {\"now\": \"<RFC 3339 instant>\"}",
        )),
    }
}

/// What [`write`] did.
#[derive(Debug, PartialEq, Eq)]
pub enum Written {
    Yes,
    /// The file holds a later time, which is kept.
    KeptLater(DateTime<Utc>),
}

/// Writes `now` to `path`, unless the file holds a later time (read again now, so that a run
/// that started before another finished cannot move it back).
pub fn write(path: &Path, now: DateTime<Utc>) -> Result<Written, Failure> {
    if let Some(kept) = read(path)?
        && kept > now
    {
        return Ok(Written::KeptLater(kept));
    }
    let text = format!(
        "{{\"now\": \"{}\"}}\n",
        entitlement_core::time::rfc3339(now)
    );
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "state".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(Failure::file(path, format!("cannot write the state: {e}")));
    }
    Ok(Written::Yes)
}
