"""The linkage graph for investigators: search, neighbourhood (JSON, GraphML, CSV), paths, why, impact.

Every limit is a parameter with a default and a hard cap; a request over a cap is refused with 422
``over_cap`` naming the cap, never left to time out.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Annotated, Literal

import networkx as nx
from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from api.auth import require
from api.deps import AtDep, BusinessItemQuery, StoreDep, SubjectTypeQuery
from api.errors import OverCap, error_responses
from api.graph_schemas import (
    ImpactResponse,
    NeighbourhoodResponse,
    PathsResponse,
    SearchResponse,
    WhyResponse,
)
from api.masking import SightDep, mask_model
from api.principal import Role as AccessRole
from graph.ids import SubjectType
from queries.explore import (
    HARD_MAX_NODES,
    HARD_PAGE_SIZE,
    MAX_HOPS,
    MAX_PATH_HOPS,
    MAX_PATHS,
    MAX_SEARCH,
    neighbourhood,
    parse_roles,
    search,
    shortest_paths,
    why,
)
from queries.impact import impact
from queries.subjects import resolve_subject

router = APIRouter(tags=["graph"], dependencies=[require(AccessRole.INVESTIGATOR, AccessRole.CREDIT_ADMIN)])

SubjectQuery = Annotated[
    str,
    Query(
        description="主体代码：统一社会信用代码或身份证号码 / a USCC or a resident id number",
        examples=["91320402MA1XY23451"],
    ),
]
RolesQuery = Annotated[
    str | None,
    Query(
        description="按角色筛选，逗号分隔（默认全部） / role codes, comma-separated (default all)",
        examples=["legal_representative,principal"],
    ),
]


def check_cap(name: str, value: int, cap: int) -> None:
    """Refuse ``value`` above ``cap`` with :class:`OverCap` naming the parameter and the cap."""
    if value > cap:
        raise OverCap(f"参数 {name}={value} 超过上限 {cap}；请调小该参数（或缩小范围后分页查看）")


@router.get(
    "/v1/search",
    summary="检索主体 / search subjects by code, code prefix or part of a name, with list-status badges",
    response_model=SearchResponse,
    responses=error_responses(400, 422, 503),
)
def search_subjects(
    store: StoreDep,
    at: AtDep,
    q: Annotated[
        str, Query(description="检索词 / code, code prefix or part of a name", examples=["示例建设"])
    ],
    limit: Annotated[int, Query(ge=1, description=f"最多返回条数（上限 {MAX_SEARCH}） / at most")] = 20,
) -> SearchResponse:
    check_cap("limit", limit, MAX_SEARCH)
    return SearchResponse.from_result(search(store, q, limit=limit, at=at))


class NeighbourhoodParams:
    """The query of the neighbourhood, shared by its JSON, GraphML and CSV forms."""

    def __init__(
        self,
        subject: SubjectQuery,
        at: AtDep,
        subject_type: SubjectTypeQuery = None,
        hops: Annotated[int, Query(ge=1, description=f"跳数 1–{MAX_HOPS} / hops")] = 1,
        roles: RolesQuery = None,
        max_nodes: Annotated[
            int,
            Query(
                ge=1,
                description=f"节点上限（最大 {HARD_MAX_NODES}） / node limit (hard cap {HARD_MAX_NODES})",
            ),
        ] = 300,
        page_size: Annotated[
            int,
            Query(
                ge=1,
                description=f"每个节点显示的边数（最大 {HARD_PAGE_SIZE}）；超过即折叠 / edges per node; more collapses it",
            ),
        ] = 50,
        offset: Annotated[
            int,
            Query(ge=0, description="中心节点的边从第几条起 / skip this many of the centre's edges (paging)"),
        ] = 0,
    ) -> None:
        check_cap("hops", hops, MAX_HOPS)
        check_cap("max_nodes", max_nodes, HARD_MAX_NODES)
        check_cap("page_size", page_size, HARD_PAGE_SIZE)
        self.subject = subject
        self.subject_type = subject_type
        self.at = at
        self.hops = hops
        self.roles = parse_roles(roles)
        self.max_nodes = max_nodes
        self.page_size = page_size
        self.offset = offset


NeighbourhoodDep = Annotated[NeighbourhoodParams, Depends()]


def _neighbourhood(store: StoreDep, params: NeighbourhoodParams) -> NeighbourhoodResponse:
    center = resolve_subject(store, params.subject, params.subject_type)
    result = neighbourhood(
        store,
        center,
        hops=params.hops,
        at=params.at,
        roles=params.roles,
        max_nodes=params.max_nodes,
        page_size=params.page_size,
        offset=params.offset,
    )
    return NeighbourhoodResponse.from_result(result)


@router.get(
    "/v1/graph/neighbourhood",
    summary="关联图谱 / the neighbourhood of a subject, 1–3 hops, as of a date, paged and capped",
    description=(
        "Subjects within `hops` role edges of the subject. `at` shows the graph as of that date (only roles in "
        "force then; badges on that date). A node with more than `page_size` edges is collapsed: only its first "
        "`page_size` edges (by key) are followed and `more` counts the rest; expand it by asking for it as the "
        "subject with `hops=1` and `offset` = k·`page_size`. Over `max_nodes` the view is `truncated`."
    ),
    response_model=NeighbourhoodResponse,
    responses=error_responses(400, 404, 409, 422, 503),
)
def get_neighbourhood(store: StoreDep, params: NeighbourhoodDep) -> NeighbourhoodResponse:
    return _neighbourhood(store, params)


def _graphml_value(value: object) -> str | int | float | bool | None:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def neighbourhood_graphml(view: NeighbourhoodResponse) -> str:
    """The view as GraphML (a directed multigraph: holder → enterprise), through networkx."""
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph(
        center=view.center, at=view.at.isoformat() if view.at else ""
    )
    for node in view.nodes:
        attributes = node.model_dump(mode="json", exclude={"id"})
        attributes["flags"] = ";".join(node.flags)
        graph.add_node(node.id, **{key: value for key, value in attributes.items() if value is not None})
    for edge in view.edges:
        attributes = edge.model_dump(mode="json", exclude={"id", "source", "target"})
        clean = {key: _graphml_value(value) for key, value in attributes.items() if value is not None}
        graph.add_edge(edge.source, edge.target, key=edge.id, id=edge.id, **clean)
    return "\n".join(nx.generate_graphml(graph))


@router.get(
    "/v1/graph/neighbourhood.graphml",
    summary="关联图谱导出 GraphML / the neighbourhood as GraphML",
    response_class=Response,
    responses={200: {"content": {"application/graphml+xml": {}}}, **error_responses(400, 404, 409, 422, 503)},
)
def get_neighbourhood_graphml(store: StoreDep, params: NeighbourhoodDep, sight: SightDep) -> Response:
    view = mask_model(_neighbourhood(store, params), sight)
    filename = view.center.replace(":", "-") + ".graphml"
    return Response(
        content=neighbourhood_graphml(view),
        media_type="application/graphml+xml",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


#: A cell starting with one of these would be taken as a formula by a spreadsheet (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """A value as a CSV cell: ``None`` empty, booleans ``true``/``false``, and text that a spreadsheet would
    run as a formula prefixed with an apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = ";".join(str(item) for item in value) if isinstance(value, list) else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


NODE_COLUMNS = ("id", "subject_type", "code", "name", "flags", "hop", "degree", "more", "enterprise_status")
EDGE_COLUMNS = ("id", "source", "target", "role", "role_name", "start", "end", "ratio", "in_force")


def neighbourhood_csv(view: NeighbourhoodResponse, part: Literal["nodes", "edges"]) -> str:
    """The view's nodes or edges as CSV, with a byte-order mark so that Excel reads it as UTF-8."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    columns = NODE_COLUMNS if part == "nodes" else EDGE_COLUMNS
    writer.writerow(columns)
    rows = view.nodes if part == "nodes" else view.edges
    for row in rows:
        data = row.model_dump(mode="json")
        writer.writerow([csv_cell(data[column]) for column in columns])
    return out.getvalue()


@router.get(
    "/v1/graph/neighbourhood.csv",
    summary="关联图谱导出 CSV / the neighbourhood's nodes or edges as CSV (UTF-8 with BOM)",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}, **error_responses(400, 404, 409, 422, 503)},
)
def get_neighbourhood_csv(
    store: StoreDep,
    params: NeighbourhoodDep,
    sight: SightDep,
    part: Annotated[Literal["nodes", "edges"], Query(description="nodes | edges")] = "nodes",
) -> Response:
    view = mask_model(_neighbourhood(store, params), sight)
    filename = f"{view.center.replace(':', '-')}-{part}.csv"
    return Response(
        content=neighbourhood_csv(view, part).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get(
    "/v1/graph/paths",
    summary="关联路径 / the shortest paths between two subjects (up to 6 hops)",
    description=(
        "Every shortest path (up to `limit`) from `from` to `to` over the role edges (in force on `at` when "
        "given, of `roles` when given). A search that would visit too many subjects stops with `truncated`."
    ),
    response_model=PathsResponse,
    responses=error_responses(400, 404, 409, 422, 503),
)
def get_paths(
    store: StoreDep,
    at: AtDep,
    source: Annotated[str, Query(alias="from", description="起点主体代码 / the start's code")],
    target: Annotated[str, Query(alias="to", description="终点主体代码 / the end's code")],
    source_type: Annotated[SubjectType | None, Query(alias="from_type")] = None,
    target_type: Annotated[SubjectType | None, Query(alias="to_type")] = None,
    max_hops: Annotated[
        int, Query(ge=1, description=f"最大跳数（上限 {MAX_PATH_HOPS}） / at most")
    ] = MAX_PATH_HOPS,
    roles: RolesQuery = None,
    limit: Annotated[int, Query(ge=1, description=f"最多路径数（上限 {MAX_PATHS}） / at most")] = 5,
) -> PathsResponse:
    check_cap("max_hops", max_hops, MAX_PATH_HOPS)
    check_cap("limit", limit, MAX_PATHS)
    role_filter = parse_roles(roles)
    start = resolve_subject(store, source, source_type)
    end = resolve_subject(store, target, target_type)
    result = shortest_paths(store, start, end, max_hops=max_hops, at=at, roles=role_filter, limit=limit)
    return PathsResponse.from_result(result)


@router.get(
    "/v1/graph/why",
    summary="限制原因 / why a subject is restricted: each entry with its path, measures and legal basis",
    response_model=WhyResponse,
    responses=error_responses(400, 404, 409, 422, 503),
)
def get_why(
    store: StoreDep,
    subject: SubjectQuery,
    at: AtDep,
    subject_type: SubjectTypeQuery = None,
    business_item: BusinessItemQuery = None,
) -> WhyResponse:
    found = resolve_subject(store, subject, subject_type)
    return WhyResponse.from_result(why(store, found, at=at, business_item=business_item or None))


@router.get(
    "/v1/graph/impact",
    summary="影响预览 / what an entry reaches (or would reach once effective): persons, measures, departments",
    description=(
        "Computed with the real propagation rules on the entry treated as effective; nothing is written. "
        "`preview` is true when the entry does not reach anyone by its status (draft, publicised, revoked)."
    ),
    response_model=ImpactResponse,
    responses=error_responses(404, 422, 503),
)
def get_impact(
    store: StoreDep,
    entry_id: Annotated[str, Query(description="名单记录编号 / the entry id", examples=["CZ-B-2024-000007"])],
) -> ImpactResponse:
    today = dt.date.today()
    return ImpactResponse.from_result(impact(store, entry_id, today=today), today)
