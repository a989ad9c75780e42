"""The graph credlink keeps in Neo4j: labels, relationship types, their properties, and which patterns exist.

This registry is the single description of the Neo4j schema. It feeds the Cypher linter (a misspelled
label, property or a relationship drawn the wrong way fails the tests), ``docs/neo4j.md`` describes it for
people, and each part names the schema file (constraints and indexes) applied when a store opens.

Conventions (all parts):

* Every node the port addresses by an integer has ``pk``, unique per label, taken from ``(:Sequence)``.
* Dates are Neo4j ``date`` values; an open start or end is a missing property (``null``). Intervals are
  inclusive, as everywhere in credlink. Timestamps (``at``, ``*_at``) are ISO text in UTC, as the embedded
  store writes them.
* Maps (event before/after, reports, payloads) are JSON text, as Neo4j properties cannot hold maps.
* Subjects carry ``:Subject`` plus ``:Enterprise`` or ``:Person``; ``code`` is the USCC or the resident id
  number.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graph.model import Role

#: Relationship type of each role edge, fixed here and in the Cypher files (``r.role`` holds the role name too,
#: so a query over every role needs no dynamic type).
ROLE_TYPES: dict[Role, str] = {role: role.value.upper() for role in Role}

ROLE_PROPERTIES = ("pk", "role", "start", "end", "ratio")


@dataclass(frozen=True, slots=True)
class Part:
    """One part of the schema: its node labels and relationship types with their property keys, the
    patterns ``(from label, type, to label)`` that exist, and its schema file (constraints, indexes)."""

    schema_file: str
    labels: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    relationships: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    patterns: tuple[tuple[str, str, str], ...] = ()


BASE = Part(
    schema_file="schema_base",
    labels={"Sequence": ("name", "value")},
)

GRAPH = Part(
    schema_file="schema_graph",
    labels={
        "Subject": (
            "pk",
            "subject_type",
            "code",
            "name",
            "enterprise_kind",
            "enterprise_status",
            "region_code",
            "established",
        ),
        "Enterprise": (),
        "Person": (),
        "ListEntry": (
            "pk",
            "entry_id",
            "subject_pk",
            "subject_type",
            "kind",
            "list_type",
            "department",
            "basis",
            "act_date",
            "decided_on",
            "valid_from",
            "valid_to",
            "status",
            "ended_on",
        ),
        "EntryEvent": ("pk", "entry_pk", "at", "actor", "action", "reason", "on", "before", "after"),
        "ListPolicy": (
            "list_type",
            "roles",
            "role_time",
            "derived_counts_for_red",
            "repair_min_days",
            "publicity_days",
            "black_skip_publicity",
        ),
        "DerivedRecord": (
            "entry_pk",
            "role_pk",
            "person_pk",
            "enterprise_pk",
            "role",
            "holder_basis",
            "valid_from",
            "valid_to",
        ),
        "Department": ("name",),
        "Change": ("seq", "entry_pk"),
        "PropagationRun": (
            "pk",
            "mode",
            "started_at",
            "finished_at",
            "entries",
            "records",
            "measures",
            "added",
            "removed",
            "changed",
            "read_seq",
        ),
        "LoadRun": ("pk", "at", "on_error", "report"),
        # Written by the lifecycle part (days an entry's measures are suspended, R5); read by the check.
        "Suspension": ("entry_pk", "from_date", "to_date"),
    },
    relationships={
        **dict.fromkeys(ROLE_TYPES.values(), ROLE_PROPERTIES),
        "CONCERNS": (),
        "HAS_EVENT": (),
        "IDENTIFIED_BY": (),
        "DERIVES": (),
        "REACHES": (),
        "THROUGH": (),
        "SUSPENDED": (),
    },
    patterns=(
        *((holder, rel, "Enterprise") for rel in ROLE_TYPES.values() for holder in ("Person", "Subject")),
        *(("Enterprise", rel, "Enterprise") for rel in ("SHAREHOLDER", "BRANCH_OF", "ACTUAL_CONTROLLER")),
        ("ListEntry", "CONCERNS", "Subject"),
        ("ListEntry", "CONCERNS", "Person"),
        ("ListEntry", "CONCERNS", "Enterprise"),
        ("ListEntry", "HAS_EVENT", "EntryEvent"),
        ("ListEntry", "IDENTIFIED_BY", "Department"),
        ("ListEntry", "DERIVES", "DerivedRecord"),
        ("DerivedRecord", "REACHES", "Person"),
        ("DerivedRecord", "REACHES", "Subject"),
        ("DerivedRecord", "THROUGH", "Enterprise"),
        ("DerivedRecord", "THROUGH", "Subject"),
        ("ListEntry", "SUSPENDED", "Suspension"),
    ),
)

MEASURES = Part(
    schema_file="schema_measures",
    labels={
        # One node per form of a measure: every version's rows are kept, as in the embedded store
        # (docs/store.md, "The measures list in versions"). ``valid_from`` missing: since ever (version 0).
        "Measure": (
            "pk",
            "measure_id",
            "version",
            "retired_in",
            "valid_from",
            "valid_to",
            "current",
            "kind",
            "list_type",
            "target",
            "content",
            "initiating_department",
            "implementing_department",
            "legal_basis",
            "business_items",
            "sharing_method",
        ),
    },
    relationships={"IMPLEMENTED_BY": (), "INITIATED_BY": ()},
    patterns=(
        ("Measure", "IMPLEMENTED_BY", "Department"),
        ("Measure", "INITIATED_BY", "Department"),
    ),
)

LIFECYCLE = Part(schema_file="schema_lifecycle")

DISPATCH = Part(schema_file="schema_dispatch")

PARTS: tuple[Part, ...] = (BASE, GRAPH, MEASURES, LIFECYCLE, DISPATCH)

#: Applied in this order when a store opens (every statement ``IF NOT EXISTS``).
SCHEMA_FILES: tuple[str, ...] = tuple(part.schema_file for part in PARTS)


def lint_schema() -> dict[str, Any]:
    """The ``DbSchema`` handed to Neo4j's Cypher linter (parameters are added per file)."""
    labels: set[str] = set()
    relationships: set[str] = set()
    properties: set[str] = set()
    patterns: set[tuple[str, str, str]] = set()
    for part in PARTS:
        for label, keys in part.labels.items():
            labels.add(label)
            properties.update(keys)
        for rel, keys in part.relationships.items():
            relationships.add(rel)
            properties.update(keys)
        patterns.update(part.patterns)
    return {
        "labels": sorted(labels),
        "relationshipTypes": sorted(relationships),
        "propertyKeys": sorted(properties),
        "graphSchema": [{"from": a, "relType": rel, "to": b} for a, rel, b in sorted(patterns)],
    }
