"""``GET /v1/entries/{entry_id}``: an entry, its measures and the persons it reached."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.api import FIRM, FIRM_ENTRY, NEW_LR, OLD_LR, PRINCIPAL, serve


@pytest.fixture
def client(tmp_path: Path, store_kind: str) -> Iterator[TestClient]:
    with serve(tmp_path, store_kind) as opened:
        yield opened


def test_entry_with_measures_and_derived_records(client: TestClient) -> None:
    response = client.get(f"/v1/entries/{FIRM_ENTRY}")
    assert response.status_code == 200
    body = response.json()
    assert body["entry"]["subject_code"] == FIRM
    assert body["entry"]["act_date"] == "2022-01-10"
    assert {m["measure_id"] for m in body["measures"]} == {"M-LR-GP", "M-LR-HC", "M-SUBJ-GP"}
    reached = {(d["person"]["code"], d["path"]["role"], d["path"]["holder_basis"]) for d in body["derived"]}
    assert reached == {
        (OLD_LR, "legal_representative", "act_date"),
        (NEW_LR, "legal_representative", "current"),
        (PRINCIPAL, "principal", "act_date"),
    }
    new = next(d for d in body["derived"] if d["person"]["code"] == NEW_LR)
    assert (new["path"]["role_start"], new["path"]["valid_from"]) == ("2022-07-01", "2022-07-01")


def test_unknown_entry_is_404(client: TestClient) -> None:
    response = client.get("/v1/entries/NO-SUCH-ENTRY")
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到名单记录 NO-SUCH-ENTRY", "code": "not_found"}
