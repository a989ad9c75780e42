"""The check in process, the batch check, and one new black entry until every linked person's check shows it.

The ids asked about are a fixed-seed mix (:func:`pick_ids`): persons reached through a firm (derived
records), directly listed subjects, clean persons and enterprises, so that every path of the check is
exercised. Everything is timed warm, with the collector frozen after start-up as the server does
(``api/app.py``).
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import random
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.common import TODAY, Figure, log
from graph.store import open_store
from graph.store.port import CONTRACT_COLUMNS, FileKind, Store
from queries.check import check

#: The groups of :func:`pick_ids`, in the order they are mixed.
GROUPS = ("via_firm", "direct", "clean_person", "enterprise")


def _sample(conn: sqlite3.Connection, sql: str, top_sql: str, count: int, rng: random.Random) -> list[int]:
    """Up to ``count`` distinct values of ``sql`` (one row at a key ``>= ?``) at random keys below the top."""
    top_row = conn.execute(top_sql).fetchone()
    top = int(top_row[0] or 0)
    found: dict[int, None] = {}
    attempts = 0
    while top and len(found) < count and attempts < count * 20:
        attempts += 1
        row = conn.execute(sql, (rng.randint(1, top),)).fetchone()
        if row is not None:
            found[int(row[0])] = None
    return list(found)


def pick_ids(db: Path, count: int, seed: int) -> dict[str, list[str]]:
    """About ``count`` codes to check, a quarter from each group of :data:`GROUPS`; random at ``seed``.

    ``via_firm``: persons with a derived record (restricted or incentive-relevant through a firm);
    ``direct``: subjects of list entries; ``clean_person``: persons with neither; ``enterprise``: any firm.
    """
    rng = random.Random(seed)
    quarter = max(1, count // 4)
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        via_firm = _sample(
            conn,
            "SELECT person_pk FROM derived_records WHERE pk >= ? LIMIT 1",
            "SELECT max(pk) FROM derived_records",
            quarter,
            rng,
        )
        direct = _sample(
            conn,
            "SELECT subject_pk FROM list_entries WHERE pk >= ? LIMIT 1",
            "SELECT max(pk) FROM list_entries",
            quarter,
            rng,
        )
        persons = _sample(
            conn,
            "SELECT pk FROM subjects WHERE pk >= ? AND subject_type = 'person' LIMIT 1",
            "SELECT max(pk) FROM subjects",
            quarter * 2,
            rng,
        )
        clean = [
            pk
            for pk in persons
            if conn.execute(
                "SELECT NOT EXISTS (SELECT 1 FROM derived_records WHERE person_pk = ?)"
                " AND NOT EXISTS (SELECT 1 FROM list_entries WHERE subject_pk = ?)",
                (pk, pk),
            ).fetchone()[0]
        ][:quarter]
        enterprises = _sample(
            conn,
            "SELECT pk FROM subjects WHERE pk >= ? AND subject_type = 'enterprise' LIMIT 1",
            "SELECT max(pk) FROM subjects",
            quarter,
            rng,
        )

        def codes(pks: list[int]) -> list[str]:
            return [
                str(conn.execute("SELECT code FROM subjects WHERE pk = ?", (pk,)).fetchone()[0]) for pk in pks
            ]

        return {
            "via_firm": codes(via_firm),
            "direct": codes(direct),
            "clean_person": codes(clean),
            "enterprise": codes(enterprises),
        }


def mixed(ids: dict[str, list[str]], seed: int) -> list[str]:
    """All ids of all groups in one shuffled list (fixed seed)."""
    everything = [code for group in GROUPS for code in ids.get(group, [])]
    random.Random(seed).shuffle(everything)
    return everything


@contextmanager
def frozen_store(db: Path) -> Iterator[Store]:
    """The store open as a server worker has it: start-up garbage frozen out of the collector's passes."""
    store = open_store(db)
    gc.collect()
    gc.freeze()
    try:
        yield store
    finally:
        store.close()
        gc.unfreeze()


def measure_check(db: Path, ids: dict[str, list[str]], *, passes: int = 3) -> list[Figure]:
    """``queries.check.check`` of every id, ``passes`` times after one warm-up pass: all ids, and per group."""
    everything = mixed(ids, 1)
    group_of = {code: group for group in GROUPS for code in ids.get(group, [])}
    figure = Figure("check in process (queries.check.check)")
    per_group = {group: Figure(f"check in process, {group.replace('_', ' ')}") for group in GROUPS}
    restricted = 0
    with frozen_store(db) as store:
        for code in everything:  # warm-up: pages in the cache, statements prepared
            restricted += check(store, code, at=TODAY).restricted
        for _ in range(passes):
            for code in everything:
                started = time.perf_counter()
                check(store, code, at=TODAY)
                elapsed = time.perf_counter() - started
                figure.samples.append(elapsed)
                per_group[group_of[code]].samples.append(elapsed)
    figure.notes.update(ids=len(everything), restricted=restricted, passes=passes)
    return [figure, *(group for group in per_group.values() if group.samples)]


#: The business item the batch check asks for (a business system must name one of its own).
ITEM = "public_procurement"


def measure_batch(
    db: Path, ids: dict[str, list[str]], *, batches: int = 30, size: int = 1000
) -> list[Figure]:
    """``POST /v1/check`` of ``size`` ids, in process: the app's own request path (validation, the router,
    the response model and its JSON) through an in-process ASGI client, which adds about what an empty
    request of the route costs (a batch of one id, reported beside)."""
    from fastapi.testclient import TestClient

    from api.access_store import make_grant
    from api.app import create_app
    from api.principal import Role
    from api.settings import Settings

    everything = mixed(ids, 2)
    while len(everything) < size:
        everything = everything + everything
    figure = Figure(f"batch check of {size:,} ids (POST /v1/check, in process)")
    empty = Figure("  beside: a batch of 1 id (client + route overhead)")
    app = create_app(
        Settings(db=db, deliver_every_seconds=0, job_every_minutes=0, check_rate=1e9, check_burst=10**9)
    )
    with TestClient(app) as client:
        # As a business system asks: its API key, one of its business items (the answer masked as it sees it).
        _, key = app.state.access.issue_key(
            "bench batch", make_grant(Role.BUSINESS_SYSTEM, business_items=[ITEM])
        )
        client.headers["Authorization"] = f"Bearer {key}"
        rng = random.Random(3)
        for attempt in range(batches + 2):
            body = {"ids": rng.sample(everything, size), "at": TODAY.isoformat(), "business_item": ITEM}
            started = time.perf_counter()
            response = client.post("/v1/check", json=body)
            elapsed = time.perf_counter() - started
            if response.status_code != 200:
                raise RuntimeError(f"POST /v1/check answered {response.status_code}: {response.text[:300]}")
            if attempt >= 2:  # two warm-up batches
                figure.samples.append(elapsed)
            started = time.perf_counter()
            client.post(
                "/v1/check", json={"ids": body["ids"][:1], "at": TODAY.isoformat(), "business_item": ITEM}
            )
            empty.samples.append(time.perf_counter() - started)
    figure.notes.update(batches=batches)
    return [figure, empty]


def _linked_firms(db: Path, list_type: str, count: int, seed: int) -> list[tuple[str, list[str]]]:
    """Firms with at least one person holding, today, a role the list type's policy names; with those
    persons' codes (the persons a new black entry of the firm must reach)."""
    rng = random.Random(seed)
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        row = conn.execute("SELECT roles FROM list_policies WHERE list_type = ?", (list_type,)).fetchone()
        roles = [role for role in str(row[0]).split(";") if role] if row else ["legal_representative"]
        today = TODAY.isoformat()
        top = int(conn.execute("SELECT max(pk) FROM roles").fetchone()[0] or 0)
        firms: dict[int, None] = {}
        attempts = 0
        while top and len(firms) < count and attempts < count * 50:
            attempts += 1
            found = conn.execute(
                "SELECT enterprise_pk FROM roles WHERE pk >= ? AND role = 'legal_representative' LIMIT 1",
                (rng.randint(1, top),),
            ).fetchone()
            if found:
                firms[int(found[0])] = None
        picked: list[tuple[str, list[str]]] = []
        marks = ",".join("?" * len(roles))
        for firm in firms:
            persons = [
                str(code)
                for (code,) in conn.execute(
                    f"""SELECT DISTINCT p.code FROM roles r JOIN subjects p ON p.pk = r.holder_pk
                        WHERE r.enterprise_pk = ? AND p.subject_type = 'person' AND r.role IN ({marks})
                          AND r.start_date <= ? AND (r.end_date IS NULL OR r.end_date = '' OR r.end_date >= ?)""",
                    (firm, *roles, today, today),
                )
            ]
            if persons:
                uscc = conn.execute("SELECT code FROM subjects WHERE pk = ?", (firm,)).fetchone()[0]
                picked.append((str(uscc), persons))
    return picked


def measure_incremental(db: Path, *, samples: int = 20, seed: int = 4) -> list[Figure]:
    """One new black entry of a firm, written as an import writes it (``load_paths`` of a one-row
    list_entries file) and propagated as ``credlink load`` does next (``run_pending``), until the check of
    every person the firm's policy reaches lists it. Writes to ``db``."""
    from graph.propagation import run_pending
    from loaders.load import load_paths

    list_type = "失信被执行人"
    firms = _linked_firms(db, list_type, samples, seed)
    total = Figure("one new black entry → visible in check of every linked person")
    write = Figure("  of which: the write (load_paths, one-row file)")
    propagate = Figure("  of which: propagation (run_pending)")
    confirm = Figure("  of which: the checks that see it")
    persons_reached: list[int] = []
    folder = Path(tempfile.mkdtemp(prefix="credlink-bench-entry-"))
    act = (TODAY - dt.timedelta(days=30)).isoformat()
    decided = (TODAY - dt.timedelta(days=1)).isoformat()
    with frozen_store(db) as store:
        for number, (uscc, persons) in enumerate(firms, start=1):
            entry_id = f"BENCH-{int(time.time())}-{number:04d}"
            path = folder / f"list_entries-{number}.csv"
            with path.open("w", newline="", encoding="utf-8") as file:
                out = csv.writer(file)
                out.writerow(CONTRACT_COLUMNS[FileKind.list_entries])
                basis = f"（2026）苏04执{number}号"
                out.writerow(
                    [
                        entry_id,
                        uscc,
                        "black",
                        list_type,
                        "常州市中级人民法院",
                        basis,
                        act,
                        decided,
                        decided,
                        "",
                    ]
                )
            for person in persons:  # warm: these persons' pages, as a busy server would have them
                check(store, person, at=TODAY)
            started = time.perf_counter()
            loaded = load_paths(store, [path], progress=False, today=TODAY)
            written = time.perf_counter()
            if not loaded.ok:
                raise RuntimeError(f"the new entry did not load: {loaded.problems[:3]}")
            run_pending(store)
            propagated = time.perf_counter()
            seen = _all_see(store, persons, entry_id)
            done = time.perf_counter()
            if not seen:
                raise RuntimeError(f"{entry_id} of {uscc} is not visible in the check of {persons}")
            total.samples.append(done - started)
            write.samples.append(written - started)
            propagate.samples.append(propagated - written)
            confirm.samples.append(done - propagated)
            persons_reached.append(len(persons))
    persons_reached.sort()
    total.notes.update(
        entries=len(firms),
        persons_median=persons_reached[len(persons_reached) // 2] if persons_reached else 0,
        persons_max=persons_reached[-1] if persons_reached else 0,
    )
    log(f"incremental: {len(firms)} new entries written into {db.name}")
    return [total, write, propagate, confirm]


def _all_see(store: Store, persons: list[str], entry_id: str) -> bool:
    for person in persons:
        result = check(store, person, at=TODAY)
        if not any(item.entry.entry_id == entry_id for item in result.items):
            return False
    return True
