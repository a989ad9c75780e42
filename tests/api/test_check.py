"""``GET /v1/subjects/{id}/check``: restrictions direct and via a firm, by business item and as of a date."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api import CLEAN, DIRECT, FIRM, FIRM_NAME, NEW_LR, OLD_LR, PRINCIPAL, serve


@pytest.fixture
def client(tmp_path: Path, store_kind: str) -> Iterator[TestClient]:
    with serve(tmp_path, store_kind) as opened:
        yield opened


def _check(client: TestClient, subject: str, **params: str) -> dict[str, Any]:
    response = client.get(f"/v1/subjects/{subject}/check", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _measure_ids(body: dict[str, Any]) -> list[str]:
    return [m["measure_id"] for item in body["items"] for m in item["measures"]]


def test_derived_restriction_shows_the_path_department_and_basis(client: TestClient) -> None:
    body = _check(client, OLD_LR, business_item="public_procurement")
    assert body["subject"] == {"subject_type": "person", "code": OLD_LR, "name": "王旧"}
    assert body["restricted"] is True
    assert body["incentivised"] is False
    assert body["business_item"] == "public_procurement"
    (item,) = body["items"]
    assert item["entry"]["entry_id"] == "B-FIRM"
    assert item["entry"]["department"] == "常州市中级人民法院"
    assert item["via"] == {
        "enterprise_uscc": FIRM,
        "enterprise_name": FIRM_NAME,
        "role": "legal_representative",
        "role_start": "2015-01-01",
        "role_end": "2022-06-30",
        "holder_basis": "act_date",
        "valid_from": "2022-03-01",
        "valid_to": None,
    }
    (measure,) = item["measures"]
    assert measure["measure_id"] == "M-LR-GP"
    assert measure["implementing_department"] == "常州市财政局"
    assert measure["legal_basis"] == "《关于对失信被执行人实施联合惩戒的合作备忘录》"
    explanation = item["explanation"]
    assert f"因 {FIRM_NAME}（{FIRM}）被列入失信被执行人名单" in explanation
    assert "2015-01-01 至 2022-06-30 担任法定代表人" in explanation
    assert (
        "限制参与政府采购活动（常州市财政局；依据《关于对失信被执行人实施联合惩戒的合作备忘录》）"
        in explanation
    )
    assert "受到限制" in body["summary"]
    assert "政府采购" in body["summary"]


def test_business_item_filters_measures(client: TestClient) -> None:
    assert _measure_ids(_check(client, NEW_LR)) == ["M-LR-GP", "M-LR-HC"]
    assert _measure_ids(_check(client, NEW_LR, business_item="public_procurement")) == ["M-LR-GP"]
    assert _measure_ids(_check(client, NEW_LR, business_item="high_consumption")) == ["M-LR-HC"]
    other = _check(client, NEW_LR, business_item="honours")
    assert other["restricted"] is False
    (item,) = other["items"]
    assert item["measures"] == []
    assert item["applies"] is False
    assert "无适用于“评优评先（honours）”的措施" in item["explanation"]


def test_at_a_past_date_answers_as_of_that_date(client: TestClient) -> None:
    # NEW_LR became legal representative on 2022-07-01, after the act: reached only from then on.
    before = _check(client, NEW_LR, at="2022-05-01")
    assert before["at"] == "2022-05-01"
    assert before["restricted"] is False
    assert before["items"] == []
    after = _check(client, NEW_LR, at="2022-07-01")
    assert after["restricted"] is True
    assert after["items"][0]["via"]["holder_basis"] == "current"
    assert "2022-07-01 至今 担任法定代表人" in after["items"][0]["explanation"]
    # OLD_LR held the role on the act date; nothing applies before the entry's validity starts.
    assert _check(client, OLD_LR, at="2022-02-28")["restricted"] is False
    assert _check(client, OLD_LR, at="2022-03-01")["restricted"] is True


def test_a_role_no_measure_targets_is_reported_but_not_restricted(client: TestClient) -> None:
    body = _check(client, PRINCIPAL)
    assert body["restricted"] is False
    (item,) = body["items"]
    assert item["via"]["role"] == "principal"
    assert item["measures"] == []
    assert "担任主要负责人" in item["explanation"]


def test_direct_entry_has_no_path(client: TestClient) -> None:
    body = _check(client, DIRECT, at="2024-01-01")
    assert body["restricted"] is True
    (item,) = body["items"]
    assert item["via"] is None
    assert item["entry"]["subject_code"] == DIRECT
    assert [m["target"] for m in item["measures"]] == ["subject"]
    assert "认定单位 常州市中级人民法院" in item["explanation"]
    assert "2023-02-01 至 2099-12-31" in item["explanation"]


def test_enterprise_check_lists_its_own_entry(client: TestClient) -> None:
    body = _check(client, FIRM, business_item="public_procurement")
    assert body["subject"]["subject_type"] == "enterprise"
    assert body["restricted"] is True
    assert _measure_ids(body) == ["M-SUBJ-GP"]


def test_clean_person_is_not_restricted(client: TestClient) -> None:
    body = _check(client, CLEAN, at="2024-01-01")
    assert body == {
        "subject": {"subject_type": "person", "code": CLEAN, "name": "周清"},
        "at": "2024-01-01",
        "business_item": None,
        "restricted": False,
        "incentivised": False,
        "suspended": False,
        "summary": f"截至 2024-01-01，周清（{CLEAN}），未发现适用的限制或激励措施。",
        "items": [],
    }


@pytest.mark.parametrize("bad", ["2022/05/01", "2022-13-01", "yesterday", "2022-5-1"])
def test_bad_date_is_400_naming_value_and_format(client: TestClient, bad: str) -> None:
    response = client.get(f"/v1/subjects/{OLD_LR}/check", params={"at": bad})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_date"
    assert bad in body["detail"]
    assert "YYYY-MM-DD" in body["detail"]
