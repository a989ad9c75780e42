"""Every route of the app declares its access rule, and the rule is what a request meets.

The routes are enumerated from the app itself (``api.app.route_access_rules``), so a route added later
without ``require(...)`` or ``public()`` fails here; then each is called without a credential (401 unless
public) and with a role it does not admit (403).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app, route_access_rules
from api.auth import ANY_ROLE, AccessRule
from api.principal import Role
from api.settings import Settings
from tests.api import serve
from tests.fixtures import issue_headers

#: A value for each path parameter of the app's routes (the rule is met before the value is looked at).
PATH_VALUES = {
    "subject_id": "320402198001010012",
    "entry_id": "NO-SUCH-ENTRY",
    "dispatch_id": "1",
    "list_id": "NO-SUCH-LIST",
    "application_id": "1",
    "version": "1",
    "before": "1",
    "after": "2",
    "measure_id": "NO-SUCH-MEASURE",
    "department": "常州市财政局",
    "path": "index.html",
}

#: Routes meant for anyone (R10: publicity lists, measures list, exit notices, health, the UI's files,
#: the API documents, logging in). A route becoming public must be added here on purpose.
EXPECTED_PUBLIC = {
    "/openapi.json",
    "/docs",
    "/docs/oauth2-redirect",
    "/redoc",
    "/healthz",
    "/v1/auth/token",
    "/v1/public/entries",
    "/v1/public/notices",
    "/v1/public/measures",
    "/v1/public/publicity",
    "/",
    "/ui",
    "/ui/",
    "/ui/catalog.json",
    "/ui/{path:path}",
}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with serve(tmp_path) as opened:
        opened.headers.pop("Authorization")  # these tests choose the credential of each request
        yield opened


def _url(path: str) -> str:
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: PATH_VALUES[m.group(1)], path)


def _routes(client: TestClient) -> list[tuple[str, str, AccessRule | None]]:
    return route_access_rules(client.app)  # type: ignore[arg-type]


def test_every_route_declares_an_access_rule(client: TestClient) -> None:
    routes = _routes(client)
    assert len(routes) > 60
    undeclared = [f"{methods} {path}" for methods, path, rule in routes if rule is None]
    assert undeclared == []
    public = {path for _, path, rule in routes if rule is not None and rule.public}
    assert public == EXPECTED_PUBLIC


def test_a_route_without_a_rule_is_found(tmp_path: Path) -> None:
    app = create_app(Settings(db=tmp_path / "x.db"))

    def forgotten() -> dict[str, str]:
        return {}

    app.add_api_route("/v1/forgotten", forgotten)
    missing = [path for _, path, rule in route_access_rules(app) if rule is None]
    assert missing == ["/v1/forgotten"]


def test_without_a_credential_only_public_routes_answer(client: TestClient) -> None:
    for methods, path, rule in _routes(client):
        assert rule is not None
        method = sorted(set(methods.split(",")) - {"HEAD"})[0]
        response = client.request(method, _url(path))
        if rule.public:
            assert response.status_code not in (401, 403), (method, path, response.text)
        else:
            assert response.status_code == 401, (method, path, response.text)
            assert response.json()["code"] == "unauthenticated"
            assert response.headers["www-authenticate"].startswith("Bearer")


def test_a_role_not_admitted_is_refused(client: TestClient) -> None:
    refused = 0
    for methods, path, rule in _routes(client):
        assert rule is not None
        if rule.public:
            continue
        outsider = next((role for role in ANY_ROLE if role not in rule.roles), None)
        if outsider is None:  # /v1/auth/me admits every credential
            continue
        narrowing = {
            Role.BUSINESS_SYSTEM: {"business_items": ["public_procurement"]},
            Role.IMPLEMENTING_DEPARTMENT: {"department": "常州市财政局"},
            Role.IDENTIFYING_DEPARTMENT: {"list_types": ["失信被执行人"]},
        }.get(outsider, {})
        headers = issue_headers(client.app, outsider, **narrowing)  # type: ignore[arg-type]
        method = sorted(set(methods.split(",")) - {"HEAD"})[0]
        response = client.request(method, _url(path), headers=headers)
        assert response.status_code == 403, (method, path, outsider, response.text)
        assert response.json()["code"] == "forbidden"
        refused += 1
    assert refused > 50


def test_the_auditor_reaches_nothing_but_the_audit_log_and_who_it_is(client: TestClient) -> None:
    auditor = issue_headers(client.app, Role.AUDITOR)  # type: ignore[arg-type]
    assert client.get("/v1/auth/me", headers=auditor).json()["role"] == "auditor"
    for _, path, rule in _routes(client):
        assert rule is not None
        if not rule.public and path != "/v1/auth/me" and not path.startswith("/v1/audit"):
            assert Role.AUDITOR not in rule.roles, path


def test_an_override_of_get_principal_is_honoured_by_the_rules(client: TestClient) -> None:
    """Masking and audit tests may stand a principal in for authentication; the rules then apply to it."""
    from api.principal import Principal, get_principal

    app = client.app
    app.dependency_overrides[get_principal] = lambda: Principal(actor="test", role=Role.AUDITOR)  # type: ignore[attr-defined]
    try:
        assert client.get("/v1/auth/me").json()["actor"] == "test"
        assert client.get("/v1/jobs").status_code == 403
    finally:
        app.dependency_overrides.clear()  # type: ignore[attr-defined]
    assert client.get("/v1/jobs").status_code == 401


def test_the_openapi_document_names_how_to_authenticate_and_who_may_call(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    assert set(document["components"]["securitySchemes"]) == {
        "OAuth2Password",
        "APIKeyHeader",
        "BearerAPIKey",
    }
    assert document["components"]["securitySchemes"]["OAuth2Password"]["flows"]["password"]["tokenUrl"] == (
        "/v1/auth/token"
    )
    for methods, path, rule in _routes(client):
        assert rule is not None
        for method in methods.split(","):
            operation = document["paths"].get(path, {}).get(method.lower())
            if operation is None:  # the UI's routes and HEAD are not in the document
                continue
            if rule.public:
                assert "security" not in operation, path
            else:
                assert operation["x-credlink-roles"] == sorted(role.value for role in rule.roles), path
                assert {"401", "403"} <= set(operation["responses"]), path
