"""``credlink export --neo4j-import``: the CSV files and command of Neo4j's bulk importer, from a real sample
city in a real SQLite file (no Neo4j needed: the files are checked as neo4j-admin reads them)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import sqlite3
import stat
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest

from api.cli import main
from api.settings import get_settings

NAME_WITH_COMMA = '常州"甲",建设有限公司\n第二行'


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A sample city loaded (propagated, dispatched), with a few awkward values written in on purpose."""
    get_settings.cache_clear()
    root = tmp_path_factory.mktemp("city")
    db = root / "city.db"
    assert (
        main(["sample", "--enterprises", "150", "--out", str(root / "sample"), "--today", "2024-06-01"]) == 0
    )
    assert main(["--db", str(db), "load", str(root / "sample")]) == 0
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE subjects SET name = ? WHERE pk = 1", (NAME_WITH_COMMA,))
        conn.execute("UPDATE measures SET business_items = '', sharing_method = '' WHERE pk = 1")
        conn.execute("UPDATE roles SET start_date = '' WHERE pk = 1")
        details = {"on": "2024-05-01", "before": {"status": "effective"}, "after": {"status": "revoked"}}
        conn.execute(
            "INSERT INTO entry_events (entry_pk, at, actor, action, reason, details) VALUES (1, ?, ?, ?, ?, ?)",
            (
                "2024-05-01T08:00:00Z",
                "市信用办",
                "revoke",
                "错误列入，撤销",
                json.dumps(details, ensure_ascii=False),
            ),
        )
        conn.execute("INSERT INTO change_log (entry_pk) VALUES (1)")
    conn.close()
    return db


@pytest.fixture(scope="module")
def exported(city: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("import")
    assert main(["--db", str(city), "export", "--neo4j-import", str(out)]) == 0
    return out


def test_the_export_says_what_it_leaves_out(
    city: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(city), "export", "--neo4j-import", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "不在本次导出中" in out
    assert "dispatches=" in out  # the sample's load dispatched measures: that state is not in the import
    assert "constraints are created on first start" in out


def read(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def count(db: Path, query: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute(query).fetchone()[0])
    finally:
        conn.close()


EXPECTED_HEADERS = {
    "subjects.csv": "pk:ID(Subject),:LABEL,subject_type,code,name,enterprise_kind,enterprise_status,region_code,"
    "established:date",
    "roles.csv": ":START_ID(Subject),:END_ID(Subject),:TYPE,pk:long,role,start:date,end:date,ratio:double",
    "measures.csv": "pk:ID(Measure),measure_id,version:long,retired_in:long,valid_from:date,valid_to:date,"
    "current:boolean,kind,list_type,target,content,initiating_department,implementing_department,legal_basis,"
    "business_items:string[],sharing_method",
    "derived_paths.csv": ":START_ID(DerivedRecord),:END_ID(Subject),:TYPE",
    "sequences.csv": "name,value:long",
}

ROW_COUNTS = {
    "subjects.csv": "SELECT count(*) FROM subjects",
    "roles.csv": "SELECT count(*) FROM roles",
    "list_entries.csv": "SELECT count(*) FROM list_entries",
    "concerns.csv": "SELECT count(*) FROM list_entries",
    "identified_by.csv": "SELECT count(*) FROM list_entries",
    "measures.csv": "SELECT count(*) FROM measures",
    "measure_departments.csv": "SELECT 2 * count(*) FROM measures",
    "list_policies.csv": "SELECT count(*) FROM list_policies",
    "derived_records.csv": "SELECT count(*) FROM derived_records",
    "derives.csv": "SELECT count(*) FROM derived_records",
    "derived_paths.csv": "SELECT 2 * count(*) FROM derived_records",
    "entry_events.csv": "SELECT count(*) FROM entry_events",
    "has_event.csv": "SELECT count(*) FROM entry_events",
    "changes.csv": "SELECT count(*) FROM change_log",
    "departments.csv": """SELECT count(*) FROM (SELECT department FROM list_entries
        UNION SELECT initiating_department FROM measures UNION SELECT implementing_department FROM measures)""",
}


def test_headers_use_the_importer_syntax(exported: Path) -> None:
    for name, header in EXPECTED_HEADERS.items():
        assert ",".join(read(exported / name)[0]) == header, name


def test_row_counts_match_the_store(city: Path, exported: Path) -> None:
    for name, query in ROW_COUNTS.items():
        assert len(read(exported / name)[1]) == count(city, query), name
    assert count(city, "SELECT count(*) FROM derived_records") > 0  # the sample reaches people through firms


def group_of(column: str, marker: str) -> str | None:
    if marker not in column:
        return None
    return column.split(marker, 1)[1].split(")", 1)[0]


def test_ids_are_unique_per_group_and_every_endpoint_exists(exported: Path) -> None:
    ids: dict[str, set[int]] = defaultdict(set)
    files = sorted(exported.glob("*.csv"))
    for path in files:
        header, rows = read(path)
        for index, column in enumerate(header):
            group = group_of(column, ":ID(")
            if group is None:
                continue
            values = [int(row[index]) for row in rows]
            assert len(set(values)) == len(values), f"duplicate ids in {path.name}"
            assert not ids[group] & set(values), f"ids of group {group} repeated in {path.name}"
            ids[group].update(values)
    assert set(ids) == {"Subject", "ListEntry", "Department", "Measure", "DerivedRecord", "EntryEvent"}
    checked = 0
    for path in files:
        header, rows = read(path)
        for index, column in enumerate(header):
            group = group_of(column, ":START_ID(") or group_of(column, ":END_ID(")
            if group is None:
                continue
            missing = {int(row[index]) for row in rows} - ids[group]
            assert not missing, f"{path.name}: {column} refers to missing nodes {sorted(missing)[:5]}"
            checked += len(rows)
    assert checked > 1000


def test_relationship_types_and_labels_follow_the_schema(exported: Path) -> None:
    from graph.store.neo4j.schema import GRAPH, MEASURES

    known = set(GRAPH.relationships) | set(MEASURES.relationships)
    for path in exported.glob("*.csv"):
        header, rows = read(path)
        if ":TYPE" in header:
            index = header.index(":TYPE")
            assert {row[index] for row in rows} <= known, path.name
    header, rows = read(exported / "subjects.csv")
    labels = {row[1] for row in rows}
    assert labels == {"Subject;Enterprise", "Subject;Person"}
    kinds = {row[1]: row[2] for row in rows}
    assert kinds == {"Subject;Enterprise": "enterprise", "Subject;Person": "person"}
    header, rows = read(exported / "roles.csv")
    for row in rows:
        assert row[2] == row[4].upper()  # :TYPE is the role's name in capitals, as ROLE_TYPES says


def test_dates_are_iso_days_or_absent(exported: Path) -> None:
    seen = 0
    for path in exported.glob("*.csv"):
        header, rows = read(path)
        for index, column in enumerate(header):
            if column.endswith(":date"):
                for row in rows:
                    if row[index]:
                        assert dt.date.fromisoformat(row[index]).isoformat() == row[index]
                        seen += 1
    assert seen > 500
    header, rows = read(exported / "roles.csv")
    first = next(row for row in rows if row[3] == "1")
    assert first[header.index("start:date")] == ""  # an open start is no property, not ''


def test_text_is_quoted_so_chinese_commas_quotes_and_newlines_survive(exported: Path) -> None:
    raw = (exported / "subjects.csv").read_text(encoding="utf-8")
    assert '"常州""甲"",建设有限公司\n第二行"' in raw
    header, rows = read(exported / "subjects.csv")
    assert next(row for row in rows if row[0] == "1")[header.index("name")] == NAME_WITH_COMMA
    measures = (exported / "measures.csv").read_text(encoding="utf-8").splitlines()
    first = next(line for line in measures if line.startswith("1,"))
    # business_items '' → empty array → no property (unquoted); sharing_method '' stays an empty string
    assert first.endswith(',,""')


def test_measures_arrays_and_current_flag(city: Path, exported: Path) -> None:
    header, rows = read(exported / "measures.csv")
    items = header.index("business_items:string[]")
    current = header.index("current:boolean")
    valid_to = header.index("valid_to:date")
    assert any(";" in row[items] for row in rows)  # the sample has measures with several items
    for row in rows:
        assert row[current] == ("true" if row[valid_to] == "" else "false")
    conn = sqlite3.connect(city)
    stored = dict(conn.execute("SELECT pk, business_items FROM measures").fetchall())
    conn.close()
    for row in rows:
        exported_items = row[items].split(";") if row[items] else []
        assert exported_items == [item for item in stored[int(row[0])].split(";") if item]


def test_events_carry_on_before_after_as_json(exported: Path) -> None:
    header, rows = read(exported / "entry_events.csv")
    revoke = next(row for row in rows if row[header.index("action")] == "revoke")
    assert revoke[header.index("on:date")] == "2024-05-01"
    assert json.loads(revoke[header.index("before")]) == {"status": "effective"}
    assert json.loads(revoke[header.index("after")]) == {"status": "revoked"}
    assert revoke[header.index("actor")] == "市信用办"


def test_sequences_continue_after_the_highest_keys(city: Path, exported: Path) -> None:
    _header, rows = read(exported / "sequences.csv")
    values = {name: int(value) for name, value in rows}
    assert values == {
        "subject": count(city, "SELECT max(pk) FROM subjects"),
        "role": count(city, "SELECT max(pk) FROM roles"),
        "entry": count(city, "SELECT max(pk) FROM list_entries"),
        "event": count(city, "SELECT max(pk) FROM entry_events"),
        "measure": count(city, "SELECT max(pk) FROM measures"),
        "change": count(city, "SELECT seq FROM sqlite_sequence WHERE name = 'change_log'"),
    }


def test_import_script_runs_neo4j_admin_with_every_file(exported: Path, tmp_path: Path) -> None:
    script = exported / "import.sh"
    assert script.stat().st_mode & stat.S_IXUSR
    fake = tmp_path / "bin" / "neo4j-admin"
    fake.parent.mkdir()
    fake.write_text('#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done\n', encoding="utf-8")
    fake.chmod(0o755)
    env = {**os.environ, "PATH": f"{fake.parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(
        ["sh", str(script), "credit", "--overwrite-destination=true"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    args = done.stdout.splitlines()
    assert args[:4] == ["database", "import", "full", "credit"]
    assert "--id-type=integer" in args
    assert "--array-delimiter=;" in args
    assert "--multiline-fields=true" in args
    assert args[-1] == "--overwrite-destination=true"
    files = [arg.split("=")[-1] for arg in args if arg.startswith(("--nodes=", "--relationships="))]
    assert all(Path(name).is_file() for name in files)
    nonempty = {p.name for p in exported.glob("*.csv") if len(read(p)[1])}
    assert {Path(name).name for name in files} == nonempty
    assert f"--nodes=ListEntry={exported.resolve()}/list_entries.csv" in args
    assert f"--relationships={exported.resolve()}/roles.csv" in args


def test_another_array_delimiter(city: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "pipe"
    assert main(["--db", str(city), "export", "--neo4j-import", str(out), "--array-delimiter", "|"]) == 0
    printed = capsys.readouterr().out
    assert "--array-delimiter=|" in printed
    assert "neo4j-admin database import full neo4j" in printed
    _header, rows = read(out / "subjects.csv")
    assert {row[1] for row in rows} == {"Subject|Enterprise", "Subject|Person"}
    header, rows = read(out / "list_policies.csv")
    assert any("|" in row[header.index("roles:string[]")] for row in rows)


@pytest.mark.parametrize("delimiter", [",", '"', "ab"])
def test_a_bad_array_delimiter_is_refused(
    delimiter: str, city: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["--db", str(city), "export", "--neo4j-import", str(tmp_path), "--array-delimiter", delimiter])
        == 1
    )
    assert "--array-delimiter" in capsys.readouterr().err


def test_a_missing_store_or_format_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(tmp_path / "none.db"), "export", "--neo4j-import", str(tmp_path / "o")]) == 1
    assert "不存在" in capsys.readouterr().err
    assert not (tmp_path / "none.db").exists()
    assert main(["--db", str(tmp_path / "none.db"), "export"]) == 1
    assert "--neo4j-import" in capsys.readouterr().err
