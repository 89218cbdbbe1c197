"""Reports published as web pages: the body inside site chrome, page metadata, spanned tables, encodings."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from datasette_gaireports import pipeline
from datasette_gaireports.readers import read_bytes
from datasette_gaireports.report import ParsedReport, parse_file

TITLE = "临朐县教育体育局2021年政府信息公开工作年度报告"


def parse(data: bytes | str, source: str = "r.html") -> ParsedReport:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    markers = {f.code: f.markers for f in pipeline.formats()}
    return parse_file(raw, source, pipeline.families(), markers)


def page(body: str, head: str = '<meta charset="utf-8">', title: str = TITLE) -> str:
    """A CMS page: navigation, breadcrumb, metadata block, related links, share bar and footer around ``body``."""
    return f"""<!DOCTYPE html><html><head>{head}<title>{title}_临朐县人民政府</title>
<script>var x = "2019年政府信息公开工作年度报告";</script><style>p{{margin:0}}</style></head><body>
<div class="header"><ul class="nav"><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li></ul></div>
<div class="left"><h3>最新公开</h3><ul>
 <li><a href="/a/1.html">潍坊市财政局2018年政府信息公开工作年度报告</a></li>
 <li><a href="/a/2.html">临朐县审计局2017年政府信息公开工作年度报告</a></li></ul></div>
<div class="right"><div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; <a href="/nb/">年报</a></div>
<table class="xxgk"><tr><td>索引号：</td><td>004330123/2022-00017</td><td>主题分类：</td><td>年度报告</td></tr>
<tr><td>发布机构：</td><td>临朐县教育体育局</td><td>发布日期：</td><td>2022年01月26日</td></tr>
<tr><td>名称：</td><td colspan="3">{title}</td></tr><tr><td>文号：</td><td colspan="3">临教体〔2022〕3号</td></tr></table>
<h1>{title}</h1><div class="info"><span>发布时间：2022-01-26 10:12</span><span>来源：临朐县教育体育局</span></div>
<div id="zoom">{body}</div>
<div class="share">分享到：<a href="#">微信</a><a href="#">微博</a></div>
<p>上一篇：<a href="/a/3.html">临朐县2020年政府信息公开工作年度报告</a></p>
<p>下一篇：<a href="/a/4.html">关于开展安全检查的通知</a></p></div>
<div class="footer"><p>主办单位：临朐县人民政府办公室　网站标识码：3707240001</p><p>地址：临朐县民主路1号　电话：0536-3112233</p></div>
</body></html>"""


def td(text: str, rowspan: int = 1, colspan: int = 1) -> str:
    """A Word-style cell: text in a ``<p>``/``<span>`` run."""
    span = (f" rowspan={rowspan}" if rowspan > 1 else "") + (f" colspan={colspan}" if colspan > 1 else "")
    inner = f"<p class=MsoNormal align=center><span style='font-family:宋体'>{text}</span></p>" if text else "<p>&nbsp;</p>"
    return f"<td{span}>{inner}</td>"


def tr(*cells: str) -> str:
    return "<tr>" + "".join(cells) + "</tr>"


REQUEST_HEADER = (
    tr(td("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3), td("申请人情况", 1, 7)),
    tr(td("自然人", 2), td("法人或其他组织", 1, 5), td("总计", 2)),
    tr(td("商业企业"), td("科研机构"), td("社会公益组织"), td("法律服务机构"), td("其他")),
)


def figures(*values: int | str) -> list[str]:
    return [td(str(v)) for v in values]


def request_rows() -> list[str]:
    """Table 三 of the 2021 template with its three label columns: rows spanning columns, headings spanning rows."""
    return [
        tr(td("一、本年新收政府信息公开申请数量", 1, 3), *figures(30, 4, 0, 0, 1, 0, 35)),
        tr(td("二、上年结转政府信息公开申请数量", 1, 3), *figures(2, 0, 0, 0, 0, 0, 2)),
        tr(td("三、本年度办理结果", 6), td("（一）予以公开", 1, 2), *figures(20, 3, 0, 0, 1, 0, 24)),
        tr(td("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", 1, 2), *figures(2, 0, 0, 0, 0, 0, 2)),
        tr(td("（三）不予公开", 2), td("1．属于国家秘密"), *figures(1, 0, 0, 0, 0, 0, 1)),
        tr(td("2．其他法律行政法规<br>禁止公开"), *figures(0, 0, 0, 0, 0, 0, 0)),
        tr(td("（六）其他处理", 1, 2), *figures(5, 1, 0, 0, 0, 0, 6)),
        tr(td("（七）总计", 1, 2), *figures(28, 4, 0, 0, 1, 0, 33)),
        tr(td("四、结转下年度继续办理", 1, 3), *figures(4, 0, 0, 0, 0, 0, 4)),
    ]


def table(rows: list[str] | tuple[str, ...]) -> str:
    return "<table class=MsoNormalTable border=1>" + "".join(rows) + "</table>"


def test_body_found_inside_chrome_and_page_metadata_read():
    body = f"<p align=center><b>{TITLE}</b></p><p>一、总体情况</p><p>2021年，我局认真贯彻落实条例。</p>" \
           "<p>三、收到和处理政府信息公开申请情况</p>" + table([*REQUEST_HEADER, *request_rows()]) + \
           "<p align=right>临朐县教育体育局</p><p align=right>2022年1月25日</p>"
    doc = read_bytes(page(body).encode("utf-8"))
    assert doc.page_meta["index_no"] == "004330123/2022-00017"
    assert doc.page_meta["publisher"] == "临朐县教育体育局"
    assert doc.page_meta["published"] == "2022-01-26"
    assert doc.page_meta["doc_no"] == "临教体〔2022〕3号"
    assert doc.page_meta["title"] == TITLE
    for chrome in ("潍坊市财政局2018年", "上一篇", "网站标识码", "当前位置", "分享到", "首页"):
        assert chrome not in doc.text
    rep = parse(page(body))
    assert (rep.format, rep.meta.agency, rep.meta.year, rep.meta.published) == ("2021", "临朐县教育体育局", 2021, "2022-01-26")


def test_three_level_header_and_three_label_columns_expanded_into_a_grid():
    rep = parse(page("<p>三、收到和处理政府信息公开申请情况</p>" + table([*REQUEST_HEADER, *request_rows()])))
    values = rep.values()["requests"]
    assert [values[f"new.{c}"] for c in ("natural_person", "commercial", "legal_service", "total")] == [30, 4, 1, 35]
    assert values["granted.total"] == 24 and values["partial.natural_person"] == 2
    assert values["withheld_state_secret.natural_person"] == 1
    assert values["withheld_law.total"] == 0, "a label broken by <br> is one label"
    assert values["carried_forward.total"] == 4 and values["total_handled.commercial"] == 4


def test_review_table_with_three_header_levels():
    header = (
        tr(td("行政复议", 1, 5), td("行政诉讼", 1, 10)),
        tr(*[td(t, 2) for t in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")],
           td("未经复议直接起诉", 1, 5), td("复议后起诉", 1, 5)),
        tr(*[td(t) for t in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计") * 2]),
    )
    values: list[int | str] = [1, 0, 0, 1, 2, 0, 1, 0, 0, 1, "", "", "", "", ""]
    body = ("<p>三、收到和处理政府信息公开申请情况</p>" + table([*REQUEST_HEADER, *request_rows()])
            + "<p>四、政府信息公开行政复议、行政诉讼情况</p>" + table([*header, tr(*figures(*values))]))
    review = parse(page(body)).values()["review"]
    assert review["review_upheld"] == 1 and review["review_total"] == 2
    assert review["suit_direct_corrected"] == 1 and review["suit_direct_total"] == 1
    assert review["suit_after_review_upheld"] is None, "a blank cell is null"


def test_cells_with_runs_nbsp_full_width_digits_and_spaces():
    rows = [
        tr(td("一、本年新收政府信息公开申请数量", 1, 3), *figures("&nbsp;１２", "<span>1</span><span>0</span>", "0", "0", "0", "0", "2　2")),
        tr(td("二、上年结转政府信息公开申请数量", 1, 3), *figures("0", "0", "0", "0", "0", "0", "0")),
        tr(td("（七）总计", 1, 3), *figures("１,２０３", "0", "0", "0", "0", "0", "1 203")),
    ]
    values = parse(page(table([*REQUEST_HEADER, *rows]))).values()["requests"]
    assert [values["new.natural_person"], values["new.commercial"], values["new.total"]] == [12, 10, 22]
    assert values["total_handled.natural_person"] == 1203 and values["total_handled.total"] == 1203


def test_script_and_comment_inside_report_table_cells_are_no_part_of_their_text():
    rows = request_rows()
    rows[0] = rows[0].replace("<span style='font-family:宋体'>30</span>",
                              "<span><script>document.write('9')</script>3<!-- x -->0</span>")
    rep = parse(page("<p>三、收到和处理政府信息公开申请情况</p>" + table([*REQUEST_HEADER, *rows])))
    assert rep.values()["requests"]["new.natural_person"] == 30
    assert "document.write" not in rep.text


def test_table_split_over_two_tables_with_a_page_break_and_repeated_header():
    rows = request_rows()
    first = table([*REQUEST_HEADER, *rows[:4]])
    second = table([*REQUEST_HEADER, *rows[4:]])
    body = first + "<br clear=all style='page-break-before:always'><p class=MsoNormal>&nbsp;</p>" + second
    values = parse(page(body)).values()["requests"]
    assert values["withheld_state_secret.total"] == 1 and values["carried_forward.natural_person"] == 4
    assert values["new.total"] == 35


def test_page_wrapped_in_a_webforms_form_keeps_its_report():
    body = f"<p>{TITLE}</p><p>三、收到和处理政府信息公开申请情况</p>" + table([*REQUEST_HEADER, *request_rows()])
    html = page(body).replace("<body>", "<body><form name='form1' method='post' action='./show.aspx?id=17' id='form1'>"
                              "<input type='hidden' name='__VIEWSTATE' value='/wEPDwUKLTk'>"
                              "<div class='search'><form action='/search.aspx'>站内搜索<input name='q'>"
                              "<button>搜索</button></form></div>").replace("</body>", "</form></body>")
    rep = parse(html)
    assert (rep.status, rep.format, rep.meta.agency) == ("parsed", "2021", "临朐县教育体育局")
    assert rep.values()["requests"]["granted.natural_person"] == 20
    assert "站内搜索" not in rep.text and "__VIEWSTATE" not in rep.text


def test_nested_layout_tables_around_the_content():
    report = table([*REQUEST_HEADER, *request_rows()])
    html = (f"<html><head><meta charset='utf-8'></head><body><table width=1000><tr><td><a href='/'>首页</a></td></tr>"
            f"<tr><td><table><tr><td class=left><a href='/x'>其他年报</a></td><td class=content>"
            f"<p>{TITLE}</p><p>三、收到和处理政府信息公开申请情况</p>{report}</td></tr></table></td></tr></table></body></html>")
    rep = parse(html)
    assert rep.format == "2021" and rep.meta.agency == "临朐县教育体育局"
    assert rep.values()["requests"]["granted.natural_person"] == 20


ACTIVE_2019 = [
    tr(td("第二十条第（一）项", 1, 4)),
    tr(td("信息内容"), td("本年新<br>制作数量"), td("本年新"), td("对外公开总数量")),
    tr(td("规章"), *figures(1, 1, 12)),
    tr(td("规范性<br>文件"), *figures(14, 13, 230)),
    tr(td("第二十条第（五）项", 1, 4)),
    tr(td("信息内容"), td("上一年项目数量"), td("本年增/减"), td("处理决定数量")),
    tr(td("行政许可"), *figures(120, "－3", 2800)),
    tr(td("第二十条第（九）项", 1, 4)),
    tr(td("信息内容"), td("采购项目数量"), td("采购总金额"), td("")),
    tr(td("政府集中采购"), td(""), td("127.5万元"), td("")),
]


def test_broken_and_cut_headers_and_a_blank_first_figure_before_padding():
    body = f"<p>{TITLE.replace('2021', '2019')}</p><p>二、主动公开政府信息情况</p>" + table(ACTIVE_2019) + \
           "<p>三、收到和处理政府信息公开申请情况</p>" + table([*REQUEST_HEADER, *request_rows()[:2]])
    rep = parse(page(body, title=TITLE.replace("2021", "2019")))
    assert rep.format == "2019"
    active = rep.values()["active"]
    assert (active["regulations.made"], active["regulations.published"], active["regulations.total_public"]) == (1, 1, 12)
    assert active["normative_docs.total_public"] == 230
    assert active["licensing.change"] == -3
    assert active["procurement.procurement_items"] is None
    assert active["procurement.procurement_amount"] == 127.5
    units = {c.cell: c.unit for c in rep.cells}
    assert units["procurement.procurement_amount"] == "万元"


def _gbk_page() -> str:
    return page("<p>三、收到和处理政府信息公开申请情况</p>" + table([*REQUEST_HEADER, *request_rows()]),
                head='<meta http-equiv="Content-Type" content="text/html; charset=gb2312">')


def test_gbk_page_decoded_and_encoding_recorded():
    rep = parse(_gbk_page().encode("gbk"))
    assert rep.encoding == "gb18030" and rep.meta.agency == "临朐县教育体育局"
    assert rep.values()["requests"]["new.total"] == 35


def test_charset_declaration_that_disagrees_with_the_bytes_is_overruled_by_evidence():
    utf8_declared_gbk = parse(_gbk_page().encode("utf-8"))
    assert utf8_declared_gbk.encoding == "utf-8" and utf8_declared_gbk.meta.year == 2021
    gbk_declared_utf8 = parse(_gbk_page().replace("gb2312", "utf-8").encode("gbk"))
    assert gbk_declared_utf8.encoding == "gb18030" and gbk_declared_utf8.values()["requests"]["granted.total"] == 24


def test_big5_traditional_page():
    import opencc

    text = opencc.OpenCC("s2tw").convert(_gbk_page().replace("gb2312", "big5"))
    rep = parse(text.encode("big5"))
    assert rep.encoding == "big5"
    assert (rep.format, rep.meta.agency, rep.meta.year) == ("2021", "临朐县教育体育局", 2021)
    assert rep.meta.published == "2022-01-26"
    assert rep.values()["requests"]["total_handled.total"] == 33


def test_big5_page_behind_a_long_head_of_markup():
    import opencc

    script = "<script>var menu = [" + ",".join(f"'item{k}'" for k in range(3000)) + "];</script>"
    text = opencc.OpenCC("s2tw").convert(_gbk_page().replace("gb2312", "big5")).replace("<head>", "<head>" + script)
    first = re.search("[^\x00-\x7f]", text)
    assert first is not None and first.start() > 20000
    data = text.encode("big5")
    assert data.decode("gb18030"), "the bytes are also strict GB 18030: the decodings' scores choose"
    rep = parse(data)
    assert rep.encoding == "big5" and rep.meta.agency == "临朐县教育体育局"


def test_a_decoding_is_scored_on_its_text_not_on_the_markup_it_shares():
    from datasette_gaireports.readers import _score

    words = "政府信息公开工作年度报告。本机关收到申请三十五件，均已按时答复。" * 20
    assert _score(words) == _score("<div class='x'>  12 345 </div>\n" * 50 + words) > 0


@settings(max_examples=300, deadline=None)
@given(st.text(st.one_of(st.characters(max_codepoint=0x7F), st.characters(min_codepoint=0x80),
                         st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF, exclude_categories=())),
                max_size=60),
       st.integers(1, 9), st.integers(1, 20))
def test_the_scored_part_is_the_first_characters_outside_ascii(text, chunk, scored):
    """Whatever the chunks the text is read in, across them (surrogates included)."""
    from datasette_gaireports import readers

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(readers, "_CHUNK", chunk)
        mp.setattr(readers, "SCORED_CHARS", scored)
        assert readers._scored_part(text) == "".join(c for c in text if ord(c) > 0x7F)[:scored]


def test_tables_published_as_images_give_prose_never_invented_numbers():
    body = (f"<p>{TITLE}</p><p>一、总体情况</p><p>2021年，我局共收到政府信息公开申请35件，均已按时答复。</p>"
            "<p>二、主动公开政府信息情况</p><p><img src='/u/2022/t2.png'></p>"
            "<p>三、收到和处理政府信息公开申请情况</p><p><img src='/u/2022/t3.png'></p>"
            "<p>四、政府信息公开行政复议、行政诉讼情况</p><p><img src='/u/2022/t4.png'></p>")
    rep = parse(page(body))
    assert (rep.status, rep.format) == ("parsed", "prose")
    assert rep.values() == {"legacy": {"requests_received": 35}}
    assert all(c.sentence for c in rep.cells), "every figure keeps the sentence it came from"


def test_report_page_without_tables_or_figures_is_prose_with_a_reason():
    body = f"<p>{TITLE}</p><p>一、总体情况</p><p>我局认真贯彻落实条例，详见附件。</p><p>附件：<a href='/u/nb.pdf'>年报.pdf</a></p>"
    rep = parse(page(body))
    assert (rep.status, rep.format, rep.cells) == ("parsed", "prose", [])
    assert "no statistics table" in rep.reason


def test_page_that_is_no_report_is_unparsed():
    rep = parse("<html><body><div class='nav'><a href='/'>首页</a></div><p>关于开展安全检查的通知</p>"
                "<table><tr><td>序号</td><td>单位</td></tr><tr><td>1</td><td>城关镇</td></tr></table></body></html>")
    assert rep.status == "unparsed" and "not an open-government-information annual report" in rep.reason
