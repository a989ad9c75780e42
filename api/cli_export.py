"""``credlink export --neo4j-import DIR``: the embedded store as the CSV files of Neo4j's bulk importer.

A first load of a large city through the Neo4j adapter runs one transaction per batch; Neo4j's offline
importer (``neo4j-admin database import full``) writes the store files directly and is much faster. This
module reads the SQLite tables with :mod:`sqlite3` (a cursor per table, ``fetchmany`` chunks: memory stays
constant whatever the size of the city) and writes, per node label and relationship type, one CSV file in
the importer's header syntax, for the graph described in :mod:`graph.store.neo4j.schema` and
``docs/neo4j.md``, plus ``import.sh`` with the exact command line.

Choices the adapter relies on (``docs/neo4j.md``, "Bulk first loads"):

* Integer ids (``--id-type=integer``) in one id group per kind of node, so subject pk 5 and entry pk 5 do not
  collide; where the id is a ``pk`` it is stored as the integer ``pk`` property, as the adapter writes it.
  Departments and derived records have no ``pk`` in the graph: their ids are used for the import only.
* Every string is quoted, so that an empty string stays an empty string and a missing value (no property)
  is an empty unquoted field; dates are checked to be ISO days and written as ``date`` values; an open role
  start (``''`` in SQLite) is no property, as in the adapter.
* ``(:Sequence {name, value})`` counters are set to the highest key of each kind, so the adapter's keys go
  on after the imported ones.
* The adapter's constraints and indexes are not part of the import: they are created when credlink first
  opens the database (every statement ``IF NOT EXISTS``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shlex
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from api.cli_common import _progress
from graph.errors import InvalidRequest, NotFound, StoreError
from graph.model import Role
from graph.store.neo4j.schema import ROLE_TYPES

#: Rows read from SQLite per ``fetchmany``.
CHUNK_ROWS = 10_000
#: A progress line every this many rows of one file.
PROGRESS_EVERY = 200_000

#: Sequence names of the adapter's keys (``next_pks(tx, name, n)``), with the SQLite table and column whose
#: highest value the counter must start from.
SEQUENCES: tuple[tuple[str, str, str], ...] = (
    ("subject", "subjects", "pk"),
    ("role", "roles", "pk"),
    ("entry", "list_entries", "pk"),
    ("event", "entry_events", "pk"),
    ("measure", "measures", "pk"),
    ("change", "change_log", "seq"),
)

#: Tables the export does not carry (lifecycle, preliminary lists, measures versions and draft, dispatch, run
#: history): the export says when one of them has rows, so nobody mistakes the import for a full copy.
NOT_EXPORTED = (
    "entry_suspensions",
    "objections",
    "repair_applications",
    "notices",
    "job_runs",
    "preliminary_lists",
    "preliminary_entries",
    "preliminary_conflicts",
    "prior_notifications",
    "measure_versions",
    "measure_draft",
    "measure_changes",
    "measure_applications",
    "dispatches",
    "dispatch_runs",
    "dispatch_settings",
    "dispatch_feedback",
    "department_cursors",
    "reminders",
    "webhooks",
    "outbox",
    "propagation_runs",
    "load_runs",
)


@dataclass(frozen=True, slots=True)
class ExportedFile:
    """One CSV file: nodes (with the label given on the command line, if any) or relationships."""

    name: str
    kind: str  # "nodes" | "relationships"
    label: str | None
    header: tuple[str, ...]
    rows: int


@dataclass(slots=True)
class ExportReport:
    directory: Path
    array_delimiter: str
    database: str
    files: list[ExportedFile] = field(default_factory=list)
    sequences: dict[str, int] = field(default_factory=dict)
    not_exported: dict[str, int] = field(default_factory=dict)

    def command(self, directory: str | None = None) -> list[str]:
        """The ``neo4j-admin`` command line (arguments), files under ``directory`` (default: where written)."""
        where = directory if directory is not None else str(self.directory)
        args = [
            "neo4j-admin",
            "database",
            "import",
            "full",
            self.database,
            "--id-type=integer",
            f"--array-delimiter={self.array_delimiter}",
            "--multiline-fields=true",
        ]
        for exported in self.files:
            if not exported.rows:
                continue  # an empty file (header only) adds nothing; left out of the command
            target = f"{where}/{exported.name}"
            prefix = f"{exported.label}=" if exported.label else ""
            args.append(f"--{exported.kind}={prefix}{target}")
        return args


# --- values ---------------------------------------------------------------------------------------------


def _text(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _field(value: Any) -> str:
    """One CSV field: strings always quoted (``""`` is an empty string, nothing is no property)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return _text(str(value))


def _day(value: str | None, where: str) -> dt.date | None:
    """An ISO day from SQLite; ``''`` (open start) and ``NULL`` are no property."""
    if value is None or value == "":
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise StoreError(f"导出失败：{where} 的日期 {value!r} 不是 YYYY-MM-DD") from exc


def _array(value: str | None, delimiter: str, where: str) -> list[str] | None:
    """A ``;``-separated SQLite list as an importer array (``None`` when empty: the importer skips empty
    arrays anyway)."""
    items = [item for item in (value or "").split(";") if item]
    for item in items:
        if delimiter in item:
            raise InvalidRequest(
                f"导出失败：{where} 的值 {item!r} 含数组分隔符 {delimiter!r}，请换用 --array-delimiter"
            )
    return items or None


# --- writing --------------------------------------------------------------------------------------------


class _Writer:
    """Writes one CSV file row by row and counts the rows."""

    def __init__(self, out: TextIO, header: Sequence[str], array_delimiter: str) -> None:
        self._out = out
        self._delimiter = array_delimiter
        self.rows = 0
        out.write(",".join(header) + "\n")

    def row(self, values: Iterable[Any]) -> None:
        fields = []
        for value in values:
            if isinstance(value, list):
                fields.append(_text(self._delimiter.join(value)))
            else:
                fields.append(_field(value))
        self._out.write(",".join(fields) + "\n")
        self.rows += 1
        if self.rows % PROGRESS_EVERY == 0:
            _progress(f"  … {self.rows} 行 rows")


def _rows(conn: sqlite3.Connection, query: str) -> Iterator[tuple[Any, ...]]:
    """Stream a query's rows in chunks (one cursor, never the whole table in memory)."""
    cursor = conn.execute(query)
    while True:
        chunk = cursor.fetchmany(CHUNK_ROWS)
        if not chunk:
            return
        yield from chunk


class _Export:
    def __init__(self, conn: sqlite3.Connection, report: ExportReport) -> None:
        self.conn = conn
        self.report = report
        self.delimiter = report.array_delimiter

    def file(
        self,
        name: str,
        kind: str,
        label: str | None,
        header: Sequence[str],
        fill: Callable[[_Writer], None],
    ) -> None:
        _progress(f"导出 exporting {name} …")
        path = self.report.directory / name
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = _Writer(out, header, self.delimiter)
            fill(writer)
        self.report.files.append(ExportedFile(name, kind, label, tuple(header), writer.rows))

    # nodes

    def subjects(self, out: _Writer) -> None:
        labels = {
            "enterprise": self.delimiter.join(("Subject", "Enterprise")),
            "person": self.delimiter.join(("Subject", "Person")),
        }
        query = """SELECT pk, subject_type, code, name, enterprise_kind, enterprise_status, region_code,
                          established FROM subjects ORDER BY pk"""
        for pk, kind, code, name, ekind, status, region, established in _rows(self.conn, query):
            out.row(
                [pk, labels[kind], kind, code, name, ekind, status, region, _day(established, f"主体 {code}")]
            )

    def entries(self, out: _Writer) -> None:
        query = """SELECT e.pk, e.entry_id, e.subject_pk, s.subject_type, e.kind, e.list_type, e.department,
                          e.basis, e.act_date, e.decided_on, e.valid_from, e.valid_to, e.status, e.ended_on
                   FROM list_entries AS e JOIN subjects AS s ON s.pk = e.subject_pk ORDER BY e.pk"""
        for row in _rows(self.conn, query):
            where = f"名单条目 {row[1]}"
            out.row([*row[:8], *(_day(value, where) for value in row[8:12]), row[12], _day(row[13], where)])

    def departments(self, out: _Writer, ids: dict[str, int]) -> None:
        query = """SELECT department FROM list_entries
                   UNION SELECT initiating_department FROM measures
                   UNION SELECT implementing_department FROM measures ORDER BY 1"""
        for (name,) in _rows(self.conn, query):
            ids[name] = len(ids) + 1
            out.row([ids[name], name])

    def measures(self, out: _Writer) -> None:
        query = """SELECT pk, measure_id, version, retired_in, valid_from, valid_to, kind, list_type, target,
                          content, initiating_department, implementing_department, legal_basis,
                          business_items, sharing_method FROM measures ORDER BY pk"""
        for row in _rows(self.conn, query):
            where = f"措施 {row[1]}"
            out.row(
                [
                    *row[:4],
                    _day(row[4], where),
                    _day(row[5], where),
                    row[5] is None,
                    *row[6:13],
                    _array(row[13], self.delimiter, where),
                    row[14],
                ]
            )

    def policies(self, out: _Writer) -> None:
        query = """SELECT list_type, roles, role_time, derived_counts_for_red, repair_min_days, publicity_days,
                          black_skip_publicity FROM list_policies ORDER BY list_type"""
        for list_type, roles, role_time, counts, repair, publicity, skip in _rows(self.conn, query):
            where = f"名单政策 {list_type}"
            out.row(
                [
                    list_type,
                    _array(roles, self.delimiter, where),
                    role_time,
                    bool(counts),
                    repair,
                    publicity,
                    bool(skip),
                ]
            )

    def derived(self, out: _Writer) -> None:
        query = """SELECT pk, entry_pk, role_pk, person_pk, enterprise_pk, role, holder_basis, valid_from,
                          valid_to FROM derived_records ORDER BY pk"""
        for row in _rows(self.conn, query):
            where = f"派生记录 {row[0]}"
            out.row([*row[:7], _day(row[7], where), _day(row[8], where)])

    def events(self, out: _Writer) -> None:
        query = "SELECT pk, entry_pk, at, actor, action, reason, details FROM entry_events ORDER BY pk"
        for pk, entry_pk, at, actor, action, reason, details in _rows(self.conn, query):
            parsed = json.loads(details) if details else {}
            if not isinstance(parsed, dict):
                parsed = {}
            before, after = parsed.get("before"), parsed.get("after")
            out.row(
                [
                    pk,
                    entry_pk,
                    at,
                    actor,
                    action,
                    reason,
                    _day(parsed.get("on"), f"事件 {pk}"),
                    None if before is None else json.dumps(before, ensure_ascii=False, sort_keys=True),
                    None if after is None else json.dumps(after, ensure_ascii=False, sort_keys=True),
                ]
            )

    def changes(self, out: _Writer) -> None:
        for row in _rows(self.conn, "SELECT seq, entry_pk FROM change_log ORDER BY seq"):
            out.row(row)

    def sequences(self, out: _Writer) -> None:
        for name, table, column in SEQUENCES:
            (value,) = self.conn.execute(f"SELECT coalesce(max({column}), 0) FROM {table}").fetchone()
            if table == "change_log":  # AUTOINCREMENT never reuses a seq: start after the highest ever given
                given = self.conn.execute(
                    "SELECT seq FROM sqlite_sequence WHERE name = 'change_log'"
                ).fetchone()
                value = max(value, given[0] if given else 0)
            self.report.sequences[name] = int(value)
            out.row([name, int(value)])

    # relationships

    def roles(self, out: _Writer) -> None:
        query = """SELECT holder_pk, enterprise_pk, role, pk, start_date, end_date, ratio FROM roles ORDER BY pk"""
        for holder, firm, role, pk, start, end, ratio in _rows(self.conn, query):
            where = f"关系 {pk}"
            out.row(
                [
                    holder,
                    firm,
                    ROLE_TYPES[Role(role)],
                    pk,
                    role,
                    _day(start, where),
                    _day(end, where),
                    None if ratio is None else float(ratio),
                ]
            )

    def concerns(self, out: _Writer) -> None:
        for pk, subject_pk in _rows(self.conn, "SELECT pk, subject_pk FROM list_entries ORDER BY pk"):
            out.row([pk, subject_pk, "CONCERNS"])

    def identified_by(self, out: _Writer, ids: dict[str, int]) -> None:
        for pk, department in _rows(self.conn, "SELECT pk, department FROM list_entries ORDER BY pk"):
            out.row([pk, ids[department], "IDENTIFIED_BY"])

    def measure_departments(self, out: _Writer, ids: dict[str, int]) -> None:
        query = "SELECT pk, implementing_department, initiating_department FROM measures ORDER BY pk"
        for pk, implementing, initiating in _rows(self.conn, query):
            out.row([pk, ids[implementing], "IMPLEMENTED_BY"])
            out.row([pk, ids[initiating], "INITIATED_BY"])

    def derives(self, out: _Writer) -> None:
        for pk, entry_pk in _rows(self.conn, "SELECT pk, entry_pk FROM derived_records ORDER BY pk"):
            out.row([entry_pk, pk, "DERIVES"])

    def derived_paths(self, out: _Writer) -> None:
        query = "SELECT pk, person_pk, enterprise_pk FROM derived_records ORDER BY pk"
        for pk, person_pk, enterprise_pk in _rows(self.conn, query):
            out.row([pk, person_pk, "REACHES"])
            out.row([pk, enterprise_pk, "THROUGH"])

    def has_event(self, out: _Writer) -> None:
        for pk, entry_pk in _rows(self.conn, "SELECT pk, entry_pk FROM entry_events ORDER BY pk"):
            out.row([entry_pk, pk, "HAS_EVENT"])

    def not_exported(self) -> None:
        tables = {
            name for (name,) in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        }
        for table in NOT_EXPORTED:
            if table in tables:
                (count,) = self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()
                if count:
                    self.report.not_exported[table] = int(count)


def check_array_delimiter(delimiter: str) -> str:
    if len(delimiter) != 1 or delimiter in ",\"'\r\n" or not delimiter.isprintable():
        raise InvalidRequest(f"--array-delimiter 应为一个可见字符，且不能是逗号或引号，实为 {delimiter!r}")
    return delimiter


def export_neo4j_import(
    db: Path, directory: Path, *, array_delimiter: str = ";", database: str = "neo4j"
) -> ExportReport:
    """Write the importer's CSV files of the SQLite store ``db`` into ``directory`` and ``import.sh``."""
    check_array_delimiter(array_delimiter)
    if not db.exists():
        raise NotFound(f"数据库 {db} 不存在；请用 --db 指定要导出的 SQLite 数据库文件")
    from graph.store.sqlite import SQLiteStore

    SQLiteStore(db).close()  # brings an older store's schema up to date (the export reads the current one)
    directory.mkdir(parents=True, exist_ok=True)
    report = ExportReport(directory=directory, array_delimiter=array_delimiter, database=database)
    conn = sqlite3.connect(f"file:{db.resolve()}?mode=ro", uri=True)
    try:
        with conn:
            conn.execute("BEGIN")  # one snapshot: every file describes the same store
            export = _Export(conn, report)
            departments: dict[str, int] = {}
            subject = ("pk:ID(Subject)", ":LABEL", "subject_type", "code", "name", "enterprise_kind")
            export.file(
                "subjects.csv",
                "nodes",
                None,
                (*subject, "enterprise_status", "region_code", "established:date"),
                export.subjects,
            )
            export.file(
                "list_entries.csv",
                "nodes",
                "ListEntry",
                (
                    "pk:ID(ListEntry)",
                    "entry_id",
                    "subject_pk:long",
                    "subject_type",
                    "kind",
                    "list_type",
                    "department",
                    "basis",
                    "act_date:date",
                    "decided_on:date",
                    "valid_from:date",
                    "valid_to:date",
                    "status",
                    "ended_on:date",
                ),
                export.entries,
            )
            export.file(
                "departments.csv",
                "nodes",
                "Department",
                (":ID(Department)", "name"),
                lambda out: export.departments(out, departments),
            )
            export.file(
                "measures.csv",
                "nodes",
                "Measure",
                (
                    "pk:ID(Measure)",
                    "measure_id",
                    "version:long",
                    "retired_in:long",
                    "valid_from:date",
                    "valid_to:date",
                    "current:boolean",
                    "kind",
                    "list_type",
                    "target",
                    "content",
                    "initiating_department",
                    "implementing_department",
                    "legal_basis",
                    "business_items:string[]",
                    "sharing_method",
                ),
                export.measures,
            )
            export.file(
                "list_policies.csv",
                "nodes",
                "ListPolicy",
                (
                    "list_type",
                    "roles:string[]",
                    "role_time",
                    "derived_counts_for_red:boolean",
                    "repair_min_days:long",
                    "publicity_days:long",
                    "black_skip_publicity:boolean",
                ),
                export.policies,
            )
            export.file(
                "derived_records.csv",
                "nodes",
                "DerivedRecord",
                (
                    ":ID(DerivedRecord)",
                    "entry_pk:long",
                    "role_pk:long",
                    "person_pk:long",
                    "enterprise_pk:long",
                    "role",
                    "holder_basis",
                    "valid_from:date",
                    "valid_to:date",
                ),
                export.derived,
            )
            export.file(
                "entry_events.csv",
                "nodes",
                "EntryEvent",
                (
                    "pk:ID(EntryEvent)",
                    "entry_pk:long",
                    "at",
                    "actor",
                    "action",
                    "reason",
                    "on:date",
                    "before",
                    "after",
                ),
                export.events,
            )
            export.file("changes.csv", "nodes", "Change", ("seq:long", "entry_pk:long"), export.changes)
            export.file("sequences.csv", "nodes", "Sequence", ("name", "value:long"), export.sequences)
            export.file(
                "roles.csv",
                "relationships",
                None,
                (
                    ":START_ID(Subject)",
                    ":END_ID(Subject)",
                    ":TYPE",
                    "pk:long",
                    "role",
                    "start:date",
                    "end:date",
                    "ratio:double",
                ),
                export.roles,
            )
            export.file(
                "concerns.csv",
                "relationships",
                None,
                (":START_ID(ListEntry)", ":END_ID(Subject)", ":TYPE"),
                export.concerns,
            )
            export.file(
                "identified_by.csv",
                "relationships",
                None,
                (":START_ID(ListEntry)", ":END_ID(Department)", ":TYPE"),
                lambda out: export.identified_by(out, departments),
            )
            export.file(
                "measure_departments.csv",
                "relationships",
                None,
                (":START_ID(Measure)", ":END_ID(Department)", ":TYPE"),
                lambda out: export.measure_departments(out, departments),
            )
            export.file(
                "derives.csv",
                "relationships",
                None,
                (":START_ID(ListEntry)", ":END_ID(DerivedRecord)", ":TYPE"),
                export.derives,
            )
            export.file(
                "derived_paths.csv",
                "relationships",
                None,
                (":START_ID(DerivedRecord)", ":END_ID(Subject)", ":TYPE"),
                export.derived_paths,
            )
            export.file(
                "has_event.csv",
                "relationships",
                None,
                (":START_ID(ListEntry)", ":END_ID(EntryEvent)", ":TYPE"),
                export.has_event,
            )
            export.not_exported()
    except sqlite3.Error as exc:
        raise StoreError(f"导出失败：读取 {db} 出错（{exc}）") from exc
    finally:
        conn.close()
    _write_script(report)
    return report


def _write_script(report: ExportReport) -> None:
    lines = [
        "#!/bin/sh",
        "# Written by `credlink export --neo4j-import`: the first bulk load of this directory into an EMPTY",
        "# Neo4j 5 database with neo4j-admin (offline: the database must not exist yet, or be stopped and",
        "# replaced with --overwrite-destination=true). Run it where neo4j-admin is (the Neo4j server, or its",
        "# container with this directory mounted), then start Neo4j and credlink: credlink creates its",
        "# constraints and indexes when it first opens the database.",
        "#   sh import.sh [DATABASE] [more neo4j-admin options]     (DATABASE default: neo4j)",
        "set -eu",
        'DIR="$(cd "$(dirname "$0")" && pwd)"',
        'DATABASE="${1:-neo4j}"',
        "[ $# -gt 0 ] && shift",
    ]
    command = report.command("$DIR")
    command[4] = "$DATABASE"
    quoted = [_shell_word(word) for word in command]
    lines.append(quoted[0] + " " + " ".join(quoted[1:5]) + " \\")
    lines.extend(f"  {word} \\" for word in quoted[5:])
    lines.append('  "$@"')
    path = report.directory / "import.sh"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.chmod(0o755)


def _shell_word(word: str) -> str:
    """Quote for sh, leaving ``$DIR`` / ``$DATABASE`` to the shell (inside double quotes)."""
    if "$DIR" in word or "$DATABASE" in word:
        return '"' + word.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`") + '"'
    return shlex.quote(word)


# --- the command ----------------------------------------------------------------------------------------


def cmd_export(args: argparse.Namespace, db: Path) -> int:
    if args.neo4j_import is None:
        raise InvalidRequest("请指定导出格式：--neo4j-import DIR")
    from graph.store import is_neo4j_url

    raw_db = getattr(args, "db", None)
    if raw_db and is_neo4j_url(raw_db):
        raise InvalidRequest("export 读取嵌入式 SQLite 数据库：请用 --db 指定 .db 文件，而不是 Neo4j 地址")
    # Always the SQLite file, also where CREDLINK_STORE=neo4j (the export feeds that server).
    source = Path(raw_db) if raw_db else db
    report = export_neo4j_import(
        source, args.neo4j_import, array_delimiter=args.array_delimiter, database=args.database
    )
    for exported in report.files:
        print(f"{exported.name}: {exported.rows} 行 rows")
    print("序号 sequences: " + ", ".join(f"{name}={value}" for name, value in report.sequences.items()))
    if report.not_exported:
        listed = ", ".join(f"{table}={count}" for table, count in report.not_exported.items())
        print(f"注意 note：以下表有数据但不在本次导出中（首次批量导入只含图与措施）：{listed}")
    print(f"导入脚本 script: {report.directory / 'import.sh'}")
    print("导入命令 command (Neo4j 停止时运行 / with the database stopped):")
    print(" ".join(shlex.quote(word) for word in report.command()))
    print("之后启动 Neo4j 与 credlink：首次打开时创建约束和索引 / constraints are created on first start")
    return 0


def export_command(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    help_text = (
        "导出：把嵌入式 SQLite 库导出为 neo4j-admin 批量导入的 CSV / export the SQLite store for "
        "neo4j-admin database import full"
    )
    sub = commands.add_parser("export", parents=[common], help=help_text, description=help_text)
    sub.set_defaults(handler=cmd_export)
    sub.add_argument(
        "--neo4j-import",
        type=Path,
        metavar="DIR",
        help="写入 CSV 与 import.sh 的目录 / directory for the CSV files and import.sh",
    )
    sub.add_argument(
        "--array-delimiter",
        default=";",
        metavar="CHAR",
        help="数组与多标签分隔符 / array and label delimiter (default ';')",
    )
    sub.add_argument(
        "--database", default="neo4j", help="目标数据库名 / target database name (default neo4j)"
    )
