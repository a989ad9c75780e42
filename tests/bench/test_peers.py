"""The peers of the benchmark give credlink's answers: on a small generated city, every person's "restricted
on this date, directly or via a firm" from networkx (and Kùzu, when the ``bench`` extra is installed)
equals ``queries.check``'s, and networkx's propagation makes credlink's derived records."""

from __future__ import annotations

import datetime as dt
import importlib.util
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from bench.peers import (
    KUZU_CHECK,
    KuzuCity,
    NetworkxCity,
    kuzu_check,
    kuzu_load,
    kuzu_prepare,
    networkx_check,
    networkx_load,
    networkx_propagate,
)
from graph.propagation import run_pending
from graph.store import open_store
from loaders.load import load_paths
from loaders.sample import generate_city
from queries.check import check

TODAY = dt.date(2026, 6, 30)
#: Today, and days in the past when other role holders and entries were in force.
DAYS = (TODAY, dt.date(2023, 3, 1), dt.date(2019, 7, 15))
#: ~1,200 persons: each Kùzu query takes a few ms, so that Kùzu's answers for all take a few seconds.
ENTERPRISES = 1000


@dataclass(frozen=True)
class SmallCity:
    files: dict[str, Path]
    db: Path
    persons: list[str]
    #: persons with an own black entry or a role in a firm with one: the others are never restricted
    linked: set[str]
    #: credlink's answer per (person, day)
    restricted: dict[tuple[str, dt.date], bool]


@pytest.fixture(scope="module")
def small_city(tmp_path_factory: pytest.TempPathFactory) -> SmallCity:
    root = tmp_path_factory.mktemp("peers")
    generated = generate_city(root / "files", enterprises=ENTERPRISES, seed=61, today=TODAY)
    files = {str(kind): Path(path) for kind, path in generated.items()}
    db = root / "credlink.db"
    store = open_store(db)
    try:
        loaded = load_paths(store, list(files.values()), progress=False, today=TODAY)
        assert loaded.ok, loaded.problems[:3]
        run_pending(store)
        with sqlite3.connect(db) as conn:
            persons = [
                str(row[0]) for row in conn.execute("SELECT code FROM subjects WHERE subject_type = 'person'")
            ]
        restricted = {
            (person, day): check(store, person, at=day).restricted for person in persons for day in DAYS
        }
    finally:
        store.close()
    entries = pd.read_csv(files["list_entries"], dtype=str, keep_default_na=False)
    black = set(entries.loc[entries["kind"] == "black", "subject_id"])
    roles = pd.read_csv(files["roles"], dtype=str, keep_default_na=False)
    linked = (black & set(persons)) | set(roles.loc[roles["enterprise_uscc"].isin(black), "person_id"])
    return SmallCity(files, db, persons, linked, restricted)


@pytest.fixture(scope="module")
def networkx_city(small_city: SmallCity) -> NetworkxCity:
    return networkx_load(small_city.files)


def test_networkx_check_agrees_with_credlink(small_city: SmallCity, networkx_city: NetworkxCity) -> None:
    answers = {key: bool(networkx_check(networkx_city, *key)) for key in small_city.restricted}
    disagree = sorted(key for key, restricted in small_city.restricted.items() if answers[key] != restricted)
    assert disagree == []
    # The city is not trivial: some persons are restricted, some only through a firm.
    assert sum(small_city.restricted.values()) > 10
    assert any(
        reasons and all(firm for _, firm, _ in reasons)
        for reasons in (networkx_check(networkx_city, person, TODAY) for person in small_city.persons)
    )


def test_networkx_propagation_makes_credlinks_derived_records(
    small_city: SmallCity, networkx_city: NetworkxCity
) -> None:
    with sqlite3.connect(small_city.db) as conn:
        credlink = sorted(
            (str(entry), str(person), str(firm), str(role), str(basis), str(valid_from), str(valid_to or ""))
            for entry, person, firm, role, basis, valid_from, valid_to in conn.execute(
                """SELECT e.entry_id, h.code, f.code, d.role, d.holder_basis, d.valid_from, d.valid_to
                   FROM derived_records AS d
                   JOIN list_entries AS e ON e.pk = d.entry_pk
                   JOIN subjects AS h ON h.pk = d.person_pk
                   JOIN subjects AS f ON f.pk = d.enterprise_pk"""
            )
        )
    open_end = dt.date.max.toordinal()
    peer = sorted(
        (
            entry,
            person,
            firm,
            role,
            basis,
            dt.date.fromordinal(valid_from).isoformat(),
            "" if valid_to == open_end else dt.date.fromordinal(valid_to).isoformat(),
        )
        for entry, person, firm, role, basis, valid_from, valid_to in networkx_propagate(networkx_city)
    )
    assert credlink
    assert peer == credlink


@pytest.fixture(scope="module")
def kuzu_city(small_city: SmallCity) -> Iterator[KuzuCity]:
    if importlib.util.find_spec("kuzu") is None:
        pytest.skip(
            "kuzu is not installed: the Kùzu peer is in the optional extra, pip install -e '.[bench]'"
        )
    city = kuzu_load(small_city.files, buffer_pool=256 * 2**20)
    try:
        yield city
    finally:
        city.close()


def test_kuzu_check_agrees_with_credlink(small_city: SmallCity, kuzu_city: KuzuCity) -> None:
    # Every person today; on the past days only the linked ones (the others are never restricted, which
    # credlink's answers confirm): all days for all persons would take half a minute.
    statement = kuzu_prepare(kuzu_city, KUZU_CHECK)
    asked = [
        (person, day) for person, day in small_city.restricted if day == TODAY or person in small_city.linked
    ]
    answers = {key: bool(kuzu_check(kuzu_city, statement, *key)) for key in asked}
    disagree = sorted(key for key in asked if answers[key] != small_city.restricted[key])
    assert disagree == []
    assert not any(
        small_city.restricted[key] for key in small_city.restricted if key[0] not in small_city.linked
    )
