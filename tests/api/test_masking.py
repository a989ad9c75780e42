"""Masking of person data in every response (R10, ``api/masking.py``) on the tiny city of ``tests/api``.

The city is given some history first (a dispatch run, a red preliminary list naming a person, an objection
by a listed person) so that the feeds, lists and histories carry persons too. Then every GET route of the
app — enumerated from the app, so that a new route without a sample request here fails — is asked as each
role that may not see persons unmasked, and each body is scanned for the city's person id numbers and
names.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from api.app import create_app
from api.masking import Masker, Sight, mask_data, sight_of
from api.principal import ANONYMOUS, Principal, Role, get_principal
from api.routers import ROUTERS
from api.settings import Settings
from graph.privacy import mask_id_number, mask_name
from graph.store.sqlite import SQLiteStore
from tests.api import (
    AMBIGUOUS,
    CLEAN,
    CLEAN_FIRM,
    DIRECT,
    DIRECT_ENTRY,
    FIRM,
    FIRM_ENTRY,
    HALF_AMBIGUOUS,
    NEW_LR,
    OLD_LR,
    PRINCIPAL,
    build_city,
)
from tests.fixtures import LIST_TYPE, batch, make_id_number, policy

#: The city's persons: id number → name.
PERSONS = {
    OLD_LR: "王旧",
    NEW_LR: "李新",
    PRINCIPAL: "赵负",
    DIRECT: "孙直",
    CLEAN: "周清",
    AMBIGUOUS: "吴两可",
    HALF_AMBIGUOUS: "郑单",
}
RED_LIST = "诚信典型"
FINANCE = "常州市财政局"

#: One request per GET route (path template → URL) that reaches person data where the route can.
SAMPLES: dict[str, str] = {
    "/healthz": "/healthz",
    "/v1/auth/me": "/v1/auth/me",
    "/v1/subjects/{subject_id}": f"/v1/subjects/{OLD_LR}",
    "/v1/subjects/{subject_id}/check": f"/v1/subjects/{NEW_LR}/check?at=2024-05-01&business_item=public_procurement",
    "/v1/entries/{entry_id}": f"/v1/entries/{FIRM_ENTRY}",
    "/v1/entries/{entry_id}/history": f"/v1/entries/{DIRECT_ENTRY}/history",
    "/v1/jobs": "/v1/jobs",
    "/v1/public/entries": "/v1/public/entries?at=2024-05-04",
    "/v1/public/notices": "/v1/public/notices",
    "/v1/public/measures": "/v1/public/measures",
    "/v1/measures/versions": "/v1/measures/versions",
    "/v1/measures/versions/{version}": "/v1/measures/versions/1",
    "/v1/measures/versions/{before}/diff/{after}": "/v1/measures/versions/1/diff/1",
    "/v1/measures/changes": "/v1/measures/changes",
    "/v1/measures/draft": "/v1/measures/draft",
    "/v1/measures/draft/{measure_id}": "/v1/measures/draft/M-LR-GP",
    "/v1/dispatches": f"/v1/dispatches?department={FINANCE}",
    "/v1/dispatches/stats": "/v1/dispatches/stats?on=2024-05-01",
    "/v1/dispatches/overdue": "/v1/dispatches/overdue?on=2030-01-01",
    "/v1/dispatches/{dispatch_id}": "/v1/dispatches/1",
    "/v1/entries/{entry_id}/dispatches": f"/v1/entries/{FIRM_ENTRY}/dispatches",
    "/v1/dispatch-settings": "/v1/dispatch-settings",
    "/v1/webhooks": "/v1/webhooks",
    "/v1/preliminary-lists/{list_id}": "/v1/preliminary-lists/PL-20240501-0001",
    "/v1/public/publicity": "/v1/public/publicity?at=2024-05-04",
    "/v1/search": "/v1/search?q=王",
    "/v1/graph/neighbourhood": f"/v1/graph/neighbourhood?subject={FIRM}",
    "/v1/graph/neighbourhood.graphml": f"/v1/graph/neighbourhood.graphml?subject={OLD_LR}&hops=2",
    "/v1/graph/neighbourhood.csv": f"/v1/graph/neighbourhood.csv?subject={OLD_LR}&hops=2",
    "/v1/graph/paths": f"/v1/graph/paths?source={OLD_LR}&target={NEW_LR}",
    "/v1/graph/why": f"/v1/graph/why?subject={NEW_LR}&entry={FIRM_ENTRY}",
    "/v1/graph/impact": f"/v1/graph/impact?entry={FIRM_ENTRY}",
    "/v1/analytics/group": f"/v1/analytics/group?subject={FIRM}",
    "/v1/analytics/black-groups": "/v1/analytics/black-groups",
    "/v1/analytics/multi-black-persons": "/v1/analytics/multi-black-persons?min_entries=1",
    "/v1/analytics/violations": "/v1/analytics/violations?business_item=public_procurement&at=2024-05-01",
    "/v1/audit": "/v1/audit",
    "/": "/",
    "/ui": "/ui",
    "/ui/": "/ui/",
    "/ui/catalog.json": "/ui/catalog.json",
    "/ui/{path:path}": "/ui/app.js",
}
#: Routes whose sample must carry unmasked persons when a credit administrator asks (the positive control:
#: the scan below would pass vacuously if these carried none).
CARRY_PERSONS = {
    "/v1/subjects/{subject_id}",
    "/v1/subjects/{subject_id}/check",
    "/v1/entries/{entry_id}",
    "/v1/entries/{entry_id}/history",
    "/v1/dispatches",
    "/v1/dispatches/overdue",
    "/v1/entries/{entry_id}/dispatches",
    "/v1/preliminary-lists/{list_id}",
    "/v1/search",
    "/v1/graph/neighbourhood",
    "/v1/graph/neighbourhood.graphml",
    "/v1/graph/neighbourhood.csv",
    "/v1/graph/why",
    "/v1/analytics/group",
}
BATCH = {"ids": [OLD_LR, NEW_LR, FIRM], "at": "2024-05-01", "business_item": "public_procurement"}

INVESTIGATOR = Principal(actor="user:inv", role=Role.INVESTIGATOR)
NOT_PERMITTED = {
    "anonymous": ANONYMOUS,
    "auditor": Principal(actor="user:aud", role=Role.AUDITOR),
    "investigator_without_purpose": INVESTIGATOR,
    "business_system": Principal(
        actor="key:bs1", role=Role.BUSINESS_SYSTEM, business_items=frozenset({"public_procurement"})
    ),
}
ADMIN = Principal(actor="user:admin", role=Role.CREDIT_ADMIN)


class Caller:
    """The test client and the principal its requests are answered for (the one override of this module)."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.act_as(ADMIN)

    def act_as(self, principal: Principal) -> None:
        self.client.app.dependency_overrides[get_principal] = lambda: principal  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def caller(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Caller]:
    db = build_city(tmp_path_factory.mktemp("masking") / "city.db")
    store = SQLiteStore(db)
    try:
        store.write_batch(batch(list_policies=[policy(list_type=RED_LIST, roles="legal_representative")]))
    finally:
        store.close()
    with TestClient(create_app(Settings(db=db, deliver_every_seconds=0))) as client:
        opened = Caller(client)
        _seed(client)
        yield opened


def _seed(client: TestClient) -> None:
    def ok(response: Any) -> None:
        assert response.status_code < 300, response.text

    ok(client.post("/v1/dispatches/run", json={"on": "2024-05-01"}))
    red = {"list_type": RED_LIST, "basis": "常发改信〔2024〕1号", "valid_from": "2024-05-01"}
    ok(
        client.post(
            "/v1/preliminary-lists",
            json={
                "department": "常州市发展和改革委员会",
                "kind": "red",
                "submitted_by": "王科员",
                "on": "2024-05-01",
                "entries": [
                    {"entry_id": "R-PERSON", "subject_id": CLEAN, **red},
                    {"entry_id": "R-FIRM", "subject_id": CLEAN_FIRM, **red},
                ],
            },
        )
    )
    ok(
        client.post(
            f"/v1/entries/{DIRECT_ENTRY}/objections",
            json={"filed_by": "孙直", "reason": f"孙直（{DIRECT}）认为误列", "on": "2024-05-06"},
        )
    )


def _get_routes() -> set[str]:
    return {
        route.path
        for router in ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute)
        if "GET" in route.methods
    }


def _shown_ids(text: str) -> set[str]:
    return {code for code in PERSONS if code in text}


def _shown_names(text: str) -> set[str]:
    return {name for name in PERSONS.values() if name in text}


def _ask(caller: Caller, principal: Principal, url: str, **headers: str) -> tuple[int, str]:
    caller.act_as(principal)
    response = caller.client.get(url, headers=headers)
    text = response.text + " " + response.headers.get("content-disposition", "")
    return response.status_code, text


def test_every_get_route_has_a_sample() -> None:
    """A route added without a sample here is not scanned: fail until it is."""
    assert _get_routes() - set(SAMPLES) == set()


@pytest.mark.parametrize("who", sorted(NOT_PERMITTED))
@pytest.mark.parametrize("route", sorted(SAMPLES))
def test_no_route_shows_a_person_to_a_caller_who_may_not_see_it(caller: Caller, who: str, route: str) -> None:
    principal = NOT_PERMITTED[who]
    status, text = _ask(caller, principal, SAMPLES[route])
    assert status < 500
    asked = _shown_ids(SAMPLES[route]) if principal.role is Role.BUSINESS_SYSTEM else set()
    assert _shown_ids(text) - asked == set(), f"{who} sees id numbers in {route}"
    assert _shown_names(text) == set(), f"{who} sees names in {route}"


@pytest.mark.parametrize("route", sorted(CARRY_PERSONS))
def test_the_samples_do_carry_persons_for_an_administrator(caller: Caller, route: str) -> None:
    status, text = _ask(caller, ADMIN, SAMPLES[route])
    assert status == 200, text
    assert _shown_ids(text), f"{route} carries no person for the administrator: the scan proves nothing"


def test_the_batch_check_keeps_the_asked_ids_for_a_business_system_only(caller: Caller) -> None:
    caller.act_as(NOT_PERMITTED["business_system"])
    answer = caller.client.post("/v1/check", json=BATCH).json()
    assert [item["id"] for item in answer["results"]] == BATCH["ids"]
    caller.act_as(INVESTIGATOR)
    masked = caller.client.post("/v1/check", json=BATCH).json()
    assert [item["id"] for item in masked["results"]] == [
        mask_id_number(OLD_LR),
        mask_id_number(NEW_LR),
        FIRM,
    ]


def test_a_business_system_gets_the_asked_id_but_not_the_name(caller: Caller) -> None:
    _, text = _ask(caller, NOT_PERMITTED["business_system"], SAMPLES["/v1/subjects/{subject_id}/check"])
    assert NEW_LR in text
    assert "李新" not in text
    assert mask_name("李新") in text


def test_an_investigator_with_a_purpose_sees_persons_and_the_purpose_is_the_key(caller: Caller) -> None:
    url = SAMPLES["/v1/subjects/{subject_id}"]
    _, masked = _ask(caller, INVESTIGATOR, url)
    assert OLD_LR not in masked
    assert mask_id_number(OLD_LR) in masked
    _, header = _ask(caller, INVESTIGATOR, url, **{"X-Purpose": "%E6%A1%88%E4%BB%B6%E6%A0%B8%E6%9F%A5"})
    assert OLD_LR in header
    assert "王旧" in header
    _, query = _ask(caller, INVESTIGATOR, url + "?purpose=case-2024-17")
    assert OLD_LR in query
    _, blank = _ask(caller, INVESTIGATOR, url, **{"X-Purpose": "   "})
    assert OLD_LR not in blank
    _, stated = _ask(caller, Principal(actor="user:inv", role=Role.INVESTIGATOR, purpose="复核异议"), url)
    assert OLD_LR in stated


def test_departments_see_the_persons_they_work_on(caller: Caller) -> None:
    implementing = Principal(actor="key:d", role=Role.IMPLEMENTING_DEPARTMENT, department=FINANCE)
    _, text = _ask(caller, implementing, SAMPLES["/v1/dispatches"])
    assert {OLD_LR, NEW_LR, DIRECT} <= _shown_ids(text)
    identifying = Principal(
        actor="key:i", role=Role.IDENTIFYING_DEPARTMENT, list_types=frozenset({LIST_TYPE})
    )
    status, text = _ask(caller, identifying, f"/v1/entries/{DIRECT_ENTRY}")
    assert status == 200, text
    assert DIRECT in _shown_ids(text)


def test_an_unknown_route_is_masked_even_for_an_administrator(caller: Caller) -> None:
    """No principal is settled for a request that reaches no route: the guard masks (fails closed)."""
    caller.act_as(ADMIN)
    response = caller.client.get(f"/v1/no-such-route/{OLD_LR}")
    assert response.status_code == 404
    assert OLD_LR not in response.text


def test_sight_of_each_role() -> None:
    def sight(role: Role, purpose: str | None = None) -> Sight:
        return sight_of(Principal(actor="x", role=role), purpose)

    assert sight(Role.CREDIT_ADMIN) is Sight.FULL
    assert sight(Role.INVESTIGATOR) is Sight.MASKED
    assert sight(Role.INVESTIGATOR, "核查") is Sight.FULL
    assert sight(Role.BUSINESS_SYSTEM, "核查") is Sight.ASKED
    assert sight(Role.PUBLIC, "核查") is Sight.MASKED
    assert sight(Role.AUDITOR, "核查") is Sight.MASKED
    assert sight(Role.IMPLEMENTING_DEPARTMENT) is Sight.FULL


def test_masker_pairs_names_with_their_id_and_masks_them_in_text() -> None:
    data = {
        "holder_code": OLD_LR,
        "holder_name": "王旧",
        "enterprise_uscc": FIRM,
        "enterprise_name": "王旧建材有限公司",
        "nodes": [{"id": f"person:{NEW_LR}", "label": "李", "type": "person"}],
        "note": f"王旧（{OLD_LR}）与 {PRINCIPAL} 的说明",
        OLD_LR: "a key",
    }
    masked = mask_data(data, Sight.MASKED)
    assert masked["holder_code"] == mask_id_number(OLD_LR)
    assert masked["holder_name"] == "王*"
    assert masked["enterprise_uscc"] == FIRM
    # A firm named after the person is masked where the name occurs: over-masking, never under.
    assert masked["enterprise_name"] == "王*建材有限公司"
    assert masked["nodes"][0] == {"id": f"person:{mask_id_number(NEW_LR)}", "label": "*", "type": "person"}
    assert masked["note"] == f"王*（{mask_id_number(OLD_LR)}）与 {mask_id_number(PRINCIPAL)} 的说明"
    assert mask_id_number(OLD_LR) in masked
    kept = Masker(frozenset({OLD_LR})).data(data)
    assert kept["holder_code"] == OLD_LR
    assert kept["holder_name"] == "王*"
    assert mask_data(data, Sight.FULL) is data


def test_an_enterprise_with_a_code_valid_as_an_id_keeps_its_name() -> None:
    data = {"subject_type": "enterprise", "code": AMBIGUOUS, "name": "常州两可科技有限公司"}
    assert mask_data(data, Sight.MASKED)["name"] == "常州两可科技有限公司"


def test_many_persons_in_one_answer_are_all_masked() -> None:
    """Past a handful of persons the masker switches to one pass per string (a large graph or batch)."""
    codes = [make_id_number(300 + n) for n in range(30)]
    names = [f"钱{chr(0x4E00 + n)}{chr(0x4E80 + n)}" for n in range(30)]
    nodes = [
        {"id": f"person:{code}", "subject_type": "person", "code": code, "name": name}
        for code, name in zip(codes, names, strict=True)
    ]
    note = "、".join(f"{name}（{code}）" for code, name in zip(codes, names, strict=True))
    body = orjson.dumps({"nodes": nodes, "note": note, "asked": codes[0]})
    text = Masker(frozenset({codes[0]})).body(body, "application/json").decode("utf-8")
    assert [code for code in codes[1:] if code in text] == []
    assert [name for name in names if name in text] == []
    assert mask_name(names[7]) in text
    assert mask_id_number(codes[7]) in text
    assert orjson.loads(text)["asked"] == codes[0]


def test_the_schema_and_the_docs_still_serve_to_the_public(caller: Caller) -> None:
    caller.act_as(ANONYMOUS)
    schema = caller.client.get("/openapi.json")
    assert schema.status_code == 200
    assert "/v1/subjects/{subject_id}/check" in schema.json()["paths"]
    assert int(schema.headers["content-length"]) == len(schema.content)
    assert caller.client.get("/docs").status_code == 200
