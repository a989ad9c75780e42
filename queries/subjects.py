"""Resolving a subject id string to the stored subject, without guessing."""

from __future__ import annotations

from graph.errors import AmbiguousIdentifier, InvalidIdentifier, NotFound
from graph.ids import SubjectType, classify
from graph.store.port import Store, SubjectRecord

_LABEL = {SubjectType.enterprise: "统一社会信用代码", SubjectType.person: "身份证号码"}
_NOUN = {SubjectType.enterprise: "企业", SubjectType.person: "个人"}


def resolve_subject(store: Store, subject_id: str, subject_type: SubjectType | None = None) -> SubjectRecord:
    """The stored subject for ``subject_id`` (a USCC or a resident id number).

    A string valid as only one kind is that kind. A string valid as both is settled by what the store
    holds; if it holds both, :class:`AmbiguousIdentifier` asks the caller to say ``subject_type``.

    Raises :class:`InvalidIdentifier` for a malformed id (saying what is wrong), :class:`NotFound` for a
    valid id the store does not hold.
    """
    classified = classify(subject_id)
    if subject_type is not None and subject_type not in classified.types:
        reasons = "；".join(p for p in classified.problems if p)
        raise InvalidIdentifier(reasons or f"{classified.value} 不是有效的{_LABEL[subject_type]}")
    if not classified.types:
        raise InvalidIdentifier("；".join(p for p in classified.problems if p))
    candidates = frozenset({subject_type}) if subject_type is not None else classified.types
    held = {record.subject_type: record for record in store.find_subjects(classified.value)}
    found = [held[kind] for kind in sorted(candidates) if kind in held]
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise AmbiguousIdentifier(
            f"{classified.value} 既是有效的统一社会信用代码，也是有效的身份证号码，且库中两类主体均有登记；"
            "请用参数 subject_type=enterprise 或 subject_type=person 指明"
        )
    if len(candidates) > 1:
        raise NotFound(
            f"未找到主体 {classified.value}（号码作为统一社会信用代码和身份证号码均有效，但库中均无登记）"
        )
    (only,) = candidates
    raise NotFound(f"未找到{_NOUN[only]} {classified.value}（号码有效，但库中没有该主体）")
