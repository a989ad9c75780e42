"""Trigger–feedback (R8, §七(一), §八(三)): the departments' dispatch feed, their feedback, statistics,
overdue dispatches, settings and webhooks.

Dispatches are created by lifecycle actions (at once, for the entries they touch), by the periodic job (for
everything in force on its day) and by ``POST /v1/dispatches/run``. A department either pulls its feed
(``GET /v1/dispatches?department=…&after=<cursor>``) or registers a webhook; both may be used at once.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, status

from api.auth import own_department_feed, own_dispatch, require
from api.deps import MAX_RECORD_ID, StoreDep, parse_date
from api.dispatch_schemas import (
    DeliveryOut,
    DispatchDetailResponse,
    DispatchFeedResponse,
    DispatchListResponse,
    DispatchOut,
    DispatchRunOut,
    DispatchRunRequest,
    DispatchSettingsIn,
    DispatchSettingsOut,
    FeedbackOut,
    FeedbackRequest,
    OutboxOut,
    StatsOut,
    StatsResponse,
    WebhookIn,
    WebhookListResponse,
    WebhookOut,
)
from api.errors import error_responses
from api.principal import Role
from graph import dispatch
from graph.delivery import deliver_due
from graph.errors import NotFound
from graph.frames import DispatchSummary

router = APIRouter(tags=["dispatches"])

DepartmentQuery = Annotated[
    str,
    Query(min_length=1, description="实施部门名称 / implementing department", examples=["常州市市场监管局"]),
]
DispatchIdPath = Annotated[int, Path(le=MAX_RECORD_ID, description="推送编号 / dispatch id", examples=[1042])]
DepartmentPath = Annotated[str, Path(min_length=1, description="实施部门名称 / implementing department")]

_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {**error_responses(404)[404], "description": "推送记录、名单记录或回调登记不存在"}
}


def _day(value: str | None, name: str) -> dt.date:
    return parse_date(value, name=name) or dt.date.today()


def run_out(summary: DispatchSummary) -> DispatchRunOut:
    return DispatchRunOut(
        run_id=summary.run_id,
        run_on=dt.date.fromisoformat(summary.run_on),
        started=summary.started,
        changed=summary.changed,
        ended=summary.ended,
        recalled=summary.recalled,
        queued_webhooks=summary.webhook_deliveries,
    )


@router.get(
    "/v1/dispatches",
    dependencies=[require(Role.IMPLEMENTING_DEPARTMENT, Role.CREDIT_ADMIN, narrow=[own_department_feed])],
    summary="实施部门拉取推送 / a department's dispatch feed, by cursor",
    description=(
        "Dispatches of `department` with an id above `after`, oldest first. Keep `next_after` and ask again "
        "with it: nothing is missed and nothing comes twice. Asking with `after=N` confirms receipt of "
        "everything up to N (counted as acknowledged in the statistics)."
    ),
    response_model=DispatchFeedResponse,
    responses=error_responses(422, 503),
)
def feed(
    store: StoreDep,
    department: DepartmentQuery,
    after: Annotated[int, Query(ge=0, le=MAX_RECORD_ID, description="游标：上次收到的最后一个推送编号")] = 0,
    limit: Annotated[int, Query(ge=1, le=1000, description="每页条数")] = 100,
) -> DispatchFeedResponse:
    records = store.dispatch_feed(department, after=after, limit=limit + 1)
    page = records[:limit]
    return DispatchFeedResponse(
        department=department,
        after=after,
        next_after=page[-1].pk if page else after,
        more=len(records) > limit,
        items=[DispatchOut.from_record(record) for record in page],
    )


@router.post(
    "/v1/dispatches/run",
    dependencies=[require(Role.CREDIT_ADMIN)],
    summary="立即推送 / dispatch now every change of the measures in force on a day",
    response_model=DispatchRunOut,
    responses=error_responses(400, 422, 503),
)
def run(store: StoreDep, body: DispatchRunRequest | None = None) -> DispatchRunOut:
    on = _day(body.on if body else None, "on")
    return run_out(dispatch.dispatch_all(store, on))


@router.get(
    "/v1/dispatches/stats",
    dependencies=[require(Role.INVESTIGATOR, Role.CREDIT_ADMIN)],
    summary="反馈统计 / dispatched, acknowledged, applied, overdue per department or per measure (§八(三))",
    response_model=StatsResponse,
    responses=error_responses(400, 422, 503),
)
def stats(
    store: StoreDep,
    on: Annotated[str | None, Query(description="逾期按此日计算 / overdue as of, YYYY-MM-DD")] = None,
    by: Annotated[Literal["department", "measure"], Query(description="按部门或按措施统计")] = "department",
) -> StatsResponse:
    day = _day(on, "on")
    rows = store.dispatch_stats(day, by_measure=by == "measure")
    return StatsResponse(on=day, by=by, rows=[StatsOut.from_record(row) for row in rows])


@router.get(
    "/v1/dispatches/overdue",
    dependencies=[require(Role.INVESTIGATOR, Role.CREDIT_ADMIN)],
    summary="逾期未反馈的推送 / dispatches without feedback past their due day",
    response_model=DispatchListResponse,
    responses=error_responses(400, 422, 503),
)
def overdue(
    store: StoreDep,
    department: Annotated[str | None, Query(description="只看某一实施部门")] = None,
    on: Annotated[str | None, Query(description="YYYY-MM-DD，默认今天")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> DispatchListResponse:
    records = store.overdue_dispatches(_day(on, "on"), department=department, limit=limit)
    return DispatchListResponse(items=[DispatchOut.from_record(record) for record in records])


@router.get(
    "/v1/dispatches/{dispatch_id}",
    dependencies=[require(Role.IMPLEMENTING_DEPARTMENT, Role.CREDIT_ADMIN, narrow=[own_dispatch])],
    summary="推送详情与反馈记录 / one dispatch with its feedback history",
    response_model=DispatchDetailResponse,
    responses={**error_responses(422, 503), **_NOT_FOUND},
)
def detail(store: StoreDep, dispatch_id: DispatchIdPath) -> DispatchDetailResponse:
    record = store.dispatch_record(dispatch_id)
    if record is None:
        raise NotFound(f"未找到推送记录 {dispatch_id}")
    return DispatchDetailResponse(
        dispatch=DispatchOut.from_record(record),
        feedback=[FeedbackOut.from_record(item) for item in store.feedback(dispatch_id)],
    )


@router.post(
    "/v1/dispatches/{dispatch_id}/feedback",
    dependencies=[require(Role.IMPLEMENTING_DEPARTMENT, Role.CREDIT_ADMIN, narrow=[own_dispatch])],
    summary="实施部门反馈 / the implementing department answers: applied, not applicable or failed",
    status_code=status.HTTP_201_CREATED,
    response_model=FeedbackOut,
    responses={
        **error_responses(422, 503),
        **_NOT_FOUND,
        400: {
            **error_responses(400)[400],
            "description": "反馈部门不是该推送的实施部门、缺少原因或日期有误（invalid_request / invalid_date）",
        },
    },
)
def feedback(store: StoreDep, dispatch_id: DispatchIdPath, body: FeedbackRequest) -> FeedbackOut:
    record = dispatch.record_feedback(
        store,
        dispatch_id,
        department=body.department,
        outcome=body.outcome,
        reason=body.reason,
        applied_on=_day(body.applied_on, "applied_on"),
        actor=body.actor,
    )
    return FeedbackOut.from_record(record)


@router.get(
    "/v1/entries/{entry_id}/dispatches",
    dependencies=[require(Role.INVESTIGATOR, Role.CREDIT_ADMIN)],
    summary="某名单记录的全部推送 / every dispatch made on the basis of an entry (recalls included)",
    response_model=DispatchListResponse,
    responses={**error_responses(503), **_NOT_FOUND},
)
def entry_dispatches(store: StoreDep, entry_id: Annotated[str, Path()]) -> DispatchListResponse:
    entry = store.entry(entry_id)
    if entry is None:
        raise NotFound(f"未找到名单记录 {entry_id}")
    return DispatchListResponse(items=[DispatchOut.from_record(r) for r in store.entry_dispatches(entry.pk)])


@router.get(
    "/v1/dispatch-settings",
    dependencies=[require(Role.CREDIT_ADMIN)],
    summary="反馈期限与提醒间隔 / feedback period and reminder interval in force",
    response_model=DispatchSettingsOut,
    responses=error_responses(503),
)
def get_settings(store: StoreDep) -> DispatchSettingsOut:
    return DispatchSettingsOut.from_record(store.dispatch_settings())


@router.put(
    "/v1/dispatch-settings",
    dependencies=[require(Role.CREDIT_ADMIN)],
    summary="设置反馈期限与提醒间隔 / change them (each change kept with who and when)",
    response_model=DispatchSettingsOut,
    responses=error_responses(400, 422, 503),
)
def put_settings(store: StoreDep, body: DispatchSettingsIn) -> DispatchSettingsOut:
    record = dispatch.set_settings(
        store, feedback_days=body.feedback_days, remind_every_days=body.remind_every_days, actor=body.actor
    )
    return DispatchSettingsOut.from_record(record)


@router.get(
    "/v1/webhooks",
    dependencies=[require(Role.CREDIT_ADMIN)],
    summary="回调登记与投递状态 / registered webhooks and the outbox",
    response_model=WebhookListResponse,
    responses=error_responses(503),
)
def list_webhooks(store: StoreDep) -> WebhookListResponse:
    return WebhookListResponse(
        webhooks=[WebhookOut.from_record(record) for record in store.webhooks()],
        outbox=OutboxOut.from_record(store.outbox_state()),
    )


@router.put(
    "/v1/webhooks/{department}",
    dependencies=[require(Role.CREDIT_ADMIN)],
    summary="登记实施部门回调地址 / register or replace a department's webhook",
    description=(
        "Dispatches created from now on are POSTed to `url` as JSON with the headers `Idempotency-Key` "
        "(the same on every retry), `X-Credlink-Event` and `X-Credlink-Signature` (`sha256=` HMAC of the "
        "body with `secret`). Failed deliveries are retried with exponential backoff; the feed always has "
        "every dispatch."
    ),
    response_model=WebhookOut,
    responses=error_responses(422, 503),
)
def put_webhook(store: StoreDep, department: DepartmentPath, body: WebhookIn) -> WebhookOut:
    return WebhookOut.from_record(store.set_webhook(department.strip(), url=body.url, secret=body.secret))


@router.delete(
    "/v1/webhooks/{department}",
    dependencies=[require(Role.CREDIT_ADMIN)],
    summary="停用回调 / stop webhook delivery to a department (its feed remains)",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**error_responses(503), **_NOT_FOUND},
)
def delete_webhook(store: StoreDep, department: DepartmentPath) -> None:
    if not store.disable_webhook(department.strip()):
        raise NotFound(f"实施部门“{department}”没有启用中的回调地址")


@router.post(
    "/v1/webhooks/deliver",
    dependencies=[require(Role.CREDIT_ADMIN)],
    summary="立即投递 / send what the outbox holds now (also done by the server every few seconds)",
    response_model=DeliveryOut,
    responses=error_responses(503),
)
def deliver(store: StoreDep) -> DeliveryOut:
    report = deliver_due(store)
    return DeliveryOut(**report.to_dict())


__all__ = ["router", "run_out"]
