"""Graph views at city scale (issue 5): the 2-hop neighbourhood capped at 2,000 nodes and the shortest
paths of up to 6 hops, in process on the embedded store, over busy and ordinary subjects.

    .venv/bin/python -m bench.graph_views                    # the city: 1,000,000 enterprises
    .venv/bin/python -m bench.graph_views --enterprises 100000 --samples 100

Targets (issue 6): neighbourhood p99 ≤ 50 ms, paths p99 ≤ 200 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import random
import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path

from bench.common import CITY, TODAY, Figure, city_store, hub_city, log, report
from graph.store import open_store
from graph.store.port import Store, SubjectRecord
from queries.explore import neighbourhood, shortest_paths


def _busiest(db: str, limit: int) -> list[int]:
    """Keys of the subjects with the most role edges (holders and enterprises): the worst cases."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        rows = conn.execute(
            """SELECT pk FROM (
                 SELECT holder_pk AS pk, count(*) AS n FROM roles GROUP BY holder_pk
                 UNION ALL
                 SELECT enterprise_pk, count(*) FROM roles GROUP BY enterprise_pk)
               GROUP BY pk ORDER BY sum(n) DESC, pk LIMIT ?""",
            (limit,),
        ).fetchall()
    return [int(row[0]) for row in rows]


def _ordinary(db: str, count: int, rng: random.Random) -> list[int]:
    """Keys of random role holders and enterprises (every subject with at least one edge is as likely)."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        top = int(conn.execute("SELECT max(pk) FROM roles").fetchone()[0])
        picked: list[int] = []
        while len(picked) < count:
            row = conn.execute(
                "SELECT holder_pk, enterprise_pk FROM roles WHERE pk >= ? LIMIT 1", (rng.randint(1, top),)
            ).fetchone()
            if row:
                picked.append(int(row[rng.randint(0, 1)]))
    return picked


def _subjects(store: Store, pks: Sequence[int]) -> list[SubjectRecord]:
    found = store.subjects_by_pk(pks)
    return [found[pk] for pk in pks if pk in found]


def _timed_views(
    store: Store, subjects: Sequence[SubjectRecord], name: str, *, hops: int, repeat: int, at: dt.date | None
) -> Figure:
    figure = Figure(name)
    sizes: list[int] = []
    for subject in subjects:  # warm-up: the subject's pages read once from disk, untimed
        neighbourhood(store, subject, hops=hops, at=at, max_nodes=2000, page_size=50, today=TODAY)
    for subject in subjects:
        for _ in range(repeat):
            started = time.perf_counter()
            view = neighbourhood(store, subject, hops=hops, at=at, max_nodes=2000, page_size=50, today=TODAY)
            figure.samples.append(time.perf_counter() - started)
        sizes.append(len(view.graph.nodes))
    sizes.sort()
    if sizes:
        figure.notes.update(nodes_median=sizes[len(sizes) // 2], nodes_max=sizes[-1])
    return figure


def measure(
    db: Path, hub_db: Path | None, *, seed: int, samples: int = 300, busy: int = 50, repeat: int = 3
) -> list[Figure]:
    """The graph-view figures over the store ``db``: 2-hop neighbourhoods (cap 2,000 nodes) of the busiest
    and of ordinary subjects, now and as of a date, 3 hops of the busiest, and shortest paths of up to 6
    hops between linked and random pairs; with ``hub_db`` (the same city with hubs, :func:`hub_city`) also
    the 2-hop views of the hubs, which reach the cap. Each subject is asked ``repeat`` times (warm), with
    the collector frozen after start-up as the server does (api/app.py)."""
    rng = random.Random(seed)
    store = open_store(db)
    gc.collect()
    gc.freeze()
    figures: list[Figure] = []
    try:
        busiest = _subjects(store, _busiest(str(db), busy))
        ordinary = _subjects(store, _ordinary(str(db), samples, rng))
        for label, subjects in (("busy", busiest), ("ordinary", ordinary)):
            for at in (None, TODAY):
                name = f"neighbourhood 2 hops ≤2000, {label}{', as of a date' if at else ''}"
                figures.append(_timed_views(store, subjects, name, hops=2, repeat=repeat, at=at))
        if hub_db is not None:
            # Hubs: 2 hops reach the 2,000-node cap (the same city with busy shareholders added).
            hub_store = open_store(hub_db)
            gc.collect()
            gc.freeze()
            try:
                hubs = list(hub_store.search_subjects("枢纽股东", limit=100))
                figures.append(
                    _timed_views(
                        hub_store, hubs, "neighbourhood 2 hops ≤2000, hubs", hops=2, repeat=repeat, at=None
                    )
                )
            finally:
                hub_store.close()
        # Without hubs no subject of the sample city has 2,000 subjects within 2 hops: 3 hops from the
        # busiest subjects come closest to the cap.
        figures.append(
            _timed_views(store, busiest, "neighbourhood 3 hops ≤2000, busy", hops=3, repeat=repeat, at=None)
        )
        log("paths …")
        for label, pairs in (
            ("linked pairs", _linked_pairs(store, ordinary, rng)),
            ("random pairs", [(a, b) for a, b in zip(ordinary, reversed(ordinary), strict=True) if a != b]),
        ):
            figure = Figure(f"shortest paths ≤6 hops, {label}")
            found = 0
            for source, target in pairs:
                started = time.perf_counter()
                result = shortest_paths(store, source, target, max_hops=6, limit=5, today=TODAY)
                figure.samples.append(time.perf_counter() - started)
                found += bool(result.paths)
            figure.notes.update(pairs=len(pairs), with_a_path=found)
            figures.append(figure)
    finally:
        store.close()
        gc.unfreeze()
    return figures


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.graph_views", description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=CITY)
    parser.add_argument("--seed", type=int, default=20181)
    parser.add_argument("--samples", type=int, default=300, help="ordinary subjects (and path pairs)")
    parser.add_argument("--busy", type=int, default=50, help="the busiest subjects, timed too")
    parser.add_argument("--repeat", type=int, default=3, help="times each subject is asked (warm)")
    args = parser.parse_args(argv)

    db = city_store(args.enterprises, args.seed)
    figures = measure(
        db,
        hub_city(args.enterprises, args.seed),
        seed=args.seed,
        samples=args.samples,
        busy=args.busy,
        repeat=args.repeat,
    )
    report(
        "graph views",
        figures,
        {
            "scale": f"{args.enterprises:,} enterprises, seed {args.seed}",
            "db": str(db),
            "repeat": args.repeat,
        },
    )
    return 0


def _linked_pairs(
    store: Store, subjects: Sequence[SubjectRecord], rng: random.Random
) -> list[tuple[SubjectRecord, SubjectRecord]]:
    """Each subject with a subject 2–3 hops away from it, so that a path exists."""
    pairs = []
    for subject in subjects:
        view = neighbourhood(store, subject, hops=3, max_nodes=500, today=TODAY)
        far = [node for node in view.graph.nodes if node.hop is not None and node.hop >= 2]
        if far:
            pairs.append((subject, rng.choice(far).subject))
    return pairs


if __name__ == "__main__":
    raise SystemExit(main())
