"""The audit log (R10, §七(三)): who read whose personal data and who wrote what, append-only and hash-chained.

One table, ``audit_log``, in the access store file (``CREDLINK_ACCESS_DB``, WAL), beside the users and API keys
of :mod:`api.access_store` but owned by this module. Each record holds who (actor and role), when (UTC),
what (the action: method and route), the target (the path asked for), whom (the person id numbers the
response or the write concerned), the stated purpose and the result (the HTTP status), and the SHA-256 of the
previous record's canonical bytes; ``audit_head`` keeps the last record's number and hash so that a cut-off
tail is detected too. Triggers refuse ``UPDATE`` and ``DELETE`` on the log; :meth:`AuditLog.verify` finds
what a writer who goes around them (editing the file) did: a changed, deleted or reordered record or a
truncated tail.

Writes to the file are grouped: :meth:`AuditLog.record` puts the record on an in-memory queue (a few
microseconds, the check path does not wait) and a writer thread commits what has queued at most every
``flush_seconds`` in one transaction. ``record(..., sync=True)`` waits until its record is committed — used
for writes, so that a write answered is a write recorded. See docs/audit.md for what a ``kill -9`` can lose.

Several processes (uvicorn workers) may share one file: each batch is chained onto the head read inside the
same ``BEGIN IMMEDIATE`` transaction, so the chain stays one sequence whichever process writes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import orjson

from api.principal import Principal

if TYPE_CHECKING:
    from api.settings import Settings

#: The ``prev`` of the first record.
GENESIS = "0" * 64
#: How long the writer thread lets records gather before one commit (group commit).
FLUSH_SECONDS = 0.05
#: The most records :meth:`AuditLog.query` returns in one page.
MAX_PAGE = 1000

SCHEMA = """
CREATE TABLE IF NOT EXISTS audit_log (
    seq      INTEGER PRIMARY KEY,
    at       TEXT NOT NULL,
    actor    TEXT NOT NULL,
    role     TEXT NOT NULL,
    action   TEXT NOT NULL,
    target   TEXT NOT NULL,
    whom     TEXT NOT NULL,
    purpose  TEXT,
    result   TEXT NOT NULL,
    prev     TEXT NOT NULL,
    hash     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log(at);
CREATE INDEX IF NOT EXISTS audit_log_actor ON audit_log(actor, seq);
CREATE TABLE IF NOT EXISTS audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT NOT NULL
);
CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
"""


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One line of the log. ``whom`` lists person id numbers; ``result`` is the HTTP status (or a word)."""

    seq: int
    at: str
    actor: str
    role: str
    action: str
    target: str
    whom: tuple[str, ...]
    purpose: str | None
    result: str
    prev: str
    hash: str

    def as_dict(self) -> dict[str, object]:
        return {
            "seq": self.seq,
            "at": self.at,
            "actor": self.actor,
            "role": self.role,
            "action": self.action,
            "target": self.target,
            "whom": list(self.whom),
            "purpose": self.purpose,
            "result": self.result,
            "prev": self.prev,
            "hash": self.hash,
        }


def canonical_bytes(
    *,
    at: str,
    actor: str,
    role: str,
    action: str,
    target: str,
    whom: Sequence[str],
    purpose: str | None,
    result: str,
    prev: str,
) -> bytes:
    """What a record's hash covers: every field but its number and its own hash, as sorted-key compact JSON
    in UTF-8 (orjson: characters unescaped, control characters as ``\\u00XX``). The number is left out on purpose: order is what the ``prev`` links say, so that a reordering
    is told apart from a change."""
    fields = {
        "at": at,
        "actor": actor,
        "role": role,
        "action": action,
        "target": target,
        "whom": list(whom),
        "purpose": purpose,
        "result": result,
        "prev": prev,
    }
    return orjson.dumps(fields, option=orjson.OPT_SORT_KEYS)


def record_hash(record: AuditRecord) -> str:
    return hashlib.sha256(
        canonical_bytes(
            at=record.at,
            actor=record.actor,
            role=record.role,
            action=record.action,
            target=record.target,
            whom=record.whom,
            purpose=record.purpose,
            result=record.result,
            prev=record.prev,
        )
    ).hexdigest()


Problem = Literal["changed", "broken_link", "deleted", "reordered", "truncated", "head_missing"]

#: What each problem means, in Chinese, for ``credlink audit verify``.
PROBLEM_TEXT: dict[str, str] = {
    "changed": "记录内容被修改（哈希与内容不符，或下一条记录所存的前一哈希与之不符）",
    "broken_link": "记录所指向的前一条记录不在日志中（前一条记录被修改并重算哈希，或其间的记录被删除后重新编号）",
    "deleted": "记录被删除（链中缺少前一条记录）",
    "reordered": "记录顺序被调换（所指向的前一条记录出现在其后）",
    "truncated": "日志尾部被截断（链头记录的最后一条不在日志中）",
    "head_missing": "链头记录缺失（无法判断尾部是否被截断）",
}


@dataclass(frozen=True, slots=True)
class VerifyResult:
    """The outcome of :meth:`AuditLog.verify`: ``ok``, how many records were checked, the head, and the
    first broken record (its number) and why."""

    ok: bool
    records: int
    head_seq: int
    head_hash: str
    broken_seq: int | None = None
    problem: Problem | None = None
    detail: str = ""


@dataclass(slots=True)
class _Pending:
    at: str
    actor: str
    role: str
    action: str
    target: str
    whom: tuple[str, ...]
    purpose: str | None
    result: str
    done: threading.Event | None = None


@dataclass(slots=True)
class _Queue:
    items: list[_Pending] = field(default_factory=list)
    urgent: bool = False


def _connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=10.0, isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute("PRAGMA busy_timeout=10000")
    return connection


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


class AuditLog:
    """The audit log in the SQLite file ``path`` (created if missing; the table too).

    ``record`` is thread-safe and cheap; a writer thread (none when ``writer`` is false: a reader such as
    ``credlink audit verify``, which also leaves the schema as it finds it) commits queued records every ``flush_seconds``
    (group commit). ``flush`` waits until everything queued so far is committed; ``close`` flushes and stops
    the writer. ``verify`` and ``query`` read the file as it is committed.
    """

    def __init__(
        self, path: Path | str, *, flush_seconds: float = FLUSH_SECONDS, writer: bool = True
    ) -> None:
        self.path = Path(path)
        self.flush_seconds = flush_seconds
        self._write = _connect(self.path)
        self._write.executescript(SCHEMA)
        self._read_lock = threading.Lock()
        self._read = _connect(self.path)
        self._queue = _Queue()
        self._cond = threading.Condition()
        self._closing = False
        self._failed: BaseException | None = None
        self._thread: threading.Thread | None = None
        if writer:
            self._thread = threading.Thread(target=self._run, name="credlink-audit", daemon=True)
            self._thread.start()

    # -- writing -------------------------------------------------------------------------------------------

    def record(
        self,
        principal: Principal,
        action: str,
        target: str,
        *,
        purpose: str | None,
        result: str | int,
        whom: Iterable[str] = (),
        sync: bool = False,
    ) -> None:
        """Append one record: ``principal`` did ``action`` on ``target`` concerning ``whom`` for ``purpose``
        with ``result``. Returns at once, unless ``sync``: then returns once the record is committed."""
        pending = _Pending(
            at=_now(),
            actor=principal.actor,
            role=principal.role.value,
            action=action,
            target=target,
            whom=tuple(sorted(set(whom))),
            purpose=purpose,
            result=str(result),
            done=threading.Event() if sync else None,
        )
        with self._cond:
            if self._closing:
                raise RuntimeError("audit log is closed")
            self._queue.items.append(pending)
            if sync:
                self._queue.urgent = True
                self._cond.notify_all()
            elif len(self._queue.items) == 1:
                self._cond.notify_all()
        if pending.done is not None:
            if self._thread is None:
                self.flush()
            else:
                pending.done.wait()
            if self._failed is not None:
                raise RuntimeError("audit log write failed") from self._failed

    def flush(self) -> None:
        """Commit everything queued so far (waits for the writer thread, or writes here without one)."""
        if self._thread is None:
            with self._cond:
                batch, self._queue = self._queue.items, _Queue()
            self._commit(batch)
            return
        marker = threading.Event()
        with self._cond:
            if not self._queue.items:
                return
            self._queue.items[-1].done = self._queue.items[-1].done or marker
            target = self._queue.items[-1].done
            self._queue.urgent = True
            self._cond.notify_all()
        assert target is not None
        target.wait()

    def close(self) -> None:
        """Flush what is queued, stop the writer thread and close the file."""
        with self._cond:
            if self._closing:
                return
            self._closing = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join()
        else:
            self.flush()
        self._write.close()
        self._read.close()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._queue.items and not self._closing:
                    self._cond.wait()
                if not self._queue.urgent and not self._closing:
                    # Let records gather for one commit; a synchronous record or close cuts the wait short.
                    self._cond.wait_for(
                        lambda: self._queue.urgent or self._closing, timeout=self.flush_seconds
                    )
                batch, self._queue = self._queue.items, _Queue()
                closing = self._closing
            try:
                self._commit(batch)
            except BaseException as exc:
                self._failed = exc
            finally:
                for pending in batch:
                    if pending.done is not None:
                        pending.done.set()
            if closing:
                with self._cond:
                    if not self._queue.items:
                        return

    def _commit(self, batch: Sequence[_Pending]) -> None:
        if not batch:
            return
        connection = self._write
        connection.execute("BEGIN IMMEDIATE")
        try:
            head = connection.execute("SELECT seq, hash FROM audit_head WHERE id = 1").fetchone()
            seq, prev = (int(head[0]), str(head[1])) if head else (0, GENESIS)
            rows = []
            for pending in batch:
                seq += 1
                digest = hashlib.sha256(
                    canonical_bytes(
                        at=pending.at,
                        actor=pending.actor,
                        role=pending.role,
                        action=pending.action,
                        target=pending.target,
                        whom=pending.whom,
                        purpose=pending.purpose,
                        result=pending.result,
                        prev=prev,
                    )
                ).hexdigest()
                rows.append(
                    (
                        seq,
                        pending.at,
                        pending.actor,
                        pending.role,
                        pending.action,
                        pending.target,
                        orjson.dumps(pending.whom).decode(),
                        pending.purpose,
                        pending.result,
                        prev,
                        digest,
                    )
                )
                prev = digest
            connection.executemany("INSERT INTO audit_log VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
            connection.execute(
                "INSERT INTO audit_head(id, seq, hash) VALUES (1, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash",
                (seq, prev),
            )
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise

    # -- reading -------------------------------------------------------------------------------------------

    def _rows(self, sql: str, params: Sequence[object] = ()) -> list[AuditRecord]:
        with self._read_lock:
            rows = self._read.execute(sql, params).fetchall()
        return [_record(row) for row in rows]

    def head(self) -> tuple[int, str] | None:
        with self._read_lock:
            row = self._read.execute("SELECT seq, hash FROM audit_head WHERE id = 1").fetchone()
        return (int(row[0]), str(row[1])) if row else None

    def seq_of(self, digest: str) -> int | None:
        """The number of the record whose hash is ``digest``, if the log holds it."""
        with self._read_lock:
            row = self._read.execute("SELECT seq FROM audit_log WHERE hash = ?", (digest,)).fetchone()
        return int(row[0]) if row else None

    def query(
        self,
        *,
        actor: str | None = None,
        whom: str | None = None,
        action: str | None = None,
        since: str | None = None,
        until: str | None = None,
        after: int = 0,
        limit: int = 100,
    ) -> list[AuditRecord]:
        """Records in order, filtered: ``actor`` exactly, ``whom`` (one id number among the record's),
        ``action`` as a prefix, ``since`` ≤ ``at`` < ``until`` (ISO timestamps or dates, UTC), and numbered
        after ``after`` (the paging cursor: the last ``seq`` of the previous page)."""
        clauses = ["seq > ?"]
        params: list[object] = [after]
        if actor:
            clauses.append("actor = ?")
            params.append(actor)
        if whom:
            clauses.append("instr(whom, ?) > 0")
            params.append(json.dumps(whom))
        if action:
            clauses.append("substr(action, 1, ?) = ?")
            params.extend([len(action), action])
        if since:
            clauses.append("at >= ?")
            params.append(since)
        if until:
            clauses.append("at < ?")
            params.append(until)
        params.append(max(1, min(limit, MAX_PAGE)))
        return self._rows(
            f"SELECT * FROM audit_log WHERE {' AND '.join(clauses)} ORDER BY seq LIMIT ?",
            params,
        )

    def verify(self) -> VerifyResult:
        """Walk the chain from the first record; report the first broken record and why."""
        records = self._rows("SELECT * FROM audit_log ORDER BY seq")
        head = self.head()
        return verify_records(records, head)


def verify_records(records: Sequence[AuditRecord], head: tuple[int, str] | None) -> VerifyResult:
    """The check behind :meth:`AuditLog.verify`, on records in ``seq`` order and the stored head."""
    head_seq, head_hash = head if head else (0, GENESIS)
    position_of = {record.hash: index for index, record in enumerate(records)}

    def broken(index: int, problem: Problem, detail: str) -> VerifyResult:
        return VerifyResult(False, len(records), head_seq, head_hash, records[index].seq, problem, detail)

    expected_prev = GENESIS
    expected_seq = 1
    for index, record in enumerate(records):
        if record_hash(record) != record.hash:
            return broken(index, "changed", "hash does not match the record's content")
        if record.prev != expected_prev:
            linked = position_of.get(record.prev)
            if linked is not None and linked > index:
                return broken(
                    index, "reordered", f"its previous record is stored later, as #{records[linked].seq}"
                )
            if record.seq != expected_seq:
                return broken(index, "deleted", f"record #{expected_seq} is missing")
            if linked is None and index > 0:
                # The record before it is in its place but is not the one this record followed: it was
                # rewritten and re-hashed, or records between them were deleted and the rest renumbered.
                return broken(index, "broken_link", f"it does not follow #{records[index - 1].seq}")
            return broken(index, "deleted", "the record it follows is missing")
        if record.seq != expected_seq:
            return broken(index, "reordered", f"numbered #{record.seq} where #{expected_seq} was expected")
        expected_prev = record.hash
        expected_seq += 1
    last_seq = records[-1].seq if records else 0
    if head is None:
        if records:
            return VerifyResult(
                False, len(records), 0, GENESIS, last_seq, "head_missing", "no audit_head row"
            )
        return VerifyResult(True, 0, 0, GENESIS)
    if last_seq != head_seq or expected_prev != head_hash:
        return VerifyResult(
            False,
            len(records),
            head_seq,
            head_hash,
            last_seq + 1,
            "truncated",
            f"the head names #{head_seq}; the log ends at #{last_seq}",
        )
    return VerifyResult(True, len(records), head_seq, head_hash)


def _record(row: Sequence[object]) -> AuditRecord:
    whom = json.loads(str(row[6]))
    return AuditRecord(
        seq=int(str(row[0])),
        at=str(row[1]),
        actor=str(row[2]),
        role=str(row[3]),
        action=str(row[4]),
        target=str(row[5]),
        whom=tuple(str(item) for item in whom),
        purpose=None if row[7] is None else str(row[7]),
        result=str(row[8]),
        prev=str(row[9]),
        hash=str(row[10]),
    )


def access_db_path(settings: Settings) -> Path:
    """The access store file (``CREDLINK_ACCESS_DB``, else ``credlink-access.db`` beside the store file): the
    one :meth:`api.settings.Settings.access_path` names, where users and keys live too."""
    return settings.access_path()
