//! What the server holds between requests: the rules document in force, the tokens, and how
//! both are reloaded.
//!
//! A reload reads the file once (within the core's document limits), hashes those bytes and
//! loads a `Ruleset` from the same bytes, so the hash `GET /v1/rules` reports is the hash of
//! the document in force. A document that does not load is refused: logged with its code and
//! path, kept in `last_error`, counted in `/metrics`, and the previous document keeps serving.
//! Requests hold an `Arc` of the document they started with, so a reload never changes the
//! rules under a request.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::SystemTime;

use chrono::{DateTime, Utc};
use entitlement_core::Ruleset;
use entitlement_core::document::{self, Format};
use schemars::JsonSchema;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::auth::Tokens;

/// A rules document in force.
pub struct Loaded {
    pub rules: Ruleset,
    /// The SHA-256 of the file's bytes, in hex.
    pub sha256: String,
    pub loaded_at: DateTime<Utc>,
}

/// Why the last reload was refused.
#[derive(Clone, Debug, Serialize, JsonSchema)]
pub struct ReloadError {
    /// When the refused document was read.
    #[schemars(with = "String")]
    #[schemars(extend("format" = "date-time"))]
    pub at: String,
    /// The core's code (`parse_error`, `unknown_calendar`...).
    pub code: String,
    /// What is wrong, as `entitlement check` would say it.
    pub message: String,
    /// Where in the document.
    pub path: String,
}

/// What identifies a file's version without reading it: a change of any of these is checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    inode: u64,
}

fn stamp(path: &Path) -> Option<Stamp> {
    let meta = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(&meta);
    #[cfg(not(unix))]
    let inode = 0;
    Some(Stamp {
        len: meta.len(),
        modified: meta.modified().ok(),
        inode,
    })
}

/// The rules document and the tokens, swapped whole on reload.
pub struct Shared {
    pub rules_path: PathBuf,
    pub tokens_path: Option<PathBuf>,
    rules: RwLock<Arc<Loaded>>,
    tokens: RwLock<Arc<Tokens>>,
    last_error: Mutex<Option<ReloadError>>,
    stamps: Mutex<(Option<Stamp>, Option<Stamp>)>,
}

/// What a reload did (the caller counts it, then logs it).
#[derive(Debug)]
pub enum Reloaded {
    Unchanged,
    /// A new document is in force: its hash and the one it replaced.
    Loaded {
        sha256: String,
        previous: String,
    },
    /// The file did not load; the document of hash `serving` still serves.
    Refused {
        error: ReloadError,
        serving: String,
    },
}

impl Shared {
    /// Loads both files at start; an error here stops the server before it listens.
    pub fn start(rules_path: PathBuf, tokens_path: Option<PathBuf>) -> Result<Shared, String> {
        let rules_stamp = stamp(&rules_path);
        let loaded = load(&rules_path)
            .map_err(|e| format!("{}: {e} [{}]", rules_path.display(), e.code()))?;
        let tokens_stamp = tokens_path.as_deref().and_then(stamp);
        let tokens = match &tokens_path {
            Some(p) => Tokens::load(p)?,
            None => Tokens::default(),
        };
        Ok(Shared {
            rules_path,
            tokens_path,
            rules: RwLock::new(Arc::new(loaded)),
            tokens: RwLock::new(Arc::new(tokens)),
            last_error: Mutex::new(None),
            stamps: Mutex::new((rules_stamp, tokens_stamp)),
        })
    }

    /// The document in force.
    pub fn rules(&self) -> Arc<Loaded> {
        self.rules.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The tokens in force.
    pub fn tokens(&self) -> Arc<Tokens> {
        self.tokens
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Why the last reload of the rules was refused, until one succeeds.
    pub fn last_error(&self) -> Option<ReloadError> {
        self.last_error
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Checks the rules document: when its file changed (or `force`, on SIGHUP), reads and
    /// loads it, and swaps it in if it loads and differs. Blocking: run off the async threads.
    pub fn reload_rules(&self, force: bool) -> Reloaded {
        let now_stamp = stamp(&self.rules_path);
        {
            let mut stamps = self.stamps.lock().unwrap_or_else(|e| e.into_inner());
            if !force && stamps.0 == now_stamp {
                return Reloaded::Unchanged;
            }
            stamps.0 = now_stamp;
        }
        let previous = self.rules();
        match load(&self.rules_path) {
            Ok(loaded) if loaded.sha256 == previous.sha256 => {
                *self.last_error.lock().unwrap_or_else(|e| e.into_inner()) = None;
                Reloaded::Unchanged
            }
            Ok(loaded) => {
                let sha256 = loaded.sha256.clone();
                *self.rules.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(loaded);
                *self.last_error.lock().unwrap_or_else(|e| e.into_inner()) = None;
                Reloaded::Loaded {
                    sha256,
                    previous: previous.sha256.clone(),
                }
            }
            Err(e) => {
                let error = ReloadError {
                    at: entitlement_core::time::rfc3339(crate::input::current_time()),
                    code: e.code().to_string(),
                    message: e.to_string(),
                    path: e.path_text().to_string(),
                };
                *self.last_error.lock().unwrap_or_else(|e| e.into_inner()) = Some(error.clone());
                Reloaded::Refused {
                    error,
                    serving: previous.sha256.clone(),
                }
            }
        }
    }

    /// Checks the tokens file the same way, and logs what it did; a file that does not read
    /// keeps the tokens in force.
    pub fn reload_tokens(&self, force: bool) -> Reloaded {
        let Some(path) = &self.tokens_path else {
            return Reloaded::Unchanged;
        };
        let now_stamp = stamp(path);
        {
            let mut stamps = self.stamps.lock().unwrap_or_else(|e| e.into_inner());
            if !force && stamps.1 == now_stamp {
                return Reloaded::Unchanged;
            }
            stamps.1 = now_stamp;
        }
        match Tokens::load(path) {
            Ok(tokens) => {
                let count = tokens.len();
                *self.tokens.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(tokens);
                tracing::info!(event = "tokens_reloaded", tokens = count);
                Reloaded::Unchanged
            }
            Err(message) => {
                tracing::error!(event = "tokens_refused", message = %message);
                Reloaded::Unchanged
            }
        }
    }
}

/// Reads, hashes and loads a rules document from one read of its bytes.
fn load(path: &Path) -> entitlement_core::Result<Loaded> {
    let shown = path.display().to_string();
    let format = Format::from_path(path).ok_or_else(|| entitlement_core::Error::InvalidValue {
        path: shown.clone(),
        reason: "unknown file extension; expected .json, .yaml, .yml or .toml".into(),
    })?;
    let bytes = document::read_file(path, document::max_bytes(format))?;
    let sha256: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let text = String::from_utf8(bytes).map_err(|e| entitlement_core::Error::InvalidValue {
        path: shown,
        reason: format!(
            "the file is not valid UTF-8 (at byte {})",
            e.utf8_error().valid_up_to()
        ),
    })?;
    let rules = Ruleset::from_value(&document::parse(&text, format)?)?;
    Ok(Loaded {
        rules,
        sha256,
        loaded_at: crate::input::current_time(),
    })
}
