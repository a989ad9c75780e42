"""Store port and adapters."""

from __future__ import annotations

from pathlib import Path

from graph.store.port import Store


def open_store(url: str | Path) -> Store:
    """Open a store from a path (SQLite file) or a ``sqlite:///path`` URL."""
    from graph.store.sqlite import SQLiteStore

    text = str(url)
    if text.startswith("sqlite:///"):
        text = text.removeprefix("sqlite:///")
    return SQLiteStore(Path(text))


__all__ = ["Store", "open_store"]
