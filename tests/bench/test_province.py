"""The province benchmark's cities: codes moved into their prefecture stay lawful and one-to-one, and the
cities, loaded one after another into one store, share no subject."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from bench import province
from graph.ids import id_number_problem, uscc_problem
from graph.store.port import FileKind
from graph.store.sqlite import SQLiteStore
from loaders import load_paths


def test_moved_codes_are_lawful_distinct_and_in_their_prefecture() -> None:
    codes = pd.Series(
        [
            "91320411MAG0M5536H",  # a firm of 3204
            "32048219721222865X",  # a person of 3204
            "",  # a blank is kept
            "110101199003074477",  # another province's person: kept
        ]
    )
    moved = province.move_codes(codes, "05")
    assert moved[0].startswith("913205")
    assert uscc_problem(moved[0]) is None
    assert moved[1].startswith("3205")
    assert id_number_problem(moved[1]) is None
    assert moved[1][4:17] == codes[1][4:17]
    assert list(moved[2:]) == list(codes[2:])
    assert province.move_codes(codes, province.GENERATED) is codes


def test_cities_load_one_after_another_and_share_no_subject(tmp_path: Path) -> None:
    cities = [province.province_city(tmp_path, number, 300, 7) for number in range(3)]
    counts = []
    for city in cities:
        frame = pd.read_csv(city["enterprises"], dtype=str)
        assert frame["uscc"].map(uscc_problem).isna().all()
        counts.append((len(frame), len(pd.read_csv(city["persons"], dtype=str))))
    store = SQLiteStore(tmp_path / "province.db")
    try:
        for city in cities:
            report = load_paths(store, list(city.values()), progress=False)
            assert report.ok, report.format_text()
            assert report.counts[FileKind.enterprises].inserted == 300
    finally:
        store.close()
    conn = sqlite3.connect(tmp_path / "province.db")
    try:
        held = dict(
            conn.execute("SELECT subject_type, count(*) FROM subjects GROUP BY subject_type").fetchall()
        )
        regions = {
            row[0]
            for row in conn.execute(
                "SELECT DISTINCT substr(code, 3, 4) FROM subjects WHERE subject_type = 'enterprise'"
            )
        }
    finally:
        conn.close()
    assert held == {"enterprise": sum(n for n, _ in counts), "person": sum(n for _, n in counts)}
    assert regions == {"3201", "3202", "3203"}


def test_a_new_citys_feed_takes_the_fresh_path_and_writes_what_the_staging_path_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Into a store that already holds a city: the next city's subjects are all new and its edges all of new
    firms, so they are inserted directly (indexes kept); a re-load of a city is merged as before. Both ways
    give the same rows, keys, counts and name index."""
    from graph.store import sqlite as sqlite_store
    from tests.loaders.test_bulk_write import _dump

    cities = [province.province_city(tmp_path / "files", number, 250, 3) for number in range(2)]
    calls: list[str] = []
    real = sqlite_store._fresh_subjects

    def counted(conn: Any, kind: Any, *args: Any) -> Any:
        calls.append(kind.value)
        return real(conn, kind, *args)

    real_roles = sqlite_store._fresh_roles

    def counted_roles(*args: Any, **kwargs: Any) -> Any:
        written = real_roles(*args, **kwargs)
        calls.append("roles" if written is not None else "roles merged")
        return written

    monkeypatch.setattr(sqlite_store, "_fresh_subjects", counted)
    monkeypatch.setattr(sqlite_store, "_fresh_roles", counted_roles)
    reports = []
    for name, fresh_rows in (("staged.db", 10**12), ("fresh.db", 1)):
        monkeypatch.setattr(sqlite_store, "FRESH_ROWS", fresh_rows)
        store = SQLiteStore(tmp_path / name)
        try:
            for city in [*cities, cities[0]]:  # the first city again: nothing new
                report = load_paths(store, list(city.values()), progress=False)
                assert report.ok, report.format_text()
                reports.append(report.to_dict())
        finally:
            store.close()
    assert reports[:3] == reports[3:]
    assert reports[5]["counts"]["roles"]["unchanged"] == reports[3]["counts"]["roles"]["inserted"]
    # The fresh path took both cities; the re-load's subjects were not new, its edges not of new firms.
    assert calls == ["enterprises", "persons", "roles"] * 2 + ["roles merged"]
    assert _dump(tmp_path / "fresh.db", ["有限"]) == _dump(tmp_path / "staged.db", ["有限"])
