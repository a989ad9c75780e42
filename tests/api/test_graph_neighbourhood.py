"""``GET /v1/search`` and ``GET /v1/graph/neighbourhood`` (JSON, GraphML, CSV) over the tiny city of
``tests/api``: 常州甲建设工程有限公司 (FIRM, black) with 王旧 (legal representative until 2022-06-30), 李新
(from 2022-07-01) and 赵负 (principal since 2018)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import networkx as nx
import pytest
from fastapi.testclient import TestClient

from api.routers.graph import csv_cell
from graph.store.port import Store
from tests.api import CLEAN, FIRM, FIRM_NAME, NEW_LR, OLD_LR, PRINCIPAL, serve
from tests.fixtures import batch, enterprise, make_id_number, make_uscc, person, role

NEIGHBOURHOOD = "/v1/graph/neighbourhood"


@pytest.fixture
def client(tmp_path: Path, store_kind: str) -> Iterator[TestClient]:
    with serve(tmp_path, store_kind) as opened:
        yield opened


def store_of(client: TestClient) -> Store:
    store: Store = client.app.state.store  # type: ignore[attr-defined]
    return store


def nodes_of(body: dict) -> dict[str, dict]:
    return {node["id"]: node for node in body["nodes"]}


def test_search_finds_by_name_and_code_with_badges(client: TestClient) -> None:
    body = client.get("/v1/search", params={"q": "常州甲"}).json()
    assert [item["id"] for item in body["items"]] == [f"enterprise:{FIRM}"]
    assert body["items"][0]["flags"] == ["black"]
    assert body["items"][0]["name"] == FIRM_NAME
    assert body["truncated"] is False
    by_code = client.get("/v1/search", params={"q": OLD_LR}).json()
    assert by_code["items"][0]["id"] == f"person:{OLD_LR}"
    assert by_code["items"][0]["flags"] == ["derived"]
    several = client.get("/v1/search", params={"q": "常州", "limit": 1}).json()
    assert len(several["items"]) == 1
    assert several["truncated"] is True


def test_search_limit_over_the_cap_is_422(client: TestClient) -> None:
    response = client.get("/v1/search", params={"q": "常州", "limit": 101})
    assert response.status_code == 422
    assert response.json()["code"] == "over_cap"
    assert "100" in response.json()["detail"]


def test_one_hop_around_the_firm(client: TestClient) -> None:
    response = client.get(NEIGHBOURHOOD, params={"subject": FIRM})
    assert response.status_code == 200
    body = response.json()
    assert body["center"] == f"enterprise:{FIRM}"
    assert body["at"] is None
    nodes = nodes_of(body)
    assert set(nodes) == {f"enterprise:{FIRM}", f"person:{OLD_LR}", f"person:{NEW_LR}", f"person:{PRINCIPAL}"}
    centre = nodes[f"enterprise:{FIRM}"]
    assert (centre["hop"], centre["degree"], centre["more"], centre["flags"]) == (0, 3, 0, ["black"])
    assert centre["enterprise_status"] == "存续"
    assert nodes[f"person:{OLD_LR}"]["flags"] == ["derived"]
    edges = {edge["source"]: edge for edge in body["edges"]}
    old = edges[f"person:{OLD_LR}"]
    assert old["target"] == f"enterprise:{FIRM}"
    assert (old["role"], old["role_name"], old["start"], old["end"]) == (
        "legal_representative",
        "法定代表人",
        "2015-01-01",
        "2022-06-30",
    )
    assert old["in_force"] is False  # today he is no longer legal representative
    assert edges[f"person:{NEW_LR}"]["in_force"] is True
    assert old["id"].startswith("role:")
    assert body["truncated"] is False
    assert body["limits"] == {"max_nodes": 300, "page_size": 50, "hard_max_nodes": 2000, "max_hops": 3}


def test_as_of_a_date_and_by_role(client: TestClient) -> None:
    body = client.get(NEIGHBOURHOOD, params={"subject": FIRM, "at": "2022-05-01"}).json()
    assert body["at"] == "2022-05-01"
    assert set(nodes_of(body)) == {f"enterprise:{FIRM}", f"person:{OLD_LR}", f"person:{PRINCIPAL}"}
    assert all(edge["in_force"] for edge in body["edges"])
    principal = client.get(NEIGHBOURHOOD, params={"subject": FIRM, "roles": "principal"}).json()
    assert set(nodes_of(principal)) == {f"enterprise:{FIRM}", f"person:{PRINCIPAL}"}
    assert nodes_of(principal)[f"enterprise:{FIRM}"]["degree"] == 1


def test_two_hops_from_a_person(client: TestClient) -> None:
    body = client.get(NEIGHBOURHOOD, params={"subject": OLD_LR, "hops": 2}).json()
    hops = {node["id"]: node["hop"] for node in body["nodes"]}
    assert hops == {
        f"person:{OLD_LR}": 0,
        f"enterprise:{FIRM}": 1,
        f"person:{NEW_LR}": 2,
        f"person:{PRINCIPAL}": 2,
    }


def test_the_centres_edges_are_paged_and_collapsed(client: TestClient) -> None:
    first = client.get(NEIGHBOURHOOD, params={"subject": FIRM, "page_size": 1}).json()
    second = client.get(NEIGHBOURHOOD, params={"subject": FIRM, "page_size": 1, "offset": 1}).json()
    assert len(first["edges"]) == len(second["edges"]) == 1
    assert first["edges"][0]["id"] != second["edges"][0]["id"]
    assert nodes_of(first)[f"enterprise:{FIRM}"]["more"] == 2
    assert first["limits"]["page_size"] == 1


def test_max_nodes_truncates_with_a_message(client: TestClient) -> None:
    body = client.get(NEIGHBOURHOOD, params={"subject": FIRM, "max_nodes": 2}).json()
    assert body["truncated"] is True
    assert len(body["nodes"]) == 2
    assert len(body["edges"]) == 1
    assert "2" in body["message"]


@pytest.mark.parametrize(
    ("name", "value", "cap"), [("max_nodes", 2001, "2000"), ("page_size", 201, "200"), ("hops", 4, "3")]
)
def test_over_a_hard_cap_is_422_over_cap(client: TestClient, name: str, value: int, cap: str) -> None:
    response = client.get(NEIGHBOURHOOD, params={"subject": FIRM, name: value})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "over_cap"
    assert cap in body["detail"]
    assert name in body["detail"]


def test_unknown_malformed_and_bad_parameters(client: TestClient) -> None:
    unknown = client.get(NEIGHBOURHOOD, params={"subject": make_uscc(999)})
    assert (unknown.status_code, unknown.json()["code"]) == (404, "not_found")
    malformed = client.get(NEIGHBOURHOOD, params={"subject": FIRM[:-1] + "0"})
    assert (malformed.status_code, malformed.json()["code"]) == (422, "invalid_identifier")
    bad_role = client.get(NEIGHBOURHOOD, params={"subject": FIRM, "roles": "director"})
    assert (bad_role.status_code, bad_role.json()["code"]) == (400, "invalid_request")
    assert "director" in bad_role.json()["detail"]
    bad_date = client.get(NEIGHBOURHOOD, params={"subject": FIRM, "at": "2022-13-01"})
    assert (bad_date.status_code, bad_date.json()["code"]) == (400, "invalid_date")


def test_graphml_parses_back_with_the_same_nodes_and_edges(client: TestClient) -> None:
    body = client.get(NEIGHBOURHOOD, params={"subject": FIRM, "hops": 2}).json()
    response = client.get(f"{NEIGHBOURHOOD}.graphml", params={"subject": FIRM, "hops": 2})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/graphml+xml")
    graph = nx.parse_graphml(response.text)
    assert set(graph.nodes) == set(nodes_of(body))
    assert graph.nodes[f"enterprise:{FIRM}"]["name"] == FIRM_NAME
    assert graph.nodes[f"enterprise:{FIRM}"]["flags"] == "black"
    assert graph.nodes[f"enterprise:{FIRM}"]["degree"] == 3
    edges = {data["id"]: (source, target, data) for source, target, data in graph.edges(data=True)}
    assert set(edges) == {edge["id"] for edge in body["edges"]}
    source, target, data = edges[next(e["id"] for e in body["edges"] if e["source"] == f"person:{OLD_LR}")]
    assert (source, target, data["role"], data["end"]) == (
        f"person:{OLD_LR}",
        f"enterprise:{FIRM}",
        "legal_representative",
        "2022-06-30",
    )


def test_csv_has_a_bom_and_escapes_formulas(client: TestClient) -> None:
    evil_firm, evil_person = make_uscc(66), make_id_number(666)
    store_of(client).write_batch(
        batch(
            enterprises=[enterprise(evil_firm, '=HYPERLINK("http://x","点我")')],
            persons=[person(evil_person, "@SUM(1+1)")],
            roles=[
                role(evil_person, evil_firm, "principal", "2020-01-01"),
                role(CLEAN, evil_firm, "principal", None),
            ],
        )
    )
    response = client.get(f"{NEIGHBOURHOOD}.csv", params={"subject": evil_firm, "part": "nodes"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    raw = response.content
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == [
        "id",
        "subject_type",
        "code",
        "name",
        "flags",
        "hop",
        "degree",
        "more",
        "enterprise_status",
    ]
    names = {row[0]: row[3] for row in rows[1:]}
    assert names[f"enterprise:{evil_firm}"] == '\'=HYPERLINK("http://x","点我")'
    assert names[f"person:{evil_person}"] == "'@SUM(1+1)"
    assert names[f"person:{CLEAN}"] == "周清"
    edges = list(
        csv.reader(
            io.StringIO(
                client.get(
                    f"{NEIGHBOURHOOD}.csv", params={"subject": evil_firm, "part": "edges"}
                ).content.decode("utf-8-sig")
            )
        )
    )
    assert edges[0][:4] == ["id", "source", "target", "role"]
    assert len(edges) == 3
    assert {row[5] for row in edges[1:]} == {"2020-01-01", ""}


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+86", "'+86"),
        ("-2", "'-2"),
        ("@A1", "'@A1"),
        ("常州", "常州"),
        (None, ""),
        (True, "true"),
    ],
)
def test_csv_cell(value: object, cell: str) -> None:
    assert csv_cell(value) == cell


def test_openapi_documents_the_graph_endpoints_with_examples(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    for path in (
        "/v1/search",
        NEIGHBOURHOOD,
        f"{NEIGHBOURHOOD}.graphml",
        f"{NEIGHBOURHOOD}.csv",
        "/v1/graph/paths",
        "/v1/graph/why",
        "/v1/graph/impact",
        "/v1/analytics/group",
        "/v1/analytics/black-groups",
        "/v1/analytics/multi-black-persons",
        "/v1/analytics/violations",
    ):
        responses = paths[path]["get"]["responses"]
        assert {"200", "422", "503"} <= set(responses), path
    assert {p["name"] for p in paths["/v1/graph/paths"]["get"]["parameters"]} >= {"from", "to", "from_type"}
    schemas = spec["components"]["schemas"]
    for name in (
        "SearchResponse",
        "NeighbourhoodResponse",
        "PathsResponse",
        "WhyResponse",
        "ImpactResponse",
        "GroupResponse",
        "BlackGroupsResponse",
        "MultiBlackPersonsResponse",
        "ViolationsResponse",
        "NodeOut",
        "EdgeOut",
    ):
        assert schemas[name].get("examples"), name
    assert "from" in schemas["PathsResponse"]["properties"]
