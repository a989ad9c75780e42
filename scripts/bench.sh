#!/usr/bin/env bash
# The benchmark (issue 6): installs what it needs, then runs `python -m bench.run` with the arguments given.
#   scripts/bench.sh                        # the city: 1,000,000 enterprises at 10 %, 30 % and 100 %
#   scripts/bench.sh --scale 2000 --no-http # a smoke run in well under a minute
#   scripts/bench.sh --scale province       # 15,000,000 enterprises (needs most of a 24 GiB machine)
# Needs: Python ≥ 3.11; wrk (Debian package, installed here when running as root) for the HTTP figures —
# without it the run falls back to a Python load generator and says so.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh
# The bench extra holds the peers (Kùzu); without it (pip warns) the run has the credlink figures only.
ensure_venv "dev,bench"
if ! command -v wrk >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "== installing wrk (Debian)" >&2
    apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y -qq wrk >/dev/null; } \
      || echo "wrk could not be installed: the HTTP figures use the Python load generator" >&2
  else
    echo "wrk is missing (Debian: apt-get install wrk): the HTTP figures use the Python load generator" >&2
  fi
fi
exec .venv/bin/python -m bench.run "$@"
