"""Dates as integer day numbers for set-based work (days since 1970-01-01).

Open interval ends become sentinels far outside any real date, so that interval tests are plain
integer comparisons with no null handling in the hot loops.
"""

from __future__ import annotations

import datetime as dt

EPOCH = dt.date(1970, 1, 1)
OPEN_START = -10_000_000
OPEN_END = 10_000_000


def to_day(value: dt.date | None, *, open_as: int) -> int:
    return open_as if value is None else (value - EPOCH).days


def from_day(value: int) -> dt.date | None:
    if value <= OPEN_START or value >= OPEN_END:
        return None
    return EPOCH + dt.timedelta(days=int(value))


def parse_iso(value: str | None) -> dt.date | None:
    return None if value is None or value == "" else dt.date.fromisoformat(value)


def iso(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()
