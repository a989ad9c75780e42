"""Subjects: the profile, the check (R9, R11) and the batch check for business systems."""

from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Path, Response
from starlette.concurrency import run_in_threadpool

from api.auth import ensure_business_item, own_business_item, require
from api.deps import (
    AtDep,
    BusinessItemQuery,
    SettingsDep,
    StoreDep,
    SubjectTypeQuery,
    parse_date,
    reads_in_process,
)
from api.errors import BatchTooLarge, error_responses
from api.principal import PrincipalDep, Role
from api.schemas import (
    BatchCheckRequest,
    BatchCheckResponse,
    CheckResponse,
    SubjectProfileResponse,
    batch_error_data,
    batch_result_data,
    check_data,
    encode_json,
)
from graph.errors import AmbiguousIdentifier, InvalidIdentifier, NotFound
from queries.check import check
from queries.profile import subject_profile

router = APIRouter(tags=["subjects"])

SubjectIdPath = Annotated[
    str,
    Path(
        description="统一社会信用代码或居民身份证号码 / a USCC or a resident id number",
        examples=["320402198001010012"],
    ),
]


@router.get(
    "/v1/subjects/{subject_id}",
    dependencies=[require(Role.INVESTIGATOR, Role.CREDIT_ADMIN)],
    summary="主体画像 / subject profile: roles over time, entries, derived records",
    response_model=SubjectProfileResponse,
    responses=error_responses(404, 409, 422, 503),
)
def get_subject(
    store: StoreDep, subject_id: SubjectIdPath, subject_type: SubjectTypeQuery = None
) -> SubjectProfileResponse:
    return SubjectProfileResponse.from_profile(subject_profile(store, subject_id, subject_type))


@router.get(
    "/v1/subjects/{subject_id}/check",
    dependencies=[
        require(
            Role.BUSINESS_SYSTEM,
            Role.INVESTIGATOR,
            Role.CREDIT_ADMIN,
            narrow=[own_business_item],
            rate_limited=True,
        )
    ],
    summary="联合奖惩核查 / check: restrictions and incentives, direct or via any firm",
    description=(
        "Which incentives and restrictions apply to the subject on `at` (default today), directly or "
        "through a firm in which the person held a role; each item carries its path, measures, "
        "implementing department and legal basis, and a one-line Chinese explanation."
    ),
    response_model=CheckResponse,
    responses=error_responses(400, 404, 409, 422, 503),
)
async def check_subject(
    store: StoreDep,
    subject_id: SubjectIdPath,
    at: AtDep,
    business_item: BusinessItemQuery = None,
    subject_type: SubjectTypeQuery = None,
) -> Response:
    # The hot path of every business system: no thread hop for the embedded store (a check is a few
    # indexed lookups, tens of microseconds) and no pydantic on the way out (``check_data`` builds what
    # ``CheckResponse`` declares).
    work = partial(
        check, store, subject_id, business_item=business_item or None, at=at, subject_type=subject_type
    )
    result = work() if reads_in_process(store) else await run_in_threadpool(work)
    return Response(encode_json(check_data(result)), media_type="application/json")


@router.post(
    "/v1/check",
    dependencies=[require(Role.BUSINESS_SYSTEM, Role.INVESTIGATOR, Role.CREDIT_ADMIN, rate_limited=True)],
    summary="批量核查 / batch check for business systems",
    description=(
        "Check up to `max_batch` ids (1000 by default) in one call. An id that is malformed, unknown "
        "or ambiguous gets its own `error`; it never fails the batch."
    ),
    response_model=BatchCheckResponse,
    responses=error_responses(400, 422, 503),
)
def check_batch(
    store: StoreDep, settings: SettingsDep, principal: PrincipalDep, body: BatchCheckRequest
) -> Response:
    ensure_business_item(principal, body.business_item)  # a business system: one of its own items only
    if len(body.ids) > settings.max_batch:
        raise BatchTooLarge(
            f"一次最多核查 {settings.max_batch} 个号码，本次提交了 {len(body.ids)} 个；请分批提交"
        )
    # One date for the whole batch, even if the request straddles midnight.
    day = parse_date(body.at) or dt.date.today()
    business_item = body.business_item or None
    results: list[dict[str, Any]] = []
    for requested in body.ids:
        try:
            result = check(store, requested, business_item=business_item, at=day)
        except (InvalidIdentifier, AmbiguousIdentifier, NotFound) as exc:
            results.append(batch_error_data(requested, exc.detail, exc.code))
            continue
        results.append(batch_result_data(requested, result))
    answer = {"at": day.isoformat(), "business_item": business_item, "results": results}
    return Response(encode_json(answer), media_type="application/json")
