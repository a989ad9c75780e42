"""The SQLite store's fresh path (first load: direct inserts, name index filled in one statement, indexes
built once) writes exactly what the staging path writes: same rows, keys, counts, name index and schema."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from graph import propagation
from graph.store import sqlite as sqlite_store
from graph.store.sqlite import SQLiteStore
from loaders import load_paths
from loaders.sample import generate_city

TODAY = dt.date(2026, 6, 30)

_TABLES = {
    "subjects": "SELECT * FROM subjects ORDER BY pk",
    "roles": "SELECT * FROM roles ORDER BY pk",
    "list_entries": "SELECT * FROM list_entries ORDER BY pk",
    "list_policies": "SELECT * FROM list_policies ORDER BY list_type",
    "measures": "SELECT * FROM measures ORDER BY pk",
    "entry_events": "SELECT pk, entry_pk, actor, action, reason, details FROM entry_events ORDER BY pk",
    "change_log": "SELECT entry_pk FROM change_log ORDER BY entry_pk",
    "derived_records": "SELECT * FROM derived_records ORDER BY pk",
    "schema": "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name",
}


def _dump(path: Path, names: list[str]) -> dict[str, Any]:
    conn = sqlite3.connect(path)
    try:
        dump: dict[str, Any] = {table: conn.execute(query).fetchall() for table, query in _TABLES.items()}
        dump["fts_integrity"] = conn.execute(
            "INSERT INTO subjects_name_fts (subjects_name_fts, rank) VALUES ('integrity-check', 1)"
        ).fetchall()
        dump["fts"] = {
            part: conn.execute(
                "SELECT rowid FROM subjects_name_fts WHERE name LIKE ? ORDER BY rowid", (f"%{part}%",)
            ).fetchall()
            for part in names
        }
        return dump
    finally:
        conn.close()


def _load(files: dict[str, Path], path: Path, fresh_rows: int, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(sqlite_store, "FRESH_ROWS", fresh_rows)
    store = SQLiteStore(path)
    try:
        report = load_paths(store, list(files.values()), progress=False, today=TODAY)
        assert report.ok, report.format_text()
        propagation.run_full(store)
        again = load_paths(store, list(files.values()), progress=False, today=TODAY)
        return report.to_dict(), again.to_dict()
    finally:
        store.close()


def test_fresh_path_writes_what_the_staging_path_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = generate_city(tmp_path / "city", enterprises=400, seed=7, today=TODAY)
    staged = _load(files, tmp_path / "staged.db", 10**12, monkeypatch)
    fresh = _load(files, tmp_path / "fresh.db", 1, monkeypatch)
    assert fresh == staged
    assert fresh[0]["counts"]["roles"]["inserted"] > 1000
    assert fresh[1]["counts"]["roles"]["unchanged"] == fresh[0]["counts"]["roles"]["inserted"]
    conn = sqlite3.connect(tmp_path / "staged.db")
    names = [row[0][1:4] for row in conn.execute("SELECT name FROM subjects ORDER BY pk LIMIT 20")]
    conn.close()
    assert _dump(tmp_path / "fresh.db", names) == _dump(tmp_path / "staged.db", names)


def test_fresh_path_after_existing_subjects(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Enterprises already held, persons and roles new: the fresh path takes persons and roles only, and
    finds the firms' keys in the table; black entries of firms whose roles arrive are logged for propagation."""
    files = generate_city(tmp_path / "city", enterprises=300, seed=11, today=TODAY)
    first = [files["enterprises"], files["list_policies"], files["measures"]]
    results = []
    for name, fresh_rows in (("staged.db", 10**12), ("fresh.db", 1)):
        monkeypatch.setattr(sqlite_store, "FRESH_ROWS", fresh_rows)
        store = SQLiteStore(tmp_path / name)
        try:
            assert load_paths(store, first, progress=False, today=TODAY).ok
            report = load_paths(store, [files["persons"], files["roles"]], progress=False, today=TODAY)
            assert report.ok, report.format_text()
            results.append(report.to_dict())
        finally:
            store.close()
    assert results[0] == results[1]
    assert _dump(tmp_path / "fresh.db", ["有限"]) == _dump(tmp_path / "staged.db", ["有限"])


def test_fresh_path_rolls_back_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure inside the fresh path leaves the store as it was, triggers and indexes included."""
    files = generate_city(tmp_path / "city", enterprises=200, seed=3, today=TODAY)
    monkeypatch.setattr(sqlite_store, "FRESH_ROWS", 1)
    path = tmp_path / "store.db"
    store = SQLiteStore(path)
    before = _dump(path, ["有限"])

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(sqlite_store, "_fresh_roles", broken)
    try:
        with pytest.raises(Exception, match="disk I/O error"):
            load_paths(store, list(files.values()), progress=False, today=TODAY)
    finally:
        store.close()
    after = _dump(path, ["有限"])
    assert set(after["schema"]) ^ set(before["schema"]) == set()
    assert after == before
