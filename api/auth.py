"""Authentication and access rules (R10; SECURITY.md).

* **Who is asking.** :class:`AccessMiddleware` reads ``Authorization: Bearer <token or API key>`` (or
  ``X-API-Key``) on every request and leaves the caller's :class:`~api.principal.Principal` on
  ``request.state.principal``; no credential means :data:`~api.principal.ANONYMOUS`, a bad one is 401 at
  once. Tokens are JWTs (HS256, ``kid`` in the header) issued by ``POST /v1/auth/token`` for a user's name
  and password; API keys (``clk_…``) are issued to machine clients by ``credlink key issue``. Either way the
  grant that applies is the one stored now: a disabled user's token, a token issued before its user's
  password changed, or a revoked key stops working at once.
* **What it may reach.** Every route declares its rule with :func:`require` (roles, optional narrowing,
  optional rate limit) or :func:`public`; ``tests/api/test_routes_access.py`` fails for a route without one.
* **Its own only.** Narrowing rules refuse (403) what lies outside a caller's business items, department or
  list types — a business system must name one of its business items in a check; an implementing
  department reaches only its own dispatches; an identifying department only entries of its list types.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import inspect
import logging
import secrets
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import unquote

import jwt
import orjson
from fastapi import Request, params
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.access_store import KEY_PREFIX, AccessStore
from api.errors import Forbidden, InsecureSettings, RateLimited, Unauthenticated
from api.principal import ANONYMOUS, Principal, Role, get_principal
from api.settings import Settings
from graph.store.sqlite import SQLiteStore

log = logging.getLogger("credlink.auth")

#: Signing secrets shorter than this (bytes) are refused in production (HS256 wants ≥ 256 bits).
MIN_SECRET_BYTES = 32
#: Secrets anyone could guess: placeholders of examples and docs. Refused in production.
DEFAULT_SECRETS = frozenset({"", "secret", "changeme", "change-me", "please-change-me", "credlink", "demo"})
ALGORITHM = "HS256"

#: Every role a credential can carry.
ANY_ROLE = tuple(role for role in Role if role is not Role.PUBLIC)


# --- signing keys --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SigningKeys:
    """``kid → secret``; :attr:`current` signs, every key verifies (rotation: see SECURITY.md)."""

    keys: Mapping[str, bytes]
    current: str
    generated: bool = False

    @classmethod
    def from_settings(cls, settings: Settings) -> SigningKeys:
        """The keys of ``CREDLINK_JWT_KEYS``; in production a missing, default or short one refuses to
        start, in development a missing one is replaced by a random key for this process (with a warning)."""
        text = settings.jwt_keys.get_secret_value().strip()
        production = settings.environment == "production"
        if not text:
            if production:
                raise InsecureSettings(
                    "拒绝启动：生产环境（CREDLINK_ENVIRONMENT=production）必须设置 CREDLINK_JWT_KEYS"
                    "（格式 kid:secret[,kid:secret…]，secret 至少 32 字节随机值）"
                )
            log.warning(
                "CREDLINK_JWT_KEYS 未设置：本进程使用随机签名密钥，重启后已签发的令牌全部失效（仅限开发环境）"
            )
            return cls({"dev": secrets.token_bytes(32)}, "dev", generated=True)
        keys: dict[str, bytes] = {}
        for part in text.split(","):
            kid, sep, secret = part.strip().partition(":")
            kid, secret = kid.strip(), secret.strip()
            if not sep or not kid or not secret:
                raise InsecureSettings("CREDLINK_JWT_KEYS 格式应为 kid:secret[,kid:secret…]（密钥编号:密钥）")
            if kid in keys:
                raise InsecureSettings(f"CREDLINK_JWT_KEYS 中密钥编号 {kid} 重复")
            weak = secret.lower() in DEFAULT_SECRETS or len(secret.encode("utf-8")) < MIN_SECRET_BYTES
            if weak and production:
                raise InsecureSettings(
                    f"拒绝启动：生产环境的签名密钥 {kid} 是默认值或短于 {MIN_SECRET_BYTES} 字节；"
                    "请用随机值（例如 python -c 'import secrets; print(secrets.token_urlsafe(48))'）"
                )
            if weak:
                log.warning("签名密钥 %s 是默认值或过短，仅可用于开发；生产环境会拒绝启动", kid)
            keys[kid] = secret.encode("utf-8")
        return cls(keys, next(iter(keys)))


def check_production_settings(settings: Settings) -> None:
    """Refuse to start in production on a missing, default or short secret (the JWT keys; the Neo4j
    password is checked by the store). Development only warns."""
    SigningKeys.from_settings(settings)
    settings.check_store()


# --- tokens --------------------------------------------------------------------------------------------


#: The most verified tokens :class:`TokenService` remembers (a user's token is asked with every request of
#: the workbench; a flood of distinct valid tokens only empties the memory, it never grows without bound).
MAX_VERIFIED_TOKENS = 10_000


class TokenService:
    """Signs and verifies the bearer tokens of users.

    A token whose signature was verified is remembered with its user and its time window (``iat``/``nbf`` to
    ``exp``): verifying a signature (~40 µs) is a pure function of the token and the signing keys, which are
    fixed for the process, so a remembered token is exactly as valid as a re-verified one while its window
    lasts — the window is checked on every use, as PyJWT checks it (no leeway). What the token's user may do
    is not remembered here: :meth:`api.access_store.AccessStore.user_principal` reads the user's current
    grant (a disabled user is refused at once). Tokens that fail verification are not remembered.
    """

    def __init__(self, keys: SigningKeys, minutes: int) -> None:
        self.keys = keys
        self.lifetime = dt.timedelta(minutes=minutes)
        #: token → (user, its token generation, valid from, expires), POSIX seconds.
        self._verified: dict[str, tuple[str, int, int, int]] = {}

    def issue(self, user: str, *, generation: int = 0, now: dt.datetime | None = None) -> tuple[str, int]:
        """A token for ``user`` and its lifetime in seconds. ``generation`` is the user's token generation
        (:meth:`api.access_store.AccessStore.token_generation`): a new password moves it on, and the tokens
        of the generations before are refused."""
        issued = now or dt.datetime.now(dt.UTC)
        claims = {
            "sub": user,
            "iat": issued,
            "exp": issued + self.lifetime,
            "gen": generation,
            "jti": secrets.token_hex(8),
        }
        token = jwt.encode(
            claims, self.keys.keys[self.keys.current], algorithm=ALGORITHM, headers={"kid": self.keys.current}
        )
        return token, int(self.lifetime.total_seconds())

    def user_of(self, token: str) -> str | None:
        """The user a valid, unexpired token of one of our keys names; ``None`` otherwise."""
        found = self.identity(token)
        return None if found is None else found[0]

    def identity(self, token: str) -> tuple[str, int] | None:
        """The user and token generation of a valid, unexpired token of one of our keys; else ``None``."""
        remembered = self._verified.get(token)
        if remembered is not None:
            user, generation, valid_from, expires = remembered
            if valid_from <= time.time() < expires:
                return user, generation
            self._verified.pop(token, None)  # expired (or the clock went back): verified afresh below
        return self._verify(token)

    def _verify(self, token: str) -> tuple[str, int] | None:
        try:
            kid = jwt.get_unverified_header(token).get("kid")
            secret = self.keys.keys.get(kid) if isinstance(kid, str) else None
            if secret is None:
                return None
            claims = jwt.decode(
                token, secret, algorithms=[ALGORITHM], options={"require": ["sub", "exp", "iat"]}
            )
        except jwt.PyJWTError:
            return None
        subject = claims.get("sub")
        generation = claims.get("gen", 0)  # tokens issued before generations existed: the first
        if not isinstance(subject, str) or not isinstance(generation, int) or isinstance(generation, bool):
            return None
        # PyJWT has just checked these are integers (or integral) and that now lies within them.
        valid_from = max(int(claims["iat"]), int(claims.get("nbf", claims["iat"])))
        if len(self._verified) >= MAX_VERIFIED_TOKENS:
            self._verified.clear()
        self._verified[token] = (subject, generation, valid_from, int(claims["exp"]))
        return subject, generation


# --- who is asking -------------------------------------------------------------------------------------


class Authenticator:
    """Credentials → principal. The access store is opened by the app's lifespan (:meth:`open`)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.tokens = TokenService(SigningKeys.from_settings(settings), settings.token_minutes)
        self.access: AccessStore | None = None

    def open(self) -> AccessStore:
        self.access = AccessStore(self.settings.access_path())
        self.access.note_signing_keys(self.tokens.keys.keys)
        return self.access

    def close(self) -> None:
        if self.access is not None:
            self.access.close()
            self.access = None

    def principal(self, credential: str) -> Principal | None:
        """The principal of an API key or a token; ``None`` if it is not valid now."""
        access = self.access
        if access is None:
            return None
        if credential.startswith(KEY_PREFIX):
            return access.key_principal(credential)
        found = self.tokens.identity(credential)
        return None if found is None else access.user_principal(*found)


_INVALID = orjson.dumps(
    {"detail": "身份凭证无效、已过期或已被停用/吊销，请重新登录或更换密钥", "code": "invalid_credentials"}
)


def _security_headers(settings: Settings, *, api: bool) -> list[tuple[bytes, bytes]]:
    """The headers every answer carries. JSON answers of the API: nothing in them is to be rendered as a
    page, framed or cached on the way (``frame-ancestors`` supersedes X-Frame-Options; a JSON document
    sends no referrer). Pages and files: no sniffing, framing only by the workbench itself, no referrer.
    Few headers on the API: each costs the check's hot path its share of the response's serialisation."""
    if api:
        headers = [
            (b"x-content-type-options", b"nosniff"),
            (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
            (b"cache-control", b"no-store"),
        ]
    else:
        headers = [
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"SAMEORIGIN"),
            (b"referrer-policy", b"no-referrer"),
            (b"cross-origin-resource-policy", b"same-origin"),
        ]
    if settings.environment == "production":
        headers.append((b"strict-transport-security", b"max-age=31536000"))
    return headers


class AccessMiddleware:
    """Authenticates each HTTP request (see the module's docstring) and adds the security headers to its
    answer. A plain ASGI middleware: a few dictionary lookups per request, no thread hop."""

    def __init__(self, app: ASGIApp, authenticator: Authenticator) -> None:
        self.app = app
        self.authenticator = authenticator
        self.page_headers = _security_headers(authenticator.settings, api=False)
        self.api_headers = _security_headers(authenticator.settings, api=True)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        credential = purpose = None
        for name, value in scope["headers"]:
            if name == b"authorization":
                scheme, _, rest = value.decode("latin-1").partition(" ")
                if scheme.lower() == "bearer" and rest.strip():
                    credential = rest.strip()
            elif name == b"x-api-key" and credential is None:
                credential = value.decode("latin-1").strip()
            elif name == b"x-purpose":
                # Header values are Latin-1 on the wire: a Chinese purpose comes URL-encoded (UTF-8).
                purpose = unquote(value.decode("latin-1")).strip()[:500] or None
        principal = ANONYMOUS
        if credential:
            found = self.authenticator.principal(credential)
            if found is None:
                await self._refuse(scope, send)
                return
            principal = found
        if purpose is not None:
            principal = dataclasses.replace(principal, purpose=purpose)
        scope.setdefault("state", {})["principal"] = principal

        if scope["path"].startswith("/v1/"):
            # The API's routes set none of these headers themselves: appended as they are.
            extra = self.api_headers

            async def send_with_headers(message: Message) -> None:
                if message["type"] == "http.response.start":
                    message["headers"] = [*message.get("headers", ()), *extra]
                await send(message)

        else:
            # The workbench's pages set their own policy: theirs is kept.
            extra = self.page_headers

            async def send_with_headers(message: Message) -> None:
                if message["type"] == "http.response.start":
                    present = {name.lower() for name, _ in message.get("headers", ())}
                    added = [(name, value) for name, value in extra if name not in present]
                    message["headers"] = [*message.get("headers", ()), *added]
                await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 401,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(_INVALID)).encode()),
                    (b"www-authenticate", b'Bearer error="invalid_token"'),
                    *self.api_headers,
                ],
            }
        )
        await send({"type": "http.response.body", "body": _INVALID})


# --- rate limit ----------------------------------------------------------------------------------------


class RateLimiter:
    """A token bucket per client (its actor) in this process: ``rate`` per second, at most ``burst`` at once.
    Several serving processes each keep their own buckets (a client may reach ``workers × rate``)."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = float(burst)
        self._buckets: dict[str, tuple[float, float]] = {}  # actor → (tokens, monotonic time)
        self._lock = threading.Lock()

    def ensure_left(self, client: str) -> None:
        """Refuse (429) a client whose bucket is empty, without spending from it."""
        if self.rate <= 0:
            return
        with self._lock:
            tokens, then = self._buckets.get(client, (self.burst, time.monotonic()))
        if tokens + (time.monotonic() - then) * self.rate < 1:
            self.take(client)  # raises with the wait

    def take(self, client: str, cost: float = 1.0) -> None:
        if self.rate <= 0:
            return
        now = time.monotonic()
        with self._lock:
            tokens, then = self._buckets.get(client, (self.burst, now))
            tokens = min(self.burst, tokens + (now - then) * self.rate)
            if tokens < cost:
                self._buckets[client] = (tokens, now)
                wait = max(1, int((cost - tokens) / self.rate + 0.999))
                raise RateLimited(f"核查过于频繁：每秒最多 {self.rate:g} 次，请 {wait} 秒后重试", wait)
            self._buckets[client] = (tokens - cost, now)
            if len(self._buckets) > 100_000:  # anonymous callers are refused before, but bound it anyway
                self._buckets.clear()


# --- access rules --------------------------------------------------------------------------------------


class Narrowing(Protocol):
    """Refuses (403) a request outside the principal's own business items, department or list types."""

    __name__: str

    def __call__(self, request: Request, principal: Principal) -> None: ...


@dataclass(frozen=True, slots=True)
class AccessRule:
    """What a route declared: public, or the roles it admits with their narrowing and rate limit."""

    public: bool
    roles: frozenset[Role] = frozenset()
    narrowing: tuple[str, ...] = ()
    rate_limited: bool = False

    def describe(self) -> str:
        if self.public:
            return "public"
        text = ", ".join(sorted(role.value for role in self.roles))
        if self.narrowing:
            text += " (narrowed: " + ", ".join(self.narrowing) + ")"
        return text + (" [rate limited]" if self.rate_limited else "")


def access_rule_of(dependency: object) -> AccessRule | None:
    rule = getattr(dependency, "access_rule", None)
    return rule if isinstance(rule, AccessRule) else None


def public() -> params.Depends:
    """The rule of a route anyone may call without a credential."""

    async def public_access() -> None:
        return None

    public_access.access_rule = AccessRule(public=True)  # type: ignore[attr-defined]
    return params.Depends(public_access)


def require(*roles: Role, narrow: Iterable[Narrowing] = (), rate_limited: bool = False) -> params.Depends:
    """The rule of a route only ``roles`` may call: 401 without a valid credential, 403 for another role or
    outside the caller's narrowing, 429 over the rate limit (when ``rate_limited``)."""
    allowed = frozenset(roles)
    if not allowed or Role.PUBLIC in allowed:
        raise ValueError("require() names the roles admitted; a route open to anyone declares public()")
    hooks = tuple(narrow)
    names = ", ".join(sorted(role.value for role in allowed))

    async def check_access(request: Request) -> Principal:
        principal = await request_principal(request)
        if principal.role is Role.PUBLIC:
            raise Unauthenticated("请先登录（Authorization: Bearer <令牌>）或提供 API 密钥")
        if principal.role not in allowed:
            raise Forbidden(f"当前身份（{principal.role.value}）无权访问此接口；允许的角色：{names}")
        if hooks:
            store = request.app.state.store
            if isinstance(store, SQLiteStore) or store is None:
                for hook in hooks:
                    hook(request, principal)
            else:  # a networked store: its lookups wait on a server, off the event loop
                for hook in hooks:
                    await run_in_threadpool(hook, request, principal)
        if rate_limited:
            limiter: RateLimiter = request.app.state.rate_limiter
            limiter.take(principal.actor)
        return principal

    check_access.access_rule = AccessRule(  # type: ignore[attr-defined]
        public=False,
        roles=allowed,
        narrowing=tuple(hook.__name__ for hook in hooks),
        rate_limited=rate_limited,
    )
    return params.Depends(check_access)


async def request_principal(request: Request) -> Principal:
    """:func:`~api.principal.get_principal` called directly (one dependency less on the check's hot path),
    but a test's ``app.dependency_overrides[get_principal]`` (masking and audit tested apart from
    authentication) honoured as FastAPI would."""
    override = request.app.dependency_overrides.get(get_principal)
    if override is None:
        return await get_principal(request)
    found = override(request) if _takes_request(override) else override()
    principal: Principal = await found if inspect.isawaitable(found) else found
    return principal


def _takes_request(call: Callable[..., Any]) -> bool:
    return bool(inspect.signature(call).parameters)


# --- narrowing -----------------------------------------------------------------------------------------


def ensure_business_item(principal: Principal, business_item: str | None) -> None:
    """A business system checks for one of its own business items, named in the request (403 otherwise:
    an answer for every item would show it measures of other departments' business)."""
    if principal.role is not Role.BUSINESS_SYSTEM:
        return
    own = principal.business_items or frozenset()
    if not business_item or business_item not in own:
        listed = "、".join(sorted(own)) or "（无）"
        raise Forbidden(
            f"业务系统只能按本系统的业务事项核查：请用 business_item 指明其一（本系统可用：{listed}）",
        )


def own_business_item(request: Request, principal: Principal) -> None:
    """The check's ``business_item`` query parameter is one of a business system's own."""
    ensure_business_item(principal, request.query_params.get("business_item"))


def own_department_feed(request: Request, principal: Principal) -> None:
    """An implementing department pulls only its own feed (``department`` query parameter)."""
    if principal.role is not Role.IMPLEMENTING_DEPARTMENT:
        return
    asked = request.query_params.get("department")
    if asked is not None and asked != principal.department:
        raise Forbidden(f"实施部门只能拉取本部门（{principal.department}）的推送")


def own_dispatch(request: Request, principal: Principal) -> None:
    """An implementing department reads and answers only dispatches addressed to it."""
    if principal.role is not Role.IMPLEMENTING_DEPARTMENT:
        return
    try:
        dispatch_pk = int(request.path_params["dispatch_id"])
    except (KeyError, ValueError):
        return  # the route's own validation answers
    record = request.app.state.store.dispatch_record(dispatch_pk)
    if record is not None and record.department != principal.department:
        raise Forbidden("实施部门只能查看和反馈推送给本部门的记录")


def ensure_list_types(principal: Principal, list_types: Iterable[str]) -> None:
    """An identifying department writes and reads only entries of its own list types."""
    if principal.role is not Role.IDENTIFYING_DEPARTMENT:
        return
    own = principal.list_types or frozenset()
    foreign = sorted(set(list_types) - own)
    if foreign:
        raise Forbidden(
            f"认定部门只能处理本部门名单类型（{'、'.join(sorted(own))}）的记录；不属于本部门的：{'、'.join(foreign)}"
        )


def own_entry(request: Request, principal: Principal) -> None:
    """An identifying department reaches only entries of its own list types (``entry_id`` in the path)."""
    if principal.role is not Role.IDENTIFYING_DEPARTMENT:
        return
    entry = request.app.state.store.entry(request.path_params.get("entry_id", ""))
    if entry is not None:
        ensure_list_types(principal, [entry.list_type])


def own_preliminary_list(request: Request, principal: Principal) -> None:
    """An identifying department reaches only preliminary lists whose entries are of its list types."""
    if principal.role is not Role.IDENTIFYING_DEPARTMENT:
        return
    store = request.app.state.store
    record = store.preliminary_list(request.path_params.get("list_id", ""))
    if record is not None:
        ensure_list_types(principal, {item.entry.list_type for item in store.preliminary_entries(record.pk)})


__all__ = [
    "ANY_ROLE",
    "AccessMiddleware",
    "AccessRule",
    "Authenticator",
    "RateLimiter",
    "SigningKeys",
    "TokenService",
    "access_rule_of",
    "check_production_settings",
    "ensure_business_item",
    "ensure_list_types",
    "own_business_item",
    "own_department_feed",
    "own_dispatch",
    "own_entry",
    "own_preliminary_list",
    "public",
    "request_principal",
    "require",
]
