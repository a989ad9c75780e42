"""The neighbourhood and the path finder on a real store, over a crafted graph with known answers.

The graph (roles written in this order, so their keys follow it):

    甲 (A)  ← 王一 (P1) legal representative 2015–2020, 李二 (P2) legal representative from 2021,
              张三 (P3) principal from 2018
    乙 (B)  ← 李二 legal representative from 2019, 陈四 (P4) principal, 周六 (P6) principal
    丙 (C)  ← 李二 legal representative from 2019
    H1–H5   ← 张三 actual controller since 2010 (张三 is a hub: 7 edges)
    庚 (G)  ← 李二 and 张三 principals from 2018
    戊 (E)  ← 王一 and 吴五 (P5) principals from 2016
    己 (F)  ← 吴五 and 周六 principals from 2016

So 王一 → 陈四 is 4 hops through 甲, 李二, 乙; as of 2020-06-01 (李二 not yet at 甲) it is 6 hops, by two
routes (甲–张三–庚–李二–乙 and 戊–吴五–己–周六–乙). 李二 → 张三 is 2 hops by two routes (甲 and 庚).
"""

from __future__ import annotations

import datetime as dt

import pytest

from graph.model import Role
from graph.store.port import Store, SubjectRecord
from queries.explore import neighbourhood, parse_roles, shortest_paths
from queries.subjects import resolve_subject
from tests.fixtures import batch, enterprise, make_id_number, make_uscc, person, role

A, B, C, G, E, F = (make_uscc(n) for n in (11, 12, 13, 14, 15, 16))
HUB_FIRMS = [make_uscc(n) for n in range(21, 26)]
P1, P2, P3, P4, P5, P6 = (make_id_number(n) for n in range(301, 307))
TODAY = dt.date(2024, 6, 1)


def build(store: Store) -> None:
    roles = [
        role(P1, A, "legal_representative", "2015-01-01", "2020-12-31"),
        role(P2, A, "legal_representative", "2021-01-01"),
        role(P3, A, "principal", "2018-01-01"),
        role(P2, B, "legal_representative", "2019-01-01"),
        role(P2, C, "legal_representative", "2019-01-01"),
        role(P4, B, "principal", "2019-01-01"),
        *(role(P3, firm, "actual_controller", "2010-01-01") for firm in HUB_FIRMS),
        role(P2, G, "principal", "2018-01-01"),
        role(P3, G, "principal", "2018-01-01"),
        role(P1, E, "principal", "2016-01-01"),
        role(P5, E, "principal", "2016-01-01"),
        role(P5, F, "principal", "2016-01-01"),
        role(P6, F, "principal", "2016-01-01"),
        role(P6, B, "principal", "2016-01-01"),
    ]
    names = {A: "甲", B: "乙", C: "丙", G: "庚", E: "戊", F: "己"}
    store.write_batch(
        batch(
            enterprises=[
                *(enterprise(code, f"常州{name}有限公司") for code, name in names.items()),
                *(enterprise(code, f"常州控股{n}有限公司") for n, code in enumerate(HUB_FIRMS, 1)),
            ],
            persons=[
                person(code, name)
                for code, name in zip(
                    (P1, P2, P3, P4, P5, P6), ("王一", "李二", "张三", "陈四", "吴五", "周六"), strict=True
                )
            ],
            roles=roles,
        )
    )


@pytest.fixture
def graph_store(store: Store) -> Store:
    build(store)
    return store


def subject(store: Store, code: str) -> SubjectRecord:
    return resolve_subject(store, code)


def codes(result_nodes: object) -> set[str]:
    return {node.subject.code for node in result_nodes}  # type: ignore[attr-defined]


def test_one_hop_shows_the_centre_and_its_holders_with_degrees(graph_store: Store) -> None:
    result = neighbourhood(graph_store, subject(graph_store, A), hops=1, today=TODAY)
    by_code = {node.subject.code: node for node in result.graph.nodes}
    assert set(by_code) == {A, P1, P2, P3}
    assert (by_code[A].hop, by_code[P1].hop) == (0, 1)
    assert by_code[A].degree == 3
    assert by_code[A].more == 0
    # 张三 has 7 edges; one (to 甲) is shown.
    assert (by_code[P3].degree, by_code[P3].more) == (7, 6)
    assert len(result.graph.edges) == 3
    assert not result.truncated
    assert result.message is None


def test_hops_reach_further(graph_store: Store) -> None:
    center = subject(graph_store, A)
    two = neighbourhood(graph_store, center, hops=2, today=TODAY)
    assert codes(two.graph.nodes) == {A, P1, P2, P3, B, C, G, E, *HUB_FIRMS}
    hops = {node.subject.code: node.hop for node in two.graph.nodes}
    assert hops[G] == 2
    # 庚 is reached from 李二 and from 张三: one node, both edges.
    g_pk = next(node.subject.pk for node in two.graph.nodes if node.subject.code == G)
    assert len([edge for edge in two.graph.edges if edge.enterprise_pk == g_pk]) == 2
    three = neighbourhood(graph_store, center, hops=3, today=TODAY)
    assert codes(three.graph.nodes) == codes(two.graph.nodes) | {P4, P5, P6}
    assert {node.hop for node in three.graph.nodes if node.subject.code in {P4, P5, P6}} == {3}


def test_as_of_a_date_keeps_only_roles_in_force_then(graph_store: Store) -> None:
    result = neighbourhood(graph_store, subject(graph_store, A), hops=1, at=dt.date(2016, 6, 1))
    assert codes(result.graph.nodes) == {A, P1}
    assert result.graph.nodes[0].degree == 1
    later = neighbourhood(graph_store, subject(graph_store, A), hops=1, at=dt.date(2022, 1, 1))
    assert codes(later.graph.nodes) == {A, P2, P3}


def test_role_filter(graph_store: Store) -> None:
    roles = parse_roles("principal")
    result = neighbourhood(graph_store, subject(graph_store, A), hops=2, roles=roles, today=TODAY)
    assert codes(result.graph.nodes) == {A, P3, G}
    assert {edge.role for edge in result.graph.edges} == {Role.principal}
    further = neighbourhood(graph_store, subject(graph_store, A), hops=3, roles=roles, today=TODAY)
    assert codes(further.graph.nodes) == {A, P3, G, P2}  # 李二 is principal of 庚, not of 甲


def test_a_node_with_more_edges_than_the_page_is_collapsed(graph_store: Store) -> None:
    result = neighbourhood(graph_store, subject(graph_store, A), hops=2, page_size=4, today=TODAY)
    found = codes(result.graph.nodes)
    # 张三's first four edges by key: 甲, H1, H2, H3; H4 and H5 are behind the collapse.
    assert set(HUB_FIRMS[:3]) <= found
    assert not set(HUB_FIRMS[3:]) & found
    hub = next(node for node in result.graph.nodes if node.subject.code == P3)
    assert (hub.degree, hub.more) == (7, 3)
    # 李二 has exactly four edges: not collapsed, 庚 is still reached through him.
    assert G in found
    p3_edges = [edge for edge in result.graph.edges if edge.holder_pk == hub.subject.pk]
    assert len(p3_edges) == 4


def test_the_centres_edges_are_paged(graph_store: Store) -> None:
    center = subject(graph_store, P3)
    first = neighbourhood(graph_store, center, hops=1, page_size=3, offset=0, today=TODAY)
    second = neighbourhood(graph_store, center, hops=1, page_size=3, offset=3, today=TODAY)
    third = neighbourhood(graph_store, center, hops=1, page_size=3, offset=6, today=TODAY)
    pages = [[edge.pk for edge in page.graph.edges] for page in (first, second, third)]
    assert [len(page) for page in pages] == [3, 3, 1]
    everything = sorted(edge.pk for edge in graph_store.role_edges([center.pk]))
    assert [pk for page in pages for pk in page] == everything
    assert first.graph.nodes[0].more == 4


def test_max_nodes_truncates_and_says_so(graph_store: Store) -> None:
    result = neighbourhood(graph_store, subject(graph_store, A), hops=2, max_nodes=3, today=TODAY)
    assert result.truncated
    assert len(result.graph.nodes) == 3
    assert result.message is not None
    assert "3" in result.message
    shown = {node.subject.pk for node in result.graph.nodes}
    assert all(edge.holder_pk in shown and edge.enterprise_pk in shown for edge in result.graph.edges)
    assert len(result.graph.edges) == 2


def test_shortest_path_is_found_and_only_the_shortest(graph_store: Store) -> None:
    result = shortest_paths(graph_store, subject(graph_store, P1), subject(graph_store, P4), today=TODAY)
    assert [path.length for path in result.paths] == [4]
    pk = {node.subject.code: node.subject.pk for node in result.graph.nodes}
    assert result.paths[0].nodes == (pk[P1], pk[A], pk[P2], pk[B], pk[P4])
    assert result.message is None
    assert not result.truncated
    assert {node.hop for node in result.graph.nodes if node.subject.code == P4} == {4}


def test_every_shortest_path_as_of_a_date(graph_store: Store) -> None:
    result = shortest_paths(
        graph_store, subject(graph_store, P1), subject(graph_store, P4), at=dt.date(2020, 6, 1), today=TODAY
    )
    by_pk = {node.subject.pk: node.subject.code for node in result.graph.nodes}
    routes = {tuple(by_pk[pk] for pk in path.nodes) for path in result.paths}
    assert routes == {(P1, A, P3, G, P2, B, P4), (P1, E, P5, F, P6, B, P4)}
    assert {path.length for path in result.paths} == {6}


def test_two_routes_of_two_hops_and_the_limit(graph_store: Store) -> None:
    both = shortest_paths(graph_store, subject(graph_store, P2), subject(graph_store, P3), today=TODAY)
    by_pk = {node.subject.pk: node.subject.code for node in both.graph.nodes}
    assert {by_pk[path.nodes[1]] for path in both.paths} == {A, G}
    one = shortest_paths(
        graph_store, subject(graph_store, P2), subject(graph_store, P3), limit=1, today=TODAY
    )
    assert len(one.paths) == 1


def test_no_path_within_max_hops(graph_store: Store) -> None:
    result = shortest_paths(
        graph_store, subject(graph_store, P1), subject(graph_store, P4), max_hops=3, today=TODAY
    )
    assert result.paths == ()
    assert result.message == "3 跳以内未找到关联路径"


def test_the_search_stops_at_its_cap(graph_store: Store) -> None:
    result = shortest_paths(
        graph_store, subject(graph_store, P1), subject(graph_store, P4), visit_cap=5, today=TODAY
    )
    assert result.truncated
    assert result.paths == ()
    assert result.message is not None
    assert "5" in result.message


def test_a_subject_is_its_own_path_of_length_zero(graph_store: Store) -> None:
    result = shortest_paths(graph_store, subject(graph_store, P1), subject(graph_store, P1), today=TODAY)
    assert [path.length for path in result.paths] == [0]
    assert codes(result.graph.nodes) == {P1}
    assert result.message is None
