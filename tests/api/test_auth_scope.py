"""Roles narrowed to their own (R10): a business system to its business items, an implementing department
to its dispatches, an identifying department to its list types; rate limits, headers and CORS."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.principal import Role
from tests.api import DIRECT_ENTRY, FIRM, FIRM_ENTRY, NEW_LR, serve
from tests.fixtures import LIST_TYPE, AuthHeaders

FINANCE = "常州市财政局"
COURT = "常州市中级人民法院"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with serve(tmp_path) as opened:
        yield opened


def test_a_business_system_checks_only_for_its_own_business_items(
    client: TestClient, auth_headers: AuthHeaders
) -> None:
    system = auth_headers(Role.BUSINESS_SYSTEM, business_items=["public_procurement"])
    check = f"/v1/subjects/{NEW_LR}/check"
    own = client.get(check, params={"business_item": "public_procurement"}, headers=system)
    assert own.status_code == 200, own.text
    assert own.json()["restricted"] is True
    for params in ({}, {"business_item": "high_consumption"}):
        refused = client.get(check, params=params, headers=system)
        assert refused.status_code == 403
        assert "public_procurement" in refused.json()["detail"]
    batch = {"ids": [NEW_LR, FIRM], "at": "2024-05-01"}
    assert client.post("/v1/check", json=batch, headers=system).status_code == 403
    answered = client.post("/v1/check", json={**batch, "business_item": "public_procurement"}, headers=system)
    assert answered.status_code == 200
    assert len(answered.json()["results"]) == 2
    # A business system reaches nothing but the check.
    assert client.get(f"/v1/subjects/{NEW_LR}", headers=system).status_code == 403


def test_an_implementing_department_reads_and_answers_only_its_own_dispatches(
    client: TestClient, auth_headers: AuthHeaders
) -> None:
    assert client.post("/v1/dispatches/run", json={"on": "2024-05-01"}).status_code == 200
    finance = auth_headers(Role.IMPLEMENTING_DEPARTMENT, department=FINANCE)
    own = client.get("/v1/dispatches", params={"department": FINANCE}, headers=finance)
    assert own.status_code == 200
    mine = own.json()["items"]
    assert mine
    assert client.get("/v1/dispatches", params={"department": COURT}, headers=finance).status_code == 403
    court_items = client.get("/v1/dispatches", params={"department": COURT}).json()["items"]
    theirs = court_items[0]["dispatch_id"]
    assert client.get(f"/v1/dispatches/{theirs}", headers=finance).status_code == 403
    answer = {"department": COURT, "outcome": "applied", "actor": "冒充者"}
    assert client.post(f"/v1/dispatches/{theirs}/feedback", json=answer, headers=finance).status_code == 403
    first = mine[0]["dispatch_id"]
    assert client.get(f"/v1/dispatches/{first}", headers=finance).status_code == 200
    applied = {"department": FINANCE, "outcome": "applied", "actor": "财政局经办人"}
    assert client.post(f"/v1/dispatches/{first}/feedback", json=applied, headers=finance).status_code == 201
    # Statistics and settings are the credit authority's.
    assert client.get("/v1/dispatches/stats", headers=finance).status_code == 403


def test_an_identifying_department_reaches_only_entries_of_its_list_types(
    client: TestClient, auth_headers: AuthHeaders
) -> None:
    court = auth_headers(Role.IDENTIFYING_DEPARTMENT, list_types=[LIST_TYPE])
    other = auth_headers(Role.IDENTIFYING_DEPARTMENT, list_types=["重大税收违法失信主体"])
    assert client.get(f"/v1/entries/{FIRM_ENTRY}", headers=court).status_code == 200
    assert client.get(f"/v1/entries/{FIRM_ENTRY}/history", headers=court).status_code == 200
    refused = client.get(f"/v1/entries/{FIRM_ENTRY}", headers=other)
    assert refused.status_code == 403
    assert LIST_TYPE in refused.json()["detail"]
    objection = {"filed_by": "赵负", "reason": "不是本人", "on": "2024-05-01"}
    assert (
        client.post(f"/v1/entries/{DIRECT_ENTRY}/objections", json=objection, headers=other).status_code
        == 403
    )
    filed = client.post(f"/v1/entries/{DIRECT_ENTRY}/objections", json=objection, headers=court)
    assert filed.status_code == 201, filed.text
    # Not the graph, not the check.
    assert client.get(f"/v1/subjects/{NEW_LR}/check", headers=court).status_code == 403


def test_checks_over_the_rate_limit_are_429_with_retry_after(tmp_path: Path) -> None:
    with serve(tmp_path, check_rate=1, check_burst=2) as client:
        check = f"/v1/subjects/{NEW_LR}/check"
        assert [client.get(check).status_code for _ in range(2)] == [200, 200]
        over = client.get(check)
        assert over.status_code == 429
        assert over.json()["code"] == "rate_limited"
        assert int(over.headers["retry-after"]) >= 1
        assert client.post("/v1/check", json={"ids": [NEW_LR]}).status_code == 429
        # Another client has its own bucket; the other endpoints are not limited.
        from tests.fixtures import issue_headers

        other = issue_headers(client.app, Role.INVESTIGATOR)  # type: ignore[arg-type]
        assert client.get(check, headers=other).status_code == 200
        assert client.get(f"/v1/subjects/{NEW_LR}").status_code == 200


def test_security_headers_and_no_cors_by_default(client: TestClient) -> None:
    response = client.get(f"/v1/subjects/{NEW_LR}/check", headers={"Origin": "https://elsewhere.example"})
    assert response.status_code == 200
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert "access-control-allow-origin" not in response.headers
    preflight = client.options(
        "/v1/check",
        headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in preflight.headers
    # The workbench keeps its own policy (its scripts and styles load from its origin).
    page = client.get("/ui/")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["x-frame-options"] == "SAMEORIGIN"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["cross-origin-resource-policy"] == "same-origin"
    # Each header once, the page's own kept.
    assert [name for name, _ in page.headers.multi_items()].count("x-content-type-options") == 1
    refused = client.get("/healthz", headers={"Authorization": "Bearer nonsense"})
    assert refused.headers["cache-control"] == "no-store"


def test_cors_opens_to_the_configured_origins_only(tmp_path: Path) -> None:
    with serve(tmp_path, cors_origins="https://workbench.example") as client:
        allowed = client.options(
            "/v1/check",
            headers={"Origin": "https://workbench.example", "Access-Control-Request-Method": "POST"},
        )
        assert allowed.headers["access-control-allow-origin"] == "https://workbench.example"
        other = client.get("/healthz", headers={"Origin": "https://elsewhere.example"})
        assert "access-control-allow-origin" not in other.headers


def test_an_identifying_department_uploads_only_lists_of_its_own_types(
    client: TestClient, auth_headers: AuthHeaders
) -> None:
    from tests.api import CLEAN_FIRM

    header = "名单编号,主体标识,名单类型,认定依据,失信行为日期,有效期自,有效期至\n"
    row = f"R-U1,{CLEAN_FIRM},{LIST_TYPE},（2024）苏04执1号,2024-03-01,2024-05-01,\n"
    rows = ("\ufeff" + header + row).encode()
    params = {"filename": "初步名单.csv", "department": COURT, "submitted_by": "王科员", "kind": "black"}
    court = auth_headers(Role.IDENTIFYING_DEPARTMENT, list_types=[LIST_TYPE])
    other = auth_headers(Role.IDENTIFYING_DEPARTMENT, list_types=["重大税收违法失信主体"])
    foreign = client.post("/v1/preliminary-lists/upload", params=params, content=rows, headers=other)
    assert foreign.status_code == 403
    assert LIST_TYPE in foreign.json()["detail"]
    own = client.post("/v1/preliminary-lists/upload", params=params, content=rows, headers=court)
    assert own.status_code == 201, own.text
    list_id = own.json()["list_id"]
    assert client.get(f"/v1/preliminary-lists/{list_id}", headers=court).status_code == 200
    assert client.get(f"/v1/preliminary-lists/{list_id}", headers=other).status_code == 403
