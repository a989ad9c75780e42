"""The graph methods of the Neo4j store (see :mod:`graph.store.neo4j`)."""

from __future__ import annotations

from graph.store.neo4j.base import Neo4jBase


class GraphPart(Neo4jBase):
    """Port methods of this part, as Cypher in ``queries/cypher/graph_*.cypher``."""
