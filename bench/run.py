"""The benchmark (issue 6): one command, one table, one JSON file.

    .venv/bin/python -m bench.run                                # the city at 10 %, 30 % and 100 %
    .venv/bin/python -m bench.run --scale 2000 --no-http         # a smoke run (well under a minute)
    .venv/bin/python -m bench.run --scale province               # 15,000,000 enterprises
    .venv/bin/python -m bench.run --only check,batch,http        # some figures only

(``scripts/bench.sh`` installs what it needs first and passes its arguments on.) For each size it generates
the sample city at a fixed seed (cached), then measures: the load of all contract files into a fresh store
and the propagation that follows, a full propagation, the check in process, the batch check of 1,000 ids,
the check over HTTP (``credlink serve --workers 2`` driven by ``wrk``), the graph views, the service memory,
the peers (Kùzu and plain networkx, when ``bench.peers`` is there) and one new black entry until it is
visible. Each figure is printed beside its target (✓/✗ and the ratio to the target); with several sizes a
second table shows how each figure grows. Results go to ``bench/results/run-<scale>-<time>.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import shutil
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import (
    CACHE,
    CITY,
    PROVINCE,
    RESULTS,
    TODAY,
    Figure,
    PeerCity,
    city_files,
    city_store,
    hub_city,
    log,
    machine,
)

GROUPS = ("load", "propagation", "check", "batch", "http", "views", "peers", "incremental")


@dataclass(frozen=True, slots=True)
class Target:
    """A figure's target: ``key`` of its summary compared with ``bound`` (``"≤"`` or ``"≥"``)."""

    figure: str  # the start of the figure's name
    key: str
    op: str
    bound: float
    label: str
    #: Where the target is judged: "city" (the scale), "other" (its fractions and other sizes), "province".
    scales: tuple[str, ...] = ("city", "other", "province")

    def judge(self, row: dict[str, Any]) -> tuple[bool, float] | None:
        value = row.get(self.key)
        if not isinstance(value, int | float) or math.isnan(value):
            return None
        ok = value <= self.bound if self.op == "≤" else value >= self.bound
        # The ratio reads "how many times the target": above 1 is worse for a bound from above.
        ratio = value / self.bound if self.op == "≤" else (self.bound / value if value else math.inf)
        return ok, ratio


#: The issue's targets (2 cores, 24 GiB, embedded store, city scale unless said).
TARGETS = (
    Target("load: all files", "rows_per_s", "≥", 300_000, "≥ 300k rows/s"),
    Target("load: all files", "p50_ms", "≤", 30_000, "city < 30 s", ("city",)),
    Target("full propagation", "p50_ms", "≤", 3_000, "≤ 3 s city", ("city", "other")),
    Target("full propagation", "p50_ms", "≤", 60_000, "≤ 60 s province", ("province",)),
    Target("full propagation", "peak_rss_gib", "≤", 16, "≤ 16 GiB province", ("province",)),
    Target("one new black entry", "p50_ms", "≤", 20, "≤ 20 ms"),
    Target("check in process (", "p50_ms", "≤", 0.050, "p50 ≤ 50 µs"),
    Target("check in process (", "p99_ms", "≤", 0.300, "p99 ≤ 300 µs"),
    Target("check over HTTP, 2 workers, concurrency 32", "req_per_s", "≥", 4_000, "≥ 4,000 req/s"),
    Target("check over HTTP, 2 workers, concurrency 32", "p99_ms", "≤", 15, "p99 ≤ 15 ms"),
    Target("batch check of 1,000", "p50_ms", "≤", 50, "≤ 50 ms"),
    Target("neighbourhood 2 hops", "p99_ms", "≤", 50, "p99 ≤ 50 ms"),
    Target("shortest paths", "p99_ms", "≤", 200, "p99 ≤ 200 ms"),
    Target("service memory", "pss_gib", "≤", 2, "≤ 2 GiB (PSS)"),
)

#: Which credlink figure a peer figure (``"kuzu <what>"``, ``"networkx <what>"``) is compared with.
PEER_COUNTERPARTS = {
    "load": "load: all files, validated (load_paths)",
    "check": "check in process (queries.check.check)",
    "neighbourhood 2 hops": "neighbourhood 2 hops ≤2000, ordinary",
    "propagation": "full propagation (run_full), written and swapped in",
}


def _enterprises(scale: str) -> tuple[int, str]:
    if scale == "city":
        return CITY, "city"
    if scale == "province":
        return PROVINCE, "province"
    try:
        return int(scale.replace("_", "").replace(",", "")), "other"
    except ValueError:
        raise SystemExit(f"--scale: city, province or a number of enterprises, not {scale!r}") from None


def _copy(source: Path, target: Path) -> Path:
    for stale in target.parent.glob(target.name + "*"):
        stale.unlink()
    shutil.copyfile(source, target)
    return target


def measure_size(
    enterprises: int, args: argparse.Namespace, groups: set[str], *, largest: bool, folder: Path
) -> tuple[list[Figure], dict[str, Any]]:
    """Every selected figure for the city of ``enterprises`` firms; the store is built in ``folder``."""
    from bench import graph_views
    from bench.measure_check import measure_batch, measure_check, measure_incremental, mixed, pick_ids
    from bench.measure_http import measure_http
    from bench.measure_load import measure_floor, measure_full, measure_load, store_counts

    meta: dict[str, Any] = {"enterprises": enterprises}
    if (
        enterprises > 5 * CITY
        and not (CACHE / f"city-{enterprises}-seed{args.seed}-files" / ".complete").exists()
    ):
        # loaders/sample.py says: time and memory linear in N, ~40 s and 1.7 GiB per million enterprises.
        log(
            f"generating {enterprises:,} enterprises first: about {enterprises / CITY * 40 / 60:.0f} min and "
            f"{enterprises / CITY * 1.7:.0f} GiB of memory at the generator's own estimate"
        )
    started = time.perf_counter()
    files = city_files(enterprises, args.seed)
    meta["files_seconds"] = round(time.perf_counter() - started, 1)
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "city.db"
    figures: list[Figure] = []
    if "load" in groups:
        loaded, db = measure_load(list(files.values()), db, repeat=args.repeat)
        figures += loaded
        floor = measure_floor(db, folder / "floor.db")
        floor[0].notes["load_over_floor"] = round(
            loaded[0].summary()["p50_ms"] / floor[0].summary()["p50_ms"], 2
        )
        figures += floor
    else:
        log(f"copying the cached store of {enterprises:,} enterprises …")
        _copy(city_store(enterprises, args.seed), db)
    if "propagation" in groups:
        figures += measure_full(db, repeat=args.repeat)
    meta.update(store_counts(db))
    ids = pick_ids(db, args.samples, args.seed)
    meta["check_ids"] = {group: len(codes) for group, codes in ids.items()}
    if "check" in groups:
        log("check in process …")
        figures += measure_check(db, ids, passes=args.passes)
    if "batch" in groups:
        log("batch check …")
        figures += measure_batch(db, ids, batches=args.batches)
    if "http" in groups:
        figures += measure_http(db, mixed(ids, 5), seconds=args.http_seconds, repeat=args.http_repeat)
    if "views" in groups:
        log("graph views …")
        hub_db = hub_city(enterprises, args.seed, base=db) if largest else None
        figures += graph_views.measure(
            db, hub_db, seed=args.seed, samples=args.view_samples, busy=args.view_busy, repeat=2
        )
    if "peers" in groups and largest:
        figures += _peers(files, db, ids, args)
    if "incremental" in groups:
        log("one new black entry at a time …")
        figures += measure_incremental(db, samples=args.entries, seed=args.seed)
    return figures, meta


def _peers(
    files: dict[str, Path], db: Path, ids: dict[str, list[str]], args: argparse.Namespace
) -> list[Figure]:
    try:
        from bench.peers import measure_peers  # type: ignore[import-not-found,unused-ignore]
    except ImportError as exc:
        log(f"peers skipped: bench.peers is not importable ({exc})")
        return [Figure("peers", notes={"skipped": f"bench.peers not importable: {exc}"})]
    persons = ids["via_firm"] + ids["clean_person"]
    city = PeerCity(
        files=dict(files),
        db=db,
        check_ids=persons,
        neighbourhood_ids=(ids["enterprise"][:50] + persons[:50]),
        at=TODAY,
    )
    log("peers …")
    peer_figures: list[Figure] = measure_peers(city, samples=len(persons), repeat=max(1, args.repeat))
    return peer_figures


# --- the tables ----------------------------------------------------------------------------------------------


def _speed(the_machine: dict[str, Any]) -> str:
    """The machine's speed probe, for the table's heading: lower is faster."""
    speed = the_machine.get("speed") or {}
    return f"speed probe: Python {speed.get('python_ms')} ms, SQLite {speed.get('sqlite_ms')} ms"


def _time(ms: Any) -> str:
    if not isinstance(ms, int | float) or math.isnan(ms):
        return "—"
    if ms < 1:
        return f"{ms * 1000:.0f} µs"
    if ms < 10_000:
        return f"{ms:.1f} ms" if ms < 100 else f"{ms:.0f} ms"
    return f"{ms / 1000:.1f} s"


_SHOWN_NOTES = (
    "rows_per_s",
    "load_over_floor",
    "steps",
    "req_per_s",
    "peak_rss_gib",
    "pss_gib",
    "rss_gib",
    "inputs_per_s",
    "derived_records",
    "persons_median",
    "nodes_max",
    "with_a_path",
    "restricted",
    "generator",
    "skipped",
)


def judged(rows: list[dict[str, Any]], scale_kind: str) -> list[dict[str, Any]]:
    """Each summary row with its targets: ``targets`` = [{label, ok, ratio}]."""
    for row in rows:
        verdicts = []
        for target in TARGETS:
            if not row["name"].startswith(target.figure) or scale_kind not in target.scales:
                continue
            result = target.judge(row)
            if result is not None:
                verdicts.append({"target": target.label, "ok": result[0], "ratio": round(result[1], 3)})
        row["targets"] = verdicts
    return rows


def print_table(title: str, rows: list[dict[str, Any]]) -> None:
    print(f"\n{title}")
    header = (
        f"{'what':<62} {'n':>5} {'p50':>9} {'p99':>9} {'min':>9} {'max':>9}  {'target':<28} {'':1} "
        f"{'×target':>8}  notes"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        verdicts = row.get("targets") or [{}]
        notes = ", ".join(f"{key}={row[key]}" for key in _SHOWN_NOTES if row.get(key) is not None)
        for index, verdict in enumerate(verdicts):
            mark = "" if not verdict else ("✓" if verdict["ok"] else "✗")
            ratio = f"{verdict['ratio']:.2f}" if verdict else ""
            if index == 0:
                print(
                    f"{row['name'][:62]:<62} {row['n']:>5} {_time(row.get('p50_ms')):>9} "
                    f"{_time(row.get('p99_ms')):>9} {_time(row.get('min_ms')):>9} {_time(row.get('max_ms')):>9}  "
                    f"{verdict.get('target', ''):<28} {mark:1} {ratio:>8}  {notes}"
                )
            else:
                print(
                    f"{'':<62} {'':>5} {'':>9} {'':>9} {'':>9} {'':>9}  {verdict['target']:<28} {mark:1} {ratio:>8}"
                )


def summarise(figure: Figure) -> dict[str, Any]:
    row = figure.summary()
    ordered = sorted(figure.samples)
    row.setdefault("min_ms", 1000 * ordered[0] if ordered else float("nan"))
    if "p50_ms" in figure.notes or "pss_gib" in figure.notes:
        # Figures measured elsewhere (wrk, /proc) carry their own percentiles; no sample spread.
        row["n"] = figure.notes.get("n_runs", 1)
        row["min_ms"] = row["max_ms"] = row.get("min_ms") if ordered else float("nan")
        row.pop("mean_ms", None)
    return row


def peer_ratios(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """credlink/peer for each peer figure with a credlink counterpart: p50 (and rows/s for loads)."""
    by_name = {row["name"]: row for row in rows}
    ratios = []
    for row in rows:
        peer, _, what = row["name"].partition(" ")
        if peer not in ("kuzu", "networkx") or what not in PEER_COUNTERPARTS:
            continue
        ours = by_name.get(PEER_COUNTERPARTS[what])
        if ours is None or not row.get("n"):
            continue
        ratio = ours["p50_ms"] / row["p50_ms"] if row["p50_ms"] else math.nan
        ratios.append(
            {
                "peer": peer,
                "what": what,
                "credlink_p50_ms": ours["p50_ms"],
                "peer_p50_ms": row["p50_ms"],
                "credlink_over_peer": round(ratio, 4),
            }
        )
    return ratios


def growth(sizes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """How each figure grows from the smallest size to each larger one (p50, or the rate for rates)."""
    if len(sizes) < 2:
        return []
    first = sizes[0]
    first_rows = {row["name"]: row for row in first["figures"]}
    out = []
    for name, base in first_rows.items():
        key = next((k for k in ("p50_ms", "pss_gib", "req_per_s") if _number(base.get(k))), None)
        if key is None:
            continue
        values: list[Any] = []
        for size in sizes:
            row = next((r for r in size["figures"] if r["name"] == name), None)
            values.append(row.get(key) if row else None)
        entry: dict[str, Any] = {"name": name, "key": key, "values": values}
        last: Any = values[-1]
        if _number(last) and base[key]:
            entry["growth"] = round(float(last) / float(base[key]), 2)
        if name.startswith("full propagation"):
            work = [
                size["meta"].get("role_edges", 0) + size["meta"].get("black_entries", 0) for size in sizes
            ]
            entry["work_growth"] = round(work[-1] / work[0], 2) if work[0] else None
            if entry.get("growth") and entry["work_growth"]:
                entry["verdict"] = (
                    "linear or better"
                    if entry["growth"] <= 1.25 * entry["work_growth"]
                    else "worse than linear"
                )
        if name.startswith("check in process") and entry.get("growth"):
            entry["verdict"] = "flat (within ×1.5)" if entry["growth"] <= 1.5 else "grows"
        out.append(entry)
    return out


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not math.isnan(value) and value != 0


def print_growth(sizes: list[dict[str, Any]], rows: list[dict[str, Any]]) -> None:
    enterprises = [size["meta"]["enterprises"] for size in sizes]
    print("\nCost as work grows (p50, or the rate / memory for those figures; growth = largest ÷ smallest)")
    labels = [f"{n / 1e6:g}M" if n >= 100_000 else f"{n:,}" for n in enterprises]
    header = f"{'what':<62} " + " ".join(f"{label:>10}" for label in labels) + f" {'growth':>8}  verdict"
    print(header)
    print("-" * len(header))
    print(
        f"{'work: role edges + black entries':<62} "
        + " ".join(
            f"{size['meta'].get('role_edges', 0) + size['meta'].get('black_entries', 0):>10,}"
            for size in sizes
        )
        + f" {'×' + format(enterprises[-1] / enterprises[0], '.1f'):>8}  (enterprises)"
    )
    for entry in rows:
        cells = []
        for value in entry["values"]:
            if not _number(value):
                cells.append(f"{'—':>10}")
            elif entry["key"] == "p50_ms":
                cells.append(f"{_time(value):>10}")
            else:
                cells.append(f"{value:>10.4g}")
        grown = f"×{entry['growth']}" if entry.get("growth") else ""
        verdict = entry.get("verdict", "")
        if entry.get("work_growth"):
            verdict = f"work ×{entry['work_growth']}; {verdict}"
        print(f"{entry['name'][:62]:<62} " + " ".join(cells) + f" {grown:>8}  {verdict}")


# --- the command ---------------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="city", help="city (1,000,000), province (15,000,000) or a number")
    parser.add_argument("--seed", type=int, default=20181)
    parser.add_argument(
        "--fractions",
        help="sizes as fractions of the scale, e.g. 0.1,0.3,1.0 (default: those at city, else 1.0)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        help="runs of the slow figures (load, full propagation, peers); default 1 from 1,000,000 enterprises, else 2",
    )
    parser.add_argument("--only", help=f"comma-separated groups: {','.join(GROUPS)}")
    parser.add_argument("--http", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--peers", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--samples", type=int, default=1000, help="ids checked (a quarter from each group)")
    parser.add_argument("--passes", type=int, default=3, help="timed passes over the ids of the check")
    parser.add_argument("--batches", type=int, default=30, help="batches of 1,000 ids timed")
    parser.add_argument("--http-seconds", type=int, default=10, help="seconds per concurrency")
    parser.add_argument("--http-repeat", type=int, default=1, help="runs per concurrency")
    parser.add_argument("--view-samples", type=int, default=200, help="ordinary subjects of the graph views")
    parser.add_argument("--view-busy", type=int, default=30, help="busiest subjects of the graph views")
    parser.add_argument("--entries", type=int, default=20, help="new black entries timed one at a time")
    parser.add_argument("--keep", action="store_true", help="keep the stores built by the run")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    enterprises, scale_kind = _enterprises(args.scale)
    if scale_kind == "province":
        # Too large to generate or load in one piece: city by city (bench/province.py).
        from bench.province import PREFECTURES, measure_province

        measure_province(enterprises, len(PREFECTURES), args.seed, samples=args.samples)
        return 0
    fractions = [
        float(part)
        for part in (args.fractions or ("0.1,0.3,1.0" if scale_kind == "city" else "1.0")).split(",")
    ]
    sizes_wanted = sorted({max(10, round(enterprises * fraction)) for fraction in fractions})
    if args.repeat is None:
        args.repeat = 1 if enterprises >= CITY else 2
        repeat_note = f"repeat={args.repeat} (the default {'at city scale and above' if args.repeat == 1 else 'below city scale'})"
    else:
        repeat_note = f"repeat={args.repeat}"
    groups = set(GROUPS) if not args.only else {group.strip() for group in args.only.split(",")}
    unknown = groups - set(GROUPS)
    if unknown:
        raise SystemExit(f"--only: unknown groups {sorted(unknown)}; known: {','.join(GROUPS)}")
    if not args.http:
        groups.discard("http")
    if not args.peers:
        groups.discard("peers")
    folder = CACHE / f"run-{os.getpid()}"
    started = time.perf_counter()
    log(
        f"bench: {args.scale} at {fractions} → {sizes_wanted} enterprises; {repeat_note}; groups {sorted(groups)}"
    )
    sizes: list[dict[str, Any]] = []
    try:
        for enterprises_here in sizes_wanted:
            log(f"== {enterprises_here:,} enterprises")
            figures, meta = measure_size(
                enterprises_here,
                args,
                groups,
                largest=enterprises_here == sizes_wanted[-1],
                folder=folder / str(enterprises_here),
            )
            rows = judged(
                [summarise(figure) for figure in figures],
                scale_kind if enterprises_here == enterprises else "other",
            )
            sizes.append({"meta": meta, "figures": rows, "peer_ratios": peer_ratios(rows)})
            if not args.keep:
                shutil.rmtree(folder / str(enterprises_here), ignore_errors=True)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    elapsed = time.perf_counter() - started
    the_machine = machine()
    for size in sizes:
        meta = size["meta"]
        print_table(
            f"credlink benchmark — {meta['enterprises']:,} enterprises (seed {args.seed}), {meta.get('role_edges', 0):,} "
            f"role edges, {meta.get('black_entries', 0):,} black entries; {the_machine['cores']} cores, "
            f"{the_machine['memory_gib']} GiB ({_speed(the_machine)}); {repeat_note}",
            size["figures"],
        )
        for ratio in size["peer_ratios"]:
            print(
                f"  credlink/{ratio['peer']} {ratio['what']}: {ratio['credlink_over_peer']:.3g} "
                f"({_time(ratio['credlink_p50_ms'])} vs {_time(ratio['peer_p50_ms'])}; below 1: credlink is faster)"
            )
    grown = growth(sizes)
    if grown:
        print_growth(sizes, grown)
    print(
        f"\nTargets are the issue's, for the city on 2 cores; ✗ marks a miss, ×target how far (above 1 is worse). "
        f"Timings are noisy when the machine is shared; wrk runs on the same cores as the server. Took {elapsed / 60:.1f} min."
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"run-{args.scale}-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(
        json.dumps(
            {
                "title": "credlink benchmark",
                "machine": the_machine,
                "scale": args.scale,
                "seed": args.seed,
                "fractions": fractions,
                "repeat": args.repeat,
                "repeat_note": repeat_note,
                "groups": sorted(groups),
                "seconds": round(elapsed, 1),
                "sizes": sizes,
                "growth": grown,
                "argv": list(argv) if argv is not None else sys.argv[1:],
            },
            indent=2,
            ensure_ascii=False,
            default=str,
        ),
        encoding="utf-8",
    )
    print(f"written: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
