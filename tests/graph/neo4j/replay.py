"""Run the Neo4j adapter's Python side against recorded driver records — no server, no fake database.

A :class:`Step` is one query the adapter is expected to send (by catalogue name), optionally the exact
parameters it must send, and the records the driver handed back for it (real ``neo4j.Record`` values,
holding driver types such as ``neo4j.time.Date``). Nothing here interprets Cypher: a test says what the
server answered and checks what the adapter built from it and what it asked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import neo4j

from graph.store.neo4j import Neo4jStore
from graph.store.neo4j.base import Transaction
from queries.catalog import cypher, cypher_names

T = TypeVar("T")


@dataclass
class Step:
    name: str
    records: Sequence[Mapping[str, Any]] = ()
    params: Mapping[str, Any] | None = None
    #: Or a check of the parameters (for rows whose order or keys are computed).
    check: Callable[[Mapping[str, Any]], None] | None = None


@dataclass
class Call:
    name: str
    params: dict[str, Any]
    write: bool


def _name_of(text: str) -> str:
    for name in cypher_names():
        if cypher(name).text == text:
            return name
    raise AssertionError(f"query not in the catalogue:\n{text}")


@dataclass
class ReplayTransaction:
    steps: list[Step]
    calls: list[Call]
    write: bool
    doing: list[str] = field(default_factory=list)

    def run(self, query: Any, parameters: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        name = _name_of(str(query))
        params = dict(parameters or {})
        self.calls.append(Call(name, params, self.write))
        assert self.steps, f"unexpected query {name} (no recorded answer left)"
        step = self.steps.pop(0)
        assert step.name == name, f"expected query {step.name}, the adapter sent {name}"
        if step.params is not None:
            assert params == dict(step.params), f"{name}: {params} != {dict(step.params)}"
        if step.check is not None:
            step.check(params)
        return [neo4j.Record(dict(record)) for record in step.records]


class ReplayStore(Neo4jStore):
    """A :class:`Neo4jStore` whose transactions answer from recorded steps, in order."""

    def __init__(self, steps: Sequence[Step] = (), *, batch_size: int = 10_000) -> None:
        # No driver, no connection: only what the parts read of the base.
        self.uri = "replay://"
        self._database = None
        self._batch_size = batch_size
        self.steps = list(steps)
        self.calls: list[Call] = []
        self.doing: list[str] = []

    def _tx(self, write: bool) -> Transaction:
        return ReplayTransaction(self.steps, self.calls, write)

    def _read(self, doing: str, work: Callable[[Transaction], T]) -> T:
        self.doing.append(doing)
        return work(self._tx(False))

    def _write(self, doing: str, work: Callable[[Transaction], T]) -> T:
        self.doing.append(doing)
        return work(self._tx(True))

    def _autocommit(self, doing: str, query_name: str, /, **params: Any) -> list[neo4j.Record]:
        self.doing.append(doing)
        query = cypher(query_name)
        return list(self._tx(True).run(query.text, query.bind(params)))

    def close(self) -> None:
        pass

    def expect_done(self) -> None:
        assert not self.steps, f"queries the adapter never sent: {[s.name for s in self.steps]}"
