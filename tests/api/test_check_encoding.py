"""The check's answers are built as plain data and sent pre-encoded (``api.schemas.check_data``,
``batch_result_data``): the bytes must be those the pydantic models (``CheckResponse``, ``BatchCheckResult``)
write, for every subject of a generated city — direct and derived entries, red and black, with and
without a business item, on dates before and after the listings."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator

import pytest

from api.schemas import (
    BatchCheckResponse,
    BatchCheckResult,
    CheckResponse,
    ErrorResponse,
    batch_error_data,
    batch_result_data,
    check_data,
    encode_json,
)
from graph import propagation
from graph.store.sqlite import SQLiteStore
from loaders.load import load_paths
from loaders.sample import DEFAULT_TODAY, generate_city
from queries.check import check


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SQLiteStore]:
    folder = tmp_path_factory.mktemp("city")
    paths = generate_city(folder, enterprises=600, seed=5, today=DEFAULT_TODAY)
    store = SQLiteStore(folder / "city.db")
    load_paths(store, list(paths.values()), progress=False, today=DEFAULT_TODAY)
    propagation.run_full(store)
    yield store
    store.close()


def _checked_codes(store: SQLiteStore) -> list[str]:
    """Every subject with a direct or derived entry, and a few without."""
    conn = sqlite3.connect(store.path)
    try:
        rows = conn.execute(
            "SELECT DISTINCT s.code FROM subjects AS s WHERE s.pk IN (SELECT subject_pk FROM list_entries) "
            "OR s.pk IN (SELECT person_pk FROM derived_records) OR s.pk % 50 = 0 ORDER BY s.code"
        ).fetchall()
    finally:
        conn.close()
    return [row[0] for row in rows]


@pytest.mark.parametrize("business_item", [None, "public_procurement"])
@pytest.mark.parametrize("at", [DEFAULT_TODAY, dt.date(2021, 1, 1)])
def test_check_data_is_byte_for_byte_the_models_json(
    city: SQLiteStore, business_item: str | None, at: dt.date
) -> None:
    codes = _checked_codes(city)
    assert len(codes) > 50
    with_items = 0
    for code in codes:
        result = check(city, code, business_item=business_item, at=at)
        with_items += bool(result.items)
        fast = encode_json(check_data(result))
        assert fast == CheckResponse.from_result(result).model_dump_json().encode(), code
        assert encode_json(batch_result_data(code, result)) == (
            BatchCheckResult.from_result(code, result).model_dump_json().encode()
        )
    assert with_items > 10


def test_batch_error_and_envelope_are_the_models_json() -> None:
    error = batch_error_data("123", "号码格式错误", "invalid_identifier")
    model = BatchCheckResult(
        id="123", found=False, error=ErrorResponse(detail="号码格式错误", code="invalid_identifier")
    )
    assert encode_json(error) == model.model_dump_json().encode()
    envelope = {"at": "2024-05-01", "business_item": None, "results": [error]}
    assert encode_json(envelope) == (
        BatchCheckResponse(at=dt.date(2024, 5, 1), business_item=None, results=[model])
        .model_dump_json()
        .encode()
    )
