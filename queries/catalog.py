"""Query text kept in files (``queries/sql/*.sql`` and ``queries/cypher/*.cypher``), loaded once.

Only parameters are ever bound into these texts; nothing is string-formatted into them. Labels and
relationship types are fixed in the Cypher files, never taken from a caller.

Every Cypher file declares the parameters it takes in a header line ``// params: a, b`` (empty after the
colon when it takes none); :meth:`CypherQuery.bind` refuses a call that passes other names, so the Python
side and the file cannot drift apart unnoticed. The same declaration feeds the Cypher linter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

_PARAMS_HEADER = "// params:"


@cache
def sql(name: str) -> str:
    """The text of ``queries/sql/<name>.sql``."""
    return resources.files("queries").joinpath("sql", f"{name}.sql").read_text(encoding="utf-8")


@dataclass(frozen=True, slots=True)
class CypherQuery:
    """A Cypher file: its name, its text and the parameters its header declares."""

    name: str
    text: str
    params: frozenset[str]

    def bind(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """``params`` as a dict, after checking they are exactly the declared ones."""
        given = set(params)
        if given != self.params:
            missing = sorted(self.params - given)
            extra = sorted(given - self.params)
            raise ValueError(
                f"query {self.name}: parameters do not match its header (missing {missing}, unexpected {extra})"
            )
        return dict(params)

    def statements(self) -> list[str]:
        """The file's statements (schema files hold several, separated by ``;``)."""
        body = "\n".join(line for line in self.text.splitlines() if not line.lstrip().startswith("//"))
        return [part.strip() for part in body.split(";") if part.strip()]


def parse_cypher(name: str, text: str) -> CypherQuery:
    for line in text.splitlines():
        if line.startswith(_PARAMS_HEADER):
            names = line.removeprefix(_PARAMS_HEADER).replace("$", "").split(",")
            return CypherQuery(name, text, frozenset(n.strip() for n in names if n.strip()))
    raise ValueError(f"queries/cypher/{name}.cypher has no '{_PARAMS_HEADER}' header line")


@cache
def cypher(name: str) -> CypherQuery:
    """The query of ``queries/cypher/<name>.cypher``."""
    text = resources.files("queries").joinpath("cypher", f"{name}.cypher").read_text(encoding="utf-8")
    return parse_cypher(name, text)


def cypher_names() -> list[str]:
    """Every Cypher file of the catalogue, by name."""
    folder = resources.files("queries").joinpath("cypher")
    return sorted(
        entry.name.removesuffix(".cypher") for entry in folder.iterdir() if entry.name.endswith(".cypher")
    )
