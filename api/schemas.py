"""Request and response models of the HTTP API (field names English, user-facing text Chinese).

Each response model carries an example (``json_schema_extra``) so that ``/docs`` shows what a client
gets. The ``from_*`` constructors turn the query layer's records into these models; the check's
one-line explanations and summary are written here so that the API and the CLI say the same thing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import StrEnum
from typing import Any

import orjson
from pydantic import BaseModel, ConfigDict, Field

from graph.business_items import BUSINESS_ITEMS
from graph.ids import SubjectType
from graph.lifecycle import ACTION_LABELS, CORRECTABLE, Action, allowed_actions
from graph.model import EntryStatus, HolderBasis, ListKind, Measure, Role, Target
from graph.store.port import (
    DerivedRecordRow,
    EntryEvent,
    EntryRecord,
    JobRun,
    NoticeRecord,
    ObjectionRecord,
    RepairApplication,
    RoleRecord,
    SubjectRecord,
)
from queries.check import CheckItem, CheckResult
from queries.profile import SubjectProfile

ROLE_NAMES: dict[Role, str] = {
    Role.legal_representative: "法定代表人",
    Role.principal: "主要负责人",
    Role.directly_responsible: "直接责任人员",
    Role.actual_controller: "实际控制人",
    Role.shareholder: "股东",
    Role.branch_of: "分支机构（隶属）",
}

_EXAMPLE_FIRM = {"uscc": "91320402MA1XY23451", "name": "常州市天宁区示例建设工程有限公司"}
_EXAMPLE_PERSON = {"id_number": "320402198001010012", "name": "王建国"}

_ENTRY_EXAMPLE: dict[str, Any] = {
    "entry_id": "CZ-B-2023-000123",
    "subject_type": "enterprise",
    "subject_code": _EXAMPLE_FIRM["uscc"],
    "subject_name": _EXAMPLE_FIRM["name"],
    "kind": "black",
    "list_type": "失信被执行人",
    "department": "常州市中级人民法院",
    "basis": "（2023）苏04执123号",
    "act_date": "2023-02-14",
    "decided_on": "2023-03-01",
    "valid_from": "2023-03-01",
    "valid_to": None,
    "status": "effective",
    "ended_on": None,
}

_PATH_EXAMPLE: dict[str, Any] = {
    "enterprise_uscc": _EXAMPLE_FIRM["uscc"],
    "enterprise_name": _EXAMPLE_FIRM["name"],
    "role": "legal_representative",
    "role_start": "2019-01-01",
    "role_end": None,
    "holder_basis": "act_date",
    "valid_from": "2023-03-01",
    "valid_to": None,
}

_MEASURE_EXAMPLE: dict[str, Any] = {
    "measure_id": "M-B-SXBZX-07",
    "kind": "black",
    "list_type": "失信被执行人",
    "target": "legal_representative",
    "content": "限制参与政府采购活动",
    "implementing_department": "常州市财政局",
    "initiating_department": "常州市中级人民法院",
    "legal_basis": "《关于对失信被执行人实施联合惩戒的合作备忘录》（发改财金〔2016〕141号）",
    "business_items": ["public_procurement"],
    "sharing_method": "接口推送",
}

_ROLE_EXAMPLE: dict[str, Any] = {
    "holder_type": "person",
    "holder_code": _EXAMPLE_PERSON["id_number"],
    "holder_name": _EXAMPLE_PERSON["name"],
    "enterprise_uscc": _EXAMPLE_FIRM["uscc"],
    "enterprise_name": _EXAMPLE_FIRM["name"],
    "role": "legal_representative",
    "start": "2019-01-01",
    "end": None,
    "ratio": None,
}

_EXPLANATION_EXAMPLE = (
    f"因 {_EXAMPLE_FIRM['name']}（{_EXAMPLE_FIRM['uscc']}）被列入失信被执行人名单（（2023）苏04执123号），"
    "其在 2019-01-01 至今 担任法定代表人（失信行为发生时在任），适用：限制参与政府采购活动"
    "（常州市财政局；依据《关于对失信被执行人实施联合惩戒的合作备忘录》（发改财金〔2016〕141号））"
)


def _examples(*examples: dict[str, Any]) -> ConfigDict:
    # from_attributes: models whose fields mirror a store record are built with model_validate(record).
    return ConfigDict(json_schema_extra={"examples": list(examples)}, from_attributes=True)


# --- errors ------------------------------------------------------------------------------------------------


class ErrorResponse(BaseModel):
    """Every error the API returns: a readable Chinese message and a stable machine code."""

    model_config = _examples(
        {"detail": "身份证号码 320402198001010013 校验位错误：应为 2，实为 3", "code": "invalid_identifier"}
    )

    detail: str = Field(description="说明出了什么问题 / what went wrong, in Chinese")
    code: str = Field(
        description="stable error code: not_found, invalid_identifier, ambiguous_identifier, invalid_date, "
        "invalid_request, validation_error, batch_too_large, over_cap, invalid_transition, conflict, job_running, "
        "store_unavailable, internal_error"
    )


# --- health ------------------------------------------------------------------------------------------------


class HealthResponse(BaseModel):
    model_config = _examples(
        {
            "status": "ok",
            "schema_version": 1,
            "pending_changes": 0,
            "counts": {
                "enterprises": 20000,
                "persons": 31250,
                "roles": 61012,
                "list_entries": 812,
                "measures": 36,
                "list_policies": 8,
                "derived_records": 1490,
            },
            "counts_at": "2026-12-03T08:00:00Z",
        }
    )

    status: str = Field(description="ok when the store answers")
    schema_version: int
    pending_changes: int = Field(description="entries whose derived records await propagation")
    counts: dict[str, int] = Field(
        description="rows per kind of record, taken at counts_at with pending_changes (reused for up to 30 s)"
    )
    counts_at: dt.datetime = Field(description="when the counts were taken (UTC)")


# --- building blocks ---------------------------------------------------------------------------------------


class SubjectRef(BaseModel):
    model_config = _examples(
        {"subject_type": "person", "code": _EXAMPLE_PERSON["id_number"], "name": _EXAMPLE_PERSON["name"]}
    )

    subject_type: SubjectType
    code: str = Field(description="USCC for an enterprise, resident id number for a person")
    name: str

    @classmethod
    def from_record(cls, record: SubjectRecord) -> SubjectRef:
        return cls.model_validate(record)


class SubjectOut(SubjectRef):
    model_config = _examples(
        {
            "subject_type": "enterprise",
            "code": _EXAMPLE_FIRM["uscc"],
            "name": _EXAMPLE_FIRM["name"],
            "enterprise_kind": "有限责任公司",
            "enterprise_status": "存续",
            "region_code": "320402",
            "established": "2012-06-18",
        }
    )

    enterprise_kind: str | None = None
    enterprise_status: str | None = None
    region_code: str | None = None
    established: dt.date | None = None

    @classmethod
    def from_record(cls, record: SubjectRecord) -> SubjectOut:
        return cls.model_validate(record)


class RoleOut(BaseModel):
    """A dated role edge: ``holder`` held ``role`` in the enterprise from ``start`` to ``end`` (inclusive)."""

    model_config = _examples(_ROLE_EXAMPLE)

    holder_type: SubjectType
    holder_code: str
    holder_name: str
    enterprise_uscc: str
    enterprise_name: str
    role: Role
    start: dt.date | None = Field(description="first day held; null = unknown/open")
    end: dt.date | None = Field(description="last day held; null = still held")
    ratio: float | None = Field(default=None, description="share ratio for shareholders")

    @classmethod
    def from_record(cls, record: RoleRecord) -> RoleOut:
        return cls.model_validate(record)


class EntryOut(BaseModel):
    """A red- or black-list entry (名单记录) of a subject."""

    model_config = _examples(_ENTRY_EXAMPLE)

    entry_id: str
    subject_type: SubjectType
    subject_code: str
    subject_name: str
    kind: ListKind
    list_type: str
    department: str = Field(description="identifying department (认定单位)")
    basis: str = Field(description="document number / legal basis of the listing (认定依据)")
    act_date: dt.date | None
    decided_on: dt.date | None
    valid_from: dt.date
    valid_to: dt.date | None = Field(description="last day of the punishment period; null = indefinite")
    status: EntryStatus
    ended_on: dt.date | None = Field(
        default=None,
        description="first day the entry no longer applies when it ended early (repair, cross-comparison)",
    )

    @classmethod
    def from_record(cls, record: EntryRecord) -> EntryOut:
        return cls.model_validate(record)


class PathOut(BaseModel):
    """How a firm's entry reached a person: the enterprise, the role edge with its dates, and the
    derived record's own validity."""

    model_config = _examples(_PATH_EXAMPLE)

    enterprise_uscc: str
    enterprise_name: str
    role: Role
    role_start: dt.date | None
    role_end: dt.date | None
    holder_basis: HolderBasis = Field(
        description="act_date: held the role on the act date; current: holds it on the date asked"
    )
    valid_from: dt.date
    valid_to: dt.date | None

    @classmethod
    def from_record(cls, record: DerivedRecordRow) -> PathOut:
        return cls(
            enterprise_uscc=record.role.enterprise_uscc,
            enterprise_name=record.role.enterprise_name,
            role=record.role.role,
            role_start=record.role.start,
            role_end=record.role.end,
            holder_basis=record.holder_basis,
            valid_from=record.valid_from,
            valid_to=record.valid_to,
        )


class DerivedRecordOut(BaseModel):
    """A derived credit record (派生记录): source entry → enterprise → role edge → person."""

    model_config = _examples(
        {
            "entry": _ENTRY_EXAMPLE,
            "person": {
                "subject_type": "person",
                "code": _EXAMPLE_PERSON["id_number"],
                "name": _EXAMPLE_PERSON["name"],
            },
            "path": _PATH_EXAMPLE,
        }
    )

    entry: EntryOut
    person: SubjectRef
    path: PathOut

    @classmethod
    def from_record(cls, record: DerivedRecordRow) -> DerivedRecordOut:
        return cls(
            entry=EntryOut.from_record(record.entry),
            person=SubjectRef(
                subject_type=record.role.holder_type,
                code=record.role.holder_code,
                name=record.role.holder_name,
            ),
            path=PathOut.from_record(record),
        )


class MeasureOut(BaseModel):
    """One measure of the measures list (联合奖惩措施清单)."""

    model_config = _examples(_MEASURE_EXAMPLE)

    measure_id: str
    kind: ListKind
    list_type: str
    target: Target
    content: str
    implementing_department: str
    initiating_department: str
    legal_basis: str
    business_items: list[str] = Field(description="business items it applies to; empty = all")
    sharing_method: str | None

    @classmethod
    def from_measure(cls, measure: Measure) -> MeasureOut:
        return cls.model_validate(measure)


# --- subject profile and entry -----------------------------------------------------------------------------


class SubjectProfileResponse(BaseModel):
    model_config = _examples(
        {
            "subject": {
                "subject_type": "person",
                "code": _EXAMPLE_PERSON["id_number"],
                "name": _EXAMPLE_PERSON["name"],
                "enterprise_kind": None,
                "enterprise_status": None,
                "region_code": None,
                "established": None,
            },
            "roles": [_ROLE_EXAMPLE],
            "entries": [],
            "derived": [
                {
                    "entry": _ENTRY_EXAMPLE,
                    "person": {
                        "subject_type": "person",
                        "code": _EXAMPLE_PERSON["id_number"],
                        "name": _EXAMPLE_PERSON["name"],
                    },
                    "path": _PATH_EXAMPLE,
                }
            ],
        }
    )

    subject: SubjectOut
    roles: list[RoleOut] = Field(description="roles held (person) or role edges into the firm (enterprise)")
    entries: list[EntryOut] = Field(description="the subject's own list entries")
    derived: list[DerivedRecordOut] = Field(description="records derived to a person through firms")

    @classmethod
    def from_profile(cls, profile: SubjectProfile) -> SubjectProfileResponse:
        return cls(
            subject=SubjectOut.from_record(profile.subject),
            roles=[RoleOut.from_record(role) for role in profile.roles],
            entries=[EntryOut.from_record(entry) for entry in profile.entries],
            derived=[DerivedRecordOut.from_record(record) for record in profile.derived],
        )


class EntryDetailResponse(BaseModel):
    model_config = _examples(
        {
            "entry": _ENTRY_EXAMPLE,
            "measures": [_MEASURE_EXAMPLE],
            "derived": [
                {
                    "entry": _ENTRY_EXAMPLE,
                    "person": {
                        "subject_type": "person",
                        "code": _EXAMPLE_PERSON["id_number"],
                        "name": _EXAMPLE_PERSON["name"],
                    },
                    "path": _PATH_EXAMPLE,
                }
            ],
        }
    )

    entry: EntryOut
    measures: list[MeasureOut] = Field(description="measures of the entry's list type and kind")
    derived: list[DerivedRecordOut] = Field(description="the persons the entry reached, with paths")


# --- the check ---------------------------------------------------------------------------------------------


#: What the check says of an entry under verification of an objection (R5, §七(三)).
SUSPENDED_TEXT = "异议核实中，暂停执行"


def _day(value: dt.date | None, open_text: str) -> str:
    return value.isoformat() if value else open_text


def _listing(entry: EntryRecord) -> str:
    suffix = "" if entry.list_type.endswith("名单") else "名单"
    marker = "（红名单）" if entry.kind is ListKind.red else ""
    return f"{entry.list_type}{suffix}{marker}"


def _measures_text(measures: Iterable[Measure], business_item: str | None) -> str:
    parts = [f"{m.content}（{m.implementing_department}；依据{m.legal_basis}）" for m in measures]
    if parts:
        return "适用：" + "；".join(parts)
    if business_item:
        return f"无适用于“{business_item_name(business_item)}”的措施"
    return "措施清单中暂无对应措施"


def business_item_name(code: str) -> str:
    name = BUSINESS_ITEMS.get(code)
    return f"{name}（{code}）" if name else code


def explain_item(item: CheckItem, business_item: str | None) -> str:
    """One Chinese line saying why this item applies: the entry, the path if derived, the measures."""
    entry = item.entry
    measures = _measures_text(item.measures, business_item)
    prefix = ""
    if item.suspended:
        # R5: the entry is listed so the caller sees why, but none of its measures may be applied.
        prefix = f"【{SUSPENDED_TEXT}】"
        measures = measures.replace("适用：", "核实期间暂停执行：", 1)
    if item.path is not None:
        role = item.path.role
        basis = "失信行为发生时在任" if item.path.holder_basis is HolderBasis.act_date else "查询日在任"
        return (
            f"{prefix}因 {role.enterprise_name}（{role.enterprise_uscc}）被列入{_listing(entry)}（{entry.basis}），"
            f"其在 {_day(role.start, '不详')} 至{' ' + role.end.isoformat() if role.end else '今'} "
            f"担任{ROLE_NAMES.get(role.role, role.role.value)}（{basis}），{measures}"
        )
    return (
        f"{prefix}{entry.subject_name}（{entry.subject_code}）被列入{_listing(entry)}（{entry.basis}；"
        f"认定单位 {entry.department}；有效期 {entry.valid_from.isoformat()} 至 {_day(entry.valid_to, '长期')}），"
        f"{measures}"
    )


def summarize(result: CheckResult) -> str:
    """A short Chinese summary of a check: restricted or not, how many measures and from where."""
    who = f"{result.subject.name}（{result.subject.code}）"
    scope = f"，业务事项：{business_item_name(result.business_item)}" if result.business_item else ""
    head = f"截至 {result.at.isoformat()}{scope}，{who}"
    applying = [item for item in result.items if item.applies]
    black = [item for item in applying if item.entry.kind is ListKind.black]
    red = [item for item in applying if item.entry.kind is ListKind.red]
    parts: list[str] = []
    if black:
        via = sum(1 for item in black if item.path is not None)
        measures = len({m.measure_id for item in black for m in item.measures})
        parts.append(
            f"受到限制：{measures} 项惩戒措施，来自 {len(black)} 条黑名单记录"
            + (f"（其中 {via} 条经关联企业派生）" if via else "")
        )
    if red:
        measures = len({m.measure_id for item in red for m in item.measures})
        parts.append(f"享受激励：{measures} 项激励措施，来自 {len(red)} 条红名单记录")
    suspended = sum(1 for item in result.items if item.suspended)
    if suspended:
        parts.append(f"{suspended} 条记录{SUSPENDED_TEXT}相关措施（待核实后恢复或撤销）")
    if not black and not red:
        parts.insert(0, "未发现适用的限制或激励措施")
    return f"{head}，{'；'.join(parts)}。"


class CheckItemOut(BaseModel):
    model_config = _examples(
        {
            "entry": _ENTRY_EXAMPLE,
            "via": _PATH_EXAMPLE,
            "suspended": False,
            "applies": True,
            "measures": [_MEASURE_EXAMPLE],
            "explanation": _EXPLANATION_EXAMPLE,
        }
    )

    entry: EntryOut
    via: PathOut | None = Field(
        description="null when the entry is the subject's own; else the path via a firm"
    )
    suspended: bool = Field(description="the entry is under verification: its measures do not apply (R5)")
    applies: bool = Field(description="not suspended and at least one measure for the business item")
    measures: list[MeasureOut]
    explanation: str = Field(
        description="one line in Chinese: why this applies (or, when suspended, that it is 异议核实中，暂停执行)"
    )

    @classmethod
    def from_item(cls, item: CheckItem, business_item: str | None) -> CheckItemOut:
        return cls(
            entry=EntryOut.from_record(item.entry),
            via=PathOut.from_record(item.path) if item.path is not None else None,
            suspended=item.suspended,
            applies=item.applies,
            measures=[MeasureOut.from_measure(measure) for measure in item.measures],
            explanation=explain_item(item, business_item),
        )


class CheckResponse(BaseModel):
    model_config = _examples(
        {
            "subject": {
                "subject_type": "person",
                "code": _EXAMPLE_PERSON["id_number"],
                "name": _EXAMPLE_PERSON["name"],
            },
            "at": "2024-05-01",
            "business_item": "public_procurement",
            "restricted": True,
            "incentivised": False,
            "suspended": False,
            "summary": (
                f"截至 2024-05-01，业务事项：政府采购（public_procurement），{_EXAMPLE_PERSON['name']}"
                f"（{_EXAMPLE_PERSON['id_number']}），受到限制：1 项惩戒措施，来自 1 条黑名单记录"
                "（其中 1 条经关联企业派生）。"
            ),
            "items": [
                {
                    "entry": _ENTRY_EXAMPLE,
                    "via": _PATH_EXAMPLE,
                    "suspended": False,
                    "applies": True,
                    "measures": [_MEASURE_EXAMPLE],
                    "explanation": _EXPLANATION_EXAMPLE,
                }
            ],
        }
    )

    subject: SubjectRef
    at: dt.date = Field(description="the date the answer holds for (today by default)")
    business_item: str | None
    restricted: bool = Field(description="some black-list measure applies (direct or via a firm)")
    incentivised: bool = Field(description="some red-list measure applies")
    suspended: bool = Field(description="some entry is under verification; its measures are suspended")
    summary: str = Field(description="short Chinese summary")
    items: list[CheckItemOut]

    @classmethod
    def from_result(cls, result: CheckResult) -> CheckResponse:
        return cls(
            subject=SubjectRef.from_record(result.subject),
            at=result.at,
            business_item=result.business_item,
            restricted=result.restricted,
            incentivised=result.incentivised,
            suspended=result.suspended,
            summary=summarize(result),
            items=[CheckItemOut.from_item(item, result.business_item) for item in result.items],
        )


# --- the check's answer as plain data ----------------------------------------------------------------------
#
# The check is asked by every business system, so its answers skip pydantic on the way out: these build the
# same JSON objects as ``CheckResponse`` / ``BatchCheckResponse`` (same keys in the same order, same values;
# ``tests/api/test_check_encoding.py`` compares the bytes), and the routes send them as pre-encoded bytes.
# The models above still declare the answers in the OpenAPI schema.


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _entry_data(entry: EntryRecord) -> dict[str, Any]:
    return {
        "entry_id": entry.entry_id,
        "subject_type": entry.subject_type.value,
        "subject_code": entry.subject_code,
        "subject_name": entry.subject_name,
        "kind": entry.kind.value,
        "list_type": entry.list_type,
        "department": entry.department,
        "basis": entry.basis,
        "act_date": _iso(entry.act_date),
        "decided_on": _iso(entry.decided_on),
        "valid_from": entry.valid_from.isoformat(),
        "valid_to": _iso(entry.valid_to),
        "status": entry.status.value,
        "ended_on": _iso(entry.ended_on),
    }


def _path_data(path: DerivedRecordRow) -> dict[str, Any]:
    role = path.role
    return {
        "enterprise_uscc": role.enterprise_uscc,
        "enterprise_name": role.enterprise_name,
        "role": role.role.value,
        "role_start": _iso(role.start),
        "role_end": _iso(role.end),
        "holder_basis": path.holder_basis.value,
        "valid_from": path.valid_from.isoformat(),
        "valid_to": _iso(path.valid_to),
    }


def _measure_data(measure: Measure) -> dict[str, Any]:
    return {
        "measure_id": measure.measure_id,
        "kind": measure.kind.value,
        "list_type": measure.list_type,
        "target": measure.target.value,
        "content": measure.content,
        "implementing_department": measure.implementing_department,
        "initiating_department": measure.initiating_department,
        "legal_basis": measure.legal_basis,
        "business_items": list(measure.business_items),
        "sharing_method": measure.sharing_method,
    }


def check_data(result: CheckResult) -> dict[str, Any]:
    """``CheckResponse.from_result(result)`` as the JSON object it serialises to, built directly."""
    subject = result.subject
    business_item = result.business_item
    return {
        "subject": {"subject_type": subject.subject_type.value, "code": subject.code, "name": subject.name},
        "at": result.at.isoformat(),
        "business_item": business_item,
        "restricted": result.restricted,
        "incentivised": result.incentivised,
        "suspended": result.suspended,
        "summary": summarize(result),
        "items": [
            {
                "entry": _entry_data(item.entry),
                "via": _path_data(item.path) if item.path is not None else None,
                "suspended": item.suspended,
                "applies": item.applies,
                "measures": [_measure_data(measure) for measure in item.measures],
                "explanation": explain_item(item, business_item),
            }
            for item in result.items
        ],
    }


def batch_result_data(requested: str, result: CheckResult) -> dict[str, Any]:
    """``BatchCheckResult.from_result(requested, result)`` as the JSON object it serialises to."""
    measure_ids = dict.fromkeys(
        measure.measure_id for item in result.items if item.applies for measure in item.measures
    )
    return {
        "id": requested,
        "found": True,
        "subject_type": result.subject.subject_type.value,
        "restricted": result.restricted,
        "incentivised": result.incentivised,
        "suspended": result.suspended,
        "measure_ids": list(measure_ids),
        "error": None,
    }


def batch_error_data(requested: str, detail: str, code: str) -> dict[str, Any]:
    """A batch result for an id that could not be checked, as ``BatchCheckResult`` serialises it."""
    return {
        "id": requested,
        "found": False,
        "subject_type": None,
        "restricted": False,
        "incentivised": False,
        "suspended": False,
        "measure_ids": [],
        "error": {"detail": detail, "code": code},
    }


def encode_json(data: Any) -> bytes:
    """Compact UTF-8 JSON, as pydantic writes it (no spaces, characters unescaped)."""
    return orjson.dumps(data)


# --- batch check -------------------------------------------------------------------------------------------


class BatchCheckRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "ids": [_EXAMPLE_PERSON["id_number"], _EXAMPLE_FIRM["uscc"]],
                    "business_item": "public_procurement",
                    "at": "2024-05-01",
                }
            ]
        },
    )

    ids: list[str] = Field(
        min_length=1, description="USCCs and/or resident id numbers; at most the server's max_batch (1000)"
    )
    business_item: str | None = Field(default=None, description="keep only measures for this business item")
    at: str | None = Field(default=None, description="YYYY-MM-DD; default today")


class BatchCheckResult(BaseModel):
    model_config = _examples(
        {
            "id": _EXAMPLE_PERSON["id_number"],
            "found": True,
            "subject_type": "person",
            "restricted": True,
            "incentivised": False,
            "suspended": False,
            "measure_ids": ["M-B-SXBZX-07"],
            "error": None,
        },
        {
            "id": "320402198001010013",
            "found": False,
            "subject_type": None,
            "restricted": False,
            "incentivised": False,
            "suspended": False,
            "measure_ids": [],
            "error": {
                "detail": "身份证号码 320402198001010013 校验位错误：应为 2，实为 3",
                "code": "invalid_identifier",
            },
        },
    )

    id: str = Field(description="the id as sent")
    found: bool = Field(description="the id resolved to one stored subject")
    subject_type: SubjectType | None = None
    restricted: bool = False
    incentivised: bool = False
    suspended: bool = False
    measure_ids: list[str] = Field(default_factory=list, description="measures that apply, in order")
    error: ErrorResponse | None = Field(default=None, description="why this id was not answered")

    @classmethod
    def from_result(cls, requested: str, result: CheckResult) -> BatchCheckResult:
        measure_ids = dict.fromkeys(
            measure.measure_id for item in result.items if item.applies for measure in item.measures
        )
        return cls(
            id=requested,
            found=True,
            subject_type=result.subject.subject_type,
            restricted=result.restricted,
            incentivised=result.incentivised,
            suspended=result.suspended,
            measure_ids=list(measure_ids),
        )


class BatchCheckResponse(BaseModel):
    model_config = _examples(
        {
            "at": "2024-05-01",
            "business_item": "public_procurement",
            "results": [
                {
                    "id": _EXAMPLE_PERSON["id_number"],
                    "found": True,
                    "subject_type": "person",
                    "restricted": True,
                    "incentivised": False,
                    "suspended": False,
                    "measure_ids": ["M-B-SXBZX-07"],
                    "error": None,
                }
            ],
        }
    )

    at: dt.date
    business_item: str | None
    results: list[BatchCheckResult] = Field(description="one per id, in the order sent")


# --- lifecycle (R1, R2, R5, R6, R7) ------------------------------------------------------------------------

#: Chinese labels of every event an entry's history may hold: the lifecycle actions plus the events the
#: loader and the repair applications write.
EVENT_LABELS: dict[str, str] = {
    **{action.value: label for action, label in ACTION_LABELS.items()},
    "imported": "导入",
    "import_updated": "导入更新",
    "apply_for_repair": "申请信用修复",
    "repair_rejected": "驳回信用修复申请",
    "repair_approved": "批准信用修复申请",
    "submit": "提交初步名单",
    "notify": "事前告知",
}

NOTICE_LABELS: dict[str, str] = {
    "exit": "退出公告",
    "correction": "更正公告",
    "apology": "书面道歉及澄清",
    "reclaim": "收回激励权益",
}

_ACTOR_DESCRIPTION = "操作人（部门及经办人）/ who acts; a plain name until authentication lands"
_ON_DESCRIPTION = "生效日期 / the day the action takes effect, YYYY-MM-DD (default today)"

_HISTORY_EVENT_EXAMPLE: dict[str, Any] = {
    "at": "2024-05-06T02:13:44Z",
    "actor": "常州市天宁区示例建设工程有限公司",
    "action": "file_objection",
    "action_label": "提出异议",
    "reason": "案件已于 2024-04-30 执行完毕，不应继续列入",
    "on": "2024-05-06",
    "before": {"status": "effective", "ended_on": None},
    "after": {"status": "under_verification", "ended_on": None},
}

_SUSPENDED_ENTRY_EXAMPLE: dict[str, Any] = {**_ENTRY_EXAMPLE, "status": "under_verification"}

_ALLOWED_EXAMPLE: list[dict[str, Any]] = [
    {"action": "uphold", "label": "维持（异议不成立）"},
    {"action": "correct", "label": "更正"},
    {"action": "revoke", "label": "撤销（误列）"},
]

_REPAIR_EXAMPLE: dict[str, Any] = {
    "application_id": 7,
    "entry_id": _ENTRY_EXAMPLE["entry_id"],
    "filed_on": "2024-06-03",
    "applicant": _EXAMPLE_FIRM["name"],
    "evidence": "已履行（2023）苏04执123号判决确定的全部义务，附执行法院结案证明",
    "status": "pending",
    "decided_on": None,
    "decided_by": None,
    "reason": None,
}

_NOTICE_EXAMPLE: dict[str, Any] = {
    "notice_id": 3,
    "entry_id": _ENTRY_EXAMPLE["entry_id"],
    "kind": "exit",
    "kind_label": "退出公告",
    "published_on": "2024-07-01",
    "text": (
        f"退出公告：{_EXAMPLE_FIRM['name']}（{_EXAMPLE_FIRM['uscc']}） 经信用修复，自 2024-07-01 起移出"
        "失信被执行人（（2023）苏04执123号）。"
    ),
}


class ActionOut(BaseModel):
    """An action the entry's state allows now, with its Chinese label."""

    model_config = _examples({"action": "file_objection", "label": "提出异议"})

    action: Action
    label: str

    @classmethod
    def of(cls, action: Action) -> ActionOut:
        return cls(action=action, label=ACTION_LABELS[action])


def allowed_out(entry: EntryRecord, on: dt.date | None = None) -> list[ActionOut]:
    return [ActionOut.of(action) for action in allowed_actions(entry, on)]


class EntryEventOut(BaseModel):
    """One append-only event of an entry's history: who, when, what, why, and the state before and after."""

    model_config = _examples(_HISTORY_EVENT_EXAMPLE)

    at: str = Field(description="when it was recorded (UTC, ISO 8601)")
    actor: str
    action: str = Field(
        description="file_objection, uphold, correct, revoke, approve_repair, expire, remove, …"
    )
    action_label: str = Field(description="中文名称 / Chinese label of the action")
    reason: str | None
    on: dt.date | None = Field(description="the day the action took effect")
    before: dict[str, str | None] | None = Field(description="status, ended_on and correctable fields before")
    after: dict[str, str | None] | None = Field(description="the same fields after")

    @classmethod
    def from_record(cls, record: EntryEvent) -> EntryEventOut:
        return cls(
            at=record.at,
            actor=record.actor,
            action=record.action,
            action_label=EVENT_LABELS.get(record.action, record.action),
            reason=record.reason,
            on=record.on,
            before=dict(record.before) if record.before is not None else None,
            after=dict(record.after) if record.after is not None else None,
        )


class ObjectionOut(BaseModel):
    """An objection (异议) to an entry and, once resolved, its outcome."""

    model_config = _examples(
        {
            "objection_id": 1,
            "filed_on": "2024-05-06",
            "filed_by": _EXAMPLE_FIRM["name"],
            "reason": "案件已于 2024-04-30 执行完毕，不应继续列入",
            "status": "upheld",
            "resolved_on": "2024-05-20",
            "resolved_by": "常州市中级人民法院执行局",
            "resolution": "经核实，执行款尚未到位，维持列入",
        }
    )

    objection_id: int
    filed_on: dt.date
    filed_by: str
    reason: str
    status: str = Field(description="open | upheld | corrected | revoked")
    resolved_on: dt.date | None
    resolved_by: str | None
    resolution: str | None = Field(description="the reason given when it was resolved")

    @classmethod
    def from_record(cls, record: ObjectionRecord) -> ObjectionOut:
        return cls(
            objection_id=record.pk,
            filed_on=record.filed_on,
            filed_by=record.filed_by,
            reason=record.reason,
            status=record.status,
            resolved_on=record.resolved_on,
            resolved_by=record.resolved_by,
            resolution=record.resolution,
        )


class SuspensionOut(BaseModel):
    """Days (inclusive) on which the entry's measures were suspended pending verification (R5)."""

    model_config = _examples({"from_date": "2024-05-06", "to_date": "2024-05-19"})

    from_date: dt.date
    to_date: dt.date | None = Field(description="last suspended day; null = still under verification")


class RepairApplicationOut(BaseModel):
    """A credit repair application (信用修复申请) and its decision."""

    model_config = _examples(_REPAIR_EXAMPLE)

    application_id: int
    entry_id: str
    filed_on: dt.date
    applicant: str
    evidence: str
    status: str = Field(description="pending | approved | rejected")
    decided_on: dt.date | None
    decided_by: str | None
    reason: str | None = Field(description="the reason given with the decision")

    @classmethod
    def from_record(cls, record: RepairApplication, entry_id: str) -> RepairApplicationOut:
        return cls(
            application_id=record.pk,
            entry_id=entry_id,
            filed_on=record.filed_on,
            applicant=record.applicant,
            evidence=record.evidence,
            status=record.status,
            decided_on=record.decided_on,
            decided_by=record.decided_by,
            reason=record.reason,
        )


class NoticeOut(BaseModel):
    """A notice produced by the lifecycle: exit (退出公告), correction, written apology, benefits to reclaim."""

    model_config = _examples(_NOTICE_EXAMPLE)

    notice_id: int
    entry_id: str
    kind: str = Field(description="exit | correction | apology | reclaim")
    kind_label: str
    published_on: dt.date
    text: str

    @classmethod
    def from_record(cls, record: NoticeRecord) -> NoticeOut:
        return cls(
            notice_id=record.pk,
            entry_id=record.entry_id,
            kind=record.kind,
            kind_label=NOTICE_LABELS.get(record.kind, record.kind),
            published_on=record.published_on,
            text=record.text,
        )


class EntryHistoryResponse(BaseModel):
    """Everything that happened to an entry (R1): its state, what may be done now, and its records."""

    model_config = _examples(
        {
            "entry": _SUSPENDED_ENTRY_EXAMPLE,
            "status_label": "异议核实中",
            "allowed_actions": _ALLOWED_EXAMPLE,
            "events": [_HISTORY_EVENT_EXAMPLE],
            "objections": [
                {
                    "objection_id": 1,
                    "filed_on": "2024-05-06",
                    "filed_by": _EXAMPLE_FIRM["name"],
                    "reason": "案件已于 2024-04-30 执行完毕，不应继续列入",
                    "status": "open",
                    "resolved_on": None,
                    "resolved_by": None,
                    "resolution": None,
                }
            ],
            "suspensions": [{"from_date": "2024-05-06", "to_date": None}],
            "repair_applications": [],
            "notices": [],
        }
    )

    entry: EntryOut
    status_label: str = Field(description="状态中文名称 / Chinese label of the status")
    allowed_actions: list[ActionOut] = Field(description="what the entry's state allows today")
    events: list[EntryEventOut] = Field(description="append-only, oldest first")
    objections: list[ObjectionOut]
    suspensions: list[SuspensionOut]
    repair_applications: list[RepairApplicationOut]
    notices: list[NoticeOut]


class EntryStateResponse(BaseModel):
    """An entry's state after a lifecycle action, the event it recorded and the notices it published."""

    model_config = _examples(
        {
            "entry": _SUSPENDED_ENTRY_EXAMPLE,
            "status_label": "异议核实中",
            "allowed_actions": _ALLOWED_EXAMPLE,
            "event": _HISTORY_EVENT_EXAMPLE,
            "notices": [],
        }
    )

    entry: EntryOut
    status_label: str
    allowed_actions: list[ActionOut] = Field(description="what the entry's state allows now")
    event: EntryEventOut | None = Field(description="the event this action recorded")
    notices: list[NoticeOut] = Field(
        description="notices this action published (correction, apology, exit …)"
    )


class RepairDecisionResponse(BaseModel):
    """A decided repair application and the entry's state after the decision."""

    model_config = _examples(
        {
            "application": {
                **_REPAIR_EXAMPLE,
                "status": "approved",
                "decided_on": "2024-07-01",
                "decided_by": "常州市中级人民法院",
                "reason": "已履行全部义务，符合信用修复条件",
            },
            "entry": {**_ENTRY_EXAMPLE, "status": "repaired", "ended_on": "2024-07-01"},
            "status_label": "已信用修复",
            "allowed_actions": [],
            "notices": [_NOTICE_EXAMPLE],
        }
    )

    application: RepairApplicationOut
    entry: EntryOut
    status_label: str
    allowed_actions: list[ActionOut]
    notices: list[NoticeOut] = Field(description="notices the decision published (the exit notice)")


class _ActionRequest(BaseModel):
    # actor and reason default to "" so that the lifecycle itself refuses a blank one (400 invalid_request).
    actor: str = Field(default="", description=_ACTOR_DESCRIPTION)
    reason: str = Field(default="", description="理由（必填）/ why (required)")
    on: str | None = Field(default=None, description=_ON_DESCRIPTION)


class ObjectionRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "filed_by": _EXAMPLE_FIRM["name"],
                    "reason": "案件已于 2024-04-30 执行完毕，不应继续列入",
                    "on": "2024-05-06",
                }
            ]
        },
    )

    filed_by: str = Field(default="", description="异议人 / who objects (the subject or its agent)")
    reason: str = Field(default="", description="异议理由（必填）/ grounds of the objection (required)")
    on: str | None = Field(default=None, description=_ON_DESCRIPTION)


class Outcome(StrEnum):
    """How an objection is resolved."""

    upheld = "upheld"
    corrected = "corrected"
    revoked = "revoked"


OUTCOME_ACTIONS: dict[Outcome, Action] = {
    Outcome.upheld: Action.uphold,
    Outcome.corrected: Action.correct,
    Outcome.revoked: Action.revoke,
}


class ResolutionRequest(_ActionRequest):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "outcome": "upheld",
                    "actor": "常州市中级人民法院执行局",
                    "reason": "经核实，执行款尚未到位，维持列入",
                    "on": "2024-05-20",
                },
                {
                    "outcome": "corrected",
                    "actor": "常州市中级人民法院执行局",
                    "reason": "失信行为日期录入有误",
                    "changes": {"act_date": "2023-02-15"},
                },
            ]
        },
    )

    outcome: Outcome = Field(description="upheld 维持 | corrected 更正 | revoked 撤销（误列）")
    changes: dict[str, str | None] | None = Field(
        default=None,
        description=f"only with corrected: the fields to change ({', '.join(CORRECTABLE)})",
    )


class CorrectionRequest(_ActionRequest):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "actor": "常州市中级人民法院执行局",
                    "reason": "惩戒期限录入有误",
                    "changes": {"valid_to": "2026-02-28"},
                    "on": "2024-05-20",
                }
            ]
        },
    )

    changes: dict[str, str | None] = Field(
        default_factory=dict,
        description=f"字段及新值 / fields to change and their new values ({', '.join(CORRECTABLE)}); "
        "null or empty clears an optional date",
    )


class RevocationRequest(_ActionRequest):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "actor": "常州市中级人民法院执行局",
                    "reason": "身份信息比对错误，误列",
                    "on": "2024-05-20",
                }
            ]
        },
    )


class RepairApplicationRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "applicant": _EXAMPLE_FIRM["name"],
                    "evidence": "已履行（2023）苏04执123号判决确定的全部义务，附执行法院结案证明",
                    "on": "2024-06-03",
                }
            ]
        },
    )

    applicant: str = Field(default="", description="申请人 / who applies")
    evidence: str = Field(default="", description="整改证明材料 / evidence of the corrected behaviour")
    on: str | None = Field(default=None, description="申请日期 / filing day, YYYY-MM-DD (default today)")


class RepairDecisionRequest(_ActionRequest):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "approve": True,
                    "actor": "常州市中级人民法院",
                    "reason": "已履行全部义务，符合信用修复条件",
                    "on": "2024-07-01",
                }
            ]
        },
    )

    approve: bool = Field(description="true 批准 approve | false 驳回 reject")


# --- the periodic job --------------------------------------------------------------------------------------


class JobRunRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"on": "2024-07-01"}]})

    on: str | None = Field(
        default=None, description="运行日 / the day the run is for, YYYY-MM-DD (default today)"
    )


_PROPAGATION_EXAMPLE: dict[str, Any] = {
    "records": 1490,
    "added": 2,
    "removed": 5,
    "changed": 0,
    "seconds": 0.412,
}


class JobReportOut(BaseModel):
    """What one run of the periodic job did: expiries, red entries removed, the full propagation."""

    model_config = _examples(
        {
            "job_id": 12,
            "run_on": "2024-07-01",
            "ran": True,
            "took_effect": ["CZ-R-2024-000031"],
            "refused": [],
            "expired": ["CZ-B-2021-000045"],
            "removed": [],
            "propagation": _PROPAGATION_EXAMPLE,
            "dispatches": {"started": 3, "changed": 0, "ended": 2, "recalled": 0},
            "reminders": 1,
            "deliveries": {"delivered": 5, "retried": 0, "given_up": 0},
        }
    )

    job_id: int | None
    run_on: dt.date
    ran: bool
    took_effect: list[str] = Field(
        default_factory=list, description="preliminary entries that took effect (publicity period ended)"
    )
    refused: list[str] = Field(
        default_factory=list, description="red candidates refused by cross-comparison when taking effect"
    )
    expired: list[str] = Field(description="entries expired (valid_to passed), each with an exit notice")
    removed: list[str] = Field(description="red entries removed by cross-comparison")
    propagation: dict[str, Any] = Field(
        description="the full propagation run: records, added, removed, changed"
    )
    dispatches: dict[str, int] = Field(
        default_factory=dict,
        description="dispatches to implementing departments: started, changed, ended, recalled",
    )
    reminders: int = Field(default=0, description="overdue dispatches reminded")
    deliveries: dict[str, int] = Field(
        default_factory=dict, description="webhook delivery pass: delivered, retried, given_up"
    )


class JobRunOut(BaseModel):
    """A recorded run of the periodic job."""

    model_config = _examples(
        {
            "job_id": 12,
            "started_at": "2024-07-01T01:00:00Z",
            "finished_at": "2024-07-01T01:00:03Z",
            "run_on": "2024-07-01",
            "status": "done",
            "report": {
                "run_on": "2024-07-01",
                "expired": ["CZ-B-2021-000045"],
                "removed": [],
                "propagation": _PROPAGATION_EXAMPLE,
            },
        }
    )

    job_id: int
    started_at: str
    finished_at: str | None
    run_on: dt.date
    status: str = Field(description="running | done | failed")
    report: dict[str, Any] | None

    @classmethod
    def from_record(cls, record: JobRun) -> JobRunOut:
        return cls(
            job_id=record.pk,
            started_at=record.started_at,
            finished_at=record.finished_at,
            run_on=record.run_on,
            status=record.status,
            report=dict(record.report) if record.report is not None else None,
        )


class JobListResponse(BaseModel):
    model_config = _examples(
        {
            "jobs": [
                {
                    "job_id": 12,
                    "started_at": "2024-07-01T01:00:00Z",
                    "finished_at": "2024-07-01T01:00:03Z",
                    "run_on": "2024-07-01",
                    "status": "done",
                    "report": {"run_on": "2024-07-01", "expired": [], "removed": [], "propagation": {}},
                }
            ]
        }
    )

    jobs: list[JobRunOut] = Field(description="most recent first")
