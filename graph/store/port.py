"""The store port: everything the rest of credlink needs from a store, as a ``typing.Protocol``.

Adapters (one module each: :mod:`graph.store.sqlite`, later Neo4j) implement it; domain code, loaders,
queries and the API depend on this module only. Records returned here are plain frozen dataclasses
so that nothing above the port sees a driver row type.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from graph.ids import SubjectType
from graph.model import EntryStatus, HolderBasis, ListKind, Measure, Role

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd

    from graph.frames import (
        DerivedFrames,
        DispatchPlanner,
        DispatchSummary,
        PropagationInputs,
        Rederive,
        RunSummary,
    )


#: A job run still ``running`` after this long has died: no run lasts that long.
JOB_STALE_AFTER = dt.timedelta(hours=2)


def job_owner() -> str:
    """Who runs a job: ``host:pid`` of this process, recorded with the running job."""
    return f"{socket.gethostname()}:{os.getpid()}"


def job_owner_is_gone(owner: str | None) -> bool:
    """The process that holds a running job has ended (killed, crashed): it ran on this host and no process
    has its pid. ``False`` when that cannot be known (another host, no owner recorded, a pid in use again):
    the lock then waits for :data:`JOB_STALE_AFTER`."""
    if not owner:
        return False
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


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
    FileKind.list_policies: (
        "list_type",
        "roles",
        "role_time",
        "derived_counts_for_red",
        "repair_min_days",
        "publicity_days",
        "black_skip_publicity",
    ),
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

    #: A mapping the store reads kind by kind, in ``FileKind`` order, with ``get``: the loader may hand
    #: a kind over only once it is validated (``get`` then waits), so writing overlaps validating.
    frames: Mapping[FileKind, pd.DataFrame] = field(default_factory=dict)


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
    #: First day the entry no longer applies when it ended before its validity (repair, removal).
    ended_on: dt.date | None = None


@dataclass(frozen=True, slots=True)
class DerivedRecordRow:
    """A derived record with its whole path: entry → enterprise → role edge (dates) → person."""

    entry: EntryRecord
    role: RoleRecord
    holder_basis: HolderBasis
    valid_from: dt.date
    valid_to: dt.date | None


@dataclass(frozen=True, slots=True)
class RoleEdge:
    """A role edge by its ends' keys, for graph views: ``holder_pk`` held ``role`` in ``enterprise_pk``
    from ``start`` to ``end`` (inclusive; ``None`` is open)."""

    pk: int
    holder_pk: int
    enterprise_pk: int
    role: Role
    start: dt.date | None
    end: dt.date | None
    ratio: float | None


class StatusFlag(StrEnum):
    """A subject's list-status badge on a date, as :meth:`Store.check_rows` would show it."""

    #: A black entry of the subject's own applies (a check row with ``derived`` unset, entry black).
    black = "black"
    #: A red entry of the subject's own applies.
    red = "red"
    #: A firm's black entry reaches the person (a check row with ``derived`` set).
    derived = "derived"
    #: One of those entries is suspended on the date (a check row with ``suspended``).
    suspended = "suspended"


@dataclass(frozen=True, slots=True)
class CheckRow:
    """One (entry, measure) pair that applies to a subject on a date; ``derived`` is set when the
    entry reached the subject through a firm. ``measure`` is ``None`` when the entry applies but no
    measure of the measures list matches it."""

    entry: EntryRecord
    measure: Measure | None
    derived: DerivedRecordRow | None
    #: The entry's measures are suspended on the date asked, pending verification of an objection (R5).
    suspended: bool = False


@dataclass(frozen=True, slots=True)
class Transition:
    """One lifecycle step of an entry, decided by :mod:`graph.lifecycle`, written atomically by a store.

    ``before``/``after`` are the entry's replayable fields as text (status, ended_on and the correctable
    ones); the store sets the entry to ``after`` and appends an event holding both. ``open_objection``
    (filed_by, reason) records an objection and suspends the entry from ``on``; ``resolve_objection``
    gives the open objection its outcome and ends the suspension the day before ``on``; ``notices``
    (kind, text) are published on ``on``.
    """

    entry_pk: int
    action: str
    actor: str
    reason: str
    on: dt.date
    before: Mapping[str, str | None]
    after: Mapping[str, str | None]
    open_objection: tuple[str, str] | None = None
    resolve_objection: str | None = None
    notices: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class EntryEvent:
    """An append-only event of an entry's history (R1)."""

    pk: int
    at: str
    actor: str
    action: str
    reason: str | None
    on: dt.date | None
    before: Mapping[str, str | None] | None
    after: Mapping[str, str | None] | None


@dataclass(frozen=True, slots=True)
class Suspension:
    from_date: dt.date
    to_date: dt.date | None


@dataclass(frozen=True, slots=True)
class ObjectionRecord:
    pk: int
    entry_pk: int
    filed_on: dt.date
    filed_by: str
    reason: str
    status: str
    resolved_on: dt.date | None
    resolved_by: str | None
    resolution: str | None


@dataclass(frozen=True, slots=True)
class RepairApplication:
    pk: int
    entry_pk: int
    filed_on: dt.date
    applicant: str
    evidence: str
    status: str
    decided_on: dt.date | None
    decided_by: str | None
    reason: str | None


@dataclass(frozen=True, slots=True)
class NoticeRecord:
    pk: int
    entry_pk: int
    entry_id: str
    kind: str
    published_on: dt.date
    text: str


@dataclass(frozen=True, slots=True)
class DispatchRecord:
    """A dispatch to an implementing department (R8): start, change or end one measure for one subject.

    ``payload`` holds what the department needs (subject, entry, measure, path) as it was when sent.
    ``outcome`` is the newest feedback, if any; ``acknowledged`` says the department has confirmed receipt
    (by reading past it in its feed, by a delivered webhook, or by answering)."""

    pk: int
    run_pk: int
    department: str
    action: str
    reason: str
    recall: bool
    entry_id: str
    measure_id: str
    payload: Mapping[str, Any]
    created_at: str
    created_on: dt.date
    due_on: dt.date
    recalled_by: int | None
    outcome: str | None
    acknowledged: bool


@dataclass(frozen=True, slots=True)
class FeedbackRecord:
    pk: int
    dispatch_pk: int
    outcome: str
    reason: str | None
    applied_on: dt.date
    actor: str
    recorded_at: str


@dataclass(frozen=True, slots=True)
class DispatchStats:
    """Counts for one department (``measure_id`` ``None``) or one measure of a department (§八(三))."""

    department: str
    measure_id: str | None
    dispatched: int
    acknowledged: int
    applied: int
    not_applicable: int
    failed: int
    unanswered: int
    overdue: int


@dataclass(frozen=True, slots=True)
class DispatchSettings:
    feedback_days: int
    remind_every_days: int
    changed_at: str | None
    changed_by: str | None


@dataclass(frozen=True, slots=True)
class WebhookRecord:
    pk: int
    department: str
    url: str
    active: bool
    created_at: str


@dataclass(frozen=True, slots=True)
class Delivery:
    """An outbox row leased for sending: POST the dispatch (or a reminder of it) to ``url``, signed with
    ``secret``; ``idempotency_key`` is the same on every attempt so the receiver can drop repeats."""

    outbox_pk: int
    url: str
    secret: str
    event: str
    idempotency_key: str
    dispatch: DispatchRecord
    attempts: int


@dataclass(frozen=True, slots=True)
class OutboxState:
    pending: int
    delivered: int
    given_up: int
    oldest_pending_at: str | None


@dataclass(frozen=True, slots=True)
class JobRun:
    pk: int
    started_at: str
    finished_at: str | None
    run_on: dt.date
    status: str
    report: Mapping[str, Any] | None


@dataclass(frozen=True, slots=True)
class MeasureRecord:
    """One measure of a version of the measures list, with the version that brought it in this form and
    the days it is in force (``valid_from`` ``None``: since ever, imported before any publication;
    ``valid_to`` ``None``: still in force)."""

    measure: Measure
    since_version: int
    valid_from: dt.date | None
    valid_to: dt.date | None


@dataclass(frozen=True, slots=True)
class MeasureVersion:
    """A published version of the measures list (R4, §五(一)); version 0 is the list imported before any
    publication, which has no publication date."""

    version: int
    published_on: dt.date | None
    published_at: str | None
    published_by: str
    note: str
    added: int
    changed: int
    removed: int
    measures: int


@dataclass(frozen=True, slots=True)
class DraftChange:
    """One measure's change in the draft of the next version: its new form (``measure``) or its removal
    (``measure`` is ``None``)."""

    measure_id: str
    measure: Measure | None
    changed_at: str
    changed_by: str


@dataclass(frozen=True, slots=True)
class MeasureChange:
    """An append-only record of a change to the measures list: a draft edit (``set``, ``remove``,
    ``revert``, ``discard``), an ``import`` or a ``publish``; ``before``/``after`` are the measure's fields
    (``None`` where it did not exist)."""

    pk: int
    at: str
    actor: str
    action: str
    measure_id: str | None
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None
    version: int | None
    note: str | None


# --- preliminary lists (初步名单, R1, R2) ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RedCandidate:
    """A red-list candidate to cross-compare with the black lists (R2): its subject and its list type (whose
    policy says whether derived black records count)."""

    entry_id: str
    subject_type: SubjectType
    subject_code: str
    list_type: str


@dataclass(frozen=True, slots=True)
class CandidateConflict:
    """A black entry that stands in the way of a red candidate (R2).

    Directly (every link ``None``): the black entry is the candidate subject's own. Through a firm
    (``firm_code``): a derived record of the candidate person, or of the person named below. Through a person
    (``person_code`` with ``role``): the candidate is an enterprise and the person holding ``role`` in it on the
    day asked is black-listed, directly or (with ``firm_code``) through another firm.
    """

    entry_id: str
    black_entry_id: str
    firm_code: str | None = None
    firm_name: str | None = None
    person_code: str | None = None
    person_name: str | None = None
    role: str | None = None


@dataclass(frozen=True, slots=True)
class PreliminarySubmission:
    """A validated preliminary list to write in one transaction.

    ``entries`` has :data:`BATCH_COLUMNS` of ``list_entries``; every row becomes a draft entry with a
    ``submit`` event, and the rows named in ``refused`` (entry id → reason) are then refused by
    cross-comparison (status ``revoked``, event ``refuse``) with their ``conflicts`` recorded.
    """

    department: str
    kind: ListKind
    submitted_by: str
    submitted_on: dt.date
    source_file: str | None
    entries: pd.DataFrame
    refused: Mapping[str, str] = field(default_factory=dict)
    conflicts: tuple[CandidateConflict, ...] = ()


@dataclass(frozen=True, slots=True)
class PreliminaryListRecord:
    pk: int
    list_id: str
    department: str
    kind: ListKind
    submitted_by: str
    submitted_at: str
    submitted_on: dt.date
    source_file: str | None
    submitted: int
    accepted: int
    rejected: int


@dataclass(frozen=True, slots=True)
class PreliminaryEntryRecord:
    """An entry of a preliminary list with its publicity window (inclusive days; ``None`` until publicised)."""

    list_id: str
    entry: EntryRecord
    publicity_from: dt.date | None
    publicity_to: dt.date | None


@dataclass(frozen=True, slots=True)
class ConflictRecord:
    """A recorded cross-comparison conflict of a red candidate, when it was found and at which stage
    (``submit``, ``publicise`` or ``take_effect``)."""

    conflict: CandidateConflict
    found_on: dt.date
    stage: str


@dataclass(frozen=True, slots=True)
class PriorNotification:
    """事前告知: ``recipient`` was notified of a black listing on ``notified_on`` by ``method``."""

    pk: int
    entry_id: str
    recipient: str
    notified_on: dt.date
    method: str
    notified_by: str
    note: str | None


@dataclass(frozen=True, slots=True)
class MeasurePublication:
    """A new version, decided by :mod:`graph.measures` from the current list and the draft, written
    atomically by a store. ``based_on`` (the latest version then) and ``draft_token`` (the last draft
    change then) let the store refuse it if either moved meanwhile."""

    version: int
    based_on: int | None
    draft_token: int
    published_on: dt.date
    published_by: str
    note: str
    added: tuple[Measure, ...]
    changed: tuple[Measure, ...]
    removed: tuple[str, ...]
    measures: int


@dataclass(frozen=True, slots=True)
class PublicityPolicy:
    """A list type's publicity period in days (``None``: not set, the default applies) and whether its black
    entries may take effect without publicity."""

    publicity_days: int | None = None
    black_skip_publicity: bool = False


class Store(Protocol):
    """What credlink needs from a store. All writes are atomic; reads see committed data only."""

    # --- lifecycle and health
    def close(self) -> None: ...

    def stats(self) -> Mapping[str, int]:
        """Row counts per kind of record plus ``schema_version`` and ``pending_changes``."""
        ...

    def backup_to(self, target: Path) -> None:
        """Write a consistent copy of the whole store to the file ``target`` while it keeps serving
        (``credlink backup``). The embedded store does (SQLite's online backup API); the Neo4j store refuses
        (:class:`~graph.errors.InvalidRequest`) and names the server's own tool (``neo4j-admin database dump``)."""
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

    # --- measures list: versions, draft, history (R4, R11, §五(一))
    def measure_versions(self) -> list[MeasureVersion]:
        """Every version, oldest first: version 0 when measures were imported before any publication, then
        the published ones."""
        ...

    def measures_of_version(self, version: int) -> list[MeasureRecord]:
        """The whole list as version ``version`` published it (:class:`NotFound` for an unknown version)."""
        ...

    def measures_in_force(self, at: dt.date) -> list[MeasureRecord]:
        """The measures in force on ``at``, by measure id."""
        ...

    def measure_draft(self) -> tuple[int, list[DraftChange]]:
        """The draft's changes by measure id, and a token that changes whenever the draft does."""
        ...

    def set_draft_measure(self, measure: Measure, *, actor: str) -> None:
        """Put ``measure`` in the draft (added or changed), recording the change."""
        ...

    def remove_draft_measure(self, measure_id: str, *, actor: str) -> None:
        """Remove the measure in the draft (:class:`NotFound` if neither the current list nor the draft has
        it); a measure only added by the draft just leaves the draft."""
        ...

    def revert_draft_measure(self, measure_id: str, *, actor: str) -> None:
        """Drop the draft's change to one measure (:class:`NotFound` if the draft has none)."""
        ...

    def discard_measure_draft(self, *, actor: str) -> int:
        """Drop every change of the draft; returns how many there were."""
        ...

    def publish_measures(self, publication: MeasurePublication) -> MeasureVersion:
        """Write a new version and empty the draft in one transaction; :class:`ConflictError` when the
        latest version or the draft moved since ``publication`` was decided."""
        ...

    def measure_changes(self, *, measure_id: str | None = None, limit: int = 100) -> list[MeasureChange]:
        """The newest ``limit`` changes of the measures list (of one measure when given), newest first."""
        ...

    def example_person(self, business_item: str, at: dt.date) -> str | None:
        """The id number of a person restricted through a firm on ``at`` for ``business_item``, if any
        (for the hint the CLI prints; nobody's answer depends on it)."""
        ...

    # --- lifecycle (R1, R2, R5, R6, R7)
    def entry_by_pk(self, entry_pk: int) -> EntryRecord: ...

    def apply_transition(self, transition: Transition, *, repair_application: int | None = None) -> None:
        """Write a lifecycle step with its event, objection, suspension and notices in one transaction;
        ``repair_application`` is marked approved with it. The entry is queued for propagation."""
        ...

    def entry_history(self, entry_pk: int) -> list[EntryEvent]: ...

    def suspensions(self, entry_pk: int) -> list[Suspension]: ...

    def objections(self, entry_pk: int) -> list[ObjectionRecord]: ...

    def notices(self, entry_pk: int) -> list[NoticeRecord]: ...

    def file_repair_application(
        self, entry_pk: int, *, applicant: str, evidence: str, on: dt.date
    ) -> int: ...

    def repair_application(self, application_pk: int) -> RepairApplication | None: ...

    def repair_applications(self, entry_pk: int) -> list[RepairApplication]: ...

    def decide_repair_application(
        self, application_pk: int, *, status: str, actor: str, reason: str, on: dt.date
    ) -> None: ...

    def repair_min_days(self, list_type: str) -> int | None: ...

    def entries_due_to_expire(self, on: dt.date) -> list[EntryRecord]:
        """Effective entries whose ``valid_to`` is before ``on``."""
        ...

    def red_conflicts(self, on: dt.date) -> list[tuple[EntryRecord, str, str]]:
        """Effective red entries whose subject has a black entry applying on ``on`` (R2): (red entry,
        black entry id, how: directly or via which firm). Derived black records count when the red list
        type's policy says so."""
        ...

    # --- preliminary lists (初步名单, R1, R2)
    def red_candidate_conflicts(
        self, candidates: Sequence[RedCandidate], on: dt.date
    ) -> list[CandidateConflict]:
        """Black entries applying on ``on`` to the subjects of red ``candidates``, as :meth:`red_conflicts`
        judges them (directly, or through a firm when the candidate's list type counts derived records),
        ordered by candidate then black entry id."""
        ...

    def submit_preliminary_list(self, submission: PreliminarySubmission) -> str:
        """Write a preliminary list, its entries (draft, or revoked when refused), their events and conflicts
        in one transaction; returns the list id."""
        ...

    def preliminary_list(self, list_id: str) -> PreliminaryListRecord | None: ...

    def preliminary_entries(self, list_pk: int) -> list[PreliminaryEntryRecord]:
        """The list's entries, in entry id order."""
        ...

    def preliminary_conflicts(self, list_pk: int) -> list[ConflictRecord]: ...

    def record_conflicts(
        self, conflicts: Sequence[CandidateConflict], *, on: dt.date, stage: str
    ) -> None: ...

    def set_publicity(self, windows: Sequence[tuple[int, dt.date, dt.date]]) -> None:
        """Record the publicity window ``(entry pk, first day, last day)`` of each entry."""
        ...

    def publicity_policy(self, list_type: str) -> PublicityPolicy: ...

    def record_prior_notification(
        self,
        entry_pk: int,
        *,
        recipient: str,
        notified_on: dt.date,
        method: str,
        notified_by: str,
        note: str | None,
    ) -> int:
        """Record a prior notification (事前告知) with an event on the entry; returns its id."""
        ...

    def prior_notifications(self, entry_pk: int) -> list[PriorNotification]: ...

    def preliminary_due(self, on: dt.date) -> list[PreliminaryEntryRecord]:
        """Publicised entries whose publicity window ended before ``on``: black ones first, then by list and
        entry id."""
        ...

    def in_publicity(
        self, at: dt.date, *, after: tuple[dt.date, str] | None = None, limit: int = 50
    ) -> list[PreliminaryEntryRecord]:
        """Publicised entries whose window holds ``at``, newest window first by ``(publicity_from, entry_id)``,
        the page after ``after``. Records are unmasked: the caller publishes them masked."""
        ...

    # --- periodic job
    def start_job(self, run_on: dt.date, *, stale_after: dt.timedelta = JOB_STALE_AFTER) -> int | None:
        """Record a job run as running and return its id, or ``None`` if another run is still running. A run
        started more than ``stale_after`` ago is taken to have died (killed, machine restarted): it is
        recorded as failed and the new run takes over."""
        ...

    def finish_job(self, job_pk: int, *, status: str, report: Mapping[str, Any]) -> None: ...

    def jobs(self, limit: int = 50) -> list[JobRun]: ...

    def check_rows(self, subject_pk: int, at: dt.date) -> list[CheckRow]:
        """Entries that apply to the subject on ``at``, direct and derived, joined with their measures
        (target ``subject`` for direct entries, the role for derived ones). Entries under
        verification are included; the caller reports them as suspended (R5)."""
        ...

    # --- exploring the graph (investigators' workbench, analytics)
    def search_subjects(self, text: str, *, limit: int) -> list[SubjectRecord]:
        """Subjects for a search box: ``text`` (stripped; empty finds nothing) equal to a code, a prefix of a
        code (letters compared case-insensitively), or contained anywhere in a name (Chinese included;
        persons too: this is for investigators, not the public). Order: exact codes, then code prefixes
        (by code), then name matches (shorter names first, then name, then pk); no subject twice; at most
        ``limit``."""
        ...

    def subjects_by_pk(self, pks: Collection[int]) -> dict[int, SubjectRecord]:
        """The subjects with these keys (unknown keys are absent)."""
        ...

    def role_edges(
        self,
        subject_pks: Collection[int],
        *,
        at: dt.date | None = None,
        roles: Collection[Role] | None = None,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[RoleEdge]:
        """Role edges where any of the subjects is the holder or the enterprise, each once, by ``pk``:
        only those in force on ``at`` (``start <= at <= end``, open ends open) when it is given, only of
        ``roles`` when given; then ``offset`` edges skipped and at most ``limit`` returned."""
        ...

    def role_degrees(
        self,
        subject_pks: Collection[int],
        *,
        at: dt.date | None = None,
        roles: Collection[Role] | None = None,
    ) -> dict[int, int]:
        """For each subject, how many edges :meth:`role_edges` would return for it alone with the same
        ``at`` and ``roles`` (subjects with none are absent)."""
        ...

    def status_flags(self, subject_pks: Collection[int], at: dt.date) -> dict[int, frozenset[StatusFlag]]:
        """List-status badges on ``at``, exactly what :meth:`check_rows` of each subject on ``at`` implies
        (see :class:`StatusFlag`); subjects without any are absent."""
        ...

    def listed_subjects(
        self, kind: ListKind, at: dt.date, *, subject_type: SubjectType | None = None
    ) -> list[int]:
        """Keys of the subjects with an entry of their own of ``kind`` that applies on ``at`` (as in
        :meth:`check_rows`: ``derived`` unset), of ``subject_type`` when given; ascending."""
        ...

    def restricted_by_item(self, business_item: str, at: dt.date) -> list[tuple[int, CheckRow]]:
        """Every ``(subject pk, row)`` of :meth:`check_rows` on ``at``, over all subjects, whose entry is
        black and whose measure covers ``business_item`` (:meth:`Measure.covers`: a measure naming
        no item applies to all); suspended rows included. Ordered by subject pk, entry pk, derived role
        pk (direct rows first), measure id."""
        ...

    # --- publicity (R10, §六(三))
    def public_entries(
        self,
        at: dt.date,
        *,
        kind: ListKind | None = None,
        list_type: str | None = None,
        search: str | None = None,
        after: tuple[dt.date, str] | None = None,
        limit: int = 50,
    ) -> list[EntryRecord]:
        """Entries that apply on ``at`` (effective or under verification then; never draft, publicised or
        revoked), newest first by ``(valid_from, entry_id)``, the page after ``after`` (a keyset).

        ``search`` finds an enterprise by a substring of its name or its exact code, and a person by the
        exact id number only (never by name). Records are unmasked: the caller publishes them masked.
        """
        ...

    def public_notices(
        self,
        until: dt.date,
        *,
        kind: str | None = None,
        since: dt.date | None = None,
        after: tuple[dt.date, int] | None = None,
        limit: int = 50,
    ) -> list[tuple[NoticeRecord, EntryRecord]]:
        """Exit and correction notices (never apology or reclaim ones) published from ``since`` to
        ``until``, newest first by ``(published_on, notice pk)``, the page after ``after``; each with its
        entry. Texts are unmasked: the caller publishes them masked."""
        ...

    # --- trigger–feedback (R8, §七(一), §八(三))
    def dispatch(
        self,
        on: dt.date,
        scope: Collection[int] | None,
        plan: DispatchPlanner,
    ) -> DispatchSummary:
        """In one write transaction: read the measure applications in force on ``on`` and those dispatched,
        for the entries of ``scope`` (``None`` = all), call ``plan`` on them, and write the dispatches it
        returns (feedback due after the settings' ``feedback_days``), the applications' new state, the
        recalls and the outbox rows for departments with a webhook."""
        ...

    def dispatch_feed(self, department: str, *, after: int, limit: int) -> list[DispatchRecord]:
        """The department's dispatches with a cursor above ``after``, oldest first; reading past ``after``
        acknowledges everything up to it."""
        ...

    def dispatch_record(self, dispatch_pk: int) -> DispatchRecord | None: ...

    def entry_dispatches(self, entry_pk: int) -> list[DispatchRecord]: ...

    def record_feedback(
        self, dispatch_pk: int, *, outcome: str, reason: str | None, applied_on: dt.date, actor: str
    ) -> FeedbackRecord: ...

    def feedback(self, dispatch_pk: int) -> list[FeedbackRecord]: ...

    def dispatch_stats(self, on: dt.date, *, by_measure: bool) -> list[DispatchStats]:
        """Per department (or per department and measure): dispatched, acknowledged, answered by outcome,
        unanswered, and overdue on ``on`` (unanswered past the due day)."""
        ...

    def overdue_dispatches(
        self, on: dt.date, *, department: str | None, limit: int
    ) -> list[DispatchRecord]: ...

    def remind_overdue(self, on: dt.date) -> int: ...

    def dispatch_settings(self) -> DispatchSettings:
        """The settings in force (the defaults when none were ever set)."""
        ...

    def set_dispatch_settings(
        self, *, feedback_days: int, remind_every_days: int, actor: str
    ) -> DispatchSettings: ...

    def set_webhook(self, department: str, *, url: str, secret: str) -> WebhookRecord:
        """Register (or replace) the department's webhook. Dispatches created from then on are queued to it;
        earlier ones stay in the department's feed."""
        ...

    def disable_webhook(self, department: str) -> bool: ...

    def webhooks(self) -> list[WebhookRecord]: ...

    def lease_deliveries(self, now: dt.datetime, *, limit: int, lease: dt.timedelta) -> list[Delivery]:
        """Due outbox rows, leased until ``now + lease`` so that no other deliverer sends them meanwhile."""
        ...

    def delivery_succeeded(self, outbox_pk: int, at: dt.datetime) -> None: ...

    def delivery_failed(
        self, outbox_pk: int, at: dt.datetime, *, error: str, retry_at: dt.datetime | None
    ) -> None:
        """Record a failed attempt: retried at ``retry_at``, or given up when it is ``None``."""
        ...

    def outbox_state(self) -> OutboxState: ...


@runtime_checkable
class PropagatesInStore(Protocol):
    """A store that computes propagation itself, next to its data, instead of handing frames to
    :func:`graph.propagation.derive` (:mod:`graph.propagation` uses it whenever a store offers it).

    The results must be those :func:`graph.propagation.derive` would give on the same data, swapped in as
    :meth:`Store.commit_derived` swaps them (readers see the old or the new records of the scope; only the
    difference is written), with the same :class:`~graph.frames.RunSummary` counts and the run recorded.
    Changes written while the run computed are not lost: the entries they touch are re-derived or stay
    pending for the next run.
    """

    def propagate_in_store(self, scope: Collection[int] | None) -> RunSummary:
        """Recompute the derived records of ``scope`` (entry pks; ``None`` = all entries) in the store."""
        ...
