"""One test per class of bad input: the report names the file, the row, the column and the reason."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from graph.store.port import Store
from loaders import load_paths
from tests.fixtures import make_id_number, make_uscc
from tests.loaders import only_problem, write_csv, write_xlsx

ENTERPRISES = ["uscc", "name", "kind", "status", "region_code", "established"]
PERSONS = ["id_number", "name"]
ROLES = ["person_id", "enterprise_uscc", "role", "start", "end", "ratio"]
ENTRIES = [
    "entry_id",
    "subject_id",
    "kind",
    "list_type",
    "department",
    "basis",
    "act_date",
    "decided_on",
    "valid_from",
    "valid_to",
]

FIRM = make_uscc(1)
OTHER_FIRM = make_uscc(2)
ZHANG = make_id_number(1)


def firm_row(code: str, name: str = "常州甲机械有限公司") -> list[str]:
    return [code, name, "有限责任公司", "存续", "320402", "2005-06-01"]


def test_bad_uscc_check_character(store: Store, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "enterprises.csv",
        ENTERPRISES,
        [firm_row(FIRM), firm_row("91330100799655058C"), firm_row(OTHER_FIRM)],
    )
    report = load_paths(store, [path], progress=False)
    problem = only_problem(report)
    assert (Path(problem.file).name, problem.row, problem.column) == ("enterprises.csv", 3, "uscc")
    assert problem.value == "91330100799655058C"
    assert "校验位错误：应为 B，实为 C" in problem.reason
    assert not report.ok
    assert store.stats()["enterprises"] == 0


def test_bad_id_number_check_character(store: Store, tmp_path: Path) -> None:
    wrong = ZHANG[:17] + ("1" if ZHANG[17] != "1" else "2")
    path = write_csv(tmp_path / "persons.csv", PERSONS, [[wrong, "张三"]])
    problem = only_problem(load_paths(store, [path], progress=False))
    assert (problem.row, problem.column, problem.value) == (2, "id_number", wrong)
    assert f"校验位错误：应为 {ZHANG[17]}，实为 {wrong[17]}" in problem.reason


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("3204021970****0114", "掩码"),
        ("320402700101011", "15位"),
        ("320402199902300012", "出生日期 19990230 不是有效日期"),
    ],
)
def test_masked_legacy_and_dateless_id_numbers_are_explicit(
    store: Store, tmp_path: Path, value: str, expected: str
) -> None:
    path = write_csv(tmp_path / "persons.csv", PERSONS, [[value, "张三"]])
    problem = only_problem(load_paths(store, [path], progress=False))
    assert (problem.row, problem.column) == (2, "id_number")
    assert expected in problem.reason


def test_unknown_column_suggests_the_nearest_name(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "enterprises.csv", ["uscc", "nmae"], [[FIRM, "甲公司"]])
    report = load_paths(store, [path], progress=False)
    unknown = [p for p in report.problems if p.column == "nmae"]
    assert len(unknown) == 1
    assert unknown[0].row == 1
    assert "未知列 nmae" in unknown[0].reason
    assert "是否应为 name" in unknown[0].reason
    assert report.files[0].rejected == 1


def test_unknown_chinese_column_suggests_the_chinese_alias(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "企业.csv", ["统一社会信用代码", "企业名字"], [[FIRM, "甲公司"]])
    report = load_paths(store, [path], progress=False)
    assert any(p.column == "企业名字" and "企业名称（name）" in p.reason for p in report.problems)


def test_missing_required_column(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "enterprises.csv", ["uscc", "kind"], [[FIRM, "有限责任公司"]])
    report = load_paths(store, [path], progress=False)
    problem = only_problem(report)
    assert (problem.row, problem.column, problem.value) == (1, "name", None)
    assert "缺少必填列 name" in problem.reason
    assert not report.ok


def test_required_cell_empty(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "enterprises.csv", ENTERPRISES, [firm_row(FIRM, name="")])
    problem = only_problem(load_paths(store, [path], progress=False))
    assert (problem.row, problem.column) == (2, "name")
    assert "必填项 name（企业名称）为空" in problem.reason


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2021/03/01", "日期 2021/03/01 格式错误：应为 YYYY-MM-DD"),
        ("2021-02-30", "日期 2021-02-30 不存在"),
        ("20210301", "格式错误"),
    ],
)
def test_bad_date(store: Store, tmp_path: Path, value: str, expected: str) -> None:
    row = firm_row(FIRM)
    row[5] = value
    path = write_csv(tmp_path / "enterprises.csv", ENTERPRISES, [firm_row(OTHER_FIRM), row])
    problem = only_problem(load_paths(store, [path], progress=False))
    assert (problem.row, problem.column, problem.value) == (3, "established", value)
    assert expected in problem.reason


def test_end_before_start(store: Store, tmp_path: Path) -> None:
    firms = write_csv(tmp_path / "enterprises.csv", ENTERPRISES, [firm_row(FIRM)])
    persons = write_csv(tmp_path / "persons.csv", PERSONS, [[ZHANG, "张三"]])
    roles = write_csv(
        tmp_path / "roles.csv", ROLES, [[ZHANG, FIRM, "legal_representative", "2021-05-01", "2021-04-30", ""]]
    )
    problem = only_problem(load_paths(store, [firms, persons, roles], progress=False))
    assert (Path(problem.file).name, problem.row, problem.column) == ("roles.csv", 2, "end")
    assert "早于" in problem.reason


def test_duplicate_key_reports_both_rows(store: Store, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "enterprises.csv",
        ENTERPRISES,
        [firm_row(FIRM), firm_row(OTHER_FIRM), firm_row(FIRM, name="甲公司（重复）")],
    )
    report = load_paths(store, [path], progress=False)
    problems = report.problems
    assert [(p.row, p.column) for p in problems] == [(2, "uscc"), (4, "uscc")]
    assert "与第 4 行" in problems[0].reason
    assert "与第 2 行" in problems[1].reason


def test_duplicate_key_across_two_files_of_one_kind(store: Store, tmp_path: Path) -> None:
    first = write_csv(tmp_path / "enterprises_a.csv", ENTERPRISES, [firm_row(FIRM)])
    second = write_csv(tmp_path / "enterprises_b.csv", ENTERPRISES, [firm_row(OTHER_FIRM), firm_row(FIRM)])
    problem = only_problem(load_paths(store, [first, second], progress=False))
    assert (Path(problem.file).name, problem.row, problem.column) == ("enterprises_b.csv", 3, "uscc")
    assert "enterprises_a.csv 第 2 行" in problem.reason


def test_duplicate_role_key_is_judged_on_compacted_ids(store: Store, tmp_path: Path) -> None:
    """The key check reuses the codes the reference check made of the compacted ids: an id written with a
    space is the same holder, while another start date, firm or role is another edge."""
    firms = write_csv(tmp_path / "enterprises.csv", ENTERPRISES, [firm_row(FIRM), firm_row(OTHER_FIRM)])
    persons = write_csv(tmp_path / "persons.csv", PERSONS, [[ZHANG, "张三"]])
    spaced = f"{ZHANG[:6]} {ZHANG[6:]}"
    roles = write_csv(
        tmp_path / "roles.csv",
        ROLES,
        [
            [ZHANG, FIRM, "legal_representative", "2020-01-01", "", ""],
            [ZHANG, FIRM, "legal_representative", "2021-01-01", "", ""],
            [ZHANG, OTHER_FIRM, "legal_representative", "2020-01-01", "", ""],
            [ZHANG, FIRM, "principal", "2020-01-01", "", ""],
            [spaced, FIRM, "legal_representative", "2020-01-01", "", ""],
        ],
    )
    report = load_paths(store, [firms, persons, roles], progress=False)
    assert [(Path(p.file).name, p.row, p.column) for p in report.problems] == [
        ("roles.csv", 2, "person_id"),
        ("roles.csv", 6, "person_id"),
    ]
    assert "与第 6 行的键" in report.problems[0].reason
    assert store.stats()["roles"] == 0


def test_unknown_reference(store: Store, tmp_path: Path) -> None:
    stranger = make_id_number(99)
    firms = write_csv(tmp_path / "enterprises.csv", ENTERPRISES, [firm_row(FIRM)])
    persons = write_csv(tmp_path / "persons.csv", PERSONS, [[ZHANG, "张三"]])
    roles = write_csv(
        tmp_path / "roles.csv",
        ROLES,
        [
            [ZHANG, FIRM, "legal_representative", "2020-01-01", "", ""],
            [stranger, FIRM, "principal", "2020-01-01", "", ""],
        ],
    )
    report = load_paths(store, [roles, firms, persons], progress=False)
    problem = only_problem(report)
    assert (Path(problem.file).name, problem.row, problem.column, problem.value) == (
        "roles.csv",
        3,
        "person_id",
        stranger,
    )
    assert "不在本次导入的人员文件中，也不在数据库中" in problem.reason


def test_reference_to_enterprise_held_by_the_store_resolves(store: Store, tmp_path: Path) -> None:
    firms = write_csv(tmp_path / "enterprises.csv", ENTERPRISES, [firm_row(FIRM)])
    persons = write_csv(tmp_path / "persons.csv", PERSONS, [[ZHANG, "张三"]])
    assert load_paths(store, [firms, persons], progress=False).ok
    roles = write_csv(tmp_path / "roles.csv", ROLES, [[ZHANG, FIRM, "法定代表人", "2020-01-01", "", ""]])
    report = load_paths(store, [roles], progress=False)
    assert report.ok, report.format_text()
    assert store.stats()["roles"] == 1


def test_person_role_held_by_an_enterprise_is_refused(store: Store, tmp_path: Path) -> None:
    firms = write_csv(tmp_path / "enterprises.csv", ENTERPRISES, [firm_row(FIRM), firm_row(OTHER_FIRM)])
    roles = write_csv(tmp_path / "roles.csv", ROLES, [[OTHER_FIRM, FIRM, "legal_representative", "", "", ""]])
    problem = only_problem(load_paths(store, [firms, roles], progress=False))
    assert (problem.row, problem.column) == (2, "person_id")
    assert "身份证号码" in problem.reason


def test_unknown_role_value(store: Store, tmp_path: Path) -> None:
    firms = write_csv(tmp_path / "enterprises.csv", ENTERPRISES, [firm_row(FIRM)])
    persons = write_csv(tmp_path / "persons.csv", PERSONS, [[ZHANG, "张三"]])
    roles = write_csv(tmp_path / "roles.csv", ROLES, [[ZHANG, FIRM, "经理", "", "", ""]])
    problem = only_problem(load_paths(store, [firms, persons, roles], progress=False))
    assert (problem.row, problem.column, problem.value) == (2, "role", "经理")
    assert "不是有效的职务" in problem.reason
    assert "legal_representative（法定代表人）" in problem.reason


@pytest.mark.parametrize("ratio", ["1.5", "-0.1", "150%", "三成"])
def test_bad_ratio(store: Store, tmp_path: Path, ratio: str) -> None:
    firms = write_csv(tmp_path / "enterprises.csv", ENTERPRISES, [firm_row(FIRM)])
    persons = write_csv(tmp_path / "persons.csv", PERSONS, [[ZHANG, "张三"]])
    roles = write_csv(tmp_path / "roles.csv", ROLES, [[ZHANG, FIRM, "shareholder", "", "", ratio]])
    problem = only_problem(load_paths(store, [firms, persons, roles], progress=False))
    assert (problem.row, problem.column, problem.value) == (2, "ratio", ratio)
    assert "0 到 1" in problem.reason


def test_black_entry_needs_act_date(store: Store, tmp_path: Path) -> None:
    firms = write_csv(tmp_path / "enterprises.csv", ENTERPRISES, [firm_row(FIRM)])
    entries = write_csv(
        tmp_path / "list_entries.csv",
        ENTRIES,
        [
            [
                "E1",
                FIRM,
                "black",
                "失信被执行人",
                "常州市中级人民法院",
                "（2022）苏04执1号",
                "",
                "",
                "2022-03-01",
                "",
            ],
            [
                "E2",
                FIRM,
                "red",
                "纳税信用A级",
                "国家税务总局常州市税务局",
                "2022-A-1",
                "",
                "",
                "2022-03-01",
                "",
            ],
        ],
    )
    problem = only_problem(load_paths(store, [firms, entries], progress=False))
    assert (problem.row, problem.column) == (2, "act_date")
    assert "黑名单必须填写失信行为日期" in problem.reason


def test_valid_to_before_valid_from(store: Store, tmp_path: Path) -> None:
    firms = write_csv(tmp_path / "enterprises.csv", ENTERPRISES, [firm_row(FIRM)])
    entries = write_csv(
        tmp_path / "list_entries.csv",
        ENTRIES,
        [
            [
                "E1",
                FIRM,
                "black",
                "失信被执行人",
                "法院",
                "文书",
                "2022-01-01",
                "",
                "2022-03-01",
                "2022-02-28",
            ],
        ],
    )
    problem = only_problem(load_paths(store, [firms, entries], progress=False))
    assert (problem.row, problem.column, problem.value) == (2, "valid_to", "2022-02-28")


def test_empty_file(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "enterprises.csv"
    path.write_bytes(b"")
    report = load_paths(store, [path], progress=False)
    problem = only_problem(report)
    assert (Path(problem.file).name, problem.row, problem.column) == ("enterprises.csv", None, None)
    assert "空文件" in problem.reason
    assert not report.ok
    assert (report.files[0].read, report.files[0].loaded) == (0, 0)


def test_blank_space_only_file_is_empty(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "persons.csv"
    path.write_text("\n  \n", encoding="utf-8")
    assert "空文件" in only_problem(load_paths(store, [path], progress=False)).reason


def test_gbk_file_is_accepted_with_a_warning(store: Store, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "企业.csv",
        ["统一社会信用代码", "企业名称"],
        [[FIRM, "常州市天宁区龙城精密机械厂"]],
        encoding="gbk",
    )
    report = load_paths(store, [path], progress=False)
    assert report.ok, report.format_text()
    assert report.files[0].encoding == "gb18030"
    assert any("GB18030" in warning for warning in report.files[0].warnings)
    (subject,) = store.find_subjects(FIRM)
    assert subject.name == "常州市天宁区龙城精密机械厂"


def test_undecodable_file_is_refused_naming_it(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "persons.csv"
    path.write_bytes(b"id_number,name\n" + ZHANG.encode() + b",\xff\xfe\xff\n")
    problem = only_problem(load_paths(store, [path], progress=False))
    assert problem.row is None
    assert "persons.csv" in problem.reason
    assert "编码无法识别" in problem.reason


def test_excel_numeric_id_cell(store: Store, tmp_path: Path) -> None:
    as_number = int(ZHANG[:17] + "0")  # what Excel does to an id typed into a number cell: digits lost
    path = write_xlsx(tmp_path / "persons.xlsx", PERSONS, [[make_id_number(2), "李四"], [as_number, "张三"]])
    report = load_paths(store, [path], progress=False)
    problem = only_problem(report)
    assert (Path(problem.file).name, problem.row, problem.column) == ("persons.xlsx", 3, "id_number")
    assert "数值格式" in problem.reason
    assert "文本" in problem.reason


def test_scientific_notation_id_in_csv(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "enterprises.csv", ["uscc", "name"], [["9.13204E+17", "甲公司"]])
    problem = only_problem(load_paths(store, [path], progress=False))
    assert (problem.row, problem.column) == (2, "uscc")
    assert "科学计数法" in problem.reason


def test_file_whose_kind_cannot_be_told(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "data.csv", ["a", "b"], [["1", "2"]])
    report = load_paths(store, [path], progress=False)
    problem = only_problem(report)
    assert "无法判断文件类型" in problem.reason
    assert report.files[0].rejected == 1


def test_missing_path(store: Store, tmp_path: Path) -> None:
    problem = only_problem(load_paths(store, [tmp_path / "nope.csv"], progress=False))
    assert "找不到" in problem.reason


def test_id_number_born_in_the_future_uses_today(store: Store, tmp_path: Path) -> None:
    born = make_id_number(3, birth="20300101")
    path = write_csv(tmp_path / "persons.csv", PERSONS, [[born, "未来人"]])
    assert not load_paths(store, [path], progress=False, today=dt.date(2024, 1, 1)).ok
    assert load_paths(store, [path], progress=False, today=dt.date(2031, 1, 1)).ok
