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
    "EVENT_DDL",
    "STATUS_DDL",
    "case_schema",
    "event_meta",
    "event_schema",
    "frame_events",
    "frame_statuses",
    "record_batches",
    "spark_events",
    "spark_statuses",
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
