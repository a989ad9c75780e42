"""The incremental path gives exactly what a full run gives (property test over random small cities)."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph import propagation
from graph.frames import DerivedFrames, PropagationInputs
from graph.propagation import derive
from graph.store.port import FileKind, LoadBatch, Store
from graph.store.sqlite import SQLiteStore
from tests.fixtures import batch, enterprise, entry, make_id_number, make_uscc, measure, person, policy, role

BASE = dt.date(2020, 1, 1)
LIST_TYPES = {"名单甲": "act", "名单乙": "current", "名单丙": "both"}
ROLES = ["legal_representative", "principal", "directly_responsible", "shareholder"]
FIRMS = [make_uscc(n) for n in range(4)]
PEOPLE = [make_id_number(n) for n in range(6)]


def day(offset: int | None) -> str | None:
    return None if offset is None else (BASE + dt.timedelta(days=offset)).isoformat()


@st.composite
def interval(draw: st.DrawFn) -> tuple[int | None, int | None]:
    start = draw(st.one_of(st.none(), st.integers(0, 60)))
    length = draw(st.one_of(st.none(), st.integers(0, 40)))
    end = None if length is None else (start or 0) + length
    return start, end


@st.composite
def cities(draw: st.DrawFn) -> dict[str, list[dict[str, Any]]]:
    roles = []
    seen = set()
    for _ in range(draw(st.integers(0, 12))):
        holder = draw(st.sampled_from(PEOPLE + FIRMS[:1]))
        firm = draw(st.sampled_from(FIRMS[1:]))
        name = draw(st.sampled_from(ROLES))
        if holder in FIRMS and name != "shareholder":
            continue
        start, end = draw(interval())
        key = (holder, firm, name, start)
        if key in seen:
            continue
        seen.add(key)
        holder_type = "enterprise" if holder in FIRMS else "person"
        roles.append(role(holder, firm, name, day(start), day(end), holder_type=holder_type))
    entries = []
    for n in range(draw(st.integers(0, 6))):
        act = draw(st.integers(0, 60))
        valid_from = act + draw(st.integers(0, 20))
        length = draw(st.one_of(st.none(), st.integers(0, 40)))
        subject = draw(st.sampled_from(FIRMS + PEOPLE[:1]))
        entries.append(
            entry(
                f"E{n}",
                subject,
                subject_type="person" if subject in PEOPLE else "enterprise",
                kind=draw(st.sampled_from(["black", "black", "red"])),
                list_type=draw(st.sampled_from([*LIST_TYPES, "无政策"])),
                act_date=day(act),
                valid_from=day(valid_from) or "",
                valid_to=day(None if length is None else valid_from + length),
            )
        )
    return {"roles": roles, "entries": entries}


def base_batch(city: dict[str, list[dict[str, Any]]]) -> LoadBatch:
    return batch(
        list_policies=[
            policy(list_type=name, roles="legal_representative;principal;shareholder", role_time=time)
            for name, time in LIST_TYPES.items()
        ],
        measures=[
            measure(f"M-{n}", "legal_representative", list_type=name) for n, name in enumerate(LIST_TYPES)
        ],
        enterprises=[enterprise(code) for code in FIRMS],
        persons=[person(code) for code in PEOPLE],
        roles=city["roles"],
    )


def derived_state(store: Store) -> set[tuple[Any, ...]]:
    """Every derived record, by natural keys (codes and dates), so that two stores can be compared."""
    rows = set()
    for code in PEOPLE:
        for subject in store.find_subjects(code):
            for record in store.derived_for_person(subject.pk):
                rows.add(
                    (
                        record.entry.entry_id,
                        record.role.holder_code,
                        record.role.enterprise_uscc,
                        record.role.role,
                        record.role.start,
                        record.holder_basis,
                        record.valid_from,
                        record.valid_to,
                    )
                )
    return rows


def entries_batch(rows: list[dict[str, Any]]) -> LoadBatch:
    return batch(list_entries=rows)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(city=cities())
def test_entry_by_entry_incremental_equals_full(city: dict[str, list[dict[str, Any]]]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        full = SQLiteStore(Path(folder) / "full.db")
        incremental = SQLiteStore(Path(folder) / "incremental.db")
        try:
            for target in (full, incremental):
                target.write_batch(base_batch(city))
            full.write_batch(entries_batch(city["entries"]))
            propagation.run_full(full)
            for row in city["entries"]:
                incremental.write_batch(entries_batch([row]))
                pks = incremental.entry_pks([row["entry_id"]])
                propagation.run_entries(incremental, pks.values())
            assert derived_state(incremental) == derived_state(full)
        finally:
            full.close()
            incremental.close()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(city=cities(), later=cities())
def test_pending_run_after_changes_equals_full(
    city: dict[str, list[dict[str, Any]]], later: dict[str, list[dict[str, Any]]]
) -> None:
    """Propagate, then change roles and entries; the pending (incremental) run must equal a fresh full run."""
    with tempfile.TemporaryDirectory() as folder:
        store = SQLiteStore(Path(folder) / "store.db")
        try:
            store.write_batch(base_batch(city))
            store.write_batch(entries_batch(city["entries"]))
            propagation.run_full(store)
            # Changes: new and re-dated roles and entries (same natural keys update in place).
            frames = base_batch(later).frames
            store.write_batch(LoadBatch({FileKind.roles: frames[FileKind.roles]}))
            store.write_batch(entries_batch(later["entries"]))
            propagation.run_pending(store)
            incremental = derived_state(store)
            propagation.run_full(store)
            assert derived_state(store) == incremental
        finally:
            store.close()


def test_change_written_during_a_full_run_is_not_lost(store: Store) -> None:
    firm, lr = FIRMS[1], PEOPLE[0]
    store.write_batch(
        batch(
            list_policies=[policy(list_type="名单丙", role_time="both")],
            enterprises=[enterprise(firm)],
            persons=[person(lr)],
            roles=[role(lr, firm, "legal_representative", "2019-01-01")],
        )
    )
    inputs = store.read_propagation_inputs(None)
    computed = derive(inputs)  # the full run computes from a snapshot without the entry ...
    store.write_batch(entries_batch([entry("LATE", firm, list_type="名单丙")]))  # ... which arrives now
    summary = store.commit_derived(computed, scope=None, read_seq=inputs.seq, rederive=derive)
    assert summary.records == 1
    (subject,) = store.find_subjects(lr)
    assert [r.entry.entry_id for r in store.derived_for_person(subject.pk)] == ["LATE"]
    assert store.stats()["pending_changes"] == 0


def test_failed_swap_leaves_previous_records_intact(store: Store) -> None:
    firm, lr = FIRMS[1], PEOPLE[0]
    store.write_batch(
        batch(
            enterprises=[enterprise(firm)],
            persons=[person(lr)],
            roles=[role(lr, firm, "legal_representative", "2019-01-01")],
            list_entries=[entry("E1", firm)],
        )
    )
    propagation.run_full(store)
    before = derived_state(store)
    assert before
    inputs = store.read_propagation_inputs(None)
    store.write_batch(entries_batch([entry("E2", firm)]))

    def broken(_: PropagationInputs) -> DerivedFrames:
        raise RuntimeError("crash in the middle of the swap")

    empty = DerivedFrames(records=derive(PropagationInputs()).records, measures=pd.DataFrame())
    with pytest.raises(RuntimeError):
        store.commit_derived(empty, scope=None, read_seq=inputs.seq, rederive=broken)
    assert derived_state(store) == before
    assert store.stats()["pending_changes"] == 1  # E2 still waits for propagation
