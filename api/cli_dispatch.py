"""``credlink dispatch …`` and ``credlink webhook …``: trigger–feedback (R8) from the command line.

Each command calls the same builders as the API (``api.routers.dispatches``, ``graph.dispatch``), so the CLI
and the API answer alike. Registered by :func:`api.cli.build_parser`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
from pathlib import Path

from api.cli_common import _group, _opened, _parse_day, _positive
from api.dispatch_schemas import DispatchOut, StatsOut
from graph.errors import InvalidRequest


def _line(item: DispatchOut) -> str:
    outcome = f" 反馈:{item.outcome.value}" if item.outcome else ""
    recalled = f" 已被 #{item.recalled_by} 撤回" if item.recalled_by else ""
    return (
        f"#{item.dispatch_id} {item.created_on.isoformat()} → {item.department}："
        f"{item.description}（反馈期限 {item.feedback_due_on.isoformat()}）{outcome}{recalled}"
    )


def cmd_dispatch_run(args: argparse.Namespace, db: Path) -> int:
    from api.routers.dispatches import run_out
    from graph.dispatch import dispatch_all

    on = _parse_day(args.on, "--on")
    with _opened(db, must_exist=True) as store:
        out = run_out(dispatch_all(store, on))
    print(
        f"推送完成 dispatched（{out.run_on.isoformat()}）：启动 start {out.started}，变更 change {out.changed}，"
        f"停止 end {out.ended}（其中撤回 recall {out.recalled}），待回调投递 queued {out.queued_webhooks}"
    )
    return 0


def cmd_dispatch_feed(args: argparse.Namespace, db: Path) -> int:
    from api.routers.dispatches import feed

    with _opened(db, must_exist=True) as store:
        page = feed(store, args.department, after=args.after, limit=args.limit)
    if args.json:
        print(page.model_dump_json(indent=2))
        return 0
    for item in page.items:
        print(_line(item))
    more = "，还有更多 more" if page.more else ""
    print(f"共 {len(page.items)} 条；下次从 --after {page.next_after} 继续{more}")
    return 0


def cmd_dispatch_show(args: argparse.Namespace, db: Path) -> int:
    from api.routers.dispatches import detail

    with _opened(db, must_exist=True) as store:
        shown = detail(store, args.dispatch_id)
    print(_line(shown.dispatch))
    for answer in shown.feedback:
        reason = f"：{answer.reason}" if answer.reason else ""
        print(f"  反馈 {answer.applied_on.isoformat()} {answer.actor} {answer.outcome_label}{reason}")
    return 0


def cmd_dispatch_feedback(args: argparse.Namespace, db: Path) -> int:
    from api.dispatch_schemas import FeedbackOut
    from graph.dispatch import FeedbackOutcome, record_feedback

    on = _parse_day(args.on, "--on")
    with _opened(db, must_exist=True) as store:
        record = record_feedback(
            store,
            args.dispatch_id,
            department=args.department,
            outcome=FeedbackOutcome(args.outcome),
            reason=args.reason,
            applied_on=on or dt.date.today(),
            actor=args.by,
        )
    out = FeedbackOut.from_record(record)
    print(f"已记录反馈 feedback #{out.feedback_id}：推送 #{out.dispatch_id} {out.outcome_label}")
    return 0


def _stats_line(row: StatsOut) -> str:
    measure = f" {row.measure_id}" if row.measure_id else ""
    return (
        f"{row.department}{measure}：推送 {row.dispatched}，已确认 {row.acknowledged}，已实施 {row.applied}，"
        f"不适用 {row.not_applicable}，未能实施 {row.failed}，未反馈 {row.unanswered}，逾期 {row.overdue}"
    )


def cmd_dispatch_stats(args: argparse.Namespace, db: Path) -> int:
    from api.routers.dispatches import stats

    with _opened(db, must_exist=True) as store:
        answer = stats(store, on=args.on, by="measure" if args.by_measure else "department")
    if not answer.rows:
        print("尚无推送 no dispatches yet")
    for row in answer.rows:
        print(_stats_line(row))
    return 0


def cmd_dispatch_overdue(args: argparse.Namespace, db: Path) -> int:
    from api.routers.dispatches import overdue

    with _opened(db, must_exist=True) as store:
        answer = overdue(store, department=args.department, on=args.on, limit=args.limit)
    for item in answer.items:
        print(_line(item))
    print(f"逾期未反馈 overdue：{len(answer.items)} 条")
    return 0


def cmd_dispatch_settings(args: argparse.Namespace, db: Path) -> int:
    from api.dispatch_schemas import DispatchSettingsOut
    from graph.dispatch import set_settings

    with _opened(db, must_exist=True) as store:
        if args.feedback_days is None and args.remind_every_days is None:
            record = store.dispatch_settings()
        else:
            current = store.dispatch_settings()
            record = set_settings(
                store,
                feedback_days=args.feedback_days or current.feedback_days,
                remind_every_days=args.remind_every_days or current.remind_every_days,
                actor=args.by,
            )
    out = DispatchSettingsOut.from_record(record)
    changed = f"（{out.changed_by} 于 {out.changed_at} 设置）" if out.changed_at else "（默认值 defaults）"
    print(f"反馈期限 {out.feedback_days} 天，逾期提醒间隔 {out.remind_every_days} 天{changed}")
    return 0


def cmd_webhook_set(args: argparse.Namespace, db: Path) -> int:
    from api.dispatch_schemas import WebhookIn

    secret = os.environ.get("CREDLINK_WEBHOOK_SECRET", "")
    if not secret:
        raise InvalidRequest(
            "请通过环境变量 CREDLINK_WEBHOOK_SECRET 提供签名密钥（至少 16 个字符），不要写在命令行上"
        )
    try:
        hook = WebhookIn(url=args.url, secret=secret)
    except ValueError as exc:
        raise InvalidRequest(f"回调登记不合法：{exc}") from None
    with _opened(db, must_exist=True) as store:
        record = store.set_webhook(args.department.strip(), url=hook.url, secret=hook.secret)
    print(f"已登记回调 webhook：{record.department} → {record.url}")
    return 0


def cmd_webhook_disable(args: argparse.Namespace, db: Path) -> int:
    from graph.errors import NotFound

    with _opened(db, must_exist=True) as store:
        disabled = store.disable_webhook(args.department.strip())
    if not disabled:
        raise NotFound(f"实施部门“{args.department}”没有启用中的回调地址")
    print(f"已停用回调 webhook disabled：{args.department}")
    return 0


def cmd_webhook_list(args: argparse.Namespace, db: Path) -> int:
    with _opened(db, must_exist=True) as store:
        hooks = store.webhooks()
        state = store.outbox_state()
    for hook in hooks:
        print(f"{hook.department} → {hook.url} {'启用' if hook.active else '停用'}（{hook.created_at}）")
    print(f"投递队列 outbox：待投递 {state.pending}，已投递 {state.delivered}，已放弃 {state.given_up}")
    return 0


def cmd_webhook_deliver(args: argparse.Namespace, db: Path) -> int:
    from graph.delivery import deliver_due

    with _opened(db, must_exist=True) as store:
        report = deliver_due(store, limit=args.limit)
    print(
        f"投递 delivered {report.delivered}，待重试 retried {report.retried}，放弃 given up {report.given_up}"
    )
    return 0


def dispatch_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    dispatch = _group(
        commands,
        common,
        "dispatch",
        "联合奖惩推送与反馈 / dispatches to implementing departments and feedback",
    )
    run = dispatch("run", cmd_dispatch_run, "立即推送 / dispatch every change of the measures in force")
    run.add_argument("--on", metavar="DATE", help="YYYY-MM-DD (default: today)")

    feed = dispatch("feed", cmd_dispatch_feed, "实施部门拉取推送 / a department's feed, by cursor")
    feed.add_argument("--department", required=True, help="实施部门 / implementing department")
    feed.add_argument("--after", type=int, default=0, help="游标 / the last dispatch id received (default 0)")
    feed.add_argument("--limit", type=_positive, default=100, help="每页条数 / page size (default 100)")
    feed.add_argument("--json", action="store_true", help="输出 JSON / print the API's JSON answer")

    show = dispatch("show", cmd_dispatch_show, "推送详情与反馈 / one dispatch and its feedback")
    show.add_argument("dispatch_id", type=_positive, metavar="ID")

    feedback = dispatch("feedback", cmd_dispatch_feedback, "反馈 / answer a dispatch")
    feedback.add_argument("dispatch_id", type=_positive, metavar="ID")
    feedback.add_argument("--department", required=True, help="反馈部门 / the dispatch's department")
    feedback.add_argument("--outcome", required=True, choices=("applied", "not_applicable", "failed"))
    feedback.add_argument("--reason", help="原因（不适用、未能实施时必填）/ required unless applied")
    feedback.add_argument("--on", metavar="DATE", help="实施日期 / YYYY-MM-DD (default: today)")
    feedback.add_argument("--by", default="", metavar="NAME", help="反馈人 / who answers")

    stats = dispatch("stats", cmd_dispatch_stats, "反馈统计 / counts per department (or per measure)")
    stats.add_argument("--on", metavar="DATE", help="逾期按此日计算 / overdue as of (default: today)")
    stats.add_argument("--by-measure", action="store_true", help="按措施统计 / per measure")

    overdue = dispatch("overdue", cmd_dispatch_overdue, "逾期未反馈 / dispatches without feedback past due")
    overdue.add_argument("--department", help="只看某一部门 / one department only")
    overdue.add_argument("--on", metavar="DATE", help="YYYY-MM-DD (default: today)")
    overdue.add_argument("--limit", type=_positive, default=100)

    settings = dispatch("settings", cmd_dispatch_settings, "反馈期限与提醒间隔 / show or change them")
    settings.add_argument("--feedback-days", type=_positive, help="反馈期限（天）/ days to answer")
    settings.add_argument(
        "--remind-every-days", type=_positive, help="提醒间隔（天）/ days between reminders"
    )
    settings.add_argument("--by", default="", metavar="NAME", help="操作人 / who changes them")

    webhook = _group(commands, common, "webhook", "推送回调 / webhook delivery to implementing departments")
    add = webhook(
        "set",
        cmd_webhook_set,
        "登记回调 / register a department's webhook (secret from $CREDLINK_WEBHOOK_SECRET)",
    )
    add.add_argument("department", help="实施部门 / implementing department")
    add.add_argument("--url", required=True, help="http(s) 地址 / where dispatches are POSTed")
    disable = webhook("disable", cmd_webhook_disable, "停用回调 / stop webhook delivery to a department")
    disable.add_argument("department")
    webhook("list", cmd_webhook_list, "回调与投递队列 / webhooks and the outbox")
    deliver = webhook("deliver", cmd_webhook_deliver, "立即投递 / send what the outbox holds now")
    deliver.add_argument("--limit", type=_positive, default=1000)
