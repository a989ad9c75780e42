"""Request and response models of trigger–feedback (R8): dispatches, feedback, statistics, webhooks."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from graph.dispatch import (
    ACTION_LABELS,
    OUTCOME_LABELS,
    REASON_LABELS,
    DispatchAction,
    DispatchReason,
    FeedbackOutcome,
    describe,
)
from graph.store.port import (
    DispatchRecord,
    DispatchSettings,
    DispatchStats,
    FeedbackRecord,
    OutboxState,
    WebhookRecord,
)


def _examples(*examples: dict[str, Any]) -> ConfigDict:
    return ConfigDict(json_schema_extra={"examples": list(examples)})


_DISPATCH_EXAMPLE: dict[str, Any] = {
    "dispatch_id": 1042,
    "department": "常州市市场监管局",
    "action": "start",
    "action_label": "启动实施",
    "reason": "listed",
    "reason_label": "列入名单，措施生效",
    "recall": False,
    "recalled_by": None,
    "entry_id": "CZ-B-2023-000123",
    "measure_id": "M-LR-01",
    "subject": {"type": "person", "code": "320402198001010011", "name": "李法人"},
    "entry": {
        "entry_id": "CZ-B-2023-000123",
        "kind": "black",
        "list_type": "失信被执行人",
        "department": "常州市中级人民法院",
        "basis": "（2023）苏04执123号",
        "act_date": "2023-01-10",
        "valid_from": "2023-03-01",
        "valid_to": None,
    },
    "measure": {
        "measure_id": "M-LR-01",
        "content": "限制担任法定代表人",
        "target": "legal_representative",
        "legal_basis": "《关于对失信被执行人实施联合惩戒的合作备忘录》",
        "business_items": "company_registration",
    },
    "path": {
        "enterprise_code": "91320402MA1XXXXXX0",
        "enterprise_name": "常州失信有限公司",
        "role": "legal_representative",
        "role_start": "2015-01-01",
        "role_end": None,
        "holder_basis": "act_date",
    },
    "created_at": "2023-03-01T01:00:03Z",
    "created_on": "2023-03-01",
    "feedback_due_on": "2023-03-16",
    "outcome": None,
    "acknowledged": False,
    "description": "启动实施：李法人（经 常州失信有限公司 legal_representative） — 限制担任法定代表人；依据名单 CZ-B-2023-000123，原因：列入名单，措施生效",
}


class DispatchOut(BaseModel):
    """One dispatch: what the implementing department must start, change or end, for whom, and why."""

    model_config = _examples(_DISPATCH_EXAMPLE)

    dispatch_id: int = Field(description="也是部门拉取的游标 / also the feed cursor")
    department: str = Field(description="实施部门 / implementing department")
    action: DispatchAction
    action_label: str
    reason: DispatchReason
    reason_label: str
    recall: bool = Field(
        description="撤回：名单被撤销（误列），此前推送的措施应撤回 / withdraw what was done"
    )
    recalled_by: int | None = Field(description="撤回本推送的推送编号 / the recall that withdrew this one")
    entry_id: str
    measure_id: str
    subject: dict[str, Any] = Field(
        description="实施对象（派生对象为自然人）/ the subject the measure applies to"
    )
    entry: dict[str, Any] = Field(description="名单记录 / the list entry that is the basis")
    measure: dict[str, Any] = Field(description="措施清单中的措施 / the measure")
    path: dict[str, Any] | None = Field(description="关联路径：企业 → 职务（期间）→ 自然人；直接列入时为空")
    created_at: str
    created_on: dt.date
    feedback_due_on: dt.date = Field(description="反馈期限：此日之后仍未反馈即为逾期")
    outcome: FeedbackOutcome | None = Field(description="最新反馈结果 / newest feedback, if any")
    acknowledged: bool = Field(description="部门已确认收到（游标越过、回调成功或已反馈）")
    description: str

    @classmethod
    def from_record(cls, record: DispatchRecord) -> DispatchOut:
        payload = record.payload
        return cls(
            dispatch_id=record.pk,
            department=record.department,
            action=DispatchAction(record.action),
            action_label=ACTION_LABELS[DispatchAction(record.action)],
            reason=DispatchReason(record.reason),
            reason_label=REASON_LABELS[DispatchReason(record.reason)],
            recall=record.recall,
            recalled_by=record.recalled_by,
            entry_id=record.entry_id,
            measure_id=record.measure_id,
            subject=dict(payload.get("subject") or {}),
            entry=dict(payload.get("entry") or {}),
            measure=dict(payload.get("measure") or {}),
            path=dict(payload["path"]) if payload.get("path") else None,
            created_at=record.created_at,
            created_on=record.created_on,
            feedback_due_on=record.due_on,
            outcome=FeedbackOutcome(record.outcome) if record.outcome else None,
            acknowledged=record.acknowledged,
            description=describe(record),
        )


class DispatchFeedResponse(BaseModel):
    """A page of a department's feed. Ask again with ``after=next_after``: nothing is missed or repeated,
    and asking past a cursor confirms receipt of everything up to it."""

    model_config = _examples(
        {
            "department": "常州市市场监管局",
            "after": 0,
            "next_after": 1042,
            "more": False,
            "items": [_DISPATCH_EXAMPLE],
        }
    )

    department: str
    after: int
    next_after: int = Field(description="下一页的游标（无新推送时等于 after）")
    more: bool = Field(description="是否还有下一页 / whether another page is waiting")
    items: list[DispatchOut]


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "department": "常州市市场监管局",
                    "outcome": "applied",
                    "applied_on": "2023-03-05",
                    "actor": "市场监管局 王五",
                },
                {
                    "department": "常州市市场监管局",
                    "outcome": "not_applicable",
                    "reason": "该人员未在本市申请担任法定代表人",
                    "applied_on": "2023-03-05",
                    "actor": "市场监管局 王五",
                },
            ]
        },
    )

    department: str = Field(description="反馈部门，须为推送的实施部门 / must be the dispatch's department")
    outcome: FeedbackOutcome
    reason: str | None = Field(default=None, description="不适用或未能实施时必填 / required unless applied")
    applied_on: str | None = Field(default=None, description="实施（或处理）日期 YYYY-MM-DD，默认今天")
    actor: str = Field(description="反馈人 / who answers")


class FeedbackOut(BaseModel):
    model_config = _examples(
        {
            "feedback_id": 77,
            "dispatch_id": 1042,
            "outcome": "applied",
            "outcome_label": "已实施",
            "reason": None,
            "applied_on": "2023-03-05",
            "actor": "市场监管局 王五",
            "recorded_at": "2023-03-05T02:11:00Z",
        }
    )

    feedback_id: int
    dispatch_id: int
    outcome: FeedbackOutcome
    outcome_label: str
    reason: str | None
    applied_on: dt.date
    actor: str
    recorded_at: str

    @classmethod
    def from_record(cls, record: FeedbackRecord) -> FeedbackOut:
        outcome = FeedbackOutcome(record.outcome)
        return cls(
            feedback_id=record.pk,
            dispatch_id=record.dispatch_pk,
            outcome=outcome,
            outcome_label=OUTCOME_LABELS[outcome],
            reason=record.reason,
            applied_on=record.applied_on,
            actor=record.actor,
            recorded_at=record.recorded_at,
        )


class DispatchDetailResponse(BaseModel):
    model_config = _examples({"dispatch": _DISPATCH_EXAMPLE, "feedback": []})

    dispatch: DispatchOut
    feedback: list[FeedbackOut] = Field(description="全部反馈，最早在前；最后一条为当前结果")


class DispatchListResponse(BaseModel):
    model_config = _examples({"items": [_DISPATCH_EXAMPLE]})

    items: list[DispatchOut]


class DispatchRunRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"on": "2024-07-01"}]})

    on: str | None = Field(
        default=None, description="按此日在实施的措施推送 / the day, YYYY-MM-DD (default today)"
    )


class DispatchRunOut(BaseModel):
    model_config = _examples(
        {
            "run_id": 9,
            "run_on": "2024-07-01",
            "started": 12,
            "changed": 1,
            "ended": 3,
            "recalled": 0,
            "queued_webhooks": 4,
        }
    )

    run_id: int | None = Field(description="无变化时为空 / null when nothing changed")
    run_on: dt.date
    started: int
    changed: int
    ended: int
    recalled: int
    queued_webhooks: int


class StatsOut(BaseModel):
    model_config = _examples(
        {
            "department": "常州市市场监管局",
            "measure_id": None,
            "dispatched": 120,
            "acknowledged": 118,
            "applied": 100,
            "not_applicable": 6,
            "failed": 2,
            "unanswered": 12,
            "overdue": 3,
        }
    )

    department: str
    measure_id: str | None = Field(description="按措施统计时的措施编号 / set when grouped by measure")
    dispatched: int = Field(description="推送数")
    acknowledged: int = Field(description="已确认收到")
    applied: int = Field(description="反馈已实施")
    not_applicable: int = Field(description="反馈不适用")
    failed: int = Field(description="反馈未能实施")
    unanswered: int = Field(description="未反馈")
    overdue: int = Field(description="逾期未反馈")

    @classmethod
    def from_record(cls, record: DispatchStats) -> StatsOut:
        return cls(
            department=record.department,
            measure_id=record.measure_id,
            dispatched=record.dispatched,
            acknowledged=record.acknowledged,
            applied=record.applied,
            not_applicable=record.not_applicable,
            failed=record.failed,
            unanswered=record.unanswered,
            overdue=record.overdue,
        )


class StatsResponse(BaseModel):
    model_config = _examples({"on": "2024-07-01", "by": "department", "rows": []})

    on: dt.date
    by: str = Field(description="department | measure")
    rows: list[StatsOut]


class DispatchSettingsIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"feedback_days": 15, "remind_every_days": 7, "actor": "市信用办 赵六"}]
        },
    )

    feedback_days: int = Field(description="反馈期限（天）")
    remind_every_days: int = Field(description="逾期提醒间隔（天）")
    actor: str


class DispatchSettingsOut(BaseModel):
    model_config = _examples(
        {"feedback_days": 15, "remind_every_days": 7, "changed_at": None, "changed_by": None}
    )

    feedback_days: int
    remind_every_days: int
    changed_at: str | None = Field(description="为空表示使用默认值 / null: the defaults")
    changed_by: str | None

    @classmethod
    def from_record(cls, record: DispatchSettings) -> DispatchSettingsOut:
        return cls(
            feedback_days=record.feedback_days,
            remind_every_days=record.remind_every_days,
            changed_at=record.changed_at,
            changed_by=record.changed_by,
        )


class WebhookIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"url": "https://scjg.example.gov.cn/credlink/dispatches", "secret": "a-long-shared-secret"}
            ]
        },
    )

    url: str = Field(description="接收推送的地址（http 或 https）")
    secret: str = Field(min_length=16, description="签名密钥（至少 16 个字符），用于 X-Credlink-Signature")

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("回调地址须为 http:// 或 https:// 开头的完整地址")
        return value.strip()


class WebhookOut(BaseModel):
    """A department's webhook; the secret is never shown again."""

    model_config = _examples(
        {
            "department": "常州市市场监管局",
            "url": "https://scjg.example.gov.cn/credlink/dispatches",
            "active": True,
            "created_at": "2024-07-01T01:00:00Z",
        }
    )

    department: str
    url: str
    active: bool
    created_at: str

    @classmethod
    def from_record(cls, record: WebhookRecord) -> WebhookOut:
        return cls(
            department=record.department, url=record.url, active=record.active, created_at=record.created_at
        )


class WebhookListResponse(BaseModel):
    model_config = _examples({"webhooks": [], "outbox": {"pending": 0, "delivered": 10, "given_up": 0}})

    webhooks: list[WebhookOut]
    outbox: OutboxOut


class OutboxOut(BaseModel):
    model_config = _examples(
        {"pending": 2, "delivered": 130, "given_up": 0, "oldest_pending_at": "2024-07-01T01:00:03Z"}
    )

    pending: int = Field(description="待投递（含重试中）")
    delivered: int
    given_up: int = Field(description="多次重试后放弃（推送仍可通过拉取获得）")
    oldest_pending_at: str | None

    @classmethod
    def from_record(cls, record: OutboxState) -> OutboxOut:
        return cls(
            pending=record.pending,
            delivered=record.delivered,
            given_up=record.given_up,
            oldest_pending_at=record.oldest_pending_at,
        )


class DeliveryOut(BaseModel):
    model_config = _examples({"delivered": 3, "retried": 1, "given_up": 0})

    delivered: int
    retried: int
    given_up: int


WebhookListResponse.model_rebuild()
