"""What the API records in the audit log, and ``GET /v1/audit`` for auditors, on the tiny city of ``tests/api``.

Reads that carry an unmasked person id number are recorded (who, what, whom, purpose, result), masked reads
are not; every write is recorded, committed before its answer leaves.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.audit import AuditLog, AuditRecord
from api.principal import ANONYMOUS, Principal, Role, get_principal
from api.settings import Settings
from graph.privacy import mask_id_number
from tests.api import FIRM, NEW_LR, OLD_LR, build_city

ADMIN = Principal(actor="user:admin", role=Role.CREDIT_ADMIN)
INVESTIGATOR = Principal(actor="user:inv", role=Role.INVESTIGATOR)
AUDITOR = Principal(actor="user:aud", role=Role.AUDITOR)
IDENTIFYING = Principal(
    actor="key:idd", role=Role.IDENTIFYING_DEPARTMENT, list_types=frozenset({"失信被执行人"})
)
BUSINESS = Principal(
    actor="key:bs1", role=Role.BUSINESS_SYSTEM, business_items=frozenset({"public_procurement"})
)


class Caller:
    """The client, the principal its requests are answered for (this module's one override) and the log."""

    def __init__(self, client: TestClient, access_db: Path) -> None:
        self.client = client
        self.access_db = access_db
        self.act_as(ADMIN)

    def act_as(self, principal: Principal) -> None:
        self.client.app.dependency_overrides[get_principal] = lambda: principal  # type: ignore[attr-defined]

    @property
    def log(self) -> AuditLog:
        log: AuditLog = self.client.app.state.audit  # type: ignore[attr-defined]
        return log

    def records(self, **filters: Any) -> list[AuditRecord]:
        self.log.flush()
        return self.log.query(limit=1000, **filters)


@pytest.fixture
def caller(tmp_path: Path) -> Iterator[Caller]:
    db = build_city(tmp_path / "city.db")
    with TestClient(create_app(Settings(db=db, deliver_every_seconds=0))) as client:
        yield Caller(client, tmp_path / "credlink-access.db")


def test_an_unmasked_read_is_recorded_with_who_what_whom_and_result(caller: Caller) -> None:
    assert caller.client.get(f"/v1/subjects/{OLD_LR}").status_code == 200
    (record,) = caller.records()
    assert (record.actor, record.role, record.action, record.result) == (
        "user:admin",
        "credit_admin",
        "GET /v1/subjects/{subject_id}",
        "200",
    )
    assert record.target == f"/v1/subjects/{OLD_LR}"
    assert record.whom == (OLD_LR,)
    assert record.purpose is None
    assert dt.datetime.fromisoformat(record.at).tzinfo is not None


def test_a_masked_read_and_a_read_without_persons_are_not_recorded(caller: Caller) -> None:
    # The public and the auditor are refused the subject (401, 403); an investigator without a purpose
    # reads it masked. None of the three saw a person's data.
    for principal, status in ((ANONYMOUS, 401), (INVESTIGATOR, 200), (AUDITOR, 403)):
        caller.act_as(principal)
        assert caller.client.get(f"/v1/subjects/{OLD_LR}").status_code == status
    caller.act_as(ADMIN)
    assert caller.client.get("/v1/public/measures").status_code == 200
    assert caller.records() == []


def test_the_purpose_is_recorded(caller: Caller) -> None:
    caller.act_as(INVESTIGATOR)
    caller.client.get(
        f"/v1/graph/neighbourhood?subject={FIRM}",
        headers={"X-Purpose": "%E5%BC%82%E8%AE%AE%E5%A4%8D%E6%A0%B8"},
    )
    (record,) = caller.records()
    assert record.purpose == "异议复核"
    assert set(record.whom) >= {OLD_LR, NEW_LR}


def test_a_business_systems_check_is_recorded_with_the_persons_it_asked_about(caller: Caller) -> None:
    caller.act_as(BUSINESS)
    answer = caller.client.post(
        "/v1/check", json={"ids": [OLD_LR, FIRM], "at": "2024-05-01", "business_item": "public_procurement"}
    )
    assert answer.status_code == 200, answer.text
    (record,) = caller.records()
    assert (record.action, record.whom, record.role) == ("POST /v1/check", (OLD_LR,), "business_system")


def test_a_write_is_committed_before_its_answer_and_a_refused_one_too(caller: Caller) -> None:
    done = caller.client.post("/v1/dispatches/run", json={"on": "2024-05-01"})
    assert done.status_code == 200
    # No flush: the record is in the file already.
    connection = sqlite3.connect(caller.access_db)
    try:
        rows = connection.execute("SELECT action, result FROM audit_log").fetchall()
    finally:
        connection.close()
    assert rows == [("POST /v1/dispatches/run", "200")]
    caller.act_as(IDENTIFYING)
    refused = caller.client.post(
        "/v1/entries/B-FIRM/objections/resolution", json={"outcome": "revoked", "actor": "x", "reason": "y"}
    )
    assert refused.status_code == 409
    caller.act_as(INVESTIGATOR)
    assert caller.client.post("/v1/dispatches/run", json={"on": "2024-05-02"}).status_code == 403
    writes = caller.records(action="POST")
    assert [(r.action, r.result, r.actor) for r in writes] == [
        ("POST /v1/dispatches/run", "200", "user:admin"),
        ("POST /v1/entries/{entry_id}/objections/resolution", "409", "key:idd"),
        ("POST /v1/dispatches/run", "403", "user:inv"),
    ]


def test_a_write_names_the_persons_it_concerns(caller: Caller) -> None:
    caller.client.post(
        "/v1/entries/B-DIRECT/objections", json={"filed_by": "孙直", "reason": "误列", "on": "2024-05-06"}
    )
    (record,) = caller.records(action="POST")
    assert record.whom  # the listed person, from the answer
    assert record.result == "201"


def test_closing_the_app_flushes_what_is_queued(tmp_path: Path) -> None:
    db = build_city(tmp_path / "city.db")
    app = create_app(Settings(db=db, deliver_every_seconds=0))
    app.dependency_overrides[get_principal] = lambda: ADMIN
    with TestClient(app) as client:
        app.state.audit.flush_seconds = 60.0
        for subject in (OLD_LR, NEW_LR):
            client.get(f"/v1/subjects/{subject}")
    log = AuditLog(tmp_path / "credlink-access.db", writer=False)
    try:
        assert [record.whom for record in log.query()] == [(OLD_LR,), (NEW_LR,)]
        assert log.verify().ok
    finally:
        log.close()


def test_the_audit_log_is_for_auditors_only(caller: Caller) -> None:
    for principal in (ADMIN, INVESTIGATOR, BUSINESS):
        caller.act_as(principal)
        response = caller.client.get("/v1/audit")
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
    caller.act_as(ANONYMOUS)
    assert caller.client.get("/v1/audit").status_code == 401


def test_auditors_filter_and_page_and_see_persons_masked(caller: Caller) -> None:
    caller.client.get(f"/v1/subjects/{OLD_LR}")
    caller.act_as(INVESTIGATOR)
    caller.client.get(f"/v1/subjects/{NEW_LR}?purpose=case-7")
    caller.client.post("/v1/dispatches/run", json={"on": "2024-05-01"})
    everything = caller.records()
    assert len(everything) == 3
    caller.act_as(AUDITOR)

    def page(**params: Any) -> dict[str, Any]:
        response = caller.client.get("/v1/audit", params=params)
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    all_items = page()["items"]
    assert [item["seq"] for item in all_items] == [1, 2, 3]
    assert all_items[0]["whom"] == [mask_id_number(OLD_LR)]
    assert OLD_LR not in str(all_items)
    assert [item["seq"] for item in page(actor="user:inv")["items"]] == [2, 3]
    assert [item["seq"] for item in page(whom=NEW_LR)["items"]] == [2]
    assert [item["seq"] for item in page(action="POST")["items"]] == [3]
    assert page(since=everything[1].at, until=everything[2].at)["items"][0]["seq"] == 2
    assert len(page(since=everything[1].at, until=everything[2].at)["items"]) == 1
    first = page(limit=2)
    assert ([item["seq"] for item in first["items"]], first["next_after"]) == ([1, 2], 2)
    rest = page(limit=2, after=first["next_after"])
    assert next(item["seq"] for item in rest["items"]) == 3
    bad = caller.client.get("/v1/audit", params={"since": "yesterday"})
    assert bad.status_code == 400
    # The auditor's reads are themselves in the log.
    assert any(record.actor == "user:aud" for record in caller.records(action="GET /v1/audit"))
