"""``GET /healthz``: the store answers, its schema version, its counts and pending propagation work."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import StoreDep
from api.errors import error_responses
from api.schemas import HealthResponse

router = APIRouter(tags=["health"])


@router.get(
    "/healthz",
    summary="健康检查 / health",
    response_model=HealthResponse,
    responses=error_responses(503),
)
def healthz(store: StoreDep) -> HealthResponse:
    stats = dict(store.stats())
    schema_version = stats.pop("schema_version", 0)
    pending = stats.pop("pending_changes", 0)
    return HealthResponse(status="ok", schema_version=schema_version, pending_changes=pending, counts=stats)
