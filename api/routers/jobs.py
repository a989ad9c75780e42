"""The periodic job (§五(二), R7): run it now, and list the recorded runs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.auth import require
from api.deps import StoreDep, parse_date
from api.errors import error_responses
from api.principal import Role
from api.schemas import ErrorResponse, JobListResponse, JobReportOut, JobRunOut, JobRunRequest
from graph.errors import ConflictError
from graph.jobs import JobReport, run_job

router = APIRouter(prefix="/v1/jobs", tags=["jobs"], dependencies=[require(Role.CREDIT_ADMIN)])


class JobAlreadyRunning(ConflictError):
    """Another run of the periodic job holds the lock."""

    code = "job_running"


def report_out(report: JobReport) -> JobReportOut:
    """The report of a run, or :class:`JobAlreadyRunning` when it did not run."""
    if not report.ran:
        raise JobAlreadyRunning(
            "定期任务正在运行中（另一次运行尚未结束），本次未执行；请待其结束后再试，或查看 GET /v1/jobs"
        )
    return JobReportOut(
        job_id=report.job_id,
        run_on=report.run_on,
        ran=report.ran,
        took_effect=report.took_effect,
        refused=report.refused,
        expired=report.expired,
        removed=report.removed,
        propagation=report.propagation,
        dispatches=report.dispatches,
        reminders=report.reminders,
        deliveries=report.deliveries,
    )


@router.post(
    "/run",
    summary="立即运行定期任务 / run the periodic job now: preliminary lists due, expiries, propagation, "
    "cross-comparison, dispatches, reminders",
    response_model=JobReportOut,
    responses={
        **error_responses(400, 422, 503),
        409: {
            "model": ErrorResponse,
            "description": "定期任务正在运行中（job_running）/ a run is in progress",
        },
    },
)
def run(store: StoreDep, body: JobRunRequest | None = None) -> JobReportOut:
    on = parse_date(body.on if body else None, name="on")
    return report_out(run_job(store, on))


@router.get(
    "",
    summary="定期任务运行记录 / recent runs of the periodic job",
    response_model=JobListResponse,
    responses=error_responses(422, 503),
)
def list_jobs(
    store: StoreDep,
    limit: Annotated[int, Query(ge=1, le=500, description="最多返回条数 / how many runs")] = 50,
) -> JobListResponse:
    return JobListResponse(jobs=[JobRunOut.from_record(run) for run in store.jobs(limit)])
