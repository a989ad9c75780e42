"""``credlink serve``'s background work: the periodic job on a schedule (never twice at once, never again
before its interval) and webhook delivery from the outbox."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from api.scheduler import Scheduler, job_due
from graph.dispatch import dispatch_all
from graph.jobs import run_job
from graph.store.sqlite import SQLiteStore
from tests.api import build_city, serve
from tests.graph.test_dispatch import Receiver

FINANCE = "常州市财政局"


def test_job_due_follows_the_newest_recorded_start(tmp_path: Path) -> None:
    store = SQLiteStore(build_city(tmp_path / "city.db"))
    every = dt.timedelta(hours=24)
    now = dt.datetime.now(dt.UTC)
    assert job_due(store, now, every)
    run_job(store, dt.date(2024, 5, 1), deliver=False)
    assert not job_due(store, now + dt.timedelta(hours=23), every)
    assert job_due(store, now + dt.timedelta(hours=24, minutes=1), every)
    store.close()


def test_steps_run_the_job_once_per_interval_and_deliver_the_outbox(tmp_path: Path) -> None:
    store = SQLiteStore(build_city(tmp_path / "city.db"))
    receiver = Receiver(fail=0)
    try:
        store.set_webhook(FINANCE, url=receiver.url, secret="0123456789abcdef")
        start = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
        clock = [start]
        scheduler = Scheduler(
            store,
            job_every=dt.timedelta(hours=1),
            deliver_every=dt.timedelta(seconds=5),
            clock=lambda: clock[0],
        )
        scheduler.step()
        assert len(store.jobs(10)) == 1
        assert len(receiver.accepted) == 4  # the job dispatched 4 to the finance bureau; all delivered
        clock[0] = start + dt.timedelta(minutes=59)
        scheduler.step()
        assert len(store.jobs(10)) == 1
        clock[0] = start + dt.timedelta(minutes=61)
        scheduler.step()
        assert len(store.jobs(10)) == 2
        assert len(receiver.accepted) == 4  # nothing new to tell
        assert store.outbox_state().delivered == 4
    finally:
        receiver.close()
        store.close()


def test_the_server_runs_the_job_in_the_background(tmp_path: Path) -> None:
    with serve(tmp_path, job_every_minutes=60, deliver_every_seconds=1) as client:
        deadline = time.monotonic() + 20
        jobs: list[dict[str, object]] = []
        while time.monotonic() < deadline:
            jobs = client.get("/v1/jobs").json()["jobs"]
            if jobs and jobs[0]["status"] == "done":
                break
            time.sleep(0.1)
        assert len(jobs) == 1
        assert jobs[0]["status"] == "done"
        assert client.get("/v1/dispatches/stats").json()["rows"]


def test_no_scheduler_when_both_are_off(tmp_path: Path) -> None:
    with serve(tmp_path, job_every_minutes=0, deliver_every_seconds=0) as client:
        time.sleep(0.3)
        assert client.get("/v1/jobs").json()["jobs"] == []
        db = tmp_path / "city.db"
        store = SQLiteStore(db)
        assert dispatch_all(store, dt.date(2024, 5, 1)).started == 6
        store.close()
