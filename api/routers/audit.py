"""The audit log for auditors (R10, §七(三)): ``GET /v1/audit`` with filters and paging, read only."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from api.audit import MAX_PAGE, AuditLog
from api.auth import require
from api.errors import error_responses
from api.masking import stated_purpose
from api.principal import PrincipalDep, Role
from graph.errors import InvalidRequest, StoreError

router = APIRouter(tags=["audit"], dependencies=[require(Role.AUDITOR)])


class AuditRecordOut(BaseModel):
    seq: int = Field(description="序号 / position in the chain, from 1")
    at: str = Field(description="时间（UTC） / when, ISO 8601 UTC")
    actor: str = Field(description="操作者 / who: user:<name>, key:<key id> or anonymous")
    role: str = Field(description="角色 / the role it acted in")
    action: str = Field(description="操作 / what: method and route, e.g. GET /v1/subjects/{subject_id}")
    target: str = Field(description="对象 / the path asked for")
    whom: list[str] = Field(description="涉及的个人（身份证号码） / the persons concerned")
    purpose: str | None = Field(description="查询目的 / the stated purpose")
    result: str = Field(description="结果（HTTP 状态码） / the HTTP status")
    prev: str = Field(description="前一条记录的 SHA-256 / the previous record's hash")
    hash: str = Field(description="本条记录的 SHA-256 / this record's hash")


class AuditPage(BaseModel):
    items: list[AuditRecordOut]
    next_after: int | None = Field(
        description="下一页的 after 参数；为空表示没有更多 / cursor of the next page"
    )


def _instant(value: str | None, name: str) -> str | None:
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise InvalidRequest(
            f"参数 {name} 的值 {value!r} 不是有效时间，应为 ISO 8601 格式（例如 2026-12-03 或 2026-12-03T08:00:00Z）"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


@router.get(
    "/v1/audit",
    summary="审计日志 / the audit log (auditors only), filtered and paged",
    response_model=AuditPage,
    responses=error_responses(400, 422, 503),
)
def list_audit(
    request: Request,
    principal: PrincipalDep,
    actor: Annotated[str | None, Query(description="操作者 / exactly this actor")] = None,
    whom: Annotated[
        str | None, Query(description="涉及的个人身份证号码 / records concerning this person")
    ] = None,
    action: Annotated[
        str | None, Query(description="操作前缀 / action prefix, e.g. 'POST' or 'GET /v1/graph'")
    ] = None,
    since: Annotated[
        str | None, Query(description="起始时间（含） / from, ISO 8601 (UTC if no offset)")
    ] = None,
    until: Annotated[str | None, Query(description="截止时间（不含） / before, ISO 8601")] = None,
    after: Annotated[int, Query(ge=0, description="从此序号之后 / records after this seq (paging)")] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="每页条数 / page size")] = 100,
) -> AuditPage:
    log: AuditLog | None = getattr(request.app.state, "audit", None)
    if log is None:
        raise StoreError("审计日志尚未打开（服务正在启动或已关闭）")
    records = log.query(
        actor=actor,
        whom=whom.strip().upper() if whom else None,
        action=action,
        since=_instant(since, "since"),
        until=_instant(until, "until"),
        after=after,
        limit=limit,
    )
    # Reading the log is itself recorded: who audited, with what filter.
    log.record(
        principal,
        "GET /v1/audit",
        str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""),
        purpose=stated_purpose(request.scope, principal),
        result=200,
        whom=[whom.strip().upper()] if whom else [],
    )
    return AuditPage(
        items=[AuditRecordOut(**record.as_dict()) for record in records],  # type: ignore[arg-type]
        next_after=records[-1].seq if len(records) == limit else None,
    )
