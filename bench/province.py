"""The province (issue 6): 15,000,000 enterprises as the 13 prefectures of a province, loaded city by city.

A province's credit platform gathers its cities' feeds; so does this benchmark. City ``k`` is a sample city
(:func:`loaders.sample.generate_city`, seed ``seed + k``) whose codes are moved into prefecture ``32kk``'s
code space (the generator writes the Changzhou-like prefecture 3204: the two digits of its prefecture in every
USCC, id number and region code become ``kk``, check characters recomputed, entry ids prefixed), so the cities
share no subject. The generator runs one city at a time, so its memory is one city's. Every city's files are
loaded, one ``load_paths`` after another, into one store, in one child process whose peak memory is reported;
then the full propagation (its own child) and the check in process on the province's store.

    .venv/bin/python -m bench.province                      # 13 cities, 15,000,000 enterprises
    .venv/bin/python -m bench.province --enterprises 300000 --cities 3   # a small run of the same path

Cities, and the store of a complete run, are kept in the cache (``<cache>/province-<N>-seed<S>/``).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bench.common import CACHE, PROVINCE, TODAY, Figure, log, report
from bench.measure_check import measure_check, pick_ids
from bench.measure_load import GIB, _peak_rss_bytes, _rows, measure_full
from graph.ids import USCC_ALPHABET

#: The prefectures of the province, as the two digits after its "32".
PREFECTURES = tuple(f"{number:02d}" for number in range(1, 14))
#: The prefecture the sample generator writes (Changzhou's 3204).
GENERATED = "04"
FILE_KINDS = ("list_policies", "measures", "enterprises", "persons", "roles", "list_entries")

_USCC_INDEX = np.full(256, 0, dtype=np.int64)
for _position, _char in enumerate(USCC_ALPHABET):
    _USCC_INDEX[ord(_char)] = _position
_USCC_WEIGHTS = np.array([pow(3, i, 31) for i in range(17)], dtype=np.int64)
_RIC_WEIGHTS = np.array([pow(2, 17 - i, 11) for i in range(17)], dtype=np.int64)
_USCC_CHECK = np.frombuffer(USCC_ALPHABET.encode("ascii"), dtype=np.uint8)
_RIC_CHECK = np.frombuffer(b"10X98765432", dtype=np.uint8)


def move_codes(codes: pd.Series, prefecture: str) -> pd.Series:
    """USCCs and id numbers of prefecture 3204 moved to ``32<prefecture>``, with their check characters
    recomputed (GB 32100-2015, GB 11643-1999); blanks and other values are kept. One-to-one within a city."""
    if prefecture == GENERATED:
        return codes
    text = codes.fillna("").astype(str).to_numpy(dtype=object)
    fixed = np.array([value if len(value) == 18 else "" for value in text.tolist()], dtype="S18")
    rows = fixed.view(np.uint8).reshape(len(fixed), 18).copy()
    digits = np.frombuffer(prefecture.encode("ascii"), dtype=np.uint8)
    uscc = (
        (rows[:, 2] == ord("3"))
        & (rows[:, 3] == ord("2"))
        & (rows[:, 4] == ord("0"))
        & (rows[:, 5] == ord("4"))
    )
    ric = (
        (rows[:, 0] == ord("3"))
        & (rows[:, 1] == ord("2"))
        & (rows[:, 2] == ord("0"))
        & (rows[:, 3] == ord("4"))
    )
    ric &= ~uscc
    rows[uscc, 4:6] = digits
    rows[ric, 2:4] = digits
    body = _USCC_INDEX[rows[:, :17]]
    rows[uscc, 17] = _USCC_CHECK[(31 - (body[uscc] * _USCC_WEIGHTS).sum(axis=1) % 31) % 31]
    numbers = rows[:, :17].astype(np.int64) - ord("0")
    rows[ric, 17] = _RIC_CHECK[(numbers[ric] * _RIC_WEIGHTS).sum(axis=1) % 11]
    moved = rows.view("S18").ravel().astype("U18").astype(object)
    changed = uscc | ric
    out = codes.copy()
    out[changed] = moved[changed]
    return out


def _move_city(files: dict[str, Path], prefecture: str) -> None:
    """Rewrite a generated city's files into the prefecture's code space (in place)."""
    if prefecture == GENERATED:
        return
    columns = {
        "enterprises": ("uscc",),
        "persons": ("id_number",),
        "roles": ("person_id", "enterprise_uscc"),
        "list_entries": ("subject_id",),
    }
    for kind, names in columns.items():
        frame = pd.read_csv(files[kind], dtype=str, keep_default_na=False)
        for name in names:
            frame[name] = move_codes(frame[name], prefecture)
        if kind == "enterprises":
            frame["region_code"] = frame["region_code"].str.slice_replace(2, 4, prefecture)
        if kind == "list_entries":
            frame["entry_id"] = f"32{prefecture}-" + frame["entry_id"]
        frame.to_csv(files[kind], index=False)


def province_city(folder: Path, number: int, enterprises: int, seed: int) -> dict[str, Path]:
    """City ``number`` (0-based) of the province: generated once into ``folder/32<kk>/`` and kept."""
    from loaders.sample import generate_city

    prefecture = PREFECTURES[number]
    city = folder / f"32{prefecture}"
    paths = {kind: city / f"{kind}.csv" for kind in FILE_KINDS}
    if (city / ".complete").exists():
        return paths
    shutil.rmtree(city, ignore_errors=True)
    started = time.perf_counter()
    log(f"city 32{prefecture}: generating {enterprises:,} enterprises …")
    generate_city(city, enterprises=enterprises, seed=seed + number, today=TODAY)
    _move_city(paths, prefecture)
    (city / ".complete").write_text(f"{time.perf_counter() - started:.1f}\n", encoding="utf-8")
    return paths


def _child_load(db: Path, cities: list[Path]) -> dict[str, Any]:
    from graph.propagation import run_pending
    from graph.store import open_store
    from loaders.load import load_paths

    store = open_store(db)
    seconds: list[float] = []
    rows = 0
    try:
        for city in cities:
            paths = [city / f"{kind}.csv" for kind in FILE_KINDS]
            started = time.perf_counter()
            report_ = load_paths(store, paths, on_error="reject", progress=False, today=TODAY)
            seconds.append(time.perf_counter() - started)
            if not report_.ok:
                raise SystemExit(f"city {city.name} did not load: {report_.problems[:3]}")
            rows += report_.totals()["loaded"]
            print(f"city {city.name}: {seconds[-1]:.1f} s", file=sys.stderr, flush=True)
        load_rss = _peak_rss_bytes()
        started = time.perf_counter()
        summary = run_pending(store)
        propagation = time.perf_counter() - started
    finally:
        store.close()
    return {
        "city_seconds": seconds,
        "propagation_seconds": propagation,
        "rows": rows,
        "records": summary.records,
        "load_peak_rss": load_rss,
        "peak_rss": _peak_rss_bytes(),
    }


def measure_province(enterprises: int, cities: int, seed: int, *, samples: int) -> Path:
    if not 1 <= cities <= len(PREFECTURES):
        raise SystemExit(f"--cities: 1 to {len(PREFECTURES)}")
    folder = CACHE / f"province-{enterprises}-seed{seed}"
    per_city = [
        enterprises // cities + (1 if number < enterprises % cities else 0) for number in range(cities)
    ]
    started = time.perf_counter()
    paths = [province_city(folder, number, size, seed) for number, size in enumerate(per_city)]
    log(f"{cities} cities generated (or found) in {time.perf_counter() - started:.0f} s")
    dirs = [city[FILE_KINDS[0]].parent for city in paths]
    rows = _rows([path for city in paths for path in city.values()])
    db = folder / f"province-{cities}.db"
    for stale in folder.glob(db.name + "*"):
        stale.unlink()
    log(f"loading {rows:,} rows, city by city, into {db} …")
    result = _run_child_province(db, dirs)
    load = Figure("load: every city, validated, one after another")
    load.samples.append(sum(result["city_seconds"]))
    load.notes.update(
        rows=rows,
        rows_per_s=round(rows / sum(result["city_seconds"])),
        peak_rss_gib=round(result["load_peak_rss"] / GIB, 2),
        first_city_s=round(result["city_seconds"][0], 1),
        last_city_s=round(result["city_seconds"][-1], 1),
    )
    per = Figure("  of which: one city's load")
    per.samples.extend(result["city_seconds"])
    follow = Figure("load: the propagation that follows (run_pending)")
    follow.samples.append(result["propagation_seconds"])
    follow.notes.update(records=result["records"], peak_rss_gib=round(result["peak_rss"] / GIB, 2))
    figures = [load, per, follow, *measure_full(db, repeat=1)]
    ids = pick_ids(db, samples, seed)
    figures.extend(measure_check(db, ids))
    meta = {
        "scale": f"province: {enterprises:,} enterprises in {cities} cities (seed {seed})",
        "enterprises": enterprises,
        "cities": cities,
        "city_seconds": result["city_seconds"],
    }
    return report(f"credlink province {enterprises}", figures, meta)


def _run_child_province(db: Path, cities: list[Path]) -> dict[str, Any]:
    import subprocess

    from bench.common import ROOT

    command = [sys.executable, "-m", "bench.province", "load-child", str(db), *map(str, cities)]
    done = subprocess.run(command, cwd=ROOT, stdout=subprocess.PIPE, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command[:5])} … failed ({done.returncode})")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["load-child"]:
        print(json.dumps(_child_load(Path(args[1]), [Path(city) for city in args[2:]])))
        return 0
    parser = argparse.ArgumentParser(prog="python -m bench.province", description=__doc__.split("\n\n")[0])
    parser.add_argument("--enterprises", type=int, default=PROVINCE)
    parser.add_argument("--cities", type=int, default=len(PREFECTURES))
    parser.add_argument("--seed", type=int, default=20181)
    parser.add_argument("--samples", type=int, default=2000, help="ids checked (a quarter from each group)")
    parsed = parser.parse_args(args)
    measure_province(parsed.enterprises, parsed.cities, parsed.seed, samples=parsed.samples)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
