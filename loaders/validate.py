"""Row validation of import files: every cell checked, vectorised over columns.

Nothing here loops over rows in Python. Identifiers, dates and enumeration values are validated once per
*distinct* value and mapped back onto the column. Identifiers are judged by :mod:`graph.ids` (the
project's one implementation, on python-stdnum's check characters), whose message names the problem and
the expected check character; a numpy pre-filter (:mod:`loaders.fastids`, proven to agree in tests) lets
the plain valid ones through without a Python call each. A reference to a subject already known is not
checked again. Problems are
materialised only for bad rows.

A row is bad if any of its cells is; a file is unusable (file-level problem) if its headers are wrong.
References (a role's holder and enterprise, an entry's subject) must name a subject known to the store
or one of the *good* rows of the enterprises/persons files of the same load.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
import pandas as pd

from graph.ids import SubjectType, compact, id_number_problem, uscc_problem
from graph.model import PERSON_ROLES, ListKind, Role
from graph.store.port import BATCH_COLUMNS, FileKind, Store
from loaders.contract import (
    CODE_LABELS,
    CONTRACTS,
    ID_COLUMNS,
    IGNORED_HEADERS,
    QUARANTINE_COLUMNS,
    VALUE_ALIASES,
    FileContract,
    header_key,
    value_key,
)
from loaders.fastids import compact_identity, valid_id_numbers, valid_usccs
from loaders.reader import RawTable

__all__ = [
    "WRITE_COLUMNS",
    "CheckedFile",
    "Problem",
    "References",
    "check_table",
]

T = TypeVar("T")
BoolArray = npt.NDArray[np.bool_]

#: The columns of each frame handed to ``Store.write_batch``, defined once on the store port.
WRITE_COLUMNS: dict[FileKind, list[str]] = {kind: list(columns) for kind, columns in BATCH_COLUMNS.items()}


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong: in a file, at a spreadsheet row (``None`` = the whole file), in a column."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "reason": self.reason,
        }


@dataclass(slots=True)
class CheckedFile:
    """A validated file: normalised rows (``WRITE_COLUMNS`` of its kind, index = spreadsheet row), which
    rows are bad and why. With a file-level problem every row counts as bad."""

    kind: FileKind
    rows: pd.DataFrame
    bad: pd.Series
    problems: list[Problem] = field(default_factory=list)
    file_problems: list[Problem] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def good(self) -> pd.DataFrame:
        return self.rows[~self.bad.to_numpy()]

    def mark_bad(self, rows: pd.Index, problems: Iterable[Problem]) -> None:
        self.bad.loc[rows] = True
        self.problems.extend(problems)


def _per_unique(series: pd.Series, function: Callable[[Any], Any]) -> pd.Series:
    """``function`` applied once per distinct value of ``series``, spread back over its rows."""
    codes, uniques = pd.factorize(series.to_numpy(dtype=object))
    results = np.empty(len(uniques), dtype=object)
    results[:] = [function(value) for value in uniques.tolist()]
    return pd.Series(results[codes], index=series.index, dtype=object)


def _parse_unique(
    series: pd.Series, parse: Callable[[str], tuple[T | None, str | None]]
) -> tuple[pd.Series, pd.Series]:
    """``parse`` applied once per distinct value, mapped back: (values, problems), ``None`` where absent."""
    codes, uniques = pd.factorize(series.to_numpy(dtype=object))
    results = [parse(value) for value in uniques.tolist()]
    values = np.empty(len(results), dtype=object)
    values[:] = [result[0] for result in results]
    problems = np.empty(len(results), dtype=object)
    problems[:] = [result[1] for result in results]
    return (
        pd.Series(values[codes], index=series.index, dtype=object),
        pd.Series(problems[codes], index=series.index, dtype=object),
    )


_SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+?\d+$")


def _compact_one(value: str) -> str:
    # An alphanumeric value holds no separator: upper-casing is all graph.ids.compact would do.
    return value.upper() if value.isalnum() else compact(value)


def _compact(series: pd.Series) -> pd.Series:
    """:func:`graph.ids.compact` over a column: values it would leave unchanged are found with numpy
    (:func:`loaders.fastids.compact_identity`), the others compacted once per distinct value."""
    values = series.to_numpy(dtype=object)
    rest = ~compact_identity(values)
    if rest.any():
        values = values.copy()
        values[rest] = _per_unique(pd.Series(values[rest], dtype=object), _compact_one).to_numpy()
    return pd.Series(values, index=series.index, dtype=object)


def _describe(code: str, subject_type: SubjectType, today: dt.date | None) -> str | None:
    """Why ``code`` is not a valid identifier of ``subject_type`` (``None`` if it is), from graph.ids,
    the one implementation of each check algorithm (python-stdnum's check characters)."""
    if subject_type is SubjectType.enterprise:
        problem = uscc_problem(code)
    else:
        problem = id_number_problem(code, today=today)
    if problem is not None and _SCIENTIFIC.match(code):
        return (
            f"{code} 是科学计数法：Excel 把号码当作数值保存，末尾数字已丢失；"
            "请把该列设置为“文本”格式后重新录入号码"
        )
    return problem


def _id_problems(codes: pd.Series, subject_type: SubjectType, today: dt.date | None) -> pd.Series:
    """Per compacted code: the problem text (``None`` if valid). Plain valid codes are recognised with
    numpy (:mod:`loaders.fastids`); the rest are described by :mod:`graph.ids` once per distinct value."""
    values = codes.to_numpy(dtype=object)
    if subject_type is SubjectType.enterprise:
        valid = valid_usccs(values)
    else:
        valid = valid_id_numbers(values, today=today)
    problems = np.full(len(values), None, dtype=object)
    rest = ~valid
    if rest.any():
        problems[rest] = _per_unique(
            pd.Series(values[rest], dtype=object), lambda code: _describe(code, subject_type, today)
        ).to_numpy()
    return pd.Series(problems, index=codes.index, dtype=object)


# --- per-column checks ---------------------------------------------------------------------------------------

_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$")


def _parse_date(text: str) -> tuple[str | None, str | None]:
    if text == "":
        return None, None
    match = _DATE.match(text)
    if match is None:
        return None, f"日期 {text} 格式错误：应为 YYYY-MM-DD（例如 2021-03-01）"
    try:
        day = dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None, f"日期 {text} 不存在"
    return day.isoformat(), None


def _parse_region(text: str) -> tuple[str | None, str | None]:
    if text == "" or (len(text) == 6 and text.isdigit()):
        return text or None, None
    return None, f"行政区划代码 {text} 应为6位数字"


def _parse_ratio(text: str) -> tuple[float | None, str | None]:
    if text == "":
        return None, None
    try:
        number = float(text[:-1]) / 100 if text.endswith(("%", "％")) else float(text)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or not 0 <= number <= 1:
        return None, f"比例 {text} 无效：应为 0 到 1 之间的小数（如 0.35）或百分数（如 35%）"
    return number, None


def _parse_days(text: str) -> tuple[int | None, str | None]:
    if text == "":
        return None, None
    if not text.isdigit() or int(text) > 36_500:
        return None, f"天数 {text} 无效：应为 0 到 36500 之间的整数"
    return int(text), None


#: The longest publicity period a list policy may set, in days.
MAX_PUBLICITY_DAYS = 365


def _parse_publicity_days(text: str) -> tuple[int | None, str | None]:
    if text == "":
        return None, None
    if not text.isdigit() or not 1 <= int(text) <= MAX_PUBLICITY_DAYS:
        return None, f"公示期 {text} 无效：应为 1 到 {MAX_PUBLICITY_DAYS} 之间的整数（天）"
    return int(text), None


def _choices(column: str) -> str:
    codes = dict.fromkeys(VALUE_ALIASES[column].values())
    return "、".join(f"{code}（{CODE_LABELS[code]}）" if code in CODE_LABELS else code for code in codes)


def _parse_enum(column: str, label: str) -> Callable[[str], tuple[str | None, str | None]]:
    aliases = VALUE_ALIASES[column]

    def parse(text: str) -> tuple[str | None, str | None]:
        if text == "":
            return None, None
        code = aliases.get(value_key(text))
        if code is None:
            return None, f"{text} 不是有效的{label}；可选：{_choices(column)}"
        return code, None

    return parse


_LIST_SPLIT = {"roles": re.compile(r"[;；,，、/]+"), "business_items": re.compile(r"[;；]+")}


def _parse_list(
    column: str, label: str, *, open_values: bool
) -> Callable[[str], tuple[str | None, str | None]]:
    aliases = VALUE_ALIASES[column]

    def parse(text: str) -> tuple[str | None, str | None]:
        items = [item.strip() for item in _LIST_SPLIT[column].split(text) if item.strip()]
        codes: list[str] = []
        for item in items:
            code = aliases.get(value_key(item))
            if code is None and not open_values:
                return None, f"{item} 不是有效的{label}；可选：{_choices(column)}"
            codes.append(code or item)
        return ";".join(dict.fromkeys(codes)), None

    return parse


class _Rows:
    """Collects row problems of one file; builds :class:`Problem` objects only for the bad cells."""

    def __init__(self, file: str, index: pd.Index) -> None:
        self.file = file
        self.index = index
        self.bad = np.zeros(len(index), dtype=bool)
        self.problems: list[Problem] = []
        #: A column's values as integer codes (equal values, equal codes), where a check has hashed
        #: them already: the duplicate-key check reuses them instead of hashing millions of ids again.
        self.factorized: dict[str, npt.NDArray[np.intp]] = {}

    def flag(
        self, mask: pd.Series | BoolArray, column: str, values: pd.Series, reasons: pd.Series | str
    ) -> None:
        selected = np.asarray(mask, dtype=bool)
        if not selected.any():
            return
        self.bad |= selected
        rows = self.index[selected].tolist()
        texts = values.to_numpy(dtype=object)[selected].tolist()
        whys = (
            [reasons] * len(rows)
            if isinstance(reasons, str)
            else reasons.to_numpy(dtype=object)[selected].tolist()
        )
        self.problems.extend(
            Problem(self.file, int(row), column, str(text), str(why))
            for row, text, why in zip(rows, texts, whys, strict=True)
        )


# --- references ----------------------------------------------------------------------------------------------


class References:
    """Subjects that rows may refer to: held by the store, or good rows of this load's subject files.

    Bad rows of the subject files are remembered too, so that a role pointing at a quarantined firm
    says where that firm's row is rather than just "unknown".
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._loaded: dict[SubjectType, list[pd.Index]] = {SubjectType.enterprise: [], SubjectType.person: []}
        self._bad: dict[SubjectType, dict[str, str]] = {SubjectType.enterprise: {}, SubjectType.person: {}}

    def add_good(self, subject_type: SubjectType, codes: pd.Series) -> None:
        self._loaded[subject_type].append(pd.Index(codes.to_numpy(dtype=object)))

    def add_bad(self, subject_type: SubjectType, codes: pd.Series, where: pd.Series) -> None:
        self._bad[subject_type].update(zip(codes.tolist(), where.tolist(), strict=True))

    def known(self, subject_type: SubjectType, codes: npt.NDArray[np.object_]) -> BoolArray:
        """Which of the distinct ``codes`` are subjects of ``subject_type`` (this load or the store)."""
        found = np.zeros(len(codes), dtype=bool)
        for loaded in self._loaded[subject_type]:
            # A unique index keeps its hash table between calls (holders, firms and entry subjects ask).
            found |= (
                (loaded.get_indexer(pd.Index(codes)) >= 0)
                if loaded.is_unique
                else pd.Index(codes).isin(loaded)
            )
        missing = codes[~found]
        if len(missing):
            in_store = self.store.existing_codes(subject_type, missing.tolist())
            if in_store:
                found |= pd.Index(codes).isin(list(in_store))
        return found

    def bad_row(self, subject_type: SubjectType, code: str) -> str | None:
        return self._bad[subject_type].get(code)


_NOUN = {SubjectType.enterprise: "企业", SubjectType.person: "人员"}


def _resolve(
    codes: pd.Series,
    allow_person: BoolArray,
    allow_enterprise: BoolArray,
    refs: References,
    today: dt.date | None,
) -> tuple[pd.Series, pd.Series, npt.NDArray[np.intp]]:
    """Subject type of each referenced code, the problem where none fits, and each row's code as an
    integer (equal codes, equal integers).

    A code counts as a person if it is a valid id number known as a person, as an enterprise if it is a
    valid USCC known as an enterprise; each row says which of the two it allows. Work is per distinct
    code; rows combine the per-code answers with numpy masks.
    """
    # One hash pass gives both the distinct codes and each row's position among them.
    position, uniques = pd.factorize(codes.to_numpy(dtype=object), use_na_sentinel=False)
    uniques = np.asarray(uniques, dtype=object)
    # A code held by the store or by a good row of this load was validated then: only the others are
    # validated here, and only to say why they cannot be resolved (most references are known).
    known_person = refs.known(SubjectType.person, uniques)
    known_enterprise = refs.known(SubjectType.enterprise, uniques)

    @cache
    def id_problem(i: int) -> str | None:
        return _describe(str(uniques[i]), SubjectType.person, today)

    @cache
    def uscc_problem_(i: int) -> str | None:
        return _describe(str(uniques[i]), SubjectType.enterprise, today)

    def unknown(subject_types: tuple[SubjectType, ...]) -> Callable[[str], str]:
        def message(code: str) -> str:
            for subject_type in subject_types:
                where = refs.bad_row(subject_type, code)
                if where:
                    return f"引用的{_NOUN[subject_type]} {code} 在 {where}，但该行有错误未导入（引用无效）"
            nouns = "或".join(_NOUN[t] for t in subject_types)
            return f"引用的{nouns} {code} 不在本次导入的{nouns}文件中，也不在数据库中（引用无效）"

        return message

    person_unknown = unknown((SubjectType.person,))
    enterprise_unknown = unknown((SubjectType.enterprise,))
    either_unknown = unknown((SubjectType.person, SubjectType.enterprise))

    def person_missing(i: int) -> str:
        return id_problem(i) or person_unknown(str(uniques[i]))

    def enterprise_missing(i: int) -> str:
        return uscc_problem_(i) or enterprise_unknown(str(uniques[i]))

    def either_missing(i: int) -> str:
        code = str(uniques[i])
        as_id, as_uscc = id_problem(i), uscc_problem_(i)
        if as_id is None or as_uscc is None:
            return either_unknown(code)
        # Digits with a date inside read as an id number: report that reading first.
        first, second = (as_id, as_uscc) if code[:17].isdigit() else (as_uscc, as_id)
        return f"{code} 既不是有效的身份证号码也不是有效的统一社会信用代码：{first}；{second}"

    def ambiguous(i: int) -> str:
        return f"{uniques[i]} 既是已登记的人员也是已登记的企业，无法判断所指主体"

    as_person = allow_person & known_person[position]
    as_enterprise = allow_enterprise & known_enterprise[position]
    subject_type = np.full(len(codes), None, dtype=object)
    subject_type[as_person & ~as_enterprise] = SubjectType.person.value
    subject_type[as_enterprise & ~as_person] = SubjectType.enterprise.value

    unresolved = ~as_person & ~as_enterprise
    only_person, only_enterprise = allow_person & ~allow_enterprise, allow_enterprise & ~allow_person
    both_allowed = allow_person & allow_enterprise
    cases: list[tuple[BoolArray, Callable[[int], str]]] = [
        (as_person & as_enterprise, ambiguous),
        (unresolved & only_person, person_missing),
        (unresolved & only_enterprise, enterprise_missing),
        (unresolved & both_allowed, either_missing),
    ]
    problems = np.full(len(codes), None, dtype=object)
    settled = np.zeros(len(codes), dtype=bool)
    for condition, message in cases:
        todo = condition & ~settled
        if not todo.any():
            continue
        # Messages are built once per distinct code, and only for codes that need one.
        table = np.full(len(uniques), None, dtype=object)
        for i in np.unique(position[todo]).tolist():
            table[i] = message(i)
        problems[todo] = table[position[todo]]
        settled |= todo
    return (
        pd.Series(subject_type, index=codes.index, dtype=object),
        pd.Series(problems, index=codes.index, dtype=object),
        position,
    )


# --- headers --------------------------------------------------------------------------------------------------


def _map_headers(table: RawTable, contract: FileContract) -> tuple[dict[str, str], list[Problem], list[str]]:
    """Contract column → the file's header, the header row's file-level problems, and warnings."""
    file = str(table.path)
    mapping = contract.header_map()
    quarantine = {header_key(name) for name in QUARANTINE_COLUMNS}
    informational = {header_key(name) for name in IGNORED_HEADERS[contract.kind]}
    found: dict[str, str] = {}
    problems: list[Problem] = []
    skipped: list[str] = []
    for position, header in enumerate(table.frame.columns, start=1):
        key = header_key(header)
        if key in quarantine:
            continue
        if key in informational and key not in mapping:
            skipped.append(header)
            continue
        if key == "" or header.startswith("Unnamed:"):
            if (table.frame[header].astype(str).str.strip() != "").any():
                problems.append(
                    Problem(file, table.header_row, None, None, f"第 {position} 列没有表头，但有数据")
                )
            continue
        name = mapping.get(key)
        if name is None:
            suggestion = difflib.get_close_matches(key, list(mapping), n=1, cutoff=0.5)
            hint = f"；是否应为 {suggestion[0]}（{mapping[suggestion[0]]}）？" if suggestion else "；"
            problems.append(
                Problem(
                    file,
                    table.header_row,
                    header,
                    header,
                    f"未知列 {header}{hint}{contract.label}文件可用的列：{'、'.join(contract.names)}",
                )
            )
        elif name in found:
            problems.append(
                Problem(
                    file,
                    table.header_row,
                    name,
                    header,
                    f"列 {found[name]} 和 {header} 都对应 {name}，只能保留一列",
                )
            )
        else:
            found[name] = header
    for name in contract.required:
        if name not in found:
            column = contract.column(name)
            problems.append(
                Problem(
                    file,
                    table.header_row,
                    name,
                    None,
                    f"缺少必填列 {name}（{column.label}；也可用 {'、'.join(column.aliases)} 作表头）",
                )
            )
    warnings = [f"{table.path.name} 的列 {'、'.join(skipped)} 不属于导入格式，已忽略"] if skipped else []
    return found, problems, warnings


# --- files ----------------------------------------------------------------------------------------------------


def check_table(
    table: RawTable, kind: FileKind, refs: References, *, today: dt.date | None = None
) -> CheckedFile:
    """Validate every row of ``table`` as a file of ``kind``.

    Parameters
    ----------
    table
        The file as read by :func:`loaders.reader.read_table`.
    kind
        Which contract file it is.
    refs
        Known subjects; the caller adds this file's good rows afterwards (see :mod:`loaders.load`).
    today
        For "birth date not in the future"; defaults to today.

    Notes
    -----
    O(rows) vectorised work plus one Python call per distinct identifier that fails the numpy fast
    path, per distinct date and per distinct enumeration value.
    """
    contract = CONTRACTS[kind]
    file = str(table.path)
    headers, file_problems, warnings = _map_headers(table, contract)
    index = table.frame.index
    if file_problems:
        empty = pd.DataFrame(index=index, columns=WRITE_COLUMNS[kind], dtype=object)
        return CheckedFile(kind, empty, pd.Series(True, index=index), [], file_problems, headers, warnings)

    raw = {
        name: (table.frame[headers[name]] if name in headers else pd.Series("", index=index, dtype=object))
        for name in contract.names
    }
    rows = _Rows(file, index)
    out: dict[str, pd.Series] = {}

    present = {name: raw[name] != "" for name in contract.names}
    for name in contract.required:
        rows.flag(~present[name], name, raw[name], f"必填项 {name}（{contract.column(name).label}）为空")

    # Excel number cells in id columns: the digits past the fifteenth are gone; say so before anything else.
    excel_number = {
        name: (
            table.numeric_cells[headers[name]].to_numpy(dtype=bool) & (raw[name].str.len() > 15).to_numpy()
            if name in headers and headers[name] in table.numeric_cells
            else np.zeros(len(index), dtype=bool)
        )
        for name in contract.names
        if name in ID_COLUMNS
    }
    for name, mask in excel_number.items():
        rows.flag(
            mask,
            name,
            raw[name],
            "该单元格在 Excel 中是数值格式，超过15位的号码末尾数字已丢失；请把该列设置为“文本”格式后重新录入号码",
        )
        present[name] = present[name] & ~mask

    def ids(name: str, subject_type: SubjectType) -> None:
        codes = _compact(raw[name])
        problems = _id_problems(codes, subject_type, today)
        rows.flag(present[name] & problems.notna(), name, raw[name], problems)
        out[name] = codes

    def text(name: str) -> None:
        out[name] = raw[name].where(present[name], None)

    def parsed(name: str, parse: Callable[[str], tuple[Any, str | None]]) -> None:
        values, problems = _parse_unique(raw[name], parse)
        rows.flag(problems.notna().to_numpy(), name, raw[name], problems)
        out[name] = values

    def dates(*names: str) -> None:
        for name in names:
            parsed(name, _parse_date)

    def not_before(later: str, earlier: str) -> None:
        both = out[later].notna() & out[earlier].notna()
        wrong = both & (out[later].astype(str) < out[earlier].astype(str))
        rows.flag(
            wrong,
            later,
            raw[later],
            f"{later}（{contract.column(later).label}）早于 {earlier}（{contract.column(earlier).label}）",
        )

    def enum(name: str, label: str) -> None:
        parsed(name, _parse_enum(name, label))

    if kind is FileKind.enterprises:
        ids("uscc", SubjectType.enterprise)
        text("name")
        text("kind")
        text("status")
        text("region_code")
        _, region_problem = _parse_unique(raw["region_code"], _parse_region)
        rows.flag(region_problem.notna(), "region_code", raw["region_code"], region_problem)
        dates("established")
    elif kind is FileKind.persons:
        ids("id_number", SubjectType.person)
        text("name")
    elif kind is FileKind.roles:
        enum("role", "职务")
        dates("start", "end")
        not_before("end", "start")
        parsed("ratio", _parse_ratio)
        role = out["role"]
        person_role = role.isin([r.value for r in PERSON_ROLES]).to_numpy()
        enterprise_holder = role.isin([Role.shareholder.value, Role.branch_of.value]).to_numpy()
        holder = _compact(raw["person_id"])
        holder_type, holder_problem, rows.factorized["person_id"] = _resolve(
            holder, person_role, enterprise_holder, refs, today
        )
        # An empty or unknown role has been reported already; its holder cannot be judged.
        rows.flag(
            present["person_id"].to_numpy() & role.notna().to_numpy() & holder_problem.notna().to_numpy(),
            "person_id",
            raw["person_id"],
            holder_problem,
        )
        firm = _compact(raw["enterprise_uscc"])
        everyone = np.ones(len(index), dtype=bool)
        _, firm_problem, rows.factorized["enterprise_uscc"] = _resolve(firm, ~everyone, everyone, refs, today)
        rows.flag(
            present["enterprise_uscc"] & firm_problem.notna(),
            "enterprise_uscc",
            raw["enterprise_uscc"],
            firm_problem,
        )
        same = (holder == firm) & (role == Role.branch_of.value)
        rows.flag(same, "person_id", raw["person_id"], "分支机构不能隶属于其自身")
        out["person_id"], out["holder_type"], out["enterprise_uscc"] = holder, holder_type, firm
    elif kind is FileKind.list_entries:
        text("entry_id")
        enum("kind", "名单类别")
        for name in ("list_type", "department", "basis"):
            text(name)
        dates("act_date", "decided_on", "valid_from", "valid_to")
        not_before("valid_to", "valid_from")
        black_without_act = (out["kind"] == ListKind.black.value) & ~present["act_date"]
        rows.flag(black_without_act, "act_date", raw["act_date"], "黑名单必须填写失信行为日期（act_date）")
        subject = _compact(raw["subject_id"])
        everyone = np.ones(len(index), dtype=bool)
        subject_type, subject_problem, _ = _resolve(subject, everyone, everyone, refs, today)
        rows.flag(
            present["subject_id"] & subject_problem.notna(), "subject_id", raw["subject_id"], subject_problem
        )
        out["subject_id"], out["subject_type"] = subject, subject_type
    elif kind is FileKind.measures:
        for name in (
            "measure_id",
            "list_type",
            "content",
            "initiating_department",
            "implementing_department",
            "legal_basis",
            "sharing_method",
        ):
            text(name)
        enum("kind", "名单类别")
        enum("target", "实施对象")
        parsed("business_items", _parse_list("business_items", "业务事项", open_values=True))
    elif kind is FileKind.list_policies:
        text("list_type")
        parsed("roles", _parse_list("roles", "传导角色", open_values=False))
        empty_roles = present["roles"] & (out["roles"] == "")
        rows.flag(empty_roles, "roles", raw["roles"], "传导角色不能为空")
        enum("role_time", "任职时点")
        parsed("derived_counts_for_red", _parse_enum("derived_counts_for_red", "是/否取值"))
        # An empty cell means the default, yes (DESIGN R2).
        out["derived_counts_for_red"] = (out["derived_counts_for_red"] != "false").astype(object)
        parsed("repair_min_days", _parse_days)
        parsed("publicity_days", _parse_publicity_days)
        parsed("black_skip_publicity", _parse_enum("black_skip_publicity", "是/否取值"))
        # An empty cell means the default, no: black entries are publicised like red ones.
        out["black_skip_publicity"] = (out["black_skip_publicity"] == "true").astype(object)

    frame = pd.DataFrame({name: out[name] for name in WRITE_COLUMNS[kind]}, index=index).astype(object)
    if kind is FileKind.measures:
        # measures.business_items is NOT NULL in the store: "no items" means "every business item".
        frame["business_items"] = frame["business_items"].fillna("")
    checked = CheckedFile(kind, frame, pd.Series(rows.bad, index=index), rows.problems, [], headers, warnings)
    _flag_duplicates(checked, contract, raw, rows)
    checked.bad = pd.Series(rows.bad, index=index)
    checked.problems = rows.problems
    return checked


def _flag_duplicates(
    checked: CheckedFile, contract: FileContract, raw: dict[str, pd.Series], rows: _Rows
) -> None:
    """Rows sharing a natural key are all bad: the file does not say which one is right."""
    keys = pd.DataFrame(
        {name: checked.rows[name].where(checked.rows[name].notna(), raw[name]) for name in contract.key},
        index=checked.rows.index,
    ).astype(object)
    if contract.kind is FileKind.roles:
        keys["start"] = keys["start"].fillna("")
    filled = np.ones(len(keys), dtype=bool)
    codes: dict[str, npt.NDArray[np.intp]] = {}
    for name in contract.key:
        values = keys[name].to_numpy(dtype=object)
        if name != "start":
            filled &= values != ""
        known = rows.factorized.get(name)
        # The codes a check made of this column serve when the key holds its values unchanged.
        if known is not None and len(known) == len(values) and checked.rows[name].notna().all():
            codes[name] = known
        else:
            codes[name] = pd.factorize(values, use_na_sentinel=False)[0]
    duplicated = pd.DataFrame(codes).duplicated(keep=False).to_numpy() & filled
    if not duplicated.any():
        return
    # One text key per duplicated row (few rows), so that grouping is by a single column.
    joined = keys[duplicated].astype(str).agg("\x1f".join, axis=1)
    reasons: dict[int, str] = {}
    for group_rows in joined.groupby(joined, sort=False).groups.values():
        numbers = [int(row) for row in group_rows]
        for row in numbers:
            others = "、".join(str(other) for other in numbers if other != row)
            reasons[row] = f"重复：与第 {others} 行的键（{'、'.join(contract.key)}）相同"
    first = contract.key[0]
    rows.flag(
        duplicated, first, raw[first], pd.Series(checked.rows.index, index=checked.rows.index).map(reasons)
    )
