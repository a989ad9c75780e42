"""The Neo4j dispatch part against recorded driver records: what it asks (queries in order, parameters),
the frames it hands the planner (columns, types, fingerprints and payloads as the embedded store builds
them), what it writes from the plan, and the records it maps."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

import neo4j
import pandas as pd
import pytest

from graph.dispatch import plan_dispatches
from graph.errors import NotFound
from graph.frames import CURRENT_COLUMNS, PLANNED_COLUMNS, PREVIOUS_COLUMNS, DispatchFrames, DispatchSummary
from graph.store.port import DispatchSettings, DispatchStats, OutboxState, WebhookRecord
from tests.graph.neo4j.replay import ReplayStore, Step

ON = dt.date(2024, 3, 1)
D = neo4j.time.Date


def _entry(**overrides: Any) -> dict[str, Any]:
    entry = {
        "entry_id": "B-1",
        "kind": "black",
        "list_type": "tax",
        "department": "税务局",
        "basis": "决定书",
        "act_date": D(2023, 5, 1),
        "decided_on": None,
        "valid_from": D(2024, 1, 1),
        "valid_to": None,
        "status": "effective",
        "ended_on": None,
    }
    return {**entry, **overrides}


def _measure(measure_id: str, target: str, department: str) -> dict[str, Any]:
    return {
        "measure_id": measure_id,
        "content": f"限制 {measure_id}",
        "target": target,
        "legal_basis": "备忘录",
        "business_items": ["招投标", "融资"],
        "initiating_department": "发改委",
        "implementing_department": department,
        "sharing_method": None,
    }


DIRECT = {
    "entry_pk": 1,
    "subject_pk": 10,
    "role_pk": 0,
    "measure_id": "M1",
    "department": "市场监管局",
    "entry": _entry(),
    "subject": {"subject_type": "enterprise", "code": "91110000", "name": "甲公司"},
    "measure": _measure("M1", "subject", "市场监管局"),
    "path": None,
}
DERIVED = {
    "entry_pk": 1,
    "subject_pk": 20,
    "role_pk": 5,
    "measure_id": "M2",
    "department": "银行",
    "entry": _entry(),
    "subject": {"subject_type": "person", "code": "110101199001011234", "name": "张三"},
    "measure": _measure("M2", "legal_representative", "银行"),
    "path": {
        "enterprise_code": "91110000",
        "enterprise_name": "甲公司",
        "role": "legal_representative",
        "role_start": None,
        "role_end": D(2024, 6, 30),
        "holder_basis": "act_date",
        "valid_from": D(2024, 1, 1),
        "valid_to": None,
    },
}
ENTRY_FP = '["black","tax","税务局","决定书","2023-05-01",null,"2024-01-01",null,null]'


def _previous(**overrides: Any) -> dict[str, Any]:
    row = {
        "application_pk": 40,
        "entry_pk": 1,
        "subject_pk": 20,
        "role_pk": 5,
        "measure_id": "M2",
        "department": "银行",
        "entry_fp": ENTRY_FP,
        "measure_fp": '["限制 M2","legal_representative","备忘录","招投标;融资","发改委",null]',
        "path_fp": "old",
        "active": True,
        "ended_reason": None,
        "entry_status": "effective",
        "entry_valid_to": None,
        "entry_ended_on": None,
        "suspended": False,
        "measure_listed": True,
        "measure_matches": True,
        "last_dispatch_pk": 80,
    }
    return {**row, **overrides}


REVOKED = _previous(
    application_pk=41,
    entry_pk=2,
    subject_pk=30,
    role_pk=0,
    measure_id="M3",
    department="法院",
    path_fp="",
    entry_status="revoked",
    entry_valid_to=D(2025, 1, 1),
    last_dispatch_pk=81,
)


def _keys(name: str, count: int, first: int) -> Step:
    return Step("base_next_pks", params={"name": name, "count": count}, records=[{"first": first}])


def _lock(name: str) -> Step:
    def check(params: Mapping[str, Any]) -> None:
        assert params["name"] == name
        assert isinstance(params["at"], str)
        assert params["at"].endswith("Z")

    return Step("dispatch_lock", check=check)


class Capture:
    """The planner: records the frames it was given, plans as credlink does."""

    def __init__(self) -> None:
        self.frames: list[DispatchFrames] = []

    def __call__(self, frames: DispatchFrames) -> pd.DataFrame:
        self.frames.append(frames)
        return plan_dispatches(frames, ON)


def test_dispatch_reads_plans_and_writes_in_one_transaction() -> None:
    written: dict[str, Any] = {}

    def keep(name: str) -> Any:
        def check(params: Mapping[str, Any]) -> None:
            written[name] = params

        return check

    store = ReplayStore(
        [
            _lock("dispatch"),
            Step("dispatch_settings", params={}, records=[]),
            Step(
                "dispatch_applications",
                params={"rows": [{"entry_pk": 1}, {"entry_pk": 2}], "at": ON},
                records=[DIRECT, DERIVED],
            ),
            Step(
                "dispatch_previous",
                params={"rows": [{"entry_pk": 1}, {"entry_pk": 2}], "at": ON},
                records=[_previous(), REVOKED],
            ),
            _keys("dispatch_run", 1, 7),
            Step("dispatch_run_add", check=keep("run")),
            _keys("dispatch", 3, 100),
            _keys("application", 1, 50),
            Step("dispatch_add", check=keep("dispatches")),
            Step("dispatch_applications_save", check=keep("applications")),
            Step("dispatch_recall", check=keep("recalls")),
            Step(
                "webhook_active",
                params={"departments": ["市场监管局", "法院", "银行"]},
                records=[{"department": "法院", "pk": 3}],
            ),
            _keys("outbox", 1, 9),
            Step("outbox_add", check=keep("outbox"), records=[{"queued": 1}]),
        ]
    )
    planner = Capture()
    summary = store.dispatch(ON, [2, 1, 2], planner)
    store.expect_done()
    assert all(call.write for call in store.calls)
    assert summary == DispatchSummary(7, "2024-03-01", 1, 1, 1, 1, 1)

    # The frames: the columns and types the embedded store's rows have.
    (frames,) = planner.frames
    current, previous = frames.current, frames.previous
    assert list(current.columns) == CURRENT_COLUMNS
    assert list(previous.columns) == PREVIOUS_COLUMNS
    assert current["entry_pk"].dtype == "int64"
    assert current["role_pk"].tolist() == [0, 5]
    assert previous["active"].tolist() == [1, 1]
    assert previous["suspended"].dtype == "int64"
    # Built as the embedded store builds its frames (pd.DataFrame over row tuples): ISO text, missing = NA.
    assert previous["entry_valid_to"].isna().tolist() == [True, False]
    assert previous["entry_valid_to"][1] == "2025-01-01"
    assert previous["last_dispatch_pk"].tolist() == [80, 81]
    direct, derived = current.to_dict("records")
    assert direct["entry_fp"] == ENTRY_FP
    assert direct["measure_fp"] == '["限制 M1","subject","备忘录","招投标;融资","发改委",null]'
    assert direct["path_fp"] == ""
    assert derived["path_fp"] == '["legal_representative","","2024-06-30","act_date","2024-01-01",null]'
    payload = json.loads(derived["payload"])
    assert list(payload) == ["subject", "entry", "measure", "path"]
    assert payload["subject"] == {"type": "person", "code": "110101199001011234", "name": "张三"}
    assert payload["entry"]["act_date"] == "2023-05-01"
    assert payload["entry"]["valid_to"] is None
    assert "ended_on" not in payload["entry"]
    assert payload["measure"]["business_items"] == "招投标;融资"
    assert payload["path"]["role_start"] is None
    assert payload["path"]["role_end"] == "2024-06-30"
    assert json.loads(direct["payload"])["path"] is None

    # The run.
    assert written["run"] == {
        "pk": 7,
        "at": written["run"]["at"],
        "run_on": ON,
        "scope": "3",
        "started": 1,
        "changed": 1,
        "ended": 1,
        "recalled": 1,
    }
    # Ends first, then changes, then starts; consecutive pks; an end repeats the last dispatch's payload.
    rows = written["dispatches"]["rows"]
    assert [(r["pk"], r["action"], r["reason"], r["recall"]) for r in rows] == [
        (100, "end", "revoked", True),
        (101, "change", "path_changed", False),
        (102, "start", "listed", False),
    ]
    assert rows[0]["payload"] is None
    assert rows[0]["dispatch_pk"] == 81
    assert rows[1]["payload"] == derived["payload"]
    assert rows[1]["dispatch_pk"] is None
    assert all(r["run_pk"] == 7 and r["created_on"] == ON for r in rows)
    assert all(r["due_on"] == dt.date(2024, 3, 16) for r in rows)  # default 15 days
    assert {type(r["entry_pk"]) for r in rows} == {int}
    # Applications: the ended one inactive with why, the changed one updated, the new one a fresh pk.
    apps = {a["pk"]: a for a in written["applications"]["rows"]}
    assert apps[41]["active"] is False
    assert apps[41]["ended_reason"] == "revoked"
    assert apps[41]["path_fp"] == ""
    assert apps[41]["dispatch_pk"] == 100
    assert apps[40]["active"] is True
    assert apps[40]["path_fp"] == derived["path_fp"]
    assert apps[50]["measure_id"] == "M1"
    assert apps[50]["dispatch_pk"] == 102
    assert written["recalls"]["rows"] == [
        {"pk": 100, "entry_pk": 2, "subject_pk": 30, "role_pk": 0, "measure_id": "M3", "department": "法院"}
    ]
    # Only the department with an active webhook gets an outbox row.
    assert written["outbox"]["rows"] == [
        {"pk": 9, "webhook_pk": 3, "event": "dispatch", "dispatch_pk": 100, "reminder_pk": None}
    ]


def test_dispatch_of_everything_reads_every_entry_and_uses_the_settings() -> None:
    written: dict[str, Any] = {}
    store = ReplayStore(
        [
            _lock("dispatch"),
            Step(
                "dispatch_settings",
                records=[
                    {"feedback_days": 30, "remind_every_days": 3, "changed_at": "t", "changed_by": "me"}
                ],
            ),
            Step("dispatch_entry_pks", params={}, records=[{"pk": 1}]),
            Step("dispatch_applications", params={"rows": [{"entry_pk": 1}], "at": ON}, records=[DIRECT]),
            Step("dispatch_previous", records=[]),
            _keys("dispatch_run", 1, 1),
            Step("dispatch_run_add", check=lambda p: written.update(run=p)),
            _keys("dispatch", 1, 1),
            _keys("application", 1, 1),
            Step("dispatch_add", check=lambda p: written.update(dispatches=p)),
            Step("dispatch_applications_save"),
            Step("webhook_active", params={"departments": ["市场监管局"]}, records=[]),
        ],
        batch_size=1,
    )
    summary = store.dispatch(ON, None, Capture())
    store.expect_done()
    assert summary == DispatchSummary(1, "2024-03-01", 1, 0, 0, 0, 0)
    assert written["run"]["scope"] == "all"
    assert written["dispatches"]["rows"][0]["due_on"] == dt.date(2024, 3, 31)


def test_dispatch_with_nothing_to_do_writes_nothing() -> None:
    store = ReplayStore([_lock("dispatch"), Step("dispatch_settings")])
    planner = Capture()
    summary = store.dispatch(ON, [], planner)
    store.expect_done()
    assert summary == DispatchSummary(None, "2024-03-01", 0, 0, 0, 0, 0)
    (frames,) = planner.frames
    assert frames.current.empty
    assert list(frames.current.columns) == CURRENT_COLUMNS
    assert frames.previous.empty
    assert list(frames.previous.columns) == PREVIOUS_COLUMNS


def test_dispatch_batches_the_scope() -> None:
    store = ReplayStore(
        [
            _lock("dispatch"),
            Step("dispatch_settings"),
            Step("dispatch_applications", params={"rows": [{"entry_pk": 1}, {"entry_pk": 2}], "at": ON}),
            Step("dispatch_applications", params={"rows": [{"entry_pk": 3}], "at": ON}),
            Step("dispatch_previous", params={"rows": [{"entry_pk": 1}, {"entry_pk": 2}], "at": ON}),
            Step("dispatch_previous", params={"rows": [{"entry_pk": 3}], "at": ON}),
        ],
        batch_size=2,
    )
    empty = pd.DataFrame({c: pd.Series(dtype="object") for c in PLANNED_COLUMNS})
    assert store.dispatch(ON, [3, 2, 1], lambda frames: empty).run_id is None
    store.expect_done()


def test_a_role_not_found_leaves_the_start_null_in_the_fingerprint() -> None:
    path = {**DERIVED["path"], "role": None, "role_start": None, "role_end": None}  # type: ignore[dict-item]
    store = ReplayStore(
        [
            _lock("dispatch"),
            Step("dispatch_settings"),
            Step("dispatch_applications", records=[{**DERIVED, "path": path}]),
            Step("dispatch_previous"),
        ]
    )
    planner = Capture()
    empty = pd.DataFrame({c: pd.Series(dtype="object") for c in PLANNED_COLUMNS})
    store.dispatch(ON, [1], lambda frames: (planner.frames.append(frames), empty)[1])
    assert planner.frames[0].current["path_fp"][0] == '[null,null,null,"act_date","2024-01-01",null]'


# --- reading dispatches -------------------------------------------------------------------------------------


def _record(pk: int, **overrides: Any) -> dict[str, Any]:
    row = {
        "pk": pk,
        "run_pk": 7,
        "department": "法院",
        "action": "start",
        "reason": "listed",
        "recall": False,
        "entry_id": "B-1",
        "measure_id": "M3",
        "payload": json.dumps({"subject": {"name": "甲公司"}, "path": None}),
        "created_at": "2024-03-01T08:00:00Z",
        "created_on": D(2024, 3, 1),
        "due_on": D(2024, 3, 16),
        "recalled_by": None,
        "outcome": None,
        "acknowledged": False,
    }
    return {**row, **overrides}


def test_feed_without_a_cursor_only_reads() -> None:
    store = ReplayStore(
        [
            Step(
                "dispatch_feed",
                params={"department": "法院", "after": 0, "limit": 2},
                records=[{"pk": 3}, {"pk": 4}],
            ),
            Step(
                "dispatch_records",
                params={"pks": [3, 4]},
                records=[_record(3), _record(4, recall=True, recalled_by=9)],
            ),
        ]
    )
    feed = store.dispatch_feed("法院", after=0, limit=2)
    store.expect_done()
    assert not any(call.write for call in store.calls)
    assert [r.pk for r in feed] == [3, 4]
    first = feed[0]
    assert first.payload == {"subject": {"name": "甲公司"}, "path": None}
    assert first.created_on == dt.date(2024, 3, 1)
    assert first.due_on == dt.date(2024, 3, 16)
    assert first.recall is False
    assert first.recalled_by is None
    assert first.outcome is None
    assert feed[1].recall is True
    assert feed[1].recalled_by == 9


def test_feed_after_a_cursor_acknowledges_first() -> None:
    def cursor(params: Mapping[str, Any]) -> None:
        assert params["department"] == "法院"
        assert params["after"] == 5
        assert params["at"].endswith("Z")

    store = ReplayStore(
        [
            Step("dispatch_cursor", check=cursor),
            Step("dispatch_feed", params={"department": "法院", "after": 5, "limit": 10}, records=[]),
        ]
    )
    assert store.dispatch_feed("法院", after=5, limit=10) == []
    store.expect_done()
    assert [call.write for call in store.calls] == [True, False]


def test_dispatch_record_found_or_not() -> None:
    store = ReplayStore(
        [
            Step(
                "dispatch_records",
                params={"pks": [3]},
                records=[_record(3, outcome="applied", acknowledged=True)],
            ),
            Step("dispatch_records", params={"pks": [99]}, records=[]),
        ]
    )
    found = store.dispatch_record(3)
    assert found is not None
    assert found.outcome == "applied"
    assert found.acknowledged is True
    assert store.dispatch_record(99) is None
    store.expect_done()


def test_entry_dispatches_and_overdue() -> None:
    store = ReplayStore(
        [
            Step("dispatch_of_entry", params={"entry_pk": 1}, records=[]),
            Step(
                "dispatch_overdue",
                params={"on": ON, "department": None, "limit": 5},
                records=[{"pk": 2}],
            ),
            Step("dispatch_records", params={"pks": [2]}, records=[_record(2)]),
            Step("dispatch_overdue", params={"on": ON, "department": "法院", "limit": 1}, records=[]),
        ]
    )
    assert store.entry_dispatches(1) == []
    assert [r.pk for r in store.overdue_dispatches(ON, department=None, limit=5)] == [2]
    assert store.overdue_dispatches(ON, department="法院", limit=1) == []
    store.expect_done()


# --- feedback, statistics, settings, reminders ---------------------------------------------------------------


def test_record_feedback() -> None:
    def check(params: Mapping[str, Any]) -> None:
        assert {k: v for k, v in params.items() if k != "at"} == {
            "pk": 12,
            "dispatch_pk": 3,
            "outcome": "failed",
            "reason": "无法执行",
            "applied_on": ON,
            "actor": "李四",
        }

    store = ReplayStore(
        [_keys("feedback", 1, 12), Step("dispatch_feedback_add", check=check, records=[{"pk": 12}])]
    )
    record = store.record_feedback(3, outcome="failed", reason="无法执行", applied_on=ON, actor="李四")
    store.expect_done()
    assert (record.pk, record.dispatch_pk, record.outcome, record.applied_on) == (12, 3, "failed", ON)
    assert record.recorded_at == store.calls[1].params["at"]


def test_feedback_on_a_missing_dispatch_is_not_found() -> None:
    store = ReplayStore([_keys("feedback", 1, 1), Step("dispatch_feedback_add", records=[])])
    with pytest.raises(NotFound, match="99"):
        store.record_feedback(99, outcome="applied", reason=None, applied_on=ON, actor="x")
    store.expect_done()


def test_feedback_list() -> None:
    store = ReplayStore(
        [
            Step(
                "dispatch_feedback",
                params={"dispatch_pk": 3},
                records=[
                    {
                        "pk": 1,
                        "dispatch_pk": 3,
                        "outcome": "applied",
                        "reason": None,
                        "applied_on": D(2024, 3, 2),
                        "actor": "a",
                        "recorded_at": "t",
                    }
                ],
            )
        ]
    )
    (answer,) = store.feedback(3)
    assert answer.applied_on == dt.date(2024, 3, 2)
    assert answer.reason is None


def test_stats() -> None:
    row = {
        "department": "法院",
        "measure_id": "M3",
        "dispatched": 4,
        "acknowledged": 3,
        "applied": 1,
        "not_applicable": 1,
        "failed": 0,
        "unanswered": 2,
        "overdue": None,
    }
    store = ReplayStore([Step("dispatch_stats", params={"on": ON, "by_measure": True}, records=[row])])
    assert store.dispatch_stats(ON, by_measure=True) == [DispatchStats("法院", "M3", 4, 3, 1, 1, 0, 2, 0)]


def test_settings_default_then_kept() -> None:
    store = ReplayStore(
        [
            Step("dispatch_settings", records=[]),
            _keys("dispatch_settings", 1, 2),
            Step(
                "dispatch_settings_add",
                records=[
                    {"feedback_days": 20, "remind_every_days": 5, "changed_at": "t", "changed_by": "王"}
                ],
            ),
        ]
    )
    assert store.dispatch_settings() == DispatchSettings(15, 7, None, None)
    assert store.set_dispatch_settings(feedback_days=20, remind_every_days=5, actor="王") == DispatchSettings(
        20, 5, "t", "王"
    )
    store.expect_done()
    params = store.calls[-1].params
    assert (params["pk"], params["feedback_days"], params["remind_every_days"], params["actor"]) == (
        2,
        20,
        5,
        "王",
    )


def test_remind_overdue_records_reminders_and_queues_them() -> None:
    outbox: list[Any] = []
    store = ReplayStore(
        [
            _lock("reminder"),
            Step("dispatch_settings", records=[]),
            Step(
                "dispatch_remind_due",
                params={"on": ON, "since": dt.date(2024, 2, 23)},
                records=[{"dispatch_pk": 3, "department": "法院"}, {"dispatch_pk": 4, "department": "银行"}],
            ),
            _keys("reminder", 2, 20),
            Step(
                "dispatch_reminders_add",
                params={"rows": [{"pk": 20, "dispatch_pk": 3}, {"pk": 21, "dispatch_pk": 4}], "on": ON},
            ),
            Step(
                "webhook_active",
                params={"departments": ["法院", "银行"]},
                records=[{"department": "银行", "pk": 2}],
            ),
            _keys("outbox", 1, 30),
            Step("outbox_add", check=lambda p: outbox.append(p), records=[{"queued": 1}]),
        ]
    )
    assert store.remind_overdue(ON) == 2
    store.expect_done()
    assert outbox[0]["rows"] == [
        {"pk": 30, "webhook_pk": 2, "event": "reminder", "dispatch_pk": 4, "reminder_pk": 21}
    ]


def test_remind_overdue_with_nothing_due() -> None:
    store = ReplayStore(
        [_lock("reminder"), Step("dispatch_settings"), Step("dispatch_remind_due", records=[])]
    )
    assert store.remind_overdue(ON) == 0
    store.expect_done()


# --- webhooks and the outbox ----------------------------------------------------------------------------------


def test_webhooks() -> None:
    hook = {"pk": 1, "department": "法院", "url": "https://x", "active": True, "created_at": "t"}

    def check(params: Mapping[str, Any]) -> None:
        assert (params["pk"], params["department"], params["url"], params["secret"]) == (
            5,
            "法院",
            "https://x",
            "s",
        )

    store = ReplayStore(
        [
            _keys("webhook", 1, 5),
            Step("webhook_set", check=check, records=[hook]),
            Step("webhook_disable", params={"department": "法院"}, records=[{"changed": 1}]),
            Step("webhook_disable", params={"department": "法院"}, records=[{"changed": 0}]),
            Step("webhook_list", params={}, records=[{**hook, "active": False}]),
        ]
    )
    assert store.set_webhook("法院", url="https://x", secret="s") == WebhookRecord(
        1, "法院", "https://x", True, "t"
    )
    assert store.disable_webhook("法院") is True
    assert store.disable_webhook("法院") is False
    assert store.webhooks() == [WebhookRecord(1, "法院", "https://x", False, "t")]
    store.expect_done()


def test_lease_locks_then_rechecks_and_builds_deliveries() -> None:
    now = dt.datetime(2024, 3, 1, 16, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    leased = [
        {
            "pk": 5,
            "url": "https://x",
            "secret": "s",
            "event": "reminder",
            "dispatch_pk": 3,
            "reminder_pk": 20,
            "attempts": 2,
            "next_attempt_at": "2024-03-01T07:00:00Z",
        },
        {
            "pk": 6,
            "url": "https://x",
            "secret": "s",
            "event": "dispatch",
            "dispatch_pk": 3,
            "reminder_pk": None,
            "attempts": 0,
            "next_attempt_at": "2024-03-01T07:30:00Z",
        },
    ]
    store = ReplayStore(
        [
            Step(
                "outbox_lock_due",
                params={"now": "2024-03-01T08:00:00Z", "limit": 10},
                records=[{"pk": 4}, {"pk": 5}, {"pk": 6}],
            ),
            Step(
                "outbox_lease",
                params={"pks": [4, 5, 6], "now": "2024-03-01T08:00:00Z", "until": "2024-03-01T08:05:00Z"},
                records=leased,  # 4 was leased by another deliverer meanwhile: dropped by the re-check
            ),
            Step("dispatch_records", params={"pks": [3]}, records=[_record(3)]),
        ]
    )
    deliveries = store.lease_deliveries(now, limit=10, lease=dt.timedelta(minutes=5))
    store.expect_done()
    assert all(call.write for call in store.calls)
    assert [(d.outbox_pk, d.event, d.idempotency_key, d.attempts) for d in deliveries] == [
        (5, "reminder", "reminder-20", 2),
        (6, "dispatch", "dispatch-3", 0),
    ]
    assert deliveries[0].dispatch.pk == 3
    assert deliveries[0].url == "https://x"


def test_lease_with_nothing_due_and_naive_times_are_utc() -> None:
    store = ReplayStore(
        [Step("outbox_lock_due", params={"now": "2024-03-01T08:00:00Z", "limit": 1}, records=[])]
    )
    assert store.lease_deliveries(dt.datetime(2024, 3, 1, 8), limit=1, lease=dt.timedelta(seconds=30)) == []
    store.expect_done()


def test_delivery_results() -> None:
    at = dt.datetime(2024, 3, 1, 8, tzinfo=dt.UTC)
    store = ReplayStore(
        [
            Step("outbox_succeeded", params={"pk": 5, "at": "2024-03-01T08:00:00Z"}),
            Step(
                "outbox_failed",
                params={
                    "pk": 6,
                    "at": "2024-03-01T08:00:00Z",
                    "retry_at": "2024-03-01T09:00:00Z",
                    "error": "500",
                },
            ),
            Step(
                "outbox_failed",
                params={"pk": 7, "at": "2024-03-01T08:00:00Z", "retry_at": None, "error": "x" * 500},
            ),
        ]
    )
    store.delivery_succeeded(5, at)
    store.delivery_failed(6, at, error="500", retry_at=at + dt.timedelta(hours=1))
    store.delivery_failed(7, at, error="x" * 600, retry_at=None)
    store.expect_done()


def test_outbox_state() -> None:
    store = ReplayStore(
        [
            Step(
                "outbox_state",
                records=[{"pending": 0, "delivered": 0, "given_up": 0, "oldest_pending_at": None}],
            ),
            Step(
                "outbox_state",
                records=[{"pending": 2, "delivered": 5, "given_up": 1, "oldest_pending_at": "t"}],
            ),
        ]
    )
    assert store.outbox_state() == OutboxState(0, 0, 0, None)
    assert store.outbox_state() == OutboxState(2, 5, 1, "t")
