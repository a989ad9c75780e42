"""``POST /v1/check``: many ids at once; one bad id never fails the batch."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.api import AMBIGUOUS, CLEAN, FIRM, NEW_LR, OLD_LR, serve
from tests.fixtures import make_id_number


@pytest.fixture
def client(tmp_path: Path, store_kind: str) -> Iterator[TestClient]:
    with serve(tmp_path, store_kind, max_batch=5) as opened:
        yield opened


def test_batch_mixes_good_unknown_and_malformed_ids(client: TestClient) -> None:
    unknown = make_id_number(888)
    malformed = OLD_LR[:-1] + ("0" if OLD_LR[-1] != "0" else "1")
    response = client.post(
        "/v1/check",
        json={"ids": [OLD_LR, unknown, malformed, CLEAN, AMBIGUOUS], "business_item": "public_procurement"},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["business_item"] == "public_procurement"
    results = body["results"]
    assert [r["id"] for r in results] == [OLD_LR, unknown, malformed, CLEAN, AMBIGUOUS]
    good, missing, bad, clean, ambiguous = results
    assert good == {
        "id": OLD_LR,
        "found": True,
        "subject_type": "person",
        "restricted": True,
        "incentivised": False,
        "suspended": False,
        "measure_ids": ["M-LR-GP"],
        "error": None,
    }
    assert missing["found"] is False
    assert missing["error"]["code"] == "not_found"
    assert bad["found"] is False
    assert bad["error"]["code"] == "invalid_identifier"
    assert f"应为 {OLD_LR[-1]}" in bad["error"]["detail"]
    assert clean["found"] is True
    assert clean["restricted"] is False
    assert ambiguous["error"]["code"] == "ambiguous_identifier"


def test_batch_answers_as_of_a_date(client: TestClient) -> None:
    body = client.post("/v1/check", json={"ids": [NEW_LR, FIRM], "at": "2022-05-01"}).json()
    assert body["at"] == "2022-05-01"
    assert [r["restricted"] for r in body["results"]] == [False, True]


def test_batch_over_the_cap_is_422_saying_the_cap(client: TestClient) -> None:
    response = client.post("/v1/check", json={"ids": [OLD_LR] * 6})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "batch_too_large"
    assert "最多核查 5 个" in body["detail"]


def test_empty_batch_is_a_validation_error(client: TestClient) -> None:
    response = client.post("/v1/check", json={"ids": []})
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"
    assert "ids" in response.json()["detail"]


def test_batch_bad_date_is_400(client: TestClient) -> None:
    response = client.post("/v1/check", json={"ids": [OLD_LR], "at": "01/05/2022"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_date"


def test_default_cap_is_a_thousand(tmp_path: Path) -> None:
    with serve(tmp_path) as client:
        assert client.post("/v1/check", json={"ids": [CLEAN] * 1000}).status_code == 200
        response = client.post("/v1/check", json={"ids": [CLEAN] * 1001})
        assert response.status_code == 422
        assert "1000" in response.json()["detail"]
