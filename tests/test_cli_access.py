"""``credlink user …``, ``credlink key …``, the demo's credentials and a production server's refusal."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api.access_store import AccessStore
from api.audit import AuditLog
from api.cli import DEMO_KEY_LABEL, DEMO_USER, demo_credentials, main
from api.cli_access import operator
from api.settings import get_settings
from tests.api import build_city


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return build_city(tmp_path / "city.db")


@pytest.fixture
def access(db: Path) -> Iterator[AccessStore]:
    opened = AccessStore(db.parent / "credlink-access.db")
    yield opened
    opened.close()


def test_user_add_list_disable(
    db: Path, access: AccessStore, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    assert (
        main(["--db", str(db), "user", "add", "wang.fang", "--role", "investigator", "--password-stdin"]) == 0
    )
    assert "已添加用户 wang.fang" in capsys.readouterr().out
    assert access.authenticate_password("wang.fang", "a long enough password") is not None
    # No password given and no terminal: one is generated and shown once.
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["--db", str(db), "user", "add", "li.na", "--role", "auditor"]) == 0
    shown = re.search(r"初始密码（只显示这一次，请妥善转交）：(\S+)", capsys.readouterr().out)
    assert shown is not None
    principal = access.authenticate_password("li.na", shown.group(1))
    assert principal is not None
    assert principal.role.value == "auditor"
    assert main(["--db", str(db), "user", "list"]) == 0
    listed = capsys.readouterr().out
    assert "wang.fang\t启用\tinvestigator" in listed
    assert "共 2 个用户" in listed
    monkeypatch.setattr("sys.stdin", io.StringIO("another long password\n"))
    assert access.token_generation("wang.fang") == 0
    assert main(["--db", str(db), "user", "password", "wang.fang", "--password-stdin"]) == 0
    assert "此前签发的令牌已全部失效" in capsys.readouterr().out
    assert access.authenticate_password("wang.fang", "a long enough password") is None
    assert access.authenticate_password("wang.fang", "another long password") is not None
    assert access.token_generation("wang.fang") == 1  # the tokens of generation 0 are refused
    assert access.user_principal("wang.fang", 0) is None
    assert access.user_principal("wang.fang", 1) is not None
    assert main(["--db", str(db), "user", "disable", "wang.fang"]) == 0
    assert access.user_principal("wang.fang") is None
    assert access.authenticate_password("wang.fang", "another long password") is None


def test_a_role_without_its_narrowing_is_refused(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(db), "key", "issue", "--label", "采购", "--role", "business_system"]) == 1
    assert "业务系统必须指定至少一个业务事项" in capsys.readouterr().err


def test_key_issue_list_revoke(db: Path, access: AccessStore, capsys: pytest.CaptureFixture[str]) -> None:
    issue = ["key", "issue", "--label", "市财政局采购系统", "--role", "business_system"]
    assert main(["--db", str(db), *issue, "--business-items", "public_procurement,bidding"]) == 0
    out = capsys.readouterr().out
    key = re.search(r"(clk_[0-9a-f]{12}_\S{43})", out)
    assert key is not None
    principal = access.key_principal(key.group(1))
    assert principal is not None
    assert principal.business_items == {"public_procurement", "bidding"}
    key_id = key.group(1)[4:16]
    assert main(["--db", str(db), "key", "list"]) == 0
    listed = capsys.readouterr().out
    assert f"{key_id}\t有效\t市财政局采购系统" in listed
    assert key.group(1) not in listed  # shown once, at issue, never again
    assert main(["--db", str(db), "key", "revoke", key_id]) == 0
    assert access.key_principal(key.group(1)) is None
    assert main(["--db", str(db), "key", "revoke", key_id]) == 1
    assert "已于" in capsys.readouterr().err


def test_demo_credentials_are_new_each_run_and_never_fixed(
    db: Path, access: AccessStore, capsys: pytest.CaptureFixture[str]
) -> None:
    first_key = demo_credentials(db, 8000)
    first = re.search(r"密码 password: (\S+)", capsys.readouterr().out)
    second_key = demo_credentials(db, 8000)
    second = re.search(r"密码 password: (\S+)", capsys.readouterr().out)
    assert first is not None
    assert second is not None
    assert first.group(1) != second.group(1)
    assert access.authenticate_password(DEMO_USER, first.group(1)) is None
    assert access.authenticate_password(DEMO_USER, second.group(1)) is not None
    assert access.key_principal(first_key) is None
    assert access.key_principal(second_key) is not None
    valid = [k for k in access.api_keys() if k.label == DEMO_KEY_LABEL and k.revoked_at is None]
    assert len(valid) == 1


def test_serve_in_production_refuses_default_secrets(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import uvicorn

    calls: list[Any] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: calls.append(a))
    monkeypatch.setenv("CREDLINK_ENVIRONMENT", "production")
    monkeypatch.setenv("CREDLINK_JWT_KEYS", "main:changeme")
    get_settings.cache_clear()
    try:
        assert main(["--db", str(db), "serve"]) == 1
    finally:
        get_settings.cache_clear()
    assert "拒绝启动" in capsys.readouterr().err
    assert calls == []


def test_account_and_key_changes_at_the_command_line_are_audited(
    db: Path, access: AccessStore, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    assert (
        main(["--db", str(db), "user", "add", "wang.fang", "--role", "investigator", "--password-stdin"]) == 0
    )
    monkeypatch.setattr("sys.stdin", io.StringIO("another long password\n"))
    assert main(["--db", str(db), "user", "password", "wang.fang", "--password-stdin"]) == 0
    assert main(["--db", str(db), "user", "disable", "wang.fang"]) == 0
    assert main(["--db", str(db), "user", "disable", "wang.fang", "--enable"]) == 0
    issue = ["key", "issue", "--label", "市财政局采购系统", "--role", "business_system"]
    assert main(["--db", str(db), *issue, "--business-items", "public_procurement"]) == 0
    key = re.search(r"(clk_([0-9a-f]{12})_\S{43})", capsys.readouterr().out)
    assert key is not None
    assert main(["--db", str(db), "key", "revoke", key.group(2)]) == 0
    assert main(["--db", str(db), "key", "revoke", key.group(2)]) == 1  # refused: not recorded as done
    assert main(["--db", str(db), "user", "list"]) == 0  # reading the accounts is not a change

    log = AuditLog(access.path, writer=False)
    try:
        records = log.query(action="CLI ")
        assert [(r.action, r.target.split(" ")[0], r.result) for r in records] == [
            ("CLI user add", "user:wang.fang", "ok"),
            ("CLI user password", "user:wang.fang", "ok"),
            ("CLI user disable", "user:wang.fang", "ok"),
            ("CLI user enable", "user:wang.fang", "ok"),
            ("CLI key issue", f"key:{key.group(2)}", "ok"),
            ("CLI key revoke", f"key:{key.group(2)}", "ok"),
        ]
        assert {r.actor for r in records} == {operator().actor}
        assert records[0].actor.startswith("cli:")
        assert "investigator" in records[0].target
        assert "public_procurement" in records[4].target
        for record in records:  # no secret in the log
            assert "long enough password" not in str(record.as_dict())
            assert key.group(1) not in str(record.as_dict())
        assert log.verify().ok
    finally:
        log.close()
