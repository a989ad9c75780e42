"""The store port: everything the rest of credlink needs from a store, as a ``typing.Protocol``.

Adapters (one module each: :mod:`graph.store.sqlite`, later Neo4j) implement it; domain code, loaders,
queries and the API depend on this module only. Records returned here are plain frozen dataclasses
so that nothing above the port sees a driver row type.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

from graph.ids import SubjectType
from graph.model import EntryStatus, HolderBasis, ListKind, Measure, Role

if TYPE_CHECKING:
    import pandas as pd

    from graph.frames import DerivedFrames, PropagationInputs, Rederive, RunSummary


class FileKind(StrEnum):
    """The six import files of the data contract, in the order they are written."""

    list_policies = "list_policies"
    measures = "measures"
    enterprises = "enterprises"
    persons = "persons"
    roles = "roles"
    list_entries = "list_entries"


#: The columns of each import file of the data contract (DESIGN.md), in order.
CONTRACT_COLUMNS: dict[FileKind, tuple[str, ...]] = {
    FileKind.list_policies: ("list_type", "roles", "role_time", "derived_counts_for_red"),
    FileKind.measures: (
        "measure_id",
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
    FileKind.enterprises: ("uscc", "name", "kind", "status", "region_code", "established"),
    FileKind.persons: ("id_number", "name"),
    FileKind.roles: ("person_id", "enterprise_uscc", "role", "start", "end", "ratio"),
    FileKind.list_entries: (
        "entry_id",
        "subject_id",
        "kind",
        "list_type",
        "department",
        "basis",
        "act_date",
        "decided_on",
        "valid_from",
        "valid_to",
    ),
}


def _with_after(columns: tuple[str, ...], anchor: str, extra: str) -> tuple[str, ...]:
    at = columns.index(anchor) + 1
    return (*columns[:at], extra, *columns[at:])


#: The columns of each frame handed to :meth:`Store.write_batch`: the contract's, plus the subject type the
#: loader resolved for a role's holder and for an entry's subject.
BATCH_COLUMNS: dict[FileKind, tuple[str, ...]] = {
    **CONTRACT_COLUMNS,
    FileKind.roles: _with_after(CONTRACT_COLUMNS[FileKind.roles], "person_id", "holder_type"),
    FileKind.list_entries: _with_after(CONTRACT_COLUMNS[FileKind.list_entries], "subject_id", "subject_type"),
}


@dataclass(frozen=True, slots=True)
class WriteCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.inserted + self.updated + self.unchanged


@dataclass(slots=True)
class LoadBatch:
    """Validated rows to write in one transaction, keyed by file kind.

    Frames carry :data:`BATCH_COLUMNS` with normalised values (compact ids, ISO date strings or
    ``None``): the contract's columns plus ``holder_type`` for roles and ``subject_type`` for list
    entries (``person``/``enterprise``), both resolved by the loader.
    """

    frames: dict[FileKind, pd.DataFrame] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class SubjectRecord:
    pk: int
    subject_type: SubjectType
    code: str
    name: str
    enterprise_kind: str | None = None
    enterprise_status: str | None = None
    region_code: str | None = None
    established: dt.date | None = None


@dataclass(frozen=True, slots=True)
class RoleRecord:
    pk: int
    holder_type: SubjectType
    holder_code: str
    holder_name: str
    enterprise_uscc: str
    enterprise_name: str
    role: Role
    start: dt.date | None
    end: dt.date | None
    ratio: float | None


@dataclass(frozen=True, slots=True)
class EntryRecord:
    pk: int
    entry_id: str
    subject_type: SubjectType
    subject_code: str
    subject_name: str
    kind: ListKind
    list_type: str
    department: str
    basis: str
    act_date: dt.date | None
    decided_on: dt.date | None
    valid_from: dt.date
    valid_to: dt.date | None
    status: EntryStatus


@dataclass(frozen=True, slots=True)
class DerivedRecordRow:
    """A derived record with its whole path: entry → enterprise → role edge (dates) → person."""

    entry: EntryRecord
    role: RoleRecord
    holder_basis: HolderBasis
    valid_from: dt.date
    valid_to: dt.date | None


@dataclass(frozen=True, slots=True)
class CheckRow:
    """One (entry, measure) pair that applies to a subject on a date; ``derived`` is set when the
    entry reached the subject through a firm. ``measure`` is ``None`` when the entry applies but no
    measure of the measures list matches it."""

    entry: EntryRecord
    measure: Measure | None
    derived: DerivedRecordRow | None


class Store(Protocol):
    """What credlink needs from a store. All writes are atomic; reads see committed data only."""

    # --- lifecycle and health
    def close(self) -> None: ...

    def stats(self) -> Mapping[str, int]:
        """Row counts per kind of record plus ``schema_version`` and ``pending_changes``."""
        ...

    # --- loading
    def write_batch(self, batch: LoadBatch) -> dict[FileKind, WriteCounts]:
        """Upsert every frame of ``batch`` in one transaction; natural keys make re-loading idempotent."""
        ...

    def existing_codes(self, subject_type: SubjectType, codes: Collection[str]) -> set[str]:
        """Which of ``codes`` the store holds as subjects of ``subject_type``."""
        ...

    def record_load(self, on_error: str, report: Mapping[str, Any]) -> int:
        """Keep the history of imports: when, how bad rows were handled, and the per-file report."""
        ...

    # --- propagation
    def read_propagation_inputs(self, entry_pks: Collection[int] | None) -> PropagationInputs:
        """Inputs for all entries (``None``) or for the given ones and their enterprises' roles."""
        ...

    def pending_entry_pks(self) -> list[int]:
        """Entries whose derived records may be stale: written, or their firm's roles or their list
        type's policy written, since the last propagation."""
        ...

    def commit_derived(
        self,
        derived: DerivedFrames,
        *,
        scope: Collection[int] | None,
        read_seq: int,
        rederive: Rederive,
    ) -> RunSummary:
        """Make ``derived`` the derived records of ``scope`` (``None`` = all entries), atomically.

        Changes written after ``read_seq`` are not lost: the adapter re-derives the entries they touch
        with ``rederive`` inside its write transaction before swapping the result in.
        """
        ...

    def entry_pks(self, entry_ids: Collection[str]) -> dict[str, int]: ...

    # --- reads
    def find_subjects(self, code: str) -> list[SubjectRecord]:
        """Every subject stored under ``code`` (at most one per subject type)."""
        ...

    def subject_roles(self, subject_pk: int) -> list[RoleRecord]:
        """Role edges where the subject is the holder or the enterprise, oldest first."""
        ...

    def subject_entries(self, subject_pk: int) -> list[EntryRecord]: ...

    def derived_for_person(self, person_pk: int) -> list[DerivedRecordRow]: ...

    def derived_for_entry(self, entry_pk: int) -> list[DerivedRecordRow]: ...

    def entry(self, entry_id: str) -> EntryRecord | None: ...

    def measures_for(self, kind: ListKind, list_type: str) -> list[Measure]: ...

    def example_person(self, business_item: str, at: dt.date) -> str | None:
        """The id number of a person restricted through a firm on ``at`` for ``business_item``, if any
        (for the hint the CLI prints; nobody's answer depends on it)."""
        ...

    def check_rows(self, subject_pk: int, at: dt.date) -> list[CheckRow]:
        """Entries that apply to the subject on ``at``, direct and derived, joined with their measures
        (target ``subject`` for direct entries, the role for derived ones). Entries under
        verification are included; the caller reports them as suspended (R5)."""
        ...
