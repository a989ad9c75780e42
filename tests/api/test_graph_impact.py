"""``GET /v1/graph/impact``: what an entry reaches, computed with the real propagation rules.

The proof for a preliminary entry: its preview is taken while it is publicised, then it really takes
effect (and is propagated), and the persons it then reaches are exactly those previewed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from graph.model import ListKind
from graph.preliminary import publicise, submit, take_effect
from graph.store.port import FileKind, Store
from tests.api import CLEAN, CLEAN_FIRM, DIRECT_ENTRY, FIRM, FIRM_ENTRY, serve
from tests.fixtures import batch, entry, make_id_number, person, role

IMPACT = "/v1/graph/impact"
FORMER_LR = make_id_number(211)  # left the firm long before the act
NEW_PRINCIPAL = make_id_number(212)  # appointed after the act, during the validity
CONTROLLER = make_id_number(213)  # actual controller: not a role the policy names
RESPONSIBLE = make_id_number(214)  # directly responsible on the act date only


@pytest.fixture
def client(tmp_path: Path, store_kind: str) -> Iterator[TestClient]:
    with serve(tmp_path, store_kind) as opened:
        yield opened


def store_of(client: TestClient) -> Store:
    store: Store = client.app.state.store  # type: ignore[attr-defined]
    return store


def reached(body: dict) -> set[tuple[str, str, str]]:
    return {(p["code"], p["role"], p["holder_basis"]) for p in body["persons"]}


def test_an_effective_entry_agrees_with_its_derived_records(client: TestClient) -> None:
    response = client.get(IMPACT, params={"entry_id": FIRM_ENTRY})
    assert response.status_code == 200
    body = response.json()
    assert body["preview"] is False
    assert body["entry"]["status"] == "effective"
    store = store_of(client)
    stored = store.entry(FIRM_ENTRY)
    assert stored is not None
    derived = {
        (row.role.holder_code, row.role.role.value, row.holder_basis.value, str(row.valid_from), row.valid_to)
        for row in store.derived_for_entry(stored.pk)
    }
    assert len(derived) == 3
    assert {
        (p["code"], p["role"], p["holder_basis"], p["valid_from"], p["valid_to"]) for p in body["persons"]
    } == derived
    assert {m["measure_id"] for m in body["measures"]} == {"M-LR-GP", "M-LR-HC", "M-SUBJ-GP"}
    assert body["departments"] == ["常州市中级人民法院", "常州市财政局"]
    assert {p["enterprise"] for p in body["persons"]} == {f"enterprise:{FIRM}"}
    legal = [p for p in body["persons"] if p["role"] == "legal_representative"]
    assert all(p["measures"] == ["M-LR-GP", "M-LR-HC"] for p in legal)
    principal = next(p for p in body["persons"] if p["role"] == "principal")
    assert principal["measures"] == []  # no measure aims at principals in this city
    node_ids = {node["id"] for node in body["nodes"]}
    assert node_ids == {f"enterprise:{FIRM}", *(p["id"] for p in body["persons"])}
    assert len(body["edges"]) == 3


def test_a_publicised_entry_previews_exactly_whom_it_reaches_once_effective(client: TestClient) -> None:
    store = store_of(client)
    store.write_batch(
        batch(
            persons=[
                person(FORMER_LR, "钱前"),
                person(NEW_PRINCIPAL, "冯新"),
                person(CONTROLLER, "陈控"),
                person(RESPONSIBLE, "褚直"),
            ],
            roles=[
                role(FORMER_LR, CLEAN_FIRM, "legal_representative", "2010-01-01", "2014-12-31"),
                role(CLEAN, CLEAN_FIRM, "legal_representative", "2015-01-01"),
                role(NEW_PRINCIPAL, CLEAN_FIRM, "principal", "2024-06-01"),
                role(CONTROLLER, CLEAN_FIRM, "actual_controller", "2015-01-01"),
                role(RESPONSIBLE, CLEAN_FIRM, "directly_responsible", "2024-01-01", "2024-04-30"),
            ],
        )
    )
    candidates = batch(
        list_entries=[
            entry("P-B1", CLEAN_FIRM, act_date="2024-03-01", valid_from="2024-05-01", valid_to="2025-04-30")
        ]
    ).frames[FileKind.list_entries]
    listed = submit(
        store,
        candidates,
        department="常州市中级人民法院",
        kind=ListKind.black,
        actor="张法官",
        on=dt.date(2024, 5, 1),
    )
    publicise(store, listed.list_id, actor="张法官", on=dt.date(2024, 5, 2))

    preview = client.get(IMPACT, params={"entry_id": "P-B1"}).json()
    assert preview["preview"] is True
    assert preview["entry"]["status"] == "publicised"
    expected = {
        (CLEAN, "legal_representative", "act_date"),
        (NEW_PRINCIPAL, "principal", "current"),
        (RESPONSIBLE, "directly_responsible", "act_date"),
    }
    assert reached(preview) == expected
    assert {m["measure_id"] for m in preview["measures"]} == {"M-LR-GP", "M-LR-HC", "M-SUBJ-GP"}
    publicised = store.entry("P-B1")
    assert publicised is not None
    assert store.derived_for_entry(publicised.pk) == []  # the preview wrote nothing

    take_effect(store, listed.list_id, actor="张法官", on=dt.date(2024, 5, 9))
    effective = store.entry("P-B1")
    assert effective is not None
    derived = {
        (row.role.holder_code, row.role.role.value, row.holder_basis.value)
        for row in store.derived_for_entry(effective.pk)
    }
    assert derived == expected
    after = client.get(IMPACT, params={"entry_id": "P-B1"}).json()
    assert after["preview"] is False
    assert reached(after) == expected
    stored_validity = {
        (row.role.holder_code, str(row.valid_from), str(row.valid_to))
        for row in store.derived_for_entry(effective.pk)
    }
    assert {(p["code"], p["valid_from"], p["valid_to"]) for p in after["persons"]} == stored_validity


def test_a_persons_own_entry_reaches_only_the_person(client: TestClient) -> None:
    body = client.get(IMPACT, params={"entry_id": DIRECT_ENTRY}).json()
    assert body["persons"] == []
    assert [m["measure_id"] for m in body["measures"]] == ["M-SUBJ-GP"]
    assert [node["id"] for node in body["nodes"]] == [f"person:{body['entry']['subject_code']}"]


def test_unknown_entry_is_404(client: TestClient) -> None:
    response = client.get(IMPACT, params={"entry_id": "NO-SUCH"})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
