"""Load and full propagation, each in a child process of its own so that its peak memory is its own.

:func:`measure_load` runs ``python -m bench.measure_load load …`` (all contract files, validated, into a
fresh SQLite store, then the propagation that follows a load) and :func:`measure_full` runs
``… full …`` (``graph.propagation.run_full`` on a loaded store). The child prints one JSON line: seconds of
each step, rows, and its peak resident memory (``ru_maxrss`` of the child itself).

:func:`measure_floor` (``… floor …``) times what SQLite alone needs to write a loaded store's subjects and
role edges into a fresh store of the same schema: no file read, no validation, no Python per row. No load
into this store can be faster than that; the load's figure less the floor is what the loader adds.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.common import ROOT, TODAY, Figure, log

GIB = 2**30


def _peak_rss_bytes() -> int:
    # Linux reports kilobytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _rows(paths: Sequence[Path]) -> int:
    """Data rows of the CSV files (lines less the header; the generated files quote no newlines)."""
    total = 0
    for path in paths:
        with path.open("rb") as file:
            total += sum(chunk.count(b"\n") for chunk in iter(lambda: file.read(1 << 24), b"")) - 1
    return total


def _child_load(db: Path, paths: list[Path]) -> dict[str, Any]:
    from graph.propagation import run_pending
    from graph.store import open_store
    from loaders.load import load_paths

    store = open_store(db)
    try:
        started = time.perf_counter()
        report = load_paths(store, paths, on_error="reject", progress=False, today=TODAY)
        load_seconds = time.perf_counter() - started
        if not report.ok:
            raise SystemExit(f"the city did not load: {report.problems[:3]}")
        load_rss = _peak_rss_bytes()
        started = time.perf_counter()
        summary = run_pending(store)
        propagation_seconds = time.perf_counter() - started
    finally:
        store.close()
    return {
        "load_seconds": load_seconds,
        "propagation_seconds": propagation_seconds,
        "rows": report.totals()["loaded"],
        "records": summary.records,
        "load_peak_rss": load_rss,
        "peak_rss": _peak_rss_bytes(),
    }


def _child_full(db: Path) -> dict[str, Any]:
    from graph.propagation import run_full
    from graph.store import open_store

    store = open_store(db)
    try:
        started = time.perf_counter()
        summary = run_full(store)
        seconds = time.perf_counter() - started
        counts = store_counts(db)
    finally:
        store.close()
    return {
        "seconds": seconds,
        "records": summary.records,
        "measures": summary.measures,
        "peak_rss": _peak_rss_bytes(),
        **counts,
    }


#: The floor's steps: the store's own bulk path (:func:`graph.store.sqlite._fresh_subjects`,
#: ``_fresh_roles``) with the rows taken from a loaded store by SQL instead of bound from Python.
_FLOOR_DROPPED = ("subjects_name_fts_insert", "subjects_by_name_length", "roles_key", "roles_by_enterprise")
_FLOOR_STEPS = (
    ("subjects", "INSERT INTO subjects SELECT * FROM source.subjects ORDER BY pk"),
    ("name_index", "INSERT INTO subjects_name_fts (rowid, name) SELECT pk, name FROM subjects"),
    ("roles", "INSERT INTO roles SELECT * FROM source.roles ORDER BY pk"),
)


def _child_floor(source: Path, db: Path) -> dict[str, Any]:
    import sqlite3

    from graph.store import open_store
    from graph.store.sqlite import BULK_CACHE_KIB

    open_store(db).close()  # a fresh store: the schema, every migration applied
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute(f"PRAGMA cache_size = {-BULK_CACHE_KIB}")
        conn.execute(f"ATTACH DATABASE 'file:{source}?mode=ro' AS source")
        seconds: dict[str, float] = {}
        started = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        definitions = [
            (kind, name, sql)
            for name in _FLOOR_DROPPED
            for kind, sql in conn.execute("SELECT type, sql FROM main.sqlite_master WHERE name = ?", (name,))
        ]
        for kind, name, _ in definitions:
            conn.execute(f"DROP {kind.upper()} {name}")
        for step, statement in _FLOOR_STEPS:
            mark = time.perf_counter()
            conn.execute(statement)
            seconds[step] = time.perf_counter() - mark
        for _, name, sql in definitions:
            mark = time.perf_counter()
            conn.execute(sql)
            seconds[name] = time.perf_counter() - mark
        mark = time.perf_counter()
        conn.execute("COMMIT")  # the WAL's automatic checkpoint follows, as after a load
        seconds["commit"] = time.perf_counter() - mark
        total = time.perf_counter() - started
        rows = sum(
            int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
            for table in ("subjects", "roles")
        )
    finally:
        conn.close()
    return {"seconds": total, "steps": seconds, "rows": rows}


def measure_floor(source: Path, db: Path) -> list[Figure]:
    """What SQLite alone needs to write ``source``'s subjects and role edges into a fresh store ``db``
    (removed afterwards): the floor under any load of them into this store on this machine."""
    for stale in db.parent.glob(db.name + "*"):
        stale.unlink()
    log("the store's floor: the loaded subjects and role edges written again by SQLite alone …")
    try:
        result = _run_child("floor", str(source), str(db))
    finally:
        for written in db.parent.glob(db.name + "*"):
            written.unlink()
    figure = Figure("load floor: subjects and roles by SQLite alone")
    figure.samples.append(result["seconds"])
    figure.notes.update(
        rows=result["rows"],
        rows_per_s=round(result["rows"] / result["seconds"]),
        **{f"{step}_s": round(value, 1) for step, value in result["steps"].items()},
        steps=" ".join(f"{step}={value:.1f}s" for step, value in result["steps"].items() if value >= 0.05),
    )
    return [figure]


def store_counts(db: Path) -> dict[str, int]:
    """Role edges and black entries of a store: what propagation's work grows with."""
    import sqlite3

    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        roles = int(conn.execute("SELECT count(*) FROM roles").fetchone()[0])
        entries = int(conn.execute("SELECT count(*) FROM list_entries WHERE kind = 'black'").fetchone()[0])
    return {"role_edges": roles, "black_entries": entries}


def _run_child(*args: str) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.measure_load", *args]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def measure_load(paths: Sequence[Path], db: Path, *, repeat: int) -> tuple[list[Figure], Path]:
    """Load ``paths`` into a fresh store ``repeat`` times (each into a new file); the store of the last run
    is kept at ``db`` and returned, loaded and propagated as a load leaves it."""
    rows = _rows(paths)
    load = Figure("load: all files, validated (load_paths)")
    follow = Figure("load: the propagation that follows (run_pending)")
    both = Figure("load + propagation")
    peaks: list[int] = []
    load_peaks: list[int] = []
    loaded_rows = 0
    for attempt in range(repeat):
        for stale in db.parent.glob(db.name + "*"):
            stale.unlink()
        log(f"load {attempt + 1}/{repeat}: {rows:,} rows into a fresh store …")
        result = _run_child("load", str(db), *map(str, paths))
        load.samples.append(result["load_seconds"])
        follow.samples.append(result["propagation_seconds"])
        both.samples.append(result["load_seconds"] + result["propagation_seconds"])
        peaks.append(result["peak_rss"])
        load_peaks.append(result["load_peak_rss"])
        loaded_rows = result["rows"]
    load.notes.update(
        rows=rows,
        rows_loaded=loaded_rows,
        rows_per_s=round(rows / sorted(load.samples)[len(load.samples) // 2]),
        peak_rss_gib=round(max(load_peaks) / GIB, 2),
        repeat=repeat,
    )
    both.notes.update(
        rows_per_s=round(rows / sorted(both.samples)[len(both.samples) // 2]),
        peak_rss_gib=round(max(peaks) / GIB, 2),
    )
    return [load, follow, both], db


def measure_full(db: Path, *, repeat: int) -> list[Figure]:
    """``run_full`` on the loaded store ``db``, ``repeat`` times (each a recomputation and a swap)."""
    figure = Figure("full propagation (run_full), written and swapped in")
    peaks: list[int] = []
    result: dict[str, Any] = {}
    for attempt in range(repeat):
        log(f"full propagation {attempt + 1}/{repeat} …")
        result = _run_child("full", str(db))
        figure.samples.append(result["seconds"])
        peaks.append(result["peak_rss"])
    work = result.get("role_edges", 0) + result.get("black_entries", 0)
    median = sorted(figure.samples)[len(figure.samples) // 2]
    figure.notes.update(
        peak_rss_gib=round(max(peaks) / GIB, 2),
        role_edges=result.get("role_edges"),
        black_entries=result.get("black_entries"),
        derived_records=result.get("records"),
        inputs_per_s=round(work / median) if median else None,
        repeat=repeat,
    )
    return [figure]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.measure_load")
    sub = parser.add_subparsers(dest="what", required=True)
    load = sub.add_parser("load")
    load.add_argument("db", type=Path)
    load.add_argument("paths", type=Path, nargs="+")
    full = sub.add_parser("full")
    full.add_argument("db", type=Path)
    floor = sub.add_parser("floor")
    floor.add_argument("source", type=Path)
    floor.add_argument("db", type=Path)
    args = parser.parse_args(argv)
    if args.what == "load":
        result = _child_load(args.db, args.paths)
    elif args.what == "floor":
        result = _child_floor(args.source, args.db)
    else:
        result = _child_full(args.db)
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
