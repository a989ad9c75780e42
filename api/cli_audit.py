"""``credlink audit verify`` and ``credlink audit list``: the audit log of the access store, from the shell.

Both read the file (``--access-db``, else ``$CREDLINK_ACCESS_DB``, else ``credlink-access.db`` beside the
store file) and write nothing. ``verify`` exits 0 when the chain is whole, 1 when it names the first broken
record and why, so that a cron job can alert on it; ``--head`` also checks a head hash kept elsewhere
(an earlier ``verify`` output), which catches a rewrite of the whole chain.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from api.audit import PROBLEM_TEXT, AuditLog, access_db_path
from api.settings import get_settings
from graph.errors import InvalidRequest


def _log(args: argparse.Namespace, db: Path) -> AuditLog:
    path = args.access_db or access_db_path(get_settings().model_copy(update={"db": db}))
    if not Path(path).exists():
        raise InvalidRequest(f"审计日志文件 {path} 不存在（用 --access-db 指定访问库文件）")
    return AuditLog(path, writer=False)


def cmd_verify(args: argparse.Namespace, db: Path) -> int:
    log = _log(args, db)
    try:
        result = log.verify()
        anchored = log.seq_of(args.head.strip().lower()) if args.head else None
    finally:
        log.close()
    if not result.ok:
        assert result.problem is not None
        print(
            f"审计日志已被篡改：第 {result.broken_seq} 条记录处 — {PROBLEM_TEXT[result.problem]}"
            f"（{result.detail}）；共检查 {result.records} 条",
            file=sys.stderr,
        )
        return 1
    if args.head and anchored is None:
        print(
            f"审计日志与保存的链头 {args.head} 不符：链中没有这条记录（日志被整体改写或截断）",
            file=sys.stderr,
        )
        return 1
    print(f"审计日志完整：{result.records} 条记录，链头 #{result.head_seq} {result.head_hash}")
    return 0


def cmd_list(args: argparse.Namespace, db: Path) -> int:
    log = _log(args, db)
    try:
        records = log.query(
            actor=args.actor,
            whom=args.whom.upper() if args.whom else None,
            action=args.action,
            since=args.since,
            until=args.until,
            after=args.after,
            limit=args.limit,
        )
    finally:
        log.close()
    for record in records:
        if args.json:
            print(json.dumps(record.as_dict(), ensure_ascii=False))
            continue
        whom = ",".join(record.whom) or "-"
        purpose = record.purpose or "-"
        print(
            f"#{record.seq} {record.at} {record.actor}({record.role}) {record.action} {record.target} "
            f"涉及={whom} 目的={purpose} 结果={record.result}"
        )
    if not args.json:
        print(f"共 {len(records)} 条", file=sys.stderr)
    return 0


def audit_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    help_text = "审计日志 / the audit log: verify the hash chain, list records"
    audit = commands.add_parser("audit", parents=[common], help=help_text, description=help_text)
    actions = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    store_help = "访问库文件 / the access store file (default: $CREDLINK_ACCESS_DB or beside the store file)"

    verify = actions.add_parser(
        "verify",
        parents=[common],
        help="校验哈希链 / verify the chain: exit 1 naming the first changed, deleted or reordered record",
    )
    verify.set_defaults(handler=cmd_verify)
    verify.add_argument("--access-db", type=Path, help=store_help)
    verify.add_argument(
        "--head",
        metavar="SHA256",
        help="另行保存的链头哈希 / a head hash kept elsewhere, which must be in the chain",
    )

    listing = actions.add_parser("list", parents=[common], help="列出记录 / list records, filtered")
    listing.set_defaults(handler=cmd_list)
    listing.add_argument("--access-db", type=Path, help=store_help)
    listing.add_argument("--actor", help="操作者 / exactly this actor, e.g. user:wang")
    listing.add_argument("--whom", metavar="ID", help="涉及的个人 / records concerning this id number")
    listing.add_argument("--action", help="操作前缀 / action prefix, e.g. POST or 'GET /v1/graph'")
    listing.add_argument("--since", help="起始时间（UTC，含） / from, ISO 8601 UTC")
    listing.add_argument("--until", help="截止时间（UTC，不含） / before, ISO 8601 UTC")
    listing.add_argument("--after", type=int, default=0, help="从此序号之后 / after this seq (paging)")
    listing.add_argument("--limit", type=int, default=100, help="条数 / how many (at most 1000)")
    listing.add_argument("--json", action="store_true", help="每行一条 JSON / one JSON object per line")
