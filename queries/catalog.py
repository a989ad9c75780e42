"""Query text kept in files (``queries/sql/*.sql``, later ``queries/cypher/*.cypher``), loaded once.

Only parameters are ever bound into these texts; nothing is string-formatted into them.
"""

from __future__ import annotations

from functools import cache
from importlib import resources


@cache
def sql(name: str) -> str:
    """The text of ``queries/sql/<name>.sql``."""
    return resources.files("queries").joinpath("sql", f"{name}.sql").read_text(encoding="utf-8")
