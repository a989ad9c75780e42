"""Loader tests: small CSV/XLSX files written to ``tmp_path``, loaded into the real SQLite store.

The helpers below write files the way users' tools do (plain UTF-8, GBK, Excel workbooks) so that each
test reads as "this file, this problem".
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from loaders import LoadReport, Problem


def write_csv(
    path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]], *, encoding: str = "utf-8"
) -> Path:
    lines = [",".join(header), *(",".join("" if cell is None else str(cell) for cell in row) for row in rows)]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def write_xlsx(path: Path, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> Path:
    """Cells keep their Python type: ``str`` stays text, ``int``/``float`` become Excel numbers,
    ``datetime`` an Excel date."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


def only_problem(report: LoadReport) -> Problem:
    problems = report.problems
    assert len(problems) == 1, [problem.reason for problem in problems]
    return problems[0]
