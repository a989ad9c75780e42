"""API tests: a tiny named city written to a real SQLite file, then served through ``create_app``.

The city: 常州甲建设工程有限公司 (FIRM) is listed as 失信被执行人 (entry ``B-FIRM``, act 2022-01-10,
valid from 2022-03-01, open). 王旧 (OLD_LR) was its legal representative on the act date and left on
2022-06-30; 李新 (NEW_LR) took over on 2022-07-01; 赵负 (PRINCIPAL) is its principal. 孙直 (DIRECT) is
listed directly. 周清 (CLEAN) and 常州乙贸易有限公司 (CLEAN_FIRM) have nothing. The list policy is
``both``; measures are aimed at the legal representative (procurement, high consumption) and at the
listed subject itself.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from stdnum.cn import ric, uscc

from api.app import create_app
from api.settings import Settings
from graph import propagation
from graph.store.port import Store
from graph.store.sqlite import SQLiteStore
from tests.conftest import neo4j_test_settings, open_test_store
from tests.fixtures import (
    admin_client,
    batch,
    enterprise,
    entry,
    make_id_number,
    make_uscc,
    measure,
    person,
    policy,
    role,
)

FIRM = make_uscc(11)
FIRM_NAME = "常州甲建设工程有限公司"
CLEAN_FIRM = make_uscc(12)
OLD_LR = make_id_number(201)
NEW_LR = make_id_number(202)
PRINCIPAL = make_id_number(203)
DIRECT = make_id_number(204)
CLEAN = make_id_number(205)

ACT = "2022-01-10"
FIRM_ENTRY = "B-FIRM"
DIRECT_ENTRY = "B-DIRECT"


def both_valid(start: int = 0) -> str:
    """An 18-digit string valid both as a USCC and as a resident id number (found by search)."""
    for n in range(start, 100_000):
        body = f"320402198001{n % 100:02d}{n // 100 % 1000:03d}"
        check_char = uscc.calc_check_digit(body)
        if check_char.isdigit() and check_char == ric.calc_check_digit(body + "0"):
            return body + check_char
    raise AssertionError("no string valid as both found")


AMBIGUOUS = both_valid()
HALF_AMBIGUOUS = next(
    candidate for candidate in (both_valid(n) for n in range(1, 100_000)) if candidate != AMBIGUOUS
)


def build_city(path: Path) -> Path:
    """Write the tiny city to ``path`` (a SQLite file), run a full propagation, close the store."""
    write_city(SQLiteStore(path))
    return path


def city_settings(tmp_path: Path, store_kind: str) -> dict[str, Any]:
    """Build the tiny city in a store of ``store_kind`` (see ``tests/conftest.py``) and return the
    settings that make the app open it."""
    if store_kind == "sqlite":
        return {"db": build_city(tmp_path / "city.db")}
    write_city(open_test_store(store_kind, tmp_path))
    return neo4j_test_settings()


def write_city(store: Store) -> None:
    """Write the tiny city to ``store``, run a full propagation, close the store."""
    try:
        store.write_batch(
            batch(
                list_policies=[policy(role_time="both")],
                measures=[
                    measure("M-LR-GP", "legal_representative", content="限制参与政府采购活动"),
                    measure(
                        "M-LR-HC",
                        "legal_representative",
                        content="限制高消费",
                        items="high_consumption",
                        department="常州市中级人民法院",
                    ),
                    measure("M-SUBJ-GP", "subject", content="限制参与政府采购（主体）"),
                ],
                enterprises=[
                    enterprise(FIRM, FIRM_NAME),
                    enterprise(CLEAN_FIRM, "常州乙贸易有限公司"),
                    enterprise(AMBIGUOUS, "常州两可科技有限公司"),
                ],
                persons=[
                    person(OLD_LR, "王旧"),
                    person(NEW_LR, "李新"),
                    person(PRINCIPAL, "赵负"),
                    person(DIRECT, "孙直"),
                    person(CLEAN, "周清"),
                    person(AMBIGUOUS, "吴两可"),
                    person(HALF_AMBIGUOUS, "郑单"),
                ],
                roles=[
                    role(OLD_LR, FIRM, "legal_representative", "2015-01-01", "2022-06-30"),
                    role(NEW_LR, FIRM, "legal_representative", "2022-07-01", None),
                    role(PRINCIPAL, FIRM, "principal", "2018-01-01", None),
                ],
                list_entries=[
                    entry(FIRM_ENTRY, FIRM, act_date=ACT, valid_from="2022-03-01"),
                    entry(
                        DIRECT_ENTRY,
                        DIRECT,
                        subject_type="person",
                        act_date="2023-01-05",
                        valid_from="2023-02-01",
                        valid_to="2099-12-31",
                    ),
                ],
            )
        )
        propagation.run_full(store)
    finally:
        store.close()


@contextmanager
def serve(tmp_path: Path, store_kind: str = "sqlite", **settings: Any) -> Iterator[TestClient]:
    """A client of the app over a freshly built tiny city in a store of ``store_kind``; the lifespan opens
    and closes the store."""
    settings.update(city_settings(tmp_path, store_kind))
    # Users and keys of this test only (on Neo4j the default would be the working directory's file).
    settings.setdefault("access_db", tmp_path / "credlink-access.db")
    # No background delivery unless a test asks for it: tests decide when the outbox is sent.
    settings.setdefault("deliver_every_seconds", 0)
    with TestClient(create_app(Settings(**settings))) as client:
        yield admin_client(client)
