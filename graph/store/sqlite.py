"""The embedded store: one SQLite file in WAL mode.

* Schema migrations (``graph/store/migrations/NNNN_*.sql``) are applied on open; ``PRAGMA user_version``
  records the version reached.
* One write connection, serialised by a lock, opening ``BEGIN IMMEDIATE`` transactions; one read
  connection per thread (``query_only``). In WAL mode readers never block the writer and see the last
  committed state, so a propagation run swapped in by one transaction is seen whole or not at all.
* Bulk writes go through temporary staging tables and set-based ``INSERT … SELECT`` / ``UPDATE … FROM``
  statements inside one transaction, which also tells inserted, updated and unchanged rows apart. Rows
  of a kind the store holds none of yet (a first load) skip the staging: they are all inserts, written
  directly with the keys the staging path would give them (see ``FRESH_ROWS``).
* sqlite3 errors are wrapped in :class:`graph.errors.StoreError`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import sqlite3
import threading
import time
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
import pandas as pd

from graph.days import OPEN_END, OPEN_START
from graph.dispatch import FEEDBACK_DAYS, REMIND_EVERY_DAYS
from graph.errors import ConflictError, NotFound, StoreError
from graph.frames import (
    CURRENT_COLUMNS,
    PREVIOUS_COLUMNS,
    DerivedFrames,
    DispatchFrames,
    DispatchPlanner,
    DispatchSummary,
    PropagationInputs,
    Rederive,
    RunSummary,
)
from graph.ids import SubjectType, compact
from graph.model import DEFAULT_POLICY, EntryStatus, HolderBasis, ListKind, Measure, Role, Target
from graph.store.port import (
    BATCH_COLUMNS,
    JOB_STALE_AFTER,
    CandidateConflict,
    CheckRow,
    ConflictRecord,
    Delivery,
    DerivedRecordRow,
    DispatchRecord,
    DispatchSettings,
    DispatchStats,
    DraftChange,
    EntryEvent,
    EntryRecord,
    FeedbackRecord,
    FileKind,
    JobRun,
    LoadBatch,
    MeasureChange,
    MeasurePublication,
    MeasureRecord,
    MeasureVersion,
    NoticeRecord,
    ObjectionRecord,
    OutboxState,
    PreliminaryEntryRecord,
    PreliminaryListRecord,
    PreliminarySubmission,
    PriorNotification,
    PublicityPolicy,
    RedCandidate,
    RepairApplication,
    RoleEdge,
    RoleRecord,
    StatusFlag,
    SubjectRecord,
    Suspension,
    Transition,
    WebhookRecord,
    WriteCounts,
    job_owner,
    job_owner_is_gone,
)
from queries.catalog import sql

BATCH_ROWS = 50_000
CACHE_KIB = 64 * 1024
#: Writes of at least BULK_ROWS rows run with a page cache of BULK_CACHE_KIB, given back afterwards.
BULK_ROWS = 200_000
BULK_CACHE_KIB = 1024 * 1024
#: Subjects of a type, or role edges, that the store holds none of yet are written by the fresh path
#: (direct inserts, the name index filled in one statement, secondary indexes built once) when a batch
#: brings at least this many of them: a first load of a city. Same rows, keys and counts as the staging path.
FRESH_ROWS = 20_000
#: Reads go through one shared memory map of the file instead of each connection's own page cache:
#: request threads each hold a connection, and private caches would each start cold.
MMAP_BYTES = 16 * 1024**3
_EPOCH64 = np.datetime64("1970-01-01", "D")
#: Date columns of at most this many rows are parsed value by value (see ``_days``).
SMALL_PARSE = 256
#: A name search reads at most this many candidates from the trigram index; a text found in more names
#: than that is common, and walking the names shortest first finds the first ones sooner than sorting.
SEARCH_CANDIDATES = 5_000
#: The FTS5 trigram index needs at least three characters; shorter texts walk the names in order.
TRIGRAM = 3
#: Above every character: ``code < prefix + _TOP`` bounds the codes starting with ``prefix``.
_TOP = "\U0010ffff"


def _migrations() -> list[tuple[int, str]]:
    folder = resources.files("graph.store").joinpath("migrations")
    found = []
    for item in folder.iterdir():
        name = item.name
        if name.endswith(".sql") and name[:4].isdigit():
            found.append((int(name[:4]), item.read_text(encoding="utf-8")))
    return sorted(found)


SCHEMA_VERSION = max(version for version, _ in _migrations())
#: The first line of a migration that must run with foreign keys off (it rebuilds a table).
_FOREIGN_KEYS_OFF = "-- credlink: foreign_keys off\n"


def _date(value: str | None) -> dt.date | None:
    return None if value is None or value == "" else dt.date.fromisoformat(value)


#: The same few thousand days recur across millions of role edges; graph views parse each once.
_cached_date = lru_cache(maxsize=1 << 16)(_date)


def _required_date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


_EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()


@lru_cache(maxsize=1 << 14)
def _day_number(text: str) -> int:
    return dt.date.fromisoformat(text).toordinal() - _EPOCH_ORDINAL


def _days(values: pd.Series, *, open_as: int) -> np.ndarray:
    """ISO date strings (``None``/``''`` = open) to day numbers: vectorised, or (a few rows, where the
    vector machinery's fixed cost is most of the work) one cached parse per distinct date."""
    if len(values) <= SMALL_PARSE:
        return np.array(
            [
                open_as if value is None or value == "" or value != value else _day_number(value)
                for value in values.tolist()
            ],
            dtype=np.int64,
        )
    text = values.astype(object).where(values.notna() & (values.astype(object) != ""), None)
    parsed = pd.to_datetime(text, format="%Y-%m-%d", errors="raise")
    days = parsed.to_numpy(dtype="datetime64[D]").astype(np.int64)
    return np.where(parsed.isna().to_numpy(), open_as, days)


def _iso_days(days: np.ndarray, *, open_value: int) -> list[str | None]:
    """Day numbers back to ISO strings; sentinels become ``None``."""
    as_dates = (_EPOCH64 + days.astype("timedelta64[D]")).astype(str)
    open_mask = days == open_value
    return [
        None if is_open else text for text, is_open in zip(as_dates.tolist(), open_mask.tolist(), strict=True)
    ]


E = TypeVar("E", bound=StrEnum)


def _members(enum: type[E]) -> dict[str, E]:
    # A dict lookup is several times cheaper than calling the enum class, and these run per row read.
    return {member.value: member for member in enum}


_SUBJECT_TYPES = _members(SubjectType)
_KINDS = _members(ListKind)
_STATUSES = _members(EntryStatus)
_ROLES = _members(Role)
_TARGETS = _members(Target)
_BASES = _members(HolderBasis)


def _entry(row: Sequence[Any]) -> EntryRecord:
    return EntryRecord(
        pk=row[0],
        entry_id=row[1],
        subject_type=_SUBJECT_TYPES[row[2]],
        subject_code=row[3],
        subject_name=row[4],
        kind=_KINDS[row[5]],
        list_type=row[6],
        department=row[7],
        basis=row[8],
        act_date=_date(row[9]),
        decided_on=_date(row[10]),
        valid_from=_required_date(row[11]),
        valid_to=_date(row[12]),
        status=_STATUSES[row[13]],
        ended_on=_date(row[14]),
    )


def _subject(row: Sequence[Any]) -> SubjectRecord:
    return SubjectRecord(
        pk=row[0],
        subject_type=_SUBJECT_TYPES[row[1]],
        code=row[2],
        name=row[3],
        enterprise_kind=row[4],
        enterprise_status=row[5],
        region_code=row[6],
        established=_cached_date(row[7]),
    )


def _role(row: Sequence[Any]) -> RoleRecord:
    return RoleRecord(
        pk=row[0],
        holder_type=_SUBJECT_TYPES[row[1]],
        holder_code=row[2],
        holder_name=row[3],
        enterprise_uscc=row[4],
        enterprise_name=row[5],
        role=_ROLES[row[6]],
        start=_date(row[7]),
        end=_date(row[8]),
        ratio=row[9],
    )


def _measure(row: Sequence[Any]) -> Measure | None:
    if row[0] is None:
        return None
    return Measure(
        measure_id=row[0],
        kind=_KINDS[row[1]],
        list_type=row[2],
        target=_TARGETS[row[3]],
        content=row[4],
        initiating_department=row[5],
        implementing_department=row[6],
        legal_basis=row[7],
        business_items=tuple(item for item in row[8].split(";") if item),
        sharing_method=row[9],
    )


def _derived(row: Sequence[Any]) -> DerivedRecordRow:
    return DerivedRecordRow(
        entry=_entry(row[0:15]),
        role=_role(row[15:25]),
        holder_basis=_BASES[row[25]],
        valid_from=_required_date(row[26]),
        valid_to=_date(row[27]),
    )


def _preliminary_entry(row: Sequence[Any]) -> PreliminaryEntryRecord:
    return PreliminaryEntryRecord(
        list_id=row[0], entry=_entry(row[1:16]), publicity_from=_date(row[16]), publicity_to=_date(row[17])
    )


def _records(frame: pd.DataFrame, columns: Sequence[str]) -> list[tuple[Any, ...]]:
    """Rows of ``frame`` as tuples of plain Python values with ``None`` for missing ones."""
    subset = frame[list(columns)].astype(object)
    subset = subset.where(subset.notna(), None)
    return list(subset.itertuples(index=False, name=None))


# Staging and merge statements per file kind: the staging table's first columns take BATCH_COLUMNS, then the
# rows are compared with what the store holds (action = insert | update | same) and written set-wise.
# Measures files are small and versioned: SQLiteStore._merge_measures writes them.
#: The replayable fields of an entry (graph.lifecycle.STATE_FIELDS), as columns of list_entries.
_STATE_FIELDS = (
    "status",
    "ended_on",
    "list_type",
    "department",
    "basis",
    "act_date",
    "decided_on",
    "valid_from",
    "valid_to",
)

_STAGING: dict[FileKind, str] = {
    FileKind.list_policies: "CREATE TEMP TABLE stage (list_type TEXT PRIMARY KEY, roles TEXT, role_time TEXT, "
    "derived_counts_for_red INTEGER, repair_min_days INTEGER, publicity_days INTEGER, black_skip_publicity INTEGER, "
    "action TEXT)",
    FileKind.measures: "CREATE TEMP TABLE stage (measure_id TEXT PRIMARY KEY, kind TEXT, list_type TEXT, target TEXT, "
    "content TEXT, initiating_department TEXT, implementing_department TEXT, legal_basis TEXT, "
    "business_items TEXT, sharing_method TEXT, action TEXT)",
    FileKind.enterprises: "CREATE TEMP TABLE stage (code TEXT PRIMARY KEY, name TEXT, enterprise_kind TEXT, "
    "enterprise_status TEXT, region_code TEXT, established TEXT, target_pk INTEGER, action TEXT)",
    FileKind.persons: "CREATE TEMP TABLE stage (code TEXT PRIMARY KEY, name TEXT, target_pk INTEGER, action TEXT)",
    FileKind.roles: "CREATE TEMP TABLE stage (holder_code TEXT, holder_type TEXT, enterprise_code TEXT, role TEXT, "
    "start_date TEXT, end_date TEXT, ratio REAL, holder_pk INTEGER, enterprise_pk INTEGER, "
    "target_pk INTEGER, action TEXT, row_id INTEGER PRIMARY KEY)",
    FileKind.list_entries: "CREATE TEMP TABLE stage (entry_id TEXT PRIMARY KEY, subject_code TEXT, subject_type TEXT, "
    "kind TEXT, list_type TEXT, department TEXT, basis TEXT, act_date TEXT, decided_on TEXT, "
    "valid_from TEXT, valid_to TEXT, subject_pk INTEGER, target_pk INTEGER, action TEXT)",
}

_MERGE: dict[FileKind, list[str]] = {
    FileKind.list_policies: [
        """UPDATE stage SET action = CASE
             WHEN p.list_type IS NULL THEN 'insert'
             WHEN p.roles IS stage.roles AND p.role_time IS stage.role_time
                  AND p.derived_counts_for_red IS stage.derived_counts_for_red
                  AND p.repair_min_days IS stage.repair_min_days AND p.publicity_days IS stage.publicity_days
                  AND p.black_skip_publicity IS stage.black_skip_publicity THEN 'same'
             ELSE 'update' END
           FROM stage AS s LEFT JOIN list_policies AS p ON p.list_type = s.list_type
           WHERE s.list_type = stage.list_type""",
        """INSERT INTO list_policies (list_type, roles, role_time, derived_counts_for_red, repair_min_days,
             publicity_days, black_skip_publicity)
           SELECT list_type, roles, role_time, derived_counts_for_red, repair_min_days, publicity_days,
             black_skip_publicity
           FROM stage WHERE action = 'insert'""",
        """UPDATE list_policies SET roles = s.roles, role_time = s.role_time,
             derived_counts_for_red = s.derived_counts_for_red, repair_min_days = s.repair_min_days,
             publicity_days = s.publicity_days, black_skip_publicity = s.black_skip_publicity
           FROM stage AS s WHERE s.list_type = list_policies.list_type AND s.action = 'update'""",
        """INSERT INTO change_log (entry_pk)
           SELECT e.pk FROM list_entries AS e JOIN stage AS s ON s.list_type = e.list_type
           WHERE s.action != 'same' AND e.kind = 'black'""",
    ],
    FileKind.enterprises: [
        """UPDATE stage SET target_pk = t.pk, action = CASE
             WHEN t.pk IS NULL THEN 'insert'
             WHEN t.name IS stage.name AND t.enterprise_kind IS stage.enterprise_kind
                  AND t.enterprise_status IS stage.enterprise_status AND t.region_code IS stage.region_code
                  AND t.established IS stage.established THEN 'same'
             ELSE 'update' END
           FROM stage AS s LEFT JOIN subjects AS t ON t.code = s.code AND t.subject_type = 'enterprise'
           WHERE s.code = stage.code""",
        """INSERT INTO subjects (subject_type, code, name, enterprise_kind, enterprise_status, region_code,
             established)
           SELECT 'enterprise', code, name, enterprise_kind, enterprise_status, region_code, established
           FROM stage WHERE action = 'insert'""",
        """UPDATE subjects SET name = s.name, enterprise_kind = s.enterprise_kind,
             enterprise_status = s.enterprise_status, region_code = s.region_code, established = s.established
           FROM stage AS s WHERE subjects.pk = s.target_pk AND s.action = 'update'""",
    ],
    FileKind.persons: [
        """UPDATE stage SET target_pk = t.pk, action = CASE
             WHEN t.pk IS NULL THEN 'insert' WHEN t.name IS stage.name THEN 'same' ELSE 'update' END
           FROM stage AS s LEFT JOIN subjects AS t ON t.code = s.code AND t.subject_type = 'person'
           WHERE s.code = stage.code""",
        """INSERT INTO subjects (subject_type, code, name)
           SELECT 'person', code, name FROM stage WHERE action = 'insert'""",
        """UPDATE subjects SET name = s.name
           FROM stage AS s WHERE subjects.pk = s.target_pk AND s.action = 'update'""",
    ],
    FileKind.roles: [
        """UPDATE stage SET holder_pk = h.pk
           FROM subjects AS h WHERE h.code = stage.holder_code AND h.subject_type = stage.holder_type""",
        """UPDATE stage SET enterprise_pk = t.pk
           FROM subjects AS t WHERE t.code = stage.enterprise_code AND t.subject_type = 'enterprise'""",
        """UPDATE stage SET target_pk = r.pk, action = CASE
             WHEN r.pk IS NULL THEN 'insert'
             WHEN r.end_date IS stage.end_date AND r.ratio IS stage.ratio THEN 'same'
             ELSE 'update' END
           FROM stage AS s LEFT JOIN roles AS r ON r.holder_pk = s.holder_pk AND r.enterprise_pk = s.enterprise_pk
                AND r.role = s.role AND r.start_date = s.start_date
           WHERE s.row_id = stage.row_id""",
        """INSERT INTO roles (holder_pk, enterprise_pk, role, start_date, end_date, ratio)
           SELECT holder_pk, enterprise_pk, role, start_date, end_date, ratio FROM stage WHERE action = 'insert'""",
        """UPDATE roles SET end_date = s.end_date, ratio = s.ratio
           FROM stage AS s WHERE roles.pk = s.target_pk AND s.action = 'update'""",
        """INSERT INTO change_log (entry_pk)
           SELECT e.pk FROM list_entries AS e
           WHERE e.kind = 'black' AND e.subject_pk IN (SELECT enterprise_pk FROM stage WHERE action != 'same')""",
    ],
    FileKind.list_entries: [
        """UPDATE stage SET subject_pk = t.pk
           FROM subjects AS t WHERE t.code = stage.subject_code AND t.subject_type = stage.subject_type""",
        """UPDATE stage SET target_pk = e.pk, action = CASE
             WHEN e.pk IS NULL THEN 'insert'
             WHEN e.subject_pk IS stage.subject_pk AND e.kind IS stage.kind AND e.list_type IS stage.list_type
                  AND e.department IS stage.department AND e.basis IS stage.basis
                  AND e.act_date IS stage.act_date AND e.decided_on IS stage.decided_on
                  AND e.valid_from IS stage.valid_from AND e.valid_to IS stage.valid_to THEN 'same'
             ELSE 'update' END
           FROM stage AS s LEFT JOIN list_entries AS e ON e.entry_id = s.entry_id
           WHERE s.entry_id = stage.entry_id""",
        """INSERT INTO list_entries (entry_id, subject_pk, kind, list_type, department, basis, act_date,
             decided_on, valid_from, valid_to, status)
           SELECT entry_id, subject_pk, kind, list_type, department, basis, act_date, decided_on, valid_from,
             valid_to, 'effective' FROM stage WHERE action = 'insert'""",
        """UPDATE list_entries SET subject_pk = s.subject_pk, kind = s.kind, list_type = s.list_type,
             department = s.department, basis = s.basis, act_date = s.act_date, decided_on = s.decided_on,
             valid_from = s.valid_from, valid_to = s.valid_to
           FROM stage AS s WHERE list_entries.pk = s.target_pk AND s.action = 'update'""",
        """INSERT INTO entry_events (entry_pk, at, actor, action, reason, details)
           SELECT e.pk, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 'loader',
                  CASE s.action WHEN 'insert' THEN 'imported' ELSE 'import_updated' END,
                  '由导入文件写入', NULL
           FROM stage AS s JOIN list_entries AS e ON e.entry_id = s.entry_id WHERE s.action != 'same'""",
        """INSERT INTO change_log (entry_pk)
           SELECT e.pk FROM stage AS s JOIN list_entries AS e ON e.entry_id = s.entry_id
           WHERE s.action != 'same'""",
    ],
}


#: Every version of every measure, for the check's in-memory measures list (:class:`_MeasuresList`).
_MEASURES_LIST = (
    "SELECT measure_id, kind, list_type, target, content, initiating_department, implementing_department, "
    "legal_basis, business_items, sharing_method, valid_from, valid_to FROM measures ORDER BY measure_id, pk"
)


class _MeasuresList:
    """The measures list of a store held in memory for the check: small (tens to hundreds of rows, every
    version) and changed only by publication, while a check would otherwise join it for each entry.
    :meth:`on` answers what ``measures`` joined in SQL answered (R11: the rows in force on the day), ordered
    by measure id. Valid for one ``PRAGMA data_version`` of one connection."""

    __slots__ = ("_by_list", "_memo", "data_version")

    def __init__(self, data_version: int, rows: Sequence[Sequence[Any]]) -> None:
        self.data_version = data_version
        self._by_list: dict[tuple[str, str, str], list[tuple[str, str | None, Measure]]] = {}
        for row in rows:
            measure = _measure(row[0:10])
            assert measure is not None  # measure_id is NOT NULL
            self._by_list.setdefault((row[2], row[1], row[3]), []).append((row[10], row[11], measure))
        self._memo: dict[tuple[str, str, str, str], tuple[Measure, ...]] = {}

    def on(self, list_type: str, kind: str, target: str, day: str) -> tuple[Measure, ...]:
        """The measures for entries of ``list_type``/``kind`` aimed at ``target``, in force on ``day``
        (ISO text, compared as SQLite compares the stored text)."""
        key = (list_type, kind, target, day)
        found = self._memo.get(key)
        if found is None:
            found = tuple(
                measure
                for valid_from, valid_to, measure in self._by_list.get((list_type, kind, target), ())
                if valid_from <= day and (valid_to is None or valid_to >= day)
            )
            if len(self._memo) >= 4096:  # many dates asked: start over rather than grow
                self._memo.clear()
            self._memo[key] = found
        return found


_SUBJECT_KINDS: dict[FileKind, SubjectType] = {
    FileKind.enterprises: SubjectType.enterprise,
    FileKind.persons: SubjectType.person,
}
#: A fresh path's insert: the statement up to VALUES, one row's values (``?`` for each bound column), and the
#: frame columns bound after the key.
_SUBJECT_INSERT: dict[FileKind, tuple[str, str, list[str]]] = {
    FileKind.enterprises: (
        "INSERT INTO subjects (pk, subject_type, code, name, enterprise_kind, enterprise_status, region_code, "
        "established) VALUES ",
        "(?, 'enterprise', ?, ?, ?, ?, ?, ?)",
        ["uscc", "name", "kind", "status", "region_code", "established"],
    ),
    FileKind.persons: (
        "INSERT INTO subjects (pk, subject_type, code, name) VALUES ",
        "(?, 'person', ?, ?)",
        ["id_number", "name"],
    ),
}
_ROLE_INSERT = (
    "INSERT INTO roles (holder_pk, enterprise_pk, role, start_date, end_date, ratio) VALUES ",
    "(?, ?, ?, ?, ?, ?)",
)
#: Rows per statement of the fresh path's inserts, as many as SQLite allows parameters for: the loader
#: validates in another thread, and each statement takes the interpreter back once to bind its rows, so
#: few large statements wait for it less.
VALUES_ROWS = BATCH_ROWS


def _holds(conn: sqlite3.Connection, subject_type: SubjectType) -> bool:
    row = conn.execute("SELECT EXISTS (SELECT 1 FROM subjects WHERE subject_type = ?)", (subject_type.value,))
    return bool(row.fetchone()[0])


def _plain(series: pd.Series) -> list[Any]:
    """A column as plain Python values, ``None`` for missing ones (what ``_records`` gives, per column)."""
    values = series.to_numpy(dtype=object)
    missing = pd.isna(values)
    if missing.any():
        values = values.copy()
        values[missing] = None
    return values.tolist()


def _insert_rows(conn: sqlite3.Connection, insert: tuple[str, str], columns: list[list[Any]]) -> None:
    """Insert rows given column by column: ``insert`` is the statement up to VALUES and one row's values;
    each statement carries VALUES_ROWS rows, their parameters bound in one call. Binding is the part that
    holds the interpreter: about twice as fast as a statement per row, and a third faster than unpacking
    JSON chunks inside SQLite (whose JSON parser is the slow part there)."""
    head, row = insert
    width = len(columns)
    per = max(1, min(VALUES_ROWS, conn.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER) // width))
    full = f"{head}{','.join([row] * per)}"
    total = len(columns[0]) if columns else 0
    for start in range(0, total, BATCH_ROWS):
        values = list(
            itertools.chain.from_iterable(zip(*(c[start : start + BATCH_ROWS] for c in columns), strict=True))
        )
        rows = len(values) // width
        whole = rows - rows % per
        step = per * width
        for at in range(0, whole * width, step):
            conn.execute(full, values[at : at + step])
        if whole < rows:
            conn.execute(f"{head}{','.join([row] * (rows - whole))}", values[whole * width :])


@contextmanager
def _rebuilt(conn: sqlite3.Connection, names: Sequence[str]) -> Iterator[None]:
    """Drop these triggers/indexes for a bulk write and create them again, from their own definitions,
    in the same transaction (a failure rolls the drop back with everything else). An index is then built
    once, sorted, instead of row by row."""
    definitions = [
        (kind, name, definition)
        for name in names
        for kind, definition in conn.execute("SELECT type, sql FROM sqlite_master WHERE name = ?", (name,))
    ]
    for kind, name, _ in definitions:
        conn.execute(f"DROP {kind.upper()} {name}")
    yield
    for _, _, definition in definitions:
        conn.execute(definition)


def _defer(conn: sqlite3.Connection, name: str, deferred: dict[str, str]) -> None:
    """Drop this index for the rest of the write and keep its definition in ``deferred``, to be created
    once, sorted, before the write commits (in the same transaction: a failure rolls the drop back)."""
    if name in deferred:
        return
    for (definition,) in conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", (name,)
    ):
        conn.execute(f"DROP INDEX {name}")
        deferred[name] = definition


def _create(conn: sqlite3.Connection, deferred: dict[str, str]) -> None:
    """Create the indexes :func:`_defer` dropped."""
    for definition in deferred.values():
        conn.execute(definition)
    deferred.clear()


def _all_new(conn: sqlite3.Connection, subject_type: SubjectType, codes: pd.Series) -> bool:
    """None of ``codes`` is a subject of this type in the store (a first load, or a new city's feed)."""
    if not _holds(conn, subject_type):
        return True
    unique = codes.to_numpy(dtype=object).tolist()
    for start in range(0, len(unique), BATCH_ROWS):
        found = conn.execute(
            "SELECT EXISTS (SELECT 1 FROM subjects WHERE subject_type = ? "
            "AND code IN (SELECT value FROM json_each(?)))",
            (subject_type.value, json.dumps(unique[start : start + BATCH_ROWS])),
        ).fetchone()[0]
        if found:
            return False
    return True


def _fresh_subjects(
    conn: sqlite3.Connection,
    kind: FileKind,
    frame: pd.DataFrame,
    fresh: dict[SubjectType, tuple[pd.Index, np.ndarray]],
    deferred: dict[str, str],
) -> WriteCounts:
    """All rows are new subjects: insert them in frame order with the keys the staging path would give
    (max(pk)+1, …) and fill the name index with one statement instead of a trigger call per row. When
    the rows are at least as many as the table held, the name-length index is dropped and left to
    ``deferred``: built once, after every kind of the write (firms and persons alike); a smaller batch
    (a new city's feed into a province's store) is added to it row by row."""
    head, row, columns = _SUBJECT_INSERT[kind]
    base = int(conn.execute("SELECT coalesce(max(pk), 0) FROM subjects").fetchone()[0])
    pks = np.arange(base + 1, base + 1 + len(frame), dtype=np.int64)
    held = int(conn.execute("SELECT count(*) FROM subjects").fetchone()[0]) if base else 0
    if len(frame) >= held:
        _defer(conn, "subjects_by_name_length", deferred)
    with _rebuilt(conn, ["subjects_name_fts_insert"]):
        _insert_rows(conn, (head, row), [pks.tolist(), *(_plain(frame[name]) for name in columns)])
        conn.execute(
            "INSERT INTO subjects_name_fts (rowid, name) SELECT pk, name FROM subjects WHERE pk > ?", (base,)
        )
    fresh[_SUBJECT_KINDS[kind]] = (pd.Index(frame[columns[0]].to_numpy(dtype=object)), pks)
    return WriteCounts(inserted=len(frame))


def _check_references(conn: sqlite3.Connection, proven: Collection[str]) -> None:
    """What ``PRAGMA foreign_keys`` would have refused, for a transaction written with it off: every table
    with references except the ``proven`` ones (written with keys taken from the store itself)."""
    tables = [
        name
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE '%REFERENCES%' ORDER BY name"
        )
        if name not in proven
    ]
    for table in tables:
        broken = conn.execute(f"PRAGMA foreign_key_check({table})").fetchone()
        if broken is not None:
            raise sqlite3.IntegrityError(
                f"FOREIGN KEY constraint failed: {broken[0]} row {broken[1]} → {broken[2]}"
            )


def _subject_pks(
    conn: sqlite3.Connection,
    codes: npt.NDArray[np.object_],
    types: npt.NDArray[np.object_],
    fresh: dict[SubjectType, tuple[pd.Index, np.ndarray]],
) -> npt.NDArray[np.int64]:
    """The pk of each (code, subject type), -1 where the store has none: from the subjects this write
    inserted by the fresh path, else from the table."""
    out = np.full(len(codes), -1, dtype=np.int64)
    for subject_type in SubjectType:
        rows = np.flatnonzero(types == subject_type.value)
        if not len(rows):
            continue
        found = np.full(len(rows), -1, dtype=np.int64)
        wanted = codes[rows]
        if subject_type in fresh:
            index, pks = fresh[subject_type]
            position = index.get_indexer(pd.Index(wanted))
            hit = position >= 0
            found[hit] = pks[position[hit]]
        missing = found < 0
        if missing.any():
            unique = pd.unique(wanted[missing]).tolist()
            known: dict[str, int] = {}
            for start in range(0, len(unique), BATCH_ROWS):
                known.update(
                    conn.execute(
                        "SELECT code, pk FROM subjects WHERE subject_type = ? "
                        "AND code IN (SELECT value FROM json_each(?))",
                        (subject_type.value, json.dumps(unique[start : start + BATCH_ROWS])),
                    ).fetchall()
                )
            found[missing] = [known.get(code, -1) for code in wanted[missing].tolist()]
        out[rows] = found
    return out


def _fresh_roles(
    conn: sqlite3.Connection,
    frame: pd.DataFrame,
    fresh: dict[SubjectType, tuple[pd.Index, np.ndarray]],
    *,
    empty: bool,
) -> WriteCounts | None:
    """Every edge is new: the store holds no role edge yet (``empty``; its indexes are then built once,
    after the rows), or every edge's firm was inserted by this write (a new city's feed: no stored edge can
    have its key). Every row is an insert, in frame order (the keys the staging path gives), with holder
    and firm keys looked up in memory. ``None`` when neither holds: the staging path merges."""
    new_firms = fresh.get(SubjectType.enterprise)
    if not empty and (new_firms is None or not len(new_firms[1])):
        return None
    firms = frame["enterprise_uscc"].to_numpy(dtype=object)
    enterprise = _subject_pks(
        conn, firms, np.full(len(firms), SubjectType.enterprise.value, dtype=object), fresh
    )
    if not empty:
        assert new_firms is not None
        if ((enterprise < new_firms[1][0]) | (enterprise > new_firms[1][-1])).any():
            return None
    holder = _subject_pks(
        conn, frame["person_id"].to_numpy(dtype=object), frame["holder_type"].to_numpy(dtype=object), fresh
    )
    for name, keys in (("holder_pk", holder), ("enterprise_pk", enterprise)):
        if (keys < 0).any():
            # What the staging path runs into: the edge's subject is not in the store.
            raise sqlite3.IntegrityError(f"NOT NULL constraint failed: roles.{name}")
    start = frame["start"].where(frame["start"].notna(), "")
    with _rebuilt(conn, ["roles_key", "roles_by_enterprise"] if empty else []):
        _insert_rows(
            conn,
            _ROLE_INSERT,
            [
                holder.tolist(),
                enterprise.tolist(),
                _plain(frame["role"]),
                _plain(start),
                _plain(frame["end"]),
                _plain(frame["ratio"]),
            ],
        )
    # The black entries already stored against these firms now reach more people (a first load brings its
    # entries after its roles: usually there are none yet, and the firms' keys are not even collected).
    if conn.execute("SELECT EXISTS (SELECT 1 FROM list_entries WHERE kind = 'black')").fetchone()[0]:
        conn.execute(
            "INSERT INTO change_log (entry_pk) SELECT e.pk FROM list_entries AS e "
            "WHERE e.kind = 'black' AND e.subject_pk IN (SELECT value FROM json_each(?))",
            (json.dumps(np.unique(enterprise).tolist()),),
        )
    return WriteCounts(inserted=len(frame))


#: A scoped propagation whose old and new derived records number at most this many is diffed with plain
#: dicts: the frame machinery costs milliseconds of fixed overhead, which is most of one new entry's run.
SMALL_DIFF = 5_000

#: A derived record's row as written: entry_pk, role_pk, person_pk, enterprise_pk, role, holder_basis,
#: valid_from, valid_to.
_DerivedRow = tuple[int, int, int, int, str, str, str | None, str | None]
#: What ``_swap`` writes: pks to delete, rows to insert (in key order), and updates (the new values of
#: person_pk … valid_to, then the pk).
_Diff = tuple[list[int], list[_DerivedRow], list[tuple[Any, ...]]]


def _new_rows(
    records: pd.DataFrame, valid_from: list[str | None], valid_to: list[str | None]
) -> list[_DerivedRow]:
    return list(
        zip(
            records["entry_pk"].to_numpy(dtype=np.int64).tolist(),
            records["role_pk"].to_numpy(dtype=np.int64).tolist(),
            records["person_pk"].to_numpy(dtype=np.int64).tolist(),
            records["enterprise_pk"].to_numpy(dtype=np.int64).tolist(),
            records["role"].to_numpy(dtype=object).tolist(),
            records["holder_basis"].to_numpy(dtype=object).tolist(),
            valid_from,
            valid_to,
            strict=True,
        )
    )


def _diff_small(
    current: list[tuple[Any, ...]],
    records: pd.DataFrame,
    valid_from: list[str | None],
    valid_to: list[str | None],
) -> _Diff:
    """The diff of :func:`_diff_frames`, by (entry_pk, role_pk) in dicts: the same three lists, same order."""
    old = {(row[1], row[2]): (row[0], row[3:]) for row in current}
    new = {(row[0], row[1]): row for row in _new_rows(records, valid_from, valid_to)}
    gone = sorted(pk for key, (pk, _) in old.items() if key not in new)
    fresh: list[_DerivedRow] = []
    updated: list[tuple[Any, ...]] = []
    for key in sorted(new):
        row = new[key]
        if key not in old:
            fresh.append(row)
        else:
            pk, values = old[key]
            if tuple(values) != row[2:]:
                updated.append((*row[2:], pk))
    return gone, fresh, updated


def _diff_frames(
    current: list[tuple[Any, ...]],
    records: pd.DataFrame,
    valid_from: list[str | None],
    valid_to: list[str | None],
) -> _Diff:
    """What to delete, insert and update to turn ``current`` rows into ``records``, set-wise."""
    columns = [
        "entry_pk",
        "role_pk",
        "person_pk",
        "enterprise_pk",
        "role",
        "holder_basis",
        "valid_from",
        "valid_to",
    ]
    new = pd.DataFrame(_new_rows(records, valid_from, valid_to), columns=columns)
    old = pd.DataFrame(current, columns=["pk", *columns])
    merged = old.merge(new, on=["entry_pk", "role_pk"], how="outer", suffixes=("_old", ""), indicator=True)
    gone = merged[merged["_merge"] == "left_only"]
    fresh = merged[merged["_merge"] == "right_only"]
    both = merged[merged["_merge"] == "both"]
    compared = columns[2:]
    differs = np.zeros(len(both), dtype=bool)
    for name in compared:
        before = both[f"{name}_old"].astype(object).where(both[f"{name}_old"].notna(), None).tolist()
        after = both[name].astype(object).where(both[name].notna(), None).tolist()
        differs |= np.array([a != b for a, b in zip(before, after, strict=True)], dtype=bool)
    updated = [
        (int(row[0]), int(row[1]), row[2], row[3], row[4], row[5], int(row[6]))
        for row in _records(both[differs], [*compared, "pk"])
    ]
    inserted: list[_DerivedRow] = [
        (int(r[0]), int(r[1]), int(r[2]), int(r[3]), r[4], r[5], r[6], r[7]) for r in _records(fresh, columns)
    ]
    return sorted(int(pk) for pk in gone["pk"]), inserted, updated


class SQLiteStore:
    """The embedded store. Thread-safe: share one instance across request threads."""

    def __init__(self, path: Path, *, timeout_seconds: float = 30.0) -> None:
        self.path = Path(path)
        self._timeout = timeout_seconds
        self._write_lock = threading.Lock()
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()
        try:
            if self.path.parent and not self.path.parent.exists():
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self._writer = self._connect(readonly=False)
        except sqlite3.Error as exc:
            raise StoreError(f"无法打开数据库 {self.path}：{exc}") from exc
        try:
            self._migrate()
        except BaseException as exc:
            self._writer.close()
            if isinstance(exc, sqlite3.Error):
                raise StoreError(f"无法打开数据库 {self.path}：{exc}") from exc
            raise

    # --- connections ---------------------------------------------------------------------------------------

    def _connect(self, *, readonly: bool) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path, timeout=self._timeout, isolation_level=None, check_same_thread=False
        )
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(f"PRAGMA busy_timeout = {int(self._timeout * 1000)}")
        if readonly:
            conn.execute("PRAGMA query_only = ON")
        else:
            self._enable_wal(conn)
            # NORMAL in WAL mode: a committed transaction survives a crash of the process; only a
            # power loss can roll back the very last commits. Never a corrupt file.
            conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute(f"PRAGMA cache_size = {-CACHE_KIB}")
        conn.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
        return conn

    def _enable_wal(self, conn: sqlite3.Connection) -> None:
        # Switching a new file to WAL needs it to itself and does not wait on the busy handler, so
        # several processes opening a new file at once (uvicorn workers) retry here for a while.
        deadline = time.monotonic() + self._timeout
        while True:
            try:
                conn.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def _reader(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect(readonly=True)
            self._local.conn = conn
            with self._readers_lock:
                self._readers.append(conn)
        return conn

    @contextmanager
    def _write(self, *, foreign_keys: bool = True) -> Iterator[sqlite3.Connection]:
        """One ``BEGIN IMMEDIATE`` transaction on the write connection; rolled back on any error.

        ``foreign_keys=False`` turns SQLite's reference checks off for this transaction only (the pragma
        cannot change inside one): the caller then owns checking what it wrote."""
        with self._write_lock:
            conn = self._writer
            if not foreign_keys:
                conn.execute("PRAGMA foreign_keys = OFF")
            try:
                try:
                    conn.execute("BEGIN IMMEDIATE")
                except sqlite3.Error as exc:
                    raise StoreError(f"数据库 {self.path} 正忙或不可写：{exc}") from exc
                try:
                    yield conn
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                try:
                    conn.execute("COMMIT")
                except sqlite3.Error as exc:
                    conn.execute("ROLLBACK")
                    raise StoreError(f"提交事务失败：{exc}") from exc
            finally:
                if not foreign_keys:
                    conn.execute("PRAGMA foreign_keys = ON")

    def _read(self, query: str, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        try:
            return self._reader().execute(query, params).fetchall()
        except sqlite3.Error as exc:
            raise StoreError(f"查询失败：{exc}") from exc

    def _migrate(self) -> None:
        """Apply the migrations this file has not seen, each in its own ``BEGIN IMMEDIATE`` transaction.

        The version is read again inside the transaction, so that several processes opening a new file
        at once (``credlink serve --workers 2``) apply each migration exactly once.
        """
        current = int(self._writer.execute("PRAGMA user_version").fetchone()[0])
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"数据库 {self.path} 的结构版本为 {current}，高于本程序支持的 {SCHEMA_VERSION}；请升级 credlink"
            )
        if current == SCHEMA_VERSION:
            return  # the common case takes no write lock: opening must not wait for a running load
        for version, script in _migrations():
            # A migration that rebuilds a table (SQLite's way of changing its constraints) runs with foreign
            # keys off — dropping the old table would otherwise delete through every reference to it — and
            # proves them intact before it commits. The pragma takes effect only outside a transaction.
            rebuilds = script.startswith(_FOREIGN_KEYS_OFF)
            if rebuilds:
                self._writer.execute("PRAGMA foreign_keys = OFF")
            try:
                with self._write() as conn:
                    current = int(conn.execute("PRAGMA user_version").fetchone()[0])
                    if current > SCHEMA_VERSION:
                        raise StoreError(
                            f"数据库 {self.path} 的结构版本为 {current}，高于本程序支持的 {SCHEMA_VERSION}；请升级 credlink"
                        )
                    if version <= current:
                        continue
                    for statement in _statements(script):
                        conn.execute(statement)
                    if rebuilds and (broken := conn.execute("PRAGMA foreign_key_check").fetchmany(3)):
                        raise StoreError(f"数据库 {self.path} 迁移到第 {version} 版后外键不一致：{broken}")
                    conn.execute(f"PRAGMA user_version = {version}")
            finally:
                if rebuilds:
                    self._writer.execute("PRAGMA foreign_keys = ON")

    def close(self) -> None:
        with self._readers_lock:
            for conn in self._readers:
                conn.close()
            self._readers.clear()
        with self._write_lock:
            self._writer.close()

    def backup_to(self, target: Path) -> None:
        """Copy the store to ``target`` while it serves and writes (:func:`backup_database`)."""
        backup_database(self.path, target, timeout_seconds=self._timeout)

    def query_plan(self, query: str, params: Mapping[str, Any]) -> list[str]:
        """``EXPLAIN QUERY PLAN`` of a query, one line per step (for docs and tests)."""
        rows = self._reader().execute(f"EXPLAIN QUERY PLAN {query}", params).fetchall()
        return [str(row[3]) for row in rows]

    # --- health ----------------------------------------------------------------------------------------------

    def stats(self) -> Mapping[str, int]:
        queries = {
            "enterprises": "SELECT count(*) FROM subjects WHERE subject_type = 'enterprise'",
            "persons": "SELECT count(*) FROM subjects WHERE subject_type = 'person'",
            "roles": "SELECT count(*) FROM roles",
            "list_entries": "SELECT count(*) FROM list_entries",
            "measures": "SELECT count(*) FROM measures WHERE valid_to IS NULL",
            "list_policies": "SELECT count(*) FROM list_policies",
            "derived_records": "SELECT count(*) FROM derived_records",
            "pending_changes": "SELECT count(DISTINCT entry_pk) FROM change_log",
            "schema_version": "PRAGMA user_version",
        }
        return {name: int(self._read(query, {})[0][0]) for name, query in queries.items()}

    # --- loading ---------------------------------------------------------------------------------------------

    def existing_codes(self, subject_type: SubjectType, codes: Collection[str]) -> set[str]:
        found: set[str] = set()
        if not codes or not self._read("SELECT EXISTS (SELECT 1 FROM subjects)", {})[0][0]:
            # A first load asks about every code it refers to (a city's holders, as persons and as firms).
            return found
        unique = list(dict.fromkeys(codes))
        for start in range(0, len(unique), BATCH_ROWS):
            chunk = json.dumps(unique[start : start + BATCH_ROWS])
            rows = self._read(
                "SELECT code FROM subjects WHERE subject_type = :subject_type "
                "AND code IN (SELECT value FROM json_each(:codes))",
                {"subject_type": subject_type.value, "codes": chunk},
            )
            found.update(row[0] for row in rows)
        return found

    def write_batch(self, batch: LoadBatch) -> dict[FileKind, WriteCounts]:
        counts: dict[FileKind, WriteCounts] = {}
        bulk = False
        # A first load (no role edge yet) is written without SQLite's reference check on every row: the
        # fresh path takes each edge's keys from the subjects it found or inserted in this transaction, so
        # its edges are sound by construction (the check would cost a third of the city's role insert). The
        # tables written otherwise are checked once, before commit (:func:`_check_references`).
        first = not self._read("SELECT EXISTS (SELECT 1 FROM roles)", {})[0][0]
        proven: set[str] = set()
        try:
            with self._write(foreign_keys=not first) as conn:
                fresh: dict[SubjectType, tuple[pd.Index, np.ndarray]] = {}
                # Indexes dropped for the write, created once after the subjects.
                deferred: dict[str, str] = {}
                # Kind by kind, each taken when the loader hands it over (batch.frames may still be filling).
                for kind in FileKind:
                    if kind not in _SUBJECT_KINDS:
                        # The subjects are in: their dropped indexes are built now, while the loader may
                        # still be validating what refers to them.
                        _create(conn, deferred)
                    frame = batch.frames.get(kind)
                    if frame is None:
                        continue
                    if not bulk and len(frame) >= BULK_ROWS:
                        # A city's role indexes outgrow the default page cache and the inserts turn into page
                        # misses; a large cache for the bulk write roughly halves a million-firm load.
                        bulk = True
                        conn.execute(f"PRAGMA cache_size = {-BULK_CACHE_KIB}")
                    counts[kind] = self._merge(conn, kind, frame, fresh, proven, deferred)
                _create(conn, deferred)
                if first:
                    _check_references(conn, proven)
        except sqlite3.Error as exc:
            raise StoreError(f"写入数据库失败：{exc}") from exc
        finally:
            if bulk:
                with self._write_lock:
                    self._writer.execute(f"PRAGMA cache_size = {-CACHE_KIB}")
                    self._writer.execute("PRAGMA shrink_memory")
        return counts

    def _merge(
        self,
        conn: sqlite3.Connection,
        kind: FileKind,
        frame: pd.DataFrame,
        fresh: dict[SubjectType, tuple[pd.Index, np.ndarray]],
        proven: set[str],
        deferred: dict[str, str],
    ) -> WriteCounts:
        if kind is FileKind.measures:
            return self._merge_measures(conn, frame)
        if len(frame) >= FRESH_ROWS:
            if kind in _SUBJECT_KINDS and _all_new(
                conn, _SUBJECT_KINDS[kind], frame[_SUBJECT_INSERT[kind][2][0]]
            ):
                return _fresh_subjects(conn, kind, frame, fresh, deferred)
            if kind is FileKind.roles:
                empty = not conn.execute("SELECT EXISTS (SELECT 1 FROM roles)").fetchone()[0]
                written = _fresh_roles(conn, frame, fresh, empty=empty)
                if written is not None:
                    if empty:
                        proven.add("roles")
                    return written
        create, columns = _STAGING[kind], BATCH_COLUMNS[kind]
        conn.execute("DROP TABLE IF EXISTS temp.stage")
        conn.execute(create)
        staged = frame.copy()
        if kind is FileKind.roles:
            staged["start"] = staged["start"].where(staged["start"].notna(), "")
        if kind is FileKind.list_policies:
            staged["derived_counts_for_red"] = staged["derived_counts_for_red"].map(
                lambda flag: 1 if flag else 0
            )
            # Optional switch, default off: a missing value (None, NaN) is no.
            staged["black_skip_publicity"] = staged["black_skip_publicity"].map(
                lambda flag: 1 if flag is True or flag in (1, "true") else 0
            )
        insert = f"INSERT INTO temp.stage ({', '.join(_stage_columns(create)[: len(columns)])}) VALUES ({', '.join('?' * len(columns))})"
        rows = _records(staged, columns)
        for start in range(0, len(rows), BATCH_ROWS):
            conn.executemany(insert, rows[start : start + BATCH_ROWS])
        for statement in _MERGE[kind]:
            conn.execute(statement)
        tally = dict(conn.execute("SELECT action, count(*) FROM temp.stage GROUP BY action").fetchall())
        conn.execute("DROP TABLE temp.stage")
        return WriteCounts(
            inserted=int(tally.get("insert", 0)),
            updated=int(tally.get("update", 0)),
            unchanged=int(tally.get("same", 0)),
        )

    def record_load(self, on_error: str, report: Mapping[str, Any]) -> int:
        with self._write() as conn:
            cursor = conn.execute(
                "INSERT INTO load_runs (at, on_error, report) VALUES (?, ?, ?)",
                (_now(), on_error, json.dumps(report, ensure_ascii=False)),
            )
            return int(cursor.lastrowid or 0)

    # --- propagation -----------------------------------------------------------------------------------------

    def _inputs(self, conn: sqlite3.Connection, entry_pks: Collection[int] | None) -> PropagationInputs:
        if entry_pks is None:
            entries = pd.read_sql_query(sql("propagation_entries"), conn)
            roles = pd.read_sql_query(sql("propagation_roles"), conn)
        else:
            scope = {"scope": json.dumps(sorted(int(pk) for pk in entry_pks))}
            entries = pd.read_sql_query(sql("propagation_entries_scoped"), conn, params=scope)
            roles = pd.read_sql_query(sql("propagation_roles_scoped"), conn, params=scope)
        policy_rows = conn.execute("SELECT list_type, roles, role_time FROM list_policies").fetchall()
        measures = pd.read_sql_query(
            "SELECT pk AS measure_pk, list_type, target FROM measures "
            "WHERE kind = 'black' AND target != 'subject' AND valid_to IS NULL",
            conn,
        )
        seq = conn.execute("SELECT coalesce(max(seq), 0) FROM change_log").fetchone()[0]
        policies = pd.DataFrame(
            [
                (list_type, role, role_time)
                for list_type, role_list, role_time in policy_rows
                for role in role_list.split(";")
                if role
            ],
            columns=["list_type", "role", "role_time"],
        )
        entries_frame = pd.DataFrame(
            {
                "entry_pk": entries["entry_pk"].astype(np.int64),
                "enterprise_pk": entries["enterprise_pk"].astype(np.int64),
                "list_type": entries["list_type"].astype(object),
                "act_day": _days(entries["act_date"], open_as=OPEN_START),
                "from_day": _days(entries["valid_from"], open_as=OPEN_START),
                # An entry that ended early (repair) stops reaching people the day before it ended.
                "to_day": np.minimum(
                    _days(entries["valid_to"], open_as=OPEN_END),
                    _days(entries["ended_on"], open_as=OPEN_END + 1) - 1,
                ),
            }
        )
        roles_frame = pd.DataFrame(
            {
                "role_pk": roles["role_pk"].astype(np.int64),
                "person_pk": roles["person_pk"].astype(np.int64),
                "enterprise_pk": roles["enterprise_pk"].astype(np.int64),
                "role": roles["role"].astype(object),
                "start_day": _days(roles["start_date"], open_as=OPEN_START),
                "end_day": _days(roles["end_date"], open_as=OPEN_END),
            }
        )
        return PropagationInputs(
            entries=entries_frame, roles=roles_frame, policies=policies, measures=measures, seq=int(seq)
        )

    def read_propagation_inputs(self, entry_pks: Collection[int] | None) -> PropagationInputs:
        try:
            # One read transaction, so that entries, roles and the sequence number agree.
            conn = self._reader()
            conn.execute("BEGIN")
            try:
                return self._inputs(conn, entry_pks)
            finally:
                conn.execute("COMMIT")
        except sqlite3.Error as exc:
            raise StoreError(f"读取传导输入失败：{exc}") from exc

    def pending_entry_pks(self) -> list[int]:
        return [int(row[0]) for row in self._read("SELECT DISTINCT entry_pk FROM change_log ORDER BY 1", {})]

    def entry_pks(self, entry_ids: Collection[str]) -> dict[str, int]:
        rows = self._read(
            "SELECT entry_id, pk FROM list_entries WHERE entry_id IN (SELECT value FROM json_each(:ids))",
            {"ids": json.dumps(list(entry_ids))},
        )
        return {str(entry_id): int(pk) for entry_id, pk in rows}

    def commit_derived(
        self,
        derived: DerivedFrames,
        *,
        scope: Collection[int] | None,
        read_seq: int,
        rederive: Rederive,
    ) -> RunSummary:
        started = time.perf_counter()
        started_at = _now()
        scope_list = None if scope is None else sorted({int(pk) for pk in scope})
        try:
            with self._write() as conn:
                now_seq = int(conn.execute("SELECT coalesce(max(seq), 0) FROM change_log").fetchone()[0])
                records = derived.records
                measure_count = len(derived.measures)
                late = [
                    int(row[0])
                    for row in conn.execute(
                        "SELECT DISTINCT entry_pk FROM change_log WHERE seq > ?", (read_seq,)
                    ).fetchall()
                ]
                if scope_list is not None:
                    late = sorted(set(late) & set(scope_list))
                if late:
                    # Written while we computed: re-derive those entries from the state this transaction sees.
                    extra = rederive(self._inputs(conn, late))
                    keep = ~records["entry_pk"].isin(late)
                    records = pd.concat([records[keep], extra.records], ignore_index=True)
                    kept_measures = derived.measures[~derived.measures["entry_pk"].isin(late)]
                    measure_count = len(kept_measures) + len(extra.measures)
                added, removed, changed = self._swap(conn, records, scope_list)
                if scope_list is None:
                    conn.execute("DELETE FROM change_log WHERE seq <= ?", (now_seq,))
                else:
                    conn.execute(
                        "DELETE FROM change_log WHERE seq <= ? AND entry_pk IN (SELECT value FROM json_each(?))",
                        (now_seq, json.dumps(scope_list)),
                    )
                seconds = time.perf_counter() - started
                mode = "full" if scope_list is None else "incremental"
                entry_count = (
                    len(scope_list) if scope_list is not None else int(records["entry_pk"].nunique())
                )
                cursor = conn.execute(
                    "INSERT INTO propagation_runs (mode, started_at, finished_at, entries, records, measures, "
                    "added, removed, changed, read_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        mode,
                        started_at,
                        _now(),
                        entry_count,
                        len(records),
                        measure_count,
                        added,
                        removed,
                        changed,
                        read_seq,
                    ),
                )
                run_id = int(cursor.lastrowid or 0)
        except sqlite3.Error as exc:
            raise StoreError(f"写入传导结果失败：{exc}") from exc
        return RunSummary(
            mode=mode,
            entries=entry_count,
            records=len(records),
            measures=measure_count,
            added=added,
            removed=removed,
            changed=changed,
            seconds=seconds,
            run_id=run_id,
        )

    def _swap(
        self, conn: sqlite3.Connection, records: pd.DataFrame, scope: list[int] | None
    ) -> tuple[int, int, int]:
        """Replace the derived records of ``scope`` (all if ``None``) by ``records``; write only the diff."""
        valid_from = _iso_days(records["from_day"].to_numpy(dtype=np.int64), open_value=OPEN_START)
        valid_to = _iso_days(records["to_day"].to_numpy(dtype=np.int64), open_value=OPEN_END)
        query = (
            "SELECT pk, entry_pk, role_pk, person_pk, enterprise_pk, role, holder_basis, valid_from, valid_to "
            "FROM derived_records"
        )
        params: tuple[Any, ...] = ()
        if scope is not None:
            query += " WHERE entry_pk IN (SELECT value FROM json_each(?))"
            params = (json.dumps(scope),)
        current = conn.execute(query, params).fetchall()
        if scope is not None and len(current) + len(records) <= SMALL_DIFF:
            gone, fresh, updated = _diff_small(current, records, valid_from, valid_to)
        else:
            gone, fresh, updated = _diff_frames(current, records, valid_from, valid_to)
        conn.executemany("DELETE FROM derived_records WHERE pk = ?", [(pk,) for pk in gone])
        conn.executemany(
            "UPDATE derived_records SET person_pk = ?, enterprise_pk = ?, role = ?, holder_basis = ?, "
            "valid_from = ?, valid_to = ? WHERE pk = ?",
            updated,
        )
        for start in range(0, len(fresh), BATCH_ROWS):
            conn.executemany(
                "INSERT INTO derived_records (entry_pk, role_pk, person_pk, enterprise_pk, role, holder_basis, "
                "valid_from, valid_to) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                fresh[start : start + BATCH_ROWS],
            )
        return len(fresh), len(gone), len(updated)

    # --- reads -----------------------------------------------------------------------------------------------

    def find_subjects(self, code: str) -> list[SubjectRecord]:
        rows = self._read(
            "SELECT pk, subject_type, code, name, enterprise_kind, enterprise_status, region_code, established "
            "FROM subjects WHERE code = :code ORDER BY subject_type",
            {"code": code},
        )
        return [
            SubjectRecord(
                pk=row[0],
                subject_type=SubjectType(row[1]),
                code=row[2],
                name=row[3],
                enterprise_kind=row[4],
                enterprise_status=row[5],
                region_code=row[6],
                established=_date(row[7]),
            )
            for row in rows
        ]

    def subject_roles(self, subject_pk: int) -> list[RoleRecord]:
        return [_role(row) for row in self._read(sql("subject_roles"), {"subject_pk": subject_pk})]

    def subject_entries(self, subject_pk: int) -> list[EntryRecord]:
        return [
            _entry(row)
            for row in self._read(
                sql("entries"), {"subject_pk": subject_pk, "entry_id": None, "entry_pk": None}
            )
        ]

    def entry(self, entry_id: str) -> EntryRecord | None:
        rows = self._read(sql("entries"), {"subject_pk": None, "entry_id": entry_id, "entry_pk": None})
        return _entry(rows[0]) if rows else None

    def derived_for_person(self, person_pk: int) -> list[DerivedRecordRow]:
        return [
            _derived(row)
            for row in self._read(sql("derived_records"), {"person_pk": person_pk, "entry_pk": None})
        ]

    def derived_for_entry(self, entry_pk: int) -> list[DerivedRecordRow]:
        return [
            _derived(row)
            for row in self._read(sql("derived_records"), {"person_pk": None, "entry_pk": entry_pk})
        ]

    def measures_for(self, kind: ListKind, list_type: str) -> list[Measure]:
        rows = self._read(sql("measures_for"), {"kind": kind.value, "list_type": list_type})
        return [measure for measure in (_measure(row) for row in rows) if measure is not None]

    # --- measures list: versions, draft, history (R4, R11, §五(一)) --------------------------------------------

    _MEASURE_FIELDS = (
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
    #: Who the change log names for rows written by an import.
    _IMPORT_ACTOR = "loader"

    @staticmethod
    def _measure_values(measure: Measure) -> tuple[Any, ...]:
        """A measure's fields as the columns of ``_MEASURE_FIELDS`` hold them."""
        return (
            measure.kind.value,
            measure.list_type,
            measure.target.value,
            measure.content,
            measure.initiating_department,
            measure.implementing_department,
            measure.legal_basis,
            ";".join(measure.business_items),
            measure.sharing_method,
        )

    @classmethod
    def _measure_json(cls, values: Sequence[Any] | None) -> str | None:
        """Column values of ``_MEASURE_FIELDS`` as the JSON the change log keeps (business items a list)."""
        if values is None:
            return None
        fields = dict(zip(cls._MEASURE_FIELDS, values, strict=True))
        fields["business_items"] = [item for item in (fields["business_items"] or "").split(";") if item]
        return json.dumps(fields, ensure_ascii=False)

    def _measure_records(self, query: str, params: Mapping[str, Any]) -> list[MeasureRecord]:
        records = []
        for row in self._read(query, params):
            measure = _measure(row[0:10])
            if measure is not None:
                records.append(MeasureRecord(measure, int(row[10]), _date(row[11]), _date(row[12])))
        return records

    def measure_versions(self) -> list[MeasureVersion]:
        versions = []
        imported = self._read("SELECT count(*) FROM measures WHERE version = 0", {})[0][0]
        if imported:
            versions.append(
                MeasureVersion(
                    0,
                    None,
                    None,
                    self._IMPORT_ACTOR,
                    "首次发布前由措施文件导入的清单",
                    imported,
                    0,
                    0,
                    imported,
                )
            )
        rows = self._read(
            "SELECT version, published_on, published_at, published_by, note, added, changed, removed, measures "
            "FROM measure_versions ORDER BY version",
            {},
        )
        versions.extend(
            MeasureVersion(r[0], _required_date(r[1]), r[2], r[3], r[4], r[5], r[6], r[7], r[8]) for r in rows
        )
        return versions

    def measures_of_version(self, version: int) -> list[MeasureRecord]:
        if version not in {found.version for found in self.measure_versions()}:
            raise NotFound(f"措施清单没有第 {version} 版")
        return self._measure_records(sql("measures_of_version"), {"version": version})

    def measures_in_force(self, at: dt.date) -> list[MeasureRecord]:
        return self._measure_records(sql("measures_in_force"), {"at": at.isoformat()})

    def measure_draft(self) -> tuple[int, list[DraftChange]]:
        conn = self._reader()
        try:
            conn.execute("BEGIN")  # the token and the changes from one snapshot
            try:
                token = int(conn.execute("SELECT coalesce(max(pk), 0) FROM measure_changes").fetchone()[0])
                rows = conn.execute(
                    "SELECT measure_id, action, measure_id, kind, list_type, target, content, initiating_department, "
                    "implementing_department, legal_basis, business_items, sharing_method, changed_at, changed_by "
                    "FROM measure_draft ORDER BY measure_id"
                ).fetchall()
            finally:
                conn.execute("COMMIT")
        except sqlite3.Error as exc:
            raise StoreError(f"读取措施清单草稿失败：{exc}") from exc
        return token, [
            DraftChange(row[0], _measure(row[2:12]) if row[1] == "set" else None, row[12], row[13])
            for row in rows
        ]

    def _current_values(self, conn: sqlite3.Connection, measure_id: str) -> tuple[Any, ...] | None:
        row: tuple[Any, ...] | None = conn.execute(
            f"SELECT {', '.join(self._MEASURE_FIELDS)} FROM measures WHERE measure_id = ? AND valid_to IS NULL",
            (measure_id,),
        ).fetchone()
        return row

    def _draft_row(self, conn: sqlite3.Connection, measure_id: str) -> tuple[str, tuple[Any, ...]] | None:
        """(action, field values) of the draft's change to a measure, if any."""
        row = conn.execute(
            f"SELECT action, {', '.join(self._MEASURE_FIELDS)} FROM measure_draft WHERE measure_id = ?",
            (measure_id,),
        ).fetchone()
        return None if row is None else (str(row[0]), tuple(row[1:]))

    def _draft_form(self, conn: sqlite3.Connection, measure_id: str) -> tuple[Any, ...] | None:
        """The measure's fields as the draft would publish them (``None``: not in the draft's list)."""
        draft = self._draft_row(conn, measure_id)
        if draft is None:
            return self._current_values(conn, measure_id)
        action, values = draft
        return values if action == "set" else None

    def _log_measure(
        self,
        conn: sqlite3.Connection,
        *,
        actor: str,
        action: str,
        measure_id: str | None,
        before: Sequence[Any] | None = None,
        after: Sequence[Any] | None = None,
        version: int | None = None,
        note: str | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        conn.execute(
            "INSERT INTO measure_changes (at, actor, action, measure_id, before, after, version, note) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                _now(),
                actor,
                action,
                measure_id,
                self._measure_json(before),
                json.dumps(details, ensure_ascii=False) if details is not None else self._measure_json(after),
                version,
                note,
            ),
        )

    def _upsert_draft(
        self, conn: sqlite3.Connection, measure_id: str, values: Sequence[Any], actor: str
    ) -> None:
        columns = ", ".join(self._MEASURE_FIELDS)
        updates = ", ".join(f"{name} = excluded.{name}" for name in self._MEASURE_FIELDS)
        conn.execute(
            f"INSERT INTO measure_draft (measure_id, action, {columns}, changed_at, changed_by) "
            f"VALUES (?, 'set', {', '.join('?' * len(self._MEASURE_FIELDS))}, ?, ?) "
            f"ON CONFLICT (measure_id) DO UPDATE SET action = 'set', {updates}, "
            "changed_at = excluded.changed_at, changed_by = excluded.changed_by",
            (measure_id, *values, _now(), actor),
        )

    def set_draft_measure(self, measure: Measure, *, actor: str) -> None:
        values = self._measure_values(measure)
        try:
            with self._write() as conn:
                before = self._draft_form(conn, measure.measure_id)
                self._upsert_draft(conn, measure.measure_id, values, actor)
                self._log_measure(
                    conn,
                    actor=actor,
                    action="set",
                    measure_id=measure.measure_id,
                    before=before,
                    after=values,
                )
        except sqlite3.Error as exc:
            raise StoreError(f"写入措施清单草稿失败：{exc}") from exc

    def remove_draft_measure(self, measure_id: str, *, actor: str) -> None:
        try:
            with self._write() as conn:
                current = self._current_values(conn, measure_id)
                draft = self._draft_row(conn, measure_id)
                if current is None and draft is None:
                    raise NotFound(f"当前措施清单及草稿中都没有措施 {measure_id}")
                before = self._draft_form(conn, measure_id)
                if before is None:
                    return  # already removed in the draft
                if current is None:
                    # Only the draft added it: removing it just takes it out of the draft.
                    conn.execute("DELETE FROM measure_draft WHERE measure_id = ?", (measure_id,))
                else:
                    conn.execute(
                        "INSERT INTO measure_draft (measure_id, action, changed_at, changed_by) "
                        "VALUES (?, 'remove', ?, ?) ON CONFLICT (measure_id) DO UPDATE SET action = 'remove', "
                        + ", ".join(f"{name} = NULL" for name in self._MEASURE_FIELDS)
                        + ", changed_at = excluded.changed_at, changed_by = excluded.changed_by",
                        (measure_id, _now(), actor),
                    )
                self._log_measure(conn, actor=actor, action="remove", measure_id=measure_id, before=before)
        except sqlite3.Error as exc:
            raise StoreError(f"写入措施清单草稿失败：{exc}") from exc

    def revert_draft_measure(self, measure_id: str, *, actor: str) -> None:
        try:
            with self._write() as conn:
                if self._draft_row(conn, measure_id) is None:
                    raise NotFound(f"草稿中没有对措施 {measure_id} 的修改")
                before = self._draft_form(conn, measure_id)
                conn.execute("DELETE FROM measure_draft WHERE measure_id = ?", (measure_id,))
                self._log_measure(
                    conn,
                    actor=actor,
                    action="revert",
                    measure_id=measure_id,
                    before=before,
                    after=self._current_values(conn, measure_id),
                )
        except sqlite3.Error as exc:
            raise StoreError(f"写入措施清单草稿失败：{exc}") from exc

    def discard_measure_draft(self, *, actor: str) -> int:
        try:
            with self._write() as conn:
                dropped = [
                    str(row[0]) for row in conn.execute("SELECT measure_id FROM measure_draft ORDER BY 1")
                ]
                if dropped:
                    conn.execute("DELETE FROM measure_draft")
                    self._log_measure(
                        conn,
                        actor=actor,
                        action="discard",
                        measure_id=None,
                        note=f"放弃草稿中 {len(dropped)} 项修改",
                        details={"measure_ids": dropped},
                    )
                return len(dropped)
        except sqlite3.Error as exc:
            raise StoreError(f"放弃措施清单草稿失败：{exc}") from exc

    def publish_measures(self, publication: MeasurePublication) -> MeasureVersion:
        p = publication
        day = p.published_on.isoformat()
        day_before = (p.published_on - dt.timedelta(days=1)).isoformat()
        published_at = _now()
        columns = ", ".join(self._MEASURE_FIELDS)
        try:
            with self._write() as conn:
                latest = conn.execute("SELECT max(version) FROM measure_versions").fetchone()[0]
                token = int(conn.execute("SELECT coalesce(max(pk), 0) FROM measure_changes").fetchone()[0])
                if latest != p.based_on or token != p.draft_token:
                    raise ConflictError("措施清单或其草稿在此期间已被他人修改，请刷新后重新发布")
                for measure_id in (*(m.measure_id for m in p.changed), *p.removed):
                    retired = conn.execute(
                        "UPDATE measures SET retired_in = ?, valid_to = ? WHERE measure_id = ? AND valid_to IS NULL",
                        (p.version, day_before, measure_id),
                    ).rowcount
                    if retired != 1:
                        raise ConflictError(f"措施 {measure_id} 不在当前清单中，请刷新后重新发布")
                conn.executemany(
                    f"INSERT INTO measures (measure_id, {columns}, version, valid_from) "
                    f"VALUES (?, {', '.join('?' * len(self._MEASURE_FIELDS))}, ?, ?)",
                    [
                        (measure.measure_id, *self._measure_values(measure), p.version, day)
                        for measure in (*p.added, *p.changed)
                    ],
                )
                conn.execute(
                    "INSERT INTO measure_versions (version, published_on, published_at, published_by, note, added, "
                    "changed, removed, measures) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        p.version,
                        day,
                        published_at,
                        p.published_by,
                        p.note,
                        len(p.added),
                        len(p.changed),
                        len(p.removed),
                        p.measures,
                    ),
                )
                conn.execute("DELETE FROM measure_draft")
                self._log_measure(
                    conn,
                    actor=p.published_by,
                    action="publish",
                    measure_id=None,
                    version=p.version,
                    note=p.note,
                    details={
                        "published_on": day,
                        "added": [m.measure_id for m in p.added],
                        "changed": [m.measure_id for m in p.changed],
                        "removed": list(p.removed),
                    },
                )
        except sqlite3.Error as exc:
            raise StoreError(f"发布措施清单失败：{exc}") from exc
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

    def measure_changes(self, *, measure_id: str | None = None, limit: int = 100) -> list[MeasureChange]:
        rows = self._read(
            "SELECT pk, at, actor, action, measure_id, before, after, version, note FROM measure_changes "
            "WHERE :measure_id IS NULL OR measure_id = :measure_id ORDER BY pk DESC LIMIT :limit",
            {"measure_id": measure_id, "limit": limit},
        )
        return [
            MeasureChange(
                pk=r[0],
                at=r[1],
                actor=r[2],
                action=r[3],
                measure_id=r[4],
                before=json.loads(r[5]) if r[5] else None,
                after=json.loads(r[6]) if r[6] else None,
                version=r[7],
                note=r[8],
            )
            for r in rows
        ]

    def _merge_measures(self, conn: sqlite3.Connection, frame: pd.DataFrame) -> WriteCounts:
        """An imported measures file, by measure id (see docs/store.md).

        Before any publication the file maintains version 0 in place, in force since ever: new measures are
        inserted, changed ones updated. Once a version has been published, the list changes only by
        publication: the file's measures go into the draft (counted against the draft's form of each
        measure), to be published like any draft change. Every change is logged as an ``import``.
        """
        published = conn.execute("SELECT count(*) FROM measure_versions").fetchone()[0] > 0
        columns = ", ".join(self._MEASURE_FIELDS)
        inserted = updated = unchanged = 0
        for row in _records(frame, BATCH_COLUMNS[FileKind.measures]):
            measure_id, values = str(row[0]), tuple(row[1:])
            current = self._current_values(conn, measure_id)
            before = self._draft_form(conn, measure_id) if published else current
            if before == values:
                unchanged += 1
                continue
            known = current is not None or (published and self._draft_row(conn, measure_id) is not None)
            if known:
                updated += 1
            else:
                inserted += 1
            if published:
                self._upsert_draft(conn, measure_id, values, self._IMPORT_ACTOR)
            elif current is None:
                conn.execute(
                    f"INSERT INTO measures (measure_id, {columns}) "
                    f"VALUES (?, {', '.join('?' * len(self._MEASURE_FIELDS))})",
                    (measure_id, *values),
                )
            else:
                conn.execute(
                    f"UPDATE measures SET {', '.join(f'{name} = ?' for name in self._MEASURE_FIELDS)} "
                    "WHERE measure_id = ? AND valid_to IS NULL",
                    (*values, measure_id),
                )
            self._log_measure(
                conn,
                actor=self._IMPORT_ACTOR,
                action="import",
                measure_id=measure_id,
                before=before,
                after=values,
                note="写入草稿" if published else "写入导入清单（第 0 版）",
            )
        return WriteCounts(inserted=inserted, updated=updated, unchanged=unchanged)

    def example_person(self, business_item: str, at: dt.date) -> str | None:
        rows = self._read(sql("example_person"), {"day": at.isoformat(), "item": f"%;{business_item};%"})
        return str(rows[0][0]) if rows else None

    # --- lifecycle ---------------------------------------------------------------------------------------------

    def entry_by_pk(self, entry_pk: int) -> EntryRecord:
        rows = self._read(sql("entries"), {"subject_pk": None, "entry_id": None, "entry_pk": entry_pk})
        if not rows:
            raise NotFound(f"未找到名单记录（内部编号 {entry_pk}）")
        return _entry(rows[0])

    def apply_transition(self, transition: Transition, *, repair_application: int | None = None) -> None:
        t = transition
        on = t.on.isoformat()
        try:
            with self._write() as conn:
                current = conn.execute(
                    f"SELECT {', '.join(_STATE_FIELDS)} FROM list_entries WHERE pk = ?", (t.entry_pk,)
                ).fetchone()
                if current is None:
                    raise NotFound(f"未找到名单记录（内部编号 {t.entry_pk}）")
                if dict(zip(_STATE_FIELDS, current, strict=True)) != dict(t.before):
                    raise ConflictError("名单记录在此期间已被他人修改，请刷新后重试")
                assignments = ", ".join(f"{name} = ?" for name in _STATE_FIELDS)
                conn.execute(
                    f"UPDATE list_entries SET {assignments} WHERE pk = ?",
                    (*(t.after.get(name) for name in _STATE_FIELDS), t.entry_pk),
                )
                details = {"on": on, "before": dict(t.before), "after": dict(t.after)}
                conn.execute(
                    "INSERT INTO entry_events (entry_pk, at, actor, action, reason, details) VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        t.entry_pk,
                        _now(),
                        t.actor,
                        t.action,
                        t.reason,
                        json.dumps(details, ensure_ascii=False),
                    ),
                )
                if t.open_objection is not None:
                    filed_by, reason = t.open_objection
                    cursor = conn.execute(
                        "INSERT INTO objections (entry_pk, filed_on, filed_by, reason, status) VALUES (?, ?, ?, ?, 'open')",
                        (t.entry_pk, on, filed_by, reason),
                    )
                    conn.execute(
                        "INSERT INTO entry_suspensions (entry_pk, objection_pk, from_date) VALUES (?, ?, ?)",
                        (t.entry_pk, cursor.lastrowid, on),
                    )
                if t.resolve_objection is not None:
                    conn.execute(
                        "UPDATE objections SET status = ?, resolved_on = ?, resolved_by = ?, resolution = ? "
                        "WHERE entry_pk = ? AND status = 'open'",
                        (t.resolve_objection, on, t.actor, t.reason, t.entry_pk),
                    )
                    conn.execute(
                        "UPDATE entry_suspensions SET to_date = ? WHERE entry_pk = ? AND to_date IS NULL",
                        ((t.on - dt.timedelta(days=1)).isoformat(), t.entry_pk),
                    )
                if repair_application is not None:
                    conn.execute(
                        "UPDATE repair_applications SET status = 'approved', decided_on = ?, decided_by = ?, reason = ? "
                        "WHERE pk = ? AND status = 'pending'",
                        (on, t.actor, t.reason, repair_application),
                    )
                conn.executemany(
                    "INSERT INTO notices (entry_pk, kind, published_on, text) VALUES (?, ?, ?, ?)",
                    [(t.entry_pk, kind, on, text) for kind, text in t.notices],
                )
                conn.execute("INSERT INTO change_log (entry_pk) VALUES (?)", (t.entry_pk,))
        except sqlite3.Error as exc:
            raise StoreError(f"写入名单记录变更失败：{exc}") from exc

    def entry_history(self, entry_pk: int) -> list[EntryEvent]:
        rows = self._read(
            "SELECT pk, at, actor, action, reason, details FROM entry_events WHERE entry_pk = :entry_pk ORDER BY pk",
            {"entry_pk": entry_pk},
        )
        events = []
        for pk, at, actor, action, reason, details in rows:
            parsed = json.loads(details) if details else {}
            events.append(
                EntryEvent(
                    pk=pk,
                    at=at,
                    actor=actor,
                    action=action,
                    reason=reason,
                    on=_date(parsed.get("on")),
                    before=parsed.get("before"),
                    after=parsed.get("after"),
                )
            )
        return events

    def suspensions(self, entry_pk: int) -> list[Suspension]:
        rows = self._read(
            "SELECT from_date, to_date FROM entry_suspensions WHERE entry_pk = :entry_pk ORDER BY from_date, pk",
            {"entry_pk": entry_pk},
        )
        return [Suspension(_required_date(start), _date(end)) for start, end in rows]

    def objections(self, entry_pk: int) -> list[ObjectionRecord]:
        rows = self._read(
            "SELECT pk, entry_pk, filed_on, filed_by, reason, status, resolved_on, resolved_by, resolution "
            "FROM objections WHERE entry_pk = :entry_pk ORDER BY pk",
            {"entry_pk": entry_pk},
        )
        return [
            ObjectionRecord(r[0], r[1], _required_date(r[2]), r[3], r[4], r[5], _date(r[6]), r[7], r[8])
            for r in rows
        ]

    def notices(self, entry_pk: int) -> list[NoticeRecord]:
        rows = self._read(
            "SELECT n.pk, n.entry_pk, e.entry_id, n.kind, n.published_on, n.text FROM notices AS n "
            "JOIN list_entries AS e ON e.pk = n.entry_pk WHERE n.entry_pk = :entry_pk ORDER BY n.pk",
            {"entry_pk": entry_pk},
        )
        return [NoticeRecord(r[0], r[1], r[2], r[3], _required_date(r[4]), r[5]) for r in rows]

    def file_repair_application(self, entry_pk: int, *, applicant: str, evidence: str, on: dt.date) -> int:
        with self._write() as conn:
            cursor = conn.execute(
                "INSERT INTO repair_applications (entry_pk, filed_on, applicant, evidence, status) "
                "VALUES (?, ?, ?, ?, 'pending')",
                (entry_pk, on.isoformat(), applicant, evidence),
            )
            conn.execute(
                "INSERT INTO entry_events (entry_pk, at, actor, action, reason, details) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    entry_pk,
                    _now(),
                    applicant,
                    "apply_for_repair",
                    evidence,
                    json.dumps({"on": on.isoformat()}),
                ),
            )
            return int(cursor.lastrowid or 0)

    def _repair_rows(self, where: str, params: Mapping[str, Any]) -> list[RepairApplication]:
        rows = self._read(
            "SELECT pk, entry_pk, filed_on, applicant, evidence, status, decided_on, decided_by, reason "
            f"FROM repair_applications WHERE {where} ORDER BY pk",
            params,
        )
        return [
            RepairApplication(r[0], r[1], _required_date(r[2]), r[3], r[4], r[5], _date(r[6]), r[7], r[8])
            for r in rows
        ]

    def repair_application(self, application_pk: int) -> RepairApplication | None:
        found = self._repair_rows("pk = :pk", {"pk": application_pk})
        return found[0] if found else None

    def repair_applications(self, entry_pk: int) -> list[RepairApplication]:
        return self._repair_rows("entry_pk = :entry_pk", {"entry_pk": entry_pk})

    def decide_repair_application(
        self, application_pk: int, *, status: str, actor: str, reason: str, on: dt.date
    ) -> None:
        with self._write() as conn:
            updated = conn.execute(
                "UPDATE repair_applications SET status = ?, decided_on = ?, decided_by = ?, reason = ? "
                "WHERE pk = ? AND status = 'pending' RETURNING entry_pk",
                (status, on.isoformat(), actor, reason, application_pk),
            ).fetchone()
            if updated is None:
                raise ConflictError(f"信用修复申请 {application_pk} 已处理或不存在")
            conn.execute(
                "INSERT INTO entry_events (entry_pk, at, actor, action, reason, details) VALUES (?, ?, ?, ?, ?, ?)",
                (updated[0], _now(), actor, f"repair_{status}", reason, json.dumps({"on": on.isoformat()})),
            )

    def repair_min_days(self, list_type: str) -> int | None:
        rows = self._read(
            "SELECT repair_min_days FROM list_policies WHERE list_type = :list_type", {"list_type": list_type}
        )
        return None if not rows or rows[0][0] is None else int(rows[0][0])

    def entries_due_to_expire(self, on: dt.date) -> list[EntryRecord]:
        rows = self._read(
            "SELECT pk FROM list_entries WHERE status = 'effective' AND valid_to IS NOT NULL AND valid_to < :on "
            "ORDER BY pk",
            {"on": on.isoformat()},
        )
        return [self.entry_by_pk(int(row[0])) for row in rows]

    def red_conflicts(self, on: dt.date) -> list[tuple[EntryRecord, str, str]]:
        conflicts: dict[int, tuple[str, str]] = {}
        for red_pk, black_entry_id, firm in self._read(sql("red_conflicts"), {"on": on.isoformat()}):
            via = "本身" if firm is None else f"经 {firm} 关联"
            conflicts.setdefault(int(red_pk), (str(black_entry_id), via))
        return [(self.entry_by_pk(pk), black, via) for pk, (black, via) in conflicts.items()]

    # --- preliminary lists (初步名单, R1, R2) -------------------------------------------------------------------

    def red_candidate_conflicts(
        self, candidates: Sequence[RedCandidate], on: dt.date
    ) -> list[CandidateConflict]:
        if not candidates:
            return []
        params = {
            "candidates": json.dumps(
                [[c.entry_id, c.subject_type.value, c.subject_code, c.list_type] for c in candidates],
                ensure_ascii=False,
            ),
            "on": on.isoformat(),
            "default_roles": ";".join(sorted(role.value for role in DEFAULT_POLICY.roles)),
        }
        return [CandidateConflict(*row) for row in self._read(sql("red_candidate_conflicts"), params)]

    def submit_preliminary_list(self, submission: PreliminarySubmission) -> str:
        s = submission
        day = s.submitted_on.isoformat()
        columns = BATCH_COLUMNS[FileKind.list_entries]
        rows = [dict(zip(columns, row, strict=True)) for row in _records(s.entries, columns)]
        refused = dict(s.refused)
        at = _now()
        try:
            with self._write() as conn:
                number = conn.execute(
                    "SELECT count(*) FROM preliminary_lists WHERE submitted_on = ?", (day,)
                ).fetchone()[0]
                list_id = f"PL-{s.submitted_on:%Y%m%d}-{int(number) + 1:04d}"
                cursor = conn.execute(
                    "INSERT INTO preliminary_lists (list_id, department, kind, submitted_by, submitted_at, "
                    "submitted_on, source_file, submitted, accepted, rejected) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        list_id,
                        s.department,
                        s.kind.value,
                        s.submitted_by,
                        at,
                        day,
                        s.source_file,
                        len(rows),
                        len(rows) - len(refused),
                        len(refused),
                    ),
                )
                list_pk = int(cursor.lastrowid or 0)
                submitted = f"提交初步名单 {list_id}" + (f"（文件 {s.source_file}）" if s.source_file else "")
                for row in rows:
                    subject = conn.execute(
                        "SELECT pk FROM subjects WHERE code = ? AND subject_type = ?",
                        (row["subject_id"], row["subject_type"]),
                    ).fetchone()
                    if subject is None:
                        raise NotFound(f"未找到主体 {row['subject_id']}（名单编号 {row['entry_id']}）")
                    state: dict[str, str | None] = {
                        "status": EntryStatus.draft.value,
                        "ended_on": None,
                        **{name: row[name] for name in _STATE_FIELDS[2:]},
                    }
                    cursor = conn.execute(
                        "INSERT INTO list_entries (entry_id, subject_pk, kind, list_type, department, basis, "
                        "act_date, decided_on, valid_from, valid_to, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        (
                            row["entry_id"],
                            subject[0],
                            row["kind"],
                            row["list_type"],
                            row["department"],
                            row["basis"],
                            row["act_date"],
                            row["decided_on"],
                            row["valid_from"],
                            row["valid_to"],
                            EntryStatus.draft.value,
                        ),
                    )
                    entry_pk = int(cursor.lastrowid or 0)
                    conn.execute(
                        "INSERT INTO preliminary_entries (entry_pk, list_pk) VALUES (?, ?)",
                        (entry_pk, list_pk),
                    )
                    events: list[
                        tuple[str, str, str, dict[str, str | None] | None, dict[str, str | None]]
                    ] = [("submit", s.submitted_by, submitted, None, state)]
                    reason = refused.get(str(row["entry_id"]))
                    if reason is not None:
                        after = {**state, "status": EntryStatus.revoked.value}
                        conn.execute(
                            "UPDATE list_entries SET status = ? WHERE pk = ?", (after["status"], entry_pk)
                        )
                        events.append(("refuse", "cross_comparison", reason, state, after))
                    conn.executemany(
                        "INSERT INTO entry_events (entry_pk, at, actor, action, reason, details) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        [
                            (
                                entry_pk,
                                at,
                                actor,
                                action,
                                why,
                                json.dumps({"on": day, "before": before, "after": after}, ensure_ascii=False),
                            )
                            for action, actor, why, before, after in events
                        ],
                    )
                self._insert_conflicts(conn, s.conflicts, on=s.submitted_on, stage="submit")
        except sqlite3.IntegrityError as exc:
            raise ConflictError(f"初步名单未写入：名单编号已存在或数据冲突（{exc}）") from exc
        except sqlite3.Error as exc:
            raise StoreError(f"写入初步名单失败：{exc}") from exc
        return list_id

    def _insert_conflicts(
        self, conn: sqlite3.Connection, conflicts: Sequence[CandidateConflict], *, on: dt.date, stage: str
    ) -> None:
        conn.executemany(
            "INSERT INTO preliminary_conflicts (entry_pk, black_entry_id, firm_code, firm_name, person_code, "
            "person_name, role, found_on, stage) "
            "SELECT pk, ?, ?, ?, ?, ?, ?, ?, ? FROM list_entries WHERE entry_id = ?",
            [
                (
                    c.black_entry_id,
                    c.firm_code,
                    c.firm_name,
                    c.person_code,
                    c.person_name,
                    c.role,
                    on.isoformat(),
                    stage,
                    c.entry_id,
                )
                for c in conflicts
            ],
        )

    def preliminary_list(self, list_id: str) -> PreliminaryListRecord | None:
        rows = self._read(
            "SELECT pk, list_id, department, kind, submitted_by, submitted_at, submitted_on, source_file, "
            "submitted, accepted, rejected FROM preliminary_lists WHERE list_id = :list_id",
            {"list_id": list_id},
        )
        if not rows:
            return None
        r = rows[0]
        return PreliminaryListRecord(
            r[0], r[1], r[2], _KINDS[r[3]], r[4], r[5], _required_date(r[6]), r[7], r[8], r[9], r[10]
        )

    def preliminary_entries(self, list_pk: int) -> list[PreliminaryEntryRecord]:
        rows = self._read(sql("preliminary_entries"), {"list_pk": list_pk, "due_before": None})
        return [_preliminary_entry(row) for row in rows]

    def preliminary_conflicts(self, list_pk: int) -> list[ConflictRecord]:
        rows = self._read(
            "SELECT e.entry_id, c.black_entry_id, c.firm_code, c.firm_name, c.person_code, c.person_name, c.role, "
            "c.found_on, c.stage FROM preliminary_conflicts AS c "
            "JOIN preliminary_entries AS p ON p.entry_pk = c.entry_pk "
            "JOIN list_entries AS e ON e.pk = c.entry_pk "
            "WHERE p.list_pk = :list_pk ORDER BY e.entry_id, c.pk",
            {"list_pk": list_pk},
        )
        return [ConflictRecord(CandidateConflict(*r[:7]), _required_date(r[7]), r[8]) for r in rows]

    def record_conflicts(self, conflicts: Sequence[CandidateConflict], *, on: dt.date, stage: str) -> None:
        try:
            with self._write() as conn:
                self._insert_conflicts(conn, conflicts, on=on, stage=stage)
        except sqlite3.Error as exc:
            raise StoreError(f"写入交叉比对结果失败：{exc}") from exc

    def set_publicity(self, windows: Sequence[tuple[int, dt.date, dt.date]]) -> None:
        try:
            with self._write() as conn:
                conn.executemany(
                    "UPDATE preliminary_entries SET publicity_from = ?, publicity_to = ? WHERE entry_pk = ?",
                    [(start.isoformat(), end.isoformat(), entry_pk) for entry_pk, start, end in windows],
                )
        except sqlite3.Error as exc:
            raise StoreError(f"写入公示期失败：{exc}") from exc

    def publicity_policy(self, list_type: str) -> PublicityPolicy:
        rows = self._read(
            "SELECT publicity_days, black_skip_publicity FROM list_policies WHERE list_type = :list_type",
            {"list_type": list_type},
        )
        if not rows:
            return PublicityPolicy()
        days, skip = rows[0]
        return PublicityPolicy(None if days is None else int(days), bool(skip))

    def record_prior_notification(
        self,
        entry_pk: int,
        *,
        recipient: str,
        notified_on: dt.date,
        method: str,
        notified_by: str,
        note: str | None,
    ) -> int:
        day = notified_on.isoformat()
        try:
            with self._write() as conn:
                cursor = conn.execute(
                    "INSERT INTO prior_notifications (entry_pk, recipient, notified_on, method, notified_by, note) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (entry_pk, recipient, day, method, notified_by, note),
                )
                conn.execute(
                    "INSERT INTO entry_events (entry_pk, at, actor, action, reason, details) VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        entry_pk,
                        _now(),
                        notified_by,
                        "notify",
                        f"事前告知 {recipient}（{method}）" + (f"：{note}" if note else ""),
                        json.dumps({"on": day}),
                    ),
                )
                return int(cursor.lastrowid or 0)
        except sqlite3.Error as exc:
            raise StoreError(f"写入事前告知失败：{exc}") from exc

    def prior_notifications(self, entry_pk: int) -> list[PriorNotification]:
        rows = self._read(
            "SELECT n.pk, e.entry_id, n.recipient, n.notified_on, n.method, n.notified_by, n.note "
            "FROM prior_notifications AS n JOIN list_entries AS e ON e.pk = n.entry_pk "
            "WHERE n.entry_pk = :entry_pk ORDER BY n.notified_on, n.pk",
            {"entry_pk": entry_pk},
        )
        return [PriorNotification(r[0], r[1], r[2], _required_date(r[3]), r[4], r[5], r[6]) for r in rows]

    def preliminary_due(self, on: dt.date) -> list[PreliminaryEntryRecord]:
        rows = self._read(sql("preliminary_entries"), {"list_pk": None, "due_before": on.isoformat()})
        return [_preliminary_entry(row) for row in rows]

    def in_publicity(
        self, at: dt.date, *, after: tuple[dt.date, str] | None = None, limit: int = 50
    ) -> list[PreliminaryEntryRecord]:
        params = {
            "at": at.isoformat(),
            "after_from": None if after is None else after[0].isoformat(),
            "after_id": None if after is None else after[1],
            "limit": limit,
        }
        return [_preliminary_entry(row) for row in self._read(sql("publicity_entries"), params)]

    # --- periodic job ------------------------------------------------------------------------------------------

    def start_job(self, run_on: dt.date, *, stale_after: dt.timedelta = JOB_STALE_AFTER) -> int | None:
        with self._write() as conn:
            running = conn.execute(
                "SELECT pk, started_at, report FROM job_runs WHERE status = 'running' ORDER BY pk DESC LIMIT 1"
            ).fetchone()
            if running is not None:
                started = dt.datetime.strptime(running[1], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
                owner = json.loads(running[2]).get("owner") if running[2] else None
                if dt.datetime.now(dt.UTC) - started < stale_after and not job_owner_is_gone(owner):
                    return None
                # The run that holds the lock died (killed, machine restarted): record that and take over.
                conn.execute(
                    "UPDATE job_runs SET status = 'failed', finished_at = ?, report = ? WHERE pk = ?",
                    (
                        _now(),
                        json.dumps({"error": "运行中断（进程退出），由后续运行接管"}, ensure_ascii=False),
                        running[0],
                    ),
                )
            # While it runs, the report names the process that holds the lock (the finished run's report
            # replaces it): a run killed with it is taken over at once from the same host.
            cursor = conn.execute(
                "INSERT INTO job_runs (started_at, run_on, status, report) VALUES (?, ?, 'running', ?)",
                (_now(), run_on.isoformat(), json.dumps({"owner": job_owner()})),
            )
            return int(cursor.lastrowid or 0)

    def finish_job(self, job_pk: int, *, status: str, report: Mapping[str, Any]) -> None:
        with self._write() as conn:
            conn.execute(
                "UPDATE job_runs SET status = ?, finished_at = ?, report = ? WHERE pk = ?",
                (status, _now(), json.dumps(report, ensure_ascii=False), job_pk),
            )

    def jobs(self, limit: int = 50) -> list[JobRun]:
        rows = self._read(
            "SELECT pk, started_at, finished_at, run_on, status, report FROM job_runs ORDER BY pk DESC LIMIT :limit",
            {"limit": limit},
        )
        return [
            JobRun(r[0], r[1], r[2], _required_date(r[3]), r[4], json.loads(r[5]) if r[5] else None)
            for r in rows
        ]

    def check_rows(self, subject_pk: int, at: dt.date) -> list[CheckRow]:
        # One statement (queries/sql/check_rows.sql): the subject's own entries (part 0), then its derived
        # records (part 1); the measures in force come from the in-memory measures list.
        day = at.isoformat()
        found = self._read(sql("check_rows"), {"subject_pk": subject_pk, "at": day})
        if not found:
            return []  # most subjects: no entry, no derived record, and no need of the measures list
        in_force = self._measures_in_force()
        rows: list[CheckRow] = []
        for row in found:
            if row[0] == 0:
                entry, path = _entry(row[3:18]), None
            else:
                path = _derived(row[3:31])
                entry = path.entry
            measures = in_force.on(entry.list_type, row[8], row[31], day)
            suspended = bool(row[32])
            if not measures:
                rows.append(CheckRow(entry=entry, measure=None, derived=path, suspended=suspended))
            for measure in measures:
                rows.append(CheckRow(entry=entry, measure=measure, derived=path, suspended=suspended))
        return rows

    def _measures_in_force(self) -> _MeasuresList:
        """The measures list as this thread's read connection last saw it, read again after any commit by
        another connection (``PRAGMA data_version``: a publication, a load, any write in any process)."""
        try:
            conn = self._reader()
            version = conn.execute("PRAGMA data_version").fetchone()[0]
            held: _MeasuresList | None = getattr(self._local, "measures", None)
            if held is not None and held.data_version == version:
                return held
            rows = conn.execute(_MEASURES_LIST).fetchall()
        except sqlite3.Error as exc:
            raise StoreError(f"查询失败：{exc}") from exc
        held = _MeasuresList(version, rows)
        self._local.measures = held
        return held

    # --- exploring the graph (investigators' workbench, analytics) ---------------------------------------------

    def search_subjects(self, text: str, *, limit: int) -> list[SubjectRecord]:
        wanted = text.strip()
        if not wanted or limit <= 0:
            return []
        code = wanted.upper()
        found: dict[int, SubjectRecord] = {}
        for exact in (1, 0):
            by_code = {"exact": exact, "code": code, "code_end": code + _TOP, "limit": limit}
            for row in self._read(sql("explore_search_codes"), by_code):
                found.setdefault(row[0], _subject(row))
        if len(found) >= limit:
            return list(found.values())[:limit]
        candidates: str | None = None
        if len(wanted) >= TRIGRAM and "%" not in wanted and "_" not in wanted:
            keys = [
                row[0]
                for row in self._read(
                    sql("explore_search_candidates"), {"pattern": f"%{wanted}%", "cap": SEARCH_CANDIDATES}
                )
            ]
            if len(keys) < SEARCH_CANDIDATES:
                candidates = json.dumps(keys)
        params: dict[str, Any] = {
            "candidates": candidates,
            "min_length": len(wanted),
            "text": wanted,
            "limit": limit + len(found),
        }
        for row in self._read(sql("explore_search_names"), params):
            if len(found) >= limit:
                break
            found.setdefault(row[0], _subject(row))
        return list(found.values())[:limit]

    def subjects_by_pk(self, pks: Collection[int]) -> dict[int, SubjectRecord]:
        keys = _keys(pks)
        if keys == "[]":
            return {}
        return {row[0]: _subject(row) for row in self._read(sql("explore_subjects"), {"subjects": keys})}

    @staticmethod
    def _edge_filters(at: dt.date | None, roles: Collection[Role] | None) -> dict[str, str | None]:
        return {
            "at": None if at is None else at.isoformat(),
            "roles": None if roles is None else json.dumps(sorted(Role(r).value for r in roles)),
        }

    def role_edges(
        self,
        subject_pks: Collection[int],
        *,
        at: dt.date | None = None,
        roles: Collection[Role] | None = None,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[RoleEdge]:
        keys = _keys(subject_pks)
        if keys == "[]" or (limit is not None and limit <= 0):
            return []
        params: dict[str, Any] = {
            "subjects": keys,
            **self._edge_filters(at, roles),
            "offset": max(offset, 0),
            "limit": -1 if limit is None else limit,
        }
        # Positional arguments and cached days: a neighbourhood builds thousands of these per request.
        roles_by_value, day = _ROLES, _cached_date
        return [
            RoleEdge(pk, holder_pk, enterprise_pk, roles_by_value[role], day(start), day(end), ratio)
            for pk, holder_pk, enterprise_pk, role, start, end, ratio in self._read(
                sql("explore_role_edges"), params
            )
        ]

    def role_degrees(
        self,
        subject_pks: Collection[int],
        *,
        at: dt.date | None = None,
        roles: Collection[Role] | None = None,
    ) -> dict[int, int]:
        keys = _keys(subject_pks)
        if keys == "[]":
            return {}
        params = {"subjects": keys, **self._edge_filters(at, roles)}
        return {int(row[0]): int(row[1]) for row in self._read(sql("explore_role_degrees"), params)}

    def status_flags(self, subject_pks: Collection[int], at: dt.date) -> dict[int, frozenset[StatusFlag]]:
        keys = _keys(subject_pks)
        if keys == "[]":
            return {}
        flags: dict[int, set[StatusFlag]] = {}
        for subject_pk, kind, derived, suspended in self._read(
            sql("explore_status_flags"), {"subjects": keys, "at": at.isoformat()}
        ):
            mine = flags.setdefault(subject_pk, set())
            if derived:
                mine.add(StatusFlag.derived)
            else:
                mine.add(StatusFlag.black if kind == ListKind.black.value else StatusFlag.red)
            if suspended:
                mine.add(StatusFlag.suspended)
        return {pk: frozenset(found) for pk, found in flags.items()}

    def listed_subjects(
        self, kind: ListKind, at: dt.date, *, subject_type: SubjectType | None = None
    ) -> list[int]:
        params = {
            "kind": ListKind(kind).value,
            "at": at.isoformat(),
            "subject_type": None if subject_type is None else SubjectType(subject_type).value,
        }
        return [int(row[0]) for row in self._read(sql("explore_listed_subjects"), params)]

    def restricted_by_item(self, business_item: str, at: dt.date) -> list[tuple[int, CheckRow]]:
        # Measure.covers: an item is one of the ';'-separated non-empty items, which never hold ';'.
        item = business_item if business_item and ";" not in business_item else None
        params = {"at": at.isoformat(), "item": item}
        keyed: list[tuple[tuple[int, int, int, str], int, CheckRow]] = []
        entries: dict[int, EntryRecord] = {}
        for row in self._read(sql("explore_restricted_direct"), params):
            entry = entries.get(row[1]) or entries.setdefault(row[1], _entry(row[1:16]))
            measure = _measure(row[16:26])
            check = CheckRow(entry=entry, measure=measure, derived=None, suspended=bool(row[26]))
            keyed.append(((row[0], row[1], -1, row[16]), row[0], check))
        paths: dict[tuple[int, int], DerivedRecordRow] = {}
        for row in self._read(sql("explore_restricted_derived"), params):
            path = paths.get((row[1], row[16]))
            if path is None:
                path = paths.setdefault((row[1], row[16]), _derived(row[1:29]))
            check = CheckRow(
                entry=path.entry, measure=_measure(row[29:39]), derived=path, suspended=bool(row[39])
            )
            keyed.append(((row[0], row[1], row[16], row[29]), row[0], check))
        keyed.sort(key=lambda item: item[0])
        return [(subject_pk, check) for _, subject_pk, check in keyed]

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
        # LIKE wildcards typed by the public are searched for literally.
        escaped = (
            None if wanted is None else wanted.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        )
        params = {
            "at": at.isoformat(),
            "kind": None if kind is None else kind.value,
            "list_type": list_type,
            "search": wanted,
            "code": None if wanted is None else compact(wanted),
            "name_like": None if escaped is None else f"%{escaped}%",
            "after_from": None if after is None else after[0].isoformat(),
            "after_id": None if after is None else after[1],
            "limit": limit,
        }
        return [_entry(row) for row in self._read(sql("public_entries"), params)]

    def public_notices(
        self,
        until: dt.date,
        *,
        kind: str | None = None,
        since: dt.date | None = None,
        after: tuple[dt.date, int] | None = None,
        limit: int = 50,
    ) -> list[tuple[NoticeRecord, EntryRecord]]:
        params = {
            "until": until.isoformat(),
            "kind": kind,
            "since": None if since is None else since.isoformat(),
            "after_on": None if after is None else after[0].isoformat(),
            "after_pk": None if after is None else after[1],
            "limit": limit,
        }
        return [
            (NoticeRecord(r[0], r[1], r[2], r[3], _required_date(r[4]), r[5]), _entry(r[6:21]))
            for r in self._read(sql("public_notices"), params)
        ]

    # --- trigger–feedback (R8, §七(一), §八(三)) ------------------------------------------------------------

    def dispatch(
        self,
        on: dt.date,
        scope: Collection[int] | None,
        plan: DispatchPlanner,
    ) -> DispatchSummary:
        day = on.isoformat()
        try:
            with self._write() as conn:
                settings = self._dispatch_settings(conn)
                due = (on + dt.timedelta(days=settings.feedback_days)).isoformat()
                conn.execute("CREATE TEMP TABLE IF NOT EXISTS dispatch_scope (entry_pk INTEGER PRIMARY KEY)")
                conn.execute("DELETE FROM temp.dispatch_scope")
                if scope is None:
                    conn.execute("INSERT INTO temp.dispatch_scope SELECT pk FROM list_entries")
                else:
                    conn.executemany(
                        "INSERT OR IGNORE INTO temp.dispatch_scope VALUES (?)", [(int(pk),) for pk in scope]
                    )
                params = {"at": day}
                current = pd.DataFrame(
                    conn.execute(sql("dispatch_applications"), params).fetchall(), columns=CURRENT_COLUMNS
                )
                previous = pd.DataFrame(
                    conn.execute(sql("dispatch_previous"), params).fetchall(), columns=PREVIOUS_COLUMNS
                )
                planned = plan(DispatchFrames(current=current, previous=previous))
                summary = self._write_dispatches(conn, planned, on=day, due=due, scope=scope)
        except sqlite3.Error as exc:
            raise StoreError(f"写入联合奖惩推送失败：{exc}") from exc
        return summary

    def _write_dispatches(
        self,
        conn: sqlite3.Connection,
        planned: pd.DataFrame,
        *,
        on: str,
        due: str,
        scope: Collection[int] | None,
    ) -> DispatchSummary:
        counts = {action: int((planned["action"] == action).sum()) for action in ("start", "change", "end")}
        recalled = int(planned["recall"].fillna(0).astype(int).sum()) if len(planned) else 0
        if planned.empty:
            return DispatchSummary(None, on, 0, 0, 0, 0, 0)
        now = _now()
        run_pk = int(
            conn.execute(
                "INSERT INTO dispatch_runs (at, run_on, scope, started, changed, ended, recalled) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    now,
                    on,
                    "all" if scope is None else str(len(scope)),
                    counts["start"],
                    counts["change"],
                    counts["end"],
                    recalled,
                ),
            ).lastrowid
            or 0
        )
        base = int(conn.execute("SELECT coalesce(max(pk), 0) + 1 FROM dispatches").fetchone()[0])
        rows = planned.reset_index(drop=True)
        pks = np.arange(base, base + len(rows), dtype=np.int64)
        inserts: list[tuple[Any, ...]] = []
        ends: list[tuple[Any, ...]] = []
        new_apps: list[tuple[Any, ...]] = []
        updates: list[tuple[Any, ...]] = []
        recalls: list[tuple[Any, ...]] = []
        for pk, row in zip(pks.tolist(), rows.to_dict("records"), strict=True):
            key = (
                int(row["entry_pk"]),
                int(row["subject_pk"]),
                int(row["role_pk"]),
                row["measure_id"],
                row["department"],
            )
            head = (pk, run_pk, row["department"], row["action"], row["reason"], int(row["recall"]))
            tail = (key[1], key[0], key[2], key[3], now, on, due)
            fps = (row["entry_fp"], row["measure_fp"], row["path_fp"])
            application = row["application_pk"]
            if row["action"] == "end":
                ends.append((*head, *tail, int(row["last_dispatch_pk"])))
                updates.append((*fps, 0, row["reason"], pk, int(application)))
                if row["recall"]:
                    recalls.append((pk, *key, pk))
                continue
            inserts.append((*head, *tail, row["payload"]))
            if application is None or pd.isna(application):
                new_apps.append((*key, *fps, pk))
            else:
                updates.append((*fps, 1, None, pk, int(application)))
        columns = (
            "pk, run_pk, department, action, reason, recall, subject_pk, entry_pk, role_pk, measure_id, "
            "created_at, created_on, due_on, payload"
        )
        conn.executemany(
            f"INSERT INTO dispatches ({columns}) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, payload "
            "FROM dispatches WHERE pk = ?",
            ends,
        )
        conn.executemany(
            f"INSERT INTO dispatches ({columns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", inserts
        )
        conn.executemany(
            "INSERT INTO measure_applications (entry_pk, subject_pk, role_pk, measure_id, department, "
            "entry_fp, measure_fp, path_fp, active, ended_reason, dispatch_pk) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, NULL, ?)",
            new_apps,
        )
        conn.executemany(
            "UPDATE measure_applications SET entry_fp = ?, measure_fp = ?, path_fp = ?, active = ?, "
            "ended_reason = ?, dispatch_pk = ? WHERE pk = ?",
            updates,
        )
        # A revocation withdraws everything told before about the same application (误列: 撤回).
        conn.executemany(
            "UPDATE dispatches SET recalled_by = ? WHERE entry_pk = ? AND subject_pk = ? AND role_pk = ? "
            "AND measure_id = ? AND department = ? AND pk < ? AND recalled_by IS NULL",
            recalls,
        )
        queued = conn.execute(
            "INSERT INTO outbox (webhook_pk, event, dispatch_pk, next_attempt_at) "
            "SELECT w.pk, 'dispatch', d.pk, ? FROM dispatches AS d "
            "JOIN webhooks AS w ON w.department = d.department AND w.active = 1 WHERE d.pk >= ?",
            (now, base),
        ).rowcount
        return DispatchSummary(
            run_pk, on, counts["start"], counts["change"], counts["end"], recalled, int(queued or 0)
        )

    def _dispatches(self, clause: str, params: Mapping[str, Any]) -> list[DispatchRecord]:
        return [_dispatch(row) for row in self._read(sql("dispatch_records") + clause, params)]

    def dispatch_feed(self, department: str, *, after: int, limit: int) -> list[DispatchRecord]:
        if after > 0:
            try:
                with self._write() as conn:
                    conn.execute(
                        "INSERT INTO department_cursors (department, acknowledged, updated_at) "
                        "SELECT ?, min(?, coalesce(max(pk), 0)), ? FROM dispatches WHERE department = ? "
                        "ON CONFLICT (department) DO UPDATE SET "
                        "acknowledged = max(acknowledged, excluded.acknowledged), updated_at = excluded.updated_at",
                        (department, after, _now(), department),
                    )
            except sqlite3.Error as exc:
                raise StoreError(f"记录推送确认失败：{exc}") from exc
        return self._dispatches(
            " WHERE d.department = :department AND d.pk > :after ORDER BY d.pk LIMIT :limit",
            {"department": department, "after": after, "limit": limit},
        )

    def dispatch_record(self, dispatch_pk: int) -> DispatchRecord | None:
        found = self._dispatches(" WHERE d.pk = :pk", {"pk": dispatch_pk})
        return found[0] if found else None

    def entry_dispatches(self, entry_pk: int) -> list[DispatchRecord]:
        return self._dispatches(" WHERE d.entry_pk = :entry_pk ORDER BY d.pk", {"entry_pk": entry_pk})

    def record_feedback(
        self, dispatch_pk: int, *, outcome: str, reason: str | None, applied_on: dt.date, actor: str
    ) -> FeedbackRecord:
        recorded_at = _now()
        try:
            with self._write() as conn:
                cursor = conn.execute(
                    "INSERT INTO dispatch_feedback (dispatch_pk, outcome, reason, applied_on, actor, recorded_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (dispatch_pk, outcome, reason, applied_on.isoformat(), actor, recorded_at),
                )
                pk = int(cursor.lastrowid or 0)
        except sqlite3.IntegrityError as exc:
            raise NotFound(f"未找到推送记录 {dispatch_pk}") from exc
        except sqlite3.Error as exc:
            raise StoreError(f"记录反馈失败：{exc}") from exc
        return FeedbackRecord(pk, dispatch_pk, outcome, reason, applied_on, actor, recorded_at)

    def feedback(self, dispatch_pk: int) -> list[FeedbackRecord]:
        return [
            FeedbackRecord(r[0], r[1], r[2], r[3], _required_date(r[4]), r[5], r[6])
            for r in self._read(
                "SELECT pk, dispatch_pk, outcome, reason, applied_on, actor, recorded_at FROM dispatch_feedback "
                "WHERE dispatch_pk = :pk ORDER BY pk",
                {"pk": dispatch_pk},
            )
        ]

    def dispatch_stats(self, on: dt.date, *, by_measure: bool) -> list[DispatchStats]:
        rows = self._read(sql("dispatch_stats"), {"on": on.isoformat(), "by_measure": int(by_measure)})
        return [DispatchStats(r[0], r[1], *(int(value or 0) for value in r[2:9])) for r in rows]

    def overdue_dispatches(self, on: dt.date, *, department: str | None, limit: int) -> list[DispatchRecord]:
        return self._dispatches(
            " WHERE d.due_on < :on AND (:department IS NULL OR d.department = :department)"
            " AND NOT EXISTS (SELECT 1 FROM dispatch_feedback AS g WHERE g.dispatch_pk = d.pk)"
            " ORDER BY d.pk LIMIT :limit",
            {"on": on.isoformat(), "department": department, "limit": limit},
        )

    def _dispatch_settings(self, conn: sqlite3.Connection) -> DispatchSettings:
        row = conn.execute(
            "SELECT feedback_days, remind_every_days, changed_at, changed_by FROM dispatch_settings "
            "ORDER BY pk DESC LIMIT 1"
        ).fetchone()
        if row is None:
            return DispatchSettings(FEEDBACK_DAYS, REMIND_EVERY_DAYS, None, None)
        return DispatchSettings(int(row[0]), int(row[1]), row[2], row[3])

    def dispatch_settings(self) -> DispatchSettings:
        try:
            return self._dispatch_settings(self._reader())
        except sqlite3.Error as exc:
            raise StoreError(f"查询失败：{exc}") from exc

    def set_dispatch_settings(
        self, *, feedback_days: int, remind_every_days: int, actor: str
    ) -> DispatchSettings:
        try:
            with self._write() as conn:
                conn.execute(
                    "INSERT INTO dispatch_settings (feedback_days, remind_every_days, changed_at, changed_by) "
                    "VALUES (?, ?, ?, ?)",
                    (feedback_days, remind_every_days, _now(), actor),
                )
                return self._dispatch_settings(conn)
        except sqlite3.Error as exc:
            raise StoreError(f"保存推送设置失败：{exc}") from exc

    def remind_overdue(self, on: dt.date) -> int:
        day = on.isoformat()
        now = _now()
        try:
            with self._write() as conn:
                every_days = self._dispatch_settings(conn).remind_every_days
                since = (on - dt.timedelta(days=every_days)).isoformat()
                base = int(conn.execute("SELECT coalesce(max(pk), 0) FROM reminders").fetchone()[0])
                reminded = conn.execute(
                    "INSERT OR IGNORE INTO reminders (dispatch_pk, reminded_on) "
                    "SELECT d.pk, ? FROM dispatches AS d WHERE d.due_on < ? "
                    "AND NOT EXISTS (SELECT 1 FROM dispatch_feedback AS f WHERE f.dispatch_pk = d.pk) "
                    "AND NOT EXISTS (SELECT 1 FROM reminders AS r WHERE r.dispatch_pk = d.pk "
                    "                AND r.reminded_on > ?)",
                    (day, day, since),
                ).rowcount
                conn.execute(
                    "INSERT INTO outbox (webhook_pk, event, dispatch_pk, reminder_pk, next_attempt_at) "
                    "SELECT w.pk, 'reminder', r.dispatch_pk, r.pk, ? FROM reminders AS r "
                    "JOIN dispatches AS d ON d.pk = r.dispatch_pk "
                    "JOIN webhooks AS w ON w.department = d.department AND w.active = 1 WHERE r.pk > ?",
                    (now, base),
                )
        except sqlite3.Error as exc:
            raise StoreError(f"记录逾期提醒失败：{exc}") from exc
        return int(reminded or 0)

    def set_webhook(self, department: str, *, url: str, secret: str) -> WebhookRecord:
        now = _now()
        try:
            with self._write() as conn:
                conn.execute(
                    "INSERT INTO webhooks (department, url, secret, active, created_at) VALUES (?, ?, ?, 1, ?) "
                    "ON CONFLICT (department) DO UPDATE SET url = excluded.url, secret = excluded.secret, "
                    "active = 1, created_at = excluded.created_at",
                    (department, url, secret, now),
                )
                row = conn.execute(
                    "SELECT pk, department, url, active, created_at FROM webhooks WHERE department = ?",
                    (department,),
                ).fetchone()
        except sqlite3.Error as exc:
            raise StoreError(f"登记回调地址失败：{exc}") from exc
        return WebhookRecord(row[0], row[1], row[2], bool(row[3]), row[4])

    def disable_webhook(self, department: str) -> bool:
        try:
            with self._write() as conn:
                changed = conn.execute(
                    "UPDATE webhooks SET active = 0 WHERE department = ? AND active = 1", (department,)
                ).rowcount
        except sqlite3.Error as exc:
            raise StoreError(f"停用回调地址失败：{exc}") from exc
        return bool(changed)

    def webhooks(self) -> list[WebhookRecord]:
        return [
            WebhookRecord(r[0], r[1], r[2], bool(r[3]), r[4])
            for r in self._read(
                "SELECT pk, department, url, active, created_at FROM webhooks ORDER BY department", {}
            )
        ]

    def lease_deliveries(self, now: dt.datetime, *, limit: int, lease: dt.timedelta) -> list[Delivery]:
        stamp = _stamp(now)
        until = _stamp(now + lease)
        try:
            with self._write() as conn:
                rows = conn.execute(
                    "SELECT o.pk, w.url, w.secret, o.event, o.dispatch_pk, o.reminder_pk, o.attempts "
                    "FROM outbox AS o JOIN webhooks AS w ON w.pk = o.webhook_pk "
                    "WHERE o.delivered_at IS NULL AND o.given_up_at IS NULL AND o.next_attempt_at <= ? "
                    "AND (o.leased_until IS NULL OR o.leased_until <= ?) AND w.active = 1 "
                    "ORDER BY o.next_attempt_at, o.pk LIMIT ?",
                    (stamp, stamp, limit),
                ).fetchall()
                conn.executemany(
                    "UPDATE outbox SET leased_until = ? WHERE pk = ?", [(until, row[0]) for row in rows]
                )
        except sqlite3.Error as exc:
            raise StoreError(f"读取待投递推送失败：{exc}") from exc
        deliveries = []
        for pk, url, secret, event, dispatch_pk, reminder_pk, attempts in rows:
            record = self.dispatch_record(int(dispatch_pk))
            if record is None:  # pragma: no cover - dispatches are never deleted
                continue
            key = f"{event}-{reminder_pk if event == 'reminder' else dispatch_pk}"
            deliveries.append(
                Delivery(
                    outbox_pk=int(pk),
                    url=url,
                    secret=secret,
                    event=event,
                    idempotency_key=key,
                    dispatch=record,
                    attempts=int(attempts),
                )
            )
        return deliveries

    def delivery_succeeded(self, outbox_pk: int, at: dt.datetime) -> None:
        try:
            with self._write() as conn:
                conn.execute(
                    "UPDATE outbox SET delivered_at = ?, attempts = attempts + 1, leased_until = NULL, "
                    "last_error = NULL WHERE pk = ?",
                    (_stamp(at), outbox_pk),
                )
        except sqlite3.Error as exc:
            raise StoreError(f"记录投递结果失败：{exc}") from exc

    def delivery_failed(
        self, outbox_pk: int, at: dt.datetime, *, error: str, retry_at: dt.datetime | None
    ) -> None:
        try:
            with self._write() as conn:
                if retry_at is None:
                    conn.execute(
                        "UPDATE outbox SET given_up_at = ?, attempts = attempts + 1, leased_until = NULL, "
                        "last_error = ? WHERE pk = ?",
                        (_stamp(at), error[:500], outbox_pk),
                    )
                else:
                    conn.execute(
                        "UPDATE outbox SET next_attempt_at = ?, attempts = attempts + 1, leased_until = NULL, "
                        "last_error = ? WHERE pk = ?",
                        (_stamp(retry_at), error[:500], outbox_pk),
                    )
        except sqlite3.Error as exc:
            raise StoreError(f"记录投递结果失败：{exc}") from exc

    def outbox_state(self) -> OutboxState:
        row = self._read(
            "SELECT sum(delivered_at IS NULL AND given_up_at IS NULL), sum(delivered_at IS NOT NULL), "
            "sum(given_up_at IS NOT NULL), min(CASE WHEN delivered_at IS NULL AND given_up_at IS NULL "
            "THEN next_attempt_at END) FROM outbox",
            {},
        )[0]
        return OutboxState(int(row[0] or 0), int(row[1] or 0), int(row[2] or 0), row[3])


def backup_database(source: Path, target: Path, *, timeout_seconds: float = 30.0) -> None:
    """Copy the SQLite file ``source`` to ``target`` online: SQLite's backup API in one step, from a
    (query-only) connection of its own, so the copy is one consistent snapshot (one read transaction; in WAL
    mode writers go on meanwhile, other readers too). The copy is written beside ``target`` under a
    temporary name, checked (``PRAGMA integrity_check``), made one self-contained file (rollback journal,
    no ``-wal``), synced and only then renamed onto ``target``: a failed or interrupted backup never leaves
    a partial file under the name asked for. Any SQLite file (the store, the access store). O(pages)."""
    source, target = Path(source), Path(target)
    partial = target.with_name(f".{target.name}.partial")
    try:
        if not source.is_file():
            raise StoreError(f"数据库文件 {source} 不存在，无法备份")
        partial.unlink(missing_ok=True)
        reader = sqlite3.connect(source, timeout=timeout_seconds, isolation_level=None)
        try:
            reader.execute("PRAGMA query_only = ON")
            copy = sqlite3.connect(partial, isolation_level=None)
            try:
                reader.backup(copy)
                copy.execute("PRAGMA journal_mode = DELETE")
                problems = [str(row[0]) for row in copy.execute("PRAGMA integrity_check").fetchall()]
            finally:
                copy.close()
        finally:
            reader.close()
        if problems != ["ok"]:
            raise StoreError(f"{source} 的备份副本未通过完整性检查：{'；'.join(problems[:5])}")
        with partial.open("rb") as written:
            os.fsync(written.fileno())
        os.replace(partial, target)
        folder = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
    except (sqlite3.Error, OSError) as exc:
        partial.unlink(missing_ok=True)
        raise StoreError(f"备份数据库 {source} 到 {target} 失败：{exc}") from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise


def _statements(script: str) -> list[str]:
    """Split a migration script into complete SQL statements (``executescript`` would commit our
    transaction first)."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip() and not all(
        part.strip().startswith("--") or not part.strip() for part in buffer.splitlines()
    ):
        raise StoreError(f"迁移脚本末尾有不完整的语句：{buffer.strip()[:80]}")
    return statements


def _keys(pks: Collection[int]) -> str:
    """Subject keys as the JSON array the explore queries read with ``json_each``, each once, ascending."""
    return json.dumps(sorted({int(pk) for pk in pks}))


def _stage_columns(create: str) -> list[str]:
    inside = create[create.index("(") + 1 : create.rindex(")")]
    return [part.strip().split()[0] for part in inside.split(",")]


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _stamp(moment: dt.datetime) -> str:
    """A moment as the store's UTC text (comparable as text with :func:`_now`)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _dispatch(row: Sequence[Any]) -> DispatchRecord:
    return DispatchRecord(
        pk=row[0],
        run_pk=row[1],
        department=row[2],
        action=row[3],
        reason=row[4],
        recall=bool(row[5]),
        entry_id=row[6],
        measure_id=row[7],
        payload=json.loads(row[8]),
        created_at=row[9],
        created_on=_required_date(row[10]),
        due_on=_required_date(row[11]),
        recalled_by=row[12],
        outcome=row[13],
        acknowledged=bool(row[14]),
    )
