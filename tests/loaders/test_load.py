"""Whole loads on the real SQLite store: reject and quarantine, Chinese files, XLSX, idempotence."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

from stdnum.cn import uscc as stdnum_uscc

from graph.ids import SubjectType
from graph.model import ListKind, Role, Target
from graph.store.port import CONTRACT_COLUMNS, FileKind, Store
from graph.store.sqlite import SQLiteStore
from loaders import load_paths
from loaders.contract import CONTRACTS
from loaders.reader import detect_kind
from tests.fixtures import make_id_number, make_uscc
from tests.loaders import write_csv, write_xlsx

FIRM = make_uscc(1)
BRANCH = make_uscc(2)
HOLDING = make_uscc(3)
ZHANG = make_id_number(1)
LI = make_id_number(2)
LIST_TYPE = "失信被执行人"

HEADERS: dict[FileKind, list[str]] = {kind: list(columns) for kind, columns in CONTRACT_COLUMNS.items()}

ROWS: dict[FileKind, list[list[str]]] = {
    FileKind.list_policies: [[LIST_TYPE, "legal_representative;principal", "both", "true"]],
    FileKind.measures: [
        [
            "M1",
            "black",
            LIST_TYPE,
            "legal_representative",
            "限制高消费",
            "常州市中级人民法院",
            "常州市发展和改革委员会",
            "《关于对失信被执行人实施联合惩戒的合作备忘录》",
            "high_consumption;air_travel",
            "接口推送",
        ]
    ],
    FileKind.enterprises: [
        [FIRM, "常州甲机械有限公司", "有限责任公司", "存续", "320402", "2005-06-01"],
        [BRANCH, "常州甲机械有限公司武进分公司", "分公司", "存续", "320412", ""],
        [HOLDING, "常州乙控股有限公司", "", "", "", ""],
    ],
    FileKind.persons: [[ZHANG, "张三"], [LI, "李四"]],
    FileKind.roles: [
        [ZHANG, FIRM, "legal_representative", "2015-01-01", "2021-05-31", ""],
        [LI, FIRM, "legal_representative", "2021-06-01", "", ""],
        [HOLDING, FIRM, "shareholder", "2015-01-01", "", "0.6"],
        [ZHANG, FIRM, "shareholder", "2015-01-01", "", "40%"],
        [BRANCH, FIRM, "branch_of", "2016-03-01", "", ""],
    ],
    FileKind.list_entries: [
        [
            "E1",
            FIRM,
            "black",
            LIST_TYPE,
            "常州市中级人民法院",
            "（2022）苏04执1号",
            "2021-03-15",
            "2022-01-10",
            "2022-03-01",
            "",
        ]
    ],
}


def write_city(folder: Path, *, xlsx: bool = False) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for kind in FileKind:
        if xlsx:
            paths.append(write_xlsx(folder / f"{kind.value}.xlsx", HEADERS[kind], ROWS[kind]))
        else:
            paths.append(write_csv(folder / f"{kind.value}.csv", HEADERS[kind], ROWS[kind]))
    return paths


def assert_city_loaded(store: Store) -> None:
    stats = store.stats()
    assert {
        k: stats[k] for k in ("enterprises", "persons", "roles", "list_entries", "measures", "list_policies")
    } == {"enterprises": 3, "persons": 2, "roles": 5, "list_entries": 1, "measures": 1, "list_policies": 1}
    (firm,) = store.find_subjects(FIRM)
    assert (firm.name, firm.region_code, firm.established) == (
        "常州甲机械有限公司",
        "320402",
        dt.date(2005, 6, 1),
    )
    roles = {(r.holder_code, r.role): r for r in store.subject_roles(firm.pk)}
    assert roles[(ZHANG, Role.legal_representative)].end == dt.date(2021, 5, 31)
    assert roles[(LI, Role.legal_representative)].end is None
    assert roles[(HOLDING, Role.shareholder)].holder_type is SubjectType.enterprise
    assert roles[(HOLDING, Role.shareholder)].ratio == 0.6
    assert roles[(ZHANG, Role.shareholder)].holder_type is SubjectType.person
    assert roles[(ZHANG, Role.shareholder)].ratio == 0.4
    assert roles[(BRANCH, Role.branch_of)].holder_type is SubjectType.enterprise
    entry = store.entry("E1")
    assert entry is not None
    assert (entry.subject_type, entry.kind, entry.act_date) == (
        SubjectType.enterprise,
        ListKind.black,
        dt.date(2021, 3, 15),
    )
    (measure,) = store.measures_for(ListKind.black, LIST_TYPE)
    assert measure.target is Target.legal_representative
    assert measure.business_items == ("high_consumption", "air_travel")


def test_loader_contract_matches_the_store_port() -> None:
    assert {kind: tuple(contract.names) for kind, contract in CONTRACTS.items()} == CONTRACT_COLUMNS


def test_a_clean_city_loads(store: Store, tmp_path: Path) -> None:
    write_city(tmp_path / "city")
    report = load_paths(store, [tmp_path / "city"], progress=False)
    assert report.ok, report.format_text()
    assert report.written
    assert_city_loaded(store)
    assert report.counts[FileKind.roles].inserted == 5
    assert all(f.read == f.loaded for f in report.files)
    assert "导入完成" in report.format_text()


def test_reload_is_idempotent(store: Store, tmp_path: Path) -> None:
    paths = write_city(tmp_path)
    first = load_paths(store, paths, progress=False)
    assert first.ok
    before = store.stats()
    second = load_paths(store, paths, progress=False)
    assert second.ok
    assert store.stats() == before
    for kind, counts in second.counts.items():
        assert (counts.inserted, counts.updated) == (0, 0), kind
        assert counts.unchanged == len(ROWS[kind])
    assert all(f.counts is not None and f.counts.unchanged == f.loaded for f in second.files)


def test_changed_row_is_an_update(store: Store, tmp_path: Path) -> None:
    paths = write_city(tmp_path)
    load_paths(store, paths, progress=False)
    rows = [row[:] for row in ROWS[FileKind.enterprises]]
    rows[0][1] = "常州甲机械股份有限公司"
    write_csv(tmp_path / "enterprises.csv", HEADERS[FileKind.enterprises], rows)
    report = load_paths(store, [tmp_path / "enterprises.csv"], progress=False)
    counts = report.counts[FileKind.enterprises]
    assert (counts.inserted, counts.updated, counts.unchanged) == (0, 1, 2)


def test_reject_writes_nothing_when_one_of_several_files_is_bad(store: Store, tmp_path: Path) -> None:
    paths = write_city(tmp_path)
    bad_entries = [row[:] for row in ROWS[FileKind.list_entries]]
    bad_entries[0][8] = "2022-13-01"
    write_csv(tmp_path / "list_entries.csv", HEADERS[FileKind.list_entries], bad_entries)
    before = store.stats()
    report = load_paths(store, paths, progress=False)
    assert not report.ok
    assert not report.written
    assert store.stats() == before
    assert [(p.row, p.column) for p in report.problems] == [(2, "valid_from")]
    for file in report.files:
        assert (file.loaded, file.quarantined, file.rejected) == (0, 0, file.read)
        assert file.quarantine_path is None
    assert not list(tmp_path.glob("*.quarantine.csv"))
    assert "导入被拒绝" in report.format_text()


def test_quarantine_writes_good_rows_and_a_quarantine_file(store: Store, tmp_path: Path) -> None:
    paths = write_city(tmp_path)
    firms = [*ROWS[FileKind.enterprises], ["91330100799655058C", "坏码公司", "", "", "", ""]]
    write_csv(tmp_path / "enterprises.csv", HEADERS[FileKind.enterprises], firms)
    roles = [
        *ROWS[FileKind.roles],
        [LI, "91330100799655058C", "principal", "2020-01-01", "", ""],
        [make_id_number(50), FIRM, "principal", "2020/01/01", "", ""],
    ]
    write_csv(tmp_path / "roles.csv", HEADERS[FileKind.roles], roles)
    out = tmp_path / "quarantine"
    report = load_paths(store, paths, on_error="quarantine", quarantine_dir=out, progress=False)
    assert report.ok, report.format_text()
    assert_city_loaded(store)
    by_name = {Path(f.path).name: f for f in report.files}
    assert (
        by_name["enterprises.csv"].read,
        by_name["enterprises.csv"].loaded,
        by_name["enterprises.csv"].quarantined,
    ) == (4, 3, 1)
    assert (by_name["roles.csv"].read, by_name["roles.csv"].loaded, by_name["roles.csv"].quarantined) == (
        7,
        5,
        2,
    )
    for file in report.files:
        assert file.read == file.loaded + file.quarantined
    quarantine = out / "roles.quarantine.csv"
    assert by_name["roles.csv"].quarantine_path == str(quarantine)
    raw = quarantine.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == ",".join([*HEADERS[FileKind.roles], "行号", "列", "值", "原因"])
    assert len(lines) == 3
    # The role of the quarantined firm names the firm's bad row (校验位 problem is found first).
    assert lines[1].split(",")[6] == "7"
    assert "校验位错误" in lines[1]
    assert lines[2].split(",")[6] == "8"
    assert "person_id；start" in lines[2]
    assert not (tmp_path / "persons.quarantine.csv").exists()


def test_rows_referring_to_a_quarantined_row_are_quarantined_too(store: Store, tmp_path: Path) -> None:
    persons = write_csv(tmp_path / "persons.csv", ["id_number", "name"], [[ZHANG, "张三"], [LI, ""]])
    firms = write_csv(
        tmp_path / "enterprises.csv", HEADERS[FileKind.enterprises], ROWS[FileKind.enterprises][:1]
    )
    roles = write_csv(
        tmp_path / "roles.csv",
        HEADERS[FileKind.roles],
        [[ZHANG, FIRM, "法定代表人", "", "", ""], [LI, FIRM, "主要负责人", "", "", ""]],
    )
    report = load_paths(store, [roles, firms, persons], on_error="quarantine", progress=False)
    role_problems = [p for p in report.problems if Path(p.file).name == "roles.csv"]
    assert [(p.row, p.column) for p in role_problems] == [(3, "person_id")]
    assert "persons.csv 第 3 行" in role_problems[0].reason
    assert "引用无效" in role_problems[0].reason
    assert store.stats()["roles"] == 1
    assert (tmp_path / "roles.quarantine.csv").exists()


def test_quarantine_with_a_file_level_problem_quarantines_the_whole_file(
    store: Store, tmp_path: Path
) -> None:
    good = write_csv(tmp_path / "persons.csv", ["id_number", "name"], [[ZHANG, "张三"]])
    bad = write_csv(tmp_path / "enterprises.csv", ["uscc", "名字"], [[FIRM, "甲"], [BRANCH, "乙"]])
    report = load_paths(store, [good, bad], on_error="quarantine", progress=False)
    assert not report.ok
    assert store.stats()["persons"] == 1
    firms = next(f for f in report.files if f.kind is FileKind.enterprises)
    assert (firms.read, firms.loaded, firms.quarantined) == (2, 0, 2)
    text = (tmp_path / "enterprises.quarantine.csv").read_text(encoding="utf-8-sig")
    assert "未知列 名字" in text


def test_corrected_quarantine_file_loads_again(store: Store, tmp_path: Path) -> None:
    write_csv(tmp_path / "persons.csv", ["id_number", "name"], [[ZHANG, "张三"], [LI, ""]])
    load_paths(store, [tmp_path], on_error="quarantine", progress=False)
    # A directory load skips quarantine files.
    again = load_paths(store, [tmp_path], on_error="quarantine", progress=False)
    assert [Path(f.path).name for f in again.files] == ["persons.csv"]
    # Naming the corrected file loads it; its note columns are ignored.
    quarantine = tmp_path / "persons.quarantine.csv"
    fixed = quarantine.read_text(encoding="utf-8-sig").replace(f"{LI},,", f"{LI},李四,")
    assert fixed != quarantine.read_text(encoding="utf-8-sig")
    quarantine.write_text(fixed, encoding="utf-8-sig")
    report = load_paths(store, [quarantine], progress=False)
    assert report.ok, report.format_text()
    assert store.stats()["persons"] == 2


def test_chinese_headers_and_values_load(store: Store, tmp_path: Path) -> None:
    write_csv(
        tmp_path / "名单政策.csv",
        ["名单类型", "传导角色", "任职时点", "红名单比对计入派生记录"],
        [[LIST_TYPE, "法定代表人、主要负责人", "两者", "是"]],
    )
    write_csv(
        tmp_path / "措施.csv",
        [
            "措施编号",
            "名单类别",
            "名单类型",
            "实施对象",
            "惩戒措施",
            "发起部门",
            "实施部门",
            "法律依据",
            "业务事项",
            "信息共享方式",
        ],
        [
            [
                "M1",
                "黑名单",
                LIST_TYPE,
                "法定代表人",
                "限制高消费",
                "常州市中级人民法院",
                "常州市发展和改革委员会",
                "《关于对失信被执行人实施联合惩戒的合作备忘录》",
                "高消费；乘坐飞机",
                "接口推送",
            ]
        ],
    )
    write_csv(
        tmp_path / "企业.csv",
        ["统一社会信用代码*", "企业名称", "企业类型", "登记状态", "行政区划代码", "成立日期", "法定代表人"],
        [[r[0], r[1], r[2], r[3], r[4], r[5], "张三"] for r in ROWS[FileKind.enterprises]],
    )
    write_csv(tmp_path / "人员.csv", ["\u3000身份证号码 ", "姓名"], [[ZHANG, "张三"], [LI.lower(), "李四"]])
    chinese_roles = {"legal_representative": "法定代表人", "shareholder": "股东", "branch_of": "分支机构"}
    write_csv(
        tmp_path / "任职.csv",
        ["人员证件号码", "企业统一社会信用代码", "职务", "任职开始日期", "任职结束日期", "持股比例"],
        [[r[0], r[1], chinese_roles[r[2]], r[3], r[4], r[5]] for r in ROWS[FileKind.roles]],
    )
    write_csv(
        tmp_path / "失信名单.csv",
        [
            "名单编号",
            "主体标识",
            "名单类别",
            "名单类型",
            "认定单位",
            "认定依据",
            "失信行为日期",
            "认定日期",
            "有效期自",
            "有效期至",
        ],
        [
            [
                "E1",
                FIRM,
                "黑",
                LIST_TYPE,
                "常州市中级人民法院",
                "（2022）苏04执1号",
                "2021-03-15",
                "2022-01-10",
                "2022-03-01",
                "",
            ]
        ],
    )
    report = load_paths(store, [tmp_path], progress=False)
    assert report.ok, report.format_text()
    assert_city_loaded(store)
    kinds = {Path(f.path).name: f.kind for f in report.files}
    assert kinds["名单政策.csv"] is FileKind.list_policies
    assert kinds["失信名单.csv"] is FileKind.list_entries
    firms = next(f for f in report.files if f.kind is FileKind.enterprises)
    assert any("法定代表人" in w and "已忽略" in w for w in firms.warnings)


def test_xlsx_round_trip(store: Store, tmp_path: Path) -> None:
    paths = write_city(tmp_path, xlsx=True)
    # Excel date cells and a percentage stored as a number are what users' workbooks hold.
    dated: list[list[object]] = [
        [*row[:3], dt.datetime.fromisoformat(row[3]), row[4], row[5]] for row in ROWS[FileKind.roles]
    ]
    dated[2][5] = 0.6
    write_xlsx(tmp_path / "roles.xlsx", HEADERS[FileKind.roles], dated)
    report = load_paths(store, paths, progress=False)
    assert report.ok, report.format_text()
    assert {f.encoding for f in report.files} == {"xlsx"}
    assert_city_loaded(store)
    csv_store = SQLiteStore(tmp_path / "csv.db")
    try:
        assert load_paths(csv_store, write_city(tmp_path / "csv"), progress=False).ok
        (firm,) = store.find_subjects(FIRM)
        (csv_firm,) = csv_store.find_subjects(FIRM)
        as_tuples = [(r.holder_code, r.role, r.start, r.end, r.ratio) for r in store.subject_roles(firm.pk)]
        csv_tuples = [
            (r.holder_code, r.role, r.start, r.end, r.ratio) for r in csv_store.subject_roles(csv_firm.pk)
        ]
        assert sorted(as_tuples) == sorted(csv_tuples)
        assert store.entry("E1") == csv_store.entry("E1")
    finally:
        csv_store.close()


def test_uscc_starting_with_a_letter_loads(store: Store, tmp_path: Path) -> None:
    body = "Y1320402MA1X3C4D5"
    code = body[:-1] + "0"
    code = code + stdnum_uscc.calc_check_digit(code)
    assert len(code) == 18
    path = write_csv(tmp_path / "enterprises.csv", ["uscc", "name"], [[code, "常州市天宁区某某协会"]])
    report = load_paths(store, [path], progress=False)
    assert report.ok, report.format_text()
    (subject,) = store.find_subjects(code)
    assert subject.code == code


def test_kind_detection() -> None:
    assert detect_kind(Path("名单政策.xlsx"), []) is FileKind.list_policies
    assert detect_kind(Path("2024年失信名单.csv"), []) is FileKind.list_entries
    assert detect_kind(Path("企业人员任职.csv"), []) is FileKind.roles
    assert detect_kind(Path("enterprises.quarantine.csv"), []) is FileKind.enterprises
    assert detect_kind(Path("export.csv"), ["身份证号码", "姓名"]) is FileKind.persons
    assert (
        detect_kind(
            Path("export.csv"),
            ["措施编号", "名单类别", "名单类型", "实施对象", "措施内容", "发起部门", "实施部门", "实施依据"],
        )
        is FileKind.measures
    )
    assert detect_kind(Path("export.csv"), ["a"]) is None


def test_explicit_kind_override(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "export.csv", ["uscc", "name"], [[FIRM, "甲"]])
    report = load_paths(store, [path], progress=False, kinds={path: FileKind.enterprises})
    assert report.ok
    assert report.files[0].kind is FileKind.enterprises


def test_report_formats_and_serialises(store: Store, tmp_path: Path) -> None:
    rows = [[make_uscc(n)[:-1] + ("0" if make_uscc(n)[-1] != "0" else "1"), f"企业{n}"] for n in range(60)]
    path = write_csv(tmp_path / "enterprises.csv", ["uscc", "name"], rows)
    report = load_paths(store, [path], progress=False)
    assert len(report.problems) == 60
    text = report.format_text(limit=50)
    assert "enterprises.csv 第 2 行 列 uscc 值 " in text
    assert "校验位错误" in text
    assert text.endswith("… 另有 10 处")
    assert sum(line.startswith("  enterprises.csv 第") for line in text.splitlines()) == 50
    data = json.loads(json.dumps(report.to_dict()))
    assert data["totals"] == {"read": 60, "loaded": 0, "quarantined": 0, "rejected": 60, "problems": 60}
    assert data["files"][0]["problems"][0]["row"] == 2


def test_every_load_is_recorded(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "persons.csv", ["id_number", "name"], [[ZHANG, "张三"]])
    load_paths(store, [path], progress=False)
    load_paths(store, [path], on_error="quarantine", progress=False)
    assert isinstance(store, SQLiteStore)
    with sqlite3.connect(store.path) as conn:
        runs = conn.execute("SELECT on_error, report FROM load_runs ORDER BY pk").fetchall()
    assert [run[0] for run in runs] == ["reject", "quarantine"]
    assert json.loads(runs[1][1])["files"][0]["counts"] == {"inserted": 0, "updated": 0, "unchanged": 1}


def test_header_only_file_loads_nothing_with_a_warning(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "persons.csv", ["id_number", "name"], [])
    report = load_paths(store, [path], progress=False)
    assert report.ok
    assert report.files[0].read == 0
    assert any("只有表头" in w for w in report.files[0].warnings)


def test_blank_rows_keep_spreadsheet_row_numbers(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "persons.csv"
    path.write_text(f"id_number,name\n{ZHANG},张三\n,\n\n{LI[:-1]}Z,李四\n", encoding="utf-8")
    report = load_paths(store, [path], progress=False)
    assert [p.row for p in report.problems] == [5]
    assert report.files[0].read == 2
