"""The measures list (联合奖惩措施清单, §五(一), R4, R11): a draft of the next version, its publication, diffs.

Each measure says, for a list type and kind, what is done (content), by which implementing department, at
whose initiative, to which target, on which legal basis, for which business items and how the information
is shared. The credit authority edits a **draft** of the next version — set (add or change) or remove a
measure, every field validated here with a Chinese message naming it — and **publishes** it: a new
version number, the first day it is in force (``on``, default today), who published it and a note.

Every version is kept whole and can be read back; the store keeps the rows of every version with the
days each was in force, so that a check asked "as of" a past day joins the list in force that day (R11).
A publication may be dated back (a list published on paper first) but never before the version it
follows, and never ahead of today: the current list is always the newest version.

Measures imported from files before the first publication form version 0, in force since ever; once a
version has been published, an imported measures file only fills the draft (see ``docs/store.md``).

The checks and the diff are pure functions; the functions taking a ``store`` read what they need, decide
and hand one write to the store, which refuses it (:class:`ConflictError`) if the list or the draft moved
in between.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from graph.business_items import BUSINESS_ITEMS
from graph.dispatch import dispatch_all
from graph.errors import CredlinkError, InvalidRequest, NotFound
from graph.model import ListKind, Measure, Target
from graph.store.port import DraftChange, MeasurePublication, MeasureRecord, MeasureVersion, Store

__all__ = [
    "FIELDS",
    "FIELD_LABELS",
    "KIND_LABELS",
    "TARGET_LABELS",
    "DraftView",
    "FieldChange",
    "InvalidMeasure",
    "Listing",
    "MeasureDiff",
    "MeasureUpdate",
    "NothingToPublish",
    "apply_draft",
    "diff_measures",
    "discard_draft",
    "draft_view",
    "edit_measure",
    "field_changes",
    "filter_records",
    "latest",
    "listing",
    "measure_fields",
    "publish",
    "remove_measure",
    "require_version",
    "revert_measure",
    "set_measure",
    "validate_measure",
    "version_diff",
    "version_on",
]

#: A measure's fields besides its id, in the order of the data contract.
FIELDS = (
    "kind",
    "list_type",
    "target",
    "content",
    "initiating_department",
    "implementing_department",
    "legal_basis",
    "business_items",
    "sharing_method",
)

FIELD_LABELS: dict[str, str] = {
    "measure_id": "措施编号",
    "kind": "名单类别",
    "list_type": "名单类型",
    "target": "实施对象",
    "content": "措施内容",
    "initiating_department": "发起部门",
    "implementing_department": "实施部门",
    "legal_basis": "实施依据",
    "business_items": "业务事项",
    "sharing_method": "信息共享方式",
}

KIND_LABELS: dict[ListKind, str] = {ListKind.red: "红名单（激励）", ListKind.black: "黑名单（惩戒）"}

TARGET_LABELS: dict[Target, str] = {
    Target.subject: "名单主体本身",
    Target.legal_representative: "法定代表人",
    Target.principal: "主要负责人",
    Target.directly_responsible: "直接责任人员",
    Target.actual_controller: "实际控制人",
}

#: Longest accepted text per field; a measure id also appears in URLs and file names.
_MAX_LENGTH: dict[str, int] = {
    "measure_id": 64,
    "list_type": 100,
    "content": 1000,
    "initiating_department": 100,
    "implementing_department": 100,
    "legal_basis": 1000,
    "sharing_method": 100,
}
_REQUIRED_TEXT = (
    "list_type",
    "content",
    "initiating_department",
    "implementing_department",
    "legal_basis",
)
_ITEM_BY_NAME: dict[str, str] = {name: code for code, name in BUSINESS_ITEMS.items()}


class InvalidMeasure(InvalidRequest):
    """A measure with invalid fields; ``problems`` holds (field, message) pairs, the detail lists them all."""

    status = 422
    code = "invalid_measure"

    def __init__(self, measure_id: str, problems: Sequence[tuple[str, str]]) -> None:
        listed = "；".join(
            f"{field}（{FIELD_LABELS.get(field, field)}）{message}" for field, message in problems
        )
        super().__init__(f"措施 {measure_id or '（无编号）'} 有 {len(problems)} 处错误：{listed}")
        self.problems = list(problems)


class NothingToPublish(CredlinkError):
    """A publication refused because it would change nothing (or leave an empty list)."""

    status = 409
    code = "nothing_to_publish"


# --- validation ----------------------------------------------------------------------------------------------


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        return str(value)
    stripped = value.strip()
    return stripped or None


def _items(value: Any, problems: list[tuple[str, str]]) -> tuple[str, ...]:
    if value is None:
        return ()
    raw: list[Any]
    if isinstance(value, str):
        raw = value.replace("；", ";").split(";")
        raw = [part for part in raw if part.strip()] if value.strip() else []
    elif isinstance(value, list | tuple):
        raw = list(value)
    else:
        problems.append(("business_items", f"应为业务事项代码的列表，实为 {value!r}"))
        return ()
    codes: list[str] = []
    for item in raw:
        text = _text(item)
        if text is None:
            problems.append(("business_items", "含有空白的业务事项"))
            continue
        code = text if text in BUSINESS_ITEMS else _ITEM_BY_NAME.get(text)
        if code is None:
            known = "、".join(f"{code}（{name}）" for code, name in BUSINESS_ITEMS.items())
            problems.append(("business_items", f"“{text}”不在业务事项目录中；可用：{known}"))
        elif code in codes:
            problems.append(("business_items", f"“{text}”重复"))
        else:
            codes.append(code)
    return tuple(codes)


def validate_measure(measure_id: str, fields: Mapping[str, Any]) -> Measure:
    """A :class:`Measure` from user-given fields, or :class:`InvalidMeasure` listing every problem.

    Enumerations take their codes (``kind``: red|black; ``target``: subject, legal_representative,
    principal, directly_responsible, actual_controller); the texts must not be blank; ``business_items`` is
    a list (or a ``;``-separated string) of codes of :data:`graph.business_items.BUSINESS_ITEMS` or their
    Chinese names, none twice — empty means every business item; ``sharing_method`` may be left out.
    """
    problems: list[tuple[str, str]] = []
    unknown = sorted(set(fields) - set(FIELDS))
    if unknown:
        problems.append((unknown[0], f"不是措施的字段；措施的字段为：{'、'.join(FIELDS)}"))
    ident = _text(measure_id) or ""
    if not ident:
        problems.append(("measure_id", "不能为空"))
    elif any(char.isspace() for char in ident) or "/" in ident:
        problems.append(("measure_id", f"“{ident}”不能含空白或斜杠"))
    texts = {name: _text(fields.get(name)) for name in (*_REQUIRED_TEXT, "sharing_method")}
    for name in _REQUIRED_TEXT:
        if texts[name] is None:
            problems.append((name, "不能为空"))
    for name, limit in _MAX_LENGTH.items():
        value = ident if name == "measure_id" else texts.get(name)
        if value is not None and len(value) > limit:
            problems.append((name, f"过长（{len(value)} 字，最多 {limit} 字）"))
    kind_text = _text(fields.get("kind"))
    kind = next((member for member in ListKind if member.value == kind_text), None)
    if kind is None:
        accepted = "、".join(f"{member.value}（{label}）" for member, label in KIND_LABELS.items())
        problems.append(("kind", f"取值“{kind_text or ''}”无效，应为 {accepted}"))
    target_text = _text(fields.get("target"))
    target = next((member for member in Target if member.value == target_text), None)
    if target is None:
        accepted = "、".join(f"{member.value}（{label}）" for member, label in TARGET_LABELS.items())
        problems.append(("target", f"取值“{target_text or ''}”无效，应为 {accepted}"))
    items = _items(fields.get("business_items"), problems)
    if problems or kind is None or target is None:
        raise InvalidMeasure(ident, problems)
    return Measure(
        measure_id=ident,
        kind=kind,
        list_type=texts["list_type"] or "",
        target=target,
        content=texts["content"] or "",
        initiating_department=texts["initiating_department"] or "",
        implementing_department=texts["implementing_department"] or "",
        legal_basis=texts["legal_basis"] or "",
        business_items=items,
        sharing_method=texts["sharing_method"],
    )


def measure_fields(measure: Measure) -> dict[str, Any]:
    """A measure's fields (without its id) as plain values, business items as a list."""
    return {
        "kind": measure.kind.value,
        "list_type": measure.list_type,
        "target": measure.target.value,
        "content": measure.content,
        "initiating_department": measure.initiating_department,
        "implementing_department": measure.implementing_department,
        "legal_basis": measure.legal_basis,
        "business_items": list(measure.business_items),
        "sharing_method": measure.sharing_method,
    }


# --- diffs ---------------------------------------------------------------------------------------------------

FieldValue = str | tuple[str, ...] | None


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    before: FieldValue
    after: FieldValue


@dataclass(frozen=True, slots=True)
class MeasureUpdate:
    """A measure present on both sides whose fields differ, field by field."""

    before: Measure
    after: Measure
    fields: tuple[FieldChange, ...]

    @property
    def measure_id(self) -> str:
        return self.after.measure_id


@dataclass(frozen=True, slots=True)
class MeasureDiff:
    """From one list to another: measures added, changed (field by field) and removed, by measure id."""

    added: tuple[Measure, ...]
    changed: tuple[MeasureUpdate, ...]
    removed: tuple[Measure, ...]

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.removed)


def _value(measure: Measure, name: str) -> FieldValue:
    value = getattr(measure, name)
    if isinstance(value, ListKind | Target):
        return value.value
    if isinstance(value, tuple):
        return tuple(value)
    return None if value is None else str(value)


def field_changes(before: Measure, after: Measure) -> tuple[FieldChange, ...]:
    """The fields in which ``after`` differs from ``before`` (business items compared as a set)."""
    changes = []
    for name in FIELDS:
        old, new = _value(before, name), _value(after, name)
        # The order of business items carries no meaning.
        same = set(old or ()) == set(new or ()) if name == "business_items" else old == new
        if not same:
            changes.append(FieldChange(name, old, new))
    return tuple(changes)


def diff_measures(before: Iterable[Measure], after: Iterable[Measure]) -> MeasureDiff:
    """What changed from the list ``before`` to the list ``after``. Linear in their sizes."""
    old = {measure.measure_id: measure for measure in before}
    new = {measure.measure_id: measure for measure in after}
    added = tuple(new[key] for key in sorted(new.keys() - old.keys()))
    removed = tuple(old[key] for key in sorted(old.keys() - new.keys()))
    changed = []
    for key in sorted(old.keys() & new.keys()):
        fields = field_changes(old[key], new[key])
        if fields:
            changed.append(MeasureUpdate(old[key], new[key], fields))
    return MeasureDiff(added=added, changed=tuple(changed), removed=removed)


def apply_draft(current: Iterable[Measure], draft: Iterable[DraftChange]) -> list[Measure]:
    """The list the draft would publish: ``current`` with each draft change applied, by measure id."""
    measures = {measure.measure_id: measure for measure in current}
    for change in draft:
        if change.measure is None:
            measures.pop(change.measure_id, None)
        else:
            measures[change.measure_id] = change.measure
    return [measures[key] for key in sorted(measures)]


# --- versions ------------------------------------------------------------------------------------------------


def latest(versions: Sequence[MeasureVersion]) -> MeasureVersion | None:
    return versions[-1] if versions else None


def version_on(versions: Sequence[MeasureVersion], at: dt.date) -> MeasureVersion | None:
    """The version in force on ``at``: the newest published on or before it (the last of a day wins), else
    version 0 (imported, in force since ever) when there is one."""
    found = None
    for version in versions:
        if version.published_on is None or version.published_on <= at:
            found = version
    return found


@dataclass(frozen=True, slots=True)
class Listing:
    """The measures list in force on ``at``: its version (``None`` when no list is stored) and measures."""

    at: dt.date
    version: MeasureVersion | None
    records: tuple[MeasureRecord, ...]


def filter_records(
    records: Iterable[MeasureRecord],
    *,
    kind: ListKind | None = None,
    list_type: str | None = None,
    implementing_department: str | None = None,
    business_item: str | None = None,
) -> list[MeasureRecord]:
    """Keep the measures matching every filter given; a measure listing no business item applies to all."""
    return [
        record
        for record in records
        if (kind is None or record.measure.kind is kind)
        and (list_type is None or record.measure.list_type == list_type)
        and (
            implementing_department is None
            or record.measure.implementing_department == implementing_department
        )
        and (business_item is None or record.measure.covers(business_item))
    ]


def listing(store: Store, at: dt.date | None = None) -> Listing:
    """The measures in force on ``at`` (default today) with the version they belong to."""
    day = at or dt.date.today()
    return Listing(
        at=day,
        version=version_on(store.measure_versions(), day),
        records=tuple(store.measures_in_force(day)),
    )


def version_diff(store: Store, before: int, after: int) -> MeasureDiff:
    """What changed from version ``before`` to version ``after`` (either order)."""
    old = [record.measure for record in store.measures_of_version(before)]
    new = [record.measure for record in store.measures_of_version(after)]
    return diff_measures(old, new)


# --- the draft -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DraftView:
    """The draft against the current list: its changes, the list it would publish and the net diff."""

    based_on: MeasureVersion | None
    token: int
    changes: tuple[DraftChange, ...]
    current: tuple[Measure, ...]
    proposed: tuple[Measure, ...]
    diff: MeasureDiff

    def measure(self, measure_id: str) -> tuple[Measure | None, Measure | None]:
        """(current form, draft form) of one measure; ``None`` where it does not exist."""
        current = next((m for m in self.current if m.measure_id == measure_id), None)
        proposed = next((m for m in self.proposed if m.measure_id == measure_id), None)
        return current, proposed


def draft_view(store: Store) -> DraftView:
    versions = store.measure_versions()
    token, changes = store.measure_draft()
    current = [record.measure for record in store.measures_in_force(dt.date.today())]
    proposed = apply_draft(current, changes)
    return DraftView(
        based_on=latest(versions),
        token=token,
        changes=tuple(changes),
        current=tuple(current),
        proposed=tuple(proposed),
        diff=diff_measures(current, proposed),
    )


def _actor(actor: str) -> str:
    name = actor.strip()
    if not name:
        raise InvalidRequest("缺少操作人（actor）：请写明部门及经办人")
    return name


def set_measure(store: Store, measure_id: str, fields: Mapping[str, Any], *, actor: str) -> Measure:
    """Add or change a measure in the draft, every field given (a whole replacement)."""
    who = _actor(actor)
    measure = validate_measure(measure_id, fields)
    store.set_draft_measure(measure, actor=who)
    return measure


def edit_measure(store: Store, measure_id: str, fields: Mapping[str, Any], *, actor: str) -> Measure:
    """Change some fields of a measure in the draft, the others kept as the draft has them (as the current
    list has them when the draft removes it; a new measure needs them all)."""
    who = _actor(actor)
    current, proposed = draft_view(store).measure(measure_id.strip())
    base = proposed or current
    merged: dict[str, Any] = {} if base is None else measure_fields(base)
    merged.update(fields)
    measure = validate_measure(measure_id, merged)
    store.set_draft_measure(measure, actor=who)
    return measure


def remove_measure(store: Store, measure_id: str, *, actor: str) -> None:
    """Remove a measure in the draft (it leaves the list when the draft is published)."""
    store.remove_draft_measure(measure_id.strip(), actor=_actor(actor))


def revert_measure(store: Store, measure_id: str, *, actor: str) -> None:
    """Drop the draft's change to a measure: it is published as the current list has it."""
    store.revert_draft_measure(measure_id.strip(), actor=_actor(actor))


def discard_draft(store: Store, *, actor: str) -> int:
    return store.discard_measure_draft(actor=_actor(actor))


def publish(
    store: Store,
    *,
    actor: str,
    note: str = "",
    on: dt.date | None = None,
    today: dt.date | None = None,
) -> MeasureVersion:
    """Publish the draft as the next version, in force from ``on`` (default today), and dispatch what it
    starts, changes or ends for the subjects it reaches (as of ``today``).

    Refused (:class:`NothingToPublish`, 409) when the draft is empty, when it would publish the current
    list unchanged, or when it would leave no measure at all; refused (:class:`InvalidRequest`) when ``on``
    is after today or before the day the latest version was published.
    """
    who = _actor(actor)
    now = today or dt.date.today()
    day = on or now
    view = draft_view(store)
    base = view.based_on
    current_name = "当前清单" if base is None else f"当前清单（第 {base.version} 版）"
    if day > now:
        raise InvalidRequest(
            f"发布日期 {day.isoformat()} 晚于今天 {now.isoformat()}：不能预先发布，请到当天再发布"
        )
    if base is not None and base.published_on is not None and day < base.published_on:
        raise InvalidRequest(
            f"发布日期 {day.isoformat()} 早于第 {base.version} 版的发布日期 {base.published_on.isoformat()}："
            "新版本不能早于它所接续的版本"
        )
    if not view.changes:
        raise NothingToPublish("草稿为空：没有可发布的修改（请先新增、修改或删除措施）")
    if view.diff.empty:
        raise NothingToPublish(f"草稿与{current_name}相同：没有可发布的修改")
    if not view.proposed:
        raise NothingToPublish("发布后措施清单将没有任何措施：不予发布（如需停止全部措施，请逐项说明依据）")
    based_on = None if base is None or base.published_on is None else base.version
    publication = MeasurePublication(
        version=(based_on or 0) + 1,
        based_on=based_on,
        draft_token=view.token,
        published_on=day,
        published_by=who,
        note=note.strip(),
        added=view.diff.added,
        changed=tuple(update.after for update in view.diff.changed),
        removed=tuple(measure.measure_id for measure in view.diff.removed),
        measures=len(view.proposed),
    )
    published = store.publish_measures(publication)
    # R8: what the new version starts, changes or ends reaches the implementing departments at once.
    dispatch_all(store, now)
    return published


def require_version(store: Store, version: int) -> MeasureVersion:
    for found in store.measure_versions():
        if found.version == version:
            return found
    raise NotFound(f"措施清单没有第 {version} 版")
