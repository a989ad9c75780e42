from __future__ import annotations

import datetime as dt

import pytest
from stdnum.cn import ric, uscc

from graph.errors import InvalidIdentifier
from graph.ids import (
    SubjectType,
    classify,
    id_number_problem,
    uscc_problem,
    validate_id_number,
    validate_uscc,
)
from tests.fixtures import make_id_number, make_uscc

REAL_USCCS = ["914403001922038216", "91330100799655058B"]


@pytest.mark.parametrize("code", REAL_USCCS)
def test_real_usccs_are_valid(code: str) -> None:
    assert validate_uscc(code) == code
    assert uscc_problem(code) is None


@pytest.mark.parametrize("code", REAL_USCCS)
def test_changing_any_single_character_invalidates_a_real_uscc(code: str) -> None:
    for position in range(18):
        replacement = "7" if code[position] != "7" else "8"
        changed = code[:position] + replacement + code[position + 1 :]
        assert uscc_problem(changed) is not None, changed


def test_wrong_uscc_check_character_names_value_and_expected_character() -> None:
    with pytest.raises(InvalidIdentifier) as caught:
        validate_uscc("91330100799655058C")
    assert "91330100799655058C" in caught.value.detail
    assert "应为 B" in caught.value.detail
    assert "实为 C" in caught.value.detail


def test_uscc_starting_with_a_letter_is_lawful_although_stdnum_validate_rejects_it() -> None:
    body = "Y1320402MA1X3C4D5"
    code = body + uscc.calc_check_digit(body)
    with pytest.raises(uscc.InvalidFormat):
        uscc.validate(code)  # the trap DESIGN.md warns about
    assert validate_uscc(code) == code
    wrong = body + ("0" if code[-1] != "0" else "1")
    assert "校验位错误" in (uscc_problem(wrong) or "")


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("9133010079965505", "长度为 16"),
        ("91330100799655058I", "第18位字符 I 不合法"),
        ("91AB0100799655058B", "行政区划码"),
        ("913301007996550*8B", "掩码"),
    ],
)
def test_malformed_usccs_say_why(value: str, fragment: str) -> None:
    assert fragment in (uscc_problem(value) or "")


def test_legacy_registration_number_is_reported_explicitly() -> None:
    # A 15-digit 注册号 with a valid ISO 7064 MOD 11,10 check digit.
    from stdnum.iso7064 import mod_11_10

    legacy = "32040200000123" + mod_11_10.calc_check_digit("32040200000123")
    problem = uscc_problem(legacy) or ""
    assert "15位旧版注册号" in problem
    assert "校验通过" in problem


def test_generated_usccs_and_id_numbers_are_valid() -> None:
    for n in range(200):
        assert uscc_problem(make_uscc(n)) is None
        assert id_number_problem(make_id_number(n)) is None


def test_id_number_with_area_code_younger_than_the_holder_is_accepted() -> None:
    # 320412 (武进区) was created in 2002; a person born in 1970 got it when their card was issued.
    number = make_id_number(11, area="320412", birth="19700101")
    with pytest.raises(ric.InvalidComponent):
        ric.validate(number)  # python-stdnum's trap
    assert validate_id_number(number) == number


def test_id_number_check_character_error_names_expected_character() -> None:
    number = make_id_number(7)
    wrong_char = "0" if number[-1] != "0" else "1"
    wrong = number[:-1] + wrong_char
    with pytest.raises(InvalidIdentifier) as caught:
        validate_id_number(wrong)
    assert f"应为 {number[-1]}" in caught.value.detail
    assert wrong in caught.value.detail


def test_id_number_lowercase_x_is_normalised() -> None:
    body = "32040219800101002"
    check = ric.calc_check_digit(body + "0")
    number = body + check
    assert validate_id_number(number.lower()) == number


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("3204021970****0114", "掩码"),
        ("320402700101011", "15位一代证"),
        ("320402198002300012", "不是有效日期"),
        ("32040219800101001", "长度为 17"),
    ],
)
def test_malformed_id_numbers_say_why(value: str, fragment: str) -> None:
    assert fragment in (id_number_problem(value) or "")


def test_birth_date_in_the_future_is_rejected() -> None:
    number = make_id_number(3, birth="20990101")
    assert "不合理" in (id_number_problem(number, today=dt.date(2026, 1, 1)) or "")


def test_classify_tells_kinds_apart_and_finds_strings_valid_as_both() -> None:
    assert classify(REAL_USCCS[0]).types == {SubjectType.enterprise}
    assert classify(make_id_number(5)).types == {SubjectType.person}
    both = next(
        candidate
        for n in range(10_000)
        if uscc_problem(candidate := make_id_number(n, birth=f"1980{1 + n // 28 % 12:02d}{1 + n % 28:02d}"))
        is None
    )
    assert classify(both).types == {SubjectType.enterprise, SubjectType.person}
    assert classify("not-an-id").types == frozenset()
    assert classify("not-an-id").problems


def test_a_mistyped_check_character_is_reported_for_the_reading_the_string_has_the_form_of() -> None:
    # 18 characters ending in a letter: only a USCC can look like this; do not lecture about id numbers.
    assert classify("91330100799655058C").problems == (
        "统一社会信用代码 91330100799655058C 校验位错误：应为 B，实为 C",
    )
    number = make_id_number(7)
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    problems = classify(wrong).problems
    assert problems[0].startswith("身份证号码")
    assert "应为" in problems[0]
