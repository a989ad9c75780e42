"""The explore part of the Neo4j store against recorded driver records: which queries it sends, with which
parameters (keys as lists, dates as dates, roles by name), what it builds from the answers, what it answers
without asking, and that its Cypher keeps the check's conditions (so badges and restrictions agree with
``check_rows``)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from neo4j.time import Date

from graph.ids import SubjectType
from graph.model import HolderBasis, ListKind, Role
from graph.store.neo4j.schema import EXPLORE, PARTS, SCHEMA_FILES
from graph.store.port import RoleEdge, StatusFlag
from queries.catalog import cypher
from tests.graph.neo4j.replay import ReplayStore, Step
from tests.graph.neo4j.test_graph_part import _derived, _entry, _measure

D = dt.date


def _subject(pk: int, **changes: Any) -> dict[str, Any]:
    subject = {"pk": pk, "subject_type": "person", "code": f"11010119900307{pk:04d}", "name": f"张{pk}"}
    subject.update(changes)
    return subject


def _edge(pk: int, **changes: Any) -> dict[str, Any]:
    edge = {
        "pk": pk,
        "holder_pk": 30,
        "enterprise_pk": 3,
        "role": "legal_representative",
        "start": None,
        "end": None,
        "ratio": None,
    }
    edge.update(changes)
    return edge


# --- search ----------------------------------------------------------------------------------------------------


def test_search_strips_the_text_upper_cases_the_code_and_keeps_the_server_order() -> None:
    store = ReplayStore(
        [
            Step("explore_search_subjects", params={"code": "91320404X", "text": "91320404x", "anchor": "91320404", "fold": True, "limit": 20}, records=[
                {"subject": _subject(3, subject_type="enterprise", code="91320404X", name="甲建设有限公司",
                                     enterprise_status="在业", established=Date(2001, 2, 3))},
                {"subject": _subject(4, subject_type="enterprise", code="91320404XA", name="乙")},
            ]),
        ]
    )  # fmt: skip
    found = store.search_subjects("  91320404x \n", limit=20)
    store.expect_done()
    assert [(s.pk, s.code) for s in found] == [(3, "91320404X"), (4, "91320404XA")]
    assert found[0].subject_type is SubjectType.enterprise
    assert found[0].enterprise_status == "在业"
    assert found[0].established == D(2001, 2, 3)
    assert found[1].established is None
    assert store.doing == ["查询 explore_search_subjects"]


def test_search_sends_chinese_text_as_typed() -> None:
    store = ReplayStore(
        [
            Step("explore_search_subjects", params={"code": "建设", "text": "建设", "anchor": "建设", "fold": False, "limit": 5}, records=[
                {"subject": _subject(3, subject_type="enterprise", name="甲建设有限公司")},
            ]),
        ]
    )  # fmt: skip
    assert [s.name for s in store.search_subjects("建设", limit=5)] == ["甲建设有限公司"]
    store.expect_done()


@pytest.mark.parametrize(
    ("text", "anchor"),
    [("abc", ""), ("甲ABC建设", "建设"), ("AB科技C有限公司", "有限公司"), ("（中国）", "（中国）")],
)
def test_search_folds_names_only_for_ascii_letters_and_anchors_on_the_rest(text: str, anchor: str) -> None:
    store = ReplayStore(
        [
            Step(
                "explore_search_subjects",
                params={
                    "code": text.upper(),
                    "text": text,
                    "anchor": anchor,
                    "fold": anchor != text,
                    "limit": 3,
                },
            )
        ]
    )
    assert store.search_subjects(text, limit=3) == []
    store.expect_done()


@pytest.mark.parametrize(("text", "limit"), [("", 20), ("   ", 20), ("甲", 0)])
def test_search_for_nothing_asks_nothing(text: str, limit: int) -> None:
    store = ReplayStore()
    assert store.search_subjects(text, limit=limit) == []
    assert store.calls == []


# --- subjects and role edges by key ----------------------------------------------------------------------------


def test_subjects_by_pk_sends_distinct_keys_in_slices_and_leaves_unknown_ones_out() -> None:
    store = ReplayStore(
        [
            Step("explore_subjects_by_pk", params={"pks": [1, 2]}, records=[{"subject": _subject(1)}]),
            Step("explore_subjects_by_pk", params={"pks": [5]}, records=[
                {"subject": _subject(5, subject_type="enterprise", region_code="110000")},
            ]),
        ],
        batch_size=2,
    )  # fmt: skip
    found = store.subjects_by_pk([5, 2, 1, 5])
    store.expect_done()
    assert sorted(found) == [1, 5]
    assert found[1].subject_type is SubjectType.person
    assert found[5].region_code == "110000"
    assert all(call.write is False for call in store.calls)
    assert store.doing == ["按编号查询主体"]


def test_subjects_by_no_pk_asks_nothing() -> None:
    store = ReplayStore()
    assert store.subjects_by_pk([]) == {}
    assert store.calls == []


def test_role_edges_bind_keys_date_roles_and_paging_and_map_driver_values() -> None:
    at = D(2024, 5, 1)
    store = ReplayStore(
        [
            Step(
                "explore_role_edges",
                params={"pks": [3, 30], "at": at, "roles": ["legal_representative", "shareholder"],
                        "offset": 50, "limit": 50},
                records=[
                    {"edge": _edge(11, start=Date(2020, 1, 1), end=Date(2024, 6, 30))},
                    {"edge": _edge(12, holder_pk=4, role="shareholder", ratio=0.25)},
                ],
            ),
        ]
    )  # fmt: skip
    edges = store.role_edges(
        {30, 3},
        at=at,
        roles=[Role.shareholder, Role.legal_representative, Role.shareholder],
        offset=50,
        limit=50,
    )
    store.expect_done()
    assert edges == [
        RoleEdge(11, 30, 3, Role.legal_representative, D(2020, 1, 1), D(2024, 6, 30), None),
        RoleEdge(12, 4, 3, Role.shareholder, None, None, 0.25),
    ]
    assert isinstance(edges[0].start, dt.date)
    assert not isinstance(edges[0].start, Date)
    assert store.calls[0].write is False


def test_role_edges_without_filters_send_nulls() -> None:
    store = ReplayStore(
        [
            Step("explore_role_edges", params={"pks": [7], "at": None, "roles": None, "offset": 0, "limit": None},
                 records=[{"edge": _edge(1, holder_pk=8, enterprise_pk=7, ratio=1)}]),
        ]
    )  # fmt: skip
    [edge] = store.role_edges([7])
    store.expect_done()
    assert edge.ratio == 1.0
    assert isinstance(edge.ratio, float)


@pytest.mark.parametrize(
    "call",
    [
        {"subject_pks": []},
        {"subject_pks": [1], "roles": []},
        {"subject_pks": [1], "limit": 0},
        {"subject_pks": [1], "limit": -1},
    ],
)
def test_role_edges_that_cannot_exist_are_not_asked_for(call: dict[str, Any]) -> None:
    store = ReplayStore()
    assert store.role_edges(**call) == []
    assert store.calls == []


def test_role_edges_skip_nothing_for_a_negative_offset() -> None:
    store = ReplayStore(
        [Step("explore_role_edges", params={"pks": [1], "at": None, "roles": None, "offset": 0, "limit": 5})]
    )
    assert store.role_edges([1], offset=-3, limit=5) == []
    store.expect_done()


def test_role_degrees_per_subject_in_slices() -> None:
    at = D(2024, 5, 1)
    store = ReplayStore(
        [
            Step("explore_role_degrees", params={"pks": [1, 2], "at": at, "roles": ["principal"]},
                 records=[{"pk": 1, "degree": 3}]),
            Step("explore_role_degrees", params={"pks": [3], "at": at, "roles": ["principal"]},
                 records=[{"pk": 3, "degree": 1}]),
        ],
        batch_size=2,
    )  # fmt: skip
    assert store.role_degrees([3, 2, 1], at=at, roles=[Role.principal]) == {1: 3, 3: 1}
    store.expect_done()
    assert store.doing == ["统计任职关系数"]


def test_role_degrees_of_nothing_ask_nothing() -> None:
    store = ReplayStore()
    assert store.role_degrees([]) == {}
    assert store.role_degrees([1], roles=()) == {}
    assert store.calls == []


# --- badges and listed subjects ----------------------------------------------------------------------------------


def test_status_flags_from_kinds_derived_and_suspension() -> None:
    at = D(2024, 5, 1)
    store = ReplayStore(
        [
            Step("explore_status_flags", params={"pks": [1, 2, 3, 4], "at": at}, records=[
                {"pk": 1, "flags": ["black"], "suspended": False},
                {"pk": 2, "flags": ["red", "black", "derived"], "suspended": True},
                {"pk": 4, "flags": ["derived"], "suspended": False},
            ]),
        ]
    )  # fmt: skip
    flags = store.status_flags([4, 3, 2, 1], at)
    store.expect_done()
    assert flags == {
        1: frozenset({StatusFlag.black}),
        2: frozenset(StatusFlag),
        4: frozenset({StatusFlag.derived}),
    }
    assert store.doing == ["查询名单状态标记"]


def test_status_flags_in_slices_and_of_nothing() -> None:
    at = D(2024, 5, 1)
    store = ReplayStore(
        [
            Step("explore_status_flags", params={"pks": [1], "at": at}, records=[]),
            Step("explore_status_flags", params={"pks": [2], "at": at},
                 records=[{"pk": 2, "flags": ["red"], "suspended": True}]),
        ],
        batch_size=1,
    )  # fmt: skip
    assert store.status_flags([1, 2], at) == {2: frozenset({StatusFlag.red, StatusFlag.suspended})}
    store.expect_done()
    assert store.status_flags([], at) == {}
    assert len(store.calls) == 2


def test_listed_subjects_bind_kind_day_and_type() -> None:
    at = D(2024, 5, 1)
    store = ReplayStore(
        [
            Step("explore_listed_subjects", params={"kind": "black", "at": at, "subject_type": None},
                 records=[{"pk": 1}, {"pk": 3}]),
            Step("explore_listed_subjects", params={"kind": "red", "at": at, "subject_type": "enterprise"},
                 records=[]),
        ]
    )  # fmt: skip
    assert store.listed_subjects(ListKind.black, at) == [1, 3]
    assert store.listed_subjects(ListKind.red, at, subject_type=SubjectType.enterprise) == []
    store.expect_done()


# --- restrictions by business item -------------------------------------------------------------------------------


def test_restricted_by_item_merges_direct_and_derived_rows_in_the_port_order() -> None:
    at = D(2024, 5, 1)
    item = "company_registration"
    store = ReplayStore(
        [
            Step("explore_restricted_direct", params={"item": item, "at": at}, records=[
                {"subject_pk": 3, "entry": _entry(7), "measure": _measure("M-1"), "suspended": False},
                {"subject_pk": 3, "entry": _entry(7), "measure": _measure("M-2"), "suspended": False},
                {"subject_pk": 30, "entry": _entry(9, subject_pk=30, subject_type="person"),
                 "measure": _measure("M-1"), "suspended": True},
            ]),
            Step("explore_restricted_derived", params={"item": item, "at": at}, records=[
                {**_derived(7, 11), "subject_pk": 30,
                 "measure": _measure("M-3", "legal_representative"), "suspended": False},
                {**_derived(7, 11), "subject_pk": 30,
                 "measure": _measure("M-4", "legal_representative"), "suspended": False},
                {**_derived(7, 12, holder_basis="current"), "subject_pk": 31,
                 "measure": _measure("M-3", "legal_representative"), "suspended": False},
            ]),
        ]
    )  # fmt: skip
    rows = store.restricted_by_item(item, at)
    store.expect_done()
    assert store.doing == ["查询限制业务事项的名单和措施"]  # one read transaction for both
    assert [
        (pk, row.entry.entry_id, row.derived and row.derived.role.pk, row.measure and row.measure.measure_id)
        for pk, row in rows
    ] == [
        (3, "B-7", None, "M-1"),
        (3, "B-7", None, "M-2"),
        (30, "B-7", 11, "M-3"),
        (30, "B-7", 11, "M-4"),
        (30, "B-9", None, "M-1"),
        (31, "B-7", 12, "M-3"),
    ]
    assert rows[4][1].suspended is True
    assert rows[0][1].entry is rows[2][1].entry  # one record per entry
    derived = rows[2][1].derived
    assert derived is not None
    assert derived is rows[3][1].derived  # one path per (entry, role edge)
    assert derived.holder_basis is HolderBasis.act_date
    assert derived.role.end == D(2024, 6, 30)
    assert derived.valid_from == D(2024, 1, 1)
    last = rows[5][1].derived
    assert last is not None
    assert last.holder_basis is HolderBasis.current


def test_restricted_by_item_of_nothing() -> None:
    store = ReplayStore([Step("explore_restricted_direct"), Step("explore_restricted_derived")])
    assert store.restricted_by_item("x", D(2024, 1, 1)) == []
    store.expect_done()


# --- the Cypher keeps the check's conditions -----------------------------------------------------------------------

#: Conditions of graph_check_direct (an entry of the subject's own applies; its measure is in force; a
#: suspension covers the day) and of graph_check_derived (the derived record is valid, its entry still
#: applies, its path holds).
ENTRY_APPLIES = (
    "le.status IN ['effective', 'under_verification', 'expired', 'repaired', 'removed']",
    "(le.ended_on IS NULL OR le.ended_on > $at)",
)
DIRECT_APPLIES = (*ENTRY_APPLIES, "le.valid_from <= $at", "(le.valid_to IS NULL OR le.valid_to >= $at)")
DERIVED_VALID = ("d.valid_from <= $at", "(d.valid_to IS NULL OR d.valid_to >= $at)", "r.pk = d.role_pk")
MEASURE_IN_FORCE = (
    "m.list_type = le.list_type AND m.kind = le.kind",
    "(m.valid_from IS NULL OR m.valid_from <= $at)",
    "(m.valid_to IS NULL OR m.valid_to >= $at)",
)
SUSPENDED = (
    "MATCH (le)-[:SUSPENDED]->(x:Suspension)",
    "x.from_date <= $at AND (x.to_date IS NULL OR x.to_date >= $at)",
)


def _flat(name: str) -> str:
    return re.sub(r"\s+", " ", cypher(name).text)


@pytest.mark.parametrize(
    ("check", "explore", "conditions"),
    [
        ("graph_check_direct", "explore_listed_subjects", DIRECT_APPLIES),
        ("graph_check_direct", "explore_status_flags", DIRECT_APPLIES + SUSPENDED),
        ("graph_check_derived", "explore_status_flags", ENTRY_APPLIES + DERIVED_VALID),
        ("graph_check_direct", "explore_restricted_direct", DIRECT_APPLIES + MEASURE_IN_FORCE + SUSPENDED),
        ("graph_check_derived", "explore_restricted_derived", ENTRY_APPLIES + DERIVED_VALID + MEASURE_IN_FORCE + SUSPENDED),
    ],
)  # fmt: skip
def test_explore_queries_use_the_conditions_of_the_check(
    check: str, explore: str, conditions: tuple[str, ...]
) -> None:
    for condition in conditions:
        assert condition in _flat(check), (check, condition)
        assert condition in _flat(explore), (explore, condition)


def test_measures_covering_an_item_as_measure_covers() -> None:
    # Measure.covers: no business item listed covers every item.
    for name in ("explore_restricted_direct", "explore_restricted_derived"):
        assert "(size(coalesce(m.business_items, [])) = 0 OR $item IN m.business_items)" in _flat(name)
        assert "le:ListEntry {kind: 'black'}" in _flat(name)


def test_the_text_index_for_name_search_is_applied_on_open() -> None:
    assert EXPLORE in PARTS
    assert SCHEMA_FILES[-1] == "schema_explore"
    assert EXPLORE.labels == {}
    assert EXPLORE.relationships == {}
    statements = cypher("schema_explore").statements()
    assert statements == ["CREATE TEXT INDEX subject_name_text IF NOT EXISTS FOR (s:Subject) ON (s.name)"]
    assert "s.name CONTAINS $anchor" in _flat("explore_search_subjects")
