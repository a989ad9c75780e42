"""The hash-chained audit log (``api/audit.py``) and ``credlink audit verify``/``list``: records chain, group
commit keeps every record, and each kind of tampering done to the SQLite file directly is found."""

from __future__ import annotations

import itertools
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from api.audit import GENESIS, AuditLog, record_hash
from api.cli import main
from api.principal import Principal, Role

INVESTIGATOR = Principal(actor="user:inv", role=Role.INVESTIGATOR)
ADMIN = Principal(actor="user:admin", role=Role.CREDIT_ADMIN)
PERSON = "320402198001012018"


def _fill(path: Path, count: int = 6) -> None:
    log = AuditLog(path)
    try:
        for n in range(count):
            log.record(
                INVESTIGATOR if n % 2 else ADMIN,
                "GET /v1/subjects/{subject_id}",
                f"/v1/subjects/{PERSON}?n={n}",
                purpose="案件核查" if n % 2 else None,
                result=200,
                whom=[PERSON],
            )
    finally:
        log.close()


def _tamper(path: Path, *statements: str) -> None:
    """Edit the file as an intruder would: around the append-only triggers."""
    connection = sqlite3.connect(path)
    try:
        connection.execute("DROP TRIGGER audit_log_no_update")
        connection.execute("DROP TRIGGER audit_log_no_delete")
        for statement in statements:
            connection.execute(statement)
        connection.commit()
    finally:
        connection.close()


def _verify(path: Path) -> tuple[bool, int | None, str | None]:
    log = AuditLog(path, writer=False)
    try:
        result = log.verify()
    finally:
        log.close()
    return result.ok, result.broken_seq, result.problem


@pytest.fixture
def log_file(tmp_path: Path) -> Path:
    path = tmp_path / "credlink-access.db"
    _fill(path)
    return path


def test_records_chain_from_genesis(log_file: Path) -> None:
    log = AuditLog(log_file, writer=False)
    try:
        records = log.query()
        head = log.head()
    finally:
        log.close()
    assert [record.seq for record in records] == [1, 2, 3, 4, 5, 6]
    assert records[0].prev == GENESIS
    for before, after in itertools.pairwise(records):
        assert after.prev == before.hash
    assert all(record_hash(record) == record.hash for record in records)
    assert head == (6, records[-1].hash)
    assert (records[1].actor, records[1].role, records[1].purpose, records[1].whom) == (
        "user:inv",
        "investigator",
        "案件核查",
        (PERSON,),
    )
    assert _verify(log_file) == (True, None, None)


def test_the_log_refuses_update_and_delete(log_file: Path) -> None:
    connection = sqlite3.connect(log_file)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            connection.execute("UPDATE audit_log SET result = '403' WHERE seq = 2")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            connection.execute("DELETE FROM audit_log WHERE seq = 6")
    finally:
        connection.close()


def test_a_changed_record_is_found(log_file: Path) -> None:
    _tamper(log_file, "UPDATE audit_log SET actor = 'user:someone-else' WHERE seq = 3")
    assert _verify(log_file) == (False, 3, "changed")


def test_a_changed_and_rehashed_record_is_found_by_the_next_link(log_file: Path) -> None:
    log = AuditLog(log_file, writer=False)
    try:
        third = log.query(after=2, limit=1)[0]
    finally:
        log.close()
    from dataclasses import replace

    forged = replace(third, purpose="伪造的目的")
    _tamper(
        log_file,
        f"UPDATE audit_log SET purpose = '伪造的目的', hash = '{record_hash(forged)}' WHERE seq = 3",
    )
    assert _verify(log_file) == (False, 4, "broken_link")


def test_a_deleted_record_is_found(log_file: Path) -> None:
    _tamper(log_file, "DELETE FROM audit_log WHERE seq = 4")
    assert _verify(log_file) == (False, 5, "deleted")


def test_a_deleted_and_renumbered_record_is_found(log_file: Path) -> None:
    _tamper(
        log_file,
        "DELETE FROM audit_log WHERE seq = 4",
        "UPDATE audit_log SET seq = seq - 1 WHERE seq > 4",
        "UPDATE audit_head SET seq = 5",
    )
    assert _verify(log_file) == (False, 4, "broken_link")


def test_reordered_records_are_found(log_file: Path) -> None:
    _tamper(
        log_file,
        "UPDATE audit_log SET seq = 100 WHERE seq = 2",
        "UPDATE audit_log SET seq = 2 WHERE seq = 3",
        "UPDATE audit_log SET seq = 3 WHERE seq = 100",
    )
    assert _verify(log_file) == (False, 2, "reordered")


def test_a_truncated_tail_is_found(log_file: Path) -> None:
    _tamper(log_file, "DELETE FROM audit_log WHERE seq >= 5")
    assert _verify(log_file) == (False, 5, "truncated")


def test_a_missing_head_is_found(log_file: Path) -> None:
    _tamper(log_file, "DELETE FROM audit_head")
    assert _verify(log_file)[2] == "head_missing"


def test_group_commit_keeps_every_record_from_many_threads(tmp_path: Path) -> None:
    path = tmp_path / "access.db"
    log = AuditLog(path, flush_seconds=0.01)
    try:

        def burst(n: int) -> None:
            for i in range(200):
                log.record(ADMIN, "GET /x", f"/x/{n}/{i}", purpose=None, result=200)

        threads = [threading.Thread(target=burst, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        log.flush()
        assert len(log.query(limit=1000)) + len(log.query(after=1000, limit=1000)) == 1600
    finally:
        log.close()
    assert _verify(path) == (True, None, None)


def test_two_writers_on_one_file_keep_one_chain(tmp_path: Path) -> None:
    """Two uvicorn workers are two processes with their own writer on the same file."""
    path = tmp_path / "access.db"
    first, second = AuditLog(path, flush_seconds=0.001), AuditLog(path, flush_seconds=0.001)
    try:
        for i in range(50):
            (first if i % 2 else second).record(ADMIN, "GET /x", f"/x/{i}", purpose=None, result=200)
            if i % 7 == 0:
                first.flush()
                second.flush()
    finally:
        first.close()
        second.close()
    ok, _, _ = _verify(path)
    assert ok
    log = AuditLog(path, writer=False)
    try:
        assert log.head() is not None
        assert log.head()[0] == 50  # type: ignore[index]
    finally:
        log.close()


def test_a_synchronous_record_is_committed_when_record_returns(tmp_path: Path) -> None:
    path = tmp_path / "access.db"
    log = AuditLog(path, flush_seconds=30.0)
    try:
        log.record(ADMIN, "POST /v1/jobs/run", "/v1/jobs/run", purpose=None, result=200, sync=True)
        connection = sqlite3.connect(path)
        try:
            assert connection.execute("SELECT count(*) FROM audit_log").fetchone() == (1,)
        finally:
            connection.close()
    finally:
        log.close()


def test_query_filters(log_file: Path) -> None:
    log = AuditLog(log_file, writer=False)
    try:
        everything = log.query()
        assert [r.seq for r in log.query(actor="user:inv")] == [2, 4, 6]
        assert len(log.query(whom=PERSON)) == 6
        assert log.query(whom="320402198001012026") == []
        assert len(log.query(action="GET /v1/subjects")) == 6
        assert log.query(action="POST") == []
        assert [r.seq for r in log.query(since=everything[2].at, until=everything[4].at)] == [3, 4]
        assert [r.seq for r in log.query(after=2, limit=2)] == [3, 4]
    finally:
        log.close()


def test_cli_verify_and_list(log_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", "verify", "--access-db", str(log_file)]) == 0
    out = capsys.readouterr().out
    assert "审计日志完整：6 条记录" in out
    head = out.split()[-1]
    assert main(["audit", "verify", "--access-db", str(log_file), "--head", head]) == 0
    assert main(["audit", "verify", "--access-db", str(log_file), "--head", "0" * 64]) == 1
    assert "链头" in capsys.readouterr().err
    assert main(["audit", "list", "--access-db", str(log_file), "--actor", "user:inv"]) == 0
    listed = capsys.readouterr()
    assert listed.out.count("\n") == 3
    assert "目的=案件核查" in listed.out
    _tamper(log_file, "DELETE FROM audit_log WHERE seq = 2")
    assert main(["audit", "verify", "--access-db", str(log_file)]) == 1
    err = capsys.readouterr().err
    assert "第 3 条记录" in err
    assert "删除" in err


def test_cli_verify_on_a_missing_file_says_so(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", "verify", "--access-db", str(tmp_path / "none.db")]) == 1
    assert "不存在" in capsys.readouterr().err
    assert not (tmp_path / "none.db").exists()


_KILLED_WRITER = """
import os, signal, sys
from api.audit import AuditLog
from api.principal import Principal, Role
log = AuditLog(sys.argv[1], flush_seconds=60.0)
who = Principal(actor="user:admin", role=Role.CREDIT_ADMIN)
for n in range(5):
    log.record(who, "GET /x", f"/x/{n}", purpose=None, result=200)
log.record(who, "POST /v1/jobs/run", "/v1/jobs/run", purpose=None, result=200, sync=True)
for n in range(5, 8):
    log.record(who, "GET /x", f"/x/{n}", purpose=None, result=200)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_kill_9_loses_at_most_the_reads_queued_after_the_last_commit(tmp_path: Path) -> None:
    """A write returns once committed, with every read queued before it; the reads queued after it are
    lost by a kill -9 within the commit window, and the chain is whole."""
    path = tmp_path / "access.db"
    done = subprocess.run([sys.executable, "-c", _KILLED_WRITER, str(path)], check=False, timeout=60)
    assert done.returncode == -9
    log = AuditLog(path, writer=False)
    try:
        targets = [record.target for record in log.query()]
    finally:
        log.close()
    assert targets == [f"/x/{n}" for n in range(5)] + ["/v1/jobs/run"]
    assert _verify(path) == (True, None, None)
