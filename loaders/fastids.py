"""Vectorised identifier checks for whole columns: a numpy pre-filter in front of :mod:`graph.ids`.

A city's files hold millions of identifiers, almost all of them valid; :mod:`graph.ids` costs 10–30 µs
per value (python-stdnum's check characters, Python per character). The masks here say, for a whole
array at once, which values are *certainly* what :mod:`graph.ids` accepts; every other value still goes
through :mod:`graph.ids`, which stays the one source of the rules and of the messages. So a mask may
only err on the side of ``False`` (a value sent to the slow path), never ``True`` for a value
:mod:`graph.ids` rejects — ``tests/loaders/test_fastids.py`` checks the agreement on generated and edge-case
values.

Only plain ASCII values of the exact length are judged; anything else (spaces, lower case, full-width
characters, masks, 15-digit numbers) is left to :mod:`graph.ids`.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import numpy.typing as npt

from graph.ids import USCC_ALPHABET

__all__ = ["compact_identity", "valid_id_numbers", "valid_usccs"]

BoolArray = npt.NDArray[np.bool_]
ObjectArray = npt.NDArray[np.object_]

_LENGTH = 18

# Byte → position in the USCC alphabet, -1 for bytes outside it.
_USCC_INDEX = np.full(256, -1, dtype=np.int64)
for _position, _char in enumerate(USCC_ALPHABET):
    _USCC_INDEX[ord(_char)] = _position
# GB 32100-2015: weight of position i (0-based) is 3^i mod 31.
_USCC_WEIGHTS = np.array([pow(3, i, 31) for i in range(17)], dtype=np.int64)
# GB 11643-1999 (ISO 7064 MOD 11-2): the 17 digits read base 13 (as python-stdnum does), 13 ≡ 2 (mod 11).
_RIC_WEIGHTS = np.array([pow(13, 16 - i, 11) for i in range(17)], dtype=np.int64)
_DAYS_IN_MONTH = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)
# Bytes a compacted identifier may hold unchanged: ASCII digits and capitals.
_PLAIN = np.zeros(256, dtype=bool)
_PLAIN[ord("0") : ord("9") + 1] = True
_PLAIN[ord("A") : ord("Z") + 1] = True


def _lengths(values: ObjectArray) -> npt.NDArray[np.int64]:
    return np.fromiter(map(len, values.tolist()), dtype=np.int64, count=len(values))


def _matrix(values: ObjectArray) -> tuple[npt.NDArray[np.uint8], BoolArray]:
    """The values of length 18 that are ASCII, as an (n, 18) byte matrix, and the mask selecting them."""
    take = _lengths(values) == _LENGTH
    chosen = values[take].tolist()
    joined = "".join(chosen)
    if not joined.isascii():
        ascii_mask = np.fromiter(map(str.isascii, chosen), dtype=bool, count=len(chosen))
        take[np.flatnonzero(take)[~ascii_mask]] = False
        joined = "".join(values[take].tolist())
    data = np.frombuffer(joined.encode("ascii"), dtype=np.uint8).reshape(-1, _LENGTH)
    return data, take


def valid_usccs(values: ObjectArray) -> BoolArray:
    """True where ``graph.ids.uscc_problem(value)`` is certainly ``None`` (values already compacted)."""
    result = np.zeros(len(values), dtype=bool)
    if not len(values):
        return result
    data, take = _matrix(values)
    index = _USCC_INDEX[data]
    ok = (index >= 0).all(axis=1)
    digits = data[:, 2:8]
    ok &= ((digits >= ord("0")) & (digits <= ord("9"))).all(axis=1)
    total = index[:, :17] @ _USCC_WEIGHTS
    ok &= index[:, 17] == (-total) % 31
    result[take] = ok
    return result


def valid_id_numbers(values: ObjectArray, *, today: dt.date | None = None) -> BoolArray:
    """True where ``graph.ids.id_number_problem(value, today=today)`` is certainly ``None``."""
    result = np.zeros(len(values), dtype=bool)
    if not len(values):
        return result
    day = today or dt.date.today()
    data, take = _matrix(values)
    digit = data.astype(np.int64) - ord("0")
    is_digit = (digit >= 0) & (digit <= 9)
    last_x = data[:, 17] == ord("X")
    ok = is_digit[:, :17].all(axis=1) & (is_digit[:, 17] | last_x)
    digit = np.where(is_digit, digit, 0)
    year = digit[:, 6] * 1000 + digit[:, 7] * 100 + digit[:, 8] * 10 + digit[:, 9]
    month = digit[:, 10] * 10 + digit[:, 11]
    mday = digit[:, 12] * 10 + digit[:, 13]
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_ok = (month >= 1) & (month <= 12)
    last_day = _DAYS_IN_MONTH[np.where(month_ok, month, 0)] + ((month == 2) & leap)
    ok &= month_ok & (mday >= 1) & (mday <= last_day)
    ok &= (year >= 1850) & (year * 10000 + month * 100 + mday <= day.year * 10000 + day.month * 100 + day.day)
    checksum = (1 - 2 * (digit[:, :17] @ _RIC_WEIGHTS)) % 11
    ok &= np.where(checksum == 10, last_x, ~last_x & (digit[:, 17] == checksum))
    result[take] = ok
    return result


def compact_identity(values: ObjectArray) -> BoolArray:
    """True where compacting ``value`` (``graph.ids.compact``) certainly leaves it unchanged: it is made of
    ASCII digits and capitals only."""
    result = np.zeros(len(values), dtype=bool)
    if not len(values):
        return result
    texts = values.tolist()
    joined = "".join(texts)
    lengths = _lengths(values)
    if not joined.isascii():
        ascii_mask = np.fromiter(map(str.isascii, texts), dtype=bool, count=len(texts))
        if not ascii_mask.any():
            return result
        return _place(compact_identity(values[ascii_mask]), ascii_mask)
    data = np.frombuffer(joined.encode("ascii"), dtype=np.uint8)
    result = np.ones(len(values), dtype=bool)
    bad_bytes = np.flatnonzero(~_PLAIN[data])
    if len(bad_bytes):
        # The value each offending byte belongs to: the first whose end lies past the byte.
        result[np.searchsorted(np.cumsum(lengths), bad_bytes, side="right")] = False
    return result


def _place(values: BoolArray, mask: BoolArray) -> BoolArray:
    out = np.zeros(len(mask), dtype=bool)
    out[mask] = values
    return out
