"""Identifiers: 统一社会信用代码 (USCC, GB 32100-2015) and 居民身份证号码 (GB 11643-1999).

The check characters come from python-stdnum. Its ``validate`` functions are not used, on purpose:

* ``stdnum.cn.uscc.validate`` insists that the first eight characters are digits, so it rejects lawful
  codes whose registration authority (position 1) or entity type (position 2) is a letter, e.g. ``Y1…``.
* ``stdnum.cn.ric.validate`` rejects ids whose area code did not exist in the birth year, but the area
  code is the one in force when the number was first issued, often years after birth.

So: our own length/charset/date checks, stdnum's check-character arithmetic. Every message names the
value and, for a wrong check character, the expected one. Messages are Chinese: they reach users.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from stdnum.cn import ric as _ric
from stdnum.cn import uscc as _uscc
from stdnum.iso7064 import mod_11_10

from graph.errors import InvalidIdentifier

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_CHARS = frozenset(USCC_ALPHABET)
_SEPARATORS = re.compile(r"[\s\-]+")
_CHECK_CHARACTER_WRONG = "校验位错误：应为"


class SubjectType(StrEnum):
    enterprise = "enterprise"
    person = "person"


def compact(value: str) -> str:
    """Strip spaces and hyphens and upper-case; ``x`` in an id number becomes ``X``."""
    return _SEPARATORS.sub("", value).upper()


def uscc_problem(value: str) -> str | None:
    """Why ``value`` is not a valid USCC, or ``None`` if it is. ``value`` must already be compacted."""
    if "*" in value:
        return f"统一社会信用代码 {value} 含掩码字符 *，无法识别主体"
    if len(value) == 15 and value.isdigit():
        if mod_11_10.is_valid(value):
            return f"{value} 是15位旧版注册号（校验通过），credlink 以18位统一社会信用代码识别企业，请提供统一社会信用代码"
        return f"{value} 是15位旧版注册号格式，但校验位错误；请提供18位统一社会信用代码"
    if len(value) != 18:
        return f"统一社会信用代码 {value} 长度为 {len(value)}，应为18位"
    for position, char in enumerate(value, start=1):
        if char not in _USCC_CHARS:
            return (
                f"统一社会信用代码 {value} 第{position}位字符 {char} 不合法（不得使用 I、O、S、V、Z 及符号）"
            )
    if not value[2:8].isdigit():
        return f"统一社会信用代码 {value} 第3–8位应为行政区划码（6位数字），实为 {value[2:8]}"
    expected = _uscc.calc_check_digit(value[:17])
    if value[17] != expected:
        return f"统一社会信用代码 {value} 校验位错误：应为 {expected}，实为 {value[17]}"
    return None


def id_number_problem(value: str, *, today: dt.date | None = None) -> str | None:
    """Why ``value`` is not a valid resident id number, or ``None``. ``value`` must already be compacted."""
    if "*" in value:
        return f"身份证号码 {value} 为掩码号码（含 *），无法识别个人"
    if len(value) == 15 and value.isdigit():
        return f"身份证号码 {value} 为15位一代证号码，请换算为18位号码后再提交"
    if len(value) != 18:
        return f"身份证号码 {value} 长度为 {len(value)}，应为18位"
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        return f"身份证号码 {value} 格式错误：前17位应为数字，第18位为数字或 X"
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return f"身份证号码 {value} 中的出生日期 {value[6:14]} 不是有效日期"
    if birth > (today or dt.date.today()) or birth.year < 1850:
        return f"身份证号码 {value} 中的出生日期 {birth.isoformat()} 不合理"
    expected = _ric.calc_check_digit(value)
    if value[17] != expected:
        return f"身份证号码 {value} 校验位错误：应为 {expected}，实为 {value[17]}"
    return None


def validate_uscc(value: str) -> str:
    """Return the compact USCC or raise :class:`InvalidIdentifier` naming the problem."""
    number = compact(value)
    problem = uscc_problem(number)
    if problem:
        raise InvalidIdentifier(problem)
    return number


def validate_id_number(value: str, *, today: dt.date | None = None) -> str:
    """Return the compact resident id number or raise :class:`InvalidIdentifier`."""
    number = compact(value)
    problem = id_number_problem(number, today=today)
    if problem:
        raise InvalidIdentifier(problem)
    return number


@dataclass(frozen=True, slots=True)
class Classified:
    """What a subject id string can be: a USCC, a resident id number, or both."""

    value: str
    types: frozenset[SubjectType]
    problems: tuple[str, ...]


def classify(value: str, *, today: dt.date | None = None) -> Classified:
    """Tell apart a USCC and a resident id number by validation alone.

    A string can be valid as both (18 digits whose last character satisfies both check rules); the
    caller then asks the store, and never guesses.
    """
    number = compact(value)
    day = today or dt.date.today()
    # Only plausible lengths are cached, so that junk input cannot fill the cache with long strings.
    return _classify(number, day) if len(number) <= 18 else _classify.__wrapped__(number, day)


@lru_cache(maxsize=65_536)
def _classify(number: str, today: dt.date) -> Classified:
    # Cached: business systems ask about the same ids again and again, and the USCC check character
    # costs more than the rest of a check. ``today`` is part of the key (birth dates in the future).
    types: set[SubjectType] = set()
    problems: list[str] = []
    uscc_issue = uscc_problem(number)
    id_issue = id_number_problem(number, today=today)
    if uscc_issue is None:
        types.add(SubjectType.enterprise)
    if id_issue is None:
        types.add(SubjectType.person)
    if id_issue is not None and uscc_issue is not None:
        # When the string has the form of one kind and only its check character is wrong, that is the
        # reading to report (a typo); otherwise report both, the more plausible first: digits with a
        # date inside read as an id number.
        typo = [issue for issue in (id_issue, uscc_issue) if _CHECK_CHARACTER_WRONG in issue]
        if len(typo) == 1:
            problems = typo
        elif number[:17].isdigit() and len(number) in (15, 18):
            problems = [id_issue, uscc_issue]
        else:
            problems = [uscc_issue, id_issue]
    return Classified(number, frozenset(types), tuple(problems))
