"""One router module per resource."""

from __future__ import annotations

from fastapi import APIRouter

from api.routers import entries, health, jobs, lifecycle, preliminary, public, subjects

ROUTERS: tuple[APIRouter, ...] = (
    health.router,
    subjects.router,
    entries.router,
    lifecycle.router,
    jobs.router,
    public.router,
    preliminary.router,
    preliminary.public_router,
)

__all__ = ["ROUTERS"]
