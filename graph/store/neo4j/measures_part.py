"""The measures methods of the Neo4j store (see :mod:`graph.store.neo4j`): the measures list in versions, its
draft and its change log, as the embedded store keeps them (``docs/store.md``, "The measures list in
versions").

* ``(:Measure)`` is one form of a measure in one version (``version``, ``retired_in``, ``valid_from``,
  ``valid_to``, ``current``), as a row of the SQLite ``measures`` table; ``(:MeasureVersion)`` a published
  version, ``(:MeasureDraft)`` the draft's change to one measure, ``(:MeasureChange)`` an entry of the
  append-only change log. The draft token is the newest change-log key: every draft edit, import and
  publication appends one.
* Every transaction that writes the list, its draft or its log starts with ``measures_lock`` (an exclusive
  lock on one ``(:Lock {name: 'measures'})`` node, held until commit). Neo4j reads committed data, not a
  snapshot: without the lock two publishers could both see the same latest version and token and both
  publish, or a publication could empty a draft change committed after it checked the token. With it the
  writers run one after another and each reads what the one before committed, as SQLite's single writer.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import neo4j

from graph.errors import ConflictError, NotFound, StoreError
from graph.model import ListKind, Measure
from graph.store.neo4j.base import (
    Neo4jBase,
    Transaction,
    must_date,
    next_pks,
    now_text,
    run,
    run_batched,
    run_one,
    to_date,
)
from graph.store.neo4j.records import measure as measure_record
from graph.store.port import (
    BATCH_COLUMNS,
    DraftChange,
    FileKind,
    MeasureChange,
    MeasurePublication,
    MeasureRecord,
    MeasureVersion,
    WriteCounts,
)

if TYPE_CHECKING:
    import pandas as pd

#: The fields of a form of a measure, in the order the change log's JSON lists them (as SQLite's).
MEASURE_FIELDS = (
    "kind",
    "list_type",
    "target",
    "content",
    "initiating_department",
    "implementing_department",
    "legal_basis",
    "business_items",
    "sharing_method",
)
#: Who the change log names for what an import wrote (as SQLite's).
IMPORT_ACTOR = "loader"
#: Version 0's description in :meth:`MeasuresPart.measure_versions` (as SQLite's).
IMPORTED_NOTE = "首次发布前由措施文件导入的清单"

#: A measure's fields as compared and written: ``business_items`` a tuple of item codes.
Fields = tuple[Any, ...]


def _fields_of(measure: Measure) -> Fields:
    return (
        measure.kind.value,
        measure.list_type,
        measure.target.value,
        measure.content,
        measure.initiating_department,
        measure.implementing_department,
        measure.legal_basis,
        tuple(measure.business_items),
        measure.sharing_method,
    )


def _node_fields(node: Mapping[str, Any] | None) -> Fields | None:
    """The fields of a ``Measure`` or ``MeasureDraft`` projection (``None`` for none)."""
    if node is None:
        return None
    return tuple(
        tuple(node.get(name) or ()) if name == "business_items" else node.get(name) for name in MEASURE_FIELDS
    )


def _items(value: Any) -> tuple[str, ...]:
    """Business items of an imported row (``;``-separated, as the loader normalises them)."""
    if value is None:
        return ()
    return tuple(item for item in str(value).split(";") if item)


def _fields_json(values: Fields | None) -> str | None:
    """Fields as the change log keeps them: JSON in field order, business items a list (SQLite's text)."""
    if values is None:
        return None
    fields = dict(zip(MEASURE_FIELDS, values, strict=True))
    fields["business_items"] = list(fields["business_items"] or ())
    return json.dumps(fields, ensure_ascii=False)


def _field_params(values: Fields) -> dict[str, Any]:
    params = dict(zip(MEASURE_FIELDS, values, strict=True))
    params["business_items"] = list(params["business_items"])
    return params


def _measure_record(row: Mapping[str, Any]) -> MeasureRecord | None:
    found = measure_record(row)
    if found is None:
        return None
    return MeasureRecord(
        found, int(row["version"]), to_date(row.get("valid_from")), to_date(row.get("valid_to"))
    )


class _State:
    """What the store holds for one measure: its current form and the draft's change to it."""

    def __init__(self, current: Fields | None, draft: tuple[str, Fields] | None) -> None:
        self.current = current
        self.draft = draft

    @classmethod
    def of(cls, record: neo4j.Record) -> _State:
        current = _node_fields(record["current"])
        node = record["draft"]
        draft = None if node is None else (str(node["action"]), _node_fields(node) or ())
        return cls(current, draft)

    def draft_form(self) -> Fields | None:
        """The fields as the draft would publish them (``None``: not in the draft's list)."""
        if self.draft is None:
            return self.current
        action, values = self.draft
        return values if action == "set" else None


class MeasuresPart(Neo4jBase):
    """Port methods of this part, as Cypher in ``queries/cypher/measures_*.cypher``."""

    # --- reads ---------------------------------------------------------------------------------------------

    def measures_for(self, kind: ListKind, list_type: str) -> list[Measure]:
        records = self._query("measures_for", kind=kind.value, list_type=list_type)
        return [found for found in (measure_record(r["measure"]) for r in records) if found is not None]

    def measure_versions(self) -> list[MeasureVersion]:
        return self._read("读取措施清单版本", self._versions)

    @staticmethod
    def _versions(tx: Transaction) -> list[MeasureVersion]:
        versions = []
        counted = run_one(tx, "measures_imported")
        imported = 0 if counted is None else int(counted["imported"])
        if imported:
            versions.append(
                MeasureVersion(0, None, None, IMPORT_ACTOR, IMPORTED_NOTE, imported, 0, 0, imported)
            )
        for record in run(tx, "measures_versions"):
            v = record["version"]
            versions.append(
                MeasureVersion(
                    int(v["version"]),
                    must_date(v["published_on"]),
                    v["published_at"],
                    v["published_by"],
                    v["note"],
                    int(v["added"]),
                    int(v["changed"]),
                    int(v["removed"]),
                    int(v["measures"]),
                )
            )
        return versions

    def measures_of_version(self, version: int) -> list[MeasureRecord]:
        def work(tx: Transaction) -> list[MeasureRecord]:
            if version not in {found.version for found in self._versions(tx)}:
                raise NotFound(f"措施清单没有第 {version} 版")
            return self._records(run(tx, "measures_of_version", version=version))

        return self._read("读取措施清单版本", work)

    def measures_in_force(self, at: dt.date) -> list[MeasureRecord]:
        return self._records(self._query("measures_in_force", at=at))

    @staticmethod
    def _records(records: Sequence[neo4j.Record]) -> list[MeasureRecord]:
        return [found for found in (_measure_record(r["measure"]) for r in records) if found is not None]

    def measure_draft(self) -> tuple[int, list[DraftChange]]:
        def work(tx: Transaction) -> tuple[int, list[DraftChange]]:
            # The token first, then the changes: reads are committed, not a snapshot, so a change committed in
            # between shows in the changes but not in the token — a publication based on them then conflicts
            # (safe). Read the other way round, a change could be missing from the draft shown yet covered
            # by the token, and a publication would drop it silently.
            token = self._token(tx)
            changes = []
            for record in run(tx, "measures_draft"):
                d = record["draft"]
                form = measure_record(d) if d["action"] == "set" else None
                changes.append(DraftChange(d["measure_id"], form, d["changed_at"], d["changed_by"]))
            return token, changes

        return self._read("读取措施清单草稿", work)

    @staticmethod
    def _head(tx: Transaction) -> tuple[int | None, int]:
        """(latest published version or ``None``, draft token)."""
        record = run_one(tx, "measures_head")
        if record is None:  # pragma: no cover - an aggregation always returns its row
            raise StoreError("Neo4j 未返回措施清单的版本")
        latest = record["latest"]
        return (None if latest is None else int(latest)), int(record["token"])

    @classmethod
    def _token(cls, tx: Transaction) -> int:
        return cls._head(tx)[1]

    def measure_changes(self, *, measure_id: str | None = None, limit: int = 100) -> list[MeasureChange]:
        # SQLite's LIMIT takes a negative number as "no limit"; Cypher refuses one.
        bound = limit if limit >= 0 else 2**62
        records = self._query("measures_changes", measure_id=measure_id, limit=bound)
        changes = []
        for record in records:
            c = record["change"]
            version = c.get("version")
            changes.append(
                MeasureChange(
                    pk=int(c["pk"]),
                    at=c["at"],
                    actor=c["actor"],
                    action=c["action"],
                    measure_id=c.get("measure_id"),
                    before=json.loads(c["before"]) if c.get("before") else None,
                    after=json.loads(c["after"]) if c.get("after") else None,
                    version=None if version is None else int(version),
                    note=c.get("note"),
                )
            )
        return changes

    # --- the draft -----------------------------------------------------------------------------------------

    @staticmethod
    def _lock(tx: Transaction, at: str) -> None:
        """Serialise the writers of the measures list (see the module's docstring)."""
        run(tx, "measures_lock", at=at)

    @staticmethod
    def _states(tx: Transaction, measure_ids: Sequence[str], batch_size: int) -> dict[str, _State]:
        rows = [{"measure_id": measure_id} for measure_id in dict.fromkeys(measure_ids)]
        return {
            str(record["measure_id"]): _State.of(record)
            for record in run_batched(tx, "measures_state", rows, batch_size)
        }

    def _state(self, tx: Transaction, measure_id: str) -> _State:
        return self._states(tx, [measure_id], self._batch_size).get(measure_id, _State(None, None))

    def _log(self, tx: Transaction, entries: Sequence[Mapping[str, Any]]) -> None:
        """Append ``entries`` (``actor``, ``action``, ``measure_id``, ``before``/``after`` JSON text,
        ``version``, ``note``, ``at``) to the change log, keys in order."""
        if not entries:
            return
        first = next_pks(tx, "measure_change", len(entries))
        rows = [{"pk": first + i, **entry} for i, entry in enumerate(entries)]
        run_batched(tx, "measures_log", rows, self._batch_size)

    @staticmethod
    def _entry(
        at: str,
        *,
        actor: str,
        action: str,
        measure_id: str | None,
        before: str | None = None,
        after: str | None = None,
        version: int | None = None,
        note: str | None = None,
    ) -> dict[str, Any]:
        return {
            "at": at,
            "actor": actor,
            "action": action,
            "measure_id": measure_id,
            "before": before,
            "after": after,
            "version": version,
            "note": note,
        }

    def _draft_rows(self, tx: Transaction, forms: Mapping[str, Fields], at: str, actor: str) -> None:
        rows = [
            {"measure_id": measure_id, **_field_params(values), "changed_at": at, "changed_by": actor}
            for measure_id, values in forms.items()
        ]
        run_batched(tx, "measures_draft_set", rows, self._batch_size)

    def set_draft_measure(self, measure: Measure, *, actor: str) -> None:
        values = _fields_of(measure)

        def work(tx: Transaction) -> None:
            at = now_text()
            self._lock(tx, at)
            before = self._state(tx, measure.measure_id).draft_form()
            self._draft_rows(tx, {measure.measure_id: values}, at, actor)
            entry = self._entry(
                at,
                actor=actor,
                action="set",
                measure_id=measure.measure_id,
                before=_fields_json(before),
                after=_fields_json(values),
            )
            self._log(tx, [entry])

        self._write("写入措施清单草稿", work)

    def remove_draft_measure(self, measure_id: str, *, actor: str) -> None:
        def work(tx: Transaction) -> None:
            at = now_text()
            self._lock(tx, at)
            state = self._state(tx, measure_id)
            if state.current is None and state.draft is None:
                raise NotFound(f"当前措施清单及草稿中都没有措施 {measure_id}")
            before = state.draft_form()
            if before is None:
                return  # already removed in the draft
            if state.current is None:
                # Only the draft added it: removing it just takes it out of the draft.
                run(tx, "measures_draft_drop", measure_id=measure_id)
            else:
                run(tx, "measures_draft_remove", measure_id=measure_id, changed_at=at, changed_by=actor)
            entry = self._entry(
                at, actor=actor, action="remove", measure_id=measure_id, before=_fields_json(before)
            )
            self._log(tx, [entry])

        self._write("写入措施清单草稿", work)

    def revert_draft_measure(self, measure_id: str, *, actor: str) -> None:
        def work(tx: Transaction) -> None:
            at = now_text()
            self._lock(tx, at)
            state = self._state(tx, measure_id)
            if state.draft is None:
                raise NotFound(f"草稿中没有对措施 {measure_id} 的修改")
            run(tx, "measures_draft_drop", measure_id=measure_id)
            entry = self._entry(
                at,
                actor=actor,
                action="revert",
                measure_id=measure_id,
                before=_fields_json(state.draft_form()),
                after=_fields_json(state.current),
            )
            self._log(tx, [entry])

        self._write("写入措施清单草稿", work)

    def discard_measure_draft(self, *, actor: str) -> int:
        def work(tx: Transaction) -> int:
            at = now_text()
            self._lock(tx, at)
            dropped = [str(record["draft"]["measure_id"]) for record in run(tx, "measures_draft")]
            if dropped:
                run(tx, "measures_draft_clear")
                entry = self._entry(
                    at,
                    actor=actor,
                    action="discard",
                    measure_id=None,
                    after=json.dumps({"measure_ids": dropped}, ensure_ascii=False),
                    note=f"放弃草稿中 {len(dropped)} 项修改",
                )
                self._log(tx, [entry])
            return len(dropped)

        return self._write("放弃措施清单草稿", work)

    # --- publication ---------------------------------------------------------------------------------------

    def publish_measures(self, publication: MeasurePublication) -> MeasureVersion:
        p = publication
        published_at = now_text()
        retiring = [*(m.measure_id for m in p.changed), *p.removed]
        new_forms = [*p.added, *p.changed]

        def work(tx: Transaction) -> None:
            self._lock(tx, published_at)
            latest, token = self._head(tx)
            if latest != p.based_on or token != p.draft_token:
                raise ConflictError("措施清单或其草稿在此期间已被他人修改，请刷新后重新发布")
            retired = {
                str(record["measure_id"])
                for record in run_batched(
                    tx,
                    "measures_retire",
                    [{"measure_id": measure_id} for measure_id in retiring],
                    self._batch_size,
                    version=p.version,
                    valid_to=p.published_on - dt.timedelta(days=1),
                )
            }
            seen: set[str] = set()
            for measure_id in retiring:  # as SQLite: the first one not closed exactly once
                if measure_id in seen or measure_id not in retired:
                    raise ConflictError(f"措施 {measure_id} 不在当前清单中，请刷新后重新发布")
                seen.add(measure_id)
            if p.added:
                states = self._states(tx, [m.measure_id for m in p.added], self._batch_size)
                for measure in p.added:
                    if states[measure.measure_id].current is not None:
                        # SQLite's unique index on the current row refuses it (a store error there too).
                        raise StoreError(f"发布措施清单失败：措施 {measure.measure_id} 已在当前清单中")
            if new_forms:
                first = next_pks(tx, "measure", len(new_forms))
                rows = [
                    {
                        "pk": first + i,
                        "measure_id": measure.measure_id,
                        "version": p.version,
                        "valid_from": p.published_on,
                        **_field_params(_fields_of(measure)),
                    }
                    for i, measure in enumerate(new_forms)
                ]
                run_batched(tx, "measures_create", rows, self._batch_size)
            run(
                tx,
                "measures_version_create",
                version=p.version,
                published_on=p.published_on,
                published_at=published_at,
                published_by=p.published_by,
                note=p.note,
                added=len(p.added),
                changed=len(p.changed),
                removed=len(p.removed),
                measures=p.measures,
            )
            run(tx, "measures_draft_clear")
            details = {
                "published_on": p.published_on.isoformat(),
                "added": [m.measure_id for m in p.added],
                "changed": [m.measure_id for m in p.changed],
                "removed": list(p.removed),
            }
            entry = self._entry(
                published_at,
                actor=p.published_by,
                action="publish",
                measure_id=None,
                after=json.dumps(details, ensure_ascii=False),
                version=p.version,
                note=p.note,
            )
            self._log(tx, [entry])

        self._write("发布措施清单", work)
        return MeasureVersion(
            p.version,
            p.published_on,
            published_at,
            p.published_by,
            p.note,
            len(p.added),
            len(p.changed),
            len(p.removed),
            p.measures,
        )

    # --- imports -------------------------------------------------------------------------------------------

    def _write_measures_frame(self, tx: Transaction, frame: pd.DataFrame) -> WriteCounts:
        """An imported measures file, by measure id, within the load's transaction (as SQLite's
        ``_merge_measures``).

        Before any publication the file maintains version 0 in place, in force since ever: new measures are
        created, changed ones updated. Once a version has been published the list changes only by
        publication: the file's measures go into the draft (counted against the draft's form of each
        measure). Every change is logged as an ``import``. Rows are compared one after another as SQLite
        does (a repeated id is compared with the row before it); what is written is each id's last form.
        """
        at = now_text()
        self._lock(tx, at)
        published = self._head(tx)[0] is not None
        rows = _frame_rows(frame)
        states = self._states(tx, [measure_id for measure_id, _ in rows], self._batch_size)
        stored = {measure_id for measure_id, state in states.items() if state.current is not None}
        note = "写入草稿" if published else "写入导入清单（第 0 版）"
        inserted = updated = unchanged = 0
        creates: dict[str, Fields] = {}
        updates: dict[str, Fields] = {}
        drafts: dict[str, Fields] = {}
        entries: list[dict[str, Any]] = []
        for measure_id, values in rows:
            state = states.get(measure_id) or _State(None, None)
            before = state.draft_form() if published else state.current
            if before == values:
                unchanged += 1
                continue
            known = state.current is not None or (published and state.draft is not None)
            if known:
                updated += 1
            else:
                inserted += 1
            # What the next row of the same id is compared with, as SQLite's row-by-row writes would show it.
            if published:
                drafts[measure_id] = values
                state.draft = ("set", values)
            else:
                (updates if measure_id in stored else creates)[measure_id] = values
                state.current = values
            states[measure_id] = state
            entries.append(
                self._entry(
                    at,
                    actor=IMPORT_ACTOR,
                    action="import",
                    measure_id=measure_id,
                    before=_fields_json(before),
                    after=_fields_json(values),
                    note=note,
                )
            )
        if drafts:
            self._draft_rows(tx, drafts, at, IMPORT_ACTOR)
        if creates:
            first = next_pks(tx, "measure", len(creates))
            create_rows = [
                {
                    "pk": first + i,
                    "measure_id": measure_id,
                    "version": 0,
                    "valid_from": None,
                    **_field_params(values),
                }
                for i, (measure_id, values) in enumerate(creates.items())
            ]
            run_batched(tx, "measures_create", create_rows, self._batch_size)
        if updates:
            update_rows = [
                {"measure_id": measure_id, **_field_params(values)} for measure_id, values in updates.items()
            ]
            run_batched(tx, "measures_update_current", update_rows, self._batch_size)
        self._log(tx, entries)
        return WriteCounts(inserted=inserted, updated=updated, unchanged=unchanged)


def _frame_rows(frame: pd.DataFrame) -> list[tuple[str, Fields]]:
    """(measure id, fields) of each row of an imported measures frame, ``None`` for missing values."""
    subset = frame[list(BATCH_COLUMNS[FileKind.measures])].astype(object)
    subset = subset.where(subset.notna(), None)
    rows = []
    for row in subset.itertuples(index=False, name=None):
        values = dict(zip(MEASURE_FIELDS, row[1:], strict=True))
        values["business_items"] = _items(values["business_items"])
        rows.append((str(row[0]), tuple(values[name] for name in MEASURE_FIELDS)))
    return rows
