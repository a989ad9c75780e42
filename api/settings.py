"""One settings class, read from ``CREDLINK_*`` environment variables through :func:`get_settings`."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CREDLINK_", extra="ignore")

    #: The embedded store's file (``CREDLINK_DB``).
    db: Path = Path("credlink.db")
    host: str = "127.0.0.1"
    port: int = 8000
    environment: Literal["development", "production"] = "development"
    #: Most ids one ``POST /v1/check`` may carry.
    max_batch: int = 1000
    #: ``credlink serve`` runs the periodic job when the last run started this many minutes ago
    #: (``CREDLINK_JOB_EVERY_MINUTES``; 0 = never, run it with ``credlink job run`` or cron instead).
    job_every_minutes: int = Field(default=0, ge=0)
    #: Seconds between webhook delivery passes of the outbox (0 = never; ``credlink webhook deliver``).
    deliver_every_seconds: int = Field(default=10, ge=0)


@lru_cache
def get_settings() -> Settings:
    return Settings()
