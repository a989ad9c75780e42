"""The Neo4j lifecycle part against recorded driver records: what it sends (queries in order, parameters with
dates as ``datetime.date`` and maps as JSON) and what it builds from what the server answers (``neo4j.time.Date``,
missing values), with the embedded store's errors."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from typing import Any

import neo4j
import pandas as pd
import pytest

from graph.errors import ConflictError, NotFound, StoreError
from graph.ids import SubjectType
from graph.model import EntryStatus, ListKind
from graph.store.port import (
    BATCH_COLUMNS,
    CandidateConflict,
    FileKind,
    PreliminarySubmission,
    PublicityPolicy,
    RedCandidate,
    Transition,
)
from tests.graph.neo4j.replay import ReplayStore, Step

D = neo4j.time.Date

BEFORE: dict[str, str | None] = {
    "status": "effective",
    "ended_on": None,
    "list_type": "tax",
    "department": "税务局",
    "basis": "决定书",
    "act_date": "2023-12-01",
    "decided_on": "2024-01-01",
    "valid_from": "2024-01-01",
    "valid_to": None,
}

STATE_RECORD = {
    "status": "effective",
    "ended_on": None,
    "list_type": "tax",
    "department": "税务局",
    "basis": "决定书",
    "act_date": D(2023, 12, 1),
    "decided_on": D(2024, 1, 1),
    "valid_from": D(2024, 1, 1),
    "valid_to": None,
}


def entry_map(pk: int = 7, entry_id: str = "B-1", **extra: Any) -> dict[str, Any]:
    """An entry as the queries project it: ``le {.*, subject_code, subject_name}`` (open dates absent)."""
    return {
        "pk": pk,
        "entry_id": entry_id,
        "subject_pk": 3,
        "subject_type": "enterprise",
        "kind": "black",
        "list_type": "tax",
        "department": "税务局",
        "basis": "决定书",
        "valid_from": D(2024, 1, 1),
        "status": "effective",
        "subject_code": "91110000000000001X",
        "subject_name": "甲公司",
        **extra,
    }


def keys(first: int) -> list[dict[str, Any]]:
    return [{"first": first}]


def next_pk(name: str, count: int, first: int) -> Step:
    return Step("base_next_pks", params={"name": name, "count": count}, records=keys(first))


def holds(predicate: Callable[[Mapping[str, Any]], bool]) -> Callable[[Mapping[str, Any]], None]:
    """A parameter check from a predicate (the parameters are shown when it fails)."""

    def check(params: Mapping[str, Any]) -> None:
        assert predicate(params), params

    return check


def event_check(expected: Mapping[str, Any]) -> Any:
    """A check of one event row, ignoring its timestamp (but requiring one in the store's format)."""

    def check(params: Mapping[str, Any]) -> None:
        (row,) = params["rows"]
        assert dt.datetime.strptime(row["at"], "%Y-%m-%dT%H:%M:%SZ")
        assert {k: v for k, v in row.items() if k != "at"} == dict(expected)

    return check


# --- apply_transition ---------------------------------------------------------------------------------------


def test_a_transition_locks_checks_sets_and_records_everything() -> None:
    after = {**BEFORE, "status": "under_verification", "valid_to": "2026-12-31"}
    on = dt.date(2024, 6, 1)
    t = Transition(
        entry_pk=7,
        action="file_objection",
        actor="张三",
        reason="异议",
        on=on,
        before=BEFORE,
        after=after,
        open_objection=("甲公司", "数据有误"),
        resolve_objection="upheld",
        notices=(("correction", "更正公告"), ("apology", "致歉")),
    )
    store = ReplayStore(
        [
            Step("lifecycle_entry_state", params={"entry_pk": 7}, records=[STATE_RECORD]),
            Step(
                "lifecycle_set_entry",
                params={
                    "entry_pk": 7,
                    "status": "under_verification",
                    "ended_on": None,
                    "list_type": "tax",
                    "department": "税务局",
                    "basis": "决定书",
                    "act_date": dt.date(2023, 12, 1),
                    "decided_on": dt.date(2024, 1, 1),
                    "valid_from": dt.date(2024, 1, 1),
                    "valid_to": dt.date(2026, 12, 31),
                },
                records=[{"pk": 7}],
            ),
            next_pk("event", 1, 90),
            Step(
                "lifecycle_add_events",
                check=event_check(
                    {
                        "pk": 90,
                        "entry_pk": 7,
                        "actor": "张三",
                        "action": "file_objection",
                        "reason": "异议",
                        "on": on,
                        "before": json.dumps(BEFORE, ensure_ascii=False, sort_keys=True),
                        "after": json.dumps(after, ensure_ascii=False, sort_keys=True),
                    }
                ),
                records=[{"written": 1}],
            ),
            next_pk("objection", 1, 4),
            next_pk("suspension", 1, 5),
            Step(
                "lifecycle_open_objection",
                params={
                    "entry_pk": 7,
                    "objection_pk": 4,
                    "suspension_pk": 5,
                    "on": on,
                    "filed_by": "甲公司",
                    "reason": "数据有误",
                },
                records=[{"pk": 4}],
            ),
            Step(
                "lifecycle_resolve_objection",
                params={
                    "entry_pk": 7,
                    "status": "upheld",
                    "on": on,
                    "actor": "张三",
                    "reason": "异议",
                    "until": dt.date(2024, 5, 31),
                },
                records=[{"pk": 7}],
            ),
            Step(
                "lifecycle_approve_repair",
                params={"pk": 12, "on": on, "actor": "张三", "reason": "异议"},
                records=[{"entry_pk": 7}],
            ),
            next_pk("notice", 2, 30),
            Step(
                "lifecycle_add_notices",
                params={
                    "rows": [
                        {
                            "pk": 30,
                            "entry_pk": 7,
                            "kind": "correction",
                            "published_on": on,
                            "text": "更正公告",
                        },
                        {"pk": 31, "entry_pk": 7, "kind": "apology", "published_on": on, "text": "致歉"},
                    ]
                },
                records=[{"written": 2}],
            ),
            next_pk("change", 1, 200),
            Step("base_mark_changed", params={"rows": [{"seq": 200, "entry_pk": 7}]}),
        ]
    )
    store.apply_transition(t, repair_application=12)
    store.expect_done()
    assert all(call.write for call in store.calls)
    assert store.doing == ["写入名单记录变更"]


def test_a_plain_transition_sends_only_the_entry_and_its_event() -> None:
    after = {**BEFORE, "status": "expired"}
    t = Transition(7, "expire", "system", "到期", dt.date(2025, 1, 1), BEFORE, after)
    store = ReplayStore(
        [
            Step("lifecycle_entry_state", records=[STATE_RECORD]),
            Step("lifecycle_set_entry", check=holds(lambda p: p["status"] == "expired")),
            next_pk("event", 1, 1),
            Step("lifecycle_add_events"),
            next_pk("change", 1, 1),
            Step("base_mark_changed"),
        ]
    )
    store.apply_transition(t)
    store.expect_done()


def test_a_transition_of_a_missing_entry_is_not_found() -> None:
    t = Transition(99, "expire", "system", "到期", dt.date(2025, 1, 1), BEFORE, BEFORE)
    store = ReplayStore([Step("lifecycle_entry_state", params={"entry_pk": 99}, records=[])])
    with pytest.raises(NotFound, match="内部编号 99"):
        store.apply_transition(t)
    store.expect_done()


def test_a_transition_on_a_changed_entry_is_a_conflict() -> None:
    # Someone else corrected the entry meanwhile: the dates read back no longer match `before`.
    moved = {**STATE_RECORD, "valid_to": D(2030, 1, 1)}
    t = Transition(7, "expire", "system", "到期", dt.date(2025, 1, 1), BEFORE, BEFORE)
    store = ReplayStore([Step("lifecycle_entry_state", records=[moved])])
    with pytest.raises(ConflictError, match="已被他人修改"):
        store.apply_transition(t)
    store.expect_done()


# --- lifecycle reads ----------------------------------------------------------------------------------------


def test_entry_history_maps_dates_and_json() -> None:
    store = ReplayStore(
        [
            Step(
                "lifecycle_history",
                params={"entry_pk": 7},
                records=[
                    {
                        "pk": 1,
                        "at": "2024-01-01T00:00:00Z",
                        "actor": "loader",
                        "action": "import",
                        "reason": None,
                        "on": None,
                        "before": None,
                        "after": None,
                    },
                    {
                        "pk": 2,
                        "at": "2024-06-01T08:00:00Z",
                        "actor": "张三",
                        "action": "correct",
                        "reason": "更正",
                        "on": D(2024, 6, 1),
                        "before": json.dumps({"basis": "旧"}),
                        "after": json.dumps({"basis": "新", "valid_to": None}),
                    },
                ],
            )
        ]
    )
    first, second = store.entry_history(7)
    assert (first.pk, first.reason, first.on, first.before, first.after) == (1, None, None, None, None)
    assert second.on == dt.date(2024, 6, 1)
    assert second.before == {"basis": "旧"}
    assert second.after == {"basis": "新", "valid_to": None}
    assert not store.calls[0].write


def test_suspensions_objections_and_notices() -> None:
    store = ReplayStore(
        [
            Step(
                "lifecycle_suspensions",
                params={"entry_pk": 7},
                records=[
                    {"from_date": D(2024, 1, 2), "to_date": D(2024, 1, 9)},
                    {"from_date": D(2024, 3, 1), "to_date": None},
                ],
            ),
            Step(
                "lifecycle_objections",
                params={"entry_pk": 7},
                records=[
                    {
                        "pk": 4,
                        "entry_pk": 7,
                        "filed_on": D(2024, 3, 1),
                        "filed_by": "甲公司",
                        "reason": "有误",
                        "status": "open",
                        "resolved_on": None,
                        "resolved_by": None,
                        "resolution": None,
                    }
                ],
            ),
            Step(
                "lifecycle_notices",
                params={"entry_pk": 7},
                records=[
                    {
                        "pk": 30,
                        "entry_pk": 7,
                        "entry_id": "B-1",
                        "kind": "exit",
                        "published_on": D(2025, 1, 1),
                        "text": "退出公告",
                    }
                ],
            ),
        ]
    )
    suspensions = store.suspensions(7)
    assert [(s.from_date, s.to_date) for s in suspensions] == [
        (dt.date(2024, 1, 2), dt.date(2024, 1, 9)),
        (dt.date(2024, 3, 1), None),
    ]
    (objection,) = store.objections(7)
    assert objection.filed_on == dt.date(2024, 3, 1)
    assert (objection.status, objection.resolved_on, objection.resolution) == ("open", None, None)
    (notice,) = store.notices(7)
    assert (notice.pk, notice.entry_id, notice.kind, notice.published_on) == (
        30,
        "B-1",
        "exit",
        dt.date(2025, 1, 1),
    )
    store.expect_done()


def test_filing_a_repair_application_writes_it_and_its_event() -> None:
    on = dt.date(2024, 7, 1)
    store = ReplayStore(
        [
            next_pk("repair_application", 1, 12),
            Step(
                "lifecycle_file_repair",
                params={"pk": 12, "entry_pk": 7, "on": on, "applicant": "甲公司", "evidence": "已整改"},
                records=[{"pk": 12}],
            ),
            next_pk("event", 1, 91),
            Step(
                "lifecycle_add_events",
                check=event_check(
                    {
                        "pk": 91,
                        "entry_pk": 7,
                        "actor": "甲公司",
                        "action": "apply_for_repair",
                        "reason": "已整改",
                        "on": on,
                        "before": None,
                        "after": None,
                    }
                ),
            ),
        ]
    )
    assert store.file_repair_application(7, applicant="甲公司", evidence="已整改", on=on) == 12
    store.expect_done()


def test_filing_for_a_missing_entry_fails_without_an_event() -> None:
    store = ReplayStore([next_pk("repair_application", 1, 12), Step("lifecycle_file_repair", records=[])])
    with pytest.raises(StoreError, match="内部编号 8"):
        store.file_repair_application(8, applicant="甲公司", evidence="x", on=dt.date(2024, 7, 1))
    store.expect_done()


REPAIR = {
    "pk": 12,
    "entry_pk": 7,
    "filed_on": D(2024, 7, 1),
    "applicant": "甲公司",
    "evidence": "已整改",
    "status": "pending",
    "decided_on": None,
    "decided_by": None,
    "reason": None,
}


def test_repair_applications_are_read_by_key_and_by_entry() -> None:
    decided = {**REPAIR, "pk": 13, "status": "rejected", "decided_on": D(2024, 8, 1), "decided_by": "李四"}
    store = ReplayStore(
        [
            Step("lifecycle_repair_application", params={"pk": 12}, records=[REPAIR]),
            Step("lifecycle_repair_application", params={"pk": 99}, records=[]),
            Step("lifecycle_repair_applications", params={"entry_pk": 7}, records=[REPAIR, decided]),
        ]
    )
    one = store.repair_application(12)
    assert one is not None
    assert (one.pk, one.filed_on, one.status, one.decided_on) == (12, dt.date(2024, 7, 1), "pending", None)
    assert store.repair_application(99) is None
    both = store.repair_applications(7)
    assert [(a.pk, a.decided_on, a.decided_by) for a in both] == [
        (12, None, None),
        (13, dt.date(2024, 8, 1), "李四"),
    ]
    store.expect_done()


def test_deciding_a_repair_application_records_the_event_on_its_entry() -> None:
    on = dt.date(2024, 8, 1)
    store = ReplayStore(
        [
            Step(
                "lifecycle_decide_repair",
                params={"pk": 12, "status": "rejected", "on": on, "actor": "李四", "reason": "材料不足"},
                records=[{"entry_pk": 7}],
            ),
            next_pk("event", 1, 92),
            Step(
                "lifecycle_add_events",
                check=event_check(
                    {
                        "pk": 92,
                        "entry_pk": 7,
                        "actor": "李四",
                        "action": "repair_rejected",
                        "reason": "材料不足",
                        "on": on,
                        "before": None,
                        "after": None,
                    }
                ),
            ),
        ]
    )
    store.decide_repair_application(12, status="rejected", actor="李四", reason="材料不足", on=on)
    store.expect_done()


def test_deciding_twice_is_a_conflict() -> None:
    store = ReplayStore([Step("lifecycle_decide_repair", records=[])])
    with pytest.raises(ConflictError, match="信用修复申请 12 已处理或不存在"):
        store.decide_repair_application(
            12, status="approved", actor="李四", reason="ok", on=dt.date(2024, 8, 1)
        )
    store.expect_done()


def test_policy_settings_with_and_without_a_policy() -> None:
    store = ReplayStore(
        [
            Step(
                "lifecycle_policy",
                params={"list_type": "tax"},
                records=[{"repair_min_days": 365, "publicity_days": 10, "black_skip_publicity": True}],
            ),
            Step(
                "lifecycle_policy",
                params={"list_type": "tax"},
                records=[{"repair_min_days": None, "publicity_days": None, "black_skip_publicity": None}],
            ),
            Step("lifecycle_policy", params={"list_type": "none"}, records=[]),
            Step(
                "lifecycle_policy",
                params={"list_type": "tax"},
                records=[{"repair_min_days": None, "publicity_days": 10, "black_skip_publicity": True}],
            ),
            Step(
                "lifecycle_policy",
                params={"list_type": "tax"},
                records=[{"repair_min_days": None, "publicity_days": None, "black_skip_publicity": False}],
            ),
            Step("lifecycle_policy", params={"list_type": "none"}, records=[]),
        ]
    )
    assert store.repair_min_days("tax") == 365
    assert store.repair_min_days("tax") is None
    assert store.repair_min_days("none") is None
    assert store.publicity_policy("tax") == PublicityPolicy(10, True)
    assert store.publicity_policy("tax") == PublicityPolicy(None, False)
    assert store.publicity_policy("none") == PublicityPolicy()
    store.expect_done()


def test_entries_due_to_expire() -> None:
    store = ReplayStore(
        [
            Step(
                "lifecycle_due_to_expire",
                params={"on": dt.date(2025, 1, 1)},
                records=[{"entry": entry_map(valid_to=D(2024, 12, 31))}],
            )
        ]
    )
    (entry,) = store.entries_due_to_expire(dt.date(2025, 1, 1))
    assert (entry.pk, entry.valid_to, entry.ended_on, entry.status) == (
        7,
        dt.date(2024, 12, 31),
        None,
        EntryStatus.effective,
    )
    store.expect_done()


def test_red_conflicts_keep_each_red_entrys_first_row() -> None:
    red = entry_map(pk=5, entry_id="R-1", kind="red")
    other = entry_map(pk=6, entry_id="R-2", kind="red")
    store = ReplayStore(
        [
            Step(
                "lifecycle_red_conflicts",
                params={"on": dt.date(2024, 6, 1)},
                records=[
                    {"entry": red, "black_entry_id": "B-1", "firm": None},
                    {"entry": red, "black_entry_id": "B-2", "firm": "乙公司（9111）"},
                    {"entry": other, "black_entry_id": "B-3", "firm": "乙公司（9111）"},
                ],
            )
        ]
    )
    found = store.red_conflicts(dt.date(2024, 6, 1))
    assert [(e.entry_id, e.kind, black, via) for e, black, via in found] == [
        ("R-1", ListKind.red, "B-1", "本身"),
        ("R-2", ListKind.red, "B-3", "经 乙公司（9111） 关联"),
    ]
    store.expect_done()


def test_public_notices_page_with_a_keyset() -> None:
    notice = {
        "pk": 30,
        "entry_pk": 7,
        "entry_id": "B-1",
        "kind": "exit",
        "published_on": D(2025, 1, 1),
        "text": "退出公告",
        "entry": entry_map(status="expired", ended_on=D(2025, 1, 1)),
    }
    store = ReplayStore(
        [
            Step(
                "lifecycle_public_notices",
                params={
                    "until": dt.date(2025, 2, 1),
                    "kind": None,
                    "since": None,
                    "after_on": None,
                    "after_pk": None,
                    "limit": 50,
                },
                records=[notice],
            ),
            Step(
                "lifecycle_public_notices",
                params={
                    "until": dt.date(2025, 2, 1),
                    "kind": "exit",
                    "since": dt.date(2024, 1, 1),
                    "after_on": dt.date(2025, 1, 1),
                    "after_pk": 30,
                    "limit": 10,
                },
                records=[],
            ),
        ]
    )
    ((got, entry),) = store.public_notices(dt.date(2025, 2, 1))
    assert (got.pk, got.published_on, got.text) == (30, dt.date(2025, 1, 1), "退出公告")
    assert (entry.status, entry.ended_on) == (EntryStatus.expired, dt.date(2025, 1, 1))
    page = store.public_notices(
        dt.date(2025, 2, 1), kind="exit", since=dt.date(2024, 1, 1), after=(dt.date(2025, 1, 1), 30), limit=10
    )
    assert page == []
    store.expect_done()


# --- preliminary lists --------------------------------------------------------------------------------------


def test_red_candidate_conflicts_send_maps_and_order_nulls_first() -> None:
    candidates = [
        RedCandidate("R-1", SubjectType.enterprise, "9111", "honour"),
        RedCandidate("R-2", SubjectType.person, "1101", "honour"),
    ]

    def check(params: Mapping[str, Any]) -> None:
        assert params["candidates"] == [
            {"entry_id": "R-1", "subject_type": "enterprise", "code": "9111", "list_type": "honour"},
            {"entry_id": "R-2", "subject_type": "person", "code": "1101", "list_type": "honour"},
        ]
        assert params["on"] == dt.date(2024, 6, 1)
        assert params["default_roles"] == sorted(params["default_roles"])
        assert "legal_representative" in params["default_roles"]

    none = {"firm_code": None, "firm_name": None, "person_code": None, "person_name": None, "role": None}
    store = ReplayStore(
        [
            Step(
                "preliminary_candidate_conflicts",
                check=check,
                records=[
                    {
                        **none,
                        "entry_id": "R-2",
                        "black_entry_id": "B-1",
                        "firm_code": "9122",
                        "firm_name": "丙",
                    },
                    {
                        **none,
                        "entry_id": "R-1",
                        "black_entry_id": "B-1",
                        "person_code": "1102",
                        "person_name": "王五",
                        "role": "legal_representative",
                    },
                    {**none, "entry_id": "R-1", "black_entry_id": "B-1"},
                    {**none, "entry_id": "R-1", "black_entry_id": "B-1"},
                ],
            )
        ]
    )
    found = store.red_candidate_conflicts(candidates, dt.date(2024, 6, 1))
    assert found == [
        CandidateConflict("R-1", "B-1"),
        CandidateConflict("R-1", "B-1", person_code="1102", person_name="王五", role="legal_representative"),
        CandidateConflict("R-2", "B-1", firm_code="9122", firm_name="丙"),
    ]
    store.expect_done()


def test_no_candidates_no_query() -> None:
    store = ReplayStore()
    assert store.red_candidate_conflicts([], dt.date(2024, 6, 1)) == []
    assert store.calls == []


def _submission(refused: Mapping[str, str] | None = None, **kw: Any) -> PreliminarySubmission:
    columns = BATCH_COLUMNS[FileKind.list_entries]
    frame = pd.DataFrame(
        [
            [
                "R-1",
                "9111",
                "enterprise",
                "red",
                "honour",
                "发改委",
                "表彰",
                None,
                "2024-05-01",
                "2024-06-01",
                None,
            ],
            [
                "R-2",
                "1101",
                "person",
                "red",
                "honour",
                "发改委",
                "表彰",
                "2024-04-01",
                None,
                "2024-06-01",
                "2027-05-31",
            ],
        ],
        columns=list(columns),
    )
    return PreliminarySubmission(
        department="发改委",
        kind=ListKind.red,
        submitted_by="赵六",
        submitted_on=dt.date(2024, 6, 3),
        source_file=kw.get("source_file", "red.csv"),
        entries=frame,
        refused=refused or {},
        conflicts=kw.get("conflicts", ()),
    )


def test_submitting_a_preliminary_list_writes_list_entries_events_and_conflicts() -> None:
    conflict = CandidateConflict("R-2", "B-9", firm_code="9122", firm_name="丙")
    submission = _submission({"R-2": "与黑名单 B-9 冲突"}, conflicts=(conflict,))
    on = dt.date(2024, 6, 3)
    state1 = {
        "status": "draft",
        "ended_on": None,
        "list_type": "honour",
        "department": "发改委",
        "basis": "表彰",
        "act_date": None,
        "decided_on": "2024-05-01",
        "valid_from": "2024-06-01",
        "valid_to": None,
    }
    state2 = {**state1, "act_date": "2024-04-01", "decided_on": None, "valid_to": "2027-05-31"}

    def check_list(p: Mapping[str, Any]) -> None:
        assert dt.datetime.strptime(p["submitted_at"], "%Y-%m-%dT%H:%M:%SZ")
        assert {k: v for k, v in p.items() if k != "submitted_at"} == {
            "pk": 3,
            "list_id": "PL-20240603-0002",
            "department": "发改委",
            "kind": "red",
            "submitted_by": "赵六",
            "submitted_on": on,
            "source_file": "red.csv",
            "submitted": 2,
            "accepted": 1,
            "rejected": 1,
        }

    def check_entries(p: Mapping[str, Any]) -> None:
        assert p["list_pk"] == 3
        first, second = p["rows"]
        assert first == {
            "pk": 40,
            "entry_id": "R-1",
            "subject_pk": 11,
            "subject_type": "enterprise",
            "kind": "red",
            "list_type": "honour",
            "department": "发改委",
            "basis": "表彰",
            "act_date": None,
            "decided_on": dt.date(2024, 5, 1),
            "valid_from": dt.date(2024, 6, 1),
            "valid_to": None,
            "status": "draft",
        }
        assert (second["pk"], second["subject_pk"], second["status"]) == (41, 12, "revoked")
        assert (second["act_date"], second["valid_to"]) == (dt.date(2024, 4, 1), dt.date(2027, 5, 31))

    def check_events(p: Mapping[str, Any]) -> None:
        rows = p["rows"]
        assert len({row["at"] for row in rows}) == 1
        got = [
            (
                r["pk"],
                r["entry_pk"],
                r["action"],
                r["actor"],
                r["reason"],
                r["on"],
                None if r["before"] is None else json.loads(r["before"]),
                json.loads(r["after"]),
            )
            for r in rows
        ]
        assert got == [
            (100, 40, "submit", "赵六", "提交初步名单 PL-20240603-0002（文件 red.csv）", on, None, state1),
            (101, 41, "submit", "赵六", "提交初步名单 PL-20240603-0002（文件 red.csv）", on, None, state2),
            (
                102,
                41,
                "refuse",
                "cross_comparison",
                "与黑名单 B-9 冲突",
                on,
                state2,
                {**state2, "status": "revoked"},
            ),
        ]

    store = ReplayStore(
        [
            next_pk("preliminary_list:20240603", 1, 2),
            next_pk("preliminary_list", 1, 3),
            Step("preliminary_create_list", check=check_list, records=[{"pk": 3}]),
            Step(
                "preliminary_subjects",
                params={
                    "rows": [
                        {"code": "9111", "subject_type": "enterprise"},
                        {"code": "1101", "subject_type": "person"},
                    ]
                },
                records=[
                    {"code": "1101", "subject_type": "person", "pk": 12},
                    {"code": "9111", "subject_type": "enterprise", "pk": 11},
                ],
            ),
            next_pk("entry", 2, 40),
            Step("preliminary_create_entries", check=check_entries),
            next_pk("event", 3, 100),
            Step("lifecycle_add_events", check=check_events),
            next_pk("conflict", 1, 8),
            Step(
                "preliminary_add_conflicts",
                params={
                    "rows": [
                        {
                            "pk": 8,
                            "entry_id": "R-2",
                            "black_entry_id": "B-9",
                            "firm_code": "9122",
                            "firm_name": "丙",
                            "person_code": None,
                            "person_name": None,
                            "role": None,
                            "found_on": on,
                            "stage": "submit",
                        }
                    ]
                },
            ),
        ]
    )
    assert store.submit_preliminary_list(submission) == "PL-20240603-0002"
    store.expect_done()
    assert store.doing == ["写入初步名单"]


def test_a_preliminary_list_naming_an_unknown_subject_is_not_found() -> None:
    store = ReplayStore(
        [
            next_pk("preliminary_list:20240603", 1, 1),
            next_pk("preliminary_list", 1, 1),
            Step("preliminary_create_list"),
            Step("preliminary_subjects", records=[{"code": "9111", "subject_type": "enterprise", "pk": 11}]),
        ]
    )
    with pytest.raises(NotFound, match="未找到主体 1101（名单编号 R-2）"):
        store.submit_preliminary_list(_submission())
    store.expect_done()


def test_an_empty_preliminary_list_is_only_the_list() -> None:
    submission = _submission(source_file=None)
    empty = PreliminarySubmission(
        department=submission.department,
        kind=submission.kind,
        submitted_by=submission.submitted_by,
        submitted_on=submission.submitted_on,
        source_file=None,
        entries=submission.entries.iloc[0:0],
    )
    store = ReplayStore(
        [
            next_pk("preliminary_list:20240603", 1, 1),
            next_pk("preliminary_list", 1, 1),
            Step(
                "preliminary_create_list",
                check=holds(
                    lambda p: (
                        (p["submitted"], p["accepted"], p["rejected"], p["source_file"]) == (0, 0, 0, None)
                    )
                ),
            ),
        ]
    )
    assert store.submit_preliminary_list(empty) == "PL-20240603-0001"
    store.expect_done()


def _preliminary_record(**extra: Any) -> dict[str, Any]:
    return {
        "list_id": "PL-20240603-0001",
        "entry": entry_map(pk=40, entry_id="R-1", kind="red", status="publicised"),
        "publicity_from": D(2024, 6, 4),
        "publicity_to": D(2024, 6, 10),
        **extra,
    }


def test_preliminary_list_and_its_entries() -> None:
    store = ReplayStore(
        [
            Step(
                "preliminary_list",
                params={"list_id": "PL-20240603-0001"},
                records=[
                    {
                        "pk": 3,
                        "list_id": "PL-20240603-0001",
                        "department": "发改委",
                        "kind": "red",
                        "submitted_by": "赵六",
                        "submitted_at": "2024-06-03T01:00:00Z",
                        "submitted_on": D(2024, 6, 3),
                        "source_file": None,
                        "submitted": 2,
                        "accepted": 1,
                        "rejected": 1,
                    }
                ],
            ),
            Step("preliminary_list", params={"list_id": "PL-X"}, records=[]),
            Step(
                "preliminary_entries",
                params={"list_pk": 3},
                records=[
                    _preliminary_record(),
                    _preliminary_record(
                        entry=entry_map(pk=41, entry_id="R-2", kind="red", status="draft"),
                        publicity_from=None,
                        publicity_to=None,
                    ),
                ],
            ),
        ]
    )
    record = store.preliminary_list("PL-20240603-0001")
    assert record is not None
    assert (record.pk, record.kind, record.submitted_on, record.source_file, record.rejected) == (
        3,
        ListKind.red,
        dt.date(2024, 6, 3),
        None,
        1,
    )
    assert store.preliminary_list("PL-X") is None
    first, second = store.preliminary_entries(3)
    assert (first.entry.entry_id, first.publicity_from, first.publicity_to) == (
        "R-1",
        dt.date(2024, 6, 4),
        dt.date(2024, 6, 10),
    )
    assert (second.entry.status, second.publicity_from, second.publicity_to) == (
        EntryStatus.draft,
        None,
        None,
    )
    store.expect_done()


def test_preliminary_conflicts_and_recording_more() -> None:
    on = dt.date(2024, 6, 10)
    conflict = CandidateConflict("R-1", "B-2", person_code="1102", person_name="王五", role="principal")
    store = ReplayStore(
        [
            Step(
                "preliminary_conflicts",
                params={"list_pk": 3},
                records=[
                    {
                        "entry_id": "R-1",
                        "black_entry_id": "B-2",
                        "firm_code": None,
                        "firm_name": None,
                        "person_code": "1102",
                        "person_name": "王五",
                        "role": "principal",
                        "found_on": D(2024, 6, 10),
                        "stage": "publicise",
                    }
                ],
            ),
            next_pk("conflict", 1, 9),
            Step(
                "preliminary_add_conflicts",
                check=holds(
                    lambda p: (
                        p["rows"][0]
                        == {
                            "pk": 9,
                            "entry_id": "R-1",
                            "black_entry_id": "B-2",
                            "firm_code": None,
                            "firm_name": None,
                            "person_code": "1102",
                            "person_name": "王五",
                            "role": "principal",
                            "found_on": on,
                            "stage": "take_effect",
                        }
                    )
                ),
            ),
        ]
    )
    (recorded,) = store.preliminary_conflicts(3)
    assert (recorded.conflict, recorded.found_on, recorded.stage) == (conflict, on, "publicise")
    store.record_conflicts([conflict], on=on, stage="take_effect")
    store.record_conflicts([], on=on, stage="take_effect")
    store.expect_done()
    assert store.doing.count("写入交叉比对结果") == 1


def test_set_publicity_sends_dates() -> None:
    store = ReplayStore(
        [
            Step(
                "preliminary_set_publicity",
                params={
                    "rows": [
                        {
                            "entry_pk": 40,
                            "publicity_from": dt.date(2024, 6, 4),
                            "publicity_to": dt.date(2024, 6, 10),
                        }
                    ]
                },
            )
        ]
    )
    store.set_publicity([(40, dt.date(2024, 6, 4), dt.date(2024, 6, 10))])
    store.set_publicity([])
    store.expect_done()
    assert store.calls[0].write


def test_prior_notification_is_recorded_with_its_event() -> None:
    on = dt.date(2024, 6, 5)
    store = ReplayStore(
        [
            next_pk("prior_notification", 1, 6),
            Step(
                "preliminary_add_notification",
                params={
                    "pk": 6,
                    "entry_pk": 40,
                    "recipient": "甲公司",
                    "notified_on": on,
                    "method": "书面",
                    "notified_by": "赵六",
                    "note": None,
                },
                records=[{"pk": 6}],
            ),
            next_pk("event", 1, 93),
            Step(
                "lifecycle_add_events",
                check=event_check(
                    {
                        "pk": 93,
                        "entry_pk": 40,
                        "actor": "赵六",
                        "action": "notify",
                        "reason": "事前告知 甲公司（书面）",
                        "on": on,
                        "before": None,
                        "after": None,
                    }
                ),
            ),
            Step(
                "preliminary_notifications",
                params={"entry_pk": 40},
                records=[
                    {
                        "pk": 6,
                        "entry_id": "B-5",
                        "recipient": "甲公司",
                        "notified_on": D(2024, 6, 5),
                        "method": "书面",
                        "notified_by": "赵六",
                        "note": None,
                    }
                ],
            ),
        ]
    )
    pk = store.record_prior_notification(
        40, recipient="甲公司", notified_on=on, method="书面", notified_by="赵六", note=None
    )
    assert pk == 6
    (notification,) = store.prior_notifications(40)
    assert (notification.entry_id, notification.notified_on, notification.note) == ("B-5", on, None)
    store.expect_done()


def test_prior_notification_of_a_missing_entry_fails() -> None:
    store = ReplayStore(
        [next_pk("prior_notification", 1, 6), Step("preliminary_add_notification", records=[])]
    )
    with pytest.raises(StoreError, match="写入事前告知失败"):
        store.record_prior_notification(
            41, recipient="x", notified_on=dt.date(2024, 6, 5), method="电话", notified_by="y", note="备注"
        )
    store.expect_done()


def test_preliminary_due_and_in_publicity() -> None:
    store = ReplayStore(
        [
            Step("preliminary_due", params={"on": dt.date(2024, 6, 11)}, records=[_preliminary_record()]),
            Step(
                "preliminary_in_publicity",
                params={"at": dt.date(2024, 6, 5), "after_from": None, "after_id": None, "limit": 50},
                records=[_preliminary_record()],
            ),
            Step(
                "preliminary_in_publicity",
                params={
                    "at": dt.date(2024, 6, 5),
                    "after_from": dt.date(2024, 6, 4),
                    "after_id": "R-1",
                    "limit": 2,
                },
                records=[],
            ),
        ]
    )
    (due,) = store.preliminary_due(dt.date(2024, 6, 11))
    assert (due.list_id, due.entry.pk, due.publicity_to) == ("PL-20240603-0001", 40, dt.date(2024, 6, 10))
    (shown,) = store.in_publicity(dt.date(2024, 6, 5))
    assert shown.entry.status == EntryStatus.publicised
    assert store.in_publicity(dt.date(2024, 6, 5), after=(dt.date(2024, 6, 4), "R-1"), limit=2) == []
    store.expect_done()


# --- the periodic job ---------------------------------------------------------------------------------------


def _stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_start_job_takes_the_lock_and_creates_a_run() -> None:
    store = ReplayStore(
        [
            Step("job_lock", check=holds(lambda p: set(p) == {"now"})),
            Step("job_running", params={}, records=[]),
            next_pk("job", 1, 4),
            Step(
                "job_create",
                check=holds(lambda p: (p["pk"], p["run_on"]) == (4, dt.date(2024, 6, 1))),
                records=[{"pk": 4}],
            ),
        ]
    )
    assert store.start_job(dt.date(2024, 6, 1)) == 4
    store.expect_done()
    assert all(call.write for call in store.calls)


def test_start_job_returns_none_while_a_recent_run_runs() -> None:
    recent = _stamp(dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5))
    store = ReplayStore([Step("job_lock"), Step("job_running", records=[{"pk": 3, "started_at": recent}])])
    assert store.start_job(dt.date(2024, 6, 1)) is None
    store.expect_done()


def test_start_job_takes_over_a_stale_run() -> None:
    stale = _stamp(dt.datetime.now(dt.UTC) - dt.timedelta(hours=3))

    def failed(p: Mapping[str, Any]) -> None:
        assert (p["pk"], p["status"]) == (3, "failed")
        assert json.loads(p["report"]) == {"error": "运行中断（进程退出），由后续运行接管"}

    store = ReplayStore(
        [
            Step("job_lock"),
            Step("job_running", records=[{"pk": 3, "started_at": stale}]),
            Step("job_finish", check=failed),
            next_pk("job", 1, 4),
            Step("job_create", records=[{"pk": 4}]),
        ]
    )
    assert store.start_job(dt.date(2024, 6, 1)) == 4
    store.expect_done()


def test_start_job_takes_over_at_once_from_a_process_that_is_gone() -> None:
    """A recent run whose process (on this host) has ended holds the lock no longer; one whose process is
    alive (this one) still does."""
    import os
    import socket
    import subprocess
    import sys

    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    recent = _stamp(dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1))
    gone = json.dumps({"owner": f"{socket.gethostname()}:{ended.pid}"})
    store = ReplayStore(
        [
            Step("job_lock"),
            Step("job_running", records=[{"pk": 3, "started_at": recent, "report": gone}]),
            Step("job_finish", check=holds(lambda p: (p["pk"], p["status"]) == (3, "failed"))),
            next_pk("job", 1, 4),
            Step(
                "job_create",
                check=holds(
                    lambda p: json.loads(p["report"]) == {"owner": f"{socket.gethostname()}:{os.getpid()}"}
                ),
                records=[{"pk": 4}],
            ),
        ]
    )
    assert store.start_job(dt.date(2024, 6, 1)) == 4
    store.expect_done()
    alive = json.dumps({"owner": f"{socket.gethostname()}:{os.getppid()}"})
    store = ReplayStore(
        [Step("job_lock"), Step("job_running", records=[{"pk": 3, "started_at": recent, "report": alive}])]
    )
    assert store.start_job(dt.date(2024, 6, 1)) is None
    store.expect_done()


def test_finish_job_and_list_jobs() -> None:
    def done(p: Mapping[str, Any]) -> None:
        assert (p["pk"], p["status"]) == (4, "done")
        assert json.loads(p["report"]) == {"expired": 2, "说明": "完成"}
        assert dt.datetime.strptime(p["finished_at"], "%Y-%m-%dT%H:%M:%SZ")

    store = ReplayStore(
        [
            Step("job_finish", check=done),
            Step(
                "job_list",
                params={"limit": 2},
                records=[
                    {
                        "pk": 4,
                        "started_at": "2024-06-01T00:00:00Z",
                        "finished_at": "2024-06-01T00:01:00Z",
                        "run_on": D(2024, 6, 1),
                        "status": "done",
                        "report": json.dumps({"expired": 2}),
                    },
                    {
                        "pk": 3,
                        "started_at": "2024-05-31T00:00:00Z",
                        "finished_at": None,
                        "run_on": D(2024, 5, 31),
                        "status": "running",
                        "report": None,
                    },
                ],
            ),
        ]
    )
    store.finish_job(4, status="done", report={"expired": 2, "说明": "完成"})
    newest, older = store.jobs(limit=2)
    assert (newest.pk, newest.run_on, newest.report) == (4, dt.date(2024, 6, 1), {"expired": 2})
    assert (older.finished_at, older.report) == (None, None)
    store.expect_done()
