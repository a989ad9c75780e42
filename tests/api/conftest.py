"""Until authentication lands (the access helper's ``auth_headers``), the API tests written before it call
the routes without credentials and expect to see what an administrator sees: an app built in these tests
answers an unauthenticated request as a credit administrator instead of as the public.

Only ``api.principal.get_principal``'s fallback changes; a request for which no principal is settled at all
(an unknown route) is still masked by ``api.masking``, and the masking and audit tests set their principal
with ``app.dependency_overrides``. TODO(merge): delete this file once the tests use authenticated clients.
"""

from __future__ import annotations

import pytest

from api.principal import Principal, Role

PRE_AUTH_ADMIN = Principal(actor="test:pre-auth", role=Role.CREDIT_ADMIN)


@pytest.fixture(autouse=True)
def _unauthenticated_is_admin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("api.principal.ANONYMOUS", PRE_AUTH_ADMIN)
