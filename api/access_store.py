"""The access store: users, API keys and the signing-key ids seen, in their own SQLite file (WAL).

Kept apart from the graph store whatever its backend (SQLite or Neo4j): credentials and the audit log
(``api.audit`` keeps its own table in the same file) have their own retention and backup, and a graph
store need not grow users. One connection per process, shared behind a lock: every statement here is an
indexed lookup of microseconds, and the principal of a credential is cached until the file changes.

Credentials are never stored in the clear:

* a password is hashed with argon2id (``argon2-cffi``'s defaults);
* an API key (``clk_<key id>_<secret>``, the secret 32 random bytes) is stored as the SHA-256 digest of the
  whole key — a key of 256 random bits needs no slow hash, and the check path must stay fast. The key id is
  the indexed, non-secret part: lists, revocation and the audit log name keys by it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import re
import secrets
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from api.principal import Principal, Role
from graph.errors import CredlinkError, InvalidRequest, NotFound

#: An API key as shown once at issue: prefix, 12 hex characters of key id, 43 characters of secret.
KEY_PATTERN = re.compile(r"clk_([0-9a-f]{12})_([A-Za-z0-9_-]{43})")
KEY_PREFIX = "clk_"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name            TEXT PRIMARY KEY,
    password_hash   TEXT NOT NULL,
    role            TEXT NOT NULL,
    department      TEXT,
    business_items  TEXT,          -- JSON array, NULL = not narrowed
    list_types      TEXT,          -- JSON array, NULL = not narrowed
    disabled        INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    changed_at      TEXT NOT NULL,
    token_generation INTEGER NOT NULL DEFAULT 0  -- tokens carry it; a new password moves it on
);
CREATE TABLE IF NOT EXISTS api_keys (
    key_id          TEXT PRIMARY KEY,
    digest          TEXT NOT NULL,  -- hex SHA-256 of the whole key
    label           TEXT NOT NULL,
    role            TEXT NOT NULL,
    department      TEXT,
    business_items  TEXT,
    list_types      TEXT,
    created_at      TEXT NOT NULL,
    revoked_at      TEXT
);
CREATE TABLE IF NOT EXISTS signing_keys (
    kid             TEXT PRIMARY KEY,
    first_used_at   TEXT NOT NULL,
    last_used_at    TEXT NOT NULL
);
"""

#: Roles a credential may carry (``public`` is what no credential means).
CREDENTIAL_ROLES = tuple(role for role in Role if role is not Role.PUBLIC)


class AccessError(CredlinkError):
    """The access store cannot do what was asked (a duplicate user, a bad role)."""

    status = 400
    code = "invalid_request"


@dataclass(frozen=True, slots=True)
class Grant:
    """What a user or a key may act as: a role and its narrowing (see :class:`api.principal.Principal`)."""

    role: Role
    department: str | None = None
    business_items: frozenset[str] | None = None
    list_types: frozenset[str] | None = None

    def principal(self, actor: str) -> Principal:
        return Principal(
            actor=actor,
            role=self.role,
            department=self.department,
            business_items=self.business_items,
            list_types=self.list_types,
        )


def make_grant(
    role: Role | str,
    *,
    department: str | None = None,
    business_items: Iterable[str] | None = None,
    list_types: Iterable[str] | None = None,
) -> Grant:
    """A grant, refused when the narrowing a role needs is missing (a business system with no business item
    would see nothing; an implementing department with no department would pull no feed)."""
    try:
        parsed = Role(role)
    except ValueError:
        names = "、".join(r.value for r in CREDENTIAL_ROLES)
        raise AccessError(f"角色 {role!r} 不存在；可用角色：{names}") from None
    if parsed is Role.PUBLIC:
        raise AccessError("public 是无凭证访问者的角色，不能发给用户或密钥")
    items = frozenset(item.strip() for item in business_items or () if item.strip()) or None
    types = frozenset(kind.strip() for kind in list_types or () if kind.strip()) or None
    department = (department or "").strip() or None
    if parsed is Role.BUSINESS_SYSTEM and not items:
        raise AccessError("业务系统必须指定至少一个业务事项（business_items）")
    if parsed is Role.IMPLEMENTING_DEPARTMENT and not department:
        raise AccessError("实施部门必须指定部门名称（department）")
    if parsed is Role.IDENTIFYING_DEPARTMENT and not types:
        raise AccessError("认定部门必须指定至少一个名单类型（list_types）")
    return Grant(parsed, department, items, types)


@dataclass(frozen=True, slots=True)
class UserRecord:
    name: str
    grant: Grant
    disabled: bool
    created_at: str


@dataclass(frozen=True, slots=True)
class KeyRecord:
    key_id: str
    label: str
    grant: Grant
    created_at: str
    revoked_at: str | None


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def _json_set(values: frozenset[str] | None) -> str | None:
    return None if values is None else json.dumps(sorted(values), ensure_ascii=False)


def _set(text: str | None) -> frozenset[str] | None:
    return None if text is None else frozenset(json.loads(text))


def _grant(row: sqlite3.Row) -> Grant:
    return Grant(Role(row["role"]), row["department"], _set(row["business_items"]), _set(row["list_types"]))


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


class AccessStore:
    """Users and API keys in the SQLite file ``path`` (created on first use)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        new = False
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
            new = not self.path.exists()
        self._conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        if new:
            os.chmod(self.path, 0o600)  # password hashes and key digests: the owner only
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA busy_timeout=5000")
        self._conn.executescript(_SCHEMA)
        columns = {row["name"] for row in self._conn.execute("PRAGMA table_info(users)")}
        if "token_generation" not in columns:  # a file from before tokens ended with a password change
            self._conn.execute("ALTER TABLE users ADD COLUMN token_generation INTEGER NOT NULL DEFAULT 0")
        self._lock = threading.Lock()
        self._hasher = PasswordHasher()
        # Principals by API-key digest and by user name, valid while no other connection has written the
        # file (``PRAGMA data_version`` changes then) and this one has not either (cleared on each write).
        self._keys: dict[str, Principal | None] = {}
        self._users: dict[str, tuple[Principal | None, int]] = {}
        self._version = self._data_version()

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # --- cache ----------------------------------------------------------------------------------------

    def _data_version(self) -> int:
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def _fresh(self) -> None:
        """Drop the cached principals if another process (``credlink key revoke``) changed the file."""
        version = self._data_version()
        if version != self._version:
            self._keys.clear()
            self._users.clear()
            self._version = version

    def _written(self) -> None:
        self._keys.clear()
        self._users.clear()

    # --- users ----------------------------------------------------------------------------------------

    def add_user(self, name: str, password: str, grant: Grant) -> UserRecord:
        name = name.strip()
        if not name or not re.fullmatch(r"[^\s:]{1,64}", name):
            raise AccessError("用户名须为 1–64 个字符，不含空白与冒号")
        if len(password) < 12:
            raise AccessError("密码至少 12 个字符")
        password_hash = self._hasher.hash(password)
        now = _now()
        with self._lock:
            try:
                self._conn.execute(
                    "INSERT INTO users (name, password_hash, role, department, business_items, list_types,"
                    " created_at, changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        name,
                        password_hash,
                        grant.role.value,
                        grant.department,
                        _json_set(grant.business_items),
                        _json_set(grant.list_types),
                        now,
                        now,
                    ),
                )
            except sqlite3.IntegrityError:
                raise AccessError(f"用户 {name} 已存在") from None
            self._written()
        return UserRecord(name, grant, False, now)

    def set_password(self, name: str, password: str) -> None:
        if len(password) < 12:
            raise AccessError("密码至少 12 个字符")
        password_hash = self._hasher.hash(password)
        with self._lock:
            changed = self._conn.execute(
                # The tokens issued before (to whoever had the old password) end with it.
                "UPDATE users SET password_hash = ?, changed_at = ?, token_generation = token_generation + 1"
                " WHERE name = ?",
                (password_hash, _now(), name),
            ).rowcount
            self._written()
        if not changed:
            raise NotFound(f"用户 {name} 不存在")

    def set_disabled(self, name: str, disabled: bool = True) -> None:
        with self._lock:
            changed = self._conn.execute(
                "UPDATE users SET disabled = ?, changed_at = ? WHERE name = ?", (int(disabled), _now(), name)
            ).rowcount
            self._written()
        if not changed:
            raise NotFound(f"用户 {name} 不存在")

    def users(self) -> list[UserRecord]:
        with self._lock:
            rows = self._conn.execute("SELECT * FROM users ORDER BY name").fetchall()
        return [
            UserRecord(row["name"], _grant(row), bool(row["disabled"]), row["created_at"]) for row in rows
        ]

    def user_exists(self, name: str) -> bool:
        with self._lock:
            return self._conn.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone() is not None

    def authenticate_password(self, name: str, password: str) -> Principal | None:
        """The user's principal if ``password`` is theirs and they are enabled; else ``None``. Slow on
        purpose (argon2): call it from a worker thread."""
        with self._lock:
            row = self._conn.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchone()
        if row is None:
            # Spend the same time as for a known user, so timing does not tell which names exist.
            self._hasher.hash(password)
            return None
        try:
            self._hasher.verify(row["password_hash"], password)
        except (VerificationError, InvalidHashError):
            return None
        if row["disabled"]:
            return None
        if self._hasher.check_needs_rehash(row["password_hash"]):
            with self._lock:
                self._conn.execute(
                    "UPDATE users SET password_hash = ? WHERE name = ?", (self._hasher.hash(password), name)
                )
                self._written()
        return _grant(row).principal(f"user:{name}")

    def user_principal(self, name: str, generation: int = 0) -> Principal | None:
        """The principal of an enabled user (a token names its user; the user's current grant applies),
        for a token of the user's current ``generation`` (a token issued before the password last changed
        is refused)."""
        with self._lock:
            self._fresh()
            if name not in self._users:
                row = self._conn.execute(
                    "SELECT * FROM users WHERE name = ? AND disabled = 0", (name,)
                ).fetchone()
                self._users[name] = (
                    (None, 0)
                    if row is None
                    else (_grant(row).principal(f"user:{name}"), row["token_generation"])
                )
            principal, current = self._users[name]
            return principal if generation == current else None

    def token_generation(self, name: str) -> int:
        """What a token issued now for ``name`` carries (0 for an unknown user)."""
        with self._lock:
            row = self._conn.execute("SELECT token_generation FROM users WHERE name = ?", (name,)).fetchone()
        return 0 if row is None else int(row[0])

    # --- API keys -------------------------------------------------------------------------------------

    def issue_key(self, label: str, grant: Grant) -> tuple[KeyRecord, str]:
        """A new key: its record and the key itself, which is shown once and never stored."""
        label = label.strip()
        if not label:
            raise AccessError("请为密钥写一个用途说明（label），例如“市财政局采购系统”")
        key_id = secrets.token_hex(6)
        key = f"{KEY_PREFIX}{key_id}_{secrets.token_urlsafe(32)}"
        now = _now()
        with self._lock:
            self._conn.execute(
                "INSERT INTO api_keys (key_id, digest, label, role, department, business_items, list_types,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    key_id,
                    key_digest(key),
                    label,
                    grant.role.value,
                    grant.department,
                    _json_set(grant.business_items),
                    _json_set(grant.list_types),
                    now,
                ),
            )
            self._written()
        return KeyRecord(key_id, label, grant, now, None), key

    def revoke_key(self, key_id: str) -> KeyRecord:
        with self._lock:
            changed = self._conn.execute(
                "UPDATE api_keys SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL", (_now(), key_id)
            ).rowcount
            self._written()
        record = next((key for key in self.api_keys() if key.key_id == key_id), None)
        if record is None:
            raise NotFound(f"密钥 {key_id} 不存在")
        if not changed:
            raise InvalidRequest(f"密钥 {key_id} 已于 {record.revoked_at} 吊销")
        return record

    def api_keys(self) -> list[KeyRecord]:
        with self._lock:
            rows = self._conn.execute("SELECT * FROM api_keys ORDER BY created_at, key_id").fetchall()
        return [
            KeyRecord(row["key_id"], row["label"], _grant(row), row["created_at"], row["revoked_at"])
            for row in rows
        ]

    def key_principal(self, key: str) -> Principal | None:
        """The principal of a valid, unrevoked key; ``None`` for anything else. Fast: a dictionary lookup
        while the file is unchanged, else one indexed read and a SHA-256."""
        digest = key_digest(key)
        with self._lock:
            self._fresh()
            if digest in self._keys:
                return self._keys[digest]
            principal: Principal | None = None
            match = KEY_PATTERN.fullmatch(key)
            if match is not None:
                row = self._conn.execute(
                    "SELECT * FROM api_keys WHERE key_id = ? AND revoked_at IS NULL", (match.group(1),)
                ).fetchone()
                if row is not None and hmac.compare_digest(row["digest"], digest):
                    principal = _grant(row).principal(f"key:{row['key_id']}")
            if len(self._keys) > 10_000:  # random junk keys must not grow the cache without bound
                self._keys.clear()
            self._keys[digest] = principal
            return principal

    # --- signing keys ---------------------------------------------------------------------------------

    def note_signing_keys(self, kids: Iterable[str]) -> None:
        """Record the key ids in use (never the secrets): when each was first and last configured."""
        now = _now()
        with self._lock:
            self._conn.executemany(
                "INSERT INTO signing_keys (kid, first_used_at, last_used_at) VALUES (?, ?, ?)"
                " ON CONFLICT (kid) DO UPDATE SET last_used_at = excluded.last_used_at",
                [(kid, now, now) for kid in kids],
            )
            self._written()

    def signing_keys(self) -> list[tuple[str, str, str]]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT kid, first_used_at, last_used_at FROM signing_keys ORDER BY kid"
            )
            return [(row[0], row[1], row[2]) for row in rows]
