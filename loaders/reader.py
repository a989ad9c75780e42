"""Reading import files (CSV, XLSX) into frames of text, and telling which file of the contract each is.

Every cell is read as text, so that leading zeros and the trailing ``X`` of an id number survive. CSV is
decoded as UTF-8 (with or without BOM) and, failing that, as GB18030 — the superset of GBK that Excel
on a Chinese Windows writes — with a warning. XLSX goes through openpyxl; its cells keep their Excel
types just long enough to turn dates into ISO text and to remember which cells held *numbers*: an
18-digit id typed into a number-formatted column has lost its last digits, and the validator says so.

Row numbers are spreadsheet rows: the header is row 1 (or the row found below title rows, see
:func:`_header_index`), the first data row the one after it. Cells are trimmed of
surrounding spaces; completely blank rows are dropped (and not counted as read), keeping the other rows' numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import warnings as _warnings
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import openpyxl
import pandas as pd
from tqdm import tqdm

from graph.store.port import FileKind
from loaders.contract import CONTRACTS, IGNORED_HEADERS, QUARANTINE_COLUMNS, header_key, kind_from_stem

__all__ = ["EXTENSIONS", "RawTable", "ReadError", "detect_kind", "iter_files", "read_table"]

EXTENSIONS: tuple[str, ...] = (".csv", ".xlsx")

#: Files at least this large get a progress bar while they are read.
PROGRESS_BYTES = 8 * 1024 * 1024
_CHUNK_ROWS = 200_000


class ReadError(Exception):
    """A file that cannot be read at all (empty, undecodable, not a spreadsheet). ``reason`` is Chinese."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(slots=True)
class RawTable:
    """A file as read: original headers, every cell text, index = spreadsheet row number.

    ``numeric_cells`` maps a header to the mask of its cells that Excel stored as numbers (XLSX only,
    and only for headers that have any).
    """

    path: Path
    frame: pd.DataFrame
    encoding: str
    warnings: list[str] = field(default_factory=list)
    numeric_cells: dict[str, pd.Series] = field(default_factory=dict)
    #: The spreadsheet row of the header (rows above it were titles, skipped).
    header_row: int = 1
    #: The worksheet read (XLSX only).
    sheet: str | None = None


def read_table(path: Path, *, progress: bool = False) -> RawTable:
    """Read a CSV or XLSX file as text.

    Parameters
    ----------
    path
        The file; its suffix (``.csv`` or ``.xlsx``, any case) chooses the reader.
    progress
        Show a progress bar (stderr) while reading, if the file is large.

    Raises
    ------
    ReadError
        The file is empty, has no header, cannot be decoded or is not a readable workbook.
    """
    suffix = path.suffix.lower()
    if suffix == ".csv":
        table = _read_csv(path, progress=progress)
    elif suffix == ".xlsx":
        table = _read_xlsx(path)
    else:
        raise ReadError(f"不支持的文件类型 {path.suffix or '（无扩展名）'}：只接受 .csv 和 .xlsx")
    table.frame = _trim(table.frame)
    if table.frame.empty:
        table.warnings.append(f"{path.name} 只有表头，没有数据行")
    return table


_GB18030_WARNING = "{name} 不是 UTF-8 编码，已按 GB18030（兼容 GBK）读取；请核对中文内容是否正确"

#: The header row is looked for among this many first rows (title rows above it are skipped).
HEADER_SEARCH_ROWS = 10
#: Columns past the header a CSV row may have (they must be empty); more fields than that is an error.
_EXTRA_FIELDS = 8
_HEAD_BYTES = 64 * 1024


def _known_headers() -> frozenset[str]:
    known = {header_key(name) for name in QUARANTINE_COLUMNS}
    for kind, contract in CONTRACTS.items():
        known.update(contract.header_map())
        known.update(header_key(name) for name in IGNORED_HEADERS[kind])
    return frozenset(known)


_KNOWN_HEADERS = _known_headers()


def _header_index(rows: Sequence[Sequence[str]]) -> int | None:
    """The position of the header among the first rows: the first row with two known headers (or only
    known headers); ``None`` if no row looks like one."""
    for position, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        keys = {header_key(cell) for cell in row} - {""}
        hits = len(keys & _KNOWN_HEADERS)
        if hits >= 2 or (hits and hits == len(keys)):
            return position
    return None


def _title_warning(name: str, rows: Sequence[Sequence[str]], header_row: int) -> list[str]:
    if header_row == 1:
        return []
    texts = [str(cell).strip() for row in rows[: header_row - 1] for cell in row if str(cell).strip()]
    shown = "、".join(texts)[:60]
    return [
        f"{name} 的表头在第 {header_row} 行：已跳过其上方的 {header_row - 1} 行"
        + (f"（{shown}）" if shown else "（空行）")
    ]


def _column_names(path: Path, cells: Sequence[str], header_row: int) -> list[str]:
    """Column names from the header cells; an empty cell gets ``Unnamed: i``; a repeated one is refused."""
    names = [str(cell).strip().lstrip("\ufeff") for cell in cells]
    seen: dict[str, list[int]] = {}
    for position, name in enumerate(names, start=1):
        if header_key(name):
            seen.setdefault(name, []).append(position)
    repeated = [
        f"{name}（第 {'、'.join(map(str, positions))} 列）"
        for name, positions in seen.items()
        if len(positions) > 1
    ]
    if repeated:
        raise ReadError(
            f"{path.name} 第 {header_row} 行（表头）中有重复的列名：{'；'.join(repeated)}；每列只能出现一次，请删除或改名"
        )
    return [name if header_key(name) else f"Unnamed: {i}" for i, name in enumerate(names)]


def _read_csv(path: Path, *, progress: bool) -> RawTable:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(f"无法读取文件 {path}：{exc.strerror or exc}") from exc
    if not data.strip() or data in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        raise ReadError(f"{path.name} 是空文件（没有表头）")
    # Excel's "Unicode text" is UTF-16 with a BOM; otherwise UTF-8, else GB18030. pandas' C parser
    # decodes as it goes (faster than decoding first); invalid UTF-8 raises, and the file is read again.
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))
    for encoding in ("utf-16",) if utf16 else ("utf-8", "gb18030"):
        try:
            frame, header_row, notes = _parse_csv(path, data, encoding, progress=progress)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ReadError(
            f"{path.name} 的编码无法识别：既不是 UTF-8，也不是 GBK/GB18030；"
            "请在 Excel 中另存为“CSV UTF-8（逗号分隔）”"
        )
    if encoding == "gb18030":
        notes.insert(0, _GB18030_WARNING.format(name=path.name))
    elif encoding == "utf-8" and data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    frame.index = pd.RangeIndex(header_row + 1, header_row + 1 + len(frame))
    return RawTable(path=path, frame=frame, encoding=encoding, warnings=notes, header_row=header_row)


def _head_rows(head: str, separator: str) -> tuple[list[list[str]], list[int]]:
    """The first records of the file and, for each, the number of lines read up to its end."""
    rows: list[list[str]] = []
    lines: list[int] = []
    reader = csv.reader(io.StringIO(head), delimiter=separator)
    try:
        for row in reader:
            rows.append(row)
            lines.append(reader.line_num)
            if len(rows) > HEADER_SEARCH_ROWS:
                break
    except csv.Error:
        pass
    return rows, lines


def _parse_csv(
    path: Path, data: bytes, encoding: str, *, progress: bool
) -> tuple[pd.DataFrame, int, list[str]]:
    head = data[:_HEAD_BYTES].decode(encoding, errors="replace").lstrip("\ufeff")
    for separator in (",", "\t"):
        rows, lines = _head_rows(head, separator)
        found = _header_index(rows)
        if found is not None:
            break
    else:
        first_line = head.lstrip("\r\n").split("\n", 1)[0]
        # Excel's "Unicode text" export is tab-separated; accept it rather than report one giant column.
        separator = "\t" if "\t" in first_line and "," not in first_line else ","
        rows, lines = _head_rows(head, separator)
        found = 0
    if not rows:
        raise ReadError(f"{path.name} 是空文件（没有表头）")
    header_row = found + 1
    names = _column_names(path, rows[found], header_row)
    padding = [f"Unnamed: {i}" for i in range(len(names), len(names) + _EXTRA_FIELDS)]
    chunks: list[pd.DataFrame] = []
    show = progress and len(data) >= PROGRESS_BYTES
    try:
        with _warnings.catch_warnings():
            # With index_col=False pandas drops the fields of a row longer than the names, with a warning.
            _warnings.simplefilter("error", pd.errors.ParserWarning)
            reader = pd.read_csv(
                io.BytesIO(data),
                sep=separator,
                encoding=encoding,
                header=None,
                names=[*names, *padding],
                index_col=False,
                skiprows=lines[found],
                dtype=object,
                keep_default_na=False,
                # Every cell is text as written; an empty or missing field is "" (never NaN).
                na_filter=False,
                skip_blank_lines=False,
                quoting=csv.QUOTE_MINIMAL,
                chunksize=_CHUNK_ROWS,
            )
            with (
                reader,
                tqdm(
                    desc=f"读取 {path.name}", unit="行", unit_scale=True, disable=not show, leave=False
                ) as bar,
            ):
                for chunk in reader:
                    chunks.append(chunk)
                    bar.update(len(chunk))
    except pd.errors.ParserWarning as exc:
        raise ReadError(
            f"{path.name} 有的行字段数比表头（{len(names)} 列）多出 {_EXTRA_FIELDS} 个以上，无法对应到列"
        ) from exc
    except pd.errors.EmptyDataError:
        chunks = []
    except pd.errors.ParserError as exc:
        raise ReadError(f"{path.name} 不是格式正确的 CSV：{exc}") from exc
    if not chunks:
        frame = pd.DataFrame(columns=[*names, *padding], dtype=object)
    else:
        frame = pd.concat(chunks) if len(chunks) > 1 else chunks[0]
    # A short row's missing fields are empty cells (""). Padding columns are dropped unless a row has
    # data there (then the validator reports a column without a header).
    unused = [name for name in padding if not "".join(frame[name].tolist())]
    frame = frame.drop(columns=unused)
    return frame, header_row, _title_warning(path.name, rows, header_row)


def _cell_text(value: object) -> str:
    """An XLSX cell as text: dates as ISO (time kept only if not midnight), whole numbers without ``.0``."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _sheet_rows(sheet: Any) -> list[tuple[object, ...]]:
    rows = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    while rows and all(value is None or value == "" for value in rows[-1]):
        rows.pop()
    return rows


#: Formula cells listed by name when a workbook has formulas without computed values.
_FORMULAS_SHOWN = 5


def _has_formulas(path: Path) -> bool:
    """Whether any worksheet of the workbook holds a formula (an ``<f>`` element), read in chunks from the zip
    without parsing: most import files have none, and then the second reading below is skipped."""
    try:
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if not name.startswith("xl/worksheets/") or not name.endswith(".xml"):
                    continue
                with archive.open(name) as member:
                    tail = b""
                    while chunk := member.read(1 << 20):
                        if b"<f>" in tail + chunk or b"<f " in tail + chunk:
                            return True
                        tail = chunk[-3:]
    except (OSError, zipfile.BadZipFile):
        return False
    return False


def _refuse_uncomputed_formulas(path: Path, title: str, rows: Sequence[Sequence[object]]) -> None:
    """A formula cell whose workbook holds no computed value (written by a program, never opened and saved in
    Excel) reads as empty: an end date or a name would vanish in silence (an ended role read as still held). Such
    a file is refused, naming the cells; one saved by Excel carries the values and loads as it is."""
    if not _has_formulas(path):
        return
    book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        sheet = book[title]
        formulas = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()
    missing = [
        f"第 {number} 行第 {column} 列（{formula}）"
        for number, (computed, written) in enumerate(zip(rows, formulas, strict=False), start=1)
        for column, formula in enumerate(written, start=1)
        if isinstance(formula, str)
        and formula.startswith("=")
        and (computed[column - 1] if column <= len(computed) else None) is None
    ]
    if missing:
        shown = "；".join(missing[:_FORMULAS_SHOWN]) + (
            f" 等 {len(missing)} 处" if len(missing) > _FORMULAS_SHOWN else ""
        )
        raise ReadError(
            f"{path.name} 的工作表“{title}”含有没有计算结果的公式：{shown}；请在 Excel 中打开并保存"
            "（或将公式粘贴为数值）后再导入"
        )


def _read_xlsx(path: Path) -> RawTable:
    """The first sheet with a recognisable header row (see :func:`_header_index`), else the first sheet."""
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError as exc:
        raise ReadError(f"找不到文件 {path}") from exc
    except PermissionError as exc:
        raise ReadError(f"无法读取文件 {path}：{exc.strerror or exc}") from exc
    except Exception as exc:  # openpyxl raises zipfile/XML errors of many kinds for a damaged file
        raise ReadError(f"{path.name} 不是可读取的 Excel 工作簿（.xlsx）：{exc}") from exc
    try:
        sheets = [sheet for sheet in book.worksheets if sheet.sheet_state == "visible"] or book.worksheets
        chosen: tuple[str, list[tuple[object, ...]], int] | None = None
        first: tuple[str, list[tuple[object, ...]]] | None = None
        others: list[str] = []
        for sheet in sheets:
            rows = _sheet_rows(sheet)
            if first is None:
                first = (sheet.title, rows)
            if chosen is not None:
                if rows:
                    others.append(sheet.title)
                continue
            found = _header_index([[_cell_text(value) for value in row] for row in rows[:HEADER_SEARCH_ROWS]])
            if found is not None:
                chosen = (sheet.title, rows, found)
            elif rows and sheet is not sheets[0]:
                others.append(sheet.title)
    except Exception as exc:
        raise ReadError(f"{path.name} 不是可读取的 Excel 工作簿（.xlsx）：{exc}") from exc
    finally:
        book.close()
    notes: list[str] = []
    if chosen is None:
        if first is None or not first[1]:
            raise ReadError(f"{path.name} 的第一个工作表是空的（没有表头）")
        chosen = (first[0], first[1], 0)
    title, rows, found = chosen
    if len(sheets) > 1:
        notes.append(
            f"{path.name} 有 {len(sheets)} 个工作表，读取的是工作表“{title}”"
            + (f"；未读取：{'、'.join(others)}" if others else "")
        )
    header_row = found + 1
    _refuse_uncomputed_formulas(path, title, rows)
    header_cells = [_cell_text(value) for value in rows[found]]
    width = max((len(row) for row in rows), default=0)
    header_cells += [""] * (width - len(header_cells))
    names = _column_names(path, header_cells, header_row)
    data_rows = rows[header_row:]
    numeric: dict[str, pd.Series] = {}
    texts: dict[str, list[object]] = {}
    index = pd.RangeIndex(header_row + 1, header_row + 1 + len(data_rows))
    for position, name in enumerate(names):
        values = [row[position] if position < len(row) else None for row in data_rows]
        if all(isinstance(value, str) for value in values):
            texts[name] = values
            continue
        mask = np.array([_is_number(value) for value in values], dtype=bool)
        if mask.any():
            numeric[name] = pd.Series(mask, index=index)
        texts[name] = [_cell_text(value) for value in values]
    frame = pd.DataFrame(texts, index=index, columns=names, dtype=object)
    titles = [[_cell_text(value) for value in row] for row in rows[:found]]
    notes.extend(_title_warning(path.name, titles, header_row))
    return RawTable(
        path=path,
        frame=frame,
        encoding="xlsx",
        warnings=notes,
        numeric_cells=numeric,
        header_row=header_row,
        sheet=title,
    )


def _trim(frame: pd.DataFrame) -> pd.DataFrame:
    """Cells without surrounding (full-width) spaces; rows whose every cell is empty dropped.

    A comprehension per column: pandas' ``.str.strip`` on object columns makes the same per-value call
    with several times the overhead, and this runs on every cell of every file.
    """
    if frame.empty or frame.columns.empty:
        return frame
    columns: dict[str, npt.NDArray[np.object_]] = {}
    blank = np.ones(len(frame), dtype=bool)
    for header in frame.columns:
        values = np.array([value.strip() for value in frame[header].tolist()], dtype=object)
        blank &= values == ""
        columns[header] = values
    trimmed = pd.DataFrame(columns, index=frame.index, columns=frame.columns, dtype=object)
    return trimmed[~blank] if blank.any() else trimmed


def kind_from_name(path: Path) -> FileKind | None:
    """The file kind the file's name gives, if it names one (what :func:`detect_kind` tries first)."""
    # "enterprises.quarantine.csv" → "enterprises.quarantine": the stem check looks for words inside.
    return kind_from_stem(path.name.rsplit(".", 1)[0])


def detect_kind(path: Path, headers: list[str]) -> FileKind | None:
    """The file kind: from the file-name stem if it names one, else from the headers.

    From headers, the kind whose required columns are all present and which recognises the most
    headers wins; a tie, or no kind with all its required columns, gives ``None``.
    """
    by_name = kind_from_name(path)
    if by_name is not None:
        return by_name
    keys = {header_key(header) for header in headers} - {header_key(name) for name in QUARANTINE_COLUMNS}
    scored: list[tuple[int, FileKind]] = []
    for kind, contract in CONTRACTS.items():
        mapping = contract.header_map()
        matched = {mapping[key] for key in keys if key in mapping}
        if set(contract.required) <= matched:
            scored.append((len(matched), kind))
    scored.sort(key=lambda item: item[0], reverse=True)
    if not scored or (len(scored) > 1 and scored[0][0] == scored[1][0]):
        return None
    return scored[0][1]


def iter_files(path: Path) -> Iterator[Path]:
    """The import files under ``path`` (itself if a file), sorted; quarantine files are skipped."""
    if path.is_dir():
        for child in sorted(path.iterdir()):
            if (
                child.is_file()
                and child.suffix.lower() in EXTENSIONS
                and not child.name.lower().endswith(".quarantine.csv")
                and not child.name.startswith("~$")  # Excel's lock file for an open workbook
                # Hidden files: macOS "._name.csv" resource forks, LibreOffice ".~lock" files.
                and not child.name.startswith(".")
            ):
                yield child
    else:
        yield path
