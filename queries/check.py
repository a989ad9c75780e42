"""The sanctions check (R9, R11): what applies to a subject on a date, direct or via any firm, and why.

Never walks the graph: it reads the subject's direct entries and its precomputed derived records
(each with validity and path) joined with the measures list in force on the date asked (R11: the version
published then, see :mod:`graph.measures`) — a few indexed lookups
(``queries/sql/check_rows.sql`` on the embedded store).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from graph.ids import SubjectType
from graph.model import ListKind, Measure
from graph.store.port import DerivedRecordRow, EntryRecord, Store, SubjectRecord
from queries.subjects import resolve_subject


@dataclass(frozen=True, slots=True)
class CheckItem:
    """One reason something applies: an entry, reached directly (``path`` is ``None``) or through a
    firm (``path`` is the derived record), and the measures of the measures list it brings for the
    business item asked about. ``suspended`` is true when, on the date asked, the entry was under
    verification of an objection (R5): its measures are listed but do not apply."""

    entry: EntryRecord
    path: DerivedRecordRow | None
    measures: tuple[Measure, ...]
    suspended: bool

    @property
    def applies(self) -> bool:
        return not self.suspended and bool(self.measures)


@dataclass(frozen=True, slots=True)
class CheckResult:
    subject: SubjectRecord
    at: dt.date
    business_item: str | None
    items: tuple[CheckItem, ...]

    @property
    def restricted(self) -> bool:
        """Some black-list measure applies to the subject for this business item on this date."""
        return any(item.applies and item.entry.kind is ListKind.black for item in self.items)

    @property
    def incentivised(self) -> bool:
        return any(item.applies and item.entry.kind is ListKind.red for item in self.items)

    @property
    def suspended(self) -> bool:
        return any(item.suspended for item in self.items)


def check(
    store: Store,
    subject_id: str,
    business_item: str | None = None,
    at: dt.date | None = None,
    subject_type: SubjectType | None = None,
) -> CheckResult:
    """Incentives and restrictions that apply to ``subject_id`` on ``at`` (default today).

    ``business_item`` keeps only the measures that list it (a measure listing no business item applies
    to all). Each item carries the entry, the path through a firm if any, the department and the legal
    basis via its measures.
    """
    subject = resolve_subject(store, subject_id, subject_type)
    return check_subject(store, subject, business_item=business_item, at=at)


def check_subject(
    store: Store, subject: SubjectRecord, *, business_item: str | None = None, at: dt.date | None = None
) -> CheckResult:
    day = at or dt.date.today()
    grouped: dict[tuple[int, int | None], list[Measure]] = {}
    heads: dict[tuple[int, int | None], tuple[EntryRecord, DerivedRecordRow | None, bool]] = {}
    for row in store.check_rows(subject.pk, day):
        key = (row.entry.pk, row.derived.role.pk if row.derived else None)
        heads.setdefault(key, (row.entry, row.derived, row.suspended))
        bucket = grouped.setdefault(key, [])
        if row.measure is not None and row.measure.covers(business_item):
            bucket.append(row.measure)
    items = tuple(
        CheckItem(entry=entry, path=path, measures=tuple(grouped[key]), suspended=suspended)
        for key, (entry, path, suspended) in heads.items()
    )
    return CheckResult(subject=subject, at=day, business_item=business_item, items=items)
