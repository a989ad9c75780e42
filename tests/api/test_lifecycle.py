"""The lifecycle over HTTP on the tiny city (R1, R5, R6, R7): history, objections, corrections, revocation,
repair and the periodic job.

王旧 (OLD_LR) is reached by the firm's entry ``B-FIRM`` through his legal representation on the act date, so
his check is the derived view of every step taken on the firm's entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from graph.store.sqlite import SQLiteStore
from tests.api import CLEAN, DIRECT, DIRECT_ENTRY, FIRM, FIRM_ENTRY, NEW_LR, OLD_LR, PRINCIPAL, serve

FIRM_PERSONS = (OLD_LR, NEW_LR, PRINCIPAL)


@pytest.fixture
def client(tmp_path: Path, store_kind: str) -> Iterator[TestClient]:
    with serve(tmp_path, store_kind) as opened:
        yield opened


def _check(client: TestClient, subject_id: str, at: str) -> dict[str, Any]:
    response = client.get(f"/v1/subjects/{subject_id}/check", params={"at": at})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _history(client: TestClient, entry_id: str = FIRM_ENTRY) -> dict[str, Any]:
    response = client.get(f"/v1/entries/{entry_id}/history")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _object(client: TestClient, on: str = "2024-05-06", entry_id: str = FIRM_ENTRY) -> dict[str, Any]:
    response = client.post(
        f"/v1/entries/{entry_id}/objections",
        json={"filed_by": "常州甲建设工程有限公司", "reason": "案件已执行完毕", "on": on},
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def _resolve(client: TestClient, outcome: str, on: str, **extra: Any) -> dict[str, Any]:
    response = client.post(
        f"/v1/entries/{FIRM_ENTRY}/objections/resolution",
        json={"outcome": outcome, "actor": "常州市中级人民法院", "reason": "经核实", "on": on, **extra},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _codes(actions: list[dict[str, str]]) -> list[str]:
    return [action["action"] for action in actions]


# --- history -----------------------------------------------------------------------------------------------


def test_history_of_an_untouched_entry(client: TestClient) -> None:
    body = _history(client)
    assert body["entry"]["entry_id"] == FIRM_ENTRY
    assert body["entry"]["status"] == "effective"
    assert body["entry"]["ended_on"] is None
    assert body["status_label"] == "生效"
    assert body["allowed_actions"] == [
        {"action": "file_objection", "label": "提出异议"},
        {"action": "correct", "label": "更正"},
        {"action": "revoke", "label": "撤销（误列）"},
        {"action": "approve_repair", "label": "信用修复"},
    ]
    (imported,) = body["events"]
    assert (imported["action"], imported["action_label"], imported["actor"]) == ("imported", "导入", "loader")
    assert body["objections"] == body["suspensions"] == body["repair_applications"] == body["notices"] == []


def test_history_of_an_unknown_entry_is_404(client: TestClient) -> None:
    response = client.get("/v1/entries/NO-SUCH-ENTRY/history")
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到名单记录 NO-SUCH-ENTRY", "code": "not_found"}


# --- objections (R5) ---------------------------------------------------------------------------------------


def test_objection_suspends_the_derived_measures_from_the_filing_day(client: TestClient) -> None:
    body = _object(client, on="2024-05-06")
    assert body["entry"]["status"] == "under_verification"
    assert body["status_label"] == "异议核实中"
    assert _codes(body["allowed_actions"]) == ["uphold", "correct", "revoke"]
    assert body["event"]["action"] == "file_objection"
    assert body["event"]["actor"] == "常州甲建设工程有限公司"
    assert body["event"]["on"] == "2024-05-06"
    assert body["event"]["before"]["status"] == "effective"
    assert body["event"]["after"]["status"] == "under_verification"

    during = _check(client, OLD_LR, "2024-05-06")
    assert during["restricted"] is False
    assert during["suspended"] is True
    (item,) = during["items"]
    assert item["via"]["enterprise_uscc"] == FIRM
    assert item["suspended"] is True
    assert item["applies"] is False
    assert "异议核实中，暂停执行" in item["explanation"]
    assert "异议核实中，暂停执行" in during["summary"]
    assert _check(client, OLD_LR, "2030-01-01")["restricted"] is False

    before = _check(client, OLD_LR, "2024-05-05")
    assert before["restricted"] is True
    assert before["suspended"] is False
    assert "暂停" not in before["summary"]

    history = _history(client)
    assert [o["status"] for o in history["objections"]] == ["open"]
    assert history["suspensions"] == [{"from_date": "2024-05-06", "to_date": None}]


def test_objecting_twice_is_409_listing_the_allowed_actions(client: TestClient) -> None:
    _object(client)
    response = client.post(
        f"/v1/entries/{FIRM_ENTRY}/objections",
        json={"filed_by": "常州甲建设工程有限公司", "reason": "再次异议"},
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "invalid_transition"
    assert "当前允许的操作：维持（异议不成立）、更正、撤销（误列）" in body["detail"]
    assert len(_history(client)["objections"]) == 1


@pytest.mark.parametrize(
    ("payload", "says"), [({"filed_by": "甲"}, "reason"), ({"reason": "已履行"}, "actor")]
)
def test_objection_without_actor_or_reason_is_400(
    client: TestClient, payload: dict[str, str], says: str
) -> None:
    response = client.post(f"/v1/entries/{FIRM_ENTRY}/objections", json=payload)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_request"
    assert says in response.json()["detail"]
    assert _history(client)["entry"]["status"] == "effective"


def test_objection_with_a_bad_date_is_400(client: TestClient) -> None:
    response = client.post(
        f"/v1/entries/{FIRM_ENTRY}/objections",
        json={"filed_by": "甲", "reason": "已履行", "on": "2024-02-30"},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_date"
    assert "2024-02-30" in response.json()["detail"]


def test_objection_to_an_unknown_entry_is_404(client: TestClient) -> None:
    response = client.post("/v1/entries/NO-SUCH-ENTRY/objections", json={"filed_by": "甲", "reason": "x"})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_upheld_objection_restricts_again_from_the_resolution_day(client: TestClient) -> None:
    _object(client, on="2024-05-06")
    body = _resolve(client, "upheld", on="2024-05-20")
    assert body["entry"]["status"] == "effective"
    assert body["event"]["action"] == "uphold"
    assert body["notices"] == []

    assert _check(client, OLD_LR, "2024-05-05")["restricted"] is True
    assert _check(client, OLD_LR, "2024-05-19")["restricted"] is False
    assert _check(client, OLD_LR, "2024-05-19")["suspended"] is True
    resumed = _check(client, OLD_LR, "2024-05-20")
    assert resumed["restricted"] is True
    assert resumed["suspended"] is False

    history = _history(client)
    (objection,) = history["objections"]
    assert (objection["status"], objection["resolved_on"], objection["resolved_by"]) == (
        "upheld",
        "2024-05-20",
        "常州市中级人民法院",
    )
    assert history["suspensions"] == [{"from_date": "2024-05-06", "to_date": "2024-05-19"}]
    assert [e["action"] for e in history["events"]] == ["imported", "file_objection", "uphold"]


def test_corrected_objection_changes_the_fields_and_keeps_the_history(client: TestClient) -> None:
    _object(client, on="2024-05-06")
    body = _resolve(client, "corrected", on="2024-05-20", changes={"valid_to": "2024-12-31"})
    assert body["entry"]["status"] == "effective"
    assert body["entry"]["valid_to"] == "2024-12-31"
    assert [n["kind"] for n in body["notices"]] == ["correction"]
    assert (body["event"]["before"]["valid_to"], body["event"]["after"]["valid_to"]) == (None, "2024-12-31")

    assert _check(client, OLD_LR, "2024-12-31")["restricted"] is True
    assert _check(client, OLD_LR, "2025-01-01")["items"] == []
    assert _history(client)["objections"][0]["status"] == "corrected"


def test_revoked_objection_voids_the_entry(client: TestClient) -> None:
    _object(client, on="2024-05-06")
    body = _resolve(client, "revoked", on="2024-05-20")
    assert body["entry"]["status"] == "revoked"
    assert [n["kind"] for n in body["notices"]] == ["correction", "apology"]
    assert _check(client, OLD_LR, "2024-05-01")["items"] == []
    assert _history(client)["objections"][0]["status"] == "revoked"


def test_resolution_without_an_open_objection_is_409(client: TestClient) -> None:
    response = client.post(
        f"/v1/entries/{FIRM_ENTRY}/objections/resolution",
        json={"outcome": "revoked", "actor": "常州市中级人民法院", "reason": "经核实"},
    )
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert "没有待处理的异议" in response.json()["detail"]
    assert "当前允许的操作：提出异议" in response.json()["detail"]
    assert _history(client)["entry"]["status"] == "effective"


def test_resolution_with_changes_but_not_corrected_is_400(client: TestClient) -> None:
    _object(client)
    response = client.post(
        f"/v1/entries/{FIRM_ENTRY}/objections/resolution",
        json={
            "outcome": "upheld",
            "actor": "法院",
            "reason": "经核实",
            "changes": {"valid_to": "2024-12-31"},
        },
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_request"


def test_unknown_outcome_is_422(client: TestClient) -> None:
    _object(client)
    response = client.post(
        f"/v1/entries/{FIRM_ENTRY}/objections/resolution",
        json={"outcome": "dismissed", "actor": "法院", "reason": "经核实"},
    )
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


# --- corrections and revocation (R6) -----------------------------------------------------------------------


def test_correction_of_an_effective_entry(client: TestClient) -> None:
    response = client.post(
        f"/v1/entries/{FIRM_ENTRY}/corrections",
        json={
            "actor": "常州市中级人民法院",
            "reason": "认定依据文号有误",
            "changes": {"basis": "（2022）苏04执9号"},
        },
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["entry"]["basis"] == "（2022）苏04执9号"
    assert body["entry"]["status"] == "effective"
    assert body["event"]["action"] == "correct"
    assert body["event"]["action_label"] == "更正"
    (notice,) = body["notices"]
    assert (notice["kind"], notice["kind_label"]) == ("correction", "更正公告")
    assert "认定依据文号有误" in notice["text"]


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"subject_code": FIRM}, "不能更正字段"),
        ({}, "至少改变一个字段"),
        ({"valid_to": "2024-13-01"}, "YYYY-MM-DD"),
    ],
)
def test_invalid_correction_is_400(client: TestClient, changes: dict[str, str], says: str) -> None:
    response = client.post(
        f"/v1/entries/{FIRM_ENTRY}/corrections", json={"actor": "法院", "reason": "更正", "changes": changes}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_request"
    assert says in response.json()["detail"]


def test_revocation_clears_every_check_for_any_date_and_apologises(client: TestClient) -> None:
    assert _check(client, OLD_LR, "2023-01-01")["restricted"] is True
    response = client.post(
        f"/v1/entries/{FIRM_ENTRY}/revocation",
        json={"actor": "常州市中级人民法院", "reason": "主体识别错误，误列", "on": "2024-06-01"},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["entry"]["status"] == "revoked"
    assert body["allowed_actions"] == []
    assert [n["kind"] for n in body["notices"]] == ["correction", "apology"]

    for subject_id in (*FIRM_PERSONS, FIRM):
        for at in ("2022-03-01", "2023-01-01", "2024-05-31", "2024-06-01", "2030-01-01"):
            answer = _check(client, subject_id, at)
            assert answer["items"] == [], (subject_id, at)
            assert answer["restricted"] is False

    history = _history(client)
    assert history["status_label"] == "已撤销"
    assert [e["action"] for e in history["events"]] == ["imported", "revoke"]
    kinds = [n["kind"] for n in history["notices"]]
    assert kinds == ["correction", "apology"]
    apology = history["notices"][1]
    assert apology["kind_label"] == "书面道歉及澄清"
    assert "书面道歉" in apology["text"]
    assert client.get(f"/v1/entries/{FIRM_ENTRY}").json()["derived"] == []


def test_revoking_twice_is_409(client: TestClient) -> None:
    payload = {"actor": "法院", "reason": "误列"}
    assert client.post(f"/v1/entries/{FIRM_ENTRY}/revocation", json=payload).status_code == 201
    response = client.post(f"/v1/entries/{FIRM_ENTRY}/revocation", json=payload)
    assert response.status_code == 409
    assert "当前允许的操作：无" in response.json()["detail"]


# --- credit repair (R7) ------------------------------------------------------------------------------------


def _apply(client: TestClient, on: str = "2024-06-01", entry_id: str = FIRM_ENTRY) -> dict[str, Any]:
    response = client.post(
        f"/v1/entries/{entry_id}/repair-applications",
        json={"applicant": "常州甲建设工程有限公司", "evidence": "已履行全部义务，附结案证明", "on": on},
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def _decide(client: TestClient, application_id: int, *, approve: bool, on: str) -> Any:
    return client.post(
        f"/v1/repair-applications/{application_id}/decision",
        json={"approve": approve, "actor": "常州市中级人民法院", "reason": "经审核", "on": on},
    )


def test_approved_repair_ends_the_entry_from_the_approval_day(client: TestClient) -> None:
    application = _apply(client)
    assert application["entry_id"] == FIRM_ENTRY
    assert application["status"] == "pending"
    assert application["filed_on"] == "2024-06-01"
    assert application["applicant"] == "常州甲建设工程有限公司"

    response = _decide(client, application["application_id"], approve=True, on="2024-07-01")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["application"]["status"] == "approved"
    assert body["application"]["decided_on"] == "2024-07-01"
    assert body["entry"]["status"] == "repaired"
    assert body["entry"]["ended_on"] == "2024-07-01"
    assert body["status_label"] == "已信用修复"
    (exit_notice,) = body["notices"]
    assert exit_notice["kind"] == "exit"
    assert "自 2024-07-01 起移出" in exit_notice["text"]

    assert _check(client, OLD_LR, "2024-06-30")["restricted"] is True
    assert _check(client, FIRM, "2024-06-30")["restricted"] is True
    for subject_id in (OLD_LR, FIRM):
        assert _check(client, subject_id, "2024-07-01")["items"] == []
        assert _check(client, subject_id, "2030-01-01")["items"] == []

    history = _history(client)
    assert [e["action"] for e in history["events"]] == ["imported", "apply_for_repair", "approve_repair"]
    assert history["events"][1]["action_label"] == "申请信用修复"
    assert [n["kind"] for n in history["notices"]] == ["exit"]
    assert [a["status"] for a in history["repair_applications"]] == ["approved"]


def test_rejected_repair_leaves_the_entry_and_cannot_be_decided_again(client: TestClient) -> None:
    application = _apply(client)
    response = _decide(client, application["application_id"], approve=False, on="2024-07-01")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["application"]["status"] == "rejected"
    assert body["application"]["reason"] == "经审核"
    assert body["entry"]["status"] == "effective"
    assert body["notices"] == []
    assert _check(client, OLD_LR, "2024-07-01")["restricted"] is True

    again = _decide(client, application["application_id"], approve=True, on="2024-07-02")
    assert again.status_code == 409
    assert again.json()["code"] == "invalid_transition"
    assert [e["action"] for e in _history(client)["events"]][-1] == "repair_rejected"


def test_repairing_a_revoked_entry_is_409(client: TestClient) -> None:
    pending = _apply(client, on="2024-05-01")
    revoked = client.post(f"/v1/entries/{FIRM_ENTRY}/revocation", json={"actor": "法院", "reason": "误列"})
    assert revoked.status_code == 201

    response = client.post(
        f"/v1/entries/{FIRM_ENTRY}/repair-applications", json={"applicant": "甲", "evidence": "已履行"}
    )
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert "已撤销" in response.json()["detail"]
    assert "当前允许的操作：无" in response.json()["detail"]

    decided = _decide(client, pending["application_id"], approve=True, on="2024-07-01")
    assert decided.status_code == 409
    assert decided.json()["code"] == "invalid_transition"
    assert "当前允许的操作：无" in decided.json()["detail"]
    assert _history(client)["entry"]["status"] == "revoked"


def test_repair_application_needs_applicant_and_evidence(client: TestClient) -> None:
    response = client.post(f"/v1/entries/{FIRM_ENTRY}/repair-applications", json={"applicant": "甲"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_request"


def test_decision_on_an_unknown_application_is_404(client: TestClient) -> None:
    response = _decide(client, 999, approve=True, on="2024-07-01")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


# --- the periodic job --------------------------------------------------------------------------------------


def test_job_run_expires_an_entry_whose_validity_passed_and_is_listed(client: TestClient) -> None:
    corrected = client.post(
        f"/v1/entries/{DIRECT_ENTRY}/corrections",
        json={
            "actor": "法院",
            "reason": "惩戒期限录入有误",
            "changes": {"valid_to": "2024-01-31"},
            "on": "2024-01-15",
        },
    )
    assert corrected.status_code == 201, corrected.text
    assert _codes(_history(client, DIRECT_ENTRY)["allowed_actions"]).count("expire") == 1

    response = client.post("/v1/jobs/run", json={"on": "2024-02-01"})
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["ran"] is True
    assert report["run_on"] == "2024-02-01"
    assert report["expired"] == [DIRECT_ENTRY]
    assert report["removed"] == []
    assert report["propagation"]["records"] == 3

    history = _history(client, DIRECT_ENTRY)
    assert history["entry"]["status"] == "expired"
    assert history["events"][-1]["actor"] == "periodic_job"
    assert [n["kind"] for n in history["notices"]] == ["correction", "exit"]
    assert _check(client, DIRECT, "2024-01-31")["restricted"] is True
    assert _check(client, DIRECT, "2024-02-01")["items"] == []

    jobs = client.get("/v1/jobs")
    assert jobs.status_code == 200
    (run,) = jobs.json()["jobs"]
    assert run["job_id"] == report["job_id"]
    assert (run["run_on"], run["status"]) == ("2024-02-01", "done")
    assert run["finished_at"] is not None
    assert run["report"]["expired"] == [DIRECT_ENTRY]


def test_job_run_without_a_body_runs_for_today(client: TestClient) -> None:
    response = client.post("/v1/jobs/run")
    assert response.status_code == 200, response.text
    assert response.json()["expired"] == []
    assert len(client.get("/v1/jobs").json()["jobs"]) == 1


def test_job_run_while_another_run_holds_the_lock_is_409(tmp_path: Path) -> None:
    with serve(tmp_path) as client:
        other = SQLiteStore(tmp_path / "city.db")
        try:
            assert other.start_job(dt.date.today()) is not None
        finally:
            other.close()
        response = client.post("/v1/jobs/run", json={})
        assert response.status_code == 409
        body = response.json()
        assert body["code"] == "job_running"
        assert "正在运行" in body["detail"]
        assert [run["status"] for run in client.get("/v1/jobs").json()["jobs"]] == ["running"]


def test_job_run_with_a_bad_date_is_400(client: TestClient) -> None:
    response = client.post("/v1/jobs/run", json={"on": "tomorrow"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_date"


# --- documentation -----------------------------------------------------------------------------------------


def test_lifecycle_routes_document_their_errors(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/v1/entries/{entry_id}/objections",
        "/v1/entries/{entry_id}/objections/resolution",
        "/v1/entries/{entry_id}/corrections",
        "/v1/entries/{entry_id}/revocation",
        "/v1/entries/{entry_id}/repair-applications",
        "/v1/repair-applications/{application_id}/decision",
        "/v1/jobs/run",
    ):
        assert {"400", "409"} <= set(paths[path]["post"]["responses"]), path
    assert "404" in paths["/v1/entries/{entry_id}/history"]["get"]["responses"]


def test_a_clean_person_is_untouched_by_the_lifecycle(client: TestClient) -> None:
    _object(client)
    assert _check(client, CLEAN, "2024-06-01")["items"] == []
