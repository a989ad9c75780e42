"""Trigger–feedback over HTTP on the tiny city (R8): dispatch, feed by cursor, feedback, statistics,
overdue, settings, webhooks, and recalls after a revocation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api import DIRECT, FIRM, FIRM_ENTRY, NEW_LR, OLD_LR, serve

FINANCE = "常州市财政局"
COURT = "常州市中级人民法院"


@pytest.fixture
def client(tmp_path: Path, store_kind: str) -> Iterator[TestClient]:
    with serve(tmp_path, store_kind) as opened:
        yield opened


def _ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def _run(client: TestClient, on: str = "2024-05-01") -> dict[str, Any]:
    return _ok(client.post("/v1/dispatches/run", json={"on": on}))


def _feed(client: TestClient, department: str, after: int = 0, limit: int = 100) -> dict[str, Any]:
    return _ok(
        client.get("/v1/dispatches", params={"department": department, "after": after, "limit": limit})
    )


def test_a_run_dispatches_each_department_its_subjects_derived_persons_included(client: TestClient) -> None:
    run = _run(client)
    assert (run["started"], run["changed"], run["ended"]) == (6, 0, 0)
    finance = _feed(client, FINANCE)["items"]
    assert sorted(item["subject"]["code"] for item in finance) == sorted([FIRM, DIRECT, OLD_LR, NEW_LR])
    court = _feed(client, COURT)["items"]
    assert sorted(item["subject"]["code"] for item in court) == sorted([OLD_LR, NEW_LR])
    via_firm = next(item for item in court if item["subject"]["code"] == NEW_LR)
    assert via_firm["path"]["enterprise_code"] == FIRM
    assert via_firm["path"]["holder_basis"] == "current"
    assert via_firm["measure"]["content"] == "限制高消费"
    assert via_firm["action_label"] == "启动实施"
    assert "李新" in via_firm["description"]
    # The same day again: nothing new.
    assert _run(client)["started"] == 0


def test_the_feed_pages_without_missing_or_repeating(client: TestClient) -> None:
    _run(client)
    seen: list[int] = []
    after = 0
    for _ in range(10):  # bounded: a feed that never ends must fail, not hang
        page = _feed(client, FINANCE, after=after, limit=3)
        seen += [item["dispatch_id"] for item in page["items"]]
        after = page["next_after"]
        if not page["more"]:
            break
    assert not page["more"]
    assert len(seen) == len(set(seen)) == 4
    assert seen == sorted(seen)
    assert _feed(client, FINANCE, after=after)["items"] == []
    stats = _ok(client.get("/v1/dispatches/stats", params={"on": "2024-05-02"}))
    finance = next(row for row in stats["rows"] if row["department"] == FINANCE)
    assert (finance["dispatched"], finance["acknowledged"]) == (4, 4)


def test_feedback_statistics_and_overdue(client: TestClient) -> None:
    _run(client)
    [first, *_] = _feed(client, COURT)["items"]
    wrong = client.post(
        f"/v1/dispatches/{first['dispatch_id']}/feedback",
        json={"department": FINANCE, "outcome": "applied", "actor": "王五", "applied_on": "2024-05-02"},
    )
    assert wrong.status_code == 400
    assert wrong.json()["code"] == "invalid_request"
    no_reason = client.post(
        f"/v1/dispatches/{first['dispatch_id']}/feedback",
        json={"department": COURT, "outcome": "failed", "actor": "王五", "applied_on": "2024-05-02"},
    )
    assert no_reason.status_code == 400
    answer = _ok(
        client.post(
            f"/v1/dispatches/{first['dispatch_id']}/feedback",
            json={
                "department": COURT,
                "outcome": "not_applicable",
                "reason": "该人员无高消费行为",
                "actor": "法院 王五",
                "applied_on": "2024-05-02",
            },
        ),
        201,
    )
    assert answer["outcome_label"] == "不适用"
    detail = _ok(client.get(f"/v1/dispatches/{first['dispatch_id']}"))
    assert detail["dispatch"]["outcome"] == "not_applicable"
    assert [f["actor"] for f in detail["feedback"]] == ["法院 王五"]
    stats = _ok(client.get("/v1/dispatches/stats", params={"on": "2024-06-01", "by": "measure"}))
    court = {row["measure_id"]: row for row in stats["rows"] if row["department"] == COURT}
    assert court["M-LR-HC"]["dispatched"] == 2
    assert court["M-LR-HC"]["not_applicable"] == 1
    assert court["M-LR-HC"]["overdue"] == 1
    overdue = _ok(client.get("/v1/dispatches/overdue", params={"on": "2024-06-01", "department": COURT}))
    assert len(overdue["items"]) == 1
    assert overdue["items"][0]["dispatch_id"] != first["dispatch_id"]
    # Not overdue before the due day has passed.
    assert _ok(client.get("/v1/dispatches/overdue", params={"on": "2024-05-16"}))["items"] == []
    assert client.get("/v1/dispatches/999999").status_code == 404


def test_settings_change_the_due_day_and_are_kept(client: TestClient) -> None:
    assert _ok(client.get("/v1/dispatch-settings"))["feedback_days"] == 15
    bad = client.put(
        "/v1/dispatch-settings", json={"feedback_days": 0, "remind_every_days": 7, "actor": "赵六"}
    )
    assert bad.status_code == 400
    changed = _ok(
        client.put(
            "/v1/dispatch-settings",
            json={"feedback_days": 30, "remind_every_days": 3, "actor": "市信用办 赵六"},
        )
    )
    assert (changed["feedback_days"], changed["changed_by"]) == (30, "市信用办 赵六")
    _run(client)
    assert {item["feedback_due_on"] for item in _feed(client, FINANCE)["items"]} == {"2024-05-31"}


def test_an_objection_then_revocation_recalls_what_was_dispatched(client: TestClient) -> None:
    _run(client)
    _ok(
        client.post(
            f"/v1/entries/{FIRM_ENTRY}/objections",
            json={"filed_by": "常州甲建设工程有限公司", "reason": "已执行完毕", "on": "2024-05-06"},
        ),
        201,
    )
    _ok(
        client.post(
            f"/v1/entries/{FIRM_ENTRY}/objections/resolution",
            json={"outcome": "revoked", "actor": COURT, "reason": "误列", "on": "2024-05-10"},
        )
    )
    items = _ok(client.get(f"/v1/entries/{FIRM_ENTRY}/dispatches"))["items"]
    recalls = [item for item in items if item["recall"]]
    # Every application of the firm's entry (firm + two legal representatives × their measures) is recalled.
    assert len(recalls) == 5
    assert {item["reason"] for item in recalls} == {"revoked"}
    starts = [item for item in items if item["action"] == "start"]
    assert all(item["recalled_by"] is not None for item in starts)
    assert client.get("/v1/entries/NOPE/dispatches").status_code == 404


def test_webhooks_are_validated_listed_and_disabled(client: TestClient) -> None:
    bad = client.put(f"/v1/webhooks/{FINANCE}", json={"url": "ftp://x", "secret": "0123456789abcdef"})
    assert bad.status_code == 422
    short = client.put(f"/v1/webhooks/{FINANCE}", json={"url": "http://127.0.0.1:9/x", "secret": "short"})
    assert short.status_code == 422
    hook = _ok(
        client.put(
            f"/v1/webhooks/{FINANCE}", json={"url": "http://127.0.0.1:9/x", "secret": "0123456789abcdef"}
        )
    )
    assert hook["active"] is True
    assert "secret" not in hook
    run = _run(client)
    assert run["queued_webhooks"] == 4
    listing = _ok(client.get("/v1/webhooks"))
    assert [w["department"] for w in listing["webhooks"]] == [FINANCE]
    assert listing["outbox"]["pending"] == 4
    assert client.delete(f"/v1/webhooks/{FINANCE}").status_code == 204
    assert client.delete(f"/v1/webhooks/{FINANCE}").status_code == 404


def test_the_job_reports_its_dispatches(client: TestClient) -> None:
    report = _ok(client.post("/v1/jobs/run", json={"on": "2024-05-01"}))
    assert report["dispatches"]["started"] == 6
    assert report["reminders"] == 0
    later = _ok(client.post("/v1/jobs/run", json={"on": "2024-06-01"}))
    assert later["dispatches"] == {"started": 0, "changed": 0, "ended": 0, "recalled": 0}
    assert later["reminders"] == 6
