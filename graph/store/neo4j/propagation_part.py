"""Propagation on Neo4j (R3, R4): the inputs for :func:`graph.propagation.derive`, the swap of its result, the
change queue, and propagation computed by the server (``queries/cypher/propagation_*.cypher``).

Two ways to propagate, with the embedded store's results and counts:

* **Through Python** (the port's :meth:`~PropagationPart.read_propagation_inputs` /
  :meth:`~PropagationPart.commit_derived`, as :mod:`graph.store.sqlite`): the inputs are read as frames,
  :func:`graph.propagation.derive` computes, and one write transaction reads the current records of the scope,
  writes only the difference (added, removed, changed), re-derives the entries changed after the run read
  (``rederive`` on inputs read inside that transaction), takes the consumed changes off the queue and
  records a ``(:PropagationRun)``.

* **In the server** (:meth:`~PropagationPart.propagate_in_store`, used by :mod:`graph.propagation` whenever a
  store offers it), so that a province-sized graph is never pulled into Python:

  1. ``propagation_staging_drop_stale`` deletes staging left by runs that started more than
     :data:`STALE_STAGING` ago (a process that died mid-run; a younger run may still be going, so its staging
     is left alone). ``run`` = a new key of the ``propagation_run`` sequence (also the run's pk).
  2. ``propagation_seq`` reads ``read_seq``, the ``change`` sequence, **before** anything else is read:
     a writer takes seq numbers from that counter in its own transaction, so whatever is committed after
     this read carries a higher seq.
  3. ``propagation_stage`` computes every derived record of the scope with Cypher that mirrors
     :func:`graph.propagation.derive` (day numbers, sentinels for open ends, the same rules) inside
     ``CALL (le, e) { … } IN TRANSACTIONS OF $batch ROWS`` (an auto-commit query: batches of entries are
     committed as they go, so the server never holds the whole run in one transaction) into
     ``(:DerivedStaging {run})`` nodes, which no reader looks at.
  4. The swap, **one write transaction**, serialised with every other swap by ``propagation_lock`` (a
     write lock on one node, held until commit): ``propagation_late`` finds the entries of the scope changed after
     ``read_seq``; then ``propagation_swap_remove`` / ``_change`` / ``_add`` apply only the difference between
     the staging and ``(:DerivedRecord)`` of the scope, leaving the late entries' records as they were (their
     staging may mix states before and after the change); ``propagation_swap_count`` counts what the scope
     now holds (records, entries, derived measures as the embedded ``derived_measures`` view joins them);
     ``propagation_consume`` takes the changes up to ``read_seq`` off the queue — so the late entries stay
     pending and the next run takes them (the embedded store re-derives them in its swap instead; the
     guarantee is the same: no change is lost); ``propagation_record_run`` records the run.
  5. ``propagation_staging_drop_run`` deletes the run's staging in batches — also when a step failed.

  A crash before the swap commits leaves the derived records as they were and the staging to step 1 of a
  later run; the queue is untouched, so nothing is lost. Readers see the swap's writes all at once when it
  commits (Neo4j isolates uncommitted writes); Neo4j reads are read-committed, though, so a single long read
  running across the commit may see part of the old and part of the new records of the scope.

Day numbers, open dates and statuses come from one place each (:mod:`graph.days`,
:data:`graph.model.PROPAGATING_STATUSES`, :data:`graph.model.DEFAULT_POLICY`) and are passed as parameters.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Collection, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from graph.days import OPEN_END, OPEN_START, to_day
from graph.frames import (
    POLICY_COLUMNS,
    DerivedFrames,
    PropagationInputs,
    Rederive,
    RunSummary,
)
from graph.model import DEFAULT_POLICY, PROPAGATING_STATUSES
from graph.store.neo4j.base import Neo4jBase, Transaction, next_pks, now_text, run, run_batched, to_date

log = logging.getLogger(__name__)

#: Staging older than this belongs to a run that died: no run lasts that long.
STALE_STAGING = dt.timedelta(hours=6)

_STATUSES = sorted(status.value for status in PROPAGATING_STATUSES)
_DEFAULT_ROLES = sorted(role.value for role in DEFAULT_POLICY.roles)
#: The fields of a derived record compared to tell a changed record from an unchanged one (as SQLite's swap).
_COMPARED = ("person_pk", "enterprise_pk", "role", "holder_basis", "valid_from", "valid_to")
_KEY = ["entry_pk", "role_pk"]


def _days(values: Sequence[Any], *, open_as: int) -> np.ndarray:
    """Driver dates (``None`` = open) as day numbers."""
    return np.array([to_day(to_date(value), open_as=open_as) for value in values], dtype=np.int64)


def _date_of(day: int, *, open_value: int) -> dt.date | None:
    """A day number back to a date; the sentinel ``open_value`` is an open end (``None``), as SQLite's swap."""
    return None if day == open_value else dt.date(1970, 1, 1) + dt.timedelta(days=day)


def _column(records: Sequence[Mapping[str, Any]], name: str) -> list[Any]:
    return [record[name] for record in records]


def _ints(records: Sequence[Mapping[str, Any]], name: str) -> np.ndarray:
    return np.array([int(record[name]) for record in records], dtype=np.int64)


def _objects(records: Sequence[Mapping[str, Any]], name: str) -> pd.Series:
    """Text values as an ``object`` column, as the embedded store's frames hold them (a plain array would
    be inferred as pandas' string dtype)."""
    return pd.Series(_column(records, name), dtype=object)


class PropagationPart(Neo4jBase):
    """Port methods of propagation, and :meth:`propagate_in_store`; see the module docstring."""

    # --- inputs for derive (Python path)

    def _inputs(self, tx: Transaction, entry_pks: Collection[int] | None, seq: int) -> PropagationInputs:
        scope = None if entry_pks is None else sorted({int(pk) for pk in entry_pks})
        entries = run(tx, "propagation_entries", scope=scope, statuses=_STATUSES)
        roles = run(tx, "propagation_roles", scope=scope, statuses=_STATUSES)
        policies = run(tx, "propagation_policies")
        measures = run(tx, "propagation_measures")
        entries_frame = pd.DataFrame(
            {
                "entry_pk": _ints(entries, "entry_pk"),
                "enterprise_pk": _ints(entries, "enterprise_pk"),
                "list_type": _objects(entries, "list_type"),
                "act_day": _days(_column(entries, "act_date"), open_as=OPEN_START),
                "from_day": _days(_column(entries, "valid_from"), open_as=OPEN_START),
                # An entry that ended early (repair) stops reaching people the day before it ended.
                "to_day": np.minimum(
                    _days(_column(entries, "valid_to"), open_as=OPEN_END),
                    _days(_column(entries, "ended_on"), open_as=OPEN_END + 1) - 1,
                ),
            }
        )
        roles_frame = pd.DataFrame(
            {
                "role_pk": _ints(roles, "role_pk"),
                "person_pk": _ints(roles, "person_pk"),
                "enterprise_pk": _ints(roles, "enterprise_pk"),
                "role": _objects(roles, "role"),
                "start_day": _days(_column(roles, "start_date"), open_as=OPEN_START),
                "end_day": _days(_column(roles, "end_date"), open_as=OPEN_END),
            }
        )
        policies_frame = pd.DataFrame({name: _objects(policies, name) for name in POLICY_COLUMNS})
        measures_frame = pd.DataFrame(
            {
                "measure_pk": _ints(measures, "measure_pk"),
                "list_type": _objects(measures, "list_type"),
                "target": _objects(measures, "target"),
            }
        )
        return PropagationInputs(
            entries=entries_frame,
            roles=roles_frame,
            policies=policies_frame,
            measures=measures_frame,
            seq=seq,
        )

    def read_propagation_inputs(self, entry_pks: Collection[int] | None) -> PropagationInputs:
        def work(tx: Transaction) -> PropagationInputs:
            # The sequence first: Neo4j reads are read-committed, so what is read after it includes every
            # change up to it; later changes carry a higher seq and commit_derived re-derives them.
            return self._inputs(tx, entry_pks, _seq(tx))

        return self._read("读取传导输入", work)

    def pending_entry_pks(self) -> list[int]:
        return [int(record["entry_pk"]) for record in self._query("propagation_pending")]

    # --- the swap of derive's result (Python path)

    def commit_derived(
        self,
        derived: DerivedFrames,
        *,
        scope: Collection[int] | None,
        read_seq: int,
        rederive: Rederive,
    ) -> RunSummary:
        started = time.perf_counter()
        started_at = now_text()
        scope_list = None if scope is None else sorted({int(pk) for pk in scope})

        def work(tx: Transaction) -> RunSummary:
            run(tx, "propagation_lock", at=now_text())
            now_seq = _seq(tx)
            records = derived.records
            measure_count = len(derived.measures)
            late = [
                int(r["entry_pk"]) for r in run(tx, "propagation_late", read_seq=read_seq, scope=scope_list)
            ]
            if late:
                # Written while we computed: re-derive those entries from the state this transaction sees.
                extra = rederive(self._inputs(tx, late, now_seq))
                keep = ~records["entry_pk"].isin(late)
                records = pd.concat([records[keep], extra.records], ignore_index=True)
                kept_measures = derived.measures[~derived.measures["entry_pk"].isin(late)]
                measure_count = len(kept_measures) + len(extra.measures)
            added, removed, changed = self._swap(tx, records, scope_list)
            run(tx, "propagation_consume", seq=now_seq, scope=scope_list)
            mode = "full" if scope_list is None else "incremental"
            entry_count = len(scope_list) if scope_list is not None else int(records["entry_pk"].nunique())
            run_pk = next_pks(tx, "propagation_run", 1)
            run(
                tx,
                "propagation_record_run",
                pk=run_pk,
                mode=mode,
                started_at=started_at,
                finished_at=now_text(),
                entries=entry_count,
                records=len(records),
                measures=measure_count,
                added=added,
                removed=removed,
                changed=changed,
                read_seq=read_seq,
            )
            return RunSummary(
                mode=mode,
                entries=entry_count,
                records=len(records),
                measures=measure_count,
                added=added,
                removed=removed,
                changed=changed,
                seconds=time.perf_counter() - started,
                run_id=run_pk,
            )

        return self._write("写入传导结果", work)

    def _swap(self, tx: Transaction, records: pd.DataFrame, scope: list[int] | None) -> tuple[int, int, int]:
        """Replace the derived records of ``scope`` (all if ``None``) by ``records``; write only the diff."""
        new = pd.DataFrame(
            {
                "entry_pk": records["entry_pk"].to_numpy(dtype=np.int64),
                "role_pk": records["role_pk"].to_numpy(dtype=np.int64),
                "person_pk": records["person_pk"].to_numpy(dtype=np.int64),
                "enterprise_pk": records["enterprise_pk"].to_numpy(dtype=np.int64),
                "role": records["role"].to_numpy(dtype=object),
                "holder_basis": records["holder_basis"].to_numpy(dtype=object),
                "valid_from": np.array(
                    [_date_of(int(d), open_value=OPEN_START) for d in records["from_day"]], dtype=object
                ),
                "valid_to": np.array(
                    [_date_of(int(d), open_value=OPEN_END) for d in records["to_day"]], dtype=object
                ),
            }
        )
        rows = run(tx, "propagation_current", scope=scope)
        current = pd.DataFrame(
            {
                "entry_pk": _ints(rows, "entry_pk"),
                "role_pk": _ints(rows, "role_pk"),
                "person_pk": _ints(rows, "person_pk"),
                "enterprise_pk": _ints(rows, "enterprise_pk"),
                "role": _objects(rows, "role"),
                "holder_basis": _objects(rows, "holder_basis"),
                "valid_from": np.array([to_date(v) for v in _column(rows, "valid_from")], dtype=object),
                "valid_to": np.array([to_date(v) for v in _column(rows, "valid_to")], dtype=object),
            }
        )
        merged = current.merge(new, on=_KEY, how="outer", suffixes=("_old", ""), indicator=True)
        gone = merged[merged["_merge"] == "left_only"]
        fresh = merged[merged["_merge"] == "right_only"]
        both = merged[merged["_merge"] == "both"]
        differs = np.zeros(len(both), dtype=bool)
        for name in _COMPARED:
            old = both[f"{name}_old"].astype(object).where(both[f"{name}_old"].notna(), None).tolist()
            values = both[name].astype(object).where(both[name].notna(), None).tolist()
            differs |= np.array([a != b for a, b in zip(old, values, strict=True)], dtype=bool)
        updated = both[differs]

        run_batched(tx, "propagation_delete", _key_rows(gone), self._batch_size)
        run_batched(tx, "propagation_update", _record_rows(updated), self._batch_size)
        run_batched(tx, "propagation_insert", _record_rows(fresh), self._batch_size)
        return len(fresh), len(gone), len(updated)

    # --- propagation computed by the server

    def propagate_in_store(self, scope: Collection[int] | None) -> RunSummary:
        started = time.perf_counter()
        started_at = now_text()
        scope_list = None if scope is None else sorted({int(pk) for pk in scope})
        stale_before = (dt.datetime.now(dt.UTC) - STALE_STAGING).strftime("%Y-%m-%dT%H:%M:%SZ")
        self._autocommit(
            "清理过期的传导暂存",
            "propagation_staging_drop_stale",
            stale_before=stale_before,
            batch=self._batch_size,
        )
        run_pk = self._write("分配传导运行编号", lambda tx: next_pks(tx, "propagation_run", 1))
        try:
            read_seq = self._read("读取变更序号", _seq)
            self._autocommit(
                "在 Neo4j 中计算派生记录",
                "propagation_stage",
                scope=scope_list,
                statuses=_STATUSES,
                default_roles=_DEFAULT_ROLES,
                default_role_time=DEFAULT_POLICY.role_time.value,
                open_start=OPEN_START,
                open_end=OPEN_END,
                run=run_pk,
                staged_at=started_at,
                batch=self._batch_size,
            )

            def swap(tx: Transaction) -> RunSummary:
                run(tx, "propagation_lock", at=now_text())
                late = [
                    int(r["entry_pk"])
                    for r in run(tx, "propagation_late", read_seq=read_seq, scope=scope_list)
                ]
                removed = _count(
                    run(tx, "propagation_swap_remove", run=run_pk, scope=scope_list, late=late), "removed"
                )
                changed = _count(run(tx, "propagation_swap_change", run=run_pk, late=late), "changed")
                added = _count(run(tx, "propagation_swap_add", run=run_pk, late=late), "added")
                totals = run(tx, "propagation_swap_count", scope=scope_list)
                records = _count(totals, "records")
                measures = _count(totals, "measures")
                mode = "full" if scope_list is None else "incremental"
                entries = len(scope_list) if scope_list is not None else _count(totals, "entries")
                run(tx, "propagation_consume", seq=read_seq, scope=scope_list)
                run(
                    tx,
                    "propagation_record_run",
                    pk=run_pk,
                    mode=mode,
                    started_at=started_at,
                    finished_at=now_text(),
                    entries=entries,
                    records=records,
                    measures=measures,
                    added=added,
                    removed=removed,
                    changed=changed,
                    read_seq=read_seq,
                )
                return RunSummary(
                    mode=mode,
                    entries=entries,
                    records=records,
                    measures=measures,
                    added=added,
                    removed=removed,
                    changed=changed,
                    seconds=time.perf_counter() - started,
                    run_id=run_pk,
                )

            summary = self._write("写入传导结果", swap)
        finally:
            try:
                self._autocommit(
                    "清理传导暂存", "propagation_staging_drop_run", run=run_pk, batch=self._batch_size
                )
            except Exception:  # the run's outcome stands; a later run drops the staging once it is stale
                log.warning("could not delete the staging of propagation run %d", run_pk, exc_info=True)
        return summary


def _seq(tx: Transaction) -> int:
    records = run(tx, "propagation_seq")
    return int(records[0]["seq"]) if records else 0


def _count(records: Sequence[Mapping[str, Any]], name: str) -> int:
    """The count ``name`` of a swap query's single row (aggregates yield one row even over no rows; a sum
    over none may be null)."""
    return int(records[0][name] or 0) if records else 0


def _key_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        {"entry_pk": int(entry_pk), "role_pk": int(role_pk)}
        for entry_pk, role_pk in zip(frame["entry_pk"], frame["role_pk"], strict=True)
    ]


def _record_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows for ``propagation_update`` / ``propagation_insert`` (the new values; dates as ``datetime.date``,
    ``None`` for an open end)."""
    names = [
        "entry_pk",
        "role_pk",
        "person_pk",
        "enterprise_pk",
        "role",
        "holder_basis",
        "valid_from",
        "valid_to",
    ]
    columns: list[list[Any]] = [
        frame[name].astype(object).where(frame[name].notna(), None).tolist() for name in names
    ]
    return [
        {
            "entry_pk": int(entry_pk),
            "role_pk": int(role_pk),
            "person_pk": int(person_pk),
            "enterprise_pk": int(enterprise_pk),
            "role": str(role),
            "holder_basis": str(holder_basis),
            "valid_from": valid_from,
            "valid_to": valid_to,
        }
        for entry_pk, role_pk, person_pk, enterprise_pk, role, holder_basis, valid_from, valid_to in zip(
            *columns, strict=True
        )
    ]
