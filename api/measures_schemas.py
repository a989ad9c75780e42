"""Request and response models of the measures list (联合奖惩措施清单, §五(一)): versions, diffs, the draft.

Field names English, user-facing text Chinese; each response model carries an example. The ``from_*``
constructors turn :mod:`graph.measures` values and store records into these models, for the API and the CLI.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas import _MEASURE_EXAMPLE, MeasureOut, _examples
from graph.business_items import BUSINESS_ITEMS
from graph.measures import (
    FIELD_LABELS,
    KIND_LABELS,
    TARGET_LABELS,
    DraftView,
    FieldChange,
    Listing,
    MeasureDiff,
    MeasureUpdate,
    field_changes,
)
from graph.model import Measure
from graph.store.port import DraftChange, MeasureChange, MeasureRecord, MeasureVersion

_ACTOR = "操作人（部门及经办人）/ who acts; a plain name until authentication lands"

_VERSION_EXAMPLE: dict[str, Any] = {
    "version": 2,
    "label": "第 2 版",
    "published_on": "2024-01-01",
    "published_at": "2023-12-28T07:30:00Z",
    "published_by": "常州市信用办 李主任",
    "note": "调整政府采购措施",
    "added": 0,
    "changed": 1,
    "removed": 1,
    "measures": 63,
}

_LISTED_EXAMPLE: dict[str, Any] = {
    **_MEASURE_EXAMPLE,
    "kind_label": "黑名单（惩戒）",
    "target_label": "法定代表人",
    "business_item_names": ["政府采购"],
    "since_version": 2,
    "valid_from": "2024-01-01",
    "valid_to": None,
}

_FIELD_CHANGE_EXAMPLE: dict[str, Any] = {
    "field": "business_items",
    "label": "业务事项",
    "before": ["public_procurement"],
    "after": ["fiscal_funds"],
}

_UPDATE_EXAMPLE: dict[str, Any] = {
    "measure_id": _MEASURE_EXAMPLE["measure_id"],
    "before": _MEASURE_EXAMPLE,
    "after": {**_MEASURE_EXAMPLE, "business_items": ["fiscal_funds"]},
    "fields": [_FIELD_CHANGE_EXAMPLE],
}

_DIFF_EXAMPLE: dict[str, Any] = {
    "summary": "新增 0 项，修改 1 项，删除 1 项",
    "added": [],
    "changed": [_UPDATE_EXAMPLE],
    "removed": [{**_MEASURE_EXAMPLE, "measure_id": "M-B-SXBZX-01", "target": "subject"}],
}


def _item_names(measure: Measure) -> list[str]:
    return [BUSINESS_ITEMS.get(code, code) for code in measure.business_items]


# --- versions and lists ----------------------------------------------------------------------------------------


class MeasureVersionOut(BaseModel):
    """A version of the measures list: version 0 is the list imported before any publication."""

    model_config = _examples(_VERSION_EXAMPLE)

    version: int
    label: str = Field(description="第 N 版；第 0 版为首次发布前导入的清单")
    published_on: dt.date | None = Field(description="first day in force; null for version 0 (since ever)")
    published_at: str | None = Field(description="when the publication was recorded (UTC, ISO 8601)")
    published_by: str
    note: str
    added: int = Field(description="measures added against the version before")
    changed: int
    removed: int
    measures: int = Field(description="measures in this version")

    @classmethod
    def from_record(cls, record: MeasureVersion) -> MeasureVersionOut:
        label = "第 0 版（首次发布前导入的清单）" if record.version == 0 else f"第 {record.version} 版"
        return cls(
            version=record.version,
            label=label,
            published_on=record.published_on,
            published_at=record.published_at,
            published_by=record.published_by,
            note=record.note,
            added=record.added,
            changed=record.changed,
            removed=record.removed,
            measures=record.measures,
        )


class ListedMeasureOut(MeasureOut):
    """A measure of a published list, with Chinese labels and the days this form of it is in force."""

    model_config = _examples(_LISTED_EXAMPLE)

    kind_label: str
    target_label: str
    business_item_names: list[str] = Field(description="业务事项中文名称；空表示适用于全部业务事项")
    since_version: int = Field(description="the version that brought the measure in this form")
    valid_from: dt.date | None = Field(description="first day in force; null = since ever (imported list)")
    valid_to: dt.date | None = Field(description="last day in force; null = still in force")

    @classmethod
    def from_record(cls, record: MeasureRecord) -> ListedMeasureOut:
        measure = record.measure
        return cls(
            **MeasureOut.from_measure(measure).model_dump(),
            kind_label=KIND_LABELS[measure.kind],
            target_label=TARGET_LABELS[measure.target],
            business_item_names=_item_names(measure),
            since_version=record.since_version,
            valid_from=record.valid_from,
            valid_to=record.valid_to,
        )


class MeasureListResponse(BaseModel):
    """The measures list in force on a day, or one version read back whole."""

    model_config = _examples(
        {"at": "2024-06-03", "version": _VERSION_EXAMPLE, "count": 1, "measures": [_LISTED_EXAMPLE]}
    )

    at: dt.date | None = Field(description="the day asked about; null when a version was asked for by number")
    version: MeasureVersionOut | None = Field(
        description="the version listed; null when no list is stored yet"
    )
    count: int
    measures: list[ListedMeasureOut]

    @classmethod
    def from_listing(cls, listing: Listing, records: list[MeasureRecord]) -> MeasureListResponse:
        return cls(
            at=listing.at,
            version=None if listing.version is None else MeasureVersionOut.from_record(listing.version),
            count=len(records),
            measures=[ListedMeasureOut.from_record(record) for record in records],
        )

    @classmethod
    def of_version(cls, version: MeasureVersion, records: list[MeasureRecord]) -> MeasureListResponse:
        return cls(
            at=None,
            version=MeasureVersionOut.from_record(version),
            count=len(records),
            measures=[ListedMeasureOut.from_record(record) for record in records],
        )


class MeasureVersionsResponse(BaseModel):
    """Every version, oldest first, and the one in force today."""

    model_config = _examples({"current": 2, "versions": [_VERSION_EXAMPLE]})

    current: int | None = Field(description="the version in force today; null when no list is stored")
    versions: list[MeasureVersionOut]


# --- diffs ---------------------------------------------------------------------------------------------------


class FieldChangeOut(BaseModel):
    """One field of a measure, before and after."""

    model_config = _examples(_FIELD_CHANGE_EXAMPLE)

    field: str
    label: str
    before: str | list[str] | None
    after: str | list[str] | None

    @classmethod
    def from_change(cls, change: FieldChange) -> FieldChangeOut:
        def plain(value: str | tuple[str, ...] | None) -> str | list[str] | None:
            return list(value) if isinstance(value, tuple) else value

        return cls(
            field=change.field,
            label=FIELD_LABELS[change.field],
            before=plain(change.before),
            after=plain(change.after),
        )


class MeasureUpdateOut(BaseModel):
    """A measure on both sides whose fields differ, field by field."""

    model_config = _examples(_UPDATE_EXAMPLE)

    measure_id: str
    before: MeasureOut
    after: MeasureOut
    fields: list[FieldChangeOut]

    @classmethod
    def from_update(cls, update: MeasureUpdate) -> MeasureUpdateOut:
        return cls(
            measure_id=update.measure_id,
            before=MeasureOut.from_measure(update.before),
            after=MeasureOut.from_measure(update.after),
            fields=[FieldChangeOut.from_change(change) for change in update.fields],
        )


def diff_summary(diff: MeasureDiff) -> str:
    return f"新增 {len(diff.added)} 项，修改 {len(diff.changed)} 项，删除 {len(diff.removed)} 项"


class MeasureDiffOut(BaseModel):
    """From one list to another: measures added, changed (field by field) and removed."""

    model_config = _examples(_DIFF_EXAMPLE)

    summary: str
    added: list[MeasureOut]
    changed: list[MeasureUpdateOut]
    removed: list[MeasureOut]

    @classmethod
    def from_diff(cls, diff: MeasureDiff) -> MeasureDiffOut:
        return cls(
            summary=diff_summary(diff),
            added=[MeasureOut.from_measure(measure) for measure in diff.added],
            changed=[MeasureUpdateOut.from_update(update) for update in diff.changed],
            removed=[MeasureOut.from_measure(measure) for measure in diff.removed],
        )


class VersionDiffResponse(MeasureDiffOut):
    """What changed from version ``from_version`` to version ``to_version``."""

    model_config = _examples({"from_version": 1, "to_version": 2, **_DIFF_EXAMPLE})

    from_version: int
    to_version: int


# --- the draft -----------------------------------------------------------------------------------------------

DraftState = Literal["added", "changed", "removed", "unchanged"]

_DRAFT_CHANGE_EXAMPLE: dict[str, Any] = {
    "measure_id": _MEASURE_EXAMPLE["measure_id"],
    "action": "set",
    "measure": {**_MEASURE_EXAMPLE, "business_items": ["fiscal_funds"]},
    "changed_at": "2023-12-20T02:11:09Z",
    "changed_by": "常州市信用办 王科长",
}


class DraftChangeOut(BaseModel):
    """One change the draft holds: a measure's new form (``set``) or its removal (``remove``)."""

    model_config = _examples(_DRAFT_CHANGE_EXAMPLE)

    measure_id: str
    action: Literal["set", "remove"]
    measure: MeasureOut | None = Field(description="the measure as the draft has it; null when removed")
    changed_at: str
    changed_by: str

    @classmethod
    def from_record(cls, change: DraftChange) -> DraftChangeOut:
        return cls(
            measure_id=change.measure_id,
            action="remove" if change.measure is None else "set",
            measure=None if change.measure is None else MeasureOut.from_measure(change.measure),
            changed_at=change.changed_at,
            changed_by=change.changed_by,
        )


class DraftResponse(BaseModel):
    """The draft of the next version: its changes and what publishing it would change."""

    model_config = _examples(
        {
            "based_on": _VERSION_EXAMPLE,
            "changes": [_DRAFT_CHANGE_EXAMPLE],
            "diff": {**_DIFF_EXAMPLE, "summary": "新增 0 项，修改 1 项，删除 0 项", "removed": []},
            "measures": 63,
        }
    )

    based_on: MeasureVersionOut | None = Field(description="the current version the draft changes")
    changes: list[DraftChangeOut]
    diff: MeasureDiffOut = Field(description="publishing now would change this (against the current list)")
    measures: int = Field(description="measures the list would have once published")

    @classmethod
    def from_view(cls, view: DraftView) -> DraftResponse:
        return cls(
            based_on=None if view.based_on is None else MeasureVersionOut.from_record(view.based_on),
            changes=[DraftChangeOut.from_record(change) for change in view.changes],
            diff=MeasureDiffOut.from_diff(view.diff),
            measures=len(view.proposed),
        )


class DraftMeasureResponse(BaseModel):
    """One measure in the draft against the current list."""

    model_config = _examples(
        {
            "measure_id": _MEASURE_EXAMPLE["measure_id"],
            "state": "changed",
            "current": _MEASURE_EXAMPLE,
            "draft": {**_MEASURE_EXAMPLE, "business_items": ["fiscal_funds"]},
            "fields": [_FIELD_CHANGE_EXAMPLE],
        }
    )

    measure_id: str
    state: DraftState = Field(description="added | changed | removed | unchanged, against the current list")
    current: MeasureOut | None = Field(description="as the current list has it; null when it has not")
    draft: MeasureOut | None = Field(description="as the draft would publish it; null when removed")
    fields: list[FieldChangeOut]

    @classmethod
    def of(cls, measure_id: str, current: Measure | None, draft: Measure | None) -> DraftMeasureResponse:
        state: DraftState
        changes: tuple[FieldChange, ...] = ()
        if current is None:
            state = "added"
        elif draft is None:
            state = "removed"
        else:
            changes = field_changes(current, draft)
            state = "changed" if changes else "unchanged"
        return cls(
            measure_id=measure_id,
            state=state,
            current=None if current is None else MeasureOut.from_measure(current),
            draft=None if draft is None else MeasureOut.from_measure(draft),
            fields=[FieldChangeOut.from_change(change) for change in changes],
        )


# --- requests ------------------------------------------------------------------------------------------------


class MeasureRequest(BaseModel):
    """A measure's fields for the draft (every field; a whole replacement). Values are checked by the
    service, which names each bad field in Chinese (422 ``invalid_measure``)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "actor": "常州市信用办 王科长",
                    **{key: value for key, value in _MEASURE_EXAMPLE.items() if key != "measure_id"},
                }
            ]
        },
    )

    actor: str = Field(default="", description=_ACTOR)
    kind: str | None = Field(default=None, description="red | black")
    list_type: str | None = Field(default=None, description="名单类型 / list type")
    target: str | None = Field(
        default=None,
        description="subject | legal_representative | principal | directly_responsible | actual_controller",
    )
    content: str | None = Field(default=None, description="措施内容 / what is done")
    initiating_department: str | None = Field(default=None, description="发起部门")
    implementing_department: str | None = Field(default=None, description="实施部门")
    legal_basis: str | None = Field(default=None, description="实施依据 / legal basis")
    business_items: list[str] | str | None = Field(
        default=None,
        description="业务事项代码（或中文名称）列表；空表示适用于全部业务事项 / business item codes; empty = all",
    )
    sharing_method: str | None = Field(default=None, description="信息共享方式（可不填）")

    def fields(self) -> dict[str, Any]:
        return self.model_dump(exclude={"actor"})


class ActorRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"actor": "常州市信用办 王科长"}]}
    )

    actor: str = Field(default="", description=_ACTOR)


class PublishRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"actor": "常州市信用办 李主任", "note": "调整政府采购措施", "on": "2024-01-01"}]
        },
    )

    actor: str = Field(default="", description=_ACTOR)
    note: str = Field(default="", description="发布说明 / what this version changes and why")
    on: str | None = Field(
        default=None,
        description="首日生效日期 / first day in force, YYYY-MM-DD (default today; never after today, never "
        "before the latest version's)",
    )


class PublicationResponse(BaseModel):
    """The version just published and what it changed against the version before."""

    model_config = _examples({"version": _VERSION_EXAMPLE, "diff": _DIFF_EXAMPLE})

    version: MeasureVersionOut
    diff: MeasureDiffOut


class DiscardResponse(BaseModel):
    model_config = _examples({"discarded": 3})

    discarded: int = Field(description="how many draft changes were dropped")


# --- the change log ------------------------------------------------------------------------------------------

CHANGE_LABELS: dict[str, str] = {
    "set": "草稿：新增或修改措施",
    "remove": "草稿：删除措施",
    "revert": "草稿：撤回修改",
    "discard": "草稿：放弃全部修改",
    "import": "导入措施文件",
    "publish": "发布新版本",
}


class MeasureChangeOut(BaseModel):
    """An append-only record of a change to the measures list: who, when, what, before and after."""

    model_config = _examples(
        {
            "at": "2023-12-20T02:11:09Z",
            "actor": "常州市信用办 王科长",
            "action": "set",
            "action_label": "草稿：新增或修改措施",
            "measure_id": _MEASURE_EXAMPLE["measure_id"],
            "before": {key: value for key, value in _MEASURE_EXAMPLE.items() if key != "measure_id"},
            "after": {
                **{key: value for key, value in _MEASURE_EXAMPLE.items() if key != "measure_id"},
                "business_items": ["fiscal_funds"],
            },
            "version": None,
            "note": None,
        }
    )

    at: str
    actor: str
    action: str
    action_label: str
    measure_id: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None = Field(description="the fields after; for a publication, what it changed")
    version: int | None
    note: str | None

    @classmethod
    def from_record(cls, change: MeasureChange) -> MeasureChangeOut:
        return cls(
            at=change.at,
            actor=change.actor,
            action=change.action,
            action_label=CHANGE_LABELS.get(change.action, change.action),
            measure_id=change.measure_id,
            before=None if change.before is None else dict(change.before),
            after=None if change.after is None else dict(change.after),
            version=change.version,
            note=change.note,
        )


class MeasureChangesResponse(BaseModel):
    model_config = _examples({"changes": []})

    changes: list[MeasureChangeOut] = Field(description="newest first")
