//! The tables of a result as Arrow IPC bytes: one layout per result, defined once in
//! `entitlement_tables` (the Python binding's `to_pandas` / `to_arrow` / `evaluate_arrow` use
//! the same) and listed in `docs/binding-contract.md`. Each call returns a `Buffer` holding an
//! Arrow IPC stream (one schema, one record batch), which `apache-arrow`'s `tableFromIPC`,
//! DuckDB, Polars or pyarrow read as they are. The declarations say `Uint8Array` (a `Buffer`
//! is one), so that they need no Node type definitions.

use entitlement_tables::{Table, evaluation_statuses, ipc_stream, report_table};
use napi::bindgen_prelude::{Buffer, Unknown};
use napi_derive::napi;

use crate::convert;
use crate::error::{NodeError, Result, guard};
use crate::results::MonitorReport;
use crate::rules::Ruleset;

/// The `table` argument: a table's name, `'events'` when omitted.
fn table_arg(table: Option<Unknown<'_>>) -> std::result::Result<Table, NodeError> {
    match table {
        None => Ok(Table::Events),
        Some(t) if t.get_type()? == napi::ValueType::Undefined => Ok(Table::Events),
        Some(t) => Ok(Table::from_name(
            &convert::string(&t, "table", "a table name")?,
            "table",
        )?),
    }
}

#[napi]
impl MonitorReport {
    /// One table of the report as the bytes of an Arrow IPC stream: `'events'` (the default),
    /// `'alerts'`, `'statuses'` (the open milestones, each with its case's coverage) or
    /// `'accounts'`, one row per item. Instants are `timestamp[us, UTC]`, durations
    /// `duration[us]`, counts `uint32`, and a value passed through from the account context is
    /// its JSON text (`arrow.json`). Throws `invalid_value` for another table name.
    ///
    /// ```js
    /// import { tableFromIPC } from 'apache-arrow'
    /// const statuses = tableFromIPC(report.toArrow('statuses'))
    /// statuses.getChild('state').toArray()   // ['violated', 'in_progress', ...]
    /// ```
    #[napi(ts_args_type = "table?: ResultTable", ts_return_type = "Uint8Array")]
    pub fn to_arrow(&self, env: napi::Env, table: Option<Unknown<'_>>) -> Result<Buffer> {
        guard(&env, || {
            let batch = report_table(&self.inner, table_arg(table)?)?;
            Ok(ipc_stream(&batch)?.into())
        })
    }
}

#[napi]
impl Ruleset {
    /// Every milestone status of every case at `now`, in the order of `cases` and of
    /// `evaluateMany`, as the bytes of an Arrow IPC stream in the layout of
    /// `report.toArrow('statuses')` (each status with its case's coverage).
    ///
    /// A bad case is left out (`onError: 'collect'`, the default): the error entries (the
    /// snake_case fields of `CaseError`) are JSON text in the stream's schema metadata under
    /// `entitlement.errors`, present only when a case was left out.
    #[napi(
        ts_args_type = "cases: CaseInput[], now: Instant, options?: CasesOptions | null",
        ts_return_type = "Uint8Array"
    )]
    pub fn evaluate_arrow(
        &self,
        env: napi::Env,
        cases: Unknown<'_>,
        now: Unknown<'_>,
        options: Option<Unknown<'_>>,
    ) -> Result<Buffer> {
        guard(&env, || {
            let on_error = crate::rules::on_error_option(options)?;
            let batch = crate::case::read_batch(&cases, "cases", on_error)?;
            let now = convert::date(convert::instant(&now, "now")?)?;
            let mut evaluations = Vec::new();
            let mut errors = Vec::new();
            for entry in self.inner.evaluate_batch(&batch, now, on_error)? {
                match entry {
                    Ok(evaluation) => evaluations.push(evaluation),
                    Err(error) => errors.push(error),
                }
            }
            let table =
                entitlement_tables::with_errors(evaluation_statuses(&evaluations)?, &errors)?;
            Ok(ipc_stream(&table)?.into())
        })
    }

    /// The milestone events (trigger crossings, breaches and completions) of `(since, now]`, by instant then
    /// key, as the bytes of an Arrow IPC stream in the layout of `report.toArrow('events')`:
    /// the events of `monitor` less quota and allowance events, which count every case of an
    /// entitlement together.
    #[napi(
        ts_args_type = "cases: CaseInput[], now: Instant, since?: Instant | null, options?: CasesOptions | null",
        ts_return_type = "Uint8Array"
    )]
    pub fn monitor_arrow(
        &self,
        env: napi::Env,
        cases: Unknown<'_>,
        now: Unknown<'_>,
        since: Option<Unknown<'_>>,
        options: Option<Unknown<'_>>,
    ) -> Result<Buffer> {
        guard(&env, || {
            let on_error = crate::rules::on_error_option(options)?;
            let batch = crate::case::read_batch(&cases, "cases", on_error)?;
            let now = convert::date(convert::instant(&now, "now")?)?;
            let since = crate::rules::since_arg(since)?;
            let (events, errors) = self
                .inner
                .milestone_events_batch(&batch, now, since, on_error)?;
            let table =
                entitlement_tables::with_errors(entitlement_tables::events(&events)?, &errors)?;
            Ok(ipc_stream(&table)?.into())
        })
    }
}
