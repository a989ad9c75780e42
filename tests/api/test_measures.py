"""The measures list over HTTP (§五(一), R4, R11): the public list, the draft, publication, versions and diffs,
on the tiny city (``tests/api``) whose measures file was imported before any publication (version 0):
M-LR-GP and M-LR-HC aimed at the legal representative (procurement; high consumption, by the court) and
M-SUBJ-GP aimed at the listed firm (procurement).

Version 1, published on 2023-01-01, removes M-SUBJ-GP, moves M-LR-GP from procurement to fiscal funds and adds
M-PR-GP (the principal, procurement).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.api import FIRM, NEW_LR, PRINCIPAL, serve

OFFICER = "常州市信用办 王科长"
V1_DAY = "2023-01-01"

M_PR_GP: dict[str, Any] = {
    "actor": OFFICER,
    "kind": "black",
    "list_type": "失信被执行人",
    "target": "principal",
    "content": "限制主要负责人参与政府采购活动",
    "initiating_department": "常州市中级人民法院",
    "implementing_department": "常州市财政局",
    "legal_basis": "《关于对失信被执行人实施联合惩戒的合作备忘录》",
    "business_items": ["public_procurement"],
    "sharing_method": "接口推送",
}


@pytest.fixture
def client(tmp_path: Path, store_kind: str) -> Iterator[TestClient]:
    with serve(tmp_path, store_kind) as opened:
        yield opened


def _ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def _error(response: Any, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code, body
    detail: str = body["detail"]
    return detail


def _ids(body: dict[str, Any]) -> list[str]:
    return [measure["measure_id"] for measure in body["measures"]]


def _draft_version_1(client: TestClient) -> None:
    lr_gp = _ok(client.get("/v1/measures/draft/M-LR-GP"))["current"]
    moved = {**lr_gp, "business_items": ["fiscal_funds"], "actor": OFFICER}
    moved.pop("measure_id")
    assert _ok(client.put("/v1/measures/draft/M-LR-GP", json=moved))["state"] == "changed"
    assert _ok(client.put("/v1/measures/draft/M-PR-GP", json=M_PR_GP))["state"] == "added"
    _ok(client.delete("/v1/measures/draft/M-SUBJ-GP", params={"actor": OFFICER}))


def _publish_version_1(client: TestClient) -> dict[str, Any]:
    _draft_version_1(client)
    return _ok(
        client.post(
            "/v1/measures/draft/publish",
            json={"actor": "常州市信用办 李主任", "note": "第一次发布", "on": V1_DAY},
        ),
        201,
    )


def _restricting(client: TestClient, subject: str, at: str, item: str) -> list[str]:
    body = _ok(client.get(f"/v1/subjects/{subject}/check", params={"at": at, "business_item": item}))
    return sorted(m["measure_id"] for it in body["items"] for m in it["measures"])


def test_the_public_list_before_any_publication_is_the_imported_one(client: TestClient) -> None:
    body = _ok(client.get("/v1/public/measures"))
    assert body["version"]["version"] == 0
    assert body["version"]["published_on"] is None
    assert _ids(body) == ["M-LR-GP", "M-LR-HC", "M-SUBJ-GP"]
    first = body["measures"][0]
    assert first["kind_label"] == "黑名单（惩戒）"
    assert first["target_label"] == "法定代表人"
    assert first["business_item_names"] == ["政府采购"]
    assert (first["since_version"], first["valid_from"], first["valid_to"]) == (0, None, None)
    assert _ids(_ok(client.get("/v1/public/measures", params={"business_item": "high_consumption"}))) == [
        "M-LR-HC"
    ]
    court = {"implementing_department": "常州市中级人民法院"}
    assert _ids(_ok(client.get("/v1/public/measures", params=court))) == ["M-LR-HC"]
    assert _ok(client.get("/v1/public/measures", params={"kind": "red"}))["count"] == 0
    assert _ok(client.get("/v1/public/measures", params={"list_type": "失信被执行人"}))["count"] == 3


def test_draft_publish_and_read_back(client: TestClient) -> None:
    _draft_version_1(client)
    draft = _ok(client.get("/v1/measures/draft"))
    assert draft["based_on"]["version"] == 0
    assert draft["diff"]["summary"] == "新增 1 项，修改 1 项，删除 1 项"
    assert draft["measures"] == 3
    assert [(c["measure_id"], c["action"], c["changed_by"]) for c in draft["changes"]] == [
        ("M-LR-GP", "set", OFFICER),
        ("M-PR-GP", "set", OFFICER),
        ("M-SUBJ-GP", "remove", OFFICER),
    ]
    removed = _ok(client.get("/v1/measures/draft/M-SUBJ-GP"))
    assert (removed["state"], removed["draft"]) == ("removed", None)
    # Nothing applies before publication.
    assert _restricting(client, FIRM, dt.date.today().isoformat(), "public_procurement") == ["M-SUBJ-GP"]

    published = _ok(
        client.post(
            "/v1/measures/draft/publish",
            json={"actor": "常州市信用办 李主任", "note": "第一次发布", "on": V1_DAY},
        ),
        201,
    )
    assert published["version"]["version"] == 1
    assert published["version"]["label"] == "第 1 版"
    assert published["version"]["published_on"] == V1_DAY
    assert published["version"]["published_by"] == "常州市信用办 李主任"
    assert (
        published["version"]["added"],
        published["version"]["changed"],
        published["version"]["removed"],
    ) == (
        1,
        1,
        1,
    )
    assert published["diff"]["summary"] == "新增 1 项，修改 1 项，删除 1 项"
    assert _ok(client.get("/v1/measures/draft"))["changes"] == []

    versions = _ok(client.get("/v1/measures/versions"))
    assert versions["current"] == 1
    assert [(v["version"], v["published_on"], v["measures"]) for v in versions["versions"]] == [
        (0, None, 3),
        (1, V1_DAY, 3),
    ]
    whole = _ok(client.get("/v1/measures/versions/1"))
    assert whole["at"] is None
    assert _ids(whole) == ["M-LR-GP", "M-LR-HC", "M-PR-GP"]
    lr_gp = whole["measures"][0]
    assert (lr_gp["business_items"], lr_gp["since_version"], lr_gp["valid_from"]) == (
        ["fiscal_funds"],
        1,
        V1_DAY,
    )
    assert _ids(_ok(client.get("/v1/measures/versions/0"))) == ["M-LR-GP", "M-LR-HC", "M-SUBJ-GP"]


def test_diff_between_versions_names_each_field(client: TestClient) -> None:
    _publish_version_1(client)
    diff = _ok(client.get("/v1/measures/versions/0/diff/1"))
    assert (diff["from_version"], diff["to_version"]) == (0, 1)
    assert [m["measure_id"] for m in diff["added"]] == ["M-PR-GP"]
    assert [m["measure_id"] for m in diff["removed"]] == ["M-SUBJ-GP"]
    (changed,) = diff["changed"]
    assert changed["measure_id"] == "M-LR-GP"
    assert changed["fields"] == [
        {
            "field": "business_items",
            "label": "业务事项",
            "before": ["public_procurement"],
            "after": ["fiscal_funds"],
        }
    ]
    assert changed["before"]["business_items"] == ["public_procurement"]
    back = _ok(client.get("/v1/measures/versions/1/diff/0"))
    assert [m["measure_id"] for m in back["added"]] == ["M-SUBJ-GP"]
    _error(client.get("/v1/measures/versions/0/diff/7"), 404, "not_found")


def test_public_list_and_check_as_of_a_date(client: TestClient) -> None:
    _publish_version_1(client)
    now = _ok(client.get("/v1/public/measures"))
    assert now["version"]["version"] == 1
    assert _ids(now) == ["M-LR-GP", "M-LR-HC", "M-PR-GP"]
    then = _ok(client.get("/v1/public/measures", params={"at": "2022-12-31"}))
    assert then["at"] == "2022-12-31"
    assert then["version"]["version"] == 0
    assert _ids(then) == ["M-LR-GP", "M-LR-HC", "M-SUBJ-GP"]
    procurement_then = _ok(
        client.get("/v1/public/measures", params={"at": "2022-12-31", "business_item": "public_procurement"})
    )
    assert _ids(procurement_then) == ["M-LR-GP", "M-SUBJ-GP"]
    procurement_now = _ok(client.get("/v1/public/measures", params={"business_item": "public_procurement"}))
    assert _ids(procurement_now) == ["M-PR-GP"]

    # The check: the firm's own measure applied until the day before version 1, not from it.
    assert _restricting(client, FIRM, "2022-12-31", "public_procurement") == ["M-SUBJ-GP"]
    assert _restricting(client, FIRM, V1_DAY, "public_procurement") == []
    # The legal representative: procurement before, fiscal funds from version 1.
    assert _restricting(client, NEW_LR, "2022-12-31", "public_procurement") == ["M-LR-GP"]
    assert _restricting(client, NEW_LR, "2023-06-01", "public_procurement") == []
    assert _restricting(client, NEW_LR, "2023-06-01", "fiscal_funds") == ["M-LR-GP"]
    # The principal: reached by the firm's entry all along, restricted for procurement only from version 1.
    assert _restricting(client, PRINCIPAL, "2022-12-31", "public_procurement") == []
    assert _restricting(client, PRINCIPAL, V1_DAY, "public_procurement") == ["M-PR-GP"]
    _error(client.get("/v1/public/measures", params={"at": "2023-13-01"}), 400, "invalid_date")


def test_publishing_nothing_is_refused_with_409(client: TestClient) -> None:
    publish = {"actor": OFFICER, "note": "试发布"}
    assert "草稿为空" in _error(
        client.post("/v1/measures/draft/publish", json=publish), 409, "nothing_to_publish"
    )
    same = _ok(client.get("/v1/measures/draft/M-LR-HC"))["current"]
    same.pop("measure_id")
    unchanged = _ok(client.put("/v1/measures/draft/M-LR-HC", json={**same, "actor": OFFICER}))
    assert (unchanged["state"], unchanged["fields"]) == ("unchanged", [])
    detail = _error(client.post("/v1/measures/draft/publish", json=publish), 409, "nothing_to_publish")
    assert "与当前清单" in detail
    assert _ok(client.get("/v1/measures/versions"))["versions"][-1]["version"] == 0


def test_invalid_fields_are_named_in_chinese(client: TestClient) -> None:
    bad = {**M_PR_GP, "kind": "grey", "content": " ", "business_items": ["public_procurement", "买房"]}
    detail = _error(client.put("/v1/measures/draft/M-BAD", json=bad), 422, "invalid_measure")
    assert detail.startswith("措施 M-BAD 有 3 处错误")
    assert "kind（名单类别）取值“grey”无效" in detail
    assert "content（措施内容）不能为空" in detail
    assert "business_items（业务事项）“买房”不在业务事项目录中" in detail
    missing = _error(client.put("/v1/measures/draft/M-BAD", json={"actor": OFFICER}), 422, "invalid_measure")
    for field in (
        "kind",
        "list_type",
        "target",
        "content",
        "initiating_department",
        "implementing_department",
    ):
        assert f"{field}（" in missing
    assert "legal_basis（实施依据）不能为空" in missing
    detail = _error(
        client.put("/v1/measures/draft/M-PR-GP", json={**M_PR_GP, "actor": " "}), 400, "invalid_request"
    )
    assert "操作人" in detail
    _error(
        client.put("/v1/measures/draft/M-PR-GP", json={**M_PR_GP, "colour": "red"}), 422, "validation_error"
    )
    assert _ok(client.get("/v1/measures/draft"))["changes"] == []


def test_publication_errors(client: TestClient) -> None:
    _draft_version_1(client)
    assert "操作人" in _error(
        client.post("/v1/measures/draft/publish", json={"note": "x"}), 400, "invalid_request"
    )
    _error(
        client.post("/v1/measures/draft/publish", json={"actor": OFFICER, "on": "2023/01/01"}),
        400,
        "invalid_date",
    )
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    detail = _error(
        client.post("/v1/measures/draft/publish", json={"actor": OFFICER, "on": tomorrow}),
        400,
        "invalid_request",
    )
    assert "晚于今天" in detail
    _ok(client.post("/v1/measures/draft/publish", json={"actor": OFFICER, "on": V1_DAY}), 201)
    _ok(
        client.put(
            "/v1/measures/draft/M-NEW",
            json={**M_PR_GP, "content": "限制评优评先", "business_items": "评优评先"},
        )
    )
    detail = _error(
        client.post("/v1/measures/draft/publish", json={"actor": OFFICER, "on": "2022-12-31"}),
        400,
        "invalid_request",
    )
    assert "早于第 1 版" in detail


def test_remove_revert_discard_and_the_change_log(client: TestClient) -> None:
    assert "M-NONE" in _error(
        client.delete("/v1/measures/draft/M-NONE", params={"actor": OFFICER}), 404, "not_found"
    )
    _error(client.get("/v1/measures/draft/M-NONE"), 404, "not_found")
    assert "操作人" in _error(client.delete("/v1/measures/draft/M-LR-HC"), 400, "invalid_request")
    after_remove = _ok(client.delete("/v1/measures/draft/M-LR-HC", params={"actor": OFFICER}))
    assert [m["measure_id"] for m in after_remove["diff"]["removed"]] == ["M-LR-HC"]
    after_revert = _ok(client.post("/v1/measures/draft/M-LR-HC/revert", json={"actor": OFFICER}))
    assert after_revert["changes"] == []
    _error(client.post("/v1/measures/draft/M-LR-HC/revert", json={"actor": OFFICER}), 404, "not_found")
    _ok(client.put("/v1/measures/draft/M-PR-GP", json=M_PR_GP))
    _ok(client.delete("/v1/measures/draft/M-SUBJ-GP", params={"actor": OFFICER}))
    assert _ok(client.delete("/v1/measures/draft", params={"actor": OFFICER})) == {"discarded": 2}
    assert _ok(client.get("/v1/measures/draft"))["changes"] == []

    log = _ok(client.get("/v1/measures/changes"))["changes"]
    assert [(c["action"], c["measure_id"]) for c in log[:5]] == [
        ("discard", None),
        ("remove", "M-SUBJ-GP"),
        ("set", "M-PR-GP"),
        ("revert", "M-LR-HC"),
        ("remove", "M-LR-HC"),
    ]
    assert log[0]["after"] == {"measure_ids": ["M-PR-GP", "M-SUBJ-GP"]}
    assert log[2]["actor"] == OFFICER
    assert log[2]["action_label"] == "草稿：新增或修改措施"
    assert log[2]["before"] is None
    assert log[2]["after"]["target"] == "principal"
    assert log[4]["before"]["content"] == "限制高消费"
    assert log[4]["after"] is None
    # The import that built the city is recorded too, with the loader as actor.
    one = _ok(client.get("/v1/measures/changes", params={"measure_id": "M-LR-HC"}))["changes"]
    assert [c["action"] for c in one] == ["revert", "remove", "import"]
    assert one[-1]["actor"] == "loader"


def test_openapi_declares_the_measures_routes(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    publish = paths["/v1/measures/draft/publish"]["post"]["responses"]
    assert {"201", "400", "409", "422"} <= set(publish)
    assert publish["409"]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorResponse")
    assert {"get", "put", "delete"} <= set(paths["/v1/measures/draft/{measure_id}"])
    assert "404" in paths["/v1/measures/versions/{version}"]["get"]["responses"]
    assert "/v1/measures/versions/{before}/diff/{after}" in paths
    assert "public" in paths["/v1/public/measures"]["get"]["tags"]
    schemas = spec["components"]["schemas"]
    for name in (
        "MeasureListResponse",
        "MeasureVersionsResponse",
        "VersionDiffResponse",
        "DraftResponse",
        "DraftMeasureResponse",
        "PublicationResponse",
        "MeasureChangesResponse",
        "MeasureRequest",
        "PublishRequest",
    ):
        assert schemas[name].get("examples"), name
