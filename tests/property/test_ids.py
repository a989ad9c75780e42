"""Identifier validation (graph/ids.py) over generated inputs: every lawful USCC and resident id is accepted —
including the ones python-stdnum's ``validate`` rejects (DESIGN.md, "Identifiers") — every single-character
typo is caught, and no input whatsoever raises anything but :class:`InvalidIdentifier`."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from stdnum.cn import ric as stdnum_ric
from stdnum.cn import uscc as stdnum_uscc

from graph.errors import InvalidIdentifier
from graph.ids import (
    USCC_ALPHABET,
    SubjectType,
    classify,
    compact,
    id_number_problem,
    uscc_problem,
    validate_id_number,
    validate_uscc,
)

TODAY = dt.date(2026, 6, 30)

digits = st.text(alphabet="0123456789", min_size=1, max_size=1)
uscc_char = st.sampled_from(USCC_ALPHABET)


@st.composite
def usccs(draw: st.DrawFn) -> str:
    """A lawful USCC: any registration authority and entity type of the alphabet (letters too), a 6-digit
    division code, any organisation code, the right check character."""
    authority, kind = draw(uscc_char), draw(uscc_char)
    division = draw(st.text(alphabet="0123456789", min_size=6, max_size=6))
    organisation = draw(st.text(alphabet=USCC_ALPHABET, min_size=9, max_size=9))
    body = f"{authority}{kind}{division}{organisation}"
    return body + stdnum_uscc.calc_check_digit(body)


@st.composite
def id_numbers(draw: st.DrawFn) -> str:
    """A lawful resident id: any 6-digit area code (whether or not it existed in the birth year), a real birth
    date not in the future, any sequence number, the right check character."""
    area = draw(st.text(alphabet="0123456789", min_size=6, max_size=6))
    birth = draw(st.dates(min_value=dt.date(1890, 1, 1), max_value=TODAY))
    sequence = draw(st.integers(min_value=0, max_value=999))
    body = f"{area}{birth:%Y%m%d}{sequence:03d}"
    return body + stdnum_ric.calc_check_digit(body + "0")


@given(usccs())
@example("914403001922038216")  # 华为技术有限公司
@example("Y1320402MA1X3C4D5" + stdnum_uscc.calc_check_digit("Y1320402MA1X3C4D5"))
def test_every_lawful_uscc_is_accepted(code: str) -> None:
    assert uscc_problem(code) is None
    assert validate_uscc(code.lower()) == code
    assert validate_uscc(f" {code[:6]}-{code[6:]} ") == code
    assert SubjectType.enterprise in classify(code).types


@given(usccs().filter(lambda code: not code[:2].isdigit()))
def test_stdnum_rejects_lawful_usccs_starting_with_a_letter_and_we_do_not(code: str) -> None:
    with pytest.raises(stdnum_uscc.ValidationError):
        stdnum_uscc.validate(code)
    assert validate_uscc(code) == code


@given(usccs(), st.integers(min_value=0, max_value=17), uscc_char)
def test_any_single_character_change_of_a_uscc_is_caught(code: str, position: int, char: str) -> None:
    changed = code[:position] + char + code[position + 1 :]
    if changed == code:
        return
    problem = uscc_problem(changed)
    assert problem is not None
    assert changed in problem  # the message names the value


@given(id_numbers())
@example("320412197001010010")  # 武进区 (320412) only exists since 2002: stdnum's validate refuses it
def test_every_lawful_id_number_is_accepted(number: str) -> None:
    assert id_number_problem(number, today=TODAY) is None
    assert validate_id_number(number.lower(), today=TODAY) == number
    assert SubjectType.person in classify(number, today=TODAY).types


def test_stdnum_rejects_an_id_issued_under_a_later_area_code_and_we_do_not() -> None:
    number = "320412197001010010"
    with pytest.raises(stdnum_ric.ValidationError):
        stdnum_ric.validate(number)
    assert validate_id_number(number, today=TODAY) == number


@given(id_numbers(), st.integers(min_value=0, max_value=17), digits)
def test_any_single_digit_change_of_an_id_number_is_caught(number: str, position: int, digit: str) -> None:
    changed = number[:position] + digit + number[position + 1 :]
    if changed == number:
        return
    # A changed digit fails the check character, or makes the birth date impossible or future; never silently
    # another valid person.
    assert id_number_problem(changed, today=TODAY) is not None


@given(id_numbers(), st.integers(min_value=1, max_value=20_000))
def test_a_birth_date_in_the_future_is_refused(number: str, days: int) -> None:
    birth = TODAY + dt.timedelta(days=days)
    body = f"{number[:6]}{birth:%Y%m%d}{number[14:17]}"
    future = body + stdnum_ric.calc_check_digit(body + "0")
    assert "不合理" in (id_number_problem(future, today=TODAY) or "")


@settings(max_examples=300)
@given(st.text(max_size=60))
@example("3204021970****0114")  # a court list's masked id
@example("320402700101011")  # a first-generation 15-digit id
@example("110108000000016")  # a legacy 15-digit registration number
@example("\x00" * 18)
@example("９１４４０３００１９２２０３８２１６")  # full-width digits
def test_no_input_raises_anything_but_invalid_identifier(text: str) -> None:
    classified = classify(text, today=TODAY)
    assert classified.value == compact(text)
    assert bool(classified.types) != bool(classified.problems)  # valid as something, or told why not
    for validate in (validate_uscc, lambda value: validate_id_number(value, today=TODAY)):
        try:
            validate(text)
        except InvalidIdentifier as exc:  # the only exception allowed, and it says why
            detail = exc.detail
            assert detail
