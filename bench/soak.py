"""A bounded soak: mixed traffic against ``credlink serve`` on loopback while the periodic job runs.

For ``--minutes`` (default 5) a pool of keep-alive clients sends, by weight: checks (one id, and batches of
20), a department's dispatch feed pulled by cursor, feedback on dispatches, and lifecycle actions (an objection
filed on an effective black entry, then resolved as upheld: two writes that suspend and restore its measures and
dispatch the change). The server runs its periodic job every ``--job-every-minutes`` (default 1) and its webhook
delivery pass in the background, on the same store, all along.

Reported, and the exit status says whether each holds:

* **errors**: every answer that is a 5xx, a refused or dropped connection, a timeout, or any status the
  action does not expect — must be zero;
* **memory**: the resident memory of the server's processes, sampled every few seconds, in two parts: anonymous
  (the heap: what a leak grows), whose growth from the end of the warm-up (the first ``--warmup-seconds``) to the
  end must stay under ``--rss-bound-mib`` (default 64 MiB); and file-backed (the store is memory-mapped: its
  pages count as resident once read, grow with the store file as the soak's writes enlarge it, and are page cache
  the kernel reclaims), reported beside the store's size on disk;
* **writes accounted for**: after the traffic stops the store is read directly — the feedback rows and the
  objection/resolution events this run wrote must be exactly the writes the server acknowledged, none lost and
  none extra; and ``PRAGMA integrity_check`` must pass.

Usage: ``.venv/bin/python -m bench.soak`` (``--minutes 0.5`` for a smoke run). The city is the bench's sample
city (``bench/.cache``), copied so the soak's writes never reach the cache.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import RESULTS, ROOT, log, machine, percentile
from bench.measure_http import _descendants, _free_port, _memory_bytes, _wait_ready

MIB = 2**20
ACTOR = "soak"

#: Action → weight in the mix.
MIX = {"check": 60, "batch": 5, "feed": 15, "feedback": 12, "lifecycle": 8}


@dataclass
class Tally:
    """What the clients did and saw."""

    sent: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    error_samples: list[str] = field(default_factory=list)
    latencies: dict[str, list[float]] = field(default_factory=dict)
    feedback_acknowledged: int = 0
    lifecycle_events_acknowledged: int = 0
    feed_items: int = 0

    def error(self, action: str, what: str) -> None:
        self.errors[action] += 1
        if len(self.error_samples) < 20:
            self.error_samples.append(f"{action}: {what}")


@dataclass
class City:
    """What the traffic is made of, read from the store before the server starts."""

    ids: list[str]
    dispatches: list[tuple[int, str]]
    departments: list[str]
    entries: list[str]
    #: A credit administrator's API key in the access store beside the store (where the server looks).
    key: str = ""


def _copy_city(enterprises: int, seed: int, folder: Path) -> Path:
    from bench.common import city_store

    source = city_store(enterprises, seed)
    target = folder / "soak.db"
    with sqlite3.connect(source) as conn, sqlite3.connect(target) as copy:
        conn.backup(copy)
    from graph.dispatch import dispatch_all
    from graph.store.sqlite import SQLiteStore

    store = SQLiteStore(target)
    try:
        dispatch_all(store)  # what `credlink load` does after propagating: the departments' feeds to pull
    finally:
        store.close()
    return target


def _read_city(db: Path, lifecycle_entries: int) -> City:
    conn = sqlite3.connect(db)
    try:
        ids = [
            str(row[0])
            for row in conn.execute("SELECT code FROM subjects ORDER BY random() LIMIT 4000").fetchall()
        ]
        dispatches = [
            (int(pk), str(department))
            for pk, department in conn.execute("SELECT pk, department FROM dispatches ORDER BY pk").fetchall()
        ]
        departments = sorted({department for _pk, department in dispatches})
        # Effective black entries without an end: the periodic job does not expire them during the soak.
        entries = [
            str(row[0])
            for row in conn.execute(
                "SELECT entry_id FROM list_entries WHERE kind = 'black' AND status = 'effective' "
                "AND valid_to IS NULL ORDER BY pk LIMIT ?",
                (lifecycle_entries,),
            ).fetchall()
        ]
    finally:
        conn.close()
    if not ids or not dispatches or not entries:
        raise SystemExit("the sample city has no subjects, dispatches or effective open black entries")
    return City(ids=ids, dispatches=dispatches, departments=departments, entries=entries, key=_admin_key(db))


def _admin_key(db: Path) -> str:
    from api.access_store import AccessStore, make_grant
    from api.settings import Settings

    access = AccessStore(Settings(db=db).access_path())
    try:
        _, key = access.issue_key("soak", make_grant("credit_admin"))
    finally:
        access.close()
    return key


async def _client(
    number: int, base: str, city: City, tally: Tally, deadline: float, entries: list[str], rng: random.Random
) -> None:
    import httpx

    actions = list(MIX)
    weights = [MIX[action] for action in actions]
    cursors = dict.fromkeys(city.departments, 0)
    # A lifecycle client's entries are its own: an objection and its resolution never race another client's.
    pending: dict[str, str] = {}  # entry → next step ("object" or "resolve")
    headers = {"Authorization": f"Bearer {city.key}"}
    async with httpx.AsyncClient(base_url=base, timeout=30.0, headers=headers) as client:
        while time.monotonic() < deadline:
            action = rng.choices(actions, weights)[0]
            if action == "lifecycle" and not entries:
                action = "check"
            started = time.perf_counter()
            try:
                expected, response = await _act(action, client, city, cursors, entries, pending, rng)
            except httpx.HTTPError as exc:
                tally.sent[action] += 1
                tally.error(action, f"{type(exc).__name__}: {exc}")
                continue
            tally.sent[action] += 1
            tally.latencies.setdefault(action, []).append(time.perf_counter() - started)
            if response.status_code != expected:
                tally.error(
                    action,
                    f"{response.request.method} {response.request.url.path} → {response.status_code} {response.text[:200]}",
                )
                continue
            if action == "feedback":
                tally.feedback_acknowledged += 1
            elif action == "lifecycle":
                tally.lifecycle_events_acknowledged += 1
            elif action == "feed":
                body = response.json()
                tally.feed_items += len(body["items"])
                # Pull the department's feed to its end, then start over (the feed never changes behind a cursor).
                department = response.request.url.params["department"]
                cursors[department] = body["next_after"] if body["more"] else 0
    del number


async def _act(
    action: str,
    client: Any,
    city: City,
    cursors: dict[str, int],
    entries: list[str],
    pending: dict[str, str],
    rng: random.Random,
) -> tuple[int, Any]:
    if action == "check":
        return 200, await client.get(f"/v1/subjects/{rng.choice(city.ids)}/check")
    if action == "batch":
        return 200, await client.post("/v1/check", json={"ids": rng.sample(city.ids, 20)})
    if action == "feed":
        department = rng.choice(city.departments)
        return 200, await client.get(
            "/v1/dispatches", params={"department": department, "after": cursors[department], "limit": 50}
        )
    if action == "feedback":
        pk, department = rng.choice(city.dispatches)
        return 201, await client.post(
            f"/v1/dispatches/{pk}/feedback",
            json={"department": department, "outcome": "applied", "actor": ACTOR},
        )
    entry = rng.choice(entries)
    step = pending.get(entry, "object")
    if step == "object":
        pending[entry] = "resolve"
        return 201, await client.post(
            f"/v1/entries/{entry}/objections", json={"filed_by": ACTOR, "reason": "浸泡测试：异议"}
        )
    pending[entry] = "object"
    return 200, await client.post(
        f"/v1/entries/{entry}/objections/resolution",
        json={"outcome": "upheld", "actor": ACTOR, "reason": "浸泡测试：维持原认定"},
    )


async def _traffic(base: str, city: City, concurrency: int, seconds: float, tally: Tally, seed: int) -> None:
    deadline = time.monotonic() + seconds
    lifecycle_clients = max(1, concurrency // 4)
    shares = [city.entries[number::lifecycle_clients] for number in range(lifecycle_clients)]
    await asyncio.gather(
        *(
            _client(
                number,
                base,
                city,
                tally,
                deadline,
                shares[number] if number < lifecycle_clients else [],
                random.Random(seed + number),
            )
            for number in range(concurrency)
        )
    )


@dataclass(frozen=True)
class Sample:
    """One look at the server: seconds since the traffic began, its processes' anonymous resident memory
    (heap: what a leak grows), their file-backed resident memory (the store's memory-mapped pages and the
    libraries: page cache the kernel can drop, growing with the store file as writes enlarge it) and the store's
    size on disk (file and ``-wal``)."""

    at: float
    anon: int
    file: int
    store: int


def _sample(server_pid: int, db: Path, at: float) -> Sample:
    pids = _descendants(server_pid)
    store = sum(path.stat().st_size for path in (db, db.with_name(db.name + "-wal")) if path.exists())
    return Sample(
        at=at,
        anon=sum(_memory_bytes(pid, "status", "RssAnon") for pid in pids),
        file=sum(_memory_bytes(pid, "status", "RssFile") for pid in pids),
        store=store,
    )


def _account(db: Path, tally: Tally) -> dict[str, Any]:
    """The store's own count of the run's writes, against what the server acknowledged."""
    conn = sqlite3.connect(db)
    try:
        feedback = conn.execute(
            "SELECT count(*) FROM dispatch_feedback WHERE actor = ?", (ACTOR,)
        ).fetchone()[0]
        events = conn.execute(
            "SELECT action, count(*) FROM entry_events WHERE actor = ? GROUP BY action", (ACTOR,)
        ).fetchall()
        integrity = [str(row[0]) for row in conn.execute("PRAGMA integrity_check").fetchall()]
        jobs = conn.execute("SELECT status, count(*) FROM job_runs GROUP BY status").fetchall()
    finally:
        conn.close()
    event_total = sum(int(count) for _action, count in events)
    return {
        "feedback_acknowledged": tally.feedback_acknowledged,
        "feedback_stored": int(feedback),
        "lifecycle_acknowledged": tally.lifecycle_events_acknowledged,
        "lifecycle_events_stored": event_total,
        "lifecycle_events_by_action": {str(action): int(count) for action, count in events},
        "integrity_check": integrity,
        "job_runs": {str(status): int(count) for status, count in jobs},
        "accounted": int(feedback) == tally.feedback_acknowledged
        and event_total == tally.lifecycle_events_acknowledged
        and integrity == ["ok"],
    }


def soak(
    *,
    minutes: float,
    enterprises: int,
    seed: int,
    concurrency: int,
    job_every_minutes: int,
    warmup_seconds: float,
    rss_bound_mib: float,
    sample_seconds: float,
) -> dict[str, Any]:
    folder = Path(tempfile.mkdtemp(prefix="credlink-soak-"))
    db = _copy_city(enterprises, seed, folder)
    city = _read_city(db, lifecycle_entries=concurrency * 4)
    port = _free_port()
    env = {name: value for name, value in os.environ.items() if not name.startswith("CREDLINK_")}
    # Authenticated as a credit administrator (every action of the mix is open to it); the check's rate limit
    # is set out of reach: the soak measures the service, not the limiter.
    env.update(
        {
            "CREDLINK_DELIVER_EVERY_SECONDS": "10",
            "CREDLINK_CHECK_RATE": "1000000",
            "CREDLINK_CHECK_BURST": "1000000",
        }
    )
    log(
        f"serving {db} on 127.0.0.1:{port}; periodic job every {job_every_minutes} min; {minutes} min of traffic"
    )
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "api.cli",
            "--db",
            str(db),
            "serve",
            "--port",
            str(port),
            "--no-access-log",
            "--job-every-minutes",
            str(job_every_minutes),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(folder / "server.log", "wb"),  # noqa: SIM115 - kept open for the server's lifetime
    )
    tally = Tally()
    samples: list[Sample] = []
    try:
        _wait_ready(port, server)
        started = time.monotonic()
        seconds = minutes * 60

        async def run() -> None:
            async def sample() -> None:
                while time.monotonic() - started < seconds:
                    samples.append(_sample(server.pid, db, time.monotonic() - started))
                    await asyncio.sleep(sample_seconds)

            await asyncio.gather(
                _traffic(f"http://127.0.0.1:{port}", city, concurrency, seconds, tally, seed), sample()
            )

        asyncio.run(run())
        samples.append(_sample(server.pid, db, time.monotonic() - started))
        elapsed = time.monotonic() - started
        alive = server.poll() is None
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(60)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    accounting = _account(db, tally)
    warm = next((sample for sample in samples if sample.at >= warmup_seconds), samples[-1])
    last = samples[-1]
    growth = (last.anon - warm.anon) / MIB
    total_errors = sum(tally.errors.values())
    requests = sum(tally.sent.values())
    latency = {
        action: {
            "p50_ms": round(percentile(sorted(values), 50) * 1000, 2),
            "p99_ms": round(percentile(sorted(values), 99) * 1000, 2),
        }
        for action, values in tally.latencies.items()
    }
    result = {
        "minutes": minutes,
        "elapsed_seconds": round(elapsed, 1),
        "enterprises": enterprises,
        "concurrency": concurrency,
        "job_every_minutes": job_every_minutes,
        "requests": requests,
        "requests_per_second": round(requests / elapsed, 1),
        "sent": dict(tally.sent),
        "errors": dict(tally.errors),
        "error_samples": tally.error_samples,
        "feed_items_received": tally.feed_items,
        "latency": latency,
        "memory_mib": {
            "anon_first": round(samples[0].anon / MIB, 1),
            "anon_after_warmup": round(warm.anon / MIB, 1),
            "anon_max": round(max(sample.anon for sample in samples) / MIB, 1),
            "anon_end": round(last.anon / MIB, 1),
            "anon_growth_after_warmup": round(growth, 1),
            "bound": rss_bound_mib,
            "file_after_warmup": round(warm.file / MIB, 1),
            "file_end": round(last.file / MIB, 1),
            "store_after_warmup": round(warm.store / MIB, 1),
            "store_end": round(last.store / MIB, 1),
            "samples": [
                (
                    round(sample.at, 1),
                    round(sample.anon / MIB, 1),
                    round(sample.file / MIB, 1),
                    round(sample.store / MIB, 1),
                )
                for sample in samples
            ],
        },
        "writes": accounting,
        "server_alive_at_end": alive,
        "machine": machine(),
        "ok": total_errors == 0 and accounting["accounted"] and growth <= rss_bound_mib and alive,
        "folder": str(folder),
    }
    return result


def _summary(result: dict[str, Any]) -> str:
    writes, memory = result["writes"], result["memory_mib"]
    lines = [
        f"soak: {result['elapsed_seconds']} s, {result['requests']} requests ({result['requests_per_second']}/s) "
        f"at concurrency {result['concurrency']}, periodic job every {result['job_every_minutes']} min "
        f"(runs: {writes['job_runs']})",
        f"  sent: {result['sent']}",
        f"  errors: {sum(result['errors'].values())} {result['errors'] or ''}",
        f"  memory (anonymous RSS of the server): {memory['anon_after_warmup']} MiB after warm-up → "
        f"{memory['anon_end']} MiB at the end (max {memory['anon_max']}); growth {memory['anon_growth_after_warmup']} "
        f"MiB, bound {memory['bound']} MiB",
        f"  file-backed RSS (mapped store pages, libraries): {memory['file_after_warmup']} → {memory['file_end']} MiB; "
        f"store on disk {memory['store_after_warmup']} → {memory['store_end']} MiB",
        f"  writes: feedback {writes['feedback_acknowledged']} acknowledged / {writes['feedback_stored']} stored; "
        f"lifecycle {writes['lifecycle_acknowledged']} acknowledged / {writes['lifecycle_events_stored']} events "
        f"stored {writes['lifecycle_events_by_action']}; integrity {writes['integrity_check']}",
        f"  latency: {result['latency']}",
        f"  verdict: {'OK' if result['ok'] else 'FAILED'}",
    ]
    lines.extend(f"  error: {sample}" for sample in result["error_samples"])
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=5.0, help="length of the traffic (default 5)")
    parser.add_argument("--enterprises", type=int, default=20_000, help="sample city size (default 20000)")
    parser.add_argument("--seed", type=int, default=20181)
    parser.add_argument("--concurrency", type=int, default=8, help="clients at once (default 8)")
    parser.add_argument("--job-every-minutes", type=int, default=1, help="periodic job interval (default 1)")
    parser.add_argument("--warmup-seconds", type=float, default=30.0, help="memory growth counted after this")
    parser.add_argument(
        "--rss-bound-mib", type=float, default=64.0, help="allowed growth of anonymous RSS (default 64)"
    )
    parser.add_argument("--sample-seconds", type=float, default=5.0, help="RSS sampling interval")
    parser.add_argument("--out", type=Path, help="JSON result (default bench/results/soak-<time>.json)")
    args = parser.parse_args(argv)
    result = soak(
        minutes=args.minutes,
        enterprises=args.enterprises,
        seed=args.seed,
        concurrency=args.concurrency,
        job_every_minutes=args.job_every_minutes,
        warmup_seconds=args.warmup_seconds,
        rss_bound_mib=args.rss_bound_mib,
        sample_seconds=args.sample_seconds,
    )
    out = args.out or RESULTS / f"soak-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(_summary(result))
    print(f"result: {out}")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
