"""Reading import files (CSV, XLSX) into frames of text, and telling which file of the contract each is.

Every cell is read as text, so that leading zeros and the trailing ``X`` of an id number survive. CSV is
decoded as UTF-8 (with or without BOM) and, failing that, as GB18030 — the superset of GBK that Excel
on a Chinese Windows writes — with a warning. XLSX goes through openpyxl; its cells keep their Excel
types just long enough to turn dates into ISO text and to remember which cells held *numbers*: an
18-digit id typed into a number-formatted column has lost its last digits, and the validator says so.

Row numbers are spreadsheet rows: the header is row 1, the first data row is row 2. Cells are trimmed of
surrounding spaces; completely blank rows are dropped (and not counted as read), keeping the other rows' numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
from tqdm import tqdm

from graph.store.port import FileKind
from loaders.contract import CONTRACTS, QUARANTINE_COLUMNS, header_key, kind_from_stem

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


def _read_csv(path: Path, *, progress: bool) -> RawTable:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(f"无法读取文件 {path}：{exc.strerror or exc}") from exc
    if not data.strip():
        raise ReadError(f"{path.name} 是空文件（没有表头）")
    # pandas' C parser decodes as it goes (faster than decoding first); invalid UTF-8 raises, and the
    # file is read again as GB18030.
    try:
        frame = _parse_csv(path, data, "utf-8", progress=progress)
        encoding = "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
        warnings = []
    except UnicodeDecodeError:
        try:
            frame = _parse_csv(path, data, "gb18030", progress=progress)
        except UnicodeDecodeError as exc:
            raise ReadError(
                f"{path.name} 的编码无法识别：既不是 UTF-8，也不是 GBK/GB18030；"
                "请在 Excel 中另存为“CSV UTF-8（逗号分隔）”"
            ) from exc
        encoding, warnings = "gb18030", [_GB18030_WARNING.format(name=path.name)]
    frame.columns = pd.Index([str(name).lstrip("\ufeff") for name in frame.columns])
    frame.index = pd.RangeIndex(2, 2 + len(frame))
    return RawTable(path=path, frame=frame, encoding=encoding, warnings=warnings)


def _parse_csv(path: Path, data: bytes, encoding: str, *, progress: bool) -> pd.DataFrame:
    first_line = data.lstrip(b"\r\n").split(b"\n", 1)[0]
    # Excel's "Unicode text" export is tab-separated; accept it rather than report one giant column.
    separator = "\t" if b"\t" in first_line and b"," not in first_line else ","
    chunks: list[pd.DataFrame] = []
    show = progress and len(data) >= PROGRESS_BYTES
    try:
        reader = pd.read_csv(
            io.BytesIO(data),
            sep=separator,
            encoding=encoding,
            dtype=object,
            keep_default_na=False,
            skip_blank_lines=False,
            quoting=csv.QUOTE_MINIMAL,
            chunksize=_CHUNK_ROWS,
        )
        with (
            reader,
            tqdm(desc=f"读取 {path.name}", unit="行", unit_scale=True, disable=not show, leave=False) as bar,
        ):
            for chunk in reader:
                chunks.append(chunk)
                bar.update(len(chunk))
    except pd.errors.EmptyDataError as exc:
        raise ReadError(f"{path.name} 是空文件（没有表头）") from exc
    except pd.errors.ParserError as exc:
        raise ReadError(f"{path.name} 不是格式正确的 CSV：{exc}") from exc
    frame = pd.concat(chunks) if len(chunks) > 1 else chunks[0]
    # A short row leaves its missing fields NaN: they are empty cells.
    return frame.fillna("")


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


def _read_xlsx(path: Path) -> RawTable:
    try:
        frame = pd.read_excel(
            path, sheet_name=0, dtype=object, keep_default_na=False, na_filter=False, engine="openpyxl"
        )
    except FileNotFoundError as exc:
        raise ReadError(f"找不到文件 {path}") from exc
    except (ValueError, OSError, KeyError) as exc:
        raise ReadError(f"{path.name} 不是可读取的 Excel 工作簿（.xlsx）：{exc}") from exc
    except Exception as exc:  # openpyxl raises zipfile/XML errors of many kinds for a damaged file
        raise ReadError(f"{path.name} 不是可读取的 Excel 工作簿（.xlsx）：{exc}") from exc
    headers = [_cell_text(name) for name in frame.columns]
    if not frame.columns.size or all(header_key(h) == "" or h.startswith("Unnamed:") for h in headers):
        raise ReadError(f"{path.name} 的第一个工作表是空的（没有表头）")
    frame.columns = pd.Index(headers)
    numeric: dict[str, pd.Series] = {}
    texts: dict[str, pd.Series] = {}
    for header in headers:
        column = frame[header]
        if column.dtype != object or not column.map(lambda value: isinstance(value, str)).all():
            mask = column.map(_is_number).astype(bool)
            if mask.any():
                numeric[header] = mask
            texts[header] = column.map(_cell_text).astype(object)
        else:
            texts[header] = column.astype(object)
    text_frame = pd.DataFrame(texts, index=frame.index, columns=headers)
    text_frame.index = pd.RangeIndex(2, 2 + len(text_frame))
    for mask in numeric.values():
        mask.index = text_frame.index
    return RawTable(path=path, frame=text_frame, encoding="xlsx", numeric_cells=numeric)


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
        values = np.array([value.strip() for value in frame[header].astype(str).tolist()], dtype=object)
        blank &= values == ""
        columns[header] = values
    trimmed = pd.DataFrame(columns, index=frame.index, columns=frame.columns, dtype=object)
    return trimmed[~blank] if blank.any() else trimmed


def detect_kind(path: Path, headers: list[str]) -> FileKind | None:
    """The file kind: from the file-name stem if it names one, else from the headers.

    From headers, the kind whose required columns are all present and which recognises the most
    headers wins; a tie, or no kind with all its required columns, gives ``None``.
    """
    # "enterprises.quarantine.csv" → "enterprises.quarantine": the stem check looks for words inside.
    by_name = kind_from_stem(path.name.rsplit(".", 1)[0])
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
            ):
                yield child
    else:
        yield path
