"""Text against tables (P rules): figures the prose states that the tables also hold."""

from __future__ import annotations

import json

import pytest
import sqlite_utils

from datasette_gaireports.build import build
from datasette_gaireports.checks import text_vs_table
from datasette_gaireports.crossrules import NONE_RULES, PROSE_LINKS, TEXT_VS_TABLE, is_none_statement, statement_kinds
from datasette_gaireports.prose import figures
from datasette_gaireports.values import chinese_count

from .conftest import SEEDS

SEED_000 = SEEDS / "000_02a42f32ea1aea98.txt"  # 铁岭 2019: 受理公开政府信息申请42件, table 三 new.total 42
STATED = "受理公开政府信息申请42件"


def p_checks(db: sqlite_utils.Database, source: str) -> dict[tuple[str, str], dict]:
    sql = ("select c.*, i.cells, i.left_cells from checks c join reports r using (report_id) join rules u using (rule)"
           " join rule_instances i using (instance) where r.source = ? and u.kind = 'text_vs_table'")
    return {(c["rule"], c["scope"]): c for c in db.query(sql, [source])}


@pytest.fixture(scope="module")
def stated_41(tmp_path_factory) -> sqlite_utils.Database:
    folder = tmp_path_factory.mktemp("prose")
    text = SEED_000.read_text(encoding="utf-8")
    assert STATED in text
    (folder / "41.txt").write_text(text.replace(STATED, "受理公开政府信息申请41件"), encoding="utf-8")
    build([folder], folder / "o.db")
    return sqlite_utils.Database(folder / "o.db")


def test_agreement_passes_with_its_sentence(seeds_db):
    db = sqlite_utils.Database(seeds_db)
    c = p_checks(db, "000_02a42f32ea1aea98.txt")[("P1", "requests_received")]
    assert (c["status"], c["left"], c["right"]) == ("pass", 42, 42)
    assert STATED in c["note"]
    assert (json.loads(c["cells"]), c["left_cells"]) == (["prose:requests_received", "new.total"], 1)


def test_disagreement_fails(stated_41):
    c = p_checks(stated_41, "41.txt")[("P1", "requests_received")]
    assert (c["status"], c["left"], c["right"], c["difference"]) == ("fail", 41, 42, -1)
    assert "受理公开政府信息申请41件" in c["note"]
    rep = next(stated_41.query("select * from reports"))
    assert rep["check_status"] == "fail"


def test_every_seed_statement_agrees_with_its_table(seeds_db):
    db = sqlite_utils.Database(seeds_db)
    statuses: dict[tuple[str, ...], str] = {}
    for source in ("000_02a42f32ea1aea98.txt", "001_6062cf8d5ea0336b.txt", "002_87372135737a189f.txt",
                   "004_4de4fcdb2784b386.txt"):
        statuses |= {(source, *k): c["status"] for k, c in p_checks(db, source).items()}
    assert statuses and set(statuses.values()) == {"pass"}
    # 002 says 今年未收到…依申请公开请求 before it counts 申请0次: the first statement is one of none
    assert ("002_87372135737a189f.txt", "P5", "requests_received") in statuses, "legacy table: same code"
    assert ("001_6062cf8d5ea0336b.txt", "P4", "reviews") in statuses, "a statement of none against table 四"


def test_prose_reports_are_not_checked_against_themselves(seeds_db):
    db = sqlite_utils.Database(seeds_db)
    assert p_checks(db, "003_0f7dd0209a58a4d8.txt") == {}


def _values_and_figures(text: str) -> tuple[dict, list]:
    return {"review": {f"{g}_{o}": 0 for g in ("review", "suit_direct", "suit_after_review")
                       for o in ("upheld", "corrected", "other", "pending", "total")}}, figures(text)


def test_statement_of_none_against_a_nonzero_table_is_a_warning():
    values, stated = _values_and_figures("2019年,本机关没有因政府信息公开而产生行政复议。")
    values["review"]["review_total"] = 1
    [check] = [c for c in text_vs_table("2019", values, stated) if c.scope == "reviews"]
    assert (check.rule, check.status, check.left, check.right) == ("P4", "warning", 0, 1)
    assert "没有因政府信息公开而产生行政复议" in check.note


def test_blank_table_cell_is_incomplete():
    values = {"requests": {"new.total": None}}
    check = text_vs_table("2021", values, figures("本年共受理政府信息公开申请7件。"))[0]
    assert (check.rule, check.status, check.missing) == ("P1", "incomplete", ("new.total",))


def test_rules_are_data_built_from_the_links():
    by_id = {r.id: r for r in TEXT_VS_TABLE}
    linked = {(lk.family, lk.code) for lk in PROSE_LINKS}
    instances = {(r.family, i.scope) for r in TEXT_VS_TABLE for i in r.instances}
    assert instances == linked
    assert by_id["P1"].severity == "fail"
    for rule in TEXT_VS_TABLE:
        none_rule = rule.id in NONE_RULES
        assert rule.severity == ("warning" if none_rule else "fail")
        assert all(none_rule in statement_kinds(i.scope) for i in rule.instances)


def test_each_figure_is_read_as_a_count_or_a_statement_of_none():
    stated = {c.cell: c for c in figures("全年收到行政复议2件。未发生因政府信息公开提起行政诉讼的情况。")}
    assert (stated["reviews"].value, is_none_statement(stated["reviews"])) == (2, False)
    assert (stated["lawsuits"].value, is_none_statement(stated["lawsuits"])) == (0, True)


@pytest.mark.parametrize(("fmt", "family", "cell", "rule"), [
    ("2021", "requests", "new.total", "P6"), ("legacy", "legacy", "requests_received", "P5")])
def test_a_statement_that_no_request_came_is_a_zero_against_the_table(fmt, family, cell, rule):
    stated = figures("本年度我局未收到政府信息公开申请。")
    assert [(f.cell, f.value) for f in stated] == [("requests_received", 0)] and is_none_statement(stated[0])
    [check] = text_vs_table(fmt, {family: {cell: 3}}, stated)
    assert (check.rule, check.status, check.left, check.right) == (rule, "warning", 0, 3)


def test_a_count_against_the_legacy_table():
    [check] = text_vs_table("legacy", {"legacy": {"requests_received": 5}}, figures("全年共收到政府信息公开申请五件。"))
    assert (check.rule, check.status, check.left, check.right) == ("P3", "pass", 5, 5)
    [check] = text_vs_table("legacy", {"legacy": {"requests_received": 4}}, figures("全年共收到政府信息公开申请五件。"))
    assert (check.rule, check.status, check.left, check.right) == ("P3", "fail", 5, 4)


@pytest.mark.parametrize(("text", "stated"), [
    ("共收到政府信息公开申请两件,均已按时答复。", [("requests_received", 2)]),
    ("受理政府信息公开申请共计十二件。", [("requests_received", 12)]),
    ("共收到并及时处理政府信息依申请公开十一宗。", [("requests_received", 11)]),
    ("全年发生政府信息公开行政复议一起,行政诉讼两起。", [("reviews", 1), ("lawsuits", 2)]),
    ("全年主动公开政府信息一千二百条。", [("active_total", 1200)]),
    ("受理信息公开申请的每一件都认真办理。", []),
    ("收到的申请一般在十五个工作日内答复。", []),
    ("收到申请后15个工作日内答复。", []),
    ("本年度未收到因政府信息公开引起的行政复议申请。", [("reviews", 0)]),
])
def test_counts_in_chinese_numerals_and_what_is_no_count(text, stated):
    assert [(f.cell, f.value) for f in figures(text)] == stated


@pytest.mark.parametrize(("text", "number"), [
    ("两", 2), ("十", 10), ("十二", 12), ("二十", 20), ("三十一", 31), ("一百零五", 105), ("一千二百", 1200),
    ("零", 0), ("二〇二二", None), ("五六", None), ("", None), ("十件", None)])
def test_chinese_count(text, number):
    assert chinese_count(text) == number
