"""The agency page of a government (or its general office): the bodies it oversees, with each one's check status
year by year."""

from __future__ import annotations

import csv
import io
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from datasette.app import Datasette

from datasette_gaireports.build import build
from datasette_gaireports.pages.oversight import year_cell

from .conftest import SEEDS, found

SEED = SEEDS / "000_02a42f32ea1aea98.txt"
BODIES = (
    # name, year, imbalanced (予以公开·自然人 27 → 29: R2 and R3 fail)
    ("铁岭市人民政府", 2018, False),
    ("铁岭市人民政府", 2019, False),
    ("铁岭市人民政府办公室", 2019, False),
    ("铁岭市教育局", 2019, True),
    ("开原市人民政府", 2018, True),
    ("开原市人民政府", 2019, False),
    ("开原市教育局", 2019, False),
    ("开原市八宝镇人民政府", 2019, False),
    ("铁岭县人民政府", 2019, False),
    ("昌图县人民政府", 2018, False),
    ("辽宁省人民政府", 2019, False),
    ("辽宁省教育厅", 2019, False),
    ("沈阳市人民政府", 2019, False),
    ("北京市人民政府", 2019, False),
    ("北京市海淀区人民政府", 2019, True),
)


def report_of(name: str, year: int, imbalanced: bool) -> str:
    """Seed 000 (铁岭市人民政府 2019) as the report of another body and year."""
    lines = SEED.read_text(encoding="utf-8").replace("铁岭市人民政府", name).replace("2019年", f"{year}年").split("\n")
    lines[0] = f"{name}{year}年度政府信息公开工作报告"
    text = "\n".join(lines)
    return text.replace("(一)予以公开\n\n27\n", "(一)予以公开\n\n29\n") if imbalanced else text


@pytest.fixture(scope="module")
def region_db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("region")
    for i, body in enumerate(BODIES):
        (folder / "in" / f"{i:02d}.txt").parent.mkdir(exist_ok=True)
        (folder / "in" / f"{i:02d}.txt").write_text(report_of(*body), encoding="utf-8")
    db = folder / "gaireports.db"
    build([folder / "in"], db)
    return db


@pytest.fixture(scope="module")
def ds(region_db) -> Datasette:
    return Datasette([str(region_db)])


def agency_id(db: Path, name: str) -> str:
    row = sqlite3.connect(db).execute("select agency_id from agencies where name = ?", [name]).fetchone()
    assert row, name
    return row[0]


async def overseen(ds: Datasette, db: Path, name: str) -> dict[str, list[tuple[str, dict[str, str]]]]:
    """tier → [(body, {year: status or "—"})] as the agency page of ``name`` shows them."""
    r = await ds.client.get(f"/gaireports/-/gaireports/agency/{agency_id(db, name)}")
    assert r.status_code == 200
    out = {}
    for tier, table in re.findall(r'<table class="rows-and-columns gr-overseen" data-tier="(\w+)">(.*?)</table>', r.text,
                                  re.S):
        rows = []
        for row in re.findall(r"<tr data-agency=.*?</tr>", table, re.S):
            body = found(r'/agency/[^"]+">([^<]+)</a>', row)
            cells = re.findall(r'<td data-year="(\d+)"(?: data-status="(\w+)")?>', row)
            rows.append((body, {year: status or "—" for year, status in cells}))
        out[tier] = rows
    return out


def test_the_bodies_are_placed_in_their_region(region_db):
    rows = sqlite3.connect(region_db).execute(
        "select name, kind, level, province, prefecture, county from agencies order by adcode, name"
    ).fetchall()
    assert ("开原市八宝镇人民政府", "township", "township", "辽宁省", "铁岭市", "开原市") in rows
    assert ("北京市海淀区人民政府", "government", "county", "北京市", None, "海淀区") in rows
    assert ("铁岭市人民政府办公室", "government_office", "prefecture", "辽宁省", "铁岭市", None) in rows


@pytest.mark.asyncio
async def test_a_prefecture_oversees_its_departments_and_its_counties(ds, region_db):
    assert await overseen(ds, region_db, "铁岭市人民政府") == {
        "same": [
            ("铁岭市人民政府办公室", {"2018": "—", "2019": "pass"}),
            ("铁岭市教育局", {"2018": "—", "2019": "fail"}),
        ],
        "below": [  # in the order of their codes: 铁岭县 211221, 昌图县 211224, 开原市 211282
            ("铁岭县人民政府", {"2018": "—", "2019": "pass"}),
            ("昌图县人民政府", {"2018": "pass", "2019": "—"}),
            ("开原市人民政府", {"2018": "fail", "2019": "warning"}),  # X2 warns: items of the year before
        ],
    }


@pytest.mark.asyncio
async def test_the_general_office_oversees_what_its_government_does(ds, region_db):
    tiers = await overseen(ds, region_db, "铁岭市人民政府办公室")
    assert [body for body, _ in tiers["same"]] == ["铁岭市人民政府", "铁岭市教育局"]
    assert tiers["below"] == (await overseen(ds, region_db, "铁岭市人民政府"))["below"]


@pytest.mark.asyncio
async def test_a_county_oversees_its_departments_and_townships(ds, region_db):
    assert await overseen(ds, region_db, "开原市人民政府") == {
        "same": [("开原市教育局", {"2018": "—", "2019": "pass"})],
        "below": [("开原市八宝镇人民政府", {"2018": "—", "2019": "pass"})],
    }


@pytest.mark.asyncio
async def test_a_province_oversees_its_departments_and_prefectures(ds, region_db):
    assert await overseen(ds, region_db, "辽宁省人民政府") == {
        "same": [("辽宁省教育厅", {"2018": "—", "2019": "pass"})],
        "below": [("沈阳市人民政府", {"2018": "—", "2019": "pass"}), ("铁岭市人民政府", {"2018": "pass", "2019": "warning"})],
    }


@pytest.mark.asyncio
async def test_a_municipality_oversees_its_districts(ds, region_db):
    tiers = await overseen(ds, region_db, "北京市人民政府")
    assert tiers == {"below": [("北京市海淀区人民政府", {"2019": "fail"})]}
    html = (await ds.client.get(f"/gaireports/-/gaireports/agency/{agency_id(region_db, '北京市人民政府')}")).text
    assert "数据库中没有这一组的机构" in html, "no body of the same level: said, not an empty table"


@pytest.mark.asyncio
async def test_the_footer_counts_reports_and_failures_by_year(ds, region_db):
    html = (await ds.client.get(f"/gaireports/-/gaireports/agency/{agency_id(region_db, '铁岭市人民政府')}")).text
    below = found(r'data-tier="below">(.*?)</table>', html, re.S)
    assert re.findall(r'data-year="(\d+)" data-count="reports">([^<]+)<', below) == [("2018", "2 / 3"), ("2019", "2 / 3")]
    assert re.findall(r'data-year="(\d+)" data-count="fail">(\d+)<', below) == [("2018", "1"), ("2019", "0")]
    cell = found(r'<td data-year="2018" data-status="fail">(.*?)</td>', below)
    report_id = sqlite3.connect(region_db).execute(
        "select report_id from reports r join agencies a using (agency_id) where a.name = '开原市人民政府' and year = 2018"
    ).fetchone()[0]
    assert f'href="/gaireports/-/gaireports/report/{report_id}"' in cell and "2 项未通过" in cell
    assert "所辖机构的报告" in html and "5 bodies" in html


@pytest.mark.asyncio
@pytest.mark.parametrize("name", ["铁岭市教育局", "开原市八宝镇人民政府"])
async def test_a_body_that_oversees_none_has_no_such_section(ds, region_db, name):
    html = (await ds.client.get(f"/gaireports/-/gaireports/agency/{agency_id(region_db, name)}")).text
    assert "data-tier=" not in html and "所辖机构的报告" not in html


@pytest.mark.asyncio
async def test_a_government_of_no_known_region_has_no_such_section(region_db, tmp_path):
    db = tmp_path / "gaireports.db"
    shutil.copy(region_db, db)
    with sqlite3.connect(db) as conn:
        conn.execute("update agencies set province = null, prefecture = null where name = '铁岭市人民政府'")
        conn.execute("update agencies set county = null where name = '开原市人民政府'")
    for name in ("铁岭市人民政府", "开原市人民政府"):
        html = (await Datasette([str(db)]).client.get(f"/gaireports/-/gaireports/agency/{agency_id(db, name)}")).text
        assert "data-tier=" not in html, name


@pytest.mark.asyncio
async def test_a_government_whose_region_holds_no_other_body_has_no_such_section(corpus_db):
    html = (await Datasette([str(corpus_db)]).client.get(
        f"/gaireports/-/gaireports/agency/{agency_id(corpus_db, '铁岭市人民政府')}")).text
    assert "铁岭市人民政府" in html and "所辖机构的报告" not in html


@pytest.mark.asyncio
async def test_two_reports_of_one_year_show_the_better_one(region_db, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(report_of("铁岭市人民政府", 2019, False), encoding="utf-8")
    (folder / "b.txt").write_text(report_of("铁岭市教育局", 2019, True), encoding="utf-8")
    (folder / "c.txt").write_text(report_of("铁岭市教育局", 2019, False) + "\n", encoding="utf-8")
    db = tmp_path / "gaireports.db"
    build([folder], db)
    html = (await Datasette([str(db)]).client.get(f"/gaireports/-/gaireports/agency/{agency_id(db, '铁岭市人民政府')}")).text
    cell = found(r'<td data-year="2019" data-status="(\w+)"><a [^>]*title="([^"]*)"', html, group=0)
    assert 'data-status="pass"' in cell and "2 份报告" in cell


def test_a_cell_escapes_what_it_writes():
    cell = year_cell(2019, {"status": 'x"<y>', "url": '/r?a=1&b="2"', "reports": 1, "checks_failed": 0})
    assert "<y>" not in cell and 'x&#34;&lt;y&gt;' in cell and "&amp;b=&#34;2&#34;" in cell
    assert year_cell(2019, None) == (
        '<td data-year="2019"><span class="gr-muted" title="2019: 没有报告 no report">—</span></td>'
    )


@pytest.mark.asyncio
async def test_the_csv_lists_each_body_and_year_with_its_report_or_none(ds, region_db):
    base = f"/gaireports/-/gaireports/agency/{agency_id(region_db, '铁岭市人民政府')}"
    r = await ds.client.get(f"{base}.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [(x["group"], x["agency"], x["year"], x["check_status"], x["reports"]) for x in rows] == [
        ("self", "铁岭市人民政府", "2018", "pass", "1"),
        ("self", "铁岭市人民政府", "2019", "warning", "1"),
        ("same", "铁岭市人民政府办公室", "2018", "", "0"),
        ("same", "铁岭市人民政府办公室", "2019", "pass", "1"),
        ("same", "铁岭市教育局", "2018", "", "0"),
        ("same", "铁岭市教育局", "2019", "fail", "1"),
        ("below", "铁岭县人民政府", "2018", "", "0"),
        ("below", "铁岭县人民政府", "2019", "pass", "1"),
        ("below", "昌图县人民政府", "2018", "pass", "1"),
        ("below", "昌图县人民政府", "2019", "", "0"),
        ("below", "开原市人民政府", "2018", "fail", "1"),
        ("below", "开原市人民政府", "2019", "warning", "1"),
    ]
    failing = next(x for x in rows if x["check_status"] == "fail" and x["group"] == "below")
    assert failing["checks_failed"] == "2" and failing["report_url"] == f"/gaireports/-/gaireports/report/{failing['report_id']}"
    html = (await ds.client.get(base)).text
    assert f'<a href="{base}.json">JSON</a>' in html and f'<a href="{base}.csv">CSV</a>' in html


@pytest.mark.asyncio
async def test_the_json_carries_the_page_and_the_bodies_it_oversees(ds, region_db):
    data = (await ds.client.get(f"/gaireports/-/gaireports/agency/{agency_id(region_db, '开原市人民政府')}.json")).json()
    assert data["agency"]["name"] == "开原市人民政府"
    assert [(r["year"], r["check_status"]) for r in data["reports"]] == [(2018, "fail"), (2019, "warning")]
    assert [row["values"]["received"] for row in data["figure_rows"]] == [42, 42]
    overseen = data["overseen"]
    assert overseen["years"] == [2018, 2019]
    assert [(g["group"], [b["name"] for b in g["bodies"]]) for g in overseen["groups"]] == [
        ("same", ["开原市教育局"]), ("below", ["开原市八宝镇人民政府"])
    ]
    assert overseen["groups"][1]["bodies"][0]["years"]["2019"]["status"] == "pass"
    assert overseen["groups"][1]["totals"] == {"2018": {"reports": 0, "fail": 0}, "2019": {"reports": 1, "fail": 0}}
    department = (await ds.client.get(f"/gaireports/-/gaireports/agency/{agency_id(region_db, '开原市教育局')}.json")).json()
    assert department["overseen"] is None
    rows = list(csv.DictReader(io.StringIO((await ds.client.get(
        f"/gaireports/-/gaireports/agency/{agency_id(region_db, '开原市教育局')}.csv")).text)))
    assert [(x["group"], x["year"]) for x in rows] == [("self", "2019")]
