"""What every benchmark shares: a generated city kept in a cache, timing with medians and
percentiles, the machine the figures were taken on, and the table and JSON they are reported in."""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import platform
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
#: Generated cities and their stores are kept here between runs (git-ignored); CREDLINK_BENCH_CACHE moves it.
CACHE = Path(os.environ.get("CREDLINK_BENCH_CACHE") or ROOT / "bench" / ".cache")
RESULTS = ROOT / "bench" / "results"
#: The sample city's "today": fixed so that the same seed gives the same city on any day.
TODAY = dt.date(2026, 6, 30)
CITY = 1_000_000
PROVINCE = 15_000_000


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


#: The contract files of a city, in the order they load (policies and measures first, entries last).
FILE_KINDS = ("list_policies", "measures", "enterprises", "persons", "roles", "list_entries")


@dataclass(frozen=True, slots=True)
class PeerCity:
    """One generated city as a peer implementation (``bench/peers.py``) is asked about it: the same
    contract files credlink loads, credlink's store of them, and the subjects to ask about.

    ``files`` maps a file kind (:data:`FILE_KINDS`) to its CSV; ``check_ids`` are person id numbers to
    check (some restricted only through a firm); ``neighbourhood_ids`` are codes whose 2-hop views are
    asked; ``at`` is the date every question is asked on."""

    files: dict[str, Path]
    db: Path
    check_ids: list[str]
    neighbourhood_ids: list[str]
    at: dt.date


def city_files(enterprises: int, seed: int) -> dict[str, Path]:
    """The contract CSV files of the sample city of ``enterprises`` firms at ``seed``, generated once into
    the cache (``<cache>/city-<N>-seed<S>-files/``) and reused; a marker file says they are complete."""
    from loaders.sample import generate_city

    files = CACHE / f"city-{enterprises}-seed{seed}-files"
    paths = {kind: files / f"{kind}.csv" for kind in FILE_KINDS}
    # Caches written before the marker existed count as complete when the store built from them exists.
    complete = (files / ".complete").exists() or (CACHE / f"city-{enterprises}-seed{seed}.db").exists()
    if complete and all(path.exists() for path in paths.values()):
        return paths
    files.mkdir(parents=True, exist_ok=True)
    log(f"generating a city of {enterprises:,} enterprises (seed {seed}) into {files}")
    started = time.perf_counter()
    generated = generate_city(files, enterprises=enterprises, seed=seed, today=TODAY, progress=True)
    log(f"generated in {time.perf_counter() - started:.1f} s")
    (files / ".complete").write_text(f"{time.perf_counter() - started:.1f}\n", encoding="utf-8")
    return {kind: Path(generated[kind]) for kind in FILE_KINDS}


def city_store(enterprises: int, seed: int) -> Path:
    """The SQLite store of the sample city of ``enterprises`` firms at ``seed``: generated, loaded and
    propagated once, then reused (the file is only renamed into place when it is complete)."""
    from graph.propagation import run_pending
    from graph.store import open_store
    from loaders.load import load_paths

    db = CACHE / f"city-{enterprises}-seed{seed}.db"
    if db.exists():
        return db
    CACHE.mkdir(parents=True, exist_ok=True)
    paths = city_files(enterprises, seed)
    partial = db.with_suffix(".partial.db")
    for stale in CACHE.glob(partial.name + "*"):
        stale.unlink()
    store = open_store(partial)
    try:
        log("loading …")
        started = time.perf_counter()
        loaded = load_paths(store, list(paths.values()), on_error="reject", progress=True, today=TODAY)
        if not loaded.ok:
            raise SystemExit(f"the generated city did not load: {loaded.problems[:3]}")
        log(f"loaded in {time.perf_counter() - started:.1f} s; propagating …")
        run_pending(store)
    finally:
        store.close()
    partial.rename(db)
    return db


def hub_city(
    enterprises: int,
    seed: int,
    *,
    hubs: int = 20,
    firms: int = 50,
    holders: int = 60,
    base: Path | None = None,
) -> Path:
    """The city of :func:`city_store` with ``hubs`` busy persons added, loaded through the loader: each holds
    shares in ``firms`` existing enterprises, each of which gets ``holders`` new shareholders. The sample
    city has no subject with 2,000 subjects within 2 hops; a hub has 1 + 50 + 50 × 50 at the default
    page size, so its 2-hop view reaches the 2,000-node cap. Kept in the cache beside the city; ``base``
    is the city's store when it is not the cached one (a store the benchmark has just loaded)."""
    import csv
    import random
    import shutil
    import sqlite3

    from stdnum.cn import ric

    from graph.store import open_store
    from loaders.load import load_paths

    db = CACHE / f"city-{enterprises}-seed{seed}-hubs{hubs}x{firms}x{holders}.db"
    if db.exists():
        return db
    base = base or city_store(enterprises, seed)
    rng = random.Random(seed)
    with sqlite3.connect(f"file:{base}?mode=ro", uri=True) as conn:
        top = int(
            conn.execute("SELECT max(pk) FROM subjects WHERE subject_type = 'enterprise'").fetchone()[0]
        )
        codes = [
            row[0]
            for row in conn.execute(
                "SELECT code FROM subjects WHERE subject_type = 'enterprise' AND pk IN (SELECT value FROM json_each(?))",
                (json.dumps(rng.sample(range(1, top + 1), hubs * firms * 2)),),
            )
        ][: hubs * firms]
    files = CACHE / db.with_suffix("").name
    files.mkdir(parents=True, exist_ok=True)
    serial = iter(range(10**6))

    def person_code() -> str:
        number = next(serial)
        born = dt.date(1950, 1, 1) + dt.timedelta(days=number // 900)
        first17 = f"320499{born:%Y%m%d}{number % 900 + 100:03d}"
        return first17 + ric.calc_check_digit(first17 + "0")  # it reads the first 17 of a whole number

    with (
        (files / "persons.csv").open("w", newline="", encoding="utf-8") as persons_file,
        (files / "roles.csv").open("w", newline="", encoding="utf-8") as roles_file,
    ):
        persons = csv.writer(persons_file)
        roles = csv.writer(roles_file)
        persons.writerow(["id_number", "name"])
        roles.writerow(["person_id", "enterprise_uscc", "role", "start", "end", "ratio"])
        for hub in range(hubs):
            hub_code = person_code()
            persons.writerow([hub_code, f"枢纽股东{hub + 1:02d}"])
            for firm in codes[hub * firms : (hub + 1) * firms]:
                roles.writerow([hub_code, firm, "shareholder", "2015-01-01", "", "0.05"])
                for holder in range(holders):
                    code = person_code()
                    persons.writerow([code, f"小股东{hub + 1:02d}{holder:03d}"])
                    roles.writerow([code, firm, "shareholder", "2016-01-01", "", "0.001"])
    partial = db.with_suffix(".partial.db")
    shutil.copyfile(base, partial)
    store = open_store(partial)
    try:
        loaded = load_paths(store, [files / "persons.csv", files / "roles.csv"], progress=True, today=TODAY)
        if not loaded.ok:
            raise SystemExit(f"the hub files did not load: {loaded.problems[:3]}")
    finally:
        store.close()
    partial.rename(db)
    return db


@dataclass(slots=True)
class Figure:
    """One measured quantity: every sample in seconds, summarised as median and percentiles."""

    name: str
    samples: list[float] = field(default_factory=list)
    notes: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> dict[str, Any]:
        ordered = sorted(self.samples)
        return {
            "name": self.name,
            "n": len(ordered),
            "p50_ms": 1000 * percentile(ordered, 50),
            "p99_ms": 1000 * percentile(ordered, 99),
            "max_ms": 1000 * (ordered[-1] if ordered else float("nan")),
            "mean_ms": 1000 * (statistics.fmean(ordered) if ordered else float("nan")),
            **self.notes,
        }


def percentile(ordered: Sequence[float], p: float) -> float:
    """The ``p``-th percentile of sorted samples (nearest rank); NaN when there are none."""
    if not ordered:
        return float("nan")
    rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def timed(call: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def machine() -> dict[str, Any]:
    memory = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = int(line.split()[1]) * 1024
    except OSError:
        pass
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(memory / 2**30, 1),
        "cpu": _cpu_model(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "speed": machine_speed(),
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


@functools.cache
def machine_speed(repeat: int = 3) -> dict[str, float]:
    """Two fixed pieces of single-core work, medians of ``repeat`` runs in ms, so that runs on different
    machines (or one machine on a busy day) can be set side by side: figures scale roughly with them.
    ``python_ms``: an interpreter loop of 5M additions; ``sqlite_ms``: 200,000 rows made and inserted by
    SQLite itself into an indexed in-memory table (one statement). Taken once per process."""

    def interpreter() -> None:
        total = 0
        for number in range(5_000_000):
            total += number

    def database() -> None:
        conn = sqlite3.connect(":memory:")
        conn.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, code TEXT, name TEXT)")
        conn.execute("CREATE INDEX t_code ON t (code)")
        with conn:
            conn.execute(
                "WITH RECURSIVE n (k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM n WHERE k < 200000) "
                "INSERT INTO t SELECT k, printf('%09d', (k * 7919) % 1000003), 'name ' || k FROM n"
            )
        conn.close()

    def median_ms(work: Callable[[], None]) -> float:
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            work()
            times.append((time.perf_counter() - started) * 1000)
        return round(statistics.median(times), 1)

    return {"python_ms": median_ms(interpreter), "sqlite_ms": median_ms(database)}


def report(title: str, figures: Sequence[Figure], meta: dict[str, Any], out: Path | None = None) -> Path:
    """Print one table of the figures and write them, with ``meta`` and the machine, as JSON."""
    rows = [figure.summary() for figure in figures]
    print(f"\n{title}  ({meta.get('scale', '')}; {machine()['cores']} cores)")
    header = f"{'what':<48} {'n':>6} {'p50 ms':>9} {'p99 ms':>9} {'max ms':>9}  notes"
    print(header)
    print("-" * len(header))
    for row in rows:
        notes = ", ".join(
            f"{key}={value}" for key, value in row.items() if key not in {"name", "n"} and "_ms" not in key
        )
        print(
            f"{row['name']:<48} {row['n']:>6} {row['p50_ms']:>9.2f} {row['p99_ms']:>9.2f} "
            f"{row['max_ms']:>9.2f}  {notes}"
        )
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = out or RESULTS / f"{title.replace(' ', '_')}-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(
        json.dumps(
            {"title": title, "machine": machine(), **meta, "figures": rows}, indent=2, ensure_ascii=False
        ),
        encoding="utf-8",
    )
    print(f"\nwritten: {path}")
    return path


__all__ = [
    "CITY",
    "FILE_KINDS",
    "PROVINCE",
    "TODAY",
    "Figure",
    "PeerCity",
    "asdict",
    "city_files",
    "city_store",
    "machine",
    "report",
    "timed",
]
