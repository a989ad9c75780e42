#!/usr/bin/env bash
# The whole test suite: lint (ruff), types (mypy --strict), then pytest on the real SQLite store (and on
# Neo4j too when CREDLINK_TEST_NEO4J_URI is set). Cypher files are linted by Neo4j's own linter (npm).
# The workbench's end-to-end tests (tests/e2e) drive Debian's chromium when it is installed and are
# skipped with the reason otherwise (.ci/run installs it and requires them).
# Extra arguments go to pytest (e.g. -k check, -x).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh
ensure_venv "dev,bench"  # bench: the peers (Kùzu) are tested against credlink too

echo "== npm ci (Neo4j's Cypher linter and the workbench's cytoscape, pinned in package-lock.json)" >&2
if ! command -v npm >/dev/null; then
  echo "Node.js and npm are needed to lint the Cypher files and install the workbench's graph library" >&2
  echo "(Debian: apt-get install nodejs npm)" >&2
  exit 2
fi
if [ ! -d node_modules/@neo4j-cypher/language-support ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --silent --no-audit --no-fund
fi
bash scripts/ui-assets.sh

echo "== ruff" >&2
.venv/bin/ruff check .
.venv/bin/ruff format --check .
echo "== mypy --strict" >&2
.venv/bin/mypy
echo "== pytest" >&2
set +e
.venv/bin/pytest "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  # pytest's "no tests collected": only possible with a filter that matched nothing.
  echo "pytest collected no tests (filter matched nothing); treating as success" >&2
  exit 0
fi
exit "$status"
