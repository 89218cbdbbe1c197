"""Tables dumped one cell per line, each cell ending in `` |``: a line holding only ``|`` is a blank cell where
another cell follows it, and the start (or padding) of a row where a row's label follows it. Such a dump may
also lose the labels of a heading's rows: their figures are read by their place.

The fixtures are the beginnings of two published 2022 reports as a converter dumped their pages, the tables
cut off where the dumps end (a title line added to the first): one writes a ``|`` before each row and a
blank cell as ``|`` (汉阳区, zfxxgkndbg/202301/t20230119_2136694), the other no ``|`` before a row, a blank
cell as ``|`` and ``|`` or ``||`` after each row (二道区, zfxxgknb/202301/t20230117_3105437)."""

from __future__ import annotations

import pytest

from datasette_gaireports import pipeline
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
