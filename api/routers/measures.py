"""The measures list (联合奖惩措施清单, §五(一), R4, R11): the public list, its versions and diffs, the draft.

* ``GET /v1/public/measures`` publishes the list in force today, or on ``at`` (no authentication).
* ``GET /v1/measures/versions[/{n}[/diff/{m}]]`` reads every published version back whole and compares two.
* ``/v1/measures/draft…`` edits the draft of the next version (set, remove, revert, discard) and publishes it.
* ``GET /v1/measures/changes`` is the append-only record of every change (who, when, before, after).

Each route parses its request and calls :mod:`graph.measures`; the builders below are shared with the CLI.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from fastapi import Path as PathParam

from api.auth import public, require
from api.deps import MAX_RECORD_ID, AtDep, BusinessItemQuery, StoreDep, parse_date
from api.errors import error_responses
from api.measures_schemas import (
    ActorRequest,
    DiscardResponse,
    DraftMeasureResponse,
    DraftResponse,
    MeasureChangeOut,
    MeasureChangesResponse,
    MeasureDiffOut,
    MeasureListResponse,
    MeasureRequest,
    MeasureVersionOut,
    MeasureVersionsResponse,
    PublicationResponse,
    PublishRequest,
    VersionDiffResponse,
)
from api.principal import Role
from api.schemas import ErrorResponse
from graph import measures
from graph.errors import NotFound
from graph.model import ListKind
from graph.store.port import Store

router = APIRouter(tags=["measures"])

MeasureIdPath = Annotated[
    str, PathParam(max_length=64, description="措施编号 / measure id", examples=["M-B-SXBZX-07"])
]
VersionPath = Annotated[
    int,
    PathParam(
        ge=0, le=MAX_RECORD_ID, description="版本号（0 为首次发布前导入的清单）/ version", examples=[2]
    ),
]
ActorQuery = Annotated[str, Query(max_length=100, description="操作人（部门及经办人）/ who acts (required)")]
KindQuery = Annotated[ListKind | None, Query(description="red | black")]
ListTypeQuery = Annotated[
    str | None, Query(max_length=100, description="名单类型 / list type", examples=["失信被执行人"])
]
DepartmentQuery = Annotated[
    str | None,
    Query(max_length=100, description="实施部门 / implementing department", examples=["常州市财政局"]),
]


def measures_errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a measures route: the common errors, described for this resource."""
    responses = error_responses(*statuses)
    described = {
        400: "缺少操作人或日期不合法（invalid_request / invalid_date），如发布日期晚于今天或早于上一版",
        404: "没有该版本，或当前清单及草稿中没有该措施 / no such version or measure",
        409: "草稿为空、与当前版本相同或发布后清单为空（nothing_to_publish）；清单或草稿在此期间被他人修改（conflict）",
        422: "措施字段不合法，逐项指明字段（invalid_measure），或请求体不合法（validation_error）",
    }
    for code, description in described.items():
        if code in responses:
            responses[code] = {"model": ErrorResponse, "description": description}
    return responses


# --- builders shared with the CLI ----------------------------------------------------------------------------


def measure_list(
    store: Store,
    at: dt.date | None = None,
    *,
    version: int | None = None,
    kind: ListKind | None = None,
    list_type: str | None = None,
    implementing_department: str | None = None,
    business_item: str | None = None,
) -> MeasureListResponse:
    """The list in force on ``at`` (default today), or version ``version`` whole, filtered."""
    filters: dict[str, Any] = {
        "kind": kind,
        "list_type": list_type or None,
        "implementing_department": implementing_department or None,
        "business_item": business_item or None,
    }
    if version is not None:
        found = measures.require_version(store, version)
        return MeasureListResponse.of_version(
            found, measures.filter_records(store.measures_of_version(version), **filters)
        )
    listing = measures.listing(store, at)
    return MeasureListResponse.from_listing(listing, measures.filter_records(listing.records, **filters))


def versions(store: Store) -> MeasureVersionsResponse:
    found = store.measure_versions()
    current = measures.version_on(found, dt.date.today())
    return MeasureVersionsResponse(
        current=None if current is None else current.version,
        versions=[MeasureVersionOut.from_record(version) for version in found],
    )


def version_diff(store: Store, before: int, after: int) -> VersionDiffResponse:
    diff = MeasureDiffOut.from_diff(measures.version_diff(store, before, after))
    return VersionDiffResponse(from_version=before, to_version=after, **diff.model_dump())


def draft(store: Store) -> DraftResponse:
    return DraftResponse.from_view(measures.draft_view(store))


def draft_measure(store: Store, measure_id: str) -> DraftMeasureResponse:
    current, proposed = measures.draft_view(store).measure(measure_id)
    if current is None and proposed is None:
        raise NotFound(f"当前措施清单及草稿中都没有措施 {measure_id}")
    return DraftMeasureResponse.of(measure_id, current, proposed)


def publish(store: Store, *, actor: str, note: str, on: dt.date | None) -> PublicationResponse:
    before = [version.version for version in store.measure_versions()]
    published = measures.publish(store, actor=actor, note=note, on=on)
    diff = (
        measures.version_diff(store, before[-1], published.version)
        if before
        else measures.diff_measures(
            [], [record.measure for record in store.measures_of_version(published.version)]
        )
    )
    return PublicationResponse(
        version=MeasureVersionOut.from_record(published), diff=MeasureDiffOut.from_diff(diff)
    )


def changes(store: Store, *, measure_id: str | None = None, limit: int = 100) -> MeasureChangesResponse:
    return MeasureChangesResponse(
        changes=[
            MeasureChangeOut.from_record(change)
            for change in store.measure_changes(measure_id=measure_id, limit=limit)
        ]
    )


# --- the public list -----------------------------------------------------------------------------------------


@router.get(
    "/v1/public/measures",
    dependencies=[public()],
    tags=["public"],
    summary="联合奖惩措施清单公示 / the published measures list",
    description=(
        "The measures list in force on `at` (default today; §五(一) 向社会公示): for each measure the "
        "list type and kind, target, content, initiating and implementing departments, legal basis, business "
        "items and sharing method, with the version it belongs to. A past `at` gives the version in force "
        "that day (R11). Filters: `kind`, `list_type`, `implementing_department`, `business_item` (a measure "
        "listing no business item applies to all)."
    ),
    response_model=MeasureListResponse,
    responses=measures_errors(400, 422, 503),
)
def public_measures(
    store: StoreDep,
    at: AtDep,
    kind: KindQuery = None,
    list_type: ListTypeQuery = None,
    implementing_department: DepartmentQuery = None,
    business_item: BusinessItemQuery = None,
) -> MeasureListResponse:
    return measure_list(
        store,
        at,
        kind=kind,
        list_type=list_type,
        implementing_department=implementing_department,
        business_item=business_item,
    )


# --- versions ------------------------------------------------------------------------------------------------


@router.get(
    "/v1/measures/versions",
    dependencies=[require(Role.CREDIT_ADMIN)],
    summary="措施清单的全部版本 / every version of the measures list",
    response_model=MeasureVersionsResponse,
    responses=measures_errors(503),
)
def get_versions(store: StoreDep) -> MeasureVersionsResponse:
    return versions(store)


@router.get(
    "/v1/measures/versions/{version}",
    dependencies=[require(Role.CREDIT_ADMIN)],
    summary="某一版本的完整清单 / one version read back whole",
    response_model=MeasureListResponse,
    responses=measures_errors(404, 422, 503),
)
def get_version(store: StoreDep, version: VersionPath) -> MeasureListResponse:
    return measure_list(store, version=version)


@router.get(
    "/v1/measures/versions/{before}/diff/{after}",
    dependencies=[require(Role.CREDIT_ADMIN)],
    summary="两个版本之间的差异 / what changed between two versions, field by field",
    response_model=VersionDiffResponse,
    responses=measures_errors(404, 422, 503),
)
def get_diff(store: StoreDep, before: VersionPath, after: VersionPath) -> VersionDiffResponse:
    return version_diff(store, before, after)


@router.get(
    "/v1/measures/changes",
    dependencies=[require(Role.CREDIT_ADMIN)],
    summary="措施清单变更记录 / every change: draft edits, imports, publications",
    response_model=MeasureChangesResponse,
    responses=measures_errors(422, 503),
)
def get_changes(
    store: StoreDep,
    measure_id: Annotated[
        str | None, Query(max_length=64, description="只看某一措施 / one measure only")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="最多条数 / at most")] = 100,
) -> MeasureChangesResponse:
    return changes(store, measure_id=measure_id or None, limit=limit)


# --- the draft -----------------------------------------------------------------------------------------------


@router.get(
    "/v1/measures/draft",
    dependencies=[require(Role.CREDIT_ADMIN)],
    summary="下一版本的草稿 / the draft of the next version and what publishing it would change",
    response_model=DraftResponse,
    responses=measures_errors(503),
)
def get_draft(store: StoreDep) -> DraftResponse:
    return draft(store)


@router.delete(
    "/v1/measures/draft",
    dependencies=[require(Role.CREDIT_ADMIN)],
    summary="放弃草稿 / drop every change of the draft",
    response_model=DiscardResponse,
    responses=measures_errors(400, 422, 503),
)
def discard(store: StoreDep, actor: ActorQuery = "") -> DiscardResponse:
    return DiscardResponse(discarded=measures.discard_draft(store, actor=actor))


@router.post(
    "/v1/measures/draft/publish",
    dependencies=[require(Role.CREDIT_ADMIN)],
    summary="发布草稿为新版本 / publish the draft as the next version",
    description=(
        "The draft becomes version N+1, in force from `on` (default today): the measures it changes or removes "
        "stop applying on the day before, a check asked about an earlier day still uses the version in force "
        "then (R11). Refused with 409 `nothing_to_publish` when the draft is empty, changes nothing, or would "
        "leave no measure; 400 when `on` is after today or before the latest version's day."
    ),
    status_code=status.HTTP_201_CREATED,
    response_model=PublicationResponse,
    responses=measures_errors(400, 409, 422, 503),
)
def publish_draft(store: StoreDep, body: PublishRequest) -> PublicationResponse:
    return publish(store, actor=body.actor, note=body.note, on=parse_date(body.on, name="on"))


@router.get(
    "/v1/measures/draft/{measure_id}",
    dependencies=[require(Role.CREDIT_ADMIN)],
    summary="草稿中的一项措施 / one measure in the draft against the current list",
    response_model=DraftMeasureResponse,
    responses=measures_errors(404, 422, 503),
)
def get_draft_measure(store: StoreDep, measure_id: MeasureIdPath) -> DraftMeasureResponse:
    return draft_measure(store, measure_id)


@router.put(
    "/v1/measures/draft/{measure_id}",
    dependencies=[require(Role.CREDIT_ADMIN)],
    summary="在草稿中新增或修改措施 / add or change a measure in the draft (every field)",
    description=(
        "Every field is checked; a 422 `invalid_measure` names each bad field in Chinese. Nothing applies "
        "before the draft is published."
    ),
    response_model=DraftMeasureResponse,
    responses=measures_errors(400, 409, 422, 503),
)
def put_draft_measure(
    store: StoreDep, measure_id: MeasureIdPath, body: MeasureRequest
) -> DraftMeasureResponse:
    measures.set_measure(store, measure_id, body.fields(), actor=body.actor)
    return draft_measure(store, measure_id.strip())


@router.delete(
    "/v1/measures/draft/{measure_id}",
    dependencies=[require(Role.CREDIT_ADMIN)],
    summary="在草稿中删除措施 / remove a measure in the draft",
    description="A measure only the draft added just leaves the draft.",
    response_model=DraftResponse,
    responses=measures_errors(400, 404, 409, 422, 503),
)
def delete_draft_measure(store: StoreDep, measure_id: MeasureIdPath, actor: ActorQuery = "") -> DraftResponse:
    measures.remove_measure(store, measure_id, actor=actor)
    return draft(store)


@router.post(
    "/v1/measures/draft/{measure_id}/revert",
    dependencies=[require(Role.CREDIT_ADMIN)],
    summary="撤回草稿中对某措施的修改 / drop the draft's change to one measure",
    response_model=DraftResponse,
    responses=measures_errors(400, 404, 409, 422, 503),
)
def revert_draft_measure(store: StoreDep, measure_id: MeasureIdPath, body: ActorRequest) -> DraftResponse:
    measures.revert_measure(store, measure_id, actor=body.actor)
    return draft(store)


__all__ = [
    "changes",
    "draft",
    "draft_measure",
    "measure_list",
    "publish",
    "router",
    "version_diff",
    "versions",
]
