"""Background work of ``credlink serve``: the periodic job on a schedule and webhook delivery.

One :class:`Scheduler` thread per server process. Every ``tick`` it (1) runs the periodic job when the newest
recorded run started at least ``job_every`` ago — the store's job lock keeps two processes (``--workers 2``)
from running it at once, and the recorded start keeps the second from running it again right after — and
(2) sends what the webhook outbox holds every ``deliver_every``. Failures are logged and retried at the next
tick; they never stop the server.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable

from graph.delivery import deliver_due
from graph.jobs import run_job
from graph.store.port import Store

log = logging.getLogger("credlink.scheduler")

Clock = Callable[[], dt.datetime]


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _started(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)


def job_due(store: Store, now: dt.datetime, every: dt.timedelta) -> bool:
    """Whether the periodic job should run now: no run recorded yet, or the newest started ``every`` ago."""
    runs = store.jobs(1)
    if not runs:
        return True
    return now - _started(runs[0].started_at) >= every


class Scheduler(threading.Thread):
    def __init__(
        self,
        store: Store,
        *,
        job_every: dt.timedelta | None,
        deliver_every: dt.timedelta | None,
        tick: float = 1.0,
        clock: Clock = _utc_now,
    ) -> None:
        super().__init__(name="credlink-scheduler", daemon=True)
        self.store = store
        self.job_every = job_every
        self.deliver_every = deliver_every
        self.tick = tick
        self.clock = clock
        self._stop_event = threading.Event()
        self._last_delivery: dt.datetime | None = None

    def stop(self, timeout: float = 30.0) -> None:
        self._stop_event.set()
        if self.is_alive():
            self.join(timeout)

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.step()
            self._stop_event.wait(self.tick)

    def step(self) -> None:
        """One tick: the job if due, then a delivery pass if due."""
        now = self.clock()
        if self.job_every is not None:
            try:
                if job_due(self.store, now, self.job_every):
                    report = run_job(self.store, now.astimezone().date(), deliver=False)
                    if report.ran:
                        log.info("periodic job %s done: %s", report.job_id, report.to_dict())
            except Exception:
                log.exception("periodic job failed; retried at the next tick")
        if self.deliver_every is not None and (
            self._last_delivery is None or now - self._last_delivery >= self.deliver_every
        ):
            self._last_delivery = now
            try:
                sent = deliver_due(self.store, now=now)
                if sent.delivered or sent.retried or sent.given_up:
                    log.info("webhook delivery: %s", sent.to_dict())
            except Exception:
                log.exception("webhook delivery failed; retried at the next tick")
