"""Text dumps of reports: one cell per line, ``|`` rows, tab rows, broken labels, loose 2019 tables."""

from __future__ import annotations

import pytest

from datasette_gaireports import pipeline
from datasette_gaireports.report import ParsedReport, parse_file

APPLICANTS = ("natural_person", "commercial", "research", "public_interest", "legal_service", "other_org", "total")


def parse(text: str, encoding: str = "utf-8") -> ParsedReport:
    markers = {f.code: f.markers for f in pipeline.formats()}
    return parse_file(text.encode(encoding), "r.txt", pipeline.families(), markers)


def row(values: dict, code: str) -> list:
    return [values.get(f"{code}.{c}") for c in APPLICANTS]


HEAD_2019 = "铁岭市教育局2019年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n"
HEAD_2021 = "铁岭市教育局2021年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n"


def test_one_cell_per_line_with_blank_lines_and_stray_marks():
    lines = [
        "申请人情况", "自然人", "法人或其他组织", "总计", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他",
        "一、本年新收政府信息公开申请数量", "33?", "?", "2", "0?", "？0", "7", "0", "42",
        "二、上年结转政府信息公开申请数量", "?0", "0", "0", "？", "0", "0", "0", "0",
        "三、本年度办理结果", "(一)予以公开", "27", "2", "0", "0", "4", "0", "33", "?",
        "(二)部分公开", "?", "(区分处理的,只计这一情形,不计其他情形)", "1", "0", "0", "0", "0", "0", "1",
        "四、结转下年度继续办理", "—", "0", "0", "0", "0", "0", "—",
    ]
    rep = parse(HEAD_2019 + "\n\n".join(lines) + "\n")
    values = rep.values()["requests"]
    assert row(values, "new") == [33, 2, 0, 0, 7, 0, 42]
    assert row(values, "carried_in") == [0, 0, 0, 0, 0, 0, 0]
    assert row(values, "granted") == [27, 2, 0, 0, 4, 0, 33]
    assert row(values, "partial") == [1, 0, 0, 0, 0, 0, 1], "label and note on two lines with a stray ? between"
    assert row(values, "carried_forward") == [None, 0, 0, 0, 0, 0, None], "dashes are blank cells"
    assert not [c for c in rep.cells if c.anomaly]


def test_labels_split_over_two_lines():
    lines = [
        "一、本年新收政府信息公开", "申请数量", "5", "0", "0", "0", "0", "0", "5",
        "二、上年结转政府信息公开申请数量", "0", "0", "0", "0", "0", "0", "0",
        "(三)不予公开", "1.属于国家秘密", "0", "0", "0", "0", "0", "0", "0",
        "2.其他", "法律行政法规禁止公开", "1", "0", "0", "0", "0", "0", "1",
        "(七)总计", "5", "0", "0", "0", "0", "0", "5",
    ]
    values = parse(HEAD_2019 + "\n".join(lines)).values()["requests"]
    assert row(values, "new") == [5, 0, 0, 0, 0, 0, 5]
    assert row(values, "withheld_law") == [1, 0, 0, 0, 0, 0, 1], "its first line alone would read as 3.其他"
    assert "other_misc.total" not in values


def test_pipe_rows_with_empty_cells_and_filler_rows():
    text = HEAD_2019 + """(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和) | 申请人情况 |
||||||||
自然人 | 法人或其他组织 | 总计 |
商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 |
一、本年新收政府信息公开申请数量 | 12 |  |  |  | 1 |  | 13 |
||||
二、上年结转政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
三、本年度办理结果 | (一)予以公开 | 10 | 0 | 0 | 0 | 1 | 0 | 11 |
(七)总计 | 12 |  |  |  | 1 |  | 13 |
"""
    values = parse(text).values()["requests"]
    assert row(values, "new") == [12, None, None, None, 1, None, 13]
    assert row(values, "granted") == [10, 0, 0, 0, 1, 0, 11]
    assert row(values, "total_handled") == [12, None, None, None, 1, None, 13]


def test_spans_printed_as_empty_cells_are_aligned_by_the_column_headers():
    text = HEAD_2021 + """(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和) |  |  | 申请人情况 |  |  |  |  |  |  |
 |  |  | 自然人 | 法人或其他组织 |  |  |  |  | 总计 |
 |  |  |  | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 |  |
一、本年新收政府信息公开申请数量 |  |  |  | 3 | 0 | 0 | 1 | 0 |  |
二、上年结转政府信息公开申请数量 |  |  | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
三、本年度办理结果 | (一)予以公开 |  | 6 | 3 | 0 | 0 | 1 | 0 | 10 |
 | (七)总计 |  | 6 | 3 | 0 | 0 | 1 | 0 | 10 |
"""
    values = parse(text).values()["requests"]
    assert row(values, "new") == [None, 3, 0, 0, 1, 0, None], "blank first and last figures stay in their columns"
    assert row(values, "granted") == [6, 3, 0, 0, 1, 0, 10]
    assert row(values, "total_handled") == [6, 3, 0, 0, 1, 0, 10]


def test_lone_bar_before_each_row_and_a_cell_per_line():
    text = HEAD_2021 + """|
一、本年新收政府信息公开申请数量 |
4 |
0 |
0 |
0 |
0 |
1 |
5 |
||
二、上年结转政府信息公开申请数量 |
0 |
0 |
0 |
0 |
0 |
0 |
0 |
|
(六)其他处理 |
1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请 |
1 |
0 |
0 |
0 |
0 |
0 |
1 |
|
(七)总计 |
4 |
0 |
0 |
0 |
0 |
1 |
5 |
"""
    rep = parse(text)
    assert rep.format == "2021"
    values = rep.values()["requests"]
    assert row(values, "new") == [4, 0, 0, 0, 0, 1, 5]
    assert row(values, "other_no_correction") == [1, 0, 0, 0, 0, 0, 1]
    assert row(values, "other") == [None] * 7, "a heading spanning its sub-rows carries no figures"


def test_tab_rows_keep_blank_first_and_last_cells():
    text = "铁岭市教育局2021年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n" + "\n".join([
        "一、本年新收政府信息公开申请数量\t2\t0\t0\t0\t0\t0\t",
        "二、上年结转政府信息公开申请数量\t0\t0\t0\t0\t0\t0\t0",
        "(七)总计\t2\t0\t0\t0\t0\t0\t2",
        "四、政府信息公开行政复议、行政诉讼情况",
        "行政复议\t行政诉讼",
        "结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t复议后起诉",
        "\t\t1\t0\t1\t0\t0\t0\t0\t0\t0\t0\t0\t0\t0",
        "五、存在的主要问题及改进情况",
    ])
    rep = parse(text)
    assert row(rep.values()["requests"], "new") == [2, 0, 0, 0, 0, 0, None]
    review = rep.values()["review"]
    assert (review["review_upheld"], review["review_corrected"], review["review_other"], review["review_total"]) == (None, None, 1, 1)


def test_markdown_bordered_rows():
    text = HEAD_2019 + "\n".join([
        "| 一、本年新收政府信息公开申请数量 | 8 | 1 | 0 | 0 | 0 | 0 | 9 |",
        "| 二、上年结转政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
        "| (七)总计 | 8 | 1 | 0 | 0 | 0 | 0 | 9 |",
    ])
    values = parse(text).values()["requests"]
    assert row(values, "new") == [8, 1, 0, 0, 0, 0, 9] and row(values, "total_handled") == [8, 1, 0, 0, 0, 0, 9]


def test_rows_missing_repeated_reordered_and_an_extra_total_row():
    text = HEAD_2019 + "\n".join([
        "二、上年结转政府信息公开申请数量 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |",
        "一、本年新收政府信息公开申请数量 | | | | | | | |",
        "一、本年新收政府信息公开申请数量 | 6 | 0 | 0 | 0 | 0 | 0 | 6 |",
        "(三)不予公开 | 2.其他法律行政法规禁止公开 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
        "1.属于国家秘密 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |",
        "(七)总计 | 7 | 0 | 0 | 0 | 0 | 0 | 7 |",
        "四、结转下年度继续办理 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
        "合计 | 7 | 0 | 0 | 0 | 0 | 0 | 7 |",
    ])
    rep = parse(text)
    values = rep.values()["requests"]
    assert row(values, "new") == [6, 0, 0, 0, 0, 0, 6], "the filled copy of a repeated row wins"
    assert row(values, "carried_in") == [1, 0, 0, 0, 0, 0, 1]
    assert row(values, "withheld_state_secret") == [1, 0, 0, 0, 0, 0, 1]
    assert row(values, "withheld_law") == [0] * 7
    assert row(values, "granted") == [None] * 7, "a row the report leaves out is blank"
    checks = {(c.rule, c.scope): c.status for c in rep.checks}
    assert checks[("R1", "total")] == "pass" and checks[("R2", "total")] == "incomplete"


def test_loose_2019_table_with_a_merged_heading_row():
    text = HEAD_2019 + "\n".join([
        "一、本年新收政府信息公开申请数量 | 9 | 0 | 0 | 0 | 0 | 0 | 9 |",
        "二、上年结转政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
        "三、本年度办理结果 | 予以公开 | 5 | 0 | 0 | 0 | 0 | 0 | 5 |",
        "不予公开 | 2 | 0 | 0 | 0 | 0 | 0 | 2 |",
        "(七)总计 | 7 | 0 | 0 | 0 | 0 | 0 | 7 |",
        "四、结转下年度继续办理 | 2 | 0 | 0 | 0 | 0 | 0 | 2 |",
    ])
    rep = parse(text)
    values = rep.values()["requests"]
    assert row(values, "granted") == [5, 0, 0, 0, 0, 0, 5], "numbering dropped"
    assert all(values.get(f"withheld_state_secret.{c}") is None for c in APPLICANTS)
    merged = [c for c in rep.cells if c.flag == "value_on_heading"]
    assert merged and merged[0].row_code == "withheld" and merged[0].value == 2
    assert "value_on_heading" in rep.reason


def test_2021_tables_in_a_text_dump():
    text = "铁岭市教育局2021年度政府信息公开工作年度报告\n二、主动公开政府信息情况\n" + "\n".join([
        "第二十条第(一)项",
        "信息内容\t本年制发件数\t本年废止件数\t现行有效件数",
        "规章\t0\t0\t3",
        "行政规范性文件\t4\t1\t52",
        "第二十条第(五)项",
        "信息内容\t本年处理决定数量",
        "行政许可\t1,250",
        "第二十条第(八)项",
        "信息内容\t本年收费金额(单位:万元)",
        "行政事业性收费\t12.5",
        "三、收到和处理政府信息公开申请情况",
        "一、本年新收政府信息公开申请数量\t3\t0\t0\t0\t0\t0\t3",
    ])
    rep = parse(text)
    assert rep.format == "2021"
    active = rep.values()["active"]
    assert (active["normative_docs.issued"], active["normative_docs.in_force"]) == (4, 52)
    assert active["licensing.decisions"] == 1250 and active["fees.fee_amount"] == 12.5


def test_traditional_gbk_dump():
    text = "鐵嶺市教育局2019年政府信息公開工作年度報告\n三、收到和處理政府信息公開申請情況\n" + "\n".join([
        "一、本年新收政府信息公開申請數量 | 3 | 0 | 0 | 0 | 0 | 0 | 3 |",
        "二、上年結轉政府信息公開申請數量 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
        "（七）總計 | 3 | 0 | 0 | 0 | 0 | 0 | 3 |",
    ])
    rep = parse(text, "gb18030")
    assert rep.encoding == "gb18030"
    assert (rep.meta.agency, rep.meta.year) == ("铁岭市教育局", 2019)
    assert row(rep.values()["requests"], "total_handled") == [3, 0, 0, 0, 0, 0, 3]


def test_traditional_report_with_no_table_and_no_figure_is_a_prose_report():
    text = (
        "五常市農業農村局2017年度政府信息公開工作年度報告\n"
        "本報告根據《中華人民共和國政府信息公開條例》的規定編制。\n"
        "一、概述\n依申請公開工作運行平穩。\n五常市農業農村局\n2018年1月5日\n"
    )
    rep = parse(text, "big5")
    assert (rep.status, rep.format, rep.cells) == ("parsed", "prose", [])
    assert "no statistics table and no figure stated in the text" in rep.reason


def test_legacy_table_one_cell_per_line_with_split_labels_and_units():
    text = "唐河县2017年政府信息公开工作年度报告\n附件\n政府信息公开情况统计表\n（2017年度）\n" + "\n\n".join([
        "统计指标", "单位", "统计数",
        "一、主动公开情况", "——", "——",
        "（一）主动公开政府信", "息数(不同渠道和方式公开相同信息计1条)", "条", "5912",
        "其中：主动公开规范性文件数", "条", "?", "27",
        "三、依申请公开情况", "——",
        "（一）收到申请数", "件", "4",
        "1．当面申请数", "件", "1",
        "2．传真申请数", "件",
        "3．网络申请数", "件", "3",
        "七、依申请公开信息收取的费用", "万元", "0",
        "四、行政复议数量", "件", "1",
        "（二）被依法纠错数", "件", "0",
        "五、行政诉讼数量", "件", "0",
        "（二）被依法纠错数", "件", "0",
    ])
    rep = parse(text)
    assert rep.format == "legacy" and rep.meta.agency == "唐河县人民政府"
    legacy = rep.values()["legacy"]
    assert legacy["active_total"] == 5912 and legacy["active_normative_docs"] == 27
    assert legacy.get("requests_fax") is None and legacy["requests_online"] == 3
    assert legacy["reviews_corrected"] == 0 and legacy["lawsuits_corrected"] == 0
    assert {c.cell: c.unit for c in rep.cells}["fees_collected"] == "万元"


def test_rows_copied_from_a_pdf_with_space_separated_cells():
    text = HEAD_2021 + "\n".join([
        "申请人情况",
        "自然人 法人或其他组织 总计",
        "一、本年新收政府信息公开申请数量   7  1  0  0  0  0  8",
        "二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0",
        "三、本年度办理结果 （一）予以公开 5 1 0 0 0 0 6",
        "（三）不予 公 开 1．属于国家秘密 1 0 0 0 0 0 1",
        "（七）总计 7 1 0 0 0 0 8",
        "四、政府信息公开行政复议、行政诉讼情况",
        "行政复议 行政诉讼",
        "结果维持 结果纠正 其他结果 尚未审结 总计 未经复议直接起诉 复议后起诉",
        "0 0 1 0 1 0 0 0 0 0 0 0 0 0 0",
        "五、存在的主要问题及改进情况",
    ])
    rep = parse(text)
    values = rep.values()["requests"]
    assert row(values, "new") == [7, 1, 0, 0, 0, 0, 8]
    assert row(values, "granted") == [5, 1, 0, 0, 0, 0, 6]
    assert row(values, "withheld_state_secret") == [1, 0, 0, 0, 0, 0, 1], "a spaced label and its sub-row on one line"
    assert rep.values()["review"]["review_total"] == 1


def test_legacy_rows_with_one_figure_after_the_label():
    text = "唐河县2016年政府信息公开工作年度报告\n政府信息公开情况统计表\n" + "\n".join([
        "统计指标 单位 统计数",
        "一、主动公开情况 —— ——",
        "（一）主动公开政府信息数 条 12408",
        "其中：主动公开规范性文件数  27",
        "制发规范性文件总数 9",
        "（一）收到申请数 件 4",
        "我局全年共收到申请4件，均已按时办结 4",
    ])
    legacy = parse(text).values()["legacy"]
    assert legacy["active_total"] == 12408 and legacy["active_normative_docs"] == 27
    assert legacy["normative_docs_issued"] == 9 and legacy["requests_received"] == 4


def test_page_metadata_of_a_dumped_page():
    text = ("肇庆市人民政府\n当前位置: 首页 > 政务公开\n索引号:007141332/2015-00724 类目名称: 政府信息公开工作年度报告\n"
            "发布机构:肇庆市人民政府办公室 发布时间: 2015年03月20日\n文 号:无 废止日期:\n"
            "2014年政府信息公开工作年度报告\n本机关共收到政府信息公开申请3件。\n")
    rep = parse(text)
    from datasette_gaireports.readers import read_bytes

    meta = read_bytes(text.encode("utf-8")).page_meta
    assert meta == {"index_no": "007141332/2015-00724", "publisher": "肇庆市人民政府办公室", "published": "2015-03-20"}
    assert (rep.format, rep.meta.agency, rep.meta.published, rep.meta.year) == ("prose", "肇庆市人民政府办公室", "2015-03-20", 2014)


def test_title_over_two_lines_and_a_signature_dated_in_chinese_numerals():
    text = "\n".join([
        "临朐县城关街道",
        "2021年政府信息公开工作年度报告",
        "三、收到和处理政府信息公开申请情况",
        "一、本年新收政府信息公开申请数量 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |",
        "二、上年结转政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
        "(七)总计 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |",
        "临朐县城关街道办事处",
        "二〇二二年一月二十八日",
    ])
    rep = parse(text)
    assert (rep.meta.agency, rep.meta.year, rep.meta.published) == ("临朐县城关街道办事处", 2021, "2022-01-28")


@pytest.mark.parametrize(("above", "below", "agency"), [
    ("某新区某街道办事处2023年度政府", "信息公开工作年度报告", "某新区某街道办事处"),
    ("某市人民政府2023年", "政府信息公开工作年度报告", "某市人民政府"),
])
def test_a_title_broken_over_two_lines(above, below, agency):
    """A page breaking its title after 政府 (a street office's 2023 report) or after its year; a heading above a
    sentence that names the report is no part of a title (the name the sentence publishes the report by is)."""
    rep = parse(f"{above}\n{below}\n本机关共收到政府信息公开申请2件。\n")
    assert (rep.meta.title, rep.meta.agency, rep.meta.year) == (above + below, agency, 2023)
    sentence = parse("一、总体情况\n现公布某市某局2023年政府信息公开工作年度报告。本机关共收到政府信息公开申请2件。\n")
    assert (sentence.meta.title, sentence.meta.agency) == ("某市某局2023年政府信息公开工作年度报告", "某市某局")


def test_a_title_printing_no_year_below_the_body_name():
    """The body's name above bare report words; the year is the statistics period's."""
    text = ("某市工业和信息化局\n政府信息公开工作年度报告\n本报告所列数据的统计期限自2020年1月1日起至2020年12月31日。\n"
            "本机关共收到政府信息公开申请2件。\n")
    rep = parse(text)
    assert (rep.meta.title, rep.meta.agency, rep.meta.year) == (
        "某市工业和信息化局政府信息公开工作年度报告", "某市工业和信息化局", 2020)


@pytest.mark.parametrize(("opening", "agency"), [
    ("2020年,杨陵区统计局以习近平新时代中国特色社会主义思想为指导,加强统计监测服务。", "杨陵区统计局"),
    ("2023年,在区委、区政府的坚强领导下,官洲街道办事处认真贯彻落实《条例》。", "官洲街道办事处"),
    ("2023年,东湖街道办事处在政府信息公开系统上主动公开政府信息47条。", "东湖街道办事处"),
])
def test_a_report_printing_no_title_named_by_the_body_doing_the_year_s_work(opening, agency):
    rep = parse(f"一、总体情况\n{opening}\n本机关共收到政府信息公开申请2件。\n")
    assert (rep.meta.agency, rep.meta.agency_source) == (agency, "text")
    assert rep.meta.agency_evidence.startswith("a paragraph of the text opens with the body doing the year's work")
    for other in ("2020年,我局以习近平新时代中国特色社会主义思想为指导。", "2023年,在区委、区政府的坚强领导下,全区认真贯彻落实。",
                  "2023年,区政府办公室转发的通知要求各单位认真贯彻。"):
        assert parse(f"一、总体情况\n{other}\n本机关共收到政府信息公开申请2件。\n").meta.agency == "", other


def test_a_report_printing_its_title_only_in_the_sentence_publishing_it():
    """No line is a title (the page printed it in its template): the name a sentence publishes the report by is,
    and the report is one, its tables missing, not "no report"."""
    text = ("根据《中华人民共和国政府信息公开条例》以及区人民政府政务公开科通知要求,现公布西秀区黄腊乡2021年政府信息公开"
            "工作年度报告。\n一、总体情况\n黄腊乡扎实开展政府信息公开工作。\n")
    rep = parse(text)
    assert (rep.status, rep.format, rep.meta.title, rep.meta.agency) == (
        "parsed", "prose", "西秀区黄腊乡2021年政府信息公开工作年度报告", "西秀区黄腊乡人民政府")
    zone = parse("一、总体情况\n现公布某县某城市新区管委会2012年政府信息公开工作年度报告。本机关共收到政府信息公开申请2件。\n")
    assert (zone.meta.agency, zone.meta.agency_source) == ("某县某城市新区管委会", "title")
    compiled = parse("根据《条例》及有关年报编制文件要求,编制城厢区卫生健康局2023年度政府信息公开工作报告。\n一、总体情况\n")
    assert (compiled.meta.title, compiled.meta.agency) == ("城厢区卫生健康局2023年度政府信息公开工作报告", "城厢区卫生健康局")
    own = parse("一、总体情况\n现将我局2022年度政府信息公开工作报告如下:\n本机关共收到政府信息公开申请2件。\n")
    assert (own.meta.title, own.meta.agency) == ("", "")
    notice = parse("现将有关事项通知如下:\n一、做好年度报告编制工作。\n")
    assert notice.status == "unparsed" and not notice.meta.title


def test_a_title_naming_its_body_and_printing_no_year():
    """One line names the body and the report words; the year is the text's. A title printing its year just
    below such a line (a column's name above the report) is the title."""
    text = "驼峰路街道办事处政府信息公开工作年度报告\n2020年度我街办未接到提出公开政府信息的申请。\n"
    rep = parse(text)
    assert (rep.meta.title, rep.meta.agency, rep.meta.year) == (
        "驼峰路街道办事处政府信息公开工作年度报告", "驼峰路街道办事处", 2020)
    below = parse("某市财政局政府信息公开年报\n某市财政局2021年政府信息公开工作年度报告\n本机关共收到政府信息公开申请2件。\n")
    assert (below.meta.title, below.meta.year) == ("某市财政局2021年政府信息公开工作年度报告", 2021)


YUYANG_2020 = [  # a street office's 2020 report as its page dumped it: a paragraph per cell, one empty line apart
    "驼峰路街道办事处政府信息公开工作年度报告", "一、总体情况", "(四)因政府信息公开申请的行政复议、行政诉讼情况",
    "2020年驼峰路街道办未发生因政府信息公开申请提起的行政复议和行政诉讼案件。", "二、主动公开政府信息情况",
    "第二十条第(一)项", "信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量",
    "规章", "0", "0", "0", "规范性文件", "0", "0", "0",
    "第二十条第(五)项", "信息内容", "上一年项目数量", "本年增/减", "处理决定数量",
    "行政许可", "0", "0", "0", "其他对外管理服务事项", "0", "0", "0",
    "第二十条第(八)项", "信息内容", "上一年项目数量", "本年增/减", "", "行政事业性收费", "0", "0", "",
    "三、收到和处理政府信息公开申请情况", "申请人情况", "自然人", "法人或其他组织", "总计",
    "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "",
    "一、本年新收政府信息公开申请数量", "", "", "", "", "", "", " 0",
    "二、上年结转政府信息公开申请数量", "", "", "", "", "", "", " 0",
    "三、本年度办理结果", "(一)予以公开", "2", "", "", "", "", "1", "3",
    "(二)部分公开(区分处理的,只计这一情形,不计其他情形)", "", "", "", "", "", "", " 0",
]


def yuyang_dump() -> str:
    """The cells of :data:`YUYANG_2020` joined as its converter writes them: an empty line between two cells,
    one more for each blank cell."""
    out = YUYANG_2020[0]
    for cell in YUYANG_2020[1:]:
        out += "\n" if not cell else "\n\n" + cell
    return out + "\n"


def test_blank_cells_written_as_more_empty_lines():
    rep = parse(yuyang_dump())
    requests = rep.values()["requests"]
    assert row(requests, "new") == [None] * 6 + [0], "the figure stands in its column: 总计"
    assert row(requests, "carried_in") == [None] * 6 + [0]
    assert row(requests, "granted") == [2, None, None, None, None, 1, 3], "blanks between figures"
    assert row(requests, "partial") == [None] * 6 + [0]
    assert not [c for c in rep.cells if c.anomaly]
    assert rep.values()["active"]["fees.change"] == 0, "the blank after a row's last figure is no cell of it"


def test_an_overview_heading_naming_table_four_groups_is_no_header_of_it():
    """Table 四 is not printed: the figures after the overview's heading naming its groups are table 二's."""
    rep = parse(yuyang_dump())
    assert "review" not in rep.families
    assert rep.values()["active"]["regulations.made"] == 0


def test_a_title_whose_year_is_printed_in_chinese_numerals():
    for title, agency in (("二〇二一年临朐县人民政府政府信息公开工作年度报告", "临朐县人民政府"),
                          ("临朐县教育局二〇二一年度政府信息公开工作年度报告", "临朐县教育局")):
        rep = parse(f"{title}\n本机关共收到政府信息公开申请2件。\n")
        assert (rep.format, rep.meta.title, rep.meta.agency, rep.meta.year) == ("prose", title, agency, 2021)


def test_body_named_only_in_the_signature():
    text = "2021年度政府信息公开工作年度报告\n本机关共收到政府信息公开申请2件。\n临朐县住房和城乡建设局\n2022年1月5日\n"
    rep = parse(text)
    assert (rep.format, rep.meta.agency, rep.meta.agency_source, rep.meta.published) == (
        "prose", "临朐县住房和城乡建设局", "text", "2022-01-05")


def test_a_repeated_row_whose_label_two_rows_share():
    text = "唐河县2016年政府信息公开工作年度报告\n政府信息公开情况统计表\n" + "\n".join([
        "四、行政复议数量 | 件 | 3 |",
        "（一）维持具体行政行为数 | 件 | 1 |",
        "（二）被依法纠错数 | 件 | 1 |",
        "（二）被依法纠错数 | 件 | 1 |",
        "（三）其他情形数 | 件 | 1 |",
        "五、行政诉讼数量 | 件 | 2 |",
        "（一）维持具体行政行为或者驳回原告诉讼请求数 | 件 | 2 |",
        "（二）被依法纠错数 | 件 | 0 |",
        "（三）其他情形数 | 件 | 0 |",
    ])
    legacy = parse(text).values()["legacy"]
    assert [legacy[c] for c in ("reviews_corrected", "reviews_other", "lawsuits_corrected", "lawsuits_other")] == [1, 1, 0, 0]


def test_a_row_the_template_lacks_is_left_out_and_noted():
    """A 2020 table 二 printing 其他主动公开文件 between the template's rows: its figures go into no row (cells of
    flag stray_row, coded by the label), the rows around it are read, and the reason names the row, its line and
    its figures."""
    text = "\n".join([
        "某市人民政府办公室",
        "2020年政府信息公开工作年度报告",
        "二、行政机关主动公开政府信息情况",
        "第二十条第(一)项 | |||",
        "信息内容 | 本年新 制作数量 | 本年新 公开数量 | 对外公开总数量 |",
        "规章 | 2 | 2 | 3 |",
        "规范性文件 | 11 | 11 | 119 |",
        "其他主动公开文件 | 56 | 45 | 300 |",
        "第二十条第(五)项 | |||",
        "信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量 |",
        "行政许可 | 0 | 0 | 4 |",
    ])
    rep = parse(text)
    values = rep.values()["active"]
    assert (rep.format, rep.meta.agency) == ("2019", "某市人民政府办公室")
    assert [values[f"normative_docs.{c}"] for c in ("made", "published", "total_public")] == [11, 11, 119]
    assert values["licensing.decisions"] == 4 and 56 not in values.values()
    assert [(c.cell, c.raw, c.position) for c in rep.cells if c.flag == "stray_row"] == [
        (f"其他主动公开文件+{k}", raw, f"line 8, cell {k + 1}") for k, raw in ((1, "56"), (2, "45"), (3, "300"))]
    assert "row not in the template at line 8, cell 1: '其他主动公开文件' (56 45 300), kept as active cells of flag stray_row" in rep.reason


def test_a_row_the_template_lacks_in_a_dump_one_cell_per_line():
    """2021's 行政许可 has one column: a text and a figure after its figure are a row of their own, not a text in a
    value cell and an extra value (which 2019's three columns would make them)."""
    cells = ["2021年某局政府信息公开工作年度报告", "二、主动公开政府信息情况", "第二十条第(五)项", "信息内容",
             "本年处理决定数量", "行政许可", "7", "其他文件", "16", "第二十条第(六)项", "信息内容", "本年处理决定数量",
             "行政处罚", "3", "行政强制", "0", "第二十条第(八)项", "信息内容", "本年收费金额(单位:万元)",
             "行政事业性收费", "0"]
    rep = parse("\n\n".join(cells))
    values = rep.values()["active"]
    assert rep.format == "2021" and values["licensing.decisions"] == 7 and values["penalties.decisions"] == 3
    assert [(c.cell, c.value, c.flag) for c in rep.cells if c.anomaly] == [("其他文件+1", 16, "stray_row")]
    assert "'其他文件' (16), kept as active cells of flag stray_row" in rep.reason


def test_a_township_titled_by_its_own_name_is_named_as_its_signature_prints_it():
    """A title printing 建新镇 alone, the signature 遂溪县建新镇人民政府: the body is the signature's (many
    townships share a name); a signature naming another body changes nothing."""
    text = ("2018年建新镇政府信息公开工作年度报告\n2018年度我镇主动公开政府信息数22条。\n"
            "遂溪县建新镇人民政府\n2018年12月31日\n")
    rep = parse(text)
    assert (rep.meta.agency, rep.meta.agency_printed) == ("遂溪县建新镇人民政府", "建新镇")
    assert "signature 遂溪县建新镇人民政府 names it in full" in rep.meta.agency_evidence
    other = parse(text.replace("遂溪县建新镇人民政府", "遂溪县人民政府办公室"))
    assert other.meta.agency == "建新镇人民政府"


def test_statements_of_no_request_and_no_fee():
    """没有接到…政府信息的申请 states no request, 信息公开没有收费 no fee: both 0, each with its sentence."""
    text = ("2018年某镇政府信息公开工作年度报告\n2018年度我镇没有接到群众主动要求公开政府信息的申请。\n"
            "2018年度,我镇政府信息公开没有收费。\n")
    rep = parse(text)
    got = {c.cell: (c.value, c.raw) for c in rep.cells}
    assert got["requests_received"] == (0, "没有接到群众主动要求公开政府信息的申请")
    assert got["fees_collected"] == (0, "信息公开没有收费")
    other = parse("2012年某局政府信息公开工作年度报告\n本单位没有向依申请公开对象收取复印、传真、递送等任何费用。\n")
    assert [(c.cell, c.value) for c in other.cells] == [("fees_collected", 0)]


def test_a_signature_of_two_bodies_does_not_rename_the_body():
    text = ("2021年某市教育局政府信息公开工作年度报告\n本机关共收到政府信息公开申请2件。\n"
            "中共某市委教育工作委员会 某市教育局\n2022年1月5日\n")
    assert parse(text).meta.agency == "某市教育局"


@pytest.mark.parametrize(("title", "body", "agency"), [
    ("某工业园区2020年政府信息公开工作年度报告", "本园区共收到政府信息公开申请2件。", "某工业园区"),
    ("某工业园区2020年政府信息公开工作年度报告", "某工业园区管委会共收到政府信息公开申请2件。", "某工业园区管委会"),
    ("某新区2020年政府信息公开工作年度报告", "某新区人民政府共收到政府信息公开申请2件。", "某新区人民政府"),
])
def test_a_zone_printed_bare_is_no_peoples_government(title, body, agency):
    """A zone has an administrative committee: a bare zone name is completed only as the text prints it."""
    assert parse(f"{title}\n{body}\n").meta.agency == agency


@pytest.mark.parametrize(("sentence", "agency"), [
    ("本年度报告根据《条例》要求,由某市工业和信息化局编制而成。", "某市工业和信息化局"),
    ("本报告由某市人民政府信息公开工作领导小组办公室根据《条例》要求编制。", "某市人民政府"),
    ("本报告由某县某镇人民政府党政办公室编制。", "某县某镇人民政府"),
    ("结合某市商务局2022年政府信息公开工作实际,编制发布本报告。", "某市商务局"),
    ("本报告由某市某区人民政府信息公开办编制。", "某市某区人民政府"),
    ("本报告由我局编制。", ""),
    ("本报告由区政府办公室编制。", ""),
])
def test_a_report_without_a_title_is_named_by_the_sentence_naming_its_author(sentence, agency):
    rep = parse(f"一、总体情况\n{sentence}本机关共收到政府信息公开申请2件。\n")
    assert rep.meta.agency == agency
    assert (rep.meta.agency_source == "text") == bool(agency)
