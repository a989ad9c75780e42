"""networkx analytics for investigators: 关联圈, black-listed firms sharing persons, persons in several black
firms, restriction violations (alerts)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query

from api.auth import require
from api.deps import AtDep, StoreDep, SubjectTypeQuery
from api.errors import error_responses
from api.graph_schemas import (
    BlackGroupsResponse,
    GroupResponse,
    MultiBlackPersonsResponse,
    ViolationsResponse,
)
from api.principal import Role as AccessRole
from api.routers.graph import RolesQuery, SubjectQuery, check_cap
from graph.model import Role
from queries.analytics import black_groups, group, multi_black_persons, violations
from queries.explore import HARD_MAX_NODES, parse_roles
from queries.subjects import resolve_subject

router = APIRouter(
    tags=["analytics"], dependencies=[require(AccessRole.INVESTIGATOR, AccessRole.CREDIT_ADMIN)]
)

MAX_GROUPS = 200
MAX_ITEMS = 1000
DEFAULT_VIOLATION_ROLES = "legal_representative,principal"


@router.get(
    "/v1/analytics/group",
    summary="关联圈 / enterprises connected through shared persons around a subject, with key persons",
    description=(
        "The enterprise–person component around the subject (roles in force on `at` when given, every role "
        "ever otherwise), read breadth-first up to `max_nodes`; key persons ranked by betweenness within it."
    ),
    response_model=GroupResponse,
    responses=error_responses(400, 404, 409, 422, 503),
)
def get_group(
    store: StoreDep,
    subject: SubjectQuery,
    at: AtDep,
    subject_type: SubjectTypeQuery = None,
    max_nodes: Annotated[
        int, Query(ge=1, description=f"主体数上限（最大 {HARD_MAX_NODES}） / at most")
    ] = 500,
) -> GroupResponse:
    check_cap("max_nodes", max_nodes, HARD_MAX_NODES)
    found = resolve_subject(store, subject, subject_type)
    today = dt.date.today()
    return GroupResponse.from_result(group(store, found, at=at, max_nodes=max_nodes, today=today), today)


@router.get(
    "/v1/analytics/black-groups",
    summary="黑名单企业关联群 / groups of black-listed enterprises sharing persons, largest first",
    response_model=BlackGroupsResponse,
    responses=error_responses(400, 422, 503),
)
def get_black_groups(
    store: StoreDep,
    at: AtDep,
    min_size: Annotated[int, Query(ge=2, description="每群最少企业数 / at least this many firms")] = 2,
    limit: Annotated[int, Query(ge=1, description=f"最多群数（上限 {MAX_GROUPS}） / at most")] = 50,
) -> BlackGroupsResponse:
    check_cap("limit", limit, MAX_GROUPS)
    day = at or dt.date.today()
    return BlackGroupsResponse.from_groups(day, black_groups(store, at=day, min_size=min_size, limit=limit))


@router.get(
    "/v1/analytics/multi-black-persons",
    summary="多家黑名单企业关联人员 / persons linked to several black-listed enterprises",
    response_model=MultiBlackPersonsResponse,
    responses=error_responses(400, 422, 503),
)
def get_multi_black_persons(
    store: StoreDep,
    at: AtDep,
    min_firms: Annotated[
        int, Query(ge=1, description="至少关联的黑名单企业数 / at least this many firms")
    ] = 2,
    limit: Annotated[int, Query(ge=1, description=f"最多人数（上限 {MAX_ITEMS}） / at most")] = 100,
) -> MultiBlackPersonsResponse:
    check_cap("limit", limit, MAX_ITEMS)
    day = at or dt.date.today()
    return MultiBlackPersonsResponse.from_items(
        day, multi_black_persons(store, at=day, min_firms=min_firms, limit=limit)
    )


@router.get(
    "/v1/analytics/violations",
    summary="违规任职预警 / persons restricted for a business item who hold such a role in another firm",
    description=(
        "A person under a black measure covering `business_item` (default `company_registration`: 担任法定代表人、"
        "董事、监事、高管) who holds one of `roles` in force on `at` in a firm other than the one the restriction "
        "came through. Suspended restrictions are listed and flagged. Roles taken on during the restriction "
        "come first; `total` counts every alert, `offset`/`limit` page them."
    ),
    response_model=ViolationsResponse,
    responses=error_responses(400, 422, 503),
)
def get_violations(
    store: StoreDep,
    at: AtDep,
    business_item: Annotated[
        str, Query(description="业务事项 / business item", examples=["company_registration"])
    ] = "company_registration",
    roles: RolesQuery = DEFAULT_VIOLATION_ROLES,
    offset: Annotated[int, Query(ge=0, description="跳过前几条 / skip this many alerts")] = 0,
    limit: Annotated[int, Query(ge=1, description=f"每页条数（上限 {MAX_ITEMS}） / at most")] = 100,
) -> ViolationsResponse:
    check_cap("limit", limit, MAX_ITEMS)
    day = at or dt.date.today()
    role_filter = parse_roles(roles) or frozenset({Role.legal_representative, Role.principal})
    result = violations(store, at=day, business_item=business_item, roles=role_filter)
    return ViolationsResponse.from_result(result, offset=offset, limit=limit)
