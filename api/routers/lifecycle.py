"""The lifecycle of a list entry (R1, R5, R6, R7): history, objections, corrections, revocation, repair.

Each route parses its request, calls :mod:`graph.lifecycle` (which decides and writes the transition with
its event, then propagates the entry again) and answers with the entry's new state. Refused transitions are
409 ``invalid_transition`` naming what is allowed; a blank actor or reason is 400 ``invalid_request``.
The builders :func:`entry_history` and :func:`entry_state` are shared with the CLI.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Path, status

from api.auth import own_entry, require
from api.deps import MAX_RECORD_ID, StoreDep, parse_date
from api.errors import error_responses
from api.principal import Role
from api.schemas import (
    OUTCOME_ACTIONS,
    CorrectionRequest,
    EntryEventOut,
    EntryHistoryResponse,
    EntryOut,
    EntryStateResponse,
    ErrorResponse,
    NoticeOut,
    ObjectionOut,
    ObjectionRequest,
    Outcome,
    RepairApplicationOut,
    RepairApplicationRequest,
    RepairDecisionRequest,
    RepairDecisionResponse,
    ResolutionRequest,
    RevocationRequest,
    SuspensionOut,
    allowed_out,
)
from graph import lifecycle
from graph.errors import InvalidRequest, NotFound
from graph.lifecycle import ACTION_LABELS, STATUS_LABELS, Action, InvalidTransition
from graph.model import EntryStatus
from graph.store.port import EntryRecord, Store

router = APIRouter(tags=["lifecycle"])

EntryIdPath = Annotated[str, Path(description="名单记录编号 / entry id", examples=["CZ-B-2023-000123"])]
ApplicationIdPath = Annotated[
    int, Path(le=MAX_RECORD_ID, description="信用修复申请编号 / repair application id", examples=[7])
]


def lifecycle_errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a lifecycle route: the common errors, with 400/404/409 described for this resource."""
    responses = error_responses(*statuses)
    described = {
        400: "日期格式错误（invalid_date），或缺少操作人、理由，或更正字段不合法（invalid_request）",
        404: "名单记录或信用修复申请不存在 / the entry or application is not stored",
        409: "当前状态不允许该操作，响应中列出允许的操作（invalid_transition）/ transition not allowed",
    }
    for code, description in described.items():
        if code in responses:
            responses[code] = {"model": ErrorResponse, "description": description}
    return responses


def _entry(store: Store, entry_id: str) -> EntryRecord:
    entry = store.entry(entry_id)
    if entry is None:
        raise NotFound(f"未找到名单记录 {entry_id}")
    return entry


def entry_history(store: Store, entry_id: str, on: dt.date | None = None) -> EntryHistoryResponse:
    """The entry, what may be done to it on ``on`` (today) and everything recorded about it."""
    entry = _entry(store, entry_id)
    return EntryHistoryResponse(
        entry=EntryOut.from_record(entry),
        status_label=STATUS_LABELS[entry.status],
        allowed_actions=allowed_out(entry, on),
        events=[EntryEventOut.from_record(event) for event in store.entry_history(entry.pk)],
        objections=[ObjectionOut.from_record(objection) for objection in store.objections(entry.pk)],
        suspensions=[SuspensionOut.model_validate(suspension) for suspension in store.suspensions(entry.pk)],
        repair_applications=[
            RepairApplicationOut.from_record(application, entry.entry_id)
            for application in store.repair_applications(entry.pk)
        ],
        notices=[NoticeOut.from_record(notice) for notice in store.notices(entry.pk)],
    )


def entry_state(
    store: Store, entry: EntryRecord, *, notices_before: int, on: dt.date | None
) -> EntryStateResponse:
    """The entry after an action: its state, the last event and the notices published since ``notices_before``
    (notices are append-only, so the new ones are at the end)."""
    events = store.entry_history(entry.pk)
    return EntryStateResponse(
        entry=EntryOut.from_record(entry),
        status_label=STATUS_LABELS[entry.status],
        allowed_actions=allowed_out(entry, on),
        event=EntryEventOut.from_record(events[-1]) if events else None,
        notices=[NoticeOut.from_record(notice) for notice in store.notices(entry.pk)[notices_before:]],
    )


def perform(
    store: Store,
    entry_id: str,
    action: Action,
    *,
    actor: str,
    reason: str,
    on: dt.date | None,
    changes: dict[str, str | None] | None = None,
) -> EntryStateResponse:
    """Perform a lifecycle action and describe the entry's new state."""
    before = len(store.notices(_entry(store, entry_id).pk))
    entry = lifecycle.act(store, entry_id, action, actor=actor, reason=reason, on=on, changes=changes)
    return entry_state(store, entry, notices_before=before, on=on)


def resolve_objection(
    store: Store,
    entry_id: str,
    outcome: Outcome,
    *,
    actor: str,
    reason: str,
    on: dt.date | None,
    changes: dict[str, str | None] | None = None,
) -> EntryStateResponse:
    """Resolve the open objection: upheld, corrected (with ``changes``) or revoked."""
    if changes and outcome is not Outcome.corrected:
        raise InvalidRequest(f"处理结果为 {outcome.value} 时不能附带更正字段；更正请选择 corrected")
    entry = _entry(store, entry_id)
    if entry.status is not EntryStatus.under_verification:
        # Correcting or revoking an effective entry is allowed, but not as the resolution of an objection
        # that was never filed: that would record an outcome for nothing.
        allowed = "、".join(ACTION_LABELS[action] for action in lifecycle.allowed_actions(entry, on)) or "无"
        raise InvalidTransition(
            f"名单记录 {entry.entry_id} 当前状态为“{STATUS_LABELS[entry.status]}”，没有待处理的异议，"
            f"不能作出异议处理结果；当前允许的操作：{allowed}"
        )
    action = OUTCOME_ACTIONS[outcome]
    return perform(store, entry_id, action, actor=actor, reason=reason, on=on, changes=changes)


def decide_repair(
    store: Store, application_id: int, *, approve: bool, actor: str, reason: str, on: dt.date | None
) -> RepairDecisionResponse:
    application = store.repair_application(application_id)
    if application is None:
        raise NotFound(f"未找到信用修复申请 {application_id}")
    before = len(store.notices(application.entry_pk))
    entry = lifecycle.decide_repair(store, application_id, approve=approve, actor=actor, reason=reason, on=on)
    decided = store.repair_application(application_id) or application
    return RepairDecisionResponse(
        application=RepairApplicationOut.from_record(decided, entry.entry_id),
        entry=EntryOut.from_record(entry),
        status_label=STATUS_LABELS[entry.status],
        allowed_actions=allowed_out(entry, on),
        notices=[NoticeOut.from_record(notice) for notice in store.notices(entry.pk)[before:]],
    )


# --- routes ------------------------------------------------------------------------------------------------


@router.get(
    "/v1/entries/{entry_id}/history",
    dependencies=[
        require(Role.INVESTIGATOR, Role.CREDIT_ADMIN, Role.IDENTIFYING_DEPARTMENT, narrow=[own_entry])
    ],
    summary="名单记录的全部历史 / an entry's history, objections, suspensions, repairs and notices",
    response_model=EntryHistoryResponse,
    responses=lifecycle_errors(404, 422, 503),
)
def get_history(store: StoreDep, entry_id: EntryIdPath) -> EntryHistoryResponse:
    return entry_history(store, entry_id)


_ENTRY_ACTION_ERRORS = lifecycle_errors(400, 404, 409, 422, 503)


@router.post(
    "/v1/entries/{entry_id}/objections",
    dependencies=[require(Role.CREDIT_ADMIN, Role.IDENTIFYING_DEPARTMENT, narrow=[own_entry])],
    summary="提出异议 / file an objection: the entry's measures are suspended pending verification",
    description=(
        "The entry goes `under_verification` from `on`: its direct and derived measures stop applying (R5) "
        "until the objection is resolved."
    ),
    status_code=status.HTTP_201_CREATED,
    response_model=EntryStateResponse,
    responses=_ENTRY_ACTION_ERRORS,
)
def file_objection(store: StoreDep, entry_id: EntryIdPath, body: ObjectionRequest) -> EntryStateResponse:
    on = parse_date(body.on, name="on")
    return perform(store, entry_id, Action.file_objection, actor=body.filed_by, reason=body.reason, on=on)


@router.post(
    "/v1/entries/{entry_id}/objections/resolution",
    dependencies=[require(Role.CREDIT_ADMIN, Role.IDENTIFYING_DEPARTMENT, narrow=[own_entry])],
    summary="异议处理 / resolve the open objection: upheld, corrected or revoked",
    description=(
        "`upheld`: the measures apply again from `on`; `corrected`: the fields in `changes` change (history "
        "kept) and the measures apply again; `revoked`: the entry was wrong (误列) and never applied — derived "
        "records void, correction and apology notices published."
    ),
    response_model=EntryStateResponse,
    responses=_ENTRY_ACTION_ERRORS,
)
def resolve(store: StoreDep, entry_id: EntryIdPath, body: ResolutionRequest) -> EntryStateResponse:
    on = parse_date(body.on, name="on")
    return resolve_objection(
        store, entry_id, body.outcome, actor=body.actor, reason=body.reason, on=on, changes=body.changes
    )


@router.post(
    "/v1/entries/{entry_id}/corrections",
    dependencies=[require(Role.CREDIT_ADMIN, Role.IDENTIFYING_DEPARTMENT, narrow=[own_entry])],
    summary="更正 / correct fields of an entry (history kept, correction notice published)",
    status_code=status.HTTP_201_CREATED,
    response_model=EntryStateResponse,
    responses=_ENTRY_ACTION_ERRORS,
)
def correct(store: StoreDep, entry_id: EntryIdPath, body: CorrectionRequest) -> EntryStateResponse:
    on = parse_date(body.on, name="on")
    return perform(
        store, entry_id, Action.correct, actor=body.actor, reason=body.reason, on=on, changes=body.changes
    )


@router.post(
    "/v1/entries/{entry_id}/revocation",
    dependencies=[require(Role.CREDIT_ADMIN, Role.IDENTIFYING_DEPARTMENT, narrow=[own_entry])],
    summary="撤销（误列）/ revoke a wrongly listed entry: void everywhere, correct and apologise",
    status_code=status.HTTP_201_CREATED,
    response_model=EntryStateResponse,
    responses=_ENTRY_ACTION_ERRORS,
)
def revoke(store: StoreDep, entry_id: EntryIdPath, body: RevocationRequest) -> EntryStateResponse:
    on = parse_date(body.on, name="on")
    return perform(store, entry_id, Action.revoke, actor=body.actor, reason=body.reason, on=on)


@router.post(
    "/v1/entries/{entry_id}/repair-applications",
    dependencies=[require(Role.CREDIT_ADMIN, Role.IDENTIFYING_DEPARTMENT, narrow=[own_entry])],
    summary="申请信用修复 / apply for credit repair of a black entry, with evidence",
    status_code=status.HTTP_201_CREATED,
    response_model=RepairApplicationOut,
    responses=_ENTRY_ACTION_ERRORS,
)
def apply_for_repair(
    store: StoreDep, entry_id: EntryIdPath, body: RepairApplicationRequest
) -> RepairApplicationOut:
    on = parse_date(body.on, name="on")
    application_id = lifecycle.apply_for_repair(
        store, entry_id, applicant=body.applicant, evidence=body.evidence, on=on
    )
    application = store.repair_application(application_id)
    if application is None:  # written a moment ago in the same store
        raise NotFound(f"未找到信用修复申请 {application_id}")
    return RepairApplicationOut.from_record(application, entry_id)


@router.post(
    "/v1/repair-applications/{application_id}/decision",
    dependencies=[require(Role.CREDIT_ADMIN)],
    summary="信用修复决定 / approve or reject a repair application",
    description=(
        "Approval needs the list type's minimum period to have passed; the entry then ends from `on` (it "
        "applied until the day before), its derived records end with it and an exit notice is published."
    ),
    response_model=RepairDecisionResponse,
    responses=_ENTRY_ACTION_ERRORS,
)
def decide(
    store: StoreDep, application_id: ApplicationIdPath, body: RepairDecisionRequest
) -> RepairDecisionResponse:
    on = parse_date(body.on, name="on")
    return decide_repair(
        store, application_id, approve=body.approve, actor=body.actor, reason=body.reason, on=on
    )


__all__ = ["decide_repair", "entry_history", "entry_state", "perform", "resolve_objection", "router"]
