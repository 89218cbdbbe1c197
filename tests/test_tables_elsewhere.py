"""Reports whose tables are not on the page as text: tables printed as images, reports in linked attachments.
The page's attachments and the images in its body are kept, and noted where the standard tables are missing."""

from __future__ import annotations

import io
import json
import re
import struct
import zlib
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest
import sqlite_utils
import yaml
from datasette.app import Datasette
from lxml import etree

from datasette_gaireports import pipeline
from datasette_gaireports.build import build, parse_paths
from datasette_gaireports.corpus import generate_corpus
from datasette_gaireports.export import iter_export
from datasette_gaireports.report import ParsedReport, parse_file
from datasette_gaireports.webpage import figure_tables

from .conftest import earlier_version, found, report_ids

ROOT = Path(__file__).parent.parent

TITLE = "兰山区财政局2021年政府信息公开工作年度报告"
BODY = f"""<p>{TITLE}</p><p>一、总体情况</p><p>2021年，本机关认真贯彻落实《条例》，全年共收到政府信息公开申请12件。</p>
<p>二、主动公开政府信息情况</p><p align=center><img src="/u/cms/www/202201/table2.png" width="600"></p>
<p>三、收到和处理政府信息公开申请情况</p><p align=center><img src="../../images/table3.jpg" style="width:600px"></p>
<p>四、政府信息公开行政复议、行政诉讼情况</p><p><img src="data:image/png;base64,iVBORw0KGgo=" width="620"></p>
<p>五、存在的主要问题及改进情况</p><p>部分单位公开不够及时。详见<a href="/u/cms/www/202201/gz.pdf">《政府信息公开规定》</a>。</p>
<p><img src="/images/icon_pdf.gif"> <img src="/u/cms/www/202201/tu.png" width="16" height="16">
<a href="/zt/2022/"><img src="/u/cms/www/202201/banner.png" width="600"></a></p>
<p>兰山区财政局</p><p>2022年1月20日</p>"""


def page(body: str = BODY, head: str = "", attachments: str = "") -> str:
    """A CMS page: logo, menu, a column of links (the guide as a PDF among them), the metadata block, the body,
    an attachment block beside it, share and QR-code badges, footer."""
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{TITLE}</title>{head}</head><body>
<div class="header"><img src="/images/logo.png" alt="兰山区人民政府"><ul><li><a href="/">首页</a></li></ul></div>
<div class="main"><div class="left"><h3>政务公开</h3><ul><li><a href="/zwgk/zn.pdf">政府信息公开指南.pdf</a></li>
<li><a href="/zwgk/ml.html">政府信息公开目录</a></li></ul></div>
<div class="right"><div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a></div>
<div class="xxgk">索引号：11371302MB28551234/2022-00012 发布机构：兰山区财政局 发布日期：2022-01-20</div>
<div class="article"><h1>{TITLE}</h1><div id="zoom">{body}</div>{attachments}
<div class="share">分享到：<a href="#"><img src="/images/share_wx.png"></a><img src="/images/ewm.png" width="100"></div>
</div></div></div>
<div class="footer"><p>主办单位：兰山区人民政府办公室</p></div></body></html>"""


ATTACHMENTS = """<div class="fj"><p>附件：<a href="/module/download/downfile.jsp?classid=0&amp;filename=22012011.docx">
兰山区财政局2021年政府信息公开工作年度报告.docx</a></p>
<p>附件2：<a href="/download?id=3">统计表.xls</a></p><p><a href="javascript:void(0)">附件3.pdf</a></p></div>"""


def parse(html: str | bytes, source: str = "r.html") -> ParsedReport:
    data = html.encode("utf-8") if isinstance(html, str) else html
    markers = {f.code: f.markers for f in pipeline.formats()}
    return parse_file(data, source, pipeline.families(), markers)


def test_the_images_of_the_report_body_are_kept_and_page_furniture_left_out():
    """Not an icon (by its name or its declared size), not an image inside a link, not the page's logo."""
    rep = parse(page())
    assert rep.images == ["/u/cms/www/202201/table2.png", "../../images/table3.jpg", "data:image/png"]
    assert rep.status == "parsed" and rep.format == "prose" and rep.tables_missing == "all"
    assert rep.reason == ("no standard table found; the page shows 3 images in the report's body (tables printed as "
                          "images need OCR) and it links 1 document (《政府信息公开规定》), which may hold them")


def test_attachments_beside_the_body_are_kept_and_a_column_of_downloads_is_not():
    rep = parse(page(attachments=ATTACHMENTS))
    assert rep.attachments == [
        ("/u/cms/www/202201/gz.pdf", "《政府信息公开规定》"),
        ("/module/download/downfile.jsp?classid=0&filename=22012011.docx", "兰山区财政局2021年政府信息公开工作年度报告.docx"),
        ("/download?id=3", "统计表.xls"),
    ], "a document linked in the body, or labelled 附件 beside it; not the guide in the column, not a script"
    assert "it links 3 documents (《政府信息公开规定》, 兰山区财政局2021年政府信息公开工作年度报告.docx, 统计表.xls)" in rep.reason


@pytest.mark.parametrize("head", [
    '<base href="https://www.lanshan.gov.cn/zwgk/czj/2022/">',
    '<link rel="canonical" href="https://www.lanshan.gov.cn/zwgk/czj/2022/art_1.html">',
    '<meta property="og:url" content="https://www.lanshan.gov.cn/zwgk/czj/2022/art_1.html">',
])
def test_addresses_are_made_absolute_where_the_page_names_its_own(head):
    rep = parse(page(head=head, attachments=ATTACHMENTS))
    assert rep.images[:2] == ["https://www.lanshan.gov.cn/u/cms/www/202201/table2.png",
                              "https://www.lanshan.gov.cn/zwgk/images/table3.jpg"]
    assert rep.images[2] == "data:image/png"
    assert rep.attachments[1][0] == "https://www.lanshan.gov.cn/module/download/downfile.jsp?classid=0&filename=22012011.docx"


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """A generated corpus (its pages with tables printed as images, some with attachments) and its truth."""
    root = tmp_path_factory.mktemp("generated")
    truths = {t["source"]: t for t in generate_corpus(root, 40, seed=3)}
    return root / "reports", truths


def test_a_page_with_its_tables_as_text_gets_no_note(generated):
    folder, _truths = generated
    html = next(p for p in sorted(folder.iterdir()) if "_2021_html." in p.name)
    rep = parse(html.read_bytes(), html.name)
    assert rep.format == "2021" and not rep.images and not rep.reason and rep.tables_missing is None
    with_attachment = html.read_bytes().replace(b"</body>", ATTACHMENTS.encode() + b"</body>")
    rep = parse(with_attachment, html.name)
    assert len(rep.attachments) == 2 and not rep.reason and rep.tables_missing is None, "every table is on the page"


def _tables_as_images(html: bytes, keep: int) -> bytes:
    """The page with every table of figures but the ``keep``-th printed as an image."""
    root = etree.fromstring(html, etree.HTMLParser())
    tables = [t for t in root.iter("table") if t in figure_tables(root) and t.find(".//table") is None]
    for k, table in enumerate(tables):
        if k != keep:
            img = etree.Element("img", src=f"/u/cms/www/t{k}.png", width="600")
            img.tail = table.tail
            table.getparent().replace(table, img)
    return etree.tostring(root, encoding="utf-8", method="html")


def test_tables_printed_as_images_beside_one_printed_as_text(generated):
    folder, _truths = generated
    html = next(p for p in sorted(folder.iterdir()) if "_2021_html." in p.name)
    rep = parse(_tables_as_images(html.read_bytes(), keep=1), html.name)
    assert rep.format == "2021" and rep.families == ("requests",)
    assert rep.images == ["/u/cms/www/t0.png", "/u/cms/www/t2.png"]
    assert rep.reason.startswith("tables 二、四 not found; the page shows 2 images in the report's body")
    assert rep.tables_missing == "二 四"


def test_a_saved_page_resolves_its_addresses_against_its_own(tmp_path):
    msg = EmailMessage(policy=policy.SMTP)
    msg["MIME-Version"] = "1.0"
    msg["Snapshot-Content-Location"] = "http://www.lanshan.gov.cn/art/2022/1/20/art_1.html"
    msg.make_related()
    msg.add_related(page(attachments=ATTACHMENTS).encode("utf-8"), maintype="text", subtype="html",
                    cte="quoted-printable", params={"charset": "utf-8"})
    (tmp_path / "saved.mht").write_bytes(msg.as_bytes())
    (rep,) = parse_paths([tmp_path])
    assert rep.reader == "mhtml (html)"
    assert rep.images[0] == "http://www.lanshan.gov.cn/u/cms/www/202201/table2.png"
    assert rep.images[1] == "http://www.lanshan.gov.cn/art/2022/images/table3.jpg"
    assert rep.attachments[2][0] == "http://www.lanshan.gov.cn/download?id=3"


HOSTILE = """<div class="fj"><p>附件：<a href="javascript:alert(1)//.pdf">&lt;script&gt;alert(2)&lt;/script&gt;.pdf</a></p>
<p>附件：<a href="https://evil.example/&quot;onmouseover=&quot;alert(3).pdf">"onmouseover="alert(4).doc</a></p></div>"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("elsewhere")
    (folder / "images.html").write_text(page(head='<base href="https://www.lanshan.gov.cn/zwgk/czj/2022/">',
                                             attachments=ATTACHMENTS), encoding="utf-8")
    (folder / "relative.html").write_text(page(attachments=HOSTILE), encoding="utf-8")
    (folder / "dump.txt").write_text(f"{TITLE}\n2021年，本机关共收到政府信息公开申请12件。\n附件：{TITLE}.pdf\n",
                                     encoding="utf-8")
    db = folder.parent / f"{folder.name}.db"
    build([folder], db)
    return db


def test_the_reports_table_holds_them_as_json(built):
    rows = {r["source"]: r for r in sqlite_utils.Database(built).query("select source, attachments, images from reports")}
    images = json.loads(rows["images.html"]["images"])
    assert len(images) == 3 and images[0] == "https://www.lanshan.gov.cn/u/cms/www/202201/table2.png"
    attachments = json.loads(rows["images.html"]["attachments"])
    assert attachments[2] == {"href": "https://www.lanshan.gov.cn/download?id=3", "text": "统计表.xls"}
    exported = {o["source"]: o for o in iter_export(str(built))}
    assert exported["images.html"]["attachments"] == attachments and exported["images.html"]["images"] == images
    assert exported["images.html"]["tables_missing"] == "all"
    assert [a["href"] for a in json.loads(rows["relative.html"]["attachments"])] == [
        "/u/cms/www/202201/gz.pdf", 'https://evil.example/"onmouseover="alert(3).pdf'], "a script address is no document"


def _attachments_block(html: str) -> str:
    return html.split("<dt>附件</dt>", 1)[1].split("</dd>", 1)[0]


@pytest.mark.asyncio
async def test_the_report_page_links_web_addresses_only(built):
    ds = Datasette([str(built)])
    ids = report_ids(built)
    html = (await ds.client.get(f"/{built.stem}/-/gaireports/report/{ids['images.html']}")).text
    assert '<a href="https://www.lanshan.gov.cn/download?id=3" rel="nofollow noopener noreferrer">统计表.xls</a>' in html
    assert re.search(r"<summary>3 张 .*?</summary>", html)
    hostile = (await ds.client.get(f"/{built.stem}/-/gaireports/report/{ids['relative.html']}")).text
    block = _attachments_block(hostile)
    assert '<li>《政府信息公开规定》 <span class="gr-muted">/u/cms/www/202201/gz.pdf</span></li>' in block, (
        "a relative address is text: the report's site is unknown")
    assert 'href="https://evil.example/&#34;onmouseover=&#34;alert(3).pdf"' in block
    assert 'onmouseover="alert' not in hostile and "<script>alert(2)" not in hostile
    assert "<li>/u/cms/www/202201/table2.png</li>" in hostile
    data = (await ds.client.get(f"/{built.stem}/-/gaireports/report/{ids['images.html']}.json")).json()
    assert data["report"]["attachments"][2] == {"href": "https://www.lanshan.gov.cn/download?id=3", "text": "统计表.xls",
                                                "link": "https://www.lanshan.gov.cn/download?id=3"}
    assert data["report"]["images"][2] == {"src": "data:image/png", "link": None}, "an inline image is no address"
    dump = await ds.client.get(f"/{built.stem}/-/gaireports/report/{ids['dump.txt']}")
    assert _attachments_block(dump.text) == f'<dd><ul class="gr-links"><li>{TITLE}.pdf</li></ul>', "a name, no address"
    assert (await ds.client.get(f"/{built.stem}/-/gaireports/report/{ids['dump.txt']}.json")).json()["report"][
        "attachments"] == [{"href": None, "text": f"{TITLE}.pdf", "link": None}]


def _elsewhere(meta: dict, db) -> Datasette:
    return Datasette([str(db)], metadata={"databases": {db.stem: meta["databases"]["gaireports"]}})


@pytest.mark.asyncio
async def test_the_canned_query_lists_reports_whose_tables_are_elsewhere(built, generated, tmp_path):
    meta = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))
    ds = _elsewhere(meta, built)
    rows = (await ds.client.get(f"/{built.stem}/tables_elsewhere.json?_shape=array")).json()
    assert {r["source"]: (r["format"], r["tables_missing"], r["images"], r["attachments"]) for r in rows} == {
        "images.html": ("prose", "all", 3, 3), "relative.html": ("prose", "all", 3, 2),
        "dump.txt": ("prose", "all", None, 1),
    }, "figures read from the text"
    folder, truths = generated
    html = next(p for p in sorted(folder.iterdir()) if "_2021_html." in p.name)
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "two_as_images.html").write_bytes(_tables_as_images(html.read_bytes(), keep=1))
    db = tmp_path / "generated.db"
    build([folder, extra], db)
    ds = _elsewhere(meta, db)
    rows = (await ds.client.get(f"/{db.stem}/tables_elsewhere.json?_shape=array&_size=max")).json()
    expected = {s: "all" for s, t in truths.items()
                if (t.get("images") or t.get("attachments")) and t["format"] == "prose"}
    got = {Path(r["source"]).name: r["tables_missing"] for r in rows}  # sources below the folders' common parent
    assert expected and got == {**expected, "two_as_images.html": "二 四"}
    (two,) = [r["report_id"] for r in rows if r["source"].endswith("two_as_images.html")]
    html = (await ds.client.get(f"/{db.stem}/-/gaireports/report/{two}")).text
    assert found(r'<dd data-tables-missing="二 四">(.*?)</dd>', html).startswith("二 四 <span"), "named on its page"
    assert (await ds.client.get(f"/{db.stem}/-/gaireports/report/{two}.json")).json()["report"][
        "tables_missing"] == "二 四"


def test_the_canned_query_reads_the_sparse_index_not_every_report(built):
    meta = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))
    sql = meta["databases"]["gaireports"]["queries"]["tables_elsewhere"]["sql"]
    plan = [row[3] for row in sqlite_utils.Database(built).execute(f"explain query plan {sql}").fetchall()]
    assert any("idx_reports_tables_missing" in step for step in plan)
    assert not [step for step in plan if step.startswith("SCAN r")], plan


def test_a_text_dump_keeps_the_names_of_its_attachments():
    text = (f"{TITLE}\n一、总体情况\n2021年，本机关共收到政府信息公开申请12件。\n附件：{TITLE}.pdf\n"
            "附件2 统计表.XLS\n相关附件：\n兰山区财政局\n2022年1月20日\n正文中提到附件.pdf的一句话，不是附件行。\n")
    rep = parse(text.encode("utf-8"), "dump.txt")
    assert rep.reader == "text" and rep.attachments == [("", f"{TITLE}.pdf"), ("", "统计表.XLS")]
    assert rep.reason.startswith(f"no standard table found; it names 2 documents ({TITLE}.pdf, 统计表.XLS)")


@pytest.mark.asyncio
async def test_the_status_page_links_the_canned_query_where_the_metadata_gives_it(built):
    meta = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))
    html = (await _elsewhere(meta, built).client.get(f"/{built.stem}/-/gaireports")).text
    assert f'<a href="/{built.stem}/tables_elsewhere" data-link="tables_elsewhere">' in html
    bare = (await Datasette([str(built)]).client.get(f"/{built.stem}/-/gaireports")).text
    assert "tables_elsewhere" not in bare, "no link to a query the database is not given"


def _elsewhere_figure(html: str) -> str:
    return found(r'<strong data-figure="elsewhere">(.*?)</strong>', html)


@pytest.mark.asyncio
async def test_the_status_page_counts_the_reports_whose_tables_are_elsewhere(built, generated, tmp_path):
    bare = Datasette([str(built)])
    html = (await bare.client.get(f"/{built.stem}/-/gaireports")).text
    rows_url = f"/{built.stem}/reports?tables_missing__notnull=1"
    assert _elsewhere_figure(html) == f'<a href="{rows_url}">3</a>', "the reports' rows, without the canned query"
    rows = (await bare.client.get(rows_url.replace("/reports?", "/reports.json?_shape=array&"))).json()
    assert sorted(r["source"] for r in rows) == ["dump.txt", "images.html", "relative.html"]
    meta = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))
    html = (await _elsewhere(meta, built).client.get(f"/{built.stem}/-/gaireports")).text
    assert _elsewhere_figure(html) == f'<a href="/{built.stem}/tables_elsewhere">3</a>'
    folder, truths = generated
    db = tmp_path / "generated.db"
    build([folder], db)
    expected = sum(1 for t in truths.values() if (t.get("images") or t.get("attachments")) and t["format"] == "prose")
    two = Datasette([str(built), str(db)])
    assert _elsewhere_figure((await two.client.get(f"/{db.stem}/-/gaireports")).text).endswith(f">{expected}</a>")
    both = (await two.client.get("/-/gaireports")).text
    assert _elsewhere_figure(both) == str(3 + expected), "summed, no link"
    assert found(f'<td class="gr-num" data-elsewhere="{db.stem}">(\\d+)</td>', both) == str(expected), "per database"
    assert "tables_elsewhere" in sqlite_utils.Database(db)["report_summary"].columns_dict
    earlier = earlier_version(built, tmp_path / "earlier.db", "tables_missing")
    sqlite_utils.Database(earlier).execute("alter table report_summary drop column tables_elsewhere")
    html = (await Datasette([str(earlier)]).client.get(f"/{earlier.stem}/-/gaireports")).text
    assert 'data-figure="reports">3<' in html and 'data-figure="elsewhere"' not in html, "a count it cannot give"
    unsummarised = earlier_version(built, tmp_path / "unsummarised.db")
    sqlite_utils.Database(unsummarised)["report_summary"].drop()
    html = (await Datasette([str(unsummarised)]).client.get(f"/{unsummarised.stem}/-/gaireports")).text
    assert _elsewhere_figure(html) == '<a href="/unsummarised/reports?tables_missing__notnull=1">3</a>', "from reports"


@pytest.mark.asyncio
async def test_the_agency_page_counts_each_reports_images_and_attachments(built):
    ds = Datasette([str(built)])
    (agency_id,) = [r["agency_id"] for r in sqlite_utils.Database(built).query(
        "select distinct agency_id from reports where source = 'images.html'")]
    html = (await ds.client.get(f"/{built.stem}/-/gaireports/agency/{agency_id}")).text
    assert '<span class="gr-muted" data-images="3">正文图片 3</span>' in html
    assert '<span class="gr-muted" data-attachments="3">附件 3</span>' in html
    data = (await ds.client.get(f"/{built.stem}/-/gaireports/agency/{agency_id}.json")).json()
    assert {(r["source"], r["images"], r["attachments"]) for r in data["reports"]} >= {("images.html", 3, 3)}


@pytest.mark.asyncio
async def test_a_database_of_an_earlier_version_is_still_served(built, tmp_path):
    db = earlier_version(built, tmp_path / "earlier.db", "images", "attachments")
    ds = Datasette([str(db)])
    rid = report_ids(db)["images.html"]
    (agency_id,) = [r["agency_id"] for r in sqlite_utils.Database(db).query(
        "select agency_id from reports where report_id = ?", [rid])]
    page = await ds.client.get(f"/earlier/-/gaireports/report/{rid}")
    assert page.status_code == 200 and "<dt>附件</dt>" not in page.text and "<dt>索引号</dt>" in page.text
    assert (await ds.client.get(f"/earlier/-/gaireports/report/{rid}.json")).json()["report"]["attachments"] == []
    agency = await ds.client.get(f"/earlier/-/gaireports/agency/{agency_id}")
    assert agency.status_code == 200 and "data-images" not in agency.text


def _png(width: int, height: int) -> bytes:
    """A white PNG image of the given size."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = b"".join(b"\x00" + b"\xff" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def test_a_word_document_with_its_tables_as_pictures(tmp_path):
    import docx
    from docx.shared import Inches

    document = docx.Document()
    for line in (TITLE, "一、总体情况", "2021年，本机关共收到政府信息公开申请12件。", "二、主动公开政府信息情况"):
        document.add_paragraph(line)
    document.add_picture(io.BytesIO(_png(60, 40)), width=Inches(6))
    document.add_paragraph("三、收到和处理政府信息公开申请情况")
    document.add_picture(io.BytesIO(_png(60, 40)), width=Inches(6))
    document.add_paragraph().add_run().add_picture(io.BytesIO(_png(16, 16)), width=Inches(0.15))  # an icon
    buffer = io.BytesIO()
    document.save(buffer)
    (tmp_path / "report.docx").write_bytes(buffer.getvalue())
    (rep,) = parse_paths([tmp_path])
    assert rep.reader == "docx" and rep.format == "prose"
    assert len(rep.images) == 2 and all(i.startswith("word/media/") for i in rep.images), rep.images
    assert "the document shows 2 images in the report's body (tables printed as images need OCR)" in rep.reason


@pytest.mark.asyncio
async def test_the_report_page_shows_an_address_that_cannot_be_split_as_text(tmp_path):
    """A page may link ``http://[x/a.pdf`` (an unbalanced IPv6 bracket): the build keeps it as written, and the
    report page shows it without a link rather than failing."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "bad.html").write_text(page(attachments='<p>附件：<a href="http://[x/a.pdf">年报.pdf</a></p>'),
                                     encoding="utf-8")
    db = tmp_path / "bad.db"
    build([folder], db)
    rid = report_ids(db)["bad.html"]
    ds = Datasette([str(db)])
    html = await ds.client.get(f"/{db.stem}/-/gaireports/report/{rid}")
    assert html.status_code == 200
    assert '<li>年报.pdf <span class="gr-muted">http://[x/a.pdf</span></li>' in _attachments_block(html.text)
    data = (await ds.client.get(f"/{db.stem}/-/gaireports/report/{rid}.json")).json()
    assert {"href": "http://[x/a.pdf", "text": "年报.pdf", "link": None} in data["report"]["attachments"]
