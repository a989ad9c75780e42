"""Run Neo4j's Cypher linter (``scripts/cypher-lint.mjs``, npm package ``@neo4j-cypher/language-support``)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from graph.store.neo4j.schema import lint_schema
from queries.catalog import CypherQuery

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "scripts" / "cypher-lint.mjs"
PACKAGE = ROOT / "node_modules" / "@neo4j-cypher" / "language-support"


def lint(queries: list[CypherQuery]) -> dict[str, list[dict[str, Any]]]:
    """Diagnostics of each query by name (empty list: clean)."""
    node = shutil.which("node")
    assert node, "node is needed to lint Cypher; scripts/test.sh installs the linter with npm"
    assert PACKAGE.is_dir(), "the Cypher linter is not installed: run `npm ci` (scripts/test.sh does)"
    job = {
        "schema": lint_schema(),
        "queries": [{"name": q.name, "text": q.text, "params": sorted(q.params)} for q in queries],
    }
    done = subprocess.run(
        [node, str(SCRIPT)], input=json.dumps(job), capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert done.returncode == 0, done.stderr
    return {item["name"]: item["diagnostics"] for item in json.loads(done.stdout)}
