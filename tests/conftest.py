from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.store.port import Store
from graph.store.sqlite import SQLiteStore

# Every adapter the conformance suite runs on. Neo4j joins when its adapter lands (issue 4).
STORES = ["sqlite"]


def open_test_store(kind: str, tmp_path: Path) -> Store:
    if kind == "sqlite":
        return SQLiteStore(tmp_path / "credlink-test.db")
    raise AssertionError(kind)


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    opened = open_test_store(request.param, tmp_path)
    yield opened
    opened.close()
