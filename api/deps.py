"""Dependencies shared by the routers, as ``Annotated`` aliases (``StoreDep``, ``SettingsDep``, ``AtDep``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Depends, Query, Request

from api.settings import Settings
from graph.errors import InvalidDate, StoreError
from graph.ids import SubjectType
from graph.store.port import Store
from graph.store.sqlite import SQLiteStore


async def get_store(request: Request) -> Store:
    """The store opened by the app's lifespan. The dependencies here are ``async``: they do no I/O, and
    FastAPI would otherwise run each in the thread pool, a hop per dependency per request."""
    store: Store | None = getattr(request.app.state, "store", None)
    if store is None:
        raise StoreError("数据库尚未打开（服务正在启动或已关闭）")
    return store


def reads_in_process(store: Store) -> bool:
    """Reads of ``store`` are in-process lookups of tens of microseconds (the embedded SQLite store): a
    route may run them on the event loop, which costs less than a hop to the thread pool. Reads of a
    networked store (Neo4j) wait on a server and belong in the thread pool."""
    return isinstance(store, SQLiteStore)


async def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def parse_date(value: str | None, *, name: str = "at") -> dt.date | None:
    """Parse an ISO date given by a user; the error names the value and the expected form."""
    if value is None or value.strip() == "":
        return None
    text = value.strip()
    try:
        if len(text) != 10:
            raise ValueError(text)
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidDate(
            f"参数 {name} 的值 {value!r} 不是有效日期，应为 YYYY-MM-DD 格式（例如 2024-05-01）"
        ) from None


async def at_query(
    at: Annotated[
        str | None,
        Query(
            description="查询日期 / the date to answer for, YYYY-MM-DD (default today)",
            examples=["2021-03-01"],
        ),
    ] = None,
) -> dt.date | None:
    return parse_date(at)


#: The largest record number a store keys (SQLite's INTEGER): numeric ids and cursors above it are refused by
#: validation (422) instead of overflowing in the driver (500).
MAX_RECORD_ID = 2**63 - 1

StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
AtDep = Annotated[dt.date | None, Depends(at_query)]
SubjectTypeQuery = Annotated[
    SubjectType | None,
    Query(description="enterprise | person — settles an id valid as both (409 otherwise)"),
]
BusinessItemQuery = Annotated[
    str | None,
    Query(
        description="业务事项 / business item, e.g. public_procurement; keeps only measures listing it",
        examples=["public_procurement"],
    ),
]
