"""Cases as Arrow record batches, for jobs too big for one process: Dask and PySpark.

``Ruleset.evaluate_arrow(batch, now)`` and ``Ruleset.monitor_arrow(batch, now, since)`` take a
record batch of cases (the layout of ``CASE_SCHEMA``, documented in ``docs/arrow.md``) and
return a record batch of milestone statuses (``STATUS_SCHEMA``) or of milestone events
(``EVENT_SCHEMA``). Each output row depends on its case alone, so a job that splits the cases
into partitions gets, partition by partition, exactly the rows of one call over all the cases.

This module adapts that one call to the engines:

- PySpark: ``df.mapInArrow(entitlement.arrow.spark_statuses(rules, now),
  entitlement.arrow.STATUS_DDL)`` (``spark_events`` and ``EVENT_DDL`` for events);
- Dask: ``ddf.map_partitions(entitlement.arrow.frame_statuses, rules, now,
  meta=entitlement.arrow.status_meta())`` (``frame_events`` and ``event_meta`` for events);
- anything else: ``record_batches(table_or_frame)`` and the two ``Ruleset`` methods.

Quota and allowance events and account rollups count every case of an account together, so no
per-case split gives them. For those, the cases go to the engine grouped by
``partition_keys(rules)`` (the entitlement's account, else the entitlement itself), and each
group is one ``rules.monitor`` call: ``spark_report`` for Spark's ``groupBy(...).applyInArrow``,
``frame_report`` for Dask after ``shuffle(on=...)``; ``check_partitioned`` refuses a result in
which one account came out of two partitions (``docs/arrow.md``, "Quotas and rollups").

pyarrow is needed (``pip install pyarrow``); pandas for the Dask helpers.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from entitlement._entitlement import Ruleset

if TYPE_CHECKING:
    import pandas

# pyarrow ships no type information: its objects are typed `Any` here.


def _pyarrow() -> Any:
    """pyarrow, imported on first use (the rest of the package does not need it)."""
    import pyarrow  # type: ignore[import-untyped, unused-ignore]

    return pyarrow


_Schema = Any
_RecordBatch = Any
_Table = Any

__all__ = [
    "ACCOUNT_DDL",
    "EVENT_DDL",
    "PARTITION_KEY",
    "STATUS_DDL",
    "case_dicts",
    "case_schema",
    "check_partitioned",
    "event_meta",
    "event_schema",
    "frame_events",
    "frame_report",
    "frame_statuses",
    "partition_keys",
    "record_batches",
    "spark_events",
    "spark_report",
    "spark_statuses",
    "spark_with_partition_key",
    "status_meta",
    "status_schema",
]

#: The statuses' columns as a Spark DDL string, for ``mapInArrow``'s schema.
STATUS_DDL = (
    "case_id string, entitlement string, process string, process_version int, "
    "milestone string, kind string, instance int, state string, calendar string, "
    "started_at timestamp, target interval day to second, target_at timestamp, "
    "completed_at timestamp, elapsed interval day to second, paused interval day to second, "
    "remaining interval day to second, consumed double, crossed array<string>, "
    "next_trigger_at timestamp, breached_at timestamp"
)

#: The events' columns as a Spark DDL string, for ``mapInArrow``'s schema.
EVENT_DDL = (
    "key string, kind string, level string, at timestamp, case_id string, entitlement string, "
    "process string, milestone string, instance int, point string, actions array<string>, "
    "suppressed boolean, suppressed_by string, account_id string, account_name string, "
    "state string, target_at timestamp, remaining interval day to second, consumed double, "
    "quota_name string, quota_period string, quota_period_start date, quota_max_cases int, "
    "quota_fraction double, quota_used int"
)

#: The account rollups' columns (``report.to_arrow("accounts")``) as a Spark DDL string.
ACCOUNT_DDL = (
    "account_id string, name string, arr string, renewal_date string, "
    "entitlements array<string>, cases int, breaches int, near_misses int, at_risk int, "
    "projected_over boolean, over_quota_periods int, chronic_over_consumer boolean"
)

#: The column ``spark_with_partition_key`` adds and the docs group by.
PARTITION_KEY = "partition_key"


def case_schema() -> _Schema:
    """The recommended layout of a batch of cases (``docs/arrow.md``): ``id``, ``entitlement``,
    ``created_at`` (UTC microseconds), ``fields`` as JSON text, and ``events`` as a list of
    ``{at, type, to, from, field, id}`` structs. Other layouts the docs list are read too
    (``fields`` as a struct or a map, any timestamp unit with a zone, large or view strings)."""
    pa = _pyarrow()

    ts = pa.timestamp("us", tz="UTC")
    event = pa.struct(
        [
            ("at", ts),
            ("type", pa.string()),
            ("to", pa.string()),
            ("from", pa.string()),
            ("field", pa.string()),
            ("id", pa.string()),
        ]
    )
    return pa.schema(
        [
            ("id", pa.string()),
            ("entitlement", pa.string()),
            ("created_at", ts),
            ("fields", pa.string()),
            ("events", pa.list_(event)),
        ]
    )


def _schema_of(result: Callable[[Ruleset, Any, datetime], Any]) -> _Schema:
    pa = _pyarrow()

    empty = pa.RecordBatch.from_pylist([], schema=case_schema())
    rules = Ruleset.from_dict({})
    return result(rules, empty, datetime.fromisoformat("2026-01-01T00:00:00+00:00")).schema


def status_schema() -> _Schema:
    """The columns of ``Ruleset.evaluate_arrow``: one row per milestone instance."""
    return _schema_of(lambda rules, batch, now: rules.evaluate_arrow(batch, now))


def event_schema() -> _Schema:
    """The columns of ``Ruleset.monitor_arrow``: one row per milestone event."""
    return _schema_of(lambda rules, batch, now: rules.monitor_arrow(batch, now))


def record_batches(cases: Any) -> Iterator[_RecordBatch]:
    """The record batches of a pyarrow ``Table`` or ``RecordBatch``, or of a pandas
    ``DataFrame`` (converted with ``case_schema()`` for the columns it names)."""
    pa = _pyarrow()

    if isinstance(cases, pa.RecordBatch):
        yield cases
        return
    if isinstance(cases, pa.Table):
        yield from cases.to_batches()
        return
    schema = case_schema()
    wanted = pa.schema([schema.field(name) for name in cases.columns if name in schema.names])
    table = pa.Table.from_pandas(cases, schema=wanted, preserve_index=False)
    yield from table.to_batches() or [pa.RecordBatch.from_pylist([], schema=wanted)]


def _concat(batches: Iterable[_RecordBatch], schema: _Schema) -> _Table:
    pa = _pyarrow()

    return pa.Table.from_batches(list(batches), schema=schema)


def frame_statuses(
    cases: pandas.DataFrame, rules: Ruleset, now: datetime | str
) -> pandas.DataFrame:
    """A pandas partition of cases to a DataFrame of statuses: the function to give Dask's
    ``map_partitions`` (with ``meta=status_meta()``)."""
    out = (rules.evaluate_arrow(b, now) for b in record_batches(cases))
    return _concat(out, status_schema()).to_pandas()


def frame_events(
    cases: pandas.DataFrame,
    rules: Ruleset,
    now: datetime | str,
    since: datetime | str | None = None,
) -> pandas.DataFrame:
    """A pandas partition of cases to a DataFrame of milestone events, for ``map_partitions``
    (with ``meta=event_meta()``)."""
    out = (rules.monitor_arrow(b, now, since) for b in record_batches(cases))
    return _concat(out, event_schema()).to_pandas()


def status_meta() -> pandas.DataFrame:
    """An empty DataFrame with the statuses' columns and dtypes (Dask's ``meta``)."""
    return status_schema().empty_table().to_pandas()


def event_meta() -> pandas.DataFrame:
    """An empty DataFrame with the events' columns and dtypes (Dask's ``meta``)."""
    return event_schema().empty_table().to_pandas()


def spark_statuses(
    rules: Ruleset, now: datetime | str
) -> Callable[[Iterable[_RecordBatch]], Iterator[_RecordBatch]]:
    """The function to give PySpark's ``mapInArrow`` (with ``STATUS_DDL``): each batch of cases
    to a batch of statuses. ``rules`` travels to the executors by pickling."""

    def run(batches: Iterable[_RecordBatch]) -> Iterator[_RecordBatch]:
        for batch in batches:
            yield _for_spark(rules.evaluate_arrow(batch, now))

    return run


def spark_events(
    rules: Ruleset, now: datetime | str, since: datetime | str | None = None
) -> Callable[[Iterable[_RecordBatch]], Iterator[_RecordBatch]]:
    """As ``spark_statuses``, for milestone events (with ``EVENT_DDL``)."""

    def run(batches: Iterable[_RecordBatch]) -> Iterator[_RecordBatch]:
        for batch in batches:
            yield _for_spark(rules.monitor_arrow(batch, now, since))

    return run


def _for_spark(batch: _RecordBatch) -> _RecordBatch:
    """Spark reads unsigned integers as wider types it will not coerce: send int32. JSON text
    (``arrow.json``) goes as its plain string storage."""
    pa = _pyarrow()

    columns = []
    fields = []
    for field, column in zip(batch.schema, batch.columns):
        if isinstance(field.type, pa.BaseExtensionType):
            column = column.storage
            field = field.with_type(field.type.storage_type)
        if pa.types.is_uint32(field.type):
            column = column.cast(pa.int32())
            field = field.with_type(pa.int32())
        columns.append(column)
        fields.append(field)
    return pa.RecordBatch.from_arrays(columns, schema=pa.schema(fields))


# --- Quotas and rollups: every case of an account in one group ---------------------------------


def partition_keys(rules: Ruleset) -> dict[str, str]:
    """The key that keeps quota counts, allowance use and account rollups exact, by entitlement
    id: the entitlement's ``account.id``, else the entitlement id (the account a rollup is made
    for, ``docs/monitor.md``). A case whose entitlement is absent or unknown counts toward no
    quota or rollup, so any group will do: key it by its ``entitlement`` value (null or not).

    Cases grouped by this key give, group by group, exactly the quota and allowance events and
    the rollups of one run over all the cases. Grouped by case id (or by anything that splits an
    account) each group counts only its own cases: quotas and rollups come out wrong, and
    nothing in one group can tell. ``check_partitioned`` finds it afterwards."""
    keys = {}
    for entitlement in rules.to_dict().get("entitlements", []):
        account = entitlement.get("account") or {}
        key = account.get("id") if isinstance(account, dict) else None
        keys[entitlement["id"]] = str(key) if key is not None else entitlement["id"]
    return keys


_CASE_COLUMNS = (
    "id",
    "entitlement",
    "process",
    "process_version",
    "created_at",
    "fields",
    "events",
)


def case_dicts(cases: Any) -> list[dict[str, Any]]:
    """The rows of a batch of cases (a pyarrow ``Table`` or ``RecordBatch`` in the layout of
    ``docs/arrow.md``, or a pandas ``DataFrame``) as case dicts for ``rules.monitor``: ``fields``
    read from JSON text, null struct fields of an event left out. Columns that are not case
    columns (a partition key) are ignored."""
    out: list[dict[str, Any]] = []
    for batch in record_batches(cases):
        names = [n for n in _CASE_COLUMNS if n in batch.schema.names]
        for row in batch.select(names).to_pylist():
            case: dict[str, Any] = {}
            for name, value in row.items():
                if value is None and name != "id":
                    continue
                if name == "fields":
                    if isinstance(value, str):
                        value = json.loads(value)
                    elif isinstance(value, list):  # map<string, scalar>
                        value = dict(value)
                    if isinstance(value, dict):
                        value = {k: v for k, v in value.items() if v is not None}
                elif name == "events":
                    value = [
                        {k: v for k, v in e.items() if v is not None} if e is not None else e
                        for e in value
                    ]
                case[name] = value
            if "process_version" in case:
                case["process"] = {"id": case.get("process"), "version": case["process_version"]}
                del case["process_version"]
            out.append(case)
    return out


def frame_report(
    cases: pandas.DataFrame,
    rules: Ruleset,
    now: datetime | str,
    since: datetime | str | None = None,
    table: str = "events",
) -> pandas.DataFrame:
    """One ``rules.monitor`` run over a pandas partition, as the ``table`` of its report
    (``"events"``, ``"alerts"``, ``"statuses"`` or ``"accounts"``, as ``report.to_pandas``):
    the function for Dask's ``map_partitions`` once the cases are shuffled by
    ``partition_keys(rules)`` (``ddf.shuffle(on=...)``), so that every account lies in one
    partition."""
    report = rules.monitor(case_dicts(cases), now, since)
    return report.to_pandas(table)  # type: ignore[arg-type]


def spark_report(
    rules: Ruleset,
    now: datetime | str,
    since: datetime | str | None = None,
    table: str = "events",
) -> Callable[[_Table], _Table]:
    """The function for PySpark's grouped ``applyInArrow`` (Spark 4.0 or later): one
    ``rules.monitor`` run per group, as the ``table`` of its report (``EVENT_DDL`` for
    ``"events"``, quota and allowance events included; ``ACCOUNT_DDL`` for ``"accounts"``;
    ``STATUS_DDL`` for ``"statuses"``). Group by the key of ``spark_with_partition_key``::

        keyed = ea.spark_with_partition_key(cases, rules)
        events = keyed.groupBy(ea.PARTITION_KEY).applyInArrow(
            ea.spark_report(rules, now, since), ea.EVENT_DDL)

    Spark hands each group to one call whole, so every count is exact."""

    def run(cases: _Table) -> _Table:
        pa = _pyarrow()

        report = rules.monitor(case_dicts(cases), now, since)
        result = _for_spark(report.to_arrow(table))  # type: ignore[arg-type]
        return pa.Table.from_batches([result])

    return run


def spark_with_partition_key(cases: Any, rules: Ruleset, column: str = PARTITION_KEY) -> Any:
    """A Spark DataFrame of cases with the column ``column`` added: ``partition_keys(rules)``
    of its ``entitlement``, the entitlement itself when it has no key."""
    from pyspark.sql import functions as F  # type: ignore[import-not-found, unused-ignore]

    keys = partition_keys(rules)
    if not keys:
        return cases.withColumn(column, F.col("entitlement"))
    mapping = F.create_map(*[F.lit(x) for pair in keys.items() for x in pair])
    return cases.withColumn(column, F.coalesce(mapping[F.col("entitlement")], F.col("entitlement")))


def check_partitioned(accounts: Any) -> None:
    """Raise ``ValueError`` if an account appears twice among the account rollups of several
    groups put together (a pyarrow table or batch, a pandas DataFrame, or ``to_dict()``
    rows): the cases were split inside an account, so its quotas and rollups were counted in
    parts. Grouped by ``partition_keys``, each account comes out of one group only."""
    if isinstance(accounts, list):
        ids = [a["account_id"] for a in accounts]
    elif hasattr(accounts, "column"):
        ids = accounts.column("account_id").to_pylist()
    else:
        ids = list(accounts["account_id"])
    seen: set[str] = set()
    for account in ids:
        if account in seen:
            raise ValueError(
                f"account {account!r} came out of more than one partition: its quota counts "
                "and rollups were made from part of its cases each; group the cases by "
                "entitlement.arrow.partition_keys(rules)"
            )
        seen.add(account)


def _is_json(field: Any) -> bool:
    """Whether a column holds JSON text (Arrow's ``arrow.json`` extension type)."""
    name = getattr(field.type, "extension_name", None)
    if name is None and field.metadata:
        raw = field.metadata.get(b"ARROW:extension:name")
        name = raw.decode() if raw is not None else None
    return name == "arrow.json"


def _passed_through(text: str | None) -> Any:
    """A value passed through from the account context, for a flat column: a scalar as itself,
    a list or a dict as its JSON text."""
    if text is None:
        return None
    value = json.loads(text)
    return text if isinstance(value, (list, dict)) else value


def _to_pandas(batch: _RecordBatch) -> pandas.DataFrame:
    """A result table (``MonitorReport.to_pandas``) as a DataFrame with the dtypes it has always
    had: integers ``int64`` (``Int64`` where the column may be null), instants
    ``datetime64[us, UTC]``, durations ``timedelta64[us]``; lists, dates and values passed
    through from the account context as Python objects; an empty column of objects or text
    ``object``."""
    import pandas as pd

    pa = _pyarrow()

    data: dict[str, Any] = {}
    empty = batch.num_rows == 0
    for field, column in zip(batch.schema, batch.columns):
        kind = field.type
        if _is_json(field):
            values: Any = [_passed_through(v) for v in column.to_pylist()]
        elif pa.types.is_list(kind) or pa.types.is_date(kind):
            values = column.to_pylist()
        elif pa.types.is_integer(kind):
            wide = column.cast(pa.int64())
            if field.nullable:
                values = wide.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
            else:
                values = wide.to_pandas()
        elif pa.types.is_string(kind) and empty:
            values = []
        else:
            values = column.to_pandas()
        if empty and isinstance(values, list):
            values = pd.array(values, dtype="object")
        data[field.name] = values
    return pd.DataFrame(data, columns=batch.schema.names)
