"""The Neo4j store: the whole store port on Neo4j 5 through the official driver.

The adapter is split in parts, one module each, over a shared base (:mod:`graph.store.neo4j.base`:
driver, transactions, batching, keys, errors); the graph it keeps is described in
:mod:`graph.store.neo4j.schema` and ``docs/neo4j.md``. Every query is a file of ``queries/cypher/``.
"""

from __future__ import annotations

from graph.store.neo4j.base import DEFAULT_PASSWORDS, Neo4jBase
from graph.store.neo4j.dispatch_part import DispatchPart
from graph.store.neo4j.explore_part import ExplorePart
from graph.store.neo4j.graph_part import GraphPart
from graph.store.neo4j.lifecycle_part import LifecyclePart
from graph.store.neo4j.measures_part import MeasuresPart
from graph.store.neo4j.propagation_part import PropagationPart


class Neo4jStore(
    GraphPart, PropagationPart, MeasuresPart, LifecyclePart, DispatchPart, ExplorePart, Neo4jBase
):
    """credlink's store on Neo4j (``CREDLINK_STORE=neo4j``)."""


__all__ = ["DEFAULT_PASSWORDS", "Neo4jStore"]
