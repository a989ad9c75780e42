"""A subject's profile: who it is, its roles over time, its own entries and the records derived to it."""

from __future__ import annotations

from dataclasses import dataclass

from graph.ids import SubjectType
from graph.store.port import DerivedRecordRow, EntryRecord, RoleRecord, Store, SubjectRecord
from queries.subjects import resolve_subject


@dataclass(frozen=True, slots=True)
class SubjectProfile:
    subject: SubjectRecord
    roles: tuple[RoleRecord, ...]
    entries: tuple[EntryRecord, ...]
    derived: tuple[DerivedRecordRow, ...]


def subject_profile(store: Store, subject_id: str, subject_type: SubjectType | None = None) -> SubjectProfile:
    subject = resolve_subject(store, subject_id, subject_type)
    derived = store.derived_for_person(subject.pk) if subject.subject_type is SubjectType.person else []
    return SubjectProfile(
        subject=subject,
        roles=tuple(store.subject_roles(subject.pk)),
        entries=tuple(store.subject_entries(subject.pk)),
        derived=tuple(derived),
    )
