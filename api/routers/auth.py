"""``POST /v1/auth/token`` (OAuth2 password flow: a user's name and password for a signed, expiring bearer
token) and ``GET /v1/auth/me`` (who the credential of this request belongs to)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from api.auth import ANY_ROLE, Authenticator, RateLimiter, public, require
from api.errors import InvalidCredentials, error_responses
from api.principal import Principal, PrincipalDep

router = APIRouter(prefix="/v1/auth", tags=["auth"])


class TokenResponse(BaseModel):
    access_token: str = Field(description="签名令牌 / the bearer token (JWT)")
    token_type: str = Field(default="bearer", examples=["bearer"])
    expires_in: int = Field(description="有效秒数 / seconds until it expires", examples=[3600])
    role: str = Field(description="角色 / the user's role", examples=["investigator"])


class MeResponse(BaseModel):
    actor: str = Field(examples=["user:wang.fang"])
    role: str = Field(examples=["investigator"])
    department: str | None = None
    business_items: list[str] | None = None
    list_types: list[str] | None = None
    purpose: str | None = Field(default=None, description="本次请求声明的用途（X-Purpose）/ stated purpose")

    @classmethod
    def of(cls, principal: Principal) -> MeResponse:
        return cls(
            actor=principal.actor,
            role=principal.role.value,
            department=principal.department,
            business_items=sorted(principal.business_items) if principal.business_items else None,
            list_types=sorted(principal.list_types) if principal.list_types else None,
            purpose=principal.purpose,
        )


@router.post(
    "/token",
    summary="登录取得令牌 / log in: OAuth2 password flow, a signed token that expires",
    response_model=TokenResponse,
    responses=error_responses(401, 422, 429),
    dependencies=[public()],
)
async def token(request: Request, form: Annotated[OAuth2PasswordRequestForm, Depends()]) -> TokenResponse:
    # Failed attempts per user name (against guessing): see api.app (a successful login costs nothing).
    failures: RateLimiter = request.app.state.login_limiter
    failures.ensure_left(form.username)
    authenticator: Authenticator = request.app.state.authenticator
    access = authenticator.access
    if access is None:
        raise InvalidCredentials("服务正在启动，请稍后重试")
    # argon2 takes tens of milliseconds on purpose: off the event loop.
    principal = await run_in_threadpool(access.authenticate_password, form.username, form.password)
    if principal is None:
        failures.take(form.username)
        raise InvalidCredentials("用户名或密码错误，或账号已停用")
    generation = await run_in_threadpool(access.token_generation, form.username)
    issued, seconds = authenticator.tokens.issue(form.username, generation=generation)
    return TokenResponse(access_token=issued, expires_in=seconds, role=principal.role.value)


@router.get(
    "/me",
    summary="当前身份 / who this request's credential belongs to",
    response_model=MeResponse,
    responses=error_responses(401),
    dependencies=[require(*ANY_ROLE)],
)
async def me(principal: PrincipalDep) -> MeResponse:
    return MeResponse.of(principal)
