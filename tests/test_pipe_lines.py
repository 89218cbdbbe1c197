"""Tables dumped one cell per line, each cell ending in `` |``: a line holding only ``|`` is a blank cell where
another cell follows it, and the start (or padding) of a row where a row's label follows it. Such a dump may
also lose the labels of a heading's rows: their figures are read by their place. A dump may also write the
``|`` before each cell after a row's first: its rows are joined back.

The fixtures are the beginnings of two published 2022 reports as a converter dumped their pages, the tables
cut off where the dumps end (a title line added to the first): one writes a ``|`` before each row and a
blank cell as ``|`` (汉阳区, zfxxgkndbg/202301/t20230119_2136694), the other no ``|`` before a row, a blank
cell as ``|`` and ``|`` or ``||`` after each row (二道区, zfxxgknb/202301/t20230117_3105437)."""

from __future__ import annotations

import re

import pytest

from datasette_gaireports import pipeline
from datasette_gaireports.build import build
from datasette_gaireports.corpus import generate_corpus
from datasette_gaireports.corpus.score import lines, load_export, load_truth, perfect, score
from datasette_gaireports.export import export_lines
from datasette_gaireports.readers import decode
from datasette_gaireports.report import ParsedReport, parse_file
from datasette_gaireports.tokens import text_tokens

from .conftest import FIXTURES

ROW_STARTS = FIXTURES / "pipe_lines" / "2022_汉阳区政府办_每行前竖线.txt"
PADDED_ROWS = FIXTURES / "pipe_lines" / "2022_二道区房屋征收办_空白为竖线.txt"
ORGANISATIONS = ("commercial", "research", "public_interest", "legal_service", "other_org")


def parse(text: str, source: str = "dump.txt") -> ParsedReport:
    markers = {f.code: f.markers for f in pipeline.formats()}
    return parse_file(text.encode("utf-8"), source, pipeline.families(), markers)


def _values(rep: ParsedReport, family: str, row: str) -> dict[str, tuple[str, object, str]]:
    return {c.column_code: (c.raw, c.value, c.flag) for c in rep.cells if c.family == family and c.row_code == row}


def test_a_dump_writing_a_pipe_before_each_row_keeps_a_rows_blank_last_cell():
    rep = parse(ROW_STARTS.read_text(encoding="utf-8"), ROW_STARTS.name)
    assert rep.format == "2021" and "short_row" not in rep.reason
    assert _values(rep, "active", "regulations") == {
        "issued": ("0", 0, ""), "repealed": ("0", 0, ""), "in_force": ("", None, "blank")}, "规章 | 0 | 0 | (blank)"
    assert _values(rep, "active", "normative_docs") == {
        "issued": ("5", 5, ""), "repealed": ("12", 12, ""), "in_force": ("8", 8, "")}
    assert {c: v for c, (_r, v, _f) in _values(rep, "requests", "new").items()} == {
        "natural_person": 8, **dict.fromkeys(ORGANISATIONS, 0), "total": 8}


def test_a_dump_writing_blank_cells_as_pipes_keeps_them_in_place():
    rep = parse(PADDED_ROWS.read_text(encoding="utf-8"), PADDED_ROWS.name)
    assert rep.format == "2021" and "short_row" not in rep.reason
    new = _values(rep, "requests", "new")
    assert new["natural_person"] == ("56", 56, "") and new["total"] == ("56", 56, ""), "not 56 and 56 side by side"
    assert {new[c] for c in ORGANISATIONS} == {("", None, "blank")}
    granted = _values(rep, "requests", "granted")
    assert granted["natural_person"][1] == 18 and granted["total"] == ("", None, "blank"), "the row's | after it"
    assert {v for _raw, v, _flag in _values(rep, "requests", "withheld_state_secret").values()} == {None}


TABLE_4 = """四、政府信息公开行政复议、行政诉讼情况
|
行政复议 |
行政诉讼 |
||
结果维持 |
结果纠正 |
其他结果 |
尚未审结 |
总计 |
未经复议直接起诉 |
复议后起诉 |
||||||
结果维持 |
结果纠正 |
其他结果 |
尚未审结 |
总计 |
结果维持 |
结果纠正 |
其他结果 |
尚未审结 |
总计 |
|
{cells}
五、存在的主要问题及改进情况
"""


@pytest.mark.parametrize("last", ["0", ""])
def test_the_row_of_table_4_starts_after_its_pipe_and_keeps_a_blank_last_cell(last):
    values = ["", "1", "", "", "1", "", "", "", "", "", "", "", "", "", last]
    text = ROW_STARTS.read_text(encoding="utf-8") + TABLE_4.format(cells="\n".join(f"{v} |" for v in values))
    rep = parse(text)
    assert rep.format == "2021" and "review" in rep.families
    review = [(c.cell, c.raw) for c in rep.cells if c.family == "review"]
    assert [raw for _cell, raw in review] == values
    assert review[4] == ("review_total", "1") and review[-1] == ("suit_after_review_total", last)


def test_a_lone_pipe_is_a_blank_cell_only_in_a_dump_writing_cells_so():
    cells = "\n".join(f"{k} |" for k in range(10))
    assert [t.text for t in text_tokens(f"{cells}\n|\n9 |\n|\n标签 |")][9:] == ["9", "", "9", "标签"]
    assert [t.text for t in text_tokens("甲 | 乙 | 丙\n|\n1 | 2 | 3")] == ["甲", "乙", "丙", "1", "2", "3"]


UNLABELLED = FIXTURES / "pipe_lines" / "2019_某局_不予公开分项无标签.txt"
"""Modelled on a published 2019-format report dumped so: table 三's ``(三)不予公开`` followed by its eight rows'
figures, seven each, with none of the rows' labels (1.属于国家秘密 …)."""


def _withheld_block(figures: list[str]) -> str:
    text = UNLABELLED.read_text(encoding="utf-8")
    head, rest = text.split("(三)不予公开 |\n", 1)
    return head + "(三)不予公开 |\n" + "".join(f"{f} |\n" for f in figures) + rest[rest.index("(四)"):]


def test_the_rows_of_a_heading_printed_without_their_labels_are_read_in_the_templates_order():
    figures = [str(k) for k in range(1, 57)]
    rep = parse(_withheld_block(figures), UNLABELLED.name)
    assert rep.format == "2019" and "value_on_heading" not in rep.reason
    withheld = [c for c in rep.cells if c.family == "requests" and c.row_code.startswith("withheld_")]
    assert [c.raw for c in withheld] == figures and {c.flag for c in withheld} == {"unlabelled_row"}
    assert (withheld[0].cell, withheld[-1].cell) == ("withheld_state_secret.natural_person", "withheld_query.total")
    assert not any(c.anomaly for c in withheld), "figures of their rows, checked like any"


def test_figures_after_a_heading_that_are_not_its_rows_cells_stay_flagged():
    rep = parse(_withheld_block([str(k) for k in range(1, 56)]), UNLABELLED.name)
    withheld = [c for c in rep.cells if c.family == "requests" and c.row_code.startswith("withheld")]
    assert len(withheld) == 55 and {c.flag for c in withheld} == {"value_on_heading"}, "55 figures: not 8 rows of 7"


FORM = """指 标 名 称
| 计量
单位
| 代码
| 本期实际
| 本年累计
|
主动公开信息数
| 条
| 01
|
| 12
|
其中:全文电子化的主动公开信息数
| 条
| 02
| 5
|
|
"""


def test_a_dump_writing_each_further_cell_after_a_pipe_has_its_rows_joined_back():
    """As a converter dumped a page's statistics form: a row's first cell on a line, each further cell on a
    line after a ``|`` (a blank one a lone ``|``, a header broken over two lines), a lone ``|`` ending the
    row."""
    rows: dict[int, list[str]] = {}
    tokens = list(text_tokens(FORM))
    for t in tokens:
        rows.setdefault(t.row or 0, []).append(t.text)
    assert [t.line for t in tokens if t.row == 2] == [8, 9, 10, 11, 12], "each cell at the line it starts on"
    assert list(rows.values()) == [
        ["指 标 名 称", "计量单位", "代码", "本期实际", "本年累计"],
        ["主动公开信息数", "条", "01", "", "12"],
        ["其中:全文电子化的主动公开信息数", "条", "02", "5", ""],
    ]


def test_a_row_of_blank_cells_written_a_line_per_cell_is_joined_back():
    """A dump of a row per line writing 规章's three blank cells as ``规章 |`` and three lone ``|`` (a report of
    a township, 2019): one row of blank cells, each at its line, where the lone ``|`` were filler before."""
    text = "\n".join([
        "某镇人民政府2019年政府信息公开工作年度报告", "二、主动公开政府信息情况", "第二十条第(一)项 | |||",
        "信息内容 | 本年新 制作数量 | 本年新 公开数量 | 对外公开总数量 |", "规章 |", "|", "|", "|",
        "规范性文件(指各行政机关印发的有正式文号的文件) | 2 | 0 | 83 |", "第二十条第(五)项 | |||",
        "信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量 |", "行政许可 | 71 | -11 | 0 |",
        "其他对外管理服务事项 | 5 | 2 | 40 |",
    ])
    row = [t for t in text_tokens(text) if t.line >= 5 and t.row is not None and t.line <= 8]
    assert [(t.text, t.line) for t in row] == [("规章", 5), ("", 6), ("", 7), ("", 8)]
    rep = parse(text)
    assert _values(rep, "active", "regulations") == {c: ("", None, "blank") for c in ("made", "published", "total_public")}
    assert _values(rep, "active", "normative_docs")["total_public"] == ("83", 83, "")
    assert not [c for c in rep.cells if c.anomaly]


def test_a_row_ending_in_a_figure_needs_no_lone_pipe_after_it():
    """A dump writing each further cell after a ``|`` may end a row of figures with no lone ``|``: the next
    line's label starts a row, where a line after a cell of text is still the rest of that cell."""
    text = "\n".join(["指 标 名 称", "| 计量", "单位", "| 本期实际", "|", "主动公开信息数", "| 条", "| 12",
                      "其中:全文电子化的主动公开信息数", "| 条", "| 5", "新增的行政规范性文件数", "| 条", "| 0",
                      "提供服务类信息数", "| 条", "| 7", "|"])
    rows: dict[int, list[str]] = {}
    for t in text_tokens(text):
        rows.setdefault(t.row or 0, []).append(t.text)
    assert list(rows.values()) == [["指 标 名 称", "计量单位", "本期实际"], ["主动公开信息数", "条", "12"],
                                   ["其中:全文电子化的主动公开信息数", "条", "5"], ["新增的行政规范性文件数", "条", "0"],
                                   ["提供服务类信息数", "条", "7"]]


def test_generated_dumps_of_each_pipe_layout_are_read_exactly(tmp_path):
    truths = generate_corpus(tmp_path / "g", 120, 12)
    dumps = {t["source"]: t for t in truths if t["rendering"] in ("text_pipe_lines", "text_pipe")}
    first = {s for s in dumps if any(line.startswith("| ") for line in _lines(tmp_path / "g" / "reports" / s))}
    assert first and len(first) < len(dumps), "both layouts"
    texts = {s: [line.strip() for line in _lines(tmp_path / "g" / "reports" / s) if line.strip()] for s in dumps}
    assert any(re.fullmatch(r"\| ?\d+", a) and not b.startswith("|") for s in first for a, b in zip(texts[s], texts[s][1:])), (
        "rows of figures ended by no lone |")
    assert any(a.endswith(" |") and a.count("|") == 1 and b == "|" for lines_ in texts.values() for a, b in zip(lines_, lines_[1:])), (
        "rows of blank cells written a line per cell")
    build([tmp_path / "g" / "reports"], tmp_path / "g.db")
    (tmp_path / "g.jsonl").write_text("\n".join(export_lines(str(tmp_path / "g.db"))), encoding="utf-8")
    truth = {k: v for k, v in load_truth(tmp_path / "g" / "truth").items() if k in dumps}
    result = score(truth, load_export(tmp_path / "g.jsonl"))
    assert result.total.reports == len(dumps) and perfect(result), "\n".join(lines(result, show=40))


def _lines(path) -> list[str]:
    return decode(path.read_bytes())[0].splitlines()


@pytest.mark.parametrize("subtotal", [True, False])
def test_the_2021_other_handling_row_without_its_rows_labels(subtotal):
    """2021's (六)其他处理 is a row, not a heading: its three rows' figures after its label, with the row's own
    figures before them where the report prints that subtotal."""
    fam = next(f for f in pipeline.families() if f.name == "requests")
    other = fam.row("other")
    under = fam.rows_under(other, "2021")
    lines, expected, k = [], {}, 0
    for row in fam.data_rows("2021"):
        if row in under:
            continue
        lines.append(row.label_for("2021"))
        for r in ([row] if row is not other else ([other] if subtotal else []) + list(under)):
            for c in r.columns["2021"]:
                k += 1
                lines.append(str(k))
                expected[f"{r.code}.{c}"] = k
    head = ROW_STARTS.read_text(encoding="utf-8").split("三、收到和处理政府信息公开申请情况")[0]
    rep = parse(head + "三、收到和处理政府信息公开申请情况\n" + "\n".join(lines) + "\n四、政府信息公开行政复议、行政诉讼情况\n")
    got = {c.cell: (c.value, c.flag) for c in rep.cells if c.family == "requests"}
    assert {cell: v for cell, (v, _f) in got.items()} == expected and not rep.reason
    assert {f for cell, (_v, f) in got.items() if cell.startswith("other_")} == {"unlabelled_row"}
    assert ("other.total" in got) is subtotal and got.get("other.total", (0, ""))[1] == ""
