"""What every ``credlink`` command module shares: opening the store, parsing a day, progress lines and
command groups. Kept apart so that the command modules (:mod:`api.cli`, :mod:`api.cli_dispatch`) import it
and never each other in both directions."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from graph.errors import NotFound

if TYPE_CHECKING:
    from graph.store.port import Store

Handler = Callable[[argparse.Namespace, Path], int]


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _parse_day(value: str | None, option: str) -> dt.date | None:
    from api.deps import parse_date

    return parse_date(value, name=option)


def _open(db: Path, *, must_exist: bool) -> Store:
    """The store of a command: Neo4j when ``CREDLINK_STORE=neo4j`` (or ``--db bolt://…``), else the SQLite
    file ``db``."""
    from api.settings import get_settings, open_configured_store

    settings = get_settings()
    if settings.store == "sqlite" and must_exist and not db.exists():
        raise NotFound(
            f"数据库 {db} 不存在；请先运行 credlink load <文件> 或 credlink demo，或用 --db 指定数据库文件"
        )
    return open_configured_store(settings, db)


@contextmanager
def _opened(db: Path, *, must_exist: bool) -> Iterator[Store]:
    """The store for one command, closed when the command is done (also on an error)."""
    store = _open(db, must_exist=must_exist)
    try:
        yield store
    finally:
        store.close()


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为正整数，实为 {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"应为正整数，实为 {text!r}")
    return value


def _group(
    commands: argparse._SubParsersAction[argparse.ArgumentParser],
    common: argparse.ArgumentParser,
    name: str,
    help_text: str,
) -> Callable[[str, Handler, str], argparse.ArgumentParser]:
    """A command group (``credlink entry …``); returns a function adding one subcommand to it."""
    group = commands.add_parser(name, parents=[common], help=help_text, description=help_text)
    group.set_defaults(handler=lambda _args, _db: _usage(group))
    actions = group.add_subparsers(dest="action", metavar="ACTION")

    def add(action: str, handler: Handler, action_help: str) -> argparse.ArgumentParser:
        sub = actions.add_parser(action, parents=[common], help=action_help, description=action_help)
        sub.set_defaults(handler=handler)
        return sub

    return add


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2
