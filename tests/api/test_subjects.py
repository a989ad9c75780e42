"""``GET /v1/subjects/{id}``: the profile, and how an id string is resolved (404, 422, 409)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.api import AMBIGUOUS, CLEAN, FIRM, FIRM_NAME, HALF_AMBIGUOUS, NEW_LR, OLD_LR, serve
from tests.fixtures import make_id_number, make_uscc


@pytest.fixture
def client(tmp_path: Path, store_kind: str) -> Iterator[TestClient]:
    with serve(tmp_path, store_kind) as opened:
        yield opened


def _wrong_check_character(code: str) -> str:
    return code[:-1] + ("0" if code[-1] != "0" else "1")


def test_person_profile_shows_roles_over_time_and_derived_paths(client: TestClient) -> None:
    response = client.get(f"/v1/subjects/{OLD_LR}")
    assert response.status_code == 200
    body = response.json()
    assert body["subject"] == {
        "subject_type": "person",
        "code": OLD_LR,
        "name": "王旧",
        "enterprise_kind": None,
        "enterprise_status": None,
        "region_code": None,
        "established": None,
    }
    assert [
        (r["enterprise_uscc"], r["enterprise_name"], r["role"], r["start"], r["end"]) for r in body["roles"]
    ] == [(FIRM, FIRM_NAME, "legal_representative", "2015-01-01", "2022-06-30")]
    assert body["entries"] == []
    (derived,) = body["derived"]
    assert derived["entry"]["entry_id"] == "B-FIRM"
    assert derived["person"]["code"] == OLD_LR
    assert derived["path"]["enterprise_uscc"] == FIRM
    assert derived["path"]["holder_basis"] == "act_date"


def test_enterprise_profile_shows_holders_and_entries(client: TestClient) -> None:
    body = client.get(f"/v1/subjects/{FIRM}").json()
    assert body["subject"]["subject_type"] == "enterprise"
    assert body["subject"]["region_code"] == "320402"
    assert {(r["holder_code"], r["role"]) for r in body["roles"]} == {
        (OLD_LR, "legal_representative"),
        (NEW_LR, "legal_representative"),
        (make_id_number(203), "principal"),
    }
    assert [e["entry_id"] for e in body["entries"]] == ["B-FIRM"]
    assert body["derived"] == []


def test_clean_subject_has_an_empty_profile(client: TestClient) -> None:
    body = client.get(f"/v1/subjects/{CLEAN}").json()
    assert (body["roles"], body["entries"], body["derived"]) == ([], [], [])


def test_ids_are_compacted(client: TestClient) -> None:
    spaced = f"{OLD_LR[:6]} {OLD_LR[6:14]} {OLD_LR[14:]}"
    assert client.get(f"/v1/subjects/{spaced}").json()["subject"]["code"] == OLD_LR


@pytest.mark.parametrize("path", ["/v1/subjects/{id}", "/v1/subjects/{id}/check"])
@pytest.mark.parametrize("unknown", [make_id_number(777), make_uscc(777)])
def test_unknown_valid_id_is_404(client: TestClient, path: str, unknown: str) -> None:
    response = client.get(path.format(id=unknown))
    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "not_found"
    assert unknown in body["detail"]


@pytest.mark.parametrize("path", ["/v1/subjects/{id}", "/v1/subjects/{id}/check"])
def test_malformed_id_number_is_422_naming_the_expected_check_character(
    client: TestClient, path: str
) -> None:
    wrong = _wrong_check_character(OLD_LR)
    response = client.get(path.format(id=wrong))
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_identifier"
    assert wrong in body["detail"]
    assert f"应为 {OLD_LR[-1]}" in body["detail"]


def test_malformed_uscc_is_422_naming_the_expected_check_character(client: TestClient) -> None:
    wrong = FIRM[:-1] + ("A" if FIRM[-1] != "A" else "B")
    body = client.get(f"/v1/subjects/{wrong}").json()
    assert body["code"] == "invalid_identifier"
    assert f"应为 {FIRM[-1]}" in body["detail"]


@pytest.mark.parametrize(("bad", "says"), [("12345", "长度为 5"), ("3204021970****0114", "掩码")])
def test_other_malformed_ids_say_what_is_wrong(client: TestClient, bad: str, says: str) -> None:
    response = client.get(f"/v1/subjects/{bad}/check")
    assert response.status_code == 422
    assert says in response.json()["detail"]


def test_id_valid_as_both_and_stored_as_both_is_409(client: TestClient) -> None:
    response = client.get(f"/v1/subjects/{AMBIGUOUS}/check")
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "ambiguous_identifier"
    assert "subject_type" in body["detail"]


@pytest.mark.parametrize(
    ("subject_type", "name"), [("person", "吴两可"), ("enterprise", "常州两可科技有限公司")]
)
def test_subject_type_settles_an_ambiguous_id(client: TestClient, subject_type: str, name: str) -> None:
    for path in (f"/v1/subjects/{AMBIGUOUS}", f"/v1/subjects/{AMBIGUOUS}/check"):
        response = client.get(path, params={"subject_type": subject_type})
        assert response.status_code == 200
        assert response.json()["subject"]["subject_type"] == subject_type
        assert response.json()["subject"]["name"] == name


def test_id_valid_as_both_but_stored_once_resolves(client: TestClient) -> None:
    response = client.get(f"/v1/subjects/{HALF_AMBIGUOUS}/check")
    assert response.status_code == 200
    assert response.json()["subject"] == {"subject_type": "person", "code": HALF_AMBIGUOUS, "name": "郑单"}


def test_unknown_subject_type_is_a_readable_validation_error(client: TestClient) -> None:
    response = client.get(f"/v1/subjects/{OLD_LR}", params={"subject_type": "robot"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "validation_error"
    assert "subject_type" in body["detail"]
