"""The report page: the report's tables rebuilt from the family layouts, its renditions, escaping."""

from __future__ import annotations

import csv
import html as htmllib
import io
import re
import sqlite3
from pathlib import Path

import pytest
from datasette.app import Datasette
from markupsafe import escape

from datasette_gaireports.build import build
from datasette_gaireports.pipeline import families

from .conftest import found, report_ids

SEED_000 = Path(__file__).parent / "fixtures" / "seeds" / "000_02a42f32ea1aea98.txt"
CELL_ATTACK = '"><img onerror=a()>'
TITLE_ATTACK = "<script>alert(1)</script>市2019年度政府信息公开工作报告"
AGENCY_ATTACK_TITLE = '"<script src=//evil.example/a.js?市2019年度政府信息公开工作报告'



def page(report_id: str, ext: str = "") -> str:
    return f"/gaireports/-/gaireports/report/{report_id}{ext}"


def td(html: str, cell: str) -> str:
    """The opening tag and content of the value cell for ``cell``."""
    m = re.search(rf'<td class="([^"]*)"\s+tabindex="0" id="[^"]+" data-cell="{re.escape(cell)}"(.*?)</td>', html, re.S)
    assert m, cell
    return m[0]


def classes(cell_html: str) -> set[str]:
    return set(found(r'<td class="([^"]*)"', cell_html, match=True).split())


@pytest.fixture(scope="module")
def corpus(corpus_db):
    return Datasette([str(corpus_db)]), report_ids(corpus_db)


@pytest.fixture(scope="session")
def hostile_db(tmp_path_factory) -> Path:
    """Seed 000 with markup in its title lines (the agency name) and in a table cell, and one imbalance."""
    folder = tmp_path_factory.mktemp("hostile")
    body = SEED_000.read_text(encoding="utf-8").split("\n", 1)[1]
    cell = "二、上年结转政府信息公开申请数量\n\n?0\n"
    granted = "(一)予以公开\n\n27\n"
    assert cell in body and granted in body
    body = body.replace(cell, f"二、上年结转政府信息公开申请数量\n\n{CELL_ATTACK}\n", 1)
    body = body.replace(granted, "(一)予以公开\n\n29\n", 1)
    (folder / "hostile.txt").write_text(f"{TITLE_ATTACK}\n{AGENCY_ATTACK_TITLE}\n{body}", encoding="utf-8")
    db = tmp_path_factory.mktemp("hostile_db") / "gaireports.db"
    build([folder], db)
    return db


@pytest.mark.asyncio
async def test_failing_cell_is_marked(corpus):
    ds, ids = corpus
    r = await ds.client.get(page(ids["imbalanced/000_imbalanced.txt"]))
    assert r.status_code == 200
    html = r.text
    granted = td(html, "granted.natural_person")
    assert {"gr-v", "gr-fail", "gr-fail-many"} <= classes(granted)
    assert 'data-value="29"' in granted and 'data-failing="R2:natural_person R3:granted"' in granted
    assert '<span class="gr-rules">R2 R3</span>' in granted
    # Cells in one failing check are marked; cells in none are not.
    assert "gr-fail" in classes(td(html, "total_handled.natural_person"))
    assert "gr-fail-many" not in classes(td(html, "total_handled.natural_person"))
    assert "gr-fail" in classes(td(html, "granted.total"))
    assert "gr-fail" not in classes(td(html, "new.total"))
    assert "gr-fail" not in classes(td(html, "regulations.made"))
    # The same report without the imbalance has no marks.
    clean = (await ds.client.get(page(ids["seeds/000_02a42f32ea1aea98.txt"]))).text
    assert "gr-fail" not in classes(td(clean, "granted.natural_person"))
    assert 'id="gr-legend"' not in clean


@pytest.mark.asyncio
async def test_legend_lists_failing_rules_with_both_sides(corpus):
    ds, ids = corpus
    html = (await ds.client.get(page(ids["imbalanced/000_imbalanced.txt"]))).text
    legend = found(r'<section class="gr-block" id="gr-legend">(.*?)</section>', html, re.S)
    entries = re.findall(r'<li id="gr-check-[^"]+" data-check="([^"]+)">(.*?)</li>\n', legend, re.S)
    assert [k for k, _ in entries] == ["R2:natural_person", "R3:granted"]
    r2, r3 = (body for _, body in entries)
    assert "办理结果总计等于各项办理结果之和" in r2 and "自然人" in r2
    assert "总计等于自然人与法人或其他组织各项之和" in r3 and "(一)予以公开" in r3
    for body in (r2, r3):
        assert '左边 <strong data-side="left">33</strong> ≠ 右边 <strong data-side="right">35</strong>' in body
        assert '差额 <strong data-side="difference">-2</strong>' in body
    assert 'href="#gr-L227"' in r2  # the 29 as printed, line 227 of the source
    sides = re.findall(r"<li>([左右]) · ", r2)  # rule_instances.left_cells: the total alone on the left
    assert sides[0] == "左" and set(sides[1:]) == {"右"} and len(sides) == 20


@pytest.mark.asyncio
async def test_multi_level_headers_of_tables_three_and_four(corpus):
    ds, ids = corpus
    html = (await ds.client.get(page(ids["seeds/000_02a42f32ea1aea98.txt"]))).text
    three = found(r'id="gr-table-requests".*?<thead>(.*?)</thead>', html, re.S)
    rows = re.findall(r"<tr>(.*?)</tr>", three, re.S)
    assert len(rows) == 3
    assert '<th colspan="7">申请人情况</th>' in rows[0]
    assert 'rowspan="3" class="gr-corner">(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)' in rows[0]
    assert re.findall(r"<th[^>]*>([^<]*)</th>", rows[1]) == ["自然人", "法人或其他组织", "总计"]
    assert '<th rowspan="2">自然人</th>' in rows[1] and '<th colspan="5">法人或其他组织</th>' in rows[1]
    assert re.findall(r"<th>([^<]*)</th>", rows[2]) == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    four = found(r'id="gr-table-review".*?<thead>(.*?)</thead>', html, re.S)
    rows = re.findall(r"<tr>(.*?)</tr>", four, re.S)
    assert '<th colspan="5">行政复议</th>' in rows[0] and '<th colspan="10">行政诉讼</th>' in rows[0]
    assert '<th colspan="5">未经复议直接起诉</th>' in rows[1] and '<th colspan="5">复议后起诉</th>' in rows[1]
    assert rows[1].count('<th rowspan="2">') == 5
    assert re.findall(r"<th>([^<]*)</th>", rows[2]) == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2
    body = found(r'id="gr-table-review".*?<tbody>(.*?)</tbody>', html, re.S)
    assert len(re.findall(r'data-cell="(\w+)"', body)) == 15


@pytest.mark.asyncio
async def test_row_labels_follow_the_layout(corpus):
    ds, ids = corpus
    html = (await ds.client.get(page(ids["seeds/000_02a42f32ea1aea98.txt"]))).text
    fams = {f.name: f for f in families()}
    for name in ("active", "requests"):
        fam = fams[name]
        section = found(rf'id="gr-table-{name}"(.*?)</section>', html, re.S)
        printed = [htmllib.unescape(x) for x in re.findall(r'<td class="gr-label[^"]*"[^>]*data-row="\w+">([^<]*)</td>', section)]
        expected = [r.label_for("2019") for r in fam.rows if "2019" in r.columns]
        assert printed == expected, name
    # Table 三's headings span the rows under them, as the template prints them.
    requests = fams["requests"]
    outcomes_rows = [r for r in requests.rows[requests.rows.index(requests.row("outcomes")) + 1 :]]
    under = [r for r in outcomes_rows[: next(i for i, r in enumerate(outcomes_rows) if r.level == 0)]]
    spanned = sum(1 for r in under if "2019" in r.columns and not r.heading)
    assert f'rowspan="{spanned}" data-row="outcomes">三、本年度办理结果</td>' in html
    assert 'rowspan="8" data-row="withheld">(三)不予公开</td>' in html
    # The 2019 active table: a section per article, each with its own column header.
    active = found(r'id="gr-table-active"(.*?)</section>', html, re.S)
    assert active.count('<th class="gr-corner">信息内容</th>') == 5
    assert "<th>本年新制作数量</th><th>本年新公开数量</th><th>对外公开总数量</th>" in active
    assert "<th>采购项目数量</th><th>采购总金额</th>" in active


@pytest.mark.asyncio
async def test_blank_and_zero_look_different(corpus):
    ds, ids = corpus
    html = (await ds.client.get(page(ids["seeds/002_87372135737a189f.txt"]))).text
    blank = td(html, "requests_in_person")
    zero = td(html, "requests_received")
    assert "gr-blank" in classes(blank) and 'data-value=""' in blank and "空白" in blank
    assert "gr-blank" not in classes(zero) and 'data-value="0"' in zero and ">0<" in zero
    # The legacy table keeps its 单位 column; a value printed on a heading row is shown and flagged.
    legacy = found(r'id="gr-table-legacy".*?</table>', html, re.S, group=0)
    assert "<th>单位</th><th>统计数</th>" in legacy
    assert re.search(r'data-row="complaints">六、举报投诉数量</td><td class="gr-unit-col">件</td>', legacy)
    heading = td(html, "h_meetings+1")
    assert "gr-anomaly" in classes(heading) and "value_on_heading" in heading and 'data-value="1"' in heading


@pytest.mark.asyncio
async def test_raw_text_and_position_on_hover(corpus):
    ds, ids = corpus
    html = (await ds.client.get(page(ids["seeds/000_02a42f32ea1aea98.txt"]))).text
    cell = td(html, "regulations.published")
    assert 'tabindex="0"' in cell and 'data-value="13"' in cell
    tip = re.search(r'<span class="gr-tip" role="tooltip" id="([^"]+)">(.*?)</span>', cell, re.S)
    assert tip, cell
    assert f'aria-describedby="{tip[1]}"' in cell
    assert "原文 raw: “?13”" in tip[2] and "位置: line 77" in tip[2] and "标记 flag: noise" in tip[2]
    assert "规章 · 本年新公开数量" in tip[2]


@pytest.mark.asyncio
async def test_metadata_source_text_and_links(corpus, corpus_db):
    ds, ids = corpus
    report_id = ids["imbalanced/000_imbalanced.txt"]
    html = (await ds.client.get(page(report_id))).text
    conn = sqlite3.connect(corpus_db)
    sha, text = conn.execute("select sha256, text from reports where report_id = ?", [report_id]).fetchone()
    assert f"<code>{sha}</code>" in html and "imbalanced/000_imbalanced.txt" in html
    (agency_id,) = conn.execute("select agency_id from reports where report_id = ?", [report_id]).fetchone()
    assert f'<a href="/gaireports/-/gaireports/agency/{agency_id}">铁岭市人民政府</a>' in html
    lines = text.splitlines()
    assert lines[226] == "29"
    assert '<li id="gr-L227" class="gr-line-fail">29</li>' in html
    assert html.count('<li id="gr-L') == len(lines)
    for href in (
        f"/gaireports/reports/{report_id}",
        f"/gaireports/checks?report_id={report_id}",
        f"/gaireports/cells?report_id={report_id}",
        f"/gaireports/requests?report_id={report_id}",
        f"{page(report_id)}.json",
        f"{page(report_id)}.csv",
    ):
        assert f'href="{href}"' in html, href
        assert (await ds.client.get(href)).status_code == 200, href


@pytest.mark.asyncio
async def test_json_rendition_matches_the_page(corpus):
    ds, ids = corpus
    report_id = ids["imbalanced/000_imbalanced.txt"]
    data = (await ds.client.get(page(report_id, ".json"))).json()
    html = (await ds.client.get(page(report_id))).text
    assert data["report"]["report_id"] == report_id and data["report"]["agency"] == "铁岭市人民政府"
    assert [t["family"] for t in data["tables"]] == ["active", "requests", "review"]
    cells = {c["cell"]: c for t in data["tables"] for r in t["rows"] for c in r["cells"]}
    granted = cells["granted.natural_person"]
    assert granted["value"] == 29 and granted["raw"] == "29" and granted["position"] == "line 227"
    assert granted["failing_checks"] == ["R2:natural_person", "R3:granted"]
    assert [(f["rule"], f["left"], f["right"], f["difference"]) for f in data["failing"]] == [
        ("R2", 33, 35, -2),
        ("R3", 33, 35, -2),
    ]
    assert data["failing"][0]["description_zh"] == "办理结果总计等于各项办理结果之和"
    on_page = dict(re.findall(r'data-cell="([^"]+)" data-value="([^"]*)"', html))
    assert on_page == {code: ("" if c["value"] is None else str(c["value"])) for code, c in cells.items()}
    assert data["text"].splitlines()[226] == "29"


@pytest.mark.asyncio
async def test_csv_rendition(corpus):
    ds, ids = corpus
    report_id = ids["imbalanced/000_imbalanced.txt"]
    r = await ds.client.get(page(report_id, ".csv"))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    data = (await ds.client.get(page(report_id, ".json"))).json()
    assert len(rows) == sum(len(r["cells"]) for t in data["tables"] for r in t["rows"])
    granted = next(x for x in rows if x["cell"] == "granted.natural_person")
    assert granted["value"] == "29" and granted["row_label"] == "(一)予以公开" and granted["column_label"] == "自然人"
    assert granted["failing_checks"] == "R2:natural_person R3:granted" and granted["table_no"] == "三"
    commercial = next(x for x in rows if x["cell"] == "granted.commercial")
    assert commercial["column_label"] == "法人或其他组织·商业企业"


@pytest.mark.asyncio
async def test_prose_report_shows_sentences(corpus):
    ds, ids = corpus
    html = (await ds.client.get(page(ids["seeds/003_0f7dd0209a58a4d8.txt"]))).text
    legacy = found(r'id="gr-table-legacy".*?</table>', html, re.S, group=0)
    assert "<th>出处语句</th>" in legacy
    assert 'data-value="11"' in td(html, "requests_received")
    assert "共收到并及时处理政府信息依申请公开11宗" in legacy


@pytest.mark.asyncio
async def test_unknown_report_is_404_and_instance_url_redirects(corpus):
    ds, ids = corpus
    for path in (page("nope"), page("nope", ".json"), page("nope", ".csv"), "/-/gaireports/report/nope"):
        r = await ds.client.get(path)
        assert r.status_code == 404, path
        assert "Traceback" not in r.text
    assert (await ds.client.get(page("nope", ".json"))).json()["error"] == "Report not found: nope"
    assert (await ds.client.get(page("nope", ".csv"))).text == "Error 404: Report not found: nope\n"
    report_id = ids["imbalanced/000_imbalanced.txt"]
    r = await ds.client.get(f"/-/gaireports/report/{report_id}.json")
    assert r.status_code == 302 and r.headers["location"] == page(report_id, ".json")


@pytest.mark.asyncio
async def test_report_page_honours_permissions(corpus_db):
    ids = report_ids(corpus_db)
    report_id = ids["imbalanced/000_imbalanced.txt"]
    for metadata in ({"allow": False}, {"databases": {"gaireports": {"allow": {"id": "nobody"}}}},
                     {"databases": {"gaireports": {"tables": {"cells": {"allow": False}}}}}):
        ds = Datasette([str(corpus_db)], metadata=metadata)
        for path in (page(report_id), page(report_id, ".json"), page(report_id, ".csv")):
            assert (await ds.client.get(path)).status_code == 403, (metadata, path)
    hidden = Datasette([str(corpus_db)], metadata={"databases": {"gaireports": {"allow": {"id": "nobody"}}}})
    assert (await hidden.client.get(f"/-/gaireports/report/{report_id}")).status_code == 404


@pytest.mark.asyncio
async def test_report_derived_text_is_escaped(hostile_db):
    ds = Datasette([str(hostile_db)])
    (report_id,) = report_ids(hostile_db).values()
    conn = sqlite3.connect(hostile_db)
    agency_id, agency, printed = conn.execute(
        "select a.agency_id, a.name, r.agency_printed from reports r join agencies a using (agency_id)"
    ).fetchone()
    raw = conn.execute("select raw from cells where cell = 'carried_in.natural_person'").fetchone()[0]
    assert '"<script' in printed and raw == CELL_ATTACK  # the attack reached the database
    pages = {
        "report": page(report_id),
        "agency": f"/gaireports/-/gaireports/agency/{agency_id}",
        "status": "/gaireports/-/gaireports",
        "instance": "/-/gaireports",
        "reports table": "/gaireports/reports",
        "agencies table": "/gaireports/agencies",
        "checks table": "/gaireports/checks",
        "reports row": f"/gaireports/reports/{report_id}",
    }
    for name, path in pages.items():
        r = await ds.client.get(path)
        assert r.status_code == 200, name
        body = r.text
        for attack in ("<script>alert(1)", "<script src=//evil", "<scriptsrc=//evil", "<img onerror"):
            assert attack not in body, (name, attack)
    report = (await ds.client.get(page(report_id))).text
    assert str(escape(CELL_ATTACK)) in td(report, "carried_in.natural_person")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;市2019年度政府信息公开工作报告" in report
    assert str(escape(printed)) in report and str(escape(agency)) in report
    agency_page = (await ds.client.get(pages["agency"])).text
    assert f"<td>{escape(printed)}</td>" in agency_page  # the names as printed
    status = (await ds.client.get("/gaireports/-/gaireports")).text
    assert str(escape(agency)) in status  # in the failing list
    data = (await ds.client.get(page(report_id, ".json"))).json()
    assert data["report"]["agency_printed"] == printed  # renditions keep the text as it is


def _widths(head: list[list[dict]], body: list[dict]) -> list[int]:
    """The number of columns each header and body row fills, counting cells spanning down from rows above."""
    rows = [[(h.get("colspan", 1), h.get("rowspan", 1)) for h in r] for r in head]
    rows += [[(i.get("colspan") or 1, i.get("rowspan") or 1) for i in r["items"]] for r in body]
    spans: list[tuple[int, int]] = []  # (rows still covered, columns) of cells spanning down
    widths = []
    for cells in rows:
        widths.append(sum(cols for _, cols in spans) + sum(cols for cols, _ in cells))
        spans = [(n - 1, cols) for n, cols in spans if n > 1]
        spans += [(rowspan - 1, cols) for cols, rowspan in cells if rowspan > 1]
    return widths


@pytest.mark.parametrize(
    "family, fmt",
    [(f.name, fmt) for f in families() for fmt in sorted(f.formats)],
)
def test_every_layout_builds_a_rectangular_table(family, fmt):
    """Every family and format of the layouts, filled with figures, gives rows of one width."""
    from datasette_gaireports.pages.report import reconstruct

    fam = {f.name: f for f in families()}[family]
    rows: list[dict[str, object]]
    if fam.shape == "wide":
        rows = [{name: 1 for name, _r, _c in fam.wide_columns()}]
    elif fam.shape == "long":
        rows = [{fam.row_key: r.code, "value": 1, "unit": r.unit} for r in fam.data_rows(fmt)]
    else:
        rows = [{fam.row_key: r.code, **{c: 1 for c in fam.row_columns(r, fmt)}} for r in fam.data_rows(fmt)]
    table = reconstruct(fam, fmt, rows, {}, {})
    assert table is not None
    widths = _widths(table["head"], table["body"])
    assert len(set(widths)) == 1, widths
    values = [i for r in table["body"] for i in r["items"] if i["type"] == "value"]
    assert len(values) == len(fam.cell_codes(fmt)) and all(v["display"] == "1" for v in values)
    labels = [i["text"] for r in table["body"] for i in r["items"] if i["type"] == "label"]
    if fam.shape != "wide":
        assert labels == [r.label_for(fmt) for r in fam.rows if fmt in r.columns]


@pytest.mark.asyncio
async def test_a_row_the_template_lacks_is_shown_apart_from_the_table(tmp_path):
    """The figures of 其他主动公开文件, a row no template has, stand under table 二 as anomalies the layout has no
    place for, each with its code, raw text and line; the JSON rendition carries them too."""
    (tmp_path / "r").mkdir()
    (tmp_path / "r" / "stray.txt").write_text("\n".join([
        "某市人民政府办公室", "2020年政府信息公开工作年度报告", "二、行政机关主动公开政府信息情况",
        "第二十条第(一)项 | |||", "信息内容 | 本年新 制作数量 | 本年新 公开数量 | 对外公开总数量 |",
        "规章 | 2 | 2 | 3 |", "规范性文件 | 11 | 11 | 119 |", "其他主动公开文件 | 56 | 45 | 300 |",
        "第二十条第(五)项 | |||", "信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量 |", "行政许可 | 0 | 0 | 4 |",
    ]), encoding="utf-8")
    build([tmp_path / "r"], tmp_path / "gaireports.db")
    ds = Datasette([str(tmp_path / "gaireports.db")])
    (report_id,) = report_ids(tmp_path / "gaireports.db").values()
    html = (await ds.client.get(page(report_id))).text
    for k, raw in ((1, "56"), (2, "45"), (3, "300")):
        cell = td(html, f"其他主动公开文件+{k}")
        assert "gr-anomaly" in classes(cell) and "stray_row" in cell and f"line 8, cell {k + 1}" in cell and f"“{raw}”" in cell
    data = (await ds.client.get(page(report_id, ".json"))).json()
    (active,) = [t for t in data["tables"] if t["family"] == "active"]
    assert [(c["cell"], c["raw"], c["flag"]) for c in active["unplaced"]] == [
        (f"其他主动公开文件+{k}", raw, "stray_row") for k, raw in ((1, "56"), (2, "45"), (3, "300"))]
