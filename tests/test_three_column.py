"""Table 三 printed with three columns (自然人, 法人或其他组织, 总计): the organisations' column is read into
``legal_person`` and checked by the rules' merged instances; a table with the five kinds is read as before.
Also: the 2021 subtotal (六)其他处理, which the template leaves out, is checked only where a report prints it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import sqlite_utils
from datasette.app import Datasette

from datasette_gaireports.build import build
from datasette_gaireports.checks import run_checks
from datasette_gaireports.corpus import generate_corpus
from datasette_gaireports.corpus.score import lines, load_export, load_truth, perfect, score
from datasette_gaireports.export import export_lines, iter_export
from datasette_gaireports.families import BUILTIN
from datasette_gaireports.families.requests import FAMILY as REQUESTS

from .conftest import FIXTURES, SEEDS, found, report_ids

THREE = FIXTURES / "three_column" / "2021_天荒坪镇_三列.html"
ORGANISATIONS = ("commercial", "research", "public_interest", "legal_service", "other_org")
MERGED_ROW = '<tr><td colspan=3>一、本年新收政府信息公开申请数量</td><td>12</td><td>3</td><td>15</td></tr>'


def _variant(folder: Path, name: str, *edits: tuple[str, str]) -> Path:
    text = THREE.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


def _seven_columns(path: Path, *edits: tuple[str, str]) -> Path:
    """The fixture with its table 三 in the template's seven columns: each row's 法人或其他组织 figure under
    商业企业, the other four kinds 0."""
    text = THREE.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    header = ("<tr><td colspan=3 rowspan=2>（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td>"
              "<td colspan=3>申请人情况</td></tr>\n<tr><td>自然人</td><td>法人或其他组织</td><td>总计</td></tr>")
    assert header in text
    text = text.replace(header, (
        "<tr><td colspan=3 rowspan=3>（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td>"
        "<td colspan=7>申请人情况</td></tr>\n<tr><td rowspan=2>自然人</td><td colspan=5>法人或其他组织</td>"
        "<td rowspan=2>总计</td></tr>\n<tr>" + "".join(f"<td>{k}</td>" for k in ("商业企业", "科研机构",
        "社会公益组织", "法律服务机构", "其他")) + "</tr>"))
    text = re.sub(r"<td>(\d+)</td><td>(\d+)</td><td>(\d+)</td></tr>",
                  r"<td>\1</td><td>\2</td><td>0</td><td>0</td><td>0</td><td>0</td><td>\3</td></tr>", text)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("three")
    shutil.copy(THREE, folder / THREE.name)
    shutil.copy(SEEDS / "001_6062cf8d5ea0336b.txt", folder)
    _variant(folder, "misprint.html", (MERGED_ROW, MERGED_ROW.replace("<td>3</td>", "<td>4</td>")),
             ("安吉县天荒坪镇", "白沙镇"))
    # the same body's next year: its carried-in figures are the carried-forward figures above
    _variant(folder, "2022.html", ("2021", "2022"), ("2022年1月20日", "2023年1月20日"),
             ("二、上年结转政府信息公开申请数量</td><td>1</td><td>0</td><td>1</td>",
              "二、上年结转政府信息公开申请数量</td><td>2</td><td>0</td><td>2</td>"))
    # the same body's year before, in seven columns: its carried-forward figures are carried in above
    _seven_columns(folder / "2020.html", ("2021", "2020"), ("2022年1月20日", "2021年1月20日"),
                   ("四、结转下年度继续办理</td><td>2</td><td>0</td><td>2</td>",
                    "四、结转下年度继续办理</td><td>1</td><td>0</td><td>1</td>"))
    # the five kinds' header row left out: the figures stand in seven columns, not under the header's three
    seven = [f"<td>{n}</td>" for n in (12, 1, 1, 0, 0, 1, 15)]
    _variant(folder, "no-subheader.html", ("<td colspan=3>申请人情况</td>", "<td colspan=7>申请人情况</td>"),
             ("<td>法人或其他组织</td>", "<td colspan=5>法人或其他组织</td>"),
             (MERGED_ROW, MERGED_ROW.replace("<td>12</td><td>3</td><td>15</td>", "".join(seven))),
             ("安吉县天荒坪镇", "红旗镇"))
    path = folder.parent / f"{folder.name}.db"
    build([folder], path)
    return path


def _requests(db: Path, source: str) -> dict[str, dict]:
    d = sqlite_utils.Database(db)
    rid = report_ids(db)[source]
    return {r["row"]: r for r in d.query("select * from requests where report_id = ?", [rid])}


def _checks(db: Path, source: str) -> list[dict]:
    d = sqlite_utils.Database(db)
    return list(d.query("select c.*, i.equation from checks c join rule_instances i using (instance) "
                        "where report_id = ? order by rule, scope", [report_ids(db)[source]]))


def test_a_three_column_table_is_read_into_natural_person_legal_person_and_total(db):
    rows = _requests(db, THREE.name)
    assert {k: rows["new"][k] for k in ("natural_person", "legal_person", "total")} == {
        "natural_person": 12, "legal_person": 3, "total": 15}
    assert {k: rows["unavailable_not_held"][k] for k in ("natural_person", "legal_person", "total")} == {
        "natural_person": 2, "legal_person": 1, "total": 3}
    assert all(rows[r][c] is None for r in rows for c in ORGANISATIONS), "no organisation's column is printed"
    d = sqlite_utils.Database(db)
    flags = [r["flag"] for r in d.query("select flag from cells where report_id = ? and family = 'requests'",
                                        [report_ids(db)[THREE.name]])]
    assert len(flags) == 25 * 3 and not any(flags), "every row has its three cells, none short"


def test_its_checks_are_the_merged_instances_and_pass(db):
    checks = _checks(db, THREE.name)
    requests = [c for c in checks if c["rule"] in ("R1", "R2", "R3")]
    assert {c["status"] for c in checks} == {"pass"}
    assert sorted({c["scope"] for c in requests if c["rule"] == "R1"}) == ["legal_person", "natural_person", "total"]
    r3 = {c["scope"]: c["equation"] for c in requests if c["rule"] == "R3"}
    assert r3["new"] == "new.total = new.natural_person + new.legal_person"
    assert "other" not in r3, "the 2021 subtotal (六)其他处理 is not printed, so not checked"
    assert sqlite_utils.Database(db).table("reports").get(report_ids(db)[THREE.name])["check_status"] == "pass"


def test_a_seven_column_table_keeps_its_columns_and_rules(db):
    rows = _requests(db, "001_6062cf8d5ea0336b.txt")
    assert rows["new"]["natural_person"] == 5 and rows["new"]["total"] == 5 and rows["new"]["commercial"] == 0
    assert all(r["legal_person"] is None for r in rows.values())
    checks = _checks(db, "001_6062cf8d5ea0336b.txt")
    assert sorted(c["scope"] for c in checks if c["rule"] == "R1") == sorted(
        ("natural_person", *ORGANISATIONS, "total"))
    assert not [c for c in checks if "legal_person" in c["equation"]]


def test_a_misprinted_organisations_figure_fails_its_column_and_its_row(db):
    failing = {(c["rule"], c["scope"]) for c in _checks(db, "misprint.html") if c["status"] == "fail"}
    assert failing == {("R1", "legal_person"), ("R3", "new")}


def test_a_header_without_the_five_kinds_over_seven_figures_is_read_as_seven_columns(db):
    rows = _requests(db, "no-subheader.html")
    assert [rows["new"][c] for c in ("natural_person", *ORGANISATIONS, "total")] == [12, 1, 1, 0, 0, 1, 15]
    assert rows["new"]["legal_person"] is None


def test_the_year_after_is_checked_column_by_column_across_years(db):
    x1 = {c["scope"]: c["status"] for c in _checks(db, "2022.html") if c["rule"] == "X1"}
    assert x1 == {"natural_person": "pass", "legal_person": "pass", "total": "pass"}


def test_a_year_in_seven_columns_is_carried_into_a_year_in_three(db):
    assert _requests(db, "2020.html")["carried_forward"]["commercial"] == 0, "read in seven columns"
    x1 = {c["scope"]: (c["status"], c["equation"]) for c in _checks(db, THREE.name) if c["rule"] == "X1"}
    assert {scope: status for scope, (status, _eq) in x1.items()} == {
        "natural_person": "pass", "legal_person": "pass", "total": "pass"}
    assert x1["legal_person"][1] == ("previous:carried_forward.commercial + previous:carried_forward.research + "
                                     "previous:carried_forward.public_interest + previous:carried_forward.legal_service"
                                     " + previous:carried_forward.other_org = carried_in.legal_person")


def test_the_export_gives_the_three_columns(db):
    exported = {o["source"]: o for o in iter_export(str(db))}
    assert exported[THREE.name]["tables"]["requests"]["new"] == {"natural_person": 12, "legal_person": 3,
                                                                 "total": 15}
    assert list(exported["001_6062cf8d5ea0336b.txt"]["tables"]["requests"]["new"]) == [
        "natural_person", *ORGANISATIONS, "total"]


@pytest.mark.asyncio
async def test_the_report_page_rebuilds_the_table_with_three_columns(db):
    ds = Datasette([str(db)])
    ids = report_ids(db)
    data = (await ds.client.get(f"/{db.stem}/-/gaireports/report/{ids[THREE.name]}.json")).json()
    table = next(t for t in data["tables"] if t["family"] == "requests")
    assert [[c["text"] for c in row] for row in table["head"]][1] == ["自然人", "法人或其他组织", "总计"]
    assert table["head"][0][1] == {"text": "申请人情况", "colspan": 3, "rowspan": 1}
    new = next(r for r in table["rows"] if r["code"] == "new")
    assert [(c["column"], c["display"]) for c in new["cells"]] == [
        ("natural_person", "12"), ("legal_person", "3"), ("total", "15")]
    other = next(r for r in table["rows"] if r["code"] == "other")
    assert other["heading"] and other["cells"] == [], "the subtotal the report leaves out is a label over its rows"
    html = (await ds.client.get(f"/{db.stem}/-/gaireports/report/{ids[THREE.name]}")).text
    assert '<td class="gr-label gr-heading" rowspan="3" data-row="other">(六)其他处理</td>' in html
    misprint = (await ds.client.get(f"/{db.stem}/-/gaireports/report/{ids['misprint.html']}")).text
    cell = found(r'(<td[^>]*data-cell="new\.legal_person".*?</td>)', misprint, re.S)
    assert "gr-fail" in cell and ">4<" in cell
    seven = (await ds.client.get(f"/{db.stem}/-/gaireports/report/{ids['001_6062cf8d5ea0336b.txt']}.json")).json()
    head = next(t for t in seven["tables"] if t["family"] == "requests")["head"]
    assert {"text": "法人或其他组织", "colspan": 5, "rowspan": 1} in head[1]


@pytest.mark.asyncio
async def test_the_agency_page_compares_the_carried_figures_of_the_three_columns(db):
    ds = Datasette([str(db)])
    html = (await ds.client.get(f"/{db.stem}/-/gaireports/report/{report_ids(db)['2022.html']}")).text
    agency = found(r'href="(/[^"]*/agency/\w+)"', html)
    page = (await ds.client.get(agency)).text
    for years in ("2020-2021", "2021-2022"):
        table = found(rf'data-carry="{years}">(.*?)</table>', page, re.S)
        assert re.findall(r'<tr data-column="(\w+)">', table) == ["natural_person", "legal_person", "total"]
        assert "gr-fail" not in table and "gr-incomplete" not in table, years


def _values_2021(subtotal: bool) -> dict[str, dict]:
    cells = {f"{r.code}.{c}": 0 for r in REQUESTS.data_rows("2021") for c in REQUESTS.row_columns(r, "2021")}
    cells.update({"new.natural_person": 1, "new.total": 1, "granted.natural_person": 1, "granted.total": 1,
                  "total_handled.natural_person": 1, "total_handled.total": 1})
    if not subtotal:
        cells = {k: v for k, v in cells.items() if not k.startswith("other.")}
    else:
        cells["other.total"] = 2  # a subtotal that breaks its row
    return {"requests": cells}


def test_the_2021_subtotal_is_checked_only_where_printed():
    without = run_checks(BUILTIN, "2021", _values_2021(subtotal=False))
    assert not [c for c in without if "other" in (c.scope,) or any(x.startswith("other.") for x in c.cells)]
    assert {c.status for c in without} == {"pass"}
    printed = run_checks(BUILTIN, "2021", _values_2021(subtotal=True))
    assert [(c.rule, c.scope, c.status) for c in printed if "other.total" in c.cells] == [
        ("R3", "other", "fail"), ("R5", "total", "fail")], "the subtotal against its row and against its three kinds"
    assert {c.status for c in printed if c.rule == "R5" and c.scope != "total"} == {"pass"}


def test_generated_three_column_tables_are_read_exactly_in_every_rendering(tmp_path):
    """Generated reports whose table 三 has three columns, in HTML and text renderings (one cell per line,
    ``|``-separated, tab-separated, spaced, traditional characters), with headers cut short (``法人或其``) or
    broken over two lines as such pages print them."""
    truths = generate_corpus(tmp_path / "g", 400, 5)
    three = {t["source"]: t for t in truths if "three_column_requests" in t["variants"]}
    assert len({t["rendering"] for t in three.values()}) >= 8, "most renderings have one"
    build([tmp_path / "g" / "reports"], tmp_path / "g.db")
    (tmp_path / "g.jsonl").write_text("\n".join(export_lines(str(tmp_path / "g.db"))), encoding="utf-8")
    truth = {k: v for k, v in load_truth(tmp_path / "g" / "truth").items() if k in three}
    result = score(truth, load_export(tmp_path / "g.jsonl"))
    assert result.total.reports == len(three) and perfect(result), "\n".join(lines(result, show=40))
