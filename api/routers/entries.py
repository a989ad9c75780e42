"""``GET /v1/entries/{entry_id}``: a list entry, its measures and the persons it reached."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from api.auth import own_entry, require
from api.deps import StoreDep
from api.errors import error_responses
from api.principal import Role
from api.schemas import DerivedRecordOut, EntryDetailResponse, EntryOut, MeasureOut
from graph.errors import NotFound

router = APIRouter(prefix="/v1/entries", tags=["entries"])


@router.get(
    "/{entry_id}",
    dependencies=[
        require(Role.INVESTIGATOR, Role.CREDIT_ADMIN, Role.IDENTIFYING_DEPARTMENT, narrow=[own_entry])
    ],
    summary="名单记录及其措施与派生记录 / list entry with measures and derived records",
    response_model=EntryDetailResponse,
    responses=error_responses(404, 422, 503),
)
def get_entry(
    store: StoreDep,
    entry_id: Annotated[str, Path(description="名单记录编号 / entry id", examples=["CZ-B-2023-000123"])],
) -> EntryDetailResponse:
    entry = store.entry(entry_id)
    if entry is None:
        raise NotFound(f"未找到名单记录 {entry_id}")
    return EntryDetailResponse(
        entry=EntryOut.from_record(entry),
        measures=[MeasureOut.from_measure(m) for m in store.measures_for(entry.kind, entry.list_type)],
        derived=[DerivedRecordOut.from_record(record) for record in store.derived_for_entry(entry.pk)],
    )
