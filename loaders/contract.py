"""The import contract: which columns each of the six files has, and the names users' files give them.

Users' files come out of Excel with Chinese headers and Chinese values (``法定代表人`` rather than
``legal_representative``). This module is the single table of what is accepted; ``docs/import-formats.md``
documents the same table for users, and a test keeps the two from drifting apart.

Header matching (:func:`header_key`) ignores case for English names, surrounding spaces (including the
full-width space U+3000) and a leading or trailing ``*`` that templates use to mark required columns.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from graph.business_items import BUSINESS_ITEMS
from graph.model import ListKind, Role, RoleTime, Target
from graph.store.port import FileKind

__all__ = [
    "CODE_LABELS",
    "CONTRACTS",
    "ID_COLUMNS",
    "IGNORED_HEADERS",
    "QUARANTINE_COLUMNS",
    "VALUE_ALIASES",
    "Column",
    "FileContract",
    "header_key",
    "kind_from_stem",
    "value_key",
]


@dataclass(frozen=True, slots=True)
class Column:
    """One contract column: its English name, whether a value is required, its Chinese label and aliases."""

    name: str
    required: bool
    label: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FileContract:
    """One import file: its columns (in contract order), natural key and the file-name stems naming it."""

    kind: FileKind
    label: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    stems: tuple[str, ...]

    @property
    def names(self) -> list[str]:
        return [column.name for column in self.columns]

    @property
    def required(self) -> list[str]:
        return [column.name for column in self.columns if column.required]

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    def header_map(self) -> dict[str, str]:
        """Normalised header (see :func:`header_key`) → contract column name, aliases included."""
        mapping: dict[str, str] = {}
        for column in self.columns:
            for header in (column.name, *column.aliases):
                mapping[header_key(header)] = column.name
        return mapping


_SPACES = re.compile(r"^[\s\u3000*＊]+|[\s\u3000*＊]+$")


def header_key(header: str) -> str:
    """Normalise a header for matching: trim (full-width) spaces and a required-marker ``*``, lower-case."""
    return _SPACES.sub("", str(header)).lower()


def value_key(value: str) -> str:
    """Normalise an enumeration value the same way as a header."""
    return header_key(value)


_C = Column

CONTRACTS: dict[FileKind, FileContract] = {
    FileKind.list_policies: FileContract(
        kind=FileKind.list_policies,
        label="名单政策",
        columns=(
            _C("list_type", True, "名单类型", ("名单类型",)),
            _C("roles", True, "传导角色", ("传导角色", "关联角色")),
            _C("role_time", True, "任职时点", ("任职时点", "角色时点")),
            _C("derived_counts_for_red", False, "红名单比对计入派生记录", ("红名单比对计入派生记录",)),
            _C(
                "repair_min_days",
                False,
                "信用修复最短期限（天）",
                ("信用修复最短期限（天）", "信用修复最短期限", "修复最短期限"),
            ),
            _C("publicity_days", False, "公示期（天）", ("公示期（天）", "公示期", "公示天数")),
            _C(
                "black_skip_publicity",
                False,
                "黑名单可免于公示",
                ("黑名单可免于公示", "黑名单免公示", "可免于公示"),
            ),
        ),
        key=("list_type",),
        stems=("list_policies", "list_policy", "policies", "名单政策"),
    ),
    FileKind.measures: FileContract(
        kind=FileKind.measures,
        label="联合奖惩措施",
        columns=(
            _C("measure_id", True, "措施编号", ("措施编号",)),
            _C("kind", True, "名单类别", ("名单类别", "红黑名单")),
            _C("list_type", True, "名单类型", ("名单类型",)),
            _C("target", True, "实施对象", ("实施对象",)),
            _C("content", True, "措施内容", ("措施内容", "惩戒措施", "激励措施")),
            _C("initiating_department", True, "发起部门", ("发起部门",)),
            _C("implementing_department", True, "实施部门", ("实施部门",)),
            _C("legal_basis", True, "实施依据", ("实施依据", "法律依据")),
            _C("business_items", False, "业务事项", ("业务事项",)),
            _C("sharing_method", False, "共享方式", ("共享方式", "信息共享方式")),
        ),
        key=("measure_id",),
        stems=("measures", "措施"),
    ),
    FileKind.enterprises: FileContract(
        kind=FileKind.enterprises,
        label="企业",
        columns=(
            _C("uscc", True, "统一社会信用代码", ("统一社会信用代码", "信用代码")),
            _C("name", True, "企业名称", ("企业名称", "名称", "单位名称")),
            _C("kind", False, "企业类型", ("企业类型", "类型")),
            _C("status", False, "登记状态", ("登记状态", "经营状态", "状态")),
            _C("region_code", False, "行政区划代码", ("行政区划代码", "区划代码")),
            _C("established", False, "成立日期", ("成立日期",)),
        ),
        key=("uscc",),
        stems=("enterprises", "enterprise", "companies", "企业"),
    ),
    FileKind.persons: FileContract(
        kind=FileKind.persons,
        label="人员",
        columns=(
            _C("id_number", True, "身份证号码", ("身份证号码", "身份证号", "证件号码")),
            _C("name", True, "姓名", ("姓名",)),
        ),
        key=("id_number",),
        stems=("persons", "person", "people", "人员"),
    ),
    FileKind.roles: FileContract(
        kind=FileKind.roles,
        label="任职",
        columns=(
            _C("person_id", True, "人员证件号码", ("人员证件号码", "身份证号码", "股东证件号码", "主体标识")),
            _C("enterprise_uscc", True, "企业统一社会信用代码", ("统一社会信用代码", "企业统一社会信用代码")),
            _C("role", True, "职务", ("职务", "角色", "任职类型")),
            _C("start", False, "任职开始日期", ("任职开始日期", "开始日期")),
            _C("end", False, "任职结束日期", ("任职结束日期", "结束日期")),
            _C("ratio", False, "持股比例", ("持股比例", "出资比例")),
        ),
        key=("person_id", "enterprise_uscc", "role", "start"),
        stems=("roles", "role", "任职"),
    ),
    FileKind.list_entries: FileContract(
        kind=FileKind.list_entries,
        label="红黑名单",
        columns=(
            _C("entry_id", True, "名单编号", ("名单编号", "编号")),
            _C("subject_id", True, "主体标识", ("主体标识", "统一社会信用代码", "身份证号码")),
            _C("kind", True, "名单类别", ("名单类别", "红黑名单")),
            _C("list_type", True, "名单类型", ("名单类型",)),
            _C("department", True, "认定单位", ("认定单位", "认定部门")),
            _C("basis", True, "认定依据", ("认定依据", "认定文书号")),
            _C("act_date", False, "失信行为日期", ("失信行为日期", "行为日期")),
            _C("decided_on", False, "认定日期", ("认定日期", "决定日期")),
            _C("valid_from", True, "有效期自", ("有效期自", "生效日期")),
            _C("valid_to", False, "有效期至", ("有效期至", "截止日期")),
        ),
        key=("entry_id",),
        stems=("list_entries", "entries", "list_entry", "名单"),
    ),
}

#: Columns holding a USCC or a resident id number: a number-formatted Excel cell there has lost digits.
ID_COLUMNS: frozenset[str] = frozenset({"uscc", "id_number", "person_id", "enterprise_uscc", "subject_id"})

#: Headers common in registry extracts that carry no contract data: read past with a warning rather
#: than refused (e.g. an enterprises extract names its 法定代表人, but a role needs the person's id).
IGNORED_HEADERS: dict[FileKind, tuple[str, ...]] = {
    kind: ("序号", "备注", *extra)
    for kind, extra in {
        FileKind.list_policies: (),
        FileKind.measures: (),
        FileKind.enterprises: ("法定代表人", "法定代表人姓名", "注册资本", "住所", "地址", "经营范围"),
        FileKind.persons: ("性别", "出生日期", "联系电话"),
        FileKind.roles: ("姓名", "企业名称"),
        FileKind.list_entries: ("主体名称", "名称"),
    }.items()
}

#: Columns a quarantine file adds to the original ones; ignored when such a file is loaded again.
QUARANTINE_COLUMNS: tuple[str, ...] = ("行号", "列", "值", "原因")

# Stems are tried most specific first, so that 名单政策 is not read as 名单 and 企业人员任职 as 任职.
_STEM_ORDER: tuple[FileKind, ...] = (
    FileKind.list_policies,
    FileKind.measures,
    FileKind.roles,
    FileKind.list_entries,
    FileKind.enterprises,
    FileKind.persons,
)


def kind_from_stem(stem: str) -> FileKind | None:
    """The file kind a file-name stem names (``enterprises``, ``2024_企业``, ``名单政策``), or ``None``."""
    lowered = stem.lower()
    for kind in _STEM_ORDER:
        if any(word in lowered for word in CONTRACTS[kind].stems):
            return kind
    return None


def _enum_aliases(values: Mapping[str, str]) -> dict[str, str]:
    return {value_key(text): code for text, code in values.items()}


_ROLE_NAMES = {
    "法定代表人": Role.legal_representative,
    "法人代表": Role.legal_representative,
    "主要负责人": Role.principal,
    "负责人": Role.principal,
    "直接责任人员": Role.directly_responsible,
    "直接责任人": Role.directly_responsible,
    "实际控制人": Role.actual_controller,
    "股东": Role.shareholder,
    "出资人": Role.shareholder,
    "分支机构": Role.branch_of,
    "隶属": Role.branch_of,
}
_KIND_NAMES = {"红名单": ListKind.red, "红": ListKind.red, "黑名单": ListKind.black, "黑": ListKind.black}
_TARGET_NAMES = {
    "主体本身": Target.subject,
    "失信主体": Target.subject,
    "守信主体": Target.subject,
    "主体": Target.subject,
    "法定代表人": Target.legal_representative,
    "主要负责人": Target.principal,
    "直接责任人员": Target.directly_responsible,
    "直接责任人": Target.directly_responsible,
    "实际控制人": Target.actual_controller,
}
_ROLE_TIME_NAMES = {
    "认定行为日": RoleTime.act,
    "行为日": RoleTime.act,
    "当前": RoleTime.current,
    "现任": RoleTime.current,
    "两者": RoleTime.both,
    "均": RoleTime.both,
}
_FLAG_NAMES = {
    "是": "true",
    "否": "false",
    "true": "true",
    "false": "false",
    "1": "true",
    "0": "false",
    "yes": "true",
    "no": "false",
    "y": "true",
    "n": "false",
}


def _with_codes(names: Mapping[str, str], codes: list[str]) -> dict[str, str]:
    table = {code: code for code in codes}
    table.update(names)
    return _enum_aliases(table)


#: Accepted values of each enumerated column: normalised text (see :func:`value_key`) → code.
VALUE_ALIASES: dict[str, dict[str, str]] = {
    "kind": _with_codes(_KIND_NAMES, [kind.value for kind in ListKind]),
    "role": _with_codes(_ROLE_NAMES, [role.value for role in Role]),
    "target": _with_codes(_TARGET_NAMES, [target.value for target in Target]),
    "role_time": _with_codes(_ROLE_TIME_NAMES, [time.value for time in RoleTime]),
    "derived_counts_for_red": _enum_aliases(_FLAG_NAMES),
    "black_skip_publicity": _enum_aliases(_FLAG_NAMES),
    # list_policies.roles entries: any role a listing can reach a person through.
    "roles": _with_codes(
        {name: role for name, role in _ROLE_NAMES.items() if role is not Role.branch_of},
        [role.value for role in Role if role is not Role.branch_of],
    ),
    # business_items entries: the codes of graph.business_items or their Chinese names; others are kept.
    "business_items": _with_codes(
        {name: code for code, name in BUSINESS_ITEMS.items()}, list(BUSINESS_ITEMS)
    ),
}

#: Chinese names of enumeration codes, for messages that list what is accepted.
CODE_LABELS: dict[str, str] = {
    ListKind.red: "红名单",
    ListKind.black: "黑名单",
    Role.legal_representative: "法定代表人",
    Role.principal: "主要负责人",
    Role.directly_responsible: "直接责任人员",
    Role.actual_controller: "实际控制人",
    Role.shareholder: "股东",
    Role.branch_of: "分支机构",
    Target.subject: "主体本身",
    RoleTime.act: "认定行为日",
    RoleTime.current: "当前",
    RoleTime.both: "两者",
}
