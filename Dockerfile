# credlink's API server. Everything is installed at build time; the running container needs no network
# besides the Neo4j server it is given (CREDLINK_NEO4J_URI).

# The workbench's graph library (cytoscape, pinned in package-lock.json; the Cypher linter is a dev tool
# and is left out), copied into the package so the page loads it from this server only.
FROM node:20-slim AS ui-assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY api ./api
COPY graph ./graph
COPY loaders ./loaders
COPY queries ./queries
COPY --from=ui-assets /src/node_modules/cytoscape/dist/cytoscape.min.js ./api/ui/vendor/cytoscape.min.js
RUN pip install . && rm -rf /app/build

RUN useradd --system --create-home --home-dir /home/credlink --uid 10001 credlink \
 && install -d -o credlink -g credlink /home/credlink/access
USER credlink
WORKDIR /home/credlink

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)" || exit 1
CMD ["credlink", "serve", "--host", "0.0.0.0", "--port", "8000"]
