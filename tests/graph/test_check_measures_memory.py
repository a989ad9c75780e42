"""The embedded store keeps the measures list in memory for the check (``SQLiteStore.check_rows``): it must
answer as the join did, and see every change at once — a publication in this store or in another process,
a new entry, a suspension — and the version in force on each date asked."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

from graph import measures
from graph.lifecycle import Action, act
from graph.store.sqlite import SQLiteStore
from queries.check import check
from tests.fixtures import batch, entry
from tests.graph.test_measures_list import FIRM, LR, M_HC, OFFICER, V1_DAY, V2_DAY, city, two_versions

LATER = dt.date(2023, 6, 1)


def _applying(store: SQLiteStore, code: str, day: dt.date, item: str | None = None) -> list[str]:
    result = check(store, code, business_item=item, at=day)
    return [m.measure_id for it in result.items if it.applies for m in it.measures]


def test_a_publication_in_this_store_is_seen_by_the_next_check(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "city.db")
    city(store)
    assert _applying(store, LR, LATER) == ["M-LR"]  # the list is now held for LATER
    measures.set_measure(store, "M-HC", M_HC, actor=OFFICER)
    assert _applying(store, LR, LATER) == ["M-LR"]  # a draft changes nothing
    measures.publish(store, actor=OFFICER, note="新增限制高消费", on=V1_DAY)
    assert _applying(store, LR, LATER) == ["M-HC", "M-LR"]  # in measure id order, as the join gave
    assert _applying(store, LR, dt.date(2022, 6, 1)) == ["M-LR"]  # before the version: the old list
    store.close()


def test_a_publication_by_another_process_is_seen(tmp_path: Path) -> None:
    path = tmp_path / "city.db"
    serving = SQLiteStore(path)
    city(serving)
    assert _applying(serving, FIRM, LATER) == ["M-ENT"]
    other = SQLiteStore(path)  # its own connections, as another worker or `credlink measures publish`
    measures.remove_measure(other, "M-ENT", actor=OFFICER)
    measures.publish(other, actor=OFFICER, note="删除", on=V1_DAY)
    other.close()
    assert _applying(serving, FIRM, LATER) == []
    assert _applying(serving, FIRM, dt.date(2022, 6, 1)) == ["M-ENT"]
    serving.close()


def test_each_request_thread_sees_the_publication(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "city.db")
    city(store)
    seen: list[list[str]] = []

    def ask() -> None:
        seen.append(_applying(store, LR, LATER))

    worker = threading.Thread(target=ask)
    worker.start()
    worker.join()
    two_versions_day = dt.date(2024, 6, 1)
    measures.set_measure(store, "M-HC", M_HC, actor=OFFICER)
    measures.publish(store, actor=OFFICER, note="新增", on=V1_DAY)
    for _ in range(2):
        worker = threading.Thread(target=ask)
        worker.start()
        worker.join()
    assert seen == [["M-LR"], ["M-HC", "M-LR"], ["M-HC", "M-LR"]]
    assert _applying(store, LR, two_versions_day) == ["M-HC", "M-LR"]
    store.close()


def test_new_entries_and_suspensions_are_seen_at_once(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "city.db")
    city(store)
    assert _applying(store, LR, LATER) == ["M-LR"]
    store.write_batch(
        batch(
            list_entries=[
                entry("B-LR", LR, subject_type="person", act_date="2022-02-01", valid_from="2022-04-01")
            ]
        )
    )
    assert _applying(store, LR, LATER) == ["M-ENT", "M-LR"]  # its own entry, then the firm's
    act(store, "B1", Action.file_objection, actor="常州失信有限公司", reason="异议", on=LATER)
    result = check(store, LR, at=LATER)
    assert [(it.entry.entry_id, it.suspended) for it in result.items] == [("B-LR", False), ("B1", True)]
    store.close()


def test_versions_by_date_as_the_join_answered(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "city.db")
    two_versions(store)
    for day, item, expected in [
        (dt.date(2022, 6, 1), "public_procurement", ["M-LR"]),
        (LATER, "public_procurement", ["M-LR"]),
        (LATER, None, ["M-HC", "M-LR"]),
        (V2_DAY, "public_procurement", []),
        (V2_DAY, "fiscal_funds", ["M-LR"]),
    ]:
        assert _applying(store, LR, day, item) == expected, (day, item)
    store.close()
