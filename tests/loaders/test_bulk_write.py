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
    """Load the city twice; the fresh path (``fresh_rows`` small) is fed while validating, the staging path
    after validation — so the comparison covers both ways of handing rows to the store."""
    monkeypatch.setattr(sqlite_store, "FRESH_ROWS", fresh_rows)
    monkeypatch.setattr("loaders.load.PIPELINE_BYTES", 0 if fresh_rows < 100 else 10**12)
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
    # The firms' entries come first (a person's id number is 18 characters, like a firm's code, but has no
    # letters and its 7th–14th are a birth date; the generator's firm codes start with 9).
    lines = files["list_entries"].read_text(encoding="utf-8").splitlines()
    firms = [line for line in lines[1:] if line.split(",")[1].startswith("9")]
    entries = tmp_path / "firm_entries.csv"
    entries.write_text("\n".join([lines[0], *firms]) + "\n", encoding="utf-8")
    first = [files["enterprises"], files["list_policies"], files["measures"], entries]
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
    conn = sqlite3.connect(tmp_path / "fresh.db")
    try:  # the firms' black entries were logged again when their roles arrived
        again = conn.execute(
            "SELECT e.kind, count(*) FROM list_entries AS e WHERE "
            "(SELECT count(*) FROM change_log AS c WHERE c.entry_pk = e.pk) = 2 GROUP BY e.kind"
        ).fetchall()
    finally:
        conn.close()
    assert [kind for kind, _ in again] == ["black"]
    assert again[0][1] > 0


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


def test_a_late_bad_row_rolls_back_what_was_already_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The store writes each kind as soon as it is validated; a bad row in the last kind (list entries)
    still means nothing at all is written: subjects and roles already inserted by the fresh path roll back."""
    files = generate_city(tmp_path / "city", enterprises=200, seed=5, today=TODAY)
    entries = files["list_entries"].read_text(encoding="utf-8").splitlines()
    header = entries[0].split(",")
    cells = entries[-1].split(",")
    cells[header.index("valid_from")] = "2022-13-01"
    files["list_entries"].write_text("\n".join([*entries[:-1], ",".join(cells)]) + "\n", encoding="utf-8")
    monkeypatch.setattr(sqlite_store, "FRESH_ROWS", 1)
    monkeypatch.setattr("loaders.load.PIPELINE_BYTES", 0)
    path = tmp_path / "store.db"
    store = SQLiteStore(path)
    before = _dump(path, ["有限"])
    try:
        report = load_paths(store, list(files.values()), progress=False, today=TODAY)
        assert not report.ok
        assert not report.written
        assert [(p.column, p.value) for p in report.problems] == [("valid_from", "2022-13-01")]
        assert store.stats()["enterprises"] == 0
    finally:
        store.close()
    assert _dump(path, ["有限"]) == before


def test_a_failing_validation_leaves_the_store_as_it_was_and_no_writer_waiting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unexpected error while validating the roles (after subjects went to the writer) propagates, the
    writer's transaction rolls back and its thread ends: the store can be written again at once."""
    import threading

    from loaders import load as load_module

    files = generate_city(tmp_path / "city", enterprises=100, seed=9, today=TODAY)
    real = load_module.check_table

    def failing(table: Any, kind: Any, *args: Any, **kwargs: Any) -> Any:
        if kind.value == "roles":
            raise RuntimeError("validator crashed")
        return real(table, kind, *args, **kwargs)

    monkeypatch.setattr(load_module, "check_table", failing)
    monkeypatch.setattr(load_module, "PIPELINE_BYTES", 0)
    path = tmp_path / "store.db"
    store = SQLiteStore(path)
    before = _dump(path, ["有限"])
    try:
        with pytest.raises(RuntimeError, match="validator crashed"):
            load_paths(store, list(files.values()), progress=False, today=TODAY)
        assert not [t for t in threading.enumerate() if t.name.startswith("credlink-load-write")]
        monkeypatch.setattr(load_module, "check_table", real)
        assert load_paths(store, list(files.values()), progress=False, today=TODAY).ok
        assert store.stats()["enterprises"] == 100
    finally:
        store.close()
    assert before["subjects"] == []


@pytest.mark.parametrize("on_error", ["reject", "quarantine"])
def test_files_are_read_ahead_in_dependency_order_and_a_late_unreadable_one_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, on_error: str
) -> None:
    """Files named for their kind are read by a reader thread in dependency order, whatever order they are
    given in, while earlier kinds are validated and written; a file read late that cannot be read is a
    problem of that file, and in reject mode what was already written rolls back."""
    from loaders import load as load_module

    files = generate_city(tmp_path / "city", enterprises=150, seed=11, today=TODAY)
    files["list_entries"].write_bytes(b"")  # unreadable: no header
    read: list[str] = []
    real = load_module.read_table

    def reading(path: Path, **kwargs: Any) -> Any:
        read.append(path.stem)
        return real(path, **kwargs)

    monkeypatch.setattr(load_module, "read_table", reading)
    monkeypatch.setattr(sqlite_store, "FRESH_ROWS", 1)
    monkeypatch.setattr(load_module, "PIPELINE_BYTES", 0)
    store = SQLiteStore(tmp_path / "store.db")
    try:
        given = sorted(files.values(), key=lambda path: path.name, reverse=True)  # roles first, policies last
        report = load_paths(store, given, on_error=on_error, progress=False, today=TODAY)  # type: ignore[arg-type]
        assert read == ["list_policies", "measures", "enterprises", "persons", "roles", "list_entries"]
        assert [file.name for file in report.files] == [path.name for path in given]
        assert not report.ok
        assert [(p.file, p.row) for p in report.problems] == [(str(files["list_entries"]), None)]
        assert "空文件" in report.problems[0].reason
        roles = sum(1 for _ in files["roles"].open(encoding="utf-8")) - 1
        assert store.stats()["roles"] == (0 if on_error == "reject" else roles)
    finally:
        store.close()


def test_feed_hands_each_kind_over_when_it_is_put_and_abandon_stops_the_reader() -> None:
    import threading

    import pandas as pd

    from graph.store.port import FileKind
    from loaders.load import _Abandoned, _Feed

    feed = _Feed()
    taken: list[Any] = []
    failed: list[BaseException] = []

    def reader() -> None:
        try:
            for kind in FileKind:
                taken.append((kind, feed.get(kind)))
        except _Abandoned as exc:
            failed.append(exc)

    thread = threading.Thread(target=reader)
    thread.start()
    frame = pd.DataFrame({"a": [1]})
    feed.put(FileKind.list_policies, frame)
    feed.put(FileKind.measures, None)
    thread.join(timeout=0.2)
    assert thread.is_alive()  # waiting for the enterprises
    assert [kind for kind, _ in taken] == [FileKind.list_policies, FileKind.measures]
    assert taken[0][1] is frame
    assert taken[1][1] is None
    feed.abandon()
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert len(failed) == 1

    whole = _Feed()
    for kind in FileKind:
        whole.put(kind, frame if kind is FileKind.roles else None)
    whole.abandon()  # everything was handed over: nothing to abandon
    assert dict(whole) == {FileKind.roles: frame}
