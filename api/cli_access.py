"""``credlink user …`` and ``credlink key …``: the accounts of people and the API keys of machine clients,
in the access store (``CREDLINK_ACCESS_DB``, default ``credlink-access.db`` beside the store file).

A password is never a command-line argument (it would show in the process list and the shell's history):
it is typed twice at a terminal, read from standard input with ``--password-stdin``, or generated and shown
once. An API key is shown once, when it is issued; only its digest is kept. Registered by
:func:`api.cli.build_parser`.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import secrets
import sys
from pathlib import Path

from api.access_store import CREDENTIAL_ROLES, AccessStore, Grant, make_grant
from api.audit import AuditLog
from api.cli_common import _group
from api.principal import Principal, Role
from graph.errors import InvalidRequest

ROLE_LABELS = {
    "business_system": "业务系统",
    "implementing_department": "实施部门",
    "identifying_department": "认定部门",
    "investigator": "调查人员",
    "credit_admin": "信用管理员",
    "auditor": "审计员",
}


def access_store_path(db: Path) -> Path:
    """The access store of the store ``db`` (``CREDLINK_ACCESS_DB`` if set), as the server finds it."""
    from api.settings import get_settings

    return get_settings().model_copy(update={"db": db}).access_path()


def operator() -> Principal:
    """Who changes accounts at the command line: ``cli:<login name>``, with the administrators' role (the
    command line reaches the access store directly)."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):  # a container's uid without a name
        name = f"uid{os.getuid()}"
    return Principal(actor=f"cli:{name}", role=Role.CREDIT_ADMIN)


def _audit(db: Path, action: str, target: str) -> None:
    """Record a change of accounts or keys in the audit log (the access store file), committed before
    the command says it is done."""
    log = AuditLog(access_store_path(db), writer=False)
    try:
        log.record(operator(), f"CLI {action}", target, purpose=None, result="ok", sync=True)
    finally:
        log.close()


def _items(text: str | None) -> list[str] | None:
    return [part.strip() for part in text.split(",") if part.strip()] if text else None


def _grant(args: argparse.Namespace) -> Grant:
    return make_grant(
        args.role,
        department=args.department,
        business_items=_items(args.business_items),
        list_types=_items(args.list_types),
    )


def _scope(grant: Grant) -> str:
    parts = [f"{grant.role.value}（{ROLE_LABELS.get(grant.role.value, '')}）"]
    if grant.department:
        parts.append(f"部门 {grant.department}")
    if grant.business_items:
        parts.append("业务事项 " + "、".join(sorted(grant.business_items)))
    if grant.list_types:
        parts.append("名单类型 " + "、".join(sorted(grant.list_types)))
    return "；".join(parts)


def _password(args: argparse.Namespace) -> tuple[str, bool]:
    """The new password and whether it was generated (then it is printed once)."""
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
        if not password:
            raise InvalidRequest("标准输入中没有密码")
        return password, False
    if sys.stdin.isatty():
        first = getpass.getpass("新密码（至少 12 个字符）：")
        if first != getpass.getpass("再输入一次："):
            raise InvalidRequest("两次输入的密码不一致")
        return first, False
    return secrets.token_urlsafe(18), True


def cmd_user_add(args: argparse.Namespace, db: Path) -> int:
    grant = _grant(args)
    password, generated = _password(args)
    access = AccessStore(access_store_path(db))
    try:
        access.add_user(args.name, password, grant)
    finally:
        access.close()
    _audit(db, "user add", f"user:{args.name} {_scope(grant)}")
    print(f"已添加用户 {args.name}：{_scope(grant)}")
    if generated:
        print(f"初始密码（只显示这一次，请妥善转交）：{password}")
    return 0


def cmd_user_list(args: argparse.Namespace, db: Path) -> int:
    access = AccessStore(access_store_path(db))
    try:
        users = access.users()
    finally:
        access.close()
    if args.json:
        rows = [
            {"name": u.name, "role": u.grant.role.value, "disabled": u.disabled, "created_at": u.created_at}
            for u in users
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for user in users:
        state = "已停用" if user.disabled else "启用"
        print(f"{user.name}\t{state}\t{_scope(user.grant)}\t创建于 {user.created_at}")
    print(f"共 {len(users)} 个用户")
    return 0


def cmd_user_disable(args: argparse.Namespace, db: Path) -> int:
    access = AccessStore(access_store_path(db))
    try:
        access.set_disabled(args.name, not args.enable)
    finally:
        access.close()
    _audit(db, "user enable" if args.enable else "user disable", f"user:{args.name}")
    print(f"用户 {args.name} 已{'重新启用' if args.enable else '停用（其令牌立即失效）'}")
    return 0


def cmd_user_password(args: argparse.Namespace, db: Path) -> int:
    password, generated = _password(args)
    access = AccessStore(access_store_path(db))
    try:
        access.set_password(args.name, password)
    finally:
        access.close()
    _audit(db, "user password", f"user:{args.name}")
    print(f"用户 {args.name} 的密码已更换（此前签发的令牌已全部失效，须用新密码重新登录）")
    if generated:
        print(f"新密码（只显示这一次，请妥善转交）：{password}")
    return 0


def cmd_key_issue(args: argparse.Namespace, db: Path) -> int:
    grant = _grant(args)
    access = AccessStore(access_store_path(db))
    try:
        record, key = access.issue_key(args.label, grant)
    finally:
        access.close()
    _audit(db, "key issue", f"key:{record.key_id} {record.label} {_scope(grant)}")
    print(f"已签发密钥 {record.key_id}（{record.label}）：{_scope(grant)}")
    print(f"密钥（只显示这一次，服务端不保存原文）：{key}")
    print("用法：请求头 Authorization: Bearer <密钥> 或 X-API-Key: <密钥>")
    return 0


def cmd_key_list(args: argparse.Namespace, db: Path) -> int:
    access = AccessStore(access_store_path(db))
    try:
        keys = access.api_keys()
    finally:
        access.close()
    if args.json:
        rows = [
            {
                "key_id": k.key_id,
                "label": k.label,
                "role": k.grant.role.value,
                "created_at": k.created_at,
                "revoked_at": k.revoked_at,
            }
            for k in keys
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for key in keys:
        state = f"已吊销 {key.revoked_at}" if key.revoked_at else "有效"
        print(f"{key.key_id}\t{state}\t{key.label}\t{_scope(key.grant)}\t签发于 {key.created_at}")
    print(f"共 {len(keys)} 个密钥")
    return 0


def cmd_key_revoke(args: argparse.Namespace, db: Path) -> int:
    access = AccessStore(access_store_path(db))
    try:
        record = access.revoke_key(args.key_id)
    finally:
        access.close()
    _audit(db, "key revoke", f"key:{record.key_id} {record.label}")
    print(f"密钥 {record.key_id}（{record.label}）已吊销，立即失效")
    return 0


def _grant_options(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "--role", required=True, choices=[role.value for role in CREDENTIAL_ROLES], help="角色 / role"
    )
    sub.add_argument("--department", help="部门名称（实施部门必填）/ department")
    sub.add_argument(
        "--business-items",
        metavar="A,B",
        help="业务事项，逗号分隔（业务系统必填）/ business items, e.g. public_procurement",
    )
    sub.add_argument("--list-types", metavar="A,B", help="名单类型，逗号分隔（认定部门必填）/ list types")


def access_commands(
    commands: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser
) -> None:
    user = _group(commands, common, "user", "用户账号 / people's accounts (password → token)")
    add = user("add", cmd_user_add, "添加用户 / add a user with a role")
    add.add_argument("name", help="用户名 / user name")
    _grant_options(add)
    add.add_argument(
        "--password-stdin", action="store_true", help="从标准输入读取密码 / read the password from stdin"
    )
    listed = user("list", cmd_user_list, "列出用户 / list users")
    listed.add_argument("--json", action="store_true")
    password = user("password", cmd_user_password, "更换密码 / set a new password")
    password.add_argument("name")
    password.add_argument(
        "--password-stdin", action="store_true", help="从标准输入读取密码 / read the password from stdin"
    )
    disable = user("disable", cmd_user_disable, "停用用户（令牌立即失效）/ disable a user")
    disable.add_argument("name")
    disable.add_argument("--enable", action="store_true", help="重新启用 / enable again")

    key = _group(commands, common, "key", "API 密钥 / API keys of machine clients")
    issue = key("issue", cmd_key_issue, "签发密钥（只显示一次）/ issue a key, shown once")
    issue.add_argument("--label", required=True, help="用途说明 / what the key is for")
    _grant_options(issue)
    keys = key("list", cmd_key_list, "列出密钥 / list keys")
    keys.add_argument("--json", action="store_true")
    revoke = key("revoke", cmd_key_revoke, "吊销密钥 / revoke a key")
    revoke.add_argument("key_id", help="密钥编号 / key id (the 12 characters after clk_)")
