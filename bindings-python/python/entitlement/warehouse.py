"""The two export tables in a warehouse and in the BI tools: the files' schema, DDL for
PostgreSQL, BigQuery and Snowflake, LookML for Looker, the CRM Analytics (Tableau CRM) External
Data metadata, and a Tableau ``.hyper`` extract.

``entitlement export outcomes|accounts --format parquet|csv|ndjson`` writes the files; this module
describes them. The schema is declared once, here (``OUTCOMES``, ``ACCOUNTS``: name, type,
nullability, description), and everything else is generated from it::

    >>> from entitlement import warehouse
    >>> [c.name for c in warehouse.OUTCOMES][:3]
    ['case_id', 'account_id', 'account_name']
    >>> print(warehouse.ddl("outcomes", "postgres").splitlines()[3])
    CREATE TABLE IF NOT EXISTS entitlement.outcomes (

The generated files are checked in under ``warehouse/`` at the repository's root, written by
``python -m entitlement.warehouse --write warehouse/`` (``--check warehouse/`` fails when they
are stale). Type mapping, load commands and the decisions behind them: ``docs/warehouse.md``.

Nothing here needs more than the standard library, except ``arrow_schema`` (pyarrow) and
``write_hyper`` (``pip install tableauhyperapi`` and pyarrow).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "ACCOUNTS",
    "DIALECTS",
    "OUTCOMES",
    "TABLES",
    "TYPES",
    "Column",
    "arrow_schema",
    "check",
    "columns",
    "crma_metadata",
    "ddl",
    "files",
    "lookml",
    "main",
    "write",
    "write_hyper",
]

#: The file types of the export's columns. ``json`` is JSON text (a list or an object);
#: ``timestamp`` an instant (RFC 3339 UTC text in CSV and NDJSON, ``timestamp[us, UTC]`` in
#: Parquet); ``date`` a calendar date (``YYYY-MM-DD``, ``date32`` in Parquet).
TYPES = ("string", "json", "bool", "uint32", "int64", "float64", "timestamp", "date")

#: The warehouses ``ddl`` writes for.
DIALECTS = ("postgres", "bigquery", "snowflake")

#: The schema (dataset in BigQuery) the generated DDL, LookML and docs put the tables in.
SCHEMA = "entitlement"


@dataclass(frozen=True)
class Column:
    """One column of an export file: its name, file type (``"string"``, ``"json"``, ``"bool"``,
    ``"uint32"``, ``"int64"``, ``"float64"``, ``"timestamp"`` or ``"date"``), whether a row may
    leave it empty (null), and what it holds."""

    name: str
    type: str
    nullable: bool
    description: str

    @property
    def label(self) -> str:
        """A human label for the BI tools: ``"first_response_p50_seconds"`` is
        ``"First response P50 seconds"``."""
        words = self.name.split("_")
        special = {"id": "ID", "arr": "ARR", "csm": "CSM", "p50": "P50", "p90": "P90"}
        out = [special.get(w, w) for w in words]
        out[0] = out[0][:1].upper() + out[0][1:]
        return " ".join(out)


def _c(name: str, type: str, nullable: bool, description: str) -> Column:
    return Column(name, type, nullable, description)


#: The ``outcomes`` export: one row per started milestone occurrence, open and closed.
OUTCOMES: tuple[Column, ...] = (
    _c("case_id", "string", False, "The case's id."),
    _c("account_id", "string", True, "The id of the entitlement's account."),
    _c("account_name", "string", True, "The account's name."),
    _c("entitlement", "string", True, "The entitlement covering the case."),
    _c("process", "string", True, "The entitlement process of the milestone."),
    _c("process_version", "uint32", True, "The version of that process."),
    _c("tier", "string", True, "The support tier the case was evaluated in."),
    _c("milestone", "string", False, "The milestone's name in its process."),
    _c("kind", "string", False, "The milestone's kind (first_response, resolution, ...)."),
    _c("instance", "uint32", False, "The occurrence of the milestone in the case, from 1."),
    _c("calendar", "string", True, "The business-hours calendar the milestone is timed on."),
    _c("started_at", "timestamp", True, "When the occurrence started (UTC)."),
    _c("target_at", "timestamp", True, "When its target falls due (UTC)."),
    _c("completed_at", "timestamp", True, "When it was completed (UTC); empty while open."),
    _c("breached_at", "timestamp", True, "When it breached its target (UTC), if it did."),
    _c("outcome", "string", False, "met, late, violated or open."),
    _c(
        "near_miss",
        "bool",
        False,
        "Met with less than monitor.near_miss of its target left.",
    ),
    _c("target_seconds", "float64", True, "The target, in business seconds."),
    _c("elapsed_seconds", "float64", False, "Business time used, paused time excluded, seconds."),
    _c(
        "margin_seconds",
        "float64",
        True,
        "Business time left at completion (or now), seconds; negative when past the target.",
    ),
    _c(
        "margin_wall_seconds",
        "float64",
        True,
        "The same margin in wall-clock seconds; negative when past the target.",
    ),
    _c("month", "string", True, "The month it started, in the reporting time zone (2026-07)."),
    _c("quarter", "string", True, "The quarter it started, in the reporting time zone (2026-Q3)."),
    _c(
        "reporting_time_zone",
        "string",
        False,
        "The IANA time zone of month and quarter: the entitlement's calendar's.",
    ),
)

#: The ``accounts`` export (the ``account_periods`` table): one row per account and period.
ACCOUNTS: tuple[Column, ...] = (
    _c("account_id", "string", False, "The account's id."),
    _c("account_name", "string", True, "The account's name."),
    _c("period_start", "date", True, "The period's first day; empty for all time."),
    _c("period_end", "date", True, "The period's last day; empty for all time."),
    _c("entitlements", "json", False, "The account's entitlement ids, a JSON list."),
    _c("cases", "uint32", False, "Cases with at least one milestone started in the period."),
    _c("met", "uint32", False, "Occurrences completed on time."),
    _c("late", "uint32", False, "Occurrences completed after their target."),
    _c("violated", "uint32", False, "Occurrences past their target and still open."),
    _c("open", "uint32", False, "Occurrences open and within their target."),
    _c("breaches", "uint32", False, "late + violated."),
    _c("near_misses", "uint32", False, "Occurrences met with less than monitor.near_miss left."),
    _c("attainment", "float64", True, "Percent met of those decided (met, late, violated)."),
    _c(
        "attainment_by_milestone",
        "json",
        True,
        "Per process and milestone: met, late, violated, open, near_misses, attainment (JSON).",
    ),
    _c("first_response_p50_seconds", "float64", True, "Median business time to first response."),
    _c("first_response_p90_seconds", "float64", True, "90th percentile of the same."),
    _c("resolution_p50_seconds", "float64", True, "Median business time to resolution."),
    _c("resolution_p90_seconds", "float64", True, "90th percentile of the same."),
    _c("cases_used", "uint32", False, "Cases counted against the allowances."),
    _c("cases_allowed", "uint32", True, "The allowances' sum, where there are allowances."),
    _c("projected_over", "bool", False, "A quota is projected to be exceeded this period."),
    _c("chronic_over_consumer", "bool", False, "Over quota in enough recent periods."),
    _c("over_quota_periods", "uint32", False, "Quota periods that went over."),
    _c("arr", "float64", True, "Annual recurring revenue, from the account context."),
    _c("renewal_date", "date", True, "The renewal date, from the account context."),
    _c("days_to_renewal", "int64", True, "Days from the report's date to the renewal."),
    _c("executive_sponsor", "string", True, "The executive sponsor, from the account context."),
    _c("csm", "string", True, "The customer success manager, from the account context."),
    _c("usage", "json", True, "Usage per entitlement against allowance and quota (JSON)."),
)

#: The export tables by their export name.
TABLES: dict[str, tuple[Column, ...]] = {"outcomes": OUTCOMES, "accounts": ACCOUNTS}

_DESCRIPTIONS = {
    "outcomes": "Entitlement SLA outcomes: one row per started milestone occurrence "
    "(entitlement export outcomes).",
    "accounts": "Entitlement account periods: SLA attainment, breaches, near misses, usage and "
    "renewal per account and period (entitlement export accounts).",
}

_HEADER = "Generated by `python -m entitlement.warehouse --write warehouse/`: do not edit."


def columns(table: str) -> tuple[Column, ...]:
    """The columns of the export ``table`` (``"outcomes"`` or ``"accounts"``), in file order.

    >>> [c.name for c in columns("accounts")][:2]
    ['account_id', 'account_name']
    """
    try:
        return TABLES[table]
    except KeyError:
        raise ValueError(f"unknown table {table!r}; expected 'outcomes' or 'accounts'") from None


def arrow_schema(table: str) -> Any:
    """The Parquet file's schema of ``table`` as a ``pyarrow.Schema`` (needs pyarrow):
    durations as float64 seconds, JSON as text, instants ``timestamp[us, UTC]``, dates
    ``date32``, counts ``uint32``."""
    import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]

    types = {
        "string": pa.string(),
        "json": pa.string(),
        "bool": pa.bool_(),
        "uint32": pa.uint32(),
        "int64": pa.int64(),
        "float64": pa.float64(),
        "timestamp": pa.timestamp("us", tz="UTC"),
        "date": pa.date32(),
    }
    return pa.schema([pa.field(c.name, types[c.type], c.nullable) for c in columns(table)])


# --- DDL ---------------------------------------------------------------------------------------

# JSON text is jsonb in PostgreSQL (COPY parses it). BigQuery loads the JSON type only from CSV,
# Avro and JSON files, not Parquet; Snowflake's COPY ... MATCH_BY_COLUMN_NAME puts a Parquet
# string into a VARIANT column as a JSON string, not the object. So both keep the text
# (STRING / VARCHAR) and queries use PARSE_JSON (docs/warehouse.md).
_TYPES: dict[str, dict[str, str]] = {
    "postgres": {
        "string": "text",
        "json": "jsonb",
        "bool": "boolean",
        "uint32": "bigint",
        "int64": "bigint",
        "float64": "double precision",
        "timestamp": "timestamptz",
        "date": "date",
    },
    "bigquery": {
        "string": "STRING",
        "json": "STRING",
        "bool": "BOOL",
        "uint32": "INT64",
        "int64": "INT64",
        "float64": "FLOAT64",
        "timestamp": "TIMESTAMP",
        "date": "DATE",
    },
    "snowflake": {
        "string": "VARCHAR",
        "json": "VARCHAR",
        "bool": "BOOLEAN",
        "uint32": "NUMBER(10, 0)",
        "int64": "NUMBER(19, 0)",
        "float64": "FLOAT",
        "timestamp": "TIMESTAMP_TZ",
        "date": "DATE",
    },
}


def _sql_string(text: str, *, backslash: bool = False) -> str:
    """A single-quoted SQL string literal: PostgreSQL's (a backslash is itself), or
    Snowflake's (``backslash``: a backslash escapes, so it is doubled)."""
    if backslash:
        text = text.replace("\\", "\\\\")
    return "'" + text.replace("'", "''") + "'"


def _bq_string(text: str) -> str:
    """A double-quoted BigQuery string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def ddl(table: str, dialect: str, *, name: str | None = None) -> str:
    """``CREATE TABLE IF NOT EXISTS`` for the export ``table`` in ``dialect`` (``"postgres"``,
    ``"bigquery"`` or ``"snowflake"``), with each column's description as its comment, named
    ``name`` (default ``entitlement.<table>``; the schema, or BigQuery dataset, is created with
    ``CREATE SCHEMA IF NOT EXISTS`` when ``name`` is left out).

    Types: instants ``timestamptz`` / ``TIMESTAMP`` / ``TIMESTAMP_TZ``; seconds ``double
    precision`` / ``FLOAT64`` / ``FLOAT``; counts ``bigint`` / ``INT64`` / ``NUMBER(10, 0)``;
    JSON text ``jsonb`` in PostgreSQL, text (``STRING`` / ``VARCHAR``) in BigQuery and
    Snowflake, whose Parquet loads cannot fill a JSON column.
    """
    cols = columns(table)
    try:
        types = _TYPES[dialect]
    except KeyError:
        raise ValueError(
            f"unknown dialect {dialect!r}; expected one of {', '.join(DIALECTS)}"
        ) from None
    qualified = name or f"{SCHEMA}.{table}"
    described = _DESCRIPTIONS[table]
    lines = [f"-- {_HEADER}", f"-- {described}"]
    if name is None:
        lines.append(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA};")
    else:
        lines.append("")
    lines.append(f"CREATE TABLE IF NOT EXISTS {qualified} (")
    body = []
    for c in cols:
        # In each dialect's documented order: Snowflake's COMMENT comes before NOT NULL,
        # BigQuery's OPTIONS after it.
        column = f"    {c.name} {types[c.type]}"
        if dialect == "snowflake":
            column += f" COMMENT {_sql_string(c.description, backslash=True)}"
        if not c.nullable:
            column += " NOT NULL"
        if dialect == "bigquery":
            column += f" OPTIONS(description={_bq_string(c.description)})"
        body.append(column)
    lines.append(",\n".join(body))
    if dialect == "bigquery":
        lines.append(f") OPTIONS(description={_bq_string(described)});")
    elif dialect == "snowflake":
        lines.append(f") COMMENT = {_sql_string(described, backslash=True)};")
    else:
        lines.append(");")
        lines.append(f"COMMENT ON TABLE {qualified} IS {_sql_string(described)};")
        lines.extend(
            f"COMMENT ON COLUMN {qualified}.{c.name} IS {_sql_string(c.description)};" for c in cols
        )
    return "\n".join(lines) + "\n"


# --- LookML ------------------------------------------------------------------------------------


def _lookml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _dimension(c: Column) -> list[str]:
    """The LookML of one column: a dimension, or a dimension group for instants and dates."""
    if c.type in ("timestamp", "date"):
        group = c.name[: -len("_at")] if c.name.endswith("_at") else c.name
        if c.type == "date" and group.endswith("_date"):
            group = group[: -len("_date")]
        timeframes = "[raw, time, date, week, month, quarter, year]"
        extra = []
        if c.type == "date":
            timeframes = "[raw, date, week, month, quarter, year]"
            extra = ["    convert_tz: no", "    datatype: date"]
        return [
            f"  dimension_group: {group} {{",
            "    type: time",
            f"    timeframes: {timeframes}",
            *extra,
            f"    sql: ${{TABLE}}.{c.name} ;;",
            f"    description: {_lookml_string(c.description)}",
            "  }",
        ]
    kind = {"bool": "yesno", "uint32": "number", "int64": "number", "float64": "number"}.get(
        c.type, "string"
    )
    return [
        f"  dimension: {c.name} {{",
        f"    type: {kind}",
        f"    sql: ${{TABLE}}.{c.name} ;;",
        f"    description: {_lookml_string(c.description)}",
        "  }",
    ]


def _measure(name: str, description: str, *body: str) -> list[str]:
    return [
        f"  measure: {name} {{",
        *(f"    {line}" for line in body),
        f"    description: {_lookml_string(description)}",
        "  }",
    ]


def _view(table: str, primary_key: str | None, measures: list[list[str]]) -> str:
    lines = [
        f"# {_HEADER}",
        f"# {_DESCRIPTIONS[table]}",
        f"view: {table} {{",
        f"  sql_table_name: {SCHEMA}.{table} ;;",
        "",
    ]
    for c in columns(table):
        dim = _dimension(c)
        if c.name == primary_key:
            dim.insert(1, "    primary_key: yes")
        lines += dim
    if table == "outcomes":
        lines += [
            "  dimension: is_completed {",
            "    type: yesno",
            "    sql: ${TABLE}.completed_at IS NOT NULL ;;",
            '    description: "The occurrence was completed (met or late)."',
            "  }",
        ]
    for measure in measures:
        lines += ["", *measure]
    lines.append("}")
    return "\n".join(lines) + "\n"


def _percentile(kind: str, p: int) -> list[str]:
    # Looker applies `filters` to count, count_distinct, sum and average only: a percentile is
    # restricted in its SQL, where the database's percentile skips the NULLs of the CASE.
    what = kind.replace("_", " ")
    return _measure(
        f"{kind}_p{p}_seconds",
        f"The {p}th percentile of business time to {what} of completed occurrences, seconds "
        "(interpolated by the database; the account table's is nearest-rank).",
        "type: percentile",
        f"percentile: {p}",
        f"sql: CASE WHEN ${{TABLE}}.kind = '{kind}' AND ${{TABLE}}.completed_at IS NOT NULL "
        "THEN ${TABLE}.elapsed_seconds END ;;",
        "value_format_name: decimal_0",
    )


def _outcome_measures() -> list[list[str]]:
    def count(name: str, description: str, condition: str) -> list[str]:
        return _measure(name, description, "type: count", f"filters: [{condition}]")

    return [
        _measure("count", "Milestone occurrences.", "type: count"),
        count("met", "Occurrences completed on time.", 'outcome: "met"'),
        count("late", "Occurrences completed after their target.", 'outcome: "late"'),
        count("violated", "Occurrences past their target and still open.", 'outcome: "violated"'),
        count("decided", "Occurrences met, late or violated.", 'outcome: "met,late,violated"'),
        count("breaches", "Occurrences late or violated.", 'outcome: "late,violated"'),
        count(
            "near_misses",
            "Occurrences met with less than monitor.near_miss left.",
            'near_miss: "yes"',
        ),
        _measure(
            "attainment",
            "Percent met of the decided occurrences.",
            "type: number",
            "sql: 100.0 * ${met} / NULLIF(${decided}, 0) ;;",
            "value_format_name: decimal_1",
        ),
        _percentile("first_response", 50),
        _percentile("first_response", 90),
        _percentile("resolution", 50),
        _percentile("resolution", 90),
    ]


def _account_measures() -> list[list[str]]:
    def total(name: str, column: str, description: str) -> list[str]:
        return _measure(name, description, "type: sum", f"sql: ${{TABLE}}.{column} ;;")

    return [
        _measure("count", "Accounts.", "type: count"),
        total("total_arr", "arr", "ARR summed over the accounts."),
        total("total_cases", "cases", "Cases summed over the accounts."),
        total("total_breaches", "breaches", "Breaches summed over the accounts."),
        total("total_near_misses", "near_misses", "Near misses summed over the accounts."),
        _measure(
            "portfolio_attainment",
            "Percent met of the decided occurrences over the accounts.",
            "type: number",
            "sql: 100.0 * SUM(${TABLE}.met) / "
            "NULLIF(SUM(${TABLE}.met + ${TABLE}.late + ${TABLE}.violated), 0) ;;",
            "value_format_name: decimal_1",
        ),
        _measure(
            "chronic_over_consumers",
            "Accounts over quota in enough recent periods.",
            "type: count",
            'filters: [chronic_over_consumer: "yes"]',
        ),
    ]


def lookml() -> dict[str, str]:
    """The LookML files, by file name: a view per table (``outcomes.view.lkml``,
    ``accounts.view.lkml``) and ``entitlement.explore.lkml`` (the ``outcomes`` explore, joined
    many-to-one to ``accounts`` on ``account_id``, and an ``accounts`` explore), to include from
    your model. Measures: counts by outcome, breaches, near misses, attainment, and p50/p90
    business time to first response and to resolution (``percentile`` on
    ``elapsed_seconds``)."""
    explore = "\n".join(
        [
            f"# {_HEADER}",
            "# Include this file and the two views from your model (which names the connection).",
            'include: "outcomes.view.lkml"',
            'include: "accounts.view.lkml"',
            "",
            "explore: outcomes {",
            '  label: "SLA outcomes"',
            '  description: "Every milestone occurrence, with its account. Load the accounts '
            'table for the same period as the outcomes: one row per account."',
            "  join: accounts {",
            "    type: left_outer",
            "    relationship: many_to_one",
            "    sql_on: ${outcomes.account_id} = ${accounts.account_id} ;;",
            "  }",
            "}",
            "",
            "explore: accounts {",
            '  label: "SLA accounts"',
            '  description: "Attainment, breaches, near misses, usage and renewal per account."',
            "}",
            "",
        ]
    )
    return {
        "outcomes.view.lkml": _view("outcomes", None, _outcome_measures()),
        "accounts.view.lkml": _view("accounts", "account_id", _account_measures()),
        "entitlement.explore.lkml": explore,
    }


# --- CRM Analytics -----------------------------------------------------------------------------

#: The CSV's instants, in CRM Analytics' date format notation.
CRMA_TIMESTAMP_FORMAT = "yyyy-MM-dd'T'HH:mm:ss'Z'"
#: The CSV's dates.
CRMA_DATE_FORMAT = "yyyy-MM-dd"


def crma_metadata(table: str = "outcomes") -> dict[str, Any]:
    """The CRM Analytics External Data metadata (JSON, as a dict) of the export's CSV: the
    ``fileFormat`` (UTF-8, comma, double quote, one header line) and one object named after the
    table whose ``fields`` follow the CSV's header in order. Types: ``Date`` for instants
    (``format`` ``yyyy-MM-dd'T'HH:mm:ss'Z'``) and dates (``yyyy-MM-dd``); ``Numeric`` for counts
    (precision 10, scale 0) and seconds and amounts (precision 18, scale 6); ``Text`` for the
    rest (booleans are ``true`` / ``false``, JSON stays text)."""
    fields = []
    for c in columns(table):
        field: dict[str, Any] = {
            "fullyQualifiedName": f"{table}.{c.name}",
            "name": c.name,
            "label": c.label,
            "description": c.description,
            "isSystemField": False,
            "isUniqueId": False,
            "isMultiValue": False,
        }
        if c.type == "timestamp":
            field.update(type="Date", format=CRMA_TIMESTAMP_FORMAT)
        elif c.type == "date":
            field.update(type="Date", format=CRMA_DATE_FORMAT)
        elif c.type in ("uint32", "int64"):
            field.update(type="Numeric", precision=18 if c.type == "int64" else 10, scale=0)
        elif c.type == "float64":
            field.update(type="Numeric", precision=18, scale=6)
        else:
            field.update(type="Text")
        fields.append(field)
    return {
        "fileFormat": {
            "charsetName": "UTF-8",
            "fieldsDelimitedBy": ",",
            "fieldsEnclosedBy": '"',
            "numberOfLinesToIgnore": 1,
        },
        "objects": [
            {
                "connector": "EntitlementCSV",
                "fullyQualifiedName": table,
                "name": table,
                "label": f"SLA {table}",
                "description": _DESCRIPTIONS[table],
                "fields": fields,
            }
        ],
    }


# --- Tableau Hyper -----------------------------------------------------------------------------


def _table_of(names: Sequence[str]) -> str:
    for table, cols in TABLES.items():
        if list(names) == [c.name for c in cols]:
            return table
    raise ValueError(
        "the columns are neither the outcomes export's nor the accounts export's: "
        f"{', '.join(names)}"
    )


def write_hyper(
    path: str | os.PathLike[str],
    source: Any,
    *,
    table: str | None = None,
) -> int:
    """Writes a Tableau ``.hyper`` extract at ``path`` (replaced if present) holding one table,
    ``"Extract".<table>``, from ``source``: an export file (a ``.csv`` or ``.parquet`` path) or
    a ``pyarrow.Table`` with the export's columns. ``table`` (``"outcomes"`` or ``"accounts"``)
    is found from the columns when left out. Returns the number of rows written.

    Needs ``tableauhyperapi`` (``pip install tableauhyperapi``, about 290 MB; it runs its own
    ``hyperd``) and pyarrow. Hyper reads the rows from Parquet itself (a CSV or a table is
    written to a temporary Parquet file first). JSON columns are text in the extract, counts
    ``BIG INT``, instants ``TIMESTAMP_TZ``."""
    import pyarrow as pa  # type: ignore[import-untyped, unused-ignore]
    import pyarrow.csv as pacsv  # type: ignore[import-untyped, unused-ignore]
    import pyarrow.parquet as pq  # type: ignore[import-untyped, unused-ignore]
    from tableauhyperapi import (  # type: ignore[import-untyped, import-not-found, unused-ignore]
        NOT_NULLABLE,
        NULLABLE,
        Connection,
        CreateMode,
        HyperProcess,
        SqlType,
        TableDefinition,
        TableName,
        Telemetry,
        escape_name,
        escape_string_literal,
    )

    data: Any = None
    parquet: Path | None = None
    if isinstance(source, (str, os.PathLike)):
        file = Path(source)
        if file.suffix == ".parquet":
            parquet = file
            names = pq.read_schema(file).names
        elif file.suffix == ".csv":
            with file.open(encoding="utf-8", newline="") as f:
                names = next(csv.reader(f), [])
            schema = arrow_schema(table or _table_of(names))
            data = pacsv.read_csv(
                file,
                convert_options=pacsv.ConvertOptions(
                    column_types=schema, strings_can_be_null=True, null_values=[""]
                ),
            )
        else:
            raise ValueError(f"{file}: expected a .csv or .parquet export")
    elif isinstance(source, pa.Table):
        data = source
        names = data.column_names
    else:
        raise TypeError(f"source must be a path or a pyarrow.Table, not {type(source).__name__}")
    name = table or _table_of(names)
    cols = columns(name)
    hyper_types = {
        "string": SqlType.text(),
        "json": SqlType.text(),
        "bool": SqlType.bool(),
        "uint32": SqlType.big_int(),
        "int64": SqlType.big_int(),
        "float64": SqlType.double(),
        "timestamp": SqlType.timestamp_tz(),
        "date": SqlType.date(),
    }
    definition = TableDefinition(
        TableName("Extract", name),
        [
            TableDefinition.Column(
                c.name, hyper_types[c.type], NULLABLE if c.nullable else NOT_NULLABLE
            )
            for c in cols
        ],
    )
    listed = ", ".join(escape_name(c.name) for c in cols)
    with tempfile.TemporaryDirectory(prefix="entitlement-hyper-") as scratch:
        if parquet is None:
            parquet = Path(scratch) / f"{name}.parquet"
            pq.write_table(data.select([c.name for c in cols]).cast(arrow_schema(name)), parquet)
        with (
            HyperProcess(
                telemetry=Telemetry.DO_NOT_SEND_USAGE_DATA_TO_TABLEAU,
                parameters={"log_dir": scratch},
            ) as hyper,
            Connection(hyper.endpoint, os.fspath(path), CreateMode.CREATE_AND_REPLACE) as conn,
        ):
            conn.catalog.create_schema("Extract")
            conn.catalog.create_table(definition)
            rows = conn.execute_command(
                f"INSERT INTO {definition.table_name} ({listed}) SELECT {listed} "
                f"FROM external({escape_string_literal(os.fspath(parquet))})"
            )
    return int(rows)


# --- The checked-in files ----------------------------------------------------------------------


def files() -> dict[str, str]:
    """Every generated file, by its path under ``warehouse/``: ``postgres.sql``,
    ``bigquery.sql``, ``snowflake.sql`` (both tables each), ``looker/*.lkml`` and
    ``crm-analytics/outcomes.json``."""
    out = {f"{dialect}.sql": "\n".join(ddl(t, dialect) for t in TABLES) for dialect in DIALECTS}
    out.update({f"looker/{n}": text for n, text in lookml().items()})
    out["crm-analytics/outcomes.json"] = json.dumps(crma_metadata("outcomes"), indent=2) + "\n"
    return out


def write(directory: str | os.PathLike[str]) -> list[Path]:
    """Writes ``files()`` under ``directory``; returns the paths written."""
    root = Path(directory)
    written = []
    for rel, text in files().items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written


def check(directory: str | os.PathLike[str]) -> list[str]:
    """The generated files under ``directory`` that are missing or differ from ``files()``
    (an empty list when everything is up to date)."""
    root = Path(directory)
    stale = []
    for rel, text in files().items():
        target = root / rel
        if not target.is_file() or target.read_text(encoding="utf-8") != text:
            stale.append(rel)
    return stale


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m entitlement.warehouse --write DIR`` or ``--check DIR`` (exit 1 when a file is
    stale or missing)."""
    parser = argparse.ArgumentParser(
        prog="python -m entitlement.warehouse",
        description="Write or check the warehouse DDL, LookML and CRM Analytics metadata.",
    )
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", metavar="DIR", help="write the files under DIR")
    group.add_argument("--check", metavar="DIR", help="fail if a file under DIR is stale")
    args = parser.parse_args(argv)
    if args.write is not None:
        for path in write(args.write):
            print(path)
        return 0
    stale = check(args.check)
    for rel in stale:
        print(
            f"{Path(args.check) / rel} is stale: run python -m entitlement.warehouse --write "
            f"{args.check}",
            file=sys.stderr,
        )
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
