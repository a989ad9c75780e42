# Sourced by the other scripts: make sure .venv exists and holds credlink (editable) with the given extras.
ensure_venv() {
  local extras="$1"
  local python="${PYTHON:-python3}"
  if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
    echo "credlink needs Python 3.11 or newer; set PYTHON=/path/to/python3.11" >&2
    exit 2
  fi
  if [ ! -x .venv/bin/python ]; then
    echo "== creating .venv" >&2
    "$python" -m venv .venv
  fi
  echo "== installing credlink${extras:+ [$extras]} into .venv" >&2
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extras:+[$extras]}" 2>&1 \
    | grep -v "is ignored: it is neither a file nor a directory" >&2 || true
  .venv/bin/python -c 'import api, graph, loaders, queries' || { echo "installation failed" >&2; exit 2; }
}
