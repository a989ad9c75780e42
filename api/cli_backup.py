"""``credlink backup FILE`` and ``credlink restore FILE``: the embedded store, copied while it serves.

**Backup** copies the SQLite store with SQLite's online backup API (:func:`graph.store.sqlite.backup_database`):
one consistent snapshot, taken while ``credlink serve`` answers and writes (WAL readers do not block writers),
checked with ``PRAGMA integrity_check`` and renamed into place only when complete. The SQLite files that belong
with the store (:func:`companion_files`: the access store once it exists, plus any ``--with FILE``) are copied
the same way, each beside the backup as ``FILE.<its name>``: ``nightly.db`` and ``nightly.db.credlink-access.db``.
Each file is its own snapshot (SQLite cannot snapshot two files at one instant); the access store only grows
(users, keys, an append-only audit log), so a backup holds everything up to the moment it was taken.

**Restore** checks the backup first (integrity, a credlink store of a schema this program knows) and refuses to
overwrite a store that a process has open (a server, a running load: SQLite's shared-memory lock on the
``-wal`` index tells, even across processes) unless ``--force``. It writes through SQLite's backup API into the
target, in one transaction — never by copying files over a database that may have a ``-wal`` of its own.

**Neo4j**: refused, explicitly — a Neo4j database is dumped and loaded by the server's own tool
(``neo4j-admin database dump`` / ``load``), see the README, "Backup and restore".
"""

from __future__ import annotations

import argparse
import fcntl
import os
import sqlite3
from pathlib import Path

from api.cli_common import _opened, _progress
from api.settings import Settings, get_settings
from graph.errors import InvalidRequest, NotFound, StoreError

#: Byte of the ``-shm`` file on which every SQLite connection in WAL mode holds a shared lock while it is open
#: (SQLite's "dead man switch", ``UNIX_SHM_DMS`` in ``os_unix.c``): an exclusive lock on it fails while any
#: other process has the database open.
SHM_DMS_BYTE = 128

NEO4J_RESTORE = (
    "Neo4j 存储不由 credlink restore 恢复：请在 Neo4j 服务器上使用 neo4j-admin database load（由 "
    "neo4j-admin database dump 生成的转储）或企业版的 neo4j-admin database restore；"
    "详见 README“备份与恢复 Backup and restore”"
)


def companion_files(settings: Settings, db: Path) -> list[Path]:
    """The SQLite files backed up and restored together with the store ``db``: the access store (users, API
    keys, the audit log; ``CREDLINK_ACCESS_DB``, default ``credlink-access.db`` beside the store). A companion
    that does not exist yet is skipped by ``backup`` (nothing to lose) and by ``restore`` when the backup has
    none."""
    return [settings.model_copy(update={"db": db}).access_path()]


def companion_backup(backup: Path, companion: Path) -> Path:
    """Where the copy of ``companion`` lives beside the backup file ``backup``."""
    return backup.with_name(f"{backup.name}.{companion.name}")


def open_elsewhere(db: Path) -> bool:
    """Whether another process has the SQLite file ``db`` open in WAL mode (every credlink process does).

    Probes the shared lock every WAL connection holds on one byte of ``db-shm`` (:data:`SHM_DMS_BYTE`).
    Must not be called while this process has ``db`` open: POSIX locks are per process, so releasing the probe's
    lock would release SQLite's own. A process killed with ``kill -9`` holds no lock: its store counts as closed.
    """
    shm = db.with_name(f"{db.name}-shm")
    if not shm.exists():
        return False
    descriptor = os.open(shm, os.O_RDWR)
    try:
        try:
            fcntl.lockf(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, SHM_DMS_BYTE)
        except OSError:
            return True
        fcntl.lockf(descriptor, fcntl.LOCK_UN, 1, SHM_DMS_BYTE)
        return False
    finally:
        os.close(descriptor)


def verify_backup(path: Path, *, store: bool) -> int:
    """Check a backup file before it is swapped in: ``PRAGMA integrity_check`` must say ok and, for the store,
    it must be a credlink store of a schema this program knows. Returns its schema version (``user_version``)."""
    from graph.store.sqlite import SCHEMA_VERSION

    if not path.is_file():
        raise NotFound(f"备份文件 {path} 不存在")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
        try:
            problems = [str(row[0]) for row in conn.execute("PRAGMA integrity_check").fetchall()]
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            tables = {
                str(row[0]) for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise InvalidRequest(f"备份文件 {path} 不是可读的 SQLite 数据库：{exc}") from exc
    if problems != ["ok"]:
        raise InvalidRequest(f"备份文件 {path} 未通过完整性检查，未恢复：{'；'.join(problems[:5])}")
    if store:
        if not {"subjects", "list_entries", "derived_records"} <= tables or version < 1:
            raise InvalidRequest(f"备份文件 {path} 不是 credlink 数据库，未恢复")
        if version > SCHEMA_VERSION:
            raise InvalidRequest(
                f"备份文件 {path} 的结构版本为 {version}，高于本程序支持的 {SCHEMA_VERSION}；请先升级 credlink"
            )
    return version


def restore_database(backup: Path, target: Path) -> None:
    """Write the (verified) SQLite file ``backup`` into ``target`` through SQLite's backup API: one write
    transaction on the target, so its own ``-wal`` stays consistent and an interruption leaves the old
    content. The target keeps WAL mode."""
    try:
        source = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
        try:
            destination = sqlite3.connect(target, timeout=30.0, isolation_level=None)
            try:
                source.backup(destination)
                destination.execute("PRAGMA journal_mode = WAL")
                problems = [str(row[0]) for row in destination.execute("PRAGMA quick_check").fetchall()]
            finally:
                destination.close()
        finally:
            source.close()
    except sqlite3.Error as exc:
        raise StoreError(f"恢复 {target} 失败：{exc}") from exc
    if problems != ["ok"]:  # pragma: no cover - the backup was checked and SQLite wrote it
        raise StoreError(f"恢复后的 {target} 未通过检查：{'；'.join(problems[:5])}")


def _companions(args: argparse.Namespace, db: Path) -> list[Path]:
    extra = [Path(path) for path in (args.with_files or [])]
    return list(dict.fromkeys([*companion_files(get_settings(), db), *extra]))


def cmd_backup(args: argparse.Namespace, db: Path) -> int:
    target: Path = args.file
    if get_settings().store == "sqlite" and db.resolve() == target.resolve():
        raise InvalidRequest("备份文件不能是数据库本身")
    with _opened(db, must_exist=True) as store:
        _progress(f"备份 backing up {db} → {target} …")
        store.backup_to(target)
    print(f"已备份 backed up：{db} → {target}（{target.stat().st_size} 字节，完整性检查通过）")
    from graph.store.sqlite import backup_database

    explicit = {Path(path) for path in (args.with_files or [])}
    for companion in _companions(args, db):
        if not companion.exists():
            if companion in explicit:
                raise NotFound(f"要一并备份的文件 {companion} 不存在")
            print(f"跳过 skipped：{companion} 尚不存在")
            continue
        copy = companion_backup(target, companion)
        backup_database(companion, copy)
        print(f"已备份 backed up：{companion} → {copy}（完整性检查通过）")
    return 0


def cmd_restore(args: argparse.Namespace, db: Path) -> int:
    if get_settings().store != "sqlite":
        raise InvalidRequest(NEO4J_RESTORE)
    backup: Path = args.file
    if backup.resolve() == db.resolve():
        raise InvalidRequest("备份文件不能是数据库本身")
    pairs: list[tuple[Path, Path, bool]] = [(backup, db, True)]
    explicit = {Path(path) for path in (args.with_files or [])}
    for companion in _companions(args, db):
        copy = companion_backup(backup, companion)
        if copy.exists():
            pairs.append((copy, companion, False))
        elif companion in explicit:
            raise NotFound(f"备份中没有 {companion.name} 的副本（应为 {copy}），未恢复任何文件")
    # Everything is checked before anything is written: a bad companion leaves the store untouched too.
    for source, _target, is_store in pairs:
        verify_backup(source, store=is_store)
    busy = [target for _source, target, _is_store in pairs if open_elsewhere(target)]
    if busy and not args.force:
        raise InvalidRequest(
            f"{'、'.join(str(path) for path in busy)} 正被其他进程打开（服务或导入在运行），未恢复；"
            "请先停止服务，或确认后用 --force 强制恢复（正在运行的服务将读到恢复后的数据）"
        )
    for source, target, _is_store in pairs:
        _progress(f"恢复 restoring {source} → {target} …")
        restore_database(source, target)
        print(f"已恢复 restored：{source} → {target}（完整性检查通过）")
    return 0


def backup_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    backup = commands.add_parser(
        "backup",
        parents=[common],
        help="在线备份 / copy the store (and its companion files) while it serves",
        description="在线备份数据库：服务运行、写入时也得到一致的副本（SQLite 在线备份）。"
        "Neo4j 请用 neo4j-admin database dump。",
    )
    backup.set_defaults(handler=cmd_backup)
    backup.add_argument("file", type=Path, metavar="FILE", help="备份文件 / the backup file to write")
    backup.add_argument(
        "--with",
        dest="with_files",
        action="append",
        type=Path,
        metavar="SQLITE_FILE",
        help="一并备份的其他 SQLite 文件 / another SQLite file to back up beside it (repeatable)",
    )
    restore = commands.add_parser(
        "restore",
        parents=[common],
        help="从备份恢复 / restore the store from a backup (checked first)",
        description="从备份恢复数据库：先检查备份的完整性；数据库正被服务打开时拒绝恢复，除非 --force。",
    )
    restore.set_defaults(handler=cmd_restore)
    restore.add_argument("file", type=Path, metavar="FILE", help="备份文件 / the backup file")
    restore.add_argument(
        "--with",
        dest="with_files",
        action="append",
        type=Path,
        metavar="SQLITE_FILE",
        help="一并恢复的其他 SQLite 文件（备份中的 FILE.<文件名>）/ another SQLite file to restore (repeatable)",
    )
    restore.add_argument(
        "--force",
        action="store_true",
        help="即使数据库正被其他进程打开也恢复 / restore even while another process has the store open",
    )
