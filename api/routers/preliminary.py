"""Preliminary lists (初步名单, R1, R2, §二(四)): submission (JSON or a CSV/XLSX file), the list, publicity, prior
notification, taking effect, withdrawal — and the public list of what is in publicity.

A file is uploaded as the raw request body (``Content-Type: application/octet-stream``, or the file's own type)
with its name in the ``filename`` query parameter, which says whether it is CSV or XLSX: no multipart parsing,
so no extra dependency, and ``curl --data-binary @file`` is all a client needs. A list with any bad row is not
submitted: 422 ``load_rejected`` lists every problem (row, column, value, reason). Refused actions are 409
``invalid_transition`` naming what is allowed. The builders below are shared with the CLI.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable, Iterable, Sequence
from functools import partial
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, status
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from api.auth import ensure_list_types, own_preliminary_list, public, require
from api.deps import AtDep, StoreDep, parse_date
from api.errors import error_responses
from api.preliminary_schemas import (
    ConflictLinkOut,
    ListActionOut,
    NotificationOut,
    NotificationRequest,
    PreliminaryActionRequest,
    PreliminaryActionResponse,
    PreliminaryEntryOut,
    PreliminaryListOut,
    ProblemOut,
    PublicityEntryOut,
    PublicityPage,
    SubjectConflictsOut,
    SubmissionRejectedResponse,
    SubmissionRequest,
    SubmissionResponse,
    WaitingOut,
    WithdrawalRequest,
)
from api.principal import PrincipalDep, Role
from api.routers.public import (
    _PAGE_ERRORS,
    DEFAULT_LIMIT,
    CursorQuery,
    InvalidCursor,
    LimitQuery,
    _checked_limit,
    _decode_cursor,
    _encode_cursor,
)
from api.schemas import ErrorResponse
from graph import preliminary
from graph.errors import InvalidRequest, LoadRejected
from graph.model import ListKind
from graph.preliminary import LIST_STATUS_LABELS, TakeEffectResult, list_actions, list_status
from graph.store.port import CandidateConflict, EntryRecord, PriorNotification, Store
from loaders.preliminary import CandidateRows, candidates_from_records, read_candidates
from loaders.reader import EXTENSIONS
from loaders.validate import Problem

router = APIRouter(tags=["preliminary"])
public_router = APIRouter(prefix="/v1/public", tags=["public"], dependencies=[public()])

#: The largest file accepted by the upload route.
MAX_UPLOAD_BYTES = 20 * 1024 * 1024

ListIdPath = Annotated[str, Path(description="初步名单编号 / list id", examples=["PL-20240501-0001"])]


class SubmissionRejected(LoadRejected):
    """A preliminary list with bad rows: nothing was written; ``problems`` says where and why."""

    def __init__(self, detail: str, problems: Sequence[Problem]) -> None:
        super().__init__(detail)
        self.problems = list(problems)


def preliminary_errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a preliminary-list route, with 400/404/409/422 described for this resource."""
    responses = error_responses(*statuses)
    described: dict[int, tuple[type[Any], str]] = {
        400: (
            ErrorResponse,
            "日期格式错误（invalid_date），或缺少操作人、理由、认定单位、告知方式（invalid_request）",
        ),
        404: (ErrorResponse, "初步名单或名单记录不存在 / the list or an entry is not stored"),
        409: (
            ErrorResponse,
            "当前状态不允许该操作，响应中列出原因和允许的操作（invalid_transition），如公示期未满、未记录事前告知",
        ),
        422: (
            SubmissionRejectedResponse,
            "初步名单有错误行，未提交（load_rejected，逐条列出行、列、值、原因），或请求体不合法（validation_error）",
        ),
    }
    for code, (model, description) in described.items():
        if code in responses:
            responses[code] = {"model": model, "description": description}
    return responses


# --- builders (shared with the CLI) ------------------------------------------------------------------------


def _grouped(
    conflicts: Iterable[tuple[CandidateConflict, dt.date | None, str | None]], entries: dict[str, EntryRecord]
) -> list[SubjectConflictsOut]:
    grouped: dict[str, list[ConflictLinkOut]] = {}
    for conflict, found_on, stage in conflicts:
        grouped.setdefault(conflict.entry_id, []).append(
            ConflictLinkOut.from_conflict(conflict, found_on, stage)
        )
    out = []
    for entry_id, links in grouped.items():
        entry = entries.get(entry_id)
        out.append(
            SubjectConflictsOut(
                entry_id=entry_id,
                subject_type=entry.subject_type if entry else None,
                subject_code=entry.subject_code if entry else None,
                subject_name=entry.subject_name if entry else None,
                conflicts=links,
            )
        )
    return out


def list_out(store: Store, list_id: str) -> PreliminaryListOut:
    """The list as stored: counts, status, allowed actions, entries with windows and notifications, conflicts."""
    record = preliminary.preliminary_list(store, list_id)
    items = store.preliminary_entries(record.pk)
    entries = {item.entry.entry_id: item.entry for item in items}
    current = list_status(entries.values())
    return PreliminaryListOut(
        list_id=record.list_id,
        department=record.department,
        kind=record.kind,
        submitted_by=record.submitted_by,
        submitted_at=record.submitted_at,
        submitted_on=record.submitted_on,
        source_file=record.source_file,
        submitted=record.submitted,
        accepted=record.accepted,
        rejected=record.rejected,
        status=current,
        status_label=LIST_STATUS_LABELS[current],
        allowed_actions=[ListActionOut.of(action) for action in list_actions(record.kind, entries.values())],
        entries=[
            PreliminaryEntryOut.from_record(
                item,
                store.prior_notifications(item.entry.pk) if record.kind is ListKind.black else [],
            )
            for item in items
        ],
        conflicts=_grouped(
            ((c.conflict, c.found_on, c.stage) for c in store.preliminary_conflicts(record.pk)), entries
        ),
    )


def submit_rows(
    store: Store,
    rows: CandidateRows,
    *,
    department: str,
    actor: str,
    on: dt.date | None,
    source_file: str | None = None,
) -> SubmissionResponse:
    """Submit validated candidates; :class:`SubmissionRejected` (nothing written) when any row is bad."""
    if not rows.ok or rows.kind is None:
        problems = rows.problems or [Problem(rows.source, None, None, None, "初步名单没有任何名单记录")]
        raise SubmissionRejected(
            f"初步名单未提交：发现 {len(problems)} 处问题，未写入任何记录。{rows.format_problems(1)[0]}",
            problems,
        )
    result = preliminary.submit(
        store, rows.rows, department=department, kind=rows.kind, actor=actor, on=on, source_file=source_file
    )
    stored = list_out(store, result.list_id)
    entries = {
        item.entry.entry_id: item.entry for item in store.preliminary_entries(_pk(store, result.list_id))
    }
    return SubmissionResponse(
        list_id=result.list_id,
        submitted=result.submitted,
        accepted=result.accepted,
        rejected=result.rejected,
        conflicts=_grouped(((c, on or dt.date.today(), "submit") for c in result.conflicts), entries),
        warnings=rows.warnings,
        preliminary_list=stored,
    )


def _pk(store: Store, list_id: str) -> int:
    return preliminary.preliminary_list(store, list_id).pk


def submit_file(
    store: Store,
    path: FilePath,
    *,
    department: str,
    kind: ListKind | None,
    actor: str,
    on: dt.date | None,
    source_file: str | None = None,
    check_list_types: Callable[[Iterable[str]], None] | None = None,
) -> SubmissionResponse:
    """Read, validate and submit a preliminary list file (CSV or XLSX). ``check_list_types`` sees the list
    types of the rows read before anything is written (an identifying department's own only)."""
    rows = read_candidates(store, path, department=department, kind=kind, today=on)
    if check_list_types is not None and "list_type" in rows.rows:
        check_list_types({str(value) for value in rows.rows["list_type"].dropna()})
    return submit_rows(
        store, rows, department=department, actor=actor, on=on, source_file=source_file or path.name
    )


def action_out(
    store: Store,
    list_id: str,
    result: TakeEffectResult | None = None,
    *,
    withdrawn: Sequence[str] = (),
    notifications: Sequence[PriorNotification] = (),
    on: dt.date | None = None,
    stage: str = "take_effect",
) -> PreliminaryActionResponse:
    """The list after an action, with what the action did (refusals found at ``stage``)."""
    done = result or TakeEffectResult()
    stored = list_out(store, list_id)
    entries = {item.entry.entry_id: item.entry for item in store.preliminary_entries(_pk(store, list_id))}
    day = on or dt.date.today()
    return PreliminaryActionResponse(
        took_effect=done.took_effect,
        refused=_grouped(
            ((c, day, stage) for found in done.refused.values() for c in found),
            entries,
        ),
        removed=done.removed,
        waiting=[WaitingOut(entry_id=entry_id, reason=reason) for entry_id, reason in done.waiting.items()],
        withdrawn=list(withdrawn),
        notifications=[NotificationOut.from_record(notice) for notice in notifications],
        preliminary_list=stored,
    )


def _rejected(exc: SubmissionRejected) -> JSONResponse:
    body = SubmissionRejectedResponse(
        detail=exc.detail,
        code=exc.code,
        problems=[ProblemOut.from_problem(problem) for problem in exc.problems],
    )
    return JSONResponse(status_code=exc.status, content=body.model_dump())


# --- routes ------------------------------------------------------------------------------------------------

_SUBMIT_ERRORS = preliminary_errors(400, 409, 422, 503)
_ACTION_ERRORS = preliminary_errors(400, 404, 409, 422, 503)


@router.post(
    "/v1/preliminary-lists",
    dependencies=[require(Role.CREDIT_ADMIN, Role.IDENTIFYING_DEPARTMENT)],
    summary="提交初步名单（JSON）/ submit a preliminary list as JSON rows",
    description=(
        "The rows have the columns of the list_entries import file and are validated by the same rules; the "
        "subjects must be in the store and the entry ids new. Red candidates are cross-compared with every black "
        "list on `on` (R2): a conflicting one is written as refused (never applied) and listed in `conflicts`; "
        "`submitted = accepted + rejected`. Accepted entries are drafts: they never apply until they take effect."
    ),
    status_code=status.HTTP_201_CREATED,
    response_model=SubmissionResponse,
    responses=_SUBMIT_ERRORS,
)
def submit(
    store: StoreDep, principal: PrincipalDep, body: SubmissionRequest
) -> SubmissionResponse | JSONResponse:
    ensure_list_types(principal, {candidate.list_type for candidate in body.entries})
    on = parse_date(body.on, name="on")
    rows = candidates_from_records(
        store,
        [candidate.model_dump() for candidate in body.entries],
        department=body.department,
        kind=body.kind,
        today=on,
    )
    try:
        return submit_rows(store, rows, department=body.department, actor=body.submitted_by, on=on)
    except SubmissionRejected as exc:
        return _rejected(exc)


_FILE_SCHEMA = {"schema": {"type": "string", "format": "binary"}}


@router.post(
    "/v1/preliminary-lists/upload",
    dependencies=[require(Role.CREDIT_ADMIN, Role.IDENTIFYING_DEPARTMENT)],
    summary="提交初步名单（文件）/ submit a preliminary list as a CSV or XLSX file",
    description=(
        "The request body is the file itself (`curl --data-binary @初步名单.xlsx`), its name in `filename` "
        "(`.csv` or `.xlsx`). Same columns and Chinese headers as the list_entries import file "
        "(docs/import-formats.md); `department` and `kind` columns may be left out. At most 20 MiB."
    ),
    status_code=status.HTTP_201_CREATED,
    response_model=SubmissionResponse,
    responses=_SUBMIT_ERRORS,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/octet-stream": _FILE_SCHEMA,
                "text/csv": _FILE_SCHEMA,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": _FILE_SCHEMA,
            },
        }
    },
)
async def upload(
    request: Request,
    store: StoreDep,
    principal: PrincipalDep,
    filename: Annotated[
        str, Query(min_length=1, max_length=200, description="文件名 / the file's name, .csv or .xlsx")
    ],
    department: Annotated[str, Query(max_length=200, description="认定单位 / identifying department")],
    submitted_by: Annotated[str, Query(max_length=200, description="经办人 / who submits")] = "",
    kind: Annotated[ListKind | None, Query(description="red | black; default: the rows'")] = None,
    on: Annotated[str | None, Query(description="提交日期 / day of submission, YYYY-MM-DD")] = None,
) -> SubmissionResponse | JSONResponse:
    day = parse_date(on, name="on")
    name = FilePath(filename.replace("\\", "/")).name
    if FilePath(name).suffix.lower() not in EXTENSIONS:
        raise InvalidRequest(f"文件 {name} 的类型不受支持：只接受 .csv 和 .xlsx（filename 参数须带扩展名）")
    data = await request.body()
    if not data:
        raise InvalidRequest("请求体为空：请把文件内容作为请求体上传（curl --data-binary @文件）")
    if len(data) > MAX_UPLOAD_BYTES:
        raise InvalidRequest(f"文件过大（{len(data)} 字节）：最多 {MAX_UPLOAD_BYTES // (1024 * 1024)} MiB")

    def work() -> SubmissionResponse:
        with tempfile.TemporaryDirectory(prefix="credlink-prelist-") as folder:
            path = FilePath(folder) / name
            path.write_bytes(data)
            return submit_file(
                store,
                path,
                department=department,
                kind=kind,
                actor=submitted_by,
                on=day,
                check_list_types=partial(ensure_list_types, principal),
            )

    try:
        return await run_in_threadpool(work)
    except SubmissionRejected as exc:
        return _rejected(exc)


@router.get(
    "/v1/preliminary-lists/{list_id}",
    dependencies=[require(Role.CREDIT_ADMIN, Role.IDENTIFYING_DEPARTMENT, narrow=[own_preliminary_list])],
    summary="初步名单详情 / a preliminary list: counts, status, entries, windows, notifications, conflicts",
    response_model=PreliminaryListOut,
    responses=preliminary_errors(404, 422, 503),
)
def get_list(store: StoreDep, list_id: ListIdPath) -> PreliminaryListOut:
    return list_out(store, list_id)


@router.post(
    "/v1/preliminary-lists/{list_id}/publicise",
    dependencies=[require(Role.CREDIT_ADMIN, Role.IDENTIFYING_DEPARTMENT, narrow=[own_preliminary_list])],
    summary="公示 / publicise the list's drafts for their list type's publicity period",
    description=(
        "Red drafts are cross-compared again first; a conflicting one is refused, not publicised. Each entry gets "
        "a window from `on` for its list type's `publicity_days` (default 7, inclusive)."
    ),
    response_model=PreliminaryActionResponse,
    responses=_ACTION_ERRORS,
)
def publicise(
    store: StoreDep, list_id: ListIdPath, body: PreliminaryActionRequest
) -> PreliminaryActionResponse:
    on = parse_date(body.on, name="on")
    result = preliminary.publicise(store, list_id, actor=body.actor, on=on)
    return action_out(store, list_id, result, on=on, stage="publicise")


@router.post(
    "/v1/preliminary-lists/{list_id}/notify",
    dependencies=[require(Role.CREDIT_ADMIN, Role.IDENTIFYING_DEPARTMENT, narrow=[own_preliminary_list])],
    summary="记录事前告知 / record the prior notification of a black list's subjects",
    description=(
        "Who was notified (default: each subject), when (`on`), how (`method`) and by whom. A black entry of a "
        "list type that may skip publicity takes effect from draft only after this."
    ),
    status_code=status.HTTP_201_CREATED,
    response_model=PreliminaryActionResponse,
    responses=_ACTION_ERRORS,
)
def notify(store: StoreDep, list_id: ListIdPath, body: NotificationRequest) -> PreliminaryActionResponse:
    on = parse_date(body.on, name="on")
    recorded = preliminary.notify(
        store,
        list_id,
        actor=body.actor,
        method=body.method,
        recipient=body.recipient,
        on=on,
        entry_ids=body.entry_ids,
        note=body.note,
    )
    return action_out(store, list_id, notifications=recorded, on=on)


@router.post(
    "/v1/preliminary-lists/{list_id}/take-effect",
    dependencies=[require(Role.CREDIT_ADMIN, Role.IDENTIFYING_DEPARTMENT, narrow=[own_preliminary_list])],
    summary="生效 / take the list's ready entries into effect",
    description=(
        "Publicised entries whose window has ended, and black drafts of a list type that may skip publicity once "
        "their subject's prior notification is recorded. Black entries reach their persons at once and end the "
        "subjects' effective red entries; red candidates are cross-compared again and refused on a conflict. A "
        "proposed `valid_from` already passed moves to `on`, `valid_to` with it. Entries not ready are listed in "
        "`waiting`; 409 when none is ready."
    ),
    response_model=PreliminaryActionResponse,
    responses=_ACTION_ERRORS,
)
def take_effect(
    store: StoreDep, list_id: ListIdPath, body: PreliminaryActionRequest
) -> PreliminaryActionResponse:
    on = parse_date(body.on, name="on")
    result = preliminary.take_effect(store, list_id, actor=body.actor, on=on)
    return action_out(store, list_id, result, on=on)


@router.post(
    "/v1/preliminary-lists/{list_id}/withdrawal",
    dependencies=[require(Role.CREDIT_ADMIN, Role.IDENTIFYING_DEPARTMENT, narrow=[own_preliminary_list])],
    summary="撤回 / withdraw pending entries (e.g. an objection during publicity upheld): they never applied",
    response_model=PreliminaryActionResponse,
    responses=_ACTION_ERRORS,
)
def withdraw(store: StoreDep, list_id: ListIdPath, body: WithdrawalRequest) -> PreliminaryActionResponse:
    on = parse_date(body.on, name="on")
    withdrawn = preliminary.withdraw(
        store, list_id, actor=body.actor, reason=body.reason, on=on, entry_ids=body.entry_ids
    )
    return action_out(store, list_id, withdrawn=withdrawn, on=on)


def _publicity_position(cursor: str | None) -> tuple[dt.date, str] | None:
    if cursor is None:
        return None
    start, entry_id = _decode_cursor(cursor, "p")
    try:
        return dt.date.fromisoformat(start), str(entry_id)
    except (TypeError, ValueError):
        raise InvalidCursor(f"参数 cursor 的值 {cursor!r} 无效：请使用上一页响应中的 next_cursor") from None


@public_router.get(
    "/publicity",
    summary="公示中的初步名单 / entries in publicity now",
    description=(
        "Preliminary entries whose publicity window holds `at` (default today), newest publicity first; objections "
        "go to the identifying department before `publicity_to`. Person names and id numbers are masked."
    ),
    response_model=PublicityPage,
    responses=_PAGE_ERRORS,
)
def in_publicity(
    store: StoreDep, at: AtDep, limit: LimitQuery = DEFAULT_LIMIT, cursor: CursorQuery = None
) -> PublicityPage:
    size = _checked_limit(limit)
    day = at or dt.date.today()
    records = store.in_publicity(day, after=_publicity_position(cursor), limit=size + 1)
    page = records[:size]
    last = page[-1] if page else None
    next_cursor = (
        _encode_cursor("p", last.publicity_from.isoformat(), last.entry.entry_id)
        if len(records) > size and last is not None and last.publicity_from is not None
        else None
    )
    return PublicityPage(
        at=day, entries=[PublicityEntryOut.from_record(record) for record in page], next_cursor=next_cursor
    )


__all__ = [
    "SubmissionRejected",
    "action_out",
    "list_out",
    "public_router",
    "router",
    "submit_file",
    "submit_rows",
]
