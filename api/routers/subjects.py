"""Subjects: the profile, the check (R9, R11) and the batch check for business systems.

The check is asked by every business system, so its route (:class:`CheckRoute`) answers the usual request
without FastAPI's per-request dependency solving: the same dependencies called directly, in FastAPI's
order, and the answer masked by its known structure (:func:`api.masking.mask_check_answer`). Anything
else — a dependency override (tests), a networked store, a ``subject_type`` FastAPI would refuse, an app
whose dependencies are not those the fast path was written for — takes FastAPI's own way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Coroutine
from functools import partial
from typing import Annotated, Any, cast

from fastapi import APIRouter, FastAPI, Path, Request, Response
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.concurrency import run_in_threadpool

from api import masking
from api.auth import ensure_business_item, own_business_item, request_principal, require
from api.deps import (
    AtDep,
    BusinessItemQuery,
    SettingsDep,
    StoreDep,
    SubjectTypeQuery,
    at_query,
    get_store,
    parse_date,
    reads_in_process,
)
from api.errors import BatchTooLarge, error_responses
from api.principal import Principal, PrincipalDep, Role, get_principal
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
from graph.ids import SubjectType
from graph.store.port import Store
from graph.store.sqlite import SQLiteStore
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


#: Who may ask the check (and for which business items, how often).
CHECK_ACCESS = require(
    Role.BUSINESS_SYSTEM, Role.INVESTIGATOR, Role.CREDIT_ADMIN, narrow=[own_business_item], rate_limited=True
)
#: The dependencies FastAPI solves for the check, in its order (the app-wide one first): what the fast path
#: calls by hand. An app whose check route has others (:func:`fast_check_applies`) answers FastAPI's way.
_check_access = cast(Callable[[Request], Awaitable[Principal]], CHECK_ACCESS.dependency)
CHECK_DEPENDENCIES: tuple[Callable[..., Any], ...] = (
    masking.answered_for,
    _check_access,
    get_store,
    at_query,
)
_SUBJECT_TYPES = {kind.value: kind for kind in SubjectType}


def check_answer(request: Request, data: dict[str, Any], principal: Principal) -> Response:
    """The check's ``data`` encoded and masked for ``principal``, left for the guard as masked."""
    scope = request.scope
    purpose = masking.stated_purpose(scope, principal)
    sight = masking.sight_of(principal, purpose)
    keep = masking.asked_ids(scope) if sight is masking.Sight.ASKED else frozenset()
    body, shown = masking.mask_check_answer(data, encode_json(data), sight, keep)
    masking.premask(scope, body, shown, principal, purpose)
    return Response(body, media_type="application/json")


async def _fast_check(request: Request) -> Response | None:
    """The check answered without FastAPI's dependency solving; ``None`` when FastAPI's way must answer
    (decided before anything is done: no rate-limit token is spent twice)."""
    app = request.app
    if not getattr(app.state, "fast_check", False):
        return None
    overrides = app.dependency_overrides
    if overrides and set(overrides) != {get_principal}:
        return None
    store = app.state.store
    if not isinstance(store, SQLiteStore):
        return None
    query = request.query_params
    subject_type = None
    if "subject_type" in query:
        subject_type = _SUBJECT_TYPES.get(query["subject_type"])
        if subject_type is None:
            return None  # FastAPI's validation answers (422)
    # As FastAPI solves them: the principal settled for the guard, the access rule (401/403, narrowing, rate
    # limit), the store, the date (400).
    principal = await request_principal(request)
    await masking.answered_for(request, principal)
    await _check_access(request)
    at = parse_date(query.get("at"))
    result = check(
        store,
        request.path_params["subject_id"],
        business_item=query.get("business_item") or None,
        at=at,
        subject_type=subject_type,
    )
    return check_answer(request, check_data(result), principal)


class CheckRoute(APIRoute):
    """The check's route: :func:`_fast_check` first, FastAPI's handler when it steps aside."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        slow = super().get_route_handler()

        async def handler(request: Request) -> Response:
            fast = await _fast_check(request)
            return fast if fast is not None else await slow(request)

        return handler


def fast_check_applies(app: FastAPI) -> bool:
    """The app's check route solves exactly :data:`CHECK_DEPENDENCIES` (what the fast path does by hand)."""
    for context in iter_route_contexts(app.routes):
        if isinstance(context.original_route, CheckRoute):
            calls = tuple(dependency.call for dependency in context.dependant.dependencies)
            return calls == CHECK_DEPENDENCIES
    return False


async def check_subject(
    store: StoreDep,
    subject_id: SubjectIdPath,
    at: AtDep,
    business_item: BusinessItemQuery = None,
    subject_type: SubjectTypeQuery = None,
) -> Response:
    # FastAPI's way (see :func:`_fast_check` for the usual one): no thread hop for the embedded store (a check
    # is a few indexed lookups, tens of microseconds) and no pydantic on the way out (``check_data`` builds
    # what ``CheckResponse`` declares); the guard masks the answer.
    work = partial(
        check, store, subject_id, business_item=business_item or None, at=at, subject_type=subject_type
    )
    result = work() if reads_in_process(store) else await run_in_threadpool(work)
    return Response(encode_json(check_data(result)), media_type="application/json")


router.add_api_route(
    "/v1/subjects/{subject_id}/check",
    check_subject,
    methods=["GET"],
    dependencies=[CHECK_ACCESS],
    route_class_override=CheckRoute,
    summary="联合奖惩核查 / check: restrictions and incentives, direct or via any firm",
    description=(
        "Which incentives and restrictions apply to the subject on `at` (default today), directly or "
        "through a firm in which the person held a role; each item carries its path, measures, "
        "implementing department and legal basis, and a one-line Chinese explanation."
    ),
    response_model=CheckResponse,
    responses=error_responses(400, 404, 409, 422, 503),
)


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
async def check_batch(
    request: Request, store: StoreDep, settings: SettingsDep, principal: PrincipalDep, body: BatchCheckRequest
) -> Response:
    ensure_business_item(principal, body.business_item)  # a business system: one of its own items only
    if len(body.ids) > settings.max_batch:
        raise BatchTooLarge(
            f"一次最多核查 {settings.max_batch} 个号码，本次提交了 {len(body.ids)} 个；请分批提交"
        )
    scope = request.scope
    purpose = masking.stated_purpose(scope, principal)
    sight = masking.sight_of(principal, purpose)
    keep = masking.asked_ids(scope, await request.body()) if sight is masking.Sight.ASKED else frozenset()
    # A thousand checks take tens of milliseconds: off the event loop, masking included.
    answer, shown = await run_in_threadpool(_batch_answer, store, body, sight, keep)
    masking.premask(scope, answer, shown, principal, purpose)
    return Response(answer, media_type="application/json")


def _batch_answer(
    store: Store, body: BatchCheckRequest, sight: masking.Sight, keep: frozenset[str]
) -> tuple[bytes, set[str]]:
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
    return masking.mask_batch_answer(encode_json(answer), sight, keep)
