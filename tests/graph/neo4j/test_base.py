"""The Neo4j adapter's shared base: parameters checked against the files, batching, keys, values and
driver errors (driver exceptions as the driver hydrates them from a server's failure message)."""

from __future__ import annotations

import datetime as dt
import re

import neo4j
import pytest
from neo4j.exceptions import Neo4jError, ServiceUnavailable

from graph.errors import ConflictError, StoreError
from graph.store.neo4j.base import batches, next_pks, run, run_batched, to_date, wrap_errors
from queries.catalog import cypher, parse_cypher
from tests.graph.neo4j.replay import ReplayStore, Step


def test_parameters_must_match_the_header() -> None:
    query = cypher("base_next_pks")
    assert query.params == {"name", "count"}
    assert query.bind({"name": "x", "count": 1}) == {"name": "x", "count": 1}
    with pytest.raises(ValueError, match="missing \\['count'\\]"):
        query.bind({"name": "x"})
    with pytest.raises(ValueError, match="unexpected \\['nmae'\\]"):
        query.bind({"nmae": "x", "name": "x", "count": 1})


def test_a_file_without_header_is_refused() -> None:
    with pytest.raises(ValueError, match="params"):
        parse_cypher("bad", "MATCH (n) RETURN n")


def test_schema_files_split_into_statements() -> None:
    statements = cypher("schema_graph").statements()
    assert len(statements) > 10
    assert all(s.startswith("CREATE ") and "IF NOT EXISTS" in s for s in statements)


def test_batches_slice_rows() -> None:
    assert [list(b) for b in batches([1, 2, 3, 4, 5], 2)] == [[1, 2], [3, 4], [5]]
    assert list(batches([], 3)) == []
    with pytest.raises(ValueError, match="at least 1"):
        list(batches([1], 0))


def test_next_pks_reads_the_first_reserved_key() -> None:
    store = ReplayStore(
        [Step("base_next_pks", params={"name": "entry", "count": 10}, records=[{"first": 41}])]
    )
    assert store._write("keys", lambda tx: next_pks(tx, "entry", 10)) == 41
    store.expect_done()


def test_an_unexpected_query_fails_the_replay() -> None:
    store = ReplayStore([Step("base_wipe")])
    with pytest.raises(AssertionError, match="expected query base_wipe"):
        store._write("keys", lambda tx: run(tx, "base_next_pks", name="x", count=1))


def test_dates_from_the_driver() -> None:
    assert to_date(neo4j.time.Date(2024, 2, 29)) == dt.date(2024, 2, 29)
    assert to_date(None) is None
    assert to_date("2024-01-02") == dt.date(2024, 1, 2)


def _server_error(code: str, message: str) -> Neo4jError:
    error = Neo4jError._hydrate_neo4j(code=code, message=message)
    assert isinstance(error, Neo4jError)
    return error


def test_constraint_violations_are_conflicts() -> None:
    error = _server_error(
        "Neo.ClientError.Schema.ConstraintValidationFailed",
        "Node(12) already exists with label `ListEntry` and property `entry_id` = 'B-1'",
    )
    with (
        pytest.raises(ConflictError, match=r"写入名单条目：与已有记录冲突.*B-1"),
        wrap_errors("写入名单条目"),
    ):
        raise error


def test_other_server_errors_say_what_was_done() -> None:
    error = _server_error("Neo.ClientError.Statement.SyntaxError", "Invalid input 'MATC'")
    expected = re.escape("读取主体：Neo4j 报错 Neo.ClientError.Statement.SyntaxError")
    with pytest.raises(StoreError, match=expected), wrap_errors("读取主体"):
        raise error


def test_an_unreachable_server_is_a_store_error() -> None:
    with pytest.raises(StoreError, match="Neo4j 不可用"), wrap_errors("读取主体"):
        raise ServiceUnavailable("Couldn't connect to localhost:7687")


def test_batched_run_uses_the_rows_parameter() -> None:
    # run_batched binds each slice to $rows; a query without $rows is refused before anything is sent.
    store = ReplayStore()
    with pytest.raises(ValueError, match="unexpected \\['rows'\\]"):
        store._write("x", lambda tx: run_batched(tx, "base_next_pks", [{"a": 1}], 10, name="x", count=1))
    assert store.calls == []
