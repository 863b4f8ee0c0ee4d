//! The Rust examples of the documentation, compiled and run by `cargo test` as doctests.
//!
//! Every page with a `rust` block is listed below (`scripts/docs/test_snippets.py` fails when
//! one is missing), so a guide's example cannot rot. The pages live outside this crate, which is
//! why it is not published: `entitlement-core` keeps its own examples in its rustdoc.
//! Doctests run with this crate's folder as the working directory; the examples build their
//! rules from text rather than read the sample files.

macro_rules! pages {
    ($($name:ident = $path:literal,)*) => {
        $(
            #[cfg(doctest)]
            #[doc = include_str!($path)]
            pub struct $name;
        )*
    };
}

pages! {
    Readme = "../../README.md",
    GettingStartedRust = "../../docs/getting-started-rust.md",
    Rules = "../../docs/rules.md",
    Check = "../../docs/check.md",
    ImportZendesk = "../../docs/import-zendesk.md",
    ImportIcs = "../../docs/import-ics.md",
    ImportSalesforce = "../../docs/import-salesforce.md",
    Export = "../../docs/export.md",
    Holidays = "../../docs/holidays.md",
}
