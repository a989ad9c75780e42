"""What the public may see of a subject (R10, §六(三)): enterprise names and codes as they are, person names
and id numbers masked.

Pure functions, no I/O. Masking is one-way and deliberately keeps little: a masked name keeps its first
character (and its last, for names of three characters or more), a masked id number its first four and
last four characters — enough for a reader to recognise a person they already know, not to identify one
they do not.

Examples
--------
>>> mask_name("张三明"), mask_name("欧阳小明"), mask_name("张三")
('张*明', '欧**明', '张*')
>>> mask_id_number("32040219800101123X")
'3204**********123X'
"""

from __future__ import annotations

import re
from typing import overload

from graph.ids import SubjectType, compact, id_number_problem

#: Characters an id number keeps at each end when masked.
ID_KEPT = 4
MASK = "*"

# A standalone 18-character resident-id-shaped token in free text (not part of a longer run of letters or
# digits, so that a USCC's tail or a longer number is not taken for one).
_ID_LIKE = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")
# Characters that end the run of text taken for a name written just before "（code）": spaces and the
# punctuation the notices use around a subject.
_NAME_STOP = r"\s：:，,。；;、（）()"


@overload
def mask_name(name: str) -> str: ...


@overload
def mask_name(name: None) -> None: ...


def mask_name(name: str | None) -> str | None:
    """A person's name as the public may see it.

    Names of three characters or more keep their first and last character, two-character names their
    first, a one-character name nothing.

    Examples
    --------
    >>> mask_name("张三"), mask_name("张三明"), mask_name("欧阳小明"), mask_name("明")
    ('张*', '张*明', '欧**明', '*')
    """
    if name is None:
        return None
    text = name.strip()
    if len(text) <= 1:
        return MASK * len(text)
    if len(text) == 2:
        return text[0] + MASK
    return text[0] + MASK * (len(text) - 2) + text[-1]


@overload
def mask_id_number(id_number: str) -> str: ...


@overload
def mask_id_number(id_number: None) -> None: ...


def mask_id_number(id_number: str | None) -> str | None:
    """A resident id number as the public may see it: the first four and last four characters kept.

    A value too short to keep both ends without showing it whole is masked entirely.

    Examples
    --------
    >>> mask_id_number("32040219800101123X"), mask_id_number("320402800101123")
    ('3204**********123X', '3204*******1123')
    """
    if id_number is None:
        return None
    number = compact(id_number)
    if len(number) <= 2 * ID_KEPT:
        return MASK * len(number)
    return number[:ID_KEPT] + MASK * (len(number) - 2 * ID_KEPT) + number[-ID_KEPT:]


def public_subject(subject_type: SubjectType, code: str, name: str) -> tuple[str, str]:
    """``(name, code)`` of a subject as published: unchanged for an enterprise, masked for a person."""
    if subject_type is SubjectType.person:
        return mask_name(name), mask_id_number(code)
    return name, code


def mask_text(text: str, *, subject_type: SubjectType, code: str, name: str) -> str:
    """Free text about a subject (a notice), made fit to publish.

    For a person: the name written before ``（id number）`` is masked whatever it is (so a name changed
    since the text was written is masked too), then any other occurrence of the id number and of the
    current name. For every subject: any other token shaped and checked like a resident id number is
    masked, except the enterprise's own code. Enterprise names and codes are left as they are.

    Notes
    -----
    Linear in the length of the text. Names of other persons written into free text (a reason) cannot be
    recognised and are not masked.
    """
    result = text
    if subject_type is SubjectType.person and code:
        masked_code = mask_id_number(code)
        written_with_code = re.compile(
            rf"([^{_NAME_STOP}]{{1,30}})?([（(]){re.escape(code)}([）)])", flags=re.IGNORECASE
        )
        result = written_with_code.sub(
            lambda m: f"{mask_name(m.group(1) or '')}{m.group(2)}{masked_code}{m.group(3)}", result
        )
        result = re.sub(re.escape(code), masked_code, result, flags=re.IGNORECASE)
        current = name.strip()
        if len(current) >= 2:
            result = result.replace(current, mask_name(current))
    own_code = code.upper() if subject_type is SubjectType.enterprise else None
    return _ID_LIKE.sub(lambda m: _mask_if_id_number(m.group(0), keep=own_code), result)


def _mask_if_id_number(token: str, *, keep: str | None) -> str:
    number = token.upper()
    if number == keep or id_number_problem(number) is not None:
        return token
    return mask_id_number(number)
