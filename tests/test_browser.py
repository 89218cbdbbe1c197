"""The three plugin pages in headless Chromium against a live ``datasette serve``."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import live_datasette

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"no Chromium at {CHROMIUM}"),
]


@pytest.fixture(scope="module")
def server(corpus_db, tmp_path_factory) -> Iterator[str]:
    with live_datasette(corpus_db, tmp_path_factory.mktemp("browser_server") / "datasette.log") as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.errors = errors
    yield pg
    context.close()


@pytest.fixture(scope="module")
def ids(corpus_db) -> dict[str, str]:
    conn = sqlite3.connect(corpus_db)
    report = conn.execute("select report_id, agency_id from reports where source = 'imbalanced/000_imbalanced.txt'")
    report_id, agency_id = report.fetchone()
    conn.close()
    return {"report": report_id, "agency": agency_id}


def test_report_page_marks_the_failing_cell(server, page, ids, tmp_path):
    response = page.goto(f"{server}/gaireports/-/gaireports/report/{ids['report']}")
    assert response.status == 200
    cell = page.locator('td[data-cell="granted.natural_person"]')
    cell.scroll_into_view_if_needed()
    assert cell.is_visible()
    assert "gr-fail" in cell.get_attribute("class").split()
    assert cell.inner_text().startswith("29")
    background = cell.evaluate("el => getComputedStyle(el).backgroundColor")
    plain = page.locator('td[data-cell="new.total"]').evaluate("el => getComputedStyle(el).backgroundColor")
    assert background != plain  # the mark is drawn, not only a class
    tip = cell.locator(".gr-tip")
    assert not tip.is_visible()
    cell.hover()
    assert tip.is_visible() and "“29”" in tip.inner_text() and "line 227" in tip.inner_text()
    page.screenshot(path=str(tmp_path / "report-hover.png"))
    page.mouse.move(0, 0)
    page.locator('td[data-cell="regulations.published"]').focus()
    focused = page.locator('td[data-cell="regulations.published"] .gr-tip')
    assert focused.is_visible() and "“?13”" in focused.inner_text()
    legend = page.locator("#gr-legend")
    assert legend.is_visible() and "33" in legend.inner_text() and "-2" in legend.inner_text()
    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    assert (tmp_path / "report.png").stat().st_size > 10_000
    assert page.errors == []


def test_status_page(server, page, tmp_path, ids):
    assert page.goto(f"{server}/-/gaireports").status == 200
    assert page.locator('[data-figure="fail"]').inner_text() == "1"
    assert page.locator("svg.gr-chart").first.is_visible()
    row = page.locator(f'tr[data-report="{ids["report"]}"][data-rule="R2"]')
    assert row.is_visible()
    page.screenshot(path=str(tmp_path / "status.png"), full_page=True)
    row.get_by_text("报告复原页").click()
    page.wait_for_url(f"**/report/{ids['report']}")
    assert page.locator('td[data-cell="granted.natural_person"].gr-fail').is_visible()
    page.go_back()
    page.select_option("#gr-rule", "R3")
    page.get_by_role("button", name="筛选 Filter").click()
    page.wait_for_url("**rule=R3**")
    assert page.locator("table.gr-failing tbody tr").count() == 1
    assert page.errors == []


def test_status_page_narrows_the_failing_list_to_a_place(server, page):
    assert page.goto(f"{server}/-/gaireports").status == 200
    assert page.locator("#gr-prefecture").count() == 0
    page.select_option("#gr-province", "辽宁省")
    page.get_by_role("button", name="筛选 Filter").click()
    page.wait_for_url("**province=**")
    assert page.locator("table.gr-failing tbody tr").count() == 2
    page.select_option("#gr-prefecture", "铁岭市")
    page.get_by_role("button", name="筛选 Filter").click()
    page.wait_for_url("**prefecture=**")
    assert page.locator("table.gr-failing tbody tr").count() == 2
    assert page.locator("#gr-prefecture").input_value() == "铁岭市"
    page.select_option("#gr-province", "山东省")  # another province: its prefectures are offered anew
    assert page.locator("#gr-prefecture").input_value() == "" and page.locator("#gr-prefecture").is_disabled()
    page.get_by_role("button", name="筛选 Filter").click()
    page.wait_for_url("**%E5%B1%B1%E4%B8%9C**")
    assert "prefecture" not in page.url
    assert page.locator("table.gr-failing").count() == 0
    assert page.get_by_text("没有符合条件的未通过检查").is_visible()
    page.get_by_role("link", name="清除").click()
    page.locator("section#by-level").get_by_role("link", name="地级 · prefecture").click()
    page.wait_for_url("**level=prefecture**")
    assert page.locator("#gr-level").input_value() == "prefecture"
    assert page.locator("table.gr-failing tbody tr").count() == 2
    assert page.errors == []


def test_agency_page(server, page, tmp_path, ids):
    assert page.goto(f"{server}/gaireports/-/gaireports/agency/{ids['agency']}").status == 200
    assert page.locator("h1").inner_text().startswith("铁岭市人民政府")
    assert page.locator("svg.gr-chart").is_visible()
    assert page.locator("a.gr-badge.gr-fail").is_visible()
    page.screenshot(path=str(tmp_path / "agency.png"), full_page=True)
    page.locator("a.gr-badge.gr-fail").click()
    page.wait_for_url(f"**/report/{ids['report']}")
    assert page.locator('td[data-cell="granted.natural_person"].gr-fail').is_visible()
    assert page.errors == []
