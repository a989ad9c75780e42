"""Preliminary lists (初步名单): R1's first steps and R2 for red candidates (§二(四)).

An identifying department (认定单位) submits a list of candidate entries of one kind. They are written as
``draft`` entries linked to the list, each with a ``submit`` event.

* **Cross-comparison (R2).** Every red candidate whose subject has a black entry applying on the day —
  directly, through a firm (a derived record), or, for an enterprise, through a person holding on that day a
  role the red list type's policy names — is refused when the list type's policy counts derived records
  (only the direct case otherwise). Refused candidates are *written*, as ``revoked`` with a ``refuse`` event
  and the conflicts recorded, so that the list keeps what was submitted and ``submitted = accepted +
  rejected``. The comparison is repeated when a list is publicised (only screened candidates are published)
  and when it takes effect (a black entry may have taken effect meanwhile).
* **Publicity (公示).** ``publicise`` moves the list's drafts to ``publicised`` with a window of the list type's
  ``publicity_days`` (default :data:`DEFAULT_PUBLICITY_DAYS`): from the day of publicity to ``days - 1`` days
  later, inclusive. The entries take effect from the day after the window, not before.
* **Prior notification (事前告知).** For black candidates the identifying department records who was notified,
  when and how. A black draft of a list type whose policy lets black entries skip publicity may take effect
  directly, but only with a prior notification dated on or before that day.
* **Taking effect.** By the periodic job (publicised entries whose window has passed) or by an explicit action.
  Black entries go first: they are propagated at once (their persons are reached) and cross-comparison ends the
  subjects' effective red entries; red candidates are then compared again, and a conflicting one is refused —
  ``revoked``, since it never applied. A proposed ``valid_from`` that has passed moves to the day the entry takes
  effect and ``valid_to`` moves with it (:func:`graph.lifecycle.plan`).
* **Objections during publicity** are resolved by the identifying department: it corrects the entry (it stays
  in publicity, a correction notice is published; the window is not restarted) or withdraws it (``revoked``,
  never applied). An objection found unfounded needs no action: the entry takes effect when the window ends.

Decisions are pure (:func:`publicity_window`, :func:`readiness`, :func:`list_status`, :func:`conflict_text`);
the ``store`` functions write them through :meth:`Store.apply_transition`, one entry at a time, each with its
event. A step interrupted half-way is finished by doing it again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, NoReturn

from graph.dispatch import dispatch_entries
from graph.errors import InvalidRequest, NotFound
from graph.ids import SubjectType
from graph.lifecycle import (
    PRELIMINARY_STATUSES,
    STATUS_LABELS,
    Action,
    InvalidTransition,
    cross_compare,
    plan,
)
from graph.model import EntryStatus, ListKind
from graph.store.port import (
    CandidateConflict,
    EntryRecord,
    PreliminaryEntryRecord,
    PreliminaryListRecord,
    PreliminarySubmission,
    PriorNotification,
    PublicityPolicy,
    RedCandidate,
    Store,
)

if TYPE_CHECKING:
    import pandas as pd

#: Publicity period of a list type whose policy sets none (calendar days).
DEFAULT_PUBLICITY_DAYS = 7

#: Conflicts named in an event's reason; the rest are counted (all are recorded).
REASON_CONFLICTS = 3


class PreliminaryStatus(StrEnum):
    """Where a list stands, from its entries: some still draft, some in publicity, or all settled."""

    draft = "draft"
    publicised = "publicised"
    concluded = "concluded"


LIST_STATUS_LABELS: dict[PreliminaryStatus, str] = {
    PreliminaryStatus.draft: "待公示",
    PreliminaryStatus.publicised: "公示中",
    PreliminaryStatus.concluded: "已办结",
}


class ListAction(StrEnum):
    """What may be done to a preliminary list as a whole."""

    publicise = "publicise"
    notify = "notify"
    take_effect = "take_effect"
    withdraw = "withdraw"


LIST_ACTION_LABELS: dict[ListAction, str] = {
    ListAction.publicise: "公示",
    ListAction.notify: "记录事前告知",
    ListAction.take_effect: "生效",
    ListAction.withdraw: "撤回",
}

_ROLE_LABELS = {
    "legal_representative": "法定代表人",
    "principal": "主要负责人",
    "directly_responsible": "直接责任人员",
    "actual_controller": "实际控制人",
    "shareholder": "股东",
}


@dataclass(frozen=True, slots=True)
class SubmissionResult:
    list_id: str
    submitted: int
    accepted: int
    rejected: int
    conflicts: list[CandidateConflict]


@dataclass(slots=True)
class TakeEffectResult:
    """What taking effect did: entries now effective, red candidates refused (with their conflicts), effective
    red entries removed by cross-comparison, and the entries left waiting (with why)."""

    took_effect: list[str] = field(default_factory=list)
    refused: dict[str, list[CandidateConflict]] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)
    waiting: dict[str, str] = field(default_factory=dict)


# --- pure decisions ----------------------------------------------------------------------------------------


def publicity_window(on: dt.date, days: int | None) -> tuple[dt.date, dt.date]:
    """The inclusive publicity window of an entry publicised on ``on``.

    >>> publicity_window(dt.date(2024, 5, 1), None)
    (datetime.date(2024, 5, 1), datetime.date(2024, 5, 7))
    """
    length = DEFAULT_PUBLICITY_DAYS if days is None else days
    return on, on + dt.timedelta(days=length - 1)


def readiness(
    item: PreliminaryEntryRecord,
    policy: PublicityPolicy,
    notifications: Sequence[PriorNotification],
    on: dt.date,
) -> tuple[str | None, str]:
    """Whether a preliminary entry may take effect on ``on``: ``(None, reason it may)`` or ``(why not, "")``."""
    entry = item.entry
    if entry.status is EntryStatus.publicised:
        if item.publicity_to is None:
            return "公示期未记录，请重新公示", ""
        if item.publicity_to >= on:
            earliest = item.publicity_to + dt.timedelta(days=1)
            return (
                f"公示期至 {item.publicity_to.isoformat()}，最早可于 {earliest.isoformat()} 生效",
                "",
            )
        window = f"{_iso(item.publicity_from)} 至 {item.publicity_to.isoformat()}"
        return None, f"公示期 {window} 届满，名单生效"
    if entry.status is not EntryStatus.draft:
        return f"状态为“{STATUS_LABELS[entry.status]}”", ""
    if entry.kind is ListKind.red:
        return "红名单初步名单须经公示后方可生效", ""
    if not policy.black_skip_publicity:
        return f"名单类型“{entry.list_type}”未允许黑名单免于公示，须先公示", ""
    prior = [notice for notice in notifications if notice.notified_on <= on]
    if not prior:
        return (
            f"名单类型“{entry.list_type}”的黑名单可免于公示，但须先记录对主体的事前告知（告知对象、时间、方式）",
            "",
        )
    last = prior[-1]
    return None, (
        f"名单类型“{entry.list_type}”免于公示；已于 {last.notified_on.isoformat()} 以{last.method}"
        f"事前告知 {last.recipient}，名单生效"
    )


def list_status(entries: Iterable[EntryRecord]) -> PreliminaryStatus:
    statuses = {entry.status for entry in entries}
    if EntryStatus.draft in statuses:
        return PreliminaryStatus.draft
    if EntryStatus.publicised in statuses:
        return PreliminaryStatus.publicised
    return PreliminaryStatus.concluded


def list_actions(kind: ListKind, entries: Iterable[EntryRecord]) -> list[ListAction]:
    """What may be done to a list whose entries are ``entries`` (the list type's policy and the publicity
    windows are judged when the action is taken)."""
    statuses = {entry.status for entry in entries}
    pending = bool(statuses & PRELIMINARY_STATUSES)
    actions = []
    if EntryStatus.draft in statuses:
        actions.append(ListAction.publicise)
    if pending and kind is ListKind.black:
        actions.append(ListAction.notify)
    if EntryStatus.publicised in statuses or (kind is ListKind.black and EntryStatus.draft in statuses):
        actions.append(ListAction.take_effect)
    if pending:
        actions.append(ListAction.withdraw)
    return actions


def conflict_text(conflict: CandidateConflict) -> str:
    """Why a red candidate is refused, in Chinese: the black entry and how it reaches the subject."""
    via_firm = f"经 {conflict.firm_name}（{conflict.firm_code}）关联" if conflict.firm_code else ""
    if conflict.person_code:
        role = _ROLE_LABELS.get(conflict.role or "", conflict.role or "")
        who = f"该企业的{role} {conflict.person_name}（{conflict.person_code}）"
        return f"{who}{via_firm}已列入黑名单 {conflict.black_entry_id}"
    return f"该主体{via_firm or '本身'}已列入黑名单 {conflict.black_entry_id}"


def refusal_reason(conflicts: Sequence[CandidateConflict]) -> str:
    shown = "；".join(conflict_text(conflict) for conflict in conflicts[:REASON_CONFLICTS])
    more = f"；另有 {len(conflicts) - REASON_CONFLICTS} 项" if len(conflicts) > REASON_CONFLICTS else ""
    return f"交叉比对：{shown}{more}，不予列入红名单"


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else "—"


def _listed(actions: Sequence[ListAction]) -> str:
    return "、".join(LIST_ACTION_LABELS[action] for action in actions) or "无"


def _by_entry(conflicts: Iterable[CandidateConflict]) -> dict[str, list[CandidateConflict]]:
    grouped: dict[str, list[CandidateConflict]] = {}
    for conflict in conflicts:
        grouped.setdefault(conflict.entry_id, []).append(conflict)
    return grouped


def _required(actor: str, what: str = "操作人（actor）") -> None:
    if not actor.strip():
        raise InvalidRequest(f"请注明{what}")


# --- steps over a store ------------------------------------------------------------------------------------


def submit(
    store: Store,
    entries: pd.DataFrame,
    *,
    department: str,
    kind: ListKind,
    actor: str,
    on: dt.date | None = None,
    source_file: str | None = None,
) -> SubmissionResult:
    """Write a preliminary list from validated candidate rows (``BATCH_COLUMNS`` of list entries, see
    :mod:`loaders.preliminary`), refusing the red candidates that fail cross-comparison on ``on``."""
    day = on or dt.date.today()
    _required(actor)
    _required(department, "认定单位（department）")
    if entries.empty:
        raise InvalidRequest("初步名单没有任何名单记录")
    other_kinds = sorted(set(entries["kind"]) - {kind.value})
    if other_kinds:
        raise InvalidRequest(
            f"初步名单为{_kind_label(kind)}，但含有名单类别为 {'、'.join(other_kinds)} 的记录"
        )
    conflicts: list[CandidateConflict] = []
    if kind is ListKind.red:
        candidates = [
            RedCandidate(
                str(row.entry_id), SubjectType(str(row.subject_type)), str(row.subject_id), str(row.list_type)
            )
            for row in entries.itertuples(index=False)
        ]
        conflicts = store.red_candidate_conflicts(candidates, day)
    refused = {entry_id: refusal_reason(found) for entry_id, found in _by_entry(conflicts).items()}
    list_id = store.submit_preliminary_list(
        PreliminarySubmission(
            department=department.strip(),
            kind=kind,
            submitted_by=actor.strip(),
            submitted_on=day,
            source_file=source_file,
            entries=entries,
            refused=refused,
            conflicts=tuple(conflicts),
        )
    )
    return SubmissionResult(
        list_id=list_id,
        submitted=len(entries),
        accepted=len(entries) - len(refused),
        rejected=len(refused),
        conflicts=conflicts,
    )


def _kind_label(kind: ListKind) -> str:
    return "红名单" if kind is ListKind.red else "黑名单"


def preliminary_list(store: Store, list_id: str) -> PreliminaryListRecord:
    found = store.preliminary_list(list_id)
    if found is None:
        raise NotFound(f"未找到初步名单 {list_id}")
    return found


def _refuse(
    store: Store,
    items: Sequence[PreliminaryEntryRecord],
    *,
    day: dt.date,
    stage: str,
    actor: str = "cross_comparison",
) -> tuple[list[PreliminaryEntryRecord], dict[str, list[CandidateConflict]]]:
    """Cross-compare red ``items`` on ``day``: refuse the conflicting ones; return the others and the refusals."""
    red = [item for item in items if item.entry.kind is ListKind.red]
    if not red:
        return list(items), {}
    candidates = [
        RedCandidate(i.entry.entry_id, i.entry.subject_type, i.entry.subject_code, i.entry.list_type)
        for i in red
    ]
    conflicts = _by_entry(store.red_candidate_conflicts(candidates, day))
    for item in red:
        found = conflicts.get(item.entry.entry_id)
        if found:
            reason = refusal_reason(found)
            store.apply_transition(plan(item.entry, Action.refuse, actor=actor, reason=reason, on=day))
    if conflicts:
        store.record_conflicts([c for found in conflicts.values() for c in found], on=day, stage=stage)
    return [item for item in items if item.entry.entry_id not in conflicts], conflicts


def publicise(store: Store, list_id: str, *, actor: str, on: dt.date | None = None) -> TakeEffectResult:
    """Publicise the list's drafts (red ones screened again first); returns the refusals, if any."""
    day = on or dt.date.today()
    record = preliminary_list(store, list_id)
    items = store.preliminary_entries(record.pk)
    drafts = [item for item in items if item.entry.status is EntryStatus.draft]
    if not drafts:
        _refuse_list_action(record, items, ListAction.publicise, "没有待公示的记录")
    _required(actor)
    kept, refused = _refuse(store, drafts, day=day, stage="publicise")
    policies: dict[str, PublicityPolicy] = {}
    windows = []
    for item in kept:
        policy = policies.get(item.entry.list_type) or policies.setdefault(
            item.entry.list_type, store.publicity_policy(item.entry.list_type)
        )
        windows.append((item, *publicity_window(day, policy.publicity_days)))
    # The window first: an entry is never publicised without one (doing it again finishes a broken run).
    store.set_publicity([(item.entry.pk, start, end) for item, start, end in windows])
    for item, start, end in windows:
        days = (end - start).days + 1
        reason = f"公示 {list_id}：公示期 {start.isoformat()} 至 {end.isoformat()}（{days} 天）"
        store.apply_transition(plan(item.entry, Action.publicise, actor=actor, reason=reason, on=day))
    return TakeEffectResult(refused=refused)


def notify(
    store: Store,
    list_id: str,
    *,
    actor: str,
    method: str,
    recipient: str | None = None,
    on: dt.date | None = None,
    entry_ids: Collection[str] | None = None,
    note: str | None = None,
) -> list[PriorNotification]:
    """Record the prior notification (事前告知) of the subjects of a black list's pending entries (or of
    ``entry_ids``); ``recipient`` defaults to each subject's name."""
    day = on or dt.date.today()
    record = preliminary_list(store, list_id)
    items = _pending(store, record, entry_ids, ListAction.notify)
    if record.kind is not ListKind.black:
        raise InvalidRequest(f"事前告知适用于黑名单（失信联合惩戒对象）；初步名单 {list_id} 是红名单")
    _required(actor)
    _required(method, "告知方式（method，如 书面送达、邮寄送达、电子送达）")
    recorded = []
    for item in items:
        store.record_prior_notification(
            item.entry.pk,
            recipient=(recipient or "").strip() or item.entry.subject_name,
            notified_on=day,
            method=method.strip(),
            notified_by=actor.strip(),
            note=(note or "").strip() or None,
        )
        recorded.append(store.prior_notifications(item.entry.pk)[-1])
    return recorded


def withdraw(
    store: Store,
    list_id: str,
    *,
    actor: str,
    reason: str,
    on: dt.date | None = None,
    entry_ids: Collection[str] | None = None,
) -> list[str]:
    """Withdraw the list's pending entries (or ``entry_ids``): they never applied (``revoked``); one that was in
    publicity gets a correction notice."""
    day = on or dt.date.today()
    record = preliminary_list(store, list_id)
    items = _pending(store, record, entry_ids, ListAction.withdraw)
    transitions = [plan(item.entry, Action.withdraw, actor=actor, reason=reason, on=day) for item in items]
    for transition in transitions:
        store.apply_transition(transition)
    return [item.entry.entry_id for item in items]


def _pending(
    store: Store, record: PreliminaryListRecord, entry_ids: Collection[str] | None, action: ListAction
) -> list[PreliminaryEntryRecord]:
    items = store.preliminary_entries(record.pk)
    if entry_ids:
        known = {item.entry.entry_id: item for item in items}
        missing = sorted(set(entry_ids) - set(known))
        if missing:
            raise NotFound(f"初步名单 {record.list_id} 中没有名单记录 {'、'.join(missing)}")
        chosen = [known[entry_id] for entry_id in dict.fromkeys(entry_ids)]
        settled = [item for item in chosen if item.entry.status not in PRELIMINARY_STATUSES]
        if settled:
            states = "、".join(f"{i.entry.entry_id}（{STATUS_LABELS[i.entry.status]}）" for i in settled)
            _refuse_list_action(record, items, action, f"名单记录 {states} 已不在初步名单阶段")
        return chosen
    pending = [item for item in items if item.entry.status in PRELIMINARY_STATUSES]
    if not pending:
        _refuse_list_action(record, items, action, "没有处于初步名单阶段（待公示或公示中）的记录")
    return pending


def _refuse_list_action(
    record: PreliminaryListRecord, items: Sequence[PreliminaryEntryRecord], action: ListAction, why: str
) -> NoReturn:
    allowed = list_actions(record.kind, (item.entry for item in items))
    status = LIST_STATUS_LABELS[list_status(item.entry for item in items)]
    raise InvalidTransition(
        f"初步名单 {record.list_id} 当前状态为“{status}”，{why}，不能{LIST_ACTION_LABELS[action]}；"
        f"当前允许的操作：{_listed(allowed)}"
    )


def take_effect(store: Store, list_id: str, *, actor: str, on: dt.date | None = None) -> TakeEffectResult:
    """Take the list's ready entries into effect on ``on`` (see the module docstring); entries not ready are
    reported in ``waiting``. Refused (409) when none is ready, saying why for each."""
    day = on or dt.date.today()
    record = preliminary_list(store, list_id)
    items = store.preliminary_entries(record.pk)
    pending = [item for item in items if item.entry.status in PRELIMINARY_STATUSES]
    if not pending:
        _refuse_list_action(record, items, ListAction.take_effect, "没有处于初步名单阶段的记录")
    _required(actor)
    ready: list[tuple[PreliminaryEntryRecord, str]] = []
    waiting: dict[str, str] = {}
    policies: dict[str, PublicityPolicy] = {}
    for item in pending:
        policy = policies.get(item.entry.list_type) or policies.setdefault(
            item.entry.list_type, store.publicity_policy(item.entry.list_type)
        )
        notices = store.prior_notifications(item.entry.pk) if item.entry.kind is ListKind.black else []
        why_not, reason = readiness(item, policy, notices, day)
        if why_not is None:
            ready.append((item, reason))
        else:
            waiting[item.entry.entry_id] = why_not
    if not ready:
        reasons = "；".join(f"{entry_id}：{why}" for entry_id, why in waiting.items())
        _refuse_list_action(record, items, ListAction.take_effect, f"没有可以生效的记录（{reasons}）")
    result = _take_effect(store, ready, actor=actor, day=day)
    result.waiting = waiting
    return result


def take_effect_due(
    store: Store, on: dt.date | None = None, *, actor: str = "periodic_job"
) -> TakeEffectResult:
    """The periodic job's step: every publicised entry whose publicity window ended before ``on`` takes effect
    (red ones after cross-comparison). Drafts never take effect here: skipping publicity is a decision."""
    day = on or dt.date.today()
    due = store.preliminary_due(day)
    ready = []
    for item in due:
        why_not, reason = readiness(item, PublicityPolicy(), [], day)
        if why_not is None:
            ready.append((item, reason))
    return _take_effect(store, ready, actor=actor, day=day)


def _take_effect(
    store: Store, ready: Sequence[tuple[PreliminaryEntryRecord, str]], *, actor: str, day: dt.date
) -> TakeEffectResult:
    from graph.propagation import run_entries

    result = TakeEffectResult()
    black = [(item, reason) for item, reason in ready if item.entry.kind is ListKind.black]
    red = [(item, reason) for item, reason in ready if item.entry.kind is ListKind.red]
    for item, reason in black:
        _enter(store, item.entry, reason, actor=actor, day=day)
        result.took_effect.append(item.entry.entry_id)
    if black:
        # Their persons are reached at once, and the subjects' effective red entries end (R2, R3).
        run_entries(store, [item.entry.pk for item, _ in black])
        result.removed = cross_compare(store, day)
    reasons = {item.entry.entry_id: reason for item, reason in red}
    kept, result.refused = _refuse(store, [item for item, _ in red], day=day, stage="take_effect")
    for item in kept:
        _enter(store, item.entry, reasons[item.entry.entry_id], actor=actor, day=day)
        result.took_effect.append(item.entry.entry_id)
    if red:
        run_entries(store, [item.entry.pk for item, _ in red])
    if ready:
        # R8: the implementing departments hear at once of the measures these entries start.
        dispatch_entries(store, [item.entry.pk for item, _ in ready], day)
    return result


def _enter(store: Store, entry: EntryRecord, reason: str, *, actor: str, day: dt.date) -> None:
    transition = plan(entry, Action.take_effect, actor=actor, reason=reason, on=day)
    after = transition.after
    if after["valid_from"] != transition.before["valid_from"]:
        until = after["valid_to"] or "长期"
        reason += (
            f"；拟定有效期起 {transition.before['valid_from']} 已过，有效期顺延为 {after['valid_from']} 至 {until}"
            "（期限不变）"
        )
        transition = dataclasses.replace(transition, reason=reason)
    store.apply_transition(transition)
