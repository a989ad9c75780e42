"""The preliminary-list commands (``credlink prelist …``), run in-process on the tiny city's SQLite file with
two more list types: 诚信典型 (red, publicity five days) and 法院失信 (black, may skip publicity)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from api.cli import main
from graph.store.sqlite import SQLiteStore
from tests.api import CLEAN_FIRM, FIRM, FIRM_ENTRY, build_city
from tests.fixtures import batch, policy

Capture = pytest.CaptureFixture[str]

RED_LIST = "诚信典型"
SKIP_LIST = "法院失信"
RED_DEPARTMENT = "常州市发展和改革委员会"
COURT = "常州市中级人民法院"
HEADER = "名单编号,主体标识,名单类型,认定依据,失信行为日期,有效期自,有效期至\n"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = build_city(tmp_path / "city.db")
    store = SQLiteStore(path)
    try:
        store.write_batch(
            batch(
                list_policies=[
                    policy(list_type=RED_LIST, publicity_days=5),
                    policy(list_type=SKIP_LIST, black_skip_publicity=True),
                ]
            )
        )
    finally:
        store.close()
    return path


def _run(db: Path, *args: str) -> int:
    return main(["--db", str(db), *args])


def _file(tmp_path: Path, name: str, *rows: str) -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8-sig")
    return path


def _fails(capsys: Capture, *says: str) -> None:
    captured = capsys.readouterr()
    assert captured.err.startswith("错误：")
    assert captured.err.count("\n") == 1
    assert "Traceback" not in captured.err
    for text in says:
        assert text in captured.err


def _show(db: Path, capsys: Capture, list_id: str) -> dict[str, Any]:
    assert _run(db, "prelist", "show", list_id, "--json") == 0
    body: dict[str, Any] = json.loads(capsys.readouterr().out)
    return body


def test_submit_publicise_and_take_effect_end_to_end(db: Path, tmp_path: Path, capsys: Capture) -> None:
    path = _file(
        tmp_path,
        "诚信典型初步名单.csv",
        f"R-1,{CLEAN_FIRM},{RED_LIST},常发改信〔2024〕1号,,2024-05-01,2026-04-30",
        f"R-2,{FIRM},{RED_LIST},常发改信〔2024〕2号,,2024-05-01,",
    )
    submit = ["prelist", "submit", str(path), "--department", RED_DEPARTMENT, "--actor", "王科员"]
    assert _run(db, *submit, "--kind", "red", "--on", "2024-05-01") == 0
    out = capsys.readouterr().out
    assert "初步名单 PL-20240501-0001：红名单 · 认定单位 常州市发展和改革委员会" in out
    assert "提交 submitted 2 条 = 接受 accepted 1 + 交叉比对不予列入 rejected 1" in out
    assert f"R-2 常州甲建设工程有限公司（{FIRM}）：该主体本身已列入黑名单 {FIRM_ENTRY}" in out
    assert "下一步 next: credlink prelist publicise PL-20240501-0001" in out

    assert _run(db, "prelist", "publicise", "PL-20240501-0001", "--by", "王科员", "--on", "2024-05-02") == 0
    assert "公示期 2024-05-02 至 2024-05-06" in capsys.readouterr().out

    assert _run(db, "prelist", "take-effect", "PL-20240501-0001", "--by", "王科员", "--on", "2024-05-06") == 1
    _fails(capsys, "最早可于 2024-05-07 生效", "当前允许的操作：生效、撤回")

    assert _run(db, "prelist", "take-effect", "PL-20240501-0001", "--by", "王科员", "--on", "2024-05-07") == 0
    out = capsys.readouterr().out
    assert "生效 took effect：1 条（R-1）" in out
    assert "状态 status：已办结 concluded" in out
    body = _show(db, capsys, "PL-20240501-0001")
    assert body["source_file"] == "诚信典型初步名单.csv"
    effective = next(e for e in body["entries"] if e["entry"]["entry_id"] == "R-1")
    assert (effective["entry"]["status"], effective["entry"]["valid_from"]) == ("effective", "2024-05-07")
    assert (effective["entry"]["valid_to"]) == "2026-05-06"  # moved with valid_from, period kept

    assert _run(db, "check", CLEAN_FIRM, "--at", "2024-05-07", "--json") == 0
    answer = json.loads(capsys.readouterr().out)
    assert [item["entry"]["entry_id"] for item in answer["items"]] == ["R-1"]


def test_a_file_with_a_bad_row_is_not_submitted(db: Path, tmp_path: Path, capsys: Capture) -> None:
    path = _file(
        tmp_path,
        "名单.csv",
        f"R-3,{CLEAN_FIRM},{RED_LIST},常发改信〔2024〕3号,,2024-05-01,",
        f"R-4,{CLEAN_FIRM},{RED_LIST},常发改信〔2024〕4号,,2024-13-01,",
    )
    submit = ["prelist", "submit", str(path), "--department", RED_DEPARTMENT, "--by", "王科员"]
    assert _run(db, *submit) == 1
    assert "缺少名单类别" in capsys.readouterr().out  # no kind column and no --kind
    assert _run(db, *submit, "--kind", "red") == 1
    captured = capsys.readouterr()
    assert "初步名单未提交：发现 1 处问题" in captured.out
    assert "名单.csv 第 3 行 列 valid_from 值 2024-13-01：日期 2024-13-01 不存在" in captured.out
    assert captured.err == "错误：初步名单未通过校验，详见上方报告\n"
    assert _run(db, "entry", "history", "R-3") == 1
    _fails(capsys, "未找到名单记录 R-3")


def test_black_list_skipping_publicity_after_notification_and_withdrawal(
    db: Path, tmp_path: Path, capsys: Capture
) -> None:
    path = _file(
        tmp_path,
        "法院失信.csv",
        f"B-1,{CLEAN_FIRM},{SKIP_LIST},（2024）苏04执1号,2024-03-01,2024-05-10,",
        f"B-2,{CLEAN_FIRM},{SKIP_LIST},（2024）苏04执2号,2024-03-02,2024-05-10,",
    )
    submit = ["prelist", "submit", str(path), "--department", COURT, "--by", "张法官", "--kind", "black"]
    assert _run(db, *submit, "--on", "2024-05-01") == 0
    capsys.readouterr()
    list_id = "PL-20240501-0001"
    assert _run(db, "prelist", "take-effect", list_id, "--by", "张法官", "--on", "2024-05-02") == 1
    _fails(capsys, "须先记录对主体的事前告知")

    assert _run(db, "prelist", "notify", list_id, "--by", "张法官", "--on", "2024-05-02") == 1
    _fails(capsys, "告知方式")
    notify = ["prelist", "notify", list_id, "--by", "张法官", "--method", "书面送达", "--entry", "B-1"]
    assert _run(db, *notify, "--on", "2024-05-02") == 0
    assert "已记录事前告知 notified：B-1 常州乙贸易有限公司（书面送达）" in capsys.readouterr().out

    assert _run(db, "prelist", "take-effect", list_id, "--by", "张法官", "--on", "2024-05-03") == 0
    out = capsys.readouterr().out
    assert "生效 took effect：1 条（B-1）" in out
    assert "未生效 waiting：B-2：" in out

    withdraw = ["prelist", "withdraw", list_id, "--by", "张法官", "--reason", "异议成立", "--entry", "B-2"]
    assert _run(db, *withdraw) == 0
    assert "撤回 withdrawn：1 条（B-2）" in capsys.readouterr().out
    body = _show(db, capsys, list_id)
    assert body["status"] == "concluded"
    assert {e["entry"]["entry_id"]: e["entry"]["status"] for e in body["entries"]} == {
        "B-1": "effective",
        "B-2": "revoked",
    }
    assert body["entries"][0]["notifications"][0]["recipient"] == "常州乙贸易有限公司"


def test_the_periodic_job_reports_what_took_effect(db: Path, tmp_path: Path, capsys: Capture) -> None:
    path = _file(tmp_path, "名单.csv", f"R-5,{CLEAN_FIRM},{RED_LIST},常发改信〔2024〕5号,,2024-05-01,")
    submit = [
        "prelist",
        "submit",
        str(path),
        "--department",
        RED_DEPARTMENT,
        "--by",
        "王科员",
        "--kind",
        "red",
    ]
    assert _run(db, *submit, "--on", "2024-05-01") == 0
    assert _run(db, "prelist", "publicise", "PL-20240501-0001", "--by", "王科员", "--on", "2024-05-01") == 0
    capsys.readouterr()
    assert _run(db, "job", "run", "--on", "2024-05-05") == 0
    assert "初步名单生效 took effect 0 条" in capsys.readouterr().out
    assert _run(db, "job", "run", "--on", "2024-05-06") == 0
    assert "初步名单生效 took effect 1 条（R-5）" in capsys.readouterr().out


def test_unknown_list_and_missing_file(db: Path, tmp_path: Path, capsys: Capture) -> None:
    assert _run(db, "prelist", "show", "PL-19990101-0001") == 1
    _fails(capsys, "未找到初步名单 PL-19990101-0001")
    missing = tmp_path / "nope.csv"
    assert _run(db, "prelist", "submit", str(missing), "--department", COURT, "--by", "张法官") == 1
    _fails(capsys, "nope.csv")
