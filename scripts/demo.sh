#!/usr/bin/env bash
# Install credlink into .venv, generate the sample city, load it into ./credlink.db, propagate, and serve
# the API on http://127.0.0.1:8000 (extra arguments go to `credlink demo`, e.g. --enterprises 100000).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh
ensure_venv ""
exec .venv/bin/credlink demo "$@"
