"""``credlink dispatch …`` and ``credlink webhook …`` in-process on the tiny city's SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from api.cli import main
from tests.api import build_city

Capture = pytest.CaptureFixture[str]
COURT = "常州市中级人民法院"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return build_city(tmp_path / "city.db")


def _run(db: Path, *args: str) -> int:
    return main(["--db", str(db), *args])


def test_run_feed_feedback_stats_and_overdue(db: Path, capsys: Capture) -> None:
    assert _run(db, "dispatch", "run", "--on", "2024-05-01") == 0
    assert "启动 start 6" in capsys.readouterr().out
    assert _run(db, "dispatch", "feed", "--department", COURT, "--json") == 0
    page = json.loads(capsys.readouterr().out)
    assert len(page["items"]) == 2
    first = page["items"][0]["dispatch_id"]
    assert _run(db, "dispatch", "feed", "--department", COURT, "--after", str(first)) == 0
    out = capsys.readouterr().out
    assert f"#{first} " not in out
    assert "下次从 --after" in out
    assert (
        _run(
            db,
            "dispatch",
            "feedback",
            str(first),
            "--department",
            COURT,
            "--outcome",
            "applied",
            "--on",
            "2024-05-03",
            "--by",
            "法院 王五",
        )
        == 0
    )
    assert "已实施" in capsys.readouterr().out
    assert _run(db, "dispatch", "show", str(first)) == 0
    assert "法院 王五 已实施" in capsys.readouterr().out
    assert _run(db, "dispatch", "stats", "--on", "2024-06-01") == 0
    stats = capsys.readouterr().out
    assert f"{COURT}：推送 2，已确认 1，已实施 1" in stats
    assert "逾期 1" in stats
    assert _run(db, "dispatch", "overdue", "--on", "2024-06-01", "--department", COURT) == 0
    assert "逾期未反馈 overdue：1 条" in capsys.readouterr().out


def test_feedback_refusals_are_one_line(db: Path, capsys: Capture) -> None:
    _run(db, "dispatch", "run", "--on", "2024-05-01")
    capsys.readouterr()
    assert (
        _run(db, "dispatch", "feedback", "1", "--department", "别的部门", "--outcome", "applied", "--by", "x")
        == 1
    )
    err = capsys.readouterr().err
    assert err.startswith("错误：")
    assert "不能由" in err
    assert err.count("\n") == 1


def test_settings_and_webhooks(db: Path, capsys: Capture, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _run(db, "dispatch", "settings") == 0
    assert "默认值" in capsys.readouterr().out
    assert _run(db, "dispatch", "settings", "--feedback-days", "20", "--by", "市信用办") == 0
    assert "反馈期限 20 天，逾期提醒间隔 7 天（市信用办" in capsys.readouterr().out
    monkeypatch.delenv("CREDLINK_WEBHOOK_SECRET", raising=False)
    assert _run(db, "webhook", "set", COURT, "--url", "http://127.0.0.1:9/x") == 1
    assert "CREDLINK_WEBHOOK_SECRET" in capsys.readouterr().err
    monkeypatch.setenv("CREDLINK_WEBHOOK_SECRET", "0123456789abcdef")
    assert _run(db, "webhook", "set", COURT, "--url", "http://127.0.0.1:9/x") == 0
    capsys.readouterr()
    assert _run(db, "dispatch", "run", "--on", "2024-05-01") == 0
    assert "待回调投递 queued 2" in capsys.readouterr().out
    assert _run(db, "webhook", "list") == 0
    assert "待投递 2" in capsys.readouterr().out
    assert _run(db, "webhook", "disable", COURT) == 0
    assert _run(db, "webhook", "disable", COURT) == 1
