"""The machine a benchmark ran on is recorded with a speed probe, so that runs on different machines can
be set side by side."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bench.common import TODAY, machine, machine_speed
from bench.measure_load import _child_floor
from graph.store import open_store
from loaders.load import load_paths
from loaders.sample import generate_city


def test_machine_is_recorded_with_its_speed() -> None:
    recorded = machine()
    assert recorded["cores"] >= 1
    assert recorded["memory_gib"] > 0
    assert recorded["cpu"]
    assert recorded["sqlite"].count(".") == 2
    speed = recorded["speed"]
    assert set(speed) == {"python_ms", "sqlite_ms"}
    assert speed["python_ms"] > 1
    assert speed["sqlite_ms"] > 1


def test_speed_probe_is_a_median_of_fresh_runs() -> None:
    machine_speed.cache_clear()
    once = machine_speed(repeat=1)
    assert once["python_ms"] > 1
    assert once["sqlite_ms"] > 1
    assert machine_speed(repeat=1) is once  # taken once per process


def test_load_floor_writes_the_same_subjects_and_roles_again(tmp_path: Path) -> None:
    """The floor is a real write of the loaded rows into a fresh store of the same schema."""
    files = generate_city(tmp_path / "files", enterprises=300, seed=7, today=TODAY, progress=False)
    source = tmp_path / "source.db"
    store = open_store(source)
    assert load_paths(store, [Path(path) for path in files.values()], progress=False, today=TODAY).ok
    store.close()

    result = _child_floor(source, tmp_path / "floor.db")

    queries = {
        "subjects": "SELECT * FROM subjects ORDER BY pk",
        "roles": "SELECT * FROM roles ORDER BY pk",
        "schema": "SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name",
        "names": "SELECT rowid FROM subjects_name_fts WHERE name LIKE '%有限公司%' ORDER BY rowid",
    }
    with sqlite3.connect(source) as a, sqlite3.connect(tmp_path / "floor.db") as b:
        for query in queries.values():
            assert a.execute(query).fetchall() == b.execute(query).fetchall()
        held = sum(a.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("subjects", "roles"))
    assert result["rows"] == held > 300
    assert set(result["steps"]) >= {"subjects", "name_index", "roles", "roles_key", "commit"}
    assert result["seconds"] >= sum(result["steps"].values())
