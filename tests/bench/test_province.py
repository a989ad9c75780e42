"""The province benchmark's cities: codes moved into their prefecture stay lawful and one-to-one, and the
cities, loaded one after another into one store, share no subject."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd

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
