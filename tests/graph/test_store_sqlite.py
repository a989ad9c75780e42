"""SQLite adapter specifics: schema versioning, pragmas, and the plans of the hot queries."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from graph import propagation
from graph.errors import StoreError
from graph.store.port import FileKind, WriteCounts
from graph.store.sqlite import SCHEMA_VERSION, SQLiteStore
from queries.catalog import sql
from tests.fixtures import batch, enterprise, entry, make_id_number, make_uscc, person, role


def small(store: SQLiteStore) -> None:
    store.write_batch(
        batch(
            enterprises=[enterprise(make_uscc(1))],
            persons=[person(make_id_number(1))],
            roles=[role(make_id_number(1), make_uscc(1), "legal_representative", "2020-01-01")],
            list_entries=[entry("E1", make_uscc(1))],
        )
    )


def test_schema_is_migrated_on_open_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    store = SQLiteStore(path)
    small(store)
    store.close()
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    raw.close()
    reopened = SQLiteStore(path)
    assert reopened.stats()["enterprises"] == 1
    reopened.close()


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    SQLiteStore(path).close()
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    raw.close()
    with pytest.raises(StoreError, match="结构版本"):
        SQLiteStore(path)


def test_foreign_keys_are_enforced(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "fk.db")
    with pytest.raises(sqlite3.IntegrityError), store._write() as conn:
        conn.execute(
            "INSERT INTO roles (holder_pk, enterprise_pk, role, start_date) VALUES (999, 998, 'principal', '')"
        )
    store.close()


@pytest.mark.parametrize("fresh_rows", [1, 10**9], ids=["fresh path", "staging path"])
def test_a_first_load_turns_reference_checks_back_on_and_is_checked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_rows: int
) -> None:
    import graph.store.sqlite as sqlite_store

    monkeypatch.setattr(sqlite_store, "FRESH_ROWS", fresh_rows)
    store = SQLiteStore(tmp_path / "first.db")
    try:
        small(store)  # the first load: roles were empty, written with reference checks off
        assert store._writer.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert store._writer.execute("PRAGMA foreign_key_check").fetchall() == []
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"), store._write() as conn:
            conn.execute(
                "INSERT INTO list_entries (entry_id, subject_pk, kind, list_type, department, basis, "
                "act_date, decided_on, valid_from, status) "
                "VALUES ('X', 999, 'black', 't', 'd', 'b', '2020-01-01', '2020-01-01', '2020-01-01', "
                "'effective')"
            )
    finally:
        store.close()


def test_a_first_load_refuses_a_broken_reference_it_did_not_prove(tmp_path: Path) -> None:
    import graph.store.sqlite as sqlite_store

    store = SQLiteStore(tmp_path / "broken.db")
    try:

        def dangling(proven: set[str]) -> None:
            with store._write(foreign_keys=False) as conn:
                conn.execute(
                    "INSERT INTO roles (holder_pk, enterprise_pk, role, start_date) VALUES (9, 8, 'principal', '')"
                )
                sqlite_store._check_references(conn, proven)
                conn.execute("DELETE FROM roles")

        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY constraint failed: roles"):
            dangling(set())
        dangling({"roles"})  # a table proven by its writer is not scanned again
        assert store.stats()["roles"] == 0
        assert store._writer.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    finally:
        store.close()


def test_reloading_is_idempotent_and_counts_what_changed(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "idem.db")
    small(store)
    again = store.write_batch(
        batch(
            enterprises=[enterprise(make_uscc(1)), enterprise(make_uscc(2))],
            persons=[person(make_id_number(1), name="改名")],
        )
    )
    assert again[FileKind.enterprises] == WriteCounts(inserted=1, updated=0, unchanged=1)
    assert again[FileKind.persons] == WriteCounts(inserted=0, updated=1, unchanged=0)
    assert store.stats()["enterprises"] == 2
    store.close()


def test_a_failed_batch_writes_nothing(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "atomic.db")
    before = dict(store.stats())
    broken = batch(
        enterprises=[enterprise(make_uscc(1))],
        # the loader never lets this through; here it proves the whole batch is one transaction
        list_entries=[{**entry("E1", make_uscc(1)), "kind": "grey"}],
    )
    with pytest.raises(StoreError):
        store.write_batch(broken)
    assert dict(store.stats()) == before
    store.close()


@pytest.mark.parametrize(
    ("query", "params", "index"),
    [
        ("subject_roles", {"subject_pk": 1}, "roles_by_enterprise"),
    ],
)
def test_hot_queries_use_their_indexes(
    tmp_path: Path, query: str, params: dict[str, object], index: str
) -> None:
    store = SQLiteStore(tmp_path / "plan.db")
    small(store)
    propagation.run_full(store)
    with store._write() as conn:
        conn.execute("ANALYZE")
    plan = store.query_plan(sql(query), params)
    text = "\n".join(plan)
    assert index in text, text
    # No full scan of a table that grows with the city; measures are looked up by their index too.
    scans = [line for line in plan if line.startswith("SCAN")]
    assert scans == [], text
    store.close()


@pytest.mark.parametrize("query", ["propagation_entries_scoped", "propagation_roles_scoped"])
def test_a_scoped_propagation_reads_its_entries_by_key(tmp_path: Path, query: str) -> None:
    # One new entry is propagated at once after it is written: its inputs must not cost a scan of every
    # list entry (they did while one statement served both the full and the scoped read).
    store = SQLiteStore(tmp_path / "plan.db")
    small(store)
    propagation.run_full(store)
    with store._write() as conn:
        conn.execute("ANALYZE")
    plan = store.query_plan(sql(query), {"scope": "[1, 2]"})
    text = "\n".join(plan)
    assert "SEARCH e USING INTEGER PRIMARY KEY" in text, text
    scans = [line for line in plan if line.startswith("SCAN") and not line.startswith("SCAN json_each")]
    assert scans == [], text
    store.close()


def test_several_processes_opening_a_new_file_migrate_it_once(tmp_path: Path) -> None:
    import multiprocessing

    path = tmp_path / "shared.db"
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(4)
    results = context.Queue()
    workers = [context.Process(target=_open_together, args=(path, start, results)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    outcomes = sorted(results.get(timeout=5) for _ in workers)
    assert outcomes == ["ok"] * 4
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    raw.close()


def _open_together(path: Path, start: Any, results: Any) -> None:
    start.wait()  # all four open the new file at the same moment
    try:
        SQLiteStore(path).close()
        results.put("ok")
    except Exception as exc:
        results.put(f"{type(exc).__name__}: {exc}")


def test_a_file_that_is_not_a_database_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "enterprises.csv"
    path.write_text("uscc,name\n" * 200, encoding="utf-8")
    with pytest.raises(StoreError, match="无法打开数据库"):
        SQLiteStore(path)


def test_opening_does_not_wait_for_a_running_write(tmp_path: Path) -> None:
    path = tmp_path / "busy.db"
    writer = SQLiteStore(path)
    small(writer)
    with writer._write():  # a long load holds the write lock ...
        reader = SQLiteStore(path, timeout_seconds=0.5)  # ... and a server starting now still opens
        assert reader.stats()["enterprises"] == 1
        reader.close()
    writer.close()


def test_0007_rebuilds_roles_with_a_named_key_and_keeps_every_row_and_reference(tmp_path: Path) -> None:
    """A store from before 0007 (role key as a table constraint) keeps its roles, their pks and the derived
    records pointing at them; afterwards the key is the unique index ``roles_key`` and foreign keys are on."""
    path = tmp_path / "v6.db"
    store = SQLiteStore(path)
    small(store)
    propagation.run_full(store)
    store.close()
    raw = sqlite3.connect(path, isolation_level=None)
    roles_before = raw.execute("SELECT * FROM roles ORDER BY pk").fetchall()
    derived_before = raw.execute("SELECT * FROM derived_records ORDER BY pk").fetchall()
    assert roles_before
    assert derived_before
    # Back to the 0006 shape: the natural key inside the table's definition.
    raw.executescript(
        """
        PRAGMA foreign_keys = OFF;
        BEGIN;
        CREATE TABLE roles_old (
            pk INTEGER PRIMARY KEY, holder_pk INTEGER NOT NULL REFERENCES subjects (pk),
            enterprise_pk INTEGER NOT NULL REFERENCES subjects (pk), role TEXT NOT NULL,
            start_date TEXT NOT NULL DEFAULT '', end_date TEXT, ratio REAL,
            UNIQUE (holder_pk, enterprise_pk, role, start_date));
        INSERT INTO roles_old SELECT * FROM roles;
        DROP TABLE roles;
        ALTER TABLE roles_old RENAME TO roles;
        CREATE INDEX roles_by_enterprise ON roles (enterprise_pk, role);
        PRAGMA user_version = 6;
        COMMIT;
        """
    )
    assert raw.execute(
        "SELECT name FROM sqlite_master WHERE tbl_name = 'roles' AND type = 'index'"
    ).fetchall() == [
        ("sqlite_autoindex_roles_1",),
        ("roles_by_enterprise",),
    ]
    raw.close()

    store = SQLiteStore(path)
    assert store.stats()["schema_version"] == SCHEMA_VERSION >= 7
    store.close()
    raw = sqlite3.connect(path)
    assert raw.execute("SELECT * FROM roles ORDER BY pk").fetchall() == roles_before
    assert raw.execute("SELECT * FROM derived_records ORDER BY pk").fetchall() == derived_before
    assert sorted(
        raw.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'roles' AND type = 'index'").fetchall()
    ) == [("roles_by_enterprise",), ("roles_key",)]
    assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
    raw.close()
    store = SQLiteStore(path)
    try:
        holder, firm, kind, start = roles_before[0][1:5]
        with pytest.raises(sqlite3.IntegrityError, match="UNIQUE"), store._write() as conn:
            conn.execute(
                "INSERT INTO roles (holder_pk, enterprise_pk, role, start_date) VALUES (?, ?, ?, ?)",
                (holder, firm, kind, start),
            )
        with pytest.raises(sqlite3.IntegrityError, match="FOREIGN KEY"), store._write() as conn:
            conn.execute(
                "INSERT INTO roles (holder_pk, enterprise_pk, role, start_date) VALUES (999, 998, 'principal', '')"
            )
    finally:
        store.close()


def test_a_rebuilding_migration_that_breaks_a_reference_is_rolled_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Foreign keys are off while a table is rebuilt; a rebuild that loses a referenced row fails the
    ``foreign_key_check`` and leaves the store at its old version."""
    from graph.store import sqlite as sqlite_module

    path = tmp_path / "broken.db"
    store = SQLiteStore(path)
    small(store)
    propagation.run_full(store)
    store.close()
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA user_version = 6")
    raw.commit()
    raw.close()
    losing = sqlite_module._FOREIGN_KEYS_OFF + "DELETE FROM roles;\n"
    monkeypatch.setattr(sqlite_module, "_migrations", lambda: [(7, losing)])
    with pytest.raises(StoreError, match="外键不一致"):
        SQLiteStore(path)
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 6
    assert raw.execute("SELECT count(*) FROM roles").fetchone()[0] == 1
    raw.close()


def test_small_diff_is_the_frame_diff() -> None:
    """The dict diff a few entries' run takes gives what the set-wise diff gives: same deletes, same inserts
    in the same (key) order, same updates — over random old and new derived records."""
    import random

    import numpy as np
    import pandas as pd

    from graph.store.sqlite import _diff_frames, _diff_small

    rng = random.Random(2018)
    for _ in range(200):
        keys = rng.sample([(e, r) for e in range(1, 6) for r in range(1, 30)], rng.randint(0, 60))
        old_keys = [key for key in keys if rng.random() < 0.6]
        new_keys = [key for key in keys if rng.random() < 0.6]

        def values() -> tuple[Any, ...]:
            return (
                rng.choice([7, 8]),
                rng.choice([70, 80]),
                rng.choice(["principal", "legal_representative"]),
                rng.choice(["act_date", "current"]),
                rng.choice(["2020-01-01", "2021-05-05"]),
                rng.choice([None, "2030-12-31"]),
            )

        current = [(1000 + n, *key, *values()) for n, key in enumerate(old_keys)]
        rows = [(*key, *values()) for key in new_keys]
        rng.shuffle(rows)
        records = pd.DataFrame(
            {
                "entry_pk": np.array([r[0] for r in rows], dtype=np.int64),
                "role_pk": np.array([r[1] for r in rows], dtype=np.int64),
                "person_pk": np.array([r[2] for r in rows], dtype=np.int64),
                "enterprise_pk": np.array([r[3] for r in rows], dtype=np.int64),
                "role": pd.Series([r[4] for r in rows], dtype=object),
                "holder_basis": pd.Series([r[5] for r in rows], dtype=object),
            }
        )
        valid_from = [r[6] for r in rows]
        valid_to = [r[7] for r in rows]
        small_diff = _diff_small(current, records, valid_from, valid_to)
        frame_diff = _diff_frames(current, records, valid_from, valid_to)
        assert small_diff[0] == frame_diff[0]
        assert small_diff[1] == frame_diff[1]
        assert sorted(small_diff[2], key=repr) == sorted(frame_diff[2], key=repr)
        expected_updates = sum(
            1 for c in current for r in rows if (c[1], c[2]) == (r[0], r[1]) and c[3:] != r[2:]
        )
        assert len(small_diff[2]) == expected_updates


def test_few_dates_parse_as_many_do(monkeypatch: pytest.MonkeyPatch) -> None:
    """A few rows' dates are parsed value by value; the vectorised parse gives the same day numbers, open
    values (None, '') included, and both refuse a date that is not one."""
    import pandas as pd

    from graph.store import sqlite as sqlite_module

    values = pd.Series(["2020-02-29", None, "", "1970-01-01", "1969-12-31", "2099-12-31", "2020-02-29"])
    few = sqlite_module._days(values, open_as=-7)
    monkeypatch.setattr(sqlite_module, "SMALL_PARSE", 0)
    many = sqlite_module._days(values, open_as=-7)
    assert few.tolist() == many.tolist() == [18321, -7, -7, 0, -1, 47481, 18321]
    for parse_limit in (0, 256):
        monkeypatch.setattr(sqlite_module, "SMALL_PARSE", parse_limit)
        with pytest.raises(ValueError, match="day is out of range"):
            sqlite_module._days(pd.Series(["2021-02-30"]), open_as=0)
