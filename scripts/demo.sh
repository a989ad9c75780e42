#!/usr/bin/env bash
# Install credlink into .venv, generate the sample city, load it into ./credlink.db, propagate, and serve
# the API and the investigators' workbench on http://127.0.0.1:8000 (open http://127.0.0.1:8000/ui/).
# It prints, once, the workbench's demo account (user demo, a new random password on every run) and a demo
# business-system API key (the previous one revoked): no fixed password, nothing to leave behind.
# Extra arguments go to `credlink demo`, e.g. --enterprises 100000. Needs Node.js and npm once, for the
# workbench's graph library (cytoscape from the npm registry, see scripts/ui-assets.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v npm >/dev/null; then
  echo "错误：演示需要 Node.js 和 npm（安装调查工作台的图形库 cytoscape）。Debian: apt-get install nodejs npm" >&2
  echo "The demo needs Node.js and npm to install the workbench's graph library (cytoscape)." >&2
  exit 2
fi
bash scripts/ui-assets.sh
source scripts/_venv.sh
ensure_venv ""
exec .venv/bin/credlink demo "$@"
