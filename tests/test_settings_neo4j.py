"""Choosing the Neo4j store through settings, refusing default passwords, and failing clearly when the server
is not there (the real driver against a closed local port; no Neo4j server is needed)."""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import ValidationError

from api.cli import main
from api.settings import Settings, get_settings
from graph.errors import StoreError
from graph.store import Neo4jOptions, check_neo4j_password, is_neo4j_url, open_store
from graph.store.neo4j import DEFAULT_PASSWORDS

ENV = (
    "CREDLINK_DB",
    "CREDLINK_STORE",
    "CREDLINK_ENVIRONMENT",
    "CREDLINK_NEO4J_URI",
    "CREDLINK_NEO4J_USER",
    "CREDLINK_NEO4J_PASSWORD",
    "CREDLINK_NEO4J_DATABASE",
    "CREDLINK_NEO4J_BATCH_SIZE",
    "CREDLINK_NEO4J_WAIT_SECONDS",
)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test starts without CREDLINK_* store settings; ``main`` may set some (``--db bolt://…``):
    setting them here first makes monkeypatch restore them afterwards."""
    for name in ENV:
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_defaults_keep_the_embedded_store() -> None:
    settings = Settings()
    assert settings.store == "sqlite"
    assert settings.neo4j_batch_size == 10_000
    assert settings.neo4j_wait_seconds == 60
    assert settings.store_target() == Path("credlink.db")
    assert settings.store_target(Path("other.db")) == Path("other.db")


def test_neo4j_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CREDLINK_STORE", "neo4j")
    monkeypatch.setenv("CREDLINK_NEO4J_URI", "neo4j+s://graph.example.internal:7687")
    monkeypatch.setenv("CREDLINK_NEO4J_USER", "credlink")
    monkeypatch.setenv("CREDLINK_NEO4J_PASSWORD", "s3cret-长密码")
    monkeypatch.setenv("CREDLINK_NEO4J_DATABASE", "credit")
    monkeypatch.setenv("CREDLINK_NEO4J_BATCH_SIZE", "500")
    monkeypatch.setenv("CREDLINK_NEO4J_WAIT_SECONDS", "5")
    monkeypatch.setenv("CREDLINK_ENVIRONMENT", "production")
    settings = Settings()
    assert settings.store_target(Path("ignored.db")) == "neo4j+s://graph.example.internal:7687"
    assert settings.neo4j_options() == Neo4jOptions(
        user="credlink",
        password="s3cret-长密码",
        database="credit",
        batch_size=500,
        wait_seconds=5,
        production=True,
    )
    assert "s3cret" not in repr(settings)  # the password is a SecretStr


def test_empty_database_means_the_server_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CREDLINK_STORE", "neo4j")
    assert Settings().neo4j_options().database is None


def test_a_neo4j_url_as_db_selects_neo4j(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CREDLINK_DB", "bolt://db.internal:7687")
    settings = Settings()
    assert settings.store == "neo4j"
    assert settings.neo4j_uri == "bolt://db.internal:7687"


def test_store_neo4j_needs_a_neo4j_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CREDLINK_STORE", "neo4j")
    monkeypatch.setenv("CREDLINK_NEO4J_URI", "http://db.internal:7474")
    with pytest.raises(ValidationError, match="CREDLINK_NEO4J_URI"):
        Settings()
    monkeypatch.setenv("CREDLINK_NEO4J_BATCH_SIZE", "0")
    with pytest.raises(ValidationError):
        Settings()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("bolt://h:7687", True),
        ("neo4j://h", True),
        ("neo4j+s://h", True),
        ("BOLT+SSC://h", True),
        ("sqlite:///x.db", False),
        ("credlink.db", False),
        ("http://h", False),
    ],
)
def test_is_neo4j_url(text: str, expected: bool) -> None:
    assert is_neo4j_url(text) is expected
    assert is_neo4j_url(Path(text)) is False  # a Path has folded the URL's '//'


@pytest.mark.parametrize("password", sorted(DEFAULT_PASSWORDS))
def test_default_passwords_are_refused_in_production_before_connecting(
    password: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import neo4j

    def no_driver(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a refused password must not reach the driver")

    monkeypatch.setattr(neo4j.GraphDatabase, "driver", no_driver)
    with pytest.raises(StoreError, match="拒绝启动") as caught:
        open_store("bolt://127.0.0.1:7687", neo4j=Neo4jOptions(password=password, production=True))
    assert "NEO4J_PASSWORD" in caught.value.detail


def test_the_placeholder_is_refused_whatever_its_case() -> None:
    with pytest.raises(StoreError, match="拒绝启动"):
        check_neo4j_password("Change-Me", production=True)


def test_default_passwords_are_only_warned_about_in_development(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="graph.store"):
        check_neo4j_password("neo4j", production=False)
        check_neo4j_password("a-real-Passw0rd", production=True)
    assert [record.levelno for record in caplog.records] == [logging.WARNING]
    assert "默认或示例密码" in caplog.records[0].getMessage()


def test_serve_refuses_to_start_in_production_with_the_example_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import uvicorn

    def run(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the server must not start")

    monkeypatch.setattr(uvicorn, "run", run)
    monkeypatch.setenv("CREDLINK_STORE", "neo4j")
    monkeypatch.setenv("CREDLINK_NEO4J_PASSWORD", "change-me")
    monkeypatch.setenv("CREDLINK_ENVIRONMENT", "production")
    assert main(["serve"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("错误：拒绝启动")
    assert "Traceback" not in err


def test_a_command_on_a_closed_port_fails_with_a_clear_message(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    port = closed_port()
    monkeypatch.setenv("CREDLINK_NEO4J_PASSWORD", "a-real-Passw0rd")
    monkeypatch.setenv("CREDLINK_NEO4J_WAIT_SECONDS", "1")
    assert main(["--db", f"bolt://127.0.0.1:{port}", "check", "91320402MA1MXXXX0X"]) == 1
    err = capsys.readouterr().err
    assert f"Neo4j bolt://127.0.0.1:{port} 在 1 秒内没有就绪" in err
    assert "Traceback" not in err
    assert get_settings().store == "neo4j"  # --db bolt://… selected Neo4j (for serve's workers too)


def test_open_store_retries_within_the_bound_then_raises() -> None:
    import time

    port = closed_port()
    started = time.monotonic()
    with pytest.raises(StoreError, match="没有就绪"):
        open_store(
            f"bolt://127.0.0.1:{port}",
            neo4j=Neo4jOptions(password="a-real-Passw0rd", wait_seconds=1.5),
        )
    elapsed = time.monotonic() - started
    assert 0.4 < elapsed < 10  # waited (at least one retry), but not unbounded
