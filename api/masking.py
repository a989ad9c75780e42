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
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
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

# Finding id-shaped tokens: every digit becomes "0", then runs of 17 are found by bytes.find (C speed; a
# regular expression spends most of its time starting a match at every digit of every date).
_DIGITS_TO_ZERO = bytes.maketrans(b"123456789", b"000000000")
_RUN = b"0" * 17
_ZERO = ord("0")
_X = frozenset(b"Xx")
_ALNUM = frozenset(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_ID_KEYS = frozenset({"code", "id", "id_number"})
_ID_SUFFIXES = ("_code", "_id", "_id_number")
_PLAIN_NAME_KEYS = ("name", "label")
_TYPE_KEYS = ("subject_type", "type")
#: Fields naming who filed or received something — a firm or a person, with no id number beside them.
_FILER_KEYS = ("applicant", "filed_by", "recipient")
_FILER_KEYS_JSON = tuple(f'"{key}"'.encode() for key in _FILER_KEYS)
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


@lru_cache(maxsize=1 << 16)
def _valid_id(token: str) -> bool:
    return id_number_problem(token) is None


def is_person_id(token: str) -> bool:
    """``token`` is a resident id number (18 characters, valid date and check character). Cached: the same
    few ids recur in answer after answer, and the date and check-character test is the costly part."""
    return len(token) == 18 and _valid_id(token.upper())


def id_tokens(data: bytes) -> set[str]:
    """Every standalone token of ``data`` (not part of a longer run of letters and digits) that is a valid
    resident id number, as written (a final ``x`` stays lower-case)."""
    flat = data.translate(_DIGITS_TO_ZERO)
    size = len(flat)
    found: set[str] = set()
    start = flat.find(_RUN)
    while start != -1:
        end = start + 17
        while end < size and flat[end] == _ZERO:
            end += 1
        if end - start == 17 and end < size and flat[end] in _X:
            end += 1
        alone = (start == 0 or flat[start - 1] not in _ALNUM) and (end == size or flat[end] not in _ALNUM)
        if alone and end - start == 18:
            token = data[start:end].decode("ascii")
            if is_person_id(token):
                found.add(token)
        start = flat.find(_RUN, end)
    return found


def person_ids_in(data: bytes | str) -> set[str]:
    """Every valid resident id number written in ``data``, upper-cased."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return {token.upper() for token in id_tokens(raw)}


def _name_keys(key: str) -> tuple[str, ...]:
    if key in _ID_KEYS:
        return _PLAIN_NAME_KEYS
    for suffix in _ID_SUFFIXES:
        if key.endswith(suffix):
            return (key[: -len(suffix)] + "_name",)
    return ()


def looks_like_person_name(value: str) -> bool:
    """``value`` reads as a person's name rather than a firm's or a department's: two to four Chinese
    characters, or a transliterated name with ``·`` (a firm's or department's name is longer, or ends in
    a word such as 公司)."""
    text = value.strip()
    if "·" in text:
        return 3 <= len(text) <= 20 and all("\u4e00" <= char <= "\u9fff" or char == "·" for char in text)
    return 2 <= len(text) <= 4 and all("\u4e00" <= char <= "\u9fff" for char in text)


#: Up to this many names or id numbers are masked in text by plain replacement; more (a large graph, a
#: large batch) by one pattern pass per string.
_FEW = 8
_ID_PATTERN = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")


class Masker:
    """Masks person data, keeping the id numbers in ``keep`` (upper-case) unmasked.

    The id numbers to mask are those found in what is masked (:meth:`body`, :meth:`data`, :meth:`scan`);
    the names are those paired with them in JSON objects.
    """

    def __init__(self, keep: frozenset[str] = frozenset()) -> None:
        self.keep = keep
        #: The kept id numbers met (what the caller was shown unmasked).
        self.kept: set[str] = set()
        self._ids: set[str] = set()
        self._tokens: list[tuple[str, str]] = []
        self._replacements: dict[str, str] = {}
        self._pairs: dict[int, list[tuple[str, str]]] = {}
        self._few: list[tuple[str, str]] = []
        #: Many names (a large graph): name → masked, and the names' lengths, longest first.
        self._names: dict[str, str] = {}
        self._lengths: list[int] = []

    def scan(self, data: bytes) -> bool:
        """Note the id numbers written in ``data``; whether there were any."""
        tokens = id_tokens(data)
        for token in tokens - {written for written, _ in self._tokens}:
            upper = token.upper()
            self._ids.add(upper)
            if upper in self.keep:
                self.kept.add(upper)
            else:
                self._tokens.append((token, mask_id_number(upper)))
                self._replacements[token] = self._tokens[-1][1]
        return bool(tokens)

    def body(self, body: bytes, content_type: str) -> bytes:
        """A response body masked: JSON by its structure, other text token by token."""
        if not self.scan(body) and not any(key in body for key in _FILER_KEYS_JSON):
            return body
        if content_type == "application/json":
            try:
                return orjson.dumps(self._data(orjson.loads(body)))
            except orjson.JSONDecodeError:
                pass
        return self.text(body.decode("utf-8", "replace")).encode("utf-8")

    def data(self, value: Any) -> Any:
        """``value`` (JSON-like) with every person id number (but those kept) and person name masked."""
        self.scan(orjson.dumps(value))
        return self._data(value)

    def text(self, text: str) -> str:
        """The id numbers and names noted so far masked in ``text``."""
        if not text.isascii():
            for name, masked in self._few:
                if name in text:
                    text = text.replace(name, masked)
            if self._names:
                text = self._mask_many_names(text)
        if len(self._tokens) <= _FEW:
            for token, masked in self._tokens:
                if token in text:
                    text = text.replace(token, masked)
        elif len(text) >= 18:
            text = _ID_PATTERN.sub(self._masked_token, text)
        return text

    def _mask_many_names(self, text: str) -> str:
        """Every occurrence of the many names in ``text`` masked, longest first at each position (a pattern of
        thousands of alternatives costs more to compile than this scan costs to run)."""
        names, lengths = self._names, self._lengths
        if len(text) <= lengths[0] and text in names:
            return names[text]
        pieces: list[str] = []
        start = position = 0
        size = len(text)
        while position < size:
            for length in lengths:
                masked = names.get(text[position : position + length])
                if masked is not None:
                    pieces.append(text[start:position])
                    pieces.append(masked)
                    position += length
                    start = position
                    break
            else:
                position += 1
        if not pieces:
            return text
        pieces.append(text[start:])
        return "".join(pieces)

    def _masked_token(self, match: re.Match[str]) -> str:
        token = match.group(0)
        return self._replacements.get(token, token)

    def _data(self, value: Any) -> Any:
        self._pairs = {}
        self._collect(value)
        names = {name.strip() for pairs in self._pairs.values() for _, name in pairs}
        usable = sorted((name for name in names if len(name) >= 2), key=len, reverse=True)
        self._few, self._names, self._lengths = [], {}, []
        if len(usable) <= _FEW:
            self._few = [(name, mask_name(name)) for name in usable]
        else:
            self._names = {name: mask_name(name) for name in usable}
            self._lengths = sorted({len(name) for name in usable}, reverse=True)
        try:
            return self._value(value)
        finally:
            self._pairs = {}

    def _person_names(self, node: dict[str, Any]) -> list[tuple[str, str]]:
        """``(name key, name)`` of the persons ``node`` identifies by id number, and of the filers it names
        that look like persons (an objection or a repair application filed by a person, who is named but
        not identified by number)."""
        found: list[tuple[str, str]] = []
        for key in _FILER_KEYS:
            filer = node.get(key)
            if isinstance(filer, str) and looks_like_person_name(filer):
                found.append((key, filer))
        for key, value in node.items():
            if not isinstance(value, str) or len(value) < 18:
                continue
            code = value[7:] if value.startswith("person:") else value
            if code.upper() not in self._ids:
                continue
            if any(node.get(type_key) == "enterprise" for type_key in _TYPE_KEYS):
                return []
            for name_key in _name_keys(key):
                name = node.get(name_key)
                if isinstance(name, str) and name:
                    found.append((name_key, name))
        return found

    def _collect(self, value: object) -> None:
        if isinstance(value, dict):
            pairs = self._person_names(value)
            if pairs:
                self._pairs[id(value)] = pairs
            for item in value.values():
                if isinstance(item, dict | list):
                    self._collect(item)
        elif isinstance(value, list):
            for item in value:
                if isinstance(item, dict | list):
                    self._collect(item)

    def _value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self._value(item) for item in value]
        if isinstance(value, dict):
            masked = {
                (self.text(key) if len(key) >= 18 else key): self._value(item) for key, item in value.items()
            }
            for name_key, name in self._pairs.get(id(value), ()):
                masked[name_key] = mask_name(name)
            return masked
        return value


def _structural_name(name: str) -> bool:
    """``name`` can be masked by replacing its bytes in the encoded answer with the same result as
    :class:`Masker` (which masks names only in non-ASCII strings, sets a paired name field to the masked
    name of the stripped text, and leaves names shorter than two characters to that field): two or more
    characters, none of them ASCII (so none that JSON escapes, no digit of an id number, no mask sign), none
    that ``strip`` removes."""
    return len(name) >= 2 and name == name.strip() and all(char > "\x7f" for char in name)


def mask_check_answer(
    answer: dict[str, Any], body: bytes, sight: Sight, keep: frozenset[str] = frozenset()
) -> tuple[bytes, set[str]]:
    """The check's answer (``body``, the encoding of ``answer`` as ``api.schemas.check_data`` builds it) as a
    caller with ``sight`` may see it, and the person id numbers it leaves unmasked (what the audit log
    records as read).

    The same bytes as :meth:`Masker.body` makes of ``body`` (``tests/api/test_masking_check.py`` compares them
    over a generated city), found from the answer's known structure instead of parsing and rebuilding the
    JSON: the persons are the subject and the entries' subjects that are persons; their names and the id
    numbers not kept are replaced in the encoded bytes. An answer this cannot mask exactly the generic way's
    result — several names or several id numbers to mask (where the generic way's order of replacement
    matters), a name JSON escapes or ASCII, filers' fields — is masked by :class:`Masker`.

    Notes
    -----
    Linear in the size of the answer: one scan for id-shaped tokens (``bytes.find``) and at most two
    ``bytes.replace``.
    """
    if sight is Sight.FULL:
        return body, person_ids_in(body)
    if sight is not Sight.ASKED:
        keep = frozenset()
    tokens = id_tokens(body)
    filers = any(key in body for key in _FILER_KEYS_JSON)
    if not tokens and not filers:
        return body, set()
    ids = {token.upper() for token in tokens}
    hidden = [token for token in tokens if token.upper() not in keep]
    names: set[str] = set()
    for node, code_key, name_key in [
        (answer["subject"], "code", "name"),
        *((item["entry"], "subject_code", "subject_name") for item in answer["items"]),
    ]:
        code, name = node.get(code_key), node.get(name_key)
        if node.get("subject_type") == "enterprise" or not isinstance(code, str) or code.upper() not in ids:
            continue
        if isinstance(name, str) and name:
            names.add(name)
    if filers or len(hidden) > 1 or len(names) > 1 or not all(_structural_name(name) for name in names):
        masker = Masker(keep)
        return masker.body(body, "application/json"), masker.kept
    for name in names:
        body = body.replace(name.encode("utf-8"), mask_name(name).encode("utf-8"))
    for token in hidden:
        body = body.replace(token.encode("ascii"), mask_id_number(token.upper()).encode("ascii"))
    return body, ids & keep


def mask_batch_answer(
    body: bytes, sight: Sight, keep: frozenset[str] = frozenset()
) -> tuple[bytes, set[str]]:
    """The batch check's answer (``body``: ids as asked, flags, measure ids and error texts — no person names)
    as a caller with ``sight`` may see it, and the person id numbers it leaves unmasked.

    The same bytes as :meth:`Masker.body` makes of ``body`` (``tests/api/test_masking_check.py``): a business
    system's answer names only the ids it sent, which it sees, so the usual answer leaves unchanged after
    one scan instead of being parsed and rebuilt (~9 ms for 1,000 ids). An answer with an id number to mask
    (a caller who sees masked ids) is masked by :class:`Masker`.
    """
    if sight is Sight.FULL:
        return body, person_ids_in(body)
    if sight is not Sight.ASKED:
        keep = frozenset()
    ids = {token.upper() for token in id_tokens(body)}
    if ids <= keep and not any(key in body for key in _FILER_KEYS_JSON):
        return body, ids
    masker = Masker(keep)
    return masker.body(body, "application/json"), masker.kept


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
    query = bytes(scope.get("query_string") or b"")
    if purpose is None and b"purpose=" in query:
        values = parse_qs(query.decode("latin-1")).get("purpose")
        purpose = clean_purpose(values[0]) if values else None
    return purpose


def asked_ids(scope: Scope, request_body: bytes = b"") -> frozenset[str]:
    """The person id numbers a caller sent: in the path, the query or the request body (what a business
    system sees unmasked)."""
    asked = str(scope.get("path", "")) + bytes(scope.get("query_string") or b"").decode("latin-1")
    return frozenset(person_ids_in(asked) | person_ids_in(request_body))


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

#: Where a route that masked its answer itself (:func:`mask_check_answer`) leaves it for the guard
#: (``scope["state"]``), as a :class:`Premasked`.
PREMASKED_KEY = "credlink.premasked"


@dataclass(frozen=True, slots=True)
class Premasked:
    """An answer a route masked itself for ``principal`` (with ``purpose`` stated): the guard sends a body
    equal to ``body`` as it is and records ``shown`` as read; any other body (an error raised after the
    route set this) it masks itself."""

    body: bytes
    shown: frozenset[str]
    principal: Principal
    purpose: str | None


def premask(
    scope: Scope, body: bytes, shown: set[str] | frozenset[str], principal: Principal, purpose: str | None
) -> None:
    """Tell the guard that ``body`` is already masked for ``principal`` and shows ``shown`` unmasked."""
    scope.setdefault("state", {})[PREMASKED_KEY] = Premasked(body, frozenset(shown), principal, purpose)


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
                await self._audit(scope, sent_status, b"".join(received), set(), b"")
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

        # A GET or HEAD carries no body worth keeping: no wrapper around ``receive`` on the check's path.
        bodiless = scope.get("method") in ("GET", "HEAD")
        try:
            await self.app(scope, receive if bodiless else tee, guarded)
        except Exception:
            if sent_status is None:
                await self._audit(scope, 500, b"".join(received), set(), b"")
            raise

    async def _finish(
        self, scope: Scope, start: Message, body: bytes, request_body: bytes
    ) -> tuple[bytes, list[tuple[bytes, bytes]]]:
        premasked = (scope.get("state") or {}).get(PREMASKED_KEY)
        if isinstance(premasked, Premasked) and premasked.body == body:
            caller = premasked.principal, premasked.purpose
            await self._audit(scope, int(start["status"]), request_body, set(premasked.shown), body, caller)
            return body, list(start.get("headers", ()))
        principal = principal_of(scope)
        purpose = stated_purpose(scope, principal)
        sight = sight_of(principal, purpose)
        headers = [(bytes(key), bytes(value)) for key, value in start.get("headers", ())]
        original = body
        shown: set[str] = set()
        if sight is Sight.FULL:
            shown = person_ids_in(body)
        else:
            keep: frozenset[str] = frozenset()
            if sight is Sight.ASKED:
                keep = asked_ids(scope, request_body)
            masker = Masker(keep)
            body = masker.body(body, _content_type(headers))
            for key, value in headers:
                if key.lower() == b"content-disposition":
                    masker.scan(value)
            headers = [
                (key, masker.text(value.decode("latin-1")).encode("latin-1"))
                if key.lower() == b"content-disposition"
                else (key, value)
                for key, value in headers
                if key.lower() != b"content-length"
            ]
            headers.append((b"content-length", str(len(body)).encode("ascii")))
            shown = masker.kept
        await self._audit(scope, int(start["status"]), request_body, shown, original, (principal, purpose))
        return body, headers

    async def _audit(
        self,
        scope: Scope,
        status: int,
        request_body: bytes,
        shown: set[str],
        original: bytes,
        caller: tuple[Principal, str | None] | None = None,
    ) -> None:
        """Record a write, or a read whose answer showed the persons ``shown`` unmasked; ``original`` is the
        answer before masking (a write names every person it concerns)."""
        app = scope.get("app")
        audit = getattr(getattr(app, "state", None), "audit", None)
        if audit is None:
            return
        method = str(scope.get("method", "GET"))
        route = _route_path(scope)
        write = method in WRITE_METHODS and route not in READ_POSTS
        if not write and not shown:
            return
        if caller is None:
            principal = principal_of(scope)
            caller = principal, stated_purpose(scope, principal)
        principal, purpose = caller
        action = f"{method} {route}"
        target = _target(scope)
        if write:
            whom = person_ids_in(original) | person_ids_in(target) | person_ids_in(request_body)
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
