"""Publicity over HTTP (§六(三), R10): the public red and black lists and the exit and correction notices, on
the tiny city plus a few more entries, on a real SQLite store.

Added to the city: 欧阳小明 (REPAIRED) listed black from 2023-05-01 and repaired on 2024-05-02; 钱错列
(WRONGED) listed black from 2023-06-01 and revoked (误列) on 2024-05-06; 常州乙贸易有限公司 (CLEAN_FIRM) on a red
list from 2023-01-01; seven firms (PAGED) listed black on four days, two or more per day, for paging. 孙直
(DIRECT) files an objection on 2024-05-06 and stays under verification.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from graph import propagation
from graph.lifecycle import Action, act, apply_for_repair, decide_repair
from graph.privacy import mask_id_number
from graph.store.sqlite import SQLiteStore
from tests.api import (
    AMBIGUOUS,
    CLEAN,
    CLEAN_FIRM,
    DIRECT,
    DIRECT_ENTRY,
    FIRM,
    FIRM_ENTRY,
    FIRM_NAME,
    HALF_AMBIGUOUS,
    NEW_LR,
    OLD_LR,
    PRINCIPAL,
    build_city,
)
from tests.fixtures import admin_client, batch, enterprise, entry, make_id_number, make_uscc, person, policy

REPAIRED = make_id_number(301)
WRONGED = make_id_number(302)
REPAIRED_ENTRY = "B-OUYANG"
WRONGED_ENTRY = "B-WRONG"
RED_ENTRY = "R-CLEAN"
RED_LIST = "纳税信用A级纳税人"
PAGED = [make_uscc(40 + n) for n in range(7)]
PAGED_DAYS = [
    "2023-01-01",
    "2023-01-01",
    "2023-02-01",
    "2023-02-01",
    "2023-02-01",
    "2023-03-01",
    "2023-03-01",
]

#: Every person of the city, with their name: none of these may appear unmasked in a public answer.
PERSONS = {
    OLD_LR: "王旧",
    NEW_LR: "李新",
    PRINCIPAL: "赵负",
    DIRECT: "孙直",
    CLEAN: "周清",
    AMBIGUOUS: "吴两可",
    HALF_AMBIGUOUS: "郑单",
    REPAIRED: "欧阳小明",
    WRONGED: "钱错列",
}


def build_public_city(path: Path) -> Path:
    build_city(path)
    store = SQLiteStore(path)
    try:
        store.write_batch(
            batch(
                list_policies=[policy(list_type=RED_LIST)],
                enterprises=[enterprise(code, f"常州分页{n}号有限公司") for n, code in enumerate(PAGED)],
                persons=[person(REPAIRED, "欧阳小明"), person(WRONGED, "钱错列")],
                list_entries=[
                    entry(REPAIRED_ENTRY, REPAIRED, subject_type="person", valid_from="2023-05-01"),
                    entry(WRONGED_ENTRY, WRONGED, subject_type="person", valid_from="2023-06-01"),
                    entry(
                        RED_ENTRY,
                        CLEAN_FIRM,
                        kind="red",
                        list_type=RED_LIST,
                        act_date=None,
                        valid_from="2023-01-01",
                    ),
                    *(
                        entry(f"B-PAGE-{n}", code, valid_from=day)
                        for n, (code, day) in enumerate(zip(PAGED, PAGED_DAYS, strict=True))
                    ),
                ],
            )
        )
        propagation.run_full(store)
        application = apply_for_repair(
            store, REPAIRED_ENTRY, applicant="欧阳小明", evidence="已履行全部义务", on=dt.date(2024, 5, 1)
        )
        decide_repair(
            store,
            application,
            approve=True,
            actor="常州市中级人民法院",
            reason="整改到位",
            on=dt.date(2024, 5, 2),
        )
        act(
            store,
            WRONGED_ENTRY,
            Action.revoke,
            actor="常州市中级人民法院",
            reason="身份信息误录",
            on=dt.date(2024, 5, 6),
        )
        act(store, DIRECT_ENTRY, Action.file_objection, actor="孙直", reason="已履行", on=dt.date(2024, 5, 6))
    finally:
        store.close()
    return path


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    db = build_public_city(tmp_path / "city.db")
    with TestClient(create_app(Settings(db=db))) as opened:
        admin_client(opened)
        yield opened


def _get(client: TestClient, url: str, **params: Any) -> dict[str, Any]:
    response = client.get(url, params=params)
    assert response.status_code == 200, response.text
    _assert_nothing_personal(response.text)
    body: dict[str, Any] = response.json()
    return body


def _assert_nothing_personal(text: str) -> None:
    for id_number, name in PERSONS.items():
        assert id_number not in text
        assert name not in text
    assert '"pk"' not in text


def _entries(client: TestClient, **params: Any) -> dict[str, dict[str, Any]]:
    body = _get(client, "/v1/public/entries", limit=200, **params)
    assert body["next_cursor"] is None
    return {item["entry_id"]: item for item in body["entries"]}


# --- the public list ---------------------------------------------------------------------------------------


def test_a_person_is_listed_masked_and_an_enterprise_as_registered(client: TestClient) -> None:
    listed = _entries(client, at="2024-01-01", kind="black")
    firm = listed[FIRM_ENTRY]
    assert (firm["subject_type"], firm["subject_name"], firm["subject_code"]) == (
        "enterprise",
        FIRM_NAME,
        FIRM,
    )
    assert firm == {
        "entry_id": FIRM_ENTRY,
        "kind": "black",
        "list_type": "失信被执行人",
        "department": "常州市中级人民法院",
        "basis": f"（2022）苏04执{FIRM_ENTRY}号",
        "decided_on": "2022-03-01",
        "valid_from": "2022-03-01",
        "valid_to": None,
        "status": "effective",
        "status_label": "生效",
        "subject_type": "enterprise",
        "subject_name": FIRM_NAME,
        "subject_code": FIRM,
    }
    direct = listed[DIRECT_ENTRY]
    assert (direct["subject_type"], direct["subject_name"], direct["subject_code"]) == (
        "person",
        "孙*",
        mask_id_number(DIRECT),
    )
    assert direct["subject_code"] == DIRECT[:4] + "*" * 10 + DIRECT[-4:]
    assert listed[REPAIRED_ENTRY]["subject_name"] == "欧**明"
    assert RED_ENTRY not in listed


def test_kind_filters_red_and_black(client: TestClient) -> None:
    assert list(_entries(client, at="2024-01-01", kind="red")) == [RED_ENTRY]
    both = _entries(client, at="2024-01-01")
    assert RED_ENTRY in both
    assert FIRM_ENTRY in both


def test_list_type_filters(client: TestClient) -> None:
    assert list(_entries(client, at="2024-01-01", list_type=RED_LIST)) == [RED_ENTRY]


def test_an_entry_under_verification_is_listed_as_such(client: TestClient) -> None:
    direct = _entries(client)[DIRECT_ENTRY]
    assert (direct["status"], direct["status_label"]) == ("under_verification", "异议核实中")


def test_a_repaired_entry_is_listed_until_its_end_and_not_after(client: TestClient) -> None:
    assert REPAIRED_ENTRY in _entries(client, at="2024-05-01")
    assert REPAIRED_ENTRY not in _entries(client, at="2024-05-02")
    assert REPAIRED_ENTRY not in _entries(client)


def test_a_revoked_entry_is_never_listed(client: TestClient) -> None:
    for day in ("2023-06-01", "2024-01-01", "2024-05-05", "2024-05-06", None):
        listed = _entries(client, **({"at": day} if day else {}))
        assert WRONGED_ENTRY not in listed
        assert FIRM_ENTRY in listed


def test_entries_not_yet_valid_or_past_valid_to_are_not_listed(client: TestClient) -> None:
    assert DIRECT_ENTRY not in _entries(client, at="2023-01-31")
    assert DIRECT_ENTRY in _entries(client, at="2023-02-01")
    assert DIRECT_ENTRY not in _entries(client, at="2100-01-01")


def test_newest_first(client: TestClient) -> None:
    body = _get(client, "/v1/public/entries", at="2024-01-01", limit=200)
    keys = [(item["valid_from"], item["entry_id"]) for item in body["entries"]]
    assert keys == sorted(keys, reverse=True)


@pytest.mark.parametrize("limit", [1, 2, 3, 7])
def test_pages_return_every_entry_exactly_once(client: TestClient, limit: int) -> None:
    everything = [item["entry_id"] for item in _get(client, "/v1/public/entries", at="2024-01-01")["entries"]]
    assert len(everything) == 11  # every entry of the city but the revoked one
    seen: list[str] = []
    cursor: str | None = None
    pages = 0
    while True:
        params: dict[str, Any] = {"at": "2024-01-01", "limit": limit}
        if cursor is not None:
            params["cursor"] = cursor
        body = _get(client, "/v1/public/entries", **params)
        assert len(body["entries"]) <= limit
        seen.extend(item["entry_id"] for item in body["entries"])
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == everything
    assert pages == -(-len(everything) // limit)


def test_search_by_enterprise_name_or_code(client: TestClient) -> None:
    assert list(_entries(client, q="甲建设")) == [FIRM_ENTRY]
    assert list(_entries(client, q=f" {FIRM} ")) == [FIRM_ENTRY]
    assert list(_entries(client, q="乙贸易", at="2024-01-01")) == [RED_ENTRY]
    assert _entries(client, q=FIRM[:10]) == {}


def test_search_treats_like_wildcards_literally(client: TestClient) -> None:
    assert _entries(client, q="%") == {}
    assert _entries(client, q="_") == {}


def test_a_person_is_found_by_the_full_id_number_only(client: TestClient) -> None:
    listed = _entries(client, q=DIRECT)
    assert list(listed) == [DIRECT_ENTRY]
    assert listed[DIRECT_ENTRY]["subject_code"] == mask_id_number(DIRECT)
    assert _entries(client, q="孙直") == {}
    assert _entries(client, q="孙") == {}
    assert _entries(client, q=DIRECT[:17]) == {}
    assert _entries(client, q=mask_id_number(DIRECT)) == {}


def test_the_limit_is_capped(client: TestClient) -> None:
    response = client.get("/v1/public/entries", params={"limit": 201})
    assert response.status_code == 422
    assert response.json()["code"] == "limit_too_large"
    assert "200" in response.json()["detail"]
    assert client.get("/v1/public/entries", params={"limit": 200}).status_code == 200
    assert client.get("/v1/public/entries", params={"limit": 0}).status_code == 422


@pytest.mark.parametrize("cursor", ["garbage", "W10", "WyJuIiwiMjAyNC0wMS0wMSIsMV0"])
def test_a_bad_cursor_is_422(client: TestClient, cursor: str) -> None:
    response = client.get("/v1/public/entries", params={"cursor": cursor})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_cursor"


def test_bad_parameters(client: TestClient) -> None:
    response = client.get("/v1/public/entries", params={"at": "2024-13-01"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_date"
    response = client.get("/v1/public/entries", params={"kind": "grey"})
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


# --- notices -----------------------------------------------------------------------------------------------


def test_an_exit_notice_after_repair_is_published_with_the_person_masked(client: TestClient) -> None:
    body = _get(client, "/v1/public/notices", kind="exit")
    (notice,) = body["notices"]
    assert notice["entry_id"] == REPAIRED_ENTRY
    assert (notice["kind"], notice["kind_label"], notice["published_on"]) == (
        "exit",
        "退出公告",
        "2024-05-02",
    )
    assert notice["text"].startswith(
        f"退出公告：欧**明（{mask_id_number(REPAIRED)}） 经信用修复，自 2024-05-02 起"
    )
    assert (notice["subject_type"], notice["subject_name"], notice["subject_code"]) == (
        "person",
        "欧**明",
        mask_id_number(REPAIRED),
    )
    assert (notice["list_kind"], notice["list_type"]) == ("black", "失信被执行人")


def test_a_correction_is_published_and_the_apology_is_not(client: TestClient) -> None:
    body = _get(client, "/v1/public/notices")
    assert [(n["entry_id"], n["kind"]) for n in body["notices"]] == [
        (WRONGED_ENTRY, "correction"),
        (REPAIRED_ENTRY, "exit"),
    ]
    correction = body["notices"][0]
    assert correction["text"].startswith(f"更正：撤销 钱*列（{mask_id_number(WRONGED)}） 的失信被执行人")
    assert "道歉" not in body["notices"][0]["text"]
    assert [n["entry_id"] for n in _get(client, "/v1/public/notices", kind="correction")["notices"]] == [
        WRONGED_ENTRY
    ]


def test_notices_since(client: TestClient) -> None:
    assert [n["entry_id"] for n in _get(client, "/v1/public/notices", since="2024-05-03")["notices"]] == [
        WRONGED_ENTRY
    ]
    assert len(_get(client, "/v1/public/notices", since="2024-05-02")["notices"]) == 2


def test_notices_page_with_a_cursor(client: TestClient) -> None:
    first = _get(client, "/v1/public/notices", limit=1)
    assert [n["entry_id"] for n in first["notices"]] == [WRONGED_ENTRY]
    second = _get(client, "/v1/public/notices", limit=1, cursor=first["next_cursor"])
    assert [n["entry_id"] for n in second["notices"]] == [REPAIRED_ENTRY]
    assert second["next_cursor"] is None
    response = client.get("/v1/public/entries", params={"cursor": first["next_cursor"]})
    assert response.status_code == 422


def test_notice_parameters(client: TestClient) -> None:
    assert client.get("/v1/public/notices", params={"kind": "apology"}).status_code == 422
    assert client.get("/v1/public/notices", params={"kind": "reclaim"}).status_code == 422
    response = client.get("/v1/public/notices", params={"since": "yesterday"})
    assert (response.status_code, response.json()["code"]) == (400, "invalid_date")
    assert client.get("/v1/public/notices", params={"limit": 500}).json()["code"] == "limit_too_large"


def test_public_endpoints_are_documented(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/v1/public/entries", "/v1/public/notices"):
        assert {"200", "400", "422"} <= set(paths[path]["get"]["responses"])
