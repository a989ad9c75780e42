"""Store port and adapters, and :func:`open_store`, which picks the adapter from what it is given: a file
path (or ``sqlite:///path``) opens the embedded SQLite store, a ``neo4j://``, ``neo4j+s://``, ``bolt://`` …
URL opens the Neo4j store with the credentials in :class:`Neo4jOptions`."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from graph.errors import StoreError
from graph.store.port import Store

log = logging.getLogger(__name__)

#: URL schemes of the Neo4j driver (routing ``neo4j`` and direct ``bolt``, each plain, TLS, TLS self-signed).
NEO4J_SCHEMES = ("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc")


def is_neo4j_url(target: str | Path) -> bool:
    """Whether ``target`` names a Neo4j server rather than a SQLite file. A :class:`~pathlib.Path` never does:
    it folds ``//`` into ``/``, so a URL must be passed as text."""
    if isinstance(target, Path):
        return False
    scheme, sep, _rest = target.partition("://")
    return bool(sep) and scheme.lower() in NEO4J_SCHEMES


@dataclass(frozen=True, slots=True)
class Neo4jOptions:
    """How to reach a Neo4j server besides its URL (``CREDLINK_NEO4J_*``, see :mod:`api.settings`)."""

    user: str = "neo4j"
    password: str = ""
    database: str | None = None
    batch_size: int = 10_000
    wait_seconds: float = 60.0
    #: ``CREDLINK_ENVIRONMENT=production``: a default password is refused instead of warned about.
    production: bool = False


def check_neo4j_password(password: str, *, production: bool) -> None:
    """Refuse a well-known password (the image's default, the example file's placeholder) in production and
    warn about it elsewhere — before any connection is made, so a mistake never reaches a live server."""
    from graph.store.neo4j.base import DEFAULT_PASSWORDS

    if password.strip().lower() not in DEFAULT_PASSWORDS:
        return
    shown = repr(password) if password else "空密码"
    if production:
        raise StoreError(
            f"拒绝启动：生产环境（CREDLINK_ENVIRONMENT=production）不得使用默认或示例密码 {shown}；"
            "请在 .env 中设置 NEO4J_PASSWORD（或 CREDLINK_NEO4J_PASSWORD）为强密码"
        )
    log.warning(
        "Neo4j 密码 %s 是默认或示例密码，仅可用于开发；生产环境（CREDLINK_ENVIRONMENT=production）会拒绝启动",
        shown,
    )


def open_store(url: str | Path, *, neo4j: Neo4jOptions | None = None) -> Store:
    """Open a store: a path (SQLite file), a ``sqlite:///path`` URL, or a Neo4j URL (text, not a ``Path``)."""
    if is_neo4j_url(url):
        options = neo4j or Neo4jOptions()
        check_neo4j_password(options.password, production=options.production)
        from graph.store.neo4j import Neo4jStore

        store = Neo4jStore(
            str(url),
            user=options.user,
            password=options.password,
            database=options.database,
            batch_size=options.batch_size,
            wait_seconds=options.wait_seconds,
        )
        return store

    from graph.store.sqlite import SQLiteStore

    text = str(url)
    if text.startswith("sqlite:///"):
        text = text.removeprefix("sqlite:///")
    return SQLiteStore(Path(text))


__all__ = ["NEO4J_SCHEMES", "Neo4jOptions", "Store", "check_neo4j_password", "is_neo4j_url", "open_store"]
