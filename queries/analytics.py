"""networkx analytics for investigators, over subgraphs pulled from the store (never the whole city).

The pure functions take role edges (and what is known of their ends) and return plain data; each has a
thin counterpart below that pulls its subgraph through the store port:

* :func:`group_graph` / :func:`key_persons` — the 关联圈 around a subject: enterprises connected through
  the persons they share (a bipartite enterprise–person component), and who holds it together.
* :func:`shared_person_groups` — black-listed enterprises that share persons, as groups.
* :func:`multi_firm_persons` — persons linked to several black-listed enterprises.
* :func:`find_violations` — a person under a black measure covering a business item (e.g. 限制担任法定代表人)
  who holds such a role in a firm other than the one the restriction came through.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

from graph.ids import SubjectType
from graph.model import ListKind, Measure, Role
from graph.store.port import CheckRow, RoleEdge, Store, SubjectRecord
from queries.explore import GraphPart, describe_nodes

#: Above this many nodes, betweenness is estimated from this many sampled sources (seeded: repeatable).
BETWEENNESS_SAMPLE = 500
#: Roles whose holders count as the persons of a firm (``branch_of`` links two enterprises).
PERSON_LINK_ROLES: frozenset[Role] = frozenset(Role) - {Role.branch_of}


def person_edges(edges: Iterable[RoleEdge], persons: Collection[int]) -> list[RoleEdge]:
    """The edges held by one of ``persons`` (not ``branch_of``), each once, by key. Pure."""
    unique = {
        edge.pk: edge for edge in edges if edge.holder_pk in persons and edge.role is not Role.branch_of
    }
    return [unique[pk] for pk in sorted(unique)]


def bipartite_graph(edges: Iterable[RoleEdge]) -> nx.Graph[int]:
    """A simple graph of person–enterprise edges (parallel roles make one edge); each node has ``kind``
    ``person`` or ``enterprise``. Pure."""
    graph: nx.Graph[int] = nx.Graph()
    for edge in edges:
        graph.add_node(edge.holder_pk, kind=SubjectType.person.value)
        graph.add_node(edge.enterprise_pk, kind=SubjectType.enterprise.value)
        graph.add_edge(edge.holder_pk, edge.enterprise_pk)
    return graph


@dataclass(frozen=True, slots=True)
class KeyPerson:
    pk: int
    #: How many enterprises of the group the person is linked to.
    degree: int
    #: Normalised betweenness centrality within the group (0–1).
    betweenness: float


def key_persons(graph: nx.Graph[int], *, limit: int = 20) -> list[KeyPerson]:
    """The persons of ``graph`` ranked by betweenness (who bridges firms), then degree, then key.

    Notes: exact betweenness is O(V·E); above :data:`BETWEENNESS_SAMPLE` nodes it is estimated from that
    many sampled sources with a fixed seed."""
    persons = [pk for pk in graph.nodes if graph.nodes[pk]["kind"] == SubjectType.person.value]
    if not persons:
        return []
    sample = BETWEENNESS_SAMPLE if graph.number_of_nodes() > BETWEENNESS_SAMPLE else None
    centrality = nx.betweenness_centrality(graph, k=sample, seed=0 if sample else None)
    ranked = sorted(persons, key=lambda pk: (-round(centrality[pk], 12), -graph.degree(pk), pk))
    return [KeyPerson(pk=pk, degree=graph.degree(pk), betweenness=centrality[pk]) for pk in ranked[:limit]]


@dataclass(frozen=True, slots=True)
class SharedGroup:
    enterprises: tuple[int, ...]
    #: The persons linked to at least two enterprises of the group (those who make it a group).
    persons: tuple[int, ...]


def shared_person_groups(edges: Iterable[RoleEdge], *, min_size: int = 2) -> list[SharedGroup]:
    """Connected groups of enterprises that share persons, over person-held ``edges``: groups of at least
    ``min_size`` enterprises, largest first (then by more shared persons, then smallest key). Pure.

    Notes: one pass of :func:`networkx.connected_components`, linear in the edges."""
    graph = bipartite_graph(edges)
    groups = []
    for component in nx.connected_components(graph):
        enterprises = sorted(
            pk for pk in component if graph.nodes[pk]["kind"] == SubjectType.enterprise.value
        )
        if len(enterprises) < max(min_size, 2):
            continue
        shared = sorted(
            pk
            for pk in component
            if graph.nodes[pk]["kind"] == SubjectType.person.value and graph.degree(pk) >= 2
        )
        groups.append(SharedGroup(enterprises=tuple(enterprises), persons=tuple(shared)))
    groups.sort(key=lambda group: (-len(group.enterprises), -len(group.persons), group.enterprises[0]))
    return groups


def multi_firm_persons(edges: Iterable[RoleEdge], *, min_firms: int = 2) -> dict[int, list[RoleEdge]]:
    """Persons holding edges in at least ``min_firms`` distinct enterprises, with those edges (by key),
    most firms first, then by key. Pure."""
    held: dict[int, list[RoleEdge]] = {}
    for edge in sorted(edges, key=lambda edge: edge.pk):
        held.setdefault(edge.holder_pk, []).append(edge)
    counted = {pk: len({edge.enterprise_pk for edge in person_edges}) for pk, person_edges in held.items()}
    chosen = sorted(
        (pk for pk, firms in counted.items() if firms >= min_firms), key=lambda pk: (-counted[pk], pk)
    )
    return {pk: held[pk] for pk in chosen}


@dataclass(frozen=True, slots=True)
class Violation:
    """``person`` holds ``held`` (a role in force on the date asked) in a firm other than the one the
    restriction ``row`` came through."""

    person_pk: int
    held: RoleEdge
    row: CheckRow
    measure: Measure
    #: The role began on or after the restriction's first day (the derived record's, else the entry's).
    started_during_restriction: bool

    @property
    def restriction_from(self) -> dt.date:
        return self.row.derived.valid_from if self.row.derived is not None else self.row.entry.valid_from

    @property
    def restriction_to(self) -> dt.date | None:
        return self.row.derived.valid_to if self.row.derived is not None else self.row.entry.valid_to


def find_violations(
    rows: Sequence[tuple[int, CheckRow]],
    held: Iterable[RoleEdge],
    enterprise_codes: Mapping[int, str],
) -> list[Violation]:
    """Each restriction row ``(person pk, row)`` × each role ``held`` by that person in an enterprise whose
    code (``enterprise_codes``) is not the one of the row's path; a direct entry of the person has no path,
    so every firm counts. Rows without a measure are skipped. Pure; ordered by person, held edge, then the
    rows' order."""
    by_person: dict[int, list[RoleEdge]] = {}
    for edge in sorted(held, key=lambda edge: edge.pk):
        by_person.setdefault(edge.holder_pk, []).append(edge)
    found: list[Violation] = []
    for person_pk, row in rows:
        if row.measure is None:
            continue
        via = row.derived.role.enterprise_uscc if row.derived is not None else None
        restriction_from = row.derived.valid_from if row.derived is not None else row.entry.valid_from
        for edge in by_person.get(person_pk, []):
            if via is not None and enterprise_codes.get(edge.enterprise_pk) == via:
                continue
            found.append(
                Violation(
                    person_pk=person_pk,
                    held=edge,
                    row=row,
                    measure=row.measure,
                    started_during_restriction=edge.start is not None and edge.start >= restriction_from,
                )
            )
    found.sort(key=lambda violation: (violation.person_pk, violation.held.pk))
    return found


# --- pulling the subgraphs from the store ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GroupResult:
    subject: SubjectRecord
    at: dt.date | None
    graph: GraphPart
    key_persons: tuple[KeyPerson, ...]
    truncated: bool
    max_nodes: int


def group(
    store: Store,
    subject: SubjectRecord,
    *,
    at: dt.date | None = None,
    max_nodes: int = 500,
    today: dt.date | None = None,
) -> GroupResult:
    """The 关联圈 of ``subject``: the enterprise–person component around it (person-held roles in force on
    ``at``, every role ever when ``None``), read breadth-first, at most ``max_nodes`` subjects.

    Notes: one edge call and one subject call per level; betweenness as in :func:`key_persons`."""
    hop_of: dict[int, int] = {subject.pk: 0}
    subjects: dict[int, SubjectRecord] = {subject.pk: subject}
    kept: dict[int, RoleEdge] = {}
    frontier = [subject.pk]
    truncated = False
    level = 0
    while frontier and not truncated:
        level += 1
        fetched = store.role_edges(frontier, at=at, roles=PERSON_LINK_ROLES)
        unknown = {pk for edge in fetched for pk in (edge.holder_pk, edge.enterprise_pk)} - subjects.keys()
        if unknown:
            subjects.update(store.subjects_by_pk(unknown))
        persons = {pk for pk, record in subjects.items() if record.subject_type is SubjectType.person}
        reached: list[int] = []
        for edge in person_edges(fetched, persons):
            for end in (edge.holder_pk, edge.enterprise_pk):
                if end in hop_of:
                    continue
                if len(hop_of) >= max_nodes:
                    truncated = True
                    continue
                hop_of[end] = level
                reached.append(end)
            if edge.holder_pk in hop_of and edge.enterprise_pk in hop_of:
                kept[edge.pk] = edge
        frontier = reached
    graph = describe_nodes(
        store,
        hop_of,
        kept.values(),
        flags_on=at or today or dt.date.today(),
        at=at,
        roles=PERSON_LINK_ROLES,
        hops=hop_of,
        subjects=subjects,
    )
    return GroupResult(
        subject=subject,
        at=at,
        graph=graph,
        key_persons=tuple(key_persons(bipartite_graph(graph.edges))),
        truncated=truncated,
        max_nodes=max_nodes,
    )


@dataclass(frozen=True, slots=True)
class BlackLinks:
    """The person-held roles in force on ``at`` in the enterprises black-listed on ``at``."""

    at: dt.date
    black: frozenset[int]
    edges: tuple[RoleEdge, ...]
    subjects: Mapping[int, SubjectRecord]


def black_links(store: Store, at: dt.date) -> BlackLinks:
    black = store.listed_subjects(ListKind.black, at, subject_type=SubjectType.enterprise)
    if not black:
        return BlackLinks(at=at, black=frozenset(), edges=(), subjects={})
    black_set = frozenset(black)
    fetched = [
        edge
        for edge in store.role_edges(black, at=at, roles=PERSON_LINK_ROLES)
        if edge.enterprise_pk in black_set
    ]
    subjects = store.subjects_by_pk({pk for edge in fetched for pk in (edge.holder_pk, edge.enterprise_pk)})
    persons = {pk for pk, record in subjects.items() if record.subject_type is SubjectType.person}
    return BlackLinks(at=at, black=black_set, edges=tuple(person_edges(fetched, persons)), subjects=subjects)


@dataclass(frozen=True, slots=True)
class BlackGroup:
    enterprises: GraphPart
    persons: GraphPart


def black_groups(store: Store, *, at: dt.date, min_size: int = 2, limit: int = 50) -> list[BlackGroup]:
    """Groups of black-listed enterprises (on ``at``) sharing persons, largest first, at most ``limit``."""
    links = black_links(store, at)
    groups = shared_person_groups(links.edges, min_size=min_size)[:limit]
    shown = [pk for found in groups for pk in (*found.enterprises, *found.persons)]
    described = describe_nodes(
        store, shown, (), flags_on=at, at=at, roles=PERSON_LINK_ROLES, subjects=links.subjects
    )
    nodes = {node.subject.pk: node for node in described.nodes}
    return [
        BlackGroup(
            enterprises=GraphPart(
                nodes=tuple(nodes[pk] for pk in found.enterprises if pk in nodes), edges=()
            ),
            persons=GraphPart(nodes=tuple(nodes[pk] for pk in found.persons if pk in nodes), edges=()),
        )
        for found in groups
    ]


@dataclass(frozen=True, slots=True)
class MultiBlackPerson:
    person: SubjectRecord
    firms: tuple[tuple[SubjectRecord, RoleEdge], ...]


def multi_black_persons(
    store: Store, *, at: dt.date, min_firms: int = 2, limit: int = 100
) -> list[MultiBlackPerson]:
    """Persons holding roles in force on ``at`` in at least ``min_firms`` enterprises black-listed on ``at``."""
    links = black_links(store, at)
    chosen = list(multi_firm_persons(links.edges, min_firms=min_firms).items())[:limit]
    return [
        MultiBlackPerson(
            person=links.subjects[pk],
            firms=tuple((links.subjects[edge.enterprise_pk], edge) for edge in edges),
        )
        for pk, edges in chosen
    ]


@dataclass(frozen=True, slots=True)
class ViolationsResult:
    at: dt.date
    business_item: str
    violations: tuple[Violation, ...]
    subjects: Mapping[int, SubjectRecord]


def violations(
    store: Store,
    *,
    at: dt.date,
    business_item: str = "company_registration",
    roles: Collection[Role] = (Role.legal_representative, Role.principal),
) -> ViolationsResult:
    """Restriction violations on ``at``: persons under a black measure covering ``business_item`` who hold
    one of ``roles`` in force on ``at`` in a firm other than the one the restriction came through.

    Notes: one restriction read, one subject call for the restricted, one edge call for their roles in
    force, one subject call for the firms held."""
    rows = store.restricted_by_item(business_item, at)
    restricted = store.subjects_by_pk({pk for pk, _ in rows})
    persons = {pk for pk, record in restricted.items() if record.subject_type is SubjectType.person}
    person_rows = [(pk, row) for pk, row in rows if pk in persons]
    held = (
        [edge for edge in store.role_edges(persons, at=at, roles=roles) if edge.holder_pk in persons]
        if persons
        else []
    )
    firms = store.subjects_by_pk({edge.enterprise_pk for edge in held}) if held else {}
    found = find_violations(person_rows, held, {pk: record.code for pk, record in firms.items()})
    return ViolationsResult(
        at=at, business_item=business_item, violations=tuple(found), subjects={**restricted, **firms}
    )
