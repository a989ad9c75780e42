"""The lifecycle commands (``credlink entry|repair|job …``), run in-process on the tiny city's SQLite file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from api.cli import main
from graph.store.sqlite import SQLiteStore
from tests.api import DIRECT, DIRECT_ENTRY, FIRM_ENTRY, OLD_LR, build_city
from tests.fixtures import batch, enterprise, entry, make_uscc

Capture = pytest.CaptureFixture[str]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return build_city(tmp_path / "city.db")


def _run(db: Path, *args: str) -> int:
    return main(["--db", str(db), *args])


def _history(db: Path, capsys: Capture, entry_id: str = FIRM_ENTRY) -> dict[str, Any]:
    assert _run(db, "entry", "history", entry_id, "--json") == 0
    body: dict[str, Any] = json.loads(capsys.readouterr().out)
    return body


def _restricted(db: Path, capsys: Capture, subject_id: str, at: str) -> dict[str, Any]:
    assert _run(db, "check", subject_id, "--at", at, "--json") == 0
    body: dict[str, Any] = json.loads(capsys.readouterr().out)
    return body


def _fails(capsys: Capture, *says: str) -> None:
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("错误：")
    assert captured.err.count("\n") == 1
    assert "Traceback" not in captured.err
    for text in says:
        assert text in captured.err


def test_entry_history_text_and_json(db: Path, capsys: Capture) -> None:
    assert _run(db, "entry", "history", FIRM_ENTRY) == 0
    out = capsys.readouterr().out
    assert f"名单记录 {FIRM_ENTRY}" in out
    assert "状态 status：生效 effective" in out
    assert "提出异议 file_objection" in out
    assert "导入 imported" in out
    body = _history(db, capsys)
    assert body["entry"]["status"] == "effective"
    assert body["allowed_actions"][0] == {"action": "file_objection", "label": "提出异议"}


def test_entry_object_suspends_and_objecting_twice_fails(db: Path, capsys: Capture) -> None:
    assert (
        _run(
            db,
            "entry",
            "object",
            FIRM_ENTRY,
            "--by",
            "甲公司",
            "--reason",
            "已执行完毕",
            "--on",
            "2024-05-06",
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "异议核实中 under_verification" in out
    assert "2024-05-06 提出异议 file_objection · 甲公司 · 已执行完毕" in out
    assert "维持（异议不成立） uphold" in out

    answer = _restricted(db, capsys, OLD_LR, "2024-05-06")
    assert (answer["restricted"], answer["suspended"]) == (False, True)
    assert "异议核实中，暂停执行" in answer["summary"]
    assert _restricted(db, capsys, OLD_LR, "2024-05-05")["restricted"] is True

    assert _run(db, "entry", "object", FIRM_ENTRY, "--by", "甲公司", "--reason", "再次") == 1
    _fails(capsys, "不能提出异议", "当前允许的操作：维持（异议不成立）、更正、撤销（误列）")


def test_entry_object_without_reason_fails(db: Path, capsys: Capture) -> None:
    assert _run(db, "entry", "object", FIRM_ENTRY, "--by", "甲公司") == 1
    _fails(capsys, "reason")


def test_entry_object_with_a_bad_date_fails(db: Path, capsys: Capture) -> None:
    assert _run(db, "entry", "object", FIRM_ENTRY, "--by", "甲", "--reason", "x", "--on", "2024-02-30") == 1
    _fails(capsys, "--on", "YYYY-MM-DD")


def test_entry_resolve_upheld(db: Path, capsys: Capture) -> None:
    assert _run(db, "entry", "object", FIRM_ENTRY, "--by", "甲", "--reason", "x", "--on", "2024-05-06") == 0
    capsys.readouterr()
    assert (
        _run(db, "entry", "resolve", FIRM_ENTRY, "--outcome", "upheld", "--by", "法院", "--reason", "经核实")
        == 0
    )
    assert "生效 effective" in capsys.readouterr().out
    history = _history(db, capsys)
    assert history["objections"][0]["status"] == "upheld"
    assert history["suspensions"][0]["to_date"] is not None


def test_entry_resolve_corrected_with_set(db: Path, capsys: Capture) -> None:
    assert _run(db, "entry", "object", FIRM_ENTRY, "--by", "甲", "--reason", "x", "--on", "2024-05-06") == 0
    capsys.readouterr()
    resolve = [
        "entry",
        "resolve",
        FIRM_ENTRY,
        "--outcome",
        "corrected",
        "--by",
        "法院",
        "--reason",
        "期限有误",
    ]
    assert _run(db, *resolve, "--set", "valid_to=2024-12-31", "--on", "2024-05-20") == 0
    out = capsys.readouterr().out
    assert "更正公告" in out
    history = _history(db, capsys)
    assert history["entry"]["valid_to"] == "2024-12-31"
    assert history["objections"][0]["status"] == "corrected"


def test_entry_resolve_without_an_objection_fails(db: Path, capsys: Capture) -> None:
    assert (
        _run(db, "entry", "resolve", FIRM_ENTRY, "--outcome", "upheld", "--by", "法院", "--reason", "x") == 1
    )
    _fails(capsys, "没有待处理的异议")


def test_entry_correct(db: Path, capsys: Capture) -> None:
    correct = ["entry", "correct", DIRECT_ENTRY, "--by", "法院", "--reason", "文号有误"]
    assert _run(db, *correct, "--set", "basis=（2023）苏04执1号", "--set", "valid_to=") == 0
    out = capsys.readouterr().out
    assert "更正 correct · 法院 · 文号有误" in out
    entry = _history(db, capsys, DIRECT_ENTRY)["entry"]
    assert (entry["basis"], entry["valid_to"]) == ("（2023）苏04执1号", None)


def test_entry_correct_needs_set_and_a_known_field(db: Path, capsys: Capture) -> None:
    with pytest.raises(SystemExit) as exited:
        _run(db, "entry", "correct", DIRECT_ENTRY, "--by", "法院", "--reason", "x")
    assert exited.value.code == 2
    capsys.readouterr()
    assert (
        _run(db, "entry", "correct", DIRECT_ENTRY, "--by", "法院", "--reason", "x", "--set", "kind=red") == 1
    )
    _fails(capsys, "不能更正字段 kind")


def test_entry_revoke_clears_the_person_and_apologises(db: Path, capsys: Capture) -> None:
    assert (
        _run(db, "entry", "revoke", FIRM_ENTRY, "--by", "法院", "--reason", "误列", "--on", "2024-06-01") == 0
    )
    out = capsys.readouterr().out
    assert "已撤销 revoked" in out
    assert "书面道歉及澄清" in out
    for at in ("2022-03-01", "2024-05-31", "2030-01-01"):
        assert _restricted(db, capsys, OLD_LR, at)["items"] == []
    assert [n["kind"] for n in _history(db, capsys)["notices"]] == ["correction", "apology"]


def test_repair_apply_and_approve(db: Path, capsys: Capture) -> None:
    apply = [
        "repair",
        "apply",
        FIRM_ENTRY,
        "--applicant",
        "甲公司",
        "--evidence",
        "结案证明",
        "--on",
        "2024-06-01",
    ]
    assert _run(db, *apply) == 0
    out = capsys.readouterr().out
    assert "编号 id 1" in out
    assert "credlink repair decide 1" in out
    assert (
        _run(
            db,
            "repair",
            "decide",
            "1",
            "--approve",
            "--by",
            "法院",
            "--reason",
            "符合条件",
            "--on",
            "2024-07-01",
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "批准 approved" in out
    assert "已信用修复 repaired" in out
    assert "退出公告" in out
    assert _restricted(db, capsys, OLD_LR, "2024-06-30")["restricted"] is True
    assert _restricted(db, capsys, OLD_LR, "2024-07-01")["items"] == []


def test_repair_reject_and_decide_again_fails(db: Path, capsys: Capture) -> None:
    assert _run(db, "repair", "apply", FIRM_ENTRY, "--applicant", "甲公司", "--evidence", "结案证明") == 0
    capsys.readouterr()
    assert _run(db, "repair", "decide", "1", "--reject", "--by", "法院", "--reason", "材料不全") == 0
    out = capsys.readouterr().out
    assert "驳回 rejected" in out
    assert "生效 effective" in out
    assert _run(db, "repair", "decide", "1", "--approve", "--by", "法院", "--reason", "x") == 1
    _fails(capsys, "已处理")


def test_repair_of_a_revoked_entry_fails(db: Path, capsys: Capture) -> None:
    assert _run(db, "entry", "revoke", FIRM_ENTRY, "--by", "法院", "--reason", "误列") == 0
    capsys.readouterr()
    assert _run(db, "repair", "apply", FIRM_ENTRY, "--applicant", "甲公司", "--evidence", "x") == 1
    _fails(capsys, "已撤销", "不能申请信用修复")


def test_repair_decide_needs_a_verdict(db: Path, capsys: Capture) -> None:
    with pytest.raises(SystemExit) as exited:
        _run(db, "repair", "decide", "1", "--by", "法院", "--reason", "x")
    assert exited.value.code == 2
    capsys.readouterr()
    assert _run(db, "repair", "decide", "7", "--approve", "--by", "法院", "--reason", "x") == 1
    _fails(capsys, "未找到信用修复申请 7")


def test_job_run_expires_and_job_list_shows_the_run(db: Path, capsys: Capture) -> None:
    correct = ["entry", "correct", DIRECT_ENTRY, "--by", "法院", "--reason", "期限有误"]
    assert _run(db, *correct, "--set", "valid_to=2024-01-31", "--on", "2024-01-15") == 0
    capsys.readouterr()
    assert _run(db, "job", "run", "--on", "2024-02-01") == 0
    captured = capsys.readouterr()
    assert "运行定期任务" in captured.err
    assert f"到期移出 expired 1 条（{DIRECT_ENTRY}）" in captured.out
    assert _history(db, capsys, DIRECT_ENTRY)["entry"]["status"] == "expired"
    assert _restricted(db, capsys, DIRECT, "2024-02-01")["items"] == []

    assert _run(db, "job", "list") == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert line.startswith("#1 运行日 2024-02-01 done")
    assert "到期 expired 1" in line


def test_job_list_of_a_fresh_store(db: Path, capsys: Capture) -> None:
    assert _run(db, "job", "list") == 0
    assert "尚无运行记录" in capsys.readouterr().out


def test_job_run_while_another_run_holds_the_lock_fails(db: Path, capsys: Capture) -> None:
    import datetime as dt

    from graph.store.sqlite import SQLiteStore

    store = SQLiteStore(db)
    try:
        assert store.start_job(dt.date.today()) is not None
    finally:
        store.close()
    assert _run(db, "job", "run") == 1
    captured = capsys.readouterr()
    assert "正在运行" in captured.err
    assert "Traceback" not in captured.err


@pytest.mark.parametrize("group", ["entry", "repair", "job"])
def test_a_group_without_an_action_prints_its_help(db: Path, capsys: Capture, group: str) -> None:
    assert _run(db, group) == 2
    assert f"usage: credlink {group}" in capsys.readouterr().err


def test_help_lists_the_lifecycle_groups(capsys: Capture) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for group in ("entry", "repair", "job"):
        assert group in out
    with pytest.raises(SystemExit):
        main(["entry", "resolve", "--help"])
    out = capsys.readouterr().out
    assert "--outcome" in out
    assert "FIELD=VALUE" in out


def test_missing_database_is_reported(tmp_path: Path, capsys: Capture) -> None:
    assert main(["--db", str(tmp_path / "absent.db"), "entry", "history", FIRM_ENTRY]) == 1
    _fails(capsys, "不存在")


def test_loading_a_black_entry_ends_the_subjects_red_entry_at_once(
    db: Path, tmp_path: Path, capsys: Capture
) -> None:
    firm = make_uscc(901)
    store = SQLiteStore(db)
    store.write_batch(
        batch(
            enterprises=[enterprise(firm, "常州先红后黑有限公司")],
            list_entries=[
                entry(
                    "RED-9",
                    firm,
                    kind="red",
                    list_type="纳税信用A级纳税人",
                    act_date=None,
                    valid_from="2020-01-01",
                )
            ],
        )
    )
    store.close()
    black = tmp_path / "list_entries.csv"
    black.write_text(
        "entry_id,subject_id,kind,list_type,department,basis,act_date,decided_on,valid_from,valid_to\n"
        f"BLK-9,{firm},black,失信被执行人,常州市中级人民法院,（2024）苏04执9号,2024-01-02,2024-02-01,2024-02-01,\n",
        encoding="utf-8",
    )
    assert _run(db, "load", str(black)) == 0
    out = capsys.readouterr().out
    assert "交叉比对" in out
    assert "RED-9" in out
    assert _history(db, capsys, "RED-9")["entry"]["status"] == "removed"
