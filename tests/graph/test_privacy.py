"""Masking what the public sees of a person (R10, §六(三))."""

from __future__ import annotations

import pytest

from graph.ids import SubjectType
from graph.privacy import mask_id_number, mask_name, mask_text, public_subject
from tests.fixtures import make_id_number, make_uscc

PERSON = make_id_number(123)
FIRM = make_uscc(7)


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三", "张*"),
        ("张三明", "张*明"),
        ("欧阳小明", "欧**明"),
        ("司马相如", "司**如"),
        ("明", "*"),
        ("", ""),
        (" 张三明 ", "张*明"),
        ("买买提·艾力", "买****力"),
    ],
)
def test_mask_name(name: str, masked: str) -> None:
    assert mask_name(name) == masked


def test_mask_name_and_id_number_pass_none_through() -> None:
    assert mask_name(None) is None
    assert mask_id_number(None) is None


@pytest.mark.parametrize(
    ("id_number", "masked"),
    [
        ("32040219800101123X", "3204**********123X"),
        ("32040219800101123x", "3204**********123X"),
        ("320402800101123", "3204*******1123"),
        ("3204021970****0114", "3204**********0114"),
        ("12345678", "********"),
        ("123", "***"),
        ("", ""),
    ],
)
def test_mask_id_number(id_number: str, masked: str) -> None:
    assert mask_id_number(id_number) == masked


def test_masked_id_keeps_length_and_never_the_middle() -> None:
    masked = mask_id_number(PERSON)
    assert len(masked) == len(PERSON)
    assert PERSON[4:-4] not in masked


def test_public_subject_masks_persons_only() -> None:
    assert public_subject(SubjectType.person, PERSON, "张三明") == ("张*明", mask_id_number(PERSON))
    assert public_subject(SubjectType.enterprise, FIRM, "常州甲有限公司") == ("常州甲有限公司", FIRM)


@pytest.mark.parametrize(
    "template",
    [
        "退出公告：{s} 经信用修复，自 2024-06-03 起移出失信被执行人（（2022）苏04执B号）。",
        "更正：撤销 {s} 的失信被执行人（（2022）苏04执B号）记录（误列），自始无效。理由：查无此事",
        "{s} 被误列入守信激励对象（文号），应收回其因该红名单获得的联合激励权益。",
        "致 {s}：因工作失误将您误列入失信被执行人，现予撤销。",
    ],
)
def test_mask_text_masks_the_person_as_notices_write_them(template: str) -> None:
    text = template.format(s=f"张三明（{PERSON}）")
    masked = mask_text(text, subject_type=SubjectType.person, code=PERSON, name="张三明")
    assert masked == template.format(s=f"张*明（{mask_id_number(PERSON)}）")


def test_mask_text_masks_a_name_changed_since_the_notice_was_written() -> None:
    text = f"退出公告：张小明（{PERSON}） 经信用修复。理由：张三明已履行"
    masked = mask_text(text, subject_type=SubjectType.person, code=PERSON, name="张三明")
    assert masked == f"退出公告：张*明（{mask_id_number(PERSON)}） 经信用修复。理由：张*明已履行"
    assert "张小明" not in masked


def test_mask_text_masks_other_id_numbers_but_not_the_firms_code() -> None:
    other = make_id_number(456)
    text = f"更正：常州甲有限公司（{FIRM}）的记录已更正。理由：原误录法定代表人 {other}"
    masked = mask_text(text, subject_type=SubjectType.enterprise, code=FIRM, name="常州甲有限公司")
    assert (
        masked
        == f"更正：常州甲有限公司（{FIRM}）的记录已更正。理由：原误录法定代表人 {mask_id_number(other)}"
    )


def test_mask_text_leaves_numbers_that_are_not_id_numbers() -> None:
    text = "案号 123456789012345678 与 9132040200000000X1"
    assert mask_text(text, subject_type=SubjectType.enterprise, code=FIRM, name="甲") == text
