"""Every Cypher file passes Neo4j's own linter against credlink's Neo4j schema, and the linter is real:
misspellings, undefined variables and undeclared parameters are caught."""

from __future__ import annotations

import pytest

from queries.catalog import cypher, cypher_names, parse_cypher
from tests.graph.neo4j.lint import lint


def test_every_cypher_file_is_clean() -> None:
    names = cypher_names()
    assert len(names) >= 5
    found = lint([cypher(name) for name in names])
    assert set(found) == set(names)
    dirty = {name: diags for name, diags in found.items() if diags}
    assert not dirty, "\n".join(
        f"queries/cypher/{name}.cypher:{d['line']}:{d['column']}: {d['severity']}: {d['message']}"
        for name, diags in sorted(dirty.items())
        for d in diags
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("// params: pk\nMATCH (s:Subjekt {pk: $pk}) RETURN s.name AS name", "Subjekt"),
        ("// params: pk\nMATCH (s:Subject {pk: $pk}) RETURN s.nmae AS name", "nmae"),
        ("// params: pk\nMATCH (s:Subject {pk: $pk}) RETURN t.name AS name", "`t` not defined"),
        ("// params:\nMATCH (s:Subject {pk: $pk}) RETURN s.name AS name", "$pk is not defined"),
        (
            "// params:\nMATCH (e:Enterprise)-[:LEGAL_REPRESENTATIVE]->(p:Person) RETURN p.pk AS pk",
            "incoming",
        ),
        ("// params:\nMATCH (s:Subject) RETURN id(s) AS id", "deprecated"),
    ],
)
def test_linter_catches_mistakes(text: str, expected: str) -> None:
    found = lint([parse_cypher("probe", text)])
    assert any(expected in d["message"] for d in found["probe"]), found
