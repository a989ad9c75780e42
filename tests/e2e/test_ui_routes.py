"""The workbench's routes, without a browser: the page, its files, the notice when cytoscape is missing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.routers import ui
from api.settings import Settings


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(db=tmp_path / "ui.db"))) as opened:
        yield opened


def test_root_redirects_to_the_page(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"] == "/ui/"
    assert client.get("/ui", follow_redirects=False).headers["location"] == "/ui/"


def test_page_and_its_files_are_served_from_this_server_only(client: TestClient) -> None:
    page = client.get("/ui/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert '<html lang="zh-CN">' in page.text
    # No CDN: every script and stylesheet is a relative path on this server.
    assert "http://" not in page.text
    assert "https://" not in page.text
    script = client.get("/ui/js/main.js")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert client.get("/ui/app.css").headers["content-type"].startswith("text/css")
    assert client.get("/ui/report.html").status_code == 200


def test_no_file_outside_the_ui_directory(client: TestClient) -> None:
    for path in ("/ui/../routers/ui.py", "/ui/%2e%2e/routers/ui.py", "/ui/nothing.js", "/ui/js"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"


def test_missing_graph_library_gives_a_chinese_notice(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ui, "VENDOR_FILE", tmp_path / "absent.js")
    page = client.get("/ui/")
    assert page.status_code == 200
    assert "图形库 cytoscape 尚未安装" in page.text
    assert "bash scripts/ui-assets.sh" in page.text
    assert client.get("/ui/catalog.json").json()["vendor_installed"] is False


def test_installed_graph_library_has_no_notice(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    present = tmp_path / "cytoscape.min.js"
    present.write_text("/* stand-in */", encoding="utf-8")
    monkeypatch.setattr(ui, "VENDOR_FILE", present)
    assert "尚未安装" not in client.get("/ui/").text


def test_catalog_names_roles_business_items_and_flags(client: TestClient) -> None:
    catalog = client.get("/ui/catalog.json").json()
    assert catalog["roles"]["legal_representative"] == "法定代表人"
    assert catalog["business_items"]["public_procurement"] == "政府采购"
    assert catalog["flags"] == {"black": "失信", "red": "守信", "derived": "关联失信", "suspended": "暂停"}


def test_pages_are_not_in_the_api_schema(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert not [path for path in paths if path == "/" or path.startswith("/ui")]
