"""The FastAPI application, built by :func:`create_app` — nothing happens at import time.

The store is opened in the lifespan (:func:`api.settings.open_configured_store`: the SQLite file
``settings.db``, or Neo4j when ``CREDLINK_STORE=neo4j``) and closed on shutdown;
routes reach it through ``api.deps.StoreDep``. ``uvicorn --factory api.app:create_app`` serves it.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.routing import APIRoute, iter_route_contexts

from api import masking
from api.audit import AuditLog, access_db_path
from api.auth import (
    AccessMiddleware,
    AccessRule,
    Authenticator,
    RateLimiter,
    access_rule_of,
    check_production_settings,
)
from api.errors import EXCEPTION_HANDLERS, error_responses
from api.routers import ROUTERS, subjects
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

**Access.** Send `Authorization: Bearer <token>` (a user's token from `POST /v1/auth/token`, OAuth2
password flow) or `Authorization: Bearer <API key>` / `X-API-Key: <API key>` (a machine client's key from
`credlink key issue`). The publicity lists, the measures list, exit notices and `/healthz` need none. Each
operation names the roles it admits; see SECURITY.md.
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


def route_access_rules(app: FastAPI) -> list[tuple[str, str, AccessRule | None]]:
    """``(methods, path, rule)`` of every route the app answers, ``rule`` ``None`` where none is declared.
    FastAPI's own documentation routes (``/openapi.json``, ``/docs``, ``/redoc``) are public by nature and
    named here as such."""
    framework = {app.openapi_url, app.docs_url, app.redoc_url, app.swagger_ui_oauth2_redirect_url}
    rules: list[tuple[str, str, AccessRule | None]] = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        methods = ",".join(sorted(context.methods or ()))
        path = str(context.path)
        if isinstance(route, APIRoute):
            found = [access_rule_of(dependency.call) for dependency in context.dependant.dependencies]
            declared = [rule for rule in found if rule is not None]
            rules.append((methods, path, declared[0] if len(declared) == 1 else None))
        else:
            rules.append((methods, path, AccessRule(public=True) if path in framework else None))
    return rules


def _document_access_errors(router: APIRouter) -> None:
    """401 and 403 (and 429 where rate limited) in the OpenAPI document of every route of ``router`` that
    needs a credential, from its declared rule (before the router is included: FastAPI builds its view of
    an included route once)."""
    for route in router.routes:
        if not isinstance(route, APIRoute):
            continue
        for dependency in route.dependant.dependencies:
            rule = access_rule_of(dependency.call)
            if rule is None or rule.public:
                continue
            statuses = (401, 403, 429) if rule.rate_limited else (401, 403)
            route.responses = {**error_responses(*statuses), **route.responses}


#: How a client authenticates, as the OpenAPI document names it (the docs' "Authorize" button uses them).
SECURITY_SCHEMES: dict[str, Any] = {
    "OAuth2Password": {"type": "oauth2", "flows": {"password": {"tokenUrl": "/v1/auth/token", "scopes": {}}}},
    "APIKeyHeader": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
    "BearerAPIKey": {"type": "http", "scheme": "bearer", "description": "API 密钥 clk_… / an API key"},
}


def _with_security(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """``app.openapi`` that also names the security schemes and, on each protected operation, the schemes
    it accepts and the roles it admits (``x-credlink-roles``, and a line of its description)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = build()
        schema.setdefault("components", {})["securitySchemes"] = SECURITY_SCHEMES
        for methods, path, rule in route_access_rules(app):
            if rule is None or rule.public:
                continue
            for method in methods.split(","):
                operation = schema.get("paths", {}).get(path, {}).get(method.lower())
                if operation is None:
                    continue
                operation["security"] = [{name: []} for name in SECURITY_SCHEMES]
                roles = sorted(role.value for role in rule.roles)
                operation["x-credlink-roles"] = roles
                line = f"**Access**: {', '.join(roles)}" + (
                    f" (narrowed: {', '.join(rule.narrowing)})" if rule.narrowing else ""
                )
                operation["description"] = (operation.get("description", "") + "\n\n" + line).strip()
        app.openapi_schema = schema
        return schema

    return openapi


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the API for ``settings`` (default: :func:`api.settings.get_settings`)."""
    settings = settings or get_settings()
    if settings.environment == "production":
        check_production_settings(settings)  # refuses default or missing secrets before anything starts
    authenticator = Authenticator(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.access = authenticator.open()
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
            app.state.access = None
            authenticator.close()

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
    app.state.access = None
    app.state.authenticator = authenticator
    app.state.rate_limiter = RateLimiter(settings.check_rate, settings.check_burst)
    #: Failed password attempts per user name and process: 10 at once, then one every 6 seconds.
    app.state.login_limiter = RateLimiter(rate=1 / 6, burst=10)
    app.state.audit = None
    for router in ROUTERS:
        _document_access_errors(router)
        app.include_router(router)
    app.openapi = _with_security(app)  # type: ignore[method-assign]
    #: The check's fast path serves this app only if its check route has the dependencies it was written for.
    app.state.fast_check = subjects.fast_check_applies(app)
    # Outermost last: CORS (closed unless CREDLINK_CORS_ORIGINS names origins) answers preflights before
    # authentication, which would refuse them for want of a credential.
    app.add_middleware(AccessMiddleware, authenticator=authenticator)
    origins = settings.cors_origin_list()
    if origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=origins,
            allow_methods=["GET", "POST", "PUT", "DELETE"],
            allow_headers=["Authorization", "X-API-Key", "X-Purpose", "Content-Type"],
            max_age=600,
        )
    return app
