"""Request and response models of the preliminary lists (初步名单) API: submission, the list and its entries,
the actions on it (publicity, prior notification, taking effect, withdrawal) and the public publicity list.

Field names are English, user-facing text Chinese, as in :mod:`api.schemas`, whose building blocks (entries,
events, notices, the error shape) are reused.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from api.schemas import EntryOut, _examples
from graph.ids import SubjectType
from graph.lifecycle import STATUS_LABELS
from graph.model import ListKind
from graph.preliminary import (
    LIST_ACTION_LABELS,
    ListAction,
    PreliminaryStatus,
    conflict_text,
)
from graph.privacy import public_subject
from graph.store.port import CandidateConflict, PreliminaryEntryRecord, PriorNotification
from loaders.validate import Problem

_FIRM = {"uscc": "91320402MA1XY23451", "name": "常州市天宁区示例建设工程有限公司"}
_OTHER_FIRM = {"uscc": "91320411MA1AB2345X", "name": "常州市新北区示例贸易有限公司"}
_PERSON = {"id_number": "320402198001010012", "name": "王建国"}
_RED_DEPARTMENT = "常州市市场监督管理局"
_ACTOR = "常州市市场监督管理局 信用监管处 王科员"

_CANDIDATE_EXAMPLE: dict[str, Any] = {
    "entry_id": "CZ-R-2024-000031",
    "subject_id": _OTHER_FIRM["uscc"],
    "kind": "red",
    "list_type": "守合同重信用企业",
    "basis": "常市监信〔2024〕12号",
    "decided_on": "2024-05-01",
    "valid_from": "2024-05-20",
    "valid_to": "2026-05-19",
}

_ENTRY_EXAMPLE: dict[str, Any] = {
    "entry_id": "CZ-R-2024-000031",
    "subject_type": "enterprise",
    "subject_code": _OTHER_FIRM["uscc"],
    "subject_name": _OTHER_FIRM["name"],
    "kind": "red",
    "list_type": "守合同重信用企业",
    "department": _RED_DEPARTMENT,
    "basis": "常市监信〔2024〕12号",
    "act_date": None,
    "decided_on": "2024-05-01",
    "valid_from": "2024-05-20",
    "valid_to": "2026-05-19",
    "status": "publicised",
    "ended_on": None,
}

_LINK_EXAMPLE: dict[str, Any] = {
    "black_entry_id": "CZ-B-2023-000123",
    "via_firm": {"uscc": _FIRM["uscc"], "name": _FIRM["name"]},
    "via_person": {
        "id_number": _PERSON["id_number"],
        "name": _PERSON["name"],
        "role": "legal_representative",
    },
    "text": (
        f"该企业的法定代表人 {_PERSON['name']}（{_PERSON['id_number']}）经 {_FIRM['name']}（{_FIRM['uscc']}）"
        "关联已列入黑名单 CZ-B-2023-000123"
    ),
    "found_on": "2024-05-01",
    "stage": "submit",
}

_CONFLICTS_EXAMPLE: dict[str, Any] = {
    "entry_id": "CZ-R-2024-000032",
    "subject_type": "enterprise",
    "subject_code": "91320412MA1CD3456Y",
    "subject_name": "常州市武进区示例机械有限公司",
    "conflicts": [_LINK_EXAMPLE],
}

_NOTIFICATION_EXAMPLE: dict[str, Any] = {
    "entry_id": "CZ-B-2024-000077",
    "recipient": _FIRM["name"],
    "notified_on": "2024-05-03",
    "method": "书面送达",
    "notified_by": "常州市中级人民法院 执行局 张法官",
    "note": "送达回证（2024）苏04执送17号",
}

_LIST_EXAMPLE: dict[str, Any] = {
    "list_id": "PL-20240501-0001",
    "department": _RED_DEPARTMENT,
    "kind": "red",
    "submitted_by": _ACTOR,
    "submitted_at": "2024-05-01T02:13:44Z",
    "submitted_on": "2024-05-01",
    "source_file": "守合同重信用企业初步名单.xlsx",
    "submitted": 2,
    "accepted": 1,
    "rejected": 1,
    "status": "publicised",
    "status_label": "公示中",
    "allowed_actions": [
        {"action": "take_effect", "label": "生效"},
        {"action": "withdraw", "label": "撤回"},
    ],
    "entries": [
        {
            "entry": _ENTRY_EXAMPLE,
            "status_label": "公示中",
            "publicity_from": "2024-05-02",
            "publicity_to": "2024-05-08",
            "notifications": [],
        }
    ],
    "conflicts": [_CONFLICTS_EXAMPLE],
}

_ON_DESCRIPTION = "办理日期 / the day it is done, YYYY-MM-DD (default today)"
_ACTOR_DESCRIPTION = "经办人（认定单位及经办人）/ who acts (the identifying department and its officer)"


# --- building blocks ---------------------------------------------------------------------------------------


class ProblemOut(BaseModel):
    """One problem of a submitted list: where (file, row, column, value) and why."""

    model_config = _examples(
        {
            "file": "守合同重信用企业初步名单.xlsx",
            "row": 4,
            "column": "subject_id",
            "value": "91320402MA1XY2345Z",
            "reason": "统一社会信用代码 91320402MA1XY2345Z 校验位错误：应为 1，实为 Z",
        }
    )

    file: str = Field(description="the file's name, or `entries` for JSON rows")
    row: int | None = Field(description="spreadsheet row (JSON: position from 1); null = the whole file")
    column: str | None
    value: str | None
    reason: str

    @classmethod
    def from_problem(cls, problem: Problem) -> ProblemOut:
        name = problem.file.replace("\\", "/").rsplit("/", 1)[-1]
        return cls(
            file=name, row=problem.row, column=problem.column, value=problem.value, reason=problem.reason
        )


class SubmissionRejectedResponse(BaseModel):
    """A preliminary list that was not submitted: every problem found, none written."""

    model_config = _examples(
        {
            "detail": "初步名单未提交：发现 1 处问题，未写入任何记录",
            "code": "load_rejected",
            "problems": [
                {
                    "file": "entries",
                    "row": 2,
                    "column": "subject_id",
                    "value": "91320402MA1XY23451",
                    "reason": "引用的人员或企业 91320402MA1XY23451 不在本次导入的人员或企业文件中，也不在数据库中（引用无效）",
                }
            ],
        }
    )

    detail: str
    code: str
    #: Empty (absent) for a request body that is not a list at all (``validation_error``), which the same
    #: status answers.
    problems: list[ProblemOut] = Field(default_factory=list)


class FirmRef(BaseModel):
    uscc: str
    name: str | None


class PersonLink(BaseModel):
    id_number: str
    name: str | None
    role: str | None = Field(description="the role the person holds in the candidate enterprise")


class ConflictLinkOut(BaseModel):
    """One black entry standing in the way of a red candidate, and how it reaches the candidate."""

    model_config = _examples(_LINK_EXAMPLE)

    black_entry_id: str
    via_firm: FirmRef | None = Field(description="null: not through a firm (a derived record)")
    via_person: PersonLink | None = Field(
        description="set when the candidate is an enterprise and a person holding a role in it is black-listed"
    )
    text: str = Field(description="说明 / the conflict in Chinese")
    found_on: dt.date | None = None
    stage: str | None = Field(default=None, description="submit | publicise | take_effect")

    @classmethod
    def from_conflict(
        cls, conflict: CandidateConflict, found_on: dt.date | None = None, stage: str | None = None
    ) -> ConflictLinkOut:
        return cls(
            black_entry_id=conflict.black_entry_id,
            via_firm=FirmRef(uscc=conflict.firm_code, name=conflict.firm_name)
            if conflict.firm_code
            else None,
            via_person=(
                PersonLink(id_number=conflict.person_code, name=conflict.person_name, role=conflict.role)
                if conflict.person_code
                else None
            ),
            text=conflict_text(conflict),
            found_on=found_on,
            stage=stage,
        )


class SubjectConflictsOut(BaseModel):
    """A refused red candidate: its subject and every black entry standing in its way (R2)."""

    model_config = _examples(_CONFLICTS_EXAMPLE)

    entry_id: str
    subject_type: SubjectType | None
    subject_code: str | None
    subject_name: str | None
    conflicts: list[ConflictLinkOut]


class NotificationOut(BaseModel):
    """A prior notification (事前告知) of a black-list subject."""

    model_config = _examples(_NOTIFICATION_EXAMPLE)

    entry_id: str
    recipient: str = Field(description="告知对象 / who was notified")
    notified_on: dt.date
    method: str = Field(description="告知方式 / how (书面送达、邮寄送达、电子送达 …)")
    notified_by: str
    note: str | None

    @classmethod
    def from_record(cls, record: PriorNotification) -> NotificationOut:
        return cls(
            entry_id=record.entry_id,
            recipient=record.recipient,
            notified_on=record.notified_on,
            method=record.method,
            notified_by=record.notified_by,
            note=record.note,
        )


class PreliminaryEntryOut(BaseModel):
    """An entry of a preliminary list, its publicity window and its prior notifications."""

    model_config = _examples(_LIST_EXAMPLE["entries"][0])

    entry: EntryOut
    status_label: str
    publicity_from: dt.date | None = Field(description="first day of publicity; null until publicised")
    publicity_to: dt.date | None = Field(description="last day of publicity (inclusive)")
    notifications: list[NotificationOut]

    @classmethod
    def from_record(
        cls, record: PreliminaryEntryRecord, notifications: list[PriorNotification]
    ) -> PreliminaryEntryOut:
        return cls(
            entry=EntryOut.from_record(record.entry),
            status_label=STATUS_LABELS[record.entry.status],
            publicity_from=record.publicity_from,
            publicity_to=record.publicity_to,
            notifications=[NotificationOut.from_record(notice) for notice in notifications],
        )


class ListActionOut(BaseModel):
    model_config = _examples({"action": "publicise", "label": "公示"})

    action: ListAction
    label: str

    @classmethod
    def of(cls, action: ListAction) -> ListActionOut:
        return cls(action=action, label=LIST_ACTION_LABELS[action])


class PreliminaryListOut(BaseModel):
    """A preliminary list: who submitted it when, its counts, where it stands, its entries and conflicts."""

    model_config = _examples(_LIST_EXAMPLE)

    list_id: str
    department: str = Field(description="identifying department (认定单位)")
    kind: ListKind
    submitted_by: str
    submitted_at: str = Field(description="when it was recorded (UTC, ISO 8601)")
    submitted_on: dt.date = Field(description="the day of submission (and of the first cross-comparison)")
    source_file: str | None
    submitted: int = Field(description="candidates submitted = accepted + rejected")
    accepted: int
    rejected: int = Field(description="red candidates refused by cross-comparison at submission")
    status: PreliminaryStatus = Field(description="draft 待公示 | publicised 公示中 | concluded 已办结")
    status_label: str
    allowed_actions: list[ListActionOut]
    entries: list[PreliminaryEntryOut]
    conflicts: list[SubjectConflictsOut] = Field(description="refused red candidates, at any stage")


# --- requests ----------------------------------------------------------------------------------------------


class CandidateIn(BaseModel):
    """A candidate entry: the columns of the list_entries import file. Dates are `YYYY-MM-DD` text and are
    validated with the file's rules, so that a problem is reported by row and column."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [_CANDIDATE_EXAMPLE]})

    entry_id: str
    subject_id: str = Field(description="USCC or resident id number of a subject already in the store")
    kind: str | None = Field(default=None, description="red | black (红名单、黑名单); default: the list's")
    list_type: str
    department: str | None = Field(default=None, description="default: the list's; another one is refused")
    basis: str
    act_date: str | None = Field(default=None, description="失信行为日期, required for black entries")
    decided_on: str | None = None
    valid_from: str
    valid_to: str | None = None


class SubmissionRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "department": _RED_DEPARTMENT,
                    "kind": "red",
                    "submitted_by": _ACTOR,
                    "on": "2024-05-01",
                    "entries": [_CANDIDATE_EXAMPLE],
                }
            ]
        },
    )

    department: str = Field(description="认定单位 / the identifying department submitting the list")
    kind: ListKind | None = Field(default=None, description="red | black; default: the entries' (all alike)")
    submitted_by: str = Field(default="", description=_ACTOR_DESCRIPTION)
    on: str | None = Field(default=None, description="提交日期 / the day of submission (default today)")
    entries: list[CandidateIn] = Field(min_length=1, max_length=10_000)


class PreliminaryActionRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"actor": _ACTOR, "on": "2024-05-02"}]}
    )

    actor: str = Field(default="", description=_ACTOR_DESCRIPTION)
    on: str | None = Field(default=None, description=_ON_DESCRIPTION)


class NotificationRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "actor": "常州市中级人民法院 执行局 张法官",
                    "method": "书面送达",
                    "on": "2024-05-03",
                    "note": "送达回证（2024）苏04执送17号",
                }
            ]
        },
    )

    actor: str = Field(default="", description=_ACTOR_DESCRIPTION)
    method: str = Field(default="", description="告知方式（必填）/ how: 书面送达、邮寄送达、电子送达 …")
    recipient: str | None = Field(
        default=None, description="告知对象 / who was notified (default: the subject)"
    )
    on: str | None = Field(default=None, description="告知日期 / the day of notification (default today)")
    entry_ids: list[str] | None = Field(default=None, description="only these entries (default: all pending)")
    note: str | None = Field(default=None, description="备注 / e.g. the service receipt number")


class WithdrawalRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "actor": _ACTOR,
                    "reason": "公示期间收到异议，经核实不符合认定标准，撤回",
                    "entry_ids": ["CZ-R-2024-000031"],
                    "on": "2024-05-05",
                }
            ]
        },
    )

    actor: str = Field(default="", description=_ACTOR_DESCRIPTION)
    reason: str = Field(default="", description="理由（必填）/ why (required), e.g. the objection upheld")
    on: str | None = Field(default=None, description=_ON_DESCRIPTION)
    entry_ids: list[str] | None = Field(default=None, description="only these entries (default: all pending)")


# --- responses ---------------------------------------------------------------------------------------------


class SubmissionResponse(BaseModel):
    """A submitted list: counts (submitted = accepted + rejected), the refused candidates with their
    conflicts, and the list as stored."""

    model_config = _examples(
        {
            "list_id": "PL-20240501-0001",
            "submitted": 2,
            "accepted": 1,
            "rejected": 1,
            "conflicts": [_CONFLICTS_EXAMPLE],
            "warnings": [],
            "preliminary_list": {**_LIST_EXAMPLE, "status": "draft", "status_label": "待公示"},
        }
    )

    list_id: str
    submitted: int
    accepted: int
    rejected: int
    conflicts: list[SubjectConflictsOut] = Field(description="red candidates refused by cross-comparison")
    warnings: list[str] = Field(description="reading warnings (encoding, skipped title rows …)")
    preliminary_list: PreliminaryListOut


class WaitingOut(BaseModel):
    entry_id: str
    reason: str = Field(
        description="why it did not take effect (e.g. 公示期至 2024-05-08，最早可于 2024-05-09 生效)"
    )


class PreliminaryActionResponse(BaseModel):
    """A list after an action, and what the action did."""

    model_config = _examples(
        {
            "took_effect": ["CZ-R-2024-000031"],
            "refused": [],
            "removed": [],
            "waiting": [],
            "withdrawn": [],
            "notifications": [],
            "preliminary_list": {**_LIST_EXAMPLE, "status": "concluded", "status_label": "已办结"},
        }
    )

    took_effect: list[str] = Field(description="entries that took effect")
    refused: list[SubjectConflictsOut] = Field(description="red candidates refused by cross-comparison")
    removed: list[str] = Field(description="effective red entries removed by cross-comparison (R2)")
    waiting: list[WaitingOut] = Field(description="entries left as they were, and why")
    withdrawn: list[str] = Field(description="entries withdrawn")
    notifications: list[NotificationOut] = Field(description="prior notifications recorded")
    preliminary_list: PreliminaryListOut


_PUBLICITY_EXAMPLE: dict[str, Any] = {
    "list_id": "PL-20240501-0001",
    "entry_id": "CZ-R-2024-000031",
    "kind": "red",
    "list_type": "守合同重信用企业",
    "department": _RED_DEPARTMENT,
    "basis": "常市监信〔2024〕12号",
    "valid_from": "2024-05-20",
    "valid_to": "2026-05-19",
    "publicity_from": "2024-05-02",
    "publicity_to": "2024-05-08",
    "subject_type": "enterprise",
    "subject_name": _OTHER_FIRM["name"],
    "subject_code": _OTHER_FIRM["uscc"],
}


class PublicityEntryOut(BaseModel):
    """An entry in publicity (公示), as published: person names and id numbers masked."""

    model_config = _examples(_PUBLICITY_EXAMPLE)

    list_id: str
    entry_id: str
    kind: ListKind
    list_type: str
    department: str
    basis: str
    valid_from: dt.date = Field(description="proposed; moves to the day it takes effect if that is later")
    valid_to: dt.date | None
    publicity_from: dt.date
    publicity_to: dt.date = Field(
        description="last day of publicity; objections go to the department until then"
    )
    subject_type: SubjectType
    subject_name: str
    subject_code: str

    @classmethod
    def from_record(cls, record: PreliminaryEntryRecord) -> PublicityEntryOut:
        entry = record.entry
        name, code = public_subject(entry.subject_type, entry.subject_code, entry.subject_name)
        if record.publicity_from is None or record.publicity_to is None:
            raise ValueError(f"名单记录 {entry.entry_id} 没有公示期")
        return cls(
            list_id=record.list_id,
            entry_id=entry.entry_id,
            kind=entry.kind,
            list_type=entry.list_type,
            department=entry.department,
            basis=entry.basis,
            valid_from=entry.valid_from,
            valid_to=entry.valid_to,
            publicity_from=record.publicity_from,
            publicity_to=record.publicity_to,
            subject_type=entry.subject_type,
            subject_name=name,
            subject_code=code,
        )


class PublicityPage(BaseModel):
    """One page of what is in publicity on `at`, newest publicity first."""

    model_config = _examples({"at": "2024-05-03", "entries": [_PUBLICITY_EXAMPLE], "next_cursor": None})

    at: dt.date
    entries: list[PublicityEntryOut]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null when none is left")
