"""The linkage graph's value types: subjects, dated role edges, list entries, measures, policies.

Small frozen dataclasses and string enums (the store keeps the enum values as text). Dates are
``datetime.date``; ``None`` at either end of an interval means open. All intervals are inclusive days:
a role with ``end = 2021-05-31`` was held on 31 May and not on 1 June.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

from graph.ids import SubjectType

__all__ = [
    "DEFAULT_POLICY",
    "PERSON_ROLES",
    "DerivedRecord",
    "Enterprise",
    "EntryStatus",
    "HolderBasis",
    "ListEntry",
    "ListKind",
    "ListPolicy",
    "Measure",
    "Person",
    "Role",
    "RoleEdge",
    "RoleTime",
    "SubjectType",
    "Target",
]


class ListKind(StrEnum):
    red = "red"
    black = "black"


class Role(StrEnum):
    legal_representative = "legal_representative"
    principal = "principal"
    directly_responsible = "directly_responsible"
    actual_controller = "actual_controller"
    shareholder = "shareholder"
    branch_of = "branch_of"


#: Roles a person holds in an enterprise and through which a firm's listing can reach them (R3).
PERSON_ROLES: frozenset[Role] = frozenset(
    {
        Role.legal_representative,
        Role.principal,
        Role.directly_responsible,
        Role.actual_controller,
        Role.shareholder,
    }
)


class Target(StrEnum):
    """Whom a measure is applied to: the listed subject itself or a person holding a role in it (R4)."""

    subject = "subject"
    legal_representative = "legal_representative"
    principal = "principal"
    directly_responsible = "directly_responsible"
    actual_controller = "actual_controller"


class RoleTime(StrEnum):
    """Which role holders a firm's listing reaches (R3): on the act date, on the date asked about, or both."""

    act = "act"
    current = "current"
    both = "both"


class HolderBasis(StrEnum):
    """Why a derived record exists: the person held the role on the act date, or holds it on the date asked."""

    act_date = "act_date"
    current = "current"


class EntryStatus(StrEnum):
    draft = "draft"
    publicised = "publicised"
    effective = "effective"
    under_verification = "under_verification"
    expired = "expired"
    repaired = "repaired"
    revoked = "revoked"
    #: A red entry ended by cross-comparison when a black entry of the same subject took effect (R2).
    removed = "removed"


#: Statuses whose entries take part in propagation. ``expired`` and ``repaired`` stay in: their validity
#: (``valid_to``, ``ended_on``) already ends them, and a question "as of" a date before that must still be
#: answered. ``under_verification`` stays in too; the check reports its suspension days (R5). A revoked
#: entry never applied (R6); a removed one is red and red entries do not propagate.
PROPAGATING_STATUSES: frozenset[EntryStatus] = frozenset(
    {EntryStatus.effective, EntryStatus.under_verification, EntryStatus.expired, EntryStatus.repaired}
)


@dataclass(frozen=True, slots=True)
class Enterprise:
    uscc: str
    name: str
    kind: str | None = None
    status: str | None = None
    region_code: str | None = None
    established: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Person:
    id_number: str
    name: str


@dataclass(frozen=True, slots=True)
class RoleEdge:
    """``holder`` held ``role`` in ``enterprise`` from ``start`` to ``end`` (inclusive; ``None`` = open)."""

    holder: str
    holder_type: SubjectType
    enterprise: str
    role: Role
    start: dt.date | None = None
    end: dt.date | None = None
    ratio: float | None = None

    def held_on(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True, slots=True)
class ListEntry:
    entry_id: str
    subject_id: str
    subject_type: SubjectType
    kind: ListKind
    list_type: str
    department: str
    basis: str
    valid_from: dt.date
    act_date: dt.date | None = None
    decided_on: dt.date | None = None
    valid_to: dt.date | None = None
    status: EntryStatus = EntryStatus.effective


@dataclass(frozen=True, slots=True)
class Measure:
    measure_id: str
    kind: ListKind
    list_type: str
    target: Target
    content: str
    initiating_department: str
    implementing_department: str
    legal_basis: str
    business_items: tuple[str, ...] = ()
    sharing_method: str | None = None

    def covers(self, business_item: str | None) -> bool:
        """A measure with no business items listed applies to every business item."""
        return business_item is None or not self.business_items or business_item in self.business_items


@dataclass(frozen=True, slots=True)
class ListPolicy:
    list_type: str
    roles: frozenset[Role] = field(
        default_factory=lambda: frozenset(
            {Role.legal_representative, Role.principal, Role.directly_responsible}
        )
    )
    role_time: RoleTime = RoleTime.both
    derived_counts_for_red: bool = True


#: Used for a list type with no policy: §四(六) names the legal representative, the principal
#: responsible person and the directly responsible persons; DESIGN R3 defaults to ``both``.
DEFAULT_POLICY = ListPolicy(list_type="*")


@dataclass(frozen=True, slots=True)
class DerivedRecord:
    """A firm's black entry that reached a person through one role edge, with its own validity (R3)."""

    entry_id: str
    person_id: str
    enterprise_uscc: str
    role: Role
    role_start: dt.date | None
    role_end: dt.date | None
    holder_basis: HolderBasis
    valid_from: dt.date
    valid_to: dt.date | None
