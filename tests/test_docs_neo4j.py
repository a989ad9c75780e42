"""The example Cypher of docs/neo4j.md is checked by Neo4j's own linter against the schema registry, so a
query a user pastes into Neo4j Browser names only labels, types and properties the graph has."""

from __future__ import annotations

import re
from pathlib import Path

from graph.store.neo4j.schema import PARTS
from queries.catalog import CypherQuery
from tests.graph.neo4j.lint import lint

DOC = Path(__file__).resolve().parent.parent / "docs" / "neo4j.md"
PARAMS = frozenset({"id_number", "uscc", "day"})


def doc_queries() -> list[CypherQuery]:
    blocks = re.findall(r"```cypher\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    queries = []
    for block in blocks:
        if block.lstrip().startswith(":param"):
            continue  # Browser commands, not Cypher
        for number, statement in enumerate(s.strip() for s in block.split(";")):
            if statement:
                queries.append(CypherQuery(f"doc{len(queries)}_{number}", statement, PARAMS))
    return queries


def test_the_docs_have_example_queries() -> None:
    assert len(doc_queries()) == 4


def test_example_queries_pass_the_linter() -> None:
    diagnostics = lint(doc_queries())
    assert {name: found for name, found in diagnostics.items() if found} == {}


def test_the_docs_describe_every_label_and_relationship_type() -> None:
    text = DOC.read_text(encoding="utf-8")
    labels = {label for part in PARTS for label in part.labels}
    types = {rel for part in PARTS for rel in part.relationships}
    missing = sorted(f"(:{label})" for label in labels if not re.search(rf":{label}\b", text))
    missing += sorted(f"[:{rel}]" for rel in types if not re.search(rf"\b{rel}\b", text))
    assert missing == []
