"""The conformance suite's stores: every test that takes the ``store`` fixture runs on each adapter.

SQLite always runs. Neo4j runs when ``CREDLINK_TEST_NEO4J_URI`` is set (with ``CREDLINK_TEST_NEO4J_USER``,
``CREDLINK_TEST_NEO4J_PASSWORD`` and optionally ``CREDLINK_TEST_NEO4J_DATABASE``); each test then starts
from an emptied database, so point it at a database kept for tests. Without it those tests are skipped and
the summary says how many and why.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.store.port import Store
from graph.store.sqlite import SQLiteStore

NEO4J_URI = os.environ.get("CREDLINK_TEST_NEO4J_URI", "")
NEO4J_SKIP_REASON = "Neo4j conformance: CREDLINK_TEST_NEO4J_URI is not set"

#: Every adapter the conformance suite runs on.
STORES = [
    "sqlite",
    pytest.param("neo4j", marks=pytest.mark.skipif(not NEO4J_URI, reason=NEO4J_SKIP_REASON)),
]


def open_test_store(kind: str, tmp_path: Path) -> Store:
    if kind == "sqlite":
        return SQLiteStore(tmp_path / "credlink-test.db")
    if kind == "neo4j":
        from graph.store.neo4j import Neo4jStore

        store = Neo4jStore(
            NEO4J_URI,
            user=os.environ.get("CREDLINK_TEST_NEO4J_USER", "neo4j"),
            password=os.environ.get("CREDLINK_TEST_NEO4J_PASSWORD", ""),
            database=os.environ.get("CREDLINK_TEST_NEO4J_DATABASE") or None,
            wait_seconds=30.0,
        )
        store.wipe()
        return store  # type: ignore[return-value]  # until every part of the port lands
    raise AssertionError(kind)


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    opened = open_test_store(request.param, tmp_path)
    yield opened
    opened.close()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if NEO4J_SKIP_REASON in str(getattr(report, "longrepr", ""))
    ]
    if skipped:
        terminalreporter.write_line(
            f"{len(skipped)} Neo4j conformance tests skipped: CREDLINK_TEST_NEO4J_URI is not set "
            "(this machine has no Neo4j server; see docs/neo4j.md, 'Running the conformance suite on Neo4j')",
            yellow=True,
        )
