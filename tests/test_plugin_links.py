"""The plugin's hooks: its listing, and the links from Datasette's own pages to the plugin pages."""

from __future__ import annotations

import re
import sqlite3
from html import unescape as html_unescape

import pytest
from datasette.app import Datasette

from .conftest import found


@pytest.fixture(scope="module")
def corpus(corpus_db):
    conn = sqlite3.connect(corpus_db)
    ids = dict(conn.execute("select source, report_id from reports"))
    conn.close()
    return Datasette([str(corpus_db)]), ids


@pytest.mark.asyncio
async def test_plugins_json_lists_the_plugin(corpus):
    ds, _ = corpus
    plugins = (await ds.client.get("/-/plugins.json")).json()
    (plugin,) = [p for p in plugins if p["name"] == "datasette-gaireports"]
    assert {"register_routes", "render_cell", "table_actions", "database_actions", "menu_links",
            "prepare_jinja2_environment"} <= set(plugin["hooks"])
    assert plugin["version"]


@pytest.mark.asyncio
async def test_instance_menu_links_to_status(corpus):
    ds, _ = corpus
    html = (await ds.client.get("/")).text
    menu = found(r'<div class="nav-menu-inner">(.*?)</div>', html, re.S)
    assert '<a href="/-/gaireports">勾稽检查状态 (gaireports)</a>' in menu


@pytest.mark.asyncio
async def test_no_menu_link_without_a_gaireports_database(tmp_path):
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("create table t (x)").connection.close()
    html = (await Datasette([str(other)]).client.get("/")).text
    assert "/-/gaireports" not in html


@pytest.mark.asyncio
@pytest.mark.parametrize("table", ["reports", "agencies", "checks", "requests"])
async def test_table_actions_link_to_status(corpus, table):
    ds, _ = corpus
    html = (await ds.client.get(f"/gaireports/{table}")).text
    actions = found(r'<details class="actions-menu-links">(.*?)</details>', html, re.S)
    assert '<a href="/gaireports/-/gaireports">勾稽检查状态 (balance-check status)</a>' in actions
    assert ("/gaireports/-/gaireports/failing.csv" in actions) == (table == "checks")


@pytest.mark.asyncio
async def test_database_actions_link_to_status(corpus):
    ds, _ = corpus
    html = (await ds.client.get("/gaireports")).text
    assert 'href="/gaireports/-/gaireports"' in html


@pytest.mark.asyncio
async def test_reports_table_text_is_a_snippet_linking_to_the_report(corpus, corpus_db):
    ds, ids = corpus
    html = (await ds.client.get("/gaireports/reports")).text
    conn = sqlite3.connect(corpus_db)
    for report_id, text in conn.execute("select report_id, text from reports"):
        page = f"/gaireports/-/gaireports/report/{report_id}"
        assert f'<a href="{page}#gr-source">全文 {len(text):,} 字 →</a>' in html
        assert f'<a href="{page}" title="报告复原页 (report page)">' in html  # the check_status cell
        last = [line for line in text.splitlines() if len(line) > 60][-1]
        assert last not in html  # the full text is not in the table view
    cells = re.findall(r'<td class="col-text type-str"><span class="gr-snippet">([^<]*)</span>', html)
    assert len(cells) == len(ids) and all(len(html_unescape(c)) <= 41 for c in cells)


@pytest.mark.asyncio
async def test_reports_row_page_links_to_the_report(corpus):
    ds, ids = corpus
    report_id = ids["imbalanced/000_imbalanced.txt"]
    html = (await ds.client.get(f"/gaireports/reports/{report_id}")).text
    assert f'{report_id} <a href="/gaireports/-/gaireports/report/{report_id}">报告复原页 →</a>' in html


@pytest.mark.asyncio
async def test_agencies_link_to_the_agency_page(corpus, corpus_db):
    ds, _ = corpus
    conn = sqlite3.connect(corpus_db)
    (agency_id,) = conn.execute("select agency_id from agencies where name = '铁岭市人民政府'").fetchone()
    page = f"/gaireports/-/gaireports/agency/{agency_id}"
    table = (await ds.client.get("/gaireports/agencies")).text
    assert f'<a href="{page}" title="机构页 (agency page)">铁岭市人民政府</a>' in table
    row = (await ds.client.get(f"/gaireports/agencies/{agency_id}")).text
    assert f'<a href="{page}">机构页 →</a>' in row
    assert (await ds.client.get(page)).status_code == 200


@pytest.mark.asyncio
async def test_checks_status_links_to_the_report(corpus):
    ds, ids = corpus
    report_id = ids["imbalanced/000_imbalanced.txt"]
    html = (await ds.client.get("/gaireports/checks?status=fail")).text
    assert html.count(f'<a href="/gaireports/-/gaireports/report/{report_id}" title="报告复原页 (report page)">fail</a>') == 2
    row = (await ds.client.get(f"/gaireports/checks/{report_id},R2,natural_person")).text
    assert f'href="/gaireports/-/gaireports/report/{report_id}"' in row


@pytest.mark.asyncio
async def test_other_databases_are_left_alone(tmp_path):
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("create table reports (report_id text primary key, text text)")
    conn.execute("insert into reports values ('a', ?)", ["x" * 500])
    conn.commit()
    conn.close()
    ds = Datasette([str(other)])
    html = (await ds.client.get("/other/reports")).text
    assert "gr-snippet" not in html and "/-/gaireports" not in html and "x" * 500 in html
