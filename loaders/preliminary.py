"""Reading a preliminary list (初步名单): candidate entries from a file or from JSON rows, validated.

A preliminary list has the columns of the ``list_entries`` import file, with the same Chinese headers
(``docs/import-formats.md``): the file is read by :func:`loaders.reader.read_table` and every row checked by
:func:`loaders.validate.check_table`, so identifiers, dates, enumerations and references are judged exactly
as on import. The subjects must already be in the store (a preliminary list brings no enterprises or persons).
On top of that, a preliminary list

* belongs to one identifying department: ``department`` may be left out (then it is the list's), but a row
  naming another department is bad;
* is of one kind: ``kind`` may be left out when the list's kind is given; a row of the other kind is bad, and
  without a list kind the rows must agree;
* adds new entries only: an ``entry_id`` the store already holds is bad.

A list with any bad row is not submitted: the caller reports every problem (row, column, value, reason).
JSON rows are numbered from 1 in the order sent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from graph.model import ListKind
from graph.store.port import FileKind, Store
from loaders.contract import CONTRACTS, header_key
from loaders.reader import RawTable, ReadError, read_table
from loaders.validate import WRITE_COLUMNS, Problem, References, check_table

__all__ = ["JSON_SOURCE", "CandidateRows", "candidates_from_records", "read_candidates"]

#: The "file" JSON rows are reported against.
JSON_SOURCE = "entries"

_CONTRACT = CONTRACTS[FileKind.list_entries]
_KIND_LABELS = {ListKind.red: "红名单", ListKind.black: "黑名单"}


@dataclass(slots=True)
class CandidateRows:
    """Validated candidates: the good rows (``WRITE_COLUMNS`` of list entries) and every problem found."""

    source: str
    rows: pd.DataFrame
    read: int
    kind: ListKind | None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and self.kind is not None and not self.rows.empty

    def format_problems(self, limit: int = 50) -> list[str]:
        """One Chinese line per problem: where (row, column, value) and why."""
        lines = []
        for problem in self.problems[:limit]:
            where = Path(problem.file).name
            if problem.row is not None:
                where += f" 第 {problem.row} 行"
            if problem.column:
                label = _CONTRACT.column(problem.column).label if problem.column in _CONTRACT.names else ""
                where += f" 列 {problem.column}" + (f"（{label}）" if label else "")
            if problem.value:
                where += f" 值 {problem.value}"
            lines.append(f"{where}：{problem.reason}")
        if len(self.problems) > limit:
            lines.append(f"… 另有 {len(self.problems) - limit} 处")
        return lines


def read_candidates(
    store: Store,
    path: Path,
    *,
    department: str,
    kind: ListKind | None = None,
    today: dt.date | None = None,
) -> CandidateRows:
    """Read and validate a preliminary list file (CSV or XLSX, Chinese headers accepted)."""
    try:
        table = read_table(path)
    except ReadError as exc:
        empty = pd.DataFrame(columns=WRITE_COLUMNS[FileKind.list_entries])
        return CandidateRows(
            source=path.name,
            rows=empty,
            read=0,
            kind=kind,
            problems=[Problem(str(path), None, None, None, exc.reason)],
        )
    return _check(store, table, department=department, kind=kind, today=today)


def candidates_from_records(
    store: Store,
    records: Sequence[Mapping[str, object]],
    *,
    department: str,
    kind: ListKind | None = None,
    today: dt.date | None = None,
) -> CandidateRows:
    """Validate candidate rows given as mappings of contract column names to values (JSON); a row without a
    ``department`` (or, when the list's kind is given, a ``kind``) takes the list's."""
    implied = {"department": department.strip(), "kind": kind.value if kind else ""}
    completed = [
        {
            **{name: value for name, value in implied.items() if value},
            **{name: value for name, value in record.items() if _text(value)},
        }
        for record in records
    ]
    columns = list(dict.fromkeys(name for record in completed for name in record))
    frame = pd.DataFrame(
        [[_text(record.get(name)) for name in columns] for record in completed],
        columns=columns,
        index=pd.RangeIndex(1, len(records) + 1),
        dtype=object,
    )
    table = RawTable(path=Path(JSON_SOURCE), frame=frame, encoding="json", header_row=0)
    checked = _check(store, table, department=department, kind=kind, today=today)
    # JSON has no header row: a problem of the "header" (a column missing from every row) is the request's.
    checked.problems = [
        Problem(p.file, None, p.column, p.value, p.reason) if p.row == 0 else p for p in checked.problems
    ]
    return checked


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _check(
    store: Store, table: RawTable, *, department: str, kind: ListKind | None, today: dt.date | None
) -> CandidateRows:
    file = str(table.path)
    department = department.strip()
    if kind is None and "kind" not in _present(table.frame):
        reason = "缺少名单类别：请在每行填写 kind（名单类别：红名单或黑名单），或指明初步名单的类别（kind）"
        return CandidateRows(
            file,
            pd.DataFrame(columns=WRITE_COLUMNS[FileKind.list_entries]),
            len(table.frame),
            kind,
            [Problem(file, table.header_row or None, "kind", None, reason)],
            list(table.warnings),
        )
    frame = _with_list_values(table.frame, department=department, kind=kind)
    checked = check_table(
        RawTable(
            path=table.path,
            frame=frame,
            encoding=table.encoding,
            warnings=table.warnings,
            numeric_cells=table.numeric_cells,
            header_row=table.header_row,
            sheet=table.sheet,
        ),
        FileKind.list_entries,
        References(store),
        today=today,
    )
    warnings = [*table.warnings, *checked.warnings]
    if checked.file_problems:
        return CandidateRows(
            file, checked.rows.iloc[0:0], len(frame), kind, list(checked.file_problems), warnings
        )
    problems = [_unknown_subject(problem) for problem in checked.problems]
    rows = checked.rows
    bad = checked.bad.to_numpy().copy()

    def flag(mask: pd.Series, column: str, reason: str) -> None:
        nonlocal bad
        selected = mask.to_numpy(dtype=bool) & ~bad
        for row, value in zip(rows.index[selected], rows[column][selected], strict=True):
            problems.append(Problem(file, int(row), column, None if value is None else str(value), reason))
        bad |= selected

    if not department:
        problems.append(Problem(file, None, "department", None, "请注明提交初步名单的认定单位（department）"))
    else:
        flag(
            rows["department"].notna() & (rows["department"] != department),
            "department",
            f"认定单位与初步名单的认定单位“{department}”不一致：一份初步名单只能由一个认定单位提交",
        )
    if kind is not None:
        flag(
            rows["kind"].notna() & (rows["kind"] != kind.value),
            "kind",
            f"名单类别与初步名单的类别（{_KIND_LABELS[kind]}）不一致",
        )
    ids = [str(entry_id) for entry_id in rows["entry_id"].dropna().unique()]
    existing = store.entry_pks(ids) if ids else {}
    if existing:
        flag(
            rows["entry_id"].isin(list(existing)),
            "entry_id",
            "名单编号已存在：初步名单只能提交新的名单记录（更正已有记录请用更正操作）",
        )
    good = rows[~bad]
    kinds = sorted(str(value) for value in good["kind"].dropna().unique())
    if kind is None and len(kinds) > 1:
        problems.append(
            Problem(
                file, None, "kind", None, "一份初步名单只能是红名单或黑名单之一，本名单两者都有；请分开提交"
            )
        )
    elif kind is None and kinds:
        kind = ListKind(kinds[0])
    if not len(frame):
        problems.append(Problem(file, None, None, None, "初步名单没有任何名单记录"))
    problems.sort(key=lambda problem: (problem.row or 0, _order(problem.column)))
    return CandidateRows(
        file, good[WRITE_COLUMNS[FileKind.list_entries]], len(frame), kind, problems, warnings
    )


def _order(column: str | None) -> int:
    names = WRITE_COLUMNS[FileKind.list_entries]
    return names.index(column) if column in names else len(names)


def _with_list_values(frame: pd.DataFrame, *, department: str, kind: ListKind | None) -> pd.DataFrame:
    """The frame with the list's department (and kind, when given) as a column when the file has none."""
    present = _present(frame)
    filled = frame.copy()
    for name, value in (("department", department), ("kind", kind.value if kind else "")):
        if value and name not in present:
            filled[name] = value
    return filled


def _present(frame: pd.DataFrame) -> set[str]:
    """The contract columns the frame's headers name."""
    mapping = _CONTRACT.header_map()
    return {mapping[header_key(header)] for header in frame.columns if header_key(header) in mapping}


def _unknown_subject(problem: Problem) -> Problem:
    """The import's "not in this load's files nor in the store" said the way it is for a preliminary list,
    which brings no subject files."""
    if problem.column != "subject_id" or "不在本次导入" not in problem.reason:
        return problem
    reason = (
        f"主体 {problem.value} 不在数据库中：初步名单只能列入已登记的企业或人员，请先导入该企业或人员"
        "（或核对号码）"
    )
    return Problem(problem.file, problem.row, problem.column, problem.value, reason)
