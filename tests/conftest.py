"""The conformance suite's stores: every test that takes the ``store`` fixture runs on each adapter.

SQLite always runs. Neo4j runs when ``CREDLINK_TEST_NEO4J_URI`` is set (with ``CREDLINK_TEST_NEO4J_USER``,
``CREDLINK_TEST_NEO4J_PASSWORD`` and optionally ``CREDLINK_TEST_NEO4J_DATABASE``); each test then starts
from an emptied database, so point it at a database kept for tests. Without it those tests are skipped and
the summary says how many and why.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph.store.port import Store
from graph.store.sqlite import SQLiteStore
from tests.fixtures import auth_headers

__all__ = ["auth_headers"]  # a fixture for every test module with a ``client`` fixture

NEO4J_URI = os.environ.get("CREDLINK_TEST_NEO4J_URI", "")
NEO4J_SKIP_REASON = "Neo4j conformance: CREDLINK_TEST_NEO4J_URI is not set"

#: Every adapter the conformance suite runs on.
STORES = [
    "sqlite",
    pytest.param("neo4j", marks=pytest.mark.skipif(not NEO4J_URI, reason=NEO4J_SKIP_REASON)),
]


def neo4j_test_settings() -> dict[str, Any]:
    """The app's settings (``api.settings.Settings`` fields) for the test Neo4j database."""
    return {
        "store": "neo4j",
        "neo4j_uri": NEO4J_URI,
        "neo4j_user": os.environ.get("CREDLINK_TEST_NEO4J_USER", "neo4j"),
        "neo4j_password": os.environ.get("CREDLINK_TEST_NEO4J_PASSWORD", ""),
        "neo4j_database": os.environ.get("CREDLINK_TEST_NEO4J_DATABASE", ""),
    }


def open_test_store(kind: str, tmp_path: Path) -> Store:
    if kind == "sqlite":
        return SQLiteStore(tmp_path / "credlink-test.db")
    if kind == "neo4j":
        from graph.store.neo4j import Neo4jStore

        settings = neo4j_test_settings()
        store = Neo4jStore(
            NEO4J_URI,
            user=settings["neo4j_user"],
            password=settings["neo4j_password"],
            database=settings["neo4j_database"] or None,
            wait_seconds=30.0,
        )
        store.wipe()
        return store
    raise AssertionError(kind)


@pytest.fixture(params=STORES)
def store_kind(request: pytest.FixtureRequest) -> str:
    """The kind of store a test runs on (for tests that build a store through the app or the CLI)."""
    return str(request.param)


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    opened = open_test_store(request.param, tmp_path)
    yield opened
    opened.close()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line per reason of skipped tests, with how many (``-ra`` would list every test location)."""
    reasons: Counter[str] = Counter()
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = getattr(report, "longrepr", None)
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        reasons[reason.removeprefix("Skipped: ")] += 1
    for reason, count in sorted(reasons.items()):
        hint = ""
        if NEO4J_SKIP_REASON in reason:
            hint = " (no Neo4j server here; docs/neo4j.md, 'Running the conformance suite on Neo4j')"
        terminalreporter.write_line(f"{count} tests skipped: {reason}{hint}", yellow=True)
