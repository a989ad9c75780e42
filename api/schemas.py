"""Request and response models of the HTTP API (field names English, user-facing text Chinese).

Each response model carries an example (``json_schema_extra``) so that ``/docs`` shows what a client
gets. The ``from_*`` constructors turn the query layer's records into these models; the check's
one-line explanations and summary are written here so that the API and the CLI say the same thing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from graph.business_items import BUSINESS_ITEMS
from graph.ids import SubjectType
from graph.model import EntryStatus, HolderBasis, ListKind, Measure, Role, Target
from graph.store.port import DerivedRecordRow, EntryRecord, RoleRecord, SubjectRecord
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
        "validation_error, batch_too_large, store_unavailable, internal_error"
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
        }
    )

    status: str = Field(description="ok when the store answers")
    schema_version: int
    pending_changes: int = Field(description="entries whose derived records await propagation")
    counts: dict[str, int] = Field(description="rows per kind of record")


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
    prefix = "【异议核实中，措施暂停适用】" if item.suspended else ""
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
        parts.append(f"{suspended} 条记录处于异议核实中，相关措施暂停适用")
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
    explanation: str = Field(description="one line in Chinese: why this applies")

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
