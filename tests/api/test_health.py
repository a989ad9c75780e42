"""``/healthz``, the OpenAPI documents, the app's lifecycle and the error shape of the unexpected."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.auth import public
from api.routers import health
from api.settings import Settings
from graph.errors import StoreError
from tests.api import build_city, serve
from tests.fixtures import batch, make_id_number, person


@pytest.fixture
def client(tmp_path: Path, store_kind: str) -> Iterator[TestClient]:
    with serve(tmp_path, store_kind) as opened:
        yield opened


def test_healthz_reports_schema_counts_and_pending(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["schema_version"] >= 1
    assert body["pending_changes"] == 0
    assert body["counts"]["enterprises"] == 3
    assert body["counts"]["persons"] == 7
    assert body["counts"]["derived_records"] == 3
    assert "schema_version" not in body["counts"]


def test_docs_and_openapi_are_served(client: TestClient) -> None:
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "swagger" in docs.text.lower()
    spec = client.get("/openapi.json").json()
    assert spec["info"]["title"] == "credlink"
    assert {
        "/healthz",
        "/v1/subjects/{subject_id}",
        "/v1/subjects/{subject_id}/check",
        "/v1/check",
        "/v1/entries/{entry_id}",
    } <= set(spec["paths"])


def test_openapi_declares_errors_and_examples(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    check = spec["paths"]["/v1/subjects/{subject_id}/check"]["get"]["responses"]
    for status in ("400", "404", "409", "422"):
        schema = check[status]["content"]["application/json"]["schema"]
        assert schema["$ref"].endswith("/ErrorResponse")
    schemas = spec["components"]["schemas"]
    for name in (
        "CheckResponse",
        "BatchCheckResponse",
        "BatchCheckRequest",
        "SubjectProfileResponse",
        "EntryDetailResponse",
        "HealthResponse",
        "ErrorResponse",
    ):
        assert schemas[name].get("examples"), name


def test_unknown_route_has_the_error_shape(client: TestClient) -> None:
    response = client.get("/v1/nowhere")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_create_app_does_no_store_work_until_started(tmp_path: Path) -> None:
    db = tmp_path / "later.db"
    app = create_app(Settings(db=db))
    assert not db.exists()
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
        assert db.exists()
    assert app.state.store is None


def test_unexpected_error_is_a_generic_500_without_trace(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(Settings(db=build_city(tmp_path / "city.db")))

    def explode() -> None:
        raise RuntimeError("secret internal detail")

    app.add_api_route("/explode", explode, dependencies=[public()])
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/explode")
    assert response.status_code == 500
    body = response.json()
    assert body["code"] == "internal_error"
    # A generic Chinese message with an error id; the log line has the same id and the trace.
    error_id = re.fullmatch(
        r"服务器内部错误，请稍后重试；如需联系管理员，请提供错误编号 ([0-9a-f]{12})", body["detail"]
    )
    assert error_id is not None
    assert "Traceback" not in response.text
    assert "secret" not in response.text
    logged = [record for record in caplog.records if error_id.group(1) in record.getMessage()]
    assert logged
    assert logged[0].exc_info is not None
    assert "secret internal detail" in str(logged[0].exc_info[1])


def test_healthz_reuses_its_counts_for_a_while_but_always_asks_the_store(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = client.get("/healthz").json()
    store = client.app.state.store  # type: ignore[attr-defined]
    store.write_batch(batch(persons=[person(make_id_number(9_001), "新来的")]))
    again = client.get("/healthz").json()
    assert again["counts"] == first["counts"]
    assert again["counts_at"] == first["counts_at"]
    monkeypatch.setattr(health, "COUNTS_TTL", 0.0)
    fresh = client.get("/healthz").json()
    assert fresh["counts"]["persons"] == first["counts"]["persons"] + 1
    # The cheap read goes to the store on every call: a store that fails answers 503 at once.

    def broken(code: str) -> list[object]:
        raise StoreError("数据库不可用")

    monkeypatch.setattr(store, "find_subjects", broken)
    monkeypatch.setattr(health, "COUNTS_TTL", 3600.0)
    assert client.get("/healthz").status_code == 503
