"""Publicity (公示, §六(三), R10): the public list of red and black entries and the exit and correction notices.

No authentication: everything here is published. Enterprise names and codes appear as they are; a person's
name and id number only masked (张*明, 3204**********123X), in the fields and inside notice texts. No field
carries an internal key (the notices' opaque cursor holds a notice's row number as its tie-breaker). Pages are keyset pages behind an opaque cursor, so that a page boundary never
repeats or skips an entry while entries are added.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.auth import public
from api.deps import AtDep, StoreDep, parse_date
from api.errors import error_responses
from api.schemas import ErrorResponse, _examples
from graph.errors import CredlinkError
from graph.ids import SubjectType
from graph.lifecycle import STATUS_LABELS
from graph.model import EntryStatus, ListKind
from graph.privacy import mask_text, public_subject
from graph.store.port import EntryRecord, NoticeRecord

router = APIRouter(prefix="/v1/public", tags=["public"], dependencies=[public()])

#: The most a client may ask for in one page.
MAX_LIMIT = 200
DEFAULT_LIMIT = 50

PUBLIC_NOTICE_LABELS: dict[str, str] = {"exit": "退出公告", "correction": "更正公告"}


class InvalidCursor(CredlinkError):
    status = 422
    code = "invalid_cursor"


class LimitTooLarge(CredlinkError):
    status = 422
    code = "limit_too_large"


class PublicNoticeKind(StrEnum):
    """The notices that are published; written apologies and benefits to reclaim are addressed to the
    subject and never are."""

    exit = "exit"
    correction = "correction"


# --- response models ---------------------------------------------------------------------------------------

_PERSON_ENTRY_EXAMPLE: dict[str, Any] = {
    "entry_id": "CZ-B-2023-000456",
    "kind": "black",
    "list_type": "失信被执行人",
    "department": "常州市中级人民法院",
    "basis": "（2023）苏04执456号",
    "decided_on": "2023-03-01",
    "valid_from": "2023-03-01",
    "valid_to": None,
    "status": "under_verification",
    "status_label": "异议核实中",
    "subject_type": "person",
    "subject_name": "王*国",
    "subject_code": "3204**********0012",
}

_FIRM_ENTRY_EXAMPLE: dict[str, Any] = {
    **_PERSON_ENTRY_EXAMPLE,
    "entry_id": "CZ-B-2023-000123",
    "basis": "（2023）苏04执123号",
    "status": "effective",
    "status_label": "生效",
    "subject_type": "enterprise",
    "subject_name": "常州市天宁区示例建设工程有限公司",
    "subject_code": "91320402MA1XY23451",
}

_NOTICE_EXAMPLE: dict[str, Any] = {
    "entry_id": "CZ-B-2023-000456",
    "kind": "exit",
    "kind_label": "退出公告",
    "published_on": "2024-06-03",
    "text": "退出公告：王*国（3204**********0012） 经信用修复，自 2024-06-03 起移出失信被执行人（（2023）苏04执456号）。",
    "list_kind": "black",
    "list_type": "失信被执行人",
    "subject_type": "person",
    "subject_name": "王*国",
    "subject_code": "3204**********0012",
}


class PublicEntryOut(BaseModel):
    """A red- or black-list entry as published (person names and id numbers masked)."""

    model_config = _examples(_FIRM_ENTRY_EXAMPLE, _PERSON_ENTRY_EXAMPLE)

    entry_id: str
    kind: ListKind
    list_type: str
    department: str = Field(description="identifying department (认定单位)")
    basis: str = Field(description="document number / legal basis of the listing (认定依据)")
    decided_on: dt.date | None
    valid_from: dt.date
    valid_to: dt.date | None = Field(description="last day of the period; null = indefinite")
    status: EntryStatus = Field(description="effective, or under_verification while an objection is verified")
    status_label: str = Field(description="生效 / 异议核实中 …")
    subject_type: SubjectType
    subject_name: str = Field(description="enterprise name as registered; a person's name masked (张*明)")
    subject_code: str = Field(
        description="USCC as registered; a person's id number masked (3204**********123X)"
    )

    @classmethod
    def from_record(cls, record: EntryRecord) -> PublicEntryOut:
        name, code = public_subject(record.subject_type, record.subject_code, record.subject_name)
        return cls(
            entry_id=record.entry_id,
            kind=record.kind,
            list_type=record.list_type,
            department=record.department,
            basis=record.basis,
            decided_on=record.decided_on,
            valid_from=record.valid_from,
            valid_to=record.valid_to,
            status=record.status,
            status_label=STATUS_LABELS[record.status],
            subject_type=record.subject_type,
            subject_name=name,
            subject_code=code,
        )


class PublicEntryPage(BaseModel):
    """One page of the public list, newest first; ``next_cursor`` fetches the next page (null: last page)."""

    model_config = _examples(
        {"at": "2024-06-03", "entries": [_FIRM_ENTRY_EXAMPLE, _PERSON_ENTRY_EXAMPLE], "next_cursor": None}
    )

    at: dt.date = Field(description="the day the entries apply on")
    entries: list[PublicEntryOut]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null when none is left")


class PublicNoticeOut(BaseModel):
    """An exit (退出公告) or correction (更正公告) notice as published (person data masked in the text too)."""

    model_config = _examples(_NOTICE_EXAMPLE)

    entry_id: str
    kind: PublicNoticeKind
    kind_label: str
    published_on: dt.date
    text: str
    list_kind: ListKind = Field(description="red or black list the entry belonged to")
    list_type: str
    subject_type: SubjectType
    subject_name: str
    subject_code: str

    @classmethod
    def from_records(cls, notice: NoticeRecord, entry: EntryRecord) -> PublicNoticeOut:
        name, code = public_subject(entry.subject_type, entry.subject_code, entry.subject_name)
        return cls(
            entry_id=notice.entry_id,
            kind=PublicNoticeKind(notice.kind),
            kind_label=PUBLIC_NOTICE_LABELS[notice.kind],
            published_on=notice.published_on,
            text=mask_text(
                notice.text,
                subject_type=entry.subject_type,
                code=entry.subject_code,
                name=entry.subject_name,
            ),
            list_kind=entry.kind,
            list_type=entry.list_type,
            subject_type=entry.subject_type,
            subject_name=name,
            subject_code=code,
        )


class PublicNoticePage(BaseModel):
    """One page of published notices, newest first."""

    model_config = _examples({"notices": [_NOTICE_EXAMPLE], "next_cursor": None})

    notices: list[PublicNoticeOut]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null when none is left")


# --- cursors -----------------------------------------------------------------------------------------------


def _encode_cursor(tag: str, *position: str | int) -> str:
    raw = json.dumps([tag, *position], ensure_ascii=False, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str, tag: str) -> list[Any]:
    """The position a cursor of this endpoint holds; :class:`InvalidCursor` for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value = json.loads(raw)
    except (binascii.Error, ValueError):
        value = None
    if not isinstance(value, list) or len(value) != 3 or value[0] != tag:
        raise InvalidCursor(f"参数 cursor 的值 {cursor!r} 无效：请使用上一页响应中的 next_cursor 原样传回")
    return value[1:]


def _entry_position(cursor: str | None) -> tuple[dt.date, str] | None:
    if cursor is None:
        return None
    day, entry_id = _decode_cursor(cursor, "e")
    try:
        return dt.date.fromisoformat(day), str(entry_id)
    except (TypeError, ValueError):
        raise InvalidCursor(f"参数 cursor 的值 {cursor!r} 无效：请使用上一页响应中的 next_cursor") from None


def _notice_position(cursor: str | None) -> tuple[dt.date, int] | None:
    if cursor is None:
        return None
    day, pk = _decode_cursor(cursor, "n")
    try:
        return dt.date.fromisoformat(day), int(pk)
    except (TypeError, ValueError):
        raise InvalidCursor(f"参数 cursor 的值 {cursor!r} 无效：请使用上一页响应中的 next_cursor") from None


def _checked_limit(limit: int) -> int:
    if limit > MAX_LIMIT:
        raise LimitTooLarge(f"参数 limit 最大为 {MAX_LIMIT}，本次为 {limit}；请用 cursor 翻页")
    return limit


LimitQuery = Annotated[
    int, Query(ge=1, description=f"每页条数 / page size, at most {MAX_LIMIT}", examples=[DEFAULT_LIMIT])
]
CursorQuery = Annotated[
    str | None,
    Query(max_length=500, description="上一页的 next_cursor / the previous page's next_cursor (opaque)"),
]

_PAGE_ERRORS: dict[int | str, dict[str, Any]] = {
    **error_responses(400, 503),
    422: {
        "model": ErrorResponse,
        "description": f"参数不合法：limit 超过 {MAX_LIMIT}（limit_too_large）、cursor 无效（invalid_cursor）等 / "
        "bad parameter",
    },
}


# --- routes ------------------------------------------------------------------------------------------------


@router.get(
    "/entries",
    summary="红黑名单公示 / the public red and black lists",
    description=(
        "Entries that apply on `at` (default today): effective, or under verification of an objection "
        "(异议核实中); never preliminary, publicised-only or revoked ones. Newest first (by `valid_from`). "
        "`q` finds an enterprise by part of its name or its exact USCC, a person only by the exact, full id "
        "number; person names and id numbers are always returned masked."
    ),
    response_model=PublicEntryPage,
    responses=_PAGE_ERRORS,
)
def public_entries(
    store: StoreDep,
    at: AtDep,
    kind: Annotated[ListKind | None, Query(description="red | black")] = None,
    list_type: Annotated[
        str | None, Query(max_length=100, description="名单类型 / list type", examples=["失信被执行人"])
    ] = None,
    q: Annotated[
        str | None,
        Query(
            max_length=100,
            description="企业名称（部分）或统一社会信用代码；个人仅可按完整身份证号码查询 / search",
            examples=["建设工程"],
        ),
    ] = None,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> PublicEntryPage:
    size = _checked_limit(limit)
    day = at or dt.date.today()
    records = store.public_entries(
        day,
        kind=kind,
        list_type=list_type or None,
        search=q,
        after=_entry_position(cursor),
        limit=size + 1,
    )
    page = records[:size]
    next_cursor = (
        _encode_cursor("e", page[-1].valid_from.isoformat(), page[-1].entry_id)
        if len(records) > size
        else None
    )
    return PublicEntryPage(
        at=day, entries=[PublicEntryOut.from_record(record) for record in page], next_cursor=next_cursor
    )


@router.get(
    "/notices",
    summary="退出及更正公告 / published exit and correction notices",
    description=(
        "Exit notices (退出公告: expiry, credit repair, cross-comparison) and corrections (更正公告), newest "
        "first, published up to today and from `since` when given. Written apologies and benefits to reclaim "
        "are addressed to the subject and are not published here. Person data is masked inside the text."
    ),
    response_model=PublicNoticePage,
    responses=_PAGE_ERRORS,
)
def public_notices(
    store: StoreDep,
    kind: Annotated[PublicNoticeKind | None, Query(description="exit | correction")] = None,
    since: Annotated[
        str | None,
        Query(description="发布日期起 / published on or after, YYYY-MM-DD", examples=["2024-01-01"]),
    ] = None,
    limit: LimitQuery = DEFAULT_LIMIT,
    cursor: CursorQuery = None,
) -> PublicNoticePage:
    size = _checked_limit(limit)
    rows = store.public_notices(
        dt.date.today(),
        kind=None if kind is None else kind.value,
        since=parse_date(since, name="since"),
        after=_notice_position(cursor),
        limit=size + 1,
    )
    page = rows[:size]
    next_cursor = (
        _encode_cursor("n", page[-1][0].published_on.isoformat(), page[-1][0].pk)
        if len(rows) > size
        else None
    )
    return PublicNoticePage(
        notices=[PublicNoticeOut.from_records(notice, entry) for notice, entry in page],
        next_cursor=next_cursor,
    )
