"""docker-compose.yml, Dockerfile and .env.example, checked as text (no Docker engine runs the tests): the
pinned Neo4j image, the health check, the start order, and that every CREDLINK_* variable the compose file
sets is a real setting. With PyYAML installed the file is also parsed as YAML."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from api.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
ENV_EXAMPLE = (ROOT / ".env.example").read_text(encoding="utf-8")


def test_neo4j_is_pinned_to_an_exact_526_community_release() -> None:
    images = re.findall(r"^\s+image:\s*(\S+)", COMPOSE, flags=re.M)
    neo4j = [image for image in images if image.startswith("neo4j:")]
    assert neo4j == ["neo4j:5.26.12-community"]


def test_neo4j_password_is_required_and_never_defaulted() -> None:
    assert 'NEO4J_AUTH: "neo4j/${NEO4J_PASSWORD:?' in COMPOSE
    assert "${NEO4J_PASSWORD:-" not in COMPOSE  # no fallback password anywhere
    assert "NEO4J_server_memory_heap_max__size" in COMPOSE
    assert "NEO4J_server_memory_pagecache_size" in COMPOSE


def test_health_check_and_start_order() -> None:
    assert "cypher-shell -u neo4j -p" in COMPOSE
    assert "'RETURN 1'" in COMPOSE
    assert COMPOSE.count("condition: service_healthy") == 2  # api and the sample loader wait for Neo4j


def test_ports_are_bound_to_loopback() -> None:
    ports = re.findall(r'^\s+- "([^"]+:\d+)"', COMPOSE, flags=re.M)
    assert ports
    assert all(port.startswith("127.0.0.1:") for port in ports)


def test_credlink_variables_are_settings() -> None:
    fields = {name.upper() for name in Settings.model_fields}
    used = set(re.findall(r"\bCREDLINK_([A-Z0-9_]+)\s*[:=]", COMPOSE + "\n" + ENV_EXAMPLE))
    assert {"STORE", "NEO4J_URI", "NEO4J_PASSWORD", "ENVIRONMENT"} <= used
    assert used - {"PORT"} <= fields  # CREDLINK_PORT in .env is the published port of compose only
    assert "CREDLINK_STORE: neo4j" in COMPOSE
    assert "CREDLINK_NEO4J_URI: bolt://neo4j:7687" in COMPOSE
    assert '"--job-every-minutes"' in COMPOSE


def test_env_example_has_only_a_placeholder_that_credlink_refuses() -> None:
    from graph.store.neo4j import DEFAULT_PASSWORDS

    password = re.search(r"^NEO4J_PASSWORD=(.*)$", ENV_EXAMPLE, flags=re.M)
    assert password is not None
    assert password.group(1) in DEFAULT_PASSWORDS
    assert ".env" in (ROOT / ".gitignore").read_text(encoding="utf-8").split()


def test_dockerfile_runs_as_a_non_root_user_from_an_installed_package() -> None:
    assert DOCKERFILE.startswith("# ")
    assert "FROM python:3.11-slim" in DOCKERFILE
    assert "RUN pip install ." in DOCKERFILE
    user = re.findall(r"^USER (\S+)", DOCKERFILE, flags=re.M)
    assert user
    assert user[-1] not in ("root", "0")
    assert DOCKERFILE.index("USER") > DOCKERFILE.index("pip install")


def test_compose_parses_as_yaml_when_pyyaml_is_there() -> None:
    yaml: Any = pytest.importorskip("yaml")
    compose = yaml.safe_load(COMPOSE)
    neo4j, api = compose["services"]["neo4j"], compose["services"]["api"]
    assert neo4j["image"] == "neo4j:5.26.12-community"
    assert "cypher-shell" in " ".join(neo4j["healthcheck"]["test"])
    assert api["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert api["environment"]["CREDLINK_STORE"] == "neo4j"
    assert api["command"][:4] == ["credlink", "serve", "--host", "0.0.0.0"]
    assert compose["services"]["sample"]["profiles"] == ["sample"]
