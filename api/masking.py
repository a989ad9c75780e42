"""What each caller may see of a person (R10, §六(三), §七(三)), applied to every response in one place.

The rule (docs/audit.md, "Who sees what"):

* ``credit_admin`` sees person names and id numbers unmasked; a purpose is recorded when given, not required
  (administrators answer objections and corrections, where the person is the point).
* ``investigator`` sees them unmasked only with a stated purpose: the ``X-Purpose`` header (UTF-8, or
  percent-encoded) or the ``purpose`` query parameter; without one, masked.
* ``implementing_department`` and ``identifying_department`` see them unmasked: a department applies a
  measure to, or lists, a person it must identify; authentication narrows them to their own dispatches
  and list types, and the audit log records every such read.
* ``business_system`` gets the check answer with the id numbers it asked about (in the path, the query or
  the request body) unmasked — it sent them — and every other id number and every person name masked, so
  that the check is no oracle turning id numbers into names.
* ``public``, ``auditor`` and a request for which no principal was settled: masked.

:class:`ResponseGuard` (pure ASGI middleware) reads every JSON, CSV and XML response body before it leaves
and masks what the caller may not see, so a route cannot forget it; a route only needs
:data:`SightDep` when it renders person data into another format itself (the graph exports). The guard
also feeds the audit log (:mod:`api.audit`): each write (POST/PUT/PATCH/DELETE, except the batch check,
which only reads) is recorded before its answer leaves, each response still carrying an unmasked person id
number is recorded as a read of personal data.

Masking a JSON body: an object holding a person id number (``code``, ``id``, ``id_number``, ``*_code``,
``*_id``; graph node ids ``person:<id>`` too) has its paired name (``name``/``label``, ``*_name``) masked,
and those names are masked wherever they appear in the body's text (explanations, descriptions); every
token shaped and checked like a resident id number is masked except the ones the caller may see. Person
names written into free text without their id number anywhere in the body cannot be recognised.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, MutableMapping
from enum import StrEnum
from typing import Annotated, Any, TypeVar
from urllib.parse import parse_qs, unquote

import orjson
from fastapi import Depends, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from api.principal import ANONYMOUS, Principal, PrincipalDep, Role
from graph.ids import id_number_problem
from graph.privacy import mask_id_number, mask_name

ModelT = TypeVar("ModelT", bound=BaseModel)
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: The most characters of a stated purpose kept (and recorded).
MAX_PURPOSE = 200
#: Where :func:`answered_for` leaves the principal of the request (``request.state``).
STATE_KEY = "answered_for"
#: POST routes that only read (recorded as reads, not writes).
READ_POSTS = frozenset({"/v1/check"})
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

_ID_TOKEN = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")
_ID_TOKEN_BYTES = re.compile(rb"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")
_ID_KEYS = frozenset({"code", "id", "id_number"})
_ID_SUFFIXES = ("_code", "_id", "_id_number")
_PLAIN_NAME_KEYS = ("name", "label")
_TYPE_KEYS = ("subject_type", "type")
_MASKABLE = ("application/json", "text/csv", "application/graphml+xml", "text/plain", "application/xml")


class Sight(StrEnum):
    """How much of a person a caller sees."""

    #: Names and id numbers as they are.
    FULL = "full"
    #: The id numbers the caller sent; every other id number and every name masked.
    ASKED = "asked"
    #: Everything masked.
    MASKED = "masked"


def clean_purpose(value: str | None) -> str | None:
    """A stated purpose as recorded: trimmed, at most :data:`MAX_PURPOSE` characters; blank is none."""
    if value is None:
        return None
    text = value.strip()
    return text[:MAX_PURPOSE] if text else None


def sight_of(principal: Principal, purpose: str | None) -> Sight:
    """What ``principal`` sees of persons, given the purpose it stated (if any)."""
    role = principal.role
    if role in (Role.CREDIT_ADMIN, Role.IMPLEMENTING_DEPARTMENT, Role.IDENTIFYING_DEPARTMENT):
        return Sight.FULL
    if role is Role.INVESTIGATOR:
        return Sight.FULL if clean_purpose(purpose) else Sight.MASKED
    if role is Role.BUSINESS_SYSTEM:
        return Sight.ASKED
    return Sight.MASKED


def is_person_id(token: str) -> bool:
    """``token`` is a resident id number (18 characters, valid date and check character)."""
    return len(token) == 18 and id_number_problem(token.upper()) is None


def person_ids_in(data: bytes | str) -> set[str]:
    """Every valid resident id number written in ``data`` (upper-cased)."""
    if isinstance(data, str):
        tokens = [match.upper() for match in _ID_TOKEN.findall(data)]
    else:
        tokens = [match.decode("ascii").upper() for match in _ID_TOKEN_BYTES.findall(data)]
    return {token for token in tokens if is_person_id(token)}


def _person_code(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    code = value.removeprefix("person:")
    return code.upper() if is_person_id(code) else None


def _name_keys(key: str) -> tuple[str, ...]:
    if key in _ID_KEYS:
        return _PLAIN_NAME_KEYS
    for suffix in _ID_SUFFIXES:
        if key.endswith(suffix):
            return (key[: -len(suffix)] + "_name",)
    return ()


def _is_enterprise(node: dict[str, Any]) -> bool:
    return any(node.get(key) == "enterprise" for key in _TYPE_KEYS)


def _person_names(node: dict[str, Any]) -> list[tuple[str, str]]:
    """``(name key, name)`` of the persons ``node`` identifies by id number."""
    if _is_enterprise(node):
        return []
    found = []
    for key, value in node.items():
        if _person_code(value) is None:
            continue
        for name_key in _name_keys(key):
            name = node.get(name_key)
            if isinstance(name, str) and name:
                found.append((name_key, name))
    return found


def _collect_names(value: object, names: set[str]) -> None:
    if isinstance(value, dict):
        for _, name in _person_names(value):
            names.add(name.strip())
        for item in value.values():
            _collect_names(item, names)
    elif isinstance(value, list):
        for item in value:
            _collect_names(item, names)


class Masker:
    """Masks person data in JSON-like values, keeping the id numbers in ``keep`` (upper-case) unmasked."""

    def __init__(self, keep: frozenset[str] = frozenset()) -> None:
        self.keep = keep
        self._names: re.Pattern[str] | None = None

    def data(self, value: Any) -> Any:
        names: set[str] = set()
        _collect_names(value, names)
        usable = sorted((name for name in names if len(name) >= 2), key=len, reverse=True)
        self._names = re.compile("|".join(map(re.escape, usable))) if usable else None
        return self._value(value)

    def text(self, text: str) -> str:
        """Id numbers in ``text`` masked (and the names met by the last :meth:`data` call)."""
        if self._names is not None:
            text = self._names.sub(lambda match: mask_name(match.group(0)), text)
        return _ID_TOKEN.sub(self._id_token, text)

    def _id_token(self, match: re.Match[str]) -> str:
        token = match.group(0)
        upper = token.upper()
        if upper in self.keep or not is_person_id(upper):
            return token
        return mask_id_number(upper)

    def _value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self._value(item) for item in value]
        if isinstance(value, dict):
            masked = {self.text(key): self._value(item) for key, item in value.items()}
            for name_key, name in _person_names(value):
                masked[name_key] = mask_name(name)
            return masked
        return value


def mask_data(value: Any, sight: Sight, keep: frozenset[str] = frozenset()) -> Any:
    """``value`` (JSON-like) as a caller with ``sight`` may see it."""
    if sight is Sight.FULL:
        return value
    return Masker(keep if sight is Sight.ASKED else frozenset()).data(value)


# -- the principal of a request -----------------------------------------------------------------------------


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            try:
                text = bytes(value).decode("utf-8")
            except UnicodeDecodeError:
                text = bytes(value).decode("latin-1")
            return unquote(text)
    return None


def stated_purpose(scope: Scope, principal: Principal) -> str | None:
    """The purpose of the request: the principal's, else ``X-Purpose``, else the ``purpose`` query parameter."""
    purpose = clean_purpose(principal.purpose) or clean_purpose(_header(scope, b"x-purpose"))
    if purpose is None and scope.get("query_string"):
        values = parse_qs(bytes(scope["query_string"]).decode("latin-1")).get("purpose")
        purpose = clean_purpose(values[0]) if values else None
    return purpose


async def answered_for(request: Request, principal: PrincipalDep) -> None:
    """An app-wide dependency: leaves the request's principal where :class:`ResponseGuard` finds it."""
    setattr(request.state, STATE_KEY, principal)


def principal_of(scope: Scope) -> Principal:
    """The principal the request was answered for; anonymous (everything masked) when none was settled."""
    state = scope.get("state") or {}
    for key in (STATE_KEY, "principal"):
        principal = state.get(key)
        if isinstance(principal, Principal):
            return principal
    return ANONYMOUS


async def request_sight(request: Request, principal: PrincipalDep) -> Sight:
    """The caller's :class:`Sight`, for routes that render person data in a format the guard cannot parse."""
    return sight_of(principal, stated_purpose(request.scope, principal))


SightDep = Annotated[Sight, Depends(request_sight)]


# -- the guard ----------------------------------------------------------------------------------------------


def _content_type(headers: list[tuple[bytes, bytes]]) -> str:
    for key, value in headers:
        if key.lower() == b"content-type":
            return value.decode("latin-1").split(";")[0].strip().lower()
    return ""


def _route_path(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "-"


def _target(scope: Scope) -> str:
    path = str(scope.get("path", ""))
    query = bytes(scope.get("query_string") or b"")
    return f"{path}?{query.decode('latin-1')}" if query else path


def _mask_body(body: bytes, content_type: str, masker: Masker) -> bytes:
    if content_type == "application/json":
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError:
            return masker.text(body.decode("utf-8", "replace")).encode("utf-8")
        return orjson.dumps(masker.data(data))
    return masker.text(body.decode("utf-8", "replace")).encode("utf-8")


class ResponseGuard:
    """ASGI middleware: masks what the caller may not see in every textual response and records the
    request in the audit log (``app.state.audit``) when it writes or reads personal data."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        received: list[bytes] = []
        start: Message | None = None
        parts: list[bytes] = []
        passing = False
        sent_status: int | None = None

        async def tee() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                received.append(bytes(message.get("body", b"")))
            return message

        async def guarded(message: Message) -> None:
            nonlocal start, passing, sent_status
            if message["type"] == "http.response.start":
                sent_status = int(message["status"])
                if _content_type(list(message.get("headers", ()))) in _MASKABLE:
                    start = message
                    return
                passing = True
                await self._audit(scope, sent_status, b"".join(received), b"")
                await send(message)
                return
            if passing or start is None or message["type"] != "http.response.body":
                await send(message)
                return
            parts.append(bytes(message.get("body", b"")))
            if message.get("more_body", False):
                return
            body, headers = await self._finish(scope, start, b"".join(parts), b"".join(received))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body, "more_body": False})

        try:
            await self.app(scope, tee, guarded)
        except Exception:
            if sent_status is None:
                await self._audit(scope, 500, b"".join(received), b"")
            raise

    async def _finish(
        self, scope: Scope, start: Message, body: bytes, request_body: bytes
    ) -> tuple[bytes, list[tuple[bytes, bytes]]]:
        principal = principal_of(scope)
        sight = sight_of(principal, stated_purpose(scope, principal))
        headers = [(bytes(key), bytes(value)) for key, value in start.get("headers", ())]
        if sight is not Sight.FULL and _ID_TOKEN_BYTES.search(body) is not None:
            keep: frozenset[str] = frozenset()
            if sight is Sight.ASKED:
                asked = str(scope.get("path", "")) + bytes(scope.get("query_string") or b"").decode("latin-1")
                keep = frozenset(person_ids_in(asked) | person_ids_in(request_body))
            masker = Masker(keep)
            body = _mask_body(body, _content_type(headers), masker)
            headers = [
                (key, masker.text(value.decode("latin-1")).encode("latin-1"))
                if key.lower() == b"content-disposition"
                else (key, value)
                for key, value in headers
                if key.lower() != b"content-length"
            ]
            headers.append((b"content-length", str(len(body)).encode("ascii")))
        await self._audit(scope, int(start["status"]), request_body, body)
        return body, headers

    async def _audit(self, scope: Scope, status: int, request_body: bytes, body: bytes) -> None:
        app = scope.get("app")
        audit = getattr(getattr(app, "state", None), "audit", None)
        if audit is None:
            return
        method = str(scope.get("method", "GET"))
        route = _route_path(scope)
        write = method in WRITE_METHODS and route not in READ_POSTS
        shown = person_ids_in(body) if body else set()
        if not write and not shown:
            return
        principal = principal_of(scope)
        purpose = stated_purpose(scope, principal)
        action = f"{method} {route}"
        target = _target(scope)
        if write:
            whom = shown | person_ids_in(target) | person_ids_in(request_body)
            await run_in_threadpool(
                audit.record, principal, action, target, purpose=purpose, result=status, whom=whom, sync=True
            )
        else:
            audit.record(principal, action, target, purpose=purpose, result=status, whom=shown)


def mask_model(model: ModelT, sight: Sight) -> ModelT:
    """A response model as a caller with ``sight`` may see it, for a route that renders it itself (an
    export). No id number is kept: such routes answer no business system."""
    if sight is Sight.FULL:
        return model
    return type(model).model_validate(mask_data(model.model_dump(mode="json"), Sight.MASKED))
