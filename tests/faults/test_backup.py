"""``credlink backup`` while the service serves and writes, and ``credlink restore``: real processes, real files.

A writer answers dispatches one after another through the served API (each answer one committed write, in a
known order) while ``credlink backup`` copies the store. A consistent snapshot holds exactly a prefix of that
order — every answer acknowledged before the backup started, none written after it ended, and no gap — and
restoring it gives back exactly its content.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from api.cli import main
from api.cli_backup import companion_backup, companion_files, open_elsewhere
from api.settings import Settings, get_settings
from graph.errors import InvalidRequest
from graph.store.neo4j import Neo4jStore
from tests.faults.harness import credlink, dump, integrity, request, served

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small sample city, loaded, propagated and dispatched (~500 dispatches to answer)."""
    folder = tmp_path_factory.mktemp("backup-city")
    db = folder / "credlink.db"
    credlink(db, "sample", "--enterprises", "2000", "--out", str(folder / "city"))
    credlink(db, "load", str(folder / "city"))
    return db


def _copy(source: Path, target: Path) -> Path:
    conn, copy = sqlite3.connect(source), sqlite3.connect(target)
    conn.backup(copy)
    copy.close()
    conn.close()
    return target


def _dispatches(db: Path) -> list[tuple[int, str]]:
    conn = sqlite3.connect(db)
    try:
        return [
            (int(pk), str(department))
            for pk, department in conn.execute("SELECT pk, department FROM dispatches ORDER BY pk")
        ]
    finally:
        conn.close()


def _answered(db: Path) -> list[int]:
    conn = sqlite3.connect(db)
    try:
        return [int(row[0]) for row in conn.execute("SELECT dispatch_pk FROM dispatch_feedback ORDER BY pk")]
    finally:
        conn.close()


class Writer(threading.Thread):
    """Answers the dispatches in order through the API, over and over (feedback is appended), until stopped;
    ``acknowledged`` is how many answers the server confirmed."""

    def __init__(self, base: str, dispatches: list[tuple[int, str]]) -> None:
        super().__init__(daemon=True)
        self.base, self.dispatches = base, dispatches
        self.acknowledged = 0
        self.failures: list[tuple[int, object]] = []
        self.stop = threading.Event()

    def sequence(self, count: int) -> list[int]:
        """The dispatch answered by each of the first ``count`` writes (the dispatches over and over)."""
        return [self.dispatches[number % len(self.dispatches)][0] for number in range(count)]

    def run(self) -> None:
        number = 0
        while not self.stop.is_set():
            pk, department = self.dispatches[number % len(self.dispatches)]
            number += 1
            status, body = request(
                "POST",
                f"{self.base}/v1/dispatches/{pk}/feedback",
                {"department": department, "outcome": "applied", "actor": "备份测试"},
            )
            if status != 201:
                self.failures.append((status, body))
                return
            self.acknowledged += 1


def test_backup_while_serving_and_writing_is_a_consistent_snapshot_and_restores_exactly(
    loaded: Path, tmp_path: Path
) -> None:
    db = _copy(loaded, tmp_path / "live.db")
    order = _dispatches(db)
    snapshots: list[tuple[Path, int, int]] = []
    with served(db) as base:
        writer = Writer(base, order)
        writer.start()
        while writer.acknowledged < 20 and writer.is_alive():
            time.sleep(0.01)
        for number in range(3):
            target = tmp_path / f"backup-{number}.db"
            acknowledged_before = writer.acknowledged
            done = credlink(db, "backup", str(target))
            snapshots.append((target, acknowledged_before, writer.acknowledged))
            assert "完整性检查通过" in done.stdout
            time.sleep(0.2)
        writer.stop.set()
        writer.join(30)
        assert writer.failures == []
    written = writer.sequence(writer.acknowledged)
    assert _answered(db) == written

    for target, acknowledged_before, acknowledged_after in snapshots:
        assert integrity(target) == ["ok"]
        assert not target.with_name(f"{target.name}-wal").exists()  # one self-contained file
        held = _answered(target)
        # A prefix of the writes, covering all acknowledged before the backup began: one instant's state.
        assert held == written[: len(held)]
        assert acknowledged_before <= len(held) <= acknowledged_after + 1
    assert len({len(_answered(target)) for target, _b, _a in snapshots}) > 1  # the writes went on meanwhile

    chosen = snapshots[1][0]
    restored = tmp_path / "restored.db"
    credlink(restored, "restore", str(chosen))
    assert integrity(restored) == ["ok"]
    assert dump(restored) == dump(chosen)
    # Over the live store (the server stopped): back to the snapshot, later writes gone as asked.
    credlink(db, "restore", str(chosen))
    assert dump(db) == dump(chosen)
    conn = sqlite3.connect(db)
    person = conn.execute("SELECT code FROM subjects WHERE subject_type = 'person' LIMIT 1").fetchone()[0]
    conn.close()
    assert "结论" in credlink(db, "check", person).stdout  # a working store


def test_restore_refuses_a_store_a_server_has_open_unless_forced(loaded: Path, tmp_path: Path) -> None:
    db = _copy(loaded, tmp_path / "live.db")
    backup = tmp_path / "backup.db"
    credlink(db, "backup", str(backup))
    order = _dispatches(db)
    with served(db) as base:
        pk, department = order[0]
        status, _body = request(
            "POST",
            f"{base}/v1/dispatches/{pk}/feedback",
            {"department": department, "outcome": "applied", "actor": "x"},
        )
        assert status == 201
        assert open_elsewhere(db)
        refused = credlink(db, "restore", str(backup), check=False)
        assert refused.returncode == 1
        assert "正被其他进程打开" in refused.stderr
        assert "--force" in refused.stderr
        assert _answered(db) == [pk]  # untouched

        forced = credlink(db, "restore", "--force", str(backup))
        assert "已恢复" in forced.stdout
        assert _answered(db) == []
        status, body = request("GET", f"{base}/v1/dispatches/{pk}")
        assert status == 200
        assert body["feedback"] == []  # the running server reads the restored store
    assert not open_elsewhere(db)
    assert integrity(db) == ["ok"]


def test_restore_checks_the_backup_before_touching_the_store(loaded: Path, tmp_path: Path) -> None:
    db = _copy(loaded, tmp_path / "live.db")
    before = dump(db)
    damaged = _copy(loaded, tmp_path / "damaged.db")
    with damaged.open("r+b") as handle:
        size = handle.seek(0, 2)
        handle.seek(size // 2)
        handle.write(b"\xff" * 8192)
    refused = credlink(db, "restore", str(damaged), check=False)
    assert refused.returncode == 1
    assert "未恢复" in refused.stderr or "不是可读的" in refused.stderr
    assert dump(db) == before

    foreign = tmp_path / "foreign.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE notes (text TEXT)")
    conn.commit()
    conn.close()
    refused = credlink(db, "restore", str(foreign), check=False)
    assert refused.returncode == 1
    assert "不是 credlink 数据库" in refused.stderr
    missing = credlink(db, "restore", str(tmp_path / "nothing.db"), check=False)
    assert missing.returncode == 1
    assert "不存在" in missing.stderr
    assert dump(db) == before


def test_companion_sqlite_files_go_with_the_store(loaded: Path, tmp_path: Path) -> None:
    db = _copy(loaded, tmp_path / "live.db")
    access = tmp_path / "credlink-access.db"
    conn = sqlite3.connect(access)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE audit (pk INTEGER PRIMARY KEY, what TEXT)")
    conn.executemany("INSERT INTO audit (what) VALUES (?)", [("登录",), ("核查",)])
    conn.commit()
    conn.close()
    backup = tmp_path / "nightly.db"
    done = credlink(db, "backup", str(backup), "--with", str(access))
    copy = companion_backup(backup, access)
    assert copy == tmp_path / "nightly.db.credlink-access.db"
    assert str(copy) in done.stdout
    assert integrity(copy) == ["ok"]

    conn = sqlite3.connect(access)
    conn.execute("INSERT INTO audit (what) VALUES ('之后')")
    conn.commit()
    conn.close()
    credlink(db, "restore", str(backup), "--with", str(access))
    conn = sqlite3.connect(access)
    assert [row[0] for row in conn.execute("SELECT what FROM audit ORDER BY pk")] == ["登录", "核查"]
    conn.close()

    # Asked for by name but not in the backup: nothing is restored at all.
    other = tmp_path / "other.db"
    sqlite3.connect(other).close()
    refused = credlink(db, "restore", str(backup), "--with", str(other), check=False)
    assert refused.returncode == 1
    assert "备份中没有" in refused.stderr


def test_the_access_store_goes_with_the_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Backup and restore carry the access store (users, keys, the audit log) beside the store, or the file
    CREDLINK_ACCESS_DB names."""
    assert companion_files(Settings(), tmp_path / "credlink.db") == [tmp_path / "credlink-access.db"]
    monkeypatch.setenv("CREDLINK_ACCESS_DB", str(tmp_path / "elsewhere" / "access.db"))
    assert companion_files(Settings(), tmp_path / "credlink.db") == [tmp_path / "elsewhere" / "access.db"]


def test_neo4j_refuses_backup_and_restore_naming_its_own_tool(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    unconnected = Neo4jStore.__new__(Neo4jStore)  # the refusal needs no server
    with pytest.raises(InvalidRequest, match="neo4j-admin database dump"):
        unconnected.backup_to(tmp_path / "backup.db")
    monkeypatch.setenv("CREDLINK_STORE", "neo4j")
    get_settings.cache_clear()
    try:
        assert main(["restore", str(tmp_path / "backup.db")]) == 1
    finally:
        get_settings.cache_clear()
    assert "neo4j-admin database load" in capsys.readouterr().err
