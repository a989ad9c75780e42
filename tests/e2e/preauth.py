"""The e2e server's app until the workbench logs in (the access helper's login form): every request is
answered as a credit administrator, as ``tests/api/conftest.py`` does for the API tests. Without it the
guard of ``api/masking.py`` masks the persons the workbench tests look for, as it should for the public.
TODO(merge): delete this file and serve ``api.app:create_app`` once the workbench authenticates.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import FastAPI

from api.app import create_app as create_real_app
from api.principal import Principal, Role

Scope = MutableMapping[str, Any]
ASGI = Callable[[Scope, Any, Any], Awaitable[None]]

PRE_AUTH_ADMIN = Principal(actor="test:e2e-pre-auth", role=Role.CREDIT_ADMIN)


class _AsAdmin:
    def __init__(self, app: FastAPI) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            scope.setdefault("state", {})["principal"] = PRE_AUTH_ADMIN
        await self.app(scope, receive, send)


def create_app() -> ASGI:
    return _AsAdmin(create_real_app())
