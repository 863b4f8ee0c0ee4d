//! `ledger_migrations()`: the ledger's schema, as the core ships it (`entitlement_core::ledger`).
//! The binding runs no SQL; `entitlement.ledger` applies the migrations with its own driver.

use pyo3::prelude::*;

/// The ledger's migrations, by version: ``(version, name, sql)`` tuples. Each ``sql`` runs
/// unchanged on SQLite 3.35+ and PostgreSQL 13+ (statements end with ``;`` at the end of a
/// line; no comments). Apply each version not yet in ``ledger_migrations``, in one
/// transaction with its row there.
///
/// >>> from entitlement._entitlement import ledger_migrations
/// >>> [(version, name) for version, name, _ in ledger_migrations()]
/// [(1, 'init')]
#[pyfunction]
pub(crate) fn ledger_migrations() -> Vec<(u32, &'static str, &'static str)> {
    entitlement_core::ledger::MIGRATIONS
        .iter()
        .map(|m| (m.version, m.name, m.sql))
        .collect()
}
