"""What every benchmark shares: a generated city kept in a cache, timing with medians and
percentiles, the machine the figures were taken on, and the table and JSON they are reported in."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
#: Generated cities and their stores are kept here between runs (git-ignored).
CACHE = ROOT / "bench" / ".cache"
RESULTS = ROOT / "bench" / "results"
#: The sample city's "today": fixed so that the same seed gives the same city on any day.
TODAY = dt.date(2026, 6, 30)
CITY = 1_000_000
PROVINCE = 15_000_000


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def city_store(enterprises: int, seed: int) -> Path:
    """The SQLite store of the sample city of ``enterprises`` firms at ``seed``: generated, loaded and
    propagated once, then reused (the file is only renamed into place when it is complete)."""
    from graph.propagation import run_pending
    from graph.store import open_store
    from loaders.load import load_paths
    from loaders.sample import generate_city

    db = CACHE / f"city-{enterprises}-seed{seed}.db"
    if db.exists():
        return db
    CACHE.mkdir(parents=True, exist_ok=True)
    files = CACHE / f"city-{enterprises}-seed{seed}-files"
    log(f"generating a city of {enterprises:,} enterprises (seed {seed}) into {files}")
    paths = generate_city(files, enterprises=enterprises, seed=seed, today=TODAY, progress=True)
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
        "python": platform.python_version(),
        "platform": platform.platform(),
        "at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


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


__all__ = ["CITY", "PROVINCE", "TODAY", "Figure", "asdict", "city_store", "machine", "report", "timed"]
