"""A run split into partitions equals one run over all the cases, quotas and rollups included,
when the cases are grouped by ``entitlement.arrow.partition_keys`` (the entitlement's account):
the law behind the Dask and Spark paths of ``docs/arrow.md``. Split inside an account (by case
id), quota counts and rollups come out wrong, and ``check_partitioned`` says so."""

from __future__ import annotations

import copy
import json
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import entitlement.arrow as ea
from entitlement import Ruleset

REPO = Path(__file__).resolve().parents[2]
SAMPLE = json.loads((REPO / "examples" / "data" / "cases.json").read_text())
RULES = Ruleset.load(REPO / "examples" / "data" / "rules.yaml")
NOW = datetime.fromisoformat(SAMPLE["now"].replace("Z", "+00:00"))
# Forty days back: the window holds quota and allowance crossings, not only milestone events.
SINCE = NOW - timedelta(days=40)
CASES: list[dict[str, Any]] = SAMPLE["cases"]


def shared_account_rules() -> Ruleset:
    """The example rules with Wayne's entitlement moved to Stark's account: two entitlements,
    one account, so grouping by entitlement is not enough for the rollups."""
    document = copy.deepcopy(RULES.to_dict())
    for entitlement in document["entitlements"]:
        if entitlement["id"] == "wayne-silver":
            entitlement["account"] = {"id": "A-7", "name": "Stark Industries"}
    return Ruleset.from_dict(document)


SHARED = shared_account_rules()


def key_of(rules: Ruleset, case: dict[str, Any]) -> str | None:
    entitlement = case.get("entitlement")
    return ea.partition_keys(rules).get(entitlement, entitlement) if entitlement else None


def by_key(rows: list[dict[str, Any]], *keys: str) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda r: tuple(str(r[k]) for k in keys))


def combined(reports: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The partitions' reports put together: every table concatenated and sorted by its key
    (the ranking of `statuses` is a sort, so equal sets give equal rankings)."""
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for report in reports:
        for table in ("events", "alerts", "statuses", "at_risk", "breached", "accounts"):
            out[table].extend(report[table])
        out["cases"].extend(report["cases"])
        out["errors"].extend(report["errors"])
    status_key = ("case_id", "milestone", "instance")
    return {
        "events": by_key(out["events"], "at", "key"),
        "alerts": by_key(out["alerts"], "at", "key"),
        "statuses": by_key(out["statuses"], *status_key),
        "at_risk": by_key(out["at_risk"], *status_key),
        "breached": by_key(out["breached"], *status_key),
        "accounts": by_key(out["accounts"], "account_id"),
        "cases": by_key(out["cases"], "case_id"),
        "errors": by_key(out["errors"], "case_id"),
    }


def single_run(rules: Ruleset) -> dict[str, list[dict[str, Any]]]:
    return combined([rules.monitor(CASES, NOW, SINCE).to_dict()])  # type: ignore[list-item]


SINGLE = {id(RULES): single_run(RULES), id(SHARED): single_run(SHARED)}


def test_the_fixture_has_quota_and_allowance_events_and_several_accounts() -> None:
    single = SINGLE[id(RULES)]
    kinds = {e["kind"] for e in single["events"]}
    assert {"quota", "allowance", "trigger", "breach"} <= kinds
    assert len(single["accounts"]) >= 8
    assert len(SINGLE[id(SHARED)]["accounts"]) == len(single["accounts"]) - 1


def test_partition_keys_are_the_accounts() -> None:
    keys = ea.partition_keys(RULES)
    assert keys["acme-gold"] == "A-1"
    assert keys["northbank-regulated"] == "A-5"
    shared = ea.partition_keys(SHARED)
    assert shared["wayne-silver"] == shared["stark-silver"] == "A-7"
    assert ea.partition_keys(Ruleset.from_dict({})) == {}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rules=st.sampled_from([RULES, SHARED]),
    k=st.integers(min_value=1, max_value=8),
    seed=st.randoms(use_true_random=False),
)
def test_a_run_partitioned_by_account_equals_the_single_run(
    rules: Ruleset, k: int, seed: Any
) -> None:
    """Any assignment of whole accounts to k partitions; cases in any order inside each."""
    keys = sorted({str(key_of(rules, c)) for c in CASES})
    where = {key: seed.randrange(k) for key in keys}
    parts: list[list[dict[str, Any]]] = [[] for _ in range(k)]
    for case in CASES:
        parts[where[str(key_of(rules, case))]].append(case)
    for part in parts:
        seed.shuffle(part)
    reports = [rules.monitor(part, NOW, SINCE).to_dict() for part in parts]
    together = combined(reports)  # type: ignore[arg-type]
    ea.check_partitioned(together["accounts"])
    assert together == SINGLE[id(rules)]


def test_a_run_split_inside_an_account_miscounts_and_is_detected() -> None:
    """By case id, each half counts half of Acme's cases: quota use and rollups differ from the
    single run, silently per partition; `check_partitioned` finds the account twice."""
    halves = [CASES[0::2], CASES[1::2]]
    reports = [RULES.monitor(h, NOW, SINCE).to_dict() for h in halves]
    together = combined(reports)  # type: ignore[arg-type]
    single = SINGLE[id(RULES)]
    assert together["statuses"] == single["statuses"]  # per-case results do not care
    assert together["accounts"] != single["accounts"]
    quota_events = [e for e in together["events"] if e["kind"] in ("quota", "allowance")]
    assert quota_events != [e for e in single["events"] if e["kind"] in ("quota", "allowance")]
    with pytest.raises(ValueError, match="came out of more than one partition"):
        ea.check_partitioned(together["accounts"])


def test_grouping_by_entitlement_splits_a_shared_account() -> None:
    """Wayne's and Stark's entitlements share account A-7 in SHARED: by entitlement, A-7's
    rollup comes out twice; by `partition_keys`, once."""
    wayne = [c for c in CASES if c.get("entitlement") == "wayne-silver"]
    rest = [c for c in CASES if c.get("entitlement") != "wayne-silver"]
    accounts = [SHARED.monitor(p, NOW, SINCE).to_arrow("accounts") for p in (wayne, rest)]
    with pytest.raises(ValueError, match="'A-7'"):
        ea.check_partitioned(pa.Table.from_batches(accounts))
    ea.check_partitioned(SHARED.monitor(CASES, NOW, SINCE).to_arrow("accounts"))


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)


def cases_table() -> pa.Table:
    rows = [
        {
            "id": c["id"],
            "entitlement": c.get("entitlement"),
            "created_at": instant(c["created_at"]),
            "fields": json.dumps(c.get("fields", {})),
            "events": [{**e, "at": instant(e["at"])} for e in c.get("events", [])],
        }
        for c in CASES
    ]
    return pa.Table.from_pylist(rows, schema=ea.case_schema())


def test_case_dicts_read_back_the_arrow_layout() -> None:
    """Arrow rows back to case dicts: the same report as the JSON cases."""
    table = cases_table()
    keyed = table.append_column(
        ea.PARTITION_KEY, pa.array([key_of(RULES, c) for c in CASES], pa.string())
    )
    cases = ea.case_dicts(keyed)
    assert [c["id"] for c in cases] == [c["id"] for c in CASES]
    assert combined([RULES.monitor(cases, NOW, SINCE).to_dict()]) == SINGLE[id(RULES)]  # type: ignore[list-item]


def test_dask_shuffled_by_account_equals_the_single_run() -> None:
    dd = pytest.importorskip("dask.dataframe")
    dask = pytest.importorskip("dask")
    table = cases_table()
    keys = [key_of(RULES, c) or "" for c in CASES]
    frame = table.append_column(ea.PARTITION_KEY, pa.array(keys, pa.string())).to_pandas(
        types_mapper=pd.ArrowDtype
    )
    single = RULES.monitor(CASES, NOW, SINCE)
    with dask.config.set(scheduler="threads"):
        cases = dd.from_pandas(frame, npartitions=5).shuffle(on=ea.PARTITION_KEY, npartitions=3)
        parts = {
            table: cases.map_partitions(
                ea.frame_report,
                RULES,
                NOW,
                SINCE,
                table,
                meta=single.to_pandas(table).iloc[:0],
            ).compute()
            for table in ("events", "accounts")
        }
    ea.check_partitioned(parts["accounts"])
    for table, sort in (("events", ["at", "key"]), ("accounts", ["account_id"])):
        expected = single.to_pandas(table).sort_values(sort).reset_index(drop=True)  # type: ignore[arg-type]
        got = parts[table].sort_values(sort).reset_index(drop=True)
        pd.testing.assert_frame_equal(got, expected)
    assert (parts["events"]["kind"] == "quota").sum() > 0
