//! Empty: it exists so that the `[build-dependencies]` of Cargo.toml take part in the host
//! feature resolution of every build that includes this crate.
fn main() {}
