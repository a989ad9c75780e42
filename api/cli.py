"""The ``credlink`` command: sample | load | propagate | check | serve | demo.

Answers go to stdout, progress lines to stderr. An expected failure (bad id, bad date, missing file,
rejected import) ends with exit status 1 and one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from api.schemas import CheckResponse
from api.settings import get_settings
from graph.errors import CredlinkError, NotFound
from graph.model import ListKind

if TYPE_CHECKING:
    from graph.frames import RunSummary
    from graph.store.port import Store

EXAMPLE_BUSINESS_ITEM = "public_procurement"

Handler = Callable[[argparse.Namespace, Path], int]


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _parse_day(value: str | None, option: str) -> dt.date | None:
    from api.deps import parse_date

    return parse_date(value, name=option)


def _open(db: Path, *, must_exist: bool) -> Store:
    from graph.store import open_store

    if must_exist and not db.exists():
        raise NotFound(
            f"数据库 {db} 不存在；请先运行 credlink load <文件> 或 credlink demo，或用 --db 指定数据库文件"
        )
    return open_store(db)


def summary_line(summary: RunSummary) -> str:
    """One friendly line about a propagation run."""
    mode = {"full": "全量 full", "incremental": "增量 incremental"}.get(summary.mode, summary.mode)
    return (
        f"传播完成 propagation done（{mode}）：{summary.entries} 条名单记录 entries，"
        f"{summary.records} 条派生记录 derived records，{summary.measures} 项派生措施 measures；"
        f"新增 +{summary.added}，撤除 -{summary.removed}，变更 ~{summary.changed}；"
        f"用时 {summary.seconds:.2f} 秒 s"
    )


# --- sample ------------------------------------------------------------------------------------------------


def _generate(out: Path, enterprises: int, seed: int, today: dt.date | None) -> dict[str, Path]:
    from loaders.sample import generate_city

    _progress(f"生成样例城市 generating a sample city: {enterprises} 家企业 → {out}")
    return generate_city(out, enterprises=enterprises, seed=seed, today=today, progress=True)


def cmd_sample(args: argparse.Namespace, db: Path) -> int:
    today = _parse_day(args.today, "--today")
    paths = _generate(args.out, args.enterprises, args.seed, today)
    for kind, path in paths.items():
        print(f"{kind}: {path}")
    print(f"下一步 next: credlink --db {db} load {args.out}")
    return 0


# --- load --------------------------------------------------------------------------------------------------


def cmd_load(args: argparse.Namespace, db: Path) -> int:
    from graph.propagation import run_pending
    from loaders.load import load_paths

    for path in args.paths:
        if not path.exists():
            raise FileNotFoundError(2, "文件或目录不存在", str(path))
    store = _open(db, must_exist=False)
    try:
        report = load_paths(
            store, list(args.paths), on_error=args.on_error, quarantine_dir=args.quarantine_dir, progress=True
        )
        print(report.format_text(), flush=True)
        written = report.written
        if written and not args.no_propagate:
            _progress("传播派生记录 propagating …")
            print(summary_line(run_pending(store)), flush=True)
    finally:
        store.close()
    if not report.ok:
        print("错误：导入未通过，详见上方报告", file=sys.stderr)
        return 1
    return 0


# --- propagate ---------------------------------------------------------------------------------------------


def cmd_propagate(args: argparse.Namespace, db: Path) -> int:
    from graph.propagation import run_full, run_pending

    store = _open(db, must_exist=True)
    try:
        _progress("传播派生记录 propagating …")
        summary = run_pending(store) if args.pending else run_full(store)
    finally:
        store.close()
    print(summary_line(summary))
    return 0


# --- check -------------------------------------------------------------------------------------------------


def format_check(answer: CheckResponse) -> str:
    """The check as a few lines of Chinese for a person at a terminal."""
    lines = [answer.summary]
    if answer.restricted:
        lines.append("结论 verdict：受到限制 RESTRICTED")
    elif answer.incentivised:
        lines.append("结论 verdict：享受激励 INCENTIVISED")
    else:
        lines.append("结论 verdict：未受限制 not restricted")
    for number, item in enumerate(answer.items, start=1):
        kind = "黑名单" if item.entry.kind is ListKind.black else "红名单"
        how = "经关联企业" if item.via is not None else "本主体"
        lines.append(f"{number}. [{kind}·{how}·{item.entry.entry_id}] {item.explanation}")
    return "\n".join(lines)


def cmd_check(args: argparse.Namespace, db: Path) -> int:
    from queries.check import check

    at = _parse_day(args.at, "--at")
    store = _open(db, must_exist=True)
    try:
        result = check(
            store, args.id, business_item=args.business_item or None, at=at, subject_type=args.subject_type
        )
    finally:
        store.close()
    answer = CheckResponse.from_result(result)
    print(answer.model_dump_json(indent=2) if args.json else format_check(answer))
    return 0


# --- serve -------------------------------------------------------------------------------------------------


def example_person(db: Path, at: dt.date | None = None) -> str | None:
    """A person to try the check on: one restricted through a firm today by a procurement measure.
    ``None`` for a missing or empty store."""
    if not db.exists():
        return None
    from graph.store import open_store

    store = open_store(db)
    try:
        return store.example_person(EXAMPLE_BUSINESS_ITEM, at or dt.date.today())
    finally:
        store.close()


def _print_where_to_go(db: Path, host: str, port: int) -> None:
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    base = f"http://{shown}:{port}"
    print(f"API 文档 docs: {base}/docs")
    person = example_person(db)
    if person:
        print(
            f"示例核查 example check: curl '{base}/v1/subjects/{person}/check?business_item={EXAMPLE_BUSINESS_ITEM}'"
        )
    print(f"健康检查 health: curl {base}/healthz", flush=True)


def cmd_serve(args: argparse.Namespace, db: Path) -> int:
    import uvicorn

    if not db.exists():
        raise NotFound(f"数据库 {db} 不存在；请先运行 credlink load <文件> 或 credlink demo")
    settings = get_settings()
    host: str = args.host or settings.host
    port: int = args.port or settings.port
    # The factory builds its settings from the environment, in this process and in every worker.
    os.environ["CREDLINK_DB"] = str(db.resolve())
    get_settings.cache_clear()
    _print_where_to_go(db, host, port)
    # httptools explicitly: uvicorn would fall back to h11 silently, which is ~40 ms per keep-alive request.
    uvicorn.run(
        "api.app:create_app", factory=True, host=host, port=port, workers=args.workers, http="httptools"
    )
    return 0


# --- demo --------------------------------------------------------------------------------------------------


def cmd_demo(args: argparse.Namespace, db: Path) -> int:
    from graph.propagation import run_full
    from loaders.load import load_paths

    paths = _generate(args.out, args.enterprises, args.seed, None)
    store = _open(db, must_exist=False)
    try:
        _progress(f"导入 loading into {db} …")
        report = load_paths(store, list(paths.values()), on_error="reject", progress=True)
        print(report.format_text())
        if not report.ok:
            print("错误：样例数据导入未通过，详见上方报告", file=sys.stderr)
            return 1
        _progress("全量传播 full propagation …")
        print(summary_line(run_full(store)))
    finally:
        store.close()
    return cmd_serve(args, db)


# --- parser ------------------------------------------------------------------------------------------------


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为正整数，实为 {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"应为正整数，实为 {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        type=Path,
        default=argparse.SUPPRESS,
        help="SQLite 数据库文件 / store file (default: $CREDLINK_DB or ./credlink.db)",
    )
    parser = argparse.ArgumentParser(
        prog="credlink",
        description="联合奖惩关联服务 credlink: link firms and the people responsible for them, propagate "
        "black-list entries to those people and answer 'is this subject restricted, and why'.",
        parents=[common],
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, parents=[common], help=help_text, description=help_text)
        sub.set_defaults(handler=handler)
        return sub

    sample = add(
        "sample", cmd_sample, "生成样例城市 / write a synthetic Changzhou-like city as contract CSV files"
    )
    _sample_options(sample)
    sample.add_argument("--today", help="样例城市的“今天” / the city's today, YYYY-MM-DD (default: today)")

    load = add("load", cmd_load, "导入文件 / validate and load CSV/XLSX import files, then propagate")
    load.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or directories")
    load.add_argument(
        "--on-error",
        choices=("reject", "quarantine"),
        default="reject",
        help="reject: 有错则整批不导入 nothing is written on any bad row (default); "
        "quarantine: 导入正确行、隔离错误行 load good rows, quarantine bad ones",
    )
    load.add_argument("--quarantine-dir", type=Path, help="隔离文件目录 / where quarantine files go")
    load.add_argument(
        "--no-propagate", action="store_true", help="导入后不传播 / do not update derived records"
    )

    propagate = add(
        "propagate", cmd_propagate, "传播派生记录 / recompute derived records (default: full run)"
    )
    mode = propagate.add_mutually_exclusive_group()
    mode.add_argument("--full", action="store_true", help="全量重算 / recompute everything (default)")
    mode.add_argument("--pending", action="store_true", help="仅处理待传播的变更 / only pending changes")

    check = add("check", cmd_check, "核查主体 / is this subject restricted or incentivised, and why")
    check.add_argument("id", help="统一社会信用代码或身份证号码 / a USCC or resident id number")
    check.add_argument("--business-item", help="业务事项 / business item, e.g. public_procurement")
    check.add_argument("--at", help="查询日期 / as of this date, YYYY-MM-DD (default: today)")
    check.add_argument(
        "--subject-type",
        choices=("enterprise", "person"),
        help="号码两可时指明主体类型 / settle an ambiguous id",
    )
    check.add_argument("--json", action="store_true", help="输出 JSON / print the API's JSON answer")

    serve = add("serve", cmd_serve, "启动 API 服务 / serve the HTTP API (docs at /docs)")
    _serve_options(serve)

    demo = add(
        "demo", cmd_demo, "演示：生成样例 → 导入 → 传播 → 启动服务 / sample → load → propagate → serve"
    )
    _sample_options(demo)
    _serve_options(demo)
    return parser


def _sample_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "--enterprises", type=_positive, default=20_000, help="企业数量 / enterprises (default 20000)"
    )
    sub.add_argument("--seed", type=int, default=20181225, help="随机种子 / seed (default 20181225)")
    sub.add_argument(
        "--out", type=Path, default=Path("sample"), help="输出目录 / output directory (default ./sample)"
    )


def _serve_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument("--host", help="监听地址 / host (default: $CREDLINK_HOST or 127.0.0.1)")
    sub.add_argument("--port", type=_positive, help="端口 / port (default: $CREDLINK_PORT or 8000)")
    sub.add_argument("--workers", type=_positive, default=1, help="进程数 / worker processes (default 1)")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return 2
    db: Path = getattr(args, "db", None) or get_settings().db
    try:
        return handler(args, db)
    except CredlinkError as exc:
        print(f"错误：{exc.detail}", file=sys.stderr)
    except OSError as exc:
        where = f"{exc.filename}：" if exc.filename else ""
        print(f"错误：{where}{exc.strerror or exc}", file=sys.stderr)
    except KeyboardInterrupt:
        print("已中断 interrupted", file=sys.stderr)
        return 130
    return 1


if __name__ == "__main__":
    sys.exit(main())
