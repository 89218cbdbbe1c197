"""The agency page: names as printed, reports by year, year-over-year figures, carry-over check."""

from __future__ import annotations

import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from datasette.app import Datasette

from datasette_gaireports.build import build

from .conftest import found

SEED_000 = Path(__file__).parent / "fixtures" / "seeds" / "000_02a42f32ea1aea98.txt"
TIELING = "铁岭市人民政府"
TANGHE = "唐河县人民政府"  # its 2018 report has the legacy statistics table
CARRIED_IN_2019 = "二、上年结转政府信息公开申请数量\n\n?0\n\n?0\n\n?0\n\n?0\n\n?0\n\n?0\n\n0?\n"



@pytest.fixture(scope="session")
def two_years_db(tmp_path_factory) -> Path:
    """铁岭 2019 (seed 000) and a 2020 copy whose 上年结转 prints 5 natural persons (total 5)."""
    folder = tmp_path_factory.mktemp("two_years")
    shutil.copy(SEED_000, folder / "2019.txt")
    text = SEED_000.read_text(encoding="utf-8").replace("2019", "2020")
    assert CARRIED_IN_2019 in text
    text = text.replace(CARRIED_IN_2019, "二、上年结转政府信息公开申请数量\n\n5\n\n?0\n\n?0\n\n?0\n\n?0\n\n?0\n\n5\n")
    (folder / "2020.txt").write_text(text, encoding="utf-8")
    db = tmp_path_factory.mktemp("two_years_db") / "gaireports.db"
    build([folder], db)
    return db


def agency_id(db: Path, name: str) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("select agency_id from agencies where name = ?", [name]).fetchone()[0]
    finally:
        conn.close()


def agency_url(db: Path, name: str) -> str:
    return f"/gaireports/-/gaireports/agency/{agency_id(db, name)}"


def figures_row(html: str, report_id: str) -> dict[str, str]:
    table = found(r"<table class=\"rows-and-columns\" data-figures>(.*?)</table>", html, re.S)
    row = found(rf'<tr data-report="{report_id}">(.*?)</tr>', table, re.S)
    return dict(re.findall(r'data-figure="(\w+)">(.*?)</td>', row))


@pytest.mark.asyncio
async def test_agency_names_and_reports(corpus_db):
    ds = Datasette([str(corpus_db)])
    r = await ds.client.get(agency_url(corpus_db, TIELING))
    assert r.status_code == 200
    html = r.text
    assert "<h1>铁岭市人民政府" in html
    names = found(r'id="gr-names">(.*?)</section>', html, re.S)
    assert "<td>铁岭市</td><td>2019</td>" in names
    reports = found(r'id="gr-reports">(.*?)</section>', html, re.S)
    ids = re.findall(r'<tr data-report="(\w+)">', reports)
    assert len(ids) == 2
    for report_id in ids:
        assert f'href="/gaireports/-/gaireports/report/{report_id}">' in reports
        assert f'href="/gaireports/reports/{report_id}"' in reports
    assert re.search(r'class="gr-badge gr-fail" href="/gaireports/-/gaireports/report/\w+">fail · 未通过</a>', reports)
    assert re.search(r'class="gr-badge gr-pass" href="/gaireports/-/gaireports/report/\w+">pass · 通过</a>', reports)
    assert "2019年模板" in reports and "imbalanced/000_imbalanced.txt" in reports
    assert f'href="/gaireports/agencies/{agency_id(corpus_db, TIELING)}"' in html


@pytest.mark.asyncio
async def test_year_over_year_figures_2019_format(corpus_db):
    ds = Datasette([str(corpus_db)])
    html = (await ds.client.get(agency_url(corpus_db, TIELING))).text
    ids = re.findall(r'<tr data-report="(\w+)">', found(r'id="gr-reports">(.*?)</section>', html, re.S))
    for report_id in ids:
        assert figures_row(html, report_id) == {
            "received": "42",
            "granted": "33",
            "partial": "0",
            "withheld": "4",  # 1.属于国家秘密 3 + 4.保护第三方合法权益 1
            "carried_forward": "0",
        }
    chart = found(r'<svg class="gr-chart".*?</svg>', html, re.S, group=0)
    assert "2019 本年新收申请: 42" in chart and "2019 予以公开: 33" in chart and "2019 不予公开: 4" in chart
    assert "script" not in chart


@pytest.mark.asyncio
async def test_year_over_year_figures_legacy(corpus_db):
    ds = Datasette([str(corpus_db)])
    html = (await ds.client.get(agency_url(corpus_db, TANGHE))).text
    (report_id,) = re.findall(r'<tr data-report="(\w+)">', found(r'id="gr-reports">(.*?)</section>', html, re.S))
    row = figures_row(html, report_id)
    assert row["received"] == "1" and row["granted"] == "1" and row["partial"] == "0" and row["withheld"] == "0"
    assert "—" in row["carried_forward"]  # the legacy table has no carry-forward row
    assert "没有相邻两个年度的报告" in html


@pytest.mark.asyncio
async def test_carry_over_check(two_years_db):
    ds = Datasette([str(two_years_db)])
    html = (await ds.client.get(agency_url(two_years_db, TIELING))).text
    section = found(r'id="gr-carry-over">(.*?)</section>', html, re.S)
    assert re.search(r"<h3>2019 → 2020 <span class=\"gr-badge gr-fail\">", section)
    table = found(r'data-carry="2019-2020">(.*?)</table>', section, re.S)
    rows = dict(re.findall(r'<tr data-column="(\w+)">(.*?)</tr>', table, re.S))
    assert list(rows) == ["natural_person", "commercial", "research", "public_interest", "legal_service",
                          "other_org", "total"]
    natural = re.findall(r'<td class="gr-num">(-?\d+)</td>', rows["natural_person"])
    assert natural == ["0", "5", "5"] and "gr-fail" in rows["natural_person"] and "<td>自然人</td>" in rows["natural_person"]
    assert "gr-pass" in rows["commercial"] and "法人或其他组织·商业企业" in rows["commercial"]
    assert "gr-fail" in rows["total"]
    chart = found(r'<svg class="gr-chart".*?</svg>', html, re.S, group=0)
    assert "2019 本年新收申请: 42" in chart and "2020 本年新收申请: 42" in chart


@pytest.mark.asyncio
async def test_unknown_agency_is_404(corpus_db):
    ds = Datasette([str(corpus_db)])
    r = await ds.client.get("/gaireports/-/gaireports/agency/000000000000")
    assert r.status_code == 404
    assert "Agency not found" in r.text and "Traceback" not in r.text
    assert (await ds.client.get("/nope/-/gaireports/agency/x")).status_code == 404


@pytest.mark.asyncio
async def test_agency_page_honours_permissions(corpus_db):
    denied = Datasette([str(corpus_db)], metadata={"databases": {"gaireports": {"allow": {"id": "nobody"}}}})
    assert (await denied.client.get(agency_url(corpus_db, TIELING))).status_code == 403
    table_denied = Datasette(
        [str(corpus_db)], metadata={"databases": {"gaireports": {"tables": {"agencies": {"allow": False}}}}}
    )
    assert (await table_denied.client.get(agency_url(corpus_db, TIELING))).status_code == 403
