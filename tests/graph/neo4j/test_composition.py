"""The Neo4j store is composed of parts (mixins): each port method must come from exactly one part, with the
port's signature, and no two parts may define the same helper (the first in the MRO would silently win)."""

from __future__ import annotations

import inspect

from graph.store.neo4j import Neo4jStore
from graph.store.neo4j.base import Neo4jBase
from graph.store.port import Store

PARTS = [cls for cls in Neo4jStore.__mro__[1:] if cls not in (Neo4jBase, object)]


def _port_methods() -> list[str]:
    return sorted(name for name, value in vars(Store).items() if callable(value) and not name.startswith("_"))


def test_no_two_parts_define_the_same_name() -> None:
    owners: dict[str, list[str]] = {}
    for part in PARTS:
        for name in vars(part):
            if not name.startswith("__"):
                owners.setdefault(name, []).append(part.__name__)
    clashes = {name: parts for name, parts in owners.items() if len(parts) > 1}
    assert not clashes


def test_every_port_method_is_implemented_with_its_signature() -> None:
    assert len(PARTS) == 6
    missing = []
    for name in _port_methods():
        implementation = getattr(Neo4jStore, name, None)
        if implementation is None or (name in vars(Neo4jBase) and name != "close"):
            missing.append(name)
            continue
        expected = inspect.signature(getattr(Store, name))
        actual = inspect.signature(implementation)
        assert list(actual.parameters) == list(expected.parameters), name
        for param, spec in expected.parameters.items():
            assert actual.parameters[param].kind == spec.kind, (name, param)
            assert actual.parameters[param].default == spec.default, (name, param)
    assert not missing


def test_base_stubs_are_overridden() -> None:
    assert Neo4jStore._write_measures_frame is not Neo4jBase._write_measures_frame
