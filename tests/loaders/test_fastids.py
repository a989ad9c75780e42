"""The numpy identifier pre-filter agrees with graph.ids: never accepts what graph.ids rejects, and accepts
the plain valid values (so that the slow path stays for the few others)."""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from graph.ids import USCC_ALPHABET, compact, id_number_problem, uscc_problem
from loaders.fastids import compact_identity, valid_id_numbers, valid_usccs
from tests.fixtures import make_id_number, make_uscc

TODAY = dt.date(2026, 6, 30)


def _array(values: list[str]) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _random_uscc(rng: random.Random) -> str:
    body = "".join(rng.choice(USCC_ALPHABET) for _ in range(2))
    body += "".join(rng.choice("0123456789") for _ in range(6))
    body += "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
    return body + rng.choice(USCC_ALPHABET)


def _random_id(rng: random.Random) -> str:
    year = rng.choice([rng.randint(1840, 2030), rng.randint(1900, 2026)])
    month = rng.randint(0, 13)
    day = rng.randint(0, 32)
    body = f"{rng.randint(110000, 659999)}{year:04d}{month:02d}{day:02d}{rng.randint(0, 999):03d}"
    return body + rng.choice("0123456789X")


EDGE_CASES = [
    "",
    "X",
    "91320402MA1X0000X",  # 17 characters
    "914403001922038216",  # 华为 (valid)
    "91330100799655058B",  # valid, letter check character
    "Y1320402MA00000001",  # letter authority: lawful, stdnum.validate would reject
    "914403001922038217",
    "91440300192203821I",  # I is not in the alphabet
    "9144030019220382１6",  # full-width digit
    "91AB03001922038216",  # letters in the division code
    "914403001922038216 ",
    "91440300192*038216",
    "320402198001010011",
    "32040219800101001X",
    "32040219800101001x",
    "320402200002290014",  # 2000-02-29 exists
    "320402190002290010",  # 1900-02-29 does not
    "320402180001010010",  # before 1850
    "320402203001010010",  # in the future
    "3204021980010100１1",
    "320402198013010011",
    "320402198001320011",
    "320402198000000011",
    "32040219800101",
    "320402800101001",  # 15-digit first-generation number
    "3204021970****0114",
    "١٢٣٤٥٦١٩٨٠٠١٠١٠٠١١",  # Arabic-Indic digits: str.isdigit() is true
]


def _expected(values: list[str]) -> tuple[np.ndarray, np.ndarray]:
    usccs = np.array([uscc_problem(value) is None for value in values], dtype=bool)
    ids = np.array([id_number_problem(value, today=TODAY) is None for value in values], dtype=bool)
    return usccs, ids


def test_generated_and_edge_cases_agree() -> None:
    rng = random.Random(20181)
    values = EDGE_CASES + [make_uscc(n) for n in range(2000)] + [make_id_number(n) for n in range(2000)]
    values += [_random_uscc(rng) for _ in range(20_000)]
    values += [_random_id(rng) for _ in range(20_000)]
    # Valid ids with a birth date spread over the calendar, and each with one character changed.
    for _ in range(5000):
        birth = dt.date(1850, 1, 1) + dt.timedelta(days=rng.randint(0, 64_000))
        valid = make_id_number(rng.randint(0, 999), birth=birth.strftime("%Y%m%d"))
        position = rng.randrange(18)
        values += [valid, valid[:position] + rng.choice("0123456789X") + valid[position + 1 :]]
    usccs, ids = _expected(values)
    array = _array(values)
    fast_uscc, fast_id = valid_usccs(array), valid_id_numbers(array, today=TODAY)
    # Sound: never valid where graph.ids says no; complete on plain ASCII values.
    assert not (fast_uscc & ~usccs).any()
    assert not (fast_id & ~ids).any()
    plain = np.array([len(value) == 18 and value.isascii() for value in values])
    assert (fast_uscc == (usccs & plain)).all()
    assert (fast_id == (ids & plain)).all()
    assert usccs.sum() > 2000
    assert ids.sum() > 5000


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="0123456789XYABMN*- x１", min_size=0, max_size=20), max_size=30))
def test_arbitrary_text_never_accepted_wrongly(values: list[str]) -> None:
    usccs, ids = _expected(values)
    array = _array(values)
    assert not (valid_usccs(array) & ~usccs).any()
    assert not (valid_id_numbers(array, today=TODAY) & ~ids).any()
    same = np.array([compact(value) == value for value in values], dtype=bool)
    assert not (compact_identity(array) & ~same).any()


def test_compact_identity() -> None:
    values = ["ABC123", "abc", "A-B", "A B", "", "914403001922038216", "中文", "X１", "Z", "a"]
    expected = [True, False, False, False, True, True, False, False, True, False]
    assert compact_identity(_array(values)).tolist() == expected
    assert compact_identity(_array(["ab", "CD", "e"])).tolist() == [False, True, False]
    assert compact_identity(_array([])).tolist() == []
    assert valid_usccs(_array([])).tolist() == []
    assert valid_id_numbers(_array([]), today=TODAY).tolist() == []
