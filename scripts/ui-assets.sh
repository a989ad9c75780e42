#!/usr/bin/env bash
# The workbench's graph library: cytoscape from the npm registry, pinned in package.json / package-lock.json,
# copied into api/ui/vendor/ (git-ignored) so that the page loads it from this server only (no CDN).
# Runs `npm ci` when node_modules is missing or older than the lock file.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v npm >/dev/null; then
  echo "错误：需要 Node.js 和 npm 来安装工作台的图形库 cytoscape（Debian: apt-get install nodejs npm）。" >&2
  echo "Node.js and npm are needed to install the workbench's graph library (cytoscape)." >&2
  exit 2
fi
if [ ! -f node_modules/cytoscape/dist/cytoscape.min.js ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "== npm ci (cytoscape for the workbench, pinned in package-lock.json)" >&2
  npm ci --silent --no-audit --no-fund
fi
mkdir -p api/ui/vendor
cp node_modules/cytoscape/dist/cytoscape.min.js api/ui/vendor/cytoscape.min.js
cp node_modules/cytoscape/LICENSE api/ui/vendor/cytoscape.LICENSE 2>/dev/null || true
echo "== workbench assets: api/ui/vendor/cytoscape.min.js ($(node -p 'require("./node_modules/cytoscape/package.json").version' 2>/dev/null || echo '?'))" >&2
