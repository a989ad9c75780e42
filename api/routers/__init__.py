"""One router module per resource."""

from __future__ import annotations

from fastapi import APIRouter

from api.routers import (
    analytics,
    audit,
    auth,
    dispatches,
    entries,
    graph,
    health,
    jobs,
    lifecycle,
    measures,
    preliminary,
    public,
    subjects,
    ui,
)

ROUTERS: tuple[APIRouter, ...] = (
    health.router,
    auth.router,
    subjects.router,
    entries.router,
    lifecycle.router,
    jobs.router,
    public.router,
    measures.router,
    dispatches.router,
    preliminary.router,
    preliminary.public_router,
    graph.router,
    analytics.router,
    audit.router,
    ui.router,
)

__all__ = ["ROUTERS"]
