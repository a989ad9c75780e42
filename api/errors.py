"""The one place where errors become HTTP responses: ``{"detail": …, "code": …}``, never a stack trace.

Domain code raises :class:`graph.errors.CredlinkError` subclasses carrying ``status`` and ``code``;
request validation, unknown routes and anything unexpected are mapped here too, so that every error
a client sees has the same shape.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.schemas import ErrorResponse
from graph.errors import CredlinkError, InvalidRequest

log = logging.getLogger("credlink.api")


class BatchTooLarge(InvalidRequest):
    """A batch check carrying more ids than the server accepts."""

    status = 422
    code = "batch_too_large"


class OverCap(InvalidRequest):
    """A graph or analytics request asking for more than a hard cap (nodes, hops, page size, limit): it is
    refused up front rather than left to time out."""

    status = 422
    code = "over_cap"


class Unauthenticated(CredlinkError):
    """No credential where one is needed, or one that is unknown, revoked, disabled or expired."""

    status = 401
    code = "unauthenticated"
    headers: Mapping[str, str] = {"WWW-Authenticate": "Bearer"}


class InvalidCredentials(Unauthenticated):
    code = "invalid_credentials"


class Forbidden(CredlinkError):
    """A known caller whose role, or whose narrowing (business items, department, list types), does not
    reach what it asked for."""

    status = 403
    code = "forbidden"


class RateLimited(CredlinkError):
    """A client over its rate of checks; ``Retry-After`` says in how many seconds to try again."""

    status = 429
    code = "rate_limited"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.headers: Mapping[str, str] = {"Retry-After": str(retry_after)}


class InsecureSettings(CredlinkError):
    """Production settings with a missing, default or short secret: the service refuses to start."""

    status = 500
    code = "insecure_settings"


_DESCRIPTIONS: dict[int, str] = {
    400: "请求参数有误（如日期不是 YYYY-MM-DD） / bad parameter such as a date",
    401: "未登录或凭证无效、已过期、已吊销 / missing, invalid, expired or revoked credential",
    403: "无权访问：角色或授权范围（业务事项、部门、名单类型）不允许 / role or scope does not permit it",
    429: "核查过于频繁，请按 Retry-After 秒数后重试 / too many checks, retry after Retry-After seconds",
    404: "主体或名单记录不存在 / the subject or entry is not stored",
    409: "号码既是有效统一社会信用代码又是有效身份证号码，且两类主体均有登记 / ambiguous id",
    422: "号码格式或校验位错误，或请求体不合法 / malformed id or request",
    500: "内部错误 / internal error",
    503: "数据库不可用 / store unavailable",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route: each listed status documented with :class:`ErrorResponse`."""
    return {status: {"model": ErrorResponse, "description": _DESCRIPTIONS[status]} for status in statuses}


def _error(status: int, detail: str, code: str, headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        status_code=status,
        content=ErrorResponse(detail=detail, code=code).model_dump(),
        headers=dict(headers) if headers else None,
    )


async def credlink_error(_: Request, exc: CredlinkError) -> JSONResponse:
    if exc.status >= 500:
        log.warning("%s: %s", exc.code, exc.detail)
    return _error(exc.status, exc.detail, exc.code, getattr(exc, "headers", None))


def _location(loc: Sequence[Any]) -> str:
    parts = [str(part) for part in loc if part not in ("body", "query", "path")]
    return ".".join(parts) or "请求体"


async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
    problems = [f"{_location(err.get('loc', ()))}：{err.get('msg', '')}" for err in exc.errors()]
    return _error(422, "请求参数不合法：" + "；".join(problems), "validation_error")


async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
    if exc.status_code == 400 and exc.detail == "There was an error parsing the body":
        # A body that is not even text (FastAPI answers malformed JSON with 422 itself, undecodable bytes with
        # this 400): the same 422 as any malformed request, which every route with a body declares.
        return _error(422, "请求参数不合法：请求体无法解析，应为 UTF-8 编码的 JSON", "validation_error")
    codes = {404: "not_found", 405: "method_not_allowed"}
    messages = {404: "没有这个地址（请查看 /docs）", 405: "该地址不支持此请求方法"}
    response = _error(
        exc.status_code,
        messages.get(exc.status_code, str(exc.detail)),
        codes.get(exc.status_code, "http_error"),
    )
    # A 405 names the methods the address does support (``Allow``, RFC 9110 §15.5.6).
    response.headers.update(exc.headers or {})
    return response


async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    """Never a stack trace or an exception's text in the response: a generic message and an error id, which
    the log line carries with the trace so an administrator can find it."""
    error_id = secrets.token_hex(6)
    log.error("unexpected error %s on %s %s", error_id, request.method, request.url.path, exc_info=exc)
    return _error(
        500, f"服务器内部错误，请稍后重试；如需联系管理员，请提供错误编号 {error_id}", "internal_error"
    )


EXCEPTION_HANDLERS: dict[int | type[Exception], Any] = {
    CredlinkError: credlink_error,
    RequestValidationError: validation_error,
    StarletteHTTPException: http_error,
    Exception: unexpected_error,
}
