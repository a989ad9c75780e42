"""The ``credlink`` command: sample | load | propagate | check | serve | demo, the lifecycle groups
``entry`` (history, object, resolve, correct, revoke), ``repair`` (apply, decide), ``job`` (run, list),
``prelist`` (submit, show, publicise, notify, take-effect, withdraw) for preliminary lists,
``measures`` (list, set, remove, revert, draft, discard, publish, versions, diff, log), and trigger–feedback:
``dispatch`` and ``webhook`` (in :mod:`api.cli_dispatch`).

Answers go to stdout, progress lines to stderr. An expected failure (bad id, bad date, missing file,
rejected import) ends with exit status 1 and one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import secrets
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from api.cli_common import Handler, _group, _open, _opened, _parse_day, _positive, _progress
from api.schemas import CheckResponse
from api.settings import get_settings
from graph.errors import CredlinkError, InvalidRequest, NotFound
from graph.model import ListKind

if TYPE_CHECKING:
    from api.measures_schemas import DraftResponse, MeasureDiffOut, MeasureListResponse, MeasureVersionOut
    from api.preliminary_schemas import PreliminaryActionResponse, PreliminaryListOut, SubjectConflictsOut
    from api.schemas import EntryHistoryResponse, EntryStateResponse, MeasureOut, NoticeOut
    from graph.frames import RunSummary
    from graph.store.port import Store
    from loaders.validate import Problem

EXAMPLE_BUSINESS_ITEM = "public_procurement"


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
    from graph.dispatch import dispatch_all
    from graph.lifecycle import cross_compare
    from graph.propagation import run_pending
    from loaders.load import load_paths

    for path in args.paths:
        if not path.exists():
            raise FileNotFoundError(2, "文件或目录不存在", str(path))
    with _opened(db, must_exist=False) as store:
        report = load_paths(
            store, list(args.paths), on_error=args.on_error, quarantine_dir=args.quarantine_dir, progress=True
        )
        print(report.format_text(), flush=True)
        written = report.written
        if written and not args.no_propagate:
            _progress("传播派生记录 propagating …")
            print(summary_line(run_pending(store)), flush=True)
            # R2: a black entry that took effect ends the subject's red entries (and, by policy, those of
            # the persons it reached) at once, not at the next periodic job.
            removed = cross_compare(store)
            if removed:
                print(
                    f"交叉比对 cross-comparison：移出红名单 {len(removed)} 条：{'、'.join(removed[:20])}",
                    flush=True,
                )
            # R8: the implementing departments hear of what the import started, changed or ended now.
            _progress("推送实施部门 dispatching …")
            dispatched = dispatch_all(store)
            print(
                f"推送 dispatches：启动 {dispatched.started}，变更 {dispatched.changed}，停止 {dispatched.ended}",
                flush=True,
            )
    if not report.ok:
        print("错误：导入未通过，详见上方报告", file=sys.stderr)
        return 1
    return 0


# --- propagate ---------------------------------------------------------------------------------------------


def cmd_propagate(args: argparse.Namespace, db: Path) -> int:
    from graph.propagation import run_full, run_pending

    with _opened(db, must_exist=True) as store:
        _progress("传播派生记录 propagating …")
        summary = run_pending(store) if args.pending else run_full(store)
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
    with _opened(db, must_exist=True) as store:
        result = check(
            store, args.id, business_item=args.business_item or None, at=at, subject_type=args.subject_type
        )
    answer = CheckResponse.from_result(result)
    print(answer.model_dump_json(indent=2) if args.json else format_check(answer))
    return 0


# --- serve -------------------------------------------------------------------------------------------------


def example_person(db: Path, at: dt.date | None = None) -> str | None:
    """A person to try the check on: one restricted through a firm today by a procurement measure.
    ``None`` for a missing or empty store."""
    if get_settings().store == "sqlite" and not db.exists():
        return None
    store = _open(db, must_exist=False)
    try:
        return store.example_person(EXAMPLE_BUSINESS_ITEM, at or dt.date.today())
    finally:
        store.close()


def _print_where_to_go(db: Path, host: str, port: int, key: str | None = None) -> None:
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    base = f"http://{shown}:{port}"
    print(f"API 文档 docs: {base}/docs")
    person = example_person(db)
    if person:
        # The check needs a credential: a business system's API key (credlink key issue).
        credential = key or "<API 密钥 / API key: credlink key issue>"
        print(
            f"示例核查 example check: curl -H 'Authorization: Bearer {credential}' "
            f"'{base}/v1/subjects/{person}/check?business_item={EXAMPLE_BUSINESS_ITEM}'"
        )
    print(f"健康检查 health: curl {base}/healthz", flush=True)


def cmd_serve(args: argparse.Namespace, db: Path) -> int:
    import uvicorn

    settings = get_settings()
    if settings.store == "sqlite" and not db.exists():
        raise NotFound(f"数据库 {db} 不存在；请先运行 credlink load <文件> 或 credlink demo")
    from api.auth import check_production_settings

    # A default Neo4j password or JWT key stops a production server here, before uvicorn starts (exit 1).
    if settings.environment == "production":
        check_production_settings(settings)
    else:
        settings.check_store()
        if not settings.jwt_keys.get_secret_value().strip():
            # One random key for this server and all its workers (each worker would otherwise make its own,
            # and a token signed by one would fail on the others); tokens die with the server.
            os.environ["CREDLINK_JWT_KEYS"] = f"dev:{secrets.token_urlsafe(48)}"
            print(
                "注意：CREDLINK_JWT_KEYS 未设置，本次服务使用随机签名密钥（重启后需重新登录；生产环境必须设置）",
                file=sys.stderr,
            )
    host: str = args.host or settings.host
    port: int = args.port or settings.port
    # The factory builds its settings from the environment, in this process and in every worker.
    os.environ["CREDLINK_DB"] = str(db.resolve())
    job_every = getattr(args, "job_every_minutes", None)
    if job_every is not None:
        if job_every < 0:
            raise InvalidRequest("--job-every-minutes 不能为负数")
        os.environ["CREDLINK_JOB_EVERY_MINUTES"] = str(job_every)
    get_settings.cache_clear()
    every = get_settings().job_every_minutes
    if every:
        print(f"定期任务 periodic job：每 {every} 分钟运行一次（后台）", flush=True)
    _print_where_to_go(db, host, port, getattr(args, "demo_key", None))
    # httptools explicitly: uvicorn would fall back to h11 silently, which is ~40 ms per keep-alive request.
    # The access log costs about a third of a check's CPU time per request (a formatted line and a write each);
    # a deployment behind a proxy that logs requests can switch it off.
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=args.workers,
        http="httptools",
        access_log=not getattr(args, "no_access_log", False),
    )
    return 0


# --- demo --------------------------------------------------------------------------------------------------


def cmd_demo(args: argparse.Namespace, db: Path) -> int:
    from graph.jobs import run_job
    from loaders.load import load_paths

    paths = _generate(args.out, args.enterprises, args.seed, None)
    with _opened(db, must_exist=False) as store:
        _progress(f"导入 loading into {db} …")
        report = load_paths(store, list(paths.values()), on_error="reject", progress=True)
        print(report.format_text())
        if not report.ok:
            print("错误：样例数据导入未通过，详见上方报告", file=sys.stderr)
            return 1
        # The periodic job, as a deployment would run it: expiries (with their exit notices), full
        # propagation and cross-comparison.
        _progress(
            "定期任务 periodic job: preliminary lists, expiries, full propagation, cross-comparison, dispatches …"
        )
        job = run_job(store)
        propagated = job.propagation
        print(
            f"定期任务完成 job done：到期移出 {len(job.expired)} 条，交叉比对移出红名单 {len(job.removed)} 条；"
            f"派生记录 {propagated.get('records', 0)} 条（新增 +{propagated.get('added', 0)}，"
            f"撤除 -{propagated.get('removed', 0)}，变更 ~{propagated.get('changed', 0)}）"
        )
        print(_dispatch_line(job.dispatches, job.reminders, job.deliveries))
    if args.job_every_minutes is None and "CREDLINK_JOB_EVERY_MINUTES" not in os.environ:
        args.job_every_minutes = 24 * 60  # a deployment runs it daily; the demo shows that
    args.demo_key = demo_credentials(db, args.port or get_settings().port)
    return cmd_serve(args, db)


#: The demo's account (credit_admin: the workbench and every endpoint) and its business system's key.
DEMO_USER = "demo"
DEMO_KEY_LABEL = "演示业务系统 demo business system"


def demo_credentials(db: Path, port: int) -> str:
    """Make (idempotently) the demo account with a new random password and a new demo business-system key
    (the previous demo key revoked), print both once, and return the key. Never a fixed password."""
    from api.access_store import AccessStore, make_grant
    from api.cli_access import access_store_path

    password = secrets.token_urlsafe(12)
    access = AccessStore(access_store_path(db))
    try:
        if access.user_exists(DEMO_USER):
            access.set_password(DEMO_USER, password)
            access.set_disabled(DEMO_USER, False)
        else:
            access.add_user(DEMO_USER, password, make_grant("credit_admin"))
        for old in access.api_keys():
            if old.label == DEMO_KEY_LABEL and old.revoked_at is None:
                access.revoke_key(old.key_id)
        record, key = access.issue_key(
            DEMO_KEY_LABEL, make_grant("business_system", business_items=[EXAMPLE_BUSINESS_ITEM])
        )
    finally:
        access.close()
    print("—— 演示账号 demo credentials（只显示这一次 shown once；每次运行 demo 都会重新生成）——")
    print(
        f"调查工作台 workbench: http://127.0.0.1:{port}/ui/  用户名 user: {DEMO_USER}  密码 password: {password}"
    )
    print(f"业务系统密钥 business-system key ({record.key_id}, 业务事项 {EXAMPLE_BUSINESS_ITEM}): {key}")
    print(
        f"取得令牌 token: curl -d 'username={DEMO_USER}&password={password}' http://127.0.0.1:{port}/v1/auth/token",
        flush=True,
    )
    return key


# --- entry, repair, job (the lifecycle: R1, R5, R6, R7) ----------------------------------------------------


def _field_value(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"应为 字段=值（FIELD=VALUE），实为 {text!r}")
    return name.strip(), value.strip()


def _changes(pairs: list[tuple[str, str]] | None) -> dict[str, str | None] | None:
    if not pairs:
        return None
    # An empty value clears an optional field (e.g. valid_to= makes the punishment period open).
    return {name: value or None for name, value in pairs}


def _notice_lines(notices: list[NoticeOut]) -> list[str]:
    return [
        f"公告 notice【{notice.kind_label}】{notice.published_on.isoformat()}：{notice.text}"
        for notice in notices
    ]


def _allowed_line(actions: list[tuple[str, str]]) -> str:
    listed = "、".join(f"{label} {code}" for code, label in actions) or "无 none"
    return f"当前允许的操作 allowed：{listed}"


def format_state(state: EntryStateResponse) -> str:
    """An entry after an action, as a few lines for a terminal."""
    entry = state.entry
    lines = [f"名单记录 {entry.entry_id}：{state.status_label} {entry.status.value}"]
    if state.event is not None:
        event = state.event
        day = event.on.isoformat() if event.on else "—"
        lines.append(
            f"已记录 recorded：{day} {event.action_label} {event.action} · {event.actor} · {event.reason}"
        )
    lines.append(_allowed_line([(a.action.value, a.label) for a in state.allowed_actions]))
    lines.extend(_notice_lines(state.notices))
    return "\n".join(lines)


def format_history(history: EntryHistoryResponse) -> str:
    """An entry's whole history as lines of Chinese (with the English codes) for a terminal."""
    entry = history.entry
    kind = "黑名单" if entry.kind is ListKind.black else "红名单"
    validity = f"{entry.valid_from.isoformat()} 至 {entry.valid_to.isoformat() if entry.valid_to else '长期'}"
    ended = f"；自 {entry.ended_on.isoformat()} 起终止" if entry.ended_on else ""
    lines = [
        f"名单记录 {entry.entry_id}：{entry.subject_name}（{entry.subject_code}）· {kind} · "
        f"{entry.list_type}（{entry.basis}；认定单位 {entry.department}）",
        f"状态 status：{history.status_label} {entry.status.value}；有效期 {validity}{ended}",
        _allowed_line([(a.action.value, a.label) for a in history.allowed_actions]),
        "事件 events：",
    ]
    for event in history.events:
        day = event.on.isoformat() if event.on else event.at[:10]
        lines.append(f"  {day} {event.action_label} {event.action} · {event.actor} · {event.reason or ''}")
    if history.objections:
        lines.append("异议 objections：")
        for objection in history.objections:
            outcome = (
                f" → {objection.status}（{objection.resolved_on}，{objection.resolved_by}：{objection.resolution}）"
                if objection.resolved_on
                else " → 核实中 open"
            )
            lines.append(
                f"  #{objection.objection_id} {objection.filed_on} {objection.filed_by}：{objection.reason}{outcome}"
            )
    if history.suspensions:
        lines.append("暂停执行 suspended：")
        for suspension in history.suspensions:
            end = suspension.to_date.isoformat() if suspension.to_date else "今"
            lines.append(f"  {suspension.from_date.isoformat()} 至 {end}")
    if history.repair_applications:
        lines.append("信用修复申请 repair applications：")
        for application in history.repair_applications:
            decided = (
                f"（{application.decided_on}，{application.decided_by}：{application.reason}）"
                if application.decided_on
                else ""
            )
            lines.append(
                f"  #{application.application_id} {application.filed_on} {application.applicant}："
                f"{application.evidence} → {application.status}{decided}"
            )
    lines.extend(_notice_lines(history.notices))
    return "\n".join(lines)


def cmd_entry_history(args: argparse.Namespace, db: Path) -> int:
    from api.routers.lifecycle import entry_history

    with _opened(db, must_exist=True) as store:
        history = entry_history(store, args.entry_id)
    print(history.model_dump_json(indent=2) if args.json else format_history(history))
    return 0


def _entry_action(args: argparse.Namespace, db: Path, action: str) -> int:
    from api.routers.lifecycle import perform
    from graph.lifecycle import Action

    on = _parse_day(args.on, "--on")
    with _opened(db, must_exist=True) as store:
        state = perform(
            store,
            args.entry_id,
            Action(action),
            actor=args.by,
            reason=args.reason,
            on=on,
            changes=_changes(getattr(args, "set", None)),
        )
    print(format_state(state))
    return 0


def cmd_entry_object(args: argparse.Namespace, db: Path) -> int:
    return _entry_action(args, db, "file_objection")


def cmd_entry_correct(args: argparse.Namespace, db: Path) -> int:
    return _entry_action(args, db, "correct")


def cmd_entry_revoke(args: argparse.Namespace, db: Path) -> int:
    return _entry_action(args, db, "revoke")


def cmd_entry_resolve(args: argparse.Namespace, db: Path) -> int:
    from api.routers.lifecycle import resolve_objection
    from api.schemas import Outcome

    on = _parse_day(args.on, "--on")
    with _opened(db, must_exist=True) as store:
        state = resolve_objection(
            store,
            args.entry_id,
            Outcome(args.outcome),
            actor=args.by,
            reason=args.reason,
            on=on,
            changes=_changes(args.set),
        )
    print(format_state(state))
    return 0


def cmd_repair_apply(args: argparse.Namespace, db: Path) -> int:
    from graph.lifecycle import apply_for_repair

    on = _parse_day(args.on, "--on")
    with _opened(db, must_exist=True) as store:
        application_id = apply_for_repair(
            store, args.entry_id, applicant=args.applicant, evidence=args.evidence, on=on
        )
    print(
        f"信用修复申请已受理 application filed：编号 id {application_id}（名单记录 {args.entry_id}，待决定 pending）"
    )
    print(f"下一步 next: credlink repair decide {application_id} --approve|--reject --by NAME --reason TEXT")
    return 0


def cmd_repair_decide(args: argparse.Namespace, db: Path) -> int:
    from api.routers.lifecycle import decide_repair

    on = _parse_day(args.on, "--on")
    with _opened(db, must_exist=True) as store:
        decision = decide_repair(
            store, args.application_id, approve=args.approve, actor=args.by, reason=args.reason, on=on
        )
    application = decision.application
    verdict = "批准 approved" if application.status == "approved" else "驳回 rejected"
    lines = [
        f"信用修复申请 {application.application_id}：{verdict}",
        f"名单记录 {decision.entry.entry_id}：{decision.status_label} {decision.entry.status.value}",
        _allowed_line([(a.action.value, a.label) for a in decision.allowed_actions]),
        *_notice_lines(decision.notices),
    ]
    print("\n".join(lines))
    return 0


def _listed(entry_ids: list[str]) -> str:
    return f"{len(entry_ids)} 条" + (f"（{'、'.join(entry_ids)}）" if entry_ids else "")


def cmd_job_run(args: argparse.Namespace, db: Path) -> int:
    from api.routers.jobs import report_out
    from graph.jobs import run_job

    on = _parse_day(args.on, "--on")
    with _opened(db, must_exist=True) as store:
        _progress("运行定期任务 running the periodic job …")
        report = report_out(run_job(store, on))
    propagation = report.propagation
    print(
        f"定期任务完成 job {report.job_id} done（运行日 {report.run_on.isoformat()}）："
        f"初步名单生效 took effect {_listed(report.took_effect)}；交叉比对不予列入 refused {_listed(report.refused)}；"
        f"到期移出 expired {_listed(report.expired)}；交叉比对移出 removed {_listed(report.removed)}；"
        f"派生记录 {propagation.get('records', 0)} 条，新增 +{propagation.get('added', 0)}，"
        f"撤除 -{propagation.get('removed', 0)}，变更 ~{propagation.get('changed', 0)}"
    )
    print(_dispatch_line(report.dispatches, report.reminders, report.deliveries))
    return 0


def _dispatch_line(dispatches: dict[str, int], reminders: int, deliveries: dict[str, int]) -> str:
    return (
        f"推送 dispatches：启动 {dispatches.get('started', 0)}，变更 {dispatches.get('changed', 0)}，"
        f"停止 {dispatches.get('ended', 0)}（撤回 {dispatches.get('recalled', 0)}）；逾期提醒 reminders {reminders}；"
        f"回调投递 delivered {deliveries.get('delivered', 0)}，待重试 {deliveries.get('retried', 0)}"
    )


def cmd_job_list(args: argparse.Namespace, db: Path) -> int:
    from api.schemas import JobRunOut

    with _opened(db, must_exist=True) as store:
        runs = [JobRunOut.from_record(run) for run in store.jobs(args.limit)]
    if not runs:
        print("尚无运行记录 no runs yet")
    for run in runs:
        report = run.report or {}
        counts = (
            f"到期 expired {len(report.get('expired', []))}，移出 removed {len(report.get('removed', []))}"
            if run.status == "done"
            else str(report.get("error", ""))
        )
        print(
            f"#{run.job_id} 运行日 {run.run_on.isoformat()} {run.status} "
            f"{run.started_at} → {run.finished_at or '…'} {counts}".rstrip()
        )
    return 0


# --- measures (the measures list, 联合奖惩措施清单: R4, R11, §五(一)) -----------------------------------------


def _item_text(codes: list[str]) -> str:
    from graph.business_items import BUSINESS_ITEMS

    return "、".join(BUSINESS_ITEMS.get(code, code) for code in codes) or "全部业务事项"


def _value_text(value: str | list[str] | None) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(value) + "]"
    return "（空）" if value is None else value


def _measure_line(measure: MeasureOut) -> str:
    from graph.measures import KIND_LABELS, TARGET_LABELS

    return (
        f"{measure.measure_id} [{KIND_LABELS[measure.kind]}·{measure.list_type}·{TARGET_LABELS[measure.target]}] "
        f"{measure.content} —— 实施 {measure.implementing_department}；发起 {measure.initiating_department}；"
        f"依据 {measure.legal_basis}；业务事项 {_item_text(measure.business_items)}"
        + (f"；共享 {measure.sharing_method}" if measure.sharing_method else "")
    )


def _version_line(version: MeasureVersionOut) -> str:
    if version.published_on is None:
        return f"{version.label}，共 {version.measures} 项，自始有效"
    note = f"：{version.note}" if version.note else ""
    return (
        f"{version.label} 自 {version.published_on.isoformat()} 起施行，{version.published_by} 发布{note}"
        f"（新增 {version.added}，修改 {version.changed}，删除 {version.removed}；共 {version.measures} 项）"
    )


def format_measure_diff(diff: MeasureDiffOut) -> list[str]:
    """A diff of two lists as lines: + added, ~ changed (field by field), - removed."""
    lines = [f"  + {_measure_line(measure)}" for measure in diff.added]
    for update in diff.changed:
        lines.append(f"  ~ {update.measure_id} {update.after.content}")
        lines.extend(
            f"      {field.field}（{field.label}）：{_value_text(field.before)} → {_value_text(field.after)}"
            for field in update.fields
        )
    lines.extend(f"  - {_measure_line(measure)}" for measure in diff.removed)
    return lines


def format_measure_list(answer: MeasureListResponse) -> str:
    if answer.version is None:
        head = "尚无措施清单 no measures list yet（credlink load 导入措施文件，或 credlink measures set 起草后发布）"
    else:
        when = f"于 {answer.at.isoformat()} 施行的" if answer.at else ""
        head = f"{when}措施清单 {_version_line(answer.version)}；列出 {answer.count} 项"
    lines = [head]
    for measure in answer.measures:
        since = f"（第 {measure.since_version} 版起）" if measure.since_version else ""
        lines.append(f"  {_measure_line(measure)}{since}")
    return "\n".join(lines)


def format_draft(draft: DraftResponse) -> str:
    base = "尚无已发布版本" if draft.based_on is None else draft.based_on.label
    if not draft.changes:
        return f"草稿 draft（基于{base}）：没有修改 no changes"
    lines = [
        f"草稿 draft（基于{base}）：{len(draft.changes)} 项修改；发布后{draft.diff.summary}，共 {draft.measures} 项",
        *format_measure_diff(draft.diff),
        "下一步 next: credlink measures publish --by NAME --note TEXT [--on DATE]",
    ]
    return "\n".join(lines)


def _problem_text(problem: Problem) -> str:
    where = [f"第 {problem.row} 行"] if problem.row is not None else []
    if problem.column:
        where.append(f"列 {problem.column}")
    return f"{' '.join(where)}：{problem.reason}" if where else problem.reason


def _measures_from_file(store: Store, path: Path) -> list[tuple[str, dict[str, object]]]:
    """(measure id, fields) of every row of a measures file, or :class:`LoadRejected` naming each problem."""
    from graph.errors import LoadRejected
    from graph.store.port import FileKind
    from loaders.reader import ReadError, read_table
    from loaders.validate import References, check_table

    try:
        table = read_table(path)
    except ReadError as exc:
        raise LoadRejected(f"{path.name}：{exc.reason}") from None
    checked = check_table(table, FileKind.measures, References(store))
    problems = [*checked.file_problems, *checked.problems]
    if problems:
        described = "；".join(_problem_text(problem) for problem in problems[:20])
        more = f"；另有 {len(problems) - 20} 处" if len(problems) > 20 else ""
        raise LoadRejected(f"{path.name} 有 {len(problems)} 处问题，草稿未改动：{described}{more}")
    rows = checked.good.astype(object).where(checked.good.notna(), None)
    return [
        (str(row["measure_id"]), {name: row[name] for name in rows.columns if name != "measure_id"})
        for _, row in rows.iterrows()
    ]


def cmd_measures_list(args: argparse.Namespace, db: Path) -> int:
    from api.routers.measures import measure_list

    at = _parse_day(args.at, "--at")
    with _opened(db, must_exist=True) as store:
        answer = measure_list(
            store,
            at,
            version=args.version,
            kind=None if args.kind is None else ListKind(args.kind),
            list_type=args.list_type,
            implementing_department=args.department,
            business_item=args.business_item,
        )
    print(answer.model_dump_json(indent=2) if args.json else format_measure_list(answer))
    return 0


def cmd_measures_set(args: argparse.Namespace, db: Path) -> int:
    from api.routers.measures import draft_measure
    from graph import measures
    from graph.measures import validate_measure

    given = Path(args.target)
    with _opened(db, must_exist=False) as store:
        if given.suffix.lower() in (".csv", ".xlsx") or given.is_file():
            if args.set:
                raise InvalidRequest("从文件起草时不能同时用 --set 指定字段")
            if not given.is_file():
                raise FileNotFoundError(2, "文件不存在", str(given))
            rows = _measures_from_file(store, given)
            # Every row is checked before any is written, so that a bad row leaves the draft as it was.
            checked = [validate_measure(measure_id, fields) for measure_id, fields in rows]
            for measure in checked:
                measures.set_measure(
                    store, measure.measure_id, measures.measure_fields(measure), actor=args.by
                )
            answers = [draft_measure(store, measure.measure_id) for measure in checked]
        else:
            edited = measures.edit_measure(store, args.target, dict(args.set or []), actor=args.by)
            answers = [draft_measure(store, edited.measure_id)]
    labels = {"added": "新增", "changed": "修改", "removed": "删除", "unchanged": "与现行相同"}
    for answer in answers:
        print(f"草稿 draft：措施 {answer.measure_id} {labels[answer.state]} {answer.state}")
        for field in answer.fields:
            print(
                f"    {field.field}（{field.label}）：{_value_text(field.before)} → {_value_text(field.after)}"
            )
    print("发布后生效 applies once published: credlink measures publish --by NAME --note TEXT")
    return 0


def cmd_measures_remove(args: argparse.Namespace, db: Path) -> int:
    from graph import measures

    with _opened(db, must_exist=True) as store:
        measures.remove_measure(store, args.measure_id, actor=args.by)
    print(f"草稿 draft：删除措施 {args.measure_id}（发布后生效 applies once published）")
    return 0


def cmd_measures_revert(args: argparse.Namespace, db: Path) -> int:
    from graph import measures

    with _opened(db, must_exist=True) as store:
        measures.revert_measure(store, args.measure_id, actor=args.by)
    print(f"草稿 draft：已撤回对措施 {args.measure_id} 的修改 reverted")
    return 0


def cmd_measures_draft(args: argparse.Namespace, db: Path) -> int:
    from api.routers.measures import draft

    with _opened(db, must_exist=True) as store:
        answer = draft(store)
    print(answer.model_dump_json(indent=2) if args.json else format_draft(answer))
    return 0


def cmd_measures_discard(args: argparse.Namespace, db: Path) -> int:
    from graph import measures

    with _opened(db, must_exist=True) as store:
        dropped = measures.discard_draft(store, actor=args.by)
    print(f"草稿 draft：已放弃 {dropped} 项修改 discarded")
    return 0


def cmd_measures_publish(args: argparse.Namespace, db: Path) -> int:
    from api.routers.measures import publish

    on = _parse_day(args.on, "--on")
    with _opened(db, must_exist=True) as store:
        answer = publish(store, actor=args.by, note=args.note, on=on)
    if args.json:
        print(answer.model_dump_json(indent=2))
        return 0
    print(f"已发布 published {_version_line(answer.version)}")
    print("\n".join([answer.diff.summary, *format_measure_diff(answer.diff)]))
    return 0


def cmd_measures_versions(args: argparse.Namespace, db: Path) -> int:
    from api.routers.measures import versions

    with _opened(db, must_exist=True) as store:
        answer = versions(store)
    if args.json:
        print(answer.model_dump_json(indent=2))
        return 0
    if not answer.versions:
        print("尚无措施清单 no measures list yet")
    for version in answer.versions:
        current = "  ← 现行 current" if version.version == answer.current else ""
        print(_version_line(version) + current)
    return 0


def cmd_measures_diff(args: argparse.Namespace, db: Path) -> int:
    from api.routers.measures import version_diff

    with _opened(db, must_exist=True) as store:
        answer = version_diff(store, args.before, args.after)
    if args.json:
        print(answer.model_dump_json(indent=2))
        return 0
    print(f"第 {answer.from_version} 版 → 第 {answer.to_version} 版：{answer.summary}")
    lines = format_measure_diff(answer)
    if lines:
        print("\n".join(lines))
    return 0


def cmd_measures_log(args: argparse.Namespace, db: Path) -> int:
    from api.routers.measures import changes

    with _opened(db, must_exist=True) as store:
        answer = changes(store, measure_id=args.measure, limit=args.limit)
    if args.json:
        print(answer.model_dump_json(indent=2))
        return 0
    if not answer.changes:
        print("尚无变更记录 no changes recorded")
    for change in answer.changes:
        what = change.measure_id or (f"第 {change.version} 版" if change.version is not None else "")
        note = f"：{change.note}" if change.note else ""
        print(
            f"{change.at} {change.action_label} {change.action} · {change.actor} · {what}{note}".rstrip(" ·")
        )
    return 0


def _measures_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    group = _group(
        commands,
        common,
        "measures",
        "联合奖惩措施清单 / the measures list: draft, publish, versions, diffs",
    )
    listing = group(
        "list", cmd_measures_list, "措施清单 / the measures in force (today or --at) or a version"
    )
    when = listing.add_mutually_exclusive_group()
    when.add_argument(
        "--at", metavar="DATE", help="于该日施行的清单 / in force on, YYYY-MM-DD (default today)"
    )
    when.add_argument("--version", type=int, metavar="N", help="某一版本的完整清单 / version N whole")
    listing.add_argument("--kind", choices=("red", "black"), help="名单类别 / red | black")
    listing.add_argument("--list-type", metavar="TEXT", help="名单类型 / list type")
    listing.add_argument("--department", metavar="TEXT", help="实施部门 / implementing department")
    listing.add_argument(
        "--business-item", metavar="CODE", help="业务事项 / business item, e.g. public_procurement"
    )
    listing.add_argument("--json", action="store_true", help="输出 JSON / print the API's JSON answer")

    setter = group(
        "set",
        cmd_measures_set,
        "在草稿中新增或修改措施 / add or change measures in the draft: a measures file, or ID --set FIELD=VALUE …",
    )
    setter.add_argument(
        "target",
        metavar="FILE|ID",
        help="措施文件（.csv/.xlsx，逐行写入草稿）或措施编号 / a measures file, or a measure id",
    )
    setter.add_argument(
        "--set",
        type=_field_value,
        action="append",
        metavar="FIELD=VALUE",
        help="字段 / field, repeatable: kind, list_type, target, content, initiating_department, "
        "implementing_department, legal_basis, business_items (codes separated by ;), sharing_method; "
        "fields not given keep the draft's value (a new measure needs them all)",
    )
    _measures_actor(setter)

    remover = group("remove", cmd_measures_remove, "在草稿中删除措施 / remove a measure in the draft")
    remover.add_argument("measure_id", metavar="ID", help="措施编号 / measure id")
    _measures_actor(remover)

    reverter = group(
        "revert", cmd_measures_revert, "撤回草稿中对某措施的修改 / drop the draft's change to a measure"
    )
    reverter.add_argument("measure_id", metavar="ID", help="措施编号 / measure id")
    _measures_actor(reverter)

    shown = group("draft", cmd_measures_draft, "查看草稿 / the draft and what publishing it would change")
    shown.add_argument("--json", action="store_true", help="输出 JSON / print the API's JSON answer")

    _measures_actor(group("discard", cmd_measures_discard, "放弃草稿 / drop every change of the draft"))

    publisher = group(
        "publish", cmd_measures_publish, "发布草稿为新版本 / publish the draft as the next version"
    )
    _measures_actor(publisher)
    publisher.add_argument("--note", default="", metavar="TEXT", help="发布说明 / what changes and why")
    publisher.add_argument(
        "--on", metavar="DATE", help="首日生效日期 / first day in force, YYYY-MM-DD (default today)"
    )
    publisher.add_argument("--json", action="store_true", help="输出 JSON / print the API's JSON answer")

    listed = group("versions", cmd_measures_versions, "全部版本 / every version of the measures list")
    listed.add_argument("--json", action="store_true", help="输出 JSON / print the API's JSON answer")

    differ = group("diff", cmd_measures_diff, "两个版本之间的差异 / what changed between two versions")
    differ.add_argument("before", type=int, metavar="A", help="版本号 / version")
    differ.add_argument("after", type=int, metavar="B", help="版本号 / version")
    differ.add_argument("--json", action="store_true", help="输出 JSON / print the API's JSON answer")

    log = group("log", cmd_measures_log, "变更记录 / every change: draft edits, imports, publications")
    log.add_argument("--measure", metavar="ID", help="只看某一措施 / one measure only")
    log.add_argument("--limit", type=_positive, default=50, help="最多显示条数 / how many (default 50)")
    log.add_argument("--json", action="store_true", help="输出 JSON / print the API's JSON answer")


def _measures_actor(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "--by",
        "--actor",
        dest="by",
        default="",
        metavar="NAME",
        help="操作人 / who acts (department and officer)",
    )


# --- prelist (preliminary lists: R1, R2) -------------------------------------------------------------------


def _conflict_lines(refused: list[SubjectConflictsOut], title: str) -> list[str]:
    lines = [title] if refused else []
    for item in refused:
        subject = f"{item.subject_name}（{item.subject_code}）" if item.subject_code else ""
        for link in item.conflicts:
            lines.append(f"  {item.entry_id} {subject}：{link.text}")
    return lines


def format_prelist(stored: PreliminaryListOut) -> str:
    """A preliminary list as lines for a terminal: who, counts, status, entries with windows, conflicts."""
    kind = "黑名单" if stored.kind is ListKind.black else "红名单"
    source = f"（文件 {stored.source_file}）" if stored.source_file else ""
    lines = [
        f"初步名单 {stored.list_id}：{kind} · 认定单位 {stored.department} · {stored.submitted_on.isoformat()} "
        f"由 {stored.submitted_by} 提交{source}",
        f"提交 submitted {stored.submitted} 条 = 接受 accepted {stored.accepted} + 交叉比对不予列入 rejected "
        f"{stored.rejected}；状态 status：{stored.status_label} {stored.status.value}",
        "当前允许的操作 allowed："
        + ("、".join(f"{a.label} {a.action.value}" for a in stored.allowed_actions) or "无 none"),
        "名单记录 entries：",
    ]
    for item in stored.entries:
        entry = item.entry
        window = (
            f"；公示期 {item.publicity_from.isoformat()} 至 {item.publicity_to.isoformat()}"
            if item.publicity_from and item.publicity_to
            else ""
        )
        validity = (
            f"{entry.valid_from.isoformat()} 至 {entry.valid_to.isoformat() if entry.valid_to else '长期'}"
        )
        lines.append(
            f"  {entry.entry_id} {entry.subject_name}（{entry.subject_code}）· {entry.list_type} · "
            f"{item.status_label} {entry.status.value} · 有效期 {validity}{window}"
        )
        for notice in item.notifications:
            lines.append(
                f"    事前告知 notified：{notice.notified_on.isoformat()} {notice.method} → {notice.recipient}"
                f"（{notice.notified_by}）"
            )
    lines.extend(_conflict_lines(stored.conflicts, "交叉比对 conflicts："))
    return "\n".join(lines)


def format_prelist_action(done: PreliminaryActionResponse) -> str:
    lines = []
    if done.took_effect:
        lines.append(f"生效 took effect：{_listed(done.took_effect)}")
    lines.extend(_conflict_lines(done.refused, f"交叉比对不予列入 refused：{len(done.refused)} 条"))
    if done.removed:
        lines.append(f"交叉比对移出红名单 removed：{_listed(done.removed)}")
    for waiting in done.waiting:
        lines.append(f"未生效 waiting：{waiting.entry_id}：{waiting.reason}")
    if done.withdrawn:
        lines.append(f"撤回 withdrawn：{_listed(done.withdrawn)}")
    for notice in done.notifications:
        lines.append(f"已记录事前告知 notified：{notice.entry_id} {notice.recipient}（{notice.method}）")
    lines.append(format_prelist(done.preliminary_list))
    return "\n".join(lines)


def cmd_prelist_submit(args: argparse.Namespace, db: Path) -> int:
    from api.routers.preliminary import SubmissionRejected, submit_file

    on = _parse_day(args.on, "--on")
    if not args.file.exists():
        raise FileNotFoundError(2, "文件不存在", str(args.file))
    store = _open(db, must_exist=True)
    try:
        answer = submit_file(
            store,
            args.file,
            department=args.department,
            kind=ListKind(args.kind) if args.kind else None,
            actor=args.by,
            on=on,
        )
    except SubmissionRejected as exc:
        from api.preliminary_schemas import ProblemOut

        print(f"初步名单未提交：发现 {len(exc.problems)} 处问题，未写入任何记录")
        for problem in (ProblemOut.from_problem(problem) for problem in exc.problems):
            where = problem.file + (f" 第 {problem.row} 行" if problem.row is not None else "")
            where += f" 列 {problem.column}" if problem.column else ""
            where += f" 值 {problem.value}" if problem.value else ""
            print(f"  {where}：{problem.reason}")
        print("错误：初步名单未通过校验，详见上方报告", file=sys.stderr)
        return 1
    finally:
        store.close()
    if args.json:
        print(answer.model_dump_json(indent=2))
        return 0
    for warning in answer.warnings:
        print(f"警告 warning：{warning}")
    print(format_prelist(answer.preliminary_list))
    print(f"下一步 next: credlink prelist publicise {answer.list_id} --by NAME")
    return 0


def cmd_prelist_show(args: argparse.Namespace, db: Path) -> int:
    from api.routers.preliminary import list_out

    with _opened(db, must_exist=True) as store:
        stored = list_out(store, args.list_id)
    print(stored.model_dump_json(indent=2) if args.json else format_prelist(stored))
    return 0


def _prelist_action(args: argparse.Namespace, db: Path, action: str) -> int:
    from api.routers.preliminary import action_out
    from graph import preliminary

    on = _parse_day(args.on, "--on")
    with _opened(db, must_exist=True) as store:
        if action == "publicise":
            done = action_out(
                store,
                args.list_id,
                preliminary.publicise(store, args.list_id, actor=args.by, on=on),
                on=on,
                stage="publicise",
            )
        elif action == "take_effect":
            result = preliminary.take_effect(store, args.list_id, actor=args.by, on=on)
            done = action_out(store, args.list_id, result, on=on)
        elif action == "notify":
            recorded = preliminary.notify(
                store,
                args.list_id,
                actor=args.by,
                method=args.method,
                recipient=args.recipient,
                on=on,
                entry_ids=args.entry,
                note=args.note,
            )
            done = action_out(store, args.list_id, notifications=recorded, on=on)
        else:
            withdrawn = preliminary.withdraw(
                store, args.list_id, actor=args.by, reason=args.reason, on=on, entry_ids=args.entry
            )
            done = action_out(store, args.list_id, withdrawn=withdrawn, on=on)
    print(format_prelist_action(done))
    return 0


def cmd_prelist_publicise(args: argparse.Namespace, db: Path) -> int:
    return _prelist_action(args, db, "publicise")


def cmd_prelist_notify(args: argparse.Namespace, db: Path) -> int:
    return _prelist_action(args, db, "notify")


def cmd_prelist_take_effect(args: argparse.Namespace, db: Path) -> int:
    return _prelist_action(args, db, "take_effect")


def cmd_prelist_withdraw(args: argparse.Namespace, db: Path) -> int:
    return _prelist_action(args, db, "withdraw")


# --- parser ------------------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        default=argparse.SUPPRESS,
        help="SQLite 数据库文件，或 Neo4j 地址 bolt://… / store file or Neo4j URL "
        "(default: $CREDLINK_DB or ./credlink.db; $CREDLINK_STORE=neo4j uses $CREDLINK_NEO4J_URI)",
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
    _lifecycle_commands(commands, common)
    _prelist_commands(commands, common)
    _measures_commands(commands, common)
    from api.cli_dispatch import dispatch_commands

    dispatch_commands(commands, common)
    from api.cli_export import export_command

    export_command(commands, common)
    from api.cli_access import access_commands

    access_commands(commands, common)
    from api.cli_audit import audit_commands

    audit_commands(commands, common)
    from api.cli_backup import backup_commands

    backup_commands(commands, common)
    return parser


def _who_and_why(
    sub: argparse.ArgumentParser, who: str = "操作人 / who acts (department and officer)"
) -> None:
    sub.add_argument("--by", default="", metavar="NAME", help=who)
    sub.add_argument("--reason", default="", metavar="TEXT", help="理由 / why (required)")
    sub.add_argument(
        "--on", metavar="DATE", help="生效日期 / the day it takes effect, YYYY-MM-DD (default: today)"
    )


def _set_option(sub: argparse.ArgumentParser, *, required: bool) -> None:
    sub.add_argument(
        "--set",
        type=_field_value,
        action="append",
        required=required,
        metavar="FIELD=VALUE",
        help="更正字段 / field to correct, repeatable: list_type, department, basis, act_date, decided_on, "
        "valid_from, valid_to (an empty VALUE clears an optional date)",
    )


def _lifecycle_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    entry = _group(
        commands,
        common,
        "entry",
        "名单记录的异议、更正、撤销与历史 / objections, corrections, revocation, history",
    )
    history = entry(
        "history", cmd_entry_history, "名单记录的全部历史 / an entry's events, objections, repairs, notices"
    )
    history.add_argument("entry_id", metavar="ID", help="名单记录编号 / entry id")
    history.add_argument("--json", action="store_true", help="输出 JSON / print the API's JSON answer")

    objection = entry(
        "object", cmd_entry_object, "提出异议（措施暂停执行）/ file an objection: measures suspended"
    )
    objection.add_argument("entry_id", metavar="ID", help="名单记录编号 / entry id")
    _who_and_why(objection, "异议人 / who objects")

    resolve = entry(
        "resolve", cmd_entry_resolve, "异议处理 / resolve the open objection: upheld, corrected or revoked"
    )
    resolve.add_argument("entry_id", metavar="ID", help="名单记录编号 / entry id")
    resolve.add_argument(
        "--outcome",
        required=True,
        choices=("upheld", "corrected", "revoked"),
        help="upheld 维持 | corrected 更正（配合 --set）| revoked 撤销（误列）",
    )
    _who_and_why(resolve)
    _set_option(resolve, required=False)

    correct = entry("correct", cmd_entry_correct, "更正名单记录 / correct fields of an entry (history kept)")
    correct.add_argument("entry_id", metavar="ID", help="名单记录编号 / entry id")
    _who_and_why(correct)
    _set_option(correct, required=True)

    revoke = entry(
        "revoke", cmd_entry_revoke, "撤销误列的名单记录 / revoke a wrongly listed entry (apology published)"
    )
    revoke.add_argument("entry_id", metavar="ID", help="名单记录编号 / entry id")
    _who_and_why(revoke)

    repair = _group(commands, common, "repair", "信用修复 / credit repair: apply and decide")
    apply = repair("apply", cmd_repair_apply, "申请信用修复 / apply for credit repair of a black entry")
    apply.add_argument("entry_id", metavar="ID", help="名单记录编号 / entry id")
    apply.add_argument("--applicant", default="", metavar="NAME", help="申请人 / who applies")
    apply.add_argument("--evidence", default="", metavar="TEXT", help="整改证明材料 / evidence of correction")
    apply.add_argument("--on", metavar="DATE", help="申请日期 / filing day, YYYY-MM-DD (default: today)")

    decide = repair(
        "decide", cmd_repair_decide, "批准或驳回信用修复申请 / approve or reject a repair application"
    )
    decide.add_argument(
        "application_id", type=_positive, metavar="APPLICATION_ID", help="申请编号 / application id"
    )
    verdict = decide.add_mutually_exclusive_group(required=True)
    verdict.add_argument(
        "--approve", dest="approve", action="store_true", help="批准（自生效日起移出名单）/ approve"
    )
    verdict.add_argument("--reject", dest="approve", action="store_false", help="驳回 / reject")
    _who_and_why(decide)

    job = _group(
        commands,
        common,
        "job",
        "定期任务 / the periodic job: preliminary lists, expiries, propagation, cross-comparison, dispatches",
    )
    run = job("run", cmd_job_run, "立即运行定期任务 / run the periodic job now")
    run.add_argument(
        "--on", metavar="DATE", help="运行日 / the day the run is for, YYYY-MM-DD (default: today)"
    )
    runs = job("list", cmd_job_list, "定期任务运行记录 / recent runs")
    runs.add_argument("--limit", type=_positive, default=20, help="最多显示条数 / how many runs (default 20)")


def _prelist_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    prelist = _group(
        commands,
        common,
        "prelist",
        "初步名单：提交、公示、事前告知、生效、撤回 / preliminary lists: submit, publicise, notify, take effect",
    )

    def by(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--by", "--actor", dest="by", default="", metavar="NAME", help="经办人 / who acts (required)"
        )
        sub.add_argument(
            "--on", metavar="DATE", help="办理日期 / the day it is done, YYYY-MM-DD (default: today)"
        )

    def list_id(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("list_id", metavar="ID", help="初步名单编号 / list id (PL-YYYYMMDD-NNNN)")

    def entries(sub: argparse.ArgumentParser) -> None:
        sub.add_argument(
            "--entry",
            action="append",
            metavar="ENTRY_ID",
            help="仅这些名单记录（可重复）/ only these entries, repeatable (default: all pending)",
        )

    submit = prelist(
        "submit",
        cmd_prelist_submit,
        "提交初步名单文件（CSV/XLSX，中文表头）/ submit a preliminary list file; red candidates are cross-compared",
    )
    submit.add_argument("file", type=Path, metavar="FILE", help="list_entries 格式的 .csv 或 .xlsx 文件")
    submit.add_argument(
        "--department", required=True, metavar="NAME", help="认定单位 / identifying department"
    )
    submit.add_argument(
        "--kind", choices=("red", "black"), help="名单类别 / red or black (default: the file's, all alike)"
    )
    by(submit)
    submit.add_argument("--json", action="store_true", help="输出 JSON / print the API's JSON answer")

    show = prelist("show", cmd_prelist_show, "初步名单详情 / a preliminary list, its entries and conflicts")
    list_id(show)
    show.add_argument("--json", action="store_true", help="输出 JSON / print the API's JSON answer")

    publicise = prelist(
        "publicise", cmd_prelist_publicise, "公示 / publicise the drafts for the list type's publicity period"
    )
    list_id(publicise)
    by(publicise)

    notify = prelist(
        "notify", cmd_prelist_notify, "记录事前告知 / record the prior notification of black-list subjects"
    )
    list_id(notify)
    by(notify)
    notify.add_argument(
        "--method", default="", metavar="TEXT", help="告知方式 / how: 书面送达、邮寄送达 … (required)"
    )
    notify.add_argument(
        "--recipient", metavar="NAME", help="告知对象 / who was notified (default: each subject)"
    )
    notify.add_argument("--note", metavar="TEXT", help="备注 / e.g. the service receipt number")
    entries(notify)

    take_effect = prelist(
        "take-effect", cmd_prelist_take_effect, "生效 / take the ready entries into effect (publicity ended)"
    )
    list_id(take_effect)
    by(take_effect)

    withdraw = prelist(
        "withdraw", cmd_prelist_withdraw, "撤回 / withdraw pending entries (they never applied)"
    )
    list_id(withdraw)
    by(withdraw)
    withdraw.add_argument("--reason", default="", metavar="TEXT", help="理由 / why (required)")
    entries(withdraw)


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
    sub.add_argument(
        "--no-access-log",
        action="store_true",
        help="不记录每个请求的访问日志 / no per-request access log lines (e.g. when a proxy in front logs them)",
    )
    sub.add_argument(
        "--job-every-minutes",
        type=int,
        metavar="N",
        help="每 N 分钟运行一次定期任务（0 不运行）/ run the periodic job every N minutes in the background "
        "(default: $CREDLINK_JOB_EVERY_MINUTES, else 0 for serve and 1440 for demo)",
    )


def _store_option(raw: str | None) -> Path:
    """The SQLite file a command works on. ``--db bolt://…`` (any Neo4j URL) selects the Neo4j store instead:
    set in the environment, as ``serve`` passes its settings to the server's workers that way."""
    from graph.store import is_neo4j_url

    if raw is not None and is_neo4j_url(raw):
        os.environ["CREDLINK_STORE"] = "neo4j"
        os.environ["CREDLINK_NEO4J_URI"] = raw
        get_settings.cache_clear()
        raw = None
    return Path(raw) if raw else get_settings().db


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        db = _store_option(getattr(args, "db", None))
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
