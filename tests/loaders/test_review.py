"""Files as users really send them: hidden companions, title rows, several sheets, odd separators."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook

from graph.store.port import Store
from loaders import load_paths
from tests.fixtures import make_id_number, make_uscc
from tests.loaders import only_problem, write_csv

FIRM = make_uscc(1)
OTHER = make_uscc(2)
ZHANG = make_id_number(1)


def test_hidden_and_non_contract_files_in_a_directory_are_skipped(store: Store, tmp_path: Path) -> None:
    write_csv(tmp_path / "enterprises.csv", ["uscc", "name"], [[FIRM, "常州甲机械有限公司"]])
    # What a Mac leaves beside a file copied to a USB stick, and what a LibreOffice session leaves.
    (tmp_path / "._enterprises.csv").write_bytes(b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        ")
    (tmp_path / ".~lock.enterprises.csv#").write_text("x", encoding="utf-8")
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (tmp_path / "README.txt").write_text("说明", encoding="utf-8")
    report = load_paths(store, [tmp_path], progress=False)
    assert report.ok, report.format_text()
    assert [file.name for file in report.files] == ["enterprises.csv"]


def test_repeated_header_name_is_a_clear_error(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "enterprises.csv", ["uscc", "name", "name"], [[FIRM, "甲", "乙"]])
    report = load_paths(store, [path], progress=False)
    problem = only_problem(report)
    assert "重复的列名：name（第 2、3 列）" in problem.reason
    assert "name.1" not in report.format_text()
    assert store.stats()["enterprises"] == 0


def test_english_and_chinese_alias_of_one_column_is_a_clear_error(store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "enterprises.csv", ["统一社会信用代码", "uscc", "name"], [[FIRM, FIRM, "甲"]])
    problem = only_problem(load_paths(store, [path], progress=False))
    assert (problem.row, problem.column) == (1, "uscc")
    assert problem.reason == "列 统一社会信用代码 和 uscc 都对应 uscc，只能保留一列"


def test_xlsx_title_row_above_the_header_is_skipped(store: Store, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["常州市企业名单"])
    sheet.merge_cells("A1:C1")
    sheet.append(["统一社会信用代码", "企业名称", "成立日期"])
    sheet.append([FIRM, "常州甲机械有限公司", "2005-06-01"])
    sheet.append([OTHER, "常州乙有限公司", "2005-13-01"])
    path = tmp_path / "企业.xlsx"
    book.save(path)
    report = load_paths(store, [path], progress=False)
    problem = only_problem(report)
    # Spreadsheet rows: title 1, header 2, data 3 and 4.
    assert (problem.row, problem.column, problem.value) == (4, "established", "2005-13-01")
    assert report.files[0].read == 2
    assert any(
        "表头在第 2 行" in warning and "常州市企业名单" in warning for warning in report.files[0].warnings
    )


def test_csv_title_row_with_bom_and_crlf(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "企业.csv"
    text = (
        f"常州市企业名单,,\r\n统一社会信用代码,企业名称,成立日期\r\n{FIRM},常州甲机械有限公司,2005-06-01\r\n"
    )
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    report = load_paths(store, [path], progress=False)
    assert report.ok, report.format_text()
    assert report.files[0].loaded == 1
    (firm,) = store.find_subjects(FIRM)
    assert firm.name == "常州甲机械有限公司"


def test_xlsx_with_several_sheets_reads_the_one_with_the_header(store: Store, tmp_path: Path) -> None:
    book = Workbook()
    notes = book.active
    assert notes is not None
    notes.title = "填表说明"
    notes.append(["请按模板填写，日期格式 YYYY-MM-DD"])
    data = book.create_sheet("企业")
    data.append(["uscc", "name"])
    data.append([FIRM, "常州甲机械有限公司"])
    book.create_sheet("备用").append(["其他内容"])
    path = tmp_path / "enterprises.xlsx"
    book.save(path)
    report = load_paths(store, [path], progress=False)
    assert report.ok, report.format_text()
    assert report.files[0].loaded == 1
    assert any(
        "读取的是工作表“企业”" in warning and "备用" in warning for warning in report.files[0].warnings
    )


def test_trailing_comma_on_data_rows_does_not_shift_columns(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "enterprises.csv"
    path.write_text(f"uscc,name\n{FIRM},常州甲机械有限公司,\n{OTHER},常州乙有限公司,\n", encoding="utf-8")
    report = load_paths(store, [path], progress=False)
    assert report.ok, report.format_text()
    (firm,) = store.find_subjects(FIRM)
    assert firm.name == "常州甲机械有限公司"


def test_extra_data_past_the_header_is_reported_not_shifted(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "enterprises.csv"
    path.write_text(f"uscc,name\n{FIRM},常州甲机械有限公司,多余\n", encoding="utf-8")
    problem = only_problem(load_paths(store, [path], progress=False))
    assert (problem.row, problem.reason) == (1, "第 3 列没有表头，但有数据")
    assert store.stats()["enterprises"] == 0


def test_excel_unicode_text_utf16_is_read(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "enterprises.csv"
    path.write_bytes(f"uscc\tname\r\n{FIRM}\t常州甲机械有限公司\r\n".encode("utf-16"))
    report = load_paths(store, [path], progress=False)
    assert report.ok, report.format_text()
    (firm,) = store.find_subjects(FIRM)
    assert firm.name == "常州甲机械有限公司"
    assert "UTF-16" in report.format_text()


def test_full_width_spaces_and_lowercase_x(store: Store, tmp_path: Path) -> None:
    code = make_id_number(3)
    while not code.endswith("X"):
        code = make_id_number(int(code[14:17]) + 1)
    path = tmp_path / "persons.csv"
    path.write_text(f"身份证号码,姓名,\n\u3000{code.lower()}\u3000,\u3000张三\u3000,\n", encoding="utf-8")
    report = load_paths(store, [path], progress=False)
    assert report.ok, report.format_text()
    (person,) = store.find_subjects(code)
    assert person.name == "张三"


def test_quarantine_files_of_inputs_with_one_stem_do_not_overwrite_each_other(
    store: Store, tmp_path: Path
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = write_csv(
        tmp_path / "a" / "enterprises.csv", ["uscc", "name"], [[FIRM, "甲"], [FIRM[:-1], "坏甲"]]
    )
    second = write_csv(
        tmp_path / "b" / "enterprises.csv", ["uscc", "name"], [[OTHER, "乙"], [OTHER[:-1], "坏乙"]]
    )
    quarantine = tmp_path / "q"
    report = load_paths(
        store, [first, second], on_error="quarantine", quarantine_dir=quarantine, progress=False
    )
    paths = [file.quarantine_path for file in report.files]
    assert None not in paths
    assert len(set(paths)) == 2
    names = sorted(
        pd.read_csv(path, dtype=str, encoding="utf-8-sig")["name"].iloc[0] for path in paths if path
    )
    assert names == ["坏乙", "坏甲"]
