"""One settings class, read from ``CREDLINK_*`` environment variables through :func:`get_settings`."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from graph.store import Neo4jOptions, is_neo4j_url

if TYPE_CHECKING:
    from graph.store.port import Store


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CREDLINK_", extra="ignore")

    #: The embedded store's file (``CREDLINK_DB``). A Neo4j URL here (``bolt://…``, ``neo4j://…``) is taken
    #: as ``CREDLINK_STORE=neo4j`` with that ``CREDLINK_NEO4J_URI``.
    db: Path = Path("credlink.db")
    host: str = "127.0.0.1"
    port: int = 8000
    #: ``production`` refuses to start on a default or example Neo4j password; ``development`` warns.
    environment: Literal["development", "production"] = "development"
    #: Most ids one ``POST /v1/check`` may carry.
    max_batch: int = 1000
    #: ``credlink serve`` runs the periodic job when the last run started this many minutes ago
    #: (``CREDLINK_JOB_EVERY_MINUTES``; 0 = never, run it with ``credlink job run`` or cron instead).
    job_every_minutes: int = Field(default=0, ge=0)
    #: Seconds between webhook delivery passes of the outbox (0 = never; ``credlink webhook deliver``).
    deliver_every_seconds: int = Field(default=10, ge=0)

    #: Which store: the embedded SQLite file (``db``) or a Neo4j server (``neo4j_uri``) (``CREDLINK_STORE``).
    store: Literal["sqlite", "neo4j"] = "sqlite"
    #: The Neo4j server (``CREDLINK_NEO4J_URI``): ``bolt://host:7687`` for one server, ``neo4j://`` for a
    #: cluster, ``+s`` for TLS.
    neo4j_uri: str = "bolt://127.0.0.1:7687"
    neo4j_user: str = "neo4j"
    #: Never logged or shown (``SecretStr``).
    neo4j_password: SecretStr = SecretStr("")
    #: The database on the server; empty = the server's default (``neo4j``).
    neo4j_database: str = ""
    #: Rows per ``UNWIND`` batch of a bulk write.
    neo4j_batch_size: int = Field(default=10_000, ge=1)
    #: How long to wait at start-up for the server to answer (a container may still be starting).
    neo4j_wait_seconds: float = Field(default=60.0, ge=0)

    # --- access (SECURITY.md) ---------------------------------------------------------------------------
    #: Users, API keys, signing-key ids and the audit log (``CREDLINK_ACCESS_DB``): its own SQLite file,
    #: whatever the graph store; default ``credlink-access.db`` beside the SQLite store's file.
    access_db: Path | None = None
    #: The JWT signing keys (``CREDLINK_JWT_KEYS`` = ``kid1:secret1,kid2:secret2``): the first signs, all
    #: verify — rotate by putting a new key first and dropping the old one once its tokens have expired.
    #: Only from the environment; never logged (``SecretStr``). Missing: ``development`` makes a random
    #: per-process key (tokens then die with the process); ``production`` refuses to start.
    jwt_keys: SecretStr = SecretStr("")
    #: Minutes a token issued by ``POST /v1/auth/token`` is valid.
    token_minutes: int = Field(default=60, ge=1, le=24 * 60)
    #: Checks per second each client (user or API key) may make per serving process, refilled continuously
    #: (``CREDLINK_CHECK_RATE``; 0 = no limit), and how many it may make at once after a pause
    #: (``CREDLINK_CHECK_BURST``). Over it: 429 with ``Retry-After``.
    check_rate: float = Field(default=500.0, ge=0)
    check_burst: int = Field(default=1000, ge=1)
    #: Origins a browser may call the API from (``CREDLINK_CORS_ORIGINS``, comma-separated); empty = none,
    #: the workbench is served from the API's own origin and needs no CORS.
    cors_origins: str = ""

    @model_validator(mode="before")
    @classmethod
    def _url_in_db(cls, data: Any) -> Any:
        """``CREDLINK_DB=bolt://…`` means the Neo4j store at that URL (a ``Path`` would fold its ``//``)."""
        if isinstance(data, dict):
            db = data.get("db")
            if isinstance(db, str) and is_neo4j_url(db):
                data = {**data, "store": "neo4j", "neo4j_uri": db}
                data.pop("db")
        return data

    @model_validator(mode="after")
    def _neo4j_uri_is_a_url(self) -> Settings:
        if self.store == "neo4j" and not is_neo4j_url(self.neo4j_uri):
            raise ValueError(
                f"CREDLINK_NEO4J_URI 应为 bolt://、neo4j:// 等 Neo4j 地址，实为 {self.neo4j_uri!r}"
            )
        return self

    def access_path(self) -> Path:
        """The access store's file: ``access_db``, else ``credlink-access.db`` beside the SQLite store."""
        if self.access_db is not None:
            return self.access_db
        folder = self.db.parent if self.store == "sqlite" else Path(".")
        return folder / "credlink-access.db"

    def cors_origin_list(self) -> list[str]:
        return [origin.strip() for origin in self.cors_origins.split(",") if origin.strip()]

    def neo4j_options(self) -> Neo4jOptions:
        return Neo4jOptions(
            user=self.neo4j_user,
            password=self.neo4j_password.get_secret_value(),
            database=self.neo4j_database or None,
            batch_size=self.neo4j_batch_size,
            wait_seconds=self.neo4j_wait_seconds,
            production=self.environment == "production",
        )

    def store_target(self, db: Path | None = None) -> str | Path:
        """What :func:`graph.store.open_store` opens: the Neo4j URL, or the SQLite file (``db`` if given)."""
        if self.store == "neo4j":
            return self.neo4j_uri
        return db if db is not None else self.db

    def check_store(self) -> None:
        """Refuse (production) or warn about a default Neo4j password, without connecting."""
        if self.store == "neo4j":
            from graph.store import check_neo4j_password

            check_neo4j_password(
                self.neo4j_password.get_secret_value(), production=self.environment == "production"
            )


def open_configured_store(settings: Settings, db: Path | None = None) -> Store:
    """The store ``settings`` name: Neo4j when ``store`` is ``neo4j``, else the SQLite file ``db`` (default
    ``settings.db``)."""
    from graph.store import open_store

    return open_store(settings.store_target(db), neo4j=settings.neo4j_options())


@lru_cache
def get_settings() -> Settings:
    return Settings()
