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
        # One node per published version (1, 2, …): first day in force, who, when, why, counts.
        "MeasureVersion": (
            "version",
            "published_on",
            "published_at",
            "published_by",
            "note",
            "added",
            "changed",
            "removed",
            "measures",
        ),
        # The draft of the next version: per measure its new fields (action 'set') or its removal
        # (action 'remove', no fields). Emptied by a publication.
        "MeasureDraft": (
            "measure_id",
            "action",
            "kind",
            "list_type",
            "target",
            "content",
            "initiating_department",
            "implementing_department",
            "legal_basis",
            "business_items",
            "sharing_method",
            "changed_at",
            "changed_by",
        ),
        # Append-only record of every change of the list (before/after JSON text). The newest pk is the
        # draft token: every draft change, import and publication adds one.
        "MeasureChange": ("pk", "at", "actor", "action", "measure_id", "before", "after", "version", "note"),
        # A node whose write lock serialises every writer of the measures list (docs: measures_lock.cypher).
        "Lock": ("name", "at"),
    },
    relationships={"IMPLEMENTED_BY": (), "INITIATED_BY": ()},
    patterns=(
        ("Measure", "IMPLEMENTED_BY", "Department"),
        ("Measure", "INITIATED_BY", "Department"),
    ),
)

LIFECYCLE = Part(
    schema_file="schema_lifecycle",
    labels={
        # ``lock`` is written and removed again in the same statement: writing it takes the node's write lock
        # until the transaction ends, so a read-check-write (a lifecycle step, a decision) cannot lose an update.
        "ListEntry": ("lock",),
        # The graph part's check reads (le)-[:SUSPENDED]->(:Suspension); declared here too (duplicates are
        # harmless) so this part lints on its own.
        "Suspension": ("pk", "entry_pk", "objection_pk", "from_date", "to_date"),
        "Objection": (
            "pk",
            "entry_pk",
            "filed_on",
            "filed_by",
            "reason",
            "status",
            "resolved_on",
            "resolved_by",
            "resolution",
        ),
        "RepairApplication": (
            "pk",
            "entry_pk",
            "filed_on",
            "applicant",
            "evidence",
            "status",
            "decided_on",
            "decided_by",
            "reason",
            "lock",
        ),
        "Notice": ("pk", "entry_pk", "kind", "published_on", "text"),
        "JobRun": ("pk", "started_at", "finished_at", "run_on", "status", "report"),
        # One node (name 'job'): the periodic job's lock, taken by writing it first in start_job.
        "JobLock": ("name", "taken_at"),
        "PreliminaryList": (
            "pk",
            "list_id",
            "department",
            "kind",
            "submitted_by",
            "submitted_at",
            "submitted_on",
            "source_file",
            "submitted",
            "accepted",
            "rejected",
        ),
        "Conflict": (
            "pk",
            "entry_pk",
            "black_entry_id",
            "firm_code",
            "firm_name",
            "person_code",
            "person_name",
            "role",
            "found_on",
            "stage",
        ),
        "PriorNotification": ("pk", "entry_pk", "recipient", "notified_on", "method", "notified_by", "note"),
    },
    relationships={
        "SUSPENDED": (),
        "HAS_OBJECTION": (),
        "HAS_REPAIR_APPLICATION": (),
        "HAS_NOTICE": (),
        # An entry of a preliminary list, with its publicity window (inclusive days, missing until publicised).
        "LISTED_IN": ("publicity_from", "publicity_to"),
        "HAS_CONFLICT": (),
        "HAS_PRIOR_NOTIFICATION": (),
    },
    patterns=(
        ("ListEntry", "SUSPENDED", "Suspension"),
        ("ListEntry", "HAS_OBJECTION", "Objection"),
        ("ListEntry", "HAS_REPAIR_APPLICATION", "RepairApplication"),
        ("ListEntry", "HAS_NOTICE", "Notice"),
        ("ListEntry", "LISTED_IN", "PreliminaryList"),
        ("ListEntry", "HAS_CONFLICT", "Conflict"),
        ("ListEntry", "HAS_PRIOR_NOTIFICATION", "PriorNotification"),
    ),
)

DISPATCH = Part(
    schema_file="schema_dispatch",
    labels={
        # Every measure application as last dispatched (the embedded store's measure_applications).
        "MeasureApplication": (
            "pk",
            "entry_pk",
            "subject_pk",
            "role_pk",
            "measure_id",
            "department",
            "entry_fp",
            "measure_fp",
            "path_fp",
            "active",
            "ended_reason",
            "dispatch_pk",
        ),
        # ``pk`` is the departments' feed cursor: taken in commit order (see DispatchPart).
        "Dispatch": (
            "pk",
            "run_pk",
            "department",
            "action",
            "reason",
            "recall",
            "subject_pk",
            "entry_pk",
            "role_pk",
            "measure_id",
            "payload",
            "created_at",
            "created_on",
            "due_on",
            "recalled_by",
        ),
        "DispatchRun": ("pk", "at", "run_on", "scope", "started", "changed", "ended", "recalled"),
        "Feedback": ("pk", "dispatch_pk", "outcome", "reason", "applied_on", "actor", "recorded_at"),
        "DepartmentCursor": ("department", "acknowledged", "updated_at"),
        "DispatchSettings": ("pk", "feedback_days", "remind_every_days", "changed_at", "changed_by"),
        "Reminder": ("pk", "dispatch_pk", "reminded_on"),
        "Webhook": ("pk", "department", "url", "secret", "active", "created_at"),
        "Outbox": (
            "pk",
            "webhook_pk",
            "event",
            "dispatch_pk",
            "reminder_pk",
            "attempts",
            "next_attempt_at",
            "leased_until",
            "delivered_at",
            "given_up_at",
            "last_error",
            "locked",
        ),
        # Taken first by a transaction that must not overlap another of its kind (dispatch runs, reminders).
        "Lock": ("name", "at"),
        # Days an entry's measures are suspended pending verification (written by the lifecycle part; read
        # here by entry_pk, as the embedded store's entry_suspensions).
        "Suspension": ("entry_pk", "from_date", "to_date"),
    },
    relationships={
        "ABOUT": (),
        "SENT_TO": (),
        "HAS_FEEDBACK": (),
        "REMINDED": (),
        "DELIVERS": (),
        "VIA": (),
    },
    patterns=(
        ("Dispatch", "ABOUT", "ListEntry"),
        ("Dispatch", "SENT_TO", "Department"),
        ("Dispatch", "HAS_FEEDBACK", "Feedback"),
        ("Dispatch", "REMINDED", "Reminder"),
        ("Outbox", "DELIVERS", "Dispatch"),
        ("Outbox", "VIA", "Webhook"),
    ),
)

#: Server-side propagation stages its derived records here before swapping them into (:DerivedRecord);
#: readers never look at this label (see :mod:`graph.store.neo4j.propagation_part`).
PROPAGATION = Part(
    schema_file="schema_propagation",
    labels={
        "DerivedStaging": (
            "run",
            "staged_at",
            "entry_pk",
            "role_pk",
            "person_pk",
            "enterprise_pk",
            "role",
            "holder_basis",
            "valid_from",
            "valid_to",
        ),
    },
)

#: The reads that explore the graph (search box, neighbourhoods, badges, analytics) add no label, type or
#: property: only a text index on ``Subject.name`` for the search box's ``CONTAINS``.
EXPLORE = Part(schema_file="schema_explore")

PARTS: tuple[Part, ...] = (BASE, GRAPH, MEASURES, LIFECYCLE, DISPATCH, PROPAGATION, EXPLORE)

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
