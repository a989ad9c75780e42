"""Preliminary lists over HTTP on the tiny city (R1, R2, §二(四)): JSON and file submission, cross-comparison,
publicity (with the public list), prior notification, taking effect, withdrawal and the periodic job.

Added to the city: the red list type 诚信典型 (publicity five days) and the black list type 法院失信 (black
entries may skip publicity, on a prior notification).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from graph.privacy import mask_id_number, mask_name
from graph.store.sqlite import SQLiteStore
from tests.api import CLEAN, CLEAN_FIRM, DIRECT, FIRM, FIRM_ENTRY, FIRM_NAME, NEW_LR, build_city
from tests.fixtures import admin_client, batch, make_uscc, policy

RED_LIST = "诚信典型"
SKIP_LIST = "法院失信"
RED_DEPARTMENT = "常州市发展和改革委员会"
COURT = "常州市中级人民法院"
BAD_USCC = make_uscc(99)[:-1] + ("0" if make_uscc(99)[-1] != "0" else "1")


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    db = build_city(tmp_path / "city.db")
    store = SQLiteStore(db)
    try:
        store.write_batch(
            batch(
                list_policies=[
                    policy(list_type=RED_LIST, roles="legal_representative", publicity_days=5),
                    policy(list_type=SKIP_LIST, black_skip_publicity=True),
                ]
            )
        )
    finally:
        store.close()
    with TestClient(create_app(Settings(db=db))) as opened:
        admin_client(opened)
        yield opened


def _red(entry_id: str, subject_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "entry_id": entry_id,
        "subject_id": subject_id,
        "list_type": RED_LIST,
        "basis": f"常发改信〔2024〕{entry_id}号",
        "valid_from": "2024-05-01",
        **extra,
    }


def _submit(client: TestClient, entries: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    body = {
        "department": RED_DEPARTMENT,
        "kind": "red",
        "submitted_by": "王科员",
        "on": "2024-05-01",
        "entries": entries,
    }
    response = client.post("/v1/preliminary-lists", json={**body, **extra})
    assert response.status_code == 201, response.text
    answer: dict[str, Any] = response.json()
    return answer


def _action(client: TestClient, list_id: str, action: str, status: int = 200, **body: Any) -> dict[str, Any]:
    response = client.post(f"/v1/preliminary-lists/{list_id}/{action}", json=body)
    assert response.status_code == status, response.text
    answer: dict[str, Any] = response.json()
    return answer


def _check(client: TestClient, subject_id: str, at: str) -> dict[str, Any]:
    response = client.get(f"/v1/subjects/{subject_id}/check", params={"at": at})
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def test_red_list_is_cross_compared_publicised_and_takes_effect_after_the_window(client: TestClient) -> None:
    answer = _submit(
        client,
        [_red("R-OK", CLEAN_FIRM), _red("R-FIRM", FIRM), _red("R-LR", NEW_LR), _red("R-PERSON", CLEAN)],
        kind="red",
    )
    assert (answer["submitted"], answer["accepted"], answer["rejected"]) == (4, 2, 2)
    conflicts = {item["entry_id"]: item for item in answer["conflicts"]}
    assert set(conflicts) == {"R-FIRM", "R-LR"}
    (direct,) = conflicts["R-FIRM"]["conflicts"]
    assert (direct["black_entry_id"], direct["via_firm"], direct["via_person"]) == (FIRM_ENTRY, None, None)
    assert conflicts["R-FIRM"]["subject_name"] == FIRM_NAME
    (derived,) = conflicts["R-LR"]["conflicts"]
    assert derived["via_firm"] == {"uscc": FIRM, "name": FIRM_NAME}
    assert conflicts["R-LR"]["subject_code"] == NEW_LR
    stored = answer["preliminary_list"]
    assert (stored["status"], stored["kind"], stored["department"]) == ("draft", "red", RED_DEPARTMENT)
    statuses = {e["entry"]["entry_id"]: e["entry"]["status"] for e in stored["entries"]}
    assert statuses == {"R-OK": "draft", "R-FIRM": "revoked", "R-LR": "revoked", "R-PERSON": "draft"}
    list_id = answer["list_id"]
    assert list_id == "PL-20240501-0001"

    shown = _action(client, list_id, "publicise", actor="王科员", on="2024-05-02")["preliminary_list"]
    windows = {e["entry"]["entry_id"]: (e["publicity_from"], e["publicity_to"]) for e in shown["entries"]}
    assert windows["R-OK"] == ("2024-05-02", "2024-05-06")
    public = client.get("/v1/public/publicity", params={"at": "2024-05-04"}).json()
    published = {entry["entry_id"]: entry for entry in public["entries"]}
    assert set(published) == {"R-OK", "R-PERSON"}
    person = published["R-PERSON"]
    assert (person["subject_name"], person["subject_code"]) == (mask_name("周清"), mask_id_number(CLEAN))
    assert CLEAN not in str(public)
    assert client.get("/v1/public/publicity", params={"at": "2024-05-07"}).json()["entries"] == []
    listed = client.get("/v1/public/entries", params={"at": "2024-05-04", "kind": "red"}).json()
    assert listed["entries"] == []  # in publicity is not on the list
    assert _check(client, CLEAN_FIRM, "2024-05-04")["items"] == []

    early = client.post(
        f"/v1/preliminary-lists/{list_id}/take-effect", json={"actor": "王科员", "on": "2024-05-06"}
    )
    assert early.status_code == 409
    assert early.json()["code"] == "invalid_transition"
    assert "最早可于 2024-05-07 生效" in early.json()["detail"]
    assert "当前允许的操作：生效、撤回" in early.json()["detail"]

    done = _action(client, list_id, "take-effect", actor="王科员", on="2024-05-07")
    assert sorted(done["took_effect"]) == ["R-OK", "R-PERSON"]
    assert done["preliminary_list"]["status"] == "concluded"
    assert done["preliminary_list"]["allowed_actions"] == []
    assert _check(client, CLEAN_FIRM, "2024-05-07")["items"][0]["entry"]["entry_id"] == "R-OK"
    history = client.get("/v1/entries/R-OK/history").json()
    assert [(e["action"], e["action_label"]) for e in history["events"]] == [
        ("submit", "提交初步名单"),
        ("publicise", "公示"),
        ("take_effect", "生效"),
    ]
    assert history["events"][-1]["before"]["valid_from"] == "2024-05-01"
    assert history["events"][-1]["after"]["valid_from"] == "2024-05-07"


def test_bad_json_rows_are_reported_by_row_and_column_and_nothing_is_written(client: TestClient) -> None:
    response = client.post(
        "/v1/preliminary-lists",
        json={
            "department": RED_DEPARTMENT,
            "kind": "red",
            "submitted_by": "王科员",
            "entries": [
                _red("R-1", CLEAN_FIRM),
                _red("R-2", BAD_USCC),
                _red("R-3", CLEAN_FIRM, valid_from="2024-02-30", department="常州市财政局"),
                _red(FIRM_ENTRY, CLEAN_FIRM),
            ],
        },
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "load_rejected"
    found = {(p["row"], p["column"]) for p in body["problems"]}
    assert {(2, "subject_id"), (3, "valid_from"), (4, "entry_id")} <= found
    assert all(p["file"] == "entries" for p in body["problems"])
    assert any("校验位" in p["reason"] for p in body["problems"] if p["row"] == 2)
    unknown = client.post(
        "/v1/preliminary-lists",
        json={
            "department": RED_DEPARTMENT,
            "kind": "red",
            "submitted_by": "王科员",
            "entries": [_red("R-1", CLEAN_FIRM), _red("R-2", make_uscc(98))],
        },
    )
    assert unknown.status_code == 422
    (problem,) = unknown.json()["problems"]
    assert (problem["row"], problem["column"], problem["value"]) == (2, "subject_id", make_uscc(98))
    assert problem["reason"].startswith(f"主体 {make_uscc(98)} 不在数据库中")
    assert client.get("/v1/entries/R-1/history").status_code == 404
    no_kind = client.post(
        "/v1/preliminary-lists",
        json={"department": RED_DEPARTMENT, "submitted_by": "王科员", "entries": [_red("R-1", CLEAN_FIRM)]},
    )
    assert no_kind.status_code == 422
    (problem,) = no_kind.json()["problems"]
    assert (problem["row"], problem["column"]) == (None, "kind")


def _csv(rows: list[list[str]]) -> bytes:
    header = "名单编号,主体标识,名单类型,认定依据,有效期自,有效期至\n"
    return ("\ufeff" + header + "".join(",".join(row) + "\n" for row in rows)).encode()


def test_csv_upload_with_chinese_headers(client: TestClient) -> None:
    bad = _csv(
        [
            ["R-C1", CLEAN_FIRM, RED_LIST, "常发改信〔2024〕1号", "2024-05-01", ""],
            ["R-C2", BAD_USCC, RED_LIST, "常发改信〔2024〕2号", "2024/05/01", ""],
        ]
    )
    params = {
        "filename": "诚信典型初步名单.csv",
        "department": RED_DEPARTMENT,
        "submitted_by": "王科员",
        "kind": "red",
    }
    refused = client.post("/v1/preliminary-lists/upload", params=params, content=bad)
    assert refused.status_code == 422
    problems = refused.json()["problems"]
    assert {(p["file"], p["row"], p["column"]) for p in problems} == {
        ("诚信典型初步名单.csv", 3, "subject_id"),
        ("诚信典型初步名单.csv", 3, "valid_from"),
    }
    assert "YYYY-MM-DD" in next(p["reason"] for p in problems if p["column"] == "valid_from")

    good = _csv([["R-C1", CLEAN_FIRM, RED_LIST, "常发改信〔2024〕1号", "2024-05-01", "2026-04-30"]])
    accepted = client.post("/v1/preliminary-lists/upload", params=params, content=good)
    assert accepted.status_code == 201, accepted.text
    stored = accepted.json()["preliminary_list"]
    assert stored["source_file"] == "诚信典型初步名单.csv"
    (entry,) = stored["entries"]
    assert (entry["entry"]["department"], entry["entry"]["kind"]) == (RED_DEPARTMENT, "red")


def test_xlsx_upload_with_chinese_headers_and_a_title_row(client: TestClient) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["法院失信初步名单"])
    sheet.append(
        ["名单编号", "主体标识", "名单类别", "名单类型", "认定单位", "认定依据", "失信行为日期", "有效期自"]
    )
    sheet.append(
        ["B-X1", CLEAN_FIRM, "黑名单", SKIP_LIST, COURT, "（2024）苏04执1号", "2024-03-01", "2024-05-10"]
    )
    sheet.append(["B-X2", CLEAN_FIRM, "黑名单", SKIP_LIST, COURT, "（2024）苏04执2号", "", "2024-05-10"])
    data = io.BytesIO()
    book.save(data)
    params = {"filename": "法院失信.xlsx", "department": COURT, "submitted_by": "张法官", "on": "2024-05-01"}
    refused = client.post("/v1/preliminary-lists/upload", params=params, content=data.getvalue())
    assert refused.status_code == 422
    (problem,) = refused.json()["problems"]
    assert (problem["row"], problem["column"]) == (4, "act_date")
    assert "失信行为日期" in problem["reason"]

    book.active.delete_rows(4)  # type: ignore[union-attr]
    data = io.BytesIO()
    book.save(data)
    accepted = client.post("/v1/preliminary-lists/upload", params=params, content=data.getvalue())
    assert accepted.status_code == 201, accepted.text
    answer = accepted.json()
    assert any("表头在第 2 行" in warning for warning in answer["warnings"])
    list_id = answer["list_id"]
    assert answer["preliminary_list"]["kind"] == "black"

    # Black entries of this type may skip publicity, but only once the subject has been notified (事前告知).
    unnotified = client.post(
        f"/v1/preliminary-lists/{list_id}/take-effect", json={"actor": "张法官", "on": "2024-05-02"}
    )
    assert unnotified.status_code == 409
    assert "事前告知" in unnotified.json()["detail"]
    notified = _action(
        client,
        list_id,
        "notify",
        status=201,
        actor="张法官",
        method="书面送达",
        on="2024-05-02",
        note="送达回证",
    )
    assert notified["notifications"][0]["recipient"] == "常州乙贸易有限公司"
    assert notified["preliminary_list"]["entries"][0]["notifications"][0]["method"] == "书面送达"
    done = _action(client, list_id, "take-effect", actor="张法官", on="2024-05-03")
    assert done["took_effect"] == ["B-X1"]
    assert [item["entry"]["entry_id"] for item in _check(client, CLEAN_FIRM, "2024-05-10")["items"]] == [
        "B-X1"
    ]
    assert _check(client, CLEAN_FIRM, "2024-05-09")["items"] == []  # valid from 2024-05-10, as proposed


def test_upload_refuses_unknown_file_types_and_empty_bodies(client: TestClient) -> None:
    params = {"department": RED_DEPARTMENT, "submitted_by": "王科员"}
    wrong = client.post(
        "/v1/preliminary-lists/upload", params={**params, "filename": "名单.txt"}, content=b"x"
    )
    assert (wrong.status_code, wrong.json()["code"]) == (400, "invalid_request")
    empty = client.post(
        "/v1/preliminary-lists/upload", params={**params, "filename": "名单.csv"}, content=b""
    )
    assert empty.status_code == 400


def test_withdrawal_during_publicity_and_unknown_lists(client: TestClient) -> None:
    list_id = _submit(client, [_red("R-W1", CLEAN_FIRM), _red("R-W2", CLEAN)])["list_id"]
    _action(client, list_id, "publicise", actor="王科员", on="2024-05-01")
    missing_reason = client.post(
        f"/v1/preliminary-lists/{list_id}/withdrawal", json={"actor": "王科员", "entry_ids": ["R-W1"]}
    )
    assert (missing_reason.status_code, missing_reason.json()["code"]) == (400, "invalid_request")
    done = _action(
        client,
        list_id,
        "withdrawal",
        actor="王科员",
        reason="公示期间收到异议，经核实不符合条件",
        entry_ids=["R-W1"],
    )
    assert done["withdrawn"] == ["R-W1"]
    history = client.get("/v1/entries/R-W1/history").json()
    assert history["entry"]["status"] == "revoked"
    assert [n["kind"] for n in history["notices"]] == ["correction"]
    unknown = client.post(
        f"/v1/preliminary-lists/{list_id}/withdrawal",
        json={"actor": "王科员", "reason": "x", "entry_ids": ["NOPE"]},
    )
    assert unknown.status_code == 404
    assert client.get("/v1/preliminary-lists/PL-19990101-0001").status_code == 404
    black_only = client.post(
        f"/v1/preliminary-lists/{list_id}/notify", json={"actor": "王科员", "method": "书面"}
    )
    assert black_only.status_code == 400


def test_periodic_job_takes_due_lists_into_effect_and_refuses_conflicting_red_ones(
    client: TestClient,
) -> None:
    list_id = _submit(client, [_red("R-J1", CLEAN_FIRM), _red("R-J2", DIRECT, valid_from="2022-01-01")])[
        "list_id"
    ]
    # DIRECT is listed black from 2023-02-01: at submission (2024-05-01) R-J2 is refused already.
    _action(client, list_id, "publicise", actor="王科员", on="2024-05-01")
    report = client.post("/v1/jobs/run", json={"on": "2024-05-06"}).json()
    assert (report["took_effect"], report["refused"]) == (["R-J1"], [])
    listed = client.get(f"/v1/preliminary-lists/{list_id}").json()
    assert listed["status"] == "concluded"
    assert [c["entry_id"] for c in listed["conflicts"]] == ["R-J2"]
    assert listed["conflicts"][0]["conflicts"][0]["stage"] == "submit"


def test_preliminary_routes_document_their_errors_and_examples(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for path in ("publicise", "notify", "take-effect", "withdrawal"):
        responses = paths[f"/v1/preliminary-lists/{{list_id}}/{path}"]["post"]["responses"]
        assert {"400", "404", "409", "422"} <= set(responses), path
    rejected = paths["/v1/preliminary-lists/upload"]["post"]["responses"]["422"]
    assert rejected["content"]["application/json"]["schema"]["$ref"].endswith("/SubmissionRejectedResponse")
    schemas = spec["components"]["schemas"]
    for name in (
        "SubmissionRequest",
        "SubmissionResponse",
        "SubmissionRejectedResponse",
        "PreliminaryListOut",
        "PreliminaryActionResponse",
        "PublicityPage",
    ):
        assert schemas[name].get("examples"), name
