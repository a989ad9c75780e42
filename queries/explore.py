"""Exploring the linkage graph for investigators: search, the neighbourhood of a subject, shortest paths
between two subjects, and why a subject is restricted (the paths behind its check).

Everything here reads through the store port with a bounded number of calls per request (a handful per
hop), never by loading the city: the neighbourhood asks per hop for the frontier's degrees, then for the
edges of its nodes in one call (a node with more edges than ``page_size`` is *collapsed*: one paged call
for its first ``page_size`` edges), then for the new nodes' subjects and list-status badges in one call
each. Paths are a bidirectional breadth-first search over :meth:`Store.role_edges` that stops at a hard
cap of visited nodes.

Node ids are ``"<subject_type>:<code>"`` and edge ids ``"role:<pk>"`` (:func:`node_id`, :func:`edge_id`).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

import networkx as nx

from graph.errors import InvalidRequest
from graph.model import Role
from graph.store.port import RoleEdge, StatusFlag, Store, SubjectRecord
from queries.check import CheckItem, check_subject

#: Hard caps of the graph views: what a request may ask for at most.
HARD_MAX_NODES = 2000
HARD_PAGE_SIZE = 200
MAX_HOPS = 3
MAX_PATH_HOPS = 6
MAX_PATHS = 20
MAX_SEARCH = 100
#: A path search that would visit more subjects than this stops and says so.
PATH_VISIT_CAP = 20_000
#: Edges of the subject shown around the paths of the "why" view.
WHY_CONTEXT_EDGES = 50


def node_id(subject: SubjectRecord) -> str:
    return f"{subject.subject_type.value}:{subject.code}"


def edge_id(edge: RoleEdge) -> str:
    return f"role:{edge.pk}"


def held_on(edge: RoleEdge, day: dt.date) -> bool:
    return (edge.start is None or edge.start <= day) and (edge.end is None or day <= edge.end)


def parse_roles(text: str | None) -> frozenset[Role] | None:
    """Comma-separated role codes (``legal_representative,principal``); empty or ``None`` means all."""
    if text is None or not text.strip():
        return None
    roles: set[Role] = set()
    for part in text.split(","):
        name = part.strip()
        if not name:
            continue
        try:
            roles.add(Role(name))
        except ValueError:
            known = "、".join(role.value for role in Role)
            raise InvalidRequest(f"未知的角色 {name!r}；可选：{known}") from None
    return frozenset(roles) or None


@dataclass(frozen=True, slots=True)
class GraphNode:
    """A subject shown in a graph view. ``degree`` counts its role edges (with the view's date and role
    filters); ``more`` how many of them the view does not show; ``hop`` its distance from the centre (or
    from the start of a path), ``None`` where the view has no centre."""

    subject: SubjectRecord
    flags: frozenset[StatusFlag]
    hop: int | None
    degree: int
    more: int

    @property
    def id(self) -> str:
        return node_id(self.subject)


@dataclass(frozen=True, slots=True)
class GraphPart:
    """Nodes and the role edges between them; every edge's two ends are among the nodes."""

    nodes: tuple[GraphNode, ...]
    edges: tuple[RoleEdge, ...]

    def subjects(self) -> dict[int, SubjectRecord]:
        return {node.subject.pk: node.subject for node in self.nodes}


def describe_nodes(
    store: Store,
    order: Iterable[int],
    edges: Iterable[RoleEdge],
    *,
    flags_on: dt.date,
    at: dt.date | None,
    roles: Collection[Role] | None,
    hops: Mapping[int, int] | None = None,
    subjects: Mapping[int, SubjectRecord] | None = None,
    flags: Mapping[int, frozenset[StatusFlag]] | None = None,
    degrees: Mapping[int, int] | None = None,
) -> GraphPart:
    """The nodes ``order`` (keys, in that order) with their subject, badges and degree, and the ``edges``
    between them. What the caller already read (``subjects``, ``flags``, ``degrees``) is not read again;
    the rest is read in one call each."""
    pks = list(dict.fromkeys(order))
    known_subjects = dict(subjects or {})
    missing = [pk for pk in pks if pk not in known_subjects]
    if missing:
        known_subjects.update(store.subjects_by_pk(missing))
    pks = [pk for pk in pks if pk in known_subjects]
    known_flags = dict(flags) if flags is not None else store.status_flags(pks, flags_on) if pks else {}
    known_degrees = dict(degrees or {})
    missing = [pk for pk in pks if pk not in known_degrees]
    if missing:
        fetched = store.role_degrees(missing, at=at, roles=roles)
        known_degrees.update({pk: fetched.get(pk, 0) for pk in missing})
    shown = set(pks)
    kept = tuple(
        edge
        for edge in sorted({edge.pk: edge for edge in edges}.values(), key=lambda edge: edge.pk)
        if edge.holder_pk in shown and edge.enterprise_pk in shown
    )
    incident: dict[int, int] = {}
    for edge in kept:
        incident[edge.holder_pk] = incident.get(edge.holder_pk, 0) + 1
        if edge.enterprise_pk != edge.holder_pk:
            incident[edge.enterprise_pk] = incident.get(edge.enterprise_pk, 0) + 1
    nodes = tuple(
        GraphNode(
            subject=known_subjects[pk],
            flags=known_flags.get(pk, frozenset()),
            hop=None if hops is None else hops.get(pk),
            degree=known_degrees[pk],
            more=max(0, known_degrees[pk] - incident.get(pk, 0)),
        )
        for pk in pks
    )
    return GraphPart(nodes=nodes, edges=kept)


# --- search ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SearchResult:
    query: str
    at: dt.date
    items: tuple[tuple[SubjectRecord, frozenset[StatusFlag]], ...]
    truncated: bool


def search(store: Store, text: str, *, limit: int = 20, at: dt.date | None = None) -> SearchResult:
    """Subjects matching ``text`` (code, code prefix or part of a name), with their badges on ``at``."""
    day = at or dt.date.today()
    found = store.search_subjects(text, limit=limit + 1)
    items = found[:limit]
    flags = store.status_flags([subject.pk for subject in items], day) if items else {}
    return SearchResult(
        query=text.strip(),
        at=day,
        items=tuple((subject, flags.get(subject.pk, frozenset())) for subject in items),
        truncated=len(found) > limit,
    )


# --- the neighbourhood -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Neighbourhood:
    center: SubjectRecord
    #: The date the roles were filtered on (``None``: every role ever held).
    at: dt.date | None
    #: The date of the badges and of ``in_force`` (``at``, else today).
    flags_on: dt.date
    hops: int
    max_nodes: int
    page_size: int
    offset: int
    graph: GraphPart
    truncated: bool
    message: str | None


def neighbourhood(
    store: Store,
    center: SubjectRecord,
    *,
    hops: int = 1,
    at: dt.date | None = None,
    roles: Collection[Role] | None = None,
    max_nodes: int = 300,
    page_size: int = 50,
    offset: int = 0,
    today: dt.date | None = None,
) -> Neighbourhood:
    """The subjects within ``hops`` role edges of ``center``, hop by hop, at most ``max_nodes``.

    The centre's edges are read one page at a time (``offset``, ``page_size``); a node further out with
    more than ``page_size`` edges is collapsed: only its first ``page_size`` edges (by key) are followed.
    When ``max_nodes`` is reached the view is ``truncated`` and no further hop is read.

    Notes: per hop one degree call, one edge call (plus one per collapsed node), one subject call and
    one badge call; edges between two nodes of the last hop are not read.
    """
    flags_on = at or today or dt.date.today()
    hop_of: dict[int, int] = {center.pk: 0}
    subjects: dict[int, SubjectRecord] = {center.pk: center}
    flags: dict[int, frozenset[StatusFlag]] = dict(store.status_flags([center.pk], flags_on))
    degrees: dict[int, int] = {}
    edges: dict[int, RoleEdge] = {}
    frontier = [center.pk]
    truncated = False
    for hop in range(hops):
        counted = store.role_degrees(frontier, at=at, roles=roles)
        degrees.update({pk: counted.get(pk, 0) for pk in frontier})
        fetched: list[RoleEdge] = []
        if hop == 0:
            fetched = store.role_edges([center.pk], at=at, roles=roles, offset=offset, limit=page_size)
        else:
            open_nodes = [pk for pk in frontier if 0 < degrees[pk] <= page_size]
            if open_nodes:
                fetched.extend(store.role_edges(open_nodes, at=at, roles=roles))
            for pk in frontier:
                if degrees[pk] > page_size:
                    fetched.extend(store.role_edges([pk], at=at, roles=roles, limit=page_size))
        added: list[int] = []
        for edge in sorted({edge.pk: edge for edge in fetched}.values(), key=lambda edge: edge.pk):
            for end in (edge.holder_pk, edge.enterprise_pk):
                if end in hop_of:
                    continue
                if len(hop_of) >= max_nodes:
                    truncated = True
                    continue
                hop_of[end] = hop + 1
                added.append(end)
            if edge.holder_pk in hop_of and edge.enterprise_pk in hop_of:
                edges[edge.pk] = edge
        if added:
            subjects.update(store.subjects_by_pk(added))
            flags.update(store.status_flags(added, flags_on))
        frontier = added
        if truncated or not frontier:
            break
    graph = describe_nodes(
        store,
        hop_of,
        edges.values(),
        flags_on=flags_on,
        at=at,
        roles=roles,
        hops=hop_of,
        subjects=subjects,
        flags=flags,
        degrees=degrees,
    )
    message = None
    if truncated:
        message = (
            f"节点数已达上限 {max_nodes}，部分关联未显示；可减少跳数、按角色或日期筛选，或单独展开某个节点"
        )
    return Neighbourhood(
        center=center,
        at=at,
        flags_on=flags_on,
        hops=hops,
        max_nodes=max_nodes,
        page_size=page_size,
        offset=offset,
        graph=graph,
        truncated=truncated,
        message=message,
    )


# --- shortest paths --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GraphPath:
    """One shortest path: its nodes from start to end and, per step, the edge (lowest key) it takes."""

    nodes: tuple[int, ...]
    edges: tuple[int, ...]

    @property
    def length(self) -> int:
        return len(self.edges)


@dataclass(frozen=True, slots=True)
class PathsResult:
    source: SubjectRecord
    target: SubjectRecord
    max_hops: int
    flags_on: dt.date
    paths: tuple[GraphPath, ...]
    graph: GraphPart
    truncated: bool
    message: str | None


@dataclass(frozen=True, slots=True)
class _Search:
    pulled: dict[int, RoleEdge]
    length: int | None
    truncated: bool
    exhausted: bool


def _bidirectional_search(
    store: Store,
    source: int,
    target: int,
    *,
    max_hops: int,
    at: dt.date | None,
    roles: Collection[Role] | None,
    visit_cap: int,
) -> _Search:
    """Breadth-first from both ends, one level at a time on the smaller frontier, until they meet.

    Every node of a level is expanded whole, so the edges pulled hold every shortest path (an edge of
    such a path leaves a node expanded from one side or the other)."""
    if source == target:
        return _Search({}, 0, truncated=False, exhausted=False)
    distance: tuple[dict[int, int], dict[int, int]] = ({source: 0}, {target: 0})
    frontier: list[list[int]] = [[source], [target]]
    level = [0, 0]
    pulled: dict[int, RoleEdge] = {}
    while level[0] + level[1] < max_hops:
        side = 0 if len(frontier[0]) <= len(frontier[1]) else 1
        if not frontier[side]:
            return _Search(pulled, None, truncated=False, exhausted=True)
        counted = store.role_degrees(frontier[side], at=at, roles=roles)
        if len(distance[0]) + len(distance[1]) + sum(counted.values()) > visit_cap:
            return _Search(pulled, None, truncated=True, exhausted=False)
        level[side] += 1
        reached: list[int] = []
        for edge in store.role_edges(frontier[side], at=at, roles=roles):
            pulled[edge.pk] = edge
            for end in (edge.holder_pk, edge.enterprise_pk):
                if end not in distance[side]:
                    distance[side][end] = level[side]
                    reached.append(end)
        frontier[side] = reached
        other = distance[1 - side]
        meetings = [level[side] + other[pk] for pk in reached if pk in other]
        if meetings:
            return _Search(pulled, min(meetings), truncated=False, exhausted=False)
    return _Search(pulled, None, truncated=False, exhausted=False)


def shortest_paths_in(
    edges: Iterable[RoleEdge], source: int, target: int, *, limit: int
) -> tuple[tuple[GraphPath, ...], tuple[RoleEdge, ...]]:
    """Up to ``limit`` shortest paths from ``source`` to ``target`` over ``edges`` (all of the minimal
    length, ordered by their nodes' keys), and every edge joining consecutive nodes of one of them.
    Pure; parallel edges (two roles between the same two subjects) make one step."""
    graph: nx.Graph[int] = nx.Graph()
    between: dict[frozenset[int], list[RoleEdge]] = {}
    for edge in sorted(edges, key=lambda edge: edge.pk):
        graph.add_edge(edge.holder_pk, edge.enterprise_pk)
        between.setdefault(frozenset((edge.holder_pk, edge.enterprise_pk)), []).append(edge)
    if source == target:
        return (GraphPath(nodes=(source,), edges=()),), ()
    if source not in graph or target not in graph:
        return (), ()
    try:
        found = [
            tuple(path) for path in itertools.islice(nx.all_shortest_paths(graph, source, target), limit)
        ]
    except nx.NetworkXNoPath:
        return (), ()
    paths = []
    shown: dict[int, RoleEdge] = {}
    for nodes in sorted(found):
        steps = [between[frozenset(pair)] for pair in itertools.pairwise(nodes)]
        paths.append(GraphPath(nodes=nodes, edges=tuple(step[0].pk for step in steps)))
        shown.update({edge.pk: edge for step in steps for edge in step})
    return tuple(paths), tuple(shown[pk] for pk in sorted(shown))


def shortest_paths(
    store: Store,
    source: SubjectRecord,
    target: SubjectRecord,
    *,
    max_hops: int = MAX_PATH_HOPS,
    at: dt.date | None = None,
    roles: Collection[Role] | None = None,
    limit: int = 5,
    visit_cap: int = PATH_VISIT_CAP,
    today: dt.date | None = None,
) -> PathsResult:
    """The shortest paths (up to ``max_hops`` edges, at most ``limit`` of them) from ``source`` to
    ``target`` over the role edges in force on ``at`` (every edge ever when ``None``) of ``roles``.

    Notes: a bidirectional breadth-first search, each level one degree call and one edge call on the
    smaller frontier; it stops (``truncated``) before visiting more than ``visit_cap`` subjects."""
    flags_on = at or today or dt.date.today()
    searched = _bidirectional_search(
        store, source.pk, target.pk, max_hops=max_hops, at=at, roles=roles, visit_cap=visit_cap
    )
    paths: tuple[GraphPath, ...] = ()
    edges: tuple[RoleEdge, ...] = ()
    if source.pk == target.pk or searched.length is not None:
        paths, edges = shortest_paths_in(searched.pulled.values(), source.pk, target.pk, limit=limit)
    message = None
    if searched.truncated:
        message = f"搜索范围超过 {visit_cap} 个主体仍未找到关联路径，已停止；可按日期或角色筛选后重试"
    elif not paths and searched.exhausted:
        message = "两者之间不存在关联路径（按当前日期和角色筛选）"
    elif not paths:
        message = f"{max_hops} 跳以内未找到关联路径"
    hop_of: dict[int, int] = {}
    for path in paths:
        for index, pk in enumerate(path.nodes):
            hop_of[pk] = min(index, hop_of.get(pk, index))
    subjects = {source.pk: source, target.pk: target}
    graph = describe_nodes(
        store,
        hop_of,
        edges,
        flags_on=flags_on,
        at=at,
        roles=roles,
        hops=hop_of,
        subjects=subjects,
    )
    return PathsResult(
        source=source,
        target=target,
        max_hops=max_hops,
        flags_on=flags_on,
        paths=paths,
        graph=graph,
        truncated=searched.truncated,
        message=message,
    )


# --- why a subject is restricted -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WhyItem:
    """One item of the subject's check, with what to highlight: the role edge and firm of a derived
    record, or the subject itself for its own entry."""

    item: CheckItem
    enterprise: SubjectRecord | None
    edge: RoleEdge | None


@dataclass(frozen=True, slots=True)
class WhyResult:
    subject: SubjectRecord
    at: dt.date
    business_item: str | None
    items: tuple[WhyItem, ...]
    graph: GraphPart
    highlight_nodes: tuple[int, ...]
    highlight_edges: tuple[int, ...]


def why(
    store: Store, subject: SubjectRecord, *, at: dt.date | None = None, business_item: str | None = None
) -> WhyResult:
    """Why ``subject`` is restricted (or incentivised) on ``at``: the items of its check, each with the
    path to highlight in the graph (firm and role edge for a derived record), and the subject's first
    edges around them for context."""
    result = check_subject(store, subject, business_item=business_item, at=at)
    own_edges = store.role_edges([subject.pk])
    by_pk = {edge.pk: edge for edge in own_edges}
    path_edges: dict[int, RoleEdge] = {}
    for item in result.items:
        if item.path is not None and item.path.role.pk in by_pk:
            path_edges[item.path.role.pk] = by_pk[item.path.role.pk]
    firms = store.subjects_by_pk({edge.enterprise_pk for edge in path_edges.values()})
    items = []
    for item in result.items:
        edge = path_edges.get(item.path.role.pk) if item.path is not None else None
        firm = firms.get(edge.enterprise_pk) if edge is not None else None
        items.append(WhyItem(item=item, enterprise=firm, edge=edge))
    context = [edge for edge in own_edges if edge.pk not in path_edges][:WHY_CONTEXT_EDGES]
    shown_edges = [*path_edges.values(), *context]
    order = [subject.pk]
    for edge in shown_edges:
        order.extend((edge.holder_pk, edge.enterprise_pk))
    hop_of = {pk: (0 if pk == subject.pk else 1) for pk in order}
    graph = describe_nodes(
        store,
        order,
        shown_edges,
        flags_on=result.at,
        at=None,
        roles=None,
        hops=hop_of,
        subjects={subject.pk: subject, **firms},
    )
    highlight_nodes = [subject.pk, *(edge.enterprise_pk for edge in path_edges.values())]
    return WhyResult(
        subject=subject,
        at=result.at,
        business_item=business_item,
        items=tuple(items),
        graph=graph,
        highlight_nodes=tuple(dict.fromkeys(highlight_nodes)),
        highlight_edges=tuple(sorted(path_edges)),
    )
