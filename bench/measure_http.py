"""The check over HTTP: ``credlink serve --workers 2`` on loopback, driven by ``wrk`` (a Lua script rotates
over the ids) at several concurrencies; then the resident memory of the serving processes.

Without ``wrk`` a Python load generator (asyncio + httpx, keep-alive connections) stands in and the figures
say so: it is slower than the server at high concurrency, so its throughput is a floor, not the server's.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench.common import ROOT, TODAY, Figure, log, percentile
from bench.measure_check import ITEM

GIB = 2**30

_LUA = """\
local ids = {%s}
local n = 0
wrk.headers["Authorization"] = "Bearer %s"
request = function()
  n = n + 1
  return wrk.format("GET", "/v1/subjects/" .. ids[(n %% #ids) + 1] .. "/check?at=%s&business_item=%s")
end
"""


def _bench_key(db: Path) -> str:
    """An API key for the load generator in the access store beside ``db`` (where the server looks): every
    request is authenticated, narrowed, masked and audited as production's are. A business system's key: the
    check is asked for one of its business items (:data:`bench.measure_check.ITEM`), as business systems ask."""
    from api.access_store import AccessStore, make_grant
    from api.principal import Role

    access = AccessStore(db.parent / "credlink-access.db")
    try:
        _, key = access.issue_key("bench", make_grant(Role.BUSINESS_SYSTEM, business_items=[ITEM]))
    finally:
        access.close()
    return key


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_ready(port: int, server: subprocess.Popen[bytes], timeout: float = 180.0) -> None:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"credlink serve exited with {server.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError("credlink serve did not answer /healthz in time")


def _descendants(pid: int) -> list[int]:
    """``pid`` and every process below it (read from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def _memory_bytes(pid: int, path: str, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/{path}").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _ms(text: str) -> float:
    """A wrk duration (``812.00us``, ``1.20ms``, ``2.01s``) in milliseconds."""
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not match:
        return float("nan")
    value, unit = float(match.group(1)), match.group(2)
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def _wrk(port: int, script: Path, concurrency: int, seconds: int) -> tuple[dict[str, float], str]:
    """Figures of one wrk run, and wrk's own output (kept in the JSON to read what was parsed)."""
    threads = min(2, concurrency)
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{concurrency}",
        f"-d{seconds}s",
        "--timeout",
        "30s",
        "--latency",
        "-s",
        str(script),
        f"http://127.0.0.1:{port}",
    ]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    latency = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)\s*$", out, re.MULTILINE))
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)$", out, re.MULTILINE)
    figures = {
        "req_per_s": float(rate.group(1)) if rate else float("nan"),
        "p50_ms": _ms(latency.get("50", "")),
        "p99_ms": _ms(latency.get("99", "")),
        "non_2xx": float(errors.group(1)) if errors else 0.0,
        "socket_errors": 1.0 if socket_errors else 0.0,
    }
    return figures, out


async def _python_load(
    port: int, ids: Sequence[str], concurrency: int, seconds: int, key: str
) -> dict[str, float]:
    import httpx

    latencies: list[float] = []
    failures = 0
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", limits=limits, headers=headers
    ) as client:

        async def worker(offset: int) -> None:
            nonlocal failures
            n = offset
            while time.perf_counter() < deadline:
                n += concurrency
                started = time.perf_counter()
                response = await client.get(
                    f"/v1/subjects/{ids[n % len(ids)]}/check",
                    params={"at": str(TODAY), "business_item": ITEM},
                )
                latencies.append(time.perf_counter() - started)
                failures += response.status_code >= 300

        started = time.perf_counter()
        await asyncio.gather(*(worker(offset) for offset in range(concurrency)))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "req_per_s": len(latencies) / elapsed,
        "p50_ms": 1000 * percentile(latencies, 50),
        "p99_ms": 1000 * percentile(latencies, 99),
        "non_2xx": float(failures),
        "socket_errors": 0.0,
    }


def measure_http(
    db: Path,
    ids: Sequence[str],
    *,
    concurrencies: Sequence[int] = (1, 32, 128),
    seconds: int = 10,
    repeat: int = 1,
    workers: int = 2,
) -> list[Figure]:
    """Serve ``db`` with ``workers`` processes and drive ``GET /v1/subjects/{id}/check`` at each concurrency
    for ``seconds``, ``repeat`` times; then the resident memory of the server's processes."""
    generator = "wrk" if shutil.which("wrk") else "python (asyncio + httpx; wrk not installed)"
    port = _free_port()
    folder = Path(tempfile.mkdtemp(prefix="credlink-bench-http-"))
    script = folder / "rotate.lua"
    key = _bench_key(db)
    script.write_text(
        _LUA % (",".join(json.dumps(code) for code in ids), key, TODAY.isoformat(), ITEM), encoding="utf-8"
    )
    env = {
        **os.environ,
        "CREDLINK_DELIVER_EVERY_SECONDS": "0",
        "CREDLINK_JOB_EVERY_MINUTES": "0",
        # The limiter runs on every check (its cost is measured) but never refuses the load generator.
        "CREDLINK_CHECK_RATE": "1000000",
        "CREDLINK_CHECK_BURST": "1000000",
    }
    env.pop("CREDLINK_ACCESS_DB", None)
    log(f"serving {db.name} with {workers} workers on :{port}; load generator: {generator}")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "api.cli",
            "serve",
            "--db",
            str(db),
            "--port",
            str(port),
            "--workers",
            str(workers),
            # uvicorn's line per request costs about a third of a check's CPU; the audit log (issue 7)
            # is the record of who asked what, not the access log.
            "--no-access-log",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    figures: list[Figure] = []
    try:
        _wait_ready(port, server)
        # Warm-up: every id once through the server, so that each worker has seen the pages.
        if generator == "wrk":
            _wrk(port, script, 2, 3)
        else:
            asyncio.run(_python_load(port, ids, 2, 3, key))
        for concurrency in concurrencies:
            runs = []
            output = ""
            for _ in range(repeat):
                log(f"HTTP check at concurrency {concurrency} for {seconds} s …")
                if generator == "wrk":
                    run, output = _wrk(port, script, concurrency, seconds)
                else:
                    run = asyncio.run(_python_load(port, ids, concurrency, seconds, key))
                runs.append(run)
            figure = Figure(f"check over HTTP, {workers} workers, concurrency {concurrency}")
            figure.notes.update(_median_runs(runs))
            figure.notes.update(n_runs=len(runs), generator=generator.split(" ")[0])
            if output:
                figure.notes["wrk_output"] = output
            figures.append(figure)
        processes = _descendants(server.pid)
        rss = {pid: _memory_bytes(pid, "status", "VmRSS") for pid in processes}
        # The store's file is memory-mapped by every worker: RSS counts those shared pages once per process,
        # PSS divides them among the processes that share them (what the machine really spends).
        pss = {pid: _memory_bytes(pid, "smaps_rollup", "Pss") for pid in processes}
        memory = Figure(f"service memory (PSS; RSS summed beside), {len(processes)} processes")
        memory.notes.update(
            pss_gib=round(sum(pss.values()) / GIB, 3),
            rss_gib=round(sum(rss.values()) / GIB, 3),
            largest_rss_gib=round(max(rss.values(), default=0) / GIB, 3),
            p50_ms=float("nan"),
            p99_ms=float("nan"),
        )
        figures.append(memory)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        shutil.rmtree(folder, ignore_errors=True)
    return figures


def _median_runs(runs: list[dict[str, float]]) -> dict[str, float]:
    keys = runs[0].keys()
    out: dict[str, float] = {}
    for key in keys:
        values = sorted(run[key] for run in runs)
        out[key] = round(values[len(values) // 2], 3)
    if len(runs) > 1:
        rates = sorted(run["req_per_s"] for run in runs)
        out["req_per_s_min"], out["req_per_s_max"] = round(rates[0], 1), round(rates[-1], 1)
    return out
