//! No code. Depending on this crate gives the CLI and both bindings one feature set for the
//! dependencies they share, so that a release build of one reuses what another compiled
//! (see this crate's Cargo.toml).
