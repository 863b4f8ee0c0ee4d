"""The warehouse side of the exports (``entitlement.warehouse``): the declared file schema equals
the real export's (CSV header, NDJSON keys, Parquet schema), the checked-in ``warehouse/`` files
are what the generator writes, the PostgreSQL DDL runs and the sample export loads into it with
``COPY``, the BigQuery and Snowflake DDL parse in those dialects (sqlglot), the LookML parses
(lkml) and refers only to real columns, the CRM Analytics metadata describes the CSV field by
field, and a Tableau ``.hyper`` extract reads back (when ``tableauhyperapi`` is installed).
"""

from __future__ import annotations

import csv
import doctest
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from entitlement import warehouse as wh

REPO = Path(__file__).resolve().parents[2]
GENERATED = REPO / "warehouse"
SAMPLE_DIR = REPO / "examples" / "data"


# --- The sample data's export ------------------------------------------------------------------


SAMPLE_NOW = json.loads((SAMPLE_DIR / "cases.json").read_text(encoding="utf-8"))["now"]
# The sample month, so that the accounts export has a period (its date columns are filled).
PERIOD = ["--from", "2026-11-01", "--to", "2026-11-30"]


@pytest.fixture(scope="module")
def cli() -> Path:
    """The ``entitlement`` command-line tool: ``ENTITLEMENT_BIN`` when the test command has built
    it, else built from this checkout (incremental: about a second when it is up to date)."""
    given = os.environ.get("ENTITLEMENT_BIN")
    if given:
        return Path(given)
    if shutil.which("cargo") is None:
        pytest.skip("the export comes from the `entitlement` CLI, and cargo is not installed")
    subprocess.run(
        ["cargo", "build", "--release", "--locked", "--quiet", "-p", "entitlement-cli"],
        cwd=REPO,
        check=True,
        timeout=1800,
    )
    return REPO / "target" / "release" / "entitlement"


def _export(cli: Path, table: str, fmt: str, out: Path) -> None:
    """The sample data's export of ``table`` in ``fmt``, written by ``entitlement export``."""
    subprocess.run(
        [
            str(cli),
            "export",
            table,
            "--rules",
            str(SAMPLE_DIR / "rules.yaml"),
            "--cases",
            str(SAMPLE_DIR / "cases.json"),
            "--now",
            SAMPLE_NOW,
            *PERIOD,
            "--format",
            fmt,
            "--out",
            str(out),
        ],
        check=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def exported(cli: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory holding ``{outcomes,accounts}.{csv,parquet,ndjson}``: the sample's exports."""
    where = tmp_path_factory.mktemp("export")
    for table in wh.TABLES:
        for fmt in ("csv", "parquet", "ndjson"):
            _export(cli, table, fmt, where / f"{table}.{fmt}")
    return where


def read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


# --- The declared schema is the export's -------------------------------------------------------


@pytest.mark.parametrize("table", list(wh.TABLES))
def test_the_declared_columns_are_the_csv_header(exported: Path, table: str) -> None:
    header, rows = read_csv(exported / f"{table}.csv")
    assert header == [c.name for c in wh.columns(table)]
    assert rows, f"the sample's {table} export is empty: nothing below would be checked"
    assert all(len(r) == len(header) for r in rows)


@pytest.mark.parametrize("table", list(wh.TABLES))
def test_the_declared_columns_are_the_ndjson_keys(exported: Path, table: str) -> None:
    lines = (exported / f"{table}.ndjson").read_text(encoding="utf-8").splitlines()
    assert lines
    for line in lines:
        # A JSON object's keys have no order: the same names.
        assert sorted(json.loads(line)) == sorted(c.name for c in wh.columns(table))


@pytest.mark.parametrize("table", list(wh.TABLES))
def test_the_declared_schema_is_the_parquet_schema(exported: Path, table: str) -> None:
    data = pq.read_table(exported / f"{table}.parquet")
    declared = wh.arrow_schema(table)
    assert [(f.name, _storage(f.type)) for f in data.schema] == [(f.name, f.type) for f in declared]
    for field, column in zip(data.schema, wh.columns(table), strict=True):
        # NOT NULL in the DDL exactly where the file says a value is required: a stricter
        # table would refuse a valid export, a looser one would lose the guarantee.
        assert field.nullable == column.nullable, column.name
        if not column.nullable:
            assert data.column(column.name).null_count == 0, column.name


@pytest.mark.parametrize("table", list(wh.TABLES))
def test_each_column_has_a_known_type_a_description_and_a_unique_name(table: str) -> None:
    cols = wh.columns(table)
    assert len({c.name for c in cols}) == len(cols)
    for c in cols:
        assert c.type in wh.TYPES, c
        assert c.description, c
        assert "\\" not in c.description, c
    assert wh.Column("first_response_p50_seconds", "float64", True, "x").label == (
        "First response P50 seconds"
    )


def _storage(t: Any) -> Any:
    """A column type without its extension (JSON text may carry ``arrow.json``)."""
    return t.storage_type if isinstance(t, pa.ExtensionType) else t


def test_an_unknown_table_or_dialect_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown table 'cases'"):
        wh.columns("cases")
    with pytest.raises(ValueError, match="unknown dialect 'mysql'"):
        wh.ddl("outcomes", "mysql")


def test_the_module_examples_run() -> None:
    failures, tried = doctest.testmod(wh, optionflags=doctest.ELLIPSIS)
    assert tried > 0
    assert failures == 0


# --- The checked-in files ----------------------------------------------------------------------


def test_the_checked_in_files_are_current() -> None:
    assert wh.check(GENERATED) == [], "run: python -m entitlement.warehouse --write warehouse/"
    assert wh.main(["--check", str(GENERATED)]) == 0


def test_check_finds_a_stale_or_missing_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wh.write(tmp_path)
    assert wh.check(tmp_path) == []
    (tmp_path / "snowflake.sql").write_text("-- edited\n", encoding="utf-8")
    (tmp_path / "looker" / "accounts.view.lkml").unlink()
    assert wh.check(tmp_path) == ["snowflake.sql", "looker/accounts.view.lkml"]
    assert wh.main(["--check", str(tmp_path)]) == 1
    assert "snowflake.sql is stale" in capsys.readouterr().err


# --- PostgreSQL: the DDL runs and the CSV loads ------------------------------------------------


def _python_value(column: wh.Column, value: Any) -> Any:
    """A value of the Parquet file as PostgreSQL gives it back."""
    if value is not None and column.type == "json":
        return json.loads(value)
    return value


@pytest.mark.parametrize("table", list(wh.TABLES))
def test_postgres_ddl_runs_and_the_csv_export_loads_with_copy(
    postgres_url: str, exported: Path, table: str
) -> None:
    import psycopg

    columns = wh.columns(table)
    expected = pq.read_table(exported / f"{table}.parquet").to_pylist()
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("SET TIME ZONE 'America/Los_Angeles'")  # instants must not depend on it
        conn.execute((GENERATED / "postgres.sql").read_text(encoding="utf-8"))
        # Rerunnable: IF NOT EXISTS.
        conn.execute((GENERATED / "postgres.sql").read_text(encoding="utf-8"))
        with conn.cursor() as cur:
            # What `\copy entitlement.outcomes FROM 'outcomes.csv' WITH (FORMAT csv, HEADER)`
            # sends (docs/warehouse.md).
            with cur.copy(f"COPY entitlement.{table} FROM STDIN WITH (FORMAT csv, HEADER)") as cp:
                cp.write((exported / f"{table}.csv").read_bytes())
            names = ", ".join(c.name for c in columns)
            got = cur.execute(f"SELECT {names} FROM entitlement.{table}").fetchall()
            comment = cur.execute(
                "SELECT col_description(%s::regclass, 1)", (f"entitlement.{table}",)
            ).fetchone()
    assert len(got) == len(expected)
    assert comment == (columns[0].description,)
    # Every value of every row, against the Parquet export of the same data.
    for row, want in zip(got, expected, strict=True):
        assert {c.name: v for c, v in zip(columns, row, strict=True)} == {
            c.name: _python_value(c, want[c.name]) for c in columns
        }


def test_the_lookml_sql_runs_in_postgres_and_its_percentiles_are_the_accounts(
    postgres_url: str, exported: Path
) -> None:
    """Each LookML field's SQL (``${TABLE}`` as Looker writes it, the view's alias) runs on the
    loaded tables; and the percentile measures' expression, ranked as the accounts table ranks
    (nearest rank: PostgreSQL's ``percentile_disc``), gives each account's p50 and p90."""
    import psycopg

    lkml = pytest.importorskip("lkml")
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute((GENERATED / "postgres.sql").read_text(encoding="utf-8"))
        for table in wh.TABLES:
            with conn.cursor().copy(
                f"COPY entitlement.{table} FROM STDIN WITH (FORMAT csv, HEADER)"
            ) as cp:
                cp.write((exported / f"{table}.csv").read_bytes())
        measures = {}
        for table in wh.TABLES:
            text = (GENERATED / "looker" / f"{table}.view.lkml").read_text(encoding="utf-8")
            (view,) = lkml.load(text)["views"]
            for _, field in _fields(view):
                sql = field.get("sql")
                if sql is None or OTHER_FIELD.search(sql):
                    continue  # a count, or a measure built on other measures
                expression = sql.replace("${TABLE}", table)
                if field["type"] == "percentile":
                    measures[field["name"]] = expression
                    continue
                aggregate = f"SUM({expression})" if field["type"] == "sum" else expression
                conn.execute(f"SELECT {aggregate} FROM entitlement.{table} AS {table} LIMIT 1")
        assert len(measures) == 4
        checked = 0
        for name, expression in measures.items():
            p = int(name.split("_p")[1][:2]) / 100
            rows = conn.execute(
                f"SELECT accounts.account_id, accounts.{name}, "
                f"(SELECT percentile_disc({p}) WITHIN GROUP (ORDER BY {expression}) "
                "FROM entitlement.outcomes AS outcomes "
                "WHERE outcomes.account_id = accounts.account_id) "
                "FROM entitlement.accounts AS accounts"
            ).fetchall()
            for account, want, got in rows:
                assert got == want, (name, account)
                checked += want is not None
    assert checked > 0, "no account has a percentile: nothing was compared"


# --- BigQuery and Snowflake: the DDL parses in their dialects ----------------------------------

# sqlglot's name for each declared type, per dialect (sqlglot reads BigQuery's TIMESTAMP and
# Snowflake's TIMESTAMP_TZ as its TIMESTAMPTZ).
SQLGLOT_TYPES = {
    "bigquery": {
        "string": "TEXT",
        "json": "TEXT",
        "bool": "BOOLEAN",
        "uint32": "BIGINT",
        "int64": "BIGINT",
        "float64": "DOUBLE",
        "timestamp": "TIMESTAMPTZ",
        "date": "DATE",
    },
    "snowflake": {
        "string": "VARCHAR",
        "json": "VARCHAR",
        "bool": "BOOLEAN",
        "uint32": "DECIMAL",
        "int64": "DECIMAL",
        "float64": "DOUBLE",
        "timestamp": "TIMESTAMPTZ",
        "date": "DATE",
    },
    "postgres": {
        "string": "TEXT",
        "json": "JSONB",
        "bool": "BOOLEAN",
        "uint32": "BIGINT",
        "int64": "BIGINT",
        "float64": "DOUBLE",
        "timestamp": "TIMESTAMPTZ",
        "date": "DATE",
    },
}


@pytest.mark.parametrize("dialect", wh.DIALECTS)
def test_the_ddl_parses_in_its_dialect(dialect: str) -> None:
    sqlglot = pytest.importorskip("sqlglot")
    from sqlglot import exp

    text = (GENERATED / f"{dialect}.sql").read_text(encoding="utf-8")
    statements = sqlglot.parse(text, read=dialect)
    tables = {}
    for statement in statements:
        assert isinstance(statement, (exp.Create, exp.Comment)), statement
        if isinstance(statement, exp.Create) and statement.kind == "TABLE":
            schema = statement.this
            tables[schema.this.sql(dialect=dialect)] = [
                (d.name, d.args["kind"].this.name, d.find(exp.NotNullColumnConstraint) is not None)
                for d in schema.expressions
            ]
    assert list(tables) == [f"entitlement.{t}" for t in wh.TABLES]
    for table, defs in tables.items():
        declared = wh.columns(table.split(".")[1])
        assert defs == [(c.name, SQLGLOT_TYPES[dialect][c.type], not c.nullable) for c in declared]


def test_ddl_takes_a_table_name() -> None:
    text = wh.ddl("accounts", "snowflake", name="analytics.sla.account_periods")
    assert "CREATE TABLE IF NOT EXISTS analytics.sla.account_periods (" in text
    assert "CREATE SCHEMA" not in text


# --- Looker ------------------------------------------------------------------------------------


def _lookml(name: str) -> dict[str, Any]:
    lkml = pytest.importorskip("lkml")
    parsed: dict[str, Any] = lkml.load((GENERATED / "looker" / name).read_text(encoding="utf-8"))
    return parsed


def _fields(view: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for key in ("dimensions", "dimension_groups", "measures"):
        for field in view.get(key, []):
            yield key, field


def _filters(field: dict[str, Any]) -> dict[str, str]:
    """A field's ``filters: [a: "x", b: "y"]`` as ``{"a": "x", "b": "y"}`` (lkml reads a
    filter list as ``filters__all``, a list of lists of one-entry dicts)."""
    out: dict[str, str] = {}
    for group in field.get("filters__all", []):
        for condition in group:
            out.update(condition)
    return out


TABLE_REF = re.compile(r"\$\{TABLE\}\.(\w+)")
FIELD_REF = re.compile(r"\$\{(\w+)\}")
OTHER_FIELD = re.compile(r"\$\{(?!TABLE\})")


@pytest.mark.parametrize("table", list(wh.TABLES))
def test_each_lookml_view_refers_to_real_columns(table: str) -> None:
    (view,) = _lookml(f"{table}.view.lkml")["views"]
    assert view["name"] == table
    assert view["sql_table_name"] == f"entitlement.{table}"
    names = {c.name for c in wh.columns(table)}
    fields = list(_fields(view))
    own = {f["name"] for _, f in fields}
    referred = set()
    for _, field in fields:
        sql = field.get("sql", "")
        assert sql or field["type"] == "count", field["name"]
        for column in TABLE_REF.findall(sql):
            assert column in names, f"{field['name']} refers to {column}, not a column"
            referred.add(column)
        for other in FIELD_REF.findall(sql):
            assert other == "TABLE" or other in own, f"{field['name']} refers to {other}"
        for other in _filters(field):
            assert other in own, f"{field['name']} filters on {other}, not a field"
            # Looker applies `filters` to these measure types only.
            assert field["type"] in ("count", "count_distinct", "sum", "average"), field["name"]
    # Every column has its dimension (or dimension group).
    assert referred >= names


def test_the_outcome_measures() -> None:
    (view,) = _lookml("outcomes.view.lkml")["views"]
    measures = {m["name"]: m for m in view["measures"]}
    assert measures["breaches"]["type"] == "count"
    assert _filters(measures["near_misses"]) == {"near_miss": "yes"}
    assert _filters(measures["breaches"]) == {"outcome": "late,violated"}
    assert "${met}" in measures["attainment"]["sql"]
    for kind in ("first_response", "resolution"):
        for p in ("50", "90"):
            m = measures[f"{kind}_p{p}_seconds"]
            assert m["type"] == "percentile"
            assert m["percentile"] == p
            assert m["sql"].strip() == (
                f"CASE WHEN ${{TABLE}}.kind = '{kind}' AND ${{TABLE}}.completed_at IS NOT NULL "
                "THEN ${TABLE}.elapsed_seconds END"
            )


def test_the_explore_joins_outcomes_to_accounts_on_account_id() -> None:
    parsed = _lookml("entitlement.explore.lkml")
    assert parsed["includes"] == ["outcomes.view.lkml", "accounts.view.lkml"]
    explores = {e["name"]: e for e in parsed["explores"]}
    assert set(explores) == {"outcomes", "accounts"}
    (join,) = explores["outcomes"]["joins"]
    assert join["name"] == "accounts"
    assert join["relationship"] == "many_to_one"
    assert join["sql_on"].strip() == "${outcomes.account_id} = ${accounts.account_id}"
    (accounts,) = _lookml("accounts.view.lkml")["views"]
    keys = [d["name"] for d in accounts["dimensions"] if d.get("primary_key") == "yes"]
    assert keys == ["account_id"]


# --- CRM Analytics -----------------------------------------------------------------------------

# CRM Analytics' date formats (Java notation) as strptime formats.
STRPTIME = {
    "yyyy-MM-dd'T'HH:mm:ss'Z'": "%Y-%m-%dT%H:%M:%SZ",
    "yyyy-MM-dd": "%Y-%m-%d",
}
# A field name: a letter, then letters, digits and single underscores, no trailing underscore.
CRMA_NAME = re.compile(r"^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*(?<!_)$")


def test_the_crma_metadata_file_is_the_generated_one() -> None:
    written = json.loads((GENERATED / "crm-analytics" / "outcomes.json").read_text())
    assert written == wh.crma_metadata("outcomes")
    assert written["fileFormat"] == {
        "charsetName": "UTF-8",
        "fieldsDelimitedBy": ",",
        "fieldsEnclosedBy": '"',
        "numberOfLinesToIgnore": 1,
    }


def _crma_value_ok(field: dict[str, Any], value: str) -> bool:
    if value == "":
        return True  # null
    if field["type"] == "Text":
        return True
    if field["type"] == "Date":
        try:
            datetime.strptime(value, STRPTIME[field["format"]])
        except ValueError:
            return False
        return True
    try:
        number = Decimal(value)
    except InvalidOperation:
        return False
    _sign, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)
    scale = max(0, -exponent)
    integer_digits = max(0, len(digits) + exponent)
    return bool(scale <= field["scale"] and integer_digits + field["scale"] <= field["precision"])


def test_the_crma_fields_are_the_csv_header_and_each_value_parses(exported: Path) -> None:
    metadata = wh.crma_metadata("outcomes")
    (obj,) = metadata["objects"]
    header, rows = read_csv(exported / "outcomes.csv")
    fields = obj["fields"]
    assert [f["name"] for f in fields] == header
    for f in fields:
        assert CRMA_NAME.match(f["name"]), f["name"]
        assert f["fullyQualifiedName"] == f"{obj['name']}.{f['name']}"
        assert f["type"] in ("Text", "Numeric", "Date")
        if f["type"] == "Numeric":
            assert 0 <= f["scale"] < f["precision"] <= 18
        if f["type"] == "Date":
            assert f["format"] in STRPTIME
    for row in rows:
        for f, value in zip(fields, row, strict=True):
            assert _crma_value_ok(f, value), f"{f['name']}: {value!r} is not {f['type']}"
    # The check can fail: a value with more decimals than the scale, a date in another format.
    seconds = next(f for f in fields if f["name"] == "elapsed_seconds")
    assert not _crma_value_ok(seconds, "1.0000001")
    started = next(f for f in fields if f["name"] == "started_at")
    assert not _crma_value_ok(started, "2026-07-01T14:00:00.5Z")


# --- Tableau Hyper -----------------------------------------------------------------------------


@pytest.mark.parametrize(("table", "fmt"), [("outcomes", "csv"), ("accounts", "parquet")])
def test_a_hyper_extract_reads_back(exported: Path, tmp_path: Path, table: str, fmt: str) -> None:
    hyperapi = pytest.importorskip(
        "tableauhyperapi",
        reason="tableauhyperapi (about 290 MB, Linux x86-64, macOS, Windows) is not installed",
    )
    source = exported / f"{table}.{fmt}"
    expected = pq.read_table(exported / f"{table}.parquet")
    target = tmp_path / f"{table}.hyper"
    assert wh.write_hyper(target, source) == expected.num_rows
    first = wh.columns(table)[0].name
    with (
        hyperapi.HyperProcess(
            telemetry=hyperapi.Telemetry.DO_NOT_SEND_USAGE_DATA_TO_TABLEAU,
            parameters={"log_dir": str(tmp_path)},
        ) as hyper,
        hyperapi.Connection(hyper.endpoint, str(target)) as conn,
    ):
        name = hyperapi.TableName("Extract", table)
        count = conn.execute_scalar_query(f"SELECT COUNT(*) FROM {name}")
        firsts = conn.execute_list_query(f'SELECT "{first}" FROM {name}')
        columns = [str(c.name).strip('"') for c in conn.catalog.get_table_definition(name).columns]
    assert count == expected.num_rows
    assert sorted(r[0] for r in firsts) == sorted(expected.column(first).to_pylist())
    assert columns == [c.name for c in wh.columns(table)]


def test_write_hyper_takes_an_arrow_table_and_refuses_other_columns(
    exported: Path, tmp_path: Path
) -> None:
    pytest.importorskip("tableauhyperapi", reason="installed by the development test command only")
    data = pq.read_table(exported / "outcomes.parquet")
    assert wh.write_hyper(tmp_path / "o.hyper", data) == data.num_rows
    with pytest.raises(ValueError, match="neither the outcomes export's"):
        wh.write_hyper(tmp_path / "x.hyper", pa.table({"a": [1]}))
