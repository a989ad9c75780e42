"""The check's fast path (``api.routers.subjects.CheckRoute``) answers exactly as FastAPI's way does: the same
status, headers and bytes, and the same audit records, for every kind of caller and every kind of refusal,
on the tiny city of ``tests/api`` with real credentials. ``app.state.fast_check`` switches the fast path off
for the comparison."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from api.audit import AuditLog
from api.principal import Role
from api.routers.subjects import CHECK_DEPENDENCIES, fast_check_applies
from tests.api import AMBIGUOUS, CLEAN, DIRECT, FIRM, NEW_LR, OLD_LR, serve
from tests.fixtures import issue_headers


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with serve(tmp_path) as opened:
        yield opened


def _records(client: TestClient) -> list[tuple[Any, ...]]:
    log: AuditLog = client.app.state.audit  # type: ignore[attr-defined]
    log.flush()
    return [(r.actor, r.role, r.action, r.target, r.whom, r.purpose, r.result) for r in log.query(limit=1000)]


def _both_ways(client: TestClient, url: str, headers: dict[str, str]) -> tuple[Any, ...]:
    """The answer and the records it left, asked the fast way and FastAPI's way: they must be equal."""
    answers = []
    for fast in (True, False):
        client.app.state.fast_check = fast  # type: ignore[attr-defined]
        before = len(_records(client))
        response = client.get(url, headers=headers)
        answers.append(
            (
                response.status_code,
                sorted(response.headers.multi_items()),  # the order of the fields aside
                response.content,
                _records(client)[before:],
            )
        )
    assert answers[0] == answers[1], url
    return tuple(answers[0])


def test_the_app_serves_the_check_the_fast_way(client: TestClient) -> None:
    """``create_app`` switches the fast path on: its check route solves the dependencies it calls by hand (an
    app-wide dependency added later would switch it off, and this test would say so)."""
    assert client.app.state.fast_check is True  # type: ignore[attr-defined]
    assert fast_check_applies(client.app)  # type: ignore[arg-type]
    assert len(CHECK_DEPENDENCIES) == 4


def test_every_caller_gets_the_same_answer_and_records_either_way(client: TestClient) -> None:
    app = client.app
    business = issue_headers(app, Role.BUSINESS_SYSTEM, business_items=["public_procurement"])  # type: ignore[arg-type]
    investigator = issue_headers(app, Role.INVESTIGATOR)  # type: ignore[arg-type]
    admin = issue_headers(app, Role.CREDIT_ADMIN)  # type: ignore[arg-type]
    auditor = issue_headers(app, Role.AUDITOR)  # type: ignore[arg-type]
    purpose = {**investigator, "X-Purpose": quote("核查异议材料")}
    cases: list[tuple[dict[str, str], str, int]] = [
        (business, f"/v1/subjects/{OLD_LR}/check?business_item=public_procurement", 200),
        (business, f"/v1/subjects/{DIRECT}/check?business_item=public_procurement&at=2024-05-01", 200),
        (business, f"/v1/subjects/{FIRM}/check?business_item=public_procurement", 200),
        (business, f"/v1/subjects/{OLD_LR}/check", 403),
        (business, f"/v1/subjects/{OLD_LR}/check?business_item=high_consumption", 403),
        (investigator, f"/v1/subjects/{OLD_LR}/check", 200),
        (investigator, f"/v1/subjects/{NEW_LR}/check?purpose=%E5%A4%8D%E6%A0%B8", 200),
        (purpose, f"/v1/subjects/{NEW_LR}/check?at=", 200),
        (admin, f"/v1/subjects/{DIRECT}/check", 200),
        (admin, f"/v1/subjects/{CLEAN}/check?business_item=honours", 200),
        (admin, f"/v1/subjects/{AMBIGUOUS}/check", 409),
        (admin, f"/v1/subjects/{AMBIGUOUS}/check?subject_type=person", 200),
        (admin, f"/v1/subjects/{AMBIGUOUS}/check?subject_type=enterprise&subject_type=person", 200),
        (admin, f"/v1/subjects/{AMBIGUOUS}/check?subject_type=people", 422),
        (admin, f"/v1/subjects/{OLD_LR}/check?at=2024-13-01", 400),
        (admin, "/v1/subjects/320402198001019999/check", 422),
        (admin, "/v1/subjects/320402198001010012/check", 404),
        (auditor, f"/v1/subjects/{OLD_LR}/check", 403),
        ({}, f"/v1/subjects/{OLD_LR}/check", 401),
        ({"Authorization": "Bearer clk_000000000000_" + "a" * 43}, f"/v1/subjects/{OLD_LR}/check", 401),
    ]
    client.headers.pop("Authorization")
    for headers, url, status in cases:
        answer = _both_ways(client, url, headers)
        assert answer[0] == status, (url, answer[2])
    # The business system saw the person it asked about unmasked, named masked, and was recorded.
    status, _, body, records = _both_ways(
        client, f"/v1/subjects/{OLD_LR}/check?business_item=public_procurement", business
    )
    assert OLD_LR.encode() in body
    assert "王旧".encode() not in body
    assert [record[4] for record in records] == [(OLD_LR,)]
    # An investigator without a purpose saw it masked, and nothing was recorded.
    _, _, body, records = _both_ways(client, f"/v1/subjects/{OLD_LR}/check", investigator)
    assert OLD_LR.encode() not in body
    assert records == []


def test_the_rate_limit_spends_one_token_per_check_either_way(tmp_path: Path) -> None:
    with serve(tmp_path, check_rate=1, check_burst=2) as client:
        check = f"/v1/subjects/{NEW_LR}/check"
        answers = []
        for fast in (True, False):
            client.app.state.fast_check = fast  # type: ignore[attr-defined]
            headers = issue_headers(client.app, Role.INVESTIGATOR)  # type: ignore[arg-type]
            answers.append([client.get(check, headers=headers).status_code for _ in range(3)])
        assert answers == [[200, 200, 429], [200, 200, 429]]
