"""``GET /healthz``: the store answers, its schema version, its counts and pending propagation work.

Counting every table costs a scan of each (about 0.4 s for a city of a million firms), too much for a probe
that a load balancer sends every few seconds: the store is asked something cheap on every call (one
indexed lookup: it must answer), and the counts are taken again at most every :data:`COUNTS_TTL` seconds
per process (``counts_at`` says when).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass

from fastapi import APIRouter, Request

from api.auth import public
from api.deps import StoreDep
from api.errors import error_responses
from api.schemas import HealthResponse
from graph.store.port import Store

router = APIRouter(tags=["health"])

#: Seconds a process reuses the counts it took.
COUNTS_TTL = 30.0


@dataclass(frozen=True, slots=True)
class _Counts:
    store: Store
    taken: float  # time.monotonic()
    at: dt.datetime
    stats: dict[str, int]


_lock = threading.Lock()


@router.get(
    "/healthz",
    dependencies=[public()],
    summary="健康检查 / health",
    response_model=HealthResponse,
    responses=error_responses(503),
)
def healthz(request: Request, store: StoreDep) -> HealthResponse:
    store.find_subjects("")  # one indexed lookup: raises (503) when the store does not answer
    with _lock:
        counts: _Counts | None = getattr(request.app.state, "health_counts", None)
        if counts is None or counts.store is not store or time.monotonic() - counts.taken > COUNTS_TTL:
            counts = _Counts(
                store=store,
                taken=time.monotonic(),
                at=dt.datetime.now(dt.UTC).replace(microsecond=0),
                stats=dict(store.stats()),
            )
            request.app.state.health_counts = counts
    stats = dict(counts.stats)
    schema_version = stats.pop("schema_version", 0)
    pending = stats.pop("pending_changes", 0)
    return HealthResponse(
        status="ok",
        schema_version=schema_version,
        pending_changes=pending,
        counts=stats,
        counts_at=counts.at,
    )
