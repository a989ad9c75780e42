"""The check's answer masked by its structure (``api.masking.mask_check_answer``) is byte for byte what the
guard's generic masking (``Masker.body``) makes of it, and shows the same id numbers unmasked: for every
subject of a generated city as each kind of caller sees it, and for answers built to take the generic way
(several persons, names the bytes cannot be replaced in exactly)."""

from __future__ import annotations

import copy
import datetime as dt
import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest

from api.masking import Masker, Sight, mask_batch_answer, mask_check_answer, person_ids_in
from api.schemas import batch_error_data, batch_result_data, check_data, encode_json
from graph import propagation
from graph.errors import AmbiguousIdentifier, InvalidIdentifier, NotFound
from graph.store.sqlite import SQLiteStore
from loaders.load import load_paths
from loaders.sample import DEFAULT_TODAY, generate_city
from queries.check import check
from tests.api import AMBIGUOUS, HALF_AMBIGUOUS
from tests.fixtures import make_id_number


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SQLiteStore]:
    folder = tmp_path_factory.mktemp("city")
    paths = generate_city(folder, enterprises=400, seed=11, today=DEFAULT_TODAY)
    store = SQLiteStore(folder / "city.db")
    load_paths(store, list(paths.values()), progress=False, today=DEFAULT_TODAY)
    propagation.run_full(store)
    yield store
    store.close()


def _codes(store: SQLiteStore) -> list[str]:
    """Every subject with a direct or derived entry, and a few without."""
    conn = sqlite3.connect(store.path)
    try:
        rows = conn.execute(
            "SELECT DISTINCT s.code FROM subjects AS s WHERE s.pk IN (SELECT subject_pk FROM list_entries) "
            "OR s.pk IN (SELECT person_pk FROM derived_records) OR s.pk % 23 = 0 "
            "OR (s.subject_type = 'person' AND s.pk % 7 = 0) ORDER BY s.code"
        ).fetchall()
    finally:
        conn.close()
    return [row[0] for row in rows]


def _generic(body: bytes, sight: Sight, keep: frozenset[str]) -> tuple[bytes, set[str]]:
    """What the guard does with a check answer it did not know to be masked."""
    if sight is Sight.FULL:
        return body, person_ids_in(body)
    masker = Masker(keep if sight is Sight.ASKED else frozenset())
    return masker.body(body, "application/json"), masker.kept


def _assert_same(answer: dict[str, Any], keep: frozenset[str]) -> None:
    body = encode_json(answer)
    for sight in Sight:
        assert mask_check_answer(answer, body, sight, keep) == _generic(body, sight, keep), (sight, answer)


@pytest.mark.parametrize("business_item", [None, "public_procurement"])
@pytest.mark.parametrize("at", [DEFAULT_TODAY, dt.date(2021, 1, 1)])
def test_every_answer_of_a_city_is_masked_as_the_guard_masks_it(
    city: SQLiteStore, business_item: str | None, at: dt.date
) -> None:
    codes = _codes(city)
    persons = 0
    for code in codes:
        answer = check_data(check(city, code, business_item=business_item, at=at))
        persons += answer["subject"]["subject_type"] == "person"
        _assert_same(answer, frozenset({code.upper()}))  # a business system asking about it
        _assert_same(answer, frozenset())  # a business system asking about another (the batch, say)
    assert persons > 50  # the persons are the point


def _answer(city: SQLiteStore) -> dict[str, Any]:
    """A person's answer with at least one item (restricted via a firm or directly)."""
    conn = sqlite3.connect(city.path)
    try:
        (code,) = conn.execute(
            "SELECT s.code FROM subjects AS s JOIN derived_records AS d ON d.person_pk = s.pk LIMIT 1"
        ).fetchone()
    finally:
        conn.close()
    answer = check_data(check(city, code, at=DEFAULT_TODAY))
    assert answer["items"]
    return answer


def _with_name(answer: dict[str, Any], name: str) -> dict[str, Any]:
    """``answer`` with its subject renamed ``name`` everywhere its name was written."""
    old = answer["subject"]["name"]
    return _renamed(answer, old, name)


def _renamed(value: Any, old: str, new: str) -> Any:
    if isinstance(value, str):
        return value.replace(old, new)
    if isinstance(value, list):
        return [_renamed(item, old, new) for item in value]
    if isinstance(value, dict):
        return {key: _renamed(item, old, new) for key, item in value.items()}
    return value


@pytest.mark.parametrize(
    "name",
    [
        "张三",
        "欧阳小明",
        "阿依古丽·买买提",
        " 王旧 ",
        "王\u3000旧",
        "王",
        "John Smith",
        '王"旧',
        "王1",
        "王*",
    ],
)
def test_names_the_bytes_cannot_be_replaced_in_exactly_take_the_generic_way(
    city: SQLiteStore, name: str
) -> None:
    answer = _with_name(_answer(city), name)
    _assert_same(answer, frozenset({answer["subject"]["code"]}))
    _assert_same(answer, frozenset())


def test_several_persons_and_several_ids_take_the_generic_way(city: SQLiteStore) -> None:
    answer = _answer(city)
    other = make_id_number(901)
    item = copy.deepcopy(answer["items"][0])
    item["entry"].update(subject_type="person", subject_code=other, subject_name="钱另")
    item["explanation"] = f"钱另（{other}）被列入名单；{answer['subject']['name']} 亦同"
    several = {**answer, "items": [*answer["items"], item]}
    _assert_same(several, frozenset({answer["subject"]["code"]}))
    _assert_same(several, frozenset({other}))
    _assert_same(several, frozenset())
    # The same person written with a lower-case check character: two tokens to mask.
    lower = {**answer, "summary": answer["summary"] + answer["subject"]["code"].lower()}
    _assert_same(lower, frozenset())


def test_an_enterprise_code_that_reads_as_an_id_number_is_masked_as_one(city: SQLiteStore) -> None:
    """Over-masking, never under: a USCC valid as a resident id number is masked as the guard masks it, and the
    enterprise's name is left alone."""
    answer = _answer(city)
    item = copy.deepcopy(answer["items"][0])
    item["entry"].update(
        subject_type="enterprise", subject_code=AMBIGUOUS, subject_name="常州两可科技有限公司"
    )
    if item["via"] is not None:
        item["via"].update(enterprise_uscc=HALF_AMBIGUOUS)
    answer = {**answer, "items": [item]}
    _assert_same(answer, frozenset({answer["subject"]["code"]}))
    _assert_same(answer, frozenset())
    body, _ = mask_check_answer(answer, encode_json(answer), Sight.MASKED)
    assert AMBIGUOUS.encode() not in body
    assert "常州两可科技有限公司".encode() in body


def test_an_enterprise_subject_shows_nothing_and_is_not_rewritten(city: SQLiteStore) -> None:
    conn = sqlite3.connect(city.path)
    try:
        (code,) = conn.execute(
            "SELECT s.code FROM subjects AS s JOIN list_entries AS e ON e.subject_pk = s.pk "
            "WHERE s.subject_type = 'enterprise' LIMIT 1"
        ).fetchone()
    finally:
        conn.close()
    answer = check_data(check(city, code, at=DEFAULT_TODAY))
    body = encode_json(answer)
    assert mask_check_answer(answer, body, Sight.ASKED, frozenset({code})) == (body, set())


def test_batch_answers_are_masked_as_the_guard_masks_them(city: SQLiteStore) -> None:
    """The batch: every subject of the city with errors among them (malformed, unknown, ambiguous-looking),
    asked by a business system (the ids it sent kept), one that sent other ids, and every other sight."""
    codes = _codes(city)
    asked = [*codes, "not-an-id", make_id_number(902), codes[0].lower(), f" {codes[1]} "]
    results: list[dict[str, Any]] = []
    for requested in asked:
        try:
            results.append(batch_result_data(requested, check(city, requested, at=DEFAULT_TODAY)))
        except (InvalidIdentifier, AmbiguousIdentifier, NotFound) as exc:
            results.append(batch_error_data(requested, exc.detail, exc.code))
    body = encode_json({"at": DEFAULT_TODAY.isoformat(), "business_item": None, "results": results})
    request = encode_json({"ids": asked})
    for keep in (
        frozenset(person_ids_in(request)),
        frozenset(sorted(person_ids_in(request))[:1]),
        frozenset(),
    ):
        for sight in Sight:
            assert mask_batch_answer(body, sight, keep) == _generic(body, sight, keep), sight
    kept, shown = mask_batch_answer(body, Sight.ASKED, frozenset(person_ids_in(request)))
    assert kept == body
    assert shown
