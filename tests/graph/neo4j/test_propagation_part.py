"""The Neo4j propagation part against recorded driver records: the frames it builds for derive (dtypes, day
numbers, open dates), the difference commit_derived writes, the steps of server-side propagation, and the
orchestration choosing the server-side path when a store offers it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import neo4j
import numpy as np
import pandas as pd
import pytest

from graph import propagation
from graph.days import OPEN_END, OPEN_START, to_day
from graph.frames import (
    DERIVED_MEASURE_COLUMNS,
    RECORD_COLUMNS,
    DerivedFrames,
    PropagationInputs,
    empty_frame,
)
from graph.propagation import derive
from graph.store.neo4j.schema import PARTS, PROPAGATION, SCHEMA_FILES, lint_schema
from graph.store.port import PropagatesInStore
from graph.store.sqlite import SQLiteStore
from tests.graph.neo4j.replay import ReplayStore, Step

STATUSES = ["effective", "expired", "repaired", "under_verification"]


def date_value(text: str) -> neo4j.time.Date:
    day = dt.date.fromisoformat(text)
    return neo4j.time.Date(day.year, day.month, day.day)


def day(text: str) -> int:
    return to_day(dt.date.fromisoformat(text), open_as=0)


def entry_row(pk: int, firm: int, **fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "entry_pk": pk,
        "enterprise_pk": firm,
        "list_type": "T",
        "act_date": date_value("2022-01-10"),
        "valid_from": date_value("2022-03-01"),
        "valid_to": date_value("2025-02-28"),
        "ended_on": None,
    }
    row.update(fields)
    return row


def role_row(
    pk: int, person: int, firm: int, role: str, start: str | None, end: str | None
) -> dict[str, Any]:
    return {
        "role_pk": pk,
        "person_pk": person,
        "enterprise_pk": firm,
        "role": role,
        "start_date": None if start is None else date_value(start),
        "end_date": None if end is None else date_value(end),
    }


def input_steps(
    scope: list[int] | None,
    entries: list[dict[str, Any]],
    roles: list[dict[str, Any]],
    policies: list[dict[str, Any]] = (),  # type: ignore[assignment]
    measures: list[dict[str, Any]] = (),  # type: ignore[assignment]
) -> list[Step]:
    return [
        Step("propagation_entries", params={"scope": scope, "statuses": STATUSES}, records=entries),
        Step("propagation_roles", params={"scope": scope, "statuses": STATUSES}, records=roles),
        Step("propagation_policies", params={}, records=policies),
        Step("propagation_measures", params={}, records=measures),
    ]


# --- read_propagation_inputs ----------------------------------------------------------------------------------


def test_inputs_are_frames_of_day_numbers_with_open_ends_as_sentinels() -> None:
    store = ReplayStore(
        [
            Step("propagation_seq", params={}, records=[{"seq": 17}]),
            *input_steps(
                [3, 5],
                entries=[
                    entry_row(3, 10),
                    # Unknown act date and open validity; ended early by a repair on 2024-05-01.
                    entry_row(5, 11, act_date=None, valid_to=None, ended_on=date_value("2024-05-01")),
                ],
                roles=[
                    role_row(1, 21, 10, "legal_representative", None, "2022-01-10"),
                    role_row(2, 22, 10, "principal", "2022-07-01", None),
                ],
                policies=[
                    {"list_type": "T", "role": "legal_representative", "role_time": "act"},
                    {"list_type": "T", "role": "principal", "role_time": "act"},
                ],
                measures=[{"measure_pk": 7, "list_type": "T", "target": "legal_representative"}],
            ),
        ]
    )
    inputs = store.read_propagation_inputs([5, 3, 5])
    store.expect_done()
    assert (
        store.calls[0].name == "propagation_seq"
    )  # first: what is read after it includes every change to it
    assert not any(call.write for call in store.calls)
    assert inputs.seq == 17

    entries = inputs.entries
    assert list(entries["entry_pk"]) == [3, 5]
    for name in ("entry_pk", "enterprise_pk", "act_day", "from_day", "to_day"):
        assert entries[name].dtype == np.int64, name
    assert entries["list_type"].dtype == object
    assert list(entries["act_day"]) == [day("2022-01-10"), OPEN_START]
    assert list(entries["from_day"]) == [day("2022-03-01"), day("2022-03-01")]
    # to_day: valid_to, or the day before ended_on when the entry ended early; open = OPEN_END.
    assert list(entries["to_day"]) == [day("2025-02-28"), day("2024-04-30")]

    roles = inputs.roles
    for name in ("role_pk", "person_pk", "enterprise_pk", "start_day", "end_day"):
        assert roles[name].dtype == np.int64, name
    assert list(roles["start_day"]) == [OPEN_START, day("2022-07-01")]
    assert list(roles["end_day"]) == [day("2022-01-10"), OPEN_END]
    assert list(inputs.policies.columns) == ["list_type", "role", "role_time"]
    assert len(inputs.policies) == 2
    assert inputs.measures.to_dict("records") == [
        {"measure_pk": 7, "list_type": "T", "target": "legal_representative"}
    ]

    # The frames are what derive expects: the act holder (end inclusive) is reached for the whole validity.
    derived = derive(inputs)
    assert derived.records[["entry_pk", "person_pk", "holder_basis", "from_day", "to_day"]].to_dict(
        "records"
    ) == [
        {
            "entry_pk": 3,
            "person_pk": 21,
            "holder_basis": "act_date",
            "from_day": day("2022-03-01"),
            "to_day": day("2025-02-28"),
        }
    ]


def test_inputs_of_an_empty_store_are_empty_typed_frames() -> None:
    store = ReplayStore([Step("propagation_seq", records=[{"seq": 0}]), *input_steps(None, [], [])])
    inputs = store.read_propagation_inputs(None)
    store.expect_done()
    for frame in (inputs.entries, inputs.roles, inputs.policies, inputs.measures):
        assert frame.empty
    assert inputs.entries["to_day"].dtype == np.int64
    assert inputs.roles["start_day"].dtype == np.int64
    assert derive(inputs).records.empty


def test_pending_entries_come_from_the_change_queue() -> None:
    store = ReplayStore([Step("propagation_pending", params={}, records=[{"entry_pk": 2}, {"entry_pk": 9}])])
    assert store.pending_entry_pks() == [2, 9]
    store.expect_done()


# --- commit_derived ----------------------------------------------------------------------------------------------


def records_frame(rows: list[tuple[int, int, int, int, str, str, int, int]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=RECORD_COLUMNS)
    for name in ("entry_pk", "role_pk", "person_pk", "enterprise_pk", "from_day", "to_day"):
        frame[name] = frame[name].astype(np.int64)
    return frame


def measures_frame(rows: list[tuple[int, int, int, int]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=DERIVED_MEASURE_COLUMNS).astype(np.int64)


def current(
    entry_pk: int, role_pk: int, person_pk: int, basis: str, start: str | None, end: str | None
) -> dict[str, Any]:
    return {
        "entry_pk": entry_pk,
        "role_pk": role_pk,
        "person_pk": person_pk,
        "enterprise_pk": 10,
        "role": "legal_representative",
        "holder_basis": basis,
        "valid_from": None if start is None else date_value(start),
        "valid_to": None if end is None else date_value(end),
    }


def no_rederive(inputs: PropagationInputs) -> DerivedFrames:
    raise AssertionError("nothing changed meanwhile: nothing to re-derive")


def test_commit_writes_only_the_difference() -> None:
    new = records_frame(
        [
            (1, 1, 21, 10, "legal_representative", "act_date", day("2022-03-01"), day("2025-02-28")),  # same
            (1, 2, 22, 10, "legal_representative", "current", day("2022-07-01"), OPEN_END),  # end opened
            (1, 4, 24, 10, "legal_representative", "current", OPEN_START, day("2023-01-01")),  # new
        ]
    )
    derived = DerivedFrames(new, measures_frame([(1, 1, 21, 7), (1, 2, 22, 7), (1, 4, 24, 7)]))

    def check_record_run(params: Mapping[str, Any]) -> None:
        assert params["started_at"] <= params["finished_at"]
        assert {k: v for k, v in params.items() if k not in ("started_at", "finished_at")} == {
            "pk": 4,
            "mode": "full",
            "entries": 1,
            "records": 3,
            "measures": 3,
            "added": 1,
            "removed": 1,
            "changed": 1,
            "read_seq": 5,
        }

    store = ReplayStore(
        [
            Step("propagation_lock", check=lambda p: None),
            Step("propagation_seq", records=[{"seq": 5}]),
            Step("propagation_late", params={"read_seq": 5, "scope": None}, records=[]),
            Step(
                "propagation_current",
                params={"scope": None},
                records=[
                    current(1, 1, 21, "act_date", "2022-03-01", "2025-02-28"),
                    current(1, 2, 22, "current", "2022-07-01", "2024-12-31"),
                    current(1, 3, 23, "current", "2022-03-01", "2022-06-30"),  # gone
                ],
            ),
            Step("propagation_delete", params={"rows": [{"entry_pk": 1, "role_pk": 3}]}),
            Step(
                "propagation_update",
                params={
                    "rows": [
                        {
                            "entry_pk": 1,
                            "role_pk": 2,
                            "person_pk": 22,
                            "enterprise_pk": 10,
                            "role": "legal_representative",
                            "holder_basis": "current",
                            "valid_from": dt.date(2022, 7, 1),
                            "valid_to": None,
                        }
                    ]
                },
            ),
            Step(
                "propagation_insert",
                params={
                    "rows": [
                        {
                            "entry_pk": 1,
                            "role_pk": 4,
                            "person_pk": 24,
                            "enterprise_pk": 10,
                            "role": "legal_representative",
                            "holder_basis": "current",
                            "valid_from": None,
                            "valid_to": dt.date(2023, 1, 1),
                        }
                    ]
                },
            ),
            Step("propagation_consume", params={"seq": 5, "scope": None}),
            Step("base_next_pks", params={"name": "propagation_run", "count": 1}, records=[{"first": 4}]),
            Step("propagation_record_run", check=check_record_run),
        ]
    )
    summary = store.commit_derived(derived, scope=None, read_seq=5, rederive=no_rederive)
    store.expect_done()
    assert all(call.write for call in store.calls)  # one write transaction
    assert store.doing == ["写入传导结果"]
    assert (summary.mode, summary.entries, summary.records, summary.measures) == ("full", 1, 3, 3)
    assert (summary.added, summary.removed, summary.changed, summary.run_id) == (1, 1, 1, 4)


def check_scoped_run(params: Mapping[str, Any]) -> None:
    assert (params["mode"], params["entries"], params["records"], params["read_seq"]) == (
        "incremental",
        2,
        1,
        9,
    )


def test_unchanged_records_write_nothing_and_a_scoped_run_consumes_its_entries_only() -> None:
    new = records_frame([(2, 1, 21, 10, "legal_representative", "act_date", day("2022-03-01"), OPEN_END)])
    store = ReplayStore(
        [
            Step("propagation_lock", check=lambda p: None),
            Step("propagation_seq", records=[{"seq": 9}]),
            Step("propagation_late", params={"read_seq": 9, "scope": [2, 8]}, records=[]),
            Step(
                "propagation_current",
                params={"scope": [2, 8]},
                records=[current(2, 1, 21, "act_date", "2022-03-01", None)],
            ),
            Step("propagation_consume", params={"seq": 9, "scope": [2, 8]}),
            Step("base_next_pks", records=[{"first": 1}]),
            Step("propagation_record_run", check=check_scoped_run),
        ]
    )
    summary = store.commit_derived(
        DerivedFrames(new, measures_frame([])), scope=[8, 2, 8], read_seq=9, rederive=no_rederive
    )
    store.expect_done()
    assert (summary.mode, summary.entries, summary.records, summary.measures) == ("incremental", 2, 1, 0)
    assert (summary.added, summary.removed, summary.changed) == (0, 0, 0)


def test_entries_changed_meanwhile_are_rederived_inside_the_transaction() -> None:
    stale = records_frame(
        [
            (1, 1, 21, 10, "legal_representative", "act_date", day("2022-03-01"), OPEN_END),
            (
                2,
                5,
                25,
                11,
                "legal_representative",
                "act_date",
                day("2022-03-01"),
                OPEN_END,
            ),  # entry 2 revoked
        ]
    )
    derived = DerivedFrames(stale, measures_frame([(1, 1, 21, 7), (2, 5, 25, 7)]))
    seen: list[list[int]] = []

    def rederive(inputs: PropagationInputs) -> DerivedFrames:
        seen.append(list(inputs.entries["entry_pk"]))
        return DerivedFrames(empty_frame(RECORD_COLUMNS), empty_frame(DERIVED_MEASURE_COLUMNS))

    store = ReplayStore(
        [
            Step("propagation_lock", check=lambda p: None),
            Step("propagation_seq", records=[{"seq": 12}]),
            Step("propagation_late", params={"read_seq": 10, "scope": None}, records=[{"entry_pk": 2}]),
            # Inputs of the late entry, read in the same transaction: it no longer propagates.
            *input_steps([2], entries=[], roles=[]),
            Step("propagation_current", records=[current(1, 1, 21, "act_date", "2022-03-01", None)]),
            Step("propagation_consume", params={"seq": 12, "scope": None}),
            Step("base_next_pks", records=[{"first": 2}]),
            Step("propagation_record_run", check=lambda p: None),
        ]
    )
    summary = store.commit_derived(derived, scope=None, read_seq=10, rederive=rederive)
    store.expect_done()
    assert seen == [[]]
    assert (summary.records, summary.measures, summary.entries) == (1, 1, 1)
    assert (summary.added, summary.removed, summary.changed) == (0, 0, 0)


# --- server-side propagation ----------------------------------------------------------------------------------


def stage_check(scope: list[int] | None) -> Any:
    def check(params: Mapping[str, Any]) -> None:
        assert params["scope"] == scope
        assert params["statuses"] == STATUSES
        assert params["default_roles"] == ["directly_responsible", "legal_representative", "principal"]
        assert params["default_role_time"] == "both"
        assert (params["open_start"], params["open_end"]) == (OPEN_START, OPEN_END)
        assert (params["run"], params["batch"]) == (31, 500)
        assert str(params["staged_at"]).endswith("Z")

    return check


def check_stale(params: Mapping[str, Any]) -> None:
    assert params["batch"] == 500
    # Staging older than STALE_STAGING belongs to a dead run; a younger one may be a run still going.
    now = dt.datetime.now(dt.UTC)
    stale_before = dt.datetime.strptime(params["stale_before"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    assert dt.timedelta(hours=5) < now - stale_before <= dt.timedelta(hours=6, seconds=5)


def in_store_steps(
    scope: list[int] | None,
    *,
    late: list[int],
    counts: dict[str, int],
    totals: dict[str, int | None],
    record_run: Any,
) -> list[Step]:
    return [
        Step("propagation_staging_drop_stale", check=check_stale),
        Step("base_next_pks", params={"name": "propagation_run", "count": 1}, records=[{"first": 31}]),
        Step("propagation_seq", records=[{"seq": 40}]),
        Step("propagation_stage", check=stage_check(scope)),
        Step("propagation_lock", check=lambda p: None),
        Step(
            "propagation_late",
            params={"read_seq": 40, "scope": scope},
            records=[{"entry_pk": pk} for pk in late],
        ),
        Step(
            "propagation_swap_remove",
            params={"run": 31, "scope": scope, "late": late},
            records=[{"removed": counts["removed"]}],
        ),
        Step(
            "propagation_swap_change",
            params={"run": 31, "late": late},
            records=[{"changed": counts["changed"]}],
        ),
        Step("propagation_swap_add", params={"run": 31, "late": late}, records=[{"added": counts["added"]}]),
        Step("propagation_swap_count", params={"scope": scope}, records=[totals]),
        # Up to read_seq only: the late entries' changes stay queued for the next run.
        Step("propagation_consume", params={"seq": 40, "scope": scope}),
        Step("propagation_record_run", check=record_run),
        Step("propagation_staging_drop_run", params={"run": 31, "batch": 500}),
    ]


def test_full_run_in_the_store_stages_in_batches_then_swaps_in_one_transaction() -> None:
    recorded: list[Mapping[str, Any]] = []
    store = ReplayStore(
        in_store_steps(
            None,
            late=[6],
            counts={"removed": 2, "changed": 1, "added": 3},
            totals={"records": 12, "entries": 4, "measures": 9},
            record_run=recorded.append,
        ),
        batch_size=500,
    )
    summary = store.propagate_in_store(None)
    store.expect_done()
    names = [call.name for call in store.calls]
    assert names.index("propagation_seq") < names.index("propagation_stage")  # read_seq before computing
    assert store.doing == [
        "清理过期的传导暂存",
        "分配传导运行编号",
        "读取变更序号",
        "在 Neo4j 中计算派生记录",
        "写入传导结果",
        "清理传导暂存",
    ]
    (run,) = recorded
    assert {k: v for k, v in run.items() if k not in ("started_at", "finished_at")} == {
        "pk": 31,
        "mode": "full",
        "entries": 4,
        "records": 12,
        "measures": 9,
        "added": 3,
        "removed": 2,
        "changed": 1,
        "read_seq": 40,
    }
    assert (summary.mode, summary.entries, summary.records, summary.measures) == ("full", 4, 12, 9)
    assert (summary.added, summary.removed, summary.changed, summary.run_id) == (3, 2, 1, 31)


def test_scoped_run_in_the_store_counts_its_scope_and_an_empty_sum_as_zero() -> None:
    store = ReplayStore(
        in_store_steps(
            [3, 4],
            late=[],
            counts={"removed": 0, "changed": 0, "added": 0},
            totals={"records": 0, "entries": 0, "measures": None},
            record_run=lambda p: None,
        ),
        batch_size=500,
    )
    summary = store.propagate_in_store([4, 3, 4])
    store.expect_done()
    assert (summary.mode, summary.entries, summary.records, summary.measures) == ("incremental", 2, 0, 0)


def test_a_failed_swap_leaves_the_records_and_drops_the_staging() -> None:
    def fail(params: Mapping[str, Any]) -> None:
        raise RuntimeError("server went away")

    steps = in_store_steps(
        None, late=[], counts={"removed": 0, "changed": 0, "added": 0}, totals={}, record_run=lambda p: None
    )
    names = [step.name for step in steps]
    failing = names.index("propagation_swap_remove")
    steps[failing] = Step("propagation_swap_remove", check=fail)
    store = ReplayStore([*steps[: failing + 1], steps[-1]], batch_size=500)
    with pytest.raises(RuntimeError, match="went away"):
        store.propagate_in_store(None)
    store.expect_done()
    assert store.calls[-1].name == "propagation_staging_drop_run"


def test_run_full_computes_in_the_store_when_the_store_can() -> None:
    store = ReplayStore(
        in_store_steps(
            None,
            late=[],
            counts={"removed": 0, "changed": 0, "added": 1},
            totals={"records": 1, "entries": 1, "measures": 1},
            record_run=lambda p: None,
        ),
        batch_size=500,
    )
    assert isinstance(store, PropagatesInStore)
    summary = propagation.run_full(store)
    store.expect_done()
    assert "propagation_entries" not in [call.name for call in store.calls]  # nothing pulled into Python
    assert (summary.mode, summary.added, summary.records, summary.run_id) == ("full", 1, 1, 31)
    assert summary.seconds >= 0


def test_run_entries_computes_in_the_store_for_its_scope() -> None:
    store = ReplayStore(
        in_store_steps(
            [7],
            late=[],
            counts={"removed": 1, "changed": 0, "added": 0},
            totals={"records": 0, "entries": 0, "measures": 0},
            record_run=lambda p: None,
        ),
        batch_size=500,
    )
    summary = propagation.run_entries(store, [7, 7])
    store.expect_done()
    assert (summary.mode, summary.entries, summary.removed) == ("incremental", 1, 1)


def test_the_embedded_store_keeps_the_pandas_path(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "p.db")
    try:
        assert not isinstance(store, PropagatesInStore)
    finally:
        store.close()


def test_staging_is_in_the_schema_registry() -> None:
    assert PROPAGATION in PARTS
    assert "schema_propagation" in SCHEMA_FILES
    assert "DerivedStaging" in lint_schema()["labels"]
