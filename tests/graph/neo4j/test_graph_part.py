"""The graph part of the Neo4j store against recorded driver records: which queries it sends, in which order,
with which parameters, and what it builds from what the server answered (``neo4j.time.Date``, nulls)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

import pandas as pd
import pytest
from neo4j.time import Date

from graph.errors import NotFound, StoreError
from graph.ids import SubjectType
from graph.model import EntryStatus, HolderBasis, ListKind, Role, Target
from graph.store.neo4j.base import Transaction
from graph.store.neo4j.graph_part import NEO4J_SCHEMA_VERSION
from graph.store.port import BATCH_COLUMNS, FileKind, LoadBatch, WriteCounts
from tests.graph.neo4j.replay import ReplayStore, Step

D = dt.date


def _frame(kind: FileKind, rows: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(BATCH_COLUMNS[kind])).astype(object)


def _entry(pk: int = 7, **changes: Any) -> dict[str, Any]:
    """An entry as the Cypher projects it: ``le {.*, subject_code, subject_name}``, open dates absent."""
    entry = {
        "pk": pk,
        "entry_id": f"B-{pk}",
        "subject_pk": 3,
        "subject_type": "enterprise",
        "subject_code": "91110000600037341L",
        "subject_name": "甲建设有限公司",
        "kind": "black",
        "list_type": "tax",
        "department": "税务局",
        "basis": "处罚决定",
        "act_date": Date(2023, 12, 1),
        "decided_on": Date(2023, 12, 20),
        "valid_from": Date(2024, 1, 1),
        "status": "effective",
    }
    entry.update(changes)
    return entry


def _role(pk: int = 11, **changes: Any) -> dict[str, Any]:
    role = {
        "pk": pk,
        "role": "legal_representative",
        "start": None,
        "end": Date(2024, 6, 30),
        "ratio": None,
        "holder_type": "person",
        "holder_code": "110101199003077777",
        "holder_name": "张三",
        "enterprise_uscc": "91110000600037341L",
        "enterprise_name": "甲建设有限公司",
    }
    role.update(changes)
    return role


def _measure(measure_id: str = "M-1", target: str = "subject") -> dict[str, Any]:
    return {
        "pk": 1,
        "measure_id": measure_id,
        "version": 0,
        "current": True,
        "kind": "black",
        "list_type": "tax",
        "target": target,
        "content": "限制招投标",
        "initiating_department": "发改委",
        "implementing_department": "住建局",
        "legal_basis": "某法",
        "business_items": ["招投标", "政府采购"],
    }


def _keys(first: int) -> list[dict[str, int]]:
    return [{"first": first}]


def _change_rows(first_seq: int, entry_pks: list[int]) -> list[dict[str, int]]:
    return [{"seq": first_seq + i, "entry_pk": pk} for i, pk in enumerate(entry_pks)]


# --- health ----------------------------------------------------------------------------------------------------


def test_stats_counts_every_kind_and_reports_the_layout_version() -> None:
    counts = {
        "enterprises": 2,
        "persons": 3,
        "roles": 4,
        "list_entries": 5,
        "measures": 6,
        "list_policies": 1,
        "derived_records": 7,
        "pending_changes": 0,
    }
    store = ReplayStore([Step("graph_stats", params={}, records=[counts])])
    stats = store.stats()
    store.expect_done()
    assert dict(stats) == {**counts, "schema_version": NEO4J_SCHEMA_VERSION}
    assert list(stats) == [*counts, "schema_version"]  # the embedded store's keys, in its order


# --- loading ---------------------------------------------------------------------------------------------------


def test_existing_codes_deduplicates_and_slices_by_batch_size() -> None:
    store = ReplayStore(
        [
            Step(
                "graph_existing_codes",
                params={"subject_type": "person", "codes": ["A", "B"]},
                records=[{"code": "B"}],
            ),
            Step(
                "graph_existing_codes",
                params={"subject_type": "person", "codes": ["C"]},
                records=[{"code": "C"}],
            ),
        ],
        batch_size=2,
    )
    assert store.existing_codes(SubjectType.person, ["A", "B", "A", "C"]) == {"B", "C"}
    store.expect_done()
    assert [call.write for call in store.calls] == [False, False]


def test_existing_codes_of_nothing_asks_nothing() -> None:
    store = ReplayStore([])
    assert store.existing_codes(SubjectType.enterprise, []) == set()
    assert store.calls == []


def test_record_load_takes_a_key_and_keeps_the_report_as_json() -> None:
    def check(params: Mapping[str, Any]) -> None:
        assert params["pk"] == 4
        assert params["on_error"] == "skip"
        assert json.loads(params["report"]) == {"persons": {"read": 2, "loaded": 1}}
        assert isinstance(params["at"], str)
        assert params["at"].endswith("Z")

    store = ReplayStore(
        [
            Step("base_next_pks", params={"name": "load_run", "count": 1}, records=_keys(4)),
            Step("graph_record_load", check=check),
        ]
    )
    assert store.record_load("skip", {"persons": {"read": 2, "loaded": 1}}) == 4
    store.expect_done()
    assert store.calls[-1].write


def test_policies_are_compared_written_when_changed_and_their_black_entries_queued() -> None:
    frame = _frame(
        FileKind.list_policies,
        [
            # unchanged
            {"list_type": "tax", "roles": "legal_representative", "role_time": "act",
             "derived_counts_for_red": True, "repair_min_days": None, "publicity_days": 7,
             "black_skip_publicity": False},
            # changed: the repair minimum
            {"list_type": "court", "roles": "legal_representative;principal", "role_time": "both",
             "derived_counts_for_red": False, "repair_min_days": 365, "publicity_days": None,
             "black_skip_publicity": "true"},
            # new
            {"list_type": "env", "roles": "principal", "role_time": "current",
             "derived_counts_for_red": True, "repair_min_days": float("nan"), "publicity_days": None,
             "black_skip_publicity": None},
        ],
    )  # fmt: skip
    stored = {
        "tax": {"roles": ["legal_representative"], "role_time": "act", "derived_counts_for_red": True,
                "repair_min_days": None, "publicity_days": 7, "black_skip_publicity": False},
        "court": {"roles": ["legal_representative", "principal"], "role_time": "both",
                  "derived_counts_for_red": False, "repair_min_days": 180, "publicity_days": None,
                  "black_skip_publicity": True},
    }  # fmt: skip
    written = [
        {"list_type": "court", "roles": ["legal_representative", "principal"], "role_time": "both",
         "derived_counts_for_red": False, "repair_min_days": 365, "publicity_days": None,
         "black_skip_publicity": True},
        {"list_type": "env", "roles": ["principal"], "role_time": "current", "derived_counts_for_red": True,
         "repair_min_days": None, "publicity_days": None, "black_skip_publicity": False},
    ]  # fmt: skip
    store = ReplayStore(
        [
            Step(
                "graph_policy_stage",
                params={"rows": [{"list_type": "tax"}, {"list_type": "court"}, {"list_type": "env"}]},
                records=[
                    {"list_type": "tax", "current": stored["tax"]},
                    {"list_type": "court", "current": stored["court"]},
                    {"list_type": "env", "current": None},
                ],
            ),
            Step("graph_policy_write", params={"rows": written}),
            Step(
                "graph_policy_black_entries",
                params={"rows": [{"list_type": "court"}, {"list_type": "env"}]},
                records=[{"pk": 9}, {"pk": 5}, {"pk": 9}],
            ),
            Step("base_next_pks", params={"name": "change", "count": 2}, records=_keys(1)),
            Step("base_mark_changed", params={"rows": _change_rows(1, [5, 9])}),
        ]
    )
    counts = store.write_batch(LoadBatch({FileKind.list_policies: frame}))
    store.expect_done()
    assert counts == {FileKind.list_policies: WriteCounts(inserted=1, updated=1, unchanged=1)}
    assert all(call.write for call in store.calls)
    assert store.doing == ["写入导入数据"]  # one write transaction for the whole batch


def test_unchanged_policies_write_and_queue_nothing() -> None:
    frame = _frame(
        FileKind.list_policies,
        [{"list_type": "tax", "roles": "principal", "role_time": "act", "derived_counts_for_red": True,
          "repair_min_days": None, "publicity_days": None, "black_skip_publicity": False}],
    )  # fmt: skip
    current = {
        "roles": ["principal"],
        "role_time": "act",
        "derived_counts_for_red": True,
        "black_skip_publicity": False,
    }  # fmt: skip  (absent properties read back as missing keys)
    store = ReplayStore([Step("graph_policy_stage", records=[{"list_type": "tax", "current": current}])])
    counts = store.write_batch(LoadBatch({FileKind.list_policies: frame}))
    store.expect_done()
    assert counts[FileKind.list_policies] == WriteCounts(unchanged=1)


def test_subjects_are_inserted_with_new_keys_and_updated_in_batches() -> None:
    enterprises = _frame(
        FileKind.enterprises,
        [
            {"uscc": "E1", "name": "甲", "kind": "有限责任公司", "status": "存续", "region_code": "110000",
             "established": "2001-02-03"},
            {"uscc": "E2", "name": "乙（新名）", "kind": None, "status": None, "region_code": None,
             "established": None},
            {"uscc": "E3", "name": "丙", "kind": None, "status": None, "region_code": None,
             "established": float("nan")},
        ],
    )  # fmt: skip
    persons = _frame(
        FileKind.persons, [{"id_number": "P1", "name": "张三"}, {"id_number": "P2", "name": "李四"}]
    )
    store = ReplayStore(
        [
            Step("graph_subject_stage", params={"rows": [{"code": "E1"}, {"code": "E2"}], "subject_type": "enterprise"},
                 records=[{"code": "E1", "pk": None, "current": None},
                          {"code": "E2", "pk": 8, "current": {"name": "乙", "established": None}}]),
            Step("graph_subject_stage", params={"rows": [{"code": "E3"}], "subject_type": "enterprise"},
                 records=[{"code": "E3", "pk": None, "current": None}]),
            Step("base_next_pks", params={"name": "subject", "count": 2}, records=_keys(20)),
            Step("graph_enterprise_insert", params={"rows": [
                {"code": "E1", "name": "甲", "enterprise_kind": "有限责任公司", "enterprise_status": "存续",
                 "region_code": "110000", "established": D(2001, 2, 3), "pk": 20},
                {"code": "E3", "name": "丙", "enterprise_kind": None, "enterprise_status": None,
                 "region_code": None, "established": None, "pk": 21},
            ]}),
            Step("graph_enterprise_update", params={"rows": [
                {"pk": 8, "name": "乙（新名）", "enterprise_kind": None, "enterprise_status": None,
                 "region_code": None, "established": None},
            ]}),
            Step("graph_subject_stage", params={"rows": [{"code": "P1"}, {"code": "P2"}], "subject_type": "person"},
                 records=[{"code": "P1", "pk": 30, "current": {"name": "张三", "enterprise_kind": None}},
                          {"code": "P2", "pk": None, "current": None}]),
            Step("base_next_pks", params={"name": "subject", "count": 1}, records=_keys(22)),
            Step("graph_person_insert", params={"rows": [{"code": "P2", "name": "李四", "pk": 22}]}),
        ],
        batch_size=2,
    )  # fmt: skip
    counts = store.write_batch(LoadBatch({FileKind.persons: persons, FileKind.enterprises: enterprises}))
    store.expect_done()
    assert counts == {
        FileKind.enterprises: WriteCounts(inserted=2, updated=1),
        FileKind.persons: WriteCounts(inserted=1, unchanged=1),
    }
    assert list(counts) == [FileKind.enterprises, FileKind.persons]


def test_an_unchanged_established_date_read_back_as_a_driver_date_is_unchanged() -> None:
    frame = _frame(
        FileKind.enterprises,
        [{"uscc": "E1", "name": "甲", "kind": None, "status": None, "region_code": None,
          "established": "2001-02-03"}],
    )  # fmt: skip
    current = {"name": "甲", "established": Date(2001, 2, 3)}
    store = ReplayStore([Step("graph_subject_stage", records=[{"code": "E1", "pk": 8, "current": current}])])
    assert store.write_batch(LoadBatch({FileKind.enterprises: frame})) == {
        FileKind.enterprises: WriteCounts(unchanged=1)
    }
    store.expect_done()


def _roles_frame() -> pd.DataFrame:
    return _frame(
        FileKind.roles,
        [
            # new, open start: one edge per type file
            {"person_id": "P1", "holder_type": "person", "enterprise_uscc": "E1", "role": "principal",
             "start": None, "end": None, "ratio": None},
            # stored with the same open start, end changed
            {"person_id": "P1", "holder_type": "person", "enterprise_uscc": "E1",
             "role": "legal_representative", "start": float("nan"), "end": "2024-06-30", "ratio": None},
            # unchanged (same end and ratio)
            {"person_id": "E2", "holder_type": "enterprise", "enterprise_uscc": "E1", "role": "shareholder",
             "start": "2020-01-01", "end": None, "ratio": 0.25},
            # new, dated start
            {"person_id": "P2", "holder_type": "person", "enterprise_uscc": "E3",
             "role": "legal_representative", "start": "2022-05-01", "end": None, "ratio": None},
        ],
    )  # fmt: skip


def test_roles_match_their_natural_key_with_open_starts_and_write_per_type() -> None:
    staged = [
        {"i": 0, "holder_pk": 30, "enterprise_pk": 20, "pk": None, "end": None, "ratio": None},
        {"i": 1, "holder_pk": 30, "enterprise_pk": 20, "pk": 5, "end": None, "ratio": None},
        {"i": 2, "holder_pk": 21, "enterprise_pk": 20, "pk": 6, "end": None, "ratio": 0.25},
        {"i": 3, "holder_pk": 31, "enterprise_pk": 22, "pk": None, "end": None, "ratio": None},
    ]

    def stage_rows(params: Mapping[str, Any]) -> None:
        rows = params["rows"]
        assert [row["i"] for row in rows] == [0, 1, 2, 3]
        assert [row["start"] for row in rows] == [None, None, D(2020, 1, 1), D(2022, 5, 1)]
        assert rows[2] == {"i": 2, "holder_code": "E2", "holder_type": "enterprise", "enterprise_code": "E1",
                           "role": "shareholder", "start": D(2020, 1, 1)}  # fmt: skip

    store = ReplayStore(
        [
            Step("graph_role_stage", check=stage_rows, records=staged),
            Step("base_next_pks", params={"name": "role", "count": 2}, records=_keys(40)),
            # fixed type order: legal_representative before principal, keys in file order
            Step("graph_role_insert_legal_representative", params={"rows": [
                {"pk": 41, "holder_pk": 31, "enterprise_pk": 22, "end": None, "ratio": None,
                 "start": D(2022, 5, 1)}]}),
            Step("graph_role_insert_principal", params={"rows": [
                {"pk": 40, "holder_pk": 30, "enterprise_pk": 20, "end": None, "ratio": None, "start": None}]}),
            Step("graph_role_update", params={"rows": [
                {"pk": 5, "holder_pk": 30, "enterprise_pk": 20, "end": D(2024, 6, 30), "ratio": None}]}),
            Step("graph_firm_black_entries", params={"rows": [{"pk": 20}, {"pk": 22}]}, records=[{"pk": 70}]),
            Step("base_next_pks", params={"name": "change", "count": 1}, records=_keys(3)),
            Step("base_mark_changed", params={"rows": _change_rows(3, [70])}),
        ]
    )  # fmt: skip
    counts = store.write_batch(LoadBatch({FileKind.roles: _roles_frame()}))
    store.expect_done()
    assert counts == {FileKind.roles: WriteCounts(inserted=2, updated=1, unchanged=1)}


def test_roles_are_sent_in_slices_of_the_batch_size() -> None:
    staged = [
        {"i": i, "holder_pk": 1, "enterprise_pk": 2, "pk": 9 + i, "end": None, "ratio": None}
        for i in range(4)
    ]
    frame = _roles_frame()
    frame["end"] = None
    frame["ratio"] = None

    def rows(*indexes: int) -> Any:
        def check(params: Mapping[str, Any]) -> None:
            assert [row["i"] for row in params["rows"]] == list(indexes)

        return check

    store = ReplayStore(
        [
            Step("graph_role_stage", check=rows(0, 1, 2), records=staged[:3]),
            Step("graph_role_stage", check=rows(3), records=staged[3:]),
        ],
        batch_size=3,
    )  # fmt: skip
    assert store.write_batch(LoadBatch({FileKind.roles: frame})) == {FileKind.roles: WriteCounts(unchanged=4)}
    store.expect_done()


def test_a_role_whose_holder_is_unknown_fails_the_batch() -> None:
    staged = [{"i": 0, "holder_pk": None, "enterprise_pk": 20, "pk": None, "end": None, "ratio": None}]
    frame = _roles_frame().iloc[:1]
    store = ReplayStore([Step("graph_role_stage", records=staged)])
    with pytest.raises(StoreError, match="P1 不存在"):
        store.write_batch(LoadBatch({FileKind.roles: frame}))


def test_duplicate_natural_keys_in_one_file_fail_before_anything_is_sent() -> None:
    frame = _roles_frame()
    frame = pd.concat([frame, frame.iloc[:1]], ignore_index=True)
    store = ReplayStore([])
    with pytest.raises(StoreError, match="重复"):
        store.write_batch(LoadBatch({FileKind.roles: frame}))
    assert store.calls == []


def _entries_frame() -> pd.DataFrame:
    base = {"subject_type": "enterprise", "kind": "black", "list_type": "tax", "department": "税务局",
            "basis": "处罚决定", "act_date": "2023-12-01", "decided_on": None, "valid_from": "2024-01-01",
            "valid_to": None}  # fmt: skip
    return _frame(
        FileKind.list_entries,
        [
            {**base, "entry_id": "B-1", "subject_id": "E1"},  # new
            {**base, "entry_id": "B-2", "subject_id": "E1", "valid_to": "2026-12-31"},  # valid_to changed
            {**base, "entry_id": "B-3", "subject_id": "E2"},  # unchanged
        ],
    )


def test_entries_are_inserted_updated_given_events_and_queued() -> None:
    stored = {"subject_pk": 20, "kind": "black", "list_type": "tax", "department": "税务局", "basis": "处罚决定",
              "act_date": Date(2023, 12, 1), "decided_on": None, "valid_from": Date(2024, 1, 1), "valid_to": None}  # fmt: skip
    written = {"subject_pk": 20, "kind": "black", "list_type": "tax", "department": "税务局", "basis": "处罚决定",
               "act_date": D(2023, 12, 1), "decided_on": None, "valid_from": D(2024, 1, 1)}  # fmt: skip

    def events(params: Mapping[str, Any]) -> None:
        assert params["rows"] == [
            {"pk": 90, "entry_pk": 61, "action": "imported"},
            {"pk": 91, "entry_pk": 50, "action": "import_updated"},
        ]
        assert isinstance(params["at"], str)

    store = ReplayStore(
        [
            Step("graph_entry_stage", params={"rows": [
                {"entry_id": "B-1", "subject_code": "E1", "subject_type": "enterprise"},
                {"entry_id": "B-2", "subject_code": "E1", "subject_type": "enterprise"},
                {"entry_id": "B-3", "subject_code": "E2", "subject_type": "enterprise"},
            ]}, records=[
                {"entry_id": "B-2", "subject_pk": 20, "current": {**stored, "pk": 50}},
                {"entry_id": "B-1", "subject_pk": 20, "current": None},
                {"entry_id": "B-3", "subject_pk": 21, "current": {**stored, "pk": 51, "subject_pk": 21}},
            ]),
            Step("base_next_pks", params={"name": "entry", "count": 1}, records=_keys(61)),
            Step("graph_entry_insert", params={"rows": [
                {"pk": 61, "entry_id": "B-1", **written, "valid_to": None}]}),
            Step("graph_entry_update", params={"rows": [
                {"pk": 50, "entry_id": "B-2", **written, "valid_to": D(2026, 12, 31)}]}),
            Step("base_next_pks", params={"name": "event", "count": 2}, records=_keys(90)),
            Step("graph_entry_events", check=events),
            Step("base_next_pks", params={"name": "change", "count": 2}, records=_keys(7)),
            Step("base_mark_changed", params={"rows": _change_rows(7, [50, 61])}),
        ]
    )  # fmt: skip
    counts = store.write_batch(LoadBatch({FileKind.list_entries: _entries_frame()}))
    store.expect_done()
    assert counts == {FileKind.list_entries: WriteCounts(inserted=1, updated=1, unchanged=1)}


def test_an_entry_whose_subject_is_unknown_fails_the_batch() -> None:
    store = ReplayStore(
        [Step("graph_entry_stage", records=[{"entry_id": "B-1", "subject_pk": None, "current": None}])]
    )
    with pytest.raises(StoreError, match="B-1 的主体 E1 不存在"):
        store.write_batch(LoadBatch({FileKind.list_entries: _entries_frame().iloc[:1]}))


def test_measures_are_written_by_the_measures_part_between_policies_and_subjects() -> None:
    order: list[str] = []
    policies = _frame(
        FileKind.list_policies,
        [{"list_type": "tax", "roles": "principal", "role_time": "act", "derived_counts_for_red": True,
          "repair_min_days": None, "publicity_days": None, "black_skip_publicity": False}],
    )  # fmt: skip
    measures = _frame(FileKind.measures, [])
    persons = _frame(FileKind.persons, [{"id_number": "P1", "name": "张三"}])

    class Store(ReplayStore):
        def _write_measures_frame(self, tx: Transaction, frame: pd.DataFrame) -> WriteCounts:
            order.append(f"measures after {[c.name for c in self.calls]}")
            assert frame is measures
            return WriteCounts(inserted=3)

    store = Store(
        [
            Step("graph_policy_stage", records=[{"list_type": "tax", "current": None}]),
            Step("graph_policy_write"),
            Step("graph_policy_black_entries"),
            Step("graph_subject_stage", records=[{"code": "P1", "pk": 30, "current": {"name": "张三"}}]),
        ]
    )
    batch = LoadBatch(
        {FileKind.persons: persons, FileKind.measures: measures, FileKind.list_policies: policies}
    )
    counts = store.write_batch(batch)
    store.expect_done()
    assert order == [
        "measures after ['graph_policy_stage', 'graph_policy_write', 'graph_policy_black_entries']"
    ]
    assert counts == {
        FileKind.list_policies: WriteCounts(inserted=1),
        FileKind.measures: WriteCounts(inserted=3),
        FileKind.persons: WriteCounts(unchanged=1),
    }


def test_an_empty_frame_counts_nothing_and_sends_nothing() -> None:
    store = ReplayStore([])
    assert store.write_batch(LoadBatch({FileKind.persons: _frame(FileKind.persons, [])})) == {
        FileKind.persons: WriteCounts()
    }
    assert store.calls == []


def test_entry_pks_by_id_in_slices() -> None:
    store = ReplayStore(
        [
            Step(
                "graph_entry_pks",
                params={"entry_ids": ["B-1", "B-2"]},
                records=[{"entry_id": "B-2", "pk": 2}],
            ),
            Step("graph_entry_pks", params={"entry_ids": ["B-3"]}, records=[{"entry_id": "B-3", "pk": 3}]),
        ],
        batch_size=2,
    )
    assert store.entry_pks(["B-1", "B-2", "B-3"]) == {"B-2": 2, "B-3": 3}
    store.expect_done()


# --- reads -----------------------------------------------------------------------------------------------------


def test_find_subjects_maps_dates_and_missing_fields() -> None:
    store = ReplayStore(
        [
            Step(
                "graph_find_subjects",
                params={"code": "X"},
                records=[
                    {"subject": {"pk": 1, "subject_type": "enterprise", "code": "X", "name": "甲",
                                 "region_code": "110000", "established": Date(2001, 2, 3)}},
                    {"subject": {"pk": 2, "subject_type": "person", "code": "X", "name": "张三"}},
                ],
            )
        ]
    )  # fmt: skip
    found = store.find_subjects("X")
    store.expect_done()
    assert [s.subject_type for s in found] == [SubjectType.enterprise, SubjectType.person]
    assert found[0].established == D(2001, 2, 3)
    assert found[0].enterprise_kind is None
    assert found[1].established is None


def test_subject_roles_keep_the_server_order_and_open_dates() -> None:
    store = ReplayStore(
        [
            Step(
                "graph_subject_roles",
                params={"subject_pk": 3},
                records=[
                    {"role": _role(11)},
                    {"role": _role(12, role="shareholder", start=Date(2020, 1, 1), end=None, ratio=0.5,
                                   holder_type="enterprise")},
                ],
            )
        ]
    )  # fmt: skip
    roles = store.subject_roles(3)
    store.expect_done()
    assert [r.pk for r in roles] == [11, 12]
    assert roles[0].start is None
    assert roles[0].end == D(2024, 6, 30)
    assert roles[0].ratio is None
    assert roles[1].role is Role.shareholder
    assert roles[1].ratio == 0.5
    assert roles[1].end is None
    assert roles[1].holder_type is SubjectType.enterprise


def test_entries_by_subject_id_and_key() -> None:
    store = ReplayStore(
        [
            Step("graph_subject_entries", params={"subject_pk": 3}, records=[{"entry": _entry(7)}, {"entry": _entry(8)}]),
            Step("graph_entry_by_id", params={"entry_id": "B-7"}, records=[{"entry": _entry(7, valid_to=Date(2026, 1, 1))}]),
            Step("graph_entry_by_id", params={"entry_id": "nope"}, records=[]),
            Step("graph_entry_by_pk", params={"entry_pk": 7}, records=[{"entry": _entry(7, ended_on=Date(2025, 3, 1))}]),
            Step("graph_entry_by_pk", params={"entry_pk": 99}, records=[]),
        ]
    )  # fmt: skip
    assert [e.entry_id for e in store.subject_entries(3)] == ["B-7", "B-8"]
    entry = store.entry("B-7")
    assert entry is not None
    assert entry.valid_to == D(2026, 1, 1)
    assert entry.ended_on is None
    assert entry.act_date == D(2023, 12, 1)
    assert entry.kind is ListKind.black
    assert store.entry("nope") is None
    assert store.entry_by_pk(7).ended_on == D(2025, 3, 1)
    with pytest.raises(NotFound, match="99"):
        store.entry_by_pk(99)
    store.expect_done()


def _derived(entry_pk: int = 7, role_pk: int = 11, **changes: Any) -> dict[str, Any]:
    record = {
        "entry": _entry(entry_pk),
        "role": _role(role_pk),
        "holder_basis": "act_date",
        "valid_from": Date(2024, 1, 1),
        "valid_to": None,
    }
    record.update(changes)
    return record


def test_derived_records_by_person_and_by_entry() -> None:
    store = ReplayStore(
        [
            Step("graph_derived_for_person", params={"person_pk": 30}, records=[_derived(valid_to=Date(2024, 6, 30))]),
            Step("graph_derived_for_entry", params={"entry_pk": 7}, records=[_derived(holder_basis="current")]),
        ]
    )  # fmt: skip
    [by_person] = store.derived_for_person(30)
    assert by_person.entry.entry_id == "B-7"
    assert by_person.role.pk == 11
    assert by_person.holder_basis is HolderBasis.act_date
    assert (by_person.valid_from, by_person.valid_to) == (D(2024, 1, 1), D(2024, 6, 30))
    [by_entry] = store.derived_for_entry(7)
    assert by_entry.holder_basis is HolderBasis.current
    assert by_entry.valid_to is None
    store.expect_done()


def test_check_rows_direct_then_derived_in_one_read_with_shared_paths() -> None:
    at = D(2024, 5, 1)
    store = ReplayStore(
        [
            Step("graph_check_direct", params={"subject_pk": 30, "at": at}, records=[
                {"entry": _entry(7), "measure": _measure("M-1"), "suspended": False},
                {"entry": _entry(7), "measure": _measure("M-2"), "suspended": False},
                {"entry": _entry(8, kind="red"), "measure": None, "suspended": True},
            ]),
            Step("graph_check_derived", params={"person_pk": 30, "at": at}, records=[
                {**_derived(9, 11), "measure": _measure("M-3", "legal_representative"), "suspended": False},
                {**_derived(9, 11), "measure": _measure("M-4", "legal_representative"), "suspended": False},
                {**_derived(9, 12), "measure": None, "suspended": True},
            ]),
        ]
    )  # fmt: skip
    rows = store.check_rows(30, at)
    store.expect_done()
    assert store.doing == ["查询适用的名单和措施"]
    assert [(r.entry.entry_id, r.measure and r.measure.measure_id, r.suspended) for r in rows] == [
        ("B-7", "M-1", False),
        ("B-7", "M-2", False),
        ("B-8", None, True),
        ("B-9", "M-3", False),
        ("B-9", "M-4", False),
        ("B-9", None, True),
    ]
    assert rows[0].derived is None
    assert rows[0].entry is rows[1].entry
    assert rows[0].measure is not None
    assert rows[0].measure.business_items == ("招投标", "政府采购")
    assert rows[3].derived is not None
    assert rows[3].derived is rows[4].derived
    assert rows[3].measure is not None
    assert rows[3].measure.target is Target.legal_representative
    assert rows[5].derived is not None
    assert rows[5].derived.role.pk == 12
    assert rows[5].entry is rows[5].derived.entry


def test_check_rows_of_a_subject_with_nothing() -> None:
    store = ReplayStore([Step("graph_check_direct"), Step("graph_check_derived")])
    assert store.check_rows(1, D(2024, 1, 1)) == []
    store.expect_done()


def test_example_person_passes_the_day_as_a_date_and_the_item_as_is() -> None:
    store = ReplayStore(
        [
            Step("graph_example_person", params={"day": D(2024, 5, 1), "item": "招投标"}, records=[{"code": "P1"}]),
            Step("graph_example_person", params={"day": D(2024, 5, 1), "item": "无"}, records=[]),
        ]
    )  # fmt: skip
    assert store.example_person("招投标", D(2024, 5, 1)) == "P1"
    assert store.example_person("无", D(2024, 5, 1)) is None
    store.expect_done()


def test_public_entries_parameters_without_filters() -> None:
    store = ReplayStore(
        [
            Step(
                "graph_public_entries",
                params={"at": D(2024, 1, 1), "kind": None, "list_type": None, "search": None, "code": None,
                        "after_from": None, "after_id": None, "limit": 50},
                records=[{"entry": _entry(8, status="under_verification")}, {"entry": _entry(7)}],
            )
        ]
    )  # fmt: skip
    entries = store.public_entries(D(2024, 1, 1), search="   ")
    store.expect_done()
    assert [(e.entry_id, e.status) for e in entries] == [
        ("B-8", EntryStatus.under_verification),
        ("B-7", EntryStatus.effective),
    ]


def test_public_entries_search_keyset_and_filters() -> None:
    store = ReplayStore(
        [
            Step(
                "graph_public_entries",
                params={"at": D(2024, 1, 1), "kind": "black", "list_type": "tax", "search": "9111 0000-abc",
                        "code": "91110000ABC", "after_from": D(2024, 1, 1), "after_id": "B-9", "limit": 2},
                records=[],
            )
        ]
    )  # fmt: skip
    found = store.public_entries(
        D(2024, 1, 1),
        kind=ListKind.black,
        list_type="tax",
        search=" 9111 0000-abc ",
        after=(D(2024, 1, 1), "B-9"),
        limit=2,
    )
    store.expect_done()
    assert found == []
