"""The ``credlink`` command, run in-process on a real SQLite file."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from api.cli import example_person, main
from api.settings import get_settings
from graph.store.sqlite import SQLiteStore
from tests.api import CLEAN, FIRM, FIRM_NAME, NEW_LR, OLD_LR, build_city


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return build_city(tmp_path / "city.db")


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """Stands in for ``uvicorn.run`` (the one thing a test cannot do in-process) and records its call."""
    import uvicorn

    calls: dict[str, Any] = {}

    def run(app: str, **kwargs: Any) -> None:
        calls.update(kwargs, app=app)

    monkeypatch.setattr(uvicorn, "run", run)
    monkeypatch.setenv("CREDLINK_DB", "unused.db")
    # `serve` sets a random signing key for its workers in the environment: undone after the test.
    monkeypatch.setenv("CREDLINK_JWT_KEYS", "")
    yield calls
    get_settings.cache_clear()


def test_check_prints_a_chinese_answer_with_the_path(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(db), "check", OLD_LR, "--business-item", "public_procurement"]) == 0
    out = capsys.readouterr().out
    assert "受到限制 RESTRICTED" in out
    assert f"因 {FIRM_NAME}（{FIRM}）被列入失信被执行人名单" in out
    assert "2015-01-01 至 2022-06-30 担任法定代表人" in out
    assert "常州市财政局" in out


def test_db_option_also_follows_the_subcommand(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", CLEAN, "--db", str(db)]) == 0
    assert "未受限制" in capsys.readouterr().out


def test_check_json_and_as_of_a_date(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(db), "check", NEW_LR, "--at", "2022-05-01", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["at"] == "2022-05-01"
    assert answer["restricted"] is False
    assert main(["--db", str(db), "check", NEW_LR, "--at", "2022-07-01", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["restricted"] is True


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["check", OLD_LR[:-1] + ("0" if OLD_LR[-1] != "0" else "1")], f"应为 {OLD_LR[-1]}"),
        (["check", OLD_LR, "--at", "2022-02-30"], "YYYY-MM-DD"),
        (["check", "320402198001019999"], "校验位"),
    ],
)
def test_errors_exit_1_with_one_line_and_no_traceback(
    db: Path, capsys: pytest.CaptureFixture[str], args: list[str], says: str
) -> None:
    assert main(["--db", str(db), *args]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("错误：")
    assert says in captured.err
    assert captured.err.count("\n") == 1
    assert "Traceback" not in captured.err


def test_missing_database_is_reported_not_created(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "missing.db"
    assert main(["--db", str(missing), "check", OLD_LR]) == 1
    assert "不存在" in capsys.readouterr().err
    assert not missing.exists()


def test_propagate_full_and_pending(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(db), "propagate"]) == 0
    out = capsys.readouterr().out
    assert "传播完成" in out
    assert "full" in out
    assert "3 条派生记录" in out
    assert "秒" in out
    assert main(["--db", str(db), "propagate", "--pending"]) == 0
    assert "传播完成" in capsys.readouterr().out


def test_serve_prints_where_to_go_with_a_restricted_person(
    db: Path, served: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", str(db), "serve", "--port", "9876"]) == 0
    out = capsys.readouterr().out
    assert "http://127.0.0.1:9876/docs" in out
    person = example_person(db)
    assert person in {OLD_LR, NEW_LR}
    assert f"http://127.0.0.1:9876/v1/subjects/{person}/check?business_item=public_procurement" in out
    assert served["app"] == "api.app:create_app"
    assert served["factory"] is True
    assert served["port"] == 9876
    assert served["http"] == "httptools"  # never the h11 fallback (~40 ms per keep-alive request)
    assert get_settings().db == db.resolve()


def test_serve_logs_each_request_unless_told_not_to(db: Path, served: dict[str, Any]) -> None:
    assert main(["--db", str(db), "serve"]) == 0
    assert served["access_log"] is True
    assert main(["--db", str(db), "serve", "--workers", "2", "--no-access-log"]) == 0
    assert served["access_log"] is False
    assert served["workers"] == 2


def test_example_person_of_an_empty_store_is_none(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    SQLiteStore(empty).close()
    assert example_person(empty) is None
    assert example_person(tmp_path / "absent.db") is None


def test_help_and_no_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    for command in ("sample", "load", "propagate", "check", "serve", "demo"):
        assert command in out
    assert main([]) == 2


def test_load_missing_path_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(tmp_path / "x.db"), "load", str(tmp_path / "nothing.csv")]) == 1
    err = capsys.readouterr().err
    assert "nothing.csv" in err
    assert "Traceback" not in err


# --- with the loaders (issue 2, parts 4 and 5) ------------------------------------------------------------


def test_sample_load_check_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_dir = tmp_path / "sample"
    db = tmp_path / "city.db"
    sample = [
        "--db",
        str(db),
        "sample",
        "--enterprises",
        "200",
        "--out",
        str(out_dir),
        "--today",
        "2024-06-30",
    ]
    assert main(sample) == 0
    assert (out_dir / "persons.csv").exists()
    assert main(["--db", str(db), "load", str(out_dir)]) == 0
    out = capsys.readouterr().out
    assert "导入完成" in out
    assert "传播完成" in out
    person = example_person(db, at=None)
    assert person is not None
    assert main(["--db", str(db), "check", person, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["subject"]["code"] == person
    # Loading the same files again changes nothing.
    assert main(["--db", str(db), "load", str(out_dir)]) == 0


def test_load_rejects_a_bad_file_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    persons = tmp_path / "persons.csv"
    wrong = OLD_LR[:-1] + ("0" if OLD_LR[-1] != "0" else "1")
    persons.write_text(f"id_number,name\n{CLEAN},周清\n{wrong},王错\n", encoding="utf-8")
    db = tmp_path / "city.db"
    assert main(["--db", str(db), "load", str(persons)]) == 1
    captured = capsys.readouterr()
    assert wrong in captured.out
    assert "导入未通过" in captured.err
    store = SQLiteStore(db)
    try:
        assert store.stats()["persons"] == 0
    finally:
        store.close()


def test_demo_runs_twice_on_the_same_db(
    tmp_path: Path, served: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "demo.db"
    demo = ["--db", str(db), "demo", "--enterprises", "150", "--out", str(tmp_path / "s"), "--port", "9877"]
    assert main(demo) == 0
    first = capsys.readouterr().out
    assert "导入完成" in first
    assert "定期任务完成" in first
    assert "http://127.0.0.1:9877/docs" in first
    assert served["factory"] is True
    assert main(demo) == 0
    second = capsys.readouterr().out
    assert "新增 +0" in second
    assert "到期移出 0 条" in second  # the first run already expired what had ended
