"""kill -9 in the middle of a load, of a propagation run and of webhook delivery; then restart.

Each test runs the real ``credlink`` command in a subprocess on a sample city, sends it SIGKILL at a point it
observes from the outside (a progress line on stderr plus a delay, or a number of webhook requests received),
and shows what issue 7 asks: the file passes ``PRAGMA integrity_check``; the derived records (and the other
derived tables) are those before the run or those of a clean run, never a mix; a re-run finishes the work and
leaves exactly the store an uninterrupted run leaves; no dispatch is lost, and a repeated delivery carries the
same ``Idempotency-Key`` and body, so the receiver can drop it.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from graph.delivery import LEASE
from tests.faults.harness import (
    CREDLINK,
    ROOT,
    Killed,
    Receiver,
    credlink,
    differences,
    dump,
    environment,
    integrity,
    kill_when,
)

pytestmark = pytest.mark.slow

#: Big enough that a load runs ~2 s (reading, validating, writing 100 000 rows), small enough for CI.
CITY_ENTERPRISES = 20_000
#: The derived side of a store: what propagation and dispatch write.
DERIVED = ("derived_records", "change_log")
DISPATCHED = ("dispatches", "measure_applications", "outbox")
PROPAGATING = "传播派生记录 propagating"
DISPATCHING = "推送实施部门 dispatching"


def _split_entries(city: Path, out: Path) -> Path:
    """The city with only the first half of its list entries (the store before the interrupted load)."""
    out.mkdir()
    for source in city.iterdir():
        shutil.copy(source, out / source.name)
    with (city / "list_entries.csv").open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    with (out / "list_entries.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows[: 1 + (len(rows) - 1) // 2])
    return out


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A sample city; the store holding its first half of entries (``before``); the store a clean load of
    the whole city on top of it leaves (``after``). Their dumps: :func:`dumps`."""
    folder = tmp_path_factory.mktemp("crash-city")
    files = folder / "city"
    credlink(folder / "unused.db", "sample", "--enterprises", str(CITY_ENTERPRISES), "--out", str(files))
    half = _split_entries(files, folder / "half")
    before = folder / "before.db"
    credlink(before, "load", str(half))
    after = folder / "after.db"
    shutil.copy(before, after)
    credlink(after, "load", str(files))
    return {"files": files, "before": before, "after": after}


@pytest.fixture(scope="module")
def dumps(city: dict[str, Path]) -> dict[str, dict[str, list[tuple[object, ...]]]]:
    return {"before": dump(city["before"]), "after": dump(city["after"])}


def _copy_store(source: Path, target: Path) -> Path:
    conn = sqlite3.connect(source)
    try:
        copy = sqlite3.connect(target)
        conn.backup(copy)
        copy.close()
    finally:
        conn.close()
    return target


@pytest.mark.parametrize(
    ("marker", "delay"),
    [
        # ~1 s in, the command is reading and validating the files (the store opened at ~0.9 s on a quiet
        # machine; the write commits at ~2.7 s, then the progress lines below).
        pytest.param(None, 1.0, id="reading"),
        pytest.param(PROPAGATING, 0.0, id="propagating"),
        pytest.param(DISPATCHING, 0.0, id="dispatching"),
    ],
)
def test_load_killed_leaves_the_old_state_or_the_new_and_a_rerun_finishes(
    city: dict[str, Path],
    dumps: dict[str, dict[str, list[tuple[object, ...]]]],
    tmp_path: Path,
    marker: str | None,
    delay: float,
) -> None:
    db = _copy_store(city["before"], tmp_path / "credlink.db")
    before, after = dumps["before"], dumps["after"]

    outcome = kill_when(db, ["load", str(city["files"])], marker, delay=delay)
    assert outcome.killed, f"the load ended before the kill: {outcome.stderr[-3:]}"

    assert integrity(db) == ["ok"]
    now = dump(db)
    # Each part is all before or all after: the import (one transaction), the derived records (one swap),
    # the dispatches (one transaction with their outbox rows).
    for tables in (("list_entries", "subjects", "roles"), DERIVED[:1], DISPATCHED):
        part = {name: now[name] for name in tables}
        assert part in ({name: before[name] for name in tables}, {name: after[name] for name in tables}), (
            differences(part, {name: after[name] for name in tables})
        )
    if now["derived_records"] != before["derived_records"]:
        assert (
            now["list_entries"] == after["list_entries"]
        )  # derived records never run ahead of their entries

    credlink(db, "load", str(city["files"]))
    assert integrity(db) == ["ok"]
    assert differences(dump(db), after) == {}


def _policies_changed(files: Path, out: Path) -> Path:
    """The list policies with every list type's holders switched (act ↔ current, both → act): a full
    propagation then changes many derived records."""
    switch = {"act": "current", "current": "act", "both": "act"}
    with (files / "list_policies.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        row["role_time"] = switch[row["role_time"]]
    path = out / "list_policies.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_propagation_killed_keeps_the_old_derived_records_or_the_new_and_a_rerun_finishes(
    city: dict[str, Path], tmp_path: Path
) -> None:
    prepared = _copy_store(city["after"], tmp_path / "prepared.db")
    credlink(prepared, "load", "--no-propagate", str(_policies_changed(city["files"], tmp_path)))
    clean = _copy_store(prepared, tmp_path / "clean.db")
    credlink(clean, "propagate", "--full")
    old, new = dump(prepared, tables=DERIVED[:1]), dump(clean, tables=DERIVED[:1])
    assert old != new  # the changed policies do change derived records: the test can tell the two apart

    seen: list[str] = []
    for number, delay in enumerate((0.0, 0.1, 0.4)):
        db = _copy_store(prepared, tmp_path / f"run-{number}.db")
        outcome = kill_when(db, ["propagate", "--full"], PROPAGATING, delay=delay)
        assert integrity(db) == ["ok"]
        derived = dump(db, tables=DERIVED[:1])
        assert derived in (old, new), differences(derived, new)
        seen.append("interrupted" if outcome.killed and derived == old else "complete")

        credlink(db, "propagate", "--full")
        assert integrity(db) == ["ok"]
        assert dump(db, tables=DERIVED[:1]) == new
    assert "interrupted" in seen  # at least one kill landed inside the run


DEPARTMENT = "常州市财政局"


def _deliver_later(db: Path) -> subprocess.CompletedProcess[str]:
    """A delivery pass after the dead deliverer's lease has run out (as the server's scheduler makes one every
    few seconds): the library call behind ``credlink webhook deliver``, in a process of its own, at a time past
    the lease."""
    later = dt.datetime.now(dt.UTC) + LEASE + dt.timedelta(seconds=1)
    program = (
        "import datetime as dt, sys\n"
        "from graph.delivery import deliver_due\n"
        "from graph.store.sqlite import SQLiteStore\n"
        "store = SQLiteStore(sys.argv[1])\n"
        "print(deliver_due(store, now=dt.datetime.fromisoformat(sys.argv[2]), limit=10_000).to_dict())\n"
        "store.close()\n"
    )
    return subprocess.run(
        [sys.executable, "-c", program, str(db), later.isoformat()],
        capture_output=True,
        text=True,
        env=environment(),
        cwd=ROOT,
        check=True,
        timeout=120,
    )


def test_delivery_killed_loses_no_dispatch_and_repeats_carry_the_same_idempotency_key(tmp_path: Path) -> None:
    db = tmp_path / "credlink.db"
    files = tmp_path / "city"
    credlink(db, "sample", "--enterprises", "2000", "--out", str(files))
    credlink(db, "load", "--no-propagate", str(files))
    with Receiver(delay=0.01) as receiver:
        set_hook = subprocess.run(
            [*CREDLINK, "--db", str(db), "webhook", "set", DEPARTMENT, "--url", receiver.url],
            capture_output=True,
            text=True,
            env=environment(CREDLINK_WEBHOOK_SECRET="a-long-shared-secret-for-tests"),
            cwd=ROOT,
            check=True,
        )
        assert "已登记回调" in set_hook.stdout
        credlink(db, "propagate")
        credlink(db, "dispatch", "run")
        conn = sqlite3.connect(db)
        expected = {f"dispatch-{pk}" for (pk,) in conn.execute("SELECT dispatch_pk FROM outbox")}
        conn.close()
        assert len(expected) > 60

        outcome = _kill_after_requests(db, receiver, count=30)
        assert outcome.killed
        sent_before_kill = receiver.keys()
        assert 30 <= len(sent_before_kill) < len(expected)

        assert integrity(db) == ["ok"]
        credlink(db, "webhook", "deliver")  # at once: the dead run's leased rows are not sent twice meanwhile
        finished = _deliver_later(db)
        assert "'delivered'" in finished.stdout

    keys = receiver.keys()
    assert set(keys) == expected  # nothing lost, nothing foreign
    conn = sqlite3.connect(db)
    undelivered = conn.execute("SELECT count(*) FROM outbox WHERE delivered_at IS NULL").fetchone()[0]
    conn.close()
    assert undelivered == 0
    repeated = {key for key in keys if keys.count(key) > 1}
    # Only what was in flight when the process died is sent twice: received, but not yet recorded.
    assert repeated <= set(sent_before_kill)
    assert len(repeated) <= 1
    bodies: dict[str, dict[str, object]] = {}
    for key, body in receiver.received:
        assert body["idempotency_key"] == key
        assert bodies.setdefault(key, body) == body  # a repeat is the same message: the receiver can drop it


def _kill_after_requests(db: Path, receiver: Receiver, *, count: int) -> Killed:
    import signal
    import time

    process = subprocess.Popen(
        [*CREDLINK, "--db", str(db), "webhook", "deliver", "--limit", "10000"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=environment(),
        cwd=ROOT,
    )
    deadline = time.monotonic() + 60
    while len(receiver.keys()) < count and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
    returncode = process.wait(30)
    return Killed(killed=returncode == -signal.SIGKILL, returncode=returncode)


def _kill_holding_the_job_lock(db: Path, args: list[str]) -> Killed:
    """Start ``credlink ARGS`` and SIGKILL it as soon as its run is recorded as running (it holds the job
    lock): watched in the store itself, not after a guessed delay that a fast machine outruns."""
    import signal
    import time

    process = subprocess.Popen(
        [*CREDLINK, "--db", str(db), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=environment(),
        cwd=ROOT,
    )
    deadline = time.monotonic() + 60
    watch = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
    try:
        while process.poll() is None and time.monotonic() < deadline:
            if watch.execute("SELECT EXISTS (SELECT 1 FROM job_runs WHERE status = 'running')").fetchone()[0]:
                process.send_signal(signal.SIGKILL)
                break
            time.sleep(0.001)
    finally:
        watch.close()
    returncode = process.wait(30)
    return Killed(killed=returncode == -signal.SIGKILL, returncode=returncode)


def test_a_killed_periodic_job_is_taken_over_at_once_by_the_next_run(
    city: dict[str, Path], tmp_path: Path
) -> None:
    """``credlink job run`` killed while it holds the job lock: the next run on the same host sees that the
    process holding the lock is gone, records the dead run as failed and runs (no two-hour wait)."""
    db = _copy_store(city["after"], tmp_path / "job.db")
    outcome = _kill_holding_the_job_lock(db, ["job", "run", "--on", "2026-12-01"])
    assert outcome.killed, outcome
    assert integrity(db) == ["ok"]
    conn = sqlite3.connect(db)
    try:
        held = conn.execute("SELECT status, report FROM job_runs ORDER BY pk").fetchall()
    finally:
        conn.close()
    assert [status for status, _ in held] == ["running"]  # the dead run still holds the lock
    rerun = credlink(db, "job", "run", "--on", "2026-12-01")
    assert "定期任务完成" in rerun.stdout, rerun.stdout + rerun.stderr
    conn = sqlite3.connect(db)
    try:
        after = conn.execute("SELECT status, report FROM job_runs ORDER BY pk").fetchall()
    finally:
        conn.close()
    assert [status for status, _ in after] == ["failed", "done"]
    assert "由后续运行接管" in after[0][1]
