"""Propagation (R3, R4): a firm's black entry reaches the persons responsible for it.

:func:`derive` is pure: frames in, frames out, no I/O and no per-row Python loops. The ``run_*``
functions at the bottom read inputs from a store, call :func:`derive` and hand the result back to the
store, which writes it atomically — or, for a store that implements
:class:`~graph.store.port.PropagatesInStore` (Neo4j), let the store compute the same result itself.

Rules implemented by :func:`derive`, for each black entry of an enterprise and each role edge of a
person in that enterprise whose role the list type's policy names:

* ``act``: the person held the role on the entry's ``act_date`` (inclusive ends; an open end is open).
  The derived record is valid for the entry's whole validity.
* ``current``: the person holds the role on the date asked about. The derived record is valid on the
  overlap of the entry's validity and the role's interval; no overlap, no record.
* ``both``: an act-date holder gets the ``act`` record (it covers the ``current`` one); any other holder
  whose role overlaps the entry's validity gets the ``current`` record.

Only person holders are reached: an enterprise that is a shareholder of a black-listed firm receives
nothing through it. Measures reach a derived record when their kind is black, their list type is the
entry's and their target is the record's role (a measure for ``legal_representative`` never reaches
a ``principal``).

Complexity: one hash join entries × policy roles × role edges, linear in the size of the joined frame.
"""

from __future__ import annotations

import time
from collections.abc import Collection
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from graph.days import OPEN_START
from graph.frames import (
    DERIVED_MEASURE_COLUMNS,
    ENTRY_COLUMNS,
    MEASURE_COLUMNS,
    POLICY_COLUMNS,
    RECORD_COLUMNS,
    ROLE_COLUMNS,
    DerivedFrames,
    PropagationInputs,
    RunSummary,
    empty_frame,
)
from graph.model import DEFAULT_POLICY, HolderBasis, RoleTime
from graph.store.port import PropagatesInStore

if TYPE_CHECKING:
    from graph.store.port import Store


def policy_rows_with_default(entries: pd.DataFrame, policies: pd.DataFrame) -> pd.DataFrame:
    """The policy rows, plus :data:`DEFAULT_POLICY` rows for list types that have no policy."""
    known = set(policies["list_type"].unique())
    missing = sorted(set(entries["list_type"].unique()) - known)
    if not missing:
        return policies[POLICY_COLUMNS]
    default_roles = sorted(role.value for role in DEFAULT_POLICY.roles)
    defaults = pd.DataFrame(
        [
            (list_type, role, DEFAULT_POLICY.role_time.value)
            for list_type in missing
            for role in default_roles
        ],
        columns=POLICY_COLUMNS,
    )
    return pd.concat([policies[POLICY_COLUMNS], defaults], ignore_index=True)


def derive(inputs: PropagationInputs) -> DerivedFrames:
    """Compute derived records and derived measures from ``inputs``. Pure; see the module docstring."""
    entries = inputs.entries[ENTRY_COLUMNS]
    roles = inputs.roles[ROLE_COLUMNS]
    if entries.empty or roles.empty:
        return DerivedFrames(
            _typed_records(empty_frame(RECORD_COLUMNS)), _typed_measures(empty_frame(DERIVED_MEASURE_COLUMNS))
        )

    policy = policy_rows_with_default(entries, inputs.policies)
    candidates = entries.merge(policy, on="list_type", how="inner").merge(
        roles, on=["enterprise_pk", "role"], how="inner"
    )

    act_day = candidates["act_day"].to_numpy(dtype=np.int64)
    from_day = candidates["from_day"].to_numpy(dtype=np.int64)
    to_day = candidates["to_day"].to_numpy(dtype=np.int64)
    start_day = candidates["start_day"].to_numpy(dtype=np.int64)
    end_day = candidates["end_day"].to_numpy(dtype=np.int64)
    role_time = candidates["role_time"].to_numpy(dtype=object)

    held_on_act = (start_day <= act_day) & (act_day <= end_day) & (act_day > OPEN_START)
    overlap_from = np.maximum(from_day, start_day)
    overlap_to = np.minimum(to_day, end_day)
    overlaps = overlap_from <= overlap_to

    uses_act = role_time != RoleTime.current.value
    uses_current = role_time != RoleTime.act.value
    by_act = uses_act & held_on_act
    by_current = uses_current & overlaps & ~by_act
    keep = by_act | by_current

    records = pd.DataFrame(
        {
            "entry_pk": candidates["entry_pk"].to_numpy(dtype=np.int64)[keep],
            "role_pk": candidates["role_pk"].to_numpy(dtype=np.int64)[keep],
            "person_pk": candidates["person_pk"].to_numpy(dtype=np.int64)[keep],
            "enterprise_pk": candidates["enterprise_pk"].to_numpy(dtype=np.int64)[keep],
            "role": candidates["role"].to_numpy(dtype=object)[keep],
            "holder_basis": np.where(
                by_act[keep], HolderBasis.act_date.value, HolderBasis.current.value
            ).astype(object),
            "from_day": np.where(by_act, from_day, overlap_from)[keep],
            "to_day": np.where(by_act, to_day, overlap_to)[keep],
        }
    )
    records = records.sort_values(["entry_pk", "role_pk"], kind="stable").reset_index(drop=True)

    measures = inputs.measures[MEASURE_COLUMNS]
    entry_types = entries[["entry_pk", "list_type"]]
    derived_measures = (
        records[["entry_pk", "role_pk", "person_pk", "role"]]
        .merge(entry_types, on="entry_pk", how="inner")
        .merge(measures, left_on=["list_type", "role"], right_on=["list_type", "target"], how="inner")
    )
    return DerivedFrames(_typed_records(records), _typed_measures(derived_measures[DERIVED_MEASURE_COLUMNS]))


def _typed_records(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[RECORD_COLUMNS].copy()
    for name in ("entry_pk", "role_pk", "person_pk", "enterprise_pk", "from_day", "to_day"):
        out[name] = out[name].astype(np.int64)
    for name in ("role", "holder_basis"):
        out[name] = out[name].astype(object)
    return out


def _typed_measures(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[DERIVED_MEASURE_COLUMNS].copy()
    for name in DERIVED_MEASURE_COLUMNS:
        out[name] = out[name].astype(np.int64)
    return out.sort_values(DERIVED_MEASURE_COLUMNS, kind="stable").reset_index(drop=True)


# --- orchestration over a store -------------------------------------------------------------------------


def run_full(store: Store) -> RunSummary:
    """Recompute every derived record and swap the result in atomically."""
    return _run(store, None)


def run_entries(store: Store, entry_pks: Collection[int]) -> RunSummary:
    """Incremental path: recompute the derived records of these entries only (new, changed or ended)."""
    return _run(store, sorted({int(pk) for pk in entry_pks}))


def _run(store: Store, scope: list[int] | None) -> RunSummary:
    started = time.perf_counter()
    if isinstance(store, PropagatesInStore):
        # The store computes next to its data (Neo4j: Cypher in batches), with derive's results.
        summary = store.propagate_in_store(scope)
    else:
        inputs = store.read_propagation_inputs(entry_pks=scope)
        summary = store.commit_derived(derive(inputs), scope=scope, read_seq=inputs.seq, rederive=derive)
    # The store times its own transaction; the caller wants the whole run: read, derive and swap.
    return replace(summary, seconds=time.perf_counter() - started)


def run_pending(store: Store) -> RunSummary:
    """Incremental path for everything written since the last propagation (entries, roles, policies)."""
    return run_entries(store, store.pending_entry_pks())
