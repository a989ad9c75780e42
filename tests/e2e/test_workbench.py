"""The investigators' workbench in a real browser (headless Chromium) against a running server.

Each test starts from the page's address, as an investigator would: search, open a subject, the graph,
expanding a node, a path between two linked subjects, the "why" of a restriction, a screenshot.
"""

from __future__ import annotations

import urllib.parse
from pathlib import Path
from typing import Any

from tests.e2e.conftest import PAGE_SIZE, City, _get

GRAPH_READY = "() => window.credlinkGraph && window.credlinkGraph.nodes().length > 0"


def open_page(page: Any, city: City, address: str = "/ui/") -> None:
    page.goto(city.base_url + address)
    page.wait_for_selector("body[data-ready='1']")


def node_count(page: Any) -> int:
    return int(page.evaluate("() => window.credlinkGraph.nodes().length"))


def click_node(page: Any, node_id: str) -> None:
    """A real mouse click on the node where cytoscape drew it."""
    box = page.locator("#cy").bounding_box()
    position = page.evaluate("(id) => window.credlinkGraph.getElementById(id).renderedPosition()", node_id)
    page.mouse.click(box["x"] + position["x"], box["y"] + position["y"])


def test_root_redirects_to_the_workbench(page: Any, city: City) -> None:
    page.goto(city.base_url + "/")
    assert page.url.endswith("/ui/")
    assert "调查工作台" in page.title()
    assert page.locator("#user-name").inner_text() == f"当前用户：{city.user}"


def test_login_form_in_chinese_refuses_a_wrong_password_then_logs_in(
    anonymous_page: Any, city: City, screenshots: Path
) -> None:
    page = anonymous_page
    page.goto(city.base_url + "/ui/")
    form = page.locator("#login-form")
    form.wait_for()
    assert "用户名" in form.inner_text()
    assert "密码" in form.inner_text()
    page.fill("#login-user", city.user)
    page.fill("#login-password", "not-the-password")
    page.click("#login-submit")
    page.locator("#login-error").wait_for(state="visible")
    assert page.locator("#login-error").inner_text() == "用户名或密码错误，或账号已停用"
    page.screenshot(path=str(screenshots / "workbench-login.png"))
    page.fill("#login-password", city.password)
    page.click("#login-submit")
    page.wait_for_selector("body[data-ready='1']")
    assert page.locator("#login").count() == 0
    assert page.evaluate("sessionStorage.getItem('credlink.token')").count(".") == 2  # a JWT
    # Without a stated purpose an investigator sees persons masked; with one, as they are.
    page.fill("#purpose", "核查（2024）第7号案件")
    page.press("#purpose", "Enter")
    page.locator("#purpose").blur()
    # Every request of the page carries the token: the search answers.
    page.fill("#search-input", city.person)
    page.wait_for_selector(f"#search-results li[data-id='person:{city.person}']")
    page.click("#btn-logout")
    page.locator("#login-form").wait_for()
    assert page.evaluate("sessionStorage.getItem('credlink.token')") is None


def test_an_invalid_token_brings_the_login_form_back(anonymous_page: Any, city: City) -> None:
    page = anonymous_page
    page.add_init_script("sessionStorage.setItem('credlink.token', 'expired.or.revoked')")
    page.goto(city.base_url + "/ui/#tab=subject&id=person:" + city.person)
    page.locator("#login-error").wait_for(state="visible")
    assert "请重新登录" in page.locator("#login-error").inner_text()


def test_search_by_partial_name_shows_badges(page: Any, city: City) -> None:
    open_page(page, city)
    page.fill("#search-input", city.partial_name)
    hit = page.locator(f"#search-results li[data-id='person:{city.person}']")
    hit.wait_for()
    assert city.person_name in hit.inner_text()
    # Restricted through a firm: the derived badge (关联失信).
    assert hit.locator(".badge.derived").inner_text() == "关联失信"
    hit.click()
    page.wait_for_function(
        "(name) => document.getElementById('subject-name').textContent === name", arg=city.person_name
    )
    assert f"person:{city.person}" in page.url


def test_subject_page_shows_profile_timeline_derived_and_check(page: Any, city: City) -> None:
    open_page(page, city, f"/ui/#tab=subject&id=person:{city.person}")
    assert page.locator("#subject-name").inner_text() == city.person_name
    assert page.locator("#timeline svg rect.bar").count() >= 1
    assert page.locator("#derived tbody tr").count() >= 1
    page.select_option("#check-item", "public_procurement")
    page.click("#check-form button[type=submit]")
    page.wait_for_selector("#check-result .verdict.restricted")
    assert "受到限制" in page.locator("#check-result").inner_text()


def test_graph_renders_and_a_click_expands_a_node(page: Any, city: City) -> None:
    open_page(page, city, f"/ui/#tab=subject&id=person:{city.person}")
    page.click("#btn-open-graph")
    page.wait_for_function(GRAPH_READY)
    page.select_option("#nb-hops", "1")
    page.click("#form-neighbourhood button[type=submit]")
    page.wait_for_function(
        "() => window.credlinkGraph.nodes().every((n) => n.data('hop') === null || n.data('hop') <= 1)"
    )
    before = node_count(page)
    assert before >= 2
    assert page.evaluate(
        f"() => window.credlinkGraph.getElementById('person:{city.person}').hasClass('center')"
    )
    firm = f"enterprise:{city.firm}"
    assert page.evaluate(f"() => window.credlinkGraph.getElementById('{firm}').data('unseen')") > 0
    page.wait_for_timeout(600)  # the layout animation of a small graph ends
    click_node(page, firm)
    page.wait_for_function("(n) => window.credlinkGraph.nodes().length > n", arg=before)
    assert page.locator("#side h3").first.inner_text()


def test_a_collapsed_node_shows_its_count_and_loads_the_next_page(page: Any, city: City) -> None:
    open_page(page, city, "/ui/#tab=graph")
    page.fill("#nb-subject", f"person:{city.busy}")
    page.select_option("#nb-hops", "1")
    page.fill("#nb-page", str(PAGE_SIZE))
    page.click("#form-neighbourhood button[type=submit]")
    page.wait_for_function(GRAPH_READY)
    centre = f"window.credlinkGraph.getElementById('person:{city.busy}')"
    unseen = page.evaluate(f"() => {centre}.data('unseen')")
    assert unseen > 0
    assert page.evaluate(f"() => {centre}.data('label')").endswith(f"+{unseen}")
    # One page of the centre's edges (two roles in one firm are two edges to one node).
    assert page.evaluate(f"() => {centre}.connectedEdges().length") == PAGE_SIZE
    before = node_count(page)
    button = page.locator("#btn-expand")
    assert "加载下一页" in button.inner_text()
    button.click()
    page.wait_for_function("(n) => window.credlinkGraph.nodes().length > n", arg=before)
    assert page.evaluate(f"() => {centre}.data('unseen')") == max(0, unseen - PAGE_SIZE)


def test_path_between_two_linked_subjects_is_highlighted(page: Any, city: City) -> None:
    open_page(page, city)
    page.click("#tabs button[data-tab='graph']")
    page.click(".graph-modes button[data-mode='paths']")
    page.fill("#path-from", f"person:{city.person}")
    page.fill("#path-to", f"person:{city.other}")
    page.click("#form-paths button[type=submit]")
    page.wait_for_function("() => window.credlinkGraph && window.credlinkGraph.$('.hl').length > 0")
    highlighted = page.evaluate("() => window.credlinkGraph.$('.hl').map((el) => el.id())")
    assert f"person:{city.person}" in highlighted
    assert f"person:{city.other}" in highlighted
    assert any(element.startswith("role:") for element in highlighted)
    assert page.locator("#side .path-list li").count() >= 1


def test_why_view_shows_the_path_of_a_restriction_through_a_firm(page: Any, city: City) -> None:
    open_page(page, city, f"/ui/#tab=subject&id=person:{city.person}")
    page.click("#btn-open-why")
    page.wait_for_selector("#side .why-item")
    side = page.locator("#side").inner_text()
    assert "经关联企业" in side
    assert "法律依据" in side
    assert "认定单位" in side
    highlighted = page.evaluate("() => window.credlinkGraph.$('.hl').map((el) => el.id())")
    assert f"enterprise:{city.firm}" in highlighted
    assert any(element.startswith("role:") for element in highlighted)


def test_screenshot_of_the_graph_and_png_export(page: Any, city: City, screenshots: Path) -> None:
    open_page(page, city, f"/ui/#tab=graph&id=person:{city.person}")
    page.wait_for_function(GRAPH_READY)
    page.wait_for_timeout(800)
    shot = screenshots / "workbench-graph.png"
    page.screenshot(path=str(shot))
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 30_000  # a drawn page, not a blank one
    with page.expect_download() as download_info:
        page.click("#btn-png")
    exported = Path(download_info.value.path()).read_bytes()
    assert exported.startswith(b"\x89PNG")
    assert len(exported) > 5_000
    with page.expect_download() as svg_info:
        page.click("#btn-svg")
    svg = Path(svg_info.value.path()).read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml")
    assert "<svg" in svg
    assert city.person_name in svg


def test_printable_report(page: Any, city: City, screenshots: Path) -> None:
    page.goto(f"{city.base_url}/ui/report.html?subject={city.person}&subject_type=person")
    page.wait_for_selector("body[data-ready='1']")
    assert city.person_name in page.locator("#r-title").inner_text()
    assert page.locator("#r-why .why-block").count() >= 1
    page.screenshot(path=str(screenshots / "workbench-report.png"), full_page=True)


def test_violation_alerts_say_how_many_and_list_the_first_page(page: Any, city: City) -> None:
    expected = _get(city.base_url, "/v1/analytics/violations", limit="100")
    assert expected["total"] > 0  # the sample city has some: otherwise this test would prove little
    open_page(page, city, "/ui/#tab=analytics")
    page.click("#form-violations button[type='submit']")
    summary = page.locator("#violations-result p.muted").first
    summary.wait_for()
    assert f"共 {expected['total']} 条预警" in summary.inner_text()
    rows = page.locator("#violations-result tbody tr")
    assert rows.count() == len(expected["items"])
    if expected["items"]:
        assert expected["items"][0]["person"]["name"] in rows.first.inner_text()


def test_graphml_and_csv_exports_carry_the_token(page: Any, city: City) -> None:
    open_page(page, city, f"/ui/#tab=graph&id=person:{city.person}")
    page.wait_for_function(GRAPH_READY)
    page.wait_for_selector("#link-graphml[href]")
    with page.expect_download() as graphml:
        page.click("#link-graphml")
    assert b"<graphml" in Path(graphml.value.path()).read_bytes()
    with page.expect_download() as nodes:
        page.click("#link-csv-nodes")
    rows = Path(nodes.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert len(rows) > 2  # the header and the nodes of the neighbourhood


def test_the_stated_purpose_goes_with_every_request(page: Any, city: City) -> None:
    open_page(page, city, "/ui/")
    page.fill("#purpose", "核查（2024）第12号案件")
    page.press("#purpose", "Enter")
    page.locator("#purpose").blur()
    with page.expect_request(lambda request: "/v1/search" in request.url) as searched:
        page.fill("#search-input", city.person)
    headers = searched.value.headers
    assert headers["authorization"].startswith("Bearer ")
    assert urllib.parse.unquote(headers["x-purpose"]) == "核查（2024）第12号案件"
