"""What every part of the Neo4j adapter shares: the driver, transactions, batching, keys and errors.

* Reads go through :meth:`Neo4jBase._read` (``session.execute_read``), writes through
  :meth:`Neo4jBase._write` (``session.execute_write``): one function, one transaction, retried by the
  driver on transient errors — so a transaction function must not have side effects outside ``tx``.
* Every query comes from the catalogue (``queries/cypher/<name>.cypher``) and is run by :func:`run`, which
  checks the parameters against the file's header. :func:`run_batched` sends rows with ``UNWIND $rows`` in
  slices of ``batch_size``.
* Integer keys (``pk``) are what the port speaks; Neo4j has none of its own that are stable, so
  :func:`next_pks` takes them from a ``(:Sequence {name})`` counter inside the writing transaction.
* Driver errors leave as credlink's (:func:`wrap_errors`): a constraint violation is a
  :class:`~graph.errors.ConflictError`, anything else a :class:`~graph.errors.StoreError` that says what
  was being done.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import neo4j
from neo4j.exceptions import (
    AuthError,
    ConstraintError,
    DriverError,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)

from graph.errors import ConflictError, CredlinkError, StoreError
from queries.catalog import cypher

if TYPE_CHECKING:
    import pandas as pd

    from graph.store.port import WriteCounts

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Passwords that must never reach production (the image's default and the example file's placeholder).
DEFAULT_PASSWORDS = frozenset({"", "neo4j", "password", "change-me", "changeme"})


class Transaction(Protocol):
    """The part of a driver transaction (``neo4j.ManagedTransaction``) the adapter uses."""

    def run(self, query: Any, parameters: dict[str, Any] | None = None, **kwargs: Any) -> Any: ...


def run(tx: Transaction, query_name: str, /, **params: Any) -> list[neo4j.Record]:
    """Run catalogue query ``query_name`` with ``params`` (exactly those its header declares); all records."""
    query = cypher(query_name)
    return list(tx.run(query.text, query.bind(params)))


def run_one(tx: Transaction, query_name: str, /, **params: Any) -> neo4j.Record | None:
    records = run(tx, query_name, **params)
    return records[0] if records else None


def batches(rows: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """``rows`` in consecutive slices of at most ``size`` (none for no rows)."""
    if size < 1:
        raise ValueError("batch size must be at least 1")
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def run_batched(
    tx: Transaction, query_name: str, rows: Sequence[Mapping[str, Any]], batch_size: int, /, **params: Any
) -> list[neo4j.Record]:
    """Run ``query_name`` once per slice of ``rows`` (bound to ``$rows``, for ``UNWIND $rows AS row``), all in
    the caller's transaction; the records of every slice, in order."""
    out: list[neo4j.Record] = []
    for chunk in batches(rows, batch_size):
        out.extend(run(tx, query_name, rows=list(chunk), **params))
    return out


def next_pks(tx: Transaction, sequence: str, count: int) -> int:
    """Reserve ``count`` consecutive keys of ``sequence``; returns the first (keys start at 1)."""
    record = run_one(tx, "base_next_pks", name=sequence, count=count)
    if record is None:  # pragma: no cover - MERGE always returns its row
        raise StoreError(f"Neo4j 未能分配序号 {sequence}")
    return int(record["first"])


# --- values ------------------------------------------------------------------------------------------------


def to_date(value: Any) -> dt.date | None:
    """A date read from Neo4j (``neo4j.time.Date``), or ``None``."""
    if value is None:
        return None
    if isinstance(value, neo4j.time.Date):
        return value.to_native()
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def must_date(value: Any) -> dt.date:
    day = to_date(value)
    if day is None:
        raise StoreError("Neo4j 返回的记录缺少必需的日期")
    return day


def iso_date(value: str | dt.date | None) -> dt.date | None:
    """A parameter value for a Neo4j ``date``: ISO text (as loaded frames carry it) becomes a date."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def to_json(value: Mapping[str, Any] | Sequence[Any] | None) -> str | None:
    """Maps and nested lists are not Neo4j property values: they are kept as JSON text."""
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def from_json(value: Any) -> Any:
    return None if value is None else json.loads(value)


def now_text() -> str:
    """The time a record was written, as the SQLite store writes it (UTC, seconds)."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- errors ------------------------------------------------------------------------------------------------


@contextmanager
def wrap_errors(doing: str) -> Iterator[None]:
    """Turn driver errors raised while ``doing`` into credlink's errors (Chinese text for the public)."""
    try:
        yield
    except CredlinkError:
        raise
    except ConstraintError as exc:
        raise ConflictError(f"{doing}：与已有记录冲突（{exc.message}）") from exc
    except AuthError as exc:
        raise StoreError(f"{doing}：Neo4j 拒绝了用户名或密码（{exc.message}）") from exc
    except (ServiceUnavailable, SessionExpired) as exc:
        raise StoreError(f"{doing}：Neo4j 不可用（{exc}）") from exc
    except Neo4jError as exc:
        raise StoreError(f"{doing}：Neo4j 报错 {exc.code}（{exc.message}）") from exc
    except DriverError as exc:
        raise StoreError(f"{doing}：Neo4j 驱动出错（{exc}）") from exc


# --- the shared base ------------------------------------------------------------------------------------------


class Neo4jBase:
    """Connection, transactions and schema of a Neo4j store; the parts (mixins) add the port's methods."""

    def __init__(
        self,
        uri: str,
        *,
        user: str,
        password: str,
        database: str | None = None,
        batch_size: int = 10_000,
        wait_seconds: float = 60.0,
        driver: neo4j.Driver | None = None,
    ) -> None:
        if batch_size < 1:
            raise StoreError("CREDLINK_NEO4J_BATCH_SIZE 必须是正整数")
        self.uri = uri
        self._database = database or None
        self._batch_size = batch_size
        if driver is None:
            try:
                driver = neo4j.GraphDatabase.driver(uri, auth=(user, password), user_agent="credlink")
            except (ValueError, DriverError) as exc:
                raise StoreError(f"无法连接 Neo4j {uri}：{exc}") from exc
        self._driver = driver
        try:
            self._wait_until_ready(wait_seconds)
            self._apply_schema()
        except BaseException:
            self._driver.close()
            raise

    def close(self) -> None:
        self._driver.close()

    # --- start-up

    def _wait_until_ready(self, seconds: float) -> None:
        """Wait (bounded, with backoff) for the server to answer; a container may still be starting."""
        deadline = time.monotonic() + seconds
        delay = 0.5
        while True:
            try:
                self._driver.verify_connectivity()
                return
            except AuthError as exc:
                raise StoreError(
                    f"Neo4j {self.uri} 拒绝了用户名或密码，请检查 CREDLINK_NEO4J_USER / CREDLINK_NEO4J_PASSWORD（{exc.message}）"
                ) from exc
            except (ServiceUnavailable, SessionExpired, DriverError, OSError) as exc:
                if time.monotonic() + delay > deadline:
                    raise StoreError(
                        f"Neo4j {self.uri} 在 {seconds:.0f} 秒内没有就绪：{exc}。请确认服务已启动、地址和端口正确"
                    ) from exc
                log.info("waiting for Neo4j at %s (%s); retrying in %.1f s", self.uri, exc, delay)
                time.sleep(delay)
                delay = min(delay * 2, 5.0)

    def _apply_schema(self) -> None:
        """Create every constraint and index (``IF NOT EXISTS``: idempotent), one auto-commit each, as schema
        commands cannot share a transaction with writes."""
        from graph.store.neo4j.schema import SCHEMA_FILES

        with wrap_errors("创建 Neo4j 约束和索引"), self._driver.session(database=self._database) as session:
            for name in SCHEMA_FILES:
                for statement in cypher(name).statements():
                    session.run(statement).consume()

    # --- transactions (overridden by the replay harness of the tests)

    def _read(self, doing: str, work: Callable[[Transaction], T]) -> T:
        """Run ``work`` in a read transaction (``execute_read``: retried on transient errors)."""
        with wrap_errors(doing), self._driver.session(database=self._database) as session:
            return session.execute_read(work)

    def _write(self, doing: str, work: Callable[[Transaction], T]) -> T:
        """Run ``work`` in a write transaction (``execute_write``: retried on transient errors)."""
        with wrap_errors(doing), self._driver.session(database=self._database) as session:
            return session.execute_write(work)

    def _query(self, query_name: str, /, **params: Any) -> list[neo4j.Record]:
        """A single read query in its own read transaction."""
        return self._read(f"查询 {query_name}", lambda tx: run(tx, query_name, **params))

    def _autocommit(self, doing: str, query_name: str, /, **params: Any) -> list[neo4j.Record]:
        """Run a query in an auto-commit transaction: the only kind that may hold
        ``CALL { … } IN TRANSACTIONS`` (batches committed by the server as it goes)."""
        query = cypher(query_name)
        with wrap_errors(doing), self._driver.session(database=self._database) as session:
            return list(session.run(query.text, query.bind(params)))

    def wipe(self) -> None:
        """Delete every node and relationship (tests and ``credlink`` never call it on a live store)."""
        self._autocommit("清空 Neo4j 数据库", "base_wipe")

    # --- shared by the parts

    def _mark_changed(self, tx: Transaction, entry_pks: Sequence[int]) -> None:
        """Queue ``entry_pks`` for propagation (written, or their firm's roles or policy written)."""
        pks = sorted({int(pk) for pk in entry_pks})
        if not pks:
            return
        first = next_pks(tx, "change", len(pks))
        rows = [{"seq": first + i, "entry_pk": pk} for i, pk in enumerate(pks)]
        run_batched(tx, "base_mark_changed", rows, self._batch_size)

    def _write_measures_frame(self, tx: Transaction, frame: pd.DataFrame) -> WriteCounts:
        """Write an imported measures file within a load's transaction (:class:`MeasuresPart` does)."""
        raise NotImplementedError
