"""``GET /v1/analytics/*`` over the crafted city of ``tests/queries/test_analytics.py`` (known answers)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from tests.conftest import neo4j_test_settings, open_test_store
from tests.fixtures import admin_client
from tests.queries.test_analytics import K1, K2, K3, K5, N2, N4, Q1, Q2, Q5, Q6, Q8, build

AT = "2024-06-01"


@pytest.fixture
def client(tmp_path: Path, store_kind: str) -> Iterator[TestClient]:
    store = open_test_store(store_kind, tmp_path)
    try:
        build(store)
    finally:
        store.close()
    settings = {"db": tmp_path / "credlink-test.db"} if store_kind == "sqlite" else neo4j_test_settings()
    access_db = tmp_path / "credlink-access.db"
    with TestClient(create_app(Settings(**settings, deliver_every_seconds=0, access_db=access_db))) as opened:
        admin_client(opened)
        yield opened


def test_group_with_key_persons(client: TestClient) -> None:
    response = client.get("/v1/analytics/group", params={"subject": K1})
    assert response.status_code == 200
    body = response.json()
    assert body["subject"] == f"enterprise:{K1}"
    assert {node["subject_type"] for node in body["enterprises"]} == {"enterprise"}
    assert {node["subject_type"] for node in body["persons"]} == {"person"}
    assert len(body["enterprises"]) == 5
    assert len(body["persons"]) == 5
    first, second = body["key_persons"][:2]
    assert (first["id"], second["id"]) == (f"person:{Q5}", f"person:{Q1}")
    assert first["betweenness"] > second["betweenness"] > 0
    assert first["degree"] == 2
    assert body["truncated"] is False
    assert body["message"] is None
    edge_ends = {(edge["source"], edge["target"]) for edge in body["edges"]}
    assert (f"person:{Q1}", f"enterprise:{K2}") in edge_ends
    now = client.get("/v1/analytics/group", params={"subject": K1, "at": AT}).json()
    assert {node["code"] for node in now["enterprises"]} == {K1, K2, K3}
    capped = client.get("/v1/analytics/group", params={"subject": K1, "max_nodes": 3}).json()
    assert capped["truncated"] is True
    assert capped["message"] is not None
    over = client.get("/v1/analytics/group", params={"subject": K1, "max_nodes": 2001})
    assert (over.status_code, over.json()["code"]) == (422, "over_cap")


def test_black_groups(client: TestClient) -> None:
    body = client.get("/v1/analytics/black-groups", params={"at": AT}).json()
    assert body["at"] == AT
    (group,) = body["groups"]
    assert [node["code"] for node in group["enterprises"]] == [K1, K2, K3]
    assert [node["code"] for node in group["persons"]] == [Q1, Q2]
    assert all(node["flags"] == ["black"] for node in group["enterprises"])


def test_multi_black_persons(client: TestClient) -> None:
    body = client.get("/v1/analytics/multi-black-persons", params={"at": AT}).json()
    assert [(item["code"], [firm["id"] for firm in item["firms"]]) for item in body["items"]] == [
        (Q1, [f"enterprise:{K1}", f"enterprise:{K2}"]),
        (Q2, [f"enterprise:{K2}", f"enterprise:{K3}"]),
    ]
    assert body["items"][0]["firms"][1]["role_name"] == "主要负责人"


def test_violations(client: TestClient) -> None:
    body = client.get("/v1/analytics/violations", params={"at": AT}).json()
    assert body["business_item"] == "company_registration"
    by_person = {item["person"]["code"]: item for item in body["items"]}
    assert set(by_person) == {Q1, Q2, Q6, Q8}
    q6 = by_person[Q6]
    assert q6["held"]["enterprise"]["id"] == f"enterprise:{N2}"
    assert (q6["held"]["role"], q6["held"]["start"]) == ("legal_representative", "2023-01-01")
    assert q6["restriction"]["via_enterprise"] == f"enterprise:{K5}"
    assert q6["restriction"]["measure_id"] == "M-REG"
    assert q6["restriction"]["implementing_department"] == "常州市市场监督管理局"
    assert q6["started_during_restriction"] is True
    assert "系限制期间新任" in q6["alert"]
    assert by_person[Q8]["held"]["enterprise"]["id"] == f"enterprise:{N4}"
    assert by_person[Q8]["suspended"] is True
    assert "暂停执行" in by_person[Q8]["alert"]
    assert by_person[Q1]["restriction"]["via_enterprise"] == f"enterprise:{K1}"
    assert by_person[Q1]["held"]["enterprise"]["id"] == f"enterprise:{K2}"
    assert by_person[Q1]["started_during_restriction"] is False
    only_lr = client.get(
        "/v1/analytics/violations", params={"at": AT, "roles": "legal_representative"}
    ).json()
    assert {item["person"]["code"] for item in only_lr["items"]} == {Q6, Q8}
    other_item = client.get(
        "/v1/analytics/violations", params={"at": AT, "business_item": "high_consumption"}
    ).json()
    assert other_item["items"] == []


def test_violations_are_paged_with_new_roles_first(client: TestClient) -> None:
    whole = client.get("/v1/analytics/violations", params={"at": AT}).json()
    assert whole["total"] == len(whole["items"]) == 4
    flags = [item["started_during_restriction"] for item in whole["items"]]
    assert flags == sorted(flags, reverse=True)
    assert flags[0] is True
    assert flags[-1] is False
    pages = [
        client.get("/v1/analytics/violations", params={"at": AT, "offset": offset, "limit": 3}).json()
        for offset in (0, 3)
    ]
    assert [len(page["items"]) for page in pages] == [3, 1]
    assert all(page["total"] == 4 for page in pages)
    assert pages[0]["items"] + pages[1]["items"] == whole["items"]


@pytest.mark.parametrize(
    ("path", "params", "cap"),
    [
        ("/v1/analytics/black-groups", {"limit": 201}, "200"),
        ("/v1/analytics/multi-black-persons", {"limit": 1001}, "1000"),
        ("/v1/analytics/violations", {"limit": 1001}, "1000"),
    ],
)
def test_analytics_limits_over_the_cap_are_422(client: TestClient, path: str, params: dict, cap: str) -> None:
    response = client.get(path, params=params)
    assert response.status_code == 422
    assert response.json()["code"] == "over_cap"
    assert cap in response.json()["detail"]
