"""The periodic job (§五(二), §七(一), R1, R7, R8): preliminary lists whose publicity has ended take effect,
then expiries, propagation, cross-comparison, dispatches to the implementing departments, reminders of
overdue feedback and a webhook delivery pass — recorded and never run twice at once.

A run takes a lock in the store (a ``running`` job record); a run that died holding it is taken over once
the lock is stale. Every run is recorded with its day, start, end, status and what it changed.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from graph.delivery import deliver_due
from graph.dispatch import dispatch_all, remind_overdue
from graph.lifecycle import cross_compare, expire_due
from graph.preliminary import take_effect_due
from graph.propagation import run_full, run_pending
from graph.store.port import Store

log = logging.getLogger("credlink.jobs")


@dataclass(slots=True)
class JobReport:
    job_id: int | None
    run_on: dt.date
    ran: bool
    #: Preliminary entries that took effect (publicity ended), and red candidates refused by cross-comparison.
    took_effect: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    expired: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    propagation: dict[str, Any] = field(default_factory=dict)
    dispatches: dict[str, Any] = field(default_factory=dict)
    reminders: int = 0
    deliveries: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_on": self.run_on.isoformat(),
            "took_effect": self.took_effect,
            "refused": self.refused,
            "expired": self.expired,
            "removed": self.removed,
            "propagation": self.propagation,
            "dispatches": self.dispatches,
            "reminders": self.reminders,
            "deliveries": self.deliveries,
        }


def run_job(
    store: Store,
    on: dt.date | None = None,
    *,
    deliver: bool = True,
) -> JobReport:
    """Take into effect the preliminary entries whose publicity has ended, expire what has ended, recompute
    every derived record (a full run, which also corrects any drift of the incremental state), end red
    entries that now conflict with black ones, dispatch every change of the measures in force on ``on``,
    remind departments of overdue feedback and send what the outbox holds. Returns ``ran=False`` when
    another run holds the lock."""
    day = on or dt.date.today()
    job_id = store.start_job(day)
    report = JobReport(job_id=job_id, run_on=day, ran=job_id is not None)
    if job_id is None:
        return report
    try:
        entered = take_effect_due(store, day)
        report.took_effect, report.refused = entered.took_effect, list(entered.refused)
        report.expired = expire_due(store, day)
        # The incremental path first takes in what is queued; the full run must then find nothing to change.
        # Whatever it does change is drift of the incremental state: corrected by the swap, and logged.
        run_pending(store)
        summary = run_full(store)
        drift = summary.added + summary.removed + summary.changed
        if drift:
            log.warning(
                "full propagation corrected %d derived records the incremental path had missed "
                "(added %d, removed %d, changed %d)",
                drift,
                summary.added,
                summary.removed,
                summary.changed,
            )
        report.removed = entered.removed + cross_compare(store, day)
        report.propagation = {
            "records": summary.records,
            "added": summary.added,
            "removed": summary.removed,
            "changed": summary.changed,
            "drift": drift,
            "seconds": round(summary.seconds, 3),
        }
        dispatched = dispatch_all(store, day)
        report.dispatches = {
            "started": dispatched.started,
            "changed": dispatched.changed,
            "ended": dispatched.ended,
            "recalled": dispatched.recalled,
        }
        report.reminders = remind_overdue(store, day)
        if deliver:
            report.deliveries = deliver_due(store).to_dict()
    except BaseException as exc:
        store.finish_job(job_id, status="failed", report={**report.to_dict(), "error": str(exc)})
        raise
    store.finish_job(job_id, status="done", report=report.to_dict())
    return report
