"""The store's reads for exploring the graph (search, role edges, degrees, badges, listed and restricted
subjects), through the port only; the badges, listed subjects and restrictions are cross-checked against
``check_rows`` for every subject of a scenario on several days."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from stdnum.cn import uscc

from graph import propagation
from graph.ids import SubjectType
from graph.lifecycle import Action, act, expire_due
from graph.model import ListKind, Role
from graph.store.port import CheckRow, RoleEdge, StatusFlag, Store, SubjectRecord
from graph.store.sqlite import SCHEMA_VERSION, SQLiteStore, _migrations
from queries.catalog import sql
from tests.fixtures import batch, enterprise, entry, make_id_number, make_uscc, measure, person, policy, role

RED_LIST = "诚信典型"

LISTED = make_uscc(101)  # black entry B1 from 2022-03-01, open
HONEST = make_uscc(102)  # red entry R1
OBJECTED = make_uscc(103)  # black entry B3, objection filed on 2024-05-10 (suspended from then)
EXPIRED = make_uscc(104)  # black entry B4, 2022-01-01 .. 2023-12-31, expired by the job
REVOKED = make_uscc(105)  # black entry B5, revoked
QUIET = make_uscc(106)  # no entry

LR = make_id_number(301)  # legal representative of LISTED: derived from B1
OLD_PRINCIPAL = make_id_number(302)  # principal of LISTED until 2021-12-31 (open start)
OBJ_LR = make_id_number(303)  # legal representative of OBJECTED: derived from B3, suspended with it
EXP_LR = make_id_number(304)  # legal representative of EXPIRED
REV_LR = make_id_number(305)  # legal representative of REVOKED
SELF_LISTED = make_id_number(306)  # a person with a black entry of their own (B6), and a red one (R6)
NOBODY = make_id_number(307)

DAYS = [
    dt.date(2021, 6, 1),
    dt.date(2021, 12, 31),
    dt.date(2022, 3, 1),
    dt.date(2023, 12, 31),
    dt.date(2024, 1, 1),
    dt.date(2024, 5, 9),
    dt.date(2024, 5, 10),
    dt.date(2025, 1, 1),
]
ITEMS = ["public_procurement", "company_registration", "green_channel", "anything_else", ""]


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def pk_of(store: Store, code: str) -> int:
    (subject,) = store.find_subjects(code)
    return subject.pk


def scenario(store: Store) -> None:
    store.write_batch(
        batch(
            list_policies=[policy(role_time="both"), policy(list_type=RED_LIST)],
            measures=[
                measure("M-ENT", "subject"),  # public_procurement only
                measure("M-ALL", "subject", content="限制融资", items=""),  # no item: covers all
                measure("M-LR", "legal_representative", items="company_registration;public_procurement"),
                measure("M-PR", "principal", items="company_registration"),
                measure("R-ENT", "subject", kind="red", list_type=RED_LIST, items="green_channel"),
            ],
            enterprises=[
                enterprise(LISTED, "常州失信有限公司"),
                enterprise(HONEST, "常州守信有限公司"),
                enterprise(OBJECTED, "常州异议有限公司"),
                enterprise(EXPIRED, "常州过期有限公司"),
                enterprise(REVOKED, "常州撤销有限公司"),
                enterprise(QUIET, "常州平安有限公司"),
            ],
            persons=[
                person(LR, "李法人"),
                person(OLD_PRINCIPAL, "王旧"),
                person(OBJ_LR, "赵异议"),
                person(EXP_LR, "钱过期"),
                person(REV_LR, "孙撤销"),
                person(SELF_LISTED, "周自身"),
                person(NOBODY, "吴无"),
            ],
            roles=[
                role(LR, LISTED, "legal_representative", "2015-01-01"),
                role(OLD_PRINCIPAL, LISTED, "principal", None, "2021-12-31"),
                role(OBJ_LR, OBJECTED, "legal_representative", "2016-01-01"),
                role(EXP_LR, EXPIRED, "legal_representative", "2016-01-01"),
                role(REV_LR, REVOKED, "legal_representative", "2016-01-01"),
                role(LR, QUIET, "legal_representative", "2019-01-01"),
            ],
            list_entries=[
                entry("B1", LISTED, act_date="2021-06-01", valid_from="2022-03-01"),
                entry("R1", HONEST, kind="red", list_type=RED_LIST, act_date=None, valid_from="2021-01-01"),
                entry("B3", OBJECTED, act_date="2022-01-01", valid_from="2022-03-01"),
                entry("B4", EXPIRED, act_date="2021-06-01", valid_from="2022-01-01", valid_to="2023-12-31"),
                entry("B5", REVOKED, act_date="2022-01-01", valid_from="2022-03-01"),
                entry("B6", SELF_LISTED, subject_type="person", act_date=None, valid_from="2023-01-01"),
                entry(
                    "R6",
                    SELF_LISTED,
                    subject_type="person",
                    kind="red",
                    list_type=RED_LIST,
                    act_date=None,
                    valid_from="2021-01-01",
                    valid_to="2022-12-31",
                ),
            ],
        )
    )
    propagation.run_full(store)
    act(store, "B3", Action.file_objection, actor="赵异议", reason="异议", on=day("2024-05-10"))
    assert expire_due(store, day("2024-01-01")) == ["B4", "R6"]
    act(store, "B5", Action.file_objection, actor="孙撤销", reason="并非本企业", on=day("2024-02-01"))
    act(store, "B5", Action.revoke, actor="常州市中级人民法院", reason="主体认定错误", on=day("2024-02-10"))
    propagation.run_pending(store)


ALL_CODES = [LISTED, HONEST, OBJECTED, EXPIRED, REVOKED, QUIET, LR, OLD_PRINCIPAL, OBJ_LR, EXP_LR, REV_LR]
ALL_CODES += [SELF_LISTED, NOBODY]


def flags_from_check(rows: list[CheckRow]) -> frozenset[StatusFlag]:
    flags: set[StatusFlag] = set()
    for row in rows:
        if row.derived is not None:
            flags.add(StatusFlag.derived)
        else:
            flags.add(StatusFlag.black if row.entry.kind is ListKind.black else StatusFlag.red)
        if row.suspended:
            flags.add(StatusFlag.suspended)
    return frozenset(flags)


def check_order(pk: int, row: CheckRow) -> tuple[int, int, int, str]:
    role_pk = -1 if row.derived is None else row.derived.role.pk
    return (pk, row.entry.pk, role_pk, row.measure.measure_id if row.measure else "")


# --- status flags, listed subjects, restrictions: exactly what check_rows says ---------------------------------


def test_flags_listed_and_restricted_agree_with_check_rows_for_every_subject(store: Store) -> None:
    scenario(store)
    pks = {code: pk_of(store, code) for code in ALL_CODES}
    types = {pk: store.find_subjects(code)[0].subject_type for code, pk in pks.items()}
    seen_flags: set[StatusFlag] = set()
    seen_restricted = 0
    for on in DAYS:
        checks = {pk: store.check_rows(pk, on) for pk in pks.values()}
        expected_flags = {pk: flags_from_check(rows) for pk, rows in checks.items() if rows}
        assert store.status_flags(pks.values(), on) == expected_flags, on
        for flags in expected_flags.values():
            seen_flags |= flags
        for kind in ListKind:
            own = {
                pk
                for pk, rows in checks.items()
                for row in rows
                if not row.derived and row.entry.kind is kind
            }
            assert store.listed_subjects(kind, on) == sorted(own), (on, kind)
            for subject_type in SubjectType:
                of_type = sorted(pk for pk in own if types[pk] is subject_type)
                assert store.listed_subjects(kind, on, subject_type=subject_type) == of_type
        for item in ITEMS:
            expected = sorted(
                (
                    (pk, row)
                    for pk, rows in checks.items()
                    for row in rows
                    if row.entry.kind is ListKind.black
                    and row.measure is not None
                    and row.measure.covers(item)
                ),
                key=lambda pair: check_order(*pair),
            )
            assert store.restricted_by_item(item, on) == expected, (on, item)
            seen_restricted += len(expected)
    # The scenario exercises every badge and both kinds of restriction rows.
    assert seen_flags == set(StatusFlag)
    assert seen_restricted > 0


def test_status_flags_on_the_scenarios_key_days(store: Store) -> None:
    scenario(store)
    pk = {code: pk_of(store, code) for code in ALL_CODES}
    on = day("2024-05-10")
    flags = store.status_flags(pk.values(), on)
    assert flags == {
        pk[LISTED]: {StatusFlag.black},
        pk[HONEST]: {StatusFlag.red},
        pk[OBJECTED]: {StatusFlag.black, StatusFlag.suspended},
        pk[LR]: {StatusFlag.derived},
        pk[OLD_PRINCIPAL]: {StatusFlag.derived},  # principal on the act date (role_time both)
        pk[OBJ_LR]: {StatusFlag.derived, StatusFlag.suspended},
        pk[SELF_LISTED]: {StatusFlag.black},
    }
    before = store.status_flags(pk.values(), day("2023-12-31"))
    assert before[pk[EXPIRED]] == {StatusFlag.black}  # the last day of its validity
    assert before[pk[EXP_LR]] == {StatusFlag.derived}
    assert pk[EXPIRED] not in store.status_flags([pk[EXPIRED]], day("2024-01-01"))
    assert store.status_flags([pk[SELF_LISTED]], day("2022-06-01")) == {pk[SELF_LISTED]: {StatusFlag.red}}
    assert store.status_flags([999_999], on) == {}
    assert store.status_flags([], on) == {}


def test_restricted_by_item_follows_measure_coverage(store: Store) -> None:
    scenario(store)
    on = day("2025-01-01")
    listed, lr, self_listed = pk_of(store, LISTED), pk_of(store, LR), pk_of(store, SELF_LISTED)
    procurement = [
        (pk, row.entry.entry_id, row.measure and row.measure.measure_id, bool(row.derived))
        for pk, row in store.restricted_by_item("public_procurement", on)
    ]
    assert (listed, "B1", "M-ALL", False) in procurement
    assert (listed, "B1", "M-ENT", False) in procurement
    assert (lr, "B1", "M-LR", True) in procurement
    registration = {
        (pk, row.measure.measure_id if row.measure else None)
        for pk, row in store.restricted_by_item("company_registration", on)
    }
    assert (listed, "M-ENT") not in registration  # M-ENT names public_procurement only
    assert (listed, "M-ALL") in registration  # no item named: covers every item
    assert (self_listed, "M-ALL") in registration
    assert (lr, "M-LR") in registration
    # Red entries never restrict, even with a measure covering the item.
    assert all(row.entry.kind is ListKind.black for _, row in store.restricted_by_item("green_channel", on))
    # Suspended rows are included and say so.
    objected = pk_of(store, OBJECTED)
    assert any(pk == objected and row.suspended for pk, row in store.restricted_by_item("x", on))


# --- role edges and degrees --------------------------------------------------------------------------------

FIRM_A = make_uscc(201)
FIRM_B = make_uscc(202)
P_A = make_id_number(401)
P_B = make_id_number(402)
P_C = make_id_number(403)


def edges_city(store: Store) -> dict[str, int]:
    store.write_batch(
        batch(
            enterprises=[enterprise(FIRM_A, "常州甲有限公司"), enterprise(FIRM_B, "常州乙有限公司")],
            persons=[person(P_A, "甲一"), person(P_B, "乙二"), person(P_C, "丙三")],
            roles=[
                role(P_A, FIRM_A, "legal_representative", "2015-01-01"),
                role(P_B, FIRM_A, "principal", None, "2021-12-31"),
                role(P_A, FIRM_A, "shareholder", "2018-01-01", "2020-12-31", ratio=0.3),
                role(FIRM_B, FIRM_A, "shareholder", "2019-06-01", holder_type="enterprise", ratio=0.7),
                role(P_A, FIRM_B, "legal_representative", "2010-01-01", "2014-12-31"),
                role(P_C, FIRM_B, "directly_responsible", "2022-01-01", "2022-01-01"),
            ],
        )
    )
    return {code: pk_of(store, code) for code in (FIRM_A, FIRM_B, P_A, P_B, P_C)}


def shape(edges: list[RoleEdge]) -> list[tuple[int, int, Role, str | None, str | None]]:
    return [
        (e.holder_pk, e.enterprise_pk, e.role, e.start and e.start.isoformat(), e.end and e.end.isoformat())
        for e in edges
    ]


def test_role_edges_of_a_subject_set_each_once_by_pk(store: Store) -> None:
    pk = edges_city(store)
    of_a = store.role_edges([pk[FIRM_A]])
    assert [e.pk for e in of_a] == sorted(e.pk for e in of_a)
    assert shape(of_a) == [
        (pk[P_A], pk[FIRM_A], Role.legal_representative, "2015-01-01", None),
        (pk[P_B], pk[FIRM_A], Role.principal, None, "2021-12-31"),
        (pk[P_A], pk[FIRM_A], Role.shareholder, "2018-01-01", "2020-12-31"),
        (pk[FIRM_B], pk[FIRM_A], Role.shareholder, "2019-06-01", None),
    ]
    assert [e.ratio for e in of_a] == [None, None, 0.3, 0.7]
    both = store.role_edges([pk[FIRM_A], pk[P_A], pk[FIRM_A]])
    assert [e.pk for e in both] == sorted({e.pk for e in both})  # the edges between them once
    assert len(both) == 5  # the four of FIRM_A and P_A's old one in FIRM_B
    everything = store.role_edges(pk.values())
    assert len(everything) == 6
    assert store.role_edges([]) == []
    assert store.role_edges([999_999]) == []


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        ("1990-01-01", {(Role.principal, "P_B")}),  # open start
        ("2015-01-01", {(Role.legal_representative, "P_A"), (Role.principal, "P_B")}),  # inclusive start
        (
            "2020-12-31",  # inclusive end
            {
                (Role.legal_representative, "P_A"),
                (Role.principal, "P_B"),
                (Role.shareholder, "P_A"),
                (Role.shareholder, "FIRM_B"),
            },
        ),
        (
            "2021-12-31",
            {(Role.legal_representative, "P_A"), (Role.principal, "P_B"), (Role.shareholder, "FIRM_B")},
        ),
        ("2022-01-01", {(Role.legal_representative, "P_A"), (Role.shareholder, "FIRM_B")}),
        ("2099-01-01", {(Role.legal_representative, "P_A"), (Role.shareholder, "FIRM_B")}),  # open end
    ],
)
def test_role_edges_in_force_on_a_day(store: Store, on: str, expected: set[tuple[Role, str]]) -> None:
    pk = edges_city(store)
    names = {pk[P_A]: "P_A", pk[P_B]: "P_B", pk[FIRM_B]: "FIRM_B"}
    edges = store.role_edges([pk[FIRM_A]], at=day(on))
    assert {(e.role, names[e.holder_pk]) for e in edges} == expected
    assert store.role_degrees([pk[FIRM_A]], at=day(on)) == {pk[FIRM_A]: len(expected)}


def test_role_edges_single_day_role_and_role_filter(store: Store) -> None:
    pk = edges_city(store)
    assert len(store.role_edges([pk[P_C]], at=day("2022-01-01"))) == 1
    assert store.role_edges([pk[P_C]], at=day("2022-01-02")) == []
    assert store.role_edges([pk[P_C]], at=day("2021-12-31")) == []
    shareholders = store.role_edges([pk[FIRM_A]], roles=[Role.shareholder])
    assert {e.role for e in shareholders} == {Role.shareholder}
    assert len(shareholders) == 2
    both = store.role_edges([pk[FIRM_A]], roles={Role.shareholder, Role.principal}, at=day("2021-01-01"))
    assert {e.role for e in both} == {Role.principal, Role.shareholder}
    assert len(both) == 2
    assert store.role_edges([pk[FIRM_A]], roles=[]) == []
    assert store.role_edges([pk[FIRM_A]], roles=[Role.branch_of]) == []


def test_role_edges_pages_by_offset_and_limit(store: Store) -> None:
    pk = edges_city(store)
    everything = store.role_edges(pk.values())
    pages = [store.role_edges(pk.values(), offset=start, limit=2) for start in range(0, 8, 2)]
    assert [len(page) for page in pages] == [2, 2, 2, 0]
    assert [e for page in pages for e in page] == everything
    assert store.role_edges(pk.values(), offset=5) == everything[5:]
    assert store.role_edges(pk.values(), limit=0) == []
    in_force = store.role_edges([pk[FIRM_A]], at=day("2022-06-01"))
    assert store.role_edges([pk[FIRM_A]], at=day("2022-06-01"), offset=1, limit=5) == in_force[1:]


def test_degrees_count_what_role_edges_returns_per_subject(store: Store) -> None:
    pk = edges_city(store)
    subjects = [*pk.values(), 999_999]
    for on in (None, day("1990-01-01"), day("2015-01-01"), day("2022-01-01"), day("2030-01-01")):
        for roles in (None, [Role.shareholder], [Role.legal_representative, Role.principal]):
            expected = {}
            for subject in subjects:
                count = len(store.role_edges([subject], at=on, roles=roles))
                if count:
                    expected[subject] = count
            assert store.role_degrees(subjects, at=on, roles=roles) == expected, (on, roles)
    assert store.role_degrees([pk[FIRM_A]]) == {pk[FIRM_A]: 4}
    assert store.role_degrees([pk[P_A]]) == {pk[P_A]: 3}
    assert store.role_degrees([]) == {}


def test_subjects_by_pk(store: Store) -> None:
    pk = edges_city(store)
    found = store.subjects_by_pk([pk[FIRM_A], pk[P_C], 999_999])
    assert set(found) == {pk[FIRM_A], pk[P_C]}
    assert (found[pk[FIRM_A]].code, found[pk[FIRM_A]].name, found[pk[FIRM_A]].subject_type) == (
        FIRM_A,
        "常州甲有限公司",
        SubjectType.enterprise,
    )
    assert found[pk[FIRM_A]].enterprise_status == "存续"
    assert (found[pk[P_C]].code, found[pk[P_C]].name) == (P_C, "丙三")
    assert store.subjects_by_pk([]) == {}


# --- search ------------------------------------------------------------------------------------------------


def id_number_ending_in_x() -> str:
    for n in range(500, 1000):
        code = make_id_number(n)
        if code.endswith("X"):
            return code
    raise AssertionError("no id number ending in X")


LETTERED = "91320402MA1B2C3D4"
LETTERED += uscc.calc_check_digit(LETTERED)
X_PERSON = id_number_ending_in_x()


def search_city(store: Store) -> None:
    store.write_batch(
        batch(
            enterprises=[
                enterprise(make_uscc(1), "常州天宁建设有限公司"),
                enterprise(make_uscc(2), "常州李记有限公司"),
                enterprise(make_uscc(3), "常州3204021980号仓储有限公司"),
                enterprise(make_uscc(4), "Acme常州科技有限公司"),
                enterprise(LETTERED, "常州字母有限公司"),
            ],
            persons=[
                person(make_id_number(11), "张三"),
                person(make_id_number(12), "张三"),
                person(make_id_number(13), "李四"),
                person(make_id_number(14), "李法人"),
                person(make_id_number(15), "3204021980测试"),
                person(X_PERSON, "徐叉"),
            ],
        )
    )


def codes(found: list[SubjectRecord]) -> list[str]:
    return [subject.code for subject in found]


def test_search_exact_code_then_prefixes_by_code_then_names(store: Store) -> None:
    search_city(store)
    exact = make_id_number(13)
    assert codes(store.search_subjects(exact, limit=10)) == [exact]
    found = store.search_subjects("3204021980", limit=50)
    persons = [*(make_id_number(n) for n in range(11, 16)), X_PERSON]  # all born 1980-01-01
    # Every person's code starts with it (in code order); then the enterprise whose name holds it. The person
    # whose name holds it too is listed once, among the codes.
    assert codes(found) == [*sorted(persons), make_uscc(3)]
    assert codes(store.search_subjects("3204021980", limit=3)) == sorted(persons)[:3]


def test_search_compares_letters_in_codes_case_insensitively(store: Store) -> None:
    search_city(store)
    assert codes(store.search_subjects(LETTERED.lower(), limit=5)) == [LETTERED]
    assert codes(store.search_subjects(LETTERED[:12].lower(), limit=5)) == [LETTERED]
    assert codes(store.search_subjects(f"  {X_PERSON.lower()} ", limit=5)) == [X_PERSON]


def test_search_names_shortest_first_then_name_then_pk(store: Store) -> None:
    search_city(store)
    found = store.search_subjects("李", limit=10)
    assert [s.name for s in found] == ["李四", "李法人", "常州李记有限公司"]
    twins = store.search_subjects("张三", limit=10)
    assert [s.name for s in twins] == ["张三", "张三"]
    assert [s.pk for s in twins] == sorted(s.pk for s in twins)
    assert [s.name for s in store.search_subjects("天宁建设", limit=10)] == ["常州天宁建设有限公司"]
    companies = store.search_subjects("有限公司", limit=10)
    assert [s.name for s in companies] == [
        "常州字母有限公司",
        "常州李记有限公司",
        "常州天宁建设有限公司",
        "Acme常州科技有限公司",
        "常州3204021980号仓储有限公司",
    ]
    assert [s.name for s in store.search_subjects("有限公司", limit=2)] == [
        "常州字母有限公司",
        "常州李记有限公司",
    ]


def test_search_names_ignore_letter_case_and_short_texts_work(store: Store) -> None:
    search_city(store)
    for text in ("acme常州", "ACME", "cme", "Ac", "m"):
        assert [s.code for s in store.search_subjects(text, limit=5)] == [make_uscc(4)], text


def test_search_finds_nothing_for_empty_text_or_no_match(store: Store) -> None:
    search_city(store)
    assert store.search_subjects("", limit=10) == []
    assert store.search_subjects("   ", limit=10) == []
    assert store.search_subjects("不存在的名字", limit=10) == []
    assert store.search_subjects("%", limit=10) == []
    assert store.search_subjects("李", limit=0) == []


def test_search_follows_renamed_subjects(store: Store) -> None:
    search_city(store)
    store.write_batch(batch(enterprises=[enterprise(make_uscc(1), "常州钟楼改名有限公司")]))
    assert store.search_subjects("天宁建设", limit=5) == []
    assert codes(store.search_subjects("钟楼改名", limit=5)) == [make_uscc(1)]


# --- SQLite specifics --------------------------------------------------------------------------------------


def test_sqlite_search_walks_names_in_order_when_a_text_is_common(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = SQLiteStore(tmp_path / "common.db")
    search_city(store)
    expected = [s.name for s in store.search_subjects("有限公司", limit=4)]
    monkeypatch.setattr("graph.store.sqlite.SEARCH_CANDIDATES", 2)  # more candidates than that: walk
    assert [s.name for s in store.search_subjects("有限公司", limit=4)] == expected
    store.close()


def test_sqlite_store_from_before_0006_is_migrated_and_searchable(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    raw = sqlite3.connect(path)
    for version, script in _migrations():
        if version <= 5:
            raw.executescript(script)
    raw.execute(
        "INSERT INTO subjects (subject_type, code, name) VALUES ('enterprise', ?, '常州旧库迁移有限公司')",
        (make_uscc(9),),
    )
    raw.execute("PRAGMA user_version = 5")
    raw.commit()
    raw.close()
    store = SQLiteStore(path)
    assert store.stats()["schema_version"] == SCHEMA_VERSION >= 6
    assert codes(store.search_subjects("旧库迁移", limit=5)) == [make_uscc(9)]
    store.write_batch(batch(enterprises=[enterprise(make_uscc(10), "常州新写入有限公司")]))
    assert codes(store.search_subjects("新写入", limit=5)) == [make_uscc(10)]
    store.close()


def test_sqlite_store_from_0007_keeps_its_name_index_without_token_counts(tmp_path: Path) -> None:
    path = tmp_path / "seven.db"
    raw = sqlite3.connect(path)
    for version, script in _migrations():
        if version <= 7:
            raw.executescript(script)
    raw.execute(
        "INSERT INTO subjects (subject_type, code, name) VALUES ('enterprise', ?, '常州七版迁移有限公司')",
        (make_uscc(11),),
    )
    raw.execute("PRAGMA user_version = 7")
    raw.commit()
    assert raw.execute("SELECT count(*) FROM subjects_name_fts_docsize").fetchone() == (1,)
    raw.close()
    store = SQLiteStore(path)
    assert store.stats()["schema_version"] == SCHEMA_VERSION >= 8
    assert codes(store.search_subjects("七版迁移", limit=5)) == [make_uscc(11)]
    store.write_batch(batch(enterprises=[enterprise(make_uscc(12), "常州八版写入有限公司")]))
    assert codes(store.search_subjects("八版写入", limit=5)) == [make_uscc(12)]
    store.close()
    raw = sqlite3.connect(path)
    tables = {name for (name,) in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "subjects_name_fts_docsize" not in tables  # columnsize=0: no per-row token counts
    assert "subjects_name_fts" in tables
    raw.execute("INSERT INTO subjects_name_fts (subjects_name_fts, rank) VALUES ('integrity-check', 1)")
    raw.close()


@pytest.mark.parametrize(
    ("query", "params", "indexes"),
    [
        (
            "explore_role_edges",
            {"subjects": "[1, 2]", "at": "2024-01-01", "roles": None, "limit": -1, "offset": 0},
            ["roles_key (holder_pk=?)", "roles_by_enterprise (enterprise_pk=?)"],
        ),
        (
            "explore_role_degrees",
            {"subjects": "[1, 2]", "at": None, "roles": '["principal"]'},
            ["roles_key (holder_pk=?)", "roles_by_enterprise (enterprise_pk=?)"],
        ),
        (
            "explore_status_flags",
            {"subjects": "[1, 2]", "at": "2024-01-01"},
            ["list_entries_by_subject", "derived_by_person", "entry_suspensions_by_entry"],
        ),
        (
            "explore_search_names",
            {"candidates": None, "min_length": 1, "text": "李", "limit": 20},
            ["subjects_by_name_length"],
        ),
    ],
)
def test_sqlite_explore_queries_use_their_indexes(
    tmp_path: Path, query: str, params: dict[str, object], indexes: list[str]
) -> None:
    store = SQLiteStore(tmp_path / "plan.db")
    scenario(store)
    plan = "\n".join(store.query_plan(sql(query), params))
    for index in indexes:
        assert index in plan, plan
    # No full scan of a table that grows with the city; names are walked in order, never sorted whole.
    assert "SCAN roles" not in plan, plan
    assert "SCAN derived_records" not in plan, plan
    if query == "explore_search_names":
        assert "TEMP B-TREE FOR ORDER BY" not in plan, plan
    store.close()
