//! `ledgerMigrations()`: the ledger's schema, as the core ships it
//! (`entitlement_core::ledger`). The binding runs no SQL; the job applies the migrations with
//! its own driver.

use napi_derive::napi;

/// One migration of the ledger's schema.
#[napi(object)]
pub struct LedgerMigration {
    /// Its number: 1, 2, … (the primary key of `ledger_migrations`).
    pub version: u32,
    /// A short name (`init`).
    pub name: String,
    /// The statements, each ending with `;` at the end of a line; no comments. Runs unchanged
    /// on SQLite 3.35+ and PostgreSQL 13+.
    pub sql: String,
}

/// The ledger's migrations, by version: `[{version, name, sql}]`. Apply each version not yet
/// recorded in `ledger_migrations`, in one transaction with its row there.
///
/// ```js
/// const { ledgerMigrations } = require('entitlement')
/// for (const m of ledgerMigrations()) db.exec(m.sql)   // better-sqlite3, inside a transaction
/// ```
#[napi]
pub fn ledger_migrations() -> Vec<LedgerMigration> {
    entitlement_core::ledger::MIGRATIONS
        .iter()
        .map(|m| LedgerMigration {
            version: m.version,
            name: m.name.to_string(),
            sql: m.sql.to_string(),
        })
        .collect()
}
