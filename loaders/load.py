"""Loading import files into a store: read, validate in dependency order, write once, report.

``load_paths`` is the whole import: it never half-loads in silence. With ``on_error="reject"`` (the
default) one bad row anywhere means nothing is written from any file; with ``"quarantine"`` the good
rows are written and the bad ones go to ``<stem>.quarantine.csv`` beside the file (or in
``quarantine_dir``), each with its row number, column, value and reason. Either way the counts add up
per file: ``read = loaded + quarantined + rejected``.

All good rows of all files are written by one ``Store.write_batch`` call, so one transaction: natural
keys make a re-load of the same files write nothing new (all rows "unchanged"). The call starts before
validation ends: the store takes each kind as soon as it is validated (a thread of its own, mostly inside
the database, while the interpreter validates the next kind), and rolls back if the load is rejected. Propagation is the
caller's business. Measures are versioned (:mod:`graph.measures`): before the first publication a measures
file maintains the imported list (version 0); after it, the file's measures go into the draft of the next
version, and the report says so.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from graph.ids import SubjectType
from graph.store.port import FileKind, LoadBatch, Store, WriteCounts
from loaders.contract import CONTRACTS, QUARANTINE_COLUMNS
from loaders.reader import RawTable, ReadError, detect_kind, iter_files, kind_from_name, read_table
from loaders.validate import WRITE_COLUMNS, CheckedFile, Problem, References, check_table

__all__ = ["FileReport", "LoadReport", "OnError", "load_paths"]

OnError = Literal["reject", "quarantine"]

#: At most this many problems are kept in the load history the store records (the report has them all).
HISTORY_PROBLEMS = 1000
#: A load of files of at least this many bytes in all (about 50,000 rows) is written while it is validated
#: (see ``load_paths``); a smaller one is validated first and written only if it may be: the overlap would
#: not pay for the hand-over.
PIPELINE_BYTES = 4 * 2**20

_ENCODING_LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8（带 BOM）",
    "gb18030": "GB18030/GBK",
    "utf-16": "UTF-16（Unicode 文本）",
    "xlsx": "Excel",
}


@dataclass(slots=True)
class FileReport:
    """What happened to one file. ``counts`` is set when the file was the only one of its kind written
    (the store counts per kind; :attr:`LoadReport.counts` always has the per-kind numbers)."""

    path: str
    kind: FileKind | None = None
    encoding: str | None = None
    read: int = 0
    loaded: int = 0
    quarantined: int = 0
    rejected: int = 0
    counts: WriteCounts | None = None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    quarantine_path: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return Path(self.path).name

    def to_dict(self, problem_limit: int | None = None) -> dict[str, Any]:
        problems = self.problems if problem_limit is None else self.problems[:problem_limit]
        return {
            "path": self.path,
            "kind": self.kind.value if self.kind else None,
            "encoding": self.encoding,
            "read": self.read,
            "loaded": self.loaded,
            "quarantined": self.quarantined,
            "rejected": self.rejected,
            "counts": _counts_dict(self.counts) if self.counts else None,
            "problem_count": len(self.problems),
            "problems": [problem.to_dict() for problem in problems],
            "warnings": list(self.warnings),
            "quarantine_path": self.quarantine_path,
        }


@dataclass(slots=True)
class LoadReport:
    """The outcome of :func:`load_paths`.

    ``ok`` is false when something blocked: in reject mode any problem (and then nothing was written);
    in quarantine mode a file that could not be used at all (unreadable, unknown kind, wrong headers).
    """

    on_error: OnError
    ok: bool
    written: bool
    files: list[FileReport]
    counts: dict[FileKind, WriteCounts] = field(default_factory=dict)

    @property
    def problems(self) -> list[Problem]:
        return [problem for report in self.files for problem in report.problems]

    def totals(self) -> dict[str, int]:
        return {
            "read": sum(report.read for report in self.files),
            "loaded": sum(report.loaded for report in self.files),
            "quarantined": sum(report.quarantined for report in self.files),
            "rejected": sum(report.rejected for report in self.files),
            "problems": sum(len(report.problems) for report in self.files),
        }

    def to_dict(self, problem_limit: int | None = None) -> dict[str, Any]:
        """JSON-able; ``problem_limit`` caps the problems listed per file (counts stay exact)."""
        return {
            "ok": self.ok,
            "on_error": self.on_error,
            "written": self.written,
            "totals": self.totals(),
            "counts": {kind.value: _counts_dict(counts) for kind, counts in self.counts.items()},
            "files": [report.to_dict(problem_limit) for report in self.files],
        }

    def format_text(self, limit: int = 50) -> str:
        """A report for people, in Chinese, listing at most ``limit`` problems."""
        totals = self.totals()
        lines: list[str] = []
        if self.on_error == "reject" and not self.ok:
            lines.append(
                f"导入被拒绝：发现 {totals['problems']} 处问题，未写入任何数据（可改用隔离模式导入正确的行）"
            )
        else:
            verdict = "导入完成" if self.ok else "导入部分完成"
            lines.append(
                f"{verdict}：读取 {totals['read']} 行，导入 {totals['loaded']} 行，隔离 {totals['quarantined']} 行"
                + (f"，拒绝 {totals['rejected']} 行" if totals["rejected"] else "")
            )
        for report in self.files:
            label = CONTRACTS[report.kind].label if report.kind else "类型未知"
            encoding = _ENCODING_LABELS.get(report.encoding or "", report.encoding or "未读取")
            line = (
                f"  {report.name}（{label}，{encoding}）：读取 {report.read} 行，导入 {report.loaded} 行，"
                f"隔离 {report.quarantined} 行"
            )
            if report.rejected:
                line += f"，拒绝 {report.rejected} 行"
            if report.counts:
                line += f"；新增 {report.counts.inserted}，更新 {report.counts.updated}，未变 {report.counts.unchanged}"
            lines.append(line)
            lines.extend(f"    警告：{warning}" for warning in report.warnings)
            if report.quarantine_path:
                lines.append(f"    隔离文件：{report.quarantine_path}")
        problems = [(report, problem) for report in self.files for problem in report.problems]
        if problems:
            lines.append("问题：")
            for report, problem in problems[:limit]:
                lines.append("  " + _describe(report, problem))
            if len(problems) > limit:
                lines.append(f"  … 另有 {len(problems) - limit} 处")
        return "\n".join(lines)


def _counts_dict(counts: WriteCounts) -> dict[str, int]:
    return {"inserted": counts.inserted, "updated": counts.updated, "unchanged": counts.unchanged}


def _describe(report: FileReport, problem: Problem) -> str:
    text = Path(problem.file).name
    if problem.row is None and problem.column is None and problem.reason.startswith(text):
        return problem.reason  # a file-level reason that names the file already
    if problem.row is not None:
        text += f" 第 {problem.row} 行"
    if problem.column:
        header = report.headers.get(problem.column)
        text += f" 列 {problem.column}" + (f"（{header}）" if header and header != problem.column else "")
    if problem.value:
        text += f" 值 {problem.value}"
    return f"{text}：{problem.reason}"


@dataclass(slots=True)
class _Item:
    """One input file on its way through the load."""

    report: FileReport
    #: The file to read; None for a path that does not exist.
    path: Path | None = None
    #: The kind its name (or the caller) gives, known before it is read; else None until read.
    expected: FileKind | None = None
    table: RawTable | None = None
    checked: CheckedFile | None = None
    #: The read ahead of validation, while earlier kinds are validated and written (large loads).
    reading: Future[None] | None = None
    #: Its file was read (or could not be).
    read_done: bool = False


_SUBJECT_FILES: dict[FileKind, tuple[SubjectType, str]] = {
    FileKind.enterprises: (SubjectType.enterprise, "uscc"),
    FileKind.persons: (SubjectType.person, "id_number"),
}


def load_paths(
    store: Store,
    paths: Sequence[Path],
    *,
    on_error: OnError = "reject",
    quarantine_dir: Path | None = None,
    progress: bool = True,
    kinds: Mapping[Path, FileKind] | None = None,
    today: dt.date | None = None,
) -> LoadReport:
    """Validate and load import files (CSV/XLSX, see ``docs/import-formats.md``) into ``store``.

    Parameters
    ----------
    store
        Where good rows are written, in one ``write_batch`` call; also asked which referenced subjects
        it already holds, and told the load's history (``record_load``).
    paths
        Files, or directories whose ``.csv``/``.xlsx`` files are all loaded (quarantine files skipped).
    on_error
        ``"reject"``: any problem means nothing is written. ``"quarantine"``: good rows are written,
        bad rows go to ``<stem>.quarantine.csv``.
    quarantine_dir
        Where quarantine files go; default: beside each input file.
    progress
        Progress bars on stderr while large files are read.
    kinds
        File kind per path, for files whose name and headers do not tell.
    today
        Reference date for "birth date not in the future" (default: today).

    Returns
    -------
    LoadReport
        Per file: rows read, loaded, quarantined, rejected, the store's write counts and every problem.
    """
    if on_error not in ("reject", "quarantine"):
        raise ValueError(f"on_error must be 'reject' or 'quarantine', not {on_error!r}")
    overrides = {Path(path).resolve(): kind for path, kind in (kinds or {}).items()}
    items = _list_files(paths, overrides)
    # A file whose kind only its headers tell is read first; the others are read in dependency order by a
    # reader thread, each while the kinds before it are validated and written.
    for item in items:
        if item.path is not None and item.expected is None:
            _read(item, overrides, progress=progress)
    by_kind: dict[FileKind, list[_Item]] = {kind: [] for kind in FileKind}
    for item in items:
        kind = item.expected or (item.report.kind if item.table is not None else None)
        if kind is not None:
            by_kind[kind].append(item)
    refs = References(store)
    seen_keys: dict[FileKind, pd.DataFrame] = {}
    files_per_kind = Counter({kind: len(found) for kind, found in by_kind.items()})

    # The store writes each kind's good rows as soon as that kind is validated (policies, measures, subjects,
    # then what refers to them), in its one transaction, while the next kind is read and validated: the write
    # spends most of its time inside the database, which leaves the interpreter to reading and validation.
    # Reject mode abandons the write (a rollback: nothing is written) at the first problem found.
    feed = _Feed()
    pipelined = sum(_size(item.path) for item in items) >= PIPELINE_BYTES
    with (
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="credlink-load-read") as reader,
        ThreadPoolExecutor(max_workers=1, thread_name_prefix="credlink-load-write") as pool,
    ):
        if (
            pipelined
        ):  # a small load reads each file when it comes to it: a thread would cost more than it saves
            for kind in FileKind:
                for item in by_kind[kind]:
                    if not item.read_done:
                        item.reading = reader.submit(_read, item, overrides, progress=progress)
        writing = pool.submit(store.write_batch, LoadBatch(feed)) if pipelined else None
        try:
            # FileKind's order is the dependency order: policies, measures, subjects, then what refers to them.
            for kind in FileKind:
                for item in by_kind[kind]:
                    if item.reading is not None:
                        item.reading.result()
                    elif not item.read_done:
                        _read(item, overrides, progress=progress)
                    if item.table is not None:
                        _check(item, refs, seen_keys, files_per_kind, today)
                if on_error == "reject" and any(item.report.problems for item in items):
                    feed.abandon()
                feed.put(kind, _good_rows(by_kind[kind]))
        finally:
            reader.shutdown(cancel_futures=True)  # after a failure, files not yet read are not read
            feed.abandon()  # no-op once every kind is in; else the writer must not wait for ever
        blocking = any(item.checked is None or item.checked.file_problems for item in items)
        any_problem = any(item.report.problems for item in items)
        write = not any_problem if on_error == "reject" else True
        counts: dict[FileKind, WriteCounts] = {}
        if writing is None:
            if write and len(feed):
                counts = store.write_batch(LoadBatch(feed))
        else:
            try:
                counts = writing.result()
            except _Abandoned:
                assert not write
            except Exception:
                if write:
                    raise
                # Rolled back, and the report says why nothing was written.
    if write and FileKind.measures in counts:
        _note_measures_draft(store, items, counts[FileKind.measures])
    taken: set[Path] = set()
    for item in items:
        _settle(item, on_error=on_error, written=write, quarantine_dir=quarantine_dir, taken=taken)
    files_per_kind = Counter(item.report.kind for item in items if item.report.kind)
    for item in items:
        held = item.report.kind
        if held in counts and files_per_kind[held] == 1:
            item.report.counts = counts[held]

    ok = not any_problem if on_error == "reject" else not blocking
    report = LoadReport(
        on_error=on_error,
        ok=ok,
        written=write and bool(counts),
        files=[i.report for i in items],
        counts=counts,
    )
    store.record_load(on_error, report.to_dict(problem_limit=HISTORY_PROBLEMS))
    return report


def _list_files(paths: Sequence[Path], overrides: Mapping[Path, FileKind]) -> list[_Item]:
    """One item per import file under ``paths``, in the order given, each with the kind its name (or the
    caller) gives; a path that does not exist is an item with its problem."""
    items: list[_Item] = []
    seen: set[Path] = set()
    for given in paths:
        given = Path(given)
        if not given.exists():
            report = FileReport(path=str(given))
            report.problems.append(Problem(str(given), None, None, None, f"找不到文件或目录 {given}"))
            items.append(_Item(report))
            continue
        for path in iter_files(given):
            resolved = path.resolve()
            if resolved in seen:
                continue
            seen.add(resolved)
            expected = overrides.get(resolved) or kind_from_name(path)
            items.append(_Item(FileReport(path=str(path)), path=path, expected=expected))
    return items


def _size(path: Path | None) -> int:
    try:
        return path.stat().st_size if path is not None else 0
    except OSError:
        return 0  # reading it will say why


def _read(item: _Item, overrides: Mapping[Path, FileKind], *, progress: bool) -> None:
    """Read the item's file and tell its kind; a file that cannot be read, or whose kind cannot be told,
    keeps its problem in its report and no table."""
    path, report = item.path, item.report
    assert path is not None
    item.read_done = True
    try:
        table = read_table(path, progress=progress)
    except ReadError as exc:
        report.problems.append(Problem(str(path), None, None, None, exc.reason))
        return
    report.encoding = table.encoding
    report.warnings.extend(table.warnings)
    report.read = len(table.frame)
    report.kind = overrides.get(path.resolve()) or detect_kind(path, list(table.frame.columns))
    if report.kind is None:
        report.problems.append(
            Problem(
                str(path),
                None,
                None,
                None,
                "无法判断文件类型：请按内容命名文件（如 enterprises.csv、企业.xlsx、任职.csv），"
                "或使用规定的表头，或明确指定文件类型",
            )
        )
        return
    item.table = table


def _problem_order(kind: FileKind) -> Any:
    names = WRITE_COLUMNS[kind]

    def key(problem: Problem) -> tuple[int, int]:
        column = names.index(problem.column) if problem.column in names else len(names)
        return (problem.row or 0, column)

    return key


def _key_frame(kind: FileKind, rows: pd.DataFrame) -> pd.DataFrame:
    keys = rows[list(CONTRACTS[kind].key)].astype(object)
    if kind is FileKind.roles:
        keys = keys.fillna("")
    return keys


def _flag_cross_file_duplicates(item: _Item, seen_keys: dict[FileKind, pd.DataFrame]) -> None:
    """A key already loaded from an earlier file of the same kind in this load makes the later row bad."""
    checked = item.checked
    assert checked is not None
    kind = checked.kind
    key = list(CONTRACTS[kind].key)
    keys = _key_frame(kind, checked.good)
    earlier = seen_keys.get(kind)
    if earlier is not None and len(keys) and len(earlier):
        matched = keys.reset_index(names="_row").merge(earlier, on=key, how="inner")
        if len(matched):
            checked.mark_bad(
                pd.Index(matched["_row"].astype(int)),
                (
                    Problem(
                        item.report.path,
                        int(row),
                        key[0],
                        str(value),
                        f"重复：与 {Path(file).name} 第 {earlier_row} 行的键相同",
                    )
                    for row, value, file, earlier_row in zip(
                        matched["_row"],
                        matched[key[0]],
                        matched["_file"],
                        matched["_earlier_row"],
                        strict=True,
                    )
                ),
            )
            keys = _key_frame(kind, checked.good)
    if len(keys):
        fresh = keys.assign(_file=item.report.path, _earlier_row=keys.index.to_numpy())
        seen_keys[kind] = fresh if earlier is None else pd.concat([earlier, fresh], ignore_index=True)


def _note_measures_draft(store: Store, items: list[_Item], counts: WriteCounts) -> None:
    """Once a version of the measures list is published, an imported measures file fills the draft: say so
    on the file, since nothing it changed applies before the draft is published."""
    published = [version for version in store.measure_versions() if version.published_on is not None]
    if not published or counts.inserted + counts.updated == 0:
        return
    warning = (
        f"措施清单已发布至第 {published[-1].version} 版：本文件新增 {counts.inserted} 项、修改 {counts.updated} 项"
        "已写入草稿，发布新版本后才生效（credlink measures draft 查看，credlink measures publish 发布）"
    )
    for item in items:
        if item.report.kind is FileKind.measures:
            item.report.warnings.append(warning)


def _check(
    item: _Item,
    refs: References,
    seen_keys: dict[FileKind, pd.DataFrame],
    files_per_kind: Counter[FileKind],
    today: dt.date | None,
) -> None:
    """Validate one file against the contract and what earlier kinds (and the store) hold."""
    assert item.table is not None
    assert item.report.kind is not None
    checked = check_table(item.table, item.report.kind, refs, today=today)
    item.checked = checked
    item.report.headers = checked.headers
    item.report.warnings.extend(checked.warnings)
    if checked.file_problems:
        item.report.problems.extend(checked.file_problems)
        return
    if files_per_kind[item.report.kind] > 1:
        _flag_cross_file_duplicates(item, seen_keys)
    if item.report.kind in _SUBJECT_FILES:
        subject_type, column = _SUBJECT_FILES[item.report.kind]
        good, bad = checked.good, checked.rows[checked.bad.to_numpy()]
        refs.add_good(subject_type, good[column])
        where = pd.Series(
            [f"{item.report.name} 第 {row} 行" for row in bad.index.tolist()],
            index=bad.index,
            dtype=object,
        )
        refs.add_bad(subject_type, bad[column].astype(str), where)
    checked.problems.sort(key=_problem_order(checked.kind))
    item.report.problems.extend(checked.problems)


def _good_rows(items: list[_Item]) -> pd.DataFrame | None:
    """The good rows of one kind's validated files, as the store takes them; ``None`` if there are none."""
    chunks = [
        item.checked.good[WRITE_COLUMNS[item.checked.kind]]
        for item in items
        if item.checked is not None and not item.checked.file_problems and len(item.checked.good)
    ]
    if not chunks:
        return None
    return (pd.concat(chunks) if len(chunks) > 1 else chunks[0]).reset_index(drop=True).astype(object)


class _Abandoned(Exception):
    """The load will write nothing (reject mode found a problem): the store rolls its transaction back."""


class _Feed(Mapping[FileKind, pd.DataFrame]):
    """A :class:`LoadBatch`'s frames, each available once the loader has validated its kind.

    ``get(kind)`` waits for that kind (stores take the kinds in ``FileKind`` order), and raises
    :class:`_Abandoned` once the loader has given up writing, so that the store's transaction rolls back.
    """

    def __init__(self) -> None:
        self._frames: dict[FileKind, pd.DataFrame] = {}
        self._ready = {kind: threading.Event() for kind in FileKind}
        self._abandoned = False

    def put(self, kind: FileKind, frame: pd.DataFrame | None) -> None:
        if frame is not None:
            self._frames[kind] = frame
        self._ready[kind].set()

    def abandon(self) -> None:
        if not all(event.is_set() for event in self._ready.values()):
            self._abandoned = True
        for event in self._ready.values():
            event.set()

    def _wait(self, kind: FileKind) -> None:
        self._ready[kind].wait()
        if self._abandoned:
            raise _Abandoned

    def __getitem__(self, kind: FileKind) -> pd.DataFrame:
        self._wait(kind)
        return self._frames[kind]

    def __iter__(self) -> Iterator[FileKind]:
        for kind in FileKind:
            self._wait(kind)
        return iter([kind for kind in FileKind if kind in self._frames])

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _settle(
    item: _Item, *, on_error: OnError, written: bool, quarantine_dir: Path | None, taken: set[Path]
) -> None:
    """Fill in the file's counts and, in quarantine mode, write its quarantine file."""
    report = item.report
    checked = item.checked
    if checked is None or not written:
        report.rejected = report.read
    elif checked.file_problems:
        report.quarantined = report.read
    else:
        report.quarantined = int(checked.bad.sum())
        report.loaded = report.read - report.quarantined
    if on_error == "quarantine" and report.quarantined and item.table is not None and checked is not None:
        report.quarantine_path = str(_write_quarantine(item.table, checked, quarantine_dir, taken))
    assert report.read == report.loaded + report.quarantined + report.rejected, report


def _write_quarantine(
    table: RawTable, checked: CheckedFile, quarantine_dir: Path | None, taken: set[Path]
) -> Path:
    folder = quarantine_dir or table.path.parent
    folder.mkdir(parents=True, exist_ok=True)
    # Two inputs with one stem (a/企业.csv and b/企业.csv into one folder, 企业.csv beside 企业.xlsx) must
    # not overwrite each other's quarantine file.
    target = folder / f"{table.path.stem}.quarantine.csv"
    number = 2
    while target.resolve() in taken:
        target = folder / f"{table.path.stem}-{number}.quarantine.csv"
        number += 1
    taken.add(target.resolve())
    original = table.frame.drop(columns=[c for c in table.frame.columns if c in QUARANTINE_COLUMNS])
    if checked.file_problems:
        bad = original.copy()
        reason = "；".join(problem.reason for problem in checked.file_problems)
        notes = pd.DataFrame({"列": "", "值": "", "原因": reason}, index=bad.index)
    else:
        bad = original[checked.bad.to_numpy()]
        grouped: dict[int, list[Problem]] = {}
        for problem in checked.problems:
            if problem.row is not None:
                grouped.setdefault(problem.row, []).append(problem)
        notes = pd.DataFrame(
            {
                "列": [
                    "；".join(str(p.column or "") for p in grouped.get(int(row), [])) for row in bad.index
                ],
                "值": ["；".join(str(p.value or "") for p in grouped.get(int(row), [])) for row in bad.index],
                "原因": ["；".join(p.reason for p in grouped.get(int(row), [])) for row in bad.index],
            },
            index=bad.index,
        )
    out = bad.copy()
    out.insert(len(out.columns), "行号", bad.index.astype(int))
    for name in ("列", "值", "原因"):
        out[name] = notes[name]
    # UTF-8 with BOM: Excel on Windows opens it with the Chinese intact.
    out.to_csv(target, index=False, encoding="utf-8-sig")
    return target
