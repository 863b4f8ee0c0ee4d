//! The ledger's schema: the tables a monitoring job keeps its runs, events, deliveries and
//! milestone outcomes in (`docs/monitor.md`, "The ledger"). The core runs no SQL: it ships the
//! migrations, so that the Python and the Node jobs create exactly the same tables.
//!
//! Each migration's SQL runs unchanged on SQLite 3.35 or later and PostgreSQL 13 or later:
//! portable types (`TEXT`, `INTEGER`, `BIGINT`), instants as `TEXT` in one fixed form
//! (`YYYY-MM-DDTHH:MM:SS.ffffffZ`, so that text order is time order), JSON as `TEXT`, every
//! statement ending with `;` at the end of a line and no comments.
//!
//! | table | one row per |
//! |---|---|
//! | `ledger_migrations` | applied migration (`version`, `name`, `applied_at`) |
//! | `monitor_runs` | run: its window, status and counts |
//! | `events` | monitor event, by its key |
//! | `deliveries` | (event key, channel): status, attempts, remote id |
//! | `milestone_outcomes` | milestone occurrence and its outcome: the breach and near-miss log |
//!
//! ```
//! use entitlement_core::ledger::MIGRATIONS;
//! let first = &MIGRATIONS[0];
//! assert_eq!((first.version, first.name), (1, "init"));
//! assert!(first.sql.contains("CREATE TABLE milestone_outcomes"));
//! assert_eq!(first.statements().count(), 8);          // five tables and three indexes
//! assert!(MIGRATIONS.windows(2).all(|w| w[0].version < w[1].version));
//! ```

/// One step of the ledger's schema: applied once, in order of `version`, in one transaction
/// with its row in `ledger_migrations`.
///
/// ```
/// use entitlement_core::ledger::{MIGRATIONS, Migration};
/// let latest: &Migration = MIGRATIONS.last().unwrap();
/// assert_eq!(latest.version as usize, MIGRATIONS.len());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Migration {
    /// Its number: 1, 2, … (the primary key of `ledger_migrations`).
    pub version: u32,
    /// A short name (`init`).
    pub name: &'static str,
    /// The statements, each ending with `;` at the end of a line.
    pub sql: &'static str,
}

impl Migration {
    /// The migration's statements one by one, without their `;`: for drivers that run one
    /// statement per call.
    ///
    /// ```
    /// let init = &entitlement_core::ledger::MIGRATIONS[0];
    /// let first = init.statements().next().unwrap();
    /// assert!(first.starts_with("CREATE TABLE ledger_migrations (") && !first.ends_with(';'));
    /// ```
    pub fn statements(&self) -> impl Iterator<Item = &'static str> {
        self.sql
            .split(";\n")
            .map(|s| s.trim().trim_end_matches(';').trim())
            .filter(|s| !s.is_empty())
    }
}

/// Every migration of the ledger, by version.
///
/// ```
/// let names: Vec<_> = entitlement_core::ledger::MIGRATIONS.iter().map(|m| m.name).collect();
/// assert_eq!(names, ["init"]);
/// ```
pub const MIGRATIONS: &[Migration] = &[Migration {
    version: 1,
    name: "init",
    sql: include_str!("migrations/0001_init.sql"),
}];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_statement_ends_a_line_and_no_comment_hides_one() {
        for m in MIGRATIONS {
            assert!(
                m.sql.ends_with(";\n"),
                "migration {} ends with `;`",
                m.version
            );
            assert!(!m.sql.contains("--") && !m.sql.contains("/*"));
            // A `;` anywhere but at the end of a line would split a statement.
            for line in m.sql.lines() {
                assert!(
                    !line.trim_end().trim_end_matches(';').contains(';'),
                    "{line}"
                );
            }
            for s in m.statements() {
                assert!(s.starts_with("CREATE "), "{s}");
            }
        }
    }
}
