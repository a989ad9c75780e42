"""End-to-end fixtures: a real server on a small sample city, and Debian's Chromium driven by Playwright.

The city is generated, loaded and propagated once per session; ``credlink``'s app is served by uvicorn in
a subprocess on a free port (the real HTTP stack, as an investigator's browser sees it). Chromium is the
system one (``/usr/bin/chromium``, or ``CREDLINK_CHROMIUM``) with the flags that work on a closed network;
``playwright install`` is never run.

Without Chromium, Playwright or the graph library (``bash scripts/ui-assets.sh``) the tests are skipped
with the reason; with ``CREDLINK_REQUIRE_E2E=1`` (set by ``.ci/run``) they fail instead, so CI cannot
pass without having run them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import pytest

from api.routers.ui import VENDOR_FILE

#: Chromium's flags on a machine without network (see the environment notes): no background connections.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1366, "height": 768}
CITY_ENTERPRISES = 300
CITY_SEED = 20240501
#: the page size the paging test uses (the smallest the page allows)
PAGE_SIZE = 5


def unavailable(reason: str) -> NoReturn:
    """Skip, or fail when CI requires the end-to-end tests to run."""
    if os.environ.get("CREDLINK_REQUIRE_E2E") == "1":
        pytest.fail(f"end-to-end tests required (CREDLINK_REQUIRE_E2E=1) but cannot run: {reason}")
    pytest.skip(f"end-to-end tests: {reason}")


def chromium_path() -> str | None:
    configured = os.environ.get("CREDLINK_CHROMIUM")
    if configured:
        return configured if Path(configured).is_file() else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass(frozen=True)
class City:
    """The served sample city and the subjects the tests look at."""

    base_url: str
    #: a person restricted today through a firm (public procurement)
    person: str
    person_name: str
    #: a partial name the search finds the person by
    partial_name: str
    #: the firm the restriction came through
    firm: str
    #: another person holding a role in that firm (a 2-hop path person — firm — other)
    other: str
    #: a person holding roles in more than PAGE_SIZE firms (collapsed at that page size)
    busy: str
    #: the investigator account the browser logs in with (a random password, as an administrator gives)
    user: str = ""
    password: str = ""


#: The purpose the logged-in tabs state for their queries (X-Purpose), as an investigator must.
PURPOSE = "端到端测试：核查关联关系"
#: The fixtures' own API key (credit_admin), issued with the city; the browser logs in as a user instead.
_ADMIN_KEY: dict[str, str] = {}


def _get(base_url: str, path: str, **params: str) -> Any:
    import json

    query = f"?{urllib.parse.urlencode(params)}" if params else ""
    request = urllib.request.Request(f"{base_url}{path}{query}", headers=_ADMIN_KEY)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


#: One login per session (a token lasts an hour): the pages share it, as tabs of one browser would.
_TOKENS: dict[str, str] = {}


def token_for(base_url: str, user: str, password: str) -> str:
    """A bearer token by the password flow, as the login form asks for it."""
    import json

    body = urllib.parse.urlencode({"username": user, "password": password}).encode()
    with urllib.request.urlopen(f"{base_url}/v1/auth/token", data=body, timeout=10) as response:
        return str(json.loads(response.read())["access_token"])


def _credentials(db: Path) -> tuple[str, str]:
    """An investigator account and the fixtures' credit_admin key in the server's access store."""
    import secrets

    from api.access_store import AccessStore, make_grant

    access = AccessStore(db.parent / "credlink-access.db")
    try:
        password = secrets.token_urlsafe(16)
        access.add_user("e2e.investigator", password, make_grant("investigator"))
        _, key = access.issue_key("e2e fixtures", make_grant("credit_admin"))
    finally:
        access.close()
    _ADMIN_KEY["Authorization"] = f"Bearer {key}"
    return "e2e.investigator", password


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _build_city(directory: Path) -> tuple[Path, str]:
    from api.cli import EXAMPLE_BUSINESS_ITEM
    from graph.jobs import run_job
    from graph.store.sqlite import SQLiteStore
    from loaders.load import load_paths
    from loaders.sample import generate_city

    paths = generate_city(directory / "sample", enterprises=CITY_ENTERPRISES, seed=CITY_SEED)
    db = directory / "city.db"
    store = SQLiteStore(db)
    try:
        report = load_paths(store, list(paths.values()), progress=False)
        assert report.ok, report.format_text()
        run_job(store)
        person = store.example_person(EXAMPLE_BUSINESS_ITEM, dt.date.today())
    finally:
        store.close()
    assert person, "the sample city has no person restricted through a firm"
    return db, person


@pytest.fixture(scope="session")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[City]:
    directory = tmp_path_factory.mktemp("e2e-city")
    db, person = _build_city(directory)
    user, password = _credentials(db)
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "CREDLINK_DB": str(db), "CREDLINK_STORE": "sqlite"}
    env.pop("CREDLINK_ACCESS_DB", None)
    env.pop("CREDLINK_JOB_EVERY_MINUTES", None)
    log = (directory / "server.log").open("wb")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "api.app:create_app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                _get(base_url, "/healthz")
                break
            except (urllib.error.URLError, ConnectionError):
                if server.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    raise RuntimeError(
                        "the e2e server did not start:\n"
                        + (directory / "server.log").read_text(errors="replace")
                    ) from None
                time.sleep(0.1)
        picked = _pick_subjects(base_url, person)
        yield dataclasses.replace(picked, user=user, password=password)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def _pick_subjects(base_url: str, person: str) -> City:
    profile = _get(base_url, f"/v1/subjects/{person}", subject_type="person")
    name = profile["subject"]["name"]
    firm = profile["derived"][0]["path"]["enterprise_uscc"]
    firm_profile = _get(base_url, f"/v1/subjects/{firm}", subject_type="enterprise")
    others = [
        role["holder_code"]
        for role in firm_profile["roles"]
        if role["holder_type"] == "person" and role["holder_code"] != person
    ]
    assert others, f"firm {firm} has no other person to find a path to"
    # A partial name the search box finds the person by (a name prefix first, as investigators type).
    partial = name
    for candidate in (name[:2], name[1:], name[:1]):
        if not candidate or candidate == name:
            continue
        found = _get(base_url, "/v1/search", q=candidate, limit="20")
        if any(item["id"] == f"person:{person}" for item in found["items"]):
            partial = candidate
            break
    # The key persons of the restricted person's 关联圈 come with their degree.
    group = _get(base_url, "/v1/analytics/group", subject=person, subject_type="person")
    busy = max(group["key_persons"], key=lambda key: (key["degree"], key["id"]))
    assert busy["degree"] > PAGE_SIZE, "no person in the sample city holds enough roles to be collapsed"
    return City(
        base_url=base_url,
        busy=busy["id"].split(":", 1)[1],
        person=person,
        person_name=name,
        partial_name=partial,
        firm=firm,
        other=others[0],
    )


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    if executable is None:
        unavailable("Chromium is not installed (Debian: apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the Python package playwright is not installed (pip install -e '.[dev]')")
    if not VENDOR_FILE.is_file():
        unavailable("the graph library is missing from api/ui/vendor/ (run bash scripts/ui-assets.sh)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any, city: City) -> Iterator[Any]:
    """A logged-in tab: the investigator's token (from the password flow) is in its sessionStorage, as the
    login form leaves it (the form itself is tested by ``anonymous_page``)."""
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN", accept_downloads=True)
    token = _TOKENS.get(city.base_url) or _TOKENS.setdefault(
        city.base_url, token_for(city.base_url, city.user, city.password)
    )
    context.add_init_script(
        f"sessionStorage.setItem('credlink.token', {token!r}); sessionStorage.setItem('credlink.user', {city.user!r});"
        # An investigator sees persons unmasked only with a stated purpose (the top bar's field keeps it here).
        f"sessionStorage.setItem('credlink.purpose', {PURPOSE!r});"
    )
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def anonymous_page(browser: Any, city: City) -> Iterator[Any]:
    """A tab that has not logged in."""
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    opened = context.new_page()
    opened.set_default_timeout(15_000)
    errors: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go: ``CREDLINK_E2E_SCREENSHOTS`` if set, else a session temp dir."""
    configured = os.environ.get("CREDLINK_E2E_SCREENSHOTS")
    if configured:
        path = Path(configured)
        path.mkdir(parents=True, exist_ok=True)
        return path
    return tmp_path_factory.mktemp("screenshots")
