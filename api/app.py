"""The FastAPI application, built by :func:`create_app` — nothing happens at import time.

The store is opened in the lifespan (:func:`api.settings.open_configured_store`: the SQLite file
``settings.db``, or Neo4j when ``CREDLINK_STORE=neo4j``) and closed on shutdown;
routes reach it through ``api.deps.StoreDep``. ``uvicorn --factory api.app:create_app`` serves it.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI

from api import masking
from api.audit import AuditLog, access_db_path
from api.errors import EXCEPTION_HANDLERS
from api.routers import ROUTERS
from api.scheduler import Scheduler
from api.settings import Settings, get_settings, open_configured_store
from graph.store.port import Store

DESCRIPTION = """\
credlink links enterprises and the people responsible for them (legal representatives, principals,
directly responsible persons, actual controllers) so that a firm's black-list entry reaches those people
and the joint punishment measures apply to them (守信联合激励和失信联合惩戒, 常政发〔2018〕131号 §四(六)).

* `GET /v1/subjects/{id}/check` answers whether a subject is restricted or incentivised on a date,
  directly or via any firm, with the path, the measures, the implementing department and the legal basis.
* `POST /v1/check` does the same for a batch of ids, compactly.
* `GET /v1/subjects/{id}` and `GET /v1/entries/{entry_id}` show the linkage behind an answer.

`{id}` is a USCC (统一社会信用代码) or a resident id number (居民身份证号码). Errors are
`{"detail": "<Chinese message>", "code": "<stable code>"}`.
"""


def _scheduler(store: Store, settings: Settings) -> Scheduler | None:
    """The background thread of the periodic job and webhook delivery, if either is switched on."""
    job_every = dt.timedelta(minutes=settings.job_every_minutes) if settings.job_every_minutes else None
    deliver_every = (
        dt.timedelta(seconds=settings.deliver_every_seconds) if settings.deliver_every_seconds else None
    )
    if job_every is None and deliver_every is None:
        return None
    return Scheduler(store, job_every=job_every, deliver_every=deliver_every)


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the API for ``settings`` (default: :func:`api.settings.get_settings`)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = open_configured_store(settings)
        app.state.store = store
        # What start-up built lives as long as the process: keep it out of the collector's full passes, which
        # otherwise stall a request that builds a large view by tens of milliseconds every few requests.
        gc.collect()
        gc.freeze()
        scheduler = _scheduler(store, settings)
        if scheduler is not None:
            scheduler.start()
        audit = app.state.audit = AuditLog(access_db_path(settings))
        try:
            yield
        finally:
            if scheduler is not None:
                scheduler.stop()
            app.state.audit = None
            audit.close()
            app.state.store = None
            store.close()

    app = FastAPI(
        title="credlink",
        description=DESCRIPTION,
        version="0.1.0",
        lifespan=lifespan,
        exception_handlers=EXCEPTION_HANDLERS,
        dependencies=[Depends(masking.answered_for)],
    )
    app.add_middleware(masking.ResponseGuard)
    app.state.settings = settings
    app.state.store = None
    app.state.audit = None
    for router in ROUTERS:
        app.include_router(router)
    return app
