"""``GET /v1/graph/paths`` and ``GET /v1/graph/why`` over the tiny city of ``tests/api``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.api import CLEAN, DIRECT, FIRM, NEW_LR, OLD_LR, PRINCIPAL, serve
from tests.fixtures import make_id_number

PATHS = "/v1/graph/paths"
WHY = "/v1/graph/why"


@pytest.fixture
def client(tmp_path: Path, store_kind: str) -> Iterator[TestClient]:
    with serve(tmp_path, store_kind) as opened:
        yield opened


def test_a_path_between_two_legal_representatives(client: TestClient) -> None:
    response = client.get(PATHS, params={"from": OLD_LR, "to": NEW_LR})
    assert response.status_code == 200
    body = response.json()
    assert (body["from"], body["to"], body["max_hops"]) == (f"person:{OLD_LR}", f"person:{NEW_LR}", 6)
    (path,) = body["paths"]
    assert path["length"] == 2
    assert path["nodes"] == [f"person:{OLD_LR}", f"enterprise:{FIRM}", f"person:{NEW_LR}"]
    edges = {edge["id"]: edge for edge in body["edges"]}
    assert set(path["edges"]) == set(edges)
    assert [edges[pk]["source"] for pk in path["edges"]] == [f"person:{OLD_LR}", f"person:{NEW_LR}"]
    assert {node["id"] for node in body["nodes"]} == set(path["nodes"])
    assert body["message"] is None
    assert body["truncated"] is False


def test_as_of_a_date_the_path_is_gone(client: TestClient) -> None:
    # On 2023-01-01 王旧 no longer holds his role: no edge from him at all.
    body = client.get(PATHS, params={"from": OLD_LR, "to": NEW_LR, "at": "2023-01-01"}).json()
    assert body["paths"] == []
    assert body["message"] is not None


def test_no_path_within_max_hops_and_none_at_all(client: TestClient) -> None:
    body = client.get(PATHS, params={"from": OLD_LR, "to": PRINCIPAL, "max_hops": 1}).json()
    assert body["paths"] == []
    assert body["message"] == "1 跳以内未找到关联路径"
    unrelated = client.get(PATHS, params={"from": OLD_LR, "to": CLEAN}).json()
    assert unrelated["paths"] == []
    assert unrelated["message"] is not None


@pytest.mark.parametrize(("name", "value", "cap"), [("max_hops", 7, "6"), ("limit", 21, "20")])
def test_path_caps(client: TestClient, name: str, value: int, cap: str) -> None:
    response = client.get(PATHS, params={"from": OLD_LR, "to": NEW_LR, name: value})
    assert response.status_code == 422
    assert response.json()["code"] == "over_cap"
    assert cap in response.json()["detail"]


def test_path_to_an_unknown_subject_is_404(client: TestClient) -> None:
    response = client.get(PATHS, params={"from": OLD_LR, "to": make_id_number(888)})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_why_highlights_the_derived_records_path(client: TestClient) -> None:
    response = client.get(
        WHY, params={"subject": OLD_LR, "at": "2024-05-01", "business_item": "public_procurement"}
    )
    assert response.status_code == 200
    body = response.json()
    (item,) = body["items"]
    profile = client.get(f"/v1/subjects/{OLD_LR}").json()
    (derived,) = profile["derived"]
    assert item["entry_id"] == derived["entry"]["entry_id"] == "B-FIRM"
    assert item["via"] == {
        "enterprise": f"enterprise:{FIRM}",
        "role": derived["path"]["role"],
        "role_name": "法定代表人",
        "start": derived["path"]["role_start"],
        "end": derived["path"]["role_end"],
        "holder_basis": derived["path"]["holder_basis"],
    }
    assert (item["valid_from"], item["valid_to"]) == (
        derived["path"]["valid_from"],
        derived["path"]["valid_to"],
    )
    assert [m["measure_id"] for m in item["measures"]] == ["M-LR-GP"]
    (edge_id,) = body["highlight"]["edges"]
    edge = next(edge for edge in body["edges"] if edge["id"] == edge_id)
    assert (edge["source"], edge["target"], edge["start"], edge["end"]) == (
        f"person:{OLD_LR}",
        f"enterprise:{FIRM}",
        derived["path"]["role_start"],
        derived["path"]["role_end"],
    )
    assert set(body["highlight"]["nodes"]) == {f"person:{OLD_LR}", f"enterprise:{FIRM}"}
    assert set(body["highlight"]["nodes"]) <= {node["id"] for node in body["nodes"]}
    check = client.get(
        f"/v1/subjects/{OLD_LR}/check", params={"at": "2024-05-01", "business_item": "public_procurement"}
    )
    assert item["explanation"] == check.json()["items"][0]["explanation"]


def test_why_a_current_holder_and_a_date_before_he_took_over(client: TestClient) -> None:
    body = client.get(WHY, params={"subject": NEW_LR, "at": "2024-05-01"}).json()
    (item,) = body["items"]
    assert item["via"]["holder_basis"] == "current"
    assert item["valid_from"] == "2022-07-01"
    before = client.get(WHY, params={"subject": NEW_LR, "at": "2022-05-01"}).json()
    assert before["items"] == []
    assert before["highlight"] == {"nodes": [f"person:{NEW_LR}"], "edges": []}


def test_why_a_direct_entry_highlights_the_subject_itself(client: TestClient) -> None:
    body = client.get(WHY, params={"subject": DIRECT, "at": "2024-05-01"}).json()
    (item,) = body["items"]
    assert item["entry_id"] == "B-DIRECT"
    assert item["via"] is None
    assert body["highlight"] == {"nodes": [f"person:{DIRECT}"], "edges": []}
    assert "孙直" in item["explanation"]
