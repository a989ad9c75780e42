"""The frames exchanged between propagation and the stores.

A store reads :class:`PropagationInputs` for :func:`graph.propagation.derive` and writes the
:class:`DerivedFrames` it returns; both sides import this module, neither imports the other's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

ENTRY_COLUMNS = ["entry_pk", "enterprise_pk", "list_type", "act_day", "from_day", "to_day"]
ROLE_COLUMNS = ["role_pk", "person_pk", "enterprise_pk", "role", "start_day", "end_day"]
POLICY_COLUMNS = ["list_type", "role", "role_time"]
MEASURE_COLUMNS = ["measure_pk", "list_type", "target"]
RECORD_COLUMNS = [
    "entry_pk",
    "role_pk",
    "person_pk",
    "enterprise_pk",
    "role",
    "holder_basis",
    "from_day",
    "to_day",
]
DERIVED_MEASURE_COLUMNS = ["entry_pk", "role_pk", "person_pk", "measure_pk"]


def empty_frame(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype="object") for name in columns})


@dataclass(slots=True)
class PropagationInputs:
    """What :func:`derive` needs, as integer-keyed frames with dates as day numbers.

    ``entries``: black entries of enterprises in a propagating status (``act_day`` is ``OPEN_START``
    when unknown, which no role covers). ``roles``: role edges whose holder is a person.
    ``policies``: one row per (list type, role) with that list type's ``role_time``.
    ``measures``: black measures with a person target. ``seq``: the store's change sequence number
    when these were read, so that a writer can tell what changed since.
    """

    entries: pd.DataFrame = field(default_factory=lambda: empty_frame(ENTRY_COLUMNS))
    roles: pd.DataFrame = field(default_factory=lambda: empty_frame(ROLE_COLUMNS))
    policies: pd.DataFrame = field(default_factory=lambda: empty_frame(POLICY_COLUMNS))
    measures: pd.DataFrame = field(default_factory=lambda: empty_frame(MEASURE_COLUMNS))
    seq: int = 0


@dataclass(slots=True)
class DerivedFrames:
    """Derived credit records (one per entry × role edge) and the measures that reach them."""

    records: pd.DataFrame
    measures: pd.DataFrame

    @property
    def entry_pks(self) -> set[int]:
        return {int(pk) for pk in self.records["entry_pk"].unique()}


#: What a store calls, inside its write transaction, to re-derive entries changed while a run computed.
Rederive = Callable[[PropagationInputs], DerivedFrames]


@dataclass(frozen=True, slots=True)
class RunSummary:
    mode: str
    entries: int
    records: int
    measures: int
    added: int
    removed: int
    changed: int
    seconds: float
    run_id: int


# --- trigger–feedback (R8) -----------------------------------------------------------------------------------

#: What identifies a measure application: the entry, the subject reached, the role edge of the path (0 for
#: the entry's own subject), the measure and the department that implements it.
APPLICATION_KEY = ["entry_pk", "subject_pk", "role_pk", "measure_id", "department"]
FINGERPRINTS = ["entry_fp", "measure_fp", "path_fp"]
#: Applications in force on a day, as a store reads them for :func:`graph.dispatch.plan_dispatches`.
CURRENT_COLUMNS = [*APPLICATION_KEY, *FINGERPRINTS, "payload"]
#: Applications already dispatched, with the entry's state that explains an ending.
PREVIOUS_COLUMNS = [
    "application_pk",
    *APPLICATION_KEY,
    *FINGERPRINTS,
    "active",
    "ended_reason",
    "entry_status",
    "entry_valid_to",
    "entry_ended_on",
    "suspended",
    "measure_listed",
    "measure_matches",
    "last_dispatch_pk",
]
#: Dispatches to write: ``application_pk`` is the existing row (``None`` for a first start); ``payload`` is
#: ``None`` for an ending, which repeats what was last told (``last_dispatch_pk``).
PLANNED_COLUMNS = [
    "action",
    "reason",
    "recall",
    "application_pk",
    *APPLICATION_KEY,
    *FINGERPRINTS,
    "payload",
    "last_dispatch_pk",
]


@dataclass(slots=True)
class DispatchFrames:
    current: pd.DataFrame
    previous: pd.DataFrame


#: What a store calls, inside its write transaction, to decide the dispatches from the frames it read.
DispatchPlanner = Callable[[DispatchFrames], pd.DataFrame]


@dataclass(frozen=True, slots=True)
class DispatchSummary:
    run_id: int | None
    run_on: str
    started: int
    changed: int
    ended: int
    recalled: int
    webhook_deliveries: int

    @property
    def total(self) -> int:
        return self.started + self.changed + self.ended
