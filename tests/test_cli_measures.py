"""The measures list commands (``credlink measures …``), run in-process on the tiny city's SQLite file (whose
measures file was imported before any publication: M-LR-GP, M-LR-HC, M-SUBJ-GP — see ``tests/api``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from api.cli import main
from graph.store.port import CONTRACT_COLUMNS, FileKind
from tests.api import FIRM, NEW_LR, build_city

Capture = pytest.CaptureFixture[str]
OFFICER = "常州市信用办 王科长"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return build_city(tmp_path / "city.db")


def _run(db: Path, *args: str) -> int:
    return main(["--db", str(db), *args])


def _json(db: Path, capsys: Capture, *args: str) -> dict[str, Any]:
    assert _run(db, *args, "--json") == 0
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


def _restricting(db: Path, capsys: Capture, subject: str, at: str, item: str) -> list[str]:
    answer = _json(db, capsys, "check", subject, "--at", at, "--business-item", item)
    return sorted(m["measure_id"] for it in answer["items"] for m in it["measures"])


def _write_measures(path: Path, rows: list[dict[str, str]]) -> Path:
    columns = CONTRACT_COLUMNS[FileKind.measures]
    lines = [",".join(columns), *(",".join(row.get(column, "") for column in columns) for row in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


HC_ROW = {
    "measure_id": "M-PR-HC",
    "kind": "black",
    "list_type": "失信被执行人",
    "target": "principal",
    "content": "限制主要负责人高消费",
    "initiating_department": "常州市中级人民法院",
    "implementing_department": "常州市中级人民法院",
    "legal_basis": "《最高人民法院关于限制被执行人高消费及有关消费的若干规定》",
    "business_items": "high_consumption",
    "sharing_method": "接口推送",
}


def test_set_publish_versions_diff_and_list_end_to_end(db: Path, capsys: Capture) -> None:
    assert _run(db, "measures", "versions") == 0
    assert "第 0 版（首次发布前导入的清单），共 3 项，自始有效  ← 现行 current" in capsys.readouterr().out

    assert (
        _run(db, "measures", "set", "M-LR-GP", "--set", "business_items=fiscal_funds", "--by", OFFICER) == 0
    )
    out = capsys.readouterr().out
    assert "草稿 draft：措施 M-LR-GP 修改 changed" in out
    assert "business_items（业务事项）：[public_procurement] → [fiscal_funds]" in out
    assert _run(db, "measures", "remove", "M-SUBJ-GP", "--by", OFFICER) == 0
    assert "删除措施 M-SUBJ-GP" in capsys.readouterr().out

    assert _run(db, "measures", "draft") == 0
    out = capsys.readouterr().out
    assert "2 项修改；发布后新增 0 项，修改 1 项，删除 1 项，共 2 项" in out
    assert "  - M-SUBJ-GP" in out

    publish = [
        "measures",
        "publish",
        "--actor",
        "常州市信用办 李主任",
        "--note",
        "第一次发布",
        "--on",
        "2023-01-01",
    ]
    assert _run(db, *publish) == 0
    out = capsys.readouterr().out
    assert "已发布 published 第 1 版 自 2023-01-01 起施行，常州市信用办 李主任 发布：第一次发布" in out
    assert "新增 0 项，修改 1 项，删除 1 项" in out

    versions = _json(db, capsys, "measures", "versions")
    assert versions["current"] == 1
    assert [v["version"] for v in versions["versions"]] == [0, 1]

    assert _run(db, "measures", "diff", "0", "1") == 0
    out = capsys.readouterr().out
    assert out.startswith("第 0 版 → 第 1 版：新增 0 项，修改 1 项，删除 1 项")
    assert "  ~ M-LR-GP" in out
    assert "business_items（业务事项）：[public_procurement] → [fiscal_funds]" in out
    diff = _json(db, capsys, "measures", "diff", "0", "1")
    assert [m["measure_id"] for m in diff["removed"]] == ["M-SUBJ-GP"]

    now = _json(db, capsys, "measures", "list")
    assert [m["measure_id"] for m in now["measures"]] == ["M-LR-GP", "M-LR-HC"]
    then = _json(
        db, capsys, "measures", "list", "--at", "2022-12-31", "--business-item", "public_procurement"
    )
    assert then["version"]["version"] == 0
    assert [m["measure_id"] for m in then["measures"]] == ["M-LR-GP", "M-SUBJ-GP"]
    whole = _json(db, capsys, "measures", "list", "--version", "0")
    assert whole["count"] == 3
    assert _run(db, "measures", "list", "--department", "常州市中级人民法院") == 0
    out = capsys.readouterr().out
    assert "列出 1 项" in out
    assert "M-LR-HC [黑名单（惩戒）·失信被执行人·法定代表人] 限制高消费" in out

    # The check follows the version in force on the day asked.
    assert _restricting(db, capsys, FIRM, "2022-12-31", "public_procurement") == ["M-SUBJ-GP"]
    assert _restricting(db, capsys, FIRM, "2023-01-01", "public_procurement") == []
    assert _restricting(db, capsys, NEW_LR, "2023-06-01", "fiscal_funds") == ["M-LR-GP"]

    assert _run(db, "measures", "log", "--limit", "3") == 0
    lines = capsys.readouterr().out.splitlines()
    assert "发布新版本 publish · 常州市信用办 李主任 · 第 1 版：第一次发布" in lines[0]
    assert "草稿：删除措施 remove · 常州市信用办 王科长 · M-SUBJ-GP" in lines[1]


def test_set_from_a_file_goes_to_the_draft_whole_or_not_at_all(
    db: Path, tmp_path: Path, capsys: Capture
) -> None:
    bad = _write_measures(tmp_path / "bad.csv", [HC_ROW, {**HC_ROW, "measure_id": "M-BAD", "target": "boss"}])
    assert _run(db, "measures", "set", str(bad), "--by", OFFICER) == 1
    _fails(capsys, "bad.csv 有 1 处问题，草稿未改动", "第 3 行 列 target")
    unknown_item = _write_measures(tmp_path / "odd.csv", [{**HC_ROW, "business_items": "golf"}])
    assert _run(db, "measures", "set", str(unknown_item), "--by", OFFICER) == 1
    _fails(capsys, "business_items（业务事项）“golf”不在业务事项目录中")
    assert _json(db, capsys, "measures", "draft")["changes"] == []

    good = _write_measures(tmp_path / "good.csv", [HC_ROW])
    assert _run(db, "measures", "set", str(good), "--by", OFFICER) == 0
    assert "草稿 draft：措施 M-PR-HC 新增 added" in capsys.readouterr().out
    assert _run(db, "measures", "publish", "--by", OFFICER) == 0
    capsys.readouterr()
    assert [
        m["measure_id"]
        for m in _json(db, capsys, "measures", "list", "--business-item", "high_consumption")["measures"]
    ] == [
        "M-LR-HC",
        "M-PR-HC",
    ]


def test_refusals_exit_1_with_one_line(db: Path, capsys: Capture) -> None:
    assert _run(db, "measures", "publish", "--by", OFFICER) == 1
    _fails(capsys, "草稿为空")
    assert _run(db, "measures", "set", "M-LR-HC", "--set", "content=限制高消费", "--by", OFFICER) == 0
    capsys.readouterr()
    assert _run(db, "measures", "publish", "--by", OFFICER) == 1
    _fails(capsys, "草稿与当前清单", "相同")
    assert _run(db, "measures", "set", "M-NEW", "--set", "kind=grey", "--by", OFFICER) == 1
    _fails(capsys, "措施 M-NEW", "kind（名单类别）取值“grey”无效", "content（措施内容）不能为空")
    assert _run(db, "measures", "remove", "M-NONE", "--by", OFFICER) == 1
    _fails(capsys, "没有措施 M-NONE")
    assert _run(db, "measures", "remove", "M-LR-HC") == 1
    _fails(capsys, "操作人")
    assert _run(db, "measures", "diff", "0", "5") == 1
    _fails(capsys, "没有第 5 版")
    assert _run(db, "measures", "list", "--at", "2023-02-30") == 1
    _fails(capsys, "--at", "YYYY-MM-DD")
    assert _run(db, "measures", "revert", "M-LR-HC", "--by", OFFICER) == 0
    assert "已撤回" in capsys.readouterr().out
    assert _run(db, "measures", "discard", "--by", OFFICER) == 0
    assert "已放弃 0 项修改" in capsys.readouterr().out


def test_loading_a_measures_file_after_a_publication_fills_the_draft(
    db: Path, tmp_path: Path, capsys: Capture
) -> None:
    assert _run(db, "measures", "remove", "M-SUBJ-GP", "--by", OFFICER) == 0
    assert _run(db, "measures", "publish", "--by", OFFICER, "--on", "2023-01-01") == 0
    capsys.readouterr()
    path = _write_measures(tmp_path / "measures.csv", [HC_ROW])
    assert _run(db, "load", str(path)) == 0
    out = capsys.readouterr().out
    assert "新增 1，更新 0，未变 0" in out
    assert "警告：措施清单已发布至第 1 版：本文件新增 1 项、修改 0 项已写入草稿，发布新版本后才生效" in out
    draft = _json(db, capsys, "measures", "draft")
    assert [(c["measure_id"], c["changed_by"]) for c in draft["changes"]] == [("M-PR-HC", "loader")]
    assert [m["measure_id"] for m in _json(db, capsys, "measures", "list")["measures"]] == [
        "M-LR-GP",
        "M-LR-HC",
    ]
