"""The metadata block a government page prints around its report: labels spaced out to align the block,
``|``-separated rows of a dumped page, values printed as 无; the 索引号 and 文号 kept in ``reports``."""

from __future__ import annotations

import re

import pytest
import sqlite_utils
from datasette.app import Datasette

from datasette_gaireports.build import build
from datasette_gaireports.export import iter_export
from datasette_gaireports.webpage import fields

from .conftest import earlier_version, report_ids

INDEX_NO = "014416330/2018-04736"
DOC_NO = "泰政办〔2018〕12号"
TITLE = "泰州市人民政府2017年政府信息公开工作年度报告"
BODY = f"{TITLE}\n一、概述\n2017年，本机关共收到政府信息公开申请42件，均已按时答复。\n泰州市人民政府\n2018年2月26日\n"


@pytest.mark.parametrize(
    ("frags", "value_apart", "expected"),
    [
        # a table of cells, labels spaced to the width of the longest, 发文日期 for the publication date
        (["索 引 号", INDEX_NO, "分 类", "政府信息公开年报", "发布机构", "市政府办", "发文日期", "2018-02-28",
          "文 号", DOC_NO], True,
         {"index_no": INDEX_NO, "publisher": "市政府办", "published": "2018-02-28", "doc_no": DOC_NO}),
        # label and value in one text, the label spaced with full-width spaces
        ([f"索　引　号：{INDEX_NO}", f"文　　号：{DOC_NO}", f"标　　题：{TITLE}", "发布日期：2018年02月28日"], True,
         {"index_no": INDEX_NO, "doc_no": DOC_NO, "title": TITLE, "published": "2018-02-28"}),
        # the rows of a dumped page's metadata table, cells set apart by |
        ([f"索 引 号 | {INDEX_NO} | 分 类 | 政府信息公开年报 综合政务,文秘工作 其他 |",
          "发布机构 | 市政府办 | 发文日期 | 2018-02-28 |", "文 号 | 有 效 性 |"], False,
         {"index_no": INDEX_NO, "publisher": "市政府办", "published": "2018-02-28"}),
        ([f"索引号｜{INDEX_NO}｜分类｜年报", f"文号｜{DOC_NO}｜有效性｜有效"], False, {"index_no": INDEX_NO, "doc_no": DOC_NO}),
        # an information-disclosure system's page, dumped: 发布文号, 信息名称 and other labels of its own
        (["索引号 | 11341702486344515H/202110-00013 | 组配分类 | 公开制度 |",
          "发布机构 | 宁国市商务局 | 发文日期 | 2021-10-08 15:47 |",
          "发布文号 | 宁商〔2022〕3号 | 关键词 | 年度报告 |",
          "信息来源 | 宁国市商务局 | 主题导航 | 商贸、海关、旅游 |",
          "信息名称 | 宁国市商务局2021年政府信息公开工作年度报告 | 内容概述 |"], False,
         {"index_no": "11341702486344515H/202110-00013", "publisher": "宁国市商务局", "published": "2021-10-08",
          "doc_no": "宁商〔2022〕3号", "title": "宁国市商务局2021年政府信息公开工作年度报告"}),
        # a date in Chinese numerals, as a signature prints it
        (["发布日期：二〇一八年二月二十八日", "成文日期", "二○一八年二月二十六日"], True, {"published": "2018-02-28"}),
        # a list of fields, a bullet before each
        (["• 索 引 号:XM02123-0101-2023-00001", "• 发布机构:湖里区卫生健康局", "· 发布日期:2023-01-11"], False,
         {"index_no": "XM02123-0101-2023-00001", "publisher": "湖里区卫生健康局", "published": "2023-01-11"}),
        (["• 发布机构", "• 发布日期", "2023-01-11"], True, {"published": "2023-01-11"}),  # no value: not the next label
        # a field printed with no value
        (["文号：无", "索引号：—", "发布机构：/"], False, {}),
        (["文　　号", "无", "发布日期", "2018-02-28"], True, {"published": "2018-02-28"}),
        # an empty value cell: the next text on the page is no 文号 or 索引号
        (["索引号：", TITLE, "文号：", TITLE, "发布机构：", "泰州市人民政府办公室"], True, {"publisher": "泰州市人民政府办公室"}),
    ],
)
def test_fields_of_a_metadata_block(frags, value_apart, expected):
    assert fields(frags, value_apart=value_apart) == expected


PAGE = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{TITLE}</title></head><body>
<div class="nav"><a href="/">首页</a><a href="/zwgk/">政务公开</a></div>
<table class="xxgk"><tr><td>索 引 号：</td><td>{INDEX_NO}</td><td>分　　类：</td><td>政府信息公开年报</td></tr>
<tr><td>发布机构：</td><td>市政府办</td><td>发文日期：</td><td>2018-02-28</td></tr>
<tr><td>文　　号：</td><td>{DOC_NO}</td><td>有 效 性：</td><td></td></tr></table>
<div id="zoom">{"".join(f"<p>{line}</p>" for line in BODY.splitlines())}</div>
<div class="footer">主办单位：泰州市人民政府办公室</div></body></html>"""

DUMP = (f"泰州市人民政府\n首页 | 政务公开 | 政务服务\n索 引 号 | {INDEX_NO} | 分 类 | 政府信息公开年报 |\n"
        f"发布机构 | 市政府办 | 发文日期 | 2018-02-28 |\n文 号 | 无 | 有 效 性 |\n{BODY}")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("page_metadata")
    (folder / "page.html").write_text(PAGE, encoding="utf-8")
    (folder / "dump.txt").write_text(DUMP, encoding="utf-8")
    db = folder.parent / f"{folder.name}.db"
    build([folder], db)
    return db


def test_the_page_metadata_goes_into_reports(built):
    rows = {r["source"]: r for r in sqlite_utils.Database(built).query(
        "select source, index_no, doc_no, published, agency_printed from reports")}
    assert rows["page.html"] == {"source": "page.html", "index_no": INDEX_NO, "doc_no": DOC_NO,
                                 "published": "2018-02-28", "agency_printed": "泰州市人民政府"}
    assert rows["dump.txt"] == {"source": "dump.txt", "index_no": INDEX_NO, "doc_no": None,
                                "published": "2018-02-28", "agency_printed": "泰州市人民政府"}


def test_the_export_carries_the_page_metadata(built):
    objects = {o["source"]: o for o in iter_export(str(built))}
    assert (objects["page.html"]["index_no"], objects["page.html"]["doc_no"]) == (INDEX_NO, DOC_NO)
    assert (objects["dump.txt"]["index_no"], objects["dump.txt"]["doc_no"]) == (INDEX_NO, None)
    assert list(objects["dump.txt"])[:9] == ["source", "report_id", "status", "agency", "year", "format", "published",
                                             "index_no", "doc_no"]


def _dd(html: str, term: str) -> str | None:
    m = re.search(rf"<dt>{term}</dt><dd>(.*?)</dd>", html)
    return m[1] if m else None


@pytest.mark.asyncio
async def test_the_report_page_shows_the_page_metadata(built):
    ds = Datasette([str(built)])
    name = built.stem
    page = f"/{name}/-/gaireports/report/{report_ids(built)['page.html']}"
    html = (await ds.client.get(page)).text
    assert (_dd(html, "索引号"), _dd(html, "文号")) == (INDEX_NO, DOC_NO)
    data = (await ds.client.get(page + ".json")).json()
    assert (data["report"]["index_no"], data["report"]["doc_no"]) == (INDEX_NO, DOC_NO)
    dump = (await ds.client.get(f"/{name}/-/gaireports/report/{report_ids(built)['dump.txt']}")).text
    assert (_dd(dump, "索引号"), _dd(dump, "文号")) == (INDEX_NO, None), "no 文号 row where the page has none"


@pytest.mark.asyncio
async def test_a_database_of_an_earlier_version_still_shows_its_reports(built, tmp_path):
    db = earlier_version(built, tmp_path / "earlier.db", "index_no", "doc_no")
    ds = Datasette([str(db)])
    page = f"/earlier/-/gaireports/report/{report_ids(db)['page.html']}"
    r = await ds.client.get(page)
    assert r.status_code == 200 and _dd(r.text, "发布日期") == "2018-02-28" and _dd(r.text, "索引号") is None
    assert (await ds.client.get(page + ".json")).json()["report"]["index_no"] is None
    exported = next(o for o in iter_export(str(db)) if o["source"] == "page.html")
    assert (exported["index_no"], exported["doc_no"]) == (None, None)
