"""Masking of the answers of every write route (``api/masking.py``), on a fresh tiny city of ``tests/api``:
each POST/PUT/DELETE route of the app is called — enumerated from the app, so that a new write route without
a sample here fails — as an investigator who stated no purpose, in an order that makes the lifecycle and
list routes succeed, and each answer is scanned for the city's id numbers and names."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from api.app import create_app
from api.principal import Principal, Role, get_principal
from api.routers import ROUTERS
from api.settings import Settings
from graph.privacy import mask_id_number, mask_name
from graph.store.sqlite import SQLiteStore
from tests.api import CLEAN, CLEAN_FIRM, DIRECT, DIRECT_ENTRY, NEW_LR, OLD_LR, build_city
from tests.api.test_masking import PERSONS, RED_LIST
from tests.fixtures import batch, policy

INVESTIGATOR = Principal(actor="user:inv", role=Role.INVESTIGATOR)
COURT = "常州市中级人民法院"
FINANCE = "常州市财政局"
RED = {"list_type": RED_LIST, "basis": "常发改信〔2024〕1号", "valid_from": "2024-05-01"}
CSV = (
    "\ufeff名单编号,主体标识,名单类型,认定依据,有效期自,有效期至\n"
    f"R-UP,{CLEAN},{RED_LIST},常发改信〔2024〕2号,2024-05-01,\n"
).encode()
MEASURE = {
    "actor": "常州市信用办 王科长",
    "kind": "black",
    "list_type": "失信被执行人",
    "target": "principal",
    "content": "限制主要负责人参与政府采购活动",
    "initiating_department": COURT,
    "implementing_department": FINANCE,
    "legal_basis": "《关于对失信被执行人实施联合惩戒的合作备忘录》",
    "business_items": ["public_procurement"],
    "sharing_method": "接口推送",
}

#: (method, route) → (URL, request arguments), in the order they are called. ``{list}`` and ``{application}``
#: are filled in from earlier answers.
WRITES: list[tuple[str, str, str, dict[str, Any]]] = [
    ("POST", "/v1/auth/token", "/v1/auth/token", {"data": {"username": "inv", "password": "wrong"}}),
    ("POST", "/v1/dispatches/run", "/v1/dispatches/run", {"json": {"on": "2024-05-01"}}),
    (
        "POST",
        "/v1/dispatches/{dispatch_id}/feedback",
        "/v1/dispatches/{dispatch}/feedback",
        {
            "json": {
                "department": "{department}",
                "outcome": "applied",
                "actor": "王五",
                "applied_on": "2024-05-02",
            }
        },
    ),
    (
        "POST",
        "/v1/entries/{entry_id}/objections",
        f"/v1/entries/{DIRECT_ENTRY}/objections",
        {"json": {"filed_by": "孙直", "reason": f"孙直（{DIRECT}）认为误列", "on": "2024-05-06"}},
    ),
    (
        "POST",
        "/v1/entries/{entry_id}/objections/resolution",
        f"/v1/entries/{DIRECT_ENTRY}/objections/resolution",
        {"json": {"outcome": "upheld", "actor": COURT, "reason": "经核实", "on": "2024-05-20"}},
    ),
    (
        "POST",
        "/v1/entries/{entry_id}/corrections",
        f"/v1/entries/{DIRECT_ENTRY}/corrections",
        {"json": {"actor": COURT, "reason": "文号有误", "changes": {"basis": "（2023）苏04执7号"}}},
    ),
    (
        "POST",
        "/v1/entries/{entry_id}/repair-applications",
        f"/v1/entries/{DIRECT_ENTRY}/repair-applications",
        {"json": {"applicant": "孙直", "evidence": "已履行全部义务", "on": "2024-06-01"}},
    ),
    (
        "POST",
        "/v1/repair-applications/{application_id}/decision",
        "/v1/repair-applications/{application}/decision",
        {"json": {"approve": False, "actor": COURT, "reason": "经审核", "on": "2024-06-02"}},
    ),
    (
        "POST",
        "/v1/entries/{entry_id}/revocation",
        f"/v1/entries/{DIRECT_ENTRY}/revocation",
        {"json": {"actor": COURT, "reason": "主体识别错误，误列", "on": "2024-06-03"}},
    ),
    (
        "POST",
        "/v1/preliminary-lists",
        "/v1/preliminary-lists",
        {
            "json": {
                "department": "常州市发展和改革委员会",
                "kind": "red",
                "submitted_by": "王科员",
                "on": "2024-05-01",
                "entries": [
                    {"entry_id": "R-PERSON", "subject_id": CLEAN, **RED},
                    {"entry_id": "R-LR", "subject_id": NEW_LR, **RED},
                    {"entry_id": "R-FIRM", "subject_id": CLEAN_FIRM, **RED},
                ],
            }
        },
    ),
    (
        "POST",
        "/v1/preliminary-lists/upload",
        "/v1/preliminary-lists/upload",
        {
            "params": {
                "filename": "初步名单.csv",
                "department": "常州市发展和改革委员会",
                "submitted_by": "王科员",
                "kind": "red",
            },
            "content": CSV,
        },
    ),
    (
        "POST",
        "/v1/preliminary-lists/{list_id}/publicise",
        "/v1/preliminary-lists/{list}/publicise",
        {"json": {"actor": "王科员", "on": "2024-05-02"}},
    ),
    (
        "POST",
        "/v1/preliminary-lists/{list_id}/notify",
        "/v1/preliminary-lists/{list}/notify",
        {"json": {"actor": "王科员", "method": "书面送达", "on": "2024-05-02"}},
    ),
    (
        "POST",
        "/v1/preliminary-lists/{list_id}/withdrawal",
        "/v1/preliminary-lists/{list}/withdrawal",
        {"json": {"actor": "王科员", "reason": "经核实不符合条件", "entry_ids": ["R-PERSON"]}},
    ),
    (
        "POST",
        "/v1/preliminary-lists/{list_id}/take-effect",
        "/v1/preliminary-lists/{list}/take-effect",
        {"json": {"actor": "王科员", "on": "2024-05-20"}},
    ),
    ("POST", "/v1/jobs/run", "/v1/jobs/run", {"json": {"on": "2024-07-01"}}),
    ("PUT", "/v1/measures/draft/{measure_id}", "/v1/measures/draft/M-PR-GP", {"json": MEASURE}),
    (
        "POST",
        "/v1/measures/draft/{measure_id}/revert",
        "/v1/measures/draft/M-PR-GP/revert",
        {"json": {"actor": "王科长"}},
    ),
    (
        "DELETE",
        "/v1/measures/draft/{measure_id}",
        "/v1/measures/draft/M-SUBJ-GP",
        {"params": {"actor": "王科长"}},
    ),
    (
        "POST",
        "/v1/measures/draft/publish",
        "/v1/measures/draft/publish",
        {"json": {"actor": "王科长", "note": "发布", "on": "2024-08-01"}},
    ),
    ("DELETE", "/v1/measures/draft", "/v1/measures/draft", {"params": {"actor": "王科长"}}),
    (
        "PUT",
        "/v1/dispatch-settings",
        "/v1/dispatch-settings",
        {"json": {"feedback_days": 30, "remind_every_days": 3, "actor": "赵六"}},
    ),
    (
        "PUT",
        "/v1/webhooks/{department}",
        f"/v1/webhooks/{FINANCE}",
        {"json": {"url": "http://127.0.0.1:9/x", "secret": "0123456789abcdef"}},
    ),
    ("POST", "/v1/webhooks/deliver", "/v1/webhooks/deliver", {"json": {}}),
    ("DELETE", "/v1/webhooks/{department}", f"/v1/webhooks/{FINANCE}", {}),
    ("POST", "/v1/check", "/v1/check", {"json": {"ids": [OLD_LR, NEW_LR], "at": "2024-05-01"}}),
]
#: Writes whose answer names a person of the city (masked): the positive control of the scan.
NAMING_PERSONS = {
    "/v1/entries/{entry_id}/repair-applications",
    "/v1/entries/{entry_id}/objections",
    "/v1/entries/{entry_id}/objections/resolution",
    "/v1/entries/{entry_id}/corrections",
    "/v1/entries/{entry_id}/revocation",
    "/v1/preliminary-lists",
    "/v1/preliminary-lists/{list_id}/publicise",
    "/v1/check",
}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    db = build_city(tmp_path / "city.db")
    store = SQLiteStore(db)
    try:
        store.write_batch(batch(list_policies=[policy(list_type=RED_LIST, roles="legal_representative")]))
    finally:
        store.close()
    app = create_app(Settings(db=db, deliver_every_seconds=0))
    app.dependency_overrides[get_principal] = lambda: INVESTIGATOR
    with TestClient(app) as opened:
        yield opened


def test_every_write_route_has_a_sample() -> None:
    routes = {
        (method, route.path)
        for router in ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods
        if method != "GET"
    }
    assert routes - {(method, route) for method, route, _, _ in WRITES} == set()


def test_no_write_answer_shows_a_person_to_an_investigator_without_purpose(client: TestClient) -> None:
    """Since the access rules, an investigator may make no write but the batch check (and ask for a token):
    every other write is refused (403) before it runs. Each answer, refusals included, is scanned: none
    shows a person, and the batch check's answer names its persons masked."""
    filled = {"dispatch": "1", "department": FINANCE, "application": "1", "list": "PL-20240501-0001"}
    leaks: dict[str, set[str]] = {}
    named: set[str] = set()
    admitted = {"/v1/check", "/v1/auth/token"}
    for method, route, url, arguments in WRITES:
        target = url.format(**filled) if "{" in url else url
        if "json" in arguments:
            arguments = {
                **arguments,
                "json": {
                    k: (v.format(**filled) if isinstance(v, str) and "{" in v else v)
                    for k, v in arguments["json"].items()
                },
            }
        response = client.request(method, target, **arguments)
        if route in admitted:
            assert response.status_code < 500, f"{method} {route}: {response.status_code} {response.text}"
        else:
            assert response.status_code == 403, f"{method} {route}: {response.status_code} {response.text}"
        text = response.text
        shown = {code for code in PERSONS if code in text} | {
            name for name in PERSONS.values() if name in text
        }
        if shown:
            leaks[f"{method} {route}"] = shown
        if any(mask_id_number(code) in text for code in PERSONS) or any(
            mask_name(name) in text for name in PERSONS.values()
        ):
            named.add(route)
    assert leaks == {}
    assert named == {"/v1/check"}
