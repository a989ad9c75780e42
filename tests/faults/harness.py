"""What the crash and backup tests share: the real ``credlink`` command in a subprocess, a served store on
loopback, a loopback webhook receiver, and a dump of a store's content to compare two stores by.

Nothing here hooks into credlink: a test kills the real process with SIGKILL at a point it observes from the
outside (a progress line on stderr, a number of requests received, a delay), as an operator's ``kill -9``, an
OOM killer or a power cut of the process would.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

CREDLINK = [sys.executable, "-m", "api.cli"]
ROOT = Path(__file__).resolve().parents[2]

#: Tables that record runs (when a load, propagation, dispatch run or job happened): an interrupted run and
#: its re-run leave more of them than one clean run, by design. Their effects are compared, not their count.
RUN_HISTORY = frozenset({"load_runs", "propagation_runs", "dispatch_runs", "job_runs"})
#: Columns holding wall-clock times, which differ between any two runs.
CLOCK_COLUMNS = frozenset(
    {
        "at",
        "created_at",
        "recorded_at",
        "changed_at",
        "updated_at",
        "next_attempt_at",
        "leased_until",
        "delivered_at",
    }
)


def environment(**extra: str) -> dict[str, str]:
    """The environment of a credlink subprocess: this one's, without any ``CREDLINK_*`` of the developer's."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("CREDLINK_")}
    env["PYTHONPATH"] = str(ROOT)
    env.update(extra)
    return env


def credlink(
    db: Path, *args: str, check: bool = True, timeout: float = 120.0
) -> subprocess.CompletedProcess[str]:
    """Run ``credlink --db DB ARGS…`` to the end."""
    done = subprocess.run(
        [*CREDLINK, "--db", str(db), *args],
        capture_output=True,
        text=True,
        env=environment(),
        cwd=ROOT,
        timeout=timeout,
        check=False,
    )
    if check and done.returncode != 0:
        raise AssertionError(f"credlink {' '.join(args)} → {done.returncode}\n{done.stdout}\n{done.stderr}")
    return done


@dataclass
class Killed:
    """How an interrupted command ended: the lines it wrote before, and whether SIGKILL reached it running."""

    stderr: list[str] = field(default_factory=list)
    killed: bool = False
    returncode: int | None = None


def kill_when(
    db: Path, args: Sequence[str], marker: str | None, *, delay: float = 0.0, timeout: float = 60.0
) -> Killed:
    """Start ``credlink --db DB ARGS…`` and SIGKILL it ``delay`` seconds after it writes a stderr line
    containing ``marker`` (``None``: after ``delay`` seconds from the start). The process may finish first:
    :attr:`Killed.killed` says whether the signal found it running."""
    process = subprocess.Popen(
        [*CREDLINK, "--db", str(db), *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=environment(),
        cwd=ROOT,
    )
    assert process.stderr is not None
    outcome = Killed()
    seen = threading.Event()

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            outcome.stderr.append(line.rstrip("\n"))
            if marker is not None and marker in line:
                seen.set()
        seen.set()  # the stream ended: the process is done (or killed)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    if marker is not None:
        seen.wait(timeout)
    if delay:
        time.sleep(delay)
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
    outcome.returncode = process.wait(timeout)
    outcome.killed = outcome.returncode == -signal.SIGKILL
    reader.join(timeout)
    return outcome


def integrity(db: Path) -> list[str]:
    """``PRAGMA integrity_check`` of a store file (``["ok"]`` when sound), opened as the next process would."""
    conn = sqlite3.connect(db)
    try:
        return [str(row[0]) for row in conn.execute("PRAGMA integrity_check").fetchall()]
    finally:
        conn.close()


def dump(db: Path, *, tables: Sequence[str] | None = None) -> dict[str, list[tuple[Any, ...]]]:
    """A store's content, table by table, in key order: what two stores are compared by. Run-history tables
    and wall-clock columns are left out (see :data:`RUN_HISTORY`, :data:`CLOCK_COLUMNS`), and so are the
    full-text index's shadow tables (derived from ``subjects``)."""
    conn = sqlite3.connect(db)
    try:
        names = tables or [
            str(row[0])
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "AND instr(name, '_fts') = 0 ORDER BY name"
            )
        ]
        content: dict[str, list[tuple[Any, ...]]] = {}
        for name in names:
            if name in RUN_HISTORY:
                continue
            columns = [str(row[1]) for row in conn.execute(f'PRAGMA table_info("{name}")')]
            kept = [column for column in columns if column not in CLOCK_COLUMNS]
            listed = ", ".join(f'"{column}"' for column in kept)
            content[name] = conn.execute(f'SELECT {listed} FROM "{name}" ORDER BY {listed}').fetchall()
        return content
    finally:
        conn.close()


def differences(
    left: dict[str, list[tuple[Any, ...]]], right: dict[str, list[tuple[Any, ...]]]
) -> dict[str, str]:
    """Per table that differs: how (row counts), for an assertion message that says where to look."""
    found: dict[str, str] = {}
    for name in sorted(set(left) | set(right)):
        a, b = left.get(name, []), right.get(name, [])
        if a != b:
            found[name] = (
                f"{len(a)} vs {len(b)} rows; first differing: {next((x, y) for x, y in zip([*a, None], [*b, None], strict=False) if x != y)}"
            )
    return found


def free_port() -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def served(db: Path, *extra: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """``credlink serve`` on a free loopback port, ready (``/healthz`` answered); yields its base URL and
    stops it (SIGTERM) afterwards."""
    port = free_port()
    process = subprocess.Popen(
        [*CREDLINK, "--db", str(db), "serve", "--port", str(port), "--no-access-log", *extra],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=environment(**(env or {})),
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{port}"
    _CREDENTIALS[base] = admin_key(db)
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                assert process.stderr is not None
                raise AssertionError(f"credlink serve ended: {process.stderr.read().decode()}")
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("credlink serve did not answer /healthz within 30 s")
            time.sleep(0.1)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr is not None:
            process.stderr.close()


#: A credit administrator's API key per served base URL (``served`` issues it; ``request`` sends it).
_CREDENTIALS: dict[str, str] = {}


def admin_key(db: Path) -> str:
    """A new credit administrator's API key in the access store of ``db``, as ``credlink key issue`` makes."""
    from api.access_store import AccessStore, make_grant
    from api.principal import Role
    from api.settings import Settings

    access = AccessStore(Settings(db=db).access_path())
    try:
        _, key = access.issue_key("faults tests", make_grant(Role.CREDIT_ADMIN))
    finally:
        access.close()
    return key


def request(method: str, url: str, body: Any = None, timeout: float = 10.0) -> tuple[int, Any]:
    """One JSON request, with the credential of the server it goes to (see ``served``); (status, decoded body)."""
    data = None if body is None else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"}
    for base, key in _CREDENTIALS.items():
        if url.startswith(base + "/"):
            headers["Authorization"] = f"Bearer {key}"
    call = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(call, timeout=timeout) as answer:
            raw = answer.read()
            return answer.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as exc:
        raw = exc.read()
        return exc.code, json.loads(raw) if raw else None


class Receiver(ThreadingHTTPServer):
    """A department's webhook endpoint on loopback: keeps every request it receives (Idempotency-Key and body)
    and answers 200, optionally after ``delay`` seconds (a slow department gives a test time to kill the
    sender in the middle of a delivery run)."""

    daemon_threads = True

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.received: list[tuple[str, dict[str, Any]]] = []
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _ReceiverHandler)
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hook"

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()

    def keys(self) -> list[str]:
        with self.lock:
            return [key for key, _body in self.received]


class _ReceiverHandler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length))
        key = self.headers.get("Idempotency-Key", "")
        with self.server.lock:
            self.server.received.append((key, body))
        if self.server.delay:
            time.sleep(self.server.delay)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        del format, args
