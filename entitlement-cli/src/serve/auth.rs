//! Bearer tokens checked against a file of their SHA-256 hashes.
//!
//! The file holds no token, only `sha256:<64 hex digits> [label]` lines, so that reading it
//! (a backup, a config repository) gives nobody access. A presented token is hashed and
//! compared with every stored hash in constant time (`subtle`), all of them, whatever matched:
//! neither the time taken nor the answer says how close a guess was, and every failure is the
//! same 401. The tokens are random secrets (`openssl rand -hex 32`), so a plain hash suffices:
//! a password hash's slowness protects guessable secrets, and would cost every request.

use std::path::Path;

use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The largest tokens file read, in bytes.
pub const MAX_TOKENS_BYTES: usize = 1024 * 1024;
/// The most tokens in the file.
pub const MAX_TOKENS: usize = 10_000;
/// The longest token accepted, in bytes (a longer one is a 401 without hashing it).
pub const MAX_TOKEN_LEN: usize = 1024;

/// One allowed token: its hash, and the label the logs name the caller by.
#[derive(Clone, Debug)]
struct Entry {
    hash: [u8; 32],
    label: String,
}

/// The allowed tokens. Empty (no `--tokens`): every protected route answers 401.
#[derive(Clone, Debug, Default)]
pub struct Tokens {
    entries: Vec<Entry>,
}

impl Tokens {
    /// Reads a tokens file; the error names the file and the line.
    pub fn load(path: &Path) -> Result<Tokens, String> {
        let bytes = entitlement_core::document::read_file(path, MAX_TOKENS_BYTES)
            .map_err(|e| format!("{}: {e} [{}]", path.display(), e.code()))?;
        let text =
            String::from_utf8(bytes).map_err(|_| format!("{}: not valid UTF-8", path.display()))?;
        Tokens::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Reads the text of a tokens file.
    pub fn parse(text: &str) -> Result<Tokens, String> {
        let mut entries = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            if entries.len() == MAX_TOKENS {
                return Err(format!(
                    "line {}: more than {MAX_TOKENS} tokens [limit_exceeded]",
                    i + 1
                ));
            }
            let mut parts = line.split_whitespace();
            let hash = parts.next().unwrap_or("");
            let label = parts.collect::<Vec<_>>().join(" ");
            let hex = hash.strip_prefix("sha256:").ok_or_else(|| {
                format!(
                    "line {}: expected `sha256:<64 hex digits> [label]` [invalid_value]",
                    i + 1
                )
            })?;
            let hash = decode_hex(hex).ok_or_else(|| {
                format!(
                    "line {}: the hash is not 64 hex digits [invalid_value]",
                    i + 1
                )
            })?;
            let label = if label.is_empty() {
                format!("line {}", i + 1)
            } else {
                label.chars().take(80).collect()
            };
            entries.push(Entry { hash, label });
        }
        Ok(Tokens { entries })
    }

    /// How many tokens are allowed.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// The label of the token the request presents, or `None` (answer 401).
    pub fn check(&self, headers: &HeaderMap) -> Option<String> {
        let value = headers.get(AUTHORIZATION)?.as_bytes();
        let token = strip_bearer(value)?;
        if token.is_empty()
            || token.len() > MAX_TOKEN_LEN
            || !token.iter().all(|b| b.is_ascii_graphic())
        {
            return None;
        }
        let presented: [u8; 32] = Sha256::digest(token).into();
        let mut found: Option<&Entry> = None;
        for entry in &self.entries {
            // Every entry is compared, whatever matched before.
            let equal: bool = entry.hash.ct_eq(&presented).into();
            if equal && found.is_none() {
                found = Some(entry);
            }
        }
        found.map(|e| e.label.clone())
    }
}

/// `Bearer <token>` (the scheme in any case, RFC 6750 and RFC 9110).
fn strip_bearer(value: &[u8]) -> Option<&[u8]> {
    let (scheme, rest) = value.split_at_checked(7)?;
    if !scheme.eq_ignore_ascii_case(b"bearer ") {
        return None;
    }
    let start = rest.iter().position(|b| *b != b' ')?;
    let rest = &rest[start..];
    let end = rest.iter().rposition(|b| *b != b' ')? + 1;
    Some(&rest[..end])
}

fn decode_hex(hex: &str) -> Option<[u8; 32]> {
    let bytes = hex.as_bytes();
    if bytes.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in bytes.chunks_exact(2).enumerate() {
        let high = (pair[0] as char).to_digit(16)?;
        let low = (pair[1] as char).to_digit(16)?;
        out[i] = (high * 16 + low) as u8;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn line(token: &str, label: &str) -> String {
        let hash: [u8; 32] = Sha256::digest(token.as_bytes()).into();
        let hex: String = hash.iter().map(|b| format!("{b:02x}")).collect();
        format!("sha256:{hex} {label}\n")
    }

    fn headers(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        h
    }

    #[test]
    fn a_listed_token_is_named_by_its_label_and_nothing_else_passes() {
        let text = format!(
            "# tokens\n{}{}\n",
            line("s3cret-one", "workato"),
            line("s3cret-two", "mulesoft prod")
        );
        let tokens = Tokens::parse(&text).unwrap();
        assert_eq!(tokens.len(), 2);
        assert_eq!(
            tokens.check(&headers("Bearer s3cret-one")).as_deref(),
            Some("workato")
        );
        assert_eq!(
            tokens.check(&headers("bearer  s3cret-two ")).as_deref(),
            Some("mulesoft prod")
        );
        for wrong in [
            "Bearer s3cret-on",
            "Bearer s3cret-one2",
            "Basic s3cret-one",
            "Bearer ",
            "s3cret-one",
            "Bearer s3cret one",
        ] {
            assert_eq!(tokens.check(&headers(wrong)), None, "{wrong}");
        }
        assert_eq!(tokens.check(&HeaderMap::new()), None);
        let long = format!("Bearer {}", "a".repeat(MAX_TOKEN_LEN + 1));
        assert_eq!(tokens.check(&headers(&long)), None);
    }

    #[test]
    fn no_file_allows_nobody() {
        assert_eq!(Tokens::default().check(&headers("Bearer x")), None);
    }

    #[test]
    fn a_bad_line_is_named() {
        let err = Tokens::parse("\n\nsha256:abc\n").unwrap_err();
        assert!(err.starts_with("line 3: "), "{err}");
        let err = Tokens::parse(&format!("{}plain", line("a", "b"))).unwrap_err();
        assert!(err.starts_with("line 2: "), "{err}");
        let err = Tokens::parse(&format!("sha256:{}", "g".repeat(64))).unwrap_err();
        assert!(err.contains("64 hex digits"), "{err}");
    }
}
