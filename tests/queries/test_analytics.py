"""Analytics on a real store over a crafted city with known answers, and the pure functions on bare edges.

The city (every black entry: act 2022-01-10, valid from 2022-03-01, open; the measure M-REG 限制担任法定代表人
is aimed at the legal representative and covers company_registration):

    K1 (black) ← Q1 legal representative since 2015; Q5 legal representative 2015–2020
    K2 (black) ← Q1 principal since 2018; Q2 principal since 2018
    K3 (black) ← Q2 legal representative since 2015
    K4 (black) ← Q3 legal representative since 2015; Q4 principal since 2015; Q5 principal 2015–2020
    N1         ← Q4 legal representative since 2015
    K5 (black) ← Q6 legal representative since 2015;  N2 ← Q6 legal representative from 2023-01-01
    K6 (black) ← Q7 legal representative since 2015;  N3 ← Q7 legal representative 2015–2021-12-31
    K7 (black, under verification from 2024-05-10) ← Q8 legal representative;  N4 ← Q8 legal representative

On 2024-06-01 K1, K2, K3 form the one group of black firms sharing persons (Q1, Q2); Q1 and Q2 are each in
two black firms. Violations: Q1 principal of K2 (restricted through K1), Q2 principal of K2 (through K3),
Q6 legal representative of N2 (appointed during the restriction), Q8 of N4 (restriction suspended). Not
violations: Q1 in K1 and Q2 in K3 (the firms of their own paths), Q7 in N3 (ended before the date), Q4 in
N1 (Q4 is principal of K4: no measure aims at principals).
"""

from __future__ import annotations

import datetime as dt

import pytest

from graph import propagation
from graph.lifecycle import Action, act
from graph.model import Role
from graph.store.port import RoleEdge, Store
from queries.analytics import (
    bipartite_graph,
    black_groups,
    group,
    key_persons,
    multi_black_persons,
    multi_firm_persons,
    shared_person_groups,
    violations,
)
from queries.subjects import resolve_subject
from tests.fixtures import batch, enterprise, entry, make_id_number, make_uscc, measure, person, policy, role

K1, K2, K3, K4, K5, K6, K7 = (make_uscc(n) for n in range(31, 38))
N1, N2, N3, N4 = (make_uscc(n) for n in range(41, 45))
Q1, Q2, Q3, Q4, Q5, Q6, Q7, Q8 = (make_id_number(n) for n in range(401, 409))
AT = dt.date(2024, 6, 1)


def build(store: Store) -> None:
    black = [K1, K2, K3, K4, K5, K6, K7]
    store.write_batch(
        batch(
            list_policies=[policy(role_time="both")],
            measures=[
                measure(
                    "M-REG",
                    "legal_representative",
                    content="限制担任法定代表人",
                    items="company_registration",
                    department="常州市市场监督管理局",
                ),
                measure("M-GP", "legal_representative", content="限制参与政府采购"),
            ],
            enterprises=[
                *(enterprise(code, f"常州黑{n}有限公司") for n, code in enumerate(black, 1)),
                *(enterprise(code, f"常州新{n}有限公司") for n, code in enumerate([N1, N2, N3, N4], 1)),
            ],
            persons=[person(code, f"人员{n}") for n, code in enumerate([Q1, Q2, Q3, Q4, Q5, Q6, Q7, Q8], 1)],
            roles=[
                role(Q1, K1, "legal_representative", "2015-01-01"),
                role(Q5, K1, "legal_representative", "2015-01-01", "2020-12-31"),
                role(Q1, K2, "principal", "2018-01-01"),
                role(Q2, K2, "principal", "2018-01-01"),
                role(Q2, K3, "legal_representative", "2015-01-01"),
                role(Q3, K4, "legal_representative", "2015-01-01"),
                role(Q4, K4, "principal", "2015-01-01"),
                role(Q5, K4, "principal", "2015-01-01", "2020-12-31"),
                role(Q4, N1, "legal_representative", "2015-01-01"),
                role(Q6, K5, "legal_representative", "2015-01-01"),
                role(Q6, N2, "legal_representative", "2023-01-01"),
                role(Q7, K6, "legal_representative", "2015-01-01"),
                role(Q7, N3, "legal_representative", "2015-01-01", "2021-12-31"),
                role(Q8, K7, "legal_representative", "2015-01-01"),
                role(Q8, N4, "legal_representative", "2015-01-01"),
            ],
            list_entries=[entry(f"B-{n}", code) for n, code in enumerate(black, 1)],
        )
    )
    propagation.run_full(store)
    act(store, "B-7", Action.file_objection, actor="人员8", reason="并非本人责任", on=dt.date(2024, 5, 10))


@pytest.fixture
def city(store: Store) -> Store:
    build(store)
    return store


def test_groups_of_black_firms_sharing_persons(city: Store) -> None:
    (found,) = black_groups(city, at=AT)
    assert [node.subject.code for node in found.enterprises.nodes] == [K1, K2, K3]
    assert [node.subject.code for node in found.persons.nodes] == [Q1, Q2]
    assert all("black" in node.flags for node in found.enterprises.nodes)
    # Before K1's listing nothing is black-listed.
    assert black_groups(city, at=dt.date(2021, 1, 1)) == []
    # Q5 linked K1 and K4 until 2020, but the firms were not black-listed then.
    assert black_groups(city, at=AT, min_size=4) == []


def test_persons_linked_to_several_black_firms(city: Store) -> None:
    found = multi_black_persons(city, at=AT)
    assert [(item.person.code, [firm.code for firm, _ in item.firms]) for item in found] == [
        (Q1, [K1, K2]),
        (Q2, [K2, K3]),
    ]
    assert [edge.role for _, edge in found[0].firms] == [Role.legal_representative, Role.principal]
    assert multi_black_persons(city, at=AT, min_firms=3) == []


def test_the_group_around_a_firm_and_its_key_persons(city: Store) -> None:
    # Every role ever: the chain K3–Q2–K2–Q1–K1–Q5–K4–{Q3, Q4–N1}.
    result = group(city, resolve_subject(city, K1), today=AT)
    found = {node.subject.code for node in result.graph.nodes}
    assert found == {K1, K2, K3, K4, N1, Q1, Q2, Q3, Q4, Q5}
    ranking = [key.pk for key in result.key_persons]
    by_pk = {node.subject.pk: node.subject.code for node in result.graph.nodes}
    # Q5 splits 5 subjects from 4 (20 pairs), Q1 3 from 6 (18), Q2 and Q4 one from eight, Q3 is a leaf.
    assert [by_pk[pk] for pk in ranking] == [Q5, Q1, Q2, Q4, Q3]
    assert result.key_persons[-1].betweenness == 0.0
    assert not result.truncated
    # As of 2024-06-01 Q5's roles have ended: the group is K1–Q1–K2–Q2–K3.
    now = group(city, resolve_subject(city, K1), at=AT)
    assert {node.subject.code for node in now.graph.nodes} == {K1, K2, K3, Q1, Q2}
    capped = group(city, resolve_subject(city, K1), max_nodes=4, today=AT)
    assert capped.truncated
    assert len(capped.graph.nodes) == 4


def test_restriction_violations(city: Store) -> None:
    result = violations(city, at=AT)
    codes = {pk: record.code for pk, record in result.subjects.items()}
    found = {
        (codes[v.person_pk], codes[v.held.enterprise_pk], v.held.role.value, v.measure.measure_id): v
        for v in result.violations
    }
    assert set(found) == {
        (Q1, K2, "principal", "M-REG"),
        (Q2, K2, "principal", "M-REG"),
        (Q6, N2, "legal_representative", "M-REG"),
        (Q8, N4, "legal_representative", "M-REG"),
    }
    assert found[(Q1, K2, "principal", "M-REG")].row.derived is not None
    assert found[(Q1, K2, "principal", "M-REG")].row.derived.role.enterprise_uscc == K1  # type: ignore[union-attr]
    started = {key[0] for key, v in found.items() if v.started_during_restriction}
    assert started == {Q6}
    suspended = {key[0] for key, v in found.items() if v.row.suspended}
    assert suspended == {Q8}
    # Only legal representatives asked: the principals of K2 drop out.
    narrow = violations(city, at=AT, roles=[Role.legal_representative])
    assert {result.subjects[v.person_pk].code for v in narrow.violations} == {Q6, Q8}
    # Before Q6's appointment in N2 (and before the objection) only the K2 principals and Q8 remain.
    earlier = violations(city, at=dt.date(2022, 6, 1))
    assert {earlier.subjects[v.person_pk].code for v in earlier.violations} == {Q1, Q2, Q8}
    assert not any(v.row.suspended for v in earlier.violations)


def _edge(pk: int, holder: int, firm: int) -> RoleEdge:
    return RoleEdge(
        pk=pk, holder_pk=holder, enterprise_pk=firm, role=Role.principal, start=None, end=None, ratio=None
    )


def test_pure_functions_on_bare_edges() -> None:
    # Firms 1, 2, 3 share persons 10 (1–2) and 11 (2–3); firm 4 with person 12 alone; 13 holds two roles in 5.
    edges = [
        _edge(1, 10, 1),
        _edge(2, 10, 2),
        _edge(3, 11, 2),
        _edge(4, 11, 3),
        _edge(5, 12, 4),
        _edge(6, 13, 5),
        _edge(7, 13, 5),
    ]
    groups = shared_person_groups(edges)
    assert [(group.enterprises, group.persons) for group in groups] == [((1, 2, 3), (10, 11))]
    assert list(multi_firm_persons(edges)) == [10, 11]
    assert 13 not in multi_firm_persons(edges)  # two roles in one firm are one firm
    ranked = key_persons(bipartite_graph(edges[:4]))
    assert [(key.pk, key.degree) for key in ranked] == [(10, 2), (11, 2)]
    assert ranked[0].betweenness == pytest.approx(ranked[1].betweenness)
    assert ranked[0].betweenness > 0
