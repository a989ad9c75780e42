"""``queries/sql/check_rows.sql``, the one statement of the check on the embedded store: every table is
reached by an index (never scanned), the subject's entries by ``list_entries_by_subject`` on the subject
alone, its derived records by ``derived_by_person``; the measures are not joined (the store holds the
measures list in memory, ``tests/graph/test_check_measures_memory.py``)."""

from __future__ import annotations

from pathlib import Path

from graph.store.sqlite import SQLiteStore
from queries.catalog import sql
from tests.graph.test_measures_list import two_versions


def test_the_check_is_one_statement_of_index_lookups(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "plan.db")
    two_versions(store)
    with store._write() as conn:
        conn.execute("ANALYZE")
    plan = store.query_plan(sql("check_rows"), {"subject_pk": 1, "at": "2023-06-01"})
    text = "\n".join(plan)
    store.close()
    assert [line for line in plan if "SCAN" in line] == [], text
    assert "measures" not in text, text
    assert "list_entries_by_subject (subject_pk=?)" in text, text
    assert "derived_by_person (person_pk=? AND valid_from<?)" in text, text
