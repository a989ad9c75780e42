"""The lifecycle of a list entry (R1, R2, R5, R6, R7): publicity and taking effect of preliminary lists,
objections, corrections, revocation, repair, expiry and removal by cross-comparison.

Each action is decided here, purely, from the entry's current state: :func:`plan` either refuses it
(:class:`InvalidTransition`, listing what is allowed) or returns a :class:`Transition`, which the store
writes in one transaction together with its append-only event (actor, day, reason, before and after).
The entry's derived records are then propagated again at once (incremental path), so that a check
asked a moment later already answers with the new state.

Time: every action takes effect on a day ``on`` (default today). An objection filed on day D suspends
the entry's measures from D (R5) until the day before it is resolved; a repair approved on day D ends
the entry from D (it applied until D-1, R7); a revoked entry never applied at all (R6), so a check of any
date ignores it; an expiry only records what ``valid_to`` already says.

Preliminary lists (:mod:`graph.preliminary`) add the first steps: a ``draft`` entry is publicised (公示),
corrected or withdrawn (撤回) by its identifying department, or refused by cross-comparison (a red candidate
whose subject is black-listed, R2) — withdrawn and refused entries never applied, so they end ``revoked``. A
draft or publicised entry takes effect on day D: when its proposed ``valid_from`` has already passed, it moves
to D and ``valid_to`` moves by as many days (the period keeps its length), both recorded before/after.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import StrEnum

from graph.dispatch import dispatch_entries
from graph.errors import CredlinkError, InvalidRequest, NotFound
from graph.model import EntryStatus, ListKind
from graph.store.port import EntryRecord, Store, Transition


class Action(StrEnum):
    file_objection = "file_objection"
    uphold = "uphold"
    correct = "correct"
    revoke = "revoke"
    approve_repair = "approve_repair"
    expire = "expire"
    remove = "remove"
    publicise = "publicise"
    take_effect = "take_effect"
    withdraw = "withdraw"
    refuse = "refuse"


ACTION_LABELS: dict[Action, str] = {
    Action.file_objection: "提出异议",
    Action.uphold: "维持（异议不成立）",
    Action.correct: "更正",
    Action.revoke: "撤销（误列）",
    Action.approve_repair: "信用修复",
    Action.expire: "到期移出",
    Action.remove: "交叉比对移出红名单",
    Action.publicise: "公示",
    Action.take_effect: "生效",
    Action.withdraw: "撤回（初步名单）",
    Action.refuse: "交叉比对不予列入",
}

STATUS_LABELS: dict[EntryStatus, str] = {
    EntryStatus.draft: "初步名单",
    EntryStatus.publicised: "公示中",
    EntryStatus.effective: "生效",
    EntryStatus.under_verification: "异议核实中",
    EntryStatus.expired: "已到期",
    EntryStatus.repaired: "已信用修复",
    EntryStatus.revoked: "已撤销",
    EntryStatus.removed: "已移出（交叉比对）",
}

#: Fields of an entry a correction may change. The subject and the kind are not among them: an entry
#: about the wrong subject is revoked (误列) and the right subject listed anew.
CORRECTABLE = ("list_type", "department", "basis", "act_date", "decided_on", "valid_from", "valid_to")

#: The fields an event records before and after, enough to replay an entry's state from its events.
STATE_FIELDS = ("status", "ended_on", *CORRECTABLE)

_ALLOWED: dict[EntryStatus, tuple[Action, ...]] = {
    EntryStatus.effective: (
        Action.file_objection,
        Action.correct,
        Action.revoke,
        Action.approve_repair,
        Action.expire,
        Action.remove,
    ),
    EntryStatus.under_verification: (Action.uphold, Action.correct, Action.revoke),
    EntryStatus.draft: (Action.publicise, Action.take_effect, Action.correct, Action.withdraw, Action.refuse),
    EntryStatus.publicised: (Action.take_effect, Action.correct, Action.withdraw, Action.refuse),
}

#: Statuses of a preliminary entry (初步名单): it has not applied yet.
PRELIMINARY_STATUSES: frozenset[EntryStatus] = frozenset({EntryStatus.draft, EntryStatus.publicised})


class InvalidTransition(CredlinkError):
    """An action that the entry's state does not allow; the message lists what is allowed."""

    status = 409
    code = "invalid_transition"


def allowed_actions(entry: EntryRecord, on: dt.date | None = None) -> list[Action]:
    """What may be done to ``entry`` now: by status, and by kind (repair ends black entries, cross-comparison
    removes or refuses red ones, only a black draft may take effect without publicity) and validity (only an
    entry whose ``valid_to`` has passed expires). Whether a preliminary entry's publicity period has passed, or
    its list type lets a black draft skip publicity, is :mod:`graph.preliminary`'s to judge."""
    day = on or dt.date.today()
    actions = []
    for action in _ALLOWED.get(entry.status, ()):
        if action is Action.approve_repair and entry.kind is not ListKind.black:
            continue
        if action in (Action.remove, Action.refuse) and entry.kind is not ListKind.red:
            continue
        if (
            action is Action.take_effect
            and entry.status is EntryStatus.draft
            and entry.kind is not ListKind.black
        ):
            continue
        if action is Action.expire and (entry.valid_to is None or entry.valid_to >= day):
            continue
        actions.append(action)
    return actions


def _listed(actions: list[Action]) -> str:
    return "、".join(ACTION_LABELS[action] for action in actions) or "无"


def state_of(entry: EntryRecord) -> dict[str, str | None]:
    """The replayable state of an entry, as the text the store keeps."""
    values: dict[str, object] = {
        "status": entry.status.value,
        "ended_on": entry.ended_on,
        "list_type": entry.list_type,
        "department": entry.department,
        "basis": entry.basis,
        "act_date": entry.act_date,
        "decided_on": entry.decided_on,
        "valid_from": entry.valid_from,
        "valid_to": entry.valid_to,
    }
    return {name: _text(value) for name, value in values.items()}


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def plan(
    entry: EntryRecord,
    action: Action,
    *,
    actor: str,
    reason: str,
    on: dt.date,
    changes: Mapping[str, str | None] | None = None,
) -> Transition:
    """Decide ``action`` on ``entry``: the :class:`Transition` to write, or :class:`InvalidTransition`."""
    allowed = allowed_actions(entry, on)
    if action not in allowed:
        raise InvalidTransition(
            f"名单记录 {entry.entry_id} 当前状态为“{STATUS_LABELS[entry.status]}”，不能{ACTION_LABELS[action]}；"
            f"当前允许的操作：{_listed(allowed)}"
        )
    if not actor.strip():
        raise InvalidRequest("请注明操作人（actor）")
    if not reason.strip():
        raise InvalidRequest("请注明理由（reason）")
    before = state_of(entry)
    after = dict(before)
    open_objection = None
    resolve = None
    notices: list[tuple[str, str]] = []
    subject = f"{entry.subject_name}（{entry.subject_code}）"
    listing = f"{entry.list_type}（{entry.basis}）"

    if action is Action.file_objection:
        after["status"] = EntryStatus.under_verification.value
        open_objection = (actor, reason)
    elif action is Action.uphold:
        after["status"] = EntryStatus.effective.value
        resolve = "upheld"
    elif action is Action.correct:
        after.update(_checked_changes(entry, changes or {}))
        # A preliminary entry stays where it is (an objection during publicity is resolved this way);
        # a draft was never published, so its correction publishes nothing.
        if entry.status not in PRELIMINARY_STATUSES:
            after["status"] = EntryStatus.effective.value
        if entry.status is EntryStatus.under_verification:
            resolve = "corrected"
        if entry.status is not EntryStatus.draft:
            notices.append(("correction", f"更正：{subject} 的{listing}记录已更正。理由：{reason}"))
    elif action is Action.revoke:
        after["status"] = EntryStatus.revoked.value
        if entry.status is EntryStatus.under_verification:
            resolve = "revoked"
        notices.append(
            ("correction", f"更正：撤销 {subject} 的{listing}记录（误列），自始无效。理由：{reason}")
        )
        if entry.kind is ListKind.black:
            notices.append(
                (
                    "apology",
                    f"致 {subject}：因工作失误将您误列入{listing}，现予撤销，特此书面道歉并予澄清，恢复名誉。",
                )
            )
        else:
            notices.append(
                (
                    "reclaim",
                    f"{subject} 被误列入{listing}，应收回其因该红名单获得的联合激励权益（见所列激励措施）。",
                )
            )
    elif action is Action.approve_repair:
        after["status"] = EntryStatus.repaired.value
        after["ended_on"] = on.isoformat()
        notices.append(("exit", f"退出公告：{subject} 经信用修复，自 {on.isoformat()} 起移出{listing}。"))
    elif action is Action.expire:
        after["status"] = EntryStatus.expired.value
        notices.append(
            ("exit", f"退出公告：{subject} 的{listing}有效期已于 {_text(entry.valid_to)} 届满，予以移出。")
        )
    elif action is Action.remove:
        after["status"] = EntryStatus.removed.value
        after["ended_on"] = on.isoformat()
        notices.append(
            ("exit", f"退出公告：{subject} 因列入黑名单，经交叉比对自 {on.isoformat()} 起移出{listing}。")
        )
    elif action is Action.publicise:
        after["status"] = EntryStatus.publicised.value
    elif action is Action.take_effect:
        after["status"] = EntryStatus.effective.value
        if on > entry.valid_from:
            # Late: the period starts on the day it takes effect and keeps its length.
            shift = on - entry.valid_from
            after["valid_from"] = on.isoformat()
            if entry.valid_to is not None:
                after["valid_to"] = (entry.valid_to + shift).isoformat()
    elif action in (Action.withdraw, Action.refuse):
        after["status"] = EntryStatus.revoked.value
        # Only what the public saw (publicity) needs a notice; a draft was never published.
        if entry.status is EntryStatus.publicised and action is Action.withdraw:
            notices.append(
                ("correction", f"更正：撤回公示中的 {subject} 的{listing}初步名单记录。理由：{reason}")
            )
        elif entry.status is EntryStatus.publicised:
            notices.append(("correction", f"公示结果：{subject} 经交叉比对，不予列入{listing}。"))
    return Transition(
        entry_pk=entry.pk,
        action=action.value,
        actor=actor,
        reason=reason,
        on=on,
        before=before,
        after=after,
        open_objection=open_objection,
        resolve_objection=resolve,
        notices=tuple(notices),
    )


def _checked_changes(entry: EntryRecord, changes: Mapping[str, str | None]) -> dict[str, str | None]:
    unknown = sorted(set(changes) - set(CORRECTABLE))
    if unknown:
        raise InvalidRequest(f"不能更正字段 {'、'.join(unknown)}；可更正的字段：{'、'.join(CORRECTABLE)}")
    if not changes:
        raise InvalidRequest("更正须至少改变一个字段")
    result: dict[str, str | None] = {}
    for name, value in changes.items():
        text = None if value in (None, "") else str(value).strip()
        if name in ("act_date", "decided_on", "valid_from", "valid_to") and text is not None:
            try:
                dt.date.fromisoformat(text)
            except ValueError:
                raise InvalidRequest(f"字段 {name} 的值 {text!r} 不是 YYYY-MM-DD 格式的日期") from None
        if name in ("list_type", "department", "basis", "valid_from") and text is None:
            raise InvalidRequest(f"字段 {name} 不能为空")
        result[name] = text
    merged = {**state_of(entry), **result}
    if (
        merged["valid_to"] is not None
        and merged["valid_from"] is not None
        and merged["valid_to"] < merged["valid_from"]
    ):
        raise InvalidRequest(f"更正后有效期止 {merged['valid_to']} 早于有效期起 {merged['valid_from']}")
    if entry.kind is ListKind.black and merged["act_date"] is None:
        raise InvalidRequest("黑名单记录须有失信行为日期 act_date")
    return result


# --- actions over a store ----------------------------------------------------------------------------------


def _entry(store: Store, entry_id: str) -> EntryRecord:
    entry = store.entry(entry_id)
    if entry is None:
        raise NotFound(f"未找到名单记录 {entry_id}")
    return entry


def act(
    store: Store,
    entry_id: str,
    action: Action,
    *,
    actor: str,
    reason: str,
    on: dt.date | None = None,
    changes: Mapping[str, str | None] | None = None,
) -> EntryRecord:
    """Perform ``action`` on an entry, write it with its event, propagate the entry again and tell the
    implementing departments what starts, changes or ends (R8)."""
    entry = _entry(store, entry_id)
    day = on or dt.date.today()
    transition = plan(entry, action, actor=actor, reason=reason, on=day, changes=changes)
    store.apply_transition(transition)
    _propagate_and_dispatch(store, [entry.pk], day)
    return _entry(store, entry_id)


def _propagate_and_dispatch(store: Store, entry_pks: list[int], on: dt.date) -> None:
    from graph.propagation import run_entries

    run_entries(store, entry_pks)
    dispatch_entries(store, entry_pks, on)


def apply_for_repair(
    store: Store, entry_id: str, *, applicant: str, evidence: str, on: dt.date | None = None
) -> int:
    """File a credit repair application (信用修复申请) for a black entry; returns its id."""
    entry = _entry(store, entry_id)
    allowed = allowed_actions(entry, on)
    if Action.approve_repair not in allowed:
        raise InvalidTransition(
            f"名单记录 {entry.entry_id} 当前状态为“{STATUS_LABELS[entry.status]}”"
            f"{'' if entry.kind is ListKind.black else '（红名单）'}，不能申请信用修复；"
            f"当前允许的操作：{_listed(allowed)}"
        )
    if not applicant.strip() or not evidence.strip():
        raise InvalidRequest("信用修复申请须写明申请人和整改证明材料")
    return store.file_repair_application(
        entry.pk, applicant=applicant, evidence=evidence, on=on or dt.date.today()
    )


def decide_repair(
    store: Store,
    application_id: int,
    *,
    approve: bool,
    actor: str,
    reason: str,
    on: dt.date | None = None,
) -> EntryRecord:
    """Approve or reject a repair application. Approval needs the list type's minimum period to have passed
    since the entry took effect; it ends the entry (and its derived records) and publishes an exit notice."""
    day = on or dt.date.today()
    application = store.repair_application(application_id)
    if application is None:
        raise NotFound(f"未找到信用修复申请 {application_id}")
    if application.status != "pending":
        raise InvalidTransition(
            f"信用修复申请 {application_id} 已处理（{application.status}），不能再次决定；当前允许的操作：无"
        )
    entry = store.entry_by_pk(application.entry_pk)
    if not approve:
        if not actor.strip():
            raise InvalidRequest("请注明操作人（actor）")
        if not reason.strip():
            raise InvalidRequest("驳回信用修复申请须说明理由")
        store.decide_repair_application(application_id, status="rejected", actor=actor, reason=reason, on=day)
        return entry
    minimum = store.repair_min_days(entry.list_type)
    if minimum is not None and (day - entry.valid_from).days < minimum:
        earliest = entry.valid_from + dt.timedelta(days=minimum)
        raise InvalidTransition(
            f"{entry.list_type} 的信用修复最短期限为 {minimum} 天，名单记录 {entry.entry_id} 自 "
            f"{entry.valid_from.isoformat()} 起生效，最早可于 {earliest.isoformat()} 批准修复"
        )
    transition = plan(entry, Action.approve_repair, actor=actor, reason=reason, on=day)
    store.apply_transition(transition, repair_application=application_id)
    _propagate_and_dispatch(store, [entry.pk], day)
    return _entry(store, entry.entry_id)


def expire_due(store: Store, on: dt.date | None = None, *, actor: str = "periodic_job") -> list[str]:
    """Mark every effective entry whose ``valid_to`` has passed as expired, with an exit notice (R7)."""
    day = on or dt.date.today()
    expired = []
    for entry in store.entries_due_to_expire(day):
        store.apply_transition(plan(entry, Action.expire, actor=actor, reason="有效期届满", on=day))
        expired.append(entry.entry_id)
    return expired


def cross_compare(store: Store, on: dt.date | None = None, *, actor: str = "cross_comparison") -> list[str]:
    """End every effective red entry whose subject has a black entry applying on ``on`` (R2): directly, or
    through a firm (a derived record) when the red list type's policy counts derived records."""
    day = on or dt.date.today()
    removed = []
    for red, black_entry_id, via in store.red_conflicts(day):
        reason = f"交叉比对：该主体{via}已列入黑名单 {black_entry_id}"
        store.apply_transition(plan(red, Action.remove, actor=actor, reason=reason, on=day))
        removed.append(red.entry_id)
    if removed:
        _propagate_and_dispatch(store, list(store.entry_pks(removed).values()), day)
    return removed
