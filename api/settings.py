"""One settings class, read from ``CREDLINK_*`` environment variables through :func:`get_settings`."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

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


@lru_cache
def get_settings() -> Settings:
    return Settings()
