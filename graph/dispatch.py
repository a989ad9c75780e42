"""Trigger–feedback (R8, §七(一), §八(三)): tell each implementing department what to start, change or end,
and count its feedback.

A **measure application** is one measure of the measures list reaching one subject through one entry —
directly (the entry's own subject, measure target ``subject``) or along one derived record (a person, the
measure aimed at the role). The store keeps the applications as last dispatched; a dispatch run reads the
applications in force on a day and :func:`plan_dispatches` compares the two, purely:

* in force, not dispatched (or dispatched and ended)  → ``start`` (``listed``, or ``resumed`` after a
  suspension pending verification);
* in force and dispatched, but what was told differs   → ``change`` (``corrected``, ``measure_changed``,
  ``path_changed``);
* dispatched and no longer in force                     → ``end``, with why (``suspended``, ``expired``,
  ``repaired``, ``removed``, ``revoked``, ``path_ended``, ``measure_withdrawn``). A revoked entry
  (误列) **recalls** everything dispatched about it, even applications already ended by a suspension.

The store writes the planned dispatches, the new state of the applications and the webhook outbox rows in
the same transaction as it read them, so two runs never dispatch the same change twice and a crash loses
nothing. Every lifecycle action dispatches the entries it touched at once; the periodic job dispatches
everything for its day (which also catches what ends with time alone: a validity or a role that ended).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from enum import StrEnum

import numpy as np
import pandas as pd

from graph.errors import InvalidRequest, NotFound
from graph.frames import (
    APPLICATION_KEY,
    FINGERPRINTS,
    PLANNED_COLUMNS,
    DispatchFrames,
    DispatchSummary,
)
from graph.store.port import DispatchRecord, DispatchSettings, FeedbackRecord, Store

#: Days a department has to answer a dispatch before it counts as overdue, until the credit authority
#: sets its own (``credlink dispatch settings``, ``PUT /v1/dispatch-settings``; kept in the store).
FEEDBACK_DAYS = 15
#: An overdue dispatch is reminded again after this many days without feedback (same).
REMIND_EVERY_DAYS = 7


class DispatchAction(StrEnum):
    start = "start"
    change = "change"
    end = "end"


class DispatchReason(StrEnum):
    listed = "listed"
    resumed = "resumed"
    corrected = "corrected"
    measure_changed = "measure_changed"
    path_changed = "path_changed"
    suspended = "suspended"
    expired = "expired"
    repaired = "repaired"
    removed = "removed"
    revoked = "revoked"
    path_ended = "path_ended"
    measure_withdrawn = "measure_withdrawn"


class FeedbackOutcome(StrEnum):
    applied = "applied"
    not_applicable = "not_applicable"
    failed = "failed"


ACTION_LABELS: dict[DispatchAction, str] = {
    DispatchAction.start: "启动实施",
    DispatchAction.change: "变更",
    DispatchAction.end: "停止实施",
}

REASON_LABELS: dict[DispatchReason, str] = {
    DispatchReason.listed: "列入名单，措施生效",
    DispatchReason.resumed: "异议核实完毕（维持原认定），恢复实施",
    DispatchReason.corrected: "名单信息更正",
    DispatchReason.measure_changed: "联合奖惩措施清单变更",
    DispatchReason.path_changed: "关联关系（任职期间）变更",
    DispatchReason.suspended: "信息核实期间暂不执行",
    DispatchReason.expired: "有效期届满",
    DispatchReason.repaired: "信用修复，移出名单",
    DispatchReason.removed: "交叉比对移出红名单",
    DispatchReason.revoked: "撤销（误列），撤回此前推送的全部措施",
    DispatchReason.path_ended: "关联关系结束（不再担任相关职务或关联记录失效）",
    DispatchReason.measure_withdrawn: "措施已从联合奖惩措施清单中移除",
}

OUTCOME_LABELS: dict[FeedbackOutcome, str] = {
    FeedbackOutcome.applied: "已实施",
    FeedbackOutcome.not_applicable: "不适用",
    FeedbackOutcome.failed: "未能实施",
}


def _planned(frame: pd.DataFrame, action: DispatchAction) -> pd.DataFrame:
    out = frame.copy()
    out["action"] = action.value
    for column in PLANNED_COLUMNS:
        if column not in out.columns:
            out[column] = None
    return out[PLANNED_COLUMNS]


def plan_dispatches(frames: DispatchFrames, at: dt.date) -> pd.DataFrame:
    """The dispatches that bring the departments from what they were told to what is in force on ``at``.

    Pure; ``frames.current`` has :data:`graph.frames.CURRENT_COLUMNS`, ``frames.previous``
    :data:`graph.frames.PREVIOUS_COLUMNS`; returns :data:`graph.frames.PLANNED_COLUMNS`, ends first, then
    changes, then starts, each in key order. O(n log n) in the number of applications (one outer merge).
    """
    current = frames.current
    previous = frames.previous
    merged = current.merge(previous, on=APPLICATION_KEY, how="outer", suffixes=("", "_prev"), indicator=True)
    in_force = merged["_merge"] != "right_only"
    known = merged["_merge"] != "left_only"
    active = known & (merged["active"].fillna(0).astype(int) == 1)

    # --- starts: in force, and either never dispatched or dispatched and ended since
    starting = merged[in_force & ~active].copy()
    starting["reason"] = np.where(
        starting["ended_reason"] == DispatchReason.suspended.value,
        DispatchReason.resumed.value,
        DispatchReason.listed.value,
    )
    starting["recall"] = 0
    starting["application_pk"] = (
        starting["application_pk"].astype(object).where(starting["application_pk"].notna(), None)
    )

    # --- changes: in force and active, but something told differs
    both = merged[in_force & active]
    differs = {fp: both[fp] != both[f"{fp}_prev"] for fp in FINGERPRINTS}
    changing = both[differs["entry_fp"] | differs["measure_fp"] | differs["path_fp"]].copy()
    changing["reason"] = np.select(
        [differs["entry_fp"][changing.index], differs["measure_fp"][changing.index]],
        [DispatchReason.corrected.value, DispatchReason.measure_changed.value],
        default=DispatchReason.path_changed.value,
    )
    changing["recall"] = 0

    # --- ends: dispatched and active, no longer in force; and recalls of revoked entries' ended ones
    gone = merged[~in_force].copy()
    status = gone["entry_status"]
    day = at.isoformat()
    expired = (status == "expired") | (gone["entry_valid_to"].notna() & (gone["entry_valid_to"] < day))
    gone["reason"] = np.select(
        [
            status == "revoked",
            status == "repaired",
            status == "removed",
            (gone["suspended"].fillna(0).astype(int) == 1) | (status == "under_verification"),
            expired,
            gone["measure_listed"].fillna(0).astype(int) == 0,
            gone["measure_matches"].fillna(0).astype(int) == 0,
        ],
        [
            DispatchReason.revoked.value,
            DispatchReason.repaired.value,
            DispatchReason.removed.value,
            DispatchReason.suspended.value,
            DispatchReason.expired.value,
            DispatchReason.measure_withdrawn.value,
            DispatchReason.corrected.value,
        ],
        default=DispatchReason.path_ended.value,
    )
    was_active = gone["active"].astype(int) == 1
    recall_ended = (
        ~was_active
        & (gone["reason"] == DispatchReason.revoked.value)
        & (gone["ended_reason"] != DispatchReason.revoked.value)
    )
    ending = gone[was_active | recall_ended].copy()
    ending["recall"] = (ending["reason"] == DispatchReason.revoked.value).astype(int)
    # An ending repeats what the department was last told; the current fingerprints are those stored.
    for fp in FINGERPRINTS:
        ending[fp] = ending[f"{fp}_prev"]
    ending["payload"] = None

    frames_out = [
        _planned(ending, DispatchAction.end),
        _planned(changing, DispatchAction.change),
        _planned(starting, DispatchAction.start),
    ]
    non_empty = [frame for frame in frames_out if len(frame)]
    if not non_empty:
        return pd.DataFrame({column: pd.Series(dtype="object") for column in PLANNED_COLUMNS})
    planned = pd.concat(non_empty, ignore_index=True)
    return planned.sort_values(["action", *APPLICATION_KEY], key=_action_order, kind="stable").reset_index(
        drop=True
    )


def _action_order(column: pd.Series) -> pd.Series:
    if column.name == "action":
        return column.map({"end": 0, "change": 1, "start": 2})
    return column


# --- runs over a store ---------------------------------------------------------------------------------------


def dispatch_all(store: Store, on: dt.date | None = None) -> DispatchSummary:
    """Dispatch every change of every entry's measure applications in force on ``on`` (default today)."""
    day = on or dt.date.today()
    return store.dispatch(day, None, lambda frames: plan_dispatches(frames, day))


def dispatch_entries(store: Store, entry_pks: Collection[int], on: dt.date | None = None) -> DispatchSummary:
    """Dispatch the changes of the given entries only (after a lifecycle action or a load)."""
    day = on or dt.date.today()
    return store.dispatch(day, sorted(set(entry_pks)), lambda frames: plan_dispatches(frames, day))


def record_feedback(
    store: Store,
    dispatch_pk: int,
    *,
    department: str,
    outcome: FeedbackOutcome,
    reason: str | None,
    applied_on: dt.date,
    actor: str,
) -> FeedbackRecord:
    """A department answers a dispatch (§七(一) 反馈). Only the department it was sent to may answer; an
    answer other than "applied" needs a reason. Answers are appended; the newest is the outcome."""
    record = store.dispatch_record(dispatch_pk)
    if record is None:
        raise NotFound(f"未找到推送记录 {dispatch_pk}")
    if department.strip() != record.department:
        raise InvalidRequest(f"推送记录 {dispatch_pk} 发给“{record.department}”，不能由“{department}”反馈")
    if not actor.strip():
        raise InvalidRequest("请注明反馈人（actor）")
    if outcome is not FeedbackOutcome.applied and not (reason or "").strip():
        raise InvalidRequest(f"反馈“{OUTCOME_LABELS[outcome]}”须说明原因（reason）")
    if applied_on < record.created_on:
        raise InvalidRequest(
            f"反馈日期 {applied_on.isoformat()} 早于推送日期 {record.created_on.isoformat()}"
        )
    return store.record_feedback(
        dispatch_pk,
        outcome=outcome.value,
        reason=(reason or "").strip() or None,
        applied_on=applied_on,
        actor=actor,
    )


def remind_overdue(store: Store, on: dt.date | None = None) -> int:
    """Record a reminder (and queue it to the department's webhook) for every dispatch without feedback past
    its due day, unless it was reminded less than the settings' ``remind_every_days`` ago. Returns how many
    were reminded."""
    return store.remind_overdue(on or dt.date.today())


def set_settings(store: Store, *, feedback_days: int, remind_every_days: int, actor: str) -> DispatchSettings:
    """Change the feedback period and the reminder interval (kept with who changed them and when)."""
    if not 1 <= feedback_days <= 365:
        raise InvalidRequest(f"反馈期限 feedback_days 应为 1 至 365 天，收到 {feedback_days}")
    if not 1 <= remind_every_days <= 365:
        raise InvalidRequest(f"提醒间隔 remind_every_days 应为 1 至 365 天，收到 {remind_every_days}")
    if not actor.strip():
        raise InvalidRequest("请注明操作人（actor）")
    return store.set_dispatch_settings(
        feedback_days=feedback_days, remind_every_days=remind_every_days, actor=actor
    )


def describe(record: DispatchRecord) -> str:
    """One Chinese line saying what a dispatch asks of its department."""
    payload = record.payload
    subject = payload.get("subject") or {}
    measure = payload.get("measure") or {}
    entry = payload.get("entry") or {}
    path = payload.get("path")
    via = ""
    if path:
        via = f"（经 {path.get('enterprise_name')} {path.get('role')}）"
    recall = "【撤回】" if record.recall else ""
    return (
        f"{recall}{ACTION_LABELS[DispatchAction(record.action)]}：{subject.get('name')}{via} — "
        f"{measure.get('content')}；依据名单 {entry.get('entry_id')}，原因：{REASON_LABELS[DispatchReason(record.reason)]}"
    )
