"""The graph methods of the Neo4j store (see :mod:`graph.store.neo4j`): health counts, loading, subjects,
roles, entries, derived records as read, the check (R9), the example person and the public list.

Loading follows the embedded store's ``_merge`` (``graph/store/sqlite.py``): per file, a *stage* query reads
what the store holds under each row's natural key, Python tells inserted, updated and unchanged rows apart
with the same columns the embedded store compares, then insert and update queries write only what changed,
all in the one write transaction of the batch. What changed is queued for propagation (``Change`` nodes)
exactly where the embedded store appends to its ``change_log``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Collection, Hashable, Mapping, Sequence
from pathlib import Path
from typing import Any

import neo4j
import pandas as pd

from graph.errors import InvalidRequest, NotFound, StoreError
from graph.ids import SubjectType, compact
from graph.model import HolderBasis, ListKind, Role
from graph.store.neo4j.base import (
    Neo4jBase,
    Transaction,
    batches,
    iso_date,
    must_date,
    next_pks,
    now_text,
    run,
    run_batched,
    to_date,
    to_json,
)
from graph.store.neo4j.records import entry_record, measure, role_record, subject_record
from graph.store.neo4j.schema import ROLE_TYPES
from graph.store.port import (
    BATCH_COLUMNS,
    CheckRow,
    DerivedRecordRow,
    EntryRecord,
    FileKind,
    LoadBatch,
    RoleRecord,
    SubjectRecord,
    WriteCounts,
)

#: What ``stats()`` reports as ``schema_version``. The embedded store reports the migration reached; Neo4j has
#: no migrations — every constraint and index is applied ``IF NOT EXISTS`` on open — so this is the version
#: of the graph layout this adapter writes (labels, relationships, properties in ``schema.py``), raised by
#: hand when a layout change would need existing data rewritten. It is a constant, read from no node.
NEO4J_SCHEMA_VERSION = 1

#: Sequences (``(:Sequence {name})``) of the keys this part hands out. Enterprises and persons share one, as
#: ``Subject.pk`` is unique across both labels; every role type shares one, as the port speaks of role keys.
SUBJECT_SEQUENCE = "subject"
ROLE_SEQUENCE = "role"
ENTRY_SEQUENCE = "entry"
EVENT_SEQUENCE = "event"
LOAD_SEQUENCE = "load_run"

#: The columns of each file whose change makes a row "updated" (the natural key is not among them), as the
#: embedded store's staging comparisons.
POLICY_FIELDS = (
    "roles",
    "role_time",
    "derived_counts_for_red",
    "repair_min_days",
    "publicity_days",
    "black_skip_publicity",
)
ENTERPRISE_FIELDS = ("name", "enterprise_kind", "enterprise_status", "region_code", "established")
PERSON_FIELDS = ("name",)
ROLE_FIELDS = ("end", "ratio")
ENTRY_FIELDS = (
    "subject_pk",
    "kind",
    "list_type",
    "department",
    "basis",
    "act_date",
    "decided_on",
    "valid_from",
    "valid_to",
)
_ENTRY_DATES = ("act_date", "decided_on", "valid_from", "valid_to")

#: The catalogue query creating role edges of each type (a relationship type is fixed in its file).
ROLE_INSERTS: dict[Role, str] = {role: f"graph_role_insert_{role.value}" for role in ROLE_TYPES}

INSERT, UPDATE, SAME = "insert", "update", "same"


def _plain(value: Any) -> Any:
    """A frame cell as a plain value: missing (``None``, NaN, NaT) becomes ``None``."""
    if value is None:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):  # list-like values have no single truth value
        pass
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        return value.item()  # numpy scalars
    return value


def _frame_rows(frame: pd.DataFrame, columns: Sequence[str]) -> list[dict[str, Any]]:
    """The rows of ``frame`` (``columns`` only) as dicts of plain values, ``None`` for missing ones."""
    names = list(columns)
    subset = frame[names].astype(object)
    return [
        {name: _plain(value) for name, value in zip(names, values, strict=True)}
        for values in subset.itertuples(index=False, name=None)
    ]


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _stored(value: Any) -> Any:
    """A property read back from Neo4j, comparable with the values this part sends (dates as ``dt.date``)."""
    if isinstance(value, neo4j.time.Date | dt.date):
        return to_date(value)
    if isinstance(value, list | tuple):
        return [_stored(item) for item in value]
    return value


def _action(current: Mapping[str, Any] | None, row: Mapping[str, Any], fields: Sequence[str]) -> str:
    """insert (nothing stored), same (every compared field equal, ``None`` equal to ``None``) or update."""
    if current is None:
        return INSERT
    if all(_stored(current.get(name)) == row[name] for name in fields):
        return SAME
    return UPDATE


def _refuse_duplicates(kind: FileKind, keys: Sequence[Hashable]) -> None:
    """A natural key twice in one file: the embedded store's staging table refuses it, and so does this one."""
    seen: set[Hashable] = set()
    for key in keys:
        if key in seen:
            raise StoreError(f"写入导入数据：{kind.value} 中的键 {key} 重复")
        seen.add(key)


def _counts(actions: Sequence[str]) -> WriteCounts:
    return WriteCounts(
        inserted=actions.count(INSERT), updated=actions.count(UPDATE), unchanged=actions.count(SAME)
    )


def _derived_row(record: Mapping[str, Any]) -> DerivedRecordRow:
    """A derived record projected as ``entry``, ``role``, ``holder_basis``, ``valid_from``, ``valid_to``."""
    return DerivedRecordRow(
        entry=entry_record(record["entry"]),
        role=role_record(record["role"]),
        holder_basis=HolderBasis(record["holder_basis"]),
        valid_from=must_date(record["valid_from"]),
        valid_to=to_date(record["valid_to"]),
    )


class GraphPart(Neo4jBase):
    """Port methods of this part, as Cypher in ``queries/cypher/graph_*.cypher``."""

    # --- health ----------------------------------------------------------------------------------------------

    def stats(self) -> Mapping[str, int]:
        records = self._query("graph_stats")
        counts = records[0] if records else {}
        names = (
            "enterprises",
            "persons",
            "roles",
            "list_entries",
            "measures",
            "list_policies",
            "derived_records",
            "pending_changes",
        )
        out = {name: int(counts.get(name) or 0) for name in names}
        out["schema_version"] = NEO4J_SCHEMA_VERSION
        return out

    # --- loading ---------------------------------------------------------------------------------------------

    def backup_to(self, target: Path) -> None:
        """Refused: a consistent copy of a Neo4j database is the server's business — ``neo4j-admin database
        dump`` (the database stopped, Community edition) or ``neo4j-admin database backup`` (online,
        Enterprise edition) on the server; see the README, "Backup and restore"."""
        raise InvalidRequest(
            f"Neo4j 存储不由 credlink backup 备份（目标 {target}）：请在 Neo4j 服务器上使用 "
            "neo4j-admin database dump（社区版，需先停止数据库）或 neo4j-admin database backup（企业版，在线）"
            "备份，用 neo4j-admin database load 恢复；详见 README“备份与恢复 Backup and restore”"
        )

    def existing_codes(self, subject_type: SubjectType, codes: Collection[str]) -> set[str]:
        unique = list(dict.fromkeys(codes))

        def work(tx: Transaction) -> set[str]:
            found: set[str] = set()
            for chunk in batches(unique, self._batch_size):
                records = run(tx, "graph_existing_codes", subject_type=subject_type.value, codes=list(chunk))
                found.update(str(record["code"]) for record in records)
            return found

        return self._read("查询已有主体", work)

    def record_load(self, on_error: str, report: Mapping[str, Any]) -> int:
        def work(tx: Transaction) -> int:
            pk = next_pks(tx, LOAD_SEQUENCE, 1)
            run(tx, "graph_record_load", pk=pk, at=now_text(), on_error=on_error, report=to_json(report))
            return pk

        return self._write("记录导入历史", work)

    def write_batch(self, batch: LoadBatch) -> dict[FileKind, WriteCounts]:
        def work(tx: Transaction) -> dict[FileKind, WriteCounts]:
            counts: dict[FileKind, WriteCounts] = {}
            for kind in FileKind:  # the embedded store's order: policies, measures, subjects, roles, entries
                frame = batch.frames.get(kind)
                if frame is None:
                    continue
                counts[kind] = self._merge_frame(tx, kind, frame)
            return counts

        return self._write("写入导入数据", work)

    def _merge_frame(self, tx: Transaction, kind: FileKind, frame: pd.DataFrame) -> WriteCounts:
        if kind is FileKind.measures:
            return self._write_measures_frame(tx, frame)
        merges: dict[FileKind, Callable[[Transaction, pd.DataFrame], WriteCounts]] = {
            FileKind.list_policies: self._merge_policies,
            FileKind.enterprises: self._merge_enterprises,
            FileKind.persons: self._merge_persons,
            FileKind.roles: self._merge_roles,
            FileKind.list_entries: self._merge_entries,
        }
        return merges[kind](tx, frame)

    def _merge_policies(self, tx: Transaction, frame: pd.DataFrame) -> WriteCounts:
        rows: list[dict[str, Any]]
        raw = frame[list(BATCH_COLUMNS[FileKind.list_policies])].astype(object)
        # As the embedded store: any truthy flag counts for red; only an explicit yes skips publicity.
        raw["derived_counts_for_red"] = raw["derived_counts_for_red"].map(lambda flag: bool(flag))
        raw["black_skip_publicity"] = raw["black_skip_publicity"].map(
            lambda flag: flag is True or flag in (1, "true")
        )
        rows = [
            {
                "list_type": str(row["list_type"]),
                "roles": [role for role in str(row["roles"] or "").split(";") if role],
                "role_time": _text(row["role_time"]),
                "derived_counts_for_red": bool(row["derived_counts_for_red"]),
                "repair_min_days": _int(row["repair_min_days"]),
                "publicity_days": _int(row["publicity_days"]),
                "black_skip_publicity": bool(row["black_skip_publicity"]),
            }
            for row in _frame_rows(raw, BATCH_COLUMNS[FileKind.list_policies])
        ]
        _refuse_duplicates(FileKind.list_policies, [row["list_type"] for row in rows])
        staged = run_batched(
            tx, "graph_policy_stage", [{"list_type": row["list_type"]} for row in rows], self._batch_size
        )
        current = {record["list_type"]: record["current"] for record in staged}
        actions = [_action(current.get(row["list_type"]), row, POLICY_FIELDS) for row in rows]
        written = [row for row, action in zip(rows, actions, strict=True) if action != SAME]
        run_batched(tx, "graph_policy_write", written, self._batch_size)
        # A policy written: its list type's black entries may reach other people now.
        black = run_batched(
            tx,
            "graph_policy_black_entries",
            [{"list_type": row["list_type"]} for row in written],
            self._batch_size,
        )
        self._mark_changed(tx, [int(record["pk"]) for record in black])
        return _counts(actions)

    def _stage_subjects(
        self, tx: Transaction, subject_type: SubjectType, rows: Sequence[Mapping[str, Any]]
    ) -> dict[str, tuple[int, Mapping[str, Any]]]:
        staged = run_batched(
            tx,
            "graph_subject_stage",
            [{"code": row["code"]} for row in rows],
            self._batch_size,
            subject_type=subject_type.value,
        )
        return {
            str(record["code"]): (int(record["pk"]), record["current"])
            for record in staged
            if record["pk"] is not None
        }

    def _merge_subjects(
        self,
        tx: Transaction,
        kind: FileKind,
        subject_type: SubjectType,
        rows: list[dict[str, Any]],
        fields: Sequence[str],
    ) -> WriteCounts:
        _refuse_duplicates(kind, [row["code"] for row in rows])
        stored = self._stage_subjects(tx, subject_type, rows)
        actions = [
            _action(stored[row["code"]][1] if row["code"] in stored else None, row, fields) for row in rows
        ]
        inserts = [row for row, action in zip(rows, actions, strict=True) if action == INSERT]
        if inserts:
            first = next_pks(tx, SUBJECT_SEQUENCE, len(inserts))
            inserts = [{**row, "pk": first + i} for i, row in enumerate(inserts)]
        updates = [
            {"pk": stored[row["code"]][0], **{name: row[name] for name in fields}}
            for row, action in zip(rows, actions, strict=True)
            if action == UPDATE
        ]
        run_batched(tx, f"graph_{subject_type.value}_insert", inserts, self._batch_size)
        run_batched(tx, f"graph_{subject_type.value}_update", updates, self._batch_size)
        return _counts(actions)

    def _merge_enterprises(self, tx: Transaction, frame: pd.DataFrame) -> WriteCounts:
        rows: list[dict[str, Any]]
        rows = [
            {
                "code": str(row["uscc"]),
                "name": _text(row["name"]),
                "enterprise_kind": _text(row["kind"]),
                "enterprise_status": _text(row["status"]),
                "region_code": _text(row["region_code"]),
                "established": iso_date(row["established"]),
            }
            for row in _frame_rows(frame, BATCH_COLUMNS[FileKind.enterprises])
        ]
        return self._merge_subjects(tx, FileKind.enterprises, SubjectType.enterprise, rows, ENTERPRISE_FIELDS)

    def _merge_persons(self, tx: Transaction, frame: pd.DataFrame) -> WriteCounts:
        rows: list[dict[str, Any]]
        rows = [
            {"code": str(row["id_number"]), "name": _text(row["name"])}
            for row in _frame_rows(frame, BATCH_COLUMNS[FileKind.persons])
        ]
        return self._merge_subjects(tx, FileKind.persons, SubjectType.person, rows, PERSON_FIELDS)

    def _merge_roles(self, tx: Transaction, frame: pd.DataFrame) -> WriteCounts:
        rows: list[dict[str, Any]]
        rows = [
            {
                "i": i,
                "holder_code": str(row["person_id"]),
                "holder_type": str(row["holder_type"]),
                "enterprise_code": str(row["enterprise_uscc"]),
                "role": str(row["role"]),
                # The natural key's start: None is the open start (the embedded store's '').
                "start": iso_date(row["start"]),
                "end": iso_date(row["end"]),
                "ratio": _float(row["ratio"]),
            }
            for i, row in enumerate(_frame_rows(frame, BATCH_COLUMNS[FileKind.roles]))
        ]
        _refuse_duplicates(
            FileKind.roles,
            [(r["holder_type"], r["holder_code"], r["enterprise_code"], r["role"], r["start"]) for r in rows],
        )
        keys = ("i", "holder_code", "holder_type", "enterprise_code", "role", "start")
        staged: dict[int, Mapping[str, Any]] = {}
        for record in run_batched(
            tx, "graph_role_stage", [{k: row[k] for k in keys} for row in rows], self._batch_size
        ):
            staged.setdefault(int(record["i"]), record)  # the natural key is unique: one edge at most
        actions: list[str] = []
        inserts: list[tuple[Role, dict[str, Any]]] = []
        updates: list[dict[str, Any]] = []
        firms: set[int] = set()
        for row in rows:
            found = staged.get(row["i"])
            holder_pk = None if found is None else found["holder_pk"]
            enterprise_pk = None if found is None else found["enterprise_pk"]
            if found is None or holder_pk is None or enterprise_pk is None:
                # The embedded store fails on its NOT NULL keys here; the loader checks references first.
                missing = row["holder_code"] if holder_pk is None else row["enterprise_code"]
                raise StoreError(f"写入导入数据：任职关系第 {row['i'] + 1} 行引用的主体 {missing} 不存在")
            action = _action(None if found["pk"] is None else found, row, ROLE_FIELDS)
            actions.append(action)
            edge = {
                "holder_pk": int(holder_pk),
                "enterprise_pk": int(enterprise_pk),
                "end": row["end"],
                "ratio": row["ratio"],
            }
            if action == INSERT:
                inserts.append((Role(row["role"]), {**edge, "start": row["start"]}))
            elif action == UPDATE:
                updates.append({"pk": int(found["pk"]), **edge})
            if action != SAME:
                firms.add(int(enterprise_pk))
        if inserts:
            # Keys in file order, as the embedded store's INSERT … SELECT FROM stage hands them out; then one
            # query per relationship type (types are fixed in the files).
            first = next_pks(tx, ROLE_SEQUENCE, len(inserts))
            by_type: dict[Role, list[dict[str, Any]]] = {}
            for i, (role, edge) in enumerate(inserts):
                by_type.setdefault(role, []).append({"pk": first + i, **edge})
            for role in ROLE_TYPES:
                if role in by_type:
                    run_batched(tx, ROLE_INSERTS[role], by_type[role], self._batch_size)
        run_batched(tx, "graph_role_update", updates, self._batch_size)
        # A firm's roles written: its black entries may reach other people now.
        black = run_batched(
            tx, "graph_firm_black_entries", [{"pk": pk} for pk in sorted(firms)], self._batch_size
        )
        self._mark_changed(tx, [int(record["pk"]) for record in black])
        return _counts(actions)

    def _merge_entries(self, tx: Transaction, frame: pd.DataFrame) -> WriteCounts:
        rows: list[dict[str, Any]]
        rows = [
            {
                "entry_id": str(row["entry_id"]),
                "subject_code": str(row["subject_id"]),
                "subject_type": str(row["subject_type"]),
                "kind": _text(row["kind"]),
                "list_type": _text(row["list_type"]),
                "department": _text(row["department"]),
                "basis": _text(row["basis"]),
                **{name: iso_date(row[name]) for name in _ENTRY_DATES},
            }
            for row in _frame_rows(frame, BATCH_COLUMNS[FileKind.list_entries])
        ]
        _refuse_duplicates(FileKind.list_entries, [row["entry_id"] for row in rows])
        keys = ("entry_id", "subject_code", "subject_type")
        staged = {
            str(record["entry_id"]): record
            for record in run_batched(
                tx, "graph_entry_stage", [{k: row[k] for k in keys} for row in rows], self._batch_size
            )
        }
        actions: list[str] = []
        written: list[dict[str, Any]] = []
        for row in rows:
            found = staged.get(row["entry_id"])
            if found is None or found["subject_pk"] is None:
                raise StoreError(
                    f"写入导入数据：名单条目 {row['entry_id']} 的主体 {row['subject_code']} 不存在"
                )
            values = {
                "entry_id": row["entry_id"],
                "subject_pk": int(found["subject_pk"]),
                **{name: row[name] for name in ENTRY_FIELDS if name != "subject_pk"},
            }
            current = found["current"]
            action = _action(current, values, ENTRY_FIELDS)
            actions.append(action)
            if action != SAME:
                pk = None if current is None else int(current["pk"])
                written.append({**values, "pk": pk, "action": action})
        inserts = [row for row in written if row["action"] == INSERT]
        if inserts:
            first = next_pks(tx, ENTRY_SEQUENCE, len(inserts))
            for i, row in enumerate(inserts):
                row["pk"] = first + i
        columns = ("pk", "entry_id", *ENTRY_FIELDS)
        run_batched(
            tx, "graph_entry_insert", [{k: row[k] for k in columns} for row in inserts], self._batch_size
        )
        run_batched(
            tx,
            "graph_entry_update",
            [{k: row[k] for k in columns} for row in written if row["action"] == UPDATE],
            self._batch_size,
        )
        if written:
            first_event = next_pks(tx, EVENT_SEQUENCE, len(written))
            events = [
                {
                    "pk": first_event + i,
                    "entry_pk": row["pk"],
                    "action": "imported" if row["action"] == INSERT else "import_updated",
                }
                for i, row in enumerate(written)
            ]
            run_batched(tx, "graph_entry_events", events, self._batch_size, at=now_text())
        self._mark_changed(tx, [int(row["pk"]) for row in written])
        return _counts(actions)

    # --- propagation (the keys of entries) -------------------------------------------------------------------

    def entry_pks(self, entry_ids: Collection[str]) -> dict[str, int]:
        ids = list(dict.fromkeys(entry_ids))

        def work(tx: Transaction) -> dict[str, int]:
            found: dict[str, int] = {}
            for chunk in batches(ids, self._batch_size):
                for record in run(tx, "graph_entry_pks", entry_ids=list(chunk)):
                    found[str(record["entry_id"])] = int(record["pk"])
            return found

        return self._read("查询名单条目编号", work)

    # --- reads -----------------------------------------------------------------------------------------------

    def find_subjects(self, code: str) -> list[SubjectRecord]:
        return [subject_record(record["subject"]) for record in self._query("graph_find_subjects", code=code)]

    def subject_roles(self, subject_pk: int) -> list[RoleRecord]:
        return [
            role_record(record["role"])
            for record in self._query("graph_subject_roles", subject_pk=subject_pk)
        ]

    def subject_entries(self, subject_pk: int) -> list[EntryRecord]:
        return [
            entry_record(record["entry"])
            for record in self._query("graph_subject_entries", subject_pk=subject_pk)
        ]

    def entry(self, entry_id: str) -> EntryRecord | None:
        records = self._query("graph_entry_by_id", entry_id=entry_id)
        return entry_record(records[0]["entry"]) if records else None

    def entry_by_pk(self, entry_pk: int) -> EntryRecord:
        records = self._query("graph_entry_by_pk", entry_pk=entry_pk)
        if not records:
            raise NotFound(f"未找到名单记录（内部编号 {entry_pk}）")
        return entry_record(records[0]["entry"])

    def derived_for_person(self, person_pk: int) -> list[DerivedRecordRow]:
        return [_derived_row(r) for r in self._query("graph_derived_for_person", person_pk=person_pk)]

    def derived_for_entry(self, entry_pk: int) -> list[DerivedRecordRow]:
        return [_derived_row(r) for r in self._query("graph_derived_for_entry", entry_pk=entry_pk)]

    def check_rows(self, subject_pk: int, at: dt.date) -> list[CheckRow]:
        def work(tx: Transaction) -> tuple[list[neo4j.Record], list[neo4j.Record]]:
            # One read transaction: direct and derived rows see the same state.
            return (
                run(tx, "graph_check_direct", subject_pk=subject_pk, at=at),
                run(tx, "graph_check_derived", person_pk=subject_pk, at=at),
            )

        direct, derived = self._read("查询适用的名单和措施", work)
        rows: list[CheckRow] = []
        entries: dict[int, EntryRecord] = {}
        for record in direct:
            found = entry_record(record["entry"])
            entry = entries.setdefault(found.pk, found)
            rows.append(
                CheckRow(
                    entry=entry,
                    measure=measure(record["measure"]),
                    derived=None,
                    suspended=bool(record["suspended"]),
                )
            )
        paths: dict[tuple[int, int], DerivedRecordRow] = {}
        for record in derived:
            key = (int(record["entry"]["pk"]), int(record["role"]["pk"]))
            path = paths.get(key)
            if path is None:
                path = paths.setdefault(key, _derived_row(record))
            rows.append(
                CheckRow(
                    entry=path.entry,
                    measure=measure(record["measure"]),
                    derived=path,
                    suspended=bool(record["suspended"]),
                )
            )
        return rows

    def example_person(self, business_item: str, at: dt.date) -> str | None:
        records = self._query("graph_example_person", day=at, item=business_item)
        return str(records[0]["code"]) if records else None

    # --- publicity (R10, §六(三)) ----------------------------------------------------------------------------

    def public_entries(
        self,
        at: dt.date,
        *,
        kind: ListKind | None = None,
        list_type: str | None = None,
        search: str | None = None,
        after: tuple[dt.date, str] | None = None,
        limit: int = 50,
    ) -> list[EntryRecord]:
        wanted = (search or "").strip() or None
        records = self._query(
            "graph_public_entries",
            at=at,
            kind=None if kind is None else kind.value,
            list_type=list_type,
            search=wanted,
            code=None if wanted is None else compact(wanted),
            after_from=None if after is None else after[0],
            after_id=None if after is None else after[1],
            limit=limit,
        )
        return [entry_record(record["entry"]) for record in records]
