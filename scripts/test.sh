#!/usr/bin/env bash
# The whole test suite: lint (ruff), types (mypy --strict), then pytest on the real SQLite store.
# Extra arguments go to pytest (e.g. -k check, -x).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh
ensure_venv "dev"

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
