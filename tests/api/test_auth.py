"""Authentication: tokens from the password flow, API keys, expiry, rotation, revocation, disabling, and
the settings a production server refuses."""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import jwt
import pytest
from fastapi.testclient import TestClient

from api.access_store import AccessStore, make_grant
from api.app import create_app
from api.auth import MAX_VERIFIED_TOKENS, SigningKeys, TokenService
from api.errors import InsecureSettings
from api.principal import Role
from api.settings import Settings
from tests.api import build_city, serve
from tests.fixtures import AuthHeaders

PASSWORD = "correct horse battery staple"
STRONG = "k" * 40


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with serve(tmp_path) as opened:
        opened.headers.pop("Authorization")
        yield opened


def _access(client: TestClient) -> AccessStore:
    access: AccessStore = client.app.state.access  # type: ignore[attr-defined]
    return access


def _login(client: TestClient, name: str, password: str) -> TestClient:
    return client.post("/v1/auth/token", data={"username": name, "password": password})  # type: ignore[return-value]


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_password_flow_issues_a_token_that_identifies_the_user(client: TestClient) -> None:
    _access(client).add_user("wang.fang", PASSWORD, make_grant(Role.INVESTIGATOR))
    response = _login(client, "wang.fang", PASSWORD)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    assert body["role"] == "investigator"
    assert jwt.get_unverified_header(body["access_token"])["kid"] == "dev"
    me = client.get("/v1/auth/me", headers=_bearer(body["access_token"]))
    assert me.json()["actor"] == "user:wang.fang"
    assert client.get("/v1/graph/paths", headers=_bearer(body["access_token"])).status_code != 401


def test_a_wrong_password_or_unknown_user_gets_no_token(client: TestClient) -> None:
    _access(client).add_user("wang.fang", PASSWORD, make_grant(Role.INVESTIGATOR))
    for name, password in [("wang.fang", "not the password"), ("nobody", PASSWORD)]:
        response = _login(client, name, password)
        assert response.status_code == 401
        assert response.json() == {"detail": "用户名或密码错误，或账号已停用", "code": "invalid_credentials"}


def test_failed_logins_are_limited_successful_ones_are_not(client: TestClient) -> None:
    _access(client).add_user("li.na", PASSWORD, make_grant(Role.AUDITOR))
    assert all(_login(client, "li.na", PASSWORD).status_code == 200 for _ in range(12))
    _access(client).add_user("guessed", PASSWORD, make_grant(Role.AUDITOR))
    statuses = [_login(client, "guessed", f"guess {n}").status_code for n in range(11)]
    assert statuses == [401] * 10 + [429]
    refused = _login(client, "guessed", PASSWORD)  # even the right password waits now
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) >= 1
    assert _login(client, "li.na", PASSWORD).status_code == 200  # per user name


def test_passwords_are_argon2_hashes_and_keys_sha256_digests(client: TestClient) -> None:
    access = _access(client)
    access.add_user("wang.fang", PASSWORD, make_grant(Role.INVESTIGATOR))
    _, key = access.issue_key(
        "采购系统", make_grant(Role.BUSINESS_SYSTEM, business_items=["public_procurement"])
    )
    with sqlite3.connect(access.path) as conn:
        (stored,) = conn.execute("SELECT password_hash FROM users").fetchone()
        (digest,) = conn.execute("SELECT digest FROM api_keys").fetchone()
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert len(digest) == 64
    assert key not in access.path.read_bytes().decode("latin-1")


def test_a_disabled_user_cannot_log_in_and_their_token_stops_working(client: TestClient) -> None:
    access = _access(client)
    access.add_user("wang.fang", PASSWORD, make_grant(Role.INVESTIGATOR))
    token = _login(client, "wang.fang", PASSWORD).json()["access_token"]
    assert client.get("/v1/auth/me", headers=_bearer(token)).status_code == 200
    access.set_disabled("wang.fang")
    refused = client.get("/v1/auth/me", headers=_bearer(token))
    assert refused.status_code == 401
    assert refused.json()["code"] == "invalid_credentials"
    assert _login(client, "wang.fang", PASSWORD).status_code == 401


def test_an_expired_or_forged_token_is_refused(client: TestClient) -> None:
    access = _access(client)
    access.add_user("wang.fang", PASSWORD, make_grant(Role.INVESTIGATOR))
    tokens: TokenService = client.app.state.authenticator.tokens  # type: ignore[attr-defined]
    old, _ = tokens.issue("wang.fang", now=dt.datetime.now(dt.UTC) - dt.timedelta(hours=2))
    assert client.get("/v1/auth/me", headers=_bearer(old)).status_code == 401
    forged = jwt.encode(
        {
            "sub": "wang.fang",
            "iat": dt.datetime.now(dt.UTC),
            "exp": dt.datetime.now(dt.UTC) + dt.timedelta(hours=1),
        },
        "guessed-secret-guessed-secret-guessed",
        algorithm="HS256",
        headers={"kid": "dev"},
    )
    assert client.get("/v1/auth/me", headers=_bearer(forged)).status_code == 401
    assert client.get("/v1/auth/me", headers=_bearer("not-a-token")).status_code == 401


def test_a_remembered_token_is_refused_once_it_expires_or_its_user_is_disabled(client: TestClient) -> None:
    """A verified token is remembered (its signature is not verified again), but never past its expiry, and
    its user's current grant still decides on every request."""
    access = _access(client)
    access.add_user("wang.fang", PASSWORD, make_grant(Role.INVESTIGATOR))
    tokens: TokenService = client.app.state.authenticator.tokens  # type: ignore[attr-defined]
    # Issued so that it expires within two seconds.
    ending, _ = tokens.issue(
        "wang.fang", now=dt.datetime.now(dt.UTC) - tokens.lifetime + dt.timedelta(seconds=2)
    )
    for _ in range(3):
        assert client.get("/v1/auth/me", headers=_bearer(ending)).status_code == 200
    deadline = jwt.decode(ending, options={"verify_signature": False})["exp"]
    while time.time() < deadline:
        time.sleep(0.05)
    assert client.get("/v1/auth/me", headers=_bearer(ending)).status_code == 401
    assert tokens.user_of(ending) is None
    # A remembered token of a user disabled since: refused on the next request.
    token = _login(client, "wang.fang", PASSWORD).json()["access_token"]
    assert [client.get("/v1/auth/me", headers=_bearer(token)).status_code for _ in range(3)] == [200] * 3
    access.set_disabled("wang.fang")
    assert client.get("/v1/auth/me", headers=_bearer(token)).status_code == 401
    access.set_disabled("wang.fang", False)
    assert client.get("/v1/auth/me", headers=_bearer(token)).status_code == 200
    # The same claims with another signature are not the remembered token: verified, and refused.
    header, payload, signature = token.split(".")
    altered = f"{header}.{payload}.{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}"
    assert client.get("/v1/auth/me", headers=_bearer(altered)).status_code == 401


def test_the_remembered_tokens_are_bounded() -> None:
    tokens = TokenService(SigningKeys({"k": b"s" * 40}, "k"), 60)
    issued = [tokens.issue(f"user{n}")[0] for n in range(MAX_VERIFIED_TOKENS + 5)]
    assert all(tokens.user_of(token) == f"user{n}" for n, token in enumerate(issued))
    assert len(tokens._verified) <= MAX_VERIFIED_TOKENS


def test_a_bad_credential_is_refused_even_on_a_public_route(client: TestClient) -> None:
    response = client.get("/healthz", headers=_bearer("clk_000000000000_" + "x" * 43))
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_key_rotation_the_first_key_signs_every_listed_key_verifies(tmp_path: Path) -> None:
    db = build_city(tmp_path / "city.db")
    old_keys = f"old:{'o' * 40}"

    def start(keys: str) -> TestClient:
        return TestClient(create_app(Settings(db=db, jwt_keys=keys, deliver_every_seconds=0)))

    with start(old_keys) as first:
        first.app.state.access.add_user("wang.fang", PASSWORD, make_grant(Role.INVESTIGATOR))  # type: ignore[attr-defined]
        old_token = _login(first, "wang.fang", PASSWORD).json()["access_token"]
    # Rotation: the new key first (it signs), the old one still listed (its tokens verify until they expire).
    with start(f"new:{'n' * 40},{old_keys}") as rotated:
        assert rotated.get("/v1/auth/me", headers=_bearer(old_token)).status_code == 200
        new_token = _login(rotated, "wang.fang", PASSWORD).json()["access_token"]
        assert jwt.get_unverified_header(new_token)["kid"] == "new"
        kids = [kid for kid, _, _ in rotated.app.state.access.signing_keys()]  # type: ignore[attr-defined]
        assert kids == ["new", "old"]
    # The old key dropped: its tokens are refused, the new ones go on.
    with start(f"new:{'n' * 40}") as after:
        assert after.get("/v1/auth/me", headers=_bearer(old_token)).status_code == 401
        assert after.get("/v1/auth/me", headers=_bearer(new_token)).status_code == 200


def test_api_keys_by_bearer_or_header_and_revocation_from_another_process(
    client: TestClient, auth_headers: AuthHeaders
) -> None:
    access = _access(client)
    record, key = access.issue_key("审计组脚本", make_grant(Role.INVESTIGATOR))
    assert key.startswith(f"clk_{record.key_id}_")
    assert client.get("/v1/auth/me", headers=_bearer(key)).json()["actor"] == f"key:{record.key_id}"
    assert client.get("/v1/auth/me", headers={"X-API-Key": key}).status_code == 200
    # `credlink key revoke` runs in another process: another connection to the same file.
    other = AccessStore(access.path)
    try:
        other.revoke_key(record.key_id)
    finally:
        other.close()
    assert client.get("/v1/auth/me", headers=_bearer(key)).status_code == 401
    # Other keys are untouched.
    assert client.get("/v1/auth/me", headers=auth_headers(Role.INVESTIGATOR)).status_code == 200


def test_the_stated_purpose_travels_with_the_principal(client: TestClient, auth_headers: AuthHeaders) -> None:
    headers = {**auth_headers(Role.INVESTIGATOR), "X-Purpose": quote("核查（2024）第12号案件")}
    assert client.get("/v1/auth/me", headers=headers).json()["purpose"] == "核查（2024）第12号案件"


def test_grants_need_their_narrowing() -> None:
    with pytest.raises(Exception, match="业务事项"):
        make_grant(Role.BUSINESS_SYSTEM)
    with pytest.raises(Exception, match="部门"):
        make_grant(Role.IMPLEMENTING_DEPARTMENT)
    with pytest.raises(Exception, match="名单类型"):
        make_grant(Role.IDENTIFYING_DEPARTMENT)
    with pytest.raises(Exception, match="public"):
        make_grant(Role.PUBLIC)


@pytest.mark.parametrize(
    ("keys", "message"),
    [("", "必须设置 CREDLINK_JWT_KEYS"), ("main:changeme", "默认值或短于"), (f"main:{'x' * 20}", "短于")],
)
def test_production_refuses_to_start_without_a_strong_signing_key(
    tmp_path: Path, keys: str, message: str
) -> None:
    with pytest.raises(InsecureSettings, match=message):
        create_app(Settings(db=tmp_path / "x.db", environment="production", jwt_keys=keys))


def test_production_starts_with_strong_keys_and_development_makes_one(tmp_path: Path) -> None:
    create_app(Settings(db=tmp_path / "x.db", environment="production", jwt_keys=f"a:{STRONG}"))
    generated = SigningKeys.from_settings(Settings(db=tmp_path / "x.db", jwt_keys=""))
    assert generated.generated
    assert len(generated.keys["dev"]) == 32
    assert SigningKeys.from_settings(Settings(db=tmp_path / "x.db", jwt_keys="")).keys != generated.keys


def test_compose_requires_signing_keys_and_the_example_is_refused(tmp_path: Path) -> None:
    import re

    root = Path(__file__).resolve().parents[2]
    compose = (root / "docker-compose.yml").read_text(encoding="utf-8")
    assert 'CREDLINK_JWT_KEYS: "${CREDLINK_JWT_KEYS:?' in compose
    example = re.search(
        r"^CREDLINK_JWT_KEYS=(.*)$", (root / ".env.example").read_text(encoding="utf-8"), re.M
    )
    assert example is not None
    with pytest.raises(InsecureSettings):
        create_app(Settings(db=tmp_path / "x.db", environment="production", jwt_keys=example.group(1)))


def test_a_new_password_ends_the_tokens_issued_before_it(client: TestClient) -> None:
    """Whoever logged in with the old password (a stolen laptop, a shared account) is out at once; a
    login with the new password works, and so does a token of another user."""
    access = _access(client)
    access.add_user("wang.fang", PASSWORD, make_grant(Role.INVESTIGATOR))
    access.add_user("li.na", PASSWORD, make_grant(Role.INVESTIGATOR))
    before = _login(client, "wang.fang", PASSWORD).json()["access_token"]
    other = _login(client, "li.na", PASSWORD).json()["access_token"]
    assert client.get("/v1/auth/me", headers=_bearer(before)).status_code == 200  # remembered from here on
    access.set_password("wang.fang", "一个全新的足够长的密码-2026")
    refused = client.get("/v1/auth/me", headers=_bearer(before))
    assert refused.status_code == 401
    assert refused.json()["code"] == "invalid_credentials"
    assert _login(client, "wang.fang", PASSWORD).status_code == 401
    after = _login(client, "wang.fang", "一个全新的足够长的密码-2026").json()["access_token"]
    assert client.get("/v1/auth/me", headers=_bearer(after)).json()["actor"] == "user:wang.fang"
    assert client.get("/v1/auth/me", headers=_bearer(other)).status_code == 200
    assert client.get("/v1/auth/me", headers=_bearer(before)).status_code == 401


def test_an_access_store_from_before_token_generations_is_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "access.db"
    with sqlite3.connect(path) as conn:
        conn.execute(
            "CREATE TABLE users (name TEXT PRIMARY KEY, password_hash TEXT NOT NULL, role TEXT NOT NULL,"
            " department TEXT, business_items TEXT, list_types TEXT, disabled INTEGER NOT NULL DEFAULT 0,"
            " created_at TEXT NOT NULL, changed_at TEXT NOT NULL)"
        )
        conn.execute(
            "INSERT INTO users VALUES ('old.user', 'x', 'investigator', NULL, NULL, NULL, 0, 'then', 'then')"
        )
    access = AccessStore(path)
    try:
        assert access.token_generation("old.user") == 0
        assert access.user_principal("old.user") is not None  # its tokens (no generation claim) still work
        access.set_password("old.user", PASSWORD)
        assert access.token_generation("old.user") == 1
        assert access.user_principal("old.user") is None
        assert access.user_principal("old.user", 1) is not None
    finally:
        access.close()
