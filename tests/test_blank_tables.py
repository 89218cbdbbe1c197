"""Standard tables printed with no figure in any cell: the template left blank is read as such, never as
a report without tables, and never invented zeros."""

from __future__ import annotations

from datasette_gaireports import pipeline
from datasette_gaireports.report import ParsedReport, parse_file

TABLE_2_2019 = [
    "二、主动公开政府信息情况", "第二十条第(一)项", "信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量",
    "规章", "规范性文件", "第二十条第(五)项", "信息内容", "上一年项目数量", "本年增/减", "处理决定数量", "行政许可",
    "其他对外管理服务事项", "第二十条第(六)项", "信息内容", "上一年项目数量", "本年增/减", "处理决定数量", "行政处罚",
    "行政强制", "第二十条第(八)项", "信息内容", "上一年项目数量", "本年增/减", "行政事业性收费",
]
TABLE_3_2019 = [
    "三、收到和处理政府信息公开申请情况", "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)",
    "申请人情况", "自然人", "法人或其他组织", "总计", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他",
    "一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "三、本年度办理结果", "(一)予以公开",
    "(二)部分公开(区分处理的,只计这一情形,不计其他情形)", "(三)不予公开", "1.属于国家秘密",
    "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”",
]


def parse(data: str, source: str = "r.txt") -> ParsedReport:
    markers = {f.code: f.markers for f in pipeline.formats()}
    return parse_file(data.encode("utf-8"), source, pipeline.families(), markers)


def test_template_dumped_one_cell_per_line_with_every_cell_blank():
    # a township's 2022 report as its page dumped it: the 2019 template, every cell left blank
    text = "\n\n".join([
        "2022年度螅镇政府信息公开工作年度报告", "来源:原创     发布时间:2023-01-31 13:24", "一、总体情况",
        "2022年以来,螅镇政府信息公开工作扎实有序推进。主动公开政务文件11份,开展政策解读活动15次。",
        *TABLE_2_2019, *TABLE_3_2019,
    ])
    rep = parse(text)
    assert (rep.status, rep.format, rep.families) == ("parsed", "2019", ("active", "requests"))
    assert rep.cells == [], "a blank cell is no figure: nothing is invented"
    assert rep.checks and {c.status for c in rep.checks} == {"incomplete"}
    assert "tables 二、三 found with no figure in any cell" in rep.reason
    assert "no statistics table" not in rep.reason


def test_blank_template_without_a_report_title_is_no_report():
    # the notice publishing the format prints the same blank template under a title of its own
    text = "\n".join([
        "国务院办公厅政府信息与政务公开办公室关于印发《中华人民共和国政府信息公开工作年度报告格式》的通知",
        "中华人民共和国政府信息公开工作年度报告格式", "一、总体情况", *TABLE_2_2019, *TABLE_3_2019,
    ])
    rep = parse(text)
    assert (rep.status, rep.format) == ("unparsed", None)
    assert "not an open-government-information annual report" in rep.reason
    # a province's notice on compiling the reports, the template attached: its title names the report, and is a notice's
    notice = parse("\n".join([
        "某省人民政府办公厅关于做好2021年度政府信息公开工作年度报告编制发布工作的通知", "各市人民政府,省政府各部门:",
        "现将有关事项通知如下:", "附件:年度报告格式", "一、总体情况", *TABLE_2_2019, *TABLE_3_2019,
    ]))
    assert (notice.status, notice.format, notice.meta.title) == ("unparsed", None, "")


def test_html_table_three_printed_blank_beside_a_filled_table_two():
    def tr(*cells: str) -> str:
        return "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"

    blank = ("",) * 7
    table_2 = "<table>" + "".join([
        tr("第二十条第(一)项"), tr("信息内容", "本年制发件数", "本年废止件数", "现行有效件数"),
        tr("规章", "0", "0", "0"), tr("行政规范性文件", "3", "1", "12"),
        tr("第二十条第(五)项"), tr("信息内容", "本年处理决定数量"), tr("行政许可", "56"),
        tr("第二十条第(六)项"), tr("信息内容", "本年处理决定数量"), tr("行政处罚", "8"), tr("行政强制", "0"),
    ]) + "</table>"
    table_3 = "<table>" + "".join([
        tr("申请人情况", "自然人", "法人或其他组织", "总计"),
        tr("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"),
        tr("一、本年新收政府信息公开申请数量", *blank), tr("二、上年结转政府信息公开申请数量", *blank),
        tr("三、本年度办理结果", "(一)予以公开", *blank), tr("(二)部分公开", *blank),
        tr("四、结转下年度继续办理", *blank),
    ]) + "</table>"
    page = (
        '<html><head><meta charset="utf-8"></head><body><div class="content">'
        "<h1>临朐县教育体育局2021年政府信息公开工作年度报告</h1><p>一、总体情况</p><p>本局依法公开政府信息。</p>"
        f"<p>二、主动公开政府信息情况</p>{table_2}<p>三、收到和处理政府信息公开申请情况</p>{table_3}"
        "</div></body></html>"
    )
    rep = parse(page, "r.html")
    assert (rep.status, rep.format, rep.families) == ("parsed", "2021", ("active", "requests"))
    values = rep.values()
    assert values["active"]["normative_docs.issued"] == 3
    requests = [c for c in rep.cells if c.family == "requests"]
    assert requests and all(c.value is None and c.raw == "" for c in requests), "blank cells kept blank"
    requests_rules = {r.id for f in pipeline.families() if f.name == "requests" for r in f.rules}
    assert {c.status for c in rep.checks if c.rule in requests_rules} == {"incomplete"}
    assert "table 三 found with no figure in any cell" in rep.reason
